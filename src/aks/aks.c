/* SPDX-License-Identifier: MIT */
/* The AKS profile from az aks show JSON: a file, a bundle's aks.json, or az itself. */
#include "aks/aks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "k8s/http.h"
#include "core/banned.h"
#include "core/i18n.h"

#define AKS_MAX_FILE (8u << 20)
#define AZ_ERR_MAX 2048

extern char **environ;

void nd_aks_free(struct nd_aks_profile *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nranges; i++)
		free(p->ranges[i]);
	free(p->ranges);
	free(p->source);
	free(p->name);
	free(p->resource_group);
	free(p->location);
	free(p->fqdn);
	free(p->private_fqdn);
	free(p->azure_portal_fqdn);
	free(p->power_state);
	free(p->outbound_type);
	free(p->private_dns_zone);
	free(p->subnet_id);
	free(p->addons);
	free(p->network_plugin);
	free(p->network_plugin_mode);
	for (size_t k = 0; k < p->npools; k++) {
		free(p->pools[k].name);
		free(p->pools[k].mode);
		free(p->pools[k].vnet_subnet_id);
		free(p->pools[k].pod_subnet_id);
		free(p->pools[k].max_surge);
	}
	free(p->pools);
	free(p);
}

static char *dup_str(const struct nd_json *v)
{
	const char *s = nd_json_str(v);

	return s && *s ? nd_xstrdup(s) : NULL;
}

/* The first of two spellings that is present and not null. */
static const struct nd_json *either(const struct nd_json *o, const char *cli, const char *arm)
{
	const struct nd_json *v = nd_json_get(o, cli);

	if (!v || v->type == ND_JNULL)
		v = nd_json_get(o, arm);
	return v && v->type != ND_JNULL ? v : NULL;
}

static int tri(const struct nd_json *v)
{
	if (!v || v->type == ND_JNULL)
		return -1;
	return v->type == ND_JTRUE ? 1 : 0;
}

/* A count: -1 when absent or null, else a number in [0, 1e6]; anything else fails. */
static int pool_num(const struct nd_json *o, const char *key, const char *name, uint32_t i,
		    int64_t *out, struct nd_err *e)
{
	const struct nd_json *v = nd_json_get(o, key);

	*out = -1;
	if (!v || v->type == ND_JNULL)
		return 0;
	if (nd_json_i64(v, 0, 1000000, out) < 0)
		return nd_err_set(e, _("'%s': agentPoolProfiles[%u].%s is not a count"), name, i, key);
	return 0;
}

static int read_pools(const struct nd_json *ps, struct nd_aks_profile *p, const char *name,
		      struct nd_err *e)
{
	if (!ps || ps->type == ND_JNULL)
		return 0;
	if (ps->type != ND_JARR)
		return nd_err_set(e, _("'%s': agentPoolProfiles is %s, not a list"), name,
				  nd_json_type_name(ps->type));
	if (ps->n > ND_AKS_MAX_POOLS)
		return nd_err_set(e, _("'%s': %u agent pools, more than the %u netdiag reads"), name,
				  ps->n, ND_AKS_MAX_POOLS);
	p->pools = nd_xcalloc(ps->n ? ps->n : 1, sizeof(*p->pools));
	for (uint32_t i = 0; i < ps->n; i++) {
		const struct nd_json *o = &ps->u.items[i];
		struct nd_aks_pool *pl = &p->pools[p->npools];
		const char *os, *vm;

		if (o->type != ND_JOBJ)
			return nd_err_set(e, _("'%s': agentPoolProfiles[%u] is not an object"), name, i);
		p->npools++;
		pl->name = dup_str(nd_json_get(o, "name"));
		pl->mode = dup_str(nd_json_get(o, "mode"));
		pl->vnet_subnet_id = dup_str(either(o, "vnetSubnetId", "vnetSubnetID"));
		pl->pod_subnet_id = dup_str(either(o, "podSubnetId", "podSubnetID"));
		pl->max_surge = dup_str(nd_json_path(o, "upgradeSettings", "maxSurge", NULL));
		pl->autoscaling = tri(nd_json_get(o, "enableAutoScaling"));
		/* the pools that change the required outbound destinations (aks/egress.h) */
		os = nd_json_str(nd_json_get(o, "osType"));
		vm = nd_json_str(nd_json_get(o, "vmSize"));
		if (os && strcasecmp(os, "Windows") == 0)
			p->windows_pool = true;
		/* GPU sizes are the N family: Standard_NC6s_v3, Standard_ND96asr_v4, Standard_NV36ads_A10_v5 */
		if (vm && strncasecmp(vm, "Standard_N", 10) == 0)
			p->gpu_pool = true;
		if (pool_num(o, "count", name, i, &pl->count, e) < 0 ||
		    pool_num(o, "minCount", name, i, &pl->min_count, e) < 0 ||
		    pool_num(o, "maxCount", name, i, &pl->max_count, e) < 0 ||
		    pool_num(o, "maxPods", name, i, &pl->max_pods, e) < 0)
			return -1;
	}
	return 0;
}

static int read_access(const struct nd_json *ap, struct nd_aks_profile *p, const char *name,
		       struct nd_err *e)
{
	const struct nd_json *r;
	size_t cap = 0;
	uint32_t i;

	p->have_access_profile = true;
	r = either(ap, "authorizedIpRanges", "authorizedIPRanges");
	if (r && r->type != ND_JARR)
		return nd_err_set(e, _("'%s': apiServerAccessProfile.authorizedIpRanges is %s, "
				  "not a list"), name, nd_json_type_name(r->type));
	if (r && r->n > ND_AKS_MAX_RANGES)
		return nd_err_set(e, _("'%s': %u authorized IP ranges, more than the %u netdiag reads "
				  "(AKS allows 200)"), name, r->n, ND_AKS_MAX_RANGES);
	for (i = 0; r && i < r->n; i++) {
		const char *s = nd_json_str(&r->u.items[i]);

		if (!s)
			return nd_err_set(e, _("'%s': authorizedIpRanges[%u] is not a string"), name, i);
		ND_GROW(p->ranges, cap, p->nranges + 1);
		/* the CLI strips white space around each item; so do we */
		while (*s == ' ' || *s == '\t')
			s++;
		p->ranges[p->nranges] = nd_xstrdup(s);
		{
			char *t = p->ranges[p->nranges] + strlen(p->ranges[p->nranges]);

			while (t > p->ranges[p->nranges] && (t[-1] == ' ' || t[-1] == '\t'))
				*--t = '\0';
		}
		p->nranges++;
	}
	p->private_cluster = tri(nd_json_get(ap, "enablePrivateCluster"));
	p->public_fqdn = tri(either(ap, "enablePrivateClusterPublicFqdn",
				    "enablePrivateClusterPublicFQDN"));
	p->vnet_integration = tri(nd_json_get(ap, "enableVnetIntegration"));
	p->disable_run_command = tri(nd_json_get(ap, "disableRunCommand"));
	p->private_dns_zone = dup_str(either(ap, "privateDnsZone", "privateDNSZone"));
	p->subnet_id = dup_str(nd_json_get(ap, "subnetId"));
	return 0;
}

/* The add-ons, pools and profiles that add outbound destinations. */
static void read_features(const struct nd_json *props, struct nd_aks_profile *p)
{
	const struct nd_json *ad = nd_json_get(props, "addonProfiles");
	size_t used = 0, cap = 0;
	uint32_t i;

	for (i = 0; ad && ad->type == ND_JOBJ && i < ad->n; i++) {
		const struct nd_jmember *m = &ad->u.members[i];
		size_t kl = strlen(m->key);

		/* az writes "enabled"; ARM exports may write "Enabled" */
		if (!nd_json_true(nd_json_get(&m->val, "enabled")) &&
		    !nd_json_true(nd_json_get(&m->val, "Enabled")))
			continue;
		ND_GROW(p->addons, cap, used + kl + 2);
		if (used)
			p->addons[used++] = ' ';
		memcpy(p->addons + used, m->key, kl + 1);
		used += kl;
	}
	p->defender = nd_json_true(nd_json_path(props, "securityProfile", "defender",
						"securityMonitoring", "enabled", NULL));
	p->cost_analysis = nd_json_true(nd_json_path(props, "metricsProfile", "costAnalysis",
						     "enabled", NULL));
	p->prometheus = nd_json_true(nd_json_path(props, "azureMonitorProfile", "metrics",
						  "enabled", NULL));
}

int nd_aks_parse(const char *buf, size_t len, const char *name, struct nd_aks_profile **out,
		 struct nd_err *e)
{
	struct nd_arena *a = nd_arena_new(16384);
	struct nd_aks_profile *p = nd_xcalloc(1, sizeof(*p));
	const struct nd_json *props, *ap;
	struct nd_json doc;

	*out = NULL;
	p->private_cluster = p->public_fqdn = p->vnet_integration = p->disable_run_command = -1;
	p->source = nd_xstrdup(name);
	if (nd_json_parse(buf, len, 0, a, &doc, e) < 0) {
		nd_err_prefix(e, _("cannot read the AKS profile '%s'"), name);
		goto fail;
	}
	if (doc.type != ND_JOBJ) {
		nd_err_set(e, _("'%s' is not az aks show output: %s, not an object"), name,
			   nd_json_type_name(doc.type));
		goto fail;
	}
	/* an ARM resource keeps the cluster's fields under "properties" */
	props = nd_json_get(&doc, "properties");
	if (!props || props->type != ND_JOBJ)
		props = &doc;
	if (!nd_json_get(props, "apiServerAccessProfile") && !nd_json_get(props, "fqdn") &&
	    !nd_json_get(props, "privateFqdn") && !nd_json_get(props, "agentPoolProfiles")) {
		nd_err_set(e, _("'%s' is not az aks show output: no fqdn, privateFqdn or "
			   "apiServerAccessProfile"), name);
		goto fail;
	}
	p->name = dup_str(nd_json_get(&doc, "name"));
	p->resource_group = dup_str(nd_json_get(&doc, "resourceGroup"));
	p->location = dup_str(nd_json_get(&doc, "location"));
	p->fqdn = dup_str(nd_json_get(props, "fqdn"));
	p->private_fqdn = dup_str(either(props, "privateFqdn", "privateFQDN"));
	p->azure_portal_fqdn = dup_str(either(props, "azurePortalFqdn", "azurePortalFQDN"));
	p->power_state = dup_str(nd_json_path(props, "powerState", "code", NULL));
	p->outbound_type = dup_str(nd_json_path(props, "networkProfile", "outboundType", NULL));
	if (!p->resource_group) {
		/* ARM output has the ID only: /subscriptions/S/resourceGroups/RG/providers/... */
		const char *id = nd_json_str(nd_json_get(&doc, "id"));
		const char *rg = id ? strstr(id, "/resourceGroups/") : NULL;

		if (!rg && id)
			rg = strstr(id, "/resourcegroups/");
		if (rg) {
			rg += strlen("/resourceGroups/");
			p->resource_group = nd_xstrdup(rg);
			p->resource_group[strcspn(p->resource_group, "/")] = '\0';
		}
	}
	read_features(props, p);
	p->network_plugin = dup_str(nd_json_path(props, "networkProfile", "networkPlugin", NULL));
	p->network_plugin_mode = dup_str(nd_json_path(props, "networkProfile", "networkPluginMode",
						      NULL));
	if (read_pools(nd_json_get(props, "agentPoolProfiles"), p, name, e) < 0)
		goto fail;
	ap = nd_json_get(props, "apiServerAccessProfile");
	if (ap && ap->type == ND_JOBJ && read_access(ap, p, name, e) < 0)
		goto fail;
	if (ap && ap->type != ND_JOBJ && ap->type != ND_JNULL) {
		nd_err_set(e, _("'%s': apiServerAccessProfile is %s, not an object"), name,
			   nd_json_type_name(ap->type));
		goto fail;
	}
	nd_arena_free(a);
	*out = p;
	return 0;
fail:
	nd_arena_free(a);
	nd_aks_free(p);
	return -1;
}

int nd_aks_load_file(const char *path, struct nd_aks_profile **out, struct nd_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf;
	size_t got = 0;
	int rc;

	*out = NULL;
	if (fd < 0)
		return nd_err_set(e, _("cannot read '%s': %s"), path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > AKS_MAX_FILE) {
		close(fd);
		return nd_err_set(e, _("cannot read '%s': not a regular file of at most %u bytes"),
				  path, AKS_MAX_FILE);
	}
	buf = nd_xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	rc = nd_aks_parse(buf, got, path, out, e);
	free(buf);
	return rc;
}

/* Read fd into *b (up to max) until EOF or the deadline. 0 at EOF, -1 on timeout. */
static int drain(int out_fd, int err_fd, char **b, size_t *n, size_t max, char *err,
		 size_t *en, int64_t deadline)
{
	struct pollfd pf[2] = {{.fd = out_fd, .events = POLLIN}, {.fd = err_fd, .events = POLLIN}};
	int open_fds = 2;

	while (open_fds > 0) {
		int64_t left = deadline - nd_now_ms();
		int i, r;

		if (left <= 0)
			return -1;
		r = poll(pf, 2, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		for (i = 0; i < 2; i++) {
			char tmp[4096];
			ssize_t k;

			if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			k = read(pf[i].fd, tmp, sizeof(tmp));
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0) {
				pf[i].fd = -1;
				open_fds--;
				continue;
			}
			if (i == 0) {
				if (*n + (size_t)k > max)
					return -2;
				*b = nd_xrealloc(*b, *n + (size_t)k + 1);
				memcpy(*b + *n, tmp, (size_t)k);
				*n += (size_t)k;
			} else if (*en < AZ_ERR_MAX - 1) {
				size_t c = (size_t)k < AZ_ERR_MAX - 1 - *en ? (size_t)k
									    : AZ_ERR_MAX - 1 - *en;

				memcpy(err + *en, tmp, c);
				*en += c;
			}
		}
	}
	return 0;
}

int nd_aks_from_az(const char *rg, const char *name, int64_t timeout_ms,
		   struct nd_aks_profile **out, struct nd_err *e)
{
	char *argv[] = {(char *)"az", (char *)"aks", (char *)"show", (char *)"-g", (char *)rg,
			(char *)"-n", (char *)name, (char *)"-o", (char *)"json",
			(char *)"--only-show-errors", NULL};
	posix_spawn_file_actions_t fa;
	int po[2] = {-1, -1}, pe[2] = {-1, -1}, status = 0, rc = -1, d;
	char err[AZ_ERR_MAX], src[600];
	char *buf = NULL;
	size_t n = 0, en = 0;
	pid_t pid;

	*out = NULL;
	snprintf(src, sizeof(src), "az aks show -g %s -n %s", rg, name);
	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
		nd_err_set(e, _("cannot run '%s': %s"), src, strerror(errno));
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	d = posix_spawnp(&pid, "az", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;
	if (d != 0) {
		nd_err_set(e, _("cannot run '%s': %s (install the Azure CLI, or save its output "
			   "and give it with --aks FILE)"), src,
			   d == ENOENT ? _("az is not installed") : strerror(d));
		goto out;
	}
	d = drain(po[0], pe[0], &buf, &n, AKS_MAX_FILE, err, &en,
		  nd_now_ms() + (timeout_ms > 0 ? timeout_ms : 60000));
	if (d < 0)
		kill(pid, SIGTERM);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	err[en] = '\0';
	if (d == -1) {
		nd_err_set(e, _("'%s' did not finish within %lld ms"), src, (long long)timeout_ms);
		goto out;
	}
	if (d == -2) {
		nd_err_set(e, _("'%s' printed more than %u bytes"), src, AKS_MAX_FILE);
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *nl;

		while ((nl = strchr(err, '\n')) != NULL && nl[1])
			*nl = ' ';
		nd_err_set(e, _("'%s' failed: %.600s"), src, en ? err : _("no message (exit status)"));
		goto out;
	}
	rc = nd_aks_parse(buf ? buf : "", n, src, out, e);
out:
	for (d = 0; d < 2; d++) {
		if (po[d] >= 0)
			close(po[d]);
		if (pe[d] >= 0)
			close(pe[d]);
	}
	free(buf);
	return rc;
}
