/* SPDX-License-Identifier: MIT */
/* bench/jsonlibs: the jansson mode (see jsonlibs.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "jsonlibs.h"

/* ---- jansson ------------------------------------------------------------ */

int mode_jansson(const char *path, struct result *res)
{
	json_error_t err;
	json_t *root, *items;
	FILE *f = fopen(path, "rbe");
	struct stat sb;

	if (!f) {
		fprintf(stderr, "jsonlibs: cannot open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &sb) == 0)
		res->bytes = (unsigned long long)sb.st_size;
	root = json_loadf(f, 0, &err);
	if (ferror(f)) {
		fprintf(stderr, "jsonlibs: cannot read '%s'\n", path);
		fclose(f);
		json_decref(root);
		return -1;
	}
	fclose(f);
	if (!root) {
		fprintf(stderr, "jsonlibs: jansson: '%s': %s (line %d)\n", path,
			err.text[0] ? err.text : "no error text (out of memory?)", err.line);
		return -1;
	}
	items = json_object_get(root, "items");
	res->items = json_is_array(items) ? (long long)json_array_size(items) : -1;
	json_decref(root);
	return 0;
}
