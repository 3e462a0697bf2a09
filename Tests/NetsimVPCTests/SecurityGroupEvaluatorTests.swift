import NetsimModel
import NetsimVPC
import Testing

/// SecurityGroupEvaluator against the Amazon VPC and EC2 user guides: allow-only, the union of
/// every group on the interface, rules matched by protocol (-1 = all), port range or ICMP type
/// and code, and a peer that is a CIDR, a prefix list, or the groups' members.
@Suite("Security groups")
struct SecurityGroupEvaluatorTests {
    typealias E = SecurityGroupEvaluator

    static func evaluate(_ groups: [SecurityGroup], _ direction: E.Direction, _ packet: Packet,
                         membership: SecurityGroupMembership = SecurityGroupMembership(), prefixLists: [PrefixList] = [],
                         groupVPC: @escaping (String) -> String? = { _ in nil }) -> SecurityGroupDecision {
        E.evaluate(groups, vpc: "v", direction: direction, packet: packet, membership: membership,
                   prefixLists: Dictionary(prefixLists.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }), groupVPC: groupVPC)
    }
    static func allows(_ groups: [SecurityGroup], _ direction: E.Direction, _ packet: Packet,
                       membership: SecurityGroupMembership = SecurityGroupMembership(), prefixLists: [PrefixList] = []) -> Bool {
        evaluate(groups, direction, packet, membership: membership, prefixLists: prefixLists).allowed
    }

    /// A new group has no inbound rules and one outbound rule to everything: nothing comes in,
    /// everything goes out. There are no deny rules to write.
    @Test func newGroupAdmitsNothingAndSendsEverything() {
        let g = V.group("new", egress: [V.rule(.all, .cidr(V.cidr("0.0.0.0/0")))])
        let inbound = Self.evaluate([g], .ingress, V.tcp("10.0.1.5", "10.0.2.6", 443))
        #expect(!inbound.allowed)
        #expect(inbound.rule == nil && inbound.group == nil)
        #expect(Self.allows([g], .egress, V.tcp("10.0.2.6", "93.184.216.34", 443)))
        #expect(Self.allows([g], .egress, V.udp("10.0.2.6", "8.8.8.8", 53)))
        // No outbound rule at all: no outbound traffic.
        #expect(!Self.allows([V.group("closed")], .egress, V.tcp("10.0.2.6", "93.184.216.34", 443)))
    }

    /// Several groups on one interface: a packet passes when any rule of any group matches, and
    /// the order of the groups does not change the answer.
    @Test func groupsAreAUnion() {
        let web = V.group("web", ingress: [V.rule(.tcp, PortRange(443), .cidr(V.cidr("0.0.0.0/0")))])
        let admin = V.group("admin", ingress: [V.rule(.tcp, PortRange(22), .cidr(V.cidr("192.168.1.0/24")))])
        let ssh = V.tcp("192.168.1.9", "10.0.2.6", 22), https = V.tcp("198.51.100.7", "10.0.2.6", 443)
        let strangerSSH = V.tcp("198.51.100.7", "10.0.2.6", 22)
        for groups in [[web, admin], [admin, web]] {
            let s = Self.evaluate(groups, .ingress, ssh)
            #expect(s.allowed && s.group?.name == "admin")
            let h = Self.evaluate(groups, .ingress, https)
            #expect(h.allowed && h.group?.name == "web")
            #expect(!Self.allows(groups, .ingress, strangerSSH))
        }
        // Either group alone admits only its own traffic.
        #expect(!Self.allows([web], .ingress, ssh))
        #expect(!Self.allows([admin], .ingress, https))
    }

    /// The decision names the rule that matched (its index in the group's list).
    @Test func decisionNamesTheMatchingRule() {
        let g = V.group("db", ingress: [V.rule(.tcp, PortRange(3306), .cidr(V.cidr("10.0.0.0/16"))),
                                        V.rule(.tcp, PortRange(5432), .cidr(V.cidr("10.0.0.0/16")))])
        let d = Self.evaluate([g], .ingress, V.tcp("10.0.1.5", "10.0.2.6", 5432))
        #expect(d.allowed)
        #expect(d.ruleIndex == 1)
        #expect(d.rule?.ports == PortRange(5432))
        #expect(d.groups.map(\.name) == ["db"])
    }

    /// Protocol -1 covers every protocol and every port, whatever port range is written.
    @Test func protocolAllCoversEveryProtocolAndPort() {
        let g = V.group("all", ingress: [V.rule(.all, PortRange(443), .cidr(V.cidr("10.0.0.0/8")))])
        #expect(Self.allows([g], .ingress, V.tcp("10.1.1.1", "10.0.2.6", 22)))
        #expect(Self.allows([g], .ingress, V.udp("10.1.1.1", "10.0.2.6", 53)))
        #expect(Self.allows([g], .ingress, V.icmp("10.1.1.1", "10.0.2.6", type: 8, code: 0)))
        #expect(Self.allows([g], .ingress, V.proto(47, "10.1.1.1", "10.0.2.6")))
        // The peer still has to match.
        #expect(!Self.allows([g], .ingress, V.tcp("172.16.0.1", "10.0.2.6", 22)))
    }

    /// A TCP port range is inclusive at both ends, and a TCP rule says nothing about UDP.
    @Test func portRangesAreInclusiveAndPerProtocol() {
        let g = V.group("app", ingress: [V.rule(.tcp, PortRange(8080, 8090), .cidr(V.cidr("0.0.0.0/0")))])
        let src = "203.0.113.4", dst = "10.0.2.6"
        #expect(!Self.allows([g], .ingress, V.tcp(src, dst, 8079)))
        #expect(Self.allows([g], .ingress, V.tcp(src, dst, 8080)))
        #expect(Self.allows([g], .ingress, V.tcp(src, dst, 8085)))
        #expect(Self.allows([g], .ingress, V.tcp(src, dst, 8090)))
        #expect(!Self.allows([g], .ingress, V.tcp(src, dst, 8091)))
        #expect(!Self.allows([g], .ingress, V.udp(src, dst, 8085)))
        // The range is the destination port: a packet from port 8080 to another port does not match.
        #expect(!Self.allows([g], .ingress, V.tcp(src, dst, 50000, from: 8080)))
        let dns = V.group("dns", ingress: [V.rule(.udp, PortRange(53), .cidr(V.cidr("10.0.0.0/16")))])
        #expect(Self.allows([dns], .ingress, V.udp("10.0.9.9", dst, 53)))
        #expect(!Self.allows([dns], .ingress, V.tcp("10.0.9.9", dst, 53)))
    }

    /// ICMP rules match by type and code, -1 (nil here) meaning any; an ICMP rule is not a TCP rule.
    @Test func icmpTypeAndCode() {
        let echo = V.group("echo", ingress: [V.rule(.icmp, icmp: ICMPMatch(type: 8, code: nil), .cidr(V.cidr("0.0.0.0/0")))])
        let src = "198.51.100.1", dst = "10.0.2.6"
        #expect(Self.allows([echo], .ingress, V.icmp(src, dst, type: 8, code: 0)))
        #expect(!Self.allows([echo], .ingress, V.icmp(src, dst, type: 0, code: 0)))
        #expect(!Self.allows([echo], .ingress, V.icmp(src, dst, type: 3, code: 4)))
        let pmtud = V.group("pmtud", ingress: [V.rule(.icmp, icmp: ICMPMatch(type: 3, code: 4), .cidr(V.cidr("0.0.0.0/0")))])
        #expect(Self.allows([pmtud], .ingress, V.icmp(src, dst, type: 3, code: 4)))
        #expect(!Self.allows([pmtud], .ingress, V.icmp(src, dst, type: 3, code: 1)))
        let any = V.group("icmp", ingress: [V.rule(.icmp, .cidr(V.cidr("0.0.0.0/0")))])
        #expect(Self.allows([any], .ingress, V.icmp(src, dst, type: 13, code: 0)))
        #expect(Self.allows([any], .ingress, V.icmp(src, dst, type: 3, code: 1)))
        #expect(!Self.allows([any], .ingress, V.tcp(src, dst, 80)))
        // An ICMPv6 rule does not match IPv4 ICMP.
        let v6 = V.group("v6", ingress: [V.rule(.icmpv6, .cidr(V.cidr("0.0.0.0/0")))])
        #expect(!Self.allows([v6], .ingress, V.icmp(src, dst, type: 8, code: 0)))
    }

    /// A protocol given by number matches only that protocol, on every port.
    @Test func protocolNumberMatchesOnlyThatProtocol() {
        let gre = V.group("gre", ingress: [V.rule(IPProtocol(number: 47), .cidr(V.cidr("10.0.0.0/16")))])
        #expect(Self.allows([gre], .ingress, V.proto(47, "10.0.1.1", "10.0.2.6")))
        #expect(!Self.allows([gre], .ingress, V.proto(50, "10.0.1.1", "10.0.2.6")))
        #expect(!Self.allows([gre], .ingress, V.tcp("10.0.1.1", "10.0.2.6", 47)))
        // "6" is TCP, as NACL describe output writes it.
        let six = V.group("six", ingress: [V.rule(IPProtocol(number: 6), PortRange(22), .cidr(V.cidr("10.0.0.0/16")))])
        #expect(Self.allows([six], .ingress, V.tcp("10.0.1.1", "10.0.2.6", 22)))
    }

    /// Inbound rules match the source, outbound rules the destination.
    @Test func cidrPeerIsTheSourceInboundAndTheDestinationOutbound() {
        let g = V.group("db-client", ingress: [V.rule(.tcp, PortRange(5432), .cidr(V.cidr("10.1.0.0/16")))],
                        egress: [V.rule(.tcp, PortRange(5432), .cidr(V.cidr("10.1.0.0/16")))])
        #expect(Self.allows([g], .egress, V.tcp("10.0.0.5", "10.1.2.3", 5432)))
        #expect(!Self.allows([g], .egress, V.tcp("10.0.0.5", "10.2.0.1", 5432)))
        // Destination inside the block but the source not: an inbound rule does not match.
        #expect(!Self.allows([g], .ingress, V.tcp("10.0.0.5", "10.1.2.3", 5432)))
        #expect(Self.allows([g], .ingress, V.tcp("10.1.9.9", "10.0.0.5", 5432)))
        // A /32 is one host.
        let host = V.group("host", ingress: [V.rule(.tcp, PortRange(22), .cidr(V.cidr("192.0.2.10/32")))])
        #expect(Self.allows([host], .ingress, V.tcp("192.0.2.10", "10.0.0.5", 22)))
        #expect(!Self.allows([host], .ingress, V.tcp("192.0.2.11", "10.0.0.5", 22)))
    }

    /// An IPv6 block never matches an IPv4 packet.
    @Test func ipv6PeerNeverMatchesIPv4() {
        let g = V.group("v6", ingress: [V.rule(.all, .ipv6Cidr(IPv6CIDR("::/0") ?? IPv6CIDR(network: IPv6Address(high: 0, low: 1), prefixLength: 128)))])
        #expect(!Self.allows([g], .ingress, V.tcp("10.0.1.1", "10.0.2.6", 443)))
    }

    /// A rule naming a group matches the private addresses of interfaces that carry that group,
    /// and nothing else; a group of the same name in another VPC is another group.
    @Test func groupReferenceMatchesTheMembersPrivateAddresses() {
        var members = SecurityGroupMembership()
        members.add(V.ip("10.0.1.10"), vpc: "v", groups: ["app"])
        members.add(V.ip("10.0.1.11"), vpc: "v", groups: ["app", "batch"])
        members.add(V.ip("10.0.1.20"), vpc: "other", groups: ["app"])
        let db = V.group("db", ingress: [V.rule(.tcp, PortRange(5432), .securityGroup("app"))])
        #expect(Self.allows([db], .ingress, V.tcp("10.0.1.10", "10.0.2.6", 5432), membership: members))
        #expect(Self.allows([db], .ingress, V.tcp("10.0.1.11", "10.0.2.6", 5432), membership: members))
        #expect(!Self.allows([db], .ingress, V.tcp("10.0.1.12", "10.0.2.6", 5432), membership: members))
        #expect(!Self.allows([db], .ingress, V.tcp("10.0.1.20", "10.0.2.6", 5432), membership: members))
        // Protocol and port still apply to a group peer.
        #expect(!Self.allows([db], .ingress, V.tcp("10.0.1.10", "10.0.2.6", 3306), membership: members))
        // Outbound, the destination must be the member.
        let app = V.group("caller", egress: [V.rule(.tcp, PortRange(5432), .securityGroup("batch"))])
        #expect(Self.allows([app], .egress, V.tcp("10.0.9.9", "10.0.1.11", 5432), membership: members))
        #expect(!Self.allows([app], .egress, V.tcp("10.0.1.11", "10.0.1.10", 5432), membership: members))
    }

    /// A reference to a peered VPC's group is resolved in that VPC.
    @Test func groupReferenceInAPeeredVPC() {
        var members = SecurityGroupMembership()
        members.add(V.ip("10.1.0.7"), vpc: "peer", groups: ["analytics"])
        members.add(V.ip("10.0.0.7"), vpc: "v", groups: ["analytics"])
        let db = V.group("db", ingress: [V.rule(.tcp, PortRange(5432), .securityGroup("analytics"))])
        let inPeer: (String) -> String? = { $0 == "analytics" ? "peer" : nil }
        #expect(Self.evaluate([db], .ingress, V.tcp("10.1.0.7", "10.0.2.6", 5432), membership: members, groupVPC: inPeer).allowed)
        #expect(!Self.evaluate([db], .ingress, V.tcp("10.0.0.7", "10.0.2.6", 5432), membership: members, groupVPC: inPeer).allowed)
        // Unresolved, the name is this VPC's group.
        #expect(Self.evaluate([db], .ingress, V.tcp("10.0.0.7", "10.0.2.6", 5432), membership: members).allowed)
    }

    /// A delegated /28 prefix counts as members, every address of it.
    @Test func delegatedPrefixAddressesAreMembers() {
        var members = SecurityGroupMembership()
        members.add(block: V.cidr("10.0.4.16/28"), vpc: "v", groups: ["pods"])
        #expect(members.contains(V.ip("10.0.4.16"), vpc: "v", group: "pods"))
        #expect(members.contains(V.ip("10.0.4.31"), vpc: "v", group: "pods"))
        #expect(!members.contains(V.ip("10.0.4.32"), vpc: "v", group: "pods"))
        #expect(!members.contains(V.ip("10.0.4.15"), vpc: "v", group: "pods"))
    }

    /// The default group: all traffic from its own members in, everything out.
    @Test func defaultGroupAdmitsItsOwnMembers() {
        var members = SecurityGroupMembership()
        members.add(V.ip("10.0.1.10"), vpc: "v", groups: ["default"])
        members.add(V.ip("10.0.1.11"), vpc: "v", groups: ["default"])
        let d = V.group("default", ingress: [V.rule(.all, .securityGroup("default"))], egress: [V.rule(.all, .cidr(V.cidr("0.0.0.0/0")))])
        #expect(Self.allows([d], .ingress, V.udp("10.0.1.10", "10.0.1.11", 9999), membership: members))
        #expect(!Self.allows([d], .ingress, V.udp("10.0.1.12", "10.0.1.11", 9999), membership: members))
        #expect(Self.allows([d], .egress, V.tcp("10.0.1.11", "52.94.0.1", 443), membership: members))
    }

    /// A prefix-list peer stands for each of its IPv4 entries; an unknown list matches nothing.
    @Test func prefixListPeerMatchesItsEntries() {
        let s3 = V.prefixList("s3", ["52.216.0.0/15", "3.5.0.0/19", "2600:1f00::/24"])
        let g = V.group("egress", egress: [V.rule(.tcp, PortRange(443), .prefixList("s3"))])
        #expect(Self.allows([g], .egress, V.tcp("10.0.1.5", "52.217.1.1", 443), prefixLists: [s3]))
        #expect(Self.allows([g], .egress, V.tcp("10.0.1.5", "3.5.31.255", 443), prefixLists: [s3]))
        #expect(!Self.allows([g], .egress, V.tcp("10.0.1.5", "3.5.32.0", 443), prefixLists: [s3]))
        #expect(!Self.allows([g], .egress, V.tcp("10.0.1.5", "52.217.1.1", 80), prefixLists: [s3]))
        #expect(!Self.allows([g], .egress, V.tcp("10.0.1.5", "52.217.1.1", 443), prefixLists: []))
    }

    /// `matches` alone: protocol and ports, never the peer.
    @Test func matchesIgnoresThePeer() {
        let r = V.rule(.tcp, PortRange(80), .cidr(V.cidr("192.0.2.0/24")))
        #expect(E.matches(r, packet: V.tcp("10.9.9.9", "10.0.0.1", 80)))
        #expect(!E.matches(r, packet: V.tcp("192.0.2.1", "10.0.0.1", 81)))
    }
}
