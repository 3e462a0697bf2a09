import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimKube
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

/// The kernel agreement test, extended to Security Groups for Pods: a strict-mode (and a
/// standard-mode) node of the quickstart and of the custom-networking topology (ENABLE_POD_ENI,
/// so a trunk ENI) with two of its pods given branch ENIs, set up in
/// network namespaces of the test's own the way the VPC CNI v1.23.1 sets up a node
/// (`network.go` SetupHostNetwork and setupENINetwork, `driver.go` SetupPodNetwork and
/// SetupBranchENIPodNetwork) — from the realized cluster, not from netsim's text:
///
///     vpc ns ──veth── eth0, eth1 (trunk), ethN [node ns] vlan.eth.V@eth1 (one per branch pod)
///                                                 eni…/vlan… host veths ──veth── pod ns
///
/// The kernel's `ip rule`, `ip route show table N` (main, each ENI and VLAN table) and
/// `ip -br link` must equal what `netsim node --show rules|routes --table N|links` prints for that
/// node, and `ip route get` (by source, incoming device and mark) must pick the device, gateway
/// and table netsim's route lookup picks. A kernel built without 802.1Q (no `vlan` link type)
/// gets `macvlan` devices of the same names on the trunk instead: the rules and routes name
/// devices only, and `ip -br link` shows both as `vlan.eth.V@eth1`.
@Suite("kernel agreement: security groups for pods")
struct KernelAgreementSGPTests {
    static var canMakeNamespaces: Bool { NetworkNamespace.available }

    /// A topology with ENABLE_POD_ENI (strict by default), realized; two pods (one when it has
    /// two) of the node with the most pods get branch ENIs with fresh addresses of the node's subnet (the sgp realizer
    /// does this in netsim itself).
    /// `freshAddresses: false` keeps the pods' own addresses (still secondary IPs of the node's
    /// ENIs in the fabric, which then carries their packets until branch ENIs are interfaces).
    static func sgpNetwork(_ file: String = "Topologies/quickstart.yaml", strict: Bool = true, freshAddresses: Bool = true) throws -> (Network, node: String, branchPods: [String]) {
        let path = Lab.root.appendingPathComponent(file).path
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let mode = strict ? "" : "POD_SECURITY_GROUP_ENFORCING_MODE: standard, "
        let cni = text.contains("  cni: {}") ? "  cni: {}" : "  cni:\n"
        try #require(text.contains(cni))
        text = text.replacingOccurrences(of: cni, with: cni == "  cni: {}" ? "  cni: {\(mode)ENABLE_POD_ENI: \"true\"}"
                                            : "  cni:\n    ENABLE_POD_ENI: \"true\"\n" + (strict ? "" : "    POD_SECURITY_GROUP_ENFORCING_MODE: standard\n"))
        let loaded = TopologyLoader(catalog: .builtin).load(text: text, file: path)
        let t = try #require(loaded.validTopology, "\(loaded.diagnostics.map(\.formatted))")
        var r = Realizer.realize(t, catalog: .builtin)
        let podsByNode = Dictionary(grouping: r.pods.indices.filter { !r.pods[$0].hostNetwork && r.pods[$0].ip != nil }, by: { r.pods[$0].node ?? "" })
        let (nodeName, indices) = try #require(podsByNode.max { ($0.value.count, $1.key) < ($1.value.count, $0.key) })
        try #require(indices.count >= 2, "the node has \(indices.count) pods")
        let node = try #require(r.nodes.first { $0.name == nodeName })
        try #require(node.ipam.enis.contains { $0.isTrunk }, "no trunk ENI on \(nodeName)")
        let subnet = try #require(t.subnet(named: node.subnet)?.subnet)
        // Fresh addresses: none of the node's ENIs or pods holds them.
        var used = Set(r.pods.compactMap { $0.ip?.value })
        for n in r.nodes { for e in n.ipam.enis { used.insert(e.primaryIP.value); for c in e.cidrs { for i in 0..<c.size { used.insert(c.cidr.network.value + UInt32(i)) } } } }
        var next = subnet.cidr.network.value + UInt32(subnet.cidr.size) - 6
        var names: [String] = []
        for (k, i) in indices.sorted(by: { r.pods[$0].name < r.pods[$1].name }).prefix(min(2, indices.count - 1)).enumerated() {
            while used.contains(next) { next -= 1 }
            let ip = freshAddresses ? IPv4Address(next) : try #require(r.pods[i].ip)
            used.insert(next)
            r.pods[i].ip = ip
            r.pods[i].branchENI = BranchENI(eniID: "eni-0b\(k)", vlanID: [1, 160][k], ip: ip, subnet: node.subnet, securityGroups: ["pods"], policies: ["shop/p"])
            names.append("\(r.pods[i].namespace)/\(r.pods[i].name)")
        }
        return (Network(topology: t, catalog: .builtin, realized: r), nodeName, names)
    }

    /// The realized cluster carries the branch ENIs into the node's host network: what `netsim
    /// node` prints for a strict and a standard node (no kernel needed).
    @Test func realizedBranchPodsReachTheNode() throws {
        for strict in [true, false] {
            let (n, nodeName, branchPods) = try Self.sgpNetwork(strict: strict)
            let dp = try #require(NodeDatapath(fabric: n.fabric, node: nodeName))
            let host = dp.host
            let branches = host.pods.filter { $0.branch != nil }
            #expect(branches.map { "\($0.namespace)/\($0.name)" }.sorted() == branchPods.sorted())
            #expect(host.enis.filter(\.isTrunk).count == 1)
            #expect(dp.enisText.contains("  trunk  ") && dp.enisText.contains("vlan.eth.1  eni-0b0  "))
            #expect(host.rulesText.hasPrefix(strict ? "10:\tfrom all iif vlan.eth." : "0:\tfrom all lookup local\n"))
            for p in branches {
                let b = try #require(p.branch)
                let veth = try #require(host.veth(of: p.ip))
                #expect(veth.hasPrefix(strict ? "vlan" : "eni"))
                #expect(dp.podsText.contains("host side: \(veth)  branch ENI \(b.id) VLAN \(b.vlanID) (\(b.vlanDevice), table \(b.table))"))
                #expect(host.linksText.contains("\(b.vlanDevice)@eth1 "))
                #expect(host.routesText(table: b.table).hasPrefix("default via \(b.gateway) dev \(b.vlanDevice) \n"))
            }
        }
    }

    struct Link: Hashable, CustomStringConvertible {
        var name: String, state: String, mac: String, flags: String
        var description: String { "\(name) \(state) \(mac) \(flags)" }
        /// One line of `ip -br link`; a veth's `@ifN` (its peer's index in the other namespace) dropped.
        init?(_ line: Substring) {
            let f = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard f.count >= 4 else { return nil }
            var n = f[0]
            if let at = n.range(of: "@if"), n[at.upperBound...].allSatisfy(\.isNumber) { n = String(n[..<at.lowerBound]) }
            name = n; state = f[1]; mac = f[2]; flags = f[3]
        }
    }

    /// What `ip route get` says: the device, the gateway, the table (main when it prints none).
    struct RouteGet: Equatable, CustomStringConvertible {
        var device: String, via: String?, table: Int
        var description: String { "dev \(device)" + (via.map { " via \($0)" } ?? "") + " table \(table)" }
        init(device: String, via: String?, table: Int) { self.device = device; self.via = via; self.table = table }
        init?(kernel out: String) {
            let f = out.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
            func after(_ w: String) -> String? { f.firstIndex(of: w).flatMap { $0 + 1 < f.count ? f[$0 + 1] : nil } }
            guard let d = after("dev") else { return nil }
            device = d; via = after("via")
            let t = after("table")
            table = f.first == "local" ? 255 : (t == "local" ? 255 : (t.flatMap(Int.init) ?? 254))
        }
    }

    /// The quickstart (pods on the primary ENI) and the custom-networking topology (pods on
    /// secondary ENIs in 100.64.0.0/16: their 1536 rules and tables).
    @Test(.enabled(if: KernelAgreementSGPTests.canMakeNamespaces, "network namespaces cannot be created here (needs root and iproute2)"),
          arguments: ["Topologies/quickstart.yaml", "Topologies/custom-networking-100-64.yaml"], [true, false])
    func kernelAgreesOnAnSGPNode(_ file: String, strict: Bool) throws {
        let (n, nodeName, _) = try Self.sgpNetwork(file, strict: strict)
        let dp = try #require(NodeDatapath(fabric: n.fabric, node: nodeName))
        let host = dp.host
        let trunk = try #require(host.enis.first { $0.isTrunk })
        let primary = try #require(host.primary)

        let hex = String(format: "%08x", UInt32.random(in: 0...UInt32.max))
        let made = NamespaceSet()
        defer { made.deleteAll() }
        let node = try made.create("nsg-\(hex)-n"), vpc = try made.create("nsg-\(hex)-v"), pods = try made.create("nsg-\(hex)-p")
        // Sysctls inside the node namespace only, before its devices exist: it forwards (so
        // `ip route get … iif` answers) and does no reverse-path filtering.
        let sysctls = node.exec("sysctl", ["-q", "-w", "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                                           "net.ipv4.conf.default.forwarding=1"])
        try #require(sysctls.status == 0, "\(sysctls.err)")

        // The ENIs: veths whose peers wait in the vpc namespace, renamed ethN, the ENI's MAC.
        // Everything is made inside the node namespace (`ip -n`); nothing in the root namespace.
        var batch: [String] = []
        for e in host.enis {
            let tmp = "sg\(hex)\(e.deviceIndex)"
            let r = node.ip(["link", "add", tmp, "address", e.mac, "type", "veth", "peer", "name", "v\(hex)\(e.deviceIndex)", "netns", vpc.name])
            try #require(r.status == 0, "veth for \(e.interface): \(r.err)")
            batch.append("link set \(tmp) name \(e.interface)")
        }
        batch.append("link set lo up")
        try node.batch(batch)
        var vpcBatch = ["link set lo up"]
        for e in host.enis { vpcBatch.append("link set v\(hex)\(e.deviceIndex) up") }
        try vpc.batch(vpcBatch)

        // Host network (network.go SetupHostNetwork): the primary ENI, the connmark rule, the
        // local rule moved to 20 (ENABLE_POD_ENI, strict).
        batch = ["link set eth0 up", "addr add \(primary.primaryIP)/\(primary.subnet.prefixLength) dev eth0",
                 "route add default via \(primary.gateway) dev eth0",
                 "rule add pref 1024 fwmark \(hexMark(host.connmark))/\(hexMark(host.connmark)) lookup main",
                ] + (strict ? ["rule add pref 20 lookup local", "rule del pref 0 lookup local"] : [])
        // Secondary ENIs and the trunk (setupENINetwork): address, their table, no main subnet
        // route; the 32765 rule for all but the trunk.
        for e in host.enis where e.deviceIndex != 0 {
            batch += ["link set \(e.interface) up", "addr add \(e.primaryIP)/\(e.subnet.prefixLength) dev \(e.interface)",
                      "route replace \(e.gateway)/32 dev \(e.interface) scope link table \(e.table)",
                      "route replace default via \(e.gateway) dev \(e.interface) table \(e.table)",
                      "route del \(e.subnet) dev \(e.interface) table main"]
            if !e.isTrunk { batch.append("rule add pref 32765 from \(e.primaryIP) lookup \(e.table)") }
        }
        try node.batch(batch)

        // Pods in address order (the order netsim lists rules of one priority in).
        let vlanType = node.canCreate(linkType: "vlan", parent: trunk.interface, extra: ["id", "4000"]) ? "vlan" : "macvlan"
        print("kernel agreement (security groups for pods, \(strict ? "strict" : "standard")): \(file) node \(nodeName), VLAN devices of type \(vlanType)")
        var podBatch = ["link set lo up"]
        batch = []
        for (k, p) in host.pods.sorted(by: { $0.ip < $1.ip }).enumerated() {
            let veth = try #require(host.veth(of: p.ip))
            let r = node.ip(["link", "add", veth, "address", HostNetwork.vethMAC(veth), "type", "veth", "peer", "name", "p\(k)", "netns", pods.name])
            try #require(r.status == 0, "veth \(veth): \(r.err)")
            batch.append("link set \(veth) up")
            podBatch += ["link set p\(k) up"]
            if let b = p.branch {
                // driver.go SetupBranchENIPodNetwork: the VLAN on the trunk with the branch ENI's
                // MAC, its table; strict: the pod's route there and the two iif rules; standard:
                // the pod's route in main, to-pod at 512, from-pod at 1536 to the VLAN table.
                let typeArgs = vlanType == "vlan" ? ["type", "vlan", "id", "\(b.vlanID)"] : ["type", "macvlan"]
                let v = node.ip(["link", "add", "link", trunk.interface, "name", b.vlanDevice, "address", b.mac] + typeArgs)
                try #require(v.status == 0, "\(b.vlanDevice): \(v.err)")
                batch += ["link set \(b.vlanDevice) up",
                          "route replace \(b.gateway)/32 dev \(b.vlanDevice) scope link table \(b.table)",
                          "route replace default via \(b.gateway) dev \(b.vlanDevice) table \(b.table)"]
                if strict {
                    batch += ["route replace \(p.ip)/32 dev \(veth) scope link table \(b.table)",
                              "rule add pref 10 iif \(b.vlanDevice) lookup \(b.table)",
                              "rule add pref 10 iif \(veth) lookup \(b.table)"]
                } else {
                    batch += ["route replace \(p.ip)/32 dev \(veth) scope link", "rule add pref 512 to \(p.ip) lookup main",
                              "rule add pref 1536 from \(p.ip) lookup \(b.table)"]
                }
            } else {
                // driver.go SetupPodNetwork: the /32 in main, to-pod at 512, from-pod at 1536 on a
                // secondary ENI.
                batch += ["route replace \(p.ip)/32 dev \(veth) scope link", "rule add pref 512 to \(p.ip) lookup main"]
                if let e = host.eni(of: p.ip), e.deviceIndex != 0 { batch.append("rule add pref 1536 from \(p.ip) lookup \(e.table)") }
            }
        }
        try pods.batch(podBatch)
        try node.batch(batch)

        // ip rule.
        let rules = node.ip(["rule", "show"])
        try #require(rules.status == 0, "\(rules.err)")
        #expect(rules.out == host.rulesText, "ip rule: kernel\n\(rules.out)\nnetsim\n\(host.rulesText)")
        // ip route show table N: main and every ENI and VLAN table.
        for table in [254] + host.extraTables {
            let k = node.ip(["route", "show", "table", "\(table)"])
            try #require(k.status == 0, "\(k.err)")
            #expect(k.out == host.routesText(table: table), "table \(table): kernel\n\(k.out)\nnetsim\n\(host.routesText(table: table))")
        }
        // ip -4 route show table all, the local table aside (the kernel's holds broadcast routes
        // netsim does not list): the tables in the kernel's dump order (table 260, VLAN 160, in
        // bucket 4, before table 101), then main.
        let all = node.ip(["-4", "route", "show", "table", "all"])
        try #require(all.status == 0, "\(all.err)")
        func notLocal(_ text: String) -> [Substring] { text.split(separator: "\n").filter { !$0.contains("table local") } }
        #expect(notLocal(all.out) == notLocal(host.routesText), "ip route show table all: kernel\n\(all.out)\nnetsim\n\(host.routesText)")
        // ip -br link.
        let links = node.ip(["-br", "link", "show"])
        try #require(links.status == 0, "\(links.err)")
        let kernelLinks = Set(links.out.split(separator: "\n").compactMap(Link.init))
        let ours = Set(host.linksText.split(separator: "\n").compactMap(Link.init))
        #expect(kernelLinks == ours, "only in the kernel: \(kernelLinks.subtracting(ours).map(\.description).sorted()); only in netsim: \(ours.subtracting(kernelLinks).map(\.description).sorted())")

        // ip route get: the branch pods' packets to everything, what arrives on their VLANs, the
        // node's and the other pods' packets to them, with and without the CNI's mark.
        let everyone = host.pods.map(\.ip) + [primary.primaryIP, IPv4Address(93, 184, 216, 34), IPv4Address(10, 0, 96, 10)]
        var probes: [(src: IPv4Address, dst: IPv4Address, iif: String?, mark: UInt32)] = []
        for p in host.pods {
            let veth = try #require(host.veth(of: p.ip))
            for d in everyone where d != p.ip {
                probes.append((p.ip, d, veth, 0))
                probes.append((p.ip, d, veth, host.connmark))
            }
            if let b = p.branch {
                for s in everyone where s != p.ip && s != primary.primaryIP { probes.append((s, p.ip, b.vlanDevice, 0)) }
            }
            probes.append((primary.primaryIP, p.ip, nil, 0))
        }
        var compared = 0
        for probe in probes {
            var args = ["route", "get", "\(probe.dst)", "from", "\(probe.src)"]
            if let i = probe.iif { args += ["iif", i] }
            if probe.mark != 0 { args += ["mark", hexMark(probe.mark)] }
            let k = node.ip(args)
            let what = "ip route get \(probe.dst) from \(probe.src)\(probe.iif.map { " iif \($0)" } ?? "")\(probe.mark != 0 ? " mark \(hexMark(probe.mark))" : "")"
            try #require(k.status == 0, "\(what): \(k.err)")
            let kernel = try #require(RouteGet(kernel: k.out), "\(what): \(k.out)")
            let d = try #require(host.route(source: probe.src, destination: probe.dst, mark: probe.mark, inInterface: probe.iif), "\(what): netsim has no route")
            let netsim = RouteGet(device: d.device, via: d.via.map { "\($0)" }, table: d.table)
            #expect(kernel == netsim, "\(what): kernel \(kernel) (\(k.out.split(separator: "\n").first ?? "")), netsim \(netsim) by \(d.rule)")
            compared += 1
        }
        print("kernel agreement (security groups for pods, \(strict ? "strict" : "standard")): \(file): \(host.rulesText.split(separator: "\n").count) rules, \(host.extraTables.count + 1) tables, \(compared) route lookups compared")
        #expect(compared == probes.count && compared >= 20)
        made.deleteAll()
        let left = NetworkNamespace.list()
        for ns in [node, vpc, pods] { #expect(!left.contains(ns.name), "namespace \(ns.name) was not deleted") }
    }

    func hexMark(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }
}
