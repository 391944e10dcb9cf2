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

#endif
