import NetsimModel
import Yams

// On-premises edges: a VPC's virtual private gateway, route propagation into its route tables,
// and an external network's link, return routes and firewall.

extension TopologyConverter {
    /// `vpnGateway:` (or `virtualPrivateGateway:`) of a VPC: at most one (AWS attaches one per VPC).
    func convertVPNGateway(_ r: MappingReader, vpc: String) -> VPNGateway? {
        let a = r.node("vpnGateway"), b = r.node("virtualPrivateGateway")
        if a != nil, b != nil {
            reporter.error(.vpnGateway, "VPC '\(echo: vpc)' has both vpnGateway and virtualPrivateGateway; AWS attaches one virtual private gateway per VPC",
                           at: r.keyLocation("virtualPrivateGateway"), hint: "keep one of them (they are two names for the same thing)")
        }
        guard let n = a ?? b,
              let g = MappingReader.make(n, file: file, context: "the virtual private gateway of VPC '\(echo: vpc)'", reporter: reporter) else { return nil }
        let name = g.string("name") ?? "\(vpc)-vgw"
        define(.vpnGateway, name, vpc: vpc, at: g.location)
        let id = makeID("vgw", name, given: g.string("id"), at: g.valueLocation("id"))
        var asn = 64512
        if let v = g.int("amazonSideAsn") {
            // EC2 API CreateVpnGateway, AmazonSideAsn: a private ASN only, 64512–65534 (16-bit) or
            // 4200000000–4294967294 (32-bit); a public ASN is refused.
            if (64_512...65_534).contains(v) || (4_200_000_000...4_294_967_294).contains(v) { asn = v } else {
                reporter.error(.vpnGateway, "amazonSideAsn \(v) is not a private BGP ASN, which AWS requires for a virtual private gateway", at: g.valueLocation("amazonSideAsn"),
                               hint: "use a private ASN (64512–65534 or 4200000000–4294967294); the default is 64512")
            }
        }
        g.finish()
        return VPNGateway(name: name, id: id, amazonSideASN: asn, location: g.location)
    }

    /// `propagatingVgws: [NAME]` of a route table (checked once every gateway is known).
    func readPropagatingVgws(_ r: MappingReader, vpc: String, table: String) -> [String] {
        var out: [String] = []
        for (name, loc) in r.stringList("propagatingVgws") where !out.contains(name) {
            locations["pvgw:\(vpc)/\(table)/\(name)"] = loc
            out.append(name)
        }
        return out
    }

    /// An external network's link to AWS: `connection`, `routing`, `returnRoutes`, `firewall`.
    func readOnPremises(_ r: MappingReader, into e: inout External) {
        let name = e.name
        if r.has("connection") { locations["conn:\(name)"] = r.valueLocation("connection") }
        e.connection = r.choice("connection", External.Connection.self)
        if r.has("routing") { locations["routing:\(name)"] = r.valueLocation("routing") }
        e.routing = r.choice("routing", External.Routing.self) ?? .bgp
        if r.has("returnRoutes") { locations["returnRoutes:\(name)"] = r.keyLocation("returnRoutes") }
        for (text, loc) in r.stringList("returnRoutes") {
            if let c = cidr4(text, at: loc, what: "return route") { e.returnRoutes.append(c) }
        }
        if let fr = r.mapping("firewall", context: "the firewall of external '\(echo: name)'") {
            locations["firewall:\(name)"] = fr.location
            e.firewall = convertFirewall(fr, external: name)
        }
    }

    func convertFirewall(_ r: MappingReader, external: String) -> ExternalFirewall {
        let name = r.string("name") ?? "\(external)-firewall"
        func rules(_ key: String) -> [ExternalFirewall.Rule] {
            var out: [ExternalFirewall.Rule] = []
            for (i, item) in (r.list(key) ?? []).enumerated() {
                guard let rr = MappingReader.make(item, file: file, context: "\(key) rule \(i + 1) of firewall '\(echo: name)'", reporter: reporter) else { continue }
                let action = rr.choice("action", ExternalFirewall.Rule.Action.self, required: true)
                let proto = ipProtocol(rr, default: .all)
                let p = ports(rr)
                var cidr: IPv4CIDR? = nil
                if let (c, loc) = rr.locatedString("cidr") { cidr = cidr4(c, at: loc, what: "firewall rule CIDR", strict: false) }
                else { rr.missing("cidr", hint: "the AWS-side addresses the rule matches (the source of inbound traffic, the destination of outbound); 0.0.0.0/0 for any") }
                let description = rr.string("description") ?? ""
                rr.finish()
                if let proto, !proto.hasPorts, let p, !p.isAll {
                    reporter.warning(.portsIgnored, "ports \(p) are ignored for protocol \(proto)", at: rr.valueLocation("ports"),
                                     hint: "ports apply only to tcp and udp; drop 'ports'")
                }
                guard let action, let proto, let cidr else { continue }
                out.append(ExternalFirewall.Rule(action: action, ipProtocol: proto, ports: proto.hasPorts ? (p ?? .all) : .all, cidr: cidr,
                                                 description: description, location: rr.location))
            }
            return out
        }
        let fw = ExternalFirewall(name: name, inbound: rules("inbound"), outbound: rules("outbound"), location: r.location)
        r.finish()
        return fw
    }

    // MARK: checks

    func checkOnPremises(_ t: Topology) {
        // propagatingVgws: the VPC's own virtual private gateway.
        let gateways = t.vpcs.compactMap { v in v.vpnGateway.map { ($0.name, v.name) } }
        for vpc in t.vpcs {
            for table in vpc.routeTables {
                for name in table.propagatingVgws where vpc.vpnGateway?.name != name {
                    let loc = locations["pvgw:\(vpc.name)/\(table.name)/\(name)"] ?? table.location
                    if let (_, owner) = gateways.first(where: { $0.0 == name }) {
                        reporter.error(.propagatingVgw, "route table '\(echo: table.name)' of VPC '\(echo: vpc.name)' propagates virtual private gateway '\(echo: name)', which is attached to VPC '\(echo: owner)'",
                                       at: loc, hint: "a route table takes propagated routes only from its own VPC's virtual private gateway")
                    } else {
                        let dym = Suggestions.didYouMean(name, in: gateways.map(\.0))
                        reporter.error(.propagatingVgw, "route table '\(echo: table.name)' propagates virtual private gateway '\(echo: name)', which is not defined",
                                       at: loc, hint: dym.isEmpty ? (vpc.vpnGateway.map { "VPC '\(echo: vpc.name)' has virtual private gateway '\(echo: $0.name)'" }
                                                                     ?? "add vpnGateway: {name: \(Echo.clip(name))} to VPC '\(echo: vpc.name)'") : dym)
                    }
                }
            }
        }
        for e in t.externals {
            let gateway = t.privateGateway(of: e)
            if let fw = e.firewall, e.subnet != nil {
                reporter.error(.externalFirewall, "external '\(echo: e.name)' is a host in a subnet; a firewall stands in front of a network outside the VPCs",
                               at: locations["firewall:\(e.name)"] ?? fw.location, hint: "filter a host in a VPC with its security groups")
            }
            if e.connection == .directConnect, e.routing == .static {
                reporter.error(.externalConnection, "external '\(echo: e.name)' is connected by Direct Connect with static routing; Direct Connect exchanges routes by BGP only",
                               at: locations["routing:\(e.name)"] ?? e.location, hint: "drop 'routing: static', or make it connection: vpn")
            }
            if gateway == nil {
                let written = [("connection", e.connection != nil), ("routing", locations["routing:\(e.name)"] != nil),
                               ("returnRoutes", !e.returnRoutes.isEmpty), ("firewall", e.firewall != nil && e.subnet == nil)].filter(\.1).map(\.0)
                if !written.isEmpty, e.subnet == nil {
                    reporter.warning(.externalConnection, "external '\(echo: e.name)' sets \(written.joined(separator: ", ")) but is not reached through a transit gateway or virtual private gateway; netsim ignores \(written.count == 1 ? "it" : "them")",
                                     at: locations["conn:\(e.name)"] ?? locations["routing:\(e.name)"] ?? locations["returnRoutes:\(e.name)"] ?? locations["firewall:\(e.name)"] ?? e.location,
                                     hint: "set via: to the transit gateway or virtual private gateway that reaches the network")
                }
                continue
            }
            if e.routing == .static, e.returnRoutes.isEmpty {
                reporter.error(.externalConnection, "external '\(echo: e.name)' uses static routing but states no returnRoutes: netsim cannot know what it routes back toward AWS",
                               at: locations["routing:\(e.name)"] ?? e.location,
                               hint: "list the routes the customer gateway sends into the VPN, e.g. returnRoutes: [10.0.0.0/16]")
            }
        }
    }
}
