import NetsimModel

extension AWSImporter {
    // MARK: prefix lists

    mutating func emitPrefixLists(_ inv: Inventory, _ plan: Plan) {
        // Customer-managed lists, and AWS-managed ones something refers to.
        var referenced = Set<String>()
        for rts in inv.routeTables.values { for rt in rts { for r in rt.o.objects("Routes") { if let p = r.string("DestinationPrefixListId") { referenced.insert(p) } } } }
        for gs in inv.securityGroups.values {
            for g in gs {
                for perm in g.o.objects("IpPermissions") + g.o.objects("IpPermissionsEgress") {
                    for p in perm.objects("PrefixListIds") { if let id = p.string("PrefixListId") { referenced.insert(id) } }
                }
            }
        }
        for rs in inv.sgRules.values { for r in rs { if let p = r.string("PrefixListId") { referenced.insert(p) } } }
        for es in inv.endpoints.values {
            for e in es where (e.string("VpcEndpointType") ?? "").lowercased() == "gateway" {
                if let pl = inv.prefixLists.first(where: { $0.string("PrefixListName") == e.string("ServiceName") })?.string("PrefixListId") { referenced.insert(pl) }
            }
        }
        var ids = Set(inv.prefixLists.filter { ($0.string("OwnerId") ?? "") != "AWS" }.compactMap { $0.string("PrefixListId") })
        ids.formUnion(referenced)
        guard !ids.isEmpty else { return }
        out.line(0, "prefixLists:")
        let entriesFiles = folder.perResource["ec2-get-managed-prefix-list-entries"] ?? [:]
        for id in ids.sorted() {
            let item = inv.plByID[id]
            let name = names.assign("pl", id: id, preferred: item.flatMap(Self.tagName) ?? item?.string("PrefixListName"))
            var pairs: Pairs = [("name", Self.s(name)), Self.idPair(id)]
            var entries: [String] = []
            if let src = entriesFiles[id] {
                for e in src.root.objects("Entries") {
                    guard let c = e.string("Cidr") else { continue }
                    if Self.isIPv4CIDR(c) || Self.isIPv6CIDR(c) { entries.append(c) } else { badValue("prefix list \(id) entry \(Echo.clip(c)) is not a CIDR", Item(o: e, src: src)) }
                }
            } else {
                let at = item ?? Item(o: JSONObject(fields: [:], offset: 0), src: folder.source("ec2-describe-route-tables") ?? folder.source("ec2-describe-security-groups") ?? AWSSource(name: folder.path, path: folder.path, lines: LineIndex([]), root: JSONObject(fields: [:], offset: 0)))
                diagnostics.append(Diagnostic(.warning, .importMissingFile, "prefix list \(id) (\(name)) has no ec2-get-managed-prefix-list-entries-\(id).json: it is written without entries, so rules and routes that use it match nothing",
                                              at: at.loc, hint: "collect it: aws ec2 get-managed-prefix-list-entries --prefix-list-id \(id) --output json > ec2-get-managed-prefix-list-entries-\(id).json"))
            }
            entries.sort()
            pairs.append(("entries", YAMLText.list(entries)))
            if let m = item?.o.int("MaxEntries"), m >= 1, m <= 1000, m != max(1, entries.count) { pairs.append(("maxEntries", "\(m)")) }
            out.comment(2, item.map { $0.cite(id) } ?? "\(id) (an AWS-managed list that routes or rules use)")
            out.line(2, "- " + YAMLText.flow(pairs))
            count("prefix lists")
        }
    }

    // MARK: one VPC

    mutating func emitVPC(_ v: String, _ inv: Inventory, _ plan: Plan, peer: Bool) {
        guard let vpc = inv.vpcByID[v] else { return }
        var body = TextOut()
        count("VPCs")
        let name = names.name("vpc", v) ?? v
        body.comment(0, vpc.cite(v) + (peer ? "" : " (the main VPC: \(inv.cluster != nil && v == inv.mainVPC ? "the cluster's" : "the one with the most subnets"))"))
        body.line(0, "name: " + Self.s(name))
        if Self.idOK(v) { body.line(0, "id: " + Self.s(v)) }
        var blocks: [String] = []
        if let c = vpc.string("CidrBlock") { blocks.append(c) }
        for a in vpc.o.objects("CidrBlockAssociationSet") where (a.object("CidrBlockState")?.string("State") ?? "associated") == "associated" {
            if let c = a.string("CidrBlock"), !blocks.contains(c) { blocks.append(c) }
        }
        blocks = blocks.filter { c in
            if Self.isIPv4CIDR(c) { return true }
            badValue("VPC \(v) block \(Echo.clip(c)) is not an IPv4 CIDR", vpc); return false
        }
        body.line(0, "cidrBlocks: " + YAMLText.list(blocks))
        var v6: [String] = []
        for a in vpc.o.objects("Ipv6CidrBlockAssociationSet") where (a.object("Ipv6CidrBlockState")?.string("State") ?? "associated") == "associated" {
            if let c = a.string("Ipv6CidrBlock"), Self.isIPv6CIDR(c) { v6.append(c) }
        }
        let hasV6 = !v6.isEmpty
        if hasV6 { body.line(0, "ipv6CidrBlocks: " + YAMLText.list(v6)) }
        // DNS attributes: the describe-vpc-attribute files, else what a private-DNS endpoint implies.
        let support = folder.perResource["ec2-describe-vpc-attribute-enable-dns-support"]?[v]?.root.object("EnableDnsSupport")?.bool("Value")
        var hostnames = folder.perResource["ec2-describe-vpc-attribute-enable-dns-hostnames"]?[v]?.root.object("EnableDnsHostnames")?.bool("Value")
        let privateDNS = (inv.endpoints[v] ?? []).contains { ($0.string("VpcEndpointType") ?? "").lowercased() == "interface" && ($0.o.bool("PrivateDnsEnabled") ?? false) }
        if support == false { body.line(0, "enableDnsSupport: false") }
        if hostnames == nil && privateDNS {
            body.comment(0, "enableDnsHostnames: no describe-vpc-attribute file; an endpoint with private DNS means AWS has it on")
            hostnames = true
        }
        if hostnames == true { body.line(0, "enableDnsHostnames: true") }
        var tags = vpc.tags; tags["Name"] = nil
        if !tags.isEmpty { body.line(0, "tags: " + YAMLText.map(tags)) }

        // Subnets, with their explicit route table and network ACL.
        var subnetTable: [String: String] = [:]
        for rt in inv.routeTables[v] ?? [] {
            for a in rt.o.objects("Associations") where !(a.bool("Main") ?? false) {
                if let s = a.string("SubnetId"), (a.object("AssociationState")?.string("State") ?? "associated") == "associated" { subnetTable[s] = rt.string("RouteTableId") }
            }
        }
        var subnetACL: [String: String] = [:]
        let defaultACL = (inv.nacls[v] ?? []).first { $0.o.bool("IsDefault") ?? false }
        let defaultACLOmitted = defaultACL.map { isDefaultACL($0, ipv6: hasV6) } ?? false
        for a in inv.nacls[v] ?? [] {
            for assoc in a.o.objects("Associations") { if let s = assoc.string("SubnetId") { subnetACL[s] = a.string("NetworkAclId") } }
        }
        let subnets = (inv.subnets[v] ?? []).sorted { Self.cidrKey($0.string("CidrBlock")) < Self.cidrKey($1.string("CidrBlock")) }
        if !subnets.isEmpty { body.line(0, "subnets:") }
        for s in subnets {
            guard let id = s.string("SubnetId"), let zone = s.string("AvailabilityZone"), let cidr = s.string("CidrBlock"), Self.isIPv4CIDR(cidr) else {
                badValue("a subnet without SubnetId, AvailabilityZone or an IPv4 CidrBlock (IPv6-only subnets are not imported)", s)
                if let id = s.string("SubnetId") { skip("subnet", id, s, "no IPv4 CIDR or zone") }
                continue
            }
            var p: Pairs = [("name", Self.s(names.name("subnet", id) ?? id)), Self.idPair(id), ("zone", Self.s(zone)), ("cidr", Self.s(cidr))]
            if let c6 = s.o.objects("Ipv6CidrBlockAssociationSet").first(where: { ($0.object("Ipv6CidrBlockState")?.string("State") ?? "associated") == "associated" })?.string("Ipv6CidrBlock"), Self.isIPv6CIDR(c6) {
                p.append(("ipv6Cidr", Self.s(c6)))
            }
            if let rt = subnetTable[id], let n = names.name("rtb", rt) { p.append(("routeTable", Self.s(n))) }
            if let acl = subnetACL[id], acl != defaultACL?.string("NetworkAclId"), let n = names.name("acl", acl) { p.append(("networkAcl", Self.s(n))) }
            if s.o.bool("MapPublicIpOnLaunch") == true { p.append(("mapPublicIpOnLaunch", "true")) }
            if s.o.bool("AssignIpv6AddressOnCreation") == true && p.contains(where: { $0.0 == "ipv6Cidr" }) { p.append(("assignIpv6AddressOnCreation", "true")) }
            var t = s.tags; t["Name"] = nil
            if !t.isEmpty { p.append(("tags", YAMLText.map(t))) }
            body.comment(2, s.cite(id))
            body.line(2, "- " + YAMLText.flow(p))
            count("subnets")
        }
        // Gateways.
        if let g = inv.igws[v], let id = g.string("InternetGatewayId") {
            body.comment(0, g.cite(id))
            body.line(0, "internetGateway: " + YAMLText.flow([("name", Self.s(names.name("target", id) ?? id)), Self.idPair(id)]))
            count("internet gateways")
        }
        if let g = inv.eigws[v], let id = g.string("EgressOnlyInternetGatewayId") {
            body.comment(0, g.cite(id))
            body.line(0, "egressOnlyInternetGateway: " + YAMLText.flow([("name", Self.s(names.name("target", id) ?? id)), Self.idPair(id)]))
            count("egress-only internet gateways")
        }
        if let vgw = plan.vgws[v] {
            var p: Pairs = [("name", Self.s(names.name("target", vgw) ?? vgw)), Self.idPair(vgw)]
            if let item = inv.vgws[v]?.item {
                body.comment(0, item.cite(vgw) + "; the networks behind it are not in the folder (add them as externals with via:)")
                if let asn = item.o.int("AmazonSideAsn"), asn != 64512, (64512...65534).contains(asn) || (4_200_000_000...4_294_967_294).contains(asn) { p.append(("amazonSideAsn", "\(asn)")) }
            } else {
                body.comment(0, "\(vgw): named by route tables (ec2-describe-route-tables.json); ec2-describe-vpn-gateways.json does not list it")
            }
            body.line(0, "vpnGateway: " + YAMLText.flow(p))
            count("virtual private gateways")
        }
        let nats = (inv.nats[v] ?? []).sorted { (names.name("target", $0.string("NatGatewayId") ?? "") ?? "") < (names.name("target", $1.string("NatGatewayId") ?? "") ?? "") }
        var natLines: [(String, String)] = []
        for n in nats {
            guard let id = n.string("NatGatewayId") else { continue }
            guard let sub = n.string("SubnetId"), let sn = names.name("subnet", sub) else { dangling("NAT gateway \(id) is in subnet \(n.string("SubnetId") ?? "?"), which ec2-describe-subnets.json does not list", n); skip("NAT gateway", id, n, "its subnet is not in the folder"); continue }
            var p: Pairs = [("name", Self.s(names.name("target", id) ?? id)), Self.idPair(id), ("subnet", Self.s(sn))]
            let priv = (n.string("ConnectivityType") ?? "public") == "private"
            if priv { p.append(("connectivity", "private")) }
            let addr = n.o.objects("NatGatewayAddresses").first { $0.bool("IsPrimary") ?? true } ?? n.o.objects("NatGatewayAddresses").first
            if let ip = addr?.string("PrivateIp"), Self.isIPv4(ip) {
                if Self.usable(ip, in: inv.subnetByID[sub]) { p.append(("privateIp", ip)) }
                else { badValue("NAT gateway \(id): its address \(ip) is not a usable address of subnet \(sub); netsim chooses one", n) }
            }
            if !priv, let ip = addr?.string("PublicIp"), Self.isIPv4(ip) { p.append(("publicIp", ip)) }
            natLines.append((n.cite(id), "- " + YAMLText.flow(p)))
            count("NAT gateways")
        }
        if !natLines.isEmpty { body.line(0, "natGateways:"); for (c, l) in natLines { body.comment(2, c); body.line(2, l) } }
        emitRouteTables(v, inv, plan, &body, blocks: blocks, v6: v6)
        emitSecurityGroups(v, inv, plan, &body, ipv6: hasV6)
        emitNetworkACLs(v, inv, &body, ipv6: hasV6, defaultOmitted: defaultACLOmitted ? defaultACL : nil)
        emitEndpoints(v, inv, &body)
        emitInterfaces(v, inv, plan, &body)
        // Indent under `vpc:` or as an item of `peerVpcs:`.
        var first = true
        for line in body.text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            if peer && first && !line.hasPrefix("#") { out.text += "  - " + line + "\n"; first = false; continue }
            out.text += (peer ? "    " : "  ") + line + "\n"
        }
    }

    static func cidrKey(_ c: String?) -> (UInt32, Int, String) {
        guard let c, let p = IPv4CIDR.parse(c) else { return (UInt32.max, 0, c ?? "") }
        return (p.cidr.network.value, p.cidr.prefixLength, c)
    }

    // MARK: route tables

    mutating func emitRouteTables(_ v: String, _ inv: Inventory, _ plan: Plan, _ body: inout TextOut, blocks: [String], v6: [String]) {
        let tables = (inv.routeTables[v] ?? []).sorted { a, b in
            let ma = a.o.objects("Associations").contains { $0.bool("Main") ?? false }, mb = b.o.objects("Associations").contains { $0.bool("Main") ?? false }
            if ma != mb { return ma }
            return (names.name("rtb", a.string("RouteTableId") ?? "") ?? "") < (names.name("rtb", b.string("RouteTableId") ?? "") ?? "")
        }
        guard !tables.isEmpty else { return }
        body.line(0, "routeTables:")
        for rt in tables {
            guard let id = rt.string("RouteTableId") else { continue }
            count("route tables")
            body.comment(2, rt.cite(id))
            body.line(2, "- name: " + Self.s(names.name("rtb", id) ?? id))
            if Self.idOK(id) { body.line(4, "id: " + Self.s(id)) }
            if rt.o.objects("Associations").contains(where: { $0.bool("Main") ?? false }) { body.line(4, "main: true") }
            for a in rt.o.objects("Associations") where a.string("GatewayId") != nil {
                skip("route table association", "\(id) → \(a.string("GatewayId") ?? "")", rt, "an edge association (ingress routing from a gateway) is not modelled")
            }
            var vgws: [String] = []
            for p in rt.o.objects("PropagatingVgws") {
                guard let g = p.string("GatewayId") else { continue }
                if plan.vgws[v] == g, let n = names.name("target", g) { vgws.append(n) } else { skip("route propagation", "\(id) ← \(g)", rt, "a virtual private gateway that is not this VPC's") }
            }
            if !vgws.isEmpty { body.line(4, "propagatingVgws: " + YAMLText.list(vgws)) }
            var lines: [(key: String, comment: String?, line: String)] = []
            for r in rt.o.objects("Routes") {
                let item = Item(o: r, src: rt.src)
                if (r.string("Origin") ?? "") == "EnableVgwRoutePropagation" { continue }   // derived from propagatingVgws
                if r.string("GatewayId") == "local" { continue }                             // the local routes are implicit
                var dest: (String, String)
                let destText: String
                if let d = r.string("DestinationCidrBlock") {
                    guard Self.isIPv4CIDR(d) else { badValue("route table \(id): destination \(Echo.clip(d)) is not an IPv4 CIDR", item); continue }
                    dest = ("destination", Self.s(d)); destText = d
                } else if let d = r.string("DestinationIpv6CidrBlock") {
                    guard Self.isIPv6CIDR(d) else { badValue("route table \(id): destination \(Echo.clip(d)) is not an IPv6 CIDR", item); continue }
                    dest = ("destination", Self.s(d)); destText = d
                } else if let pl = r.string("DestinationPrefixListId") {
                    guard let n = names.name("pl", pl) else { dangling("route table \(id): prefix list \(pl) is not in the folder", item); continue }
                    dest = ("prefixList", Self.s(n)); destText = pl
                } else { badValue("route table \(id): a route without a destination", item); continue }
                let (targetID, targetName, why) = routeTarget(r, v, inv, plan)
                let blackhole = (r.string("State") ?? "active") == "blackhole"
                if blackhole {
                    lines.append((destText, "\(destText) → \(targetID ?? "?"): the target is gone (state blackhole)", YAMLText.flow([dest, ("target", "blackhole")])))
                    continue
                }
                guard let targetName else {
                    if let why {
                        if why.hasPrefix("!") { dangling("route table \(id): route \(destText) → \(targetID ?? "?"): \(why.dropFirst())", item) }
                        skip("route", "\(id) \(destText) → \(targetID ?? "?")", rt, why.hasPrefix("!") ? String(why.dropFirst()) : why)
                    }
                    continue
                }
                lines.append((destText, nil, YAMLText.flow([dest, ("target", Self.s(targetName))])))
            }
            lines.sort { $0.key < $1.key }
            if !lines.isEmpty {
                body.line(4, "routes:")
                for l in lines {
                    if let c = l.comment { body.comment(6, c) }
                    body.line(6, "- " + l.line)
                }
            }
        }
    }

    /// The target of a route: its AWS id, its name in the topology (nil when it cannot be
    /// written) and why not (a leading `!` marks a reference to something missing).
    func routeTarget(_ r: JSONObject, _ v: String, _ inv: Inventory, _ plan: Plan) -> (String?, String?, String?) {
        if let g = r.string("GatewayId") {
            if g.hasPrefix("igw-") {
                guard inv.igws[v]?.string("InternetGatewayId") == g else { return (g, nil, "!internet gateway \(g) is not attached to this VPC in ec2-describe-internet-gateways.json") }
                return (g, names.name("target", g), nil)
            }
            if g.hasPrefix("vgw-") { return (g, plan.vgws[v] == g ? names.name("target", g) : nil, "virtual private gateway \(g) is not this VPC's") }
            if g.hasPrefix("vpce-") {
                guard inv.endpointByID[g] != nil else { return (g, nil, "!VPC endpoint \(g) is not in ec2-describe-vpc-endpoints.json") }
                guard (inv.endpointByID[g]?.string("VpcEndpointType") ?? "").lowercased() == "gateway" else { return (g, nil, "a route to a Gateway Load Balancer endpoint is not modelled") }
                return (g, names.name("target", g), nil)
            }
            return (g, nil, "a route to \(g) (a kind of gateway netsim does not model)")
        }
        if let e = r.string("EgressOnlyInternetGatewayId") {
            guard inv.eigws[v]?.string("EgressOnlyInternetGatewayId") == e else { return (e, nil, "!egress-only internet gateway \(e) is not attached to this VPC") }
            return (e, names.name("target", e), nil)
        }
        if let n = r.string("NatGatewayId") {
            guard inv.natByID[n] != nil, let name = names.name("target", n) else { return (n, nil, "!NAT gateway \(n) is not in ec2-describe-nat-gateways.json (or not available)") }
            return (n, name, nil)
        }
        if let p = r.string("VpcPeeringConnectionId") {
            guard plan.peerings[p] != nil else { return (p, nil, "peering connection \(p) is not imported (not active, or its other VPC is not in the folder)") }
            return (p, names.name("target", p), nil)
        }
        if let t = r.string("TransitGatewayId") {
            guard plan.tgwVPCs[t]?.contains(v) ?? false else { return (t, nil, "!transit gateway \(t) has no imported attachment to this VPC (ec2-describe-transit-gateway-attachments.json)") }
            return (t, names.name("target", t), nil)
        }
        if let i = r.string("InstanceId"), r.string("NetworkInterfaceId") == nil {
            guard let e = plan.instanceInterface[i] else { return (i, nil, "!instance \(i) is not in ec2-describe-instances.json") }
            return (i, names.name("target", e), nil)
        }
        if let e = r.string("NetworkInterfaceId") {
            guard plan.interfaceIDs.contains(e), let n = names.name("target", e) else { return (e, nil, "!network interface \(e) is not in the folder (ec2-describe-network-interfaces.json)") }
            return (e, n, nil)
        }
        for k in ["CarrierGatewayId", "LocalGatewayId", "CoreNetworkArn"] {
            if let x = r.string(k) { return (x, nil, "a route to a \(k.replacingOccurrences(of: "Id", with: "").replacingOccurrences(of: "Arn", with: "")) is not modelled") }
        }
        return (nil, nil, "a route whose target netsim cannot read")
    }
}
