import Foundation
import NetsimFlow
import NetsimModel
import NetsimRender
import NetsimTestSupport
import NetsimTopology
import Testing

/// `netsim node FILE NODE --show policy`: the PolicyEndpoint map entries the VPC CNI agent
/// holds for each pod of a node, checked against the topology's policies and, for JSON, a
/// reviewed golden file.
@Suite struct NodePolicyViewTests {
    static let file = "Topologies/multi-tenant-network-policies.yaml"

    static func topology(_ path: String = file) throws -> Topology {
        Repo.enterRoot()
        return try #require(TopologyLoader(catalog: .builtin).load(path: path).validTopology)
    }

    /// The node running the first pod whose key starts with `prefix`, and that pod's key.
    static func node(of prefix: String, in n: Network) throws -> (node: String, pod: String) {
        let p = try #require(n.fabric.realized.pods.first { "\($0.namespace)/\($0.name)".hasPrefix(prefix) && $0.node != nil })
        return (try #require(p.node), "\(p.namespace)/\(p.name)")
    }

    /// The acme api pod: its egress holds the ipBlock 0.0.0.0/0 allow on TCP 443 with the three
    /// private ranges of `except` as deny entries, /32s of the postgres pods, CoreDNS and the
    /// kube-dns ClusterIP, and the node's own address; longest prefix first; each entry says
    /// which rule and line put it there.
    @Test func apiPodEntriesComeFromItsPolicies() throws {
        let t = try Self.topology()
        let n = Network(topology: t, catalog: .builtin)
        let (node, key) = try Self.node(of: "tenant-acme/api-", in: n)
        let v = try NodePolicyView.build(n.fabric, node: node, pod: key).get()
        #expect(v.enforcer == "vpc-cni" && v.enforced && v.view == "agent-maps")
        let pod = try #require(v.pods.first)
        #expect(v.pods.count == 1 && pod.name == key)
        #expect(pod.state == "policiesApplied")
        #expect(pod.group?.hasPrefix("api-") == true && pod.group?.hasSuffix("@tenant-acme") == true)
        #expect(pod.policies.map(\.name) == ["tenant-acme/default-deny-all", "tenant-acme/allow-dns", "tenant-acme/api"])
        let egress = try #require(pod.egress.entries)
        let byCIDR = Dictionary(egress.map { ($0.cidr, $0) }, uniquingKeysWith: { a, _ in a })
        let any = try #require(byCIDR["0.0.0.0/0"])
        #expect(any.kind == "allow" && any.slots.map(\.protocol) == ["TCP"] && any.slots.map(\.port) == [443])
        #expect(any.slots.first?.sources.first?.policy == "tenant-acme/api" && any.slots.first?.sources.first?.rule == 1)
        for x in ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] {
            #expect(byCIDR[x]?.kind == "except-deny", "\(x)")
        }
        let nodeIP = try #require(n.fabric.nodeByName[node]?.primaryIP)
        #expect(byCIDR["\(nodeIP)/32"]?.kind == "node-ip")
        #expect(byCIDR["172.20.0.10/32"]?.slots.first?.sources.first?.peerName == "kube-system/kube-dns")
        for p in n.fabric.realized.pods where p.namespace == "tenant-acme" && p.name.hasPrefix("postgres-") {
            let ip = try #require(p.ip)
            #expect(byCIDR["\(ip)/32"]?.slots.map(\.port) == [5432], "\(p.name)")
        }
        // Longest prefix first.
        let lengths = egress.compactMap { Int($0.cidr.split(separator: "/").last ?? "") }
        #expect(lengths == lengths.sorted(by: >))
        // Each location is a line of the file that holds what it names.
        let apiRule = try #require(any.slots.first?.sources.first?.location)
        let parts = apiRule.split(separator: ":")
        let text = try String(contentsOfFile: String(parts[0]), encoding: .utf8)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false)[try #require(Int(parts[1])) - 1]
        #expect(line.contains("ipBlock"), "\(apiRule): \(line)")
        try Golden.assert(NodePolicyRenderer.render(v, as: .json), matches: "Tests/NetsimTopologyTests/Fixtures/golden/node-policy-api.json")
    }

    /// Pods nobody selects have no maps and the mode's default state; hostNetwork pods have no
    /// program; every running pod of the node is listed.
    @Test func everyPodOfTheNodeIsListed() throws {
        let n = Network(topology: try Self.topology(), catalog: .builtin)
        let (node, _) = try Self.node(of: "tenant-acme/api-", in: n)
        let v = try NodePolicyView.build(n.fabric, node: node).get()
        let running = n.fabric.realized.pods.filter { $0.node == node && $0.status == .running }.map { "\($0.namespace)/\($0.name)" }.sorted()
        #expect(v.pods.map(\.name) == running)
        for p in v.pods where p.name.hasPrefix("kube-system/aws-node-") { #expect(p.hostNetwork && p.state == "hostNetwork") }
        for p in v.pods where p.name.hasPrefix("monitoring/fluent-bit-") { #expect(p.state == "defaultAllow" && p.policies.isEmpty) }
        let text = NodePolicyRenderer.render(v, as: .text)
        #expect(text.contains("no policies (default allow, standard mode)"), "\(text)")
    }

    /// Under enforcer upstream: the policies selecting each pod per direction, no maps; under none
    /// or undeclared: the agent's maps, labelled as not enforced.
    @Test func enforcerDecidesWhatIsShown() throws {
        var t = try Self.topology()
        let n0 = Network(topology: t, catalog: .builtin)
        let (node, key) = try Self.node(of: "tenant-acme/web-", in: n0)
        t.cluster?.networkPolicy.enforcer = .upstream
        let up = try NodePolicyView.build(Network(topology: t, catalog: .builtin).fabric, node: node, pod: key).get()
        let web = try #require(up.pods.first)
        #expect(up.view == "spec-selection" && web.ingress.entries == nil && web.state == nil)
        #expect(web.ingress.selectedBy == ["tenant-acme/default-deny-all", "tenant-acme/web-from-ingress-controller"])
        #expect(NodePolicyRenderer.render(up, as: .text).contains("the spec has no per-pod maps"))
        for e in [NetworkPolicySettings.Enforcer.none, .undeclared] {
            t.cluster?.networkPolicy.enforcer = e
            let v = try NodePolicyView.build(Network(topology: t, catalog: .builtin).fabric, node: node, pod: key).get()
            #expect(!v.enforced && v.view == "agent-maps" && v.pods.first?.ingress.entries?.isEmpty == false)
            let text = NodePolicyRenderer.render(v, as: .text)
            #expect(text.contains("what the VPC CNI agent would hold") && text.contains("ingress map the agent would hold (not enforced)"), "\(text)")
        }
    }

    /// A CIDR with more port/protocol slots than the agent writes (24) is flagged.
    @Test func entriesOverTheSlotLimitAreFlagged() throws {
        var t = try Self.topology()
        let loc = SourceLocation(file: "inline.yaml", line: 3, column: 5)
        let ports = (1...25).map { NetworkPolicy.Port(ipProtocol: .tcp, port: .number(UInt16(8000 + $0)), endPort: nil, location: loc) }
        t.kubernetes.networkPolicies.append(NetworkPolicy(
            meta: ObjectMeta(name: "many-ports", namespace: "tenant-globex", location: loc),
            podSelector: LabelSelector(), policyTypes: [.Ingress],
            ingress: [NetworkPolicy.Rule(peers: [NetworkPolicy.Peer(podSelector: nil, namespaceSelector: nil,
                                                                      ipBlock: (try #require(IPv4CIDR("10.0.0.0/8")), []), location: loc)],
                                         ports: ports, location: loc)],
            egress: []))
        let n = Network(topology: t, catalog: .builtin)
        let (node, key) = try Self.node(of: "tenant-globex/shop-", in: n)
        let v = try NodePolicyView.build(n.fabric, node: node, pod: key).get()
        let e = try #require(v.pods.first?.ingress.entries?.first { $0.cidr == "10.0.0.0/8" })
        #expect(e.overSlotLimit && e.slots.count == 25)
        #expect(NodePolicyRenderer.render(v, as: .text).contains("OVER THE 24-SLOT LIMIT: 25 slots"))
    }

    /// The controller adds the ClusterIP netsim allocated for a Service the egress peer selects
    /// (the topology writes none for tenant-acme/api), with the Service port (80) that maps to the
    /// policy's port (8080, the named targetPort `http`).
    @Test func allocatedClusterIPIsAnEgressEntry() throws {
        let n = Network(topology: try Self.topology(), catalog: .builtin)
        let (node, key) = try Self.node(of: "tenant-acme/web-", in: n)
        let clusterIP = try #require(n.fabric.realized.services.first { $0.namespace == "tenant-acme" && $0.name == "api" }?.clusterIP)
        let v = try NodePolicyView.build(n.fabric, node: node, pod: key).get()
        let e = try #require(v.pods.first?.egress.entries?.first { $0.cidr == "\(clusterIP)/32" })
        #expect(e.kind == "allow" && e.slots.map(\.port) == [80])
        #expect(e.slots.first?.sources.first?.peerKind == "serviceClusterIP" && e.slots.first?.sources.first?.peerName == "tenant-acme/api")
    }

    /// What the controller leaves out (a named port with an ipBlock peer) is listed under the
    /// direction with the rule that asked for it.
    @Test func leftOutRulesAreListed() throws {
        var t = try Self.topology()
        let loc = SourceLocation(file: "inline.yaml", line: 7, column: 5)
        t.kubernetes.networkPolicies.append(NetworkPolicy(
            meta: ObjectMeta(name: "named-to-cidr", namespace: "tenant-globex", location: loc),
            podSelector: LabelSelector(), policyTypes: [.Egress], ingress: [],
            egress: [NetworkPolicy.Rule(peers: [NetworkPolicy.Peer(podSelector: nil, namespaceSelector: nil,
                                                                     ipBlock: (try #require(IPv4CIDR("10.0.0.0/8")), []), location: loc)],
                                        ports: [NetworkPolicy.Port(ipProtocol: .tcp, port: .name("http"), endPort: nil, location: loc)],
                                        location: loc)]))
        let n = Network(topology: t, catalog: .builtin)
        let (node, key) = try Self.node(of: "tenant-globex/shop-", in: n)
        let v = try NodePolicyView.build(n.fabric, node: node, pod: key).get()
        let skip = try #require(v.pods.first?.egress.leftOut?.first)
        #expect(skip.reason == "namedPortsWithCIDRPeer" && skip.source.policy == "tenant-globex/named-to-cidr" && skip.source.location == "inline.yaml:7:5")
        #expect(NodePolicyRenderer.render(v, as: .text).contains("left out by the controller: every port of the rule is named"))
    }

    /// `--pod`: empty, a megabyte, malformed, unknown (with a suggestion), on another node.
    @Test func podSelectionMistakes() throws {
        let n = Network(topology: try Self.topology(), catalog: .builtin)
        let (node, key) = try Self.node(of: "tenant-acme/api-", in: n)
        func failure(_ arg: String) -> (String, [String])? {
            if case .failure(.notFound(let why, let near)) = NodePolicyView.build(n.fabric, node: node, pod: arg) { return (why, near) }
            return nil
        }
        #expect(failure("")?.0.contains("--pod is empty") == true)
        let mega = try #require(failure("tenant-acme/" + String(repeating: "x", count: 1_000_000)))
        #expect(mega.0.count < 1_000 && mega.1.isEmpty)
        #expect(try #require(failure(String(repeating: "y", count: 1_000_000))).0.count < 1_000)
        #expect(failure("nonsense")?.0.contains("is not namespace/name") == true)
        let typo = try #require(failure(key.replacingOccurrences(of: "api-", with: "apu-")))
        #expect(typo.1 == [key])
        let elsewhere = try #require(n.fabric.realized.pods.first { $0.namespace == "tenant-acme" && $0.node != nil && $0.node != node })
        #expect(failure("tenant-acme/\(elsewhere.name)")?.0.contains("runs on node \(elsewhere.node ?? "")") == true)
        // The start of one pod's name on the node is that pod.
        #expect((try? NodePolicyView.build(n.fabric, node: node, pod: "tenant-acme/api").get())?.pods.map(\.name) == [key])
    }
}
