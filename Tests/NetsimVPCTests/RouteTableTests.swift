import NetsimModel
import NetsimVPC
import Testing

/// CompiledRouteTable.lookup against the Amazon VPC User Guide: the longest prefix wins; a
/// `local` route for every VPC CIDR; a route more specific than local for a subnet to a
/// middlebox; blackholes; prefix-list routes (written, or a gateway endpoint's) count as each of
/// their entries and lose a tie to a CIDR route; more specific always wins.
@Suite("Route tables")
struct RouteTableTests {
    /// "target (origin, written)" of the route `destination` takes, or "no route".
    static func lookup(_ table: CompiledRouteTable, _ destination: String) -> String {
        guard let m = table.lookup(V.ip(destination)) else { return "no route" }
        return "\(m.target) (\(m.origin.rawValue), \(m.written))"
    }

    /// Every VPC CIDR has a local route; nothing else is routed in an otherwise empty table.
    @Test func localRoutesForEveryVPCBlock() {
        let t = V.table([], vpcCIDRs: ["10.0.0.0/16", "100.64.0.0/16"])
        #expect(Self.lookup(t, "10.0.5.5") == "local (local, 10.0.0.0/16)")
        #expect(Self.lookup(t, "100.64.255.255") == "local (local, 100.64.0.0/16)")
        #expect(Self.lookup(t, "10.1.0.0") == "no route")
        #expect(Self.lookup(t, "8.8.8.8") == "no route")
        #expect(t.allRoutes.count == 2)
    }

    /// The longest matching prefix decides, whatever order the routes are written in.
    @Test func longestPrefixWins() {
        let routes = [V.route("0.0.0.0/0", .internetGateway("igw")),
                      V.route("10.0.0.0/8", .transitGateway("tgw")),
                      V.route("10.1.0.0/16", .peeringConnection("pcx")),
                      V.route("10.1.2.0/24", .natGateway("nat")),
                      V.route("10.1.2.3/32", .networkInterface("appliance"))]
        for order in [routes, routes.reversed()] {
            let t = V.table(order)
            #expect(Self.lookup(t, "10.1.2.3") == "appliance (table, 10.1.2.3/32)")
            #expect(Self.lookup(t, "10.1.2.4") == "nat (table, 10.1.2.0/24)")
            #expect(Self.lookup(t, "10.1.3.3") == "pcx (table, 10.1.0.0/16)")
            #expect(Self.lookup(t, "10.2.0.1") == "tgw (table, 10.0.0.0/8)")
            // The VPC's /16 is longer than the /8: local.
            #expect(Self.lookup(t, "10.0.200.1") == "local (local, 10.0.0.0/16)")
            #expect(Self.lookup(t, "8.8.8.8") == "igw (table, 0.0.0.0/0)")
            #expect(Self.lookup(t, "255.255.255.255") == "igw (table, 0.0.0.0/0)")
        }
    }

    /// A route for a whole subnet to a network interface is more specific than local and takes
    /// that subnet's traffic (middlebox inspection); the rest of the VPC stays local.
    @Test func subnetRouteMoreSpecificThanLocal() {
        let t = V.table([V.route("10.0.2.0/24", .networkInterface("firewall"))])
        #expect(Self.lookup(t, "10.0.2.7") == "firewall (table, 10.0.2.0/24)")
        #expect(Self.lookup(t, "10.0.3.7") == "local (local, 10.0.0.0/16)")
    }

    /// A route written for the VPC block itself replaces the local route's target.
    @Test func localTargetReplaced() {
        let t = V.table([V.route("10.0.0.0/16", .networkInterface("appliance"))], vpcCIDRs: ["10.0.0.0/16", "100.64.0.0/16"])
        #expect(Self.lookup(t, "10.0.1.1") == "appliance (table, 10.0.0.0/16)")
        // The other block keeps its local route.
        #expect(Self.lookup(t, "100.64.1.1") == "local (local, 100.64.0.0/16)")
        #expect(t.allRoutes.filter { $0.origin == .local }.count == 1)
    }

    /// A blackhole route matches like any other (the packet is then dropped); a more specific
    /// active route inside it still wins.
    @Test func blackholeRoutes() {
        let t = V.table([V.route("0.0.0.0/0", .natGateway("nat")),
                         V.route("192.168.0.0/16", .blackhole),
                         V.route("192.168.5.0/24", .transitGateway("tgw"))])
        #expect(Self.lookup(t, "192.168.1.1") == "blackhole (table, 192.168.0.0/16)")
        #expect(Self.lookup(t, "192.168.5.1") == "tgw (table, 192.168.5.0/24)")
        #expect(Self.lookup(t, "192.169.0.1") == "nat (table, 0.0.0.0/0)")
        #expect(t.lookup(V.ip("192.168.255.255"))?.target == .blackhole)
    }

    /// A prefix-list route stands for each of its IPv4 entries.
    @Test func prefixListRouteCoversEachEntry() {
        let corp = V.prefixList("corp", ["172.16.0.0/12", "192.168.0.0/16", "fd00::/8"])
        let t = V.table([V.route("0.0.0.0/0", .internetGateway("igw")), V.route("pl:corp", .transitGateway("tgw"))], prefixLists: [corp])
        #expect(Self.lookup(t, "172.20.1.1") == "tgw (table, pl:corp)")
        #expect(Self.lookup(t, "192.168.9.9") == "tgw (table, pl:corp)")
        #expect(Self.lookup(t, "172.32.0.1") == "igw (table, 0.0.0.0/0)")
        #expect(t.lookup(V.ip("172.20.1.1"))?.destination == V.cidr("172.16.0.0/12"))
        // A prefix list the topology does not define routes nothing.
        let missing = V.table([V.route("pl:nowhere", .transitGateway("tgw"))])
        #expect(Self.lookup(missing, "172.20.1.1") == "no route")
    }

    /// Same prefix in a CIDR route and a prefix-list route: the CIDR route wins, in either order.
    /// A more specific prefix-list entry still wins over a shorter CIDR route.
    @Test func cidrRouteWinsATieWithAPrefixList() {
        let corp = V.prefixList("corp", ["172.16.0.0/12", "172.31.5.0/24"])
        let cidr = V.route("172.16.0.0/12", .natGateway("nat")), pl = V.route("pl:corp", .transitGateway("tgw"))
        for routes in [[cidr, pl], [pl, cidr]] {
            let t = V.table(routes, prefixLists: [corp])
            #expect(Self.lookup(t, "172.16.1.1") == "nat (table, 172.16.0.0/12)")
            #expect(Self.lookup(t, "172.31.5.5") == "tgw (table, pl:corp)")
        }
    }

    /// A gateway endpoint adds its prefix list's entries to the tables it names, and only to those.
    @Test func gatewayEndpointRoutes() {
        let s3 = V.prefixList("s3", ["52.216.0.0/15", "3.5.0.0/19"])
        let here = V.table([V.route("0.0.0.0/0", .natGateway("nat"))], endpoints: [V.endpoint("s3-endpoint", prefixList: "s3")], prefixLists: [s3])
        #expect(Self.lookup(here, "52.217.1.1") == "s3-endpoint (endpoint, pl:s3)")
        #expect(Self.lookup(here, "3.5.0.9") == "s3-endpoint (endpoint, pl:s3)")
        #expect(Self.lookup(here, "8.8.8.8") == "nat (table, 0.0.0.0/0)")
        let elsewhere = V.table([V.route("0.0.0.0/0", .natGateway("nat"))],
                                endpoints: [V.endpoint("s3-endpoint", prefixList: "s3", tables: ["other"])], prefixLists: [s3])
        #expect(Self.lookup(elsewhere, "52.217.1.1") == "nat (table, 0.0.0.0/0)")
        // A CIDR route for the very same prefix wins the tie; a more specific one wins outright.
        let tie = V.table([V.route("52.216.0.0/15", .internetGateway("igw")), V.route("3.5.0.0/20", .internetGateway("igw"))],
                          endpoints: [V.endpoint("s3-endpoint", prefixList: "s3")], prefixLists: [s3])
        #expect(Self.lookup(tie, "52.216.0.1") == "igw (table, 52.216.0.0/15)")
        #expect(Self.lookup(tie, "3.5.1.1") == "igw (table, 3.5.0.0/20)")
        #expect(Self.lookup(tie, "3.5.17.1") == "s3-endpoint (endpoint, pl:s3)")
    }

    /// A prefix-list entry inside the VPC never takes traffic from the local route (only a
    /// subnet route to a NAT gateway or interface may be more specific than local).
    @Test func prefixListEntryInsideTheVPCStaysLocal() {
        let mixed = V.prefixList("mixed", ["10.0.1.0/24", "10.0.0.0/16", "10.0.0.0/8"])
        let t = V.table([V.route("pl:mixed", .transitGateway("tgw"))], prefixLists: [mixed])
        #expect(Self.lookup(t, "10.0.1.5") == "local (local, 10.0.0.0/16)")
        #expect(Self.lookup(t, "10.0.9.5") == "local (local, 10.0.0.0/16)")
        // The entry wider than the VPC still routes the rest.
        #expect(Self.lookup(t, "10.9.0.1") == "tgw (table, pl:mixed)")
    }

    /// IPv6 routes never carry IPv4 traffic.
    @Test func ipv6RoutesDoNotRouteIPv4() {
        let t = V.table([V.route("::/0", .egressOnlyInternetGateway("eigw"))])
        #expect(Self.lookup(t, "8.8.8.8") == "no route")
        #expect(Self.lookup(t, "10.0.0.1") == "local (local, 10.0.0.0/16)")
    }

    /// The compiled lookup gives what a plain scan of every route, longest prefix first, gives.
    @Test func lookupAgreesWithALinearScan() {
        let corp = V.prefixList("corp", ["172.16.0.0/12", "172.16.128.0/17"])
        let t = V.table([V.route("0.0.0.0/0", .internetGateway("igw")), V.route("10.0.0.0/8", .transitGateway("tgw")),
                         V.route("10.0.2.0/24", .networkInterface("fw")), V.route("172.16.0.0/13", .natGateway("nat")),
                         V.route("pl:corp", .peeringConnection("pcx")), V.route("192.0.2.0/25", .blackhole)],
                        vpcCIDRs: ["10.0.0.0/16", "100.64.0.0/16"], prefixLists: [corp])
        var state: UInt32 = 12345
        var disagreements: [String] = []
        for _ in 0..<20_000 {
            state = state &* 1_664_525 &+ 1_013_904_223
            // Bias half the samples into the interesting blocks.
            let bases: [UInt32] = [0x0A00_0000, 0xAC10_0000, 0xC000_0200, 0x6440_0000]
            let address = state & 1 == 0 ? IPv4Address(state) : IPv4Address(bases[Int(state >> 1) % 4] | (state >> 12) & 0xFFFF)
            let scan = t.allRoutes.filter { $0.destination.contains(address) }.max { $0.destination.prefixLength < $1.destination.prefixLength }
            let got = t.lookup(address)
            if scan?.destination != got?.destination || scan?.target != got?.target { disagreements.append(address.description) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }
}
