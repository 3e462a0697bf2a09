import Foundation
import NetsimTestSupport
import Testing

/// The outputs users parse and read, on the shipped topologies: every command of
/// `Tests/Goldens/cases.txt` is run with the built binary and compared byte for byte (standard
/// output, standard error, exit code; for `pcap-` cases also the capture and its replay) with
/// `Tests/Goldens/out/NAME`. After a deliberate change, `make goldens` re-records them all; the
/// diff is the review.
@Suite("Output goldens")
struct OutputGoldenTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var arguments: [String]
        var testDescription: String { name }
    }

    static let directory = Repo.root.appendingPathComponent("Tests/Goldens")
    static var recording: Bool { ProcessInfo.processInfo.environment["NETSIM_RECORD"] == "1" }

    static let cases: [Case] = {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("cases.txt"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line -> Case? in
            if line.hasPrefix("#") || line.allSatisfy({ $0 == " " }) { return nil }
            let words = shellWords(String(line))
            guard let name = words.first else { return nil }
            return Case(name: name, arguments: Array(words.dropFirst()))
        }
    }()

    /// Splits a line as `sh` would, for the quoting Python's `shlex.quote` writes (single quotes).
    static func shellWords(_ line: String) -> [String] {
        var words: [String] = [], current = "", inWord = false, quoted = false
        for c in line {
            if quoted {
                if c == "'" { quoted = false } else { current.append(c) }
            } else if c == "'" {
                quoted = true; inWord = true
            } else if c == " " {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(c); inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    @Test func everyCaseHasAGolden() throws {
        #expect(Self.cases.count > 100, "Tests/Goldens/cases.txt is missing or nearly empty")
        #expect(Set(Self.cases.map(\.name)).count == Self.cases.count, "case names repeat")
        if Self.recording { return }
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.appendingPathComponent("out").path)
        let expected = Set(Self.cases.flatMap { c in c.name.hasPrefix("pcap-") ? [c.name, c.name + ".pcap"] : [c.name] })
        #expect(Set(files) == expected, "goldens without a case, or cases without a golden: run make goldens")
    }

    @Test(arguments: cases) func outputMatchesGolden(_ c: Case) throws {
        var output = ""
        var pcap: Data? = nil
        if c.name.hasPrefix("pcap-") {
            let dir = URL(fileURLWithPath: Self.scratch).appendingPathComponent(UUID().uuidString)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let file = dir.appendingPathComponent("capture.pcap").path
            defer { output = output.replacingOccurrences(of: dir.lastPathComponent, with: "CASE") }
            output += Self.describe(try Netsim.run(c.arguments + ["--pcap", file]))
            pcap = try Data(contentsOf: URL(fileURLWithPath: file))
            let topology = c.arguments[1]
            output += "--- replay\n" + Self.describe(try Netsim.run(["replay", topology, file]))
            output += "--- replay --format json\n" + Self.describe(try Netsim.run(["replay", topology, file, "--format", "json"]))
        } else {
            output = Self.describe(try Netsim.run(c.arguments))
        }
        if let dir = c.name.hasPrefix("pcap-") ? Optional(Self.scratch) : nil { output = output.replacingOccurrences(of: dir, with: "$TMP") }
        let golden = Self.directory.appendingPathComponent("out").appendingPathComponent(c.name)
        if Self.recording {
            try FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(output.utf8).write(to: golden)
            if let pcap { try pcap.write(to: golden.appendingPathExtension("pcap")) }
            return
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(output == expected, "\(c.name) differs from its golden; if the change is deliberate, run make goldens and say why in the commit")
        if let pcap {
            #expect(pcap == (try Data(contentsOf: golden.appendingPathExtension("pcap"))), "\(c.name): the capture's bytes differ from the golden")
        }
    }

    /// Where `pcap-` cases write their captures (the path is masked in the golden).
    static let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("netsim-golden").path

    static func describe(_ r: ProcessResult) -> String {
        var s = r.out
        if !r.err.isEmpty { s += "--- stderr\n" + r.err }
        return s + "--- exit \(r.status)\n"
    }
}
