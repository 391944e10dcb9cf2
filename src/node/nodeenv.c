/* SPDX-License-Identifier: MIT */
#include "node/nodeenv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "core/arena.h"
#include "core/err.h"
#include "node/cni.h"
#include "core/banned.h"
#include "core/i18n.h"

#define MAX_IDS (1u << 20)

char *nd_node_path(struct nd_arena *a, const char *root, const char *rel)
{
	size_t rl = strlen(root);

	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	while (*rel == '/')
		rel++;
	if (rl == 1 && root[0] == '/')
		return nd_arena_printf(a, "/%s", rel);
	return nd_arena_printf(a, "%.*s/%s", (int)rl, root, rel);
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
	       (c >= 'A' && c <= 'Z');
}

/* "system:node:<name>" in text. */
static const char *name_in_text(struct nd_arena *a, const char *text)
{
	const char *p = strstr(text, "system:node:");
	size_t n = 0;

	if (!p)
		return NULL;
	p += strlen("system:node:");
	while (name_char(p[n]) && n < 253)
		n++;
	return n ? nd_arena_strndup(a, p, n) : NULL;
}

/* The CN of a PEM certificate, when it is system:node:<name>. */
static const char *name_in_cert(struct nd_arena *a, const char *path)
{
	char cn[512];
	const char *name = NULL;
	X509 *x;
	FILE *f = fopen(path, "re");

	if (!f)
		return NULL;
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!x)
		return NULL;
	if (X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn,
				      sizeof(cn)) > 0)
		name = name_in_text(a, cn);
	X509_free(x);
	return name;
}

/* "client-certificate: <path>" in a kubeconfig's text. */
static const char *cert_path(struct nd_arena *a, const char *text)
{
	const char *p = strstr(text, "client-certificate:");
	size_t n = 0;

	if (!p)
		return NULL;
	p += strlen("client-certificate:");
	while (*p == ' ' || *p == '\t' || *p == '"' || *p == '\'')
		p++;
	while (p[n] && p[n] != '\n' && p[n] != '\r' && p[n] != '"' && p[n] != '\'' &&
	       p[n] != ' ')
		n++;
	return n ? nd_arena_strndup(a, p, n) : NULL;
}

int nd_node_name(const char *root, struct nd_arena *a, const char **name,
		 const char **from, struct nd_err *e)
{
	static const char *const files[] = {
		"var/lib/kubelet/kubeconfig",      /* AKS */
		"etc/kubernetes/kubelet.conf",     /* kubeadm */
		"var/lib/kubelet/kubeconfig.yaml",
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *path = nd_node_path(a, root, files[i]);
		char *text = NULL;
		size_t len;
		struct nd_err fe;
		const char *n, *cp;

		if (nd_read_file(path, 1u << 20, &text, &len, &fe) < 0)
			continue;
		n = name_in_text(a, text);
		cp = n ? NULL : cert_path(a, text);
		free(text);
		if (!n && cp)
			n = name_in_cert(a, nd_node_path(a, root, cp));
		if (n) {
			*name = n;
			*from = path;
			return 0;
		}
	}
	return nd_err_set(e, _("cannot tell the node's name: no kubelet kubeconfig naming "
			  "'system:node:<name>' under '%s' (var/lib/kubelet/kubeconfig, "
			  "etc/kubernetes/kubelet.conf); give --node NAME"), root);
}

const char *nd_sandbox_name(enum nd_sandbox s)
{
	return s == ND_SANDBOX_RUNNING ? "running" : s == ND_SANDBOX_GONE ? "gone" : "unknown";
}

struct ids {
	const char **v;
	size_t n, cap;
	bool full;              /* past MAX_IDS: the list is not whole */
};

static void add_id(struct nd_arena *a, struct ids *ids, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (ids->n >= MAX_IDS) {
		ids->full = true;
		return;
	}
	ND_GROW(ids->v, ids->cap, ids->n + 1);
	ids->v[ids->n++] = nd_arena_strndup(a, s, n);
}

/* Entries of a directory as ids; returns how many, or -1 when unreadable. */
static long list_names(struct nd_arena *a, const char *dir, struct ids *ids)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	long n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		add_id(a, ids, de->d_name, strlen(de->d_name));
		n++;
	}
	closedir(d);
	return n;
}

static bool is_hex64(const char *s)
{
	for (int i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* Sandbox IDs in the processes' cgroups; true when kubepods cgroups were seen. */
static bool scan_proc(struct nd_arena *a, struct ids *ids, size_t *live_netns)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	bool kubepods = false;
	struct ids ns = {0};

	if (!d)
		return false;
	while ((de = readdir(d)) != NULL) {
		char path[300], buf[8192], link[128];
		ssize_t got;
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
		got = readlink(path, link, sizeof(link) - 1);
		if (got > 0) {
			bool seen = false;

			link[got] = '\0';
			for (size_t i = 0; i < ns.n && !seen; i++)
				seen = strcmp(ns.v[i], link) == 0;
			if (!seen)
				add_id(a, &ns, link, (size_t)got);
		}
		snprintf(path, sizeof(path), "/proc/%s/cgroup", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		got = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (got <= 0)
			continue;
		buf[got] = '\0';
		if (strstr(buf, "kubepods"))
			kubepods = true;
		for (ssize_t i = 0; i + 64 <= got; i++) {
			if (is_hex64(buf + i) && (i == 0 || !is_hex64(buf + i - 1))) {
				add_id(a, ids, buf + i, 64);
				i += 63;
			}
		}
	}
	closedir(d);
	*live_netns = ns.n;
	free(ns.v);
	return kubepods;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

void nd_sandboxes_scan(const char *root, bool want_proc, struct nd_arena *a,
		       struct nd_sandboxes *out)
{
	nd_sandboxes_scan_with(root, want_proc, NULL, a, out);
}

void nd_sandboxes_scan_with(const char *root, bool want_proc, const char *runtime_dir,
			    struct nd_arena *a, struct nd_sandboxes *out)
{
	static const char *const runtimes[] = {
		"run/containerd/io.containerd.runtime.v2.task/k8s.io",   /* containerd */
		"run/containers/storage/overlay-containers",             /* CRI-O */
	};
	struct ids ids = {0};
	const char *sources = "";
	long n;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(runtimes) / sizeof(runtimes[0]); i++) {
		if (list_names(a, nd_node_path(a, root, runtimes[i]), &ids) >= 0) {
			out->authoritative = true;
			sources = nd_arena_printf(a, "%s%s%s", sources, *sources ? ", " : "",
						  runtimes[i]);
		}
	}
	if (runtime_dir) {
		if (list_names(a, runtime_dir, &ids) >= 0) {
			out->authoritative = true;
			sources = nd_arena_printf(a, "%s%s%s", sources, *sources ? ", " : "",
						  runtime_dir);
		} else {
			out->runtime_dir_error = nd_arena_printf(a, "cannot list '%s': %s",
								 runtime_dir, strerror(errno));
		}
	}
	n = list_names(a, nd_node_path(a, root, "var/run/netns"), &ids);
	if (n < 0)
		n = list_names(a, nd_node_path(a, root, "run/netns"), &ids);
	if (n >= 0) {
		out->has_netns_dir = true;
		out->netns = (size_t)n;
		sources = nd_arena_printf(a, "%s%svar/run/netns", sources, *sources ? ", " : "");
	}
	if (want_proc && scan_proc(a, &ids, &out->live_netns)) {
		out->authoritative = true;
		sources = nd_arena_printf(a, "%s%s/proc/*/cgroup", sources, *sources ? ", " : "");
	}
	if (ids.full)   /* a list cut short cannot say that a sandbox is gone */
		out->authoritative = false;
	if (ids.n > 1)
		qsort(ids.v, ids.n, sizeof(*ids.v), cmp_str);
	if (ids.n) {
		out->ids = nd_arena_alloc(a, ids.n * sizeof(*ids.v));
		memcpy(out->ids, ids.v, ids.n * sizeof(*ids.v));
	}
	out->n = ids.n;
	out->sources = sources;
	free(ids.v);
}

enum nd_sandbox nd_sandbox_state(const struct nd_sandboxes *s, const char *cid)
{
	if (!cid || !*cid)
		return ND_SANDBOX_UNKNOWN;
	if (s->n && bsearch(&cid, s->ids, s->n, sizeof(*s->ids), cmp_str))
		return ND_SANDBOX_RUNNING;
	/* a netns named after the sandbox ("<prefix>-<id>") */
	for (size_t i = 0; i < s->n; i++) {
		const char *hit = strstr(s->ids[i], cid);

		if (hit && (hit == s->ids[i] || hit[-1] == '-') && hit[strlen(cid)] == '\0')
			return ND_SANDBOX_RUNNING;
	}
	return s->authoritative ? ND_SANDBOX_GONE : ND_SANDBOX_UNKNOWN;
}

int nd_node_hostlocal_store(const char *root, struct nd_arena *a,
			    const struct nd_cni_net **net, const char **store_dir,
			    struct nd_err *e)
{
	const char *netd = nd_node_path(a, root, "etc/cni/net.d");
	struct nd_cni_net *nets = NULL;
	char **errs = NULL;
	size_t n = 0, nerr = 0;

	*net = NULL;
	*store_dir = NULL;
	if (nd_cni_load_dir(netd, a, &nets, &n, &errs, &nerr, e) < 0)
		return -1;
	if (nerr)   /* a broken file may be the one the runtime uses: no guess */
		return nd_err_set(e, _("a CNI config in '%s' cannot be read, so the node's network "
				  "is unknown: %s"), netd, errs[0]);
	for (size_t i = 0; i < n; i++) {
		if (nets[i].ipam_type && strcmp(nets[i].ipam_type, "host-local") == 0) {
			const char *dd = nets[i].data_dir ? nets[i].data_dir : "/var/lib/cni/networks";

			*net = &nets[i];
			*store_dir = nd_arena_printf(a, "%s/%s", nd_node_path(a, root, dd),
						     nets[i].name);
			return 0;
		}
	}
	if (n) {
		*net = &nets[0];
		return nd_err_set(e, _("the node's CNI network '%s' ('%s') does not use host-local "
				  "IPAM (%s)"), nets[0].name, nets[0].file,
				  nets[0].ipam_type ? nets[0].ipam_type : _("no ipam section"));
	}
	if (nerr)
		return nd_err_set(e, _("no usable CNI config in '%s': %s"), netd, errs[0]);
	return nd_err_set(e, _("no CNI config in '%s'"), netd);
}

int nd_node_hostlocal_stores(const char *root, struct nd_arena *a, struct nd_hl_net **out,
			     size_t *n, const char **why, struct nd_err *e)
{
	const char *netd = nd_node_path(a, root, "etc/cni/net.d");
	struct nd_cni_net *nets = NULL;
	char **errs = NULL;
	size_t cnt = 0, nerr = 0;

	*out = NULL;
	*n = 0;
	if (why)
		*why = NULL;
	if (nd_cni_load_dir(netd, a, &nets, &cnt, &errs, &nerr, e) < 0)
		return -1;
	*out = nd_arena_alloc(a, (cnt ? cnt : 1) * sizeof(**out));
	for (size_t i = 0; i < cnt; i++) {
		const char *dd = nets[i].data_dir ? nets[i].data_dir : "/var/lib/cni/networks";
		const char *dir;
		bool dup = false;

		if (!nets[i].ipam_type || strcmp(nets[i].ipam_type, "host-local") != 0)
			continue;
		dir = nd_arena_printf(a, "%s/%s", nd_node_path(a, root, dd), nets[i].name);
		for (size_t k = 0; k < *n; k++)
			dup |= strcmp((*out)[k].store_dir, dir) == 0;
		if (dup)
			continue;
		(*out)[*n].net = &nets[i];
		(*out)[*n].store_dir = dir;
		(*out)[*n].primary = i == 0;
		(*n)++;
	}
	if (!*n && why) {
		if (cnt)
			*why = nd_arena_printf(a, "the node's CNI network '%s' ('%s') does not use "
					       "host-local IPAM (%s)", nets[0].name, nets[0].file,
					       nets[0].ipam_type ? nets[0].ipam_type : "no ipam section");
		else if (nerr)
			*why = nd_arena_printf(a, "no usable CNI config in '%s': %s", netd, errs[0]);
		else
			*why = nd_arena_printf(a, "no CNI config in '%s'", netd);
	}
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int nd_run_capture(const char *const argv[], size_t max, int timeout_ms,
		   char **out, size_t *len, struct nd_err *e)
{
	int po[2], pe[2], status = 0, r = -1;
	char *buf = NULL, err[512];
	size_t n = 0, cap = 0, en = 0;
	int64_t deadline = now_ms() + timeout_ms;
	bool open_o = true, open_e = true, killed = false;
	pid_t pid;

	if (pipe2(po, O_CLOEXEC) < 0)
		return nd_err_set(e, _("cannot run '%s': %s"), argv[0], strerror(errno));
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(po[0]);
		close(po[1]);
		return nd_err_set(e, _("cannot run '%s': %s"), argv[0], strerror(errno));
	}
	pid = fork();
	if (pid < 0) {
		nd_err_set(e, _("cannot run '%s': %s"), argv[0], strerror(errno));
		close(po[0]);
		close(po[1]);
		close(pe[0]);
		close(pe[1]);
		return -1;
	}
	if (pid == 0) {
		int dn = open("/dev/null", O_RDONLY);

		if (dn >= 0)
			dup2(dn, 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	while (open_o || open_e) {
		struct pollfd pf[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
		int64_t left = deadline - now_ms();
		ssize_t got;

		if (left <= 0) {
			kill(pid, SIGKILL);
			killed = true;
			break;
		}
		if (!open_o)
			pf[0].fd = -1;
		if (!open_e)
			pf[1].fd = -1;
		if (poll(pf, 2, (int)left) < 0 && errno != EINTR)
			break;
		if (open_o && (pf[0].revents & (POLLIN | POLLHUP))) {
			if (n + 65536 > cap) {
				cap = cap ? cap * 2 : 262144;
				buf = nd_xrealloc(buf, cap + 1);
			}
			got = read(po[0], buf + n, cap - n);
			if (got <= 0)
				open_o = false;
			else
				n += (size_t)got;
			if (n > max) {
				kill(pid, SIGKILL);
				killed = true;
				break;
			}
		}
		if (open_e && (pf[1].revents & (POLLIN | POLLHUP))) {
			char tmp[512];

			got = read(pe[0], tmp, sizeof(tmp));
			if (got <= 0) {
				open_e = false;
			} else {
				size_t take = (size_t)got < sizeof(err) - 1 - en ? (size_t)got
										 : sizeof(err) - 1 - en;

				memcpy(err + en, tmp, take);
				en += take;
			}
		}
	}
	close(po[0]);
	close(pe[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	err[en] = '\0';
	if (strchr(err, '\n'))
		*strchr(err, '\n') = '\0';
	if (killed && n > max)
		nd_err_set(e, _("'%s' wrote more than %zu bytes"), argv[0], max);
	else if (killed)
		nd_err_set(e, _("'%s' did not finish within %d ms"), argv[0], timeout_ms);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !n)
		nd_err_set(e, _("cannot run '%s': not found"), argv[0]);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		nd_err_set(e, _("'%s' failed%s%s"), argv[0], en ? ": " : "", err);
	else {
		if (!buf)
			buf = nd_xmalloc(1);
		buf[n] = '\0';
		*out = buf;
		*len = n;
		buf = NULL;
		r = 0;
	}
	free(buf);
	return r;
}
