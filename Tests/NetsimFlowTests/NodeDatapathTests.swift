import Foundation
import NetsimFlow
import NetsimKube
import NetsimModel
import NetsimTestSupport
import Testing

@Suite("node datapath")
struct NodeDatapathTests {
    func quickstartNode() throws -> (Network, NodeDatapath) {
        let n = try Lab.network("Topologies/quickstart.yaml")
        let node = try #require(n.fabric.realized.nodes.first { node in n.fabric.realized.pods.contains { p in p.node == node.name && !p.hostNetwork } })
        return (n, try #require(NodeDatapath(fabric: n.fabric, node: node.name)))
    }

    /// The VPC CNI's rules: a 512 rule and a /32 veth route per pod, a 1536 rule for pods on
    /// secondary ENIs, a 32765 rule and a table per secondary ENI; veths named eni + SHA-1.
    @Test func hostRoutingFollowsTheCNI() throws {
        let (_, dp) = try quickstartNode()
        let rules = dp.host.rulesText
        for pod in dp.host.pods {
            #expect(rules.contains("512:\tfrom all to \(pod.ip) lookup main"))
            if let e = dp.host.eni(of: pod.ip), e.deviceIndex != 0 { #expect(rules.contains("1536:\tfrom \(pod.ip) lookup \(e.deviceIndex + 1)")) }
            let veth = HostNetwork.vethName(namespace: pod.namespace, pod: pod.name)
            #expect(veth.count == 14 && veth.hasPrefix("eni"))
            #expect(dp.host.routesText.contains("\(pod.ip) dev \(veth) scope link"))
        }
        for e in dp.host.enis where e.deviceIndex > 0 {
            #expect(rules.contains("32765:\tfrom \(e.primaryIP) lookup \(e.deviceIndex + 1)"))
            #expect(dp.host.routesText.contains("default via \(e.gateway) dev eth\(e.deviceIndex) table \(e.deviceIndex + 1)"))
        }
        #expect(rules.hasPrefix("0:\tfrom all lookup local\n"))
        #expect(rules.contains("1024:\tfrom all fwmark 0x80/0x80 lookup main"))
    }

    /// The pod side: eth0 with the pod's address as a /32, the 169.254.1.1 gateway, paired with
    /// the host veth the routes use; hostNetwork pods (aws-node, kube-proxy) share the node.
    @Test func podSideOfEachVeth() throws {
        let (n, dp) = try quickstartNode()
        let lines = dp.podsText.split(separator: "\n").map(String.init)
        for pod in dp.host.pods {
            let veth = HostNetwork.vethName(namespace: pod.namespace, pod: pod.name)
            #expect(lines.contains { $0.hasPrefix("\(pod.namespace)/\(pod.name) ") && $0.contains("eth0 \(pod.ip)/32") && $0.contains("default via 169.254.1.1 dev eth0") && $0.hasSuffix(veth) })
        }
        let hostNet = n.fabric.realized.pods.filter { $0.node == dp.node.name && $0.hostNetwork }
        #expect(hostNet.contains { $0.name.hasPrefix("aws-node") })
        for p in hostNet { #expect(lines.contains { $0.hasPrefix("\(p.namespace)/\(p.name) ") && $0.hasSuffix("hostNetwork: the node's own stack and addresses") }) }
        #expect(lines.count == dp.host.pods.count + hostNet.count)
    }

    /// SHA-1 against FIPS 180-4, and a veth name computed by hand.
    @Test func sha1() {
        #expect(SHA256.hex(SHA1.hash(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(SHA256.hex(SHA1.hash([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(HostNetwork.vethName(namespace: "default", pod: "web") == "eni" + String(SHA256.hex(SHA1.hash(Array("default.web".utf8))).prefix(11)))
    }

    /// kube-proxy's rules for the quickstart's Services, and the CNI's SNAT to the primary address.
    @Test func iptablesHoldServicesAndSNAT() throws {
        let (n, dp) = try quickstartNode()
        let text = dp.iptablesText
        let cart = try #require(n.fabric.realized.services.first { $0.name == "cart" }?.clusterIP)
        #expect(text.contains("\"shop/cart:http cluster IP\" -m tcp -p tcp -d \(cart) --dport 80 -j KUBE-SVC-"))
        #expect(text.contains("-j SNAT --to-source \(dp.node.primaryIP) --random-fully"))
        #expect(text.contains("-A AWS-SNAT-CHAIN-0 -d 10.0.0.0/16 -m comment --comment \"AWS SNAT CHAIN\" -j RETURN"))
        let dump = try IPTablesDump.parse(text).get()
        #expect(dump.tables.map(\.name) == ["mangle", "filter", "nat"])
    }

    /// The kernel accepts every rule: iptables-restore in a network namespace made for the test
    /// (nfacct counters off, since the namespace has none), then iptables-save counts them.
    @Test(.enabled(if: NodeDatapathTests.canMakeNamespaces, "network namespaces cannot be created here (needs root and iproute2)"))
    func kernelAcceptsTheRules() throws {
        let n = try Lab.network("Topologies/quickstart.yaml")
        let node = try #require(n.fabric.realized.nodes.first)
        let dp = try #require(NodeDatapath(fabric: n.fabric, node: node.name) { $0.nfacct = false })
        try NetworkNamespace.with(prefix: "netsim-test") { ns in
            let restore = ns.exec("iptables-restore", input: dp.iptablesText)
            #expect(restore.status == 0, "\(restore.err)")
            let save = ns.exec("iptables-save")
            let kernelRules = save.out.split(separator: "\n").filter { $0.hasPrefix("-A ") }.count
            let ours = dp.iptablesText.split(separator: "\n").filter { $0.hasPrefix("-A ") }.count
            #expect(kernelRules == ours)
        }
    }

    /// `netsim node --show iptables` prints what a node's `iptables-save` prints: every node of
    /// two topologies, and a generated ruleset of 300 Services (affinity, probabilities, source
    /// ranges, Local policies), loaded into a test namespace and saved back by the kernel, equal
    /// `IPTablesSaveForm` byte for byte (iptables-save's `#` lines aside).
    @Test(.enabled(if: NodeDatapathTests.canMakeNamespaces, "network namespaces cannot be created here (needs root and iproute2)"))
    func savedFormIsTheKernels() throws {
        var texts: [(String, String)] = []
        for file in ["Topologies/quickstart.yaml", "Tests/NetsimFlowTests/Fixtures/datapath-lab.yaml"] {
            let n = try Lab.network(file)
            for node in n.fabric.realized.nodes {
                let dp = try #require(NodeDatapath(fabric: n.fabric, node: node.name) { $0.nfacct = false })
                texts.append(("\(file) \(node.name)", dp.iptablesText))
            }
        }
        texts.append(("generated", SyntheticServices.generate(services: 300, endpointsPerService: 4, seed: 3).render().text))
        for (what, text) in texts {
            try NetworkNamespace.with(prefix: "netsim-save") { ns in
                let restore = ns.exec("iptables-restore", input: text)
                try #require(restore.status == 0, "\(what): \(restore.err)")
                let save = ns.exec("iptables-save")
                let kernel = save.out.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#") }.joined(separator: "\n")
                let ours = IPTablesSaveForm.text(try IPTablesDump.parse(text).get())
                if kernel != ours {
                    let k = kernel.split(separator: "\n"), o = ours.split(separator: "\n")
                    let first = zip(k, o).first { $0 != $1 }
                    Issue.record("\(what): first difference: kernel \(first.map { String($0.0) } ?? "(length)") / netsim \(first.map { String($0.1) } ?? "(length)")")
                }
            }
        }
    }

    /// The CNI's rule comments are those of aws/amazon-vpc-cni-k8s v1.23.1: `network.go` for
    /// the SNAT and mangle rules, `iptables_connmark.go` for the connmark chain, whose returns
    /// say `AWS CONNMARK CHAIN` for VPC and excluded CIDRs alike (v1.22 and older wrote
    /// `AWS CONNMARK CHAIN, VPC CIDR` / `, EXCLUDED CIDR`).
    @Test func cniRuleCommentsAreV1_23_1s() {
        let eni = HostENI(deviceIndex: 0, mac: "02:00:00:00:00:01", primaryIP: IPv4Address(10, 0, 1, 10),
                          subnet: IPv4CIDR("10.0.1.0/24")!, podAddresses: [], id: "eni-0")
        let host = HostNetwork(nodeName: "n", enis: [eni], pods: [], vpcCIDRs: [IPv4CIDR("10.0.0.0/16")!, IPv4CIDR("100.64.0.0/16")!],
                               excludeSNATCIDRs: [IPv4CIDR("192.168.0.0/16")!])
        let r = host.iptablesRules
        let v1_23_1: Set<String> = ["AWS SNAT CHAIN", "AWS SNAT CHAIN EXCLUSION", "AWS, SNAT", "AWS, outbound connections",
                                    "AWS, CONNMARK", "AWS CONNMARK CHAIN", "AWS, primary ENI"]
        var seen: Set<String> = []
        for line in r.nat + r.mangle {
            guard let range = line.range(of: "--comment \"") else { Issue.record("no comment: \(line)"); continue }
            let rest = line[range.upperBound...]
            seen.insert(String(rest.prefix { $0 != "\"" }))
        }
        #expect(seen == v1_23_1)
        let connmarkReturns = r.nat.filter { $0.hasPrefix("-A AWS-CONNMARK-CHAIN-0 -d ") }
        #expect(connmarkReturns == [
            "-A AWS-CONNMARK-CHAIN-0 -d 192.168.0.0/16 -m comment --comment \"AWS CONNMARK CHAIN\" -j RETURN",
            "-A AWS-CONNMARK-CHAIN-0 -d 100.64.0.0/16 -m comment --comment \"AWS CONNMARK CHAIN\" -j RETURN",
            "-A AWS-CONNMARK-CHAIN-0 -d 10.0.0.0/16 -m comment --comment \"AWS CONNMARK CHAIN\" -j RETURN",
        ])
    }

    /// The kernel's probabilities: each 1/n kube-proxy writes (every n to 60, every 97th to
    /// 10,000, and the ties 2,048 and 4,096 with their neighbours), restored in a test
    /// namespace and saved back, equal `IPTablesSaveForm`'s 11 decimals.
    @Test(.enabled(if: NodeDatapathTests.canMakeNamespaces, "network namespaces cannot be created here (needs root and iproute2)"))
    func savedProbabilitiesAreTheKernels() throws {
        let ns = Array(2...60) + Array(stride(from: 61, through: 10_000, by: 97)) + [1024, 2047, 2048, 2049, 4095, 4096, 4097, 8192, 10_000]
        let lines = ns.map { "-A KUBE-SVC-PROBABILITY -m statistic --mode random --probability \(KubeProxyRenderer.probabilityText($0)) -j RETURN" }
        let text = "*nat\n:KUBE-SVC-PROBABILITY - [0:0]\n" + lines.joined(separator: "\n") + "\nCOMMIT\n"
        try NetworkNamespace.with(prefix: "netsim-prob") { namespace in
            let restore = namespace.exec("iptables-restore", input: text)
            try #require(restore.status == 0, "\(restore.err)")
            let saved = namespace.exec("iptables-save", ["-t", "nat"]).out
                .split(separator: "\n").map(String.init).filter { $0.hasPrefix("-A KUBE-SVC-PROBABILITY") }
            #expect(saved == lines.map(IPTablesSaveForm.rule))
            #expect(saved.count == ns.count)
        }
    }

    static var canMakeNamespaces: Bool { NetworkNamespace.available }
}
