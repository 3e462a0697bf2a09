import Foundation
import NetsimIPAM
import NetsimModel
import NetsimRender
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
