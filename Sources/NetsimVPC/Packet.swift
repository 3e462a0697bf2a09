import NetsimModel

/// The headers the fabric decides on: an IPv4 packet's protocol, addresses and ports (or ICMP
/// type and code).
public struct Packet: Hashable, Sendable, CustomStringConvertible {
    public var ipProtocol: IPProtocol
    public var source: IPv4Address
    public var destination: IPv4Address
    /// TCP/UDP only.
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// ICMP only.
    public var icmpType: UInt8
    public var icmpCode: UInt8

    public init(ipProtocol: IPProtocol, source: IPv4Address, destination: IPv4Address, sourcePort: UInt16 = 0,
                destinationPort: UInt16 = 0, icmpType: UInt8 = 8, icmpCode: UInt8 = 0) {
        self.ipProtocol = ipProtocol; self.source = source; self.destination = destination
        self.sourcePort = sourcePort; self.destinationPort = destinationPort; self.icmpType = icmpType; self.icmpCode = icmpCode
    }

    public var hasPorts: Bool { ipProtocol == .tcp || ipProtocol == .udp }

    /// The IP protocol number (6, 17, 1, …).
    public var protocolNumber: UInt8 {
        switch ipProtocol {
        case .tcp: return 6
        case .udp: return 17
        case .icmp: return 1
        case .icmpv6: return 58
        case .number(let n): return n
        case .all: return 0
        }
    }

    /// The reply: addresses and ports swapped; an ICMP echo request answered by an echo reply.
    public var reversed: Packet {
        var r = Packet(ipProtocol: ipProtocol, source: destination, destination: source, sourcePort: destinationPort,
                       destinationPort: sourcePort, icmpType: icmpType, icmpCode: icmpCode)
        if ipProtocol == .icmp && icmpType == 8 { r.icmpType = 0 }
        return r
    }

    public var description: String {
        switch ipProtocol {
        case .tcp, .udp: return "\(ipProtocol) \(source):\(sourcePort) → \(destination):\(destinationPort)"
        case .icmp: return "icmp \(source) → \(destination) type \(icmpType) code \(icmpCode)"
        default: return "\(ipProtocol) \(source) → \(destination)"
        }
    }
}

extension IPProtocol {
    /// Whether a rule written for `self` covers a packet of `p` (all covers everything).
    public func covers(_ p: IPProtocol) -> Bool {
        switch (self, p) {
        case (.all, _): return true
        case (.tcp, .tcp), (.udp, .udp), (.icmp, .icmp), (.icmpv6, .icmpv6): return true
        case (.number(let a), .number(let b)): return a == b
        default: return false
        }
    }
}
