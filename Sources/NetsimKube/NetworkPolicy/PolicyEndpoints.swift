import NetsimModel

// The VPC CNI network policy stack, part 1: the controller's resolution of each NetworkPolicy
// into PolicyEndpoint entries, as `amazon-network-policy-controller-k8s` v1.1.7 (commit ecc7e6a)
// does it in `pkg/resolvers/endpoints.go` (computePodSelectorEndpoints, computeIngressEndpoints,
// computeEgressEndpoints, getMatchingServiceClusterIPs, hasTargetPortBypass) and
// `pkg/k8s/service_utils.go` (LookupServiceListenPort, IsServiceHeadless). Written from a reading
// of that source; nothing is copied.

/// Where a PolicyEndpoint entry, an agent map entry or a port comes from: the NetworkPolicy, the
/// direction, the rule (index and place), and the peer and port when there is one.
public struct PolicyRuleRef: Hashable, Sendable, CustomStringConvertible {
    /// How the entry's address was found.
    public enum PeerKind: Hashable, Sendable {
        /// A pod matched by the peer's podSelector/namespaceSelector ("namespace/name").
        case pod(String)
        /// The ClusterIP of a Service whose selector the peer's podSelector matches ("namespace/name").
        case serviceClusterIP(String)
        /// An `ipBlock` peer.
        case ipBlock
        /// A rule without peers: every address (0.0.0.0/0).
        case anyPeer
    }
    /// The fields every entry of one rule and peer shares, held once (millions of entries
    /// point at a few thousand of these).
    final class Fields: Sendable {
        let policyNamespace: String, policyName: String, policyLocation: SourceLocation
        let direction: PolicyDirection, ruleIndex: Int, ruleLocation: SourceLocation?
        let peerIndex: Int?, peerLocation: SourceLocation?
        let policyKey: String
        init(_ ns: String, _ name: String, _ loc: SourceLocation, _ d: PolicyDirection, _ ri: Int, _ rl: SourceLocation?,
             _ pi: Int?, _ pl: SourceLocation?) {
            policyNamespace = ns; policyName = name; policyLocation = loc; direction = d; ruleIndex = ri; ruleLocation = rl
            peerIndex = pi; peerLocation = pl; policyKey = "\(ns)/\(name)"
        }
        func same(_ o: Fields) -> Bool {
            self === o || (policyNamespace == o.policyNamespace && policyName == o.policyName && policyLocation == o.policyLocation
                && direction == o.direction && ruleIndex == o.ruleIndex && ruleLocation == o.ruleLocation
                && peerIndex == o.peerIndex && peerLocation == o.peerLocation)
        }
    }
    let fields: Fields
    public let peer: PeerKind

    public var policyNamespace: String { fields.policyNamespace }
    public var policyName: String { fields.policyName }
    public var policyLocation: SourceLocation { fields.policyLocation }
    public var direction: PolicyDirection { fields.direction }
    /// Index of the rule in the policy's `ingress` or `egress` list.
    public var ruleIndex: Int { fields.ruleIndex }
    public var ruleLocation: SourceLocation? { fields.ruleLocation }
    /// Index of the peer in the rule's `from`/`to` list; nil for a rule without peers.
    public var peerIndex: Int? { fields.peerIndex }
    public var peerLocation: SourceLocation? { fields.peerLocation }

    public init(policyNamespace: String, policyName: String, policyLocation: SourceLocation, direction: PolicyDirection,
                ruleIndex: Int, ruleLocation: SourceLocation?, peerIndex: Int?, peerLocation: SourceLocation?, peer: PeerKind) {
        fields = Fields(policyNamespace, policyName, policyLocation, direction, ruleIndex, ruleLocation, peerIndex, peerLocation)
        self.peer = peer
    }
    init(_ fields: Fields, _ peer: PeerKind) { self.fields = fields; self.peer = peer }

    public static func == (a: PolicyRuleRef, b: PolicyRuleRef) -> Bool { a.peer == b.peer && a.fields.same(b.fields) }
    public func hash(into h: inout Hasher) {
        h.combine(policyNamespace); h.combine(policyName); h.combine(direction); h.combine(ruleIndex); h.combine(peerIndex); h.combine(peer)
    }

    /// "namespace/name", the policy's key.
    public var policyKey: String { fields.policyKey }
    /// The most precise place: the peer, else the rule, else the policy.
    public var location: SourceLocation { peerLocation ?? ruleLocation ?? policyLocation }
    public var description: String { "\(policyKey) \(direction.rawValue)[\(ruleIndex)]" }
}

/// The agent's L4 protocol of a port entry: a policy protocol, or the agent's two markers.
public enum AgentL4Protocol: Hashable, Sendable, CustomStringConvertible {
    case tcp, udp, sctp
    /// `ANY_IP_PROTOCOL` (254): a rule without ports, every protocol and port.
    case any
    /// `RESERVED_IP_PROTOCOL_NUMBER` (255): the deny-all entry of an `except` CIDR.
    case denyAll

    /// The policy protocol a NetworkPolicy port names (TCP, UDP, SCTP); nil for others.
    public init?(_ p: IPProtocol) {
        switch p {
        case .tcp: self = .tcp
        case .udp: self = .udp
        case .number(132): self = .sctp
        default: return nil
        }
    }
    public var description: String {
        switch self {
        case .tcp: "TCP"; case .udp: "UDP"; case .sctp: "SCTP"; case .any: "ANY"; case .denyAll: "DENY"
        }
    }
}

/// One port of a PolicyEndpoint entry: protocol, start port (nil: every port of the protocol)
/// and end port, with the policy port it comes from.
public struct PolicyEndpointPort: Hashable, Sendable, CustomStringConvertible {
    public var ipProtocol: AgentL4Protocol
    public var port: UInt16?
    public var endPort: UInt16?
    /// Index of the port in the rule's `ports` list.
    public var portIndex: Int?
    public var location: SourceLocation?
    public init(ipProtocol: AgentL4Protocol, port: UInt16?, endPort: UInt16?, portIndex: Int? = nil, location: SourceLocation? = nil) {
        self.ipProtocol = ipProtocol; self.port = port; self.endPort = endPort; self.portIndex = portIndex; self.location = location
    }
    public var description: String {
        guard let port else { return "\(ipProtocol)/*" }
        if let endPort { return "\(ipProtocol)/\(port)-\(endPort)" }
        return "\(ipProtocol)/\(port)"
    }
}

/// One ingress or egress entry of a PolicyEndpoint: a CIDR (a /32 for pods and ClusterIPs),
/// its excepts, and its ports (empty: all ports and protocols).
public struct PolicyEndpointEntry: Sendable {
    public var cidr: IPv4CIDR
    public var except: [IPv4CIDR]
    public var ports: [PolicyEndpointPort]
    public var source: PolicyRuleRef
    public init(cidr: IPv4CIDR, except: [IPv4CIDR], ports: [PolicyEndpointPort], source: PolicyRuleRef) {
        self.cidr = cidr; self.except = except; self.ports = ports; self.source = source
    }
}

/// A rule, peer or port the controller leaves out, and why (the controller only logs these).
public struct PolicyEndpointSkip: Sendable {
    public enum Reason: String, Sendable {
        /// Every port of the rule is named and none resolves on the selected pods (ingress).
        case namedPortsUnresolvedOnSelectedPods
        /// Every port of the rule is named; an ipBlock or "anywhere" peer cannot resolve them (egress).
        case namedPortsWithCIDRPeer
        /// Every port of the rule is named and the destination pod has none of them (egress).
        case namedPortsNotOnPeerPod
        /// A Service port whose named targetPort reaches a container port the policy does not allow.
        case servicePortNamedTargetPortBypass
        /// No port of the rule maps to a port of the Service.
        case noMatchingServicePort
        /// An IPv6 ipBlock in an IPv4 cluster.
        case ipv6Peer
    }
    public var reason: Reason
    public var source: PolicyRuleRef
    /// The pod or Service concerned, "namespace/name", when there is one.
    public var subject: String?
    public init(reason: Reason, source: PolicyRuleRef, subject: String? = nil) {
        self.reason = reason; self.source = source; self.subject = subject
    }
}

/// Pod addresses and keys of one resolution, shared by every pod run (held once).
final class PodTable: Sendable {
    let ips: [IPv4Address]
    let keys: [String]
    init(_ world: PolicyWorld) { ips = world.pods.map(\.ip); keys = world.pods.map(\.key) }
}

/// The pods one selector peer matches in one namespace (indices into `PolicyWorld.pods`,
/// ascending), computed once per (namespace, podSelector) and shared by every rule and policy
/// that names them.
final class PodPeerSet: Sendable {
    let pods: [Int]
    let table: PodTable
    init(_ pods: [Int], _ table: PodTable) { self.pods = pods; self.table = table }
}

/// Entries of one direction as the resolver holds them: written entries, and runs of pod
/// entries (one /32 per pod of a shared set, all with the same ports and rule) that become
/// entries only when asked for (a group's maps, `PolicyEndpoint.ingress`/`egress`).
enum PolicyEndpointItem: Sendable {
    case entry(PolicyEndpointEntry)
    case pods(PodPeerSet, ports: [PolicyEndpointPort], fields: PolicyRuleRef.Fields)

    var count: Int {
        switch self { case .entry: 1; case .pods(let set, _, _): set.pods.count }
    }
    func append(to out: inout [PolicyEndpointEntry]) {
        switch self {
        case .entry(let e): out.append(e)
        case .pods(let set, let ports, let fields):
            let t = set.table
            for i in set.pods {
                out.append(PolicyEndpointEntry(cidr: IPv4CIDR(network: t.ips[i], prefixLength: 32), except: [], ports: ports,
                                               source: PolicyRuleRef(fields, .pod(t.keys[i]))))
            }
        }
    }
    static func expand(_ items: [PolicyEndpointItem]) -> [PolicyEndpointEntry] {
        var out: [PolicyEndpointEntry] = []
        out.reserveCapacity(items.reduce(0) { $0 + $1.count })
        for item in items { item.append(to: &out) }
        return out
    }
}

/// What the controller writes for one NetworkPolicy (the PolicyEndpoint objects, chunking aside).
public struct PolicyEndpoint: Sendable {
    public var policyNamespace: String
    public var policyName: String
    public var policyLocation: SourceLocation
    /// `spec.podIsolation`: the policy's policyTypes.
    public var podIsolation: Set<PolicyDirection>
    /// Indices into `PolicyWorld.pods` of the selected pods (hostNetwork pods are skipped).
    public var selectedPods: [Int]
    /// Selected hostNetwork pods the controller leaves out ("namespace/name").
    public var skippedHostNetworkPods: [String]
    /// The entries, pod peers held as shared pod sets until expanded.
    var ingressItems: [PolicyEndpointItem]
    var egressItems: [PolicyEndpointItem]
    public var skipped: [PolicyEndpointSkip]

    /// The ingress entries (pod peers expanded to their /32s; computed on each call).
    public var ingress: [PolicyEndpointEntry] { PolicyEndpointItem.expand(ingressItems) }
    /// The egress entries (pod peers expanded to their /32s; computed on each call).
    public var egress: [PolicyEndpointEntry] { PolicyEndpointItem.expand(egressItems) }
    public var policyKey: String { "\(policyNamespace)/\(policyName)" }
    public func entries(_ direction: PolicyDirection) -> [PolicyEndpointEntry] { direction == .ingress ? ingress : egress }
    /// How many entries `entries(direction)` holds, without expanding them.
    public func entryCount(_ direction: PolicyDirection) -> Int {
        (direction == .ingress ? ingressItems : egressItems).reduce(0) { $0 + $1.count }
    }
    func items(_ direction: PolicyDirection) -> [PolicyEndpointItem] { direction == .ingress ? ingressItems : egressItems }
}

/// Pods indexed by namespace and by label, for selector lookups without a scan of every pod.
struct PodIndex: Sendable {
    /// namespace → pod indices (sorted).
    var byNamespace: [String: [Int]] = [:]
    /// namespace → "key=value" → pod indices (sorted).
    var byLabel: [String: [String: [Int]]] = [:]
    var namespaces: [String] = []

    init(_ world: PolicyWorld) {
        for (i, pod) in world.pods.enumerated() {
            byNamespace[pod.namespace, default: []].append(i)
            for (k, v) in pod.labels { byLabel[pod.namespace, default: [:]]["\(k)=\(v)", default: []].append(i) }
        }
        var names = Set(world.namespaceLabels.keys)
        names.formUnion(byNamespace.keys)
        namespaces = names.sorted()
    }

    /// Pods of `namespace` the selector matches (nil selector: every pod).
    func pods(in namespace: String, matching selector: LabelSelector?, _ world: PolicyWorld) -> [Int] {
        guard let all = byNamespace[namespace] else { return [] }
        guard let selector, !selector.isEmpty else { return all }
        var candidates = all
        if !selector.matchLabels.isEmpty, let labels = byLabel[namespace] {
            var smallest: [Int]? = nil
            for (k, v) in selector.matchLabels {
                let list = labels["\(k)=\(v)"] ?? []
                if smallest == nil || list.count < smallest!.count { smallest = list }
            }
            candidates = smallest ?? []
        } else if !selector.matchLabels.isEmpty {
            return []
        }
        return candidates.filter { selector.matches(world.pods[$0].labels) }
    }

    /// Namespaces the selector matches (nil: only `policyNamespace`, as for a peer without one).
    func namespaces(matching selector: LabelSelector?, policyNamespace: String, _ world: PolicyWorld) -> [String] {
        guard let selector else { return [policyNamespace] }
        return namespaces.filter { ns in
            var labels = world.namespaceLabels[ns] ?? [:]
            labels["kubernetes.io/metadata.name"] = ns
            return selector.matches(labels)
        }
    }
}

/// The controller: resolves every NetworkPolicy of a `PolicyWorld` into its PolicyEndpoint.
public enum PolicyEndpointsResolver {
    /// Resolves every policy (in `world.networkPolicies` order). Pod peers are held as pod sets
    /// shared across rules and policies and expand to their /32 entries when asked for.
    public static func resolve(_ world: PolicyWorld) -> [PolicyEndpoint] { resolve(world, expanded: false) }

    /// `expanded`: write every pod peer's /32 entry at once (the straightforward path, kept as
    /// the tests' reference for the shared one).
    static func resolve(_ world: PolicyWorld, expanded: Bool) -> [PolicyEndpoint] {
        let index = PodIndex(world)
        var servicesByNamespace: [String: [Int]] = [:]
        for (i, s) in world.services.enumerated() { servicesByNamespace[s.meta.namespace, default: []].append(i) }
        var ctx = Context(world: world, index: index, servicesByNamespace: servicesByNamespace, table: PodTable(world), expanded: expanded)
        return world.networkPolicies.map { ctx.resolve($0) }
    }

    /// Resolves one policy, building the index each time (a plain scan is as good for one).
    public static func resolve(_ policy: NetworkPolicy, in world: PolicyWorld) -> PolicyEndpoint {
        var servicesByNamespace: [String: [Int]] = [:]
        for (i, s) in world.services.enumerated() { servicesByNamespace[s.meta.namespace, default: []].append(i) }
        var ctx = Context(world: world, index: PodIndex(world), servicesByNamespace: servicesByNamespace, table: PodTable(world), expanded: false)
        return ctx.resolve(policy)
    }

    struct Context {
        let world: PolicyWorld
        let index: PodIndex
        let servicesByNamespace: [String: [Int]]
        /// Pod addresses and keys, made once (entries and pod sets share them).
        let table: PodTable
        var keys: [String] { table.keys }
        /// Write pod peers' entries at once instead of as shared pod sets.
        let expanded: Bool
        /// "namespace|podSelector" → the pods it matches, shared.
        var podSets: [String: PodPeerSet] = [:]
        /// "namespaceSelector|policy namespace" → the namespaces it matches.
        var namespaceSets: [String: [String]] = [:]

        /// The pods of `ns` the selector matches, computed once per (namespace, selector).
        mutating func podSet(_ ns: String, _ selector: LabelSelector?) -> PodPeerSet {
            let key = ns + "|" + Self.selectorKey(selector)
            if let s = podSets[key] { return s }
            let s = PodPeerSet(index.pods(in: ns, matching: selector, world), table)
            podSets[key] = s
            return s
        }
        mutating func namespaces(_ selector: LabelSelector?, _ policyNamespace: String) -> [String] {
            guard let selector else { return [policyNamespace] }
            let key = Self.selectorKey(selector)
            if let n = namespaceSets[key] { return n }
            let n = index.namespaces(matching: selector, policyNamespace: policyNamespace, world)
            namespaceSets[key] = n
            return n
        }
        /// A canonical text of a selector (nil and empty both select everything).
        static func selectorKey(_ s: LabelSelector?) -> String {
            guard let s, !s.isEmpty else { return "*" }
            var out = s.matchLabels.sorted { $0.key < $1.key }.map { "\($0.key.count):\($0.key)=\($0.value.count):\($0.value)" }.joined(separator: ",")
            for r in s.matchExpressions {
                out += ";\(r.key.count):\(r.key) \(r.op.rawValue) " + r.values.map { "\($0.count):\($0)" }.joined(separator: ",")
            }
            return out
        }

        mutating func resolve(_ policy: NetworkPolicy) -> PolicyEndpoint {
            let ns = policy.meta.namespace
            var selected: [Int] = []
            var skippedHost: [String] = []
            let selectedAll = index.pods(in: ns, matching: policy.podSelector, world)
            for i in selectedAll {
                if world.pods[i].hostNetwork { skippedHost.append(world.pods[i].key) } else { selected.append(i) }
            }
            var skipped: [PolicyEndpointSkip] = []
            var ingress: [PolicyEndpointItem] = []
            for (ri, rule) in policy.ingress.enumerated() {
                ingress += ingressEntries(policy, ri, rule, selectedAll: selectedAll, skipped: &skipped)
            }
            var egress: [PolicyEndpointItem] = []
            for (ri, rule) in policy.egress.enumerated() {
                egress += egressEntries(policy, ri, rule, skipped: &skipped)
            }
            var isolation: Set<PolicyDirection> = []
            for t in policy.policyTypes { isolation.insert(t == .Ingress ? .ingress : .egress) }
            return PolicyEndpoint(policyNamespace: ns, policyName: policy.meta.name, policyLocation: policy.meta.location,
                                  podIsolation: isolation, selectedPods: selected, skippedHostNetworkPods: skippedHost,
                                  ingressItems: ingress, egressItems: egress, skipped: skipped)
        }

        func ref(_ policy: NetworkPolicy, _ direction: PolicyDirection, _ ri: Int, _ rule: NetworkPolicy.Rule,
                 _ pi: Int?, _ peer: PolicyRuleRef.PeerKind) -> PolicyRuleRef {
            PolicyRuleRef(fields(policy, direction, ri, rule, pi), peer)
        }
        func fields(_ policy: NetworkPolicy, _ direction: PolicyDirection, _ ri: Int, _ rule: NetworkPolicy.Rule,
                    _ pi: Int?) -> PolicyRuleRef.Fields {
            PolicyRuleRef.Fields(policy.meta.namespace, policy.meta.name, policy.meta.location, direction, ri, rule.location,
                                 pi, pi.flatMap { rule.peers[$0].location })
        }

        /// A numeric or protocol-only port as written (named ports: nil, they need a pod).
        static func cidrPort(_ p: NetworkPolicy.Port, _ pi: Int) -> PolicyEndpointPort? {
            guard let proto = AgentL4Protocol(p.ipProtocol) else { return nil }
            switch p.port {
            case nil: return PolicyEndpointPort(ipProtocol: proto, port: nil, endPort: nil, portIndex: pi, location: p.location)
            case .name: return nil
            case .number(let n): return PolicyEndpointPort(ipProtocol: proto, port: n, endPort: p.endPort, portIndex: pi, location: p.location)
            }
        }

        /// The rule's ports resolved on one pod (`getPortList`: a named port the pod lacks is left out;
        /// a numeric port is kept whether or not the pod declares it).
        func portList(on pod: PolicyWorld.Pod, _ ports: [NetworkPolicy.Port]) -> [PolicyEndpointPort] {
            var out: [PolicyEndpointPort] = []
            for (pi, p) in ports.enumerated() {
                guard let proto = AgentL4Protocol(p.ipProtocol) else { continue }
                switch p.port {
                case nil: out.append(PolicyEndpointPort(ipProtocol: proto, port: nil, endPort: p.endPort, portIndex: pi, location: p.location))
                case .number(let n): out.append(PolicyEndpointPort(ipProtocol: proto, port: n, endPort: p.endPort, portIndex: pi, location: p.location))
                case .name(let name):
                    guard let cp = pod.containerPorts.first(where: { $0.name == name && $0.ipProtocol == p.ipProtocol }) else { continue }
                    out.append(PolicyEndpointPort(ipProtocol: proto, port: cp.containerPort, endPort: p.endPort, portIndex: pi, location: p.location))
                }
            }
            return out
        }

        static func dedup(_ ports: [PolicyEndpointPort]) -> [PolicyEndpointPort] {
            var seen = Set<String>(); var out: [PolicyEndpointPort] = []
            for p in ports where seen.insert("\(p.ipProtocol)@\(p.port.map(String.init) ?? "")@\(p.endPort.map(String.init) ?? "")").inserted { out.append(p) }
            return out
        }

        mutating func ingressEntries(_ policy: NetworkPolicy, _ ri: Int, _ rule: NetworkPolicy.Rule, selectedAll: [Int],
                                     skipped: inout [PolicyEndpointSkip]) -> [PolicyEndpointItem] {
            // Ports once per rule; named ones against the policy's own (destination) pods.
            var ports: [PolicyEndpointPort]
            let hasNamed = rule.ports.contains { if case .name = $0.port { true } else { false } }
            if hasNamed {
                ports = Self.dedup(selectedAll.flatMap { portList(on: world.pods[$0], rule.ports) })
            } else {
                ports = rule.ports.enumerated().compactMap { Self.cidrPort($1, $0) }
            }
            if !rule.ports.isEmpty && ports.isEmpty {
                skipped.append(PolicyEndpointSkip(reason: .namedPortsUnresolvedOnSelectedPods, source: ref(policy, .ingress, ri, rule, nil, .anyPeer)))
                return []
            }
            if rule.peers.isEmpty {
                return [.entry(PolicyEndpointEntry(cidr: .any, except: [], ports: ports, source: ref(policy, .ingress, ri, rule, nil, .anyPeer)))]
            }
            var out: [PolicyEndpointItem] = []
            for (pi, peer) in rule.peers.enumerated() {
                if let block = peer.ipBlock {
                    out.append(.entry(PolicyEndpointEntry(cidr: block.cidr, except: block.except, ports: ports,
                                                          source: ref(policy, .ingress, ri, rule, pi, .ipBlock))))
                    continue
                }
                let shared = fields(policy, .ingress, ri, rule, pi)
                for ns in namespaces(peer.namespaceSelector, policy.meta.namespace) {
                    let set = podSet(ns, peer.podSelector)
                    if set.pods.isEmpty { continue }
                    if !expanded { out.append(.pods(set, ports: ports, fields: shared)); continue }
                    for i in set.pods {
                        out.append(.entry(PolicyEndpointEntry(cidr: IPv4CIDR(network: world.pods[i].ip, prefixLength: 32), except: [], ports: ports,
                                                              source: PolicyRuleRef(shared, .pod(keys[i])))))
                    }
                }
            }
            return out
        }

        mutating func egressEntries(_ policy: NetworkPolicy, _ ri: Int, _ rule: NetworkPolicy.Rule,
                                    skipped: inout [PolicyEndpointSkip]) -> [PolicyEndpointItem] {
            let cidrPorts = rule.ports.enumerated().compactMap { Self.cidrPort($1, $0) }
            if rule.peers.isEmpty {
                if !rule.ports.isEmpty && cidrPorts.isEmpty {
                    skipped.append(PolicyEndpointSkip(reason: .namedPortsWithCIDRPeer, source: ref(policy, .egress, ri, rule, nil, .anyPeer)))
                    return []
                }
                return [.entry(PolicyEndpointEntry(cidr: .any, except: [], ports: cidrPorts, source: ref(policy, .egress, ri, rule, nil, .anyPeer)))]
            }
            var out: [PolicyEndpointItem] = []
            for (pi, peer) in rule.peers.enumerated() {
                if let block = peer.ipBlock {
                    if !rule.ports.isEmpty && cidrPorts.isEmpty {
                        skipped.append(PolicyEndpointSkip(reason: .namedPortsWithCIDRPeer, source: ref(policy, .egress, ri, rule, pi, .ipBlock)))
                        continue
                    }
                    out.append(.entry(PolicyEndpointEntry(cidr: block.cidr, except: block.except, ports: cidrPorts,
                                                          source: ref(policy, .egress, ri, rule, pi, .ipBlock))))
                    continue
                }
                let shared = fields(policy, .egress, ri, rule, pi)
                let numeric = !rule.ports.contains { if case .name = $0.port { true } else { false } }
                // Every pod gets the same ports unless they are named (resolved per pod) or none
                // of them is a protocol the agent writes (every pod skipped, each logged).
                let uniform = numeric && !(!rule.ports.isEmpty && cidrPorts.isEmpty)
                for ns in namespaces(peer.namespaceSelector, policy.meta.namespace) {
                    let set = podSet(ns, peer.podSelector)
                    if !expanded && uniform {
                        if !set.pods.isEmpty { out.append(.pods(set, ports: cidrPorts, fields: shared)) }
                        out += serviceClusterIPs(policy, ri, rule, pi, peer.podSelector ?? LabelSelector(), ns, &skipped).map { .entry($0) }
                        continue
                    }
                    for i in set.pods {
                        let pod = world.pods[i]
                        let ports = numeric ? cidrPorts : portList(on: pod, rule.ports)
                        if !rule.ports.isEmpty && ports.isEmpty {
                            skipped.append(PolicyEndpointSkip(reason: .namedPortsNotOnPeerPod, source: ref(policy, .egress, ri, rule, pi, .pod(keys[i])), subject: keys[i]))
                            continue
                        }
                        out.append(.entry(PolicyEndpointEntry(cidr: IPv4CIDR(network: pod.ip, prefixLength: 32), except: [], ports: ports,
                                                              source: PolicyRuleRef(shared, .pod(keys[i])))))
                    }
                    out += serviceClusterIPs(policy, ri, rule, pi, peer.podSelector ?? LabelSelector(), ns, &skipped).map { .entry($0) }
                }
            }
            return out
        }

        /// `getMatchingServiceClusterIPs`: the ClusterIPs of the namespace's Services (headless
        /// ones left out) whose selector the peer's podSelector matches, each policy port mapped to
        /// the Service port whose targetPort it names; a Service port whose named targetPort reaches
        /// a container port the policy does not allow is left out (`hasTargetPortBypass`).
        func serviceClusterIPs(_ policy: NetworkPolicy, _ ri: Int, _ rule: NetworkPolicy.Rule, _ pi: Int,
                               _ selector: LabelSelector, _ ns: String, _ skipped: inout [PolicyEndpointSkip]) -> [PolicyEndpointEntry] {
            var out: [PolicyEndpointEntry] = []
            for si in servicesByNamespace[ns] ?? [] {
                let svc = world.services[si]
                guard let ipText = svc.clusterIP, ipText != "None", !ipText.isEmpty, let ip = IPv4Address(ipText) else { continue }
                guard selector.matches(svc.selector ?? [:]) else { continue }
                let key = "\(svc.meta.namespace)/\(svc.meta.name)"
                let source = ref(policy, .egress, ri, rule, pi, .serviceClusterIP(key))
                var ports: [PolicyEndpointPort] = []
                for (pIdx, np) in rule.ports.enumerated() {
                    guard let proto = AgentL4Protocol(np.ipProtocol) else { continue }
                    guard let target = np.port else {
                        ports.append(PolicyEndpointPort(ipProtocol: proto, port: nil, endPort: np.endPort, portIndex: pIdx, location: np.location))
                        continue
                    }
                    guard let listen = servicePort(svc, target, np.ipProtocol) else { continue }
                    if case .number = target, targetPortBypass(svc, listen, np.ipProtocol, rule.ports) {
                        skipped.append(PolicyEndpointSkip(reason: .servicePortNamedTargetPortBypass, source: source, subject: key))
                        continue
                    }
                    ports.append(PolicyEndpointPort(ipProtocol: proto, port: listen, endPort: np.endPort, portIndex: pIdx, location: np.location))
                }
                if !rule.ports.isEmpty && ports.isEmpty {
                    skipped.append(PolicyEndpointSkip(reason: .noMatchingServicePort, source: source, subject: key))
                    continue
                }
                out.append(PolicyEndpointEntry(cidr: IPv4CIDR(network: ip, prefixLength: 32), except: [], ports: ports, source: source))
            }
            return out
        }

        /// The Service's listen port for a policy port: the port whose targetPort is written the
        /// same way (`LookupServiceListenPort`), else through a backing pod's container ports
        /// (`LookupListenPortFromPodSpec`).
        func servicePort(_ svc: Service, _ target: ServicePort.TargetPort, _ proto: IPProtocol) -> UInt16? {
            if let p = svc.ports.first(where: { $0.targetPort == target && $0.ipProtocol == proto }) { return p.port }
            let selector = svc.selector ?? [:]
            for i in index.byNamespace[svc.meta.namespace] ?? [] {
                let pod = world.pods[i]
                guard selector.allSatisfy({ pod.labels[$0.key] == $0.value }) else { continue }
                // LookupContainerPortAndName: a numeric port falls back to itself with no name.
                var cPort: UInt16? = nil; var cName = ""
                if let cp = pod.containerPorts.first(where: { c in
                    guard c.ipProtocol == proto else { return false }
                    switch target { case .name(let n): return c.name == n; case .number(let n): return c.containerPort == n }
                }) { cPort = cp.containerPort; cName = cp.name } else if case .number(let n) = target { cPort = n }
                guard let cPort else { continue }
                for sp in svc.ports where sp.ipProtocol == proto {
                    switch sp.targetPort {
                    case .name(let n): if n == cName { return sp.port }
                    case .number(let n): if n == cPort { return sp.port }
                    }
                }
            }
            return nil
        }

        func targetPortBypass(_ svc: Service, _ listen: UInt16, _ proto: IPProtocol, _ policyPorts: [NetworkPolicy.Port]) -> Bool {
            guard let sp = svc.ports.first(where: { $0.port == listen && $0.ipProtocol == proto }),
                  case .name(let targetName) = sp.targetPort else { return false }
            let selector = svc.selector ?? [:]
            for i in index.byNamespace[svc.meta.namespace] ?? [] {
                let pod = world.pods[i]
                guard selector.allSatisfy({ pod.labels[$0.key] == $0.value }) else { continue }
                guard let cp = pod.containerPorts.first(where: { $0.name == targetName && $0.ipProtocol == proto }) else { continue }
                let allowed = policyPorts.contains { pp in
                    guard pp.ipProtocol == proto else { return false }
                    switch pp.port {
                    case nil: return true
                    case .name: return false
                    case .number(let start): return cp.containerPort >= start && cp.containerPort <= (pp.endPort ?? start)
                    }
                }
                if !allowed { return true }
            }
            return false
        }
    }
}
