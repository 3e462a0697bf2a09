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
    /// The trunk ENI of Security Groups for Pods (`ENABLE_POD_ENI`): ipamd sets it up as any
    /// secondary ENI (its address, its table) but without the 32765 rule, and holds no pod
    /// address on it; the branch ENIs' VLAN devices hang off it.
    public var isTrunk: Bool
    public init(deviceIndex: Int, mac: String, primaryIP: IPv4Address, subnet: IPv4CIDR, podAddresses: [IPv4Address], id: String, isTrunk: Bool = false) {
        self.deviceIndex = deviceIndex; self.mac = mac; self.primaryIP = primaryIP; self.subnet = subnet
        self.podAddresses = podAddresses; self.id = id; self.isTrunk = isTrunk
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
    /// Security Groups for Pods: the pod's branch ENI (its `ip` is the branch's address).
    public var branch: HostBranchENI?
    public init(namespace: String, name: String, ip: IPv4Address, branch: HostBranchENI? = nil) {
        self.namespace = namespace; self.name = name; self.ip = ip; self.branch = branch
    }
}

/// A Security Groups for Pods branch ENI as its node sees it: a VLAN on the trunk ENI
/// (amazon-vpc-cni-k8s v1.23.1, `cmd/routed-eni-cni-plugin/driver/driver.go`
/// `SetupBranchENIPodNetwork`).
public struct HostBranchENI: Sendable, Hashable {
    public var vlanID: Int
    /// The branch ENI's id.
    public var id: String
    /// The branch ENI's MAC: the VLAN device takes it (`buildVlanLink`).
    public var mac: String
    /// The branch's subnet (its router is the VLAN table's gateway).
    public var subnet: IPv4CIDR
    public init(vlanID: Int, id: String, mac: String, subnet: IPv4CIDR) {
        self.vlanID = vlanID; self.id = id; self.mac = mac; self.subnet = subnet
    }
    /// `vlan.eth.<VLAN ID>` (`buildVlanLinkName`).
    public var vlanDevice: String { "vlan.eth.\(vlanID)" }
    /// VLAN ID + 100 (`rtTable := vlanID + 100`).
    public var table: Int { vlanID > Int.max - 100 ? Int.max : vlanID + 100 }
    /// The subnet's router: its base address + 1 (the `PodENISubnetGW` ipamd hands the plugin).
    public var gateway: IPv4Address { IPv4Address(subnet.network.value + 1) }
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
    /// ENABLE_POD_ENI: with strict mode, aws-node moves the local table's rule from priority 0
    /// to 20 on every node (network.go `SetupHostNetwork`), trunk or not.
    public let podENI: Bool
    /// POD_SECURITY_GROUP_ENFORCING_MODE: strict (true, the default) or standard.
    public let podSecurityGroupStrict: Bool
    /// Branch pods by address, and by the devices their strict-mode rules name.
    let branchByAddress: [UInt32: HostBranchENI]
    let branchByVLANDevice: [String: (branch: HostBranchENI, pod: IPv4Address)]
    /// An IPv6 cluster's node (`ENABLE_IPv6`): its IPv6 side (`HostNetwork+IPv6.swift`). The
    /// IPv4 side then holds no pod, no SNAT and no connmark rule: only the egress plugin's.
    public var ipv6: HostIPv6? = nil

    public init(nodeName: String, enis: [HostENI], pods: [HostPod], vpcCIDRs: [IPv4CIDR], excludeSNATCIDRs: [IPv4CIDR] = [],
                externalSNAT: Bool = false, vethPrefix: String = "eni", connmark: UInt32 = 0x80, nodePortSupport: Bool = true,
                randomizeSNAT: String = "prng", externalServiceCIDRs: [IPv4CIDR] = [], podENI: Bool = false, podSecurityGroupStrict: Bool = true) {
        self.nodeName = nodeName; self.enis = enis.sorted { $0.deviceIndex < $1.deviceIndex }; self.pods = pods
        self.vpcCIDRs = vpcCIDRs; self.excludeSNATCIDRs = excludeSNATCIDRs; self.externalSNAT = externalSNAT
        self.vethPrefix = vethPrefix; self.connmark = connmark; self.nodePortSupport = nodePortSupport; self.randomizeSNAT = randomizeSNAT
        self.externalServiceCIDRs = externalServiceCIDRs
        self.podENI = podENI; self.podSecurityGroupStrict = podSecurityGroupStrict
        var byAddress: [UInt32: String] = [:], byVeth: [String: IPv4Address] = [:]
        var branches: [UInt32: HostBranchENI] = [:], byVLAN: [String: (branch: HostBranchENI, pod: IPv4Address)] = [:]
        for p in pods {
            let v = Self.vethName(namespace: p.namespace, pod: p.name,
                                  prefix: Self.hostVethPrefix(branch: p.branch != nil, strict: podSecurityGroupStrict, vethPrefix: vethPrefix))
            byAddress[p.ip.value] = v
            byVeth[v] = p.ip
            if let b = p.branch {
                branches[p.ip.value] = b
                byVLAN[b.vlanDevice] = (b, p.ip)
            }
        }
        vethByAddress = byAddress
        podByVeth = byVeth
        branchByAddress = branches
        branchByVLANDevice = byVLAN
    }

    /// The host veth's prefix (sgpp `BuildHostVethNamePrefix`, cni.go): `vlan` for a branch pod
    /// in strict mode (it opts the pod out of the CNI's `-i eni+` SNAT connmark), the configured
    /// prefix otherwise.
    public static func hostVethPrefix(branch: Bool, strict: Bool, vethPrefix: String) -> String {
        branch && strict ? "vlan" : vethPrefix
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

    /// The local table's rule: priority 0, or 20 on a node with ENABLE_POD_ENI in strict mode
    /// (network.go `localRulePriority`), below the VLAN rules at 10.
    public var localRulePriority: Int { podENI && podSecurityGroupStrict ? 20 : 0 }

    /// Whether a branch pod's routes live in its VLAN table only (strict mode), not in main.
    func isStrictBranch(_ ip: IPv4Address) -> Bool { podSecurityGroupStrict && !branchByAddress.isEmpty && branchByAddress[ip.value] != nil }

    /// The node's policy routing rules, in the order the kernel holds them: by priority, then
    /// in the order they were added.
    public var rules: [(priority: Int, rule: String)] {
        var rules: [(Int, String)] = [(localRulePriority, "from all lookup local")]
        for p in pods.sorted(by: { $0.ip < $1.ip }) {
            if let b = p.branch {
                if podSecurityGroupStrict {
                    // driver.go setupIIFBasedContainerRouteRules: the VLAN first, then the host veth.
                    rules.append((10, "from all iif \(b.vlanDevice) lookup \(b.table)"))
                    rules.append((10, "from all iif \(vethByAddress[p.ip.value] ?? "") lookup \(b.table)"))
                } else {
                    // driver.go setupIPBasedContainerRouteRules with the VLAN table.
                    rules.append((512, "from all to \(p.ip) lookup main"))
                    rules.append((1536, "from \(p.ip) lookup \(b.table)"))
                }
                continue
            }
            rules.append((512, "from all to \(p.ip) lookup main"))
            if let e = eni(of: p.ip), e.deviceIndex != 0 { rules.append((1536, "from \(p.ip) lookup \(e.table)")) }
        }
        if ipv6 == nil, nodePortSupport || !externalSNAT { rules.append((1024, "from all fwmark \(Self.hex(connmark))/\(Self.hex(connmark)) lookup main")) }
        for c in externalServiceCIDRs { rules.append((1535, "from all to \(c) lookup main")) }
        // The trunk gets no rule for its own address (network.go setupENINetwork, isTrunkENI).
        for e in enis where e.deviceIndex != 0 && !e.isTrunk { rules.append((32765, "from \(e.primaryIP) lookup \(e.table)")) }
        rules += [(32766, "from all lookup main"), (32767, "from all lookup default")]
        return rules.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map { ($0.element.0, $0.element.1) }
    }

    /// `ip rule` as iproute2 prints it.
    public var rulesText: String {
        rules.map { "\($0.priority):\t\($0.rule)" }.joined(separator: "\n") + "\n"
    }

    /// The routes of one table other than main and local, each without the `table` word, in the
    /// kernel's order (by destination address).
    func tableRoutes(_ table: Int) -> [(key: IPv4CIDR, text: String)] {
        var out: [(IPv4CIDR, String)] = []
        for e in enis where e.deviceIndex != 0 && e.table == table {
            out.append((IPv4CIDR.any, "default via \(e.gateway) dev \(e.interface)"))
            out.append((IPv4CIDR(network: e.gateway, prefixLength: 32), "\(e.gateway) dev \(e.interface) scope link"))
        }
        for p in pods { if let b = p.branch, b.table == table {
            // driver.go buildRoutesForVlan, then the pod's own route in strict mode.
            out.append((IPv4CIDR.any, "default via \(b.gateway) dev \(b.vlanDevice)"))
            out.append((IPv4CIDR(network: b.gateway, prefixLength: 32), "\(b.gateway) dev \(b.vlanDevice) scope link"))
            if podSecurityGroupStrict { out.append((IPv4CIDR(network: p.ip, prefixLength: 32), "\(p.ip) dev \(vethByAddress[p.ip.value] ?? "") scope link")) }
        } }
        return out.sorted { ($0.0.network, $0.0.prefixLength) < ($1.0.network, $1.0.prefixLength) }
    }

    /// The tables besides main and local: each secondary ENI's (the trunk's too), each branch
    /// pod's VLAN table. In the order `ip route show table all` dumps them: the kernel keeps
    /// tables in 256 buckets by number.
    public var extraTables: [Int] {
        let numbers = Set(enis.filter { $0.deviceIndex != 0 }.map(\.table) + pods.compactMap { $0.branch?.table })
        return numbers.sorted { ($0 & 255, $0) < ($1 & 255, $1) }
    }

    /// `ip route show table N` as iproute2 prints it (a trailing space on each line, as iproute2
    /// writes it).
    public func routesText(table: Int) -> String {
        switch table {
        case 254: return mainRoutes.map { $0 + "\n" }.joined()
        case 255: return localRoutes.map { $0 + "\n" }.joined()
        default: return tableRoutes(table).map { $0.text + " \n" }.joined()
        }
    }

    var mainRoutes: [String] {
        var out: [String] = []
        if let p = primary {
            out.append("default via \(p.gateway) dev \(p.interface) ")
            out.append("\(p.subnet) dev \(p.interface) proto kernel scope link src \(p.primaryIP) ")
        }
        for pod in pods.sorted(by: { $0.ip < $1.ip }) where !isStrictBranch(pod.ip) {
            out.append("\(pod.ip) dev \(vethByAddress[pod.ip.value] ?? "") scope link ")
        }
        if let v6 = ipv6 { out += v6.egressRoutes }
        return out
    }

    var localRoutes: [String] {
        var out: [String] = []
        out.append("local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1 ")
        out.append("local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 ")
        for e in enis { out.append("local \(e.primaryIP) dev \(e.interface) table local proto kernel scope host src \(e.primaryIP) ") }
        return out
    }

    /// `ip route show table all` as iproute2 prints it (the ENI and VLAN tables, main, then local).
    public var routesText: String {
        var out: [String] = []
        for t in extraTables {
            for r in tableRoutes(t) {
                // iproute2 puts `table N` after the device, before the scope.
                let text = r.text.hasSuffix(" scope link") ? String(r.text.dropLast(" scope link".count)) + " table \(t) scope link" : r.text + " table \(t)"
                out.append(text + " ")
            }
        }
        out += mainRoutes
        out += localRoutes
        return out.joined(separator: "\n") + "\n"
    }

    /// A host veth's MAC: random on a real node (driver.go `generateRandomMAC`: local bit set,
    /// multicast bit clear); here the first six bytes of SHA-1 over its name, with those bits.
    public static func vethMAC(_ veth: String) -> String {
        var b = Array(SHA1.hash(Array(veth.utf8)).prefix(6))
        b[0] = (b[0] | 2) & 0xFE
        let digits = Array("0123456789abcdef")
        return b.map { String([digits[Int($0 >> 4)], digits[Int($0 & 15)]]) }.joined(separator: ":")
    }

    /// The node's links as `ip -br link show` prints them: lo, the ENIs (the trunk too), each
    /// branch pod's VLAN on the trunk (`vlan.eth.N@ethK`, the branch ENI's MAC), then each
    /// pod's host veth. A veth's peer is in the pod's namespace, which iproute2 writes as
    /// `@ifN` with the peer's index there; that index is left out.
    public var linksText: String {
        func line(_ name: String, _ state: String, _ mac: String, _ flags: String) -> String {
            func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
            return pad(name, 16) + " " + pad(state, 14) + " " + mac + " <" + flags + "> \n"
        }
        let up = "BROADCAST,MULTICAST,UP,LOWER_UP"
        var out = line("lo", "UNKNOWN", "00:00:00:00:00:00", "LOOPBACK,UP,LOWER_UP")
        for e in enis { out += line(e.interface, "UP", e.mac, up) }
        let trunk = enis.first { $0.isTrunk }
        for p in pods.sorted(by: { ($0.branch?.vlanID ?? 0, $0.ip) < ($1.branch?.vlanID ?? 0, $1.ip) }) {
            guard let b = p.branch else { continue }
            out += line(b.vlanDevice + (trunk.map { "@" + $0.interface } ?? ""), "UP", b.mac, up)
        }
        for p in pods.sorted(by: { $0.ip < $1.ip }) {
            guard let v = vethByAddress[p.ip.value] else { continue }
            out += line(v, "UP", Self.vethMAC(v), up)
        }
        // An IPv6 node: each pod's veth, then the egress plugin's `v4if0` veths.
        if let v6 = ipv6 {
            for p in v6.pods.sorted(by: { $0.ip < $1.ip }) { out += line(p.veth, "UP", Self.vethMAC(p.veth), up) }
            for e in v6.pods.compactMap(\.egress).sorted(by: { $0.address < $1.address }) { out += line(e.hostVeth, "UP", Self.vethMAC(e.hostVeth), up) }
        }
        return out
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
        // IPv6 mode: `UpdateHostSNATRules` writes nothing; the egress plugin's chains remain.
        if let v6 = ipv6 {
            let e = v6.egressNATRules(nodeIPv4: p.primaryIP)
            return (e.rules, e.chains.map { ChainName.user($0) }, [])
        }
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
        netfilterSave(kubeProxy: kubeProxy, cni: cniRules, filterFirst: ipv6 != nil ? [HostIPv6.blockNodeLocalV4] : [])
    }

    /// iptables-save's text of a node's ruleset with the CNI's rules given: mangle, filter, nat,
    /// with the built-in chains' jumps kube-proxy installs (the same in both families).
    func netfilterSave(kubeProxy: IPTablesRestoreText, cni: (nat: [ChainRule], natChains: [ChainName], mangle: [ChainRule]), filterFirst: [ChainRule]) -> String {
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
        filterJumps.insert(contentsOf: filterFirst, at: 0)
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
    /// An IPv6 route's next hop (fe80:ec2::1).
    public var via6: IPv6Address? = nil
    /// The branch ENI whose VLAN device (`device`) the packet leaves through: into the VPC on
    /// that branch ENI, under its security groups.
    public var branch: HostBranchENI? = nil
    /// Delivered to the node itself (the local table).
    public var isLocal: Bool { table == 255 }
}

extension HostNetwork {
    /// The same as below for an address of either family: the host's pods, routes and rules are IPv4
    /// (IPv6 is not modelled), so an IPv6 address has no veth and no route.
    public func veth(of ip: IPAddress) -> String? {
        switch ip {
        case .ipv4(let a): return veth(of: a)
        case .ipv6(let a): return ipv6?.pod(at: a)?.veth
        }
    }
    /// An IPv6 packet takes the IPv6 rules and routes (`HostIPv6.route`); nil on a node without
    /// them, or for a packet mixing the families.
    public func route(source: IPAddress, destination: IPAddress, mark: UInt32, inInterface: String? = nil) -> HostRouteDecision? {
        switch (source, destination) {
        case (.ipv4(let s), .ipv4(let d)): return route(source: s, destination: d, mark: mark, inInterface: inInterface)
        case (.ipv6(let s), .ipv6(let d)): return ipv6?.route(source: s, destination: d, mark: mark)
        default: return nil
        }
    }

    /// The branch ENI of the pod with this address on the node, if it has one.
    public func branch(of ip: IPv4Address) -> HostBranchENI? { branchByAddress[ip.value] }
    public func branch(of ip: IPAddress) -> HostBranchENI? { ip.v4.flatMap { branch(of: $0) } }

    /// The branch ENI whose VLAN device this is, and the address of its pod.
    public func branch(onVLANDevice name: String) -> (branch: HostBranchENI, pod: IPv4Address)? { branchByVLANDevice[name] }

    /// The device a packet from the wire comes in on when it reaches this address of the node:
    /// `ethN` for an ENI's primary address, `vlan.eth.N` for a branch pod's (it arrives on the
    /// trunk tagged with the branch's VLAN). Nil for an address the node does not hold so.
    public func inboundDevice(forInterfaceAddress ip: IPv4Address) -> String? {
        if let e = enis.first(where: { $0.primaryIP == ip }) { return e.interface }
        return branchByAddress[ip.value]?.vlanDevice
    }
    public func inboundDevice(forInterfaceAddress ip: IPAddress) -> String? { ip.v4.flatMap { inboundDevice(forInterfaceAddress: $0) } }

    /// Whether a device is a pod's host veth on this node (either prefix).
    public func isPodVeth(_ device: String) -> Bool { podByVeth[device] != nil }

    /// The veth of the pod with this address on the node, if any.
    public func veth(of ip: IPv4Address) -> String? {
        vethByAddress[ip.value] ?? ipv6?.pod(atEgress: ip)?.egress?.hostVeth
    }

    /// The pod whose veth this is.
    public func pod(onVeth name: String) -> IPv4Address? { podByVeth[name] }

    /// The node's own addresses (the ENIs' primary addresses: the CNI assigns them to ethN).
    public var localAddresses: [IPv4Address] { enis.map(\.primaryIP) }

    /// The kernel's route lookup on this node: the rules of `rulesText` in priority order, then
    /// the chosen table's longest match (`routesText`). `mark` is the packet's fwmark after
    /// mangle and nat PREROUTING (the CNI restores it from the connmark there). `inInterface`
    /// is the device the packet came in on (a pod's host veth, `ethN`, a branch pod's
    /// `vlan.eth.N`); nil for the node's own packets. Only the strict-mode rules of Security
    /// Groups for Pods (`iif`, priority 10) read it.
    public func route(source: IPv4Address, destination: IPv4Address, mark: UInt32, inInterface: String? = nil) -> HostRouteDecision? {
        // 10: strict mode, a branch pod's VLAN or host veth: everything through the VLAN table,
        // even to the node's own addresses and its other pods.
        if podSecurityGroupStrict, !branchByAddress.isEmpty, let dev = inInterface {
            let hit: (branch: HostBranchENI, pod: IPv4Address)?
            if let v = branchByVLANDevice[dev] { hit = v } else if let ip = podByVeth[dev], let b = branchByAddress[ip.value] { hit = (b, ip) } else { hit = nil }
            if let (b, pod) = hit {
                return vlanLookup(b, pod: pod, rule: "10: from all iif \(dev) lookup \(b.table)", destination)
            }
        }
        // 0 (20 in strict mode with ENABLE_POD_ENI): local table.
        let local = "\(localRulePriority): from all lookup local"
        if destination.value >> 24 == 127 {
            return HostRouteDecision(rule: local, table: 255, route: "local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1", device: "lo")
        }
        if let e = enis.first(where: { $0.primaryIP == destination }) {
            return HostRouteDecision(rule: local, table: 255,
                                     route: "local \(e.primaryIP) dev \(e.interface) table local proto kernel scope host src \(e.primaryIP)", device: "lo")
        }
        // 512: to a pod of this node, main table (a strict-mode branch pod has no such rule).
        if vethByAddress[destination.value] != nil, !isStrictBranch(destination) {
            return mainLookup(rule: "512: from all to \(destination) lookup main", destination)
        }
        // 1024: connections the CNI marked (SNATed egress, NodePort traffic) use the main table.
        if ipv6 == nil, nodePortSupport || !externalSNAT, mark & connmark == connmark {
            return mainLookup(rule: "1024: from all fwmark \(Self.hex(connmark))/\(Self.hex(connmark)) lookup main", destination)
        }
        // 1535: AWS_EXTERNAL_SERVICE_CIDRS use the main table.
        if let c = externalServiceCIDRs.first(where: { $0.contains(destination) }) {
            return mainLookup(rule: "1535: from all to \(c) lookup main", destination)
        }
        // 1536: standard mode, a branch pod's packets leave through its VLAN.
        if !podSecurityGroupStrict, !branchByAddress.isEmpty, let b = branchByAddress[source.value] {
            return vlanLookup(b, pod: source, rule: "1536: from \(source) lookup \(b.table)", destination)
        }
        // 1536: a pod on a secondary ENI leaves through that ENI.
        if vethByAddress[source.value] != nil, let e = eni(of: source), e.deviceIndex != 0 {
            return tableLookup(e, rule: "1536: from \(source) lookup \(e.table)")
        }
        // 32765: the node's own traffic from a secondary ENI's address (not the trunk's).
        if let e = enis.first(where: { $0.deviceIndex != 0 && !$0.isTrunk && $0.primaryIP == source }) {
            return tableLookup(e, rule: "32765: from \(source) lookup \(e.table)")
        }
        return mainLookup(rule: "32766: from all lookup main", destination)
    }

    /// A VLAN table: the pod's own route (strict mode), the gateway on the link, the default.
    func vlanLookup(_ b: HostBranchENI, pod: IPv4Address, rule: String, _ d: IPv4Address) -> HostRouteDecision {
        if podSecurityGroupStrict, d == pod, let v = vethByAddress[pod.value] {
            return HostRouteDecision(rule: rule, table: b.table, route: "\(pod) dev \(v) table \(b.table) scope link", device: v)
        }
        if d == b.gateway {
            return HostRouteDecision(rule: rule, table: b.table, route: "\(b.gateway) dev \(b.vlanDevice) table \(b.table) scope link", device: b.vlanDevice, branch: b)
        }
        return HostRouteDecision(rule: rule, table: b.table, route: "default via \(b.gateway) dev \(b.vlanDevice) table \(b.table)", device: b.vlanDevice, via: b.gateway, branch: b)
    }

    func mainLookup(rule: String, _ d: IPv4Address) -> HostRouteDecision? {
        if let v = vethByAddress[d.value], !isStrictBranch(d) {
            return HostRouteDecision(rule: rule, table: 254, route: "\(d) dev \(v) scope link", device: v)
        }
        if let e = ipv6?.pod(atEgress: d)?.egress {
            return HostRouteDecision(rule: rule, table: 254, route: "\(d) dev \(e.hostVeth) scope link", device: e.hostVeth)
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
