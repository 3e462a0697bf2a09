import Foundation
import NetsimKube
import NetsimModel
import NetsimTestSupport
import Testing

/// The Linux kernel agrees with netsim's iptables interpreter on kube-proxy's rules.
///
/// For each of four rulesets (60 generated Services each, with varied policies), the test
/// builds a small EKS-like node out of three network namespaces of its own:
///
///     ext ns  ──veth──  eth0 [node ns] eni<hex>  ──veth──  pod ns
///     192.168.0.1        192.168.0.2   10.0.5.1            10.0.5.x (pods)
///     203.0.113.x                                           hairpin endpoints
///
/// The node's default route points at the ext namespace, which does not forward, so DNATed
/// packets for remote endpoints leave through eth0 and are dropped there without an answer.
/// The node loads the exact text netsim prints (`HostNetwork.iptablesSave(kubeProxy:)`, the
/// CNI's rules included) with `iptables-restore`; one python3 process per namespace sends
/// every probe (a TCP SYN or a UDP datagram, each from its own source port). The kernel's
/// choice is read from `conntrack -L` (reply tuple: the DNAT target and the SNAT address),
/// from the sender (refused by REJECT's ICMP error, silence after a DROP, EPERM for the
/// node's own datagrams stopped on output), from a per-probe counting rule in the security
/// table (handed to the node's own stack or not) and from `iptables-save -c` (the packet
/// counters of every rule in kube-proxy's and the CNI's chains). The interpreter walks the
/// same packet through the same hooks in the kernel's order, over every random branch, and
/// must predict the kernel's translation, its DROP or REJECT, and the packet count of every
/// rule (so the rule the kernel ended on is the one the interpreter ended on).
@Suite("kernel agreement")
struct KernelAgreementTests {
    // MARK: - The node and its neighbours

    static let nodeName = "kernel-node"
    static let nodeIP = IPv4Address(192, 168, 0, 2)
    static let gatewayIP = IPv4Address(192, 168, 0, 1)
    static let eniIP = IPv4Address(10, 0, 5, 1)
    static let podPrimary = IPv4Address(10, 0, 5, 2)
    static let podSubnet = IPv4CIDR(network: IPv4Address(10, 0, 5, 0), prefixLength: 24)
    static let clusterCIDR = IPv4CIDR(network: IPv4Address(10, 0, 0, 0), prefixLength: 16)
    static let localhost = IPv4Address(127, 0, 0, 1)
    /// Pod sources (in the cluster CIDR), off-cluster sources inside and outside 203.0.113.0/25.
    static let podPool = (10..<70).map { IPv4Address(10, 0, 5, UInt8($0)) }
    static let insidePool = (10..<60).map { IPv4Address(203, 0, 113, UInt8($0)) }
    static let outsidePool = (140..<190).map { IPv4Address(203, 0, 113, UInt8($0)) }
    static let nodePool = [nodeIP, eniIP]
    static let builtinChains: Set<String> = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]
    static let servicesPerRuleset = 60

    /// What changes from one ruleset to the next besides the Services.
    struct Variant: Sendable {
        var externalSNAT: Bool
        var randomFully: Bool
        var clusterCIDR: IPv4CIDR?
        var masqueradeAll: Bool
        /// kube-proxy settings a topology's `cluster.kubeProxy` can change.
        var localInterface: String? = nil
        var localhostNodePorts = true
        var nodePortAddresses: [IPv4CIDR] = []
        var tcpBeLiberal = false
    }

    static let variants = [
        Variant(externalSNAT: false, randomFully: true, clusterCIDR: clusterCIDR, masqueradeAll: false),
        Variant(externalSNAT: true, randomFully: false, clusterCIDR: clusterCIDR, masqueradeAll: false),
        Variant(externalSNAT: false, randomFully: false, clusterCIDR: nil, masqueradeAll: false),
        Variant(externalSNAT: true, randomFully: true, clusterCIDR: clusterCIDR, masqueradeAll: true),
        // detectLocalMode InterfaceNamePrefix (pods arrive on eni+), NodePorts on eth0's
        // address only (not the pod-side address, not localhost), conntrack.tcpBeLiberal.
        Variant(externalSNAT: false, randomFully: true, clusterCIDR: nil, masqueradeAll: false, localInterface: "eni+",
                localhostNodePorts: false, nodePortAddresses: [IPv4CIDR(network: IPv4Address(192, 168, 0, 0), prefixLength: 24)], tcpBeLiberal: true),
    ]

    // MARK: - Generated Services

    struct Generated {
        var ports: [ProxiedServicePort] = []
        /// Keyed `servicePortName + "/" + proto`, as the renderer looks them up.
        var endpoints: [String: [ProxiedEndpoint]] = [:]
        /// Endpoint addresses that live in the pod namespace, by `spn/proto`: probes from them hairpin.
        var hairpin: [String: [IPv4Address]] = [:]
        var services: Set<String> = []
        /// Feature → number of service ports that have it.
        var features: [String: Int] = [:]
    }

    /// Deterministic Services for ruleset `r` (SplitMix64 with a fixed seed).
    static func generate(ruleset r: Int) -> Generated {
        var rng = SplitMix64(seed: 0x6E65_7473_696D_4B00 &+ UInt64(r))
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        var g = Generated()
        var nextNodePort: UInt16 = 30000
        var nextHealthPort: UInt16 = 32000
        for i in 0..<servicesPerRuleset {
            let ns = "team\(i % 5)", name = "s\(r)x\(i)"
            g.services.insert("\(ns)/\(name)")
            let kindRoll = pick(100)
            let isNodePort = kindRoll >= 30 && kindRoll < 55
            let isLB = kindRoll >= 55 && kindRoll < 85
            let wantsExternalIP = kindRoll >= 85 || pick(10) == 0
            let proto = pick(10) < 7 ? "tcp" : "udp"
            let port: UInt16 = [80, 443, 53, 8080, 9000 + UInt16(i)][pick(5)]
            var sp = ProxiedServicePort(namespace: ns, name: name, portName: "", ipProtocol: proto, port: port,
                                        clusterIP: IPv4Address(172, 30, UInt8(r), UInt8(10 + i)))
            if wantsExternalIP { sp.externalIPs = [IPv4Address(172, 31, UInt8(r), UInt8(10 + i))] }
            if isLB {
                sp.isLoadBalancer = true
                sp.loadBalancerIPs = [IPv4Address(172, 29, UInt8(r), UInt8(10 + i))]
                if pick(10) < 3 { sp.loadBalancerIPs.append(IPv4Address(172, 29, UInt8(r), UInt8(100 + i))) }
                let rangeRoll = pick(100)
                if rangeRoll >= 40 && rangeRoll < 60 {
                    sp.sourceRanges = [IPv4CIDR(network: IPv4Address(203, 0, 113, 0), prefixLength: 25)]
                } else if rangeRoll >= 60 && rangeRoll < 75 {
                    // Holds the node's own address: kube-proxy lets the LB IPs in as sources too.
                    sp.sourceRanges = [IPv4CIDR(network: IPv4Address(203, 0, 113, 0), prefixLength: 25),
                                       IPv4CIDR(network: IPv4Address(192, 168, 0, 0), prefixLength: 24)]
                } else if rangeRoll >= 75 && rangeRoll < 85 {
                    sp.sourceRanges = [clusterCIDR]
                } else if rangeRoll >= 85 {
                    sp.sourceRanges = [IPv4CIDR.any]
                }
            }
            if isNodePort || isLB { sp.nodePort = nextNodePort; nextNodePort += 1 }
            if sp.externallyAccessible && pick(100) < 40 { sp.externalPolicyLocal = true }
            if pick(100) < 20 { sp.internalPolicyLocal = true }
            if pick(100) < 20 { sp.affinityTimeout = pick(2) == 0 ? 10800 : 60 }
            if isLB && sp.externalPolicyLocal { sp.healthCheckNodePort = nextHealthPort; nextHealthPort += 1 }

            // Endpoints: none, one, a few or five; ready, serving-terminating, terminating, not ready;
            // on this node, another node, or no node.
            let count = [0, 1, 1, 2, 2, 3, 3, 5][pick(8)]
            var eps: [(ip: IPv4Address, ready: Bool, serving: Bool, terminating: Bool, node: String?)] = []
            for k in 0..<count {
                let stateRoll = pick(100), nodeRoll = pick(100)
                let ip = IPv4Address(10, 180, UInt8((r * servicesPerRuleset + i) % 256), UInt8(k + 1))
                let node: String? = nodeRoll < 45 ? nodeName : (nodeRoll < 90 ? "other-node" : nil)
                switch stateRoll {
                case ..<70: eps.append((ip, true, true, false, node))
                case ..<82: eps.append((ip, false, true, true, node))
                case ..<90: eps.append((ip, false, false, true, node))
                default: eps.append((ip, false, false, false, node))
                }
            }
            var hairpinIP: IPv4Address? = nil
            if !eps.isEmpty && pick(100) < 25 {
                eps[0].node = nodeName
                hairpinIP = eps[0].ip
            }

            // A second port on some Services: the same name over the other protocol (as DNS does),
            // or another named port.
            var ports = [sp]
            let secondRoll = pick(100)
            if secondRoll < 15 {
                var a = sp, b = sp
                if secondRoll < 7 {
                    a.portName = "dns"; b.portName = "dns"; b.ipProtocol = proto == "tcp" ? "udp" : "tcp"
                } else {
                    a.portName = "a"; b.portName = "b"; b.port = port + 1000
                }
                if sp.nodePort != nil { b.nodePort = nextNodePort; nextNodePort += 1 }
                if let hc = sp.healthCheckNodePort { b.healthCheckNodePort = hc }
                ports = [a, b]
            }
            for (n, p) in ports.enumerated() {
                let target: UInt16 = n == 0 ? (p.ipProtocol == "tcp" ? 8080 : 5353) : p.port + 1
                let list = eps.map { ProxiedEndpoint(ip: $0.ip, port: target, ready: $0.ready, serving: $0.serving, terminating: $0.terminating, nodeName: $0.node) }
                let key = p.servicePortName + "/" + p.ipProtocol
                g.endpoints[key] = list
                if let h = hairpinIP { g.hairpin[key] = [h] }
                g.ports.append(p)
                var f: [String] = [p.ipProtocol, "\(count) endpoints"]
                if p.nodePort != nil { f.append("NodePort") }
                if p.isLoadBalancer { f.append("LoadBalancer") }
                if !p.sourceRanges.isEmpty { f.append("loadBalancerSourceRanges") }
                if !p.externalIPs.isEmpty { f.append("externalIPs") }
                if p.externalPolicyLocal { f.append("externalTrafficPolicy Local") }
                if p.externallyAccessible && !p.externalPolicyLocal { f.append("externalTrafficPolicy Cluster") }
                if p.internalPolicyLocal { f.append("internalTrafficPolicy Local") }
                if p.affinityTimeout != nil { f.append("sessionAffinity ClientIP") }
                if p.healthCheckNodePort != nil { f.append("healthCheckNodePort") }
                if list.contains(where: { $0.nodeName == nodeName }) { f.append("local endpoints") }
                if list.contains(where: { $0.nodeName != nodeName }) { f.append("remote endpoints") }
                if list.contains(where: { $0.terminating }) { f.append("terminating endpoints") }
                if !list.isEmpty && !list.contains(where: \.ready) { f.append("no ready endpoint") }
                if hairpinIP != nil { f.append("hairpin") }
                if ports.count > 1 { f.append("two ports") }
                for x in f { g.features[x, default: 0] += 1 }
            }
        }
        return g
    }

    // MARK: - Probes

    enum Origin: String, Sendable { case node, pod, ext }

    struct Probe: Sendable {
        var id: Int
        var service: String
        var label: String
        var origin: Origin
        var proto: String
        var src: IPv4Address
        var sport: UInt16
        var dst: IPv4Address
        var dport: UInt16
        /// False for hairpin probes: their source is not an address of the sending namespace, so
        /// an ICMP error sent back to it is never seen (REJECT and DROP look alike to the sender).
        var answerable = true
        var text: String { "\(label): \(proto) \(src):\(sport) → \(dst):\(dport) from the \(origin.rawValue) namespace" }
    }

    /// Probes for every port: its cluster IP from a pod, from off the cluster and from the node
    /// (sometimes on a port no rule serves), its NodePort from all three and from localhost,
    /// its external and load-balancer IPs (from inside and outside the source ranges), its
    /// health-check port, and from its own endpoint (hairpin). A ClientIP-affinity port never
    /// sees the same source twice, so no `-m recent --rcheck` can match in the kernel
    /// (the interpreter walks one packet with no history).
    static func makeProbes(for g: Generated) -> [Probe] {
        var out: [Probe] = []
        var cursors: [String: Int] = [:]
        var used: [String: Set<UInt32>] = [:]
        func source(_ poolName: String, _ pool: [IPv4Address], key: String, sticky: Bool) -> IPv4Address? {
            for _ in 0..<pool.count {
                let c = cursors[poolName, default: 0]
                cursors[poolName] = c + 1
                let a = pool[c % pool.count]
                if sticky && used[key, default: []].contains(a.value) { continue }
                used[key, default: []].insert(a.value)
                return a
            }
            return nil
        }
        for sp in g.ports {
            guard let clusterIP = sp.clusterIP?.v4 else { continue }
            let key = sp.servicePortName + "/" + sp.ipProtocol
            let sticky = sp.affinityTimeout != nil
            func add(_ label: String, _ origin: Origin, _ poolName: String, _ pool: [IPv4Address], _ dst: IPv4Address, _ dport: UInt16,
                     proto: String? = nil, answerable: Bool = true) {
                guard let src = source(poolName, pool, key: key, sticky: sticky) else { return }
                let id = out.count
                out.append(Probe(id: id, service: key, label: label, origin: origin, proto: proto ?? sp.ipProtocol, src: src,
                                 sport: UInt16(40000 + id), dst: dst, dport: dport, answerable: answerable))
            }
            let n = out.count
            add("cluster IP from a pod", .pod, "pod", podPool, clusterIP, sp.port)
            add("cluster IP from off the cluster", .ext, "outside", outsidePool, clusterIP, sp.port)
            add("cluster IP from the node", .node, "node", nodePool, clusterIP, sp.port)
            if n % 4 == 0 { add("cluster IP on a port no rule serves", .pod, "pod", podPool, clusterIP, sp.port + 1) }
            if let np = sp.nodePort {
                add("NodePort from off the cluster", .ext, "inside", insidePool, nodeIP, np)
                add("NodePort from a pod", .pod, "pod", podPool, n % 2 == 0 ? nodeIP : eniIP, np)
                add("NodePort from the node", .node, "node", nodePool, nodeIP, np)
                add("NodePort on localhost", .node, "localhost", [localhost], localhost, np)
            }
            for ip in sp.externalIPs {
                add("external IP from off the cluster", .ext, "outside", outsidePool, ip, sp.port)
                add("external IP from a pod", .pod, "pod", podPool, ip, sp.port)
                add("external IP from the node", .node, "node", nodePool, ip, sp.port)
            }
            for ip in sp.loadBalancerIPs {
                add("load-balancer IP from 203.0.113.0/25", .ext, "inside", insidePool, ip, sp.port)
                add("load-balancer IP from outside 203.0.113.0/25", .ext, "outside", outsidePool, ip, sp.port)
                add("load-balancer IP from a pod", .pod, "pod", podPool, ip, sp.port)
                add("load-balancer IP from the node", .node, "node", nodePool, ip, sp.port)
            }
            if let hc = sp.healthCheckNodePort, sp.portName != "b" {
                add("health-check NodePort", .ext, "inside", insidePool, nodeIP, hc, proto: "tcp")
            }
            for h in g.hairpin[key] ?? [] {
                add("cluster IP from its own endpoint (hairpin)", .pod, "hairpin \(h)", [h], clusterIP, sp.port, answerable: false)
            }
        }
        return out
    }

    // MARK: - The interpreter's prediction

    /// The node as the interpreter sees it: which addresses are local, where a packet is routed.
    struct Node {
        var eni: String
        var hairpin: Set<UInt32>
        func isLocal(_ a: IPv4Address) -> Bool { a == nodeIP || a == eniIP || a.value >> 24 == 127 }
        /// The node's routes: local, the pod veth (/24 and the hairpin /32s), else the default via eth0.
        func route(_ a: IPv4Address) -> String {
            if isLocal(a) { return "lo" }
            if hairpin.contains(a.value) || podSubnet.contains(a) { return eni }
            return "eth0"
        }
    }

    /// What happened to a probe: ACCEPT (delivered or forwarded, with the translated source and
    /// destination), or DROP / REJECT.
    struct Outcome: Hashable, CustomStringConvertible {
        var verdict: String
        var src: IPv4Address
        var dst: IPv4Address
        var dport: UInt16
        /// Accepted by filter INPUT and handed to the node's own stack (else forwarded or sent out).
        var delivered: Bool
        static func stopped(_ v: String) -> Outcome { Outcome(verdict: v, src: IPv4Address(0), dst: IPv4Address(0), dport: 0, delivered: false) }
        var description: String { verdict == "ACCEPT" ? "src \(src) → \(dst):\(dport)" + (delivered ? " delivered to the node" : "") : verdict }
    }

    struct Walk {
        var outcome: Outcome
        var hits: [RuleHit]
        var branches: Int
    }

    /// One packet through the node's hooks in the kernel's order, following random branch k.
    /// Forwarded: mangle+nat PREROUTING, routing, filter FORWARD, nat POSTROUTING. Delivered:
    /// PREROUTING, routing, filter INPUT. Sent by the node: nat OUTPUT, rerouting, filter OUTPUT,
    /// nat POSTROUTING, and filter INPUT when the destination is local (over lo, where nat
    /// PREROUTING is not consulted again: the connection's NAT is already set up).
    static func walk(_ ipt: IPTablesInterpreter, _ probe: Probe, node: Node, branch k: Int) -> Walk {
        var p = NodePacket(Packet(ipProtocol: NodePacket.ipProtocol(named: probe.proto) ?? .tcp, source: probe.src, destination: probe.dst, sourcePort: probe.sport, destinationPort: probe.dport))
        var hits: [RuleHit] = []
        var branches = 0
        func v4(_ a: IPAddress) -> IPv4Address { a.v4 ?? IPv4Address(0) }  // the probes are IPv4
        func run(_ table: String, _ chain: String) -> TableWalk.Verdict {
            let w = ipt.run(table: table, chain: chain, packet: p, choice: .branch(k))
            p = w.packet
            hits += w.hits
            branches = max(branches, w.branchesMet)
            return w.verdict
        }
        func done(_ v: TableWalk.Verdict) -> Walk {
            let o = v == .accept ? Outcome(verdict: "ACCEPT", src: v4(p.source), dst: v4(p.destination), dport: p.destinationPort, delivered: node.isLocal(v4(p.destination)))
                                 : .stopped(v.rawValue)
            return Walk(outcome: o, hits: hits, branches: branches)
        }
        var steps: [(String, String)] = []
        if probe.origin == .node {
            p.outInterface = node.route(v4(p.destination))
            for (t, c) in [("mangle", "OUTPUT"), ("nat", "OUTPUT")] { let v = run(t, c); if v != .accept { return done(v) } }
            p.outInterface = node.route(v4(p.destination))
            steps = [("filter", "OUTPUT"), ("mangle", "POSTROUTING"), ("nat", "POSTROUTING")]
            for (t, c) in steps { let v = run(t, c); if v != .accept { return done(v) } }
            if node.isLocal(v4(p.destination)) {
                p.inInterface = "lo"; p.outInterface = nil
                for (t, c) in [("mangle", "PREROUTING"), ("mangle", "INPUT"), ("filter", "INPUT")] { let v = run(t, c); if v != .accept { return done(v) } }
            }
            return done(.accept)
        }
        p.inInterface = probe.origin == .pod ? node.eni : "eth0"
        for (t, c) in [("mangle", "PREROUTING"), ("nat", "PREROUTING")] { let v = run(t, c); if v != .accept { return done(v) } }
        if node.isLocal(v4(p.destination)) {
            steps = [("mangle", "INPUT"), ("filter", "INPUT"), ("nat", "INPUT")]
        } else {
            p.outInterface = node.route(v4(p.destination))
            steps = [("mangle", "FORWARD"), ("filter", "FORWARD"), ("mangle", "POSTROUTING"), ("nat", "POSTROUTING")]
        }
        for (t, c) in steps { let v = run(t, c); if v != .accept { return done(v) } }
        return done(.accept)
    }

    /// Every branch's walk: k = 0, 1, … until k reaches the number of random rules met.
    static func predict(_ ipt: IPTablesInterpreter, _ probe: Probe, node: Node) -> [Walk] {
        var walks: [Walk] = []
        var k = 0
        while k < 64 {
            let w = walk(ipt, probe, node: node, branch: k)
            walks.append(w)
            if k >= w.branches { break }
            k += 1
        }
        return walks
    }

    // MARK: - The kernel's answer

    struct ConntrackEntry {
        var proto: String
        var origSrc: IPv4Address, origDst: IPv4Address, origSport: UInt16, origDport: UInt16
        var replySrc: IPv4Address, replyDst: IPv4Address, replySport: UInt16, replyDport: UInt16
        var line: String
    }

    /// `conntrack -L` lines: the protocol, then the original and the reply tuples' key=value pairs.
    static func parseConntrack(_ text: String) -> [ConntrackEntry] {
        var out: [ConntrackEntry] = []
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard let proto = words.first(where: { $0 == "tcp" || $0 == "udp" }) else { continue }
            var values: [String: [String]] = [:]
            for w in words {
                guard let eq = w.firstIndex(of: "=") else { continue }
                values[String(w[..<eq]), default: []].append(String(w[w.index(after: eq)...]))
            }
            guard let s = values["src"], let d = values["dst"], let sp = values["sport"], let dp = values["dport"],
                  s.count >= 2, d.count >= 2, sp.count >= 2, dp.count >= 2,
                  let os = IPv4Address(s[0]), let od = IPv4Address(d[0]), let rs = IPv4Address(s[1]), let rd = IPv4Address(d[1]),
                  let osp = UInt16(sp[0]), let odp = UInt16(dp[0]), let rsp = UInt16(sp[1]), let rdp = UInt16(dp[1]) else { continue }
            out.append(ConntrackEntry(proto: String(proto), origSrc: os, origDst: od, origSport: osp, origDport: odp,
                                      replySrc: rs, replyDst: rd, replySport: rsp, replyDport: rdp, line: String(line)))
        }
        return out
    }

    /// `iptables-save -c`: table → chain → each rule's packet count, in order.
    static func parseCounters(_ text: String) -> [String: [String: [UInt64]]] {
        var out: [String: [String: [UInt64]]] = [:]
        var table = ""
        for raw in text.split(separator: "\n") {
            if raw.hasPrefix("*") { table = String(raw.dropFirst()); continue }
            guard raw.hasPrefix("["), let close = raw.firstIndex(of: "]") else { continue }
            let counts = raw[raw.index(after: raw.startIndex)..<close].split(separator: ":")
            let rest = raw[raw.index(after: close)...].drop { $0 == " " }
            guard rest.hasPrefix("-A "), let packets = counts.first.flatMap({ UInt64($0) }) else { continue }
            let chain = rest.dropFirst(3).prefix { $0 != " " }
            out[table, default: [:]][String(chain), default: []].append(packets)
        }
        return out
    }

    /// Sends every probe from inside one namespace: a non-blocking TCP connect (its SYN) or one
    /// UDP datagram, each bound to its own source address and port (IP_TRANSPARENT lets the pod
    /// namespace send from hairpin endpoints it does not own, so it never answers them). Each
    /// socket is kept 0.25 s, long enough for an ICMP error the node sends back at once, and
    /// closed well before TCP would retransmit its SYN (1 s), so each probe is one packet; its
    /// pending error is recorded then. Prints {id: "<send>/<error>"}: send is
    /// "sent" or an errno name (EPERM: netfilter dropped the node's own datagram on output),
    /// error "-" or an errno name (ECONNREFUSED: an ICMP port-unreachable came back).
    static let sender = """
    import collections, errno, json, socket, sys, time
    AGE = 0.25
    probes = json.load(sys.stdin)
    out, pending = {}, collections.deque()
    def settle(age):
        now = time.monotonic()
        while pending and now - pending[0][2] >= age:
            pid, s, _ = pending.popleft()
            e = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            out[pid] = out.get(pid, "unsent") + "/" + (errno.errorcode.get(e, str(e)) if e else "-")
            s.close()
    for pid, proto, src, sport, dst, dport in probes:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
        try:
            s.setsockopt(socket.SOL_IP, 19, 1)  # IP_TRANSPARENT: send from an address the namespace does not own
            s.setblocking(False)
            s.bind((src, sport))
            if proto == "tcp":
                e = s.connect_ex((dst, dport))
                out[pid] = "sent" if e in (0, errno.EINPROGRESS) else errno.errorcode.get(e, str(e))
            else:
                s.connect((dst, dport))
                s.send(b"netsim")
                out[pid] = "sent"
        except OSError as ex:
            out[pid] = errno.errorcode.get(ex.errno or 0, str(ex))
        pending.append((pid, s, time.monotonic()))
        settle(AGE)
    while pending:
        time.sleep(max(0.0, AGE - (time.monotonic() - pending[0][2])))
        settle(AGE)
    json.dump(out, sys.stdout)
    """

    // MARK: - The test

    struct Totals {
        var services = Set<String>()
        var ports = 0
        var probes = 0
        var outcomes: [String: Int] = [:]
        var rulesCompared = 0
        /// Probes for which the interpreter allowed more than one result (random endpoint choice).
        var severalResults = 0
        var features: [String: Int] = [:]
        var namespaces: [String] = []
    }

    @Test(.enabled(if: KernelAgreementTests.canMakeNamespaces, "network namespaces cannot be created here (needs root, iproute2 and `ip netns add`)"))
    func kernelAgreesWithTheInterpreter() throws {
        var totals = Totals()
        for (r, variant) in Self.variants.enumerated() {
            try Self.runRuleset(r, variant, totals: &totals)
        }
        let summary = totals.outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("kernel agreement: \(totals.services.count) Services, \(totals.ports) service ports, \(totals.probes) probes (\(summary); \(totals.severalResults) with a random choice among several endpoints), \(totals.rulesCompared) rule counters compared")
        print("kernel agreement: features " + totals.features.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        #expect(totals.services.count >= 200, "only \(totals.services.count) Services generated")
        // Every kind of result the kernel can give came up.
        for kind in ["DNAT", "DNAT+SNAT", "SNAT only", "unchanged", "delivered", "DROP", "REJECT"] {
            #expect(totals.outcomes[kind, default: 0] > 0, "no probe ended in \(kind)")
        }
        for f in ["tcp", "udp", "NodePort", "LoadBalancer", "loadBalancerSourceRanges", "externalIPs", "externalTrafficPolicy Local",
                  "externalTrafficPolicy Cluster", "internalTrafficPolicy Local", "sessionAffinity ClientIP", "healthCheckNodePort",
                  "local endpoints", "remote endpoints", "terminating endpoints", "no ready endpoint", "hairpin", "two ports",
                  "0 endpoints", "1 endpoints", "2 endpoints", "3 endpoints", "5 endpoints"] {
            #expect(totals.features[f, default: 0] > 0, "no generated service port has \(f)")
        }
        // None of the namespaces made here is left behind.
        let left = NetworkNamespace.list()
        for ns in totals.namespaces {
            #expect(!left.contains(ns), "namespace \(ns) was not deleted")
        }
    }

    static func runRuleset(_ r: Int, _ variant: Variant, totals: inout Totals) throws {
        let g = generate(ruleset: r)
        totals.services.formUnion(g.services)
        totals.ports += g.ports.count
        for (k, v) in g.features { totals.features[k, default: 0] += v }
        var config = KubeProxyConfig(nodeName: nodeName, nodeIPs: [nodeIP], clusterCIDR: variant.clusterCIDR)
        config.nfacct = false   // the kernel here may lack nfacct objects
        config.randomFully = variant.randomFully
        config.masqueradeAll = variant.masqueradeAll
        config.localInterface = variant.localInterface
        config.localhostNodePorts = variant.localhostNodePorts
        config.nodePortAddresses = variant.nodePortAddresses
        config.nodePortsRestricted = !variant.nodePortAddresses.isEmpty
        config.interfaceAddresses = [nodeIP, eniIP]
        config.tcpBeLiberal = variant.tcpBeLiberal
        let kubeProxy = KubeProxyRenderer.render(g.ports, endpoints: g.endpoints, config: config)
        let eni0 = HostENI(deviceIndex: 0, mac: "02:00:00:00:00:01", primaryIP: nodeIP,
                           subnet: IPv4CIDR(network: IPv4Address(192, 168, 0, 0), prefixLength: 24), podAddresses: [], id: "eni-0kernel")
        let host = HostNetwork(nodeName: nodeName, enis: [eni0], pods: [],
                               vpcCIDRs: [clusterCIDR, IPv4CIDR(network: IPv4Address(10, 180, 0, 0), prefixLength: 16),
                                          IPv4CIDR(network: IPv4Address(192, 168, 0, 0), prefixLength: 16)],
                               externalSNAT: variant.externalSNAT)
        let text = host.iptablesSave(kubeProxy: kubeProxy)
        let dump = try IPTablesDump.parse(text).get()
        let hex = String(format: "%08x", UInt32.random(in: 0...UInt32.max))
        let eni = "eni" + hex
        let hairpin = Set(g.hairpin.values.flatMap { $0 })
        let node = Node(eni: eni, hairpin: Set(hairpin.map(\.value)))
        let ipt = IPTablesInterpreter(dump: dump, localAddresses: [nodeIP, eniIP],
                                      interfaceAddresses: ["eth0": nodeIP, eni: eniIP, "lo": localhost])
        #expect(ipt.unparsed.isEmpty, "ruleset \(r): rules the interpreter cannot read: \(ipt.unparsed)")
        let probes = makeProbes(for: g)
        totals.probes += probes.count

        // The namespaces, always deleted.
        let nodeNS = "nsk-\(hex)-n", extNS = "nsk-\(hex)-e", podNS = "nsk-\(hex)-p"
        let made = NamespaceSet()
        defer { made.deleteAll() }
        for ns in [nodeNS, extNS, podNS] {
            try made.create(ns)
            totals.namespaces.append(ns)
        }
        let extPeer = "nk\(hex)e", podPeer = "nk\(hex)p"
        // Links are made inside the node namespace (`ip -n`), the peers moved straight into theirs:
        // nothing is ever created in the root namespace.
        try check(run(ipTool, ["-n", nodeNS, "link", "add", "nk\(hex)x", "type", "veth", "peer", "name", extPeer, "netns", extNS]), "veth to \(extNS)")
        try check(run(ipTool, ["-n", nodeNS, "link", "set", "nk\(hex)x", "name", "eth0"]), "rename to eth0")
        try check(run(ipTool, ["-n", nodeNS, "link", "add", eni, "type", "veth", "peer", "name", podPeer, "netns", podNS, "address", "02:00:00:00:00:02"]), "veth to \(podNS)")
        var nodeBatch = [
            "link set lo up", "link set eth0 up", "link set \(eni) up",
            "addr add \(nodeIP)/24 dev eth0", "addr add \(eniIP)/24 dev \(eni)",
            "route add default via \(gatewayIP) dev eth0",
        ]
        // Hairpin endpoints are pods on this node: a /32 route to the pod's veth, and a fixed
        // neighbour so no ARP is needed (the pod namespace sends from them with IP_TRANSPARENT
        // and does not own them, so it never answers).
        for h in hairpin.sorted() {
            nodeBatch.append("route add \(h)/32 dev \(eni)")
            nodeBatch.append("neigh add \(h) lladdr 02:00:00:00:00:02 dev \(eni) nud permanent")
        }
        try check(run(ipTool, ["-n", nodeNS, "-batch", "-"], input: nodeBatch.joined(separator: "\n") + "\n"), "node namespace setup")
        var extBatch = ["link set lo up", "link set \(extPeer) up", "addr add \(gatewayIP)/24 dev \(extPeer)"]
        for a in insidePool + outsidePool { extBatch.append("addr add \(a)/32 dev \(extPeer)") }
        extBatch.append("route add default via \(nodeIP) dev \(extPeer)")
        try check(run(ipTool, ["-n", extNS, "-batch", "-"], input: extBatch.joined(separator: "\n") + "\n"), "ext namespace setup")
        var podBatch = ["link set lo up", "link set \(podPeer) up", "addr add \(podPrimary)/24 dev \(podPeer)"]
        for a in podPool { podBatch.append("addr add \(a)/24 dev \(podPeer)") }
        podBatch.append("route add default via \(eniIP) dev \(podPeer)")
        try check(run(ipTool, ["-n", podNS, "-batch", "-"], input: podBatch.joined(separator: "\n") + "\n"), "pod namespace setup")
        // Sysctls inside the namespaces only: the node forwards, routes 127/8 after DNAT (as
        // kube-proxy sets), does no reverse-path filtering and sends no redirects.
        var nodeSysctls = ["net.ipv4.ip_forward=1", "net.ipv4.conf.all.route_localnet=1", "net.ipv4.conf.all.rp_filter=0",
                           "net.ipv4.conf.all.send_redirects=0"]
        for dev in ["eth0", eni] { nodeSysctls += ["net.ipv4.conf.\(dev).rp_filter=0", "net.ipv4.conf.\(dev).send_redirects=0"] }
        // The kernel rate-limits the ICMP errors a REJECT sends (a bucket of about 50 whose cost per
        // message is random, and one per peer), so a burst of probes could see a REJECT stay silent
        // and read it as a DROP. An empty ratemask exempts every ICMP type, in this namespace only.
        nodeSysctls.append("net.ipv4.icmp_ratemask=0")
        // conntrack.tcpBeLiberal: kube-proxy sets the sysctl (in this namespace only) and writes no INVALID drop.
        if variant.tcpBeLiberal { nodeSysctls.append("net.netfilter.nf_conntrack_tcp_be_liberal=1") }
        try check(run(ipTool, ["netns", "exec", nodeNS, "sysctl", "-q", "-w"] + nodeSysctls), "node sysctls")

        let restore = run(ipTool, ["netns", "exec", nodeNS, "iptables-restore"], input: text)
        #expect(restore.status == 0, "ruleset \(r): iptables-restore failed: \(restore.err)")
        guard restore.status == 0 else { return }
        // Observation aids in tables netsim's text does not use (iptables-restore --noflush leaves
        // mangle, filter and nat as loaded): raw OUTPUT drops the node's own TCP resets, since
        // conntrack deletes a connection whose only answer is a RST, so a SYN delivered to a
        // closed local port keeps its entry; the security table's INPUT hook runs after filter
        // INPUT, and one counting rule per probe (matched on the connection's original tuple, so
        // NAT does not hide it) tells whether the probe was handed to the node's own stack. That
        // is how a packet the node sends to itself is seen refused: it crosses POSTROUTING, where
        // its connection is confirmed, before filter INPUT decides.
        var aids = ["*raw", ":OUTPUT ACCEPT [0:0]", "-A OUTPUT -p tcp -m tcp --tcp-flags RST RST -j DROP", "COMMIT", "*security", ":INPUT ACCEPT [0:0]"]
        for probe in probes {
            aids.append("-A INPUT -p \(probe.proto) -m conntrack --ctdir ORIGINAL --ctproto \(probe.proto) --ctorigsrc \(probe.src) --ctorigsrcport \(probe.sport)")
        }
        aids.append("COMMIT")
        try check(run(ipTool, ["netns", "exec", nodeNS, "iptables-restore", "--noflush"], input: aids.joined(separator: "\n") + "\n"), "raw and security tables")

        // Send: one python3 per namespace.
        var sent: [Int: String] = [:]
        for (origin, ns) in [(Origin.node, nodeNS), (.pod, podNS), (.ext, extNS)] {
            let batch = probes.filter { $0.origin == origin }
            guard !batch.isEmpty else { continue }
            let items = batch.map { "[\($0.id), \"\($0.proto)\", \"\($0.src)\", \($0.sport), \"\($0.dst)\", \($0.dport)]" }
            let res = run(ipTool, ["netns", "exec", ns, python, "-c", sender], input: "[" + items.joined(separator: ",") + "]")
            try check(res, "python3 sender in \(ns)")
            let decoded = try JSONSerialization.jsonObject(with: Data(res.out.utf8)) as? [String: String]
            let statuses = try #require(decoded, "sender output: \(res.out)")
            for (k, v) in statuses { if let id = Int(k) { sent[id] = v } }
        }
        let ct = run(ipTool, ["netns", "exec", nodeNS, "conntrack", "-L"])
        try check(ct, "conntrack -L")
        let save = run(ipTool, ["netns", "exec", nodeNS, "iptables-save", "-c"])
        try check(save, "iptables-save -c")
        let counters = parseCounters(save.out)
        let handedToStack = counters["security"]?["INPUT"] ?? []
        #expect(handedToStack.count == probes.count, "ruleset \(r): \(handedToStack.count) counting rules in the security table, \(probes.count) probes")
        var entries: [String: ConntrackEntry] = [:]
        for e in parseConntrack(ct.out) { entries["\(e.proto) \(e.origSrc):\(e.origSport)"] = e }

        // Probe by probe.
        var expected: [String: [String: [Int: Int]]] = [:]   // table → chain → rule index (1-based) → packets
        var attributed: [String: [Int]] = [:]                // "table chain index" → probe ids
        var failures = 0
        for probe in probes {
            let status = sent[probe.id] ?? "no report/-"
            let context = "ruleset \(r), \(probe.service), \(probe.text)"
            let sendResult = status.split(separator: "/").first.map(String.init) ?? status
            let refused = status.hasSuffix("/ECONNREFUSED") || sendResult == "ECONNREFUSED"
            let ok = ["sent", "ECONNREFUSED", "EPERM"].contains(sendResult)
            #expect(ok, "\(context): the sender failed: \(status)")
            guard ok else { failures += 1; continue }
            let walks = predict(ipt, probe, node: node)
            let predicted = Set(walks.map(\.outcome))
            if predicted.count > 1 { totals.severalResults += 1 }
            let entry = entries["\(probe.proto) \(probe.src):\(probe.sport)"]
            let delivered = probe.id < handedToStack.count && handedToStack[probe.id] > 0
            // The kernel's fate: accepted with the conntrack entry's translation (handed to the
            // node's stack when the security counter moved), or stopped: no entry, or an entry
            // for a packet to a local address that filter INPUT did not let through.
            let consistent: [Walk]
            let kernelSaw: String
            if let e = entry, delivered || !node.isLocal(e.replySrc) {
                let got = Outcome(verdict: "ACCEPT", src: e.replyDst, dst: e.replySrc, dport: e.replySport, delivered: delivered)
                kernelSaw = "\(got) (conntrack: \(e.line); sender: \(status))"
                consistent = walks.filter { $0.outcome == got }
                let translated = e.replySrc != probe.dst || e.replySport != probe.dport
                let snat = e.replyDst != probe.src
                totals.outcomes[translated ? (snat ? "DNAT+SNAT" : "DNAT") : (snat ? "SNAT only" : (delivered ? "delivered" : "unchanged")), default: 0] += 1
            } else {
                kernelSaw = (entry.map { "a connection to the node itself that filter INPUT stopped (conntrack: \($0.line))" } ?? "no conntrack entry")
                    + " (dropped or rejected; delivered \(delivered); sender: \(status))"
                // REJECT answers with an ICMP port-unreachable (the sender is refused), DROP is silent.
                let verdict = refused ? "REJECT" : "DROP"
                consistent = delivered ? [] : walks.filter { probe.answerable ? $0.outcome.verdict == verdict : $0.outcome.verdict != "ACCEPT" }
                if let v = consistent.first?.outcome.verdict { totals.outcomes[v, default: 0] += 1 }
            }
            // EPERM: netfilter dropped the node's own datagram on output, before any connection was confirmed.
            if sendResult == "EPERM" {
                let fits = entry == nil && consistent.allSatisfy { $0.outcome.verdict != "ACCEPT" }
                #expect(fits, "\(context): the sender got EPERM but \(kernelSaw)")
                if !fits { failures += 1 }
            }
            let agree = !consistent.isEmpty
            #expect(agree, "\(context): the kernel gave \(kernelSaw); the interpreter predicted \(predicted.map(\.description).sorted())")
            guard let chosen = consistent.first else { failures += 1; continue }
            // The branches that agree with the kernel took the same rules: the counters can be attributed.
            let path = chosen.hits.map { "\($0.table) \($0.chain) \($0.index)" }
            let unambiguous = consistent.allSatisfy { $0.hits.map { "\($0.table) \($0.chain) \($0.index)" } == path }
            #expect(unambiguous, "\(context): several rule paths give the kernel's result")
            if !unambiguous { failures += 1 }
            // What the sender saw fits: refused by a REJECT, or by the node's own stack for a datagram
            // delivered to a closed port (its TCP resets are dropped in raw OUTPUT); never after a
            // DROP or a forwarded packet (the ext and pod namespaces do not answer).
            let wantRefused = probe.answerable && (chosen.outcome.verdict == "REJECT" || (chosen.outcome.delivered && probe.proto == "udp"))
            #expect(refused == wantRefused, "\(context): the sender saw \(status), the interpreter predicted \(chosen.outcome)")
            if refused != wantRefused { failures += 1 }
            for h in chosen.hits where !builtinChains.contains(h.chain) {
                expected[h.table, default: [:]][h.chain, default: [:]][h.index, default: 0] += 1
                attributed["\(h.table) \(h.chain) \(h.index)", default: []].append(probe.id)
            }
        }

        // Rule by rule: the kernel's packet counters against the interpreter's hits, in every chain
        // of kube-proxy and the CNI (the built-in chains also count the node's RSTs and ICMP errors).
        for table in ["filter", "nat"] {
            guard let t = dump.table(table) else { continue }
            for chain in t.chains where !builtinChains.contains(chain.name) {
                let kernel = counters[table]?[chain.name] ?? []
                #expect(kernel.count == chain.rules.count, "ruleset \(r): \(table) \(chain.name) has \(kernel.count) rules in the kernel, \(chain.rules.count) in netsim's text")
                guard kernel.count == chain.rules.count else { failures += 1; continue }
                for (i, rule) in chain.rules.enumerated() {
                    totals.rulesCompared += 1
                    let want = expected[table]?[chain.name]?[i + 1] ?? 0
                    let got = kernel[i]
                    if got != UInt64(want) {
                        failures += 1
                        let ids = attributed["\(table) \(chain.name) \(i + 1)"] ?? []
                        let who = ids.prefix(6).compactMap { id in probes.first { $0.id == id }.map { "\($0.service) \($0.text)" } }
                        Issue.record("ruleset \(r): \(table) rule `\(rule)` counted \(got) packets in the kernel, the interpreter predicted \(want) (from: \(who))")
                    }
                }
            }
        }
        if failures > 0 {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("netsim-kernel-agreement-\(r).txt")
            try? (text + "\n# kernel iptables-save -c\n" + save.out + "\n# conntrack -L\n" + ct.out).write(to: path, atomically: true, encoding: .utf8)
            Issue.record("ruleset \(r): \(failures) disagreements; rules, counters and conntrack saved in \(path.path)")
        }
    }

    // MARK: - Processes

    struct SetupError: Error, CustomStringConvertible {
        var description: String
    }

    static func check(_ res: ProcessResult, _ what: String) throws {
        guard res.status == 0 else {
            Issue.record("\(what) failed (exit \(res.status)): \(res.err)")
            throw SetupError(description: "\(what) failed")
        }
    }

    static let ipTool = NetworkNamespace.ipTool

    /// python3 from PATH (ip netns exec runs it by this path).
    static let python: String = {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
        return dirs.map { $0 + "/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "python3"
    }()

    static var canMakeNamespaces: Bool { NetworkNamespace.available }

    static func run(_ tool: String, _ args: [String], input: String? = nil) -> ProcessResult {
        Subprocess.run(tool, args, input: input)
    }
}
