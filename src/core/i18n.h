/* SPDX-License-Identifier: MIT */
#ifndef ND_I18N_H
#define ND_I18N_H
/*
 * User-facing text goes through _() (gettext, domain "netdiag"). JSON keys,
 * finding codes and check ids are never translated. --lang en|it selects
 * the language; finding pages come from the catalogue in either language.
 */
#include <libintl.h>

#define _(s) dgettext("netdiag", s)
#define N_(s) (s)

/* Set up gettext for lang ("en", "it", or NULL for the environment). */
void nd_i18n_init(const char *lang);
/* The language in use: "en" or "it". */
const char *nd_i18n_lang(void);
/*
 * Threads started after this call write the untranslated (English) text;
 * the calling thread keeps the language. For serve: what its request threads
 * answer kubectl stays as Kubernetes writes it, while the messages of the
 * command itself follow --lang. -1 when the thread's locale cannot be kept
 * (nothing changed then).
 */
int nd_i18n_english_threads(void);

#endif
