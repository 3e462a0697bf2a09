import NetsimModel

/// The `iptables-restore` input kube-proxy writes for one node (iptables mode, kubernetes
/// v1.31 `pkg/proxy/iptables/proxier.go` `syncProxyRules`, a full sync): the filter table,
/// then the nat table, each with its chain declarations and rules.
public struct IPTablesRestoreText: Sendable {
    public var filterChains: [String] = []
    public var filterRules: [String] = []
    public var natChains: [String] = []
    public var natRules: [String] = []

    public init() {}

    public var text: String {
        var out = "*filter\n"
        for c in filterChains { out += ":\(c) - [0:0]\n" }
        for r in filterRules { out += r + "\n" }
        out += "COMMIT\n*nat\n"
        for c in natChains { out += ":\(c) - [0:0]\n" }
        for r in natRules { out += r + "\n" }
        out += "COMMIT\n"
        return out
    }
}

public enum KubeProxyRenderer {
    /// A comment argument as kube-proxy writes it: quoted when it holds a space.
    static func comment(_ text: String) -> String { text.contains(" ") ? "\"\(text)\"" : text }

    /// Go's `%0.10f` of 1/n.
    public static func probabilityText(_ n: Int) -> String { probability(n) }

    /// 1/n to ten decimals, as kube-proxy writes it: `fmt.Sprintf("%0.10f", 1.0/float64(n))`.
    /// Go's strconv formats a fixed precision from the exact binary value of the double
    /// (`bigFtoa`, then `decimal.Round`, ties to even), and the double 1.0/n is not 1/n: a
    /// decimal tie of the rational 1/n (n = 10240, 51200, 256000, ...) is a tie of the double
    /// only when n is a power of two (1/2048 = 0.00048828125 → 0.0004882812). So this takes the
    /// double apart, m × 2^-k with m the 53-bit significand, and rounds m × 10^10 / 2^k exactly
    /// in 128-bit integer arithmetic.
    static func probability(_ remaining: Int) -> String {
        guard remaining > 1 else { return "1.0000000000" }
        let d = 1.0 / Double(remaining)
        let m = (UInt64(1) << 52) | d.significandBitPattern
        // d = m × 2^(exponent - 52); 0 < d < 1, so k = 52 - exponent is 53...116 for any Int.
        let k = 52 - Int(d.exponent)
        let scale: UInt64 = 10_000_000_000
        let (hi, lo) = m.multipliedFullWidth(by: scale)
        // q = (hi:lo) >> k, rest = the k low bits, half = 2^(k-1); q < 10^10 fits 64 bits.
        var q: UInt64
        var above: Bool, tie: Bool
        if k >= 64 {
            let s = k - 64
            q = s == 0 ? hi : hi >> UInt64(s)
            let restHi = s == 0 ? 0 : hi & ((UInt64(1) << UInt64(s)) - 1)
            if s == 0 {
                above = lo > (UInt64(1) << 63); tie = lo == (UInt64(1) << 63)
            } else {
                let halfHi = UInt64(1) << UInt64(s - 1)
                above = restHi > halfHi || (restHi == halfHi && lo != 0); tie = restHi == halfHi && lo == 0
            }
        } else {
            q = (hi << UInt64(64 - k)) | (lo >> UInt64(k))
            let rest = lo & ((UInt64(1) << UInt64(k)) - 1)
            let half = UInt64(1) << UInt64(k - 1)
            above = rest > half; tie = rest == half
        }
        if above || (tie && q & 1 == 1) { q += 1 }
        if q >= scale { return "1.0000000000" }
        let f = String(q)
        return "0." + String(repeating: "0", count: 10 - f.utf8.count) + f
    }

    /// Whether kube-proxy writes this port's rules differently on different nodes: its
    /// endpoints are chosen per node (internalTrafficPolicy or externalTrafficPolicy Local),
    /// or its load balancer firewall lists node addresses. Every other port's rules are the
    /// same on every node.
    /// Zone hints make the endpoints depend on the node's zone.
    public static func dependsOnNode(_ sp: ProxiedServicePort, endpoints: [ProxiedEndpoint] = []) -> Bool {
        sp.internalPolicyLocal || (sp.externalPolicyLocal && sp.externallyAccessible)
            || (!sp.sourceRanges.isEmpty && !sp.loadBalancerIPs.isEmpty)
            || endpoints.contains { !$0.zoneHints.isEmpty }
    }

    /// Whether kube-proxy filters a port's Cluster endpoints by zone (v1.31
    /// `pkg/proxy/topology.go` `canUseTopology`, with ServiceTrafficDistribution on, so the
    /// topology annotation is not consulted): every ready endpoint has a zone hint, the node
    /// has a zone label, and some ready endpoint is hinted for that zone.
    static func usesTopology(_ endpoints: [ProxiedEndpoint], zone: String?) -> Bool {
        var found = false
        for e in endpoints where e.ready {
            if e.zoneHints.isEmpty { return false }
            guard let z = zone, !z.isEmpty else { return false }
            if e.zoneHints.contains(z) { found = true }
        }
        return found
    }

    /// The order kube-proxy writes service ports in.
    public static func sorted(_ ports: [ProxiedServicePort]) -> [ProxiedServicePort] {
        ports.sorted { ($0.servicePortName, $0.ipProtocol) < ($1.servicePortName, $1.ipProtocol) }
    }

    /// Above `largeClusterEndpoints` endpoints in all, rules carry fewer comments.
    public static func isLarge(_ endpoints: [String: [ProxiedEndpoint]], _ c: KubeProxyConfig) -> Bool {
        endpoints.values.reduce(0) { $0 + $1.count } > c.largeClusterEndpoints
    }

    /// The endpoints of a port (keyed "ns/svc:port/proto", or without the protocol).
    public static func endpoints(of sp: ProxiedServicePort, in endpoints: [String: [ProxiedEndpoint]]) -> [ProxiedEndpoint] {
        endpoints[sp.servicePortName + "/" + sp.ipProtocol] ?? endpoints[sp.servicePortName] ?? []
    }

    /// Localhost NodePorts exist for IPv4 only (`NewProxier`: the IPv6 proxier is never given
    /// them, and `nodePortAddresses.ContainsIPv4Loopback()` is false for it).
    static func localhostNodePorts(_ c: KubeProxyConfig) -> Bool {
        c.ipFamily == .ipv4 && c.localhostNodePorts && (matchesAllNodePortAddresses(c) || c.nodePortAddresses.contains { $0.contains(IPv4Address(127, 0, 0, 1)) })
    }

    /// No `--nodeport-addresses`, or a zero CIDR among them: NodePorts on every local address.
    static func matchesAllNodePortAddresses(_ c: KubeProxyConfig) -> Bool {
        (c.nodePortAddresses.isEmpty && !c.nodePortsRestricted) || c.nodePortAddresses.contains { $0.prefixLength == 0 }
    }

    /// Every node's rules, whole: the frame (chains, KUBE-POSTROUTING, KUBE-MARK-MASQ, the
    /// NodePort catch-all, KUBE-FORWARD) around each service port's fragment, in kube-proxy's order.
    public static func render(_ ports: [ProxiedServicePort], endpoints: [String: [ProxiedEndpoint]], config c: KubeProxyConfig) -> IPTablesRestoreText {
        let large = isLarge(endpoints, c)
        var out = head(c)
        for sp in sorted(ports) { appendFragment(sp, endpoints: Self.endpoints(of: sp, in: endpoints), config: c, large: large, into: &out) }
        finish(&out, c)
        return out
    }

    /// The chains and rules every node has before the first service port.
    public static func head(_ c: KubeProxyConfig) -> IPTablesRestoreText {
        var out = IPTablesRestoreText()
        let localhostNodePorts = localhostNodePorts(c)
        out.filterChains = ["KUBE-EXTERNAL-SERVICES", "KUBE-FORWARD", "KUBE-NODEPORTS", "KUBE-PROXY-FIREWALL", "KUBE-SERVICES"]
        if localhostNodePorts { out.filterChains.append("KUBE-FIREWALL") }
        out.natChains = ["KUBE-MARK-MASQ", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-SERVICES"]
        let mark = c.masqueradeMark
        if localhostNodePorts {
            out.filterRules.append("-A KUBE-FIREWALL -m comment --comment \"block incoming localnet connections\" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP")
        }
        out.natRules += [
            "-A KUBE-POSTROUTING -m mark ! --mark \(mark)/\(mark) -j RETURN",
            "-A KUBE-POSTROUTING -j MARK --xor-mark \(mark)",
            "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE" + (c.randomFully ? " --random-fully" : ""),
            "-A KUBE-MARK-MASQ -j MARK --or-mark \(mark)",
        ]
        return out
    }

    /// One service port's rules: its capture rules in the shared chains (KUBE-SERVICES,
    /// KUBE-NODEPORTS, the filter chains) and its own chains (KUBE-SVC, KUBE-SVL, KUBE-EXT,
    /// KUBE-FW, KUBE-SEP). nil for a port without a cluster IP.
    public static func fragment(_ sp: ProxiedServicePort, endpoints eps: [ProxiedEndpoint], config c: KubeProxyConfig, large: Bool) -> IPTablesRestoreText? {
        var out = IPTablesRestoreText()
        return appendFragment(sp, endpoints: eps, config: c, large: large, into: &out) ? out : nil
    }

    /// `fragment`, appended to `out`; false for a port without a cluster IP.
    @discardableResult
    static func appendFragment(_ sp: ProxiedServicePort, endpoints eps: [ProxiedEndpoint], config c: KubeProxyConfig, large: Bool,
                               into out: inout IPTablesRestoreText) -> Bool {
        let localhostNodePorts = localhostNodePorts(c)
        guard let clusterIP = sp.clusterIP else { return false }
        let spn = sp.servicePortName
        let proto = sp.ipProtocol
        let pm = "-m \(proto) -p \(proto)"
        // Categorise (pkg/proxy/topology.go): deduplicated by ip:port, sorted by the string.
        var unique: [String: ProxiedEndpoint] = [:]
        for e in eps {
            if let old = unique[e.string], !(old.terminating && !e.terminating) { continue }
            unique[e.string] = e
        }
        let all = unique.values.sorted { $0.string < $1.string }
        let topology = usesTopology(all, zone: c.zone)
        let ready = all.filter { $0.ready && (!topology || $0.zoneHints.isEmpty || $0.zoneHints.contains(c.zone ?? "")) }
        var clusterEPs = ready
        if clusterEPs.isEmpty { clusterEPs = all.filter { $0.serving && $0.terminating } }
        let localAll = all.filter { $0.nodeName == c.nodeName }
        var localEPs = localAll.filter(\.ready)
        if localEPs.isEmpty { localEPs = localAll.filter { $0.serving && $0.terminating } }
        // The IPv6 proxier keeps only IPv6 external and load balancer IPs (ServiceChangeTracker
        // filters by family); netsim's are IPv4, so an IPv6 proxier has none.
        let v4 = c.ipFamily == .ipv4
        let externalIPs = v4 ? sp.externalIPs : [], loadBalancerIPs = v4 ? sp.loadBalancerIPs : []
        let externallyAccessible = sp.nodePort != nil || !externalIPs.isEmpty || !loadBalancerIPs.isEmpty
        let usesCluster = !sp.internalPolicyLocal || externallyAccessible
        let usesLocal = sp.internalPolicyLocal || (sp.externalPolicyLocal && externallyAccessible)
        let hasAnyEndpoints = !clusterEPs.isEmpty || all.contains { $0.ready || ($0.serving && $0.terminating) }
        let svc = ChainNames.service(spn, proto), svl = ChainNames.serviceLocal(spn, proto)
        let ext = ChainNames.external(spn, proto), fw = ChainNames.firewall(spn, proto)
        let internalChain = sp.internalPolicyLocal ? svl : svc
        let internalEPs = sp.internalPolicyLocal ? localEPs : clusterEPs
        let externalChain = sp.externalPolicyLocal ? svl : svc
        let externalEPs = sp.externalPolicyLocal ? localEPs : clusterEPs
        let noEndpointsTarget = hasAnyEndpoints ? "DROP" : "REJECT"
        let noEndpointsComment = hasAnyEndpoints ? "\(spn) has no local endpoints" : Self.noEndpointsComment(spn)
        var usedChains: [String] = []
        // Whether the EXT chain is written: any endpoints and externally accessible.
        let writeExt = hasAnyEndpoints && externallyAccessible

        // 1. ClusterIP capture.
        if !internalEPs.isEmpty {
            out.natRules.append("-A KUBE-SERVICES -m comment --comment \(comment("\(spn) cluster IP")) \(pm) -d \(clusterIP) --dport \(sp.port) -j \(internalChain)")
        } else {
            out.filterRules.append("-A KUBE-SERVICES -m comment --comment \(comment(sp.internalPolicyLocal && hasAnyEndpoints ? "\(spn) has no local endpoints" : Self.noEndpointsComment(spn))) \(pm) -d \(clusterIP) --dport \(sp.port) -j \(sp.internalPolicyLocal && hasAnyEndpoints ? "DROP" : "REJECT")")
        }
        // 2. External IPs.
        for ip in externalIPs {
            if hasAnyEndpoints {
                out.natRules.append("-A KUBE-SERVICES -m comment --comment \(comment("\(spn) external IP")) \(pm) -d \(ip) --dport \(sp.port) -j \(ext)")
            }
            if externalEPs.isEmpty {
                out.filterRules.append("-A KUBE-EXTERNAL-SERVICES -m comment --comment \(comment(noEndpointsComment)) \(pm) -d \(ip) --dport \(sp.port) -j \(noEndpointsTarget)")
            }
        }
        // 3. Load balancer IPs.
        let ranges = sp.sourceRanges.contains { $0.prefixLength == 0 } ? [] : sp.sourceRanges
        // `usesFWChain := hasEndpoints && …`: without endpoints the LB IPs get the REJECT below.
        let useFW = hasAnyEndpoints && !ranges.isEmpty && !loadBalancerIPs.isEmpty
        for ip in loadBalancerIPs {
            if hasAnyEndpoints {
                out.natRules.append("-A KUBE-SERVICES -m comment --comment \(comment("\(spn) loadbalancer IP")) \(pm) -d \(ip) --dport \(sp.port) -j \(useFW ? fw : ext)")
            }
            if useFW {
                out.filterRules.append("-A KUBE-PROXY-FIREWALL -m comment --comment \(comment("\(spn) traffic not accepted by \(fw)")) \(pm) -d \(ip) --dport \(sp.port) -j DROP")
            }
        }
        if externalEPs.isEmpty {
            for ip in loadBalancerIPs {
                out.filterRules.append("-A KUBE-EXTERNAL-SERVICES -m comment --comment \(comment(noEndpointsComment)) \(pm) -d \(ip) --dport \(sp.port) -j \(noEndpointsTarget)")
            }
        }
        // 4. NodePort.
        if let np = sp.nodePort {
            if hasAnyEndpoints {
                if localhostNodePorts && c.nfacct {
                    out.natRules.append("-A KUBE-NODEPORTS -m comment --comment \(comment(spn)) \(pm) -d 127.0.0.0/8 --dport \(np) -m nfacct --nfacct-name localhost_nps_accepted_pkts -j \(ext)")
                }
                out.natRules.append("-A KUBE-NODEPORTS -m comment --comment \(comment(spn)) \(pm) --dport \(np) -j \(ext)")
            }
            if externalEPs.isEmpty {
                out.filterRules.append("-A KUBE-EXTERNAL-SERVICES -m comment --comment \(comment(noEndpointsComment)) -m addrtype --dst-type LOCAL \(pm) --dport \(np) -j \(noEndpointsTarget)")
            }
        }
        // 5. Health-check NodePort.
        if sp.isLoadBalancer, sp.externalPolicyLocal, let hc = sp.healthCheckNodePort {
            out.filterRules.append("-A KUBE-NODEPORTS -m comment --comment \(comment("\(spn) health check node port")) -m tcp -p tcp --dport \(hc) -j ACCEPT")
        }
        // 7. Masquerade off-cluster traffic to the cluster IP.
        if !internalEPs.isEmpty {
            if c.masqueradeAll {
                out.natRules.append("-A \(internalChain) -m comment --comment \(comment("\(spn) cluster IP")) \(pm) -d \(clusterIP) --dport \(sp.port) -j KUBE-MARK-MASQ")
            } else if let d = c.localDetector {
                out.natRules.append("-A \(internalChain) -m comment --comment \(comment("\(spn) cluster IP")) \(pm) -d \(clusterIP) --dport \(sp.port) \(d.notLocal) -j KUBE-MARK-MASQ")
            }
        }
        // 8. KUBE-EXT.
        if writeExt {
            usedChains.append(ext)
            if !sp.externalPolicyLocal {
                out.natRules.append("-A \(ext) -m comment --comment \(comment("masquerade traffic for \(spn) external destinations")) -j KUBE-MARK-MASQ")
            } else {
                if let d = c.localDetector {
                    out.natRules.append("-A \(ext) -m comment --comment \(comment("pod traffic for \(spn) external destinations")) \(d.isLocal) -j \(svc)")
                }
                out.natRules.append("-A \(ext) -m comment --comment \(comment("masquerade LOCAL traffic for \(spn) external destinations")) -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ")
                out.natRules.append("-A \(ext) -m comment --comment \(comment("route LOCAL traffic for \(spn) external destinations")) -m addrtype --src-type LOCAL -j \(svc)")
            }
            if !externalEPs.isEmpty { out.natRules.append("-A \(ext) -j \(externalChain)") }
        }
        // 9. KUBE-FW.
        if useFW {
            usedChains.append(fw)
            for r in ranges {
                out.natRules.append("-A \(fw) -m comment --comment \(comment("\(spn) loadbalancer IP")) -s \(r) -j \(ext)")
            }
            if ranges.contains(where: { r in c.nodeIPs.contains { r.contains($0) } }) {
                for ip in loadBalancerIPs {
                    out.natRules.append("-A \(fw) -m comment --comment \(comment("\(spn) loadbalancer IP")) -s \(ip) -j \(ext)")
                }
            }
            out.natRules.append("-A \(fw) -m comment --comment \(comment("other traffic to \(spn) will be dropped by KUBE-PROXY-FIREWALL"))")
        }
        // 10. Dispatch chains.
        var sepNames: [String: String] = [:]
        func sepName(_ e: ProxiedEndpoint) -> String {
            if let n = sepNames[e.string] { return n }
            let n = ChainNames.endpoint(spn, proto, e.string)
            sepNames[e.string] = n
            return n
        }
        func dispatch(_ chain: String, _ list: [ProxiedEndpoint]) {
            guard !list.isEmpty else { return }
            usedChains.append(chain)
            if let t = sp.affinityTimeout {
                for e in list {
                    let sep = sepName(e)
                    let cm = large ? "" : "-m comment --comment \(comment("\(spn) -> \(e.string)")) "
                    out.natRules.append("-A \(chain) \(cm)-m recent --name \(sep) --rcheck --seconds \(t) --reap -j \(sep)")
                }
            }
            for (i, e) in list.enumerated() {
                let sep = sepName(e)
                let cm = large ? "" : "-m comment --comment \(comment("\(spn) -> \(e.string)")) "
                let stat = i < list.count - 1 ? "-m statistic --mode random --probability \(probability(list.count - i)) " : ""
                out.natRules.append("-A \(chain) \(cm)\(stat)-j \(sep)")
            }
        }
        if usesCluster { dispatch(svc, clusterEPs) }
        if usesLocal { dispatch(svl, localEPs) }
        // 11. One chain per endpoint reached.
        var seps: [String: ProxiedEndpoint] = [:]
        if usesCluster { for e in clusterEPs { seps[e.string] = e } }
        if usesLocal { for e in localEPs { seps[e.string] = e } }
        for e in seps.values.sorted(by: { $0.string < $1.string }) {
            let sep = sepName(e)
            usedChains.append(sep)
            let cm = large ? "" : "-m comment --comment \(comment(spn)) "
            out.natRules.append("-A \(sep) \(cm)-s \(e.ip) -j KUBE-MARK-MASQ")
            let recent = sp.affinityTimeout != nil ? "-m recent --name \(sep) --set " : ""
            out.natRules.append("-A \(sep) \(cm)\(recent)\(pm) -j DNAT --to-destination \(e.string)")
        }
        out.natChains += usedChains
        return true
    }

    /// The rules every node has after the last service port.
    public static func finish(_ out: inout IPTablesRestoreText, _ c: KubeProxyConfig) {
        let localhostNodePorts = localhostNodePorts(c)
        let mark = c.masqueradeMark
        // The NodePort catch-all, last in nat KUBE-SERVICES.
        let np = "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\""
        if matchesAllNodePortAddresses(c) {
            // proxier.go: IPv6 never has localhost NodePorts (`! -d ::1/128`, written after the addrtype match).
            if c.ipFamily == .ipv6 {
                out.natRules.append(np + " -m addrtype --dst-type LOCAL ! -d ::1/128 -j KUBE-NODEPORTS")
            } else {
                out.natRules.append(np + (localhostNodePorts ? "" : " ! -d 127.0.0.0/8") + " -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS")
            }
        } else {
            // One rule per node address inside the CIDRs, interface by interface as
            // `GetNodeIPs` lists them: lo (127.0.0.1, with localhost NodePorts) first.
            if localhostNodePorts { out.natRules.append(np + " -d 127.0.0.1 -j KUBE-NODEPORTS") }
            if c.ipFamily == .ipv6 {
                // IPv6: `--nodeport-addresses primary` gives the node's IPv6 address; netsim's
                // CIDR list is IPv4, which the IPv6 proxier ignores.
                var seen6 = Set<IPv6Address>()
                for ip in c.nodeIPs6 where c.nodePortsRestricted && seen6.insert(ip).inserted { out.natRules.append(np + " -d \(ip) -j KUBE-NODEPORTS") }
            } else {
                var seen = Set<UInt32>()
                for ip in c.interfaceAddresses ?? c.nodeIPs where c.nodePortAddresses.contains(where: { $0.contains(ip) }) && seen.insert(ip.value).inserted {
                    out.natRules.append(np + " -d \(ip) -j KUBE-NODEPORTS")
                }
            }
        }
        if !c.tcpBeLiberal {
            out.filterRules.append("-A KUBE-FORWARD -m conntrack --ctstate INVALID" + (c.nfacct ? " -m nfacct --nfacct-name ct_state_invalid_dropped_pkts" : "") + " -j DROP")
        }
        out.filterRules.append("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark \(mark)/\(mark) -j ACCEPT")
        out.filterRules.append("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT")
    }
}
