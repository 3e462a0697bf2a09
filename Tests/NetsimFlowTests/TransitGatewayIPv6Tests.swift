import Foundation
import NetsimFlow
import NetsimModel
import NetsimRender
import NetsimTestSupport
import NetsimTopology
import Testing

/// IPv6 through a transit gateway and the network ACLs of its attachment subnets.
/// AWS: EC2 API `CreateTransitGatewayVpcAttachmentRequestOptions.Ipv6Support` (default disable;
/// enabled, the transit gateway's interfaces get IPv6 addresses and the VPC's IPv6 blocks
/// propagate; disabled, neither); IPv6 on AWS whitepaper, "IPv6 connectivity with Transit
/// Gateway" (the attachment's interfaces need IPv6 addresses to carry IPv6); Transit Gateway
/// guide, "Network ACLs for transit gateways" (which subnet's rules judge what, and the
/// same-subnet exception).
@Suite("transit gateway: IPv6 and attachment-subnet ACLs")
struct TransitGatewayIPv6Tests {
    static let app6 = "ip:2600:1f18:aaaa:a100::10", db6 = "ip:2600:1f18:bbbb:b200::10", db6InTGWSubnet = "ip:2600:1f18:bbbb:b2ff::10"

    static func load(_ edits: [(String, String)] = []) -> LoadResult {
        var text = (try? String(contentsOf: Lab.root.appendingPathComponent("Tests/NetsimFlowTests/Fixtures/tgw-ipv6.yaml"), encoding: .utf8)) ?? ""
        for (a, b) in edits { #expect(text.contains(a), "\(a)"); text = text.replacingOccurrences(of: a, with: b) }
        return TopologyLoader(catalog: .builtin).load(text: text, file: "tgw-ipv6.yaml")
    }

    static func network(_ edits: [(String, String)] = []) throws -> Network {
        let r = load(edits)
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        return Network(topology: t, catalog: .builtin)
    }

    static func steps(_ t: Trace) -> [String] { t.forward.hops.flatMap(\.steps).map(\.sentence) + (t.reply?.hops.flatMap(\.steps).map(\.sentence) ?? []) }

    static let bOff = ("subnets: [tgw-b], ipv6Support: true", "subnets: [tgw-b]")
    static let aOff = ("subnets: [tgw-a], ipv6Support: true", "subnets: [tgw-a]")

    /// The fixture loads clean and both families cross: IPv4 by the propagated IPv4 blocks,
    /// IPv6 by the propagated IPv6 blocks (IPv6 support on both attachments); the reply comes
    /// back the same way.
    @Test func ipv6CrossesTheTransitGateway() throws {
        let r = Self.load()
        #expect(!r.diagnostics.contains { $0.severity != .note }, "\(r.diagnostics.map(\.formatted))")
        let n = try Self.network()
        let v4 = try Lab.trace(n, "ip:10.1.0.10", "ip:10.2.0.10", port: 5432)
        #expect(v4.disposition == .delivered, "\(Self.steps(v4))")
        let t = try Lab.trace(n, Self.app6, Self.db6, port: 5432)
        #expect(t.disposition == .delivered, "\(t.explanations.map(\.message)) \(Self.steps(t))")
        #expect(t.packet.family == .ipv6)
        let s = Self.steps(t)
        #expect(s.contains { $0.hasPrefix("route table main (associated with a): 2600:1f18:bbbb:b200::/56 → attachment b (vpc spoke-b), propagated") }, "\(s)")
        #expect(s.contains { $0.hasPrefix("route table main (associated with b): 2600:1f18:aaaa:a100::/56 → attachment a (vpc spoke-a), propagated") }, "\(s)")
        #expect(t.reply?.end == .delivered)
        // The IPv4 and IPv6 routes of one table are looked up apart: an IPv6 address never
        // matches an IPv4 route and the other way round.
        let tgw = try #require(n.fabric.topology.transitGateways.first)
        let table = try #require(n.fabric.transitGatewayTable("hub", "main"))
        #expect(table.lookup(try #require(IPAddress("2600:1f18:bbbb:b200::10")))?.attachment == "b")
        #expect(table.lookup(try #require(IPAddress("2600:1f18:cccc::1"))) == nil)
        #expect(table.lookup(try #require(IPAddress("10.2.3.4")))?.destination == .ipv4(try #require(IPv4CIDR("10.2.0.0/16"))))
        for a in ["10.2.0.10", "10.1.9.3", "2600:1f18:bbbb:b2ff::1", "2600:1f18:aaaa:a100::1", "2600:1f18:cccc::1"] {
            let ip = try #require(IPAddress(a))
            #expect(table.lookup(ip)?.destination == table.linearLookup(ip)?.destination)
        }
        #expect(tgw.attachment(named: "a")?.ipv6Support == true)
    }

    /// IPv6 support off on the destination's attachment: its IPv6 block does not propagate, so
    /// the table has no route (IPv4 still crosses). A static IPv6 route to it is accepted with
    /// a warning, and the packet stops at the attachment: its interfaces have no IPv6 address.
    @Test func ipv6SupportOffCarriesNoIPv6() throws {
        let n = try Self.network([Self.bOff])
        #expect(try Lab.trace(n, "ip:10.1.0.10", "ip:10.2.0.10", port: 5432).disposition == .delivered)
        let t = try Lab.trace(n, Self.app6, Self.db6, port: 5432)
        #expect(t.disposition == .noRoute)
        #expect(t.explanations.first?.code.rawValue == "TGW_RTB_CANNOT_ROUTE", "\(t.explanations.map(\.message))")
        let edits = [Self.bOff, ("#ROUTES", "routes: [{destination: \"2600:1f18:bbbb:b200::/56\", attachment: b}]")]
        let r = Self.load(edits)
        let w = try #require(r.diagnostics.first { $0.code == .tgwIPv6Route })
        #expect(w.severity == .warning && w.message.contains("IPv6 support off") && !w.hint.isEmpty && w.location.line == 81, "\(w.formatted)")
        let s = try Lab.trace(try Self.network(edits), Self.app6, Self.db6, port: 5432)
        #expect(s.disposition == .noRoute)
        let e = try #require(s.explanations.first)
        #expect(e.code.rawValue == "TGW_ATTACH_NO_IPV6" && e.message.contains("IPv6 support off") && e.message.contains("ipv6Support: true"), "\(e.message)")
        // Off on the sender's attachment: the packet cannot enter the transit gateway.
        let a = try Lab.trace(try Self.network([Self.aOff]), Self.app6, Self.db6, port: 5432)
        #expect(a.disposition == .noRoute && a.explanations.first?.code.rawValue == "TGW_ATTACH_NO_IPV6", "\(a.explanations.map(\.message))")
    }

    /// Static IPv6 routes: the longest prefix of the family wins, so a /64 blackhole beats
    /// the propagated /56 (and its IPv4 twin is untouched); a prefix list's IPv6 entry is a
    /// route too.
    @Test func ipv6StaticBlackholeAndPrefixList() throws {
        let bh = try Self.network([("#ROUTES", "routes: [{destination: \"2600:1f18:bbbb:b200::/64\", blackhole: true}]")])
        let t = try Lab.trace(bh, Self.app6, Self.db6, port: 5432)
        #expect(t.disposition == .nullRouted)
        #expect(t.explanations.first?.code.rawValue == "TGW_RTB_BAD_STATE_ROUTE" && t.explanations.first?.message.contains("2600:1f18:bbbb:b200::/64") == true,
                "\(t.explanations.map(\.message))")
        #expect(try Lab.trace(bh, Self.app6, Self.db6InTGWSubnet, port: 5432).disposition == .delivered)
        #expect(try Lab.trace(bh, "ip:10.1.0.10", "ip:10.2.0.10", port: 5432).disposition == .delivered)
        // b propagates nothing; the prefix list's IPv6 entry routes to it.
        let pl = try Self.network([("propagations: [a, b]", "propagations: [a]"), ("#ROUTES", "routes: [{prefixList: spoke-b-v6, attachment: b}]")])
        let p = try Lab.trace(pl, Self.app6, Self.db6, port: 5432)
        #expect(p.disposition == .delivered, "\(p.explanations.map(\.message))")
        #expect(Self.steps(p).contains { $0.contains("2600:1f18:bbbb:b200::/60 → attachment b (vpc spoke-b), static from prefix list spoke-b-v6") }, "\(Self.steps(p))")
    }

    /// An IPv6 route to a VPN attachment: netsim's external networks have no IPv6 side, so the
    /// trace ends NOT_MODELLED (IPV6_NOT_MODELLED) rather than guessing; `check` warns of the
    /// route (NS1414). IPv4 to the same network leaves through the VPN as before.
    @Test func ipv6ToAVPNAttachmentIsNotModelled() throws {
        let edits: [(String, String)] = [
            ("transitGateways:", "externals:\n  - {name: dc, cidr: 192.168.0.0/16, via: hub}\ntransitGateways:"),
            ("      - {name: b, vpc: spoke-b, subnets: [tgw-b], ipv6Support: true}",
             "      - {name: b, vpc: spoke-b, subnets: [tgw-b], ipv6Support: true}\n      - {name: dc-vpn, vpn: dc}"),
            ("associations: [a, b]", "associations: [a, b, dc-vpn]"),
            ("propagations: [a, b]", "propagations: [a, b, dc-vpn]"),
            ("#ROUTES", "routes: [{destination: \"2600:1f18:dddd::/48\", attachment: dc-vpn}]"),
            ("        - {destination: \"2600:1f18:bbbb:b200::/56\", target: hub}\n  networkAcls:",
             "        - {destination: \"2600:1f18:bbbb:b200::/56\", target: hub}\n        - {destination: 192.168.0.0/16, target: hub}\n        - {destination: \"2600:1f18:dddd::/48\", target: hub}\n  networkAcls:"),
        ]
        #expect(Self.load(edits).diagnostics.contains { $0.code == .tgwIPv6Route && $0.message.contains("NOT_MODELLED") })
        let n = try Self.network(edits)
        let t = try Lab.trace(n, Self.app6, "ip:2600:1f18:dddd::5", port: 443)
        #expect(t.disposition == .notModelled, "\(t.explanations.map(\.message)) \(Self.steps(t))")
        #expect(t.forward.hops.flatMap(\.steps).contains { if case .ipv6NotModelled = $0.detail { return true }; return false })
        let v4 = try Lab.trace(n, "ip:10.1.0.10", "ip:192.168.1.5", port: 443)
        #expect(v4.forward.end == .exitsNetwork, "\(Self.steps(v4))")
    }

    /// describe prints the IPv6 routes and the attachments' IPv6 support.
    @Test func describePrintsIPv6Routes() throws {
        let n = try Self.network()
        guard case .success(let d) = Description.describe("transit-gateway:hub", in: n) else { Issue.record("not described"); return }
        let text = DescribeRenderer.render(d, as: .text)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("2600:1f18:bbbb:b200::/56") && $0.contains("propagated") && $0.contains("active") }, "\(text)")
        #expect(lines.contains { $0.contains("spoke-a") && $0.contains("IPv6 support") }, "\(text)")
        // IPv4 routes first, then IPv6.
        let v4 = lines.firstIndex { $0.contains("10.2.0.0/16") } ?? -1, v6 = lines.firstIndex { $0.contains("2600:1f18:aaaa:a100::/56") } ?? -1
        #expect(v4 >= 0 && v6 > v4, "\(text)")
        let json = DescribeRenderer.render(d, as: .json)
        #expect(json.contains("\"2600:1f18:bbbb:b200::/56\"") && json.contains("\"ipv6Support\""))
    }

    // MARK: network ACLs of the attachment subnets

    /// Traffic from a VPC's resources to the transit gateway: the attachment subnet's inbound
    /// rules judge it by its source (tgw-a denies app-a here).
    @Test func attachmentSubnetInboundJudgesWhatEntersTheTransitGateway() throws {
        let n = try Self.network([("#ACL-A-IN", "- {rule: 100, protocol: all, cidr: 10.1.0.0/24, action: deny}")])
        let t = try Lab.trace(n, "ip:10.1.0.10", "ip:10.2.0.10", port: 5432)
        #expect(t.disposition == .deniedIn, "\(Self.steps(t))")
        let e = try #require(t.explanations.first)
        #expect(e.code.rawValue == "SUBNET_ACL_RESTRICTION" && e.message.contains("tgw-a") && e.message.contains("rule 100"), "\(e.message)")
        // IPv6 from the same host is not matched by the IPv4 rule.
        #expect(try Lab.trace(n, Self.app6, Self.db6, port: 5432).disposition == .delivered)
    }

    /// Traffic from the transit gateway into a VPC: the attachment subnet's outbound rules
    /// judge it by its destination (tgw-b denies db-b here), then the destination subnet's
    /// inbound rules; the reply is judged the same way in the other VPC (ephemeral ports).
    @Test func attachmentSubnetOutboundJudgesWhatLeavesTheTransitGateway() throws {
        let n = try Self.network([("#ACL-B-OUT", "- {rule: 100, protocol: tcp, ports: 5432, cidr: 10.2.0.0/24, action: deny}")])
        let t = try Lab.trace(n, "ip:10.1.0.10", "ip:10.2.0.10", port: 5432)
        #expect(t.disposition == .deniedOut, "\(Self.steps(t))")
        #expect(t.explanations.first?.message.contains("tgw-b") == true, "\(t.explanations.map(\.message))")
        // The reply into spoke-a leaves the transit gateway through tgw-a: its outbound rules
        // must let the ephemeral ports to app-a out.
        let r = try Self.network([("#ACL-A-OUT", "- {rule: 100, protocol: tcp, ports: 1024-65535, cidr: 10.1.0.0/24, action: deny}")])
        let rt = try Lab.trace(r, "ip:10.1.0.10", "ip:10.2.0.10", port: 5432)
        #expect(rt.forward.end == .delivered && rt.disposition != .delivered, "\(Self.steps(rt))")
        #expect(rt.explanations.contains { $0.direction == .reply && $0.message.contains("tgw-a") }, "\(rt.explanations.map(\.message))")
    }

    /// A destination in the attachment subnet itself: the transit gateway's traffic to it is
    /// judged by no rule of that subnet's ACL (here one that denies every inbound packet: the
    /// forward walk is clean); its reply to the transit gateway is judged by the inbound rules
    /// of the same ACL, by source: denied.
    @Test func sameSubnetAsTheAttachment() throws {
        let n = try Self.network([("#ACL-B-IN", "- {rule: 100, protocol: all, cidr: 0.0.0.0/0, action: deny}")])
        let t = try Lab.trace(n, "ip:10.1.0.10", "ip:10.2.9.10", port: 5432)
        #expect(t.forward.end == .delivered && !t.explanations.contains { $0.direction == .forward }, "\(Self.steps(t))")
        #expect(!t.forward.hops.contains { if case .subnet(let s) = $0.place { return s.name == "tgw-b" }; return false }, "\(t.forward.hops.map(\.place.description))")
        #expect(t.disposition != .delivered)
        #expect(t.explanations.contains { $0.direction == .reply && $0.code.rawValue == "SUBNET_ACL_RESTRICTION" && $0.message.contains("tgw-b") }, "\(t.explanations.map(\.message))")
        // A destination in another subnet: the forward packet is judged by tgw-b's outbound
        // rules (allow) and db-b's inbound rules (default allow); the reply to the transit
        // gateway meets tgw-b's inbound deny all the same.
        let other = try Lab.trace(n, "ip:10.1.0.10", "ip:10.2.0.10", port: 5432)
        #expect(!other.explanations.contains { $0.direction == .forward } && other.explanations.contains { $0.direction == .reply && $0.message.contains("tgw-b") },
                "\(other.explanations.map(\.message))")
        // With tgw-b allowing all again, both are delivered.
        #expect(try Lab.trace(try Self.network(), "ip:10.1.0.10", "ip:10.2.9.10", port: 5432).disposition == .delivered)
    }

    // MARK: IPv6 through VPC peering

    /// A peering connection carries IPv6 when both VPCs have IPv6 blocks and the route tables
    /// send the peer's IPv6 block to it (IPv6 on AWS whitepaper, "VPC peering": the peering is
    /// protocol agnostic, the route tables decide); an IPv6 address outside the peer's blocks
    /// is not carried (peering is not transitive).
    @Test func ipv6OverPeering() throws {
        let edits: [(String, String)] = [
            ("        - {destination: 10.2.0.0/16, target: hub}\n        - {destination: \"2600:1f18:bbbb:b200::/56\", target: hub}",
             "        - {destination: 10.2.0.0/16, target: pcx}\n        - {destination: \"2600:1f18:bbbb:b200::/56\", target: pcx}\n        - {destination: \"2600:1f18:cccc::/48\", target: pcx}"),
            ("          - {destination: 10.1.0.0/16, target: hub}\n          - {destination: \"2600:1f18:aaaa:a100::/56\", target: hub}",
             "          - {destination: 10.1.0.0/16, target: pcx}\n          - {destination: \"2600:1f18:aaaa:a100::/56\", target: pcx}"),
            ("transitGateways:", "peeringConnections:\n  - {name: pcx, requesterVpc: spoke-a, accepterVpc: spoke-b}\ntransitGateways:"),
        ]
        let n = try Self.network(edits)
        let t = try Lab.trace(n, Self.app6, Self.db6, port: 5432)
        #expect(t.disposition == .delivered, "\(t.explanations.map(\.message)) \(Self.steps(t))")
        #expect(t.forward.hops.contains { if case .peering = $0.place { return true }; return false })
        #expect(t.reply?.end == .delivered)
        let out = try Lab.trace(n, Self.app6, "ip:2600:1f18:cccc::5", port: 443)
        #expect(out.disposition == .noRoute && out.explanations.first?.code.rawValue == "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", "\(out.explanations.map(\.message))")
        #expect(out.explanations.first?.message.contains("2600:1f18:bbbb:b200::/56") == true, "\(out.explanations.map(\.message))")
    }
}
