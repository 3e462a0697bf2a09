import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// `netsim capacity` and `netsim simulate` as a user runs them.
final class CapacityCLITests: XCTestCase {
    enum cli {
        static func netsim(_ args: [String]) throws -> CLITests.Run { try CLITests.netsim(args) }
    }

    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netsim-cap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func testOneInstanceTypeAsJSON() throws {
        let r = try cli.netsim(["capacity", "--instance-type", "m5.large", "--prefix-delegation", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.err)
        let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        XCTAssertEqual(obj["instanceType"] as? String, "m5.large")
        XCTAssertEqual(obj["maxPodsRecommended"] as? Int, 110)
        XCTAssertEqual(obj["maxPodsAllowed"] as? Int, 434)
        XCTAssertEqual(obj["ipCapacity"] as? Int, 432)
        XCTAssertEqual(obj["enis"] as? Int, 3)
        XCTAssertEqual(obj["ipsPerEni"] as? Int, 144)
    }

    func testUnknownTypeSuggestsNearest() throws {
        let r = try cli.netsim(["capacity", "--instance-type", "m5.lrge"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("NS0802") && r.err.contains("'m5.large'"), r.err)
        XCTAssertEqual(r.out, "")
    }

    func testAllInstanceTypesInEveryFormat() throws {
        let csv = try cli.netsim(["capacity", "--all-instance-types", "--format", "csv", "--custom-networking"])
        XCTAssertEqual(csv.status, 0)
        let lines = csv.out.split(separator: "\n")
        XCTAssertEqual(lines.count, 1392)
        XCTAssertTrue(lines.contains { $0.hasPrefix("m5.large,20,20,18,") }, "custom networking: one ENI fewer")
        let json = try cli.netsim(["capacity", "--all-instance-types", "--format", "json"])
        let list = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [[String: Any]])
        XCTAssertEqual(list.count, 1391)
        let text = try cli.netsim(["capacity", "--all-instance-types"])
        XCTAssertTrue(text.out.hasPrefix("TYPE"))
    }

    func testUsage() throws {
        XCTAssertEqual(try cli.netsim(["capacity"]).status, 64)
        XCTAssertEqual(try cli.netsim(["capacity", "Topologies/quickstart.yaml", "--instance-type", "m5.large"]).status, 64)
        XCTAssertEqual(try cli.netsim(["capacity", "--instance-type", "m5.large", "--scale", "a=1"]).status, 64)
    }

    func testClusterCapacity() throws {
        let r = try cli.netsim(["capacity", "Topologies/quickstart.yaml", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.err)
        let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        XCTAssertEqual(obj["schemaVersion"] as? Int, 1)
        let subnets = try XCTUnwrap(obj["subnets"] as? [[String: Any]])
        XCTAssertTrue(subnets.contains { $0["name"] as? String == "private-a" && ($0["warmIps"] as? Int ?? 0) > 0 })
        let text = try cli.netsim(["capacity", "Topologies/quickstart.yaml"])
        XCTAssertTrue(text.out.contains("WARM_IP_TARGET=5 frees"), text.out)
        // Too many pods for the nodes: exit 1, the stranded pods listed.
        let full = try cli.netsim(["capacity", "Topologies/quickstart.yaml", "--pods", "200", "--no-what-ifs"])
        XCTAssertEqual(full.status, 1)
        XCTAssertTrue(full.out.contains("Pods that cannot be scheduled"))
        let typo = try cli.netsim(["capacity", "Topologies/quickstart.yaml", "--scale", "genral=4"])
        XCTAssertEqual(typo.status, 2)
        XCTAssertTrue(typo.err.contains("did you mean 'general'"), typo.err)
        let broken = try cli.netsim(["capacity", "Topologies/broken/unknown-instance-type.yaml"])
        XCTAssertEqual(broken.status, 2)
        XCTAssertTrue(broken.err.contains("Topologies/broken/unknown-instance-type.yaml:"), broken.err)
    }

    func testInstanceCatalogFile() throws {
        let fixture = "Tests/NetsimTopologyTests/Fixtures/describe-instance-types.json"
        let r = try cli.netsim(["capacity", "--instance-catalog", fixture, "--instance-type", "p9.48xlarge", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("\"maxPodsAllowed\" : 100"), r.out)
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.tsv").path
        try "m9.large\tthree\t10\t0\t0:3\tnitro\tfalse\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let e = try cli.netsim(["capacity", "--instance-catalog", bad, "--instance-type", "m5.large"])
        XCTAssertEqual(e.status, 2)
        XCTAssertTrue(e.err.contains("bad.tsv:1:1: error[NS0808]"), e.err)
    }

    func testSimulateWritesTimelineAndChart() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("t.csv").path, svg = dir.appendingPathComponent("t.svg").path
        let r = try cli.netsim(["simulate", "Topologies/quickstart.yaml", "--duration", "10m", "--pods", "60@1m", "--churn", "20%",
                                "--csv", csv, "--svg", svg, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.err)
        let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let pods = try XCTUnwrap(obj["pods"] as? [String: Any])
        XCTAssertGreaterThan(pods["waitedForIp"] as? Int ?? 0, 0)
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.count, 1 + 121)
        XCTAssertTrue(rows[0].hasPrefix("time_s,nodes,"))
        let chart = try Data(contentsOf: URL(fileURLWithPath: svg))
        let parser = XMLParser(data: chart)
        XCTAssertTrue(parser.parse(), "the SVG is well-formed XML")
        // Same seed, same bytes.
        let again = try cli.netsim(["simulate", "Topologies/quickstart.yaml", "--duration", "10m", "--pods", "60@1m", "--churn", "20%", "--format", "json"])
        XCTAssertEqual(again.out, r.out)
    }

    func testSimulateBadScenario() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = dir.appendingPathComponent("s.yaml").path
        try "apiVersion: netsim/v1\nkind: Scenario\nevents:\n  - {at: 5m, addPods: {count: 1}}\n  - {at: 1m, addPods: {count: 1}}\n"
            .write(toFile: s, atomically: true, encoding: .utf8)
        let csv = dir.appendingPathComponent("t.csv").path
        let r = try cli.netsim(["simulate", "Topologies/quickstart.yaml", "--scenario", s, "--csv", csv])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("s.yaml:5:10: error[NS1001]"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: csv), "no output file on invalid input")
        XCTAssertEqual(try cli.netsim(["simulate", "Topologies/quickstart.yaml", "--duration", "soon"]).status, 2)
        XCTAssertEqual(try cli.netsim(["simulate", "Topologies/quickstart.yaml", "--rollout", "deployment:shop/kart"]).status, 2)
    }
}
