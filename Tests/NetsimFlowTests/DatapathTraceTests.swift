import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimKube
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import NetsimVPC
import Testing

/// Traces through the node datapath (the VPC CNI's host networking and kube-proxy's rules,
/// walked by the iptables interpreter) on the datapath lab: expectations are derived from the
/// realized cluster (which pod is where, on which ENI), never written in as addresses.
@Suite("node datapath traces")
struct DatapathTraceTests {
    static let lab: Network? = try? Lab.network("Tests/NetsimFlowTests/Fixtures/datapath-lab.yaml")
    var n: Network { get throws { try #require(Self.lab) } }

    func pods(_ n: Network, app: String) -> [RealizedPod] {
        n.fabric.realized.pods.filter { $0.labels["app"] == app && $0.status == .running && $0.ip != nil }
    }
    func host(_ n: Network, _ node: String) throws -> HostNetwork { try #require(NodeDatapath(fabric: n.fabric, node: node)).host }
    func trace(_ n: Network, _ from: String, _ to: String, port: UInt16, seed: UInt64? = nil) throws -> Trace {
        var req = FlowRequest(from: try Endpoint.parse(from).get(), to: try Endpoint.parse(to).get(), port: port)
        req.seed = seed
        guard case .traced(let t) = n.trace(req) else { Issue.record("\(from) → \(to) not traced"); throw CancellationError() }
        return t
    }
    func allPaths(_ n: Network, _ from: String, _ to: String, port: UInt16) throws -> [Trace] {
        let req = FlowRequest(from: try Endpoint.parse(from).get(), to: try Endpoint.parse(to).get(), port: port)
        return n.traceAllPaths(req).compactMap { if case .traced(let t) = $0 { return t }; return nil }
    }
    func steps(_ p: PathTrace) -> [Step] { p.hops.flatMap(\.steps) }

    @Test func podToPodOnOneNodeStaysOnTheHost() throws {
        let n = try n
        let web = pods(n, app: "web")
        let byNode = Dictionary(grouping: web, by: { $0.node ?? "" })
        let pair = try #require(byNode.values.first { $0.count >= 2 })
        let (a, b) = (pair[0], pair[1])
        let t = try trace(n, "pod:lab/\(a.name)", "pod:lab/\(b.name)", port: 8080)
        #expect(t.disposition == .delivered)
        // No ENI is crossed: no security group, network ACL or VPC route decides.
        #expect(!steps(t.forward).contains { ["SecurityGroup", "NetworkACL"].contains($0.type) })
        #expect(steps(t.forward).contains { $0.type == "Routing" && $0.sentence.contains("512: from all to \(b.ip!) lookup main") })
        #expect(t.forward.finalPacket.destination == b.ip && t.forward.finalPacket.source == a.ip)
        #expect(t.reply?.end == .delivered)
    }

    /// A pod on a secondary ENI leaves through that ENI (ip rule 1536 → the ENI's table), and
    /// its reply comes back to it.
    @Test func podOnSecondaryENIUsesItsOwnTable() throws {
        let n = try n
        let all = n.fabric.realized.pods.filter { $0.status == .running && !$0.hostNetwork && $0.ip != nil }
        var found: (RealizedPod, HostENI)? = nil
        for p in all {
            guard let node = p.node, let ip = p.ip, let e = try host(n, node).eni(of: ip), e.deviceIndex > 0 else { continue }
            found = (p, e); break
        }
        let (pod, eni) = try #require(found)
        let other = try #require(pods(n, app: "web").first { $0.node != pod.node })
        let t = try trace(n, "pod:\(pod.namespace)/\(pod.name)", "pod:lab/\(other.name)", port: 8080)
        #expect(t.disposition == .delivered)
        #expect(steps(t.forward).contains { $0.type == "Routing" && $0.sentence.contains("1536: from \(pod.ip!) lookup \(eni.table)") })
        // The ENI the packet leaves by is the secondary one, with its security groups.
        #expect(t.forward.hops.contains { $0.place.description.contains(eni.id) && $0.steps.contains { $0.type == "SecurityGroup" } })
        #expect(t.forward.finalPacket.source == pod.ip, "no SNAT inside the VPC")
        #expect(t.reply.map { $0.hops.contains { $0.place.description.contains(eni.id) } } == true)
    }

    /// Every endpoint kube-proxy can pick is a path; each is delivered, and conntrack turns the
    /// reply's source back into the cluster IP.
    @Test func podToClusterIPAllPaths() throws {
        let n = try n
        let svc = try #require(n.fabric.realized.services.first { $0.namespace == "lab" && $0.name == "web" })
        let clusterIP = try #require(svc.clusterIP)
        let paths = try allPaths(n, "deployment:lab/client", "service:lab/web", port: 80)
        let expected = Set(pods(n, app: "web").compactMap { $0.ip.map { "\($0):8080" } })
        #expect(paths.count == expected.count)
        #expect(Set(paths.map { "\($0.forward.finalPacket.destination):\($0.forward.finalPacket.destinationPort)" }) == expected)
        for t in paths {
            #expect(t.disposition == .delivered)
            #expect(t.choices.count == expected.count)
            #expect(abs(t.choices.map(\.probability).reduce(0, +) - 1) < 1e-9)
            let r = try #require(t.reply)
            #expect(r.finalPacket.source == clusterIP && r.finalPacket.sourcePort == 80, "reply un-DNATed")
            #expect(r.finalPacket.destination == t.packet.source && r.finalPacket.destinationPort == t.packet.sourcePort)
        }
    }

    @Test func seedPicksAPathAndIsDeterministic() throws {
        let n = try n
        var seen = Set<IPv4Address>()
        for s in 0..<24 as Range<UInt64> {
            let a = try trace(n, "deployment:lab/client", "service:lab/web", port: 80, seed: s)
            let b = try trace(n, "deployment:lab/client", "service:lab/web", port: 80, seed: s)
            #expect(a.forward.finalPacket.destination == b.forward.finalPacket.destination)
            if let d = a.forward.finalPacket.destination.v4 { seen.insert(d) }
        }
        #expect(seen.count >= 3, "24 seeds over 10 endpoints reach several of them")
    }

    /// A NodePort on another node: DNAT there, masquerade to that node's address when the
    /// endpoint is elsewhere, and the reply comes back through it (un-NATed by its conntrack).
    @Test func nodePortOnAnotherNode() throws {
        let n = try n
        let nodes = n.fabric.realized.nodes
        try #require(nodes.count == 2)
        let (client, target) = (nodes[1], nodes[0])
        let paths = try allPaths(n, "node:\(client.name)", "node:\(target.name)", port: 30080)
        #expect(paths.count == pods(n, app: "web").count)
        for t in paths {
            #expect(t.disposition == .delivered, "\(t.explanations.map(\.message))")
            let fin = t.forward.finalPacket
            let endpointNode = n.fabric.realized.pods.first { fin.destination == $0.ip }?.node
            // kube-proxy marks external NodePort traffic for masquerade (externalTrafficPolicy Cluster).
            #expect(fin.source == target.primaryIP, "masqueraded to the NodePort node's address")
            #expect(fin.destinationPort == 8080)
            if endpointNode != target.name {
                #expect(t.forward.hops.filter { $0.place.description == "node \(target.name)" }.count == 1)
            }
            let r = try #require(t.reply)
            #expect(r.end == .delivered)
            #expect(r.finalPacket.source == target.primaryIP && r.finalPacket.sourcePort == 30080)
            #expect(r.finalPacket.destination == client.primaryIP)
        }
    }

    /// externalTrafficPolicy Local: a node without a local endpoint drops NodePort traffic from
    /// outside; the node with one delivers it with the client's address kept.
    @Test func externalTrafficPolicyLocal() throws {
        let n = try n
        let clientPod = try #require(pods(n, app: "client").first)
        let withEndpoint = try #require(clientPod.node)
        let without = try #require(n.fabric.realized.nodes.first { $0.name != withEndpoint })
        let caller = try #require(pods(n, app: "web").first { $0.node == without.name })
        let drop = try trace(n, "pod:lab/\(caller.name)", "node:\(without.name)", port: 30081)
        #expect(drop.disposition == .deniedIn)
        #expect(drop.explanations.first?.code.rawValue == "DROPPED")
        let ok = try trace(n, "pod:lab/\(caller.name)", "node:\(withEndpoint)", port: 30081)
        #expect(ok.disposition == .delivered)
        #expect(ok.forward.finalPacket.source == caller.ip, "the client's address is preserved")
        #expect(ok.forward.finalPacket.destination == clientPod.ip)
    }

    @Test func nodeToPodIsNotTranslated() throws {
        let n = try n
        let pod = try #require(pods(n, app: "web").first)
        let node = try #require(n.fabric.realized.nodes.first { $0.name != pod.node })
        let t = try trace(n, "node:\(node.name)", "pod:lab/\(pod.name)", port: 8080)
        #expect(t.disposition == .delivered)
        #expect(t.forward.finalPacket.source == node.primaryIP && t.forward.finalPacket.destination == pod.ip)
    }

    /// To the internet: the VPC CNI SNATs to the node's primary address (AWS-SNAT-CHAIN-0),
    /// then the NAT gateway translates again; the reply is un-NATed twice.
    @Test func podToInternetIsSNATedTwice() throws {
        let n = try n
        let pod = try #require(pods(n, app: "client").first)
        let node = try #require(n.fabric.realized.nodes.first { $0.name == pod.node })
        let t = try trace(n, "pod:lab/\(pod.name)", "internet", port: 443)
        #expect(t.disposition == .exitsNetwork)
        let snats = steps(t.forward).filter { $0.type == "SourceNAT" }
        #expect(snats.count == 3, "node SNAT, NAT gateway, internet gateway")
        #expect(snats.first?.packet?.source == node.primaryIP)
        #expect(snats.first?.sentence.contains("AWS-SNAT-CHAIN-0") == true)
        #expect(steps(t.forward).contains { $0.sentence.contains("1024: from all fwmark 0x80/0x80 lookup main") })
        #expect(t.reply?.end == .delivered)
        #expect(t.reply?.finalPacket.destination == pod.ip)
    }

    /// Off the VPC: SNAT unless the destination is in AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS.
    @Test func snatExclusions() throws {
        let n = try n
        let pod = try #require(pods(n, app: "client").first)
        let node = try #require(n.fabric.realized.nodes.first { $0.name == pod.node })
        let partner = try trace(n, "pod:lab/\(pod.name)", "external:partner", port: 8080)
        #expect(partner.disposition == .exitsNetwork)
        #expect(partner.forward.finalPacket.source == node.primaryIP)
        let onprem = try trace(n, "pod:lab/\(pod.name)", "external:onprem", port: 8080)
        #expect(onprem.disposition == .exitsNetwork)
        #expect(onprem.forward.finalPacket.source == pod.ip, "192.168.0.0/16 is excluded from SNAT")
        #expect(onprem.reply?.finalPacket.destination == pod.ip)
    }

    @Test func hostNetworkPodUsesTheNodeAddress() throws {
        let n = try n
        let agent = try #require(n.fabric.realized.pods.first { $0.labels["app"] == "agent" && $0.status == .running })
        let node = try #require(n.fabric.realized.nodes.first { $0.name == agent.node })
        let t = try trace(n, "pod:lab/\(agent.name)", "service:lab/web", port: 80)
        #expect(t.packet.source == node.primaryIP)
        #expect(t.disposition == .delivered)
        #expect(steps(t.forward).contains { $0.type == "Rule" && $0.sentence.hasPrefix("nat OUTPUT rule") })
    }

    @Test func serviceWithoutEndpointsIsRejected() throws {
        let n = try n
        let t = try trace(n, "deployment:lab/client", "service:lab/ghost", port: 80)
        #expect(t.disposition == .noEndpoints)
        #expect(t.explanations.first?.code.rawValue == "NO_ENDPOINTS")
        #expect(steps(t.forward).contains { $0.sentence.contains("has no endpoints") && $0.sentence.contains("-j REJECT") })
        // A port the Service does not have is not a Service port at all.
        let wrong = try trace(n, "deployment:lab/client", "service:lab/web", port: 81)
        #expect(wrong.disposition == .noRoute)
    }

    /// The rules a trace cites are the rules `netsim node` prints, at the positions it gives.
    @Test func tracedRulesAreTheNodesRules() throws {
        let n = try n
        var checked = 0
        for t in try allPaths(n, "deployment:lab/client", "service:lab/web", port: 80) + [try trace(n, "deployment:lab/client", "internet", port: 443)] {
            for hop in t.forward.hops + (t.reply?.hops ?? []) where hop.place.description.hasPrefix("node ") {
                let node = String(hop.place.description.dropFirst(5))
                let dump = try IPTablesDump.parse(try #require(NodeDatapath(fabric: n.fabric, node: node)).iptablesText).get()
                for s in hop.steps where s.type == "Rule" {
                    // "nat KUBE-SERVICES rule 3: -A KUBE-SERVICES …"
                    let head = s.sentence.split(separator: ":", maxSplits: 1)
                    let words = head[0].split(separator: " ")
                    try #require(words.count == 4 && head.count == 2)
                    let index = try #require(Int(words[3]))
                    let rules = try #require(dump.table(String(words[0]))?.chain(String(words[1]))?.rules)
                    #expect(rules.indices.contains(index - 1) && rules[index - 1] == String(head[1].dropFirst()), "\(s.sentence)")
                    checked += 1
                }
            }
        }
        #expect(checked > 50)
    }

    /// A trace's interpreter shares the rules nodes have in common; chain for chain it must
    /// hold exactly the rules `netsim node` prints for that node.
    @Test(arguments: ["Tests/NetsimFlowTests/Fixtures/datapath-lab.yaml", "Topologies/quickstart.yaml"])
    func sharedInterpreterIsTheNodesRuleset(_ file: String) throws {
        let n = try Lab.network(file)
        var chains = 0
        for node in n.fabric.realized.nodes {
            let dump = try IPTablesDump.parse(try #require(NodeDatapath(fabric: n.fabric, node: node.name)).iptablesText).get()
            let ipt = try #require(n.tracer.nodeInterpreter(node.name))
            for t in dump.tables {
                for c in t.chains {
                    let walked = ipt.rules(table: t.name, chain: c.name) ?? []
                    #expect(walked == c.rules, "\(node.name) \(t.name) \(c.name)")
                    chains += 1
                }
            }
            #expect(ipt.unparsed.isEmpty)
        }
        #expect(chains > 50)
    }

    /// internalTrafficPolicy Local: a pod reaches only endpoints on its own node; on a node
    /// without one, kube-proxy drops the packet.
    @Test func internalTrafficPolicyLocal() throws {
        let n = try n
        let client = try #require(pods(n, app: "client").first)
        let local = Set(pods(n, app: "web").filter { $0.node == client.node }.compactMap { $0.ip })
        let paths = try allPaths(n, "pod:lab/\(client.name)", "service:lab/web-itp-local", port: 80)
        if local.isEmpty {
            #expect(paths.first?.disposition == .deniedOut)
        } else {
            #expect(Set(paths.compactMap(\.forward.finalPacket.destination.v4)) == local)
        }
    }

    /// A NodePort reached at a secondary ENI's address: the connection is not marked (the CNI
    /// marks only what arrives on eth0), so the reply is routed by its own source, the
    /// endpoint: out of eth0 for every endpoint but those on that secondary ENI, where EC2's
    /// source/destination check drops it (the kernel routes replies before undoing the DNAT).
    @Test func nodePortOnASecondaryENIAddress() throws {
        let n = try n
        let nodes = n.fabric.realized.nodes
        try #require(nodes.count == 2)
        let target = nodes[0], client = nodes[1]
        let h = try host(n, target.name)
        let eth1 = try #require(h.enis.first { $0.deviceIndex == 1 })
        let paths = try allPaths(n, "node:\(client.name)", "ip:\(eth1.primaryIP)", port: 30080)
        #expect(paths.count == pods(n, app: "web").count)
        var blocked = 0
        for t in paths {
            let endpoint = t.forward.finalPacket.destination.v4 ?? IPv4Address(0)
            #expect(t.forward.end == .delivered)
            if eth1.podAddresses.contains(endpoint) {
                #expect(t.disposition == .delivered, "an endpoint on eth1 answers through eth1")
            } else {
                #expect(t.explanations.contains { $0.code.rawValue == "ENI_SOURCE_DEST_CHECK_RESTRICTION" && $0.direction == .reply }, "\(endpoint)")
                blocked += 1
            }
        }
        #expect(blocked > 0)
    }

    /// aws-node settings that shape the host rules: AWS_VPC_K8S_CNI_CONNMARK changes the mark
    /// everywhere it is used, AWS_EXTERNAL_SERVICE_CIDRS adds rule 1535 so a pod on a secondary
    /// ENI reaches those networks through the main table (eth0) rather than its own ENI.
    @Test func connmarkAndExternalServiceCIDRs() throws {
        let text = try String(contentsOf: Lab.root.appendingPathComponent("Tests/NetsimFlowTests/Fixtures/datapath-lab.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "    AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: 192.168.0.0/16\n",
                                  with: "    AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: 192.168.0.0/16\n    AWS_VPC_K8S_CNI_CONNMARK: \"0x100\"\n    AWS_EXTERNAL_SERVICE_CIDRS: 192.168.0.0/16\n")
        let dir = try Scratch.makeDirectory(prefix: "netsim-cni")
        defer { Scratch.remove(dir) }
        let file = dir.appendingPathComponent("lab.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let r = TopologyLoader(catalog: .builtin).load(path: file.path)
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        let n = Network(topology: t, catalog: .builtin)
        let node = try #require(n.fabric.realized.nodes.first)
        let dp = try #require(NodeDatapath(fabric: n.fabric, node: node.name))
        #expect(dp.host.rulesText.contains("1024:\tfrom all fwmark 0x100/0x100 lookup main"))
        #expect(dp.host.rulesText.contains("1535:\tfrom all to 192.168.0.0/16 lookup main"))
        #expect(dp.iptablesText.contains("-j CONNMARK --set-xmark 0x100/0x100"))
        #expect(!dp.iptablesText.contains("0x80"))
        // A pod on a secondary ENI: rule 1535 sends it out of eth0 (with its own address, since
        // 192.168.0.0/16 is also excluded from SNAT), where EC2 drops it: eth0 does not own it.
        var found: (RealizedPod, HostENI)? = nil
        for p in n.fabric.realized.pods where p.status == .running && !p.hostNetwork {
            guard let nodeName = p.node, let ip = p.ip, let e = NodeDatapath(fabric: n.fabric, node: nodeName)?.host.eni(of: ip), e.deviceIndex > 0 else { continue }
            found = (p, e); break
        }
        let (pod, _) = try #require(found)
        let tr = try trace(n, "pod:\(pod.namespace)/\(pod.name)", "external:onprem", port: 8080)
        #expect(tr.forward.hops.flatMap(\.steps).contains { $0.sentence.contains("ip rule 1535: from all to 192.168.0.0/16 lookup main") })
        #expect(tr.explanations.contains { $0.code.rawValue == "ENI_SOURCE_DEST_CHECK_RESTRICTION" })
    }

    /// A Service's external IP, from a pod: kube-proxy's KUBE-SERVICES captures it, KUBE-EXT
    /// marks it for masquerade, ClientIP affinity uses the manifest's timeout; the reply comes
    /// back from the external IP.
    @Test func externalIPWithAffinity() throws {
        let n = try n
        let svc = try #require(n.fabric.topology.kubernetes.services.first { $0.meta.name == "web-eip" })
        let eip = try #require(svc.externalIPs.first)
        let client = try #require(pods(n, app: "client").first)
        let node = try #require(n.fabric.realized.nodes.first { $0.name == client.node })
        let paths = try allPaths(n, "pod:lab/\(client.name)", "ip:\(eip)", port: 8088)
        #expect(paths.count == pods(n, app: "web").count)
        for t in paths {
            #expect(t.disposition == .delivered, "\(t.explanations.map(\.message))")
            #expect(t.forward.hops.flatMap(\.steps).contains { $0.sentence.contains("external IP") && $0.type == "Rule" })
            // MASQUERADE takes the address of the interface the packet leaves by (the node's
            // primary address for a local endpoint behind a veth).
            #expect(try host(n, node.name).localAddresses.contains(t.forward.finalPacket.source.v4 ?? IPv4Address(0)), "KUBE-EXT masquerades external-IP traffic")
            #expect(t.reply?.finalPacket.source == eip && t.reply?.finalPacket.destination == client.ip)
        }
        let dp = try #require(NodeDatapath(fabric: n.fabric, node: node.name))
        #expect(dp.iptablesText.contains("--rcheck --seconds 600 --reap"))
    }

    /// A LoadBalancer with externalTrafficPolicy Local, `healthCheckNodePort: 32100` and
    /// `allocateLoadBalancerNodePorts: false`: one health-check port for the Service, accepted
    /// on every node; a NodePort only for the port that names one.
    @Test func loadBalancerNodePortsAndHealthCheck() throws {
        let n = try n
        for node in n.fabric.realized.nodes {
            let text = try #require(NodeDatapath(fabric: n.fabric, node: node.name)).iptablesText
            let lines = text.split(separator: "\n")
            #expect(lines.filter { $0.contains("lab/web-lb:") && $0.contains("health check node port") && $0.hasSuffix("--dport 32100 -j ACCEPT") }.count == 2)
            #expect(lines.contains { $0.hasPrefix("-A KUBE-NODEPORTS") && $0.contains("lab/web-lb:http") && $0.contains("--dport 30090") })
            #expect(!lines.contains { $0.hasPrefix("-A KUBE-NODEPORTS") && $0.contains("lab/web-lb:alt") && !$0.contains("health check") })
        }
    }
}
