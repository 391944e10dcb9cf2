/* SPDX-License-Identifier: MIT */
/*
 * The command table and the option tables: one row per command, one table
 * of options per command and one of global options. main.c parses argv
 * with them (getopt_long); --help, the man page (docs/netdiag.1) and the
 * shell completions are generated from them, so a flag is described once.
 */
#include "cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "core/banned.h"

#define END {NULL, 0, NULL, NULL, 0}

const struct nd_opt nd_global_opts[] = {
	{"snapshot", 0, "DIR|FILE.tar.gz", N_("read an offline bundle (DIR/cluster/*.json, DIR/nodes/...) "
					      "instead of the API server"), ND_OPT_PATH},
	{"kubeconfig", 0, "FILE", N_("the kubeconfig to use (default $KUBECONFIG, ~/.kube/config)"),
	 ND_OPT_PATH},
	{"context", 0, "NAME", N_("the kubeconfig context to use"), 0},
	{"namespace", 'n', "NS", N_("the namespace (default: all for diagnose, else 'default')"),
	 ND_OPT_NAMESPACE},
	{"all-namespaces", 'A', NULL, N_("every namespace"), 0},
	{"aks", 0, "FILE", N_("'az aks show' output of the cluster (S1)"), ND_OPT_PATH},
	{"resource-group", 0, "RG", N_("with --name: run 'az aks show' instead of --aks"), 0},
	{"name", 0, "NAME", N_("the AKS cluster's name, with --resource-group"), 0},
	{"client-ip", 0, "IP", N_("this client's egress (public) IP, IPv4 or IPv6 (S1)"), 0},
	{"egress-ip-url", 0, "URL", N_("learn the egress IP from an echo service you name (no "
				       "default)"), 0},
	{"node-root", 0, "DIR", N_("run on a node: its file system at DIR ('/' on the node, '/host' "
				   "under kubectl debug node)"), ND_OPT_PATH},
	{"node", 0, "NAME", N_("the node to look at (default: the kubelet's name on --node-root)"), 0},
	{"output", 'o', "text|json|html", N_("output format"), 0},
	{"brief", 0, NULL, N_("text: only the verdict block (verdict, source, top causes)"), 0},
	{"html", 0, "FILE", N_("also write the report as one self-contained HTML file"),
	 ND_OPT_PATH},
	{"lang", 0, "en|it", N_("language of the text output"), 0},
	{"timeout", 0, "DUR", N_("deadline for the network calls of the whole run (5s, 1m; default "
				 "10s)"), 0},
	{"fail-on", 0, "info|warning|error", N_("exit 1 for a finding at or above this severity "
						"(default warning)"), 0},
	{"color", 0, "auto|always|never", N_("colour in the text output (default auto: on a "
					     "terminal)"), 0},
	{"no-color", 0, NULL, N_("same as --color never"), 0},
	{"verbose", 'v', NULL, N_("list every check, not only those that did not pass"), 0},
	{"help", 'h', NULL, N_("this help, or a command's with the command"), 0},
	{"version", 0, NULL, N_("print the version"), 0},
	END,
};

static const struct nd_opt diagnose_opts[] = {
	{"iptables-save", 0, "FILE", N_("this node's kube-proxy rules as iptables-save printed them "
					"(else, on a node, iptables-save is run)"), ND_OPT_PATH},
	{"ipvsadm", 0, "FILE", N_("this node's IPVS table as 'ipvsadm -S -n' printed it"),
	 ND_OPT_PATH},
	{"nft", 0, "FILE", N_("this node's nftables rules as 'nft list ruleset' printed them"),
	 ND_OPT_PATH},
	{"probe", 0, NULL, N_("also probe every ready endpoint podIP:targetPort and the ClusterIP "
			      "of the Services in scope, from here (a pod, a node)"), 0},
	{"egress", 0, NULL, N_("also test AKS's required outbound destinations from here (as "
			       "'netdiag egress' does: from a pod or a node)"), 0},
	END,
};

static const struct nd_opt apiserver_opts[] = {
	{"no-probe", 0, NULL, N_("offline checks only: do not contact the API server"), 0},
	{"dns-server", 0, "IP[:PORT]", N_("ask this DNS server instead of /etc/resolv.conf's"), 0},
	END,
};

static const struct nd_opt egress_opts[] = {
	{"also", 0, "HOST:PORT[,...]", N_("also test these destinations ([IPv6]:PORT; a tcp://, tls://, "
				       "https:// or http:// prefix says how far); repeatable"),
	 ND_OPT_REPEAT},
	{"include", 0, "SET[,SET...]", N_("add destination sets: recommended, gpu, windows, "
					   "monitoring, policy, keyvault, defender, extensions, "
					   "tunnel, apiserver-ip, mcr-edge, all"), 0},
	{"ca-file", 0, "FILE", N_("trust these CAs (PEM) too, besides the system store"),
	 ND_OPT_PATH},
	{"dns-server", 0, "IP[:PORT]", N_("ask this DNS server instead of /etc/resolv.conf's"), 0},
	{"concurrency", 0, "N", N_("destinations probed at once (default 8, at most 64)"), 0},
	{"data", 0, "FILE", N_("read the destinations from FILE instead of the built-in "
			       "data/aks-egress.json"), ND_OPT_PATH},
	{"no-probe", 0, NULL, N_("list the destinations and their rules; do not probe"), 0},
	END,
};

static const struct nd_opt incluster_opts[] = {
	{"sa-dir", 0, "DIR", N_("the service-account folder (default "
				"/var/run/secrets/kubernetes.io/serviceaccount)"), ND_OPT_PATH},
	{"pod", 0, "NAMESPACE/NAME", N_("this pod (default: the service account's namespace and "
					"$HOSTNAME)"), ND_OPT_POD},
	{"fqdn", 0, "HOST[:PORT]", N_("the API server's FQDN, asked too (default: the --aks "
				      "profile's fqdn)"), 0},
	{"private-fqdn", 0, "HOST", N_("the private cluster's FQDN, resolved through every DNS "
				       "server (default: the --aks profile's privateFqdn)"), 0},
	{"upstream-dns", 0, "IP[:PORT]", N_("an upstream (custom) DNS server CoreDNS forwards to; "
					    "repeatable"), ND_OPT_REPEAT},
	{"resolv-conf", 0, "FILE", N_("the pod's resolver configuration (default "
				      "/etc/resolv.conf)"), ND_OPT_PATH},
	{"egress", 0, NULL, N_("also test AKS's required outbound destinations from the pod "
			       "(as 'netdiag egress' does)"), 0},
	{"print-manifest", 0, NULL, N_("print the ServiceAccount, read-only RBAC and Job that run "
				       "netdiag incluster in a cluster (with -n, --image), and stop"), 0},
	{"image", 0, "IMAGE", N_("the image --print-manifest names (default netdiag:VERSION, "
				 "what make image builds)"), 0},
	END,
};

static const struct nd_opt service_opts[] = {
	{"from", 0, "NAMESPACE/POD|IP", N_("also the NetworkPolicy verdict from this pod or address to "
				    "every endpoint"), ND_OPT_POD},
	{"probe", 0, NULL, N_("also probe every ready endpoint podIP:targetPort and the ClusterIP "
			      "of the Services in scope, from here (a pod, a node)"), 0},
	END,
};

static const struct nd_opt ipam_opts[] = {
	{"apply", 0, NULL, N_("release: free the leaked addresses (default: a dry run that lists "
			      "them)"), 0},
	{"min-age", 0, "DUR", N_("release: only reservations older than this when the pod list "
				 "was taken (default 1m)"), 0},
	{"max-list-age", 0, "DUR", N_("release: refuse a pod list older than this (default 5m)"),
	 0},
	{"runtime-dir", 0, "DIR", N_("release: the container runtime's sandbox folder, one entry "
				     "per live sandbox, when the node's /run is not under "
				     "--node-root"), ND_OPT_PATH},
	{"accept-risk-of-freeing-live-ips", 0, NULL, N_("release: go on without a witness "
							"(runtime evidence, a whole and fresh "
							"pod list); never the default"), 0},
	{"journal-dir", 0, "DIR", N_("release: where the journal of what was freed is written"),
	 ND_OPT_PATH},
	END,
};

static const struct nd_opt canreach_opts[] = {
	{"matrix", 0, NULL, N_("every pod to every pod of the namespace (-n) or cluster, as a "
			       "grid"), 0},
	{"port", 0, "PORT[/PROTO]", N_("the port to ask about (default: any; --matrix needs it)"),
	 0},
	END,
};

static const struct nd_opt cani_opts[] = {
	{"as", 0, "USER|system:serviceaccount:NS:NAME", N_("the subject asking (required)"), 0},
	{"as-group", 0, "GROUP", N_("a group of the subject; repeatable"), ND_OPT_REPEAT},
	{"subresource", 0, "NAME", N_("the subresource (log, exec, status, ...)"), 0},
	END,
};

static const struct nd_opt collect_opts[] = {
	{"output", 'o', "DIR|FILE.tar.gz", N_("where to write the bundle (required)"), ND_OPT_PATH},
	{"nodes", 0, NULL, N_("also the fleet agents' node files (agent --raw-files, in -n NS, "
			      "default netdiag) into nodes/<node>/, and their logs into logs/"), 0},
	{"redact-extra", 0, "REGEX", N_("also redact every match of this POSIX extended regular "
					"expression (site rules)"), 0},
	END,
};

static const struct nd_opt serve_opts[] = {
	{"listen", 0, "HOST:PORT", N_("where to listen (default 127.0.0.1:0: a free port)"), 0},
	{"tls-cert", 0, "FILE", N_("serving certificate (PEM), with --tls-key; default: a "
				   "self-signed one made at start"), ND_OPT_PATH},
	{"tls-key", 0, "FILE", N_("the serving certificate's key (PEM)"), ND_OPT_PATH},
	{"client-ca", 0, "FILE", N_("accept client certificates signed by these CAs"), ND_OPT_PATH},
	{"token", 0, "TOKEN", N_("the bearer token to require (default: random)"), 0},
	{"user", 0, "NAME", N_("the user a token stands for, in 403 messages"), 0},
	{"write-kubeconfig", 0, "FILE", N_("write a kubeconfig for this server (mode 0600)"),
	 ND_OPT_PATH},
	{"forbid", 0, "RESOURCE", N_("answer 403 for this resource (e.g. events); repeatable"),
	 ND_OPT_REPEAT},
	{"spool-dir", 0, "DIR", N_("where the object spool goes (default $TMPDIR or /tmp)"),
	 ND_OPT_PATH},
	{"max-connections", 0, "N", N_("connections in all (default 1024); a new one over it evicts "
				       "one that never authenticated"), 0},
	{"max-per-client", 0, "N", N_("connections from one address (default 256), the same way"),
	 0},
	{"writable", 0, NULL, N_("accept creates and deletes of namespaces, serviceaccounts, RBAC "
				 "objects and daemonsets, kept in memory over the bundle"), 0},
	{"fault-latency", 0, "MS", N_("test fault: delay every answer by MS milliseconds"), 0},
	{"fault-hang-path", 0, "PREFIX", N_("test fault: never answer paths starting with PREFIX"),
	 0},
	{"fault-429-every", 0, "N", N_("test fault: every Nth request gets 429, Retry-After: 1"), 0},
	{"fault-410-continue", 0, NULL, N_("test fault: the first continue token gets 410 "
					   "Expired"), 0},
	{"fault-truncate-path", 0, "PREFIX", N_("test fault: cut answers on these paths after "
						"half the body"), 0},
	{"fault-500-path", 0, "PREFIX", N_("test fault: answer 500 InternalError on these paths"),
	 0},
	{"fault-hostile", 0, "MODE", N_("test fault: attack the client (endless-list, gzip-bomb, "
					 "endless-continue, repeat-continue, retry-after, drip, "
					 "garbage, html, huge-header)"), 0},
	{"fault-hostile-path", 0, "PREFIX", N_("test fault: --fault-hostile only on these paths"),
	 0},
	{"fault-sar-deny", 0, NULL, N_("test fault: every access review answers allowed: false"),
	 0},
	END,
};

static const struct nd_opt agent_opts[] = {
	{"raw-files", 0, NULL, N_("also embed the node's files (CNI config, IPAM store, rules, "
				  "conntrack) in the report, base64, for 'collect --nodes'"), 0},
	{"raw-max", 0, "BYTES", N_("the bound of --raw-files in bytes (default 8 MiB)"), 0},
	{"iptables-save", 0, "FILE", N_("this node's kube-proxy rules as iptables-save printed them "
					"(else iptables-save is run)"), ND_OPT_PATH},
	{"stay", 0, NULL, N_("stay running after the report (a DaemonSet's container must not "
			     "exit)"), 0},
	{"egress", 0, NULL, N_("also test AKS's required outbound destinations from the node "
			       "(as 'netdiag egress' does)"), 0},
	{"dns-name", 0, "NAME", N_("a name the node's DNS servers must resolve (besides the "
				   "kubelet's API server; up to 4)"), ND_OPT_REPEAT},
	{"no-probe", 0, NULL, N_("do not test the node's DNS and its API server (nothing is "
				 "sent)"), 0},
	END,
};

static const struct nd_opt fleet_opts[] = {
	{"image", 0, "IMAGE", N_("manifest, run: the agent's image (default netdiag:VERSION)"), 0},
	{"concurrency", 0, "N", N_("report: agent logs read at once (default 32)"), 0},
	{"log-max", 0, "BYTES", N_("report: the most bytes read of one agent's log (default 16 "
				   "MiB)"), 0},
	{"keep", 0, NULL, N_("run: leave the agents installed after the report"), 0},
	{"wait", 0, "DUR", N_("run: how long to wait for every agent's report (default 5m)"), 0},
	{"dry-run", 0, NULL, N_("run: print what it would create, and nothing else"), 0},
	{"top", 0, "N", N_("report: how many of the worst nodes each cause names (default 3)"),
	 0},
	END,
};

static const struct nd_opt no_opts[] = {END};

const struct nd_cmd nd_commands[] = {
	{"diagnose", cmd_diagnose, 0, 0, ND_WANTS_MODEL | ND_NEEDS_REPORT, "diagnose",
	 N_("every check that applies from here (the default)"), NULL, diagnose_opts, NULL},
	{"apiserver", cmd_apiserver, 0, 0, ND_NEEDS_REPORT, "apiserver",
	 N_("why this machine cannot reach the API server (S1)"), nd_apiserver_help,
	 apiserver_opts, NULL},
	{"egress", cmd_egress, 0, 0, ND_NEEDS_REPORT, "egress",
	 N_("AKS's required outbound destinations from here: DNS, TCP, TLS, HTTP each (S4)"),
	 nd_egress_help, egress_opts, NULL},
	{"incluster", cmd_incluster, 0, 0, ND_NEEDS_REPORT, "incluster",
	 N_("from inside a pod: why it cannot reach the API server (S4)"), nd_incluster_help,
	 incluster_opts, NULL},
	{"service", cmd_service, 1, 1, ND_NEEDS_MODEL | ND_NEEDS_REPORT, "service [NS/]NAME",
	 N_("why a Service is unreachable (S3); with --from, NetworkPolicy from that pod too; "
	    "with --probe, its endpoints and ClusterIP live"),
	 NULL, service_opts, "service"},
	{"pod", cmd_pod, 1, 1, ND_NEEDS_MODEL | ND_NEEDS_REPORT, "pod [NS/]NAME",
	 N_("why a pod has no IP or no network (S2)"), NULL, no_opts, "pod"},
	{"ipam", cmd_ipam, 0, 2, ND_WANTS_MODEL | ND_NEEDS_REPORT,
	 "ipam | ipam release [--apply] | ipam restore JOURNAL",
	 N_("IP address management on the nodes (S2); release leaked addresses safely"), NULL,
	 ipam_opts, "release restore"},
	{"can-reach", cmd_canreach, 0, 2, ND_NEEDS_MODEL | ND_NEEDS_REPORT,
	 "can-reach SRC DST[:PORT[/PROTO]] | can-reach --matrix --port P[/PROTO]",
	 N_("NetworkPolicy verdict for a flow, with the deciding rules and the fix"), NULL,
	 canreach_opts, "pod"},
	{"can-i", cmd_cani, 2, 2, ND_NEEDS_MODEL | ND_NEEDS_REPORT,
	 "can-i VERB RESOURCE[/NAME]|/PATH --as SUBJECT",
	 N_("RBAC verdict with the binding, role and rule, or the grant that is missing; live, "
	    "the API server's answer too"), NULL, cani_opts, "verb"},
	{"collect", cmd_collect, 0, 0, ND_NEEDS_NOTHING, "collect -o DIR|FILE.tar.gz",
	 N_("write an offline bundle from the cluster (secrets never included)"), NULL,
	 collect_opts, NULL},
	{"checks", cmd_checks, 0, 1, ND_NEEDS_REPORT, "checks [ID]",
	 N_("the checks netdiag runs: what each needs and the codes it may find"), NULL, no_opts,
	 "check"},
	{"explain", cmd_explain, 0, 1, ND_NEEDS_REPORT, "explain [CODE]",
	 N_("the catalogue entry of a finding code (all codes without one)"), NULL, no_opts,
	 "code"},
	{"serve", cmd_serve, 0, 1, ND_NEEDS_NOTHING, "serve --snapshot DIR [DIR]",
	 N_("serve a bundle as a read-only Kubernetes API (kubectl works on it)"), nd_serve_help,
	 serve_opts, NULL},
	{"agent", cmd_agent, 0, 0, ND_NEEDS_MODEL | ND_NEEDS_REPORT,
	 "agent [--node-root DIR] [--node N] [--raw-files] [--stay]",
	 N_("the node side of fleet mode: the node checks, one netdiag/v1 JSON line"), NULL,
	 agent_opts, NULL},
	{"fleet", cmd_fleet, 1, 1, ND_NEEDS_NOTHING, "fleet manifest|run|report",
	 N_("every node at once: the agent DaemonSet's manifests, its reports merged into one"),
	 nd_fleet_help, fleet_opts, "manifest run report"},
	{"completion", cmd_completion, 1, 2, ND_NEEDS_NOTHING, "completion bash|zsh|fish",
	 N_("print the shell completion script (source it: . <(netdiag completion bash))"), NULL,
	 no_opts, "shell"},
	{NULL, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL},
};

const struct nd_cmd *nd_cmd_find(const char *name)
{
	for (const struct nd_cmd *c = nd_commands; name && c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int nd_usage_error(const struct nd_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "netdiag%s%s: ", cmd ? " " : "", cmd ? cmd->name : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd)
		fprintf(stderr, "%s: netdiag [%s] %s\n", _("usage"), _("global options"), cmd->usage);
	else
		fprintf(stderr, _("see 'netdiag --help'\n"));
	return ND_EXIT_USAGE;
}

unsigned nd_edit_distance(const char *a, const char *b)
{
	unsigned d[48][48], i, j;
	size_t la = strlen(a), lb = strlen(b);

	if (la > 46 || lb > 46)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			unsigned c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			/* a swap of two neighbours counts as one (snapshto) */
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < c)
				c = d[i - 2][j - 2] + 1;
			d[i][j] = c;
		}
	return d[la][lb];
}

/* "  --name VALUE" or "  -s, --name VALUE" */
static int opt_left(char *buf, size_t n, const struct nd_opt *o)
{
	return snprintf(buf, n, "%s%c%s--%s%s%s", o->shrt ? "-" : "", o->shrt ? o->shrt : ' ',
			o->shrt ? ", " : "  ", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

static void opts_help(FILE *out, const struct nd_opt *opts)
{
	char left[96];

	for (const struct nd_opt *o = opts; o && o->name; o++) {
		if (o->shrt)
			opt_left(left, sizeof(left), o);
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg ? " " : "",
				 o->arg ? o->arg : "");
		if (strlen(left) > 28)
			fprintf(out, "  %s\n  %-28s %s\n", left, "", _(o->help));
		else
			fprintf(out, "  %-28s %s\n", left, _(o->help));
	}
}

void nd_help(FILE *out, const struct nd_cmd *cmd)
{
	if (cmd) {
		fprintf(out, "%s: netdiag %s [%s]\n%s\n", _("usage"), cmd->usage, _("options"),
			_(cmd->summary));
		if (cmd->help)
			fprintf(out, "\n%s", _(cmd->help));
		if (cmd->opts && cmd->opts->name) {
			fprintf(out, "\n%s\n", _("options:"));
			opts_help(out, cmd->opts);
		}
		fprintf(out, "\n%s\n", _("global options (before or after the command):"));
		opts_help(out, nd_global_opts);
		return;
	}
	fprintf(out, "%s: netdiag [%s] [%s] [%s]\n\n", _("usage"), _("options"), _("command"),
		_("arguments"));
	fprintf(out, "%s\n", _("Finds why a Kubernetes (AKS) cluster's network is broken: the cause, "
			       "the evidence and the fix."));
	fprintf(out, "\n%s\n", _("commands:"));
	for (const struct nd_cmd *c = nd_commands; c->name; c++) {
		if (strlen(c->usage) > 24)
			fprintf(out, "  %s\n  %-24s %s\n", c->usage, "", _(c->summary));
		else
			fprintf(out, "  %-24s %s\n", c->usage, _(c->summary));
	}
	fprintf(out, "\n%s\n", _("global options (before or after the command):"));
	opts_help(out, nd_global_opts);
	fprintf(out, "\n%s\n%s\n", _("'netdiag COMMAND --help' describes a command's own options."),
		_("exit codes: 0 nothing at or above --fail-on and everything was read, 1 findings, "
		  "2 usage or input error, 3 no check could run or the run is incomplete"));
}
