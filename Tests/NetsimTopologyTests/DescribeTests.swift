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
