/// A JSON value read from an AWS CLI output file, with the byte offset of every object so a
/// message can point at the resource it is about (`file:line:col`). netsim reads the JSON
/// itself (RFC 8259) rather than through Foundation so that a truncated or malformed file is
/// reported at the line and column where it breaks, and so that reading is one pass over bytes.
public indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// The number as written (AWS writes ports, rule numbers and sizes as integers).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o.fields[key] }
        return nil
    }

    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// A whole number (written as a number or as a numeric string, as some AWS fields are).
    public var int: Int? {
        switch self {
        case .number(let n): return Int(n)
        case .string(let s): return Int(s)
        default: return nil
        }
    }

    public var array: [JSONValue] {
        if case .array(let a) = self { return a }
        return []
    }

    public var object: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }
}

/// A JSON object: its fields and the byte offset of its `{` in the file.
public struct JSONObject: Sendable {
    public var fields: [String: JSONValue]
    public var offset: Int

    public subscript(key: String) -> JSONValue? { fields[key] }
    public func string(_ key: String) -> String? { fields[key]?.string }
    public func bool(_ key: String) -> Bool? { fields[key]?.bool }
    public func int(_ key: String) -> Int? { fields[key]?.int }
    public func array(_ key: String) -> [JSONValue] { fields[key]?.array ?? [] }
    public func objects(_ key: String) -> [JSONObject] { array(key).compactMap(\.object) }
    public func object(_ key: String) -> JSONObject? { fields[key]?.object }
}

/// Why a JSON text could not be read, at a byte offset.
public struct JSONSyntaxError: Error, Sendable {
    public var message: String
    public var offset: Int
}

/// Line starts of a text, to turn byte offsets into 1-based line and column (columns count
/// characters, not bytes).
public struct LineIndex: Sendable {
    let bytes: [UInt8]
    let starts: [Int]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        self.starts = starts
    }

    public func lineColumn(_ offset: Int) -> (line: Int, column: Int) {
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        var column = 1
        var i = starts[lo]
        let end = min(offset, bytes.count)
        while i < end {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return (lo + 1, column)
    }
}

/// A recursive-descent JSON reader over UTF-8 bytes.
public struct JSONReader {
    public static let maxDepth = 512

    let bytes: [UInt8]
    var i = 0
    var depth = 0

    public static func parse(_ bytes: [UInt8]) -> Result<JSONValue, JSONSyntaxError> {
        var r = JSONReader(bytes: bytes)
        // A byte-order mark is allowed and skipped.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { r.i = 3 }
        do {
            r.skipSpace()
            if r.i >= bytes.count { throw JSONSyntaxError(message: "the file holds no JSON value (it is empty)", offset: r.i) }
            let v = try r.value()
            r.skipSpace()
            if r.i < bytes.count { throw JSONSyntaxError(message: "unexpected text after the JSON value", offset: r.i) }
            return .success(v)
        } catch let e as JSONSyntaxError {
            return .failure(e)
        } catch {
            return .failure(JSONSyntaxError(message: "unreadable JSON", offset: r.i))
        }
    }

    mutating func skipSpace() {
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { i += 1 } else { break }
        }
    }

    func fail(_ message: String) -> JSONSyntaxError {
        if i >= bytes.count { return JSONSyntaxError(message: "the JSON ends early (truncated file?): \(message)", offset: bytes.count) }
        return JSONSyntaxError(message: message, offset: i)
    }

    mutating func value() throws -> JSONValue {
        guard i < bytes.count else { throw fail("expected a value") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try objectValue()
        case UInt8(ascii: "["): return try arrayValue()
        case UInt8(ascii: "\""): return .string(try stringValue())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try numberValue()
        default: throw fail("expected a value (object, list, string, number, true, false or null)")
        }
    }

    mutating func literal(_ word: String) throws {
        let p = Array(word.utf8)
        let n = p.count
        for k in 0..<n {
            guard i + k < bytes.count else { i = bytes.count; throw fail("expected '\(word)'") }
            if bytes[i + k] != p[k] { throw fail("expected '\(word)'") }
        }
        i += n
    }

    mutating func numberValue() throws -> JSONValue {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        var digits = 0
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1; digits += 1 }
        if digits == 0 { throw fail("expected digits in a number") }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            var frac = 0
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1; frac += 1 }
            if frac == 0 { throw fail("expected digits after the decimal point") }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            var exp = 0
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1; exp += 1 }
            if exp == 0 { throw fail("expected digits in the exponent") }
        }
        return .number(String(decoding: bytes[start..<i], as: UTF8.self))
    }

    mutating func stringValue() throws -> String {
        i += 1  // opening quote
        let start = i
        // Fast path: no escapes.
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: bytes[start..<i], as: UTF8.self)
                i += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw fail("a control character inside a string (a string must end on its line)") }
            i += 1
        }
        var out = Array(bytes[start..<min(i, bytes.count)])
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
            if b < 0x20 { throw fail("a control character inside a string (a string must end on its line)") }
            if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
            i += 1
            guard i < bytes.count else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00, i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    let low = try hex4()
                    if low >= 0xDC00 && low < 0xE000 { scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00) }
                    else { scalar = 0xFFFD }
                }
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                i -= 1
                throw fail("an unknown escape '\\\(Character(Unicode.Scalar(e)))' in a string")
            }
        }
        throw fail("a string that never ends")
    }

    mutating func hex4() throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard i < bytes.count else { throw fail("expected 4 hex digits after \\u") }
            let b = bytes[i]
            let d: UInt32
            switch b {
            case 0x30...0x39: d = UInt32(b - 0x30)
            case 0x41...0x46: d = UInt32(b - 0x41 + 10)
            case 0x61...0x66: d = UInt32(b - 0x61 + 10)
            default: throw fail("expected 4 hex digits after \\u")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    mutating func objectValue() throws -> JSONValue {
        let start = i
        depth += 1
        if depth > JSONReader.maxDepth { throw fail("more than \(JSONReader.maxDepth) levels of nesting") }
        defer { depth -= 1 }
        i += 1
        var fields: [String: JSONValue] = [:]
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(JSONObject(fields: fields, offset: start)) }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a key in quotes") }
            let key = try stringValue()
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after the key \"\(key.prefix(60))\"") }
            i += 1
            skipSpace()
            fields[key] = try value()
            skipSpace()
            guard i < bytes.count else { throw fail("expected ',' or '}'") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(JSONObject(fields: fields, offset: start)) }
            throw fail("expected ',' or '}'")
        }
    }

    mutating func arrayValue() throws -> JSONValue {
        depth += 1
        if depth > JSONReader.maxDepth { throw fail("more than \(JSONReader.maxDepth) levels of nesting") }
        defer { depth -= 1 }
        i += 1
        var items: [JSONValue] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            guard i < bytes.count else { throw fail("expected ',' or ']'") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            throw fail("expected ',' or ']'")
        }
    }
}
