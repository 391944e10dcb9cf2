/* SPDX-License-Identifier: MIT */
/*
 * The manifests (src/manifest.c): deploy/<name>.yaml is exactly its template
 * filled with the defaults (UPDATE_DEPLOY=1 rewrites them), fragments land at
 * their line's indent, values are checked, and a failure adds nothing.
 *
 * Also the test entry point tests/e2e/t_manifest.sh uses until the commands
 * print them: 'test_manifest --print NAME [IMAGE [NS]]' writes the manifest
 * to stdout (exit 0) or the error to stderr (exit 2).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/file.h"
#include "manifest.h"

#define OUT_MAX ND_MANIFEST_MAX

static const char *top(void)
{
	const char *t = getenv("TOP");

	return t ? t : ".";
}

static char *print(const char *name, const char *image, const char *ns, struct nd_err *e)
{
	struct nd_buf b = ND_BUF_INIT(OUT_MAX);

	if (nd_manifest_print(&b, name, image, ns, e) < 0) {
		nd_buf_release(&b);
		return NULL;
	}
	return nd_buf_detach(&b, NULL);
}

/* Every template but the fragments is a deploy/ file, byte for byte, and back. */
static void test_deploy_is_the_templates(void **state)
{
	const char *update = getenv("UPDATE_DEPLOY");
	size_t i, ndocs = 0, nfiles = 0;
	struct dirent *d;
	DIR *dir;
	char path[2048];

	for (i = 0; i < nd_manifest_tpls_len; i++) {
		const char *name = nd_manifest_tpls[i].name;
		struct nd_err e;
		char *want, *got;
		size_t len;

		if (name[0] == '_')
			continue;
		ndocs++;
		got = print(name, NULL, NULL, &e);
		assert_non_null(got);
		snprintf(path, sizeof(path), "%s/deploy/%s.yaml", top(), name);
		if (update && strcmp(update, "1") == 0) {
			FILE *f = fopen(path, "w");

			assert_non_null(f);
			fputs(got, f);
			assert_int_equal(fclose(f), 0);
		}
		if (nd_read_file(path, OUT_MAX, &want, &len, &e) < 0)
			fail_msg("%s (make it with UPDATE_DEPLOY=1 %s)", e.msg, "test_manifest");
		if (strcmp(want, got) != 0)
			fail_msg("'%s' differs from template '%s' filled with the defaults "
				 "(UPDATE_DEPLOY=1 rewrites it)", path, name);
		free(want);
		free(got);
	}
	assert_true(ndocs >= 3);
	/* and no deploy/NAME.yaml without its template */
	snprintf(path, sizeof(path), "%s/deploy", top());
	dir = opendir(path);
	assert_non_null(dir);
	while ((d = readdir(dir))) {
		size_t n = strlen(d->d_name);
		char name[256];
		struct nd_err e;
		char *got;

		if (n <= 5 || strcmp(d->d_name + n - 5, ".yaml") != 0)
			continue;
		nfiles++;
		snprintf(name, sizeof(name), "%.*s", (int)(n - 5), d->d_name);
		got = print(name, NULL, NULL, &e);
		if (!got)
			fail_msg("deploy/%s has no template deploy/templates/%s.yaml.in", d->d_name, name);
		free(got);
	}
	closedir(dir);
	assert_int_equal(nfiles, ndocs);
}

static void test_values_and_fragments(void **state)
{
	const char *img = "registry.example:5000/team/netdiag:1.2@sha256:0123abcd";
	struct nd_buf b = ND_BUF_INIT(OUT_MAX);
	struct nd_err e;
	char *job, *pod, *fleet;

	job = print("incluster", img, "ops-1", &e);
	assert_non_null(job);
	assert_non_null(strstr(job, "\n        image: \"registry.example:5000/team/netdiag:1.2@sha256:0123abcd\"\n"));
	assert_non_null(strstr(job, "\n  namespace: ops-1\n"));
	assert_non_null(strstr(job, "\n  name: netdiag-incluster-ops-1\n"));
	assert_non_null(strstr(job, "\n      serviceAccountName: netdiag-incluster\n"));
	assert_non_null(strstr(job, "\n            memory: 128Mi\n"));
	assert_null(strstr(job, "@_"));
	assert_null(strstr(job, "@IMAGE@"));
	assert_null(strstr(job, "@NAMESPACE@"));
	assert_null(strstr(job, " \n"));   /* no trailing blanks from indenting */
	/* the wrapper prints the same */
	assert_int_equal(nd_manifest_incluster(&b, img, "ops-1", &e), 0);
	assert_string_equal(b.p, job);
	nd_buf_release(&b);

	pod = print("incluster-pod", img, "ops-1", &e);
	assert_non_null(pod);
	assert_non_null(strstr(pod, "\nspec:\n  serviceAccountName: netdiag-incluster\n"));
	assert_non_null(strstr(pod, "\n    image: \"registry.example:5000/team/netdiag:1.2@sha256:0123abcd\"\n"));

	/* defaults: make image's tag, and each manifest's own namespace */
	fleet = print("fleet", NULL, NULL, &e);
	assert_non_null(fleet);
	assert_non_null(strstr(fleet, "\n  name: netdiag\n"));
	assert_non_null(strstr(fleet, "image: \"netdiag:"));
	assert_non_null(strstr(fleet, "\n      - operator: Exists\n"));
	assert_int_equal(nd_manifest_fleet(&b, "x", "kube-system", &e), 0);
	assert_non_null(strstr(b.p, "\n  namespace: kube-system\n"));
	nd_buf_release(&b);
	free(job);
	free(pod);
	free(fleet);
	job = print("incluster", NULL, NULL, &e);
	assert_non_null(strstr(job, "\n  namespace: default\n"));
	assert_non_null(strstr(job, nd_manifest_default_image()));
	free(job);
}

/* bad value -> error naming it, and nothing added to what the buffer held */
static void bad(const char *name, const char *image, const char *ns, const char *msg)
{
	struct nd_buf b = ND_BUF_INIT(OUT_MAX);
	struct nd_err e;

	nd_buf_adds(&b, "kept");
	e.msg[0] = '\0';
	assert_int_equal(nd_manifest_print(&b, name, image, ns, &e), -1);
	if (!strstr(e.msg, msg))
		fail_msg("want '%s' in '%s'", msg, e.msg);
	assert_string_equal(b.p, "kept");
	assert_int_equal(b.len, 4);
	nd_buf_release(&b);
}

static void test_bad_values(void **state)
{
	char longns[80], longimg[300];
	struct nd_buf b = ND_BUF_INIT(200);
	struct nd_err e;

	memset(longns, 'a', sizeof(longns) - 1);
	longns[sizeof(longns) - 1] = '\0';
	memset(longimg, 'a', sizeof(longimg) - 1);
	longimg[sizeof(longimg) - 1] = '\0';
	bad("nope", NULL, NULL, "no manifest named 'nope'");
	bad("_incluster-podspec", NULL, NULL, "no manifest named '_incluster-podspec'");
	bad("incluster", NULL, "Ops", "namespace 'Ops': a namespace is lower-case");
	bad("incluster", NULL, "ops_1", "namespace 'ops_1'");
	bad("incluster", NULL, "-ops", "must start and end with a letter or digit");
	bad("incluster", NULL, "ops-", "must start and end with a letter or digit");
	bad("incluster", NULL, "", "the namespace is empty");
	bad("incluster", NULL, longns, "longer than 63 bytes");
	bad("fleet", "", NULL, "the image is empty");
	bad("fleet", "a b", NULL, "' ' at byte 2 is not allowed");
	bad("fleet", "a\"b", NULL, "'\"' at byte 2");
	bad("fleet", "a\nkind: Secret", NULL, "'?' at byte 2");
	bad("fleet", "-a", NULL, "must start with a letter or digit");
	bad("fleet", longimg, NULL, "longer than 255 bytes");
	/* a ceiling too small: an error, the buffer as it was */
	assert_int_equal(nd_manifest_incluster(&b, NULL, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "larger than the buffer's 200 bytes"));
	assert_int_equal(b.len, 0);
	assert_false(b.toobig);
	nd_buf_release(&b);
}

static int print_main(int argc, char **argv)
{
	struct nd_buf b = ND_BUF_INIT(OUT_MAX);
	struct nd_err e;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: %s --print NAME [IMAGE [NS]]\n", argv[0]);
		return 2;
	}
	if (nd_manifest_print(&b, argv[2], argc > 3 ? argv[3] : NULL, argc > 4 ? argv[4] : NULL,
			      &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		return 2;
	}
	fputs(b.p, stdout);
	nd_buf_release(&b);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deploy_is_the_templates),
		cmocka_unit_test(test_values_and_fragments),
		cmocka_unit_test(test_bad_values),
	};

	if (argc > 1 && strcmp(argv[1], "--print") == 0)
		return print_main(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
