import ArgumentParser
import NetsimTopology

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a large synthetic topology, deterministic by seed (for benchmarks, or as a starting point).",
        discussion: "Example: netsim generate --nodes 1000 --pods 30000 --services 3000 --security-groups 300 -o big.yaml"
    )

    @Option(help: "Worker nodes.") var nodes = 30
    @Option(help: "Pods (replicas summed over Deployments).") var pods = 300
    @Option(help: "Services, one Deployment each.") var services = 30
    @Option(help: "Security groups.") var securityGroups = 10
    @Option(help: "Seed; the same seed gives the same file.") var seed: UInt64 = 42
    @Option(name: .shortAndLong, help: "Write to this file (atomically) instead of standard output.") var output: String?

    var generator: TopologyGenerator {
        TopologyGenerator(nodes: nodes, pods: pods, services: services, securityGroups: securityGroups, seed: seed)
    }

    func validate() throws {
        if let problem = generator.problem { throw ValidationError(problem) }
    }

    func run() throws {
        let text = generator.render()
        if let output { try Output.writeAtomically(text, to: output) } else { Output.print(text) }
    }
}
