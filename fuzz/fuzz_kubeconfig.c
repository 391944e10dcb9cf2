/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the kubeconfig reader (YAML, contexts, users, exec
 * sections, inline certificates): the input is written to a private file and
 * loaded as --kubeconfig. A load either succeeds with a server and a context,
 * or fails saying why. Nothing is run: an exec plugin only runs on a request.
 */
#include "k8s/kubeconfig.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct nd_kubeconfig_opts o = {.kubeconfig_env = "", .home = "/nonexistent",
				       .sa_dir = "/nonexistent"};
	struct nd_kubeconfig *kc = NULL;
	struct nd_err e;
	FILE *f;

	if (!path[0]) {
		int fd;

		snprintf(path, sizeof(path), "/tmp/nd-fuzz-kc-XXXXXX");
		fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
	}
	f = fopen(path, "w");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	o.path = path;
	if (nd_kubeconfig_load(&o, &kc, &e) == 0) {
		if (!kc->server || !kc->context)
			__builtin_trap();    /* a loaded config always names both */
		nd_kubeconfig_free(kc);
	} else if (!e.msg[0]) {
		__builtin_trap();        /* every failure says why */
	}
	return 0;
}
