/* SPDX-License-Identifier: MIT */
#ifndef ND_COLLECT_H
#define ND_COLLECT_H
/*
 * Write a bundle (DESIGN §2) from the live API: DIR/cluster/<kind>.json,
 * one List per kind netdiag reads, written object by object as pages
 * arrive, and DIR/collect-info.json (server, context, what was read).
 * An out path ending in .tar.gz (or .tgz) is written as a gzip'd tar of
 * the same layout (k8s/tarball.h), which --snapshot reads back.
 *
 * What is never written: Secrets (not listed at all), managedFields, and
 * values that look like credentials, replaced by "<redacted>":
 *  - env[].value whose name looks secret (PASSWORD, TOKEN, KEY, SECRET,
 *    CREDENTIAL, AUTH, CERT, PRIVATE, CONNECTION...);
 *  - string members whose key looks secret (password, token, secret,
 *    apiKey, privateKey...; not "...Name" references);
 *  - annotations and labels whose key looks secret (k8s/redact.h), and the
 *    kubectl.kubernetes.io/last-applied-configuration annotation;
 *  - in every string, credentials by their shape (k8s/redact.h): URL
 *    passwords, Bearer/Basic values, secret flags in command and args
 *    (--flag=V, --flag V, -pV for mysql...), and the site's --redact-extra.
 * The kubeconfig's own credentials are never written. Every file is created
 * 0600 and every folder 0700 (the .tar.gz too, k8s/tarball.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "k8s/live.h"

struct nd_err;
struct nd_kubeconfig;
struct nd_redact;

struct nd_collect_stats {
	size_t objects, redacted, kinds_ok, kinds_failed;
};

/*
 * out must not exist yet or be an empty folder. -1 with e filled when
 * nothing could be written or no kind could be read; kinds that failed
 * alone are in kinds[] and counted in st->kinds_failed.
 */
int nd_collect(struct nd_live *lv, const struct nd_kubeconfig *kc, struct nd_live_kind *kinds,
	       size_t n, const char *out, const struct nd_redact *rd,
	       struct nd_collect_stats *st, struct nd_err *e);

/*
 * collect --nodes: the fleet agents of namespace ns (the pods labelled
 * app.kubernetes.io/name=netdiag, app.kubernetes.io/component=agent, listed
 * with that label selector), each one's log read through pods/{name}/log
 * (at most log_max bytes, many at once, retried; nd_live_get_many) and
 * written to out/logs/<ns>/<pod>.log, and the node files its last
 * netdiag/v1 line carries (agent --raw-files: node_files.files[], base64)
 * written to out/nodes/<node>/<path> with their mtimes. Only the paths a
 * bundle's node folder holds are written (nd_node_file_path_ok), never over
 * an existing file. out must exist (nd_collect wrote it). Per-node problems
 * go to stderr and st->failed; -1 with e when the agents cannot be listed.
 */
struct nd_collect_nodes_stats {
	size_t agents, logs, nodes, files, failed;
};
int nd_collect_nodes(struct nd_live *lv, const char *ns, const char *out, size_t log_max,
		     int64_t deadline_ms, struct nd_collect_nodes_stats *st, struct nd_err *e);
/* The last line of log[0, len) that starts a netdiag/v1 report, or NULL. */
const char *nd_agent_last_line(const char *log, size_t len, size_t *linelen);

/* Exposed for tests: write obj as JSON to f with the redactions above.
 * rd: the site's extra rule, or NULL. Returns the number of values redacted. */
size_t nd_collect_write_obj(FILE *f, const struct nd_json *obj, const char *kind,
			    const char *api_version, const struct nd_redact *rd);

#endif
