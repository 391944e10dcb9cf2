/* SPDX-License-Identifier: MIT */
#ifndef ND_REDACT_H
#define ND_REDACT_H
/*
 * Redaction by shape (issue 10), for what `collect` writes: credentials are
 * found by what they look like, wherever they are, not only by a key's name.
 * Each match is replaced by "<redacted>", keeping what tells a reader what
 * it was ("postgres://app:<redacted>@db", "--password <redacted>").
 *
 * In any string:
 *  - URL credentials: scheme://user:PASS@host and scheme://:PASS@host (the
 *    password), scheme://TOKEN@host (a user part of 16 characters or more);
 *  - "Bearer X" and "Basic X" (an Authorization value) anywhere;
 *  - the site's own rules: every match of --redact-extra REGEX (POSIX ERE).
 * In words (command and args arrays, and any string with a space, such as
 * "sh -c" scripts; words split on blanks, quotes kept):
 *  - --flag=VALUE and -f=VALUE whose flag looks secret (pass, pwd, secret,
 *    token, key, credential, auth, cert, private, connection, dsn, sas),
 *    and -p=VALUE unless VALUE is a port number;
 *  - --flag VALUE, two words, with such a flag (state carries over array
 *    elements: ["--password", "x"]);
 *  - -pVALUE after a mysql, mariadb, mysqldump or mysqladmin word;
 *  - NAME=VALUE words whose NAME looks secret (PGPASSWORD=x psql).
 * A metadata key (annotation, label) looks secret when it says token,
 * secret, password, passwd, credential, apikey/api-key/api_key, private-key,
 * or ends in a "key" segment (".../key", "-key", "_key", ".key").
 */
#include <stdbool.h>
#include <stddef.h>

struct nd_buf;
struct nd_err;
struct nd_redact;

/* extra: a POSIX extended regular expression, or NULL. NULL with e when it does not compile. */
struct nd_redact *nd_redact_new(const char *extra, struct nd_err *e);
void nd_redact_free(struct nd_redact *r);

/*
 * Append s[0..n) to out with the redactions above; words also applies the
 * word rules, with *pending the two-word state (false to start; NULL: none
 * carried). r may be NULL (no extra rule). Returns how many were redacted.
 */
size_t nd_redact_str(const struct nd_redact *r, const char *s, size_t n, bool words,
		     bool *pending, struct nd_buf *out);

bool nd_redact_secret_name(const char *name, size_t n);     /* env names, flags */
bool nd_redact_secret_meta_key(const char *key, size_t n);  /* annotations, labels */

#endif
