#!/bin/sh
# Regenerates this bundle byte for byte (needs python3; helpers in ../k8sgen.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$here/.." exec python3 - "$here" <<'EOF'
import sys
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("apiserver-endpoints", "2025-06-12T09:30:00Z")
reset_dirs(ROOT, "cluster", "nodes")
SUB, RG, CL = "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a", "rg-cilium", "aks-cilium"
NODE_RG = "MC_rg-cilium_aks-cilium_italynorth"
VMSS = "aks-system-14142135-vmss"
DAY = 1440
N = [VMSS + "00000%d" % i for i in range(3)]
IP = {n: "10.224.0.%d" % (4 + i) for i, n in enumerate(N)}
CIDR = {n: "192.168.%d.0/24" % i for i, n in enumerate(N)}
nodes = [aks_node(g, n, ip=IP[n], pod_cidrs=[CIDR[n]], created=g.t(15 * DAY), sub=SUB, node_rg=NODE_RG, vmss=VMSS, instance=i,
                  pool="system", region="italynorth", zone=str(i + 1), kubenet=False,
                  extra_labels={"kubernetes.azure.com/azure-cni-overlay": "true", "kubernetes.azure.com/ebpf-dataplane": "cilium",
                                "kubernetes.azure.com/network-name": "aks-vnet-14142135",
                                "kubernetes.azure.com/podnetwork-type": "overlay"})
         for i, n in enumerate(N)]
pods = []
CIL_IMG = "mcr.microsoft.com/containernetworking/cilium/cilium:v1.16.6-250129"
cil_lab = {"k8s-app": "cilium"}
cil_c = container("cilium-agent", CIL_IMG, command=["cilium-agent"], args=["--config-dir=/tmp/cilium/config-map"],
                  ports=[port(4244, "peer-service", host_port=4244)],
                  readiness={"failureThreshold": 3, "httpGet": {"host": "127.0.0.1", "httpHeaders": [{"name": "brief", "value": "true"}],
                                                                  "path": "/healthz", "port": 9879, "scheme": "HTTP"},
                             "periodSeconds": 30, "successThreshold": 1, "timeoutSeconds": 5},
                  requests={"cpu": "100m", "memory": "300Mi"}, security={"privileged": True})
for n in N:
    pods.append(pod(g, "kube-system", "cilium-" + g.sfx(5, "cil", n), node=n, host_network=True, host_ips=[IP[n]],
                    labels=dict(cil_lab, **{"controller-revision-hash": g.sfx(10, "cilrev"), "pod-template-generation": "3"}),
                    containers=[cil_c], age=15 * DAY, owner=owner_ref(g, "apps/v1", "DaemonSet", "kube-system", "cilium"),
                    sa="cilium", priority_class="system-node-critical", priority=2000001000, tolerations=DS_TOLERATIONS, qos="Burstable"))
op = "cilium-operator-" + g.sfx(10, "op")
for k, n in enumerate(N[:2]):
    pods.append(pod(g, "kube-system", "%s-%s" % (op, g.sfx(5, "op", k)), node=n, host_network=True, host_ips=[IP[n]],
                    labels={"io.cilium/app": "operator", "name": "cilium-operator", "pod-template-hash": op.split("-")[2]},
                    containers=[container("cilium-operator", "mcr.microsoft.com/containernetworking/operator-generic:v1.16.6-250129",
                                          command=["cilium-operator-generic"], args=["--config-dir=/tmp/cilium/config-map"])],
                    age=15 * DAY, owner=owner_ref(g, "apps/v1", "ReplicaSet", "kube-system", op), sa="cilium-operator",
                    priority_class="system-cluster-critical", priority=2000000000))
dns = "coredns-" + g.sfx(10, "dns")
dnsc = container("coredns", "mcr.microsoft.com/oss/kubernetes/coredns:v1.11.3-1",
                 ports=[port(53, "dns", "UDP"), port(53, "dns-tcp", "TCP"), port(9153, "metrics")], readiness=http_probe("/ready", 8181))
for k, n in enumerate(N[:2]):
    pods.append(pod(g, "kube-system", "%s-%s" % (dns, g.sfx(5, "dns", k)), node=n, host_ips=[IP[n]],
                    ip=str(ipaddress.ip_network(CIDR[n]).network_address + 17 + k),
                    labels={"k8s-app": "kube-dns", "pod-template-hash": dns.split("-")[1]}, containers=[dnsc], age=15 * DAY,
                    owner=owner_ref(g, "apps/v1", "ReplicaSet", "kube-system", dns), sa="coredns",
                    priority_class="system-node-critical", priority=2000001000))
ka = "konnectivity-agent-" + g.sfx(10, "ka")
for k, n in enumerate(N[1:]):
    pods.append(pod(g, "kube-system", "%s-%s" % (ka, g.sfx(5, "ka", k)), node=n, host_ips=[IP[n]],
                    ip=str(ipaddress.ip_network(CIDR[n]).network_address + 40 + k),
                    labels={"app": "konnectivity-agent", "pod-template-hash": ka.split("-")[2]},
                    containers=[container("konnectivity-agent", "mcr.microsoft.com/oss/kubernetes/apiserver-network-proxy/agent:v0.30.3-hotfix.20240819",
                                          command=["/agent"], args=["--proxy-server-host=aks-cilium-5d1e7c22.hcp.italynorth.azmk8s.io", "--proxy-server-port=443"])],
                    age=15 * DAY, owner=owner_ref(g, "apps/v1", "ReplicaSet", "kube-system", ka), sa="konnectivity-agent"))
app = "orders-" + g.sfx(10, "app")
for k, n in enumerate(N):
    pods.append(pod(g, "orders", "%s-%s" % (app, g.sfx(5, "app", k)), node=n, host_ips=[IP[n]],
                    ip=str(ipaddress.ip_network(CIDR[n]).network_address + 60 + k),
                    labels={"app": "orders", "pod-template-hash": app.split("-")[1]},
                    containers=[container("orders", "ghcr.io/example/orders:6.0.1", ports=[port(8080, "http")], readiness=http_probe("/ready", "http"))],
                    age=2 * DAY, owner=owner_ref(g, "apps/v1", "ReplicaSet", "orders", app)))

svcs, eps, sls = [], [], []
# FAULT: the API server's own endpoints are empty
ks = kubernetes_service(g, "10.0.0.1", created=g.t(15 * DAY))
ke, kl = kubernetes_endpoints(g, [], created=g.t(15 * DAY))
svcs.append(ks); eps.append(ke); sls.append(kl)
for s in (service(g, "kube-system", "kube-dns", cluster_ip="10.0.0.10", selector={"k8s-app": "kube-dns"},
                  ports=[svc_port(53, 53, "dns", "UDP"), svc_port(53, 53, "dns-tcp")],
                  labels={"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"}),
          service(g, "kube-system", "hubble-peer", cluster_ip="10.0.81.12", selector={"k8s-app": "cilium"},
                  ports=[svc_port(443, 4244, "peer-service")], labels={"k8s-app": "cilium"}),
          service(g, "orders", "orders", cluster_ip="10.0.200.4", selector={"app": "orders"}, ports=[svc_port(80, "http", "http")])):
    e, sl = endpoints_for(g, s, pods, nodes)
    svcs.append(s); eps.append(e); sls.extend(sl)
dss = [daemonset(g, "kube-system", "cilium", labels={"app.kubernetes.io/name": "cilium-agent", "app.kubernetes.io/part-of": "cilium",
                                                      "k8s-app": "cilium", "kubernetes.azure.com/managedby": "aks"},
                 selector=cil_lab, template_labels=cil_lab,
                 pod_spec=template_spec([cil_c], host_network=True, sa="cilium", priority_class="system-node-critical"),
                 desired=3, ready=3, created=g.t(15 * DAY), generation=3)]
cm = {"apiVersion": "v1", "kind": "ConfigMap",
      "metadata": meta(g, "ConfigMap", "kube-system", "cilium-config", created=g.t(15 * DAY),
                       labels={"app.kubernetes.io/managed-by": "Helm", "kubernetes.azure.com/managedby": "aks"}),
      "data": {"cluster-name": "default", "enable-ipv4": "true", "enable-ipv6": "false", "ipam": "delegated-plugin",
               "kube-proxy-replacement": "true", "kube-proxy-replacement-healthz-bind-address": "0.0.0.0:10256",
               "routing-mode": "native", "enable-endpoint-routes": "true", "bpf-lb-sock-hostns-only": "true"}}
nncs = []
for i, n in enumerate(N):
    nncs.append({"apiVersion": "acn.azure.com/v1alpha", "kind": "NodeNetworkConfig",
                 "metadata": meta(g, "NodeNetworkConfig", "kube-system", n, created=g.t(15 * DAY), generation=1,
                                  finalizers=["finalizers.acn.azure.com/dnc-operations"],
                                  labels={"kubernetes.azure.com/podnetwork-name": "overlay", "kubernetes.azure.com/podnetwork-type": "overlay",
                                          "managed": "true", "owner": n},
                                  owner={"apiVersion": "v1", "blockOwnerDeletion": True, "controller": True, "kind": "Node",
                                         "name": n, "uid": g.uid("Node", "", n)}),
                 "spec": {"requestedIPCount": 0},
                 "status": {"assignedIPCount": 256, "networkContainers": [
                     {"assignmentMode": "static", "id": g.uid("nc", n), "nodeIP": IP[n], "primaryIP": CIDR[n],
                      "subnetAddressSpace": "192.168.0.0/16",
                      "subnetName": "routingdomain_%s_overlaysubnet" % g.uid("rd"), "type": "overlay", "version": 0}]}})

key = lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
write_list(ROOT + "/cluster/nodes.json", sorted(nodes, key=key))
write_list(ROOT + "/cluster/pods.json", sorted(pods, key=key))
write_list(ROOT + "/cluster/services.json", sorted(svcs, key=key))
write_list(ROOT + "/cluster/endpoints.json", sorted(eps, key=key))
write_list(ROOT + "/cluster/endpointslices.json", sorted(sls, key=key))
write_list(ROOT + "/cluster/daemonsets.json", dss)
write_json(ROOT + "/cluster/cilium-config.json", cm)
write_list(ROOT + "/cluster/nodenetworkconfigs.json", nncs)
aks = {
    "agentPoolProfiles": [{"count": 3, "currentOrchestratorVersion": "1.31.7", "maxPods": 250, "mode": "System", "name": "system",
                           "nodeImageVersion": "AKSUbuntu-2204gen2containerd-202505.14.0", "orchestratorVersion": "1.31",
                           "osType": "Linux", "podSubnetId": None, "powerState": {"code": "Running"}, "provisioningState": "Succeeded",
                           "type": "VirtualMachineScaleSets", "vmSize": "Standard_D4ds_v5", "vnetSubnetId": None,
                           "availabilityZones": ["1", "2", "3"]}],
    "apiServerAccessProfile": None,
    "azurePortalFqdn": "aks-cilium-5d1e7c22.portal.hcp.italynorth.azmk8s.io",
    "currentKubernetesVersion": "1.31.7", "dnsPrefix": "aks-cilium-rg-cilium-2d3e4f",
    "fqdn": "aks-cilium-5d1e7c22.hcp.italynorth.azmk8s.io",
    "id": "/subscriptions/%s/resourcegroups/%s/providers/Microsoft.ContainerService/managedClusters/%s" % (SUB, RG, CL),
    "kubernetesVersion": "1.31", "location": "italynorth", "name": CL,
    "networkProfile": {"dnsServiceIp": "10.0.0.10", "ipFamilies": ["IPv4"], "loadBalancerSku": "standard",
                       "natGatewayProfile": None, "networkDataplane": "cilium", "networkPlugin": "azure",
                       "networkPluginMode": "overlay", "networkPolicy": "cilium", "outboundType": "loadBalancer",
                       "podCidr": "192.168.0.0/16", "podCidrs": ["192.168.0.0/16"], "serviceCidr": "10.0.0.0/16",
                       "serviceCidrs": ["10.0.0.0/16"]},
    "nodeResourceGroup": NODE_RG, "powerState": {"code": "Running"}, "privateFqdn": None, "provisioningState": "Succeeded",
    "resourceGroup": RG, "type": "Microsoft.ContainerService/ManagedClusters",
}
write_json(ROOT + "/aks.json", aks)
write_json(ROOT + "/expected-findings.json", [
    {"code": "kubernetes-service-no-endpoints", "kind": "Service", "namespace": "default", "name": "kubernetes"},
])
assert not check_json_files(ROOT)
EOF
