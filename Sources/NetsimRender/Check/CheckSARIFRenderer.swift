import NetsimModel

/// SARIF 2.1.0, the format GitHub code scanning and other CI systems ingest. Every result has a
/// physical location (file, line, column) so it is shown on the line.
enum CheckSARIFRenderer {
    struct Log: Encodable {
        var schema = "https://json.schemastore.org/sarif-2.1.0.json"
        var version = "2.1.0"
        var runs: [Run]
        enum CodingKeys: String, CodingKey { case schema = "$schema", version, runs }
    }
    struct Run: Encodable { var tool: Tool; var results: [Result]; var columnKind = "unicodeCodePoints" }
    struct Tool: Encodable { var driver: Driver }
    struct Driver: Encodable {
        var name = "netsim"
        var version = NetsimVersion.current
        var informationUri = "https://github.com/netsim/netsim"
        var rules: [Rule]
    }
    struct Rule: Encodable {
        var id: String
        var name: String
        var shortDescription: Message
        var helpUri: String
        var defaultConfiguration: Config
    }
    struct Config: Encodable { var level: String }
    struct Message: Encodable { var text: String }
    struct Result: Encodable {
        var ruleId: String
        var ruleIndex: Int
        /// "fail" (default), "pass" for an intent that holds, "notApplicable" for one not evaluated.
        var kind: String?
        var level: String
        var message: Message
        var locations: [Location]
        var relatedLocations: [Location]?
    }
    struct Location: Encodable {
        var id: Int?
        var physicalLocation: Physical
        var message: Message?
    }
    struct Physical: Encodable { var artifactLocation: Artifact; var region: Region }
    struct Artifact: Encodable { var uri: String }
    struct Region: Encodable { var startLine: Int; var startColumn: Int }

    static func uri(_ path: String) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        var out = ""
        for byte in p.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if c.isLetter && byte < 128 || c.isNumber && byte < 128 || "/-._~".contains(c) { out.append(c) }
            else { out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true) }
        }
        return out
    }

    static func location(_ l: SourceLocation, message: String? = nil, id: Int? = nil) -> Location {
        Location(id: id, physicalLocation: Physical(artifactLocation: Artifact(uri: uri(l.file)),
                                                    region: Region(startLine: l.line, startColumn: l.column)),
                 message: message.map(Message.init))
    }

    static func render(_ report: CheckReport) -> String {
        let codes = DiagnosticCode.all
        let rules = codes.map { c in
            Rule(id: c.id, name: c.name, shortDescription: Message(text: c.summary),
                 helpUri: "https://github.com/netsim/netsim/blob/main/Docs/diagnostics.md#\(c.id.lowercased())",
                 defaultConfiguration: Config(level: c == .intentHolds || c == .intentNotEvaluated ? "none" : "error"))
        }
        var index: [String: Int] = [:]
        for (i, c) in codes.enumerated() { index[c.id] = i }
        let results = report.allDiagnostics.map { d -> Result in
            var level: String
            switch d.severity {
            case .error: level = "error"
            case .warning: level = report.strict ? "error" : "warning"
            case .note: level = "note"
            }
            var kind: String? = nil
            if d.code == .intentHolds { kind = "pass"; level = "none" }
            if d.code == .intentNotEvaluated { kind = "notApplicable"; level = "none" }
            let text = d.hint.isEmpty ? d.message : "\(d.message). Fix: \(d.hint)"
            // A failed intent that was blocked is also located on the rule that blocked it.
            var locations = [location(d.location)]
            if d.code == .intentFailed, let rule = d.notes.first(where: { $0.message.hasPrefix("deciding ") }) { locations.append(location(rule.location)) }
            return Result(ruleId: d.code.id, ruleIndex: index[d.code.id] ?? 0, kind: kind, level: level, message: Message(text: text),
                          locations: locations,
                          relatedLocations: d.notes.isEmpty ? nil : d.notes.enumerated().map { location($1.location, message: $1.message, id: $0 + 1) })
        }
        return JSONText.encode(Log(runs: [Run(tool: Tool(driver: Driver(rules: rules)), results: results)]))
    }
}
