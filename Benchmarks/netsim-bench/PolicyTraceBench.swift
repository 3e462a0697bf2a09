import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimKube
import NetsimModel
import NetsimTopology

/// `netsim-bench policy-trace FILE [--policies N] [--repeat R]`: one pod-to-pod trace of FILE
/// (the first two running pods of different namespaces, their first container port), timed
/// (median of R) three ways in one run: with no NetworkPolicy; with N NetworkPolicies that all
/// select both pods (half allow the flow at the client's egress, half at the server's
/// ingress) and the VPC CNI agent enforcing them; and, as the anchor, the same N policies
/// evaluated for that flow by a linear scan (the spec's naive evaluator, both directions).
/// Prints one JSON object.
func policyTraceBench(_ args: [String]) {
    guard args.count >= 3 else { FileHandle.standardError.write(Data("usage: netsim-bench policy-trace FILE [--policies N] [--repeat R] [--elsewhere] [--profile]\n".utf8)); exit(64) }
    var policies = 1_000, repeats = 2_000
    // `--elsewhere`: the policies select other pods (the cost of enforcement the flow's pods do not meet).
    let elsewhere = args.contains("--elsewhere")
    var i = 3
    while i + 1 < args.count {
        if args[i] == "--policies", let n = Int(args[i + 1]) { policies = n }
        if args[i] == "--repeat", let n = Int(args[i + 1]), n > 0 { repeats = n }
        i += args[i] == "--elsewhere" || args[i] == "--profile" ? 1 : 2
    }
    guard var topology = TopologyLoader(catalog: .builtin).load(path: args[2]).validTopology else { exit(2) }
    topology.kubernetes.networkPolicies = []
    topology.cluster?.networkPolicy = NetworkPolicySettings()
    let realized = Realizer.realize(topology, catalog: .builtin)
    let running = realized.pods.filter { $0.status == .running && $0.ip != nil && !$0.hostNetwork }
    guard let a = running.first, let b = running.first(where: { $0.namespace != a.namespace }) ?? running.dropFirst().first,
          let aIP = a.ip, let bIP = b.ip else { FileHandle.standardError.write(Data("no two pods\n".utf8)); exit(2) }
    let port: UInt16 = 8080
    func request() -> FlowRequest {
        FlowRequest(from: .pod(namespace: a.namespace, name: a.name), to: .pod(namespace: b.namespace, name: b.name), ipProtocol: .tcp, port: port)
    }
    let without = Network(topology: topology, catalog: .builtin, realized: realized)
    _ = without.trace(request())

    // N policies selecting both pods: each selects by the pod's own labels in its namespace and
    // allows the other pod (pod selector with a namespace selector) on the port.
    let location = SourceLocation(file: "bench.yaml", line: 1, column: 1)
    func nsSelector(_ ns: String) -> LabelSelector { LabelSelector(matchLabels: ["kubernetes.io/metadata.name": ns]) }
    var list: [NetworkPolicy] = []
    for k in 0..<policies {
        let server = k % 2 == 0
        let (me, other) = server ? (b, a) : (a, b)
        let rule = NetworkPolicy.Rule(peers: [NetworkPolicy.Peer(podSelector: LabelSelector(matchLabels: other.labels), namespaceSelector: nsSelector(other.namespace), ipBlock: nil)],
                                      ports: [NetworkPolicy.Port(ipProtocol: .tcp, port: .number(port), endPort: nil)], location: location)
        list.append(NetworkPolicy(meta: ObjectMeta(name: "bench-\(k)", namespace: me.namespace, location: location),
                                  podSelector: LabelSelector(matchLabels: elsewhere ? ["netsim-bench": "nobody"] : me.labels), policyTypes: server ? [.Ingress] : [.Egress],
                                  ingress: server ? [rule] : [], egress: server ? [] : [rule]))
    }
    var enforced = topology
    enforced.kubernetes.networkPolicies = list
    enforced.cluster?.networkPolicy = NetworkPolicySettings.derive(enforcer: .vpcCNI, enableNetworkPolicy: nil)
    let with = Network(topology: enforced, catalog: .builtin, realized: realized)
    let buildStart = Date()
    _ = with.trace(request())
    let firstTrace = Date().timeIntervalSince(buildStart)
    // `--profile`: only traces with the policies, R times, for a profiler; no report.
    if args.contains("--profile") {
        for _ in 0..<repeats { _ = with.trace(request()) }
        return
    }
    // The two networks' traces alternate, so that both see the same machine (caches, load).
    var plainSamples: [Double] = [], withSamples: [Double] = []
    var plainDisposition: Disposition? = nil, withDisposition: Disposition? = nil
    for _ in 0..<repeats {
        plainSamples.append(seconds { if case .traced(let t) = without.trace(request()) { plainDisposition = t.disposition } })
        withSamples.append(seconds { if case .traced(let t) = with.trace(request()) { withDisposition = t.disposition } })
    }
    plainSamples.sort(); withSamples.sort()
    func steps(_ n: Network) -> Int {
        guard case .traced(let t) = n.trace(request()) else { return -1 }
        return t.forward.hops.reduce(0) { $0 + $1.steps.count } + (t.reply?.hops.reduce(0) { $0 + $1.steps.count } ?? 0)
    }
    let plain = plainSamples[plainSamples.count / 2] * 1e6, withPolicies = withSamples[withSamples.count / 2] * 1e6

    // The anchor: the same policies, that flow, by a linear scan of every policy.
    let world = PolicyEnforcement.world(with.fabric)
    let naive = UpstreamNaiveEvaluator(world: world)
    let src = UpstreamEndpoint(address: aIP), dst = UpstreamEndpoint(address: bIP)
    var scans: [Double] = []
    var naiveAllows = false
    for _ in 0..<max(1, repeats / 10) {
        scans.append(seconds { naiveAllows = naive.evaluateFlow(from: src, to: dst, protocol: .tcp, port: port).allowed })
    }
    scans.sort()
    let out: [String: Any] = [
        "file": args[2], "policies": policies, "repeat": repeats,
        "flow": "\(a.namespace)/\(a.name) → \(b.namespace)/\(b.name) tcp \(port)",
        "traceWithoutPoliciesMedianMicroseconds": plain, "traceWithPoliciesMedianMicroseconds": withPolicies,
        "addedMicroseconds": withPolicies - plain, "stepsWithout": steps(without), "stepsWith": steps(with),
        "firstTraceWithPoliciesSeconds": firstTrace,
        "linearScanOfPoliciesMedianMicroseconds": scans[scans.count / 2] * 1e6,
        "dispositionWithout": plainDisposition?.rawValue ?? "", "dispositionWith": withDisposition?.rawValue ?? "", "linearScanAllows": naiveAllows,
    ]
    let data = (try? JSONSerialization.data(withJSONObject: out, options: [.sortedKeys, .prettyPrinted])) ?? Data()
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}
