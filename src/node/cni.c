/* SPDX-License-Identifier: MIT */
#include "node/cni.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/ipaddr.h"
#include "core/json.h"
#include "core/file.h"
#include "core/banned.h"
#include "core/i18n.h"

#define CNI_MAX_FILE  (1u << 20)   /* a config over 1 MiB is not a config */
#define CNI_MAX_FILES 4096         /* entries of the config dir considered */

enum kind { KIND_GUESS, KIND_LIST, KIND_SINGLE };

static const char *extension(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot ? dot : "";
}

/* libcni's extensions, matched like Go's filepath.Ext (from the last dot). */
static bool is_config_name(const char *name)
{
	const char *x = extension(name);

	return strcmp(x, ".conf") == 0 || strcmp(x, ".conflist") == 0 ||
	       strcmp(x, ".json") == 0;
}

static enum kind kind_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *x = extension(slash ? slash + 1 : path);

	if (strcmp(x, ".conflist") == 0)
		return KIND_LIST;
	if (strcmp(x, ".conf") == 0 || strcmp(x, ".json") == 0)
		return KIND_SINGLE;
	return KIND_GUESS;
}

/* The CNI spec's network name: it becomes a directory name under dataDir. */
static bool valid_net_name(const char *s, size_t n)
{
	if (n == 0 || n > 255)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
			return false;
	}
	return true;
}

/*
 * An optional string member: 0 with *out NULL when absent or null (Go
 * decodes null as ""), 0 with a copy in the arena, -1 when of another type
 * or holding a NUL.
 */
static int opt_str(const char *path, const char *where, const struct nd_json *obj,
		   const char *key, struct nd_arena *a, const char **out, struct nd_err *e)
{
	const struct nd_json *v = nd_json_get(obj, key);

	*out = NULL;
	if (!v || v->type == ND_JNULL)
		return 0;
	if (v->type != ND_JSTR)
		return nd_err_set(e, _("'%s': %s'%s' is %s, not a string"), path, where,
				  key, nd_json_type_name((enum nd_jtype)v->type));
	if (strlen(v->u.s) != v->n)
		return nd_err_set(e, _("'%s': %s'%s' holds a NUL character"), path, where, key);
	*out = nd_arena_strndup(a, v->u.s, v->n);
	return 0;
}

static int check_ip(const char *path, const char *where, const char *key,
		    const char *val, struct nd_err *e)
{
	struct nd_ip ip;

	if (val && nd_ip_parse(val, &ip) < 0)
		return nd_err_set(e, _("'%s': %s'%s' is not an IP address: '%s'"), path,
				  where, key, val);
	return 0;
}

/* One range object: {subnet, rangeStart, rangeEnd, gateway}. */
static int parse_range(const char *path, const char *where, const struct nd_json *obj,
		       uint32_t set, struct nd_arena *a, struct nd_cni_range *r,
		       struct nd_err *e)
{
	struct nd_cidr c;
	const char *subnet;

	memset(r, 0, sizeof(*r));
	r->set = set;
	if (opt_str(path, where, obj, "subnet", a, &subnet, e) < 0 ||
	    opt_str(path, where, obj, "rangeStart", a, &r->start, e) < 0 ||
	    opt_str(path, where, obj, "rangeEnd", a, &r->end, e) < 0 ||
	    opt_str(path, where, obj, "gateway", a, &r->gateway, e) < 0)
		return -1;
	if (subnet && strcmp(subnet, "usePodCidr") == 0) {
		r->use_pod_cidr = true;
	} else if (subnet && strcmp(subnet, "usePodCidrIPv6") == 0) {
		r->use_pod_cidr = true;
		r->pod_cidr_v6 = true;
	} else if (!subnet) {
		return nd_err_set(e, _("'%s': %smissing 'subnet'"), path, where);
	} else if (nd_cidr_parse(subnet, false, &c) < 0) {
		return nd_err_set(e, _("'%s': %s'subnet' is not a CIDR: '%s'"), path, where,
				  subnet);
	} else {
		r->subnet = subnet;
	}
	if (check_ip(path, where, "rangeStart", r->start, e) < 0 ||
	    check_ip(path, where, "rangeEnd", r->end, e) < 0 ||
	    check_ip(path, where, "gateway", r->gateway, e) < 0)
		return -1;
	return 0;
}

static int parse_ipam(const char *path, const struct nd_json *ipam, struct nd_arena *a,
		      struct nd_cni_net *out, struct nd_err *e)
{
	const struct nd_json *ranges = nd_json_get(ipam, "ranges");
	const struct nd_json *old = nd_json_get(ipam, "subnet");
	bool has_old = old && old->type != ND_JNULL;
	size_t total = has_old ? 1 : 0;
	uint32_t set = 0, k = 0;
	char where[64];

	if (opt_str(path, "ipam: ", ipam, "type", a, &out->ipam_type, e) < 0 ||
	    opt_str(path, "ipam: ", ipam, "dataDir", a, &out->data_dir, e) < 0)
		return -1;
	if (ranges && ranges->type != ND_JNULL) {
		if (ranges->type != ND_JARR)
			return nd_err_set(e, _("'%s': ipam: 'ranges' is not an array"), path);
		for (uint32_t i = 0; i < ranges->n; i++) {
			const struct nd_json *rs = &ranges->u.items[i];

			if (rs->type != ND_JARR)
				return nd_err_set(e, _("'%s': ipam: range set %u is not an array"),
						  path, i);
			if (rs->n == 0)
				return nd_err_set(e, _("'%s': ipam: range set %u is empty"), path, i);
			total += rs->n;
		}
	}
	if (total == 0)
		return 0;
	out->ranges = nd_arena_alloc(a, total * sizeof(*out->ranges));
	/* host-local puts the old single range first, as range set 0. */
	if (has_old) {
		if (parse_range(path, "ipam: ", ipam, set++, a, &out->ranges[k++], e) < 0)
			return -1;
	}
	for (uint32_t i = 0; ranges && ranges->type == ND_JARR && i < ranges->n; i++, set++) {
		const struct nd_json *rs = &ranges->u.items[i];

		for (uint32_t j = 0; j < rs->n; j++) {
			snprintf(where, sizeof(where), "ipam: range %u.%u: ", i, j);
			if (rs->u.items[j].type != ND_JOBJ)
				return nd_err_set(e, _("'%s': %snot an object"), path, where);
			if (parse_range(path, where, &rs->u.items[j], set, a,
					&out->ranges[k++], e) < 0)
				return -1;
		}
	}
	out->nranges = k;
	return 0;
}

static int plugin_type(const char *path, const char *where, const struct nd_json *p,
		       struct nd_arena *a, const char **out, struct nd_err *e)
{
	if (p->type != ND_JOBJ)
		return nd_err_set(e, _("'%s': %snot an object"), path, where);
	if (opt_str(path, where, p, "type", a, out, e) < 0)
		return -1;
	if (!*out || !**out)
		return nd_err_set(e, _("'%s': %smissing 'type'"), path, where);
	return 0;
}

/* The first plugin whose "ipam" is a non-empty object, or NULL. */
static int find_ipam(const char *path, const struct nd_json *plugin, uint32_t i,
		     const struct nd_json **out, struct nd_err *e)
{
	const struct nd_json *ipam = nd_json_get(plugin, "ipam");

	if (!ipam || ipam->type == ND_JNULL || *out)
		return 0;
	if (ipam->type != ND_JOBJ)
		return nd_err_set(e, _("'%s': plugin %u: 'ipam' is not an object"), path, i);
	if (ipam->n > 0)
		*out = ipam;
	return 0;
}

static int parse_tree(const char *path, const struct nd_json *root, struct nd_arena *a,
		      struct nd_cni_net *out, struct nd_err *e)
{
	const struct nd_json *plugins = nd_json_get(root, "plugins");
	const struct nd_json *ipam = NULL;
	enum kind k = kind_of(path);
	char where[32];

	if (root->type != ND_JOBJ)
		return nd_err_set(e, _("'%s': not a CNI config: the top level is %s, not an object"),
				  path, nd_json_type_name((enum nd_jtype)root->type));
	if (k == KIND_GUESS)
		k = plugins ? KIND_LIST : KIND_SINGLE;
	if (opt_str(path, "", root, "name", a, &out->name, e) < 0)
		return -1;
	if (!out->name)
		return nd_err_set(e, _("'%s': missing network 'name'"), path);
	if (!valid_net_name(out->name, strlen(out->name)))
		return nd_err_set(e, _("'%s': invalid network name '%s'"), path, out->name);
	if (k == KIND_SINGLE) {
		if (plugin_type(path, "", root, a, &out->plugin, e) < 0 ||
		    find_ipam(path, root, 0, &ipam, e) < 0)
			return -1;
	} else {
		if (!plugins || plugins->type != ND_JARR)
			return nd_err_set(e, _("'%s': missing 'plugins' array"), path);
		if (plugins->n == 0)
			return nd_err_set(e, _("'%s': no plugins in 'plugins'"), path);
		for (uint32_t i = 0; i < plugins->n; i++) {
			const char *type;

			snprintf(where, sizeof(where), "plugin %u: ", i);
			if (plugin_type(path, where, &plugins->u.items[i], a, &type, e) < 0 ||
			    find_ipam(path, &plugins->u.items[i], i, &ipam, e) < 0)
				return -1;
			if (i == 0)
				out->plugin = type;
		}
	}
	return ipam ? parse_ipam(path, ipam, a, out, e) : 0;
}

int nd_cni_parse(const char *path, const char *buf, size_t len,
		 struct nd_arena *a, struct nd_cni_net *out, struct nd_err *e)
{
	struct nd_arena *scratch;
	struct nd_json root;
	struct nd_cni_net net;
	int r = -1;

	memset(&net, 0, sizeof(net));
	if (len > CNI_MAX_FILE)
		return nd_err_set(e, _("'%s': larger than 1 MiB, not a CNI config"), path);
	/* The tree is scratch; only the strings kept are copied into a. */
	scratch = nd_arena_new(0);
	if (nd_json_parse(buf, len, 0, scratch, &root, e) < 0) {
		nd_err_prefix(e, "'%s'", path);
		goto out;
	}
	net.file = nd_arena_strdup(a, path);
	if (parse_tree(path, &root, a, &net, e) < 0)
		goto out;
	*out = net;
	r = 0;
out:
	nd_arena_free(scratch);
	return r;
}

static int cmp_name(const void *x, const void *y)
{
	/* Go's sort.Strings: byte order, no locale. */
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Config file names of dir, sorted; directories left out as libcni does. */
static int list_dir(const char *dir, char ***names, size_t *n, struct nd_err *e)
{
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return nd_err_set(e, _("cannot read '%s': %s"), dir, strerror(errno));
	d = fdopendir(fd);
	if (!d) {
		nd_err_set(e, _("cannot read '%s': %s"), dir, strerror(errno));
		close(fd);
		return -1;
	}
	for (;;) {
		struct stat st;

		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (!is_config_name(de->d_name))
			continue;
		if (de->d_type == DT_DIR)
			continue;
		if (de->d_type == DT_UNKNOWN &&
		    fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode))
			continue;
		if (cnt == CNI_MAX_FILES) {
			nd_err_set(e, _("'%s': more than %u CNI config files"), dir,
				   CNI_MAX_FILES);
			goto fail;
		}
		ND_GROW(v, cap, cnt + 1);
		v[cnt++] = nd_xstrdup(de->d_name);
	}
	if (errno) {
		nd_err_set(e, _("cannot read '%s': %s"), dir, strerror(errno));
		goto fail;
	}
	closedir(d);
	if (cnt > 1)
		qsort(v, cnt, sizeof(*v), cmp_name);
	*names = v;
	*n = cnt;
	return 0;
fail:
	for (size_t i = 0; i < cnt; i++)
		free(v[i]);
	free(v);
	closedir(d);
	return -1;
}

int nd_cni_load_dir(const char *dir, struct nd_arena *a,
		    struct nd_cni_net **out, size_t *n,
		    char ***errors, size_t *nerrors, struct nd_err *e)
{
	char **names = NULL;
	size_t cnt = 0;
	const char *sep;

	*out = NULL;
	*n = 0;
	*errors = NULL;
	*nerrors = 0;
	if (list_dir(dir, &names, &cnt, e) < 0)
		return -1;
	if (cnt == 0)
		return 0;
	*out = nd_arena_alloc(a, cnt * sizeof(**out));
	*errors = nd_arena_alloc(a, cnt * sizeof(**errors));
	sep = dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/";
	for (size_t i = 0; i < cnt; i++) {
		char *path = nd_arena_printf(a, "%s%s%s", dir, sep, names[i]);
		struct nd_err fe;
		char *buf = NULL;
		size_t len = 0;

		fe.msg[0] = '\0';
		if (nd_read_file(path, CNI_MAX_FILE, &buf, &len, &fe) == 0 &&
		    nd_cni_parse(path, buf, len, a, &(*out)[*n], &fe) == 0)
			(*n)++;
		else
			(*errors)[(*nerrors)++] = nd_arena_strdup(a, fe.msg);
		free(buf);
		free(names[i]);
	}
	free(names);
	return 0;
}
