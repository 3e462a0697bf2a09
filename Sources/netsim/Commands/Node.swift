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

    @OptionGroup var topologyFile: TopologyFile
    @Argument(help: "A node name (see 'netsim node FILE').") var node: String?
    @Option(help: "What to print: iptables, rules, routes, enis, pods, all.") var show: Show = .all
    @Option(help: "iptables rules as the kernel's iptables-save prints them (saved) or as kube-proxy writes them (restore).") var iptablesForm: Form = .saved
    @OptionGroup var destination: OutputOption<Node.Outputs>
    @OptionGroup var input: TopologyOptions

    enum Outputs: OutputNoun { static let outputNoun = "" }

    func run() throws {
        let (t, catalog) = try input.load(topologyFile.file)
        let network = Network(topology: t, catalog: catalog)
        let names = network.fabric.realized.nodes.map(\.name)
        guard let node else {
            let text = names.map { $0 + "\n" }.joined()
            try destination.write(text)
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
        try destination.write(text)
    }
}
