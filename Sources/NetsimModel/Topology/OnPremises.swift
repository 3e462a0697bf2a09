/// What stands between an external network and the VPCs when it is reached privately: the
/// gateway that carries its flows, and the routes it has back toward AWS.

/// The private gateway an external network reaches the VPCs through.
public enum PrivateGateway: Hashable, Sendable {
    /// A transit gateway (by name).
    case transitGateway(String)
    /// The virtual private gateway of a VPC (by the VPC's name).
    case vpnGateway(vpc: String)
}

/// The routes an external network's router has toward AWS, and where they come from.
public struct ReturnRoutes: Sendable, Equatable {
    public enum Basis: Sendable, Equatable {
        /// Learned over BGP: what the gateway advertises (a virtual private gateway: its VPC's
        /// CIDR blocks; a transit gateway: the routes of the attachment's associated table).
        case advertised(gateway: String)
        /// Written in the file (`returnRoutes:`): static routing, or a filter on BGP.
        case declared
    }
    public var basis: Basis
    public var routes: [IPv4CIDR]
    public init(basis: Basis, routes: [IPv4CIDR]) { self.basis = basis; self.routes = routes }

    /// The most specific route covering `address`, if any.
    public func route(to address: IPv4Address) -> IPv4CIDR? {
        var best: IPv4CIDR? = nil
        for r in routes where r.contains(address) && r.prefixLength > (best?.prefixLength ?? -1) { best = r }
        return best
    }
}

extension Topology {
    /// The VPC whose virtual private gateway is named `name`.
    public func vpcWithVPNGateway(named name: String) -> VPC? { vpcs.first { $0.vpnGateway?.name == name } }

    /// The private gateway external network `e` is reached through (`via:` naming a transit
    /// gateway or a virtual private gateway); nil for the internet or a peering connection.
    public func privateGateway(of e: External) -> PrivateGateway? {
        guard let via = e.via else { return nil }
        if transitGateways.contains(where: { $0.name == via }) { return .transitGateway(via) }
        if let vpc = vpcWithVPNGateway(named: via) { return .vpnGateway(vpc: vpc.name) }
        return nil
    }

    /// What the gateway advertises to external network `e` over BGP: a virtual private gateway
    /// its VPC's CIDR blocks (Site-to-Site VPN User Guide: the virtual private gateway
    /// advertises the VPC's CIDRs); a transit gateway the active routes of the route table its
    /// VPN or Direct Connect gateway attachment for `e` is associated with (Transit Gateway
    /// guide: the routes of the associated table are advertised to the customer gateway), or,
    /// in the single-table form, its routes to VPC attachments. Nothing when that attachment is
    /// missing or unassociated.
    public func advertisedRoutes(by gateway: PrivateGateway, to e: External) -> [IPv4CIDR] {
        switch gateway {
        case .vpnGateway(let name): return vpcs.first { $0.name == name }?.cidrBlocks ?? []
        case .transitGateway(let name):
            guard let tgw = transitGateways.first(where: { $0.name == name }) else { return [] }
            return tgw.advertisedRoutes(toExternal: e.name, vpcs: vpcs, externals: externals, prefixLists: prefixLists) ?? []
        }
    }

    /// The routes external network `e` has back toward AWS: the written `returnRoutes`, else
    /// (BGP) what its gateway advertises; nil when it is not reached through a private gateway.
    /// With static routing and no `returnRoutes` it has none.
    public func returnRoutes(of e: External) -> ReturnRoutes? {
        guard let g = privateGateway(of: e) else { return nil }
        if !e.returnRoutes.isEmpty || e.routing == .static { return ReturnRoutes(basis: .declared, routes: e.returnRoutes) }
        let name: String
        switch g {
        case .transitGateway(let t): name = t
        case .vpnGateway(let v): name = vpcs.first { $0.name == v }?.vpnGateway?.name ?? v
        }
        return ReturnRoutes(basis: .advertised(gateway: name), routes: advertisedRoutes(by: g, to: e))
    }

    /// The externals reached through VPC `vpc`'s virtual private gateway: what it propagates.
    public func externals(behindVPNGatewayOf vpc: VPC) -> [External] {
        guard let g = vpc.vpnGateway else { return [] }
        return externals.filter { $0.via == g.name && $0.subnet == nil }
    }
}
