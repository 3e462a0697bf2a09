/// An EKS `networking.k8s.aws/v1alpha1` ClusterNetworkPolicy (cluster-scoped), as the network
/// policy controller's `api/v1alpha1` types define it: a tier (Admin, evaluated before namespace
/// NetworkPolicies; Baseline, after), a priority in the tier (0–1000, lower wins), a subject (the
/// pods it applies to) and ingress and egress rules whose action is Accept, Deny or Pass.
///
/// The converter reads it with the CRD's validation (enums, ranges, exactly one field per subject
/// and peer) and keeps where each rule, peer and port is written.
public struct ClusterNetworkPolicy: Sendable {
    /// `spec.tier`.
    public enum Tier: String, Sendable, Hashable, CaseIterable {
        /// Evaluated before namespace NetworkPolicies.
        case Admin
        /// Evaluated after namespace NetworkPolicies (when none decided).
        case Baseline
    }

    /// A rule's `action`.
    public enum Action: String, Sendable, Hashable, CaseIterable {
        /// Allow the traffic; later tiers are not consulted.
        case Accept
        /// Drop the traffic.
        case Deny
        /// Skip the rest of this tier: the next tier (namespace NetworkPolicies, then Baseline)
        /// decides.
        case Pass
    }

    /// `NamespacedPod`: pods selected by both selectors (an empty selector selects all).
    public struct NamespacedPods: Sendable {
        public var namespaceSelector: LabelSelector
        public var podSelector: LabelSelector
        public init(namespaceSelector: LabelSelector, podSelector: LabelSelector) {
            self.namespaceSelector = namespaceSelector; self.podSelector = podSelector
        }
    }

    /// `spec.subject`: exactly one of `namespaces` or `pods`.
    public enum Subject: Sendable {
        /// Every pod of the namespaces the selector selects.
        case namespaces(LabelSelector)
        case pods(NamespacedPods)
    }

    /// One CIDR of a `networks` peer, of either family, host bits cleared.
    public struct Network: Sendable {
        public var cidr: IPCIDR
        /// Where the entry is written; nil for networks built in code.
        public var location: SourceLocation?
        public init(cidr: IPCIDR, location: SourceLocation? = nil) { self.cidr = cidr; self.location = location }
    }

    /// One entry of a rule's `from`/`to`. Exactly one field is set in the manifest; `networks`
    /// and `domainNames` exist on egress peers only.
    public struct Peer: Sendable {
        public enum Selection: Sendable {
            /// Every pod (not hostNetwork) of the selected namespaces.
            case namespaces(LabelSelector)
            case pods(NamespacedPods)
            /// `networks`: CIDR blocks (egress only). IPv6 entries in an IPv4 cluster are left
            /// out by the converter (warned, NS1207): an empty list matches nothing.
            case networks([Network])
            /// `domainNames` (egress only): exact names or `*.` wildcards, as written.
            case domainNames([String])
        }
        public var selection: Selection
        /// Where the peer is written (the `- ` of its list item); nil for peers built in code.
        public var location: SourceLocation?
        public init(_ selection: Selection, location: SourceLocation? = nil) {
            self.selection = selection; self.location = location
        }
    }

    /// One entry of a rule's `ports`: `portNumber`, `portRange` or `namedPort`.
    public struct Port: Sendable {
        public enum Match: Sendable, Hashable {
            /// `portNumber`: one port of a protocol (TCP when unset).
            case number(IPProtocol, UInt16)
            /// `portRange`: `start` to `end` inclusive, start < end.
            case range(IPProtocol, start: UInt16, end: UInt16)
            /// `namedPort`: a container port name of the pods at the destination.
            case named(String)
        }
        public var match: Match
        /// Where the port is written; nil for ports built in code.
        public var location: SourceLocation?
        public init(_ match: Match, location: SourceLocation? = nil) { self.match = match; self.location = location }
    }

    /// An ingress or egress rule.
    public struct Rule: Sendable {
        /// `name` (optional, at most 100 characters); empty when unset.
        public var name: String
        public var action: Action
        /// `from` (ingress) or `to` (egress): at least one peer in a valid manifest.
        public var peers: [Peer]
        /// nil: `ports` unset, every port matches.
        public var ports: [Port]?
        /// Where the rule is written (the `- ` of its list item); nil for rules built in code.
        public var location: SourceLocation?
        public init(name: String = "", action: Action, peers: [Peer], ports: [Port]? = nil, location: SourceLocation? = nil) {
            self.name = name; self.action = action; self.peers = peers; self.ports = ports; self.location = location
        }
    }

    /// Name, labels and where the object is written; the namespace is empty (cluster-scoped).
    public var meta: ObjectMeta
    public var tier: Tier
    /// 0–1000; lower numbers take precedence within a tier.
    public var priority: Int
    public var subject: Subject
    public var ingress: [Rule]
    public var egress: [Rule]
    /// Where `spec.priority` and `spec.tier` are written (else the object).
    public var priorityLocation: SourceLocation?
    public var tierLocation: SourceLocation?

    public init(meta: ObjectMeta, tier: Tier, priority: Int, subject: Subject, ingress: [Rule] = [], egress: [Rule] = []) {
        self.meta = meta; self.tier = tier; self.priority = priority; self.subject = subject
        self.ingress = ingress; self.egress = egress
    }

    /// `metadata.name`.
    public var name: String { meta.name }
    /// Where the object is written.
    public var location: SourceLocation { meta.location }
    /// The rules of one direction (`ingress`: the peer is the source).
    public func rules(ingress isIngress: Bool) -> [Rule] { isIngress ? ingress : egress }
}

/// Who enforces NetworkPolicies in the cluster, and the VPC CNI agent's settings, with where each
/// is written. Derived from `cluster.networkPolicy.enforcer`, `cluster.vpcCniAddon.
/// enableNetworkPolicy` and `cluster.cni.NETWORK_POLICY_ENFORCING_MODE` by `derive`.
public struct NetworkPolicySettings: Sendable, Equatable {
    public enum Enforcer: String, Sendable, Hashable, CaseIterable {
        /// The VPC CNI's network policy agent (eBPF on each pod's host veth).
        case vpcCNI = "vpc-cni"
        /// Kubernetes spec semantics (Calico, Cilium and the like).
        case upstream
        /// Nobody: policies are stored and not enforced.
        case none
        /// Not declared: policies may be enforced by something netsim does not know of.
        case undeclared
    }
    /// `NETWORK_POLICY_ENFORCING_MODE` (the agent lower-cases it).
    public enum EnforcingMode: String, Sendable, Hashable, CaseIterable {
        /// A new pod starts default-allow until its policies are applied.
        case standard
        /// A new pod starts default-deny until its policies are applied.
        case strict
    }

    /// The enforcer in effect (after the rules of `derive`).
    public var enforcer: Enforcer
    /// `cluster.networkPolicy.enforcer` as written; nil when absent.
    public var declaredEnforcer: Enforcer?
    public var enforcingMode: EnforcingMode
    /// `vpcCniAddon.enableNetworkPolicy` ("true"/"false"); nil when absent.
    public var enableNetworkPolicy: Bool?
    /// Where `enforcer`, `enableNetworkPolicy` and `NETWORK_POLICY_ENFORCING_MODE` are written;
    /// nil when absent.
    public var enforcerLocation: SourceLocation?
    public var enableNetworkPolicyLocation: SourceLocation?
    public var enforcingModeLocation: SourceLocation?

    /// Nothing declared: undeclared enforcer, standard mode.
    public init() {
        enforcer = .undeclared; declaredEnforcer = nil; enforcingMode = .standard; enableNetworkPolicy = nil
    }

    /// The settings netsim uses:
    /// - `enforcer` absent and `enableNetworkPolicy` true → vpc-cni;
    /// - `enforcer: vpc-cni` and `enableNetworkPolicy` absent or true → vpc-cni;
    /// - `enforcer: vpc-cni` and `enableNetworkPolicy` false → none (the agent is off: policies
    ///   are stored and not enforced; `check` warns);
    /// - `enforcer: upstream` or `none` → as written;
    /// - nothing declared (or only `enableNetworkPolicy: "false"`) → undeclared.
    public static func derive(enforcer declared: Enforcer?, enableNetworkPolicy: Bool?, enforcingMode: EnforcingMode = .standard,
                              enforcerLocation: SourceLocation? = nil, enableNetworkPolicyLocation: SourceLocation? = nil,
                              enforcingModeLocation: SourceLocation? = nil) -> NetworkPolicySettings {
        var s = NetworkPolicySettings()
        s.declaredEnforcer = declared; s.enableNetworkPolicy = enableNetworkPolicy; s.enforcingMode = enforcingMode
        s.enforcerLocation = enforcerLocation; s.enableNetworkPolicyLocation = enableNetworkPolicyLocation
        s.enforcingModeLocation = enforcingModeLocation
        switch declared ?? Enforcer.undeclared {
        case .undeclared: s.enforcer = enableNetworkPolicy == true ? .vpcCNI : .undeclared
        case .vpcCNI: s.enforcer = enableNetworkPolicy == false ? Enforcer.none : .vpcCNI
        case .upstream: s.enforcer = .upstream
        case .none: s.enforcer = Enforcer.none
        }
        return s
    }

    /// Policies are enforced by an enforcer netsim models.
    public var isEnforced: Bool { enforcer == .vpcCNI || enforcer == .upstream }
    /// The VPC CNI agent is declared but switched off in the add-on (`enableNetworkPolicy: "false"`).
    public var agentDisabled: Bool { declaredEnforcer == .vpcCNI && enableNetworkPolicy == false }
}
