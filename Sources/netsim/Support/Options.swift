import ArgumentParser
import NetsimIPAM
import NetsimModel
import NetsimTopology

// The options several commands share, declared once. Each group lists its options in `--help`
// where the command declares the group, in the order written here; a command's own options keep
// their places around it.

/// The topology FILE that `trace`, `simulate`, `node`, `describe` and `replay` take first.
/// (`check` takes several files and `capacity` an optional one, each with its own help.)
struct TopologyFile: ParsableArguments {
    @Argument(help: "The topology file.") var file: String
}

/// `--instance-catalog` and `--max-input-size`: what every command that reads a file takes.
struct CatalogOptions: ParsableArguments {
    @Option(help: "A catalog file: netsim's limits table or 'aws ec2 describe-instance-types --output json'.")
    var instanceCatalog: String?

    @Option(parsing: .unconditional, help: "Largest input file in bytes (default 67108864, or NETSIM_MAX_INPUT_BYTES).")
    var maxInputSize: Int?

    /// The built-in catalog, or `--instance-catalog` over it (exit 2 with located errors).
    func load() throws -> InstanceCatalog {
        try TopologyInput.catalog(instanceCatalog, maxInputSize: maxInputSize)
    }

    /// The load limits with `--max-input-size` (exit 2 when out of range).
    func limits() throws -> LoadLimits {
        try Limits.from(option: maxInputSize)
    }
}

/// `--set KEY=VALUE`, `--instance-catalog` and `--max-input-size`: how a topology is read.
struct TopologyOptions: ParsableArguments {
    @Option(name: .customLong("set"), parsing: .singleValue,
            help: ArgumentHelp("Set an aws-node variable for this run, over the file's cluster.cni (repeatable), e.g. --set WARM_IP_TARGET=5.",
                               valueName: "KEY=VALUE"))
    var settings: [String] = []

    @OptionGroup var catalog: CatalogOptions

    /// The catalog, then the valid topology at `path` read with it and `--set` (exit 2 after
    /// printing every error; warnings go to standard error).
    func load(_ path: String) throws -> (topology: Topology, catalog: InstanceCatalog) {
        let catalog = try catalog.load()
        let topology = try TopologyInput.load(path, catalog: catalog, maxInputSize: self.catalog.maxInputSize, settings: settings)
        return (topology, catalog)
    }
}

/// What a command's `-o` writes, as its help names it ("the trace"; empty: "Write to this file").
protocol OutputNoun {
    static var outputNoun: String { get }
}

/// `-o/--output FILE`: write the command's result to a file (atomically) instead of standard output.
struct OutputOption<Noun: OutputNoun>: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Write \(Noun.outputNoun.isEmpty ? "" : Noun.outputNoun + " ")to this file (atomically) instead of standard output."))
    var output: String?

    /// Color only when the result goes to a terminal.
    var color: Bool { output == nil && Output.colorEnabled }

    /// Writes `text` to `-o` by the output-file rules, or to standard output.
    func write(_ text: String) throws {
        if let output { try Output.writeAtomically(text, to: output) } else { try Output.print(text) }
    }
}

/// A command's `--format`: the values it takes, its help and its default.
protocol FormatChoices {
    associatedtype Format: ExpressibleByArgument
    static var formatHelp: String { get }
    static var defaultFormat: Format { get }
}

extension FormatChoices where Format: CaseIterable & RawRepresentable, Format.RawValue == String {
    /// "Output format: text, json." — every value, in order.
    static var formatHelp: String { "Output format: \(Format.allCases.map(\.rawValue).joined(separator: ", "))." }
}

/// `--format`, with the values, help and default of the command's `Choices`.
struct FormatOption<Choices: FormatChoices>: ParsableArguments {
    @Option(help: ArgumentHelp(Choices.formatHelp))
    var format: Choices.Format = Choices.defaultFormat
}
