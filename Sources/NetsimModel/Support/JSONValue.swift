/// The one JSON reader for the JSON that annotations carry (the load balancer controller's
/// `listen-ports`, `actions.*` and `conditions.*`): engines do not import Foundation. Depth and size are
/// bounded, so a hostile annotation cannot exhaust the stack.
public indirect enum JSONValue: Sendable, Equatable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.array(let x), .array(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// A member by key, as Go's `encoding/json` (which the controller decodes annotations with)
    /// fills a struct field: every key equal to the field's name, or differing only in case, is
    /// stored in turn, so the last one written wins (`{"contentType":"a","contentType":"b"}` is b).
    public subscript(_ key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        let folded = key.lowercased()
        return members.last { $0.0 == key || $0.0.lowercased() == folded }?.1
    }
    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var int: Int? {
        switch self {
        case .number(let d) where d == d.rounded() && abs(d) < 1e15: return Int(d)
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
                let start = i
                while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
                guard i > start, let d = Double(String(decoding: bytes[start..<i], as: UTF8.self)) else { throw fail("unexpected character") }
                return .number(d)
            }
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
                    case UInt8(ascii: "u"):
                        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16) else { throw fail("bad \\u escape") }
                        i += 4
                        out.append(contentsOf: Array(String(Character(Unicode.Scalar(v) ?? "?")).utf8))
                    default: out.append(e)
                    }
                    continue
                }
                out.append(c)
            }
            throw fail("unterminated string")
        }
    }
}
