import NetsimModel

/// One network ACL decision: the rule that matched first, or the final `*` deny.
public struct NetworkACLDecision: Sendable {
    public var allowed: Bool
    /// nil: the `*` rule (32767).
    public var rule: NetworkACLRule?
    public var acl: NetworkACL

    /// "100" or "*".
    public var ruleLabel: String { rule.map { String($0.number) } ?? "*" }
}

/// Network ACLs (Amazon VPC User Guide): stateless, per subnet; numbered rules lowest first,
/// first match wins, then the `*` deny. Inbound rules match the source, outbound the
/// destination; ports are the packet's destination port; IPv4 rules never match IPv6.
public enum NetworkACLEvaluator {
    public enum Direction: String, Sendable { case inbound, outbound }

    public static func evaluate(_ acl: NetworkACL, direction: Direction, packet: Packet) -> NetworkACLDecision {
        let rules = direction == .inbound ? acl.inbound : acl.outbound
        let peer = direction == .inbound ? packet.source : packet.destination
        for r in rules {
            guard case .v4(let block) = r.block, block.contains(peer), r.ipProtocol.covers(packet.ipProtocol) else { continue }
            switch r.ipProtocol {
            case .tcp, .udp: guard r.ports.contains(packet.destinationPort) else { continue }
            case .icmp: guard r.icmp.matches(type: packet.icmpType, code: packet.icmpCode) else { continue }
            default: break
            }
            return NetworkACLDecision(allowed: r.action == .allow, rule: r, acl: acl)
        }
        return NetworkACLDecision(allowed: false, rule: nil, acl: acl)
    }
}
