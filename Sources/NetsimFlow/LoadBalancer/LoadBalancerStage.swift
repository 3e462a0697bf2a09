import NetsimKube
import NetsimModel
import NetsimVPC
import Synchronization

/// An HTTP request's host and path, for ALB listener rules.
public struct HTTPRequest: Sendable {
    public var host: String
    public var path: String
    public init(host: String, path: String) { self.host = host; self.path = path }
}

/// The health of one registered target, found by tracing the load balancer's check to it.
public struct TargetHealth: Sendable {
    public var target: String
    public var zone: String
    public var healthy: Bool
    /// Why (worded by `detail`).
    public var reason: HealthReason
}

/// What the load balancer did with a flow, for the trace's summary and its JSON.
public struct LoadBalancerLeg: Sendable {
    /// `ALB` or `NLB` (worded from `loadBalancerKind`).
    public var kind: String { loadBalancerKind.abbreviation }
    public var loadBalancerKind: LoadBalancer.Kind
    public var name: String
    public var arn: String
    public var dnsName: String
    public var scheme: String
    /// The node (zone and private address) that took the connection.
    public var zone: String
    /// The node's address the client reached: its IPv6 address for an IPv6 client.
    public var nodeAddress: IPAddress
    /// The listener that took the connection (nil: none listens on its port).
    public var listenerRef: ListenerRef? = nil
    /// The ALB listener rule that matched (nil: the default action, or no listener).
    public var matchedRule: LoadBalancer.Rule? = nil
    public var targetGroup: String?
    public var targetGroupType: LBC.TargetType?
    /// The target the connection went to.
    public var chosenTarget: LoadBalancer.Target?
    public var preserveClientIP: Bool?
    public var crossZone: Bool?
    public var health: [TargetHealth] = []
    /// No target was healthy, so the load balancer sent to all of them (fail open).
    public var failOpen = false
    /// The client's packet reached the load balancer's listener with nothing blocking it on
    /// the way (an ALB then answers the client itself, whatever happens behind it).
    public var reachedListener = false
}

/// What netsim does not model of a dualstack load balancer: the trace ends NOT_MODELLED there
/// with a caveat (`LOAD_BALANCER_IPV6_NOT_MODELLED`).
public enum LoadBalancerIPv6Gap: String, Sendable {
    /// An IPv6 target group with instance targets (a node's IPv6 address on its NodePort).
    case instanceTargets = "instance-targets"
    /// UDP through a dualstack NLB in IPv6 (a UDP listener's IPv6 clients, or an IPv6 target group).
    case udp
    /// IPv6 from outside the VPC to an internal load balancer (its IPv6 addresses are global, but
    /// whether ELB lets the internet reach an internal scheme's nodes is not modelled).
    case internalFromOutside = "internal-from-outside"
}

/// Health of each target group, traced once per tracer (the load balancer's state, not the flow's).
final class HealthCache: Sendable {
    let results = Mutex<[Int: [TargetHealth]]>([:])
}

extension Walk {
    /// A connection reaches a load balancer node: listener, rules, target group, target; then the
    /// load balancer's own connection (ALB) or the forwarded packet (NLB) leaves its ENI.
    mutating func loadBalancerStage(_ d: Int) -> StageResult {
        let iface = f.interfaces[d]
        guard let l = iface.loadBalancer else { return .stop }
        let lb = f.loadBalancers[l]
        let here = place(d)
        if session { return loadBalancerReply(d, lb) }
        if case .ipv6(let src) = packet.source, lb.scheme == .internal, !f.topology.vpcs.contains(where: { $0.contains(src) }) {
            return ipv6NotModelled(d, lb, targetGroup: "-", .internalFromOutside)
        }
        var leg = LoadBalancerLeg(loadBalancerKind: lb.kind, name: lb.name, arn: lb.arn, dnsName: lb.dnsName, scheme: lb.scheme.rawValue,
                                  zone: iface.subnet, nodeAddress: packet.destination.family == .ipv6 ? packet.destination : .ipv4(iface.primaryIP))
        leg.zone = lb.nodes.first { $0.interface == d }?.zone ?? "?"
        defer { lbLeg = lbLeg ?? leg }
        guard packet.hasPorts, let listener = lb.listener(port: packet.destinationPort, protocol: packet.ipProtocol) else {
            block(.elbv2ListenerPortRestriction, .deniedIn, component: lb.arn,
                  .noListener(loadBalancer: lb.label, packet: packet, listeners: lb.listeners.map { ListenerRef(protocolName: $0.protocolName, port: $0.port) }), at: lb.location)
            finish(.deniedIn, place: here, .denied, .noListener(packet), component: lb.arn, at: lb.location)
            return .stop
        }
        let listenerRef = ListenerRef(protocolName: listener.protocolName, port: listener.port)
        leg.listenerRef = listenerRef
        leg.reachedListener = explanations.isEmpty
        var action = listener.defaultAction
        var matched = false
        var req = http ?? HTTPRequest(host: lb.dnsName, path: "/")
        if req.host.isEmpty { req.host = lb.dnsName }
        if lb.kind == .application {
            var h = Wildcard.lower(req.host)
            if let colon = h.firstIndex(of: UInt8(ascii: ":")) { h.removeSubrange(colon...) }
            // path-pattern conditions compare the path only, never the query string.
            let pathBytes = Array(req.path.utf8.prefix { $0 != UInt8(ascii: "?") })
            if let (k, rule) = listener.rules.enumerated().first(where: { $0.element.matches(lowercasedHost: h, path: pathBytes) }) {
                action = rule.action
                leg.matchedRule = rule
                matched = true
                hop(here, Step(.permitted, .listenerRule(ListenerRuleMatch(listener: listenerRef, request: req, index: k, count: listener.rules.count, rule: rule)),
                               component: lb.arn, location: rule.location))
            } else {
                hop(here, Step(.forwarded, .noMatchingListenerRule(listenerRef, request: req, count: listener.rules.count), component: lb.arn, location: listener.location))
            }
        } else {
            hop(here, Step(.permitted, .listenerDefault(listenerRef), component: lb.arn, location: listener.location))
        }
        // Where the action that answers is written: the matching rule's action annotation (or
        // its path), else the listener's default action (or the listener).
        let actionAt = matched ? leg.matchedRule.map { $0.actionLocation ?? $0.location } : listener.defaultActionLocation ?? listener.location
        switch action {
        case .fixedResponse(let status, let type, let body):
            let r = HTTPResponse(status: status, contentType: type, body: body, location: nil)
            response = response ?? r
            block(matched ? .elbv2FixedResponse : .elbv2NoMatchingRule, .fixedResponse, component: lb.arn,
                  matched ? .fixedResponse(r)
                          : .noMatchingRule(loadBalancer: lb.label, listener: listenerRef, host: req.host, path: req.path, response: r),
                  at: actionAt)
            finish(.fixedResponse, place: here, .denied, .fixedResponse(loadBalancer: lb.label, r), component: lb.arn, at: actionAt)
            return .stop
        case .redirect(let redirect):
            let to = HTTPAnswer.redirectLocation(template: redirect.to, requestHost: req.host, requestPath: req.path,
                                                 listenerProtocol: listener.protocolName, listenerPort: listener.port)
            let r = HTTPResponse(status: redirect.status, contentType: "", body: "", location: to, locationTemplate: redirect.to)
            response = response ?? r
            block(.elbv2Redirect, .fixedResponse, component: lb.arn, .redirect(r, byDefault: !matched), at: actionAt)
            finish(.fixedResponse, place: here, .denied, .redirect(loadBalancer: lb.label, r), component: lb.arn, at: actionAt)
            return .stop
        case .forward(let i):
            return forward(d, lb, l, tg: i, leg: &leg)
        case .external(let tg):
            // A target group outside the cluster: netsim does not know its targets.
            finish(.notModelled, place: here, .notModelled, .externalTargetGroup(loadBalancer: lb.label, targetGroup: tg), component: lb.arn, at: leg.matchedRule?.location)
            return .stop
        }
    }

    /// Ends the walk NOT_MODELLED at a load balancer, for what netsim does not model of IPv6 there.
    mutating func ipv6NotModelled(_ d: Int, _ lb: LoadBalancer, targetGroup: String, _ gap: LoadBalancerIPv6Gap) -> StageResult {
        finish(.notModelled, place: place(d), .notModelled, .loadBalancerIPv6NotModelled(loadBalancer: lb.label, targetGroup: targetGroup, gap: gap),
               component: lb.arn, at: lb.location)
        return .stop
    }

    mutating func forward(_ d: Int, _ lb: LoadBalancer, _ l: Int, tg i: Int, leg: inout LoadBalancerLeg) -> StageResult {
        let iface = f.interfaces[d]
        let here = place(d)
        let tg = lb.targetGroups[i]
        if tg.ipAddressType == .ipv6 && tg.targetType == .instance { return ipv6NotModelled(d, lb, targetGroup: tg.name, .instanceTargets) }
        if lb.kind == .network, packet.ipProtocol == .udp, tg.ipAddressType == .ipv6 || packet.family == .ipv6 { return ipv6NotModelled(d, lb, targetGroup: tg.name, .udp) }
        leg.targetGroup = tg.name
        leg.targetGroupType = tg.targetType
        leg.crossZone = tg.crossZone
        if lb.kind == .network { leg.preserveClientIP = tg.preserveClientIP }
        guard !tg.targets.isEmpty else {
            block(.elbv2NoTargets, .noEndpoints, component: tg.arn,
                  .noRegisteredTargets(targetGroup: tg.name, service: tg.service, servicePort: tg.servicePort, targetType: tg.targetType), at: tg.location)
            finish(.noEndpoints, place: here, .denied, .noTarget(targetGroup: tg.name, .noTargets), component: tg.arn, at: tg.location)
            return .stop
        }
        let health = healthOf(l, i)
        leg.health = health
        let zone = leg.zone
        var eligible = tg.targets.indices.filter { health.indices.contains($0) ? health[$0].healthy : true }
        if eligible.isEmpty {
            leg.failOpen = true
            eligible = Array(tg.targets.indices)
            notes.append(.failOpen(targetGroup: tg.name, loadBalancer: lb.label))
        }
        // Targets in zones the load balancer has no node in are registered but get nothing.
        let spanned = Set(lb.nodes.map(\.zone))
        let outside = eligible.filter { !spanned.contains(tg.targets[$0].zone) }
        if !outside.isEmpty {
            eligible.removeAll { !spanned.contains(tg.targets[$0].zone) }
            notes.append(.targetsOutsideZones(count: outside.count, targetGroup: tg.name, loadBalancer: lb.label, zones: Set(outside.map { tg.targets[$0].zone }).sorted()))
            if eligible.isEmpty {
                block(.elbInstalledAZRestriction, .noEndpoints, component: tg.arn,
                      .targetsOutsideZones(targetGroup: tg.name, loadBalancer: lb.label, zones: spanned.sorted()), at: tg.location)
                finish(.noEndpoints, place: here, .denied, .noTarget(targetGroup: tg.name, .noTargetInLoadBalancerZones), component: tg.arn)
                return .stop
            }
        }
        if !tg.crossZone {
            let local = eligible.filter { tg.targets[$0].zone == zone }
            if local.isEmpty {
                block(.elbv2NoTargetsInAZ, .noEndpoints, component: tg.arn,
                      .noTargetInZone(targetGroup: tg.name, zone: zone, failOpen: leg.failOpen, others: eligible.count), at: tg.location)
                // Registered there but unhealthy (not failing open): no healthy target.
                let registered = !leg.failOpen && tg.targets.contains { $0.zone == zone }
                finish(.noEndpoints, place: here, .denied, .noTarget(targetGroup: tg.name, registered ? .noHealthyTargetInZone(zone) : .noTargetInZone(zone)), component: tg.arn)
                return .stop
            }
            eligible = local
        }
        // The target: --all-paths follows each; otherwise drawn from the flow and the seed.
        // With one eligible target the load balancer does not branch, and the choice is left
        // to kube-proxy further on.
        var k = 0
        if eligible.count > 1 {
            if choices.isEmpty, case .branch(let b)? = branchChoice {
                k = min(b, eligible.count - 1)
                branchChoice = nil
            } else {
                k = Int(StableHash.fnv1a("lb/\(lb.name)/\(packet)", seed: { if case .seeded(let s)? = branchChoice { return s }; return f.topology.seed }()) % UInt64(eligible.count))
            }
            if choices.isEmpty {
                choices = eligible.map { EndpointChoice(target: AddressPort(tg.targets[$0].address, tg.targets[$0].port), probability: 1.0 / Double(eligible.count)) }
                choiceBy = .loadBalancer(kind: lb.kind.abbreviation, name: lb.name)
            }
        }
        let target = tg.targets[eligible[k]]
        leg.chosenTarget = target
        let healthy = health.filter(\.healthy).count
        hop(here, Step(.forwarded, .targetGroup(TargetGroupPick(group: tg, healthy: healthy, zone: zone, target: target, eligible: eligible.count)),
                       component: tg.arn, location: tg.location))
        // Hairpin: a target reaching itself through an NLB that keeps the client's address.
        if lb.kind == .network, tg.preserveClientIP {
            let sameHost = target.address == packet.source || (target.node != nil && f.interface(owning: packet.source)?.node == target.node)
            if sameHost {
                block(.elbv2SourceAddressPreservation, .deniedIn, component: tg.arn, .hairpinWithPreservedClientIP(target: target.label), at: tg.location)
            }
        }
        let before = packet
        let newPort = UInt16(1024 + Int(StableHash.fnv1a("lb-port/\(before)", seed: f.topology.seed) % 64512))
        var preserved = false
        // A client of the other family than the target group's: the load balancer translates
        // (an ALB opens its own connection anyway; an NLB sends from its node's address of the
        // target group's family, keeping no client address: the controller's docs,
        // load-balancer-source-ranges).
        let translated = packet.family != tg.ipAddressType
        packet.destination = target.address
        packet.destinationPort = target.port
        if lb.kind == .application || !tg.preserveClientIP || translated {
            if tg.ipAddressType == .ipv6, let v6 = iface.ipv6 { packet.source = .ipv6(v6) } else { packet.source = .ipv4(iface.primaryIP) }
            packet.sourcePort = newPort
            if lb.kind == .application { connection += 1 }
        } else {
            preserved = true
        }
        var s = Session(kind: .loadBalancer(l), outside: (packet.source, packet.sourcePort), inside: (before.source, before.sourcePort),
                        outsideRange: preserved ? nil : 1024...65535)
        s.originalDestination = (before.destination, before.destinationPort)
        s.translatedDestination = (target.address, target.port)
        s.preserved = preserved
        sessions.append(s)
        hop(here, Step(.transformed, .loadBalancerForward(LoadBalancerHandOff(kind: lb.kind, before: before, after: packet, preserved: preserved, proxyProtocolV2: tg.proxyProtocolV2)),
                       component: lb.arn, packet: packet))
        // Target groups that reference the load balancer's groups admit it even when the
        // source is the client's address (an NLB with security groups).
        lbIdentity = (packet.source, lb.securityGroups)
        return .move(.interfaceEgress(d, originating: true))
    }

    /// A reply at a load balancer node (the position's stage).
    mutating func loadBalancerReturn(_ d: Int) -> StageResult {
        guard let l = f.interfaces[d].loadBalancer else { return .stop }
        return loadBalancerReply(d, f.loadBalancers[l])
    }

    /// A reply reaching the load balancer node: back to the client from the listener's address.
    mutating func loadBalancerReply(_ d: Int, _ lb: LoadBalancer) -> StageResult {
        let iface = f.interfaces[d]
        guard let i = sessions.lastIndex(where: { s in
            guard case .loadBalancer = s.kind, !s.reversed else { return false }
            if s.preserved { return s.inside.0 == packet.destination && s.translatedDestination.map { $0.0 == packet.source } == true }
            return s.outside.0 == packet.destination && (!packet.hasPorts || s.outside.1 == packet.destinationPort)
        }), let front = sessions[i].originalDestination else {
            if endsAtOrigin(d) { return .stop }
            // A reply to the node's own IPv6 address (its health check of an IPv6 target).
            if session, originInterface == d, case .ipv6(let a) = packet.destination, iface.ipv6 == a {
                deliveredAt = d
                finish(.delivered, place: place(d), .delivered, .deliveredToOpener(label: iface.label))
                return .stop
            }
            block(.asymmetricRoute, .deniedIn, component: lb.arn, .loadBalancerNoConnection(loadBalancer: lb.label))
            finish(.deniedIn, place: place(d), .denied, .filter(.loadBalancerNoConnectionForReply), component: lb.arn)
            return .stop
        }
        let s = sessions[i]
        sessions[i].reversed = true
        if lb.kind == .application { connection = max(0, connection - 1) }
        let before = packet
        packet.source = front.0
        packet.sourcePort = front.1
        packet.destination = s.inside.0
        packet.destinationPort = s.inside.1
        hop(place(d), Step(.matchedSession, .loadBalancerReturn(LoadBalancerHandOff(kind: lb.kind, before: before, after: packet, preserved: s.preserved, proxyProtocolV2: false)),
                           component: lb.arn, packet: packet))
        return .move(.interfaceEgress(d, originating: true))
    }

    /// An NLB that kept the client's address gets the target's reply back by its flow state,
    /// whatever the target's route table says (it would send the client's address elsewhere).
    mutating func returnToLoadBalancer(from i: Int) -> StageResult? {
        guard session, let s = sessions.last(where: { s in
            guard case .loadBalancer = s.kind, s.preserved, !s.reversed else { return false }
            return s.inside.0 == packet.destination && s.translatedDestination.map { $0.0 == packet.source && (!packet.hasPorts || $0.1 == packet.sourcePort) } == true
        }), case .loadBalancer(let l) = s.kind else { return nil }
        let lb = f.loadBalancers[l]
        guard let node = lb.nodes.first(where: { n in n.privateIP == s.outside.0 || n.ipv6Address.map { IPAddress.ipv6($0) == s.outside.0 } == true
                    || s.originalDestination.map { f.interfaces[n.interface].primaryIP == $0.0 || n.ipv6Address.map(IPAddress.ipv6) == $0.0 } == true }) ?? lb.nodes.first(where: { $0.interface >= 0 }),
              node.interface >= 0 else { return nil }
        let from = f.interfaces[i]
        hop(.subnet(f.subnetRef(from.subnet)), Step(.forwarded, .loadBalancerFlowReturn(loadBalancer: lb.label, client: packet.destination, node: .ipv4(node.privateIP)), component: lb.arn))
        if let (v, sn) = f.subnets[from.subnet] { networkACL(vpc: v, subnet: sn, .outbound) }
        if node.subnet != from.subnet, let (v, sn) = f.subnets[node.subnet] { networkACL(vpc: v, subnet: sn, .inbound) }
        observe(.interfaceIn(node.interface))
        return .move(.loadBalancerReturn(node.interface))
    }

    /// Each target's health, by tracing the check — the connection and its reply — from the
    /// load balancer node in its zone (the first node when none is there); cached per target group.
    mutating func healthOf(_ l: Int, _ i: Int) -> [TargetHealth] {
        let key = l << 16 | i
        if let h = ctx.health?.results.withLock({ $0[key] }) { return h }
        let out = Walk.checkHealth(f, datapaths: datapaths, pipeline: ctx.pipeline, policy: ctx.policy, l, i)
        ctx.health?.results.withLock { $0[key] = out }
        return out
    }

    static func checkHealth(_ f: FabricIndex, datapaths: DatapathCache?, pipeline: Pipeline, policy: PolicyEnforcement? = nil, _ l: Int, _ i: Int) -> [TargetHealth] {
        let lb = f.loadBalancers[l]
        let tg = lb.targetGroups[i]
        let hc = tg.healthCheck
        // Only an HTTP(S) check reads kube-proxy's 200 or 503; a TCP check completes the handshake.
        let readsHealthServer = hc.kubeProxyHealthServer && hc.protocolName != "TCP"
        var out: [TargetHealth] = []
        for t in tg.targets {
            guard let node = lb.nodes.first(where: { $0.zone == t.zone && $0.interface >= 0 }) ?? lb.nodes.first(where: { $0.interface >= 0 }) else { continue }
            let port = hc.port(for: t)
            // An IPv6 target group is checked over IPv6, from the node's IPv6 address.
            let from: IPAddress = t.ipv6 != nil ? node.ipv6Address.map(IPAddress.ipv6) ?? .ipv4(node.privateIP) : .ipv4(node.privateIP)
            var p = Packet(ipProtocol: .tcp, source: from, destination: t.address)
            p.destinationPort = port
            // The IPv4 key stays as it was (hc/LB/IP/PORT), so IPv4 captures and goldens keep their ports.
            p.sourcePort = UInt16(1024 + Int(StableHash.fnv1a("hc/\(lb.name)/\(t.ipv6.map { "\($0)" } ?? "\(t.ip)")/\(port)", seed: f.topology.seed) % 64512))
            let src = ResolvedEndpoint(place: .interface(node.interface), address: from, label: "\(lb.label) node \(from)", podNode: nil)
            let dst = ResolvedEndpoint(place: .interface(f.ownerOf(t.address) ?? node.interface), address: t.address, label: t.label, podNode: nil)
            let context = WalkContext(fabric: f, datapaths: datapaths, health: nil, direction: .forward, isReply: false, http: nil,
                                      entryZones: [:], originInterface: node.interface, clientPorts: nil, source: src, destination: dst, pipeline: pipeline,
                                      policy: policy)
            var w = Walk(context: context, packet: p)
            w.run(from: .originate)
            var healthy = false
            var detail: HealthReason
            if let e = w.explanations.first {
                detail = .blocked(e)
            } else if let (nodeName, origin) = w.deliveredOnNode {
                switch origin {
                case .pod(let ip):
                    let name = f.pod(at: ip) ?? ip.description
                    if let listens = w.podListens(ip, port: w.packet.destinationPort, protocol: .tcp), !listens {
                        detail = .podDeclaresNoPort(check: hc.description, pod: name, port: w.packet.destinationPort)
                    } else {
                        healthy = !hc.kubeProxyHealthServer
                        detail = .answeredByPod(check: hc.description, pod: name)
                    }
                case .host, .wire:
                    if readsHealthServer {
                        let local = w.localEndpoints(tg, node: nodeName)
                        healthy = local > 0
                        detail = .healthServer(node: nodeName, localEndpoints: local)
                    } else if hc.kubeProxyHealthServer {
                        healthy = true
                        detail = .tcpCheckOfHealthServer(node: nodeName)
                    } else {
                        detail = .nothingListensOnNode(node: nodeName, port: port)
                    }
                }
            } else if w.end == .delivered, let d = w.deliveredAt, f.interfaces[d].kind == .fargatePod {
                // A Fargate pod answers on its own ENI (no node between).
                let ip = w.packet.destination
                let name = f.pod(at: ip) ?? ip.description
                if let listens = w.podListens(ip, port: w.packet.destinationPort, protocol: .tcp), !listens {
                    detail = .podDeclaresNoPort(check: hc.description, pod: name, port: w.packet.destinationPort)
                } else {
                    healthy = !hc.kubeProxyHealthServer
                    detail = .answeredByPod(check: hc.description, pod: name)
                }
            } else {
                detail = .checkEnds(w.end)
            }
            // The reply (SYN-ACK) must come back to the node too.
            if healthy {
                var r = w.replyWalk(clientPorts: 1024...65535)
                r.run(from: .originateReply)
                if let e = r.explanations.first {
                    healthy = false
                    detail = .replyLost(e)
                } else if r.end != .delivered {
                    healthy = false
                    detail = .replyEnds(r.end)
                }
            }
            out.append(TargetHealth(target: t.label, zone: t.zone, healthy: healthy, reason: detail))
        }
        return out
    }

    /// Ready endpoints of the target group's Service port on a node.
    func localEndpoints(_ tg: LoadBalancer.TargetGroup, node: String) -> Int {
        let (ns, name) = { let p = tg.service.split(separator: "/"); return (String(p.first ?? ""), String(p.last ?? "")) }()
        guard let svc = f.topology.kubernetes.service(namespace: ns, name: name), let sel = svc.selector, !sel.isEmpty else { return 0 }
        return f.realized.pods.filter { p in p.node == node && p.namespace == ns && p.status == .running && sel.allSatisfy { p.labels[$0.key] == $0.value } }.count
    }

    /// Whose address the target sees, and where the client's went.
    func sourceAtTarget(_ ip: IPAddress) -> SourceAtTarget? {
        guard let leg = lbLeg else { return nil }
        let client = sessions.first { if case .loadBalancer = $0.kind { return true }; return false }?.inside.0
        var s: SourceAtTarget
        if let i = f.ownerOf(ip), f.interfaces[i].kind == .loadBalancer {
            s = SourceAtTarget(whose: .loadBalancerNode(leg.loadBalancerKind, zone: leg.zone))
        } else if ip == client {
            s = SourceAtTarget(whose: .client)
        } else if let i = f.ownerOf(ip), let n = f.interfaces[i].node {
            s = SourceAtTarget(whose: .nodeMasquerade(n))
        } else {
            s = SourceAtTarget(whose: .address(ip))
        }
        if ip != client, let c = client {
            if leg.loadBalancerKind == .application { s.client = .forwardedFor(c) }
            else if f.loadBalancers.first(where: { $0.name == leg.name })?.targetGroups.first(where: { $0.name == leg.targetGroup })?.proxyProtocolV2 == true { s.client = .proxyProtocol(c) }
            else { s.client = .lost(c) }
        }
        return s
    }

    /// Whether a pod listens on a port: its containers declare it (nil when they declare no
    /// ports at all, which says nothing).
    func podListens(_ ip: IPAddress, port: UInt16, protocol p: IPProtocol) -> Bool? {
        guard let key = f.pod(at: ip), let i = f.podByName[key] else { return nil }
        let pod = f.realized.pods[i]
        guard let w = f.topology.kubernetes.workload(pod.workloadKind, namespace: pod.namespace, name: pod.workload) else { return nil }
        let ports = w.template.containers.flatMap(\.ports)
        if ports.isEmpty { return nil }
        return ports.contains { $0.containerPort == port && $0.ipProtocol == p }
    }
}
