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
