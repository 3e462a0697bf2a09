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
/// destination; ports are the packet's destination port; IPv4 rules never match IPv6 traffic,
/// nor IPv6 rules IPv4.
public enum NetworkACLEvaluator {
    public enum Direction: String, Sendable { case inbound, outbound }

    public static func evaluate(_ acl: NetworkACL, direction: Direction, packet: Packet) -> NetworkACLDecision {
        let rules = direction == .inbound ? acl.inbound : acl.outbound
        let peer = direction == .inbound ? packet.source : packet.destination
        for r in rules {
            guard r.block.contains(peer), r.ipProtocol.covers(packet.ipProtocol) else { continue }
            switch r.ipProtocol {
            case .tcp, .udp: guard r.ports.contains(packet.destinationPort) else { continue }
            case .icmp: guard r.icmp.matches(type: packet.icmpType, code: packet.icmpCode) else { continue }
            default: break
            }
            return NetworkACLDecision(allowed: r.action == .allow, rule: r, acl: acl)
        }
        return NetworkACLDecision(allowed: false, rule: nil, acl: acl)
    }

    /// The destination ports of `range` the ACL denies for a packet otherwise like `packet`
    /// (first match per port, as the kernel of the ACL evaluates each packet), as merged ranges.
    public static func deniedPorts(_ acl: NetworkACL, direction: Direction, packet: Packet, range: ClosedRange<UInt16>) -> [PortRange] {
        let rules = direction == .inbound ? acl.inbound : acl.outbound
        let peer = direction == .inbound ? packet.source : packet.destination
        // The usual case first, without building lists: the first rule that applies allows
        // every port of the range (nothing is denied).
        for r in rules {
            guard r.block.contains(peer), r.ipProtocol.covers(packet.ipProtocol) else { continue }
            let all: Bool
            switch r.ipProtocol {
            case .tcp, .udp: all = r.ports.lower <= range.lowerBound && range.upperBound <= r.ports.upper
            default: all = true
            }
            if all && r.action == .allow { return [] }
            break
        }
        // Walk the rules once, carving the still-undecided part of the range.
        var undecided: [ClosedRange<Int>] = [Int(range.lowerBound)...Int(range.upperBound)]
        var denied: [ClosedRange<Int>] = []
        for r in rules where !undecided.isEmpty {
            guard r.block.contains(peer), r.ipProtocol.covers(packet.ipProtocol) else { continue }
            let covered: ClosedRange<Int>
            switch r.ipProtocol {
            case .tcp, .udp: covered = Int(r.ports.lower)...Int(r.ports.upper)
            default: covered = 0...65535
            }
            var next: [ClosedRange<Int>] = []
            for u in undecided {
                guard u.overlaps(covered) else { next.append(u); continue }
                let hit = max(u.lowerBound, covered.lowerBound)...min(u.upperBound, covered.upperBound)
                if r.action == .deny { denied.append(hit) }
                if u.lowerBound < hit.lowerBound { next.append(u.lowerBound...(hit.lowerBound - 1)) }
                if hit.upperBound < u.upperBound { next.append((hit.upperBound + 1)...u.upperBound) }
            }
            undecided = next
        }
        denied += undecided   // the final `*` rule
        denied.sort { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<Int>] = []
        for d in denied {
            if let last = merged.last, last.upperBound + 1 >= d.lowerBound {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, d.upperBound)
            } else { merged.append(d) }
        }
        return merged.map { PortRange(UInt16($0.lowerBound), UInt16($0.upperBound)) }
    }
}
