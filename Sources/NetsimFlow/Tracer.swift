import NetsimIPAM
import NetsimKube
import NetsimModel
import NetsimVPC
import Synchronization

/// Where a flow starts or ends, resolved against the realized cluster.
public struct ResolvedEndpoint: Sendable {
    public enum Place: Sendable {
        /// An interface: a pod (on its node's ENI), a node, an external host, a declared interface.
        case interface(Int)
        /// A host on the internet.
        case internet
        /// An address inside an external network (on-premises, a partner) reached through `via`.
        case externalNetwork(External)
        /// A Service's cluster IP: kube-proxy's rules on the source's node pick the endpoint.
        case serviceIP(namespace: String, name: String)
    }
    public var place: Place
    public var address: IPv4Address
    /// As the user wrote it, with what it resolved to.
    public var label: String
    /// For pods: the node they run on (the VPC CNI's SNAT happens there).
    public var podNode: String?
}

/// Follows one flow through the VPC fabric: security groups, network ACLs, route tables and
/// their targets (internet and NAT gateways, peering, transit gateways, gateway endpoints,
/// middlebox interfaces), then the reply for TCP and UDP. A block is recorded with its
/// Reachability Analyzer code and the walk goes on as if it had passed, so one trace lists
/// every change a flow needs; routing failures (no route, blackhole, loop) end it.
public struct Tracer: Sendable {
    public let fabric: FabricIndex
    let datapaths: DatapathCache
    let health = HealthCache()

    public init(fabric: FabricIndex) { self.fabric = fabric; datapaths = DatapathCache(fabric: fabric) }

    /// Renders and parses what every node's kube-proxy rules share, which the first trace
    /// through a node would otherwise do (for benchmarks that time set-up apart).
    public func prepareDatapaths() { _ = datapaths.sharedState() }

    /// The node a client reaches by the load balancer's DNS name: the first whose zone has a
    /// healthy target for the listener (any healthy target with cross-zone on; one in its own
    /// zone with it off), as ELB leaves other zones out of DNS; the first node when none has.
    public func dnsNode(_ l: Int, port: UInt16?, protocol p: IPProtocol) -> Int {
        let lb = fabric.loadBalancers[l]
        guard let port, let listener = lb.listener(port: port, protocol: p), case .forward(let i) = listener.defaultAction,
              lb.targetGroups.indices.contains(i) else { return 0 }
        let tg = lb.targetGroups[i]
        let key = l << 16 | i
        let h: [TargetHealth]
        if let cached = health.results.withLock({ $0[key] }) { h = cached } else {
            h = Walk.checkHealth(fabric, datapaths: datapaths, l, i)
            health.results.withLock { $0[key] = h }
        }
        let spanned = Set(lb.nodes.map(\.zone))
        let healthyZones = Set(tg.targets.indices.filter { h.indices.contains($0) && h[$0].healthy && spanned.contains(tg.targets[$0].zone) }.map { tg.targets[$0].zone })
        if healthyZones.isEmpty { return 0 }
        if tg.crossZone { return 0 }
        return lb.nodes.firstIndex { healthyZones.contains($0.zone) } ?? 0
    }

    /// The iptables interpreter a trace uses on `node` (built the first time it is asked for).
    public func nodeInterpreter(_ node: String) -> IPTablesInterpreter? { datapaths.get(node)?.interpreter }

    /// `clientPorts`: the range the client's source port is drawn from (a reply must be let back
    /// in on every port of it, since the client may pick any).
    public func trace(from src: ResolvedEndpoint, to dst: ResolvedEndpoint, packet: Packet,
                      clientPorts: ClosedRange<UInt16>? = nil, choice: BranchChoice? = nil, http: HTTPRequest? = nil, capture: Bool = false,
                      entryZones: [String: String] = [:]) -> Trace {
        var w = Walk(f: fabric, direction: .forward, packet: packet)
        w.entryZones = entryZones
        if case .interface(let i) = src.place { w.originInterface = i }
        w.datapaths = datapaths
        w.health = health
        w.http = http
        w.branchChoice = choice
        w.start(src, dst)
        let forwardEnd = w.end ?? .noRoute
        var explanations = w.explanations
        var forward = PathTrace(end: forwardEnd, hops: w.hops, finalPacket: w.packet)
        forward.wire = w.wire
        if capture { forward.captures = CapturePoints.points(forward.wire, fabric: fabric, datapaths: datapaths) }
        var reply: PathTrace? = nil
        let routedBlock = explanations.contains { [.noRoute, .nullRouted, .loop].contains($0.disposition) }
        let echo = packet.ipProtocol == .icmp && packet.icmpType == 8
        if packet.hasPorts || echo, forwardEnd.isSuccess, !routedBlock {
            var r = w.replyWalk(clientPorts: clientPorts)
            r.startReply(forwardEnd: forwardEnd, deliveredAt: w.deliveredAt, exitedVia: w.exitedVia, original: src)
            explanations += r.explanations
            reply = PathTrace(end: r.end ?? .noRoute, hops: r.hops, finalPacket: r.packet)
            reply?.wire = r.wire
            // A packet dropped on the way there is never answered.
            if capture, w.explanations.isEmpty { reply?.captures = CapturePoints.points(r.wire, fabric: fabric, datapaths: datapaths) }
        }
        let disposition = explanations.first?.disposition ?? (reply.map { $0.end.isSuccess ? forwardEnd : $0.end } ?? forwardEnd)
        var t = Trace(source: src.label, destination: dst.label, packet: packet, disposition: disposition, forward: forward,
                      reply: reply, explanations: explanations, notes: w.notes)
        t.choices = w.choices.map { (target: $0.0, probability: $0.1) }
        t.rejectedWithICMP = w.rejectedWithICMP
        t.choiceBy = w.choiceKind
        t.loadBalancer = w.lbLeg
        t.response = w.response
        if w.lbLeg != nil, forwardEnd == .delivered { t.sourceIpAtTarget = w.packet.source; t.sourceIpNote = w.sourceNote(w.packet.source) }
        if case .branch(let k) = choice { t.path = k }
        t.zoneChoices = w.zoneChoices
        return t
    }
}

/// A translation a gateway made, so the reply can be translated back.
struct Session: Sendable {
    /// `node`: a node's conntrack entry (kube-proxy's DNAT, its masquerade, the VPC CNI's SNAT).
    enum Kind { case nat(String), igw, node(String), loadBalancer(Int) }
    var kind: Kind
    /// The translated address and port the reply is sent to …
    var outside: (IPv4Address, UInt16)
    /// … and where it goes back to.
    var inside: (IPv4Address, UInt16)
    /// The ports the translation may pick (1024–65535 for NAT gateways and the CNI's SNAT).
    var outsideRange: ClosedRange<UInt16>? = nil
    var reversed = false
    /// Load balancer entries: the NLB kept the client's address.
    var preserved = false
    /// Node entries: the destination before and after DNAT.
    var originalDestination: (IPv4Address, UInt16)? = nil
    var translatedDestination: (IPv4Address, UInt16)? = nil
    /// The connection's mark (the VPC CNI's 0x80 routes its replies by the main table).
    var connmark: UInt32 = 0
}

/// The state of one walk in one direction.
struct Walk {
    let f: FabricIndex
    let direction: Explanation.Direction
    var packet: Packet
    var hops: [Hop] = []
    var explanations: [Explanation] = []
    var notes: [String] = []
    var end: Disposition?
    /// Replies pass security groups as tracked connections.
    var session = false
    var sessions: [Session] = []
    var visited = Set<VisitKey>()
    /// Routing decisions taken, to end pathological chains (a very long chain of appliances).
    var decisions = 0
    static let maxDecisions = 64
    /// Set once an appliance has forwarded the packet: security-group references no longer
    /// match the original sender (SG_REFERENCES_NOT_PRESERVED).
    var identityLost = false
    /// The packet entered this VPC from a transit gateway attachment.
    var viaTransitGateway = false
    /// Replies: the client's port range.
    var clientPorts: ClosedRange<UInt16>? = nil
    var datapaths: DatapathCache? = nil
    /// How kube-proxy's random branches are taken (nil: drawn from the flow and the topology's seed).
    var branchChoice: BranchChoice? = nil
    /// The endpoints the first random DNAT could pick, with their chances.
    var choices: [(String, Double)] = []
    /// Who made that choice, when not kube-proxy (a load balancer).
    var choiceKind: String? = nil
    /// The ALB request's host and path.
    var http: HTTPRequest? = nil
    /// A packet a load balancer forwarded: its source and the load balancer's groups, which
    /// security-group references on the target match (an NLB that keeps the client's address).
    var lbIdentity: (IPv4Address, [String])? = nil
    var lbLeg: LoadBalancerLeg? = nil
    var health: HealthCache? = nil
    /// The places a capture could watch, met on the way; which TCP connection the packet is on.
    var wire: [WireRecord] = []
    var connection = 0
    /// The interface the flow started from (a reply to it ends there, even at a NAT gateway
    /// or a load balancer node that opened it, as a replayed capture has them do).
    var originInterface: Int? = nil
    /// kube-proxy's REJECT answered the client with an ICMP port unreachable.
    var rejectedWithICMP = false
    /// What an ALB answered itself.
    var response: HTTPResponse? = nil
    var deliveredAt: Int?
    /// Delivered to a pod or the node itself: where the reply starts.
    var deliveredOnNode: (String, NodeOrigin)? = nil
    enum Exit { case internet, external(External, TransitGateway), endpoint(String, VPC) }
    var exitedVia: Exit?
    /// The zone a transit gateway enters a VPC through when the sender's zone does not decide
    /// it, by `TransitGatewayZoneChoice.key` (for tracing each candidate zone).
    var entryZones: [String: String] = [:]
    /// Where that zone was not determined and the candidates' route tables differ.
    var zoneChoices: [TransitGatewayZoneChoice] = []

    init(f: FabricIndex, direction: Explanation.Direction, packet: Packet) {
        self.f = f; self.direction = direction; self.packet = packet
    }

    /// The walk back: the reply to what this walk delivered, with its sessions (translations
    /// to undo, connections the security groups track) and where it started.
    func replyWalk(clientPorts: ClosedRange<UInt16>?) -> Walk {
        var r = Walk(f: f, direction: .reply, packet: packet.reversed)
        r.datapaths = datapaths
        r.health = health
        r.connection = connection
        r.originInterface = originInterface
        r.sessions = sessions
        r.session = true
        r.clientPorts = clientPorts
        r.deliveredOnNode = deliveredOnNode
        return r
    }

    /// A reply to a connection interface `d` opened itself (a NAT gateway's or a load balancer
    /// node's own packet, as a replayed capture or a health check has them) ends there.
    mutating func endsAtOrigin(_ d: Int) -> Bool {
        let iface = f.interfaces[d]
        guard session, originInterface == d, packet.destination == iface.primaryIP else { return false }
        deliveredAt = d
        finish(.delivered, place: place(d), .delivered, .deliveredToOpener(label: iface.label))
        return true
    }

    // MARK: recording

    mutating func hop(_ place: Place, _ step: Step) {
        if let last = hops.last, last.place == place { hops[hops.count - 1].steps.append(step) } else { hops.append(Hop(place: place, steps: [step])) }
    }

    mutating func hop(_ place: Place, _ steps: [Step]) {
        if let last = hops.last, last.place == place { hops[hops.count - 1].steps += steps } else { hops.append(Hop(place: place, steps: steps)) }
    }

    mutating func block(_ code: ExplanationCode, _ d: Disposition, component: String, _ reason: BlockReason, at loc: SourceLocation? = nil) {
        explanations.append(Explanation(code: code, direction: direction, disposition: d, component: component, detail: reason, location: loc))
    }

    mutating func finish(_ d: Disposition, place: Place, _ action: Step.Action, _ detail: StepDetail, component: String? = nil, at loc: SourceLocation? = nil) {
        hop(place, Step(action, detail, component: component, location: loc))
        if end == nil { end = d }
    }

    /// Records the packet at a place a capture could watch.
    mutating func observe(_ e: WireEvent) {
        wire.append(WireRecord(event: e, packet: packet, connection: connection, afterBlock: !explanations.isEmpty))
    }

    func ref(_ i: Int) -> InterfaceRef {
        let iface = f.interfaces[i]
        return InterfaceRef(index: i, id: iface.id, label: iface.label, address: iface.primaryIP, subnet: iface.subnet)
    }

    func place(_ i: Int) -> Place {
        let iface = f.interfaces[i]
        if iface.kind == .loadBalancer, let l = iface.loadBalancer { return .loadBalancerNode(ref(i), loadBalancer: f.loadBalancers[l].name) }
        return .interface(ref(i))
    }

    // MARK: forward start

    mutating func start(_ src: ResolvedEndpoint, _ dst: ResolvedEndpoint) {
        switch src.place {
        case .interface(let i):
            hop(.endpoint(src.label), Step(.originated, .originate(packet, reply: false), packet: packet))
            let iface = f.interfaces[i]
            if let node = src.podNode ?? (iface.kind == .nodeENI ? iface.node : nil) {
                let exit = nodeStage(node, origin: src.podNode != nil ? .pod(packet.source) : .host)
                afterNode(node, exit)
                return
            }
            if case .serviceIP = dst.place {
                block(.unknownDestination, .noRoute, component: dst.label, .serviceIPOffCluster(source: src.label))
                finish(.noRoute, place: .endpoint(src.label), .noRoute, .noRoute(.noKubeProxy))
                return
            }
            leaveInterface(i, originating: true)
        case .internet:
            hop(.internet(packet.source), Step(.originated, .originate(packet, reply: false), packet: packet))
            fromInternet()
        case .serviceIP:
            end = .noRoute
        case .externalNetwork(let e):
            hop(.external(name: e.name, address: packet.source), Step(.originated, .originate(packet, reply: false), packet: packet))
            if let via = e.via, let tgw = f.topology.transitGateways.first(where: { $0.name == via }) {
                transitGateway(tgw, from: nil)
            } else {
                fromInternet()
            }
        }
    }

    // MARK: interfaces and subnets

    /// The interface the packet goes straight to in the same subnet (no router), if any.
    func neighbour(of i: Int) -> Int? {
        let iface = f.interfaces[i]
        if let d = f.ownerOf(packet.destination), d != i, f.interfaces[d].subnet == iface.subnet, f.interfaces[d].vpc == iface.vpc { return d }
        return nil
    }

    mutating func leaveInterface(_ i: Int, originating: Bool = false) {
        let iface = f.interfaces[i]
        let here = place(i)
        let next = neighbour(of: i)
        observe(.interfaceOut(i, neighbour: next))
        if iface.kind == .natGateway { leaveSubnet(iface.vpc, iface.subnet); return }
        if !originating && iface.sourceDestCheck && f.ownerOf(packet.source) != i {
            block(.eniSourceDestCheckRestriction, .deniedOut, component: iface.id, .sourceDestCheckEgress(interface: iface.label, source: packet.source))
            hop(here, Step(.denied, .sourceDestCheck(interface: iface.label, source: packet.source), component: iface.id))
        }
        if session {
            hop(here, Step(.matchedSession, .trackedConnection(.egress, atAppliance: false)))
        } else {
            securityGroups(i, .egress)
        }
        if session, returnToLoadBalancer(from: i) { return }
        if let d = next {
            hop(.subnet(iface.subnet), Step(.forwarded, .sameSubnet(destination: packet.destination)))
            arrive(d)
            return
        }
        leaveSubnet(iface.vpc, iface.subnet)
    }

    mutating func securityGroups(_ i: Int, _ direction: SecurityGroupEvaluator.Direction) {
        let iface = f.interfaces[i]
        let groups = f.securityGroups(of: iface)
        let lost = direction == .ingress && identityLost
        let home = iface.vpc
        let carried = direction == .ingress ? lbIdentity : nil
        let f = self.f
        let d = SecurityGroupEvaluator.evaluate(groups, vpc: home, direction: direction, packet: packet,
                                                isMember: { ip, vpc, group in
                                                    if let (src, groups) = carried, src == ip, vpc == home, groups.contains(group) { return true }
                                                    return !lost && (vpc == home || f.peered(vpc, home)) && f.isMember(ip, vpc: vpc, group: group)
                                                },
                                                prefixLists: f.prefixLists, groupVPC: { $0 == "default" ? nil : f.groupVPC[$0] })
        let dir = FilterDirection(direction)
        if d.allowed, let g = d.group, let r = d.rule, let k = d.ruleIndex {
            hop(place(i), Step(.permitted, .securityGroupAllows(SecurityGroupMatch(direction: dir, group: ObjectRef(id: g.id, name: g.name), ruleIndex: k, rule: r)),
                               component: g.id, location: r.location))
        } else {
            let refs = groups.map { ObjectRef(id: $0.id, name: $0.name) }
            let noRules = groups.allSatisfy { (direction == .ingress ? $0.ingress : $0.egress).isEmpty }
            hop(place(i), Step(.denied, .securityGroupDenies(dir, groups: refs, packet: packet), component: groups.first?.id, location: groups.first?.location))
            let byReference = groups.contains { g in (direction == .ingress ? g.ingress : g.egress).contains { if case .securityGroup = $0.peer { return true }; return false } }
            block(noRules ? .sgHasNoRules : (lost && byReference ? .sgReferencesNotPreserved : .eniSGRulesMismatch), direction == .ingress ? .deniedIn : .deniedOut,
                  component: groups.map(\.id).joined(separator: ","),
                  .securityGroups(dir, groups: refs, interface: iface.label, packet: packet), at: groups.first?.location)
        }
    }

    mutating func networkACL(vpc: VPC, subnet: Subnet, _ direction: NetworkACLEvaluator.Direction) {
        guard let acl = vpc.networkACL(for: subnet) else { return }
        let d = NetworkACLEvaluator.evaluate(acl, direction: direction, packet: packet)
        let dir = FilterDirection(direction)
        let aclRef = ObjectRef(id: acl.id, name: acl.name)
        hop(.subnet(subnet.name), Step(d.allowed ? .permitted : .denied, .networkACL(NetworkACLMatch(direction: dir, acl: aclRef, rule: d.rule, allowed: d.allowed)),
                                       component: acl.id, location: d.rule?.location ?? acl.location))
        if d.allowed, session, packet.hasPorts, let range = replyPortRange, range.count > 1 {
            let denied = NetworkACLEvaluator.deniedPorts(acl, direction: direction, packet: packet, range: range)
            if !denied.isEmpty {
                hop(.subnet(subnet.name), Step(.denied, .networkACLReplyPorts(dir, acl: aclRef, denied: denied, range: range), component: acl.id, location: acl.location))
                block(.subnetACLRestriction, direction == .inbound ? .deniedIn : .deniedOut, component: acl.id,
                      .networkACLReplyPorts(dir, acl: aclRef, subnet: subnet.name, port: packet.destinationPort, denied: denied, range: range), at: acl.location)
            }
        }
        if !d.allowed {
            var need: NetworkACLReplyNeed? = nil
            if session {
                need = NetworkACLReplyNeed(port: packet.destinationPort, range: nil, denied: [])
                if packet.hasPorts, let range = replyPortRange, range.count > 1 {
                    need?.range = range
                    need?.denied = NetworkACLEvaluator.deniedPorts(acl, direction: direction, packet: packet, range: range)
                }
            }
            block(.subnetACLRestriction, direction == .inbound ? .deniedIn : .deniedOut, component: acl.id,
                  .networkACL(dir, acl: aclRef, subnet: subnet.name, packet: packet, rule: d.rule, reply: need),
                  at: d.rule?.location ?? acl.location)
        }
    }

    /// On a reply: the range the destination port was drawn from — the innermost translation
    /// not yet reversed, else the client's own ephemeral range.
    var replyPortRange: ClosedRange<UInt16>? {
        guard session else { return nil }
        if let s = sessions.last(where: { !$0.reversed && $0.outsideRange != nil }) { return s.outsideRange }
        return clientPorts
    }

    mutating func leaveSubnet(_ vpcName: String, _ subnetName: String) {
        guard let (vpc, subnet) = f.subnets[subnetName] else { return }
        _ = vpcName
        networkACL(vpc: vpc, subnet: subnet, .outbound)
        route(vpc: vpc, subnet: subnet)
    }

    mutating func route(vpc: VPC, subnet: Subnet) {
        decisions += 1
        if decisions > Walk.maxDecisions {
            block(.loop, .loop, component: subnet.id, .tooManyDecisions(Walk.maxDecisions))
            finish(.loop, place: .subnet(subnet.name), .loop, .loop(.tooManyDecisions))
            return
        }
        guard visited.insert(VisitKey(place: .subnet(vpc.name, subnet.name), source: packet.source, destination: packet.destination)).inserted else {
            block(.loop, .loop, component: subnet.id, .subnetLoop(subnet: subnet.name))
            finish(.loop, place: .subnet(subnet.name), .loop, .loop(.revisitedSubnet))
            return
        }
        guard let rt = f.routeTable(vpc: vpc, subnet: subnet) else { return }
        let table = ObjectRef(id: rt.table.id, name: rt.table.name)
        guard let m = f.lookup(rt, packet.destination) else {
            block(.noRouteToDestination, .noRoute, component: rt.table.id, .noRouteInTable(table: table, subnet: subnet.name, destination: packet.destination), at: rt.table.location)
            finish(.noRoute, place: .subnet(subnet.name), .noRoute, .noRoute(.routeTable(table, destination: packet.destination)), component: rt.table.id, at: rt.table.location)
            return
        }
        hop(.subnet(subnet.name), Step(.forwarded, .route(RouteTableMatch(table: table, written: m.written, destination: m.destination, target: m.target, origin: m.origin)),
                                       component: rt.table.id, location: m.location ?? rt.table.location))
        switch m.target {
        case .local: localDelivery(vpc: vpc, from: subnet.name)
        case .blackhole:
            block(.badStateRoute, .nullRouted, component: rt.table.id, .blackholeRoute(table: table, written: m.written), at: m.location)
            finish(.nullRouted, place: .subnet(subnet.name), .nullRouted, .nullRouted(.blackholeRoute), component: rt.table.id, at: m.location)
        case .internetGateway: internetGatewayEgress(vpc: vpc)
        case .egressOnlyInternetGateway(let n):
            block(.noRouteToDestination, .noRoute, component: n, .egressOnlyGateway(n))
            finish(.noRoute, place: .egressOnlyInternetGateway(n), .noRoute, .noRoute(.egressOnlyIPv6))
        case .natGateway(let n): natGateway(n, from: subnet.name)
        case .peeringConnection(let n): peering(n, from: vpc)
        case .transitGateway(let n):
            if let tgw = f.topology.transitGateways.first(where: { $0.name == n }) { transitGateway(tgw, from: vpc, subnet: subnet) }
        case .gatewayEndpoint(let n): gatewayEndpoint(n, vpc: vpc)
        case .networkInterface(let n): middlebox(n, from: subnet.name)
        }
    }

    mutating func localDelivery(vpc: VPC, from subnet: String?) {
        guard let d = f.ownerOf(packet.destination), f.interfaces[d].vpc == vpc.name else {
            block(.unknownDestination, .noRoute, component: vpc.id, .noInterfaceInVPC(vpc: vpc.name, destination: packet.destination))
            finish(.noRoute, place: .vpc(vpc.name), .noRoute, .noRoute(.noInterfaceHas(packet.destination)), component: vpc.id)
            return
        }
        let target = f.interfaces[d]
        if target.subnet != subnet, let (v, s) = f.subnets[target.subnet] { networkACL(vpc: v, subnet: s, .inbound) }
        arrive(d)
    }

    mutating func arrive(_ d: Int) {
        let iface = f.interfaces[d]
        if iface.kind == .natGateway { observe(.interfaceIn(d)); natReceive(d); return }
        if f.ownerOf(packet.destination) != d && iface.sourceDestCheck {
            block(.eniSourceDestCheckRestriction, .deniedIn, component: iface.id, .sourceDestCheckIngress(interface: iface.label, destination: packet.destination))
        }
        if session {
            hop(place(d), Step(.matchedSession, .trackedConnection(.ingress, atAppliance: false)))
        } else {
            securityGroups(d, .ingress)
        }
        // A capture on the interface sees what its security groups let in.
        observe(.interfaceIn(d))
        if iface.kind == .loadBalancer { loadBalancerStage(d); return }
        // A node's ENI: the node's datapath decides (a pod's veth, the node itself, or onward).
        if iface.kind == .nodeENI, let node = iface.node, let dev = datapaths?.get(node)?.host.enis.first(where: { $0.primaryIP == iface.primaryIP })?.interface {
            afterNode(node, nodeStage(node, origin: .wire(dev)))
            return
        }
        deliveredAt = d
        var who = Delivery.interface(label: iface.label)
        if let pod = f.podByIP[packet.destination.value] { who = .podOnInterface(pod: pod, address: packet.destination, interface: iface.label) }
        let blocked = explanations.contains { $0.direction == direction }
        finish(.delivered, place: place(d), .delivered, .delivered(who, blockedEarlier: blocked))
    }

    // MARK: gateways

    static let privateRanges = IPv4CIDR.rfc1918 + [IPv4CIDR.rfc6598]

    mutating func internetGatewayEgress(vpc: VPC) {
        let igw = vpc.internetGateway.map { ObjectRef(id: $0.id, name: $0.name) }
        let name = Place.internetGateway(igw)
        let component = vpc.internetGateway?.id ?? vpc.id
        if Walk.privateRanges.contains(where: { $0.contains(packet.destination) }) {
            block(.igwDestinationAddressNotInRFC1918Egress, .deniedOut, component: component, .internetGatewayPrivateDestination(packet.destination))
            finish(.deniedOut, place: name, .denied, .filter(.privateDestination), component: component)
            return
        }
        guard let srcOwner = f.ownerOf(packet.source), f.interfaces[srcOwner].primaryIP == packet.source,
              let pub = f.interfaces[srcOwner].publicIP else {
            block(.igwPublicIPAssociationForEgress, .deniedOut, component: component, .internetGatewayNoPublicAddress(packet.source))
            finish(.deniedOut, place: name, .denied, .filter(.noPublicAddress(packet.source)), component: component)
            return
        }
        let before = packet
        packet.source = pub
        sessions.append(Session(kind: .igw, outside: (pub, packet.sourcePort), inside: (before.source, packet.sourcePort)))
        hop(name, Step(.transformed, .internetGatewaySourceNAT(before: before, after: packet), component: component, packet: packet))
        if f.publicOwnerOf(packet.destination) != nil {
            fromInternet()
            return
        }
        exitedVia = .internet
        observe(.internetEgress(vpc: vpc.name, gateway: igw))
        finish(.exitsNetwork, place: .internet(nil), .exitsNetwork, .exitsNetwork(.internet(packet.destination)))
    }

    /// A packet from the internet to a public address (or, wrongly, a private one).
    mutating func fromInternet() {
        observe(.internetIngress(vpc: f.publicOwnerOf(packet.destination).map { f.interfaces[$0].vpc }))
        if !session, Walk.privateRanges.contains(where: { $0.contains(packet.source) }) {
            block(.igwSourceAddressNotInRFC1918Ingress, .deniedIn, component: "internet", .internetGatewayPrivateSource(packet.source))
            finish(.deniedIn, place: .internetGateway(nil), .denied, .filter(.privateSourceFromInternet))
            return
        }
        if let d = f.publicOwnerOf(packet.destination) {
            let iface = f.interfaces[d]
            guard let vpc = f.vpcByName[iface.vpc], let igw = vpc.internetGateway else {
                block(.noRouteToDestination, .noRoute, component: iface.id, .noInternetGateway(vpc: iface.vpc, destination: packet.destination))
                finish(.noRoute, place: .internet(nil), .noRoute, .noRoute(.noInternetGateway))
                return
            }
            let before = packet
            if session, let i = sessions.lastIndex(where: { if case .igw = $0.kind { return $0.outside.0 == before.destination }; return false }) {
                packet.destination = sessions[i].inside.0
            } else {
                packet.destination = iface.primaryIP
            }
            hop(.internetGateway(ObjectRef(id: igw.id, name: igw.name)), Step(.transformed, .internetGatewayDestinationNAT(before: before, after: packet),
                                                                              component: igw.id, location: igw.location, packet: packet))
            localDelivery(vpc: vpc, from: nil)
            return
        }
        let d = packet.destination
        if let vpc = f.vpc(containing: d) {
            block(.igwPrivateIPAssociationForIngress, .noRoute, component: vpc.internetGateway?.id ?? vpc.id, .privateAddressFromInternet(d))
            hop(.internet(nil), Step(.noRoute, .noRoute(.privateFromInternet(d))))
            localDelivery(vpc: vpc, from: nil)
            end = .noRoute
            return
        }
        block(.noRouteToDestination, .noRoute, component: "internet", .outsideModelledNetworks(d))
        finish(.noRoute, place: .internet(nil), .noRoute, .noRoute(.outsideModelledNetworks(d)))
    }

    mutating func natGateway(_ name: String, from subnet: String) {
        guard let (vpc, nat, idx) = f.natByName[name] else { return }
        let iface = f.interfaces[idx]
        let here = Place.natGateway(ObjectRef(id: nat.id, name: nat.name), address: iface.primaryIP, subnet: nat.subnet)
        if session {
            block(.asymmetricRoute, .deniedIn, component: nat.id, .natNoSession(natGateway: nat.name))
            finish(.deniedIn, place: here, .denied, .filter(.natNoSessionForReply), component: nat.id)
            return
        }
        switch packet.ipProtocol {
        case .tcp, .udp, .icmp: break
        default:
            block(.protocolRestriction, .deniedIn, component: nat.id, .natProtocol(packet.ipProtocol), at: nat.location)
            finish(.deniedIn, place: here, .denied, .filter(.natProtocolNotSupported(packet.ipProtocol)), component: nat.id)
            return
        }
        if !vpc.contains(packet.source) && !viaTransitGateway {
            block(.ngwRequiresSourceInVPC, .deniedIn, component: nat.id, .natSourceOutsideVPC(natGateway: nat.name, source: packet.source))
            finish(.deniedIn, place: here, .denied, .filter(.natSourceOutsideVPC), component: nat.id)
            return
        }
        if subnet != nat.subnet, let (v, s) = f.subnets[nat.subnet] { networkACL(vpc: v, subnet: s, .inbound) }
        observe(.interfaceIn(idx))
        let before = packet
        packet.source = iface.primaryIP
        if packet.hasPorts {
            packet.sourcePort = UInt16(1024 + Int(StableHash.fnv1a("nat/\(before)", seed: f.topology.seed) % 64512))
        }
        sessions.append(Session(kind: .nat(nat.name), outside: (packet.source, packet.sourcePort), inside: (before.source, before.sourcePort),
                                outsideRange: packet.hasPorts ? 1024...65535 : nil))
        hop(here, Step(.transformed, .natGatewaySourceNAT(before: before, after: packet), component: nat.id, location: nat.location, packet: packet))
        observe(.interfaceOut(idx, neighbour: neighbour(of: idx)))
        leaveSubnet(vpc.name, nat.subnet)
    }

    /// A reply arriving at a NAT gateway's address: translated back to the original source.
    mutating func natReceive(_ d: Int) {
        let iface = f.interfaces[d]
        guard let i = sessions.lastIndex(where: { s in
            if case .nat = s.kind { return s.outside.0 == packet.destination && (!packet.hasPorts || s.outside.1 == packet.destinationPort) }
            return false
        }) else {
            if endsAtOrigin(d) { return }
            block(.ngwNoInbound, .deniedIn, component: iface.id, .natNoInbound(interface: iface.label))
            finish(.deniedIn, place: place(d), .denied, .filter(.natUnsolicitedInbound), component: iface.id)
            return
        }
        let s = sessions[i]
        sessions[i].reversed = true
        let before = packet
        packet.destination = s.inside.0
        if packet.hasPorts { packet.destinationPort = s.inside.1 }
        hop(place(d), Step(.matchedSession, .natGatewaySession(before: before, after: packet), component: iface.id, packet: packet))
        observe(.interfaceOut(d, neighbour: neighbour(of: d)))
        leaveSubnet(iface.vpc, iface.subnet)
    }

    mutating func peering(_ name: String, from vpc: VPC) {
        guard let pcx = f.topology.peeringConnections.first(where: { $0.name == name }) else { return }
        let otherName = pcx.requesterVPC == vpc.name ? pcx.accepterVPC : pcx.requesterVPC
        guard let other = f.vpcByName[otherName] else { return }
        let here = Place.peering(ObjectRef(id: pcx.id, name: pcx.name))
        guard other.contains(packet.destination) else {
            block(.pcxRequiresAddressInVPCCIDR, .noRoute, component: pcx.id,
                  .peeringNotTransitive(peering: pcx.name, vpc: other.name, cidrs: other.cidrBlocks, destination: packet.destination))
            finish(.noRoute, place: here, .noRoute, .noRoute(.outsidePeerVPC), component: pcx.id)
            return
        }
        hop(here, Step(.forwarded, .peering(into: other.name), component: pcx.id, location: pcx.location))
        localDelivery(vpc: other, from: nil)
    }

    mutating func transitGateway(_ tgw: TransitGateway, from vpc: VPC?, subnet: Subnet? = nil) {
        let here = Place.transitGateway(ObjectRef(id: tgw.id, name: tgw.name))
        // AZ affinity: the flow enters the transit gateway through the source VPC attachment's
        // ENI in the sender's zone; a zone without an attachment subnet cannot reach it.
        var zone: String? = nil
        if let vpc, let subnet {
            let (list, named) = tgw.attachmentSubnets(in: vpc)
            if named && !list.contains(where: { $0.zone == subnet.zone }) {
                block(.tgwAttachVPCAZRestriction, .noRoute, component: tgw.id,
                      .transitGatewayNoSubnetInZone(vpc: vpc.name, transitGateway: tgw.name, zone: subnet.zone, subnets: list.map { (name: $0.name, zone: $0.zone) }),
                      at: tgw.location)
                finish(.noRoute, place: here, .noRoute, .noRoute(.noAttachmentSubnet(zone: subnet.zone)), component: tgw.id, at: tgw.location)
                return
            }
            zone = subnet.zone
        }
        var best: TransitGateway.Route? = nil
        for r in tgw.routes where r.destination.contains(packet.destination) {
            if best == nil || r.destination.prefixLength > (best?.destination.prefixLength ?? -1) { best = r }
        }
        guard let r = best else {
            block(.tgwRtbCannotRoute, .noRoute, component: tgw.id, .transitGatewayNoRoute(transitGateway: tgw.name, destination: packet.destination), at: tgw.location)
            finish(.noRoute, place: here, .noRoute, .noRoute(.transitGatewayNoRoute(packet.destination)), component: tgw.id, at: tgw.location)
            return
        }
        guard visited.insert(VisitKey(place: .transitGateway(tgw.name), source: packet.source, destination: packet.destination)).inserted else {
            block(.loop, .loop, component: tgw.id, .transitGatewayLoop(transitGateway: tgw.name))
            finish(.loop, place: here, .loop, .loop(.revisitedTransitGateway), component: tgw.id)
            return
        }
        switch r.target {
        case .blackhole:
            block(.tgwRtbBadStateRoute, .nullRouted, component: tgw.id, .transitGatewayBlackhole(r.destination), at: r.location)
            finish(.nullRouted, place: here, .nullRouted, .nullRouted(.transitGatewayBlackhole(r.destination)), component: tgw.id, at: r.location)
        case .vpc(let name):
            guard tgw.vpcAttachments.contains(name), let target = f.vpcByName[name] else {
                block(.tgwRtbNoRouteToTGWAttachment, .noRoute, component: tgw.id, .transitGatewayNotAttached(transitGateway: tgw.name, destination: r.destination, vpc: name), at: r.location)
                finish(.noRoute, place: here, .noRoute, .noRoute(.noAttachmentForVPC(name)), component: tgw.id, at: r.location)
                return
            }
            hop(here, Step(.forwarded, .transitGatewayRoute(destination: r.destination, .vpcAttachment(name)), component: tgw.id, location: r.location))
            if target.contains(packet.destination) {
                localDelivery(vpc: target, from: nil)
            } else if let (entry, sameZone, named) = tgw.entrySubnet(in: target, zone: zone) {
                var subnet = entry
                // Onward from the attachment (centralized egress or inspection): routed by the
                // table of the attachment's subnet in the zone the flow enters (AZ affinity).
                // When the sender's zone has no attachment subnet here (or the flow comes from
                // outside the VPCs), AWS picks another zone and does not say which: when the
                // candidates' route tables differ, the choice is recorded, and the caller traces
                // each candidate (`entryZones`) to say whether they agree.
                let candidates = tgw.attachmentSubnets(in: target).subnets
                let key = TransitGatewayZoneChoice.key(tgw: tgw.name, vpc: name)
                var alternative = false
                if !sameZone, direction == .forward {
                    let tables = Set(candidates.map { target.routeTable(for: $0)?.name ?? "" })
                    if tables.count > 1, !zoneChoices.contains(where: { $0.key == key }) {
                        zoneChoices.append(TransitGatewayZoneChoice(transitGateway: tgw.name, vpc: name, senderZone: zone, chosen: subnet.zone,
                                                                    candidates: candidates.map { ($0.zone, $0.name, target.routeTable(for: $0)?.name ?? "main") },
                                                                    location: tgw.location))
                    }
                    if let z = entryZones[key], let s = candidates.first(where: { $0.zone == z }) { subnet = s; alternative = true }
                }
                hop(here, Step(.forwarded, .transitGatewayEntry(TransitGatewayEntry(vpc: name, subnet: subnet.name, zone: subnet.zone, named: named, sameZone: sameZone,
                                                                                     alternative: alternative, senderZone: zone)),
                               component: tgw.id, location: r.location))
                viaTransitGateway = true
                route(vpc: target, subnet: subnet)
            } else {
                block(.noRouteToDestination, .noRoute, component: tgw.id, .vpcNoSubnetOnward(vpc: name, destination: packet.destination))
                finish(.noRoute, place: .vpc(name), .noRoute, .noRoute(.noSubnetOnward))
            }
        case .external(let name):
            hop(here, Step(.forwarded, .transitGatewayRoute(destination: r.destination, .external(name)), component: tgw.id, location: r.location))
            guard let e = f.topology.externals.first(where: { $0.name == name }) else { return }
            exitedVia = .external(e, tgw)
            finish(.exitsNetwork, place: .external(name: name, address: nil), .exitsNetwork, .exitsNetwork(.external(name)))
        }
    }

    mutating func gatewayEndpoint(_ name: String, vpc: VPC) {
        guard let e = vpc.gatewayEndpoints.first(where: { $0.name == name }) else { return }
        let here = Place.gatewayEndpoint(ObjectRef(id: e.id, name: e.name), service: e.service)
        let ok = packet.ipProtocol == .tcp || (packet.ipProtocol == .icmp && (packet.icmpType == 8 || packet.icmpType == 0))
        if !ok {
            block(.vpceGatewayProtocolRestriction, .deniedIn, component: e.id, .gatewayEndpointProtocol(packet.ipProtocol), at: e.location)
            finish(.deniedIn, place: here, .denied, .filter(.endpointProtocolNotAccepted), component: e.id)
            return
        }
        exitedVia = .endpoint(e.service, vpc)
        finish(.exitsNetwork, place: here, .exitsNetwork, .exitsNetwork(.gatewayEndpoint(service: e.service)), component: e.id, at: e.location)
    }

    /// A route to a network interface: an appliance receives the packet and forwards it.
    mutating func middlebox(_ name: String, from subnet: String) {
        guard let i = f.interfaceByName[name] else { return }
        let iface = f.interfaces[i]
        if iface.subnet != subnet, let (v, s) = f.subnets[iface.subnet] { networkACL(vpc: v, subnet: s, .inbound) }
        if f.ownerOf(packet.destination) == i { arrive(i); return }
        if iface.sourceDestCheck {
            block(.eniSourceDestCheckRestriction, .deniedIn, component: iface.id, .sourceDestCheckAppliance(interface: iface.label, destination: packet.destination))
        }
        if session {
            hop(place(i), Step(.matchedSession, .trackedConnection(.ingress, atAppliance: true)))
        } else {
            securityGroups(i, .ingress)
        }
        hop(place(i), Step(.forwarded, .applianceForwards(interface: iface.label), component: iface.id))
        identityLost = true
        leaveInterface(i, originating: true)
    }

    // MARK: the reply

    mutating func startReply(forwardEnd: Disposition, deliveredAt: Int?, exitedVia: Exit?, original: ResolvedEndpoint) {
        let origin = Step(.originated, .originate(packet, reply: true), packet: packet)
        if let (node, from) = deliveredOnNode {
            let who: Place
            if case .pod(let ip) = from { who = .pod(f.podByIP[ip.value], address: ip) } else { who = .nodeHost(node, address: packet.source) }
            hop(who, origin)
            let exit = nodeStage(node, origin: from)
            afterNode(node, exit)
            return
        }
        if let d = deliveredAt {
            hop(place(d), origin)
            leaveInterface(d, originating: true)
            return
        }
        switch exitedVia {
        case .internet:
            hop(.internet(packet.source), origin)
            fromInternet()
        case .external(let e, let tgw):
            hop(.external(name: e.name, address: packet.source), origin)
            transitGateway(tgw, from: nil)
        case .endpoint(let service, let vpc):
            hop(.service(service), origin)
            localDelivery(vpc: vpc, from: nil)
        case nil:
            end = .noRoute
        }
    }
}

/// A place the walk has been, with the packet's addresses (a second visit is a loop).
struct VisitKey: Hashable {
    enum Where: Hashable { case subnet(String, String), transitGateway(String) }
    var place: Where
    var source: IPv4Address
    var destination: IPv4Address
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

func format4(_ p: Double) -> String {
    guard p.isFinite, p >= 0, p <= 1 else { return "?" }
    let scaled = Int((p * 10000).rounded())
    let f = String(scaled % 10000)
    return "\(scaled / 10000)." + String(repeating: "0", count: 4 - f.count) + f
}
