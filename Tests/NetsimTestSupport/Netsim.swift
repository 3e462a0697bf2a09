import Foundation

/// The built `netsim` executable, run as a user runs it: from the repository root, with
/// `NO_COLOR=1`.
public enum Netsim {
    private final class Marker {}

    /// The netsim executable beside the test bundle (SwiftPM builds both into one folder).
    public static var binary: URL {
        var dir = Bundle(for: Marker.self).bundleURL.deletingLastPathComponent()
        let candidate = dir.appendingPathComponent("netsim")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return dir.appendingPathComponent("netsim")
    }

    /// Runs netsim with `args`, standard input `stdin` (empty when nil), in `cwd` (the repository
    /// root when nil), `env` set over the test's environment, killed after `timeout` seconds when
    /// one is given. Throws only when the binary cannot be started.
    public static func run(_ args: [String], stdin: Data? = nil, cwd: URL? = nil, env: [String: String] = [:],
                           timeout: TimeInterval? = nil) throws -> ProcessResult {
        var environment = ["NO_COLOR": "1"]
        for (k, v) in env { environment[k] = v }
        return try Subprocess.launch(binary.path, args, input: stdin, cwd: cwd ?? Repo.root,
                                     environment: environment, timeout: timeout)
    }
}
