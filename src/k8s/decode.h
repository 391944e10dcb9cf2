/* SPDX-License-Identifier: MIT */
#ifndef ND_DECODE_H
#define ND_DECODE_H
/*
 * Helpers shared by the per-kind decoders (decode_*.c); not for checks.
 *
 * A decoder reads one JSON object into a typed struct. Type errors do not
 * stop it: the first one is recorded in d->e with the object and the field
 * named, d->failed is set, and the object is dropped at the end. Absent and
 * null fields are not errors; they read as NULL / 0 / false.
 */
#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "k8s/model.h"

struct dec {
	struct nd_model *m;
	struct nd_err *e;
	const char *kind;
	const char *ns, *name;     /* for messages, once known */
	bool failed;
};

void dec_fail(struct dec *d, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Interned string field; NULL when absent or null; wrong type is an error. */
const char *dec_str(struct dec *d, const struct nd_json *v, const char *field);
/* The same, not interned: the tree's own text, for a value only compared, never kept. */
const char *dec_cstr(struct dec *d, const struct nd_json *v, const char *field);
bool dec_bool(struct dec *d, const struct nd_json *v, const char *field);
int64_t dec_int(struct dec *d, const struct nd_json *v, const char *field,
		int64_t min, int64_t max);
/* Array (or NULL when absent/null); wrong type is an error. */
const struct nd_json *dec_arr(struct dec *d, const struct nd_json *v, const char *field);
const struct nd_json *dec_obj(struct dec *d, const struct nd_json *v, const char *field);
/* Array of strings, interned, in the model arena. */
const char **dec_strs(struct dec *d, const struct nd_json *v, const char *field, uint32_t *n);
/* metadata: namespace, name, uid, creationTimestamp, deletionTimestamp, labels, owner. */
void dec_meta(struct dec *d, const struct nd_json *obj, struct nd_meta *out);
/* IntOrString port: a number, or a name (digits-only strings read as numbers). */
void dec_port(struct dec *d, const struct nd_json *v, const char *field,
	      int32_t *num, const char **name);
uint8_t dec_proto(struct dec *d, const struct nd_json *v, const char *field);
void *dec_alloc(struct dec *d, size_t n, size_t size);
const char *dec_intern(struct dec *d, const char *s);

int dec_pod(struct dec *d, const struct nd_json *o);
int dec_node(struct dec *d, const struct nd_json *o);
int dec_namespace(struct dec *d, const struct nd_json *o);
int dec_service(struct dec *d, const struct nd_json *o);
int dec_endpoints(struct dec *d, const struct nd_json *o);
int dec_endpointslice(struct dec *d, const struct nd_json *o);
int dec_event(struct dec *d, const struct nd_json *o);
int dec_daemonset(struct dec *d, const struct nd_json *o);
int dec_netpol(struct dec *d, const struct nd_json *o);
int dec_sa(struct dec *d, const struct nd_json *o);
int dec_role(struct dec *d, const struct nd_json *o, bool cluster);
int dec_binding(struct dec *d, const struct nd_json *o, bool cluster);
int dec_nnc(struct dec *d, const struct nd_json *o);

#endif
