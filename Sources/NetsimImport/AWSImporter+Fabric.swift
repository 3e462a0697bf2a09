import NetsimModel

/// The folder's resources, grouped once: by VPC and by id.
struct Inventory {
    var vpcs: [Item] = []
    var vpcByID: [String: Item] = [:]
    var subnets: [String: [Item]] = [:]
    var subnetByID: [String: Item] = [:]
    var routeTables: [String: [Item]] = [:]
    var securityGroups: [String: [Item]] = [:]
    var sgByID: [String: Item] = [:]
    var sgRules: [String: [Item]] = [:]
    var hasRulesFile = false
    var nacls: [String: [Item]] = [:]
    var igws: [String: Item] = [:]
    var eigws: [String: Item] = [:]
    var vgws: [String: (id: String, item: Item?)] = [:]
    var nats: [String: [Item]] = [:]
    var natByID: [String: Item] = [:]
    var endpoints: [String: [Item]] = [:]
    var endpointByID: [String: Item] = [:]
    var prefixLists: [Item] = []
    var plByID: [String: Item] = [:]
    var peerings: [Item] = []
    var tgws: [Item] = []
    var tgwAttachments: [Item] = []
    var tgwVpcAttachments: [String: Item] = [:]
    var tgwRouteTables: [Item] = []
    var enis: [Item] = []
    var eniByID: [String: Item] = [:]
    var instances: [Item] = []
    var instanceByID: [String: Item] = [:]
    /// The cluster (eks describe-cluster), if any.
    var cluster: Item?
    var mainVPC = ""
}

extension AWSImporter {
    static let liveInstanceStates: Set<String> = ["pending", "running", "stopping", "stopped"]

    mutating func inventory() -> Inventory {
        var inv = Inventory()
        for v in items("ec2-describe-vpcs", "Vpcs") {
            guard let id = v.string("VpcId") else { badValue("a VPC without VpcId", v); continue }
            inv.vpcs.append(v); inv.vpcByID[id] = v
        }
        inv.vpcs.sort { ($0.string("VpcId") ?? "") < ($1.string("VpcId") ?? "") }
        func vpcOf(_ i: Item, _ kind: String, _ id: String) -> String? {
            guard let v = i.string("VpcId") else { return nil }
            return v
        }
        for s in items("ec2-describe-subnets", "Subnets") {
            guard let id = s.string("SubnetId"), let v = s.string("VpcId") else { badValue("a subnet without SubnetId or VpcId", s); continue }
            inv.subnets[v, default: []].append(s); inv.subnetByID[id] = s
        }
        for r in items("ec2-describe-route-tables", "RouteTables") {
            guard r.string("RouteTableId") != nil, let v = r.string("VpcId") else { badValue("a route table without RouteTableId or VpcId", r); continue }
            inv.routeTables[v, default: []].append(r)
        }
        for g in items("ec2-describe-security-groups", "SecurityGroups") {
            guard let id = g.string("GroupId") else { badValue("a security group without GroupId", g); continue }
            guard let v = g.string("VpcId") else { skip("security group", id, g, "an EC2-Classic group (no VpcId)"); continue }
            inv.securityGroups[v, default: []].append(g); inv.sgByID[id] = g
        }
        if folder.source("ec2-describe-security-group-rules") != nil {
            inv.hasRulesFile = true
            for r in items("ec2-describe-security-group-rules", "SecurityGroupRules") {
                guard let g = r.string("GroupId") else { badValue("a security group rule without GroupId", r); continue }
                inv.sgRules[g, default: []].append(r)
            }
        }
        for a in items("ec2-describe-network-acls", "NetworkAcls") {
            guard a.string("NetworkAclId") != nil, let v = a.string("VpcId") else { badValue("a network ACL without NetworkAclId or VpcId", a); continue }
            inv.nacls[v, default: []].append(a)
        }
        for g in items("ec2-describe-internet-gateways", "InternetGateways") {
            let id = g.string("InternetGatewayId") ?? "igw-?"
            let attached = g.o.objects("Attachments").filter { ["available", "attached"].contains($0.string("State") ?? "") }
            guard let v = attached.first?.string("VpcId") else { skip("internet gateway", id, g, "not attached to a VPC"); continue }
            inv.igws[v] = g
        }
        for g in items("ec2-describe-egress-only-internet-gateways", "EgressOnlyInternetGateways") {
            let id = g.string("EgressOnlyInternetGatewayId") ?? "eigw-?"
            let attached = g.o.objects("Attachments").filter { ["available", "attached"].contains($0.string("State") ?? "") }
            guard let v = attached.first?.string("VpcId") else { skip("egress-only internet gateway", id, g, "not attached to a VPC"); continue }
            inv.eigws[v] = g
        }
        for g in items("ec2-describe-vpn-gateways", "VpnGateways") {
            let id = g.string("VpnGatewayId") ?? "vgw-?"
            let attached = g.o.objects("VpcAttachments").filter { $0.string("State") == "attached" }
            guard let v = attached.first?.string("VpcId") else { skip("virtual private gateway", id, g, "not attached to a VPC"); continue }
            inv.vgws[v] = (id, g)
        }
        for n in items("ec2-describe-nat-gateways", "NatGateways") {
            let id = n.string("NatGatewayId") ?? "nat-?"
            let state = n.string("State") ?? "available"
            guard ["available", "pending"].contains(state) else { skip("NAT gateway", id, n, "state \(state): it forwards nothing"); continue }
            guard let v = n.string("VpcId") else { badValue("NAT gateway \(id) without VpcId", n); continue }
            inv.nats[v, default: []].append(n); inv.natByID[id] = n
        }
        for e in items("ec2-describe-vpc-endpoints", "VpcEndpoints") {
            guard let id = e.string("VpcEndpointId"), let v = e.string("VpcId") else { badValue("a VPC endpoint without VpcEndpointId or VpcId", e); continue }
            let state = (e.string("State") ?? "available").lowercased()
            guard ["available", "pending", "pendingacceptance"].contains(state) else { skip("VPC endpoint", id, e, "state \(state)"); continue }
            inv.endpoints[v, default: []].append(e); inv.endpointByID[id] = e
        }
        for p in items("ec2-describe-managed-prefix-lists", "PrefixLists") {
            guard let id = p.string("PrefixListId") else { badValue("a prefix list without PrefixListId", p); continue }
            inv.prefixLists.append(p); inv.plByID[id] = p
        }
        inv.peerings = items("ec2-describe-vpc-peering-connections", "VpcPeeringConnections")
        inv.tgws = items("ec2-describe-transit-gateways", "TransitGateways").filter { ($0.string("State") ?? "available") != "deleted" }
        inv.tgwAttachments = items("ec2-describe-transit-gateway-attachments", "TransitGatewayAttachments")
        for a in items("ec2-describe-transit-gateway-vpc-attachments", "TransitGatewayVpcAttachments") {
            if let id = a.string("TransitGatewayAttachmentId") { inv.tgwVpcAttachments[id] = a }
        }
        inv.tgwRouteTables = items("ec2-describe-transit-gateway-route-tables", "TransitGatewayRouteTables").filter { ($0.string("State") ?? "available") != "deleted" }
        for e in items("ec2-describe-network-interfaces", "NetworkInterfaces") {
            guard let id = e.string("NetworkInterfaceId") else { badValue("a network interface without NetworkInterfaceId", e); continue }
            inv.enis.append(e); inv.eniByID[id] = e
        }
        if let src = folder.source("ec2-describe-instances") {
            for r in src.root.objects("Reservations") {
                for i in r.objects("Instances") {
                    let item = Item(o: i, src: src)
                    guard let id = i.string("InstanceId") else { badValue("an instance without InstanceId", item); continue }
                    let state = i.object("State")?.string("Name") ?? "running"
                    guard Self.liveInstanceStates.contains(state) else { skip("instance", id, item, "state \(state)"); continue }
                    inv.instances.append(item); inv.instanceByID[id] = item
                }
            }
        }
        if let src = folder.source("eks-describe-cluster"), let c = src.root.object("cluster") {
            inv.cluster = Item(o: c, src: src)
        }
        return inv
    }

    /// Region and account: one of each, or errors that say which.
    mutating func checkRegionAndAccount(_ inv: Inventory) -> (region: String?, account: String?) {
        var regions: [String: (String, Item)] = [:]
        func note(_ r: String?, _ what: String, _ item: Item) {
            guard let r, regions[r] == nil else { return }
            regions[r] = (what, item)
        }
        for list in inv.subnets.values {
            for s in list { note((s.string("AvailabilityZone")).flatMap(Self.regionOfZone), s.string("SubnetId") ?? "subnet", s) }
        }
        for e in inv.enis { note(e.string("AvailabilityZone").flatMap(Self.regionOfZone), e.string("NetworkInterfaceId") ?? "ENI", e) }
        for i in inv.instances { note(i.o.object("Placement")?.string("AvailabilityZone").flatMap(Self.regionOfZone), i.string("InstanceId") ?? "instance", i) }
        if let c = inv.cluster { note(c.string("arn").flatMap(Self.regionOfARN), c.string("name") ?? "cluster", c) }
        for t in inv.tgws { note(t.string("TransitGatewayArn").flatMap(Self.regionOfARN), t.string("TransitGatewayId") ?? "transit gateway", t) }
        for l in items("elbv2-describe-load-balancers", "LoadBalancers") { note(l.string("LoadBalancerArn").flatMap(Self.regionOfARN), l.string("LoadBalancerName") ?? "load balancer", l) }
        var region: String? = regions.keys.sorted().first
        if regions.count > 1, let second = regions.keys.sorted().dropFirst().first, let (what, item) = regions[second] {
            let sorted = regions.keys.sorted()
            let others = sorted.compactMap { r in regions[r].map { "\(r) (\($0.0) in \($0.1.src.name))" } }.joined(separator: ", ")
            diagnostics.append(Diagnostic(.error, .importMixedRegions, "the folder mixes AWS Regions: \(others); \(what) is in \(second)", at: item.loc,
                                          hint: "collect each Region into its own folder (REGION=… sh collect.sh) and import each into its own topology"))
            region = nil
        }
        var owners: [String: Item] = [:]
        for v in inv.vpcs { if let o = v.string("OwnerId"), owners[o] == nil { owners[o] = v } }
        var account: String? = owners.keys.sorted().first
        if owners.count > 1, let second = owners.keys.sorted().dropFirst().first, let at = owners[second] {
            let sorted = owners.keys.sorted()
            let list = sorted.map { "\($0) (\(owners[$0]?.string("VpcId") ?? "?"))" }.joined(separator: ", ")
            diagnostics.append(Diagnostic(.error, .importMixedAccounts, "the folder mixes AWS accounts: VPCs of \(list)", at: at.loc,
                                          hint: "collect each account (PROFILE=…) into its own folder"))
            account = nil
        }
        return (region, account)
    }
}
