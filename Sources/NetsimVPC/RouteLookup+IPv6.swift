import NetsimModel

/// The IPv6 route a destination takes in one route table.
public struct RouteMatch6: Sendable {
    public var destination: IPv6CIDR
    /// How the route was written: the CIDR, or `pl:NAME`.
    public var written: String
    public var target: Route.Target
    public var origin: RouteMatch.Origin
    public var location: SourceLocation?
}

/// A route table's IPv6 routes (Amazon VPC User Guide, "Route tables": IPv4 and IPv6 routes are
/// separate, each family has its own longest-prefix match; every IPv6 CIDR block of the VPC gets
/// a `local` route; a prefix list counts as each of its IPv6 entries and loses a tie to a CIDR
/// route). Compiled once per table into per-length buckets, like the IPv4 routes.
public struct CompiledRouteTable6: Sendable {
    public let table: RouteTable
    /// Candidates by prefix length, longest first.
    private var buckets: [(length: Int, routes: [IPv6Address: RouteMatch6])] = []

    public init(table: RouteTable, vpc: VPC, prefixLists: [String: PrefixList]) {
        self.table = table
        var candidates: [RouteMatch6] = []
        for r in table.routes {
            switch r.destination {
            case .ipv6(let c):
                candidates.append(RouteMatch6(destination: c, written: c.description, target: r.target, origin: .table, location: r.location))
            case .prefixList(let name):
                for case .v6(let c) in prefixLists[name]?.entries ?? [] {
                    candidates.append(RouteMatch6(destination: c, written: "pl:\(name)", target: r.target, origin: .table, location: r.location))
                }
            case .ipv4: continue
            }
        }
        // As for IPv4: a prefix-list entry inside the VPC's own blocks never takes traffic from
        // the local route, and a written route for the very block replaces its local route.
        candidates.removeAll { m in m.written.hasPrefix("pl:") && vpc.ipv6CidrBlocks.contains { $0.contains(m.destination) } }
        for c in vpc.ipv6CidrBlocks where !candidates.contains(where: { $0.destination == c && !$0.written.hasPrefix("pl:") }) {
            candidates.append(RouteMatch6(destination: c, written: c.description, target: .local, origin: .local, location: nil))
        }
        var byLength: [Int: [IPv6Address: RouteMatch6]] = [:]
        func rank(_ m: RouteMatch6) -> Int { m.written.hasPrefix("pl:") ? 0 : 1 }
        for m in candidates {
            let key = m.destination.network
            if let existing = byLength[m.destination.prefixLength]?[key], rank(existing) >= rank(m) { continue }
            byLength[m.destination.prefixLength, default: [:]][key] = m
        }
        buckets = byLength.keys.sorted(by: >).map { ($0, byLength[$0] ?? [:]) }
    }

    /// Whether the table has any IPv6 route (local ones included).
    public var isEmpty: Bool { buckets.isEmpty }

    /// The longest-prefix match for `destination`, or nil (no route).
    public func lookup(_ destination: IPv6Address) -> RouteMatch6? {
        for (length, routes) in buckets {
            if let m = routes[CompiledRouteTable6.masked(destination, length)] { return m }
        }
        return nil
    }

    /// Every IPv6 route in the table, for a linear scan (benchmark anchor).
    public var allRoutes: [RouteMatch6] { buckets.flatMap { $0.routes.values } }

    @inline(__always) static func masked(_ a: IPv6Address, _ length: Int) -> IPv6Address {
        let h: UInt64 = length >= 64 ? .max : (length == 0 ? 0 : UInt64.max << UInt64(64 - length))
        let l: UInt64 = length <= 64 ? 0 : (length == 128 ? .max : UInt64.max << UInt64(128 - length))
        return IPv6Address(high: a.high & h, low: a.low & l)
    }
}
