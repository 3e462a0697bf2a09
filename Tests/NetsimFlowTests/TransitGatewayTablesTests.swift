import Foundation
import NetsimFlow
import NetsimModel
import NetsimRender
import NetsimTopology
import Testing

/// Transit gateway route tables as AWS builds them (Transit Gateway guide, "How transit gateways
/// work"): associations, propagations, route evaluation order, blackholes, prefix lists,
/// appliance mode and the asymmetric drop, on the shipped hub-and-spoke topology.
@Suite("transit gateway route tables")
struct TransitGatewayTablesTests {
    static let path = "Topologies/transit-gateway-onprem.yaml"

    /// The shipped topology with textual edits, loaded from the Topologies folder (its manifests).
    static func network(_ edits: [(String, String)] = []) throws -> Network {
        var text = try String(contentsOf: Lab.root.appendingPathComponent(path), encoding: .utf8)
        for (a, b) in edits { #expect(text.contains(a), "\(a)"); text = text.replacingOccurrences(of: a, with: b) }
        let dir = Lab.root.appendingPathComponent("Topologies")
        let file = dir.appendingPathComponent(".tgw-test-\(UUID().uuidString).yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let r = TopologyLoader(catalog: .builtin).load(path: file.path)
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        return Network(topology: t, catalog: .builtin)
    }

    static func steps(_ t: Trace) -> [String] { t.forward.hops.flatMap(\.steps).map(\.sentence) + (t.reply?.hops.flatMap(\.steps).map(\.sentence) ?? []) }

    /// Every intent of the shipped topology holds.
    @Test func shippedIntentsHold() throws {
        let n = try Self.network()
        for r in n.evaluate(n.fabric.topology.expectations) {
            #expect(r.status == .passed, "\(r.intent.name): \(r.summary)")
        }
    }

    /// Portal (zone a) to the reporting database (zone b): through the inspection table and
    /// firewall, in one zone both ways (appliance mode), the routes named with their tables.
    @Test func hubAndSpokeWithApplianceMode() throws {
        let n = try Self.network()
        let t = try Lab.trace(n, "external:portal-web-a", "external:reporting-db", port: 5432)
        #expect(t.disposition == .delivered, "\(Self.steps(t))")
        let s = Self.steps(t)
        #expect(s.contains { $0.hasPrefix("route table spokes (associated with portal): 10.0.0.0/8 → attachment inspection (vpc inspection), static") }, "\(s)")
        #expect(s.contains { $0.hasPrefix("route table inspection (associated with inspection): 10.60.0.0/16 → attachment claims (vpc claims), propagated") }, "\(s)")
        #expect(s.contains { $0.contains("appliance mode: the transit gateway keeps the flow's zone") })
        // The reply crosses the same firewall: a tracked connection, no drop.
        let replyPlaces = t.reply?.hops.map(\.place.description) ?? []
        #expect(replyPlaces.contains { $0.contains("firewall-a-eni") } && !replyPlaces.contains { $0.contains("firewall-b-eni") }, "\(replyPlaces)")
        // Both zones of the inspection VPC route differently: each is traced, they agree.
        #expect(t.caveats.isEmpty && t.notes.contains { $0.description.contains("they agree") }, "\(t.notes)")
    }

    /// Without appliance mode the reply from zone b enters the inspection VPC in zone b and
    /// meets firewall-b, which never saw the SYN: the asymmetric drop, with the block.
    @Test func withoutApplianceModeTheReplyIsDropped() throws {
        let n = try Self.network([("subnets: [insp-tgw-a, insp-tgw-b], applianceMode: true", "subnets: [insp-tgw-a, insp-tgw-b], applianceMode: false")])
        let t = try Lab.trace(n, "external:portal-web-a", "external:reporting-db", port: 5432)
        #expect(t.disposition != .delivered)
        #expect(t.reply?.end == .deniedIn)
        let e = try #require(t.explanations.first { $0.code == .asymmetricRoute }, "\(t.explanations.map(\.message))")
        #expect(e.message.contains("firewall-b-eni") && e.message.contains("ap-southeast-2b") && e.message.contains("appliance mode"))
        let results = n.evaluate(n.fabric.topology.expectations)
        let failed = results.filter { $0.status == .failed }.map { $0.intent.name }
        #expect(failed == ["portal reaches the reporting database across zones"], "\(failed)")
        // A reply from on-premises enters the inspection VPC by a zone AWS does not say: netsim
        // traces both; one meets the other zone's firewall, so the verdict is not certain.
        let mq = try Lab.trace(n, "deployment:claims/claims-worker", "external:mq-gateway", port: 1414)
        #expect(mq.caveats.contains { $0.kind.rawValue == "TRANSIT_GATEWAY_ZONE" && $0.affectsVerdict }, "\(mq.caveats.map(\.message))")
        // Same zone both ways: no asymmetry, delivered.
        let same = try Lab.trace(n, "external:portal-web-b", "external:reporting-db", port: 5432)
        #expect(same.disposition == .delivered)
    }

    /// An attachment associated with no table: what enters by it is dropped.
    @Test func unassociatedAttachmentDrops() throws {
        let n = try Self.network([("associations: [claims, portal, datacenter-dx]", "associations: [claims, datacenter-dx]")])
        let t = try Lab.trace(n, "external:portal-web-a", "external:reporting-db", port: 5432)
        #expect(t.forward.end == .noRoute)
        #expect(t.explanations.first?.code.rawValue == "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION")
        #expect(t.explanations.first?.message.contains("attachment portal") == true)
    }

    /// The blackhole beats the broader static route (longest prefix first).
    @Test func blackholeIsMoreSpecific() throws {
        let n = try Self.network()
        let t = try Lab.trace(n, "external:portal-web-a", "ip:192.168.200.5", port: 443)
        #expect(t.forward.end == .nullRouted)
        #expect(t.explanations.first?.code.rawValue == "TGW_RTB_BAD_STATE_ROUTE")
        #expect(Self.steps(t).contains { $0.contains("192.168.200.0/24 → blackhole, static") })
    }

    /// A destination the entry attachment's table has no route for: the table is named.
    @Test func noRouteNamesTheTable() throws {
        let n = try Self.network([("          - {destination: 10.0.0.0/8,     attachment: inspection}\n", "")])
        let t = try Lab.trace(n, "external:portal-web-a", "external:reporting-db", port: 5432)
        #expect(t.forward.end == .noRoute)
        #expect(t.explanations.first?.code.rawValue == "TGW_RTB_CANNOT_ROUTE")
        #expect(t.explanations.first?.message.contains("route table spokes") == true)
    }

    /// On-premises enters by its Direct Connect attachment, whose table (spokes) routes it
    /// through inspection by the prefix-list and static routes; the reply goes out by it.
    @Test func onPremisesEntersByItsAttachment() throws {
        let n = try Self.network()
        let t = try Lab.trace(n, "deployment:claims/claims-worker", "external:mq-gateway", port: 1414)
        #expect(t.disposition == .exitsNetwork || t.disposition == .delivered, "\(Self.steps(t))")
        #expect(Self.steps(t).contains { $0.contains("192.168.0.0/16 → attachment inspection (vpc inspection), static from prefix list datacenter-ranges") }, "\(Self.steps(t))")
        #expect(Self.steps(t).contains { $0.contains("192.168.0.0/16 → attachment datacenter-dx (direct-connect-gateway datacenter), propagated") }, "\(Self.steps(t))")
    }

    /// The model's route priority: longest prefix, then static > prefix list > VPC propagated >
    /// Direct Connect propagated > VPN propagated (AWS route evaluation order).
    @Test func routeEvaluationOrder() throws {
        let loc = SourceLocation(file: "t", line: 1, column: 1)
        let c = try #require(IPv4CIDR("10.1.0.0/16"))
        let vpcs = [VPC(name: "v", id: "vpc-1", cidrBlocks: [c], location: loc)]
        let externals = [External(name: "dc", address: .network(c), location: loc), External(name: "vpn", address: .network(c), location: loc)]
        let lists = [PrefixList(name: "pl", id: "pl-1", entries: [.v4(c)], maxEntries: 5, location: loc)]
        var tgw = TransitGateway(name: "t", id: "tgw-1", vpcAttachments: ["v"], routes: [], location: loc)
        tgw.isLegacy = false
        tgw.attachments = [.init(name: "vpn", id: "a1", kind: .vpn, resource: "vpn", location: loc),
                           .init(name: "dx", id: "a2", kind: .directConnectGateway, resource: "dc", location: loc),
                           .init(name: "v", id: "a3", kind: .vpc, resource: "v", location: loc)]
        func best(_ routes: [TransitGateway.StaticRoute]) -> TransitGatewayRoute? {
            let table = TransitGateway.RouteTable(name: "r", id: "rtb", propagations: ["vpn", "dx", "v"], routes: routes, location: loc)
            return tgw.effectiveRoutes(of: table, vpcs: vpcs, externals: externals, prefixLists: lists).first { $0.destination == .ipv4(c) }
        }
        #expect(best([])?.attachment == "v" && best([])?.origin == .vpcPropagated)
        #expect(best([])?.overrides.map(\.origin) == [.vpnPropagated, .directConnectPropagated])
        #expect(best([.init(destination: nil, prefixList: "pl", target: .attachment("vpn"), location: loc)])?.origin == .prefixList)
        let st = best([.init(destination: nil, prefixList: "pl", target: .attachment("vpn"), location: loc),
                       .init(destination: c, target: .blackhole, location: loc)])
        #expect(st?.origin == .staticRoute && st?.isBlackhole == true && st?.overrides.count == 4)
        // Without the VPC, Direct Connect beats VPN.
        let noVPC = TransitGateway.RouteTable(name: "r", id: "rtb", propagations: ["vpn", "dx"], location: loc)
        #expect(tgw.effectiveRoutes(of: noVPC, vpcs: vpcs, externals: externals, prefixLists: lists).first?.attachment == "dx")
        // Longest prefix first in the compiled lookup, and the linear scan agrees.
        let narrow = try #require(IPv4CIDR("10.1.2.0/24"))
        let table = TransitGateway.RouteTable(name: "r", id: "rtb", propagations: ["v"], routes: [.init(destination: narrow, target: .attachment("dx"), location: loc)], location: loc)
        let routes = tgw.effectiveRoutes(of: table, vpcs: vpcs, externals: externals, prefixLists: lists)
        #expect(routes.map(\.destination) == [.ipv4(narrow), .ipv4(c)])
    }

    /// What the Direct Connect attachment's table holds, as advertised to on-premises.
    @Test func advertisedRoutesToOnPremises() throws {
        let n = try Self.network()
        let t = n.fabric.topology
        let tgw = try #require(t.transitGateways.first)
        // A Direct Connect gateway advertises its allowed prefixes only, not the table's routes
        // (the table also holds 192.168.0.0/16 and the blackhole; Direct Connect User Guide,
        // "Allowed prefixes interactions").
        let adv = tgw.advertisedRoutes(to: "datacenter-dx", vpcs: t.vpcs, externals: t.externals, prefixLists: t.prefixLists)
        #expect(adv?.map(\.description) == ["10.0.0.0/8"], "\(adv ?? [])")
        // A VPN attachment in its place advertises its associated table's active routes,
        // except those back to itself.
        var vpn = tgw
        vpn.attachments = vpn.attachments.map { var a = $0; if a.name == "datacenter-dx" { a.kind = .vpn; a.allowedPrefixes = [] }; return a }
        let viaVPN = vpn.advertisedRoutes(to: "datacenter-dx", vpcs: t.vpcs, externals: t.externals, prefixLists: t.prefixLists)
        #expect(viaVPN?.map(\.description) == ["192.168.0.0/16", "10.0.0.0/8"], "\(viaVPN ?? [])")
        #expect(tgw.advertisedRoutes(to: "claims", vpcs: t.vpcs, externals: t.externals, prefixLists: t.prefixLists) == nil)
        // By external name: mq-gateway is inside the data centre's block, so its attachment.
        #expect(tgw.advertisedRoutes(toExternal: "mq-gateway", vpcs: t.vpcs, externals: t.externals, prefixLists: t.prefixLists) == adv)
        // The single-table form advertises the routes to its VPCs.
        let legacy = try TransitGatewayTests.network(subnets: [TransitGatewayTests.publicA, TransitGatewayTests.publicB, TransitGatewayTests.attachA, TransitGatewayTests.attachB])
        let lt = legacy.fabric.topology
        let l = try #require(lt.transitGateways.first)
        #expect(l.advertisedRoutes(toExternal: "anything", vpcs: lt.vpcs, externals: lt.externals, prefixLists: lt.prefixLists)?.map(\.description) == ["10.10.0.0/16", "0.0.0.0/0"])
    }

    /// What on-premises routes back is the Direct Connect gateway's allowed prefixes: with only
    /// the portal's block allowed, the data centre has no route to the claims VPC, so its flow
    /// to the claims API is blocked (AWS would deliver nothing either: on-premises never learns
    /// 10.60.0.0/16).
    @Test func allowedPrefixesDecideTheReturnRoutes() throws {
        let n = try Self.network([("allowedPrefixes: [10.0.0.0/8]", "allowedPrefixes: [10.70.0.0/16]")])
        let e = try #require(n.fabric.topology.externals.first { $0.name == "datacenter" })
        #expect(n.fabric.topology.returnRoutes(of: e)?.routes.map(\.description) == ["10.70.0.0/16"])
        let t = try Lab.trace(n, "external:datacenter", "service:claims/claims-api", port: 443)
        #expect(t.disposition != .delivered, "\(Self.steps(t))")
        let ok = try Lab.trace(try Self.network(), "external:datacenter", "service:claims/claims-api", port: 443)
        #expect(ok.disposition == .delivered, "\(Self.steps(ok))")
    }

    /// A flow to a host declared inside the data centre's block (mq-gateway, via the same
    /// transit gateway) leaves by the Direct Connect attachment to that host, not to the data
    /// centre as a whole: the host's own firewall judges it (before, the flow exited to
    /// `datacenter`, whose absent firewall let port 1414 through a firewall allowing only 22).
    @Test func exitReachesTheMostSpecificExternal() throws {
        let plain = try Lab.trace(try Self.network(), "deployment:claims/claims-worker", "external:mq-gateway", port: 1414)
        #expect(plain.disposition == .exitsNetwork)
        #expect(plain.forward.hops.last?.steps.contains { $0.sentence.contains("external network mq-gateway") } == true, "\(Self.steps(plain))")
        let guarded = try Self.network([("    ports: [{name: mq, port: 1414}]\n", "    ports: [{name: mq, port: 1414}]\n    firewall:\n      inbound:\n        - {action: allow, protocol: tcp, ports: 22, cidr: 10.0.0.0/8}\n")])
        let denied = try Lab.trace(guarded, "deployment:claims/claims-worker", "external:mq-gateway", port: 1414)
        #expect(denied.disposition != .exitsNetwork && denied.explanations.contains { $0.code == .externalFirewallDenied }, "\(Self.steps(denied))")
        let ssh = try Lab.trace(guarded, "deployment:claims/claims-worker", "external:mq-gateway", port: 22)
        #expect(ssh.disposition == .exitsNetwork, "\(Self.steps(ssh))")
    }

    /// The legacy form is one default table with every attachment; its traces read as before.
    @Test func legacyFormIsOneDefaultTable() throws {
        let n = try TransitGatewayTests.network(subnets: [TransitGatewayTests.publicA, TransitGatewayTests.publicB, TransitGatewayTests.attachA, TransitGatewayTests.attachB])
        let tgw = try #require(n.fabric.topology.transitGateways.first)
        #expect(tgw.isLegacy && tgw.routeTables.map(\.name) == ["default"])
        #expect(tgw.routeTables[0].associations == ["spoke", "egress"])
        #expect(tgw.propagatingAttachments(into: tgw.routeTables[0]).isEmpty)
        let t = try Lab.trace(n, "external:app-a", "ip:93.184.216.34", port: 443)
        #expect(Self.steps(t).contains { $0 == "0.0.0.0/0 → attachment of VPC egress" }, "\(Self.steps(t))")
        #expect(!Self.steps(t).contains { $0.contains("(associated with") })
    }

    /// describe prints per table its associations, propagations and computed routes.
    @Test func describeTransitGateway() throws {
        let n = try Self.network()
        guard case .success(let d) = Description.describe("transit-gateway:corp-tgw", in: n) else { Issue.record("not described"); return }
        let text = DescribeRenderer.render(d, as: .text)
        #expect(text.contains("route table spokes"))
        #expect(text.contains("direct-connect-gateway datacenter  allowed prefixes 10.0.0.0/8 (all on-premises learns)  → route table spokes"), "\(text)")
        #expect(text.contains("associations: claims, portal, datacenter-dx"))
        #expect(text.contains("propagations: claims, portal, datacenter-dx"))
        #expect(text.contains("inspection  appliance mode") || text.contains("appliance mode"))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("192.168.200.0/24") && $0.contains("static") && $0.contains("blackhole") }, "\(text)")
        #expect(lines.contains { $0.contains("10.70.0.0/16") && $0.contains("portal") && $0.contains("propagated") && $0.contains("active") }, "\(text)")
        #expect(lines.contains { $0.contains("192.168.0.0/16 (datacenter-ranges)") && $0.contains("static") }, "\(text)")
        let json = DescribeRenderer.render(d, as: .json)
        #expect(json.contains("\"destinationCidrBlock\"") && json.contains("\"state\"") && json.contains("\"transitGatewayRouteTableId\""))
        if case .failure(.notFound(let why, let near)) = Description.describe("tgw:corp-tg", in: n) {
            #expect(why.contains("corp-tg") && near == ["corp-tgw"])
        } else { Issue.record("a missing transit gateway must be not found") }
    }

    /// Two transit gateways peered: each routes the other's VPC to its peering attachment by a
    /// static route; the peer routes what arrives by the table its own peering attachment is
    /// associated with (defaults on: the `default` table, VPCs propagating into it).
    @Test func peeringHandsOverToThePeersTable() throws {
        let text = """
        apiVersion: netsim/v1
        kind: Topology
        name: peered
        region: us-east-1
        vpc:
          name: a
          cidrBlocks: [10.1.0.0/16]
          subnets: [{name: a1, zone: us-east-1a, cidr: 10.1.0.0/24, routeTable: a}]
          routeTables: [{name: a, routes: [{destination: 10.2.0.0/16, target: east}]}]
        peerVpcs:
          - name: b
            cidrBlocks: [10.2.0.0/16]
            subnets: [{name: b1, zone: us-east-1a, cidr: 10.2.0.0/24, routeTable: b}]
            routeTables: [{name: b, routes: [{destination: 10.1.0.0/16, target: west}]}]
            securityGroups: [{name: web, ingress: [{protocol: tcp, ports: 443, from: {cidr: 10.1.0.0/16}}]}]
        transitGateways:
          - name: east
            attachments: [{vpc: a}, {name: to-west, peering: west}]
            routeTables: [{name: default, routes: [{destination: 10.2.0.0/16, attachment: to-west}]}]
          - name: west
            attachments: [{vpc: b}, {name: to-east, peering: east}]
            routeTables: [{name: default, routes: [{destination: 10.1.0.0/16, attachment: to-east}]}]
        externals:
          - {name: host-a, address: 10.1.0.10, subnet: a1}
          - {name: host-b, address: 10.2.0.10, subnet: b1, securityGroups: [web]}
        """
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: "peered.yaml")
        let topo = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        let n = Network(topology: topo, catalog: .builtin)
        let t = try Lab.trace(n, "external:host-a", "external:host-b", port: 443)
        #expect(t.disposition == .delivered, "\(Self.steps(t))")
        #expect(Self.steps(t).contains { $0.contains("10.2.0.0/16 → attachment to-west (peering west), static") })
        #expect(Self.steps(t).contains { $0.contains("route table default (associated with b): 10.1.0.0/16 → attachment to-east (peering east)") }, "reply: \(Self.steps(t))")
        #expect(Self.steps(t).contains { $0.contains("route table default (associated with to-east): 10.2.0.0/16 → attachment b (vpc b), propagated") }, "\(Self.steps(t))")
        // A peering the peer does not declare back is refused where it is written.
        let oneSided = text.replacingOccurrences(of: "attachments: [{vpc: b}, {name: to-east, peering: east}]", with: "attachments: [{vpc: b}]")
            .replacingOccurrences(of: "routeTables: [{name: default, routes: [{destination: 10.1.0.0/16, attachment: to-east}]}]", with: "routeTables: [{name: default}]")
        let d = TopologyLoader(catalog: .builtin).load(text: oneSided, file: "peered.yaml").diagnostics
        #expect(d.contains { $0.code == .tgwAttachmentKind && $0.location.line == 18 }, "\(d.map(\.formatted))")
    }
}
