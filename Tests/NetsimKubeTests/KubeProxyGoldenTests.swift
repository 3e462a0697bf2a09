import Foundation
import NetsimKube
import NetsimModel
import NetsimTestSupport
import Testing

/// kube-proxy's golden rulesets (kubernetes pkg/proxy/iptables/proxier_test.go), inputs written
/// here from the tests' descriptions, outputs compared after the normalisation kube-proxy's
/// tests use.
@Suite("kube-proxy goldens")
struct KubeProxyGoldenTests {
    static let fixtures = Repo.url("Tests/NetsimKubeTests/Fixtures/kube-proxy")

    static func ip(_ s: String) -> IPv4Address { IPv4Address(s) ?? IPv4Address(0) }

    /// NewFakeProxier: node test-node at 192.168.0.2, local traffic 10.0.0.0/8, no --random-fully.
    static var fakeConfig: KubeProxyConfig {
        var c = KubeProxyConfig(nodeName: "test-node", nodeIPs: [ip("192.168.0.2")], clusterCIDR: IPv4CIDR("10.0.0.0/8"))
        c.randomFully = false
        return c
    }

    static func normalised(_ text: String) throws -> String {
        try IPTablesDump.parse(text).get().sorted().text
    }

    /// TestOverallIPTablesRules: six Services (ClusterIP, LoadBalancer with eTP Local and
    /// external IP, NodePort, NodePort without a port, LoadBalancer with source range and
    /// ClientIP affinity, and one without endpoints).
    @Test func overallRuleset() throws {
        func p(_ ns: String, _ name: String, _ ip: String) -> ProxiedServicePort {
            ProxiedServicePort(namespace: ns, name: name, portName: "p80", port: 80, clusterIP: Self.ip(ip))
        }
        var svc2 = p("ns2", "svc2", "172.30.0.42")
        svc2.nodePort = 3001; svc2.externalIPs = [Self.ip("192.168.99.22")]; svc2.loadBalancerIPs = [Self.ip("1.2.3.4")]
        svc2.externalPolicyLocal = true; svc2.healthCheckNodePort = 30000; svc2.isLoadBalancer = true
        var svc3 = p("ns3", "svc3", "172.30.0.43")
        svc3.nodePort = 3003
        var svc4 = p("ns4", "svc4", "172.30.0.44")
        svc4.externalIPs = [Self.ip("192.168.99.33")]
        var svc5 = p("ns5", "svc5", "172.30.0.45")
        svc5.nodePort = 3002; svc5.loadBalancerIPs = [Self.ip("5.6.7.8")]; svc5.sourceRanges = [IPv4CIDR("203.0.113.0/25")!]
        svc5.affinityTimeout = 10800; svc5.healthCheckNodePort = 30000; svc5.isLoadBalancer = true
        let ports = [p("ns1", "svc1", "172.30.0.41"), svc2, svc3, svc4, svc5, p("ns6", "svc6", "172.30.0.46")]
        let endpoints: [String: [ProxiedEndpoint]] = [
            "ns1/svc1:p80": [ProxiedEndpoint(ip: Self.ip("10.180.0.1"), port: 80)],
            "ns2/svc2:p80": [ProxiedEndpoint(ip: Self.ip("10.180.0.2"), port: 80)],
            "ns3/svc3:p80": [ProxiedEndpoint(ip: Self.ip("10.180.0.3"), port: 80)],
            "ns4/svc4:p80": [ProxiedEndpoint(ip: Self.ip("10.180.0.4"), port: 80),
                             ProxiedEndpoint(ip: Self.ip("10.180.0.5"), port: 80, nodeName: "test-node")],
            "ns5/svc5:p80": [ProxiedEndpoint(ip: Self.ip("10.180.0.3"), port: 80)],
        ]
        let rendered = KubeProxyRenderer.render(ports, endpoints: endpoints, config: Self.fakeConfig).text
        let expected = try String(contentsOf: Self.fixtures.appendingPathComponent("overall.rules"), encoding: .utf8)
        let got = try Self.normalised(rendered)
        if got != expected {
            let a = got.split(separator: "\n"), b = expected.split(separator: "\n")
            for (i, pair) in zip(a, b).enumerated() where pair.0 != pair.1 {
                Issue.record("line \(i + 1):\n got: \(pair.0)\nwant: \(pair.1)")
                break
            }
            if a.count != b.count { Issue.record("\(a.count) lines, want \(b.count)") }
        }
        #expect(got == expected)
    }

    func chain(_ c: KubeProxyConfig, _ table: String, _ name: String) throws -> [String] {
        let p = ProxiedServicePort(namespace: "ns1", name: "svc1", portName: "p80", port: 80, clusterIP: Self.ip("172.30.0.41"), nodePort: 3001)
        let text = KubeProxyRenderer.render([p], endpoints: ["ns1/svc1:p80": [ProxiedEndpoint(ip: Self.ip("10.180.0.1"), port: 80)]], config: c).text
        return try IPTablesDump.parse(text).get().table(table)?.chain(name)?.rules ?? []
    }

    /// TestMasqueradeRule: MASQUERADE, with --random-fully when iptables has it.
    @Test func masqueradeRule() throws {
        var c = Self.fakeConfig
        let base = ["-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN", "-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000"]
        #expect(try chain(c, "nat", "KUBE-POSTROUTING") == base + ["-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE"])
        c.randomFully = true
        #expect(try chain(c, "nat", "KUBE-POSTROUTING") == base + ["-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully"])
    }

    /// TestDropInvalidRule: the INVALID drop, counted with nfacct when available, gone when
    /// nf_conntrack_tcp_be_liberal is set.
    @Test func dropInvalidRule() throws {
        let accept = ["-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark 0x4000/0x4000 -j ACCEPT",
                      "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"]
        var c = Self.fakeConfig
        c.nfacct = false
        #expect(try chain(c, "filter", "KUBE-FORWARD") == ["-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP"] + accept)
        c.nfacct = true
        #expect(try chain(c, "filter", "KUBE-FORWARD") == ["-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP"] + accept)
        c.tcpBeLiberal = true
        #expect(try chain(c, "filter", "KUBE-FORWARD") == accept)
    }

    /// TestNodePorts: the anti-martian KUBE-FIREWALL rule comes with localhost NodePorts only.
    @Test func localhostNodePortsFirewall() throws {
        var c = Self.fakeConfig
        #expect(try chain(c, "filter", "KUBE-FIREWALL") == ["-A KUBE-FIREWALL -m comment --comment \"block incoming localnet connections\" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP"])
        c.localhostNodePorts = false
        #expect(try chain(c, "filter", "KUBE-FIREWALL").isEmpty)
        c.localhostNodePorts = true
        c.nodePortAddresses = [IPv4CIDR("192.168.0.0/24")!]
        #expect(try chain(c, "filter", "KUBE-FIREWALL").isEmpty, "localhost NodePorts are forced off when 127.0.0.0/8 is not a NodePort address")
    }

    /// Probabilities are printed as Go's %0.10f of 1/n.
    @Test(arguments: [(1, "1.0000000000"), (2, "0.5000000000"), (3, "0.3333333333"), (10, "0.1000000000"), (1000, "0.0010000000"), (100000, "0.0000100000"), (100001, "0.0000099999")])
    func probability(n: Int, text: String) {
        #expect(KubeProxyRenderer.probabilityText(n) == text)
    }
}
