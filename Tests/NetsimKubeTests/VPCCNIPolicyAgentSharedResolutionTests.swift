@testable import NetsimKube
import NetsimModel
import Testing

// The controller's resolution holds each selector peer as a pod set shared across rules and
// policies and writes its /32 entries only when a group's maps are built. These tests compare it
// with the straightforward resolution (every pod entry written at once) on random worlds.

/// SplitMix64: a fixed seed gives the same world on every run and platform.
private struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private func loc(_ line: Int, _ col: Int) -> NetsimModel.SourceLocation { NetsimModel.SourceLocation(file: "random.yaml", line: line, column: col) }

/// A world of `podCount` pods in 5 namespaces on 3 nodes (some hostNetwork), Services (one
/// headless, named and numeric targetPorts) and `policyCount` policies mixing every kind of peer
/// (namespaceSelector {}, labelled namespaces, podSelector only, both, ipBlock with excepts, no
/// peers) and port (numeric, range, protocol only, named, SCTP, ICMP, none, more than 24).
private func randomWorld(seed: UInt64, podCount: Int = 80, policyCount: Int = 30) -> PolicyWorld {
    var rng = SeededRandom(state: seed)
    func pick<T>(_ xs: [T]) -> T { xs[Int.random(in: 0..<xs.count, using: &rng)] }
    func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    var line = 1
    func next() -> NetsimModel.SourceLocation { line += 1; return loc(line, 1 + line % 7) }

    let namespaces = ["alpha", "beta", "gamma", "delta", "kube-system"]
    var nsLabels: [String: [String: String]] = [:]
    for ns in namespaces { nsLabels[ns] = ["team": pick(["a", "b"]), "env": pick(["prod", "dev"])] }
    let nodes = [IPv4Address(10, 0, 0, 10), IPv4Address(10, 0, 0, 20), IPv4Address(10, 0, 0, 30)]
    let portChoices = [ContainerPort(name: "http", containerPort: 8080, ipProtocol: .tcp),
                       ContainerPort(name: "dns", containerPort: 53, ipProtocol: .udp),
                       ContainerPort(name: "metrics", containerPort: 9090, ipProtocol: .tcp),
                       ContainerPort(name: "http", containerPort: 8443, ipProtocol: .tcp)]
    var pods: [PolicyWorld.Pod] = []
    for i in 0..<podCount {
        let node = Int.random(in: 0..<nodes.count, using: &rng)
        let host = chance(0.06)
        let app = "app\(Int.random(in: 0..<5, using: &rng))"
        var labels = ["app": app]
        if chance(0.5) { labels["tier"] = pick(["web", "db"]) }
        var ports: [ContainerPort] = []
        for c in portChoices where chance(0.4) { if !ports.contains(where: { $0.name == c.name }) { ports.append(c) } }
        pods.append(.init(namespace: pick(namespaces), name: "\(app)-\(Int.random(in: 0..<3, using: &rng))-p\(i)", labels: labels,
                          ip: host ? nodes[node] : IPv4Address(10, 1, UInt8(i / 200), UInt8(i % 200 + 1)), nodeIP: nodes[node],
                          nodeName: "node-\(node)", hostNetwork: host, containerPorts: ports))
    }
    var services: [Service] = []
    for k in 0..<10 {
        let target: ServicePort.TargetPort = chance(0.4) ? .name(pick(["http", "dns", "metrics"])) : .number(pick([8080, 53, 9090, 7000]))
        let proto: IPProtocol = chance(0.8) ? .tcp : .udp
        services.append(Service(meta: ObjectMeta(name: "svc\(k)", namespace: pick(namespaces), location: next()), type: .ClusterIP,
                                clusterIP: k == 0 ? "None" : "10.100.0.\(k + 1)", selector: ["app": "app\(k % 5)"],
                                ports: [ServicePort(name: "p", ipProtocol: proto, port: 80 + UInt16(k), targetPort: target, nodePort: nil, location: next())]))
    }

    func selector() -> LabelSelector {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return LabelSelector()
        case 1: return LabelSelector(matchLabels: ["app": "app\(Int.random(in: 0..<5, using: &rng))"])
        case 2: return LabelSelector(matchLabels: ["tier": pick(["web", "db"])])
        default: return LabelSelector(matchExpressions: [.init(key: "app", op: .In, values: ["app1", "app2"])])
        }
    }
    func peer() -> NetworkPolicy.Peer {
        let l = next()
        switch Int.random(in: 0..<7, using: &rng) {
        case 0: return NetworkPolicy.Peer(podSelector: nil, namespaceSelector: LabelSelector(), ipBlock: nil, location: l)
        case 1: return NetworkPolicy.Peer(podSelector: selector(), namespaceSelector: LabelSelector(), ipBlock: nil, location: l)
        case 2: return NetworkPolicy.Peer(podSelector: selector(), namespaceSelector: nil, ipBlock: nil, location: l)
        case 3: return NetworkPolicy.Peer(podSelector: chance(0.5) ? selector() : nil,
                                          namespaceSelector: LabelSelector(matchLabels: ["team": pick(["a", "b"])]), ipBlock: nil, location: l)
        case 4: return NetworkPolicy.Peer(podSelector: nil, namespaceSelector: nil,
                                          ipBlock: (IPv4CIDR(network: IPv4Address(10, 1, 0, 0), prefixLength: 24),
                                                    [IPv4CIDR(network: IPv4Address(10, 1, 0, 0), prefixLength: 28)]), location: l)
        case 5: return NetworkPolicy.Peer(podSelector: nil, namespaceSelector: nil,
                                          ipBlock: (.any, [IPv4CIDR(network: IPv4Address(10, 0, 0, 0), prefixLength: 8)]), location: l)
        default: return NetworkPolicy.Peer(podSelector: nil, namespaceSelector: nil,
                                           ipBlock: (IPv4CIDR(network: IPv4Address(10, 1, 0, 0), prefixLength: 16), []), location: l)
        }
    }
    func port() -> NetworkPolicy.Port {
        let l = next()
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: return NetworkPolicy.Port(ipProtocol: .tcp, port: .number(8080), endPort: nil, location: l)
        case 1: return NetworkPolicy.Port(ipProtocol: .tcp, port: .number(9000), endPort: 9100, location: l)
        case 2: return NetworkPolicy.Port(ipProtocol: .udp, port: .number(53), endPort: nil, location: l)
        case 3: return NetworkPolicy.Port(ipProtocol: .tcp, port: nil, endPort: nil, location: l)
        case 4: return NetworkPolicy.Port(ipProtocol: .tcp, port: .name("http"), endPort: nil, location: l)
        case 5: return NetworkPolicy.Port(ipProtocol: .udp, port: .name("dns"), endPort: nil, location: l)
        case 6: return NetworkPolicy.Port(ipProtocol: .number(132), port: .number(7000), endPort: nil, location: l)
        default: return NetworkPolicy.Port(ipProtocol: .icmp, port: nil, endPort: nil, location: l)
        }
    }
    func rule() -> NetworkPolicy.Rule {
        let peers = (0..<Int.random(in: 0..<4, using: &rng)).map { _ in peer() }
        var ports = (0..<Int.random(in: 0..<3, using: &rng)).map { _ in port() }
        // Now and then more than the agent's 24 slots for one CIDR.
        if chance(0.08) { ports = (0..<26).map { NetworkPolicy.Port(ipProtocol: .tcp, port: .number(10000 + UInt16($0)), endPort: nil, location: next()) } }
        return NetworkPolicy.Rule(peers: peers, ports: ports, location: next())
    }
    var policies: [NetworkPolicy] = []
    for k in 0..<policyCount {
        var types: [NetworkPolicy.PolicyType] = []
        if chance(0.7) { types.append(.Ingress) }
        if chance(0.6) || types.isEmpty { types.append(.Egress) }
        let ingress = (0..<Int.random(in: 0..<3, using: &rng)).map { _ in rule() }
        let egress = (0..<Int.random(in: 0..<3, using: &rng)).map { _ in rule() }
        policies.append(NetworkPolicy(meta: ObjectMeta(name: "pol\(k)", namespace: pick(namespaces), location: next()),
                                      podSelector: chance(0.3) ? LabelSelector() : selector(), policyTypes: types,
                                      ingress: ingress, egress: egress))
    }
    return PolicyWorld(namespaceLabels: nsLabels, pods: pods, services: services, networkPolicies: policies, nodeIPs: nodes)
}

private func sameEntry(_ a: PolicyEndpointEntry, _ b: PolicyEndpointEntry) -> Bool {
    a.cidr == b.cidr && a.except == b.except && a.ports == b.ports && a.source == b.source
        && a.source.location == b.source.location && a.source.policyLocation == b.source.policyLocation
}

private func sameSlot(_ a: AgentPortRule, _ b: AgentPortRule) -> Bool {
    a.ipProtocol == b.ipProtocol && a.startPort == b.startPort && a.endPort == b.endPort && a.sources == b.sources
        && a.portLocations == b.portLocations && a.inheritedFrom == b.inheritedFrom
}

private func sameMapEntry(_ a: AgentMapEntry, _ b: AgentMapEntry) -> Bool {
    a.cidr == b.cidr && a.kind == b.kind && a.sources == b.sources && a.ports.count == b.ports.count
        && zip(a.ports, b.ports).allSatisfy(sameSlot)
}

@Suite("VPC CNI agent: shared pod-set resolution")
struct VPCCNIPolicyAgentSharedResolutionTests {
    /// Every pod's ingress and egress map entries (CIDR, kind, slots in order with their sources,
    /// port places and inheritance, entry sources), every PolicyEndpoint's entries in order, its
    /// selection and skips, the findings and a sample of verdicts are the same whether pod peers
    /// are held as shared pod sets or written out at once.
    @Test(arguments: [UInt64(42), 7, 2026])
    func sharedResolutionGivesTheSameMapsAsTheExpandedOne(seed: UInt64) {
        let w = randomWorld(seed: seed)
        let shared = VPCCNIPolicyAgent(world: w)
        let reference = VPCCNIPolicyAgent(world: w, mode: .standard, clusterPolicies: [],
                                          policyEndpoints: PolicyEndpointsResolver.resolve(w, expanded: true))
        #expect(shared.policyEndpoints.count == reference.policyEndpoints.count)
        var podRuns = 0, mapEntries = 0, podEntries = 0
        for (a, b) in zip(shared.policyEndpoints, reference.policyEndpoints) {
            #expect(a.policyKey == b.policyKey && a.podIsolation == b.podIsolation && a.selectedPods == b.selectedPods)
            #expect(a.skippedHostNetworkPods == b.skippedHostNetworkPods)
            #expect(a.skipped.map { "\($0.reason) \($0.source) \($0.source.peer) \($0.subject ?? "")" }
                    == b.skipped.map { "\($0.reason) \($0.source) \($0.source.peer) \($0.subject ?? "")" })
            for d in PolicyDirection.allCases {
                let (x, y) = (a.entries(d), b.entries(d))
                #expect(x.count == y.count && a.entryCount(d) == y.count)
                let same = zip(x, y).allSatisfy(sameEntry)
                #expect(same, "\(a.policyKey) \(d)")
                // The reference writes every entry; the shared resolution holds pod runs.
                #expect(!b.items(d).contains { if case .pods = $0 { true } else { false } })
                podRuns += a.items(d).filter { if case .pods = $0 { true } else { false } }.count
            }
        }
        for i in w.pods.indices {
            #expect(shared.policies(ofPod: i) == reference.policies(ofPod: i))
            #expect(shared.podState(ofPod: i) == reference.podState(ofPod: i))
            for d in PolicyDirection.allCases {
                let (x, y) = (shared.entries(ofPod: i, direction: d), reference.entries(ofPod: i, direction: d))
                #expect(x.count == y.count, "\(w.pods[i].key) \(d)")
                let same = zip(x, y).allSatisfy(sameMapEntry)
                #expect(same, "\(w.pods[i].key) \(d)")
                mapEntries += x.count
                podEntries += x.filter { $0.sources.contains { if case .pod = $0.peer { true } else { false } } }.count
            }
        }
        let findings = shared.findings()
        #expect(findings == reference.findings())
        // Verdicts for every pod against a sample of peers, ports and protocols.
        let peers = w.pods.map(\.ip) + [IPv4Address(10, 100, 0, 3), IPv4Address(8, 8, 8, 8), IPv4Address(10, 1, 0, 5)]
        for i in w.pods.indices {
            for (k, peer) in peers.enumerated() where k % 7 == i % 7 {
                for d in PolicyDirection.allCases {
                    for (proto, port) in [(IPProtocol.tcp, UInt16(8080)), (.udp, 53), (.tcp, 9050), (.number(132), 7000)] {
                        let x = shared.evaluate(pod: i, direction: d, peer: .ipv4(peer), ipProtocol: proto, port: port)
                        let y = reference.evaluate(pod: i, direction: d, peer: .ipv4(peer), ipProtocol: proto, port: port)
                        #expect(x.verdict == y.verdict && x.stage == y.stage && x.denyReason == y.denyReason && x.entry?.cidr == y.entry?.cidr)
                    }
                }
            }
        }
        // The world exercises what is compared.
        #expect(podRuns > 0 && mapEntries > 0 && podEntries > 0)
        #expect(seed != 42 || !findings.isEmpty)
    }

    /// One (namespace, podSelector) is resolved once: policies naming the same peer share the
    /// pod set, and a policy's entries are held as runs, not as one entry per pod.
    @Test func selectorPeersShareOnePodSet() {
        var w = randomWorld(seed: 42, policyCount: 0)
        let anyNamespace = NetworkPolicy.Rule(peers: [NetworkPolicy.Peer(podSelector: nil, namespaceSelector: LabelSelector(), ipBlock: nil)],
                                              ports: [NetworkPolicy.Port(ipProtocol: .tcp, port: .number(8080), endPort: nil)])
        for (k, ns) in ["alpha", "beta"].enumerated() {
            w.networkPolicies.append(NetworkPolicy(meta: ObjectMeta(name: "from-all-\(k)", namespace: ns, location: loc(k, 1)),
                                                   podSelector: LabelSelector(), policyTypes: [.Ingress], ingress: [anyNamespace], egress: []))
        }
        let pes = PolicyEndpointsResolver.resolve(w)
        let sets = pes.map { pe in pe.ingressItems.compactMap { item -> PodPeerSet? in if case .pods(let s, _, _) = item { s } else { nil } } }
        #expect(sets[0].count == sets[1].count && !sets[0].isEmpty)
        #expect(zip(sets[0], sets[1]).allSatisfy { $0 === $1 })
        let allPods = w.pods.count  // hostNetwork pods are peers too
        #expect(pes[0].entryCount(.ingress) == allPods && pes[0].ingressItems.count < allPods)
    }
}
