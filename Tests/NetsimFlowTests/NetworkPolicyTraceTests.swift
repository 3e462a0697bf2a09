import Foundation
@testable import NetsimFlow
import NetsimKube
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

/// NetworkPolicy decided in the walk: the source pod's egress program before DNAT, the
/// destination pod's ingress program after DNAT/SNAT (so a load balancer's target sees the
/// load balancer node, or the client when the NLB keeps its address), replies by conntrack, a
/// pod just started, and the VPC CNI agent against the Kubernetes spec.
@Suite("NetworkPolicy in traces")
struct NetworkPolicyTraceTests {
    /// The load balancer lab with `policies` (manifest list items) and an enforcer.
    static func lab(_ policies: String, enforcer: String = "vpc-cni") throws -> Network {
        var text = try String(contentsOf: Lab.root.appendingPathComponent("Tests/NetsimFlowTests/Fixtures/lb-lab.yaml"), encoding: .utf8)
        #expect(text.contains("  serviceCidr: 172.20.0.0/16\n") && text.contains("kubernetes:\n  manifests:\n"))
        text = text.replacingOccurrences(of: "  serviceCidr: 172.20.0.0/16\n", with: "  serviceCidr: 172.20.0.0/16\n  networkPolicy: {enforcer: \(enforcer)}\n")
        text = text.replacingOccurrences(of: "kubernetes:\n  manifests:\n", with: "kubernetes:\n  manifests:\n" + policies)
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: "lb-lab.yaml")
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        return Network(topology: t, catalog: .builtin)
    }

    /// web accepts 8080 only from `cidr`.
    static func webFrom(_ cidr: String) -> String {
        """
            - apiVersion: networking.k8s.io/v1
              kind: NetworkPolicy
              metadata: {name: web-ingress, namespace: lab}
              spec:
                podSelector: {matchLabels: {app: web}}
                policyTypes: [Ingress]
                ingress:
                  - from: [{ipBlock: {cidr: \(cidr)}}]
                    ports: [{protocol: TCP, port: 8080}]

        """
    }

    static func policySteps(_ t: Trace) -> [PolicyVerdict] {
        t.forward.hops.flatMap(\.steps).compactMap { if case .networkPolicy(let v) = $0.detail { return v }; return nil }
    }

    /// An NLB with IP targets that does not keep the client's address: the pod's ingress
    /// program sees the NLB node's private address, which a policy allowing the VPC lets in.
    @Test func nlbNodeIsTheSourceThePodSees() throws {
        let n = try Self.lab(Self.webFrom("10.0.0.0/16"))
        let t = try Lab.trace(n, "internet", "service:lab/nlb-ip-tcp", port: 80)
        #expect(t.disposition == .delivered, "\(t.explanations.map(\.message))")
        let v = try #require(Self.policySteps(t).first { $0.direction == .ingress })
        #expect(v.allowed && v.basis == .entryAllows)
        guard case .ipv4(let peer) = v.peer else { Issue.record("peer \(v.peer)"); return }
        #expect(IPv4CIDR("10.0.0.0/16")?.contains(peer) == true, "the NLB node's address: \(peer)")
        #expect(v.cidr?.description == "10.0.0.0/16")
        #expect(v.rules.first?.policy == "lab/web-ingress" && v.rules.first?.location?.file == "lb-lab.yaml")
    }

    /// With client IP preservation the pod sees the client's internet address: the same policy
    /// drops it at the pod's veth (NETWORK_POLICY_INGRESS_DENIED), after the network delivered it.
    @Test func preservedClientAddressIsWhatThePolicyJudges() throws {
        let n = try Self.lab(Self.webFrom("10.0.0.0/16"))
        let t = try Lab.trace(n, "internet", "service:lab/nlb-ip-tcp-preserve", port: 80)
        #expect(t.disposition == .deniedIn)
        let e = try #require(t.explanations.first)
        #expect(e.code == .networkPolicyIngressDenied)
        guard case .networkPolicy(let v) = e.detail else { Issue.record("\(e.detail)"); return }
        #expect(v.basis == .noEntryCoversPeer && v.peer == t.packet.source, "the client \(t.packet.source), seen at the pod: \(v.peer)")
        #expect(e.location?.file == "lb-lab.yaml")
        // The walk goes on: past the policy the pod would receive it.
        #expect(t.forward.end == .delivered)
    }

    /// An ALB (instance targets, a NodePort): the pod's ingress program sees a node's address
    /// (kube-proxy masquerades NodePort traffic); a policy for the VPC allows it.
    @Test func albThroughANodePortIsAllowedFromTheVPC() throws {
        let n = try Self.lab(Self.webFrom("10.0.0.0/16"))
        var req = FlowRequest(from: try Endpoint.parse("internet").get(), to: try Endpoint.parse("ingress:lab/site").get(), ipProtocol: .tcp, port: 80)
        req.http = HTTPRequest(host: "a.example.com", path: "/")
        guard case .traced(let t) = n.trace(req) else { Issue.record("not traced"); return }
        #expect(t.disposition == .delivered, "\(t.explanations.map(\.message))")
        let v = try #require(Self.policySteps(t).first { $0.direction == .ingress })
        #expect(v.allowed)
        guard case .ipv4(let peer) = v.peer else { Issue.record("peer"); return }
        #expect(IPv4CIDR("10.0.0.0/16")?.contains(peer) == true)
    }

    /// A policy that admits nothing from the VPC: with instance targets kube-proxy masquerades
    /// NodePort traffic to the node's address, which the agent always allows when it is the
    /// pod's own node (its kubelet) — so the node that runs the pod stays healthy and delivers,
    /// while the other nodes' health checks are dropped at the pod's veth.
    @Test func policyClosedToTheVPCLeavesOnlyThePodsOwnNodeHealthy() throws {
        let n = try Self.lab(Self.webFrom("192.168.0.0/16"))
        var req = FlowRequest(from: try Endpoint.parse("internet").get(), to: try Endpoint.parse("ingress:lab/site").get(), ipProtocol: .tcp, port: 80)
        req.http = HTTPRequest(host: "a.example.com", path: "/")
        guard case .traced(let t) = n.trace(req) else { Issue.record("not traced"); return }
        let health = try #require(t.loadBalancer?.health)
        let blocked = health.filter { h in if case .blocked(let e) = h.reason { return e.code == .networkPolicyIngressDenied }; return false }
        let healthy = health.filter(\.healthy)
        #expect(healthy.count == 1 && blocked.count == health.count - 1, "\(health)")
        #expect(t.disposition == .delivered)
        #expect(Self.policySteps(t).first { $0.direction == .ingress }?.basis == .nodeIP)
    }

    /// Under `none`, the same policy is stored and decides nothing: delivered, with a caveat
    /// that does not affect the verdict.
    @Test func enforcerNoneStoresPolicies() throws {
        let n = try Self.lab(Self.webFrom("10.0.0.0/16"), enforcer: "none")
        let t = try Lab.trace(n, "internet", "service:lab/nlb-ip-tcp-preserve", port: 80)
        #expect(t.disposition == .delivered)
        #expect(Self.policySteps(t).isEmpty)
        #expect(t.caveats.contains { $0.kind == .networkPolicyNotEnforced && !$0.affectsVerdict })
        #expect(!t.verdictDependsOnUnmodelled)
    }

    /// The spec's semantics (enforcer upstream) see the same packet at the pod's ingress.
    @Test func upstreamEnforcerDecidesToo() throws {
        let n = try Self.lab(Self.webFrom("10.0.0.0/16"), enforcer: "upstream")
        let t = try Lab.trace(n, "internet", "service:lab/nlb-ip-tcp-preserve", port: 80)
        #expect(t.disposition == .deniedIn)
        let v = try #require(Self.policySteps(t).first)
        #expect(v.enforcer == .upstream && v.basis == .noRuleAllows)
        #expect(t.policy?.disagree == false)
    }

    // MARK: Services

    /// Egress to a Service is judged before DNAT: the agent's entry is the Service's ClusterIP
    /// (the controller adds it for a pod-selector peer), and the reply passes by conntrack.
    @Test func egressToAServiceMatchesItsClusterIP() throws {
        let n = try Lab.network("Topologies/multi-tenant-network-policies.yaml")
        let t = try Lab.trace(n, "deployment:tenant-acme/web", "service:tenant-acme/api", port: 80)
        #expect(t.disposition == .delivered, "\(t.explanations.map(\.message))")
        let egress = try #require(Self.policySteps(t).first { $0.direction == .egress })
        #expect(egress.basis == .entryAllows && egress.peer == t.packet.destination)
        #expect(egress.cidr?.description == "\(t.packet.destination)/32")
        #expect(egress.ports == PolicyVerdict.PortSlot(ipProtocol: "TCP", start: 80, end: 0))
        // The ingress program sees the endpoint (after DNAT) and port 8080.
        let ingress = try #require(Self.policySteps(t).first { $0.direction == .ingress })
        #expect(ingress.packet.destinationPort == 8080 && ingress.allowed)
        let reply = (t.reply?.hops ?? []).flatMap(\.steps).compactMap { s -> PolicyVerdict? in if case .networkPolicy(let v) = s.detail { return v }; return nil }
        #expect(!reply.isEmpty && reply.allSatisfy { $0.basis == .conntrackReply && $0.allowed })
    }

    /// Another tenant's pod is dropped at the destination's veth, with the isolating policies.
    @Test func crossTenantIsDeniedAtIngress() throws {
        let n = try Lab.network("Topologies/multi-tenant-network-policies.yaml")
        let t = try Lab.trace(n, "deployment:tenant-globex/shop", "service:tenant-acme/api", port: 80)
        #expect(t.disposition == .deniedIn)
        #expect(t.explanations.first?.code == .networkPolicyIngressDenied)
        #expect(t.policy?.enforcer == .vpcCNI && t.policy?.disagree == false)
    }

    // MARK: pod start

    /// A pod whose group has no other pod on its node, in the multi-tenant topology.
    static func loneAcmePod(_ n: Network) throws -> PolicyWorld.Pod {
        let pe = try #require(PolicyEnforcement.of(n.fabric))
        let pods = pe.world.pods.enumerated().filter { $0.element.namespace == "tenant-acme" && !$0.element.hostNetwork }
        let lone = try #require(pods.first { pe.agent.podState(ofPod: $0.offset, atStart: true) != .policiesApplied }, "no pod starts without its group's maps")
        return lone.element
    }

    /// Strict mode, a pod just started: the agent drops everything, kubelet's probes from the
    /// pod's own node included, until its policies are applied; standard mode lets them through.
    @Test func strictModeAtStartDropsKubelet() throws {
        let (path, dir) = try MultiTenantCopy.make(enforcer: "vpc-cni", mode: "strict")
        defer { Scratch.remove(dir) }
        let n = try Lab.network(path)
        let pod = try Self.loneAcmePod(n)
        let port = pod.containerPorts.first?.containerPort ?? 8080
        var req = FlowRequest(from: .node(pod.nodeName), to: .pod(namespace: pod.namespace, name: pod.name), ipProtocol: .tcp, port: port)
        req.podStart = .destination
        guard case .traced(let t) = n.trace(req) else { Issue.record("not traced"); return }
        #expect(t.disposition == .deniedIn)
        let v = try #require(Self.policySteps(t).first { $0.direction == .ingress })
        #expect(v.basis == .defaultDeny && v.atStart && !v.allowed)
        #expect(t.explanations.first?.message.contains("strict") == true)
        // Once the policies are applied, the node's address is always allowed.
        req.podStart = nil
        guard case .traced(let applied) = n.trace(req) else { Issue.record("not traced"); return }
        #expect(applied.disposition == .delivered)
        #expect(Self.policySteps(applied).first { $0.direction == .ingress }?.basis == .nodeIP)

        let standard = try Lab.network("Topologies/multi-tenant-network-policies.yaml")
        let same = try Self.loneAcmePod(standard)
        var s = FlowRequest(from: .internet, to: .pod(namespace: same.namespace, name: same.name), ipProtocol: .tcp, port: port)
        s.from = .node(same.nodeName)
        s.podStart = .destination
        guard case .traced(let st) = standard.trace(s) else { Issue.record("not traced"); return }
        #expect(st.disposition == .delivered)
        #expect(Self.policySteps(st).first { $0.direction == .ingress }?.basis == .defaultAllow)
    }

    // MARK: the agent against the spec (Topologies/network-policy-agent-vs-spec.yaml)

    static let agentVsSpec = "Topologies/network-policy-agent-vs-spec.yaml"

    static func udp(_ n: Network, _ from: String, _ to: String, port: UInt16) throws -> Trace {
        try Lab.trace(n, from, to, port: port, proto: .udp)
    }

    /// The `except` trap (controller #146): an ipBlock with excepts next to a port-53 rule
    /// without peers. The agent writes each except as a deny-all entry and the longest prefix
    /// wins across rules, so DNS is dropped; the spec's union of rules allows it. The trace
    /// follows the agent and says the spec disagrees.
    @Test func exceptTrapBreaksDNSUnderTheAgentOnly() throws {
        let n = try Lab.network(Self.agentVsSpec)
        let t = try Self.udp(n, "deployment:dns-trap/trap-client", "service:kube-system/kube-dns", port: 53)
        #expect(t.disposition == .deniedOut)
        let e = try #require(t.explanations.first)
        #expect(e.code == .networkPolicyEgressDenied)
        guard case .networkPolicy(let v) = e.detail else { Issue.record("\(e.detail)"); return }
        #expect(v.basis == .exceptEntry && v.enforcer == .vpcCNI)
        let o = try #require(t.policy)
        #expect(o.disagree && !o.enforcedAllows && o.otherAllows)
        #expect(t.notes.contains { if case .policyEnforcersDisagree = $0 { return true }; return false })

        // The same cluster under Calico/Cilium-style enforcement: delivered, and the note says
        // the agent would deny it.
        let (path, dir) = try TopologyCopy.make(Self.agentVsSpec, manifests: "agent-vs-spec", replacing: [("enforcer: vpc-cni", "enforcer: upstream")])
        defer { Scratch.remove(dir) }
        let u = try Self.udp(try Lab.network(path), "deployment:dns-trap/trap-client", "service:kube-system/kube-dns", port: 53)
        #expect(u.disposition == .delivered, "\(u.explanations.map(\.message))")
        #expect(u.policy?.enforcer == .upstream && u.policy?.disagree == true)
    }

    /// Egress by ipBlock over the pod network: the agent sees the ClusterIP (before DNAT) and no
    /// entry covers it; the spec judges the endpoint pod (after DNAT) and allows it.
    @Test func ipBlockDoesNotCoverAServiceClusterIPUnderTheAgent() throws {
        let n = try Lab.network(Self.agentVsSpec)
        let t = try Lab.trace(n, "deployment:billing/reporter", "service:billing/ledger", port: 80)
        #expect(t.disposition == .deniedOut)
        guard case .networkPolicy(let v)? = t.explanations.first?.detail else { Issue.record("\(t.explanations)"); return }
        #expect(v.peer == t.packet.destination && v.basis == .noEntryCoversPeer)
        #expect(t.policy?.otherAllows == true)
        // By the pod's own address it is allowed under both.
        let direct = try Lab.trace(n, "deployment:billing/reporter", "deployment:billing/ledger", port: 8080)
        #expect(direct.disposition == .delivered && direct.policy?.disagree == false)
    }

    /// Every intent of the topology states the agent's verdict; under `upstream` exactly the
    /// five intents its comments mark as the spec's difference flip.
    @Test func agentAndSpecDifferOnTheMarkedIntents() throws {
        let agent = try Lab.network(Self.agentVsSpec)
        let results = agent.evaluate(agent.fabric.topology.expectations)
        #expect(results.allSatisfy { $0.status == .passed }, "\(results.filter { $0.status != .passed }.map(\.summary))")
        let (path, dir) = try TopologyCopy.make(Self.agentVsSpec, manifests: "agent-vs-spec", replacing: [("enforcer: vpc-cni", "enforcer: upstream")])
        defer { Scratch.remove(dir) }
        let spec = try Lab.network(path)
        let flipped = spec.evaluate(spec.fabric.topology.expectations).filter { $0.status == .failed }.map(\.intent.name).sorted()
        #expect(flipped == ["reporter cannot use the ledger Service", "scraper cannot reach ledger by a named port",
                            "trap client cannot reach a CoreDNS pod", "trap client cannot resolve over TCP either",
                            "trap client cannot resolve through kube-dns"])
    }
}
