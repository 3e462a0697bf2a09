import Foundation
import NetsimIPAM
import NetsimModel
import NetsimRender
import NetsimTestSupport
import NetsimTopology
import Testing

/// `netsim simulate --events` JSON (schemaVersion 1, key `ipamdEvents`): a reviewed golden, and
/// every key it holds documented in Docs/cli.md's field table.
@Suite(.serialized) struct SimulateEventsGoldenTests {
    init() { Repo.enterRoot() }

    func result() throws -> SimulationResult {
        let t = try #require(loader.load(path: "Tests/NetsimTopologyTests/Fixtures/simulate-events.yaml").validTopology)
        let s = Scenario(name: "events", duration: 600, events: [
            .init(at: 0, action: .scaleNodes(group: "general", count: 1)),
            .init(at: 120, action: .addPods(count: 11)),
            .init(at: 360, action: .deletePods(count: 11)),
        ], fromEmpty: true)
        var sim = Simulator(topology: t, catalog: .builtin, scenario: s, events: "general")
        return sim.run()
    }

    @Test func jsonMatchesGolden() throws {
        let json = SimulationRenderer.render(try result(), as: .json, color: false)
        try Golden.assert(json, matches: "Tests/NetsimTopologyTests/Fixtures/golden/simulate-events.json")
        #expect(json == SimulationRenderer.render(try result(), as: .json, color: false), "deterministic")
    }

    @Test func textMatchesGolden() throws {
        let text = SimulationRenderer.render(try result(), as: .text, color: false)
        try Golden.assert(text, matches: "Tests/NetsimTopologyTests/Fixtures/golden/simulate-events.txt")
    }

    /// The field table of Docs/cli.md names every key of the `ipamdEvents` object.
    @Test func everyKeyIsDocumented() throws {
        let json = SimulationRenderer.render(try result(), as: .json, color: false)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let events = try #require(root["ipamdEvents"] as? [String: Any])
        var keys = Set(events.keys)
        let decisions = try #require(events["decisions"] as? [[String: Any]])
        #expect(decisions.count >= 5)
        for d in decisions {
            keys.formUnion(d.keys.map { "decisions[]." + $0 })
            for k in (d["pool"] as? [String: Any] ?? [:]).keys { keys.insert("pool." + k) }
            for c in d["ec2Calls"] as? [[String: Any]] ?? [] { keys.formUnion(c.keys.map { "ec2Calls[]." + $0 }) }
        }
        let doc = try Repo.read("Docs/cli.md")
        for k in keys.sorted() { #expect(doc.contains("`\(k)`"), "Docs/cli.md does not document ipamdEvents key \(k)") }
    }
}

/// The simulate summary does not say "none" waited while pods are still waiting (review of
/// issue 12), and groups the node figures' digits as it does the pod figures.
@Suite struct SimulateSummaryTests {
    static let sip27 = """
    apiVersion: netsim/v1
    kind: Topology
    name: sip27
    region: us-east-1
    seed: 7
    vpc:
      name: v
      cidrBlocks: [10.0.0.0/16]
      subnets:
        - {name: a, zone: us-east-1a, cidr: 10.0.0.0/27, routeTable: rt}
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
      nodeGroups:
        - name: g
          instanceType: m5.large
          count: 2
          subnets: [a]
          securityGroups: [nodes]
          maxPods: 29

    """

    @Test func podsStillWaitingAreNotNone() throws {
        let t = try #require(TopologyLoader(catalog: .builtin).load(text: Self.sip27, file: "sip27.yaml").validTopology)
        let s = Scenario(name: "s", duration: 480, events: [.init(at: 0, action: .scaleNodes(group: "g", count: 3)),
                                                           .init(at: 120, action: .addPods(count: 20))])
        var sim = Simulator(topology: t, catalog: .builtin, scenario: s)
        let r = sim.run()
        #expect(r.stillWaiting > 0)
        let text = SimulationRenderer.render(r, as: .text, color: false)
        #expect(!text.contains("none: every pod found an address"))
        #expect(text.contains("still waiting at the end"))
    }

    @Test func nodeFiguresAreGrouped() throws {
        let t = try #require(TopologyLoader(catalog: .builtin).load(text: Self.sip27, file: "sip27.yaml").validTopology)
        var r = try { var sim = Simulator(topology: t, catalog: .builtin, scenario: Scenario(name: "s", duration: 60)); return sim.run() }()
        r.nodesAdded = 74997; r.nodesRemoved = 75000
        let text = SimulationRenderer.render(r, as: .text, color: false)
        #expect(text.contains("74,997 added, 75,000 removed"))
    }
}
