import ArgumentParser
import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimModel
import NetsimRender
import NetsimTopology

struct Node: ParsableCommand {
    enum Show: String, CaseIterable, ExpressibleByArgument { case iptables, rules, routes, enis, pods, all }
    enum Form: String, CaseIterable, ExpressibleByArgument { case saved, restore }

    static let configuration = CommandConfiguration(
        abstract: "A node's datapath as the VPC CNI and kube-proxy build it, in the formats of iptables-save, ip rule and ip route.",
        discussion: """
        netsim node FILE                      lists the node names, one per line
        netsim node FILE NODE --show iptables|rules|routes|enis|pods|all

        --iptables-form saved (default) prints the rules as iptables-save prints them back from the \
        kernel (diff against a node's `iptables-save | grep -v '^#'`); restore prints them as \
        kube-proxy and the CNI write them (the form kube-proxy's tests compare).

        pods: each pod's side of its veth (eth0 with a /32, the 169.254.1.1 gateway) and the host \
        veth it pairs with; hostNetwork pods share the node's stack.
        """
    )

    @Argument(help: "The topology file.") var file: String
    @Argument(help: "A node name (see 'netsim node FILE').") var node: String?
    @Option(help: "What to print: iptables, rules, routes, enis, pods, all.") var show: Show = .all
    @Option(help: "iptables rules as the kernel's iptables-save prints them (saved) or as kube-proxy writes them (restore).") var iptablesForm: Form = .saved
    @Option(name: .shortAndLong, help: "Write to this file (atomically) instead of standard output.") var output: String?
    @Option(name: .customLong("set"), parsing: .singleValue, help: ArgumentHelp("Set an aws-node variable for this run, over the file's cluster.cni (repeatable), e.g. --set WARM_IP_TARGET=5.", valueName: "KEY=VALUE")) var settings: [String] = []
    @Option(help: "A catalog file: netsim's limits table or 'aws ec2 describe-instance-types --output json'.") var instanceCatalog: String?
    @Option(parsing: .unconditional, help: "Largest input file in bytes (default 67108864, or NETSIM_MAX_INPUT_BYTES).") var maxInputSize: Int?

    func run() throws {
        let catalog = try TopologyInput.catalog(instanceCatalog, maxInputSize: maxInputSize)
        let t = try TopologyInput.load(file, catalog: catalog, maxInputSize: maxInputSize, settings: settings)
        let network = Network(topology: t, catalog: catalog)
        let names = network.fabric.realized.nodes.map(\.name)
        guard let node else {
            let text = names.map { $0 + "\n" }.joined()
            if let output { try Output.writeAtomically(text, to: output) } else { Output.print(text) }
            return
        }
        guard let dp = NodeDatapath(fabric: network.fabric, node: node) else {
            throw TopologyInput.fail(.invalidEndpoint, "no node \(node) in the topology", near: Suggestions.nearest(to: node, in: names))
        }
        var text = ""
        func section(_ title: String, _ body: String) {
            if show == .all { text += "# \(title)\n" }
            text += body
            if show == .all { text += "\n" }
        }
        if show == .enis || show == .all { section("ENIs", dp.enisText) }
        if show == .rules || show == .all { section("ip rule", dp.host.rulesText) }
        if show == .routes || show == .all { section("ip route show table all", dp.host.routesText) }
        if show == .pods || show == .all { section("pods (inside each pod's network namespace)", dp.podsText) }
        if show == .iptables || show == .all { section("iptables-save", iptablesForm == .saved ? dp.iptablesSavedText : dp.iptablesText) }
        if let output { try Output.writeAtomically(text, to: output) } else { Output.print(text) }
    }
}
