import NetsimModel

/// One transit gateway route table, compiled for lookups: its effective routes (one per
/// destination, the best by AWS's route priority) indexed by prefix length, longest first.
/// A class: a walk asks for it at each transit gateway visit (a copy would retain each list).
public final class CompiledTransitGatewayTable: Sendable {
    public let table: TransitGateway.RouteTable
    /// Effective routes, longest prefix first (as `describe` prints them).
    public let routes: [TransitGatewayRoute]
    /// Per prefix length present, longest first: network address → index into `routes`.
    let buckets: [(length: Int, byNetwork: [UInt32: Int])]
    /// The IPv6 routes the same way (a family apart, as in a VPC route table).
    let buckets6: [(length: Int, byNetwork: [IPv6Address: Int])]

    init(table: TransitGateway.RouteTable, routes: [TransitGatewayRoute]) {
        self.table = table
        self.routes = routes
        var byLength: [Int: [UInt32: Int]] = [:]
        var byLength6: [Int: [IPv6Address: Int]] = [:]
        for (i, r) in routes.enumerated() {
            switch r.destination {
            case .ipv4(let c):
                if byLength[c.prefixLength]?[c.network.value] == nil { byLength[c.prefixLength, default: [:]][c.network.value] = i }
            case .ipv6(let c):
                if byLength6[c.prefixLength]?[c.network] == nil { byLength6[c.prefixLength, default: [:]][c.network] = i }
            }
        }
        buckets = byLength.keys.sorted(by: >).map { ($0, byLength[$0] ?? [:]) }
        buckets6 = byLength6.keys.sorted(by: >).map { ($0, byLength6[$0] ?? [:]) }
    }

    /// The route for `address`: the longest prefix of its family that holds it.
    public func lookup(_ address: IPAddress) -> TransitGatewayRoute? {
        switch address {
        case .ipv4(let v4):
            for b in buckets {
                let key = b.length == 0 ? 0 : v4.value & (UInt32.max << UInt32(32 - b.length))
                if let i = b.byNetwork[key] { return routes[i] }
            }
        case .ipv6(let v6):
            for b in buckets6 {
                if let i = b.byNetwork[IPv6CIDR(network: v6, prefixLength: b.length).network] { return routes[i] }
            }
        }
        return nil
    }

    /// The same answer by scanning every route (the benchmark's anchor).
    public func linearLookup(_ address: IPAddress) -> TransitGatewayRoute? {
        var best: TransitGatewayRoute? = nil
        for r in routes where r.destination.contains(address) {
            if best == nil || r.destination.prefixLength > (best?.destination.prefixLength ?? -1) { best = r }
        }
        return best
    }
}

extension FabricIndex {
    /// Compiles every transit gateway's route tables and finds the stateful appliances.
    func compileTransitGateways() {
        let t = topology
        for tgw in t.transitGateways {
            for table in tgw.routeTables {
                let routes = tgw.effectiveRoutes(of: table, vpcs: t.vpcs, externals: t.externals, prefixLists: t.prefixLists)
                transitGatewayTables["\(tgw.name)/\(table.name)"] = CompiledTransitGatewayTable(table: table, routes: routes)
            }
        }
        for vpc in t.vpcs {
            for ni in vpc.networkInterfaces where ni.stateful && !ni.sourceDestCheck {
                if let i = interfaceByName[ni.name] { statefulInterfaces.insert(i) }
            }
        }
    }

    /// The compiled table `table` of transit gateway `tgw`.
    public func transitGatewayTable(_ tgw: String, _ table: String) -> CompiledTransitGatewayTable? {
        if let e = transitGatewayEntries[tgw], let t = e.tables[table] { return t }
        return transitGatewayTables["\(tgw)/\(table)"]
    }
}
