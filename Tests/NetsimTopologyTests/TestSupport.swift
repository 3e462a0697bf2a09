import Foundation
import NetsimIPAM
import NetsimModel
import NetsimTopology

/// The package root, found from this file's path; tests run with it as the current directory
/// so diagnostics name files as a user at the root would see them.
enum Repo {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func enterRoot() {
        _ = FileManager.default.changeCurrentDirectoryPath(root.path)
    }

    static func read(_ relative: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
    }

    static func files(in folder: String, ext: String) -> [String] {
        let dir = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix("." + ext) }.sorted().map { folder + "/" + $0 }
    }
}

/// A scratch folder for one test, removed when the value goes away.
final class Scratch {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("netsim-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        write(name, Data(text.utf8))
    }

    @discardableResult
    func write(_ name: String, _ data: Data) -> String {
        let file = url.appendingPathComponent(name)
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? data.write(to: file)
        return file.path
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

let loader = TopologyLoader(catalog: .builtin)

extension LoadResult {
    var codes: [String] { diagnostics.map(\.code.id) }
    func first(_ code: DiagnosticCode) -> Diagnostic? { diagnostics.first { $0.code == code } }
}

/// A small valid topology used as a base for edits.
let minimalTopology = """
apiVersion: netsim/v1
kind: Topology
name: t
region: us-east-1
vpc:
  cidrBlocks: [10.0.0.0/16]
  subnets:
    - {name: a, zone: us-east-1a, cidr: 10.0.0.0/24}
cluster:
  name: c
  serviceCidr: 172.20.0.0/16
  nodeGroups:
    - {name: g, instanceType: m5.large, count: 2, subnets: [a]}

"""
