import NetsimKube
import NetsimModel
import Testing

/// Netfilter's tables, chains, conntrack states and targets as types: read from rule text
/// exactly as before, and what a walk's hits say without reading the rule text back.
@Suite("netfilter types")
struct NetfilterTypesTests {
    @Test func chainNames() {
        #expect(ChainName("INPUT") == .builtin(.input) && ChainName("INPUT") == .input)
        #expect(ChainName("POSTROUTING") == .postrouting)
        #expect(ChainName("KUBE-SERVICES") == .user("KUBE-SERVICES"))
        // iptables' names are case-sensitive: "input" is a user chain.
        #expect(ChainName("input") == .user("input") && ChainName("input") != .input)
        // A built-in name written as a user chain is still the built-in chain.
        #expect(ChainName.user("OUTPUT") == .output && Set<ChainName>([.user("OUTPUT"), .output]).count == 1)
        for name in ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING", "KUBE-SEP-ABC", "AWS-SNAT-CHAIN-0"] {
            #expect(ChainName(name).name == name && ChainName(name).description == name)
        }
    }

    /// The built-in chains of each table in hook order, as `iptables-save` declares them.
    @Test func tablesAndTheirBuiltinChains() {
        #expect(NetfilterTable(rawValue: "nat") == .nat && NetfilterTable(rawValue: "NAT") == nil && NetfilterTable(rawValue: "broute") == nil)
        let names = NetfilterTable.allCases.sorted().map { "\($0): " + $0.builtinChains.map(\.rawValue).joined(separator: " ") }
        #expect(names == [
            "filter: INPUT FORWARD OUTPUT",
            "mangle: PREROUTING INPUT FORWARD OUTPUT POSTROUTING",
            "nat: PREROUTING INPUT OUTPUT POSTROUTING",
            "raw: PREROUTING OUTPUT",
            "security: INPUT FORWARD OUTPUT",
        ])
    }

    @Test func conntrackStates() {
        #expect(ConntrackState(list: "RELATED,ESTABLISHED") == [.related, .established])
        #expect(ConntrackState(list: "RELATED,ESTABLISHED,DNAT") == [.related, .established, .dnat])
        #expect(ConntrackState(list: "NEW") == .new)
        #expect(ConntrackState(list: "INVALID,UNTRACKED,SNAT") == [.invalid, .untracked, .snat])
        // `-m state` has no virtual states; unknown names, lower case and empty items are refused.
        #expect(ConntrackState(list: "DNAT", stateModule: true) == nil)
        #expect(ConntrackState(list: "ESTABLISHED", stateModule: true) == .established)
        for bad in ["", "NONE", "new", "NEW,", ",NEW", "NEW,,RELATED", "ESTABLISHED RELATED"] {
            #expect(ConntrackState(list: bad) == nil, "\(bad)")
        }
        #expect(ConntrackState([.established, .related, .new, .invalid]).description == "INVALID,NEW,RELATED,ESTABLISHED")
        var p = NodePacket(Packet(ipProtocol: NodePacket.ipProtocol(named: "tcp") ?? .tcp, source: IPv4Address(10, 0, 0, 1), destination: IPv4Address(10, 0, 0, 2), sourcePort: 1, destinationPort: 2))
        #expect(p.conntrack == .new && p.ctstate == "NEW")
        p.ctstate = "RELATED,ESTABLISHED"
        #expect(p.conntrack == [.related, .established])
        p.ctstate = "NONE"
        #expect(p.conntrack.isEmpty && p.ctstate == "")
    }

    /// Rules parse into typed chains, states and targets; a state conntrack does not have
    /// makes the rule unreadable (reported), as iptables-restore refuses it.
    @Test func rulesParseTyped() throws {
        let r = try #require(IPTablesRule.parse("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"))
        #expect(r.chain == .user("KUBE-FORWARD") && r.target == .accept && r.comment == "kubernetes forwarding conntrack rule")
        #expect(r.matches == [.ctstate([.related, .established], negated: false)])
        let f = try #require(IPTablesRule.parse("-A KUBE-FIREWALL -m comment --comment \"block incoming localnet connections\" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP"))
        #expect(f.target == .drop && f.matches.contains(.ctstate([.related, .established, .dnat], negated: true)))
        let j = try #require(IPTablesRule.parse("-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"))
        #expect(j.chain == .input && j.target == .jump(.user("KUBE-SERVICES")))
        #expect(IPTablesRule.parse("-A X -j RETURN")?.target == .ret)
        #expect(IPTablesRule.parse("-A X -j REJECT")?.target == .reject)
        for bad in ["-A X -m conntrack --ctstate BOGUS -j DROP", "-A X -m conntrack --ctstate new -j DROP",
                    "-A X -m state --state DNAT -j DROP", "-A X -m conntrack --ctstate -j DROP"] {
            #expect(IPTablesRule.parse(bad) == nil, "\(bad)")
        }
        #expect(IPTablesRule.parse("-A X -m state --state RELATED,ESTABLISHED -j ACCEPT")?.matches == [.ctstate([.related, .established], negated: false)])
    }

    static let rules = """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :KUBE-SERVICES - [0:0]
        -A FORWARD -m conntrack --ctstate INVALID -j DROP
        -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "kubernetes forwarding conntrack rule" -j ACCEPT
        -A FORWARD -m conntrack --ctstate NEW -j KUBE-SERVICES
        -A KUBE-SERVICES -m comment --comment "ns/a:http has no endpoints" -m tcp -p tcp -d 172.20.0.1 --dport 80 -j REJECT
        -A KUBE-SERVICES -m comment --comment "ns/b:http has no local endpoints" -m tcp -p tcp -d 172.20.0.2 --dport 80 -j DROP
        -A KUBE-SERVICES -m comment --comment "has no endpoints, says the comment, but it is a plain accept" -d 172.20.0.3 -j ACCEPT
        COMMIT

        """

    /// A walk's hits carry the rule's target and comment: the verdict and kube-proxy's
    /// no-endpoints rule are read from them, and conntrack states match by set.
    @Test func hitsCarryTargetAndComment() throws {
        let dump = try IPTablesDump.parse(Self.rules).get()
        let ipt = IPTablesInterpreter(dump: dump, localAddresses: [], interfaceAddresses: [:])
        #expect(ipt.unparsed.isEmpty)
        func walk(_ d: IPv4Address, _ state: ConntrackState) -> TableWalk {
            var p = NodePacket(Packet(ipProtocol: NodePacket.ipProtocol(named: "tcp") ?? .tcp, source: IPv4Address(10, 0, 0, 1), destination: d, sourcePort: 40000, destinationPort: 80))
            p.conntrack = state
            return ipt.run(table: .filter, chain: .forward, packet: p, choice: .branch(0))
        }
        let none = walk(IPv4Address(172, 20, 0, 1), .new)
        #expect(none.verdict == .reject && none.hits.map(\.index) == [3, 1])
        let last = try #require(none.hits.last)
        #expect(last.netfilterTable == .filter && last.table == "filter" && last.chainName == .user("KUBE-SERVICES") && last.chain == "KUBE-SERVICES")
        #expect(last.target == .reject && last.comment == "ns/a:http has no endpoints" && last.isNoEndpointsRule)
        #expect(none.hits.first?.target == .jump(.user("KUBE-SERVICES")) && none.hits.first?.chainName == .forward)
        let local = walk(IPv4Address(172, 20, 0, 2), .new)
        #expect(local.verdict == .drop && local.hits.last?.isNoEndpointsRule == false)
        let plain = walk(IPv4Address(172, 20, 0, 3), .new)
        #expect(plain.verdict == .accept && plain.hits.last?.target == .accept && plain.hits.last?.isNoEndpointsRule == false)
        // ESTABLISHED (with or without a DNAT bit) takes the conntrack rule; INVALID the drop;
        // no state at all matches no --ctstate rule.
        for state: ConntrackState in [.established, [.established, .dnat], .related] {
            let w = walk(IPv4Address(172, 20, 0, 1), state)
            #expect(w.verdict == .accept && w.hits.map(\.index) == [2] && w.hits.first?.comment == "kubernetes forwarding conntrack rule")
        }
        #expect(walk(IPv4Address(172, 20, 0, 1), .invalid).verdict == .drop)
        #expect(walk(IPv4Address(172, 20, 0, 1), []).hits.isEmpty)
        // By name, as iptables writes it: the same walk; a table netsim does not know accepts.
        var p = NodePacket(Packet(ipProtocol: NodePacket.ipProtocol(named: "tcp") ?? .tcp, source: IPv4Address(10, 0, 0, 1), destination: IPv4Address(172, 20, 0, 1), sourcePort: 40000, destinationPort: 80))
        let byName = ipt.run(table: "filter", chain: "FORWARD", packet: p, choice: .branch(0))
        #expect(byName.verdict == none.verdict && byName.hits.map(\.rule) == none.hits.map(\.rule))
        p.ctstate = "NEW"
        let unknown = ipt.run(table: "broute", chain: "FORWARD", packet: p, choice: .branch(0))
        #expect(unknown.verdict == .accept && unknown.hits.isEmpty)
        #expect(ipt.rules(table: .filter, chain: .user("KUBE-SERVICES"))?.count == 3)
        #expect(ipt.rules(table: "filter", chain: "KUBE-SERVICES") == ipt.rules(table: .filter, chain: .user("KUBE-SERVICES")))
        #expect(ipt.rules(table: .nat, chain: .prerouting) == nil)
    }

    /// The CNI's rules carry their chain; every rule's text starts with it, and the node's
    /// `iptables-save` puts them under the built-in chains they belong to.
    @Test func cniRulesCarryTheirChain() throws {
        let eni = HostENI(deviceIndex: 0, mac: "02:00:00:00:00:01", primaryIP: IPv4Address(10, 0, 1, 10),
                          subnet: try #require(IPv4CIDR("10.0.1.0/24")), podAddresses: [], id: "eni-0")
        let host = HostNetwork(nodeName: "n", enis: [eni], pods: [], vpcCIDRs: [try #require(IPv4CIDR("10.0.0.0/16"))])
        let r = host.cniRules
        #expect(r.natChains == [HostNetwork.connmarkChain, HostNetwork.snatChain])
        #expect(Set(r.nat.map(\.chain)) == [.prerouting, .postrouting, HostNetwork.connmarkChain, HostNetwork.snatChain])
        #expect(Set(r.mangle.map(\.chain)) == [.prerouting])
        for rule in r.nat + r.mangle {
            #expect(rule.text.hasPrefix("-A \(rule.chain.name) "))
            #expect(IPTablesRule.parse(rule.text)?.chain == rule.chain)
        }
        #expect(host.iptablesRules.nat == r.nat.map(\.text) && host.iptablesRules.natChains == ["AWS-CONNMARK-CHAIN-0", "AWS-SNAT-CHAIN-0"])
        let dump = try IPTablesDump.parse(host.iptablesSave(kubeProxy: IPTablesRestoreText())).get()
        for t in [NetfilterTable.mangle, .filter, .nat] {
            let chains = try #require(dump.table(t)).chains.map(\.name)
            #expect(Array(chains.prefix(t.builtinChains.count)) == t.builtinChains.map(\.rawValue))
        }
        let nat = try #require(dump.table(.nat))
        for rule in r.nat { #expect(nat.chain(rule.chain.name)?.rules.contains(rule.text) == true) }
    }
}
