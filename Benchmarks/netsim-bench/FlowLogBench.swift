// netsim-bench flow-logs [--records N] [--nodes N] [--pods N] [--seed S] [--keep FILE]
//
// Generates a topology (`netsim generate`'s generator), then a deterministic gzip VPC Flow Logs
// file of N records (default 1,000,000) against it: connections between running pods on the
// Services' ports, each logged as VPC Flow Logs logs a connection between two ENIs (four records:
// the client's ENI out, the server's ENI in, and the reply both ways) in several aggregation
// windows, plus refused connections from the internet, NODATA records and records of an ENI the
// topology does not have. Times, in the same run: `zcat FILE | wc -l`, Python's gzip reader
// counting lines, and netsim's reading (zlib, the reader, grouping) and judging of every record.
// Prints one JSON object.
import Foundation
import NetsimFlow
import NetsimModel
import NetsimPcap
import NetsimTopology

func flowLogBench(_ args: [String]) {
    var records = 1_000_000, nodes = 30, pods = 600, seed: UInt64 = 7
    var keep: String? = nil
    var i = 2
    while i + 1 < args.count {
        switch args[i] {
        case "--records": records = Int(args[i + 1]) ?? records
        case "--nodes": nodes = Int(args[i + 1]) ?? nodes
        case "--pods": pods = Int(args[i + 1]) ?? pods
        case "--seed": seed = UInt64(args[i + 1]) ?? seed
        case "--keep": keep = args[i + 1]
        default: break
        }
        i += 2
    }
    let gen = TopologyGenerator(nodes: nodes, pods: pods, services: max(1, pods / 20), securityGroups: 10, seed: seed)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netsim-flowlog-bench-\(getpid())")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let topoPath = dir.appendingPathComponent("generated.yaml").path
    try? gen.render().write(toFile: topoPath, atomically: true, encoding: .utf8)
    guard let t = TopologyLoader(catalog: .builtin).load(path: topoPath).validTopology else {
        FileHandle.standardError.write(Data("the generated topology does not load\n".utf8)); exit(2)
    }
    var network: Network! = nil
    let buildTime = seconds { network = Network(topology: t, catalog: .builtin) }
    let f = network.fabric

    // Pods with an address, and the ports their Services serve.
    let podIPs: [IPv4Address] = f.realized.pods.filter { !$0.hostNetwork && $0.status == .running }.compactMap(\.ip)
    var ports: [UInt16] = []
    for s in t.kubernetes.services { for p in s.ports { if case .number(let n) = p.targetPort { ports.append(n) } else { ports.append(p.port) } } }
    if ports.isEmpty { ports = [8080] }
    var rng = SplitMix64(seed: seed)
    func pick<T>(_ a: [T]) -> T { a[Int(rng.next() % UInt64(a.count))] }
    func eni(_ ip: IPv4Address) -> String { f.ownerOf(ip).map { f.interfaces[$0].id } ?? "eni-00000000000000000" }

    var text = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"
    text.reserveCapacity(records * 130)
    var n = 0
    var start = 1_767_225_600
    let windows = 5
    func line(_ e: String, _ s: String, _ d: String, _ sp: UInt16, _ dp: UInt16, _ proto: Int, _ action: String) {
        let packets = 1 + Int(rng.next() % 40)
        text += "2 123456789012 \(e) \(s) \(d) \(sp) \(dp) \(proto) \(packets) \(packets * 120) \(start) \(start + 60) \(action) OK\n"
        n += 1
    }
    while n < records {
        let roll = rng.next() % 100
        if roll < 2 {
            // A scan from the internet, refused at the pod's node ENI.
            let p = pick(podIPs)
            line(eni(p), "198.51.100.\(1 + rng.next() % 200)", "\(p)", UInt16(1024 + rng.next() % 60000), 22, 6, "REJECT")
        } else if roll < 3 {
            text += "2 123456789012 \(eni(pick(podIPs))) - - - - - - - \(start) \(start + 60) - NODATA\n"; n += 1
        } else if roll < 4 {
            line("eni-0feedfacefeedface", "10.250.0.\(rng.next() % 250)", "10.250.1.\(rng.next() % 250)", 40000, 443, 6, "ACCEPT")
        } else {
            // A connection between two pods, logged in several windows.
            let c = pick(podIPs), s = pick(podIPs)
            if c == s || f.ownerOf(c) == f.ownerOf(s) { continue }
            let sp = UInt16(32768 + rng.next() % 28000), dp = pick(ports)
            let (ce, se) = (eni(c), eni(s))
            for w in 0..<windows where n < records {
                start = 1_767_225_600 + w * 60
                line(ce, "\(c)", "\(s)", sp, dp, 6, "ACCEPT")
                line(se, "\(c)", "\(s)", sp, dp, 6, "ACCEPT")
                line(se, "\(s)", "\(c)", dp, sp, 6, "ACCEPT")
                line(ce, "\(s)", "\(c)", dp, sp, 6, "ACCEPT")
            }
            start = 1_767_225_600
        }
    }
    let gzPath = keep ?? dir.appendingPathComponent("flows.log.gz").path
    var gz: [UInt8] = []
    let compressTime = seconds { gz = TextInput.gzip(Array(text.utf8), level: 1) }
    _ = FileManager.default.createFile(atPath: gzPath, contents: Data(gz))
    let textBytes = text.utf8.count
    text = ""

    func shell(_ command: String) -> (String, Double) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        let pipe = Pipe()
        p.standardOutput = pipe
        var out = ""
        let time = seconds {
            try? p.run()
            out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
        }
        return (out.trimmingCharacters(in: .whitespacesAndNewlines), time)
    }
    let (zcatLines, zcatTime) = shell("zcat '\(gzPath)' | wc -l")
    let (pyLines, pyTime) = shell("python3 -c \"import gzip,sys; print(sum(1 for _ in gzip.open(sys.argv[1], 'rb')))\" '\(gzPath)'")

    // netsim: read (zlib), parse, group, judge.
    var reader = FlowLogReader()
    var tally = FlowLogTally()
    var verdicts: [FlowLogVerdict] = []
    var readTime = 0.0, judgeTime = 0.0
    var failure: String? = nil
    readTime = seconds {
        do {
            _ = try TextInput.read(gzPath) { chunk in try reader.feed(chunk) { tally.add($0) } }
            try reader.finish { tally.add($0) }
        } catch { failure = "\(error)" }
    }
    judgeTime = seconds { verdicts = network.judge(tally, interfaceIDs: reader.interfaceIDs) }
    var agreement: [String: Int] = [:]
    for v in verdicts { agreement[v.agreement.rawValue, default: 0] += v.group.records }

    let result: [String: Any] = [
        "records": records, "textBytes": textBytes, "gzipBytes": gz.count, "nodes": nodes, "pods": podIPs.count,
        "topologyBuildSeconds": buildTime, "gzipWriteSeconds": compressTime,
        "zcatWcLines": Int(zcatLines) ?? -1, "zcatWcSeconds": zcatTime,
        "pythonGzipLines": Int(pyLines) ?? -1, "pythonGzipSeconds": pyTime,
        "netsimRecordsRead": tally.records, "netsimGroups": tally.groups.count,
        "netsimReadSeconds": readTime, "netsimJudgeSeconds": judgeTime, "netsimTotalSeconds": readTime + judgeTime,
        "recordsByAgreement": agreement, "noData": tally.noData, "error": failure ?? "",
    ]
    let data = (try? JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    print(String(decoding: data, as: UTF8.self))
}
