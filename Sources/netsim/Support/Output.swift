import ArgumentParser
import Foundation
import NetsimFlow
import NetsimModel
import NetsimPcap

/// Terminal and file output for commands: color only on a terminal and never with NO_COLOR;
/// files written atomically (a temporary file renamed into place), so a failed run leaves no
/// half-written output; devices and FIFOs written in place; inputs never overwritten.
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

    /// Every file this run read (topologies, manifests, catalogs, scenarios, captures): an
    /// output may never replace one (netsim never writes its inputs). Commands run on one
    /// thread; this is set while loading, before any output is written.
    nonisolated(unsafe) static var inputs: [String] = []

    /// Records files read as inputs (names that are not files, such as `<stdin>`, are ignored).
    static func noteInputs(_ paths: some Sequence<String>) {
        inputs += paths.filter { $0 != "-" && !$0.hasPrefix("<") }
    }

    /// Writes `text` to `path` by `write(to:_:)`'s rules.
    static func writeAtomically(_ text: String, to path: String) throws {
        let data = Data(text.utf8)
        try write(to: path) { target in writeAll(data, to: target) }
    }

    /// Writes a capture through libpcap by the same rules.
    static func writePcapAtomically(_ records: [CaptureBuilder.Record], to path: String) throws {
        let frames = records.map { PcapFrame(timestampMicros: $0.timestampMicros, bytes: $0.bytes) }
        try write(to: path) { target in
            do { try Pcap.write(frames, to: target); return nil } catch let e as PcapError { return e.message } catch { return "\(error)" }
        }
    }

    /// The one path every output file takes (`-o`, `--csv`, `--svg`, `--pcap`). `write` writes
    /// the whole output to the path it is given (`-` for standard output) and returns why it
    /// failed, or nil.
    ///
    /// - `-` is standard output.
    /// - A new or regular file is written to a temporary file in the same folder and renamed
    ///   over the target (`rename(2)`), so a failed run leaves no half-written file.
    /// - A character or block device, a FIFO or a socket is written in place, never replaced.
    /// - A symbolic link is followed: what it points to is written by these rules (a regular
    ///   file replaced atomically beside its target, the link left as it is); a link to nothing
    ///   is written through, creating its target.
    /// - A folder, a path ending in `/`, and any file this run read as input are refused.
    /// Every failure says why in one line and exits 2.
    static func write(to path: String, _ write: (String) -> String?) throws {
        func fail(_ why: String) -> ExitCode {
            printError("netsim: cannot write '\(echo: path)': \(why)\n")
            return ExitCode(2)
        }
        if path == "-" {
            if let why = write("-") { throw fail(why) }
            return
        }
        if path.isEmpty { throw fail("the path is empty") }
        if path.hasSuffix("/") { throw fail("it names a folder; name a file") }
        var target = path
        var info = stat()
        if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK {
            guard let resolved = realpath(path, nil) else {
                // A link to nothing: written through, as the shell's > would.
                if let why = write(path) { throw fail(why) }
                return
            }
            target = String(cString: resolved)
            free(resolved)
        }
        if stat(target, &info) == 0 {
            let kind = info.st_mode & S_IFMT
            if kind == S_IFDIR { throw fail("it is a folder; name a file") }
            if kind != S_IFCHR, let input = inputs.first(where: { sameFile($0, info) }) {
                throw fail(input == path ? "it is an input of this run; netsim never writes its inputs"
                           : "it is the same file as the input '\(echo: input)'; netsim never writes its inputs")
            }
            if kind != S_IFREG {
                if let why = write(target) { throw fail(why) }
                return
            }
        } else if errno != ENOENT {
            throw fail(String(cString: strerror(errno)))
        }
        try replaceAtomically(target, display: path, write)
    }

    /// Whether `path` names the file `info` describes (same device and inode).
    static func sameFile(_ path: String, _ info: stat) -> Bool {
        var other = stat()
        return stat(path, &other) == 0 && other.st_dev == info.st_dev && other.st_ino == info.st_ino
    }

    /// Writes all of `data` to `path` (`-`: standard output), creating or truncating it; says
    /// why when any write, or the close, fails (a full disk, `/dev/full`).
    static func writeAll(_ data: Data, to path: String) -> String? {
        let fd = path == "-" ? STDOUT_FILENO : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        if fd < 0 { return String(cString: strerror(errno)) }
        // A FIFO whose reader went away is an error to report (EPIPE), not a signal to die of.
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        var why: String? = nil
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let n = Foundation.write(fd, base + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    why = String(cString: strerror(errno)); return
                }
                offset += n
            }
        }
        if fd != STDOUT_FILENO && close(fd) != 0 && why == nil { why = String(cString: strerror(errno)) }
        return why
    }

    /// Runs `write` on a temporary path beside `path`, then renames the result into place.
    static func replaceAtomically(_ path: String, display: String, _ write: (String) -> String?) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            printError("netsim: cannot write '\(echo: display)': the folder '\(echo: dir.path)' does not exist\n")
            throw ExitCode(2)
        }
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        var why = write(tmp.path)
        if why == nil, rename(tmp.path, url.path) != 0 { why = String(cString: strerror(errno)) }
        if let why {
            try? FileManager.default.removeItem(at: tmp)
            printError("netsim: cannot write '\(echo: display)': \(why)\n")
            throw ExitCode(2)
        }
    }
}

/// A failure that has already been explained to the user; carries the exit code.
struct Failure: Error {
    var code: Int32
}
