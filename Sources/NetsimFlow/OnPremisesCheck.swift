import NetsimModel

extension Network {
    /// `check`'s NS1425: pod addresses that keep their source toward an external network
    /// reached through a transit gateway or virtual private gateway (its block is in
    /// AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS, or AWS_VPC_K8S_CNI_EXTERNALSNAT is on: the VPC CNI's
    /// SNAT rule then leaves them alone), in subnets the network has no return route for: the
    /// pods' subnets are the ENIConfigs' under custom networking, else the node groups'.
    public static func returnRouteDiagnostics(_ t: Topology) -> [Diagnostic] {
        guard let cluster = t.cluster, cluster.ipFamily == .ipv4 else { return [] }
        let cni = cluster.awsNode
        let names = cni.customNetworking ? cluster.eniConfigs.map(\.subnet) : cluster.nodeGroups.flatMap(\.subnets)
        var seen = Set<String>()
        let subnets = names.filter { seen.insert($0).inserted }.compactMap { t.subnet(named: $0)?.subnet }
        guard !subnets.isEmpty else { return [] }
        var out: [Diagnostic] = []
        for e in t.externals where e.subnet == nil {
            guard let routes = t.returnRoutes(of: e) else { continue }
            let prefixes = e.advertisedPrefixes
            let why: String
            if cni.externalSNAT { why = "AWS_VPC_K8S_CNI_EXTERNALSNAT is true" }
            else if let x = cni.excludeSNATCIDRs.first(where: { x in prefixes.contains { $0.overlaps(x) } }) {
                why = "AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS holds \(x)"
            } else { continue }
            let missing = subnets.filter { s in !routes.routes.contains { $0.prefixLength <= s.cidr.prefixLength && $0.contains(s.cidr.network) } }
            guard !missing.isEmpty else { continue }
            let list = missing.map { "'\(Echo.clip($0.name))' (\($0.cidr))" }.joined(separator: ", ")
            let have = routes.routes.isEmpty ? "none" : routes.routes.map(\.description).joined(separator: ", ")
            let whose: String
            switch routes.basis {
            case .advertised(let g): whose = "what \(Echo.clip(g)) advertises over BGP: \(have)"
            case .declared: whose = "its returnRoutes: \(have)"
            }
            out.append(Diagnostic(.warning, .noReturnRoute,
                                  "pods in subnet\(missing.count == 1 ? "" : "s") \(list) keep their own addresses toward external '\(Echo.clip(e.name))' (\(why)), but its routes toward AWS (\(whose)) do not cover them: replies to those pods never reach AWS",
                                  at: e.location,
                                  hint: cni.externalSNAT
                                      ? "add the pod subnets to the network's routes toward AWS, or let the nodes SNAT toward it (AWS_VPC_K8S_CNI_EXTERNALSNAT=false, and the network not in AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS)"
                                      : "add the pod subnets to the network's routes toward AWS, or let the nodes SNAT toward it (remove it from AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS)"))
        }
        return out
    }
}
