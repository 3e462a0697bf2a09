import NetsimModel
import Yams

/// Collects diagnostics while a document is converted; shared by every reader of one load.
final class Reporter {
    var bag = DiagnosticBag()
    /// Errors that concern one `expect:` entry alone: `check` reports them as that entry's
    /// errors and still evaluates the other entries.
    var intentScoped: Set<Diagnostic> = []

    func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, hint: String = "",
               notes: [Diagnostic.Note] = []) {
        bag.error(code, message, at: location, hint: hint, notes: notes)
    }

    func warning(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, hint: String = "",
                 notes: [Diagnostic.Note] = []) {
        bag.warning(code, message, at: location, hint: hint, notes: notes)
    }
}

/// Reads one YAML mapping field by field, reporting wrong types as it goes and, at `finish()`,
/// every key that was never asked for as an unknown key with a "did you mean".
final class MappingReader {
    let file: String
    let location: SourceLocation
    /// Human name of this place, e.g. "subnet 'private-a'" or "vpc", used in messages; sharpened
    /// once the object's name is known.
    var context: String
    let reporter: Reporter
    private let pairs: [(key: Node, value: Node)]
    private var known: [String] = []
    private var valuesByKey: [String: Node] = [:]
    private var keyLocations: [String: SourceLocation] = [:]

    init(_ mapping: Node.Mapping, file: String, location: SourceLocation, context: String, reporter: Reporter) {
        self.file = file; self.location = location; self.context = context; self.reporter = reporter
        self.pairs = mapping.map { ($0.key, $0.value) }
        for (k, v) in pairs {
            guard case .scalar(let s) = k else { continue }
            valuesByKey[s.string] = v
            keyLocations[s.string] = k.location(in: file)
        }
    }

    /// A reader for `node` if it is a mapping; otherwise reports a wrong type and returns nil.
    static func make(_ node: Node, file: String, context: String, reporter: Reporter) -> MappingReader? {
        guard case .mapping(let m) = node else {
            reporter.error(.wrongType, "\(context) must be a mapping, found \(node.kindDescription)",
                           at: node.location(in: file))
            return nil
        }
        return MappingReader(m, file: file, location: node.location(in: file), context: context, reporter: reporter)
    }

    func has(_ key: String) -> Bool { valuesByKey[key] != nil }

    /// The raw node for `key` (null counts as absent), marking the key as known.
    func node(_ key: String) -> Node? {
        if !known.contains(key) { known.append(key) }
        guard let v = valuesByKey[key], !v.isNullScalar else { return nil }
        return v
    }

    func keyLocation(_ key: String) -> SourceLocation { keyLocations[key] ?? location }

    /// Where `key`'s value is written. A value that stands before its own key came through an
    /// alias (`accountId: *s`: the node is the anchor's): the key's line is where it is used.
    func valueLocation(_ key: String) -> SourceLocation {
        guard let v = valuesByKey[key]?.location(in: file) else { return location }
        if let k = keyLocations[key], (v.line, v.column) < (k.line, k.column) { return k }
        return v
    }

    func missing(_ key: String, hint: String = "") {
        reporter.error(.missingKey, "\(context) needs '\(echo: key)'", at: location, hint: hint)
    }

    // MARK: scalars

    func string(_ key: String, required: Bool = false, hint: String = "") -> String? {
        guard let n = node(key) else {
            if required { missing(key, hint: hint) }
            return nil
        }
        return Self.scalarString(n, what: "'\(echo: key)' of \(context)", file: file, reporter: reporter)
    }

    /// A located string value.
    func locatedString(_ key: String, required: Bool = false) -> (String, SourceLocation)? {
        guard let s = string(key, required: required) else { return nil }
        return (s, valueLocation(key))
    }

    static func scalarString(_ n: Node, what: String, file: String, reporter: Reporter) -> String? {
        guard case .scalar(let s) = n else {
            reporter.error(.wrongType, "\(what) must be a string, found \(n.kindDescription)", at: n.location(in: file))
            return nil
        }
        return s.string
    }

    func int(_ key: String, required: Bool = false, range: ClosedRange<Int>? = nil, code: DiagnosticCode = .invalidValue) -> Int? {
        guard let n = node(key) else {
            if required { missing(key) }
            return nil
        }
        return Self.scalarInt(n, what: "'\(echo: key)' of \(context)", range: range, code: code, file: file, reporter: reporter)
    }

    static func scalarInt(_ n: Node, what: String, range: ClosedRange<Int>?, code: DiagnosticCode = .invalidValue,
                          file: String, reporter: Reporter) -> Int? {
        guard case .scalar(let s) = n, let v = Int(s.string) else {
            reporter.error(.wrongType, "\(what) must be a whole number, found \(n.kindDescription)\(n.scalarSuffix)",
                           at: n.location(in: file))
            return nil
        }
        if let range, !range.contains(v) {
            reporter.error(code, "\(what) is \(v), outside \(range.lowerBound)–\(range.upperBound)",
                           at: n.location(in: file), hint: code == .naclRuleNumberRange
                            ? "rule numbers run 1–32766; the final '*' deny (32767) is added by AWS and cannot be written" : "")
            return nil
        }
        return v
    }

    func bool(_ key: String) -> Bool? {
        guard let n = node(key) else { return nil }
        guard case .scalar(let s) = n, s.string.isBoolLiteral else {
            reporter.error(.wrongType, "'\(echo: key)' of \(context) must be true or false, found \(n.kindDescription)\(n.scalarSuffix)",
                           at: n.location(in: file))
            return nil
        }
        return s.string.lowercased() == "true"
    }

    /// A string from a closed set; reports the allowed values and the nearest one.
    func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type, required: Bool = false) -> T?
    where T.RawValue == String {
        guard let s = string(key, required: required) else { return nil }
        if let v = T(rawValue: s) { return v }
        let allowed = T.allCases.map(\.rawValue)
        let dym = Suggestions.didYouMean(s, in: allowed)
        reporter.error(.invalidValue, "'\(echo: key)' of \(context) is '\(echo: s)'; expected one of \(allowed.joined(separator: ", "))",
                       at: valueLocation(key), hint: dym)
        return nil
    }

    // MARK: collections

    /// The items of a list value; a scalar or mapping where a list belongs is a wrong type.
    func list(_ key: String, required: Bool = false) -> [Node]? {
        guard let n = node(key) else {
            if required { missing(key) }
            return nil
        }
        guard case .sequence(let seq) = n else {
            reporter.error(.wrongType, "'\(echo: key)' of \(context) must be a list, found \(n.kindDescription)",
                           at: n.location(in: file))
            return nil
        }
        return Array(seq)
    }

    func stringList(_ key: String) -> [(String, SourceLocation)] {
        guard let items = list(key) else { return [] }
        return items.compactMap { item in
            Self.scalarString(item, what: "an item of '\(echo: key)' in \(context)", file: file, reporter: reporter)
                .map { ($0, item.location(in: file)) }
        }
    }

    func mapping(_ key: String, context child: String? = nil, required: Bool = false) -> MappingReader? {
        guard let n = node(key) else {
            if required { missing(key) }
            return nil
        }
        return MappingReader.make(n, file: file, context: child ?? "'\(echo: key)' of \(context)", reporter: reporter)
    }

    /// A mapping of string to string (tags, labels, env); non-scalar values are reported.
    func stringMap(_ key: String) -> [(key: String, value: String, location: SourceLocation)] {
        guard let n = node(key) else { return [] }
        guard case .mapping(let m) = n else {
            reporter.error(.wrongType, "'\(echo: key)' of \(context) must be a mapping, found \(n.kindDescription)",
                           at: n.location(in: file))
            return []
        }
        var out: [(key: String, value: String, location: SourceLocation)] = []
        for (k, v) in m {
            guard case .scalar(let ks) = k else { continue }
            guard case .scalar(let vs) = v else {
                reporter.error(.wrongType, "'\(echo: key + "." + ks.string)' of \(context) must be a string, found \(v.kindDescription)",
                               at: v.location(in: file))
                continue
            }
            out.append((ks.string, vs.isNull ? "" : vs.string, k.location(in: file)))
        }
        return out
    }

    /// Reports every key never asked for; `ignoring` lists keys that are accepted but unused.
    /// `severity: .warning` suits Kubernetes objects, where netsim reads only some fields.
    func finish(ignoring: [String] = [], severity: Severity = .error, code: DiagnosticCode = .unknownKey) {
        for (k, _) in pairs {
            guard case .scalar(let s) = k else {
                reporter.error(.wrongType, "keys in \(context) must be strings", at: k.location(in: file))
                continue
            }
            if known.contains(s.string) || ignoring.contains(s.string) { continue }
            let dym = Suggestions.didYouMean(s.string, in: known + ignoring)
            let hint = dym.isEmpty ? "allowed keys: \((known + ignoring).sorted().joined(separator: ", "))" : dym
            reporter.bag.append(Diagnostic(severity, code, "unknown key '\(echo: s.string)' in \(context)", at: k.location(in: file), hint: hint))
        }
    }
}

extension Node {
    /// " 'text'" for scalars, so messages show the offending value.
    var scalarSuffix: String {
        if case .scalar(let s) = self, !s.isNull { return " '\(echo: s.string)'" }
        return ""
    }
}
