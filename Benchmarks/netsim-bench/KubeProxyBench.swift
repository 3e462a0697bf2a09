import Foundation
import NetsimKube
import NetsimModel

/// `netsim-bench kube-proxy [--services N] [--endpoints M] [--packets P] [--rules-out FILE]`:
/// renders one node's nat and filter tables for N Services × M endpoints (median of 7), counts
/// the rules, writes the iptables-restore text to FILE (for the driver to load into a network
/// namespace with the kernel's iptables-restore), then walks P generated packets through
/// nat KUBE-SERVICES and filter KUBE-SERVICES with the destination index and with a linear walk.
func kubeProxyBench(_ args: [String]) {
    var services = 3000, endpoints = 10, packets = 200_000
    var rulesOut: String? = nil
    var i = 2
    while i + 1 < args.count {
        switch args[i] {
        case "--services": services = Int(args[i + 1]) ?? services
        case "--endpoints": endpoints = Int(args[i + 1]) ?? endpoints
        case "--packets": packets = Int(args[i + 1]) ?? packets
        case "--rules-out": rulesOut = args[i + 1]
        default: break
        }
        i += 2
    }
    let gen = SyntheticServices.generate(services: services, endpointsPerService: endpoints, seed: 1)
    var text = IPTablesRestoreText()
    var renders: [Double] = []
    for _ in 0..<7 { renders.append(seconds { text = gen.render() }) }
    renders.sort()
    var body = ""
    let textTime = seconds { body = text.text }
    if let rulesOut { try? body.write(toFile: rulesOut, atomically: true, encoding: .utf8) }
    var dump = IPTablesDump()
    let parseTime = seconds { dump = (try? IPTablesDump.parse(body).get()) ?? IPTablesDump() }
    var ipt = IPTablesInterpreter(dump: dump, localAddresses: [SyntheticServices.nodeIP], interfaceAddresses: ["eth0": SyntheticServices.nodeIP])
    let load = seconds { ipt = IPTablesInterpreter(dump: dump, localAddresses: [SyntheticServices.nodeIP], interfaceAddresses: ["eth0": SyntheticServices.nodeIP]) }
    let pkts = gen.packets(packets, seed: 2)
    func walkAll(_ ipt: IPTablesInterpreter, _ pkts: ArraySlice<NodePacket>) -> (Double, Int) {
        var dnat = 0
        let t = seconds {
            for (k, p) in pkts.enumerated() {
                let nat = ipt.run(table: "nat", chain: "KUBE-SERVICES", packet: p, choice: .seeded(UInt64(k)))
                if nat.packet.destination != p.destination { dnat += 1 }
                let f = ipt.run(table: "filter", chain: "KUBE-SERVICES", packet: nat.packet, choice: .branch(0))
                if f.verdict != .accept { dnat += 0 }
            }
        }
        return (t, dnat)
    }
    let (indexedTime, indexedDNAT) = walkAll(ipt, pkts[...])
    var linear = ipt
    linear.linear = true
    let linearCount = min(pkts.count, 20_000)
    let (linearTime, linearDNAT) = walkAll(linear, pkts.prefix(linearCount))
    let (indexedPrefixTime, indexedPrefixDNAT) = walkAll(ipt, pkts.prefix(linearCount))
    let nat = dump.table("nat")?.chains.reduce(0) { $0 + $1.rules.count } ?? 0
    let filter = dump.table("filter")?.chains.reduce(0) { $0 + $1.rules.count } ?? 0
    let out: [String: Any] = [
        "services": services, "endpointsPerService": endpoints,
        "natRules": nat, "filterRules": filter, "rules": nat + filter,
        "natChains": dump.table("nat")?.chains.count ?? 0, "bytes": body.utf8.count,
        "renderMedianMilliseconds": renders[renders.count / 2] * 1e3, "renderMinMilliseconds": renders[0] * 1e3,
        "textMilliseconds": textTime * 1e3, "parseMilliseconds": parseTime * 1e3, "interpreterLoadMilliseconds": load * 1e3,
        "packets": pkts.count, "packetsTranslated": indexedDNAT,
        "indexedMicrosecondsPerPacket": indexedTime / Double(pkts.count) * 1e6,
        "linearPackets": linearCount,
        "linearMicrosecondsPerPacket": linearTime / Double(linearCount) * 1e6,
        "indexedMicrosecondsPerPacketSamePackets": indexedPrefixTime / Double(linearCount) * 1e6,
        "sameTranslationsAsLinear": linearDNAT == indexedPrefixDNAT,
    ]
    if let data = try? JSONSerialization.data(withJSONObject: out, options: [.sortedKeys, .prettyPrinted]) {
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
