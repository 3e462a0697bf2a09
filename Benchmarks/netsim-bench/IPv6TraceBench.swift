import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimModel
import NetsimTopology

/// `netsim-bench ipv6-trace [--nodes N] [--services S] [--repeat R]`: the same cluster shape
/// (a dual-stack VPC, N nodes in two zones, S Deployments with a ClusterIP Service each) built
/// once as an IPv4 cluster and once as an IPv6 one; times pod → pod (across nodes), pod →
/// Service and pod → internet traces in each family, interleaved, and prints the medians and
/// the IPv6/IPv4 ratios (target ≤ 1.2).
func ipv6TraceBench(_ args: [String]) {
    var nodes = 20, services = 50, repeats = 2000
    var i = 2
    while i + 1 < args.count {
        if args[i] == "--nodes", let n = Int(args[i + 1]) { nodes = max(2, min(n, 1000)) }
        if args[i] == "--services", let n = Int(args[i + 1]) { services = max(2, min(n, 5000)) }
        if args[i] == "--repeat", let n = Int(args[i + 1]) { repeats = max(1, n) }
        i += 2
    }
    func yaml(_ family: String) -> String {
        var y = """
        apiVersion: netsim/v1
        kind: Topology
        name: ipv6-bench-\(family)
        region: us-east-1
        seed: 5
        vpc:
          name: bench
          cidrBlocks: [10.0.0.0/16]
          ipv6CidrBlocks: ["2600:1f18:aa00:1200::/56"]
          subnets:
            - {name: public-a,  zone: us-east-1a, cidr: 10.0.0.0/24,  ipv6Cidr: "2600:1f18:aa00:1200::/64", routeTable: public}
            - {name: private-a, zone: us-east-1a, cidr: 10.0.64.0/18, ipv6Cidr: "2600:1f18:aa00:1201::/64", routeTable: private, assignIpv6AddressOnCreation: true}
            - {name: private-b, zone: us-east-1b, cidr: 10.0.128.0/18, ipv6Cidr: "2600:1f18:aa00:1202::/64", routeTable: private, assignIpv6AddressOnCreation: true}
          internetGateway: {name: igw}
          egressOnlyInternetGateway: {name: eigw}
          natGateways: [{name: nat, subnet: public-a}]
          routeTables:
            - {name: public,  routes: [{destination: 0.0.0.0/0, target: igw}, {destination: "::/0", target: igw}]}
            - {name: private, routes: [{destination: 0.0.0.0/0, target: nat}, {destination: "::/0", target: eigw}]}
          securityGroups:
            - name: nodes
              ingress: [{protocol: all, from: {securityGroup: nodes}}]
        cluster:
          name: bench
          ipFamily: \(family)
          cni: {ENABLE_PREFIX_DELEGATION: "true"}
          nodeGroups:
            - {name: workers, instanceType: m5.4xlarge, count: \(nodes), subnets: [private-a, private-b], securityGroups: [nodes]}
        kubernetes:
          manifests:

        """
        for s in 0..<services {
            y += """
                - {apiVersion: apps/v1, kind: Deployment, metadata: {name: app\(s), namespace: shop}, spec: {replicas: 2, selector: {matchLabels: {app: app\(s)}}, template: {metadata: {labels: {app: app\(s)}}, spec: {containers: [{name: c, ports: [{containerPort: 8080}]}]}}}}
                - {apiVersion: v1, kind: Service, metadata: {name: app\(s), namespace: shop}, spec: {selector: {app: app\(s)}, ports: [{port: 80, targetPort: 8080}]}}

            """
        }
        return y
    }
    func network(_ family: String) -> Network? {
        let r = TopologyLoader(catalog: .builtin).load(text: yaml(family), file: "ipv6-bench-\(family).yaml")
        guard let t = r.validTopology else {
            FileHandle.standardError.write(Data(r.diagnostics.map(\.formatted).joined(separator: "\n").utf8))
            return nil
        }
        return Network(topology: t, catalog: .builtin)
    }
    guard let v4 = network("ipv4"), let v6 = network("ipv6") else { exit(2) }
    /// Two running pods of different Deployments on different nodes, by address.
    func podPair(_ n: Network) -> (Endpoint, Endpoint)? {
        let pods = n.fabric.realized.pods.filter { $0.status == .running && !$0.hostNetwork && $0.namespace == "shop" }
        guard let a = pods.first else { return nil }
        guard let b = pods.first(where: { $0.node != a.node && $0.workload != a.workload }) else { return nil }
        func ep(_ p: RealizedPod) -> Endpoint? { (p.ip.map(IPAddress.ipv4) ?? p.ipv6.map(IPAddress.ipv6)).map { .ip($0) } }
        guard let x = ep(a), let y = ep(b) else { return nil }
        return (x, y)
    }
    guard let (a4, b4) = podPair(v4), let (a6, b6) = podPair(v6) else { FileHandle.standardError.write(Data("no pod pair\n".utf8)); exit(2) }
    let internet4 = Endpoint.ip(.ipv4(IPv4Address(93, 184, 216, 34)))
    guard let inet6 = IPAddress("2606:2800:220:1:248:1893:25c8:1946") else { exit(2) }
    let internet6 = Endpoint.ip(inet6)
    let cases: [(String, FlowRequest, FlowRequest)] = [
        ("podToPod", FlowRequest(from: a4, to: b4, ipProtocol: .tcp, port: 8080), FlowRequest(from: a6, to: b6, ipProtocol: .tcp, port: 8080)),
        ("podToService", FlowRequest(from: a4, to: .service(namespace: "shop", name: "app1"), ipProtocol: .tcp, port: 80),
         FlowRequest(from: a6, to: .service(namespace: "shop", name: "app1"), ipProtocol: .tcp, port: 80)),
        ("podToInternet", FlowRequest(from: a4, to: internet4, ipProtocol: .tcp, port: 443), FlowRequest(from: a6, to: internet6, ipProtocol: .tcp, port: 443)),
    ]
    var out: [String: Any] = ["nodes": nodes, "services": services, "repeat": repeats]
    for (name, r4, r6) in cases {
        var d4 = "", d6 = ""
        // Warm both (datapaths built on first use), and check the verdicts agree.
        if case .traced(let t) = v4.trace(r4) { d4 = t.disposition.rawValue }
        if case .traced(let t) = v6.trace(r6) { d6 = t.disposition.rawValue }
        var s4: [Double] = [], s6: [Double] = []
        for _ in 0..<repeats {
            s4.append(seconds { _ = v4.trace(r4) })
            s6.append(seconds { _ = v6.trace(r6) })
        }
        s4.sort(); s6.sort()
        let m4 = s4[s4.count / 2] * 1e6, m6 = s6[s6.count / 2] * 1e6
        out[name + "IPv4MedianMicroseconds"] = m4
        out[name + "IPv6MedianMicroseconds"] = m6
        out[name + "Ratio"] = m4 > 0 ? m6 / m4 : 0
        out[name + "Dispositions"] = "\(d4) / \(d6)"
    }
    let data = (try? JSONSerialization.data(withJSONObject: out, options: [.sortedKeys, .prettyPrinted])) ?? Data()
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}
