import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimModel
import NetsimTopology

/// `netsim-bench branch-trace FILE [--pairs P] [--repeat R] [--without FILE0]`: Security
/// Groups for Pods. Loads FILE (e.g. `netsim generate … --pod-security-groups 20`), realizes it
/// and, for P clients on shared ENIs, traces the client to a pod on a branch ENI and to a pod on
/// a shared ENI of the same node (the same hops but for the branch), alternating, R rounds;
/// prints the medians and their ratio (the file's NetworkPolicies left out, so both flows are
/// delivered when the groups allow them). With `--without FILE0` (the same topology without the
/// policies) it also times loading and realizing both files (median of 3, alternated), the
/// part of `check` that branch ENIs add to. Prints one JSON object.
func branchTraceBench(_ args: [String]) {
    guard args.count >= 3 else { FileHandle.standardError.write(Data("usage: netsim-bench branch-trace FILE [--pairs P] [--repeat R] [--without FILE0]\n".utf8)); exit(64) }
    var pairs = 200, repeats = 40
    var without: String? = nil
    var i = 3
    while i + 1 < args.count {
        if args[i] == "--pairs", let n = Int(args[i + 1]), n > 0 { pairs = n }
        if args[i] == "--repeat", let n = Int(args[i + 1]), n > 0 { repeats = n }
        if args[i] == "--without" { without = args[i + 1] }
        i += 2
    }
    func load(_ path: String) -> (Topology, RealizedCluster)? {
        guard let t = TopologyLoader(catalog: .builtin).load(path: path).validTopology else { return nil }
        return (t, Realizer.realize(t, catalog: .builtin))
    }
    guard let (loaded, realized) = load(args[2]) else { FileHandle.standardError.write(Data("\(args[2]) does not load\n".utf8)); exit(2) }
    // Without its NetworkPolicies (the generated namespaces deny ingress by default), so that
    // both flows go the whole way: through the branch ENI, or the shared one, to the pod.
    var topology = loaded
    topology.kubernetes.networkPolicies = []
    let running = realized.pods.filter { $0.status == .running && $0.ip != nil && !$0.hostNetwork && $0.fargateProfile == nil }
    let branch = running.filter { $0.branchENI != nil }
    let shared = running.filter { $0.branchENI == nil }
    guard !branch.isEmpty, shared.count > 1 else {
        FileHandle.standardError.write(Data("no pods on branch ENIs (\(branch.count)) or on shared ENIs (\(shared.count))\n".utf8)); exit(2)
    }
    var sharedByNode: [String: [RealizedPod]] = [:]
    for p in shared { sharedByNode[p.node ?? "", default: []].append(p) }
    let network = Network(topology: topology, catalog: .builtin, realized: realized)
    struct Pair { var client: RealizedPod; var toBranch: RealizedPod; var toShared: RealizedPod }
    var chosen: [Pair] = []
    for k in 0..<pairs {
        let b = branch[(k * 7919) % branch.count]
        guard let s = sharedByNode[b.node ?? ""]?.first(where: { $0.name != b.name }) else { continue }
        let c = shared[(k * 104_729 + 13) % shared.count]
        guard c.node != b.node else { continue }
        chosen.append(Pair(client: c, toBranch: b, toShared: s))
    }
    guard !chosen.isEmpty else { FileHandle.standardError.write(Data("no pairs\n".utf8)); exit(2) }
    func request(_ from: RealizedPod, _ to: RealizedPod) -> FlowRequest {
        FlowRequest(from: .pod(namespace: from.namespace, name: from.name), to: .pod(namespace: to.namespace, name: to.name), ipProtocol: .tcp, port: 8080)
    }
    for p in chosen { _ = network.trace(request(p.client, p.toBranch)); _ = network.trace(request(p.client, p.toShared)) }
    var branchSamples: [Double] = [], sharedSamples: [Double] = []
    var dispositions: [String: Int] = [:]
    for _ in 0..<repeats {
        for p in chosen {
            branchSamples.append(seconds { if case .traced(let t) = network.trace(request(p.client, p.toBranch)) { dispositions["branch " + t.disposition.rawValue, default: 0] += 1 } })
            sharedSamples.append(seconds { if case .traced(let t) = network.trace(request(p.client, p.toShared)) { dispositions["shared " + t.disposition.rawValue, default: 0] += 1 } })
        }
    }
    branchSamples.sort(); sharedSamples.sort()
    let b = branchSamples[branchSamples.count / 2] * 1e6, s = sharedSamples[sharedSamples.count / 2] * 1e6
    var out: [String: Any] = [
        "file": args[2], "pairs": chosen.count, "repeat": repeats, "branchPods": branch.count, "sharedPods": shared.count,
        "traceToBranchMedianMicroseconds": b, "traceToSharedMedianMicroseconds": s, "branchOverShared": b / s,
        "dispositions": dispositions,
    ]
    if let without {
        var withSGP: [Double] = [], plain: [Double] = []
        for _ in 0..<3 {
            withSGP.append(seconds { _ = load(args[2]) })
            plain.append(seconds { _ = load(without) })
        }
        withSGP.sort(); plain.sort()
        out["loadAndRealizeSeconds"] = withSGP[1]
        out["loadAndRealizeWithoutSeconds"] = plain[1]
        out["loadAndRealizeRatio"] = withSGP[1] / plain[1]
    }
    let data = (try? JSONSerialization.data(withJSONObject: out, options: [.sortedKeys, .prettyPrinted])) ?? Data()
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}
