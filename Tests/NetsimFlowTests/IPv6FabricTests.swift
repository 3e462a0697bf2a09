import Foundation
import NetsimFlow
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

/// IPv6 through the VPC fabric (Amazon VPC User Guide: security groups and network ACLs have
/// IPv6 rules that never match IPv4 and the other way round; route tables hold IPv6 routes apart
/// from IPv4 ones, longest prefix first, a `local` route per IPv6 block; an internet gateway
/// forwards IPv6 without NAT; an egress-only internet gateway lets replies in, never
/// connections).
@Suite("IPv6 in the VPC fabric")
struct IPv6FabricTests {
    static let web = "ip:2600:1f18:1234:ab00::10", app1 = "ip:2600:1f18:1234:ab01::10", app2 = "ip:2600:1f18:1234:ab02::10"

    static func network(_ edits: [(String, String)] = []) throws -> Network {
        var text = try String(contentsOf: Lab.root.appendingPathComponent("Tests/NetsimFlowTests/Fixtures/ipv6-fabric.yaml"), encoding: .utf8)
        for (a, b) in edits { #expect(text.contains(a)); text = text.replacingOccurrences(of: a, with: b) }
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: "ipv6-fabric.yaml")
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        return Network(topology: t, catalog: .builtin)
    }

    static func steps(_ t: Trace) -> [Step] { t.forward.hops.flatMap(\.steps) + (t.reply?.hops.flatMap(\.steps) ?? []) }

    /// A group reference matches the members' IPv6 addresses: app allows 8080 from group web,
    /// and web-1's IPv6 address is a member. The packet stays IPv6 end to end, routed by the
    /// VPC's IPv6 local route.
    @Test func securityGroupReferenceMatchesIPv6Members() throws {
        let t = try Lab.trace(try Self.network(), Self.web, Self.app1, port: 8080)
        #expect(t.disposition == .delivered, "\(t.explanations.map(\.message))")
        #expect(t.packet.family == .ipv6 && t.forward.finalPacket == t.packet)
        #expect(Self.steps(t).contains { $0.sentence.contains("2600:1f18:1234:ab00::/56 → local") })
        #expect(Self.steps(t).contains { $0.sentence.contains("\"app\" rule #1 allows tcp 8080 from sg") || $0.sentence.contains("\"app\" rule #1") })
    }

    /// An IPv4 rule never matches an IPv6 packet: app allows 9000 from 0.0.0.0/0 only, so the
    /// same host is let in over IPv4 and denied over IPv6.
    @Test func ipv4RulesNeverMatchIPv6() throws {
        let n = try Self.network()
        let v4 = try Lab.trace(n, "ip:10.0.0.10", "ip:10.0.32.10", port: 9000)
        #expect(v4.disposition == .delivered)
        let v6 = try Lab.trace(n, Self.web, Self.app1, port: 9000)
        #expect(v6.disposition == .deniedIn)
        #expect(v6.explanations.first?.code.rawValue == "ENI_SG_RULES_MISMATCH")
    }

    /// A network ACL's IPv6 rules judge IPv6 packets, first match: rule 100 denies SSH from ::/0.
    @Test func networkACLIPv6RuleDenies() throws {
        let t = try Lab.trace(try Self.network(), Self.app1, Self.app2, port: 22)
        #expect(t.disposition == .deniedIn)
        let e = try #require(t.explanations.first)
        #expect(e.code.rawValue == "SUBNET_ACL_RESTRICTION")
        #expect(e.message.contains("rule 100"), "\(e.message)")
        // Over IPv4 the IPv6 rules do not apply: rule 300 allows it.
        #expect(try Lab.trace(try Self.network(), "ip:10.0.32.10", "ip:10.0.64.10", port: 22).disposition == .delivered)
    }

    /// The internet gateway forwards IPv6 both ways without translation; the security group's
    /// ::/0 rule lets the connection in.
    @Test func internetGatewayCarriesIPv6WithoutNAT() throws {
        let t = try Lab.trace(try Self.network(), "internet", Self.web, port: 443)
        #expect(t.disposition == .delivered)
        #expect(t.packet.source.family == .ipv6)
        #expect(t.forward.finalPacket.destination == IPAddress("2600:1f18:1234:ab00::10"))
        #expect(Self.steps(t).contains { if case .ipv6Gateway(false, true, false) = $0.detail { return true }; return false })
        #expect(t.reply?.end == .exitsNetwork)
        #expect(!Self.steps(t).contains { if case .internetGatewaySourceNAT = $0.detail { return true }; return false })
    }

    /// The egress-only internet gateway: out and the reply back in (a session); a connection
    /// from the internet, where the VPC has no internet gateway, is EIGW_NO_INBOUND.
    @Test func egressOnlyGatewayLetsRepliesInNotConnections() throws {
        let n = try Self.network()
        let out = try Lab.trace(n, Self.app1, "ip:2606:4700::1111", port: 443)
        #expect(out.disposition == .exitsNetwork)
        #expect(out.forward.hops.contains { if case .egressOnlyInternetGateway("eigw") = $0.place { return true }; return false })
        #expect(out.reply?.end == .delivered)
        #expect(out.reply?.hops.flatMap(\.steps).contains { if case .ipv6Gateway(true, true, true) = $0.detail { return true }; return false } == true)

        let noIGW = try Self.network([("  internetGateway: {name: igw}\n", ""), ("target: igw}", "target: eigw}"),
                                      ("- {destination: 0.0.0.0/0, target: eigw}", "- {destination: 0.0.0.0/0, target: nat-a}")])
        let inbound = try Lab.trace(noIGW, "internet", Self.web, port: 443)
        #expect(inbound.disposition == .deniedIn)
        #expect(inbound.explanations.first?.code.rawValue == "EIGW_NO_INBOUND")
    }

    /// IPv6 routes: the longest prefix wins (a /48 blackhole over ::/0); a table with no IPv6
    /// route has no route for an IPv6 destination (its IPv4 default does not apply).
    @Test func ipv6RoutesLongestPrefixAndNoRoute() throws {
        let n = try Self.network()
        let black = try Lab.trace(n, Self.app1, "ip:2001:db8:dead::1", port: 443)
        #expect(black.disposition == .nullRouted)
        let other = try Lab.trace(n, Self.app1, "ip:2001:db8:beef::1", port: 443)
        #expect(other.disposition == .exitsNetwork)
        let isolated = try Lab.trace(n, Self.app2, "ip:2606:4700::1111", port: 443)
        #expect(isolated.disposition == .noRoute)
        #expect(isolated.explanations.first?.message.contains("has no route to 2606:4700::1111") == true)
    }

    /// The linear-scan twins (owners, members, IPv6 routes) give the indexes' answers.
    @Test func linearScanAgrees() throws {
        let flows = [(Self.web, Self.app1, UInt16(8080)), (Self.web, Self.app1, 9000), (Self.app1, Self.app2, 22),
                     ("internet", Self.web, 443), (Self.app1, "ip:2001:db8:dead::1", 443), (Self.app2, "ip:2606:4700::1111", 443)]
        let indexed = try Self.network(), scanned = try Self.network()
        scanned.fabric.linearScan = true
        for (a, b, p) in flows {
            let x = try Lab.trace(indexed, a, b, port: p), y = try Lab.trace(scanned, a, b, port: p)
            #expect(x.disposition == y.disposition, "\(a) → \(b)")
            #expect(x.forward.hops.count == y.forward.hops.count, "\(a) → \(b)")
        }
    }

    /// An IPv6 cluster's pod: addressed by its IPv6 address from its node's /80, through the
    /// node's IPv6 datapath, its primary ENI's groups, the IPv6 route to the egress-only
    /// internet gateway, and the reply back by the gateway's session.
    @Test func ipv6PodToTheInternetThroughTheEIGW() throws {
        let n = try Lab.network("Topologies/ipv6-cluster.yaml")
        let t = try Lab.trace(n, "deployment:shop/worker", "ip:2606:4700:4700::1111", port: 443)
        let node = try #require(n.fabric.realized.nodes.first { $0.name == n.fabric.realized.pods.first { $0.workload == "worker" }?.node })
        let prefix = try #require(node.ipv6Prefix)
        guard case .ipv6(let a) = t.packet.source else { Issue.record("not IPv6: \(t.packet)"); return }
        #expect(prefix.contains(a))
        #expect(node.ipv6Address.map { !prefix.contains($0) } == true, "the node's own address is not from a pod prefix")
        #expect(t.disposition == .exitsNetwork, "\(t.explanations.map(\.message))")
        #expect(t.forward.finalPacket.source == t.packet.source, "no translation on the way out")
        #expect(t.reply?.end == .delivered)
        #expect(t.caveats.isEmpty)
    }

    /// A Service of an IPv6 cluster has an IPv6 cluster IP from the cluster's /108 (fd00::/8),
    /// and kube-proxy's ip6tables DNAT it to an IPv6 pod.
    @Test func ipv6ServiceIsDNATedByIp6tables() throws {
        let n = try Lab.network("Topologies/ipv6-cluster.yaml")
        let t = try Lab.trace(n, "deployment:shop/worker", "service:shop/web", port: 80)
        #expect(t.disposition == .delivered, "\(t.explanations.map(\.message))")
        guard case .ipv6(let vip) = t.packet.destination else { Issue.record("cluster IP not IPv6: \(t.packet)"); return }
        let range = try #require(n.fabric.topology.cluster?.serviceIPv6Range(seed: n.fabric.topology.seed))
        #expect(range.prefixLength == 108 && range.contains(vip) && range.network.high >> 56 == 0xFD)
        #expect(t.forward.hops.flatMap(\.steps).contains { if case .kubeProxyDNAT = $0.detail { return true }; return false })
        guard case .ipv6 = t.forward.finalPacket.destination else { Issue.record("endpoint not IPv6"); return }
        // kube-dns at the tenth address, as EKS places it.
        let dns = try #require(n.fabric.realized.services.first { $0.name == "kube-dns" }?.clusterIPv6)
        #expect(dns == IPv6Address(high: range.network.high, low: range.network.low + 10))
    }

    /// An IPv6 pod to an IPv4-only destination: the egress plugin's 169.254.172.x, SNATed by the
    /// node to its primary IPv4, then the NAT gateway.
    @Test func ipv6PodsIPv4EgressIsSNATedAtTheNode() throws {
        let n = try Lab.network("Topologies/ipv6-cluster.yaml")
        let t = try Lab.trace(n, "deployment:shop/worker", "external:legacy-api", port: 443)
        #expect(t.disposition == .exitsNetwork, "\(t.explanations.map(\.message))")
        guard case .ipv4(let s) = t.packet.source else { Issue.record("\(t.packet)"); return }
        #expect(IPv4CIDR("169.254.172.0/22")?.contains(s) == true)
        #expect(t.forward.hops.contains { $0.place.description.contains("NAT gateway nat-a") })
        #expect(t.reply?.end == .delivered)
    }

    /// A dual-stack host named by its node group talks in the other end's family: SSH from the
    /// bastion's IPv6 address meets the nodes' group by the node's IPv6 address, and the group
    /// allows SSH from IPv4 only.
    @Test func dualStackNodeAnswersInTheCallersFamily() throws {
        let n = try Lab.network("Topologies/ipv6-cluster.yaml")
        let t = try Lab.trace(n, "ip:2600:1f14:7e0:9a00::10", "nodegroup:general", port: 22)
        #expect(t.packet.destination.family == .ipv6)
        #expect(t.disposition == .deniedIn)
        #expect(t.explanations.first?.code.rawValue == "ENI_SG_RULES_MISMATCH")
        let v4 = try Lab.trace(n, "ip:10.20.0.10", "nodegroup:general", port: 22)
        #expect(v4.disposition == .delivered, "\(v4.explanations.map(\.message))")
    }

    /// An IPv4 cluster in a dual-stack VPC: a node whose subnet assigns IPv6 addresses has one,
    /// the fabric carries IPv6 to it, and its datapath (an IPv4 cluster's node has no IPv6 side
    /// modelled) gives no verdict: NOT_MODELLED with the caveat, never a guess.
    @Test func ipv4ClusterNodeOverIPv6IsNotModelledAtTheNode() throws {
        let text = """
        apiVersion: netsim/v1
        kind: Topology
        name: v4ds
        region: us-east-1
        vpc:
          name: main
          cidrBlocks: [10.0.0.0/16]
          ipv6CidrBlocks: ["2600:1f18:1234:ab00::/56"]
          subnets:
            - {name: a, zone: us-east-1a, cidr: 10.0.0.0/20, ipv6Cidr: "2600:1f18:1234:ab00::/64", routeTable: pub, assignIpv6AddressOnCreation: true}
          internetGateway: {name: igw}
          routeTables:
            - {name: pub, routes: [{destination: 0.0.0.0/0, target: igw}, {destination: "::/0", target: igw}]}
          securityGroups:
            - name: nodes
              ingress: [{protocol: tcp, ports: 22, from: {ipv6Cidr: "::/0"}}]
        cluster:
          name: c
          nodeGroups:
            - {name: g, instanceType: m5.large, count: 1, subnets: [a], securityGroups: [nodes]}
        """
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: "v4ds.yaml")
        let n = Network(topology: try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))"), catalog: .builtin)
        let node = try #require(n.fabric.realized.nodes.first)
        let v6 = try #require(node.ipv6Address)
        #expect(node.ipv6Prefix == nil)
        let t = try Lab.trace(n, "ip:2001:db8::5", "nodegroup:g", port: 22)
        #expect(t.packet.destination == .ipv6(v6))
        #expect(t.forward.hops.flatMap(\.steps).contains { $0.action == .permitted && $0.type == "SecurityGroup" })
        #expect(t.disposition == .notModelled)
        #expect(t.caveats.contains { $0.kind == .ipv6NotModelled && $0.affectsVerdict })
    }
}
