import NetsimModel

extension Walk {
    mutating func transitGateway(_ tgw: TransitGateway, from vpc: VPC?, subnet: Subnet?) -> StageResult {
        let here = Place.transitGateway(ObjectRef(id: tgw.id, name: tgw.name))
        // AZ affinity: the flow enters the transit gateway through the source VPC attachment's
        // ENI in the sender's zone; a zone without an attachment subnet cannot reach it.
        var zone: String? = nil
        if let vpc, let subnet {
            let (list, named) = tgw.attachmentSubnets(in: vpc)
            if named && !list.contains(where: { $0.zone == subnet.zone }) {
                block(.tgwAttachVPCAZRestriction, .noRoute, component: tgw.id,
                      .transitGatewayNoSubnetInZone(vpc: vpc.name, transitGateway: tgw.name, zone: subnet.zone, subnets: list.map { (name: $0.name, zone: $0.zone) }),
                      at: tgw.location)
                finish(.noRoute, place: here, .noRoute, .noRoute(.noAttachmentSubnet(zone: subnet.zone)), component: tgw.id, at: tgw.location)
                return .stop
            }
            zone = subnet.zone
        }
        var best: TransitGateway.Route? = nil
        for r in tgw.routes where r.destination.contains(packet.destination) {
            if best == nil || r.destination.prefixLength > (best?.destination.prefixLength ?? -1) { best = r }
        }
        guard let r = best else {
            block(.tgwRtbCannotRoute, .noRoute, component: tgw.id, .transitGatewayNoRoute(transitGateway: tgw.name, destination: packet.destination), at: tgw.location)
            finish(.noRoute, place: here, .noRoute, .noRoute(.transitGatewayNoRoute(packet.destination)), component: tgw.id, at: tgw.location)
            return .stop
        }
        guard visited.insert(VisitKey(place: .transitGateway(tgw.name), source: packet.source, destination: packet.destination)).inserted else {
            block(.loop, .loop, component: tgw.id, .transitGatewayLoop(transitGateway: tgw.name))
            finish(.loop, place: here, .loop, .loop(.revisitedTransitGateway), component: tgw.id)
            return .stop
        }
        switch r.target {
        case .blackhole:
            block(.tgwRtbBadStateRoute, .nullRouted, component: tgw.id, .transitGatewayBlackhole(r.destination), at: r.location)
            finish(.nullRouted, place: here, .nullRouted, .nullRouted(.transitGatewayBlackhole(r.destination)), component: tgw.id, at: r.location)
            return .stop
        case .vpc(let name):
            guard tgw.vpcAttachments.contains(name), let target = f.vpcByName[name] else {
                block(.tgwRtbNoRouteToTGWAttachment, .noRoute, component: tgw.id, .transitGatewayNotAttached(transitGateway: tgw.name, destination: r.destination, vpc: name), at: r.location)
                finish(.noRoute, place: here, .noRoute, .noRoute(.noAttachmentForVPC(name)), component: tgw.id, at: r.location)
                return .stop
            }
            hop(here, Step(.forwarded, .transitGatewayRoute(destination: r.destination, .vpcAttachment(name)), component: tgw.id, location: r.location))
            if target.contains(packet.destination) {
                return .move(.localDelivery(vpc: target.name, fromSubnet: nil))
            } else if let (entry, sameZone, named) = tgw.entrySubnet(in: target, zone: zone) {
                var subnet = entry
                // Onward from the attachment (centralized egress or inspection): routed by the
                // table of the attachment's subnet in the zone the flow enters (AZ affinity).
                // When the sender's zone has no attachment subnet here (or the flow comes from
                // outside the VPCs), AWS picks another zone and does not say which: when the
                // candidates' route tables differ, the choice is recorded, and the caller traces
                // each candidate (`entryZones`) to say whether they agree.
                let candidates = tgw.attachmentSubnets(in: target).subnets
                let key = TransitGatewayZoneChoice.key(tgw: tgw.name, vpc: name)
                var alternative = false
                if !sameZone, direction == .forward {
                    let tables = Set(candidates.map { target.routeTable(for: $0)?.name ?? "" })
                    if tables.count > 1, !zoneChoices.contains(where: { $0.key == key }) {
                        zoneChoices.append(TransitGatewayZoneChoice(transitGateway: tgw.name, vpc: name, senderZone: zone, chosen: subnet.zone,
                                                                    candidates: candidates.map { ($0.zone, $0.name, target.routeTable(for: $0)?.name ?? "main") },
                                                                    location: tgw.location))
                    }
                    if let z = entryZones[key], let s = candidates.first(where: { $0.zone == z }) { subnet = s; alternative = true }
                }
                hop(here, Step(.forwarded, .transitGatewayEntry(TransitGatewayEntry(vpc: name, subnet: subnet.name, zone: subnet.zone, named: named, sameZone: sameZone,
                                                                                     alternative: alternative, senderZone: zone)),
                               component: tgw.id, location: r.location))
                viaTransitGateway = true
                return .move(.routeTable(subnet.name))
            } else {
                block(.noRouteToDestination, .noRoute, component: tgw.id, .vpcNoSubnetOnward(vpc: name, destination: packet.destination))
                finish(.noRoute, place: .vpc(name), .noRoute, .noRoute(.noSubnetOnward))
                return .stop
            }
        case .external(let name):
            hop(here, Step(.forwarded, .transitGatewayRoute(destination: r.destination, .external(name)), component: tgw.id, location: r.location))
            guard let e = f.topology.externals.first(where: { $0.name == name }) else { return .stop }
            return exitToExternal(e, via: .transitGateway(tgw.name))
        }
    }
}
