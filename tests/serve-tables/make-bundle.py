#!/usr/bin/env python3
# Writes cluster/*.json and collect-info.json of this bundle: objects that
# exercise the printing rules of each kind kubectl prints from a Table
# (tests/e2e/t_serve_tables.sh). Times are relative to collected_at, so
# every AGE is fixed. Run from this folder: python3 make-bundle.py
import datetime
import json

T = "2025-06-12T10:00:00Z"   # collected_at


def ts(sec_ago):
    t = datetime.datetime(2025, 6, 12, 10, 0, 0) - datetime.timedelta(seconds=sec_ago)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def meta(name, ns=None, ago=3600, labels=None, **kw):
    m = {"name": name, "creationTimestamp": ts(ago), "uid": "u-" + name, "resourceVersion": "10"}
    if ns:
        m["namespace"] = ns
    if labels:
        m["labels"] = labels
    m.update(kw)
    return m


def lst(items):
    return {"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}


def dump(name, obj):
    with open("cluster/" + name, "w") as f:
        json.dump(obj, f, indent=4, sort_keys=True)
        f.write("\n")


def cs(name, ready=True, state=None, restarts=0, last=None):
    c = {"name": name, "ready": ready, "restartCount": restarts, "image": "img/" + name,
         "imageID": "", "started": ready,
         "state": state or {"running": {"startedAt": ts(3000)}}}
    if last:
        c["lastState"] = {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": ts(last),
                                         "startedAt": ts(last + 60)}}
    return c


def pod(name, ago, phase, conts, statuses, node="node-a", ip="10.244.0.5", extra_status=None,
        spec_extra=None, md_extra=None, conds=None):
    spec = {"containers": [{"name": c, "image": "img/" + c} for c in conts]}
    if node:
        spec["nodeName"] = node
    if spec_extra:
        spec.update(spec_extra)
    st = {"phase": phase, "containerStatuses": statuses}
    if ip:
        st["podIP"] = ip
        st["podIPs"] = [{"ip": ip}]
    if conds is not None:
        st["conditions"] = conds
    if extra_status:
        st.update(extra_status)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta(name, "app", ago, **(md_extra or {})),
            "spec": spec, "status": st}


READY = [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"},
         {"type": "PodScheduled", "status": "True"}]
dump("pods.json", lst([
    pod("web-1", 90, "Running", ["web"], [cs("web")], conds=READY),
    pod("web-2", 7200, "Running", ["web", "sidecar"],
        [cs("web"), cs("sidecar", ready=False,
                       state={"waiting": {"reason": "CrashLoopBackOff", "message": "back-off"}},
                       restarts=5, last=600)],
        conds=[{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "False"}]),
    pod("init-wait", 400, "Pending", ["main"],
        [cs("main", ready=False, state={"waiting": {"reason": "PodInitializing"}})],
        spec_extra={"initContainers": [{"name": "setup", "image": "img/setup"}]},
        extra_status={"initContainerStatuses": [
            {"name": "setup", "ready": False, "restartCount": 0, "image": "img/setup",
             "imageID": "", "state": {"running": {"startedAt": ts(390)}}}]},
        conds=[{"type": "Initialized", "status": "False"}]),
    pod("job-done", 86400 * 3 + 3600 * 5, "Succeeded", ["job"],
        [cs("job", ready=False, state={"terminated": {"exitCode": 0, "reason": "Completed",
                                                      "finishedAt": ts(86400 * 3)}})],
        ip="10.244.0.9"),
    pod("going", 5000, "Running", ["web"], [cs("web")], md_extra={"deletionTimestamp": ts(10)},
        conds=READY),
    pod("stuck", 1800, "Pending", ["web"],
        [cs("web", ready=False, state={"waiting": {"reason": "ContainerCreating"}})], ip=None,
        spec_extra={"readinessGates": [{"conditionType": "example.com/lb"}]},
        conds=[{"type": "PodScheduled", "status": "True"}]),
    pod("unscheduled", 86400 * 400, "Pending", ["web"], [], node=None, ip=None,
        extra_status={"nominatedNodeName": "node-b"}),
]))


def svc(name, typ, ago, cip, ports, sel=None, spec_extra=None, status=None):
    spec = {"type": typ, "ports": ports}
    if cip:
        spec["clusterIP"] = cip
        spec["clusterIPs"] = [cip]
    if sel:
        spec["selector"] = sel
    spec.update(spec_extra or {})
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(name, "app", ago), "spec": spec,
            "status": status or {"loadBalancer": {}}}


D = 86400
dump("services.json", lst([
    svc("web", "ClusterIP", D * 10, "10.0.0.20", [{"port": 80, "protocol": "TCP", "targetPort": 8080}],
        {"app": "web", "tier": "front"}),
    svc("dns", "ClusterIP", D * 10, "10.0.0.10",
        [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}], {"k8s-app": "dns"}),
    svc("np", "NodePort", D * 10, "10.0.0.30", [{"port": 80, "protocol": "TCP", "nodePort": 30080}],
        {"app": "web"}),
    svc("lb", "LoadBalancer", 3600 * 5, "10.0.0.40",
        [{"port": 443, "protocol": "TCP", "nodePort": 31443}], {"app": "web"}),
    svc("lb-up", "LoadBalancer", 3600 * 5, "10.0.0.41",
        [{"port": 80, "protocol": "TCP", "nodePort": 31080}], {"app": "web"},
        status={"loadBalancer": {"ingress": [{"ip": "203.0.113.7"}]}}),
    svc("ext", "ExternalName", 60, None, [], spec_extra={"externalName": "db.example.com"}),
    svc("headless", "ClusterIP", 200, "None", [{"port": 6379, "protocol": "TCP"}], {"app": "redis"}),
]))


def ep(name, ago, subsets):
    o = {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta(name, "app", ago)}
    if subsets is not None:
        o["subsets"] = subsets
    return o


dump("endpoints.json", lst([
    ep("web", D * 10, [{"addresses": [{"ip": "10.244.0.%d" % i} for i in range(2, 7)],
                        "ports": [{"port": 8080, "protocol": "TCP"}]}]),
    ep("dns", D * 10, [{"addresses": [{"ip": "10.244.0.2"}],
                        "ports": [{"name": "dns", "port": 53, "protocol": "UDP"},
                                  {"name": "dns-tcp", "port": 53, "protocol": "TCP"}]}]),
    ep("np", D * 10, None),
    ep("lb", 3600 * 5, [{"notReadyAddresses": [{"ip": "10.244.0.8"}],
                         "ports": [{"port": 443, "protocol": "TCP"}]}]),
    ep("headless", 200, [{"addresses": [{"ip": "10.244.1.3"}]}]),
]))


def eslice(name, svcname, endpoints, ports):
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
            "metadata": meta(name, "app", D * 10, labels={"kubernetes.io/service-name": svcname}),
            "endpoints": endpoints, "ports": ports}


dump("endpointslices.json", lst([
    eslice("web-abcde", "web", [{"addresses": ["10.244.0.%d" % i], "conditions": {"ready": True}}
                                for i in range(2, 7)],
           [{"name": "", "port": 8080, "protocol": "TCP"}]),
    eslice("np-xyz12", "np", [], None),
    eslice("dns-q1w2e", "dns", [{"addresses": ["10.244.0.2"], "conditions": {"ready": True}}],
           [{"name": "dns", "port": 53, "protocol": "UDP"},
            {"name": "dns-tcp", "port": 53, "protocol": "TCP"},
            {"name": "metrics", "port": 9153, "protocol": "TCP"}, {"name": "any", "protocol": "TCP"}]),
]))


def node(name, ago, ready, labels, ip, unsched=False, ext=None):
    addrs = [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}]
    if ext:
        addrs.append({"type": "ExternalIP", "address": ext})
    o = {"apiVersion": "v1", "kind": "Node", "metadata": meta(name, None, ago, labels=labels),
         "spec": {"podCIDR": "10.244.0.0/24"},
         "status": {"addresses": addrs,
                    "conditions": [{"type": "MemoryPressure", "status": "False"},
                                   {"type": "Ready", "status": ready}],
                    "nodeInfo": {"kubeletVersion": "v1.31.7", "osImage": "Ubuntu 22.04.5 LTS",
                                 "kernelVersion": "5.15.0-1084-azure",
                                 "containerRuntimeVersion": "containerd://1.7.27-1"}}}
    if unsched:
        o["spec"]["unschedulable"] = True
    return o


nodes = [node("node-a", D * 30, "True", {"kubernetes.io/role": "agent", "kubernetes.io/os": "linux"},
              "10.224.0.4"),
         node("node-b", D * 30 + 3600 * 3, "False",
              {"node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/master": ""},
              "10.224.0.5", unsched=True, ext="198.51.100.9"),
         node("node-c", 3600 * 6 + 60 * 30, "Unknown", {}, "10.224.0.6")]
nodes[2]["status"]["nodeInfo"] = {"kubeletVersion": "v1.30.1"}
dump("nodes.json", lst(nodes))


def ev(name, ago_last, ago_first, typ, reason, kind, oname, msg, count=None, source=None, fp=None,
       series=None, event_time=None):
    o = {"apiVersion": "v1", "kind": "Event", "metadata": meta(name, "app", ago_first or 100),
         "type": typ, "reason": reason,
         "involvedObject": {"kind": kind, "name": oname, "namespace": "app"}, "message": msg}
    if ago_first is not None:
        o["firstTimestamp"] = ts(ago_first)
    if ago_last is not None:
        o["lastTimestamp"] = ts(ago_last)
    if count:
        o["count"] = count
    if source:
        o["source"] = source
    if fp:
        o["involvedObject"]["fieldPath"] = fp
    if series:
        o["series"] = series
    if event_time:
        o["eventTime"] = event_time
        o["reportingController"] = "default-scheduler"
        o["reportingInstance"] = "sched-1"
    return o


dump("events.json", lst([
    ev("web-2.a", 30, 7000, "Warning", "BackOff", "Pod", "web-2",
       "Back-off restarting failed container sidecar in pod web-2_app\n", count=27,
       source={"component": "kubelet", "host": "node-a"}, fp="spec.containers{sidecar}"),
    ev("stuck.b", 65, 1790, "Warning", "FailedCreatePodSandBox", "Pod", "stuck",
       "  Failed to create pod sandbox: no IP addresses available in range set", count=14,
       source={"component": "kubelet", "host": "node-a"}),
    ev("unscheduled.c", None, None, "Warning", "FailedScheduling", "Pod", "unscheduled",
       "0/3 nodes are available", event_time="2025-06-12T09:58:20.123456Z",
       series={"count": 4, "lastObservedTime": "2025-06-12T09:59:50.000000Z"}),
    ev("np.d", D * 2, D * 2, "Normal", "Type", "Service", "np", "ClusterIP -> NodePort",
       source={"component": "service-controller"}),
]))
dump("namespaces.json", lst([
    {"apiVersion": "v1", "kind": "Namespace", "metadata": meta("app", None, D * 365 * 3 + D * 40),
     "status": {"phase": "Active"}},
    {"apiVersion": "v1", "kind": "Namespace", "metadata": meta("old", None, D * 9),
     "status": {"phase": "Terminating"}}]))
dump("daemonsets.json", lst([{
    "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": meta("agent", "app", D * 5),
    "spec": {"selector": {"matchLabels": {"app": "agent"},
                          "matchExpressions": [{"key": "tier", "operator": "In", "values": ["node", "edge"]},
                                               {"key": "canary", "operator": "DoesNotExist"}]},
             "template": {"metadata": {"labels": {"app": "agent", "tier": "node"}},
                          "spec": {"nodeSelector": {"kubernetes.io/os": "linux"},
                                   "containers": [{"name": "agent", "image": "img/agent:1"},
                                                  {"name": "log", "image": "img/log:2"}]}}},
    "status": {"desiredNumberScheduled": 3, "currentNumberScheduled": 3, "numberReady": 2,
               "updatedNumberScheduled": 3, "numberAvailable": 2, "numberMisscheduled": 0}}]))
dump("deployments.json", lst([{
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta("web", "app", D * 10),
    "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
             "template": {"metadata": {"labels": {"app": "web"}},
                          "spec": {"containers": [{"name": "web", "image": "img/web:3"}]}}},
    "status": {"replicas": 3, "readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}}]))
dump("networkpolicies.json", lst([
    {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta("deny-all", "app", D * 2),
     "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}},
    {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
     "metadata": meta("web-from-front", "app", D * 2),
     "spec": {"podSelector": {"matchLabels": {"app": "web"},
                              "matchExpressions": [{"key": "env", "operator": "NotIn",
                                                    "values": ["prod", "dev"]}]},
              "ingress": [{}]}}]))
dump("configmaps.json", lst([{"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("settings", "app", 600),
                              "data": {"a": "1", "b": "2"}, "binaryData": {"c": "AA=="}}]))
dump("serviceaccounts.json", lst([{"apiVersion": "v1", "kind": "ServiceAccount",
                                   "metadata": meta("default", "app", D * 10)}]))
dump("roles.json", lst([{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                         "metadata": meta("pod-reader", "app", D * 10),
                         "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]}]))
dump("rolebindings.json", lst([{
    "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
    "metadata": meta("read-pods", "app", 3600),
    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader"},
    "subjects": [{"kind": "User", "name": "alice", "apiGroup": "rbac.authorization.k8s.io"},
                 {"kind": "User", "name": "bob", "apiGroup": "rbac.authorization.k8s.io"},
                 {"kind": "Group", "name": "devs", "apiGroup": "rbac.authorization.k8s.io"},
                 {"kind": "ServiceAccount", "name": "default", "namespace": "app"}]}]))
# batch: a finished job, a running parallel one, a failed one; two cronjobs
tmpl = {"spec": {"containers": [{"name": "run", "image": "img/batch:1"}],
                 "restartPolicy": "Never"}}
jsel = {"matchLabels": {"batch.kubernetes.io/controller-uid": "u-1"}}
dump("jobs.json", lst([
    {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta("backup", "app", D * 2),
     "spec": {"completions": 1, "parallelism": 1, "selector": jsel, "template": tmpl},
     "status": {"succeeded": 1, "startTime": ts(D * 2 - 5), "completionTime": ts(D * 2 - 130),
                "conditions": [{"type": "SuccessCriteriaMet", "status": "True"},
                               {"type": "Complete", "status": "True"}]}},
    {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta("crunch", "app", 5400),
     "spec": {"parallelism": 3, "selector": jsel, "template": tmpl},
     "status": {"active": 3, "startTime": ts(5400)}},
    {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta("migrate", "app", 700),
     "spec": {"completions": 2, "parallelism": 1, "backoffLimit": 0, "selector": jsel,
              "template": tmpl},
     "status": {"failed": 1, "startTime": ts(700), "completionTime": ts(640),
                "conditions": [{"type": "FailureTarget", "status": "True"},
                               {"type": "Failed", "status": "True"}]}}]))
dump("cronjobs.json", lst([
    {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta("nightly", "app", D * 40),
     "spec": {"schedule": "0 2 * * *", "suspend": False, "timeZone": "Europe/Rome",
              "jobTemplate": {"spec": {"template": tmpl}}},
     "status": {"lastScheduleTime": ts(8 * 3600), "active": [{"kind": "Job", "name": "n-1"}]}},
    {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta("weekly", "app", D * 3),
     "spec": {"schedule": "@weekly", "suspend": True,
              "jobTemplate": {"spec": {"selector": jsel, "template": tmpl}}},
     "status": {}}]))
# networking: ingresses with and without class, hosts, TLS and address
dump("ingresses.json", lst([
    {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta("shop", "app", D * 9),
     "spec": {"ingressClassName": "nginx",
              "rules": [{"host": "a.example.com"}, {"host": "b.example.com"},
                        {"host": "c.example.com"}, {"host": "d.example.com"}, {}],
              "tls": [{"hosts": ["a.example.com"], "secretName": "tls"}]},
     "status": {"loadBalancer": {"ingress": [{"ip": "20.1.2.3"}, {"hostname": "lb.example.com"},
                                             {"ip": "20.1.2.3"}]}}},
    {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta("plain", "app", 90),
     "spec": {"rules": [{"http": {"paths": []}}]}, "status": {"loadBalancer": {}}}]))
dump("ingressclasses.json", lst([
    {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": meta("nginx", None, D * 60),
     "spec": {"controller": "k8s.io/ingress-nginx",
              "parameters": {"apiGroup": "k8s.example.com", "kind": "IngressParameters",
                             "name": "external-lb"}}},
    {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
     "metadata": meta("azure-application-gateway", None, D * 60),
     "spec": {"controller": "azure/application-gateway"}}]))
# storage: a bound claim, a pending one; their volumes; AKS's storage classes
dump("persistentvolumeclaims.json", lst([
    {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta("data", "app", D * 5),
     "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}},
              "storageClassName": "managed-csi", "volumeMode": "Filesystem",
              "volumeName": "pvc-0b1c"},
     "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "10Gi"}}},
    {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta("shared", "app", 300),
     "spec": {"accessModes": ["ReadWriteMany", "ReadOnlyMany"],
              "resources": {"requests": {"storage": "100Gi"}},
              "storageClassName": "azurefile-csi", "volumeMode": "Filesystem"},
     "status": {"phase": "Pending"}}]))
dump("persistentvolumes.json", lst([
    {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": meta("pvc-0b1c", None, D * 5),
     "spec": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "10Gi"},
              "claimRef": {"kind": "PersistentVolumeClaim", "namespace": "app", "name": "data"},
              "persistentVolumeReclaimPolicy": "Delete", "storageClassName": "managed-csi",
              "volumeMode": "Filesystem"},
     "status": {"phase": "Bound"}},
    {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": meta("old-disk", None, D * 200),
     "spec": {"accessModes": ["ReadWriteOncePod", "ReadWriteOnce"], "capacity": {"storage": "5Gi"},
              "persistentVolumeReclaimPolicy": "Retain"},
     "status": {"phase": "Released", "reason": "Unbound"}}]))
dump("storageclasses.json", lst([
    {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
     "metadata": meta("managed-csi", None, D * 60,
                      annotations={"storageclass.kubernetes.io/is-default-class": "true"}),
     "provisioner": "disk.csi.azure.com", "reclaimPolicy": "Delete",
     "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": True,
     "parameters": {"skuname": "StandardSSD_LRS"}},
    {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": meta("azurefile-csi", None, D * 60),
     "provisioner": "file.csi.azure.com"}]))
# a custom resource printed from its CRD's additionalPrinterColumns (acn.azure.com's own)
nnc_cols = [
    {"jsonPath": ".spec.requestedIPCount", "name": "Requested IPs", "priority": 1, "type": "integer"},
    {"jsonPath": ".status.assignedIPCount", "name": "Allocated IPs", "type": "integer"},
    {"jsonPath": ".status.networkContainers[*].subnetName", "name": "Subnet", "priority": 1,
     "type": "string"},
    {"jsonPath": ".status.networkContainers[*].subnetAddressSpace", "name": "Subnet CIDR",
     "priority": 1, "type": "string"},
    {"jsonPath": ".status.networkContainers[*].id", "name": "NC ID", "priority": 1, "type": "string"},
    {"jsonPath": ".status.networkContainers[*].assignmentMode", "name": "NC Mode", "type": "string"},
    {"jsonPath": ".status.networkContainers[*].type", "name": "NC Type", "priority": 1,
     "type": "string"},
    {"jsonPath": ".status.networkContainers[*].version", "name": "NC Version", "type": "integer"}]
dump("customresourcedefinitions.json", lst([
    {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
     "metadata": meta("nodenetworkconfigs.acn.azure.com", None, D * 30),
     "spec": {"group": "acn.azure.com", "scope": "Namespaced",
              "names": {"kind": "NodeNetworkConfig", "listKind": "NodeNetworkConfigList",
                        "plural": "nodenetworkconfigs", "shortNames": ["nnc"],
                        "singular": "nodenetworkconfig"},
              "versions": [{"name": "v1alpha", "served": True, "storage": True,
                            "additionalPrinterColumns": nnc_cols,
                            "schema": {"openAPIV3Schema": {"type": "object"}},
                            "subresources": {"status": {}}}]}}]))
dump("nodenetworkconfigs.json", lst([
    {"apiVersion": "acn.azure.com/v1alpha", "kind": "NodeNetworkConfig",
     "metadata": meta("aks-nodepool1-27182818-vmss000000", "kube-system", D * 30,
                      labels={"managed": "true", "owner": "aks-nodepool1-27182818-vmss000000"}),
     "spec": {"requestedIPCount": 16},
     "status": {"assignedIPCount": 16, "status": "Updated",
                "networkContainers": [{
                    "assignmentMode": "dynamic", "id": "ad4514cb-59ed-4c0e-9aa9-bcd09a5052d9",
                    "primaryIP": "10.241.0.21", "subnetAddressSpace": "10.241.0.0/16",
                    "subnetName": "pods", "subnetID": "pods", "type": "vnet", "version": 12,
                    "subcriptionID": "8dbd2563-77eb-41a1-917b-5a1344da9767"}]}},
    {"apiVersion": "acn.azure.com/v1alpha", "kind": "NodeNetworkConfig",
     "metadata": meta("aks-nodepool1-27182818-vmss000001", "kube-system", 600),
     "spec": {"requestedIPCount": 16}, "status": {}}]))
# a custom resource whose CRD is not in the bundle: Name and Age
dump("ciliumnodes.json", lst([
    {"apiVersion": "cilium.io/v2", "kind": "CiliumNode",
     "metadata": meta("aks-nodepool1-27182818-vmss000000", None, D * 30),
     "spec": {"ipam": {"podCIDRs": ["10.244.0.0/24"]}}}]))
# policy and the older workload kinds
dump("poddisruptionbudgets.json", lst([
    {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta("web", "app", D * 10),
     "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}},
     "status": {"disruptionsAllowed": 0, "currentHealthy": 2, "desiredHealthy": 2, "expectedPods": 3}},
    {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta("workers", "app", 3600),
     "spec": {"maxUnavailable": "25%", "selector": {"matchLabels": {"app": "worker"}}},
     "status": {"disruptionsAllowed": 1}}]))
dump("replicationcontrollers.json", lst([
    {"apiVersion": "v1", "kind": "ReplicationController", "metadata": meta("legacy", "app", D * 100),
     "spec": {"replicas": 2, "selector": {"app": "legacy", "tier": "back"},
              "template": {"metadata": {"labels": {"app": "legacy", "tier": "back"}},
                           "spec": {"containers": [{"name": "a", "image": "img/a:1"},
                                                   {"name": "b", "image": "img/b:2"}]}}},
     "status": {"replicas": 2, "readyReplicas": 1}}]))
dump("podtemplates.json", lst([
    {"apiVersion": "v1", "kind": "PodTemplate", "metadata": meta("debug", "app", 7200),
     "template": {"metadata": {"labels": {"role": "debug", "app": "tools"}},
                  "spec": {"containers": [{"name": "shell", "image": "busybox:1.36"}]}}}]))
dump("controllerrevisions.json", lst([
    {"apiVersion": "apps/v1", "kind": "ControllerRevision",
     "metadata": meta("agent-6d5f8", "app", D * 4,
                      ownerReferences=[{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent",
                                        "uid": "u-agent", "controller": True,
                                        "blockOwnerDeletion": True}]),
     "revision": 3, "data": {}},
    {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": meta("orphan-1", "app", 600),
     "revision": 1, "data": {}}]))
dump("horizontalpodautoscalers.json", lst([
    {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": meta("web", "app", D * 10),
     "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
              "minReplicas": 2, "maxReplicas": 10,
              "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                              "type": "Utilization", "averageUtilization": 80}}},
                          {"type": "Resource", "resource": {"name": "memory", "target": {
                              "type": "AverageValue", "averageValue": "500Mi"}}},
                          {"type": "Pods", "pods": {"metric": {"name": "rps"}, "target": {
                              "type": "AverageValue", "averageValue": "100"}}}]},
     "status": {"currentReplicas": 3, "desiredReplicas": 3,
                "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {
                                       "averageUtilization": 45, "averageValue": "90m"}}},
                                   {"type": "Resource", "resource": {"name": "memory", "current": {
                                       "averageValue": "300Mi"}}}]}},
    {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": meta("batch", "app", 1800),
     "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "batch"},
              "maxReplicas": 5},
     "status": {"currentReplicas": 0, "desiredReplicas": 0}}]))
dump("resourcequotas.json", lst([
    {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": meta("compute", "app", D * 20),
     "spec": {"hard": {"requests.cpu": "4", "requests.memory": "8Gi", "limits.cpu": "8",
                       "limits.memory": "16Gi", "pods": "20"}},
     "status": {"hard": {"requests.cpu": "4", "requests.memory": "8Gi", "limits.cpu": "8",
                         "limits.memory": "16Gi", "pods": "20"},
                "used": {"requests.cpu": "1500m", "requests.memory": "2Gi", "limits.cpu": "3",
                         "pods": "7"}}}]))
with open("collect-info.json", "w") as f:
    json.dump({"collected_at": T, "context": "tables", "server": "https://tables.example:443",
               "kinds": []}, f)
    f.write("\n")
