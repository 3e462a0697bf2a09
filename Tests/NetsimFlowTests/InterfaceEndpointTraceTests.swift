import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimModel
import NetsimTopology
import Testing

/// Interface VPC endpoints in the fabric and `aws:SERVICE` flows, on the shipped
/// private-cluster topology (AWS PrivateLink guide: an ENI per subnet with the endpoint's
/// security groups; private DNS makes the service's regional name resolve to those ENIs in the
/// VPC, else the name resolves to the public service).
@Suite("interface VPC endpoints")
struct InterfaceEndpointTraceTests {
    static let file = "Topologies/private-cluster-endpoints.yaml"

    static func network(_ edits: [(String, String)] = []) throws -> Network {
        var text = try String(contentsOf: Lab.root.appendingPathComponent(file), encoding: .utf8)
        for (a, b) in edits { #expect(text.contains(a), "\(a)"); text = text.replacingOccurrences(of: a, with: b) }
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: file)
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        return Network(topology: t, catalog: .builtin)
    }

    static func dns(_ t: Trace) -> ServiceDNSAnswer? {
        for s in t.forward.hops.flatMap(\.steps) { if case .serviceDNS(let a) = s.detail { return a } }
        return nil
    }

    /// One requester-managed ENI per endpoint subnet, its address from that subnet's pool (and
    /// counted among the subnet's other addresses), with the endpoint's groups; the fabric owns it.
    @Test func endpointENIsComeFromTheSubnetPools() throws {
        let n = try Self.network()
        let enis = n.fabric.realized.interfaceEndpointENIs
        #expect(enis.count == 9)   // sts, ecr-api, ecr-dkr, logs in two subnets; ssm in one
        #expect(Set(enis.map(\.ip)).count == enis.count)
        for e in enis {
            let subnet = try #require(n.fabric.subnets[e.subnet]?.subnet)
            #expect(subnet.cidr.contains(e.ip) && !subnet.isReserved(e.ip))
            let pool = try #require(n.fabric.realized.ec2.poolIndex[e.subnet])
            #expect(n.fabric.realized.otherAddresses[pool]?.contains { $0.0 == e.ip && $0.1 == "VPC endpoint \(e.endpoint)" } == true)
            let iface = try #require(n.fabric.interface(owning: e.ip))
            #expect(iface.kind == .vpcEndpoint && iface.id == e.eniID)
            #expect(iface.securityGroups == (e.endpoint == "logs" ? ["logs-endpoint"] : ["vpc-endpoints"]))
            #expect(n.fabric.isMember(e.ip, vpc: "vault-apps", group: iface.securityGroups[0]))
        }
        #expect(enis.filter { $0.endpoint == "sts" }.map(\.zone).sorted() == ["eu-central-1a", "eu-central-1b"])
        // Deterministic: the same file gives the same addresses and IDs.
        let again = try Self.network().fabric.realized.interfaceEndpointENIs
        #expect(again.map(\.ip) == enis.map(\.ip) && again.map(\.eniID) == enis.map(\.eniID))
    }

    /// IRSA's token exchange: the pod resolves sts.REGION.amazonaws.com to the STS endpoint's ENI
    /// in its own zone (private DNS), the endpoint's group admits 443 from the nodes' group.
    @Test func podReachesSTSThroughItsZonesENI() throws {
        let n = try Self.network()
        for pod in n.fabric.realized.pods where pod.namespace == "payments" && pod.status == .running {
            let t = try Lab.trace(n, "pod:payments/\(pod.name)", "aws:sts", port: 443)
            #expect(t.disposition == .delivered)
            let a = try #require(Self.dns(t))
            #expect(a.dnsName == "sts.eu-central-1.amazonaws.com")
            guard case .endpointENI(let name, _, _, let address, let zone, let sameZone, let others) = a.answer else {
                Issue.record("not the endpoint's answer: \(a)"); continue
            }
            let nodeZone = try #require(n.fabric.nodeByName[pod.node ?? ""]?.zone)
            #expect(name == "sts" && zone == nodeZone && sameZone && others.count == 1)
            #expect(n.fabric.interface(owning: address)?.kind == .vpcEndpoint)
            #expect(t.packet.destination == .ipv4(address))
            #expect(t.forward.hops.flatMap(\.steps).contains { $0.type == "DNS" && $0.sentence.contains("private hosted zone of interface endpoint sts") })
        }
    }

    /// The image pull: ecr.api, ecr.dkr (whose name is the account's registry) and S3 through
    /// the gateway endpoint's prefix list.
    /// The regional name has no zone affinity (PrivateLink guide, DNS hostnames: it returns
    /// every endpoint ENI's address, and the client picks one): the step must not read as if
    /// DNS answered by zone, and says the zone is netsim's pick.
    @Test func dnsStepSaysTheZoneIsNetsimsPick() throws {
        let n = try Self.network()
        let t = try Lab.trace(n, "deployment:payments/ledger", "aws:sts", port: 443)
        let a = try #require(Self.dns(t))
        let text = Wording.serviceDNS(a)
        #expect(text.contains("a client may take any of them"), "\(text)")
        #expect(text.contains("netsim follows the one in the source's zone"), "\(text)")
        // No ENI in the source's zone: the first by zone, said so.
        let n2 = try Self.network([
            ("    - {name: mgmt-a,      zone: eu-central-1a, cidr: 10.60.120.0/24, routeTable: endpoints}\n",
             "    - {name: mgmt-a,      zone: eu-central-1a, cidr: 10.60.120.0/24, routeTable: endpoints}\n    - {name: endpoints-c, zone: eu-central-1c, cidr: 10.60.98.0/24, routeTable: endpoints}\n"),
            ("{name: sts,     service: sts,     subnets: [endpoints-a, endpoints-b]", "{name: sts,     service: sts,     subnets: [endpoints-b, endpoints-c]"),
        ])
        let nodeA = try #require(n2.fabric.realized.nodes.first { $0.zone == "eu-central-1a" })
        let a2 = try #require(Self.dns(try Lab.trace(n2, "node:\(nodeA.name)", "aws:sts", port: 443)))
        let text2 = Wording.serviceDNS(a2)
        #expect(text2.contains("no ENI in the source's zone") && text2.contains("returns its ENIs in eu-central-1c")
                && text2.contains("netsim follows the first by zone"), "\(text2)")
    }

    @Test func nodePullsFromECRAndS3() throws {
        let n = try Self.network()
        let api = try Lab.trace(n, "nodegroup:system", "aws:ecr.api", port: 443)
        #expect(api.disposition == .delivered && Self.dns(api)?.dnsName == "api.ecr.eu-central-1.amazonaws.com")
        let dkr = try Lab.trace(n, "nodegroup:system", "aws:ecr.dkr", port: 443)
        #expect(dkr.disposition == .delivered && Self.dns(dkr)?.dnsName == "123456789012.dkr.ecr.eu-central-1.amazonaws.com")
        let s3 = try Lab.trace(n, "nodegroup:system", "aws:s3", port: 443)
        #expect(s3.disposition == .exitsNetwork)
        guard case .gatewayEndpoint("s3-gateway", let pl, let a)? = Self.dns(s3)?.answer else { Issue.record("no gateway answer"); return }
        #expect(pl == "com.amazonaws.eu-central-1.s3" && a == IPv4Address(3, 5, 134, 10))
        #expect(s3.forward.hops.flatMap(\.steps).contains { if case .exitsNetwork(.gatewayEndpoint) = $0.detail { return true }; return false })
    }

    /// The endpoint's own security group judges inbound: the Logs endpoint admits 443 from the
    /// management subnet only, so the node is denied, and the block names that group.
    @Test func endpointGroupThatForgotTheNodesDenies() throws {
        let n = try Self.network()
        let t = try Lab.trace(n, "nodegroup:system", "aws:logs", port: 443)
        #expect(t.disposition == .deniedIn)
        let e = try #require(t.explanations.first)
        #expect(e.code.rawValue == "ENI_SG_RULES_MISMATCH")
        let group = try #require(n.fabric.groups["vault-apps/logs-endpoint"])
        #expect(e.component == group.id)
        // Given the rule, it passes.
        let fixed = try Self.network([("        - {protocol: tcp, ports: 443, from: {cidr: 10.60.120.0/24}, description: HTTPS from the management subnet}",
                                       "        - {protocol: tcp, ports: 443, from: {securityGroup: nodes}}")])
        #expect(try Lab.trace(fixed, "nodegroup:system", "aws:logs", port: 443).disposition == .delivered)
    }

    /// An endpoint with private DNS whose only subnet is full gets no ENI (EC2 refuses it:
    /// InsufficientFreeAddressesInSubnet): the step must say that, not "private DNS off".
    @Test func privateDNSEndpointWithoutENIIsNotCalledPrivateDNSOff() throws {
        let svcs = ["ec2", "ec2messages", "ssmmessages", "secretsmanager", "elasticloadbalancing", "autoscaling", "eks", "monitoring",
                    "sqs", "sns", "xray", "events"]
        var eps = svcs.map { "    - {name: x-\($0), service: \($0), subnets: [tiny], securityGroups: [vpc-endpoints], privateDns: false}\n" }.joined()
        eps += "    - {name: kms, service: kms, subnets: [tiny], securityGroups: [vpc-endpoints]}\n"
        let n = try Self.network([
            ("    - {name: mgmt-a,      zone: eu-central-1a, cidr: 10.60.120.0/24, routeTable: endpoints}\n",
             "    - {name: mgmt-a,      zone: eu-central-1a, cidr: 10.60.120.0/24, routeTable: endpoints}\n    - {name: tiny, zone: eu-central-1a, cidr: 10.60.121.0/28, routeTable: endpoints}\n"),
            ("  routeTables:\n    - name: private\n", eps + "  routeTables:\n    - name: private\n"),
        ])
        #expect(!n.fabric.realized.interfaceEndpointENIs.contains { $0.endpoint == "kms" })
        let t = try Lab.trace(n, "deployment:payments/ledger", "aws:kms", port: 443)
        let a = try #require(Self.dns(t))
        guard case .publicService(_, .endpointWithoutENI("vault-apps", let eps2)) = a.answer else { Issue.record("\(a.answer)"); return }
        #expect(eps2 == ["kms"])
        let text = Wording.serviceDNS(a)
        #expect(text.contains("got no ENI") && !text.contains("private DNS off"), "\(text)")
    }

    /// Private DNS off, or no endpoint: the name resolves to the public service (a stand-in
    /// address, said so), which a cluster without NAT cannot reach; with a NAT gateway it leaves.
    @Test func publicAnswerWithoutPrivateDNS() throws {
        let n = try Self.network()
        let ssm = try Lab.trace(n, "nodegroup:system", "aws:ssm", port: 443)
        guard case .publicService(let a, .privateDnsOff(_, let eps))? = Self.dns(ssm)?.answer else { Issue.record("not public"); return }
        #expect(eps == ["ssm"] && a == AWSService.standInPublicAddress("ssm", region: "eu-central-1", seed: 16))
        #expect(n.fabric.interface(owning: a) == nil)
        #expect(ssm.forward.end == .noRoute)
        let kms = try Lab.trace(n, "deployment:payments/ledger", "aws:kms", port: 443)
        guard case .publicService(_, .noEndpoint("vault-apps"))? = Self.dns(kms)?.answer else { Issue.record("not public"); return }
        #expect(kms.forward.end == .noRoute)
        #expect(kms.forward.hops.flatMap(\.steps).contains { $0.sentence.contains("stand-in for the service's public addresses") })
        // The same endpoint with private DNS on captures the name.
        let on = try Self.network([("securityGroups: [vpc-endpoints], privateDns: false}", "securityGroups: [vpc-endpoints]}")])
        let ssmOn = try Lab.trace(on, "nodegroup:system", "aws:ssm", port: 443)
        #expect(ssmOn.disposition == .delivered)
        guard case .endpointENI(_, _, _, _, let zone, _, let others)? = Self.dns(ssmOn)?.answer else { Issue.record("not private"); return }
        #expect(zone == "eu-central-1a" && others.isEmpty)
    }

    /// A source in a zone where the endpoint has no ENI gets the ENI of another zone, and the
    /// step says it has none in the source's zone.
    @Test func sourceZoneWithoutENI() throws {
        let n = try Self.network([("{name: ssm,     service: ssm,     subnets: [endpoints-a], securityGroups: [vpc-endpoints], privateDns: false}",
                                   "{name: ssm,     service: ssm,     subnets: [endpoints-a], securityGroups: [vpc-endpoints]}")])
        let nodeB = try #require(n.fabric.realized.nodes.first { $0.zone == "eu-central-1b" })
        let t = try Lab.trace(n, "node:\(nodeB.name)", "aws:ssm", port: 443)
        guard case .endpointENI(_, _, _, _, "eu-central-1a", false, _)? = Self.dns(t)?.answer else { Issue.record("\(String(describing: Self.dns(t)))"); return }
        #expect(t.disposition == .delivered)
        #expect(t.forward.hops.flatMap(\.steps).contains { $0.sentence.contains("no ENI in the source's zone") })
    }

    /// `aws:` names: the full endpoint service name of the region works; another region, an
    /// unknown service and `aws:` as a source are refused with a message.
    @Test func awsEndpointNames() throws {
        let n = try Self.network()
        let full = try Lab.trace(n, "nodegroup:system", "aws:com.amazonaws.eu-central-1.sts", port: 443)
        #expect(full.disposition == .delivered)
        func invalid(_ from: String, _ to: String) -> String? {
            guard case .invalid(let m, _) = n.trace(FlowRequest(from: try! Endpoint.parse(from).get(), to: try! Endpoint.parse(to).get(), port: 443)) else { return nil }
            return m
        }
        #expect(invalid("nodegroup:system", "aws:com.amazonaws.us-east-1.sts")?.contains("not a service of region eu-central-1") == true)
        #expect(invalid("nodegroup:system", "aws:stss")?.contains("did you mean aws:sts") == true)
        #expect(invalid("aws:sts", "nodegroup:system")?.contains("is a destination") == true)
        #expect(Endpoint.parse("aws:").isFailure && Endpoint.parse("aws:a/b").isFailure && Endpoint.parse(String(repeating: "a", count: 200).withPrefix("aws:")).isFailure)
        #expect(try Endpoint.parse("AWS:sts").get() == .aws("sts"))
    }

    /// The private hosted zone belongs to the endpoint's VPC: a host in another VPC resolves the
    /// name publicly; so does a host in a VPC whose Amazon-provided DNS is off.
    @Test func otherVPCsAndDNSSupportOffGetThePublicAnswer() throws {
        let n = try Self.network([("\ncluster:\n", """

            peerVpcs:
              - name: tools
                cidrBlocks: [10.61.0.0/16]
                subnets:
                  - {name: tools-a, zone: eu-central-1a, cidr: 10.61.0.0/24}
            externals:
              - {name: runner, address: 10.61.0.10, subnet: tools-a}

            cluster:

            """)])
        let t = try Lab.trace(n, "external:runner", "aws:sts", port: 443)
        guard case .publicService(_, .noEndpoint("tools"))? = Self.dns(t)?.answer else { Issue.record("\(String(describing: Self.dns(t)))"); return }
        var text = try String(contentsOf: Lab.root.appendingPathComponent("Topologies/private-cluster-s3-endpoint.yaml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "  cidrBlocks: [10.50.0.0/16]\n", with: "  cidrBlocks: [10.50.0.0/16]\n  enableDnsSupport: false\n")
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: "off.yaml")
        let noDNS = Network(topology: try #require(r.validTopology), catalog: .builtin)
        let u = try Lab.trace(noDNS, "deployment:reports/exporter", "aws:sts", port: 443)
        guard case .publicService(_, .dnsSupportOff("vault-data"))? = Self.dns(u)?.answer else { Issue.record("\(String(describing: Self.dns(u)))"); return }
        #expect(u.forward.hops.flatMap(\.steps).contains { $0.sentence.contains("enableDnsSupport false") })
    }

    /// A full subnet leaves endpoints without an ENI there: one capacity warning for the subnet,
    /// and the endpoints that got one are unaffected.
    @Test func fullSubnetLeavesEndpointsWithoutENI() throws {
        let extra = (0..<300).map { "    - {name: x\($0), service: sts, subnets: [endpoints-a], privateDns: false}" }.joined(separator: "\n")
        let n = try Self.network([("  routeTables:\n    - name: private\n", extra + "\n  routeTables:\n    - name: private\n")])
        let r = n.fabric.realized
        let inA = r.interfaceEndpointENIs.filter { $0.subnet == "endpoints-a" }
        #expect(inA.count == 251)                                   // a /24 holds 256 - 5 reserved
        let warnings = r.warnings.filter { $0.message.contains("interface endpoint") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.message.contains("and 51 more") == true)
        #expect(try Lab.trace(n, "deployment:payments/ledger", "aws:sts", port: 443).disposition == .delivered)
    }

    /// A topology without interface endpoints indexes none and keeps every interface it had.
    @Test func noEndpointsNoENIs() throws {
        let n = try Lab.network("Topologies/private-cluster-s3-endpoint.yaml")
        #expect(n.fabric.realized.interfaceEndpointENIs.isEmpty)
        #expect(!n.fabric.interfaces.contains { $0.kind == .vpcEndpoint })
        let t = try Lab.trace(n, "deployment:reports/exporter", "aws:sts", port: 443)
        guard case .publicService(_, .noEndpoint("vault-data"))? = Self.dns(t)?.answer else { Issue.record("not public"); return }
    }
}

extension Result {
    var isFailure: Bool { if case .failure = self { return true }; return false }
}

extension String {
    func withPrefix(_ p: String) -> String { p + self }
}
