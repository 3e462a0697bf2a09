/// Input values quoted back in messages, bounded: a value longer than `Echo.limit` characters is
/// cut and ends with `…`, so a megabyte string in a topology costs a line, not a megabyte, in
/// every diagnostic that names it. Write `'\(echo: value)'` wherever a message repeats input.
public enum Echo {
    /// Most characters of one value repeated in a message (the `…` included).
    public static let limit = 120

    /// `value` itself when short, else its first `limit - 1` characters and `…`; control
    /// characters (NUL, tab, newline, DEL, C1, …) are written as `\u{XX}` so that a NUL byte or an
    /// escape sequence never reaches the terminal. Only the characters kept are visited, so the
    /// cost does not grow with the value's length.
    public static func clip(_ value: String) -> String {
        var out = ""
        var count = 0
        var index = value.startIndex
        while index < value.endIndex {
            let next = value.index(after: index)
            if count == limit - 1 && next != value.endIndex { return out + "…" }
            for u in value[index].unicodeScalars { append(u, to: &out) }
            count += 1
            index = next
        }
        return out
    }

    /// C0 controls, DEL and C1 controls: what a terminal may act on rather than print.
    public static func isControl(_ u: Unicode.Scalar) -> Bool { u.value < 0x20 || (0x7F...0x9F).contains(u.value) }

    /// `u` itself, or `\u{XX}` for a control character.
    public static func append(_ u: Unicode.Scalar, to out: inout String) {
        if isControl(u) { out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}" } else { out.unicodeScalars.append(u) }
    }
}

extension DefaultStringInterpolation {
    /// `"'\(echo: value)'"`: the value through `Echo.clip`.
    public mutating func appendInterpolation(echo value: some CustomStringConvertible) {
        appendLiteral(Echo.clip(value.description))
    }
}
