import ArgumentParser
import NetsimModel

@main
struct Netsim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netsim",
        abstract: "Simulate Amazon EKS pod networking: VPC CNI IPAM, kube-proxy, security groups, NACLs, routes and load balancers.",
        discussion: """
        Exit codes: 0 ok; 1 a check or intent failed (or a flow was not delivered); 2 invalid input; 3 a trace's verdict depends on something netsim does not model; 64 usage.
        Docs: Docs/cli.md, Docs/topology-format.md, Docs/diagnostics.md.
        """,
        version: NetsimVersion.current,
        subcommands: [Check.self, TraceCommand.self, Capacity.self, Simulate.self, Node.self, Describe.self, Replay.self, Schema.self, Generate.self]
    )
}
