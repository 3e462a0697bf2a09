import NetsimModel

/// The API server's name and label rules (k8s.io/apimachinery/pkg/util/validation, v1.31):
/// what it refuses, netsim refuses, at the value's line and column.
enum KubernetesNames {
    static func isAlphanumeric(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
    static func isAlphanumericAnyCase(_ b: UInt8) -> Bool { isAlphanumeric(b) || (b >= 0x41 && b <= 0x5A) }

    /// `IsDNS1123Label`: 1–63 characters of a-z, 0-9 and '-', starting and ending alphanumeric.
    static func isDNS1123Label(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard (1...63).contains(b.count), let f = b.first, let l = b.last, isAlphanumeric(f), isAlphanumeric(l) else { return false }
        return b.allSatisfy { isAlphanumeric($0) || $0 == 0x2D }
    }

    /// `IsDNS1035Label`: a DNS-1123 label that starts with a letter (Service names).
    static func isDNS1035Label(_ s: String) -> Bool {
        guard let f = s.utf8.first, f >= 0x61 && f <= 0x7A else { return false }
        return isDNS1123Label(s)
    }

    /// `IsDNS1123Subdomain`: at most 253 characters; DNS-1123 labels joined by '.'.
    static func isDNS1123Subdomain(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard (1...253).contains(b.count), let f = b.first, let l = b.last, isAlphanumeric(f), isAlphanumeric(l) else { return false }
        for (i, c) in b.enumerated() {
            if isAlphanumeric(c) || c == 0x2D { continue }
            // '.' only between alphanumerics: no empty label, no label starting or ending with '-'.
            guard c == 0x2E, isAlphanumeric(b[i - 1]), i + 1 < b.count, isAlphanumeric(b[i + 1]) else { return false }
        }
        return true
    }

    /// The name part of a label key and a label value: up to 63 characters of A-Z, a-z, 0-9,
    /// '-', '_' and '.', starting and ending alphanumeric (`qualifiedNameFmt`).
    static func isQualifiedNamePart(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard (1...63).contains(b.count), let f = b.first, let l = b.last, isAlphanumericAnyCase(f), isAlphanumericAnyCase(l) else { return false }
        return b.allSatisfy { isAlphanumericAnyCase($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
    }

    /// Why `key` is not a label key (`IsQualifiedName`: an optional DNS-1123 subdomain prefix
    /// and '/', then a name part), or nil when it is one.
    static func labelKeyProblem(_ key: String) -> String? {
        let parts = key.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1: return isQualifiedNamePart(key) ? nil : namePartRule
        case 2:
            if !isDNS1123Subdomain(parts[0]) { return "its prefix must be a DNS-1123 subdomain (lowercase a-z, 0-9, '-' and '.', at most 253 characters)" }
            return isQualifiedNamePart(parts[1]) ? nil : namePartRule
        default: return "it may hold at most one '/'"
        }
    }

    /// Why `value` is not a label value (empty, or a name part), or nil.
    static func labelValueProblem(_ value: String) -> String? {
        value.isEmpty || isQualifiedNamePart(value) ? nil : namePartRule
    }

    static let namePartRule = "it must be at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit"

    /// Which rule the API server applies to `metadata.name` of `kind` (Services are checked
    /// where they are converted: a DNS-1035 label).
    static func nameRule(kind: String) -> (check: (String) -> Bool, rule: String)? {
        switch kind {
        case "Namespace": return (isDNS1123Label, "a DNS-1123 label: at most 63 characters of lowercase a-z, 0-9 and '-', starting and ending with a letter or digit")
        case "Service": return nil
        default: return (isDNS1123Subdomain, "a DNS-1123 subdomain: at most 253 characters of lowercase a-z, 0-9, '-' and '.', starting and ending with a letter or digit")
        }
    }
}
