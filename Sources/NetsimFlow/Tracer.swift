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
    public var address: IPAddress
    /// As the user wrote it, with what it resolved to.
    public var label: String
    /// For pods: the node they run on (the VPC CNI's SNAT happens there).
    public var podNode: String?

    public init(place: Place, address: IPAddress, label: String, podNode: String?) {
        self.place = place; self.address = address; self.label = label; self.podNode = podNode
    }

    public init(place: Place, address: IPv4Address, label: String, podNode: String?) {
        self.init(place: place, address: .ipv4(address), label: label, podNode: podNode)
    }
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
    let policies = PolicyCache()
    /// The stages the walk runs at each position (`Pipeline.standard`, or one with a stage added).
    public let pipeline: Pipeline

    public init(fabric: FabricIndex, pipeline: Pipeline = .standard) {
        self.fabric = fabric; self.pipeline = pipeline; datapaths = DatapathCache(fabric: fabric)
    }

    /// Renders and parses what every node's kube-proxy rules share, which the first trace
    /// through a node would otherwise do (for benchmarks that time set-up apart).
    public func prepareDatapaths() { _ = datapaths.sharedState() }

    /// The node a client reaches by the load balancer's DNS name: the first of those DNS
    /// returns (`dnsAnswer`).
    public func dnsNode(_ l: Int, port: UInt16?, protocol p: IPProtocol) -> Int {
        dnsAnswer(l, port: port, protocol: p).nodes.first ?? 0
    }

    /// The load balancer nodes its DNS name returns for a listener, and why: ELB leaves out of
    /// DNS a zone with no healthy target for it (with cross-zone load balancing off; with it on,
    /// any healthy target keeps every zone), and returns every node when no target is healthy
    /// (fail open). The trace and `netsim describe` both ask this.
    public func dnsAnswer(_ l: Int, port: UInt16?, protocol p: IPProtocol) -> DNSAnswer {
        let lb = fabric.loadBalancers[l]
        let all = Array(lb.nodes.indices)
        guard let port, let listener = lb.listener(port: port, protocol: p), case .forward(let i) = listener.defaultAction,
              lb.targetGroups.indices.contains(i) else { return DNSAnswer(nodes: all, reason: .noTargetGroup) }
        let tg = lb.targetGroups[i]
        let key = l << 16 | i
        let h: [TargetHealth]
        if let cached = health.results.withLock({ $0[key] }) { h = cached } else {
            h = Walk.checkHealth(fabric, datapaths: datapaths, pipeline: pipeline, policy: policies.get(fabric), l, i)
            health.results.withLock { $0[key] = h }
        }
        let spanned = Set(lb.nodes.map(\.zone))
        let healthyZones = Set(tg.targets.indices.filter { h.indices.contains($0) && h[$0].healthy && spanned.contains(tg.targets[$0].zone) }.map { tg.targets[$0].zone })
        if healthyZones.isEmpty { return DNSAnswer(nodes: all, reason: .noHealthyTarget) }
        if tg.crossZone { return DNSAnswer(nodes: all, reason: .crossZone) }
        let kept = all.filter { healthyZones.contains(lb.nodes[$0].zone) }
        return DNSAnswer(nodes: kept, reason: kept.count == all.count ? .everyZoneHealthy : .zonesWithoutHealthyTarget(all.filter { !kept.contains($0) }.map { lb.nodes[$0].zone }))
    }

    /// The iptables interpreter a trace uses on `node` (built the first time it is asked for).
    public func nodeInterpreter(_ node: String) -> IPTablesInterpreter? { datapaths.get(node)?.interpreter }

    /// `clientPorts`: the range the client's source port is drawn from (a reply must be let back
    /// in on every port of it, since the client may pick any).
    /// The trace of an IPv6 packet (or one that mixes the families): NOT_MODELLED, with a caveat.
    static func ipv6NotModelled(_ src: ResolvedEndpoint, _ dst: ResolvedEndpoint, _ packet: Packet) -> Trace {
        let hops = [Hop(place: .endpoint(src.label), steps: [Step(.originated, .originate(packet, reply: false), packet: packet)]),
                    Hop(place: .endpoint(dst.label), steps: [Step(.notModelled, .ipv6NotModelled(source: packet.source, destination: packet.destination))])]
        var t = Trace(source: src.label, destination: dst.label, packet: packet, disposition: .notModelled,
                      forward: PathTrace(end: .notModelled, hops: hops, finalPacket: packet), reply: nil, explanations: [], notes: [])
        t.caveats = [Caveat(.ipv6NotModelled(source: packet.source, destination: packet.destination), affectsVerdict: true)]
        return t
    }

    public func trace(from src: ResolvedEndpoint, to dst: ResolvedEndpoint, packet: Packet,
                      clientPorts: ClosedRange<UInt16>? = nil, choice: BranchChoice? = nil, http: HTTPRequest? = nil, capture: Bool = false,
                      entryZones: [String: String] = [:], podStart: PodStart? = nil) -> Trace {
        // A packet keeps its family in the fabric: one that mixes IPv4 and IPv6 gets no verdict.
        guard packet.source.family == packet.destination.family else { return Self.ipv6NotModelled(src, dst, packet) }
        var origin: Int? = nil
        if case .interface(let i) = src.place { origin = i }
        let context = WalkContext(fabric: fabric, datapaths: datapaths, health: health, direction: .forward, isReply: false, http: http,
                                  entryZones: entryZones, originInterface: origin, clientPorts: nil, source: src, destination: dst, pipeline: pipeline,
                                  policy: policies.get(fabric), podStart: podStart)
        var w = Walk(context: context, packet: packet)
        w.branchChoice = choice
        w.run(from: .originate)
        let forwardEnd = w.end ?? .noRoute
        var explanations = w.explanations
        var forward = PathTrace(end: forwardEnd, hops: w.hops, finalPacket: w.packet)
        forward.wire = w.wire
        if capture { forward.captures = CapturePoints.points(forward.wire, fabric: fabric, datapaths: datapaths) }
        var reply: PathTrace? = nil
        var replyZoneChoices: [TransitGatewayZoneChoice] = []
        let routedBlock = explanations.contains { [.noRoute, .nullRouted, .loop].contains($0.disposition) }
        let echo = packet.ipProtocol == .icmp && packet.icmpType == 8
        if packet.hasPorts || echo, forwardEnd.isSuccess, !routedBlock {
            var r = w.replyWalk(clientPorts: clientPorts)
            r.run(from: .originateReply)
            explanations += r.explanations
            reply = PathTrace(end: r.end ?? .noRoute, hops: r.hops, finalPacket: r.packet)
            reply?.wire = r.wire
            replyZoneChoices = r.zoneChoices
            // A packet dropped on the way there is never answered.
            if capture, w.explanations.isEmpty { reply?.captures = CapturePoints.points(r.wire, fabric: fabric, datapaths: datapaths) }
        }
        let disposition = explanations.first?.disposition ?? (reply.map { $0.end.isSuccess ? forwardEnd : $0.end } ?? forwardEnd)
        var t = Trace(source: src.label, destination: dst.label, packet: packet, disposition: disposition, forward: forward,
                      reply: reply, explanations: explanations, notes: w.notes)
        t.choices = w.choices
        t.rejectedWithICMP = w.rejectedWithICMP
        t.choiceBy = w.choiceBy
        t.loadBalancer = w.lbLeg
        t.response = w.response
        if w.lbLeg != nil, forwardEnd == .delivered { t.sourceIpAtTarget = w.packet.source; t.sourceAtTarget = w.sourceAtTarget(w.packet.source) }
        if case .branch(let k) = choice { t.path = k }
        t.zoneChoices = w.zoneChoices + replyZoneChoices.filter { c in !w.zoneChoices.contains { $0.key == c.key } }
        t.policy = PolicyOutcome(enforced: w.state.policyEnforced, other: w.state.policyOther, enforcer: context.policy?.settings.enforcer, podStart: podStart)
        if packet.family == .ipv6 { Self.markIPv6NotModelled(&t) }
        return t
    }
}

extension Walk {
    /// A reply to a connection interface `d` opened itself (a NAT gateway's or a load balancer
    /// node's own packet, as a replayed capture or a health check has them) ends there.
    mutating func endsAtOrigin(_ d: Int) -> Bool {
        let iface = f.interfaces[d]
        guard session, originInterface == d, packet.destination == iface.primaryIP else { return false }
        deliveredAt = d
        finish(.delivered, place: place(d), .delivered, .deliveredToOpener(label: iface.label))
        return true
    }

    func ref(_ i: Int) -> InterfaceRef {
        let f = self.f
        // An IPv6 flow names the interface by its IPv6 address.
        if case .ipv6 = packet.destination, let v6 = f.interfaces[i].ipv6 {
            return InterfaceRef(index: i, id: f.interfaces[i].id, label: f.interfaces[i].label, address: .ipv6(v6), subnet: f.interfaces[i].subnet)
        }
        return InterfaceRef(index: i, id: f.interfaces[i].id, label: f.interfaces[i].label, address: .ipv4(f.interfaces[i].primaryIP), subnet: f.interfaces[i].subnet)
    }

    func place(_ i: Int) -> Place {
        let f = self.f
        if f.interfaces[i].kind == .loadBalancer, let l = f.interfaces[i].loadBalancer { return .loadBalancerNode(ref(i), loadBalancer: f.loadBalancers[l].name) }
        return .interface(ref(i))
    }

    // MARK: forward start

    mutating func start(_ src: ResolvedEndpoint, _ dst: ResolvedEndpoint) -> StageResult {
        switch src.place {
        case .interface(let i):
            hop(.endpoint(src.label), Step(.originated, .originate(packet, reply: false), packet: packet))
            let iface = f.interfaces[i]
            if let pod = src.podNode { return .move(.podEgress(node: pod, pod: packet.source)) }
            if iface.kind == .nodeENI, let node = iface.node { return .move(.node(node, .host)) }
            if case .serviceIP = dst.place {
                block(.unknownDestination, .noRoute, component: dst.label, .serviceIPOffCluster(source: src.label))
                finish(.noRoute, place: .endpoint(src.label), .noRoute, .noRoute(.noKubeProxy))
                return .stop
            }
            return .move(.interfaceEgress(i, originating: true))
        case .internet:
            hop(.internet(packet.source), Step(.originated, .originate(packet, reply: false), packet: packet))
            return .move(.internet)
        case .serviceIP:
            end = .noRoute
            return .stop
        case .externalNetwork(let e):
            hop(.external(name: e.name, address: packet.source), Step(.originated, .originate(packet, reply: false), packet: packet))
            if let via = gateway(of: e) { return enterFromExternal(e, via: via) }
            return .move(.internet)
        }
    }

    // MARK: interfaces and subnets

    /// The interface the packet goes straight to in the same subnet (no router), if any.
    mutating func neighbour(of i: Int) -> Int? {
        if let n = state.neighbourFound, n.from == i, n.destination == packet.destination { return n.to }
        let to = findNeighbour(of: i)
        state.neighbourFound = (i, packet.destination, to)
        return to
    }

    func findNeighbour(of i: Int) -> Int? {
        let iface = f.interfaces[i]
        if let d = f.ownerOf(packet.destination), d != i, f.interfaces[d].subnet == iface.subnet, f.interfaces[d].vpc == iface.vpc { return d }
        return nil
    }

    /// The packet on the wire out of the interface; a NAT gateway's goes straight to its subnet.
    mutating func interfaceOut(_ i: Int) -> StageResult {
        observe(.interfaceOut(i, neighbour: neighbour(of: i)))
        if f.interfaces[i].kind == .natGateway { return leaveSubnet(f.interfaces[i].subnet) }
        return .next
    }

    mutating func sourceDestCheckEgress(_ i: Int, originating: Bool) -> StageResult {
        let iface = f.interfaces[i]
        if !originating && iface.sourceDestCheck && f.ownerOf(packet.source) != i {
            block(.eniSourceDestCheckRestriction, .deniedOut, component: iface.id, .sourceDestCheckEgress(interface: iface.label, source: packet.source))
            hop(place(i), Step(.denied, .sourceDestCheck(interface: iface.label, source: packet.source), component: iface.id))
        }
        return .next
    }

    mutating func securityGroupsEgress(_ i: Int) -> StageResult {
        if session {
            hop(place(i), Step(.matchedSession, .trackedConnection(.egress, atAppliance: false)))
        } else {
            securityGroups(i, .egress)
        }
        return .next
    }

    /// To the neighbour in the subnet (no route table or network ACL), else out of the subnet;
    /// an NLB target's reply goes back to the NLB node by the flow.
    mutating func leaveInterface(_ i: Int) -> StageResult {
        let iface = f.interfaces[i]
        if session, let back = returnToLoadBalancer(from: i) { return back }
        if let d = neighbour(of: i) {
            hop(.subnet(f.subnetRef(iface.subnet)), Step(.forwarded, .sameSubnet(destination: packet.destination)))
            return .move(.arrive(d))
        }
        return leaveSubnet(iface.subnet)
    }

    mutating func securityGroups(_ i: Int, _ direction: SecurityGroupEvaluator.Direction) {
        let iface = f.interfaces[i]
        let groups = f.securityGroups(ofInterface: i)
        let lost = direction == .ingress && identityLost
        let home = iface.vpc
        let carried = direction == .ingress ? lbIdentity : nil
        let f = self.f
        let d = SecurityGroupEvaluator.evaluate(groups, vpc: home, direction: direction, packet: packet,
                                                isMember: { ip, vpc, group in
                                                    if let (src, groups) = carried, src == ip, vpc == home, groups.contains(group) { return true }
                                                    return !lost && (vpc == home || f.peered(vpc, home)) && f.isMember(ip, vpc: vpc, group: group)
                                                },
                                                isMember6: { ip, vpc, group in
                                                    // An NLB that keeps an IPv6 client's address: as for IPv4 (`lbIdentity`).
                                                    if let (src, groups) = carried, src == .ipv6(ip), vpc == home, groups.contains(group) { return true }
                                                    return !lost && (vpc == home || f.peered(vpc, home)) && f.isMember6(ip, vpc: vpc, group: group)
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
        guard let acl = networkACLOf(vpc: vpc, subnet: subnet) else { return }
        networkACL(acl, subnet: subnet.ref, direction)
    }

    /// The network ACL of a subnet the fabric's entries hold (no copy of its VPC or subnet).
    mutating func networkACL(_ e: SubnetEntry, _ direction: NetworkACLEvaluator.Direction) {
        guard let acl = e.networkACL else { return }
        networkACL(acl, subnet: e.ref, direction)
    }

    /// Network ACL `acl` of subnet `subnet` judges the packet.
    mutating func networkACL(_ acl: NetworkACL, subnet: ObjectRef, _ direction: NetworkACLEvaluator.Direction) {
        let d = NetworkACLEvaluator.evaluate(acl, direction: direction, packet: packet)
        let dir = FilterDirection(direction)
        let aclRef = ObjectRef(id: acl.id, name: acl.name)
        hop(.subnet(subnet), Step(d.allowed ? .permitted : .denied, .networkACL(NetworkACLMatch(direction: dir, acl: aclRef, rule: d.rule, allowed: d.allowed)),
                                       component: acl.id, location: d.rule?.location ?? acl.location))
        if d.allowed, session, packet.hasPorts, let range = replyPortRange, range.count > 1 {
            let denied = NetworkACLEvaluator.deniedPorts(acl, direction: direction, packet: packet, range: range)
            if !denied.isEmpty {
                hop(.subnet(subnet), Step(.denied, .networkACLReplyPorts(dir, acl: aclRef, denied: denied, range: range), component: acl.id, location: acl.location))
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

    func leaveSubnet(_ subnetName: String) -> StageResult {
        .move(.subnetEgress(subnetName))
    }

    /// The route table of subnet entry `e` (its VPC and subnet read in place, not copied).
    mutating func route(_ e: SubnetEntry) -> StageResult {
        decisions += 1
        if decisions > Walk.maxDecisions {
            block(.loop, .loop, component: e.subnet.id, .tooManyDecisions(Walk.maxDecisions))
            finish(.loop, place: .subnet(e.ref), .loop, .loop(.tooManyDecisions))
            return .stop
        }
        guard visited.insert(VisitKey(place: .subnet(e.vpc.name, e.subnet.name), source: packet.source, destination: packet.destination)).inserted else {
            block(.loop, .loop, component: e.subnet.id, .subnetLoop(subnet: e.subnet.name))
            finish(.loop, place: .subnet(e.ref), .loop, .loop(.revisitedSubnet))
            return .stop
        }
        if case .ipv6(let d) = packet.destination { return route6(vpc: e.vpc, subnet: e.subnet, d) }
        guard let rt = e.routeTable else { return .stop }
        let table = ObjectRef(id: rt.table.id, name: rt.table.name)
        guard let m = f.lookup(rt, packet.destination) else {
            block(.noRouteToDestination, .noRoute, component: rt.table.id, .noRouteInTable(table: table, subnet: e.subnet.name, destination: packet.destination), at: rt.table.location)
            finish(.noRoute, place: .subnet(e.ref), .noRoute, .noRoute(.routeTable(table, destination: packet.destination)), component: rt.table.id, at: rt.table.location)
            return .stop
        }
        hop(.subnet(e.ref), Step(.forwarded, .route(RouteTableMatch(table: table, written: m.written, destination: .ipv4(m.destination), target: m.target, origin: m.origin)),
                                       component: rt.table.id, location: m.location ?? rt.table.location))
        switch m.target {
        case .local: return .move(.localDelivery(vpc: e.vpc.name, fromSubnet: e.subnet.name))
        case .blackhole:
            block(.badStateRoute, .nullRouted, component: rt.table.id, .blackholeRoute(table: table, written: m.written), at: m.location)
            finish(.nullRouted, place: .subnet(e.ref), .nullRouted, .nullRouted(.blackholeRoute), component: rt.table.id, at: m.location)
            return .stop
        case .internetGateway: return .move(.internetGateway(vpc: e.vpc.name))
        case .egressOnlyInternetGateway(let n):
            block(.noRouteToDestination, .noRoute, component: n, .egressOnlyGateway(n))
            finish(.noRoute, place: .egressOnlyInternetGateway(n), .noRoute, .noRoute(.egressOnlyIPv6))
            return .stop
        case .natGateway(let n): return .move(.natGateway(n, fromSubnet: e.subnet.name))
        case .peeringConnection(let n): return .move(.peering(n, fromVPC: e.vpc.name))
        case .transitGateway(let n): return .move(.transitGateway(n, fromSubnet: e.subnet.name))
        case .gatewayEndpoint(let n): return .move(.gatewayEndpoint(n, vpc: e.vpc.name))
        case .networkInterface(let n): return .move(.middlebox(n, fromSubnet: e.subnet.name))
        case .vpnGateway: return vpnGatewayEgress(vpc: e.vpc)
        }
    }

    mutating func localDelivery(_ v: VPCEntry, from subnet: String?) -> StageResult {
        guard let d = f.ownerOf(packet.destination), f.interfaces[d].vpc == v.vpc.name else {
            block(.unknownDestination, .noRoute, component: v.vpc.id, .noInterfaceInVPC(vpc: v.vpc.name, destination: packet.destination))
            finish(.noRoute, place: .vpc(v.vpc.name), .noRoute, .noRoute(.noInterfaceHas(packet.destination)), component: v.vpc.id)
            return .stop
        }
        let target = f.interfaces[d]
        if target.subnet != subnet, let e = f.subnetEntries[target.subnet] { networkACL(e, .inbound) }
        return .move(.arrive(d))
    }

    /// Arriving on an interface: a NAT gateway's address goes to its sessions; else the
    /// source/destination check and the security groups, and the wire past them.
    mutating func interfaceIngress(_ d: Int) -> StageResult {
        let iface = f.interfaces[d]
        if iface.kind == .natGateway { observe(.interfaceIn(d)); return .move(.natReturn(d)) }
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
        return .next
    }

    /// What owns the interface takes the packet: a load balancer node, a node's datapath, or
    /// the interface's own host (delivered).
    mutating func interfaceOwner(_ d: Int) -> StageResult {
        let iface = f.interfaces[d]
        if iface.kind == .loadBalancer { return .move(session ? .loadBalancerReturn(d) : .loadBalancer(d)) }
        // A node's ENI: the node's datapath decides (a pod's veth, the node itself, or onward).
        // A packet for a branch pod (Security Groups for Pods) comes in on the pod's VLAN.
        if iface.kind == .nodeENI, let node = iface.node, let host = datapaths?.get(node)?.host,
           let dev = host.branch(of: packet.destination)?.vlanDevice ?? host.inboundDevice(forInterfaceAddress: iface.primaryIP) {
            return .move(.node(node, .wire(dev)))
        }
        if iface.kind == .vpcEndpoint, !session, let e = f.endpointENIByInterface[d], let stop = interfaceEndpointPort(d, e) { return stop }
        deliveredAt = d
        var who = Delivery.interface(label: iface.label)
        if let pod = f.pod(at: packet.destination) { who = .podOnInterface(pod: pod, address: packet.destination, interface: iface.label) }
        let blocked = explanations.contains { $0.direction == direction }
        finish(.delivered, place: place(d), .delivered, .delivered(who, blockedEarlier: blocked))
        return .stop
    }

    // MARK: gateways

    static let privateRanges = IPv4CIDR.rfc1918 + [IPv4CIDR.rfc6598]

    mutating func internetGatewayEgress(vpc: VPC) -> StageResult {
        if case .ipv6 = packet.destination { return internetGatewayEgress6(vpc: vpc) }
        let igw = vpc.internetGateway.map { ObjectRef(id: $0.id, name: $0.name) }
        let name = Place.internetGateway(igw)
        let component = vpc.internetGateway?.id ?? vpc.id
        if Walk.privateRanges.contains(where: { $0.contains(packet.destination) }) {
            block(.igwDestinationAddressNotInRFC1918Egress, .deniedOut, component: component, .internetGatewayPrivateDestination(packet.destination))
            finish(.deniedOut, place: name, .denied, .filter(.privateDestination), component: component)
            return .stop
        }
        guard let srcOwner = f.ownerOf(packet.source), f.interfaces[srcOwner].primaryIP == packet.source,
              let pub = f.interfaces[srcOwner].publicIP else {
            block(.igwPublicIPAssociationForEgress, .deniedOut, component: component, .internetGatewayNoPublicAddress(packet.source))
            finish(.deniedOut, place: name, .denied, .filter(.noPublicAddress(packet.source)), component: component)
            return .stop
        }
        let before = packet
        packet.source = .ipv4(pub)
        sessions.append(Session(kind: .igw, outside: (.ipv4(pub), packet.sourcePort), inside: (before.source, packet.sourcePort)))
        hop(name, Step(.transformed, .internetGatewaySourceNAT(before: before, after: packet), component: component, packet: packet))
        if f.publicOwnerOf(packet.destination) != nil { return .move(.internet) }
        exitedVia = .internet
        observe(.internetEgress(vpc: vpc.name, gateway: igw))
        finish(.exitsNetwork, place: .internet(nil), .exitsNetwork, .exitsNetwork(.internet(packet.destination)))
        return .stop
    }

    /// A packet from the internet to a public address (or, wrongly, a private one).
    mutating func fromInternet() -> StageResult {
        if case .ipv6(let d) = packet.destination { return fromInternet6(d) }
        observe(.internetIngress(vpc: f.publicOwnerOf(packet.destination).map { f.interfaces[$0].vpc }))
        if !session, Walk.privateRanges.contains(where: { $0.contains(packet.source) }) {
            block(.igwSourceAddressNotInRFC1918Ingress, .deniedIn, component: "internet", .internetGatewayPrivateSource(packet.source))
            finish(.deniedIn, place: .internetGateway(nil), .denied, .filter(.privateSourceFromInternet))
            return .stop
        }
        if let d = f.publicOwnerOf(packet.destination) {
            let iface = f.interfaces[d]
            guard let vpc = f.vpcEntries[iface.vpc]?.vpc, let igw = vpc.internetGateway else {
                block(.noRouteToDestination, .noRoute, component: iface.id, .noInternetGateway(vpc: iface.vpc, destination: packet.destination))
                finish(.noRoute, place: .internet(nil), .noRoute, .noRoute(.noInternetGateway))
                return .stop
            }
            let before = packet
            if session, let i = sessions.lastIndex(where: { if case .igw = $0.kind { return $0.outside.0 == before.destination }; return false }) {
                packet.destination = sessions[i].inside.0
            } else {
                packet.destination = .ipv4(iface.primaryIP)
            }
            hop(.internetGateway(ObjectRef(id: igw.id, name: igw.name)), Step(.transformed, .internetGatewayDestinationNAT(before: before, after: packet),
                                                                              component: igw.id, location: igw.location, packet: packet))
            return .move(.localDelivery(vpc: vpc.name, fromSubnet: nil))
        }
        let d = packet.destination
        if let vpc = f.vpc(containing: d) {
            block(.igwPrivateIPAssociationForIngress, .noRoute, component: vpc.internetGateway?.id ?? vpc.id, .privateAddressFromInternet(d))
            hop(.internet(nil), Step(.noRoute, .noRoute(.privateFromInternet(d))))
            state.endOverride = .noRoute
            return .move(.localDelivery(vpc: vpc.name, fromSubnet: nil))
        }
        block(.noRouteToDestination, .noRoute, component: "internet", .outsideModelledNetworks(d))
        finish(.noRoute, place: .internet(nil), .noRoute, .noRoute(.outsideModelledNetworks(d)))
        return .stop
    }

    mutating func natGateway(_ name: String, from subnet: String) -> StageResult {
        guard let (vpc, nat, idx) = f.natByName[name] else { return .stop }
        let iface = f.interfaces[idx]
        let here = Place.natGateway(ObjectRef(id: nat.id, name: nat.name), address: .ipv4(iface.primaryIP), subnet: nat.subnet)
        if session {
            block(.asymmetricRoute, .deniedIn, component: nat.id, .natNoSession(natGateway: nat.name))
            finish(.deniedIn, place: here, .denied, .filter(.natNoSessionForReply), component: nat.id)
            return .stop
        }
        switch packet.ipProtocol {
        case .tcp, .udp, .icmp: break
        default:
            block(.protocolRestriction, .deniedIn, component: nat.id, .natProtocol(packet.ipProtocol), at: nat.location)
            finish(.deniedIn, place: here, .denied, .filter(.natProtocolNotSupported(packet.ipProtocol)), component: nat.id)
            return .stop
        }
        if !vpc.contains(packet.source) && !viaTransitGateway {
            block(.ngwRequiresSourceInVPC, .deniedIn, component: nat.id, .natSourceOutsideVPC(natGateway: nat.name, source: packet.source))
            finish(.deniedIn, place: here, .denied, .filter(.natSourceOutsideVPC), component: nat.id)
            return .stop
        }
        if subnet != nat.subnet, let e = f.subnetEntries[nat.subnet] { networkACL(e, .inbound) }
        observe(.interfaceIn(idx))
        let before = packet
        packet.source = .ipv4(iface.primaryIP)
        if packet.hasPorts {
            packet.sourcePort = UInt16(1024 + Int(StableHash.fnv1a("nat/\(before)", seed: f.topology.seed) % 64512))
        }
        sessions.append(Session(kind: .nat(nat.name), outside: (packet.source, packet.sourcePort), inside: (before.source, before.sourcePort),
                                outsideRange: packet.hasPorts ? 1024...65535 : nil))
        hop(here, Step(.transformed, .natGatewaySourceNAT(before: before, after: packet), component: nat.id, location: nat.location, packet: packet))
        observe(.interfaceOut(idx, neighbour: neighbour(of: idx)))
        return leaveSubnet(nat.subnet)
    }

    /// A reply arriving at a NAT gateway's address: translated back to the original source.
    mutating func natReceive(_ d: Int) -> StageResult {
        let iface = f.interfaces[d]
        guard let i = sessions.lastIndex(where: { s in
            if case .nat = s.kind { return s.outside.0 == packet.destination && (!packet.hasPorts || s.outside.1 == packet.destinationPort) }
            return false
        }) else {
            if endsAtOrigin(d) { return .stop }
            block(.ngwNoInbound, .deniedIn, component: iface.id, .natNoInbound(interface: iface.label))
            finish(.deniedIn, place: place(d), .denied, .filter(.natUnsolicitedInbound), component: iface.id)
            return .stop
        }
        let s = sessions[i]
        sessions[i].reversed = true
        let before = packet
        packet.destination = s.inside.0
        if packet.hasPorts { packet.destinationPort = s.inside.1 }
        hop(place(d), Step(.matchedSession, .natGatewaySession(before: before, after: packet), component: iface.id, packet: packet))
        observe(.interfaceOut(d, neighbour: neighbour(of: d)))
        return leaveSubnet(iface.subnet)
    }

    mutating func peering(_ name: String, from vpc: VPC) -> StageResult {
        guard let pcx = f.topology.peeringConnections.first(where: { $0.name == name }) else { return .stop }
        let otherName = pcx.requesterVPC == vpc.name ? pcx.accepterVPC : pcx.requesterVPC
        guard let other = f.vpcByName[otherName] else { return .stop }
        let here = Place.peering(ObjectRef(id: pcx.id, name: pcx.name))
        guard other.contains(packet.destination) else {
            block(.pcxRequiresAddressInVPCCIDR, .noRoute, component: pcx.id,
                  .peeringNotTransitive(peering: pcx.name, vpc: other.name, cidrs: Walk.peerBlocks(other, family: packet.destination), destination: packet.destination))
            finish(.noRoute, place: here, .noRoute, .noRoute(.outsidePeerVPC), component: pcx.id)
            return .stop
        }
        hop(here, Step(.forwarded, .peering(into: other.name), component: pcx.id, location: pcx.location))
        return .move(.localDelivery(vpc: other.name, fromSubnet: nil))
    }

    /// The peer VPC's blocks of the packet's family (a peering carries either family to the
    /// peer's blocks of it: IPv6 on AWS whitepaper, "VPC peering").
    static func peerBlocks(_ vpc: VPC, family d: IPAddress) -> [IPCIDR] {
        if case .ipv6 = d { return vpc.ipv6CidrBlocks.map { .ipv6($0) } }
        return vpc.cidrBlocks.map { .ipv4($0) }
    }

    mutating func gatewayEndpoint(_ name: String, vpc: VPC) -> StageResult {
        guard let e = vpc.gatewayEndpoints.first(where: { $0.name == name }) else { return .stop }
        let here = Place.gatewayEndpoint(ObjectRef(id: e.id, name: e.name), service: e.service)
        let ok = packet.ipProtocol == .tcp || (packet.ipProtocol == .icmp && (packet.icmpType == 8 || packet.icmpType == 0))
        if !ok {
            block(.vpceGatewayProtocolRestriction, .deniedIn, component: e.id, .gatewayEndpointProtocol(packet.ipProtocol), at: e.location)
            finish(.deniedIn, place: here, .denied, .filter(.endpointProtocolNotAccepted), component: e.id)
            return .stop
        }
        exitedVia = .endpoint(e.service, vpc)
        finish(.exitsNetwork, place: here, .exitsNetwork, .exitsNetwork(.gatewayEndpoint(service: e.service)), component: e.id, at: e.location)
        return .stop
    }

    /// A route to a network interface: an appliance receives the packet and forwards it.
    mutating func middlebox(_ name: String, from subnet: String) -> StageResult {
        guard let i = f.interfaceByName[name] else { return .stop }
        let iface = f.interfaces[i]
        if iface.subnet != subnet, let e = f.subnetEntries[iface.subnet] { networkACL(e, .inbound) }
        if f.ownerOf(packet.destination) == i { return .move(.arrive(i)) }
        if iface.sourceDestCheck {
            block(.eniSourceDestCheckRestriction, .deniedIn, component: iface.id, .sourceDestCheckAppliance(interface: iface.label, destination: packet.destination))
        }
        if session {
            // A stateful appliance drops a reply of a flow it did not see begin (the
            // asymmetric path a transit gateway without appliance mode makes).
            if f.statefulInterfaces.contains(i), !state.appliancesSeen.contains(i) {
                let zone = f.subnetEntries[iface.subnet]?.subnet.zone ?? "?"
                block(.asymmetricRoute, .deniedIn, component: iface.id, .applianceNoSession(interface: iface.label, zone: zone))
                finish(.deniedIn, place: place(i), .denied, .filter(.applianceNoSessionForReply), component: iface.id)
                return .stop
            }
            hop(place(i), Step(.matchedSession, .trackedConnection(.ingress, atAppliance: true)))
        } else {
            state.appliancesSeen.insert(i)
            securityGroups(i, .ingress)
        }
        hop(place(i), Step(.forwarded, .applianceForwards(interface: iface.label), component: iface.id))
        identityLost = true
        return .move(.interfaceEgress(i, originating: true))
    }

    // MARK: the reply

    /// The reply starts where the forward walk delivered the packet or left the network.
    mutating func startReply() -> StageResult {
        let origin = Step(.originated, .originate(packet, reply: true), packet: packet)
        let deliveredAt = state.deliveredAt, exitedVia = state.exitedVia
        state.deliveredAt = nil
        state.exitedVia = nil
        if let (node, from) = deliveredOnNode {
            if case .pod(let ip) = from {
                hop(.pod(f.pod(at: ip), address: ip), origin)
                return .move(.podEgress(node: node, pod: ip))
            }
            hop(.nodeHost(node, address: packet.source), origin)
            return .move(.node(node, from))
        }
        if let d = deliveredAt {
            hop(place(d), origin)
            return .move(.interfaceEgress(d, originating: true))
        }
        switch exitedVia {
        case .internet:
            hop(.internet(packet.source), origin)
            return .move(.internet)
        case .external(let e, let via):
            hop(.external(name: e.name, address: packet.source), origin)
            return enterFromExternal(e, via: via)
        case .endpoint(let service, let vpc):
            hop(.service(service), origin)
            return .move(.localDelivery(vpc: vpc.name, fromSubnet: nil))
        case nil:
            end = .noRoute
            return .stop
        }
    }
}

/// A place the walk has been, with the packet's addresses (a second visit is a loop).
struct VisitKey: Hashable {
    enum Where: Hashable { case subnet(String, String), transitGateway(String), transitGatewayAttachment(String, String) }
    var place: Where
    var source: IPAddress
    var destination: IPAddress

    /// The addresses first (cheap), then the place's names.
    static func == (a: VisitKey, b: VisitKey) -> Bool {
        a.destination == b.destination && a.source == b.source && a.place == b.place
    }
}

/// The places a walk has been: a handful (at most `Walk.maxDecisions` routing decisions), so a
/// list compared in order, with no hashing of names and no table to grow.
struct VisitSet {
    private var keys: [VisitKey] = []

    /// Adds `key`; `inserted` is false when it was there already (as `Set.insert` says).
    mutating func insert(_ key: VisitKey) -> (inserted: Bool, memberAfterInsert: VisitKey) {
        for k in keys where k == key { return (false, k) }
        if keys.capacity == 0 { keys.reserveCapacity(8) }
        keys.append(key)
        return (true, key)
    }

    func contains(_ key: VisitKey) -> Bool { keys.contains(key) }
    var count: Int { keys.count }
    var isEmpty: Bool { keys.isEmpty }
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

/// Which of a load balancer's nodes its DNS name returns for a listener (`Tracer.dnsAnswer`).
public struct DNSAnswer: Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// The listener's default action forwards to no target group (or there is no such listener).
        case noTargetGroup
        /// Every zone has a healthy target.
        case everyZoneHealthy
        /// Cross-zone load balancing is on and some target is healthy.
        case crossZone
        /// No target is healthy: ELB fails open and returns every node.
        case noHealthyTarget
        /// These zones have no healthy target, cross-zone is off: ELB leaves their nodes out.
        case zonesWithoutHealthyTarget([String])
    }
    /// Indices into the load balancer's nodes, in node order.
    public var nodes: [Int]
    public var reason: Reason

    /// Why, as a sentence end ("every zone has a healthy target").
    public var sentence: String {
        switch reason {
        case .noTargetGroup: return "the listener's default action forwards to no target group, so no health check takes a zone out of DNS"
        case .everyZoneHealthy: return "every zone has a healthy target"
        case .crossZone: return "cross-zone load balancing is on and a target is healthy, so every zone stays in DNS"
        case .noHealthyTarget: return "no target is healthy, so ELB fails open and returns every zone's address"
        case .zonesWithoutHealthyTarget(let zones):
            return "\(zones.joined(separator: ", ")) \(zones.count == 1 ? "has" : "have") no healthy target and cross-zone load balancing is off, so ELB leaves \(zones.count == 1 ? "its address" : "their addresses") out of DNS"
        }
    }
}
