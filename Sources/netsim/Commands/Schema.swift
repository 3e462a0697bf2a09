import ArgumentParser
import NetsimRender
import NetsimTopology

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the JSON Schema of topology files (the same as Docs/topology.schema.json)."
    )

    @Flag(help: "Print the JSON Schema of `trace --format json` output instead (the same as Docs/trace.schema.json).")
    var trace = false

    func run() throws {
        try Output.print(trace ? TraceSchema.json : TopologySchema.json)
    }
}
