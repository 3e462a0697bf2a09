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
        w.capturing = capture
        if case .interface(let i) = src.place { w.originInterface = i }
        w.datapaths = datapaths
        w.health = health
        w.http = http
        w.branchChoice = choice
        w.start(src, dst)
        let forwardEnd = w.end ?? .noRoute
        var explanations = w.explanations
        var forward = PathTrace(end: forwardEnd, hops: w.hops, finalPacket: w.packet)
        forward.captures = w.captures
        var reply: PathTrace? = nil
        let routedBlock = explanations.contains { [.noRoute, .nullRouted, .loop].contains($0.disposition) }
        let echo = packet.ipProtocol == .icmp && packet.icmpType == 8
        if packet.hasPorts || echo, forwardEnd.isSuccess, !routedBlock {
            var r = w.replyWalk(clientPorts: clientPorts)
            r.startReply(forwardEnd: forwardEnd, deliveredAt: w.deliveredAt, exitedVia: w.exitedVia, original: src)
            explanations += r.explanations
            reply = PathTrace(end: r.end ?? .noRoute, hops: r.hops, finalPacket: r.packet)
            // A packet dropped on the way there is never answered.
            reply?.captures = w.explanations.isEmpty ? r.captures : []
        }
        let disposition = explanations.first?.disposition ?? (reply.map { $0.end.isSuccess ? forwardEnd : $0.end } ?? forwardEnd)
        var t = Trace(source: src.label, destination: dst.label, packet: packet, disposition: disposition, forward: forward,
                      reply: reply, explanations: explanations, notes: w.notes)
        t.choices = w.choices.map { (target: $0.0, probability: $0.1) }
        t.rejectedWithICMP = w.rejectedWithICMP
        t.choiceBy = w.choiceKind
        t.loadBalancer = w.lbLeg
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
    var visited = Set<String>()
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
    /// Recording capture points (`--pcap`), and which TCP connection the packet is on.
    var capturing = false
    var captures: [CapturePoint] = []
    var connection = 0
    /// The interface the flow started from (a reply to it ends there, even at a NAT gateway
    /// or a load balancer node that opened it, as a replayed capture has them do).
    var originInterface: Int? = nil
    /// kube-proxy's REJECT answered the client with an ICMP port unreachable.
    var rejectedWithICMP = false
    /// Set when a packet goes straight to a neighbour in the subnet: its MAC is the source the
    /// neighbour sees.
    var neighbourMAC: MACAddress? = nil
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
        r.capturing = capturing
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
        finish(.delivered, place: place(iface), type: "Delivered", "reply delivered to \(iface.label), which opened the connection", action: .delivered)
        return true
    }

    // MARK: recording

    mutating func hop(_ place: String, _ steps: [Step]) {
        if let last = hops.last, last.place == place { hops[hops.count - 1].steps += steps } else { hops.append(Hop(place: place, steps: steps)) }
    }

    mutating func block(_ code: String, _ d: Disposition, component: String, _ message: String, at loc: SourceLocation? = nil) {
        explanations.append(Explanation(code: code, direction: direction, disposition: d, component: component, message: message, location: loc))
    }

    mutating func finish(_ d: Disposition, place: String, type: String, _ detail: String, action: Step.Action, component: String? = nil, at loc: SourceLocation? = nil) {
        hop(place, [Step(type: type, action: action, detail: detail, component: component, location: loc, packet: nil)])
        if end == nil { end = d }
    }

    func place(_ i: Interface) -> String { "\(i.label) (\(i.primaryIP), \(i.id), \(i.subnet))" }

    // MARK: forward start

    mutating func start(_ src: ResolvedEndpoint, _ dst: ResolvedEndpoint) {
        switch src.place {
        case .interface(let i):
            hop(src.label, [Step(type: "Originate", action: .originated, detail: packet.description, component: nil, location: nil, packet: packet)])
            let iface = f.interfaces[i]
            if let node = src.podNode ?? (iface.kind == .nodeENI ? iface.node : nil) {
                let exit = nodeStage(node, origin: src.podNode != nil ? .pod(packet.source) : .host)
                afterNode(node, exit)
                return
            }
            if case .serviceIP = dst.place {
                block("UNKNOWN_DESTINATION", .noRoute, component: dst.label, "a Service's cluster IP exists only on cluster nodes (kube-proxy's rules); \(src.label) is not on one")
                finish(.noRoute, place: src.label, type: "Routing", "no kube-proxy here", action: .noRoute)
                return
            }
            leaveInterface(i, originating: true)
        case .internet:
            hop("internet (\(packet.source))", [Step(type: "Originate", action: .originated, detail: packet.description, component: nil, location: nil, packet: packet)])
            fromInternet()
        case .serviceIP:
            end = .noRoute
        case .externalNetwork(let e):
            hop("external \(e.name) (\(packet.source))", [Step(type: "Originate", action: .originated, detail: packet.description, component: nil, location: nil, packet: packet)])
            if let via = e.via, let tgw = f.topology.transitGateways.first(where: { $0.name == via }) {
                transitGateway(tgw, from: nil)
            } else {
                fromInternet()
            }
        }
    }

    // MARK: interfaces and subnets

    mutating func leaveInterface(_ i: Int, originating: Bool = false) {
        let iface = f.interfaces[i]
        let here = place(iface)
        observeEgress(i)
        if iface.kind == .natGateway { leaveSubnet(iface.vpc, iface.subnet); return }
        if !originating && iface.sourceDestCheck && f.ownerOf(packet.source) != i {
            block("ENI_SOURCE_DEST_CHECK_RESTRICTION", .deniedOut, component: iface.id,
                  "\(iface.label) has source/destination checking on and does not own the source \(packet.source)")
            hop(here, [Step(type: "SourceDestCheck", action: .denied, detail: "source/destination check: \(iface.label) does not own the source \(packet.source); EC2 drops the packet (the walk goes on to show the rest)",
                            component: iface.id, location: nil, packet: nil)])
        }
        if session {
            hop(here, [Step(type: "SecurityGroup", action: .matchedSession, detail: "egress: reply of a tracked connection, allowed by the security groups' state", component: nil, location: nil, packet: nil)])
        } else {
            securityGroups(i, .egress)
        }
        if session, returnToLoadBalancer(from: i) { return }
        if let d = f.ownerOf(packet.destination), d != i, f.interfaces[d].subnet == iface.subnet, f.interfaces[d].vpc == iface.vpc {
            hop("subnet \(iface.subnet)", [Step(type: "Routing", action: .forwarded, detail: "\(packet.destination) is in the same subnet: delivered directly, without the route table or network ACL", component: nil, location: nil, packet: nil)])
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
        let d = SecurityGroupEvaluator.evaluate(groups, vpc: home, direction: direction, packet: packet,
                                                isMember: { ip, vpc, group in
                                                    if let (src, groups) = carried, src == ip, vpc == home, groups.contains(group) { return true }
                                                    return !lost && (vpc == home || f.peered(vpc, home)) && f.isMember(ip, vpc: vpc, group: group)
                                                },
                                                prefixLists: f.prefixLists, groupVPC: { $0 == "default" ? nil : f.groupVPC[$0] })
        let names = groups.map { "\($0.id) \"\($0.name)\"" }.joined(separator: ", ")
        if d.allowed, let g = d.group, let r = d.rule, let k = d.ruleIndex {
            hop(place(iface), [Step(type: "SecurityGroup", action: .permitted,
                                    detail: "\(direction): \(g.id) \"\(g.name)\" rule #\(k + 1) allows \(Walk.describe(r, direction))",
                                    component: g.id, location: r.location, packet: nil)])
        } else {
            let noRules = groups.allSatisfy { (direction == .ingress ? $0.ingress : $0.egress).isEmpty }
            hop(place(iface), [Step(type: "SecurityGroup", action: .denied,
                                    detail: "\(direction): no rule of \(names.isEmpty ? "its security groups" : names) allows \(packet.description)",
                                    component: groups.first?.id, location: groups.first?.location, packet: nil)])
            let refs = groups.contains { g in (direction == .ingress ? g.ingress : g.egress).contains { if case .securityGroup = $0.peer { return true }; return false } }
            block(noRules ? "SG_HAS_NO_RULES" : (lost && refs ? "SG_REFERENCES_NOT_PRESERVED" : "ENI_SG_RULES_MISMATCH"), direction == .ingress ? .deniedIn : .deniedOut,
                  component: groups.map(\.id).joined(separator: ","),
                  "no \(direction) rule of \(names) on \(iface.label) allows \(packet.description)", at: groups.first?.location)
        }
    }

    mutating func networkACL(vpc: VPC, subnet: Subnet, _ direction: NetworkACLEvaluator.Direction) {
        guard let acl = vpc.networkACL(for: subnet) else { return }
        let d = NetworkACLEvaluator.evaluate(acl, direction: direction, packet: packet)
        let rule = d.rule.map { "rule \($0.number) \($0.action.rawValue) \($0.ipProtocol)\($0.ports.isAll ? "" : " \($0.ports)") \($0.block)" } ?? "rule * (32767) deny all"
        hop("subnet \(subnet.name)", [Step(type: "NetworkACL", action: d.allowed ? .permitted : .denied,
                                           detail: "\(direction): \(acl.id) \"\(acl.name)\" \(rule)", component: acl.id,
                                           location: d.rule?.location ?? acl.location, packet: nil)])
        if d.allowed, session, packet.hasPorts, let range = replyPortRange, range.count > 1 {
            let denied = NetworkACLEvaluator.deniedPorts(acl, direction: direction, packet: packet, range: range)
            if !denied.isEmpty {
                let list = denied.map { $0.description }.joined(separator: ", ")
                hop("subnet \(subnet.name)", [Step(type: "NetworkACL", action: .denied,
                    detail: "\(direction): \(acl.id) \"\(acl.name)\" denies replies to ports \(list) of the \(range.lowerBound)–\(range.upperBound) range the port is picked from",
                    component: acl.id, location: acl.location, packet: nil)])
                block("SUBNET_ACL_RESTRICTION", direction == .inbound ? .deniedIn : .deniedOut, component: acl.id,
                      "network ACL \"\(acl.name)\" of subnet \(subnet.name) lets replies through on port \(packet.destinationPort) but denies ports \(list); the port is picked from \(range.lowerBound)–\(range.upperBound), so those connections fail",
                      at: acl.location)
            }
        }
        if !d.allowed {
            var why = ""
            if session {
                why = " (a reply: network ACLs are stateless, so the \(direction) rules must allow port \(packet.destinationPort)"
                if packet.hasPorts, let range = replyPortRange, range.count > 1 {
                    let denied = NetworkACLEvaluator.deniedPorts(acl, direction: direction, packet: packet, range: range)
                    why += ", and every port of \(range.lowerBound)–\(range.upperBound) the port is picked from; denied now: \(denied.map { $0.description }.joined(separator: ", "))"
                }
                why += ")"
            }
            block("SUBNET_ACL_RESTRICTION", direction == .inbound ? .deniedIn : .deniedOut, component: acl.id,
                  "network ACL \"\(acl.name)\" of subnet \(subnet.name) denies \(direction) \(packet.description) by \(d.rule == nil ? "its final * rule" : "rule \(d.ruleLabel)")\(why)",
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
            block("LOOP", .loop, component: subnet.id, "more than \(Walk.maxDecisions) routing decisions: the path does not end")
            finish(.loop, place: "subnet \(subnet.name)", type: "Routing", "too many routing decisions", action: .loop)
            return
        }
        let key = "rt/\(vpc.name)/\(subnet.name)/\(packet.source)/\(packet.destination)"
        guard visited.insert(key).inserted else {
            block("LOOP", .loop, component: subnet.id, "the packet returns to subnet \(subnet.name) with the same addresses: a routing loop")
            finish(.loop, place: "subnet \(subnet.name)", type: "Routing", "routing loop: the packet has been here before", action: .loop)
            return
        }
        guard let rt = f.routeTable(vpc: vpc, subnet: subnet) else { return }
        guard let m = f.lookup(rt, packet.destination) else {
            block("NO_ROUTE_TO_DESTINATION", .noRoute, component: rt.table.id,
                  "route table \"\(rt.table.name)\" of subnet \(subnet.name) has no route to \(packet.destination)", at: rt.table.location)
            finish(.noRoute, place: "subnet \(subnet.name)", type: "Routing", "route table \(rt.table.id) \"\(rt.table.name)\": no route to \(packet.destination)", action: .noRoute, component: rt.table.id, at: rt.table.location)
            return
        }
        hop("subnet \(subnet.name)", [Step(type: "Routing", action: .forwarded,
                                           detail: "route table \(rt.table.id) \"\(rt.table.name)\": \(m.written) → \(m.target)\(m.origin == .endpoint ? " (gateway endpoint route)" : "")",
                                           component: rt.table.id, location: m.location ?? rt.table.location, packet: nil)])
        switch m.target {
        case .local: localDelivery(vpc: vpc, from: subnet.name)
        case .blackhole:
            block("BAD_STATE_ROUTE", .nullRouted, component: rt.table.id, "route \(m.written) in \"\(rt.table.name)\" is a blackhole", at: m.location)
            finish(.nullRouted, place: "subnet \(subnet.name)", type: "Routing", "blackhole route: the packet is dropped", action: .nullRouted, component: rt.table.id, at: m.location)
        case .internetGateway: internetGatewayEgress(vpc: vpc)
        case .egressOnlyInternetGateway(let n):
            block("NO_ROUTE_TO_DESTINATION", .noRoute, component: n, "egress-only internet gateway \(n) carries IPv6 only")
            finish(.noRoute, place: "egress-only internet gateway \(n)", type: "Routing", "IPv6 only: an IPv4 packet goes nowhere", action: .noRoute)
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
            block("UNKNOWN_DESTINATION", .noRoute, component: vpc.id, "no network interface in VPC \(vpc.name) has the address \(packet.destination)")
            finish(.noRoute, place: "VPC \(vpc.name)", type: "Routing", "no interface has \(packet.destination)", action: .noRoute, component: vpc.id)
            return
        }
        let target = f.interfaces[d]
        if target.subnet != subnet, let (v, s) = f.subnets[target.subnet] { networkACL(vpc: v, subnet: s, .inbound) }
        arrive(d)
    }

    mutating func arrive(_ d: Int) {
        let iface = f.interfaces[d]
        if iface.kind == .natGateway { observeIngress(d); natReceive(d); return }
        if f.ownerOf(packet.destination) != d && iface.sourceDestCheck {
            block("ENI_SOURCE_DEST_CHECK_RESTRICTION", .deniedIn, component: iface.id, "\(iface.label) has source/destination checking on and does not own \(packet.destination)")
        }
        if session {
            hop(place(iface), [Step(type: "SecurityGroup", action: .matchedSession, detail: "ingress: reply of a tracked connection, allowed by the security groups' state", component: nil, location: nil, packet: nil)])
        } else {
            securityGroups(d, .ingress)
        }
        // A capture on the interface sees what its security groups let in.
        observeIngress(d)
        if iface.kind == .loadBalancer { loadBalancerStage(d); return }
        // A node's ENI: the node's datapath decides (a pod's veth, the node itself, or onward).
        if iface.kind == .nodeENI, let node = iface.node, let dev = datapaths?.get(node)?.host.enis.first(where: { $0.primaryIP == iface.primaryIP })?.interface {
            afterNode(node, nodeStage(node, origin: .wire(dev)))
            return
        }
        deliveredAt = d
        var who = iface.label
        if let pod = f.podByIP[packet.destination.value] { who = "pod \(pod) (\(packet.destination)) on \(iface.label)" }
        let blocked = explanations.contains { $0.direction == direction }
        finish(.delivered, place: place(iface), type: "Delivered", blocked ? "would be delivered to \(who), were it not for the blocks above" : "delivered to \(who)", action: .delivered)
    }

    // MARK: gateways

    static let privateRanges = IPv4CIDR.rfc1918 + [IPv4CIDR.rfc6598]

    mutating func internetGatewayEgress(vpc: VPC) {
        let name = vpc.internetGateway.map { "internet gateway \($0.name) (\($0.id))" } ?? "internet gateway"
        let component = vpc.internetGateway?.id ?? vpc.id
        if Walk.privateRanges.contains(where: { $0.contains(packet.destination) }) {
            block("IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS", .deniedOut, component: component, "an internet gateway does not forward to the private address \(packet.destination)")
            finish(.deniedOut, place: name, type: "Filter", "private destination: dropped", action: .denied, component: component)
            return
        }
        guard let srcOwner = f.ownerOf(packet.source), f.interfaces[srcOwner].primaryIP == packet.source,
              let pub = f.interfaces[srcOwner].publicIP else {
            block("IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS", .deniedOut, component: component,
                  "the source \(packet.source) has no public or Elastic IP address, so the internet gateway cannot translate it")
            finish(.deniedOut, place: name, type: "Filter", "no public address for \(packet.source): dropped", action: .denied, component: component)
            return
        }
        let before = packet.source
        packet.source = pub
        sessions.append(Session(kind: .igw, outside: (pub, packet.sourcePort), inside: (before, packet.sourcePort)))
        hop(name, [Step(type: "SourceNAT", action: .transformed, detail: "1:1 NAT: source \(before) → public \(pub)", component: component, location: nil, packet: packet)])
        if f.publicOwnerOf(packet.destination) != nil {
            fromInternet()
            return
        }
        exitedVia = .internet
        if capturing { observe("internet, past \(name)", igwMAC(vpc.name), Walk.internetMAC) }
        finish(.exitsNetwork, place: "internet", type: "ExitsNetwork", "leaves AWS toward \(packet.destination) on the internet", action: .exitsNetwork)
    }

    /// A packet from the internet to a public address (or, wrongly, a private one).
    mutating func fromInternet() {
        if capturing { observe("internet, toward \(packet.destination)", Walk.internetMAC, igwMAC(f.publicOwnerOf(packet.destination).map { f.interfaces[$0].vpc } ?? "internet")) }
        if !session, Walk.privateRanges.contains(where: { $0.contains(packet.source) }) {
            block("IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS", .deniedIn, component: "internet",
                  "an internet gateway drops packets from the private address \(packet.source)")
            finish(.deniedIn, place: "internet gateway", type: "Filter", "private source from the internet: dropped", action: .denied)
            return
        }
        if let d = f.publicOwnerOf(packet.destination) {
            let iface = f.interfaces[d]
            guard let vpc = f.vpcByName[iface.vpc], let igw = vpc.internetGateway else {
                block("NO_ROUTE_TO_DESTINATION", .noRoute, component: iface.id, "VPC \(iface.vpc) has no internet gateway for \(packet.destination)")
                finish(.noRoute, place: "internet", type: "Routing", "no internet gateway", action: .noRoute)
                return
            }
            let before = packet.destination
            if session, let i = sessions.lastIndex(where: { if case .igw = $0.kind { return $0.outside.0 == before }; return false }) {
                packet.destination = sessions[i].inside.0
            } else {
                packet.destination = iface.primaryIP
            }
            hop("internet gateway \(igw.name) (\(igw.id))", [Step(type: "DestinationNAT", action: .transformed,
                detail: "1:1 NAT: destination \(before) → private \(packet.destination)", component: igw.id, location: igw.location, packet: packet)])
            localDelivery(vpc: vpc, from: nil)
            return
        }
        let d = packet.destination
        if let vpc = f.vpc(containing: d) {
            block("IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS", .noRoute, component: vpc.internetGateway?.id ?? vpc.id,
                  "\(d) is a private address with no public or Elastic IP: the internet cannot reach it")
            hop("internet", [Step(type: "Routing", action: .noRoute, detail: "\(d) is private; the internet has no route to it (the walk goes on as if it had, to find every other block)", component: nil, location: nil, packet: nil)])
            localDelivery(vpc: vpc, from: nil)
            end = .noRoute
            return
        }
        block("NO_ROUTE_TO_DESTINATION", .noRoute, component: "internet", "\(d) is not an address of the modelled network")
        finish(.noRoute, place: "internet", type: "Routing", "\(d) is outside every modelled network", action: .noRoute)
    }

    mutating func natGateway(_ name: String, from subnet: String) {
        guard let (vpc, nat, idx) = f.natByName[name] else { return }
        let iface = f.interfaces[idx]
        let here = "NAT gateway \(nat.name) (\(iface.primaryIP), \(nat.id), \(nat.subnet))"
        if session {
            block("ASYMMETRIC_ROUTE", .deniedIn, component: nat.id,
                  "the reply is routed to NAT gateway \(nat.name), which has no session for it: the connection came in another way, so the reply must return the same way")
            finish(.deniedIn, place: here, type: "Filter", "no session for this reply: dropped", action: .denied, component: nat.id)
            return
        }
        switch packet.ipProtocol {
        case .tcp, .udp, .icmp: break
        default:
            block("PROTOCOL_RESTRICTION", .deniedIn, component: nat.id, "a NAT gateway forwards only TCP, UDP and ICMP, not \(packet.ipProtocol)", at: nat.location)
            finish(.deniedIn, place: here, type: "Filter", "protocol \(packet.ipProtocol) not supported: dropped", action: .denied, component: nat.id)
            return
        }
        if !vpc.contains(packet.source) && !viaTransitGateway {
            block("NGW_REQUIRES_SOURCE_IN_VPC", .deniedIn, component: nat.id, "NAT gateway \(nat.name) takes traffic only from its own VPC, not from \(packet.source)")
            finish(.deniedIn, place: here, type: "Filter", "source outside the VPC: dropped", action: .denied, component: nat.id)
            return
        }
        if subnet != nat.subnet, let (v, s) = f.subnets[nat.subnet] { networkACL(vpc: v, subnet: s, .inbound) }
        observeIngress(idx)
        let before = packet
        packet.source = iface.primaryIP
        if packet.hasPorts {
            packet.sourcePort = UInt16(1024 + Int(StableHash.fnv1a("nat/\(before)", seed: f.topology.seed) % 64512))
        }
        sessions.append(Session(kind: .nat(nat.name), outside: (packet.source, packet.sourcePort), inside: (before.source, before.sourcePort),
                                outsideRange: packet.hasPorts ? 1024...65535 : nil))
        hop(here, [Step(type: "SourceNAT", action: .transformed,
                        detail: "source \(before.source)\(before.hasPorts ? ":\(before.sourcePort)" : "") → \(packet.source)\(packet.hasPorts ? ":\(packet.sourcePort)" : "") (a port of 1024–65535)",
                        component: nat.id, location: nat.location, packet: packet)])
        observeEgress(idx)
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
            block("NGW_NO_INBOUND", .deniedIn, component: iface.id, "\(iface.label) accepts no connection from outside; it only translates connections its VPC starts")
            finish(.deniedIn, place: place(iface), type: "Filter", "unsolicited inbound: dropped", action: .denied, component: iface.id)
            return
        }
        let s = sessions[i]
        sessions[i].reversed = true
        let before = packet.destination
        packet.destination = s.inside.0
        if packet.hasPorts { packet.destinationPort = s.inside.1 }
        hop(place(iface), [Step(type: "DestinationNAT", action: .matchedSession, detail: "session: destination \(before) → \(packet.destination)\(packet.hasPorts ? ":\(packet.destinationPort)" : "")", component: iface.id, location: nil, packet: packet)])
        observeEgress(d)
        leaveSubnet(iface.vpc, iface.subnet)
    }

    mutating func peering(_ name: String, from vpc: VPC) {
        guard let pcx = f.topology.peeringConnections.first(where: { $0.name == name }) else { return }
        let otherName = pcx.requesterVPC == vpc.name ? pcx.accepterVPC : pcx.requesterVPC
        guard let other = f.vpcByName[otherName] else { return }
        let here = "peering connection \(pcx.name) (\(pcx.id))"
        guard other.contains(packet.destination) else {
            block("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", .noRoute, component: pcx.id,
                  "peering \(pcx.name) carries only traffic to \(other.name)'s CIDR blocks (\(other.cidrBlocks.map(\.description).joined(separator: ", "))), not \(packet.destination): peering is not transitive")
            finish(.noRoute, place: here, type: "Routing", "destination outside the peer VPC: dropped", action: .noRoute, component: pcx.id)
            return
        }
        hop(here, [Step(type: "Routing", action: .forwarded, detail: "into VPC \(other.name)", component: pcx.id, location: pcx.location, packet: nil)])
        localDelivery(vpc: other, from: nil)
    }

    mutating func transitGateway(_ tgw: TransitGateway, from vpc: VPC?, subnet: Subnet? = nil) {
        let here = "transit gateway \(tgw.name) (\(tgw.id))"
        // AZ affinity: the flow enters the transit gateway through the source VPC attachment's
        // ENI in the sender's zone; a zone without an attachment subnet cannot reach it.
        var zone: String? = nil
        if let vpc, let subnet {
            let (list, named) = tgw.attachmentSubnets(in: vpc)
            if named && !list.contains(where: { $0.zone == subnet.zone }) {
                block("TGW_ATTACH_VPC_AZ_RESTRICTION", .noRoute, component: tgw.id,
                      "the attachment of VPC \(vpc.name) to transit gateway \(tgw.name) has no subnet in \(subnet.zone) (it has \(list.map { "\($0.name) in \($0.zone)" }.joined(separator: ", "))): resources in that zone cannot reach the transit gateway",
                      at: tgw.location)
                finish(.noRoute, place: here, type: "Routing", "no attachment subnet in \(subnet.zone)", action: .noRoute, component: tgw.id, at: tgw.location)
                return
            }
            zone = subnet.zone
        }
        var best: TransitGateway.Route? = nil
        for r in tgw.routes where r.destination.contains(packet.destination) {
            if best == nil || r.destination.prefixLength > (best?.destination.prefixLength ?? -1) { best = r }
        }
        guard let r = best else {
            block("TGW_RTB_CANNOT_ROUTE", .noRoute, component: tgw.id, "transit gateway \(tgw.name) has no route to \(packet.destination)", at: tgw.location)
            finish(.noRoute, place: here, type: "Routing", "no route to \(packet.destination)", action: .noRoute, component: tgw.id, at: tgw.location)
            return
        }
        let key = "tgw/\(tgw.name)/\(packet.source)/\(packet.destination)"
        guard visited.insert(key).inserted else {
            block("LOOP", .loop, component: tgw.id, "the packet returns to transit gateway \(tgw.name): a routing loop")
            finish(.loop, place: here, type: "Routing", "routing loop", action: .loop, component: tgw.id)
            return
        }
        switch r.target {
        case .blackhole:
            block("TGW_RTB_BAD_STATE_ROUTE", .nullRouted, component: tgw.id, "transit gateway route \(r.destination) is a blackhole", at: r.location)
            finish(.nullRouted, place: here, type: "Routing", "\(r.destination) → blackhole", action: .nullRouted, component: tgw.id, at: r.location)
        case .vpc(let name):
            guard tgw.vpcAttachments.contains(name), let target = f.vpcByName[name] else {
                block("TGW_RTB_NO_ROUTE_TO_TGW_ATTACHMENT", .noRoute, component: tgw.id, "transit gateway \(tgw.name) routes \(r.destination) to VPC \(name), which is not attached to it", at: r.location)
                finish(.noRoute, place: here, type: "Routing", "no attachment for VPC \(name)", action: .noRoute, component: tgw.id, at: r.location)
                return
            }
            hop(here, [Step(type: "Routing", action: .forwarded, detail: "\(r.destination) → attachment of VPC \(name)", component: tgw.id, location: r.location, packet: nil)])
            if target.contains(packet.destination) {
                localDelivery(vpc: target, from: nil)
            } else if var (subnet, sameZone, named) = tgw.entrySubnet(in: target, zone: zone) {
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
                var why = named ? "the attachment's subnet in \(subnet.zone)" : "the default attachment subnet of \(subnet.zone) (the zone's smallest subnet; name the attachment's subnets to choose)"
                if !sameZone {
                    if alternative { why += "; tracing the transit gateway's other choice of zone, \(subnet.zone)" }
                    else { why += zone.map { "; the attachment has no subnet in \($0), so the transit gateway crosses to another zone (netsim takes \(subnet.zone))" } ?? "; the flow comes from outside the VPCs, so the transit gateway may take any zone of the attachment (netsim takes \(subnet.zone))" }
                }
                hop(here, [Step(type: "Routing", action: .forwarded, detail: "enters VPC \(name) through subnet \(subnet.name): \(why)", component: tgw.id, location: r.location, packet: nil)])
                viaTransitGateway = true
                route(vpc: target, subnet: subnet)
            } else {
                block("NO_ROUTE_TO_DESTINATION", .noRoute, component: tgw.id, "VPC \(name) has no subnet to route \(packet.destination) onward")
                finish(.noRoute, place: "VPC \(name)", type: "Routing", "no route", action: .noRoute)
            }
        case .external(let name):
            hop(here, [Step(type: "Routing", action: .forwarded, detail: "\(r.destination) → \(name)", component: tgw.id, location: r.location, packet: nil)])
            guard let e = f.topology.externals.first(where: { $0.name == name }) else { return }
            exitedVia = .external(e, tgw)
            finish(.exitsNetwork, place: "external \(name)", type: "ExitsNetwork", "leaves AWS toward external network \(name)", action: .exitsNetwork)
        }
    }

    mutating func gatewayEndpoint(_ name: String, vpc: VPC) {
        guard let e = vpc.gatewayEndpoints.first(where: { $0.name == name }) else { return }
        let here = "gateway endpoint \(e.name) (\(e.id), \(e.service))"
        let ok = packet.ipProtocol == .tcp || (packet.ipProtocol == .icmp && (packet.icmpType == 8 || packet.icmpType == 0))
        if !ok {
            block("VPCE_GATEWAY_PROTOCOL_RESTRICTION", .deniedIn, component: e.id, "a gateway endpoint accepts only TCP and ICMP echo, not \(packet.ipProtocol)", at: e.location)
            finish(.deniedIn, place: here, type: "Filter", "protocol not accepted", action: .denied, component: e.id)
            return
        }
        exitedVia = .endpoint(e.service, vpc)
        finish(.exitsNetwork, place: here, type: "ExitsNetwork", "to \(e.service) through the gateway endpoint", action: .exitsNetwork, component: e.id, at: e.location)
    }

    /// A route to a network interface: an appliance receives the packet and forwards it.
    mutating func middlebox(_ name: String, from subnet: String) {
        guard let i = f.interfaceByName[name] else { return }
        let iface = f.interfaces[i]
        if iface.subnet != subnet, let (v, s) = f.subnets[iface.subnet] { networkACL(vpc: v, subnet: s, .inbound) }
        if f.ownerOf(packet.destination) == i { arrive(i); return }
        if iface.sourceDestCheck {
            block("ENI_SOURCE_DEST_CHECK_RESTRICTION", .deniedIn, component: iface.id,
                  "\(iface.label) receives traffic for \(packet.destination) but has source/destination checking on; turn it off on a middlebox", at: nil)
        }
        if session {
            hop(place(iface), [Step(type: "SecurityGroup", action: .matchedSession, detail: "ingress: reply of a tracked connection", component: nil, location: nil, packet: nil)])
        } else {
            securityGroups(i, .ingress)
        }
        hop(place(iface), [Step(type: "Forward", action: .forwarded,
                                detail: "the appliance forwards the packet (from here on, security-group references no longer match the original sender)",
                                component: iface.id, location: nil, packet: nil)])
        identityLost = true
        leaveInterface(i, originating: true)
    }

    // MARK: the reply

    mutating func startReply(forwardEnd: Disposition, deliveredAt: Int?, exitedVia: Exit?, original: ResolvedEndpoint) {
        if let (node, origin) = deliveredOnNode {
            let who: String
            if case .pod(let ip) = origin { who = "pod \(f.podByIP[ip.value] ?? "?") (\(ip))" } else { who = "node \(node) (\(packet.source))" }
            hop(who, [Step(type: "Originate", action: .originated, detail: "reply " + packet.description, component: nil, location: nil, packet: packet)])
            let exit = nodeStage(node, origin: origin)
            afterNode(node, exit)
            return
        }
        if let d = deliveredAt {
            let iface = f.interfaces[d]
            hop(place(iface), [Step(type: "Originate", action: .originated, detail: "reply " + packet.description, component: nil, location: nil, packet: packet)])
            leaveInterface(d, originating: true)
            return
        }
        switch exitedVia {
        case .internet:
            hop("internet (\(packet.source))", [Step(type: "Originate", action: .originated, detail: "reply " + packet.description, component: nil, location: nil, packet: packet)])
            fromInternet()
        case .external(let e, let tgw):
            hop("external \(e.name) (\(packet.source))", [Step(type: "Originate", action: .originated, detail: "reply " + packet.description, component: nil, location: nil, packet: packet)])
            transitGateway(tgw, from: nil)
        case .endpoint(let service, let vpc):
            hop(service, [Step(type: "Originate", action: .originated, detail: "reply " + packet.description, component: nil, location: nil, packet: packet)])
            localDelivery(vpc: vpc, from: nil)
        case nil:
            end = .noRoute
        }
    }

    static func describe(_ r: SecurityGroupRule, _ d: SecurityGroupEvaluator.Direction) -> String {
        let what: String
        switch r.ipProtocol {
        case .all: what = "all traffic"
        case .tcp, .udp: what = "\(r.ipProtocol) \(r.ports.isAll ? "all ports" : r.ports.description)"
        case .icmp: what = "icmp \(r.icmp)"
        default: what = "\(r.ipProtocol)"
        }
        return "\(what) \(d == .ingress ? "from" : "to") \(r.peer)\(r.description.isEmpty ? "" : " (\"\(r.description)\")")"
    }
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
