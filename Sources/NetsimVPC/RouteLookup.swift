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
/// and loses a tie to a CIDR route. Tables are compiled once into per-length buckets.
public struct CompiledRouteTable: Sendable {
    public let table: RouteTable
    /// Candidates by prefix length, longest first.
    private var buckets: [(length: Int, routes: [UInt32: RouteMatch])] = []

    public init(table: RouteTable, vpc: VPC, gatewayEndpoints: [GatewayEndpoint], prefixLists: [String: PrefixList]) {
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
        var byLength: [Int: [UInt32: RouteMatch]] = [:]
        func rank(_ m: RouteMatch) -> Int { m.origin == .endpoint || m.written.hasPrefix("pl:") ? 0 : 1 }
        for m in candidates {
            let key = m.destination.network.value
            if let existing = byLength[m.destination.prefixLength]?[key], rank(existing) >= rank(m) { continue }
            byLength[m.destination.prefixLength, default: [:]][key] = m
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
