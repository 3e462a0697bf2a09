/// The headers the fabric decides on: a packet's protocol, addresses and ports (or ICMP type and
/// code). The one packet type of netsim: the fabric's evaluators, the trace and (with the node's
/// interfaces, marks and conntrack state around it, `NodePacket`) netfilter all read it.
///
/// Source and destination are of one family. The engines that model IPv4 only take the family
/// explicitly: an IPv6 packet is never matched against IPv4 rules (no IPv4 CIDR contains an
/// IPv6 address), and the trace ends such a packet as not modelled.
public struct Packet: Hashable, Sendable, CustomStringConvertible {
    public var ipProtocol: IPProtocol
    public var source: IPAddress
    public var destination: IPAddress
    /// TCP/UDP only.
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// ICMP only.
    public var icmpType: UInt8
    public var icmpCode: UInt8

    public init(ipProtocol: IPProtocol, source: IPAddress, destination: IPAddress, sourcePort: UInt16 = 0,
                destinationPort: UInt16 = 0, icmpType: UInt8 = 8, icmpCode: UInt8 = 0) {
        self.ipProtocol = ipProtocol; self.source = source; self.destination = destination
        self.sourcePort = sourcePort; self.destinationPort = destinationPort; self.icmpType = icmpType; self.icmpCode = icmpCode
    }

    /// An IPv4 packet.
    public init(ipProtocol: IPProtocol, source: IPv4Address, destination: IPv4Address, sourcePort: UInt16 = 0,
                destinationPort: UInt16 = 0, icmpType: UInt8 = 8, icmpCode: UInt8 = 0) {
        self.init(ipProtocol: ipProtocol, source: .ipv4(source), destination: .ipv4(destination), sourcePort: sourcePort,
                  destinationPort: destinationPort, icmpType: icmpType, icmpCode: icmpCode)
    }

    /// The family of the destination (the source's, for a well-formed packet).
    public var family: IPFamily { destination.family }

    /// Both addresses when both are IPv4, for the engines that model IPv4 only; nil otherwise.
    @inlinable public var v4: (source: IPv4Address, destination: IPv4Address)? {
        if case .ipv4(let s) = source, case .ipv4(let d) = destination { return (s, d) }
        return nil
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
        case .tcp, .udp:
            // An IPv6 address with a port is written in brackets (RFC 5952 §6).
            func hostPort(_ a: IPAddress, _ p: UInt16) -> String {
                if case .ipv6 = a { return "[\(a)]:\(p)" }
                return "\(a):\(p)"
            }
            return "\(ipProtocol) \(hostPort(source, sourcePort)) → \(hostPort(destination, destinationPort))"
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
