import NetsimKube
import NetsimModel

// NetworkPolicy in the walk: the source pod's egress program on its host veth (the VPC CNI
// agent attaches it to the veth's TC ingress hook, so it sees the packet as the pod sent it,
// before the node's DNAT), the destination pod's ingress program (TC egress hook: after DNAT
// and SNAT, before the pod receives it), and the spec's egress check after DNAT (where
// Calico- or Cilium-style enforcement sees it). Replies pass by the enforcer's conntrack.

extension Walk {
    /// The source pod's egress program; then the node's datapath.
    mutating func networkPolicyEgress(_ nodeName: String, _ pod: IPAddress) -> StageResult {
        let next = StageResult.move(.node(nodeName, .pod(pod)))
        guard let pe = ctx.policy, case .ipv4(let ip) = pod, let i = pe.agent.podIndex(ip: ip) else { return next }
        if ctx.isReply {
            conntrackReply(pe, pod: i, .egress)
            return next
        }
        // The agent decides here under vpc-cni; under upstream it is asked for the comparison.
        let v = agentVerdict(pe, pod: i, .egress, start: ctx.podStart?.covers(.source) == true)
        decide(v, enforced: pe.settings.enforcer == .vpcCNI, relevant: Self.agentRelevant(v))
        state.pendingSpecEgress = i
        return next
    }

    /// The spec's egress check of the source pod, once the node has translated the destination.
    mutating func networkPolicyEgressAfterDNAT() -> StageResult {
        guard let i = state.pendingSpecEgress, let pe = ctx.policy else { return .next }
        state.pendingSpecEgress = nil
        guard case .ipv4(let destination) = packet.destination else { return .next }
        let d = pe.spec.evaluate(.egress, pod: i, peer: pe.spec.endpoint(address: destination), protocol: packet.ipProtocol,
                                 port: packet.destinationPort, allMatches: false)
        let v = specVerdict(pe, pod: i, d)
        decide(v, enforced: pe.settings.enforcer == .upstream, relevant: d.isolated || !d.allowed)
        return .next
    }

    /// The destination pod's ingress program; then the veth delivers to the pod.
    mutating func networkPolicyIngress(_ pod: IPAddress) -> StageResult {
        guard let pe = ctx.policy, case .ipv4(let ip) = pod, let i = pe.agent.podIndex(ip: ip) else { return .next }
        if ctx.isReply {
            conntrackReply(pe, pod: i, .ingress)
            return .next
        }
        let agent = agentVerdict(pe, pod: i, .ingress, start: ctx.podStart?.covers(.destination) == true)
        let spec: UpstreamPolicyDecision
        if case .ipv4(let source) = packet.source {
            spec = pe.spec.evaluate(.ingress, pod: i, peer: pe.spec.endpoint(address: source), protocol: packet.ipProtocol,
                                    port: packet.destinationPort, allMatches: false)
        } else {
            return .next
        }
        let specV = specVerdict(pe, pod: i, spec)
        let agentIsEnforcer = pe.settings.enforcer == .vpcCNI
        decide(agent, enforced: agentIsEnforcer, relevant: Self.agentRelevant(agent))
        decide(specV, enforced: !agentIsEnforcer, relevant: spec.isolated || !spec.allowed)
        return .next
    }

    // MARK: decisions

    /// Records a decision: the enforcer's as a step (and a block when it denies), the other's
    /// for the comparison only.
    mutating func decide(_ v: PolicyVerdict, enforced: Bool, relevant: Bool) {
        if enforced { state.policyEnforced.append(v) } else { state.policyOther.append(v) }
        guard enforced, relevant else { return }
        let place = Place.pod(v.pod, address: v.address)
        hop(place, Step(v.allowed ? .permitted : .denied, .networkPolicy(v), component: v.rules.first?.policy, location: v.rules.first?.location))
        guard !v.allowed else { return }
        let code: ExplanationCode
        if v.basis == .adminTier || v.basis == .baselineTier { code = .clusterNetworkPolicyDenied }
        else { code = v.direction == .ingress ? .networkPolicyIngressDenied : .networkPolicyEgressDenied }
        block(code, v.direction == .ingress ? .deniedIn : .deniedOut, component: v.rules.first?.policy ?? v.pod ?? "\(v.address)",
              .networkPolicy(v), at: v.rules.first?.location)
    }

    /// A reply leaving or reaching a pod whose policies the forward walk met: the enforcer's
    /// conntrack entry lets it through. The forward walk's decisions for that pod say which
    /// policies apply (no lookup again).
    mutating func conntrackReply(_ pe: PolicyEnforcement, pod i: Int, _ direction: PolicyDirection) {
        let key = pe.podKeys[i]
        guard let forward = state.forwardPolicies.first(where: { $0.pod == key && !$0.policies.isEmpty }) else { return }
        // The same for every reply at this pod but for the packet: built once.
        let templateKey = i << 3 | (direction == .ingress ? 4 : 0) | (forward.direction == .ingress ? 2 : 0) | (forward.enforcer == .vpcCNI ? 1 : 0)
        var v: PolicyVerdict
        if let t = pe.replyTemplate(templateKey) {
            v = t
            v.packet = packet
        } else {
            v = PolicyVerdict(enforcer: forward.enforcer, direction: direction == .ingress ? .ingress : .egress,
                              pod: key, address: forward.address, allowed: true, basis: .conntrackReply, policies: forward.policies, packet: packet)
            pe.keepReplyTemplate(templateKey, v)
        }
        hop(.pod(v.pod, address: v.address), Step(.matchedSession, .networkPolicy(v)))
    }

    /// Whether the agent's decision is worth a step: the pod has policies, a cluster tier
    /// spoke, it denies, or the pod just started.
    static func agentRelevant(_ v: PolicyVerdict) -> Bool {
        !v.allowed || v.atStart || !v.policies.isEmpty || v.basis == .adminTier || v.basis == .baselineTier
    }

    /// The agent's decision on the packet at pod `i`'s program.
    func agentVerdict(_ pe: PolicyEnforcement, pod i: Int, _ direction: PolicyDirection, start: Bool) -> PolicyVerdict {
        let agent = pe.agent
        let podState: AgentPodState? = start ? agent.podState(ofPod: i, atStart: true) : nil
        let peer = direction == .ingress ? packet.source : packet.destination
        let d = agent.evaluate(pod: i, direction: direction, peer: peer, ipProtocol: packet.ipProtocol, port: packet.destinationPort, state: podState)
        let basis = Self.basis(d)
        // Every peer that meets the same entry and slot of the pod's map gets the same verdict
        // but for the packet: built once per pod and slot (its rules are the slot's first
        // sources, which can number in the hundreds).
        let key: PolicyEnforcement.AgentVerdictKey? = start || d.tierRule != nil ? nil
            : .init(pod: i, direction: direction, basis: basis, allowed: d.isAllowed, cidr: d.entry?.cidr,
                    slot: d.matchedPort.map { .init(ipProtocol: $0.ipProtocol, start: $0.startPort, end: $0.endPort) })
        if let key, var v = pe.agentTemplate(key) {
            v.packet = packet
            return v
        }
        var v = PolicyVerdict(enforcer: .vpcCNI, direction: direction == .ingress ? .ingress : .egress, pod: pe.podKeys[i], address: .ipv4(pe.world.pods[i].ip),
                              allowed: d.isAllowed, basis: basis, policies: d.policies, packet: packet)
        v.atStart = start && d.podState != .policiesApplied
        if let t = d.tierRule {
            v.rules = [PolicyVerdict.Rule(policy: t.policyName, tier: t.tier.rawValue, action: t.action.rawValue, index: t.ruleIndex, location: t.location)]
        } else if let slot = d.matchedPort {
            (v.rules, v.moreRules) = Self.rules(slot.sources)
        } else if let e = d.entry {
            (v.rules, v.moreRules) = Self.rules(e.sources)
        } else if !d.isAllowed {
            v.rules = d.policies.prefix(PolicyVerdict.shownRules).map { key in PolicyVerdict.Rule(policy: key, index: nil, location: pe.policyLocation(key)) }
            v.moreRules = d.policies.count > PolicyVerdict.shownRules
        }
        if let e = d.entry { v.cidr = .ipv4(e.cidr) }
        if let slot = d.matchedPort, slot.ipProtocol != .denyAll {
            v.ports = PolicyVerdict.PortSlot(ipProtocol: slot.ipProtocol.description, start: slot.startPort, end: slot.endPort)
        }
        if let key { pe.keepAgentTemplate(key, v) }
        return v
    }

    /// How the agent reached decision `d`.
    static func basis(_ d: AgentDecision) -> PolicyVerdict.Basis {
        let basis: PolicyVerdict.Basis
        switch d.stage {
        case .conntrackReply: basis = .conntrackReply
        case .notIPv4: basis = .notIPv4
        case .hostNetworkExempt: basis = .hostNetworkExempt
        case .adminTier: basis = .adminTier
        case .baselineTier: basis = .baselineTier
        case .nodeIP: basis = .nodeIP
        case .notIsolated: basis = .notIsolated
        case .longestPrefixMatch:
            switch d.denyReason {
            case .exceptEntry?: basis = .exceptEntry
            case .portNotInEntry?: basis = .portNotInEntry
            case .noEntryCoversPeer?: basis = .noEntryCoversPeer
            default: basis = .entryAllows
            }
        case .defaultState:
            basis = d.podState == .defaultDeny ? .defaultDeny : (d.policies.isEmpty || d.podState == .policiesApplied ? .notIsolated : .defaultAllow)
        }
        return basis
    }

    /// The first `PolicyVerdict.shownRules` distinct rules among the sources, in the agent's
    /// order (the policies' order in the world: deterministic), and whether there are more. A
    /// slot that 500 policies wrote has 500 sources; they are not all sorted, only the first
    /// few taken.
    static func rules(_ refs: [PolicyRuleRef]) -> (rules: [PolicyVerdict.Rule], more: Bool) {
        var chosen: [PolicyRuleRef] = []
        func same(_ a: PolicyRuleRef, _ b: PolicyRuleRef) -> Bool {
            a.ruleIndex == b.ruleIndex && a.policyName == b.policyName && a.policyNamespace == b.policyNamespace
        }
        var more = false
        for r in refs where !chosen.contains(where: { same($0, r) }) {
            if chosen.count == PolicyVerdict.shownRules { more = true; break }
            chosen.append(r)
        }
        return (chosen.map { PolicyVerdict.Rule(policy: $0.policyKey, index: $0.ruleIndex, location: $0.ruleLocation ?? $0.policyLocation) }, more)
    }

    /// The spec's decision as a verdict (kept per pod and deciding rule: built once).
    func specVerdict(_ pe: PolicyEnforcement, pod i: Int, _ d: UpstreamPolicyDecision) -> PolicyVerdict {
        // Keyed only when at most one rule allows (what a trace asks for).
        let first = d.allowedBy.first
        let key: PolicyEnforcement.SpecVerdictKey? = d.allowedBy.count > 1 ? nil
            : .init(pod: i, direction: d.direction, basis: d.basis, allowed: d.allowed, policy: first?.policy.policy ?? -1,
                    rule: first?.rule ?? -1, peer: first?.peer, port: first?.port)
        if let key, var v = pe.specTemplate(key) {
            v.packet = packet
            return v
        }
        let v = buildSpecVerdict(pe, pod: i, d)
        if let key { pe.keepSpecTemplate(key, v) }
        return v
    }

    func buildSpecVerdict(_ pe: PolicyEnforcement, pod i: Int, _ d: UpstreamPolicyDecision) -> PolicyVerdict {
        let basis: PolicyVerdict.Basis
        switch d.basis {
        case .notIsolated: basis = .notIsolated
        case .hostNetwork: basis = .hostNetworkExempt
        case .ownPod: basis = .ownPod
        case .residentNode: basis = .residentNode
        case .allowedByRule: basis = .ruleAllows
        case .noRuleAllows: basis = .noRuleAllows
        }
        let key = { (p: Int) in pe.policyKeys[p] }
        var v = PolicyVerdict(enforcer: .upstream, direction: d.direction == .ingress ? .ingress : .egress, pod: pe.podKeys[i], address: .ipv4(pe.world.pods[i].ip),
                              allowed: d.allowed, basis: basis, policies: pe.specKeys(pod: i, d.direction, d.isolatingPolicies), packet: packet)
        if d.allowed {
            v.rules = d.allowedBy.prefix(PolicyVerdict.shownRules).map { PolicyVerdict.Rule(policy: key($0.policy.policy), index: $0.rule, location: $0.ruleLocation ?? $0.policy.location) }
            v.moreRules = d.allowedBy.count > PolicyVerdict.shownRules
        } else {
            v.rules = d.isolatingPolicies.prefix(PolicyVerdict.shownRules).map { PolicyVerdict.Rule(policy: key($0.policy), index: nil, location: $0.location) }
            v.moreRules = d.isolatingPolicies.count > PolicyVerdict.shownRules
        }
        return v
    }
}

extension PolicyEnforcement {
    /// Where the NetworkPolicy "namespace/name" is written.
    func policyLocation(_ key: String) -> SourceLocation? {
        policyKeys.firstIndex(of: key).map { world.networkPolicies[$0].meta.location }
    }
}

/// What the flow's NetworkPolicy decisions come to: the declared enforcer's verdict and the
/// other semantics' (the VPC CNI agent against the Kubernetes spec), with the decisions where
/// they part.
public struct PolicyOutcome: Sendable {
    public var enforcer: NetworkPolicySettings.Enforcer
    /// Every decision of the declared enforcer on the way there (recorded as steps or not).
    public var enforced: [PolicyVerdict]
    /// The other semantics' decisions on the same packets.
    public var other: [PolicyVerdict]
    public var podStart: PodStart?
    public var enforcedAllows: Bool { enforced.allSatisfy(\.allowed) }
    public var otherAllows: Bool { other.allSatisfy(\.allowed) }
    /// The agent and the spec reach different verdicts on this flow.
    public var disagree: Bool { enforcedAllows != otherAllows }

    init?(enforced: [PolicyVerdict], other: [PolicyVerdict], enforcer: NetworkPolicySettings.Enforcer?, podStart: PodStart?) {
        guard let enforcer, !enforced.isEmpty || !other.isEmpty else { return nil }
        self.enforcer = enforcer
        self.enforced = enforced
        self.other = other
        self.podStart = podStart
    }
}
