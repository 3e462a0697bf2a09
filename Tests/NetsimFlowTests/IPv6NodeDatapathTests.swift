import Foundation
@testable import NetsimFlow
import NetsimIPAM
import NetsimKube
import NetsimModel
import NetsimTopology
import Testing

/// The node datapath of an EKS IPv6 cluster (amazon-vpc-cni-k8s v1.23.1 in IPv6 mode,
/// kube-proxy's IPv6 proxier): a packet through one node as the walk's node stage takes it.
@Suite("IPv6 node datapath")
struct IPv6NodeDatapathTests {
    static let yaml = """
    apiVersion: netsim/v1
    kind: Topology
    name: v6
    region: eu-west-1
    vpc:
      name: v
      cidrBlocks: [10.0.0.0/16]
      ipv6CidrBlocks: [2a05:d018:1:2300::/56]
      subnets:
        - {name: a, zone: eu-west-1a, cidr: 10.0.0.0/20, ipv6Cidr: 2a05:d018:1:2300::/64}
    cluster:
      name: demo
      ipFamily: ipv6
      cni: {ENABLE_PREFIX_DELEGATION: "true"}
      nodeGroups:
        - {name: general, instanceType: m5.large, count: 1, subnets: [a]}
    kubernetes:
      manifests:
        - apiVersion: v1
          kind: Namespace
          metadata: {name: shop}
        - apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web, namespace: shop, labels: {app: web}}
          spec:
            replicas: 2
            selector: {matchLabels: {app: web}}
            template:
              metadata: {labels: {app: web}}
              spec:
                containers:
                  - {name: web, image: nginx, ports: [{containerPort: 8080}]}
    """

    static let fabric: FabricIndex? = {
        guard let t = TopologyLoader(catalog: .builtin).load(text: yaml, file: "v6.yaml").validTopology else { return nil }
        return FabricIndex(topology: t, realized: Realizer.realize(t, catalog: .builtin))
    }()

    /// The node and two of its IPv6 pods.
    func node() throws -> (FabricIndex, RealizedNode, [RealizedPod]) {
        let f = try #require(Self.fabric, "the IPv6 topology loads")
        let n = try #require(f.realized.nodes.first)
        let pods = f.realized.pods.filter { $0.node == n.name && !$0.hostNetwork && $0.ipv6 != nil }.sorted { $0.name < $1.name }
        try #require(pods.count >= 2)
        return (f, n, pods)
    }

    static let clusterIP = IPv6Address("fd12:3456:789a::a")!

    /// One Service `shop/web` port 80 → 8080 on the given endpoints.
    static func services(_ endpoints: [IPv6Address]) -> ([ProxiedServicePort], [String: [ProxiedEndpoint]]) {
        var sp = ProxiedServicePort(namespace: "shop", name: "web", portName: "", port: 80, clusterIP: nil)
        sp.clusterIP = .ipv6(clusterIP)
        return ([sp], ["shop/web/tcp": endpoints.map { ProxiedEndpoint(address: .ipv6($0), port: 8080) }])
    }

    static func tcp(_ s: IPv6Address, _ d: IPv6Address, _ port: UInt16, sport: UInt16 = 40000) -> Packet {
        Packet(ipProtocol: .tcp, source: .ipv6(s), destination: .ipv6(d), sourcePort: sport, destinationPort: port)
    }

    func routes(_ p: NodeProbe) -> [HostRouteDecision] {
        p.steps.compactMap { if case .nodeRoute(let r) = $0.detail { return r }; return nil }
    }

    /// `ip -6 rule` and `ip -6 route` as the CNI leaves them: a 512 rule and a /128 route per pod
    /// on its veth (SHA-1 name as in IPv4), the NodePort mark rule, main, no 32767 rule; the
    /// default route via fe80:ec2::1 (network.go `GetIPv6Gateway`).
    @Test func rulesAndRoutesFollowTheCNI() throws {
        let (f, n, pods) = try node()
        let dp = try #require(NodeDatapath(fabric: f, node: n.name))
        let v6 = try #require(dp.host.ipv6)
        #expect(v6.rulesText.hasPrefix("0:\tfrom all lookup local\n"))
        #expect(v6.rulesText.hasSuffix("1024:\tfrom all fwmark 0x80/0x80 lookup main\n32766:\tfrom all lookup main\n"))
        for p in pods {
            let ip = try #require(p.ipv6)
            let veth = HostNetwork.vethName(namespace: p.namespace, pod: p.name)
            #expect(v6.rulesText.contains("512:\tfrom all to \(ip) lookup main\n"))
            #expect(v6.routesText.contains("\(ip) dev \(veth) metric 1024 pref medium \n"))
        }
        #expect(v6.routesText.contains("default via fe80:ec2::1 dev eth0 proto ra metric 1024 pref medium \n"))
        #expect(v6.prefix.map { p in pods.allSatisfy { $0.ipv6.map(p.contains) == true } } == true)
        #expect(!(v6.prefix?.contains(v6.nodeAddress) ?? true) && v6.subnet.contains(v6.nodeAddress))
        // IPv4 keeps only what IPv6 mode writes: no SNAT or connmark chain, no 1024 rule.
        let v4 = dp.iptablesText
        #expect(!v4.contains("AWS-SNAT-CHAIN-0") && !v4.contains("AWS-CONNMARK-CHAIN-0"))
        #expect(!dp.host.rulesText.contains("1024:"))
    }

    /// Pod → pod on the node: 512 to the destination pod's veth, no translation.
    @Test func podToLocalPod() throws {
        let (f, n, pods) = try node()
        let a = try #require(pods[0].ipv6), b = try #require(pods[1].ipv6)
        let t = Tracer(fabric: f, services: Self.services([]))
        let p = t.nodeProbe(n.name, origin: .pod(.ipv6(a)), packet: Self.tcp(a, b, 8080))
        guard case .pod(.ipv6(let to)) = p.exit else { Issue.record("exit \(p.exit)"); return }
        #expect(to == b)
        let r = try #require(routes(p).first)
        #expect(r.rule == "512: from all to \(b) lookup main")
        #expect(r.device == HostNetwork.vethName(namespace: pods[1].namespace, pod: pods[1].name))
        #expect(p.packet == Self.tcp(a, b, 8080))
    }

    /// Pod → the VPC and the internet: out of eth0 (the subnet's /64 on-link, the rest via
    /// fe80:ec2::1), with the pod's own address (IPv6 mode has no SNAT).
    @Test func podToENI() throws {
        let (f, n, pods) = try node()
        let a = try #require(pods[0].ipv6)
        let t = Tracer(fabric: f, services: Self.services([]))
        let eth0 = try #require(f.ownerOf(n.primaryIP))
        for (d, route) in [(IPv6Address("2a05:d018:1:2300::99")!, "2a05:d018:1:2300::/64 dev eth0 proto ra metric 1024 pref medium"),
                           (IPv6Address("2600:1f18::1")!, "default via fe80:ec2::1 dev eth0 proto ra metric 1024 pref medium")] {
            let p = t.nodeProbe(n.name, origin: .pod(.ipv6(a)), packet: Self.tcp(a, d, 443))
            guard case .eni(let i) = p.exit else { Issue.record("exit \(p.exit)"); continue }
            #expect(i == eth0)
            #expect(routes(p).first?.route == route)
            #expect(routes(p).first?.rule == "32766: from all lookup main")
            #expect(p.packet.source == .ipv6(a))
        }
    }

    /// The VPC → a pod: in on eth0, 512 to its veth.
    @Test func eniToPod() throws {
        let (f, n, pods) = try node()
        let a = try #require(pods[0].ipv6)
        let t = Tracer(fabric: f, services: Self.services([]))
        let p = t.nodeProbe(n.name, origin: .wire("eth0"), packet: Self.tcp(IPv6Address("2a05:d018:1:2300::99")!, a, 8080))
        guard case .pod(.ipv6(let to)) = p.exit else { Issue.record("exit \(p.exit)"); return }
        #expect(to == a)
    }

    /// A cluster IP: kube-proxy's ip6tables DNAT to `[endpoint]:8080` (KUBE-SERVICES → KUBE-SVC →
    /// KUBE-SEP), then the route to the endpoint; the reply is un-DNATed by conntrack.
    @Test func clusterIPDNATAndReply() throws {
        let (f, n, pods) = try node()
        let a = try #require(pods[0].ipv6), b = try #require(pods[1].ipv6)
        let t = Tracer(fabric: f, services: Self.services([b]))
        let p = t.nodeProbe(n.name, origin: .pod(.ipv6(a)), packet: Self.tcp(a, Self.clusterIP, 80))
        guard case .pod(.ipv6(let to)) = p.exit else { Issue.record("exit \(p.exit) \(p.steps)"); return }
        #expect(to == b)
        #expect(p.packet.destination == .ipv6(b) && p.packet.destinationPort == 8080 && p.packet.source == .ipv6(a))
        let dnat = p.steps.compactMap { if case .kubeProxyDNAT(let d) = $0.detail { return d }; return nil }.first
        #expect(dnat?.after == AddressPort(.ipv6(b), 8080))
        let rules = dnat?.hits.map(\.rule) ?? []
        #expect(rules.contains { $0.contains("-j DNAT --to-destination [\(b)]:8080") })
        #expect(rules.contains { $0.hasPrefix("-A KUBE-SERVICES") && $0.contains("-d \(Self.clusterIP) --dport 80") })
        // The reply from b: conntrack gives it the cluster IP back.
        let r = t.nodeProbeReply(p, n.name, origin: .pod(.ipv6(b)))
        guard case .pod(.ipv6(let back)) = r.exit else { Issue.record("reply exit \(r.exit)"); return }
        #expect(back == a)
        #expect(r.packet.source == .ipv6(Self.clusterIP) && r.packet.sourcePort == 80)
    }

    /// A Service without endpoints: kube-proxy's filter REJECT (KUBE-SERVICES in filter).
    @Test func clusterIPWithoutEndpointsIsRejected() throws {
        let (f, n, pods) = try node()
        let a = try #require(pods[0].ipv6)
        let t = Tracer(fabric: f, services: Self.services([]))
        let p = t.nodeProbe(n.name, origin: .pod(.ipv6(a)), packet: Self.tcp(a, Self.clusterIP, 80))
        guard case .stopped = p.exit else { Issue.record("exit \(p.exit)"); return }
        #expect(p.end == .noEndpoints)
    }

    /// A cluster IP on a port no Service serves: kube-proxy captures nothing, and the walk stops
    /// there (the VPC has no route for cluster IPs), as for IPv4.
    @Test func clusterIPOnAnUnservedPortStops() throws {
        let (f, n, pods) = try node()
        let a = try #require(pods[0].ipv6), b = try #require(pods[1].ipv6)
        let t = Tracer(fabric: f, services: Self.services([b]))
        let p = t.nodeProbe(n.name, origin: .pod(.ipv6(a)), packet: Self.tcp(a, Self.clusterIP, 81))
        guard case .stopped = p.exit else { Issue.record("exit \(p.exit)"); return }
        #expect(p.end == .noRoute)
    }

    /// An endpoint on another host: DNAT, then out of eth0.
    @Test func clusterIPToRemoteEndpointLeavesByEth0() throws {
        let (f, n, pods) = try node()
        let a = try #require(pods[0].ipv6)
        let remote = IPv6Address("2a05:d018:1:2300:9999::5")!
        let t = Tracer(fabric: f, services: Self.services([remote]))
        let p = t.nodeProbe(n.name, origin: .pod(.ipv6(a)), packet: Self.tcp(a, Self.clusterIP, 80))
        guard case .eni(let i) = p.exit else { Issue.record("exit \(p.exit)"); return }
        #expect(i == f.ownerOf(n.primaryIP))
        #expect(p.packet.destination == .ipv6(remote))
    }

    /// A NodePort from the VPC: KUBE-NODEPORTS → KUBE-EXT (KUBE-MARK-MASQ) → the endpoint, and
    /// KUBE-POSTROUTING's MASQUERADE gives it the node's IPv6 address (the veth has none of its own).
    @Test func nodePortFromTheVPCIsMasqueraded() throws {
        let (f, n, pods) = try node()
        let b = try #require(pods[1].ipv6)
        var svc = Self.services([b])
        svc.0[0].nodePort = 30080
        let t = Tracer(fabric: f, services: svc)
        let node6 = try #require(t.nodeIPv6(n.name))
        let client = IPv6Address("2a05:d018:1:2300::99")!
        let p = t.nodeProbe(n.name, origin: .wire("eth0"), packet: Self.tcp(client, node6, 30080))
        guard case .pod(.ipv6(let to)) = p.exit else { Issue.record("exit \(p.exit) \(p.steps)"); return }
        #expect(to == b)
        #expect(p.packet.destination == .ipv6(b) && p.packet.destinationPort == 8080 && p.packet.source == .ipv6(node6))
        let snat = p.steps.compactMap { if case .nodeSourceNAT(let s) = $0.detail { return s }; return nil }.first
        #expect(snat?.masquerade == true)
        // The reply un-NATs back to the client from the NodePort.
        let r = t.nodeProbeReply(p, n.name, origin: .pod(.ipv6(b)))
        guard case .eni = r.exit else { Issue.record("reply exit \(r.exit)"); return }
        #expect(r.packet.destination == .ipv6(client) && r.packet.source == .ipv6(node6) && r.packet.sourcePort == 30080)
    }

    /// The node's own stack (a hostNetwork pod) to a cluster IP: nat OUTPUT's DNAT, filter OUTPUT.
    @Test func hostToClusterIP() throws {
        let (f, n, pods) = try node()
        let b = try #require(pods[1].ipv6)
        let t = Tracer(fabric: f, services: Self.services([b]))
        let node6 = try #require(t.nodeIPv6(n.name))
        let p = t.nodeProbe(n.name, origin: .host, packet: Self.tcp(node6, Self.clusterIP, 80))
        guard case .pod(.ipv6(let to)) = p.exit else { Issue.record("exit \(p.exit) \(p.steps)"); return }
        #expect(to == b && p.packet.destinationPort == 8080 && p.packet.source == .ipv6(node6))
        let dnat = p.steps.compactMap { if case .kubeProxyDNAT(let d) = $0.detail { return d }; return nil }.first
        #expect(dnat?.baseChain == .output)
    }

    /// A node without IPv6 (an IPv4 cluster): an IPv6 packet gets NOT_MODELLED, never IPv4's verdict.
    @Test func ipv6OnAnIPv4NodeIsNotModelled() throws {
        let n = try Lab.network("Topologies/quickstart.yaml")
        let node = try #require(n.fabric.realized.nodes.first)
        let t = Tracer(fabric: n.fabric, services: ([], [:]))
        let p = t.nodeProbe(node.name, origin: .wire("eth0"), packet: Self.tcp(IPv6Address("2600::1")!, IPv6Address("2600::2")!, 80))
        guard case .stopped = p.exit else { Issue.record("exit \(p.exit)"); return }
        #expect(p.end == .notModelled)
    }
}

/// The egress plugin (amazon-vpc-cni-k8s v1.23.1 `cmd/egress-cni-plugin`): an IPv6 pod's IPv4
/// packets leave by `v4if0` from 169.254.172.x and are SNATed to the node's primary IPv4.
@Suite("IPv6 node: IPv4 egress")
struct IPv6NodeEgressTests {
    typealias T = IPv6NodeDatapathTests

    @Test func podsIPv4IsSNATedToTheNodesAddress() throws {
        let (f, n, pods) = try T().node()
        let t = Tracer(fabric: f, services: T.services([]))
        let a = try #require(pods[0].ipv6)
        let e = try #require(t.egressV4Source(node: n.name, pod: a))
        #expect(HostIPv6.egressRange.contains(e) && e != HostIPv6.egressGateway)
        let out = Packet(ipProtocol: .tcp, source: .ipv4(e), destination: .ipv4(IPv4Address(93, 184, 216, 34)), sourcePort: 40001, destinationPort: 443)
        let p = t.nodeProbe(n.name, origin: .pod(.ipv4(e)), packet: out)
        guard case .eni(let i) = p.exit else { Issue.record("exit \(p.exit) \(p.steps)"); return }
        #expect(i == f.ownerOf(n.primaryIP))
        #expect(p.packet.source == .ipv4(n.primaryIP) && p.packet.destination == out.destination)
        let snat = p.steps.compactMap { if case .nodeSourceNAT(let s) = $0.detail { return s }; return nil }.first
        #expect(snat?.hits.last?.chain.hasPrefix("CNI-E4-") == true)
        #expect(snat?.hits.last?.rule.contains("-j SNAT --to-source \(n.primaryIP) --random-fully") == true)
        #expect(snat?.masquerade == false)
        // The answer comes back to eth0 and conntrack returns it to the pod's v4if0.
        let r = t.nodeProbeReply(p, n.name, origin: .wire("eth0"))
        guard case .pod(.ipv4(let back)) = r.exit else { Issue.record("reply exit \(r.exit) \(r.steps)"); return }
        #expect(back == e && r.packet.destination == .ipv4(e) && r.packet.destinationPort == 40001)
    }

    /// IPv4 filter FORWARD's first rule on an IPv6 node: no new connection reaches a pod's
    /// egress address from elsewhere ("Block Node Local Pod access via IPv4").
    @Test func egressAddressesRefuseNewConnections() throws {
        let (f, n, pods) = try T().node()
        let t = Tracer(fabric: f, services: T.services([]))
        let a = try #require(pods[0].ipv6)
        let e = try #require(t.egressV4Source(node: n.name, pod: a))
        let p = t.nodeProbe(n.name, origin: .wire("eth0"),
                            packet: Packet(ipProtocol: .tcp, source: .ipv4(IPv4Address(10, 0, 0, 50)), destination: .ipv4(e), sourcePort: 40002, destinationPort: 80))
        guard case .stopped = p.exit else { Issue.record("exit \(p.exit)"); return }
        #expect(p.end == .rejected)
        let denied = p.steps.last { if case .netfilterRule = $0.detail { return $0.action == .denied }; return false }
        if case .netfilterRule(let h)? = denied?.detail { #expect(h.comment == "Block Node Local Pod access via IPv4") } else { Issue.record("no denying rule: \(p.steps)") }
    }

    /// Without ENABLE_V4_EGRESS the pods have no IPv4 side, and no CNI-E4 chain exists.
    @Test func withoutV4EgressNoIPv4Side() throws {
        let text = T.yaml.replacingOccurrences(of: "cni: {ENABLE_PREFIX_DELEGATION: \"true\"}", with: "cni: {ENABLE_PREFIX_DELEGATION: \"true\", ENABLE_V4_EGRESS: \"false\"}")
        let topo = try #require(TopologyLoader(catalog: .builtin).load(text: text, file: "v6.yaml").validTopology)
        let f = FabricIndex(topology: topo, realized: Realizer.realize(topo, catalog: .builtin))
        let n = try #require(f.realized.nodes.first)
        let dp = try #require(NodeDatapath(fabric: f, node: n.name))
        #expect(dp.host.ipv6?.pods.isEmpty == false)
        #expect(dp.host.ipv6?.pods.allSatisfy { $0.egress == nil } == true)
        #expect(!dp.iptablesText.contains("CNI-E4-"))
    }
}

/// `netsim node --show` on an IPv6 node: both families, as the node's own tools print them.
@Suite("IPv6 node: netsim node")
struct IPv6NodeShowTests {
    @Test func ip6tablesAndIPv4EgressRules() throws {
        let (f, n, pods) = try IPv6NodeDatapathTests().node()
        let dp = try #require(NodeDatapath(fabric: f, node: n.name))
        let v6 = try #require(dp.host.ipv6)
        let saved = try #require(dp.ip6tablesSavedText)
        // kube-proxy's IPv6 frame: no localnet KUBE-FIREWALL, the catch-all keeps out ::1.
        #expect(!saved.contains("KUBE-FIREWALL"))
        #expect(saved.contains("-A KUBE-SERVICES ! -d ::1/128 -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n"))
        // IPv4: kube-proxy's frame alone (no Service of that family), the egress plugin's chains.
        let v4 = dp.iptablesSavedText
        #expect(v4.contains("-A FORWARD -d 169.254.172.0/22 -m conntrack --ctstate NEW -m comment --comment \"Block Node Local Pod access via IPv4\" -j REJECT --reject-with icmp-port-unreachable\n"))
        for p in v6.pods {
            let e = try #require(p.egress)
            #expect(v4.contains("-A POSTROUTING -s \(e.address)/32 -m comment --comment \"name: \\\"aws-cni\\\" id: \\\"\(e.containerID)\\\"\" -j \(e.chain)\n"))
            #expect(v4.contains("-A \(e.chain) -m comment --comment \"name: \\\"aws-cni\\\" id: \\\"\(e.containerID)\\\"\" -j SNAT --to-source \(n.primaryIP) --random-fully\n"))
            #expect(e.chain.count == 28 && e.chain.hasPrefix("CNI-E4-"))
            #expect(dp.host.routesText.contains("\(e.address) dev \(e.hostVeth) scope link \n"))
            #expect(dp.host.linksText.contains(e.hostVeth) && dp.host.linksText.contains(p.veth))
        }
        #expect(!v4.contains("KUBE-SVC-") && !v4.contains("--dport 53"))
        #expect(dp.enisText.contains("ipv6 \(v6.nodeAddress) in \(v6.subnet)"))
        for p in pods {
            let ip = try #require(p.ipv6)
            #expect(dp.podsText.contains("eth0 \(ip)/128"))
        }
    }
}

/// NS1481: aws-node settings the IP family makes idle (amazon-vpc-cni-k8s v1.23.1).
@Suite("IPv6 node: aws-node settings")
struct IPv6NodeSettingsTests {
    func diagnostics(_ yaml: String) -> [Diagnostic] {
        TopologyLoader(catalog: .builtin).load(text: yaml, file: "t.yaml").diagnostics.filter { $0.code == .cniSettingFamily }
    }

    @Test func snatSettingsAreIdleInIPv6() throws {
        let yaml = IPv6NodeDatapathTests.yaml.replacingOccurrences(of: "cni: {ENABLE_PREFIX_DELEGATION: \"true\"}",
            with: "cni: {ENABLE_PREFIX_DELEGATION: \"true\", AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: \"192.168.0.0/16\", AWS_VPC_K8S_CNI_EXTERNALSNAT: \"true\", AWS_VPC_K8S_CNI_RANDOMIZESNAT: \"none\", ENABLE_V4_EGRESS: \"true\"}")
        let d = diagnostics(yaml)
        #expect(d.count == 2)
        #expect(d.allSatisfy { $0.severity == .warning && $0.location.line == 14 })
        #expect(d.contains { $0.message.hasPrefix("AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS has no effect in an IPv6 cluster") })
        #expect(d.contains { $0.message.hasPrefix("AWS_VPC_K8S_CNI_EXTERNALSNAT has no effect in an IPv6 cluster") })
    }

    @Test func v4EgressIsIdleInIPv4() throws {
        let v4 = IPv6NodeDatapathTests.yaml.replacingOccurrences(of: "  ipFamily: ipv6\n", with: "")
        #expect(diagnostics(v4).isEmpty)
        let d = diagnostics(v4.replacingOccurrences(of: "cni: {ENABLE_PREFIX_DELEGATION: \"true\"}", with: "cni: {ENABLE_V4_EGRESS: \"false\", AWS_VPC_K8S_CNI_EXTERNALSNAT: \"true\"}"))
        #expect(d.count == 1 && d.first?.message.hasPrefix("ENABLE_V4_EGRESS has no effect in an IPv4 cluster") == true)
    }
}
