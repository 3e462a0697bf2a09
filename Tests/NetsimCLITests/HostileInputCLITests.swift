import Foundation
import NetsimTestSupport
import XCTest

/// Issue 12's hostile-input reproducers, run against the built binary: each one crashed, hung,
/// ran unbounded or destroyed a file before its fix. Every run has a deadline, so a regression
/// fails the test instead of hanging the suite.
final class HostileInputCLITests: XCTestCase {
    typealias Run = ProcessResult

    /// Runs netsim with `stdin` (empty when nil) in `cwd` (the repository by default), killing it
    /// after `timeout` seconds.
    static func netsim(_ args: [String], stdin: Data? = nil, cwd: URL? = nil, env: [String: String] = [:],
                       timeout: TimeInterval = 120) throws -> Run {
        try Netsim.run(args, stdin: stdin, cwd: cwd, env: env, timeout: timeout)
    }

    func netsim(_ args: [String], stdin: Data? = nil, cwd: URL? = nil, env: [String: String] = [:],
                timeout: TimeInterval = 120) throws -> Run {
        let r = try Self.netsim(args, stdin: stdin, cwd: cwd, env: env, timeout: timeout)
        XCTAssertFalse(r.timedOut, "netsim \(args.joined(separator: " ")) did not finish in \(timeout) s")
        return r
    }

    func tempDir() throws -> URL {
        let dir = try Scratch.makeDirectory(prefix: "netsim-hostile")
        addTeardownBlock { Scratch.remove(dir) }
        return dir
    }

    var quickstart: Data { get throws { try Data(contentsOf: Repo.root.appendingPathComponent("Topologies/quickstart.yaml")) } }

    // MARK: item 13 — one-character paths, and - for standard input

    func testOneCharacterPathsAreDiagnosedNotCrashed() throws {
        let dir = try tempDir()
        let missing = try netsim(["check", "x"], cwd: dir)
        XCTAssertEqual(missing.status, 2, missing.out + missing.err)
        XCTAssertTrue(missing.out.contains("x:1:1: error[NS0001]"), missing.out)
        let folder = try netsim(["check", "."], cwd: dir)
        XCTAssertEqual(folder.status, 2, folder.out + folder.err)
        XCTAssertTrue(folder.out.contains("error[NS0002]"), folder.out)
        // A one-character file name that exists is an ordinary check.
        try quickstart.write(to: dir.appendingPathComponent("q"))
        let one = try netsim(["check", "q"], cwd: dir)
        XCTAssertNotEqual(one.status, 132, one.err)
        XCTAssertTrue(one.out.contains("q:"), one.out)
        for cmd in [["trace", "x", "--from", "a", "--to", "b"], ["capacity", "x"], ["node", "x"]] {
            let r = try netsim(cmd, cwd: dir)
            XCTAssertEqual(r.status, 2, "\(cmd): \(r.out) \(r.err)")
        }
    }

    func testDashReadsTheTopologyFromStandardInput() throws {
        let r = try netsim(["check", "--strict", "-"], stdin: try quickstart, cwd: Repo.root.appendingPathComponent("Topologies"))
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertTrue(r.out.contains("6 held"), r.out)
        // Diagnostics name <stdin>; manifest globs resolve against the current directory.
        let broken = String(decoding: try quickstart, as: UTF8.self).replacingOccurrences(of: "instanceType: m5.large", with: "instanceType: m5.larg")
        let bad = try netsim(["check", "-"], stdin: Data(broken.utf8), cwd: Repo.root.appendingPathComponent("Topologies"))
        XCTAssertEqual(bad.status, 2, bad.out)
        XCTAssertTrue(bad.out.contains("<stdin>:"), bad.out)
        XCTAssertTrue(bad.out.contains("error[NS0802]"), bad.out)
        XCTAssertFalse(bad.out.contains("NS0705"), "globs found from the current directory: \(bad.out)")
        // Elsewhere the globs find nothing, and the hint says why (standard input: the current directory).
        let elsewhere = try netsim(["check", "-"], stdin: try quickstart, cwd: Repo.root)
        XCTAssertEqual(elsewhere.status, 2, elsewhere.out)
        XCTAssertTrue(elsewhere.out.contains("error[NS0705]") && elsewhere.out.contains("hint: the topology comes from standard input, so globs are relative to the current directory"), elsewhere.out)
        let empty = try netsim(["check", "-"], stdin: Data())
        XCTAssertEqual(empty.status, 2)
        XCTAssertTrue(empty.out.contains("<stdin>:1:1: error[NS0006]"), empty.out)
        let trace = try netsim(["trace", "-", "--from", "deployment:shop/frontend", "--to", "service:shop/cart", "--port", "80"], stdin: try quickstart,
                               cwd: Repo.root.appendingPathComponent("Topologies"))
        XCTAssertNotEqual(trace.status, 2, trace.out + trace.err)
        let oversized = try netsim(["check", "--max-input-size", "100", "-"], stdin: try quickstart)
        XCTAssertEqual(oversized.status, 2)
        XCTAssertTrue(oversized.out.contains("<stdin>:1:1: error[NS0005]"), oversized.out)
    }

    // MARK: item 15a — the input size limit at Int.max

    func testLargestInputSizeLimitDoesNotOverflow() throws {
        let option = try netsim(["check", "--max-input-size", "9223372036854775807", "Topologies/quickstart.yaml"])
        XCTAssertEqual(option.status, 0, option.out + option.err)
        let env = try netsim(["check", "Topologies/quickstart.yaml"], env: ["NETSIM_MAX_INPUT_BYTES": "9223372036854775807"])
        XCTAssertEqual(env.status, 0, env.out + env.err)
        let stdin = try netsim(["check", "--max-input-size", "9223372036854775807", "-"], stdin: try quickstart,
                               cwd: Repo.root.appendingPathComponent("Topologies"))
        XCTAssertEqual(stdin.status, 0, stdin.out + stdin.err)
    }

    // MARK: item 15d — special files matched by a manifest glob

    func testFIFOMatchedByAManifestGlobIsSkippedPromptly() throws {
        let dir = try tempDir()
        let k8s = dir.appendingPathComponent("k8s")
        try FileManager.default.createDirectory(at: k8s, withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(k8s.appendingPathComponent("pipe.yaml").path, 0o600), 0)
        try Data("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n".utf8).write(to: k8s.appendingPathComponent("ns.yaml"))
        let topology = """
        apiVersion: netsim/v1
        kind: Topology
        name: fifo
        vpc:
          name: main
          cidrBlocks: [10.0.0.0/16]
          subnets:
            - {name: a, zone: us-east-1a, cidr: 10.0.0.0/20}
        cluster:
          name: c
          nodeGroups:
            - {name: g, instanceType: m5.large, count: 1, subnets: [a]}
        kubernetes:
          manifests: ["k8s/*.yaml"]

        """
        try Data(topology.utf8).write(to: dir.appendingPathComponent("t.yaml"))
        let r = try netsim(["check", "t.yaml"], cwd: dir, timeout: 60)
        XCTAssertTrue(r.out.contains("t.yaml:14:"), r.out)
        XCTAssertTrue(r.out.contains("warning[NS0007]"), r.out)
        XCTAssertTrue(r.out.contains("k8s/pipe.yaml"), r.out)
        XCTAssertEqual(r.status, 0, r.out)
        XCTAssertEqual(try netsim(["check", "--strict", "t.yaml"], cwd: dir, timeout: 60).status, 1)
        // A glob that matches only the FIFO matches nothing readable.
        let only = topology.replacingOccurrences(of: "k8s/*.yaml", with: "k8s/pipe.yaml")
        try Data(only.utf8).write(to: dir.appendingPathComponent("only.yaml"))
        let o = try netsim(["check", "only.yaml"], cwd: dir, timeout: 60)
        XCTAssertEqual(o.status, 2, o.out)
        XCTAssertTrue(o.out.contains("warning[NS0007]") && o.out.contains("error[NS0705]"), o.out)
    }

    // MARK: item 14 — megabyte values: bounded suggestions and echoes

    func testMegabyteInstanceTypeIsEchoedClipped() throws {
        let long = String(repeating: "m", count: 1_000_000)
        let text = String(decoding: try quickstart, as: UTF8.self).replacingOccurrences(of: "instanceType: m5.large", with: "instanceType: \(long)")
        let dir = try tempDir()
        try FileManager.default.copyItem(at: Repo.root.appendingPathComponent("Topologies/k8s"), to: dir.appendingPathComponent("k8s"))
        try Data(text.utf8).write(to: dir.appendingPathComponent("big.yaml"))
        let r = try netsim(["check", "big.yaml"], cwd: dir)
        XCTAssertEqual(r.status, 2, String(r.out.prefix(2000)))
        XCTAssertTrue(r.out.contains("error[NS0802]"), String(r.out.prefix(2000)))
        XCTAssertTrue(r.out.contains("'" + String(repeating: "m", count: 119) + "…'"), String(r.out.prefix(2000)))
        XCTAssertLessThan(r.out.utf8.count + r.err.utf8.count, 20_000, "the value is not echoed whole")
    }

    // MARK: item 15c — unknown options beside --version/--help; out-of-range numbers

    func testUnknownOptionIsAUsageErrorWhateverElseIsOnTheLine() throws {
        for args in [["--bogus", "--version"], ["--version", "--bogus"], ["check", "--bogus", "--help"],
                     ["check", "Topologies/quickstart.yaml", "--bogus", "--version"], ["capacity", "-h", "--no-such=1"]] {
            let r = try netsim(args)
            XCTAssertEqual(r.status, 64, "\(args): \(r.out) \(r.err)")
            XCTAssertTrue(r.err.contains("Unknown option"), "\(args): \(r.err)")
            XCTAssertFalse(r.out.contains("0.1"), "no version printed: \(r.out)")
        }
        XCTAssertEqual(try netsim(["--version"]).status, 0)
        XCTAssertEqual(try netsim(["check", "--help"]).status, 0)
        XCTAssertEqual(try netsim(["trace", "--port", "80", "--format=json", "--help"]).status, 0)
    }

    func testOutOfRangeNumbersOnTheCommandLineExitTwo() throws {
        let trace = ["trace", "Topologies/quickstart.yaml", "--from", "deployment:shop/frontend", "--to", "service:shop/cart"]
        let cases: [[String]] = [
            trace + ["--port", "65536"], trace + ["--port", "-1"], trace + ["--port", "80", "--source-port", "0"],
            ["generate", "--nodes", "0"], ["generate", "--nodes", "-1"], ["generate", "--pods", "9223372036854775807"],
            ["check", "--max-input-size", "0", "Topologies/quickstart.yaml"], ["check", "--max-input-size", "-1", "Topologies/quickstart.yaml"],
            ["capacity", "Topologies/quickstart.yaml", "--pods", "-3"], ["capacity", "Topologies/quickstart.yaml", "--scale", "general=100001"],
            // Too big for the option's type, or negative for an unsigned one (hostile review 2):
            // these were ArgumentParser's usage error (64).
            ["simulate", "Topologies/quickstart.yaml", "--seed", "-1"], ["generate", "--seed", "-1"], ["generate", "--seed=-1"],
            ["capacity", "--instance-type", "m5.large", "--max-eni", "99999999999999999999"],
            ["generate", "--nodes", "99999999999999999999"], ["generate", "--nodes", "-99999999999999999999"],
            ["check", "Topologies/quickstart.yaml", "--max-input-size", "99999999999999999999"],
            ["describe", "Topologies/quickstart.yaml", "service:shop/cart", "--max-input-size", "-1"],
            trace + ["--seed", "-5"], trace + ["--port", "99999999999999999999"],
            // A negative churn is a value, not a missing one; an event past the longest run is
            // out of range as the same time in --duration is.
            ["simulate", "Topologies/quickstart.yaml", "--churn", "-5%"],
            ["simulate", "Topologies/quickstart.yaml", "--scale", "general=5@9223372036854775807s"],
            ["simulate", "Topologies/quickstart.yaml", "--duration", "9223372036854775807s"],
        ]
        for args in cases {
            let r = try netsim(args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.out) \(r.err)")
            XCTAssertTrue(r.err.hasPrefix("netsim: error[NS0"), "\(args): \(r.err)")
            XCTAssertEqual(r.err.filter { $0 == "\n" }.count, 1, "one line: \(args): \(r.err)")
        }
        // Durations whose seconds overflow are refused, not a crash (issue 12, 15a audit).
        for d in ["999999999999999999d", "9223372036854775807s1s", "106751991167301d"] {
            let r = try netsim(["simulate", "Topologies/quickstart.yaml", "--duration", d])
            XCTAssertEqual(r.status, 2, "\(d): \(r.err)")
        }
        // A value that is not a number at all is a usage error, as ArgumentParser reports it.
        XCTAssertEqual(try netsim(["generate", "--nodes", "many"]).status, 64)
    }

    // MARK: item 15b — output files never destroy what they replace

    /// A device node of this test's own (the kernel's null or full device, by number) in `dir`,
    /// or nil where mknod is not permitted. The real /dev entries are never written.
    func deviceNode(_ name: String, minor: UInt32, in dir: URL) -> String? {
        let path = dir.appendingPathComponent(name).path
        return mknod(path, S_IFCHR | 0o666, dev_t((1 << 8) | minor)) == 0 ? path : nil
    }

    func fileType(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
    }

    func testOutputToAFIFOIsWrittenInPlace() throws {
        let dir = try tempDir()
        let fifo = dir.appendingPathComponent("report.fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // The test holds the read end open (without blocking), so netsim's open for writing
        // succeeds at once; a report this small fits the pipe's buffer. If netsim replaced the
        // FIFO, this end simply reads nothing: no run can hang.
        let fd = open(fifo, O_RDONLY | O_NONBLOCK)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        let r = try netsim(["check", "Topologies/quickstart.yaml", "-o", fifo], timeout: 60)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(fileType(fifo), S_IFIFO, "the FIFO is still a FIFO")
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let n = read(fd, &buffer, buffer.count)
        XCTAssertTrue(n > 0 && String(decoding: buffer.prefix(max(0, n)), as: UTF8.self).contains("6 held"), "the report came through the FIFO")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["report.fifo"], "no temporary file left")
    }

    func testOutputToDevicesIsWrittenInPlaceAndErrorsReported() throws {
        let dir = try tempDir()
        guard let null = deviceNode("null", minor: 3, in: dir), let full = deviceNode("full", minor: 7, in: dir) else {
            throw XCTSkip("mknod is not permitted here")
        }
        let ok = try netsim(["check", "Topologies/quickstart.yaml", "-o", null])
        XCTAssertEqual(ok.status, 0, ok.err)
        XCTAssertEqual(fileType(null), S_IFCHR, "a device is written, not replaced")
        for args in [["check", "Topologies/quickstart.yaml", "-o", full],
                     ["generate", "-o", full],
                     ["trace", "Topologies/quickstart.yaml", "--from", "deployment:shop/frontend", "--to", "service:shop/cart", "--port", "80", "-o", full],
                     ["trace", "Topologies/quickstart.yaml", "--from", "deployment:shop/frontend", "--to", "service:shop/cart", "--port", "80", "--pcap", full],
                     ["capacity", "Topologies/quickstart.yaml", "-o", full],
                     ["simulate", "Topologies/quickstart.yaml", "--duration", "5m", "--csv", full]] {
            let r = try netsim(args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.err)")
            XCTAssertTrue(r.err.contains("cannot write '\(full)'"), "\(args): \(r.err)")
            XCTAssertEqual(fileType(full), S_IFCHR, "\(args)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["full", "null"])
    }

    func testInputsFoldersAndLinksAsOutputs() throws {
        let dir = try tempDir()
        let topo = dir.appendingPathComponent("t.yaml")
        try FileManager.default.copyItem(at: Repo.root.appendingPathComponent("Topologies/quickstart.yaml"), to: topo)
        try FileManager.default.copyItem(at: Repo.root.appendingPathComponent("Topologies/k8s"), to: dir.appendingPathComponent("k8s"))
        let original = try Data(contentsOf: topo)
        let manifest = "k8s/shop/cart.yaml"
        let manifestBytes = try Data(contentsOf: dir.appendingPathComponent(manifest))
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("alias.yaml").path, withDestinationPath: "t.yaml")
        for (args, why) in [(["check", "t.yaml", "-o", "t.yaml"], "never writes its inputs"),
                            (["check", "t.yaml", "-o", "./t.yaml"], "never writes its inputs"),
                            (["check", "t.yaml", "-o", "alias.yaml"], "never writes its inputs"),
                            (["check", "t.yaml", "-o", manifest], "never writes its inputs"),
                            (["capacity", "t.yaml", "-o", manifest], "never writes its inputs"),
                            (["check", "t.yaml", "-o", "newfile/"], "names a folder"),
                            (["check", "t.yaml", "-o", "k8s"], "is a folder")] {
            let r = try netsim(args, cwd: dir)
            XCTAssertEqual(r.status, 2, "\(args): \(r.err)")
            XCTAssertTrue(r.err.contains(why), "\(args): \(r.err)")
        }
        // The instance catalog is an input too.
        let catalog = dir.appendingPathComponent("catalog.json")
        try FileManager.default.copyItem(at: Repo.root.appendingPathComponent("Tests/NetsimTopologyTests/Fixtures/describe-instance-types.json"), to: catalog)
        let catalogBytes = try Data(contentsOf: catalog)
        let cat = try netsim(["check", "t.yaml", "--instance-catalog", "catalog.json", "-o", "catalog.json"], cwd: dir)
        XCTAssertEqual(cat.status, 2, cat.err)
        XCTAssertTrue(cat.err.contains("never writes its inputs"), cat.err)
        XCTAssertEqual(try Data(contentsOf: catalog), catalogBytes)
        XCTAssertEqual(try Data(contentsOf: topo), original)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent(manifest)), manifestBytes)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("newfile").path))
        // A link to another file is followed: the target is replaced, the link stays a link.
        try Data("old\n".utf8).write(to: dir.appendingPathComponent("target.txt"))
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("out.txt").path, withDestinationPath: "target.txt")
        let r = try netsim(["check", "t.yaml", "-o", "out.txt"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(fileType(dir.appendingPathComponent("out.txt").path), S_IFLNK)
        XCTAssertTrue(try String(contentsOf: dir.appendingPathComponent("target.txt"), encoding: .utf8).contains("6 held"))
        // - is standard output.
        let dash = try netsim(["check", "t.yaml", "-o", "-"], cwd: dir)
        XCTAssertTrue(dash.out.contains("6 held"), dash.out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("-").path))
    }

    // MARK: item 15 — replicas at the documented limit

    func testMillionReplicaDeploymentsAreCountedNotBuilt() throws {
        let dir = try tempDir()
        try FileManager.default.copyItem(at: Repo.root.appendingPathComponent("Topologies/quickstart.yaml"), to: dir.appendingPathComponent("q.yaml"))
        try FileManager.default.copyItem(at: Repo.root.appendingPathComponent("Topologies/k8s"), to: dir.appendingPathComponent("k8s"))
        var big = ""
        for i in 1...5 {
            big += """
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: big\(i), namespace: shop}
            spec:
              replicas: 1000000
              selector: {matchLabels: {app: big\(i)}}
              template:
                metadata: {labels: {app: big\(i)}}
                spec: {containers: [{name: c, image: nginx}]}

            """
        }
        try Data(big.utf8).write(to: dir.appendingPathComponent("k8s/shop/zz-big.yaml"))
        let cap = try netsim(["capacity", "q.yaml", "--format", "json", "--no-what-ifs"], cwd: dir)
        XCTAssertEqual(cap.status, 1, cap.err)
        let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(cap.out.utf8)) as? [String: Any])
        let listed = try XCTUnwrap(obj["unscheduledPods"] as? [[String: Any]])
        let count = try XCTUnwrap(obj["unscheduledPodCount"] as? Int)
        let running = try XCTUnwrap((obj["totals"] as? [String: Any])?["pods"] as? Int)
        XCTAssertLessThanOrEqual(listed.count, 5 * 20)
        XCTAssertGreaterThan(count, 5_000_000 - running)
        XCTAssertEqual(Set(listed.compactMap { $0["name"] as? String }).count, listed.count)
        let check = try netsim(["check", "q.yaml"], cwd: dir)
        XCTAssertEqual(check.status, 0, check.out + check.err)
        let text = try netsim(["capacity", "q.yaml", "--no-what-ifs"], cwd: dir)
        XCTAssertTrue(text.out.contains("Pods that cannot be scheduled (\(grouped(count)))"), text.out)
    }

    func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(d)
        }
        return out
    }
}
