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
        eni:ID, transit-gateway:NAME (or tgw:NAME, or its tgw- ID: per route table its \
        associations, propagations and computed routes, as search-transit-gateway-routes lists them).

        A load balancer lists one address per zone: trace to another zone's node with --to \
        ip:ADDRESS.

        Exit codes: 0; 2 invalid input or an object the topology does not have; 64 usage.
        """
    )

    @OptionGroup var topologyFile: TopologyFile
    @Argument(help: "What to describe: loadbalancer:NS/NAME, service:NS/NAME, ingress:NS/NAME, node:NAME, pod:NS/NAME, eni:ID or transit-gateway:NAME.") var object: String
    @OptionGroup var formatting: FormatOption<Describe.Outputs>
    @OptionGroup var destination: OutputOption<Describe.Outputs>
    @OptionGroup var input: TopologyOptions

    enum Outputs: FormatChoices, OutputNoun {
        static let defaultFormat = TraceFormat.text
        static let outputNoun = ""
    }

    func run() throws {
        let (t, catalog) = try input.load(topologyFile.file)
        let network = Network(topology: t, catalog: catalog)
        switch Description.describe(object, in: network) {
        case .failure(.notFound(let why, let near)): throw TopologyInput.fail(.invalidEndpoint, why, near: near)
        case .failure(.unsupported(let why)): throw TopologyInput.fail(.invalidEndpoint, why)
        case .success(let d):
            try destination.write(DescribeRenderer.render(d, as: formatting.format))
        }
    }
}
