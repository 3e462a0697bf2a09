import NetsimModel
import NetsimVPC

// IPv6 in the walk. An IPv6 packet crosses the same stages as an IPv4 one (security groups and
// network ACLs judge it with their IPv6 rules; the fabric knows interfaces by their IPv6
// addresses); what differs is here: the route table's IPv6 routes, the internet gateway (no
// translation: IPv6 addresses are public), the egress-only internet gateway (out and replies
// back, never a connection in). A node's datapath takes an IPv6 packet through its ip6tables
// and IPv6 routes (`NodeStage.swift`); one it cannot take (a mixed-family packet) ends
// NOT_MODELLED there.
// Sources: Amazon VPC User Guide, "Route tables" (separate IPv4 and IPv6 routes, longest
// prefix), "Enable internet access for a VPC using an internet gateway" (IPv6 without NAT),
// "Enable outbound IPv6 traffic using an egress-only internet gateway" (stateful; no inbound
// connections).

extension Network {
    /// A host interface (not a pod) resolved to one family while the other end is of the other:
    /// the interface's address of that family, when it has one.
    static func matchFamily(_ e: inout ResolvedEndpoint, to family: IPFamily, fabric f: FabricIndex) {
        guard e.address.family != family, e.podNode == nil, case .interface(let i) = e.place else { return }
        let iface = f.interfaces[i]
        switch (e.address, family) {
        case (.ipv4(let a), .ipv6) where a == iface.primaryIP:
            guard let v6 = iface.ipv6, f.pod(at: e.address) == nil else { return }
            e.address = .ipv6(v6)
            e.label += " by its IPv6 address \(v6)"
        case (.ipv6(let a), .ipv4) where a == iface.ipv6:
            e.address = .ipv4(iface.primaryIP)
            e.label += " by its IPv4 address \(iface.primaryIP)"
        default: return
        }
    }
}

extension Tracer {
    /// An IPv6 trace that stopped where netsim cannot take it: NOT_MODELLED, with the caveat.
    static func markIPv6NotModelled(_ t: inout Trace) {
        let steps = t.forward.hops.flatMap(\.steps) + (t.reply?.hops.flatMap(\.steps) ?? [])
        guard steps.contains(where: { if case .ipv6NotModelled = $0.detail { return true }; return false }) else { return }
        if !t.caveats.contains(where: { if case .ipv6NotModelled = $0.kind { return true }; return false }) {
            t.caveats.append(Caveat(.ipv6NotModelled(source: t.packet.source, destination: t.packet.destination), affectsVerdict: true))
        }
        if t.explanations.isEmpty { t.disposition = .notModelled }
    }
}

extension Walk {
    /// The IPv6 route of the subnet's table (its IPv6 routes and a `local` route per IPv6 block
    /// of the VPC); a VPC without an IPv6 block has none.
    mutating func route6(vpc: VPC, subnet: Subnet, _ d: IPv6Address) -> StageResult {
        guard let rt4 = f.routeTable(vpc: vpc, subnet: subnet) else { return .stop }
        let table = ObjectRef(id: rt4.table.id, name: rt4.table.name)
        guard let rt = f.routeTable6(vpc: vpc, subnet: subnet), let m = f.lookup6(rt, d) else {
            block(.noRouteToDestination, .noRoute, component: rt4.table.id, .noRouteInTable(table: table, subnet: subnet.name, destination: packet.destination), at: rt4.table.location)
            finish(.noRoute, place: .subnet(subnet.ref), .noRoute, .noRoute(.routeTable(table, destination: packet.destination)), component: rt4.table.id, at: rt4.table.location)
            return .stop
        }
        hop(.subnet(subnet.ref), Step(.forwarded, .route(RouteTableMatch(table: table, written: m.written, destination: .ipv6(m.destination), target: m.target, origin: m.origin)),
                                       component: rt4.table.id, location: m.location ?? rt4.table.location))
        switch m.target {
        case .local: return .move(.localDelivery(vpc: vpc.name, fromSubnet: subnet.name))
        case .blackhole:
            block(.badStateRoute, .nullRouted, component: rt4.table.id, .blackholeRoute(table: table, written: m.written), at: m.location)
            finish(.nullRouted, place: .subnet(subnet.ref), .nullRouted, .nullRouted(.blackholeRoute), component: rt4.table.id, at: m.location)
            return .stop
        case .internetGateway: return .move(.internetGateway(vpc: vpc.name))
        case .egressOnlyInternetGateway(let n): return egressOnlyGatewayEgress(vpc: vpc, name: n)
        case .natGateway, .vpnGateway:
            // A virtual private gateway carries no IPv6 (Site-to-Site VPN over a virtual private
            // gateway is IPv4 only). A NAT gateway translates IPv4 (the converter refuses IPv6 routes to one; a prefix
            // list's IPv6 entry can still name one): it carries no IPv6 packet.
            block(.noRouteToDestination, .noRoute, component: rt4.table.id, .noRouteInTable(table: table, subnet: subnet.name, destination: packet.destination), at: m.location)
            finish(.noRoute, place: .subnet(subnet.ref), .noRoute, .noRoute(.routeTable(table, destination: packet.destination)), component: rt4.table.id, at: m.location)
            return .stop
        case .peeringConnection(let n): return .move(.peering(n, fromVPC: vpc.name))
        case .transitGateway(let n): return .move(.transitGateway(n, fromSubnet: subnet.name))
        case .gatewayEndpoint(let n): return .move(.gatewayEndpoint(n, vpc: vpc.name))
        case .networkInterface(let n): return .move(.middlebox(n, fromSubnet: subnet.name))
        }
    }

    /// Out through the internet gateway: the source must be an IPv6 address of an interface
    /// (they are public); no translation.
    mutating func internetGatewayEgress6(vpc: VPC) -> StageResult {
        let igw = vpc.internetGateway.map { ObjectRef(id: $0.id, name: $0.name) }
        let name = Place.internetGateway(igw)
        let component = vpc.internetGateway?.id ?? vpc.id
        if case .ipv6(let d) = packet.destination, !Walk.isGlobal6(d) {
            block(.igwDestinationAddressNotInRFC1918Egress, .deniedOut, component: component, .internetGatewayPrivateDestination(packet.destination))
            finish(.deniedOut, place: name, .denied, .filter(.privateDestination), component: component)
            return .stop
        }
        guard f.ownerOf(packet.source) != nil else {
            block(.igwPublicIPAssociationForEgress, .deniedOut, component: component, .internetGatewayNoPublicAddress(packet.source))
            finish(.deniedOut, place: name, .denied, .filter(.noPublicAddress(packet.source)), component: component)
            return .stop
        }
        if !session { sessions.append(Session(kind: .igw, outside: (packet.source, packet.sourcePort), inside: (packet.source, packet.sourcePort))) }
        hop(name, Step(.forwarded, .ipv6Gateway(egressOnly: false, inbound: false, session: session), component: component, location: vpc.internetGateway?.location))
        if f.publicOwnerOf(packet.destination) != nil { return .move(.internet) }
        exitedVia = .internet
        observe(.internetEgress(vpc: vpc.name, gateway: igw))
        finish(.exitsNetwork, place: .internet(nil), .exitsNetwork, .exitsNetwork(.internet(packet.destination)))
        return .stop
    }

    /// Out through an egress-only internet gateway: IPv6 only (the route that leads here is
    /// IPv6), no translation; it remembers the connection so the replies come back in.
    mutating func egressOnlyGatewayEgress(vpc: VPC, name n: String) -> StageResult {
        let e = vpc.egressOnlyInternetGateway
        let component = e?.id ?? n
        let here = Place.egressOnlyInternetGateway(n)
        if case .ipv6(let d) = packet.destination, !Walk.isGlobal6(d) {
            block(.noRouteToDestination, .noRoute, component: component, .outsideModelledNetworks(packet.destination))
            finish(.noRoute, place: here, .noRoute, .noRoute(.outsideModelledNetworks(packet.destination)), component: component)
            return .stop
        }
        if !session { sessions.append(Session(kind: .eigw(n), outside: (packet.source, packet.sourcePort), inside: (packet.source, packet.sourcePort))) }
        hop(here, Step(.forwarded, .ipv6Gateway(egressOnly: true, inbound: false, session: session), component: component, location: e?.location))
        if f.publicOwnerOf(packet.destination) != nil { return .move(.internet) }
        exitedVia = .internet
        observe(.internetEgress(vpc: vpc.name, gateway: e.map { ObjectRef(id: $0.id, name: $0.name) }))
        finish(.exitsNetwork, place: .internet(nil), .exitsNetwork, .exitsNetwork(.internet(packet.destination)))
        return .stop
    }

    /// An IPv6 packet from the internet: to the interface that holds the address, through the
    /// VPC's internet gateway (security groups decide), or as the reply of a connection that
    /// went out through an egress-only internet gateway; an egress-only gateway lets no
    /// connection in.
    mutating func fromInternet6(_ d: IPv6Address) -> StageResult {
        let owner = f.publicOwnerOf6(d)
        let vpcName = owner.map { f.interfaces[$0].vpc } ?? f.vpc(containing: packet.destination)?.name
        observe(.internetIngress(vpc: vpcName))
        guard let vpcName, let vpc = f.vpcByName[vpcName] else {
            block(.noRouteToDestination, .noRoute, component: "internet", .outsideModelledNetworks(packet.destination))
            finish(.noRoute, place: .internet(nil), .noRoute, .noRoute(.outsideModelledNetworks(packet.destination)))
            return .stop
        }
        if session, let s = sessions.last(where: { s in
            switch s.kind {
            case .eigw, .igw: return s.outside.0 == packet.destination
            default: return false
            }
        }) {
            if case .eigw(let n) = s.kind {
                hop(.egressOnlyInternetGateway(n), Step(.matchedSession, .ipv6Gateway(egressOnly: true, inbound: true, session: true),
                                                        component: vpc.egressOnlyInternetGateway?.id ?? n, location: vpc.egressOnlyInternetGateway?.location))
                return .move(.localDelivery(vpc: vpc.name, fromSubnet: nil))
            }
        }
        if let igw = vpc.internetGateway {
            hop(.internetGateway(ObjectRef(id: igw.id, name: igw.name)), Step(.forwarded, .ipv6Gateway(egressOnly: false, inbound: true, session: session),
                                                                              component: igw.id, location: igw.location))
            return .move(.localDelivery(vpc: vpc.name, fromSubnet: nil))
        }
        if let e = vpc.egressOnlyInternetGateway {
            block(.eigwNoInbound, .deniedIn, component: e.id, .egressOnlyInbound(gateway: e.name, destination: packet.destination), at: e.location)
            finish(.deniedIn, place: .egressOnlyInternetGateway(e.name), .denied, .filter(.egressOnlyInbound), component: e.id, at: e.location)
            return .stop
        }
        block(.noRouteToDestination, .noRoute, component: vpc.id, .noInternetGateway(vpc: vpc.name, destination: packet.destination))
        finish(.noRoute, place: .internet(nil), .noRoute, .noRoute(.noInternetGateway))
        return .stop
    }

    /// A global unicast address (2000::/3): the internet routes it; unique local (fc00::/7),
    /// link-local and the rest it does not.
    static func isGlobal6(_ a: IPv6Address) -> Bool { a.high >> 61 == 0b001 }
}
