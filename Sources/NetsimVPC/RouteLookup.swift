import NetsimModel

/// The route a destination takes in one route table.
public struct RouteMatch: Sendable {
    public enum Origin: String, Sendable {
        /// The implicit route of a VPC CIDR block.
        case local
        /// A route written in the table.
        case table
        /// A gateway endpoint's prefix-list route.
        case endpoint
        /// A route a virtual private gateway propagates (`propagatingVgws`): an external
        /// network's advertised prefix (`Origin: EnableVgwRoutePropagation`).
        case propagated
    }
    public var destination: IPv4CIDR
    /// How the route was written: the CIDR, or `pl:NAME`.
    public var written: String
    public var target: Route.Target
    public var origin: Origin
    public var location: SourceLocation?
}

/// Route tables (Amazon VPC User Guide): the longest prefix wins; a `local` route for every VPC
/// CIDR; a prefix-list route (written, or a gateway endpoint's) counts as each of its entries,
/// and loses a tie to a CIDR route. Propagated routes (a virtual private gateway's, into a
/// table that lists it in `propagatingVgws`) lose a tie to both, and never take traffic from
/// the local route even when more specific (VPC User Guide, "How route priority works";
/// Site-to-Site VPN User Guide, "Route tables and AWS Site-to-Site VPN route priority"); among
/// themselves Direct Connect BGP, then VPN static, then VPN BGP routes. Tables are compiled
/// once into per-length buckets.
public struct CompiledRouteTable: Sendable {
    public let table: RouteTable
    /// Candidates by prefix length, longest first.
    private var buckets: [(length: Int, routes: [UInt32: RouteMatch])] = []

    /// One propagated prefix: the network that advertises it, its rank among propagated routes
    /// (`External.propagationRank`, lower first) and where the network is written.
    public struct Propagated: Sendable {
        public var prefix: IPv4CIDR
        public var rank: Int
        public var location: SourceLocation?
        public init(prefix: IPv4CIDR, rank: Int, location: SourceLocation?) { self.prefix = prefix; self.rank = rank; self.location = location }
    }

    public init(table: RouteTable, vpc: VPC, gatewayEndpoints: [GatewayEndpoint], prefixLists: [String: PrefixList],
                propagated: [Propagated] = []) {
        self.table = table
        var candidates: [RouteMatch] = []
        for r in table.routes {
            switch r.destination {
            case .ipv4(let c):
                candidates.append(RouteMatch(destination: c, written: c.description, target: r.target, origin: .table, location: r.location))
            case .prefixList(let name):
                for case .v4(let c) in prefixLists[name]?.entries ?? [] {
                    candidates.append(RouteMatch(destination: c, written: "pl:\(name)", target: r.target, origin: .table, location: r.location))
                }
            case .ipv6: continue
            }
        }
        for e in gatewayEndpoints where e.routeTables.contains(table.name) {
            for case .v4(let c) in prefixLists[e.prefixList]?.entries ?? [] {
                candidates.append(RouteMatch(destination: c, written: "pl:\(e.prefixList)", target: .gatewayEndpoint(e.name), origin: .endpoint, location: e.location))
            }
        }
        // A prefix-list entry inside the VPC's own CIDR blocks never takes traffic from the local
        // route (local routes take priority; only a written subnet route to a NAT gateway or
        // interface may be more specific).
        candidates.removeAll { m in m.written.hasPrefix("pl:") && vpc.cidrBlocks.contains { $0.contains(m.destination) } }
        // The local route: a written route for the very same block replaces it (middlebox routing).
        for c in vpc.cidrBlocks where !candidates.contains(where: { $0.destination == c && $0.origin == .table && !$0.written.hasPrefix("pl:") }) {
            candidates.append(RouteMatch(destination: c, written: c.description, target: .local, origin: .local, location: nil))
        }
        // Propagated routes: into a table that lists the VPC's virtual private gateway; none
        // inside the VPC's blocks (the local route is preferred even over a more specific one).
        var propagationRank: [Int: Int] = [:]
        if let vgw = vpc.vpnGateway, table.propagatingVgws.contains(vgw.name) {
            for p in propagated where !vpc.cidrBlocks.contains(where: { $0.contains(p.prefix.network) && $0.prefixLength <= p.prefix.prefixLength }) {
                propagationRank[candidates.count] = p.rank
                candidates.append(RouteMatch(destination: p.prefix, written: p.prefix.description, target: .vpnGateway(vgw.name), origin: .propagated, location: p.location))
            }
        }
        var byLength: [Int: [UInt32: RouteMatch]] = [:]
        // Same prefix: a CIDR route (static or local) over a prefix-list route over a
        // propagated one; among propagated ones the lower `External.propagationRank`.
        func rank(_ m: RouteMatch, _ i: Int?) -> Int {
            if m.origin == .propagated { return -1 - (i.flatMap { propagationRank[$0] } ?? 0) }
            return m.origin == .endpoint || m.written.hasPrefix("pl:") ? 0 : 1
        }
        var rankOf: [Int: [UInt32: Int]] = [:]
        for (i, m) in candidates.enumerated() {
            let key = m.destination.network.value
            let r = rank(m, i)
            if let existing = rankOf[m.destination.prefixLength]?[key], existing >= r { continue }
            byLength[m.destination.prefixLength, default: [:]][key] = m
            rankOf[m.destination.prefixLength, default: [:]][key] = r
        }
        buckets = byLength.keys.sorted(by: >).map { ($0, byLength[$0] ?? [:]) }
    }

    /// The longest-prefix match for `destination`, or nil (no route).
    public func lookup(_ destination: IPv4Address) -> RouteMatch? {
        for (length, routes) in buckets {
            let mask: UInt32 = length == 0 ? 0 : ~UInt32(0) << UInt32(32 - length)
            if let m = routes[destination.value & mask] { return m }
        }
        return nil
    }

    /// The longest-prefix match for `destination` of either family: the table's routes are
    /// IPv4 routes (IPv6 routes are not modelled), so an IPv6 destination has none.
    @inlinable public func lookup(_ destination: IPAddress) -> RouteMatch? {
        if case .ipv4(let a) = destination { return lookup(a) }
        return nil
    }

    /// Every route in the table, local ones included, for a linear scan (benchmark anchor).
    public var allRoutes: [RouteMatch] { buckets.flatMap { $0.routes.values } }
}
