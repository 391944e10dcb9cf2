/* SPDX-License-Identifier: MIT */
/* bench/jsonlibs: the json-c mode (see jsonlibs.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "jsonlibs.h"

/* ---- json-c ------------------------------------------------------------- */

int mode_jsonc(const char *path, struct result *res)
{
	static char buf[CHUNK];
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root = NULL, *items;
	enum json_tokener_error jerr = json_tokener_continue;
	ssize_t n = 0;
	int fd = open_in(path);

	if (fd < 0 || !tok) {
		if (fd >= 0)
			close(fd);
		json_tokener_free(tok);
		return -1;
	}
	while (!root && (n = read_some(fd, path, buf, sizeof(buf))) > 0) {
		res->bytes += (unsigned long long)n;
		root = json_tokener_parse_ex(tok, buf, (int)n);
		jerr = json_tokener_get_error(tok);
		if (!root && jerr != json_tokener_continue)
			break;
	}
	close(fd);
	if (!root) {
		if (n >= 0)
			fprintf(stderr, "jsonlibs: json-c: '%s': %s\n", path,
				jerr == json_tokener_continue ? "unexpected end of input" :
				jerr == json_tokener_success ? "NULL with status success (out of memory?)" :
				json_tokener_error_desc(jerr));
		json_tokener_free(tok);
		return -1;
	}
	json_tokener_free(tok);
	res->items = json_object_object_get_ex(root, "items", &items) && json_object_is_type(items, json_type_array) ?
		(long long)json_object_array_length(items) : -1;
	json_object_put(root);
	return 0;
}
