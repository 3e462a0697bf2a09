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

    public init(name: String, id: String, vpcAttachments: [String], routes: [Route], location: SourceLocation) {
        self.name = name; self.id = id; self.vpcAttachments = vpcAttachments; self.routes = routes
        self.location = location
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
