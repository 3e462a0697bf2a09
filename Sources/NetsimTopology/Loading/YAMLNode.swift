import NetsimModel
import Yams

/// Helpers over Yams nodes: their location, kind and scalar meaning.
extension Node {
    /// 1-based line and column of the node in `file`.
    func location(in file: String) -> SourceLocation {
        guard let mark else { return SourceLocation(file: file, line: 1, column: 1) }
        return SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    /// "a mapping", "a list", "a string", "a number", "a boolean" or "null", for messages.
    var kindDescription: String {
        switch self {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let s):
            if s.isNull { return "null" }
            if s.style == .plain {
                if s.string.isBoolLiteral { return "a boolean" }
                if Int(s.string) != nil || Double(s.string) != nil { return "a number" }
            }
            return "a string"
        }
    }

    var isNullScalar: Bool {
        if case .scalar(let s) = self { return s.isNull }
        return false
    }
}

extension Node.Scalar {
    /// YAML 1.2 core-schema null: `~`, `null`, `Null`, `NULL` or nothing, unquoted.
    var isNull: Bool {
        style == .plain && (string.isEmpty || string == "~" || string == "null" || string == "Null" || string == "NULL")
    }
}

extension String {
    var isBoolLiteral: Bool { ["true", "false", "True", "False", "TRUE", "FALSE"].contains(self) }
}
