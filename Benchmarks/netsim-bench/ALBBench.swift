import Foundation
import NetsimFlow
import NetsimModel
import NetsimTopology

/// `netsim-bench alb [--rules N] [--repeat R] [--target-type ip|instance]`: a topology whose one
/// Ingress has N listener rules (half by host, half by path, over 10 Services of 3 pods), loaded,
/// realized and indexed (timed apart). Then: the first trace through each target group (its
/// health checks traced and cached: the cold cost), and the median of R passes over all N rules
/// (each request matching a different rule; the last rules cost the most). Anchor, same run: the
/// ALB's second leg alone — its node to the same pod, with the same fabric and node checks.
func albBench(_ args: [String]) {
    var rules = 100, repeats = 200, targetType = "ip"
    var i = 2
    while i + 1 < args.count {
        if args[i] == "--rules", let n = Int(args[i + 1]) { rules = max(2, n) }
        if args[i] == "--repeat", let n = Int(args[i + 1]) { repeats = max(1, n) }
        if args[i] == "--target-type" { targetType = args[i + 1] }
        i += 2
    }
    var y = """
    apiVersion: netsim/v1
    kind: Topology
    name: alb-bench
    region: us-east-1
    seed: 3
    vpc:
      name: bench
      cidrBlocks: [10.0.0.0/16]
      subnets:
        - {name: public-a,  zone: us-east-1a, cidr: 10.0.0.0/24,  routeTable: public,  tags: {kubernetes.io/role/elb: "1"}}
        - {name: public-b,  zone: us-east-1b, cidr: 10.0.1.0/24,  routeTable: public,  tags: {kubernetes.io/role/elb: "1"}}
        - {name: private-a, zone: us-east-1a, cidr: 10.0.16.0/20, routeTable: private}
        - {name: private-b, zone: us-east-1b, cidr: 10.0.32.0/20, routeTable: private}
      internetGateway: {name: igw}
      natGateways: [{name: nat, subnet: public-a}]
      routeTables:
        - {name: public,  routes: [{destination: 0.0.0.0/0, target: igw}]}
        - {name: private, routes: [{destination: 0.0.0.0/0, target: nat}]}
      securityGroups:
        - name: nodes
          ingress: [{protocol: all, from: {securityGroup: nodes}}]
    cluster:
      name: bench
      nodeGroups:
        - {name: workers, instanceType: m5.xlarge, count: 6, subnets: [private-a, private-b], securityGroups: [nodes]}
    kubernetes:
      manifests:

    """
    for s in 0..<10 {
        y += """
            - {apiVersion: apps/v1, kind: Deployment, metadata: {name: app\(s), namespace: shop}, spec: {replicas: 3, selector: {matchLabels: {app: app\(s)}}, template: {metadata: {labels: {app: app\(s)}}, spec: {containers: [{name: c, ports: [{containerPort: 8080}]}]}}}}
            - {apiVersion: v1, kind: Service, metadata: {name: app\(s), namespace: shop}, spec: {type: NodePort, selector: {app: app\(s)}, ports: [{port: 80, targetPort: 8080}]}}

        """
    }
    y += """
        - apiVersion: networking.k8s.io/v1
          kind: Ingress
          metadata:
            name: big
            namespace: shop
            annotations: {alb.ingress.kubernetes.io/scheme: internet-facing, alb.ingress.kubernetes.io/target-type: \(targetType)}
          spec:
            ingressClassName: alb
            rules:

    """
    // Half the rules by host (one path each), half by path under one host.
    let byHost = rules / 2
    for k in 0..<byHost {
        y += "          - {host: h\(k).example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: app\(k % 10), port: {number: 80}}}}]}}\n"
    }
    y += "          - host: www.example.com\n            http:\n              paths:\n"
    for k in byHost..<rules {
        y += "                - {path: /p\(k), pathType: Prefix, backend: {service: {name: app\(k % 10), port: {number: 80}}}}\n"
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("netsim-alb-bench-\(getpid()).yaml")
    try? y.write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    var topology: Topology? = nil
    let load = seconds { topology = TopologyLoader(catalog: .builtin).load(path: file.path).validTopology }
    guard let t = topology else { FileHandle.standardError.write(Data("the generated topology is invalid\n".utf8)); exit(2) }
    var network: Network? = nil
    let build = seconds { network = Network(topology: t, catalog: .builtin) }
    guard let n = network, let lb = n.fabric.loadBalancers.first else { FileHandle.standardError.write(Data("no ALB\n".utf8)); exit(2) }
    let requests: [FlowRequest] = (0..<rules).map { k in
        var r = FlowRequest(from: .internet, to: .ingress(namespace: "shop", name: "big"), port: 80)
        r.http = k < byHost ? HTTPRequest(host: "h\(k).example.com", path: "/index.html") : HTTPRequest(host: "www.example.com", path: "/p\(k)/item")
        return r
    }
    // Cold: the first request to each target group traces its health checks.
    var delivered = 0
    let cold = seconds { for r in requests.prefix(10) { if case .traced(let tr) = n.trace(r), tr.delivered { delivered += 1 } } }
    var samples: [Double] = []
    var matched = Set<String>()
    for _ in 0..<repeats {
        for r in requests {
            var ok = false
            samples.append(seconds { if case .traced(let tr) = n.trace(r) { ok = tr.delivered; if let rule = tr.loadBalancer?.rule { matched.insert(rule) } } })
            if !ok { FileHandle.standardError.write(Data("a request was not delivered\n".utf8)); exit(1) }
        }
    }
    samples.sort()
    // Anchor: the second leg alone, from the ALB node in us-east-1a to a pod of app0.
    let node = lb.nodes[0]
    let pod = n.fabric.realized.pods.first { $0.workload == "app0" && $0.ip != nil }
    var anchor: [Double] = []
    if let ip = pod?.ip {
        let req = FlowRequest(from: .ip(.ipv4(node.privateIP)), to: .ip(.ipv4(ip)), port: 8080)
        for _ in 0..<(repeats * 10) { anchor.append(seconds { _ = n.trace(req) }) }
        anchor.sort()
    }
    let median = samples[samples.count / 2] * 1e6
    let anchorMedian = anchor.isEmpty ? 0 : anchor[anchor.count / 2] * 1e6
    let out: [String: Any] = [
        "rules": rules, "targetType": targetType, "listenerRules": lb.listeners.first?.rules.count ?? 0, "targetGroups": lb.targetGroups.count,
        "pods": n.fabric.realized.pods.count, "loadSeconds": load, "buildSeconds": build,
        "coldFirstTracesPerTargetGroupMicroseconds": cold / 10 * 1e6, "coldDelivered": delivered,
        "traceMedianMicroseconds": median, "traceP99Microseconds": samples[samples.count * 99 / 100] * 1e6,
        "traces": samples.count, "rulesMatched": matched.count,
        "anchorSecondLegMedianMicroseconds": anchorMedian, "ratioToAnchor": anchorMedian > 0 ? median / anchorMedian : 0,
    ]
    if let data = try? JSONSerialization.data(withJSONObject: out, options: [.sortedKeys, .prettyPrinted]) {
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
