import Synchronization
import NetsimModel

/// A packet as netfilter sees it on one node: the packet's headers (`Packet`, the one packet
/// type) and what the node keeps beside them — the interfaces it came in and goes out by, its
/// mark, its connection's mark and conntrack state.
///
/// iptables holds IPv4 rules and ip6tables IPv6 rules: an interpreter holds one of the two
/// (`IPTablesInterpreter.family`) and never walks a packet of the other family through them
/// (it answers such a packet with `TableWalk.notIPv4`, no rule walked).
public struct NodePacket: Hashable, Sendable {
    /// Protocol, addresses, ports. For a protocol without ports (ICMP) the ports are 0.
    public var packet: Packet
    public var inInterface: String?
    public var outInterface: String?
    public var mark: UInt32 = 0
    public var connmark: UInt32 = 0
    /// The connection's state as `--ctstate` sees it: NEW for the first packet of a connection.
    public var conntrack: ConntrackState = .new

    /// `conntrack` by its names (`NEW`, `RELATED,ESTABLISHED`); set from such a list, where a
    /// name conntrack does not know stands for no state (so no `--ctstate` rule matches it).
    public var ctstate: String {
        get { conntrack.description }
        set {
            conntrack = []
            for name in newValue.split(separator: ",") { if let s = ConntrackState(name: name) { conntrack.insert(s) } }
        }
    }

    /// `packet` on this node; its ports are cleared for a protocol without ports.
    public init(_ packet: Packet, inInterface: String? = nil, outInterface: String? = nil) {
        var p = packet
        if !Self.hasPorts(p.ipProtocol) { p.sourcePort = 0; p.destinationPort = 0 }
        self.packet = p; self.inInterface = inInterface; self.outInterface = outInterface
    }

    // The headers netfilter matches and rewrites, read through `packet`.

    public var source: IPAddress { get { packet.source } set { packet.source = newValue } }
    public var destination: IPAddress { get { packet.destination } set { packet.destination = newValue } }
    public var sourcePort: UInt16 { get { packet.sourcePort } set { packet.sourcePort = newValue } }
    public var destinationPort: UInt16 { get { packet.destinationPort } set { packet.destinationPort = newValue } }

    /// The protocol as `-p` names it: `tcp`, `udp`, `icmp`, `sctp`, else its number.
    public var proto: String {
        switch packet.ipProtocol {
        case .tcp: "tcp"
        case .udp: "udp"
        case .icmp: "icmp"
        case .icmpv6: "ipv6-icmp"
        case .number(132): "sctp"
        default: packet.ipProtocol.description
        }
    }

    /// The protocol `-p` (or a Service port) names: `tcp`, `udp`, `icmp`, `sctp`, `all`, a
    /// number; nil for a name netsim does not know.
    public static func ipProtocol(named name: some StringProtocol) -> IPProtocol? {
        name.lowercased() == "sctp" ? .number(132) : IPProtocol(parsing: name)
    }

    /// Whether `--sport`/`--dport` apply: TCP, UDP, SCTP.
    static func hasPorts(_ p: IPProtocol) -> Bool { p == .tcp || p == .udp || p == .number(132) }
}

/// How random (`-m statistic`) branches are decided.
public enum BranchChoice: Sendable {
    /// Draw with this generator's numbers.
    case seeded(UInt64)
    /// Follow branch k: the k-th statistic rule met matches, the earlier ones do not
    /// (k at or past the count means none does, so the final unconditional rule is taken).
    case branch(Int)
}

/// One rule that matched on the way.
public struct RuleHit: Sendable {
    public var netfilterTable: NetfilterTable
    public var chainName: ChainName
    /// 1-based position of the rule in its chain.
    public var index: Int
    let facts: IPTablesRule.Facts
    /// For statistic matches: the probability the rule had of matching.
    public var probability: Double?

    /// The rule as written (for display: decisions use `target` and `comment`).
    public var rule: String { facts.text }
    /// What the rule does: a verdict (ACCEPT, DROP, REJECT), RETURN, a jump, a translation, a mark.
    public var target: IPTablesRule.Target { facts.target }
    /// Its `-m comment --comment` text.
    public var comment: String? { facts.comment }

    /// The table's name as iptables writes it.
    public var table: String { netfilterTable.rawValue }
    /// The chain's name as iptables writes it.
    public var chain: String { chainName.name }
}

/// What a table did to a packet.
public struct TableWalk: Sendable {
    public enum Verdict: String, Sendable { case accept = "ACCEPT", drop = "DROP", reject = "REJECT" }
    public var verdict: Verdict
    public var packet: NodePacket
    public var hits: [RuleHit]
    /// Rules with a statistic match that were met (matched or not), with their probability.
    public var branchesMet: Int
    /// The packet is not of the ruleset's family (an IPv6 packet and iptables' rules, or an IPv4
    /// packet and ip6tables'): the rules never see it, so no rule was walked and the verdict is
    /// the built-in chains' ACCEPT.
    public var notIPv4 = false
}

/// Walks packets through an iptables ruleset as netfilter does: chains called like functions,
/// RETURN and the end of a user chain return, ACCEPT/DROP/REJECT/DNAT/SNAT/MASQUERADE end the
/// table, MARK and CONNMARK continue; built-in chains end in their policy (ACCEPT).
public struct IPTablesInterpreter: Sendable {
    /// The node's own chains, parsed: per table (`NetfilterTable.allCases` order), by chain.
    let local: [[ChainName: ParsedChain]]
    /// The node's rules netsim could not interpret that are in no chain of `local`.
    let localUnparsed: [String]
    /// Chains several nodes share (kube-proxy's per-service chains), parsed when first walked.
    let shared: SharedChains?
    /// The node's own addresses (`addrtype LOCAL`).
    public let localAddresses: Set<UInt32>
    /// The address MASQUERADE uses per outgoing interface.
    public let interfaceAddresses: [String: IPv4Address]
    /// Walk every rule of every chain (the reference the index is checked against).
    public var linear = false
    /// The family of the ruleset: `.ipv4` for iptables, `.ipv6` for ip6tables.
    public var family: IPFamily = .ipv4
    /// ip6tables: the node's own IPv6 addresses (`addrtype LOCAL`; `::1` always is).
    public var localAddresses6: Set<IPv6Address> = []
    /// ip6tables: the address MASQUERADE uses per outgoing interface.
    public var interfaceAddresses6: [String: IPv6Address] = [:]

    /// The rules of a table netsim does not know are not interpreted: they are reported.
    public init(dump: IPTablesDump, localAddresses: [IPv4Address], interfaceAddresses: [String: IPv4Address]) {
        var c: [NetfilterTable: [ChainName: ParsedChain]] = [:]
        var unknown: [String] = []
        for t in dump.tables {
            guard let table = NetfilterTable(rawValue: t.name) else { unknown += t.chains.flatMap(\.rules); continue }
            for ch in t.chains { c[table, default: [:]][ChainName(ch.name)] = ParsedChain(lines: ch.rules) }
        }
        self.init(chains: c, shared: nil, unparsed: unknown, localAddresses: localAddresses, interfaceAddresses: interfaceAddresses)
    }

    /// `chains` first, then `shared` for a chain `chains` does not have; `unparsed`: rules
    /// outside these chains that could not be interpreted (reported with the chains' own).
    public init(chains: [NetfilterTable: [ChainName: ParsedChain]], shared: SharedChains?, unparsed: [String] = [],
                localAddresses: [IPv4Address], interfaceAddresses: [String: IPv4Address]) {
        local = NetfilterTable.allCases.map { chains[$0] ?? [:] }
        localUnparsed = unparsed
        self.shared = shared
        self.localAddresses = Set(localAddresses.map(\.value) + [IPv4Address(127, 0, 0, 1).value])
        self.interfaceAddresses = interfaceAddresses
    }

    func chain(_ table: NetfilterTable, _ name: ChainName) -> ParsedChain? {
        local[table.ordinal][name] ?? shared?.chain(table, name)
    }

    /// The rules of a chain as written, as a walk sees them (nil for a chain it does not have).
    public func rules(table: NetfilterTable, chain name: ChainName) -> [String]? { chain(table, name)?.rules.map(\.text) }

    /// `rules(table:chain:)` by the names iptables writes (nil for a table netsim does not know).
    public func rules(table: String, chain name: String) -> [String]? {
        NetfilterTable(rawValue: table).flatMap { rules(table: $0, chain: ChainName(name)) }
    }

    /// Rules netsim could not interpret (a walk never skips them silently: they are reported):
    /// by table and chain name, then the others, then the shared chains'.
    public var unparsed: [String] {
        NetfilterTable.allCases.sorted().flatMap { t in
            local[t.ordinal].sorted { $0.key.name < $1.key.name }.flatMap(\.value.unparsed)
        } + localUnparsed + (shared?.unparsed ?? [])
    }
}

extension NetfilterTable {
    /// The position in `allCases`.
    var ordinal: Int {
        switch self {
        case .raw: 0
        case .mangle: 1
        case .nat: 2
        case .filter: 3
        case .security: 4
        }
    }
}

/// One chain, parsed for walking, with a destination index when it is long.
public struct ParsedChain: Sendable {
    public let rules: [IPTablesRule]
    /// The rules that can match a given destination address: a rule with a (non-negated)
    /// `-d a.b.c.d/32` can only match that address; every other rule is listed under every
    /// address. A walk over the candidates in rule order is the linear walk.
    let index: DestinationIndex?
    public let unparsed: [String]

    /// Chains shorter than this are walked in full.
    static let indexThreshold = 16

    public init(lines: [String]) {
        var bad: [String] = []
        let rules = lines.compactMap { line -> IPTablesRule? in
            if let r = IPTablesRule.parse(line) { return r }
            bad.append(line)
            return nil
        }
        self.init(rules: rules, unparsed: bad)
    }

    public init(rules: [IPTablesRule], unparsed: [String] = []) {
        self.rules = rules
        self.unparsed = unparsed
        guard rules.count >= Self.indexThreshold else { index = nil; return }
        var by: [UInt32: [Int]] = [:], by6: [IPv6Address: [Int]] = [:], others: [Int] = []
        for (i, r) in rules.enumerated() {
            let single = r.matches.lazy.compactMap { m -> UInt32? in
                if case .destination(let cidr, false) = m, cidr.prefixLength == 32 { return cidr.network.value }
                return nil
            }.first
            // ip6tables: a (non-negated) `-d addr/128` can only match that IPv6 address.
            let single6 = r.matches.lazy.compactMap { m -> IPv6Address? in
                if case .destination6(let cidr, false) = m, cidr.prefixLength == 128 { return cidr.network }
                return nil
            }.first
            // A random rule stays in every list: skipping it would change which statistic
            // rules a walk meets.
            let random = r.matches.contains { if case .probability = $0 { return true }; return false }
            if let a = single, !random { by[a, default: []].append(i) }
            else if let a = single6, !random { by6[a, default: []].append(i) }
            else { others.append(i) }
        }
        index = DestinationIndex(byDestination: by, byDestination6: by6, others: others)
    }

    struct DestinationIndex: Sendable {
        var byDestination: [UInt32: [Int]]
        /// ip6tables' single-address destinations (an IPv4 packet never matches them, nor an
        /// IPv6 one the IPv4 ones).
        var byDestination6: [IPv6Address: [Int]] = [:]
        /// Rules without a single-address destination, in order.
        var others: [Int]
        /// The candidates for `destination`, in rule order.
        func candidates(_ destination: UInt32) -> [Int] { merged(byDestination[destination]) }
        func candidates(_ destination: IPv6Address) -> [Int] { merged(byDestination6[destination]) }
        func merged(_ mine: [Int]?) -> [Int] {
            guard let mine else { return others }
            if others.isEmpty { return mine }
            var out: [Int] = []
            out.reserveCapacity(mine.count + others.count)
            var i = 0, j = 0
            while i < mine.count || j < others.count {
                if j == others.count || (i < mine.count && mine[i] < others[j]) { out.append(mine[i]); i += 1 } else { out.append(others[j]); j += 1 }
            }
            return out
        }
    }
}

/// Chains many nodes' interpreters share, kept as text and parsed the first time a walk
/// enters them (a ruleset of 100,000 rules is mostly chains no trace visits).
public final class SharedChains: Sendable {
    let lines: [NetfilterTable: [ChainName: [String]]]
    let cache = Mutex<[NetfilterTable: [ChainName: ParsedChain]]>([:])

    /// table → chain → rule lines (`-A CHAIN …`).
    public init(lines: [NetfilterTable: [ChainName: [String]]]) { self.lines = lines }

    public func has(_ table: NetfilterTable, _ name: ChainName) -> Bool { lines[table]?[name] != nil }

    func chain(_ table: NetfilterTable, _ name: ChainName) -> ParsedChain? {
        if let c = cache.withLock({ $0[table]?[name] }) { return c }
        guard let l = lines[table]?[name] else { return nil }
        let parsed = ParsedChain(lines: l)
        cache.withLock { $0[table, default: [:]][name] = parsed }
        return parsed
    }

    var unparsed: [String] {
        lines.keys.sorted().flatMap { t in (lines[t] ?? [:]).keys.sorted { $0.name < $1.name }.flatMap { chain(t, $0)?.unparsed ?? [] } }
    }
}

extension IPTablesInterpreter {
    func isLocal(_ ip: IPAddress) -> Bool {
        switch ip {
        case .ipv4(let a): return isLocal(a)
        case .ipv6(let a): return a == IPv6Address(high: 0, low: 1) || localAddresses6.contains(a)
        }
    }
    func isLocal(_ ip: IPv4Address) -> Bool { localAddresses.contains(ip.value) || IPv4CIDR(network: IPv4Address(127, 0, 0, 0), prefixLength: 8).contains(ip) }

    /// Protocols whose packets have ports (`--dport`, `--sport`).

    static func ifaceMatches(_ pattern: String, _ name: String?) -> Bool {
        guard let name else { return false }
        if pattern.hasSuffix("+") { return name.hasPrefix(pattern.dropLast()) }
        return name == pattern
    }

    /// Runs `chain` of `table` (a built-in chain, or a user chain as if a built-in chain had
    /// jumped to it): the packet is accepted when the walk falls off the end or RETURNs.
    public func run(table: NetfilterTable, chain: ChainName, packet: NodePacket, choice: BranchChoice) -> TableWalk {
        guard packet.packet.source.family == family, packet.packet.destination.family == family else {
            return TableWalk(verdict: .accept, packet: packet, hits: [], branchesMet: 0, notIPv4: true)
        }
        var state = WalkState(packet: packet, choice: choice)
        let verdict = walk(table: table, chain: chain, state: &state, depth: 0) ?? .accept
        return TableWalk(verdict: verdict, packet: state.packet, hits: state.hits, branchesMet: state.statisticSeen)
    }

    /// `run(table:chain:packet:choice:)` by the names iptables writes; a table netsim does not
    /// know has no chains (the packet is accepted, no rule hit).
    public func run(table: String, chain: String, packet: NodePacket, choice: BranchChoice) -> TableWalk {
        guard let t = NetfilterTable(rawValue: table) else { return TableWalk(verdict: .accept, packet: packet, hits: [], branchesMet: 0) }
        return run(table: t, chain: ChainName(chain), packet: packet, choice: choice)
    }

    struct WalkState {
        var packet: NodePacket
        var choice: BranchChoice
        var hits: [RuleHit] = []
        var statisticSeen = 0
        var rng: SplitMix64
        init(packet: NodePacket, choice: BranchChoice) {
            self.packet = packet; self.choice = choice
            if case .seeded(let s) = choice { rng = SplitMix64(seed: s) } else { rng = SplitMix64(seed: 0) }
        }
    }

    /// nil: fell off the end or RETURNed (the caller continues).
    func walk(table: NetfilterTable, chain: ChainName, state: inout WalkState, depth: Int) -> TableWalk.Verdict? {
        guard depth < 64, let parsed = self.chain(table, chain) else { return nil }
        let rules = parsed.rules
        if !linear, let index = parsed.index {
            let candidates: [Int]
            switch state.packet.destination {
            case .ipv4(let d): candidates = index.candidates(d.value)
            case .ipv6(let d): candidates = index.candidates(d)
            }
            for i in candidates {
                if let v = step(rules[i], i, table: table, chain: chain, state: &state, depth: depth) { return v.verdict }
            }
            return nil
        }
        for (i, r) in rules.enumerated() {
            if let v = step(r, i, table: table, chain: chain, state: &state, depth: depth) { return v.verdict }
        }
        return nil
    }

    /// What one rule did to its chain's walk: `step` returns nil to go on with the next rule,
    /// or an outcome to leave the chain — with a verdict that ends the table, or with none for
    /// RETURN (the caller goes on).
    struct Outcome { var verdict: TableWalk.Verdict? }

    func step(_ r: IPTablesRule, _ i: Int, table: NetfilterTable, chain: ChainName, state: inout WalkState, depth: Int) -> Outcome? {
        do {
            var probability: Double? = nil
            guard matches(r, state: &state, probability: &probability) else { return nil }
            state.hits.append(RuleHit(netfilterTable: table, chainName: chain, index: i + 1, facts: r.facts, probability: probability))
            switch r.target {
            case .none: return nil
            case .jump(let next):
                if let v = walk(table: table, chain: next, state: &state, depth: depth + 1) { return Outcome(verdict: v) }
                return nil
            case .ret: return Outcome(verdict: nil)
            case .accept: return Outcome(verdict: .accept)
            case .drop: return Outcome(verdict: .drop)
            case .reject: return Outcome(verdict: .reject)
            case .dnat(let ip, let port):
                state.packet.destination = .ipv4(ip)
                if let port { state.packet.destinationPort = port }
                return Outcome(verdict: .accept)
            case .snat(let ip):
                state.packet.source = .ipv4(ip)
                return Outcome(verdict: .accept)
            case .dnat6(let ip, let port):
                state.packet.destination = .ipv6(ip)
                if let port { state.packet.destinationPort = port }
                return Outcome(verdict: .accept)
            case .snat6(let ip):
                state.packet.source = .ipv6(ip)
                return Outcome(verdict: .accept)
            case .masquerade:
                if let out = state.packet.outInterface {
                    if family == .ipv6 { if let ip = interfaceAddresses6[out] { state.packet.source = .ipv6(ip) } }
                    else if let ip = interfaceAddresses[out] { state.packet.source = .ipv4(ip) }
                }
                return Outcome(verdict: .accept)
            case .markOr(let v): state.packet.mark |= v
            case .markXor(let v): state.packet.mark ^= v
            case .markSet(let v, let m): state.packet.mark = (state.packet.mark & ~m) ^ v
            case .connmarkSet(let v, let m): state.packet.connmark = (state.packet.connmark & ~m) ^ v
            case .connmarkRestore(let m): state.packet.mark = (state.packet.mark & ~m) | (state.packet.connmark & m)
            }
            return nil
        }
    }

    func matches(_ r: IPTablesRule, state: inout WalkState, probability: inout Double?) -> Bool {
        let p = state.packet
        for m in r.matches {
            let ok: Bool
            switch m {
            case .source(let c, let n): ok = c.contains(p.source) != n
            case .destination(let c, let n): ok = c.contains(p.destination) != n
            case .source6(let c, let n): ok = (p.source.v6.map { c.contains($0) } ?? false) != n
            case .destination6(let c, let n): ok = (p.destination.v6.map { c.contains($0) } ?? false) != n
            case .proto(let pr, let n): ok = (pr == p.proto || (p.packet.ipProtocol == .icmpv6 && (pr == "icmpv6" || pr == "icmp6" || pr == "58"))) != n
            case .dport(let range, let n): ok = (NodePacket.hasPorts(p.packet.ipProtocol) && range.contains(p.destinationPort)) != n
            case .sport(let range, let n): ok = (NodePacket.hasPorts(p.packet.ipProtocol) && range.contains(p.sourcePort)) != n
            case .inInterface(let pat, let n): ok = Self.ifaceMatches(pat, p.inInterface) != n
            case .outInterface(let pat, let n): ok = Self.ifaceMatches(pat, p.outInterface) != n
            case .srcType(let t, let n): ok = (t == "LOCAL" && isLocal(p.source)) != n
            case .dstType(let t, let n): ok = (t == "LOCAL" && isLocal(p.destination)) != n
            case .mark(let v, let mask, let n): ok = ((p.mark & mask) == v) != n
            case .ctstate(let states, let n): ok = !states.isDisjoint(with: p.conntrack) != n
            case .recentCheck: ok = false   // no earlier connection in a single trace
            case .recentSet: ok = true
            case .probability(let pr):
                probability = pr
                let k = state.statisticSeen
                state.statisticSeen += 1
                switch state.choice {
                case .branch(let want): ok = k == want
                case .seeded:
                    let draw = Double(state.rng.next() >> 11) / Double(1 << 53)
                    ok = draw < pr
                }
            }
            if !ok { return false }
        }
        return true
    }
}
