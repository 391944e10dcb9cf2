#!/bin/sh
# Regenerates this bundle byte for byte (needs python3; helpers in ../k8sgen.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$here/.." exec python3 - "$here" <<'EOF'
import sys
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("azure-cni", "2025-06-12T09:30:00Z")
reset_dirs(ROOT, "cluster", "nodes")
SUB, RG, CL = "8dbd2563-77eb-41a1-917b-5a1344da0001", "rg-pods", "aks-podsubnet"
NODE_RG = "MC_rg-pods_aks-podsubnet_westeurope"
VMSS = "aks-nodepool1-27182818-vmss"
DAY = 1440
N = [VMSS + "00000%d" % i for i in range(3)]
IP = {n: "10.240.0.%d" % (4 + i) for i, n in enumerate(N)}
VNET = "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/virtualNetworks/vnet-aks" % (SUB, RG)
nodes = [aks_node(g, n, ip=IP[n], pod_cidrs=None, created=g.t(60 * DAY), sub=SUB, node_rg=NODE_RG, vmss=VMSS, instance=i,
                  kubenet=False, extra_labels=
                  {"kubernetes.azure.com/podnetwork-type": "vnet", "kubernetes.azure.com/podnetwork-subnet": "snet-pods",
                   "kubernetes.azure.com/podnetwork-delegationguid": g.uid("delegation"),
                   "kubernetes.azure.com/network-subnet": "snet-nodes"})
         for i, n in enumerate(N)]

# Pod subnet snet-pods 10.241.0.0/26: Azure keeps .0-.3 and .63, so 59 usable.
# Each node's NC has a primary IP (.4 .5 .6) and a batch of 16 secondary IPs;
# 51 are taken and the 8 left (.55-.62) cannot satisfy another batch of 16.
NC_IPS = {N[0]: ["10.241.0.%d" % x for x in range(7, 23)],
          N[1]: ["10.241.0.%d" % x for x in range(23, 39)],
          N[2]: ["10.241.0.%d" % x for x in range(39, 55)]}
USED = {N[0]: 6, N[1]: 16, N[2]: 10}
pods = []
HOSTNET_DS = (
    ("kube-proxy", {"component": "kube-proxy", "tier": "node"}, "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.7", ["kube-proxy", "--v=3"]),
    ("azure-cns", {"k8s-app": "azure-cns"}, "mcr.microsoft.com/containernetworking/azure-cns:v1.6.25", ["/usr/local/bin/azure-cns"]),
    ("azure-ip-masq-agent", {"k8s-app": "azure-ip-masq-agent", "tier": "node"}, "mcr.microsoft.com/aks/ip-masq-agent-v2:v0.1.15", ["/ip-masq-agent-v2"]),
    ("cloud-node-manager", {"k8s-app": "cloud-node-manager"}, "mcr.microsoft.com/oss/kubernetes/azure-cloud-node-manager:v1.31.4", ["cloud-node-manager"]),
)
for dsname, lab, img, cmd in HOSTNET_DS:
    for n in N:
        pods.append(pod(g, "kube-system", "%s-%s" % (dsname, g.sfx(5, dsname, n)), node=n, host_network=True, host_ips=[IP[n]],
                        labels=dict(lab, **{"controller-revision-hash": g.sfx(10, dsname), "pod-template-generation": "1"}),
                        containers=[container(dsname, img, command=cmd)], age=60 * DAY,
                        owner=owner_ref(g, "apps/v1", "DaemonSet", "kube-system", dsname),
                        priority_class="system-node-critical", priority=2000001000, tolerations=DS_TOLERATIONS))

dns = "coredns-" + g.sfx(10, "dns")
dnsc = container("coredns", "mcr.microsoft.com/oss/kubernetes/coredns:v1.11.3-1",
                 ports=[port(53, "dns", "UDP"), port(53, "dns-tcp", "TCP"), port(9153, "metrics")], readiness=http_probe("/ready", 8181))
wrk = "worker-" + g.sfx(10, "wrk")
wc = container("worker", "ghcr.io/example/worker:3.3.0", ports=[port(8080, "http")], readiness=http_probe("/ready", "http"))
for n in N:
    ips = NC_IPS[n][:USED[n]]
    for k, ip in enumerate(ips):
        if k == 0 and n != N[1]:
            pods.append(pod(g, "kube-system", "%s-%s" % (dns, g.sfx(5, "dns", n)), node=n, host_ips=[IP[n]], ip=ip,
                            labels={"k8s-app": "kube-dns", "pod-template-hash": dns.split("-")[1]}, containers=[dnsc], age=59 * DAY,
                            owner=owner_ref(g, "apps/v1", "ReplicaSet", "kube-system", dns), sa="coredns",
                            priority_class="system-node-critical", priority=2000001000))
            continue
        pods.append(pod(g, "batch", "%s-%s" % (wrk, g.sfx(5, "w", n, k)), node=n, host_ips=[IP[n]], ip=ip,
                        labels={"app": "worker", "pod-template-hash": wrk.split("-")[1]}, containers=[wc], age=600 - k,
                        owner=owner_ref(g, "apps/v1", "ReplicaSet", "batch", wrk)))
stuck = pod(g, "batch", "%s-%s" % (wrk, g.sfx(5, "w", "stuck")), node=N[1], host_ips=[IP[N[1]]], state="creating",
            labels={"app": "worker", "pod-template-hash": wrk.split("-")[1]}, containers=[wc], age=14,
            owner=owner_ref(g, "apps/v1", "ReplicaSet", "batch", wrk))
pods.append(stuck)

NCID = {n: g.uid("nc", n) for n in N}
nncs = []
for i, n in enumerate(N):
    requested = 16 if n == N[0] else 32
    nc = {"assignmentMode": "dynamic", "defaultGateway": "10.241.0.1", "id": NCID[n],
          "ipAssignments": [{"ip": ip, "name": g.uid("ipassign", ip)} for ip in NC_IPS[n]],
          "nodeIP": IP[n], "primaryIP": "10.241.0.%d" % (4 + i), "resourceGroupID": RG, "subcriptionID": SUB,
          "subnetAddressSpace": "10.241.0.0/26", "subnetID": "snet-pods", "subnetName": "snet-pods", "type": "vnet",
          "version": 40 + i, "vnetID": "vnet-aks"}
    if n == N[2]:
        nc["status"] = "NCUpdateSubnetFullError"
    nnc = {"apiVersion": "acn.azure.com/v1alpha", "kind": "NodeNetworkConfig",
           "metadata": meta(g, "NodeNetworkConfig", "kube-system", n, created=g.t(60 * DAY), generation=5 + i,
                            finalizers=["finalizers.acn.azure.com/dnc-operations"],
                            labels={"kubernetes.azure.com/podnetwork-delegationguid": g.uid("delegation"),
                                    "kubernetes.azure.com/podnetwork-subnet": "snet-pods",
                                    "kubernetes.azure.com/podnetwork-type": "vnet", "managed": "true", "owner": n},
                            owner={"apiVersion": "v1", "blockOwnerDeletion": True, "controller": True, "kind": "Node",
                                   "name": n, "uid": g.uid("Node", "", n)}),
           "spec": {"requestedIPCount": requested},
           "status": {"assignedIPCount": len(NC_IPS[n]), "networkContainers": [nc],
                      "scaler": {"batchSize": 16, "maxIPCount": 250, "releaseThresholdPercent": 150, "requestThresholdPercent": 50}}}
    nncs.append(nnc)

sn = stuck["metadata"]["name"]
sb = g.cid("sb", sn)
events = [event_legacy(g, "batch", {"apiVersion": "v1", "kind": "Pod", "name": sn, "namespace": "batch",
                                    "resourceVersion": stuck["metadata"]["resourceVersion"], "uid": stuck["metadata"]["uid"]},
                       reason="FailedCreatePodSandBox", type_="Warning", count=11, first=13.8, last=0.6, host=N[1],
                       message="Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"%s\": "
                               "plugin type=\"azure-vnet\" failed (add): IPAM Invoker Add failed with error: Failed to get IP address from CNS with error: "
                               "%%w: AllocateIPConfig failed: not enough IPs available for %s, waiting on Azure CNS to allocate more with NC Status: , "
                               "IP config request is [IPConfigRequest: DesiredIPAddress , PodInterfaceID %s-eth0, InfraContainerID %s, "
                               "OrchestratorContext {\"PodName\":\"%s\",\"PodNamespace\":\"batch\"}]" % (sb, NCID[N[1]], sb[:8], sb, sn))]

svcs, eps, sls = [], [], []
ks = kubernetes_service(g, "10.0.0.1", created=g.t(60 * DAY))
ke, kl = kubernetes_endpoints(g, ["198.51.100.9"], created=g.t(60 * DAY))
svcs.append(ks); eps.append(ke); sls.append(kl)
for s in (service(g, "kube-system", "kube-dns", cluster_ip="10.0.0.10", selector={"k8s-app": "kube-dns"},
                  ports=[svc_port(53, 53, "dns", "UDP"), svc_port(53, 53, "dns-tcp")],
                  labels={"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"}),
          service(g, "batch", "worker", cluster_ip="10.0.140.2", selector={"app": "worker"}, ports=[svc_port(80, "http", "http")])):
    e, sl = endpoints_for(g, s, pods, nodes)
    svcs.append(s); eps.append(e); sls.extend(sl)

dss = []
for dsname, lab, img, cmd in HOSTNET_DS:
    dss.append(daemonset(g, "kube-system", dsname, labels=lab, selector=lab, template_labels=lab,
                         pod_spec=template_spec([container(dsname, img, command=cmd)], host_network=True,
                                                priority_class="system-node-critical"),
                         desired=3, ready=3, created=g.t(60 * DAY)))

swift = {"cniVersion": "0.3.0", "name": "azure", "adapterName": "", "plugins": [
    {"type": "azure-vnet", "mode": "transparent", "ipsToRouteViaHost": ["169.254.20.10"], "executionMode": "v4swift",
     "ipam": {"type": "azure-cns"}, "dns": {}, "runtimeConfig": {"dns": {}}, "windowsSettings": {}},
    {"type": "portmap", "capabilities": {"portMappings": True}, "snat": True}]}
for n in N:
    write_text("%s/nodes/%s/cni/net.d/15-azure-swift.conflist" % (ROOT, n), json.dumps(swift, indent=2) + "\n")

key = lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
write_list(ROOT + "/cluster/nodes.json", sorted(nodes, key=key))
write_list(ROOT + "/cluster/pods.json", sorted(pods, key=key))
write_list(ROOT + "/cluster/services.json", sorted(svcs, key=key))
write_list(ROOT + "/cluster/endpoints.json", sorted(eps, key=key))
write_list(ROOT + "/cluster/endpointslices.json", sorted(sls, key=key))
write_list(ROOT + "/cluster/events.json", events)
write_list(ROOT + "/cluster/daemonsets.json", sorted(dss, key=key))
write_list(ROOT + "/cluster/nodenetworkconfigs.json", nncs)

aks = {
    "agentPoolProfiles": [{"count": 3, "currentOrchestratorVersion": "1.31.7", "enableAutoScaling": False,
                           "enableNodePublicIp": False, "maxPods": 30, "mode": "System", "name": "nodepool1",
                           "nodeImageVersion": "AKSUbuntu-2204gen2containerd-202505.14.0", "orchestratorVersion": "1.31",
                           "osSku": "Ubuntu", "osType": "Linux", "podIpAllocationMode": "DynamicIndividual",
                           "podSubnetId": VNET + "/subnets/snet-pods", "powerState": {"code": "Running"},
                           "provisioningState": "Succeeded", "type": "VirtualMachineScaleSets", "vmSize": "Standard_D4ds_v5",
                           "vnetSubnetId": VNET + "/subnets/snet-nodes"}],
    "apiServerAccessProfile": {"authorizedIpRanges": ["203.0.113.0/24", "198.51.100.9/32"], "disableRunCommand": None,
                               "enablePrivateCluster": False, "enablePrivateClusterPublicFqdn": None,
                               "enableVnetIntegration": None, "privateDnsZone": None, "subnetId": None},
    "azurePortalFqdn": "aks-podsubnet-2f9c41be.portal.hcp.westeurope.azmk8s.io",
    "currentKubernetesVersion": "1.31.7", "dnsPrefix": "aks-podsubnet-rg-pods-8dbd25",
    "fqdn": "aks-podsubnet-2f9c41be.hcp.westeurope.azmk8s.io",
    "id": "/subscriptions/%s/resourcegroups/%s/providers/Microsoft.ContainerService/managedClusters/%s" % (SUB, RG, CL),
    "kubernetesVersion": "1.31", "location": "westeurope", "name": CL,
    "networkProfile": {"dnsServiceIp": "10.0.0.10", "ipFamilies": ["IPv4"], "loadBalancerSku": "standard",
                       "loadBalancerProfile": {"backendPoolType": "nodeIPConfiguration",
                                               "effectiveOutboundIPs": [{"id": "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/publicIPAddresses/%s" % (SUB, NODE_RG, g.uid("pip")),
                                                                         "resourceGroup": NODE_RG}],
                                               "managedOutboundIPs": {"count": 1, "countIpv6": None}, "outboundIPs": None,
                                               "outboundIpPrefixes": None},
                       "natGatewayProfile": None, "networkDataplane": "azure", "networkPlugin": "azure",
                       "networkPluginMode": None, "networkPolicy": "none", "outboundType": "loadBalancer",
                       "podCidr": None, "podCidrs": None, "serviceCidr": "10.0.0.0/16", "serviceCidrs": ["10.0.0.0/16"]},
    "nodeResourceGroup": NODE_RG, "powerState": {"code": "Running"}, "privateFqdn": None,
    "provisioningState": "Succeeded", "resourceGroup": RG, "type": "Microsoft.ContainerService/ManagedClusters",
}
write_json(ROOT + "/aks.json", aks)
write_json(ROOT + "/expected-findings.json", node_findings("pod-ip-allocation-failed", [stuck]) + [
    {"code": "azure-cni-ip-shortage", "kind": "NodeNetworkConfig", "namespace": "kube-system", "name": N[1]},
    {"code": "azure-cni-subnet-full", "kind": "NodeNetworkConfig", "namespace": "kube-system", "name": N[2]},
])
assert not check_json_files(ROOT)
for n in N:
    live = [p for p in pods if p["spec"].get("nodeName") == n and not p["spec"].get("hostNetwork") and p["status"].get("podIP")]
    print(n, "pod IPs in use:", len(live), "allocated:", len(NC_IPS[n]))
print("stuck:", sn)
EOF
