import Foundation
import NetsimTestSupport
import XCTest

/// `netsim import kubernetes` run as a user runs it: the folder it writes, all or nothing, the
/// outputs it refuses, and a check and a trace of the result.
final class ImportKubernetesCLITests: XCTestCase {
    let dump = "Tests/NetsimTopologyTests/Fixtures/k8s-import/cluster.yaml"

    func netsim(_ args: [String], stdin: Data? = nil, cwd: URL? = nil) throws -> ProcessResult { try Netsim.run(args, stdin: stdin, cwd: cwd) }

    func files(under dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []).filter { !$0.hasSuffix("/") }
            .filter { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: dir + "/" + $0, isDirectory: &d) && !d.boolValue }.sorted()
    }

    func testWritesTheFolderAndSaysWhat() throws {
        let s = Scratch()
        let out = s.path("import")
        let r = try netsim(["import", "kubernetes", dump, "-o", out])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertEqual(files(under: out), ["manifests/_cluster/namespace.yaml", "manifests/shop/deployment.yaml", "manifests/shop/service.yaml",
                                           "observed.yaml", "topology-snippet.yaml"])
        XCTAssertTrue(r.out.contains("observed: 2 nodes, 3 pods, 2 cluster IPs in observed.yaml"), r.out)
        XCTAssertTrue(r.out.contains("not imported: 1 ConfigMap"), r.out)
        XCTAssertTrue(r.err.contains("warning[NS1572]"), r.err)
        // No temporary folder is left beside it.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: s.url.path), ["import"])
        // Standard input is a dump too.
        let piped = try netsim(["import", "kubernetes", "-", "-o", s.path("piped")], stdin: try Data(contentsOf: Repo.url(dump)))
        XCTAssertEqual(piped.status, 0, piped.err)
        XCTAssertEqual(try String(contentsOfFile: s.path("piped/observed.yaml"), encoding: .utf8),
                       try String(contentsOfFile: out + "/observed.yaml", encoding: .utf8))
    }

    func testRefusedOutputsWriteNothing() throws {
        let s = Scratch()
        s.write("full/keep.txt", "mine\n")
        let dumpCopy = s.write("dumps/cluster.yaml", try Repo.read(dump))
        s.write("afile", "x\n")
        for (out, inputs) in [(s.path("full"), [dump]), (dumpCopy, [dumpCopy]), (s.path("dumps/out"), [s.path("dumps")]),
                              (s.path("dumps"), [s.path("dumps")]), (s.path("afile"), [dump]), (s.path("nofolder/out"), [dump])] {
            let r = try netsim(["import", "kubernetes"] + inputs + ["-o", out])
            XCTAssertEqual(r.status, 2, "\(out): \(r.out)\(r.err)")
            XCTAssertTrue(r.err.contains("error[NS1577]"), r.err)
        }
        XCTAssertEqual(try String(contentsOfFile: s.path("full/keep.txt"), encoding: .utf8), "mine\n")
        XCTAssertEqual(try Repo.read(dump), try String(contentsOfFile: dumpCopy, encoding: .utf8))
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.path("dumps/out")))
        // '-' twice, no input: usage and input errors.
        XCTAssertEqual(try netsim(["import", "kubernetes", "-", "-", "-o", s.path("x")]).status, 2)
        XCTAssertEqual(try netsim(["import", "kubernetes", "-o", s.path("x")]).status, 64)
        XCTAssertEqual(try netsim(["import", "kubernetes", dump]).status, 64)
        XCTAssertEqual(try netsim(["import", "kubernetes", dump, "-o", s.path("x"), "--max-input-size", "0"]).status, 2)
    }

    func testBadInputIsLocatedAndNothingIsWritten() throws {
        let s = Scratch()
        let full = try Repo.read(dump)
        let truncated = s.write("cut.yaml", String(full.prefix(4000)) + "\n  - {a: [b")
        let r = try netsim(["import", "kubernetes", truncated, "-o", s.path("out")])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("\(truncated):") && r.err.contains("error[NS0101]"), r.err)
        XCTAssertTrue(r.err.contains("hint:"), r.err)
        XCTAssertTrue(r.err.contains("nothing written"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.path("out")))
        let topo = try netsim(["import", "kubernetes", "Topologies/quickstart.yaml", "-o", s.path("out")])
        XCTAssertEqual(topo.status, 2)
        XCTAssertTrue(topo.err.contains("error[NS1571]"), topo.err)
        let small = try netsim(["import", "kubernetes", dump, "-o", s.path("out"), "--max-input-size", "100"])
        XCTAssertEqual(small.status, 2)
        XCTAssertTrue(small.err.contains("NS0005"), small.err)
        XCTAssertEqual(try netsim(["import", "kubernetes", s.path("missing.yaml"), "-o", s.path("out")]).status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.path("out")))
    }

    func testImportCheckTrace() throws {
        let s = Scratch()
        var topology = try Repo.read("Topologies/quickstart.yaml")
        topology = topology.replacingOccurrences(of: "kubernetes:\n  manifests:\n    - k8s/shop/*.yaml\n", with: "")
        topology = String(topology[..<(topology.range(of: "expect:")?.lowerBound ?? topology.endIndex)])
        let path = s.write("quickstart.yaml", topology)
        let outside = try netsim(["import", "kubernetes", dump, "-o", NSTemporaryDirectory() + "/netsim-outside-\(UUID().uuidString)", "--topology", path])
        XCTAssertEqual(outside.status, 2)
        XCTAssertTrue(outside.err.contains("NS1577"), outside.err)
        let r = try netsim(["import", "kubernetes", dump, "-o", s.path("live"), "--topology", path])
        XCTAssertEqual(r.status, 0, r.err)
        let snippet = try String(contentsOfFile: s.path("live/topology-snippet.yaml"), encoding: .utf8)
        XCTAssertTrue(snippet.contains("\"live/manifests/**/*.yaml\"") && snippet.contains("observed: live/observed.yaml"), snippet)
        // The snippet, pasted as it is, makes a valid topology.
        s.write("quickstart.yaml", topology + snippet.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n") + "\n")
        let check = try netsim(["check", path])
        XCTAssertEqual(check.status, 0, check.out)
        XCTAssertTrue(check.out.contains("live/observed.yaml:10:5: warning[NS1581]"), check.out)
        let trace = try netsim(["trace", path, "--from", "pod:shop/cart-7d9c8b6f5-x7k2p", "--to", "service:shop/frontend", "--port", "80"])
        XCTAssertEqual(trace.status, 0, trace.out + trace.err)
        XCTAssertTrue(trace.out.contains("tcp 10.0.45.20:") && trace.out.contains("→ 172.20.118.40:80") && trace.out.contains("DELIVERED"), trace.out)
    }

    /// Objects kubectl writes client-side (no cluster contacted), wrapped in a List as
    /// `kubectl get -o json` wraps several objects.
    func testKubectlClientSideObjects() throws {
        guard let kubectl = Subprocess.firstExecutable(["/usr/bin/kubectl", "/usr/local/bin/kubectl"]) else { throw XCTSkip("kubectl is not installed") }
        let env = ["KUBECONFIG": "/dev/null"]
        var items: [Any] = []
        for args in [["create", "namespace", "web"], ["create", "deployment", "web", "--image=nginx", "--replicas=3", "--port=80", "-n", "web"],
                     ["create", "service", "clusterip", "web", "--tcp=80:80", "-n", "web"], ["create", "configmap", "settings", "--from-literal=a=b", "-n", "web"]] {
            let r = Subprocess.run(kubectl, args + ["--dry-run=client", "-o", "json"], environment: env)
            XCTAssertEqual(r.status, 0, r.err)
            items.append(try JSONSerialization.jsonObject(with: Data(r.out.utf8)))
        }
        let list: [String: Any] = ["apiVersion": "v1", "kind": "List", "metadata": ["resourceVersion": ""], "items": items]
        let s = Scratch()
        let input = s.write("kubectl.json", try JSONSerialization.data(withJSONObject: list, options: [.sortedKeys]))
        let r = try netsim(["import", "kubernetes", input, "-o", s.path("out")])
        XCTAssertEqual(r.status, 0, r.err)
        let deployment = try String(contentsOfFile: s.path("out/manifests/web/deployment.yaml"), encoding: .utf8)
        XCTAssertTrue(deployment.contains("replicas: 3") && !deployment.contains("creationTimestamp") && !deployment.contains("status"), deployment)
        XCTAssertTrue(r.err.contains("ConfigMap not imported"), r.err)
        // The written manifests load: a topology naming them checks clean of errors.
        var topology = try Repo.read("Topologies/quickstart.yaml")
        topology = topology.replacingOccurrences(of: "    - k8s/shop/*.yaml\n", with: "    - out/manifests/**/*.yaml\n")
        topology = String(topology[..<(topology.range(of: "expect:")?.lowerBound ?? topology.endIndex)])
        let check = try netsim(["check", s.write("t.yaml", topology)])
        XCTAssertEqual(check.status, 0, check.out)
    }
}
