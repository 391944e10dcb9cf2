/* SPDX-License-Identifier: MIT */
#ifndef ND_SERVE_DISCOVERY_H
#define ND_SERVE_DISCOVERY_H
/*
 * Legacy (non-aggregated) discovery documents, which is what kubectl falls
 * back to when /api and /apis answer plain application/json: /version,
 * /api (APIVersions), /apis (APIGroupList), /apis/G (APIGroup) and the
 * APIResourceList of each group version. Each writes one JSON document
 * into b; the group and resource lists return -1 for a group or version the
 * store does not serve.
 */
#include <stdbool.h>

struct nd_buf;
struct nd_store;

void nd_disc_version(const struct nd_store *s, struct nd_buf *b);
void nd_disc_api(const struct nd_store *s, const char *server, struct nd_buf *b);
void nd_disc_apis(const struct nd_store *s, struct nd_buf *b);
int nd_disc_group(const struct nd_store *s, const char *group, struct nd_buf *b);
/* writable: serve --writable, whose overlay resources also list create and delete. */
int nd_disc_resources(const struct nd_store *s, const char *group, const char *version,
		      bool writable, struct nd_buf *b);

#endif
