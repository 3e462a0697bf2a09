import Foundation
import NetsimTestSupport
import Testing
import NetsimModel
import NetsimTopology

/// Every hostile or broken input gives a located diagnostic with a stable code, in bounded
/// time and memory, never a crash or a hang.
@Suite struct BadInputTests {
    @Test func emptyFile() throws {
        let s = Scratch()
        let r = loader.load(path: s.write("empty.yaml", ""))
        #expect(r.codes == ["NS0006"])
        let comments = loader.load(path: s.write("comments.yaml", "# nothing here\n\n"))
        #expect(comments.codes == ["NS0006"])
    }

    @Test func directoryAndMissingFile() {
        let s = Scratch()
        #expect(loader.load(path: s.url.path).codes == ["NS0002"])
        let missing = loader.load(path: s.path("nope.yaml"))
        #expect(missing.codes == ["NS0001"])
        #expect(missing.diagnostics.first?.location.line == 1)
    }

    @Test func binaryFile() throws {
        let s = Scratch()
        let r = loader.load(path: s.write("bin.yaml", Data([0x61, 0x3A, 0x0A, 0x00, 0xFF, 0x10])))
        let d = try #require(r.first(.unreadable))
        #expect(d.location.line == 2 && d.location.column == 1)
    }

    @Test func notUTF8() throws {
        let s = Scratch()
        var bytes = Array("apiVersion: netsim/v1\nname: caf".utf8)
        bytes.append(0xE9)   // Latin-1 é
        bytes += Array("\n".utf8)
        let r = loader.load(path: s.write("latin1.yaml", Data(bytes)))
        let d = try #require(r.first(.notUTF8))
        #expect(d.location.line == 2 && d.location.column == 10)
        #expect(d.message.contains("0xe9"))
    }

    @Test(arguments: ["- a\n- b\n", "just a scalar\n", "42\n"])
    func topLevelNotMapping(text: String) {
        let s = Scratch()
        #expect(loader.load(path: s.write("t.yaml", text)).codes == ["NS0105"])
    }

    @Test func duplicateKeyPointsAtTheRepeat() throws {
        let s = Scratch()
        let text = minimalTopology.replacingOccurrences(of: "name: t\n", with: "name: t\nregion: us-west-2\n")
        let r = loader.load(path: s.write("dup.yaml", text))
        let d = try #require(r.first(.duplicateKey))
        #expect(d.message.contains("'region'"))
        #expect(d.location.line == 5 && d.location.column == 1)
        #expect(d.notes.first?.location.line == 4)
    }

    @Test func deepNestingIsRefused() throws {
        let s = Scratch()
        let deep = "a: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
        let r = loader.load(path: s.write("deep.yaml", deep))
        #expect(r.codes == ["NS0103"])
        let block = (0..<10_000).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n")
        #expect(loader.load(path: s.write("deepblock.yaml", block)).codes == ["NS0103"])
    }

    @Test func aliasBombIsRefused() throws {
        let s = Scratch()
        var text = "a: &a [x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 {
            let prev = i == 1 ? "a" : "l\(i - 1)"
            text += "l\(i): &l\(i) [*\(prev), *\(prev), *\(prev), *\(prev), *\(prev), *\(prev), *\(prev), *\(prev), *\(prev)]\n"
        }
        let r = loader.load(path: s.write("bomb.yaml", text))
        #expect(r.codes == ["NS0104"])
    }

    @Test func oversizedFileNamesTheLimitAndTheFix() throws {
        let s = Scratch()
        let path = s.write("big.yaml", String(repeating: "# padding\n", count: 200))
        var limits = LoadLimits()
        limits.maxFileBytes = 1000
        let r = TopologyLoader(limits: limits, catalog: loader.catalog).load(path: path)
        let d = try #require(r.first(.tooLarge))
        #expect(d.message.contains("1000 bytes"))
        #expect(d.hint.contains("--max-input-size") && d.hint.contains("NETSIM_MAX_INPUT_BYTES"))
    }

    @Test func multipleDocuments() {
        let s = Scratch()
        #expect(loader.load(path: s.write("two.yaml", minimalTopology + "---\n" + minimalTopology)).codes == ["NS0106"])
    }

    @Test func syntaxErrorIsLocated() throws {
        let s = Scratch()
        let r = loader.load(path: s.write("syn.yaml", "apiVersion: netsim/v1\nvpc: {cidrBlocks: [10.0.0.0/16\nname: x\n"))
        let d = try #require(r.first(.yamlSyntax))
        #expect(d.location.line >= 2)
    }

    @Test func manifestGlobMatchingNothing() throws {
        let s = Scratch()
        let r = loader.load(path: s.write("t.yaml", minimalTopology + "kubernetes:\n  manifests: [k8s/*.yaml]\n"))
        let d = try #require(r.first(.globMatchesNothing))
        #expect(d.location.line == 15 && d.location.column == 15)
    }

    @Test(arguments: ["../outside/*.yaml", "/etc/*.yaml", "k8s/../../x.yaml", "~/x.yaml"])
    func globEscapingTheFolderIsRefused(pattern: String) throws {
        let s = Scratch()
        let r = loader.load(path: s.write("t.yaml", minimalTopology + "kubernetes:\n  manifests: [\"\(pattern)\"]\n"))
        #expect(r.codes == ["NS0706"])
    }

    @Test func symlinkOutOfTheFolderIsRefused() throws {
        let outside = Scratch()
        outside.write("secret.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n")
        let s = Scratch()
        try FileManager.default.createDirectory(at: s.url.appendingPathComponent("k8s"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: s.path("k8s/link.yaml"), withDestinationPath: outside.path("secret.yaml"))
        let r = loader.load(path: s.write("t.yaml", minimalTopology + "kubernetes:\n  manifests: [k8s/*.yaml]\n"))
        #expect(r.codes == ["NS0706"])
    }

    @Test func crlfLineEndingsSimplyWork() throws {
        let s = Scratch()
        let text = try Repo.read("Topologies/quickstart.yaml")
        let dir = Repo.root.appendingPathComponent("Topologies/k8s/shop")
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            let body = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            s.write("k8s/shop/" + name, body.replacingOccurrences(of: "\n", with: "\r\n"))
        }
        let lf = loader.load(path: s.write("lf.yaml", text))
        let crlf = loader.load(path: s.write("crlf.yaml", text.replacingOccurrences(of: "\n", with: "\r\n")))
        #expect(lf.diagnostics.isEmpty)
        #expect(crlf.diagnostics.isEmpty)
        #expect(crlf.topology?.kubernetes.workloads.count == 2)
        #expect(crlf.topology?.vpcs.first?.subnets.map(\.id) == lf.topology?.vpcs.first?.subnets.map(\.id))
    }

    @Test func garbageDoesNotCrash() {
        // A spread of malformed snippets: each must produce diagnostics, never trap.
        let snippets = [
            "apiVersion: netsim/v1\nkind: Topology\nvpc: 5\n",
            "apiVersion: netsim/v1\nkind: Topology\nname: [a]\nvpc: {cidrBlocks: 10.0.0.0/16}\n",
            "apiVersion: netsim/v1\nkind: Topology\nname: x\nvpc: {cidrBlocks: [10.0.0.0/99], subnets: [{name: a}]}\n",
            "apiVersion: netsim/v1\nkind: Topology\nname: x\nvpc: {cidrBlocks: [10.0.0.0/16], subnets: {a: b}}\ncluster: [1]\n",
            "apiVersion: netsim/v1\nkind: Topology\nname: x\nvpc: {cidrBlocks: [10.0.0.0/16]}\nkubernetes: {manifests: [{kind: Service}, 3, {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {ports: [{port: 99999}]}}]}\n",
            "apiVersion: netsim/v1\nkind: Topology\nname: x\nvpc: {cidrBlocks: [10.0.0.0/16], routeTables: [{name: r, routes: [{destination: 1.2.3.4/40, target: nowhere}, {}]}]}\n",
            "{? [a, b] : c}\n",
        ]
        let s = Scratch()
        for (i, text) in snippets.enumerated() {
            let r = loader.load(path: s.write("g\(i).yaml", text))
            #expect(r.hasErrors, "snippet \(i) should be rejected")
            #expect(r.diagnostics.allSatisfy { $0.location.line >= 1 && $0.location.column >= 1 })
        }
    }
}
