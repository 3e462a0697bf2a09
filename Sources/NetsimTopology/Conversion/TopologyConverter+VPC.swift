import NetsimModel
import Yams

extension TopologyConverter {
    // MARK: values

    func cidr4(_ text: String, at location: SourceLocation, what: String, strict: Bool = true) -> IPv4CIDR? {
        guard let parsed = IPv4CIDR.parse(text) else {
            reporter.error(.invalidCIDR, "\(what) '\(echo: text)' is not an IPv4 CIDR block", at: location,
                           hint: "write it as address/prefix, e.g. 10.0.0.0/16")
            return nil
        }
        if parsed.hostBitsSet {
            let message = "\(what) '\(echo: text)' has host bits set; the block is \(parsed.cidr)"
            if strict {
                reporter.error(.cidrHostBits, message, at: location, hint: "write '\(echo: parsed.cidr)'")
                return nil
            }
            reporter.warning(.cidrHostBits, message, at: location, hint: "AWS stores it as '\(echo: parsed.cidr)'; write that")
        }
        return parsed.cidr
    }

    func cidr6(_ text: String, at location: SourceLocation, what: String) -> IPv6CIDR? {
        guard let parsed = IPv6CIDR.parse(text) else {
            reporter.error(.invalidCIDR, "\(what) '\(echo: text)' is not an IPv6 CIDR block", at: location,
                           hint: "write it as address/prefix, e.g. 2600:1f18:abcd::/56")
            return nil
        }
        if parsed.hostBitsSet {
            reporter.warning(.cidrHostBits, "\(what) '\(echo: text)' has host bits set; the block is \(parsed.cidr)", at: location)
        }
        return parsed.cidr
    }

    func address4(_ r: MappingReader, _ key: String, what: String) -> IPv4Address? {
        guard let (text, loc) = r.locatedString(key) else { return nil }
        guard let a = IPv4Address(text) else {
            reporter.error(.invalidAddress, "\(what) '\(echo: text)' is not an IPv4 address", at: loc,
                           hint: "write four decimal octets, e.g. 10.0.64.10")
            return nil
        }
        return a
    }

    /// `ports: 443`, `ports: "8080-8090"` or `ports: all`.
    func ports(_ r: MappingReader, key: String = "ports") -> PortRange? {
        guard let n = r.node(key) else { return nil }
        let loc = n.location(in: file)
        guard case .scalar(let s) = n else {
            reporter.error(.wrongType, "'\(echo: key)' of \(r.context) must be a port or a range such as 8080-8090, found \(n.kindDescription)", at: loc)
            return nil
        }
        if s.string == "all" || s.string == "-1" { return .all }
        guard let range = PortRange(parsing: s.string) else {
            reporter.error(.invalidPort, "'\(echo: s.string)' is not a port or port range", at: loc,
                           hint: "ports run 0–65535; write 443 or 8080-8090")
            return nil
        }
        return range
    }

    /// ICMP type and code (-1 = any); a code without a type is refused, as the EC2 API does.
    func icmp(_ r: MappingReader) -> ICMPMatch {
        let type = r.int("icmpType", range: -1...255, code: .icmpTypeCode)
        let code = r.int("icmpCode", range: -1...255, code: .icmpTypeCode)
        if (type == nil || type == -1), let code, code != -1 {
            reporter.error(.icmpTypeCode, "ICMP code \(code) is given without an ICMP type", at: r.valueLocation("icmpCode"),
                           hint: "set icmpType too, or drop icmpCode")
        }
        return ICMPMatch(type: type.flatMap { $0 < 0 ? nil : UInt8($0) }, code: code.flatMap { $0 < 0 ? nil : UInt8($0) })
    }

    func ipProtocol(_ r: MappingReader, required: Bool = true, default value: IPProtocol? = nil) -> IPProtocol? {
        guard let text = r.string("protocol", required: required && value == nil) else { return value }
        guard let p = IPProtocol(parsing: text) else {
            reporter.error(.invalidValue, "protocol '\(echo: text)' is not known", at: r.valueLocation("protocol"),
                           hint: "use all, tcp, udp, icmp, icmpv6 or a protocol number 0–255 (-1 means all)")
            return nil
        }
        return p
    }

    func tags(_ r: MappingReader, key: String = "tags") -> [NetsimModel.Tag] {
        r.stringMap(key).map { NetsimModel.Tag($0.key, $0.value) }
    }

    // MARK: VPC

    func convertVPC(_ node: Node, context: String) -> VPC? {
        guard let r = MappingReader.make(node, file: file, context: context, reporter: reporter) else { return nil }
        let name = r.string("name") ?? (context == "vpc" ? "vpc" : context)
        define(.vpc, name, at: r.location)
        let id = makeID("vpc", name, given: r.string("id"), at: r.valueLocation("id"))
        var blocks: [IPv4CIDR] = []
        let blockItems = r.stringList("cidrBlocks")
        if !r.has("cidrBlocks") { r.missing("cidrBlocks", hint: "e.g. cidrBlocks: [10.0.0.0/16]") }
        for (text, loc) in blockItems {
            guard let c = cidr4(text, at: loc, what: "VPC CIDR block") else { continue }
            if c.prefixLength < 16 || c.prefixLength > 28 {
                reporter.error(.cidrSize, "VPC CIDR block \(c) is a /\(c.prefixLength); AWS allows /16 to /28", at: loc,
                               hint: "split it into /16 blocks, or use a smaller block")
                continue
            }
            locations["vpcblock:\(name):\(c)"] = loc
            blocks.append(c)
        }
        let v6 = r.stringList("ipv6CidrBlocks").compactMap { item -> IPv6CIDR? in
            guard let c = cidr6(item.0, at: item.1, what: "IPv6 CIDR block") else { return nil }
            locations["vpc6:\(name):\(c)"] = item.1
            return c
        }
        var vpc = VPC(name: name, id: id, cidrBlocks: blocks, ipv6CidrBlocks: v6, tags: tags(r), location: r.location)
        vpc.subnets = (r.list("subnets") ?? []).compactMap { convertSubnet($0, vpc: name) }
        if let n = r.node("internetGateway") { vpc.internetGateway = convertGateway(n, kind: .internetGateway, prefix: "igw", vpc: name) }
        if let n = r.node("egressOnlyInternetGateway") {
            vpc.egressOnlyInternetGateway = convertGateway(n, kind: .egressOnlyInternetGateway, prefix: "eigw", vpc: name)
        }
        vpc.natGateways = (r.list("natGateways") ?? []).compactMap { convertNAT($0, vpc: name) }
        vpc.routeTables = (r.list("routeTables") ?? []).compactMap { convertRouteTable($0, vpc: name) }
        vpc.securityGroups = (r.list("securityGroups") ?? []).compactMap { convertSecurityGroup($0, vpc: name, ipv6: !v6.isEmpty) }
        vpc.networkACLs = (r.list("networkAcls") ?? []).compactMap { convertNACL($0, vpc: name) }
        vpc.gatewayEndpoints = (r.list("gatewayEndpoints") ?? []).compactMap { convertEndpoint($0, vpc: name) }
        vpc.networkInterfaces = (r.list("networkInterfaces") ?? []).compactMap { convertENI($0, vpc: name) }
        convertInterfaceEndpoints(r, into: &vpc)
        vpc.vpnGateway = convertVPNGateway(r, vpc: name)
        r.finish()
        return vpc
    }

    func convertSubnet(_ node: Node, vpc: String) -> Subnet? {
        guard let r = MappingReader.make(node, file: file, context: "a subnet", reporter: reporter) else { return nil }
        let givenName = r.string("name", required: true)
        let name = givenName ?? "?"
        let ctx = givenName == nil ? "a subnet" : "subnet '\(echo: name)'"
        r.context = ctx
        if givenName != nil { define(.subnet, name, vpc: vpc, at: r.location) }
        let zone = r.string("zone", required: true) ?? ""
        if !zone.isEmpty && !(zone.hasPrefix(region) && zone.count > region.count) {
            reporter.error(.invalidValue, "zone '\(echo: zone)' is not in region \(region)", at: r.valueLocation("zone"),
                           hint: "zones of \(region) read \(region)a, \(region)b, …")
        }
        let cidrText = r.locatedString("cidr", required: true)
        var cidr: IPv4CIDR? = nil
        if let (text, loc) = cidrText {
            cidr = cidr4(text, at: loc, what: "subnet CIDR")
            if let c = cidr, c.prefixLength < 16 || c.prefixLength > 28 {
                reporter.error(.cidrSize, "subnet CIDR \(c) is a /\(c.prefixLength); AWS allows /16 to /28", at: loc)
                cidr = nil
            }
        }
        let v6 = r.locatedString("ipv6Cidr").flatMap { cidr6($0.0, at: $0.1, what: "subnet IPv6 CIDR") }
        let rt = r.locatedString("routeTable")
        if let (n, loc) = rt { reference(.routeTable, n, vpc: vpc, at: loc, from: ctx) }
        let acl = r.locatedString("networkAcl")
        if let (n, loc) = acl { reference(.networkACL, n, vpc: vpc, at: loc, from: ctx) }
        let id = makeID("subnet", name, given: r.string("id"), at: r.valueLocation("id"))
        var subnet = Subnet(name: name, id: id, zone: zone, cidr: cidr ?? IPv4CIDR.any, ipv6Cidr: v6,
                            routeTable: rt?.0, networkACL: acl?.0,
                            mapPublicIpOnLaunch: r.bool("mapPublicIpOnLaunch") ?? false, tags: tags(r),
                            location: r.location)
        subnet.assignIpv6AddressOnCreation = r.bool("assignIpv6AddressOnCreation") ?? false
        if subnet.assignIpv6AddressOnCreation { locations["subnet6assign:\(vpc)/\(name)"] = r.valueLocation("assignIpv6AddressOnCreation") }
        if v6 != nil { locations["subnet6:\(vpc)/\(name)"] = r.valueLocation("ipv6Cidr") }
        r.finish()
        return cidr == nil || givenName == nil ? nil : subnet
    }

    func convertGateway(_ node: Node, kind: Kind, prefix: String, vpc: String) -> InternetGateway? {
        guard let r = MappingReader.make(node, file: file, context: "the \(kind.rawValue)", reporter: reporter) else { return nil }
        let name = r.string("name") ?? prefix
        define(kind, name, vpc: vpc, at: r.location)
        let id = makeID(prefix, name, given: r.string("id"), at: r.valueLocation("id"))
        r.finish()
        return InternetGateway(name: name, id: id, location: r.location)
    }

    func convertNAT(_ node: Node, vpc: String) -> NATGateway? {
        guard let r = MappingReader.make(node, file: file, context: "a NAT gateway", reporter: reporter),
              let name = r.string("name", required: true) else { return nil }
        define(.natGateway, name, vpc: vpc, at: r.location)
        let subnet = r.locatedString("subnet", required: true)
        if let (s, loc) = subnet { reference(.subnet, s, vpc: vpc, at: loc, from: "NAT gateway '\(echo: name)'") }
        let connectivity = r.choice("connectivity", NATGateway.Connectivity.self) ?? .public
        let nat = NATGateway(name: name, id: makeID("nat", name, given: r.string("id"), at: r.valueLocation("id")),
                             subnet: subnet?.0 ?? "", connectivity: connectivity,
                             privateIP: address4(r, "privateIp", what: "privateIp"),
                             publicIP: address4(r, "publicIp", what: "publicIp"), location: r.location)
        if nat.privateIP != nil { locations["nat-ip:\(name)"] = r.valueLocation("privateIp") }
        if connectivity == .private, nat.publicIP != nil {
            reporter.error(.invalidValue, "private NAT gateway '\(echo: name)' cannot have a public IP", at: r.valueLocation("publicIp"),
                           hint: "drop publicIp, or make it connectivity: public")
        }
        r.finish()
        return nat
    }

    func convertRouteTable(_ node: Node, vpc: String) -> RouteTable? {
        guard let r = MappingReader.make(node, file: file, context: "a route table", reporter: reporter),
              let name = r.string("name", required: true) else { return nil }
        define(.routeTable, name, vpc: vpc, at: r.location)
        let ctx = "route table '\(echo: name)'"
        var routes: [Route] = []
        var pending: [(Int, String, SourceLocation)] = []
        for item in r.list("routes") ?? [] {
            guard let rr = MappingReader.make(item, file: file, context: "a route of \(ctx)", reporter: reporter) else { continue }
            var destination: Route.Destination? = nil
            if let (d, loc) = rr.locatedString("destination") {
                if d.contains(":") { destination = cidr6(d, at: loc, what: "route destination").map { .ipv6($0) } }
                else { destination = cidr4(d, at: loc, what: "route destination").map { .ipv4($0) } }
            }
            if let (pl, loc) = rr.locatedString("prefixList") {
                if destination != nil {
                    reporter.error(.invalidValue, "a route has either 'destination' or 'prefixList', not both", at: loc)
                }
                reference(.prefixList, pl, at: loc, from: ctx)
                destination = .prefixList(pl)
            }
            if destination == nil && !rr.has("destination") && !rr.has("prefixList") {
                rr.missing("destination", hint: "a CIDR such as 0.0.0.0/0, or prefixList: NAME")
            }
            let target = rr.locatedString("target", required: true)
            rr.finish()
            guard let destination, let (t, tloc) = target else { continue }
            switch t {
            case "local": routes.append(Route(destination: destination, target: .local, location: rr.location))
            case "blackhole": routes.append(Route(destination: destination, target: .blackhole, location: rr.location))
            default:
                pending.append((routes.count, t, tloc))
                routes.append(Route(destination: destination, target: .blackhole, location: rr.location))
            }
        }
        var table = RouteTable(name: name, id: makeID("rtb", name, given: r.string("id"), at: r.valueLocation("id")),
                               isMain: r.bool("main") ?? false, routes: routes, location: r.location)
        table.propagatingVgws = readPropagatingVgws(r, vpc: vpc, table: name)
        r.finish()
        pendingRouteTargets.append(contentsOf: pending.map { (vpc, name, $0.0, $0.1, $0.2) })
        return table
    }

    func convertSecurityGroup(_ node: Node, vpc: String, ipv6: Bool) -> SecurityGroup? {
        guard let r = MappingReader.make(node, file: file, context: "a security group", reporter: reporter),
              let name = r.string("name", required: true) else { return nil }
        define(.securityGroup, name, vpc: vpc, at: r.location)
        let ctx = "security group '\(echo: name)'"
        func rules(_ key: String, peerKey: String) -> [SecurityGroupRule] {
            (r.list(key) ?? []).compactMap { convertSGRule($0, ctx: "\(key) rule of \(ctx)", peerKey: peerKey, vpc: vpc) }
        }
        let ingress = rules("ingress", peerKey: "from")
        var egress = rules("egress", peerKey: "to")
        if !r.has("egress") {
            // A new security group has one outbound rule allowing everything (AWS CreateSecurityGroup).
            egress = [SecurityGroupRule(ipProtocol: .all, peer: .cidr(.any), description: "default egress", location: r.location)]
            if ipv6, let any6 = IPv6CIDR("::/0") {
                egress.append(SecurityGroupRule(ipProtocol: .all, peer: .ipv6Cidr(any6), description: "default egress", location: r.location))
            }
        }
        if ingress.count > 60 || egress.count > 60 {
            reporter.warning(.ruleQuota, "\(ctx) has \(max(ingress.count, egress.count)) rules in one direction; the default quota is 60",
                             at: r.location, hint: "request a quota increase, or merge rules with prefix lists")
        }
        let sg = SecurityGroup(name: name, id: makeID("sg", name, given: r.string("id"), at: r.valueLocation("id")),
                               description: r.string("description") ?? "", ingress: ingress, egress: egress,
                               tags: tags(r), location: r.location)
        r.finish()
        return sg
    }

    /// A referenced group may live in a peered VPC (same region), so the reference prefers this
    /// VPC's group of that name but accepts another VPC's; whether traffic can use it is the
    /// evaluator's question.
    func convertSGRule(_ node: Node, ctx: String, peerKey: String, vpc: String) -> SecurityGroupRule? {
        guard let r = MappingReader.make(node, file: file, context: "an \(ctx)", reporter: reporter) else { return nil }
        defer { r.finish() }
        let description = r.string("description") ?? ""
        let proto = ipProtocol(r)
        let portRange = ports(r)
        let icmpMatch = icmp(r)
        if let proto, !proto.hasPorts, let portRange, !portRange.isAll {
            reporter.warning(.portsIgnored, "ports \(portRange) are ignored for protocol \(proto)", at: r.valueLocation("ports"),
                             hint: "ports apply only to tcp and udp; AWS ignores them for \(proto == .all ? "all-protocol" : proto.description) rules, so drop 'ports'")
        }
        guard let peerReader = r.mapping(peerKey, context: "'\(echo: peerKey)' of an \(ctx)", required: true) else { return nil }
        defer { peerReader.finish() }
        var peers: [SecurityGroupRule.Peer] = []
        if let (c, loc) = peerReader.locatedString("cidr"), let v = cidr4(c, at: loc, what: "rule CIDR", strict: false) { peers.append(.cidr(v)) }
        if let (c, loc) = peerReader.locatedString("ipv6Cidr"), let v = cidr6(c, at: loc, what: "rule IPv6 CIDR") { peers.append(.ipv6Cidr(v)) }
        if let (p, loc) = peerReader.locatedString("prefixList") {
            reference(.prefixList, p, at: loc, from: ctx); peers.append(.prefixList(p))
        }
        if let (g, loc) = peerReader.locatedString("securityGroup") {
            reference(.securityGroup, g, vpc: vpc, crossVPC: true, at: loc, from: ctx); peers.append(.securityGroup(g))
        }
        let present = ["cidr", "ipv6Cidr", "prefixList", "securityGroup"].filter(peerReader.has)
        if present.count != 1 {
            reporter.error(present.isEmpty ? .missingKey : .invalidValue,
                           present.isEmpty ? "'\(echo: peerKey)' names no peer" : "'\(echo: peerKey)' names \(present.count) peers; a rule has exactly one",
                           at: peerReader.location, hint: "use one of cidr, ipv6Cidr, prefixList or securityGroup; write one rule per peer")
            return nil
        }
        guard let proto, let peer = peers.first else { return nil }
        return SecurityGroupRule(ipProtocol: proto, ports: proto.hasPorts ? (portRange ?? .all) : .all, icmp: icmpMatch,
                                 peer: peer, description: description, location: r.location)
    }

    func convertNACL(_ node: Node, vpc: String) -> NetworkACL? {
        guard let r = MappingReader.make(node, file: file, context: "a network ACL", reporter: reporter),
              let name = r.string("name", required: true) else { return nil }
        define(.networkACL, name, vpc: vpc, at: r.location)
        let ctx = "network ACL '\(echo: name)'"
        func rules(_ key: String) -> [NetworkACLRule] {
            var seen: [Int: SourceLocation] = [:]
            var out: [NetworkACLRule] = []
            for item in r.list(key) ?? [] {
                guard let rr = MappingReader.make(item, file: file, context: "an \(key) rule of \(ctx)", reporter: reporter) else { continue }
                let number = rr.int("rule", required: true, range: 1...32766, code: .naclRuleNumberRange)
                let proto = ipProtocol(rr)
                let action = rr.choice("action", NetworkACLRule.Action.self, required: true)
                var block: NetworkBlock? = nil
                if let (c, loc) = rr.locatedString("cidr") { block = cidr4(c, at: loc, what: "rule CIDR", strict: false).map { .v4($0) } }
                if let (c, loc) = rr.locatedString("ipv6Cidr") { block = cidr6(c, at: loc, what: "rule IPv6 CIDR").map { .v6($0) } }
                if !rr.has("cidr") && !rr.has("ipv6Cidr") { rr.missing("cidr", hint: "e.g. cidr: 0.0.0.0/0") }
                let p = ports(rr)
                let i = icmp(rr)
                rr.finish()
                if let proto, !proto.hasPorts, let p, !p.isAll {
                    reporter.warning(.portsIgnored, "ports \(p) are ignored for protocol \(proto)", at: rr.valueLocation("ports"),
                                     hint: "ports apply only to tcp and udp; AWS ignores them for \(proto == .all ? "all-protocol" : proto.description) rules, so drop 'ports'")
                }
                guard let number else { continue }
                if let first = seen[number] {
                    reporter.error(.naclRuleNumberRepeated, "\(key) rule \(number) of \(ctx) is numbered twice",
                                   at: rr.valueLocation("rule"), hint: "each rule number appears once per direction",
                                   notes: [Diagnostic.Note("first used here", at: first)])
                    continue
                }
                seen[number] = rr.valueLocation("rule")
                guard let proto, let action, let block else { continue }
                out.append(NetworkACLRule(number: number, ipProtocol: proto, action: action, block: block,
                                          ports: proto.hasPorts ? (p ?? .all) : .all, icmp: i, location: rr.location))
            }
            if out.count > 20 {
                reporter.warning(.ruleQuota, "\(ctx) has \(out.count) \(key) rules; the default quota is 20 per direction",
                                 at: r.location, hint: "the quota can be raised to 40")
            }
            return out
        }
        let acl = NetworkACL(name: name, id: makeID("acl", name, given: r.string("id"), at: r.valueLocation("id")),
                             isDefault: r.bool("default") ?? false, inbound: rules("inbound"), outbound: rules("outbound"),
                             location: r.location)
        r.finish()
        return acl
    }

    func convertEndpoint(_ node: Node, vpc: String) -> GatewayEndpoint? {
        guard let r = MappingReader.make(node, file: file, context: "a gateway endpoint", reporter: reporter),
              let name = r.string("name", required: true) else { return nil }
        define(.gatewayEndpoint, name, vpc: vpc, at: r.location)
        let ctx = "gateway endpoint '\(echo: name)'"
        let service = r.string("service", required: true, hint: "s3 or dynamodb") ?? ""
        if !service.isEmpty && !["s3", "dynamodb"].contains(service) {
            reporter.error(.invalidValue, "gateway endpoints serve s3 or dynamodb, not '\(echo: service)'", at: r.valueLocation("service"))
        }
        let pl = r.locatedString("prefixList", required: true)
        if let (p, loc) = pl { reference(.prefixList, p, at: loc, from: ctx) }
        let tables = r.stringList("routeTables")
        for (t, loc) in tables { reference(.routeTable, t, vpc: vpc, at: loc, from: ctx) }
        let id = makeID("vpce", name, given: r.string("id"), at: r.valueLocation("id"))
        r.finish()
        return GatewayEndpoint(name: name, id: id, service: service,
                               prefixList: pl?.0 ?? "", routeTables: tables.map(\.0), location: r.location)
    }

    func convertENI(_ node: Node, vpc: String) -> NetworkInterface? {
        guard let r = MappingReader.make(node, file: file, context: "a network interface", reporter: reporter),
              let name = r.string("name", required: true) else { return nil }
        define(.networkInterface, name, vpc: vpc, at: r.location)
        let ctx = "network interface '\(echo: name)'"
        let subnet = r.locatedString("subnet", required: true)
        if let (s, loc) = subnet { reference(.subnet, s, vpc: vpc, at: loc, from: ctx) }
        let sgs = r.stringList("securityGroups")
        for (g, loc) in sgs { reference(.securityGroup, g, vpc: vpc, at: loc, from: ctx) }
        var eni = NetworkInterface(name: name, id: makeID("eni", name, given: r.string("id"), at: r.valueLocation("id")),
                                   subnet: subnet?.0 ?? "", privateIP: address4(r, "privateIp", what: "privateIp"),
                                   publicIP: address4(r, "publicIp", what: "publicIp"), securityGroups: sgs.map(\.0),
                                   sourceDestCheck: r.bool("sourceDestCheck") ?? true, location: r.location)
        eni.stateful = r.bool("stateful") ?? false
        if r.has("stateful") { locations["eni-stateful:\(name)"] = r.valueLocation("stateful") }
        if eni.privateIP != nil { locations["eni-ip:\(name)"] = r.valueLocation("privateIp") }
        if let (text, loc) = r.locatedString("ipv6Address") {
            if let a = IPv6Address(text) {
                eni.ipv6Address = a
                locations["eni-ip6:\(name)"] = loc
            } else {
                reporter.error(.invalidAddress, "ipv6Address '\(echo: text)' is not an IPv6 address", at: loc,
                               hint: "write an address of the subnet's IPv6 block, e.g. 2600:1f18:abcd:100::10")
            }
        }
        r.finish()
        return eni
    }

    func convertPrefixList(_ node: Node, index: Int) -> PrefixList? {
        guard let r = MappingReader.make(node, file: file, context: "a prefix list", reporter: reporter),
              let name = r.string("name", required: true) else { return nil }
        define(.prefixList, name, at: r.location)
        var entries: [NetworkBlock] = []
        for (e, loc) in r.stringList("entries") {
            if e.contains(":") { if let c = cidr6(e, at: loc, what: "prefix-list entry") { entries.append(.v6(c)) } }
            else if let c = cidr4(e, at: loc, what: "prefix-list entry", strict: false) { entries.append(.v4(c)) }
        }
        let maxEntries = r.int("maxEntries", range: 1...1000) ?? max(entries.count, 1)
        if entries.count > maxEntries {
            reporter.error(.invalidValue, "prefix list '\(echo: name)' has \(entries.count) entries, over its maxEntries \(maxEntries)",
                           at: r.valueLocation("maxEntries"))
        }
        let id = makeID("pl", name, given: r.string("id"), at: r.valueLocation("id"))
        r.finish()
        return PrefixList(name: name, id: id,
                          entries: entries, maxEntries: maxEntries, location: r.location)
    }

    func convertPeering(_ node: Node) -> PeeringConnection? {
        guard let r = MappingReader.make(node, file: file, context: "a peering connection", reporter: reporter),
              let name = r.string("name", required: true) else { return nil }
        define(.peeringConnection, name, at: r.location)
        let ctx = "peering connection '\(echo: name)'"
        let a = r.locatedString("requesterVpc", required: true)
        let b = r.locatedString("accepterVpc", required: true)
        for (v, loc) in [a, b].compactMap({ $0 }) { reference(.vpc, v, at: loc, from: ctx) }
        if let a, let b, a.0 == b.0 {
            reporter.error(.invalidValue, "\(ctx) peers VPC '\(echo: a.0)' with itself", at: b.1)
        }
        let id = makeID("pcx", name, given: r.string("id"), at: r.valueLocation("id"))
        r.finish()
        return PeeringConnection(name: name, id: id,
                                 requesterVPC: a?.0 ?? "", accepterVPC: b?.0 ?? "", location: r.location)
    }

    func convertTransitGateway(_ node: Node, vpcs: [VPC] = []) -> TransitGateway? {
        guard let r = MappingReader.make(node, file: file, context: "a transit gateway", reporter: reporter),
              let name = r.string("name", required: true) else { return nil }
        checkTGWName(name, what: "a transit gateway", at: r.valueLocation("name"))
        define(.transitGateway, name, at: r.location)
        let ctx = "transit gateway '\(echo: name)'"
        if tgwUsesTables(r, context: ctx) {
            _ = r.list("vpcAttachments"); _ = r.list("routes")
            let tgw = convertTransitGatewayTables(r, name: name, context: ctx, vpcs: vpcs)
            r.finish()
            return tgw
        }
        var attachments: [(String, SourceLocation)] = []
        var attachmentSubnets: [String: [String]] = [:]
        for item in r.list("vpcAttachments") ?? [] {
            if case .mapping = item {
                guard let ar = MappingReader.make(item, file: file, context: "a VPC attachment of \(ctx)", reporter: reporter) else { continue }
                defer { ar.finish() }
                guard let (v, loc) = ar.locatedString("vpc", required: true) else { continue }
                reference(.vpc, v, at: loc, from: ctx)
                attachments.append((v, loc))
                let named = ar.stringList("subnets")
                if ar.has("subnets") && named.isEmpty {
                    reporter.error(.invalidValue, "the attachment of VPC '\(echo: v)' to \(ctx) lists no subnets", at: ar.valueLocation("subnets"),
                                   hint: "name one subnet per zone the attachment serves, or leave 'subnets' out for the default (the smallest subnet of each zone)")
                }
                checkAttachmentSubnets(named, vpc: v, vpcs: vpcs, context: ctx)
                if !named.isEmpty { attachmentSubnets[v] = named.map(\.0) }
            } else if let v = MappingReader.scalarString(item, what: "an item of 'vpcAttachments' in \(ctx)", file: file, reporter: reporter) {
                reference(.vpc, v, at: item.location(in: file), from: ctx)
                attachments.append((v, item.location(in: file)))
            }
        }
        var routes: [TransitGateway.Route] = []
        for item in r.list("routes") ?? [] {
            guard let rr = MappingReader.make(item, file: file, context: "a route of \(ctx)", reporter: reporter) else { continue }
            defer { rr.finish() }
            let dest = rr.locatedString("destination", required: true).flatMap { cidr4($0.0, at: $0.1, what: "route destination") }
            var target: TransitGateway.Target? = nil
            if let (v, loc) = rr.locatedString("vpc") { reference(.vpc, v, at: loc, from: ctx); target = .vpc(v) }
            if let (e, loc) = rr.locatedString("external") { reference(.external, e, at: loc, from: ctx); target = .external(e) }
            if rr.bool("blackhole") == true { target = .blackhole }
            if target == nil { rr.missing("vpc", hint: "a transit gateway route leads to vpc: NAME, external: NAME or blackhole: true") }
            if let dest, let target { routes.append(TransitGateway.Route(destination: dest, target: target, location: rr.location)) }
        }
        let id = makeID("tgw", name, given: r.string("id"), at: r.valueLocation("id"))
        r.finish()
        var tgw = TransitGateway(name: name, id: id,
                                 vpcAttachments: attachments.map(\.0), routes: routes, location: r.location)
        tgw.attachmentSubnets = attachmentSubnets
        legacyTables(&tgw)
        warnUnnamedHubAttachments(tgw, attachments: attachments, vpcs: vpcs, context: ctx)
        return tgw
    }

    /// A VPC the transit gateway sends traffic for addresses outside it (a hub: centralized egress
    /// or inspection) routes that traffic onward by its attachment subnet's route table. When the
    /// attachment names no subnets and a zone's subnets have different route tables, the verdict
    /// rests on netsim's default choice (the zone's smallest subnet): say so (NS0508).
    func warnUnnamedHubAttachments(_ tgw: TransitGateway, attachments: [(String, SourceLocation)], vpcs: [VPC], context ctx: String) {
        for (v, loc) in attachments where tgw.attachmentSubnets[v] == nil {
            guard let vpc = vpcs.first(where: { $0.name == v }) else { continue }
            let onward = tgw.routes.filter { route in
                guard case .vpc(let t) = route.target, t == v else { return false }
                return !vpc.cidrBlocks.contains { $0.contains(route.destination.network) && route.destination.prefixLength >= $0.prefixLength }
            }
            guard let first = onward.first else { continue }
            let chosen = tgw.attachmentSubnets(in: vpc).subnets
            var ambiguous: [String] = []
            for subnet in chosen {
                let tables = Set(vpc.subnets.filter { $0.zone == subnet.zone }.compactMap { vpc.routeTable(for: $0)?.name })
                if tables.count > 1 {
                    ambiguous.append("in \(subnet.zone) netsim takes '\(subnet.name)' (route table '\(vpc.routeTable(for: subnet)?.name ?? "?")') of subnets with route tables \(tables.sorted().map { "'\($0)'" }.joined(separator: ", "))")
                }
            }
            guard !ambiguous.isEmpty else { continue }
            reporter.warning(.attachmentSubnetsUnnamed,
                             "\(ctx) sends \(first.destination) to VPC '\(v)', whose attachment names no subnets, so traffic onward from it is routed by the default attachment subnet of each zone: \(ambiguous.joined(separator: "; "))",
                             at: loc,
                             hint: "name the attachment's subnets, one per zone: vpcAttachments: [{vpc: \(v), subnets: [\(chosen.map(\.name).joined(separator: ", "))]}]",
                             notes: [Diagnostic.Note("the route to \(first.destination)", at: first.location)])
        }
    }
}
