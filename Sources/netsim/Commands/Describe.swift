import ArgumentParser
import Foundation
import NetsimFlow
import NetsimModel
import NetsimRender

struct Describe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What netsim realized for a load balancer, node, pod or ENI: addresses per zone, IDs, security groups.",
        discussion: """
        OBJECT: loadbalancer:NS/NAME (or lb:, service:NS/NAME for a Service's NLB), ingress:NS/NAME \
        (its ALB), node:NAME (or the instance ID), pod:NS/NAME (or the start of one pod's name), \
        eni:ID.

        A load balancer lists one address per zone: trace to another zone's node with --to \
        ip:ADDRESS.

        Exit codes: 0; 2 invalid input or an object the topology does not have; 64 usage.
        """
    )

    @Argument(help: "The topology file.") var file: String
    @Argument(help: "What to describe: loadbalancer:NS/NAME, service:NS/NAME, ingress:NS/NAME, node:NAME, pod:NS/NAME or eni:ID.") var object: String
    @Option(help: "Output format: text, json.") var format: TraceFormat = .text
    @Option(name: .shortAndLong, help: "Write to this file (atomically) instead of standard output.") var output: String?
    @Option(name: .customLong("set"), parsing: .singleValue, help: ArgumentHelp("Set an aws-node variable for this run, over the file's cluster.cni (repeatable).", valueName: "KEY=VALUE")) var settings: [String] = []
    @Option(help: "A catalog file: netsim's limits table or 'aws ec2 describe-instance-types --output json'.") var instanceCatalog: String?
    @Option(parsing: .unconditional, help: "Largest input file in bytes (default 67108864, or NETSIM_MAX_INPUT_BYTES).") var maxInputSize: Int?

    func run() throws {
        let catalog = try TopologyInput.catalog(instanceCatalog, maxInputSize: maxInputSize)
        let t = try TopologyInput.load(file, catalog: catalog, maxInputSize: maxInputSize, settings: settings)
        let network = Network(topology: t, catalog: catalog)
        switch Description.describe(object, in: network) {
        case .failure(.notFound(let why, let near)): throw TopologyInput.fail(.invalidEndpoint, why, near: near)
        case .failure(.unsupported(let why)): throw TopologyInput.fail(.invalidEndpoint, why)
        case .success(let d):
            let text = DescribeRenderer.render(d, as: format)
            if let output { try Output.writeAtomically(text, to: output) } else { Output.print(text) }
        }
    }
}
