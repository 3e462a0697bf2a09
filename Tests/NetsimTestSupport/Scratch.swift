import Foundation

/// A temporary folder for one test, removed by `remove()` or when the value goes away
/// (hold it until the test's last use of its files: `defer { scratch.remove() }`).
public final class Scratch: @unchecked Sendable {
    public let url: URL

    /// A new empty folder `prefix-UUID` in the system's temporary directory.
    public init(prefix: String = "netsim-test") {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { remove() }

    /// Deletes the folder and everything in it (again: no effect).
    public func remove() { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` to `name` (folders made as needed) and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) -> String {
        write(name, Data(text.utf8))
    }

    @discardableResult
    public func write(_ name: String, _ data: Data) -> String {
        let file = url.appendingPathComponent(name)
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? data.write(to: file)
        return file.path
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// A new folder `prefix-UUID` in the temporary directory, for tests that remove it themselves.
    public static func makeDirectory(prefix: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Deletes a folder made by `makeDirectory(prefix:)` (missing: no effect).
    public static func remove(_ dir: URL) { try? FileManager.default.removeItem(at: dir) }

    /// Runs `body` with a new folder that is removed afterwards, also when `body` throws.
    public static func with<T>(prefix: String = "netsim-test", _ body: (URL) throws -> T) throws -> T {
        let dir = try makeDirectory(prefix: prefix)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try body(dir)
    }
}
