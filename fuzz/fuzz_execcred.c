/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the exec plugin's output (k8s/auth.h,
 * nd_auth_exec_parse): any bytes as the plugin's stdout, for a kubeconfig
 * whose exec entry asks for client.authentication.k8s.io/v1 (first byte
 * even) or v1beta1 (odd). Parsed twice (the second replaces the cache, as
 * after a 401). When it is taken and gives no expiry, nd_auth_get() must
 * hand back the cached credential (the plugin is not run again: its command
 * does not exist). A refusal's message must be NUL-terminated in its field.
 */
#include "k8s/auth.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "k8s/kubeconfig.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nd_exec_cfg x = {.command = "/nonexistent/netdiag-fuzz-plugin",
				.interactive = ND_EXEC_NEVER};
	struct nd_kubeconfig kc = {.user = "clusterUser_rg_aks", .exec = &x};
	struct nd_auth *a;
	struct nd_cred c;
	struct nd_err e;
	int rc = -1;

	if (size == 0)
		return 0;
	x.api_version = (data[0] & 1) ? "client.authentication.k8s.io/v1beta1"
				      : "client.authentication.k8s.io/v1";
	a = nd_auth_new(&kc, 1000);
	for (int i = 0; i < 2; i++) {
		e.msg[0] = '\0';
		rc = nd_auth_exec_parse(a, (const char *)data + 1, size - 1, &e);
		if (rc < 0 && (!memchr(e.msg, '\0', sizeof(e.msg)) || !e.msg[0]))
			__builtin_trap();
	}
	if (rc == 0 && !memmem(data, size, "expirationTimestamp", 19)) {
		if (nd_auth_get(a, &c, &e) < 0 || strcmp(c.source, "exec") != 0 ||
		    (!c.token && !(c.cert_data && c.key_data)))
			__builtin_trap();
		if (c.token)
			(void)strlen(c.token);
		if (c.cert_data && (memchr(c.cert_data, '\0', c.cert_len + 1) == NULL))
			__builtin_trap();
	}
	nd_auth_free(a);
	return 0;
}
