import NetsimKube
import NetsimModel
import Testing

/// The upstream (Kubernetes spec) NetworkPolicy evaluator: its index agrees with the linear
/// scan on random worlds, and each semantic choice holds on a small world.
@Suite("upstream NetworkPolicy engine")
struct UpstreamPolicyEngineTests {
    static let sctp = IPProtocol.number(132)
    static let node1 = IPv4Address(10, 0, 0, 10), node2 = IPv4Address(10, 0, 0, 20)

    static func pod(_ ns: String, _ name: String, _ ip: IPv4Address, labels: [String: String], node: IPv4Address = node1,
                    hostNetwork: Bool = false, ports: [ContainerPort] = []) -> PolicyWorld.Pod {
        PolicyWorld.Pod(namespace: ns, name: name, labels: labels, ip: hostNetwork ? node : ip, nodeIP: node,
                        nodeName: node == node1 ? "n1" : "n2", hostNetwork: hostNetwork, containerPorts: ports)
    }

    static func policy(_ ns: String, _ name: String, selector: LabelSelector = LabelSelector(), types: [NetworkPolicy.PolicyType],
                       ingress: [NetworkPolicy.Rule] = [], egress: [NetworkPolicy.Rule] = [], line: Int = 1) -> NetworkPolicy {
        NetworkPolicy(meta: ObjectMeta(name: name, namespace: ns, location: SourceLocation(file: "p.yaml", line: line, column: 1)),
                      podSelector: selector, policyTypes: types, ingress: ingress, egress: egress)
    }

    static func cidr(_ s: String) -> IPv4CIDR { IPv4CIDR(s) ?? .any }

    // MARK: the index against the linear scan

    /// Random worlds and policies (fixed seed): for every subject pod, direction, peer (pods,
    /// hostNetwork pods, nodes, outside addresses) and port, the indexed engine and the naive
    /// scan give the same decision, with every allowing rule listed and with the first only.
    @Test func indexAgreesWithLinearScanOnRandomWorlds() {
        var rng = SplitMix64(seed: 0x5eed_0014)
        var compared = 0
        var bases: Set<UpstreamPolicyDecision.Basis> = []
        var namedHits = 0
        for _ in 0..<150 {
            let world = Self.randomWorld(&rng)
            let engine = UpstreamPolicyEngine(world: world), naive = UpstreamNaiveEvaluator(world: world)
            var peers = world.pods.indices.map { UpstreamEndpoint(address: world.pods[$0].ip, pod: $0) }
            peers += [UpstreamEndpoint(address: Self.node1), UpstreamEndpoint(address: Self.node2),
                      UpstreamEndpoint(address: IPv4Address(192, 168, 1, 7)), UpstreamEndpoint(address: IPv4Address(10, 1, 0, 3))]
            // Addresses only: the engine finds the pod itself.
            peers += world.pods.prefix(3).map { UpstreamEndpoint(address: $0.ip) }
            let probes: [(IPProtocol, UInt16?)] = [(.tcp, 80), (.tcp, 81), (.tcp, 8080), (.udp, 53), (.udp, 81), (Self.sctp, 80), (.icmp, nil)]
            for s in world.pods.indices {
                for peer in peers {
                    for direction in PolicyDirection.allCases {
                        for (proto, port) in probes {
                            for all in [true, false] {
                                let a = engine.evaluate(direction, pod: s, peer: peer, protocol: proto, port: port, allMatches: all)
                                let b = naive.evaluate(direction, pod: s, peer: peer, protocol: proto, port: port, allMatches: all)
                                #expect(a == b, "pod \(world.pods[s].key) \(direction) peer \(peer) \(proto)/\(port.map(String.init) ?? "-")")
                                if a != b { return }
                                compared += 1
                                bases.insert(a.basis)
                                if a.allowedBy.contains(where: { $0.namedPortNumber != nil }) { namedHits += 1 }
                            }
                        }
                    }
                }
            }
            for s in world.pods.indices {
                for direction in PolicyDirection.allCases {
                    let selecting = engine.selectingPolicies(direction, pod: s)
                    let type: NetworkPolicy.PolicyType = direction == .ingress ? .Ingress : .Egress
                    let expected = world.networkPolicies.indices.filter { i in
                        let p = world.networkPolicies[i]
                        return !world.pods[s].hostNetwork && p.meta.namespace == world.pods[s].namespace
                            && p.policyTypes.contains(type) && p.podSelector.matches(world.pods[s].labels)
                    }
                    #expect(selecting == expected)
                }
            }
        }
        // Not vacuous: every kind of decision came up, named ports included.
        #expect(compared > 100_000)
        #expect(bases == Set([.notIsolated, .hostNetwork, .ownPod, .residentNode, .allowedByRule, .noRuleAllows]))
        #expect(namedHits > 0)
    }

    static func randomWorld(_ rng: inout SplitMix64) -> PolicyWorld {
        let namespaces = ["x", "y", "z"]
        let apps = ["a", "b", "c"]
        var pods: [PolicyWorld.Pod] = []
        var n: UInt8 = 1
        for ns in namespaces {
            for app in apps where Bool.random(using: &rng) || app == "a" {
                var labels = ["app": app]
                if Bool.random(using: &rng) { labels["tier"] = ["web", "db"].randomElement(using: &rng) ?? "web" }
                let ports = [ContainerPort(name: "http", containerPort: [80, 8080].randomElement(using: &rng) ?? 80, ipProtocol: .tcp),
                             ContainerPort(name: "dns", containerPort: 53, ipProtocol: .udp)]
                let hostNetwork = Int.random(in: 0..<8, using: &rng) == 0
                pods.append(pod(ns, "\(app)-\(n)", IPv4Address(10, 1, 0, n), labels: labels,
                                node: Bool.random(using: &rng) ? node1 : node2, hostNetwork: hostNetwork, ports: ports))
                n += 1
            }
        }
        func selector() -> LabelSelector {
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: return LabelSelector()
            case 1, 2: return LabelSelector(matchLabels: ["app": apps.randomElement(using: &rng) ?? "a"])
            case 3: return LabelSelector(matchLabels: ["app": "a", "tier": "web"])
            case 4: return LabelSelector(matchExpressions: [.init(key: "app", op: .In, values: ["a"])])
            default:
                let op = LabelSelector.Requirement.Operator.allCases.randomElement(using: &rng) ?? .In
                return LabelSelector(matchExpressions: [.init(key: Bool.random(using: &rng) ? "tier" : "app", op: op,
                                                              values: op == .In || op == .NotIn ? ["web", "b"] : [])])
            }
        }
        func nsSelector() -> LabelSelector {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: return LabelSelector()
            case 1: return LabelSelector(matchLabels: ["kubernetes.io/metadata.name": namespaces.randomElement(using: &rng) ?? "x"])
            case 2: return LabelSelector(matchLabels: ["team": "blue"])
            default: return LabelSelector(matchExpressions: [.init(key: "kubernetes.io/metadata.name", op: .NotIn, values: ["y"])])
            }
        }
        func peer() -> NetworkPolicy.Peer {
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: return NetworkPolicy.Peer(podSelector: selector(), namespaceSelector: nil, ipBlock: nil)
            case 1: return NetworkPolicy.Peer(podSelector: nil, namespaceSelector: nsSelector(), ipBlock: nil)
            case 2: return NetworkPolicy.Peer(podSelector: selector(), namespaceSelector: nsSelector(), ipBlock: nil)
            case 3: return NetworkPolicy.Peer(podSelector: nil, namespaceSelector: nil,
                                              ipBlock: (cidr("10.1.0.0/24"), [IPv4CIDR(network: IPv4Address(10, 1, 0, UInt8.random(in: 1...9, using: &rng)), prefixLength: 31)]))
            case 4: return NetworkPolicy.Peer(podSelector: nil, namespaceSelector: nil, ipBlock: (cidr("10.0.0.0/8"), [cidr("10.0.0.0/24")]))
            default: return NetworkPolicy.Peer(podSelector: nil, namespaceSelector: nil, ipBlock: (cidr("0.0.0.0/0"), []))
            }
        }
        func port() -> NetworkPolicy.Port {
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: return NetworkPolicy.Port(ipProtocol: .tcp, port: .number(80), endPort: nil)
            case 1: return NetworkPolicy.Port(ipProtocol: .tcp, port: .number(80), endPort: 81)
            case 2: return NetworkPolicy.Port(ipProtocol: .tcp, port: .name("http"), endPort: nil)
            case 3: return NetworkPolicy.Port(ipProtocol: .udp, port: .name("dns"), endPort: nil)
            case 4: return NetworkPolicy.Port(ipProtocol: [.udp, sctp].randomElement(using: &rng) ?? .udp, port: nil, endPort: nil)
            default: return NetworkPolicy.Port(ipProtocol: sctp, port: .number(80), endPort: nil)
            }
        }
        func rules() -> [NetworkPolicy.Rule] {
            (0..<Int.random(in: 0...2, using: &rng)).map { i in
                NetworkPolicy.Rule(peers: (0..<Int.random(in: 0...2, using: &rng)).map { _ in peer() },
                                   ports: (0..<Int.random(in: 0...2, using: &rng)).map { _ in port() },
                                   location: SourceLocation(file: "p.yaml", line: 10 + i, column: 5))
            }
        }
        var policies: [NetworkPolicy] = []
        for i in 0..<Int.random(in: 0...14, using: &rng) {
            let types: [NetworkPolicy.PolicyType] = [[.Ingress], [.Egress], [.Ingress, .Egress]].randomElement(using: &rng) ?? [.Ingress]
            policies.append(policy(namespaces.randomElement(using: &rng) ?? "x", "p\(i)", selector: selector(), types: types,
                                   ingress: rules(), egress: rules(), line: i * 20 + 1))
        }
        return PolicyWorld(namespaceLabels: ["x": ["team": "blue"], "y": ["team": "red"], "z": [:]], pods: pods, services: [],
                           networkPolicies: policies, nodeIPs: [node1, node2])
    }

    // MARK: semantics, one at a time

    /// x/a (web, ports http 80 and metrics 9090), x/b, y/c; a hostNetwork pod on node 1.
    static func smallWorld(_ policies: [NetworkPolicy]) -> UpstreamPolicyEngine {
        let pods = [
            pod("x", "a", IPv4Address(10, 1, 0, 1), labels: ["app": "web"],
                ports: [ContainerPort(name: "http", containerPort: 80, ipProtocol: .tcp),
                        ContainerPort(name: "metrics", containerPort: 9090, ipProtocol: .tcp)]),
            pod("x", "b", IPv4Address(10, 1, 0, 2), labels: ["app": "client"], node: node2),
            pod("y", "c", IPv4Address(10, 1, 0, 3), labels: ["app": "client"], node: node2,
                ports: [ContainerPort(name: "http", containerPort: 8080, ipProtocol: .tcp)]),
            pod("kube-system", "h", IPv4Address(0), labels: ["app": "agent"], node: node2, hostNetwork: true),
        ]
        return UpstreamPolicyEngine(world: PolicyWorld(namespaceLabels: ["x": [:], "y": ["team": "red"]], pods: pods, services: [],
                                                       networkPolicies: policies, nodeIPs: [node1, node2]))
    }

    /// An `except` narrows its own ipBlock only: another rule that allows the excepted range
    /// still allows it (the union of rules). The VPC CNI agent differs here.
    @Test func exceptNarrowsOnlyItsOwnBlock() throws {
        let e = Self.smallWorld([Self.policy("x", "web", selector: LabelSelector(matchLabels: ["app": "web"]), types: [.Egress], egress: [
            NetworkPolicy.Rule(peers: [NetworkPolicy.Peer(podSelector: nil, namespaceSelector: nil, ipBlock: (Self.cidr("10.0.0.0/8"), [Self.cidr("10.1.0.0/16")]))],
                               ports: [], location: SourceLocation(file: "p.yaml", line: 7, column: 5)),
            NetworkPolicy.Rule(peers: [NetworkPolicy.Peer(podSelector: nil, namespaceSelector: nil, ipBlock: (Self.cidr("10.1.0.2/32"), []))],
                               ports: [NetworkPolicy.Port(ipProtocol: .udp, port: .number(53), endPort: nil)],
                               location: SourceLocation(file: "p.yaml", line: 12, column: 5)),
        ])])
        let a = try #require(e.pod(key: "x/a"))
        let dns = e.evaluate(.egress, pod: a, peer: e.endpoint(address: IPv4Address(10, 1, 0, 2)), protocol: .udp, port: 53)
        #expect(dns.verdict == .allowed && dns.basis == .allowedByRule)
        #expect(dns.allowedBy.map(\.rule) == [1] && dns.allowedBy.first?.ruleLocation?.line == 12)
        // Inside the except and not re-allowed: denied, naming the isolating policy.
        let tcp = e.evaluate(.egress, pod: a, peer: e.endpoint(address: IPv4Address(10, 1, 0, 3)), protocol: .tcp, port: 443)
        #expect(tcp.verdict == .denied && tcp.basis == .noRuleAllows && tcp.isolatingPolicies.map(\.policy) == [0])
        // Outside the except: the first rule.
        let out = e.evaluate(.egress, pod: a, peer: e.endpoint(address: IPv4Address(10, 9, 0, 1)), protocol: .tcp, port: 443)
        #expect(out.allowed && out.allowedBy.map(\.rule) == [0] && out.allowedBy.first?.peer == 0 && out.allowedBy.first?.port == nil)
    }

    /// Named ports resolve on the selected pod for ingress, on the destination pod for egress;
    /// with an ipBlock peer that is no pod, a named port matches nothing.
    @Test func namedPortsResolvePerPod() throws {
        let http = NetworkPolicy.Port(ipProtocol: .tcp, port: .name("http"), endPort: nil, location: SourceLocation(file: "p.yaml", line: 9, column: 9))
        let e = Self.smallWorld([
            Self.policy("x", "in", selector: LabelSelector(matchLabels: ["app": "web"]), types: [.Ingress],
                        ingress: [NetworkPolicy.Rule(peers: [], ports: [http])]),
            Self.policy("x", "out", selector: LabelSelector(matchLabels: ["app": "client"]), types: [.Egress],
                        egress: [NetworkPolicy.Rule(peers: [NetworkPolicy.Peer(podSelector: nil, namespaceSelector: nil, ipBlock: (.any, []))], ports: [http])]),
        ])
        let a = try #require(e.pod(key: "x/a")), b = try #require(e.pod(key: "x/b"))
        let ingress80 = e.evaluate(.ingress, pod: a, peer: e.endpoint(address: IPv4Address(10, 1, 0, 2)), protocol: .tcp, port: 80)
        #expect(ingress80.allowed && ingress80.allowedBy.first?.namedPortNumber == 80 && ingress80.allowedBy.first?.portLocation?.line == 9)
        #expect(!e.evaluate(.ingress, pod: a, peer: e.endpoint(address: IPv4Address(10, 1, 0, 2)), protocol: .tcp, port: 8080).allowed)
        #expect(!e.evaluate(.ingress, pod: a, peer: e.endpoint(address: IPv4Address(10, 1, 0, 2)), protocol: .udp, port: 80).allowed)
        // Egress from x/b: "http" is 80 on x/a and 8080 on y/c.
        #expect(e.evaluate(.egress, pod: b, peer: e.endpoint(address: IPv4Address(10, 1, 0, 1)), protocol: .tcp, port: 80).allowed)
        #expect(!e.evaluate(.egress, pod: b, peer: e.endpoint(address: IPv4Address(10, 1, 0, 1)), protocol: .tcp, port: 8080).allowed)
        #expect(e.evaluate(.egress, pod: b, peer: e.endpoint(address: IPv4Address(10, 1, 0, 3)), protocol: .tcp, port: 8080).allowed)
        // An address outside the cluster has no container ports: the named port cannot resolve.
        let outside = e.evaluate(.egress, pod: b, peer: e.endpoint(address: IPv4Address(93, 184, 216, 34)), protocol: .tcp, port: 80)
        #expect(outside.verdict == .denied && outside.basis == .noRuleAllows)
    }

    /// `endPort` ranges, the TCP default, protocol-only entries, and protocols without ports.
    @Test func portRangesAndProtocols() throws {
        let e = Self.smallWorld([Self.policy("x", "in", selector: LabelSelector(matchLabels: ["app": "web"]), types: [.Ingress], ingress: [
            NetworkPolicy.Rule(peers: [], ports: [NetworkPolicy.Port(ipProtocol: .tcp, port: .number(8000), endPort: 8100),
                                                  NetworkPolicy.Port(ipProtocol: .udp, port: nil, endPort: nil)]),
        ])])
        let a = try #require(e.pod(key: "x/a"))
        let peer = e.endpoint(address: IPv4Address(10, 1, 0, 3))
        #expect(e.evaluate(.ingress, pod: a, peer: peer, protocol: .tcp, port: 8000).allowed)
        #expect(e.evaluate(.ingress, pod: a, peer: peer, protocol: .tcp, port: 8100).allowed)
        #expect(!e.evaluate(.ingress, pod: a, peer: peer, protocol: .tcp, port: 8101).allowed)
        #expect(!e.evaluate(.ingress, pod: a, peer: peer, protocol: .tcp, port: 7999).allowed)
        #expect(e.evaluate(.ingress, pod: a, peer: peer, protocol: .udp, port: 5).allowed)
        #expect(e.evaluate(.ingress, pod: a, peer: peer, protocol: .udp, port: 8050).allowedBy.first?.port == 1)
        #expect(!e.evaluate(.ingress, pod: a, peer: peer, protocol: Self.sctp, port: 8050).allowed)
        // ICMP has no port: a rule listing ports does not match it ...
        #expect(!e.evaluate(.ingress, pod: a, peer: peer, protocol: .icmp, port: nil).allowed)
        // ... a rule without ports does.
        let open = Self.smallWorld([Self.policy("x", "in", types: [.Ingress], ingress: [NetworkPolicy.Rule(peers: [], ports: [])])])
        #expect(open.evaluate(.ingress, pod: a, peer: peer, protocol: .icmp, port: nil).basis == .allowedByRule)
    }

    /// hostNetwork pods are no subject, and selectors do not see them as pods: a
    /// namespaceSelector does not match them, an ipBlock on their node's address does.
    @Test func hostNetworkPodsAreTheNodes() throws {
        let e = Self.smallWorld([
            Self.policy("x", "from-kube-system", selector: LabelSelector(matchLabels: ["app": "web"]), types: [.Ingress], ingress: [
                NetworkPolicy.Rule(peers: [NetworkPolicy.Peer(podSelector: nil, namespaceSelector: LabelSelector(), ipBlock: nil)], ports: []),
            ]),
            Self.policy("kube-system", "deny", types: [.Ingress, .Egress]),
        ])
        let a = try #require(e.pod(key: "x/a")), h = try #require(e.pod(key: "kube-system/h"))
        let fromHost = e.evaluate(.ingress, pod: a, peer: UpstreamEndpoint(address: Self.node2, pod: h), protocol: .tcp, port: 80)
        #expect(fromHost.verdict == .denied)
        #expect(e.evaluate(.ingress, pod: h, peer: e.endpoint(address: IPv4Address(10, 1, 0, 1)), protocol: .tcp, port: 80).basis == .hostNetwork)
        #expect(e.selectingPolicies(.ingress, pod: h).isEmpty)
        let flow = e.evaluateFlow(from: UpstreamEndpoint(address: Self.node2, pod: h), to: e.endpoint(address: IPv4Address(10, 1, 0, 1)), protocol: .tcp, port: 80)
        #expect(flow.egress?.basis == .hostNetwork && flow.ingress?.verdict == .denied && !flow.allowed)
        let byBlock = Self.smallWorld([Self.policy("x", "nodes", selector: LabelSelector(matchLabels: ["app": "web"]), types: [.Ingress], ingress: [
            NetworkPolicy.Rule(peers: [NetworkPolicy.Peer(podSelector: nil, namespaceSelector: nil, ipBlock: (Self.cidr("10.0.0.0/24"), []))], ports: []),
        ])])
        #expect(byBlock.evaluate(.ingress, pod: a, peer: UpstreamEndpoint(address: Self.node2, pod: h), protocol: .tcp, port: 80).basis == .allowedByRule)
    }

    /// The pod's own node and the pod itself always pass; the options turn that off.
    @Test func residentNodeAndOwnPod() throws {
        let deny = [Self.policy("x", "deny", types: [.Ingress, .Egress])]
        let e = Self.smallWorld(deny)
        let a = try #require(e.pod(key: "x/a"))
        #expect(e.evaluate(.ingress, pod: a, peer: e.endpoint(address: Self.node1), protocol: .tcp, port: 80).basis == .residentNode)
        #expect(e.evaluate(.egress, pod: a, peer: e.endpoint(address: Self.node1), protocol: .tcp, port: 10250).basis == .residentNode)
        #expect(e.evaluate(.ingress, pod: a, peer: e.endpoint(address: Self.node2), protocol: .tcp, port: 80).verdict == .denied)
        #expect(e.evaluate(.ingress, pod: a, peer: e.endpoint(address: IPv4Address(10, 1, 0, 1)), protocol: .tcp, port: 80).basis == .ownPod)
        let strict = UpstreamPolicyEngine(world: e.world, options: UpstreamPolicyOptions(residentNodeAlwaysAllowed: false, ownPodAlwaysAllowed: false))
        #expect(strict.evaluate(.ingress, pod: a, peer: strict.endpoint(address: Self.node1), protocol: .tcp, port: 80).verdict == .denied)
        #expect(strict.evaluate(.ingress, pod: a, peer: strict.endpoint(address: IPv4Address(10, 1, 0, 1)), protocol: .tcp, port: 80).verdict == .denied)
    }

    /// Policies are additive: a second policy's rule allows what the first does not; a policy
    /// whose policyTypes omit a direction does not isolate it even when it has rules for it.
    @Test func unionAndPolicyTypes() throws {
        let e = Self.smallWorld([
            Self.policy("x", "only-80", types: [.Ingress], ingress: [NetworkPolicy.Rule(peers: [], ports: [NetworkPolicy.Port(ipProtocol: .tcp, port: .number(80), endPort: nil)])]),
            Self.policy("x", "from-y", types: [.Ingress], ingress: [NetworkPolicy.Rule(peers: [
                NetworkPolicy.Peer(podSelector: nil, namespaceSelector: LabelSelector(matchLabels: ["team": "red"]), ipBlock: nil)], ports: [])],
                        egress: [NetworkPolicy.Rule(peers: [], ports: [NetworkPolicy.Port(ipProtocol: .tcp, port: .number(1), endPort: nil)])]),
        ])
        let a = try #require(e.pod(key: "x/a"))
        let fromY = e.evaluate(.ingress, pod: a, peer: e.endpoint(address: IPv4Address(10, 1, 0, 3)), protocol: .tcp, port: 443, allMatches: true)
        #expect(fromY.allowed && fromY.allowedBy.map(\.policy.policy) == [1])
        let both = e.evaluate(.ingress, pod: a, peer: e.endpoint(address: IPv4Address(10, 1, 0, 3)), protocol: .tcp, port: 80, allMatches: true)
        #expect(both.allowedBy.map(\.policy.policy) == [0, 1])
        #expect(e.evaluate(.ingress, pod: a, peer: e.endpoint(address: IPv4Address(10, 1, 0, 2)), protocol: .tcp, port: 443).verdict == .denied)
        #expect(e.evaluate(.egress, pod: a, peer: e.endpoint(address: IPv4Address(10, 1, 0, 2)), protocol: .tcp, port: 443).basis == .notIsolated)
    }
}
