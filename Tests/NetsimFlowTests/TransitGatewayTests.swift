import Foundation
import NetsimFlow
import NetsimModel
import NetsimTopology
import Testing

/// Transit gateway VPC attachments: which subnet's route table carries traffic onward from the
/// attachment (AZ affinity), whatever order the subnets are written in.
@Suite("transit gateway attachments")
struct TransitGatewayTests {
    static let publicA = "- {name: public-a, zone: us-east-1a, cidr: 10.99.0.0/24,  routeTable: public}"
    static let publicB = "- {name: public-b, zone: us-east-1b, cidr: 10.99.1.0/24,  routeTable: public}"
    static let attachA = "- {name: tgw-a,    zone: us-east-1a, cidr: 10.99.2.0/28,  routeTable: attach-a}"
    static let attachB = "- {name: tgw-b,    zone: us-east-1b, cidr: 10.99.2.16/28, routeTable: attach-b}"

    static func network(subnets: [String], attachments: String = "spoke, egress", edits: [(String, String)] = []) throws -> Network {
        var template = try String(contentsOf: Lab.root.appendingPathComponent("Tests/NetsimFlowTests/Fixtures/tgw-egress.yaml"), encoding: .utf8)
        for (a, b) in edits { #expect(template.contains(a)); template = template.replacingOccurrences(of: a, with: b) }
        let text = template
            .replacingOccurrences(of: "#SUBNETS", with: subnets.joined(separator: "\n      "))
            .replacingOccurrences(of: "#ATTACHMENTS", with: attachments)
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: "tgw-egress.yaml")
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        return Network(topology: t, catalog: .builtin)
    }

    /// Swapping two subnet lines of the egress VPC must not change the verdict: the attachment
    /// subnet is chosen by zone and rule, never by file order.
    @Test func subnetOrderDoesNotChangeTheVerdict() throws {
        let orders = [[Self.publicA, Self.publicB, Self.attachA, Self.attachB],
                      [Self.attachA, Self.attachB, Self.publicA, Self.publicB],
                      [Self.attachB, Self.publicA, Self.attachA, Self.publicB]]
        for order in orders {
            let n = try Self.network(subnets: order)
            let a = try Lab.trace(n, "external:app-a", "ip:93.184.216.34", port: 443)
            #expect(a.forward.end == .exitsNetwork, "\(order)")
            #expect(a.forward.hops.contains { $0.place.description.contains("NAT gateway nat-a") }, "\(order)")
            let b = try Lab.trace(n, "external:app-b", "ip:93.184.216.34", port: 443)
            #expect(b.forward.end == .exitsNetwork, "\(order)")
            #expect(b.forward.hops.contains { $0.place.description.contains("NAT gateway nat-b") }, "zone b stays in zone b: \(order)")
        }
    }

    /// Named subnets: the flow enters through the subnet of its own zone; a zone of the source
    /// VPC without an attachment subnet cannot reach the transit gateway.
    @Test func namedSubnetsAndZoneAffinity() throws {
        let n = try Self.network(subnets: [Self.publicA, Self.publicB, Self.attachA, Self.attachB],
                                 attachments: "{vpc: spoke, subnets: [app-b, app-a]}, {vpc: egress, subnets: [tgw-b, tgw-a]}")
        let b = try Lab.trace(n, "external:app-b", "ip:93.184.216.34", port: 443)
        #expect(b.forward.end == .exitsNetwork)
        #expect(b.forward.hops.flatMap(\.steps).contains { $0.sentence.contains("through subnet tgw-b") })
        let c = try Lab.trace(n, "external:app-c", "ip:93.184.216.34", port: 443)
        #expect(c.forward.end == .noRoute)
        #expect(c.explanations.first?.code.rawValue == "TGW_ATTACH_VPC_AZ_RESTRICTION")

        // The egress attachment serves zone a only: zone b's flow crosses to it, and says so.
        let one = try Self.network(subnets: [Self.publicA, Self.publicB, Self.attachA, Self.attachB],
                                   attachments: "spoke, {vpc: egress, subnets: [tgw-a]}")
        let crossed = try Lab.trace(one, "external:app-b", "ip:93.184.216.34", port: 443)
        #expect(crossed.forward.end == .exitsNetwork)
        #expect(crossed.forward.hops.contains { $0.place.description.contains("NAT gateway nat-a") })
        #expect(crossed.forward.hops.flatMap(\.steps).contains { $0.sentence.contains("no subnet in us-east-1b") })
    }

    /// Zone c has no subnet in the egress attachment, whose zones route differently (zone b's
    /// table has no default route): AWS sends the flow to some other zone and does not say
    /// which, so the verdict is uncertain — a caveat naming each zone's verdict, never a silent
    /// EXITS_NETWORK. A flow from outside the VPCs (on-premises) likewise.
    @Test func undeterminedZoneWithDifferentTablesIsACaveat() throws {
        let noDefault = ("      - name: attach-b\n        routes:\n          - {destination: 0.0.0.0/0, target: nat-b}", "      - name: attach-b\n        routes: []")
        let onprem = ("  - {name: app-c, address: 10.10.2.10, subnet: app-c}", "  - {name: app-c, address: 10.10.2.10, subnet: app-c}\n  - {name: onprem, cidr: 192.168.0.0/16, via: tgw}")
        let n = try Self.network(subnets: [Self.publicA, Self.publicB, Self.attachA, Self.attachB],
                                 attachments: "spoke, {vpc: egress, subnets: [tgw-b, tgw-a]}", edits: [noDefault, onprem])
        for from in ["external:app-c", "external:onprem"] {
            let t = try Lab.trace(n, from, "ip:8.8.8.8", port: 443)
            let c = try #require(t.caveats.first { $0.kind.rawValue == "TRANSIT_GATEWAY_ZONE" }, "\(from): \(t.caveats.map(\.message))")
            #expect(c.affectsVerdict && t.verdictDependsOnUnmodelled)
            // (On-premises has no route back in this fixture: zone a's reply is dropped, another verdict.)
            #expect(c.message.contains("us-east-1a (subnet tgw-a, route table attach-a): \(from == "external:app-c" ? "EXITS_NETWORK" : "DENIED_OUT")"), "\(c.message)")
            #expect(c.message.contains("us-east-1b (subnet tgw-b, route table attach-b): NO_ROUTE"), "\(c.message)")
        }
        // The sender's zone has an attachment subnet: AZ affinity decides, no caveat.
        let a = try Lab.trace(n, "external:app-a", "ip:8.8.8.8", port: 443)
        #expect(a.forward.end == .exitsNetwork && a.caveats.isEmpty)
        let b = try Lab.trace(n, "external:app-b", "ip:8.8.8.8", port: 443)
        #expect(b.disposition == .noRoute && b.caveats.isEmpty)
    }

    /// Different tables that agree (a NAT gateway in each zone): each zone is traced, the
    /// verdict is certain, a note says so and there is no caveat.
    @Test func undeterminedZoneWhoseTablesAgreeIsANote() throws {
        let n = try Self.network(subnets: [Self.publicA, Self.publicB, Self.attachA, Self.attachB],
                                 attachments: "spoke, {vpc: egress, subnets: [tgw-b, tgw-a]}")
        let t = try Lab.trace(n, "external:app-c", "ip:8.8.8.8", port: 443)
        #expect(t.forward.end == .exitsNetwork)
        #expect(t.caveats.isEmpty, "\(t.caveats.map(\.message))")
        #expect(t.notes.contains { $0.contains("they agree") }, "\(t.notes)")
    }

    /// The attachment's subnets are checked where they are written.
    @Test func attachmentSubnetErrorsAreLocated() throws {
        let template = try String(contentsOf: Lab.root.appendingPathComponent("Tests/NetsimFlowTests/Fixtures/tgw-egress.yaml"), encoding: .utf8)
        func diagnostics(_ attachments: String) -> [Diagnostic] {
            let text = template
                .replacingOccurrences(of: "#SUBNETS", with: [Self.publicA, Self.publicB, Self.attachA, Self.attachB].joined(separator: "\n      "))
                .replacingOccurrences(of: "#ATTACHMENTS", with: attachments)
            return TopologyLoader(catalog: .builtin).load(text: text, file: "tgw-egress.yaml").diagnostics.filter { $0.severity == .error }
        }
        let foreign = diagnostics("spoke, {vpc: egress, subnets: [tgw-a, app-b]}")
        let f = try #require(foreign.first { $0.code == .attachmentSubnetNotInVPC })
        #expect(f.location.line == 47 && f.message.contains("'app-b'"))
        let twice = diagnostics("spoke, {vpc: egress, subnets: [tgw-a, public-a]}")
        let t = try #require(twice.first { $0.code == .attachmentZoneTwice })
        #expect(t.location.line == 47 && t.message.contains("us-east-1a"))
        #expect(diagnostics("spoke, {vpc: egress, subnets: [tgw-a], zones: 2}").contains { $0.code == .unknownKey })
        // Hostile shapes: located errors, never a crash.
        #expect(diagnostics("spoke, {vpc: egress, subnets: tgw-a}").contains { $0.code == .wrongType && $0.location.line == 47 })
        #expect(diagnostics("spoke, [egress]").contains { $0.code == .wrongType })
        #expect(diagnostics("spoke, {subnets: [tgw-a]}").contains { $0.code == .missingKey })
        #expect(diagnostics("spoke, {vpc: egress, subnets: []}").contains { $0.code == .invalidValue })
        #expect(diagnostics("spoke, {vpc: egress, subnets: [\(String(repeating: "x", count: 100_000))]}").contains { $0.code == .attachmentSubnetNotInVPC })
    }
}

/// NS0508: the default attachment subnet is an assumption; `check` says so where it decides
/// a verdict (a hub VPC whose zones' subnets have different route tables), and only there.
@Suite("transit gateway attachments: unnamed subnets of a hub")
struct TransitGatewayUnnamedTests {
    static func codes(subnets: [String], attachments: String) throws -> [String] {
        let template = try String(contentsOf: Lab.root.appendingPathComponent("Tests/NetsimFlowTests/Fixtures/tgw-egress.yaml"), encoding: .utf8)
        let text = template
            .replacingOccurrences(of: "#SUBNETS", with: subnets.joined(separator: "\n      "))
            .replacingOccurrences(of: "#ATTACHMENTS", with: attachments)
        return TopologyLoader(catalog: .builtin).load(text: text, file: "tgw-egress.yaml").diagnostics.map(\.code.id)
    }
    static let all = [TransitGatewayTests.publicA, TransitGatewayTests.publicB, TransitGatewayTests.attachA, TransitGatewayTests.attachB]

    @Test func unnamedHubAttachmentIsWarned() throws {
        #expect(try Self.codes(subnets: Self.all, attachments: "spoke, egress") == ["NS0508"])
    }

    @Test func namedSubnetsOrOneTablePerZoneAreQuiet() throws {
        #expect(try Self.codes(subnets: Self.all, attachments: "spoke, {vpc: egress, subnets: [tgw-a, tgw-b]}").isEmpty)
        // Only the attachment subnets: each zone has one route table, nothing to choose.
        #expect(try Self.codes(subnets: [TransitGatewayTests.attachA, TransitGatewayTests.attachB], attachments: "spoke, egress")
            .filter { $0 == "NS0508" }.isEmpty)
    }
}
