import Foundation
import NetsimModel
import NetsimTopology
import Testing

/// Bad input for IPv6 on transit gateways, static-routing VPN propagation and empty names
/// (NS1414–NS1417), on `TransitGatewayInputTests.base` (line 24 the transit gateway's name,
/// 27 attachment va, 29 dx, 32 table main, 34 its propagations, 37 #ROUTE).
@Suite("transit gateway IPv6 and names: bad input")
struct TransitGatewayIPv6InputTests {
    static func load(replacing pairs: [(String, String)], _ edits: [String: String] = [:]) -> [Diagnostic] {
        var text = TransitGatewayInputTests.base
        for (a, b) in pairs { #expect(text.contains(a), "\(a)"); text = text.replacingOccurrences(of: a, with: b) }
        let defaults = ["#CHECK": "false", "#TGW": "defaultRouteTablePropagation: true", "#VB": "", "#DX": "", "#ASSOC": "", "#PROP": "",
                        "#ROUTE": "{destination: 172.20.0.0/16, blackhole: true}", "#EDGE": "", "#EXT": ""]
        for (k, v) in defaults { text = text.replacingOccurrences(of: k, with: edits[k] ?? v) }
        return TopologyLoader(catalog: .builtin).load(text: text, file: "t.yaml").diagnostics
    }

    static func hit(_ d: [Diagnostic], _ code: DiagnosticCode, line: Int, _ severity: Severity,
                    sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let h = d.first { $0.code == code }
        #expect(h?.location.line == line && h?.severity == severity && h?.hint.isEmpty == false, "\(d.map(\.formatted))", sourceLocation: sourceLocation)
    }

    /// An empty (or blank) name for the transit gateway, a route table or an attachment is a
    /// located error: nothing could refer to it.
    @Test func emptyNames() {
        Self.hit(Self.load(replacing: [("  - name: hub\n", "  - name: \"\"\n")]), .tgwEmptyName, line: 24, .error)
        Self.hit(Self.load(replacing: [("      - name: main\n", "      - name: \"  \"\n")]), .tgwEmptyName, line: 32, .error)
        Self.hit(Self.load(replacing: [("{name: va, vpc: a}", "{name: \"\", vpc: a}")]), .tgwEmptyName, line: 27, .error)
        // A VPC attachment without a name takes the VPC's: an empty VPC name is the reference's error.
        #expect(Self.load(replacing: [("{name: va, vpc: a}", "{vpc: \"\"}")]).contains { $0.severity == .error })
        // Megabyte names and the largest integer as a name: refused or accepted, never a crash.
        let huge = String(repeating: "x", count: 1 << 20)
        #expect(Self.load(replacing: [("{name: va, vpc: a}", "{name: \(huge), vpc: a}")]).contains { $0.code == .tgwAttachmentMissing })
        _ = Self.load(replacing: [("      - name: main\n", "      - name: 9223372036854775807\n")])
    }

    /// ipv6Support: an option of VPC attachments (error elsewhere); on a VPC or subnets
    /// without IPv6 blocks, a warning (the interfaces get no IPv6 address); not a boolean, an
    /// error.
    @Test func ipv6SupportErrors() {
        Self.hit(Self.load(replacing: [], ["#DX": ", ipv6Support: true"]), .tgwIPv6Support, line: 29, .error)
        Self.hit(Self.load(replacing: [("{name: va, vpc: a}", "{name: va, vpc: a, ipv6Support: true}")]), .tgwIPv6Support, line: 27, .warning)
        #expect(Self.load(replacing: [("{name: va, vpc: a}", "{name: va, vpc: a, ipv6Support: maybe}")]).contains { $0.severity == .error && $0.location.line == 27 })
    }

    /// IPv6 static routes: to an attachment that carries no IPv6, a warning (AWS accepts the
    /// route); a bad IPv6 block, an error; a correct one, quiet.
    @Test func ipv6RouteErrors() {
        Self.hit(Self.load(replacing: [], ["#ROUTE": "{destination: \"2600:1f18::/56\", attachment: vb}"]), .tgwIPv6Route, line: 37, .warning)
        let dx = Self.load(replacing: [], ["#ROUTE": "{destination: \"2600:1f18::/56\", attachment: dx}"])
        Self.hit(dx, .tgwIPv6Route, line: 37, .warning)
        #expect(dx.first { $0.code == .tgwIPv6Route }?.message.contains("NOT_MODELLED") == true)
        Self.hit(Self.load(replacing: [], ["#ROUTE": "{destination: \"2600:zz::/56\", attachment: vb}"]), .invalidCIDR, line: 37, .error)
        Self.hit(Self.load(replacing: [], ["#ROUTE": "{destination: \"2600:1f18::/129\", attachment: vb}"]), .invalidCIDR, line: 37, .error)
        // An IPv6 blackhole is fine.
        let ok = Self.load(replacing: [], ["#ROUTE": "{destination: \"2600:1f18::/56\", blackhole: true}"])
        #expect(!ok.contains { $0.severity != .note }, "\(ok.map(\.formatted))")
    }

    /// A VPN attachment with static routing propagates nothing (only BGP routes propagate into
    /// a transit gateway route table); listing it under propagations is a warning, and the
    /// table holds no route for its network.
    @Test func staticVPNPropagatesNothing() throws {
        let pairs = [("{name: lab, cidr: 172.16.0.0/16, via: hub}", "{name: lab, cidr: 172.16.0.0/16, via: hub, routing: static, returnRoutes: [10.0.0.0/8]}")]
        let d = Self.load(replacing: pairs, ["#PROP": ", lab-vpn"])
        Self.hit(d, .tgwStaticVPNPropagation, line: 34, .warning)
        #expect(d.first { $0.code == .tgwStaticVPNPropagation }?.hint.contains("destination: 172.16.0.0/16, attachment: lab-vpn") == true)
        var text = TransitGatewayInputTests.base
        for (a, b) in pairs { text = text.replacingOccurrences(of: a, with: b) }
        for (k, v) in ["#CHECK": "false", "#TGW": "", "#VB": "", "#DX": "", "#ASSOC": "", "#PROP": ", lab-vpn",
                       "#ROUTE": "{destination: 172.20.0.0/16, blackhole: true}", "#EDGE": "", "#EXT": ""] { text = text.replacingOccurrences(of: k, with: v) }
        let t = try #require(TopologyLoader(catalog: .builtin).load(text: text, file: "t.yaml").validTopology)
        let tgw = try #require(t.transitGateways.first)
        let main = try #require(tgw.routeTable(named: "main"))
        let routes = tgw.effectiveRoutes(of: main, vpcs: t.vpcs, externals: t.externals, prefixLists: t.prefixLists)
        #expect(!routes.contains { $0.attachment == "lab-vpn" }, "\(routes.map(\.destination))")
        // With BGP the same attachment propagates its network's block.
        let bgp = text.replacingOccurrences(of: "routing: static, returnRoutes: [10.0.0.0/8]", with: "routing: bgp")
        let tb = try #require(TopologyLoader(catalog: .builtin).load(text: bgp, file: "t.yaml").validTopology)
        let tgwB = try #require(tb.transitGateways.first)
        #expect(tgwB.effectiveRoutes(of: try #require(tgwB.routeTable(named: "main")), vpcs: tb.vpcs, externals: tb.externals, prefixLists: tb.prefixLists)
            .contains { $0.attachment == "lab-vpn" && $0.origin == .vpnPropagated })
    }
}
