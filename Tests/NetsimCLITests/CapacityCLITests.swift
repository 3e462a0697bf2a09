import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import NetsimTestSupport
import XCTest

/// `netsim capacity` and `netsim simulate` as a user runs them.
final class CapacityCLITests: XCTestCase {
    enum cli {
        static func netsim(_ args: [String]) throws -> ProcessResult { try Netsim.run(args) }
    }

    func tempDir() throws -> URL {
        let dir = try Scratch.makeDirectory(prefix: "netsim-cap")
        addTeardownBlock { Scratch.remove(dir) }
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

    /// Item 27: `--events NODE` in text and JSON; a selector that matches no node is exit 2 with
    /// nothing written.
    func testSimulateEvents() throws {
        let args = ["simulate", "Topologies/quickstart.yaml", "--from-empty", "--scale", "general=1", "--pods", "12@2m", "--duration", "6m",
                    "--events", "general"]
        let text = try cli.netsim(args)
        XCTAssertEqual(text.status, 0, text.err)
        XCTAssertTrue(text.out.contains("ipamd on ip-"), text.out)
        XCTAssertTrue(text.out.contains("too-low: available 0 < WARM_ENI_TARGET 1 × 9 IPs per ENI = 9"), text.out)
        XCTAssertTrue(text.out.contains("EC2 CreateNetworkInterface an ENI with 9 secondary IPs in private-"), text.out)
        let json = try cli.netsim(args + ["--format", "json"])
        let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        let events = try XCTUnwrap(obj["ipamdEvents"] as? [String: Any])
        XCTAssertEqual(events["nodeGroup"] as? String, "general")
        XCTAssertFalse((events["decisions"] as? [Any] ?? []).isEmpty)
        let plain = try cli.netsim(Array(args.dropLast(2)) + ["--format", "json"])
        XCTAssertFalse(plain.out.contains("ipamdEvents"))
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("t.csv").path
        let none = try cli.netsim(Array(args.dropLast()) + ["ip-10-0-0-9.ec2.internal", "--csv", csv])
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.err.contains("matched no node"), none.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: csv))
        XCTAssertEqual(try cli.netsim(Array(args.dropLast()) + ["generl/0"]).status, 2)
    }

    /// Items 15a and 15e as a user meets them: huge numbers never trap.
    func testHugeNumbersNeverTrap() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let quick = try String(contentsOf: Repo.root.appendingPathComponent("Topologies/quickstart.yaml"), encoding: .utf8)
        let huge = quick.replacingOccurrences(of: "  cni: {}", with: "  cni: {WARM_IP_TARGET: \"9223372036854775807\", WARM_ENI_TARGET: \"9223372036854775807\"}")
        XCTAssertNotEqual(huge, quick)
        // Beside the example, so its manifest globs resolve; removed afterwards.
        let local = "Topologies/.huge-\(UUID().uuidString).yaml"
        let url = Repo.root.appendingPathComponent(local)
        try huge.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let check = try cli.netsim(["check", local])
        XCTAssertEqual(check.status, 0, check.out + check.err)
        XCTAssertTrue(check.out.contains("NS0804") && check.out.contains("more than any node can hold"), check.out)
        XCTAssertEqual(try cli.netsim(["capacity", local, "--no-what-ifs"]).status, 0)
        let sim = try cli.netsim(["simulate", local, "--duration", "2m", "--pods", "30@1m"])
        XCTAssertTrue(sim.status == 0 || sim.status == 1, sim.err)
        let lat = try cli.netsim(["simulate", "Topologies/quickstart.yaml", "--eni-attach-latency", "106751991167301d"])
        XCTAssertEqual(lat.status, 2)
        XCTAssertTrue(lat.err.contains("NS1003"), lat.err)
        let catalog = dir.appendingPathComponent("cat.tsv").path
        try "x1.big\t3\t4294967296\t0\t0:3\tnitro\tfalse\n".write(toFile: catalog, atomically: true, encoding: .utf8)
        let cat = try cli.netsim(["capacity", "--instance-type", "x1.big", "--instance-catalog", catalog])
        XCTAssertEqual(cat.status, 2)
        XCTAssertTrue(cat.err.contains("NS0808") && cat.err.contains("cat.tsv:1:1"), cat.err)
    }
}
