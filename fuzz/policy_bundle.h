/* SPDX-License-Identifier: MIT */
#ifndef ND_FUZZ_POLICY_BUNDLE_H
#define ND_FUZZ_POLICY_BUNDLE_H
/*
 * The store of tests/bundles/policy for the serve targets, loaded on the
 * first input (the replay driver of make check calls no
 * LLVMFuzzerInitialize). The folder is found from the binary's own place
 * (fuzz/bin/ under libFuzzer, build/check/replay/ under the replay driver),
 * walking up to the repository; $TOP wins when set. Aborts when it cannot
 * be loaded: a target without its store would test nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "serve/store.h"

static struct nd_store *fuzz_policy_store(void)
{
	static struct nd_store *s;
	char dir[4200], exe[4096];
	struct nd_err e;
	struct stat st;
	const char *top = getenv("TOP");
	ssize_t n;

	if (s)
		return s;
	dir[0] = '\0';
	if (top && *top) {
		snprintf(dir, sizeof(dir), "%s/tests/bundles/policy", top);
	} else if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		for (int up = 0; up < 6; up++) {
			char *slash = strrchr(exe, '/');

			if (!slash)
				break;
			*slash = '\0';
			snprintf(dir, sizeof(dir), "%s/tests/bundles/policy/cluster", exe);
			if (stat(dir, &st) == 0) {
				snprintf(dir, sizeof(dir), "%s/tests/bundles/policy", exe);
				break;
			}
			dir[0] = '\0';
		}
	}
	if (!dir[0] || nd_store_load(dir, NULL, &s, &e) < 0) {
		fprintf(stderr, "fuzz: cannot load tests/bundles/policy (%s)\n",
			dir[0] ? e.msg : "not found above the binary; set TOP");
		abort();
	}
	return s;
}

#endif
