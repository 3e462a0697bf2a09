import ArgumentParser
import NetsimTopology

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the JSON Schema of topology files (the same as Docs/topology.schema.json)."
    )

    func run() throws {
        Output.print(TopologySchema.json)
    }
}
