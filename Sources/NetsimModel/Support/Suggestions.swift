/// Nearest-name suggestions for "did you mean" hints.
public enum Suggestions {
    /// Levenshtein distance over Unicode scalars, case-insensitive.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased().unicodeScalars), y = Array(b.lowercased().unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = Array(repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    /// Up to `limit` candidates closest to `name`, nearest first (ties in candidate order),
    /// keeping only those within a distance that scales with the name's length.
    /// Names longer than `maxNameLength` characters get no suggestions, and candidates whose
    /// length differs from the name's by more than the threshold are skipped unmeasured (the
    /// distance is at least the length difference), so the search costs at most
    /// candidates × `maxNameLength`² whatever the input holds.
    public static func nearest(to name: String, in candidates: some Sequence<String>, limit: Int = 3) -> [String] {
        guard let length = boundedCount(name, maxNameLength) else { return [] }
        let threshold = max(2, name.count / 3)
        var scored: [(Int, Int, String)] = []
        for (index, candidate) in unique(candidates).enumerated() {
            guard let other = boundedCount(candidate, length + threshold), abs(other - length) <= threshold else { continue }
            let d = distance(name, candidate)
            if d <= threshold { scored.append((d, index, candidate)) }
        }
        scored.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        return scored.prefix(limit).map { $0.2 }
    }

    /// Longest name (in Unicode scalars) a suggestion is searched for.
    public static let maxNameLength = 256

    /// The number of Unicode scalars of `s` (what `distance` compares), or nil once it passes
    /// `bound` (without counting on).
    public static func boundedCount(_ s: String, _ bound: Int) -> Int? {
        var n = 0
        for _ in s.unicodeScalars {
            n += 1
            if n > bound { return nil }
        }
        return n
    }

    /// "did you mean 'x'?" or "did you mean 'x', 'y' or 'z'?"; empty when there is nothing near.
    public static func didYouMean(_ name: String, in candidates: some Sequence<String>) -> String {
        phrase(nearest(to: name, in: candidates))
    }

    /// The names in their first order, each once (a workload's pods all map to its name).
    public static func unique(_ names: some Sequence<String>) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// "did you mean 'x'?" or "did you mean 'x', 'y' or 'z'?" for the given names; empty for none.
    public static func phrase(_ near: [String]) -> String {
        guard !near.isEmpty else { return "" }
        let quoted = unique(near).map { "'\(echo: $0)'" }
        if quoted.count == 1 { return "did you mean \(quoted[0])?" }
        return "did you mean " + quoted.dropLast().joined(separator: ", ") + " or \(quoted.last ?? "")?"
    }
}
