import NetsimModel
import NetsimVPC

extension FabricIndex {
    /// The prefixes VPC `vpc`'s virtual private gateway propagates: every external network
    /// reached through it advertises its block (or host /32), ranked as the gateway ranks them.
    static func propagatedRoutes(_ t: Topology, _ vpc: VPC) -> [CompiledRouteTable.Propagated] {
        guard vpc.vpnGateway != nil else { return [] }
        return t.externals(behindVPNGatewayOf: vpc).flatMap { e in
            e.advertisedPrefixes.map { CompiledRouteTable.Propagated(prefix: $0, rank: e.propagationRank, location: e.location) }
        }
    }

    /// The external network a virtual private gateway sends `destination` to: the most
    /// specific advertised prefix among the networks behind it, ties to the better-ranked link
    /// (Direct Connect BGP, VPN static, VPN BGP), then by name; nil when it knows no route.
    public func vpnGatewayRoute(vpc: VPC, to destination: IPAddress) -> (external: External, prefix: IPv4CIDR)? {
        guard let d = destination.v4 else { return nil }
        var best: (External, IPv4CIDR)? = nil
        for e in topology.externals(behindVPNGatewayOf: vpc) {
            for p in e.advertisedPrefixes where p.contains(d) {
                guard let (be, bp) = best else { best = (e, p); continue }
                if p.prefixLength > bp.prefixLength
                    || (p.prefixLength == bp.prefixLength && (e.propagationRank, e.name) < (be.propagationRank, be.name)) { best = (e, p) }
            }
        }
        return best.map { (external: $0.0, prefix: $0.1) }
    }
}
