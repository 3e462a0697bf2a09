import Foundation
import NetsimKube
import NetsimModel
import Testing

/// The interpreter on kube-proxy's TestOverallIPTablesRules ruleset, with the flows of
/// proxier_test.go's packet tracer: the endpoints a flow can reach (every random branch),
/// whether it is masqueraded, or the filter verdict.
@Suite("iptables interpreter")
struct InterpreterTests {
    static let ruleset: IPTablesInterpreter? = {
        let url = KubeProxyGoldenTests.fixtures.appendingPathComponent("overall.rules")
        guard let text = try? String(contentsOf: url, encoding: .utf8), let dump = try? IPTablesDump.parse(text).get() else { return nil }
        return IPTablesInterpreter(dump: dump, localAddresses: [IPv4Address(192, 168, 0, 2), IPv4Address(192, 168, 1, 2)],
                                   interfaceAddresses: ["eth0": IPv4Address(192, 168, 0, 2)])
    }()

    /// "10.180.0.1:80, …", "DROP", "REJECT", "ACCEPT" or "", and whether the mark was set.
    static func trace(_ src: String, _ dst: String, _ port: UInt16, proto: String = "tcp") throws -> (String, Bool) {
        let ipt = try #require(ruleset)
        let s = try #require(IPv4Address(src)), d = try #require(IPv4Address(dst))
        var packet = NodePacket(Packet(ipProtocol: NodePacket.ipProtocol(named: proto) ?? .tcp, source: s, destination: d, sourcePort: 40000, destinationPort: port))
        packet.ctstate = "NONE"   // the upstream tracer's rules on conntrack state never match
        var targets: [String] = []
        var masq = false
        var k = 0
        while true {
            let nat = ipt.run(table: "nat", chain: "KUBE-SERVICES", packet: packet, choice: .branch(k))
            if nat.packet.destination != packet.destination || nat.packet.destinationPort != packet.destinationPort {
                let t = "\(nat.packet.destination):\(nat.packet.destinationPort)"
                if !targets.contains(t) { targets.append(t) }
            }
            if nat.packet.mark & 0x4000 != 0 { masq = true }
            if k >= nat.branchesMet { break }
            k += 1
        }
        if !targets.isEmpty { return (targets.sorted().joined(separator: ", "), masq) }
        for chain in ["KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-NODEPORTS", "KUBE-PROXY-FIREWALL"] {
            let f = ipt.run(table: "filter", chain: chain, packet: packet, choice: .branch(0))
            if f.hits.contains(where: { $0.rule.hasSuffix("-j DROP") }) { return ("DROP", masq) }
            if f.hits.contains(where: { $0.rule.hasSuffix("-j REJECT") }) { return ("REJECT", masq) }
            if f.hits.contains(where: { $0.rule.hasSuffix("-j ACCEPT") }) { return ("ACCEPT", masq) }
        }
        return ("", masq)
    }

    @Test(arguments: [
        ("10.0.0.2", "10.0.0.3", UInt16(80), "", false),
        ("10.0.0.2", "172.30.0.41", 80, "10.180.0.1:80", false),
        ("10.0.0.2", "172.30.0.44", 80, "10.180.0.4:80, 10.180.0.5:80", false),
        ("192.168.0.2", "192.168.99.22", 80, "10.180.0.2:80", true),
        ("203.0.113.2", "192.168.99.22", 80, "DROP", false),
        ("192.168.0.2", "192.168.0.2", 30000, "ACCEPT", false),
        ("10.0.0.2", "172.30.0.46", 80, "REJECT", false),
        ("203.0.113.2", "172.30.0.41", 80, "10.180.0.1:80", true),
        ("10.180.0.1", "172.30.0.41", 80, "10.180.0.1:80", true),
        ("203.0.113.2", "1.2.3.4", 80, "DROP", false),
        ("10.0.0.2", "1.2.3.4", 80, "10.180.0.2:80", false),
        ("127.0.0.1", "127.0.0.1", 3001, "10.180.0.2:80", true),
        ("203.0.113.2", "192.168.0.2", 3003, "10.180.0.3:80", true),
        ("203.0.113.2", "192.168.1.2", 3003, "10.180.0.3:80", true),
        ("203.0.113.2", "5.6.7.8", 80, "10.180.0.3:80", true),
        ("203.0.113.130", "5.6.7.8", 80, "DROP", false),
        ("10.0.0.2", "5.6.7.8", 80, "DROP", false),
        ("203.0.113.130", "192.168.0.2", 3002, "10.180.0.3:80", true),
        ("10.0.0.2", "172.30.0.41", 443, "", false),
    ] as [(String, String, UInt16, String, Bool)])
    func flows(src: String, dst: String, port: UInt16, output: String, masq: Bool) throws {
        let (got, gotMasq) = try Self.trace(src, dst, port)
        #expect(got == output, "\(src) → \(dst):\(port)")
        #expect(gotMasq == masq, "\(src) → \(dst):\(port) masquerade")
    }

    /// A seeded walk takes one branch; over many seeds both endpoints of a two-endpoint
    /// Service come up about equally (probability 0.5 each).
    @Test func seededBranches() throws {
        let ipt = try #require(Self.ruleset)
        var counts: [String: Int] = [:]
        for seed in 0..<400 {
            let p = NodePacket(Packet(ipProtocol: NodePacket.ipProtocol(named: "tcp") ?? .tcp, source: IPv4Address(10, 0, 0, 2), destination: IPv4Address(172, 30, 0, 44), sourcePort: 40000, destinationPort: 80))
            let w = ipt.run(table: "nat", chain: "KUBE-SERVICES", packet: p, choice: .seeded(UInt64(seed)))
            counts[w.packet.destination.description, default: 0] += 1
            // The first endpoint's rule matched with probability 0.5, or the last one took it.
            #expect(w.hits.contains { $0.probability == 0.5 } == (w.packet.destination == IPv4Address(10, 180, 0, 4)))
            #expect(w.branchesMet == 1)
        }
        #expect(counts.keys.sorted() == ["10.180.0.4", "10.180.0.5"])
        #expect((150...250).contains(counts["10.180.0.4"] ?? 0))
        #expect(ipt.unparsed.isEmpty)
    }

    /// The destination index never changes a walk: on a generated ruleset (300 Services, 1–12
    /// endpoints, every policy the generator mixes) indexed and linear walks give the same
    /// verdict, packet, rules hit and random rules met, for every table and hook.
    @Test func indexedWalkEqualsLinearWalk() throws {
        for (services, eps) in [(300, 12), (40, 1)] {
            let gen = SyntheticServices.generate(services: services, endpointsPerService: eps, seed: 5)
            let text = gen.render().text
            let dump = try IPTablesDump.parse(text).get()
            var indexed = IPTablesInterpreter(dump: dump, localAddresses: [SyntheticServices.nodeIP], interfaceAddresses: ["eth0": SyntheticServices.nodeIP])
            #expect(indexed.unparsed.isEmpty)
            var linear = indexed
            linear.linear = true
            indexed.linear = false
            var dnats = 0, verdicts = Set<String>()
            for (k, p) in gen.packets(3000, seed: 9).enumerated() {
                for (table, chain) in [("nat", "KUBE-SERVICES"), ("filter", "KUBE-SERVICES"), ("filter", "KUBE-EXTERNAL-SERVICES"),
                                       ("filter", "KUBE-PROXY-FIREWALL"), ("filter", "KUBE-NODEPORTS")] {
                    let choice: BranchChoice = k % 2 == 0 ? .seeded(UInt64(k)) : .branch(k % 5)
                    let a = indexed.run(table: table, chain: chain, packet: p, choice: choice)
                    let b = linear.run(table: table, chain: chain, packet: p, choice: choice)
                    #expect(a.verdict == b.verdict && a.packet == b.packet && a.branchesMet == b.branchesMet, "\(table) \(chain) \(p)")
                    #expect(a.hits.map(\.rule) == b.hits.map(\.rule), "\(table) \(chain) \(p)")
                    if a.packet.destination != p.destination { dnats += 1 }
                    verdicts.insert("\(table)/\(a.verdict.rawValue)")
                }
            }
            // The packets exercise the rules: translations, rejections and drops all occur.
            #expect(dnats > 1000)
            if services >= 300 { #expect(verdicts.isSuperset(of: ["filter/REJECT", "filter/DROP", "nat/ACCEPT"]), "\(verdicts)") }
        }
    }

    /// A rule the interpreter cannot read in full is not read at all, and is reported: never
    /// half-read into a rule that matches more than it should.
    @Test(arguments: [
        "-A KUBE-SERVICES -m comment --comment \"lab/web:ht\"tp cluster IP\" -m tcp -p tcp -d 172.20.0.5 --dport 80 -j KUBE-SVC-X",
        "-A INPUT -m iprange --src-range 10.0.0.1-10.0.0.9 -j DROP",
        "-A INPUT -p tcp --dport 22 -j LOG",
        "-A FORWARD -m conntrack --ctstate NEW --ctproto tcp -j ACCEPT",
        "-A KUBE-SEP-X -m tcp -p tcp -j DNAT --to-destination",
        "-A KUBE-SEP-X -j MARK --set-mark",
        "-A X -j",
    ])
    func unreadableRulesAreReported(_ line: String) throws {
        #expect(IPTablesRule.parse(line) == nil)
        let dump = try IPTablesDump.parse("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:X - [0:0]\n:KUBE-SERVICES - [0:0]\n:KUBE-SEP-X - [0:0]\n\(line)\nCOMMIT\n").get()
        let ipt = IPTablesInterpreter(dump: dump, localAddresses: [], interfaceAddresses: [:])
        #expect(ipt.unparsed == [line])
    }
}
