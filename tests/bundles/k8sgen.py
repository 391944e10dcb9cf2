#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
Builders for offline bundles: Kubernetes objects in exactly the shapes
`kubectl get X -o json` prints (keys sorted, 4-space indent, a List wrapper
{"apiVersion": "v1", "items": [...], "kind": "List", "metadata":
{"resourceVersion": ""}}), plus the node-side files a bundle holds (CNI
net.d configs and the host-local IPAM store).

Used by the make-bundle.sh of every bundle under tests/bundles/ and
examples/. Output is deterministic: every uid, container ID, name suffix and
resourceVersion is derived from a seed, so re-running a generator rewrites
byte-identical files.

Endpoints and EndpointSlices for Services with a selector are computed the
way the control-plane controllers compute them (see endpoints_for()), so a
bundle never disagrees with itself.
"""
import datetime as _dt
import hashlib
import ipaddress
import json
import os
import shutil

# k8s.io/apimachinery/pkg/util/rand alphabet (generateName suffixes, pod-template-hash)
ALNUM = "bcdfghjklmnpqrstvwxz2456789"


class Gen:
    def __init__(self, seed, now):
        self.seed = seed
        self.now = _dt.datetime.strptime(now, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=_dt.timezone.utc)
        self._rv = 4180000 + int(self.h("rv")[:4], 16)

    # ---- deterministic identifiers ----
    def h(self, *parts):
        s = "\0".join((self.seed,) + tuple(str(p) for p in parts))
        return hashlib.sha256(s.encode()).hexdigest()

    def uid(self, *parts):
        x = self.h("uid", *parts)
        return "%s-%s-4%s-%s%s-%s" % (x[0:8], x[8:12], x[13:16], "89ab"[int(x[16], 16) % 4], x[17:20], x[20:32])

    def cid(self, *parts):
        """64-hex container / sandbox ID."""
        return self.h("cid", *parts)

    def sfx(self, n, *parts):
        x = self.h("sfx", *parts)
        out = []
        for i in range(n):
            out.append(ALNUM[int(x[i * 2:i * 2 + 2], 16) % len(ALNUM)])
        return "".join(out)

    def rv(self):
        self._rv += 1 + int(self.h("rvstep", self._rv)[:2], 16)
        return str(self._rv)

    # ---- time ----
    def at(self, minutes_ago=0.0):
        return self.now - _dt.timedelta(minutes=minutes_ago)

    def t(self, minutes_ago=0.0):
        """RFC 3339, second precision (metav1.Time)."""
        return self.at(minutes_ago).strftime("%Y-%m-%dT%H:%M:%SZ")

    def mt(self, minutes_ago=0.0, *parts):
        """metav1.MicroTime: six decimals."""
        us = int(self.h("us", minutes_ago, *parts)[:5], 16) % 1000000
        return self.at(minutes_ago).strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % us

    def evname(self, objname, minutes_ago, *parts):
        """core/v1 Event name: <object>.<hex UnixNano>."""
        ns = int(self.at(minutes_ago).timestamp()) * 1000000000
        ns += int(self.h("evns", objname, minutes_ago, *parts)[:8], 16) % 1000000000
        return "%s.%x" % (objname, ns)


# ---------------------------------------------------------------------------
# output

def dumps(obj):
    return json.dumps(obj, indent=4, sort_keys=True, ensure_ascii=False) + "\n"


def kubectl_list(items):
    return {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(dumps(obj))


def write_list(path, items):
    write_json(path, kubectl_list(items))


def reset_dirs(root, *names):
    for n in names:
        p = os.path.join(root, n)
        if os.path.isdir(p):
            shutil.rmtree(p)
        elif os.path.exists(p):
            os.remove(p)


def write_store(root, node, network, entries, last_reserved, old_format=()):
    """
    Host-local store under root/nodes/<node>/cni/networks/<network>/.
    entries: [(ip, container_id)], one file per IP, content
    "<id>\\r\\neth0" (no trailing newline) or just "<id>" for IPs listed in
    old_format. last_reserved: {range_index: ip}. An empty `lock` file too.
    """
    d = os.path.join(root, "nodes", node, "cni", "networks", network)
    os.makedirs(d, exist_ok=True)
    seen = set()
    for ip, cid in entries:
        name = str(ipaddress.ip_address(ip))          # Go's ip.String() form
        assert name not in seen, "duplicate store entry %s on %s" % (name, node)
        seen.add(name)
        data = cid if ip in old_format else cid + "\r\neth0"
        with open(os.path.join(d, name), "wb") as f:
            f.write(data.encode())
    for idx, ip in sorted(last_reserved.items()):
        with open(os.path.join(d, "last_reserved_ip.%d" % idx), "wb") as f:
            f.write(str(ipaddress.ip_address(ip)).encode())
    open(os.path.join(d, "lock"), "wb").close()


def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def kubenet_conflist(pod_cidrs):
    """/etc/cni/net.d/10-containerd-net.conflist as AKS renders
    /etc/containerd/kubenet_template.conf (tabs, "name": "kubenet")."""
    ranges = ", ".join('[{"subnet": "%s"}]' % c for c in pod_cidrs)
    routes = ", ".join('{"dst": "%s"}' % ("::/0" if ":" in c else "0.0.0.0/0") for c in pod_cidrs)
    return (
        "{\n"
        "\t\"cniVersion\": \"0.3.1\",\n"
        "\t\"name\": \"kubenet\",\n"
        "\t\"plugins\": [{\n"
        "\t\t\"type\": \"bridge\",\n"
        "\t\t\"bridge\": \"cbr0\",\n"
        "\t\t\"mtu\": 1500,\n"
        "\t\t\"addIf\": \"eth0\",\n"
        "\t\t\"isGateway\": true,\n"
        "\t\t\"ipMasq\": false,\n"
        "\t\t\"promiscMode\": true,\n"
        "\t\t\"hairpinMode\": false,\n"
        "\t\t\"ipam\": {\n"
        "\t\t\t\"type\": \"host-local\",\n"
        "\t\t\t\"ranges\": [%s],\n"
        "\t\t\t\"routes\": [%s]\n"
        "\t\t}\n"
        "\t},\n"
        "\t{\n"
        "\t\t\"type\": \"portmap\",\n"
        "\t\t\"capabilities\": {\"portMappings\": true},\n"
        "\t\t\"externalSetMarkChain\": \"KUBE-MARK-MASQ\"\n"
        "\t}]\n"
        "}\n" % (ranges, routes))


def usable_hostlocal(cidr):
    """IPs host-local can hand out from a subnet with the default range:
    .1 (gateway) .. broadcast-1 for IPv4; the gateway is skipped."""
    net = ipaddress.ip_network(cidr)
    first = net.network_address + 2
    last = net.broadcast_address - (1 if net.version == 4 else 0)
    out = []
    ip = first
    while ip <= last:
        out.append(str(ip))
        ip += 1
    return out


def range_set_text(cidr):
    net = ipaddress.ip_network(cidr)
    last = net.broadcast_address - (1 if net.version == 4 else 0)
    return "%s-%s" % (net.network_address + 1, last)


# ---------------------------------------------------------------------------
# metadata helpers

def meta(g, kind, ns, name, *, created, labels=None, annotations=None, owner=None,
         generate_name=None, generation=None, finalizers=None, deleting=None):
    m = {
        "creationTimestamp": created,
        "name": name,
        "resourceVersion": g.rv(),
        "uid": g.uid(kind, ns or "", name),
    }
    if ns is not None:
        m["namespace"] = ns
    if labels:
        m["labels"] = dict(labels)
    if annotations:
        m["annotations"] = dict(annotations)
    if owner:
        m["ownerReferences"] = [owner]
    if generate_name:
        m["generateName"] = generate_name
    if generation is not None:
        m["generation"] = generation
    if finalizers:
        m["finalizers"] = list(finalizers)
    if deleting:
        m["deletionTimestamp"] = deleting
        m["deletionGracePeriodSeconds"] = 30
    return m


def owner_ref(g, api, kind, ns, name, block=True):
    r = {"apiVersion": api, "controller": True, "kind": kind, "name": name, "uid": g.uid(kind, ns or "", name)}
    if block:
        r["blockOwnerDeletion"] = True
    return r


def namespace(g, name, *, created, labels=None):
    lab = {"kubernetes.io/metadata.name": name}
    if labels:
        lab.update(labels)
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": meta(g, "Namespace", None, name, created=created, labels=lab),
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }


# ---------------------------------------------------------------------------
# Node

def aks_node(g, name, *, ip, pod_cidrs, created, sub, node_rg, vmss, instance,
             pool="nodepool1", mode="system", k8s="v1.31.7", image_ver="AKSUbuntu-2204gen2containerd-202505.14.0",
             vm_size="Standard_D4ds_v5", region="westeurope", zone="0", max_pods=110, ready=True,
             ipv6=None, kubenet=True, extra_labels=None, images=None, kernel="5.15.0-1084-azure",
             containerd="containerd://1.7.27-1", os_image="Ubuntu 22.04.5 LTS", extra_conditions=None):
    labels = {
        "agentpool": pool,
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/instance-type": vm_size,
        "beta.kubernetes.io/os": "linux",
        "failure-domain.beta.kubernetes.io/region": region,
        "failure-domain.beta.kubernetes.io/zone": zone,
        "kubernetes.azure.com/agentpool": pool,
        "kubernetes.azure.com/cluster": node_rg,
        "kubernetes.azure.com/consolidated-additional-properties": g.uid("cap", pool),
        "kubernetes.azure.com/kubelet-identity-client-id": g.uid("kubelet-identity"),
        "kubernetes.azure.com/mode": mode,
        "kubernetes.azure.com/node-image-version": image_ver,
        "kubernetes.azure.com/nodepool-type": "VirtualMachineScaleSets",
        "kubernetes.azure.com/os-sku": "Ubuntu",
        "kubernetes.azure.com/role": "agent",
        "kubernetes.azure.com/storageprofile": "managed",
        "kubernetes.azure.com/storagetier": "Premium_LRS",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/role": "agent",
        "node-role.kubernetes.io/agent": "",
        "node.kubernetes.io/instance-type": vm_size,
        "storageprofile": "managed",
        "storagetier": "Premium_LRS",
        "topology.disk.csi.azure.com/zone": "",
        "topology.kubernetes.io/region": region,
        "topology.kubernetes.io/zone": zone,
    }
    if extra_labels:
        labels.update(extra_labels)
    annotations = {
        "csi.volume.kubernetes.io/nodeid": json.dumps({"disk.csi.azure.com": name, "file.csi.azure.com": name}, separators=(",", ":")),
        "node.alpha.kubernetes.io/ttl": "0",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
    }
    spec = {
        "providerID": "azure:///subscriptions/%s/resourceGroups/%s/providers/Microsoft.Compute/virtualMachineScaleSets/%s/virtualMachines/%d"
                      % (sub, node_rg.lower(), vmss, instance),
    }
    if pod_cidrs:
        spec["podCIDR"] = pod_cidrs[0]
        spec["podCIDRs"] = list(pod_cidrs)
    boot = g.h("boot", name)
    conds = []
    if kubenet:
        conds.append({"lastHeartbeatTime": g.t(60 * 24 * 3), "lastTransitionTime": g.t(60 * 24 * 3),
                      "message": "RouteController created a route", "reason": "RouteCreated",
                      "status": "False", "type": "NetworkUnavailable"})
    for typ, reason, msg in (
        ("FrequentContainerdRestart", "NoFrequentContainerdRestart", "containerd is functioning properly"),
        ("KernelDeadlock", "KernelHasNoDeadlock", "kernel has no deadlock"),
        ("FilesystemCorruptionProblem", "FilesystemIsOK", "Filesystem is healthy"),
    ):
        conds.append({"lastHeartbeatTime": g.t(2), "lastTransitionTime": created, "message": msg,
                      "reason": reason, "status": "False", "type": typ})
    for typ, reason, msg in (
        ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ):
        conds.append({"lastHeartbeatTime": g.t(1), "lastTransitionTime": created, "message": msg,
                      "reason": reason, "status": "False", "type": typ})
    if ready:
        conds.append({"lastHeartbeatTime": g.t(1), "lastTransitionTime": created,
                      "message": "kubelet is posting ready status", "reason": "KubeletReady",
                      "status": "True", "type": "Ready"})
    else:
        conds.append({"lastHeartbeatTime": g.t(9), "lastTransitionTime": g.t(8),
                      "message": "Kubelet stopped posting node status.", "reason": "NodeStatusUnknown",
                      "status": "Unknown", "type": "Ready"})
    if extra_conditions:
        conds.extend(extra_conditions)
    addrs = [{"address": ip, "type": "InternalIP"}]
    if ipv6:
        addrs.append({"address": ipv6, "type": "InternalIP"})
    addrs.append({"address": name, "type": "Hostname"})
    if images is None:
        images = [
            {"names": ["mcr.microsoft.com/oss/kubernetes/kube-proxy@sha256:" + g.h("img", "kube-proxy"),
                       "mcr.microsoft.com/oss/kubernetes/kube-proxy:" + k8s], "sizeBytes": 30748612},
            {"names": ["mcr.microsoft.com/oss/kubernetes/pause@sha256:" + g.h("img", "pause"),
                       "mcr.microsoft.com/oss/kubernetes/pause:3.6"], "sizeBytes": 299514},
        ]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": meta(g, "Node", None, name, created=created, labels=labels, annotations=annotations),
        "spec": spec,
        "status": {
            "addresses": addrs,
            "allocatable": {"cpu": "3860m", "ephemeral-storage": "119703055367", "hugepages-1Gi": "0",
                            "hugepages-2Mi": "0", "memory": "12880340Ki", "pods": str(max_pods)},
            "capacity": {"cpu": "4", "ephemeral-storage": "129886128Ki", "hugepages-1Gi": "0",
                         "hugepages-2Mi": "0", "memory": "16373716Ki", "pods": str(max_pods)},
            "conditions": conds,
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "images": images,
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": "%s-%s-%s-%s-%s" % (boot[0:8], boot[8:12], boot[12:16], boot[16:20], boot[20:32]),
                "containerRuntimeVersion": containerd,
                "kernelVersion": kernel,
                "kubeProxyVersion": k8s,
                "kubeletVersion": k8s,
                "machineID": g.h("machine", name)[:32],
                "operatingSystem": "linux",
                "osImage": os_image,
                "systemUUID": g.uid("systemuuid", name),
            },
        },
    }


def node_zone(node):
    return node["metadata"].get("labels", {}).get("topology.kubernetes.io/zone")


# ---------------------------------------------------------------------------
# Pod

DEFAULT_TOLERATIONS = [
    {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
    {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300},
]

DS_TOLERATIONS = [
    {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists"},
    {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/disk-pressure", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/memory-pressure", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/pid-pressure", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/network-unavailable", "operator": "Exists"},
]


def port(p, name=None, proto="TCP", host_port=None):
    d = {"containerPort": p, "protocol": proto}
    if name:
        d["name"] = name
    if host_port:
        d["hostPort"] = host_port
    return d


def container(name, image, *, ports=None, readiness=None, liveness=None, command=None, args=None,
              requests=None, limits=None, env=None, security=None, extra_mounts=None):
    c = {"name": name, "image": image, "imagePullPolicy": "IfNotPresent",
         "resources": {}, "terminationMessagePath": "/dev/termination-log",
         "terminationMessagePolicy": "File"}
    if ports:
        c["ports"] = ports
    if readiness:
        c["readinessProbe"] = readiness
    if liveness:
        c["livenessProbe"] = liveness
    if command:
        c["command"] = command
    if args:
        c["args"] = args
    if requests:
        c["resources"]["requests"] = requests
    if limits:
        c["resources"]["limits"] = limits
    if env:
        c["env"] = env
    if security:
        c["securityContext"] = security
    c["_mounts"] = extra_mounts or []
    return c


def http_probe(path, port_, period=10, fail=3):
    return {"failureThreshold": fail, "httpGet": {"path": path, "port": port_, "scheme": "HTTP"},
            "periodSeconds": period, "successThreshold": 1, "timeoutSeconds": 1}


def tcp_probe(port_, period=10):
    return {"failureThreshold": 3, "periodSeconds": period, "successThreshold": 1,
            "tcpSocket": {"port": port_}, "timeoutSeconds": 1}


def _image_id(g, image):
    repo = image.rsplit(":", 1)[0] if ":" in image.split("/")[-1] else image
    return "%s@sha256:%s" % (repo, g.h("imgid", image))


def pod(g, ns, name, *, node, labels, containers, state="ready", ip=None, ips=None,
        host_network=False, host_ips=None, age=60 * 24, owner=None, sa="default",
        priority_class=None, priority=0, restart_policy="Always", annotations=None,
        tolerations=None, qos="BestEffort", restarts=0, finished=None, waiting_message=None,
        node_selector=None, dns_policy=None, extra_volumes=None, status_message=None,
        deleting=None, sched_message=None, init_done=True):
    """
    state: ready | notready (readiness failing) | crashloop | creating (no
    sandbox, no IP) | pulling (sandbox and IP, image pulling) | succeeded |
    failed | evicted | unschedulable | terminating (ready, being deleted).
    ips: all pod IPs (status.podIPs); ip: shortcut for one. host_network
    pods get host_ips (the node IPs) as their IPs.
    age: minutes since creation. finished: minutes ago a terminated pod ended.
    """
    created = g.t(age)
    started = g.t(age - 0.1 if age > 0.2 else 0)
    if host_network:
        ips = list(host_ips)
    elif ips is None:
        ips = [ip] if ip else []
    if state in ("creating", "unschedulable"):
        ips = []
    vol = "kube-api-access-" + g.sfx(5, "vol", ns, name)
    cs_spec = []
    for c in containers:
        cc = {k: v for k, v in c.items() if k != "_mounts"}
        mounts = list(c.get("_mounts", []))
        mounts.append({"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": vol, "readOnly": True})
        cc["volumeMounts"] = mounts
        cs_spec.append(cc)
    spec = {
        "containers": cs_spec,
        "dnsPolicy": dns_policy or ("ClusterFirstWithHostNet" if host_network and ns != "kube-system" else "ClusterFirst"),
        "enableServiceLinks": True,
        "preemptionPolicy": "PreemptLowerPriority",
        "priority": priority,
        "restartPolicy": restart_policy,
        "schedulerName": "default-scheduler",
        "securityContext": {},
        "serviceAccount": sa,
        "serviceAccountName": sa,
        "terminationGracePeriodSeconds": 30,
        "tolerations": tolerations if tolerations is not None else DEFAULT_TOLERATIONS,
        "volumes": (extra_volumes or []) + [{
            "name": vol,
            "projected": {"defaultMode": 420, "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}},
            ]},
        }],
    }
    if node and state != "unschedulable":
        spec["nodeName"] = node
    if host_network:
        spec["hostNetwork"] = True
    if priority_class:
        spec["priorityClassName"] = priority_class
    if node_selector:
        spec["nodeSelector"] = node_selector

    def cond(typ, status, when, reason=None, message=None):
        d = {"lastProbeTime": None, "lastTransitionTime": when, "status": status, "type": typ}
        if reason:
            d["reason"] = reason
        if message:
            d["message"] = message
        return d

    names = [c["name"] for c in containers]
    unready_msg = "containers with unready status: [%s]" % " ".join(names)
    st = {"qosClass": qos}
    end = g.t(finished) if finished is not None else None
    cstat = []
    for c in containers:
        cid = "containerd://" + g.cid("ctr", ns, name, c["name"], restarts)
        base = {"image": c["image"], "imageID": _image_id(g, c["image"]), "lastState": {},
                "name": c["name"], "restartCount": restarts}
        if state in ("ready", "terminating"):
            base.update(containerID=cid, ready=state == "ready", started=True,
                        state={"running": {"startedAt": started}})
        elif state == "notready":
            base.update(containerID=cid, ready=False, started=True, state={"running": {"startedAt": started}})
        elif state == "crashloop":
            base.update(containerID=cid, ready=False, started=False,
                        lastState={"terminated": {"containerID": cid, "exitCode": 1, "finishedAt": g.t(3),
                                                  "reason": "Error", "startedAt": g.t(3.2)}},
                        state={"waiting": {"message": "back-off 5m0s restarting failed container=%s pod=%s_%s(%s)"
                                           % (c["name"], name, ns, g.uid("Pod", ns, name)),
                                           "reason": "CrashLoopBackOff"}})
        elif state in ("creating", "pulling"):
            w = {"reason": "ContainerCreating"}
            if waiting_message:
                w["message"] = waiting_message
            base.update(imageID="", ready=False, started=False, state={"waiting": w})
        elif state == "succeeded":
            base.update(containerID=cid, ready=False, started=False,
                        state={"terminated": {"containerID": cid, "exitCode": 0, "finishedAt": end,
                                              "reason": "Completed", "startedAt": started}})
        elif state == "failed":
            base.update(containerID=cid, ready=False, started=False,
                        state={"terminated": {"containerID": cid, "exitCode": 1, "finishedAt": end,
                                              "reason": "Error", "startedAt": started}})
        elif state == "evicted":
            base.update(ready=False, started=False,
                        state={"terminated": {"exitCode": 137, "finishedAt": None,
                                              "message": "The container could not be located when the pod was terminated",
                                              "reason": "ContainerStatusUnknown", "startedAt": None}})
        else:
            continue
        cstat.append(base)
    if cstat:
        st["containerStatuses"] = cstat

    if state == "unschedulable":
        st["phase"] = "Pending"
        st["conditions"] = [cond("PodScheduled", "False", g.t(age - 0.05), "Unschedulable",
                                 sched_message or "0/3 nodes are available: 3 Insufficient memory.")]
        return _pod_obj(g, ns, name, created, labels, annotations, owner, spec, st, deleting)

    scheduled = g.t(age - 0.02 if age > 0.05 else 0)
    st["hostIP"] = host_ips[0] if host_ips else None
    st["hostIPs"] = [{"ip": x} for x in (host_ips or [])]
    if not host_ips:
        del st["hostIP"], st["hostIPs"]
    if ips:
        st["podIP"] = ips[0]
        st["podIPs"] = [{"ip": x} for x in ips]
    st["startTime"] = created

    sandbox = "True" if state not in ("creating", "succeeded", "failed", "evicted") else "False"
    if state in ("ready", "terminating"):
        st["phase"] = "Running"
        ready = "True" if state == "ready" else "False"
        st["conditions"] = [cond("PodReadyToStartContainers", "True", started),
                            cond("Initialized", "True", created),
                            cond("Ready", ready, g.t(age - 0.3 if age > 0.5 else 0)),
                            cond("ContainersReady", ready, g.t(age - 0.3 if age > 0.5 else 0)),
                            cond("PodScheduled", "True", scheduled)]
    elif state in ("notready", "crashloop"):
        st["phase"] = "Running"
        st["conditions"] = [cond("PodReadyToStartContainers", "True", started),
                            cond("Initialized", "True", created),
                            cond("Ready", "False", g.t(min(age, 90)), "ContainersNotReady", unready_msg),
                            cond("ContainersReady", "False", g.t(min(age, 90)), "ContainersNotReady", unready_msg),
                            cond("PodScheduled", "True", scheduled)]
    elif state in ("creating", "pulling"):
        st["phase"] = "Pending"
        st["conditions"] = [cond("PodReadyToStartContainers", sandbox, g.t(age - 0.02)),
                            cond("Initialized", "True", created),
                            cond("Ready", "False", created, "ContainersNotReady", unready_msg),
                            cond("ContainersReady", "False", created, "ContainersNotReady", unready_msg),
                            cond("PodScheduled", "True", scheduled)]
    elif state == "succeeded":
        st["phase"] = "Succeeded"
        st["conditions"] = [cond("PodReadyToStartContainers", "False", end),
                            cond("Initialized", "True", created, "PodCompleted"),
                            cond("Ready", "False", end, "PodCompleted"),
                            cond("ContainersReady", "False", end, "PodCompleted"),
                            cond("PodScheduled", "True", scheduled)]
    elif state == "failed":
        st["phase"] = "Failed"
        st["conditions"] = [cond("PodReadyToStartContainers", "False", end),
                            cond("Initialized", "True", created),
                            cond("Ready", "False", end, "PodFailed"),
                            cond("ContainersReady", "False", end, "PodFailed"),
                            cond("PodScheduled", "True", scheduled)]
    elif state == "evicted":
        st["phase"] = "Failed"
        st["reason"] = "Evicted"
        st["message"] = status_message or "The node was low on resource: memory. Threshold quantity: 750Mi, available: 512340Ki. "
        st["conditions"] = [cond("DisruptionTarget", "True", end, "TerminationByKubelet", "The node was low on resource: memory. Threshold quantity: 750Mi, available: 512340Ki. "),
                            cond("PodReadyToStartContainers", "False", end),
                            cond("Initialized", "True", created),
                            cond("Ready", "False", end, "PodFailed"),
                            cond("ContainersReady", "False", end, "PodFailed"),
                            cond("PodScheduled", "True", scheduled)]
    else:
        raise ValueError(state)
    return _pod_obj(g, ns, name, created, labels, annotations, owner, spec, st, deleting)


def _pod_obj(g, ns, name, created, labels, annotations, owner, spec, st, deleting):
    gen_name = None
    if owner is not None:
        own_name = owner["name"]
        if name.startswith(own_name + "-"):
            gen_name = own_name + "-"
    m = meta(g, "Pod", ns, name, created=created, labels=labels, annotations=annotations,
             owner=owner, generate_name=gen_name, deleting=deleting)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": m, "spec": spec, "status": st}


# ---------------------------------------------------------------------------
# Service, Endpoints, EndpointSlice

def svc_port(port_, target=None, name=None, proto="TCP", node_port=None, app_protocol=None):
    d = {"port": port_, "protocol": proto, "targetPort": port_ if target is None else target}
    if name:
        d["name"] = name
    if node_port:
        d["nodePort"] = node_port
    if app_protocol:
        d["appProtocol"] = app_protocol
    return d


def service(g, ns, name, *, ports=None, selector=None, type_="ClusterIP", cluster_ip=None,
            cluster_ips=None, labels=None, annotations=None, external_name=None, lb_ingress=None,
            families=("IPv4",), family_policy="SingleStack", publish_not_ready=False, age=60 * 24 * 30,
            external_traffic_policy="Cluster"):
    spec = {"sessionAffinity": "None", "type": type_}
    if type_ == "ExternalName":
        spec["externalName"] = external_name
    else:
        spec["clusterIP"] = cluster_ip
        spec["clusterIPs"] = list(cluster_ips or [cluster_ip])
        spec["internalTrafficPolicy"] = "Cluster"
        spec["ipFamilies"] = list(families)
        spec["ipFamilyPolicy"] = family_policy
        spec["ports"] = ports
    if selector:
        spec["selector"] = dict(selector)
    if publish_not_ready:
        spec["publishNotReadyAddresses"] = True
    if type_ in ("LoadBalancer", "NodePort"):
        spec["externalTrafficPolicy"] = external_traffic_policy
    if type_ == "LoadBalancer":
        spec["allocateLoadBalancerNodePorts"] = True
    status = {"loadBalancer": {}}
    if lb_ingress:
        status = {"loadBalancer": {"ingress": [{"ip": x, "ipMode": "VIP"} for x in lb_ingress]}}
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": meta(g, "Service", ns, name, created=g.t(age), labels=labels, annotations=annotations),
            "spec": spec, "status": status}


def _labels_match(sel, labels):
    return all(labels.get(k) == v for k, v in sel.items())


def _pod_ready(p):
    for c in p["status"].get("conditions", []):
        if c["type"] == "Ready":
            return c["status"] == "True"
    return False


def find_port(p, sp):
    """podutil.FindPort: numeric targetPort as is; a name is looked up in
    spec.containers[*].ports by name and protocol."""
    tp = sp["targetPort"]
    if isinstance(tp, int):
        return tp
    for c in p["spec"]["containers"]:
        for cp in c.get("ports", []):
            if cp.get("name") == tp and cp.get("protocol", "TCP") == sp.get("protocol", "TCP"):
                return cp["containerPort"]
    return None


def _family(ip):
    return "IPv6" if ":" in ip else "IPv4"


def endpoints_for(g, svc, pods, nodes, *, trigger_age=30, want_endpoints=True, want_slices=True):
    """
    What the endpoints and endpointslice controllers write for a Service with
    a selector. Returns (endpoints_object_or_None, [slices]).
    """
    ns = svc["metadata"]["namespace"]
    name = svc["metadata"]["name"]
    sel = svc["spec"]["selector"]
    pnr = svc["spec"].get("publishNotReadyAddresses", False)
    headless = svc["spec"].get("clusterIP") == "None"
    zones = {n["metadata"]["name"]: node_zone(n) for n in nodes}
    slabels = dict(svc["metadata"].get("labels", {}))
    if headless:
        slabels["service.kubernetes.io/headless"] = ""
    trig = g.t(trigger_age)
    chosen = []
    for p in pods:
        if p["metadata"]["namespace"] != ns:
            continue
        if not _labels_match(sel, p["metadata"].get("labels", {})):
            continue
        if p["status"].get("phase") in ("Succeeded", "Failed"):
            continue
        if not p["status"].get("podIP"):
            continue
        chosen.append(p)

    def target_ref(p):
        return {"kind": "Pod", "name": p["metadata"]["name"], "namespace": ns, "uid": p["metadata"]["uid"]}

    # --- Endpoints (core/v1) ---
    ep = None
    if want_endpoints:
        subsets = {}
        for p in chosen:
            deleting = "deletionTimestamp" in p["metadata"]
            if deleting and not pnr:
                continue
            pk = []
            for sp in svc["spec"]["ports"]:
                n = find_port(p, sp)
                if n is None:
                    continue
                d = {"port": n, "protocol": sp.get("protocol", "TCP")}
                if sp.get("name"):
                    d["name"] = sp["name"]
                if sp.get("appProtocol"):
                    d["appProtocol"] = sp["appProtocol"]
                pk.append(d)
            if not pk:
                continue
            key = json.dumps(pk, sort_keys=True)
            ss = subsets.setdefault(key, {"ports": pk, "addresses": [], "notReadyAddresses": []})
            addr = {"ip": p["status"]["podIP"], "nodeName": p["spec"]["nodeName"], "targetRef": target_ref(p)}
            if (_pod_ready(p) and not deleting) or pnr:
                ss["addresses"].append(addr)
            else:
                ss["notReadyAddresses"].append(addr)
        out = []
        for key in sorted(subsets):
            ss = subsets[key]
            d = {"ports": ss["ports"]}
            if ss["addresses"]:
                d["addresses"] = sorted(ss["addresses"], key=lambda a: ipaddress.ip_address(a["ip"]))
            if ss["notReadyAddresses"]:
                d["notReadyAddresses"] = sorted(ss["notReadyAddresses"], key=lambda a: ipaddress.ip_address(a["ip"]))
            out.append(d)
        ep = {"apiVersion": "v1", "kind": "Endpoints",
              "metadata": meta(g, "Endpoints", ns, name, created=svc["metadata"]["creationTimestamp"],
                               labels=slabels or None,
                               annotations={"endpoints.kubernetes.io/last-change-trigger-time": trig})}
        if out:
            ep["subsets"] = out

    # --- EndpointSlices (discovery.k8s.io/v1) ---
    slices = []
    if want_slices:
        lab = dict(slabels)
        lab["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io"
        lab["kubernetes.io/service-name"] = name
        for fam in svc["spec"]["ipFamilies"]:
            groups = {}
            for p in chosen:
                addrs = [x["ip"] for x in p["status"].get("podIPs", []) if _family(x["ip"]) == fam]
                if not addrs:
                    continue
                pk = []
                for sp in svc["spec"]["ports"]:
                    n = find_port(p, sp)
                    if n is None:
                        continue
                    d = {"name": sp.get("name", ""), "port": n, "protocol": sp.get("protocol", "TCP")}
                    if sp.get("appProtocol"):
                        d["appProtocol"] = sp["appProtocol"]
                    pk.append(d)
                if not pk:
                    continue
                deleting = "deletionTimestamp" in p["metadata"]
                ready = (_pod_ready(p) and not deleting) or pnr
                serving = _pod_ready(p) or pnr
                e = {"addresses": [addrs[0]],
                     "conditions": {"ready": ready, "serving": serving, "terminating": deleting},
                     "nodeName": p["spec"]["nodeName"], "targetRef": target_ref(p)}
                z = zones.get(p["spec"]["nodeName"])
                if z is not None:
                    e["zone"] = z
                groups.setdefault(json.dumps(pk, sort_keys=True), (pk, []))[1].append(e)
            if not groups:
                if fam != svc["spec"]["ipFamilies"][0]:
                    continue
                groups = {"": (None, None)}          # placeholder slice
            for i, key in enumerate(sorted(groups)):
                pk, eps = groups[key]
                sname = "%s-%s" % (name, g.sfx(5, "slice", ns, name, fam, i))
                s = {"addressType": fam, "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                     "endpoints": eps, "ports": pk,
                     "metadata": meta(g, "EndpointSlice", ns, sname, created=svc["metadata"]["creationTimestamp"],
                                      labels=lab, generate_name=name + "-", generation=1 + int(g.h("gen", sname)[:1], 16),
                                      annotations={"endpoints.kubernetes.io/last-change-trigger-time": trig},
                                      owner=owner_ref(g, "v1", "Service", ns, name))}
                slices.append(s)
    return ep, slices


def manual_endpoints(g, ns, name, addresses, ports, *, created, not_ready=(), labels=None):
    """Hand-made Endpoints for a selector-less Service."""
    ss = {"ports": ports}
    if addresses:
        ss["addresses"] = [{"ip": a} for a in addresses]
    if not_ready:
        ss["notReadyAddresses"] = [{"ip": a} for a in not_ready]
    ep = {"apiVersion": "v1", "kind": "Endpoints",
          "metadata": meta(g, "Endpoints", ns, name, created=created, labels=labels)}
    if addresses or not_ready:
        ep["subsets"] = [ss]
    return ep


def mirrored_slice(g, ep):
    """What the endpointslicemirroring controller makes of a hand-made Endpoints."""
    ns = ep["metadata"]["namespace"]
    name = ep["metadata"]["name"]
    lab = dict(ep["metadata"].get("labels", {}))
    lab["endpointslice.kubernetes.io/managed-by"] = "endpointslicemirroring-controller.k8s.io"
    lab["kubernetes.io/service-name"] = name
    eps, ports = [], None
    for ss in ep.get("subsets", []):
        ports = [{"name": p.get("name", ""), "port": p["port"], "protocol": p.get("protocol", "TCP")} for p in ss["ports"]]
        for a in ss.get("addresses", []):
            eps.append({"addresses": [a["ip"]], "conditions": {"ready": True}})
        for a in ss.get("notReadyAddresses", []):
            eps.append({"addresses": [a["ip"]], "conditions": {"ready": False}})
    sname = "%s-%s" % (name, g.sfx(5, "mirror", ns, name))
    return {"addressType": "IPv4", "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "endpoints": eps or None, "ports": ports,
            "metadata": meta(g, "EndpointSlice", ns, sname, created=ep["metadata"]["creationTimestamp"],
                             labels=lab, generate_name=name + "-", generation=1,
                             owner=owner_ref(g, "v1", "Endpoints", ns, name))}


def kubernetes_service(g, cluster_ip, *, created, families=("IPv4",), cluster_ips=None, family_policy="SingleStack",
                       target=443):
    """default/kubernetes: selector-less, port https 443, first IP of the service CIDR.
    target: the API server's secure port (443 on AKS, 6443 on kubeadm)."""
    s = {"apiVersion": "v1", "kind": "Service",
         "metadata": meta(g, "Service", "default", "kubernetes", created=created,
                          labels={"component": "apiserver", "provider": "kubernetes"}),
         "spec": {"clusterIP": cluster_ip, "clusterIPs": list(cluster_ips or [cluster_ip]),
                  "internalTrafficPolicy": "Cluster", "ipFamilies": list(families),
                  "ipFamilyPolicy": family_policy,
                  "ports": [svc_port(443, target, "https")], "sessionAffinity": "None", "type": "ClusterIP"},
         "status": {"loadBalancer": {}}}
    return s


def kubernetes_endpoints(g, addresses, *, created, port_=443):
    """The API server's own Endpoints and EndpointSlice for default/kubernetes.
    addresses empty: no subsets / no endpoints."""
    ep = {"apiVersion": "v1", "kind": "Endpoints",
          "metadata": meta(g, "Endpoints", "default", "kubernetes", created=created,
                           labels={"endpointslice.kubernetes.io/skip-mirror": "true"})}
    if addresses:
        ep["subsets"] = [{"addresses": [{"ip": a} for a in addresses],
                          "ports": [{"name": "https", "port": port_, "protocol": "TCP"}]}]
    sl = {"addressType": "IPv4", "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
          "endpoints": [{"addresses": [a], "conditions": {"ready": True}} for a in addresses] or None,
          "ports": [{"name": "https", "port": port_, "protocol": "TCP"}],
          "metadata": meta(g, "EndpointSlice", "default", "kubernetes", created=created,
                           labels={"kubernetes.io/service-name": "kubernetes"}, generation=1)}
    return ep, sl


# ---------------------------------------------------------------------------
# Workloads (read by netdiag only for DaemonSets; Deployments are realism)

def daemonset(g, ns, name, *, labels, selector, template_labels, pod_spec, desired, ready,
              available=None, updated=None, created, generation=1, annotations=None):
    available = ready if available is None else available
    updated = desired if updated is None else updated
    st = {"currentNumberScheduled": desired, "desiredNumberScheduled": desired,
          "numberAvailable": available, "numberMisscheduled": 0, "numberReady": ready,
          "observedGeneration": generation, "updatedNumberScheduled": updated}
    if desired - available > 0:
        st["numberUnavailable"] = desired - available
    ann = {"deprecated.daemonset.template.generation": str(generation)}
    if annotations:
        ann.update(annotations)
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": meta(g, "DaemonSet", ns, name, created=created, labels=labels, annotations=ann,
                             generation=generation),
            "spec": {"revisionHistoryLimit": 10, "selector": {"matchLabels": dict(selector)},
                     "template": {"metadata": {"creationTimestamp": None, "labels": dict(template_labels)},
                                  "spec": pod_spec},
                     "updateStrategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}, "type": "RollingUpdate"}},
            "status": st}


def template_spec(containers, *, host_network=False, sa="default", priority_class=None, tolerations=None,
                  node_selector=None, restart_policy="Always"):
    cs = [{k: v for k, v in c.items() if k != "_mounts"} for c in containers]
    for c, src in zip(cs, containers):
        if src.get("_mounts"):
            c["volumeMounts"] = src["_mounts"]
    s = {"containers": cs, "dnsPolicy": "ClusterFirst", "restartPolicy": restart_policy,
         "schedulerName": "default-scheduler", "securityContext": {}, "terminationGracePeriodSeconds": 30}
    if sa != "default":
        s["serviceAccount"] = sa
        s["serviceAccountName"] = sa
    if host_network:
        s["hostNetwork"] = True
    if priority_class:
        s["priorityClassName"] = priority_class
    if tolerations:
        s["tolerations"] = tolerations
    if node_selector:
        s["nodeSelector"] = node_selector
    return s


def deployment(g, ns, name, *, labels, selector, template_labels, pod_spec, replicas, ready, updated=None,
               created, generation=1, available=None):
    available = ready if available is None else available
    updated = replicas if updated is None else updated
    conds = [
        {"lastTransitionTime": g.t(60 * 24 * 20), "lastUpdateTime": g.t(60 * 24 * 20),
         "message": "ReplicaSet \"%s\" has successfully progressed." % name, "reason": "NewReplicaSetAvailable",
         "status": "True", "type": "Progressing"},
    ]
    if available >= max(1, replicas - max(1, replicas // 4)):
        conds.insert(0, {"lastTransitionTime": g.t(60 * 6), "lastUpdateTime": g.t(60 * 6),
                         "message": "Deployment has minimum availability.", "reason": "MinimumReplicasAvailable",
                         "status": "True", "type": "Available"})
    else:
        conds.insert(0, {"lastTransitionTime": g.t(50), "lastUpdateTime": g.t(50),
                         "message": "Deployment does not have minimum availability.", "reason": "MinimumReplicasUnavailable",
                         "status": "False", "type": "Available"})
    st = {"conditions": conds, "observedGeneration": generation, "replicas": replicas, "updatedReplicas": updated}
    if ready:
        st["readyReplicas"] = ready
    if available:
        st["availableReplicas"] = available
    if replicas - available > 0:
        st["unavailableReplicas"] = replicas - available
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": meta(g, "Deployment", ns, name, created=created, labels=labels,
                             annotations={"deployment.kubernetes.io/revision": str(generation)}, generation=generation),
            "spec": {"progressDeadlineSeconds": 600, "replicas": replicas, "revisionHistoryLimit": 10,
                     "selector": {"matchLabels": dict(selector)},
                     "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}, "type": "RollingUpdate"},
                     "template": {"metadata": {"creationTimestamp": None, "labels": dict(template_labels)},
                                  "spec": pod_spec}},
            "status": st}


# ---------------------------------------------------------------------------
# Events

def event_legacy(g, ns, obj, *, reason, message, type_="Normal", count=1, first, last,
                 component="kubelet", host=None, name_parts=()):
    """core/v1 Event from the legacy recorder (kubelet, controllers):
    count / firstTimestamp / lastTimestamp / source filled, eventTime null."""
    src = {"component": component}
    if host:
        src["host"] = host
    e = {"apiVersion": "v1", "kind": "Event",
         "count": count, "eventTime": None,
         "firstTimestamp": g.t(first), "lastTimestamp": g.t(last),
         "involvedObject": obj, "message": message, "reason": reason,
         "reportingComponent": component,
         "reportingInstance": host or "",
         "source": src, "type": type_,
         "metadata": {"creationTimestamp": g.t(first),
                      "name": g.evname(obj["name"], first, reason, *name_parts),
                      "namespace": ns, "resourceVersion": g.rv(),
                      "uid": g.uid("Event", ns, obj["name"], reason, first, *name_parts)}}
    return e


def event_new_as_core(g, ns, obj, *, reason, message, type_="Normal", when, controller, instance, action,
                      series=None, name_parts=()):
    """An event written through events.k8s.io/v1 (scheduler, new recorders)
    as `kubectl get events` (core/v1) shows it: eventTime set, first/last
    null, source empty, no count unless a series exists."""
    e = {"apiVersion": "v1", "kind": "Event", "action": action,
         "eventTime": g.mt(when, obj["name"], reason),
         "firstTimestamp": None, "lastTimestamp": None,
         "involvedObject": obj, "message": message, "reason": reason,
         "reportingComponent": controller, "reportingInstance": instance,
         "source": {}, "type": type_,
         "metadata": {"creationTimestamp": g.t(when),
                      "name": g.evname(obj["name"], when, reason, *name_parts),
                      "namespace": ns, "resourceVersion": g.rv(),
                      "uid": g.uid("Event", ns, obj["name"], reason, when, *name_parts)}}
    if series:
        e["series"] = {"count": series[0], "lastObservedTime": g.mt(series[1], obj["name"], "series")}
    return e


def event_v1(g, ns, obj, *, reason, note, type_="Normal", controller, instance, action=None,
             when=None, series=None, deprecated=None, name_parts=()):
    """events.k8s.io/v1 Event as `kubectl get events.events.k8s.io -o json`
    prints it. deprecated=(count, first, last, component, host) for events
    made by the legacy recorder (eventTime is then null)."""
    e = {"apiVersion": "events.k8s.io/v1", "kind": "Event", "reason": reason, "note": note,
         "regarding": obj, "reportingController": controller, "reportingInstance": instance,
         "type": type_}
    t0 = when
    if action:
        e["action"] = action
    if deprecated:
        cnt, first, last, comp, host = deprecated
        t0 = first
        e["eventTime"] = None
        e["deprecatedCount"] = cnt
        e["deprecatedFirstTimestamp"] = g.t(first)
        e["deprecatedLastTimestamp"] = g.t(last)
        e["deprecatedSource"] = {"component": comp, "host": host}
    else:
        e["eventTime"] = g.mt(when, obj["name"], reason)
    if series:
        e["series"] = {"count": series[0], "lastObservedTime": g.mt(series[1], obj["name"], "series")}
    e["metadata"] = {"creationTimestamp": g.t(t0), "name": g.evname(obj["name"], t0, reason, *name_parts),
                     "namespace": ns, "resourceVersion": g.rv(),
                     "uid": g.uid("Event", ns, obj["name"], reason, t0, *name_parts)}
    return e


# ---------------------------------------------------------------------------
# sandbox-failure messages (reference §3)

def msg_hostlocal(sandbox, cidr, net="kubenet", bridge_type="bridge"):
    return ("Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "
            "\"%s\": plugin type=\"%s\" name=\"%s\" failed (add): failed to allocate for range 0: "
            "no IP addresses available in range set: %s" % (sandbox, bridge_type, net, range_set_text(cidr)))


def check_json_files(root):
    """Every *.json under root parses (the bundles' own sanity check)."""
    bad = []
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".json") or f.endswith(".conflist"):
                p = os.path.join(d, f)
                try:
                    with open(p, encoding="utf-8") as fh:
                        json.load(fh)
                except Exception as ex:      # noqa: BLE001
                    bad.append("%s: %s" % (p, ex))
    return bad


def node_findings(code, pods):
    """Expected findings for pods stuck without an IP: one per node (the pods of
    a node that fail for one cause are one finding), each listing its pods.
    pods: iterable of pod objects (their spec.nodeName and namespace/name)."""
    by_node = {}
    for p in pods:
        by_node.setdefault(p["spec"]["nodeName"], []).append("%s/%s" % (p["metadata"]["namespace"], p["metadata"]["name"]))
    return [{"code": code, "kind": "Node", "namespace": None, "name": n, "pods": sorted(v)} for n, v in sorted(by_node.items())]


# ---- Azure CNI dynamic IP allocation (reference facts §5) ----

SWIFT_CONFLIST = {"cniVersion": "0.3.0", "name": "azure", "adapterName": "", "plugins": [
    {"type": "azure-vnet", "mode": "transparent", "ipsToRouteViaHost": ["169.254.20.10"], "executionMode": "v4swift",
     "ipam": {"type": "azure-cns"}, "dns": {}, "runtimeConfig": {"dns": {}}, "windowsSettings": {}},
    {"type": "portmap", "capabilities": {"portMappings": True}, "snat": True}]}


def nnc(g, node, *, created, requested, ncs, scaler=(16, 250, 150, 50), generation=3, subnet_label="snet-pods",
        nc_type="vnet"):
    """A NodeNetworkConfig in the shape `kubectl get nnc -o json` prints it (v1alpha).
    ncs: networkContainers entries (see dynamic_nc / overlay_nc). scaler: batch, max, release%, request%."""
    assigned = sum(len(nc.get("ipAssignments", [])) for nc in ncs) if nc_type != "overlay" else 256
    batch, mx, rel, req = scaler
    return {"apiVersion": "acn.azure.com/v1alpha", "kind": "NodeNetworkConfig",
            "metadata": meta(g, "NodeNetworkConfig", "kube-system", node, created=created, generation=generation,
                             finalizers=["finalizers.acn.azure.com/dnc-operations"],
                             labels={"kubernetes.azure.com/podnetwork-subnet": subnet_label,
                                     "kubernetes.azure.com/podnetwork-type": nc_type, "managed": "true", "owner": node},
                             owner={"apiVersion": "v1", "blockOwnerDeletion": True, "controller": True, "kind": "Node",
                                    "name": node, "uid": g.uid("Node", "", node)}),
            "spec": {"requestedIPCount": requested},
            "status": {"assignedIPCount": assigned, "networkContainers": ncs,
                       "scaler": {"batchSize": batch, "maxIPCount": mx, "releaseThresholdPercent": rel,
                                  "requestThresholdPercent": req}}}


def dynamic_nc(g, node, *, ips, primary, node_ip, subnet, cidr, gateway, sub, rg, vnet="vnet-aks", version=30,
               status=None):
    nc = {"assignmentMode": "dynamic", "defaultGateway": gateway, "id": g.uid("nc", node),
          "ipAssignments": [{"ip": ip, "name": g.uid("ipassign", ip)} for ip in ips],
          "nodeIP": node_ip, "primaryIP": primary, "resourceGroupID": rg, "subcriptionID": sub,
          "subnetAddressSpace": cidr, "subnetID": subnet, "subnetName": subnet, "type": "vnet",
          "version": version, "vnetID": vnet}
    if status:
        nc["status"] = status
    return nc


def overlay_nc(g, node, *, block, node_ip, pod_cidr="192.168.0.0/16"):
    return {"assignmentMode": "static", "id": g.uid("nc", node), "nodeIP": node_ip, "primaryIP": block,
            "subnetAddressSpace": pod_cidr,
            "subnetName": "routingdomain_0c1994ec-f208-56f6-abeb-fd3e51b272c8_overlaysubnet",
            "type": "overlay", "version": 0}


def msg_cns_exhausted(sandbox, nc_id, pod_name, ns):
    """The CNS out-of-IPs sandbox message, the wording of the AKS guide (facts §3.2)."""
    return ("Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"%s\": "
            "plugin type=\"azure-vnet\" failed (add): IPAM Invoker Add failed with error: Failed to get IP address from CNS with error: "
            "%%w: AllocateIPConfig failed: not enough IPs available for %s, waiting on Azure CNS to allocate more with NC Status: , "
            "IP config request is [IPConfigRequest: DesiredIPAddress , PodInterfaceID %s-eth0, InfraContainerID %s, "
            "OrchestratorContext {\"PodName\":\"%s\",\"PodNamespace\":\"%s\"}]" % (sandbox, nc_id, sandbox[:8], sandbox, pod_name, ns))


def aks_cni_profile(g, *, sub, rg, name, node_rg, pools, location="westeurope", mode=None):
    """az aks show output (CLI spelling) of an Azure CNI cluster; pools: agentPoolProfiles entries."""
    return {
        "agentPoolProfiles": pools,
        "apiServerAccessProfile": None,
        "azurePortalFqdn": "%s-%s.portal.hcp.%s.azmk8s.io" % (name, g.sfx(8, "fqdn", name), location),
        "currentKubernetesVersion": "1.31.7", "dnsPrefix": "%s-%s" % (name, rg),
        "fqdn": "%s-%s.hcp.%s.azmk8s.io" % (name, g.sfx(8, "fqdn", name), location),
        "id": "/subscriptions/%s/resourcegroups/%s/providers/Microsoft.ContainerService/managedClusters/%s" % (sub, rg, name),
        "kubernetesVersion": "1.31", "location": location, "name": name,
        "networkProfile": {"dnsServiceIp": "10.0.0.10", "ipFamilies": ["IPv4"], "loadBalancerSku": "standard",
                           "natGatewayProfile": None, "networkDataplane": "azure", "networkPlugin": "azure",
                           "networkPluginMode": mode, "networkPolicy": "none", "outboundType": "loadBalancer",
                           "podCidr": "192.168.0.0/16" if mode == "overlay" else None,
                           "podCidrs": ["192.168.0.0/16"] if mode == "overlay" else None,
                           "serviceCidr": "10.0.0.0/16", "serviceCidrs": ["10.0.0.0/16"]},
        "nodeResourceGroup": node_rg, "powerState": {"code": "Running"}, "privateFqdn": None,
        "provisioningState": "Succeeded", "resourceGroup": rg, "type": "Microsoft.ContainerService/ManagedClusters",
    }


def aks_pool(name, *, count, max_pods, vnet, node_subnet, pod_subnet=None, autoscale=None, mode="User", surge=None):
    """One agentPoolProfiles entry; autoscale: (min, max) or None."""
    p = {"count": count, "currentOrchestratorVersion": "1.31.7", "enableAutoScaling": bool(autoscale),
         "enableNodePublicIp": False, "maxCount": autoscale[1] if autoscale else None,
         "maxPods": max_pods, "minCount": autoscale[0] if autoscale else None, "mode": mode, "name": name,
         "nodeImageVersion": "AKSUbuntu-2204gen2containerd-202505.14.0", "orchestratorVersion": "1.31",
         "osSku": "Ubuntu", "osType": "Linux",
         "podIpAllocationMode": "DynamicIndividual" if pod_subnet else None,
         "podSubnetId": vnet + "/subnets/" + pod_subnet if pod_subnet else None, "powerState": {"code": "Running"},
         "provisioningState": "Succeeded", "type": "VirtualMachineScaleSets",
         "upgradeSettings": {"maxSurge": surge} if surge else None,
         "vmSize": "Standard_D4ds_v5", "vnetSubnetId": vnet + "/subnets/" + node_subnet}
    return p
