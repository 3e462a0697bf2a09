import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimKube
import NetsimModel

/// What the NetworkPolicy enforcer holds for the pods of one node (`netsim node FILE NODE --show
/// policy`): under the VPC CNI agent (or, labelled, when nobody enforces), each pod's group, its
/// state, the policies applied to its group and every entry of its ingress and egress LPM maps
/// with where each port/protocol slot came from; under an upstream-semantics enforcer, the
/// policies selecting each pod per direction. `schemaVersion` 1; keys sorted in JSON.
public struct NodePolicyView: Encodable, Sendable {
    /// A rule that put an entry or a slot in a map.
    public struct Source: Encodable, Sendable {
        /// "namespace/name" of the NetworkPolicy.
        public var policy: String
        /// `ingress` or `egress`: the list of the policy the rule is in.
        public var direction: String
        /// Index of the rule in that list.
        public var rule: Int
        /// Index of the peer in the rule's from/to list; nil for a rule without peers.
        public var peer: Int?
        /// `pod`, `serviceClusterIP`, `ipBlock` or `anyPeer`.
        public var peerKind: String
        /// The pod or Service ("namespace/name") for `pod` and `serviceClusterIP`.
        public var peerName: String?
        /// file:line:col of the peer, else the rule, else the policy.
        public var location: String
    }
    /// One port/protocol slot of an entry's value.
    public struct Slot: Encodable, Sendable {
        /// `TCP`, `UDP`, `SCTP`, `ANY` (every protocol and port) or `DENY` (the except entry).
        public var `protocol`: String
        /// nil: every port of the protocol.
        public var port: Int?
        public var endPort: Int?
        public var sources: [Source]
        /// Where the policy ports behind the slot are written.
        public var portLocations: [String]
        /// The broader entry (CIDR) the slot is copied from, as the agent copies a broader key's
        /// ports into a longer key inside it.
        public var inheritedFrom: String?
    }
    /// One key of an LPM map and its value.
    public struct Entry: Encodable, Sendable {
        public var cidr: String
        /// `allow`, `except-deny`, `node-ip` or `not-isolated`.
        public var kind: String
        public var slots: [Slot]
        /// The rules that contributed the key itself (for `except-deny`, those naming it in `except`).
        public var sources: [Source]
        /// More slots than the agent writes (24): it writes 24 of them and drops the others.
        public var overSlotLimit: Bool
    }
    /// A rule, peer or port of the group's policies that the controller left out of the
    /// PolicyEndpoints (it only logs these), and why.
    public struct Skip: Encodable, Sendable {
        /// `namedPortsUnresolvedOnSelectedPods`, `namedPortsWithCIDRPeer`, `namedPortsNotOnPeerPod`,
        /// `servicePortNamedTargetPortBypass`, `noMatchingServicePort` or `ipv6Peer`.
        public var reason: String
        /// The pod or Service concerned ("namespace/name"), when there is one.
        public var subject: String?
        public var source: Source
    }
    /// One direction of a pod.
    public struct Direction: Encodable, Sendable {
        /// The agent's map, longest prefix first (nil when the view shows no maps).
        public var entries: [Entry]?
        /// What the controller left out of this direction's entries (agent view).
        public var leftOut: [Skip]?
        /// The policies (namespace/name) selecting the pod for this direction (upstream view).
        public var selectedBy: [String]?
    }
    public struct Policy: Encodable, Sendable {
        public var name: String
        public var location: String
    }
    public struct Pod: Encodable, Sendable {
        /// "namespace/name".
        public var name: String
        public var ip: String
        public var hostNetwork: Bool
        /// The agent's pod identifier (pods of one group on a node share maps); nil for
        /// hostNetwork pods and in the upstream view.
        public var group: String?
        /// `policiesApplied`, `defaultAllow`, `defaultDeny`, or `hostNetwork` (no program);
        /// nil in the upstream view.
        public var state: String?
        /// The policies applied to the pod's group (agent) or selecting the pod (upstream).
        public var policies: [Policy]
        public var ingress: Direction
        public var egress: Direction
    }

    public var schemaVersion = 1
    public var topology: String
    public var node: String
    /// `vpc-cni`, `upstream`, `none` or `undeclared` (after the enableNetworkPolicy rules).
    public var enforcer: String
    /// NETWORK_POLICY_ENFORCING_MODE: `standard` or `strict`.
    public var enforcingMode: String
    /// Whether the enforcer in effect enforces the policies at all.
    public var enforced: Bool
    /// `agent-maps`: what the VPC CNI agent holds (or would hold); `spec-selection`: the
    /// policies selecting each pod (the Kubernetes spec has no per-pod maps).
    public var view: String
    /// Who enforces, in a sentence.
    public var enforcedBy: String
    /// ClusterNetworkPolicies in the cluster (their Admin and Baseline tiers are not shown).
    public var clusterNetworkPolicies: Int
    public var pods: [Pod]

    public enum Failure: Error, Sendable { case notFound(String, near: [String]) }

    /// The view of node `node`'s pods, or only of `pod` ("namespace/name", or the start of one
    /// name on the node) when given.
    public static func build(_ fabric: FabricIndex, node: String, pod podArg: String? = nil) -> Result<NodePolicyView, Failure> {
        let t = fabric.topology
        let settings = t.cluster?.networkPolicy ?? NetworkPolicySettings()
        let world = PolicyEnforcement.world(fabric)
        var onNode = world.pods.indices.filter { world.pods[$0].nodeName == node }
        if let podArg {
            switch select(podArg, onNode: onNode, world: world, fabric: fabric, node: node) {
            case .success(let i): onNode = [i]
            case .failure(let f): return .failure(f)
            }
        }
        let upstream = settings.enforcer == .upstream
        var v = NodePolicyView(topology: t.name, node: node, enforcer: settings.enforcer.rawValue,
                               enforcingMode: settings.enforcingMode.rawValue,
                               enforced: settings.enforcer == .vpcCNI || settings.enforcer == .upstream,
                               view: upstream ? "spec-selection" : "agent-maps", enforcedBy: enforcedBy(settings),
                               clusterNetworkPolicies: t.kubernetes.clusterNetworkPolicies.count, pods: [])
        let policies = world.networkPolicies
        func policy(_ i: Int) -> Policy {
            Policy(name: "\(policies[i].meta.namespace)/\(policies[i].meta.name)", location: policies[i].meta.location.description)
        }
        if upstream {
            let spec = UpstreamPolicyEngine(world: world)
            for i in onNode {
                let p = world.pods[i]
                let inSel = spec.selectingPolicies(.ingress, pod: i), outSel = spec.selectingPolicies(.egress, pod: i)
                let all = Set(inSel).union(outSel).sorted()
                v.pods.append(Pod(name: p.key, ip: p.ip.description, hostNetwork: p.hostNetwork, group: nil, state: nil,
                                  policies: all.map(policy),
                                  ingress: Direction(entries: nil, leftOut: nil, selectedBy: inSel.map { policy($0).name }),
                                  egress: Direction(entries: nil, leftOut: nil, selectedBy: outSel.map { policy($0).name })))
            }
            return .success(v)
        }
        let agent = VPCCNIPolicyAgent(world: world, mode: settings.enforcingMode, clusterNetworkPolicies: t.kubernetes.clusterNetworkPolicies)
        for i in onNode {
            let p = world.pods[i]
            if p.hostNetwork {
                v.pods.append(Pod(name: p.key, ip: p.ip.description, hostNetwork: true, group: nil, state: "hostNetwork",
                                  policies: [], ingress: Direction(entries: [], leftOut: nil, selectedBy: nil), egress: Direction(entries: [], leftOut: nil, selectedBy: nil)))
                continue
            }
            let pols = agent.policies(ofPod: i)
            v.pods.append(Pod(name: p.key, ip: p.ip.description, hostNetwork: false,
                              group: agentPodIdentifier(name: p.name, namespace: p.namespace),
                              state: agent.podState(ofPod: i).rawValue,
                              policies: pols.map(policy),
                              ingress: Direction(entries: agent.entries(ofPod: i, direction: .ingress).map(entry),
                                                 leftOut: skips(pols, .ingress, agent), selectedBy: nil),
                              egress: Direction(entries: agent.entries(ofPod: i, direction: .egress).map(entry),
                                                leftOut: skips(pols, .egress, agent), selectedBy: nil)))
        }
        return .success(v)
    }

    /// The pod `text` names among the node's pods: "namespace/name" exactly, else the one pod of
    /// that namespace on the node whose name starts with it.
    static func select(_ text: String, onNode: [Int], world: PolicyWorld, fabric: FabricIndex, node: String) -> Result<Int, Failure> {
        let arg = text.hasPrefix("pod:") ? String(text.dropFirst(4)) : text
        let here = onNode.map { world.pods[$0].key }
        guard !arg.isEmpty else {
            return .failure(.notFound("--pod is empty; name a pod as namespace/name (see --show pods)", near: Array(here.prefix(3))))
        }
        let parts = arg.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            return .failure(.notFound("--pod '\(echo: arg)' is not namespace/name", near: Suggestions.nearest(to: arg, in: here + onNode.map { world.pods[$0].name })))
        }
        if let i = onNode.first(where: { world.pods[$0].key == arg }) { return .success(i) }
        let prefixed = onNode.filter { world.pods[$0].namespace == parts[0] && world.pods[$0].name.hasPrefix(parts[1]) }
        if prefixed.count == 1 { return .success(prefixed[0]) }
        if prefixed.count > 1 {
            let names = prefixed.map { world.pods[$0].key }
            let shown = names.prefix(10).joined(separator: ", ") + (names.count > 10 ? ", … (\(names.count - 10) more)" : "")
            return .failure(.notFound("--pod \(echo: arg) matches \(names.count) pods on node \(node): \(shown); name one", near: []))
        }
        if let i = fabric.podByName[arg] {
            let p = fabric.realized.pods[i]
            if let n = p.node, n != node {
                return .failure(.notFound("pod \(arg) runs on node \(n), not \(node); run netsim node FILE \(n) --show policy --pod \(arg)", near: []))
            }
            return .failure(.notFound("pod \(arg) is \(p.status.rawValue) on node \(node) and has no address: the agent holds nothing for it", near: []))
        }
        return .failure(.notFound("no pod \(echo: arg) on node \(node)", near: Suggestions.nearest(to: arg, in: here)))
    }

    static func enforcedBy(_ s: NetworkPolicySettings) -> String {
        switch s.enforcer {
        case .vpcCNI:
            return "the VPC CNI network policy agent (NETWORK_POLICY_ENFORCING_MODE \(s.enforcingMode.rawValue)) enforces the policies: these are the maps it holds for each pod's group"
        case .upstream:
            return "an enforcer with the Kubernetes spec's semantics (Calico, Cilium and the like) enforces the policies; the spec has no per-pod maps: these are the policies selecting each pod, per direction"
        case .none:
            if s.declaredEnforcer == .vpcCNI, s.enableNetworkPolicy == false {
                return "nobody enforces the policies: enforcer vpc-cni, but vpcCniAddon.enableNetworkPolicy is \"false\" (the agent is off); shown: what the VPC CNI agent would hold if it were on"
            }
            return "nobody enforces the policies (networkPolicy.enforcer: none); shown: what the VPC CNI agent would hold if it enforced them"
        case .undeclared:
            return "no enforcer is declared (cluster.networkPolicy.enforcer): netsim knows of nobody enforcing the policies; shown: what the VPC CNI agent would hold if it enforced them"
        }
    }

    static func entry(_ e: AgentMapEntry) -> Entry {
        Entry(cidr: e.cidr.description, kind: kindName(e.kind),
              slots: e.ports.map { s in
                  Slot(protocol: s.ipProtocol.description,
                       port: (s.ipProtocol == .any || s.ipProtocol == .denyAll || s.startPort == 0) ? nil : Int(s.startPort),
                       endPort: s.endPort == 0 ? nil : Int(s.endPort),
                       sources: s.sources.map(source), portLocations: s.portLocations.map(\.description),
                       inheritedFrom: s.inheritedFrom?.description)
              },
              sources: e.sources.map(source), overSlotLimit: e.exceedsSlotLimit)
    }

    /// What the controller left out of policies `pols` for `direction`, in policy order.
    static func skips(_ pols: [Int], _ direction: PolicyDirection, _ agent: VPCCNIPolicyAgent) -> [Skip] {
        pols.flatMap { agent.policyEndpoints[$0].skipped }.filter { $0.source.direction == direction }
            .map { Skip(reason: $0.reason.rawValue, subject: $0.subject, source: source($0.source)) }
    }

    static func kindName(_ k: AgentMapEntry.Kind) -> String {
        switch k { case .allow: "allow"; case .exceptDeny: "except-deny"; case .nodeIP: "node-ip"; case .notIsolated: "not-isolated" }
    }

    static func source(_ r: PolicyRuleRef) -> Source {
        let kind: String, name: String?
        switch r.peer {
        case .pod(let k): kind = "pod"; name = k
        case .serviceClusterIP(let k): kind = "serviceClusterIP"; name = k
        case .ipBlock: kind = "ipBlock"; name = nil
        case .anyPeer: kind = "anyPeer"; name = nil
        }
        return Source(policy: r.policyKey, direction: r.direction.rawValue, rule: r.ruleIndex, peer: r.peerIndex,
                      peerKind: kind, peerName: name, location: r.location.description)
    }
}

/// `netsim node --show policy` for people (text) or tools (JSON).
public enum NodePolicyRenderer {
    public static func render(_ v: NodePolicyView, as format: TraceFormat) -> String {
        format == .json ? JSONText.encode(v) : text(v)
    }

    static func text(_ v: NodePolicyView) -> String {
        var out = "node \(v.node): \(v.enforcedBy).\n"
        if v.clusterNetworkPolicies > 0 {
            out += "The cluster has \(v.clusterNetworkPolicies) ClusterNetworkPolicies; their Admin and Baseline tiers are evaluated by traces and not shown here.\n"
        }
        if v.pods.isEmpty { out += "No running pod on this node.\n" }
        for p in v.pods {
            out += "\npod \(p.name) \(p.ip)\(p.hostNetwork ? " (hostNetwork)" : "")\n"
            if v.view == "spec-selection" {
                if p.hostNetwork {
                    out += "  hostNetwork: the spec leaves policies on hostNetwork pods undefined; netsim treats the pod as selected by none\n"
                    continue
                }
                for (d, dir) in [("ingress", p.ingress), ("egress", p.egress)] {
                    let sel = dir.selectedBy ?? []
                    out += "  \(d): " + (sel.isEmpty ? "not isolated (no policy selects the pod for \(d))" : "selected by " + sel.joined(separator: ", ")) + "\n"
                }
                continue
            }
            if p.hostNetwork {
                out += "  not subject to the agent: a hostNetwork pod has no veth and no eBPF program\n"
                continue
            }
            out += "  group \(p.group ?? "-") (pods of this group on the node share the maps)\n"
            out += "  state \(stateText(p.state, mode: v.enforcingMode))\n"
            if p.policies.isEmpty {
                out += "  policies none\n"
                continue
            }
            out += "  policies " + p.policies.map { "\($0.name) (\($0.location))" }.joined(separator: ", ") + "\n"
            for (d, dir) in [("ingress", p.ingress), ("egress", p.egress)] {
                let entries = dir.entries ?? []
                out += "  \(d) map\(v.enforced ? "" : " the agent would hold (not enforced)"), \(entries.count) \(entries.count == 1 ? "entry" : "entries"), longest prefix first:\n"
                let width = entries.map(\.cidr.count).max() ?? 0
                for e in entries {
                    let slots = e.slots.map(slotText).joined(separator: ", ")
                    out += "    \(e.cidr.padding(toLength: width, withPad: " ", startingAt: 0))  \(e.kind)  [\(slots)]"
                    if e.overSlotLimit {
                        out += "  OVER THE 24-SLOT LIMIT: \(e.slots.count) slots; the agent writes 24 (which ones depends on Go map order) and drops \(e.slots.count - 24)"
                    }
                    out += "\n"
                    out += provenance(e)
                }
                for k in dir.leftOut ?? [] {
                    out += "    left out by the controller: \(skipText(k))\n"
                }
            }
        }
        return out
    }

    static func skipText(_ k: NodePolicyView.Skip) -> String {
        let why: String
        switch k.reason {
        case "namedPortsUnresolvedOnSelectedPods": why = "every port of the rule is named and none resolves on the selected pods"
        case "namedPortsWithCIDRPeer": why = "every port of the rule is named, which an ipBlock or any-peer rule cannot resolve"
        case "namedPortsNotOnPeerPod": why = "every port of the rule is named and the peer pod has none of them"
        case "servicePortNamedTargetPortBypass": why = "the Service port's named targetPort reaches a container port the rule does not allow, so its ClusterIP is not added"
        case "noMatchingServicePort": why = "no port of the rule maps to a port of the Service, so its ClusterIP is not added"
        case "ipv6Peer": why = "an IPv6 ipBlock in an IPv4 cluster"
        default: why = k.reason
        }
        return (k.subject.map { "\($0): " } ?? "") + why + " (" + sourceText(k.source) + ")"
    }

    static func stateText(_ s: String?, mode: String) -> String {
        switch s {
        case "policiesApplied": "policies applied"
        case "defaultAllow": "no policies (default allow, \(mode) mode): the agent writes no maps; every flow passes"
        case "defaultDeny": "no policies (default deny, \(mode) mode): every flow is dropped, the kubelet's included"
        default: s ?? "-"
        }
    }

    static func slotText(_ s: NodePolicyView.Slot) -> String {
        switch s.protocol {
        case "ANY", "DENY": return s.protocol
        default:
            guard let port = s.port else { return "\(s.protocol)/*" }
            if let end = s.endPort { return "\(s.protocol)/\(port)-\(end)" }
            return "\(s.protocol)/\(port)"
        }
    }

    static func sourceText(_ r: NodePolicyView.Source) -> String {
        var peer = ""
        switch r.peerKind {
        case "pod": peer = "pod \(r.peerName ?? "")"
        case "serviceClusterIP": peer = "ClusterIP of Service \(r.peerName ?? "")"
        case "ipBlock": peer = "ipBlock"
        default: peer = "any peer (no from/to)"
        }
        // Counted from 1, as traces name rules (the JSON keeps the 0-based indices).
        let at = r.peer.map { " peer \($0 + 1)" } ?? ""
        return "\(r.policy) \(r.direction) rule \(r.rule + 1)\(at), \(peer), \(r.location)"
    }

    /// Where an entry and each of its slots came from, one line each.
    static func provenance(_ e: NodePolicyView.Entry) -> String {
        let pad = "        "
        switch e.kind {
        case "node-ip": return pad + "the node's own address: the agent always allows it\n"
        case "not-isolated": return pad + "catch-all: no policy applied to the group isolates this direction\n"
        case "except-deny":
            return e.sources.map { pad + "except of " + sourceText($0) + "\n" }.joined()
        default: break
        }
        var out = ""
        for s in e.slots {
            let head = pad + slotText(s) + ": "
            if let from = s.inheritedFrom {
                out += head + "inherited from \(from)" + (s.sources.isEmpty ? "" : " (" + s.sources.map(sourceText).joined(separator: "; ") + ")") + "\n"
            } else if s.sources.isEmpty {
                out += head + "the agent's catch-all\n"
            } else {
                let ports = s.portLocations.isEmpty ? "" : "; port at " + s.portLocations.joined(separator: ", ")
                out += head + s.sources.map(sourceText).joined(separator: "; ") + ports + "\n"
            }
        }
        return out
    }
}
