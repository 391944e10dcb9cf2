/* SPDX-License-Identifier: MIT */
/* 403 Forbidden messages and Status bodies, turned back into the RBAC question they answer. */
#include "policy/rbac.h"

#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/banned.h"
#include "core/i18n.h"

struct cur {
	const char *p, *end;
};

static bool lit(struct cur *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
		return false;
	c->p += n;
	return true;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Append one byte; false when the field is full. */
static bool put(char *out, size_t cap, size_t *n, char ch)
{
	if (*n + 1 >= cap)
		return false;
	out[(*n)++] = ch;
	return true;
}

static bool put_utf8(char *out, size_t cap, size_t *n, uint32_t cp)
{
	if (cp >= 0xD800 && cp <= 0xDFFF)
		cp = 0xFFFD;
	if (cp < 0x80)
		return put(out, cap, n, (char)cp);
	if (cp < 0x800)
		return put(out, cap, n, (char)(0xC0 | (cp >> 6))) &&
		       put(out, cap, n, (char)(0x80 | (cp & 0x3F)));
	if (cp < 0x10000)
		return put(out, cap, n, (char)(0xE0 | (cp >> 12))) &&
		       put(out, cap, n, (char)(0x80 | ((cp >> 6) & 0x3F))) &&
		       put(out, cap, n, (char)(0x80 | (cp & 0x3F)));
	if (cp > 0x10FFFF)
		cp = 0xFFFD;
	return put(out, cap, n, (char)(0xF0 | (cp >> 18))) &&
	       put(out, cap, n, (char)(0x80 | ((cp >> 12) & 0x3F))) &&
	       put(out, cap, n, (char)(0x80 | ((cp >> 6) & 0x3F))) &&
	       put(out, cap, n, (char)(0x80 | (cp & 0x3F)));
}

/*
 * A Go strconv.Quote string at c ("..." with \" \\ \n \t \xNN \uNNNN
 * \UNNNNNNNN escapes) into out. 0, or -1 with e filled.
 */
static int quoted(struct cur *c, char *out, size_t cap, const char *what, struct nd_err *e)
{
	size_t n = 0;

	if (c->p >= c->end || *c->p != '"')
		return nd_err_set(e, _("expected a quoted %s at '%.*s'"), what,
				  (int)((c->end - c->p) < 20 ? (c->end - c->p) : 20), c->p);
	c->p++;
	while (c->p < c->end && *c->p != '"') {
		char ch = *c->p++;
		bool ok = true;

		if (ch == '\\') {
			int digits = 0, i;
			uint32_t cp = 0;

			if (c->p >= c->end)
				break;
			ch = *c->p++;
			switch (ch) {
			case 'a': ok = put(out, cap, &n, '\a'); break;
			case 'b': ok = put(out, cap, &n, '\b'); break;
			case 'f': ok = put(out, cap, &n, '\f'); break;
			case 'n': ok = put(out, cap, &n, '\n'); break;
			case 'r': ok = put(out, cap, &n, '\r'); break;
			case 't': ok = put(out, cap, &n, '\t'); break;
			case 'v': ok = put(out, cap, &n, '\v'); break;
			case '\\': case '"': case '\'': ok = put(out, cap, &n, ch); break;
			case 'x': digits = 2; break;
			case 'u': digits = 4; break;
			case 'U': digits = 8; break;
			default:
				return nd_err_set(e, _("bad escape '\\%c' in the quoted %s"), ch, what);
			}
			if (digits) {
				for (i = 0; i < digits; i++) {
					int h = c->p < c->end ? hexval(*c->p) : -1;

					if (h < 0)
						return nd_err_set(e, _("bad escape in the quoted %s"), what);
					cp = cp << 4 | (uint32_t)h;
					c->p++;
				}
				ok = ch == 'x' ? put(out, cap, &n, (char)cp) : put_utf8(out, cap, &n, cp);
			}
		} else {
			ok = put(out, cap, &n, ch);
		}
		if (!ok)
			return nd_err_set(e, _("the %s is longer than %zu bytes"), what, cap - 1);
	}
	if (c->p >= c->end)
		return nd_err_set(e, _("unterminated quoted %s"), what);
	c->p++;
	out[n] = '\0';
	return 0;
}

/* A bare word up to the next space into out. */
static int word(struct cur *c, char *out, size_t cap, const char *what, struct nd_err *e)
{
	size_t n = 0;

	while (c->p < c->end && *c->p != ' ') {
		if (!put(out, cap, &n, *c->p++))
			return nd_err_set(e, _("the %s is longer than %zu bytes"), what, cap - 1);
	}
	out[n] = '\0';
	if (!n)
		return nd_err_set(e, _("missing %s"), what);
	return 0;
}

static int rest(struct cur *c, char *out, size_t cap)
{
	size_t n = (size_t)(c->end - c->p);

	if (n >= cap)
		n = cap - 1;
	memcpy(out, c->p, n);
	out[n] = '\0';
	return 0;
}

int nd_rbac_parse_forbidden(const char *msg, size_t len, struct nd_forbidden *out,
			    struct nd_err *e)
{
	struct cur c = {msg, msg + len};
	char res[sizeof(out->resource) + sizeof(out->subresource)];
	char qualified[512];
	char *slash;

	memset(out, 0, sizeof(*out));
	while (c.p < c.end && (*c.p == ' ' || *c.p == '\n' || *c.p == '\t'))
		c.p++;
	lit(&c, "Error from server (Forbidden): ");
	/* "<resource>[.<group>] [\"<name>\" ]is forbidden: " or "forbidden: " */
	if (!lit(&c, "forbidden: ")) {
		if (word(&c, qualified, sizeof(qualified), "resource", e) < 0)
			goto bad;
		if (lit(&c, " \"")) {
			c.p--;
			if (quoted(&c, out->name, sizeof(out->name), "name", e) < 0)
				goto bad;
		}
		if (!lit(&c, " is forbidden: ")) {
			nd_err_set(e, _("expected 'is forbidden: ' after '%.60s'"), qualified);
			goto bad;
		}
	}
	if (!lit(&c, "User ")) {
		nd_err_set(e, _("expected 'User \"...\"' after 'forbidden: '"));
		goto bad;
	}
	if (quoted(&c, out->user, sizeof(out->user), "user", e) < 0)
		goto bad;
	if (!lit(&c, " cannot ")) {
		nd_err_set(e, _("expected ' cannot ' after the user"));
		goto bad;
	}
	if (word(&c, out->verb, sizeof(out->verb), "verb", e) < 0)
		goto bad;
	if (lit(&c, " path ")) {
		out->non_resource = true;
		if (quoted(&c, out->path, sizeof(out->path), "path", e) < 0)
			goto bad;
	} else if (lit(&c, " resource ")) {
		if (quoted(&c, res, sizeof(res), "resource", e) < 0)
			goto bad;
		slash = strchr(res, '/');
		if (slash)
			*slash = '\0';
		if (strlen(res) >= sizeof(out->resource) ||
		    (slash && strlen(slash + 1) >= sizeof(out->subresource))) {
			nd_err_set(e, _("the resource is too long"));
			goto bad;
		}
		memcpy(out->resource, res, strlen(res) + 1);
		if (slash)
			memcpy(out->subresource, slash + 1, strlen(slash + 1) + 1);
		if (!lit(&c, " in API group ")) {
			nd_err_set(e, _("expected ' in API group ' after the resource"));
			goto bad;
		}
		if (quoted(&c, out->group, sizeof(out->group), "API group", e) < 0)
			goto bad;
		if (lit(&c, " in the namespace ")) {
			if (quoted(&c, out->ns, sizeof(out->ns), "namespace", e) < 0)
				goto bad;
		} else if (lit(&c, " at the cluster scope")) {
			out->cluster_scope = true;
		} else {
			nd_err_set(e, _("expected ' in the namespace ' or ' at the cluster scope'"));
			goto bad;
		}
	} else {
		nd_err_set(e, _("expected ' resource ' or ' path ' after the verb '%s'"), out->verb);
		goto bad;
	}
	lit(&c, ": ");
	rest(&c, out->reason, sizeof(out->reason));
	return 0;
bad:
	nd_err_prefix(e, _("not a Kubernetes Forbidden message"));
	memset(out, 0, sizeof(*out));
	return -1;
}

int nd_rbac_parse_status(const char *body, size_t len, struct nd_forbidden *out,
			 struct nd_err *e)
{
	struct nd_arena *a;
	struct nd_json v;
	const struct nd_json *msg;
	const char *reason;
	size_t i = 0;
	int rc;

	while (i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t'))
		i++;
	if (i == len || body[i] != '{')
		return nd_rbac_parse_forbidden(body, len, out, e);
	a = nd_arena_new(0);
	if (nd_json_parse(body, len, 0, a, &v, e) < 0) {
		nd_arena_free(a);
		return nd_err_prefix(e, _("403 body"));
	}
	reason = nd_json_str(nd_json_get(&v, "reason"));
	msg = nd_json_get(&v, "message");
	if (v.type != ND_JOBJ || !msg || msg->type != ND_JSTR) {
		nd_arena_free(a);
		return nd_err_set(e, _("403 body: not a Status object with a message"));
	}
	if (reason && strcmp(reason, "Forbidden") != 0) {
		nd_err_set(e, _("403 body: Status reason is '%s', not 'Forbidden'"), reason);
		nd_arena_free(a);
		return -1;
	}
	rc = nd_rbac_parse_forbidden(msg->u.s, msg->n, out, e);
	nd_arena_free(a);
	return rc;
}

void nd_rbac_forbidden_request(const struct nd_forbidden *f, struct nd_arena *a,
			       struct nd_rbac_user *u, struct nd_rbac_req *q)
{
	memset(q, 0, sizeof(*q));
	nd_rbac_user_make(u, nd_arena_strdup(a, f->user), NULL, 0, a);
	q->verb = nd_arena_strdup(a, f->verb);
	if (f->non_resource) {
		q->path = nd_arena_strdup(a, f->path);
		return;
	}
	q->group = nd_arena_strdup(a, f->group);
	q->resource = nd_arena_strdup(a, f->resource);
	q->subresource = f->subresource[0] ? nd_arena_strdup(a, f->subresource) : NULL;
	q->name = f->name[0] ? nd_arena_strdup(a, f->name) : NULL;
	q->ns = f->cluster_scope || !f->ns[0] ? NULL : nd_arena_strdup(a, f->ns);
}
