/// The IP protocol of a rule or a flow, as AWS names it (`tcp`, `udp`, `icmp`, `icmpv6`,
/// `-1`/`all`, or a number). Unknown numbers stay representable (`.number(47)` for GRE).
public enum IPProtocol: Hashable, Sendable, CustomStringConvertible {
    case all
    case tcp
    case udp
    case icmp
    case icmpv6
    case number(UInt8)

    /// Accepts names in any case, `-1`, `all`, and 0–255; numbers of named protocols
    /// normalise to the name (`"6"` → `.tcp`), as NACL describe output uses numbers.
    public init?(parsing text: some StringProtocol) {
        switch text.lowercased() {
        case "all", "-1": self = .all
        case "tcp": self = .tcp
        case "udp": self = .udp
        case "icmp": self = .icmp
        case "icmpv6", "icmp6": self = .icmpv6
        default:
            guard let n = Int(text), (0...255).contains(n) else { return nil }
            self.init(number: UInt8(n))
        }
    }

    public init(number: UInt8) {
        switch number {
        case 6: self = .tcp
        case 17: self = .udp
        case 1: self = .icmp
        case 58: self = .icmpv6
        default: self = .number(number)
        }
    }

    /// The IANA number, or nil for `.all`.
    public var number: UInt8? {
        switch self {
        case .all: return nil
        case .tcp: return 6
        case .udp: return 17
        case .icmp: return 1
        case .icmpv6: return 58
        case .number(let n): return n
        }
    }

    /// Whether rules for this protocol carry a port range (AWS: only tcp and udp).
    public var hasPorts: Bool { self == .tcp || self == .udp }

    public var description: String {
        switch self {
        case .all: return "all"
        case .tcp: return "tcp"
        case .udp: return "udp"
        case .icmp: return "icmp"
        case .icmpv6: return "icmpv6"
        case .number(let n): return "\(n)"
        }
    }
}
