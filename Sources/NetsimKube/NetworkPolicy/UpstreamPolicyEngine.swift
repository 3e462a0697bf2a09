import Synchronization
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
/// A class: it holds many tables, and a struct would be copied (each table retained) at every call.
public final class UpstreamPolicyEngine: Sendable {
    public let world: PolicyWorld
    public let options: UpstreamPolicyOptions

    let namespaceIDs: [String: Int]
    let namespaceCount: Int
    let podNamespace: [Int]
    let podHostNetwork: [Bool]
    let podNodeIP: [IPv4Address]
    let addressToPod: [IPv4Address: Int]
    let keyToPod: [String: Int]
    // The policies compiled into flat arrays of plain values (no references to count on the
    // hot path); selectors, names and locations are looked up by index when needed.
    let policies: [FlatPolicy]
    let rules: [FlatRule]
    let peers: [FlatPeer]
    let ports: [FlatPort]
    let excepts: [IPv4CIDR]
    /// One flag per namespace id for each namespace selector, `namespaceCount` apart.
    let namespaceMasks: [Bool]
    let selectors: [LabelSelector]
    let portNames: [String]
    /// Per namespace id, per direction (0 ingress, 1 egress).
    let buckets: [[SelectorBuckets]]
    /// The policies selecting each pod in each direction, found once per pod and direction
    /// (a trace asks for the same pods again and again; with a thousand policies selecting a
    /// pod, matching their selectors is the cost of an evaluation).
    let selection = UpstreamSelectionCache()

    public init(world: PolicyWorld, options: UpstreamPolicyOptions = UpstreamPolicyOptions()) {
        self.world = world; self.options = options
        var names = Set(world.namespaceLabels.keys)
        for p in world.pods { names.insert(p.namespace) }
        for p in world.networkPolicies { names.insert(p.meta.namespace) }
        let sorted = names.sorted()
        var ids: [String: Int] = [:]
        for (i, n) in sorted.enumerated() { ids[n] = i }
        namespaceIDs = ids
        namespaceCount = sorted.count
        let nsLabels: [[String: String]] = sorted.map { n in
            var l = world.namespaceLabels[n] ?? [:]
            l["kubernetes.io/metadata.name"] = n
            return l
        }
        podNamespace = world.pods.map { ids[$0.namespace] ?? 0 }
        podHostNetwork = world.pods.map(\.hostNetwork)
        podNodeIP = world.pods.map(\.nodeIP)
        var byAddress: [IPv4Address: Int] = [:], byKey: [String: Int] = [:]
        for (i, p) in world.pods.enumerated() {
            byKey[p.key] = i
            if !p.hostNetwork, byAddress[p.ip] == nil { byAddress[p.ip] = i }
        }
        addressToPod = byAddress; keyToPod = byKey
        var policies: [FlatPolicy] = [], rules: [FlatRule] = [], peers: [FlatPeer] = [], ports: [FlatPort] = []
        var excepts: [IPv4CIDR] = [], masks: [Bool] = [], selectors: [LabelSelector] = [], portNames: [String] = []
        var buckets = [[SelectorBuckets]](repeating: [SelectorBuckets(), SelectorBuckets()], count: sorted.count)
        func selector(_ s: LabelSelector?) -> Int {
            guard let s, !s.isEmpty else { return -1 }
            selectors.append(s)
            return selectors.count - 1
        }
        for (i, p) in world.networkPolicies.enumerated() {
            let ns = ids[p.meta.namespace] ?? 0
            func compile(_ list: [NetworkPolicy.Rule]) -> (Int, Int) {
                let first = rules.count
                for (r, rule) in list.enumerated() {
                    let peerStart = peers.count, portStart = ports.count
                    for (pi, peer) in rule.peers.enumerated() {
                        var f = FlatPeer(index: pi, kind: .nothing, namespace: 0, selector: -1, cidr: .any, exceptStart: 0, exceptCount: 0)
                        if let block = peer.ipBlock {
                            f.kind = .ipBlock; f.cidr = block.cidr; f.exceptStart = excepts.count; f.exceptCount = block.except.count
                            excepts += block.except
                        } else if peer.podSelector == nil && peer.namespaceSelector == nil {
                            f.kind = .nothing
                        } else if let nsSelector = peer.namespaceSelector {
                            f.kind = .podsOfNamespaces; f.namespace = masks.count; f.selector = selector(peer.podSelector)
                            masks += nsLabels.map { nsSelector.matches($0) }
                        } else {
                            f.kind = .podsOfNamespace; f.namespace = ns; f.selector = selector(peer.podSelector)
                        }
                        peers.append(f)
                    }
                    for (pi, port) in rule.ports.enumerated() {
                        var f = FlatPort(index: pi, ipProtocol: port.ipProtocol, kind: .all, low: 0, high: 0, name: -1)
                        switch port.port {
                        case nil: f.kind = .all
                        case .number(let n)?: f.kind = .range; f.low = n; f.high = max(n, port.endPort ?? n)
                        case .name(let name)?: f.kind = .named; f.name = portNames.count; portNames.append(name)
                        }
                        ports.append(f)
                    }
                    rules.append(FlatRule(index: r, peerStart: peerStart, peerCount: peers.count - peerStart,
                                          portStart: portStart, portCount: ports.count - portStart))
                }
                return (first, rules.count - first)
            }
            let (inStart, inCount) = compile(p.ingress), (egStart, egCount) = compile(p.egress)
            let f = FlatPolicy(ingress: p.policyTypes.contains(.Ingress), egress: p.policyTypes.contains(.Egress),
                               ingressStart: inStart, ingressCount: inCount, egressStart: egStart, egressCount: egCount)
            policies.append(f)
            if f.ingress { buckets[ns][0].add(i, selector: p.podSelector) }
            if f.egress { buckets[ns][1].add(i, selector: p.podSelector) }
        }
        self.policies = policies; self.rules = rules; self.peers = peers; self.ports = ports
        self.excepts = excepts; self.namespaceMasks = masks; self.selectors = selectors; self.portNames = portNames
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
        if podHostNetwork[pod] { return [] }
        let labels = world.pods[pod].labels
        let b = buckets[podNamespace[pod]][direction == .ingress ? 0 : 1]
        var candidates = b.scanned
        if !b.byLabel.isEmpty {
            for (k, v) in labels { if let list = b.byLabel[k]?[v] { candidates += list } }
            if candidates.count != b.scanned.count { candidates.sort() }
        }
        candidates.removeAll { !world.networkPolicies[$0].podSelector.matches(labels) }
        return candidates
    }

    /// The decision of pod `pod` (index into `world.pods`) for a flow with `peer` in
    /// `direction` (`peer` is the source for ingress, the destination for egress). `port` is
    /// nil for protocols without ports. With `allMatches`, every allowing rule is listed (the
    /// first otherwise, which is cheaper).
    public func evaluate(_ direction: PolicyDirection, pod: Int, peer: UpstreamEndpoint, protocol ipProtocol: IPProtocol,
                         port: UInt16?, allMatches: Bool = false) -> UpstreamPolicyDecision {
        if podHostNetwork[pod] {
            return UpstreamPolicyDecision(direction: direction, verdict: .allowed, basis: .hostNetwork, isolated: false)
        }
        let key = pod << 1 | (direction == .ingress ? 0 : 1)
        let selecting: [Int], isolating: [UpstreamPolicyRef]
        if let cached = selection.get(key) {
            (selecting, isolating) = cached
        } else {
            selecting = selectingPolicies(direction, pod: pod)
            isolating = selecting.map { UpstreamPolicyRef(policy: $0, location: world.networkPolicies[$0].meta.location) }
            selection.put(key, (selecting, isolating))
        }
        if selecting.isEmpty {
            return UpstreamPolicyDecision(direction: direction, verdict: .allowed, basis: .notIsolated, isolated: false)
        }
        var peerPod = peer.pod ?? addressToPod[peer.address]
        if let p = peerPod, podHostNetwork[p] { peerPod = nil }
        if options.ownPodAlwaysAllowed, peerPod == pod {
            return UpstreamPolicyDecision(direction: direction, verdict: .allowed, basis: .ownPod, isolated: true, isolatingPolicies: isolating)
        }
        if options.residentNodeAlwaysAllowed, peerPod == nil, peer.address == podNodeIP[pod] {
            return UpstreamPolicyDecision(direction: direction, verdict: .allowed, basis: .residentNode, isolated: true, isolatingPolicies: isolating)
        }
        let portOwner = direction == .ingress ? pod : peerPod
        var matches: [UpstreamRuleMatch] = []
        search: for (n, i) in selecting.enumerated() {
            let policy = policies[i]
            let (start, count) = direction == .ingress ? (policy.ingressStart, policy.ingressCount) : (policy.egressStart, policy.egressCount)
            for r in start..<(start + count) {
                let rule = rules[r]
                guard let peerIndex = matchPeer(rule, address: peer.address, peerPod: peerPod),
                      let portHit = matchPort(rule, protocol: ipProtocol, port: port, owner: portOwner) else { continue }
                let written = direction == .ingress ? world.networkPolicies[i].ingress[rule.index] : world.networkPolicies[i].egress[rule.index]
                matches.append(UpstreamRuleMatch(
                    policy: isolating[n], rule: rule.index, ruleLocation: written.location,
                    peer: peerIndex, peerLocation: peerIndex.flatMap { written.peers[$0].location },
                    port: portHit.index, portLocation: portHit.index.flatMap { written.ports[$0].location },
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
    func matchPeer(_ rule: FlatRule, address: IPv4Address, peerPod: Int?) -> Int?? {
        if rule.peerCount == 0 { return .some(nil) }
        for k in rule.peerStart..<(rule.peerStart + rule.peerCount) {
            let p = peers[k]
            switch p.kind {
            case .nothing: continue
            case .ipBlock:
                guard p.cidr.contains(address) else { continue }
                var excepted = false
                for e in p.exceptStart..<(p.exceptStart + p.exceptCount) where excepts[e].contains(address) { excepted = true; break }
                if !excepted { return .some(p.index) }
            case .podsOfNamespace:
                guard let peerPod, podNamespace[peerPod] == p.namespace else { continue }
                if p.selector < 0 || selectors[p.selector].matches(world.pods[peerPod].labels) { return .some(p.index) }
            case .podsOfNamespaces:
                guard let peerPod, namespaceMasks[p.namespace + podNamespace[peerPod]] else { continue }
                if p.selector < 0 || selectors[p.selector].matches(world.pods[peerPod].labels) { return .some(p.index) }
            }
        }
        return nil
    }

    func matchPort(_ rule: FlatRule, protocol ipProtocol: IPProtocol, port: UInt16?, owner: Int?) -> (index: Int?, hit: UpstreamPortHit)? {
        if rule.portCount == 0 { return (nil, .plain) }
        for k in rule.portStart..<(rule.portStart + rule.portCount) {
            let p = ports[k]
            guard p.ipProtocol == ipProtocol else { continue }
            switch p.kind {
            case .all: return (p.index, .plain)
            case .range:
                if let port, port >= p.low, port <= p.high { return (p.index, .plain) }
            case .named:
                guard let port, let owner else { continue }
                let name = portNames[p.name]
                if world.pods[owner].containerPorts.contains(where: { $0.name == name && $0.ipProtocol == ipProtocol && $0.containerPort == port }) {
                    return (p.index, .named(port))
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

struct FlatPolicy: Sendable {
    var ingress: Bool
    var egress: Bool
    var ingressStart: Int, ingressCount: Int
    var egressStart: Int, egressCount: Int
}

struct FlatRule: Sendable {
    /// The rule's index in its policy's list.
    var index: Int
    var peerStart: Int, peerCount: Int
    var portStart: Int, portCount: Int
}

struct FlatPeer: Sendable {
    enum Kind: UInt8, Sendable {
        /// A peer with no selector and no ipBlock (the API server refuses it): matches nothing.
        case nothing
        /// `cidr` less `excepts[exceptStart ..< exceptStart + exceptCount]`.
        case ipBlock
        /// `podSelector` alone: pods of namespace id `namespace` (selector -1: all of them).
        case podsOfNamespace
        /// `namespaceSelector` (with an optional `podSelector`): `namespace` is the offset of
        /// its flags in `namespaceMasks`.
        case podsOfNamespaces
    }
    /// The peer's index in its rule.
    var index: Int
    var kind: Kind
    var namespace: Int
    /// Index into `selectors`; -1: every pod.
    var selector: Int
    var cidr: IPv4CIDR
    var exceptStart: Int, exceptCount: Int
}

struct FlatPort: Sendable {
    enum Kind: UInt8, Sendable { case all, range, named }
    /// The port's index in its rule.
    var index: Int
    var ipProtocol: IPProtocol
    var kind: Kind
    var low: UInt16, high: UInt16
    /// Index into `portNames` for a named port.
    var name: Int
}

/// The policies selecting a pod in a direction, and their references, kept per pod and direction.
final class UpstreamSelectionCache: Sendable {
    private let entries = Mutex<[Int: ([Int], [UpstreamPolicyRef])]>([:])
    func get(_ key: Int) -> ([Int], [UpstreamPolicyRef])? { entries.withLock { $0[key] } }
    func put(_ key: Int, _ value: ([Int], [UpstreamPolicyRef])) { entries.withLock { $0[key] = value } }
}
