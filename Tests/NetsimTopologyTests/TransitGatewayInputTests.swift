import Foundation
import NetsimModel
import NetsimTopology
import Testing

/// Bad input for transit gateway route tables: each refusal AWS makes (or netsim's own rule)
/// is a located diagnostic with its code and a fix; hostile values never crash the loader.
@Suite("transit gateway route tables: bad input")
struct TransitGatewayInputTests {
    /// Lines: 25 #TGW, 27 the first attachment, 33 main's associations, 34 its propagations, 37 #ROUTE, 39 edge's associations.
    static let base = """
    apiVersion: netsim/v1
    kind: Topology
    name: tgw-input
    region: us-east-1
    prefixLists:
      - {name: corp, entries: [192.168.0.0/16], maxEntries: 5}
    vpc:
      name: a
      cidrBlocks: [10.1.0.0/16]
      subnets:
        - {name: a1, zone: us-east-1a, cidr: 10.1.0.0/24}
      networkInterfaces:
        - {name: fw, subnet: a1, privateIp: 10.1.0.10, sourceDestCheck: #CHECK, stateful: true}
    peerVpcs:
      - name: b
        cidrBlocks: [10.2.0.0/16]
        subnets:
          - {name: b1, zone: us-east-1a, cidr: 10.2.0.0/24}
    externals:
      - {name: dc, cidr: 192.168.0.0/16, via: hub}
      - {name: lab, cidr: 172.16.0.0/16, via: hub}
      #EXT
    transitGateways:
      - name: hub
        #TGW
        attachments:
          - {name: va, vpc: a}
          - {name: vb, vpc: b#VB}
          - {name: dx, directConnectGateway: dc#DX, allowedPrefixes: [10.0.0.0/8]}
          - {name: lab-vpn, vpn: lab}
        routeTables:
          - name: main
            associations: [va, vb#ASSOC]
            propagations: [va, vb, dx#PROP]
            routes:
              - {destination: 10.2.0.0/16, attachment: vb}
              - #ROUTE
          - name: edge
            associations: [dx, lab-vpn#EDGE]
    """

    static func load(_ edits: [String: String] = [:]) -> [Diagnostic] {
        var text = base
        let defaults = ["#CHECK": "false", "#TGW": "defaultRouteTablePropagation: true", "#VB": "", "#DX": "", "#ASSOC": "", "#PROP": "",
                        "#ROUTE": "{destination: 172.20.0.0/16, blackhole: true}", "#EDGE": "", "#EXT": ""]
        for (k, v) in defaults { text = text.replacingOccurrences(of: k, with: edits[k] ?? v) }
        return TopologyLoader(catalog: .builtin).load(text: text, file: "t.yaml").diagnostics
    }

    static func only(_ edits: [String: String], _ code: DiagnosticCode, line: Int? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Diagnostic? {
        let d = load(edits)
        let hit = d.first { $0.code == code }
        #expect(hit != nil, "expected \(code.id): \(d.map(\.formatted))", sourceLocation: sourceLocation)
        if let line, let hit { #expect(hit.location.line == line, "\(hit.formatted)", sourceLocation: sourceLocation) }
        if let hit { #expect(!hit.hint.isEmpty, "no fix: \(hit.formatted)", sourceLocation: sourceLocation) }
        return hit
    }

    @Test func theBaseIsValid() {
        let d = Self.load()
        #expect(!d.contains { $0.severity == .error }, "\(d.map(\.formatted))")
        // The static route to b overrides b's propagated route: a note (AWS accepts it).
        #expect(d.contains { $0.code == .tgwStaticOverridesPropagated && $0.severity == .note && $0.location.line == 36 }, "\(d.map(\.formatted))")
    }

    @Test func associationErrors() {
        // An attachment associated with two tables.
        _ = Self.only(["#EDGE": ", va"], .tgwAssociatedTwice, line: 39)
        // A name that is no attachment (with the nearest).
        _ = Self.only(["#ASSOC": ", vc"], .tgwAttachmentMissing, line: 33)
        _ = Self.only(["#PROP": ", nope"], .tgwAttachmentMissing, line: 34)
        // The same attachment propagating twice into one table: a warning, the first kept.
        if let d = Self.only(["#PROP": ", va"], .tgwPropagationTwice, line: 34) {
            #expect(d.severity == .warning && d.notes.first?.location.line == 34)
        }
        _ = Self.only(["#ROUTE": "{destination: 172.20.0.0/16, attachment: gone}"], .tgwAttachmentMissing, line: 37)
        // The default route table names no table.
        _ = Self.only(["#TGW": "defaultRouteTable: mian"], .tgwRouteTableMissing, line: 25)
    }

    @Test func attachmentErrors() {
        // A VPC attached twice.
        _ = Self.only(["#VB": "}\n      - {name: vb2, vpc: b"], .tgwVPCAttachedTwice, line: 29)
        // Appliance mode on a Direct Connect attachment.
        _ = Self.only(["#DX": ", applianceMode: true"], .tgwApplianceModeNotVPC, line: 29)
        // Two kinds in one attachment.
        _ = Self.only(["#DX": ", vpn: lab"], .tgwAttachmentKind, line: 29)
        // A peering attachment set to propagate.
        _ = Self.only(["#VB": "}\n      - {name: peer, peering: other", "#PROP": ", peer"], .tgwPeeringPropagation, line: 35)
        // Both forms at once.
        _ = Self.only(["#TGW": "vpcAttachments: [a]"], .tgwMixedForms, line: 25)
    }

    @Test func routeErrors() {
        _ = Self.only(["#ROUTE": "{destination: 10.2.0.0/16, blackhole: true}"], .tgwDuplicateRoute, line: 37)
        _ = Self.only(["#ROUTE": "{prefixList: nope, attachment: dx}"], .undefinedReference, line: 37)
        _ = Self.only(["#ROUTE": "{destination: 10.9.0.0/33, attachment: dx}"], .invalidCIDR, line: 37)
        _ = Self.only(["#ROUTE": "{destination: 10.9.0.0/16}"], .missingKey, line: 37)
        _ = Self.only(["#ROUTE": "{destination: 10.9.0.0/16, prefixList: corp, attachment: dx}"], .invalidValue, line: 37)
    }

    @Test func externalsAndAppliances() {
        // An external reached via the hub with no VPN or Direct Connect attachment covering it.
        _ = Self.only(["#EXT": "- {name: partner, cidr: 172.30.0.0/16, via: hub}"], .tgwExternalNotAttached, line: 22)
        // A stateful interface whose source/destination check is on forwards nothing.
        let s = Self.only(["#CHECK": "true"], .tgwStatefulNotAppliance, line: 13)
        #expect(s?.severity == .warning)
    }

    /// A Direct Connect gateway attachment carries the association's allowed prefixes: AWS
    /// requires them (CreateDirectConnectGatewayAssociation: required for a transit gateway)
    /// and they are what on-premises learns; other attachments have none.
    @Test func directConnectAllowedPrefixes() {
        func load(_ replacement: String) -> [Diagnostic] {
            let text = Self.base.replacingOccurrences(of: ", allowedPrefixes: [10.0.0.0/8]", with: replacement)
                .replacingOccurrences(of: "#CHECK", with: "false").replacingOccurrences(of: "#TGW", with: "")
                .replacingOccurrences(of: "#ROUTE", with: "{destination: 172.20.0.0/16, blackhole: true}")
                .replacingOccurrences(of: #"#[A-Z]+"#, with: "", options: .regularExpression)
            return TopologyLoader(catalog: .builtin).load(text: text, file: "t.yaml").diagnostics
        }
        func hit(_ d: [Diagnostic], _ code: DiagnosticCode, line: Int) -> Bool {
            d.contains { $0.code == code && $0.severity == .error && $0.location.line == line && !$0.hint.isEmpty }
        }
        let missing = load("")
        #expect(hit(missing, .missingKey, line: 29) && missing.contains { $0.message.contains("allowedPrefixes") }, "\(missing.map(\.formatted))")
        #expect(hit(load(", allowedPrefixes: []"), .invalidValue, line: 29))
        #expect(hit(load(", allowedPrefixes: [10.0.0.0/33]"), .invalidCIDR, line: 29))
        #expect(hit(load(", allowedPrefixes: [10.0.0.0/8]}\n      - {name: x, vpn: lab, allowedPrefixes: [10.0.0.0/8]"), .tgwAttachmentKind, line: 30))
        #expect(load(", allowedPrefixes: 9223372036854775807").contains { $0.severity == .error })
        #expect(load(", allowedPrefixes: [-1]").contains { $0.code == .invalidCIDR })
    }

    /// Hostile values: located errors (or clipped echoes), never a crash.
    @Test func hostileValues() {
        let huge = String(repeating: "x", count: 1_000_000)
        let a = Self.load(["#ASSOC": ", \(huge)"])
        let m = a.first { $0.code == .tgwAttachmentMissing }
        #expect(m != nil && (m?.message.count ?? 0) < 2_000)
        #expect(Self.load(["#DX": ", applianceMode: 9223372036854775807"]).contains { $0.severity == .error })
        #expect(Self.load(["#ROUTE": "{destination: -1, attachment: dx}"]).contains { $0.code == .invalidCIDR })
        #expect(Self.load(["#ROUTE": "{destination: \"\", attachment: dx}"]).contains { $0.severity == .error })
        #expect(Self.load(["#TGW": "attachments: 7"]).contains { $0.code == .wrongType || $0.code == .duplicateKey })
        #expect(Self.load(["#ASSOC": ", [va]"]).contains { $0.code == .wrongType })
        // A megabyte attachment name is clipped in the hints that list the attachments too.
        let long = Self.load(["#VB": "}\n      - {name: \(huge), vpn: lab", "#ASSOC": ", qqqqqqqq"])
        #expect(long.contains { $0.code == .tgwAttachmentMissing }, "\(long.count)")
        #expect(long.allSatisfy { $0.message.count + $0.hint.count < 4_000 }, "\(long.map { $0.hint.count })")
        // A bad destination is one error: its route's other keys are not reported unknown.
        let bad = Self.load(["#ROUTE": "{destination: 10.0.0.0/9223372036854775807, attachment: dx}"])
        #expect(bad.contains { $0.code == .invalidCIDR && $0.location.line == 37 })
        #expect(!bad.contains { $0.code == .unknownKey }, "\(bad.map(\.formatted))")
    }
}
