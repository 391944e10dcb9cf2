/* SPDX-License-Identifier: MIT */
#include "node/hostlocal.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define CID1 "3f1c0a0b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3fe9"
#define CID2 "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void put(const char *dir, const char *name, const char *data, size_t len,
		int64_t mtime)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	if (mtime) {
		struct timespec ts[2] = { { mtime, 0 }, { mtime, 0 } };

		assert_int_equal(futimens(fd, ts), 0);
	}
	close(fd);
}

static void puts_file(const char *dir, const char *name, const char *data)
{
	put(dir, name, data, strlen(data), 0);
}

static void test_read_store(void **state)
{
	char dir[] = "/tmp/nd-hl-XXXXXX";
	struct nd_arena *a = nd_arena_new(0);
	struct nd_hl_store st;
	struct nd_err e;
	static const struct {
		const char *ip, *cid, *ifname;
		bool v6;
	} want[] = {
		{ "10.244.1.5", CID1, "eth0", false },
		{ "10.244.1.9", CID2, "eth0", false },
		{ "10.244.1.10", "abc123", NULL, false },
		{ "10.244.1.11", CID2, NULL, false },
		{ "fd00:10:244:1::5", CID1, "eth0", true },
		{ "fd00:10:244:1::a", "c_1.x-y", "net1", true },
	};

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* Written in an order that is neither sorted by text nor by address. */
	put(dir, "fd00:10:244:1::a", "c_1.x-y\r\nnet1", 13, 1700000300);
	put(dir, "10.244.1.10", "abc123\n", 7, 1700000200);          /* old form, newline */
	puts_file(dir, "10.244.1.5", CID1 "\r\neth0");
	puts_file(dir, "fd00:10:244:1::5", CID1 "\r\neth0");
	puts_file(dir, "10.244.1.9", CID2 "\r\neth0 \t\r\n");   /* trailing blanks */
	puts_file(dir, "10.244.1.11", CID2 "\r\n");             /* empty ifname: old form */
	puts_file(dir, "lock", "");
	puts_file(dir, "last_reserved_ip.0", "10.244.1.11");
	puts_file(dir, "last_reserved_ip.1", "fd00:10:244:1::a\n");
	puts_file(dir, "last_reserved_ip.2", "garbage");
	puts_file(dir, "last_reserved_ip.7", "10.0.0.1");

	memset(&st, 0, sizeof(st));
	if (nd_hostlocal_read(dir, a, &st, &e) != 0)
		fail_msg("%s", e.msg);
	assert_string_equal(st.dir, dir);
	assert_int_equal(st.n, N(want));
	for (size_t i = 0; i < N(want); i++) {
		const struct nd_hl_entry *g = &st.entries[i];

		if (strcmp(g->ip, want[i].ip) != 0)
			fail_msg("entry %zu: '%s', want '%s'", i, g->ip, want[i].ip);
		assert_string_equal(g->container_id, want[i].cid);
		if (want[i].ifname)
			assert_string_equal(g->ifname, want[i].ifname);
		else
			assert_null(g->ifname);
		assert_int_equal(g->v6, want[i].v6);
		assert_true(g->mtime > 0);
	}
	assert_int_equal(st.entries[2].mtime, 1700000200);
	assert_int_equal(st.entries[5].mtime, 1700000300);
	assert_string_equal(st.last_reserved[0], "10.244.1.11");
	assert_string_equal(st.last_reserved[1], "fd00:10:244:1::a");
	assert_null(st.last_reserved[2]);   /* not an IP: host-local ignores it too */
	assert_null(st.last_reserved[3]);

	rm_tree(dir);
	nd_arena_free(a);
}

static void test_empty_store(void **state)
{
	char dir[] = "/tmp/nd-hl-XXXXXX";
	char path[600];
	struct nd_arena *a = nd_arena_new(0);
	struct nd_hl_store st;
	struct nd_err e;

	(void)state;
	assert_non_null(mkdtemp(dir));
	puts_file(dir, "lock", "");
	assert_int_equal(nd_hostlocal_read(dir, a, &st, &e), 0);
	assert_int_equal(st.n, 0);
	assert_null(st.entries);
	for (int i = 0; i < 4; i++)
		assert_null(st.last_reserved[i]);
	/* A trailing slash is fine. */
	snprintf(path, sizeof(path), "%s/", dir);
	assert_int_equal(nd_hostlocal_read(path, a, &st, &e), 0);
	rm_tree(dir);
	nd_arena_free(a);
}

enum bad_kind { BAD_FILE, BAD_DIR, BAD_SYMLINK, BAD_FIFO, BAD_BIG, BAD_LAST_SYMLINK };

static const struct {
	enum bad_kind kind;
	const char *name;
	const char *content;
	const char *msg;       /* after "'<dir>/<name>'" (or "cannot read '...'") */
} bad_cases[] = {
	{ BAD_FILE, "10.244.1.7", "", "': empty, no container ID" },
	{ BAD_FILE, "10.244.1.7", " \r\n\t", "': empty, no container ID" },
	{ BAD_FILE, "10.244.1.7", "this is not an ID!", "': content is not a container ID" },
	{ BAD_FILE, "10.244.1.7", "\x01\x02\xff\xfe", "': content is not a container ID" },
	{ BAD_FILE, "10.244.1.7", " " CID1, "': content is not a container ID" },
	{ BAD_FILE, "10.244.1.7", "-abc", "': content is not a container ID" },
	{ BAD_FILE, "10.244.1.7", CID1 "\neth0", "': content is not a container ID" },
	{ BAD_FILE, "10.244.1.7", CID1 "\r\neth0\r\neth1",
	  "': content is not a container ID and interface name" },
	{ BAD_FILE, "10.244.1.7", CID1 "\r\nan-ifname-too-long",
	  "': content is not a container ID and interface name" },
	{ BAD_FILE, "10.244.1.7", CID1 "\r\neth/0",
	  "': content is not a container ID and interface name" },
	{ BAD_FILE, "10.244.1.7", CID1 "\r\n..",
	  "': content is not a container ID and interface name" },
	{ BAD_FILE, "foo", CID1, "': not a valid IP file name" },
	{ BAD_FILE, "10.244.1.300", CID1, "': not a valid IP file name" },
	{ BAD_FILE, "010.244.1.7", CID1, "': not a valid IP file name" },
	{ BAD_FILE, "lock.bak", CID1, "': not a valid IP file name" },
	{ BAD_FILE, ".10.244.1.7.swp", CID1, "': not a valid IP file name" },
	{ BAD_FILE, "fd00:10:244:1:0::5", CID1,
	  "': not a valid IP file name (host-local writes 'fd00:10:244:1::5')" },
	{ BAD_FILE, "FD00::5", CID1, "': not a valid IP file name (host-local writes 'fd00::5')" },
	{ BAD_FILE, "fd00_10_244_1__5", CID1, "': not a valid IP file name" },   /* Windows form */
	{ BAD_FILE, "::ffff:10.244.1.7", CID1,
	  "': not a valid IP file name (host-local writes '10.244.1.7')" },
	{ BAD_DIR, "10.244.1.7", NULL, "': a directory where an IP file should be" },
	{ BAD_SYMLINK, "10.244.1.7", "/etc/passwd", "': a symbolic link where an IP file should be" },
	{ BAD_SYMLINK, "10.244.1.7", "10.244.1.2", "': a symbolic link where an IP file should be" },
	{ BAD_FIFO, "10.244.1.7", NULL, "': not a regular file" },
	{ BAD_BIG, "10.244.1.7", NULL, "': larger than 4 KiB, not a host-local IP file" },
	{ BAD_LAST_SYMLINK, "last_reserved_ip.0", "/etc/hostname",
	  "': a symbolic link where an IP file should be" },
};

static void make_bad(const char *dir, size_t i)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, bad_cases[i].name);
	switch (bad_cases[i].kind) {
	case BAD_FILE:
		puts_file(dir, bad_cases[i].name, bad_cases[i].content);
		break;
	case BAD_DIR:
		assert_int_equal(mkdir(path, 0755), 0);
		break;
	case BAD_SYMLINK:
	case BAD_LAST_SYMLINK:
		assert_int_equal(symlink(bad_cases[i].content, path), 0);
		break;
	case BAD_FIFO:
		assert_int_equal(mkfifo(path, 0644), 0);
		break;
	case BAD_BIG: {
		char big[4097];

		memset(big, 'a', sizeof(big));
		put(dir, bad_cases[i].name, big, sizeof(big), 0);
		break;
	}
	}
}

/* One bad file among good ones fails the whole store, naming that file. */
static void test_bad_entries(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(bad_cases); i++) {
		char dir[] = "/tmp/nd-hl-XXXXXX";
		char want[600];
		struct nd_arena *a = nd_arena_new(0);
		struct nd_hl_store st;
		struct nd_err e;

		assert_non_null(mkdtemp(dir));
		puts_file(dir, "10.244.1.2", CID1 "\r\neth0");
		puts_file(dir, "10.244.1.3", CID2 "\r\neth0");
		puts_file(dir, "lock", "");
		make_bad(dir, i);
		memset(&st, 0, sizeof(st));
		e.msg[0] = '\0';
		if (nd_hostlocal_read(dir, a, &st, &e) != -1)
			fail_msg("case %zu (%s): read, want an error", i, bad_cases[i].name);
		snprintf(want, sizeof(want), "'%s/%s%s", dir, bad_cases[i].name, bad_cases[i].msg);
		if (strcmp(e.msg, want) != 0)
			fail_msg("case %zu: '%s', want '%s'", i, e.msg, want);
		assert_int_equal(st.n, 0);   /* out untouched: no partial view */
		rm_tree(dir);
		nd_arena_free(a);
	}
}

/* A 4 KiB file is the ceiling, not over it. */
static void test_size_ceiling(void **state)
{
	char dir[] = "/tmp/nd-hl-XXXXXX";
	char buf[4096];
	struct nd_arena *a = nd_arena_new(0);
	struct nd_hl_store st;
	struct nd_err e;

	(void)state;
	assert_non_null(mkdtemp(dir));
	memset(buf, 'a', sizeof(buf));
	memcpy(buf + sizeof(buf) - 6, "\r\neth0", 6);
	put(dir, "10.0.0.1", buf, sizeof(buf), 0);
	/* An ID that long is over the bound for a container ID. */
	assert_int_equal(nd_hostlocal_read(dir, a, &st, &e), -1);
	assert_non_null(strstr(e.msg, "content is not a container ID"));
	memset(buf, ' ', sizeof(buf));
	memcpy(buf, CID1, strlen(CID1));
	put(dir, "10.0.0.1", buf, sizeof(buf), 0);
	assert_int_equal(nd_hostlocal_read(dir, a, &st, &e), 0);
	assert_int_equal(st.n, 1);
	assert_string_equal(st.entries[0].container_id, CID1);
	rm_tree(dir);
	nd_arena_free(a);
}

static void test_unreadable(void **state)
{
	char dir[] = "/tmp/nd-hl-XXXXXX";
	char path[600], want[700];
	struct nd_arena *a = nd_arena_new(0);
	struct nd_hl_store st;
	struct nd_err e;

	(void)state;
	assert_non_null(mkdtemp(dir));

	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(nd_hostlocal_read(path, a, &st, &e), -1);
	snprintf(want, sizeof(want), "cannot read '%s': %s", path, strerror(ENOENT));
	assert_string_equal(e.msg, want);

	puts_file(dir, "10.0.0.1", CID1);
	snprintf(path, sizeof(path), "%s/10.0.0.1", dir);
	assert_int_equal(nd_hostlocal_read(path, a, &st, &e), -1);
	snprintf(want, sizeof(want), "cannot read '%s': %s", path, strerror(ENOTDIR));
	assert_string_equal(e.msg, want);

	/* Permissions do not stop root: only test them as another user. */
	if (geteuid() != 0) {
		assert_int_equal(chmod(path, 0), 0);
		assert_int_equal(nd_hostlocal_read(dir, a, &st, &e), -1);
		snprintf(want, sizeof(want), "cannot read '%s': %s", path, strerror(EACCES));
		assert_string_equal(e.msg, want);
	}
	rm_tree(dir);
	nd_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_store),
		cmocka_unit_test(test_empty_store),
		cmocka_unit_test(test_bad_entries),
		cmocka_unit_test(test_size_ceiling),
		cmocka_unit_test(test_unreadable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
