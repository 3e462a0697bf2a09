import NetsimModel

/// The round trip's other half: describe JSON written back from the validated model (what
/// `aws ec2 describe-vpcs`, `describe-subnets`, `describe-route-tables`,
/// `describe-security-groups` and `describe-network-acls` would print for it), on the fields
/// netsim models. Tests compare `projection` of these files with that of the imported folder.
public enum AWSExport {
    /// File name → JSON text.
    public static func describe(_ t: Topology) -> [String: String] {
        var vpcs: [String] = [], subnets: [String] = [], tables: [String] = [], groups: [String] = [], acls: [String] = []
        var sgIDs: [String: String] = [:], plIDs: [String: String] = [:], targetIDs: [String: String] = [:]
        for p in t.prefixLists { plIDs[p.name] = p.id }
        for p in t.peeringConnections { targetIDs[p.name] = p.id }
        for g in t.transitGateways { targetIDs[g.name] = g.id }
        for v in t.vpcs {
            for g in v.securityGroups { sgIDs[g.name] = g.id }
            if let g = v.internetGateway { targetIDs[g.name] = g.id }
            if let g = v.egressOnlyInternetGateway { targetIDs[g.name] = g.id }
            if let g = v.vpnGateway { targetIDs[g.name] = g.id }
            for n in v.natGateways { targetIDs[n.name] = n.id }
            for e in v.gatewayEndpoints { targetIDs[e.name] = e.id }
            for i in v.networkInterfaces { targetIDs[i.name] = i.id }
        }
        for v in t.vpcs {
            let blocks = v.cidrBlocks.map { obj(["CidrBlock": str($0.description), "CidrBlockState": obj(["State": str("associated")])]) }
            vpcs.append(obj(["VpcId": str(v.id), "CidrBlock": str(v.cidrBlocks.first?.description ?? ""), "CidrBlockAssociationSet": arr(blocks)]))
            let tableID = Dictionary(v.routeTables.map { ($0.name, $0.id) }, uniquingKeysWith: { a, _ in a })
            let aclID = Dictionary(v.networkACLs.map { ($0.name, $0.id) }, uniquingKeysWith: { a, _ in a })
            for s in v.subnets {
                subnets.append(obj(["SubnetId": str(s.id), "VpcId": str(v.id), "CidrBlock": str(s.cidr.description), "AvailabilityZone": str(s.zone)]))
            }
            for rt in v.routeTables {
                var assoc: [String] = []
                if rt.isMain { assoc.append(obj(["Main": "true", "RouteTableId": str(rt.id)])) }
                for s in v.subnets where s.routeTable.flatMap({ tableID[$0] }) == rt.id {
                    assoc.append(obj(["Main": "false", "SubnetId": str(s.id), "RouteTableId": str(rt.id)]))
                }
                var routes: [String] = []
                for r in rt.routes {
                    var f: [String: String] = [:]
                    switch r.destination {
                    case .ipv4(let c): f["DestinationCidrBlock"] = str(c.description)
                    case .ipv6(let c): f["DestinationIpv6CidrBlock"] = str(c.description)
                    case .prefixList(let n): f["DestinationPrefixListId"] = str(plIDs[n] ?? n)
                    }
                    switch r.target {
                    case .local: f["GatewayId"] = str("local")
                    case .blackhole: f["State"] = str("blackhole")
                    case .internetGateway(let n), .gatewayEndpoint(let n), .vpnGateway(let n): f["GatewayId"] = str(targetIDs[n] ?? n)
                    case .egressOnlyInternetGateway(let n): f["EgressOnlyInternetGatewayId"] = str(targetIDs[n] ?? n)
                    case .natGateway(let n): f["NatGatewayId"] = str(targetIDs[n] ?? n)
                    case .peeringConnection(let n): f["VpcPeeringConnectionId"] = str(targetIDs[n] ?? n)
                    case .transitGateway(let n): f["TransitGatewayId"] = str(targetIDs[n] ?? n)
                    case .networkInterface(let n): f["NetworkInterfaceId"] = str(targetIDs[n] ?? n)
                    }
                    routes.append(obj(f))
                }
                tables.append(obj(["RouteTableId": str(rt.id), "VpcId": str(v.id), "Associations": arr(assoc), "Routes": arr(routes)]))
            }
            for g in v.securityGroups {
                func perms(_ rules: [SecurityGroupRule]) -> String {
                    arr(rules.map { r in
                        var f: [String: String] = ["IpProtocol": str(proto(r.ipProtocol))]
                        switch r.ipProtocol {
                        case .tcp, .udp: f["FromPort"] = "\(r.ports.lower)"; f["ToPort"] = "\(r.ports.upper)"
                        case .icmp, .icmpv6: f["FromPort"] = "\(r.icmp.type.map(Int.init) ?? -1)"; f["ToPort"] = "\(r.icmp.code.map(Int.init) ?? -1)"
                        default: break
                        }
                        switch r.peer {
                        case .cidr(let c): f["IpRanges"] = arr([obj(["CidrIp": str(c.description)])])
                        case .ipv6Cidr(let c): f["Ipv6Ranges"] = arr([obj(["CidrIpv6": str(c.description)])])
                        case .prefixList(let n): f["PrefixListIds"] = arr([obj(["PrefixListId": str(plIDs[n] ?? n)])])
                        case .securityGroup(let n): f["UserIdGroupPairs"] = arr([obj(["GroupId": str(sgIDs[n] ?? n)])])
                        }
                        return obj(f)
                    })
                }
                groups.append(obj(["GroupId": str(g.id), "GroupName": str(g.name), "VpcId": str(v.id), "IpPermissions": perms(g.ingress), "IpPermissionsEgress": perms(g.egress)]))
            }
            for a in v.networkACLs {
                var entries: [String] = []
                for (egress, rules) in [(false, a.inbound), (true, a.outbound)] {
                    for r in rules {
                        var f: [String: String] = ["RuleNumber": "\(r.number)", "Protocol": str(protoNumber(r.ipProtocol)), "RuleAction": str(r.action == .allow ? "allow" : "deny"),
                                                   "Egress": egress ? "true" : "false"]
                        switch r.block {
                        case .v4(let c): f["CidrBlock"] = str(c.description)
                        case .v6(let c): f["Ipv6CidrBlock"] = str(c.description)
                        }
                        if r.ipProtocol == .tcp || r.ipProtocol == .udp { f["PortRange"] = obj(["From": "\(r.ports.lower)", "To": "\(r.ports.upper)"]) }
                        if r.ipProtocol == .icmp || r.ipProtocol == .icmpv6 { f["IcmpTypeCode"] = obj(["Type": "\(r.icmp.type.map(Int.init) ?? -1)", "Code": "\(r.icmp.code.map(Int.init) ?? -1)"]) }
                        entries.append(obj(f))
                    }
                }
                let assoc = v.subnets.filter { s in (s.networkACL.flatMap { aclID[$0] } ?? v.defaultNetworkACL?.id) == a.id }.map { obj(["SubnetId": str($0.id), "NetworkAclId": str(a.id)]) }
                acls.append(obj(["NetworkAclId": str(a.id), "VpcId": str(v.id), "IsDefault": a.isDefault ? "true" : "false", "Entries": arr(entries), "Associations": arr(assoc)]))
            }
        }
        return [
            "ec2-describe-vpcs.json": obj(["Vpcs": arr(vpcs)]) + "\n",
            "ec2-describe-subnets.json": obj(["Subnets": arr(subnets)]) + "\n",
            "ec2-describe-route-tables.json": obj(["RouteTables": arr(tables)]) + "\n",
            "ec2-describe-security-groups.json": obj(["SecurityGroups": arr(groups)]) + "\n",
            "ec2-describe-network-acls.json": obj(["NetworkAcls": arr(acls)]) + "\n",
        ]
    }

    static func proto(_ p: IPProtocol) -> String {
        switch p {
        case .all: return "-1"
        case .tcp: return "tcp"
        case .udp: return "udp"
        case .icmp: return "icmp"
        case .icmpv6: return "icmpv6"
        case .number(let n): return "\(n)"
        }
    }

    static func protoNumber(_ p: IPProtocol) -> String {
        switch p {
        case .all: return "-1"
        case .tcp: return "6"
        case .udp: return "17"
        case .icmp: return "1"
        case .icmpv6: return "58"
        case .number(let n): return "\(n)"
        }
    }

    static func str(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if u.value < 0x20 { out += "\\u00" + (u.value < 16 ? "0" : "") + String(u.value, radix: 16) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
    static func obj(_ f: [String: String]) -> String { "{" + f.keys.sorted().map { "\(str($0)): \(f[$0] ?? "null")" }.joined(separator: ", ") + "}" }
    static func arr(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }

    /// The fields netsim models of a folder's VPCs, subnets, route tables, security groups and
    /// network ACLs, as sorted lines: equal for an imported folder and its export. A default
    /// network ACL is keyed by its VPC (the import leaves one with AWS's default rules out, and
    /// netsim's has another id); local and propagated routes are left out (netsim derives them).
    public static func projection(_ files: [String: JSONObject]) -> [String] {
        var lines: [String] = []
        for v in files["ec2-describe-vpcs.json"]?.objects("Vpcs") ?? [] {
            var blocks = Set<String>()
            if let c = v.string("CidrBlock") { blocks.insert(c) }
            for a in v.objects("CidrBlockAssociationSet") where (a.object("CidrBlockState")?.string("State") ?? "associated") == "associated" { if let c = a.string("CidrBlock") { blocks.insert(c) } }
            lines.append("vpc \(v.string("VpcId") ?? "") \(blocks.sorted().joined(separator: ","))")
        }
        for s in files["ec2-describe-subnets.json"]?.objects("Subnets") ?? [] {
            lines.append("subnet \(s.string("SubnetId") ?? "") \(s.string("VpcId") ?? "") \(s.string("CidrBlock") ?? "") \(s.string("AvailabilityZone") ?? "")")
        }
        for rt in files["ec2-describe-route-tables.json"]?.objects("RouteTables") ?? [] {
            let id = rt.string("RouteTableId") ?? ""
            lines.append("route-table \(id) \(rt.string("VpcId") ?? "") main=\(rt.objects("Associations").contains { $0.bool("Main") ?? false })")
            for a in rt.objects("Associations") { if let s = a.string("SubnetId") { lines.append("route-table \(id) subnet \(s)") } }
            for r in rt.objects("Routes") {
                if r.string("GatewayId") == "local" || r.string("Origin") == "EnableVgwRoutePropagation" { continue }
                let dest = r.string("DestinationCidrBlock") ?? r.string("DestinationIpv6CidrBlock") ?? r.string("DestinationPrefixListId") ?? "?"
                let target = r.string("State") == "blackhole" ? "blackhole"
                    : (r.string("GatewayId") ?? r.string("NatGatewayId") ?? r.string("EgressOnlyInternetGatewayId") ?? r.string("VpcPeeringConnectionId")
                       ?? r.string("TransitGatewayId") ?? r.string("NetworkInterfaceId") ?? "?")
                lines.append("route-table \(id) route \(dest) → \(target)")
            }
        }
        for g in files["ec2-describe-security-groups.json"]?.objects("SecurityGroups") ?? [] {
            let id = g.string("GroupId") ?? ""
            lines.append("security-group \(id) \(g.string("VpcId") ?? "")")
            for (dir, key) in [("in", "IpPermissions"), ("out", "IpPermissionsEgress")] {
                var rules = Set<String>()
                for p in g.objects(key) {
                    var pr = p.string("IpProtocol") ?? "-1"
                    pr = ["6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"][pr] ?? pr
                    var ports = ""
                    if pr == "tcp" || pr == "udp" {
                        let f = p.int("FromPort") ?? 0, t = p.int("ToPort") ?? 65535
                        ports = (f <= 0 && t == 65535) || f == -1 ? "all" : "\(f)-\(t)"
                    } else if pr == "icmp" || pr == "icmpv6" { ports = "\(p.int("FromPort") ?? -1)/\(p.int("ToPort") ?? -1)" }
                    for r in p.objects("IpRanges") { rules.insert("\(pr) \(ports) \(r.string("CidrIp") ?? "")") }
                    for r in p.objects("Ipv6Ranges") { rules.insert("\(pr) \(ports) \(r.string("CidrIpv6") ?? "")") }
                    for r in p.objects("PrefixListIds") { rules.insert("\(pr) \(ports) \(r.string("PrefixListId") ?? "")") }
                    for r in p.objects("UserIdGroupPairs") { rules.insert("\(pr) \(ports) \(r.string("GroupId") ?? "")") }
                }
                for r in rules.sorted() { lines.append("security-group \(id) \(dir) \(r)") }
            }
        }
        for a in files["ec2-describe-network-acls.json"]?.objects("NetworkAcls") ?? [] {
            let key = (a.bool("IsDefault") ?? false) ? "default@\(a.string("VpcId") ?? "")" : (a.string("NetworkAclId") ?? "")
            lines.append("network-acl \(key) \(a.string("VpcId") ?? "")")
            for e in a.objects("Entries") where (e.int("RuleNumber") ?? 0) != 32767 {
                let pr = e.string("Protocol") ?? "-1"
                var ports = ""
                if pr == "6" || pr == "17", let pr = e.object("PortRange") { ports = " \(pr.int("From") ?? 0)-\(pr.int("To") ?? 65535)" }
                lines.append("network-acl \(key) \((e.bool("Egress") ?? false) ? "out" : "in") \(e.int("RuleNumber") ?? 0) \(pr)\(ports) \(e.string("CidrBlock") ?? e.string("Ipv6CidrBlock") ?? "") \(e.string("RuleAction") ?? "")")
            }
            for s in a.objects("Associations") { if let sub = s.string("SubnetId") { lines.append("network-acl \(key) subnet \(sub)") } }
        }
        return lines.sorted()
    }
}
