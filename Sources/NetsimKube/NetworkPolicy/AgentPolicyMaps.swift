import NetsimModel

// The VPC CNI network policy stack, part 2: the per-pod eBPF maps the node agent writes, as
// `aws-network-policy-agent` (commit c8619c0, v1.4.0+75) builds them in
// `pkg/fwruleprocessor/fw_rule_processor.go` (ComputeMapEntriesFromEndpointRules) from the
// PolicyEndpoints of a pod's group (`controllers/policyendpoints_controller.go`:
// deriveIngressAndEgressFirewallRules, addCatchAllEntry) and encodes them
// (`pkg/utils/utils.go`: ComputeTrieValue, 24 port/protocol entries per CIDR). Written from a
// reading of that source; nothing is copied.

/// One port/protocol slot of an agent map entry, with everything that put it there.
public struct AgentPortRule: Sendable, CustomStringConvertible {
    public var ipProtocol: AgentL4Protocol
    /// 0: every port of the protocol (the agent's ANY_PORT).
    public var startPort: UInt16
    /// 0: no range; else the packet's port matches when it equals `startPort` or lies in
    /// (startPort, endPort].
    public var endPort: UInt16
    /// The rules that wrote this slot (several when policies ask for the same port).
    public var sources: [PolicyRuleRef]
    /// The policy ports (their places) behind it.
    public var portLocations: [SourceLocation]
    /// Set when the slot is inherited from a broader CIDR entry (fw_rule_processor step 4).
    public var inheritedFrom: IPv4CIDR?

    public init(ipProtocol: AgentL4Protocol, startPort: UInt16, endPort: UInt16, sources: [PolicyRuleRef],
                portLocations: [SourceLocation] = [], inheritedFrom: IPv4CIDR? = nil) {
        self.ipProtocol = ipProtocol; self.startPort = startPort; self.endPort = endPort; self.sources = sources
        self.portLocations = portLocations; self.inheritedFrom = inheritedFrom
    }

    /// The eBPF match: protocol ANY or equal, and port ANY, equal to the start, or in (start, end].
    public func matches(_ proto: UInt8, _ port: UInt16) -> Bool {
        switch ipProtocol {
        case .denyAll: return false
        case .any: break
        case .tcp: guard proto == 6 else { return false }
        case .udp: guard proto == 17 else { return false }
        case .sctp: guard proto == 132 else { return false }
        }
        return startPort == 0 || port == startPort || (port > startPort && port <= endPort)
    }

    var dedupKey: UInt64 {
        let p: UInt64
        switch ipProtocol { case .tcp: p = 6; case .udp: p = 17; case .sctp: p = 132; case .any: p = 254; case .denyAll: p = 255 }
        return p << 32 | UInt64(startPort) << 16 | UInt64(endPort)
    }

    public var description: String {
        switch ipProtocol {
        case .any: return "ANY"
        case .denyAll: return "DENY"
        default:
            if startPort == 0 { return "\(ipProtocol)/*" }
            return endPort > 0 ? "\(ipProtocol)/\(startPort)-\(endPort)" : "\(ipProtocol)/\(startPort)"
        }
    }
}

/// One key of a pod's ingress or egress LPM map and its value.
public struct AgentMapEntry: Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// From the pod's policies: the ports listed are allowed.
        case allow
        /// An `except` CIDR that is no allow key: everything denied (RESERVED_IP_PROTOCOL).
        case exceptDeny
        /// The node's own address, always allowed.
        case nodeIP
        /// 0.0.0.0/0 allow-all for a direction none of the group's policies isolates.
        case notIsolated
    }
    public var cidr: IPv4CIDR
    public var kind: Kind
    /// In the order the agent writes them (at most 24 are written; see `exceedsSlotLimit`).
    public var ports: [AgentPortRule]
    /// For `exceptDeny`: the rules whose ipBlock names this CIDR in `except`; for `allow`: every
    /// rule that contributed the key itself.
    public var sources: [PolicyRuleRef]
    /// More than 24 port/protocol slots: the agent writes 24 of them (which ones depends on
    /// Go map order) and logs an error.
    public var exceedsSlotLimit: Bool { ports.count > AgentPolicyMaps.slotLimit }

    public var description: String {
        "\(cidr) \(kind.rawValue) [\(ports.map(\.description).joined(separator: ", "))]"
    }
}

/// A pod group's two maps as the agent holds them, with longest-prefix lookup.
/// A class: a trace reads the maps of two pods (each lookup is a reference, not a copy of
/// eight arrays and strings).
public final class AgentPolicyMaps: Sendable {
    /// `MAX_PORT_PROTOCOL` in tc.v4ingress.bpf.c / `TRIE_VALUE_LENGTH` / 12 in utils.go.
    public static let slotLimit = 24

    public struct DirectionMap: Sendable {
        /// Entries sorted by prefix length (longest first), then address.
        public private(set) var entries: [AgentMapEntry]
        /// prefix lengths present, longest first, each with masked address → entry index.
        var byPrefix: [(length: Int, keys: [UInt32: Int])]

        init(_ entries: [AgentMapEntry]) {
            self.entries = entries.sorted { ($0.cidr.prefixLength, $1.cidr.network) > ($1.cidr.prefixLength, $0.cidr.network) }
            var groups: [Int: [UInt32: Int]] = [:]
            for (i, e) in self.entries.enumerated() { groups[e.cidr.prefixLength, default: [:]][e.cidr.network.value] = i }
            byPrefix = groups.sorted { $0.key > $1.key }.map { (length: $0.key, keys: $0.value) }
        }

        /// The BPF LPM trie lookup: the entry with the longest prefix containing `address`.
        public func longestPrefixMatch(_ address: IPv4Address) -> AgentMapEntry? {
            for (length, keys) in byPrefix {
                let masked = length == 0 ? 0 : address.value & (UInt32.max << UInt32(32 - length))
                if let i = keys[masked] { return entries[i] }
            }
            return nil
        }
        public var isEmpty: Bool { entries.isEmpty }
    }

    /// The group: pods sharing the maps ("name minus its last -segment" @ namespace, on one node).
    public let groupIdentifier: String
    public let nodeName: String
    public let ingress: DirectionMap
    public let egress: DirectionMap
    /// Indices of the PolicyEndpoints (policies) merged into these maps.
    public let policyIndices: [Int]
    /// Their keys ("namespace/name"), in the same order.
    public let policyKeys: [String]

    init(groupIdentifier: String, nodeName: String, ingress: DirectionMap, egress: DirectionMap, policyIndices: [Int], policyKeys: [String]) {
        self.groupIdentifier = groupIdentifier; self.nodeName = nodeName; self.ingress = ingress; self.egress = egress
        self.policyIndices = policyIndices; self.policyKeys = policyKeys
    }
    public func map(_ direction: PolicyDirection) -> DirectionMap { direction == .ingress ? ingress : egress }
}

/// `GetPodIdentifier` (pkg/utils/utils.go): the pod's name without its last `-` segment (dots
/// become `_`), with its namespace; pods with the same identifier on a node share maps.
public func agentPodIdentifier(name: String, namespace: String) -> String {
    let n = name.replacingDots()
    var prefix = n
    if let dash = n.lastIndex(of: "-") { prefix = String(n[..<dash]) }
    return prefix + "@" + namespace
}

extension String {
    fileprivate func replacingDots() -> String { String(map { $0 == "." ? "_" : $0 }) }
}

/// Builds one direction's map from the group's PolicyEndpoint entries the way
/// ComputeMapEntriesFromEndpointRules does.
enum AgentMapBuilder {
    struct Work {
        var cidr: IPv4CIDR
        var ports: [AgentPortRule]
        var excepts: [IPv4CIDR]
        var sources: [PolicyRuleRef]
    }

    static func build(entries: [PolicyEndpointEntry], catchAll: Bool, nodeIP: IPv4Address) -> [AgentMapEntry] {
        var rules = entries
        // Stable sort by prefix length, shortest first (sortFirewallRulesByPrefixLength).
        rules = rules.enumerated().sorted { ($0.element.cidr.prefixLength, $0.offset) < ($1.element.cidr.prefixLength, $1.offset) }.map(\.element)
        var order: [IPv4CIDR] = []
        var work: [IPv4CIDR: Work] = [:]
        var exceptOrder: [IPv4CIDR] = []
        var exceptSources: [IPv4CIDR: [PolicyRuleRef]] = [:]
        // Non-host CIDRs seen so far, by prefix length, for "which broader keys contain this one".
        var nonHost: [Int: Set<UInt32>] = [:]

        func slots(_ e: PolicyEndpointEntry) -> [AgentPortRule] {
            if e.ports.isEmpty { return [AgentPortRule(ipProtocol: .any, startPort: 0, endPort: 0, sources: [e.source])] }
            return e.ports.map { p in
                AgentPortRule(ipProtocol: p.ipProtocol, startPort: p.port ?? 0, endPort: p.endPort ?? 0, sources: [e.source],
                              portLocations: p.location.map { [$0] } ?? [])
            }
        }

        var all = rules
        if catchAll { all.append(PolicyEndpointEntry(cidr: .any, except: [], ports: [], source: catchAllRef)) }
        if catchAll { all.sort { $0.cidr.prefixLength < $1.cidr.prefixLength } }
        for e in all {
            for x in e.except where exceptSources[x] == nil { exceptOrder.append(x); exceptSources[x] = [e.source] }
            for x in e.except where exceptSources[x]?.contains(e.source) == false { exceptSources[x]?.append(e.source) }
            // shouldSkipRule: the node's own address is written separately.
            if e.cidr.network == nodeIP { continue }
            let isCatchAll = catchAll && e.source == catchAllRef
            var s = slots(e)
            if isCatchAll { s = [AgentPortRule(ipProtocol: .any, startPort: 0, endPort: 0, sources: [])] }
            if var w = work[e.cidr] {
                w.ports = s + w.ports
                w.excepts += e.except
                if !isCatchAll { w.sources.append(e.source) }
                work[e.cidr] = w
            } else {
                // Inherit the slots of every broader non-host key containing this CIDR's address,
                // unless the address lies in that key's excepts.
                for length in nonHost.keys.sorted() where length < e.cidr.prefixLength {
                    let masked = length == 0 ? 0 : e.cidr.network.value & (UInt32.max << UInt32(32 - length))
                    guard nonHost[length]?.contains(masked) == true else { continue }
                    let key = IPv4CIDR(network: IPv4Address(masked), prefixLength: length)
                    guard let broader = work[key] else { continue }
                    if broader.excepts.contains(where: { $0.contains(e.cidr.network) }) { continue }
                    s += broader.ports.map { var p = $0; if p.inheritedFrom == nil { p.inheritedFrom = key }; return p }
                }
                work[e.cidr] = Work(cidr: e.cidr, ports: s, excepts: e.except, sources: isCatchAll ? [] : [e.source])
                order.append(e.cidr)
            }
            if e.cidr.prefixLength != 32 { nonHost[e.cidr.prefixLength, default: []].insert(e.cidr.network.value) }
        }

        var out: [IPv4CIDR: AgentMapEntry] = [:]
        out[IPv4CIDR(network: nodeIP, prefixLength: 32)] = AgentMapEntry(
            cidr: IPv4CIDR(network: nodeIP, prefixLength: 32), kind: .nodeIP,
            ports: [AgentPortRule(ipProtocol: .any, startPort: 0, endPort: 0, sources: [])], sources: [])
        for x in exceptOrder where work[x] == nil {
            out[x] = AgentMapEntry(cidr: x, kind: .exceptDeny,
                                   ports: [AgentPortRule(ipProtocol: .denyAll, startPort: 0, endPort: 0, sources: exceptSources[x] ?? [])],
                                   sources: exceptSources[x] ?? [])
        }
        for c in order {
            guard let w = work[c] else { continue }
            // mergeDuplicateL4Info: one slot per (protocol, port, endPort), sources merged.
            var merged: [AgentPortRule] = []
            var at: [UInt64: Int] = [:]
            for p in w.ports {
                if let i = at[p.dedupKey] {
                    for s in p.sources where !merged[i].sources.contains(s) { merged[i].sources.append(s) }
                    for l in p.portLocations where !merged[i].portLocations.contains(l) { merged[i].portLocations.append(l) }
                    if p.inheritedFrom == nil { merged[i].inheritedFrom = nil }
                } else { at[p.dedupKey] = merged.count; merged.append(p) }
            }
            let kind: AgentMapEntry.Kind = (w.sources.isEmpty && c == .any && catchAll) ? .notIsolated : .allow
            out[c] = AgentMapEntry(cidr: c, kind: kind, ports: merged, sources: w.sources)
        }
        return Array(out.values)
    }

    /// Stands for the agent's own catch-all entry (no policy rule).
    static let catchAllRef = PolicyRuleRef(policyNamespace: "", policyName: "", policyLocation: SourceLocation(file: "", line: 0, column: 0),
                                           direction: .ingress, ruleIndex: -1, ruleLocation: nil, peerIndex: nil, peerLocation: nil, peer: .anyPeer)
}
