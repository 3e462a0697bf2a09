import NetsimIPAM
import NetsimKube
import NetsimModel
import Synchronization

/// Who enforces the cluster's NetworkPolicies, and the two engines a trace asks: the VPC CNI
/// network policy agent's model (PolicyEndpoints, the eBPF maps and their evaluation) and the
/// Kubernetes spec's semantics (what Calico- or Cilium-style enforcement follows). The declared
/// enforcer decides the flow; the other is asked for a comparison, so a trace can say where the
/// two disagree.
public final class PolicyEnforcement: Sendable {
    public let settings: NetworkPolicySettings
    public let world: PolicyWorld
    public let agent: VPCCNIPolicyAgent
    public let spec: UpstreamPolicyEngine
    /// "namespace/name" of each policy of the world, by index.
    let policyKeys: [String]
    /// "namespace/name" of each pod of the world, by index.
    let podKeys: [String]
    /// The keys of the policies the spec finds selecting a pod, per pod and direction.
    private let selectingKeys = Mutex<[Int: [String]]>([:])

    /// What makes two agent decisions at one pod the same but for the packet: the entry and the
    /// port slot that matched (a pod's map holds each once), the basis and the verdict.
    struct AgentVerdictKey: Hashable {
        struct Slot: Hashable { var ipProtocol: AgentL4Protocol; var start: UInt16; var end: UInt16 }
        var pod: Int
        var direction: PolicyDirection
        var basis: PolicyVerdict.Basis
        var allowed: Bool
        var cidr: IPv4CIDR?
        var slot: Slot?
        /// Hashes the numbers only (the enums hash their raw strings); equality compares all.
        func hash(into h: inout Hasher) {
            h.combine(pod &* 2 &+ (direction == .ingress ? 1 : 0))
            h.combine(cidr?.network.value ?? 0)
            h.combine(UInt32(slot?.start ?? 0) << 16 | UInt32(slot?.end ?? 0))
        }
    }
    private let agentTemplates = Mutex<[AgentVerdictKey: PolicyVerdict]>([:])
    func agentTemplate(_ key: AgentVerdictKey) -> PolicyVerdict? { agentTemplates.withLock { $0[key] } }
    func keepAgentTemplate(_ key: AgentVerdictKey, _ v: PolicyVerdict) { agentTemplates.withLock { $0[key] = v } }

    /// What makes two spec decisions at one pod the same but for the packet: the basis, the
    /// verdict and the first allowing rule (a trace asks for the first only).
    struct SpecVerdictKey: Hashable {
        var pod: Int
        var direction: PolicyDirection
        var basis: UpstreamPolicyDecision.Basis
        var allowed: Bool
        var policy: Int
        var rule: Int
        var peer: Int?
        var port: Int?
        func hash(into h: inout Hasher) {
            h.combine(pod &* 2 &+ (direction == .ingress ? 1 : 0))
            h.combine(policy &* 64 &+ rule)
        }
    }
    private let specTemplates = Mutex<[SpecVerdictKey: PolicyVerdict]>([:])
    /// A reply's verdict at a pod, by pod, the reply's and the forward decision's directions and
    /// the enforcer (see `conntrackReply`).
    private let replyTemplates = Mutex<[Int: PolicyVerdict]>([:])
    func replyTemplate(_ key: Int) -> PolicyVerdict? { replyTemplates.withLock { $0[key] } }
    func keepReplyTemplate(_ key: Int, _ v: PolicyVerdict) { replyTemplates.withLock { $0[key] = v } }
    func specTemplate(_ key: SpecVerdictKey) -> PolicyVerdict? { specTemplates.withLock { $0[key] } }
    func keepSpecTemplate(_ key: SpecVerdictKey, _ v: PolicyVerdict) { specTemplates.withLock { $0[key] = v } }

    /// The keys of `indices` (the spec's isolating policies of pod `pod` in `direction`), kept
    /// per pod and direction: a trace asks for the same pods again and again.
    func specKeys(pod: Int, _ direction: PolicyDirection, _ indices: [UpstreamPolicyRef]) -> [String] {
        let key = pod << 1 | (direction == .ingress ? 0 : 1)
        if let k = selectingKeys.withLock({ $0[key] }) { return k }
        let k = indices.map { policyKeys[$0.policy] }
        selectingKeys.withLock { $0[key] = k }
        return k
    }

    /// The enforcement of `fabric`'s cluster, or nil when nothing in the cluster can decide a
    /// flow (no NetworkPolicy, no ClusterNetworkPolicy, standard mode) or nobody enforces them
    /// (`none`, or undeclared: traces carry a caveat instead).
    public static func of(_ fabric: FabricIndex) -> PolicyEnforcement? {
        let t = fabric.topology
        let settings = t.cluster?.networkPolicy ?? NetworkPolicySettings()
        switch settings.enforcer {
        case .vpcCNI:
            guard !t.kubernetes.networkPolicies.isEmpty || !t.kubernetes.clusterNetworkPolicies.isEmpty || settings.enforcingMode == .strict else { return nil }
        case .upstream:
            guard !t.kubernetes.networkPolicies.isEmpty else { return nil }
        case .none, .undeclared:
            return nil
        }
        return PolicyEnforcement(fabric: fabric, settings: settings)
    }

    init(fabric: FabricIndex, settings: NetworkPolicySettings) {
        self.settings = settings
        world = Self.world(fabric)
        agent = VPCCNIPolicyAgent(world: world, mode: settings.enforcingMode,
                                  clusterNetworkPolicies: fabric.topology.kubernetes.clusterNetworkPolicies)
        spec = UpstreamPolicyEngine(world: world)
        policyKeys = world.networkPolicies.map { "\($0.meta.namespace)/\($0.meta.name)" }
        podKeys = world.pods.map(\.key)
    }

    /// The cluster as an enforcer sees it: running pods with an address, their namespaces'
    /// labels, Services, the policies and the nodes' addresses.
    public static func world(_ fabric: FabricIndex) -> PolicyWorld {
        let t = fabric.topology, r = fabric.realized, k = t.kubernetes
        var pods: [PolicyWorld.Pod] = []
        var namespaces = Set<String>()
        var ports: [String: [ContainerPort]] = [:]
        for w in k.workloads { ports["\(w.kind.rawValue)/\(w.meta.namespace)/\(w.meta.name)"] = w.template.ports }
        for p in r.pods where p.status == .running {
            guard let nodeName = p.node else { continue }
            // A Fargate pod is its node's only tenant: the node's address is the pod's.
            guard let nodeIP = fabric.nodeByName[nodeName]?.primaryIP ?? fabric.fargateNodeByName[nodeName]?.ip else { continue }
            let ip = p.hostNetwork ? nodeIP : p.ip
            guard let ip else { continue }
            namespaces.insert(p.namespace)
            pods.append(PolicyWorld.Pod(namespace: p.namespace, name: p.name, labels: p.labels, ip: ip, nodeIP: nodeIP,
                                        nodeName: nodeName, hostNetwork: p.hostNetwork,
                                        containerPorts: ports["\(p.workloadKind.rawValue)/\(p.namespace)/\(p.workload)"] ?? []))
        }
        for n in k.namespaces { namespaces.insert(n.meta.name) }
        for p in k.networkPolicies { namespaces.insert(p.meta.namespace) }
        var labels: [String: [String: String]] = [:]
        for n in namespaces { labels[n] = k.namespaceLabels(n) }
        // The ClusterIPs the cluster allocated (a manifest rarely writes one).
        var allocated: [String: IPv4Address] = [:]
        for s in r.services { if let ip = s.clusterIP { allocated["\(s.namespace)/\(s.name)"] = ip } }
        let services = k.services.map { s -> Service in
            var s = s
            if s.clusterIP == nil, let ip = allocated["\(s.meta.namespace)/\(s.meta.name)"] { s.clusterIP = ip.description }
            return s
        }
        return PolicyWorld(namespaceLabels: labels, pods: pods, services: services, networkPolicies: k.networkPolicies,
                           nodeIPs: r.nodes.map(\.primaryIP).sorted { $0.value < $1.value })
    }
}

/// A tracer's enforcement, built on the first trace that needs it.
final class PolicyCache: Sendable {
    let built = Mutex<PolicyEnforcement??>(nil)
    func get(_ fabric: FabricIndex) -> PolicyEnforcement? {
        if let b = built.withLock({ $0 }) { return b }
        let e = PolicyEnforcement.of(fabric)
        built.withLock { $0 = .some(e) }
        return e
    }
}

/// Which pods of a flow have just started (`netsim trace --at-start`): the agent holds no
/// policies for them yet unless a pod of the same group already runs on the node.
public enum PodStart: String, Sendable, CaseIterable {
    case source, destination, both
    func covers(_ side: Caveat.Side) -> Bool { self == .both || rawValue == side.rawValue }
}
