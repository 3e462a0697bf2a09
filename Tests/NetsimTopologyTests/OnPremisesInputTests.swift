import Foundation
import NetsimFlow
import NetsimModel
import NetsimTopology
import Testing

/// Bad input for the on-premises edge (`vpnGateway`, `propagatingVgws`, an external's
/// `connection`, `routing`, `returnRoutes`, `firewall`, `via`): located, coded, with a fix.
@Suite("on-premises input")
struct OnPremisesInputTests {
    static func topology(vgw: String = "vpnGateway: {name: corp-vgw}", propagating: String = "[corp-vgw]", external: String = "",
                         peer: String = "") -> String {
        """
        apiVersion: netsim/v1
        kind: Topology
        name: onprem
        region: us-east-1
        vpc:
          name: main
          cidrBlocks: [10.0.0.0/16]
          \(vgw)
          subnets:
            - {name: a, zone: us-east-1a, cidr: 10.0.0.0/20, routeTable: rt}
          routeTables:
            - name: rt
              propagatingVgws: \(propagating)
        \(peer)
        externals:
          - name: dc
            cidr: 192.168.0.0/16
            via: corp-vgw
        \(external.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
        """
    }

    static func load(_ text: String) -> LoadResult { TopologyLoader(catalog: .builtin).load(text: text, file: "onprem.yaml") }

    /// Every diagnostic of `code` is located in the file and says how to fix it.
    static func expectCode(_ text: String, _ code: DiagnosticCode, severity: Severity = .error, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let d = load(text).diagnostics
        let hits = d.filter { $0.code == code }
        #expect(!hits.isEmpty, "\(d.map(\.formatted))", sourceLocation: sourceLocation)
        for h in hits {
            #expect(h.severity == severity, "\(h.formatted)", sourceLocation: sourceLocation)
            #expect(h.location.file == "onprem.yaml" && h.location.line > 0, sourceLocation: sourceLocation)
            #expect(!h.hint.isEmpty, "\(h.formatted)", sourceLocation: sourceLocation)
        }
    }

    @Test func aValidEdgeLoadsClean() throws {
        let r = Self.load(Self.topology(external: "connection: vpn\nrouting: static\nreturnRoutes: [10.0.0.0/16]\nfirewall:\n  inbound:\n    - {action: allow, protocol: tcp, ports: 443, cidr: 10.0.0.0/16}"))
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics.map(\.formatted))")
        let t = try #require(r.validTopology)
        #expect(t.vpcs[0].vpnGateway?.name == "corp-vgw" && t.vpcs[0].vpnGateway?.id.hasPrefix("vgw-") == true)
        #expect(t.vpcs[0].routeTable(named: "rt")?.propagatingVgws == ["corp-vgw"])
        let e = try #require(t.externals.first)
        #expect(e.connection == .vpn && e.routing == .static && e.returnRoutes.count == 1 && e.firewall?.inbound.count == 1)
        #expect(t.privateGateway(of: e) == .vpnGateway(vpc: "main"))
        // virtualPrivateGateway is the same key under its other name.
        let other = Self.load(Self.topology(vgw: "virtualPrivateGateway: {name: corp-vgw}"))
        #expect(other.diagnostics.isEmpty, "\(other.diagnostics.map(\.formatted))")
    }

    @Test func twoGatewaysOnAVPCAndBadASNs() {
        Self.expectCode(Self.topology(vgw: "vpnGateway: {name: corp-vgw}\n  virtualPrivateGateway: {name: other-vgw}"), .vpnGateway)
        // CreateVpnGateway takes a private ASN only: a public one (7224, 1, 64511, 65535,
        // 4199999999) is refused like a number that is no ASN at all.
        for asn in ["9223372036854775807", "-1", "0", "4294967295", "1", "7224", "64511", "65535", "4199999999"] {
            Self.expectCode(Self.topology(vgw: "vpnGateway: {name: corp-vgw, amazonSideAsn: \(asn)}"), .vpnGateway)
        }
        for asn in ["64512", "65534", "4200000000", "4294967294"] {
            let ok = Self.load(Self.topology(vgw: "vpnGateway: {name: corp-vgw, amazonSideAsn: \(asn)}"))
            #expect(!ok.diagnostics.contains { $0.code == .vpnGateway }, "\(asn): \(ok.diagnostics.map(\.formatted))")
        }
        // Beyond Int: a wrong type, never a crash.
        #expect(Self.load(Self.topology(vgw: "vpnGateway: {name: corp-vgw, amazonSideAsn: 99999999999999999999999}")).diagnostics.contains { $0.code == .wrongType })
        #expect(Self.load(Self.topology(vgw: "vpnGateway: {name: corp-vgw, id: vgw-XYZ}")).diagnostics.contains { $0.code == .invalidValue })
    }

    @Test func propagatingAMissingGatewayOrOneOfAnotherVPC() {
        Self.expectCode(Self.topology(propagating: "[corp-vgw2]"), .propagatingVgw)
        let d = Self.load(Self.topology(propagating: "[corp-vgw2]")).diagnostics.first { $0.code == .propagatingVgw }
        #expect(d?.hint.contains("corp-vgw") == true)
        let peer = """
        peerVpcs:
          - name: other
            cidrBlocks: [10.1.0.0/16]
            vpnGateway: {name: other-vgw}
        """
        Self.expectCode(Self.topology(propagating: "[corp-vgw, other-vgw]", peer: peer), .propagatingVgw)
        #expect(Self.load(Self.topology(propagating: "[corp-vgw, other-vgw]", peer: peer)).diagnostics.contains { $0.message.contains("attached to VPC 'other'") })
        // A VPC without a gateway propagating one.
        Self.expectCode(Self.topology(vgw: "", propagating: "[corp-vgw]").replacingOccurrences(of: "    via: corp-vgw\n", with: ""), .propagatingVgw)
    }

    @Test func firewallRulesWithBadValues() {
        func fw(_ rule: String) -> String { Self.topology(external: "firewall:\n  inbound:\n    - \(rule)") }
        #expect(Self.load(fw("{action: permit, cidr: 10.0.0.0/16}")).diagnostics.contains { $0.code == .invalidValue && $0.message.contains("allow, deny") })
        #expect(Self.load(fw("{action: allow, cidr: 10.0.0.0/33}")).diagnostics.contains { $0.code == .invalidCIDR })
        #expect(Self.load(fw("{action: allow, protocol: tcp, ports: 70000, cidr: 10.0.0.0/16}")).diagnostics.contains { $0.code == .invalidPort })
        #expect(Self.load(fw("{action: allow, protocol: tcp, ports: -5, cidr: 10.0.0.0/16}")).diagnostics.contains { $0.code == .invalidPort })
        #expect(Self.load(fw("{action: allow}")).diagnostics.contains { $0.code == .missingKey })
        #expect(Self.load(fw("{cidr: 10.0.0.0/16}")).diagnostics.contains { $0.code == .missingKey })
        #expect(Self.load(fw("{action: allow, cidr: 10.0.0.0/16, port: 443}")).diagnostics.contains { $0.code == .unknownKey })
        #expect(Self.load(fw("{action: allow, protocol: icmp, ports: 443, cidr: 10.0.0.0/16}")).diagnostics.contains { $0.code == .portsIgnored && $0.severity == .warning })
        // A megabyte action is refused and quoted back clipped.
        let huge = String(repeating: "x", count: 1 << 20)
        let d = Self.load(fw("{action: \(huge), cidr: 10.0.0.0/16}")).diagnostics
        #expect(d.contains { $0.code == .invalidValue } && d.allSatisfy { $0.message.count < 2000 })
        // A firewall on a host inside a VPC.
        let host = Self.topology().replacingOccurrences(of: "    cidr: 192.168.0.0/16\n    via: corp-vgw", with: "    address: 10.0.0.10\n    subnet: a\n    firewall: {inbound: []}")
        Self.expectCode(host, .externalFirewall)
    }

    @Test func connectionAndRouting() {
        Self.expectCode(Self.topology(external: "routing: static"), .externalConnection)
        Self.expectCode(Self.topology(external: "connection: directConnect\nrouting: static\nreturnRoutes: [10.0.0.0/16]"), .externalConnection)
        #expect(Self.load(Self.topology(external: "connection: ipsec")).diagnostics.contains { $0.code == .invalidValue && $0.message.contains("vpn, directConnect") })
        #expect(Self.load(Self.topology(external: "returnRoutes: [10.0.0.0/8x]")).diagnostics.contains { $0.code == .invalidCIDR })
        #expect(Self.load(Self.topology(external: "returnRoutes: 10.0.0.0/16")).diagnostics.contains { $0.code == .wrongType })
        // On a network on the internet: ignored, with a warning.
        let internet = Self.topology(external: "connection: vpn").replacingOccurrences(of: "    via: corp-vgw\n", with: "")
        Self.expectCode(internet, .externalConnection, severity: .warning)
    }

    @Test func viaNamingNothing() {
        let t = Self.topology().replacingOccurrences(of: "via: corp-vgw", with: "via: corp-vgx")
        Self.expectCode(t, .undefinedReference)
        #expect(Self.load(t).diagnostics.contains { $0.hint.contains("corp-vgw") })
    }

    @Test func routeToAGatewayOfAnotherVPC() {
        let peer = """
        peerVpcs:
          - name: other
            cidrBlocks: [10.1.0.0/16]
            vpnGateway: {name: other-vgw}
        """
        let t = Self.topology(peer: peer).replacingOccurrences(of: "      propagatingVgws: [corp-vgw]", with: "      propagatingVgws: [corp-vgw]\n      routes:\n        - {destination: 172.16.0.0/12, target: other-vgw}")
        #expect(Self.load(t).diagnostics.contains { $0.code == .wrongTargetKind })
        let own = Self.topology().replacingOccurrences(of: "      propagatingVgws: [corp-vgw]", with: "      propagatingVgws: [corp-vgw]\n      routes:\n        - {destination: 172.16.0.0/12, target: corp-vgw}")
        let r = Self.load(own)
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics.map(\.formatted))")
        #expect(r.validTopology?.vpcs[0].routeTable(named: "rt")?.routes.first?.target == .vpnGateway("corp-vgw"))
    }
}

extension OnPremisesInputTests {
    /// Hostile values: wrong types, empty and megabyte names, are located errors, never a crash.
    @Test func hostileValues() {
        #expect(Self.load(Self.topology(propagating: "corp-vgw")).diagnostics.contains { $0.code == .wrongType })
        #expect(Self.load(Self.topology(propagating: "[\"\"]")).diagnostics.contains { $0.code == .propagatingVgw })
        #expect(Self.load(Self.topology(vgw: "vpnGateway: [corp-vgw]")).diagnostics.contains { $0.code == .wrongType })
        #expect(Self.load(Self.topology(external: "firewall: [allow]")).diagnostics.contains { $0.code == .wrongType })
        #expect(Self.load(Self.topology(external: "firewall:\n  inbound: {action: allow}")).diagnostics.contains { $0.code == .wrongType })
        let huge = String(repeating: "v", count: 1 << 20)
        let d = Self.load(Self.topology().replacingOccurrences(of: "via: corp-vgw", with: "via: \(huge)")).diagnostics
        #expect(d.contains { $0.code == .undefinedReference } && d.allSatisfy { $0.message.count < 2000 && $0.hint.count < 2000 })
        let p = Self.load(Self.topology(propagating: "[\(huge)]")).diagnostics
        #expect(p.contains { $0.code == .propagatingVgw } && p.allSatisfy { $0.message.count < 2000 && $0.hint.count < 2000 })
        #expect(Self.load(Self.topology(external: "returnRoutes: [\"\"]")).diagnostics.contains { $0.code == .invalidCIDR })
    }
}
