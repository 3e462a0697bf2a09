#!/usr/bin/env python3
"""Writes Tests/NetsimTopologyTests/Fixtures/k8s-import/cluster.yaml: the output
`kubectl get namespaces,nodes,deployments,replicasets,pods,services,endpointslices,configmaps -A -o yaml`
would give for the quickstart topology's shop (two nodes of node group `general`).

The objects' specs come from kubectl itself, client-side only (`--dry-run=client`, no cluster is
contacted); this script adds what the API server and controllers add, in the shape a real
`kubectl get -o yaml` prints it: a `kind: List` with `metadata.resourceVersion: ""`, and per
object `uid`, `resourceVersion`, `creationTimestamp`, `generation`, `managedFields`,
`ownerReferences` (ReplicaSet -> Deployment, Pod -> ReplicaSet), the last-applied annotation,
Service `clusterIP`/`clusterIPs`, pod `spec.nodeName` and `status.podIP(s)`, node `providerID`,
labels and `status.addresses`, and the EndpointSlice controller's slices.
Run from the repository root: python3 scripts/make-k8s-dump-fixture.py
"""
import json, subprocess, sys

def kubectl(*args):
    out = subprocess.run(["kubectl", *args, "--dry-run=client", "-o", "json"], check=True, capture_output=True, text=True).stdout
    return json.loads(out)

uidn = [0]
def meta(obj, rv):
    uidn[0] += 1
    m = obj["metadata"]
    m["uid"] = "6c0a1e0b-%04d-4d6e-9a53-0f4c2e7d%04d" % (uidn[0], uidn[0])
    m["resourceVersion"] = str(rv)
    m["creationTimestamp"] = "2026-12-01T09:%02d:00Z" % (uidn[0] % 60)
    m["managedFields"] = [{"apiVersion": obj["apiVersion"], "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {"f:labels": {}}},
                           "manager": "kubectl-client-side-apply", "operation": "Update", "time": m["creationTimestamp"]}]
    return obj

def last_applied(obj):
    clean = {k: v for k, v in obj.items() if k != "status"}
    obj["metadata"].setdefault("annotations", {})["kubectl.kubernetes.io/last-applied-configuration"] = json.dumps(clean, sort_keys=True) + "\n"

items = []
ns = kubectl("create", "namespace", "shop"); ns["metadata"].pop("creationTimestamp", None)
ns["metadata"]["labels"] = {"kubernetes.io/metadata.name": "shop"}
ns["spec"] = {"finalizers": ["kubernetes"]}; ns["status"] = {"phase": "Active"}
items.append(meta(ns, 1001))

nodes = [("ip-10-0-41-7.ec2.internal", "10.0.41.7", "us-east-1a", "i-0a1b2c3d4e5f60718"),
         ("ip-10-0-77-12.ec2.internal", "10.0.77.12", "us-east-1b", "i-0f1e2d3c4b5a69788")]
for name, ip, zone, iid in nodes:
    n = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": {
        "eks.amazonaws.com/nodegroup": "general", "node.kubernetes.io/instance-type": "m5.large",
        "topology.kubernetes.io/zone": zone, "topology.kubernetes.io/region": "us-east-1", "kubernetes.io/hostname": name, "role": "general"}},
        "spec": {"providerID": "aws:///%s/%s" % (zone, iid)},
        "status": {"addresses": [{"address": ip, "type": "InternalIP"}, {"address": name, "type": "InternalDNS"}, {"address": name, "type": "Hostname"}],
                   "nodeInfo": {"kubeletVersion": "v1.31.2-eks-7f9249a"}}}
    items.append(meta(n, 2000 + len(items)))

apps = [("cart", 2, 8080, [("10.0.41.7", "10.0.45.20"), ("10.0.77.12", "10.0.80.31")], "7d9c8b6f5"),
        ("frontend", 1, 8080, [("10.0.77.12", "10.0.80.32")], "5f6c7d8b9")]
for app, replicas, port, placed, h in apps:
    d = kubectl("create", "deployment", app, "--image=nginx", "--replicas=%d" % replicas, "--port=%d" % port, "-n", "shop")
    d["metadata"].pop("creationTimestamp", None)
    last_applied(d)
    d["metadata"]["generation"] = 1
    d["metadata"].setdefault("annotations", {})["deployment.kubernetes.io/revision"] = "1"
    d["status"] = {"availableReplicas": replicas, "readyReplicas": replicas, "replicas": replicas, "updatedReplicas": replicas, "observedGeneration": 1}
    items.append(meta(d, 3000 + len(items)))
    rs_name = "%s-%s" % (app, h)
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": rs_name, "namespace": "shop", "labels": {"app": app, "pod-template-hash": h},
          "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": app, "uid": d["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}]},
          "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": app, "pod-template-hash": h}}, "template": d["spec"]["template"]},
          "status": {"replicas": replicas, "readyReplicas": replicas}}
    items.append(meta(rs, 3100 + len(items)))
    for i, (node_ip, pod_ip) in enumerate(placed):
        node = [n for n in nodes if n[1] == node_ip][0][0]
        suffix = ["x7k2p", "q9w4z", "m3n8v"][i]
        p = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "%s-%s" % (rs_name, suffix), "generateName": rs_name + "-", "namespace": "shop",
             "labels": {"app": app, "pod-template-hash": h},
             "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs_name, "uid": rs["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}]},
             "spec": dict(d["spec"]["template"]["spec"], nodeName=node, serviceAccountName="default"),
             "status": {"phase": "Running", "hostIP": node_ip, "hostIPs": [{"ip": node_ip}], "podIP": pod_ip, "podIPs": [{"ip": pod_ip}], "qosClass": "BestEffort"}}
        items.append(meta(p, 3200 + len(items)))

for app, cip in [("cart", "172.20.31.7"), ("frontend", "172.20.118.40")]:
    s = kubectl("create", "service", "clusterip", app, "--tcp=80:8080", "-n", "shop")
    s["metadata"].pop("creationTimestamp", None)
    last_applied(s)
    s["spec"].update({"clusterIP": cip, "clusterIPs": [cip], "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                      "internalTrafficPolicy": "Cluster", "sessionAffinity": "None"})
    items.append(meta(s, 4000 + len(items)))
    eps = [{"addresses": [p[1]], "conditions": {"ready": True, "serving": True, "terminating": False}, "nodeName": [n for n in nodes if n[1] == p[0]][0][0]}
           for a in apps if a[0] == app for p in a[3]]
    sl = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
          "metadata": {"name": app + "-8vq5n", "generateName": app + "-", "namespace": "shop",
                       "labels": {"kubernetes.io/service-name": app, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io", "app": app},
                       "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": app, "uid": s["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}]},
          "endpoints": eps, "ports": [{"name": "80-8080", "port": 8080, "protocol": "TCP"}]}
    items.append(meta(sl, 4100 + len(items)))

cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kube-root-ca.crt", "namespace": "shop"}, "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\n...\n"}}
items.append(meta(cm, 5000))

dump = {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}
# kubectl -o yaml is the JSON object written as YAML (sigs.k8s.io/yaml: keys sorted, block style).
import yaml  # PyYAML
sys.stdout.write(yaml.safe_dump(dump, sort_keys=True, default_flow_style=False, width=1000))
