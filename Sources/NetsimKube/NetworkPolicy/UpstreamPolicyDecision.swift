import NetsimModel

/// One end of a flow as a NetworkPolicy sees it: an address and, when the address is a pod's,
/// that pod (an index into `PolicyWorld.pods`).
///
/// For Service traffic the caller passes the endpoint pod's address (post-DNAT): the
/// implementations that follow the Kubernetes spec (Calico, Cilium) judge a flow at the pod's
/// interface after kube-proxy (or its replacement) picked the endpoint, so a rule naming the
/// server pods covers traffic sent to their Service. An ingress source that was SNATed on the
/// way (a NodePort forwarded by another node) is passed as that node's address.
public struct UpstreamEndpoint: Sendable, Hashable {
    public var address: IPv4Address
    /// Index into `PolicyWorld.pods`; nil for addresses that are no pod's (nodes, load
    /// balancers, the internet). When nil the engine looks the address up among the pods.
    public var pod: Int?
    public init(address: IPv4Address, pod: Int? = nil) { self.address = address; self.pod = pod }
}

/// A NetworkPolicy of the world: its index in `PolicyWorld.networkPolicies` and where it is written.
public struct UpstreamPolicyRef: Sendable, Hashable {
    public var policy: Int
    public var location: SourceLocation
    public init(policy: Int, location: SourceLocation) { self.policy = policy; self.location = location }
}

/// The rule that allowed a flow: the policy, the rule's index in the policy's `ingress` or
/// `egress` list, the peer and the port entry that matched, each with where it is written.
public struct UpstreamRuleMatch: Sendable, Hashable {
    public var policy: UpstreamPolicyRef
    public var rule: Int
    public var ruleLocation: SourceLocation?
    /// Index in the rule's peers; nil when the rule lists no peers (every peer).
    public var peer: Int?
    public var peerLocation: SourceLocation?
    /// Index in the rule's ports; nil when the rule lists no ports (every port and protocol).
    public var port: Int?
    public var portLocation: SourceLocation?
    /// The number a named port resolved to (on the selected pod for ingress, on the
    /// destination pod for egress); nil for numbered ports.
    public var namedPortNumber: UInt16?
    public init(policy: UpstreamPolicyRef, rule: Int, ruleLocation: SourceLocation?, peer: Int?, peerLocation: SourceLocation?,
                port: Int?, portLocation: SourceLocation?, namedPortNumber: UInt16?) {
        self.policy = policy; self.rule = rule; self.ruleLocation = ruleLocation; self.peer = peer
        self.peerLocation = peerLocation; self.port = port; self.portLocation = portLocation
        self.namedPortNumber = namedPortNumber
    }
}

/// One pod's decision in one direction under the Kubernetes NetworkPolicy spec.
public struct UpstreamPolicyDecision: Sendable, Hashable {
    public enum Verdict: String, Sendable, Hashable { case allowed, denied }

    /// Why the verdict is what it is.
    public enum Basis: String, Sendable, Hashable {
        /// No policy whose `policyTypes` include this direction selects the pod: not isolated.
        case notIsolated
        /// A hostNetwork pod: it is no subject of NetworkPolicy (the common implementation
        /// treats its traffic as the node's).
        case hostNetwork
        /// The pod talking to itself: a pod cannot block access to itself.
        case ownPod
        /// Traffic between the pod and the node it runs on is always allowed.
        case residentNode
        /// Isolated, and at least one rule of a selecting policy allows the flow.
        case allowedByRule
        /// Isolated, and no rule of any selecting policy allows the flow.
        case noRuleAllows
    }

    public var direction: PolicyDirection
    public var verdict: Verdict
    public var basis: Basis
    /// Whether the pod is isolated in this direction.
    public var isolated: Bool
    /// The rules that allowed the flow, in policy then rule order (the first only, unless all
    /// matches were asked for); empty unless `basis` is `allowedByRule`.
    public var allowedBy: [UpstreamRuleMatch]
    /// The policies that select the pod in this direction (they isolate it), in policy order.
    public var isolatingPolicies: [UpstreamPolicyRef]

    public var allowed: Bool { verdict == .allowed }

    public init(direction: PolicyDirection, verdict: Verdict, basis: Basis, isolated: Bool,
                allowedBy: [UpstreamRuleMatch] = [], isolatingPolicies: [UpstreamPolicyRef] = []) {
        self.direction = direction; self.verdict = verdict; self.basis = basis; self.isolated = isolated
        self.allowedBy = allowedBy; self.isolatingPolicies = isolatingPolicies
    }
}

/// A flow between two endpoints: the source pod's egress decision and the destination pod's
/// ingress decision. The flow passes when both allow it; an end that is no pod has no decision.
public struct UpstreamFlowDecision: Sendable, Hashable {
    public var egress: UpstreamPolicyDecision?
    public var ingress: UpstreamPolicyDecision?
    public var allowed: Bool { (egress?.allowed ?? true) && (ingress?.allowed ?? true) }
    public init(egress: UpstreamPolicyDecision?, ingress: UpstreamPolicyDecision?) {
        self.egress = egress; self.ingress = ingress
    }
}

/// Choices the Kubernetes spec leaves to implementations, with the value netsim takes.
public struct UpstreamPolicyOptions: Sendable, Hashable {
    /// The concept page: traffic to and from the node where a pod runs is always allowed.
    public var residentNodeAlwaysAllowed: Bool
    /// The concept page: a pod cannot block access to itself.
    public var ownPodAlwaysAllowed: Bool
    public init(residentNodeAlwaysAllowed: Bool = true, ownPodAlwaysAllowed: Bool = true) {
        self.residentNodeAlwaysAllowed = residentNodeAlwaysAllowed; self.ownPodAlwaysAllowed = ownPodAlwaysAllowed
    }
}
