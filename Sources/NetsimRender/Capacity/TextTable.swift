import Foundation

/// Plain-text tables: left-aligned text, right-aligned numbers, two spaces between columns.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []
    /// Columns aligned right (numbers).
    var right: Set<Int>

    init(_ header: [String], right: Set<Int> = []) { self.header = header; self.right = right }

    mutating func add(_ row: [String]) { rows.append(row) }

    func render(indent: String = "", bold: (String) -> String = { $0 }) -> String {
        let all = [header] + rows
        var widths = Array(repeating: 0, count: header.count)
        for r in all { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ r: [String]) -> String {
            var parts: [String] = []
            for (i, c) in r.enumerated() where i < widths.count {
                let pad = String(repeating: " ", count: widths[i] - c.count)
                parts.append(right.contains(i) ? pad + c : (i == r.count - 1 ? c : c + pad))
            }
            return indent + parts.joined(separator: "  ")
        }
        var out = bold(line(header)) + "\n"
        for r in rows { out += line(r) + "\n" }
        return out
    }
}

/// Numbers for people: 1,152.
func grouped(_ n: Int) -> String {
    let s = String(abs(n))
    var out = ""
    for (i, ch) in s.enumerated() {
        if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return n < 0 ? "-" + out : out
}

/// A CSV field, quoted when it holds a comma, quote or newline (RFC 4180).
func csvField(_ s: String) -> String {
    if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return s
}
