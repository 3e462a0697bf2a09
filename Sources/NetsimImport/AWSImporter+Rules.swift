import NetsimModel

extension AWSImporter {
    // MARK: security groups

    /// One rule of a group, as written: its flow text, and a sort key.
    struct RuleLine { var key: String; var text: String; var comment: String? }

    mutating func emitSecurityGroups(_ v: String, _ inv: Inventory, _ plan: Plan, _ body: inout TextOut, ipv6: Bool) {
        let groups = (inv.securityGroups[v] ?? []).sorted { (names.name("sg", $0.string("GroupId") ?? "") ?? "") < (names.name("sg", $1.string("GroupId") ?? "") ?? "") }
        guard !groups.isEmpty else { return }
        body.line(0, "securityGroups:")
        for g in groups {
            guard let id = g.string("GroupId") else { continue }
            count("security groups")
            let (ingress, egress) = rules(of: g, id, inv)
            body.comment(2, g.cite(id) + (inv.hasRulesFile && inv.sgRules[id] != nil ? " (rules from ec2-describe-security-group-rules.json)" : ""))
            body.line(2, "- name: " + Self.s(names.name("sg", id) ?? id))
            if Self.idOK(id) { body.line(4, "id: " + Self.s(id)) }
            if let d = g.string("Description"), !d.isEmpty { body.line(4, "description: " + Self.s(d)) }
            var t = g.tags; t["Name"] = nil
            if !t.isEmpty { body.line(4, "tags: " + YAMLText.map(t)) }
            if !ingress.isEmpty {
                body.line(4, "ingress:")
                for r in ingress { if let c = r.comment { body.comment(6, c) }; body.line(6, "- " + r.text) }
            }
            // Egress: left out when it is exactly the rule AWS gives every new group.
            let defaultEgress = ipv6 ? ["{protocol: all, to: {cidr: 0.0.0.0/0}}", "{protocol: all, to: {ipv6Cidr: \"::/0\"}}"] : ["{protocol: all, to: {cidr: 0.0.0.0/0}}"]
            if egress.map(\.text).sorted() == defaultEgress.sorted() { continue }
            if egress.isEmpty { body.line(4, "egress: []"); continue }
            body.line(4, "egress:")
            for r in egress { if let c = r.comment { body.comment(6, c) }; body.line(6, "- " + r.text) }
        }
    }

    /// A group's rules: from describe-security-group-rules when the folder has it, else from
    /// the group's IpPermissions (one rule per peer, as AWS counts them).
    mutating func rules(of g: Item, _ id: String, _ inv: Inventory) -> ([RuleLine], [RuleLine]) {
        var ingress: [RuleLine] = [], egress: [RuleLine] = []
        func add(_ egressRule: Bool, _ line: RuleLine) {
            if egressRule { if !egress.contains(where: { $0.text == line.text }) { egress.append(line) } }
            else if !ingress.contains(where: { $0.text == line.text }) { ingress.append(line) }
        }
        if inv.hasRulesFile, let list = inv.sgRules[id] {
            for r in list {
                let isEgress = r.o.bool("IsEgress") ?? false
                var peer: (String, String)?
                if let c = r.string("CidrIpv4") { peer = ("cidr", c) }
                else if let c = r.string("CidrIpv6") { peer = ("ipv6Cidr", c) }
                else if let p = r.string("PrefixListId") { peer = ("prefixList", p) }
                else if let ref = r.o.object("ReferencedGroupInfo")?.string("GroupId") { peer = ("securityGroup", ref) }
                let ruleID = r.string("SecurityGroupRuleId") ?? "rule"
                guard let peer else { badValue("security group rule \(ruleID) has no peer", r); continue }
                if Self.unreadableNumber(r.o, ["FromPort", "ToPort"]) { badValue("security group rule \(ruleID): FromPort or ToPort is not a whole number AWS has", r); continue }
                if let line = ruleLine(g: id, item: r, egress: isEgress, proto: r.string("IpProtocol") ?? "-1", from: r.o.int("FromPort"), to: r.o.int("ToPort"),
                                       peer: peer, description: r.string("Description"), ruleID: ruleID, inv) { add(isEgress, line) }
            }
        } else {
            for (isEgress, key) in [(false, "IpPermissions"), (true, "IpPermissionsEgress")] {
                for perm in g.o.objects(key) {
                    let proto = perm.string("IpProtocol") ?? "-1"
                    let from = perm.int("FromPort"), to = perm.int("ToPort")
                    let item = Item(o: perm, src: g.src)
                    if Self.unreadableNumber(perm, ["FromPort", "ToPort"]) { badValue("security group \(id): FromPort or ToPort is not a whole number AWS has", item); continue }
                    var peers: [((String, String), String?)] = []
                    for r in perm.objects("IpRanges") { if let c = r.string("CidrIp") { peers.append((("cidr", c), r.string("Description"))) } }
                    for r in perm.objects("Ipv6Ranges") { if let c = r.string("CidrIpv6") { peers.append((("ipv6Cidr", c), r.string("Description"))) } }
                    for r in perm.objects("PrefixListIds") { if let c = r.string("PrefixListId") { peers.append((("prefixList", c), r.string("Description"))) } }
                    for r in perm.objects("UserIdGroupPairs") { if let c = r.string("GroupId") { peers.append((("securityGroup", c), r.string("Description"))) } }
                    for (peer, d) in peers {
                        if let line = ruleLine(g: id, item: item, egress: isEgress, proto: proto, from: from, to: to, peer: peer, description: d, ruleID: nil, inv) { add(isEgress, line) }
                    }
                }
            }
        }
        ingress.sort { $0.key < $1.key }
        egress.sort { $0.key < $1.key }
        return (ingress, egress)
    }

    mutating func ruleLine(g: String, item: Item, egress: Bool, proto rawProto: String, from: Int?, to: Int?, peer: (String, String),
                           description: String?, ruleID: String?, _ inv: Inventory) -> RuleLine? {
        let proto = Self.protocolName(rawProto)
        guard proto == "all" || ["tcp", "udp", "icmp", "icmpv6"].contains(proto) || (Int(proto).map { (0...255).contains($0) } ?? false) else {
            badValue("security group \(g): protocol \(Echo.clip(rawProto)) is not one AWS has", item); return nil
        }
        if !Self.portsInRange(proto, from: from, to: to) {
            badValue("security group \(g): ports or ICMP type/code \(from.map(String.init) ?? "none")–\(to.map(String.init) ?? "none") are out of range for \(proto)", item); return nil
        }
        var peerValue: String
        switch peer.0 {
        case "cidr":
            guard Self.isIPv4CIDR(peer.1) else { badValue("security group \(g): \(Echo.clip(peer.1)) is not an IPv4 CIDR", item); return nil }
            peerValue = Self.s(peer.1)
        case "ipv6Cidr":
            guard Self.isIPv6CIDR(peer.1) else { badValue("security group \(g): \(Echo.clip(peer.1)) is not an IPv6 CIDR", item); return nil }
            peerValue = Self.s(peer.1)
        case "prefixList":
            guard let n = names.name("pl", peer.1) else {
                dangling("security group \(g): a rule names prefix list \(peer.1), which the folder does not hold; the rule is left out", item)
                skip("security group rule", "\(g) \(ruleID ?? peer.1)", item, "its prefix list \(peer.1) is not in the folder")
                return nil
            }
            peerValue = Self.s(n)
        default:
            guard inv.sgByID[peer.1] != nil, let n = names.name("sg", peer.1) else {
                dangling("security group \(g): a rule names security group \(peer.1), which the folder does not hold (another account's, or deleted); the rule is left out", item)
                skip("security group rule", "\(g) \(ruleID ?? peer.1)", item, "its peer group \(peer.1) is not in the folder")
                return nil
            }
            peerValue = Self.s(n)
        }
        var pairs: Pairs = [("protocol", proto)]
        pairs += Self.portPairs(proto, from: from, to: to)
        pairs.append((egress ? "to" : "from", YAMLText.flow([(peer.0, peerValue)])))
        if let d = description, !d.isEmpty { pairs.append(("description", Self.s(d))) }
        let text = YAMLText.flow(pairs)
        return RuleLine(key: text, text: text, comment: nil)
    }

    /// A number field that is there but is no whole number netsim can hold (2^64, 1.5, "x").
    static func unreadableNumber(_ o: JSONObject?, _ keys: [String]) -> Bool {
        guard let o else { return false }
        return keys.contains { k in
            guard let v = o[k] else { return false }
            if case .null = v { return false }
            return v.int == nil
        }
    }

    /// Ports 0–65535 (from ≤ to) for TCP and UDP, ICMP type and code -1–255; -1 or none is "all".
    static func portsInRange(_ proto: String, from: Int?, to: Int?) -> Bool {
        switch proto {
        case "tcp", "udp":
            guard let f = from, let t = to, f != -1 || t != -1 else { return true }
            return (0...65535).contains(f) && (0...65535).contains(t) && f <= t
        case "icmp", "icmpv6":
            return (from.map { (-1...255).contains($0) } ?? true) && (to.map { (-1...255).contains($0) } ?? true)
        default:
            return true
        }
    }

    // MARK: network ACLs

    /// AWS's default network ACL: rule 100 allows all IPv4 both ways (101 all IPv6 with an IPv6 block).
    func isDefaultACL(_ a: Item, ipv6: Bool) -> Bool {
        let entries = a.o.objects("Entries").filter { !Self.isStarRule($0.int("RuleNumber")) }
        var want: Set<String> = ["in 100 allow -1 0.0.0.0/0", "out 100 allow -1 0.0.0.0/0"]
        if ipv6 { want.formUnion(["in 101 allow -1 ::/0", "out 101 allow -1 ::/0"]) }
        let have = Set(entries.map { e in
            "\((e.bool("Egress") ?? false) ? "out" : "in") \(e.int("RuleNumber") ?? 0) \(e.string("RuleAction") ?? "") \(Self.protocolName(e.string("Protocol") ?? "") == "all" ? "-1" : "x") \(e.string("CidrBlock") ?? e.string("Ipv6CidrBlock") ?? "")"
        })
        return have == want && entries.count == want.count
    }

    /// AWS's `*` rules, which DescribeNetworkAcls lists and no one can create or change
    /// (CreateNetworkAclEntry takes 1–32766): 32767 denies all IPv4, 32768 all IPv6 (in a VPC
    /// with an IPv6 block).
    static func isStarRule(_ n: Int?) -> Bool { n == 32767 || n == 32768 }

    mutating func emitNetworkACLs(_ v: String, _ inv: Inventory, _ body: inout TextOut, ipv6: Bool, defaultOmitted: Item?) {
        let acls = (inv.nacls[v] ?? []).filter { $0.string("NetworkAclId") != defaultOmitted?.string("NetworkAclId") }
            .sorted { (names.name("acl", $0.string("NetworkAclId") ?? "") ?? "") < (names.name("acl", $1.string("NetworkAclId") ?? "") ?? "") }
        if let d = defaultOmitted, let id = d.string("NetworkAclId") {
            body.comment(0, "\(id) from \(d.src.name): the default network ACL with AWS's default rules; netsim adds the same")
            count("network ACLs")
        }
        guard !acls.isEmpty else { return }
        body.line(0, "networkAcls:")
        for a in acls {
            guard let id = a.string("NetworkAclId") else { continue }
            count("network ACLs")
            body.comment(2, a.cite(id))
            body.line(2, "- name: " + Self.s(names.name("acl", id) ?? id))
            if Self.idOK(id) { body.line(4, "id: " + Self.s(id)) }
            if a.o.bool("IsDefault") ?? false { body.line(4, "default: true") }
            for egress in [false, true] {
                var lines: [(Int, String)] = []
                for e in a.o.objects("Entries") where (e.bool("Egress") ?? false) == egress {
                    let item = Item(o: e, src: a.src)
                    guard let n = e.int("RuleNumber") else { badValue("network ACL \(id): an entry without RuleNumber", item); continue }
                    if Self.isStarRule(n) { continue }   // the `*` rules every ACL ends with
                    guard (1...32766).contains(n) else { badValue("network ACL \(id): rule number \(n) is outside 1–32766", item); continue }
                    let proto = Self.protocolName(e.string("Protocol") ?? "-1")
                    let (pf, pt) = proto == "icmp" || proto == "icmpv6" ? (e.object("IcmpTypeCode")?.int("Type"), e.object("IcmpTypeCode")?.int("Code"))
                        : (e.object("PortRange")?.int("From"), e.object("PortRange")?.int("To"))
                    if Self.unreadableNumber(e.object("PortRange"), ["From", "To"]) || Self.unreadableNumber(e.object("IcmpTypeCode"), ["Type", "Code"]) {
                        badValue("network ACL \(id) rule \(n): a port or ICMP value is not a whole number AWS has", item); continue
                    }
                    guard Self.portsInRange(proto, from: pf, to: pt) else { badValue("network ACL \(id) rule \(n): ports or ICMP type/code out of range", item); continue }
                    var p: Pairs = [("rule", "\(n)"), ("protocol", proto)]
                    if proto == "tcp" || proto == "udp" { p += Self.portPairs(proto, from: e.object("PortRange")?.int("From"), to: e.object("PortRange")?.int("To")) }
                    if proto == "icmp" || proto == "icmpv6" { p += Self.portPairs(proto, from: e.object("IcmpTypeCode")?.int("Type"), to: e.object("IcmpTypeCode")?.int("Code")) }
                    if let c = e.string("CidrBlock") {
                        guard Self.isIPv4CIDR(c) else { badValue("network ACL \(id) rule \(n): \(Echo.clip(c)) is not an IPv4 CIDR", item); continue }
                        p.append(("cidr", Self.s(c)))
                    } else if let c = e.string("Ipv6CidrBlock") {
                        guard Self.isIPv6CIDR(c) else { badValue("network ACL \(id) rule \(n): \(Echo.clip(c)) is not an IPv6 CIDR", item); continue }
                        p.append(("ipv6Cidr", Self.s(c)))
                    } else { badValue("network ACL \(id) rule \(n) has no CIDR", item); continue }
                    let action = (e.string("RuleAction") ?? "").lowercased()
                    guard action == "allow" || action == "deny" else { badValue("network ACL \(id) rule \(n): action \(Echo.clip(action)) is neither allow nor deny", item); continue }
                    p.append(("action", action))
                    lines.append((n, YAMLText.flow(p)))
                }
                lines.sort { $0.0 < $1.0 }
                if !lines.isEmpty {
                    body.line(4, egress ? "outbound:" : "inbound:")
                    for l in lines { body.line(6, "- " + l.1) }
                }
            }
        }
    }

    // MARK: endpoints

    static let defaultEndpointPolicy = "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}"

    mutating func emitEndpoints(_ v: String, _ inv: Inventory, _ body: inout TextOut) {
        let all = (inv.endpoints[v] ?? []).sorted { ($0.string("VpcEndpointId") ?? "") < ($1.string("VpcEndpointId") ?? "") }
        var gateway: [(String, String)] = [], interface: [(String, String)] = []
        for e in all {
            guard let id = e.string("VpcEndpointId") else { continue }
            let type = (e.string("VpcEndpointType") ?? "").lowercased()
            let service = e.string("ServiceName") ?? ""
            let prefix = "com.amazonaws.\(region)."
            if type == "gateway" {
                let short = service.hasPrefix(prefix) ? String(service.dropFirst(prefix.count)) : service
                guard short == "s3" || short == "dynamodb" else { skip("gateway endpoint", id, e, "service \(Echo.clip(service)) is neither S3 nor DynamoDB of \(region)"); continue }
                // Its prefix list: the AWS-managed list of the service, by name, else the one its routes use.
                var pl = inv.prefixLists.first { $0.string("PrefixListName") == service }?.string("PrefixListId")
                if pl == nil {
                    for rt in inv.routeTables[v] ?? [] { for r in rt.o.objects("Routes") where r.string("GatewayId") == id { pl = pl ?? r.string("DestinationPrefixListId") } }
                }
                guard let plID = pl, let plName = names.name("pl", plID) else {
                    skip("gateway endpoint", id, e, "its prefix list is not in the folder (collect ec2-describe-managed-prefix-lists.json)"); continue
                }
                var p: Pairs = [("name", Self.s(names.name("target", id) ?? id)), Self.idPair(id), ("service", short), ("prefixList", Self.s(plName))]
                let tables = e.o.array("RouteTableIds").compactMap(\.string).compactMap { names.name("rtb", $0) }.sorted()
                if !tables.isEmpty { p.append(("routeTables", YAMLText.list(tables))) }
                gateway.append((e.cite(id), "- " + YAMLText.flow(p)))
                count("gateway endpoints")
            } else if type == "interface" {
                guard service.hasPrefix(prefix) else { skip("interface endpoint", id, e, "service \(Echo.clip(service)) is not an AWS service of \(region) (PrivateLink to other services is not modelled)"); continue }
                var p: Pairs = [("name", Self.s(names.name("iep", id) ?? id)), Self.idPair(id), ("service", Self.s(String(service.dropFirst(prefix.count))))]
                var subnets: [String] = []
                for s in e.o.array("SubnetIds").compactMap(\.string) {
                    if let n = names.name("subnet", s) { subnets.append(n) } else { dangling("interface endpoint \(id) names subnet \(s), which the folder does not hold", e) }
                }
                guard !subnets.isEmpty else { skip("interface endpoint", id, e, "none of its subnets is in the folder"); continue }
                p.append(("subnets", YAMLText.list(subnets.sorted())))
                let groups = e.o.objects("Groups").compactMap { $0.string("GroupId") }.compactMap { names.name("sg", $0) }.sorted()
                if !groups.isEmpty && groups != ["default"] { p.append(("securityGroups", YAMLText.list(groups))) }
                if !(e.o.bool("PrivateDnsEnabled") ?? false) { p.append(("privateDns", "false")) }
                if let doc = e.string("PolicyDocument"), Self.compact(doc) != Self.defaultEndpointPolicy, doc.count <= 20_480 { p.append(("policy", Self.s(doc))) }
                interface.append((e.cite(id), "- " + YAMLText.flow(p)))
                count("interface endpoints")
            } else {
                skip("VPC endpoint", id, e, "type \(Echo.clip(type)) (Gateway Load Balancer endpoints and others are not modelled)")
            }
        }
        if !gateway.isEmpty { body.line(0, "gatewayEndpoints:"); for (c, l) in gateway { body.comment(2, c); body.line(2, l) } }
        if !interface.isEmpty { body.line(0, "interfaceEndpoints:"); for (c, l) in interface { body.comment(2, c); body.line(2, l) } }
    }

    /// JSON text without white space outside strings (to compare policies).
    static func compact(_ s: String) -> String {
        var out = "", inString = false, escaped = false
        for c in s {
            if inString {
                out.append(c)
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
            } else if c == "\"" { inString = true; out.append(c) }
            else if !c.isWhitespace { out.append(c) }
        }
        return out
    }

    // MARK: network interfaces

    mutating func emitInterfaces(_ v: String, _ inv: Inventory, _ plan: Plan, _ body: inout TextOut) {
        let list = (plan.interfaces[v] ?? []).sorted { (names.name("target", $0.id) ?? "") < (names.name("target", $1.id) ?? "") }
        var lines: [(String, String)] = []
        for i in list {
            let src = i.eni ?? i.instance
            guard let item = src else { continue }
            // From the ENI when the folder has it, else from the instance.
            let subnet = i.eni?.string("SubnetId") ?? i.instance?.string("SubnetId")
            guard let sub = subnet, let sn = names.name("subnet", sub) else {
                dangling("network interface \(i.id) is in subnet \(subnet ?? "?"), which the folder does not hold", item); skip("network interface", i.id, item, "its subnet is not in the folder"); continue
            }
            var p: Pairs = [("name", Self.s(names.name("target", i.id) ?? i.id)), Self.idPair(i.id), ("subnet", Self.s(sn))]
            if let ip = i.eni?.string("PrivateIpAddress") ?? i.instance?.string("PrivateIpAddress"), Self.isIPv4(ip) {
                if Self.usable(ip, in: inv.subnetByID[sub]) { p.append(("privateIp", ip)) }
                else { badValue("network interface \(i.id): its address \(ip) is not a usable address of subnet \(sub); netsim chooses one", item) }
            }
            if let pub = i.eni?.o.object("Association")?.string("PublicIp") ?? i.instance?.string("PublicIpAddress"), Self.isIPv4(pub) { p.append(("publicIp", pub)) }
            let groupObjects = i.eni?.o.objects("Groups") ?? i.instance?.o.objects("SecurityGroups") ?? []
            var groups: [String] = []
            for g in groupObjects.compactMap({ $0.string("GroupId") }) {
                if let n = names.name("sg", g) { groups.append(n) } else { dangling("network interface \(i.id) carries security group \(g), which the folder does not hold", item) }
            }
            if !groups.isEmpty { p.append(("securityGroups", YAMLText.list(groups.sorted()))) }
            let sdc = i.eni?.o.bool("SourceDestCheck") ?? i.instance?.o.bool("SourceDestCheck") ?? true
            if !sdc { p.append(("sourceDestCheck", "false")) }
            if let v6 = i.eni?.o.objects("Ipv6Addresses").first?.string("Ipv6Address"), IPv6Address(v6) != nil { p.append(("ipv6Address", Self.s(v6))) }
            if let eni = i.eni {
                // One address per family is what the format holds for an interface: say what is left out.
                let more4 = max(0, eni.o.objects("PrivateIpAddresses").count - 1), prefixes = eni.o.objects("Ipv4Prefixes").count + eni.o.objects("Ipv6Prefixes").count
                let more6 = max(0, eni.o.objects("Ipv6Addresses").count - 1)
                let parts = [(more4, "secondary private IPv4 address"), (prefixes, "delegated prefix"), (more6, "further IPv6 address")].filter { $0.0 > 0 }.map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "es")" }
                if !parts.isEmpty { skip("network interface addresses", i.id, item, parts.joined(separator: ", ") + " (the interface is written with its primary address only)") }
            }
            var cite = i.eni.map { $0.cite(i.id) } ?? "\(i.id) from \(item.src.name)"
            if let inst = i.instance?.string("InstanceId") {
                let type = i.instance?.string("InstanceType").map { ", \($0)" } ?? ""
                cite += " (instance \(inst)\(type)\(plan.instanceInterface[inst] == i.id ? ", its primary interface" : ""))"
            }
            lines.append((cite, "- " + YAMLText.flow(p)))
            count("network interfaces")
        }
        if !lines.isEmpty { body.line(0, "networkInterfaces:"); for (c, l) in lines { body.comment(2, c); body.line(2, l) } }
    }
}
