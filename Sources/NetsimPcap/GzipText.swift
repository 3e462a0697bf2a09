import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a text input (a flow log) could not be read.
public struct TextInputError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable { case unreadable, device, folder, gzip }
    public var kind: Kind
    public var message: String
    public var description: String { message }
}

/// What `TextInput.read` found.
public struct TextInputSummary: Sendable, Equatable {
    public var gzip = false
    /// gzip members read (concatenated `.gz` files are one stream of members, as `zcat` reads them).
    public var members = 0
    public var compressedBytes: UInt64 = 0
    public var bytes: UInt64 = 0
}

/// Reads a file, a FIFO or standard input (`-`) a chunk at a time, inflating it through zlib
/// when it starts with the gzip magic bytes (1f 8b). A gzip stream cut before its end, or
/// corrupt, is an error: nothing read from it is kept by the caller.
public enum TextInput {
    public static let chunkSize = 1 << 18

    public static func read(_ path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> TextInputSummary {
        let fd: Int32
        if path == "-" { fd = 0 } else {
            fd = open(path, O_RDONLY | O_NONBLOCK)
            guard fd >= 0 else { throw TextInputError(kind: .unreadable, message: "cannot open it: \(String(cString: strerror(errno)))") }
        }
        defer { if fd != 0 { close(fd) } }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw TextInputError(kind: .unreadable, message: "cannot read it: \(String(cString: strerror(errno)))") }
        let type = st.st_mode & S_IFMT
        if type == S_IFDIR { throw TextInputError(kind: .folder, message: "it is a folder; name a flow log file") }
        if type == S_IFCHR || type == S_IFBLK, path != "-" { throw TextInputError(kind: .device, message: "it is a device; netsim reads regular files, FIFOs and standard input") }
        // Opened without blocking (a FIFO without a writer would hang open()); read blocking.
        if path != "-" { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) }

        var summary = TextInputSummary()
        var input = [UInt8](repeating: 0, count: chunkSize)
        var first = true
        var stream = z_stream()
        var inflating = false
        var memberOpen = false
        defer { if inflating { inflateEnd(&stream) } }
        var output = [UInt8](repeating: 0, count: chunkSize * 4)
        /// One inflate call into `output`; what it produced goes to `body`. Returns zlib's code
        /// and how many bytes it produced.
        func inflateStep() throws -> (Int32, Int) {
            var produced = 0
            let ret = output.withUnsafeMutableBytes { out -> Int32 in
                stream.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(out.count)
                let r = inflate(&stream, Z_NO_FLUSH)
                produced = out.count - Int(stream.avail_out)
                return r
            }
            if produced > 0 {
                summary.bytes += UInt64(produced)
                try output.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
            }
            return (ret, produced)
        }
        while true {
            let n = input.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, chunkSize) }
            if n < 0 {
                if errno == EINTR { continue }
                throw TextInputError(kind: .unreadable, message: "cannot read it: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            summary.compressedBytes += UInt64(n)
            if first {
                first = false
                if n >= 2 && input[0] == 0x1F && input[1] == 0x8B {
                    summary.gzip = true
                    guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                        throw TextInputError(kind: .gzip, message: "zlib could not start")
                    }
                    inflating = true
                }
            }
            guard inflating else {
                summary.bytes += UInt64(n)
                try input.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                continue
            }
            try input.withUnsafeMutableBytes { inBuf in
                stream.next_in = inBuf.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = uInt(n)
                while stream.avail_in > 0 {
                    if !memberOpen { memberOpen = true; summary.members += 1 }
                    let (ret, _) = try inflateStep()
                    switch ret {
                    case Z_OK, Z_BUF_ERROR: continue
                    case Z_STREAM_END:
                        memberOpen = false
                        inflateReset(&stream)
                    default:
                        let why = stream.msg.map { String(cString: $0) } ?? "error \(ret)"
                        throw TextInputError(kind: .gzip, message: "the gzip data is corrupt after \(summary.bytes) bytes of text (\(why))")
                    }
                }
            }
        }
        // Output still buffered inside zlib.
        if inflating && memberOpen {
            while true {
                let (ret, produced) = try inflateStep()
                if ret == Z_STREAM_END { memberOpen = false; break }
                if produced == 0 { break }
            }
            if memberOpen {
                throw TextInputError(kind: .gzip, message: "the gzip stream stops before its end (a truncated .gz file: \(summary.compressedBytes) bytes read, \(summary.bytes) bytes of text inflated)")
            }
        }
        return summary
    }

    /// Compresses `text` as one gzip member (for tests and the benchmark's generated logs).
    public static func gzip(_ text: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(text.count))) + 64)
        var input = text
        let produced = input.withUnsafeMutableBytes { inBuf in
            out.withUnsafeMutableBytes { outBuf -> Int in
                stream.next_in = inBuf.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = uInt(inBuf.count)
                stream.next_out = outBuf.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(outBuf.count)
                _ = deflate(&stream, Z_FINISH)
                return outBuf.count - Int(stream.avail_out)
            }
        }
        return Array(out.prefix(produced))
    }
}
