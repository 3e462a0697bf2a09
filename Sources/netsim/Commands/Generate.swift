import ArgumentParser
import NetsimTopology

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a large synthetic topology, deterministic by seed (for benchmarks, or as a starting point).",
        discussion: "Example: netsim generate --nodes 1000 --pods 30000 --services 3000 --security-groups 300 -o big.yaml"
    )

    @Option(parsing: .unconditional, help: "Worker nodes.") var nodes = 30
    @Option(parsing: .unconditional, help: "Pods (replicas summed over Deployments).") var pods = 300
    @Option(parsing: .unconditional, help: "Services, one Deployment each.") var services = 30
    @Option(parsing: .unconditional, help: "Security groups.") var securityGroups = 10
    @Option(parsing: .unconditional, help: "Seed; the same seed gives the same file.") var seed: UInt64 = 42
    @Option(parsing: .unconditional, help: "Extra NetworkPolicies (peers, namespaces, DNS egress, ipBlocks with except).") var networkPolicies = 0
    @Option(parsing: .unconditional, help: "Percent of the Services whose pods get their own security groups (a SecurityGroupPolicy each, ENABLE_POD_ENI on).") var podSecurityGroups = 0
    @OptionGroup var destination: OutputOption<Generate.Outputs>

    enum Outputs: OutputNoun { static let outputNoun = "" }

    var generator: TopologyGenerator {
        TopologyGenerator(nodes: nodes, pods: pods, services: services, securityGroups: securityGroups, seed: seed,
                          networkPolicies: networkPolicies, podSecurityGroupsPercent: podSecurityGroups)
    }

    func run() throws {
        if let problem = generator.problem { throw TopologyInput.fail(.invalidValue, problem) }
        try destination.write(generator.render())
    }
}
