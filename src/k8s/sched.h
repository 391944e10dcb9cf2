/* SPDX-License-Identifier: MIT */
#ifndef ND_K8S_SCHED_H
#define ND_K8S_SCHED_H
/*
 * Where a DaemonSet wants its pods: the predicates of the DaemonSet
 * controller (pkg/controller/daemon, NodeShouldRunDaemonPod), from the
 * API reference of PodSpec, NodeAffinity, Toleration and Taint.
 *
 * A node should run the daemon pod when all of these hold:
 *  - the template's spec.nodeName is empty or the node's name;
 *  - every pair of spec.nodeSelector is a label of the node;
 *  - the required node affinity, when given, matches: its nodeSelectorTerms
 *    are ORed, a term ANDs its matchExpressions (labels: In, NotIn,
 *    Exists, DoesNotExist, Gt, Lt; NotIn and DoesNotExist hold on an absent
 *    label, Gt/Lt compare integers) and matchFields (metadata.name, In or
 *    NotIn with one value); an empty term, no terms, or a term the API
 *    would reject match nothing;
 *  - every NoSchedule and NoExecute taint of the node is tolerated
 *    (PreferNoSchedule never keeps a daemon pod off). A toleration with an
 *    effect tolerates only that effect, with a key only that key;
 *    operator Exists tolerates any value, and an empty key with Exists
 *    every taint; Equal (the default) needs the same value.
 *    tolerationSeconds does not change the answer: the controller counts a
 *    NoExecute taint as tolerated however long the toleration lasts.
 * The controller adds tolerations of its own to every daemon pod:
 *    node.kubernetes.io/not-ready:NoExecute, unreachable:NoExecute,
 *    disk-pressure, memory-pressure, pid-pressure, unschedulable (NoSchedule)
 *    and, for hostNetwork pods, network-unavailable:NoSchedule.
 * So a cordoned node still runs daemon pods, and a NotReady one does only
 * when the template tolerates its node.kubernetes.io/not-ready:NoSchedule
 * taint (kube-proxy's "operator: Exists" does).
 *
 * The node's taints are its spec.taints plus the ones the node lifecycle
 * controller derives from spec.unschedulable and the conditions (Ready
 * False/Unknown, memory/disk/PID pressure, NetworkUnavailable), so that a
 * bundle caught before the taints were written reads the same.
 *
 * A pod already on a node that stops fitting only because of a NoSchedule
 * taint keeps running (should_continue); one whose NoExecute taint is not
 * tolerated, or that fails nodeName/selector/affinity, is removed.
 */
#include <stdbool.h>
#include <stddef.h>

#include "k8s/model.h"

enum nd_place_miss {
	ND_PLACE_FITS = 0,
	ND_PLACE_NODE_NAME,        /* spec.nodeName names another node */
	ND_PLACE_NODE_SELECTOR,    /* a nodeSelector label is missing or differs */
	ND_PLACE_AFFINITY,         /* no nodeSelectorTerm matches */
	ND_PLACE_TAINT,            /* a NoSchedule/NoExecute taint is not tolerated */
};

struct nd_place_verdict {
	bool should_run;           /* the controller wants a pod there */
	bool should_continue;      /* a pod already there is left running */
	enum nd_place_miss miss;
	const char *key;           /* the nodeSelector key, or the taint's key */
	const char *value;         /* the taint's value, or NULL */
	const char *effect;        /* the taint's effect */
};

bool nd_toleration_tolerates(const struct nd_toleration *t, const struct nd_taint *x);
/* One term against the node's labels and fields. */
bool nd_nsterm_matches(const struct nd_nsterm *t, const struct nd_node *n);
/* nodeSelector and required node affinity (not taints). */
bool nd_placement_selects(const struct nd_placement *p, const struct nd_node *n,
			  enum nd_place_miss *miss, const char **key);
/* The whole predicate for a DaemonSet's template on node n. */
void nd_daemon_should_run(const struct nd_placement *p, const struct nd_node *n,
			  struct nd_place_verdict *out);

#endif
