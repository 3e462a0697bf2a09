// netsim-bench: engine benchmarks that need to time calls inside one process (release build).
//
//   netsim-bench trace FILE [--traces N] [--seed S] [--singles K]
//   netsim-bench kube-proxy [--services N] [--endpoints M] [--packets P] [--rules-out FILE]
//   netsim-bench alb [--rules N] [--repeat R] [--target-type ip|instance]
//   netsim-bench network-policy FILE [--both-ends N] [--evaluations E]
//   netsim-bench policy-trace FILE [--policies N] [--repeat R]
//   netsim-bench branch-trace FILE [--pairs P] [--repeat R] [--without FILE0]
//   netsim-bench upstream-policy [--policies N] [--pods M] [--namespaces K] [--flows F] [--seed S]
//   netsim-bench tgw-trace [--tables T] [--routes R] [--repeat N]
//   netsim-bench ipv6-trace [--nodes N] [--services S] [--repeat R]
//   netsim-bench flow-logs [--records N] [--nodes N] [--pods N] [--seed S] [--keep FILE]
//   netsim-bench import-aws [--instances N] [--enis E] [--security-groups S] [--route-tables R] [--keep DIR]
//
// Loads FILE, realizes and indexes it and renders what every node's kube-proxy rules share
// (timed separately), then times (1) one representative trace
// repeated, (2) N random traces between pods, nodes, externals and the internet, and (3) the same
// N traces with every lookup done by a plain linear scan of the same interfaces, routes and
// security-group members. Prints one JSON object.
import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimModel
import NetsimTopology
import NetsimVPC

func seconds(_ f: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    f()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let args = CommandLine.arguments
if args.count >= 2, args[1] == "import-aws" {
    importAWSBench(args)
    exit(0)
}
if args.count >= 2, args[1] == "kube-proxy" {
    kubeProxyBench(args)
    exit(0)
}
if args.count >= 2, args[1] == "network-policy" {
    networkPolicyBench(args)
    exit(0)
}
if args.count >= 2, args[1] == "alb" {
    albBench(args)
    exit(0)
}
if args.count >= 2, args[1] == "policy-trace" {
    policyTraceBench(args)
    exit(0)
}
if args.count >= 2, args[1] == "branch-trace" {
    branchTraceBench(args)
    exit(0)
}
if args.count >= 2, args[1] == "tgw-trace" {
    tgwTraceBench(args)
    exit(0)
}
if args.count >= 2, args[1] == "ipv6-trace" {
    ipv6TraceBench(args)
    exit(0)
}
if args.count >= 2, args[1] == "flow-logs" {
    flowLogBench(args)
    exit(0)
}
if args.count >= 2, args[1] == "upstream-policy" {
    upstreamPolicyBench(args)
    exit(0)
}
guard args.count >= 3, args[1] == "trace" else {
    FileHandle.standardError.write(Data("usage: netsim-bench trace FILE [--traces N] [--seed S] [--singles K]\n       netsim-bench kube-proxy [--services N] [--endpoints M] [--packets P] [--rules-out FILE]\n       netsim-bench alb [--rules N] [--repeat R] [--target-type ip|instance]\n       netsim-bench upstream-policy [--policies N] [--pods M] [--namespaces K] [--flows F] [--seed S]\n       netsim-bench ipv6-trace [--nodes N] [--services S] [--repeat R]\n       netsim-bench network-policy FILE [--both-ends N] [--evaluations E]\n       netsim-bench policy-trace FILE [--policies N] [--repeat R]\n       netsim-bench branch-trace FILE [--pairs P] [--repeat R] [--without FILE0]\n       netsim-bench tgw-trace [--tables T] [--routes R] [--repeat N]\n       netsim-bench flow-logs [--records N] [--nodes N] [--pods N] [--seed S] [--keep FILE]\n".utf8))
    exit(64)
}
var traces = 10_000
/// How many times the one representative trace is timed (more for a profiler).
var singlesCount = 2000
var seed: UInt64 = 1
var i = 3
while i + 1 < args.count {
    if args[i] == "--traces", let n = Int(args[i + 1]) { traces = n }
    if args[i] == "--seed", let n = UInt64(args[i + 1]) { seed = n }
    if args[i] == "--singles", let n = Int(args[i + 1]), n > 0 { singlesCount = n }
    i += 2
}

var topology: Topology? = nil
let loadTime = seconds { topology = TopologyLoader(catalog: .builtin).load(path: args[2]).validTopology }
guard let t = topology else { FileHandle.standardError.write(Data("invalid topology\n".utf8)); exit(2) }
var realized: RealizedCluster? = nil
let realizeTime = seconds { realized = Realizer.realize(t, catalog: .builtin) }
guard let r = realized else { exit(2) }
var fabric: FabricIndex? = nil
let indexTime = seconds { fabric = FabricIndex(topology: t, realized: r) }
guard let indexed = fabric else { exit(2) }

// Endpoints: running pods (by address) 55 %, nodes 15 %, externals 15 %, the internet 15 %.
let podEPs: [Endpoint] = r.pods.filter { !$0.hostNetwork && $0.status == .running }.compactMap { $0.ip.map { Endpoint.ip(.ipv4($0)) } }
let nodeEPs: [Endpoint] = r.nodes.map { Endpoint.node($0.name) }
let extEPs: [Endpoint] = t.externals.map { Endpoint.external($0.name) }
let endpoints = podEPs + nodeEPs + extEPs
var rng = SplitMix64(seed: seed)
func pick(_ rng: inout SplitMix64) -> Endpoint {
    let roll = rng.next() % 100
    if roll < 55, !podEPs.isEmpty { return podEPs[Int(rng.next() % UInt64(podEPs.count))] }
    if roll < 70, !nodeEPs.isEmpty { return nodeEPs[Int(rng.next() % UInt64(nodeEPs.count))] }
    if roll < 85, !extEPs.isEmpty { return extEPs[Int(rng.next() % UInt64(extEPs.count))] }
    return .internet
}
let ports: [UInt16] = [22, 53, 80, 443, 5432, 8080, 9090]
var requests: [FlowRequest] = []
while requests.count < traces {
    let a = pick(&rng), b = pick(&rng)
    if a == b || (a == .internet && b == .internet) { continue }
    let udp = rng.next() % 10 == 0
    requests.append(FlowRequest(from: a, to: b, ipProtocol: udp ? .udp : .tcp, port: ports[Int(rng.next() % UInt64(ports.count))]))
}

func network(_ f: FabricIndex) -> ((FlowRequest) -> Network.Outcome, Double) {
    let tracer = Tracer(fabric: f)
    let setup = seconds { tracer.prepareDatapaths() }
    let resolver = EndpointResolver(fabric: f)
    return ({ req in
        guard case .resolved(let s) = resolver.resolve(req.from), case .resolved(let d) = resolver.resolve(req.to) else { return .unsupported("") }
        var p = Packet(ipProtocol: req.ipProtocol, source: s.address, destination: d.address)
        p.destinationPort = req.port ?? 0
        p.sourcePort = EndpointResolver.ephemeralPort(s.address, d.address, p.destinationPort, seed: f.topology.seed)
        return .traced(tracer.trace(from: s, to: d, packet: p))
    }, setup)
}

let (fast, datapathSetup) = network(indexed)
// One representative trace: the first pod to the first external (or to the internet), repeated.
let one = FlowRequest(from: endpoints[0], to: t.externals.first.map { .external($0.name) } ?? .internet, port: 443)
var singles: [Double] = []
for _ in 0..<singlesCount { singles.append(seconds { _ = fast(one) }) }
singles.sort()
var dispositions: [String: Int] = [:]
let indexedTime = seconds {
    for req in requests {
        if case .traced(let tr) = fast(req) { dispositions[tr.disposition.rawValue, default: 0] += 1 }
    }
}
indexed.linearScan = true
let (slow, _) = network(indexed)
var linearDispositions: [String: Int] = [:]
let linearTime = seconds {
    for req in requests {
        if case .traced(let tr) = slow(req) { linearDispositions[tr.disposition.rawValue, default: 0] += 1 }
    }
}
// Every node's own datapath, built on a fresh tracer (after its shared rules).
let fresh = Tracer(fabric: indexed)
fresh.prepareDatapaths()
let nodeBuildTime = seconds { for n in r.nodes { _ = fresh.nodeInterpreter(n.name) } }
let out: [String: Any] = [
    "file": args[2], "interfaces": indexed.interfaces.count, "pods": r.pods.count, "nodes": r.nodes.count,
    "loadSeconds": loadTime, "realizeSeconds": realizeTime, "indexSeconds": indexTime, "datapathSetupSeconds": datapathSetup, "allNodeDatapathsSeconds": nodeBuildTime,
    "oneTraceMedianMicroseconds": singles[singles.count / 2] * 1e6, "oneTraceP99Microseconds": singles[singles.count * 99 / 100] * 1e6,
    "traces": traces, "indexedSeconds": indexedTime, "linearScanSeconds": linearTime,
    "dispositions": dispositions, "sameDispositionsAsLinearScan": dispositions == linearDispositions,
]
let data = try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys, .prettyPrinted])
FileHandle.standardOutput.write(data)
FileHandle.standardOutput.write(Data("\n".utf8))
