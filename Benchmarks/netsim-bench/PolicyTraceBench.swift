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
    guard args.count >= 3 else { FileHandle.standardError.write(Data("usage: netsim-bench policy-trace FILE [--policies N] [--repeat R]\n".utf8)); exit(64) }
    var policies = 1_000, repeats = 2_000
    var i = 3
    while i + 1 < args.count {
        if args[i] == "--policies", let n = Int(args[i + 1]) { policies = n }
        if args[i] == "--repeat", let n = Int(args[i + 1]), n > 0 { repeats = n }
        i += 2
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
    func median(_ n: Network) -> (Double, Disposition?) {
        var samples: [Double] = []
        var d: Disposition? = nil
        for _ in 0..<repeats {
            samples.append(seconds { if case .traced(let t) = n.trace(request()) { d = t.disposition } })
        }
        samples.sort()
        return (samples[samples.count / 2] * 1e6, d)
    }
    let without = Network(topology: topology, catalog: .builtin, realized: realized)
    _ = without.trace(request())
    let (plain, plainDisposition) = median(without)

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
                                  podSelector: LabelSelector(matchLabels: me.labels), policyTypes: server ? [.Ingress] : [.Egress],
                                  ingress: server ? [rule] : [], egress: server ? [] : [rule]))
    }
    var enforced = topology
    enforced.kubernetes.networkPolicies = list
    enforced.cluster?.networkPolicy = NetworkPolicySettings.derive(enforcer: .vpcCNI, enableNetworkPolicy: nil)
    let with = Network(topology: enforced, catalog: .builtin, realized: realized)
    let buildStart = Date()
    _ = with.trace(request())
    let firstTrace = Date().timeIntervalSince(buildStart)
    let (withPolicies, withDisposition) = median(with)

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
        "addedMicroseconds": withPolicies - plain,
        "firstTraceWithPoliciesSeconds": firstTrace,
        "linearScanOfPoliciesMedianMicroseconds": scans[scans.count / 2] * 1e6,
        "dispositionWithout": plainDisposition?.rawValue ?? "", "dispositionWith": withDisposition?.rawValue ?? "", "linearScanAllows": naiveAllows,
    ]
    let data = (try? JSONSerialization.data(withJSONObject: out, options: [.sortedKeys, .prettyPrinted])) ?? Data()
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}
