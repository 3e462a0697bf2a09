import NetsimKube
import NetsimModel
import Testing

/// kube-proxy's IPv6 proxier (kubernetes v1.31 `pkg/proxy/iptables/proxier.go`, `NewProxier`
/// with `v1.IPv6Protocol`): the same chains as IPv4, with the differences proxier.go makes where
/// it asks `isIPv6`, and addresses written as ip6tables and Go's `net.JoinHostPort` write them.
@Suite("kube-proxy IPv6")
struct KubeProxyIPv6Tests {
    static let clusterIP = IPv6Address("fd00:10:96::a")!
    static let ep1 = IPv6Address("2001:db8:1::5")!, ep2 = IPv6Address("2001:db8:1::6")!

    static func config() -> KubeProxyConfig {
        var c = KubeProxyConfig(nodeName: "node-a", nodeIPs: [IPv4Address(10, 0, 0, 5)])
        c.ipFamily = .ipv6
        c.nodeIPs6 = [IPv6Address("2001:db8::5")!]
        return c
    }

    static func port(nodePort: UInt16? = nil) -> ProxiedServicePort {
        var sp = ProxiedServicePort(namespace: "ns1", name: "svc1", portName: "p80", port: 80, clusterIP: nil, nodePort: nodePort,
                                    externalIPs: [IPv4Address(192, 0, 2, 9)])
        sp.clusterIP = .ipv6(clusterIP)
        return sp
    }

    static let endpoints = ["ns1/svc1:p80": [ProxiedEndpoint(address: .ipv6(ep1), port: 8080), ProxiedEndpoint(address: .ipv6(ep2), port: 8080)]]

    @Test func rulesUseIPv6AddressesAndBracketedEndpoints() {
        let text = KubeProxyRenderer.render([Self.port()], endpoints: Self.endpoints, config: Self.config()).text
        let svc = ChainNames.service("ns1/svc1:p80", "tcp")
        let sep1 = ChainNames.endpoint("ns1/svc1:p80", "tcp", "[2001:db8:1::5]:8080")
        #expect(text.contains("-A KUBE-SERVICES -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp -p tcp -d fd00:10:96::a --dport 80 -j \(svc)\n"))
        #expect(text.contains("-A \(svc) -m comment --comment \"ns1/svc1:p80 -> [2001:db8:1::5]:8080\" -m statistic --mode random --probability 0.5000000000 -j \(sep1)\n"))
        #expect(text.contains("-A \(sep1) -m comment --comment ns1/svc1:p80 -s 2001:db8:1::5 -j KUBE-MARK-MASQ\n"))
        #expect(text.contains("-A \(sep1) -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination [2001:db8:1::5]:8080\n"))
        // The endpoint chain's name hashes the bracketed form, as upstream's endpointInfo.String().
        #expect(sep1 != ChainNames.endpoint("ns1/svc1:p80", "tcp", "2001:db8:1::5:8080"))
        // An IPv4 external IP is not the IPv6 proxier's.
        #expect(!text.contains("192.0.2.9"))
    }

    @Test func frameDiffersWhereProxierAsksIsIPv6() {
        let text = KubeProxyRenderer.render([Self.port(nodePort: 30080)], endpoints: Self.endpoints, config: Self.config()).text
        // No route_localnet hole to plug: no KUBE-FIREWALL chain or rule, no localhost NodePort rule.
        #expect(!text.contains("KUBE-FIREWALL") && !text.contains("127.0.0.0/8") && !text.contains("localhost_nps_accepted_pkts"))
        #expect(text.contains("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL ! -d ::1/128 -j KUBE-NODEPORTS\n"))
        #expect(text.contains("-A KUBE-NODEPORTS -m comment --comment ns1/svc1:p80 -m tcp -p tcp --dport 30080 -j KUBE-EXT-"))
        // The IPv4 frame is unchanged.
        var c4 = Self.config()
        c4.ipFamily = .ipv4
        let v4 = KubeProxyRenderer.render([], endpoints: [:], config: c4).text
        #expect(v4.contains("-A KUBE-FIREWALL -m comment --comment \"block incoming localnet connections\" -d 127.0.0.0/8 ! -s 127.0.0.0/8"))
        #expect(v4.contains("-m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n") && !v4.contains("::1/128"))
    }

    /// `--nodeport-addresses primary` on IPv6: the node's IPv6 address.
    @Test func restrictedNodePortsTakeTheNodesIPv6() {
        var c = Self.config()
        c.nodePortsRestricted = true
        let text = KubeProxyRenderer.render([], endpoints: [:], config: c).text
        #expect(text.contains("NOTE: this must be the last rule in this chain\" -d 2001:db8::5 -j KUBE-NODEPORTS\n"))
    }

    /// The interpreter reads ip6tables rules and walks only packets of its family.
    @Test func interpreterWalksIPv6PacketsThroughIPv6Rules() throws {
        let text = KubeProxyRenderer.render([Self.port()], endpoints: Self.endpoints, config: Self.config()).text
        let dump = try IPTablesDump.parse(text).get()
        var ipt = IPTablesInterpreter(dump: dump, localAddresses: [], interfaceAddresses: [:])
        #expect(ipt.unparsed.isEmpty)
        let v6 = Packet(ipProtocol: .tcp, source: .ipv6(IPv6Address("2001:db8:2::9")!), destination: .ipv6(Self.clusterIP), sourcePort: 40000, destinationPort: 80)
        // An IPv4 (iptables) interpreter never sees an IPv6 packet.
        #expect(ipt.run(table: .nat, chain: ChainName("KUBE-SERVICES"), packet: NodePacket(v6), choice: .branch(1)).notIPv4)
        ipt.family = .ipv6
        let w = ipt.run(table: .nat, chain: ChainName("KUBE-SERVICES"), packet: NodePacket(v6), choice: .branch(1))
        #expect(!w.notIPv4)
        #expect(w.packet.destination == .ipv6(Self.ep2) && w.packet.destinationPort == 8080)
        // … and an IPv6 interpreter never sees an IPv4 packet.
        let v4 = Packet(ipProtocol: .tcp, source: .ipv4(IPv4Address(10, 0, 0, 9)), destination: .ipv4(IPv4Address(172, 20, 0, 10)), sourcePort: 1, destinationPort: 80)
        #expect(ipt.run(table: .nat, chain: ChainName("KUBE-SERVICES"), packet: NodePacket(v4), choice: .branch(0)).notIPv4)
    }

    @Test func parsesIPv6MatchesAndTargets() throws {
        let r = try #require(IPTablesRule.parse("-A X ! -s fd00::/8 -d 2001:db8::1 -p ipv6-icmp -j DNAT --to-destination [2001:db8::2]:443"))
        #expect(r.matches.contains(.source6(try #require(IPv6CIDR("fd00::/8")), negated: true)))
        #expect(r.matches.contains(.destination6(IPv6CIDR(network: IPv6Address("2001:db8::1")!, prefixLength: 128), negated: false)))
        #expect(r.target == .dnat6(IPv6Address("2001:db8::2")!, 443))
        #expect(IPTablesRule.parse("-A X -j SNAT --to-source 2001:db8::3")?.target == .snat6(IPv6Address("2001:db8::3")!))
        #expect(IPTablesRule.parse("-A X -j REJECT --reject-with icmp6-port-unreachable")?.target == .reject)
        #expect(IPTablesRule.parse("-A X -j REJECT --reject-with bogus") == nil)
        #expect(IPTablesRule.parse("-A X -j DNAT --to-destination [2001:db8::2") == nil)
        // The egress plugin's comment: escaped quotes inside quotes.
        let c = try #require(IPTablesRule.parse(#"-A X -m comment --comment "name: \"aws-cni\" id: \"ab\"" -j ACCEPT"#))
        #expect(c.comment == #"name: "aws-cni" id: "ab""#)
        #expect(IPTablesRule.parse(#"-A X -m comment --comment "a\" -j ACCEPT"#) == nil)
    }

    /// ip6tables-save's defaults: /128 for one address, icmp6-port-unreachable for REJECT, an
    /// IPv6 all-ones mask for `recent`.
    @Test func ip6tablesSaveForm() {
        #expect(IPTablesSaveForm.rule("-A X -d fd00::a -j REJECT", family: .ipv6) == "-A X -d fd00::a/128 -j REJECT --reject-with icmp6-port-unreachable")
        #expect(IPTablesSaveForm.rule("-A X -d 10.0.0.1 -j REJECT") == "-A X -d 10.0.0.1/32 -j REJECT --reject-with icmp-port-unreachable")
        #expect(IPTablesSaveForm.rule("-A X -m recent --name S --rcheck --seconds 10 --reap -j S", family: .ipv6)
                == "-A X -m recent --rcheck --seconds 10 --reap --name S --mask ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff --rsource -j S")
    }

    /// ip6tables chains are indexed by `-d addr/128` as iptables' are by `/32`: the indexed walk
    /// meets the rules a linear walk meets, in order, for every packet.
    @Test func indexedWalkEqualsLinearWalk() throws {
        var ports: [ProxiedServicePort] = [], eps: [String: [ProxiedEndpoint]] = [:]
        for i in 0..<40 {
            var sp = ProxiedServicePort(namespace: "ns", name: "s\(i)", portName: "", port: 80, clusterIP: nil, nodePort: i % 3 == 0 ? UInt16(30000 + i) : nil)
            sp.clusterIP = .ipv6(IPv6Address(high: 0xfd00_0000_0000_0000, low: UInt64(i + 1)))
            ports.append(sp)
            if i % 5 != 4 {
                eps["ns/s\(i)/tcp"] = (0..<(1 + i % 3)).map { k in ProxiedEndpoint(address: .ipv6(IPv6Address(high: 0x2001_0db8_0000_0000, low: UInt64(i * 8 + k))), port: 8080) }
            }
        }
        let text = KubeProxyRenderer.render(ports, endpoints: eps, config: Self.config()).text
        var fast = IPTablesInterpreter(dump: try IPTablesDump.parse(text).get(), localAddresses: [], interfaceAddresses: [:])
        fast.family = .ipv6
        fast.localAddresses6 = Self.config().nodeIPs6.reduce(into: []) { $0.insert($1) }
        var slow = fast
        slow.linear = true
        let destinations = (0..<42).map { IPv6Address(high: 0xfd00_0000_0000_0000, low: UInt64($0)) } + Self.config().nodeIPs6 + [IPv6Address("2600::1")!]
        var met = 0
        for d in destinations {
            for port: UInt16 in [80, 81, 30000, 30003] {
                for branch in 0...2 {
                    let p = NodePacket(Packet(ipProtocol: .tcp, source: .ipv6(IPv6Address("2001:db8:9::1")!), destination: .ipv6(d), sourcePort: 40000, destinationPort: port), inInterface: "eni0")
                    // kube-proxy's own text: the walk starts at its KUBE-SERVICES chains.
                    let a = fast.run(table: .nat, chain: ChainName("KUBE-SERVICES"), packet: p, choice: .branch(branch))
                    let b = slow.run(table: .nat, chain: ChainName("KUBE-SERVICES"), packet: p, choice: .branch(branch))
                    #expect(a.hits.map(\.rule) == b.hits.map(\.rule) && a.packet == b.packet && a.verdict == b.verdict)
                    let fa = fast.run(table: .filter, chain: ChainName("KUBE-SERVICES"), packet: p, choice: .branch(0))
                    let fb = slow.run(table: .filter, chain: ChainName("KUBE-SERVICES"), packet: p, choice: .branch(0))
                    #expect(fa.hits.map(\.rule) == fb.hits.map(\.rule) && fa.verdict == fb.verdict)
                    met += a.hits.count
                }
            }
        }
        #expect(met > 300)
    }
}
