import NetsimModel

extension AWSImporter {
    typealias Pairs = [(String, String)]
    static func s(_ v: String) -> String { YAMLText.scalar(v) }

    /// The name a resource's tags give it (`Name`), or nil.
    static func tagName(_ i: Item) -> String? {
        let n = i.tags["Name"]?.trimmingSpaces ?? ""
        return n.isEmpty ? nil : n
    }

    static func protocolName(_ p: String) -> String {
        switch p.lowercased() {
        case "-1", "all": return "all"
        case "6", "tcp": return "tcp"
        case "17", "udp": return "udp"
        case "1", "icmp": return "icmp"
        case "58", "icmpv6", "icmp6": return "icmpv6"
        default: return p.lowercased()
        }
    }

    /// `ports`, `icmpType`, `icmpCode` of a rule, only where they say more than "all".
    static func portPairs(_ proto: String, from: Int?, to: Int?) -> Pairs {
        switch proto {
        case "tcp", "udp":
            guard let f = from, let t = to, f >= 0, t >= 0, !(f == 0 && t == 65535) else { return [] }
            return [("ports", f == t ? "\(f)" : "\(f)-\(t)")]
        case "icmp", "icmpv6":
            var out: Pairs = []
            if let f = from, f != -1 {
                out.append(("icmpType", "\(f)"))
                if let t = to, t != -1 { out.append(("icmpCode", "\(t)")) }
            }
            return out
        default:
            return []
        }
    }

    // MARK: the whole file

    mutating func build() -> String {
        var inv = inventory()
        let (regionFound, account) = checkRegionAndAccount(inv)
        if diagnostics.contains(where: { $0.severity == .error }) { return "" }
        region = regionFound ?? "us-east-1"
        guard !inv.vpcs.isEmpty else {
            let at = SourceLocation(file: folder.path, line: 1, column: 1)
            diagnostics.append(Diagnostic(.error, .importMissingFile, folder.source("ec2-describe-vpcs") == nil
                                          ? "the folder has no ec2-describe-vpcs.json: a topology needs at least its VPC"
                                          : "ec2-describe-vpcs.json lists no VPC: there is nothing to import",
                                          at: at, hint: "collect the folder with the commands netsim import aws --print-commands prints"))
            return ""
        }
        if folder.source("ec2-describe-instances") == nil && folder.source("ec2-describe-network-interfaces") != nil {
            // ENIs alone still describe the hosts; nothing to say.
        }
        for stem in ["ec2-describe-subnets", "ec2-describe-route-tables", "ec2-describe-security-groups", "ec2-describe-network-acls"] where folder.source(stem) == nil {
            diagnostics.append(Diagnostic(.warning, .importMissingFile, "\(stem).json is not in the folder: the topology gets netsim's defaults for what it would hold",
                                          at: SourceLocation(file: folder.path, line: 1, column: 1),
                                          hint: "collect it: aws \(stem.replacingOccurrences(of: "ec2-", with: "ec2 ")) --output json > \(stem).json"))
        }
        // The main VPC: the cluster's, else the one with the most subnets (then the lowest id).
        // The cluster's VPC: resourcesVpcConfig.vpcId, else the VPC of its subnets.
        let clusterVPC = inv.cluster.flatMap { c in
            c.o.object("resourcesVpcConfig")?.string("vpcId")
                ?? c.o.object("resourcesVpcConfig")?.array("subnetIds").compactMap(\.string).compactMap { inv.subnetByID[$0]?.string("VpcId") }.first
        }
        if let c = inv.cluster, let v = clusterVPC {
            if inv.vpcByID[v] != nil { inv.mainVPC = v } else {
                dangling("cluster \(c.string("name") ?? "?") is in VPC \(v), which ec2-describe-vpcs.json does not list", c)
            }
        }
        if inv.mainVPC.isEmpty {
            let best = inv.vpcs.max { a, b in
                let na = inv.subnets[a.string("VpcId") ?? ""]?.count ?? 0, nb = inv.subnets[b.string("VpcId") ?? ""]?.count ?? 0
                return na != nb ? na < nb : (a.string("VpcId") ?? "") > (b.string("VpcId") ?? "")
            }
            inv.mainVPC = best?.string("VpcId") ?? ""
        }
        let order = [inv.mainVPC] + inv.vpcs.compactMap { $0.string("VpcId") }.filter { $0 != inv.mainVPC }
        var plan = Plan()
        plan.vpcOrder = order
        checkIDs(inv)
        classifyHosts(&inv, &plan)
        prepareEdges(inv, &plan)
        assignNames(inv, &plan)

        // Header.
        out.line(0, "# yaml-language-server: $schema=https://raw.githubusercontent.com/netsim/netsim/main/Docs/topology.schema.json")
        out.comment(0, "Written by `netsim import aws` from \(folder.files.count + folder.perResource.values.reduce(0) { $0 + $1.count }) AWS CLI output files.")
        out.comment(0, "Each resource's comment names its id and the file it came from; names are the Name tags (else the ids).")
        out.comment(0, "What the format cannot express is listed by `--report` (and on standard error), never dropped silently.")
        out.line(0, "apiVersion: netsim/v1")
        out.line(0, "kind: Topology")
        let clusterName = inv.cluster?.string("name")
        let vpcName = names.name("vpc", inv.mainVPC) ?? "imported"
        out.line(0, "name: " + Self.s(topologyName ?? clusterName ?? vpcName))
        out.line(0, "region: " + Self.s(region))
        if let account, account.count == 12, account.allSatisfy({ $0.isASCII && $0.isNumber }) { out.line(0, "accountId: \"\(account)\"") }
        emitPrefixLists(inv, plan)
        for (k, v) in order.enumerated() {
            if k == 0 { out.line(0, "vpc:") } else {
                if k == 1 { out.line(0, "peerVpcs:") }
            }
            emitVPC(v, inv, plan, peer: k > 0)
        }
        emitPeerings(inv, plan)
        emitTransitGateways(inv, plan)
        emitCluster(inv, plan)
        emitExternals(inv, plan)
        listUnimportable(inv)
        return out.text
    }
}

/// Decisions taken before writing: which hosts become what, names of what the format names.
struct Plan {
    var vpcOrder: [String] = []
    /// Instances that are nodes of the imported cluster, by node group name.
    var nodeInstances: [String: [Item]] = [:]
    var nodeInstanceIDs: Set<String> = []
    /// ENIs written as networkInterfaces (by VPC): (id, item, instance it belongs to).
    var interfaces: [String: [(id: String, eni: Item?, instance: Item?)]] = [:]
    var interfaceIDs: Set<String> = []
    /// Instance id → the ENI id written for it (an appliance), for routes to instances.
    var instanceInterface: [String: String] = [:]
    /// Hosts written as externals: (key id, item, is instance).
    var externals: [(id: String, item: Item, isInstance: Bool)] = []
    /// Prefix lists written (id → item or nil when only referenced).
    var prefixLists: [String: Item?] = [:]
    /// Peering connections written.
    var peerings: [String: Item] = [:]
    /// Transit gateway id → the VPCs its imported attachments attach.
    var tgwVPCs: [String: Set<String>] = [:]
    /// vpc → virtual private gateway id.
    var vgws: [String: String] = [:]
    /// Default network ACLs left out (AWS's default rules): vpc → acl id.
    var omittedDefaultACL: [String: String] = [:]
}
