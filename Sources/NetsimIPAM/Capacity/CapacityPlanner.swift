import NetsimModel

/// Builds a `CapacityReport` from a topology: realizes it, measures, and re-realizes it under
/// other warm-pool settings.
public enum CapacityPlanner {
    public static func plan(_ t: Topology, catalog: InstanceCatalog, options: RealizeOptions = RealizeOptions(),
                            whatIfs: Bool = true) -> CapacityReport {
        let realized = Realizer.realize(t, catalog: catalog, options: options)
        let settings = realized.settings
        var warnings = realized.warnings
        let subnets = t.vpcs.flatMap(\.subnets)
        let groups = t.cluster?.nodeGroups ?? []

        // Per-subnet use.
        var eniPrimaries = Array(repeating: 0, count: subnets.count)
        var podIPs = Array(repeating: 0, count: subnets.count)
        var warm = Array(repeating: 0, count: subnets.count)
        var nodesHere = Array(repeating: 0, count: subnets.count)
        for n in realized.nodes {
            if let i = realized.ec2.poolIndex[n.subnet] { nodesHere[i] += 1 }
            for e in n.ipam.enis {
                eniPrimaries[e.subnet] += 1
                for c in e.cidrs {
                    podIPs[e.subnet] += c.assignedCount
                    warm[e.subnet] += c.size - c.assignedCount
                }
            }
        }
        let clusterOptions = t.cluster.map(MaxPodsOptions.init(cluster:)) ?? MaxPodsOptions()
        let mode: AddressMode = settings.ipv6 ? .ipv6 : (settings.prefixDelegation ? .prefixDelegation : .secondaryIP)

        // Footprints of one more node per group and subnet.
        var footprintsBySubnet: [Int: [CapacityReport.Footprint]] = [:]
        var groupReports: [CapacityReport.NodeGroupCapacity] = []
        let fill = fillExistingNodes(realized)
        for g in groups {
            guard let type = catalog[g.instanceType] else { continue }
            let nodes = realized.nodes.filter { $0.group == g.name }
            let kubeletMaxPods = KubeletMaxPodsExcess.kubeletMaxPods(g, type: type)
            let mp = MaxPods(type: type, options: clusterOptions)
            let groupPods = realized.pods.filter { p in nodes.contains { $0.name == p.node } }
            let dsPodsNeedingIP = nodes.first.map { n in realized.pods.filter { $0.node == n.name && $0.workloadKind == .daemonSet && !$0.hostNetwork }.count } ?? 0
            let zone = g.subnets.first.flatMap { n in subnets.first { $0.name == n }?.zone } ?? ""
            let hostPods = nodes.first.map { n in realized.pods.filter { $0.node == n.name && $0.hostNetwork }.count }
                ?? KubeletMaxPodsExcess.hostNetworkPods(g, type: type, zone: zone, region: t.region, kubernetes: t.kubernetes)
            let fp = footprint(type: type, settings: settings, maxPods: kubeletMaxPods, dsPods: dsPodsNeedingIP, hostPods: hostPods)
            // Which subnets a new node of this group uses: its node subnet for the primary (and
            // trunk) ENI; pod ENIs there too, or in the zone's ENIConfig subnet.
            let nodeSubnets = g.subnets.compactMap { realized.ec2.poolIndex[$0] }
            func podSubnet(for nodeSubnet: Int) -> Int? {
                if settings.customNetworking {
                    let zone = subnets[nodeSubnet].zone
                    return realized.nodes.first { $0.group == g.name && $0.zone == zone }?.ipam.eniSubnets.first
                        ?? eniConfigSubnet(t, group: g, zone: zone, settings: settings, index: realized.ec2.poolIndex)
                }
                return nodeSubnet
            }
            // What one new node takes in each subnet: it goes to one node subnet, so a subnet that
            // several node subnets share (an ENIConfig's pod subnet) is counted once, for the node
            // subnet that puts the most there — not once per node subnet.
            var touched: [Int: (idle: Int, full: Int)] = [:]
            for s in nodeSubnets {
                var one: [Int: (idle: Int, full: Int)] = [s: (fp.primaryIdle, fp.primaryFull)]
                if let p = podSubnet(for: s) {
                    one[p, default: (0, 0)].idle += fp.podIdle
                    one[p, default: (0, 0)].full += fp.podFull
                }
                for (x, f) in one {
                    let t = touched[x] ?? (0, 0)
                    touched[x] = (max(t.idle, f.idle), max(t.full, f.full))
                }
            }
            // Under prefix delegation a new node needs whole free aligned /28 blocks, and its
            // primary address (taken at random, as EC2 does) may break one: place the nodes one by
            // one in a copy of the subnets. Single addresses fit anywhere, so division is exact.
            let prefixMode = settings.prefixDelegation && (type.hypervisor == .nitro || type.isBareMetal)
            var probe = NodeProbe(ec2: realized.ec2, type: type, settings: settings, maxPods: kubeletMaxPods, footprint: fp,
                                  owner: g.name)
            // New nodes round-robin over the group's subnets until one subnet cannot take the next.
            func nodesThatFit(idle: Bool) -> (Int, String?) {
                guard !nodeSubnets.isEmpty else { return (0, nil) }
                if prefixMode {
                    // One scale-up of N nodes: all N primaries first, as a node group's launch
                    // does; N found near the count of nodes launched one after another.
                    var p = probe
                    p.reset()
                    var k = 0
                    while true {
                        let s = nodeSubnets[(nodes.count + k) % nodeSubnets.count]
                        if p.place(nodeSubnet: s, podSubnet: podSubnet(for: s), full: !idle) != nil { break }
                        k += 1
                    }
                    let bound = nodeSubnets.reduce(1) { $0 + realized.ec2.pool($1).freeCount }
                    let (n, short) = p.largestScaleUp(near: k, bound: bound, full: !idle) { i in
                        let s = nodeSubnets[(nodes.count + i) % nodeSubnets.count]
                        return (s, podSubnet(for: s))
                    }
                    return (n, short.map { subnets[$0].name })
                }
                var free = Dictionary(uniqueKeysWithValues: Set(nodeSubnets + nodeSubnets.compactMap(podSubnet)).map { ($0, realized.ec2.pool($0).freeCount) })
                var k = 0
                while k < 1_000_000 {
                    let s = nodeSubnets[(nodes.count + k) % nodeSubnets.count]
                    let primary = idle ? fp.primaryIdle : fp.primaryFull
                    let pod = idle ? fp.podIdle : fp.podFull
                    let ps = podSubnet(for: s)
                    var need: [Int: Int] = [s: primary]
                    if let ps { need[ps, default: 0] += pod }
                    if let short = need.first(where: { free[$0.key, default: 0] < $0.value }) { return (k, subnets[short.key].name) }
                    for (i, n) in need { free[i, default: 0] -= n }
                    k += 1
                }
                return (k, nil)
            }
            let (idleFit, _) = nodesThatFit(idle: true)
            let (fullFit, firstOut) = nodesThatFit(idle: false)
            let groupFit = (idleFit, fullFit)
            for (s, f) in touched {
                let free = realized.ec2.pool(s).freeCount
                var idleFit = f.idle > 0 ? free / f.idle : 0
                var fullFit = f.full > 0 ? free / f.full : 0
                if prefixMode {
                    // Only this subnet limits: a share that lands elsewhere goes to the scratch pool.
                    let pairs = nodeSubnets.compactMap { n -> (Int, Int?)? in
                        let p = podSubnet(for: n)
                        guard n == s || p == s else { return nil }
                        return (n == s ? n : probe.scratch, p.map { $0 == s ? $0 : probe.scratch })
                    }
                    if nodeSubnets.count == 1 && pairs.count == 1 && pairs[0].0 == s && pairs[0].1 == s {
                        // The group's only subnet, for its nodes and pods: the scale-up figure.
                        (idleFit, fullFit) = groupFit
                    } else if pairs.contains(where: { $0.1 == s }) {
                        idleFit = probe.rounds(pairs, full: false, measuring: s, otherwise: idleFit)
                        fullFit = probe.rounds(pairs, full: true, measuring: s, otherwise: fullFit)
                    }
                }
                footprintsBySubnet[s, default: []].append(.init(group: g.name, idle: f.idle, full: f.full, idleNodesThatFit: idleFit,
                                                               fullNodesThatFit: fullFit, podsThatFit: fullFit.multipliedSaturated(by: fp.podsPerFullNode)))
            }
            let f = fill[g.name] ?? (0, false, false)
            let limitedBy = f.byIPs && f.byMaxPods ? "max pods and IP addresses" : (f.byIPs ? "IP addresses" : "max pods")
            var enis = 0, pIPs = 0, wIPs = 0, prim = 0
            for n in nodes {
                enis += n.ipam.enis.count
                prim += n.ipam.enis.count
                pIPs += n.ipam.assigned
                wIPs += n.ipam.total - n.ipam.assigned
            }
            groupReports.append(.init(name: g.name, instanceType: type.name, nodes: nodes.count, kubeletMaxPods: kubeletMaxPods, maxPods: mp,
                                      pods: groupPods.filter { $0.status == .running }.count,
                                      hostNetworkPods: groupPods.filter { $0.hostNetwork }.count,
                                      podsWithoutIP: groupPods.filter { $0.status == .waitingForIP }.count,
                                      enis: enis, podIPs: pIPs, warmIPs: wIPs, eniPrimaries: prim,
                                      morePodsOnExistingNodes: f.pods, morePodsLimitedBy: limitedBy,
                                      moreIdleNodes: idleFit, moreFullNodes: fullFit, podsPerFullNode: fp.podsPerFullNode,
                                      firstExhaustedSubnet: firstOut))
            warnings += groupWarnings(g, type: type, kubeletMaxPods: kubeletMaxPods, mp: mp, fp: fp, hostPods: hostPods, settings: settings)
        }

        var subnetReports: [CapacityReport.SubnetCapacity] = []
        var fargateHere: [String: Int] = [:]
        for n in realized.fargateNodes { fargateHere[n.subnet, default: 0] += 1 }
        for (i, s) in subnets.enumerated() {
            let pool = realized.ec2.pool(i)
            let fargatePods = fargateHere[s.name] ?? 0
            let other = (realized.otherAddresses[i]?.count ?? 0) + fargatePods
            var report = CapacityReport.SubnetCapacity(name: s.name, zone: s.zone, cidr: s.cidr, usable: s.usableAddressCount, nodes: nodesHere[i],
                                                       eniPrimaries: eniPrimaries[i], podIPs: podIPs[i], warmIPs: warm[i], other: other,
                                                       free: pool.freeCount, freePrefixes: pool.freePrefixCount,
                                                       footprints: (footprintsBySubnet[i] ?? []).sorted { $0.group < $1.group })
            report.fargatePods = fargatePods
            subnetReports.append(report)
        }
        warnings += subnetWarnings(subnetReports, groups: groupReports, mode: mode, footprints: footprintsBySubnet, subnets: subnets)

        var zones: [String: CapacityReport.ZoneCapacity] = [:]
        // Every subnet of the zone: its load balancer nodes and NAT gateways are in OTHER.
        for s in subnetReports {
            var z = zones[s.zone] ?? .init(zone: s.zone, subnets: [], usable: 0, eniPrimaries: 0, podIPs: 0, warmIPs: 0, other: 0, free: 0, freePrefixes: 0)
            z.subnets.append(s.name); z.usable += s.usable; z.eniPrimaries += s.eniPrimaries; z.podIPs += s.podIPs
            z.warmIPs += s.warmIPs; z.other += s.other; z.free += s.free; z.freePrefixes += s.freePrefixes
            zones[s.zone] = z
        }

        let alternatives = whatIfs ? self.whatIfs(t, catalog: catalog, options: options, realized: realized, heldNow: held(realized)) : []
        let running = realized.pods.filter { $0.status == .running }.count
        var report = CapacityReport(
            topology: t.name, mode: mode, settings: describe(settings), nodeGroups: groupReports, subnets: subnetReports,
            zones: zones.values.sorted { $0.zone < $1.zone }, whatIfs: alternatives, warnings: warnings,
            podsWithoutIP: realized.podsWithoutIP, unscheduledPods: realized.unscheduledPods, unscheduledCount: realized.unscheduledCount,
            totals: (realized.nodes.count, running, podIPs.reduce(0, +), warm.reduce(0, +), eniPrimaries.reduce(0, +),
                     subnetReports.filter { $0.nodes > 0 || !$0.footprints.isEmpty }.reduce(0) { $0 + $1.free }))
        report.branchENIs = CapacityReport.branchENIUse(t, realized)
        report.fargate = fargateCapacity(t, realized)
        return report
    }

    /// Each Fargate profile's pods by subnet, its Pending pods, and the addresses left in its
    /// subnets (one more Fargate pod takes one).
    static func fargateCapacity(_ t: Topology, _ realized: RealizedCluster) -> [CapacityReport.FargateProfileCapacity] {
        guard let profiles = t.cluster?.fargateProfiles, !profiles.isEmpty else { return [] }
        return profiles.map { p in
            let mine = realized.fargateNodes.filter { $0.profile == p.name }
            let bySubnet = p.subnets.map { s in (subnet: s, pods: mine.filter { $0.subnet == s }.count) }
            let pending = realized.pods.filter { $0.fargateProfile == p.name && $0.status != .running }.count
            let free = Set(p.subnets).compactMap { realized.ec2.poolIndex[$0] }.reduce(0) { $0 + realized.ec2.pool($1).freeCount }
            return .init(name: p.name, subnets: p.subnets, pods: mine.count, podsBySubnet: bySubnet, pending: pending, free: free)
        }
    }

    static func eniConfigSubnet(_ t: Topology, group g: NodeGroup, zone: String, settings: CNISettings, index: [String: Int]) -> Int? {
        guard let cluster = t.cluster else { return nil }
        let zoneKeys: Set<String> = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"]
        let name = zoneKeys.contains(settings.eniConfigLabel) ? zone : (g.labels[key: settings.eniConfigLabel] ?? g.labels[key: "k8s.amazonaws.com/eniConfig"])
        return name.flatMap { n in cluster.eniConfigs.first { $0.name == n } }.flatMap { index[$0.subnet] }
    }

    /// `NAME=value` for every setting that shapes the pool.
    static func describe(_ s: CNISettings) -> [String] {
        var out: [String] = []
        if s.ipv6 { return ["ENABLE_IPv6=true"] }
        if s.prefixDelegation { out.append("ENABLE_PREFIX_DELEGATION=true") }
        if s.warmIPTargetsSet {
            out.append("WARM_IP_TARGET=\(s.warmIPTarget)")
            out.append("MINIMUM_IP_TARGET=\(s.minimumIPTarget)")
        } else if s.prefixDelegation {
            out.append("WARM_PREFIX_TARGET=\(s.warmPrefixTarget)")
        } else {
            out.append("WARM_ENI_TARGET=\(s.warmENITarget)")
        }
        if let m = s.maxENI { out.append("MAX_ENI=\(m)") }
        if s.customNetworking { out.append("AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true") }
        if s.podENI { out.append("ENABLE_POD_ENI=true") }
        return out
    }

    // MARK: footprints

    struct Footprint {
        var primaryIdle: Int
        var podIdle: Int
        var primaryFull: Int
        var podFull: Int
        var podsPerFullNode: Int
        /// Pods needing an address on an idle node (DaemonSets), and addresses its pool holds.
        var dsPods = 0
        var idlePool = 0
        /// Pods (DaemonSet ones included) a packed node runs.
        var fullPods = 0
    }

    /// New nodes of one group placed one at a time in a copy of the subnets, each with its
    /// primary address at a random position and its own ipamd, as `netsim simulate --scale` would.
    struct NodeProbe {
        let start: EC2Account
        var ec2: EC2Account
        let type: InstanceType
        let settings: CNISettings
        let maxPods: Int
        let footprint: Footprint
        let owner: String
        /// A pool with addresses enough, for shares that land outside the subnet measured.
        let scratch: Int
        var serial = 0

        init(ec2: EC2Account, type: InstanceType, settings: CNISettings, maxPods: Int, footprint: Footprint, owner: String) {
            var e = ec2
            scratch = e.addScratchPool(Subnet(name: "scratch", id: "subnet-scratch", zone: "scratch",
                                              cidr: IPv4CIDR(network: IPv4Address(10, 0, 0, 0), prefixLength: 12),
                                              location: SourceLocation(file: "<scratch>", line: 0, column: 0)))
            start = e; self.ec2 = e
            self.type = type; self.settings = settings; self.maxPods = maxPods; self.footprint = footprint; self.owner = owner
        }

        mutating func reset() { ec2 = start }

        /// Nodes that fit in subnet `s`, placed round-robin over the pairs (one node per pair per
        /// round); the copy starts afresh. A round that takes nothing from `s` (nodes that need
        /// no address there) would never end the count: then the answer is `otherwise`, the
        /// division by the footprint.
        mutating func rounds(_ pairs: [(Int, Int?)], full: Bool, measuring s: Int, otherwise: Int) -> Int {
            ec2 = start
            guard !pairs.isEmpty else { return 0 }
            var n = 0
            while true {
                let before = ec2.pool(s).freeCount
                for (node, pod) in pairs {
                    if place(nodeSubnet: node, podSubnet: pod, full: full) != nil { return n }
                    n += 1
                }
                if ec2.pool(s).freeCount >= before { return otherwise }
            }
        }

        /// One scale-up of `n` nodes in a fresh copy: every node's primary (and trunk) address
        /// first, as EC2 launches a node group's instances, then each node's ipamd in turn. nil
        /// when all start as the footprint says, else the first subnet that could not give.
        mutating func scaleUp(_ n: Int, full: Bool, pair: (Int) -> (Int, Int?)) -> (short: Int?, started: Int) {
            ec2 = start
            var launched: [(NodeIPAM, Int?)] = []
            launched.reserveCapacity(n)
            for i in 0..<n {
                let (node, pod) = pair(i)
                switch launch(nodeSubnet: node, podSubnet: pod) {
                case .success(let ipam): launched.append((ipam, pod))
                case .failure(let short): return (short.subnet, 0)
                }
            }
            for i in launched.indices {
                if let short = grow(&launched[i].0, podSubnet: launched[i].1, full: full) { return (short, i) }
            }
            return (nil, n)
        }

        /// The largest scale-up whose nodes all start, and the subnet that stops one node more:
        /// a bracket N (all start) / N + 1 (one does not), both tried. The search starts at
        /// `guess` (the count of nodes launched one after another) and steers by the shortfall of
        /// each failed try (N − the nodes that started), by secant between failed tries; after a
        /// few steps it halves the bracket. Random placement need not be monotonic in N; the
        /// search is deterministic for a seed. `bound` caps the count (each node takes an address).
        mutating func largestScaleUp(near guess: Int, bound: Int, full: Bool, pair: (Int) -> (Int, Int?)) -> (Int, Int?) {
            var ok = 0, bad = bound + 1
            var shortAt: [Int: Int] = [:]
            var failed: [(n: Int, shortfall: Int)] = []
            var next = min(max(guess, 1), bound)
            var steps = 0
            while bad - ok > 1 {
                let n = min(max(next, ok + 1), bad - 1)
                steps += 1
                let r = scaleUp(n, full: full, pair: pair)
                if let s = r.short {
                    bad = n; shortAt[n] = s
                    failed.append((n, max(1, n - r.started)))
                } else {
                    ok = n
                }
                if steps > 8 { next = (ok + bad) / 2; continue }
                if failed.count >= 2, let a = failed.dropLast().last, let b = failed.last, a.shortfall != b.shortfall {
                    // Secant through the two latest shortfalls toward zero, rounded down.
                    let root = Double(b.n) - Double(b.shortfall) * Double(b.n - a.n) / Double(b.shortfall - a.shortfall)
                    // A root at or below the last success says little: step a quarter of the bracket.
                    next = root.isFinite && root < Double(bad) && root >= Double(ok + 1) ? Int(root.rounded(.down)) : ok + max(1, (bad - ok) / 4)
                } else if let f = failed.last {
                    // One node fewer removes its own need and about one primary: halve the shortfall.
                    next = f.n - max(1, f.shortfall / 2)
                    if next <= ok { next = (ok + bad) / 2 }
                } else {
                    next = ok + max(1, ok / 8)   // all started: try further on
                }
            }
            return (ok, shortAt[bad])
        }

        /// Launches one node; nil when it starts with the pool (idle) or the pods (full) the
        /// footprint says, else the subnet that could not give what it needed. Every launch takes
        /// at least one address, so a loop of launches ends.
        mutating func place(nodeSubnet: Int, podSubnet: Int?, full: Bool) -> Int? {
            switch launch(nodeSubnet: nodeSubnet, podSubnet: podSubnet) {
            case .failure(let short): return short.subnet
            case .success(var ipam): return grow(&ipam, podSubnet: podSubnet, full: full)
            }
        }

        struct Short: Error { var subnet: Int }

        /// A new node's primary ENI (and trunk ENI) address, at random in its node subnet.
        mutating func launch(nodeSubnet: Int, podSubnet: Int?) -> Result<NodeIPAM, Short> {
            serial += 1
            guard let ip = ec2.randomAddress(inSubnet: nodeSubnet) else { return .failure(Short(subnet: nodeSubnet)) }
            let primary = NodeENI(id: "eni-probe", mac: "02:00:00:00:00:00", deviceIndex: 0, subnet: nodeSubnet, primaryIP: ip,
                                  isPrimary: true, isTrunk: false, securityGroups: [], createdAt: 0)
            var ipam = NodeIPAM(owner: "\(owner)#\(serial)", type: type, settings: settings, maxPods: maxPods, primary: primary,
                                eniSubnets: podSubnet.map { [$0] } ?? [], eniSecurityGroups: [])
            if settings.podENI && (type.isTrunkingCompatible ?? true) {
                guard let t = ec2.randomAddress(inSubnet: nodeSubnet) else { return .failure(Short(subnet: nodeSubnet)) }
                ipam.attachTrunk(NodeENI(id: "eni-probe-trunk", mac: "02:00:00:00:00:01", deviceIndex: 1, subnet: nodeSubnet, primaryIP: t,
                                         isPrimary: false, isTrunk: true, securityGroups: [], createdAt: 0))
            }
            return .success(ipam)
        }

        /// A launched node's ipamd takes its warm pool (idle) or its pods (full); nil when it
        /// gets what the footprint says, else the pod subnet that could not give it.
        mutating func grow(_ ipam: inout NodeIPAM, podSubnet: Int?, full: Bool) -> Int? {
            guard let podSubnet else { return nil }   // custom networking without an ENIConfig: no pod ENIs
            var now = 0
            ipam.settle(now: &now, ec2: &ec2)
            let want = full ? footprint.fullPods : footprint.dsPods
            var pods = 0
            while pods < want {
                if ipam.assignPodIPSettling(now: &now, ec2: &ec2) == nil { return podSubnet }
                pods += 1
            }
            if !full && ipam.total < footprint.idlePool { return podSubnet }
            return nil
        }
    }

    /// Addresses one new node takes, idle (DaemonSet pods only) and packed to max pods, split
    /// into the node subnet's share (primary and trunk ENI) and the pod ENIs' share.
    static func footprint(type: InstanceType, settings: CNISettings, maxPods: Int, dsPods: Int, hostPods: Int) -> Footprint {
        let big = Subnet(name: "scratch", id: "subnet-scratch", zone: "scratch", cidr: IPv4CIDR(network: IPv4Address(10, 0, 0, 0), prefixLength: 8),
                         location: SourceLocation(file: "<scratch>", line: 0, column: 0))
        var ec2 = EC2Account(subnets: [big], seed: 1)
        guard let ip = ec2.randomAddress(inSubnet: 0) else { return Footprint(primaryIdle: 1, podIdle: 0, primaryFull: 1, podFull: 0, podsPerFullNode: 0) }
        let primary = NodeENI(id: "eni-scratch", mac: "02:00:00:00:00:00", deviceIndex: 0, subnet: 0, primaryIP: ip,
                              isPrimary: true, isTrunk: false, securityGroups: [], createdAt: 0)
        var ipam = NodeIPAM(owner: "scratch", type: type, settings: settings, maxPods: maxPods, primary: primary, eniSubnets: [0], eniSecurityGroups: [])
        let trunk = settings.podENI && (type.isTrunkingCompatible ?? true) ? 1 : 0
        if trunk == 1 {
            ipam.attachTrunk(NodeENI(id: "eni-trunk", mac: "02:00:00:00:00:01", deviceIndex: 1, subnet: 0, primaryIP: ip,
                                     isPrimary: false, isTrunk: true, securityGroups: [], createdAt: 0))
        }
        var now = 0
        ipam.settle(now: &now, ec2: &ec2)
        func podShare() -> Int { ipam.total + ipam.enis.filter { !$0.isPrimary && !$0.isTrunk }.count }
        var pods = 0
        while pods < dsPods, ipam.assignPodIPSettling(now: &now, ec2: &ec2) != nil {
            pods += 1
        }
        let podIdle = podShare()
        let idlePool = ipam.total
        let dsStarted = pods
        let limit = max(0, maxPods - hostPods)
        while pods < limit, ipam.assignPodIPSettling(now: &now, ec2: &ec2) != nil {
            pods += 1
        }
        let podFull = podShare()
        return Footprint(primaryIdle: 1 + trunk, podIdle: podIdle, primaryFull: 1 + trunk, podFull: podFull,
                         podsPerFullNode: max(0, pods - dsPods), dsPods: dsStarted, idlePool: idlePool, fullPods: pods)
    }

    /// Pods each group's existing nodes can still start: each node takes pods until max pods or
    /// until ipamd has no address (subnets shared, nodes in order).
    static func fillExistingNodes(_ r: RealizedCluster) -> [String: (pods: Int, byMaxPods: Bool, byIPs: Bool)] {
        var ec2 = r.ec2
        var now = r.clock
        var out: [String: (pods: Int, byMaxPods: Bool, byIPs: Bool)] = [:]
        for var n in r.nodes {
            var added = 0
            var byIPs = false
            if r.settings.ipv6 {
                // IPv6: the node's /80 never runs out; max pods is the limit (no /80: no pods).
                added = n.ipv6Prefix == nil ? 0 : max(0, n.maxPods - n.podCount)
                var e = out[n.group] ?? (0, false, false)
                e.pods += added
                if n.ipv6Prefix == nil { e.byIPs = true } else { e.byMaxPods = true }
                out[n.group] = e
                continue
            }
            while n.podCount + added < n.maxPods {
                if n.ipam.assignPodIPSettling(now: &now, ec2: &ec2) == nil { byIPs = true; break }
                added += 1
            }
            var e = out[n.group] ?? (0, false, false)
            e.pods += added
            if byIPs { e.byIPs = true } else { e.byMaxPods = true }
            out[n.group] = e
        }
        return out
    }

    // MARK: warnings

    static func groupWarnings(_ g: NodeGroup, type: InstanceType, kubeletMaxPods: Int, mp: MaxPods, fp: Footprint, hostPods: Int,
                              settings: CNISettings) -> [CapacityWarning] {
        var out: [CapacityWarning] = []
        for w in mp.warnings where w.code != .maxPodsExceedsIPs && w.code != .vCPUsUnknown {
            out.append(.init(w.code, "node group '\(echo: g.name)': \(w.message)"))
        }
        if !settings.ipv6, let excess = KubeletMaxPodsExcess.check(group: g, type: type, maxPods: mp, customNetworking: settings.customNetworking,
                                                                  prefixDelegationRequested: settings.prefixDelegation, hostNetworkPods: hostPods) {
            out.append(.init(.maxPodsExceedsIPs, "\(excess.message); \(excess.hint)"))
        }
        return out
    }

    static func subnetWarnings(_ subnets: [CapacityReport.SubnetCapacity], groups: [CapacityReport.NodeGroupCapacity], mode: AddressMode,
                               footprints: [Int: [CapacityReport.Footprint]], subnets model: [Subnet]) -> [CapacityWarning] {
        var out: [CapacityWarning] = []
        for (i, s) in subnets.enumerated() {
            for f in footprints[i] ?? [] {
                if s.usable < f.idle {
                    out.append(.init(.subnetTooSmall, "subnet '\(echo: s.name)' (\(s.cidr), \(s.usable) usable addresses) cannot hold one idle '\(echo: f.group)' node, which takes \(f.idle) addresses here"))
                } else if s.free < f.idle {
                    out.append(.init(.subnetExhausted, "subnet '\(echo: s.name)' has \(s.free) free address\(s.free == 1 ? "" : "es"): not enough for one more '\(echo: f.group)' node (\(f.idle) when idle)"))
                }
            }
            if mode == .prefixDelegation, !(footprints[i] ?? []).isEmpty, s.free >= 16, s.freePrefixes * 16 * 2 < s.free {
                out.append(.init(.fragmentation,
                    "subnet '\(echo: s.name)' has \(s.free) free addresses but only \(s.freePrefixes) free /28 blocks (\(s.freePrefixes * 16) addresses): prefix delegation fails with InsufficientCidrBlocks long before the subnet is full; a subnet CIDR reservation (aws ec2 create-subnet-cidr-reservation --reservation-type prefix) keeps blocks whole"))
            }
        }
        return out
    }

    // MARK: what-ifs

    /// Addresses nodes hold per subnet: ENI primaries plus secondary IPs or prefixes.
    static func held(_ r: RealizedCluster) -> [Int: Int] {
        var out: [Int: Int] = [:]
        for n in r.nodes { for e in n.ipam.enis { out[e.subnet, default: 0] += 1 + e.total } }
        return out
    }

    static func whatIfs(_ t: Topology, catalog: InstanceCatalog, options: RealizeOptions, realized: RealizedCluster,
                        heldNow: [Int: Int]) -> [CapacityReport.WhatIf] {
        let s = realized.settings
        guard !s.ipv6, !realized.nodes.isEmpty else { return [] }
        let runningPods = realized.pods.filter { !$0.hostNetwork && $0.ip != nil }
        let perNode = max(1, Int((Double(runningPods.count) / Double(realized.nodes.count)).rounded(.up)))
        var alternatives: [(String, CNISettings, String)] = []
        func with(_ f: (inout CNISettings) -> Void) -> CNISettings { var c = s; f(&c); return c }
        if s.prefixDelegation {
            alternatives.append(("WARM_IP_TARGET=5 MINIMUM_IP_TARGET=\(perNode)", with { $0.warmIPTarget = 5; $0.minimumIPTarget = perNode },
                                 "prefixes are still whole /28s; the targets only trim surplus prefixes"))
            alternatives.append(("ENABLE_PREFIX_DELEGATION=false", with { $0.prefixDelegation = false },
                                 "back to secondary IPs: a node holds at most ENIs × (IPs per ENI − 1) addresses, and kubelet max pods above that leaves pods without an IP"))
        } else {
            alternatives.append(("WARM_IP_TARGET=5", with { $0.warmIPTarget = 5; $0.minimumIPTarget = 0 },
                                 "each pod start past the target waits for one AssignPrivateIpAddresses call (one per 5 s loop); more EC2 calls during churn"))
            alternatives.append(("WARM_IP_TARGET=2 MINIMUM_IP_TARGET=\(perNode)", with { $0.warmIPTarget = 2; $0.minimumIPTarget = perNode },
                                 "MINIMUM_IP_TARGET at today's \(perNode) pods per node keeps scale-ups fast; bursts beyond it wait for EC2"))
            let nitro = realized.nodes.allSatisfy { $0.instanceType.hypervisor == .nitro || $0.instanceType.isBareMetal }
            if nitro {
                alternatives.append(("ENABLE_PREFIX_DELEGATION=true WARM_PREFIX_TARGET=1", with { $0.prefixDelegation = true; $0.warmPrefixTarget = 1; $0.warmIPTarget = 0; $0.minimumIPTarget = 0 },
                                     "needs free aligned /28 blocks; raise kubelet max pods to use the density"))
            }
        }
        var out: [CapacityReport.WhatIf] = []
        for (label, settings, note) in alternatives {
            var o = options
            o.settings = settings
            // The whole plan under the alternative: the addresses its nodes hold, and how many
            // more nodes fit (counted in free /28 blocks under prefix delegation).
            let alt = plan(t, catalog: catalog, options: o, whatIfs: false)
            var heldAlt: [Int: Int] = [:]
            for (i, x) in alt.subnets.enumerated() where x.eniPrimaries + x.podIPs + x.warmIPs > 0 {
                heldAlt[i] = x.eniPrimaries + x.podIPs + x.warmIPs
            }
            var freed: [(String, Int)] = []
            for i in Set(heldNow.keys).union(heldAlt.keys).sorted() {
                let d = heldNow[i, default: 0] - heldAlt[i, default: 0]
                if d != 0 { freed.append((realized.ec2.pool(i).subnet.name, d)) }
            }
            out.append(.init(setting: label, freedBySubnet: freed, freed: freed.reduce(0) { $0 + $1.1 },
                             podsWithoutIP: alt.podsWithoutIP.count,
                             moreNodes: alt.nodeGroups.map { ($0.name, $0.moreIdleNodes, $0.moreFullNodes) }, note: note))
        }
        return out
    }
}
