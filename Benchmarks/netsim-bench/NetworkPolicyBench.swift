import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimKube
import NetsimModel
import NetsimTopology

/// `netsim-bench network-policy FILE [--both-ends N] [--evaluations E] [--skip-findings]`: loads and realizes FILE
/// (e.g. `netsim generate --nodes 1000 --pods 30000 --services 3000 --network-policies 3000`),
/// builds the PolicyWorld, then times (1) the controller's PolicyEndpoints resolution with the
/// engine's index (median of 3) and with a plain scan of every pod per selector, (2) building
/// 100 groups' agent maps, and (3) with N extra policies selecting both ends of one
/// pod pair, the per-packet cost (egress at the source + ingress at the destination, median of E)
/// of the agent's evaluation (LPM over the built maps) and of a linear scan of the policies.
func networkPolicyBench(_ args: [String]) {
    guard args.count >= 3 else { FileHandle.standardError.write(Data("usage: netsim-bench network-policy FILE [--both-ends N] [--evaluations E] [--skip-findings]\n".utf8)); exit(64) }
    var bothEnds = 1000, evaluations = 20_000
    // --skip-findings: leave out findings() (it builds and keeps the maps of every group whose
    // policies list more than 24 slots), to see the memory of resolution and maps alone.
    let skipFindings = args.contains("--skip-findings")
    var i = 3
    while i + 1 < args.count {
        if args[i] == "--skip-findings" { i += 1; continue }
        if args[i] == "--both-ends", let n = Int(args[i + 1]) { bothEnds = n }
        if args[i] == "--evaluations", let n = Int(args[i + 1]) { evaluations = n }
        i += 2
    }
    guard let t = TopologyLoader(catalog: .builtin).load(path: args[2]).validTopology else { FileHandle.standardError.write(Data("invalid topology\n".utf8)); exit(2) }
    let r = Realizer.realize(t, catalog: .builtin)
    // The world the traces use (hostNetwork pods at their node's address, allocated ClusterIPs).
    let world = PolicyEnforcement.world(FabricIndex(topology: t, realized: r))

    func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
    var pes: [PolicyEndpoint] = []
    var resolveTimes: [Double] = []
    for _ in 0..<3 { resolveTimes.append(seconds { pes = PolicyEndpointsResolver.resolve(world) }) }
    var naiveCount = 0
    var naiveTimes: [Double] = []
    naiveTimes.append(seconds { naiveCount = naiveResolveCount(world) })
    let indexedCount = pes.reduce(0) { $0 + $1.entryCount(.ingress) + $1.entryCount(.egress) + $1.selectedPods.count }

    var agent: VPCCNIPolicyAgent? = nil
    let agentInit = seconds { agent = VPCCNIPolicyAgent(world: world) }
    // Maps of 100 groups spread over the cluster (all of them: too many entries to hold at once
    // when a policy allows from every namespace, as the real agents hold them one node each).
    var sampled = 0
    let step = max(1, world.pods.count / 100)
    let mapsTime = seconds {
        for i in stride(from: 0, to: world.pods.count, by: step) { if agent!.maps(ofPod: i) != nil { sampled += 1 } }
    }
    var findings = 0
    let findingsTime = skipFindings ? 0 : seconds { findings = agent!.findings().count }

    // N policies selecting both ends: every pod of the source's namespace.
    let candidates = world.pods.filter { !$0.hostNetwork }
    guard let src = candidates.first, let dst = candidates.first(where: { $0.namespace == src.namespace && $0.key != src.key && $0.nodeName != src.nodeName }) ?? candidates.first(where: { $0.namespace == src.namespace && $0.key != src.key }) else {
        FileHandle.standardError.write(Data("need two pods in one namespace\n".utf8)); exit(2)
    }
    var extra = world.networkPolicies
    let here = SourceLocation(file: "bench", line: 1, column: 1)
    for k in 0..<bothEnds {
        let third = UInt8(k % 250)
        let rule = NetworkPolicy.Rule(peers: [
            NetworkPolicy.Peer(podSelector: LabelSelector(matchLabels: ["app": "nobody-\(k)"]), namespaceSelector: nil, ipBlock: nil),
            NetworkPolicy.Peer(podSelector: nil, namespaceSelector: nil,
                               ipBlock: (IPv4CIDR(network: IPv4Address(172, 16, third, 0), prefixLength: 24), [IPv4CIDR(network: IPv4Address(172, 16, third, 128), prefixLength: 25)])),
        ], ports: [NetworkPolicy.Port(ipProtocol: .tcp, port: .number(UInt16(9000 + k % 500)), endPort: nil)])
        extra.append(NetworkPolicy(meta: ObjectMeta(name: "both-\(k)", namespace: src.namespace, location: here), podSelector: LabelSelector(),
                                   policyTypes: [.Ingress, .Egress], ingress: [rule], egress: [rule]))
    }
    // …and one that allows the pair on 8080 both ways.
    let pairRule = NetworkPolicy.Rule(peers: [NetworkPolicy.Peer(podSelector: LabelSelector(), namespaceSelector: nil, ipBlock: nil)],
                                      ports: [NetworkPolicy.Port(ipProtocol: .tcp, port: .number(8080), endPort: nil)])
    extra.append(NetworkPolicy(meta: ObjectMeta(name: "pair", namespace: src.namespace, location: here), podSelector: LabelSelector(),
                               policyTypes: [.Ingress, .Egress], ingress: [pairRule], egress: [pairRule]))
    let w2 = PolicyWorld(namespaceLabels: world.namespaceLabels, pods: world.pods, services: world.services, networkPolicies: extra, nodeIPs: world.nodeIPs)
    let a2 = VPCCNIPolicyAgent(world: w2)
    guard let si = a2.podIndex(key: src.key), let di = a2.podIndex(key: dst.key) else { exit(2) }
    let first = seconds {
        _ = a2.evaluate(pod: si, direction: .egress, peer: .ipv4(dst.ip), ipProtocol: .tcp, port: 8080)
        _ = a2.evaluate(pod: di, direction: .ingress, peer: .ipv4(src.ip), ipProtocol: .tcp, port: 8080)
    }
    var agentTimes: [Double] = []
    var allowed = true
    for _ in 0..<evaluations {
        agentTimes.append(seconds {
            let e = a2.evaluate(pod: si, direction: .egress, peer: .ipv4(dst.ip), ipProtocol: .tcp, port: 8080)
            let n = a2.evaluate(pod: di, direction: .ingress, peer: .ipv4(src.ip), ipProtocol: .tcp, port: 8080)
            allowed = allowed && e.isAllowed && n.isAllowed
        })
    }
    // The linear scan walks every policy; the entries of those selecting either pod are written
    // out once beforehand (the others' are never read).
    let pe2 = a2.policyEndpoints.map { pe in
        let read = pe.selectedPods.contains(si) || pe.selectedPods.contains(di)
        return (selectedPods: pe.selectedPods, ingress: read ? pe.ingress : [], egress: read ? pe.egress : [])
    }
    var linearTimes: [Double] = []
    var linearAllowed = true
    for _ in 0..<max(1, evaluations / 10) {
        linearTimes.append(seconds {
            let e = linearAllows(pe2, w2, pod: si, direction: .egress, peer: dst.ip, port: 8080)
            let n = linearAllows(pe2, w2, pod: di, direction: .ingress, peer: src.ip, port: 8080)
            linearAllowed = linearAllowed && e && n
        })
    }
    let out: [String: Any] = [
        "file": args[2], "pods": world.pods.count, "policies": world.networkPolicies.count, "services": world.services.count,
        "resolveMedianSeconds": median(resolveTimes), "naiveResolveMedianSeconds": median(naiveTimes),
        "resolvedEntries": indexedCount, "naiveResolvedEntries": naiveCount,
        "agentInitSeconds": agentInit, "sampledGroupMapsSeconds": mapsTime, "sampledGroups": sampled, "findingsSeconds": findingsTime, "findings": findings,
        "bothEndsPolicies": bothEnds + 1, "pair": "\(src.key) -> \(dst.key)",
        "firstEvaluationIncludingMapsMicroseconds": first * 1e6,
        "evaluationPairMedianMicroseconds": median(agentTimes) * 1e6,
        "evaluationPairP99Microseconds": agentTimes.sorted()[agentTimes.count * 99 / 100] * 1e6,
        "linearScanPairMedianMicroseconds": median(linearTimes) * 1e6,
        "allowed": allowed, "linearScanAllowed": linearAllowed,
    ]
    let data = (try? JSONSerialization.data(withJSONObject: out, options: [.sortedKeys, .prettyPrinted])) ?? Data()
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// The PolicyWorld of a realized cluster (running pods with addresses; Services with ClusterIPs).
/// Selection and peers by scanning every pod for every selector (no index): entry count only.
func naiveResolveCount(_ w: PolicyWorld) -> Int {
    var count = 0
    func nsLabels(_ n: String) -> [String: String] { var l = w.namespaceLabels[n] ?? [:]; l["kubernetes.io/metadata.name"] = n; return l }
    for p in w.networkPolicies {
        for pod in w.pods where pod.namespace == p.meta.namespace && !pod.hostNetwork && p.podSelector.matches(pod.labels) { count += 1 }
        for (isEgress, rules) in [(false, p.ingress), (true, p.egress)] {
            for rule in rules {
                if rule.peers.isEmpty { count += 1; continue }
                for peer in rule.peers {
                    if peer.ipBlock != nil { count += 1; continue }
                    for pod in w.pods {
                        let nsOK = peer.namespaceSelector.map { $0.matches(nsLabels(pod.namespace)) } ?? (pod.namespace == p.meta.namespace)
                        if nsOK && (peer.podSelector?.matches(pod.labels) ?? true) { count += 1 }
                    }
                    if isEgress {
                        for s in w.services where (peer.namespaceSelector.map { $0.matches(nsLabels(s.meta.namespace)) } ?? (s.meta.namespace == p.meta.namespace)) {
                            if s.clusterIP != nil, s.clusterIP != "None", (peer.podSelector ?? LabelSelector()).matches(s.selector ?? [:]) { count += 1 }
                        }
                    }
                }
            }
        }
    }
    return count
}

/// A linear scan of the policies: every policy selecting the pod, every entry of the direction,
/// containment and port (upstream-style union, enough to time the scan).
func linearAllows(_ pes: [(selectedPods: [Int], ingress: [PolicyEndpointEntry], egress: [PolicyEndpointEntry])], _ w: PolicyWorld,
                  pod i: Int, direction: PolicyDirection, peer: IPv4Address, port: UInt16) -> Bool {
    var allowed = false
    for pe in pes where pe.selectedPods.contains(i) {
        for e in (direction == .ingress ? pe.ingress : pe.egress) where e.cidr.contains(peer) && !e.except.contains(where: { $0.contains(peer) }) {
            if e.ports.isEmpty || e.ports.contains(where: { ($0.port == nil || $0.port == port || (($0.port ?? 0) < port && port <= ($0.endPort ?? 0))) && $0.ipProtocol == .tcp }) {
                allowed = true
            }
        }
    }
    return allowed
}
