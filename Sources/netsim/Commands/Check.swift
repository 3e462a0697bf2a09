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

    @OptionGroup var formatting: FormatOption<Check.Outputs>

    @Flag(help: "Treat warnings as failures (exit 1).")
    var strict = false

    @OptionGroup var destination: OutputOption<Check.Outputs>
    @OptionGroup var input: TopologyOptions

    enum Outputs: FormatChoices, OutputNoun {
        static let defaultFormat = CheckFormat.text
        static let outputNoun = "the report"
    }

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one topology file") }
    }

    func run() throws {
        // Standard input can be read once: a second `-` would be checked as an empty file.
        if files.filter({ $0 == "-" }).count > 1 {
            throw TopologyInput.fail(.invalidValue, "'-' (standard input) is named more than once; standard input can be read once, as one topology")
        }
        let catalog = try input.catalog.load()
        var loader = TopologyLoader(limits: try input.catalog.limits(), catalog: catalog)
        loader.cniOverrides = try TopologyInput.overrides(input.settings, path: files.first ?? "")
        let results = files.map { path -> CheckReport.FileResult in
            let r = loader.load(path: path)
            Output.noteInputs(r.files)
            var diagnostics = r.diagnostics
            // A valid topology's intents are traced with the same engine as `netsim trace`; what
            // the load balancer controller could not build in the realized cluster is reported.
            // When the only errors are in `expect:` entries, those entries are left out and
            // reported as the errors they are (exit 2), and the others are still evaluated.
            if let t = r.validTopology ?? r.topologyBesideBadIntents,
               !t.expectations.isEmpty || Network.hasLoadBalancers(t) || (t.cluster?.networkPolicy.enforcer == .vpcCNI && !t.kubernetes.networkPolicies.isEmpty)
                || !Network.controlPlaneCalls(t.kubernetes).isEmpty || Network.hasInterfaceEndpoints(t) {
                diagnostics += Network.checkDiagnostics(t, catalog: catalog, file: path)
                diagnostics.sort { ($0.location.file, $0.location.line, $0.location.column, $0.code.id) < ($1.location.file, $1.location.line, $1.location.column, $1.code.id) }
            }
            // The observed state (kubernetes.observed): where the cluster differs from netsim's
            // own allocation, or cannot be placed in the fabric (NS1579–NS1583).
            if let t = r.validTopology ?? r.topologyBesideBadIntents, t.kubernetes.observed != nil {
                diagnostics += Realizer.realize(t, catalog: catalog).observedDiagnostics
                diagnostics.sort { ($0.location.file, $0.location.line, $0.location.column, $0.code.id) < ($1.location.file, $1.location.line, $1.location.column, $1.code.id) }
            }
            return CheckReport.FileResult(path: path, diagnostics: diagnostics, topologyName: r.topology?.name,
                                          manifests: Array(r.files.dropFirst()))
        }
        let report = CheckReport(files: results, strict: strict)
        let text = CheckRenderer.render(report, as: formatting.format, color: destination.color)
        try destination.write(text)
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
