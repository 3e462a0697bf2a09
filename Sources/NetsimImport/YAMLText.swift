/// Writing YAML text by hand, so the output is exactly what a person would write: block
/// mappings for resources, one flow mapping per rule or route, scalars quoted only when YAML
/// would otherwise read them as something else.
enum YAMLText {
    /// `s` as a YAML scalar: plain when it is made of letters, digits and `_ . / -` and does not
    /// read as a number, boolean or null; double-quoted with escapes otherwise.
    static func scalar(_ s: String) -> String {
        if isPlainSafe(s) { return s }
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 || u.value == 0x7F || (u.value >= 0x80 && u.value < 0xA0) || u.value == 0x2028 || u.value == 0x2029 || u.value == 0xFEFF {
                    let hex = String(u.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    static let wordsYAMLReads: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"]

    static func isPlainSafe(_ s: String) -> Bool {
        guard let first = s.utf8.first else { return false }
        if first == UInt8(ascii: "-") || first == UInt8(ascii: ".") { return false }
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "-"):
                continue
            default:
                return false
            }
        }
        if wordsYAMLReads.contains(s.lowercased()) { return false }
        // Anything a YAML 1.1 or 1.2 reader could take for a number (1.31, 1e3, 0x10, 0o7, 012).
        if s.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "_") }) { return false }
        if s.hasPrefix("0x") || s.hasPrefix("0o") || s.hasPrefix("0b") { return false }
        if s.lowercased() == ".inf" || s.lowercased() == ".nan" { return false }
        return true
    }

    /// `{k: v, …}` from pairs whose values are already YAML text.
    static func flow(_ pairs: [(String, String)]) -> String {
        "{" + pairs.filter { !$0.0.isEmpty }.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// `[a, b]` of scalars.
    static func list(_ items: [String]) -> String {
        "[" + items.map(scalar).joined(separator: ", ") + "]"
    }

    /// A mapping of tags or labels, keys sorted.
    static func map(_ m: [String: String]) -> String {
        flow(m.keys.sorted().map { (scalar($0), scalar(m[$0] ?? "")) })
    }
}

/// An indented text being written line by line.
struct TextOut {
    var text = ""
    mutating func line(_ indent: Int, _ s: String) {
        text += String(repeating: " ", count: indent) + s + "\n"
    }
    mutating func comment(_ indent: Int, _ s: String) {
        // A comment never holds a line break or control character: it would end the comment.
        let clean = String(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
        line(indent, "# " + clean)
    }
}
