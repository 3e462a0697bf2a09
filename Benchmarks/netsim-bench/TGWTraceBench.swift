import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimModel
import NetsimTopology

/// `netsim-bench tgw-trace [--tables T] [--routes R] [--repeat N]`: a generated estate of three
/// VPCs (two spokes and an inspection VPC with a stateful firewall per zone) through one transit
/// gateway with T route tables of R static routes each (plus the propagated ones); traces a host
/// of spoke A to a host of spoke B in the other zone (through the inspection VPC and back, with
/// the reply), N times, and prints the median beside two anchors: the same traces with every
/// lookup a linear scan (`FabricIndex.linearScan`), and today's single-table form of the same
/// two spokes (`vpcAttachments` + R routes, no inspection). Also the hub estate with one route
/// table for both zones' attachment subnets (one walk per trace instead of one per zone), and
/// spoke A to a host of the third VPC (one transit gateway visit each way).
/// Prints one JSON object.
func tgwTraceBench(_ args: [String]) {
    var tables = 10, routes = 1000, repeats = 2000
    var i = 2
    while i + 1 < args.count {
        if args[i] == "--tables", let n = Int(args[i + 1]), (2...100).contains(n) { tables = n }
        if args[i] == "--routes", let n = Int(args[i + 1]), (1...60_000).contains(n) { routes = n }
        if args[i] == "--repeat", let n = Int(args[i + 1]), n > 0 { repeats = n }
        i += 2
    }
    func staticRoutes(_ table: Int, to attachments: [String], indent: String) -> String {
        // R distinct /24s and /28s in 172.16.0.0/12 and 100.64.0.0/10 (never the VPCs' 10.x).
        (0..<routes).map { k -> String in
            let n = k + table * 7
            let dest = k % 2 == 0 ? "172.\(16 + (n / 256) % 16).\(n % 256).0/24" : "100.\(64 + (n / 4096) % 64).\((n / 16) % 256).\((n % 16) * 16)/28"
            return "\(indent)- {destination: \(dest), attachment: \(attachments[k % attachments.count])}"
        }.joined(separator: "\n")
    }
    let spokes = """
    vpc:
      name: spoke-a
      cidrBlocks: [10.1.0.0/16]
      subnets:
        - {name: a-1, zone: us-east-1a, cidr: 10.1.0.0/24, routeTable: a}
        - {name: a-2, zone: us-east-1b, cidr: 10.1.1.0/24, routeTable: a}
      routeTables:
        - {name: a, routes: [{destination: 10.0.0.0/8, target: hub}]}
    peerVpcs:
      - name: spoke-b
        cidrBlocks: [10.2.0.0/16]
        subnets:
          - {name: b-1, zone: us-east-1a, cidr: 10.2.0.0/24, routeTable: b}
          - {name: b-2, zone: us-east-1b, cidr: 10.2.1.0/24, routeTable: b}
        routeTables:
          - {name: b, routes: [{destination: 10.0.0.0/8, target: hub}]}
        securityGroups:
          - {name: web, ingress: [{protocol: tcp, ports: 443, from: {cidr: 10.0.0.0/8}}]}
    """
    let inspection = """
      - name: inspection
        cidrBlocks: [10.3.0.0/16]
        subnets:
          - {name: i-tgw-a, zone: us-east-1a, cidr: 10.3.0.0/28, routeTable: to-fw-a}
          - {name: i-tgw-b, zone: us-east-1b, cidr: 10.3.0.16/28, routeTable: to-fw-b}
          - {name: i-fw-a, zone: us-east-1a, cidr: 10.3.1.0/24, routeTable: back}
          - {name: i-fw-b, zone: us-east-1b, cidr: 10.3.2.0/24, routeTable: back}
        routeTables:
          - {name: to-fw-a, routes: [{destination: 0.0.0.0/0, target: fw-a}]}
          - {name: to-fw-b, routes: [{destination: 0.0.0.0/0, target: fw-b}]}
          - {name: back, routes: [{destination: 0.0.0.0/0, target: hub}]}
        securityGroups:
          - {name: fw, ingress: [{protocol: all, from: {cidr: 10.0.0.0/8}}]}
          - {name: shared, ingress: [{protocol: tcp, ports: 443, from: {cidr: 10.0.0.0/8}}]}
        networkInterfaces:
          - {name: fw-a, subnet: i-fw-a, privateIp: 10.3.1.10, securityGroups: [fw], sourceDestCheck: false, stateful: true}
          - {name: fw-b, subnet: i-fw-b, privateIp: 10.3.2.10, securityGroups: [fw], sourceDestCheck: false, stateful: true}
    """
    var extraTables = ""
    for t in 2..<tables {
        extraTables += "\n      - name: rt-\(t)\n        propagations: [a, b, inspection]\n        routes:\n" + staticRoutes(t, to: ["a", "b", "inspection"], indent: "          ")
    }
    let externals = """
    externals:
      - {name: host-a, address: 10.1.0.10, subnet: a-1}
      - {name: host-b, address: 10.2.1.10, subnet: b-2, securityGroups: [web]}
    """
    let sharedHost = """
      - {name: host-i, address: 10.3.1.20, subnet: i-fw-a, securityGroups: [shared]}
    """
    let header = "apiVersion: netsim/v1\nkind: Topology\nname: tgw-bench\nregion: us-east-1\nseed: 1\n"
    let hub = header + spokes + "\n" + inspection + """

    transitGateways:
      - name: hub
        defaultRouteTableAssociation: false
        defaultRouteTablePropagation: false
        attachments:
          - {name: a, vpc: spoke-a}
          - {name: b, vpc: spoke-b}
          - {name: inspection, vpc: inspection, subnets: [i-tgw-a, i-tgw-b], applianceMode: true}
        routeTables:
          - name: spokes
            associations: [a, b]
            routes:
              - {destination: 10.0.0.0/8, attachment: inspection}

    """ + staticRoutes(0, to: ["a", "b"], indent: "          ") + """

          - name: inspection
            associations: [inspection]
            propagations: [a, b]
            routes:

    """ + staticRoutes(1, to: ["a", "b"], indent: "          ") + extraTables + "\n" + externals + "\n" + sharedHost + "\n"
    let single = header + spokes + """

    transitGateways:
      - name: hub
        vpcAttachments: [spoke-a, spoke-b]
        routes:
          - {destination: 10.1.0.0/16, vpc: spoke-a}
          - {destination: 10.2.0.0/16, vpc: spoke-b}

    """ + (0..<routes).map { k -> String in
        let dest = k % 2 == 0 ? "172.\(16 + (k / 256) % 16).\(k % 256).0/24" : "100.\(64 + (k / 4096) % 64).\((k / 16) % 256).\((k % 16) * 16)/28"
        return "      - {destination: \(dest), vpc: \(k % 3 == 0 ? "spoke-a" : "spoke-b")}"
    }.joined(separator: "\n") + "\n" + externals + "\n"

    func network(_ text: String, _ name: String) -> Network {
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: name)
        guard let t = r.validTopology else {
            FileHandle.standardError.write(Data("\(name) does not load:\n\(r.diagnostics.filter { $0.severity == .error }.prefix(5).map(\.formatted).joined(separator: "\n"))\n".utf8)); exit(2)
        }
        return Network(topology: t, catalog: .builtin)
    }
    let hubNet = network(hub, "tgw-bench.yaml"), singleNet = network(single, "tgw-bench-single.yaml")
    // The same estate with one route table for both zones' attachment subnets (both to the
    // firewall of zone a): the entry zone no longer matters, so a trace is one walk, not one
    // per zone.
    let oneZoneNet = network(hub.replacingOccurrences(of: "cidr: 10.3.0.16/28, routeTable: to-fw-b", with: "cidr: 10.3.0.16/28, routeTable: to-fw-a"), "tgw-bench-one-table.yaml")
    let request = FlowRequest(from: .external("host-a"), to: .external("host-b"), ipProtocol: .tcp, port: 443)
    var dispositions: [String: Int] = [:]
    func median(_ n: Network, linear: Bool, label: String, request: FlowRequest = request) -> Double {
        n.fabric.linearScan = linear
        defer { n.fabric.linearScan = false }
        for _ in 0..<20 { _ = n.trace(request) }
        var samples: [Double] = []
        for _ in 0..<repeats {
            samples.append(seconds { if case .traced(let t) = n.trace(request) { dispositions[label + " " + t.disposition.rawValue, default: 0] += 1 } })
        }
        samples.sort()
        return samples[samples.count / 2] * 1e6
    }
    // A trace of the hub estate is two walks: appliance mode picks the zone by a flow hash and
    // the zones' attachment subnets route differently, so netsim traces each zone (they agree).
    var hops = 0
    if case .traced(let t) = hubNet.trace(request) { hops = t.forward.hops.count + (t.reply?.hops.count ?? 0) }
    let indexed = median(hubNet, linear: false, label: "hub")
    let linear = median(hubNet, linear: true, label: "hub-linear")
    let legacy = median(singleNet, linear: false, label: "single")
    // Spoke A to a host of the third VPC: one transit gateway visit each way (10.0.0.0/8 of
    // the spokes table to the inspection attachment, delivered inside that VPC).
    let direct = FlowRequest(from: .external("host-a"), to: .external("host-i"), ipProtocol: .tcp, port: 443)
    let directMedian = median(hubNet, linear: false, label: "direct", request: direct)
    let directLinear = median(hubNet, linear: true, label: "direct-linear", request: direct)
    let oneWalk = median(oneZoneNet, linear: false, label: "hub-one-walk")
    let oneWalkLinear = median(oneZoneNet, linear: true, label: "hub-one-walk-linear")
    let routeCount = hubNet.fabric.transitGatewayTables.values.map(\.routes.count).reduce(0, +)
    let out: [String: Any] = [
        "vpcs": 3, "routeTables": tables, "staticRoutesPerTable": routes, "effectiveRoutes": routeCount, "repeat": repeats,
        "hopsPerTrace": hops,
        "hubTraceMedianMicroseconds": indexed, "hubTraceLinearScanMedianMicroseconds": linear,
        "singleTableTraceMedianMicroseconds": legacy, "dispositions": dispositions,
        "directTraceMedianMicroseconds": directMedian, "directTraceLinearScanMedianMicroseconds": directLinear,
        "hubOneWalkTraceMedianMicroseconds": oneWalk, "hubOneWalkLinearScanMedianMicroseconds": oneWalkLinear,
    ]
    if let data = try? JSONSerialization.data(withJSONObject: out, options: [.sortedKeys, .prettyPrinted]) {
        print(String(decoding: data, as: UTF8.self))
    }
}
