import Foundation
import NetsimFlow
import NetsimModel
import NetsimRender
import NetsimTestSupport
import NetsimTopology
import Testing

/// `netsim describe`: what netsim realized for a load balancer, node, pod or ENI, checked
/// against the realized model and, for JSON, reviewed golden files.
@Suite struct DescribeTests {
    static func network(_ path: String) throws -> Network {
        Repo.enterRoot()
        let r = TopologyLoader(catalog: .builtin).load(path: path)
        return Network(topology: try #require(r.validTopology), catalog: .builtin)
    }

    @Test func loadBalancerListsEveryZonesAddress() throws {
        let n = try Self.network("Topologies/quickstart.yaml")
        let d = try Description.describe("ing:shop/storefront", in: n).get()
        let lb = try #require(d.loadBalancer)
        let real = try #require(n.fabric.loadBalancers.first { $0.owners.contains("ingress:shop/storefront") })
        #expect(lb.addresses.map(\.zone) == real.nodes.map(\.zone) && real.nodes.count == 2)
        #expect(lb.addresses.map(\.privateIp) == real.nodes.map { "\($0.privateIP)" })
        #expect(lb.addresses.map(\.eniId) == real.nodes.map(\.eniID))
        try Golden.assert(DescribeRenderer.render(d, as: .json), matches: "Tests/NetsimTopologyTests/Fixtures/golden/describe-alb.json")
        // The other zone's address is a destination a trace reaches: the ALB's node there.
        let other = try #require(lb.addresses.last?.publicIp)
        let res = EndpointResolver(fabric: n.fabric).resolve(.ip(.ipv4(try #require(IPv4Address(other)))))
        guard case .resolved(let ep) = res else { Issue.record("\(other) does not resolve"); return }
        #expect(ep.label.contains("in \(lb.addresses.last?.zone ?? "?")"))
        let text = DescribeRenderer.render(d, as: .text)
        #expect(text.hasPrefix("ALB \(real.name)\n"))
        for a in lb.addresses { #expect(text.contains("\(a.zone)  \(a.privateIp)")) }
    }

    /// nlb-local (externalTrafficPolicy: Local) has healthy targets only in us-east-1a, cross-zone
    /// off: describe says DNS returns only that zone's address and why, from the function the
    /// trace asks (`Tracer.dnsAnswer`); nlb-cluster has healthy targets in two of three zones.
    /// A dualstack load balancer's DNS name answers AAAA records beside the A records; an
    /// internet-facing dualstack-without-public-ipv4 one answers AAAA only (it has no public IPv4
    /// address, and DNS never hands its private one to the internet).
    @Test func dualstackDNSAnswersAAAARecords() throws {
        let n = try Self.network("Topologies/ipv6-cluster.yaml")
        let lb = try #require(try Description.describe("ingress:shop/web", in: n).get().loadBalancer)
        let dns = try #require(lb.dns.first)
        let v4 = lb.addresses.compactMap(\.publicIp), v6 = lb.addresses.compactMap(\.ipv6)
        #expect(v4.count == 2 && v6.count == 2)
        #expect(dns.addresses == v4 + v6, "\(dns.addresses)")
        Repo.enterRoot()
        let text = try String(contentsOfFile: "Topologies/ipv6-cluster.yaml", encoding: .utf8)
            .replacingOccurrences(of: "ip-address-type: dualstack\n", with: "ip-address-type: dualstack-without-public-ipv4\n")
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: "nopub.yaml")
        let m = Network(topology: try #require(r.validTopology), catalog: .builtin)
        let nopub = try #require(try Description.describe("ingress:shop/web", in: m).get().loadBalancer)
        #expect(nopub.addresses.allSatisfy { $0.publicIp == nil })
        #expect(nopub.dns.first?.addresses == nopub.addresses.compactMap(\.ipv6), "\(nopub.dns.first?.addresses ?? [])")
    }

    @Test func loadBalancerSaysWhichAddressesDNSReturns() throws {
        let n = try Self.network("Tests/NetsimTopologyTests/Fixtures/nlb-zones.yaml")
        let d = try Description.describe("lb:lab/nlb-local", in: n).get()
        let lb = try #require(d.loadBalancer)
        #expect(lb.addresses.map(\.zone) == ["us-east-1a", "us-east-1b", "us-east-1c"])
        let dns = try #require(lb.dns.first)
        #expect(lb.dns.count == 1 && dns.listener == "TCP:80")
        #expect(dns.zones == ["us-east-1a"] && dns.addresses == [lb.addresses[0].publicIp].compactMap { $0 })
        #expect(dns.reason.contains("us-east-1b, us-east-1c have no healthy target and cross-zone load balancing is off"))
        let text = DescribeRenderer.render(d, as: .text)
        #expect(!text.contains("returns them all"))
        #expect(text.contains("DNS for TCP:80 returns \(dns.addresses[0]) (us-east-1a): "))
        #expect(DescribeRenderer.render(d, as: .json).contains("\"dns\""))
        // The trace enters where describe says DNS points.
        guard case .traced(let t) = n.trace(FlowRequest(from: .internet, to: .loadBalancer(namespace: "lab", name: "nlb-local"), port: 80)) else {
            Issue.record("not traced"); return
        }
        #expect(t.loadBalancer?.zone == "us-east-1a" && t.dnsChoice == nil)
        let c = try #require(try Description.describe("lb:lab/nlb-cluster", in: n).get().loadBalancer?.dns.first)
        #expect(c.zones == ["us-east-1a", "us-east-1b"] && c.reason.contains("us-east-1c has no healthy target"))
    }

    /// `--all-paths` to nlb-cluster follows both addresses DNS returns (one path per node, and
    /// through each every target its node can pick), not only the first zone's node.
    @Test func allPathsFollowsEveryAddressDNSReturns() throws {
        let n = try Self.network("Tests/NetsimTopologyTests/Fixtures/nlb-zones.yaml")
        let traces = n.traceAllPaths(FlowRequest(from: .internet, to: .loadBalancer(namespace: "lab", name: "nlb-cluster"), port: 80)).compactMap { o -> Trace? in
            if case .traced(let t) = o { return t }
            return nil
        }
        #expect(Set(traces.compactMap { $0.loadBalancer?.zone }) == ["us-east-1a", "us-east-1b"])
        #expect(traces.allSatisfy { $0.dnsChoice?.branched == true && $0.dnsChoice?.addresses.count == 2 })
        #expect(traces.map { $0.dnsChoice?.position ?? -1 } == [0, 0, 1])
        #expect(traces.map(\.packet.destination) == traces.map { t in t.dnsChoice.map { IPAddress.ipv4($0.addresses[$0.position].address) } ?? t.packet.destination })
        let text = TraceRenderer.render(paths: traces, as: .text, color: false)
        #expect(text.contains("DNS address 2 of 2: the DNS name returns 1. ") && text.contains("this trace follows the node in us-east-1b"))
        // One zone in DNS: one path per target, no DNS branching.
        let local = n.traceAllPaths(FlowRequest(from: .internet, to: .loadBalancer(namespace: "lab", name: "nlb-local"), port: 80))
        #expect(local.allSatisfy { if case .traced(let t) = $0 { return t.dnsChoice == nil }; return false })
    }

    @Test func nodeAndENIShowDelegatedPrefixes() throws {
        let n = try Self.network("Topologies/prefix-delegation-dense-nodes.yaml")
        let node = try #require(n.fabric.realized.nodes.first)
        let d = try Description.describe("node:\(node.name)", in: n).get()
        let described = try #require(d.node)
        let prefixes = node.ipam.enis.flatMap { $0.cidrs.filter { $0.size == 16 }.map { "\($0.cidr)" } }
        #expect(!prefixes.isEmpty)
        #expect(described.enis.flatMap { $0.prefixes ?? [] } == prefixes)
        try Golden.assert(DescribeRenderer.render(d, as: .json), matches: "Tests/NetsimTopologyTests/Fixtures/golden/describe-node.json")
        // The same ENI by its ID, and `node --show enis` lists its prefixes too.
        let eni = try #require(node.ipam.enis.first)
        let e = try #require(try Description.describe("eni:\(eni.id)", in: n).get().eni)
        #expect(e.prefixes == eni.cidrs.filter { $0.size == 16 }.map { "\($0.cidr)" } && e.node == node.name)
        let dp = try #require(NodeDatapath(fabric: n.fabric, node: node.name))
        for p in prefixes { #expect(dp.enisText.contains(p), "\(dp.enisText)") }
    }

    @Test func podAndMistakes() throws {
        let n = try Self.network("Topologies/quickstart.yaml")
        let pod = try #require(n.fabric.realized.pods.first { $0.workload == "frontend" && $0.ip != nil })
        let d = try Description.describe("po:shop/\(pod.name)", in: n).get()
        let p = try #require(d.pod)
        let ip = try #require(pod.ip)
        #expect(p.ip == "\(ip)" && p.node == pod.node && p.eniId == n.fabric.interface(owning: ip)?.id)
        try Golden.assert(DescribeRenderer.render(d, as: .json), matches: "Tests/NetsimTopologyTests/Fixtures/golden/describe-pod.json")
        for bad in ["pod:shop/frontend", "node:nope", "eni:eni-0", "service:shop/nope", "deployment:shop/cart", "bogus", "svc:kube-system/kube-dns"] {
            guard case .failure = Description.describe(bad, in: n) else { Issue.record("\(bad) described"); continue }
        }
    }
}
