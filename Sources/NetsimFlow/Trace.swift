import NetsimModel
import NetsimVPC

/// One decision or action at a place on the path (Batfish's Step): what happened (`action`)
/// and the values that decided it (`detail`); its words (`type`, `sentence`) come from the
/// wording.
public struct Step: Sendable {
    public enum Action: String, Sendable {
        case originated = "ORIGINATED"
        case permitted = "PERMITTED"
        case denied = "DENIED"
        case forwarded = "FORWARDED"
        case transformed = "TRANSFORMED"
        case matchedSession = "MATCHED_SESSION"
        case delivered = "DELIVERED"
        case exitsNetwork = "EXITS_NETWORK"
        case noRoute = "NO_ROUTE"
        case nullRouted = "NULL_ROUTED"
        case loop = "LOOP"
        case notModelled = "NOT_MODELLED"
    }
    public var action: Action
    public var detail: StepDetail
    /// The AWS ID of the deciding component (`sg-…`, `acl-…`, `rtb-…`, `nat-…`).
    public var component: String?
    /// Where the deciding rule, route or object is written.
    public var location: SourceLocation?
    /// The packet after this step, when it changed.
    public var packet: Packet?

    public init(_ action: Action, _ detail: StepDetail, component: String? = nil, location: SourceLocation? = nil, packet: Packet? = nil) {
        self.action = action; self.detail = detail; self.component = component; self.location = location; self.packet = packet
    }
}

/// A place on the path and what happened there (Batfish's Hop).
public struct Hop: Sendable {
    public var place: Place
    public var steps: [Step]
}

/// Why a path is blocked, with a Reachability Analyzer explanation code (or netsim's own) and
/// the values that say why; its message comes from the wording.
public struct Explanation: Sendable {
    public enum Direction: String, Sendable { case forward, reply }
    public var code: ExplanationCode
    public var direction: Direction
    public var disposition: Disposition
    /// The ID of the deciding component (`sg-…`, `acl-…`, a node's name, a load balancer's ARN).
    public var component: String
    public var detail: BlockReason
    public var location: SourceLocation?
}

/// One direction of a flow.
public struct PathTrace: Sendable {
    /// How the walk ended (its last step), ignoring blocks the walk went past.
    public var end: Disposition
    public var hops: [Hop]
    /// The packet as it arrived (after every translation).
    public var finalPacket: Packet
    /// The places a capture could watch, with the packet there, in order.
    public var wire: [WireRecord] = []
    /// The packet at each place a capture could watch, with MACs and labels (made from `wire`
    /// when asked for: `--pcap`).
    public var captures: [CapturePoint] = []
}

/// Something a trace's verdict may depend on that netsim does not model: said in the header,
/// in the JSON (`caveats`) and, when it could change the verdict, in the exit code (3).
public struct Caveat: Sendable {
    public enum Kind: String, Sendable {
        /// A NetworkPolicy selects the source pod for Egress or the destination pod for Ingress.
        case networkPolicy = "NETWORK_POLICY"
        /// NetworkPolicies select a pod of the flow, and the topology says nobody enforces them
        /// (`enforcer: none`, or the VPC CNI agent with enableNetworkPolicy "false").
        case networkPolicyNotEnforced = "NETWORK_POLICY_NOT_ENFORCED"
        /// The flow goes to the EKS control plane (`default/kubernetes`), which the topology does not declare.
        case controlPlaneNotModelled = "CONTROL_PLANE_NOT_MODELLED"
        /// The flow is IPv6: netsim traces IPv4 only.
        case ipv6NotModelled = "IPV6_NOT_MODELLED"
        /// `NETWORK_POLICY_ENFORCING_MODE: strict`: a pod of the flow starts default-deny.
        case strictMode = "NETWORK_POLICY_STRICT_MODE"
        /// The manifests hold EKS ClusterNetworkPolicies, which netsim does not model.
        case clusterNetworkPolicy = "CLUSTER_NETWORK_POLICY"
        /// The manifests hold an EKS ApplicationNetworkPolicy in the namespace of a pod of the
        /// flow, which netsim does not model.
        case applicationNetworkPolicy = "APPLICATION_NETWORK_POLICY"
        /// A transit gateway enters a VPC through a zone the flow does not determine, and the
        /// candidate zones' attachment subnets route it to different verdicts.
        case transitGatewayZone = "TRANSIT_GATEWAY_ZONE"
        /// An ALB rule forwards to a target group outside the cluster (an ARN or name in its
        /// `actions.<name>` annotation), whose targets netsim does not model.
        case externalTargetGroup = "EXTERNAL_TARGET_GROUP"
        /// An end of the flow is a pod of the observed state (`kubernetes.observed`) that netsim
        /// could not place as observed (its node or address does not fit the topology).
        case observedNotPlaced = "OBSERVED_NOT_PLACED"
        /// The flow is delivered to an interface endpoint that carries a policy, which netsim
        /// does not evaluate (IAM decides what the call may do).
        case endpointPolicyNotEvaluated = "ENDPOINT_POLICY_NOT_EVALUATED"
        /// A dualstack load balancer's IPv6 side that netsim does not model (`LoadBalancerIPv6Gap`).
        case loadBalancerIPv6NotModelled = "LOAD_BALANCER_IPV6_NOT_MODELLED"
    }
    public enum Side: String, Sendable { case source, destination }
    public var kind: Kind { detail.kind }
    /// What the caveat is about, as values; `Wording` writes its message.
    public var detail: CaveatDetail
    /// For NetworkPolicies: the source pod (its Egress) or the destination pod (its Ingress).
    public var side: Side? { detail.side }
    /// `Ingress` or `Egress`.
    public var policyType: String? { detail.policyType }
    /// The policies (`namespace/name`, sorted) that select the pod for that direction.
    public var policies: [String] { detail.policies }
    /// The pod they select (`namespace/name`).
    public var pod: String? { detail.pod }
    /// Whether modelling it could change the verdict (a delivery a policy could drop; a flow to
    /// an unmodelled control plane). A flow the network already drops keeps its verdict.
    public var affectsVerdict: Bool
    public var message: String { Wording.caveat(detail) }
    /// Where the first policy (or the deciding object) is written.
    public var location: SourceLocation?

    public init(_ detail: CaveatDetail, affectsVerdict: Bool, location: SourceLocation? = nil) {
        self.detail = detail; self.affectsVerdict = affectsVerdict; self.location = location
    }
}

/// What a caveat is about: the values its message is written from.
public enum CaveatDetail: Sendable {
    /// NetworkPolicies select a pod of the flow for a direction, and netsim does not enforce them.
    /// `decides`: the network delivers the flow (so the policies decide it).
    case networkPolicyNotEnforced(pod: String, side: Caveat.Side, policyType: NetworkPolicy.PolicyType, policies: [String], decides: Bool)
    /// NetworkPolicies select a pod of the flow and nobody enforces them (declared).
    case networkPolicyStoredNotEnforced(pod: String, side: Caveat.Side, policyType: NetworkPolicy.PolicyType, policies: [String], agentDisabled: Bool)
    /// Policies select other endpoints kube-proxy or a load balancer could pick.
    case otherEndpointsSelected(policies: [String], pods: [String])
    /// `NETWORK_POLICY_ENFORCING_MODE: strict` and pods of the flow.
    case strictMode(pods: [String], decides: Bool)
    case clusterNetworkPolicy(names: [String], pods: [String], decides: Bool)
    case applicationNetworkPolicy(names: [String], pods: [String], decides: Bool)
    /// A transit gateway zone the flow does not determine, with each candidate's verdict.
    case transitGatewayZone(TransitGatewayZoneChoice, dispositions: [Disposition])
    case externalTargetGroup(loadBalancer: String, targetGroup: String)
    case controlPlaneNotModelled(address: IPAddress, serviceDeclared: Bool)
    case ipv6NotModelled(source: IPAddress, destination: IPAddress)
    /// An observed pod netsim could not place as observed, and why.
    case observedNotPlaced(pod: String, reason: String)
    /// Delivered to interface endpoint `endpoint` of `service`, whose policy is not evaluated.
    case endpointPolicyNotEvaluated(endpoint: String, service: String)
    case loadBalancerIPv6NotModelled(loadBalancer: String, targetGroup: String, gap: LoadBalancerIPv6Gap)

    public var kind: Caveat.Kind {
        switch self {
        case .networkPolicyNotEnforced, .otherEndpointsSelected: return .networkPolicy
        case .networkPolicyStoredNotEnforced: return .networkPolicyNotEnforced
        case .strictMode: return .strictMode
        case .clusterNetworkPolicy: return .clusterNetworkPolicy
        case .applicationNetworkPolicy: return .applicationNetworkPolicy
        case .transitGatewayZone: return .transitGatewayZone
        case .externalTargetGroup: return .externalTargetGroup
        case .controlPlaneNotModelled: return .controlPlaneNotModelled
        case .ipv6NotModelled: return .ipv6NotModelled
        case .observedNotPlaced: return .observedNotPlaced
        case .endpointPolicyNotEvaluated: return .endpointPolicyNotEvaluated
        case .loadBalancerIPv6NotModelled: return .loadBalancerIPv6NotModelled
        }
    }
    var side: Caveat.Side? {
        switch self {
        case .networkPolicyNotEnforced(_, let side, _, _, _), .networkPolicyStoredNotEnforced(_, let side, _, _, _): return side
        case .otherEndpointsSelected: return .destination
        default: return nil
        }
    }
    var policyType: String? {
        switch self {
        case .networkPolicyNotEnforced(_, _, let t, _, _), .networkPolicyStoredNotEnforced(_, _, let t, _, _): return t.rawValue
        case .otherEndpointsSelected: return NetworkPolicy.PolicyType.Ingress.rawValue
        default: return nil
        }
    }
    var policies: [String] {
        switch self {
        case .networkPolicyNotEnforced(_, _, _, let p, _), .networkPolicyStoredNotEnforced(_, _, _, let p, _), .otherEndpointsSelected(let p, _): return p
        case .clusterNetworkPolicy(let n, _, _), .applicationNetworkPolicy(let n, _, _): return n
        default: return []
        }
    }
    var pod: String? {
        switch self {
        case .networkPolicyNotEnforced(let pod, _, _, _, _), .networkPolicyStoredNotEnforced(let pod, _, _, _, _): return pod
        case .strictMode(let pods, _), .clusterNetworkPolicy(_, let pods, _), .applicationNetworkPolicy(_, let pods, _): return pods.first
        default: return nil
        }
    }
}

/// A traced flow: the forward path, the reply for TCP and UDP, and the verdict.
public struct Trace: Sendable {
    public var source: String
    public var destination: String
    public var packet: Packet
    /// The first block on the way there or back, else how the forward path ended.
    public var disposition: Disposition
    public var forward: PathTrace
    public var reply: PathTrace?
    /// Every block on either path, the first first.
    public var explanations: [Explanation]
    /// Notes that are not blocks (a load balancer failing open, a transit gateway's zones agreeing).
    public var notes: [TraceNote]
    /// kube-proxy's random choice: the endpoints it could pick (`ip:port`) with their chances;
    /// empty when the flow meets no random rule.
    public var choices: [EndpointChoice] = []
    /// The branch this trace followed, when one was asked for (`--all-paths`).
    public var path: Int? = nil
    /// Who draws among `choices`: nil for kube-proxy, else the load balancer.
    public var choiceBy: EndpointChoice.Chooser = .kubeProxy
    /// The NetworkPolicy decisions of the flow (nil: no enforcer decided anything on it).
    public var policy: PolicyOutcome? = nil
    /// What a load balancer on the way did: listener, rule, target group, target, health.
    public var loadBalancer: LoadBalancerLeg? = nil
    /// The source address the destination sees, when the flow crossed a load balancer.
    public var sourceIpAtTarget: IPAddress? = nil
    /// Whose address that is, and where the client's went.
    public var sourceAtTarget: SourceAtTarget? = nil
    /// kube-proxy rejected the packet with an ICMP port unreachable (a capture shows it).
    public var rejectedWithICMP = false
    /// What an ALB answered itself (a fixed response or a redirect), when it did.
    public var response: HTTPResponse? = nil
    /// What the verdict may depend on that netsim does not model (NetworkPolicies, the control plane).
    public var caveats: [Caveat] = []
    /// Transit gateway entries whose zone the flow did not determine (forward path).
    public var zoneChoices: [TransitGatewayZoneChoice] = []
    /// The load balancer node this trace reached by the DNS name, when the name returns more
    /// than one (`--all-paths` traces each).
    public var dnsChoice: DNSChoice? = nil

    public var delivered: Bool { disposition.isSuccess }
    /// The verdict depends on something netsim does not model (exit code 3).
    public var verdictDependsOnUnmodelled: Bool { caveats.contains { $0.affectsVerdict } }
}

/// A transit gateway entering a VPC where the sender's zone does not decide the zone (it has no
/// attachment subnet there, or the flow comes from outside the VPCs), and the candidate
/// attachment subnets have different route tables.
public struct TransitGatewayZoneChoice: Sendable {
    public var transitGateway: String
    public var vpc: String
    /// The sender's zone; nil for a flow from outside the VPCs.
    public var senderZone: String?
    /// The zone netsim followed (the attachment's first).
    public var chosen: String
    /// Each zone of the attachment: its subnet and that subnet's route table.
    public var candidates: [(zone: String, subnet: String, routeTable: String)]
    public var location: SourceLocation
    /// The attachment is in appliance mode: the transit gateway picks the zone by a flow hash
    /// (whatever the sender's zone) and keeps it both ways.
    public var applianceMode = false
    public var key: String { Self.key(tgw: transitGateway, vpc: vpc) }
    static func key(tgw: String, vpc: String) -> String { "\(tgw)/\(vpc)" }
}

/// Which of the addresses a load balancer's DNS name returns a trace followed.
public struct DNSChoice: Sendable, Equatable {
    /// 0-based position among `addresses`.
    public var position: Int
    /// What DNS returns, in node order: each node's zone and the address a client uses.
    public var addresses: [(zone: String, address: IPv4Address)]
    /// Set by `--all-paths`, which traces each address; nil when the first was taken.
    public var branched: Bool

    public static func == (a: DNSChoice, b: DNSChoice) -> Bool {
        a.position == b.position && a.branched == b.branched && a.addresses.map(\.zone) == b.addresses.map(\.zone) && a.addresses.map(\.address) == b.addresses.map(\.address)
    }
}

/// One endpoint a random choice can pick (kube-proxy's `--probability` rules, a load balancer's
/// targets), with its chance.
public struct EndpointChoice: Sendable, Equatable {
    /// Who draws among the choices.
    public enum Chooser: Sendable, Equatable {
        case kubeProxy
        /// A load balancer (`ALB`/`NLB`) by name.
        case loadBalancer(kind: String, name: String)
        /// The load balancer as traces name it (`ALB web`); nil for kube-proxy.
        public var loadBalancer: String? {
            if case .loadBalancer(let kind, let name) = self { return "\(kind) \(name)" }
            return nil
        }
    }
    public var target: AddressPort
    public var probability: Double
    public init(target: AddressPort, probability: Double) { self.target = target; self.probability = probability }
}
