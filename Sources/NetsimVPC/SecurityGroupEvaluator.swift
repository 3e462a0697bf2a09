import NetsimModel

/// Which private addresses carry which security groups: the members a rule that references a
/// group matches. Public and Elastic IPs are never members (EC2 User Guide).
public struct SecurityGroupMembership: Sendable {
    /// "vpc/group" → member private addresses.
    private var members: [String: Set<UInt32>] = [:]

    public init() {}

    public static func key(vpc: String, group: String) -> String { vpc + "/" + group }

    public mutating func add(_ ip: IPv4Address, vpc: String, groups: [String]) {
        for g in groups { members[Self.key(vpc: vpc, group: g), default: []].insert(ip.value) }
    }

    public mutating func add(block: IPv4CIDR, vpc: String, groups: [String]) {
        guard block.size <= 16 else { return }
        for i in 0..<block.size { add(IPv4Address(block.network.value + UInt32(i)), vpc: vpc, groups: groups) }
    }

    public func contains(_ ip: IPv4Address, vpc: String, group: String) -> Bool {
        members[Self.key(vpc: vpc, group: group)]?.contains(ip.value) ?? false
    }
}

/// One security-group decision: the rule that allowed the packet, or none.
public struct SecurityGroupDecision: Sendable {
    public var allowed: Bool
    public var group: SecurityGroup?
    /// 0-based index of the rule in its direction's list.
    public var ruleIndex: Int?
    public var rule: SecurityGroupRule?
    /// Every group on the interface, in the order given.
    public var groups: [SecurityGroup]
}

/// Security groups (Amazon VPC User Guide): stateful, allow-only, the union of every group on
/// the interface; a rule matches by protocol, port range or ICMP type/code, and a peer — an
/// IPv4 block, a prefix list's entries, or the private addresses of interfaces carrying a group.
public enum SecurityGroupEvaluator {
    public enum Direction: String, Sendable { case ingress, egress }

    /// `peerVPC` resolves group references (rules name groups of their own VPC, or a peer's).
    public static func evaluate(_ groups: [SecurityGroup], vpc: String, direction: Direction, packet: Packet,
                                membership: SecurityGroupMembership, prefixLists: [String: PrefixList],
                                groupVPC: (String) -> String? = { _ in nil }) -> SecurityGroupDecision {
        evaluate(groups, vpc: vpc, direction: direction, packet: packet, isMember: { membership.contains($0, vpc: $1, group: $2) },
                 prefixLists: prefixLists, groupVPC: groupVPC)
    }

    /// The same, with membership answered by `isMember(address, vpc, group)` (IPv4 members) and
    /// `isMember6` (IPv6 members: a group reference matches the IPv6 addresses of the interfaces
    /// that carry the group, as the VPC User Guide's security group rules say for either family).
    public static func evaluate(_ groups: [SecurityGroup], vpc: String, direction: Direction, packet: Packet,
                                isMember: (IPv4Address, String, String) -> Bool, isMember6: (IPv6Address, String, String) -> Bool = { _, _, _ in false },
                                prefixLists: [String: PrefixList],
                                groupVPC: (String) -> String? = { _ in nil }) -> SecurityGroupDecision {
        let peer = direction == .ingress ? packet.source : packet.destination
        for g in groups {
            let rules = direction == .ingress ? g.ingress : g.egress
            for (i, r) in rules.enumerated() where matches(r, packet: packet) {
                let hit: Bool
                switch r.peer {
                case .cidr(let c): hit = c.contains(peer)
                case .ipv6Cidr(let c): hit = c.contains(peer)
                case .prefixList(let name):
                    hit = prefixLists[name]?.entries.contains { $0.contains(peer) } ?? false
                case .securityGroup(let name):
                    switch peer {
                    case .ipv4(let a): hit = isMember(a, groupVPC(name) ?? vpc, name)
                    case .ipv6(let a): hit = isMember6(a, groupVPC(name) ?? vpc, name)
                    }
                }
                if hit { return SecurityGroupDecision(allowed: true, group: g, ruleIndex: i, rule: r, groups: groups) }
            }
        }
        return SecurityGroupDecision(allowed: false, group: nil, ruleIndex: nil, rule: nil, groups: groups)
    }

    /// Protocol and ports (or ICMP type and code) of a rule against a packet.
    public static func matches(_ r: SecurityGroupRule, packet: Packet) -> Bool {
        guard r.ipProtocol.covers(packet.ipProtocol) else { return false }
        switch r.ipProtocol {
        case .tcp, .udp: return r.ports.contains(packet.destinationPort)
        case .icmp: return r.icmp.matches(type: packet.icmpType, code: packet.icmpCode)
        default: return true
        }
    }
}
