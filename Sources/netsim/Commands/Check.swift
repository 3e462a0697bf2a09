import ArgumentParser
import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimModel
import NetsimRender
import NetsimTopology

extension CheckFormat: ExpressibleByArgument {}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate topology files and report every problem, for people and for CI.",
        discussion: """
        Exit codes: 0 clean; 1 warnings under --strict; 2 invalid input (any error); 64 usage.

        Formats: text (compiler-style), json (schemaVersion 1), junit, sarif (2.1.0), github \
        (workflow commands).
        """
    )

    @Argument(help: "Topology files to check.")
    var files: [String]

    @Option(help: "Output format: \(CheckFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: CheckFormat = .text

    @Flag(help: "Treat warnings as failures (exit 1).")
    var strict = false

    @Option(parsing: .unconditional, help: "Largest input file in bytes (default 67108864, or NETSIM_MAX_INPUT_BYTES).")
    var maxInputSize: Int?

    @Option(name: .shortAndLong, help: "Write the report to this file (atomically) instead of standard output.")
    var output: String?

    @Option(help: "A catalog file: netsim's limits table or 'aws ec2 describe-instance-types --output json'.")
    var instanceCatalog: String?

    @Option(name: .customLong("set"), parsing: .singleValue, help: ArgumentHelp("Set an aws-node variable for this run, over the file's cluster.cni (repeatable), e.g. --set WARM_IP_TARGET=5.", valueName: "KEY=VALUE"))
    var settings: [String] = []

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one topology file") }
    }

    func run() throws {
        // Standard input can be read once: a second `-` would be checked as an empty file.
        if files.filter({ $0 == "-" }).count > 1 {
            throw TopologyInput.fail(.invalidValue, "'-' (standard input) is named more than once; standard input can be read once, as one topology")
        }
        let catalog = try TopologyInput.catalog(instanceCatalog, maxInputSize: maxInputSize)
        var loader = TopologyLoader(limits: try Limits.from(option: maxInputSize), catalog: catalog)
        loader.cniOverrides = try TopologyInput.overrides(settings, path: files.first ?? "")
        let results = files.map { path -> CheckReport.FileResult in
            let r = loader.load(path: path)
            Output.noteInputs(r.files)
            var diagnostics = r.diagnostics
            // A valid topology's intents are traced with the same engine as `netsim trace`; what
            // the load balancer controller could not build in the realized cluster is reported.
            // When the only errors are in `expect:` entries, those entries are left out and
            // reported as the errors they are (exit 2), and the others are still evaluated.
            if let t = r.validTopology ?? r.topologyBesideBadIntents, !t.expectations.isEmpty || Network.hasLoadBalancers(t) {
                diagnostics += Network.checkDiagnostics(t, catalog: catalog, file: path)
                diagnostics.sort { ($0.location.file, $0.location.line, $0.location.column, $0.code.id) < ($1.location.file, $1.location.line, $1.location.column, $1.code.id) }
            }
            return CheckReport.FileResult(path: path, diagnostics: diagnostics, topologyName: r.topology?.name,
                                          manifests: Array(r.files.dropFirst()))
        }
        let report = CheckReport(files: results, strict: strict)
        let text = CheckRenderer.render(report, as: format, color: output == nil && Output.colorEnabled)
        if let output {
            try Output.writeAtomically(text, to: output)
        } else {
            Output.print(text)
        }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}

enum Limits {
    /// The load limits with `--max-input-size` (1 to Int.max bytes; anything else exits 2).
    static func from(option: Int?) throws -> LoadLimits {
        var limits = LoadLimits()
        if let env = ProcessInfo.processInfo.environment["NETSIM_MAX_INPUT_BYTES"], let v = Int(env), v > 0 { limits.maxFileBytes = v }
        if let option {
            guard option >= 1 else {
                throw TopologyInput.fail(.invalidValue, "--max-input-size \(option) is outside 1–\(Int.max) bytes")
            }
            limits.maxFileBytes = option
        }
        return limits
    }
}
