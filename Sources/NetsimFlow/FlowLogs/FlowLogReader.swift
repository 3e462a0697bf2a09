import NetsimModel

/// One flow log record, as netsim reads it. `nil` is a field written `-` (or absent from the
/// format).
public struct FlowLogRecord: Sendable {
    public enum Action: UInt8, Sendable { case accept = 1, reject = 2 }
    public enum Status: UInt8, Sendable { case ok, noData, skipData, missing }
    public enum Direction: UInt8, Sendable { case ingress = 1, egress = 2 }
    /// 1-based line in the (decompressed) log.
    public var line: Int
    /// Index into `FlowLogReader.interfaceIDs`, or -1.
    public var interface: Int32
    public var source: IPAddress?
    public var destination: IPAddress?
    public var sourcePort: UInt16?
    public var destinationPort: UInt16?
    public var ipProtocol: UInt8?
    public var action: Action?
    public var status: Status
    public var direction: Direction?
    public var packets: UInt64
    public var bytes: UInt64
}

/// Reads VPC Flow Logs text a chunk at a time (lines may straddle chunks): the default version 2
/// format, custom formats with their header line (as written to Amazon S3), the same lines
/// each prefixed with an ISO 8601 timestamp (a CloudWatch Logs export to S3), and records
/// without a header in a format given by `--flow-log-format`. Stops at the first problem.
public struct FlowLogReader: Sendable {
    /// A record is well under a kilobyte; a line longer than this is not a flow log.
    public static let maxLineLength = 65_536

    public private(set) var format: FlowLogFormat?
    /// The format came from the command line (no header is needed; a header must match it).
    let given: Bool
    public private(set) var headerLine: Int? = nil
    public private(set) var line = 0
    public private(set) var records = 0
    public private(set) var headers = 0
    public private(set) var blankLines = 0
    /// Lines that carried a CloudWatch Logs export timestamp before the record.
    public private(set) var timestamped = 0
    public private(set) var version: (value: Int, line: Int)? = nil
    public private(set) var interfaceIDs: [String] = []
    var interfaceIndex: [String: Int32] = [:]
    var idByHash: [UInt64: Int32] = [:]
    var idBytes: [[UInt8]] = []
    var carry: [UInt8] = []
    var ranges: [Range<Int>] = []

    public init(format: FlowLogFormat? = nil) {
        self.format = format
        given = format != nil
        ranges.reserveCapacity(48)
    }

    /// Feeds decompressed bytes; calls `record` for each record read.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, _ record: (FlowLogRecord) -> Void) throws {
        let bytes = chunk.bindMemory(to: UInt8.self)
        var start = 0
        var i = 0
        let n = bytes.count
        while i < n {
            guard let nl = Self.newline(bytes, from: i) else { break }
            if carry.isEmpty {
                try lineOf(UnsafeBufferPointer(rebasing: bytes[start..<nl]), record)
            } else {
                carry.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<nl]))
                let l = carry
                carry.removeAll(keepingCapacity: true)
                try l.withUnsafeBufferPointer { try lineOf($0, record) }
            }
            i = nl + 1
            start = i
        }
        if start < n {
            carry.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<n]))
            if carry.count > Self.maxLineLength {
                throw FlowLogProblem(.lineTooLong, line: line + 1, column: 1, "a line longer than \(Self.maxLineLength) bytes: not a flow log record",
                                     hint: "a flow log record is one line of space-separated fields, well under a kilobyte; is this the right file?")
            }
        }
    }

    /// The end of the input: the last line may lack its newline.
    public mutating func finish(_ record: (FlowLogRecord) -> Void) throws {
        if !carry.isEmpty {
            let l = carry
            carry.removeAll()
            try l.withUnsafeBufferPointer { try lineOf($0, record) }
        }
    }

    @inline(__always) static func newline(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var i = from
        while i < b.count { if b[i] == 0x0A { return i }; i += 1 }
        return nil
    }

    mutating func lineOf(_ raw: UnsafeBufferPointer<UInt8>, _ record: (FlowLogRecord) -> Void) throws {
        line += 1
        var end = raw.count
        if end > Self.maxLineLength {
            throw FlowLogProblem(.lineTooLong, line: line, column: 1, "a line of \(end) bytes, longer than \(Self.maxLineLength): not a flow log record",
                                 hint: "a flow log record is one line of space-separated fields, well under a kilobyte; is this the right file?")
        }
        if end > 0 && raw[end - 1] == 0x0D { end -= 1 }
        // Split on spaces (and tabs); refuse control characters (a binary file, Parquet).
        ranges.removeAll(keepingCapacity: true)
        var i = 0
        while i < end {
            let c = raw[i]
            if c == 0x20 || c == 0x09 { i += 1; continue }
            let s = i
            while i < end {
                let d = raw[i]
                // One test for the common byte (a printable one above the space).
                if d > 0x20 && d != 0x7F { i += 1; continue }
                if d == 0x20 || d == 0x09 { break }
                throw FlowLogProblem(.binary, line: line, column: i + 1, "a control byte (0x\(String(d, radix: 16))) in the log: it is binary, not flow log text",
                                     hint: "netsim reads flow logs as plain text or gzip (.log.gz), as VPC Flow Logs writes them to S3; Parquet files are not read (publish with --log-format plain text, or convert them)")
            }
            ranges.append(s..<i)
        }
        if ranges.isEmpty { blankLines += 1; return }
        // A CloudWatch Logs export (create-export-task) writes each event as its ISO 8601
        // timestamp, a space, and the message.
        if Self.isTimestamp(raw, ranges[0]) {
            ranges.removeFirst()
            timestamped += 1
            if ranges.isEmpty { blankLines += 1; return }
        }
        if isHeader(raw) { try header(raw); return }
        let fmt: FlowLogFormat
        if let f = format { fmt = f } else {
            guard ranges.count == FlowLogField.defaultFormat.count else {
                throw FlowLogProblem(.unknownFormat, line: line, column: 1,
                                     "a record of \(ranges.count) fields and no header line: not the default format (\(FlowLogField.defaultFormat.count) fields)",
                                     hint: "give the flow log's format with --flow-log-format '${version} ${interface-id} …' (aws ec2 describe-flow-logs --query 'FlowLogs[].LogFormat' prints it), or read the S3 objects, whose first line is the header")
            }
            fmt = .default
            format = fmt
        }
        guard ranges.count == fmt.fields.count else {
            let col = ranges.count > fmt.fields.count ? ranges[fmt.fields.count].lowerBound + 1 : end + 1
            throw FlowLogProblem(.fieldCount, line: line, column: col,
                                 "a record of \(ranges.count) fields where the format has \(fmt.fields.count)\(headerLine.map { " (the header at line \($0))" } ?? "")",
                                 hint: "every record has one value per field of the format, '-' for a missing one; is the line cut, or from another flow log?")
        }
        var r = FlowLogRecord(line: line, interface: -1, source: nil, destination: nil, sourcePort: nil, destinationPort: nil, ipProtocol: nil,
                              action: nil, status: .missing, direction: nil, packets: 0, bytes: 0)
        for (k, f) in fmt.fields.enumerated() {
            let rg = ranges[k]
            if rg.count == 1 && raw[rg.lowerBound] == 0x2D { continue }   // "-"
            switch f {
            case .version:
                guard let v = Self.integer(raw, rg), v <= 255 else { throw bad(raw, rg, f, "a version number (2, 3, 4, 5, 7, 8)") }
                if let first = version {
                    if first.value != Int(v) {
                        throw FlowLogProblem(.mixedVersions, line: line, column: rg.lowerBound + 1,
                                             "a version \(v) record after version \(first.value) records (line \(first.line)): one log, one format",
                                             hint: "read the logs of each flow log separately; each flow log has one format")
                    }
                } else {
                    version = (Int(v), line)
                    if !given && headerLine == nil && v != 2 {
                        throw FlowLogProblem(.mixedVersions, line: line, column: rg.lowerBound + 1,
                                             "a version \(v) record in the default (version 2) format: a custom format needs its header line or --flow-log-format",
                                             hint: "give the flow log's format with --flow-log-format, or read the S3 objects with their header line")
                    }
                }
            case .interfaceID:
                // Interned by a hash of the bytes (checked against the stored bytes): no string per record.
                var h: UInt64 = 0xcbf2_9ce4_8422_2325
                for b in rg { h = (h ^ UInt64(raw[b])) &* 0x100_0000_01b3 }
                if let k = idByHash[h], Self.same(idBytes[Int(k)], raw, rg) { r.interface = k } else {
                    let s = String(decoding: UnsafeBufferPointer(rebasing: raw[rg]), as: UTF8.self)
                    if let k = interfaceIndex[s] { r.interface = k } else {
                        let k = Int32(interfaceIDs.count)
                        interfaceIDs.append(s); interfaceIndex[s] = k; r.interface = k
                        idBytes.append(Array(UnsafeBufferPointer(rebasing: raw[rg])))
                        if idByHash[h] == nil { idByHash[h] = k }
                    }
                }
            case .srcaddr, .dstaddr:
                guard let a = Self.address(raw, rg) else { throw bad(raw, rg, f, "an IPv4 or IPv6 address") }
                if f == .srcaddr { r.source = a } else { r.destination = a }
            case .srcport, .dstport:
                guard let p = Self.integer(raw, rg), p <= 65535 else { throw bad(raw, rg, f, "a port, 0 to 65535") }
                if f == .srcport { r.sourcePort = UInt16(p) } else { r.destinationPort = UInt16(p) }
            case .ipProtocol:
                guard let p = Self.integer(raw, rg), p <= 255 else { throw bad(raw, rg, f, "an IANA protocol number, 0 to 255") }
                r.ipProtocol = UInt8(p)
            case .packets, .bytes:
                guard let p = Self.integer(raw, rg) else { throw bad(raw, rg, f, "a count, 0 to 9223372036854775807") }
                if f == .packets { r.packets = p } else { r.bytes = p }
            case .start, .end, .tcpFlags:
                guard Self.integer(raw, rg) != nil else { throw bad(raw, rg, f, f == .tcpFlags ? "the TCP flags as a number" : "a time in Unix seconds") }
            case .action:
                if Self.equals(raw, rg, "ACCEPT") { r.action = .accept } else if Self.equals(raw, rg, "REJECT") { r.action = .reject } else {
                    throw bad(raw, rg, f, "ACCEPT, REJECT or -")
                }
            case .logStatus:
                if Self.equals(raw, rg, "OK") { r.status = .ok } else if Self.equals(raw, rg, "NODATA") { r.status = .noData }
                else if Self.equals(raw, rg, "SKIPDATA") { r.status = .skipData } else { throw bad(raw, rg, f, "OK, NODATA, SKIPDATA or -") }
            case .flowDirection:
                if Self.equals(raw, rg, "ingress") { r.direction = .ingress } else if Self.equals(raw, rg, "egress") { r.direction = .egress } else {
                    throw bad(raw, rg, f, "ingress, egress or -")
                }
            default:
                continue
            }
        }
        if r.status == .missing && r.action != nil && fmt.slot[.logStatus] == nil { r.status = .ok }
        records += 1
        record(r)
    }

    func bad(_ raw: UnsafeBufferPointer<UInt8>, _ rg: Range<Int>, _ f: FlowLogField, _ want: String) -> FlowLogProblem {
        let text = String(decoding: UnsafeBufferPointer(rebasing: raw[rg.lowerBound..<min(rg.upperBound, rg.lowerBound + 200)]), as: UTF8.self)
        return FlowLogProblem(.badValue, line: line, column: rg.lowerBound + 1, "\(f.rawValue) '\(echo: text)' is not \(want)",
                              hint: "is the format right? this record is read as \(format?.fields.count ?? 0) fields: \(format?.description ?? "")")
    }

    /// A line of field names: every word is lowercase letters, digits, '-' or `${…}`, and one
    /// of them is a field name (or none has a digit).
    func isHeader(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        var digits = false
        // Every byte first, from the last word (a record's ends in ACCEPT OK, NODATA, an
        // uppercase word or an address): a record is refused at its first byte, with no string
        // made of its words.
        for rg in ranges.reversed() {
            for k in rg {
                let c = raw[k]
                let ok = (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x24 || c == 0x7B || c == 0x7D || c == 0x5F
                if !ok { return false }
                if c >= 0x30 && c <= 0x39 { digits = true }
            }
        }
        if !digits { return true }
        for rg in ranges where rg.count > 1 {
            if FlowLogField.named(String(decoding: UnsafeBufferPointer(rebasing: raw[rg]), as: UTF8.self)) != nil { return true }
        }
        return false
    }

    mutating func header(_ raw: UnsafeBufferPointer<UInt8>) throws {
        var fields: [FlowLogField] = []
        for rg in ranges {
            var word = String(decoding: UnsafeBufferPointer(rebasing: raw[rg]), as: UTF8.self)
            if word.hasPrefix("${") && word.hasSuffix("}") { word = String(word.dropFirst(2).dropLast()) }
            guard let f = FlowLogField.named(word) else {
                throw FlowLogProblem(.unknownField, line: line, column: rg.lowerBound + 1, "unknown flow log field '\(echo: word)' in the header", hint: FlowLogProblem.nearestField(word))
            }
            if fields.contains(f) {
                throw FlowLogProblem(.duplicateField, line: line, column: rg.lowerBound + 1, "the header names '\(f.rawValue)' twice", hint: "a flow log format names each field once")
            }
            fields.append(f)
        }
        let f = FlowLogFormat(fields: fields)
        if let p = f.missingRequired(line: line, column: 1) { throw p }
        headers += 1
        if let current = format, current != f {
            let was = headerLine.map { "the header at line \($0)" } ?? (given ? "--flow-log-format" : "the default format of the records before it")
            throw FlowLogProblem(.mixedFormats, line: line, column: 1, "a header with other fields than \(was): one log, one format",
                                 hint: "read the logs of each flow log separately (each S3 object starts with its flow log's header)")
        }
        format = f
        if headerLine == nil { headerLine = line }
    }

    // MARK: values

    @inline(__always) static func same(_ a: [UInt8], _ raw: UnsafeBufferPointer<UInt8>, _ rg: Range<Int>) -> Bool {
        guard a.count == rg.count else { return false }
        var k = rg.lowerBound
        for b in a { if raw[k] != b { return false }; k += 1 }
        return true
    }

    @inline(__always) static func equals(_ raw: UnsafeBufferPointer<UInt8>, _ rg: Range<Int>, _ s: StaticString) -> Bool {
        guard rg.count == s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        for k in 0..<rg.count where raw[rg.lowerBound + k] != p[k] { return false }
        return true
    }

    /// A decimal 0…Int64.max; nil for anything else (a sign, a letter, an overflow).
    @inline(__always) static func integer(_ raw: UnsafeBufferPointer<UInt8>, _ rg: Range<Int>) -> UInt64? {
        guard !rg.isEmpty, rg.count <= 19 else { return nil }
        var v: UInt64 = 0
        for k in rg {
            let c = raw[k] &- 0x30
            guard c <= 9 else { return nil }
            v = v &* 10 &+ UInt64(c)
        }
        return v <= UInt64(Int64.max) ? v : nil
    }

    static func address(_ raw: UnsafeBufferPointer<UInt8>, _ rg: Range<Int>) -> IPAddress? {
        // Dotted quad, fast.
        var value: UInt32 = 0, octet: UInt32 = 0, digits = 0, dots = 0
        var v4 = true
        for k in rg {
            let c = raw[k]
            if c == 0x2E {
                if digits == 0 || dots == 3 { v4 = false; break }
                value = value << 8 | octet; octet = 0; digits = 0; dots += 1
            } else if c >= 0x30 && c <= 0x39 {
                octet = octet * 10 + UInt32(c - 0x30); digits += 1
                if digits > 3 || octet > 255 { v4 = false; break }
            } else { v4 = false; break }
        }
        if v4 && digits > 0 && dots == 3 { return .ipv4(IPv4Address(value << 8 | octet)) }
        guard rg.count <= 45 else { return nil }
        let s = String(decoding: UnsafeBufferPointer(rebasing: raw[rg]), as: UTF8.self)
        guard s.contains(":"), let a = IPv6Address(s) else { return nil }
        return .ipv6(a)
    }

    /// `2024-05-01T10:00:00.000Z` (or with an offset): what a CloudWatch Logs export writes first.
    static func isTimestamp(_ raw: UnsafeBufferPointer<UInt8>, _ rg: Range<Int>) -> Bool {
        guard rg.count >= 20 else { return false }
        let b = rg.lowerBound
        func digit(_ k: Int) -> Bool { raw[b + k] >= 0x30 && raw[b + k] <= 0x39 }
        return digit(0) && digit(1) && digit(2) && digit(3) && raw[b + 4] == 0x2D && digit(5) && digit(6) && raw[b + 7] == 0x2D
            && digit(8) && digit(9) && raw[b + 10] == 0x54 && raw[b + 13] == 0x3A
    }
}
