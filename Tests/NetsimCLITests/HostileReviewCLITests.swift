import Foundation
import NetsimTestSupport
import XCTest

/// The second hostile review of issue 12: escape sequences from a topology or the command line,
/// outputs that collide or are left half-done, device inputs, FIFOs with no reader. Every run
/// has a deadline (`Netsim.run` with a timeout), so a regression fails instead of hanging.
final class HostileReviewCLITests: XCTestCase {
    typealias Run = ProcessResult

    func netsim(_ args: [String], cwd: URL? = nil, timeout: TimeInterval = 60) throws -> Run {
        let r = try Netsim.run(args, cwd: cwd, timeout: timeout)
        XCTAssertFalse(r.timedOut, "netsim \(args.prefix(6).joined(separator: " ")) did not finish in \(timeout) s")
        return r
    }

    func tempDir() throws -> URL {
        let dir = try Scratch.makeDirectory(prefix: "netsim-review")
        addTeardownBlock { Scratch.remove(dir) }
        return dir
    }

    let quickstart = "Topologies/quickstart.yaml"
    let esc = "\u{1B}"

    /// quickstart.yaml with `old` replaced by `new` once, in `dir`.
    func quickstart(replacing old: String, with new: String, in dir: URL) throws -> String {
        let text = try String(contentsOf: Repo.root.appendingPathComponent(quickstart), encoding: .utf8)
        guard let range = text.range(of: old) else { XCTFail("quickstart.yaml lacks \(old)"); return "" }
        let path = dir.appendingPathComponent("t-\(UUID().uuidString).yaml").path
        try text.replacingCharacters(in: range, with: new).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    // MARK: 1 — escape sequences

    func testNamesWithControlCharactersAreRefusedAtLoad() throws {
        let dir = try tempDir()
        // The topology's name (an OSC title sequence and a color), a subnet, a node group.
        for (old, new, shown) in [("name: quickstart", #"name: "pd\e]0;pwned\a\e[31mRED""#, #"pd\u{1B}]0;pwned\u{7}\u{1B}[31mRED"#),
                                  ("{name: public-a,", #"{name: "a\e[2J","#, #"a\u{1B}[2J"#),
                                  ("name: shop\n", "name: \"shop\\tvpc\"\n", #"shop\u{9}vpc"#)] {
            let file = try quickstart(replacing: old, with: new, in: dir)
            for command in ["check", "capacity"] {
                let r = try netsim([command, file])
                XCTAssertEqual(r.status, 2, "\(command) \(old): \(r.out) \(r.err)")
                XCTAssertTrue((r.out + r.err).contains("error[NS0206]: name '\(shown)' holds a control character"), "\(command): \(r.out) \(r.err)")
                XCTAssertFalse((r.out + r.err).contains(esc), "no raw ESC reaches the terminal: \(r.out) \(r.err)")
            }
        }
        // A node group, located at its name.
        let text = try String(contentsOf: Repo.root.appendingPathComponent(quickstart), encoding: .utf8)
        let group = try XCTUnwrap(text.range(of: #"name: general"#))
        let line = text[..<group.lowerBound].filter { $0 == "\n" }.count + 1
        let file = try quickstart(replacing: "name: general", with: #"name: "g\e[31mX""#, in: dir)
        let r = try netsim(["simulate", file, "--duration", "1m"])
        XCTAssertEqual(r.status, 2, r.out + r.err)
        XCTAssertTrue(r.err.contains(":\(line):") && r.err.contains("NS0206"), r.err)
        XCTAssertFalse((r.out + r.err).contains(esc), r.out + r.err)
    }

    func testCommandLineValuesAreEchoedEscapedAndClipped() throws {
        let events = try netsim(["simulate", quickstart, "--duration", "1m", "--events", "g\u{1B}[2J"])
        XCTAssertEqual(events.status, 2, events.err)
        XCTAssertTrue(events.err.contains(#"--events 'g\u{1B}[2J'"#), events.err)
        XCTAssertFalse(events.err.contains(esc), events.err)
        let long = try netsim(["simulate", quickstart, "--duration", "1m", "--events", String(repeating: "a", count: 100_000)])
        XCTAssertEqual(long.status, 2, long.err)
        XCTAssertLessThan(long.err.utf8.count, 1_000, "a 100 KB value is echoed clipped")
        for set in ["WARM_IP\u{1B}[2J_TARGET=5", "g\u{1B}[2J/WARM_IP_TARGET=5", "WARM_IP_TARGET\u{1B}[2J"] {
            let r = try netsim(["capacity", quickstart, "--set", set])
            XCTAssertEqual(r.status, 2, r.out + r.err)
            XCTAssertTrue((r.out + r.err).contains("NS0830"), r.out + r.err)
            XCTAssertFalse((r.out + r.err).contains(esc), "\(set): \(r.out) \(r.err)")
        }
    }

    // MARK: 2, 3 — outputs that collide, outputs all or nothing

    func testTwoOutputsNamingOnePlaceAreRefused() throws {
        let dir = try tempDir()
        let trace = ["trace", Repo.root.appendingPathComponent(quickstart).path,
                     "--from", "deployment:shop/frontend", "--to", "service:shop/cart", "--port", "80"]
        let sim = ["simulate", Repo.root.appendingPathComponent(quickstart).path, "--duration", "1m"]
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        for (args, what) in [(sim + ["--csv", "same.csv", "--svg", "same.csv"], "--csv and --svg both write the same file"),
                             (sim + ["--csv", "same.csv", "-o", "./sub/../same.csv"], "--csv and -o both write the same file"),
                             (sim + ["--csv", "-", "--svg", "-"], "--csv and --svg both write standard output"),
                             (sim + ["--svg", "-"], "--svg and the summary (no -o) both write standard output"),
                             (trace + ["--pcap", "same.out", "-o", "same.out"], "--pcap and -o both write the same file")] {
            let r = try netsim(args, cwd: dir)
            XCTAssertEqual(r.status, 2, "\(args): \(r.err)")
            XCTAssertTrue(r.err.hasPrefix("netsim: error[NS0204]: \(what)"), "\(args): \(r.err)")
            XCTAssertTrue(r.out.isEmpty, r.out)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["sub"], "nothing written")
        // An existing file reached by two spellings (a link) is the same file.
        try Data("old\n".utf8).write(to: dir.appendingPathComponent("a.csv"))
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("b.csv").path, withDestinationPath: "a.csv")
        let linked = try netsim(sim + ["--csv", "a.csv", "--svg", "b.csv"], cwd: dir)
        XCTAssertEqual(linked.status, 2, linked.err)
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("a.csv"), encoding: .utf8), "old\n")
    }

    func testAFailedOutputLeavesTheOthersUnwritten() throws {
        let dir = try tempDir()
        let sim = ["simulate", Repo.root.appendingPathComponent(quickstart).path, "--duration", "1m"]
        try Data("old\n".utf8).write(to: dir.appendingPathComponent("kept.csv"))
        // The SVG's folder does not exist: neither the CSV nor the summary is written.
        let r = try netsim(sim + ["--csv", "ev.csv", "--svg", "nowhere/s.svg", "-o", "sum.txt"], cwd: dir)
        XCTAssertEqual(r.status, 2, r.err)
        XCTAssertTrue(r.err.contains("cannot write 'nowhere/s.svg'"), r.err)
        // A device that is full fails after the files' temporaries were written: none is renamed.
        let full = dir.appendingPathComponent("full").path
        if mknod(full, S_IFCHR | 0o666, dev_t((1 << 8) | 7)) == 0 {
            let f = try netsim(sim + ["--csv", "kept.csv", "--svg", full, "-o", "sum.txt"], cwd: dir)
            XCTAssertEqual(f.status, 2, f.err)
            XCTAssertTrue(f.err.contains("cannot write '\(full)'"), f.err)
            XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("kept.csv"), encoding: .utf8), "old\n", "the CSV is not replaced")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        XCTAssertTrue(left == ["kept.csv"] || left == ["full", "kept.csv"], "no output and no temporary file left: \(left)")
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("kept.csv"), encoding: .utf8), "old\n")
        // All succeed: all are written.
        let ok = try netsim(sim + ["--csv", "kept.csv", "--svg", "s.svg", "-o", "sum.txt"], cwd: dir)
        XCTAssertEqual(ok.status, 0, ok.err)
        XCTAssertNotEqual(try String(contentsOf: dir.appendingPathComponent("kept.csv"), encoding: .utf8), "old\n", "the CSV is replaced")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("s.svg").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("sum.txt").path))
    }

    // MARK: 4, 5 — devices as input, FIFOs with no reader

    func testDeviceInputIsRefusedPromptly() throws {
        let dir = try tempDir()
        let zero = dir.appendingPathComponent("zero").path
        guard mknod(zero, S_IFCHR | 0o444, dev_t((1 << 8) | 5)) == 0 else { throw XCTSkip("mknod is not permitted here") }
        let r = try netsim(["check", "--max-input-size", "9223372036854775807", zero], timeout: 30)
        XCTAssertEqual(r.status, 2, r.out + r.err)
        XCTAssertTrue(r.out.contains("\(zero):1:1: error[NS0008]: '\(zero)' is a character device"), r.out)
    }

    func testOutputToAFIFOWithNoReaderFailsAtOnce() throws {
        let dir = try tempDir()
        let fifo = dir.appendingPathComponent("f").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        for args in [["capacity", quickstart, "-o", fifo], ["check", quickstart, "-o", fifo],
                     ["trace", quickstart, "--from", "deployment:shop/frontend", "--to", "service:shop/cart", "--port", "80",
                      "--pcap", fifo, "-o", dir.appendingPathComponent("t.txt").path]] {
            let r = try netsim(args, timeout: 30)
            XCTAssertEqual(r.status, 2, "\(args): \(r.err)")
            XCTAssertTrue(r.err.contains("cannot write '\(fifo)': no process is reading the FIFO"), r.err)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["f"], "the trace is not written when its capture fails")
    }

    // MARK: 7 — standard input named twice, NS0803's wording

    func testStandardInputNamedTwiceIsRefused() throws {
        let r = try Netsim.run(["check", "-", "-"], stdin: try Data(contentsOf: Repo.root.appendingPathComponent(quickstart)), timeout: 60)
        XCTAssertEqual(r.status, 2, r.out + r.err)
        XCTAssertTrue(r.err.hasPrefix("netsim: error[NS0204]: '-' (standard input) is named more than once"), r.err)
        XCTAssertFalse(r.out.contains("NS0006"), r.out)
    }

    func testUnknownSettingIsIgnoredInTheFileButNotUnderSet() throws {
        let r = try netsim(["check", quickstart, "--set", "AWS_VPC_K8S_CNI_EXTERNALSNT=true"])
        XCTAssertEqual(r.status, 2, r.out)
        XCTAssertTrue(r.out.contains("error[NS0803]: aws-node setting 'AWS_VPC_K8S_CNI_EXTERNALSNT' is not one netsim knows\n"), r.out)
        XCTAssertFalse(r.out.contains("it is ignored"), "an error stops the run; nothing is ignored: \(r.out)")
        let dir = try tempDir()
        let file = try quickstart(replacing: "cni: {}", with: "cni: {AWS_VPC_K8S_CNI_EXTERNALSNT: \"true\"}", in: dir)
        let w = try netsim(["check", file])
        XCTAssertTrue(w.out.contains("warning[NS0803]: aws-node setting 'AWS_VPC_K8S_CNI_EXTERNALSNT' is not one netsim knows; it is ignored"), w.out)
    }
}
