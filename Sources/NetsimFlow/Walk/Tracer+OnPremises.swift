import NetsimModel
import NetsimVPC

// The on-premises edge on the VPC side: the virtual private gateway (out of a route table, and
// into its VPC), the firewall in front of an external network, and the routes that network
// has back toward AWS.

extension Walk {
    /// A route table sent the packet to VPC `vpc`'s virtual private gateway: it forwards to
    /// the external network whose advertised prefix matches best (Site-to-Site VPN User Guide,
    /// "Route tables and AWS Site-to-Site VPN route priority": only prefixes it knows, the
    /// longest first, then Direct Connect BGP, VPN static, VPN BGP), or drops it.
    mutating func vpnGatewayEgress(vpc: VPC) -> StageResult {
        guard let g = vpc.vpnGateway else { return .stop }
        let here = Place.vpnGateway(ObjectRef(id: g.id, name: g.name))
        guard let (e, prefix) = f.vpnGatewayRoute(vpc: vpc, to: packet.destination) else {
            block(.noRouteToDestination, .noRoute, component: g.id, .vpnGatewayNoRoute(vpnGateway: g.name, destination: packet.destination), at: g.location)
            finish(.noRoute, place: here, .noRoute, .vpnGateway(VPNGatewayHop(gateway: ObjectRef(id: g.id, name: g.name), destination: packet.destination, way: .noRoute)),
                   component: g.id, at: g.location)
            return .stop
        }
        let way = VPNGatewayHop.Way.toExternal(e.name, prefix: prefix, connection: e.connection ?? .vpn, routing: e.routing)
        hop(here, Step(.forwarded, .vpnGateway(VPNGatewayHop(gateway: ObjectRef(id: g.id, name: g.name), destination: packet.destination, way: way)),
                       component: g.id, location: e.location))
        return exitToExternal(e, via: .vpnGateway(vpc: vpc.name))
    }

    /// A packet from an external network arrives at VPC `name`'s virtual private gateway: it
    /// routes only to the VPC's blocks (no gateway route table is modelled: the VPC's local
    /// route delivers it).
    mutating func vpnGatewayIngress(vpc name: String) -> StageResult {
        guard let vpc = f.vpcByName[name], let g = vpc.vpnGateway else { return .stop }
        let ref = ObjectRef(id: g.id, name: g.name)
        let here = Place.vpnGateway(ref)
        if vpc.contains(packet.destination) {
            hop(here, Step(.forwarded, .vpnGateway(VPNGatewayHop(gateway: ref, destination: packet.destination, way: .intoVPC(vpc.name))), component: g.id, location: g.location))
            return .move(.localDelivery(vpc: vpc.name, fromSubnet: nil))
        }
        block(.noRouteToDestination, .noRoute, component: g.id, .vpnGatewayNoRoute(vpnGateway: g.name, destination: packet.destination), at: g.location)
        finish(.noRoute, place: here, .noRoute, .vpnGateway(VPNGatewayHop(gateway: ref, destination: packet.destination, way: .noRoute)), component: g.id, at: g.location)
        return .stop
    }

    /// The firewall in front of `e` (if declared) on a packet crossing it in `direction`:
    /// first match in order, deny by default once the direction has rules; a reply passes by
    /// the state of the flow it answers. A denial is recorded and the walk goes on.
    mutating func externalFirewall(_ e: External, _ direction: ExternalFirewall.Direction) {
        guard let fw = e.firewall else { return }
        let place = Place.external(name: e.name, address: direction == .inbound ? nil : packet.source)
        let rules = direction == .inbound ? fw.inbound : fw.outbound
        if session {
            let m = ExternalFirewallMatch(external: e.name, firewall: fw.name, direction: direction, allowed: true, rule: nil, ruleCount: rules.count,
                                          ruleText: nil, tracked: true, packet: packet, location: fw.location)
            hop(place, Step(.matchedSession, .externalFirewall(m), component: fw.name, location: fw.location))
            return
        }
        let (index, allowed) = fw.evaluate(packet, direction)
        let rule = index.map { rules[$0] }
        let m = ExternalFirewallMatch(external: e.name, firewall: fw.name, direction: direction, allowed: allowed, rule: index, ruleCount: rules.count,
                                      ruleText: rule.map(Walk.ruleText), tracked: false, packet: packet, location: rule?.location ?? fw.location)
        hop(place, Step(allowed ? .permitted : .denied, .externalFirewall(m), component: fw.name, location: m.location))
        if !allowed {
            block(.externalFirewallDenied, direction == .inbound ? .deniedIn : .deniedOut, component: fw.name, .externalFirewall(m), at: m.location)
        }
    }

    static func ruleText(_ r: ExternalFirewall.Rule) -> String {
        var s = "\(r.action.rawValue) \(r.ipProtocol)"
        if r.ipProtocol.hasPorts, !r.ports.isAll { s += " \(r.ports)" }
        s += " \(r.cidr)"
        if !r.description.isEmpty { s += " (\(r.description))" }
        return s
    }

    /// Whether `e` has a route back toward AWS for the packet's destination (its return routes:
    /// what the gateway advertises over BGP, or its static routes). Recorded when the network
    /// declares its link (or is behind a virtual private gateway); a missing route ends the walk.
    mutating func returnRoute(_ e: External, via: ExternalGateway) -> Bool {
        // Return routes are IPv4 (an external network's blocks are); an IPv6 packet is not
        // judged here (a virtual private gateway carries no IPv6: its route step has none).
        guard let routes = f.topology.returnRoutes(of: e), let d = packet.destination.v4 else { return true }
        let matched = routes.route(to: d)
        let check = ReturnRouteCheck(external: e.name, destination: packet.destination, basis: routes.basis, routes: routes.routes, matched: matched,
                                     reply: session, podAddress: f.pod(at: d) != nil)
        let place = Place.external(name: e.name, address: packet.source)
        guard matched != nil else {
            block(.noReturnRoute, .noRoute, component: e.name, .noReturnRoute(check), at: e.location)
            finish(.noRoute, place: place, .noRoute, .returnRoute(check), component: e.name, at: e.location)
            return false
        }
        var shown = e.connection != nil || !e.returnRoutes.isEmpty || e.routing == .static || e.firewall != nil
        if case .vpnGateway = via { shown = true }
        if shown { hop(place, Step(.forwarded, .returnRoute(check), component: e.name, location: e.location)) }
        return true
    }
}
