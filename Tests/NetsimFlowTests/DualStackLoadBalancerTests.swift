import Foundation
import NetsimFlow
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

/// Dualstack load balancers of an IPv6 cluster, as the AWS Load Balancer Controller (v2.17.1)
/// builds them: `ip-address-type: dualstack` gives each node an IPv6 address of its subnet, the
/// cluster's IPv6 Services make IPv6 target groups of the pods' addresses
/// (`buildTargetGroupIPAddressType`), and the walk carries IPv6 clients to them; what ELB or the
/// controller refuses is a located error, what netsim does not model is NOT_MODELLED.
@Suite("dualstack load balancers")
struct DualStackLoadBalancerTests {
    static let albIPv6 = "ip:2600:1f14:7e0:9a00:ffff:bd8d:c6e4:a15"

    static func text() throws -> String { try Repo.read("Topologies/ipv6-cluster.yaml") }

    static func load(_ text: String) -> LoadResult { TopologyLoader(catalog: .builtin).load(text: text, file: "v6.yaml") }

    static func network(_ text: String) throws -> Network {
        let r = load(text)
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        return Network(topology: t, catalog: .builtin)
    }

    /// An NLB Service beside the ALB: ip targets, dualstack, client addresses kept.
    static let nlb = """
        - apiVersion: v1
          kind: Service
          metadata:
            name: web-nlb
            namespace: shop
            annotations:
              service.beta.kubernetes.io/aws-load-balancer-type: external
              service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
              service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing
              service.beta.kubernetes.io/aws-load-balancer-ip-address-type: dualstack
              service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: preserve_client_ip.enabled=true
          spec:
            type: LoadBalancer
            selector: {app: web}
            ports: [{name: http, port: 80, targetPort: 8080, protocol: TCP}]
    """

    static func withNLB() throws -> String {
        try text().replacingOccurrences(of: "    # The controller's dualstack ALB", with: nlb + "\n    # The controller's dualstack ALB")
    }

    /// Each node has an IPv6 address of its own subnet's block; the target group is IPv6, of the
    /// pods' IPv6 addresses.
    @Test func nodesAndTargetsAreIPv6() throws {
        let n = try Lab.network("Topologies/ipv6-cluster.yaml")
        let lb = try #require(n.fabric.loadBalancers.first { $0.owners.contains("ingress:shop/web") })
        #expect(lb.ipAddressType == .dualstack)
        let vpc = try #require(n.fabric.topology.primaryVPC)
        for node in lb.nodes {
            let a = try #require(node.ipv6Address)
            let block = try #require(vpc.subnets.first { $0.name == node.subnet }?.ipv6Cidr)
            #expect(block.contains(a), "\(a) is not in \(block)")
            #expect(n.fabric.ownerOf6(a) == node.interface)
        }
        let tg = try #require(lb.targetGroups.first)
        #expect(tg.ipAddressType == .ipv6 && tg.targetType == .ip && tg.targets.count == 2)
        let pods = Set(n.fabric.realized.pods.filter { $0.workload == "web" }.compactMap(\.ipv6))
        #expect(Set(tg.targets.compactMap(\.ipv6)) == pods)
    }

    /// An IPv6 client → the ALB's IPv6 address → its own IPv6 connection to the pod; the pod sees
    /// the node's IPv6 address, the client travels in X-Forwarded-For.
    @Test func ipv6ClientThroughTheALB() throws {
        let n = try Lab.network("Topologies/ipv6-cluster.yaml")
        let t = try Lab.trace(n, "internet", Self.albIPv6, port: 80)
        #expect(t.disposition == .delivered, "\(t.explanations.map(\.message))")
        #expect(t.packet.source.family == .ipv6)
        let leg = try #require(t.loadBalancer)
        let allHealthy = leg.health.allSatisfy { $0.healthy }
        #expect(allHealthy, "\(leg.health.map(\.reason))")
        let node = try #require(n.fabric.loadBalancers.first { $0.name == leg.name }?.nodes.first { $0.zone == leg.zone })
        #expect(t.forward.finalPacket.source == .ipv6(try #require(node.ipv6Address)))
        guard case .ipv6(let pod) = t.forward.finalPacket.destination else { Issue.record("not IPv6: \(t.forward.finalPacket)"); return }
        #expect(n.fabric.realized.pods.contains { $0.ipv6 == pod && $0.workload == "web" })
        #expect(t.reply != nil && t.explanations.isEmpty && t.caveats.isEmpty)
    }

    /// An IPv4 client of the dualstack ALB: the ALB terminates and opens an IPv6 connection.
    @Test func ipv4ClientIsProxiedToIPv6() throws {
        let n = try Lab.network("Topologies/ipv6-cluster.yaml")
        let t = try Lab.trace(n, "internet", "ingress:shop/web", port: 80)
        #expect(t.disposition == .delivered, "\(t.explanations.map(\.message))")
        #expect(t.packet.family == .ipv4 && t.forward.finalPacket.family == .ipv6)
    }

    /// inbound-cidrs gives the ALB's managed group IPv6 rules; an IPv6 client outside them is
    /// denied there.
    @Test func inboundCIDRsDenyOtherIPv6Clients() throws {
        let n = try Lab.network("Topologies/ipv6-cluster.yaml")
        let t = try Lab.trace(n, "ip:2001:db8:ffff::7", Self.albIPv6, port: 80)
        #expect(t.disposition == .deniedIn)
        let e = try #require(t.explanations.first)
        #expect(e.code.rawValue == "ENI_SG_RULES_MISMATCH" && e.message.contains("k8s-shop-web"), "\(e.message)")
    }

    /// A dualstack NLB with IPv6 ip targets: an IPv6 client's address is kept (the targets' group
    /// admits it by its reference to the NLB's groups); an IPv4 client is translated, and the
    /// target sees the NLB node's IPv6 address (the controller's docs: client IP preservation has
    /// no effect on traffic converted between families).
    @Test func nlbKeepsIPv6ClientsAndTranslatesIPv4Ones() throws {
        let n = try Self.network(try Self.withNLB())
        let lb = try #require(n.fabric.loadBalancers.first { $0.owners.contains("service:shop/web-nlb") })
        let node = try #require(lb.nodes.first)
        let v6 = try Lab.trace(n, "internet", "ip:\(try #require(node.ipv6Address))", port: 80)
        #expect(v6.disposition == .delivered, "\(v6.explanations.map(\.message))")
        #expect(v6.forward.finalPacket.source == v6.packet.source, "the IPv6 client's own address at the pod")
        let v4 = try Lab.trace(n, "internet", "service:shop/web-nlb", port: 80)
        #expect(v4.disposition == .delivered, "\(v4.explanations.map(\.message))")
        #expect(v4.packet.family == .ipv4)
        let leg = try #require(v4.loadBalancer)
        let used = try #require(lb.nodes.first { $0.zone == leg.zone })
        #expect(v4.forward.finalPacket.source == .ipv6(try #require(used.ipv6Address)))
    }

    /// Instance targets in an IPv6 target group: a warning (NS1473) and a trace that ends
    /// NOT_MODELLED with the caveat, never a guess.
    @Test func ipv6InstanceTargetsAreNotModelled() throws {
        let text = try Self.text()
            .replacingOccurrences(of: "          alb.ingress.kubernetes.io/target-type: ip\n", with: "          alb.ingress.kubernetes.io/target-type: instance\n")
            .replacingOccurrences(of: "        type: ClusterIP\n        selector: {app: web}", with: "        type: NodePort\n        selector: {app: web}")
        let r = Self.load(text)
        #expect(r.diagnostics.contains { $0.code == .lbIPv6InstanceTargets && $0.severity == .warning }, "\(r.diagnostics.map(\.formatted))")
        let n = try Self.network(text)
        let t = try Lab.trace(n, "internet", "ingress:shop/web", port: 80)
        #expect(t.disposition == .notModelled)
        #expect(t.caveats.contains { $0.kind == .loadBalancerIPv6NotModelled && $0.affectsVerdict })
    }

    /// What the controller or ELB refuses, located: NS1472 (an IPv6 cluster's load balancer that
    /// is not dualstack), NS1471 (a dualstack load balancer in a subnet without IPv6), NS1474
    /// (an ip-address-type value it does not know).
    @Test func refusalsAreLocated() throws {
        let base = try Self.text()
        let lines = { (t: String) in t.split(separator: "\n", omittingEmptySubsequences: false) }
        func line(_ t: String, _ needle: String) -> Int? { lines(t).firstIndex { $0.contains(needle) }.map { $0 + 1 } }

        let notDual = base.replacingOccurrences(of: "          alb.ingress.kubernetes.io/ip-address-type: dualstack\n", with: "")
        let d1 = try #require(Self.load(notDual).diagnostics.first { $0.code == .lbIPv6TargetsNotDualstack })
        #expect(d1.severity == .error && d1.message.contains("unsupported IPv6 configuration, lb not dual-stack") && !d1.hint.isEmpty)
        // At the Ingress (it has no ip-address-type annotation to point at).
        let ingressAt = try #require(line(notDual, "kind: Ingress"))
        #expect(d1.location.file == "v6.yaml" && (ingressAt - 1...ingressAt + 5).contains(d1.location.line), "\(d1.location)")

        let noV6 = base.replacingOccurrences(of: #", ipv6Cidr: "2600:1f14:7e0:9a01::/64", routeTable: public, assignIpv6AddressOnCreation: true"#, with: ", routeTable: public")
        let d2 = try #require(Self.load(noV6).diagnostics.first { $0.code == .lbDualstackSubnetWithoutIPv6 }, "\(Self.load(noV6).diagnostics.map(\.formatted))")
        #expect(d2.severity == .error && d2.message.contains("public-b") && d2.location.line == line(noV6, "ip-address-type: dualstack"))

        let bad = base.replacingOccurrences(of: "ip-address-type: dualstack", with: "ip-address-type: dual-stack")
        let d3 = try #require(Self.load(bad).diagnostics.first { $0.code == .lbIPAddressType })
        #expect(d3.severity == .error && d3.message.contains("'dual-stack'") && d3.location.line == line(bad, "ip-address-type: dual-stack"))

        // A Service takes ipv4 or dualstack only.
        let nlbBad = try Self.withNLB().replacingOccurrences(of: "aws-load-balancer-ip-address-type: dualstack", with: "aws-load-balancer-ip-address-type: dualstack-without-public-ipv4")
        let d4 = try #require(Self.load(nlbBad).diagnostics.first { $0.code == .lbIPAddressType })
        #expect(d4.location.line == line(nlbBad, "aws-load-balancer-ip-address-type: dualstack-without-public-ipv4"))
        // A megabyte value is refused and echoed shortened, without a trap.
        let huge = base.replacingOccurrences(of: "ip-address-type: dualstack", with: "ip-address-type: " + String(repeating: "x", count: 1 << 20))
        let d5 = try #require(Self.load(huge).diagnostics.first { $0.code == .lbIPAddressType })
        #expect(d5.message.utf8.count < 4096)
    }

    /// dualstack-without-public-ipv4: the ALB's nodes keep IPv6 and a private IPv4 address only.
    @Test func withoutPublicIPv4() throws {
        let n = try Self.network(try Self.text().replacingOccurrences(of: "ip-address-type: dualstack", with: "ip-address-type: dualstack-without-public-ipv4"))
        let lb = try #require(n.fabric.loadBalancers.first { $0.owners.contains("ingress:shop/web") })
        #expect(lb.ipAddressType == .dualstackWithoutPublicIPv4)
        #expect(lb.nodes.allSatisfy { $0.publicIP == nil && $0.ipv6Address != nil })
        let t = try Lab.trace(n, "internet", Self.albIPv6, port: 80)
        #expect(t.disposition == .delivered, "\(t.explanations.map(\.message))")
    }

    /// An IPv4 cluster in the dual-stack VPC: its Services are IPv4, so the dualstack ALB's
    /// target group is IPv4, and an IPv6 client reaches the IPv4 pods through the ALB's own
    /// IPv4 connection.
    @Test func ipv4ClusterALBProxiesIPv6ClientsToIPv4Pods() throws {
        let n = try Self.network(try Self.text().replacingOccurrences(of: "  ipFamily: ipv6", with: "  ipFamily: ipv4"))
        let lb = try #require(n.fabric.loadBalancers.first { $0.owners.contains("ingress:shop/web") })
        #expect(lb.targetGroups.allSatisfy { $0.ipAddressType == .ipv4 } && lb.nodes.allSatisfy { $0.ipv6Address != nil })
        let t = try Lab.trace(n, "internet", Self.albIPv6, port: 80)
        #expect(t.disposition == .delivered, "\(t.explanations.map(\.message))")
        #expect(t.packet.family == .ipv6 && t.forward.finalPacket.family == .ipv4)
    }

    /// An IPv6 `load-balancer-source-ranges` entry on a dualstack NLB is what the controller
    /// writes into the managed group (`buildCIDRsFromSourceRanges`, pkg/service
    /// model_build_managed_sg.go, refuses it only when the NLB is not dualstack): it loads without
    /// an error, admits IPv6 clients of the range and denies other IPv6 clients.
    @Test func nlbIPv6SourceRangesOnADualstackNLB() throws {
        let text = try Self.withNLB().replacingOccurrences(
            of: "preserve_client_ip.enabled=true\n",
            with: "preserve_client_ip.enabled=true\n          service.beta.kubernetes.io/load-balancer-source-ranges: \"2001:db8::/48, 203.0.113.0/24\"\n")
        #expect(text.contains("load-balancer-source-ranges"))
        let r = Self.load(text)
        #expect(!r.diagnostics.contains { $0.severity == .error }, "\(r.diagnostics.map(\.formatted))")
        let n = try Self.network(text)
        let lb = try #require(n.fabric.loadBalancers.first { $0.owners.contains("service:shop/web-nlb") })
        let node = "ip:\(try #require(lb.nodes.first?.ipv6Address))"
        let inside = try Lab.trace(n, "ip:2001:db8::7", node, port: 80)
        #expect(inside.disposition == .delivered, "\(inside.explanations.map(\.message))")
        let outside = try Lab.trace(n, "ip:2001:db8:ffff::7", node, port: 80)
        #expect(outside.disposition == .deniedIn, "\(outside.explanations.map(\.message))")
        // Not dualstack: the controller refuses the IPv6 range (unsupported v6 cidr).
        let v4only = text.replacingOccurrences(of: "aws-load-balancer-ip-address-type: dualstack", with: "aws-load-balancer-ip-address-type: ipv4")
        #expect(Self.load(v4only).diagnostics.contains { $0.severity == .error && $0.message.contains("unsupported v6 cidr when lb is not dualstack") })
    }

    /// The same range in `spec.loadBalancerSourceRanges` (the API server takes IPv6 entries): the
    /// dualstack NLB's group admits it; an NLB that is not dualstack is refused at the entry.
    @Test func nlbIPv6SpecSourceRanges() throws {
        let text = try Self.withNLB().replacingOccurrences(
            of: "        type: LoadBalancer\n        selector: {app: web}\n",
            with: "        type: LoadBalancer\n        loadBalancerSourceRanges: [\"2001:db8::/48\", 203.0.113.0/24]\n        selector: {app: web}\n")
        #expect(text.contains("loadBalancerSourceRanges"))
        let r = Self.load(text)
        #expect(!r.diagnostics.contains { $0.severity == .error }, "\(r.diagnostics.map(\.formatted))")
        let n = try Self.network(text)
        let lb = try #require(n.fabric.loadBalancers.first { $0.owners.contains("service:shop/web-nlb") })
        let node = "ip:\(try #require(lb.nodes.first?.ipv6Address))"
        #expect(try Lab.trace(n, "ip:2001:db8::7", node, port: 80).disposition == .delivered)
        #expect(try Lab.trace(n, "ip:2001:db8:ffff::7", node, port: 80).disposition == .deniedIn)
        let v4only = text.replacingOccurrences(of: "aws-load-balancer-ip-address-type: dualstack", with: "aws-load-balancer-ip-address-type: ipv4")
        let refused = Self.load(v4only).diagnostics.filter { $0.severity == .error && $0.message.contains("unsupported v6 cidr") }
        let line = v4only.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("loadBalancerSourceRanges") }.map { $0 + 1 }
        #expect(refused.count == 1 && refused.first?.location.line == line, "\(refused.map(\.formatted))")
    }
}
