/* SPDX-License-Identifier: MIT */
/*
 * bench/gen -o DIR [--nodes N] [--pods N] [--services N] [--seed N]
 *               [--policies N] [--nodes-dir[=K]] [-q]
 *
 * Writes a synthetic offline bundle (docs/DESIGN.md §2 layout):
 *   DIR/cluster/{pods,nodes,services,endpointslices,endpoints,events,
 *                daemonsets,namespaces,nnc}.json
 * and with --policies N (N > 0) DIR/cluster/networkpolicies.json;
 * --policies-only writes that file alone (same model, same policies);
 * and with --nodes-dir, for the first K nodes (default 50):
 *   DIR/nodes/<node>/cni/net.d/10-containerd-net.conflist   (kubenet)
 *   DIR/nodes/<node>/cni/networks/kubenet/<ip>              (host-local store)
 * pods.json is written by this process while a child writes the other
 * files. Same arguments, same bytes.
 */
#define _GNU_SOURCE
#include "gen.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
	"usage: gen -o DIR [--nodes N] [--pods N] [--services N] [--seed N] [--policies N]\n"
	"           [--policies-only] [--nodes-dir[=K]] [--no-managed-fields] [-q]\n"
	"  defaults: --nodes 5000 --pods 150000 --services 10000 --seed 1 --policies 0;\n"
	"  --nodes-dir K=50\n";

static bool quiet;

static int parse_u32(const char *opt, const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!s || !*s || *s == '-') {
		fprintf(stderr, "gen: %s needs a number\n", opt);
		return -1;
	}
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max) {
		fprintf(stderr, "gen: bad value '%s' for %s (0..%u)\n", s, opt, max);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

static int mkdir_p(const char *path)
{
	char tmp[4096];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return -1;
	return 0;
}

static int write_file(const char *path, const char *data, size_t len, int64_t mtime)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t off = 0;

	if (fd < 0)
		goto fail;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			goto fail;
		}
		off += (size_t)n;
	}
	if (mtime) {
		struct timespec ts[2] = { { .tv_sec = mtime }, { .tv_sec = mtime } };
		if (futimens(fd, ts)) {
			close(fd);
			goto fail;
		}
	}
	if (close(fd))
		goto fail;
	return 0;
fail:
	fprintf(stderr, "gen: cannot write '%s': %s\n", path, strerror(errno));
	return -1;
}

/* The kubenet conflist AKS renders from its containerd template. */
static int write_conflist(const char *dir, const struct gnode *n)
{
	char path[4096], buf[1024], cidr[16];
	int len;

	fmt_ip(cidr, n->cidr);
	len = snprintf(buf, sizeof(buf),
		"{\n"
		"    \"cniVersion\": \"0.3.1\",\n"
		"    \"name\": \"kubenet\",\n"
		"    \"plugins\": [{\n"
		"    \"type\": \"bridge\",\n"
		"    \"bridge\": \"cbr0\",\n"
		"    \"mtu\": 1500,\n"
		"    \"addIf\": \"eth0\",\n"
		"    \"isGateway\": true,\n"
		"    \"ipMasq\": false,\n"
		"    \"promiscMode\": true,\n"
		"    \"hairpinMode\": false,\n"
		"    \"ipam\": {\n"
		"        \"type\": \"host-local\",\n"
		"        \"ranges\": [[{\"subnet\": \"%s/24\"}]],\n"
		"        \"routes\": [{\"dst\": \"0.0.0.0/0\"}]\n"
		"    }\n"
		"    },\n"
		"    {\n"
		"    \"type\": \"portmap\",\n"
		"    \"capabilities\": {\"portMappings\": true},\n"
		"    \"externalSetMarkChain\": \"KUBE-MARK-MASQ\"\n"
		"    }]\n"
		"}\n", cidr);
	if (len < 0 || (size_t)len >= sizeof(buf))
		return -1;
	if ((size_t)snprintf(path, sizeof(path), "%s/cni/net.d", dir) >= sizeof(path) || mkdir_p(path))
		goto fail;
	if ((size_t)snprintf(path, sizeof(path), "%s/cni/net.d/10-containerd-net.conflist", dir) >= sizeof(path))
		goto fail;
	return write_file(path, buf, (size_t)len, 0);
fail:
	fprintf(stderr, "gen: cannot create '%s': %s\n", path, strerror(errno));
	return -1;
}

static int store_entry(const char *store, uint32_t ip, const char *id, int64_t mtime)
{
	char path[4096], name[16], body[80];
	int len;

	fmt_ip(name, ip);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", store, name) >= sizeof(path))
		return -1;
	len = snprintf(body, sizeof(body), "%s\r\neth0", id);
	return write_file(path, body, (size_t)len, mtime);
}

/*
 * Host-local stores: one file per IP held by a live (or, on broken nodes,
 * terminated) pod, and on broken nodes leaked entries for every other
 * address of the range so the node is out of IPs, as its events say.
 */
static int write_nodes_dir(const struct model *m, const char *out, uint32_t k)
{
	char dir[4096], store[4096], id[65];
	uint8_t *used = NULL;
	uint32_t *top = NULL;
	int rc = -1;

	if (k > m->nnodes)
		k = m->nnodes;
	used = calloc((size_t)k * 256, 1);
	top = calloc(k ? k : 1, sizeof(*top));
	if (!used || !top)
		goto out;
	for (uint32_t i = 0; i < k; i++) {
		const struct gnode *n = &m->nodes[i];
		if ((size_t)snprintf(dir, sizeof(dir), "%s/nodes/%s", out, n->name) >= sizeof(dir))
			goto out;
		if (write_conflist(dir, n))
			goto out;
		if ((size_t)snprintf(store, sizeof(store), "%s/cni/networks/kubenet", dir) >= sizeof(store) ||
		    mkdir_p(store)) {
			fprintf(stderr, "gen: cannot create '%s': %s\n", store, strerror(errno));
			goto out;
		}
		if ((size_t)snprintf(dir, sizeof(dir), "%s/lock", store) >= sizeof(dir) ||
		    write_file(dir, "", 0, 0))
			goto out;
	}
	for (uint32_t pi = 0; pi < m->npods; pi++) {
		const struct gpod *p = &m->pods[pi];
		if (p->node >= k || !p->ip || p->kind == PK_KUBEPROXY || p->kind == PK_CNM)
			continue;
		bool done = p->phase == PH_SUCCEEDED || p->phase == PH_FAILED;
		if (done && !m->nodes[p->node].broken)
			continue;   /* released by CNI DEL */
		snprintf(store, sizeof(store), "%s/nodes/%s/cni/networks/kubenet", out, m->nodes[p->node].name);
		sandbox_id(id, m, pi);
		if (store_entry(store, p->ip, id, pod_created(m, pi) + 2))
			goto out;
		used[(size_t)p->node * 256 + (p->ip & 255)] = 1;
		if ((p->ip & 255) > top[p->node])
			top[p->node] = p->ip & 255;
	}
	for (uint32_t i = 0; i < k; i++) {
		const struct gnode *n = &m->nodes[i];
		char last[16];
		snprintf(store, sizeof(store), "%s/nodes/%s/cni/networks/kubenet", out, n->name);
		if (n->broken) {
			for (uint32_t h = 2; h <= 254; h++) {
				if (used[(size_t)i * 256 + h])
					continue;
				fmt_hex64(id, m->seed, K_LEAK, (uint64_t)i * 256 + h);
				if (store_entry(store, n->cidr + h, id, m->now - 12 * 86400 + (int64_t)h * 600))
					goto out;
			}
			top[i] = 254;
		}
		if (!top[i])
			continue;
		fmt_ip(last, n->cidr + top[i]);
		if ((size_t)snprintf(dir, sizeof(dir), "%s/last_reserved_ip.0", store) >= sizeof(dir) ||
		    write_file(dir, last, strlen(last), 0))
			goto out;
	}
	rc = 0;
out:
	free(used);
	free(top);
	return rc;
}

struct outfile {
	const char *name;
	int (*fn)(const struct model *, const char *);
};

static const struct outfile others[] = {
	{ "nodes.json", write_nodes },
	{ "namespaces.json", write_namespaces },
	{ "daemonsets.json", write_daemonsets },
	{ "nnc.json", write_nnc },
	{ "services.json", write_services },
	{ "endpointslices.json", write_slices },
	{ "endpoints.json", write_endpoints },
	{ "events.json", write_events },
};

static int run_one(const struct model *m, const char *cluster, const struct outfile *f)
{
	char path[4096];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", cluster, f->name) >= sizeof(path)) {
		fprintf(stderr, "gen: path too long: '%s/%s'\n", cluster, f->name);
		return -1;
	}
	if (f->fn(m, path)) {
		fprintf(stderr, "gen: cannot write '%s': %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	uint32_t nodes = 5000, pods = 150000, services = 10000, seed = 1, nd = 0, npol = 0;
	bool nodes_dir = false, pol_only = false;
	char err[256], cluster[4096];
	struct model m;
	double t0 = now_s();

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-o")) {
			if (!v) {
				fprintf(stderr, "gen: -o needs a directory\n");
				return 2;
			}
			out = v;
			i++;
		} else if (!strcmp(a, "--nodes") || !strcmp(a, "--pods") || !strcmp(a, "--services") ||
			   !strcmp(a, "--seed")) {
			uint32_t *dst = !strcmp(a, "--nodes") ? &nodes : !strcmp(a, "--pods") ? &pods :
					!strcmp(a, "--services") ? &services : &seed;
			if (parse_u32(a, v, 100000000u, dst))
				return 2;
			i++;
		} else if (!strcmp(a, "--policies")) {
			if (parse_u32(a, v, 1000000u, &npol))
				return 2;
			i++;
		} else if (!strcmp(a, "--policies-only")) {
			pol_only = true;
		} else if (!strcmp(a, "--nodes-dir")) {
			nodes_dir = true;
			nd = 50;
		} else if (!strncmp(a, "--nodes-dir=", 12)) {
			nodes_dir = true;
			if (parse_u32("--nodes-dir", a + 12, 100000, &nd))
				return 2;
		} else if (!strcmp(a, "--no-managed-fields")) {
			jw_drop_managed = true;
		} else if (!strcmp(a, "-q")) {
			quiet = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		} else {
			fprintf(stderr, "gen: unknown argument '%s'\n%s", a, usage);
			return 2;
		}
	}
	if (!out) {
		fputs(usage, stderr);
		return 2;
	}
	if (model_build(&m, seed, nodes, pods, services, err, sizeof(err))) {
		fprintf(stderr, "gen: %s\n", err);
		model_free(&m);
		return 2;
	}
	if ((size_t)snprintf(cluster, sizeof(cluster), "%s/cluster", out) >= sizeof(cluster) || mkdir_p(cluster)) {
		fprintf(stderr, "gen: cannot create '%s/cluster': %s\n", out, strerror(errno));
		return 1;
	}

	if (pol_only) {
		char path[4096];

		if (!npol || (size_t)snprintf(path, sizeof(path), "%s/networkpolicies.json", cluster) >= sizeof(path) ||
		    write_netpols(&m, path, npol)) {
			fprintf(stderr, "gen: --policies-only needs --policies N and a writable '%s'\n", cluster);
			return 1;
		}
		if (!quiet)
			fprintf(stderr, "gen: %s/networkpolicies.json: %u NetworkPolicies over %u namespaces in %.1f s\n",
				cluster, npol, m.nns, now_s() - t0);
		model_free(&m);
		return 0;
	}
	/* pods.json is ~90% of the bytes: write it here, the rest in a child */
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "gen: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		int rc = 0;
		for (size_t k = 0; k < sizeof(others) / sizeof(others[0]) && !rc; k++)
			rc = run_one(&m, cluster, &others[k]);
		if (!rc && npol) {
			char path[4096];

			if ((size_t)snprintf(path, sizeof(path), "%s/networkpolicies.json", cluster) >= sizeof(path) ||
			    write_netpols(&m, path, npol)) {
				fprintf(stderr, "gen: cannot write '%s/networkpolicies.json'\n", cluster);
				rc = -1;
			}
		}
		if (!rc && nodes_dir)
			rc = write_nodes_dir(&m, out, nd);
		_exit(rc ? 1 : 0);
	}
	static const struct outfile podsf = { "pods.json", write_pods };
	int rc = run_one(&m, cluster, &podsf);
	int st;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "gen: waitpid: %s\n", strerror(errno));
			return 1;
		}
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		rc = -1;
	if (rc)
		return 1;

	if (!quiet) {
		uint32_t pending = 0, hostnet = 0, done = 0;
		for (uint32_t i = 0; i < m.npods; i++) {
			pending += m.pods[i].phase == PH_PENDING;
			hostnet += m.pods[i].kind == PK_KUBEPROXY || m.pods[i].kind == PK_CNM;
			done += m.pods[i].phase == PH_SUCCEEDED || m.pods[i].phase == PH_FAILED;
		}
		fprintf(stderr, "gen: %s: %u nodes, %u pods (%u hostNetwork, %u Succeeded/Failed, %u Pending), "
			"%u services, %u namespaces, %u NetworkPolicies, seed %u%s in %.1f s\n",
			out, m.nnodes, m.npods, hostnet, done, pending, m.nsvcs, m.nns, npol, seed,
			nodes_dir ? ", nodes dir" : "", now_s() - t0);
	}
	model_free(&m);
	return 0;
}
