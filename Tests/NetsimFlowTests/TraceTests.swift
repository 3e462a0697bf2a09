import Foundation
import NetsimFlow
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import NetsimIPAM
import NetsimVPC
import Testing

enum Lab {
    static let root = Repo.root
    static func network(_ relative: String) throws -> Network {
        let path = relative.hasPrefix("/") ? relative : root.appendingPathComponent(relative).path
        let r = TopologyLoader(catalog: .builtin).load(path: path)
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        return Network(topology: t, catalog: .builtin)
    }
    static let lab: Network? = try? network("Tests/NetsimFlowTests/Fixtures/fabric-lab.yaml")

    static func trace(_ n: Network, _ from: String, _ to: String, port: UInt16? = nil, proto: IPProtocol = .tcp) throws -> Trace {
        let f = try Endpoint.parse(from).get(), t = try Endpoint.parse(to).get()
        guard case .traced(let trace) = n.trace(FlowRequest(from: f, to: t, ipProtocol: proto, port: port)) else {
            Issue.record("\(from) → \(to) was not traced"); throw CancellationError()
        }
        return trace
    }
}

@Suite("fabric semantics")
struct TraceTests {
    var lab: Network { get throws { try #require(Lab.lab) } }

    /// NACLs are stateless: the reply leaves on the client's ephemeral port, and a NACL that
    /// allows only port 22 out blocks it.
    @Test func naclReplyOnEphemeralPort() throws {
        let t = try Lab.trace(lab, "external:worker", "external:vault", port: 22)
        #expect(t.forward.end == .delivered)
        #expect(t.disposition == .deniedOut)
        let e = try #require(t.explanations.first)
        #expect(e.code.rawValue == "SUBNET_ACL_RESTRICTION" && e.direction == .reply)
        #expect(t.reply?.hops.flatMap(\.steps).contains { $0.type == "NetworkACL" && $0.action == .denied && $0.sentence.contains("strict") } == true)
        #expect(t.packet.sourcePort >= 32768 && t.packet.sourcePort <= 60999)
        #expect(e.message.contains("port \(t.packet.sourcePort)"))
    }

    /// A rule referencing a group matches the private addresses of its members, never their
    /// public addresses: web → api over private addresses is allowed, over api's public IP
    /// (out the internet gateway and back) it is not.
    @Test func groupReferenceMatchesPrivateNotPublic() throws {
        let direct = try Lab.trace(lab, "external:web", "external:api", port: 8080)
        #expect(direct.disposition == .delivered)
        let viaPublic = try Lab.trace(lab, "external:web", "ip:3.80.10.21", port: 8080)
        #expect(viaPublic.disposition == .deniedIn)
        #expect(viaPublic.explanations.first?.code.rawValue == "ENI_SG_RULES_MISMATCH")
        #expect(viaPublic.forward.hops.contains { $0.place.description.contains("internet gateway") })
        #expect(viaPublic.forward.finalPacket.source == IPv4Address(3, 80, 10, 20))
    }

    @Test func blackholeAndLongestPrefix() throws {
        // 10.1.5.0/24 → blackhole is more specific than 10.1.0.0/16 → peering.
        let black = try Lab.trace(lab, "external:api", "external:peer-app", port: 5432)
        #expect(black.disposition == .nullRouted)
        #expect(black.explanations.first?.code.rawValue == "BAD_STATE_ROUTE")
        #expect(black.reply == nil)
        let routed = try Lab.trace(lab, "external:api", "external:peer-db", port: 5432)
        let step = try #require(routed.forward.hops.flatMap(\.steps).first { $0.type == "Routing" && $0.sentence.contains("route table") })
        #expect(step.sentence.contains("10.1.0.0/16 → lab-to-peer"))
    }

    /// Interfaces without groups get the VPC's default group, which admits only its own members.
    @Test func defaultSecurityGroup() throws {
        #expect(try Lab.trace(lab, "external:legacy-1", "external:legacy-2", port: 5000).disposition == .delivered)
        let t = try Lab.trace(lab, "external:worker", "external:legacy-2", port: 5000)
        #expect(t.disposition == .deniedIn)
        #expect(t.explanations.first?.message.contains("\"default\"") == true)
    }

    @Test func internetGatewayNeedsAPublicAddress() throws {
        let t = try Lab.trace(lab, "external:bastion", "internet", port: 443)
        #expect(t.disposition == .deniedOut)
        #expect(t.explanations.first?.code.rawValue == "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS")
        let ok = try Lab.trace(lab, "external:web", "internet", port: 443)
        #expect(ok.disposition == .exitsNetwork)
        #expect(ok.forward.finalPacket.source == IPv4Address(3, 80, 10, 20))
        // And inbound: the internet reaches web's public address, not a private one.
        #expect(try Lab.trace(lab, "internet", "ip:3.80.10.20", port: 80).disposition == .delivered)
        // A host with a public address is reached at it; one without cannot be reached.
        let web = try Lab.trace(lab, "internet", "external:web", port: 80)
        #expect(web.disposition == .delivered && web.packet.destination == IPv4Address(3, 80, 10, 20))
        let priv = try Lab.trace(lab, "internet", "external:bastion", port: 22)
        #expect(priv.disposition == .noRoute && priv.explanations.first?.code.rawValue == "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS")
    }

    /// A NAT gateway translates TCP, UDP and ICMP to its own address and port, and nothing else.
    @Test func natGatewayProtocols() throws {
        for proto in [IPProtocol.tcp, .udp, .icmp] {
            let t = try Lab.trace(lab, "external:worker", "internet", port: proto == .icmp ? nil : 53, proto: proto)
            #expect(t.disposition == .exitsNetwork, "\(proto)")
            let nat = try #require(t.forward.hops.first { $0.place.description.hasPrefix("NAT gateway nat") })
            #expect(nat.steps.contains { $0.type == "SourceNAT" })
            if proto != .icmp {
                #expect(t.reply?.end == .delivered)
                #expect(t.reply?.finalPacket.destination == IPv4Address(10, 0, 1, 30))
                #expect(t.reply?.finalPacket.destinationPort == t.packet.sourcePort)
            }
        }
        let gre = try Lab.trace(lab, "external:worker", "internet", proto: .number(47))
        #expect(gre.disposition == .deniedIn && gre.explanations.first?.code.rawValue == "PROTOCOL_RESTRICTION")
    }

    /// Peering delivers into the peer VPC (whose group may reference ours), but is not
    /// transitive: an address outside the peer's CIDRs is refused.
    @Test func peering() throws {
        let t = try Lab.trace(lab, "external:api", "external:peer-db", port: 5432)
        #expect(t.disposition == .delivered)
        #expect(t.forward.hops.contains { $0.place.description.hasPrefix("peering connection lab-to-peer") })
        let wrongGroup = try Lab.trace(lab, "external:worker", "external:peer-db", port: 5432)
        #expect(wrongGroup.disposition == .deniedIn)
    }

    /// Each VPC's `default` group is its own: two peer hosts in the peer's default group talk.
    @Test func defaultGroupOfAPeerVPC() throws {
        #expect(try Lab.trace(lab, "external:peer-d1", "external:peer-d2", port: 9000).disposition == .delivered)
        #expect(try Lab.trace(lab, "external:legacy-1", "external:peer-d2", port: 9000).disposition == .deniedIn)
    }

    /// Through an appliance the packet keeps its source address but loses its security-group
    /// identity, and the appliance's subnet inbound ACL is evaluated.
    @Test func groupIdentityIsLostThroughAnAppliance() throws {
        let t = try Lab.trace(lab, "external:api", "external:guarded", port: 8443)
        #expect(t.disposition == .deniedIn)
        #expect(t.explanations.first?.code.rawValue == "SG_REFERENCES_NOT_PRESERVED")
        let box = try #require(t.forward.hops.firstIndex { $0.place.description.hasPrefix("interface box-a") })
        #expect(t.forward.hops[..<box].contains { $0.place.description == "subnet loop-a" && $0.steps.contains { $0.type == "NetworkACL" && $0.sentence.hasPrefix("inbound") } })
    }

    /// A NACL that lets replies out only on ports 1024–40000 fails part of the connections
    /// whatever port this trace drew: the client picks from 32768–60999.
    @Test func replyPortRange() throws {
        for sp: UInt16 in [33000, 50000] {
            let f = try Endpoint.parse("external:worker").get(), to = try Endpoint.parse("external:half").get()
            guard case .traced(let t) = try lab.trace(FlowRequest(from: f, to: to, port: 80, sourcePort: sp)) else { Issue.record("not traced"); continue }
            #expect(t.disposition == (sp <= 40000 ? .delivered : .deniedOut), "port \(sp)")
        }
        let t = try Lab.trace(lab, "external:worker", "external:half", port: 80)
        #expect(t.disposition == .deniedOut)
        let e = try #require(t.explanations.first)
        #expect(e.direction == .reply && e.message.contains("40001-60999"))
    }

    @Test func icmpEchoReplyIsTraced() throws {
        let t = try Lab.trace(lab, "external:worker", "internet", proto: .icmp)
        #expect(t.reply?.end == .delivered)
        #expect(t.reply?.finalPacket.icmpType == 0)
    }

    @Test func routingLoopEnds() throws {
        // (Kept short: the loop is found on the second visit to a subnet with the same addresses.)
        // box-a and box-b route 192.0.2.0/24 to each other: the walk ends, LOOP.
        let t = try Lab.trace(lab, "external:api", "ip:192.0.2.7", port: 80)
        #expect(t.disposition == .loop)
        #expect(t.explanations.last?.code.rawValue == "LOOP")
    }

    @Test func sameSubnetSkipsACLAndRoutes() throws {
        let t = try Lab.trace(lab, "external:api", "external:worker", port: 22)
        #expect(t.disposition == .delivered)
        let steps = t.forward.hops.flatMap(\.steps)
        #expect(!steps.contains { $0.type == "NetworkACL" || ($0.component ?? "").hasPrefix("rtb-") })
        #expect(steps.contains { $0.sentence.contains("same subnet") })
    }

    /// Blocks are all listed: an SG egress miss, then the ingress miss, with their lines.
    @Test func everyBlockIsListed() throws {
        // vault's strict NACL allows only port 22 out, and api's group admits only web on 8080.
        let t = try Lab.trace(lab, "external:vault", "external:api", port: 9999)
        // … and the reply would meet the strict NACL again, inbound on the ephemeral port.
        #expect(t.explanations.map(\.code.rawValue) == ["SUBNET_ACL_RESTRICTION", "ENI_SG_RULES_MISMATCH", "SUBNET_ACL_RESTRICTION"])
        #expect(t.explanations.map(\.direction) == [.forward, .forward, .reply])
        #expect(t.disposition == .deniedOut)
        #expect(t.explanations.allSatisfy { $0.location != nil })
    }
}

@Suite("quickstart intents")
struct QuickstartIntentTests {
    @Test func fabricIntentsHold() throws {
        let n = try Lab.network("Topologies/quickstart.yaml")
        let results = n.evaluate(n.fabric.topology.expectations)
        let byName = Dictionary(uniqueKeysWithValues: results.map { ($0.intent.name, $0) })
        #expect(byName["cart reads orders"]?.status == .passed)
        #expect(byName["pods are not public"]?.status == .passed)
        #expect(byName["database is private"]?.status == .passed)
        // Pod to Service goes through kube-proxy's rules; the internet reaches the Service
        // through its NLB and the Ingress (path /cart) through its ALB.
        #expect(byName["frontend calls cart"]?.status == .passed)
        #expect(byName["shoppers reach frontend"]?.status == .passed)
        #expect(byName["shoppers reach the store"]?.status == .passed)
        #expect(byName["shoppers reach the store"]?.trace?.loadBalancer?.kind == "ALB")
        #expect(!results.contains { $0.status == .failed })
    }

    /// The frontend reaches orders-db on 5432; cart leaves for the internet through a NAT
    /// gateway with the node's address (the VPC CNI's SNAT) and comes back; the internet cannot
    /// open a connection to a cart pod.
    @Test func quickstartFlows() throws {
        let n = try Lab.network("Topologies/quickstart.yaml")
        #expect(try Lab.trace(n, "deployment:shop/frontend", "external:orders-db", port: 5432).disposition == .delivered)
        let out = try Lab.trace(n, "deployment:shop/cart", "internet", port: 443)
        #expect(out.disposition == .exitsNetwork)
        #expect(out.forward.hops.contains { $0.place.description.hasPrefix("NAT gateway nat-") })
        #expect(out.forward.hops.contains { $0.steps.contains { $0.sentence.contains("AWS-SNAT-CHAIN-0") } })
        #expect(out.reply?.end == .delivered)
        let inbound = try Lab.trace(n, "internet", "deployment:shop/cart", port: 8080)
        #expect(!inbound.delivered)
    }

    @Test func tracesAreDeterministic() throws {
        let a = try Lab.network("Topologies/quickstart.yaml"), b = try Lab.network("Topologies/quickstart.yaml")
        let ta = try Lab.trace(a, "deployment:shop/cart", "internet", port: 443)
        let tb = try Lab.trace(b, "deployment:shop/cart", "internet", port: 443)
        #expect(ta.packet == tb.packet)
        #expect(ta.forward.hops.map(\.place) == tb.forward.hops.map(\.place))
        #expect(ta.forward.finalPacket == tb.forward.finalPacket)
    }
}

@Suite("node-local traffic")
struct NodeLocalTests {
    /// Two pods on one node talk through the host's routes: no ENI, group or ACL in between.
    @Test func podsOnOneNodeStayOnTheHost() throws {
        let n = try Lab.network("Topologies/quickstart.yaml")
        let pods = n.fabric.realized.pods.filter { !$0.hostNetwork && $0.ip != nil }
        let byNode = Dictionary(grouping: pods, by: { $0.node ?? "" })
        let pair = try #require(byNode.values.first { $0.count >= 2 })
        let t = try Lab.trace(n, "pod:\(pair[0].namespace)/\(pair[0].name)", "pod:\(pair[1].namespace)/\(pair[1].name)", port: 8080)
        #expect(t.disposition == .delivered)
        let steps = t.forward.hops.flatMap(\.steps) + (t.reply?.hops.flatMap(\.steps) ?? [])
        #expect(!steps.contains { $0.type == "SecurityGroup" || $0.type == "NetworkACL" })
        #expect(t.forward.hops.contains { $0.place.description == "node \(pair[0].node ?? "")" })
    }
}
