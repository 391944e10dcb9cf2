/* SPDX-License-Identifier: MIT */
#include "core/i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/banned.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

#define ND_MO "/it/LC_MESSAGES/netdiag.mo"

static const char *current = "en";

/*
 * Where the catalogues are: LOCALEDIR when it holds ours (installed), else
 * "locale" next to the executable (the build tree writes $(O)/locale beside
 * $(O)/netdiag; /proc/self/exe has the ./netdiag symlink resolved). Falls
 * back to LOCALEDIR when the executable's directory cannot be found.
 */
static void bind_dir(void)
{
	char exe[PATH_MAX], dir[PATH_MAX + 16], *slash;
	ssize_t n;
	int w;

	if (access(LOCALEDIR ND_MO, R_OK) == 0)
		goto installed;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		goto installed;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		goto installed;
	*slash = '\0';
	w = snprintf(dir, sizeof(dir), "%s/locale", exe);
	if (w < 0 || (size_t)w >= sizeof(dir))
		goto installed;
	bindtextdomain("netdiag", dir);
	return;
installed:
	bindtextdomain("netdiag", LOCALEDIR);
}

void nd_i18n_init(const char *lang)
{
	const char *env, *loc;

	/*
	 * Only the message category follows the environment: numbers in JSON
	 * and parsing stay in the C locale whatever LC_ALL/LANG say.
	 */
	setlocale(LC_MESSAGES, "");
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
	/*
	 * glibc ignores LANGUAGE while LC_MESSAGES is "C"/"POSIX" (the default
	 * with LANG unset, or when the named locale is not installed). C.UTF-8
	 * (glibc >= 2.35, installed as /usr/lib/locale/C.utf8 by libc-bin: the
	 * image carries it) lets LANGUAGE pick the catalogue.
	 */
	loc = setlocale(LC_MESSAGES, NULL);
	if (strcmp(current, "it") == 0 &&
	    (!loc || strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0) &&
	    !setlocale(LC_MESSAGES, "C.UTF-8"))
		setlocale(LC_MESSAGES, "C.utf8");
	setenv("LANGUAGE", current, 1);
	bind_dir();
	bind_textdomain_codeset("netdiag", "UTF-8");
}

const char *nd_i18n_lang(void)
{
	return current;
}

int nd_i18n_english_threads(void)
{
	/* held until exit: the calling thread keeps using it */
	locale_t here = duplocale(LC_GLOBAL_LOCALE);

	if (here == (locale_t)0)
		return -1;
	uselocale(here);
	/* gettext answers msgids untranslated while LC_MESSAGES is "C", whatever LANGUAGE says */
	setlocale(LC_MESSAGES, "C");
	return 0;
}
