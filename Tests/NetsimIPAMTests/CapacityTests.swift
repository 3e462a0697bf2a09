import Foundation
import NetsimIPAM
import NetsimModel
import NetsimTopology
import Testing

@Suite("capacity")
struct CapacityTests {
    /// Every usable address of a subnet is accounted for exactly once.
    @Test(arguments: ["Topologies/quickstart.yaml", "Topologies/custom-networking-100-64.yaml", "Topologies/prefix-delegation-dense-nodes.yaml"])
    func addressesAreConserved(file: String) throws {
        let t = try Fixture.topology(file)
        let r = CapacityPlanner.plan(t, catalog: .builtin, whatIfs: false)
        for s in r.subnets {
            #expect(s.usable == s.eniPrimaries + s.podIPs + s.warmIPs + s.other + s.free, "\(s.name)")
            #expect(s.freePrefixes * 16 <= s.free)
        }
        #expect(r.nodeGroups.reduce(0) { $0 + $1.podIPs } == r.subnets.reduce(0) { $0 + $1.podIPs })
    }

    @Test func quickstartFigures() throws {
        let t = try Fixture.topology("Topologies/quickstart.yaml")
        let r = CapacityPlanner.plan(t, catalog: .builtin)
        let g = try #require(r.nodeGroups.first)
        #expect(g.nodes == 3 && g.kubeletMaxPods == 29 && g.maxPods.ipCapacity == 27)
        // Default WARM_ENI_TARGET=1: each node keeps a whole ENI's worth (9) free at least.
        for s in r.subnets where s.nodes > 0 { #expect(s.warmIPs >= 9 * s.nodes) }
        // Max pods limits the existing nodes: 3 × 29 minus the pods already there.
        #expect(g.morePodsOnExistingNodes == 3 * 29 - g.pods)
        #expect(g.morePodsLimitedBy == "max pods")
        // WARM_IP_TARGET=5 holds fewer addresses than a whole warm ENI per node.
        let w5 = try #require(r.whatIfs.first { $0.setting == "WARM_IP_TARGET=5" })
        #expect(w5.freed > 0)
        #expect(w5.freed == w5.freedBySubnet.reduce(0) { $0 + $1.freed })
        let again = CapacityPlanner.plan(t, catalog: .builtin)
        #expect(again.whatIfs.map(\.freed) == r.whatIfs.map(\.freed))
    }

    /// A what-if recomputes the cluster: the freed count equals the difference in held addresses.
    @Test func whatIfMatchesARealizedAlternative() throws {
        let t = try Fixture.topology("Topologies/quickstart.yaml")
        let r = CapacityPlanner.plan(t, catalog: .builtin)
        var settings = CNISettings(cluster: try #require(t.cluster))
        settings.warmIPTarget = 5
        let base = Realizer.realize(t, catalog: .builtin)
        let alt = Realizer.realize(t, catalog: .builtin, options: RealizeOptions(settings: settings))
        func held(_ c: RealizedCluster) -> Int { c.nodes.reduce(0) { $0 + $1.ipam.enis.reduce(0) { $0 + 1 + $1.total } } }
        #expect(r.whatIfs.first { $0.setting == "WARM_IP_TARGET=5" }?.freed == held(base) - held(alt))
    }

    /// Without the lowered maxPods, custom networking leaves kubelet at 58 pods for 42 addresses.
    @Test func customNetworkingMaxPodsTrapIsWarned() throws {
        let path = Fixture.root.appendingPathComponent("Topologies/custom-networking-100-64.yaml")
        let text = try String(contentsOf: path, encoding: .utf8).replacingOccurrences(of: "      maxPods: 44", with: "")
        let loaded = TopologyLoader(catalog: .builtin).load(text: text, file: path.path)
        let t = try #require(loaded.validTopology)
        let r = CapacityPlanner.plan(t, catalog: .builtin, whatIfs: false)
        let w = try #require(r.warnings.first { $0.code == .maxPodsExceedsIPs })
        #expect(w.message.contains("kubelet max pods is 58"))
        #expect(w.message.contains("42 pod addresses"))
        #expect(w.message.contains("maxPods: 44"))
        // Fill the nodes: the IPs run out before max pods does.
        #expect(r.nodeGroups[0].morePodsLimitedBy == "IP addresses")
    }

    /// Issue 12 item 17: `check` applies capacity's max-pods-exceeds-ips rule (NS0805, a warning,
    /// so --strict fails) to a custom-networking group that keeps kubelet's default 58.
    @Test func checkWarnsTheSameMaxPodsTrapAsCapacity() throws {
        let path = Fixture.root.appendingPathComponent("Topologies/custom-networking-100-64.yaml")
        let text = try String(contentsOf: path, encoding: .utf8).replacingOccurrences(of: "      maxPods: 44", with: "")
        let loaded = TopologyLoader(catalog: .builtin).load(text: text, file: path.path)
        let d = try #require(loaded.diagnostics.first { $0.code == .maxPodsOverride })
        #expect(d.severity == .warning)
        #expect(d.message.contains("kubelet max pods is 58") && d.message.contains("42 pod addresses"))
        #expect(d.hint.contains("maxPods: 44"))
        let t = try #require(loaded.validTopology)
        let r = CapacityPlanner.plan(t, catalog: .builtin, whatIfs: false)
        let w = try #require(r.warnings.first { $0.code == .maxPodsExceedsIPs })
        #expect(w.message == d.message + "; " + d.hint)
        // With maxPods: 44 both are quiet.
        let fixed = try Fixture.topology("Topologies/custom-networking-100-64.yaml")
        #expect(!CapacityPlanner.plan(fixed, catalog: .builtin, whatIfs: false).warnings.contains { $0.code == .maxPodsExceedsIPs })
        #expect(!TopologyLoader(catalog: .builtin).load(path: path.path).diagnostics.contains { $0.code == .maxPodsOverride })
    }

    /// Issue 12 item 4: under prefix delegation a new node needs whole free /28 blocks (and its
    /// primary address, taken at random, can break one). The dense-nodes example with /23 node
    /// subnets and 800 more pods leaves every node subnet with 0 free /28: no node fits.
    @Test(arguments: [0, 400, 800])
    func newNodesNeedFreePrefixes(extraPods: Int) throws {
        let path = Fixture.root.appendingPathComponent("Topologies/prefix-delegation-dense-nodes.yaml")
        var text = try String(contentsOf: path, encoding: .utf8)
        for (a, b) in [("10.30.64.0/18", "10.30.64.0/23"), ("10.30.128.0/18", "10.30.128.0/23"), ("10.30.192.0/18", "10.30.192.0/23")] {
            text = text.replacingOccurrences(of: a, with: b)
        }
        let t = try #require(TopologyLoader(catalog: .builtin).load(text: text, file: path.path).validTopology)
        let r = CapacityPlanner.plan(t, catalog: .builtin, options: RealizeOptions(extraPods: extraPods), whatIfs: false)
        let nodeSubnets = r.subnets.filter { $0.name.hasPrefix("private-") }
        for s in nodeSubnets {
            for f in s.footprints {
                // An idle node holds at least one /28; a packed one (110 pods) at least seven.
                #expect(f.idleNodesThatFit <= s.freePrefixes, "\(s.name) \(f.group): \(f.idleNodesThatFit) idle nodes, \(s.freePrefixes) free /28")
                #expect(f.fullNodesThatFit * 7 <= s.freePrefixes, "\(s.name) \(f.group)")
                let perNode = try #require(r.nodeGroups.first { $0.name == f.group }).podsPerFullNode
                #expect(f.podsThatFit == f.fullNodesThatFit * perNode)
            }
        }
        for g in r.nodeGroups {
            #expect(g.moreIdleNodes <= nodeSubnets.reduce(0) { $0 + $1.freePrefixes })
            #expect(g.moreFullNodes * 7 <= nodeSubnets.reduce(0) { $0 + $1.freePrefixes })
        }
        if extraPods == 800 {
            #expect(nodeSubnets.allSatisfy { $0.freePrefixes == 0 && $0.free > 16 })
            #expect(r.nodeGroups.allSatisfy { $0.moreIdleNodes == 0 && $0.moreFullNodes == 0 })
            #expect(nodeSubnets.allSatisfy { $0.footprints.allSatisfy { $0.idleNodesThatFit == 0 && $0.podsThatFit == 0 } })
        }
    }

    /// Item 4 for the what-ifs: each alternative reports the new nodes that fit under it, the
    /// same figure a plan under those settings gives — so under prefix delegation, in free /28s.
    @Test func whatIfsCountNewNodesLikeThePlan() throws {
        let path = Fixture.root.appendingPathComponent("Topologies/prefix-delegation-dense-nodes.yaml")
        var text = try String(contentsOf: path, encoding: .utf8)
        for (a, b) in [("10.30.64.0/18", "10.30.64.0/23"), ("10.30.128.0/18", "10.30.128.0/23"), ("10.30.192.0/18", "10.30.192.0/23")] {
            text = text.replacingOccurrences(of: a, with: b)
        }
        let pd = try #require(TopologyLoader(catalog: .builtin).load(text: text, file: path.path).validTopology)
        let r = CapacityPlanner.plan(pd, catalog: .builtin, options: RealizeOptions(extraPods: 800))
        let trim = try #require(r.whatIfs.first { $0.setting.hasPrefix("WARM_IP_TARGET=5") })
        #expect(!trim.moreNodes.isEmpty && trim.moreNodes.allSatisfy { $0.idle == 0 && $0.full == 0 })
        // Secondary IPs today; the prefix-delegation what-if agrees with a plan under it.
        let sec = try #require(TopologyLoader(catalog: .builtin).load(
            text: text.replacingOccurrences(of: "ENABLE_PREFIX_DELEGATION: \"true\"", with: "ENABLE_PREFIX_DELEGATION: \"false\""), file: path.path).validTopology)
        let options = RealizeOptions(extraPods: 300)
        let now = CapacityPlanner.plan(sec, catalog: .builtin, options: options)
        let toPD = try #require(now.whatIfs.first { $0.setting.hasPrefix("ENABLE_PREFIX_DELEGATION=true") })
        var settings = CNISettings(cluster: try #require(sec.cluster))
        settings.prefixDelegation = true; settings.warmPrefixTarget = 1; settings.warmIPTarget = 0; settings.minimumIPTarget = 0
        var o = options
        o.settings = settings
        let direct = CapacityPlanner.plan(sec, catalog: .builtin, options: o, whatIfs: false)
        #expect(toPD.moreNodes.map(\.group) == direct.nodeGroups.map(\.name))
        #expect(toPD.moreNodes.map(\.full) == direct.nodeGroups.map(\.moreFullNodes))
        #expect(toPD.moreNodes.map(\.idle) == direct.nodeGroups.map(\.moreIdleNodes))
        let freePrefixes = direct.subnets.filter { $0.name.hasPrefix("private-") }.reduce(0) { $0 + $1.freePrefixes }
        #expect(toPD.moreNodes.allSatisfy { $0.idle <= freePrefixes })
    }

    @Test func scaleAndPodsWhatIfs() throws {
        let t = try Fixture.topology("Topologies/quickstart.yaml")
        let r = CapacityPlanner.plan(t, catalog: .builtin, options: RealizeOptions(scale: ["general": 10], extraPods: 200), whatIfs: false)
        #expect(r.totals.nodes == 10)
        #expect(r.nodeGroups[0].pods <= 10 * 29)
        #expect(r.unscheduledCount + r.nodeGroups[0].pods == 10 * 2 + 2 + 5 + 200)
    }

    @Test func fragmentationIsWarnedUnderPrefixDelegation() throws {
        // A /25 with prefix delegation and nodes whose primaries are scattered: free addresses
        // remain, but few whole /28s.
        let t = try Fixture.cluster(cni: "{ENABLE_PREFIX_DELEGATION: \"true\"}", cidr: "10.0.32.0/25", nodes: 20,
                                    groupExtra: ", maxPods: 110")
        let r = CapacityPlanner.plan(t, catalog: .builtin, whatIfs: false)
        let s = try #require(r.subnets.first)
        #expect(s.free > 16)
        #expect(s.freePrefixes * 16 < s.free)
    }
}

/// Review findings on the IPAM model (issue 12, second review).
@Suite("capacity review")
struct CapacityReviewTests {
    static let pd24 = """
    apiVersion: netsim/v1
    kind: Topology
    name: pd24
    region: us-east-1
    seed: 7
    vpc:
      name: v
      cidrBlocks: [10.0.0.0/16]
      subnets:
        - {name: a, zone: us-east-1a, cidr: 10.0.0.0/24, routeTable: rt}
      routeTables:
        - name: rt
          routes: []
      securityGroups:
        - name: nodes
          description: n
          ingress: []
    cluster:
      name: c
      version: "1.31"
      serviceCidr: 172.20.0.0/16
      cni:
        ENABLE_PREFIX_DELEGATION: "true"
    CNI_EXTRA
      nodeGroups:
        - name: g
          instanceType: m5.large
          count: 2
          subnets: [a]
          securityGroups: [nodes]
          maxPods: 110

    """

    static func topology(_ text: String) throws -> Topology {
        try #require(TopologyLoader(catalog: .builtin).load(text: text, file: "review.yaml").validTopology)
    }

    /// ipamd v1.23.1 with WARM_PREFIX_TARGET=0: no address available → one prefix is added, the
    /// waiting pod takes an address, and the pool is stable (the prefix is no longer free).
    @Test func warmPrefixTargetZeroGivesWaitingPodsAnAddress() throws {
        let t = try Self.topology(Self.pd24.replacingOccurrences(of: "CNI_EXTRA\n", with: "    WARM_PREFIX_TARGET: \"0\"\n"))
        let r = Realizer.realize(t, catalog: .builtin)
        #expect(r.podsWithoutIP.isEmpty)
        let coredns = r.pods.filter { $0.name.hasPrefix("coredns") }
        #expect(coredns.count == 2)
        #expect(coredns.allSatisfy { $0.ip != nil && $0.status == .running })
        // Each coredns node holds exactly the one prefix its pod uses, and nothing free.
        for n in r.nodes where r.pods.contains(where: { $0.node == n.name && !$0.hostNetwork }) {
            #expect(n.ipam.total == 16 * ((n.ipam.assigned + 15) / 16))
            #expect(n.ipam.freePrefixes == 0)
        }
        let plan = CapacityPlanner.plan(t, catalog: .builtin, whatIfs: false)
        #expect(plan.podsWithoutIP.isEmpty)
        let g = try #require(plan.nodeGroups.first)
        #expect(g.podsWithoutIP == 0)
        // Existing nodes still take pods up to max pods (addresses come one prefix at a time).
        #expect(g.morePodsOnExistingNodes > 0)
    }

    /// NS0806's wording: WARM_PREFIX_TARGET=0 changes what ipamd does, it is not ignored.
    @Test func warmPrefixTargetZeroIsNotCalledIgnored() throws {
        let loaded = TopologyLoader(catalog: .builtin).load(text: Self.pd24.replacingOccurrences(of: "CNI_EXTRA\n", with: "    WARM_PREFIX_TARGET: \"0\"\n"), file: "review.yaml")
        let w = try #require(loaded.diagnostics.first { $0.code == .ignoredCNISetting })
        #expect(!w.message.contains("has no effect"))
        #expect(w.message.contains("WARM_PREFIX_TARGET"))
    }
}

extension CapacityReviewTests {
    static func customNetworking(nodeSubnets: String, prefixes: Bool) -> String {
        """
        apiVersion: netsim/v1
        kind: Topology
        name: cn
        region: us-east-1
        seed: 7
        vpc:
          name: v
          cidrBlocks: [10.0.0.0/16, 100.64.0.0/16]
          subnets:
            - {name: nodes, zone: us-east-1a, cidr: 10.0.0.0/24, routeTable: rt}
            - {name: nodes2, zone: us-east-1a, cidr: 10.0.1.0/24, routeTable: rt}
            - {name: pods, zone: us-east-1a, cidr: 100.64.0.0/22, routeTable: rt}
          routeTables:
            - name: rt
              routes: []
          securityGroups:
            - name: nodes
              description: n
              ingress: []
        cluster:
          name: c
          version: "1.31"
          serviceCidr: 172.20.0.0/16
          cni:
            AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "true"
            ENI_CONFIG_LABEL_DEF: topology.kubernetes.io/zone
        \(prefixes ? "    ENABLE_PREFIX_DELEGATION: \"true\"\n" : "")  eniConfigs:
            - {name: us-east-1a, subnet: pods, securityGroups: [nodes]}
          nodeGroups:
            - name: g
              instanceType: m5.large
              count: 1
              subnets: [\(nodeSubnets)]
              securityGroups: [nodes]
              maxPods: 110

        """
    }

    /// Two node subnets in one zone share the zone's ENIConfig pod subnet: one new node still
    /// takes one node's pod addresses there, and as many nodes fit as with one node subnet.
    @Test(arguments: [false, true])
    func sharedPodSubnetCountsOneNodeOnce(prefixes: Bool) throws {
        func podsFootprint(_ nodeSubnets: String) throws -> CapacityReport.Footprint {
            let t = try Self.topology(Self.customNetworking(nodeSubnets: nodeSubnets, prefixes: prefixes))
            let r = CapacityPlanner.plan(t, catalog: .builtin, whatIfs: false)
            let pods = try #require(r.subnets.first { $0.name == "pods" })
            return try #require(pods.footprints.first)
        }
        let one = try podsFootprint("nodes")
        let two = try podsFootprint("nodes, nodes2")
        #expect(two.idle == one.idle && two.full == one.full)
        #expect(two.idleNodesThatFit == one.idleNodesThatFit)
        #expect(two.fullNodesThatFit == one.fullNodesThatFit)
        #expect(two.podsThatFit == one.podsThatFit)
        if !prefixes { #expect(two.idle == 10 && two.idleNodesThatFit == 99) }
    }
}

extension CapacityReviewTests {
    /// Under prefix delegation `MORE NODES idle` is what one scale-up gets (all primaries
    /// first, then each node's prefixes), as `netsim simulate --scale` plays it: N more nodes
    /// all get their prefix, N + 1 leave one short. Seeds vary the random primary addresses.
    @Test(arguments: 1...8)
    func prefixMoreNodesIsWhatAScaleUpGets(seed: Int) throws {
        let t = try Self.topology(Self.pd24.replacingOccurrences(of: "seed: 7", with: "seed: \(seed)").replacingOccurrences(of: "CNI_EXTRA\n", with: ""))
        let plan = CapacityPlanner.plan(t, catalog: .builtin, whatIfs: false)
        let more = try #require(plan.nodeGroups.first).moreIdleNodes
        // The group's only subnet says the same.
        #expect(plan.subnets.first { $0.name == "a" }?.footprints.first?.idleNodesThatFit == more)
        func exhausted(_ extra: Int) -> Bool {
            var sim = Simulator(topology: t, catalog: .builtin,
                                scenario: Scenario(duration: 300, events: [.init(at: 0, action: .scaleNodes(group: "g", count: 2 + extra))]))
            let r = sim.run()
            return r.subnets.contains { $0.exhaustedAt != nil }
        }
        #expect(!exhausted(more))
        #expect(exhausted(more + 1))
    }

    /// A node that cannot get its first prefix (or its warm pool) is said so.
    @Test func nodesShortOfAPrefixAreWarned() throws {
        let t = try Self.topology(Self.pd24.replacingOccurrences(of: "CNI_EXTRA\n", with: ""))
        let r = Realizer.realize(t, catalog: .builtin, options: RealizeOptions(scale: ["g": 9]))
        let bare = r.nodes.filter { $0.ipam.total == 0 }.count
        #expect(bare > 0)
        #expect(r.warnings.contains { $0.code == .subnetExhausted && $0.message.contains("\(bare) of 9 nodes could not get their first /28 prefix") })
        let fine = Realizer.realize(t, catalog: .builtin)
        #expect(!fine.warnings.contains { $0.code == .subnetExhausted })
    }
}
