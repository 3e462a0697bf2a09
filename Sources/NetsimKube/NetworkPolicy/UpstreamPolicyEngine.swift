import NetsimModel

/// NetworkPolicy as the Kubernetes spec (networking.k8s.io/v1) defines it, the semantics that
/// Calico and Cilium enforce:
///
/// - a pod is isolated in a direction when any policy of its namespace whose `policyTypes`
///   include that direction selects it; a pod no such policy selects allows everything;
/// - an isolated pod allows what the union of the rules of all policies selecting it allows
///   (order does not matter; nothing denies);
/// - a rule without peers allows every peer, a rule without ports every port and protocol;
/// - a peer is a `podSelector` (pods of the policy's namespace), a `namespaceSelector` (every
///   pod of the matching namespaces), both (pods matching both), or an `ipBlock` whose
///   `except` entries narrow that block alone;
/// - `ipBlock` matches by address, pod addresses included (the spec leaves pod addresses to
///   the implementation; Calico and Cilium match them, and the e2e's CIDR cases need it);
/// - a port matches on its protocol (default TCP) and its number, its `port`–`endPort` range,
///   or its name, resolved against the container ports of the selected pod for ingress and
///   of the destination pod for egress (name and protocol must agree); a name that does not
///   resolve (the peer is no pod) matches nothing;
/// - hostNetwork pods are no subject of policy and no pod for selectors: their traffic is the
///   node's (the concept page's most common implementation), which an `ipBlock` can match;
/// - traffic between a pod and the node it runs on, and from a pod to itself, is always
///   allowed (the concept page), unless `options` say otherwise;
/// - flows are judged after DNAT: the caller passes the Service's chosen endpoint.
///
/// Built once per world; each evaluation looks only at the policies of the pod's namespace
/// whose selector can match the pod (selectors are bucketed by one label they require).
/// `UpstreamNaiveEvaluator` is the same semantics by linear scan, used to check this one.
public struct UpstreamPolicyEngine: Sendable {
    public let world: PolicyWorld
    public let options: UpstreamPolicyOptions

    let namespaceIDs: [String: Int]
    let podNamespace: [Int]
    let addressToPod: [IPv4Address: Int]
    let keyToPod: [String: Int]
    let policies: [CompiledPolicy]
    /// Per namespace id, per direction (0 ingress, 1 egress).
    let buckets: [[SelectorBuckets]]

    public init(world: PolicyWorld, options: UpstreamPolicyOptions = UpstreamPolicyOptions()) {
        self.world = world; self.options = options
        var names = Set(world.namespaceLabels.keys)
        for p in world.pods { names.insert(p.namespace) }
        for p in world.networkPolicies { names.insert(p.meta.namespace) }
        let sorted = names.sorted()
        var ids: [String: Int] = [:]
        for (i, n) in sorted.enumerated() { ids[n] = i }
        namespaceIDs = ids
        let nsLabels: [[String: String]] = sorted.map { n in
            var l = world.namespaceLabels[n] ?? [:]
            l["kubernetes.io/metadata.name"] = n
            return l
        }
        podNamespace = world.pods.map { ids[$0.namespace] ?? 0 }
        var byAddress: [IPv4Address: Int] = [:], byKey: [String: Int] = [:]
        for (i, p) in world.pods.enumerated() {
            byKey[p.key] = i
            if !p.hostNetwork, byAddress[p.ip] == nil { byAddress[p.ip] = i }
        }
        addressToPod = byAddress; keyToPod = byKey
        // Namespace selectors match namespaces: resolved once, per distinct selector text.
        var compiled: [CompiledPolicy] = []
        var buckets = [[SelectorBuckets]](repeating: [SelectorBuckets(), SelectorBuckets()], count: sorted.count)
        for (i, p) in world.networkPolicies.enumerated() {
            let ns = ids[p.meta.namespace] ?? 0
            func rules(_ rules: [NetworkPolicy.Rule]) -> [CompiledRule] {
                rules.enumerated().map { r, rule in
                    CompiledRule(index: r, location: rule.location, peers: rule.peers.enumerated().map { pi, peer in
                        let kind: CompiledPeer.Kind
                        if let block = peer.ipBlock {
                            kind = .ipBlock(block.cidr, block.except)
                        } else if peer.podSelector == nil && peer.namespaceSelector == nil {
                            kind = .nothing
                        } else if let nsSelector = peer.namespaceSelector {
                            kind = .pods(namespaces: nsLabels.map { nsSelector.matches($0) }, selector: peer.podSelector.flatMap { $0.isEmpty ? nil : $0 })
                        } else {
                            kind = .podsOfNamespace(ns, selector: peer.podSelector.flatMap { $0.isEmpty ? nil : $0 })
                        }
                        return CompiledPeer(index: pi, location: peer.location, kind: kind)
                    }, ports: rule.ports.enumerated().map { pi, port in
                        let match: CompiledPort.Match
                        switch port.port {
                        case nil: match = .all
                        case .number(let n)?: match = .range(n, max(n, port.endPort ?? n))
                        case .name(let name)?: match = .named(name)
                        }
                        return CompiledPort(index: pi, location: port.location, ipProtocol: port.ipProtocol, match: match)
                    })
                }
            }
            let c = CompiledPolicy(ref: UpstreamPolicyRef(policy: i, location: p.meta.location), selector: p.podSelector,
                                   ingress: p.policyTypes.contains(.Ingress), egress: p.policyTypes.contains(.Egress),
                                   ingressRules: rules(p.ingress), egressRules: rules(p.egress))
            compiled.append(c)
            if c.ingress { buckets[ns][0].add(i, selector: p.podSelector) }
            if c.egress { buckets[ns][1].add(i, selector: p.podSelector) }
        }
        policies = compiled
        self.buckets = buckets
    }

    /// The index of the pod `namespace/name`.
    public func pod(key: String) -> Int? { keyToPod[key] }

    /// The pod (not hostNetwork) with this address.
    public func pod(address: IPv4Address) -> Int? { addressToPod[address] }

    /// An endpoint for `address`, with its pod when it is a pod's.
    public func endpoint(address: IPv4Address) -> UpstreamEndpoint { UpstreamEndpoint(address: address, pod: addressToPod[address]) }

    /// The policies (indices) that select pod `pod` in `direction`, in policy order.
    public func selectingPolicies(_ direction: PolicyDirection, pod: Int) -> [Int] {
        let subject = world.pods[pod]
        if subject.hostNetwork { return [] }
        let b = buckets[podNamespace[pod]][direction == .ingress ? 0 : 1]
        var candidates = b.scanned
        if !b.byLabel.isEmpty {
            for (k, v) in subject.labels { if let list = b.byLabel[k]?[v] { candidates += list } }
            if candidates.count != b.scanned.count { candidates.sort() }
        }
        return candidates.filter { policies[$0].selector.matches(subject.labels) }
    }

    /// The decision of pod `pod` (index into `world.pods`) for a flow with `peer` in
    /// `direction` (`peer` is the source for ingress, the destination for egress). `port` is
    /// nil for protocols without ports. With `allMatches`, every allowing rule is listed (the
    /// first otherwise, which is cheaper).
    public func evaluate(_ direction: PolicyDirection, pod: Int, peer: UpstreamEndpoint, protocol ipProtocol: IPProtocol,
                         port: UInt16?, allMatches: Bool = false) -> UpstreamPolicyDecision {
        let subject = world.pods[pod]
        if subject.hostNetwork {
            return UpstreamPolicyDecision(direction: direction, verdict: .allowed, basis: .hostNetwork, isolated: false)
        }
        let selecting = selectingPolicies(direction, pod: pod)
        if selecting.isEmpty {
            return UpstreamPolicyDecision(direction: direction, verdict: .allowed, basis: .notIsolated, isolated: false)
        }
        let isolating = selecting.map { policies[$0].ref }
        var peerPod = peer.pod ?? addressToPod[peer.address]
        if let p = peerPod, world.pods[p].hostNetwork { peerPod = nil }
        if options.ownPodAlwaysAllowed, peerPod == pod {
            return UpstreamPolicyDecision(direction: direction, verdict: .allowed, basis: .ownPod, isolated: true, isolatingPolicies: isolating)
        }
        if options.residentNodeAlwaysAllowed, peerPod == nil, peer.address == subject.nodeIP {
            return UpstreamPolicyDecision(direction: direction, verdict: .allowed, basis: .residentNode, isolated: true, isolatingPolicies: isolating)
        }
        let portOwner = direction == .ingress ? pod : peerPod
        var matches: [UpstreamRuleMatch] = []
        search: for i in selecting {
            let policy = policies[i]
            for rule in direction == .ingress ? policy.ingressRules : policy.egressRules {
                guard let peerIndex = match(rule.peers, peer: peer.address, peerPod: peerPod),
                      let portHit = match(rule.ports, protocol: ipProtocol, port: port, owner: portOwner) else { continue }
                matches.append(UpstreamRuleMatch(
                    policy: policy.ref, rule: rule.index, ruleLocation: rule.location,
                    peer: peerIndex.map { rule.peers[$0].index }, peerLocation: peerIndex.flatMap { rule.peers[$0].location },
                    port: portHit.index.map { rule.ports[$0].index }, portLocation: portHit.index.flatMap { rule.ports[$0].location },
                    namedPortNumber: portHit.hit.number))
                if !allMatches { break search }
            }
        }
        return UpstreamPolicyDecision(direction: direction, verdict: matches.isEmpty ? .denied : .allowed,
                                      basis: matches.isEmpty ? .noRuleAllows : .allowedByRule, isolated: true,
                                      allowedBy: matches, isolatingPolicies: isolating)
    }

    /// The source pod's egress and the destination pod's ingress; the flow passes when both
    /// allow it. An end that is no pod of the world has no decision.
    public func evaluateFlow(from source: UpstreamEndpoint, to destination: UpstreamEndpoint, protocol ipProtocol: IPProtocol,
                             port: UInt16?, allMatches: Bool = false) -> UpstreamFlowDecision {
        let s = source.pod ?? addressToPod[source.address], d = destination.pod ?? addressToPod[destination.address]
        return UpstreamFlowDecision(
            egress: s.map { evaluate(.egress, pod: $0, peer: destination, protocol: ipProtocol, port: port, allMatches: allMatches) },
            ingress: d.map { evaluate(.ingress, pod: $0, peer: source, protocol: ipProtocol, port: port, allMatches: allMatches) })
    }

    /// `.some(nil)`: the rule lists no peers; `.some(i)`: peer i matched; nil: none matched.
    func match(_ peers: [CompiledPeer], peer address: IPv4Address, peerPod: Int?) -> Int?? {
        if peers.isEmpty { return .some(nil) }
        for (i, p) in peers.enumerated() {
            switch p.kind {
            case .nothing: continue
            case .ipBlock(let cidr, let except):
                if cidr.contains(address) && !except.contains(where: { $0.contains(address) }) { return .some(i) }
            case .podsOfNamespace(let ns, let selector):
                guard let peerPod, podNamespace[peerPod] == ns else { continue }
                if selector?.matches(world.pods[peerPod].labels) ?? true { return .some(i) }
            case .pods(let namespaces, let selector):
                guard let peerPod, namespaces[podNamespace[peerPod]] else { continue }
                if selector?.matches(world.pods[peerPod].labels) ?? true { return .some(i) }
            }
        }
        return nil
    }

    func match(_ ports: [CompiledPort], protocol ipProtocol: IPProtocol, port: UInt16?, owner: Int?) -> (index: Int?, hit: UpstreamPortHit)? {
        if ports.isEmpty { return (nil, .plain) }
        for (i, p) in ports.enumerated() where p.ipProtocol == ipProtocol {
            switch p.match {
            case .all: return (i, .plain)
            case .range(let lo, let hi):
                if let port, port >= lo, port <= hi { return (i, .plain) }
            case .named(let name):
                guard let port, let owner else { continue }
                if world.pods[owner].containerPorts.contains(where: { $0.name == name && $0.ipProtocol == ipProtocol && $0.containerPort == port }) {
                    return (i, .named(port))
                }
            }
        }
        return nil
    }
}

/// A namespace's policies of one direction, bucketed by one label their pod selector requires
/// (`key=value`); selectors requiring no single label (empty, or expressions only) are scanned.
struct SelectorBuckets: Sendable {
    var byLabel: [String: [String: [Int]]] = [:]
    var scanned: [Int] = []

    mutating func add(_ policy: Int, selector: LabelSelector) {
        if let (k, v) = selector.matchLabels.min(by: { $0.key < $1.key }) {
            byLabel[k, default: [:]][v, default: []].append(policy)
        } else if let r = selector.matchExpressions.first(where: { $0.op == .In && $0.values.count == 1 }) {
            byLabel[r.key, default: [:]][r.values[0], default: []].append(policy)
        } else {
            scanned.append(policy)
        }
    }
}

struct CompiledPolicy: Sendable {
    var ref: UpstreamPolicyRef
    var selector: LabelSelector
    var ingress: Bool
    var egress: Bool
    var ingressRules: [CompiledRule]
    var egressRules: [CompiledRule]
}

struct CompiledRule: Sendable {
    var index: Int
    var location: SourceLocation?
    var peers: [CompiledPeer]
    var ports: [CompiledPort]
}

struct CompiledPeer: Sendable {
    enum Kind: Sendable {
        /// A peer with no selector and no ipBlock (the API server refuses it): matches nothing.
        case nothing
        case ipBlock(IPv4CIDR, [IPv4CIDR])
        /// `podSelector` alone: pods of the policy's namespace (nil selector: all of them).
        case podsOfNamespace(Int, selector: LabelSelector?)
        /// `namespaceSelector` (with an optional `podSelector`): a flag per namespace id.
        case pods(namespaces: [Bool], selector: LabelSelector?)
    }
    var index: Int
    var location: SourceLocation?
    var kind: Kind
}

struct CompiledPort: Sendable {
    enum Match: Sendable { case all, range(UInt16, UInt16), named(String) }
    var index: Int
    var location: SourceLocation?
    var ipProtocol: IPProtocol
    var match: Match
}
