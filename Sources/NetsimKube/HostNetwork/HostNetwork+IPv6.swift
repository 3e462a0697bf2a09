import NetsimModel

// The VPC CNI's host networking on a node of an IPv6 cluster (amazon-vpc-cni-k8s v1.23.1):
//
// - `pkg/networkutils/network.go` `SetupHostNetwork` with v6 enabled: no SNAT and no connmark
//   rules (`UpdateHostSNATRules` returns at once: "traffic enters and exits from the ENI it came
//   from"); the NodePort rule `1024: from all fwmark 0x80/0x80 lookup main` is added for the
//   IPv6 family; `enableIPv6` inserts, in *IPv4* filter FORWARD, the REJECT of new connections
//   to the egress plugin's 169.254.172.0/22 ("Block Node Local Pod access via IPv4").
// - `cmd/routed-eni-cni-plugin/driver/driver.go` `SetupPodNetwork` →
//   `setupIPBasedContainerRouteRules`: per pod `<ip>/128 dev <host veth>` in main and
//   `512: from all to <ip> lookup main`; every IPv6 pod is on the primary ENI (its /80 prefix), so
//   there is no `1536` from-pod rule. Inside the pod: `default via fe80::1 dev eth0` and
//   `fe80::1 dev eth0` (`CalculatePodIPv6GatewayIP(0)`).
// - The subnet's router: `GetIPv6Gateway()`, fe80:ec2::1, the address AWS documents for the
//   IPv6 default gateway of every subnet.
// - `cmd/egress-cni-plugin` (chained after the routed plugin; `ENABLE_V4_EGRESS`, on by default):
//   a second veth, `v4if0` in the pod, with a host-local address from 169.254.172.0/22 (gateway
//   169.254.172.1 on the host side, scope link; `setupHostVethV4`), and in IPv4 nat POSTROUTING
//   `-s <address> -j CNI-E4-…`, whose chain accepts multicast and SNATs everything else to the
//   node's primary IPv4 (`snat/snat.go` `iptRules`).

/// An IPv6 pod as its node sees it.
public struct HostIPv6Pod: Sendable, Hashable {
    public var namespace: String
    public var name: String
    public var ip: IPv6Address
    /// The host side of the pod's eth0 veth (the same SHA-1 name as in an IPv4 cluster).
    public var veth: String
    /// The egress plugin's IPv4 side (nil without `ENABLE_V4_EGRESS`).
    public var egress: HostEgressV4?
}

/// The egress plugin's IPv4 interface of one pod (`v4if0`).
public struct HostEgressV4: Sendable, Hashable {
    /// host-local's address from 169.254.172.0/22, in the order pods started (.2 first; .1 is
    /// the gateway).
    public var address: IPv4Address
    /// The host side of the `v4if0` veth. A real node names it `veth` + 8 random hex digits
    /// (containernetworking's `RandomVethName`); netsim derives the digits from the pod's name.
    public var hostVeth: String
    /// The pod's container ID as the runtime would give it (a stand-in: SHA-256 of the pod's
    /// name, since the real one is random).
    public var containerID: String
    /// `CNI-E4-` + 21 hex digits. The plugin hashes "aws-cni" + the container ID with SHA-512
    /// (`utils.MustFormatChainNameWithPrefix`); the container ID being a stand-in, netsim hashes
    /// it with SHA-256: the format is the plugin's, the digits cannot match a real node's.
    public var chain: String
    /// `name: "aws-cni" id: "<container ID>"` (`utils.FormatComment`).
    public var comment: String { "name: \"aws-cni\" id: \"\(containerID)\"" }
}

/// A node's IPv6 host networking: its primary ENI's IPv6 address and /80 prefix, the IPv6 pods
/// and their routes, and the egress plugin's IPv4 side.
public struct HostIPv6: Sendable {
    /// The primary ENI's own IPv6 address (eth0, a /128 from the subnet's /64).
    public var nodeAddress: IPv6Address
    /// The subnet's /64 (on-link through eth0).
    public var subnet: IPv6CIDR
    /// The /80 prefix ipamd assigned to the primary ENI (the pods' addresses).
    public var prefix: IPv6CIDR?
    public var pods: [HostIPv6Pod]
    /// AWS_VPC_CNI_NODE_PORT_SUPPORT / external SNAT: whether the 1024 fwmark rule exists.
    public var fwmarkRule: Bool
    public var connmark: UInt32
    /// AWS_VPC_K8S_CNI_RANDOMIZESNAT for the egress plugin's SNAT.
    public var randomizeSNAT: String
    let podByVeth: [String: Int]
    let podByAddress: [IPv6Address: Int]
    let podByEgressVeth: [String: Int]
    let podByEgressAddress: [UInt32: Int]

    /// fe80:ec2::1 (`GetIPv6Gateway`).
    public static let gateway = IPv6Address(high: 0xfe80_0ec2_0000_0000, low: 1)
    /// The egress plugin's host-local range and its gateway.
    public static let egressRange = IPv4CIDR(network: IPv4Address(169, 254, 172, 0), prefixLength: 22)
    public static let egressGateway = IPv4Address(169, 254, 172, 1)

    public init(nodeAddress: IPv6Address, subnet: IPv6CIDR, prefix: IPv6CIDR?, pods: [HostIPv6Pod], fwmarkRule: Bool = true,
                connmark: UInt32 = 0x80, randomizeSNAT: String = "prng") {
        self.nodeAddress = nodeAddress; self.subnet = subnet; self.prefix = prefix; self.pods = pods
        self.fwmarkRule = fwmarkRule; self.connmark = connmark; self.randomizeSNAT = randomizeSNAT
        var byVeth: [String: Int] = [:], byAddress: [IPv6Address: Int] = [:], byEgressVeth: [String: Int] = [:], byEgress: [UInt32: Int] = [:]
        for (i, p) in pods.enumerated() {
            byVeth[p.veth] = i
            byAddress[p.ip] = i
            if let e = p.egress { byEgressVeth[e.hostVeth] = i; byEgress[e.address.value] = i }
        }
        podByVeth = byVeth; podByAddress = byAddress; podByEgressVeth = byEgressVeth; podByEgressAddress = byEgress
    }

    /// The pods of a node with their veths and, with `egressV4`, their `v4if0` addresses in the
    /// order given (host-local hands them out from .2 up).
    public static func pods(_ list: [(namespace: String, name: String, ip: IPv6Address)], vethPrefix: String, egressV4: Bool) -> [HostIPv6Pod] {
        var out: [HostIPv6Pod] = []
        for (k, p) in list.enumerated() {
            var egress: HostEgressV4? = nil
            // 169.254.172.2 … 169.254.175.254: host-local's range without the gateway and broadcast.
            if egressV4, k < 1021 {
                let id = hex(SHA256.hash(Array("container/\(p.namespace)/\(p.name)".utf8)))
                let chain = "CNI-E4-" + String(hex(SHA256.hash(Array(("aws-cni" + id).utf8))).prefix(21))
                let veth = "veth" + String(hex(SHA1.hash(Array("v4if0/\(p.namespace)/\(p.name)".utf8))).prefix(8))
                egress = HostEgressV4(address: IPv4Address(egressGateway.value + 1 + UInt32(k)), hostVeth: veth, containerID: id, chain: chain)
            }
            out.append(HostIPv6Pod(namespace: p.namespace, name: p.name, ip: p.ip,
                                   veth: HostNetwork.vethName(namespace: p.namespace, pod: p.name, prefix: vethPrefix), egress: egress))
        }
        return out
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    public func pod(at ip: IPv6Address) -> HostIPv6Pod? { podByAddress[ip].map { pods[$0] } }
    public func pod(onVeth name: String) -> HostIPv6Pod? { podByVeth[name].map { pods[$0] } }
    /// The pod whose `v4if0` host veth this is.
    public func pod(onEgressVeth name: String) -> HostIPv6Pod? { podByEgressVeth[name].map { pods[$0] } }
    /// The pod holding this egress address.
    public func pod(atEgress ip: IPv4Address) -> HostIPv6Pod? { podByEgressAddress[ip.value].map { pods[$0] } }

    // MARK: ip -6 rule, ip -6 route

    /// `ip -6 rule`: the local table, each pod's to-container rule, the NodePort mark, main.
    /// (IPv6 has no `32767: from all lookup default` rule.)
    public var rules: [(priority: Int, rule: String)] {
        var out: [(Int, String)] = [(0, "from all lookup local")]
        for p in pods.sorted(by: { $0.ip < $1.ip }) { out.append((512, "from all to \(p.ip) lookup main")) }
        if fwmarkRule { out.append((1024, "from all fwmark \(HostNetwork.hex(connmark))/\(HostNetwork.hex(connmark)) lookup main")) }
        out.append((32766, "from all lookup main"))
        return out
    }

    public var rulesText: String { rules.map { "\($0.priority):\t\($0.rule)" }.joined(separator: "\n") + "\n" }

    /// `ip -6 route show table main` as iproute2 prints it: the pods' /128 routes, the subnet's
    /// on-link /64 and the default route (from the router's advertisements), the link-local /64
    /// of eth0 and of each veth. Lifetimes (`expires …sec`) are left out.
    public var mainRoutes: [String] {
        var out: [String] = []
        for p in pods.sorted(by: { $0.ip < $1.ip }) { out.append("\(p.ip) dev \(p.veth) metric 1024 pref medium") }
        out.append("\(subnet) dev eth0 proto ra metric 1024 pref medium")
        out.append("fe80::/64 dev eth0 proto kernel metric 256 pref medium")
        for p in pods.sorted(by: { $0.ip < $1.ip }) { out.append("fe80::/64 dev \(p.veth) proto kernel metric 256 pref medium") }
        out.append("default via \(Self.gateway) dev eth0 proto ra metric 1024 pref medium")
        return out
    }

    /// `ip -6 route show table local`: loopback and the node's own address.
    public var localRoutes: [String] {
        ["local ::1 dev lo table local proto kernel metric 0 pref medium",
         "local \(nodeAddress) dev eth0 table local proto kernel metric 0 pref medium"]
    }

    /// `ip -6 route show table all`.
    public var routesText: String { (mainRoutes + localRoutes).map { $0 + " \n" }.joined() }

    /// The kernel's IPv6 route lookup on this node: the rules in priority order, then main.
    /// `mark`: the packet's fwmark after mangle and nat PREROUTING.
    public func route(source: IPv6Address, destination: IPv6Address, mark: UInt32) -> HostRouteDecision? {
        let loopback = IPv6Address(high: 0, low: 1)
        if destination == loopback {
            return HostRouteDecision(rule: "0: from all lookup local", table: 255, route: "local ::1 dev lo table local proto kernel metric 0 pref medium", device: "lo")
        }
        if destination == nodeAddress {
            return HostRouteDecision(rule: "0: from all lookup local", table: 255,
                                     route: "local \(nodeAddress) dev eth0 table local proto kernel metric 0 pref medium", device: "lo")
        }
        if podByAddress[destination] != nil { return main(rule: "512: from all to \(destination) lookup main", destination) }
        if fwmarkRule, mark & connmark == connmark {
            return main(rule: "1024: from all fwmark \(HostNetwork.hex(connmark))/\(HostNetwork.hex(connmark)) lookup main", destination)
        }
        return main(rule: "32766: from all lookup main", destination)
    }

    func main(rule: String, _ d: IPv6Address) -> HostRouteDecision? {
        if let i = podByAddress[d] {
            return HostRouteDecision(rule: rule, table: 254, route: "\(d) dev \(pods[i].veth) metric 1024 pref medium", device: pods[i].veth)
        }
        if subnet.contains(d) {
            return HostRouteDecision(rule: rule, table: 254, route: "\(subnet) dev eth0 proto ra metric 1024 pref medium", device: "eth0")
        }
        // fe80::/64 is on every link: the kernel needs the device to be told; netsim sends it out of eth0.
        return HostRouteDecision(rule: rule, table: 254, route: "default via \(Self.gateway) dev eth0 proto ra metric 1024 pref medium", device: "eth0",
                                 via6: Self.gateway)
    }

    // MARK: the egress plugin (IPv4)

    /// The egress plugin's IPv4 routes in main (`169.254.172.x dev vethXXXX scope link`), by address.
    public var egressRoutes: [String] {
        pods.compactMap { $0.egress }.sorted { $0.address < $1.address }.map { "\($0.address) dev \($0.hostVeth) scope link " }
    }

    /// The IPv4 nat rules of the egress plugin: per pod, its chain (multicast accepted, the rest
    /// SNATed to the node's IPv4) and the POSTROUTING jump from its address, in the order the
    /// plugin appends them (chain rules first, then the jump; `snat.Add`).
    public func egressNATRules(nodeIPv4: IPv4Address) -> (chains: [String], rules: [HostNetwork.ChainRule]) {
        var chains: [String] = [], rules: [HostNetwork.ChainRule] = []
        let random = randomizeSNAT == "none" ? "" : (randomizeSNAT == "hashrandom" ? " --random" : " --random-fully")
        for e in pods.compactMap(\.egress) {
            let c = ChainName.user(e.chain)
            let comment = IPTablesSaveForm.quote(e.comment)
            chains.append(e.chain)
            rules.append(HostNetwork.ChainRule(c, "-d 224.0.0.0/4 -m comment --comment \(comment) -j ACCEPT"))
            rules.append(HostNetwork.ChainRule(c, "-m comment --comment \(comment) -j SNAT --to-source \(nodeIPv4)\(random)"))
            rules.append(HostNetwork.ChainRule(.postrouting, "-s \(e.address)/32 -m comment --comment \(comment) -j \(e.chain)"))
        }
        return (chains, rules)
    }

    /// IPv4 filter FORWARD's first rule on an IPv6 node (`setupRuleToBlockNodeLocalAccess`).
    public static let blockNodeLocalV4 = HostNetwork.ChainRule(.forward,
        "-d 169.254.172.0/22 -m conntrack --ctstate NEW -m comment --comment \"Block Node Local Pod access via IPv4\" -j REJECT")

    /// Each pod's side, as `ip -6 addr`/`ip -6 route` and (egress) `ip -4` inside its namespace show it.
    public var podsText: String {
        var out = ""
        for p in pods.sorted(by: { ($0.namespace, $0.name) < ($1.namespace, $1.name) }) {
            out += "\(p.namespace)/\(p.name)  eth0 \(p.ip)/128  routes: default via fe80::1 dev eth0; fe80::1 dev eth0  host side: \(p.veth)"
            if let e = p.egress {
                out += "  v4if0 \(e.address)/22  routes: default via \(Self.egressGateway) dev v4if0; \(Self.egressGateway) dev v4if0 scope link src \(e.address)  host side: \(e.hostVeth)"
            }
            out += "\n"
        }
        return out
    }
}

extension HostNetwork {
    /// An IPv6 node's ip6tables as `ip6tables-save` prints it (counters zero): kube-proxy's
    /// IPv6 rules with its jumps from the built-in chains; the CNI writes no ip6tables rule in
    /// IPv6 mode.
    public func ip6tablesSave(kubeProxy: IPTablesRestoreText) -> String {
        netfilterSave(kubeProxy: kubeProxy, cni: ([], [], []), filterFirst: [])
    }
}

extension HostIPv6 {
    /// `ip -6 route show table N`: main (254) or local (255); an IPv6 node has no other table.
    public func routesText(table: Int) -> String {
        switch table {
        case 254: return mainRoutes.map { $0 + " \n" }.joined()
        case 255: return localRoutes.map { $0 + " \n" }.joined()
        default: return ""
        }
    }
}
