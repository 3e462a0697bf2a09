import Foundation
import NetsimKube
import NetsimModel

/// `netsim-bench upstream-policy [--policies N] [--pods M] [--namespaces K] [--flows F] [--seed S]`:
/// a generated world (K namespaces, M pods in apps of 10, N NetworkPolicies: a default deny per
/// namespace, the rest selecting one app each with pod, namespace and ipBlock peers and ports),
/// then F pod-to-pod flows (egress at the client, ingress at the server) evaluated by the
/// indexed `UpstreamPolicyEngine` and by `UpstreamNaiveEvaluator`'s linear scan. Both must
/// agree; prints one JSON object with the build time and flows per second of each.
func upstreamPolicyBench(_ args: [String]) {
    var policies = 1_000, podCount = 3_000, namespaceCount = 50, flows = 20_000
    var seed: UInt64 = 1
    var i = 2
    while i + 1 < args.count {
        if args[i] == "--policies", let n = Int(args[i + 1]) { policies = n }
        if args[i] == "--pods", let n = Int(args[i + 1]) { podCount = n }
        if args[i] == "--namespaces", let n = Int(args[i + 1]) { namespaceCount = max(1, n) }
        if args[i] == "--flows", let n = Int(args[i + 1]) { flows = n }
        if args[i] == "--seed", let n = UInt64(args[i + 1]) { seed = n }
        i += 2
    }
    var rng = SplitMix64(seed: seed)
    func roll(_ n: Int) -> Int { Int(rng.next() % UInt64(max(1, n))) }
    let namespaces = (0..<namespaceCount).map { "ns-\($0)" }
    let appsPerNamespace = max(1, podCount / namespaceCount / 10)
    var pods: [PolicyWorld.Pod] = []
    for p in 0..<podCount {
        let ns = p % namespaceCount, app = (p / namespaceCount) % appsPerNamespace
        let ip = IPv4Address(UInt32(0x0A01_0000) + UInt32(p))
        pods.append(PolicyWorld.Pod(
            namespace: namespaces[ns], name: "app-\(app)-\(p)", labels: ["app": "app-\(app)", "tier": p % 3 == 0 ? "db" : "web"],
            ip: ip, nodeIP: IPv4Address(UInt32(0x0A00_0000) + UInt32(p / 30)), nodeName: "node-\(p / 30)", hostNetwork: false,
            containerPorts: [ContainerPort(name: "http", containerPort: 8080, ipProtocol: .tcp)]))
    }
    var list: [NetworkPolicy] = []
    let location = SourceLocation(file: "generated.yaml", line: 1, column: 1)
    for ns in namespaces where list.count < policies {
        list.append(NetworkPolicy(meta: ObjectMeta(name: "default-deny", namespace: ns, location: location), podSelector: LabelSelector(),
                                  policyTypes: [.Ingress, .Egress], ingress: [], egress: [
                                      NetworkPolicy.Rule(peers: [NetworkPolicy.Peer(podSelector: nil, namespaceSelector: LabelSelector(
                                          matchLabels: ["kubernetes.io/metadata.name": "kube-system"]), ipBlock: nil)],
                                                         ports: [NetworkPolicy.Port(ipProtocol: .udp, port: .number(53), endPort: nil)]),
                                  ]))
    }
    while list.count < policies {
        let ns = roll(namespaceCount), app = roll(appsPerNamespace), other = roll(appsPerNamespace)
        let peer: NetworkPolicy.Peer
        switch roll(3) {
        case 0: peer = NetworkPolicy.Peer(podSelector: LabelSelector(matchLabels: ["app": "app-\(other)"]), namespaceSelector: nil, ipBlock: nil)
        case 1: peer = NetworkPolicy.Peer(podSelector: LabelSelector(matchLabels: ["app": "app-\(other)"]), namespaceSelector: LabelSelector(
            matchLabels: ["kubernetes.io/metadata.name": namespaces[roll(namespaceCount)]]), ipBlock: nil)
        default: peer = NetworkPolicy.Peer(podSelector: nil, namespaceSelector: nil,
                                           ipBlock: (IPv4CIDR(network: IPv4Address(0x0A01_0000 + UInt32(roll(podCount))), prefixLength: 24), []))
        }
        let rule = NetworkPolicy.Rule(peers: [peer], ports: [NetworkPolicy.Port(ipProtocol: .tcp, port: roll(2) == 0 ? .name("http") : .number(8080), endPort: nil)],
                                      location: location)
        let ingress = roll(2) == 0
        list.append(NetworkPolicy(meta: ObjectMeta(name: "p-\(list.count)", namespace: namespaces[ns], location: location),
                                  podSelector: LabelSelector(matchLabels: ["app": "app-\(app)"]),
                                  policyTypes: [ingress ? .Ingress : .Egress], ingress: ingress ? [rule] : [], egress: ingress ? [] : [rule]))
    }
    let world = PolicyWorld(namespaceLabels: [:], pods: pods, services: [], networkPolicies: list, nodeIPs: [])
    var engine: UpstreamPolicyEngine? = nil
    let buildTime = seconds { engine = UpstreamPolicyEngine(world: world) }
    guard let engine else { return }
    let naive = UpstreamNaiveEvaluator(world: world)
    let pairs: [(UpstreamEndpoint, UpstreamEndpoint)] = (0..<flows).map { _ in
        let a = roll(podCount), b = roll(podCount)
        return (UpstreamEndpoint(address: world.pods[a].ip, pod: a), UpstreamEndpoint(address: world.pods[b].ip, pod: b))
    }
    var allowedIndexed = 0, allowedNaive = 0, disagreements = 0
    var indexedVerdicts: [Bool] = []
    indexedVerdicts.reserveCapacity(flows)
    let indexedTime = seconds {
        for (a, b) in pairs {
            let d = engine.evaluateFlow(from: a, to: b, protocol: .tcp, port: 8080)
            indexedVerdicts.append(d.allowed)
            if d.allowed { allowedIndexed += 1 }
        }
    }
    let naiveFlows = min(flows, 2_000)
    let naiveTime = seconds {
        for (n, (a, b)) in pairs.prefix(naiveFlows).enumerated() {
            let d = naive.evaluateFlow(from: a, to: b, protocol: .tcp, port: 8080)
            if d.allowed { allowedNaive += 1 }
            if d.allowed != indexedVerdicts[n] { disagreements += 1 }
        }
    }
    let selected = (0..<min(podCount, 1_000)).map { engine.selectingPolicies(.ingress, pod: $0).count + engine.selectingPolicies(.egress, pod: $0).count }
    let json: [String: Any] = [
        "policies": list.count, "pods": podCount, "namespaces": namespaceCount, "flows": flows,
        "meanPoliciesSelectingAPod": Double(selected.reduce(0, +)) / Double(max(1, selected.count)),
        "buildSeconds": buildTime,
        "indexed": ["flowsPerSecond": Double(flows) / indexedTime, "nanosecondsPerFlow": indexedTime / Double(flows) * 1e9, "allowed": allowedIndexed],
        "linearScan": ["flows": naiveFlows, "flowsPerSecond": Double(naiveFlows) / naiveTime,
                       "nanosecondsPerFlow": naiveTime / Double(naiveFlows) * 1e9, "allowed": allowedNaive],
        "disagreements": disagreements,
    ]
    if let data = try? JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys]) {
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
