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

    init(table: TransitGateway.RouteTable, routes: [TransitGatewayRoute]) {
        self.table = table
        self.routes = routes
        var byLength: [Int: [UInt32: Int]] = [:]
        for (i, r) in routes.enumerated() where byLength[r.destination.prefixLength]?[r.destination.network.value] == nil {
            byLength[r.destination.prefixLength, default: [:]][r.destination.network.value] = i
        }
        buckets = byLength.keys.sorted(by: >).map { ($0, byLength[$0] ?? [:]) }
    }

    /// The route for `address`: the longest prefix that holds it (an IPv4 address only).
    public func lookup(_ address: IPAddress) -> TransitGatewayRoute? {
        guard let v4 = address.v4 else { return nil }
        for b in buckets {
            let key = b.length == 0 ? 0 : v4.value & (UInt32.max << UInt32(32 - b.length))
            if let i = b.byNetwork[key] { return routes[i] }
        }
        return nil
    }

    /// The same answer by scanning every route (the benchmark's anchor).
    public func linearLookup(_ address: IPAddress) -> TransitGatewayRoute? {
        guard let v4 = address.v4 else { return nil }
        var best: TransitGatewayRoute? = nil
        for r in routes where r.destination.contains(v4) {
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
