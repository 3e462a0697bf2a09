@testable import NetsimKube
import NetsimModel
import Testing

// The VPC CNI network policy stack (controller amazon-network-policy-controller-k8s v1.1.7,
// agent aws-network-policy-agent c8619c0): each test is one behaviour of the agent, with the
// upstream source that makes it so.

private func ip(_ s: String) -> IPv4Address { IPv4Address(s)! }
private func cidr(_ s: String) -> IPv4CIDR { IPv4CIDR(s)! }
private func loc(_ line: Int, _ col: Int = 3) -> NetsimModel.SourceLocation { NetsimModel.SourceLocation(file: "policies.yaml", line: line, column: col) }
private func addr(_ s: String) -> IPAddress { IPAddress(s)! }

private let nodeA = ip("10.0.0.10"), nodeB = ip("10.0.0.20")

private func world(_ policies: [NetworkPolicy], extraPods: [PolicyWorld.Pod] = []) -> PolicyWorld {
    let pods: [PolicyWorld.Pod] = [
        .init(namespace: "app", name: "client-5d8f-aaaaa", labels: ["app": "client"], ip: ip("10.0.1.5"), nodeIP: nodeA,
              nodeName: "node-a", hostNetwork: false, containerPorts: []),
        .init(namespace: "app", name: "web-7c9d-bbbbb", labels: ["app": "web"], ip: ip("10.0.1.6"), nodeIP: nodeA,
              nodeName: "node-a", hostNetwork: false,
              containerPorts: [ContainerPort(name: "http", containerPort: 8080, ipProtocol: .tcp)]),
        .init(namespace: "kube-system", name: "coredns-6b9f-ccccc", labels: ["k8s-app": "kube-dns"], ip: ip("10.0.2.10"), nodeIP: nodeB,
              nodeName: "node-b", hostNetwork: false,
              containerPorts: [ContainerPort(name: "dns", containerPort: 53, ipProtocol: .udp),
                               ContainerPort(name: "dns-tcp", containerPort: 53, ipProtocol: .tcp)]),
        .init(namespace: "app", name: "host-agent-x1y2z", labels: ["app": "hostagent"], ip: nodeB, nodeIP: nodeB,
              nodeName: "node-b", hostNetwork: true, containerPorts: []),
    ] + extraPods
    let services = [
        Service(meta: ObjectMeta(name: "kube-dns", namespace: "kube-system", location: loc(1)), type: .ClusterIP, clusterIP: "10.100.0.10",
                selector: ["k8s-app": "kube-dns"],
                ports: [ServicePort(name: "dns", ipProtocol: .udp, port: 53, targetPort: .number(53), nodePort: nil, location: loc(1))]),
        Service(meta: ObjectMeta(name: "web", namespace: "app", location: loc(1)), type: .ClusterIP, clusterIP: "10.100.0.20",
                selector: ["app": "web"],
                ports: [ServicePort(name: "http", ipProtocol: .tcp, port: 80, targetPort: .number(8080), nodePort: nil, location: loc(1))]),
    ]
    return PolicyWorld(namespaceLabels: ["app": ["team": "a"], "kube-system": [:]], pods: pods, services: services,
                       networkPolicies: policies, nodeIPs: [nodeA, nodeB])
}

private func policy(_ name: String, _ ns: String = "app", select: [String: String], types: [NetworkPolicy.PolicyType],
                    ingress: [NetworkPolicy.Rule] = [], egress: [NetworkPolicy.Rule] = [], line: Int = 1) -> NetworkPolicy {
    NetworkPolicy(meta: ObjectMeta(name: name, namespace: ns, location: loc(line, 1)), podSelector: LabelSelector(matchLabels: select),
                  policyTypes: types, ingress: ingress, egress: egress)
}
private func port(_ p: IPProtocol, _ n: UInt16?, end: UInt16? = nil, line: Int = 20) -> NetworkPolicy.Port {
    NetworkPolicy.Port(ipProtocol: p, port: n.map { .number($0) }, endPort: end, location: loc(line, 9))
}
private func named(_ p: IPProtocol, _ name: String) -> NetworkPolicy.Port {
    NetworkPolicy.Port(ipProtocol: p, port: .name(name), endPort: nil, location: loc(21, 9))
}
private func pods(_ labels: [String: String], ns: [String: String]? = nil, line: Int = 10) -> NetworkPolicy.Peer {
    NetworkPolicy.Peer(podSelector: LabelSelector(matchLabels: labels), namespaceSelector: ns.map { LabelSelector(matchLabels: $0) },
                       ipBlock: nil, location: loc(line, 7))
}
private func block(_ c: String, except: [String] = [], line: Int = 11) -> NetworkPolicy.Peer {
    NetworkPolicy.Peer(podSelector: nil, namespaceSelector: nil, ipBlock: (cidr(c), except.map(cidr)), location: loc(line, 7))
}
private func rule(_ peers: [NetworkPolicy.Peer], _ ports: [NetworkPolicy.Port] = [], line: Int = 5) -> NetworkPolicy.Rule {
    NetworkPolicy.Rule(peers: peers, ports: ports, location: loc(line, 5))
}

private let client = "app/client-5d8f-aaaaa", web = "app/web-7c9d-bbbbb"

@Suite("VPC CNI network policy agent")
struct VPCCNIPolicyAgentTests {
    /// fw_rule_processor.go: each except CIDR becomes a deny-all entry (RESERVED_IP_PROTOCOL)
    /// unless it is an allow key; the LPM trie then matches it before 0.0.0.0/0, whatever rule
    /// allowed the port there (controller #121, agent #326). Upstream semantics would allow DNS.
    @Test func exceptInOneRuleRemovesDNSAllowedByAnother() throws {
        let p = policy("egress", select: ["app": "client"], types: [.Egress], egress: [
            rule([block("0.0.0.0/0", except: ["10.0.0.0/8"])], line: 5),
            rule([], [port(.udp, 53)], line: 8),
        ])
        let agent = VPCCNIPolicyAgent(world: world([p]))
        for dest in ["10.0.2.10", "10.100.0.10"] {
            let d = try #require(agent.evaluate(podKey: client, direction: .egress, peer: addr(dest), ipProtocol: .udp, port: 53))
            #expect(d.verdict == .deny)
            #expect(d.denyReason == .exceptEntry)
            #expect(d.entry?.cidr == cidr("10.0.0.0/8"))
            #expect(d.entry?.sources.first?.ruleIndex == 0)
            #expect(d.entry?.sources.first?.peerLocation == loc(11, 7))
        }
        let out = try #require(agent.evaluate(podKey: client, direction: .egress, peer: addr("8.8.8.8"), ipProtocol: .udp, port: 53))
        #expect(out.verdict == .allow && out.stage == .longestPrefixMatch && out.entry?.cidr == .any)
        #expect(Set(out.entry?.sources.map(\.ruleIndex) ?? []) == [0, 1])
    }

    /// endpoints.go getMatchingServiceClusterIPs: a pod-selector peer adds the ClusterIP of each
    /// Service its selector matches, the policy port mapped to the Service port; an ipBlock peer
    /// adds none, so egress by ipBlock to the pod CIDR misses the ClusterIP (seen before DNAT).
    @Test func serviceClusterIPByPodSelectorButNotByIPBlock() throws {
        let bySelector = policy("to-web", select: ["app": "client"], types: [.Egress], egress: [rule([pods(["app": "web"])], [port(.tcp, 8080)])])
        let a = VPCCNIPolicyAgent(world: world([bySelector]))
        let d = try #require(a.evaluate(podKey: client, direction: .egress, peer: addr("10.100.0.20"), ipProtocol: .tcp, port: 80))
        #expect(d.verdict == .allow)
        #expect(d.entry?.cidr == cidr("10.100.0.20/32"))
        #expect(d.matchedPort?.startPort == 80)
        #expect(d.matchedPort?.sources.first?.peer == .serviceClusterIP("app/web"))
        let pe = a.policyEndpoints[0]
        #expect(pe.egress.contains { $0.cidr == cidr("10.0.1.6/32") && $0.ports.first?.port == 8080 })

        let byBlock = policy("to-pods", select: ["app": "client"], types: [.Egress], egress: [rule([block("10.0.1.0/24")], [port(.tcp, 8080)])])
        let b = VPCCNIPolicyAgent(world: world([byBlock]))
        let viaService = try #require(b.evaluate(podKey: client, direction: .egress, peer: addr("10.100.0.20"), ipProtocol: .tcp, port: 80))
        #expect(viaService.verdict == .deny && viaService.denyReason == .noEntryCoversPeer)
        let direct = try #require(b.evaluate(podKey: client, direction: .egress, peer: addr("10.0.1.6"), ipProtocol: .tcp, port: 8080))
        #expect(direct.verdict == .allow)
    }

    /// endpoints.go hasTargetPortBypass: a Service port with a named targetPort that reaches a
    /// container port the policy does not allow gets no ClusterIP entry.
    @Test func serviceWithNamedTargetPortOutsideThePolicyIsSkipped() throws {
        let p = policy("to-web", select: ["app": "client"], types: [.Egress], egress: [rule([pods(["app": "web"])], [port(.tcp, 8080)])])
        let named = ServicePort(name: "http", ipProtocol: .tcp, port: 80, targetPort: .name("http"), nodePort: nil, location: loc(1))
        // Every backing pod's "http" is 8080: the Service port maps (through the pods) to 80.
        var w = world([p])
        w.services[1].ports = [named]
        let a = VPCCNIPolicyAgent(world: w)
        #expect(a.evaluate(podKey: client, direction: .egress, peer: addr("10.100.0.20"), ipProtocol: .tcp, port: 80)?.isAllowed == true)
        // One backing pod names 9090 "http": ClusterIP:80 could reach 9090, so no ClusterIP entry.
        let other = PolicyWorld.Pod(namespace: "app", name: "web-legacy-0", labels: ["app": "web"], ip: ip("10.0.1.8"), nodeIP: nodeA,
                                    nodeName: "node-a", hostNetwork: false,
                                    containerPorts: [ContainerPort(name: "http", containerPort: 9090, ipProtocol: .tcp)])
        var w2 = world([p], extraPods: [other])
        w2.services[1].ports = [named]
        let b = VPCCNIPolicyAgent(world: w2)
        #expect(b.policyEndpoints[0].skipped.contains { $0.reason == .servicePortNamedTargetPortBypass && $0.subject == "app/web" })
        let d = try #require(b.evaluate(podKey: client, direction: .egress, peer: addr("10.100.0.20"), ipProtocol: .tcp, port: 80))
        #expect(d.verdict == .deny && d.denyReason == .noEntryCoversPeer)
    }

    /// endpoints.go computeEgressEndpoints: named ports cannot be resolved for ipBlock peers
    /// (convertToPolicyInfoPortForCIDRs returns nil), so the peer is skipped; for pod peers they
    /// resolve per destination pod (getPortList). For ingress they resolve against the selected
    /// pods and apply to every peer, ipBlock included (resolveIngressPorts).
    @Test func namedPortWithIPBlockIsSkippedOnEgress() throws {
        let p = policy("named", select: ["app": "client"], types: [.Egress], egress: [
            rule([block("10.0.0.0/8")], [named(.tcp, "http")], line: 5),
            rule([pods(["app": "web"])], [named(.tcp, "http")], line: 7),
        ])
        let a = VPCCNIPolicyAgent(world: world([p]))
        let pe = a.policyEndpoints[0]
        #expect(pe.skipped.contains { $0.reason == .namedPortsWithCIDRPeer && $0.source.ruleIndex == 0 })
        #expect(!pe.egress.contains { $0.cidr == cidr("10.0.0.0/8") })
        let toWeb = try #require(a.evaluate(podKey: client, direction: .egress, peer: addr("10.0.1.6"), ipProtocol: .tcp, port: 8080))
        #expect(toWeb.verdict == .allow && toWeb.matchedPort?.startPort == 8080)
        let toDNS = try #require(a.evaluate(podKey: client, direction: .egress, peer: addr("10.0.2.10"), ipProtocol: .tcp, port: 8080))
        #expect(toDNS.verdict == .deny && toDNS.denyReason == .noEntryCoversPeer)

        let ing = policy("named-in", select: ["app": "web"], types: [.Ingress], ingress: [rule([block("10.0.0.0/8")], [named(.tcp, "http")])])
        let b = VPCCNIPolicyAgent(world: world([ing]))
        let d = try #require(b.evaluate(podKey: web, direction: .ingress, peer: addr("10.0.2.10"), ipProtocol: .tcp, port: 8080))
        #expect(d.verdict == .allow && d.entry?.cidr == cidr("10.0.0.0/8"))
    }

    /// fw_rule_processor.go: the node's IP is written as an allow-all entry with every map
    /// (kubelet probes); policy entries for it are skipped (shouldSkipRule).
    @Test func nodeIPAlwaysAllowed() throws {
        let p = policy("web-in", select: ["app": "web"], types: [.Ingress], ingress: [rule([pods(["app": "client"])], [port(.tcp, 8080)])])
        let a = VPCCNIPolicyAgent(world: world([p]))
        let kubelet = try #require(a.evaluate(podKey: web, direction: .ingress, peer: addr("10.0.0.10"), ipProtocol: .tcp, port: 10254))
        #expect(kubelet.verdict == .allow && kubelet.stage == .nodeIP)
        let otherNode = try #require(a.evaluate(podKey: web, direction: .ingress, peer: addr("10.0.0.20"), ipProtocol: .tcp, port: 10254))
        #expect(otherNode.verdict == .deny && otherNode.denyReason == .noEntryCoversPeer)
        #expect(a.entries(ofPod: a.podIndex(key: web)!, direction: .ingress).contains { $0.kind == .nodeIP && $0.cidr == cidr("10.0.0.10/32") })
    }

    /// rpc_handler.go EnforceNpToPod: strict mode starts a pod in DEFAULT_DENY with empty maps;
    /// the node IP entry is only written with the policy maps, so the kubelet is dropped too.
    @Test func strictModeAtStartDropsKubelet() throws {
        let p = policy("web-in", select: ["app": "web"], types: [.Ingress], ingress: [rule([pods(["app": "client"])], [port(.tcp, 8080)])])
        let a = VPCCNIPolicyAgent(world: world([p]), mode: .strict)
        let i = try #require(a.podIndex(key: web))
        let state = a.podState(ofPod: i, atStart: true)
        #expect(state == .defaultDeny)
        let kubelet = a.evaluate(pod: i, direction: .ingress, peer: addr("10.0.0.10"), ipProtocol: .tcp, port: 8080, state: state)
        #expect(kubelet.verdict == .deny && kubelet.stage == .defaultState && kubelet.denyReason == .defaultDeny)
        let fromClient = a.evaluate(pod: i, direction: .ingress, peer: addr("10.0.1.5"), ipProtocol: .tcp, port: 8080, state: state)
        #expect(fromClient.verdict == .deny)
        // Once applied, the policy decides.
        #expect(a.evaluate(pod: i, direction: .ingress, peer: addr("10.0.1.5"), ipProtocol: .tcp, port: 8080).verdict == .allow)
        // A pod no policy selects stays in DEFAULT_DENY in strict mode.
        let c = try #require(a.evaluate(podKey: client, direction: .egress, peer: addr("8.8.8.8"), ipProtocol: .tcp, port: 443))
        #expect(c.verdict == .deny && c.podState == .defaultDeny)
    }

    /// rpc_handler.go: standard mode starts a pod in DEFAULT_ALLOW; everything passes until its
    /// policies are applied.
    @Test func standardModeAtStartAllows() throws {
        let p = policy("web-in", select: ["app": "web"], types: [.Ingress], ingress: [rule([pods(["app": "client"])], [port(.tcp, 8080)])])
        let a = VPCCNIPolicyAgent(world: world([p]))
        let i = try #require(a.podIndex(key: web))
        let state = a.podState(ofPod: i, atStart: true)
        #expect(state == .defaultAllow)
        let d = a.evaluate(pod: i, direction: .ingress, peer: addr("10.0.2.10"), ipProtocol: .tcp, port: 22, state: state)
        #expect(d.verdict == .allow && d.stage == .defaultState)
        #expect(a.evaluate(pod: i, direction: .ingress, peer: addr("10.0.2.10"), ipProtocol: .tcp, port: 22).verdict == .deny)
    }

    /// endpoints.go computePodSelectorEndpoints skips hostNetwork pods; the agent attaches no
    /// program to them (no veth).
    @Test func hostNetworkPodsAreExempt() throws {
        let p = policy("deny-all", select: [:], types: [.Ingress, .Egress])
        let a = VPCCNIPolicyAgent(world: world([p]))
        #expect(a.policyEndpoints[0].skippedHostNetworkPods == ["app/host-agent-x1y2z"])
        let d = try #require(a.evaluate(podKey: "app/host-agent-x1y2z", direction: .ingress, peer: addr("10.0.1.5"), ipProtocol: .tcp, port: 22))
        #expect(d.verdict == .allow && d.stage == .hostNetworkExempt)
        let c = try #require(a.evaluate(podKey: client, direction: .egress, peer: addr("10.0.2.10"), ipProtocol: .udp, port: 53))
        #expect(c.verdict == .deny && c.denyReason == .noEntryCoversPeer)
    }

    /// tc.v4ingress.bpf.c evaluateNamespacePolicyByLookUp: a port matches when equal to the
    /// start port or within (start, end].
    @Test func endPortRange() throws {
        let p = policy("range", select: ["app": "web"], types: [.Ingress], ingress: [rule([pods(["app": "client"])], [port(.tcp, 8000, end: 8100)])])
        let a = VPCCNIPolicyAgent(world: world([p]))
        for (n, ok) in [(UInt16(7999), false), (8000, true), (8050, true), (8100, true), (8101, false)] {
            let d = try #require(a.evaluate(podKey: web, direction: .ingress, peer: addr("10.0.1.5"), ipProtocol: .tcp, port: n))
            #expect(d.isAllowed == ok, "port \(n)")
            if !ok { #expect(d.denyReason == .portNotInEntry) }
        }
        #expect(a.evaluate(podKey: web, direction: .ingress, peer: addr("10.0.1.5"), ipProtocol: .udp, port: 8050)?.isAllowed == false)
    }

    /// LPM trie: the longest prefix containing the peer decides, and more-specific CIDRs inherit
    /// the ports of broader allow keys (checkAndDeriveL4InfoFromAnyMatchingCIDRsTrie) unless the
    /// address lies in that key's excepts.
    @Test func longestPrefixWinsAndInheritsBroaderPorts() throws {
        let p = policy("blocks", select: ["app": "web"], types: [.Ingress], ingress: [
            rule([block("10.0.0.0/8")], [port(.tcp, 80)], line: 5),
            rule([block("10.0.1.0/24")], [port(.tcp, 443)], line: 8),
        ])
        let a = VPCCNIPolicyAgent(world: world([p]))
        let https = try #require(a.evaluate(podKey: web, direction: .ingress, peer: addr("10.0.1.5"), ipProtocol: .tcp, port: 443))
        #expect(https.verdict == .allow && https.entry?.cidr == cidr("10.0.1.0/24"))
        let http = try #require(a.evaluate(podKey: web, direction: .ingress, peer: addr("10.0.1.5"), ipProtocol: .tcp, port: 80))
        #expect(http.verdict == .allow && http.entry?.cidr == cidr("10.0.1.0/24"))
        #expect(http.matchedPort?.inheritedFrom == cidr("10.0.0.0/8"))
        let far = try #require(a.evaluate(podKey: web, direction: .ingress, peer: addr("10.9.0.1"), ipProtocol: .tcp, port: 443))
        #expect(far.verdict == .deny && far.denyReason == .portNotInEntry && far.entry?.cidr == cidr("10.0.0.0/8"))

        // Within the broader key's except: no inheritance, and the /32 of a pod peer wins over it.
        let q = policy("except", select: ["app": "web"], types: [.Ingress], ingress: [
            rule([block("10.0.0.0/8", except: ["10.0.1.0/24"])], [], line: 5),
            rule([pods(["app": "client"])], [port(.tcp, 8080)], line: 8),
        ])
        let b = VPCCNIPolicyAgent(world: world([q]))
        let ssh = try #require(b.evaluate(podKey: web, direction: .ingress, peer: addr("10.0.1.5"), ipProtocol: .tcp, port: 22))
        #expect(ssh.verdict == .deny && ssh.denyReason == .portNotInEntry && ssh.entry?.cidr == cidr("10.0.1.5/32"))
        #expect(b.evaluate(podKey: web, direction: .ingress, peer: addr("10.0.1.5"), ipProtocol: .tcp, port: 8080)?.isAllowed == true)
        #expect(b.evaluate(podKey: web, direction: .ingress, peer: addr("10.0.1.9"), ipProtocol: .tcp, port: 8080)?.denyReason == .exceptEntry)
        #expect(b.evaluate(podKey: web, direction: .ingress, peer: addr("10.0.2.10"), ipProtocol: .tcp, port: 22)?.isAllowed == true)
    }

    /// utils.go ComputeTrieValue: 24 slots per CIDR (TRIE_VALUE_LENGTH 288 / 12); the rest is
    /// dropped with an error log. netsim reports NS1230 at the policy.
    @Test func moreThan24PortsPerCIDRIsAFinding() throws {
        let ports = (0..<30).map { port(.tcp, UInt16(9000 + $0), line: 20 + $0) }
        let p = policy("many", select: ["app": "web"], types: [.Ingress], ingress: [rule([block("10.0.0.0/16")], ports, line: 6)])
        let a = VPCCNIPolicyAgent(world: world([p]))
        let f = a.findings()
        #expect(f.count == 1)
        #expect(f.first?.code == .agentPortLimit && f.first?.code.id == "NS1230")
        #expect(f.first?.location == loc(11, 7))
        #expect(f.first?.message.contains("app/many") == true)
        let few = VPCCNIPolicyAgent(world: world([policy("few", select: ["app": "web"], types: [.Ingress],
                                                         ingress: [rule([block("10.0.0.0/16")], Array(ports.prefix(24)))])]))
        #expect(few.findings().isEmpty)
    }

    /// policyendpoints_controller.go: a direction with no rules that no PolicyEndpoint of the
    /// group isolates gets a 0.0.0.0/0 allow-all entry (addCatchAllEntry).
    @Test func directionNotIsolatedGetsCatchAll() throws {
        let p = policy("in-only", select: ["app": "client"], types: [.Ingress])
        let a = VPCCNIPolicyAgent(world: world([p]))
        let out = try #require(a.evaluate(podKey: client, direction: .egress, peer: addr("8.8.8.8"), ipProtocol: .tcp, port: 443))
        #expect(out.verdict == .allow && out.stage == .notIsolated)
        let inb = try #require(a.evaluate(podKey: client, direction: .ingress, peer: addr("10.0.1.6"), ipProtocol: .tcp, port: 443))
        #expect(inb.verdict == .deny && inb.denyReason == .noEntryCoversPeer)
    }

    /// tc.v4ingress.bpf.c: ports are read for TCP, UDP and SCTP only; ICMP is port 0 and matches
    /// only a slot of protocol ANY (a rule without ports). Non-IPv4 frames pass.
    @Test func icmpAndNonIPv4() throws {
        let p = policy("web-in", select: ["app": "web"], types: [.Ingress], ingress: [
            rule([pods(["app": "client"])], [port(.tcp, 8080)]),
            rule([block("10.0.2.0/24")]),
        ])
        let a = VPCCNIPolicyAgent(world: world([p]))
        #expect(a.evaluate(podKey: web, direction: .ingress, peer: addr("10.0.1.5"), ipProtocol: .icmp, port: 0)?.denyReason == .portNotInEntry)
        #expect(a.evaluate(podKey: web, direction: .ingress, peer: addr("10.0.2.10"), ipProtocol: .icmp, port: 0)?.isAllowed == true)
        #expect(a.evaluate(podKey: web, direction: .ingress, peer: addr("10.0.1.5"), ipProtocol: .number(132), port: 8080)?.isAllowed == false)
        let v6 = try #require(a.evaluate(podKey: web, direction: .ingress, peer: addr("fd00::1"), ipProtocol: .tcp, port: 22))
        #expect(v6.verdict == .allow && v6.stage == .notIPv4)
        let reply = try #require(a.evaluate(podKey: web, direction: .ingress, peer: addr("10.0.2.99"), ipProtocol: .tcp, port: 22, isReply: true))
        #expect(reply.verdict == .allow && reply.stage == .conntrackReply)
    }

    /// utils.go GetPodIdentifier: pods with the same name prefix on a node share maps, so a policy
    /// selecting one of them applies to the others.
    @Test func podsOfOneGroupShareMaps() throws {
        let sibling = PolicyWorld.Pod(namespace: "app", name: "web-7c9d-zzzzz", labels: ["app": "web-canary"], ip: ip("10.0.1.7"), nodeIP: nodeA,
                                      nodeName: "node-a", hostNetwork: false, containerPorts: [])
        let p = policy("web-in", select: ["app": "web"], types: [.Ingress], ingress: [rule([pods(["app": "client"])], [port(.tcp, 8080)])])
        let a = VPCCNIPolicyAgent(world: world([p], extraPods: [sibling]))
        #expect(agentPodIdentifier(name: "web-7c9d-zzzzz", namespace: "app") == "web-7c9d@app")
        let d = try #require(a.evaluate(podKey: "app/web-7c9d-zzzzz", direction: .ingress, peer: addr("10.0.2.10"), ipProtocol: .tcp, port: 22))
        #expect(d.verdict == .deny && d.policies == ["app/web-in"])
        // Started next to a running sibling: straight to POLICIES_APPLIED.
        #expect(a.podState(ofPod: a.podIndex(key: "app/web-7c9d-zzzzz")!, atStart: true) == .policiesApplied)
    }

    /// tc.v4egress.bpf.c evaluateClusterPolicyByLookUp / evaluateFlow: Admin tier first (lowest
    /// priority number wins, Deny before Accept before Pass at one priority); Pass goes on to the
    /// namespace policies, then Baseline (priority + 2000), then the default state.
    @Test func adminAndBaselineTiersWithPass() throws {
        let appNS = LabelSelector(matchLabels: ["kubernetes.io/metadata.name": "app"])
        let ksNS = LabelSelector(matchLabels: ["kubernetes.io/metadata.name": "kube-system"])
        func cnp(_ name: String, _ tier: ClusterPolicyTier, _ prio: Int, _ action: ClusterPolicyAction, _ peer: ClusterTierPolicy.Peer,
                 ports: [ClusterTierPolicy.Port]? = nil, line: Int) -> ClusterTierPolicy {
            ClusterTierPolicy(name: name, location: loc(line, 1), tier: tier, priority: prio, subject: .namespaces(appNS), ingress: [],
                              egress: [.init(name: name, action: action, peers: [peer], ports: ports, location: loc(line + 5, 7))])
        }
        let cnps = [
            cnp("pass-dns", .admin, 5, .pass, .namespaces(ksNS), line: 100),
            cnp("deny-vpc", .admin, 10, .deny, .networks([cidr("10.0.0.0/8")]), line: 200),
            cnp("accept-pods", .admin, 10, .accept, .networks([cidr("10.0.1.0/24")]), line: 300),
            cnp("baseline-deny", .baseline, 1, .deny, .networks([.any]), line: 400),
            cnp("baseline-web", .baseline, 0, .accept, .networks([cidr("1.1.1.1/32")]), ports: [.number(.tcp, 443)], line: 500),
        ]
        let a = VPCCNIPolicyAgent(world: world([]), mode: .standard, clusterPolicies: cnps)
        // Pass at 5 beats Deny at 10; no namespace policy → Baseline Deny.
        let dns = try #require(a.evaluate(podKey: client, direction: .egress, peer: addr("10.0.2.10"), ipProtocol: .udp, port: 53))
        #expect(dns.verdict == .deny && dns.stage == .baselineTier && dns.tierRule?.policyName == "baseline-deny")
        // Deny and Accept at 10: Deny wins.
        let toPods = try #require(a.evaluate(podKey: client, direction: .egress, peer: addr("10.0.1.6"), ipProtocol: .tcp, port: 8080))
        #expect(toPods.verdict == .deny && toPods.stage == .adminTier && toPods.tierRule?.policyName == "deny-vpc" && toPods.denyReason == .adminTierDeny)
        // Baseline: the lowest priority among the matching rules.
        #expect(a.evaluate(podKey: client, direction: .egress, peer: addr("1.1.1.1"), ipProtocol: .tcp, port: 443)?.stage == .baselineTier)
        #expect(a.evaluate(podKey: client, direction: .egress, peer: addr("1.1.1.1"), ipProtocol: .tcp, port: 443)?.isAllowed == true)
        #expect(a.evaluate(podKey: client, direction: .egress, peer: addr("1.1.1.1"), ipProtocol: .tcp, port: 80)?.isAllowed == false)
        // The node IP is an Admin Accept at priority 0.
        let node = try #require(a.evaluate(podKey: client, direction: .egress, peer: addr("10.0.0.10"), ipProtocol: .tcp, port: 10250))
        #expect(node.verdict == .allow && node.stage == .adminTier)

        // With a namespace policy allowing DNS, the Admin Pass lets it decide.
        let np = policy("dns", select: ["app": "client"], types: [.Egress], egress: [rule([pods(["k8s-app": "kube-dns"], ns: [:])], [port(.udp, 53)])])
        let b = VPCCNIPolicyAgent(world: world([np]), mode: .standard, clusterPolicies: cnps)
        let dns2 = try #require(b.evaluate(podKey: client, direction: .egress, peer: addr("10.0.2.10"), ipProtocol: .udp, port: 53))
        #expect(dns2.verdict == .allow && dns2.stage == .longestPrefixMatch && dns2.tierRule?.action == .pass)
    }

    /// The model's ClusterNetworkPolicy through the public initializer: an Admin Deny at the
    /// lowest number beats a namespace policy's allow; a Baseline Accept only acts when nothing
    /// earlier decided.
    @Test func modelClusterNetworkPolicy() throws {
        let appNS = LabelSelector(matchLabels: ["kubernetes.io/metadata.name": "app"])
        let deny = ClusterNetworkPolicy(meta: ObjectMeta(name: "deny-dns-tcp", namespace: "", location: loc(300, 1)), tier: .Admin, priority: 1,
            subject: .namespaces(appNS),
            egress: [.init(action: .Deny, peers: [.init(.networks([.init(cidr: .ipv4(cidr("10.0.2.0/24")))]))],
                           ports: [.init(.number(.tcp, 53))], location: loc(305, 7))])
        let accept = ClusterNetworkPolicy(meta: ObjectMeta(name: "baseline-internet", namespace: "", location: loc(400, 1)), tier: .Baseline, priority: 3,
            subject: .namespaces(appNS),
            egress: [.init(action: .Accept, peers: [.init(.networks([.init(cidr: .ipv4(.any))]))], location: loc(405, 7))])
        let np = policy("dns", select: ["app": "client"], types: [.Egress], egress: [rule([pods(["k8s-app": "kube-dns"], ns: [:])], [port(.tcp, 53), port(.udp, 53)])])
        let a = VPCCNIPolicyAgent(world: world([np]), mode: .standard, clusterNetworkPolicies: [deny, accept])
        let tcp = try #require(a.evaluate(podKey: client, direction: .egress, peer: addr("10.0.2.10"), ipProtocol: .tcp, port: 53))
        #expect(tcp.verdict == .deny && tcp.stage == .adminTier && tcp.tierRule?.location == loc(305, 7))
        let udp = try #require(a.evaluate(podKey: client, direction: .egress, peer: addr("10.0.2.10"), ipProtocol: .udp, port: 53))
        #expect(udp.verdict == .allow && udp.stage == .longestPrefixMatch)
        // The namespace policy isolates egress: an address no entry covers is denied there, before Baseline.
        let out = try #require(a.evaluate(podKey: client, direction: .egress, peer: addr("8.8.8.8"), ipProtocol: .tcp, port: 443))
        #expect(out.verdict == .deny && out.denyReason == .noEntryCoversPeer)
        // A pod with no namespace policy: Baseline decides.
        let b = VPCCNIPolicyAgent(world: world([]), mode: .strict, clusterNetworkPolicies: [deny, accept])
        let web2 = try #require(b.evaluate(podKey: web, direction: .egress, peer: addr("8.8.8.8"), ipProtocol: .tcp, port: 443))
        #expect(web2.verdict == .allow && web2.stage == .baselineTier && web2.podState == .defaultDeny)
    }
}
