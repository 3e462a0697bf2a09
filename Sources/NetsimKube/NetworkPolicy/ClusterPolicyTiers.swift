import NetsimModel

// EKS ClusterNetworkPolicy (`networking.k8s.aws/v1alpha1`, amazon-network-policy-controller-k8s
// v1.1.7 `api/v1alpha1/clusternetworkpolicy_types.go`, `pkg/resolvers/clusternetworkpolicy_resolver.go`)
// as the agent (c8619c0) evaluates it: `fw_rule_processor.go` ComputeClusterPolicyMapEntriesFromEndpointRules
// (baseline priorities offset by 2000; a CIDR inherits the rules of the CIDRs containing it, so a
// peer meets every rule whose CIDR contains it; the node IP is an Accept at priority 0) and
// `tc.v4*.bpf.c` evaluateClusterPolicyByLookUp (lowest priority wins; at one priority Deny, then
// Accept, then Pass; Admin is priority ≤ 1000). Written from a reading of that source.

/// A ClusterNetworkPolicy as the engine reads it (internal until the model type lands).
struct ClusterTierPolicy: Sendable {
    enum Peer: Sendable {
        case namespaces(LabelSelector)
        case pods(namespaces: LabelSelector, pods: LabelSelector)
        case networks([IPv4CIDR])
        /// FQDN peers: the agent resolves them through DNS; not modelled (never match here).
        case domainNames([String])
    }
    enum Port: Sendable {
        case number(IPProtocol, UInt16)
        case range(IPProtocol, UInt16, UInt16)
        case named(String)
    }
    struct Rule: Sendable {
        var name: String?
        var action: ClusterPolicyAction
        var peers: [Peer]
        /// nil: every port.
        var ports: [Port]?
        var location: SourceLocation
    }
    enum Subject: Sendable {
        case namespaces(LabelSelector)
        case pods(namespaces: LabelSelector, pods: LabelSelector)
    }
    var name: String
    var location: SourceLocation
    var tier: ClusterPolicyTier
    var priority: Int
    var subject: Subject
    var ingress: [Rule]
    var egress: [Rule]
}

extension ClusterTierPolicy {
    /// From the model's ClusterNetworkPolicy. IPv6 networks are left out (the v4 programs never
    /// see IPv6 peers); a rule name that is empty becomes nil.
    init(_ p: ClusterNetworkPolicy) {
        func peer(_ x: ClusterNetworkPolicy.Peer) -> Peer {
            switch x.selection {
            case .namespaces(let s): return .namespaces(s)
            case .pods(let np): return .pods(namespaces: np.namespaceSelector, pods: np.podSelector)
            case .networks(let nets): return .networks(nets.compactMap { if case .ipv4(let c) = $0.cidr { c } else { nil } })
            case .domainNames(let names): return .domainNames(names)
            }
        }
        func port(_ x: ClusterNetworkPolicy.Port) -> Port {
            switch x.match {
            case .number(let pr, let n): return .number(pr, n)
            case .range(let pr, let a, let b): return .range(pr, a, b)
            case .named(let s): return .named(s)
            }
        }
        func rule(_ r: ClusterNetworkPolicy.Rule) -> Rule {
            let action: ClusterPolicyAction = switch r.action { case .Accept: .accept; case .Deny: .deny; case .Pass: .pass }
            return Rule(name: r.name.isEmpty ? nil : r.name, action: action, peers: r.peers.map(peer), ports: r.ports.map { $0.map(port) },
                        location: r.location ?? p.location)
        }
        let subject: Subject = switch p.subject {
        case .namespaces(let s): .namespaces(s)
        case .pods(let np): .pods(namespaces: np.namespaceSelector, pods: np.podSelector)
        }
        self.init(name: p.name, location: p.location, tier: p.tier == .Admin ? .admin : .baseline, priority: p.priority,
                  subject: subject, ingress: p.ingress.map(rule), egress: p.egress.map(rule))
    }
}

/// One rule of a policy that applies to a pod, ready for evaluation.
struct ResolvedTierRule: Sendable {
    var policy: Int
    var direction: PolicyDirection
    var ruleIndex: Int
    var action: ClusterPolicyAction
    /// The map priority: the policy's, plus 2000 in the Baseline tier.
    var priority: Int
    var match: ClusterTierMatch
}

extension VPCCNIPolicyAgent {
    func namespaceLabels(_ ns: String) -> [String: String] {
        var l = world.namespaceLabels[ns] ?? [:]
        l["kubernetes.io/metadata.name"] = ns
        return l
    }

    func subjectSelects(_ s: ClusterTierPolicy.Subject, _ pod: PolicyWorld.Pod) -> Bool {
        switch s {
        case .namespaces(let ns): return ns.matches(namespaceLabels(pod.namespace))
        case .pods(let ns, let p): return ns.matches(namespaceLabels(pod.namespace)) && p.matches(pod.labels)
        }
    }

    /// The cluster-policy rules that apply to the pod's group (its map is shared like the others).
    func tierRules(ofPod i: Int) -> [ResolvedTierRule] {
        guard !clusterPolicies.isEmpty, world.pods.indices.contains(i), !world.pods[i].hostNetwork else { return [] }
        let key = groupKeyOfPod[i]
        if let r = tierCacheLookup(key) { return r }
        var out: [ResolvedTierRule] = []
        let members = (groups[key] ?? []).map { world.pods[$0] }
        for (pi, p) in clusterPolicies.enumerated() where members.contains(where: { subjectSelects(p.subject, $0) }) {
            let prio = p.priority + (p.tier == .baseline ? 2000 : 0)
            for (direction, rules) in [(PolicyDirection.ingress, p.ingress), (.egress, p.egress)] {
                for (ri, r) in rules.enumerated() {
                    out.append(ResolvedTierRule(policy: pi, direction: direction, ruleIndex: ri, action: r.action, priority: prio,
                        match: ClusterTierMatch(tier: p.tier, policyName: p.name, priority: p.priority, action: r.action,
                                                direction: direction, ruleIndex: ri, ruleName: r.name, location: r.location)))
                }
            }
        }
        tierCacheStore(key, out)
        return out
    }

    func peerMatches(_ peer: ClusterTierPolicy.Peer, _ addr: IPv4Address) -> Bool {
        switch peer {
        case .networks(let cidrs): return cidrs.contains { $0.contains(addr) }
        case .domainNames: return false
        case .namespaces(let ns):
            guard let j = podIndex(ip: addr) else { return false }
            return ns.matches(namespaceLabels(world.pods[j].namespace))
        case .pods(let ns, let p):
            guard let j = podIndex(ip: addr) else { return false }
            return ns.matches(namespaceLabels(world.pods[j].namespace)) && p.matches(world.pods[j].labels)
        }
    }

    func portMatches(_ ports: [ClusterTierPolicy.Port]?, named namedOn: PolicyWorld.Pod?, _ proto: UInt8, _ port: UInt16) -> Bool {
        guard let ports else { return true }
        for p in ports {
            switch p {
            case .number(let pr, let n): if pr.number == proto && (n == 0 || n == port) { return true }
            case .range(let pr, let a, let b): if pr.number == proto && (a == 0 || port == a || (b > 0 && port >= a && port <= b)) { return true }
            case .named(let name):
                if let cp = namedOn?.containerPorts.first(where: { $0.name == name }), cp.ipProtocol.number == proto, cp.containerPort == port { return true }
            }
        }
        return false
    }

    /// evaluateClusterPolicyByLookUp: the winning Admin rule (priority ≤ 1000) and the winning
    /// Baseline rule, each with its map priority. The node's address is an Admin Accept at 0.
    func evaluateTiers(_ rules: [ResolvedTierRule], pod i: Int, direction: PolicyDirection, peer: IPv4Address,
                       proto: UInt8, port: UInt16) -> (admin: (ResolvedTierRule, Int)?, baseline: (ResolvedTierRule, Int)?) {
        let pod = world.pods[i]
        if peer == pod.nodeIP {
            let m = ClusterTierMatch(tier: .admin, policyName: "", priority: 0, action: .accept, direction: direction, ruleIndex: -1,
                                     ruleName: "node IP", location: SourceLocation(file: "", line: 0, column: 0))
            return ((ResolvedTierRule(policy: -1, direction: direction, ruleIndex: -1, action: .accept, priority: 0, match: m), 0), nil)
        }
        var best: ResolvedTierRule? = nil
        var bestBaseline: ResolvedTierRule? = nil
        func better(_ a: ResolvedTierRule, than b: ResolvedTierRule?) -> Bool {
            guard let b else { return true }
            return a.priority < b.priority || (a.priority == b.priority && a.action.rank < b.action.rank)
        }
        for r in rules where r.direction == direction {
            let p = clusterPolicies[r.policy]
            let rule = (direction == .ingress ? p.ingress : p.egress)[r.ruleIndex]
            guard rule.peers.contains(where: { peerMatches($0, peer) }) else { continue }
            let namedOn: PolicyWorld.Pod? = direction == .ingress ? pod : podIndex(ip: peer).map { world.pods[$0] }
            guard portMatches(rule.ports, named: namedOn, proto, port) else { continue }
            if better(r, than: best) { best = r }
            if r.priority > 1000, better(r, than: bestBaseline) { bestBaseline = r }
        }
        let admin = best.flatMap { $0.priority <= 1000 ? ($0, $0.priority) : nil }
        return (admin, bestBaseline.map { ($0, $0.priority) })
    }
}
