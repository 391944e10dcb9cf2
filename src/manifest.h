/* SPDX-License-Identifier: MIT */
#ifndef ND_MANIFEST_H
#define ND_MANIFEST_H
/*
 * The Kubernetes manifests that run netdiag in a cluster, printed with the
 * image and namespace filled in: 'netdiag incluster --print-manifest' and
 * 'netdiag fleet manifest'.
 *
 * One source: deploy/templates/<name>.yaml.in, built into the binary by
 * scripts/genmanifests (nd_manifest_tpls[]). deploy/<name>.yaml is the same
 * template filled with the defaults below; tests/unit/test_manifest.c fails
 * when they differ (UPDATE_DEPLOY=1 rewrites them).
 *
 * A template is YAML text in which @IMAGE@ and @NAMESPACE@ stand for the two
 * values, and a line holding only @_<name>@ (after its indent) is replaced by
 * the fragment template _<name>, every line of it indented as that line.
 * Fragments have no deploy/ file of their own.
 *
 * The values are checked before anything is written, so they never need
 * quoting: the image is a reference (letters, digits and . _ - / : @, starting
 * with a letter or digit, at most 255 bytes), the namespace a DNS-1123 label
 * (lower-case letters, digits and '-', starting and ending with a letter or
 * digit, at most 63 bytes).
 */
#include <stddef.h>

struct nd_buf;
struct nd_err;

/* A ceiling for the buffer a command prints them from (they are a few KiB). */
#define ND_MANIFEST_MAX (256u * 1024)
#define ND_MANIFEST_NS_INCLUSTER "default"  /* where the guide's test pod runs */
#define ND_MANIFEST_NS_FLEET "netdiag"      /* fleet's own namespace */

struct nd_manifest_tpl {
	const char *name;   /* file name without .yaml.in: "incluster", "_incluster-podspec" */
	const char *text;
};
extern const struct nd_manifest_tpl nd_manifest_tpls[];  /* generated, sorted by name */
extern const size_t nd_manifest_tpls_len;

/* The image the manifests name by default: "netdiag:" ND_VERSION (make image's tag). */
const char *nd_manifest_default_image(void);

/*
 * Append template `name` to out with image and ns filled in (NULL: the
 * defaults, ns's being the template's: ND_MANIFEST_NS_FLEET for "fleet", else
 * ND_MANIFEST_NS_INCLUSTER). Returns 0, or -1 with e set when the name is
 * not a template, a value is malformed (named, with why), out was already
 * past its ceiling or reached it; out then holds nothing new.
 */
int nd_manifest_print(struct nd_buf *out, const char *name, const char *image, const char *ns,
		      struct nd_err *e);

/* incluster's ServiceAccount, read-only ClusterRole and binding, and Job. */
int nd_manifest_incluster(struct nd_buf *out, const char *image, const char *ns,
			  struct nd_err *e);
/* fleet's Namespace, ServiceAccount, read-only ClusterRole and binding, and DaemonSet. */
int nd_manifest_fleet(struct nd_buf *out, const char *image, const char *ns, struct nd_err *e);

#endif
