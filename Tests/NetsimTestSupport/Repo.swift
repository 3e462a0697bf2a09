import Foundation

/// The package root, found from this file's path (Tests/NetsimTestSupport/Repo.swift), and the
/// files under it. Tests that run the binary or read shipped topologies start from here.
public enum Repo {
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `relative` (e.g. "Topologies/quickstart.yaml") under the root.
    public static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// The same, as a path.
    public static func path(_ relative: String) -> String { url(relative).path }

    /// Makes the root the current directory, so diagnostics name files as a user at the root sees them.
    public static func enterRoot() {
        _ = FileManager.default.changeCurrentDirectoryPath(root.path)
    }

    public static func read(_ relative: String) throws -> String {
        try String(contentsOf: url(relative), encoding: .utf8)
    }

    /// The files of `folder` ending in `.ext`, sorted, as paths relative to the root.
    public static func files(in folder: String, ext: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path(folder))) ?? []
        return names.filter { $0.hasSuffix("." + ext) }.sorted().map { folder + "/" + $0 }
    }
}
