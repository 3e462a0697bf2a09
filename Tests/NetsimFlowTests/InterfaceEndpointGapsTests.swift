import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimModel
import NetsimTopology
import Testing

/// What an interface endpoint of an AWS service takes (HTTPS: TCP 443), and `check`'s warning
/// for an endpoint subnet where EC2 could place no ENI, on the shipped private-cluster topology.
@Suite("interface VPC endpoints: ports and missing ENIs")
struct InterfaceEndpointGapsTests {
    static let openGroup = ("        - {protocol: tcp, ports: 443, from: {securityGroup: nodes}, description: HTTPS from the nodes and their pods}",
                            "        - {protocol: all, from: {securityGroup: nodes}, description: everything from the nodes}")
    static let openNodes = ("        - {protocol: tcp, ports: 443, to: {cidr: 10.60.0.0/16}, description: EKS API and interface endpoints}",
                            "        - {protocol: all, to: {cidr: 10.60.0.0/16}, description: everything in the VPC}")

    /// With the endpoint's group letting every port in, the service still takes only TCP 443:
    /// port 80 and UDP are refused at the endpoint (VPCE_SERVICE_PORT), 443 is delivered.
    @Test func onlyHTTPSReachesTheService() throws {
        let n = try InterfaceEndpointTraceTests.network([Self.openGroup, Self.openNodes])
        #expect(try Lab.trace(n, "deployment:payments/ledger", "aws:sts", port: 443).disposition == .delivered)
        let http = try Lab.trace(n, "deployment:payments/ledger", "aws:sts", port: 80)
        #expect(http.disposition == .deniedIn, "\(http.explanations.map(\.message))")
        let e = try #require(http.explanations.first)
        #expect(e.code.rawValue == "VPCE_SERVICE_PORT", "\(e.code)")
        #expect(e.message.contains("com.amazonaws.eu-central-1.sts") && e.message.contains("TCP 443") && e.message.contains("port 80"), "\(e.message)")
        #expect(e.location?.line == 53, "\(String(describing: e.location))")
        let udp = try Lab.trace(n, "deployment:payments/ledger", "aws:sts", port: 443, proto: .udp)
        #expect(udp.disposition == .deniedIn && udp.explanations.first?.code.rawValue == "VPCE_SERVICE_PORT", "\(udp.explanations.map(\.message))")
        // With the shipped group (443 only), port 80 is the group's denial, as before.
        let shipped = try Lab.trace(try InterfaceEndpointTraceTests.network(), "deployment:payments/ledger", "aws:sts", port: 80)
        #expect(shipped.explanations.first?.code.rawValue == "ENI_SG_RULES_MISMATCH")
    }

    /// An endpoint subnet without a free address: `check` warns at the endpoint (NS1418), and
    /// says so when the endpoint has no ENI anywhere.
    @Test func checkWarnsOfAnEndpointWithoutENI() throws {
        let svcs = ["ec2", "ec2messages", "ssmmessages", "secretsmanager", "elasticloadbalancing", "autoscaling", "eks", "monitoring",
                    "sqs", "sns", "xray", "events"]
        var eps = svcs.map { "    - {name: x-\($0), service: \($0), subnets: [tiny], securityGroups: [vpc-endpoints], privateDns: false}\n" }.joined()
        eps += "    - {name: kms, service: kms, subnets: [tiny, endpoints-b], securityGroups: [vpc-endpoints]}\n"
        eps += "    - {name: kms2, service: kinesis-streams, subnets: [tiny], securityGroups: [vpc-endpoints]}\n"
        var text = try String(contentsOf: Lab.root.appendingPathComponent(InterfaceEndpointTraceTests.file), encoding: .utf8)
        for (a, b) in [("    - {name: mgmt-a,      zone: eu-central-1a, cidr: 10.60.120.0/24, routeTable: endpoints}\n",
                        "    - {name: mgmt-a,      zone: eu-central-1a, cidr: 10.60.120.0/24, routeTable: endpoints}\n    - {name: tiny, zone: eu-central-1a, cidr: 10.60.121.0/28, routeTable: endpoints}\n"),
                       ("  routeTables:\n    - name: private\n", eps + "  routeTables:\n    - name: private\n")] {
            #expect(text.contains(a)); text = text.replacingOccurrences(of: a, with: b)
        }
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: "p.yaml")
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        let d = Network.checkDiagnostics(t, catalog: .builtin, file: "p.yaml").filter { $0.code == .endpointNoENI }
        let kms = try #require(d.first { $0.message.contains("'kms'") }, "\(d.map(\.formatted))")
        #expect(kms.severity == .warning && kms.message.contains("'tiny'") && !kms.message.contains("none anywhere") && !kms.hint.isEmpty)
        let kms2 = try #require(d.first { $0.message.contains("'kms2'") })
        #expect(kms2.message.contains("none anywhere"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[kms2.location.line - 1].contains("name: kms2"), "\(kms2.location)")
        // The shipped topology: every endpoint has its ENIs, no warning.
        let shipped = try #require(TopologyLoader(catalog: .builtin).load(path: Lab.root.appendingPathComponent(InterfaceEndpointTraceTests.file).path).validTopology)
        #expect(!Network.checkDiagnostics(shipped, catalog: .builtin, file: "x").contains { $0.code == .endpointNoENI })
    }

    /// An endpoint with a policy: a delivery to it holds for the network only; the trace says
    /// so with a caveat (ENDPOINT_POLICY_NOT_EVALUATED) at the endpoint, and the DNS step still
    /// notes it. Without a policy, no caveat.
    @Test func endpointPolicyIsACaveat() throws {
        let plain = try Lab.trace(try InterfaceEndpointTraceTests.network(), "deployment:payments/ledger", "aws:sts", port: 443)
        #expect(plain.disposition == .delivered && !plain.caveats.contains { $0.kind == .endpointPolicyNotEvaluated })
        let n = try InterfaceEndpointTraceTests.network([("    - {name: sts,     service: sts,     subnets: [endpoints-a, endpoints-b], securityGroups: [vpc-endpoints]}",
                                                           "    - {name: sts,     service: sts,     subnets: [endpoints-a, endpoints-b], securityGroups: [vpc-endpoints], policy: {Statement: [{Effect: Deny, Principal: '*', Action: '*', Resource: '*'}]}}")])
        let t = try Lab.trace(n, "deployment:payments/ledger", "aws:sts", port: 443)
        #expect(t.disposition == .delivered)
        let c = try #require(t.caveats.first { $0.kind == .endpointPolicyNotEvaluated }, "\(t.caveats.map(\.message))")
        #expect(c.affectsVerdict && c.message.contains("com.amazonaws.eu-central-1.sts") && c.message.contains("does not evaluate") && c.location?.line == 53)
        // A flow the network already refuses gets no policy caveat.
        let denied = try Lab.trace(n, "deployment:payments/ledger", "aws:sts", port: 80)
        #expect(!denied.caveats.contains { $0.kind == .endpointPolicyNotEvaluated })
    }
}
