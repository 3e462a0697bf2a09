import NetsimModel

/// One iptables rule parsed into the matches and target netsim interprets.
public struct IPTablesRule: Sendable {
    public enum Match: Equatable, Sendable {
        case source(IPv4CIDR, negated: Bool)
        case destination(IPv4CIDR, negated: Bool)
        case proto(String, negated: Bool)
        case dport(PortRange, negated: Bool)
        case sport(PortRange, negated: Bool)
        case inInterface(String, negated: Bool)
        case outInterface(String, negated: Bool)
        case srcType(String, negated: Bool)
        case dstType(String, negated: Bool)
        case mark(value: UInt32, mask: UInt32, negated: Bool)
        case ctstate(ConntrackState, negated: Bool)
        case probability(Double)
        case recentCheck(name: String, seconds: Int)
        case recentSet(name: String)
        /// ip6tables' `-s`/`-d` (an IPv6 rule never matches an IPv4 packet, nor the reverse).
        case source6(IPv6CIDR, negated: Bool)
        case destination6(IPv6CIDR, negated: Bool)
    }
    public enum Target: Equatable, Sendable {
        case none
        case jump(ChainName)
        case accept, drop, reject, ret
        case dnat(IPv4Address, UInt16?)
        case snat(IPv4Address)
        case masquerade
        case markOr(UInt32), markXor(UInt32), markSet(UInt32, UInt32)
        case connmarkSet(UInt32, UInt32)
        case connmarkRestore(UInt32)
        /// ip6tables' DNAT (`--to-destination [addr]:port`) and SNAT.
        case dnat6(IPv6Address, UInt16?)
        case snat6(IPv6Address)
    }
    public var chain: ChainName
    public var matches: [Match]
    /// What a hit of the rule reports (its text, target and comment), shared by every hit.
    let facts: Facts
    public var target: Target { facts.target }
    public var comment: String? { facts.comment }
    /// The rule as written.
    public var text: String { facts.text }

    /// Held once per rule, so recording a hit copies one reference.
    final class Facts: Sendable {
        let text: String
        let target: Target
        let comment: String?
        init(text: String, target: Target, comment: String?) { self.text = text; self.target = target; self.comment = comment }
    }

    /// Words split as iptables-restore does: double-quoted strings are one word, and inside
    /// quotes a backslash takes the next character as it is (`\"` is a quote: the CNI egress
    /// plugin's comments hold them).
    static func words(_ s: String) -> [String] {
        var out: [String] = [], cur = "", quoted = false, started = false, escaped = false
        for ch in s {
            if escaped { cur.append(ch); escaped = false; continue }
            if quoted && ch == "\\" { escaped = true; continue }
            if ch == "\"" { quoted.toggle(); started = true; continue }
            if ch == " " && !quoted { if started { out.append(cur); cur = ""; started = false }; continue }
            cur.append(ch); started = true
        }
        if started { out.append(cur) }
        return out
    }

    static func number(_ s: String) -> UInt32? {
        s.hasPrefix("0x") ? UInt32(s.dropFirst(2), radix: 16) : UInt32(s)
    }

    static func markPair(_ s: String) -> (UInt32, UInt32)? {
        let parts = s.split(separator: "/")
        guard let first = parts.first, let v = number(String(first)) else { return nil }
        let m = parts.count > 1 ? number(String(parts[1])) : UInt32.max
        return m.map { (v, $0) }
    }

    /// The match modules the interpreter understands; a rule loading any other is not read
    /// (and so reported), never half-read.
    static let modules: Set<String> = ["comment", "tcp", "udp", "sctp", "addrtype", "mark", "conntrack", "state", "statistic", "recent", "nfacct"]
    /// iptables targets that are not chains and that the interpreter does not model.
    static let otherTargets: Set<String> = ["LOG", "NFLOG", "TPROXY", "NOTRACK", "CT", "TRACE", "TEE", "REDIRECT", "NETMAP",
                                            "CHECKSUM", "TCPMSS", "NFQUEUE", "CLASSIFY", "DSCP", "TOS", "TTL", "AUDIT", "SET",
                                            "SECMARK", "CONNSECMARK", "HMARK", "IDLETIMER", "LED", "RATEEST", "SYNPROXY", "CLUSTERIP", "QUEUE"]
    /// Options the interpreter reads as no-ops (they do not change which packets match, or are
    /// details of a target it models as a whole).
    static let inert: Set<String> = ["--limit-iface-in", "--limit-iface-out", "--reap", "--random-fully", "--random", "--rsource", "--rcheck"]

    /// Parses `-A CHAIN …`; nil for a rule netsim cannot interpret (an unknown match, option
    /// or target, a missing value, an unbalanced quote).
    public static func parse(_ line: String) -> IPTablesRule? {
        guard quotesBalance(line) else { return nil }
        let w = words(line)
        guard w.count >= 2, w[0] == "-A" else { return nil }
        var matches: [Match] = []
        var target = Target.none
        var comment: String? = nil
        var i = 2
        var neg = false
        var recentName: String? = nil
        var recentSeconds: Int? = nil
        var recentSet = false
        // The target keyword seen last (DNAT/SNAT/MARK/CONNMARK take their arguments after it).
        var pendingTarget = ""
        func cidr(_ s: String) -> IPv4CIDR? { s.contains("/") ? IPv4CIDR(lenient: s) : IPv4Address(s).map { IPv4CIDR(network: $0, prefixLength: 32) } }
        func cidr6(_ s: String) -> IPv6CIDR? { s.contains("/") ? IPv6CIDR(lenient: s) : IPv6Address(s).map { IPv6CIDR(network: $0, prefixLength: 128) } }
        func ports(_ s: String) -> PortRange? { PortRange(parsing: s.replacingColon()) }
        while i < w.count {
            let k = w[i]
            let v = i + 1 < w.count ? w[i + 1] : ""
            switch k {
            case "!": neg = true; i += 1; continue
            case "-m":
                guard modules.contains(v) else { return nil }
                i += 2; continue
            case "-s":
                if let c = cidr(v) { matches.append(.source(c, negated: neg)) } else if let c = cidr6(v) { matches.append(.source6(c, negated: neg)) } else { return nil }
                i += 2
            case "-d":
                if let c = cidr(v) { matches.append(.destination(c, negated: neg)) } else if let c = cidr6(v) { matches.append(.destination6(c, negated: neg)) } else { return nil }
                i += 2
            case "-p": matches.append(.proto(v, negated: neg)); i += 2
            case "--dport": guard let p = ports(v) else { return nil }; matches.append(.dport(p, negated: neg)); i += 2
            case "--sport": guard let p = ports(v) else { return nil }; matches.append(.sport(p, negated: neg)); i += 2
            case "-i": matches.append(.inInterface(v, negated: neg)); i += 2
            case "-o": matches.append(.outInterface(v, negated: neg)); i += 2
            case "--src-type": matches.append(.srcType(v, negated: neg)); i += 2
            case "--dst-type": matches.append(.dstType(v, negated: neg)); i += 2
            case _ where inert.contains(k): i += 1
            case "--mark":
                guard let (val, m) = markPair(v) else { return nil }
                matches.append(.mark(value: val, mask: m, negated: neg)); i += 2
            case "--ctstate", "--state":
                guard let states = ConntrackState(list: v, stateModule: k == "--state") else { return nil }
                matches.append(.ctstate(states, negated: neg)); i += 2
            case "--mode": i += 2
            case "--probability": guard let p = Double(v) else { return nil }; matches.append(.probability(p)); i += 2
            case "--name": recentName = v; i += 2
            case "--seconds": guard let n = Int(v) else { return nil }; recentSeconds = n; i += 2
            case "--set": recentSet = true; i += 1
            case "--comment": comment = v; i += 2
            case "--nfacct-name": i += 2
            case "-j":
                i += 2
                switch v {
                case "ACCEPT": target = .accept
                case "DROP": target = .drop
                case "REJECT": target = .reject
                case "RETURN": target = .ret
                case "MASQUERADE": target = .masquerade
                case "DNAT", "SNAT", "MARK", "CONNMARK": target = .none; pendingTarget = v
                case "": return nil
                default:
                    // iptables' other targets are not chains: a rule using one is not read.
                    guard !otherTargets.contains(v) else { return nil }
                    target = .jump(ChainName(v))
                }
            case "--to-destination":
                if let (a, port) = Self.bracketed(v) { target = .dnat6(a, port); i += 2; continue }
                let parts = v.split(separator: ":")
                guard let first = parts.first, let a = IPv4Address(String(first)) else { return nil }
                target = .dnat(a, parts.count > 1 ? UInt16(parts[1]) : nil); i += 2
            case "--to-source":
                if let (a, _) = Self.bracketed(v) { target = .snat6(a); i += 2; continue }
                guard let first = v.split(separator: ":").first, let a = IPv4Address(String(first)) else { return nil }
                target = .snat(a); i += 2
            case "--reject-with":
                // The ICMP answer REJECT sends (`icmp-port-unreachable`, ip6tables'
                // `icmp6-port-unreachable`, the defaults iptables-save prints): the verdict is REJECT either way.
                guard Self.rejectTypes.contains(v) else { return nil }
                i += 2
            case "--or-mark": guard let n = number(v) else { return nil }; target = .markOr(n); i += 2
            case "--xor-mark": guard let n = number(v) else { return nil }; target = .markXor(n); i += 2
            case "--set-xmark":
                guard let (val, m) = markPair(v) else { return nil }
                target = pendingTarget == "CONNMARK" ? .connmarkSet(val, m) : .markSet(val, m); i += 2
            case "--restore-mark": target = .connmarkRestore(0xFFFF_FFFF); i += 1
            case "--nfmask", "--ctmask", "--mask":
                if case .connmarkRestore = target, let n = number(v) { target = .connmarkRestore(n) }
                i += 2
            default: return nil
            }
            neg = false
        }
        if recentSeconds != nil || recentSet {
            guard let name = recentName else { return nil }
            if let n = recentSeconds { matches.append(.recentCheck(name: name, seconds: n)) }
            if recentSet { matches.append(.recentSet(name: name)) }
        }
        return IPTablesRule(chain: ChainName(w[1]), matches: matches, facts: Facts(text: line, target: target, comment: comment))
    }
}

extension IPTablesRule {
    /// Whether every quote `words` opens is closed (an escaped quote inside quotes counts for
    /// none).
    static func quotesBalance(_ line: String) -> Bool {
        var quoted = false, escaped = false
        for c in line.utf8 {
            if escaped { escaped = false; continue }
            if quoted && c == UInt8(ascii: "\\") { escaped = true; continue }
            if c == UInt8(ascii: "\"") { quoted.toggle() }
        }
        return !quoted
    }

    /// An IPv6 address as ip6tables writes it in DNAT/SNAT targets: `[addr]:port`, `[addr]`,
    /// or a bare address (more than one colon); nil for anything else (IPv4's `a.b.c.d:port`).
    static func bracketed(_ v: String) -> (IPv6Address, UInt16?)? {
        if v.hasPrefix("[") {
            guard let close = v.firstIndex(of: "]"), let a = IPv6Address(v[v.index(after: v.startIndex)..<close]) else { return nil }
            let rest = v[v.index(after: close)...]
            if rest.isEmpty { return (a, nil) }
            guard rest.hasPrefix(":"), let port = UInt16(rest.dropFirst()) else { return nil }
            return (a, port)
        }
        guard v.utf8.filter({ $0 == UInt8(ascii: ":") }).count > 1, let a = IPv6Address(v) else { return nil }
        return (a, nil)
    }

    /// `--reject-with` values of iptables and ip6tables (iptables-extensions(8), REJECT).
    static let rejectTypes: Set<String> = [
        "icmp-net-unreachable", "icmp-host-unreachable", "icmp-port-unreachable", "icmp-proto-unreachable",
        "icmp-net-prohibited", "icmp-host-prohibited", "icmp-admin-prohibited", "tcp-reset",
        "icmp6-no-route", "no-route", "icmp6-adm-prohibited", "adm-prohibited", "icmp6-addr-unreachable", "addr-unreach",
        "icmp6-port-unreachable", "icmp6-policy-fail", "icmp6-reject-route",
    ]
}

extension String {
    /// iptables writes port ranges as `a:b`.
    func replacingColon() -> String { String(map { $0 == ":" ? "-" : $0 }) }
}
