import NetsimFlow
import NetsimModel

/// `netsim describe transit-gateway:NAME`: per route table its associations, propagations and
/// the routes netsim computed, as `aws ec2 describe-transit-gateway-route-tables`,
/// `get-transit-gateway-route-table-associations`/`-propagations` and
/// `search-transit-gateway-routes` show them (route type static or propagated, state active
/// or blackhole). Routes are the effective ones (one per destination, by AWS's route
/// priority), longest prefix first; `overrides` lists the candidates each one wins over.
public struct TransitGatewayDescription: Encodable, Sendable {
    public struct Attachment: Encodable, Sendable {
        public var name: String
        public var transitGatewayAttachmentId: String
        /// `vpc`, `vpn`, `direct-connect-gateway` or `peering`.
        public var resourceType: String
        public var resource: String
        public var applianceMode: Bool
        /// The attachment's subnets (VPC attachments), one per zone.
        public var subnets: [String]?
        public var associatedRouteTable: String?
        /// Direct Connect gateway attachments: the allowed prefixes, all that on-premises learns.
        public var allowedPrefixes: [String]? = nil
        /// VPC attachments with IPv6 support (`Ipv6Support`): true; absent otherwise.
        public var ipv6Support: Bool? = nil
    }
    public struct Route: Encodable, Sendable {
        public var destinationCidrBlock: String
        public var prefixList: String?
        /// nil for a blackhole.
        public var attachment: String?
        public var transitGatewayAttachmentId: String?
        public var resourceType: String?
        public var resource: String?
        /// `static` or `propagated`.
        public var type: String
        /// `active` or `blackhole`.
        public var state: String
        /// Other routes for this destination it wins over: "ATTACHMENT (TYPE)".
        public var overrides: [String]?
    }
    public struct RouteTable: Encodable, Sendable {
        public var name: String
        public var transitGatewayRouteTableId: String
        public var defaultAssociationRouteTable: Bool
        public var defaultPropagationRouteTable: Bool
        public var associations: [String]
        public var propagations: [String]
        public var routes: [Route]
    }
    public var name: String
    public var transitGatewayId: String
    /// `route tables` or `single table` (the vpcAttachments + routes form).
    public var form: String
    public var defaultRouteTableAssociation: Bool
    public var defaultRouteTablePropagation: Bool
    public var attachments: [Attachment]
    public var routeTables: [RouteTable]

    public init(_ tgw: TransitGateway, fabric f: FabricIndex) {
        let t = f.topology
        name = tgw.name
        transitGatewayId = tgw.id
        form = tgw.isLegacy ? "single table" : "route tables"
        defaultRouteTableAssociation = tgw.defaultAssociation
        defaultRouteTablePropagation = !tgw.isLegacy && tgw.defaultPropagation
        attachments = tgw.attachments.map { a in
            var subnets: [String]? = nil
            if a.kind == .vpc, let vpc = f.vpcByName[a.resource] { subnets = tgw.attachmentSubnets(in: vpc).subnets.map { "\($0.name) (\($0.zone))" } }
            return Attachment(name: a.name, transitGatewayAttachmentId: a.id, resourceType: a.kind.rawValue, resource: a.resource,
                              applianceMode: a.applianceMode, subnets: subnets, associatedRouteTable: tgw.associatedTable(of: a.name)?.name,
                              allowedPrefixes: a.kind == .directConnectGateway ? a.allowedPrefixes.map(\.description) : nil,
                              ipv6Support: a.ipv6Support ? true : nil)
        }
        routeTables = tgw.routeTables.map { table in
            let routes = f.transitGatewayTable(tgw.name, table.name)?.routes
                ?? tgw.effectiveRoutes(of: table, vpcs: t.vpcs, externals: t.externals, prefixLists: t.prefixLists)
            return RouteTable(
                name: table.name, transitGatewayRouteTableId: table.id,
                defaultAssociationRouteTable: tgw.defaultAssociation && tgw.defaultRouteTable == table.name,
                defaultPropagationRouteTable: !tgw.isLegacy && tgw.defaultPropagation && tgw.defaultRouteTable == table.name,
                associations: tgw.attachments.filter { tgw.associatedTable(of: $0.name)?.name == table.name }.map(\.name),
                propagations: tgw.propagatingAttachments(into: table).map(\.name),
                routes: routes.map { r in
                    let a = r.attachment.flatMap { tgw.attachment(named: $0) }
                    let overrides = r.overrides.map { "\($0.attachment ?? "blackhole") (\($0.origin.type))" }
                    return Route(destinationCidrBlock: r.destination.description, prefixList: r.prefixList, attachment: r.attachment,
                                 transitGatewayAttachmentId: a?.id, resourceType: a?.kind.rawValue, resource: a?.resource,
                                 type: r.origin.type, state: r.isBlackhole ? "blackhole" : "active",
                                 overrides: overrides.isEmpty ? nil : overrides)
                })
        }
    }

    /// The text `describe` prints.
    public var text: String {
        var out = "transit gateway \(name) (\(transitGatewayId)), \(form)\n"
        out += "  default association: \(defaultRouteTableAssociation ? "on" : "off"), default propagation: \(defaultRouteTablePropagation ? "on" : "off")\n"
        out += "  attachments:\n"
        for a in attachments {
            var s = "    \(a.name)  \(a.transitGatewayAttachmentId)  \(a.resourceType) \(a.resource)"
            if let sn = a.subnets, !sn.isEmpty { s += "  subnets \(sn.joined(separator: ", "))" }
            if a.applianceMode { s += "  appliance mode" }
            if a.ipv6Support == true { s += "  IPv6 support" }
            if let p = a.allowedPrefixes { s += "  allowed prefixes \(p.isEmpty ? "none" : p.joined(separator: ", ")) (all on-premises learns)" }
            s += a.associatedRouteTable.map { "  → route table \($0)" } ?? "  (associated with no route table)"
            out += s + "\n"
        }
        for rt in routeTables {
            var flags: [String] = []
            if rt.defaultAssociationRouteTable { flags.append("default association") }
            if rt.defaultPropagationRouteTable { flags.append("default propagation") }
            out += "  route table \(rt.name) (\(rt.transitGatewayRouteTableId))\(flags.isEmpty ? "" : ", " + flags.joined(separator: ", "))\n"
            out += "    associations: \(rt.associations.isEmpty ? "none" : rt.associations.joined(separator: ", "))\n"
            out += "    propagations: \(rt.propagations.isEmpty ? "none" : rt.propagations.joined(separator: ", "))\n"
            if rt.routes.isEmpty { out += "    routes: none\n"; continue }
            let rows = rt.routes.map { r -> [String] in
                [r.destinationCidrBlock + (r.prefixList.map { " (\($0))" } ?? ""),
                 r.attachment.map { "\($0) (\(r.transitGatewayAttachmentId ?? ""))" } ?? "-",
                 r.resourceType.map { "\($0) \(r.resource ?? "")" } ?? "-", r.type, r.state,
                 r.overrides.map { "overrides " + $0.joined(separator: ", ") } ?? ""]
            }
            let header = ["CIDR", "ATTACHMENT", "RESOURCE", "TYPE", "STATE", ""]
            var widths = header.map(\.count)
            for row in rows { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
            func fmt(_ row: [String]) -> String {
                var s = "    "
                for (i, c) in row.enumerated() { s += i == row.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count + 2) }
                while s.last == " " { s.removeLast() }
                return s + "\n"
            }
            out += fmt(header)
            for row in rows { out += fmt(row) }
        }
        return out
    }
}

extension Description {
    /// `transit-gateway:NAME` or `tgw:NAME` (or the transit gateway's ID).
    static func transitGateway(_ text: String, in network: Network) -> Result<Description, Failure>? {
        let lower = text.lowercased()
        let name: String
        if lower.hasPrefix("transit-gateway:") { name = String(text.dropFirst("transit-gateway:".count)) }
        else if lower.hasPrefix("tgw:") { name = String(text.dropFirst(4)) }
        else if lower.hasPrefix("tgw-") { name = text }
        else { return nil }
        let f = network.fabric
        guard let tgw = f.topology.transitGateways.first(where: { $0.name == name || $0.id == name }) else {
            return .failure(.notFound("no transit gateway \(name)", near: Suggestions.nearest(to: name, in: f.topology.transitGateways.map(\.name))))
        }
        var d = Description(topology: f.topology.name, kind: "transitGateway")
        d.transitGateway = TransitGatewayDescription(tgw, fabric: f)
        return .success(d)
    }
}
