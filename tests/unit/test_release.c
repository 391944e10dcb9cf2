/* SPDX-License-Identifier: MIT */
/* ipam release: lock, re-check under the lock, journal first, restore byte for byte. */
#include "node/release.h"

#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "node/azurevnet.h"
#include "node/hostlocal.h"
#include "node/nodeenv.h"
#include "core/banned.h"

#define CID_A "aaaa000000000000000000000000000000000000000000000000000000000001"
#define CID_B "bbbb000000000000000000000000000000000000000000000000000000000002"
#define CID_C "cccc000000000000000000000000000000000000000000000000000000000003"

static char top[256], store[300];

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void put(const char *name, const char *data, int64_t mtime)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", store, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	if (mtime) {
		struct timespec ts[2] = {{mtime, 123}, {mtime, 123}};

		assert_int_equal(futimens(fd, ts), 0);
	}
	close(fd);
}

static bool exists(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", store, name);
	return access(path, F_OK) == 0;
}

static int setup(void **state)
{
	(void)state;
	snprintf(top, sizeof(top), "/tmp/nd-release-XXXXXX");
	assert_non_null(mkdtemp(top));
	snprintf(store, sizeof(store), "%s/kubenet", top);
	assert_int_equal(mkdir(store, 0755), 0);
	put("10.244.7.2", CID_A "\r\neth0", 1700000000);
	put("10.244.7.3", CID_B "\r\neth0", 1700000001);
	put("10.244.7.4", CID_C, 1700000002);     /* old single-line form */
	put("last_reserved_ip.0", "10.244.7.4", 0);
	put("lock", "", 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static bool refuse_c(void *ctx, const struct nd_hl_entry *en, const char **why)
{
	(void)ctx;
	if (strcmp(en->container_id, CID_C) == 0) {
		*why = "held by a live pod";
		return false;
	}
	return true;
}

static void test_apply_and_restore(void **state)
{
	struct nd_rel_plan plan[] = {
		{"10.244.7.2", CID_A},           /* freed */
		{"10.244.7.3", CID_A},           /* the file now holds CID_B: reassigned */
		{"10.244.7.4", CID_C},           /* recheck says no */
		{"10.244.7.9", CID_A},           /* gone */
	};
	struct nd_rel_opts o = {.network = "kubenet", .node = "n1"};
	struct nd_arena *a = nd_arena_new(0);
	struct nd_rel_result res;
	struct nd_err e;
	struct stat st;
	char path[512], *buf = NULL;
	size_t len;

	(void)state;
	assert_int_equal(nd_release_apply(store, plan, 4, refuse_c, NULL, &o, a, &res, &e), 0);
	assert_int_equal(res.n, 4);
	assert_int_equal(res.done, 1);
	assert_int_equal(res.items[0].status, ND_REL_FREED);
	assert_int_equal(res.items[1].status, ND_REL_REASSIGNED);
	assert_string_equal(res.items[1].container_id, CID_B);
	assert_int_equal(res.items[2].status, ND_REL_KEPT);
	assert_string_equal(res.items[2].why, "held by a live pod");
	assert_int_equal(res.items[3].status, ND_REL_GONE);
	assert_false(exists("10.244.7.2"));
	assert_true(exists("10.244.7.3") && exists("10.244.7.4") && exists("lock"));
	/* the journal is next to the store and names the content */
	assert_non_null(res.journal);
	assert_true(strncmp(res.journal, top, strlen(top)) == 0);
	assert_non_null(strstr(res.journal, "/.netdiag-release-kubenet-"));
	assert_int_equal(nd_read_file(res.journal, 1 << 20, &buf, &len, &e), 0);
	assert_non_null(strstr(buf, "\"file\": \"10.244.7.2\""));
	assert_non_null(strstr(buf, "\"mtime_sec\": 1700000000"));
	free(buf);

	/* restore: the same bytes, mode and mtime */
	assert_int_equal(nd_release_restore(res.journal, 0, a, &res, &e), 0);
	assert_int_equal(res.done, 1);
	assert_int_equal(res.items[0].status, ND_REL_RESTORED);
	assert_string_equal(res.items[0].container_id, CID_A);
	snprintf(path, sizeof(path), "%s/10.244.7.2", store);
	assert_int_equal(nd_read_file(path, 4096, &buf, &len, &e), 0);
	assert_int_equal(len, strlen(CID_A "\r\neth0"));
	assert_memory_equal(buf, CID_A "\r\neth0", len);
	free(buf);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mtim.tv_sec, 1700000000);
	assert_int_equal(st.st_mtim.tv_nsec, 123);
	assert_int_equal(st.st_mode & 0777, 0644);
	/* twice: present; after reuse by another container: conflict, left alone */
	{
		const char *j = nd_arena_strdup(a, res.journal);

		assert_int_equal(nd_release_restore(j, 0, a, &res, &e), 0);
		assert_int_equal(res.items[0].status, ND_REL_PRESENT);
		put("10.244.7.2", CID_B "\r\neth0", 0);
		assert_int_equal(nd_release_restore(j, 0, a, &res, &e), 0);
		assert_int_equal(res.items[0].status, ND_REL_CONFLICT);
		assert_int_equal(nd_read_file(path, 4096, &buf, &len, &e), 0);
		assert_memory_equal(buf, CID_B, 64);
		free(buf);
	}
	nd_arena_free(a);
}

static void test_refusals(void **state)
{
	struct nd_rel_plan plan[] = {{"10.244.7.2", CID_A}};
	struct nd_rel_opts o = {.network = "kubenet", .lock_timeout_ms = 100};
	struct nd_arena *a = nd_arena_new(0);
	struct nd_rel_result res;
	struct nd_err e;
	char path[512];
	int fd;

	(void)state;
	/* the lock is held by someone else (a CNI plugin) */
	snprintf(path, sizeof(path), "%s/lock", store);
	fd = open(path, O_RDWR | O_CLOEXEC);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	assert_int_equal(nd_release_apply(store, plan, 1, NULL, NULL, &o, a, &res, &e), -1);
	assert_non_null(strstr(e.msg, "stayed locked for 100 ms"));
	close(fd);
	assert_true(exists("10.244.7.2"));
	/* a garbage entry: the store is not read fully, nothing removed */
	put("10.244.7.5", "not an id!", 0);
	assert_int_equal(nd_release_apply(store, plan, 1, NULL, NULL, &o, a, &res, &e), -1);
	assert_non_null(strstr(e.msg, "10.244.7.5': content is not a container ID"));
	assert_non_null(strstr(e.msg, "nothing was removed"));
	assert_true(exists("10.244.7.2"));
	unlink(nd_arena_printf(a, "%s/10.244.7.5", store));
	/* a lock that is a directory */
	unlink(path);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(nd_release_apply(store, plan, 1, NULL, NULL, &o, a, &res, &e), -1);
	assert_non_null(strstr(e.msg, "lock"));
	assert_true(exists("10.244.7.2"));
	rmdir(path);
	/* a missing lock is created, as host-local does */
	assert_int_equal(nd_release_apply(store, plan, 1, NULL, NULL, &o, a, &res, &e), 0);
	assert_true(exists("lock"));
	assert_false(exists("10.244.7.2"));
	nd_arena_free(a);
}

static void test_bad_journal(void **state)
{
	static const char *const bad[] = {
		"{\"schema\": \"netdiag/ipam-release-journal/v1\", \"store_dir\": \"/tmp\", "
		"\"entries\": [{\"file\": \"../etc/passwd\", \"content_base64\": \"\", \"mode\": 420, "
		"\"uid\": 0, \"gid\": 0, \"mtime_sec\": 0, \"mtime_nsec\": 0}]}",
		"{\"schema\": \"netdiag/ipam-release-journal/v1\", \"store_dir\": \"/tmp\", "
		"\"entries\": [{\"file\": \"10.0.0.01\", \"content_base64\": \"\"}]}",
		"{\"schema\": \"something else\", \"store_dir\": \"/tmp\", \"entries\": []}",
		"[1, 2",
	};
	struct nd_arena *a = nd_arena_new(0);
	struct nd_rel_result res;
	struct nd_err e;
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/j.json", top);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *f = fopen(path, "w");

		fputs(bad[i], f);
		fclose(f);
		e.msg[0] = '\0';
		assert_int_equal(nd_release_restore(path, 0, a, &res, &e), -1);
		assert_non_null(strstr(e.msg, path));
	}
	nd_arena_free(a);
}

/* An entry larger than any host-local file (5464 base64 characters pass the
 * length check and decode to 4098 bytes) is refused before the store is
 * touched; it used to overflow restore's container-ID buffer. */
static void test_journal_entry_too_large(void **state)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_rel_result res;
	struct nd_err e;
	char path[512];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/j.json", top);
	f = fopen(path, "w");
	fprintf(f, "{\"schema\": \"netdiag/ipam-release-journal/v1\", \"store_dir\": \"%s\", "
		"\"entries\": [{\"file\": \"10.244.0.9\", \"content_base64\": \"", store);
	for (int i = 0; i < 1366; i++)
		fputs("YWFh", f);
	fputs("\", \"mode\": 420, \"uid\": 0, \"gid\": 0, \"mtime_sec\": 0, "
	      "\"mtime_nsec\": 0}]}", f);
	fclose(f);
	e.msg[0] = '\0';
	assert_int_equal(nd_release_restore(path, 0, a, &res, &e), -1);
	assert_non_null(strstr(e.msg, "more than 4096 bytes"));
	assert_false(exists("10.244.0.9"));
	nd_arena_free(a);
}

static void test_azure_state(void **state)
{
	static const char js[] =
		"{\n\t\"IPAM\": {\n\t\t\"Version\": \"v1.5.x\",\n"
		"\t\t\"TimeStamp\": \"2025-05-02T09:24:40.12Z\",\n\t\t\"AddressSpaces\": {\n"
		"\t\t\t\"local\": {\"Id\": \"local\", \"Scope\": 0, \"Pools\": {\n"
		"\t\t\t\t\"10.240.0.0/16\": {\"Id\": \"10.240.0.0/16\", \"IfName\": \"eth0\",\n"
		"\t\t\t\t\t\"Subnet\": {\"IP\": \"10.240.0.0\", \"Mask\": \"//8AAA==\"}, "
		"\"Gateway\": \"10.240.0.1\",\n"
		"\t\t\t\t\t\"Addresses\": {\"10.240.0.35\": {\"ID\": \"\", \"Addr\": \"10.240.0.35\", "
		"\"InUse\": true},\n\t\t\t\t\t\"10.240.0.36\": {\"ID\": \"x\", \"Addr\": \"10.240.0.36\", "
		"\"InUse\": false}},\n"
		"\t\t\t\t\t\"IsIPv6\": false, \"Priority\": 0, \"RefCount\": 1}}}\n\t\t}\n\t}\n}\n";
	static const char bad[] = "{\"IPAM\": {\"AddressSpaces\": {\"local\": {\"Pools\": "
				  "{\"p\": {\"Addresses\": {\"a\": {\"Addr\": \"nope\"}}}}}}}}";
	struct nd_arena *a = nd_arena_new(0);
	struct nd_azv_state st;
	struct nd_err e;

	(void)state;
	assert_int_equal(nd_azv_parse("state", js, strlen(js), a, &st, &e), 0);
	assert_string_equal(st.version, "v1.5.x");
	assert_int_equal(st.n, 2);
	assert_int_equal(st.in_use, 1);
	assert_int_equal(st.pools, 1);
	assert_string_equal(st.addrs[0].addr, "10.240.0.35");
	assert_string_equal(st.addrs[0].pool, "10.240.0.0/16");
	assert_true(st.addrs[0].in_use);
	assert_false(st.addrs[1].in_use);
	assert_int_equal(nd_azv_parse("state", bad, strlen(bad), a, &st, &e), -1);
	assert_non_null(strstr(e.msg, "Pools.p.Addresses.a': 'Addr' is not an IP address"));
	assert_int_equal(nd_azv_parse("state", "{}", 2, a, &st, &e), -1);
	assert_non_null(strstr(e.msg, "'IPAM' is missing"));
	nd_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_apply_and_restore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_entry_too_large, setup, teardown),
		cmocka_unit_test(test_azure_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
