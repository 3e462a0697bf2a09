import NetsimModel
import Yams

extension ImportState {
    /// The owner a controller set (`ownerReferences[]` with `controller: true`, else the first).
    static func controller(_ obj: Node) -> (kind: String, name: String)? {
        guard case .sequence(let refs)? = get(obj, "metadata", "ownerReferences") else { return nil }
        let pick = refs.first { string($0, "controller") == "true" } ?? refs.first
        guard let r = pick, let kind = string(r, "kind"), let name = string(r, "name") else { return nil }
        return (kind, name)
    }

    /// The first IPv4 address of `status.podIPs`, else `status.podIP`.
    static func podIPv4(_ pod: Node) -> IPv4Address? {
        if case .sequence(let ips)? = get(pod, "status", "podIPs") {
            for e in ips { if let t = string(e, "ip"), let a = IPv4Address(t) { return a } }
        }
        return string(pod, "status", "podIP").flatMap { IPv4Address($0) }
    }

    struct ObservedNodeRow { var name: String; var ip: IPv4Address?; var instanceID: String?; var zone: String?; var type: String?; var group: String?; var region: String?; var cloud: String; var location: SourceLocation }

    static func nodeRow(_ o: ImportedObject) -> ObservedNodeRow {
        var ip: IPv4Address? = nil
        if case .sequence(let addrs)? = get(o.node, "status", "addresses") {
            for a in addrs where string(a, "type") == "InternalIP" {
                if let t = string(a, "address"), let v = IPv4Address(t) { ip = v; break }
            }
        }
        var cloud = "unknown", zone: String? = nil, instance: String? = nil
        if let pid = string(o.node, "spec", "providerID") {
            if let r = pid.range(of: "://") {
                cloud = String(pid[..<r.lowerBound])
                if cloud == "aws" {
                    let parts = pid[r.upperBound...].split(separator: "/").map(String.init)
                    if parts.count >= 2 { zone = parts[parts.count - 2]; instance = parts[parts.count - 1] }
                    else if parts.count == 1 { instance = parts[0] }
                }
            } else { cloud = pid }
        }
        let labels = get(o.node, "metadata", "labels")
        zone = string(labels, "topology.kubernetes.io/zone") ?? zone
        var region = string(labels, "topology.kubernetes.io/region")
        if region == nil, let z = zone, let last = z.last, last.isLetter, z.count > 1 { region = String(z.dropLast()) }
        let group = string(labels, "eks.amazonaws.com/nodegroup") ?? string(labels, "alpha.eksctl.io/nodegroup-name")
        return ObservedNodeRow(name: o.name, ip: ip, instanceID: instance, zone: zone, type: string(labels, "node.kubernetes.io/instance-type"),
                               group: group, region: region, cloud: cloud, location: o.location)
    }

    mutating func resolve() {
        // Several clusters mixed: nodes of more than one cloud or region cannot be one cluster.
        // In reading order: the first node whose cloud or region differs from the first node's.
        let inOrder = nodes.map(Self.nodeRow)
        func place(_ r: ObservedNodeRow) -> String { r.cloud == "aws" ? "AWS region \(r.region ?? "(unknown)")" : "cloud '\(r.cloud)'" }
        if let a = inOrder.first, let b = inOrder.first(where: { place($0) != place(a) }) {
            reporter.error(.importMixedClusters, "node '\(echo: b.name)' is in \(echo: place(b)) but node '\(echo: a.name)' is in \(echo: place(a)): these dumps come from more than one cluster",
                           at: b.location, hint: "import one cluster's dump at a time, into its own folder (kubectl config current-context shows the cluster)",
                           notes: [Diagnostic.Note("node '\(Echo.clip(a.name))' read here", at: a.location)])
            return
        }
        let rows = inOrder.sorted { $0.name < $1.name }
        let nodeNames = Set(rows.map(\.name))
        let serviceNames = Set(services.map { "\($0.namespace ?? "")/\($0.name)" })
        let writtenKeys = Set(written.keys)

        // Pods: those a controller made are written as their workload; the rest as Pods.
        var podRows: [(ns: String, name: String, owner: String, node: String?, ip: IPv4Address?, host: Bool)] = []
        for p in pods.sorted(by: { ($0.namespace ?? "", $0.name) < ($1.namespace ?? "", $1.name) }) {
            let ns = p.namespace ?? "default"
            var ownerKind = "Pod", ownerName = p.name
            if let c = Self.controller(p.node) {
                switch c.kind {
                case "ReplicaSet":
                    if let rs = replicaSets["\(ns)/\(c.name)"], let d = Self.controller(rs.node), d.kind == "Deployment" {
                        ownerKind = "Deployment"; ownerName = d.name
                    } else if replicaSets["\(ns)/\(c.name)"] == nil, let hash = Self.string(p.node, "metadata", "labels", "pod-template-hash"),
                              c.name.hasSuffix("-" + hash) {
                        ownerKind = "Deployment"; ownerName = String(c.name.dropLast(hash.count + 1))
                        reporter.warning(.importMissingReference, "pod '\(echo: ns)/\(echo: p.name)' belongs to ReplicaSet '\(echo: c.name)', which the dump does not hold; it is taken as a pod of Deployment '\(echo: ownerName)' (its pod-template-hash)",
                                         at: p.location, hint: "dump the ReplicaSets and Deployments too: kubectl get deploy,rs,po -A -o yaml")
                    } else {
                        skip("Pod of a ReplicaSet without a Deployment", at: p.location, why: "netsim models Deployments, not bare ReplicaSets")
                        continue
                    }
                case "DaemonSet", "StatefulSet":
                    ownerKind = c.kind; ownerName = c.name
                default:
                    skip("Pod of a \(c.kind)", at: p.location, why: "netsim does not model \(c.kind)s")
                    continue
                }
                if ownerKind != "Pod", !writtenKeys.contains("\(ownerKind)/\(ns)/\(ownerName)") {
                    reporter.warning(.importMissingReference, "pod '\(echo: ns)/\(echo: p.name)' belongs to \(ownerKind) '\(echo: ownerName)', which the dump does not hold; its observed state is kept and the workload is not written",
                                     at: p.location, hint: "dump the workloads with the pods: kubectl get deploy,sts,ds,rs,po -A -o yaml")
                }
                folded["pods into their \(ownerKind)", default: 0] += 1
            } else {
                var o = p
                o.node = Self.strip(p.node, kind: "Pod")
                written[p.key] = o
            }
            let nodeName = Self.string(p.node, "spec", "nodeName")
            if let n = nodeName, !nodeNames.isEmpty, !nodeNames.contains(n) {
                reporter.warning(.importMissingReference, "pod '\(echo: ns)/\(echo: p.name)' runs on node '\(echo: n)', which the dump does not hold",
                                 at: p.location, hint: "dump the nodes with the pods: kubectl get nodes,po -A -o yaml")
            }
            let phase = Self.string(p.node, "status", "phase")
            if phase == "Succeeded" || phase == "Failed" { continue }
            let host = Self.string(p.node, "spec", "hostNetwork") == "true"
            podRows.append((ns, p.name, "\(ownerKind)/\(ownerName)", nodeName, Self.podIPv4(p.node), host))
        }
        for rs in replicaSets.values where Self.controller(rs.node)?.kind == "Deployment" { folded["ReplicaSets into their Deployment", default: 0] += 1 }
        for rs in replicaSets.values.sorted(by: { $0.key < $1.key }) where Self.controller(rs.node)?.kind != "Deployment" {
            skip("ReplicaSet", at: rs.location, why: "netsim models Deployments, not bare ReplicaSets")
        }
        for s in slices.sorted(by: { $0.key < $1.key }) {
            guard !serviceNames.isEmpty, let svc = Self.string(s.node, "metadata", "labels", "kubernetes.io/service-name") else { continue }
            if !serviceNames.contains("\(s.namespace ?? "")/\(svc)") && !(s.namespace == "default" && svc == "kubernetes") {
                reporter.warning(.importMissingReference, "EndpointSlice '\(echo: s.namespace ?? "")/\(echo: s.name)' belongs to Service '\(echo: svc)', which the dump does not hold",
                                 at: s.location, hint: "dump the Services with the slices: kubectl get svc,endpointslices -A -o yaml")
            }
        }

        // The observed state.
        var o = "# The observed state of a cluster, written by netsim import kubernetes (Docs/import.md).\n"
        o += "# Name it from the topology: kubernetes.observed. Sorted by name.\napiVersion: netsim/v1\nkind: ObservedState\n"
        o += "nodes:" + (rows.isEmpty ? " []\n" : "\n")
        for r in rows {
            var f = ["name: \(Self.q(r.name))"]
            if let ip = r.ip { f.append("internalIP: \(ip)") }
            if let i = r.instanceID { f.append("instanceID: \(Self.q(i))") }
            if let z = r.zone { f.append("zone: \(Self.q(z))") }
            if let t = r.type { f.append("instanceType: \(Self.q(t))") }
            if let g = r.group { f.append("nodeGroup: \(Self.q(g))") }
            o += "  - {" + f.joined(separator: ", ") + "}\n"
        }
        o += "pods:" + (podRows.isEmpty ? " []\n" : "\n")
        for p in podRows {
            var f = ["namespace: \(Self.q(p.ns))", "name: \(Self.q(p.name))", "owner: \(Self.q(p.owner))"]
            if let n = p.node { f.append("node: \(Self.q(n))") }
            if let ip = p.ip { f.append("ip: \(ip)") }
            if p.host { f.append("hostNetwork: true") }
            o += "  - {" + f.joined(separator: ", ") + "}\n"
        }
        let svcRows = services.sorted { ($0.namespace ?? "", $0.name) < ($1.namespace ?? "", $1.name) }
            .compactMap { s -> (String, String, IPv4Address)? in
                guard let ip = Self.string(s.node, "spec", "clusterIP").flatMap({ IPv4Address($0) }) else { return nil }
                return (s.namespace ?? "default", s.name, ip)
            }
        o += "services:" + (svcRows.isEmpty ? " []\n" : "\n")
        for s in svcRows { o += "  - {namespace: \(Self.q(s.0)), name: \(Self.q(s.1)), clusterIP: \(s.2)}\n" }
        observedText = o
        observedCounts = (rows.count, podRows.count, svcRows.count)
        for k in skipped.keys.sorted() {
            guard let s = skipped[k] else { continue }
            reporter.warning(.importKindSkipped, "\(s.count) object\(s.count == 1 ? "" : "s") of kind \(echo: k) not imported: \(s.why)\(s.count > 1 ? " (the first is here)" : "")",
                             at: s.first, hint: "only the kinds Docs/topology-format.md lists are imported; leave the others out of the dump to silence this")
        }
    }

    /// A YAML scalar for a name: plain when that reads back as the same string, else quoted.
    static func q(_ s: String) -> String {
        if plainSafe(s) { return s }
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if c.value < 0x20 || c.value == 0x7F { out += "\\x" + (c.value < 16 ? "0" : "") + String(c.value, radix: 16) } else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }

    /// A file name from a kind: lowercase letters only (kinds are identifiers).
    static func fileName(_ kind: String) -> String {
        String(kind.lowercased().unicodeScalars.filter { $0.isASCII && $0.properties.isAlphabetic }.map(Character.init))
    }

    func outputFiles(base: String, sources: [String]) -> [ImportedFile] {
        // One file per namespace and kind (cluster-scoped kinds under _cluster), objects by name.
        var groups: [String: [ImportedObject]] = [:]
        for o in written.values {
            let folder = o.namespace ?? "_cluster"
            groups["manifests/\(folder)/\(Self.fileName(o.kind)).yaml", default: []].append(o)
        }
        var files: [ImportedFile] = []
        for path in groups.keys.sorted() {
            let objs = (groups[path] ?? []).sorted { $0.name < $1.name }
            var text = "# Written by netsim import kubernetes; the fields the cluster manages are stripped.\n"
            for (i, o) in objs.enumerated() {
                if i > 0 { text += "---\n" }
                text += "# \(o.kind) \(Self.clip((o.namespace.map { $0 + "/" } ?? "") + o.name)) from \(Self.clip(o.location.description))\n"
                text += (try? Yams.serialize(node: o.node, indent: 2, width: -1, allowUnicode: true, sortKeys: true)) ?? ""
            }
            files.append(ImportedFile(path: path, text: text))
        }
        files.append(ImportedFile(path: "observed.yaml", text: observedText))
        var snippet = "# Add to the topology (paths are relative to the topology file's folder):\n"
        snippet += "kubernetes:\n  manifests:\n"
        if written.isEmpty { snippet += "    []\n" } else { snippet += "    - \(Self.q(base + "manifests/**/*.yaml"))\n" }
        snippet += "  observed: \(Self.q(base + "observed.yaml"))\n"
        if !awsNodeEnv.isEmpty {
            snippet += "# The aws-node DaemonSet's settings; netsim reads them from cluster.cni:\n# cluster:\n#   cni:\n"
            for (k, v) in awsNodeEnv.sorted(by: { $0.0 < $1.0 }) { snippet += "#     \(Self.clip(k)): \(Self.q(Self.clip(v)))\n" }
        }
        files.append(ImportedFile(path: "topology-snippet.yaml", text: snippet))
        return files
    }

    /// One line of text for a comment: no line breaks, at most 120 characters.
    static func clip(_ s: String) -> String {
        let one = String(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
        return one.count > 120 ? String(one.prefix(117)) + "..." : one
    }

    func summary(base: String) -> [String] {
        var out: [String] = []
        var byKind: [String: Int] = [:]
        for o in written.values { byKind[o.kind, default: 0] += 1 }
        let kinds = byKind.keys.sorted().map { "\($0) \(byKind[$0] ?? 0)" }.joined(separator: ", ")
        out.append("written: \(written.count) object\(written.count == 1 ? "" : "s")\(kinds.isEmpty ? "" : " (\(kinds))") under manifests/")
        out.append("observed: \(observedCounts.nodes) node\(observedCounts.nodes == 1 ? "" : "s"), \(observedCounts.pods) pod\(observedCounts.pods == 1 ? "" : "s"), \(observedCounts.services) cluster IP\(observedCounts.services == 1 ? "" : "s") in observed.yaml")
        for k in folded.keys.sorted() { out.append("folded: \(folded[k] ?? 0) \(k)") }
        for k in dropped.keys.sorted() { out.append("dropped: \(dropped[k] ?? 0) \(k)") }
        for k in skipped.keys.sorted() { out.append("not imported: \(skipped[k]?.count ?? 0) \(Self.clip(k)) (\(Self.clip(skipped[k]?.why ?? "")))") }
        return out
    }
}
