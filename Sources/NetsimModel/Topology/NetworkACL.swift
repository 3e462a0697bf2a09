/// A network ACL: stateless, numbered rules per direction, lowest number first, first match wins,
/// ending in the fixed `*` deny (rule 32767 for IPv4, 32768 for IPv6).
public struct NetworkACL: Sendable {
    public var name: String
    public var id: String
    public var isDefault: Bool
    /// Inbound rules sorted by number (the implicit `*` deny is not stored).
    public var inbound: [NetworkACLRule]
    public var outbound: [NetworkACLRule]
    public var location: SourceLocation

    public init(name: String, id: String, isDefault: Bool, inbound: [NetworkACLRule],
                outbound: [NetworkACLRule], location: SourceLocation) {
        self.name = name; self.id = id; self.isDefault = isDefault
        self.inbound = inbound.sorted { $0.number < $1.number }
        self.outbound = outbound.sorted { $0.number < $1.number }
        self.location = location
    }
}

/// One numbered network ACL entry.
public struct NetworkACLRule: Sendable {
    public enum Action: String, Sendable, CaseIterable { case allow, deny }
    /// 1...32766.
    public var number: Int
    public var ipProtocol: IPProtocol
    public var action: Action
    /// Source for inbound, destination for outbound.
    public var block: NetworkBlock
    public var ports: PortRange
    public var icmp: ICMPMatch
    public var location: SourceLocation

    public init(number: Int, ipProtocol: IPProtocol, action: Action, block: NetworkBlock,
                ports: PortRange = .all, icmp: ICMPMatch = .any, location: SourceLocation) {
        self.number = number; self.ipProtocol = ipProtocol; self.action = action; self.block = block
        self.ports = ports; self.icmp = icmp; self.location = location
    }
}
