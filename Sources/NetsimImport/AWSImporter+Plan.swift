import NetsimModel

extension AWSImporter {
    static func isNode(_ tags: [String: String], cluster: String) -> Bool {
        tags["eks:cluster-name"] == cluster || tags["kubernetes.io/cluster/\(cluster)"] != nil || tags["alpha.eksctl.io/cluster-name"] == cluster
    }

    mutating func classifyHosts(_ inv: inout Inventory, _ plan: inout Plan) {
        let clusterName = inv.cluster?.string("name")
        var targetENIs = Set<String>(), targetInstances = Set<String>()
        for rts in inv.routeTables.values {
            for rt in rts {
                for r in rt.o.objects("Routes") {
                    if let e = r.string("NetworkInterfaceId") { targetENIs.insert(e) }
                    if let i = r.string("InstanceId") { targetInstances.insert(i) }
                }
            }
        }
        var handled = Set<String>()
        for inst in inv.instances.sorted(by: { ($0.string("InstanceId") ?? "") < ($1.string("InstanceId") ?? "") }) {
            guard let id = inst.string("InstanceId") else { continue }
            let tags = inst.tags
            if let cn = clusterName, Self.isNode(tags, cluster: cn) {
                let group = tags["eks:nodegroup-name"] ?? tags["alpha.eksctl.io/nodegroup-name"] ?? tags["aws:autoscaling:groupName"] ?? "self-managed"
                plan.nodeInstances[group, default: []].append(inst)
                plan.nodeInstanceIDs.insert(id)
                for e in inst.o.objects("NetworkInterfaces") { if let eid = e.string("NetworkInterfaceId") { handled.insert(eid) } }
                continue
            }
            guard inst.string("SubnetId") != nil, let vpc = inst.string("VpcId"), inv.vpcByID[vpc] != nil else {
                skip("instance", id, inst, inst.string("VpcId") == nil ? "not in a VPC" : "in VPC \(inst.string("VpcId") ?? "?"), which the folder does not describe")
                continue
            }
            let primary = inst.o.objects("NetworkInterfaces").first { $0.object("Attachment")?.int("DeviceIndex") == 0 }?.string("NetworkInterfaceId")
            let sdc = inst.o.bool("SourceDestCheck") ?? true
            let appliance = !sdc || targetInstances.contains(id) || (primary.map { targetENIs.contains($0) } ?? false)
            if appliance, let primary {
                plan.interfaces[vpc, default: []].append((primary, inv.eniByID[primary], inst))
                plan.interfaceIDs.insert(primary)
                plan.instanceInterface[id] = primary
                handled.insert(primary)
            } else {
                if inst.string("PrivateIpAddress") == nil { skip("instance", id, inst, "no private IPv4 address (IPv6-only instances are not imported)"); continue }
                plan.externals.append((id, inst, true))
                if let primary { handled.insert(primary) }
            }
        }
        let clusterImported = clusterName != nil
        // The ENIs of NAT gateways and interface endpoints are written as those resources.
        var serviceENIs = Set<String>()
        for list in inv.nats.values { for n in list { for a in n.o.objects("NatGatewayAddresses") { if let e = a.string("NetworkInterfaceId") { serviceENIs.insert(e) } } } }
        for list in inv.endpoints.values { for e in list { for id in e.o.array("NetworkInterfaceIds").compactMap(\.string) { serviceENIs.insert(id) } } }
        for eni in inv.enis.sorted(by: { ($0.string("NetworkInterfaceId") ?? "") < ($1.string("NetworkInterfaceId") ?? "") }) {
            guard let id = eni.string("NetworkInterfaceId"), !handled.contains(id), !serviceENIs.contains(id) else { continue }
            let type = eni.string("InterfaceType") ?? "interface"
            let attach = eni.o.object("Attachment")
            let instID = attach?.string("InstanceId")
            let desc = eni.string("Description") ?? ""
            if let instID, plan.nodeInstanceIDs.contains(instID) { count("node ENIs (derived from node groups)"); continue }
            if type == "branch" || type == "trunk" { count("node ENIs (derived from node groups)"); continue }
            if type == "nat_gateway" || type == "vpc_endpoint" { continue }   // written as their NAT gateway or endpoint
            if clusterImported && desc.hasPrefix("Amazon EKS ") { count("EKS control plane ENIs (derived from controlPlane)"); continue }
            if type == "network_load_balancer" || type == "gateway_load_balancer" || type == "gateway_load_balancer_endpoint" || desc.hasPrefix("ELB ") {
                skip("network interface", id, eni, "an ENI of a load balancer (\(Echo.clip(desc.isEmpty ? type : desc))): netsim builds load balancers from Kubernetes Services and Ingresses, not from the account")
                continue
            }
            guard eni.string("SubnetId") != nil, let vpc = eni.string("VpcId"), inv.vpcByID[vpc] != nil else {
                skip("network interface", id, eni, "in a VPC or subnet the folder does not describe"); continue
            }
            guard eni.string("PrivateIpAddress") != nil else { skip("network interface", id, eni, "no private IPv4 address"); continue }
            let sdc = eni.o.bool("SourceDestCheck") ?? true
            let unattached = attach == nil || (eni.string("Status") ?? "") == "available"
            if targetENIs.contains(id) || !sdc || unattached || (instID.map { inv.instanceByID[$0] != nil } ?? false) {
                plan.interfaces[vpc, default: []].append((id, eni, instID.flatMap { inv.instanceByID[$0] }))
                plan.interfaceIDs.insert(id)
            } else {
                plan.externals.append((id, eni, false))
            }
        }
    }

    mutating func assignNames(_ inv: Inventory, _ plan: inout Plan) {
        func sortedByID(_ list: [Item], _ key: String) -> [Item] { list.sorted { ($0.string(key) ?? "") < ($1.string(key) ?? "") } }
        for v in plan.vpcOrder { if let item = inv.vpcByID[v] { _ = names.assign("vpc", id: v, preferred: Self.tagName(item)) } }
        for v in plan.vpcOrder {
            for s in sortedByID(inv.subnets[v] ?? [], "SubnetId") { _ = names.assign("subnet", id: s.string("SubnetId") ?? "", preferred: Self.tagName(s)) }
        }
        for v in plan.vpcOrder {
            for r in sortedByID(inv.routeTables[v] ?? [], "RouteTableId") { _ = names.assign("rtb", id: r.string("RouteTableId") ?? "", preferred: Self.tagName(r)) }
        }
        for v in plan.vpcOrder {
            // The default group first, so the main VPC's is `default`, as the format names it.
            let groups = sortedByID(inv.securityGroups[v] ?? [], "GroupId").sorted { a, b in (a.string("GroupName") == "default" ? 0 : 1) < (b.string("GroupName") == "default" ? 0 : 1) }
            for g in groups {
                let isDefault = g.string("GroupName") == "default"
                _ = names.assign("sg", id: g.string("GroupId") ?? "", preferred: isDefault ? "default" : (Self.tagName(g) ?? g.string("GroupName")))
            }
        }
        for v in plan.vpcOrder {
            for a in sortedByID(inv.nacls[v] ?? [], "NetworkAclId") { _ = names.assign("acl", id: a.string("NetworkAclId") ?? "", preferred: Self.tagName(a)) }
        }
        for v in plan.vpcOrder {
            if let g = inv.igws[v], let id = g.string("InternetGatewayId") { _ = names.assign("target", id: id, preferred: Self.tagName(g)) }
            if let g = inv.eigws[v], let id = g.string("EgressOnlyInternetGatewayId") { _ = names.assign("target", id: id, preferred: Self.tagName(g)) }
            for n in sortedByID(inv.nats[v] ?? [], "NatGatewayId") { _ = names.assign("target", id: n.string("NatGatewayId") ?? "", preferred: Self.tagName(n)) }
            for e in sortedByID(inv.endpoints[v] ?? [], "VpcEndpointId") {
                let id = e.string("VpcEndpointId") ?? ""
                if (e.string("VpcEndpointType") ?? "").lowercased() == "gateway" { _ = names.assign("target", id: id, preferred: Self.tagName(e)) }
                else { _ = names.assign("iep", id: id, preferred: Self.tagName(e)) }
            }
            for i in (plan.interfaces[v] ?? []).sorted(by: { $0.id < $1.id }) {
                let preferred = i.eni.flatMap(Self.tagName) ?? i.instance.flatMap(Self.tagName)
                _ = names.assign("target", id: i.id, preferred: preferred)
            }
        }
        for v in plan.vpcOrder {
            // A VPC's virtual private gateway: describe-vpn-gateways, else the one its routes name.
            var vgw = inv.vgws[v]?.id
            if vgw == nil {
                for rt in inv.routeTables[v] ?? [] {
                    for r in rt.o.objects("Routes") { if let g = r.string("GatewayId"), g.hasPrefix("vgw-") { vgw = vgw ?? g } }
                    for p in rt.o.objects("PropagatingVgws") { if let g = p.string("GatewayId") { vgw = vgw ?? g } }
                }
            }
            if let vgw {
                plan.vgws[v] = vgw
                _ = names.assign("target", id: vgw, preferred: inv.vgws[v]?.item.flatMap(Self.tagName))
            }
        }
        for p in inv.peerings.sorted(by: { ($0.string("VpcPeeringConnectionId") ?? "") < ($1.string("VpcPeeringConnectionId") ?? "") }) {
            _ = names.assign("target", id: p.string("VpcPeeringConnectionId") ?? "", preferred: Self.tagName(p))
        }
        for t in inv.tgws.sorted(by: { ($0.string("TransitGatewayId") ?? "") < ($1.string("TransitGatewayId") ?? "") }) {
            _ = names.assign("target", id: t.string("TransitGatewayId") ?? "", preferred: Self.tagName(t))
        }
        for p in sortedByID(inv.prefixLists, "PrefixListId") {
            _ = names.assign("pl", id: p.string("PrefixListId") ?? "", preferred: Self.tagName(p) ?? p.string("PrefixListName"))
        }
        for e in plan.externals.sorted(by: { $0.id < $1.id }) { _ = names.assign("external", id: e.id, preferred: Self.tagName(e.item)) }
    }
}
