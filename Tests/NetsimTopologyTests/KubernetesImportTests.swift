import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

/// `netsim import kubernetes` on a `kubectl get … -A -o yaml` dump whose objects kubectl itself
/// wrote (client-side, `scripts/make-k8s-dump-fixture.py`), with the fields a cluster adds.
enum ImportLab {
    static let dump = Repo.path("Tests/NetsimTopologyTests/Fixtures/k8s-import/cluster.yaml")
    static let json = Repo.path("Tests/NetsimTopologyTests/Fixtures/k8s-import/cluster.json")

    static func file(_ r: KubernetesImportResult, _ path: String) -> String? { r.files.first { $0.path == path }?.text }

    /// The files without their comment lines (which name the input file and line).
    static func bodies(_ r: KubernetesImportResult) -> [String: String] {
        var out: [String: String] = [:]
        for f in r.files { out[f.path] = f.text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#") }.joined(separator: "\n") }
        return out
    }

    /// The quickstart topology with the import's manifests and observed state (written under
    /// `live/` in `scratch`) in place of its own, and without its expectations.
    static func topology(in scratch: Scratch, observed: ((String) -> String)? = nil) throws -> String {
        let r = KubernetesImport.run(inputs: [dump], base: "live/")
        for f in r.files { scratch.write("live/" + f.path, f.path == "observed.yaml" ? (observed?(f.text) ?? f.text) : f.text) }
        var text = try Repo.read("Topologies/quickstart.yaml")
        let k = try #require(text.range(of: "kubernetes:\n  manifests:\n    - k8s/shop/*.yaml\n"))
        text.replaceSubrange(k, with: "kubernetes:\n  manifests:\n    - live/manifests/**/*.yaml\n  observed: live/observed.yaml\n")
        let e = try #require(text.range(of: "expect:"))
        text = String(text[..<e.lowerBound])
        return scratch.write("t.yaml", text)
    }

    static func trace(_ n: Network, _ from: String, _ to: String, port: UInt16) throws -> Trace {
        let f = try Endpoint.parse(from).get(), t = try Endpoint.parse(to).get()
        let outcome = n.trace(FlowRequest(from: f, to: t, ipProtocol: .tcp, port: port))
        guard case .traced(let trace) = outcome else {
            Issue.record("\(from) → \(to) was not traced: \(outcome)"); throw CancellationError()
        }
        return trace
    }
}

@Suite("netsim import kubernetes")
struct KubernetesImportTests {
    @Test("cluster-managed fields are stripped and controller-made objects are written as their owner")
    func stripsAndFolds() throws {
        let r = KubernetesImport.run(inputs: [ImportLab.dump])
        #expect(!r.hasErrors, "\(r.diagnostics.map(\.formatted))")
        #expect(r.files.map(\.path) == ["manifests/_cluster/namespace.yaml", "manifests/shop/deployment.yaml", "manifests/shop/service.yaml",
                                        "observed.yaml", "topology-snippet.yaml"])
        let all = r.files.filter { $0.path.hasPrefix("manifests/") }.map(\.text).joined()
        for gone in ["status:", "managedFields", "resourceVersion", "uid:", "creationTimestamp", "generation", "ownerReferences",
                     "last-applied-configuration", "deployment.kubernetes.io/revision", "clusterIP", "nodeName", "ReplicaSet", "kind: Pod",
                     "EndpointSlice", "ConfigMap"] {
            #expect(!all.contains(gone), "\(gone) left in the manifests")
        }
        let deployments = try #require(ImportLab.file(r, "manifests/shop/deployment.yaml"))
        #expect(deployments.contains("name: cart") && deployments.contains("replicas: 2") && deployments.contains("containerPort: 8080"))
        #expect(deployments.components(separatedBy: "kind: Deployment").count == 3)
        // The ConfigMap is listed as not imported (one warning for the kind, at the first one).
        #expect(r.diagnostics.map(\.code) == [.importKindSkipped])
        #expect(r.summary.contains { $0.hasPrefix("folded: 2 ReplicaSets") } && r.summary.contains { $0.hasPrefix("folded: 3 pods") })
        #expect(r.summary.contains("dropped: 2 EndpointSlices made by the EndpointSlice controller"))
    }

    @Test("the observed state keeps pod addresses and nodes, node identity and cluster IPs")
    func observedState() throws {
        let r = KubernetesImport.run(inputs: [ImportLab.dump])
        let o = try #require(ImportLab.file(r, "observed.yaml"))
        #expect(o.contains("  - {name: ip-10-0-41-7.ec2.internal, internalIP: 10.0.41.7, instanceID: i-0a1b2c3d4e5f60718, zone: us-east-1a, instanceType: m5.large, nodeGroup: general}"))
        #expect(o.contains("  - {namespace: shop, name: cart-7d9c8b6f5-x7k2p, owner: Deployment/cart, node: ip-10-0-41-7.ec2.internal, ip: 10.0.45.20}"))
        #expect(o.contains("  - {namespace: shop, name: frontend, clusterIP: 172.20.118.40}"))
        let snippet = try #require(ImportLab.file(r, "topology-snippet.yaml"))
        #expect(snippet.contains("    - \"manifests/**/*.yaml\"\n  observed: observed.yaml\n"))
    }

    @Test("JSON input, split or reordered inputs and repeats give the same manifests")
    func deterministic() throws {
        let scratch = Scratch()
        let yaml = KubernetesImport.run(inputs: [ImportLab.dump])
        let json = KubernetesImport.run(inputs: [ImportLab.json])
        #expect(ImportLab.bodies(yaml) == ImportLab.bodies(json))
        // The same dump twice (two overlapping dumps): each object once, no warning.
        let twice = KubernetesImport.run(inputs: [ImportLab.dump, ImportLab.json])
        #expect(ImportLab.bodies(twice) == ImportLab.bodies(yaml))
        #expect(twice.diagnostics.map(\.code) == [.importKindSkipped])
        // A folder is read in sorted order, whatever order the items are in.
        let text = try String(contentsOfFile: ImportLab.dump, encoding: .utf8)
        scratch.write("dumps/b.yaml", text)
        scratch.write("dumps/a.json", try String(contentsOfFile: ImportLab.json, encoding: .utf8))
        scratch.write("dumps/.hidden.yaml", "not: read\n")
        let folder = KubernetesImport.run(inputs: [scratch.path("dumps")])
        #expect(folder.inputsRead.map { URL(fileURLWithPath: $0).lastPathComponent } == ["a.json", "b.yaml"])
        #expect(ImportLab.bodies(folder) == ImportLab.bodies(yaml))
    }

    @Test("bad input: located errors with their codes, and nothing to write")
    func badInput() throws {
        let scratch = Scratch()
        func run(_ text: String) -> KubernetesImportResult { KubernetesImport.run(inputs: [scratch.write("in-\(UUID().uuidString).yaml", text)]) }
        // Not a List: a topology.
        let topo = KubernetesImport.run(inputs: [Repo.path("Topologies/quickstart.yaml")])
        #expect(topo.hasErrors && topo.files.isEmpty && topo.diagnostics.map(\.code).contains(.importNotList))
        #expect(run("- a\n- b\n").diagnostics.first?.code == .importNotList)
        #expect(run("apiVersion: v1\nkind: List\nitems: 3\n").diagnostics.first?.code == .importNotList)
        // Truncated in the middle of a flow mapping: the parser's line and column.
        let full = try String(contentsOfFile: ImportLab.dump, encoding: .utf8)
        let cut = run(String(full.prefix(3000)) + "\n  - {a: [b")
        let e = try #require(cut.diagnostics.first { $0.severity == .error })
        #expect(e.code == .yamlSyntax && e.location.line > 50 && cut.files.isEmpty)
        // An item without a name, an item that is not a mapping.
        let noName = run("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {namespace: a}\n- 7\n")
        #expect(noName.diagnostics.filter { $0.code == .importInvalidObject }.map(\.location.line) == [4, 7])
        // A namespace that is not a namespace name; a control character in a name.
        #expect(run("apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: a, namespace: ../x}}\n").diagnostics.first?.code == .importInvalidObject)
        #expect(run("apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: \"a\\u001b[31m\"}}\n").diagnostics.first?.code == .importInvalidObject)
        // A megabyte name is refused, not echoed.
        let huge = run("apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: \(String(repeating: "a", count: 1 << 20))}}\n")
        #expect(huge.diagnostics.first?.code == .importInvalidObject && (huge.diagnostics.first?.message.count ?? 0) < 400)
        // A megabyte kind is listed, clipped.
        let bigKind = run("apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: K\(String(repeating: "k", count: 1 << 20)), metadata: {name: a}}\n")
        #expect(bigKind.diagnostics.map(\.code) == [.importKindSkipped] && bigKind.summary.allSatisfy { $0.count < 400 })
        #expect(bigKind.diagnostics.allSatisfy { $0.message.count < 400 })
        // An apiVersion netsim does not read for a kind it models: listed, not written.
        let old = run("apiVersion: v1\nkind: List\nitems:\n- {apiVersion: extensions/v1beta1, kind: Ingress, metadata: {name: a}}\n")
        #expect(old.diagnostics.map(\.code) == [.importKindSkipped] && !old.hasErrors)
    }

    @Test("objects referring to missing ones are warned; differing repeats keep the first")
    func references() throws {
        let scratch = Scratch()
        let text = """
        apiVersion: v1
        kind: List
        items:
        - {apiVersion: v1, kind: Node, metadata: {name: n1, labels: {topology.kubernetes.io/zone: us-east-1a}}, spec: {providerID: "aws:///us-east-1a/i-1"}}
        - apiVersion: v1
          kind: Pod
          metadata: {name: web-abc-x1, namespace: a, labels: {pod-template-hash: abc}, ownerReferences: [{kind: ReplicaSet, name: web-abc, controller: true}]}
          spec: {nodeName: n9, containers: [{name: c}]}
          status: {podIP: 10.0.0.9}
        - {apiVersion: discovery.k8s.io/v1, kind: EndpointSlice, metadata: {name: s, namespace: a, labels: {kubernetes.io/service-name: gone}}, addressType: IPv4, endpoints: []}
        - {apiVersion: discovery.k8s.io/v1, kind: EndpointSlice, metadata: {name: kubernetes, namespace: default, labels: {kubernetes.io/service-name: kubernetes}}, addressType: IPv4, endpoints: [{addresses: [10.0.63.250]}]}
        - {apiVersion: v1, kind: Service, metadata: {name: other, namespace: a}, spec: {ports: [{port: 80}]}}
        - {apiVersion: v1, kind: Service, metadata: {name: other, namespace: a}, spec: {ports: [{port: 81}]}}
        """
        let r = KubernetesImport.run(inputs: [scratch.write("refs.yaml", text)])
        let codes = r.diagnostics.map(\.code.id)
        #expect(!r.hasErrors)
        #expect(codes.filter { $0 == "NS1573" }.count == 4, "\(r.diagnostics.map(\.formatted))")   // ReplicaSet, Deployment, node, Service
        #expect(codes.contains("NS1576"))
        let o = try #require(ImportLab.file(r, "observed.yaml"))
        #expect(o.contains("owner: Deployment/web, node: n9, ip: 10.0.0.9"))
        #expect(try #require(ImportLab.file(r, "manifests/a/service.yaml")).contains("port: 80"))
        #expect(ImportLab.file(r, "manifests/default/endpointslice.yaml") == nil)
        #expect(r.summary.contains { $0.contains("EndpointSlice default/kubernetes") })
    }

    @Test("nodes of two regions or two clouds are two clusters: an error")
    func mixedClusters() throws {
        let scratch = Scratch()
        let text = """
        apiVersion: v1
        kind: List
        items:
        - {apiVersion: v1, kind: Node, metadata: {name: a}, spec: {providerID: "aws:///us-east-1a/i-1"}}
        - {apiVersion: v1, kind: Node, metadata: {name: b}, spec: {providerID: "aws:///eu-west-1b/i-2"}}
        """
        let r = KubernetesImport.run(inputs: [scratch.write("mixed.yaml", text)])
        let e = try #require(r.diagnostics.first)
        #expect(r.hasErrors && r.files.isEmpty && e.code == .importMixedClusters && e.location.line == 5 && e.notes.count == 1)
        let clouds = KubernetesImport.run(inputs: [scratch.write("clouds.yaml", text.replacingOccurrences(of: "aws:///eu-west-1b/i-2", with: "gce://p/us-east1-b/b"))])
        #expect(clouds.diagnostics.first?.code == .importMixedClusters)
    }

    @Test("a large dump: 200 Deployments, 4,000 pods on 100 nodes, folded and observed")
    func largeDump() throws {
        let scratch = Scratch()
        var text = "apiVersion: v1\nkind: List\nmetadata: {resourceVersion: \"\"}\nitems:\n"
        for n in 0..<100 {
            text += "- {apiVersion: v1, kind: Node, metadata: {name: n\(n), labels: {eks.amazonaws.com/nodegroup: g, topology.kubernetes.io/zone: us-east-1a}}, spec: {providerID: \"aws:///us-east-1a/i-\(n)\"}, status: {addresses: [{type: InternalIP, address: 10.0.\(n / 200).\(n % 200 + 10)}]}}\n"
        }
        for d in 0..<200 {
            text += "- {apiVersion: apps/v1, kind: Deployment, metadata: {name: d\(d), namespace: ns\(d % 7), uid: u\(d)}, spec: {replicas: 20, selector: {matchLabels: {app: d\(d)}}, template: {metadata: {labels: {app: d\(d)}}, spec: {containers: [{name: c}]}}}, status: {replicas: 20}}\n"
            text += "- {apiVersion: apps/v1, kind: ReplicaSet, metadata: {name: d\(d)-h\(d), namespace: ns\(d % 7), ownerReferences: [{kind: Deployment, name: d\(d), controller: true}]}}\n"
            for p in 0..<20 {
                text += "- {apiVersion: v1, kind: Pod, metadata: {name: d\(d)-h\(d)-p\(p), namespace: ns\(d % 7), ownerReferences: [{kind: ReplicaSet, name: d\(d)-h\(d), controller: true}]}, spec: {nodeName: n\((d * 20 + p) % 100), containers: [{name: c}]}, status: {phase: Running, podIP: 10.1.\(d).\(p + 10)}}\n"
            }
        }
        let r = KubernetesImport.run(inputs: [scratch.write("big.yaml", text)])
        #expect(!r.hasErrors && r.diagnostics.isEmpty, "\(r.diagnostics.prefix(3).map(\.formatted))")
        #expect(r.files.count == 7 + 2)   // deployment.yaml in seven namespaces, observed, snippet
        #expect(r.summary.contains("folded: 4000 pods into their Deployment") && r.summary.contains("folded: 200 ReplicaSets into their Deployment"))
        let observed = try #require(ImportLab.file(r, "observed.yaml"))
        #expect(observed.components(separatedBy: "owner: Deployment/").count == 4001)
    }

    @Test("a FIFO named on the command line is read to its end")
    func fifo() throws {
        let scratch = Scratch()
        let path = scratch.path("dump.fifo")
        #expect(mkfifo(path, 0o600) == 0)
        let text = try String(contentsOfFile: ImportLab.dump, encoding: .utf8)
        let writer = Thread {
            if let h = FileHandle(forWritingAtPath: path) { h.write(Data(text.utf8)); try? h.close() }
        }
        writer.start()
        let r = KubernetesImport.run(inputs: [path])
        #expect(ImportLab.bodies(r) == ImportLab.bodies(KubernetesImport.run(inputs: [ImportLab.dump])))
    }
}

@Suite("the observed state in the topology")
struct ObservedStateTests {
    @Test("observed nodes, pods and cluster IPs are realized as observed and the fabric owns the pod addresses")
    func realizedAsObserved() throws {
        let scratch = Scratch()
        let r = TopologyLoader(catalog: .builtin).load(path: try ImportLab.topology(in: scratch))
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        #expect(t.kubernetes.observed?.pods.count == 3)
        let c = Realizer.realize(t, catalog: .builtin)
        let node = try #require(c.node(named: "ip-10-0-41-7.ec2.internal"))
        #expect(node.primaryIP.description == "10.0.41.7" && node.instanceID == "i-0a1b2c3d4e5f60718" && node.subnet == "private-a")
        #expect(c.nodes.filter { $0.group == "general" }.count == 3, "two observed nodes and one netsim launches for count 3")
        let pod = try #require(c.pods.first { $0.name == "cart-7d9c8b6f5-x7k2p" })
        #expect(pod.ip?.description == "10.0.45.20" && pod.node == node.name && pod.status == .running)
        #expect(node.ipam.enis.contains { e in e.cidrs.contains { $0.cidr.contains(IPv4Address(10, 0, 45, 20)) } })
        #expect(c.services.first { $0.name == "cart" }?.clusterIP?.description == "172.20.31.7")
        // What ipamd would have done differs: one located warning per pod, in the observed file.
        #expect(c.observedDiagnostics.map(\.code) == [.observedPodAddress, .observedPodAddress, .observedPodAddress])
        #expect(c.observedDiagnostics.allSatisfy { $0.location.file.hasSuffix("live/observed.yaml") && $0.severity == .warning })
        #expect(c.observedUnplaced.isEmpty)
    }

    @Test("a trace from an observed pod leaves from its observed address on its node, to the Service's observed cluster IP")
    func traceUsesObserved() throws {
        let scratch = Scratch()
        let r = TopologyLoader(catalog: .builtin).load(path: try ImportLab.topology(in: scratch))
        let n = Network(topology: try #require(r.validTopology), catalog: .builtin)
        let tr = try ImportLab.trace(n, "pod:shop/cart-7d9c8b6f5-x7k2p", "service:shop/frontend", port: 80)
        #expect(tr.disposition == .delivered)
        #expect(tr.packet.source.description == "10.0.45.20" && tr.packet.destination.description == "172.20.118.40")
        // kube-proxy picked the frontend's one observed endpoint.
        #expect(tr.forward.finalPacket.destination.description == "10.0.80.32")
        // The fabric owns the observed address: the node's security group judged it.
        #expect(tr.forward.hops.contains { $0.steps.contains { if case .securityGroupAllows = $0.detail { return true }; return false } })
    }

    @Test("an observed pod netsim cannot place is a located warning, and traces naming it are NOT_MODELLED")
    func unplaced() throws {
        let scratch = Scratch()
        let path = try ImportLab.topology(in: scratch) { text in
            text.replacingOccurrences(of: "node: ip-10-0-41-7.ec2.internal, ip: 10.0.45.20", with: "node: ip-10-9-9-9.ec2.internal, ip: 10.0.45.20")
                .replacingOccurrences(of: "ip: 10.0.80.32", with: "ip: 10.0.0.77")
                .replacingOccurrences(of: "clusterIP: 172.20.31.7", with: "clusterIP: 10.99.0.1")
        }
        let r = TopologyLoader(catalog: .builtin).load(path: path)
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        let c = Realizer.realize(t, catalog: .builtin)
        let codes = c.observedDiagnostics.map(\.code.id)
        #expect(codes.contains("NS1580") && codes.contains("NS1582"), "\(c.observedDiagnostics.map(\.formatted))")
        #expect(c.observedDiagnostics.contains { $0.code == .observedPodAddress && $0.message.contains("10.0.0.77") && $0.message.contains("NOT_MODELLED") })
        #expect(c.services.first { $0.name == "cart" }?.clusterIP?.description != "10.99.0.1")
        let n = Network(topology: t, catalog: .builtin)
        for (from, to) in [("pod:shop/cart-7d9c8b6f5-x7k2p", "service:shop/frontend"), ("pod:shop/frontend-5f6c7d8b9-x7k2p", "service:shop/cart"),
                           ("deployment:shop/cart", "pod:shop/frontend-5f6c7d8b9-x7k2p")] {
            let tr = try ImportLab.trace(n, from, to, port: 80)
            #expect(tr.disposition == .notModelled, "\(from) → \(to)")
            #expect(tr.caveats.first?.kind == .observedNotPlaced && tr.caveats.first?.affectsVerdict == true)
        }
    }

    @Test("a trace to the observed address of a pod netsim could not place is NOT_MODELLED, not a verdict about whatever netsim put there")
    func unplacedByAddress() throws {
        let scratch = Scratch()
        // cart's pod runs on a node the topology does not have; netsim schedules a cart pod of
        // its own elsewhere, so the observed 10.0.45.20 is not that pod's address in netsim.
        let path = try ImportLab.topology(in: scratch) { text in
            text.replacingOccurrences(of: "node: ip-10-0-41-7.ec2.internal, ip: 10.0.45.20", with: "node: ip-10-9-9-9.ec2.internal, ip: 10.0.45.20")
        }
        let r = TopologyLoader(catalog: .builtin).load(path: path)
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        let n = Network(topology: t, catalog: .builtin)
        for (from, to) in [("pod:shop/frontend-5f6c7d8b9-x7k2p", "ip:10.0.45.20"), ("ip:10.0.45.20", "pod:shop/frontend-5f6c7d8b9-x7k2p")] {
            let tr = try ImportLab.trace(n, from, to, port: 80)
            #expect(tr.disposition == .notModelled, "\(from) → \(to): \(tr.disposition)")
            #expect(tr.caveats.first?.kind == .observedNotPlaced && tr.caveats.first?.affectsVerdict == true)
        }
        // A placed observed pod's address still traces (frontend's pod is on a node netsim has).
        let ok = try ImportLab.trace(n, "ip:10.0.80.32", "ip:10.0.41.7", port: 80)
        #expect(ok.disposition != .notModelled)
    }

    @Test("with prefix delegation an observed pod address outside netsim's /28 prefixes is NOT_MODELLED, never another address's verdict")
    func prefixDelegationNode() throws {
        let scratch = Scratch()
        var text = try String(contentsOfFile: try ImportLab.topology(in: scratch), encoding: .utf8)
        text = text.replacingOccurrences(of: "  cni: {}", with: "  cni: {ENABLE_PREFIX_DELEGATION: \"true\"}")
        let path = scratch.write("pd.yaml", text)
        let r = TopologyLoader(catalog: .builtin).load(path: path)
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        let c = Realizer.realize(t, catalog: .builtin)
        let n = Network(topology: t, catalog: .builtin)
        let pod = try #require(c.pods.first { $0.name == "cart-7d9c8b6f5-x7k2p" })
        let tr = try ImportLab.trace(n, "pod:shop/cart-7d9c8b6f5-x7k2p", "service:shop/frontend", port: 80)
        if pod.ip?.description == "10.0.45.20" {
            // Placed: the node holds a /28 with the observed address, and the packet leaves from it.
            #expect(c.node(named: "ip-10-0-41-7.ec2.internal")?.ipam.enis.contains { e in e.cidrs.contains { $0.cidr.prefixLength == 28 && $0.cidr.contains(IPv4Address(10, 0, 45, 20)) } } == true)
            #expect(tr.packet.source.description == "10.0.45.20")
        } else {
            #expect(c.observedUnplaced["shop/cart-7d9c8b6f5-x7k2p"]?.contains("prefix") == true, "\(c.observedUnplaced)")
            #expect(tr.disposition == .notModelled && tr.caveats.first?.kind == .observedNotPlaced)
        }
    }

    @Test("a bad observed file: located errors (NS1578), wrong kind, bad addresses, unknown keys")
    func badObservedFile() throws {
        let scratch = Scratch()
        for (text, code, line) in [
            ("apiVersion: netsim/v1\nkind: Topology\n", "NS1578", 1),
            ("apiVersion: netsim/v1\nkind: ObservedState\npods:\n  - {namespace: a, name: p, ip: 10.0.0.300}\n", "NS1578", 4),
            ("apiVersion: netsim/v1\nkind: ObservedState\npods:\n  - {namespace: a, name: p, owner: ReplicaSet/x}\n", "NS1578", 4),
            ("apiVersion: netsim/v1\nkind: ObservedState\nnodes:\n  - {name: n, internalIp: 10.0.0.1}\n", "NS0201", 4),
            ("apiVersion: netsim/v1\nkind: ObservedState\nservices:\n  - {name: s}\n", "NS0203", 4),
            ("apiVersion: netsim/v1\nkind: ObservedState\nnodes:\n  - {name: n}\n  - {name: n}\n", "NS1578", 5),
        ] {
            let path = try ImportLab.topology(in: scratch) { _ in text }
            let r = TopologyLoader(catalog: .builtin).load(path: path)
            let d = try #require(r.diagnostics.first { $0.severity == .error }, "\(text)")
            #expect(d.code.id == code && d.location.line == line && d.location.file.hasSuffix("observed.yaml"), "\(d.formatted)")
        }
    }
}
