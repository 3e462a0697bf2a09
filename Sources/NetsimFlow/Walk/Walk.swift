import NetsimKube
import NetsimModel
import NetsimVPC

// One walk, in one direction: a read-only context, the flow's state, and a recorder; the
// stages a pipeline orders at each position; one loop that drives them.

/// What a walk reads and never changes.
public struct WalkContext: Sendable {
    public let fabric: FabricIndex
    let datapaths: DatapathCache?
    let health: HealthCache?
    public let direction: Explanation.Direction
    /// A reply: security groups pass it as a tracked connection, conntrack undoes translations.
    public let isReply: Bool
    /// The ALB request's host and path.
    public let http: HTTPRequest?
    /// The zone a transit gateway enters a VPC through when the sender's zone does not decide
    /// it, by `TransitGatewayZoneChoice.key` (for tracing each candidate zone).
    let entryZones: [String: String]
    /// The interface the flow started from (a reply to it ends there, even at a NAT gateway
    /// or a load balancer node that opened it, as a replayed capture has them do).
    public let originInterface: Int?
    /// Replies: the client's port range.
    public let clientPorts: ClosedRange<UInt16>?
    /// The forward walk's endpoints (where `originate` starts).
    public let source: ResolvedEndpoint?
    public let destination: ResolvedEndpoint?
    let pipeline: Pipeline
    /// The cluster's NetworkPolicy enforcement (nil: nothing enforces policies that could
    /// decide a flow).
    var policy: PolicyEnforcement? = nil
    /// `--at-start`: which pods of the flow have just started.
    var podStart: PodStart? = nil
}

/// A translation a gateway made, so the reply can be translated back.
struct Session: Sendable {
    /// `node`: a node's conntrack entry (kube-proxy's DNAT, its masquerade, the VPC CNI's SNAT).
    /// `eigw`: an IPv6 connection out through an egress-only internet gateway (no translation;
    /// its replies may come back in).
    enum Kind { case nat(String), igw, node(String), loadBalancer(Int), eigw(String) }
    var kind: Kind
    /// The translated address and port the reply is sent to …
    var outside: (IPAddress, UInt16)
    /// … and where it goes back to.
    var inside: (IPAddress, UInt16)
    /// The ports the translation may pick (1024–65535 for NAT gateways and the CNI's SNAT).
    var outsideRange: ClosedRange<UInt16>? = nil
    var reversed = false
    /// Load balancer entries: the NLB kept the client's address.
    var preserved = false
    /// Node entries: the destination before and after DNAT.
    var originalDestination: (IPAddress, UInt16)? = nil
    var translatedDestination: (IPAddress, UInt16)? = nil
    /// The connection's mark (the VPC CNI's 0x80 routes its replies by the main table).
    var connmark: UInt32 = 0
}

/// Where a packet enters a node's datapath.
public enum NodeOrigin: Sendable {
    /// A pod of the node with this address: enters the host on the pod's veth.
    case pod(IPAddress)
    /// The node's own stack (host processes, hostNetwork pods).
    case host
    /// Arrives from the VPC on this ENI (`eth0`, `eth1`, …).
    case wire(String)
}

/// Where a node's datapath sends a packet.
public enum NodeExit: Sendable {
    /// To a pod of this node (its veth).
    case pod(IPAddress)
    /// To the node itself.
    case host
    /// Out of an ENI: the fabric's interface index.
    case eni(Int)
    /// Rejected, dropped or unroutable here (recorded).
    case stopped
}

/// The flow as it goes: the packet, the translations to undo, what was chosen and where it ended.
public struct FlowState: Sendable {
    public var packet: Packet
    /// How the walk ended (its last step).
    public var end: Disposition?
    var sessions: [Session] = []
    var visited = VisitSet()
    /// Routing decisions taken, to end pathological chains (a very long chain of appliances).
    var decisions = 0
    /// The interface the packet goes straight to from the interface it leaves (same subnet),
    /// found once per interface for the packet's destination.
    var neighbourFound: (from: Int, destination: IPAddress, to: Int?)? = nil
    /// Set once an appliance has forwarded the packet: security-group references no longer
    /// match the original sender (SG_REFERENCES_NOT_PRESERVED).
    var identityLost = false
    /// The packet entered this VPC from a transit gateway attachment.
    var viaTransitGateway = false
    /// How kube-proxy's random branches are taken (nil: drawn from the flow and the topology's seed).
    var branchChoice: BranchChoice? = nil
    /// The endpoints the first random DNAT could pick, with their chances.
    var choices: [EndpointChoice] = []
    /// Who made that choice, when not kube-proxy (a load balancer).
    var choiceBy: EndpointChoice.Chooser = .kubeProxy
    /// A packet a load balancer forwarded: its source and the load balancer's groups, which
    /// security-group references on the target match (an NLB that keeps the client's address).
    var lbIdentity: (IPAddress, [String])? = nil
    var lbLeg: LoadBalancerLeg? = nil
    /// Which TCP connection the packet is on: 0 the client's, 1 an ALB's own to the target.
    public var connection = 0
    /// kube-proxy's REJECT answered the client with an ICMP port unreachable.
    var rejectedWithICMP = false
    /// What an ALB answered itself.
    var response: HTTPResponse? = nil
    var deliveredAt: Int?
    /// Delivered to a pod or the node itself: where the reply starts.
    var deliveredOnNode: (String, NodeOrigin)? = nil
    enum Exit { case internet, external(External, ExternalGateway), endpoint(String, VPC) }
    var exitedVia: Exit?
    /// Where a transit gateway's zone was not determined and the candidates' route tables differ.
    var zoneChoices: [TransitGatewayZoneChoice] = []
    /// Transit gateway appliance mode: the zone the forward packet entered each appliance VPC
    /// attachment by ("TGW/ATTACHMENT"), which the reply keeps.
    var applianceZones: [String: String] = [:]
    /// The stateful appliances (interface indices) the forward packet crossed.
    var appliancesSeen: Set<Int> = []
    /// The attachment a packet handed over by a peered transit gateway enters by.
    var transitGatewayEntry: (transitGateway: String, attachment: String)? = nil
    /// The end the walk reports whatever happens after (the internet reaching a private address:
    /// the walk goes on to find every other block, but the verdict is no route).
    var endOverride: Disposition? = nil
    /// The source pod (its index in the policy world) whose egress the spec's semantics judge
    /// after the node's DNAT, where Calico- or Cilium-style enforcement sees it.
    var pendingSpecEgress: Int? = nil
    /// Every policy decision of the walk: by the declared enforcer (`enforced`) or by the
    /// other semantics, asked for the comparison.
    var policyEnforced: [PolicyVerdict] = []
    var policyOther: [PolicyVerdict] = []
    /// A reply walk: the forward walk's enforced decisions (their pods and policies), which the
    /// replies pass by conntrack.
    var forwardPolicies: [PolicyVerdict] = []
    /// The subnet and transit gateway last looked up (a walk asks for each several times in a
    /// row: its network ACL, then its route table; a gateway's tables, then its subnets).
    var lastSubnet: SubnetEntry? = nil
    var lastTransitGateway: CompiledTransitGateway? = nil

    init(packet: Packet) { self.packet = packet }
}

/// What the walk found: the hops with their steps, the blocks, notes, and the wire events.
public struct Recorder: Sendable {
    public internal(set) var hops: [Hop] = []
    public internal(set) var explanations: [Explanation] = []
    public internal(set) var notes: [TraceNote] = []
    public internal(set) var wire: [WireRecord] = []

    /// A step at a place (merged into the last hop when it is the same place).
    public mutating func hop(_ place: consuming Place, _ step: consuming Step) {
        // The last hop is compared and extended in place (no copy of it and its steps).
        let n = hops.count
        if n > 0, hops[n - 1].place == place { hops[n - 1].steps.append(step); return }
        if hops.capacity == 0 { hops.reserveCapacity(24) }
        hops.append(Hop(place: place, steps: [step]))
    }

    public mutating func hop(_ place: consuming Place, _ steps: consuming [Step]) {
        let n = hops.count
        if n > 0, hops[n - 1].place == place { hops[n - 1].steps += steps; return }
        if hops.capacity == 0 { hops.reserveCapacity(24) }
        hops.append(Hop(place: place, steps: steps))
    }

    /// A block: the walk goes on past it (to find every other), the verdict keeps it.
    public mutating func block(_ code: ExplanationCode, _ d: Disposition, direction: Explanation.Direction, component: String, _ reason: BlockReason,
                               at loc: SourceLocation? = nil) {
        explanations.append(Explanation(code: code, direction: direction, disposition: d, component: component, detail: reason, location: loc))
    }

    /// The packet at a place a capture could watch.
    public mutating func observe(_ e: WireEvent, packet: Packet, connection: Int) {
        wire.append(WireRecord(event: e, packet: packet, connection: connection, afterBlock: !explanations.isEmpty))
    }
}

/// Where the walk is: each position has its ordered stages (`Pipeline`).
public enum Position: Sendable {
    /// Where the flow starts (the forward walk: the context's source, toward its destination).
    case originate
    /// Where the reply starts: where the forward walk delivered or left.
    case originateReply
    /// A pod's veth on the way out (before the node's netfilter): a NetworkPolicy's egress rules go here.
    case podEgress(node: String, pod: IPAddress)
    /// A node's datapath: netfilter and policy routing.
    case node(String, NodeOrigin)
    /// The pod's veth on the way in (the node routed to it): a NetworkPolicy's ingress rules go here.
    case podIngress(node: String, pod: IPAddress)
    /// Delivered to a pod or the node itself.
    case deliverOnNode(String, NodeExit)
    /// Leaving an interface (`originating`: the packet's own sender, or an appliance or load
    /// balancer forwarding it).
    case interfaceEgress(Int, originating: Bool)
    /// Leaving a subnet (by name: names are unique in a topology): its network ACL, then its route table.
    case subnetEgress(String)
    case routeTable(String)
    /// The VPC's `local` route: to the interface that has the address.
    case localDelivery(vpc: String, fromSubnet: String?)
    /// Arriving on an interface.
    case arrive(Int)
    case internetGateway(vpc: String)
    /// On the internet, toward a public address.
    case internet
    case natGateway(String, fromSubnet: String)
    /// A reply at a NAT gateway's address.
    case natReturn(Int)
    case peering(String, fromVPC: String)
    /// A transit gateway, from a subnet's route table (nil: from outside the VPCs).
    case transitGateway(String, fromSubnet: String?)
    case gatewayEndpoint(String, vpc: String)
    /// A route to an appliance's interface.
    case middlebox(String, fromSubnet: String)
    /// A connection at a load balancer node (listener, rules, target group).
    case loadBalancer(Int)
    /// A reply at a load balancer node.
    case loadBalancerReturn(Int)

    public var kind: PositionKind {
        switch self {
        case .originate: .originate
        case .originateReply: .originateReply
        case .podEgress: .podEgress
        case .node: .node
        case .podIngress: .podIngress
        case .deliverOnNode: .deliverOnNode
        case .interfaceEgress: .interfaceEgress
        case .subnetEgress: .subnetEgress
        case .routeTable: .routeTable
        case .localDelivery: .localDelivery
        case .arrive: .arrive
        case .internetGateway: .internetGateway
        case .internet: .internet
        case .natGateway: .natGateway
        case .natReturn: .natReturn
        case .peering: .peering
        case .transitGateway: .transitGateway
        case .gatewayEndpoint: .gatewayEndpoint
        case .middlebox: .middlebox
        case .loadBalancer: .loadBalancer
        case .loadBalancerReturn: .loadBalancerReturn
        }
    }
}

public enum PositionKind: Int, Sendable, CaseIterable {
    case originate, originateReply, podEgress, node, podIngress, deliverOnNode, interfaceEgress, subnetEgress, routeTable,
         localDelivery, arrive, internetGateway, internet, natGateway, natReturn, peering, transitGateway, gatewayEndpoint,
         middlebox, loadBalancer, loadBalancerReturn
}

/// What a stage says happens next.
public enum StageResult: Sendable {
    /// Run the next stage at this position.
    case next
    /// Go on at another position.
    case move(Position)
    /// The walk ends here (recorded).
    case stop
}

/// A stage of the walk: at a position, it reads the context, may change the flow and record
/// what it decided, and says what happens next. A new kind of check (a NetworkPolicy at a pod's
/// veth, a branch ENI's security groups) is one type conforming to this, and one line in
/// `Pipeline.standard` (or `inserting`).
public protocol WalkStage: Sendable {
    func run(at position: Position, context: WalkContext, state: inout FlowState, recorder: inout Recorder) -> StageResult
}

/// netsim's own stages, in the order `Pipeline.standard` runs them.
public enum BuiltinStage: Sendable, CaseIterable {
    case originate, originateReply
    /// The pod's eth0 and the host side of its veth (wire events), on the way out.
    case podVethEgress
    /// The source pod's egress program on its host veth (the VPC CNI agent: before DNAT).
    case networkPolicyEgress
    /// The spec's egress check of the source pod, after the node's DNAT (Calico- or
    /// Cilium-style enforcement, and the comparison).
    case networkPolicyEgressAfterDNAT
    /// The destination pod's ingress program on its host veth (after DNAT and SNAT).
    case networkPolicyIngress
    /// The node's netfilter (mangle, nat, filter) and policy routing.
    case nodeNetfilterAndRouting
    /// The host side of the pod's veth, on the way in.
    case podVethIngress
    case deliverOnNode
    /// Leaving an interface: the wire, source/destination check, security groups, then the
    /// neighbour in the subnet or the subnet's router.
    case interfaceOut, sourceDestCheck, securityGroupsEgress, leaveInterface
    case networkACLOutbound, routeTable, localDelivery
    /// Arriving on an interface: source/destination check and security groups, then what owns it.
    case interfaceIngress, interfaceOwner
    case internetGatewayEgress, fromInternet, natGateway, natReturn, peering, transitGateway, gatewayEndpoint, middlebox
    /// Listener, rules, target group and target; the reply back through it.
    case loadBalancer, loadBalancerReturn
}

/// A stage as a pipeline holds it: netsim's own (dispatched without existentials) or another.
public enum Stage: Sendable {
    case builtin(BuiltinStage)
    case custom(any WalkStage)
}

/// The ordered stages at each kind of position.
public struct Pipeline: Sendable {
    var stages: [[Stage]]

    public init(_ table: [PositionKind: [Stage]]) {
        stages = PositionKind.allCases.map { table[$0] ?? [] }
    }

    public func stages(at kind: PositionKind) -> [Stage] { stages[kind.rawValue] }

    /// Adds a stage at a kind of position: first (before netsim's own), or after a builtin one.
    public func inserting(_ stage: any WalkStage, at kind: PositionKind, after builtin: BuiltinStage? = nil) -> Pipeline {
        var p = self
        var list = p.stages[kind.rawValue]
        if let builtin, let i = list.firstIndex(where: { if case .builtin(let b) = $0 { return b == builtin }; return false }) {
            list.insert(.custom(stage), at: i + 1)
        } else {
            list.insert(.custom(stage), at: 0)
        }
        p.stages[kind.rawValue] = list
        return p
    }

    /// netsim's walk. Each line is a kind of position and its stages in order; a stage that says
    /// `.next` hands over to the one after it.
    public static let standard = Pipeline([
        .originate: [.builtin(.originate)],
        .originateReply: [.builtin(.originateReply)],
        .podEgress: [.builtin(.podVethEgress), .builtin(.networkPolicyEgress)],
        .node: [.builtin(.nodeNetfilterAndRouting)],
        .podIngress: [.builtin(.networkPolicyEgressAfterDNAT), .builtin(.networkPolicyIngress), .builtin(.podVethIngress)],
        .deliverOnNode: [.builtin(.networkPolicyEgressAfterDNAT), .builtin(.deliverOnNode)],
        .interfaceEgress: [.builtin(.networkPolicyEgressAfterDNAT), .builtin(.interfaceOut), .builtin(.sourceDestCheck), .builtin(.securityGroupsEgress), .builtin(.leaveInterface)],
        .subnetEgress: [.builtin(.networkACLOutbound)],
        .routeTable: [.builtin(.routeTable)],
        .localDelivery: [.builtin(.localDelivery)],
        .arrive: [.builtin(.interfaceIngress), .builtin(.interfaceOwner)],
        .internetGateway: [.builtin(.internetGatewayEgress)],
        .internet: [.builtin(.fromInternet)],
        .natGateway: [.builtin(.natGateway)],
        .natReturn: [.builtin(.natReturn)],
        .peering: [.builtin(.peering)],
        .transitGateway: [.builtin(.transitGateway)],
        .gatewayEndpoint: [.builtin(.gatewayEndpoint)],
        .middlebox: [.builtin(.middlebox)],
        .loadBalancer: [.builtin(.loadBalancer)],
        .loadBalancerReturn: [.builtin(.loadBalancerReturn)],
    ])
}

/// The state of one walk in one direction: the context, the flow and the recorder, driven by
/// `run(from:)`. netsim's own stages are methods on it (reading `ctx`, changing `state`,
/// writing to `rec` through the names below).
struct Walk {
    let ctx: WalkContext
    var state: FlowState
    var rec: Recorder
    static let maxDecisions = 64

    init(context: WalkContext, packet: Packet) {
        ctx = context; state = FlowState(packet: packet); rec = Recorder()
        rec.wire.reserveCapacity(16)
    }

    /// The one loop: each position's stages in order, until one stops the walk or a position
    /// has no stage left (nothing more happens).
    mutating func run(from start: Position) {
        var position = start
        walk: while true {
            let stages = ctx.pipeline.stages[position.kind.rawValue]
            var result = StageResult.stop
            for stage in stages {
                switch stage {
                case .builtin(let b): result = runBuiltin(b, at: position)
                case .custom(let s): result = s.run(at: position, context: ctx, state: &state, recorder: &rec)
                }
                if case .next = result { continue }
                break
            }
            switch result {
            case .move(let p): position = p
            case .next, .stop: break walk
            }
        }
        if let o = state.endOverride { state.end = o }
    }

    mutating func runBuiltin(_ b: BuiltinStage, at p: Position) -> StageResult {
        switch (b, p) {
        case (.originate, .originate):
            guard let src = ctx.source, let dst = ctx.destination else { return .stop }
            return start(src, dst)
        case (.originateReply, .originateReply): return startReply()
        case (.podVethEgress, .podEgress(let node, let pod)): return podVethEgress(node, pod)
        case (.networkPolicyEgress, .podEgress(let node, let pod)): return networkPolicyEgress(node, pod)
        case (.networkPolicyEgressAfterDNAT, _): return networkPolicyEgressAfterDNAT()
        case (.networkPolicyIngress, .podIngress(_, let pod)): return networkPolicyIngress(pod)
        case (.nodeNetfilterAndRouting, .node(let name, let origin)): return afterNode(name, nodeStage(name, origin: origin))
        case (.podVethIngress, .podIngress(let node, let pod)): return podVethIngress(node, pod)
        case (.deliverOnNode, .deliverOnNode(let node, let exit)): return deliverOnNode(node, exit)
        case (.interfaceOut, .interfaceEgress(let i, _)): return interfaceOut(i)
        case (.sourceDestCheck, .interfaceEgress(let i, let originating)): return sourceDestCheckEgress(i, originating: originating)
        case (.securityGroupsEgress, .interfaceEgress(let i, _)): return securityGroupsEgress(i)
        case (.leaveInterface, .interfaceEgress(let i, _)): return leaveInterface(i)
        case (.networkACLOutbound, .subnetEgress(let name)):
            guard let e = subnetEntry(name) else { return .stop }
            networkACL(e, .outbound)
            return .move(.routeTable(name))
        case (.routeTable, .routeTable(let name)):
            guard let e = subnetEntry(name) else { return .stop }
            return route(e)
        case (.localDelivery, .localDelivery(let name, let from)):
            guard let e = f.vpcEntries[name] else { return .stop }
            return localDelivery(e, from: from)
        case (.interfaceIngress, .arrive(let d)): return interfaceIngress(d)
        case (.interfaceOwner, .arrive(let d)): return interfaceOwner(d)
        case (.internetGatewayEgress, .internetGateway(let name)):
            guard let e = f.vpcEntries[name] else { return .stop }
            return internetGatewayEgress(vpc: e.vpc)
        case (.fromInternet, .internet): return fromInternet()
        case (.natGateway, .natGateway(let name, let from)): return natGateway(name, from: from)
        case (.natReturn, .natReturn(let d)): return natReceive(d)
        case (.peering, .peering(let name, let from)):
            guard let e = f.vpcEntries[from] else { return .stop }
            return peering(name, from: e.vpc)
        case (.transitGateway, .transitGateway(let name, let from)):
            guard let t = transitGatewayEntry(name) else { return .stop }
            guard let from else { return transitGateway(t.tgw, from: nil, subnet: nil) }
            guard let e = subnetEntry(from) else { return .stop }
            return transitGateway(t.tgw, from: e.vpc, subnet: e.subnet)
        case (.gatewayEndpoint, .gatewayEndpoint(let name, let vpcName)):
            guard let e = f.vpcEntries[vpcName] else { return .stop }
            return gatewayEndpoint(name, vpc: e.vpc)
        case (.middlebox, .middlebox(let name, let from)): return middlebox(name, from: from)
        case (.loadBalancer, .loadBalancer(let d)): return loadBalancerStage(d)
        case (.loadBalancerReturn, .loadBalancerReturn(let d)): return loadBalancerReturn(d)
        default: return .next
        }
    }

    // MARK: the names netsim's stages use

    var f: FabricIndex { ctx.fabric }
    var direction: Explanation.Direction { ctx.direction }
    var session: Bool { ctx.isReply }
    var datapaths: DatapathCache? { ctx.datapaths }
    var http: HTTPRequest? { ctx.http }
    var clientPorts: ClosedRange<UInt16>? { ctx.clientPorts }
    var originInterface: Int? { ctx.originInterface }
    var entryZones: [String: String] { ctx.entryZones }
    var packet: Packet { get { state.packet } _modify { yield &state.packet } }
    var end: Disposition? { get { state.end } _modify { yield &state.end } }
    var sessions: [Session] { get { state.sessions } _modify { yield &state.sessions } }
    var visited: VisitSet { get { state.visited } _modify { yield &state.visited } }
    var decisions: Int { get { state.decisions } _modify { yield &state.decisions } }
    var identityLost: Bool { get { state.identityLost } _modify { yield &state.identityLost } }
    var viaTransitGateway: Bool { get { state.viaTransitGateway } _modify { yield &state.viaTransitGateway } }
    var branchChoice: BranchChoice? { get { state.branchChoice } _modify { yield &state.branchChoice } }
    var choices: [EndpointChoice] { get { state.choices } _modify { yield &state.choices } }
    var choiceBy: EndpointChoice.Chooser { get { state.choiceBy } _modify { yield &state.choiceBy } }
    var lbIdentity: (IPAddress, [String])? { get { state.lbIdentity } _modify { yield &state.lbIdentity } }
    var lbLeg: LoadBalancerLeg? { get { state.lbLeg } _modify { yield &state.lbLeg } }
    var connection: Int { get { state.connection } _modify { yield &state.connection } }
    var rejectedWithICMP: Bool { get { state.rejectedWithICMP } _modify { yield &state.rejectedWithICMP } }
    var response: HTTPResponse? { get { state.response } _modify { yield &state.response } }
    var deliveredAt: Int? { get { state.deliveredAt } _modify { yield &state.deliveredAt } }
    var deliveredOnNode: (String, NodeOrigin)? { get { state.deliveredOnNode } _modify { yield &state.deliveredOnNode } }
    var exitedVia: FlowState.Exit? { get { state.exitedVia } _modify { yield &state.exitedVia } }
    var zoneChoices: [TransitGatewayZoneChoice] { get { state.zoneChoices } _modify { yield &state.zoneChoices } }
    var hops: [Hop] { rec.hops }
    var explanations: [Explanation] { rec.explanations }
    var notes: [TraceNote] { get { rec.notes } _modify { yield &rec.notes } }
    var wire: [WireRecord] { rec.wire }

    mutating func hop(_ place: consuming Place, _ step: consuming Step) { rec.hop(place, step) }
    mutating func hop(_ place: consuming Place, _ steps: consuming [Step]) { rec.hop(place, steps) }

    mutating func block(_ code: ExplanationCode, _ d: Disposition, component: String, _ reason: BlockReason, at loc: SourceLocation? = nil) {
        rec.block(code, d, direction: ctx.direction, component: component, reason, at: loc)
    }

    /// The last step of a walk: recorded, and the walk's end unless one was set before.
    mutating func finish(_ d: Disposition, place: consuming Place, _ action: Step.Action, _ detail: consuming StepDetail, component: String? = nil, at loc: SourceLocation? = nil) {
        rec.hop(place, Step(action, detail, component: component, location: loc))
        if state.end == nil { state.end = d }
    }

    mutating func observe(_ e: WireEvent) { rec.observe(e, packet: state.packet, connection: state.connection) }

    /// The walk back: the reply to what this walk delivered, with its sessions (translations
    /// to undo, connections the security groups track) and where it started.
    func replyWalk(clientPorts: ClosedRange<UInt16>?) -> Walk {
        let c = WalkContext(fabric: ctx.fabric, datapaths: ctx.datapaths, health: ctx.health, direction: .reply, isReply: true, http: ctx.http,
                            entryZones: ctx.entryZones, originInterface: ctx.originInterface, clientPorts: clientPorts, source: nil, destination: nil,
                            pipeline: ctx.pipeline, policy: ctx.policy, podStart: ctx.podStart)
        var r = Walk(context: c, packet: state.packet.reversed)
        r.state.connection = state.connection
        r.state.sessions = state.sessions
        r.state.deliveredOnNode = state.deliveredOnNode
        r.state.deliveredAt = state.deliveredAt
        r.state.exitedVia = state.exitedVia
        r.state.forwardPolicies = state.policyEnforced
        r.state.applianceZones = state.applianceZones
        r.state.appliancesSeen = state.appliancesSeen
        return r
    }
}
