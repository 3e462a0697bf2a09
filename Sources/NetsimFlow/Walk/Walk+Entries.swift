import NetsimModel
import NetsimVPC

// The fabric's subnet and transit gateway entries as a walk asks for them: the last one looked
// up is kept in the flow's state (the same subnet's network ACL, then its route table; the same
// gateway's tables, then its attachment subnets).

extension Walk {
    mutating func subnetEntry(_ name: String) -> SubnetEntry? {
        if let e = state.lastSubnet, e.subnet.name == name { return e }
        let e = f.subnetEntries[name]
        state.lastSubnet = e
        return e
    }

    mutating func transitGatewayEntry(_ name: String) -> CompiledTransitGateway? {
        if let e = state.lastTransitGateway, e.tgw.name == name { return e }
        let e = f.transitGatewayEntries[name]
        state.lastTransitGateway = e
        return e
    }

    /// `VPC.networkACL(for:)` of a subnet, found once.
    mutating func networkACLOf(vpc: VPC, subnet: Subnet) -> NetworkACL? {
        if let e = subnetEntry(subnet.name), e.vpc.name == vpc.name { return e.networkACL }
        return vpc.networkACL(for: subnet)
    }

    /// `FabricIndex.routeTable(vpc:subnet:)`, found once.
    mutating func routeTableOf(vpc: VPC, subnet: Subnet) -> CompiledRouteTable? {
        if let e = subnetEntry(subnet.name), e.vpc.name == vpc.name { return e.routeTable }
        return f.routeTable(vpc: vpc, subnet: subnet)
    }

    /// `TransitGateway.attachmentSubnets(in:)`, found once per gateway and VPC.
    mutating func attachmentSubnets(_ tgw: TransitGateway, in vpc: VPC) -> (subnets: [Subnet], named: Bool) {
        if let e = transitGatewayEntry(tgw.name), let a = e.attachmentSubnets[vpc.name] { return a }
        return tgw.attachmentSubnets(in: vpc)
    }

    /// `TransitGateway.entrySubnet(in:zone:)` from the attachment subnets found once.
    mutating func entrySubnet(_ tgw: TransitGateway, in vpc: VPC, zone: String?) -> (subnet: Subnet, sameZone: Bool, named: Bool)? {
        let (list, named) = attachmentSubnets(tgw, in: vpc)
        if let zone, let s = list.first(where: { $0.zone == zone }) { return (s, true, named) }
        return list.first.map { ($0, false, named) }
    }

    /// The compiled table `table` of `tgw`.
    mutating func transitGatewayTable(_ tgw: TransitGateway, _ table: String) -> CompiledTransitGatewayTable? {
        if let e = transitGatewayEntry(tgw.name), let t = e.tables[table] { return t }
        return f.transitGatewayTable(tgw.name, table)
    }

    /// The name of the table attachment `a` of `tgw` is associated with.
    mutating func associatedTableName(_ tgw: TransitGateway, _ a: String) -> String? {
        if let e = transitGatewayEntry(tgw.name) { return e.associatedTableName[a] }
        return tgw.associatedTable(of: a)?.name
    }

    /// Whether the attachment subnets of VPC `vpc` of `tgw` have different route tables.
    mutating func attachmentTablesDiffer(_ tgw: TransitGateway, _ vpc: VPC, _ candidates: [Subnet]) -> Bool {
        if let e = transitGatewayEntry(tgw.name), let d = e.subnetTablesDiffer[vpc.name] { return d }
        return Set(candidates.map { vpc.routeTable(for: $0)?.name ?? "" }).count > 1
    }
}
