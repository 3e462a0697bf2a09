import ArgumentParser
import Foundation
import NetsimFlow
import NetsimPcap

/// Terminal and file output for commands: color only on a terminal and never with NO_COLOR;
/// files written atomically (a temporary file renamed into place), so a failed run leaves no
/// half-written output.
enum Output {
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    static var colorEnabled: Bool {
        stdoutIsTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    /// Color for messages on standard error (warnings printed beside a command's output).
    static var stderrColor: Bool {
        isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    static func print(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Writes `text` to `path` through a temporary file in the same folder and `rename(2)`,
    /// which replaces an existing file atomically. On failure it says why in one line, removes
    /// the temporary file and exits 2.
    static func writeAtomically(_ text: String, to path: String) throws {
        try replaceAtomically(path) { tmp in
            FileManager.default.createFile(atPath: tmp, contents: Data(text.utf8)) ? nil : "the folder is not writable"
        }
    }

    /// Writes a capture through libpcap the same way, so a failure leaves no half-written
    /// capture; standard output (`-`), a device, a FIFO or a symbolic link is written in place,
    /// never replaced.
    static func writePcapAtomically(_ records: [CaptureBuilder.Record], to path: String) throws {
        let frames = records.map { PcapFrame(timestampMicros: $0.timestampMicros, bytes: $0.bytes) }
        func write(_ target: String) -> String? {
            do { try Pcap.write(frames, to: target); return nil } catch { return error.message }
        }
        var info = stat()
        if path == "-" || (lstat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG) {
            if let why = write(path) {
                printError("netsim: cannot write '\(path)': \(why)\n")
                throw ExitCode(2)
            }
            return
        }
        try replaceAtomically(path, write)
    }

    /// Runs `write` on a temporary path beside `path` (it returns why it failed, or nil), then
    /// renames the result into place.
    static func replaceAtomically(_ path: String, _ write: (String) -> String?) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            printError("netsim: cannot write '\(path)': the folder '\(dir.path)' does not exist\n")
            throw ExitCode(2)
        }
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        var why = write(tmp.path)
        if why == nil, rename(tmp.path, url.path) != 0 { why = String(cString: strerror(errno)) }
        if let why {
            try? FileManager.default.removeItem(at: tmp)
            printError("netsim: cannot write '\(path)': \(why)\n")
            throw ExitCode(2)
        }
    }
}

/// A failure that has already been explained to the user; carries the exit code.
struct Failure: Error {
    var code: Int32
}
