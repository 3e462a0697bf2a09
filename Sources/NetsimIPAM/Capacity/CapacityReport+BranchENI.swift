import NetsimModel

/// Security Groups for Pods in the capacity report: the branch ENIs each node group holds and
/// can hold (`vpc.amazonaws.com/pod-eni`, the resource controller's per-type limit times the
/// nodes with a trunk), and the selected pods left Pending for lack of one. Each branch ENI
/// takes one address of its subnet, counted there under OTHER.
public struct BranchENIUse: Sendable, Equatable {
    public var nodeGroup: String
    public var instanceType: String
    public var perNode: Int
    /// Nodes of the group with a trunk ENI.
    public var trunkNodes: Int
    public var inUse: Int
    public var capacity: Int { perNode.multipliedSaturated(by: trunkNodes) }
    public init(nodeGroup: String, instanceType: String, perNode: Int, trunkNodes: Int, inUse: Int) {
        self.nodeGroup = nodeGroup; self.instanceType = instanceType; self.perNode = perNode; self.trunkNodes = trunkNodes; self.inUse = inUse
    }
}

extension CapacityReport {
    /// One row per node group when the manifests hold SecurityGroupPolicies; none otherwise.
    public static func branchENIUse(_ t: Topology, _ r: RealizedCluster) -> [BranchENIUse] {
        guard let cluster = t.cluster, !t.kubernetes.securityGroupPolicies.isEmpty else { return [] }
        var out: [BranchENIUse] = []
        for g in cluster.nodeGroups {
            let nodes = r.nodes.filter { $0.group == g.name }
            guard let type = nodes.first?.instanceType else { continue }
            let names = Set(nodes.map(\.name))
            let used = r.pods.filter { $0.branchENI != nil && names.contains($0.node ?? "") }.count
            out.append(BranchENIUse(nodeGroup: g.name, instanceType: type.name, perNode: SecurityGroupsForPods.branchENIs(type),
                                    trunkNodes: nodes.filter { $0.ipam.hasTrunk }.count, inUse: used))
        }
        return out
    }
}
