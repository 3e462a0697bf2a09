import Foundation
@testable import NetsimFlow
import NetsimKube
import NetsimModel
import NetsimTestSupport
import Testing

/// The Linux kernel agrees with netsim on an IPv6 cluster's node: its ip6tables (kube-proxy's
/// IPv6 proxier) and iptables (the egress plugin's chains) load with `ip6tables-restore` and
/// `iptables-restore` and save back as netsim prints them, and IPv6 probes walk the same rules.
///
///     ext ns ──veth── eth0 [node ns] eni<pod A> ──veth── pod A ns (client)
///                              eni<pod B> ──veth── pod B ns (endpoint; drops what it gets)
///
/// Everything happens in namespaces of the test's own (unique names, deleted afterwards); the
/// root namespace is never touched. For each probe the node's counters are zeroed, one TCP SYN
/// is sent from pod A (python3, a 0.3 s connect: one SYN, no retransmission), and every rule
/// of nat and filter whose packet counter moved (`ip6tables-save -c`) must be a rule the
/// interpreter's walk matched (nat PREROUTING, the route, filter FORWARD, nat POSTROUTING), and
/// the reverse.
@Suite("kernel agreement, IPv6 node")
struct KernelAgreementIPv6Tests {
    static var canMakeNamespaces: Bool { NetworkNamespace.available && Subprocess.which("ip6tables-restore") != nil }

    static let clusterIP1 = IPv6Address("fd12:3456:789a::a")!
    static let clusterIP2 = IPv6Address("fd12:3456:789a::b")!
    static let clusterIP3 = IPv6Address("fd12:3456:789a::c")!

    /// Three Services: one endpoint (pod B) with a NodePort, two endpoints with ClientIP
    /// affinity, none (REJECT).
    static func services(_ a: IPv6Address, _ b: IPv6Address) -> ([ProxiedServicePort], [String: [ProxiedEndpoint]]) {
        var s1 = ProxiedServicePort(namespace: "shop", name: "web", portName: "", port: 80, clusterIP: nil, nodePort: 30080)
        s1.clusterIP = .ipv6(clusterIP1)
        var s2 = ProxiedServicePort(namespace: "shop", name: "sticky", portName: "http", port: 80, clusterIP: nil, affinityTimeout: 10800)
        s2.clusterIP = .ipv6(clusterIP2)
        var s3 = ProxiedServicePort(namespace: "shop", name: "empty", portName: "", port: 80, clusterIP: nil)
        s3.clusterIP = .ipv6(clusterIP3)
        return ([s1, s2, s3], [
            "shop/web/tcp": [ProxiedEndpoint(address: .ipv6(b), port: 8080)],
            "shop/sticky:http/tcp": [ProxiedEndpoint(address: .ipv6(a), port: 8080), ProxiedEndpoint(address: .ipv6(b), port: 8080)],
        ])
    }

    func setUp() throws -> (FabricIndex, RealizedNodeRef, [IPv6Address]) {
        let (f, n, pods) = try IPv6NodeDatapathTests().node()
        let ips = pods.compactMap(\.ipv6)
        return (f, RealizedNodeRef(name: n.name, pods: pods.map { ($0.namespace, $0.name) }), ips)
    }

    struct RealizedNodeRef { var name: String; var pods: [(String, String)] }

    /// `ip6tables-save` and `iptables-save` after loading netsim's text print what netsim's saved
    /// forms print, byte for byte (nfacct off: a namespace has no nfacct objects).
    @Test(.enabled(if: KernelAgreementIPv6Tests.canMakeNamespaces, "needs root, iproute2, ip6tables-restore and `ip netns add`"))
    func savedFormsAreTheKernels() throws {
        let (f, n, ips) = try setUp()
        let dp = try #require(NodeDatapath(fabric: f, node: n.name, services: Self.services(ips[0], ips[1])) { $0.nfacct = false })
        let text6 = try #require(dp.ip6tablesText)
        try NetworkNamespace.with(prefix: "netsim-v6save") { ns in
            for (tool, text, family) in [("ip6tables", text6, IPFamily.ipv6), ("iptables", dp.iptablesText, .ipv4)] {
                let restore = ns.exec("\(tool)-restore", input: text)
                try #require(restore.status == 0, "\(tool)-restore: \(restore.err)")
                let save = ns.exec("\(tool)-save")
                let kernel = save.out.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#") }.joined(separator: "\n")
                let ours = IPTablesSaveForm.text(try IPTablesDump.parse(text).get(), family: family)
                if kernel != ours {
                    let k = kernel.split(separator: "\n"), o = ours.split(separator: "\n")
                    let first = zip(k, o).first { $0 != $1 }
                    Issue.record("\(tool): first difference: kernel \(first.map { String($0.0) } ?? "(length)") / netsim \(first.map { String($0.1) } ?? "(length)")")
                }
            }
        }
    }

    struct Probe { var label: String; var destination: IPv6Address; var port: UInt16 }

    @Test(.enabled(if: KernelAgreementIPv6Tests.canMakeNamespaces, "needs root, iproute2, ip6tables-restore and `ip netns add`"))
    func probesWalkTheSameRules() throws {
        let (f, n, ips) = try setUp()
        let a = ips[0], b = ips[1]
        let services = Self.services(a, b)
        let dp = try #require(NodeDatapath(fabric: f, node: n.name, services: services) { $0.nfacct = false })
        let v6 = try #require(dp.host.ipv6)
        let text = try #require(dp.ip6tablesText)
        let tracer = Tracer(fabric: f, services: services)
        var ipt = try #require(tracer.datapaths.get(n.name)?.interpreter6)
        // The walk's interpreter holds what netsim prints (nfacct is inert to it).
        ipt = IPTablesInterpreter(dump: try IPTablesDump.parse(text).get(), localAddresses: [], interfaceAddresses: [:])
        ipt.family = .ipv6
        ipt.localAddresses6 = [v6.nodeAddress]
        let podA = try #require(v6.pod(at: a)), podB = try #require(v6.pod(at: b))

        let set = NamespaceSet()
        defer { set.deleteAll() }
        let hex = String(format: "%06x", UInt32.random(in: 0...0xFFFFFF))
        let node = try set.create("netsim-v6node-\(hex)"), ext = try set.create("netsim-v6ext-\(hex)")
        let nsA = try set.create("netsim-v6a-\(hex)"), nsB = try set.create("netsim-v6b-\(hex)")
        func must(_ r: ProcessResult, _ what: String) throws { try #require(r.status == 0, "\(what): \(r.err)") }
        // Quiet IPv6 on new links (no DAD, router solicitations or RAs), forwarding on the node.
        let quiet = ["net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.default.dad_transmits=0", "net.ipv6.conf.default.accept_ra=0",
                     "net.ipv6.conf.default.router_solicitations=0", "net.ipv6.conf.all.accept_ra=0"]
        for ns in [node, ext, nsA, nsB] { try must(ns.exec("sysctl", ["-q", "-w"] + quiet), "sysctls in \(ns.name)") }
        try must(node.exec("sysctl", ["-q", "-w", "net.ipv6.conf.all.forwarding=1", "net.ipv6.icmp.ratelimit=0"]), "node forwarding")
        let macA = "02:00:00:00:0a:01", macB = "02:00:00:00:0b:01", macExt = "02:00:00:00:0e:01"
        let hostA = "02:00:00:00:0a:02", hostB = "02:00:00:00:0b:02"
        try must(node.ip(["link", "add", "nv\(hex)x", "type", "veth", "peer", "name", "ext0", "netns", ext.name, "address", macExt]), "veth to ext")
        try must(node.ip(["link", "set", "nv\(hex)x", "name", "eth0"]), "eth0")
        try must(node.ip(["link", "add", podA.veth, "address", hostA, "type", "veth", "peer", "name", "eth0", "netns", nsA.name, "address", macA]), "veth to pod A")
        try must(node.ip(["link", "add", podB.veth, "address", hostB, "type", "veth", "peer", "name", "eth0", "netns", nsB.name, "address", macB]), "veth to pod B")
        try node.batch([
            "link set lo up", "link set eth0 up", "link set \(podA.veth) up", "link set \(podB.veth) up",
            "addr add \(v6.nodeAddress)/128 dev eth0 nodad",
            "route add \(v6.subnet) dev eth0",
            "neigh add \(HostIPv6.gateway) lladdr \(macExt) dev eth0 nud permanent",
            "route add default via \(HostIPv6.gateway) dev eth0",
            "route add \(a)/128 dev \(podA.veth)", "neigh add \(a) lladdr \(macA) dev \(podA.veth) nud permanent",
            "route add \(b)/128 dev \(podB.veth)", "neigh add \(b) lladdr \(macB) dev \(podB.veth) nud permanent",
        ])
        try ext.batch(["link set lo up", "link set ext0 up"])
        for (ns, ip, host) in [(nsA, a, hostA), (nsB, b, hostB)] {
            try ns.batch(["link set lo up", "link set eth0 up", "addr add \(ip)/128 dev eth0 nodad",
                          "route add fe80::1 dev eth0", "neigh add fe80::1 lladdr \(host) dev eth0 nud permanent",
                          "route add default via fe80::1 dev eth0"])
        }
        // The pods take everything silently, so no answer crosses the node.
        for ns in [nsA, nsB] { try must(ns.exec("ip6tables", ["-P", "INPUT", "DROP"]), "\(ns.name) drops") }
        try must(node.exec("ip6tables-restore", input: text), "ip6tables-restore")

        let probes = [
            Probe(label: "cluster IP → its one endpoint (pod B)", destination: Self.clusterIP1, port: 80),
            Probe(label: "cluster IP with ClientIP affinity", destination: Self.clusterIP2, port: 80),
            Probe(label: "cluster IP without endpoints (REJECT)", destination: Self.clusterIP3, port: 80),
            Probe(label: "cluster IP on a port no rule serves", destination: Self.clusterIP1, port: 81),
            Probe(label: "pod → pod on the node", destination: b, port: 8080),
            Probe(label: "pod → the internet", destination: IPv6Address("2600:1f18::1")!, port: 443),
            Probe(label: "pod → the node's NodePort", destination: v6.nodeAddress, port: 30080),
        ]
        let send = """
        import socket, sys
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.settimeout(0.3)
        s.bind(("\(a)", int(sys.argv[3])))
        try:
            s.connect((sys.argv[1], int(sys.argv[2])))
        except Exception:
            pass
        """
        for (k, probe) in probes.enumerated() {
            for table in ["nat", "filter"] { try must(node.exec("ip6tables", ["-t", table, "-Z"]), "zero \(table)") }
            let sport = UInt16(41000 + k)
            _ = nsA.exec(Self.python, ["-c", send, probe.destination.description, String(probe.port), String(sport)], timeout: 10)
            let kernel = try Self.counted(node.exec("ip6tables-save", ["-c"]).out)
            // The interpreter: nat PREROUTING, the node's route, filter FORWARD or INPUT, nat
            // POSTROUTING (or INPUT), for each random branch kube-proxy's statistic rules offer.
            var walks: [Set<String>] = []
            for branch in 0...2 {
                var np = NodePacket(Packet(ipProtocol: .tcp, source: .ipv6(a), destination: .ipv6(probe.destination), sourcePort: sport, destinationPort: probe.port),
                                    inInterface: podA.veth)
                var hits: [RuleHit] = []
                let nat = ipt.run(table: .nat, chain: .prerouting, packet: np, choice: .branch(branch))
                hits += nat.hits
                np = nat.packet
                guard case .ipv6(let d) = np.destination, let route = v6.route(source: a, destination: d, mark: np.mark) else {
                    Issue.record("\(probe.label): no route"); continue
                }
                np.outInterface = route.isLocal ? "lo" : route.device
                let filter = ipt.run(table: .filter, chain: route.isLocal ? .input : .forward, packet: np, choice: .branch(0))
                hits += filter.hits
                if filter.verdict == .accept { hits += ipt.run(table: .nat, chain: route.isLocal ? .input : .postrouting, packet: np, choice: .branch(0)).hits }
                walks.append(Set(hits.map { "\($0.table) \($0.chain) \($0.index)" }))
            }
            #expect(walks.contains(kernel), "\(probe.label): kernel counted \(kernel.sorted()), netsim walked \(walks.map { $0.sorted() })")
            // Never vacuous: the SYN reached the node (its PREROUTING jump counted), and a cluster
            // IP with endpoints ended in a KUBE-SEP chain's DNAT.
            #expect(kernel.contains { $0.hasPrefix("nat PREROUTING ") }, "\(probe.label): the kernel counted nothing")
            if probe.destination == Self.clusterIP1 && probe.port == 80 { #expect(kernel.contains { $0.hasPrefix("nat KUBE-SEP-") }) }
            if probe.destination == Self.clusterIP3 { #expect(kernel.contains { $0.hasPrefix("filter KUBE-SERVICES ") }) }
        }
    }

    /// `table chain index` of every rule whose packet counter is not zero in `ip6tables-save -c`.
    static func counted(_ save: String) throws -> Set<String> {
        var out: Set<String> = [], table = "", index: [String: Int] = [:]
        for line in save.split(separator: "\n") {
            if line.hasPrefix("*") { table = String(line.dropFirst()); index = [:]; continue }
            guard line.hasPrefix("["), let close = line.firstIndex(of: "]") else { continue }
            let counters = line[line.index(after: line.startIndex)..<close].split(separator: ":")
            let rule = line[line.index(after: close)...].drop { $0 == " " }
            guard rule.hasPrefix("-A "), let chain = rule.dropFirst(3).split(separator: " ").first else { continue }
            let i = (index[String(chain)] ?? 0) + 1
            index[String(chain)] = i
            if let p = counters.first, Int(p) ?? 0 > 0 { out.insert("\(table) \(chain) \(i)") }
        }
        return out
    }

    /// python3 from PATH (ip netns exec runs it by this path).
    static let python: String = {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
        return dirs.map { $0 + "/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "python3"
    }()
}
