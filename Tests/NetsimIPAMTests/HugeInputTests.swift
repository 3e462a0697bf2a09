import Foundation
import NetsimIPAM
import NetsimModel
import NetsimTopology
import Testing

/// Issue 12 items 15a and 15e: whole numbers at the edge of Int64 in aws-node settings, instance
/// catalogs and scenarios are clamped or refused with a located error; nothing traps or hangs.
@Suite("huge inputs")
struct HugeInputTests {
    static let int64Max = "9223372036854775807"

    /// The settings layer clamps what every command reads (check, capacity, simulate, --set).
    @Test func warmTargetsAreClamped() {
        let s = CNISettings(values: [("WARM_ENI_TARGET", "4611686018427387904"), ("WARM_IP_TARGET", Self.int64Max),
                                     ("MINIMUM_IP_TARGET", Self.int64Max), ("WARM_PREFIX_TARGET", "1152921504606846976"),
                                     ("IP_COOLDOWN_PERIOD", Self.int64Max), ("MAX_ENI", Self.int64Max)])
        #expect(s.warmENITarget == CNISettings.largestCount && s.warmIPTarget == CNISettings.largestCount)
        #expect(s.minimumIPTarget == CNISettings.largestCount && s.warmPrefixTarget == CNISettings.largestCount)
        #expect(s.ipCooldownSeconds == CNISettings.largestCount && s.maxENI == CNISettings.largestCount)
    }

    /// WARM_ENI_TARGET ≥ 2^62, and WARM_PREFIX_TARGET ≥ 2^60 with prefix delegation, trapped in
    /// every command (the subnet check in conversion); WARM_IP_TARGET and MINIMUM_IP_TARGET =
    /// 2^63 − 1 passed check and trapped in simulate.
    @Test(arguments: [
        "{WARM_ENI_TARGET: \"4611686018427387904\"}",
        "{WARM_ENI_TARGET: \"\(int64Max)\"}",
        "{ENABLE_PREFIX_DELEGATION: \"true\", WARM_PREFIX_TARGET: \"1152921504606846976\"}",
        "{ENABLE_PREFIX_DELEGATION: \"true\", WARM_PREFIX_TARGET: \"\(int64Max)\"}",
        "{WARM_IP_TARGET: \"\(int64Max)\"}",
        "{MINIMUM_IP_TARGET: \"\(int64Max)\"}",
        "{ENABLE_PREFIX_DELEGATION: \"true\", WARM_IP_TARGET: \"\(int64Max)\", MINIMUM_IP_TARGET: \"\(int64Max)\"}",
        "{IP_COOLDOWN_PERIOD: \"\(int64Max)\"}",
    ])
    func hugeWarmTargetsWarnAndRun(cni: String) throws {
        let text = """
        apiVersion: netsim/v1
        kind: Topology
        name: t
        region: us-east-1
        vpc:
          name: v
          cidrBlocks: [10.0.0.0/16]
          subnets:
            - {name: nodes-a, zone: us-east-1a, cidr: 10.0.32.0/19}
          securityGroups:
            - {name: nodes}
        cluster:
          name: demo
          cni: \(cni)
          nodeGroups:
            - {name: general, instanceType: m5.large, count: 2, subnets: [nodes-a], securityGroups: [nodes]}
        """
        let loaded = TopologyLoader(catalog: .builtin).load(text: text, file: "t.yaml")
        let d = try #require(loaded.diagnostics.first { $0.code == .invalidCNIValue && $0.message.contains("more than any node can hold") })
        #expect(d.severity == .warning && d.location.line == 14)
        let t = try #require(loaded.validTopology)
        let r = CapacityPlanner.plan(t, catalog: .builtin)
        #expect(r.nodeGroups.first?.nodes == 2)
        var sim = Simulator(topology: t, catalog: .builtin, scenario: Scenario(duration: 120, events: [.init(at: 10, action: .addPods(count: 40))]))
        let result = sim.run()
        #expect(result.samples.count == 25)
    }

    /// A catalog row with 10^8, 2^32 or Int64.max addresses per ENI (or ENIs) hung or trapped:
    /// now it is refused at its line.
    @Test(arguments: ["100000000", "4294967296", int64Max, "9223372036854775808", "0"])
    func hugeCatalogRowsAreRefused(value: String) throws {
        let header = "instance_type\teni_limit\tipv4_per_eni\tdefault_card\tcards\thypervisor\tbare_metal\n"
        for row in ["x1.big\t3\t\(value)\t0\t0:3\tnitro\tfalse\n", "x1.big\t\(value == "0" ? "-1" : value)\t10\t0\t0:3\tnitro\tfalse\n",
                    "x1.big\t3\t10\t0\t0:\(value == "0" ? "-1" : value)\tnitro\tfalse\n"] {
            let r = InstanceCatalogLoader.load(text: header + row, file: "cat.tsv", over: .builtin)
            #expect(r.catalog == nil, "\(row)")
            let d = try #require(r.diagnostics.first { $0.code == .invalidCatalog })
            #expect(d.severity == .error && d.location.line == 2)
        }
        let json = """
        {"InstanceTypes": [{"InstanceType": "x1.big", "Hypervisor": "nitro",
          "NetworkInfo": {"MaximumNetworkInterfaces": 3, "Ipv4AddressesPerInterface": \(value)}}]}
        """
        let j = InstanceCatalogLoader.load(text: json, file: "cat.json", over: .builtin)
        #expect(j.catalog == nil)
        #expect(j.diagnostics.contains { $0.severity == .error && $0.location.line == 2 })
    }

    /// The largest rows a catalog may hold still compute: capacity of one node runs to the end.
    @Test func largestCatalogRowComputes() throws {
        let header = "instance_type\teni_limit\tipv4_per_eni\tdefault_card\tcards\thypervisor\tbare_metal\n"
        let r = InstanceCatalogLoader.load(text: header + "x1.big\t1024\t1024\t0\t0:1024\tnitro\tfalse\n", file: "cat.tsv", over: .builtin)
        let catalog = try #require(r.catalog)
        let type = try #require(catalog["x1.big"])
        let mp = MaxPods(type: type, options: MaxPodsOptions(prefixDelegation: true))
        #expect(mp.ipCapacity == 1024 * 1023 * 16)
    }

    // MARK: 15e — scenario durations and sizes

    func loadScenario(_ body: String) throws -> ScenarioLoader.Result {
        let t = try Fixture.topology("Topologies/quickstart.yaml")
        return ScenarioLoader.load(text: "apiVersion: netsim/v1\nkind: Scenario\n" + body, file: "s.yaml", topology: t)
    }

    /// Durations that overflowed a whole number trapped; ones past a week ran the ENI or node
    /// out of the run. Both are located errors now.
    @Test(arguments: [
        ("eniAttachLatency: 106751991167301d", 3, "NS1003"), ("eniAttachLatency: 99999999999999999999s", 3, "NS1003"),
        ("eniAttachLatency: 8d", 3, "NS1003"), ("nodeReadyAfter: 9223372036854775807", 3, "NS1003"),
        ("duration: 9999999999999999h", 3, "NS0204"), ("churn: 1e400%", 3, "NS0204"), ("churn: 2000%", 3, "NS1003"),
        ("events:\n  - {at: 1m, addPods: {count: 600000}}\n  - {at: 2m, addPods: {count: 600000}}", 5, "NS1003"),
        ("events:\n  - {at: 1m, rollout: {workload: deployment:shop/cart, maxSurge: inf}}", 4, "NS0204"),
        // A group flapping between 0 and 100,000 nodes: each size is in range, their sum is not.
        ("events:\n" + (0..<24).map { "  - {at: \($0)m, scaleNodes: {nodeGroup: general, count: \($0 % 2 == 0 ? 100000 : 0)}}" }.joined(separator: "\n"), 24, "NS1003"),
    ])
    func scenarioLimitsAreLocated(body: String, line: Int, code: String) throws {
        let r = try loadScenario(body)
        #expect(r.scenario == nil, "\(body)")
        let d = try #require(r.diagnostics.first { $0.severity == .error }, "\(body)")
        #expect(d.code.id == code && d.location.line == line, "\(body): \(d.code.id) \(d.location.line) \(d.message)")
    }

    /// The bound on nodes added counts increases only, from the sizes at the start, in time order.
    @Test func nodesAddedCountsIncreases() {
        let events: [Scenario.Event] = [.init(at: 60, action: .scaleNodes(group: "g", count: 10)),
                                        .init(at: 0, action: .scaleNodes(group: "g", count: 5)),
                                        .init(at: 120, action: .scaleNodes(group: "g", count: 0)),
                                        .init(at: 180, action: .scaleNodes(group: "g", count: 4))]
        #expect(Scenario.nodesAdded(by: events, start: ["g": 3]) == 2 + 5 + 4)
        let flap = (0..<200_000).map { Scenario.Event(at: $0, action: .scaleNodes(group: "g", count: $0 % 2 == 0 ? 100_000 : 0)) }
        #expect(Scenario.nodesAdded(by: flap, start: [:]) == 100_000 * 100_000)
    }

    @Test func durationsSaturate() {
        #expect(Scenario.parseDuration("106751991167301d") == Int.max)
        #expect(Scenario.parseDuration("1h30m") == 5400)
        #expect(Scenario.parseDuration("99999999999999999999") == Int.max)
        #expect(Scenario.parseFraction("inf") == nil && Scenario.parseFraction("nan%") == nil)
    }

    /// A million pods that no node can take, with churn, for an hour: each tick costs what the
    /// nodes do, not pods × nodes, and every pod is accounted for.
    @Test func aMillionUnschedulablePodsAreCounted() throws {
        let t = try Fixture.topology("Topologies/quickstart.yaml")
        var sim = Simulator(topology: t, catalog: .builtin, scenario: Scenario(duration: 3600, churnPerHour: 0.1, events: [
            .init(at: 60, action: .addPods(count: Scenario.mostAddedPods)),
            .init(at: 600, action: .scaleNodes(group: "general", count: 6)),
        ]))
        let r = sim.run()
        let last = try #require(r.samples.last)
        #expect(last.podsRunning + last.podsWaitingForIP + last.podsUnschedulable == r.podsRunningAtStart + r.podsCreated - r.podsDeleted)
        #expect(r.podsCreated >= Scenario.mostAddedPods)
        #expect(last.podsUnschedulable > 990_000)
        #expect(last.nodes == 6)
    }

    /// Deleted pods are compacted away during a run (memory follows the pods alive); the run is
    /// the same whether that happens every few ticks or never.
    @Test func compactionDoesNotChangeTheRun() throws {
        let t = try Fixture.topology("Topologies/quickstart.yaml")
        let s = Scenario(duration: 1800, churnPerHour: 3, events: [
            .init(at: 60, action: .addPods(count: 400)), .init(at: 120, action: .scaleNodes(group: "general", count: 8)),
            .init(at: 300, action: .rollout(kind: .deployment, namespace: "shop", name: "cart", maxSurge: 0.5)),
            .init(at: 900, action: .deletePods(count: 100)), .init(at: 1200, action: .scaleNodes(group: "general", count: 4)),
        ])
        func run(_ threshold: Int) -> SimulationResult {
            var sim = Simulator(topology: t, catalog: .builtin, scenario: s)
            sim.compactionThreshold = threshold
            return sim.run()
        }
        let never = run(Int.max), often = run(10)
        #expect(never.podsDeleted > 200)
        #expect(never.samples.map(\.podsRunning) == often.samples.map(\.podsRunning))
        #expect(never.samples.map(\.podsWaitingForIP) == often.samples.map(\.podsWaitingForIP))
        #expect(never.samples.map(\.podsUnschedulable) == often.samples.map(\.podsUnschedulable))
        #expect(never.samples.map(\.addressesAssigned) == often.samples.map(\.addressesAssigned))
        #expect(never.longestWaits.map(\.pod) == often.longestWaits.map(\.pod))
        #expect((never.waitP50, never.waitP99, never.waitMax, never.podsThatWaited) == (often.waitP50, often.waitP99, often.waitMax, often.podsThatWaited))
    }
}
