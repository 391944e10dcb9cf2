/* SPDX-License-Identifier: MIT */
#include "manifest.h"

#include <stdbool.h>
#include <string.h>

#include "cmd.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/banned.h"
#include "core/i18n.h"

#define IMAGE_MAX 255
#define NS_MAX 63
#define DEPTH_MAX 4   /* fragments within fragments */

const char *nd_manifest_default_image(void)
{
	return "netdiag:" ND_VERSION;
}

static const struct nd_manifest_tpl *find(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < nd_manifest_tpls_len; i++)
		if (strlen(nd_manifest_tpls[i].name) == n &&
		    memcmp(nd_manifest_tpls[i].name, name, n) == 0)
			return &nd_manifest_tpls[i];
	return NULL;
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int check_image(const char *s, struct nd_err *e)
{
	size_t i, n = strlen(s);

	if (n == 0)
		return nd_err_set(e, _("the image is empty"));
	if (n > IMAGE_MAX)
		return nd_err_set(e, _("image '%.40s...' is longer than %d bytes"), s, IMAGE_MAX);
	if (!is_alnum(s[0]))
		return nd_err_set(e, _("image '%s' must start with a letter or digit"), s);
	for (i = 0; i < n; i++)
		if (!is_alnum(s[i]) && !strchr("._-/:@", s[i]))
			return nd_err_set(e, _("image '%s': '%c' at byte %zu is not allowed in an image "
					  "reference (letters, digits and . _ - / : @)"),
					  s, s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?', i + 1);
	return 0;
}

static int check_ns(const char *s, struct nd_err *e)
{
	size_t i, n = strlen(s);

	if (n == 0)
		return nd_err_set(e, _("the namespace is empty"));
	if (n > NS_MAX)
		return nd_err_set(e, _("namespace '%.40s...' is longer than %d bytes"), s, NS_MAX);
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return nd_err_set(e, _("namespace '%s': a namespace is lower-case letters, "
					  "digits and '-' (a DNS-1123 label)"), s);
	}
	if (s[0] == '-' || s[n - 1] == '-')
		return nd_err_set(e, _("namespace '%s' must start and end with a letter or digit"), s);
	return 0;
}

struct fill {
	struct nd_buf *out;
	const char *image, *ns;
	struct nd_err *e;
};

/* One line (without its '\n') after indent: @IMAGE@ and @NAMESPACE@ filled in. */
static int line(struct fill *f, const struct nd_manifest_tpl *t, unsigned lineno,
		const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const char *at = memchr(s + i, '@', n - i), *end;
		size_t k;

		if (!at) {
			nd_buf_add(f->out, s + i, n - i);
			break;
		}
		nd_buf_add(f->out, s + i, (size_t)(at - (s + i)));
		i = (size_t)(at - s);
		end = memchr(at + 1, '@', n - i - 1);
		k = end ? (size_t)(end - at) + 1 : 0;
		if (k == sizeof("@IMAGE@") - 1 && memcmp(at, "@IMAGE@", k) == 0) {
			nd_buf_adds(f->out, f->image);
		} else if (k == sizeof("@NAMESPACE@") - 1 && memcmp(at, "@NAMESPACE@", k) == 0) {
			nd_buf_adds(f->out, f->ns);
		} else if (k > 2 && at[1] >= 'A' && at[1] <= 'Z') {
			return nd_err_set(f->e, _("manifest template '%s' line %u: unknown placeholder "
					  "'%.*s'"), t->name, lineno, (int)k, at);
		} else {
			nd_buf_addc(f->out, '@');
			k = 1;
		}
		i += k;
	}
	return 0;
}

static int fill(struct fill *f, const struct nd_manifest_tpl *t, size_t indent, int depth)
{
	const char *p = t->text;
	unsigned lineno = 0;

	if (depth > DEPTH_MAX)
		return nd_err_set(f->e, _("manifest template '%s': fragments nest deeper than %d"),
				  t->name, DEPTH_MAX);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p), sp = 0;

		lineno++;
		while (sp < n && p[sp] == ' ')
			sp++;
		if (n - sp > 3 && p[sp] == '@' && p[sp + 1] == '_' && p[n - 1] == '@' &&
		    !memchr(p + sp + 1, '@', n - sp - 2)) {
			const struct nd_manifest_tpl *frag = find(p + sp + 1, n - sp - 2);

			if (!frag)
				return nd_err_set(f->e, _("manifest template '%s' line %u: no fragment "
						  "'%.*s'"), t->name, lineno, (int)(n - sp - 2), p + sp + 1);
			if (fill(f, frag, indent + sp, depth + 1) < 0)
				return -1;
		} else {
			if (n > 0)
				for (size_t k = 0; k < indent; k++)
					nd_buf_addc(f->out, ' ');
			if (line(f, t, lineno, p, n) < 0)
				return -1;
			nd_buf_addc(f->out, '\n');
		}
		p += n + (nl ? 1 : 0);
	}
	return 0;
}

int nd_manifest_print(struct nd_buf *out, const char *name, const char *image, const char *ns,
		      struct nd_err *e)
{
	const struct nd_manifest_tpl *t = find(name, strlen(name));
	struct fill f = {out, image, ns, e};
	size_t start = out->len;

	if (out->toobig)
		return nd_err_set(e, _("manifest '%s': the output buffer is already full"), name);
	if (!t || name[0] == '_')
		return nd_err_set(e, _("no manifest named '%s'"), name);
	if (!f.image)
		f.image = nd_manifest_default_image();
	if (!f.ns)
		f.ns = strcmp(name, "fleet") == 0 ? ND_MANIFEST_NS_FLEET : ND_MANIFEST_NS_INCLUSTER;
	if (check_image(f.image, e) < 0 || check_ns(f.ns, e) < 0)
		return -1;
	if (fill(&f, t, 0, 0) < 0)
		goto fail;
	if (out->toobig) {
		nd_err_set(e, _("manifest '%s' is larger than the buffer's %zu bytes"), name, out->max);
		goto fail;
	}
	return 0;
fail:
	if (out->p) {
		out->len = start;
		out->p[start] = '\0';
	}
	out->toobig = false;
	return -1;
}

int nd_manifest_incluster(struct nd_buf *out, const char *image, const char *ns,
			  struct nd_err *e)
{
	return nd_manifest_print(out, "incluster", image, ns, e);
}

int nd_manifest_fleet(struct nd_buf *out, const char *image, const char *ns, struct nd_err *e)
{
	return nd_manifest_print(out, "fleet", image, ns, e);
}
