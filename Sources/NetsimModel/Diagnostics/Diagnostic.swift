/// How serious a diagnostic is. Errors make a topology invalid (exit 2); warnings fail only
/// under `--strict`; notes are informational.
public enum Severity: String, Sendable, Comparable, CaseIterable {
    case error
    case warning
    case note

    var rank: Int { self == .error ? 0 : (self == .warning ? 1 : 2) }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One problem found in an input, located at `file:line:col`, with a stable code and a hint
/// that says what to change.
public struct Diagnostic: Hashable, Sendable {
    public var severity: Severity
    public var code: DiagnosticCode
    public var message: String
    public var location: SourceLocation
    /// What to change, e.g. "did you mean 'routeTable'?". Empty when there is nothing to add.
    public var hint: String
    /// Related places, e.g. "first defined here".
    public var notes: [Note]

    public struct Note: Hashable, Sendable {
        public var message: String
        public var location: SourceLocation
        public init(_ message: String, at location: SourceLocation) {
            self.message = message; self.location = location
        }
    }

    public init(_ severity: Severity, _ code: DiagnosticCode, _ message: String,
                at location: SourceLocation, hint: String = "", notes: [Note] = []) {
        self.severity = severity; self.code = code; self.message = message
        self.location = location; self.hint = hint; self.notes = notes
    }

    /// `FILE:LINE:COL: error[NS0201]: message`, followed by `  hint: …` and note lines.
    public var formatted: String {
        var text = "\(location): \(severity.rawValue)[\(code.id)]: \(message)"
        if !hint.isEmpty { text += "\n  hint: \(hint)" }
        for note in notes { text += "\n  \(note.location): note: \(note.message)" }
        return text
    }
}

/// An ordered, duplicate-free collection of diagnostics, sorted for output by location.
public struct DiagnosticBag: Sendable {
    public private(set) var items: [Diagnostic] = []
    private var seen: Set<Diagnostic> = []

    public init() {}

    public mutating func append(_ diagnostic: Diagnostic) {
        if seen.insert(diagnostic).inserted { items.append(diagnostic) }
    }

    public mutating func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation,
                               hint: String = "", notes: [Diagnostic.Note] = []) {
        append(Diagnostic(.error, code, message, at: location, hint: hint, notes: notes))
    }

    public mutating func warning(_ code: DiagnosticCode, _ message: String, at location: SourceLocation,
                                 hint: String = "", notes: [Diagnostic.Note] = []) {
        append(Diagnostic(.warning, code, message, at: location, hint: hint, notes: notes))
    }

    public var hasErrors: Bool { items.contains { $0.severity == .error } }
    public var errorCount: Int { items.filter { $0.severity == .error }.count }
    public var warningCount: Int { items.filter { $0.severity == .warning }.count }

    /// Sorted by file, line, column, then code: the order every renderer prints.
    public var sorted: [Diagnostic] {
        items.sorted { ($0.location, $0.code.id, $0.message) < ($1.location, $1.code.id, $1.message) }
    }
}
