import NetsimKube
import NetsimModel
import NetsimVPC

// The typed content of a trace: where each hop is (`Place`), what each step decided
// (`StepDetail`), why a path is blocked (`ExplanationCode` and `BlockReason`), and the packet at
// each place a capture could watch (`WireEvent`). Values only: the sentences a person reads are
// written from them by the wording (`Wording/`), and nowhere else.

/// An interface as a hop or a step names it.
public struct InterfaceRef: Sendable, Equatable {
    /// The fabric's interface index.
    public var index: Int
    /// `eni-…` (or the NAT gateway's ID).
    public var id: String
    /// What people call it: the node name and device, the external's name, …
    public var label: String
    public var address: IPAddress
    public var subnet: String
}

/// An AWS object by its ID and name (a security group, a network ACL, a route table, …).
public struct ObjectRef: Sendable, Equatable {
    public var id: String
    public var name: String
}

/// An address and a port (`10.0.1.5:8080`).
public struct AddressPort: Sendable, Equatable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16
    public init(_ address: IPAddress, _ port: UInt16) { self.address = address; self.port = port }
    /// `[address]:port` for IPv6 (RFC 5952 §6).
    public var description: String {
        if case .ipv6 = address { return "[\(address)]:\(port)" }
        return "\(address):\(port)"
    }
}

/// A place on the path (Batfish's node of a hop), with the IDs of what is there.
public enum Place: Sendable, Equatable {
    /// A network interface (an ENI, a declared interface, an external host's interface).
    case interface(InterfaceRef)
    /// A load balancer node: its ENI in one zone.
    case loadBalancerNode(InterfaceRef, loadBalancer: String)
    /// Where the flow starts, as the user named it (with what it resolved to).
    case endpoint(String)
    /// A host on the internet (with its address when the hop is one).
    case internet(IPAddress?)
    /// An external network (on-premises, a partner), with the host's address when the hop is one.
    case external(name: String, address: IPAddress?)
    /// A subnet: its `subnet-…` ID and name.
    case subnet(ObjectRef)
    case vpc(String)
    /// An internet gateway; nil when the VPC declares none (the flow still names the role).
    case internetGateway(ObjectRef?)
    case egressOnlyInternetGateway(String)
    case natGateway(ObjectRef, address: IPAddress, subnet: String)
    case peering(ObjectRef)
    case transitGateway(ObjectRef)
    case gatewayEndpoint(ObjectRef, service: String)
    /// The AWS service behind a gateway endpoint (where its reply starts).
    case service(String)
    /// A node's datapath (its netfilter rules and policy routing): the realized node's instance
    /// ID (`i-…`) and its name.
    case node(ObjectRef)
    /// A node's own stack, by the address the flow uses.
    case nodeHost(String, address: IPAddress)
    /// A pod, by name (nil when the address is no pod's) and address.
    case pod(String?, address: IPAddress)
    /// A virtual private gateway: its `vgw-…` ID and name.
    case vpnGateway(ObjectRef)
}

/// Which way a security group or network ACL looked at the packet.
public enum FilterDirection: String, Sendable {
    case ingress, egress, inbound, outbound
    init(_ d: SecurityGroupEvaluator.Direction) { self = d == .ingress ? .ingress : .egress }
    init(_ d: NetworkACLEvaluator.Direction) { self = d == .inbound ? .inbound : .outbound }
}

/// The security-group rule that let a packet through.
public struct SecurityGroupMatch: Sendable {
    public var direction: FilterDirection
    public var group: ObjectRef
    /// 0-based index of the rule in its direction's list.
    public var ruleIndex: Int
    public var rule: SecurityGroupRule
}

/// The network-ACL rule that decided (nil: the final `*` rule, 32767, deny all).
public struct NetworkACLMatch: Sendable {
    public var direction: FilterDirection
    public var acl: ObjectRef
    public var rule: NetworkACLRule?
    public var allowed: Bool
}

/// The route a route table took.
public struct RouteTableMatch: Sendable {
    public var table: ObjectRef
    /// The route as written (the CIDR, or `pl:NAME`), its target and where it comes from.
    public var written: String
    /// The route's block: IPv4 for an IPv4 packet, IPv6 for an IPv6 one.
    public var destination: IPCIDR
    public var target: Route.Target
    public var origin: RouteMatch.Origin
}

/// kube-proxy's random pick among a Service's endpoints.
public struct EndpointPick: Sendable {
    /// 0-based index of the endpoint taken, of `count`.
    public var index: Int
    public var count: Int
    public var probability: Double
}

/// kube-proxy's destination NAT on a node: the chains it went through, the destination before
/// and after, and the random pick when the Service has several endpoints.
public struct KubeProxyDNAT: Sendable {
    /// `nat`, and the base chain (`PREROUTING` or `OUTPUT`).
    public var table: NetfilterTable
    public var baseChain: ChainName
    /// The rules the walk hit, in order (their chains give the path).
    public var hits: [RuleHit]
    public var before: AddressPort
    public var after: AddressPort
    public var pick: EndpointPick?
}

/// A node's source NAT in nat POSTROUTING: kube-proxy's masquerade or the VPC CNI's SNAT.
public struct NodeSourceNAT: Sendable {
    public var hits: [RuleHit]
    /// kube-proxy's KUBE-POSTROUTING masquerade (else the CNI's SNAT rule).
    public var masquerade: Bool
    public var before: AddressPort
    public var after: AddressPort
    /// The device the packet leaves by, and whether it is a pod's veth (which has no address).
    public var device: String
    public var deviceIsVeth: Bool
}

/// conntrack undoing a node's translations on a reply.
public struct ConntrackUndo: Sendable {
    /// The connection's original source, and the destination before DNAT.
    public var inside: AddressPort
    public var originalDestination: AddressPort?
    public var before: Packet
    public var after: Packet
}

/// A listener, as `HTTP:80`.
public struct ListenerRef: Sendable, Equatable, CustomStringConvertible {
    public var protocolName: String
    public var port: UInt16
    public var description: String { "\(protocolName):\(port)" }
}

/// The ALB listener rule a request matched.
public struct ListenerRuleMatch: Sendable {
    public var listener: ListenerRef
    public var request: HTTPRequest
    /// 0-based index of the rule, of `count`.
    public var index: Int
    public var count: Int
    public var rule: LoadBalancer.Rule
}

/// What an ALB answers itself: a fixed response or a redirect.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    /// Fixed responses: the content type and body.
    public var contentType: String
    public var body: String
    /// Redirects: where to, resolved from the request (`#{host}`, `#{path}`, … replaced) as the
    /// ALB sends it in the `Location` header.
    public var location: String?
    /// Redirects: the action as written, `protocol://host:port/path?query` with its `#{...}` keywords.
    public var locationTemplate: String? = nil
    public var isRedirect: Bool { location != nil }
}

/// The target a target group sent to.
public struct TargetGroupPick: Sendable {
    public var group: LoadBalancer.TargetGroup
    /// Healthy targets by the health checks.
    public var healthy: Int
    /// The zone of the load balancer node that took the connection.
    public var zone: String
    public var target: LoadBalancer.Target
    /// The targets it could have taken (1: no choice).
    public var eligible: Int
}

/// A load balancer passing a connection to its target (ALB: a new connection; NLB: a
/// translation), or back.
public struct LoadBalancerHandOff: Sendable {
    public var kind: LoadBalancer.Kind
    public var before: Packet
    public var after: Packet
    /// NLB: the client's address is kept.
    public var preserved: Bool
    public var proxyProtocolV2: Bool
}

/// Why a target group has nobody to send to.
public enum NoTargetReason: Sendable {
    case noTargets
    case noTargetInLoadBalancerZones
    /// No target registered in the zone.
    case noTargetInZone(String)
    /// Targets are registered in the zone, but none is healthy.
    case noHealthyTargetInZone(String)
}

/// Who a delivered packet reached.
public enum Delivery: Sendable {
    case interface(label: String)
    case podOnInterface(pod: String, address: IPAddress, interface: String)
    case pod(String?, address: IPAddress)
    case node(String, address: IPAddress)
}

/// Where a flow leaves the modelled network.
public enum NetworkExit: Sendable {
    case internet(IPAddress)
    case external(String)
    case gatewayEndpoint(service: String)
}

/// Why routing found no way on.
public enum NoRouteReason: Sendable {
    /// A Service's cluster IP from somewhere without kube-proxy.
    case noKubeProxy
    case routeTable(ObjectRef, destination: IPAddress)
    case egressOnlyIPv6
    case noInterfaceHas(IPAddress)
    case noInternetGateway
    /// A private address seen from the internet (the walk goes on).
    case privateFromInternet(IPAddress)
    case outsideModelledNetworks(IPAddress)
    case outsidePeerVPC
    case noAttachmentSubnet(zone: String)
    case transitGatewayNoRoute(IPAddress)
    case noAttachmentForVPC(String)
    case noSubnetOnward
    case noDatapath
    case nodeNoRoute(IPAddress)
    case noKubeProxyRule(AddressPort, protocolName: String)
    case clusterIPServicePortsOnly
    case noENIOnNode(String)
}

public enum NullRouteReason: Sendable {
    case blackholeRoute
    case transitGatewayBlackhole(IPCIDR)
}

public enum LoopReason: Sendable {
    case tooManyDecisions
    case revisitedSubnet
    case revisitedTransitGateway
}

/// Why a gateway, a load balancer or a node's filter dropped the packet.
public enum FilterReason: Sendable {
    case privateDestination
    case noPublicAddress(IPAddress)
    case privateSourceFromInternet
    case natNoSessionForReply
    case natProtocolNotSupported(IPProtocol)
    case natSourceOutsideVPC
    case natUnsolicitedInbound
    case endpointProtocolNotAccepted
    case loadBalancerNoConnectionForReply
    /// A stateful appliance (a firewall) has no connection for this reply.
    case applianceNoSessionForReply
    /// kube-proxy's filter: REJECT (an ICMP port unreachable to the client) or DROP.
    case netfilter(reject: Bool)
    /// An egress-only internet gateway lets no connection in from the internet.
    case egressOnlyInbound
}

/// Where a transit gateway route sends the packet.
public enum TransitGatewayHop: Sendable {
    case vpcAttachment(String)
    case external(String)
}

/// The subnet a transit gateway enters a VPC through (AZ affinity), and why that one.
public struct TransitGatewayEntry: Sendable {
    public var vpc: String
    public var subnet: String
    public var zone: String
    /// The attachment names its subnets (else the zone's smallest subnet is the default).
    public var named: Bool
    /// The sender's zone has an attachment subnet here.
    public var sameZone: Bool
    /// Tracing another candidate zone (`entryZones`).
    public var alternative: Bool
    /// nil: the flow comes from outside the VPCs.
    public var senderZone: String?
    /// The attachment is in appliance mode: the zone is the flow's (the forward packet's), both ways.
    public var applianceMode = false
}

/// A route of a transit gateway route table (the table form): the table the entry attachment
/// is associated with, the route that matched and where it leads.
public struct TransitGatewayTableRoute: Sendable {
    public var transitGateway: String
    public var table: ObjectRef
    /// The attachment the packet entered by (whose association chose the table).
    public var entryAttachment: String
    public var destination: IPCIDR
    /// nil: a blackhole.
    public var attachment: ObjectRef?
    /// `vpc`, `vpn`, `direct-connect-gateway` or `peering`, and the VPC, external network or peer.
    public var attachmentKind: String?
    public var resource: String?
    /// `static` or `propagated`, and the route's origin by priority.
    public var type: String
    public var origin: RouteOrigin
    public var prefixList: String?
    /// How many other routes for the same destination it overrides.
    public var overrides: Int
}

/// A NetworkPolicy enforcer's decision on a packet at a pod's veth: the VPC CNI network policy
/// agent's eBPF program (egress before the node's DNAT, ingress after it) or the Kubernetes
/// spec's semantics (post-DNAT both ways), with what decided it.
public struct PolicyVerdict: Sendable {
    /// Which semantics decided.
    public enum Enforcer: String, Sendable { case vpcCNI = "vpc-cni", upstream }
    /// How the verdict was reached.
    public enum Basis: String, Sendable, CaseIterable {
        // both
        /// The reply of a flow the enforcer let through (its conntrack entry).
        case conntrackReply
        /// A hostNetwork pod: no veth, no program; no subject of NetworkPolicy.
        case hostNetworkExempt
        /// No policy of the pod isolates this direction.
        case notIsolated
        // the agent
        case notIPv4
        /// A ClusterNetworkPolicy rule of the Admin tier (Accept or Deny).
        case adminTier
        /// A ClusterNetworkPolicy rule of the Baseline tier.
        case baselineTier
        /// The pod's own node's address, always in the agent's maps.
        case nodeIP
        /// The longest-prefix entry covering the peer lists the port.
        case entryAllows
        /// Policies applied and no entry covers the peer.
        case noEntryCoversPeer
        /// The longest-prefix entry covers the peer but not the protocol and port.
        case portNotInEntry
        /// The longest-prefix entry is the deny-all entry of an `except` CIDR.
        case exceptEntry
        /// No policies applied yet (the pod just started): standard mode lets everything through.
        case defaultAllow
        /// No policies applied yet, strict mode: everything dropped, kubelet included.
        case defaultDeny
        // the spec
        /// A rule of a policy selecting the pod allows the flow.
        case ruleAllows
        /// The pod is isolated and no rule allows the flow.
        case noRuleAllows
        /// A pod talking to itself.
        case ownPod
        /// Between the pod and the node it runs on (always allowed).
        case residentNode
    }
    /// A policy rule that decided, or took part.
    public struct Rule: Sendable, Equatable {
        /// `namespace/name` of a NetworkPolicy; the name of a ClusterNetworkPolicy.
        public var policy: String
        /// `ClusterNetworkPolicy` rules carry their tier and action.
        public var tier: String?
        public var action: String?
        /// Index of the rule in the policy's ingress or egress list (nil: the policy as a whole).
        public var index: Int?
        public var location: SourceLocation?
        public init(policy: String, tier: String? = nil, action: String? = nil, index: Int?, location: SourceLocation?) {
            self.policy = policy; self.tier = tier; self.action = action; self.index = index; self.location = location
        }
    }
    /// The port/protocol slot of the agent's entry (`TCP`, `UDP`, `SCTP`, `ANY`; ports 0: all).
    public struct PortSlot: Sendable, Equatable {
        public var ipProtocol: String
        public var start: UInt16
        public var end: UInt16
    }
    /// Everything but the packet, held once: a verdict is copied into the walk's decisions, its
    /// step and its block, and a pod's verdict is reused for every packet that meets the same
    /// entry (copy on write; only the owner of a unique box mutates it).
    final class Storage: @unchecked Sendable {
        var enforcer: Enforcer, direction: FilterDirection, pod: String?, address: IPAddress, allowed: Bool, basis: Basis
        var policies: [String], rules: [Rule] = [], moreRules = false, cidr: IPCIDR? = nil, ports: PortSlot? = nil, atStart = false
        init(enforcer: Enforcer, direction: FilterDirection, pod: String?, address: IPAddress, allowed: Bool, basis: Basis, policies: [String]) {
            self.enforcer = enforcer; self.direction = direction; self.pod = pod; self.address = address; self.allowed = allowed
            self.basis = basis; self.policies = policies
        }
        func copy() -> Storage {
            let c = Storage(enforcer: enforcer, direction: direction, pod: pod, address: address, allowed: allowed, basis: basis, policies: policies)
            c.rules = rules; c.moreRules = moreRules; c.cidr = cidr; c.ports = ports; c.atStart = atStart
            return c
        }
    }
    private var storage: Storage
    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }
    public var enforcer: Enforcer { get { storage.enforcer } set { unique().enforcer = newValue } }
    /// `ingress` (to the pod) or `egress` (from it).
    public var direction: FilterDirection { get { storage.direction } set { unique().direction = newValue } }
    /// The pod (`namespace/name`, nil when unknown) and its address.
    public var pod: String? { get { storage.pod } set { unique().pod = newValue } }
    public var address: IPAddress { get { storage.address } set { unique().address = newValue } }
    public var allowed: Bool { get { storage.allowed } set { unique().allowed = newValue } }
    public var basis: Basis { get { storage.basis } set { unique().basis = newValue } }
    /// The policies (`namespace/name`) that select the pod (the agent: applied to its group).
    public var policies: [String] { get { storage.policies } set { unique().policies = newValue } }
    /// The packet as the program sees it.
    public var packet: Packet
    /// The rules that decided (an allow: those that allow; a deny: the isolating policies, or
    /// the except's rule, or the tier rule).
    public var rules: [Rule] { get { storage.rules } set { unique().rules = newValue } }
    /// More rules decided than `rules` holds (at most `shownRules`, the first by policy and index).
    public var moreRules: Bool { get { storage.moreRules } set { unique().moreRules = newValue } }
    public static let shownRules = 5
    /// The agent's longest-prefix entry that matched and its port slot.
    public var cidr: IPCIDR? { get { storage.cidr } set { unique().cidr = newValue } }
    public var ports: PortSlot? { get { storage.ports } set { unique().ports = newValue } }
    /// `--at-start`: the pod had just started and the agent held no policies for it yet.
    public var atStart: Bool { get { storage.atStart } set { unique().atStart = newValue } }
    public init(enforcer: Enforcer = .vpcCNI, direction: FilterDirection, pod: String?, address: IPAddress, allowed: Bool,
                basis: Basis, policies: [String], packet: Packet) {
        storage = Storage(enforcer: enforcer, direction: direction, pod: pod, address: address, allowed: allowed, basis: basis, policies: policies)
        self.packet = packet
    }
    /// The peer the decision looked at: the source for ingress, the destination for egress.
    public var peer: IPAddress { direction == .ingress ? packet.source : packet.destination }
}

/// One kind of step, with the values that decided it. The wording (`Step.type`, `Step.sentence`)
/// is written from these.
/// Cases whose values are large are `indirect` (boxed), so a step stays small to copy.
public enum StepDetail: Sendable {
    // origin and end
    case originate(Packet, reply: Bool)
    /// The flow reaches the EKS control plane (the API server's Service at `address`), which the
    /// topology does not model (`serviceDeclared`: the Service is declared without endpoints).
    case controlPlaneNotModelled(address: IPAddress, serviceDeclared: Bool)
    /// The EKS API server's public endpoint judges the client's address against the cluster's
    /// access settings (`cluster.controlPlane.endpoint`).
    case apiServerEndpoint(APIServerEndpointDecision)
    /// An ALB rule forwards to a target group outside the cluster (an ARN or name in the
    /// `actions.<name>` annotation), which netsim does not model: no verdict.
    case externalTargetGroup(loadBalancer: String, targetGroup: String)
    /// The packet is IPv6 (or mixes the families): the walk models IPv4 only.
    case ipv6NotModelled(source: IPAddress, destination: IPAddress)
    /// A dualstack load balancer's IPv6 side that netsim does not model (`LoadBalancerIPv6Gap`): no verdict.
    case loadBalancerIPv6NotModelled(loadBalancer: String, targetGroup: String, gap: LoadBalancerIPv6Gap)
    /// What an AWS service's regional DNS name returned to the source (`aws:SERVICE`), and why.
    indirect case serviceDNS(ServiceDNSAnswer)
    case delivered(Delivery, blockedEarlier: Bool)
    /// A reply reached the interface that opened the connection (a NAT gateway, a load balancer node).
    case deliveredToOpener(label: String)
    case exitsNetwork(NetworkExit)
    case noRoute(NoRouteReason)
    case nullRouted(NullRouteReason)
    case loop(LoopReason)
    case filter(FilterReason)
    // interfaces and subnets
    case sourceDestCheck(interface: String, source: IPAddress)
    /// A reply passing security groups as a tracked connection (`atAppliance`: shorter words).
    case trackedConnection(FilterDirection, atAppliance: Bool)
    indirect case securityGroupAllows(SecurityGroupMatch)
    case securityGroupDenies(FilterDirection, groups: [ObjectRef], packet: Packet)
    indirect case networkACL(NetworkACLMatch)
    /// A reply's port range: the ports of it the ACL denies.
    indirect case networkACLReplyPorts(FilterDirection, acl: ObjectRef, denied: [PortRange], range: ClosedRange<UInt16>)
    case sameSubnet(destination: IPAddress)
    indirect case route(RouteTableMatch)
    case applianceForwards(interface: String)
    // gateways
    indirect case internetGatewaySourceNAT(before: Packet, after: Packet)
    indirect case internetGatewayDestinationNAT(before: Packet, after: Packet)
    indirect case natGatewaySourceNAT(before: Packet, after: Packet)
    indirect case natGatewaySession(before: Packet, after: Packet)
    case peering(into: String)
    indirect case transitGatewayRoute(destination: IPv4CIDR, TransitGatewayHop)
    indirect case transitGatewayEntry(TransitGatewayEntry)
    // nodes
    indirect case conntrack(ConntrackUndo?)
    /// A netfilter rule the packet hit, as `iptables-save` prints it.
    indirect case netfilterRule(RuleHit)
    indirect case kubeProxyDNAT(KubeProxyDNAT)
    /// The node's `ip rule` and route.
    indirect case nodeRoute(HostRouteDecision)
    indirect case nodeSourceNAT(NodeSourceNAT)
    // load balancers
    case noListener(Packet)
    case listenerDefault(ListenerRef)
    indirect case listenerRule(ListenerRuleMatch)
    indirect case noMatchingListenerRule(ListenerRef, request: HTTPRequest, count: Int)
    indirect case fixedResponse(loadBalancer: String, HTTPResponse)
    indirect case redirect(loadBalancer: String, HTTPResponse)
    case noTarget(targetGroup: String, NoTargetReason)
    indirect case targetGroup(TargetGroupPick)
    indirect case loadBalancerForward(LoadBalancerHandOff)
    indirect case loadBalancerReturn(LoadBalancerHandOff)
    /// The VPC returns an NLB target's reply to the NLB node by the flow.
    case loadBalancerFlowReturn(loadBalancer: String, client: IPAddress, node: IPAddress)
    // pods
    indirect case networkPolicy(PolicyVerdict)
    // on-premises edges
    /// A virtual private gateway's decision: to the external network whose advertised prefix
    /// matches, into its VPC, or no route.
    indirect case vpnGateway(VPNGatewayHop)
    /// The firewall in front of an external network judges the packet (or a reply passes by state).
    indirect case externalFirewall(ExternalFirewallMatch)
    /// The external network's route back toward AWS for the packet's destination (found or not).
    indirect case returnRoute(ReturnRouteCheck)
    // transit gateway route tables
    indirect case transitGatewayTableRoute(TransitGatewayTableRoute)
    /// An IPv6 packet through an internet gateway (`egressOnly` false) or an egress-only
    /// internet gateway, out or `inbound`: no address translation (IPv6 addresses are public);
    /// `session`: the reply of a connection the gateway saw go out.
    case ipv6Gateway(egressOnly: Bool, inbound: Bool, session: Bool)
    /// An end of the flow is an observed pod (`kubernetes.observed`) netsim could not place as
    /// observed: no verdict rather than one about another address.
    case observedNotPlaced(pod: String, reason: String)
}

/// Reachability Analyzer's explanation codes netsim uses, and netsim's own (kube-proxy's
/// verdicts). The raw values are what the text and the JSON print.
public enum ExplanationCode: String, Sendable, CaseIterable {
    case unknownDestination = "UNKNOWN_DESTINATION"
    case eniSourceDestCheckRestriction = "ENI_SOURCE_DEST_CHECK_RESTRICTION"
    case sgHasNoRules = "SG_HAS_NO_RULES"
    case sgReferencesNotPreserved = "SG_REFERENCES_NOT_PRESERVED"
    case eniSGRulesMismatch = "ENI_SG_RULES_MISMATCH"
    case subnetACLRestriction = "SUBNET_ACL_RESTRICTION"
    case loop = "LOOP"
    case noRouteToDestination = "NO_ROUTE_TO_DESTINATION"
    case badStateRoute = "BAD_STATE_ROUTE"
    case igwDestinationAddressNotInRFC1918Egress = "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"
    case igwPublicIPAssociationForEgress = "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"
    case igwSourceAddressNotInRFC1918Ingress = "IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS"
    case igwPrivateIPAssociationForIngress = "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"
    case asymmetricRoute = "ASYMMETRIC_ROUTE"
    case protocolRestriction = "PROTOCOL_RESTRICTION"
    case ngwRequiresSourceInVPC = "NGW_REQUIRES_SOURCE_IN_VPC"
    case ngwNoInbound = "NGW_NO_INBOUND"
    case pcxRequiresAddressInVPCCIDR = "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"
    case tgwAttachVPCAZRestriction = "TGW_ATTACH_VPC_AZ_RESTRICTION"
    case tgwRtbCannotRoute = "TGW_RTB_CANNOT_ROUTE"
    case tgwRtbBadStateRoute = "TGW_RTB_BAD_STATE_ROUTE"
    case tgwRtbNoRouteToTGWAttachment = "TGW_RTB_NO_ROUTE_TO_TGW_ATTACHMENT"
    case vpceGatewayProtocolRestriction = "VPCE_GATEWAY_PROTOCOL_RESTRICTION"
    case elbv2ListenerPortRestriction = "ELBV2_LISTENER_PORT_RESTRICTION"
    case elbv2NoMatchingRule = "ELBV2_NO_MATCHING_RULE"
    case elbv2FixedResponse = "ELBV2_FIXED_RESPONSE"
    case elbv2Redirect = "ELBV2_REDIRECT"
    case elbv2NoTargets = "ELBV2_NO_TARGETS"
    case elbInstalledAZRestriction = "ELB_INSTALLED_AZ_RESTRICTION"
    case elbv2NoTargetsInAZ = "ELBV2_NO_TARGETS_IN_AZ"
    case elbv2SourceAddressPreservation = "ELBV2_SOURCE_ADDRESS_PRESERVATION"
    // netsim's own: kube-proxy's verdicts on a node
    case noEndpoints = "NO_ENDPOINTS"
    case rejected = "REJECTED"
    case dropped = "DROPPED"
    /// A NetworkPolicy at the pod's veth denies the packet.
    case networkPolicyDenied = "NETWORK_POLICY_DENIED"
    /// The destination pod's NetworkPolicies (or its pod-start state) drop the packet at its veth.
    case networkPolicyIngressDenied = "NETWORK_POLICY_INGRESS_DENIED"
    /// The source pod's NetworkPolicies (or its pod-start state) drop the packet at its veth.
    case networkPolicyEgressDenied = "NETWORK_POLICY_EGRESS_DENIED"
    /// An EKS ClusterNetworkPolicy rule (Admin or Baseline tier) denies the packet.
    case clusterNetworkPolicyDenied = "CLUSTER_NETWORK_POLICY_DENIED"
    /// The EKS API server's public endpoint refuses the client: no public access, or the
    /// address it sees is outside `publicAccessCidrs`.
    case eksEndpointAccessDenied = "EKS_ENDPOINT_ACCESS_DENIED"
    /// The firewall in front of an external network (`firewall:`) denies the packet.
    case externalFirewallDenied = "EXTERNAL_FIREWALL_DENIED"
    /// The external network has no route back toward AWS for the address (its return routes).
    case noReturnRoute = "NO_RETURN_ROUTE"
    /// Reachability Analyzer's code: the attachment the packet enters by has no route table association.
    case tgwAttachMissingTGWRtbAssociation = "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION"
    /// An egress-only internet gateway drops a connection from the internet (netsim's own:
    /// Reachability Analyzer has no code for it).
    case eigwNoInbound = "EIGW_NO_INBOUND"
    /// A transit gateway VPC attachment without IPv6 support takes or gets an IPv6 packet
    /// (netsim's own code).
    case tgwAttachNoIPv6 = "TGW_ATTACH_NO_IPV6"
    /// An AWS service's interface endpoint gets a packet on a port it does not listen on
    /// (netsim's own code).
    case vpceServicePort = "VPCE_SERVICE_PORT"
}

/// The API server's public endpoint's decision on a client: the address it sees (after any
/// NAT), the cluster's access settings, and the verdict.
public struct APIServerEndpointDecision: Sendable, Hashable {
    /// The endpoint's public address (netsim's stand-in for what its DNS name returns).
    public var endpoint: IPv4Address
    /// The client's address as the endpoint sees it.
    public var source: IPAddress
    public var publicAccess: Bool
    public var privateAccess: Bool
    public var publicAccessCIDRs: [IPv4CIDR]
    /// The block of `publicAccessCIDRs` that lets the client in.
    public var matched: IPv4CIDR?
    public var allowed: Bool { publicAccess && matched != nil }
    public init(endpoint: IPv4Address, source: IPAddress, publicAccess: Bool, privateAccess: Bool, publicAccessCIDRs: [IPv4CIDR]) {
        self.endpoint = endpoint; self.source = source; self.publicAccess = publicAccess; self.privateAccess = privateAccess
        self.publicAccessCIDRs = publicAccessCIDRs
        matched = source.v4.flatMap { a in publicAccessCIDRs.first { $0.contains(a) } }
    }
}

/// Why a path is blocked, with the values that say so (the explanation's message is written
/// from these).
public enum BlockReason: Sendable {
    /// The API server's public endpoint refuses the client (`publicAccess`, `publicAccessCidrs`).
    case apiServerEndpoint(APIServerEndpointDecision)
    /// A Service's cluster IP from a source that is not on a cluster node.
    case serviceIPOffCluster(source: String)
    case sourceDestCheckEgress(interface: String, source: IPAddress)
    case sourceDestCheckIngress(interface: String, destination: IPAddress)
    case sourceDestCheckAppliance(interface: String, destination: IPAddress)
    case securityGroups(FilterDirection, groups: [ObjectRef], interface: String, packet: Packet)
    /// A reply's port range partly denied by a network ACL that lets this port through.
    case networkACLReplyPorts(FilterDirection, acl: ObjectRef, subnet: String, port: UInt16, denied: [PortRange], range: ClosedRange<UInt16>)
    /// A network ACL denies (nil rule: its `*` rule); a reply says which ports it must allow.
    case networkACL(FilterDirection, acl: ObjectRef, subnet: String, packet: Packet, rule: NetworkACLRule?, reply: NetworkACLReplyNeed?)
    case tooManyDecisions(Int)
    case subnetLoop(subnet: String)
    case noRouteInTable(table: ObjectRef, subnet: String, destination: IPAddress)
    case blackholeRoute(table: ObjectRef, written: String)
    case egressOnlyGateway(String)
    case noInterfaceInVPC(vpc: String, destination: IPAddress)
    case internetGatewayPrivateDestination(IPAddress)
    case internetGatewayNoPublicAddress(IPAddress)
    case internetGatewayPrivateSource(IPAddress)
    case noInternetGateway(vpc: String, destination: IPAddress)
    case privateAddressFromInternet(IPAddress)
    case outsideModelledNetworks(IPAddress)
    case natNoSession(natGateway: String)
    case natProtocol(IPProtocol)
    case natSourceOutsideVPC(natGateway: String, source: IPAddress)
    case natNoInbound(interface: String)
    case peeringNotTransitive(peering: String, vpc: String, cidrs: [IPCIDR], destination: IPAddress)
    case transitGatewayNoSubnetInZone(vpc: String, transitGateway: String, zone: String, subnets: [(name: String, zone: String)])
    case transitGatewayNoRoute(transitGateway: String, destination: IPAddress)
    case transitGatewayLoop(transitGateway: String)
    case transitGatewayBlackhole(IPCIDR)
    case transitGatewayNotAttached(transitGateway: String, destination: IPCIDR, vpc: String)
    case vpcNoSubnetOnward(vpc: String, destination: IPAddress)
    case gatewayEndpointProtocol(IPProtocol)
    /// kube-proxy's REJECT for a Service without ready endpoints.
    case serviceHasNoEndpoints(AddressPort)
    /// A kube-proxy filter rule rejecting or dropping the packet.
    case netfilterFilter(RuleHit, reject: Bool)
    case notAServicePort(AddressPort)
    case noListener(loadBalancer: String, packet: Packet, listeners: [ListenerRef])
    case noMatchingRule(loadBalancer: String, listener: ListenerRef, host: String, path: String, response: HTTPResponse)
    case fixedResponse(HTTPResponse)
    /// `byDefault`: the listener's default action redirects (else the matching rule).
    case redirect(HTTPResponse, byDefault: Bool)
    case noRegisteredTargets(targetGroup: String, service: String, servicePort: String, targetType: LBC.TargetType)
    case targetsOutsideZones(targetGroup: String, loadBalancer: String, zones: [String])
    case noTargetInZone(targetGroup: String, zone: String, failOpen: Bool, others: Int)
    case hairpinWithPreservedClientIP(target: String)
    case loadBalancerNoConnection(loadBalancer: String)
    case networkPolicy(PolicyVerdict)
    /// A virtual private gateway knows no route to the destination (no advertised prefix of
    /// the networks behind it covers it, and it is outside its VPC).
    case vpnGatewayNoRoute(vpnGateway: String, destination: IPAddress)
    /// The firewall in front of an external network denies the packet.
    indirect case externalFirewall(ExternalFirewallMatch)
    /// The external network has no route back toward AWS for the address.
    indirect case noReturnRoute(ReturnRouteCheck)
    // transit gateway route tables
    /// The attachment the packet enters the transit gateway by is associated with no route table.
    case transitGatewayUnassociated(transitGateway: String, attachment: String)
    /// The route table associated with the entry attachment has no route for the destination.
    case transitGatewayTableNoRoute(transitGateway: String, table: ObjectRef, attachment: String, destination: IPAddress)
    /// A stateful appliance got a reply of a flow whose first packet it did not forward.
    case applianceNoSession(interface: String, zone: String)
    /// A connection from the internet to an IPv6 address of a VPC whose only way in is an
    /// egress-only internet gateway.
    case egressOnlyInbound(gateway: String, destination: IPAddress)
    /// An IPv6 packet at a transit gateway VPC attachment without IPv6 support (its
    /// interfaces have no IPv6 address), or whose VPC has no IPv6 block.
    case transitGatewayNoIPv6(transitGateway: String, attachment: String, vpc: String, ipv6Support: Bool)
    /// A packet to an interface endpoint of an AWS service on a port or protocol the service
    /// does not listen on (AWS services behind interface endpoints take HTTPS: TCP 443).
    case interfaceEndpointPort(endpoint: String, service: String, packet: Packet, listens: [UInt16])
}

/// On a reply a network ACL denies: the port it must allow and, when the port is picked from a
/// range, the ports of that range it denies now.
public struct NetworkACLReplyNeed: Sendable {
    public var port: UInt16
    public var range: ClosedRange<UInt16>?
    public var denied: [PortRange]
}

/// Why a load balancer's health check finds a target healthy or not.
public enum HealthReason: Sendable {
    /// The check's trace is blocked.
    case blocked(Explanation)
    case podDeclaresNoPort(check: String, pod: String, port: UInt16)
    case answeredByPod(check: String, pod: String)
    /// kube-proxy's health server on a node: 200 with local endpoints, 503 without.
    case healthServer(node: String, localEndpoints: Int)
    case tcpCheckOfHealthServer(node: String)
    case nothingListensOnNode(node: String, port: UInt16)
    case checkEnds(Disposition?)
    case replyLost(Explanation)
    case replyEnds(Disposition?)
}

/// Something a trace says that is not a block.
public enum TraceNote: Sendable {
    /// No target of the group is healthy: the load balancer sends to every target.
    case failOpen(targetGroup: String, loadBalancer: String)
    /// Targets registered in zones the load balancer has no node in get nothing.
    case targetsOutsideZones(count: Int, targetGroup: String, loadBalancer: String, zones: [String])
    /// A transit gateway's entry zone is not determined, and every candidate zone gives the
    /// same verdict (each candidate's disposition, in the choice's order).
    case transitGatewayZonesAgree(TransitGatewayZoneChoice, dispositions: [Disposition])
    /// The VPC CNI network policy agent and the Kubernetes spec reach different verdicts on the
    /// flow; the declared enforcer's decides it.
    case policyEnforcersDisagree(PolicyOutcome)
    /// Security Groups for Pods, strict mode: a NodePort or load balancer instance target of a
    /// Service with `externalTrafficPolicy: Local` led to a pod with a branch ENI, which the
    /// VPC CNI does not support ("namespace/name" of each).
    case branchPodLocalTrafficPolicy(service: String, pod: String)
    /// A Fargate pod's flow to a Service: kube-proxy in its micro-VM translated the cluster IP
    /// to one of `of` ready endpoints before the packet left the pod's ENI.
    case fargateKubeProxy(pod: String, service: String, clusterIP: IPAddress, port: UInt16, endpoint: IPAddress, endpointPort: UInt16, of: Int)
    /// NetworkPolicies select a Fargate pod of the flow in that direction, but the VPC CNI's
    /// network policy agent does not run on Fargate: nothing enforces them there.
    case fargatePolicyNotEnforced(pod: String, profile: String, side: Caveat.Side, policies: [String])
}

/// Whose address a load balancer's target sees as the source, and where the client's went.
public struct SourceAtTarget: Sendable {
    public enum Whose: Sendable {
        case loadBalancerNode(LoadBalancer.Kind, zone: String)
        case client
        /// A node's address: kube-proxy masquerades NodePort traffic it may send to another node.
        case nodeMasquerade(String)
        case address(IPAddress)
    }
    public enum Client: Sendable {
        case forwardedFor(IPAddress)
        case proxyProtocol(IPAddress)
        case lost(IPAddress)
    }
    public var whose: Whose
    public var client: Client? = nil
}

/// A place on the wire a capture could watch, met by the walk (no MACs or labels: those are
/// found afterwards, from the fabric).
public enum WireEvent: Sendable {
    /// The pod's own eth0: leaving it (`outbound`) or arriving.
    case podEth0(pod: IPAddress, outbound: Bool)
    /// The host side of the pod's veth on its node.
    case vethHost(node: String, pod: IPAddress, outbound: Bool)
    /// Leaving an interface (`neighbour`: straight to that interface in the same subnet).
    case interfaceOut(Int, neighbour: Int?)
    case interfaceIn(Int)
    /// On the internet, past the VPC's internet gateway.
    case internetEgress(vpc: String, gateway: ObjectRef?)
    /// On the internet, toward a public address (the VPC that owns it, if any).
    case internetIngress(vpc: String?)
}

/// A wire event with the packet as it is there.
public struct WireRecord: Sendable {
    public var event: WireEvent
    public var packet: Packet
    /// Which TCP connection the packet is on: 0 the client's, 1 an ALB's own to the target.
    public var connection: Int
    /// Something dropped the packet before this point (the walk goes on to find every block,
    /// but no capture would see it).
    public var afterBlock: Bool
}

extension Subnet {
    /// The subnet as a place or step names it.
    public var ref: ObjectRef { ObjectRef(id: id, name: name) }
}

extension FabricIndex {
    /// Subnet `name` by its ID and name (an empty ID when the fabric has no such subnet).
    public func subnetRef(_ name: String) -> ObjectRef { ObjectRef(id: subnetEntries[name]?.subnet.id ?? "", name: name) }
    /// Node `name` by its instance ID and name (an empty ID when the cluster has no such node).
    public func nodeRef(_ name: String) -> ObjectRef { ObjectRef(id: nodeByName[name]?.instanceID ?? "", name: name) }
}

/// A virtual private gateway's decision on a packet.
public struct VPNGatewayHop: Sendable {
    public enum Way: Sendable {
        /// To external network `external` by its advertised `prefix` over its link.
        case toExternal(String, prefix: IPv4CIDR, connection: External.Connection, routing: External.Routing)
        /// Into the VPC it is attached to (the destination is in the VPC's blocks).
        case intoVPC(String)
        /// No advertised prefix covers the destination and it is outside the VPC.
        case noRoute
    }
    public var gateway: ObjectRef
    public var destination: IPAddress
    public var way: Way
    public init(gateway: ObjectRef, destination: IPAddress, way: Way) { self.gateway = gateway; self.destination = destination; self.way = way }
}

/// The firewall in front of an external network on one packet.
public struct ExternalFirewallMatch: Sendable {
    public var external: String
    public var firewall: String
    public var direction: ExternalFirewall.Direction
    public var allowed: Bool
    /// 0-based index of the first matching rule; nil: no rule matched (the default).
    public var rule: Int?
    /// How many rules the direction has (0: it passes everything).
    public var ruleCount: Int
    /// The matched rule as written (`allow tcp 443 from 10.0.0.0/16`), when one matched.
    public var ruleText: String?
    /// A reply passing by the firewall's state for the flow it let through.
    public var tracked: Bool
    public var packet: Packet
    public var location: SourceLocation?
    public init(external: String, firewall: String, direction: ExternalFirewall.Direction, allowed: Bool, rule: Int?, ruleCount: Int,
                ruleText: String?, tracked: Bool, packet: Packet, location: SourceLocation?) {
        self.external = external; self.firewall = firewall; self.direction = direction; self.allowed = allowed; self.rule = rule
        self.ruleCount = ruleCount; self.ruleText = ruleText; self.tracked = tracked; self.packet = packet; self.location = location
    }
}

/// An external network's route back toward AWS for one address.
public struct ReturnRouteCheck: Sendable {
    public var external: String
    public var destination: IPAddress
    public var basis: ReturnRoutes.Basis
    public var routes: [IPv4CIDR]
    /// The most specific return route covering the destination; nil: none (the block).
    public var matched: IPv4CIDR?
    /// The packet is a reply (to a flow that left for the network), not a flow the network starts.
    public var reply: Bool
    /// The destination is a pod's own address (it kept its source: no SNAT toward the network).
    public var podAddress: Bool
    public init(external: String, destination: IPAddress, basis: ReturnRoutes.Basis, routes: [IPv4CIDR], matched: IPv4CIDR?,
                reply: Bool = true, podAddress: Bool = true) {
        self.external = external; self.destination = destination; self.basis = basis; self.routes = routes; self.matched = matched
        self.reply = reply; self.podAddress = podAddress
    }
}
