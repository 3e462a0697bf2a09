import Foundation
import NetsimModel

/// JSON for tools: `{"schemaVersion": 1, "files": [...], "summary": {...}}` with sorted keys.
enum CheckJSONRenderer {
    struct Output: Encodable {
        var schemaVersion: Int
        var tool: String
        var version: String
        var strict: Bool
        var result: String
        var exitCode: Int32
        var summary: Summary
        var files: [File]
    }
    struct Summary: Encodable { var files: Int; var errors: Int; var warnings: Int; var intents: Intents? }
    struct Intents: Encodable { var held: Int; var failed: Int; var notEvaluated: Int }
    struct File: Encodable {
        var path: String
        var topology: String?
        var manifests: [String]
        var errors: Int
        var warnings: Int
        var diagnostics: [DiagnosticDTO]
    }
    struct DiagnosticDTO: Encodable {
        var severity: String
        var code: String
        var name: String
        var message: String
        var file: String
        var line: Int
        var column: Int
        var hint: String?
        var notes: [NoteDTO]?
    }
    struct NoteDTO: Encodable { var message: String; var file: String; var line: Int; var column: Int }

    static func dto(_ d: Diagnostic) -> DiagnosticDTO {
        DiagnosticDTO(severity: d.severity.rawValue, code: d.code.id, name: d.code.name, message: d.message,
                      file: d.location.file, line: d.location.line, column: d.location.column,
                      hint: d.hint.isEmpty ? nil : d.hint,
                      notes: d.notes.isEmpty ? nil : d.notes.map { NoteDTO(message: $0.message, file: $0.location.file, line: $0.location.line, column: $0.location.column) })
    }

    static func render(_ report: CheckReport) -> String {
        let output = Output(
            schemaVersion: NetsimVersion.jsonSchemaVersion, tool: "netsim", version: NetsimVersion.current,
            strict: report.strict, result: report.passed ? "pass" : "fail", exitCode: report.exitCode,
            summary: Summary(files: report.files.count, errors: report.errorCount, warnings: report.warningCount,
                             intents: report.intentCount == 0 ? nil : Intents(held: report.intentsHeld, failed: report.intentsFailed, notEvaluated: report.intentsSkipped)),
            files: report.files.map { f in
                File(path: f.path, topology: f.topologyName, manifests: f.manifests, errors: f.errors, warnings: f.warnings,
                     diagnostics: f.diagnostics.map(dto))
            })
        return JSONText.encode(output)
    }
}

/// Stable JSON text: sorted keys, two-space indentation, no escaped slashes, trailing newline.
public enum JSONText {
    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
