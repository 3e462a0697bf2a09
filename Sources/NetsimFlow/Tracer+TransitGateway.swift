import NetsimModel
import NetsimVPC

// A transit gateway as AWS builds it (Transit Gateway guide, "How transit gateways work"):
// the packet enters by an attachment (the source VPC's, a VPN or Direct Connect gateway's, a
// peering's); the route table that attachment is associated with routes it (most specific
// route first; among routes for one destination static, then prefix-list, then propagated by
// kind: `TransitGateway.effectiveRoutes`); the route's attachment takes it on: into a VPC
// through the attachment subnet of the flow's zone (AZ affinity; with appliance mode the zone
// the flow took first, both ways), out to an external network, or to a peered transit gateway.
// The legacy single-table form walks the same way with its one table and keeps its trace words.

extension Walk {
    mutating func transitGateway(_ tgw: TransitGateway, from vpc: VPC?, subnet: Subnet?) -> StageResult {
        let here = Place.transitGateway(ObjectRef(id: tgw.id, name: tgw.name))
        // AZ affinity: the flow enters the transit gateway through the source VPC attachment's
        // ENI in the sender's zone; a zone without an attachment subnet cannot reach it.
        var zone: String? = nil
        var entry: TransitGateway.Attachment? = nil
        if let vpc, let subnet {
            let (list, named) = attachmentSubnets(tgw, in: vpc)
            if named && !list.contains(where: { $0.zone == subnet.zone }) {
                block(.tgwAttachVPCAZRestriction, .noRoute, component: tgw.id,
                      .transitGatewayNoSubnetInZone(vpc: vpc.name, transitGateway: tgw.name, zone: subnet.zone, subnets: list.map { (name: $0.name, zone: $0.zone) }),
                      at: tgw.location)
                finish(.noRoute, place: here, .noRoute, .noRoute(.noAttachmentSubnet(zone: subnet.zone)), component: tgw.id, at: tgw.location)
                return .stop
            }
            zone = subnet.zone
            entry = tgw.vpcAttachment(of: vpc.name)
            // IPv6 crosses a VPC attachment only with IPv6 support (its interfaces need an IPv6
            // address: IPv6 on AWS whitepaper, "IPv6 connectivity with Transit Gateway").
            if let entry, !carriesIPv6(entry, vpc) { return noIPv6(tgw, entry, vpc, here) }
            // Network ACLs (Transit Gateway guide, "Network ACLs for transit gateways"): traffic
            // from a VPC's resources to the transit gateway is judged by the inbound rules of the
            // attachment subnet's ACL (by source address), whether the sender shares that subnet
            // or not; its own subnet's outbound rules judged it when it left.
            if let a = list.first(where: { $0.zone == subnet.zone }) { attachmentSubnetACL(vpc, a, .inbound) }
        } else if let handed = state.transitGatewayEntry, handed.transitGateway == tgw.name {
            entry = tgw.attachment(named: handed.attachment)
            state.transitGatewayEntry = nil
        } else {
            entry = externalEntry(tgw)
        }
        // The route table: the entry attachment's association (the legacy form has one table).
        let tableName: String?
        if tgw.isLegacy { tableName = tgw.routeTables.first?.name } else { tableName = entry.flatMap { associatedTableName(tgw, $0.name) } }
        guard let tableName, let table = transitGatewayTable(tgw, tableName) else {
            let a = entry?.name ?? "(none)"
            block(.tgwAttachMissingTGWRtbAssociation, .noRoute, component: entry?.id ?? tgw.id,
                  .transitGatewayUnassociated(transitGateway: tgw.name, attachment: a), at: entry?.location ?? tgw.location)
            finish(.noRoute, place: here, .noRoute, .noRoute(.transitGatewayNoRoute(packet.destination)), component: tgw.id, at: entry?.location ?? tgw.location)
            return .stop
        }
        let found = f.linearScan ? table.linearLookup(packet.destination) : table.lookup(packet.destination)
        guard let r = found else {
            if tgw.isLegacy {
                block(.tgwRtbCannotRoute, .noRoute, component: tgw.id, .transitGatewayNoRoute(transitGateway: tgw.name, destination: packet.destination), at: tgw.location)
            } else {
                block(.tgwRtbCannotRoute, .noRoute, component: table.table.id,
                      .transitGatewayTableNoRoute(transitGateway: tgw.name, table: ObjectRef(id: table.table.id, name: table.table.name),
                                                  attachment: entry?.name ?? "", destination: packet.destination), at: table.table.location)
            }
            finish(.noRoute, place: here, .noRoute, .noRoute(.transitGatewayNoRoute(packet.destination)), component: tgw.id, at: tgw.location)
            return .stop
        }
        // A second visit with the same addresses is a loop; in the table form the entry
        // attachment is part of the place (an inspection VPC sends the packet back by another).
        let visit: VisitKey.Where = tgw.isLegacy ? .transitGateway(tgw.name) : .transitGatewayAttachment(tgw.name, entry?.name ?? "")
        guard visited.insert(VisitKey(place: visit, source: packet.source, destination: packet.destination)).inserted else {
            block(.loop, .loop, component: tgw.id, .transitGatewayLoop(transitGateway: tgw.name))
            finish(.loop, place: here, .loop, .loop(.revisitedTransitGateway), component: tgw.id)
            return .stop
        }
        let target = r.attachment.flatMap { tgw.attachment(named: $0) }
        if !tgw.isLegacy {
            hop(here, Step(.forwarded, .transitGatewayTableRoute(TransitGatewayTableRoute(
                transitGateway: tgw.name, table: ObjectRef(id: table.table.id, name: table.table.name), entryAttachment: entry?.name ?? "",
                destination: r.destination, attachment: target.map { ObjectRef(id: $0.id, name: $0.name) }, attachmentKind: target?.kind.rawValue,
                resource: target?.resource, type: r.origin.type, origin: r.origin, prefixList: r.prefixList, overrides: r.overrides.count)),
                component: table.table.id, location: r.location))
        }
        guard let a = r.attachment else {
            block(.tgwRtbBadStateRoute, .nullRouted, component: tgw.id, .transitGatewayBlackhole(r.destination), at: r.location)
            finish(.nullRouted, place: here, .nullRouted, .nullRouted(.transitGatewayBlackhole(r.destination)), component: tgw.id, at: r.location)
            return .stop
        }
        guard let target else {
            // Only the legacy form routes to a VPC it does not attach (the table form refuses it).
            block(.tgwRtbNoRouteToTGWAttachment, .noRoute, component: tgw.id, .transitGatewayNotAttached(transitGateway: tgw.name, destination: r.destination, vpc: a), at: r.location)
            finish(.noRoute, place: here, .noRoute, .noRoute(.noAttachmentForVPC(a)), component: tgw.id, at: r.location)
            return .stop
        }
        switch target.kind {
        case .vpc:
            return enterVPC(tgw, target, route: r, zone: zone, here: here)
        case .vpn, .directConnectGateway:
            if case .ipv6 = packet.destination {
                // IPv6 inside a Site-to-Site VPN tunnel (a VPN option on transit gateways) or over
                // Direct Connect exists, but netsim's external networks have no IPv6 side.
                finish(.notModelled, place: here, .notModelled, .ipv6NotModelled(source: packet.source, destination: packet.destination), component: tgw.id, at: r.location)
                return .stop
            }
            if tgw.isLegacy, case .ipv4(let d) = r.destination {
                hop(here, Step(.forwarded, .transitGatewayRoute(destination: d, .external(target.resource)), component: tgw.id, location: r.location))
            }
            guard let e = f.topology.externals.first(where: { $0.name == target.resource }) else { return .stop }
            return exitToExternal(destinationExternal(behind: e, tgw), via: .transitGateway(tgw.name))
        case .peering:
            guard let peer = f.topology.transitGateways.first(where: { $0.name == target.resource }),
                  let back = peer.attachments.first(where: { $0.kind == .peering && $0.resource == tgw.name }) else { return .stop }
            state.transitGatewayEntry = (peer.name, back.name)
            return .move(.transitGateway(peer.name, fromSubnet: nil))
        }
    }

    /// The external network a packet leaving by the attachment to `e` reaches: the most specific
    /// network reached via this transit gateway, inside `e`'s block, that holds the destination
    /// (a host such as a queue manager declared inside the data centre's block), else `e`. Its
    /// firewall and return routes are the ones that judge the flow and its reply.
    func destinationExternal(behind e: External, _ tgw: TransitGateway) -> External {
        guard let dst = packet.destination.v4 else { return e }
        let outer = e.advertisedBlock
        var best = e
        for x in f.topology.externals where x.subnet == nil && (x.via == tgw.name || x.name == e.name) {
            let b = x.advertisedBlock
            guard b.contains(dst), outer.contains(b.network), b.prefixLength > best.advertisedBlock.prefixLength else { continue }
            best = x
        }
        return best
    }

    /// The VPN or Direct Connect attachment a packet from outside the VPCs enters by: the one
    /// whose external network holds the source, the most specific.
    func externalEntry(_ tgw: TransitGateway) -> TransitGateway.Attachment? {
        guard let src = packet.source.v4 else { return nil }
        var best: (TransitGateway.Attachment, Int)? = nil
        for a in tgw.attachments where a.kind == .vpn || a.kind == .directConnectGateway {
            guard let e = f.topology.externals.first(where: { $0.name == a.resource }) else { continue }
            let b = e.advertisedBlock
            if b.contains(src), best == nil || b.prefixLength > (best?.1 ?? -1) { best = (a, b.prefixLength) }
        }
        return best?.0
    }

    /// Into a VPC attachment: delivered when the VPC holds the destination, else routed onward by
    /// the route table of the attachment subnet the packet enters through.
    mutating func enterVPC(_ tgw: TransitGateway, _ att: TransitGateway.Attachment, route r: TransitGatewayRoute, zone: String?, here: Place) -> StageResult {
        let name = att.resource
        guard let target = f.vpcByName[name] else { return .stop }
        if tgw.isLegacy, case .ipv4(let d) = r.destination {
            hop(here, Step(.forwarded, .transitGatewayRoute(destination: d, .vpcAttachment(name)), component: tgw.id, location: r.location))
        }
        if !carriesIPv6(att, target) { return noIPv6(tgw, att, target, here) }
        if target.contains(packet.destination) {
            // Into the VPC through the attachment subnet of the flow's zone: its ACL's outbound
            // rules judge the packet unless the destination is in that subnet (then no rule of
            // it does); the destination subnet's inbound rules judge it as it arrives.
            guard let (entry, _, _) = entrySubnet(tgw, in: target, zone: zone) else {
                return .move(.localDelivery(vpc: target.name, fromSubnet: nil))
            }
            attachmentSubnetOutbound(target, entry)
            return .move(.localDelivery(vpc: target.name, fromSubnet: entry.name))
        }
        guard let (entry, sameZoneAsSender, named) = entrySubnet(tgw, in: target, zone: zone) else {
            block(.noRouteToDestination, .noRoute, component: tgw.id, .vpcNoSubnetOnward(vpc: name, destination: packet.destination))
            finish(.noRoute, place: .vpc(name), .noRoute, .noRoute(.noSubnetOnward))
            return .stop
        }
        var subnet = entry
        var sameZone = sameZoneAsSender
        // Onward from the attachment (centralized egress or inspection): routed by the
        // table of the attachment's subnet in the zone the flow enters (AZ affinity).
        // When the sender's zone has no attachment subnet here (or the flow comes from
        // outside the VPCs), AWS picks another zone and does not say which: when the
        // candidates' route tables differ, the choice is recorded, and the caller traces
        // each candidate (`entryZones`) to say whether they agree. With appliance mode the
        // transit gateway picks one zone for the flow by a flow hash, whatever the sender's
        // zone, and keeps it for the reply.
        let candidates = attachmentSubnets(tgw, in: target).subnets
        let key = TransitGatewayZoneChoice.key(tgw: tgw.name, vpc: name)
        let applianceKey = "\(tgw.name)/\(att.name)"
        var alternative = false
        if att.applianceMode, direction == .reply, let z = state.applianceZones[applianceKey], let s = candidates.first(where: { $0.zone == z }) {
            subnet = s
            sameZone = true
        } else if !sameZone || (att.applianceMode && direction == .forward) {
            // (A reply from outside the VPCs without appliance mode: the same unsaid choice.)
            let tablesDiffer = attachmentTablesDiffer(tgw, target, candidates)
            if tablesDiffer, !zoneChoices.contains(where: { $0.key == key }) {
                var choice = TransitGatewayZoneChoice(transitGateway: tgw.name, vpc: name, senderZone: zone, chosen: subnet.zone,
                                                      candidates: candidates.map { ($0.zone, $0.name, target.routeTable(for: $0)?.name ?? "main") },
                                                      location: tgw.location)
                choice.applianceMode = att.applianceMode
                zoneChoices.append(choice)
            }
            if let z = entryZones[key], let s = candidates.first(where: { $0.zone == z }) { subnet = s; alternative = true }
        }
        if att.applianceMode, direction == .forward { state.applianceZones[applianceKey] = subnet.zone }
        var e = TransitGatewayEntry(vpc: name, subnet: subnet.name, zone: subnet.zone, named: named, sameZone: sameZone,
                                    alternative: alternative, senderZone: zone)
        e.applianceMode = att.applianceMode
        hop(here, Step(.forwarded, .transitGatewayEntry(e), component: tgw.id, location: r.location))
        viaTransitGateway = true
        attachmentSubnetOutbound(target, subnet)
        return .move(.routeTable(subnet.name))
    }

    /// Whether attachment `att` (of VPC `vpc`) carries the packet's family: IPv4 always; IPv6
    /// with IPv6 support on a VPC that has an IPv6 block.
    func carriesIPv6(_ att: TransitGateway.Attachment, _ vpc: VPC) -> Bool {
        guard case .ipv6 = packet.destination, att.kind == .vpc else { return true }
        return att.ipv6Support && !vpc.ipv6CidrBlocks.isEmpty
    }

    /// An IPv6 packet at a VPC attachment that carries none.
    mutating func noIPv6(_ tgw: TransitGateway, _ att: TransitGateway.Attachment, _ vpc: VPC, _ here: Place) -> StageResult {
        block(.tgwAttachNoIPv6, .noRoute, component: att.id,
              .transitGatewayNoIPv6(transitGateway: tgw.name, attachment: att.name, vpc: vpc.name, ipv6Support: att.ipv6Support), at: att.location)
        finish(.noRoute, place: here, .noRoute, .noRoute(.transitGatewayNoRoute(packet.destination)), component: tgw.id, at: att.location)
        return .stop
    }

    /// The packet leaves the transit gateway's interface in attachment subnet `subnet`: the
    /// subnet's ACL judges it by its outbound rules (destination address), except when the
    /// destination is in that same subnet, where AWS evaluates neither direction (Transit
    /// Gateway guide, "Network ACLs for transit gateways").
    mutating func attachmentSubnetOutbound(_ vpc: VPC, _ subnet: Subnet) {
        if let d = f.ownerOf(packet.destination), f.interfaces[d].subnet == subnet.name { return }
        attachmentSubnetACL(vpc, subnet, .outbound)
    }

    /// The network ACL of attachment subnet `subnet` of `vpc`, by the fabric's entry for it
    /// (the walk's last subnet stays the one it routes by).
    mutating func attachmentSubnetACL(_ vpc: VPC, _ subnet: Subnet, _ direction: NetworkACLEvaluator.Direction) {
        if let e = f.subnetEntries[subnet.name], e.vpc.name == vpc.name { networkACL(e, direction) } else { networkACL(vpc: vpc, subnet: subnet, direction) }
    }
}
