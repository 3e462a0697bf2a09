import NetsimKube
import NetsimModel
import NetsimVPC

// The words for a trace's steps: a type word (`SecurityGroup`, `Routing`, …) and a sentence, in
// AWS words, written from the step's values. Only the wording and the renderers write sentences.

extension Step {
    /// `Originate`, `SecurityGroup`, `NetworkACL`, `Routing`, `SourceNAT`, `DestinationNAT`, …
    public var type: String { detail.typeWord }
    /// What happened, in AWS words.
    public var sentence: String { detail.sentence }
}

extension StepDetail {
    public var typeWord: String {
        switch self {
        case .originate: return "Originate"
        case .controlPlaneNotModelled: return "NotModelled"
        case .apiServerEndpoint: return "APIServerEndpoint"
        case .externalTargetGroup: return "NotModelled"
        case .ipv6NotModelled: return "NotModelled"
        case .loadBalancerIPv6NotModelled: return "NotModelled"
        case .serviceDNS: return "DNS"
        case .delivered, .deliveredToOpener: return "Delivered"
        case .exitsNetwork: return "ExitsNetwork"
        case .noRoute, .nullRouted, .loop, .sameSubnet, .route, .peering, .transitGatewayRoute, .transitGatewayEntry, .nodeRoute,
             .loadBalancerFlowReturn, .transitGatewayTableRoute: return "Routing"
        case .filter: return "Filter"
        case .sourceDestCheck: return "SourceDestCheck"
        case .trackedConnection, .securityGroupAllows, .securityGroupDenies: return "SecurityGroup"
        case .networkACL, .networkACLReplyPorts: return "NetworkACL"
        case .applianceForwards: return "Forward"
        case .internetGatewaySourceNAT, .natGatewaySourceNAT, .nodeSourceNAT: return "SourceNAT"
        case .internetGatewayDestinationNAT, .natGatewaySession, .kubeProxyDNAT: return "DestinationNAT"
        case .conntrack: return "Conntrack"
        case .netfilterRule: return "Rule"
        case .noListener, .listenerDefault: return "Listener"
        case .listenerRule, .noMatchingListenerRule: return "ListenerRule"
        case .fixedResponse: return "FixedResponse"
        case .redirect: return "Redirect"
        case .noTarget, .targetGroup: return "TargetGroup"
        case .loadBalancerForward(let h), .loadBalancerReturn(let h): return h.kind == .application ? "Proxy" : "DestinationNAT"
        case .networkPolicy: return "NetworkPolicy"
        case .vpnGateway, .returnRoute: return "Routing"
        case .externalFirewall: return "Firewall"
        case .ipv6Gateway: return "Forward"
        case .observedNotPlaced: return "NotModelled"
        }
    }

    public var sentence: String {
        switch self {
        case .originate(let p, let reply): return reply ? "reply " + p.description : p.description
        case .controlPlaneNotModelled(let address, let declared): return Wording.controlPlaneNotModelled(address: address, serviceDeclared: declared)
        case .apiServerEndpoint(let d): return Wording.apiServerEndpoint(d)
        case .externalTargetGroup(let lb, let tg): return Wording.externalTargetGroup(loadBalancer: lb, targetGroup: tg)
        case .ipv6NotModelled(let source, let destination): return Wording.ipv6NotModelled(source: source, destination: destination)
        case .loadBalancerIPv6NotModelled(let lb, let tg, let gap): return Wording.loadBalancerIPv6NotModelled(loadBalancer: lb, targetGroup: tg, gap: gap)
        case .serviceDNS(let a): return Wording.serviceDNS(a)
        case .delivered(let who, let blocked):
            return blocked ? "would be delivered to \(who), were it not for the blocks above" : "delivered to \(who)"
        case .deliveredToOpener(let label): return "reply delivered to \(label), which opened the connection"
        case .exitsNetwork(let e):
            switch e {
            case .internet(let d): return "leaves AWS toward \(d) on the internet"
            case .external(let name): return "leaves AWS toward external network \(name)"
            case .gatewayEndpoint(let service): return "to \(service) through the gateway endpoint"
            }
        case .noRoute(let r): return r.sentence
        case .nullRouted(let r):
            switch r {
            case .blackholeRoute: return "blackhole route: the packet is dropped"
            case .transitGatewayBlackhole(let cidr): return "\(cidr) → blackhole"
            }
        case .loop(let r):
            switch r {
            case .tooManyDecisions: return "too many routing decisions"
            case .revisitedSubnet: return "routing loop: the packet has been here before"
            case .revisitedTransitGateway: return "routing loop"
            }
        case .filter(let r): return r.sentence
        case .sourceDestCheck(let label, let source):
            return "source/destination check: \(label) does not own the source \(source); EC2 drops the packet (the walk goes on to show the rest)"
        case .trackedConnection(let d, let appliance):
            return appliance ? "\(d.rawValue): reply of a tracked connection" : "\(d.rawValue): reply of a tracked connection, allowed by the security groups' state"
        case .securityGroupAllows(let m):
            return "\(m.direction.rawValue): \(m.group.id) \"\(m.group.name)\" rule #\(m.ruleIndex + 1) allows \(Wording.describe(m.rule, m.direction))"
        case .securityGroupDenies(let d, let groups, let packet):
            let names = Wording.groupNames(groups)
            return "\(d.rawValue): no rule of \(names.isEmpty ? "its security groups" : names) allows \(packet.description)"
        case .networkACL(let m):
            return "\(m.direction.rawValue): \(m.acl.id) \"\(m.acl.name)\" \(Wording.aclRule(m.rule))"
        case .networkACLReplyPorts(let d, let acl, let denied, let range):
            return "\(d.rawValue): \(acl.id) \"\(acl.name)\" denies replies to ports \(Wording.ports(denied)) of the \(range.lowerBound)–\(range.upperBound) range the port is picked from"
        case .sameSubnet(let d): return "\(d) is in the same subnet: delivered directly, without the route table or network ACL"
        case .route(let m):
            return "route table \(m.table.id) \"\(m.table.name)\": \(m.written) → \(m.target)\(m.origin == .endpoint ? " (gateway endpoint route)" : m.origin == .propagated ? " (propagated)" : "")"
        case .applianceForwards:
            return "the appliance forwards the packet (from here on, security-group references no longer match the original sender)"
        case .internetGatewaySourceNAT(let b, let a): return "1:1 NAT: source \(b.source) → public \(a.source)"
        case .internetGatewayDestinationNAT(let b, let a): return "1:1 NAT: destination \(b.destination) → private \(a.destination)"
        case .natGatewaySourceNAT(let b, let a):
            return "source \(b.source)\(b.hasPorts ? ":\(b.sourcePort)" : "") → \(a.source)\(a.hasPorts ? ":\(a.sourcePort)" : "") (a port of 1024–65535)"
        case .natGatewaySession(let b, let a):
            return "session: destination \(b.destination) → \(a.destination)\(a.hasPorts ? ":\(a.destinationPort)" : "")"
        case .peering(let vpc): return "into VPC \(vpc)"
        case .transitGatewayRoute(let cidr, let hop):
            switch hop {
            case .vpcAttachment(let name): return "\(cidr) → attachment of VPC \(name)"
            case .external(let name): return "\(cidr) → \(name)"
            }
        case .transitGatewayEntry(let e):
            var why = e.named ? "the attachment's subnet in \(e.zone)" : "the default attachment subnet of \(e.zone) (the zone's smallest subnet; name the attachment's subnets to choose)"
            if !e.sameZone {
                if e.alternative { why += "; tracing the transit gateway's other choice of zone, \(e.zone)" }
                else { why += e.senderZone.map { "; the attachment has no subnet in \($0), so the transit gateway crosses to another zone (netsim takes \(e.zone))" } ?? "; the flow comes from outside the VPCs, so the transit gateway may take any zone of the attachment (netsim takes \(e.zone))" }
            }
            if e.applianceMode {
                why = e.named ? "the attachment's subnet in \(e.zone)" : "the default attachment subnet of \(e.zone)"
                why += e.alternative ? "; appliance mode: tracing the transit gateway's other choice of zone, \(e.zone), for the whole flow"
                    : "; appliance mode: the transit gateway keeps the flow's zone, \(e.zone), both ways"
            }
            return "enters VPC \(e.vpc) through subnet \(e.subnet): \(why)"
        case .transitGatewayTableRoute(let r):
            let to: String
            if let a = r.attachment { to = "attachment \(a.name) (\(r.attachmentKind ?? "") \(r.resource ?? ""))" } else { to = "blackhole" }
            var s = "route table \(r.table.name) (associated with \(r.entryAttachment)): \(r.destination) → \(to), \(r.type)"
            if let pl = r.prefixList { s += " from prefix list \(pl)" }
            if r.overrides > 0 { s += "; overrides \(r.overrides) other route\(r.overrides == 1 ? "" : "s") for \(r.destination) (route priority)" }
            return s
        case .conntrack(let u):
            guard let u else { return "an ESTABLISHED reply; no NAT to undo on this node" }
            let b = u.before, a = u.after
            return "reply of \(u.inside) → \(u.originalDestination.map(\.description) ?? "?"); NAT undone: \(AddressPort(b.source, b.sourcePort)) → \(AddressPort(b.destination, b.destinationPort)) becomes \(AddressPort(a.source, a.sourcePort)) → \(AddressPort(a.destination, a.destinationPort))"
        case .netfilterRule(let h): return "\(h.table) \(h.chain) rule \(h.index): \(h.rule)"
        case .kubeProxyDNAT(let k):
            var s = "\(Wording.chainPath(k.hits, table: k.table, base: k.baseChain)): DNAT \(k.before) → \(k.after)"
            if let p = k.pick { s += "; picked at random: endpoint \(p.index + 1) of \(p.count) (p=\(format4(p.probability)))" }
            return s
        case .nodeRoute(let r): return "ip rule \(r.rule) → \(r.route)"
        case .nodeSourceNAT(let n):
            let why = n.masquerade ? "KUBE-POSTROUTING: marked 0x4000 by KUBE-MARK-MASQ, MASQUERADE" : "\(n.hits.last?.chain ?? "POSTROUTING"): SNAT --to-source \(n.after.address)"
            let whose = n.masquerade ? (n.deviceIsVeth ? "the node's primary address: the veth has none" : "\(n.device)'s address") : "leaving by \(n.device)"
            return "\(Wording.chainPath(n.hits, table: .nat, base: .postrouting)) (\(why)): source \(n.before) → \(n.after) (\(whose); --random-fully picks the port)"
        case .noListener(let p): return "no listener for \(p.description)"
        case .listenerDefault(let l): return "\(l) → default action"
        case .listenerRule(let m):
            return "\(m.listener) request Host: \(echo: m.request.host), path \(echo: m.request.path): rule \(m.index + 1) of \(m.count), \(Wording.ruleText(m.rule))"
        case .noMatchingListenerRule(let l, let req, let count):
            return "\(l) request Host: \(echo: req.host), path \(echo: req.path): none of the \(count) rules matches; the listener's default action applies"
        case .fixedResponse(let lb, let r):
            return "\(lb) answers \(r.status) (\(echo: r.contentType)\(r.body.isEmpty ? "" : ", \"\(echo: r.body)\"")); nothing is forwarded"
        case .redirect(let lb, let r): return "\(lb) answers \(r.status) → \(echo: r.location ?? ""); nothing is forwarded"
        case .noTarget(let tg, let r):
            switch r {
            case .noTargets: return "\(tg): no targets"
            case .noTargetInLoadBalancerZones: return "\(tg): no target in the load balancer's zones"
            case .noTargetInZone(let zone): return "\(tg): no target in \(zone) and cross-zone is off"
            case .noHealthyTargetInZone(let zone): return "\(tg): no healthy target in \(zone) and cross-zone is off"
            }
        case .targetGroup(let p):
            let tg = p.group
            return "\(tg.name) (\(tg.protocolName), \(tg.targetType) targets, \(tg.service) port \(tg.servicePort)): \(p.healthy) of \(tg.targets.count) targets healthy by \(tg.healthCheck.description)\(tg.crossZone ? "" : ", cross-zone off: targets in \(p.zone) only"); picked \(p.target.label)\(p.eligible > 1 ? ", 1 of \(p.eligible)" : "")"
        case .loadBalancerForward(let h):
            let b = h.before, a = h.after
            // An IPv6 address with a port in brackets (RFC 5952 §6); IPv4 as it was.
            func at(_ x: IPAddress, _ p: UInt16) -> String { x.family == .ipv6 ? "[\(x)]:\(p)" : "\(x):\(p)" }
            if h.kind == .application {
                return "a new connection from the ALB node \(at(a.source, a.sourcePort)) to \(at(a.destination, a.destinationPort)); the client \(b.source) travels in X-Forwarded-For"
            } else if h.preserved {
                return "destination \(at(b.destination, b.destinationPort)) → \(at(a.destination, a.destinationPort)); the client's address \(b.source) is kept (preserve_client_ip on)"
            }
            if b.source.family != a.source.family {
                return "destination → \(at(a.destination, a.destinationPort)), source → the NLB node \(at(a.source, a.sourcePort)) (the NLB translates \(b.source.family == .ipv6 ? "IPv6 to IPv4" : "IPv4 to IPv6") and keeps no client address, whatever preserve_client_ip says)"
            }
            return "destination → \(at(a.destination, a.destinationPort)), source → the NLB node \(at(a.source, a.sourcePort)) (preserve_client_ip off\(h.proxyProtocolV2 ? "; the client's address travels in the PROXY protocol v2 header" : ""))"
        case .loadBalancerReturn(let h):
            let b = h.before, a = h.after
            func at(_ x: IPAddress, _ p: UInt16) -> String { x.family == .ipv6 ? "[\(x)]:\(p)" : "\(x):\(p)" }
            return "\(h.kind == .application ? "the ALB answers the client on its own connection" : "the NLB's flow"): \(at(b.source, b.sourcePort)) → \(at(b.destination, b.destinationPort)) becomes \(at(a.source, a.sourcePort)) → \(at(a.destination, a.destinationPort))"
        case .networkPolicy(let v):
            return Wording.policyStep(v)
        case .loadBalancerFlowReturn(let lb, let client, let node):
            return "a reply to the client \(client) of a connection \(lb) forwarded with the client's address: the VPC returns it to the NLB node \(node) by the flow, not by the route table"
        case .vpnGateway(let h): return Wording.vpnGatewayStep(h)
        case .externalFirewall(let m): return Wording.externalFirewallStep(m)
        case .returnRoute(let c): return Wording.returnRouteStep(c)
        case .observedNotPlaced(let pod, let reason): return Wording.observedNotPlaced(pod: pod, reason: reason)
        case .ipv6Gateway(let egressOnly, let inbound, let session):
            return Wording.ipv6Gateway(egressOnly: egressOnly, inbound: inbound, session: session)
        }
    }
}

extension NoRouteReason {
    var sentence: String {
        switch self {
        case .noKubeProxy: return "no kube-proxy here"
        case .routeTable(let t, let d): return "route table \(t.id) \"\(t.name)\": no route to \(d)"
        case .egressOnlyIPv6: return "IPv6 only: an IPv4 packet goes nowhere"
        case .noInterfaceHas(let d): return "no interface has \(d)"
        case .noInternetGateway: return "no internet gateway"
        case .privateFromInternet(let d): return "\(d) is private; the internet has no route to it (the walk goes on as if it had, to find every other block)"
        case .outsideModelledNetworks(let d): return "\(d) is outside every modelled network"
        case .outsidePeerVPC: return "destination outside the peer VPC: dropped"
        case .noAttachmentSubnet(let zone): return "no attachment subnet in \(zone)"
        case .transitGatewayNoRoute(let d): return "no route to \(d)"
        case .noAttachmentForVPC(let name): return "no attachment for VPC \(name)"
        case .noSubnetOnward: return "no route"
        case .noDatapath: return "no datapath for this node"
        case .nodeNoRoute(let d): return "the node has no route to \(d)"
        case .noKubeProxyRule(let ap, let proto): return "no kube-proxy rule matches \(ap) (\(proto))"
        case .clusterIPServicePortsOnly: return "the cluster IP answers only on its Service's ports"
        case .noENIOnNode(let dev): return "no ENI \(dev) on this node"
        }
    }
}

extension FilterReason {
    var sentence: String {
        switch self {
        case .privateDestination: return "private destination: dropped"
        case .noPublicAddress(let s): return "no public address for \(s): dropped"
        case .privateSourceFromInternet: return "private source from the internet: dropped"
        case .natNoSessionForReply: return "no session for this reply: dropped"
        case .natProtocolNotSupported(let p): return "protocol \(p) not supported: dropped"
        case .natSourceOutsideVPC: return "source outside the VPC: dropped"
        case .natUnsolicitedInbound: return "unsolicited inbound: dropped"
        case .endpointProtocolNotAccepted: return "protocol not accepted"
        case .loadBalancerNoConnectionForReply: return "no connection for this reply: dropped"
        case .applianceNoSessionForReply: return "no connection for this reply: the stateful appliance drops it"
        case .netfilter(let reject): return reject ? "REJECT (ICMP port unreachable to the client)" : "DROP"
        case .egressOnlyInbound: return "a connection from the internet: an egress-only internet gateway lets none in"
        }
    }
}

/// Phrases the step and explanation wording share.
public enum Wording {
    /// A security-group rule: `tcp 443 from 10.0.0.0/16 ("web")`.
    public static func describe(_ r: SecurityGroupRule, _ d: FilterDirection) -> String {
        let what: String
        switch r.ipProtocol {
        case .all: what = "all traffic"
        case .tcp, .udp: what = "\(r.ipProtocol) \(r.ports.isAll ? "all ports" : r.ports.description)"
        case .icmp: what = "icmp \(r.icmp)"
        default: what = "\(r.ipProtocol)"
        }
        return "\(what) \(d == .ingress ? "from" : "to") \(r.peer)\(r.description.isEmpty ? "" : " (\"\(r.description)\")")"
    }

    /// `sg-1 "web", sg-2 "db"`.
    static func groupNames(_ groups: [ObjectRef]) -> String { groups.map { "\($0.id) \"\($0.name)\"" }.joined(separator: ", ") }

    /// A network-ACL rule as the step says it, or the final `*` rule.
    static func aclRule(_ r: NetworkACLRule?) -> String {
        r.map { "rule \($0.number) \($0.action.rawValue) \($0.ipProtocol)\($0.ports.isAll ? "" : " \($0.ports)") \($0.block)" } ?? "rule * (32767) deny all"
    }

    static func ports(_ denied: [PortRange]) -> String { denied.map { $0.description }.joined(separator: ", ") }

    /// The chains a walk entered, in order: `nat PREROUTING → KUBE-SERVICES → KUBE-SVC-…`.
    static func chainPath(_ hits: [RuleHit], table: NetfilterTable, base: ChainName) -> String {
        var path = ["\(table) \(base)"]
        for h in hits where h.chainName != base && path.last != h.chain { path.append(h.chain) }
        return path.joined(separator: " → ")
    }

    /// An ALB rule forwarding to a target group outside the cluster.
    public static func externalTargetGroup(loadBalancer lb: String, targetGroup tg: String) -> String {
        "\(lb) forwards to target group \(tg), which is outside the cluster: netsim does not model its targets, so the flow has no verdict"
    }

    /// What netsim does not model of a dualstack load balancer.
    public static func loadBalancerIPv6NotModelled(loadBalancer lb: String, targetGroup tg: String, gap: LoadBalancerIPv6Gap) -> String {
        switch gap {
        case .instanceTargets:
            return "\(lb) forwards to IPv6 target group \(tg), whose targets are instances: netsim does not model IPv6 instance targets (a node's IPv6 address on its NodePort), so the flow has no verdict"
        case .udp:
            return "\(lb) would carry UDP over IPv6 (target group \(tg)): netsim does not model UDP through a dualstack NLB in IPv6, so the flow has no verdict"
        case .internalFromOutside:
            return "\(lb) is internal, and this IPv6 packet comes from outside the VPC: netsim does not model whether ELB admits it at an internal load balancer's IPv6 address, so the flow has no verdict"
        }
    }

    /// Why an IPv6 flow gets no verdict.
    public static func ipv6NotModelled(source: IPAddress, destination: IPAddress) -> String {
        if source.family == destination.family {
            return "IPv6 traces are not modelled yet through this node: \(source) → \(destination) is an IPv6 flow, and netsim models a node's IPv6 datapath (ip6tables, the VPC CNI's IPv6 routes) only in an IPv6 cluster"
        }
        return "IPv6 traces are not modelled yet across families: \(source) → \(destination) is a flow that mixes IPv4 and IPv6; a packet keeps its family in the VPC fabric"
    }

    /// An IPv6 packet through an internet gateway or an egress-only internet gateway.
    public static func ipv6Gateway(egressOnly: Bool, inbound: Bool, session: Bool) -> String {
        let gw = egressOnly ? "egress-only internet gateway" : "internet gateway"
        if inbound {
            return session ? "IPv6 reply of a connection that went out through the \(gw): let in, no translation"
                           : "IPv6 from the internet: the \(gw) forwards it to the VPC, no translation (the address is public)"
        }
        return "IPv6 to the internet: no translation (the source address is public)\(egressOnly ? "; only its replies may come back in" : "")"
    }

    /// The API server's public endpoint's decision.
    public static func apiServerEndpoint(_ d: APIServerEndpointDecision) -> String {
        let cidrs = d.publicAccessCIDRs.map(\.description).joined(separator: ", ")
        if !d.publicAccess {
            return "the EKS API server endpoint \(d.endpoint) refuses \(d.source): the cluster's endpoint has no public access (private access only), so only clients whose DNS answer is the control-plane ENIs reach it"
        }
        if let m = d.matched {
            return "the EKS API server's public endpoint \(d.endpoint) accepts \(d.source): publicAccessCidrs \(m) contains it"
        }
        return "the EKS API server's public endpoint \(d.endpoint) refuses \(d.source): it is outside publicAccessCidrs [\(cidrs)]"
    }

    /// Why a flow from or to an observed pod netsim could not place gets no verdict.
    public static func observedNotPlaced(pod: String, reason: String) -> String {
        "pod \(pod) is in the observed state, but netsim cannot place it as observed: \(reason); netsim gives no verdict rather than one for another address"
    }

    /// Why a flow to the API server's Service gets no verdict.
    public static func controlPlaneNotModelled(address: IPAddress, serviceDeclared: Bool) -> String {
        let service = serviceDeclared ? "the topology declares the Service but no EndpointSlice for it" : "which the topology does not declare"
        return "the EKS control plane is not modelled: Service default/kubernetes (\(address):443) has its endpoints on the control plane's "
            + "cross-account ENIs in the cluster's subnets (with the cluster security group), \(service), so netsim gives no verdict"
    }

    /// A listener rule: `priority 10: host-header a.example.com (from ns/ing: a.example.com /)`.
    public static func ruleText(_ r: LoadBalancer.Rule) -> String { "priority \(r.priority): \(r.conditions) (from \(r.origin))" }
}

extension Wording {
    /// The DNS answer of an `aws:SERVICE` flow and why it is that one.
    public static func serviceDNS(_ a: ServiceDNSAnswer) -> String {
        var s = "\(a.dnsName) → \(a.address)"
        if case .publicService = a.answer { s += " (netsim's stand-in for the service's public addresses)" }
        s += ": "
        switch a.answer {
        case .endpointENI(let name, let id, let eni, _, let zone, let sameZone, let others):
            s += "the private hosted zone of interface endpoint \(name) (\(id), private DNS on) answers its ENI \(eni) in \(zone)"
            if !sameZone { s += " (it has no ENI in the source's zone)" }
            // The regional name has no zone affinity: it returns every ENI's address and the client
            // picks one; the zone is netsim's choice, and the step says so.
            if !others.isEmpty {
                s += "; the name also returns its ENIs in \(others.joined(separator: ", ")) and a client may take any of them (netsim follows \(sameZone ? "the one in the source's zone" : "the first by zone"))"
            }
            if a.policyNotEvaluated { s += "; its endpoint policy (IAM) is not evaluated" }
        case .publicService(_, let reason):
            switch reason {
            case .noEndpoint(let vpc): s += "VPC \(vpc) has no interface endpoint for \(a.service), so the name resolves to the public service"
            case .privateDnsOff(let vpc, let endpoints):
                s += "interface endpoint\(endpoints.count == 1 ? "" : "s") \(endpoints.joined(separator: ", ")) of VPC \(vpc) \(endpoints.count == 1 ? "has" : "have") private DNS off, so the name resolves to the public service (the endpoint is reached only by its own vpce- DNS name)"
            case .outsideVPC: s += "the source is outside the VPCs, so the name resolves to the public service"
            case .dnsSupportOff(let vpc):
                s += "VPC \(vpc) has enableDnsSupport false, so its Amazon-provided DNS server does not answer; netsim assumes a resolver outside the VPC, which gives the public service"
            case .endpointWithoutENI(let vpc, let endpoints):
                s += "interface endpoint\(endpoints.count == 1 ? "" : "s") \(endpoints.joined(separator: ", ")) of VPC \(vpc) got no ENI (no free address in \(endpoints.count == 1 ? "its" : "their") subnets: EC2 refuses such an endpoint, InsufficientFreeAddressesInSubnet; see netsim capacity), so no private hosted zone answers and the name resolves to the public service"
            }
        case .gatewayEndpoint(let name, let pl, _):
            s += "the public name, an address of prefix list \(pl), which gateway endpoint \(name) routes"
        }
        return s
    }
}
