import NetsimModel

/// A resource of the folder netsim cannot express in the topology format: the report lists it,
/// with its id and file, so nothing is dropped silently.
public struct NotImported: Sendable, Hashable, Comparable {
    public var kind: String
    public var id: String
    public var file: String
    public var why: String

    public static func < (a: NotImported, b: NotImported) -> Bool { (a.file, a.kind, a.id, a.why) < (b.file, b.kind, b.id, b.why) }
}

/// What `netsim import aws DIR` produced.
public struct AWSImportResult: Sendable {
    /// The topology's text; nil when an error stops the import (nothing is then written).
    public var yaml: String?
    /// Errors and warnings, located in the folder's files.
    public var diagnostics: [Diagnostic]
    public var notImported: [NotImported]
    /// Files of the commands `--print-commands` lists that are not in the folder.
    public var missing: [String]
    /// Files in the folder netsim does not read.
    public var ignored: [String]
    /// Files read.
    public var filesRead: Int
    public var bytesRead: Int
    /// What was imported, by kind ("subnets": 4, …), for the report.
    public var counts: [String: Int]

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The report `--report FILE` writes (and standard error shows when there is no `--report`):
    /// files read and missing, counts, then every resource not imported.
    public var reportText: String {
        var s = "netsim import aws: \(filesRead) file\(filesRead == 1 ? "" : "s") read (\(bytesRead) bytes)\n"
        if !counts.isEmpty {
            s += "imported: " + counts.keys.sorted().map { "\($0) \(counts[$0] ?? 0)" }.joined(separator: ", ") + "\n"
        }
        if !missing.isEmpty {
            s += "missing (not in the folder; run the commands of --print-commands to collect them), \(missing.count):\n"
            for m in missing { s += "  \(m)\n" }
        }
        if !ignored.isEmpty {
            s += "ignored (not a file netsim import aws reads), \(ignored.count):\n"
            for m in ignored { s += "  \(Echo.clip(m))\n" }
        }
        s += "not imported [\(DiagnosticCode.importNotImported.id)], \(notImported.count) resource\(notImported.count == 1 ? "" : "s")\(notImported.isEmpty ? "" : ":")\n"
        for n in notImported.sorted() { s += "  \(n.kind) \(Echo.clip(n.id)) (\(n.file)): \(n.why)\n" }
        return s
    }
}

/// `netsim import aws`: reads a folder of AWS CLI JSON outputs and writes a topology.
public enum AWSImport {
    public static func run(folder path: String, maxInputBytes: Int = AWSFolder.defaultMaxInputBytes, name: String? = nil) -> AWSImportResult {
        let folder = AWSFolder.read(path, maxInputBytes: maxInputBytes)
        var importer = AWSImporter(folder: folder, topologyName: name)
        let yaml = folder.hasErrors ? nil : importer.build()
        let diagnostics = (folder.diagnostics + importer.diagnostics).sorted { ($0.location, $0.code.id, $0.message) < ($1.location, $1.code.id, $1.message) }
        let errors = diagnostics.contains { $0.severity == .error }
        let read = folder.files.count + folder.perResource.values.reduce(0) { $0 + $1.count } + (folder.awsNode == nil ? 0 : 1)
        return AWSImportResult(yaml: errors ? nil : yaml, diagnostics: diagnostics, notImported: importer.notImported.sorted(),
                               missing: folder.missing, ignored: folder.ignored, filesRead: read, bytesRead: folder.bytesRead, counts: importer.counts)
    }
}
