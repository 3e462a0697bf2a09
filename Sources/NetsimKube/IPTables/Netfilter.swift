/// The iptables tables netsim knows, by the names `iptables -t` and `iptables-save` use.
public enum NetfilterTable: String, Hashable, Comparable, Sendable, CaseIterable, CustomStringConvertible {
    case raw, mangle, nat, filter, security

    /// The table's built-in chains in hook order, as `iptables-save` declares them.
    public var builtinChains: [BuiltinChain] {
        switch self {
        case .raw: [.prerouting, .output]
        case .mangle: [.prerouting, .input, .forward, .output, .postrouting]
        case .nat: [.prerouting, .input, .output, .postrouting]
        case .filter, .security: [.input, .forward, .output]
        }
    }

    public var description: String { rawValue }

    /// By name, as `iptables-save` writes them.
    public static func < (lhs: NetfilterTable, rhs: NetfilterTable) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A chain netfilter calls at one of its hooks.
public enum BuiltinChain: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case prerouting = "PREROUTING", input = "INPUT", forward = "FORWARD", output = "OUTPUT", postrouting = "POSTROUTING"

    public var description: String { rawValue }
}

/// A chain's name: one of the built-in chains, or a chain a program created (`KUBE-SERVICES`,
/// `AWS-SNAT-CHAIN-0`). iptables gives user chains no built-in chain's name, so each name has
/// one reading: `ChainName("INPUT")` is `.builtin(.input)`. Names compare and hash as the text
/// iptables writes, so `.user("INPUT")`, were one written, is still the built-in chain.
public enum ChainName: Hashable, Sendable, CustomStringConvertible {
    case builtin(BuiltinChain)
    case user(String)

    public static func == (lhs: ChainName, rhs: ChainName) -> Bool {
        switch (lhs, rhs) {
        case (.builtin(let a), .builtin(let b)): a == b
        case (.user(let a), .user(let b)): a == b
        case (.builtin(let a), .user(let b)), (.user(let b), .builtin(let a)): a.rawValue == b
        }
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    public init(_ name: some StringProtocol) {
        let s = String(name)
        // Built-in names are 5, 6, 7, 10 or 11 bytes long: most user chains are told apart by
        // length alone (this runs for every rule line a node's datapath reads).
        switch s.utf8.count {
        case 5, 6, 7, 10, 11: self = BuiltinChain(rawValue: s).map(ChainName.builtin) ?? .user(s)
        default: self = .user(s)
        }
    }

    /// The name as iptables writes it.
    public var name: String {
        switch self {
        case .builtin(let b): b.rawValue
        case .user(let n): n
        }
    }

    public var description: String { name }

    public static let prerouting = ChainName.builtin(.prerouting)
    public static let input = ChainName.builtin(.input)
    public static let forward = ChainName.builtin(.forward)
    public static let output = ChainName.builtin(.output)
    public static let postrouting = ChainName.builtin(.postrouting)
}

/// Conntrack states as `-m conntrack --ctstate` and `-m state --state` name them: the
/// connection's state (NEW, ESTABLISHED, RELATED; INVALID without a connection; UNTRACKED),
/// and for `--ctstate` the virtual states SNAT and DNAT (the connection's source or destination
/// was translated). A rule matches a packet whose states share one with the rule's.
public struct ConntrackState: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let invalid = ConntrackState(rawValue: 1 << 0)
    public static let established = ConntrackState(rawValue: 1 << 1)
    public static let related = ConntrackState(rawValue: 1 << 2)
    public static let new = ConntrackState(rawValue: 1 << 3)
    public static let untracked = ConntrackState(rawValue: 1 << 4)
    public static let snat = ConntrackState(rawValue: 1 << 5)
    public static let dnat = ConntrackState(rawValue: 1 << 6)

    /// Each state with its name, in the order iptables-save prints them.
    static let names: [(ConntrackState, String)] = [
        (.invalid, "INVALID"), (.new, "NEW"), (.related, "RELATED"), (.established, "ESTABLISHED"),
        (.untracked, "UNTRACKED"), (.snat, "SNAT"), (.dnat, "DNAT"),
    ]

    /// One state by its name.
    public init?(name: some StringProtocol) {
        guard let s = Self.names.first(where: { $0.1 == name })?.0 else { return nil }
        self = s
    }

    /// A comma-separated list as `--ctstate` takes it (`RELATED,ESTABLISHED`); nil when a name
    /// is unknown or the list is empty. `--state` (`module: "state"`) knows no SNAT or DNAT.
    public init?(list: some StringProtocol, stateModule: Bool = false) {
        var s: ConntrackState = []
        for part in list.split(separator: ",", omittingEmptySubsequences: false) {
            guard let one = ConntrackState(name: part), !(stateModule && (one == .snat || one == .dnat)) else { return nil }
            s.insert(one)
        }
        guard !s.isEmpty else { return nil }
        self = s
    }

    /// The names, comma-separated, in iptables-save's order; empty for no state.
    public var description: String {
        Self.names.filter { contains($0.0) }.map(\.1).joined(separator: ",")
    }
}
