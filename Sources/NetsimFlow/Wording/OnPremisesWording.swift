import NetsimModel

// The words for the on-premises edge: a virtual private gateway's decision, the firewall in
// front of an external network, and the routes that network has back toward AWS. Only the
// wording and the renderers write sentences.

extension Wording {
    static func link(_ c: External.Connection, _ r: External.Routing) -> String {
        switch (c, r) {
        case (.directConnect, _): return "Direct Connect (BGP)"
        case (.vpn, .static): return "Site-to-Site VPN, static routing"
        case (.vpn, .bgp): return "Site-to-Site VPN, BGP"
        }
    }

    public static func vpnGatewayStep(_ h: VPNGatewayHop) -> String {
        switch h.way {
        case .toExternal(let name, let prefix, let c, let r):
            return "\(prefix) → external network \(name) over \(link(c, r)) (the most specific prefix the networks behind the gateway advertise)"
        case .intoVPC(let vpc): return "into VPC \(vpc): \(h.destination) is in its CIDR blocks"
        case .noRoute: return "no route to \(h.destination)"
        }
    }

    static func direction(_ d: ExternalFirewall.Direction, _ external: String) -> String {
        d == .inbound ? "into \(external)" : "out of \(external)"
    }

    public static func externalFirewallStep(_ m: ExternalFirewallMatch) -> String {
        let head = "firewall \(m.firewall) of \(m.external), \(direction(m.direction, m.external))"
        if m.tracked { return "\(head): a reply of a flow it let through (stateful)" }
        if let i = m.rule, let text = m.ruleText { return "\(head): rule \(i + 1) of \(m.ruleCount) \(m.allowed ? "allows" : "denies"): \(text)" }
        if m.ruleCount == 0 { return "\(head): no rules in this direction, everything passes" }
        return "\(head): none of its \(m.ruleCount) rules matches; denied by default"
    }

    public static func externalFirewallBlock(_ m: ExternalFirewallMatch) -> String {
        let what = "\(m.packet.ipProtocol)\(m.packet.hasPorts ? " port \(m.packet.destinationPort)" : "") from \(m.packet.source) to \(m.packet.destination)"
        if let i = m.rule, let text = m.ruleText {
            return "the firewall \(m.firewall) in front of \(m.external) denies \(what) \(direction(m.direction, m.external)) by rule \(i + 1): \(text)"
        }
        return "the firewall \(m.firewall) in front of \(m.external) denies \(what) \(direction(m.direction, m.external)): none of its \(m.ruleCount) \(m.direction.rawValue) rules allows it (first match; the default is deny)"
    }

    static func basis(_ b: ReturnRoutes.Basis) -> String {
        switch b {
        case .advertised(let g): return "learned over BGP from \(g)"
        case .declared: return "its returnRoutes"
        }
    }

    public static func returnRouteStep(_ c: ReturnRouteCheck) -> String {
        if let m = c.matched { return "\(c.external) routes \(c.destination) back toward AWS by \(m) (\(basis(c.basis)))" }
        return "\(c.external) has no route back to \(c.destination)"
    }

    public static func noReturnRouteBlock(_ c: ReturnRouteCheck) -> String {
        let list = c.routes.isEmpty ? "none" : c.routes.map(\.description).joined(separator: ", ")
        var fix: String
        switch c.basis {
        case .advertised: fix = "add the block to what the gateway advertises (a VPC CIDR block, or a route in the attachment's table)"
        case .declared: fix = "add it to the network's routes toward AWS (returnRoutes, the VPN's static routes on the customer gateway)"
        }
        let head = "\(c.external) has no route back to \(c.destination): its routes toward AWS (\(basis(c.basis))) are \(list); the packet never reaches AWS"
        // A flow the network starts is not an asymmetric route, and SNAT on a node cannot help it;
        // a reply to an address other than a pod's own was not kept by a missing SNAT either.
        guard c.reply else { return "\(head): \(fix)" }
        if c.podAddress {
            if case .declared = c.basis { fix += ", or let the node SNAT the pod's address (AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS, AWS_VPC_K8S_CNI_EXTERNALSNAT)" }
            else { fix += ", or let the node SNAT the pod's address" }
        }
        return "\(head) — an asymmetric route: \(fix)"
    }
}
