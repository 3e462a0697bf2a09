import NetsimModel
import NetsimVPC

// The words for why a path is blocked, and for a health check's verdict. Only the wording and
// the renderers write sentences.

extension Explanation {
    /// Why, in AWS words.
    public var message: String { detail.message }
}

extension BlockReason {
    public var message: String {
        switch self {
        case .serviceIPOffCluster(let source):
            return "a Service's cluster IP exists only on cluster nodes (kube-proxy's rules); \(source) is not on one"
        case .sourceDestCheckEgress(let label, let source):
            return "\(label) has source/destination checking on and does not own the source \(source)"
        case .sourceDestCheckIngress(let label, let destination):
            return "\(label) has source/destination checking on and does not own \(destination)"
        case .sourceDestCheckAppliance(let label, let destination):
            return "\(label) receives traffic for \(destination) but has source/destination checking on; turn it off on a middlebox"
        case .securityGroups(let d, let groups, let label, let packet):
            return "no \(d.rawValue) rule of \(Wording.groupNames(groups)) on \(label) allows \(packet.description)"
        case .networkACLReplyPorts(_, let acl, let subnet, let port, let denied, let range):
            return "network ACL \"\(acl.name)\" of subnet \(subnet) lets replies through on port \(port) but denies ports \(Wording.ports(denied)); the port is picked from \(range.lowerBound)–\(range.upperBound), so those connections fail"
        case .networkACL(let d, let acl, let subnet, let packet, let rule, let reply):
            var why = ""
            if let reply {
                why = " (a reply: network ACLs are stateless, so the \(d.rawValue) rules must allow port \(reply.port)"
                if let range = reply.range {
                    why += ", and every port of \(range.lowerBound)–\(range.upperBound) the port is picked from; denied now: \(Wording.ports(reply.denied))"
                }
                why += ")"
            }
            return "network ACL \"\(acl.name)\" of subnet \(subnet) denies \(d.rawValue) \(packet.description) by \(rule.map { "rule \($0.number)" } ?? "its final * rule")\(why)"
        case .tooManyDecisions(let n): return "more than \(n) routing decisions: the path does not end"
        case .subnetLoop(let subnet): return "the packet returns to subnet \(subnet) with the same addresses: a routing loop"
        case .noRouteInTable(let t, let subnet, let d): return "route table \"\(t.name)\" of subnet \(subnet) has no route to \(d)"
        case .blackholeRoute(let t, let written): return "route \(written) in \"\(t.name)\" is a blackhole"
        case .egressOnlyGateway(let name): return "egress-only internet gateway \(name) carries IPv6 only"
        case .noInterfaceInVPC(let vpc, let d): return "no network interface in VPC \(vpc) has the address \(d)"
        case .internetGatewayPrivateDestination(let d): return "an internet gateway does not forward to the private address \(d)"
        case .internetGatewayNoPublicAddress(let s):
            return "the source \(s) has no public or Elastic IP address, so the internet gateway cannot translate it"
        case .internetGatewayPrivateSource(let s): return "an internet gateway drops packets from the private address \(s)"
        case .noInternetGateway(let vpc, let d): return "VPC \(vpc) has no internet gateway for \(d)"
        case .privateAddressFromInternet(let d): return "\(d) is a private address with no public or Elastic IP: the internet cannot reach it"
        case .outsideModelledNetworks(let d): return "\(d) is not an address of the modelled network"
        case .natNoSession(let name):
            return "the reply is routed to NAT gateway \(name), which has no session for it: the connection came in another way, so the reply must return the same way"
        case .natProtocol(let p): return "a NAT gateway forwards only TCP, UDP and ICMP, not \(p)"
        case .natSourceOutsideVPC(let name, let s): return "NAT gateway \(name) takes traffic only from its own VPC, not from \(s)"
        case .natNoInbound(let label): return "\(label) accepts no connection from outside; it only translates connections its VPC starts"
        case .peeringNotTransitive(let pcx, let vpc, let cidrs, let d):
            return "peering \(pcx) carries only traffic to \(vpc)'s CIDR blocks (\(cidrs.map(\.description).joined(separator: ", "))), not \(d): peering is not transitive"
        case .transitGatewayNoSubnetInZone(let vpc, let tgw, let zone, let subnets):
            return "the attachment of VPC \(vpc) to transit gateway \(tgw) has no subnet in \(zone) (it has \(subnets.map { "\($0.name) in \($0.zone)" }.joined(separator: ", "))): resources in that zone cannot reach the transit gateway"
        case .transitGatewayNoRoute(let tgw, let d): return "transit gateway \(tgw) has no route to \(d)"
        case .transitGatewayLoop(let tgw): return "the packet returns to transit gateway \(tgw): a routing loop"
        case .transitGatewayBlackhole(let cidr): return "transit gateway route \(cidr) is a blackhole"
        case .transitGatewayNotAttached(let tgw, let cidr, let vpc):
            return "transit gateway \(tgw) routes \(cidr) to VPC \(vpc), which is not attached to it"
        case .vpcNoSubnetOnward(let vpc, let d): return "VPC \(vpc) has no subnet to route \(d) onward"
        case .transitGatewayUnassociated(let tgw, let a):
            return "attachment \(a) of transit gateway \(tgw) is associated with no route table: the transit gateway drops what enters by it"
        case .transitGatewayTableNoRoute(let tgw, let table, let a, let d):
            return "route table \(table.name) of transit gateway \(tgw) (associated with attachment \(a)) has no route to \(d)"
        case .applianceNoSession(let label, let zone):
            return "the reply reaches the stateful appliance \(label) in \(zone), which never saw the flow's first packet, and drops it: the transit gateway returned the reply through another zone (asymmetric path); enable appliance mode on the appliance VPC's attachment"
        case .apiServerEndpoint(let d): return Wording.apiServerEndpoint(d)
        case .gatewayEndpointProtocol(let p): return "a gateway endpoint accepts only TCP and ICMP echo, not \(p)"
        case .serviceHasNoEndpoints(let ap): return "kube-proxy rejects \(ap): the Service has no ready endpoints"
        case .netfilterFilter(let h, let reject):
            return "kube-proxy's filter rule \(h.chain) #\(h.index) \(reject ? "rejects" : "drops") the packet: \(h.rule)"
        case .notAServicePort(let ap):
            return "\(ap) is not a port of any Service: kube-proxy has no rule for it, and a cluster IP exists nowhere else"
        case .noListener(let lb, let packet, let listeners):
            let list = listeners.map(\.description).joined(separator: ", ")
            return "\(lb) has no listener for \(packet.ipProtocol)\(packet.hasPorts ? " port \(packet.destinationPort)" : ""); it listens on \(list.isEmpty ? "nothing" : list)"
        case .noMatchingRule(let lb, let listener, let host, let path, let r):
            return "no rule of \(lb)'s \(listener) listener matches host \(echo: host) and path \(echo: path); the default action answers \(r.status) itself"
        case .fixedResponse(let r):
            return "the matching rule answers \(r.status) itself (\(echo: r.body.isEmpty ? r.contentType : "\"\(r.body)\""))"
        case .redirect(let r, let byDefault):
            return "\(byDefault ? "the listener's default action" : "the matching rule") redirects (\(r.status)) to \(echo: r.location ?? "")"
        case .noRegisteredTargets(let tg, let service, let servicePort, let targetType):
            return "target group \(tg) (\(service) port \(servicePort), \(targetType) targets) has no registered targets\(targetType == .ip ? ": the Service has no ready endpoints" : "")"
        case .targetsOutsideZones(let tg, let lb, let zones):
            return "every target of \(tg) is in a zone \(lb) is not enabled in (it has nodes in \(zones.joined(separator: ", "))); add a subnet of the targets' zones to the load balancer"
        case .noTargetInZone(let tg, let zone, let failOpen, let others):
            return "cross-zone load balancing is off for \(tg) and it has no \(failOpen ? "" : "healthy ")target in \(zone), the zone of the node that took the connection (\(others) \(failOpen ? "" : "healthy ")target(s) in other zones); set load_balancing.cross_zone.enabled=true or run targets in every zone"
        case .hairpinWithPreservedClientIP(let target):
            return "client IP preservation is on and the target \(target) is on the client's own host: the target answers the client directly, not through the NLB, so the connection fails (turn preserve_client_ip.enabled off, or do not hairpin)"
        case .loadBalancerNoConnection(let lb): return "\(lb) has no connection for this reply"
        case .networkPolicy(let v):
            return Wording.policyBlock(v)
        case .vpnGatewayNoRoute(let g, let d):
            return "virtual private gateway \(g) has no route to \(d): no network behind it advertises a prefix covering it, and it is outside the VPC"
        case .externalFirewall(let m): return Wording.externalFirewallBlock(m)
        case .noReturnRoute(let c): return Wording.noReturnRouteBlock(c)
        case .egressOnlyInbound(let gateway, let d):
            return "the VPC's only way in from the internet is egress-only internet gateway \(gateway), which lets no connection in: \(d) cannot be reached from the internet (add an internet gateway and a security-group rule, or open the connection from inside)"
        case .transitGatewayNoIPv6(let tgw, let a, let vpc, let on):
            return on
                ? "VPC \(vpc) (attachment \(a) of transit gateway \(tgw)) has no IPv6 block: the attachment carries no IPv6 packet"
                : "attachment \(a) of transit gateway \(tgw) (VPC \(vpc)) has IPv6 support off: its network interfaces have no IPv6 address, so it carries no IPv6 packet (set ipv6Support: true on the attachment)"
        case .interfaceEndpointPort(let e, let service, let p, let listens):
            let what = p.hasPorts ? "\(p.ipProtocol) port \(p.destinationPort)" : "\(p.ipProtocol)"
            return "interface endpoint \(e) of \(service) takes \(listens.map { "TCP \($0)" }.joined(separator: " and ")) only (HTTPS to the service's API), not \(what): the connection is refused"
        }
    }
}

extension TargetHealth {
    /// Why, in one line: `… answered by pod …`, or the first block of the check's trace.
    public var detail: String { reason.sentence }
}

extension HealthReason {
    public var sentence: String {
        switch self {
        case .blocked(let e): return "\(e.code.rawValue): \(e.message)"
        case .podDeclaresNoPort(let check, let pod, let port):
            return "\(check) reaches pod \(pod), which declares no TCP container port \(port): connection refused"
        case .answeredByPod(let check, let pod): return "\(check) answered by pod \(pod)"
        case .healthServer(let node, let n):
            return n > 0 ? "kube-proxy's health server on \(node) answers 200 (\(n) local endpoint\(n == 1 ? "" : "s"))"
                         : "kube-proxy's health server on \(node) answers 503: no local endpoint (externalTrafficPolicy: Local)"
        case .tcpCheckOfHealthServer(let node):
            return "a TCP check of kube-proxy's health server on \(node) completes the handshake, whatever its local endpoints (only HTTP reads its 503)"
        case .nothingListensOnNode(let node, let port): return "reaches \(node) itself, where nothing listens on \(port): connection refused"
        case .checkEnds(let d): return "the check ends \(d?.rawValue ?? "nowhere")"
        case .replyLost(let e): return "the check's reply is lost: \(e.code.rawValue): \(e.message)"
        case .replyEnds(let d): return "the check's reply ends \(d?.rawValue ?? "nowhere")"
        }
    }
}

extension ExplanationCode: CustomStringConvertible {
    /// The code as printed (`ENI_SG_RULES_MISMATCH`).
    public var description: String { rawValue }
}

extension Wording {
    /// A block in one line, for `check`'s intent diagnostics: `CODE at sg-1 (forward): message`.
    public static func blockSummary(_ e: Explanation) -> String {
        "\(e.code) at \(e.component) (\(e.direction.rawValue)): \(e.message)"
    }

    /// A step that let an intent's flow through, for `check`'s "allowed here" notes (with the
    /// Service kube-proxy's DNAT was written from, when it is one).
    public static func allowedHere(_ s: Step, service: Service?) -> String {
        var detail = s.sentence
        if let svc = service { detail = "kube-proxy DNAT for Service \(svc.meta.namespace)/\(svc.meta.name): \(detail)" }
        let kind: String
        switch s.detail {
        case .trackedConnection, .securityGroupAllows, .securityGroupDenies, .networkACL, .networkACLReplyPorts: kind = ""
        default: kind = " (\(s.type))"
        }
        return "allowed here\(kind): \(detail)"
    }
}

extension TraceNote: CustomStringConvertible {
    public var description: String {
        switch self {
        case .failOpen(let tg, let lb): return "no target of \(tg) is healthy, so \(lb) fails open and sends to every target"
        case .targetsOutsideZones(let count, let tg, let lb, let zones):
            return "\(count) target(s) of \(tg) are in zones \(lb) has no node in (\(zones.joined(separator: ", "))): registered, but sent nothing"
        case .transitGatewayZonesAgree(let z, let dispositions):
            return "transit gateway \(z.transitGateway) enters VPC \(z.vpc) \(Wording.zoneWhence(z)) through a zone AWS does not say; netsim traced each (\(Wording.zoneEach(z, dispositions))): they agree"
        case .policyEnforcersDisagree(let o): return Wording.policyDisagreement(o)
        case .branchPodLocalTrafficPolicy(let service, let pod):
            return "Service \(service) has externalTrafficPolicy Local and this NodePort led to pod \(pod), which has a branch ENI in strict mode: Security Groups for Pods does not support that (use ip targets, externalTrafficPolicy Cluster, or POD_SECURITY_GROUP_ENFORCING_MODE=standard)"
        case .fargateKubeProxy(let pod, let service, let ip, let port, let e, let ep, let n):
            return "Fargate pod \(pod): kube-proxy in its micro-VM translates Service \(service) (\(ip):\(port)) to \(e):\(ep)\(n > 1 ? " (1 of \(n) ready endpoints)" : ""), so the packet leaves the pod's ENI addressed to the endpoint"
        case .fargatePolicyNotEnforced(let pod, let profile, let side, let policies):
            let list = policies.joined(separator: ", ")
            return "NetworkPolicy \(list) select\(policies.count == 1 ? "s" : "") \(side == .source ? "the source" : "the destination") pod \(pod) for \(side == .source ? "Egress" : "Ingress"), but it runs on Fargate (profile \(profile)), where the VPC CNI's network policy agent does not run: not enforced"
        }
    }
}

extension SourceAtTarget: CustomStringConvertible {
    public var description: String {
        var who: String
        switch whose {
        case .loadBalancerNode(let kind, let zone): who = "the \(kind.abbreviation) node's private address (\(zone))"
        case .client: who = "the client's own address"
        case .nodeMasquerade(let n): who = "node \(n)'s address: kube-proxy masquerades NodePort traffic it may send to another node (externalTrafficPolicy: Cluster)"
        case .address(let ip): who = ip.description
        }
        switch client {
        case .forwardedFor(let c)?: who += "; the client \(c) is in X-Forwarded-For"
        case .proxyProtocol(let c)?: who += "; the client \(c) is in the PROXY protocol v2 header"
        case .lost(let c)?: who += "; the client \(c) is lost"
        case nil: break
        }
        return who
    }
}

extension Trace {
    /// Whose address the target sees, and where the client's went, in words.
    public var sourceIpNote: String? { sourceAtTarget?.description }
}

extension Wording {
    /// Where a flow enters a transit gateway whose VPC entry zone it does not determine.
    public static func zoneWhence(_ z: TransitGatewayZoneChoice) -> String {
        if z.applianceMode { return "\(z.senderZone.map { "from \($0)" } ?? "from outside the VPCs") in appliance mode (one zone for the whole flow, by a flow hash)," }
        return z.senderZone.map { "from \($0), where the attachment of VPC \(z.vpc) has no subnet," } ?? "from outside the VPCs"
    }

    /// Each candidate zone with its subnet, route table and the verdict tracing it gave.
    public static func zoneEach(_ z: TransitGatewayZoneChoice, _ dispositions: [Disposition]) -> String {
        zip(z.candidates, dispositions).map { c, d in "\(c.zone) (subnet \(c.subnet), route table \(c.routeTable)): \(d.rawValue)" }.joined(separator: "; ")
    }
}

extension LoadBalancerLeg {
    /// `HTTP:80`, or empty when no listener took the connection.
    public var listener: String { listenerRef?.description ?? "" }
    /// `priority N: conditions (from the ingress path)`, or `default action`; nil without a listener.
    public var rule: String? {
        guard listenerRef != nil else { return nil }
        return matchedRule.map(Wording.ruleText) ?? "default action"
    }
    public var targetType: String? { targetGroupType?.rawValue }
    /// The target as the text names it: `pod ns/name (ip:port)` or `node (ip:port)`.
    public var target: String? { chosenTarget?.label }
}

extension Wording {
    /// The block that decides a replayed flow: `CODE at sg-1: message`.
    public static func deciding(_ e: Explanation) -> String { "\(e.code) at \(e.component): \(e.message)" }

    /// The first block of a failed intent, after its disposition: `at sg-1: CODE — message`.
    /// An intent through a pod NetworkPolicies isolate, in a topology that does not say who enforces them.
    public static func intentNotEvaluatedUndeclaredEnforcer(policy: String) -> String {
        "not evaluated: NetworkPolicy \(policy) selects a pod of this flow, and the topology does not say who enforces NetworkPolicies (set cluster.networkPolicy.enforcer: vpc-cni, upstream or none)"
    }

    public static func intentBlock(_ e: Explanation) -> String { "at \(e.component): \(e.code) — \(e.message)" }
}
