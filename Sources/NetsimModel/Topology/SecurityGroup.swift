/// A VPC security group: stateful, allow-only rules, evaluated as a union over every group on an ENI.
public struct SecurityGroup: Sendable {
    public var name: String
    public var id: String
    public var description: String
    public var ingress: [SecurityGroupRule]
    public var egress: [SecurityGroupRule]
    public var tags: [Tag]
    public var location: SourceLocation

    public init(name: String, id: String, description: String = "", ingress: [SecurityGroupRule],
                egress: [SecurityGroupRule], tags: [Tag] = [], location: SourceLocation) {
        self.name = name; self.id = id; self.description = description; self.ingress = ingress
        self.egress = egress; self.tags = tags; self.location = location
    }
}

/// One security-group rule (the `SecurityGroupRule` API shape: one peer per rule).
public struct SecurityGroupRule: Sendable {
    /// The other side of the rule: source for ingress, destination for egress.
    public enum Peer: Hashable, Sendable, CustomStringConvertible {
        case cidr(IPv4CIDR)
        case ipv6Cidr(IPv6CIDR)
        case prefixList(String)
        case securityGroup(String)

        public var description: String {
            switch self {
            case .cidr(let c): return c.description
            case .ipv6Cidr(let c): return c.description
            case .prefixList(let n): return "pl:\(n)"
            case .securityGroup(let n): return "sg:\(n)"
            }
        }
    }

    public var ipProtocol: IPProtocol
    /// For tcp/udp; `.all` for other protocols, as AWS ignores ports there.
    public var ports: PortRange
    public var icmp: ICMPMatch
    public var peer: Peer
    public var description: String
    public var location: SourceLocation

    public init(ipProtocol: IPProtocol, ports: PortRange = .all, icmp: ICMPMatch = .any, peer: Peer,
                description: String = "", location: SourceLocation) {
        self.ipProtocol = ipProtocol; self.ports = ports; self.icmp = icmp; self.peer = peer
        self.description = description; self.location = location
    }
}

/// ICMP type and code as AWS rules carry them; nil means -1 (any).
public struct ICMPMatch: Hashable, Sendable, CustomStringConvertible {
    public var type: UInt8?
    public var code: UInt8?
    public init(type: UInt8?, code: UInt8?) { self.type = type; self.code = code }
    public static let any = ICMPMatch(type: nil, code: nil)

    public func matches(type t: UInt8, code c: UInt8) -> Bool {
        (type == nil || type == t) && (code == nil || code == c)
    }

    public var description: String {
        guard let type else { return "all" }
        return code.map { "type \(type) code \($0)" } ?? "type \(type)"
    }
}
