import NetsimModel
import NetsimVPC

// What a walk reads at a subnet, a VPC or a transit gateway, found once per topology and held
// in classes: a lookup then retains one object instead of copying a VPC (every array and string
// of it retained and released) at each stage of each walk.

/// One subnet and its VPC, with the compiled route table and the network ACL that govern it.
public final class SubnetEntry: Sendable {
    public let vpc: VPC
    public let subnet: Subnet
    /// `FabricIndex.routeTable(vpc:subnet:)` for it.
    public let routeTable: CompiledRouteTable?
    /// `VPC.networkACL(for:)` for it.
    public let networkACL: NetworkACL?
    /// `subnet.ref`.
    public let ref: ObjectRef

    init(vpc: VPC, subnet: Subnet, routeTable: CompiledRouteTable?) {
        self.vpc = vpc; self.subnet = subnet; self.routeTable = routeTable
        ref = subnet.ref
        networkACL = vpc.networkACL(for: subnet)
    }
}

/// One VPC (by name).
public final class VPCEntry: Sendable {
    public let vpc: VPC
    init(_ vpc: VPC) { self.vpc = vpc }
}

/// One transit gateway with the answers its walk asks for each packet: the attachment subnets
/// of each attached VPC, each attachment's compiled route table.
public final class CompiledTransitGateway: Sendable {
    public let tgw: TransitGateway
    /// `TransitGateway.attachmentSubnets(in:)`, by VPC name.
    let attachmentSubnets: [String: (subnets: [Subnet], named: Bool)]
    /// Whether the attachment subnets of a VPC (by name) have different route tables.
    let subnetTablesDiffer: [String: Bool]
    /// The compiled route tables, by table name.
    let tables: [String: CompiledTransitGatewayTable]
    /// `TransitGateway.associatedTable(of:)`'s name, by attachment name (absent: unassociated).
    let associatedTableName: [String: String]

    init(_ tgw: TransitGateway, vpcs: [VPC], tables: [String: CompiledTransitGatewayTable]) {
        self.tgw = tgw
        self.tables = tables
        var assoc: [String: String] = [:]
        for a in tgw.attachments { if let t = tgw.associatedTable(of: a.name) { assoc[a.name] = t.name } }
        associatedTableName = assoc
        var subnets: [String: (subnets: [Subnet], named: Bool)] = [:]
        var differ: [String: Bool] = [:]
        for vpc in vpcs {
            let a = tgw.attachmentSubnets(in: vpc)
            subnets[vpc.name] = a
            differ[vpc.name] = Set(a.subnets.map { vpc.routeTable(for: $0)?.name ?? "" }).count > 1
        }
        attachmentSubnets = subnets; subnetTablesDiffer = differ
    }
}

extension FabricIndex {
    /// Fills `subnetEntries`, `vpcEntries`, `interfaceGroups` and `transitGatewayEntries` (last in
    /// `init`: after the route tables are compiled and every interface is added).
    func buildEntries() {
        for vpc in topology.vpcs {
            vpcEntries[vpc.name] = VPCEntry(vpc)
            for s in vpc.subnets {
                let rt = vpc.routeTable(for: s).flatMap { routeTables["\(vpc.name)/\($0.name)"] }
                subnetEntries[s.name] = SubnetEntry(vpc: vpc, subnet: s, routeTable: rt)
            }
        }
        interfaceGroups = interfaces.map { securityGroups(of: $0) }
        for tgw in topology.transitGateways where transitGatewayEntries[tgw.name] == nil {
            var tables: [String: CompiledTransitGatewayTable] = [:]
            for t in tgw.routeTables { tables[t.name] = transitGatewayTables["\(tgw.name)/\(t.name)"] }
            transitGatewayEntries[tgw.name] = CompiledTransitGateway(tgw, vpcs: topology.vpcs, tables: tables)
        }
    }

    /// `securityGroups(of:)` of interface `i` (found once when the fabric was built).
    public func securityGroups(ofInterface i: Int) -> [SecurityGroup] {
        i < interfaceGroups.count ? interfaceGroups[i] : securityGroups(of: interfaces[i])
    }
}
