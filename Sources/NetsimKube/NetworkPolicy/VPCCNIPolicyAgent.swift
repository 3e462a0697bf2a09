import Synchronization
import NetsimModel

// The VPC CNI network policy stack, part 3: the node agent's decision for one packet, as the
// eBPF programs of `aws-network-policy-agent` (commit c8619c0, v1.4.0+75) take it in
// `pkg/ebpf/c/tc.v4ingress.bpf.c` and `tc.v4egress.bpf.c` (handle_ingress/handle_egress,
// evaluateFlow, evaluateClusterPolicyByLookUp, evaluateNamespacePolicyByLookUp), with the pod
// states of `pkg/rpc/rpc_handler.go` (EnforceNpToPod). Written from a reading of that source;
// nothing is copied.

/// `NETWORK_POLICY_ENFORCING_MODE` of the VPC CNI (the model's setting).
public typealias NetworkPolicyEnforcingMode = NetworkPolicySettings.EnforcingMode

/// The agent's pod state (`pod_state` map, key 0).
public enum AgentPodState: String, Sendable, CaseIterable {
    /// The group's maps are written (POLICIES_APPLIED).
    case policiesApplied
    /// No policies applied, standard mode (DEFAULT_ALLOW).
    case defaultAllow
    /// No policies applied, strict mode (DEFAULT_DENY): everything dropped, kubelet included.
    case defaultDeny

    /// The state of a pod the agent knows no policies for.
    public static func unapplied(_ mode: NetworkPolicyEnforcingMode) -> AgentPodState {
        mode == .strict ? .defaultDeny : .defaultAllow
    }
}

/// Tier of an EKS ClusterNetworkPolicy (`networking.k8s.aws/v1alpha1`).
public enum ClusterPolicyTier: String, Sendable, CaseIterable { case admin = "Admin", baseline = "Baseline" }
/// Action of a ClusterNetworkPolicy rule. Ties at one priority: Deny, then Accept, then Pass
/// (the eBPF's action values 0, 1, 2).
public enum ClusterPolicyAction: String, Sendable, CaseIterable {
    case deny = "Deny", accept = "Accept", pass = "Pass"
    var rank: Int { switch self { case .deny: 0; case .accept: 1; case .pass: 2 } }
}

/// The ClusterNetworkPolicy rule that decided (or passed) a packet.
public struct ClusterTierMatch: Sendable {
    public var tier: ClusterPolicyTier
    public var policyName: String
    public var priority: Int
    public var action: ClusterPolicyAction
    public var direction: PolicyDirection
    public var ruleIndex: Int
    public var ruleName: String?
    public var location: SourceLocation
}

/// The agent's verdict on one packet, with the stage that decided and why.
public struct AgentDecision: Sendable {
    public enum Verdict: String, Sendable { case allow, deny }
    /// Where in the eBPF program the packet was decided.
    public enum Stage: String, Sendable {
        /// The caller said the packet is the reply of a flow the agent let through (conntrack).
        case conntrackReply
        /// Not an IPv4 packet: the v4 programs pass it.
        case notIPv4
        /// A hostNetwork pod has no veth and no program.
        case hostNetworkExempt
        /// ClusterNetworkPolicy Admin tier (Accept or Deny).
        case adminTier
        /// The node's own address, always in the maps.
        case nodeIP
        /// Longest-prefix match over the pod's PolicyEndpoint entries.
        case longestPrefixMatch
        /// The catch-all entry of a direction no policy of the group isolates.
        case notIsolated
        /// ClusterNetworkPolicy Baseline tier.
        case baselineTier
        /// The pod's default state (no entry, no tier decided).
        case defaultState
    }
    public enum DenyReason: String, Sendable {
        /// Policies applied and no map entry covers the peer.
        case noEntryCoversPeer
        /// The longest-prefix entry covers the peer but not the protocol/port.
        case portNotInEntry
        /// The longest-prefix entry is the deny-all entry of an `except` CIDR.
        case exceptEntry
        case adminTierDeny
        case baselineTierDeny
        /// Strict mode, no policies applied yet.
        case defaultDeny
    }
    public var verdict: Verdict
    public var stage: Stage
    public var denyReason: DenyReason?
    public var podState: AgentPodState
    public var direction: PolicyDirection
    /// The longest-prefix entry (also for denials when one covered the peer).
    public var entry: AgentMapEntry?
    /// The slot of `entry` that matched (allow) or the deny-all slot.
    public var matchedPort: AgentPortRule?
    /// The ClusterNetworkPolicy rule that decided (or the Admin Pass that let the packet on).
    public var tierRule: ClusterTierMatch?
    /// Keys of the NetworkPolicies applied to the pod's group.
    public var policies: [String]

    public var isAllowed: Bool { verdict == .allow }
}

/// The VPC CNI network policy stack over one `PolicyWorld`: the controller's PolicyEndpoints,
/// each pod group's maps as its node agent holds them (built on first use, then kept), and the
/// eBPF evaluation of a packet.
///
/// Conntrack is the caller's: evaluate the packet that opens a flow; its replies are allowed by
/// the agent's conntrack entry (pass `isReply: true` to get that decision as a step).
public final class VPCCNIPolicyAgent: Sendable {
    public let world: PolicyWorld
    public let mode: NetworkPolicyEnforcingMode
    /// One per NetworkPolicy, in `world.networkPolicies` order.
    public let policyEndpoints: [PolicyEndpoint]
    let clusterPolicies: [ClusterTierPolicy]
    /// pod index → indices of the policies selecting it.
    let policiesOfPod: [[Int]]
    /// "node|identifier" → pod indices.
    let groups: [String: [Int]]
    let groupKeyOfPod: [String]
    /// A number per group ("node|identifier"), per pod: the maps cache's key (a trace looks
    /// maps up several times; hashing the long group key each time was most of the cost).
    let groupIDOfPod: [Int]
    let podByIP: [UInt32: Int]
    let index: PodIndex
    private let cache = Mutex<[Int: AgentPolicyMaps]>([:])
    let tierCache = Mutex<[String: [ResolvedTierRule]]>([:])
    func tierCacheLookup(_ key: String) -> [ResolvedTierRule]? { tierCache.withLock { $0[key] } }
    func tierCacheStore(_ key: String, _ rules: [ResolvedTierRule]) { tierCache.withLock { $0[key] = rules } }

    /// Resolves every NetworkPolicy of `world` (the controller's work) and indexes pods and
    /// groups; maps are built per group on first use. `clusterNetworkPolicies`: the EKS
    /// ClusterNetworkPolicies (Admin and Baseline tiers).
    public convenience init(world: PolicyWorld, mode: NetworkPolicyEnforcingMode = .standard,
                            clusterNetworkPolicies: [ClusterNetworkPolicy] = []) {
        self.init(world: world, mode: mode, clusterPolicies: clusterNetworkPolicies.map(ClusterTierPolicy.init))
    }

    convenience init(world: PolicyWorld, mode: NetworkPolicyEnforcingMode, clusterPolicies: [ClusterTierPolicy]) {
        self.init(world: world, mode: mode, clusterPolicies: clusterPolicies, policyEndpoints: PolicyEndpointsResolver.resolve(world))
    }

    /// With the PolicyEndpoints already resolved (one per `world.networkPolicies`, in order).
    init(world: PolicyWorld, mode: NetworkPolicyEnforcingMode, clusterPolicies: [ClusterTierPolicy], policyEndpoints pes: [PolicyEndpoint]) {
        self.world = world; self.mode = mode; self.clusterPolicies = clusterPolicies
        policyEndpoints = pes
        var ofPod = Array(repeating: [Int](), count: world.pods.count)
        for (pi, pe) in pes.enumerated() { for i in pe.selectedPods { ofPod[i].append(pi) } }
        policiesOfPod = ofPod
        var g: [String: [Int]] = [:]
        var keys: [String] = []
        var byIP: [UInt32: Int] = [:]
        var ids: [String: Int] = [:], idOfPod: [Int] = []
        for (i, pod) in world.pods.enumerated() {
            let key = pod.nodeName + "|" + agentPodIdentifier(name: pod.name, namespace: pod.namespace)
            keys.append(key)
            g[key, default: []].append(i)
            if ids[key] == nil { ids[key] = ids.count }
            idOfPod.append(ids[key] ?? 0)
            if !pod.hostNetwork, byIP[pod.ip.value] == nil { byIP[pod.ip.value] = i }
        }
        groups = g; groupKeyOfPod = keys; groupIDOfPod = idOfPod; podByIP = byIP
        index = PodIndex(world)
    }

    // MARK: Pods

    /// The index in `world.pods` of the pod "namespace/name".
    public func podIndex(key: String) -> Int? {
        world.pods.firstIndex { $0.key == key }
    }
    /// The (non-hostNetwork) pod with this address.
    public func podIndex(ip: IPv4Address) -> Int? { podByIP[ip.value] }

    /// Indices of the policies applied to the pod's group (every policy selecting a pod with the
    /// same identifier on the same node), ascending.
    public func policies(ofPod i: Int) -> [Int] { maps(ofPod: i)?.policyIndices ?? [] }

    func computePolicies(ofPod i: Int) -> [Int] {
        guard world.pods.indices.contains(i), !world.pods[i].hostNetwork else { return [] }
        var set = Set<Int>()
        for p in groups[groupKeyOfPod[i]] ?? [] { set.formUnion(policiesOfPod[p]) }
        return set.sorted()
    }

    /// The pod's state: policies applied when its group has any; else the mode's default. With
    /// `atStart`, the state right after CNI ADD: the mode's default unless another pod of the same
    /// group already runs on the node (it shares that pod's maps, already written).
    public func podState(ofPod i: Int, atStart: Bool = false) -> AgentPodState {
        guard !policies(ofPod: i).isEmpty else { return .unapplied(mode) }
        if atStart {
            let siblings = (groups[groupKeyOfPod[i]] ?? []).filter { $0 != i }
            return siblings.isEmpty ? .unapplied(mode) : .policiesApplied
        }
        return .policiesApplied
    }

    // MARK: Maps

    /// The maps the agent on the pod's node holds for the pod's group (nil for hostNetwork pods).
    public func maps(ofPod i: Int) -> AgentPolicyMaps? {
        guard world.pods.indices.contains(i), !world.pods[i].hostNetwork else { return nil }
        let key = groupIDOfPod[i]
        if let m = cache.withLock({ $0[key] }) { return m }
        let m = buildMaps(ofPod: i)
        cache.withLock { $0[key] = m }
        return m
    }

    /// The pod's resolved entries for one direction, longest prefix first (what
    /// `netsim node --show policy` prints).
    public func entries(ofPod i: Int, direction: PolicyDirection) -> [AgentMapEntry] {
        maps(ofPod: i)?.map(direction).entries ?? []
    }

    /// Builds every selected group's maps now (otherwise built on first use).
    public func prepareAll() {
        var done = Set<String>()
        for (i, pod) in world.pods.enumerated() where !pod.hostNetwork && !policiesOfPod[i].isEmpty {
            if done.insert(groupKeyOfPod[i]).inserted { _ = maps(ofPod: i) }
        }
    }

    func buildMaps(ofPod i: Int) -> AgentPolicyMaps {
        let pod = world.pods[i]
        let pols = computePolicies(ofPod: i)
        var ingress: [PolicyEndpointEntry] = [], egress: [PolicyEndpointEntry] = []
        var isoIn = false, isoOut = false
        // The shared pod sets become /32 entries here, for this group only.
        for p in pols {
            let pe = policyEndpoints[p]
            for item in pe.ingressItems { item.append(to: &ingress) }
            for item in pe.egressItems { item.append(to: &egress) }
            isoIn = isoIn || pe.podIsolation.contains(.ingress)
            isoOut = isoOut || pe.podIsolation.contains(.egress)
        }
        let applied = !pols.isEmpty
        let inMap = applied ? AgentMapBuilder.build(entries: ingress, catchAll: ingress.isEmpty && !isoIn, nodeIP: pod.nodeIP) : []
        let outMap = applied ? AgentMapBuilder.build(entries: egress, catchAll: egress.isEmpty && !isoOut, nodeIP: pod.nodeIP) : []
        return AgentPolicyMaps(groupIdentifier: agentPodIdentifier(name: pod.name, namespace: pod.namespace), nodeName: pod.nodeName,
                               ingress: .init(inMap), egress: .init(outMap), policyIndices: pols,
                               policyKeys: pols.map { policyEndpoints[$0].policyKey })
    }

    /// Warnings about what the agent cannot write: CIDR entries with more than 24 port/protocol
    /// slots (NS1230), once per policy rule and CIDR. Builds the maps only of groups whose
    /// policies list more than 24 distinct slots in one direction (no entry can exceed that),
    /// and does not keep those it built.
    public func findings() -> [Diagnostic] {
        var slotsOfPolicy: [[PolicyDirection: Set<UInt64>]] = []
        for pe in policyEndpoints {
            var d: [PolicyDirection: Set<UInt64>] = [:]
            for direction in PolicyDirection.allCases {
                var set = Set<UInt64>()
                for item in pe.items(direction) {
                    let ports: [PolicyEndpointPort]
                    switch item {
                    case .entry(let e): ports = e.ports
                    case .pods(let podSet, let p, _): if podSet.pods.isEmpty { continue }; ports = p
                    }
                    if ports.isEmpty { set.insert(UInt64.max) }
                    for p in ports { set.insert(AgentPortRule(ipProtocol: p.ipProtocol, startPort: p.port ?? 0, endPort: p.endPort ?? 0, sources: []).dedupKey) }
                }
                d[direction] = set
            }
            slotsOfPolicy.append(d)
        }
        var bag = DiagnosticBag()
        var seen = Set<String>()
        var done = Set<String>()
        for (i, pod) in world.pods.enumerated() where !pod.hostNetwork && !policiesOfPod[i].isEmpty {
            guard done.insert(groupKeyOfPod[i]).inserted else { continue }
            let pols = computePolicies(ofPod: i)  // the group's policies without building its maps
            let mayExceed = PolicyDirection.allCases.contains { direction in
                var union = Set<UInt64>()
                for p in pols { union.formUnion(slotsOfPolicy[p][direction] ?? []) }
                return union.count > AgentPolicyMaps.slotLimit
            }
            guard mayExceed else { continue }
            // Maps built here are not kept: on a large cluster most groups are never traced, and
            // keeping every group's maps (each with its pod peers' /32s) costs gigabytes.
            let m = cache.withLock({ $0[groupIDOfPod[i]] }) ?? buildMaps(ofPod: i)
            for direction in PolicyDirection.allCases {
                for e in m.map(direction).entries where e.exceedsSlotLimit {
                    let refs = e.ports.flatMap(\.sources)
                    guard let first = refs.min(by: { $0.location < $1.location }) else { continue }
                    guard seen.insert("\(first.policyKey)|\(direction)|\(e.cidr)").inserted else { continue }
                    let policies = Set(refs.map(\.policyKey)).sorted()
                    bag.append(Diagnostic(.warning, .agentPortLimit,
                        "the VPC CNI network policy agent holds \(e.ports.count) port/protocol entries for \(e.cidr) (\(direction.rawValue) of pods like \(pod.key), from \(policies.joined(separator: ", "))); it writes at most \(AgentPolicyMaps.slotLimit) and drops the others",
                        at: first.location,
                        hint: "use port ranges (endPort) or fewer ports per peer so that each CIDR has at most 24 port/protocol pairs"))
                }
            }
        }
        return bag.items.sorted { $0.location < $1.location }
    }

    // MARK: Evaluation

    /// The agent's decision on a packet at pod `i`'s program for `direction`: `peer` is the
    /// source for ingress and the destination for egress (as the program sees it: before DNAT
    /// for egress, after DNAT/SNAT for ingress). `port` is the destination port (ignored for
    /// protocols other than TCP, UDP and SCTP, which the program reads as port 0). `state` nil:
    /// `podState(ofPod:)`.
    public func evaluate(pod i: Int, direction: PolicyDirection, peer: IPAddress, ipProtocol: IPProtocol, port: UInt16,
                         state: AgentPodState? = nil, isReply: Bool = false) -> AgentDecision {
        let groupMaps = world.pods.indices.contains(i) ? maps(ofPod: i) : nil
        let st = state ?? ((groupMaps?.policyIndices.isEmpty ?? true) ? .unapplied(mode) : .policiesApplied)
        var d = AgentDecision(verdict: .allow, stage: .defaultState, denyReason: nil, podState: st, direction: direction,
                              entry: nil, matchedPort: nil, tierRule: nil, policies: groupMaps?.policyKeys ?? [])
        guard world.pods.indices.contains(i) else { return d }
        if world.pods[i].hostNetwork { d.stage = .hostNetworkExempt; return d }
        if isReply { d.stage = .conntrackReply; return d }
        guard case .ipv4(let addr) = peer else { d.stage = .notIPv4; return d }
        let protoNum: UInt8 = ipProtocol.number ?? 0
        let l4Port: UInt16 = (protoNum == 6 || protoNum == 17 || protoNum == 132) ? port : 0

        // Cluster tiers: their map is written once the agent applies the pod's cluster policies
        // (a pod just started has empty maps: every lookup passes). Their state has no default
        // deny. With an explicit `state`, `.policiesApplied` stands for both maps written.
        var baseline: (ResolvedTierRule, Int)? = nil
        let clusterApplied = state.map { $0 == .policiesApplied } ?? true
        if clusterApplied {
            let rules = tierRules(ofPod: i)
            if !rules.isEmpty {
                let (admin, base) = evaluateTiers(rules, pod: i, direction: direction, peer: addr, proto: protoNum, port: l4Port)
                baseline = base
                if let (rule, _) = admin {
                    d.tierRule = rule.match
                    switch rule.action {
                    case .deny: d.verdict = .deny; d.stage = .adminTier; d.denyReason = .adminTierDeny; return d
                    case .accept: d.stage = .adminTier; return d
                    case .pass: break
                    }
                }
            }
        }

        // Namespace policies: longest-prefix match.
        if st == .policiesApplied {
            let map = groupMaps?.map(direction)
            if let e = map?.longestPrefixMatch(addr) {
                d.entry = e
                for slot in e.ports {
                    if slot.ipProtocol == .denyAll {
                        d.verdict = .deny; d.stage = .longestPrefixMatch; d.denyReason = .exceptEntry; d.matchedPort = slot; return d
                    }
                    if slot.matches(protoNum, l4Port) {
                        d.matchedPort = slot
                        d.stage = e.kind == .nodeIP ? .nodeIP : e.kind == .notIsolated ? .notIsolated : .longestPrefixMatch
                        return d
                    }
                }
                d.verdict = .deny; d.stage = .longestPrefixMatch; d.denyReason = .portNotInEntry; return d
            }
            d.verdict = .deny; d.stage = .longestPrefixMatch; d.denyReason = .noEntryCoversPeer; return d
        }

        // Baseline tier, then the default state.
        if let (rule, _) = baseline, rule.action != .pass {
            d.tierRule = rule.match; d.stage = .baselineTier
            if rule.action == .deny { d.verdict = .deny; d.denyReason = .baselineTierDeny }
            return d
        }
        d.stage = .defaultState
        if st == .defaultDeny { d.verdict = .deny; d.denyReason = .defaultDeny }
        return d
    }

    /// `evaluate` for the pod "namespace/name"; nil when there is no such pod.
    public func evaluate(podKey: String, direction: PolicyDirection, peer: IPAddress, ipProtocol: IPProtocol, port: UInt16,
                         state: AgentPodState? = nil, isReply: Bool = false) -> AgentDecision? {
        guard let i = podIndex(key: podKey) else { return nil }
        return evaluate(pod: i, direction: direction, peer: peer, ipProtocol: ipProtocol, port: port, state: state, isReply: isReply)
    }
}
