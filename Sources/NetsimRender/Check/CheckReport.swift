import NetsimModel

/// The outcome of `netsim check` over one or more files.
public struct CheckReport: Sendable {
    public struct FileResult: Sendable {
        public var path: String
        public var diagnostics: [Diagnostic]
        public var topologyName: String?
        /// Manifest files the topology pulled in.
        public var manifests: [String]
        public init(path: String, diagnostics: [Diagnostic], topologyName: String?, manifests: [String] = []) {
            self.path = path; self.diagnostics = diagnostics; self.topologyName = topologyName; self.manifests = manifests
        }
        public var errors: Int { diagnostics.filter { $0.severity == .error && !$0.code.isIntentResult }.count }
        public var warnings: Int { diagnostics.filter { $0.severity == .warning && !$0.code.isIntentResult }.count }
        public var intentsFailed: Int { diagnostics.filter { $0.code == .intentFailed }.count }
        public var intentsHeld: Int { diagnostics.filter { $0.code == .intentHolds }.count }
        public var intentsSkipped: Int { diagnostics.filter { $0.code == .intentNotEvaluated }.count }
    }

    public var files: [FileResult]
    public var strict: Bool

    public init(files: [FileResult], strict: Bool) { self.files = files; self.strict = strict }

    public var errorCount: Int { files.reduce(0) { $0 + $1.errors } }
    public var warningCount: Int { files.reduce(0) { $0 + $1.warnings } }
    public var intentsFailed: Int { files.reduce(0) { $0 + $1.intentsFailed } }
    public var intentsHeld: Int { files.reduce(0) { $0 + $1.intentsHeld } }
    public var intentsSkipped: Int { files.reduce(0) { $0 + $1.intentsSkipped } }
    public var intentCount: Int { intentsFailed + intentsHeld + intentsSkipped }
    public var allDiagnostics: [Diagnostic] { files.flatMap(\.diagnostics) }

    /// Whether a warning counts as a failure here.
    public func fails(_ d: Diagnostic) -> Bool {
        if d.code.isIntentResult { return d.code == .intentFailed }
        return d.severity == .error || (strict && d.severity == .warning)
    }

    /// 0 clean; 1 an intent failed or warnings under --strict (a failed check); 2 invalid input.
    public var exitCode: Int32 {
        if errorCount > 0 { return 2 }
        if intentsFailed > 0 { return 1 }
        if strict && warningCount > 0 { return 1 }
        return 0
    }

    public var passed: Bool { exitCode == 0 }
}

/// The output formats of `netsim check`.
public enum CheckFormat: String, CaseIterable, Sendable {
    case text, json, junit, sarif, github
}

/// Renders a check report in one format. Every renderer is pure and deterministic.
public enum CheckRenderer {
    public static func render(_ report: CheckReport, as format: CheckFormat, color: Bool = false) -> String {
        switch format {
        case .text: return CheckTextRenderer.render(report, color: color)
        case .json: return CheckJSONRenderer.render(report)
        case .junit: return CheckJUnitRenderer.render(report)
        case .sarif: return CheckSARIFRenderer.render(report)
        case .github: return CheckGitHubRenderer.render(report)
        }
    }
}
