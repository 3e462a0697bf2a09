import NetsimModel

/// A node's ENI as the host sees it.
public struct HostENI: Sendable {
    public var deviceIndex: Int
    public var mac: String
    public var primaryIP: IPv4Address
    public var subnet: IPv4CIDR
    /// Every address the ENI holds for pods (secondary IPs, prefix addresses in use).
    public var podAddresses: [IPv4Address]
    public var id: String
    public init(deviceIndex: Int, mac: String, primaryIP: IPv4Address, subnet: IPv4CIDR, podAddresses: [IPv4Address], id: String) {
        self.deviceIndex = deviceIndex; self.mac = mac; self.primaryIP = primaryIP; self.subnet = subnet
        self.podAddresses = podAddresses; self.id = id
    }
    /// `eth0`, `eth1`, … (the CNI's own tests and docs name them so).
    public var interface: String { "eth\(deviceIndex)" }
    /// The subnet's router: its base address + 1.
    public var gateway: IPv4Address { IPv4Address(subnet.network.value + 1) }
    /// Route table: main for the primary ENI, device index + 1 otherwise (card 0).
    public var table: Int { deviceIndex == 0 ? 254 : deviceIndex + 1 }
}

/// A pod on the node with its own address.
public struct HostPod: Sendable {
    public var namespace: String
    public var name: String
    public var ip: IPv4Address
    public init(namespace: String, name: String, ip: IPv4Address) { self.namespace = namespace; self.name = name; self.ip = ip }
}

/// The VPC CNI's host networking on one node (amazon-vpc-cni-k8s v1.23.1,
/// `pkg/networkutils/network.go`, `cmd/routed-eni-cni-plugin/driver`): policy routing rules,
/// per-ENI route tables, the veth routes, and the SNAT and connmark rules.
public struct HostNetwork: Sendable {
    public var nodeName: String
    public var enis: [HostENI]
    public let pods: [HostPod]
    public var vpcCIDRs: [IPv4CIDR]
    public var excludeSNATCIDRs: [IPv4CIDR]
    public var externalSNAT: Bool
    public let vethPrefix: String
    /// Each pod's host-side veth, by address (named once: the name is a SHA-1).
    public let vethByAddress: [UInt32: String]
    let podByVeth: [String: IPv4Address]
    /// AWS_VPC_K8S_CNI_CONNMARK.
    public var connmark: UInt32
    public var nodePortSupport: Bool
    public var randomizeSNAT: String
    /// AWS_EXTERNAL_SERVICE_CIDRS: `1535: from all to CIDR lookup main` each.
    public var externalServiceCIDRs: [IPv4CIDR]

    public init(nodeName: String, enis: [HostENI], pods: [HostPod], vpcCIDRs: [IPv4CIDR], excludeSNATCIDRs: [IPv4CIDR] = [],
                externalSNAT: Bool = false, vethPrefix: String = "eni", connmark: UInt32 = 0x80, nodePortSupport: Bool = true,
                randomizeSNAT: String = "prng", externalServiceCIDRs: [IPv4CIDR] = []) {
        self.nodeName = nodeName; self.enis = enis.sorted { $0.deviceIndex < $1.deviceIndex }; self.pods = pods
        self.vpcCIDRs = vpcCIDRs; self.excludeSNATCIDRs = excludeSNATCIDRs; self.externalSNAT = externalSNAT
        self.vethPrefix = vethPrefix; self.connmark = connmark; self.nodePortSupport = nodePortSupport; self.randomizeSNAT = randomizeSNAT
        self.externalServiceCIDRs = externalServiceCIDRs
        var byAddress: [UInt32: String] = [:], byVeth: [String: IPv4Address] = [:]
        for p in pods {
            let v = Self.vethName(namespace: p.namespace, pod: p.name, prefix: vethPrefix)
            byAddress[p.ip.value] = v
            byVeth[v] = p.ip
        }
        vethByAddress = byAddress
        podByVeth = byVeth
    }

    /// The host side of a pod's veth: the prefix and the first 11 hex characters of SHA-1 over
    /// "namespace.podname".
    public static func vethName(namespace: String, pod: String, prefix: String = "eni") -> String {
        let h = SHA1.hash(Array("\(namespace).\(pod)".utf8))
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(12)
        for b in h.prefix(6) { hex.append(digits[Int(b >> 4)]); hex.append(digits[Int(b & 15)]) }
        return prefix + String(decoding: hex.prefix(11), as: UTF8.self)
    }

    public var primary: HostENI? { enis.first { $0.deviceIndex == 0 } }

    /// The ENI that holds a pod's address.
    public func eni(of ip: IPv4Address) -> HostENI? { enis.first { $0.podAddresses.contains(ip) } }

    static func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }

    /// `ip rule` as iproute2 prints it.
    public var rulesText: String {
        var rules: [(Int, String)] = [(0, "from all lookup local")]
        for p in pods.sorted(by: { $0.ip < $1.ip }) {
            rules.append((512, "from all to \(p.ip) lookup main"))
            if let e = eni(of: p.ip), e.deviceIndex != 0 { rules.append((1536, "from \(p.ip) lookup \(e.table)")) }
        }
        if nodePortSupport || !externalSNAT { rules.append((1024, "from all fwmark \(Self.hex(connmark))/\(Self.hex(connmark)) lookup main")) }
        for c in externalServiceCIDRs { rules.append((1535, "from all to \(c) lookup main")) }
        for e in enis where e.deviceIndex != 0 { rules.append((32765, "from \(e.primaryIP) lookup \(e.table)")) }
        rules += [(32766, "from all lookup main"), (32767, "from all lookup default")]
        return rules.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map { "\($0.element.0):\t\($0.element.1)" }.joined(separator: "\n") + "\n"
    }

    /// `ip route show table all` as iproute2 prints it (main and ENI tables, then local).
    public var routesText: String {
        var out: [String] = []
        for e in enis where e.deviceIndex != 0 {
            out.append("default via \(e.gateway) dev \(e.interface) table \(e.table) ")
            out.append("\(e.gateway) dev \(e.interface) table \(e.table) scope link ")
        }
        if let p = primary {
            out.append("default via \(p.gateway) dev \(p.interface) ")
            out.append("\(p.subnet) dev \(p.interface) proto kernel scope link src \(p.primaryIP) ")
        }
        for pod in pods.sorted(by: { $0.ip < $1.ip }) {
            out.append("\(pod.ip) dev \(vethByAddress[pod.ip.value] ?? "") scope link ")
        }
        out.append("local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1 ")
        out.append("local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 ")
        for e in enis { out.append("local \(e.primaryIP) dev \(e.interface) table local proto kernel scope host src \(e.primaryIP) ") }
        return out.joined(separator: "\n") + "\n"
    }

    /// The CNI's own chains in the nat table.
    public static let connmarkChain = ChainName.user("AWS-CONNMARK-CHAIN-0")
    public static let snatChain = ChainName.user("AWS-SNAT-CHAIN-0")

    /// One rule with the chain it is appended to, written as `iptables-save` prints it.
    public struct ChainRule: Sendable, Equatable {
        public var chain: ChainName
        public var text: String
        /// `-A chain body`.
        init(_ chain: ChainName, _ body: String) { self.chain = chain; text = "-A \(chain) \(body)" }
    }

    /// The CNI's own iptables rules in the nat and mangle tables, each with its chain, and the
    /// nat chains it creates.
    public var cniRules: (nat: [ChainRule], natChains: [ChainName], mangle: [ChainRule]) {
        guard let p = primary else { return ([], [], []) }
        var nat: [ChainRule] = [], chains: [ChainName] = [], mangle: [ChainRule] = []
        let mark = Self.hex(connmark)
        let connmarkChain = Self.connmarkChain, snatChain = Self.snatChain
        if !externalSNAT {
            chains = [connmarkChain, snatChain]
            nat.append(ChainRule(.prerouting, "-i \(vethPrefix)+ -m comment --comment \"AWS, outbound connections\" -j \(connmarkChain)"))
            nat.append(ChainRule(.prerouting, "-m comment --comment \"AWS, CONNMARK\" -j CONNMARK --restore-mark --mask \(mark)"))
            nat.append(ChainRule(.postrouting, "-m comment --comment \"AWS SNAT CHAIN\" -j \(snatChain)"))
            // aws-node inserts each CIDR's RETURN at the top of its chain (VPC CIDRs, then the
            // exclusions), so they read in reverse; 0.0.0.0/0 becomes an unconditional RETURN.
            func dest(_ c: IPv4CIDR) -> String { c.prefixLength == 0 ? "" : "-d \(c) " }
            for c in (vpcCIDRs + excludeSNATCIDRs).reversed() {
                nat.append(ChainRule(connmarkChain, "\(dest(c))-m comment --comment \"AWS CONNMARK CHAIN\" -j RETURN"))
            }
            nat.append(ChainRule(connmarkChain, "-m comment --comment \"AWS, CONNMARK\" -j CONNMARK --set-xmark \(mark)/\(mark)"))
            let snatReturns = vpcCIDRs.map { ($0, "AWS SNAT CHAIN") } + excludeSNATCIDRs.map { ($0, "AWS SNAT CHAIN EXCLUSION") }
            for (c, comment) in snatReturns.reversed() { nat.append(ChainRule(snatChain, "\(dest(c))-m comment --comment \"\(comment)\" -j RETURN")) }
            let random = randomizeSNAT == "none" ? "" : (randomizeSNAT == "hashrandom" ? " --random" : " --random-fully")
            nat.append(ChainRule(snatChain, "! -o vlan+ -m comment --comment \"AWS, SNAT\" -m addrtype ! --dst-type LOCAL -j SNAT --to-source \(p.primaryIP)\(random)"))
        }
        if nodePortSupport {
            mangle.append(ChainRule(.prerouting, "-i \(p.interface) -m comment --comment \"AWS, primary ENI\" -m addrtype --dst-type LOCAL --limit-iface-in -j CONNMARK --set-xmark \(mark)/\(mark)"))
            mangle.append(ChainRule(.prerouting, "-i \(vethPrefix)+ -m comment --comment \"AWS, primary ENI\" -j CONNMARK --restore-mark --mask \(mark)"))
            mangle.append(ChainRule(.prerouting, "-i vlan+ -m comment --comment \"AWS, primary ENI\" -j CONNMARK --restore-mark --mask \(mark)"))
        } else if !externalSNAT {
            mangle.append(ChainRule(.prerouting, "-i \(vethPrefix)+ -m comment --comment \"AWS, primary ENI\" -j CONNMARK --restore-mark --mask \(mark)"))
        }
        return (nat, chains, mangle)
    }

    /// The CNI's own iptables rules, by table, as `iptables-save` prints them.
    public var iptablesRules: (nat: [String], natChains: [String], mangle: [String]) {
        let r = cniRules
        return (r.nat.map(\.text), r.natChains.map(\.name), r.mangle.map(\.text))
    }

    /// The whole node's iptables as `iptables-save` prints it (counters zero): mangle, filter
    /// and nat, with the built-in chains' jumps kube-proxy and the CNI install.
    public func iptablesSave(kubeProxy: IPTablesRestoreText) -> String {
        let cni = cniRules
        func header(_ t: NetfilterTable) -> String {
            "*\(t)\n" + t.builtinChains.map { ":\($0) ACCEPT [0:0]\n" }.joined()
        }
        let new = ConntrackState.new
        var out = header(.mangle) + ":KUBE-PROXY-CANARY - [0:0]\n"
        for r in cni.mangle { out += r.text + "\n" }
        out += "COMMIT\n" + header(.filter) + ":KUBE-PROXY-CANARY - [0:0]\n"
        for c in kubeProxy.filterChains.sorted() { out += ":\(c) - [0:0]\n" }
        var filterJumps = [
            ChainRule(.input, "-m conntrack --ctstate \(new) -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL"),
            ChainRule(.input, "-m comment --comment \"kubernetes health check service ports\" -j KUBE-NODEPORTS"),
            ChainRule(.input, "-m conntrack --ctstate \(new) -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES"),
            ChainRule(.forward, "-m conntrack --ctstate \(new) -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL"),
            ChainRule(.forward, "-m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD"),
            ChainRule(.forward, "-m conntrack --ctstate \(new) -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"),
            ChainRule(.forward, "-m conntrack --ctstate \(new) -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES"),
            ChainRule(.output, "-m conntrack --ctstate \(new) -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL"),
            ChainRule(.output, "-m conntrack --ctstate \(new) -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"),
        ]
        if kubeProxy.filterChains.contains("KUBE-FIREWALL") {
            // kube-proxy prepends its jumps, so on a fresh node KUBE-FIREWALL comes first.
            filterJumps.insert(ChainRule(.input, "-j KUBE-FIREWALL"), at: 0)
            filterJumps.insert(ChainRule(.output, "-j KUBE-FIREWALL"), at: filterJumps.firstIndex { $0.chain == .output } ?? filterJumps.count)
        }
        for r in filterJumps { out += r.text + "\n" }
        for r in kubeProxy.filterRules { out += r + "\n" }
        out += "COMMIT\n" + header(.nat)
        for c in (cni.natChains.map(\.name) + ["KUBE-PROXY-CANARY"] + kubeProxy.natChains).sorted() { out += ":\(c) - [0:0]\n" }
        let natJumps = [
            ChainRule(.prerouting, "-m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"),
        ] + cni.nat.filter { $0.chain == .prerouting } + [
            ChainRule(.output, "-m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"),
            ChainRule(.postrouting, "-m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING"),
        ] + cni.nat.filter { $0.chain == .postrouting }
        for r in natJumps + cni.nat.filter({ $0.chain != .prerouting && $0.chain != .postrouting }) { out += r.text + "\n" }
        for r in kubeProxy.natRules { out += r + "\n" }
        out += "COMMIT\n"
        return out
    }
}

/// Where the node's policy routing sends a packet.
public struct HostRouteDecision: Sendable, Equatable {
    /// The `ip rule` that matched, as `ip rule` prints it (`512: from all to … lookup main`;
    /// `ip rule` itself puts a tab after the colon).
    public var rule: String
    /// 254 main, 255 local, or an ENI's table.
    public var table: Int
    /// The route that matched, as `ip route` prints it.
    public var route: String
    /// The output device: `ethN`, a pod's veth, or `lo` for the node's own addresses.
    public var device: String
    /// The next hop, when the route has one.
    public var via: IPv4Address?
    /// Delivered to the node itself (the local table).
    public var isLocal: Bool { table == 255 }
}

extension HostNetwork {
    /// The same as below for an address of either family: the host's pods, routes and rules are IPv4
    /// (IPv6 is not modelled), so an IPv6 address has no veth and no route.
    public func veth(of ip: IPAddress) -> String? { ip.v4.flatMap { veth(of: $0) } }
    public func route(source: IPAddress, destination: IPAddress, mark: UInt32) -> HostRouteDecision? {
        guard case .ipv4(let s) = source, case .ipv4(let d) = destination else { return nil }
        return route(source: s, destination: d, mark: mark)
    }

    /// The veth of the pod with this address on the node, if any.
    public func veth(of ip: IPv4Address) -> String? {
        vethByAddress[ip.value]
    }

    /// The pod whose veth this is.
    public func pod(onVeth name: String) -> IPv4Address? { podByVeth[name] }

    /// The node's own addresses (the ENIs' primary addresses: the CNI assigns them to ethN).
    public var localAddresses: [IPv4Address] { enis.map(\.primaryIP) }

    /// The kernel's route lookup on this node: the rules of `rulesText` in priority order, then
    /// the chosen table's longest match (`routesText`). `mark` is the packet's fwmark after
    /// mangle and nat PREROUTING (the CNI restores it from the connmark there).
    public func route(source: IPv4Address, destination: IPv4Address, mark: UInt32) -> HostRouteDecision? {
        // 0: local table.
        if destination.value >> 24 == 127 {
            return HostRouteDecision(rule: "0: from all lookup local", table: 255, route: "local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1", device: "lo")
        }
        if let e = enis.first(where: { $0.primaryIP == destination }) {
            return HostRouteDecision(rule: "0: from all lookup local", table: 255,
                                     route: "local \(e.primaryIP) dev \(e.interface) table local proto kernel scope host src \(e.primaryIP)", device: "lo")
        }
        // 512: to a pod of this node, main table.
        if vethByAddress[destination.value] != nil {
            return mainLookup(rule: "512: from all to \(destination) lookup main", destination)
        }
        // 1024: connections the CNI marked (SNATed egress, NodePort traffic) use the main table.
        if (nodePortSupport || !externalSNAT), mark & connmark == connmark {
            return mainLookup(rule: "1024: from all fwmark \(Self.hex(connmark))/\(Self.hex(connmark)) lookup main", destination)
        }
        // 1535: AWS_EXTERNAL_SERVICE_CIDRS use the main table.
        if let c = externalServiceCIDRs.first(where: { $0.contains(destination) }) {
            return mainLookup(rule: "1535: from all to \(c) lookup main", destination)
        }
        // 1536: a pod on a secondary ENI leaves through that ENI.
        if vethByAddress[source.value] != nil, let e = eni(of: source), e.deviceIndex != 0 {
            return tableLookup(e, rule: "1536: from \(source) lookup \(e.table)")
        }
        // 32765: the node's own traffic from a secondary ENI's address.
        if let e = enis.first(where: { $0.deviceIndex != 0 && $0.primaryIP == source }) {
            return tableLookup(e, rule: "32765: from \(source) lookup \(e.table)")
        }
        return mainLookup(rule: "32766: from all lookup main", destination)
    }

    func mainLookup(rule: String, _ d: IPv4Address) -> HostRouteDecision? {
        if let v = vethByAddress[d.value] {
            return HostRouteDecision(rule: rule, table: 254, route: "\(d) dev \(v) scope link", device: v)
        }
        guard let p = primary else { return nil }
        if p.subnet.contains(d) {
            return HostRouteDecision(rule: rule, table: 254, route: "\(p.subnet) dev \(p.interface) proto kernel scope link src \(p.primaryIP)", device: p.interface)
        }
        return HostRouteDecision(rule: rule, table: 254, route: "default via \(p.gateway) dev \(p.interface)", device: p.interface, via: p.gateway)
    }

    func tableLookup(_ e: HostENI, rule: String) -> HostRouteDecision {
        HostRouteDecision(rule: rule, table: e.table, route: "default via \(e.gateway) dev \(e.interface) table \(e.table)", device: e.interface, via: e.gateway)
    }
}
