import NetsimKube
import NetsimModel
import NetsimTestSupport
import Testing

/// Security Groups for Pods on the node, rule by rule against amazon-vpc-cni-k8s v1.23.1
/// (commit b5218838, "Prepare v1.23.1 release"):
/// `cmd/routed-eni-cni-plugin/driver/driver.go` (`SetupBranchENIPodNetwork`, `setupVlan`,
/// `buildRoutesForVlan`, `buildVlanLinkName`, `setupIIFBasedContainerRouteRules`,
/// `setupIPBasedContainerRouteRules`), `pkg/networkutils/network.go` (`VlanRulePriority` 10,
/// `localRulePriority` 20, `ToContainerRulePriority` 512, `FromPodRulePriority` 1536,
/// `SetupHostNetwork`, `setupENINetwork` for the trunk, the SNAT rule's `! -o vlan+`),
/// `pkg/sgpp/utils.go` (`BuildHostVethNamePrefix`), `pkg/networkutils/names.go`.
@Suite("branch ENI host network")
struct BranchENIHostNetworkTests {
    static let subnet = IPv4CIDR(network: IPv4Address(10, 0, 1, 0), prefixLength: 24)
    static let gateway = IPv4Address(10, 0, 1, 1)
    static let nodeIP = IPv4Address(10, 0, 1, 10)
    static let trunkIP = IPv4Address(10, 0, 1, 20)
    static let secondaryIP = IPv4Address(10, 0, 1, 30)
    static let webIP = IPv4Address(10, 0, 1, 40)        // a pod on eth0
    static let batchIP = IPv4Address(10, 0, 1, 50)      // a pod on eth2 (secondary ENI)
    static let clientIP = IPv4Address(10, 0, 1, 60)     // branch pod, VLAN 1
    static let corednsIP = IPv4Address(10, 0, 1, 61)    // branch pod, VLAN 7
    static let internet = IPv4Address(93, 184, 216, 34)

    static func host(strict: Bool, podENI: Bool = true) -> HostNetwork {
        let eth0 = HostENI(deviceIndex: 0, mac: "02:00:00:00:00:01", primaryIP: nodeIP, subnet: subnet, podAddresses: [webIP], id: "eni-0primary")
        let trunk = HostENI(deviceIndex: 1, mac: "02:00:00:00:00:02", primaryIP: trunkIP, subnet: subnet, podAddresses: [], id: "eni-0trunk", isTrunk: true)
        let eth2 = HostENI(deviceIndex: 2, mac: "02:00:00:00:00:03", primaryIP: secondaryIP, subnet: subnet, podAddresses: [batchIP], id: "eni-0second")
        let pods = [
            HostPod(namespace: "shop", name: "web", ip: webIP),
            HostPod(namespace: "shop", name: "batch", ip: batchIP),
            HostPod(namespace: "shop", name: "client", ip: clientIP,
                    branch: HostBranchENI(vlanID: 1, id: "eni-0branch1", mac: "0a:00:00:00:01:01", subnet: subnet)),
            HostPod(namespace: "kube-system", name: "coredns-57ff979f67-qqbdh", ip: corednsIP,
                    branch: HostBranchENI(vlanID: 7, id: "eni-0branch7", mac: "0a:00:00:00:01:07", subnet: subnet)),
        ]
        return HostNetwork(nodeName: "n", enis: [eth0, trunk, eth2], pods: pods, vpcCIDRs: [IPv4CIDR(network: IPv4Address(10, 0, 0, 0), prefixLength: 16)],
                           podENI: podENI, podSecurityGroupStrict: strict)
    }

    static func veth(_ ns: String, _ name: String, _ prefix: String) -> String { HostNetwork.vethName(namespace: ns, pod: name, prefix: prefix) }

    /// names.go and sgpp/utils.go: strict mode names the host veth `vlan` + the same 11 hex
    /// digits, standard mode keeps the configured prefix. The vectors are names_test.go's.
    @Test func hostVethPrefix() {
        #expect(HostNetwork.hostVethPrefix(branch: true, strict: true, vethPrefix: "eni") == "vlan")
        #expect(HostNetwork.hostVethPrefix(branch: true, strict: false, vethPrefix: "eni") == "eni")
        #expect(HostNetwork.hostVethPrefix(branch: true, strict: false, vethPrefix: "cali") == "cali")
        #expect(HostNetwork.hostVethPrefix(branch: false, strict: true, vethPrefix: "eni") == "eni")
        #expect(Self.host(strict: true).veth(of: Self.corednsIP) == "vlanb5faff8a083")
        #expect(Self.host(strict: false).veth(of: Self.corednsIP) == "enib5faff8a083")
        // Pods without a branch keep eni… in both modes.
        #expect(Self.host(strict: true).veth(of: Self.webIP) == Self.veth("shop", "web", "eni"))
    }

    /// driver.go buildVlanLinkName / `rtTable := vlanID + 100`; the gateway is the subnet's
    /// router (driver_test.go: VLAN 7, table 107, `vlan.eth.7`).
    @Test func vlanDeviceAndTable() {
        let b = HostBranchENI(vlanID: 7, id: "eni-x", mac: "0a:00:00:00:00:07", subnet: Self.subnet)
        #expect(b.vlanDevice == "vlan.eth.7")
        #expect(b.table == 107)
        #expect(b.gateway == Self.gateway)
        #expect(HostBranchENI(vlanID: 4094, id: "e", mac: "", subnet: Self.subnet).table == 4194)
        #expect(HostBranchENI(vlanID: Int.max, id: "e", mac: "", subnet: Self.subnet).table == Int.max, "no overflow trap")
    }

    /// Strict mode: per branch pod two rules at 10 (`iif vlan.eth.N`, then `iif` the host veth)
    /// to table N+100; the local table's rule moved from 0 to 20; no 512 rule for branch pods;
    /// the trunk gets no 32765 rule (setupENINetwork skips it for the trunk).
    @Test func strictRules() {
        let h = Self.host(strict: true)
        let client = Self.veth("shop", "client", "vlan")
        #expect(h.rulesText == """
            10:\tfrom all iif vlan.eth.1 lookup 101
            10:\tfrom all iif \(client) lookup 101
            10:\tfrom all iif vlan.eth.7 lookup 107
            10:\tfrom all iif vlanb5faff8a083 lookup 107
            20:\tfrom all lookup local
            512:\tfrom all to 10.0.1.40 lookup main
            512:\tfrom all to 10.0.1.50 lookup main
            1024:\tfrom all fwmark 0x80/0x80 lookup main
            1536:\tfrom 10.0.1.50 lookup 3
            32765:\tfrom 10.0.1.30 lookup 3
            32766:\tfrom all lookup main
            32767:\tfrom all lookup default

            """)
    }

    /// Standard mode: setupIPBasedContainerRouteRules with the VLAN table: `to pod lookup main`
    /// at 512 and `from pod lookup N+100` at 1536; local stays at 0.
    @Test func standardRules() {
        let h = Self.host(strict: false)
        let rules = h.rulesText
        #expect(rules.hasPrefix("0:\tfrom all lookup local\n"))
        #expect(!rules.contains("iif"))
        #expect(rules.contains("512:\tfrom all to 10.0.1.60 lookup main\n"))
        #expect(rules.contains("1536:\tfrom 10.0.1.60 lookup 101\n"))
        #expect(rules.contains("512:\tfrom all to 10.0.1.61 lookup main\n"))
        #expect(rules.contains("1536:\tfrom 10.0.1.61 lookup 107\n"))
    }

    /// network.go SetupHostNetwork moves the local rule when ENABLE_POD_ENI is on in strict
    /// mode, on every node, with or without branch pods; not in standard mode or without pod ENIs.
    @Test func localRulePriority() {
        #expect(Self.host(strict: true).localRulePriority == 20)
        #expect(Self.host(strict: false).localRulePriority == 0)
        #expect(Self.host(strict: true, podENI: false).localRulePriority == 0)
        let bare = HostNetwork(nodeName: "n", enis: [], pods: [], vpcCIDRs: [], podENI: true, podSecurityGroupStrict: true)
        #expect(bare.rulesText.hasPrefix("20:\tfrom all lookup local\n"))
    }

    /// buildRoutesForVlan: the gateway on the VLAN (scope link) and the default via it, in table
    /// N+100; strict mode adds the pod's /32 on its host veth there and not in main.
    @Test func strictRoutes() {
        let h = Self.host(strict: true)
        #expect(h.routesText(table: 107) == """
            default via 10.0.1.1 dev vlan.eth.7 \n10.0.1.1 dev vlan.eth.7 scope link \n10.0.1.61 dev vlanb5faff8a083 scope link \n
            """)
        let main = h.routesText(table: 254)
        #expect(!main.contains("10.0.1.60 ") && !main.contains("10.0.1.61 "))
        #expect(main.contains("10.0.1.40 dev \(Self.veth("shop", "web", "eni")) scope link"))
        // The trunk's own table (device 1 → table 2), set up as any secondary ENI's.
        #expect(h.routesText(table: 2) == "default via 10.0.1.1 dev eth1 \n10.0.1.1 dev eth1 scope link \n")
        let all = h.routesText
        #expect(all.contains("default via 10.0.1.1 dev vlan.eth.1 table 101 \n10.0.1.1 dev vlan.eth.1 table 101 scope link \n10.0.1.60 dev \(Self.veth("shop", "client", "vlan")) table 101 scope link \n"))
        #expect(all.contains("local 10.0.1.20 dev eth1 table local"))
        // Tables in the kernel's dump order: 2, 3, 101, 107, then main and local.
        let order = ["table 2 ", "table 3 ", "table 101 ", "table 107 "].compactMap { all.range(of: $0)?.lowerBound }
        #expect(order.count == 4 && order == order.sorted())
    }

    /// Standard mode: the VLAN table holds only the gateway and the default; the pod's route is
    /// in main, on an `eni` veth.
    @Test func standardRoutes() {
        let h = Self.host(strict: false)
        #expect(h.routesText(table: 101) == "default via 10.0.1.1 dev vlan.eth.1 \n10.0.1.1 dev vlan.eth.1 scope link \n")
        #expect(h.routesText(table: 254).contains("10.0.1.60 dev \(Self.veth("shop", "client", "eni")) scope link \n"))
    }

    /// Strict mode, the route lookup: everything a branch pod sends goes out its VLAN, even to a
    /// pod on the same node or the node itself; what comes in on the VLAN goes to the pod; the
    /// node and the other pods reach the branch pod through the VPC (eth0, not a veth).
    @Test func strictRouteDecisions() throws {
        let h = Self.host(strict: true)
        let clientVeth = try #require(h.veth(of: Self.clientIP))
        for dst in [Self.webIP, Self.batchIP, Self.nodeIP, Self.corednsIP, Self.internet] {
            let r = try #require(h.route(source: Self.clientIP, destination: dst, mark: 0, inInterface: clientVeth))
            #expect(r.rule == "10: from all iif \(clientVeth) lookup 101", "to \(dst)")
            #expect(r.table == 101 && r.device == "vlan.eth.1" && r.via == Self.gateway && r.branch?.vlanID == 1, "to \(dst)")
        }
        let gw = try #require(h.route(source: Self.clientIP, destination: Self.gateway, mark: 0, inInterface: clientVeth))
        #expect(gw.route == "10.0.1.1 dev vlan.eth.1 table 101 scope link" && gw.via == nil)
        let inbound = try #require(h.route(source: Self.webIP, destination: Self.clientIP, mark: 0, inInterface: "vlan.eth.1"))
        #expect(inbound.rule == "10: from all iif vlan.eth.1 lookup 101")
        #expect(inbound.device == clientVeth && inbound.branch == nil)
        #expect(h.branch(onVLANDevice: "vlan.eth.1")?.pod == Self.clientIP)
        // The node (kubelet's probes) and a pod on eth0: no rule for the branch pod, main table, eth0.
        let probe = try #require(h.route(source: Self.nodeIP, destination: Self.clientIP, mark: 0))
        #expect(probe.rule == "32766: from all lookup main" && probe.device == "eth0")
        let fromWeb = try #require(h.route(source: Self.webIP, destination: Self.clientIP, mark: 0, inInterface: h.veth(of: Self.webIP)))
        #expect(fromWeb.device == "eth0" && fromWeb.table == 254)
        // A pod on a secondary ENI: its 1536 rule, out that ENI.
        let fromBatch = try #require(h.route(source: Self.batchIP, destination: Self.clientIP, mark: 0, inInterface: h.veth(of: Self.batchIP)))
        #expect(fromBatch.rule == "1536: from 10.0.1.50 lookup 3" && fromBatch.device == "eth2")
        // The local rule is at 20 now.
        let local = try #require(h.route(source: Self.webIP, destination: Self.nodeIP, mark: 0, inInterface: h.veth(of: Self.webIP)))
        #expect(local.rule == "20: from all lookup local" && local.isLocal)
        // The trunk's address is local; no 32765 rule for the node's traffic from it.
        #expect(try #require(h.route(source: Self.webIP, destination: Self.trunkIP, mark: 0)).isLocal)
        #expect(try #require(h.route(source: Self.trunkIP, destination: Self.internet, mark: 0)).rule == "32766: from all lookup main")
    }

    /// Standard mode: to the pod through main (512) on its `eni` veth, even from the VLAN; from
    /// the pod through the VLAN table (1536), unless the CNI's connmark sent a VPC-external
    /// connection to main first (1024), out eth0, where the SNAT rule applies.
    @Test func standardRouteDecisions() throws {
        let h = Self.host(strict: false)
        let clientVeth = try #require(h.veth(of: Self.clientIP))
        #expect(clientVeth.hasPrefix("eni"))
        let toPod = try #require(h.route(source: Self.webIP, destination: Self.clientIP, mark: 0, inInterface: "vlan.eth.1"))
        #expect(toPod.rule == "512: from all to 10.0.1.60 lookup main" && toPod.device == clientVeth)
        let sameNode = try #require(h.route(source: Self.clientIP, destination: Self.webIP, mark: 0, inInterface: clientVeth))
        #expect(sameNode.rule == "512: from all to 10.0.1.40 lookup main" && sameNode.device == Self.veth("shop", "web", "eni"))
        let vpc = try #require(h.route(source: Self.clientIP, destination: IPv4Address(10, 0, 9, 9), mark: 0, inInterface: clientVeth))
        #expect(vpc.rule == "1536: from 10.0.1.60 lookup 101" && vpc.device == "vlan.eth.1" && vpc.branch?.id == "eni-0branch1")
        let external = try #require(h.route(source: Self.clientIP, destination: Self.internet, mark: 0x80, inInterface: clientVeth))
        #expect(external.rule == "1024: from all fwmark 0x80/0x80 lookup main" && external.device == "eth0")
        // The local rule stays at 0.
        #expect(try #require(h.route(source: Self.clientIP, destination: Self.nodeIP, mark: 0, inInterface: clientVeth)).rule == "0: from all lookup local")
    }

    /// network.go buildIptablesSNATRules: the SNAT rule skips `vlan+` in every mode; the nat
    /// PREROUTING connmark jump reads `-i eni+`, which a strict-mode `vlan` veth does not match.
    /// Walked by the interpreter: a strict branch pod's packet to the internet is never marked
    /// nor SNATed (it leaves on its VLAN); a standard one's is marked, routed to eth0 by the
    /// 1024 rule and SNATed to the node's address.
    @Test func snatSkipsVLANs() throws {
        for strict in [true, false] {
            let h = Self.host(strict: strict)
            #expect(h.iptablesRules.nat.contains { $0.hasPrefix("-A AWS-SNAT-CHAIN-0 ! -o vlan+ ") })
            let text = h.iptablesSave(kubeProxy: KubeProxyRenderer.render([], endpoints: [:], config: KubeProxyConfig(nodeName: "n", nodeIPs: [Self.nodeIP], clusterCIDR: nil)))
            let ipt = IPTablesInterpreter(dump: try IPTablesDump.parse(text).get(), localAddresses: h.localAddresses, interfaceAddresses: ["eth0": Self.nodeIP])
            let veth = try #require(h.veth(of: Self.clientIP))
            var np = NodePacket(Packet(ipProtocol: .tcp, source: Self.clientIP, destination: Self.internet, sourcePort: 40000, destinationPort: 443))
            np.inInterface = veth
            np = ipt.run(table: .mangle, chain: .prerouting, packet: np, choice: .branch(0)).packet
            np = ipt.run(table: .nat, chain: .prerouting, packet: np, choice: .branch(0)).packet
            let r = try #require(h.route(source: Self.clientIP, destination: Self.internet, mark: np.mark, inInterface: veth))
            np.outInterface = r.device
            let post = ipt.run(table: .nat, chain: .postrouting, packet: np, choice: .branch(0)).packet
            if strict {
                #expect(np.mark == 0 && r.device == "vlan.eth.1" && post.source == .ipv4(Self.clientIP))
            } else {
                #expect(np.mark == 0x80 && r.device == "eth0" && post.source == .ipv4(Self.nodeIP))
            }
        }
    }

    /// `ip -br link`: the trunk as eth1, each VLAN on it with the branch ENI's MAC, the host
    /// veths (strict: `vlan…`).
    @Test func links() {
        let h = Self.host(strict: true)
        let lines = h.linksText.split(separator: "\n").map(String.init)
        #expect(lines.first == "lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> ")
        #expect(lines.contains("eth1             UP             02:00:00:00:00:02 <BROADCAST,MULTICAST,UP,LOWER_UP> "))
        #expect(lines.contains("vlan.eth.1@eth1  UP             0a:00:00:00:01:01 <BROADCAST,MULTICAST,UP,LOWER_UP> "))
        #expect(lines.contains("vlan.eth.7@eth1  UP             0a:00:00:00:01:07 <BROADCAST,MULTICAST,UP,LOWER_UP> "))
        #expect(lines.contains { $0.hasPrefix("vlanb5faff8a083  UP ") })
        #expect(lines.count == 1 + 3 + 2 + 4)
        let mac = HostNetwork.vethMAC("vlanb5faff8a083")
        let first = UInt8(mac.prefix(2), radix: 16) ?? 1
        #expect(first & 2 == 2 && first & 1 == 0)
    }

    /// The strict-mode example in Docs/cli.md is this node's `--show rules` and table 107.
    @Test func docsExampleIsThisNode() throws {
        let cli = try Repo.read("Docs/cli.md")
        let h = Self.host(strict: true)
        #expect(cli.contains("```\n" + h.rulesText + "\n" + h.routesText(table: 107) + "```\n"))
    }

    /// Nodes without branch pods print what they printed before (no table, rule or link more).
    @Test func plainNodeUnchanged() {
        let eth0 = HostENI(deviceIndex: 0, mac: "02:00:00:00:00:01", primaryIP: Self.nodeIP, subnet: Self.subnet, podAddresses: [Self.webIP], id: "eni-0")
        let h = HostNetwork(nodeName: "n", enis: [eth0], pods: [HostPod(namespace: "shop", name: "web", ip: Self.webIP)], vpcCIDRs: [Self.subnet])
        #expect(h.rulesText == "0:\tfrom all lookup local\n512:\tfrom all to 10.0.1.40 lookup main\n1024:\tfrom all fwmark 0x80/0x80 lookup main\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n")
        #expect(h.extraTables.isEmpty)
    }
}
