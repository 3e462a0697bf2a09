import NetsimIPAM
import NetsimKube
import NetsimModel
import Synchronization

/// Each node's datapath for traces, built the first time a trace crosses the node, sharing
/// what nodes have in common.
///
/// kube-proxy writes the same rules on every node for a Service port whose endpoints do not
/// depend on the node (no Local traffic policy, no load balancer firewall): those ports'
/// rules are rendered once, their own chains (KUBE-SVC, KUBE-SEP, …) kept as text and parsed
/// when a walk first enters them, and their lines in the shared chains (KUBE-SERVICES,
/// KUBE-NODEPORTS, the filter chains) parsed once. A node adds its host rules and the ports
/// that depend on it. The chains a node's interpreter walks are, rule for rule and in order,
/// the chains `netsim node` prints for it (a test compares them).
final class DatapathCache: Sendable {
    /// A class: a trace asks for it at each node it crosses, and a copy of the host and its
    /// interpreters would retain every table of them.
    final class Entry: Sendable {
        let host: HostNetwork
        let interpreter: IPTablesInterpreter
        /// An IPv6 cluster's node: its ip6tables (kube-proxy's IPv6 rules), for IPv6 packets.
        let interpreter6: IPTablesInterpreter?

        init(host: HostNetwork, interpreter: IPTablesInterpreter, interpreter6: IPTablesInterpreter? = nil) {
            self.host = host; self.interpreter = interpreter; self.interpreter6 = interpreter6
        }

        /// The ruleset a packet of this family goes through: iptables for IPv4, ip6tables for
        /// IPv6 (nil on a node without IPv6).
        func interpreter(for family: IPFamily) -> IPTablesInterpreter? { family == .ipv4 ? interpreter : interpreter6 }
    }

    /// What every node shares.
    struct Shared: Sendable {
        var ports: [ProxiedServicePort]
        var endpoints: [String: [ProxiedEndpoint]]
        var large: Bool
        /// Per port (kube-proxy's order): for a port whose rules are the same on every node,
        /// its lines in the shared chains, parsed; nil for a port that depends on the node.
        var common: [[(table: NetfilterTable, chain: ChainName, rule: IPTablesRule)]?]
        var chains: SharedChains
        var podsByNode: [String: [RealizedPod]]
    }

    let fabric: FabricIndex
    let shared = Mutex<Shared?>(nil)
    let entries = Mutex<[String: Entry]>([:])
    /// kube-proxy's shared chains (KUBE-SERVICES, KUBE-NODEPORTS, the filter chains, …),
    /// parsed and indexed, by the node-specific lines they hold: nodes whose lines are the
    /// same (all of them, in a cluster without Local traffic policies) share one copy.
    let aggregates = Mutex<[String: [NetfilterTable: [ChainName: ParsedChain]]]>([:])
    /// The host's rules are mostly the same text on every node: each line is parsed once.
    let parsedLines = Mutex<[String: IPTablesRule]>([:])

    /// kube-proxy's settings on a node that has no endpoint of its own: for the rules that do
    /// not depend on the node (the cluster's kube-proxy settings, no node name, address or zone).
    let neutralConfig: KubeProxyConfig

    /// The cluster's Service ports and endpoints, when given (tests); else the realized cluster's.
    let givenServices: ([ProxiedServicePort], [String: [ProxiedEndpoint]])?

    init(fabric: FabricIndex, services: ([ProxiedServicePort], [String: [ProxiedEndpoint]])? = nil) {
        self.fabric = fabric
        givenServices = services
        neutralConfig = NodeDatapath.kubeProxyConfig(for: nil, cluster: fabric.topology.cluster)
    }

    /// Every Service port of the cluster with its endpoints, both families.
    func allServices() -> ([ProxiedServicePort], [String: [ProxiedEndpoint]]) {
        givenServices ?? NodeDatapath.services(fabric.topology, fabric.realized)
    }

    /// The IPv6 cluster IPs of the cluster's Services (what kube-proxy's ip6tables rules capture).
    let clusterIPs6 = Mutex<Set<IPv6Address>?>(nil)

    /// Whether `ip` is the IPv6 cluster IP of a Service.
    func isClusterIPv6(_ ip: IPAddress) -> Bool {
        guard case .ipv6(let a) = ip else { return false }
        if let s = clusterIPs6.withLock({ $0 }) { return s.contains(a) }
        let s = Set(allServices().0.compactMap { $0.clusterIP?.v6 })
        clusterIPs6.withLock { $0 = s }
        return s.contains(a)
    }

    /// The Service ports the IPv4 rules hold: all of them in an IPv4 cluster, none in an IPv6 one
    /// (its Services are IPv6 only; kube-proxy's IPv4 proxier writes its frame alone).
    func ipv4Services() -> ([ProxiedServicePort], [String: [ProxiedEndpoint]]) {
        fabric.realized.settings.ipv6 ? ([], [:]) : allServices()
    }

    /// A fragment's lines split into its own chains' lines and its lines in shared chains.
    static func split(_ f: IPTablesRestoreText) -> (own: [ChainName: [String]], common: [(NetfilterTable, ChainName, String)]) {
        let ownChains = Set(f.natChains.map(ChainName.init))
        var own: [ChainName: [String]] = [:], common: [(NetfilterTable, ChainName, String)] = []
        for line in f.natRules {
            let chain = chainName(line)
            if ownChains.contains(chain) { own[chain, default: []].append(line) } else { common.append((.nat, chain, line)) }
        }
        for line in f.filterRules { common.append((.filter, chainName(line), line)) }
        return (own, common)
    }

    /// The chain of an `-A CHAIN …` line.
    static func chainName(_ line: String) -> ChainName {
        let rest = line.utf8.dropFirst(3)
        return ChainName(String(decoding: rest.prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self))
    }

    func sharedState() -> Shared {
        if let s = shared.withLock({ $0 }) { return s }
        let (ports, endpoints) = ipv4Services()
        let sorted = KubeProxyRenderer.sorted(ports)
        let large = KubeProxyRenderer.isLarge(endpoints, neutralConfig)
        var common: [[(table: NetfilterTable, chain: ChainName, rule: IPTablesRule)]?] = []
        var lines: [ChainName: [String]] = [:]
        for sp in sorted {
            let eps = KubeProxyRenderer.endpoints(of: sp, in: endpoints)
            guard !KubeProxyRenderer.dependsOnNode(sp, endpoints: eps),
                  let f = KubeProxyRenderer.fragment(sp, endpoints: eps, config: neutralConfig, large: large)
            else { common.append(nil); continue }
            let (own, rest) = Self.split(f)
            for (c, l) in own { lines[c, default: []] += l }
            common.append(rest.compactMap { t, c, l in IPTablesRule.parse(l).map { (table: t, chain: c, rule: $0) } })
        }
        let s = Shared(ports: sorted, endpoints: endpoints, large: large, common: common, chains: SharedChains(lines: [.nat: lines]),
                       podsByNode: Dictionary(grouping: fabric.realized.pods.filter { $0.node != nil }, by: { $0.node ?? "" }))
        shared.withLock { $0 = s }
        return s
    }

    func get(_ node: String) -> Entry? {
        if let e = entries.withLock({ $0[node] }) { return e }
        let s = sharedState()
        guard let realizedNode = fabric.nodeByName[node], let host = NodeDatapath.host(fabric: fabric, node: node, pods: s.podsByNode[node] ?? []) else { return nil }
        let config = NodeDatapath.kubeProxyConfig(for: realizedNode, cluster: fabric.topology.cluster)
        var rules: [NetfilterTable: [ChainName: [IPTablesRule]]] = [:]
        var unparsed: [String] = []
        func add(_ table: NetfilterTable, _ chain: ChainName, _ line: String) {
            if let r = IPTablesRule.parse(line) { rules[table, default: [:]][chain, default: []].append(r) } else { unparsed.append(line) }
        }
        // The host's chains: the built-in chains with the CNI's and kube-proxy's jumps, the CNI's chains.
        let head = KubeProxyRenderer.head(config)
        var frame = IPTablesRestoreText()
        frame.filterChains = head.filterChains
        frame.natChains = head.natChains
        let kubeChains = Set((head.filterChains + head.natChains).map(ChainName.init))
        var table: NetfilterTable? = nil
        var hostLines: [(NetfilterTable, ChainName, String)] = []
        // Split as bytes: the text is ASCII, and Character-wise splitting is slow here.
        for raw in host.iptablesSave(kubeProxy: frame).utf8.split(separator: UInt8(ascii: "\n")) {
            if raw.first == UInt8(ascii: "*") { table = NetfilterTable(rawValue: String(decoding: raw.dropFirst(), as: UTF8.self)); continue }
            guard raw.starts(with: "-A ".utf8), let table else { continue }
            let line = String(decoding: raw, as: UTF8.self)
            let chain = Self.chainName(line)
            if !kubeChains.contains(chain) { hostLines.append((table, chain, line)) }
        }
        let known = parsedLines.withLock { cache in hostLines.map { cache[$0.2] } }
        var learned: [String: IPTablesRule] = [:]
        for (i, (t, c, l)) in hostLines.enumerated() {
            if let r = known[i] { rules[t, default: [:]][c, default: []].append(r); continue }
            if let r = IPTablesRule.parse(l) { rules[t, default: [:]][c, default: []].append(r); learned[l] = r } else { unparsed.append(l) }
        }
        if !learned.isEmpty { parsedLines.withLock { $0.merge(learned) { a, _ in a } } }
        // kube-proxy: the frame's first rules, each port's (shared or this node's), the last rules.
        var nodeLines: [(NetfilterTable, ChainName, String)] = []
        var key = ""
        for l in head.natRules { nodeLines.append((.nat, Self.chainName(l), l)) }
        for l in head.filterRules { nodeLines.append((.filter, Self.chainName(l), l)) }
        var ports: [(Int, [(NetfilterTable, ChainName, String)])] = []
        for (k, sp) in s.ports.enumerated() where s.common[k] == nil {
            guard let f = KubeProxyRenderer.fragment(sp, endpoints: KubeProxyRenderer.endpoints(of: sp, in: s.endpoints), config: config, large: s.large) else { continue }
            let (own, rest) = Self.split(f)
            for (c, ls) in own { for l in ls { add(.nat, c, l) } }
            ports.append((k, rest))
        }
        var tail = IPTablesRestoreText()
        KubeProxyRenderer.finish(&tail, config)
        for (_, _, l) in nodeLines { key += l + "\n" }
        for (k, rest) in ports { key += "#\(k)\n"; for (_, _, l) in rest { key += l + "\n" } }
        key += "#tail\n" + tail.natRules.joined(separator: "\n") + "\n" + tail.filterRules.joined(separator: "\n")
        var aggregate: [NetfilterTable: [ChainName: ParsedChain]]
        if let cached = aggregates.withLock({ $0[key] }) {
            aggregate = cached
        } else {
            var agg: [NetfilterTable: [ChainName: [IPTablesRule]]] = [:]
            func put(_ t: NetfilterTable, _ c: ChainName, _ l: String) {
                if let r = IPTablesRule.parse(l) { agg[t, default: [:]][c, default: []].append(r) } else { unparsed.append(l) }
            }
            for (t, c, l) in nodeLines { put(t, c, l) }
            var next = 0
            for (k, common) in s.common.enumerated() {
                if let common {
                    for (t, c, r) in common { agg[t, default: [:]][c, default: []].append(r) }
                } else if next < ports.count, ports[next].0 == k {
                    for (t, c, l) in ports[next].1 { put(t, c, l) }
                    next += 1
                }
            }
            for l in tail.natRules { put(.nat, Self.chainName(l), l) }
            for l in tail.filterRules { put(.filter, Self.chainName(l), l) }
            aggregate = [:]
            for (t, byChain) in agg { for (c, r) in byChain { aggregate[t, default: [:]][c] = ParsedChain(rules: r) } }
            let made = aggregate
            aggregates.withLock { $0[key] = made }
        }
        var chains = aggregate
        for (t, byChain) in rules { for (c, r) in byChain { chains[t, default: [:]][c] = ParsedChain(rules: r) } }
        var ifaces: [String: IPv4Address] = [:]
        for e in host.enis { ifaces[e.interface] = e.primaryIP }
        // A veth has no address of its own: MASQUERADE takes the node's primary address.
        if let p = host.primary { for v in host.vethByAddress.values { ifaces[v] = p.primaryIP } }
        let entry = Entry(host: host, interpreter: IPTablesInterpreter(chains: chains, shared: s.chains, unparsed: unparsed, localAddresses: host.localAddresses, interfaceAddresses: ifaces),
                          interpreter6: host.ipv6.map { interpreter6(host: host, $0, config: config) })
        entries.withLock { $0[node] = entry }
        return entry
    }
}

extension DatapathCache {
    /// An IPv6 node's ip6tables interpreter: kube-proxy's IPv6 proxier's rules, rendered for the
    /// node and parsed whole (the text `netsim node` prints, `NodeDatapath.ip6tablesText`).
    func interpreter6(host: HostNetwork, _ v6: HostIPv6, config: KubeProxyConfig) -> IPTablesInterpreter {
        var c6 = config
        c6.ipFamily = .ipv6
        c6.nodeIPs6 = [v6.nodeAddress]
        let (ports, endpoints) = NodeDatapath.family(.ipv6, of: allServices())
        let text = host.ip6tablesSave(kubeProxy: KubeProxyRenderer.render(ports, endpoints: endpoints, config: c6))
        let dump = (try? IPTablesDump.parse(text).get()) ?? IPTablesDump(tables: [])
        var ipt = IPTablesInterpreter(dump: dump, localAddresses: [], interfaceAddresses: [:])
        ipt.family = .ipv6
        ipt.localAddresses6 = [v6.nodeAddress]
        // MASQUERADE takes the outgoing interface's address: eth0's; a veth has none of its own.
        var ifaces: [String: IPv6Address] = ["eth0": v6.nodeAddress]
        for p in v6.pods { ifaces[p.veth] = v6.nodeAddress }
        ipt.interfaceAddresses6 = ifaces
        return ipt
    }
}
