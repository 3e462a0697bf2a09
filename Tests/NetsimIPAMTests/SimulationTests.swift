import Foundation
import NetsimIPAM
import NetsimModel
import NetsimTopology
import Testing

@Suite("simulate")
struct SimulationTests {
    func run(_ t: Topology, _ s: Scenario, seed: UInt64? = nil) -> SimulationResult {
        var sim = Simulator(topology: t, catalog: .builtin, scenario: s, seed: seed)
        return sim.run()
    }

    @Test func steadyStateMakesNoCalls() throws {
        let t = try Fixture.topology("Topologies/quickstart.yaml")
        let r = run(t, Scenario(duration: 600))
        #expect(r.operations.isEmpty)
        #expect(r.podsThatWaited == 0)
        #expect(r.samples.count == 121)
        #expect(r.samples.allSatisfy { $0.podsRunning == 13 })
    }

    /// A burst larger than the warm pool: pods wait for ENIs, one grow action per node per
    /// 5 s tick plus the attach latency; the same seed gives the same run.
    @Test func burstMakesPodsWaitForENIs() throws {
        let t = try Fixture.topology("Topologies/quickstart.yaml")
        let s = Scenario(duration: 300, eniAttachLatency: 10, events: [.init(at: 60, action: .addPods(count: 60))])
        let a = run(t, s)
        #expect(a.podsThatWaited > 0)
        // Waits are whole ticks: the soonest a new ENI helps is the next tick plus the latency.
        #expect(a.waitMax >= 10)
        #expect(a.stillWaiting == 0)
        #expect(a.operations.contains { $0.operation == .createNetworkInterface && $0.calls > 0 })
        let b = run(t, s)
        #expect(a.waitP50 == b.waitP50 && a.waitMax == b.waitMax && a.podsThatWaited == b.podsThatWaited)
        #expect(a.samples.map(\.podsWaitingForIP) == b.samples.map(\.podsWaitingForIP))
        // Longer attach latency, longer waits.
        var slow = s
        slow.eniAttachLatency = 30
        #expect(run(t, slow).waitMax > a.waitMax)
    }

    /// Every node of a 300-node scale-up asks EC2 for ENIs at once: with AWS's buckets some
    /// calls are throttled; without limits none are, and pods wait less.
    @Test func throttlingDelaysAScaleUp() throws {
        let t = try Fixture.cluster(cidr: "10.0.0.0/17", nodes: 0)
        var s = Scenario(duration: 900, nodeReadyAfter: 30, events: [
            .init(at: 0, action: .scaleNodes(group: "general", count: 300)),
            .init(at: 60, action: .addPods(count: 6000)),
        ], fromEmpty: true)
        let limited = run(t, s)
        s.ec2Limits = .unlimited
        let free = run(t, s)
        #expect(limited.operations.reduce(0) { $0 + $1.throttled } > 0)
        #expect(free.operations.reduce(0) { $0 + $1.throttled } == 0)
        #expect(limited.waitP95 > free.waitP95)
        #expect(limited.warnings.contains { $0.code == .throttled })
    }

    /// A subnet that runs out: pods stay waiting, ipamd backs off, the run says when.
    @Test func exhaustionIsReported() throws {
        let t = try Fixture.cluster(cidr: "10.0.32.0/26", nodes: 2)
        let r = run(t, Scenario(duration: 300, events: [.init(at: 10, action: .addPods(count: 50))]))
        #expect(r.stillWaiting > 0)
        #expect(r.subnets.first?.exhaustedAt != nil)
        #expect(r.warnings.contains { $0.code == .subnetExhausted })
    }

    /// Churn with WARM_IP_TARGET: deleted pods' addresses cool down for 30 s; released surplus
    /// addresses go back to EC2 no more often than every 30 s.
    @Test func churnUnderWarmIPTarget() throws {
        let t = try Fixture.cluster(cni: "{WARM_IP_TARGET: \"2\", MINIMUM_IP_TARGET: \"4\"}", nodes: 2,
                                    manifests: "kubernetes:\n  manifests:\n    - " + Fixture.deployment("web", replicas: 20))
        let r = run(t, Scenario(duration: 1800, churnPerHour: 2.0))
        #expect(r.podsDeleted > 0 && r.podsCreated == r.podsDeleted)
        #expect(r.samples.contains { $0.addressesCooling > 0 })
        #expect(r.samples.last?.podsRunning == r.samples.first?.podsRunning)
    }

    @Test func scaleDownFreesAddressesAndReschedules() throws {
        let t = try Fixture.cluster(nodes: 4, manifests: "kubernetes:\n  manifests:\n    - " + Fixture.deployment("web", replicas: 20))
        let r = run(t, Scenario(duration: 300, nodeReadyAfter: 0, events: [.init(at: 30, action: .scaleNodes(group: "general", count: 2))]))
        #expect(r.nodesRemoved == 2)
        let free = try #require(r.subnets.first)
        #expect(free.freeAtEnd > free.freeAtStart)
        #expect(r.samples.last?.nodes == 2)
        #expect(r.stillWaiting == 0 && r.unschedulable == 0)
    }

    @Test func rolloutReplacesEveryPod() throws {
        let t = try Fixture.topology("Topologies/quickstart.yaml")
        let r = run(t, Scenario(duration: 600, events: [.init(at: 10, action: .rollout(kind: .deployment, namespace: "shop", name: "cart", maxSurge: 0.5))]))
        let cart = t.kubernetes.workload(.deployment, namespace: "shop", name: "cart")?.replicas ?? 0
        #expect(r.podsCreated == cart)
        #expect(r.podsDeleted == cart)
    }
}

@Suite("scenario files")
struct ScenarioFileTests {
    func load(_ text: String) throws -> ScenarioLoader.Result {
        let t = try Fixture.topology("Topologies/quickstart.yaml")
        return ScenarioLoader.load(text: text, file: "s.yaml", topology: t)
    }

    @Test func wellFormedScenario() throws {
        let r = try load("""
        apiVersion: netsim/v1
        kind: Scenario
        name: morning
        duration: 1h30m
        churn: 10%
        eniAttachLatency: 12s
        events:
          - {at: 0s, scaleNodes: {nodeGroup: general, count: 6}}
          - {at: 5m, scalePods: {workload: deployment:shop/cart, replicas: 40}}
          - {at: 5m, addPods: {count: 100}}
          - {at: 20m, rollout: {workload: deployment:shop/cart, maxSurge: 25%}}
          - {at: 30m, churn: 50%}
        """)
        #expect(r.diagnostics.isEmpty)
        let s = try #require(r.scenario)
        #expect(s.duration == 5400 && s.churnPerHour == 0.1 && s.eniAttachLatency == 12)
        #expect(s.events.map(\.at) == [0, 300, 300, 1200, 1800])
    }

    @Test func eventsOutOfOrderAreLocated() throws {
        let r = try load("""
        apiVersion: netsim/v1
        kind: Scenario
        events:
          - {at: 10m, addPods: {count: 1}}
          - {at: 5m, addPods: {count: 1}}
        """)
        let d = try #require(r.diagnostics.first { $0.code == .eventsOutOfOrder })
        #expect(d.location.line == 5 && d.location.column == 10)
        #expect(d.notes.first?.location.line == 4)
        #expect(r.scenario == nil)
    }

    @Test func unknownNamesSuggestTheNearest() throws {
        let r = try load("""
        apiVersion: netsim/v1
        kind: Scenario
        events:
          - {at: 0s, scaleNodes: {nodeGroup: generl, count: 3}}
          - {at: 1m, rollout: {workload: deployment:shop/kart}}
          - {at: 2m}
          - {at: soon, addPods: {count: 1}}
        """)
        #expect(r.diagnostics.contains { $0.code == .invalidScenario && $0.hint.contains("general") })
        #expect(r.diagnostics.contains { $0.code == .invalidScenario && $0.hint.contains("deployment:shop/cart") })
        #expect(r.diagnostics.contains { $0.code == .invalidScenario && $0.message.contains("does nothing") })
        #expect(r.diagnostics.contains { $0.code == .invalidValue && $0.message.contains("not a duration") && $0.location.line == 7 })
    }

    @Test(arguments: [("90s", 90), ("5m", 300), ("1h30m", 5400), ("45", 45), ("2d", 172800)])
    func durations(text: String, seconds: Int) { #expect(Scenario.parseDuration(text) == seconds) }

    @Test(arguments: ["", "m", "5x", "-3s", "1h-2m"])
    func badDurations(text: String) { #expect(Scenario.parseDuration(text) == nil) }
}

@Suite("instance catalog files")
struct CatalogFileTests {
    static let describe = """
    {
      "InstanceTypes": [
        {
          "InstanceType": "m5.large",
          "Hypervisor": "nitro",
          "BareMetal": false,
          "VCpuInfo": {"DefaultVCpus": 2},
          "MemoryInfo": {"SizeInMiB": 8192},
          "NetworkInfo": {"MaximumNetworkInterfaces": 3, "Ipv4AddressesPerInterface": 10, "DefaultNetworkCardIndex": 0,
                          "NetworkCards": [{"NetworkCardIndex": 0, "MaximumNetworkInterfaces": 3}]}
        },
        {
          "InstanceType": "p9.48xlarge",
          "Hypervisor": "nitro",
          "BareMetal": false,
          "VCpuInfo": {"DefaultVCpus": 192},
          "NetworkInfo": {"MaximumNetworkInterfaces": 64, "Ipv4AddressesPerInterface": 50, "DefaultNetworkCardIndex": 0,
                          "NetworkCards": [{"NetworkCardIndex": 0, "MaximumNetworkInterfaces": 2}, {"NetworkCardIndex": 1, "MaximumNetworkInterfaces": 2}]}
        }
      ]
    }
    """

    @Test func describeInstanceTypesJSON() throws {
        let r = InstanceCatalogLoader.load(text: Self.describe, file: "types.json", over: .builtin)
        #expect(r.diagnostics.isEmpty)
        let c = try #require(r.catalog)
        #expect(r.typesRead == 2)
        #expect(c.types.count == 1392)
        let p9 = try #require(c["p9.48xlarge"])
        #expect(p9.eniLimit == 2 && p9.networkCards == [2, 2])
        #expect(MaxPods(type: p9, options: MaxPodsOptions()).maxPodsAllowed == 100)
        // EC2 does not report trunking; the built-in row's value is kept.
        #expect(c["m5.large"]?.branchENIs == 9)
        #expect(c["m5.large"].map { MaxPods(type: $0, options: MaxPodsOptions()).maxPodsAllowed } == 29)
    }

    @Test func badCatalogsAreLocated() throws {
        let missing = InstanceCatalogLoader.load(text: #"{"InstanceTypes": [{"InstanceType": "x1.big", "NetworkInfo": {"Ipv4AddressesPerInterface": 4}}]}"#,
                                                 file: "t.json", over: .builtin)
        #expect(missing.catalog == nil)
        #expect(missing.diagnostics.contains { $0.code == .missingKey && $0.message.contains("MaximumNetworkInterfaces") })
        let tsv = InstanceCatalogLoader.load(text: "m9.large\t3\n", file: "t.tsv", over: .builtin)
        #expect(tsv.catalog == nil)
        #expect(tsv.diagnostics.first?.code == .invalidCatalog && tsv.diagnostics.first?.location.line == 1)
        let syntax = InstanceCatalogLoader.load(text: "{\"InstanceTypes\": [", file: "t.json", over: .builtin)
        #expect(syntax.catalog == nil && syntax.diagnostics.first?.code == .yamlSyntax)
    }
}
