import ArgumentParser
import Foundation
import NetsimFlow
import NetsimModel
import NetsimPcap
import NetsimRender

/// `netsim replay FILE --flow-logs LOG`: reads the log through zlib when it is gzip, judges each
/// group of records at its interface, and writes the report only when the whole log was read.
enum FlowLogReplay {
    static func code(_ k: FlowLogProblem.Kind) -> DiagnosticCode {
        switch k {
        case .unknownField: .flowLogUnknownField
        case .duplicateField: .flowLogDuplicateField
        case .missingField: .flowLogMissingField
        case .fieldCount: .flowLogFieldCount
        case .badValue: .flowLogBadValue
        case .mixedVersions: .flowLogMixedVersions
        case .mixedFormats: .flowLogMixedFormats
        case .unknownFormat: .flowLogUnknownFormat
        case .lineTooLong, .binary: .flowLogNotText
        }
    }

    static func run(topologyFile file: String, log: String, format: String?, input: CatalogOptions, formatting: TraceFormat,
                    destination: OutputOption<Replay.Outputs>) throws {
        if file == "-" && log == "-" {
            throw TopologyInput.fail(.invalidValue, "the topology and the flow logs cannot both be read from standard input (-)")
        }
        var given: FlowLogFormat? = nil
        if let format {
            switch FlowLogFormat.parse(format) {
            case .success(let f): given = f
            case .failure(let p):
                throw TopologyInput.fail(code(p.kind), "--flow-log-format, column \(p.column): \(p.message)\(p.hint.isEmpty ? "" : "; \(p.hint)")")
            }
        }
        let catalog = try input.load()
        let t = try TopologyInput.load(file, catalog: catalog, maxInputSize: input.maxInputSize)
        if log != "-" { Output.noteInputs([log]) }
        let name = log == "-" ? "<stdin>" : log
        var reader = FlowLogReader(format: given)
        var tally = FlowLogTally()
        let summary: TextInputSummary
        do {
            summary = try TextInput.read(log) { chunk in try reader.feed(chunk) { tally.add($0) } }
            try reader.finish { tally.add($0) }
        } catch let p as FlowLogProblem {
            let d = Diagnostic(.error, code(p.kind), p.message, at: SourceLocation(file: name, line: p.line, column: p.column), hint: p.hint)
            Output.printError(d.formatted + "\n")
            throw ExitCode(2)
        } catch let e as TextInputError {
            throw TopologyInput.fail(e.kind == .gzip ? .flowLogGzip : .flowLogUnreadable, "cannot read the flow logs '\(echo: log)': \(e.message)")
        }
        let network = Network(topology: t, catalog: catalog)
        let verdicts = network.judge(tally, interfaceIDs: reader.interfaceIDs)
        let source = given != nil ? "--flow-log-format" : (reader.headerLine.map { "header at line \($0)" } ?? (reader.format == nil ? "none: no record" : "default, no header"))
        let report = FlowLogReport(topology: file, log: name, format: (reader.format ?? .default).description, formatSource: source, gzip: summary.gzip,
                                   lines: reader.line, headers: reader.headers, timestamped: reader.timestamped, tally: tally, verdicts: verdicts)
        let text = FlowLogRenderer.render(report, as: formatting, color: destination.color)
        try destination.write(text)
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
