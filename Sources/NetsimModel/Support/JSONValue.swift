/// The one JSON reader for the JSON that annotations carry (the load balancer controller's
/// `listen-ports`, `actions.*` and `conditions.*`): engines do not import Foundation. Depth and size are
/// bounded, so a hostile annotation cannot exhaust the stack. It reads as Go's `encoding/json` does
/// (the controller's decoder): the strict JSON grammar (no `+418`, no `0418`, only the escapes
/// JSON has, no raw control characters in strings), UTF-16 surrogate pairs joined and a lone
/// surrogate read as U+FFFD, and for a repeated key the last value wins.
public indirect enum JSONValue: Sendable, Equatable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    /// A number written as a whole number (`80`, `-3`, `9223372036854775808`).
    case number(Double)
    /// A number written with a fraction or an exponent (`80.0`, `8e1`), kept as written: Go
    /// refuses it for every integer field, and the controller's annotations have no other kind.
    case fraction(String)
    case bool(Bool)
    case null

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.array(let x), .array(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.fraction(let x), .fraction(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// A struct field by name, as Go's `encoding/json` (which the controller decodes annotations
    /// with) fills one: every key that matches the name, exactly or differing only in case, sets
    /// the field in turn, so the last such key wins (`{"type": "a", "Type": "b"}` is `b`).
    public subscript(_ key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        let folded = key.lowercased()
        return members.last { $0.0 == key || $0.0.lowercased() == folded }?.1
    }
    /// An object's members as Go decodes it into a map: one per key, the last value of a
    /// repeated key in the place of its first (`{"HTTP": 80, "HTTP": 8080}` is HTTP 8080 alone).
    public var mapMembers: [(String, JSONValue)]? {
        guard case .object(let members) = self else { return nil }
        var out: [(String, JSONValue)] = []
        var index: [String: Int] = [:]
        for (k, v) in members {
            if let i = index[k] { out[i].1 = v } else { index[k] = out.count; out.append((k, v)) }
        }
        return out
    }
    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var int: Int? {
        switch self {
        case .number(let d) where abs(d) < 1e15: return Int(d)
        case .string(let s): return Int(s)
        default: return nil
        }
    }
    /// Strings of an array of strings.
    public var strings: [String]? { array?.compactMap(\.string) }

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func parse(_ text: String) -> Result<JSONValue, ParseError> {
        var p = Parser(bytes: Array(text.utf8))
        guard p.bytes.count <= 1 << 20 else { return .failure(ParseError(description: "JSON longer than 1 MiB")) }
        do {
            let v = try p.value(depth: 0)
            p.space()
            guard p.i == p.bytes.count else { throw ParseError(description: "unexpected text after the JSON value at offset \(p.i)") }
            return .success(v)
        } catch let e as ParseError {
            return .failure(e)
        } catch {
            return .failure(ParseError(description: "\(error)"))
        }
    }

    struct Parser {
        var bytes: [UInt8]
        var i = 0
        mutating func space() { while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 } }
        func fail(_ m: String) -> ParseError { ParseError(description: "\(m) at offset \(i)") }
        mutating func literal(_ s: String, _ v: JSONValue) throws -> JSONValue {
            let b = Array(s.utf8)
            guard i + b.count <= bytes.count, Array(bytes[i..<i + b.count]) == b else { throw fail("unexpected character") }
            i += b.count
            return v
        }
        mutating func value(depth: Int) throws -> JSONValue {
            guard depth < 64 else { throw fail("JSON nested deeper than 64 levels") }
            space()
            guard i < bytes.count else { throw fail("unexpected end") }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var members: [(String, JSONValue)] = []
                space()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                while true {
                    space()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
                    let k = try string()
                    space()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                    i += 1
                    members.append((k, try value(depth: depth + 1)))
                    space()
                    guard i < bytes.count else { throw fail("unterminated object") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                    throw fail("expected ',' or '}'")
                }
            case UInt8(ascii: "["):
                i += 1
                var items: [JSONValue] = []
                space()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                while true {
                    items.append(try value(depth: depth + 1))
                    space()
                    guard i < bytes.count else { throw fail("unterminated list") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                    throw fail("expected ',' or ']'")
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            default:
                return try number()
            }
        }
        /// JSON's number grammar, as Go checks it: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
        mutating func number() throws -> JSONValue {
            let start = i
            func digit() -> Bool { i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 }
            func digits() throws {
                guard digit() else { throw fail(i < bytes.count ? "invalid character '\(Echo.clip(String(UnicodeScalar(bytes[i]))))' in a number" : "unexpected end in a number") }
                while digit() { i += 1 }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digit() else { throw fail(i < bytes.count && i == start ? "invalid character '\(Echo.clip(String(UnicodeScalar(bytes[i]))))' looking for a value" : "invalid number") }
            if bytes[i] == UInt8(ascii: "0") {
                i += 1
                if digit() { throw fail("a number may not start with 0 (write 418, not 0418)") }
            } else {
                try digits()
            }
            var whole = true
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") { i += 1; whole = false; try digits() }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1; whole = false
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                try digits()
            }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            if !whole { return .fraction(text) }
            return .number(Double(text) ?? .infinity)
        }
        mutating func hex4() -> UInt32? {
            guard i + 4 <= bytes.count else { return nil }
            var v: UInt32 = 0
            for b in bytes[i..<i + 4] {
                switch b {
                case 0x30...0x39: v = v << 4 | UInt32(b - 0x30)
                case 0x41...0x46: v = v << 4 | UInt32(b - 0x41 + 10)
                case 0x61...0x66: v = v << 4 | UInt32(b - 0x61 + 10)
                default: return nil
                }
            }
            i += 4
            return v
        }
        mutating func string() throws -> String {
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let c = bytes[i]
                i += 1
                if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                if c == UInt8(ascii: "\\") {
                    guard i < bytes.count else { break }
                    let e = bytes[i]
                    i += 1
                    switch e {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "u"):
                        guard var v = hex4() else { throw fail("invalid \\u escape (write \\u and four hex digits)") }
                        // A surrogate pair is one character; a lone surrogate is U+FFFD (Go).
                        if (0xD800...0xDBFF).contains(v), i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                            let save = i
                            i += 2
                            if let low = hex4(), (0xDC00...0xDFFF).contains(low) {
                                v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                i = save
                            }
                        }
                        let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
                        out.append(contentsOf: Array(String(scalar).utf8))
                    default:
                        i -= 1
                        throw fail("invalid escape '\\\(Echo.clip(String(UnicodeScalar(e))))' in a string (JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
                    }
                    continue
                }
                if c < 0x20 { i -= 1; throw fail("invalid control character \(Echo.clip(String(UnicodeScalar(c)))) in a string (write it as \\u00\(c < 0x10 ? "0" : "")\(String(c, radix: 16, uppercase: true)))") }
                out.append(c)
            }
            throw fail("unterminated string")
        }
    }
}
