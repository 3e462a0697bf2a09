import Foundation
import NetsimTestSupport
import XCTest

/// The built `netsim` binary, run as a user runs it: exit codes, formats, atomic output.
final class CLITests: XCTestCase {
    func netsim(_ args: [String], env: [String: String] = [:]) throws -> ProcessResult { try Netsim.run(args, env: env) }

    func testQuickstartIsCleanUnderStrict() throws {
        let r = try netsim(["check", "--strict", "Topologies/quickstart.yaml"])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertTrue(r.out.hasSuffix("checked 1 file: 0 errors, 0 warnings; 6 intents: 6 held, 0 failed — ok\n"), r.out)
        XCTAssertFalse(r.out.contains("warning["), r.out)
    }

    func testInvalidInputExitsTwoWithLocatedDiagnostic() throws {
        let dir = try Scratch.makeDirectory(prefix: "netsim-cli")
        defer { Scratch.remove(dir) }
        let cases: [(String, Data, String)] = [
            ("empty.yaml", Data(), "NS0006"),
            ("list.yaml", Data("- a\n".utf8), "NS0105"),
            ("binary.yaml", Data([0, 1, 2, 3]), "NS0003"),
            ("latin1.yaml", Data([0x61, 0x3A, 0x20, 0xE9, 0x0A]), "NS0004"),
        ]
        for (name, data, code) in cases {
            let path = dir.appendingPathComponent(name).path
            FileManager.default.createFile(atPath: path, contents: data)
            let r = try netsim(["check", path])
            XCTAssertEqual(r.status, 2, "\(name): \(r.out)")
            XCTAssertTrue(r.out.contains("\(path):"), r.out)
            XCTAssertTrue(r.out.contains("error[\(code)]"), "\(name): \(r.out)")
        }
        let missing = try netsim(["check", dir.appendingPathComponent("missing.yaml").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.out.contains("error[NS0001]"))
        let directory = try netsim(["check", dir.path])
        XCTAssertEqual(directory.status, 2)
        XCTAssertTrue(directory.out.contains("error[NS0002]"))
    }

    func testInputSizeLimitFromEnvironmentAndOption() throws {
        let env = try netsim(["check", "Topologies/quickstart.yaml"], env: ["NETSIM_MAX_INPUT_BYTES": "100"])
        XCTAssertEqual(env.status, 2)
        XCTAssertTrue(env.out.contains("NS0005") && env.out.contains("100 bytes"), env.out)
        let option = try netsim(["check", "--max-input-size", "1000000", "Topologies/quickstart.yaml"], env: ["NETSIM_MAX_INPUT_BYTES": "100"])
        XCTAssertEqual(option.status, 0, option.out)
    }

    func testUsageErrorsExit64() throws {
        XCTAssertEqual(try netsim(["check"]).status, 64)
        XCTAssertEqual(try netsim(["check", "--format", "xml", "Topologies/quickstart.yaml"]).status, 64)
        XCTAssertEqual(try netsim(["frobnicate"]).status, 64)
        XCTAssertEqual(try netsim(["generate", "--pods", "1", "--services", "5"]).status, 2, "a value out of range: invalid input")
    }

    func testStrictTurnsWarningsIntoFailure() throws {
        let file = "Tests/NetsimTopologyTests/Fixtures/warnings-only.yaml"
        let lenient = try netsim(["check", file])
        XCTAssertEqual(lenient.status, 0, lenient.out)
        XCTAssertTrue(lenient.out.contains("warning["))
        XCTAssertEqual(try netsim(["check", "--strict", file]).status, 1)
    }

    func testMachineFormats() throws {
        let file = "Tests/NetsimTopologyTests/Fixtures/renderer-input.yaml"
        let json = try netsim(["check", "--format", "json", file])
        XCTAssertEqual(json.status, 2)
        let obj = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        XCTAssertEqual(obj?["schemaVersion"] as? Int, 1)
        let sarif = try netsim(["check", "--format", "sarif", file])
        XCTAssertTrue(sarif.out.contains("\"version\" : \"2.1.0\""))
        let gh = try netsim(["check", "--format", "github", file])
        XCTAssertTrue(gh.out.contains("::error file=\(file),line=9,col=7,"), gh.out)
    }

    func testOutputFileIsWrittenAtomically() throws {
        let dir = try Scratch.makeDirectory(prefix: "netsim-out")
        defer { Scratch.remove(dir) }
        let out = dir.appendingPathComponent("report.xml").path
        let r = try netsim(["check", "--format", "junit", "-o", out, "Topologies/quickstart.yaml"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("<?xml"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["report.xml"], "no temporary file left behind")
        let again = try netsim(["check", "--format", "json", "-o", out, "Topologies/quickstart.yaml"])
        XCTAssertEqual(again.status, 0, "an existing output file is replaced: \(again.err)")
        XCTAssertTrue(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("{"))
        let bad = try netsim(["check", "-o", dir.appendingPathComponent("missing/dir/x.txt").path, "Topologies/quickstart.yaml"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.err.hasPrefix("netsim: cannot write"), bad.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["report.xml"])
    }

    func testGenerateIsDeterministicAndValid() throws {
        let args = ["generate", "--nodes", "120", "--pods", "900", "--services", "90", "--security-groups", "12", "--seed", "7"]
        let a = try netsim(args), b = try netsim(args)
        XCTAssertEqual(a.status, 0)
        XCTAssertEqual(a.out, b.out, "same seed, same bytes")
        XCTAssertNotEqual(a.out, try netsim(args.dropLast() + ["8"]).out)
        let dir = try Scratch.makeDirectory(prefix: "netsim-gen")
        defer { Scratch.remove(dir) }
        let path = dir.appendingPathComponent("gen.yaml").path
        try a.out.write(toFile: path, atomically: true, encoding: .utf8)
        let check = try netsim(["check", "--strict", path])
        XCTAssertEqual(check.status, 0, check.out)
    }

    /// `--pod-security-groups`: the percent of Services that get a SecurityGroupPolicy, spread
    /// evenly; 0 leaves the file as without the option; out of range is refused.
    func testGeneratePodSecurityGroups() throws {
        let args = ["generate", "--nodes", "20", "--pods", "200", "--services", "90", "--security-groups", "12", "--seed", "7"]
        let plain = try netsim(args), zero = try netsim(args + ["--pod-security-groups", "0"])
        XCTAssertEqual(plain.out, zero.out)
        XCTAssertFalse(plain.out.contains("SecurityGroupPolicy") || plain.out.contains("ENABLE_POD_ENI"))
        let twenty = try netsim(args + ["--pod-security-groups", "20"])
        XCTAssertEqual(twenty.status, 0)
        XCTAssertEqual(twenty.out.components(separatedBy: "kind: SecurityGroupPolicy").count - 1, 18, "20 % of 90 Services")
        XCTAssertTrue(twenty.out.contains("ENABLE_POD_ENI: \"true\""))
        XCTAssertTrue(twenty.out.contains("name: sgp-svc-00004,") && !twenty.out.contains("name: sgp-svc-00003,"), "every fifth Service")
        let all = try netsim(args + ["--pod-security-groups", "100"])
        XCTAssertEqual(all.out.components(separatedBy: "kind: SecurityGroupPolicy").count - 1, 90)
        for bad in ["-1", "101", "9223372036854775807"] {
            let r = try netsim(args + ["--pod-security-groups", bad])
            XCTAssertEqual(r.status, 2, bad)
            XCTAssertEqual(r.out, "", "no half-written topology for \(bad)")
        }
        // Not a number: a usage error, as for every option.
        let word = try netsim(args + ["--pod-security-groups", "x"])
        XCTAssertEqual(word.status, 64)
        XCTAssertEqual(word.out, "")
    }

    func testSchemaCommandPrintsTheSchema() throws {
        let r = try netsim(["schema"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.out, try String(contentsOf: Repo.root.appendingPathComponent("Docs/topology.schema.json"), encoding: .utf8))
    }
}
