import Foundation
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

/// `interfaceEndpoints:` and the VPC's DNS attributes: defaults as AWS has them, and every bad
/// input located with its code (AWS PrivateLink guide, "Create an interface endpoint"; VPC
/// guide, "DNS attributes for your VPC").
@Suite struct InterfaceEndpointInputTests {
    static let base = """
    apiVersion: netsim/v1
    kind: Topology
    name: t
    region: eu-west-1
    vpc:
      name: apps
      cidrBlocks: [10.70.0.0/16]
    #DNS
      subnets:
        - {name: a, zone: eu-west-1a, cidr: 10.70.0.0/24}
        - {name: a2, zone: eu-west-1a, cidr: 10.70.2.0/24}
        - {name: b, zone: eu-west-1b, cidr: 10.70.1.0/24}
      securityGroups:
        - {name: endpoints}
      interfaceEndpoints:
    #ENDPOINTS
    peerVpcs:
      - name: other
        cidrBlocks: [10.80.0.0/16]
        subnets:
          - {name: o, zone: eu-west-1a, cidr: 10.80.0.0/24}

    """

    static func load(_ endpoints: [String], dns: String = "  enableDnsHostnames: true") -> LoadResult {
        let text = base.replacingOccurrences(of: "#DNS", with: dns)
            .replacingOccurrences(of: "#ENDPOINTS", with: endpoints.map { "    - " + $0 }.joined(separator: "\n"))
        return loader.load(text: text, file: "t.yaml")
    }

    @Test func defaultsAreAWSs() throws {
        let r = Self.load(["{name: sts, service: sts, subnets: [a, b]}"])
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        let vpc = try #require(t.vpcs.first)
        let e = try #require(vpc.interfaceEndpoints.first)
        #expect(e.privateDns)                                   // CreateVpcEndpoint: PrivateDnsEnabled defaults to true
        #expect(e.effectiveSecurityGroups == ["default"])       // no groups: the VPC's default group
        #expect(e.id.hasPrefix("vpce-") && e.subnets == ["a", "b"] && e.policy == nil)
        #expect(vpc.enableDnsSupport && vpc.enableDnsHostnames)
        // A VPC you create: enableDnsSupport true, enableDnsHostnames false.
        let plain = try #require(t.vpcs.last)
        #expect(plain.enableDnsSupport && !plain.enableDnsHostnames && plain.interfaceEndpoints.isEmpty)
    }

    /// AWS PrivateLink quotas: an endpoint policy holds at most 20,480 characters (not
    /// adjustable); a megabyte policy is refused, located, never kept silently.
    @Test func policyLongerThanTheQuotaIsRefused() throws {
        let atLimit = Self.load(["{name: e, service: sts, subnets: [a], policy: '\(String(repeating: "p", count: 20_480))'}"])
        #expect(atLimit.validTopology != nil, "\(atLimit.diagnostics.map(\.formatted))")
        let big = Self.load(["{name: e, service: sts, subnets: [a], policy: '\(String(repeating: "p", count: 1_000_000))'}"])
        let d = try #require(big.diagnostics.first { $0.code == .invalidValue }, "\(big.diagnostics.map(\.formatted))")
        #expect(d.severity == .error && d.message.contains("20,480") && d.message.contains("1000000"))
        #expect(d.location.line == 16)
        #expect(big.validTopology == nil)
    }

    @Test func fullServiceNameAndPolicy() throws {
        let r = Self.load(["{name: e, service: com.amazonaws.eu-west-1.ecr.dkr, subnets: [a], securityGroups: [endpoints], policy: {Statement: [{Effect: Allow, Principal: '*', Action: '*', Resource: '*'}]}}"])
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        let e = try #require(t.vpcs.first?.interfaceEndpoints.first)
        #expect(e.service == "ecr.dkr" && e.serviceName(region: "eu-west-1") == "com.amazonaws.eu-west-1.ecr.dkr")
        #expect(e.policy == "a policy document" && e.securityGroups == ["endpoints"])
    }

    @Test func subnetOfAnotherVPC() throws {
        let r = Self.load(["{name: sts, service: sts, subnets: [o]}"])
        let d = try #require(r.first(.endpointSubnet))
        #expect(d.severity == .error && d.message.contains("subnet 'o' of VPC 'other'"))
        #expect(d.location.line == 16 && d.location.column > 1)
        #expect(r.validTopology == nil)
    }

    @Test func emptyAndMissingSubnets() throws {
        #expect(Self.load(["{name: sts, service: sts, subnets: []}"]).codes == ["NS1441"])
        #expect(Self.load(["{name: sts, service: sts}"]).codes.contains(DiagnosticCode.missingKey.id))
        let undefined = Self.load(["{name: sts, service: sts, subnets: [bb]}"])
        #expect(undefined.first(.undefinedReference)?.hint.contains("'b'") == true)
    }

    @Test func twoSubnetsInOneZone() throws {
        let r = Self.load(["{name: sts, service: sts, subnets: [a, b, a2]}"])
        let d = try #require(r.first(.endpointZoneTwice))
        #expect(d.message.contains("'a' and 'a2', both in eu-west-1a"))
        #expect(Self.load(["{name: sts, service: sts, subnets: [a, a]}"]).first(.endpointZoneTwice)?.message.contains("twice") == true)
    }

    @Test func privateDnsTwiceForOneService() throws {
        let r = Self.load(["{name: sts, service: sts, subnets: [a]}", "{name: sts2, service: com.amazonaws.eu-west-1.sts, subnets: [b]}"])
        let d = try #require(r.first(.endpointPrivateDnsConflict))
        #expect(d.message.contains("'sts2'") && d.location.line == 17 && d.notes.first?.location.line == 16)
        // One of them without private DNS: AWS accepts it.
        let ok = Self.load(["{name: sts, service: sts, subnets: [a]}", "{name: sts2, service: sts, subnets: [b], privateDns: false}"])
        #expect(ok.codes.isEmpty, "\(ok.diagnostics.map(\.formatted))")
    }

    @Test func privateDnsNeedsBothAttributes() throws {
        let off = Self.load(["{name: sts, service: sts, subnets: [a]}"], dns: "  enableDnsSupport: true")
        let d = try #require(off.first(.endpointPrivateDnsAttributes))
        #expect(d.message.contains("enableDnsHostnames false (the default for a VPC you create)"))
        let support = Self.load(["{name: sts, service: sts, subnets: [a]}"], dns: "  enableDnsSupport: false\n  enableDnsHostnames: true")
        #expect(support.first(.endpointPrivateDnsAttributes)?.message.contains("enableDnsSupport false") == true)
        #expect(support.first(.endpointPrivateDnsAttributes)?.notes.first?.location.line == 8)
        let noDns = Self.load(["{name: sts, service: sts, subnets: [a], privateDns: false}"], dns: "  enableDnsSupport: true")
        #expect(noDns.codes.isEmpty)
    }

    @Test func unknownAndForeignServices() throws {
        let typo = Self.load(["{name: e, service: secretmanager, subnets: [a]}"])
        let w = try #require(typo.first(.endpointUnknownService))
        #expect(w.severity == .warning && w.hint.contains("secretsmanager"))
        #expect(typo.validTopology != nil)
        let foreign = Self.load(["{name: e, service: com.amazonaws.us-east-1.sts, subnets: [a]}"])
        #expect(foreign.first(.endpointUnknownService)?.severity == .error)
        #expect(foreign.validTopology == nil)
    }

    /// Hostile values: wrong types, huge and negative numbers, empty and megabyte strings are
    /// located errors or warnings, never a crash, and messages stay short.
    @Test(arguments: [
        "{name: e, service: sts, subnets: [a], privateDns: 9223372036854775807}",
        "{name: e, service: sts, subnets: [a], privateDns: -1}",
        "{name: e, service: 9223372036854775807, subnets: [a]}",
        "{name: e, service: '', subnets: [a]}",
        "{name: e, service: sts, subnets: a}",
        "{name: e, service: sts, subnets: [-1]}",
        "{name: e, service: sts, subnets: [a], securityGroups: [nope]}",
        "{name: e, service: sts, subnets: [a], id: vpce-XYZ}",
        "{name: e, service: sts, subnets: [a], colour: blue}",
        "{name: e, service: [sts], subnets: [a]}",
        "just a string",
    ])
    func hostileValues(_ endpoint: String) throws {
        let r = Self.load([endpoint])
        #expect(!r.diagnostics.isEmpty, "\(endpoint)")
        #expect(r.diagnostics.allSatisfy { $0.location.line > 0 })
    }

    @Test func megabyteService() throws {
        let huge = String(repeating: "x", count: 1 << 20)
        let r = Self.load(["{name: e, service: \(huge), subnets: [a]}"])
        let d = try #require(r.first(.endpointUnknownService))
        #expect(d.message.utf8.count < 400)
        let dns = Self.load(["{name: e, service: sts, subnets: [a]}"], dns: "  enableDnsHostnames: \(huge)")
        #expect(dns.first(.wrongType) != nil)
    }
}
