import NetsimModel

/// The Kubernetes NetworkPolicy spec read literally: every evaluation scans every policy of
/// the world and matches selectors on the labels as written. It is the reference the indexed
/// `UpstreamPolicyEngine` is checked against (tests, benchmark); traces use the engine.
public struct UpstreamNaiveEvaluator: Sendable {
    public let world: PolicyWorld
    public let options: UpstreamPolicyOptions

    public init(world: PolicyWorld, options: UpstreamPolicyOptions = UpstreamPolicyOptions()) {
        self.world = world; self.options = options
    }

    /// The decision of pod `pod` (index into `world.pods`) for a flow with `peer` in `direction`.
    public func evaluate(_ direction: PolicyDirection, pod: Int, peer: UpstreamEndpoint, protocol ipProtocol: IPProtocol,
                         port: UInt16?, allMatches: Bool = false) -> UpstreamPolicyDecision {
        let subject = world.pods[pod]
        if subject.hostNetwork {
            return UpstreamPolicyDecision(direction: direction, verdict: .allowed, basis: .hostNetwork, isolated: false)
        }
        let type: NetworkPolicy.PolicyType = direction == .ingress ? .Ingress : .Egress
        var isolating: [UpstreamPolicyRef] = []
        for (i, p) in world.networkPolicies.enumerated()
        where p.meta.namespace == subject.namespace && p.policyTypes.contains(type) && p.podSelector.matches(subject.labels) {
            isolating.append(UpstreamPolicyRef(policy: i, location: p.meta.location))
        }
        if isolating.isEmpty {
            return UpstreamPolicyDecision(direction: direction, verdict: .allowed, basis: .notIsolated, isolated: false)
        }
        let peerPod = podOf(peer)
        if options.ownPodAlwaysAllowed, peerPod == pod {
            return UpstreamPolicyDecision(direction: direction, verdict: .allowed, basis: .ownPod, isolated: true, isolatingPolicies: isolating)
        }
        if options.residentNodeAlwaysAllowed, peerPod == nil, peer.address == subject.nodeIP {
            return UpstreamPolicyDecision(direction: direction, verdict: .allowed, basis: .residentNode, isolated: true, isolatingPolicies: isolating)
        }
        // The pod whose container ports name the ports: the selected pod for ingress, the
        // destination for egress.
        let portOwner: PolicyWorld.Pod? = direction == .ingress ? subject : peerPod.map { world.pods[$0] }
        var matches: [UpstreamRuleMatch] = []
        search: for ref in isolating {
            let policy = world.networkPolicies[ref.policy]
            let rules = direction == .ingress ? policy.ingress : policy.egress
            for (r, rule) in rules.enumerated() {
                var peerMatch: Int?? = nil
                if rule.peers.isEmpty { peerMatch = .some(nil) } else {
                    for (i, p) in rule.peers.enumerated() where peerMatches(p, policyNamespace: policy.meta.namespace, peer: peer, peerPod: peerPod) {
                        peerMatch = .some(i); break
                    }
                }
                guard let peerIndex = peerMatch else { continue }
                var portMatch: (Int?, UInt16?)? = nil
                if rule.ports.isEmpty { portMatch = (nil, nil) } else {
                    for (i, p) in rule.ports.enumerated() {
                        if let named = portMatches(p, protocol: ipProtocol, port: port, owner: portOwner) { portMatch = (i, named.number); break }
                    }
                }
                guard let (portIndex, number) = portMatch else { continue }
                matches.append(UpstreamRuleMatch(
                    policy: ref, rule: r, ruleLocation: rule.location,
                    peer: peerIndex, peerLocation: peerIndex.flatMap { rule.peers[$0].location },
                    port: portIndex, portLocation: portIndex.flatMap { rule.ports[$0].location }, namedPortNumber: number))
                if !allMatches { break search }
            }
        }
        return UpstreamPolicyDecision(direction: direction, verdict: matches.isEmpty ? .denied : .allowed,
                                      basis: matches.isEmpty ? .noRuleAllows : .allowedByRule, isolated: true,
                                      allowedBy: matches, isolatingPolicies: isolating)
    }

    /// The source pod's egress and the destination pod's ingress.
    public func evaluateFlow(from source: UpstreamEndpoint, to destination: UpstreamEndpoint, protocol ipProtocol: IPProtocol,
                             port: UInt16?, allMatches: Bool = false) -> UpstreamFlowDecision {
        let s = podOf(source, includingHostNetwork: true), d = podOf(destination, includingHostNetwork: true)
        return UpstreamFlowDecision(
            egress: s.map { evaluate(.egress, pod: $0, peer: destination, protocol: ipProtocol, port: port, allMatches: allMatches) },
            ingress: d.map { evaluate(.ingress, pod: $0, peer: source, protocol: ipProtocol, port: port, allMatches: allMatches) })
    }

    /// The pod an endpoint is; hostNetwork pods count as no pod for selectors (their traffic
    /// is the node's).
    func podOf(_ e: UpstreamEndpoint, includingHostNetwork: Bool = false) -> Int? {
        let index = e.pod ?? world.pods.firstIndex { !$0.hostNetwork && $0.ip == e.address }
        guard let index, includingHostNetwork || !world.pods[index].hostNetwork else { return nil }
        return index
    }

    func namespaceLabels(_ namespace: String) -> [String: String] {
        var labels = world.namespaceLabels[namespace] ?? [:]
        labels["kubernetes.io/metadata.name"] = namespace
        return labels
    }

    func peerMatches(_ p: NetworkPolicy.Peer, policyNamespace: String, peer: UpstreamEndpoint, peerPod: Int?) -> Bool {
        if let block = p.ipBlock {
            return block.cidr.contains(peer.address) && !block.except.contains { $0.contains(peer.address) }
        }
        if p.podSelector == nil && p.namespaceSelector == nil { return false }
        guard let peerPod else { return false }
        let pod = world.pods[peerPod]
        if let ns = p.namespaceSelector {
            guard ns.matches(namespaceLabels(pod.namespace)) else { return false }
        } else if pod.namespace != policyNamespace {
            return false
        }
        return p.podSelector?.matches(pod.labels) ?? true
    }

    /// nil: no match.
    func portMatches(_ p: NetworkPolicy.Port, protocol ipProtocol: IPProtocol, port: UInt16?, owner: PolicyWorld.Pod?) -> UpstreamPortHit? {
        guard p.ipProtocol == ipProtocol else { return nil }
        switch p.port {
        case nil: return .plain
        case .number(let n)?:
            guard let port, port >= n, port <= max(n, p.endPort ?? n) else { return nil }
            return .plain
        case .name(let name)?:
            guard let port, let owner,
                  owner.containerPorts.contains(where: { $0.name == name && $0.ipProtocol == ipProtocol && $0.containerPort == port })
            else { return nil }
            return .named(port)
        }
    }
}

/// How a port entry matched: by number (or protocol alone), or by a name that resolved to `number`.
enum UpstreamPortHit {
    case plain, named(UInt16)
    var number: UInt16? { if case .named(let n) = self { return n } else { return nil } }
}
