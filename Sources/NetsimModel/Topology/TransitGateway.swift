/// A transit gateway with VPC attachments and routes to VPCs or external networks.
public struct TransitGateway: Sendable {
    public enum Target: Hashable, Sendable {
        case vpc(String)
        case external(String)
        case blackhole
    }
    public struct Route: Sendable {
        public var destination: IPv4CIDR
        public var target: Target
        public var location: SourceLocation
        public init(destination: IPv4CIDR, target: Target, location: SourceLocation) {
            self.destination = destination; self.target = target; self.location = location
        }
    }
    public var name: String
    public var id: String
    public var vpcAttachments: [String]
    /// The subnets a VPC attachment names (one per zone), by VPC name; a VPC absent here
    /// takes the default rule of `attachmentSubnets(in:)`.
    public var attachmentSubnets: [String: [String]] = [:]
    public var routes: [Route]
    public var location: SourceLocation

    // Route tables as AWS builds them. The converter fills these for both forms: the legacy
    // form (`vpcAttachments:` + `routes:`) becomes one table, `default`, with every attachment
    // associated and the routes as written (`isLegacy`); the walk reads only these.

    /// An attachment's kind, as `describe-transit-gateway-attachments` names the resource type.
    public enum AttachmentKind: String, Hashable, Sendable, CaseIterable {
        case vpc, vpn, directConnectGateway = "direct-connect-gateway", peering
        /// The route priority of routes it propagates (0 best); see `RouteOrigin`.
        public var propagatedOrigin: RouteOrigin {
            switch self {
            case .vpc: .vpcPropagated
            case .directConnectGateway: .directConnectPropagated
            case .vpn: .vpnPropagated
            case .peering: .peeringPropagated
            }
        }
    }
    /// One attachment: a VPC (with its subnets, per zone), a VPN or Direct Connect gateway to an
    /// external network, or a peering with another transit gateway of the topology.
    public struct Attachment: Sendable {
        public var name: String
        public var id: String
        public var kind: AttachmentKind
        /// The VPC, the external network or the peer transit gateway, by name.
        public var resource: String
        /// Appliance mode (VPC attachments only): a flow and its reply use one zone of this VPC.
        public var applianceMode: Bool
        /// Direct Connect gateway attachments only: the association's allowed prefixes, the only
        /// routes the Direct Connect gateway advertises to on-premises for this transit gateway
        /// (Direct Connect User Guide, "Allowed prefixes interactions": for transit gateway
        /// associations only the allowed prefixes entered are advertised to on-premises).
        public var allowedPrefixes: [IPv4CIDR]
        /// IPv6 support (VPC attachments only; EC2's `Ipv6Support`, default disable): the
        /// transit gateway's network interfaces in the attachment subnets get an IPv6 address
        /// and the VPC's IPv6 blocks propagate. Off: they have none and nothing IPv6
        /// propagates, so no IPv6 packet crosses this attachment (IPv6 on AWS whitepaper,
        /// "IPv6 connectivity with Transit Gateway": the attachment's interfaces need IPv6
        /// addresses to carry IPv6).
        public var ipv6Support: Bool = false
        public var location: SourceLocation
        public init(name: String, id: String, kind: AttachmentKind, resource: String, applianceMode: Bool = false,
                    allowedPrefixes: [IPv4CIDR] = [], ipv6Support: Bool = false, location: SourceLocation) {
            self.name = name; self.id = id; self.kind = kind; self.resource = resource
            self.applianceMode = applianceMode; self.allowedPrefixes = allowedPrefixes; self.ipv6Support = ipv6Support
            self.location = location
        }
    }
    /// Where a static route of a table sends traffic.
    public enum RouteTarget: Hashable, Sendable {
        case attachment(String)
        case blackhole
    }
    /// A static route of a route table: a CIDR (IPv4 or IPv6) or every entry of a prefix list.
    public struct StaticRoute: Sendable {
        public var destination: IPCIDR?
        public var prefixList: String?
        public var target: RouteTarget
        public var location: SourceLocation
        public init(destination: IPCIDR?, prefixList: String? = nil, target: RouteTarget, location: SourceLocation) {
            self.destination = destination; self.prefixList = prefixList; self.target = target; self.location = location
        }
        public init(destination: IPv4CIDR, prefixList: String? = nil, target: RouteTarget, location: SourceLocation) {
            self.init(destination: IPCIDR.ipv4(destination), prefixList: prefixList, target: target, location: location)
        }
    }
    public struct RouteTable: Sendable {
        public var name: String
        public var id: String
        /// Attachments associated with it as written (the default association adds others:
        /// see `associatedTable(of:)`).
        public var associations: [String]
        /// Attachments propagating into it as written (see `propagatingAttachments(into:)`).
        public var propagations: [String]
        public var routes: [StaticRoute]
        public var location: SourceLocation
        public init(name: String, id: String, associations: [String] = [], propagations: [String] = [], routes: [StaticRoute] = [],
                    location: SourceLocation) {
            self.name = name; self.id = id; self.associations = associations; self.propagations = propagations
            self.routes = routes; self.location = location
        }
    }
    public var attachments: [Attachment] = []
    public var routeTables: [RouteTable] = []
    /// AWS's `DefaultRouteTableAssociation` and `DefaultRouteTablePropagation` (both enabled by
    /// default): an attachment no table associates (propagates) is associated with (propagates
    /// into) `defaultRouteTable`.
    public var defaultAssociation = true
    public var defaultPropagation = true
    public var defaultRouteTable: String? = nil
    /// Written in the legacy form: one table, routes as written, no propagation.
    public var isLegacy = true

    public init(name: String, id: String, vpcAttachments: [String], routes: [Route], location: SourceLocation) {
        self.name = name; self.id = id; self.vpcAttachments = vpcAttachments; self.routes = routes
        self.location = location
    }

    public func attachment(named n: String) -> Attachment? { attachments.first { $0.name == n } }
    public func routeTable(named n: String) -> RouteTable? { routeTables.first { $0.name == n } }
    /// The attachment of VPC `vpc`, if attached.
    public func vpcAttachment(of vpc: String) -> Attachment? { attachments.first { $0.kind == .vpc && $0.resource == vpc } }

    /// The table an attachment is associated with: the one that lists it, else the default
    /// table when default association is on; nil: unassociated (its traffic has no route).
    public func associatedTable(of attachment: String) -> RouteTable? {
        if let t = routeTables.first(where: { $0.associations.contains(attachment) }) { return t }
        guard defaultAssociation, let d = defaultRouteTable else { return nil }
        return routeTable(named: d)
    }

    /// The attachments that propagate into `table`: those it lists, and those no table lists
    /// when it is the default table and default propagation is on. Peering attachments never
    /// propagate (AWS: static routes only). The legacy form propagates nothing.
    public func propagatingAttachments(into table: RouteTable) -> [Attachment] {
        if isLegacy { return [] }
        return attachments.filter { a in
            guard a.kind != .peering else { return false }
            if table.propagations.contains(a.name) { return true }
            guard defaultPropagation, table.name == defaultRouteTable else { return false }
            return !routeTables.contains { $0.propagations.contains(a.name) }
        }
    }

    /// The routes `table` holds, every candidate (shadowed ones too), as AWS's
    /// `search-transit-gateway-routes` lists them: static routes (prefix lists expanded), then
    /// propagated ones. `prefixLists` and the topology's VPCs and externals give the prefixes.
    public func candidateRoutes(of table: RouteTable, vpcs: [VPC], externals: [External], prefixLists: [PrefixList]) -> [TransitGatewayRoute] {
        var out: [TransitGatewayRoute] = []
        for r in table.routes {
            let attachment: String? = { if case .attachment(let a) = r.target { return a }; return nil }()
            if let d = r.destination {
                out.append(TransitGatewayRoute(destination: d, attachment: attachment, origin: .staticRoute, location: r.location))
            } else if let pl = r.prefixList, let list = prefixLists.first(where: { $0.name == pl }) {
                // Every entry, of both families (a prefix list of either family can be referenced).
                for e in list.entries {
                    out.append(TransitGatewayRoute(destination: e.cidr, attachment: attachment, origin: .prefixList, prefixList: pl, location: r.location))
                }
            }
        }
        for a in propagatingAttachments(into: table) {
            let origin = a.kind.propagatedOrigin
            switch a.kind {
            case .vpc:
                let vpc = vpcs.first(where: { $0.name == a.resource })
                for c in vpc?.cidrBlocks ?? [] {
                    out.append(TransitGatewayRoute(destination: c, attachment: a.name, origin: origin, location: a.location))
                }
                // IPv6 blocks propagate only with IPv6 support on the attachment (Ipv6Support).
                if a.ipv6Support {
                    for c in vpc?.ipv6CidrBlocks ?? [] {
                        out.append(TransitGatewayRoute(destination: .ipv6(c), attachment: a.name, origin: origin, location: a.location))
                    }
                }
            case .vpn, .directConnectGateway:
                // A VPN with static routing has no BGP session, so nothing propagates: on a
                // transit gateway its routes are static routes of the table
                // (CreateVpnConnectionRoute, the VPN connection's own static routes, is for
                // virtual private gateways only).
                if let e = externals.first(where: { $0.name == a.resource }), !(a.kind == .vpn && e.routing == .static) {
                    out.append(TransitGatewayRoute(destination: e.advertisedBlock, attachment: a.name, origin: origin, location: a.location))
                }
            case .peering: break
            }
        }
        return out
    }

    /// The routes `table` uses: per destination the best candidate (static, then prefix list,
    /// then by propagated kind; ties to the first), sorted by prefix length (longest first) and
    /// address. Each keeps the candidates it overrides in `overrides`.
    public func effectiveRoutes(of table: RouteTable, vpcs: [VPC], externals: [External], prefixLists: [PrefixList]) -> [TransitGatewayRoute] {
        var best: [IPCIDR: TransitGatewayRoute] = [:]
        var order: [IPCIDR] = []
        for r in candidateRoutes(of: table, vpcs: vpcs, externals: externals, prefixLists: prefixLists) {
            guard var b = best[r.destination] else { best[r.destination] = r; order.append(r.destination); continue }
            if r.origin.rawValue < b.origin.rawValue {
                var n = r; n.overrides = b.overrides + [b]; best[r.destination] = n
            } else {
                b.overrides.append(r); best[r.destination] = b
            }
        }
        // IPv4 routes first (longest prefix first, then by address), then IPv6 routes likewise:
        // each family is a table apart for lookups.
        return order.compactMap { best[$0] }.sorted { a, b in
            switch (a.destination, b.destination) {
            case (.ipv4(let x), .ipv4(let y)): return (x.prefixLength, y.network.value) > (y.prefixLength, x.network.value)
            case (.ipv6(let x), .ipv6(let y)):
                if x.prefixLength != y.prefixLength { return x.prefixLength > y.prefixLength }
                return x.network < y.network
            case (.ipv4, .ipv6): return true
            case (.ipv6, .ipv4): return false
            }
        }
    }

    /// The VPN or Direct Connect attachment external network `external` is reached by: the
    /// one naming it, else the one whose network holds its block most specifically. The legacy
    /// form's one table routes for every external (nil attachment, `isLegacy`).
    public func attachment(forExternal external: String, externals: [External]) -> Attachment? {
        if let a = attachments.first(where: { ($0.kind == .vpn || $0.kind == .directConnectGateway) && $0.resource == external }) { return a }
        guard let e = externals.first(where: { $0.name == external }) else { return nil }
        let block = e.advertisedBlock
        var best: (Attachment, Int)? = nil
        for a in attachments where a.kind == .vpn || a.kind == .directConnectGateway {
            guard let x = externals.first(where: { $0.name == a.resource }) else { continue }
            let b = x.advertisedBlock
            if b.prefixLength <= block.prefixLength, b.contains(block.network), b.prefixLength > (best?.1 ?? -1) { best = (a, b.prefixLength) }
        }
        return best?.0
    }

    /// What the transit gateway advertises to external network `external` (see
    /// `advertisedRoutes(to:)`); the legacy form: every route of its one table that leads to a
    /// VPC. Nil when no attachment reaches it.
    public func advertisedRoutes(toExternal external: String, vpcs: [VPC], externals: [External], prefixLists: [PrefixList]) -> [IPv4CIDR]? {
        if isLegacy, let table = routeTables.first {
            return effectiveRoutes(of: table, vpcs: vpcs, externals: externals, prefixLists: prefixLists)
                .filter { r in r.attachment.flatMap { self.attachment(named: $0) }?.kind == .vpc }.compactMap(\.destination.tgwIPv4)
        }
        guard let a = attachment(forExternal: external, externals: externals) else { return nil }
        return advertisedRoutes(to: a.name, vpcs: vpcs, externals: externals, prefixLists: prefixLists)
    }

    /// What the transit gateway advertises over BGP to the external network of VPN or Direct
    /// Connect attachment `attachment`. A VPN attachment: the active routes of the table it is
    /// associated with, except those that lead back to that attachment (nil when unassociated).
    /// A Direct Connect gateway attachment: its allowed prefixes, whatever its table holds
    /// (Direct Connect User Guide, "Allowed prefixes interactions"). Nil when it is no such
    /// attachment.
    public func advertisedRoutes(to attachment: String, vpcs: [VPC], externals: [External], prefixLists: [PrefixList]) -> [IPv4CIDR]? {
        guard let a = self.attachment(named: attachment), a.kind == .vpn || a.kind == .directConnectGateway else { return nil }
        if a.kind == .directConnectGateway { return a.allowedPrefixes }
        guard let table = associatedTable(of: a.name) else { return nil }
        return effectiveRoutes(of: table, vpcs: vpcs, externals: externals, prefixLists: prefixLists)
            .filter { $0.attachment != nil && $0.attachment != a.name }.compactMap(\.destination.tgwIPv4)
    }

    /// The attachment's subnet in each zone, sorted by zone, and whether the file named them.
    /// Named: those subnets (AWS: one per zone, the transit gateway's ENI lives there).
    /// Not named: in every zone where the VPC has subnets, the smallest one (AWS recommends a
    /// dedicated small subnet per zone for attachments), ties to the lowest address. Never the
    /// order subnets are written in.
    public func attachmentSubnets(in vpc: VPC) -> (subnets: [Subnet], named: Bool) {
        if let names = attachmentSubnets[vpc.name], !names.isEmpty {
            let list = names.compactMap { vpc.subnet(named: $0) }
            return (list.sorted { ($0.zone, $0.name) < ($1.zone, $1.name) }, true)
        }
        var best: [String: Subnet] = [:]
        for s in vpc.subnets {
            guard let b = best[s.zone] else { best[s.zone] = s; continue }
            if s.cidr.prefixLength > b.cidr.prefixLength
                || (s.cidr.prefixLength == b.cidr.prefixLength && s.cidr.network.value < b.cidr.network.value) { best[s.zone] = s }
        }
        return (best.keys.sorted().compactMap { best[$0] }, false)
    }

    /// The attachment subnet traffic from the transit gateway enters `vpc` through: the one in
    /// `zone` (AZ affinity: a transit gateway keeps a flow in the zone it came from), else the
    /// first zone of the attachment by name. `sameZone` is false in that fallback.
    public func entrySubnet(in vpc: VPC, zone: String?) -> (subnet: Subnet, sameZone: Bool, named: Bool)? {
        let (list, named) = attachmentSubnets(in: vpc)
        if let zone, let s = list.first(where: { $0.zone == zone }) { return (s, true, named) }
        return list.first.map { ($0, false, named) }
    }
}

/// The priority among transit gateway routes to the same destination, best first (AWS Transit
/// Gateway guide, "How transit gateways work", Route evaluation order).
public enum RouteOrigin: Int, Hashable, Sendable, CaseIterable {
    case staticRoute = 0, prefixList, vpcPropagated, directConnectPropagated, connectPropagated, vpnPropagated, peeringPropagated
    /// `static` or `propagated`, as `search-transit-gateway-routes` prints the type.
    public var isStatic: Bool { self == .staticRoute || self == .prefixList }
    public var type: String { isStatic ? "static" : "propagated" }
}

/// One route of a transit gateway route table (static, from a prefix list, or propagated).
public struct TransitGatewayRoute: Sendable {
    /// An IPv4 or an IPv6 block: one table holds both families, looked up apart.
    public var destination: IPCIDR
    /// The attachment it leads to; nil: a blackhole.
    public var attachment: String?
    public var origin: RouteOrigin
    public var prefixList: String?
    public var location: SourceLocation
    /// Candidates for the same destination this one wins over.
    public var overrides: [TransitGatewayRoute] = []
    public var isBlackhole: Bool { attachment == nil }
    public init(destination: IPCIDR, attachment: String?, origin: RouteOrigin, prefixList: String? = nil, location: SourceLocation) {
        self.destination = destination; self.attachment = attachment; self.origin = origin
        self.prefixList = prefixList; self.location = location
    }
    public init(destination: IPv4CIDR, attachment: String?, origin: RouteOrigin, prefixList: String? = nil, location: SourceLocation) {
        self.init(destination: .ipv4(destination), attachment: attachment, origin: origin, prefixList: prefixList, location: location)
    }
}

extension External {
    /// The block the network is reached at (and advertises over BGP): its CIDR, or its host as a /32.
    public var advertisedBlock: IPv4CIDR {
        switch address {
        case .network(let c): return c
        case .host(let h): return IPv4CIDR(network: h, prefixLength: 32)
        }
    }
}

extension IPCIDR {
    /// The IPv4 block, nil for an IPv6 one (what a transit gateway advertises over BGP here).
    fileprivate var tgwIPv4: IPv4CIDR? { if case .ipv4(let c) = self { return c }; return nil }
}
