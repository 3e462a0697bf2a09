import Foundation

/// What a finished process left: its exit status, standard output and error, and whether it was
/// killed at its deadline.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var out: String
    public var err: String
    public var timedOut: Bool

    public init(status: Int32, out: String, err: String, timedOut: Bool = false) {
        self.status = status; self.out = out; self.err = err; self.timedOut = timedOut
    }
}

/// Runs programs to completion for tests: arguments, extra environment, working directory,
/// standard input, and an optional deadline. Output goes to files, so neither a large output nor
/// a grandchild holding the pipes open can block the test.
public enum Subprocess {
    /// Runs `executable` and waits for it; throws only when it cannot be started.
    ///
    /// - Parameters:
    ///   - input: standard input (empty when nil).
    ///   - cwd: the working directory (the test's own when nil).
    ///   - environment: set over the test's environment.
    ///   - timeout: seconds before the process is killed (`timedOut` is then true); none when nil.
    public static func launch(_ executable: String, _ arguments: [String], input: Data? = nil, cwd: URL? = nil,
                              environment: [String: String] = [:], timeout: TimeInterval? = nil) throws -> ProcessResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let cwd { p.currentDirectoryURL = cwd }
        if !environment.isEmpty {
            var env = ProcessInfo.processInfo.environment
            for (k, v) in environment { env[k] = v }
            p.environment = env
        }
        let scratch = try Scratch.makeDirectory(prefix: "netsim-run")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out"), errURL = scratch.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer { try? out.close(); try? err.close() }
        let stdin = Pipe()
        p.standardOutput = out; p.standardError = err; p.standardInput = stdin
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        // A child that exits before reading all its input must not kill the test with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        try p.run()
        // Feed standard input from another thread, so a large input cannot block the wait.
        let writer = stdin.fileHandleForWriting
        let data = input ?? Data()
        let fed = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            if !data.isEmpty { try? writer.write(contentsOf: data) }
            try? writer.close()
            fed.signal()
        }
        var timedOut = false
        if let timeout {
            if done.wait(timeout: .now() + timeout) == .timedOut {
                timedOut = true
                kill(p.processIdentifier, SIGKILL)
                done.wait()
            }
        } else {
            done.wait()
        }
        fed.wait()
        let o = (try? Data(contentsOf: outURL)) ?? Data(), e = (try? Data(contentsOf: errURL)) ?? Data()
        return ProcessResult(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self),
                             err: String(decoding: e, as: UTF8.self), timedOut: timedOut)
    }

    /// The same, never throwing: a program that cannot be started gives status -1 and the error.
    public static func run(_ executable: String, _ arguments: [String], input: String? = nil, cwd: URL? = nil,
                           environment: [String: String] = [:], timeout: TimeInterval? = nil) -> ProcessResult {
        do {
            return try launch(executable, arguments, input: input.map { Data($0.utf8) }, cwd: cwd,
                              environment: environment, timeout: timeout)
        } catch {
            return ProcessResult(status: -1, out: "", err: "\(error)")
        }
    }

    /// Starts `executable` in the background, its output discarded; the caller interrupts or
    /// terminates it and waits.
    public static func start(_ executable: String, _ arguments: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// The first executable `tool` on PATH, or nil.
    public static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// The first of `paths` that is an executable file, or nil.
    public static func firstExecutable(_ paths: [String]) -> String? {
        paths.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
