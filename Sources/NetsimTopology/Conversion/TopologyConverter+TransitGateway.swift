import NetsimModel
import Yams

// Transit gateways with route tables (`attachments:` + `routeTables:`), and the legacy
// single-table form (`vpcAttachments:` + `routes:`) turned into the same model: one table,
// `default`, every attachment associated, the routes as written, nothing propagated.
// AWS rules followed: Transit Gateway guide, "How transit gateways work" (route tables,
// associations, propagation, route evaluation order, Availability Zones and appliance mode),
// "Transit gateway attachments to a VPC", "Transit gateway route tables" and
// "Transit gateway peering attachments".

extension TopologyConverter {
    static let tgwAttachmentKinds: [(key: String, kind: TransitGateway.AttachmentKind)] =
        [("vpc", .vpc), ("vpn", .vpn), ("directConnectGateway", .directConnectGateway), ("peering", .peering)]
    static let tgwTableKeys = ["attachments", "routeTables", "defaultRouteTable", "defaultRouteTableAssociation", "defaultRouteTablePropagation"]

    /// Whether the transit gateway mapping uses route tables; reports a mix of both forms.
    func tgwUsesTables(_ r: MappingReader, context ctx: String) -> Bool {
        let tables = Self.tgwTableKeys.filter { r.has($0) }
        let legacy = ["vpcAttachments", "routes"].filter { r.has($0) }
        if let t = tables.first, let l = legacy.first {
            reporter.error(.tgwMixedForms, "\(ctx) mixes '\(l)' (the single-table form) with '\(t)' (route tables)", at: r.keyLocation(l),
                           hint: "write attachments: [{vpc: NAME}] and routeTables: [{name: …, routes: [{destination: CIDR, attachment: NAME}]}], or only vpcAttachments and routes")
        }
        return !tables.isEmpty
    }

    /// The legacy form as route tables: attachments named after their VPC (an external route
    /// target becomes a VPN attachment named after the external), one table `default`.
    func legacyTables(_ tgw: inout TransitGateway) {
        var atts: [TransitGateway.Attachment] = tgw.vpcAttachments.map {
            .init(name: $0, id: AWSID.make("tgw-attach", name: "\(tgw.name)/\($0)", seed: seed), kind: .vpc, resource: $0, location: tgw.location)
        }
        var externalAttachment: [String: String] = [:]
        for r in tgw.routes {
            guard case .external(let e) = r.target, externalAttachment[e] == nil else { continue }
            var n = e
            while atts.contains(where: { $0.name == n }) { n += "-vpn" }
            externalAttachment[e] = n
            atts.append(.init(name: n, id: AWSID.make("tgw-attach", name: "\(tgw.name)/\(n)", seed: seed), kind: .vpn, resource: e, location: r.location))
        }
        let routes = tgw.routes.map { r -> TransitGateway.StaticRoute in
            switch r.target {
            case .vpc(let v): return .init(destination: r.destination, target: .attachment(v), location: r.location)
            case .external(let e): return .init(destination: r.destination, target: .attachment(externalAttachment[e] ?? e), location: r.location)
            case .blackhole: return .init(destination: r.destination, target: .blackhole, location: r.location)
            }
        }
        tgw.attachments = atts
        tgw.routeTables = [.init(name: "default", id: AWSID.make("tgw-rtb", name: "\(tgw.name)/default", seed: seed),
                                 associations: atts.map(\.name), routes: routes, location: tgw.location)]
        tgw.defaultRouteTable = "default"
        tgw.defaultPropagation = false
        tgw.isLegacy = true
        var seen: [IPv4CIDR: SourceLocation] = [:]
        for r in tgw.routes {
            if let first = seen[r.destination] {
                reporter.error(.tgwDuplicateRoute, "transit gateway '\(echo: tgw.name)' has two routes for \(r.destination)", at: r.location,
                               hint: "AWS refuses a second static route for one destination (RouteAlreadyExists); keep one",
                               notes: [Diagnostic.Note("the first", at: first)])
            } else { seen[r.destination] = r.location }
        }
    }

    /// The route-table form.
    func convertTransitGatewayTables(_ r: MappingReader, name: String, context ctx: String, vpcs: [VPC]) -> TransitGateway {
        let id = makeID("tgw", name, given: r.string("id"), at: r.valueLocation("id"))
        var tgw = TransitGateway(name: name, id: id, vpcAttachments: [], routes: [], location: r.location)
        tgw.isLegacy = false
        tgw.defaultAssociation = r.bool("defaultRouteTableAssociation") ?? true
        tgw.defaultPropagation = r.bool("defaultRouteTablePropagation") ?? true
        // Attachments.
        var vpcSeen: [String: SourceLocation] = [:]
        var names: [String: SourceLocation] = [:]
        for item in r.list("attachments") ?? [] {
            guard let ar = MappingReader.make(item, file: file, context: "an attachment of \(ctx)", reporter: reporter) else { continue }
            defer { ar.finish() }
            let given = Self.tgwAttachmentKinds.filter { ar.has($0.key) }
            guard let (key, kind) = given.first else {
                reporter.error(.tgwAttachmentKind, "an attachment of \(ctx) names no vpc, vpn, directConnectGateway or peering", at: ar.location,
                               hint: "write {vpc: NAME} for a VPC, {vpn: EXTERNAL} or {directConnectGateway: EXTERNAL} for an external network, {peering: TRANSIT-GATEWAY}")
                continue
            }
            if given.count > 1 {
                reporter.error(.tgwAttachmentKind, "an attachment of \(ctx) names both '\(given[0].key)' and '\(given[1].key)'", at: ar.keyLocation(given[1].key),
                               hint: "an attachment is one VPC, VPN, Direct Connect gateway or peering; write one attachment for each")
            }
            guard let (resource, rloc) = ar.locatedString(key) else { continue }
            let aname = ar.string("name") ?? resource
            let aloc = ar.has("name") ? ar.valueLocation("name") : rloc
            if !checkTGWName(aname, what: "an attachment of \(ctx)", at: aloc) { continue }
            if let first = names[aname] {
                reporter.error(.duplicateName, "\(ctx) has two attachments named '\(echo: aname)'", at: aloc,
                               hint: "give each attachment its own name (name: …)", notes: [Diagnostic.Note("first defined here", at: first)])
                continue
            }
            names[aname] = aloc
            let aid = makeID("tgw-attach", "\(name)/\(aname)", given: ar.string("id"), at: ar.valueLocation("id"))
            let appliance = ar.bool("applianceMode") ?? false
            let ipv6 = ar.bool("ipv6Support") ?? false
            if ar.has("ipv6Support"), kind != .vpc {
                reporter.error(.tgwIPv6Support, "IPv6 support is set on the \(kind.rawValue) attachment '\(echo: aname)' of \(ctx)", at: ar.valueLocation("ipv6Support"),
                               hint: "ipv6Support is an option of VPC attachments (Ipv6Support); remove it here")
            }
            if ar.has("applianceMode"), kind != .vpc {
                reporter.error(.tgwApplianceModeNotVPC, "appliance mode is set on the \(kind.rawValue) attachment '\(echo: aname)' of \(ctx)", at: ar.valueLocation("applianceMode"),
                               hint: "appliance mode is an option of VPC attachments only (ApplianceModeSupport); remove it here and set it on the attachment of the appliance VPC")
            }
            switch kind {
            case .vpc:
                reference(.vpc, resource, at: rloc, from: ctx)
                if let first = vpcSeen[resource] {
                    reporter.error(.tgwVPCAttachedTwice, "VPC '\(echo: resource)' is attached twice to \(ctx)", at: rloc,
                                   hint: "AWS allows one attachment per VPC and transit gateway (DuplicateTransitGatewayAttachment); keep one and give it every zone's subnet",
                                   notes: [Diagnostic.Note("first attached here", at: first)])
                    continue
                }
                vpcSeen[resource] = rloc
                tgw.vpcAttachments.append(resource)
                let named = ar.stringList("subnets")
                if ar.has("subnets") && named.isEmpty {
                    reporter.error(.invalidValue, "the attachment '\(echo: aname)' of \(ctx) lists no subnets", at: ar.valueLocation("subnets"),
                                   hint: "name one subnet per zone the attachment serves, or leave 'subnets' out for the default (the smallest subnet of each zone)")
                }
                checkAttachmentSubnets(named, vpc: resource, vpcs: vpcs, context: ctx)
                if !named.isEmpty { tgw.attachmentSubnets[resource] = named.map(\.0) }
            case .vpn, .directConnectGateway:
                reference(.external, resource, at: rloc, from: ctx)
                locations["tgw-external:\(name)/\(aname)"] = rloc
            case .peering:
                reference(.transitGateway, resource, at: rloc, from: ctx)
                locations["tgw-peer:\(name)/\(aname)"] = rloc
                if resource == name {
                    reporter.error(.tgwAttachmentKind, "the peering attachment '\(echo: aname)' of \(ctx) peers it with itself", at: rloc,
                                   hint: "a peering attachment names another transit gateway")
                }
            }
            if kind != .vpc, ar.has("subnets") {
                reporter.error(.tgwAttachmentKind, "the \(kind.rawValue) attachment '\(echo: aname)' of \(ctx) cannot name subnets", at: ar.keyLocation("subnets"),
                               hint: "only VPC attachments have subnets")
                _ = ar.stringList("subnets")
            }
            // A Direct Connect gateway's association with a transit gateway carries its allowed
            // prefixes: AWS requires them (CreateDirectConnectGatewayAssociation), and they are
            // all the Direct Connect gateway advertises to on-premises for this transit gateway.
            var allowed: [IPv4CIDR] = []
            if kind == .directConnectGateway {
                let written = ar.stringList("allowedPrefixes")
                for (c, cloc) in written { if let cidr = cidr4(c, at: cloc, what: "allowed prefix") { allowed.append(cidr) } }
                if !ar.has("allowedPrefixes") {
                    ar.missing("allowedPrefixes", hint: "AWS requires the allowed prefixes when a Direct Connect gateway is associated with a transit gateway, and they are the only routes on-premises learns for it: list the blocks on-premises may reach, e.g. allowedPrefixes: [10.0.0.0/8]")
                } else if written.isEmpty {
                    reporter.error(.invalidValue, "the Direct Connect gateway attachment '\(echo: aname)' of \(ctx) lists no allowed prefixes", at: ar.valueLocation("allowedPrefixes"),
                                   hint: "list the blocks on-premises may reach (what the Direct Connect gateway advertises), e.g. allowedPrefixes: [10.0.0.0/8]")
                }
            } else if ar.has("allowedPrefixes") {
                reporter.error(.tgwAttachmentKind, "the \(kind.rawValue) attachment '\(echo: aname)' of \(ctx) cannot have allowed prefixes", at: ar.keyLocation("allowedPrefixes"),
                               hint: "allowed prefixes belong to a Direct Connect gateway attachment (its association with the transit gateway)")
                _ = ar.stringList("allowedPrefixes")
            }
            tgw.attachments.append(.init(name: aname, id: aid, kind: kind, resource: resource, applianceMode: appliance && kind == .vpc,
                                         allowedPrefixes: allowed, ipv6Support: ipv6 && kind == .vpc, location: aloc))
            if ipv6 && kind == .vpc { locations["tgw-ipv6:\(name)/\(aname)"] = ar.valueLocation("ipv6Support") }
        }
        // Route tables.
        var tableNames: [String: SourceLocation] = [:]
        var associated: [String: (String, SourceLocation)] = [:]
        for item in r.list("routeTables") ?? [] {
            guard let tr = MappingReader.make(item, file: file, context: "a route table of \(ctx)", reporter: reporter),
                  let tname = tr.string("name", required: true) else { continue }
            defer { tr.finish() }
            if !checkTGWName(tname, what: "a route table of \(ctx)", at: tr.valueLocation("name")) { continue }
            let tctx = "route table '\(echo: tname)' of \(ctx)"
            if let first = tableNames[tname] {
                reporter.error(.duplicateName, "\(ctx) has two route tables named '\(echo: tname)'", at: tr.location,
                               hint: "give each route table its own name", notes: [Diagnostic.Note("first defined here", at: first)])
                continue
            }
            tableNames[tname] = tr.location
            let tid = makeID("tgw-rtb", "\(name)/\(tname)", given: tr.string("id"), at: tr.valueLocation("id"))
            var table = TransitGateway.RouteTable(name: tname, id: tid, location: tr.location)
            for (a, loc) in tr.stringList("associations") {
                guard checkAttachment(a, in: tgw, at: loc, context: tctx) else { continue }
                if let (other, oloc) = associated[a] {
                    reporter.error(.tgwAssociatedTwice, "attachment '\(echo: a)' is associated with route table '\(echo: tname)' and with '\(echo: other)' of \(ctx)", at: loc,
                                   hint: "an attachment is associated with one route table at most; it may propagate into any number (propagations)",
                                   notes: [Diagnostic.Note("the first association", at: oloc)])
                    continue
                }
                associated[a] = (tname, loc)
                table.associations.append(a)
            }
            var propagated: [String: SourceLocation] = [:]
            for (a, loc) in tr.stringList("propagations") {
                guard checkAttachment(a, in: tgw, at: loc, context: tctx) else { continue }
                if tgw.attachment(named: a)?.kind == .peering {
                    reporter.error(.tgwPeeringPropagation, "the peering attachment '\(echo: a)' cannot propagate into \(tctx)", at: loc,
                                   hint: "transit gateway peering attachments do not support propagation: add static routes to it instead")
                    continue
                }
                if let first = propagated[a] {
                    reporter.warning(.tgwPropagationTwice, "attachment '\(echo: a)' is listed twice in the propagations of \(tctx)", at: loc,
                                     hint: "list each attachment once: a route table has one propagation per attachment (EC2 refuses enabling it again)",
                                     notes: [Diagnostic.Note("first listed here", at: first)])
                    continue
                }
                propagated[a] = loc
                locations["tgw-prop:\(name)/\(tname)/\(a)"] = loc
                table.propagations.append(a)
            }
            var seen: [String: SourceLocation] = [:]
            for ritem in tr.list("routes") ?? [] {
                guard let rr = MappingReader.make(ritem, file: file, context: "a route of \(tctx)", reporter: reporter) else { continue }
                defer { rr.finish() }
                // Every key is read before any early exit, so a bad value never makes its
                // neighbours look unknown.
                let destText = rr.locatedString("destination"), plText = rr.locatedString("prefixList")
                let attText = rr.locatedString("attachment"), blackhole = rr.bool("blackhole")
                var dest: IPCIDR? = nil, pl: String? = nil
                if let (d, loc) = destText {
                    // Either family: a transit gateway route table holds IPv4 and IPv6 routes.
                    if d.contains(":") { dest = cidr6(d, at: loc, what: "route destination").map { .ipv6($0) } } else { dest = cidr4(d, at: loc, what: "route destination").map { .ipv4($0) } }
                    if dest == nil { continue }
                }
                if let (p, loc) = plText { reference(.prefixList, p, at: loc, from: tctx); pl = p }
                if dest != nil && pl != nil {
                    reporter.error(.invalidValue, "a route of \(tctx) has both a destination and a prefixList", at: rr.keyLocation("prefixList"),
                                   hint: "a route has one destination: a CIDR block or a prefix list; write two routes")
                    continue
                }
                if dest == nil && pl == nil {
                    rr.missing("destination", hint: "a transit gateway route has destination: CIDR or prefixList: NAME")
                    continue
                }
                var target: TransitGateway.RouteTarget? = nil
                if let (a, loc) = attText {
                    guard checkAttachment(a, in: tgw, at: loc, context: tctx) else { continue }
                    target = .attachment(a)
                }
                if blackhole == true {
                    if target != nil {
                        reporter.error(.invalidValue, "a route of \(tctx) is both a blackhole and to an attachment", at: rr.keyLocation("blackhole"),
                                       hint: "drop 'blackhole' or 'attachment'")
                        continue
                    }
                    target = .blackhole
                }
                guard let target else {
                    rr.missing("attachment", hint: "a transit gateway route leads to attachment: NAME or is blackhole: true")
                    continue
                }
                let key = dest?.description ?? "prefix list \(pl ?? "")"
                if let first = seen[key] {
                    reporter.error(.tgwDuplicateRoute, "\(tctx) has two static routes for \(key)", at: rr.location,
                                   hint: "AWS refuses a second static route for one destination (RouteAlreadyExists); keep one",
                                   notes: [Diagnostic.Note("the first", at: first)])
                    continue
                }
                seen[key] = rr.location
                if let a = attText { locations["tgw-route-att:\(name)/\(tname)/\(key)"] = a.1 }
                table.routes.append(.init(destination: dest, prefixList: pl, target: target, location: rr.location))
            }
            tgw.routeTables.append(table)
        }
        // The default route table: named, else (when either default is on) the table AWS
        // creates with the transit gateway, `default`.
        if let (d, loc) = r.locatedString("defaultRouteTable") {
            if tgw.routeTable(named: d) == nil {
                reporter.error(.tgwRouteTableMissing, "the default route table '\(echo: d)' of \(ctx) is not one of its route tables", at: loc,
                               hint: Suggestions.didYouMean(d, in: tgw.routeTables.map(\.name)).isEmpty
                                   ? "name one of: \(tgw.routeTables.map(\.name).joined(separator: ", "))" : Suggestions.didYouMean(d, in: tgw.routeTables.map(\.name)))
            } else { tgw.defaultRouteTable = d }
        } else if tgw.defaultAssociation || tgw.defaultPropagation {
            if tgw.routeTable(named: "default") == nil {
                tgw.routeTables.insert(.init(name: "default", id: AWSID.make("tgw-rtb", name: "\(name)/default", seed: seed), location: r.location), at: 0)
            }
            tgw.defaultRouteTable = "default"
        }
        return tgw
    }

    /// A transit gateway, route table or attachment name: not empty (an empty name can be
    /// neither referenced nor told apart in a trace). False when refused.
    @discardableResult
    func checkTGWName(_ n: String, what: String, at loc: SourceLocation) -> Bool {
        guard n.allSatisfy({ $0 == " " || $0 == "\t" }) else { return true }
        reporter.error(.tgwEmptyName, "\(what) has an empty name", at: loc,
                       hint: "give it a name of letters, digits and dashes (e.g. corp-tgw, spokes, claims-vpc); routes, associations and propagations refer to it by name")
        return false
    }

    /// An association, propagation or route names an attachment of this transit gateway.
    func checkAttachment(_ a: String, in tgw: TransitGateway, at loc: SourceLocation, context ctx: String) -> Bool {
        if tgw.attachment(named: a) != nil { return true }
        let all = tgw.attachments.map { Echo.clip($0.name) }
        let dym = Suggestions.didYouMean(a, in: all)
        reporter.error(.tgwAttachmentMissing, "\(ctx) names attachment '\(echo: a)', which transit gateway '\(echo: tgw.name)' does not have", at: loc,
                       hint: dym.isEmpty ? (all.isEmpty ? "declare it under attachments: [{name: \(a), vpc: …}]" : "name one of: \(all.joined(separator: ", "))") : dym)
        return false
    }

    /// The subnets an attachment names: in its VPC, one per zone.
    func checkAttachmentSubnets(_ named: [(String, SourceLocation)], vpc v: String, vpcs: [VPC], context ctx: String) {
        guard let vpc = vpcs.first(where: { $0.name == v }) else { return }
        var zones: [String: (String, SourceLocation)] = [:]
        for (sn, sloc) in named {
            guard let subnet = vpc.subnet(named: sn) else {
                let dym = Suggestions.didYouMean(sn, in: vpc.subnets.map(\.name))
                reporter.error(.attachmentSubnetNotInVPC, "subnet '\(echo: sn)' of the attachment of VPC '\(echo: v)' to \(ctx) is not a subnet of VPC '\(echo: v)'", at: sloc,
                               hint: dym.isEmpty ? "name subnets of VPC '\(echo: v)': \(vpc.subnets.map(\.name).sorted().joined(separator: ", "))" : dym)
                continue
            }
            if let (other, oloc) = zones[subnet.zone] {
                reporter.error(.attachmentZoneTwice, "the attachment of VPC '\(v)' to \(ctx) names two subnets in zone \(subnet.zone): '\(other)' and '\(sn)'", at: sloc,
                               hint: "a transit gateway attachment has one subnet per zone; keep one of them",
                               notes: [Diagnostic.Note("'\(other)' is in \(subnet.zone)", at: oloc)])
                continue
            }
            zones[subnet.zone] = (sn, sloc)
        }
    }

    /// IPv6 on a transit gateway: `ipv6Support` on an attachment whose subnets have no IPv6
    /// block, and IPv6 static routes to attachments that carry no IPv6 (a VPC attachment
    /// without IPv6 support or IPv6 block; a VPN or Direct Connect attachment: netsim models no
    /// IPv6 on-premises). AWS accepts both; the traffic does not cross (`NS1415`, `NS1414`).
    func checkTransitGatewayIPv6(_ tgw: TransitGateway, _ t: Topology, context ctx: String) {
        for a in tgw.attachments where a.kind == .vpc && a.ipv6Support {
            guard let vpc = t.vpcs.first(where: { $0.name == a.resource }) else { continue }
            let without = tgw.attachmentSubnets(in: vpc).subnets.filter { $0.ipv6Cidr == nil }.map(\.name)
            if vpc.ipv6CidrBlocks.isEmpty || !without.isEmpty {
                let what = vpc.ipv6CidrBlocks.isEmpty ? "VPC '\(echo: vpc.name)' has no IPv6 block" : "its subnet\(without.count == 1 ? "" : "s") \(without.map { "'\($0)'" }.joined(separator: ", ")) \(without.count == 1 ? "has" : "have") no IPv6 block"
                reporter.warning(.tgwIPv6Support, "the attachment '\(echo: a.name)' of \(ctx) has IPv6 support on, but \(what)", at: locations["tgw-ipv6:\(tgw.name)/\(a.name)"] ?? a.location,
                                 hint: "the transit gateway's interface in an attachment subnet takes an IPv6 address from the subnet's IPv6 block: give the VPC and the attachment subnets IPv6 blocks (ipv6CidrBlocks, ipv6Cidr), or drop ipv6Support")
            }
        }
        for table in tgw.routeTables {
            for r in table.routes {
                guard case .attachment(let an) = r.target, let att = tgw.attachment(named: an) else { continue }
                var v6: [IPv6CIDR] = []
                if case .ipv6(let c)? = r.destination { v6 = [c] }
                if let pl = r.prefixList, let list = t.prefixLists.first(where: { $0.name == pl }) {
                    for e in list.entries { if case .v6(let c) = e { v6.append(c) } }
                }
                guard let first = v6.first else { continue }
                let why: String
                switch att.kind {
                case .vpc:
                    let vpc = t.vpcs.first { $0.name == att.resource }
                    if vpc?.ipv6CidrBlocks.isEmpty ?? true { why = "VPC '\(echo: att.resource)' has no IPv6 block" }
                    else if !att.ipv6Support { why = "the attachment has IPv6 support off (its interfaces have no IPv6 address)" }
                    else { continue }
                case .vpn, .directConnectGateway:
                    why = "netsim models no IPv6 on-premises: a trace that takes this route ends NOT_MODELLED"
                case .peering: continue
                }
                let key = r.destination?.description ?? "prefix list \(r.prefixList ?? "")"
                reporter.warning(.tgwIPv6Route, "the IPv6 route \(r.destination.map { "\($0)" } ?? "\(first) (prefix list '\(echo: r.prefixList ?? "")')") of route table '\(echo: table.name)' of \(ctx) leads to attachment '\(echo: an)', which carries no IPv6: \(why)",
                                 at: locations["tgw-route-att:\(tgw.name)/\(table.name)/\(key)"] ?? r.location,
                                 hint: att.kind == .vpc ? "set ipv6Support: true on the attachment '\(echo: an)' (and give its VPC and subnets IPv6 blocks), or route the IPv6 block elsewhere" : "route IPv6 to a VPC attachment with ipv6Support, or leave the IPv6 route out")
            }
        }
    }

    /// Checks that need the whole topology: what VPN, Direct Connect and peering attachments
    /// name; externals reached via a transit gateway with no attachment for them; static routes
    /// that override propagated ones (a note: AWS accepts them); stateful interfaces that
    /// forward nothing.
    func checkTransitGateways(_ t: Topology) {
        for tgw in t.transitGateways where !tgw.isLegacy {
            let ctx = "transit gateway '\(echo: tgw.name)'"
            for a in tgw.attachments {
                switch a.kind {
                case .vpn, .directConnectGateway:
                    if let e = t.externals.first(where: { $0.name == a.resource }), e.subnet != nil {
                        reporter.error(.tgwAttachmentKind, "the \(a.kind.rawValue) attachment '\(echo: a.name)' of \(ctx) names external '\(echo: e.name)', a host inside a VPC", at: locations["tgw-external:\(tgw.name)/\(a.name)"] ?? a.location,
                                       hint: "a VPN or Direct Connect attachment names an external network outside the VPCs (one with cidr or address and no subnet)")
                    }
                case .peering:
                    if let peer = t.transitGateways.first(where: { $0.name == a.resource }), peer.name != tgw.name,
                       !peer.attachments.contains(where: { $0.kind == .peering && $0.resource == tgw.name }) {
                        reporter.error(.tgwAttachmentKind, "the peering attachment '\(echo: a.name)' of \(ctx) names transit gateway '\(echo: peer.name)', which has no peering attachment back", at: locations["tgw-peer:\(tgw.name)/\(a.name)"] ?? a.location,
                                       hint: "a peering attachment joins two transit gateways: add attachments: [{peering: \(tgw.name)}] to '\(echo: peer.name)' (with route tables), as accepting the peering request does")
                    }
                case .vpc: break
                }
            }
            for e in t.externals where e.via == tgw.name && e.subnet == nil {
                let block = e.advertisedBlock
                let covered = tgw.attachments.contains { a in
                    guard a.kind == .vpn || a.kind == .directConnectGateway, let x = t.externals.first(where: { $0.name == a.resource }) else { return false }
                    let b = x.advertisedBlock
                    return b.prefixLength <= block.prefixLength && b.contains(block.network)
                }
                if !covered {
                    reporter.error(.tgwExternalNotAttached, "external '\(echo: e.name)' is reached via \(ctx), which has no VPN or Direct Connect attachment for it", at: locations["via:\(e.name)"] ?? e.location,
                                   hint: "add attachments: [{name: \(e.name)-vpn, vpn: \(e.name)}] (or directConnectGateway: \(e.name)) to \(ctx) and associate it with a route table")
                }
            }
            checkTransitGatewayIPv6(tgw, t, context: ctx)
            for table in tgw.routeTables {
                for a in table.propagations {
                    guard let att = tgw.attachment(named: a), att.kind == .vpn,
                          let e = t.externals.first(where: { $0.name == att.resource }), e.routing == .static else { continue }
                    reporter.warning(.tgwStaticVPNPropagation, "the VPN attachment '\(echo: a)' of \(ctx) uses static routing, so its propagation into route table '\(echo: table.name)' adds no route",
                                     at: locations["tgw-prop:\(tgw.name)/\(table.name)/\(a)"] ?? table.location,
                                     hint: "only BGP routes propagate into a transit gateway route table; add a static route for the network instead, e.g. routes: [{destination: \(e.advertisedBlock), attachment: \(a)}], or use routing: bgp")
                }
                for r in tgw.effectiveRoutes(of: table, vpcs: t.vpcs, externals: t.externals, prefixLists: t.prefixLists) where r.origin.isStatic {
                    guard let shadowed = r.overrides.first(where: { !$0.origin.isStatic }) else { continue }
                    reporter.bag.append(Diagnostic(.note, .tgwStaticOverridesPropagated,
                        "the static route \(r.destination) of route table '\(echo: table.name)' of \(ctx) overrides the route attachment '\(shadowed.attachment ?? "")' propagates for the same destination",
                        at: r.location, hint: "AWS accepts this and routes by the static route; remove it to use the propagated one",
                        notes: [Diagnostic.Note("the propagating attachment", at: shadowed.location)]))
                }
            }
        }
        for vpc in t.vpcs {
            for i in vpc.networkInterfaces where i.stateful && i.sourceDestCheck {
                reporter.warning(.tgwStatefulNotAppliance, "network interface '\(echo: i.name)' is marked stateful but its source/destination check is on, so it forwards nothing", at: locations["eni-stateful:\(i.name)"] ?? i.location,
                                 hint: "set sourceDestCheck: false on an appliance's interface, or drop stateful")
            }
        }
    }
}
