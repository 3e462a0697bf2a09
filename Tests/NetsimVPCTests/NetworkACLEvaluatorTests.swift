import NetsimModel
import NetsimVPC
import Testing

/// NetworkACLEvaluator against the Amazon VPC User Guide: numbered rules, lowest first, first
/// match wins (allow or deny), then the `*` deny; inbound rules match the source and outbound
/// rules the destination; ports are the destination port; stateless, so a reply is judged on
/// its own (its destination port is the client's ephemeral port).
@Suite("Network ACLs")
struct NetworkACLEvaluatorTests {
    typealias E = NetworkACLEvaluator

    static func label(_ acl: NetworkACL, _ direction: E.Direction, _ packet: Packet) -> String {
        let d = E.evaluate(acl, direction: direction, packet: packet)
        return (d.allowed ? "allow " : "deny ") + d.ruleLabel
    }

    /// Rules are evaluated by ascending number whatever order they were written in, and the
    /// first that matches decides, allow or deny.
    @Test func lowestNumberFirstAndFirstMatchWins() {
        let acl = V.acl(inbound: [V.entry(200, .tcp, .allow, "0.0.0.0/0", PortRange(22)),
                                  V.entry(100, .tcp, .deny, "10.0.0.0/8", PortRange(22))])
        #expect(Self.label(acl, .inbound, V.tcp("10.1.1.1", "172.31.0.5", 22)) == "deny 100")
        #expect(Self.label(acl, .inbound, V.tcp("192.168.0.1", "172.31.0.5", 22)) == "allow 200")
        // An allow numbered lower than a deny wins over it.
        let allowFirst = V.acl(inbound: [V.entry(300, .all, .deny, "0.0.0.0/0"), V.entry(110, .tcp, .allow, "0.0.0.0/0", PortRange(443))])
        #expect(Self.label(allowFirst, .inbound, V.tcp("198.51.100.1", "172.31.0.5", 443)) == "allow 110")
        #expect(Self.label(allowFirst, .inbound, V.tcp("198.51.100.1", "172.31.0.5", 80)) == "deny 300")
    }

    /// Nothing matches: the `*` rule denies. A new custom ACL, with no rules, denies everything
    /// both ways.
    @Test func theFinalStarRuleDenies() {
        let empty = V.acl()
        for packet in [V.tcp("10.0.1.1", "10.0.2.2", 443), V.udp("10.0.1.1", "10.0.2.2", 53),
                       V.icmp("10.0.1.1", "10.0.2.2", type: 8, code: 0), V.proto(47, "10.0.1.1", "10.0.2.2")] {
            for direction in [E.Direction.inbound, .outbound] {
                let d = E.evaluate(empty, direction: direction, packet: packet)
                #expect(!d.allowed)
                #expect(d.rule == nil)
                #expect(d.ruleLabel == "*")
            }
        }
        let some = V.acl(inbound: [V.entry(100, .tcp, .allow, "10.0.0.0/16", PortRange(443))])
        #expect(Self.label(some, .inbound, V.tcp("10.0.1.1", "10.0.2.2", 444)) == "deny *")
    }

    /// The default ACL (rule 100 allows all IPv4, both ways) lets everything through.
    @Test func defaultACLAllowsEverything() {
        let acl = V.acl(inbound: [V.entry(100, .all, .allow, "0.0.0.0/0")], outbound: [V.entry(100, .all, .allow, "0.0.0.0/0")])
        for packet in [V.tcp("203.0.113.1", "10.0.2.2", 22), V.udp("10.0.1.1", "8.8.8.8", 53),
                       V.icmp("10.0.1.1", "10.0.2.2", type: 3, code: 4), V.proto(50, "10.0.1.1", "10.0.2.2")] {
            #expect(Self.label(acl, .inbound, packet) == "allow 100")
            #expect(Self.label(acl, .outbound, packet) == "allow 100")
        }
    }

    /// Inbound rules name the source, outbound rules the destination.
    @Test func inboundMatchesSourceOutboundMatchesDestination() {
        let rules = [V.entry(100, .all, .allow, "10.0.0.0/16")]
        let acl = V.acl(inbound: rules, outbound: rules)
        let fromInside = V.tcp("10.0.5.5", "172.16.0.1", 443)
        #expect(Self.label(acl, .inbound, fromInside) == "allow 100")
        #expect(Self.label(acl, .outbound, fromInside) == "deny *")
        let toInside = V.tcp("172.16.0.1", "10.0.5.5", 443)
        #expect(Self.label(acl, .inbound, toInside) == "deny *")
        #expect(Self.label(acl, .outbound, toInside) == "allow 100")
    }

    /// The port range is the destination port's; a TCP rule does not match UDP.
    @Test func portsAreTheDestinationPort() {
        let acl = V.acl(inbound: [V.entry(100, .tcp, .allow, "0.0.0.0/0", PortRange(443)),
                                  V.entry(110, .udp, .allow, "0.0.0.0/0", PortRange(1000, 2000))])
        #expect(Self.label(acl, .inbound, V.tcp("198.51.100.1", "10.0.1.1", 443)) == "allow 100")
        #expect(Self.label(acl, .inbound, V.tcp("198.51.100.1", "10.0.1.1", 50000, from: 443)) == "deny *")
        #expect(Self.label(acl, .inbound, V.udp("198.51.100.1", "10.0.1.1", 443)) == "deny *")
        #expect(Self.label(acl, .inbound, V.udp("198.51.100.1", "10.0.1.1", 999)) == "deny *")
        #expect(Self.label(acl, .inbound, V.udp("198.51.100.1", "10.0.1.1", 1000)) == "allow 110")
        #expect(Self.label(acl, .inbound, V.udp("198.51.100.1", "10.0.1.1", 2000)) == "allow 110")
        #expect(Self.label(acl, .inbound, V.udp("198.51.100.1", "10.0.1.1", 2001)) == "deny *")
    }

    /// Protocol -1 and protocols other than TCP and UDP ignore ports; a numbered protocol
    /// matches only itself.
    @Test func protocolAllAndNumbersIgnorePorts() {
        let acl = V.acl(inbound: [V.entry(90, IPProtocol(number: 47), .allow, "0.0.0.0/0", PortRange(5)),
                                  V.entry(100, .all, .deny, "10.9.0.0/16", PortRange(5)),
                                  V.entry(200, .all, .allow, "0.0.0.0/0")])
        #expect(Self.label(acl, .inbound, V.proto(47, "10.9.1.1", "10.0.1.1")) == "allow 90")
        #expect(Self.label(acl, .inbound, V.udp("10.9.1.1", "10.0.1.1", 53)) == "deny 100")
        #expect(Self.label(acl, .inbound, V.tcp("10.9.1.1", "10.0.1.1", 443)) == "deny 100")
        #expect(Self.label(acl, .inbound, V.proto(50, "10.9.1.1", "10.0.1.1")) == "deny 100")
        #expect(Self.label(acl, .inbound, V.tcp("10.8.1.1", "10.0.1.1", 443)) == "allow 200")
    }

    /// ICMP rules match type and code (-1 = any): path MTU discovery (type 3 code 4) allowed
    /// ahead of a deny of the rest of ICMP.
    @Test func icmpTypeAndCode() {
        let acl = V.acl(inbound: [V.entry(100, .icmp, .allow, "0.0.0.0/0", icmp: ICMPMatch(type: 3, code: 4)),
                                  V.entry(110, .icmp, .deny, "0.0.0.0/0"),
                                  V.entry(120, .all, .allow, "0.0.0.0/0")])
        #expect(Self.label(acl, .inbound, V.icmp("198.51.100.1", "10.0.1.1", type: 3, code: 4)) == "allow 100")
        #expect(Self.label(acl, .inbound, V.icmp("198.51.100.1", "10.0.1.1", type: 3, code: 1)) == "deny 110")
        #expect(Self.label(acl, .inbound, V.icmp("198.51.100.1", "10.0.1.1", type: 8, code: 0)) == "deny 110")
        #expect(Self.label(acl, .inbound, V.tcp("198.51.100.1", "10.0.1.1", 3)) == "allow 120")
    }

    /// IPv6 entries never match IPv4 packets.
    @Test func ipv6EntriesNeverMatchIPv4() {
        let acl = V.acl(inbound: [V.entry(100, .all, .allow, "::/0")], outbound: [V.entry(100, .all, .allow, "::/0")])
        #expect(Self.label(acl, .inbound, V.tcp("198.51.100.1", "10.0.1.1", 443)) == "deny *")
        #expect(Self.label(acl, .outbound, V.tcp("10.0.1.1", "198.51.100.1", 443)) == "deny *")
    }

    /// Stateless: a web subnet that allows 443 both ways still drops the reply, which goes to the
    /// client's ephemeral port; opening 1024-65535 outbound lets it out.
    @Test func repliesNeedTheEphemeralRange() {
        let inbound = [V.entry(100, .tcp, .allow, "0.0.0.0/0", PortRange(443))]
        let naive = V.acl(inbound: inbound, outbound: [V.entry(100, .tcp, .allow, "0.0.0.0/0", PortRange(443))])
        let request = V.tcp("198.51.100.1", "10.0.1.10", 443, from: 50123)
        let reply = request.reversed
        #expect(reply.source == request.destination && reply.destination == request.source)
        #expect(reply.sourcePort == 443 && reply.destinationPort == 50123)
        #expect(Self.label(naive, .inbound, request) == "allow 100")
        #expect(Self.label(naive, .outbound, reply) == "deny *")
        let fixed = V.acl(inbound: inbound, outbound: [V.entry(100, .tcp, .allow, "0.0.0.0/0", PortRange(443)),
                                                       V.entry(110, .tcp, .allow, "0.0.0.0/0", PortRange(1024, 65535))])
        #expect(Self.label(fixed, .outbound, reply) == "allow 110")
        // An ICMP echo request is answered by an echo reply, type 0.
        let ping = V.icmp("10.0.1.1", "10.0.2.2", type: 8, code: 0).reversed
        #expect(ping.icmpType == 0 && ping.source == V.ip("10.0.2.2"))
    }

    /// deniedPorts: the ports of a range the ACL denies for a packet otherwise the same, first
    /// match per port, merged.
    @Test func deniedPortsFollowsFirstMatchPerPort() {
        let reply = V.tcp("10.0.1.10", "198.51.100.1", 0, from: 443)
        // Linux clients' range only (32768-61000): NAT gateways and load balancers use 1024-65535.
        let linux = V.acl(outbound: [V.entry(100, .tcp, .allow, "0.0.0.0/0", PortRange(32768, 61000))])
        #expect(E.deniedPorts(linux, direction: .outbound, packet: reply, range: 1024...65535)
                == [PortRange(1024, 32767), PortRange(61001, 65535)])
        // A deny numbered before the allow carves a hole; numbered after, it is shadowed.
        let hole = V.acl(outbound: [V.entry(100, .tcp, .deny, "0.0.0.0/0", PortRange(2000, 2999)),
                                    V.entry(110, .tcp, .allow, "0.0.0.0/0", PortRange(1024, 65535))])
        #expect(E.deniedPorts(hole, direction: .outbound, packet: reply, range: 1024...65535) == [PortRange(2000, 2999)])
        let shadowed = V.acl(outbound: [V.entry(100, .tcp, .allow, "0.0.0.0/0", PortRange(1024, 65535)),
                                        V.entry(110, .tcp, .deny, "0.0.0.0/0", PortRange(2000, 2999))])
        #expect(E.deniedPorts(shadowed, direction: .outbound, packet: reply, range: 1024...65535) == [])
        // Adjacent denied ranges (a deny rule and the `*` rule) merge.
        let adjacent = V.acl(outbound: [V.entry(100, .tcp, .deny, "0.0.0.0/0", PortRange(1024, 1999)),
                                        V.entry(110, .tcp, .allow, "0.0.0.0/0", PortRange(3000, 65535))])
        #expect(E.deniedPorts(adjacent, direction: .outbound, packet: reply, range: 1024...65535) == [PortRange(1024, 2999)])
        // Rules for another peer or protocol do not count; protocol -1 covers every port.
        let other = V.acl(outbound: [V.entry(90, .tcp, .allow, "192.0.2.0/24", PortRange(1024, 65535)),
                                     V.entry(95, .udp, .allow, "0.0.0.0/0", PortRange(1024, 65535)),
                                     V.entry(100, .all, .allow, "198.51.100.0/24")])
        #expect(E.deniedPorts(other, direction: .outbound, packet: reply, range: 1024...65535) == [])
        #expect(E.deniedPorts(V.acl(), direction: .outbound, packet: reply, range: 1024...65535) == [PortRange(1024, 65535)])
    }

    /// deniedPorts agrees with evaluate, port by port, over the whole ephemeral range.
    @Test func deniedPortsAgreesWithEvaluate() {
        let acl = V.acl(inbound: [V.entry(50, .tcp, .deny, "203.0.113.0/24", PortRange(1024, 65535)),
                                  V.entry(100, .tcp, .deny, "0.0.0.0/0", PortRange(3000, 3999)),
                                  V.entry(110, .tcp, .allow, "0.0.0.0/0", PortRange(2000, 5000)),
                                  V.entry(120, .tcp, .deny, "198.51.100.0/24", PortRange(4000, 8000)),
                                  V.entry(130, .tcp, .allow, "0.0.0.0/0", PortRange(7000, 40000)),
                                  V.entry(140, .udp, .allow, "0.0.0.0/0")])
        let packet = V.tcp("198.51.100.7", "10.0.1.10", 0, from: 443)
        let denied = E.deniedPorts(acl, direction: .inbound, packet: packet, range: 1024...65535)
        #expect(denied == [PortRange(1024, 1999), PortRange(3000, 3999), PortRange(5001, 8000), PortRange(40001, 65535)])
        var mismatches: [UInt16] = []
        for port in UInt16(1024)...65535 {
            var p = packet
            p.destinationPort = port
            let byEvaluate = !E.evaluate(acl, direction: .inbound, packet: p).allowed
            let byRanges = denied.contains { $0.contains(port) }
            if byEvaluate != byRanges { mismatches.append(port) }
        }
        #expect(mismatches.isEmpty, "first ports where deniedPorts and evaluate disagree: \(mismatches.prefix(5))")
    }
}
