import NetsimModel

/// One of the EKS control plane's cross-account ENIs in the customer's VPC (EKS user guide,
/// "Amazon EKS networking requirements": 2 to 4 ENIs in the subnets given at cluster creation,
/// with the cluster security group and any additional groups).
public struct ControlPlaneENI: Sendable, Hashable {
    /// 0-based, in placement order.
    public var index: Int
    public var id: String
    public var subnet: String
    public var zone: String
    public var ip: IPv4Address
    /// The cluster security group, then the additional groups.
    public var securityGroups: [String]
    public init(index: Int, id: String, subnet: String, zone: String, ip: IPv4Address, securityGroups: [String]) {
        self.index = index; self.id = id; self.subnet = subnet; self.zone = zone; self.ip = ip; self.securityGroups = securityGroups
    }
    /// How traces and `describe` name it.
    public var label: String { "EKS control-plane ENI \(index + 1) (\(subnet))" }
}

extension Run {
    /// Places the control-plane ENIs before any node, as EKS creates the cluster before its
    /// nodes: one per subnet in turn, each address from the subnet's pool at a seeded start,
    /// so `capacity` and `simulate` count them as used.
    mutating func placeControlPlane() {
        guard let cluster = t.cluster, let cp = cluster.controlPlane, let vpc = t.primaryVPC else { return }
        let subnets = cp.subnets.compactMap { name in vpc.subnets.first { $0.name == name } }
        guard !subnets.isEmpty else { return }
        var groups = [cp.clusterSecurityGroup]
        for g in cp.securityGroups where !groups.contains(g) { groups.append(g) }
        var placed = 0
        var attempt = 0
        // Round robin over the subnets; a full subnet is skipped, as EKS picks another.
        while placed < cp.eniCount && attempt < cp.eniCount * subnets.count {
            let s = subnets[attempt % subnets.count]
            attempt += 1
            let what = "EKS control-plane ENI \(placed + 1)"
            guard let ip = takeLoadBalancerAddress(in: s, key: "control-plane/\(cluster.name)/\(placed)", what: what) else { continue }
            controlPlaneENIs.append(ControlPlaneENI(index: placed, id: AWSID.make("eni", name: "control-plane/\(cluster.name)/\(placed)", seed: t.seed),
                                                    subnet: s.name, zone: s.zone, ip: ip, securityGroups: groups))
            placed += 1
        }
    }

    /// The groups on a node group's ENIs: its own, and for a managed node group the cluster
    /// security group, which EKS attaches to managed nodes when the control plane is declared.
    func nodeSecurityGroups(_ g: NodeGroup) -> [String] {
        guard g.getsClusterSecurityGroup, let cp = t.cluster?.controlPlane else { return g.securityGroups }
        return g.securityGroups.contains(cp.clusterSecurityGroup) ? g.securityGroups : g.securityGroups + [cp.clusterSecurityGroup]
    }
}
