import NetsimIPAM
import NetsimModel

/// Security Groups for Pods in the fabric: each branch ENI is an interface of its node with the
/// pod's address and the SecurityGroupPolicies' groups, so the VPC delivers the pod's traffic
/// to it and its groups judge the pod's packets in both directions (and make the pod's
/// address a member of those groups for other groups' rules).
extension FabricIndex {
    func addBranchENIs() {
        for p in realized.pods {
            guard let b = p.branchENI, let node = p.node, let (vpc, _) = subnets[b.subnet] else { continue }
            var i = Interface(kind: .nodeENI, id: b.eniID, label: "\(node) branch ENI vlan.eth.\(b.vlanID) (pod \(p.namespace)/\(p.name))",
                              vpc: vpc.name, subnet: b.subnet, securityGroups: b.securityGroups.isEmpty ? ["default"] : b.securityGroups,
                              primaryIP: b.ip, publicIP: nil, sourceDestCheck: true, node: node, deviceIndex: nil)
            i.branchPod = "\(p.namespace)/\(p.name)"
            i.vlanID = b.vlanID
            branchENIByPodIP[b.ip.value] = add(i)
        }
    }

    /// The branch ENI (interface index) holding the pod address `ip`, if the pod has one.
    @inline(__always) public func branchENI(of ip: IPAddress) -> Int? {
        guard !branchENIByPodIP.isEmpty, case .ipv4(let a) = ip else { return nil }
        return branchENIByPodIP[a.value]
    }
}
