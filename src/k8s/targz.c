/* SPDX-License-Identifier: MIT */
/* A gzip'd ustar archive of a folder, for 'collect -o X.tar.gz' (zlib). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#include "core/err.h"
#include "k8s/collect.h"
#include "core/banned.h"

struct tw {
	gzFile gz;
	const char *path;
	struct nd_err *e;
	int depth;
};

/* v as n - 1 zero-padded octal digits and a NUL (tar's numeric fields). */
static void octal(char *dst, size_t n, unsigned long long v)
{
	size_t i = n - 1;

	dst[i] = '\0';
	while (i-- > 0) {
		dst[i] = (char)('0' + (v & 7));
		v >>= 3;
	}
}

static int header(struct tw *t, const char *name, unsigned long long size, char type,
		  unsigned mode, time_t mtime)
{
	unsigned char h[512];
	unsigned sum = 0;
	size_t i, nl = strlen(name);

	memset(h, 0, sizeof(h));
	if (nl >= 100)
		return nd_err_set(t->e, "name '%s' is too long for the archive", name);
	memcpy(h, name, nl);
	octal((char *)h + 100, 8, mode);
	octal((char *)h + 108, 8, 0);
	octal((char *)h + 116, 8, 0);
	octal((char *)h + 124, 12, size);
	octal((char *)h + 136, 12, (unsigned long long)mtime);
	memset(h + 148, ' ', 8);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (i = 0; i < sizeof(h); i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
	if (gzwrite(t->gz, h, sizeof(h)) != (int)sizeof(h))
		return nd_err_set(t->e, "cannot write '%s'", t->path);
	return 0;
}

static int add_file(struct tw *t, const char *fs, const char *name, const struct stat *st)
{
	FILE *f = fopen(fs, "re");
	char buf[65536];
	size_t n, total = 0;
	static const char zero[512];

	if (!f)
		return nd_err_set(t->e, "cannot read '%s': %s", fs, strerror(errno));
	if (header(t, name, (unsigned long long)st->st_size, '0', 0600, st->st_mtime) < 0) {
		fclose(f);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && total < (size_t)st->st_size) {
		if (total + n > (size_t)st->st_size)
			n = (size_t)st->st_size - total;
		if (gzwrite(t->gz, buf, (unsigned)n) != (int)n) {
			fclose(f);
			return nd_err_set(t->e, "cannot write '%s'", t->path);
		}
		total += n;
	}
	fclose(f);
	if (total != (size_t)st->st_size)
		return nd_err_set(t->e, "'%s' changed while it was archived", fs);
	if (total % 512 && gzwrite(t->gz, zero, (unsigned)(512 - total % 512)) <= 0)
		return nd_err_set(t->e, "cannot write '%s'", t->path);
	return 0;
}

static int add_dir(struct tw *t, const char *fs, const char *name)
{
	DIR *d = opendir(fs);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return nd_err_set(t->e, "cannot open '%s': %s", fs, strerror(errno));
	if (++t->depth > 8) {
		closedir(d);
		return nd_err_set(t->e, "'%s' is nested too deeply", fs);
	}
	{
		char dn[256];
		struct stat st;

		snprintf(dn, sizeof(dn), "%s/", name);
		if (stat(fs, &st) == 0)
			rc = header(t, dn, 0, '5', 0700, st.st_mtime);
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char p[4200], n[512];
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", fs, de->d_name);
		snprintf(n, sizeof(n), "%s/%s", name, de->d_name);
		if (lstat(p, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = add_dir(t, p, n);
		else if (S_ISREG(st.st_mode))
			rc = add_file(t, p, n, &st);
	}
	t->depth--;
	closedir(d);
	return rc;
}

int nd_targz_write(const char *path, const char *dir, const char *prefix, struct nd_err *e)
{
	struct tw t = {.path = path, .e = e};
	static const char zero[1024];
	int rc;

	t.gz = gzopen(path, "wbx6e");
	if (!t.gz)
		return nd_err_set(e, "cannot create '%s': %s", path, strerror(errno));
	rc = add_dir(&t, dir, prefix);
	if (rc == 0 && gzwrite(t.gz, zero, sizeof(zero)) != (int)sizeof(zero))
		rc = nd_err_set(e, "cannot write '%s'", path);
	if (gzclose(t.gz) != Z_OK && rc == 0)
		rc = nd_err_set(e, "cannot write '%s'", path);
	if (rc < 0)
		unlink(path);
	return rc;
}
