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

    /// Writes a command's output to standard output. A failed write (`> /dev/full`, a closed
    /// standard output) says why on standard error and exits 2, as `-o` does. A pipe whose reader
    /// went away (`| head -c1`) keeps the Unix default: SIGPIPE ends the run quietly, as it does
    /// `cat`.
    static func print(_ text: String) throws {
        if let why = writeAll(Data(text.utf8), to: STDOUT_FILENO) {
            printError("netsim: cannot write to standard output: \(why)\n")
            throw ExitCode(2)
        }
    }

    /// Writes to standard error; a failure there has nowhere to be told and is ignored.
    static func printError(_ text: String) {
        _ = writeAll(Data(text.utf8), to: STDERR_FILENO)
    }

    /// Writes all of `data` to the open descriptor `fd`; nil, or why a write failed.
    static func writeAll(_ data: Data, to fd: Int32) -> String? {
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
        return why
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
        try write(to: path, textWriter(text))
    }

    /// Writes a capture through libpcap by the same rules.
    static func writePcapAtomically(_ records: [CaptureBuilder.Record], to path: String) throws {
        try write(to: path, pcapWriter(records))
    }

    /// A `write` for `write(to:_:)` and `writeAll(_:)` that writes `text`.
    static func textWriter(_ text: String) -> (String) -> String? {
        let data = Data(text.utf8)
        return { target in writeAll(data, to: target) }
    }

    /// A `write` that writes a capture through libpcap.
    static func pcapWriter(_ records: [CaptureBuilder.Record]) -> (String) -> String? {
        let frames = records.map { PcapFrame(timestampMicros: $0.timestampMicros, bytes: $0.bytes) }
        return { target in
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
    /// - A character or block device, a FIFO or a socket is written in place, never replaced. A
    ///   FIFO is first opened without blocking: with no reader (ENXIO) the run fails at once
    ///   instead of hanging.
    /// - A symbolic link is followed: what it points to is written by these rules (a regular
    ///   file replaced atomically beside its target, the link left as it is); a link to nothing
    ///   is written through, creating its target.
    /// - A folder, a path ending in `/`, and any file this run read as input are refused.
    /// Every failure says why in one line and exits 2.
    static func write(to path: String, _ write: @escaping (String) -> String?) throws {
        try writeAll([(path, write)])
    }

    /// Where one output goes once its path is checked.
    enum Destination {
        /// Written to a temporary file beside `target`, renamed over it at the end.
        case replace(target: String)
        /// Written in place: standard output, a device, a FIFO, a socket, a link to nothing.
        case inPlace(target: String, isFIFO: Bool)
    }

    /// Checks `path` by `write(to:_:)`'s rules without writing anything.
    static func destination(of path: String) -> Result<Destination, OutputError> {
        func fail(_ why: String) -> Result<Destination, OutputError> { .failure(OutputError(path: path, why: why)) }
        if path == "-" { return .success(.inPlace(target: "-", isFIFO: false)) }
        if path.isEmpty { return fail("the path is empty") }
        if path.hasSuffix("/") { return fail("it names a folder; name a file") }
        var target = path
        var info = stat()
        if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK {
            guard let resolved = realpath(path, nil) else {
                // A link to nothing: written through, as the shell's > would.
                return .success(.inPlace(target: path, isFIFO: false))
            }
            target = String(cString: resolved)
            free(resolved)
        }
        if stat(target, &info) == 0 {
            let kind = info.st_mode & S_IFMT
            if kind == S_IFDIR { return fail("it is a folder; name a file") }
            if kind != S_IFCHR, let input = inputs.first(where: { sameFile($0, info) }) {
                return fail(input == path ? "it is an input of this run; netsim never writes its inputs"
                            : "it is the same file as the input '\(echo: input)'; netsim never writes its inputs")
            }
            if kind != S_IFREG { return .success(.inPlace(target: target, isFIFO: kind == S_IFIFO)) }
        } else if errno != ENOENT {
            return fail(String(cString: strerror(errno)))
        }
        let dir = URL(fileURLWithPath: target).deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            return fail("the folder '\(echo: dir.path)' does not exist")
        }
        return .success(.replace(target: target))
    }

    /// Why an output cannot be written.
    struct OutputError: Error {
        var path: String
        var why: String
    }

    /// Refuses (exit 2) outputs of one run that would write the same place: two `-`, or two paths
    /// naming one file (the same device and inode, or the same resolved path when it does not
    /// exist yet). Called before any work, so the run does not compute for nothing.
    static func checkDistinct(_ outputs: [(option: String, path: String)]) throws {
        var seen: [(option: String, path: String, key: String)] = []
        for (option, path) in outputs where !path.isEmpty {   // an empty path is refused as such when written
            let key = identity(of: path)
            if let first = seen.first(where: { $0.key == key }) {
                let what = path == "-" ? "standard output" : "the same file '\(echo: path)'"
                throw TopologyInput.fail(.invalidValue, "\(first.option) and \(option) both write \(what); give each output its own file")
            }
            seen.append((option, path, key))
        }
    }

    /// What `path` writes to, as a comparable key: `-`, a device and inode, or a resolved path.
    static func identity(of path: String) -> String {
        if path == "-" { return "-" }
        var info = stat()
        if stat(path, &info) == 0 { return "inode:\(info.st_dev):\(info.st_ino)" }
        // Not there yet: its folder resolved, then its name.
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        if let resolved = realpath(dir, nil) {
            defer { free(resolved) }
            return "path:" + String(cString: resolved) + "/" + url.lastPathComponent
        }
        return "path:" + url.standardizedFileURL.path
    }

    /// Writes a set of outputs all or nothing, as far as files allow: every path is checked
    /// first; every regular file is written to its temporary file; then standard output,
    /// devices and FIFOs are written in place; only when all of that succeeded are the
    /// temporary files renamed into place. On any failure the temporary files are removed, so
    /// no regular file is replaced (what already went to a device or FIFO cannot be taken back).
    static func writeAll(_ outputs: [(path: String, write: (String) -> String?)]) throws {
        func fail(_ e: OutputError) -> ExitCode {
            printError("netsim: cannot write '\(echo: e.path)': \(e.why)\n")
            return ExitCode(2)
        }
        var planned: [(path: String, destination: Destination, write: (String) -> String?)] = []
        for (path, write) in outputs {
            switch destination(of: path) {
            case .failure(let e): throw fail(e)
            case .success(let d): planned.append((path, d, write))
            }
        }
        var temporaries: [(tmp: String, target: String, display: String)] = []
        func removeTemporaries() { for t in temporaries { unlink(t.tmp) } }
        for (i, p) in planned.enumerated() {
            guard case .replace(let target) = p.destination else { continue }
            let url = URL(fileURLWithPath: target)
            let tmp = url.deletingLastPathComponent()
                .appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(i)").path
            temporaries.append((tmp, target, p.path))
            if let why = p.write(tmp) {
                removeTemporaries()
                throw fail(OutputError(path: p.path, why: why))
            }
        }
        for p in planned {
            guard case .inPlace(let target, let isFIFO) = p.destination else { continue }
            var probe: Int32 = -1
            if isFIFO {
                // Opening a FIFO for writing blocks until a reader opens it; without blocking,
                // no reader is ENXIO. The probe stays open while `write` opens it again.
                probe = open(target, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
                if probe < 0 {
                    let why = errno == ENXIO ? "no process is reading the FIFO; start its reader first"
                        : String(cString: strerror(errno))
                    removeTemporaries()
                    throw fail(OutputError(path: p.path, why: why))
                }
            }
            let why = p.write(target)
            if probe >= 0 { close(probe) }
            if let why {
                removeTemporaries()
                throw fail(OutputError(path: p.path, why: why))
            }
        }
        for (i, t) in temporaries.enumerated() where rename(t.tmp, t.target) != 0 {
            let why = String(cString: strerror(errno))
            for rest in temporaries[i...] { unlink(rest.tmp) }
            throw fail(OutputError(path: t.display, why: why))
        }
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
        var why = writeAll(data, to: fd)
        if fd != STDOUT_FILENO && close(fd) != 0 && why == nil { why = String(cString: strerror(errno)) }
        return why
    }
}

/// A failure that has already been explained to the user; carries the exit code.
struct Failure: Error {
    var code: Int32
}
