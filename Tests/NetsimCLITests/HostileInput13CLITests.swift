import Foundation
import NetsimTestSupport
import XCTest

/// Issue 13's hostile-input findings, run against the built binary: each test failed (a crash,
/// a raw control character on the terminal, a wrong exit code or a silent default) before its
/// fix.
final class HostileInput13CLITests: XCTestCase {
    func netsim(_ args: [String], cwd: URL? = nil, timeout: TimeInterval = 120) throws -> ProcessResult {
        let r = try Netsim.run(args, cwd: cwd, timeout: timeout)
        XCTAssertFalse(r.timedOut, "netsim \(args.prefix(4).joined(separator: " ")) did not finish in \(timeout) s")
        return r
    }

    /// A folder holding the quickstart (and its manifests) as `t.yaml`, with the Ingress
    /// `shop/odd` (`/odd` answered by `actions.odd`) when `action` is given, or the annotations
    /// `extra` on it.
    func quickstart(action: String? = nil, extra: [String: String] = [:]) throws -> URL {
        let dir = try Scratch.makeDirectory(prefix: "netsim-hostile13")
        addTeardownBlock { Scratch.remove(dir) }
        try FileManager.default.copyItem(at: Repo.root.appendingPathComponent("Topologies/k8s"), to: dir.appendingPathComponent("k8s"))
        var text = try String(contentsOf: Repo.root.appendingPathComponent("Topologies/quickstart.yaml"), encoding: .utf8)
        var annotations = extra
        if let action { annotations["alb.ingress.kubernetes.io/actions.odd"] = action }
        if !annotations.isEmpty {
            func quoted(_ s: String) -> String {
                var out = "\""
                for u in s.unicodeScalars {
                    switch u {
                    case "\"": out += "\\\""
                    case "\\": out += "\\\\"
                    case _ where u.value < 0x20 || u.value == 0x7F: out += String(format: "\\x%02X", u.value)
                    default: out.unicodeScalars.append(u)
                    }
                }
                return out + "\""
            }
            let lines = (["alb.ingress.kubernetes.io/scheme": "internet-facing", "alb.ingress.kubernetes.io/target-type": "ip"].merging(annotations) { $1 })
                .sorted { $0.key < $1.key }.map { "            \($0.key): \(quoted($0.value))" }.joined(separator: "\n")
            let ingress = """
                - apiVersion: networking.k8s.io/v1
                  kind: Ingress
                  metadata:
                    name: odd
                    namespace: shop
                    annotations:
            \(lines)
                  spec:
                    ingressClassName: alb
                    rules:
                      - http:
                          paths:
                            - {path: /odd, pathType: Prefix, backend: {service: {name: odd, port: {name: use-annotation}}}}
                            - {path: /cart, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}

            """
            text = text.replacingOccurrences(of: "    - k8s/shop/*.yaml\n", with: "    - k8s/shop/*.yaml\n" + ingress)
        }
        try Data(text.utf8).write(to: dir.appendingPathComponent("t.yaml"))
        return dir
    }

    /// The frames of a classic pcap file: each record's captured bytes.
    func pcapFrames(_ url: URL) throws -> [[UInt8]] {
        let b = [UInt8](try Data(contentsOf: url))
        var frames: [[UInt8]] = []
        var i = 24
        func u32(_ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 | Int(b[at + 2]) << 16 | Int(b[at + 3]) << 24 }
        while i + 16 <= b.count {
            let n = u32(i + 8)
            guard i + 16 + n <= b.count else { break }
            frames.append(Array(b[(i + 16)..<(i + 16 + n)]))
            i += 16 + n
        }
        return frames
    }

    // MARK: 1 — long HTTP payloads in a capture

    func testLongRequestIsCutIntoSegmentsOfTheMSS() throws {
        let dir = try quickstart()
        let path = "/" + String(repeating: "a", count: 8000)
        let r = try netsim(["trace", "t.yaml", "--from", "internet", "--to", "ingress:shop/storefront", "--port", "80",
                            "--path", path, "--pcap", "c.pcap"], cwd: dir)
        XCTAssertTrue([0, 1, 3].contains(r.status), r.err)
        let frames = try pcapFrames(dir.appendingPathComponent("c.pcap"))
        XCTAssertFalse(frames.isEmpty)
        for f in frames {
            // Ethernet + IPv4: the IP total length is the frame's, and never more than 1500 from the internet.
            let total = Int(f[16]) << 8 | Int(f[17])
            XCTAssertEqual(total, f.count - 14)
            XCTAssertLessThanOrEqual(total, 1500)
        }
        // The request went as several segments: ACK ones of the MSS, PSH on the last.
        XCTAssertTrue(r.out.contains("ACK, 1460 bytes"), r.out)
        XCTAssertTrue(r.out.contains("PSH-ACK"), r.out)
    }

    func testLongFixedResponseBodyIsReportedAndCapturedInSegments() throws {
        let body = String(repeating: "b", count: 70_000)
        let dir = try quickstart(action: #"{"type":"fixed-response","fixedResponseConfig":{"statusCode":"418","contentType":"text/plain","messageBody":"\#(body)"}}"#)
        let check = try netsim(["check", "t.yaml"], cwd: dir)
        XCTAssertTrue(check.out.contains("messageBody of 70000 characters; the ELB API allows at most 1024"), check.out)
        let r = try netsim(["trace", "t.yaml", "--from", "internet", "--to", "ingress:shop/odd", "--port", "80", "--path", "/odd",
                            "--pcap", "c.pcap"], cwd: dir)
        XCTAssertTrue([0, 1, 2, 3].contains(r.status), "crashed: \(r.status) \(r.err)")
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("c.pcap").path) {
            for f in try pcapFrames(dir.appendingPathComponent("c.pcap")) { XCTAssertLessThanOrEqual(f.count, 14 + 65535) }
        }
    }

    func testRedirectPartsLongerThanTheELBAllowsAreReported() throws {
        let host = String(repeating: "h", count: 129)
        let dir = try quickstart(action: #"{"type":"redirect","redirectConfig":{"host":"\#(host)","path":"/\#(String(repeating: "p", count: 200))","statusCode":"HTTP_302"}}"#)
        let check = try netsim(["check", "t.yaml"], cwd: dir)
        XCTAssertEqual(check.status, 2, check.out)
        XCTAssertTrue(check.out.contains("redirect host of 129 characters; the ELB API allows at most 128"), check.out)
        XCTAssertTrue(check.out.contains("redirect path of 201 characters"), check.out)
    }

    func testHostAndPathWithControlCharactersOrTooLongAreRefused() throws {
        let dir = try quickstart()
        let base = ["trace", "t.yaml", "--from", "internet", "--to", "ingress:shop/storefront", "--port", "80"]
        for (extra, says) in [(["--host", "a.example\r\nX-Injected: 1"], "--host 'a.example\\u{D}\\u{A}X-Injected: 1' holds a control character"),
                              (["--path", "/a\u{1B}[31m"], "--path '/a\\u{1B}[31m' holds a control character"),
                              (["--path", "/a\tb"], "--path '/a\\u{9}b' holds a control character"),
                              (["--host", String(repeating: "h", count: 70_000)], "--host is 70000 bytes long: a host name (as DNS allows) is at most 255 bytes"),
                              (["--path", "/" + String(repeating: "a", count: 70_000)], "--path is 70001 bytes long: a request path is at most 8192 bytes")] {
            let r = try netsim(base + extra + ["--pcap", "x.pcap"], cwd: dir)
            XCTAssertEqual(r.status, 2, "\(extra.first ?? ""): \(r.err)")
            XCTAssertTrue(r.err.contains(says), r.err)
            XCTAssertFalse(r.err.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0 || $0 == "\r" }, r.err)
        }
        // At the limits, accepted.
        let ok = try netsim(base + ["--host", String(repeating: "h", count: 255), "--path", "/" + String(repeating: "a", count: 8191)], cwd: dir)
        XCTAssertNotEqual(ok.status, 2, ok.err)
    }

    // MARK: 2 — a failed write to standard output

    func testFailedWriteToStandardOutputExitsTwo() throws {
        let bin = Netsim.binary.path
        for (script, what) in [("\"$0\" schema --trace > /dev/full", "schema to /dev/full"),
                               ("\"$0\" check Topologies/quickstart.yaml > /dev/full", "check to /dev/full"),
                               ("\"$0\" --help > /dev/full", "help to /dev/full"),
                               ("\"$0\" --version > /dev/full", "version to /dev/full"),
                               ("\"$0\" check Topologies/quickstart.yaml >&-", "check with standard output closed"),
                               ("\"$0\" trace Topologies/quickstart.yaml --from internet --to ingress:shop/storefront --port 80 >&-", "trace with standard output closed")] {
            let r = Subprocess.run("/bin/sh", ["-c", script, bin], cwd: Repo.root, environment: ["NO_COLOR": "1"], timeout: 120)
            XCTAssertEqual(r.status, 2, "\(what): \(r.err)")
            XCTAssertTrue(r.err.hasPrefix("netsim: cannot write to standard output: "), "\(what): \(r.err)")
        }
    }

    /// ELB requires a fixed response's status code (CreateRule fails without one), so the
    /// controller cannot build the rule: a located error, not a 200 netsim made up.
    func testFixedResponseWithoutStatusCodeIsRefused() throws {
        for action in [#"{"type":"fixed-response","fixedResponseConfig":{"contentType":"text/plain","messageBody":"hi"}}"#,
                       #"{"type":"fixed-response","fixedResponseConfig":{"statusCode":null}}"#,
                       #"{"type":"fixed-response"}"#] {
            let dir = try quickstart(action: action)
            let r = try netsim(["check", "t.yaml"], cwd: dir)
            XCTAssertEqual(r.status, 2, action + "\n" + r.out + r.err)
            XCTAssertTrue((r.out + r.err).contains("NS0814"), r.out + r.err)
            XCTAssertTrue((r.out + r.err).contains("without fixedResponseConfig.statusCode"), r.out + r.err)
        }
    }

    // MARK: 3 — control characters in text output

    func testControlCharactersInAnnotationsAreEscapedInTraceText() throws {
        let dir = try quickstart(action: #"{"type":"fixed-response","fixedResponseConfig":{"statusCode":"418","contentType":"text/plain","messageBody":"a\u0001b\u001b[31mred\r\nX-Injected: yes\u0000"}}"#)
        let r = try netsim(["trace", "t.yaml", "--from", "internet", "--to", "ingress:shop/odd", "--port", "80", "--path", "/odd"], cwd: dir)
        XCTAssertTrue(r.out.contains(#"a\u{1}b\u{1B}[31mred\u{D}\u{A}X-Injected: yes\u{0}"#), r.out)
        XCTAssertFalse(r.out.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, r.out)
        // JSON keeps the value itself (escaped as JSON).
        let json = try netsim(["trace", "t.yaml", "--from", "internet", "--to", "ingress:shop/odd", "--port", "80", "--path", "/odd", "--format", "json"], cwd: dir)
        XCTAssertTrue(json.out.contains(#"a\u0001b\u001b[31mred\r\nX-Injected: yes\u0000"#), json.out)
    }

    func testNamesNotFoundAreEscaped() throws {
        for to in ["service:shop/x\u{1B}[31m", "pod:shop/x\u{1B}[31m", "node:x\u{1B}[31m", "external:x\u{1B}[31m"] {
            let r = try netsim(["trace", "Topologies/quickstart.yaml", "--from", "internet", "--to", to, "--port", "80"])
            XCTAssertEqual(r.status, 2, r.err)
            XCTAssertFalse(r.err.unicodeScalars.contains { $0.value == 0x1B }, "\(to): \(r.err)")
            XCTAssertTrue(r.err.contains(#"x\u{1B}[31m"#), r.err)
        }
    }

    func testANewlineInAnAnnotationCannotForgeADiagnosticLine() throws {
        let dir = try quickstart(extra: ["alb.ingress.kubernetes.io/listen-ports": "[{\"HTTP\":\"80\"}]\n::warning file=x::injected\u{1}\u{1B}[31m"])
        for format in ["text", "github"] {
            let r = try netsim(["check", "t.yaml", "--format", format], cwd: dir)
            XCTAssertEqual(r.status, 2, r.out)
            XCTAssertFalse(r.out.split(separator: "\n").contains { $0.hasPrefix("::warning file=x") }, "\(format): \(r.out)")
            XCTAssertFalse(r.out.unicodeScalars.contains { $0.value == 0x1B || $0.value == 1 }, "\(format): \(r.out)")
        }
    }

    // MARK: 4, 5 — the annotation JSON reader reads as Go does

    func testDuplicateKeysTakeTheLastValueAsGoDoes() throws {
        // The first "type" says forward (to nothing); Go keeps the last, fixed-response.
        let dir = try quickstart(action: #"{"type":"forward","fixedResponseConfig":{"statusCode":"418","messageBody":"teapot"},"Type":"fixed-response"}"#)
        let r = try netsim(["trace", "t.yaml", "--from", "internet", "--to", "ingress:shop/odd", "--port", "80", "--path", "/odd"], cwd: dir)
        XCTAssertTrue(r.out.contains("answers 418"), r.out)
        let ports = try quickstart(extra: ["alb.ingress.kubernetes.io/listen-ports": #"[{"HTTP":80,"HTTP":8080}]"#])
        let on80 = try netsim(["trace", "t.yaml", "--from", "internet", "--to", "ingress:shop/odd", "--port", "80", "--path", "/cart"], cwd: ports)
        XCTAssertTrue(on80.out.contains("no listener for TCP port 80") || on80.out.contains("has no listener"), on80.out)
    }

    func testListenPortOutOfRangeSaysSo() throws {
        let dir = try quickstart(extra: ["alb.ingress.kubernetes.io/listen-ports": #"[{"HTTP":9223372036854775808}]"#])
        let r = try netsim(["check", "t.yaml"], cwd: dir)
        XCTAssertEqual(r.status, 2, r.out)
        XCTAssertTrue(r.out.contains("the port of HTTP is out of range: listen ports are 1–65535"), r.out)
        XCTAssertFalse(r.out.contains("not a string"), r.out)
    }

    // MARK: 6 — usage errors first

    func testExcludedPairsAreUsageErrorsWhateverTheValue() throws {
        for seed in ["-1", "abc", "99999999999999999999999", "7"] {
            let r = try netsim(["trace", "Topologies/quickstart.yaml", "--from", "internet", "--to", "ingress:shop/storefront", "--port", "80", "--seed", seed, "--all-paths"])
            XCTAssertEqual(r.status, 64, "--seed \(seed): \(r.err)")
        }
        for flag in ["--no-what-ifs", "--what-ifs"] {
            let r = try netsim(["capacity", "--instance-type", "m5.large", flag])
            XCTAssertEqual(r.status, 64, "\(flag): \(r.out) \(r.err)")
            XCTAssertTrue(r.err.contains("give a topology FILE"), r.err)
        }
        XCTAssertEqual(try netsim(["capacity", "--instance-type", "m5.large"]).status, 0)
    }

    // MARK: 7 — accountId

    func testNullAccountIdIsAnErrorAndAnAliasIsReportedWhereUsed() throws {
        let dir = try quickstart()
        let text = try String(contentsOf: dir.appendingPathComponent("t.yaml"), encoding: .utf8)
        for value in ["null", "~", ""] {
            try Data(text.replacingOccurrences(of: "region: us-east-1\n", with: "region: us-east-1\naccountId: \(value)\n").utf8).write(to: dir.appendingPathComponent("n.yaml"))
            let r = try netsim(["check", "n.yaml"], cwd: dir)
            XCTAssertEqual(r.status, 2, "accountId: \(value): \(r.out)")
            XCTAssertTrue(r.out.contains("error[NS0204]: accountId is null"), r.out)
            XCTAssertTrue(r.out.contains("write 12 digits in quotes"), r.out)
        }
        // The anchor on seed's line, the alias on the next: reported at the alias.
        let aliased = text.replacingOccurrences(of: "seed: 42\n", with: "seed: &s 42\naccountId: *s\n")
        let lines = aliased.split(separator: "\n", omittingEmptySubsequences: false)
        guard let seedLine = lines.firstIndex(where: { $0.hasPrefix("seed:") }) else { return XCTFail("no seed line") }
        try Data(aliased.utf8).write(to: dir.appendingPathComponent("a.yaml"))
        let r = try netsim(["check", "a.yaml"], cwd: dir)
        XCTAssertTrue(r.out.contains("a.yaml:\(seedLine + 2):1: error[NS0204]: accountId '42'"), r.out)
    }
}
