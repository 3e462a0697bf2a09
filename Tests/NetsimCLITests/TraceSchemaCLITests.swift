import Foundation
import NetsimTestSupport
import XCTest

/// Trace JSON v2 and its schema: `netsim schema --trace` prints Docs/trace.schema.json, every
/// trace golden and a set of live traces validate against it with Python's jsonschema, and the
/// schema refuses broken traces (negative checks in Tests/schema/validate_traces.py).
final class TraceSchemaCLITests: XCTestCase {
    static let answers = "Tests/NetsimFlowTests/Fixtures/alb-answers.yaml"
    static let lab = "Tests/NetsimFlowTests/Fixtures/lb-lab.yaml"
    static let datapath = "Tests/NetsimFlowTests/Fixtures/datapath-lab.yaml"
    static let q = "Topologies/quickstart.yaml"

    /// python3 as the PATH finds it (where `make deps` pip-installed jsonschema).
    static var python: String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func validate(_ files: [String]) throws -> ProcessResult {
        let python = try XCTUnwrap(Self.python)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["Tests/schema/validate_traces.py"] + files
        p.currentDirectoryURL = Repo.root
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return ProcessResult(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    func testSchemaTracePrintsTheTraceSchema() throws {
        let r = try Netsim.run(["schema", "--trace"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, try String(contentsOf: Repo.root.appendingPathComponent("Docs/trace.schema.json"), encoding: .utf8))
        // Without the flag, the topology schema as before.
        XCTAssertEqual(try Netsim.run(["schema"]).out,
                       try String(contentsOf: Repo.root.appendingPathComponent("Docs/topology.schema.json"), encoding: .utf8))
    }

    /// Every `*-json` trace golden validates, and the negative checks refuse every broken copy.
    func testTraceGoldensValidateAgainstTheSchema() throws {
        try XCTSkipIf(Self.python == nil, "python3 is not installed")
        let r = try validate([])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        let summary = try XCTUnwrap(r.out.split(separator: "\n").last.map(String.init))
        XCTAssertTrue(summary.hasPrefix("passed: "), summary)
        // 72 trace goldens, one of them a failed command without JSON; dozens of negative checks.
        let numbers = summary.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        XCTAssertGreaterThanOrEqual(numbers.first ?? 0, 70, summary)
        XCTAssertGreaterThanOrEqual(numbers.count >= 4 ? numbers[3] : 0, 30, "negative checks: \(summary)")
        XCTAssertTrue(r.out.contains("refused as expected: step of an unknown kind"), r.out)
        XCTAssertTrue(r.out.contains("refused as expected: step without its text"), r.out)
    }

    /// Traces the goldens do not hold: --all-paths, kube-proxy's REJECT, the control plane not
    /// modelled, an NLB, ICMP and another protocol, an ALB's 418 and 302.
    func testLiveTracesValidateAgainstTheSchema() throws {
        try XCTSkipIf(Self.python == nil, "python3 is not installed")
        let flows: [[String]] = [
            ["trace", Self.q, "--from", "deployment:shop/frontend", "--to", "service:shop/cart", "--port", "80", "--all-paths"],
            ["trace", Self.q, "--from", "deployment:shop/cart", "--to", "service:default/kubernetes", "--port", "443"],
            ["trace", Self.q, "--from", "deployment:shop/cart", "--to", "external:orders-db", "--protocol", "icmp"],
            ["trace", Self.q, "--from", "deployment:shop/cart", "--to", "external:orders-db", "--protocol", "47"],
            ["trace", Self.q, "--from", "deployment:shop/cart", "--to", "external:orders-db", "--port", "5432", "--source-port", "800"],
            ["trace", Self.datapath, "--from", "deployment:lab/client", "--to", "service:lab/ghost", "--port", "80"],
            ["trace", Self.lab, "--from", "internet", "--to", "service:lab/nlb-ip-tcp-preserve", "--port", "80"],
            ["trace", Self.lab, "--from", "internet", "--to", "service:lab/nlb-instance-local", "--port", "80", "--all-paths"],
            ["trace", Self.lab, "--from", "internet", "--to", "service:lab/nlb-zone-b", "--port", "81"],
            ["trace", Self.answers, "--from", "internet", "--to", "ingress:answers/shop", "--port", "80", "--path", "/teapot"],
            ["trace", Self.answers, "--from", "internet", "--to", "ingress:answers/shop", "--port", "80", "--path", "/old/items?id=7"],
            // IPv6 ends: NOT_MODELLED, with IPv6 addresses in the flow and the packet.
            ["trace", Self.q, "--from", "deployment:shop/cart", "--to", "ip:2001:db8::1", "--port", "443"],
        ]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netsim-trace-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var files: [String] = []
        for (k, args) in flows.enumerated() {
            let r = try Netsim.run(args + ["--format", "json"])
            XCTAssertTrue([0, 1, 3].contains(r.status), "\(args): \(r.err)")
            let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], "\(args)")
            XCTAssertEqual(doc["schemaVersion"] as? Int, 2)
            let file = dir.appendingPathComponent("t\(k).json").path
            try r.out.write(toFile: file, atomically: true, encoding: .utf8)
            files.append(file)
        }
        let r = try validate(files)
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertTrue(r.out.contains("\(flows.count) documents valid"), r.out)
    }

    /// The typed fields a reader needs without parsing the sentence: the fixed response's
    /// status, the redirect's status and Location, the explanation's code and reason.
    func testStepsAndExplanationsAreTyped() throws {
        let teapot = try Netsim.run(["trace", Self.answers, "--from", "internet", "--to", "ingress:answers/shop", "--port", "80", "--path", "/teapot", "--format", "json"])
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(teapot.out.utf8)) as? [String: Any])
        let steps = (doc["hops"] as? [[String: Any]] ?? []).flatMap { $0["steps"] as? [[String: Any]] ?? [] }
        let fixed = try XCTUnwrap(steps.first { $0["kind"] as? String == "fixedResponse" })
        let response = try XCTUnwrap(fixed["response"] as? [String: Any])
        XCTAssertEqual(response["status"] as? Int, 418)
        XCTAssertEqual(response["contentType"] as? String, "application/json")
        XCTAssertEqual(response["body"] as? String, #"{"tea":"earl grey"}"#)
        XCTAssertEqual(fixed["action"] as? String, "DENIED")
        XCTAssertTrue((fixed["text"] as? String ?? "").contains("answers 418"))
        let rule = try XCTUnwrap(steps.first { $0["kind"] as? String == "listenerRule" })
        XCTAssertEqual((rule["request"] as? [String: Any])?["path"] as? String, "/teapot")
        XCTAssertNotNil(rule["location"] as? [String: Any])
        let e = try XCTUnwrap((doc["explanations"] as? [[String: Any]])?.first)
        XCTAssertEqual(e["code"] as? String, "ELBV2_FIXED_RESPONSE")
        XCTAssertEqual((e["reason"] as? [String: Any])?["kind"] as? String, "fixedResponse")
        let hop = try XCTUnwrap((doc["hops"] as? [[String: Any]])?.first)
        XCTAssertEqual((hop["place"] as? [String: Any])?["kind"] as? String, "internet")
        XCTAssertNotNil(hop["label"] as? String)

        let moved = try Netsim.run(["trace", Self.answers, "--from", "internet", "--to", "ingress:answers/shop", "--port", "80", "--path", "/old/items?id=7", "--format", "json"])
        let m = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(moved.out.utf8)) as? [String: Any])
        let redirect = try XCTUnwrap(((m["hops"] as? [[String: Any]] ?? []).flatMap { $0["steps"] as? [[String: Any]] ?? [] }).first { $0["kind"] as? String == "redirect" })
        XCTAssertEqual((redirect["response"] as? [String: Any])?["status"] as? Int, 302)
        // The Location resolved from the request (what the capture writes), and the template as written.
        XCTAssertEqual((redirect["response"] as? [String: Any])?["location"] as? String, "http://new.example.com:80/v2/old/items?id=7&from=old")
        XCTAssertEqual((redirect["response"] as? [String: Any])?["locationTemplate"] as? String, "#{protocol}://new.example.com:#{port}/v2/#{path}?#{query}&from=old")
        XCTAssertNotNil(redirect["location"] as? [String: Any])

        // The verdict line says what the ALB did, not that the flow was blocked.
        let text = try Netsim.run(["trace", Self.answers, "--from", "internet", "--to", "ingress:answers/shop", "--port", "80", "--path", "/old/items?id=7"])
        XCTAssertEqual(text.status, 1, text.err)
        XCTAssertTrue(text.out.contains("FIXED_RESPONSE: the ALB answers the client itself (302 → http://new.example.com:80/v2/old/items?id=7&from=old); nothing reaches a target"), text.out)
        XCTAssertFalse(text.out.contains("blocked"), text.out)
        XCTAssertFalse(text.out.contains("walk:"), text.out)
    }

    /// tshark reads the status the trace states from the capture: a fixed response of 418 with
    /// its content type and body, a 302 with the Location the ALB builds from the request, and
    /// ssl-redirect's 301 to HTTPS.
    func testTsharkShowsTheStatusTheTraceStates() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/tshark"), "tshark is not installed")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netsim-answers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(String, [String], String, String, String)] = [
            (Self.answers, ["--to", "ingress:answers/shop", "--path", "/teapot"], "418", "", "application/json"),
            (Self.answers, ["--to", "ingress:answers/shop", "--path", "/old/items?id=7", "--host", "shop.example.com:80"], "302",
             "http://new.example.com:80/v2/old/items?id=7&from=old", "text/plain"),
            (Self.lab, ["--to", "ingress:lab/secure"], "301", "https://k8s-lab-secure-293fcfcd4c-2735909334.us-east-1.elb.amazonaws.com:443/", "text/plain"),
            (Self.lab, ["--to", "ingress:lab/api", "--path", "/api/admin"], "503", "", "text/plain"),
            (Self.q, ["--to", "ingress:shop/storefront", "--path", "/checkout"], "404", "", "text/plain"),
            (Self.q, ["--to", "ingress:shop/storefront", "--path", "/cart"], "200", "", "text/plain"),
        ]
        for (k, (topology, flow, status, location, contentType)) in cases.enumerated() {
            let pcap = dir.appendingPathComponent("a\(k).pcap").path
            let r = try Netsim.run(["trace", topology, "--from", "internet", "--port", "80"] + flow + ["--handshake", "--pcap", pcap, "--format", "json"])
            XCTAssertTrue(r.status == 0 || r.status == 1, "\(flow): \(r.err)")
            // The status the trace states: the fixed response's or redirect's step, else the target's 200.
            let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
            let steps = (doc["hops"] as? [[String: Any]] ?? []).flatMap { $0["steps"] as? [[String: Any]] ?? [] }
            let stated = steps.first { ["fixedResponse", "redirect"].contains($0["kind"] as? String ?? "") }
                .flatMap { ($0["response"] as? [String: Any])?["status"] as? Int }.map(String.init) ?? (doc["disposition"] as? String == "DELIVERED" ? "200" : "?")
            XCTAssertEqual(stated, status, "\(flow)")
            let t = CaptureCLITests.tool("/usr/bin/tshark", ["-r", pcap, "-Y", "http.response", "-T", "fields", "-E", "separator=|",
                                                             "-e", "http.response.code", "-e", "http.location", "-e", "http.content_type"])
            XCTAssertEqual(t.status, 0, t.err)
            let rows = Set(t.out.split(separator: "\n").map(String.init))
            XCTAssertEqual(rows, ["\(stated)|\(location)|\(contentType)"], "\(flow): \(t.out)")
        }
    }
}
