import Foundation
import NetsimTestSupport
import XCTest

/// `netsim replay FILE --flow-logs LOG` with real inputs: flow logs written by
/// `scripts/flowlogs-from-capture.py` from the captures `netsim trace --pcap` writes for shipped
/// topologies (records for each ENI each packet crossed, ACCEPT or REJECT as the trace says), the
/// records of the Amazon VPC User Guide's "Flow log record examples" page against a topology with
/// those interfaces, and bad input of every kind.
final class FlowLogReplayCLITests: XCTestCase {
    static let docs = "Tests/Goldens/flow-logs/aws-docs.yaml"
    static let logs = "Tests/Goldens/flow-logs"
    var dir: URL!

    override func setUpWithError() throws { dir = try Scratch.makeDirectory(prefix: "netsim-flowlogs") }
    override func tearDownWithError() throws { Scratch.remove(dir) }

    func json(_ r: ProcessResult) throws -> [String: Any] {
        let o = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        return try XCTUnwrap(o, "not JSON: \(r.out.prefix(300)) \(r.err)")
    }
    func groups(_ j: [String: Any]) -> [[String: Any]] { j["groups"] as? [[String: Any]] ?? [] }
    func counts(_ j: [String: Any]) -> [String: Int] { j["records"] as? [String: Int] ?? [:] }

    /// The `trace` flows of Tests/Goldens/cases.txt for one topology, as lines of arguments.
    static func flows(of topology: String) throws -> String {
        let text = try Repo.read("Tests/Goldens/cases.txt")
        var out: [String] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let w = line.split(separator: " ").map(String.init)
            guard w.count > 3, w[1] == "trace", w[2] == topology, !w.contains("--format"), !w.contains("--all-paths"), !line.contains("'") else { continue }
            out.append(w.dropFirst(3).filter { $0 != "--handshake" }.joined(separator: " "))
        }
        return out.joined(separator: "\n") + "\n"
    }

    func generate(_ topology: String, style: String, gzip: Bool = false) throws -> String {
        let flows = dir.appendingPathComponent(UUID().uuidString + ".flows")
        try Self.flows(of: topology).write(to: flows, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent(UUID().uuidString + (gzip ? ".log.gz" : ".log")).path
        var args = [Repo.path("scripts/flowlogs-from-capture.py"), Netsim.binary.path, topology, flows.path, out, "--style", style]
        if gzip { args.append("--gzip") }
        let r = Subprocess.run("/usr/bin/env", ["python3"] + args, cwd: Repo.root)
        XCTAssertEqual(r.status, 0, r.err)
        return out
    }

    /// Records made from the model's own captures, in the three documented shapes, agree with the
    /// model at every interface, and every one is judged.
    func testLogsFromCapturesAgreeOnShippedTopologies() throws {
        let cases: [(String, String, Bool)] = [
            ("Topologies/quickstart.yaml", "s3", true),
            ("Topologies/quickstart.yaml", "cloudwatch", false),
            ("Topologies/middlebox-inspection.yaml", "s3-v5", false),
            ("Topologies/private-cluster-endpoints.yaml", "s3", false),
            ("Topologies/multi-tenant-network-policies.yaml", "s3-v5", true),
            ("Topologies/locked-down-database-nacl.yaml", "s3", false),
            ("Topologies/security-groups-for-pods.yaml", "cloudwatch", false),
        ]
        for (topology, style, gz) in cases {
            let log = try generate(topology, style: style, gzip: gz)
            let r = try Netsim.run(["replay", topology, "--flow-logs", log, "--format", "json"])
            XCTAssertEqual(r.status, 0, "\(topology) \(style): \(r.out.prefix(2000)) \(r.err)")
            let j = try json(r)
            let c = counts(j)
            XCTAssertGreaterThan(c["read"] ?? 0, 0, topology)
            XCTAssertEqual(c["judged"], c["read"], "\(topology) \(style): every record is judged")
            XCTAssertEqual(c["disagree"], 0, topology)
            XCTAssertEqual(j["gzip"] as? Bool, gz)
            // Some records are REJECT (the shipped topologies block flows on purpose) and agree.
            if topology.contains("locked-down") || topology.contains("private-cluster") {
                XCTAssertTrue(groups(j).contains { $0["log"] as? String == "REJECT" && $0["agreement"] as? String == "agrees" }, topology)
            }
        }
    }

    /// A flipped action is found, with the rule that decides it.
    func testDriftIsReportedWithTheDecidingRule() throws {
        let r = try Netsim.run(["replay", "Topologies/quickstart.yaml", "--flow-logs", "\(Self.logs)/quickstart-drift.log", "--format", "json"])
        XCTAssertEqual(r.status, 1, r.err)
        let j = try json(r)
        XCTAssertEqual(j["disagreements"] as? Int, 2)
        let d = groups(j).filter { ($0["agreement"] as? String) != "agrees" && ($0["agreement"] as? String) != "not-judged" }
        XCTAssertEqual(Set(d.compactMap { $0["agreement"] as? String }), ["model-accepts-log-rejects", "model-rejects-log-accepts"])
        for g in d { XCTAssertTrue((g["location"] as? String ?? "").hasPrefix("Topologies/quickstart.yaml:"), "\(g)") }
        // The reply of the request the log now rejects: allowed only as a reply, and the log holds
        // no accepted request, so it is listed as not judged rather than agreed.
        XCTAssertEqual(j["notJudged"] as? [String: Int], ["reply-without-request": 1])
    }

    /// The examples of the VPC User Guide's "Flow log record examples" page, hand-checked:
    /// SSH accepted, RDP rejected by the security group, NODATA and SKIPDATA counted, and the
    /// ping whose reply the network ACL drops (ACCEPT in, REJECT out) — and, when the log shows
    /// two ACCEPTs (the page: "if your network ACL permits outbound ICMP traffic"), the model,
    /// whose ACL does not, disagrees on the reply and names the ACL.
    func testAWSDocsExamples() throws {
        let r = try Netsim.run(["replay", Self.docs, "--flow-logs", "\(Self.logs)/aws-docs.log", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        let j = try json(r)
        XCTAssertEqual(counts(j)["noData"], 1)
        XCTAssertEqual(counts(j)["skipData"], 1)
        XCTAssertEqual(j["notJudged"] as? [String: Int], ["not-the-interfaces-address": 1])
        let byLine = Dictionary(uniqueKeysWithValues: groups(j).map { ($0["firstLine"] as? Int ?? 0, $0) })
        XCTAssertEqual(byLine[2]?["model"] as? String, "ACCEPT")
        XCTAssertEqual(byLine[2]?["interfaceMatch"] as? String, "id")
        XCTAssertEqual(byLine[3]?["agreement"] as? String, "not-judged")   // the page reuses the ENI ID for 172.31.9.12
        XCTAssertEqual(byLine[4]?["model"] as? String, "REJECT")
        XCTAssertEqual(byLine[4]?["location"] as? String, "\(Self.docs):38:7")
        XCTAssertEqual(byLine[7]?["model"] as? String, "ACCEPT")
        XCTAssertEqual(byLine[8]?["model"] as? String, "REJECT")
        XCTAssertTrue((byLine[8]?["deciding"] as? String ?? "").hasPrefix("SUBNET_ACL_RESTRICTION"), "the reply is dropped by the network ACL, not the group")

        let two = try Netsim.run(["replay", Self.docs, "--flow-logs", "\(Self.logs)/aws-docs-two-accepts.log", "--format", "json"])
        XCTAssertEqual(two.status, 1)
        let t = try json(two)
        let bad = groups(t).filter { $0["agreement"] as? String == "model-rejects-log-accepts" }
        XCTAssertEqual(bad.count, 1)
        XCTAssertEqual(bad.first?["firstLine"] as? Int, 3)
        XCTAssertEqual(bad.first?["location"] as? String, "\(Self.docs):31:7")
    }

    /// Bad input: located (FILE:LINE:COL of the log), a stable code, a fix, exit 2, nothing on
    /// standard output.
    func testBadInputIsLocated() throws {
        let cases: [(String, String)] = [
            ("bad/unknown-field.log", ":1:116: error[NS1553]"),
            ("bad/missing-fields.log", ":1:1: error[NS1554]"),
            ("bad/negative-port.log", ":2:65: error[NS1557]"),
            ("bad/huge-bytes.log", ":3:79: error[NS1557]"),
            ("bad/mixed-versions.log", ":3:1: error[NS1558]"),
            ("bad/mixed-formats.log", ":3:1: error[NS1559]"),
            ("bad/field-count.log", ":2:94: error[NS1556]"),
            ("bad/custom-no-header.log", ":1:1: error[NS1560]"),
            ("bad/parquet.log", ":1:5: error[NS1561]"),
            ("bad/bad-action.log", ":2:106: error[NS1557]"),
            ("bad/truncated.log.gz", "error[NS1552]"),
        ]
        for (file, expected) in cases {
            let r = try Netsim.run(["replay", Self.docs, "--flow-logs", "\(Self.logs)/\(file)"])
            XCTAssertEqual(r.status, 2, file)
            XCTAssertTrue(r.err.contains(expected), "\(file): \(r.err)")
            XCTAssertTrue(r.err.contains("hint:") || expected == "error[NS1552]", "\(file) says what to do")
            XCTAssertEqual(r.out, "", file)
        }
        // 2^63−1 is a count AWS can write (int64); one more is not.
        let ok = try Netsim.run(["replay", Self.docs, "--flow-logs", "-"], stdin: Data(try Repo.read("\(Self.logs)/bad/huge-bytes.log").split(separator: "\n").prefix(2).joined(separator: "\n").utf8))
        XCTAssertEqual(ok.status, 0, ok.err)
        // A megabyte line, a missing file, a folder, a device.
        let big = dir.appendingPathComponent("big.log").path
        try Data(("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n" + String(repeating: "x", count: 1 << 20) + "\n").utf8).write(to: URL(fileURLWithPath: big))
        let b = try Netsim.run(["replay", Self.docs, "--flow-logs", big])
        XCTAssertEqual(b.status, 2)
        XCTAssertTrue(b.err.contains(":2:1: error[NS1561]"), b.err)
        for (path, code) in [(dir.appendingPathComponent("missing.log").path, "NS1551"), (dir.path, "NS1551"), ("/dev/zero", "NS1551")] {
            let m = try Netsim.run(["replay", Self.docs, "--flow-logs", path], timeout: 20)
            XCTAssertEqual(m.status, 2, path)
            XCTAssertTrue(m.err.contains("error[\(code)]"), "\(path): \(m.err)")
        }
        // An unknown field in --flow-log-format, with the nearest name.
        let f = try Netsim.run(["replay", Self.docs, "--flow-logs", "\(Self.logs)/aws-docs.log", "--flow-log-format", "version srcadr"])
        XCTAssertEqual(f.status, 2)
        XCTAssertTrue(f.err.contains("error[NS1553]") && f.err.contains("'srcaddr'"), f.err)
    }

    /// Nothing half-written: a bad log leaves the output as it was; the log cannot be its own
    /// output; usage errors exit 64 before anything is read.
    func testOutputsAndUsage() throws {
        let out = dir.appendingPathComponent("report.txt").path
        try Data("before\n".utf8).write(to: URL(fileURLWithPath: out))
        let bad = try Netsim.run(["replay", Self.docs, "--flow-logs", "\(Self.logs)/bad/truncated.log.gz", "-o", out])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "before\n")
        let good = try Netsim.run(["replay", Self.docs, "--flow-logs", "\(Self.logs)/aws-docs.log", "-o", out])
        XCTAssertEqual(good.status, 0, good.err)
        XCTAssertTrue(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("replay flow logs"))

        let log = dir.appendingPathComponent("own.log").path
        try FileManager.default.copyItem(atPath: Repo.path("\(Self.logs)/aws-docs.log"), toPath: log)
        let own = try Netsim.run(["replay", Self.docs, "--flow-logs", log, "-o", log])
        XCTAssertEqual(own.status, 2)
        XCTAssertTrue(own.err.contains("netsim never writes its inputs"), own.err)
        XCTAssertEqual(try String(contentsOfFile: log, encoding: .utf8), try Repo.read("\(Self.logs)/aws-docs.log"))

        for args in [["replay", Self.docs, "x.pcap", "--flow-logs", log], ["replay", Self.docs, "x.pcap", "--flow-log-format", "srcaddr"], ["replay", Self.docs]] {
            let u = try Netsim.run(args)
            XCTAssertEqual(u.status, 64, "\(args): \(u.err)")
        }
        let both = try Netsim.run(["replay", "-", "--flow-logs", "-"], stdin: Data())
        XCTAssertEqual(both.status, 2)
    }

    /// Standard input, a FIFO, and gzip members concatenated (as `cat a.gz b.gz` makes them) read
    /// as zcat reads them.
    func testStdinFIFOAndConcatenatedGzip() throws {
        let text = try Repo.read("\(Self.logs)/quickstart-s3.log")
        let s = try Netsim.run(["replay", "Topologies/quickstart.yaml", "--flow-logs", "-", "--format", "json"], stdin: Data(text.utf8))
        XCTAssertEqual(s.status, 0, s.err)
        XCTAssertEqual(try json(s)["flowLogs"] as? String, "<stdin>")

        let fifo = dir.appendingPathComponent("log.fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let writer = Thread {
            if let h = FileHandle(forWritingAtPath: fifo) { h.write(Data(text.utf8)); try? h.close() }
        }
        writer.start()
        let f = try Netsim.run(["replay", "Topologies/quickstart.yaml", "--flow-logs", fifo, "--format", "json"], timeout: 60)
        XCTAssertEqual(f.status, 0, f.err)
        XCTAssertEqual(counts(try json(f))["read"], counts(try json(s))["read"])

        let gz = try Data(contentsOf: Repo.url("\(Self.logs)/quickstart-s3.log.gz"))
        let twice = dir.appendingPathComponent("twice.log.gz")
        try (gz + gz).write(to: twice)
        let t = try Netsim.run(["replay", "Topologies/quickstart.yaml", "--flow-logs", twice.path, "--format", "json"])
        XCTAssertEqual(t.status, 0, t.err)
        let c = counts(try json(t))
        XCTAssertEqual(c["read"], 2 * (counts(try json(s))["read"] ?? 0))
        XCTAssertEqual(try json(t)["headerLines"] as? Int, 2)
    }

    /// The JSON reports validate against Docs/flow-logs.schema.json, and the schema refuses
    /// broken copies (Tests/schema/validate_flow_logs.py).
    func testJSONMatchesItsSchema() throws {
        let r = Subprocess.run("/usr/bin/env", ["python3", "Tests/schema/validate_flow_logs.py"], cwd: Repo.root)
        if r.err.contains("No module named 'jsonschema'") { throw XCTSkip("jsonschema is not installed (make deps installs it)") }
        XCTAssertEqual(r.status, 0, r.out + r.err)
    }
}
