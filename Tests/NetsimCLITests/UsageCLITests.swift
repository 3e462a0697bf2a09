import Foundation
import NetsimTestSupport
import XCTest

/// Usage errors (exit 64, found in `validate()` before any file is read) and the options the
/// commands share (`@OptionGroup`s): the same names, help and order in every command's `--help`.
final class UsageCLITests: XCTestCase {
    func netsim(_ args: [String]) throws -> ProcessResult { try Netsim.run(args) }

    /// A topology that does not exist: a usage error is reported before any file is read, so
    /// the run exits 64, not 2 for the missing file.
    static let absent = "no-such-topology.yaml"

    /// ArgumentParser's form of a ValidationError: `Error: MESSAGE`, the usage line, exit 64,
    /// nothing on standard output.
    func assertUsageError(_ args: [String], _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try netsim(args)
        XCTAssertEqual(r.status, 64, "\(args): \(r.out) \(r.err)", file: file, line: line)
        XCTAssertTrue(r.err.hasPrefix("Error: \(message)\n"), "\(args): \(r.err)", file: file, line: line)
        XCTAssertTrue(r.err.contains("Usage: netsim \(args[0]) "), r.err, file: file, line: line)
        XCTAssertFalse(r.err.contains("NS0001"), "no file was read: \(r.err)", file: file, line: line)
        XCTAssertEqual(r.out, "", file: file, line: line)
    }

    // MARK: usage errors moved from run() (were exit 2)

    func testHandshakeWithoutPcapIsAUsageError() throws {
        try assertUsageError(["trace", Self.absent, "--from", "deployment:shop/cart", "--to", "internet", "--port", "443", "--handshake"],
                             "--handshake shapes the frames of --pcap: give --pcap FILE too")
        // With --pcap it is accepted.
        let ok = try netsim(["trace", "Topologies/quickstart.yaml", "--from", "deployment:shop/cart", "--to", "internet", "--port", "443",
                             "--handshake", "--pcap", "/dev/null"])
        XCTAssertEqual(ok.status, 0, ok.err)
    }

    func testSeedWithAllPathsIsAUsageError() throws {
        try assertUsageError(["trace", Self.absent, "--from", "deployment:shop/frontend", "--to", "service:shop/cart", "--port", "80",
                              "--all-paths", "--seed", "7"],
                             "--seed picks one path and --all-paths follows each: give one of them")
    }

    // MARK: usage errors validate() already found (their messages name the options and a fix)

    func testSimulateCSVSummaryIsAUsageError() throws {
        try assertUsageError(["simulate", Self.absent, "--format", "csv"],
                             "--format csv: the summary is text or json; write the timeline with --csv FILE")
    }

    func testCapacityModeErrors() throws {
        try assertUsageError(["capacity"], "give exactly one of: a topology FILE, --instance-type TYPE, --all-instance-types")
        try assertUsageError(["capacity", Self.absent, "--all-instance-types"],
                             "give exactly one of: a topology FILE, --instance-type TYPE, --all-instance-types")
        try assertUsageError(["capacity", "--instance-type", "m5.large", "--pods", "5"], "--scale and --pods need a topology FILE")
        try assertUsageError(["capacity", "--all-instance-types", "--set", "WARM_IP_TARGET=5"],
                             "--set changes a topology's aws-node settings: give a topology FILE (with --instance-type use --prefix-delegation, --max-eni and the like)")
        try assertUsageError(["capacity", Self.absent, "--prefix-delegation"],
                             "with a topology FILE the aws-node settings come from its cluster.cni; --prefix-delegation and the like are for --instance-type")
    }

    /// What stays invalid input (2), not usage: a value out of range or that does not fit the
    /// flow the other values describe, and two outputs that write one place (documented so).
    func testValueProblemsStayInvalidInput() throws {
        let flow = ["trace", "Topologies/quickstart.yaml", "--from", "deployment:shop/cart", "--to", "internet"]
        for (args, message) in [
            (flow + ["--port", "443", "--handshake", "--pcap", "/dev/null", "--protocol", "udp"], "--handshake is for TCP flows"),
            (flow + ["--protocol", "icmp", "--port", "80"], "icmp has no ports"),
            (flow + ["--port", "443", "--pcap", "-"], "--pcap - writes the capture to standard output"),
            (flow + ["--port", "443", "--path", "/"], "--host and --path are for HTTP through an ALB"),
        ] {
            let r = try netsim(args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.err)")
            XCTAssertTrue(r.err.hasPrefix("netsim: error[NS0"), r.err)
            XCTAssertTrue(r.err.contains(message), r.err)
        }
    }

    // MARK: shared options

    /// The options each command takes from the shared groups, in the order `--help` lists them:
    /// FILE first; the command's own options; then --format, -o, --set, --instance-catalog,
    /// --max-input-size (those it takes).
    static let shared: [(command: String, options: [String])] = [
        ("check", ["--format", "-o, --output", "--set", "--instance-catalog", "--max-input-size"]),
        ("trace", ["--format", "-o, --output", "--set", "--instance-catalog", "--max-input-size"]),
        ("capacity", ["--format", "-o, --output", "--set", "--instance-catalog", "--max-input-size"]),
        ("simulate", ["--format", "-o, --output", "--set", "--instance-catalog", "--max-input-size"]),
        ("node", ["--format", "-o, --output", "--set", "--instance-catalog", "--max-input-size"]),
        ("describe", ["--format", "-o, --output", "--set", "--instance-catalog", "--max-input-size"]),
        ("replay", ["--format", "-o, --output", "--instance-catalog", "--max-input-size"]),
        ("generate", ["-o, --output"]),
    ]

    static let sharedHelp: [String: String] = [
        "--set": "--set <KEY=VALUE>       Set an aws-node variable for this run, over the\n                          file's cluster.cni (repeatable), e.g. --set\n                          WARM_IP_TARGET=5.\n",
        "--instance-catalog": "--instance-catalog <instance-catalog>\n                          A catalog file: netsim's limits table or 'aws ec2\n                          describe-instance-types --output json'.\n",
        "--max-input-size": "--max-input-size <max-input-size>\n                          Largest input file in bytes (default 67108864, or\n                          NETSIM_MAX_INPUT_BYTES).\n",
    ]

    func testEveryCommandsHelpListsItsSharedOptions() throws {
        for (command, options) in Self.shared {
            let help = try netsim([command, "--help"])
            XCTAssertEqual(help.status, 0, help.err)
            let text = help.out
            var last = text.startIndex
            for option in options {
                guard let at = text.range(of: "\n  \(option) ", range: last..<text.endIndex) else {
                    XCTFail("\(command) --help does not list \(option) after the previous shared option:\n\(text)")
                    break
                }
                last = at.upperBound
                if let body = Self.sharedHelp[option] {
                    XCTAssertTrue(text.contains("\n  " + body), "\(command): \(option)'s help differs:\n\(text)")
                }
            }
            if command != "check" && command != "capacity" && command != "generate" {
                XCTAssertTrue(text.contains("\nARGUMENTS:\n  <file>                  The topology file.\n"), "\(command):\n\(text)")
            }
        }
    }

    /// Each command keeps its own --format values, default and help, and -o its own noun.
    func testEachCommandKeepsItsFormatsAndOutputHelp() throws {
        let formats: [(String, String)] = [
            ("check", "Output format: text, json, junit, sarif, github.\n                          (values: text, json, junit, sarif, github; default:\n                          text)"),
            ("trace", "Output format: text, json. (values: text, json;\n                          default: text)"),
            ("describe", "Output format: text, json. (values: text, json;\n                          default: text)"),
            ("replay", "Output format: text, json. (values: text, json;\n                          default: text)"),
            ("capacity", "Output format: text, json, csv. (values: text, json,\n                          csv; default: text)"),
            ("simulate", "Summary format: text, json. (values: text, json;\n                          default: text)"),
        ]
        for (command, help) in formats {
            let text = try netsim([command, "--help"]).out
            XCTAssertTrue(text.contains("--format <format>       " + help), "\(command):\n\(text)")
        }
        for (command, noun) in [("check", "the report "), ("trace", "the trace "), ("capacity", "the result "), ("simulate", "the summary "),
                                ("replay", "the report "), ("node", ""), ("describe", ""), ("generate", "")] {
            let text = try netsim([command, "--help"]).out
            XCTAssertTrue(text.contains("-o, --output <output>   Write \(noun)to this file"), "\(command):\n\(text)")
        }
        let bad = try netsim(["trace", "--format", "xml"])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.err.contains("Please provide one of 'text' and 'json'"), bad.err)
    }
}
