/// Input values quoted back in messages, bounded: a value longer than `Echo.limit` characters is
/// cut and ends with `…`, so a megabyte string in a topology costs a line, not a megabyte, in
/// every diagnostic that names it. Write `'\(echo: value)'` wherever a message repeats input.
public enum Echo {
    /// Most characters of one value repeated in a message (the `…` included).
    public static let limit = 120

    /// `value` itself when short, else its first `limit - 1` characters and `…`. Only the
    /// characters kept are visited, so the cost does not grow with the value's length.
    public static func clip(_ value: String) -> String {
        var end = value.startIndex
        var count = 0
        while end < value.endIndex {
            if count == limit - 1 {
                // One more character fits only when it is the last.
                return value.index(after: end) == value.endIndex ? value : String(value[..<end]) + "…"
            }
            end = value.index(after: end)
            count += 1
        }
        return value
    }
}

extension DefaultStringInterpolation {
    /// `"'\(echo: value)'"`: the value through `Echo.clip`.
    public mutating func appendInterpolation(echo value: some CustomStringConvertible) {
        appendLiteral(Echo.clip(value.description))
    }
}
