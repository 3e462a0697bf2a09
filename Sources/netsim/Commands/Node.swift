import ArgumentParser
import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimModel
import NetsimRender
import NetsimTopology

struct Node: ParsableCommand {
    enum Show: String, CaseIterable, ExpressibleByArgument { case iptables, rules, routes, links, enis, pods, policy, all }
    enum Form: String, CaseIterable, ExpressibleByArgument { case saved, restore }

    static let configuration = CommandConfiguration(
        abstract: "A node's datapath as the VPC CNI and kube-proxy build it, in the formats of iptables-save, ip rule and ip route.",
        discussion: """
        netsim node FILE                      lists the node names, one per line
        netsim node FILE NODE --show iptables|rules|routes|links|enis|pods|policy|all
        netsim node FILE NODE --show routes [--table N]
        netsim node FILE NODE --show policy [--pod NAMESPACE/NAME] [--format text|json]

        --iptables-form saved (default) prints the rules as iptables-save prints them back from the \
        kernel (diff against a node's `iptables-save | grep -v '^#'`); restore prints them as \
        kube-proxy and the CNI write them (the form kube-proxy's tests compare).

        rules, routes, links: `ip rule`, `ip route show table all` (`ip route show table N` with \
        --table: main, local or a number) and `ip -br link`, with Security Groups for Pods' branch \
        pods (ENABLE_POD_ENI) as the VPC CNI sets them up: the trunk ENI, a `vlan.eth.<VLAN>` device \
        per branch pod on it, route table VLAN + 100; strict mode: `vlan` host veths and rules at \
        priority 10 by incoming device, the local table at 20; standard mode: rules at 512 and 1536.

        pods: each pod's side of its veth (eth0 with a /32, the 169.254.1.1 gateway) and the host \
        veth it pairs with; hostNetwork pods share the node's stack.

        policy: for each pod (or the one --pod names), the NetworkPolicy entries the VPC CNI \
        network policy agent holds: the pod's group, its state, the policies applied to its group \
        and each ingress and egress LPM map entry (CIDR, kind, port/protocol slots, the policy rule \
        and file:line:col each came from), longest prefix first. Under enforcer upstream, the \
        policies selecting each pod per direction. `all` includes it when the cluster has policies.
        """
    )

    @OptionGroup var topologyFile: TopologyFile
    @Argument(help: "A node name (see 'netsim node FILE').") var node: String?
    @Option(help: "What to print: iptables, rules, routes, links, enis, pods, policy, all.") var show: Show = .all
    @Option(help: ArgumentHelp("With --show routes: one table (`ip route show table N`): main, local or its number.", valueName: "table"))
    var table: String?
    @Option(help: "iptables rules as the kernel's iptables-save prints them (saved) or as kube-proxy writes them (restore).") var iptablesForm: Form = .saved
    @Option(help: ArgumentHelp("With --show policy: only this pod of the node (namespace/name, or the start of one pod's name).", valueName: "namespace/name"))
    var pod: String?
    @OptionGroup var formatting: FormatOption<Node.Outputs>
    @OptionGroup var destination: OutputOption<Node.Outputs>
    @OptionGroup var input: TopologyOptions

    enum Outputs: FormatChoices, OutputNoun {
        static let defaultFormat = TraceFormat.text
        static let formatHelp = "Output format: text, json (json with --show policy)."
        static let outputNoun = ""
    }

    func validate() throws {
        if table != nil && show != .routes {
            throw ValidationError("--table selects a table of --show routes; add --show routes")
        }
        if let table, Self.tableNumber(table) == nil {
            throw ValidationError("--table \(Echo.clip(table)) is not a table: write main, local, default or a number from 1 to 4294967295")
        }
        if table != nil && node == nil {
            throw ValidationError("--table needs a NODE (see 'netsim node FILE')")
        }
        if pod != nil && show != .policy {
            throw ValidationError("--pod selects a pod of --show policy; add --show policy")
        }
        if formatting.format == .json && show != .policy {
            throw ValidationError("--format json is available with --show policy; the other views are text in the formats of iptables-save, ip rule and ip route")
        }
        if node == nil && (pod != nil || formatting.format == .json) {
            throw ValidationError("--pod and --format json need a NODE (see 'netsim node FILE')")
        }
    }

    /// `main`, `local`, `default` or a number as `ip route show table` reads it.
    static func tableNumber(_ s: String) -> Int? {
        switch s {
        case "main": return 254
        case "local": return 255
        case "default": return 253
        default:
            guard let n = UInt32(s), n > 0 else { return nil }
            return Int(n)
        }
    }

    func run() throws {
        let (t, catalog) = try input.load(topologyFile.file)
        let network = Network(topology: t, catalog: catalog)
        let names = network.fabric.realized.nodes.map(\.name)
        guard let node else {
            let text = names.map { $0 + "\n" }.joined()
            try destination.write(text)
            return
        }
        if let fargate = network.fabric.fargateNodeByName[node] {
            throw TopologyInput.fail(.invalidEndpoint, "\(node) is the Fargate micro-VM of pod \(fargate.podKey): it has no node datapath netsim models (the pod's packets leave and arrive on its own ENI); netsim describe node:\(node) shows it", near: [])
        }
        guard let dp = NodeDatapath(fabric: network.fabric, node: node) else {
            throw TopologyInput.fail(.invalidEndpoint, "no node \(node) in the topology", near: Suggestions.nearest(to: node, in: names))
        }
        let hasPolicies = !t.kubernetes.networkPolicies.isEmpty || !t.kubernetes.clusterNetworkPolicies.isEmpty
        func policyView() throws -> NodePolicyView {
            switch NodePolicyView.build(network.fabric, node: node, pod: pod) {
            case .success(let v): return v
            case .failure(.notFound(let why, let near)): throw TopologyInput.fail(.invalidEndpoint, why, near: near)
            }
        }
        if show == .policy {
            try destination.write(NodePolicyRenderer.render(try policyView(), as: formatting.format))
            return
        }
        var text = ""
        // An IPv6 cluster's node has both families: each view prints IPv4's, then IPv6's, titled.
        let v6 = dp.host.ipv6
        func section(_ title: String, _ body: String) {
            if show == .all || (v6 != nil && show != .enis && show != .links && show != .pods) { text += "# \(title)\n" }
            text += body
            if show == .all { text += "\n" }
        }
        if show == .enis || show == .all { section("ENIs", dp.enisText) }
        if show == .rules || show == .all {
            section("ip rule", dp.host.rulesText)
            if let v6 { section("ip -6 rule", v6.rulesText) }
        }
        if show == .routes, let table, let n = Self.tableNumber(table) {
            var out = dp.host.routesText(table: n)
            if let v6 { out = "# ip route show table \(table)\n" + out + "# ip -6 route show table \(table)\n" + v6.routesText(table: n) }
            try destination.write(out)
            return
        }
        if show == .routes || show == .all {
            section("ip route show table all", dp.host.routesText)
            if let v6 { section("ip -6 route show table all", v6.routesText) }
        }
        if show == .links || show == .all { section("ip -br link", dp.host.linksText) }
        if show == .pods || show == .all { section("pods (inside each pod's network namespace)", dp.podsText) }
        if show == .iptables || show == .all {
            section("iptables-save", iptablesForm == .saved ? dp.iptablesSavedText : dp.iptablesText)
            if v6 != nil { section("ip6tables-save", (iptablesForm == .saved ? dp.ip6tablesSavedText : dp.ip6tablesText) ?? "") }
        }
        if show == .all && hasPolicies { section("NetworkPolicy", NodePolicyRenderer.render(try policyView(), as: .text)) }
        try destination.write(text)
    }
}
