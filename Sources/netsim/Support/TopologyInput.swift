import ArgumentParser
import Foundation
import NetsimIPAM
import NetsimModel
import NetsimRender
import NetsimTopology

/// Shared input handling for commands that read a topology: the instance catalog, loading, and
/// the diagnostics that stop a run (errors, exit 2) or accompany it (warnings, on stderr).
enum TopologyInput {
    /// The built-in catalog, or the user's file over it; exits 2 with located errors.
    static func catalog(_ path: String?, maxInputSize: Int?) throws -> InstanceCatalog {
        guard let path else { return .builtin }
        Output.noteInputs([path])
        let r = InstanceCatalogLoader.load(path: path, over: .builtin, limits: try Limits.from(option: maxInputSize))
        guard let catalog = r.catalog else {
            report(r.diagnostics, path: path, color: Output.stderrColor)
            throw ExitCode(2)
        }
        if !r.diagnostics.isEmpty { report(r.diagnostics, path: path, color: Output.stderrColor) }
        return catalog
    }

    /// A valid topology, or exit 2 after printing every error; warnings go to stderr.
    static func load(_ path: String, catalog: InstanceCatalog, maxInputSize: Int?, quietWarnings: Bool = false, settings: [String] = []) throws -> Topology {
        var loader = TopologyLoader(limits: try Limits.from(option: maxInputSize), catalog: catalog)
        loader.cniOverrides = try overrides(settings, path: path)
        let r = loader.load(path: path)
        Output.noteInputs(r.files)
        guard let t = r.validTopology else {
            report(r.diagnostics, path: path, color: Output.stderrColor)
            throw ExitCode(2)
        }
        if !quietWarnings && !r.diagnostics.isEmpty { report(r.diagnostics, path: path, color: Output.stderrColor) }
        return t
    }

    /// The `--set KEY=VALUE` arguments; a malformed one exits 2 with its location.
    static func overrides(_ settings: [String], path: String) throws -> [SettingOverride] {
        let (list, problems) = SettingOverride.parse(settings)
        if !problems.isEmpty {
            report(problems, path: path, color: Output.stderrColor)
            throw ExitCode(2)
        }
        return list
    }

    static func report(_ diagnostics: [Diagnostic], path: String, color: Bool) {
        let report = CheckReport(files: [.init(path: path, diagnostics: diagnostics, topologyName: nil)], strict: false)
        Output.printError(CheckRenderer.render(report, as: .text, color: color))
    }

    /// A command-line value that names nothing: one line with the code and the nearest names.
    static func fail(_ code: DiagnosticCode, _ message: String, near: [String] = []) -> ExitCode {
        var line = "netsim: error[\(code.id)]: \(message)"
        if !near.isEmpty { line += "; " + Suggestions.phrase(near) }
        Output.printError(line + "\n")
        return ExitCode(2)
    }

    /// `NAME=N` pairs, such as `--scale general=40`.
    static func parseScale(_ items: [String], groups: [String]) throws -> [String: Int] {
        var out: [String: Int] = [:]
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let n = Int(parts[1]), n >= 0, n <= 100_000 else {
                throw fail(.invalidValue, "--scale '\(echo: item)' must read NODEGROUP=COUNT with a count of 0 to 100000")
            }
            guard groups.contains(parts[0]) else {
                throw fail(.undefinedReference, "--scale names node group '\(echo: parts[0])', which the topology does not define",
                           near: Suggestions.nearest(to: parts[0], in: groups))
            }
            out[parts[0]] = n
        }
        return out
    }
}
