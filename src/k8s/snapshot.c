/* SPDX-License-Identifier: MIT */
#include "k8s/snapshot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>

#include "core/err.h"
#include "k8s/tarball.h"
#include "core/banned.h"
#include "core/i18n.h"

static char *join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = nd_xmalloc(n);

	snprintf(p, n, "%s/%s", a, b);
	return p;
}

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int has_layout(const char *dir)
{
	char *c = join(dir, "cluster"), *n = join(dir, "nodes");
	int ok = is_dir(c) || is_dir(n);

	free(c);
	free(n);
	return ok;
}

/* The tmp folder's one sub-folder, or NULL. */
static char *only_subdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *one = NULL;
	int count = 0;

	if (!d)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (++count == 1)
			one = join(dir, de->d_name);
	}
	closedir(d);
	if (count != 1 || !is_dir(one)) {
		free(one);
		return NULL;
	}
	return one;
}

int nd_snapshot_open(const char *arg, struct nd_snapshot **out, struct nd_err *e)
{
	struct nd_snapshot *s;
	struct nd_tar_limits l;
	const char *td = getenv("TMPDIR");
	struct stat st;
	char *sub;

	*out = NULL;
	if (stat(arg, &st) < 0)
		return nd_err_set(e, _("cannot open bundle '%s': %s"), arg, strerror(errno));
	s = nd_xcalloc(1, sizeof(*s));
	s->arg = nd_xstrdup(arg);
	if (S_ISDIR(st.st_mode)) {
		s->root = nd_xstrdup(arg);
		*out = s;
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		nd_snapshot_close(s);
		return nd_err_set(e, _("bundle '%s' is neither a folder nor a .tar.gz file"), arg);
	}
	s->tmp = join(td && td[0] ? td : "/tmp", "netdiag-snapshot.XXXXXX");
	if (!mkdtemp(s->tmp)) {
		nd_err_set(e, _("cannot create a folder for bundle '%s' under '%s': %s"), arg,
			   td && td[0] ? td : "/tmp", strerror(errno));
		free(s->tmp);
		s->tmp = NULL;
		nd_snapshot_close(s);
		return -1;
	}
	nd_tar_limits_default(&l);
	if (nd_tar_extract(arg, s->tmp, &l, e) < 0) {
		nd_snapshot_close(s);
		return -1;
	}
	if (has_layout(s->tmp))
		s->root = nd_xstrdup(s->tmp);
	else if ((sub = only_subdir(s->tmp)) != NULL)
		s->root = sub;
	else
		s->root = nd_xstrdup(s->tmp);
	*out = s;
	return 0;
}

void nd_snapshot_close(struct nd_snapshot *s)
{
	if (!s)
		return;
	if (s->tmp)
		nd_tar_rm_tree(s->tmp);
	free(s->tmp);
	free(s->root);
	free(s->arg);
	free(s);
}

char *nd_snapshot_display(const struct nd_snapshot *sn, const char *s)
{
	size_t rl, al, n = 0, cap;
	const char *p, *hit;
	char *out;

	if (!sn || !sn->tmp)
		return nd_xstrdup(s);
	rl = strlen(sn->root);
	al = strlen(sn->arg);
	cap = strlen(s) + 1;
	for (p = s; (hit = strstr(p, sn->root)) != NULL; p = hit + rl)
		cap += al;
	out = nd_xmalloc(cap);
	for (p = s; (hit = strstr(p, sn->root)) != NULL; p = hit + rl) {
		memcpy(out + n, p, (size_t)(hit - p));
		n += (size_t)(hit - p);
		memcpy(out + n, sn->arg, al);
		n += al;
	}
	memcpy(out + n, p, strlen(p) + 1);
	return out;
}
