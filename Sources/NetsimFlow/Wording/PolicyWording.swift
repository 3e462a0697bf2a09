import NetsimModel

// The sentences of NetworkPolicy decisions, written from their values.

extension Wording {
    /// Who decided: the VPC CNI agent's program, or the spec's semantics.
    static func enforcerName(_ e: PolicyVerdict.Enforcer) -> String {
        e == .vpcCNI ? "the VPC CNI network policy agent" : "NetworkPolicy (Kubernetes spec semantics)"
    }

    /// `ns/name ingress[0] (file:line:col)`, the rules that decided.
    static func policyRules(_ v: PolicyVerdict) -> String { policyRules(v.rules, more: v.moreRules) }

    static func policyRules(_ rules: [PolicyVerdict.Rule], more: Bool = false) -> String {
        let shown = rules.prefix(3).map { r -> String in
            var s = r.tier.map { "ClusterNetworkPolicy \(r.policy) (\($0) tier\(r.action.map { ", \($0)" } ?? ""))" } ?? r.policy
            if r.tier == nil, let i = r.index { s += " rule \(i + 1)" }
            if let l = r.location { s += " at \(l)" }
            return s
        }
        return shown.joined(separator: "; ") + (rules.count > 3 || more ? "; and others" : "")
    }

    static func portSlot(_ p: PolicyVerdict.PortSlot) -> String {
        if p.ipProtocol == "ANY" { return "every protocol and port" }
        if p.start == 0 { return "every \(p.ipProtocol) port" }
        return p.end > p.start ? "\(p.ipProtocol) \(p.start)-\(p.end)" : "\(p.ipProtocol) \(p.start)"
    }

    static func peerWord(_ v: PolicyVerdict) -> String {
        v.direction == .ingress ? "from \(v.peer)" : "to \(v.peer)"
    }

    /// Why, from the basis and the values.
    static func policyReason(_ v: PolicyVerdict) -> String {
        let names = v.policies.isEmpty ? "" : " (\(policyNoun(v.policies.count)) \(shortList(v.policies)))"
        switch v.basis {
        case .conntrackReply: return "the reply of a connection it let through (its conntrack entry)"
        case .hostNetworkExempt: return "a hostNetwork pod has no veth program: NetworkPolicy does not apply"
        case .notIsolated: return "no policy isolates the pod's \(v.direction.rawValue)\(names)"
        case .notIPv4: return "not IPv4: the IPv4 program passes it"
        case .adminTier, .baselineTier: return "\(policyRules(v)) \(v.allowed ? "accepts" : "denies") it"
        case .nodeIP: return "the pod's own node (\(v.peer)) is always allowed, for kubelet probes"
        case .entryAllows:
            return "the longest-prefix entry \(v.cidr.map { "\($0)" } ?? "?")\(v.ports.map { " allows \(portSlot($0))" } ?? "") — \(policyRules(v))"
        case .noEntryCoversPeer:
            return "no entry of the pod's \(v.direction.rawValue) map covers \(v.peer)\(names)"
        case .portNotInEntry:
            return "the longest-prefix entry \(v.cidr.map { "\($0)" } ?? "?") covers \(v.peer) but not \(v.packet.ipProtocol) \(v.packet.destinationPort) — \(policyRules(v))"
        case .exceptEntry:
            return "\(v.cidr.map { "\($0)" } ?? "?") is an except of \(policyRules(v)): the agent writes it as a deny-all entry, and longest-prefix match over all the pod's rules picks it (the Kubernetes spec would let other rules allow it)"
        case .defaultAllow:
            return "the pod has just started and the agent holds no policies for it yet\(names): NETWORK_POLICY_ENFORCING_MODE standard lets everything through until they are applied"
        case .defaultDeny:
            return "the pod has just started and the agent holds no policies for it yet\(names): NETWORK_POLICY_ENFORCING_MODE strict drops everything, kubelet probes included, until they are applied"
        case .ruleAllows: return "allowed by \(policyRules(v))"
        case .noRuleAllows: return "no rule of \(policyRules(v)) allows it"
        case .ownPod: return "a pod talking to itself is always allowed"
        case .residentNode: return "traffic between a pod and its own node is always allowed"
        }
    }

    /// A decision as a step.
    public static func policyStep(_ v: PolicyVerdict) -> String {
        "\(v.direction.rawValue) of pod \(v.pod ?? "?") (\(v.address)) \(peerWord(v)), \(v.packet.ipProtocol) \(v.packet.destinationPort): "
            + "\(v.allowed ? "allowed" : "denied") by \(enforcerName(v.enforcer)): \(policyReason(v))"
    }

    /// A denial as the trace's explanation.
    public static func policyBlock(_ v: PolicyVerdict) -> String {
        "\(enforcerName(v.enforcer)) drops \(v.packet.ipProtocol) \(v.packet.destinationPort) \(peerWord(v)) at the \(v.direction.rawValue) of pod \(v.pod ?? "?") (\(v.address)): \(policyReason(v))"
    }

    /// When the agent and the spec reach different verdicts.
    public static func policyDisagreement(_ o: PolicyOutcome) -> String {
        let agentAllows = o.enforcer == .vpcCNI ? o.enforcedAllows : o.otherAllows
        let specAllows = o.enforcer == .vpcCNI ? o.otherAllows : o.enforcedAllows
        let differing = o.other.filter { v in !(o.enforced.contains { $0.direction == v.direction && $0.allowed == v.allowed }) }
        let why = differing.first.map { "; \(enforcerName($0.enforcer)): \(policyReason($0))" } ?? ""
        return "the VPC CNI network policy agent \(agentAllows ? "allows" : "denies") this flow and the Kubernetes spec (Calico, Cilium) \(specAllows ? "allows" : "denies") it; "
            + "this cluster's enforcer is \(o.enforcer.rawValue), so the verdict is the \(o.enforcer == .vpcCNI ? "agent's" : "spec's")\(why)"
    }
}
