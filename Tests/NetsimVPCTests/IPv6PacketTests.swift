import NetsimModel
import NetsimVPC
import Testing

/// An IPv6 packet through the IPv4 evaluators: AWS's IPv4 rules never match IPv6 traffic, so a
/// rule for 0.0.0.0/0 (or a prefix list of IPv4 entries, or a group's IPv4 members) never lets
/// an IPv6 packet through, and an IPv4 route table has no route for it.
@Suite("IPv6 packets against IPv4 rules")
struct IPv6PacketTests {
    static func v6(_ source: String, _ destination: String, _ port: UInt16 = 443) -> Packet {
        Packet(ipProtocol: .tcp, source: IPAddress(source) ?? .ipv4(IPv4Address(0)), destination: IPAddress(destination) ?? .ipv4(IPv4Address(0)),
               sourcePort: 40000, destinationPort: port)
    }

    @Test func securityGroupIPv4RulesNeverMatchIPv6() {
        let packet = Self.v6("2001:db8::1", "2001:db8:1::6")
        #expect(packet.family == .ipv6 && packet.v4 == nil)
        var members = SecurityGroupMembership()
        members.add(V.ip("10.0.1.10"), vpc: "v", groups: ["app"])
        let g = V.group("open", ingress: [V.rule(.all, .cidr(V.cidr("0.0.0.0/0"))), V.rule(.tcp, PortRange(443), .securityGroup("app")),
                                          V.rule(.tcp, PortRange(443), .prefixList("pl"))],
                        egress: [V.rule(.all, .cidr(V.cidr("0.0.0.0/0")))])
        let pl = V.prefixList("pl", ["0.0.0.0/0"])
        #expect(!SecurityGroupEvaluatorTests.allows([g], .ingress, packet, membership: members, prefixLists: [pl]))
        #expect(!SecurityGroupEvaluatorTests.allows([g], .egress, packet))
        // The same packet over IPv4 is allowed: the rules themselves are open.
        #expect(SecurityGroupEvaluatorTests.allows([g], .ingress, V.tcp("10.0.1.5", "10.0.2.6", 443)))
        // An IPv6 rule does match it (and never an IPv4 packet).
        let v6 = V.group("v6", ingress: [V.rule(.all, .ipv6Cidr(IPv6CIDR("::/0") ?? IPv6CIDR(network: IPv6Address(high: 0, low: 0), prefixLength: 128)))])
        #expect(SecurityGroupEvaluatorTests.allows([v6], .ingress, packet))
        #expect(!SecurityGroupEvaluatorTests.allows([v6], .ingress, V.tcp("10.0.1.5", "10.0.2.6", 443)))
    }

    @Test func networkACLIPv4EntriesNeverMatchIPv6() {
        let acl = V.acl(inbound: [V.entry(100, .all, .allow, "0.0.0.0/0")], outbound: [V.entry(100, .all, .allow, "0.0.0.0/0")])
        let packet = Self.v6("2001:db8::1", "2001:db8:1::6")
        #expect(NetworkACLEvaluatorTests.label(acl, .inbound, packet) == "deny *")
        #expect(NetworkACLEvaluatorTests.label(acl, .outbound, packet) == "deny *")
        #expect(NetworkACLEvaluator.deniedPorts(acl, direction: .inbound, packet: packet, range: 0...65535) == [PortRange(0, 65535)])
        // An IPv6 entry matches it.
        let v6 = V.acl(inbound: [V.entry(90, .all, .allow, "::/0"), V.entry(100, .all, .deny, "0.0.0.0/0")])
        #expect(NetworkACLEvaluatorTests.label(v6, .inbound, packet) == "allow 90")
        // An IPv4-mapped IPv6 address is IPv6: 10.0.1.1's rule does not match ::ffff:10.0.1.1.
        let mapped = Self.v6("::ffff:10.0.1.1", "::ffff:10.0.2.2")
        #expect(mapped.family == .ipv6)
        let one = V.acl(inbound: [V.entry(100, .all, .allow, "10.0.1.1/32")])
        #expect(NetworkACLEvaluatorTests.label(one, .inbound, mapped) == "deny *")
    }

    @Test func routeTableHasNoRouteForIPv6() {
        let t = V.table([V.route("0.0.0.0/0", .internetGateway("igw"))])
        #expect(t.lookup(IPAddress.ipv4(V.ip("8.8.8.8"))) != nil)
        #expect(t.lookup(IPAddress("2001:db8::1") ?? .ipv4(V.ip("8.8.8.8"))) == nil)
        #expect(t.lookup(IPAddress("::ffff:10.0.5.5") ?? .ipv4(V.ip("10.0.5.5"))) == nil)
    }

    /// The packet's text: IPv4 as before, IPv6 in RFC 5952 form, in brackets before a port
    /// (RFC 5952 §6: `2001:db8::6:443` would read as one address); the reply swaps both.
    @Test func packetText() {
        #expect(V.tcp("10.0.1.5", "10.0.2.6", 443, from: 40000).description == "tcp 10.0.1.5:40000 → 10.0.2.6:443")
        #expect(V.icmp("10.0.1.5", "10.0.2.6", type: 8, code: 0).description == "icmp 10.0.1.5 → 10.0.2.6 type 8 code 0")
        let p = Self.v6("2001:DB8:0:0:1:0:0:1", "2001:db8::6")
        #expect(p.description == "tcp [2001:db8::1:0:0:1]:40000 → [2001:db8::6]:443")
        #expect(p.reversed.reversed == p && p.reversed.source == p.destination)
        // Text round-trip of the addresses.
        #expect(IPAddress(p.source.description) == p.source && IPAddress(p.destination.description) == p.destination)
        #expect(IPAddress(V.tcp("10.0.1.5", "10.0.2.6", 443).source.description) == .ipv4(V.ip("10.0.1.5")))
    }
}
