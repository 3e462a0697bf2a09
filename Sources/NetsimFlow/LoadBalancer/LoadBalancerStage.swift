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
    /// Why, in one line: `delivered to pod …`, or the first block of the check's trace.
    public var detail: String
}

/// What the load balancer did with a flow, for the trace's summary and its JSON.
public struct LoadBalancerLeg: Sendable {
    public var kind: String
    public var name: String
    public var arn: String
    public var dnsName: String
    public var scheme: String
    /// The node (zone and private address) that took the connection.
    public var zone: String
    public var nodeAddress: IPv4Address
    public var listener: String
    /// `priority N: conditions (ingress path)`, or `default action`.
    public var rule: String?
    public var targetGroup: String?
    public var targetType: String?
    public var target: String?
    public var preserveClientIP: Bool?
    public var crossZone: Bool?
    public var health: [TargetHealth] = []
    /// No target was healthy, so the load balancer sent to all of them (fail open).
    public var failOpen = false
    /// The client's packet reached the load balancer's listener with nothing blocking it on
    /// the way (an ALB then answers the client itself, whatever happens behind it).
    public var reachedListener = false
}

/// Health of each target group, traced once per tracer (the load balancer's state, not the flow's).
final class HealthCache: Sendable {
    let results = Mutex<[Int: [TargetHealth]]>([:])
}

extension Walk {
    /// A connection reaches a load balancer node: listener, rules, target group, target; then the
    /// load balancer's own connection (ALB) or the forwarded packet (NLB) leaves its ENI.
    mutating func loadBalancerStage(_ d: Int) {
        let iface = f.interfaces[d]
        guard let l = iface.loadBalancer else { return }
        let lb = f.loadBalancers[l]
        let here = place(iface)
        if session { loadBalancerReply(d, lb); return }
        var leg = LoadBalancerLeg(kind: lb.kind.abbreviation, name: lb.name, arn: lb.arn, dnsName: lb.dnsName, scheme: lb.scheme.rawValue,
                                  zone: iface.subnet, nodeAddress: iface.primaryIP, listener: "")
        leg.zone = lb.nodes.first { $0.interface == d }?.zone ?? "?"
        defer { lbLeg = lbLeg ?? leg }
        guard packet.hasPorts, let listener = lb.listener(port: packet.destinationPort, protocol: packet.ipProtocol) else {
            let list = lb.listeners.map { "\($0.protocolName):\($0.port)" }.joined(separator: ", ")
            block("ELBV2_LISTENER_PORT_RESTRICTION", .deniedIn, component: lb.arn,
                  "\(lb.label) has no listener for \(packet.ipProtocol)\(packet.hasPorts ? " port \(packet.destinationPort)" : ""); it listens on \(list.isEmpty ? "nothing" : list)", at: lb.location)
            finish(.deniedIn, place: here, type: "Listener", "no listener for \(packet.description)", action: .denied, component: lb.arn, at: lb.location)
            return
        }
        leg.listener = "\(listener.protocolName):\(listener.port)"
        leg.reachedListener = explanations.isEmpty
        var action = listener.defaultAction
        var ruleText = "default action"
        if lb.kind == .application {
            var req = http ?? HTTPRequest(host: lb.dnsName, path: "/")
            if req.host.isEmpty { req.host = lb.dnsName }
            var h = Wildcard.lower(req.host)
            if let colon = h.firstIndex(of: UInt8(ascii: ":")) { h.removeSubrange(colon...) }
            let pathBytes = Array(req.path.utf8)
            if let (k, rule) = listener.rules.enumerated().first(where: { $0.element.matches(lowercasedHost: h, path: pathBytes) }) {
                action = rule.action
                ruleText = "priority \(rule.priority): \(rule.conditions) (from \(rule.origin))"
                hop(here, [Step(type: "ListenerRule", action: .permitted,
                                detail: "\(leg.listener) request Host: \(req.host), path \(req.path): rule \(k + 1) of \(listener.rules.count), \(ruleText)",
                                component: lb.arn, location: rule.location, packet: nil)])
            } else {
                hop(here, [Step(type: "ListenerRule", action: .forwarded,
                                detail: "\(leg.listener) request Host: \(req.host), path \(req.path): none of the \(listener.rules.count) rules matches; the listener's default action applies",
                                component: lb.arn, location: listener.location, packet: nil)])
            }
        } else {
            hop(here, [Step(type: "Listener", action: .permitted, detail: "\(leg.listener) → default action", component: lb.arn, location: listener.location, packet: nil)])
        }
        leg.rule = ruleText
        switch action {
        case .fixedResponse(let status, let type, let body):
            let unmatched = ruleText == "default action"
            block(unmatched ? "ELBV2_NO_MATCHING_RULE" : "ELBV2_FIXED_RESPONSE", .fixedResponse, component: lb.arn,
                  unmatched ? "no rule of \(lb.label)'s \(leg.listener) listener matches host \(http.map { $0.host.isEmpty ? lb.dnsName : $0.host } ?? lb.dnsName) and path \(http?.path ?? "/"); the default action answers \(status) itself"
                            : "the matching rule answers \(status) itself (\(body.isEmpty ? type : "\"\(body)\""))",
                  at: unmatched ? listener.location : nil)
            finish(.fixedResponse, place: here, type: "FixedResponse", "\(lb.label) answers \(status) (\(type)\(body.isEmpty ? "" : ", \"\(body)\"")); nothing is forwarded", action: .denied, component: lb.arn)
            return
        case .redirect(let r):
            block("ELBV2_REDIRECT", .fixedResponse, component: lb.arn, "\(ruleText == "default action" ? "the listener's default action" : "the matching rule") redirects (\(r.status)) to \(r.to)")
            finish(.fixedResponse, place: here, type: "Redirect", "\(lb.label) answers \(r.status) → \(r.to); nothing is forwarded", action: .denied, component: lb.arn)
            return
        case .forward(let i):
            forward(d, lb, l, tg: i, leg: &leg)
        }
    }

    mutating func forward(_ d: Int, _ lb: LoadBalancer, _ l: Int, tg i: Int, leg: inout LoadBalancerLeg) {
        let iface = f.interfaces[d]
        let here = place(iface)
        let tg = lb.targetGroups[i]
        leg.targetGroup = tg.name
        leg.targetType = tg.targetType.rawValue
        leg.crossZone = tg.crossZone
        if lb.kind == .network { leg.preserveClientIP = tg.preserveClientIP }
        guard !tg.targets.isEmpty else {
            block("ELBV2_NO_TARGETS", .noEndpoints, component: tg.arn,
                  "target group \(tg.name) (\(tg.service) port \(tg.servicePort), \(tg.targetType) targets) has no registered targets\(tg.targetType == .ip ? ": the Service has no ready endpoints" : "")", at: tg.location)
            finish(.noEndpoints, place: here, type: "TargetGroup", "\(tg.name): no targets", action: .denied, component: tg.arn, at: tg.location)
            return
        }
        let health = healthOf(l, i)
        leg.health = health
        let zone = leg.zone
        var eligible = tg.targets.indices.filter { health.indices.contains($0) ? health[$0].healthy : true }
        if eligible.isEmpty {
            leg.failOpen = true
            eligible = Array(tg.targets.indices)
            notes.append("no target of \(tg.name) is healthy, so \(lb.label) fails open and sends to every target")
        }
        // Targets in zones the load balancer has no node in are registered but get nothing.
        let spanned = Set(lb.nodes.map(\.zone))
        let outside = eligible.filter { !spanned.contains(tg.targets[$0].zone) }
        if !outside.isEmpty {
            eligible.removeAll { !spanned.contains(tg.targets[$0].zone) }
            notes.append("\(outside.count) target(s) of \(tg.name) are in zones \(lb.label) has no node in (\(Set(outside.map { tg.targets[$0].zone }).sorted().joined(separator: ", "))): registered, but sent nothing")
            if eligible.isEmpty {
                block("ELB_INSTALLED_AZ_RESTRICTION", .noEndpoints, component: tg.arn,
                      "every target of \(tg.name) is in a zone \(lb.label) is not enabled in (it has nodes in \(spanned.sorted().joined(separator: ", "))); add a subnet of the targets' zones to the load balancer", at: tg.location)
                finish(.noEndpoints, place: here, type: "TargetGroup", "\(tg.name): no target in the load balancer's zones", action: .denied, component: tg.arn)
                return
            }
        }
        if !tg.crossZone {
            let local = eligible.filter { tg.targets[$0].zone == zone }
            if local.isEmpty {
                block("ELBV2_NO_TARGETS_IN_AZ", .noEndpoints, component: tg.arn,
                      "cross-zone load balancing is off for \(tg.name) and it has no \(leg.failOpen ? "" : "healthy ")target in \(zone), the zone of the node that took the connection (\(eligible.count) \(leg.failOpen ? "" : "healthy ")target(s) in other zones); set load_balancing.cross_zone.enabled=true or run targets in every zone", at: tg.location)
                finish(.noEndpoints, place: here, type: "TargetGroup", "\(tg.name): no target in \(zone) and cross-zone is off", action: .denied, component: tg.arn)
                return
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
                choices = eligible.map { ("\(tg.targets[$0].ip):\(tg.targets[$0].port)", 1.0 / Double(eligible.count)) }
                choiceKind = "\(lb.kind.abbreviation) \(lb.name)"
            }
        }
        let target = tg.targets[eligible[k]]
        leg.target = target.label
        let healthy = health.filter(\.healthy).count
        hop(here, [Step(type: "TargetGroup", action: .forwarded,
                        detail: "\(tg.name) (\(tg.protocolName), \(tg.targetType) targets, \(tg.service) port \(tg.servicePort)): \(healthy) of \(tg.targets.count) targets healthy by \(tg.healthCheck.description)\(tg.crossZone ? "" : ", cross-zone off: targets in \(zone) only"); picked \(target.label)\(eligible.count > 1 ? ", 1 of \(eligible.count)" : "")",
                        component: tg.arn, location: tg.location, packet: nil)])
        // Hairpin: a target reaching itself through an NLB that keeps the client's address.
        if lb.kind == .network, tg.preserveClientIP {
            let sameHost = target.ip == packet.source || (target.node != nil && f.interface(owning: packet.source)?.node == target.node)
            if sameHost {
                block("ELBV2_SOURCE_ADDRESS_PRESERVATION", .deniedIn, component: tg.arn,
                      "client IP preservation is on and the target \(target.label) is on the client's own host: the target answers the client directly, not through the NLB, so the connection fails (turn preserve_client_ip.enabled off, or do not hairpin)", at: tg.location)
            }
        }
        let before = packet
        let newPort = UInt16(1024 + Int(StableHash.fnv1a("lb-port/\(before)", seed: f.topology.seed) % 64512))
        var preserved = false
        packet.destination = target.ip
        packet.destinationPort = target.port
        if lb.kind == .application || !tg.preserveClientIP {
            packet.source = iface.primaryIP
            packet.sourcePort = newPort
            if lb.kind == .application { connection += 1 }
        } else {
            preserved = true
        }
        var s = Session(kind: .loadBalancer(l), outside: (packet.source, packet.sourcePort), inside: (before.source, before.sourcePort),
                        outsideRange: preserved ? nil : 1024...65535)
        s.originalDestination = (before.destination, before.destinationPort)
        s.translatedDestination = (target.ip, target.port)
        s.preserved = preserved
        sessions.append(s)
        let what: String
        if lb.kind == .application {
            what = "a new connection from the ALB node \(packet.source):\(packet.sourcePort) to \(target.ip):\(target.port); the client \(before.source) travels in X-Forwarded-For"
        } else if preserved {
            what = "destination \(before.destination):\(before.destinationPort) → \(target.ip):\(target.port); the client's address \(before.source) is kept (preserve_client_ip on)"
        } else {
            what = "destination → \(target.ip):\(target.port), source → the NLB node \(packet.source):\(packet.sourcePort) (preserve_client_ip off\(tg.proxyProtocolV2 ? "; the client's address travels in the PROXY protocol v2 header" : ""))"
        }
        hop(here, [Step(type: lb.kind == .application ? "Proxy" : "DestinationNAT", action: .transformed, detail: what, component: lb.arn, location: nil, packet: packet)])
        // Target groups that reference the load balancer's groups admit it even when the
        // source is the client's address (an NLB with security groups).
        lbIdentity = (packet.source, lb.securityGroups)
        leaveInterface(d, originating: true)
    }

    /// A reply reaching the load balancer node: back to the client from the listener's address.
    mutating func loadBalancerReply(_ d: Int, _ lb: LoadBalancer) {
        let iface = f.interfaces[d]
        guard let i = sessions.lastIndex(where: { s in
            guard case .loadBalancer = s.kind, !s.reversed else { return false }
            if s.preserved { return s.inside.0 == packet.destination && s.translatedDestination.map { $0.0 == packet.source } == true }
            return s.outside.0 == packet.destination && (!packet.hasPorts || s.outside.1 == packet.destinationPort)
        }), let front = sessions[i].originalDestination else {
            if endsAtOrigin(d) { return }
            block("ASYMMETRIC_ROUTE", .deniedIn, component: lb.arn, "\(lb.label) has no connection for this reply")
            finish(.deniedIn, place: place(iface), type: "Filter", "no connection for this reply: dropped", action: .denied, component: lb.arn)
            return
        }
        let s = sessions[i]
        sessions[i].reversed = true
        if lb.kind == .application { connection = max(0, connection - 1) }
        let before = packet
        packet.source = front.0
        packet.sourcePort = front.1
        packet.destination = s.inside.0
        packet.destinationPort = s.inside.1
        hop(place(iface), [Step(type: lb.kind == .application ? "Proxy" : "DestinationNAT", action: .matchedSession,
                                detail: "\(lb.kind == .application ? "the ALB answers the client on its own connection" : "the NLB's flow"): \(before.source):\(before.sourcePort) → \(before.destination):\(before.destinationPort) becomes \(packet.source):\(packet.sourcePort) → \(packet.destination):\(packet.destinationPort)",
                                component: lb.arn, location: nil, packet: packet)])
        leaveInterface(d, originating: true)
    }

    /// An NLB that kept the client's address gets the target's reply back by its flow state,
    /// whatever the target's route table says (it would send the client's address elsewhere).
    mutating func returnToLoadBalancer(from i: Int) -> Bool {
        guard session, let s = sessions.last(where: { s in
            guard case .loadBalancer = s.kind, s.preserved, !s.reversed else { return false }
            return s.inside.0 == packet.destination && s.translatedDestination.map { $0.0 == packet.source && (!packet.hasPorts || $0.1 == packet.sourcePort) } == true
        }), case .loadBalancer(let l) = s.kind else { return false }
        let lb = f.loadBalancers[l]
        guard let node = lb.nodes.first(where: { $0.privateIP == s.outside.0 || f.interfaces[$0.interface].primaryIP == s.originalDestination?.0 }) ?? lb.nodes.first(where: { $0.interface >= 0 }),
              node.interface >= 0 else { return false }
        let from = f.interfaces[i]
        hop("subnet \(from.subnet)", [Step(type: "Routing", action: .forwarded,
                                           detail: "a reply to the client \(packet.destination) of a connection \(lb.label) forwarded with the client's address: the VPC returns it to the NLB node \(node.privateIP) by the flow, not by the route table",
                                           component: lb.arn, location: nil, packet: nil)])
        if let (v, sn) = f.subnets[from.subnet] { networkACL(vpc: v, subnet: sn, .outbound) }
        if node.subnet != from.subnet, let (v, sn) = f.subnets[node.subnet] { networkACL(vpc: v, subnet: sn, .inbound) }
        observeIngress(node.interface)
        loadBalancerReply(node.interface, lb)
        return true
    }

    /// Each target's health, by tracing the check — the connection and its reply — from the
    /// load balancer node in its zone (the first node when none is there); cached per target group.
    mutating func healthOf(_ l: Int, _ i: Int) -> [TargetHealth] {
        let key = l << 16 | i
        if let h = health?.results.withLock({ $0[key] }) { return h }
        let out = Walk.checkHealth(f, datapaths: datapaths, l, i)
        health?.results.withLock { $0[key] = out }
        return out
    }

    static func checkHealth(_ f: FabricIndex, datapaths: DatapathCache?, _ l: Int, _ i: Int) -> [TargetHealth] {
        let lb = f.loadBalancers[l]
        let tg = lb.targetGroups[i]
        let hc = tg.healthCheck
        // Only an HTTP(S) check reads kube-proxy's 200 or 503; a TCP check completes the handshake.
        let readsHealthServer = hc.kubeProxyHealthServer && hc.protocolName != "TCP"
        var out: [TargetHealth] = []
        for t in tg.targets {
            guard let node = lb.nodes.first(where: { $0.zone == t.zone && $0.interface >= 0 }) ?? lb.nodes.first(where: { $0.interface >= 0 }) else { continue }
            let port = hc.port(for: t)
            var p = Packet(ipProtocol: .tcp, source: node.privateIP, destination: t.ip)
            p.destinationPort = port
            p.sourcePort = UInt16(1024 + Int(StableHash.fnv1a("hc/\(lb.name)/\(t.ip)/\(port)", seed: f.topology.seed) % 64512))
            var w = Walk(f: f, direction: .forward, packet: p)
            w.datapaths = datapaths
            w.originInterface = node.interface
            let src = ResolvedEndpoint(place: .interface(node.interface), address: node.privateIP, label: "\(lb.label) node \(node.privateIP)", podNode: nil)
            let dst = ResolvedEndpoint(place: .interface(f.ownerOf(t.ip) ?? node.interface), address: t.ip, label: t.label, podNode: nil)
            w.start(src, dst)
            var healthy = false
            var detail: String
            if let e = w.explanations.first {
                detail = "\(e.code): \(e.message)"
            } else if let (nodeName, origin) = w.deliveredOnNode {
                switch origin {
                case .pod(let ip):
                    let name = f.podByIP[ip.value] ?? ip.description
                    if let listens = w.podListens(ip, port: w.packet.destinationPort, protocol: .tcp), !listens {
                        detail = "\(hc.description) reaches pod \(name), which declares no TCP container port \(w.packet.destinationPort): connection refused"
                    } else {
                        healthy = !hc.kubeProxyHealthServer
                        detail = "\(hc.description) answered by pod \(name)"
                    }
                case .host, .wire:
                    if readsHealthServer {
                        let local = w.localEndpoints(tg, node: nodeName)
                        healthy = local > 0
                        detail = local > 0 ? "kube-proxy's health server on \(nodeName) answers 200 (\(local) local endpoint\(local == 1 ? "" : "s"))"
                                           : "kube-proxy's health server on \(nodeName) answers 503: no local endpoint (externalTrafficPolicy: Local)"
                    } else if hc.kubeProxyHealthServer {
                        healthy = true
                        detail = "a TCP check of kube-proxy's health server on \(nodeName) completes the handshake, whatever its local endpoints (only HTTP reads its 503)"
                    } else {
                        detail = "reaches \(nodeName) itself, where nothing listens on \(port): connection refused"
                    }
                }
            } else {
                detail = "the check ends \(w.end?.rawValue ?? "nowhere")"
            }
            // The reply (SYN-ACK) must come back to the node too.
            if healthy {
                var r = w.replyWalk(clientPorts: 1024...65535)
                r.startReply(forwardEnd: w.end ?? .noRoute, deliveredAt: w.deliveredAt, exitedVia: w.exitedVia, original: src)
                if let e = r.explanations.first {
                    healthy = false
                    detail = "the check's reply is lost: \(e.code): \(e.message)"
                } else if r.end != .delivered {
                    healthy = false
                    detail = "the check's reply ends \(r.end?.rawValue ?? "nowhere")"
                }
            }
            out.append(TargetHealth(target: t.label, zone: t.zone, healthy: healthy, detail: detail))
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
    func sourceNote(_ ip: IPv4Address) -> String {
        guard let leg = lbLeg else { return "" }
        let client = sessions.first { if case .loadBalancer = $0.kind { return true }; return false }?.inside.0
        var who: String
        if let i = f.ownerOf(ip), f.interfaces[i].kind == .loadBalancer {
            who = "the \(leg.kind) node's private address (\(leg.zone))"
        } else if ip == client {
            who = "the client's own address"
        } else if let i = f.ownerOf(ip), let n = f.interfaces[i].node {
            who = "node \(n)'s address: kube-proxy masquerades NodePort traffic it may send to another node (externalTrafficPolicy: Cluster)"
        } else {
            who = ip.description
        }
        if ip != client, let c = client {
            if leg.kind == "ALB" { who += "; the client \(c) is in X-Forwarded-For" }
            else if f.loadBalancers.first(where: { $0.name == leg.name })?.targetGroups.first(where: { $0.name == leg.targetGroup })?.proxyProtocolV2 == true { who += "; the client \(c) is in the PROXY protocol v2 header" }
            else { who += "; the client \(c) is lost" }
        }
        return who
    }

    /// Whether a pod listens on a port: its containers declare it (nil when they declare no
    /// ports at all, which says nothing).
    func podListens(_ ip: IPv4Address, port: UInt16, protocol p: IPProtocol) -> Bool? {
        guard let key = f.podByIP[ip.value], let i = f.podByName[key] else { return nil }
        let pod = f.realized.pods[i]
        guard let w = f.topology.kubernetes.workload(pod.workloadKind, namespace: pod.namespace, name: pod.workload) else { return nil }
        let ports = w.template.containers.flatMap(\.ports)
        if ports.isEmpty { return nil }
        return ports.contains { $0.containerPort == port && $0.ipProtocol == p }
    }
}
