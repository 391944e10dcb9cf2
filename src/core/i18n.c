/* SPDX-License-Identifier: MIT */
#include "core/i18n.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

static const char *current = "en";

void nd_i18n_init(const char *lang)
{
	const char *env;

	setlocale(LC_ALL, "");
	if (!lang) {
		env = getenv("LANGUAGE");
		if (!env || !*env)
			env = getenv("LC_ALL");
		if (!env || !*env)
			env = getenv("LC_MESSAGES");
		if (!env || !*env)
			env = getenv("LANG");
		lang = env && strncmp(env, "it", 2) == 0 ? "it" : "en";
	}
	current = strcmp(lang, "it") == 0 ? "it" : "en";
	setenv("LANGUAGE", current, 1);
	bindtextdomain("netdiag", LOCALEDIR);
	bind_textdomain_codeset("netdiag", "UTF-8");
}

const char *nd_i18n_lang(void)
{
	return current;
}
