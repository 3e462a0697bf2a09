import NetsimModel

extension AWSImporter {
    /// Which peering connections and transit gateway attachments can be written (both ends
    /// imported), before any VPC is written: routes to the others are left out.
    mutating func prepareEdges(_ inv: Inventory, _ plan: inout Plan) {
        for p in inv.peerings {
            guard let id = p.string("VpcPeeringConnectionId") else { continue }
            let status = p.o.object("Status")?.string("Code") ?? "active"
            guard status == "active" else { skip("peering connection", id, p, "status \(status)"); continue }
            let req = p.o.object("RequesterVpcInfo")?.string("VpcId"), acc = p.o.object("AccepterVpcInfo")?.string("VpcId")
            guard let req, let acc, inv.vpcByID[req] != nil, inv.vpcByID[acc] != nil else {
                skip("peering connection", id, p, "its other VPC (\(inv.vpcByID[req ?? ""] == nil ? req ?? "?" : acc ?? "?")) is not in the folder: another account's or Region's VPC is not modelled")
                continue
            }
            plan.peerings[id] = p
        }
        for a in inv.tgwAttachments {
            guard let id = a.string("TransitGatewayAttachmentId"), let tgw = a.string("TransitGatewayId") else { continue }
            let state = a.string("State") ?? "available"
            guard ["available", "pending", "modifying"].contains(state) else { continue }
            guard inv.tgws.contains(where: { $0.string("TransitGatewayId") == tgw }) else {
                dangling("transit gateway attachment \(id) belongs to \(tgw), which ec2-describe-transit-gateways.json does not list", a); continue
            }
            guard a.string("ResourceType") == "vpc" else { continue }
            guard let vpc = a.string("ResourceId"), inv.vpcByID[vpc] != nil else {
                skip("transit gateway attachment", id, a, "attaches VPC \(a.string("ResourceId") ?? "?"), which the folder does not hold (another account's VPC is not modelled)")
                continue
            }
            plan.tgwVPCs[tgw, default: []].insert(vpc)
        }
    }

    // MARK: peering

    mutating func emitPeerings(_ inv: Inventory, _ plan: Plan) {
        let list = plan.peerings.keys.sorted { (names.name("target", $0) ?? "") < (names.name("target", $1) ?? "") }
        guard !list.isEmpty else { return }
        out.line(0, "peeringConnections:")
        for id in list {
            guard let p = plan.peerings[id], let req = p.o.object("RequesterVpcInfo")?.string("VpcId"), let acc = p.o.object("AccepterVpcInfo")?.string("VpcId") else { continue }
            out.comment(2, p.cite(id))
            out.line(2, "- " + YAMLText.flow([("name", Self.s(names.name("target", id) ?? id)), Self.idPair(id),
                                              ("requesterVpc", Self.s(names.name("vpc", req) ?? req)), ("accepterVpc", Self.s(names.name("vpc", acc) ?? acc))]))
            count("peering connections")
        }
    }

    // MARK: transit gateways

    mutating func emitTransitGateways(_ inv: Inventory, _ plan: Plan) {
        let tgws = inv.tgws.sorted { (names.name("target", $0.string("TransitGatewayId") ?? "") ?? "") < (names.name("target", $1.string("TransitGatewayId") ?? "") ?? "") }
        guard !tgws.isEmpty else { return }
        out.line(0, "transitGateways:")
        let searchFiles = folder.perResource["ec2-search-transit-gateway-routes"] ?? [:]
        let propagationFiles = folder.perResource["ec2-get-transit-gateway-route-table-propagations"] ?? [:]
        for t in tgws {
            guard let id = t.string("TransitGatewayId") else { continue }
            count("transit gateways")
            out.comment(2, t.cite(id))
            out.line(2, "- name: " + Self.s(names.name("target", id) ?? id))
            if Self.idOK(id) { out.line(4, "id: " + Self.s(id)) }
            let opts = t.o.object("Options")
            // Attachments written: VPC attachments of imported VPCs.
            var attNames: [String: String] = [:]
            var attLines: [(String, String)] = []
            var associated = Set<String>()
            for a in inv.tgwAttachments.filter({ $0.string("TransitGatewayId") == id }).sorted(by: { ($0.string("TransitGatewayAttachmentId") ?? "") < ($1.string("TransitGatewayAttachmentId") ?? "") }) {
                guard let aid = a.string("TransitGatewayAttachmentId") else { continue }
                let state = a.string("State") ?? "available"
                guard ["available", "pending", "modifying"].contains(state) else { skip("transit gateway attachment", aid, a, "state \(state)"); continue }
                let kind = a.string("ResourceType") ?? "?"
                guard kind == "vpc" else {
                    skip("transit gateway attachment", aid, a, "a \(kind) attachment to \(a.string("ResourceId") ?? "?"): the network behind it is not in the folder (write it as an external with a vpn or directConnectGateway attachment)")
                    continue
                }
                guard let vpc = a.string("ResourceId"), let vn = names.name("vpc", vpc) else { continue }   // listed by prepareEdges
                let name = names.assign("tgwatt:\(id)", id: aid, preferred: Self.tagName(a) ?? vn)
                attNames[aid] = name
                var p: Pairs = [("name", Self.s(name)), Self.idPair(aid), ("vpc", Self.s(vn))]
                if let va = inv.tgwVpcAttachments[aid] {
                    let subnets = va.o.array("SubnetIds").compactMap(\.string).compactMap { names.name("subnet", $0) }.sorted()
                    if !subnets.isEmpty { p.append(("subnets", YAMLText.list(subnets))) }
                    if va.o.object("Options")?.string("ApplianceModeSupport") == "enable" { p.append(("applianceMode", "true")) }
                }
                if a.o.object("Association")?.string("State") == "associated" { associated.insert(aid) }
                attLines.append((a.cite(aid), "- " + YAMLText.flow(p)))
            }
            // Route tables.
            var tables: [(id: String, item: Item, name: String)] = []
            for rt in inv.tgwRouteTables.filter({ $0.string("TransitGatewayId") == id }) {
                guard let rid = rt.string("TransitGatewayRouteTableId") else { continue }
                tables.append((rid, rt, names.assign("tgwrtb:\(id)", id: rid, preferred: Self.tagName(rt))))
            }
            tables.sort { $0.name < $1.name }
            var propagated = Set<String>()
            var tableBodies: [(comment: String, lines: [String])] = []
            for tb in tables {
                var lines = ["- name: " + Self.s(tb.name)]
                if Self.idOK(tb.id) { lines.append("  id: " + Self.s(tb.id)) }
                let assoc = inv.tgwAttachments.filter { $0.string("TransitGatewayId") == id && $0.o.object("Association")?.string("TransitGatewayRouteTableId") == tb.id && $0.o.object("Association")?.string("State") == "associated" }
                    .compactMap { $0.string("TransitGatewayAttachmentId") }.compactMap { attNames[$0] }.sorted()
                if !assoc.isEmpty { lines.append("  associations: " + YAMLText.list(assoc)) }
                var props = Set<String>()
                if let pf = propagationFiles[tb.id] {
                    for p in pf.root.objects("TransitGatewayRouteTablePropagations") where (p.string("State") ?? "enabled") == "enabled" {
                        if let a = p.string("TransitGatewayAttachmentId"), let n = attNames[a] { props.insert(n); propagated.insert(a) }
                    }
                }
                var routes: [(String, String)] = []
                if let sf = searchFiles[tb.id] {
                    for r in sf.root.objects("Routes") {
                        let item = Item(o: r, src: sf)
                        let type = r.string("Type") ?? "static"
                        let att = r.objects("TransitGatewayAttachments").first?.string("TransitGatewayAttachmentId")
                        if type == "propagated" {
                            if propagationFiles[tb.id] == nil, let att, let n = attNames[att] { props.insert(n); propagated.insert(att) }
                            continue
                        }
                        var dest: (String, String)
                        let destText: String
                        if let d = r.string("DestinationCidrBlock") {
                            guard Self.isIPv4CIDR(d) else {
                                skip("transit gateway route", "\(tb.id) \(d)", item, Self.isIPv6CIDR(d) ? "an IPv6 destination (transit gateway routes are IPv4 in the format)" : "a destination that is no CIDR"); continue
                            }
                            dest = ("destination", Self.s(d)); destText = d
                        } else if let pl = r.string("PrefixListId"), let n = names.name("pl", pl) {
                            dest = ("prefixList", Self.s(n)); destText = pl
                        } else { skip("transit gateway route", tb.id, item, "a destination netsim cannot read"); continue }
                        if (r.string("State") ?? "active") == "blackhole" {
                            routes.append((destText, YAMLText.flow([dest, ("blackhole", "true")]))); continue
                        }
                        guard let att, let n = attNames[att] else {
                            skip("transit gateway route", "\(tb.id) \(destText) → \(att ?? "?")", item, "its attachment is not imported"); continue
                        }
                        if r.objects("TransitGatewayAttachments").count > 1 {
                            skip("transit gateway route", "\(tb.id) \(destText)", item, "equal-cost paths to several attachments: only the first (\(att)) is written")
                        }
                        routes.append((destText, YAMLText.flow([dest, ("attachment", Self.s(n))])))
                    }
                } else {
                    diagnostics.append(Diagnostic(.warning, .importMissingFile, "transit gateway route table \(tb.id) has no ec2-search-transit-gateway-routes-\(tb.id).json: its static routes are not imported", at: tb.item.loc,
                                                  hint: "collect it: aws ec2 search-transit-gateway-routes --transit-gateway-route-table-id \(tb.id) --filters Name=type,Values=static,propagated --output json > ec2-search-transit-gateway-routes-\(tb.id).json"))
                }
                if !props.isEmpty { lines.append("  propagations: " + YAMLText.list(props.sorted())) }
                routes.sort { $0.0 < $1.0 }
                if !routes.isEmpty { lines.append("  routes:"); for r in routes { lines.append("    - " + r.1) } }
                tableBodies.append((tb.item.cite(tb.id), lines))
                count("transit gateway route tables")
            }
            // Defaults: AWS's apply only when an attachment is created; the import lists every
            // association and propagation, so a default that is on but would add one AWS does
            // not have is written off.
            let assocDefault = (opts?.string("DefaultRouteTableAssociation") ?? "enable") == "enable"
            let propDefault = (opts?.string("DefaultRouteTablePropagation") ?? "enable") == "enable"
            let unassociated = attNames.keys.contains { !associated.contains($0) }
            let unpropagated = attNames.keys.contains { !propagated.contains($0) }
            if !assocDefault || unassociated {
                if assocDefault { out.comment(4, "off here: an attachment has no association, which netsim's default would add") }
                out.line(4, "defaultRouteTableAssociation: false")
            }
            if !propDefault || unpropagated {
                if propDefault { out.comment(4, "off here: an attachment propagates nowhere, which netsim's default would change") }
                out.line(4, "defaultRouteTablePropagation: false")
            }
            if (assocDefault && !unassociated) || (propDefault && !unpropagated) {
                let def = opts?.string("AssociationDefaultRouteTableId") ?? opts?.string("PropagationDefaultRouteTableId")
                if let def, let n = tables.first(where: { $0.id == def })?.name {
                    if n != "default" { out.line(4, "defaultRouteTable: " + Self.s(n)) }
                }
            }
            if !attLines.isEmpty {
                out.line(4, "attachments:")
                for (c, l) in attLines { out.comment(6, c); out.line(6, l) }
                count("transit gateway attachments", attLines.count)
            }
            if !tableBodies.isEmpty {
                out.line(4, "routeTables:")
                for tb in tableBodies {
                    out.comment(6, tb.comment)
                    for l in tb.lines { out.line(6, l) }
                }
            }
        }
    }
}
