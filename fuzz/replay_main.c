/* SPDX-License-Identifier: MIT */
/*
 * The replay driver: runs a fuzz target's LLVMFuzzerTestOneInput once on
 * every file named on the command line (a folder: every file in it), with no
 * fuzzing engine. `make check` links each fuzz/fuzz_*.c with it in the
 * sanitizer build, and tests/e2e/t_fuzz_replay.sh runs each over its seeds
 * (fuzz/seeds/<target>/), so an input that once crashed a parser, and every
 * real-shaped seed, is tried on every run of the suite.
 *
 * Exit 0 when every input ran; 2 when an input could not be read. A crash
 * or a sanitizer report ends the process as it would under libFuzzer.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX (16u << 20)   /* larger than any seed; libFuzzer's -max_len is 64 KiB */

static int run_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t len;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	buf = malloc(REPLAY_MAX);
	if (!buf) {
		fclose(f);
		fprintf(stderr, "replay: %s: out of memory\n", path);
		return -1;
	}
	len = fread(buf, 1, REPLAY_MAX, f);
	if (ferror(f)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	/* an exact-size copy, so ASan sees a read past the input's end */
	{
		uint8_t *in = malloc(len ? len : 1);

		if (!in) {
			free(buf);
			return -1;
		}
		memcpy(in, buf, len);
		free(buf);
		LLVMFuzzerTestOneInput(in, len);
		free(in);
	}
	(*n)++;
	return 0;
}

static int run_path(const char *path, size_t *n)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path, n);
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char sub[4096];

		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >= sizeof(sub)) {
			fprintf(stderr, "replay: %s/%s: name too long\n", path, de->d_name);
			rc = -1;
			continue;
		}
		if (stat(sub, &st) == 0 && S_ISREG(st.st_mode) && run_file(sub, n) < 0)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	size_t n = 0;
	int rc = 0;

	for (int i = 1; i < argc; i++)
		if (run_path(argv[i], &n) < 0)
			rc = 2;
	printf("replayed %zu inputs\n", n);
	return rc;
}
