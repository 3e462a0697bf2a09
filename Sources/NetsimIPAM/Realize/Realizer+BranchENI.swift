import NetsimModel

/// Security Groups for Pods in the realizer: the VPC resource controller's pod webhook adds
/// `vpc.amazonaws.com/pod-eni: 1` to every pod a SecurityGroupPolicy selects; the scheduler
/// places it only on a node with a trunk ENI and a free branch slot (the node's advertised
/// capacity is the type's `BranchInterface` from `pkg/aws/vpc/limits.go`); the controller then
/// creates a branch ENI with the policies' groups in the node's subnet (the ENIConfig's under
/// custom networking), gives it the lowest free VLAN ID from 1 (`trunk.go` `assignVlanId`) and
/// associates it with the trunk (amazon-vpc-resource-controller-k8s v1.7.9). The pod's address
/// is the branch ENI's; ipamd's pool is not used.
extension Run {
    /// Whether node `ni` can take one more branch ENI.
    mutating func branchRoom(_ ni: Int) -> Bool {
        if branchesUsed.count < nodes.count { branchesUsed += Array(repeating: 0, count: nodes.count - branchesUsed.count) }
        return branchesUsed[ni] < branchCapacity(ni)
    }

    /// The branch ENIs node `ni` advertises: none without a trunk ENI.
    func branchCapacity(_ ni: Int) -> Int {
        guard settings.podENI, nodes[ni].ipam.hasTrunk else { return 0 }
        return SecurityGroupsForPods.branchENIs(nodes[ni].instanceType)
    }

    /// The scheduler's message for a pod that needs a branch ENI and finds no node with one.
    func podENIUnschedulable(_ eligible: [Int]) -> String {
        if nodes.isEmpty { return "no nodes" }
        var insufficient = 0, full = 0
        for ni in eligible {
            if nodes[ni].podCount >= nodes[ni].maxPods { full += 1 } else { insufficient += 1 }
        }
        var parts: [String] = []
        if insufficient > 0 { parts.append("\(insufficient) Insufficient \(SecurityGroupsForPods.resourceName)") }
        if full > 0 { parts.append("\(full) Too many pods") }
        let other = nodes.count - eligible.count
        if other > 0 { parts.append("\(other) node(s) didn't match Pod's node affinity/selector or had untolerated taints") }
        return "0/\(nodes.count) nodes are available: " + parts.joined(separator: ", ")
    }

    /// Pods the webhook refuses (their ServiceAccount cannot be read) are never created: they
    /// are listed Pending with the webhook's answer.
    mutating func refuse(_ w: Workload, serviceAccount sa: String, names: [String], replicas: Int, implicit: Bool) {
        let why = "admission webhook mpod.vpc.k8s.aws denied the request: Failed to get Matching SGP for Pods, rejecting event (serviceaccount \"\(echo: sa)\" not found)"
        for n in names {
            pods.append(RealizedPod(namespace: w.meta.namespace, name: n, workloadKind: w.kind, workload: w.meta.name,
                                    labels: w.template.labels, hostNetwork: w.template.hostNetwork, node: nil, ip: nil, ipv6: nil,
                                    status: .unschedulable, reason: why, implicit: implicit))
        }
        unscheduled += replicas
    }

    /// The resource controller creates the pod's branch ENI on node `ni` (the pod was bound
    /// there, counted against max pods, and holds no ipamd address).
    mutating func attachBranch(to pi: Int, node ni: Int, _ sgp: SecurityGroupsForPods.Selection) {
        guard pods[pi].status == .running, !settings.ipv6 else { return }
        _ = branchRoom(ni)
        branchesUsed[ni] += 1
        let vlan = branchesUsed[ni]
        let node = nodes[ni]
        var subnetName = node.subnet
        if settings.customNetworking, let c = node.eniConfig, let config = t.cluster?.eniConfigs.first(where: { $0.name == c }) { subnetName = config.subnet }
        guard let vpc = t.primaryVPC else {
            pods[pi].status = .waitingForIP
            pods[pi].reason = "the VPC resource controller could not create the branch ENI: the cluster has no VPC"
            return
        }
        var names: [String] = []
        var missing: [String] = []
        for g in sgp.groups {
            if let n = SecurityGroupsForPods.groupName(g, in: vpc) { if !names.contains(n) { names.append(n) } } else { missing.append(g) }
        }
        if let m = missing.first {
            pods[pi].status = .waitingForIP
            pods[pi].reason = "the VPC resource controller could not create the branch ENI: InvalidGroup.NotFound: the security group '\(echo: m)' does not exist"
            return
        }
        if names.count > SecurityGroupsForPods.groupsPerInterface {
            pods[pi].status = .waitingForIP
            pods[pi].reason = "the VPC resource controller could not create the branch ENI: SecurityGroupsPerInterfaceLimitExceeded (\(names.count) groups, at most \(SecurityGroupsForPods.groupsPerInterface))"
            return
        }
        guard let sIdx = ec2.poolIndex[subnetName], let ip = ec2.randomAddress(inSubnet: sIdx) else {
            pods[pi].status = .waitingForIP
            pods[pi].reason = "the VPC resource controller could not create the branch ENI: InsufficientFreeAddressesInSubnet (\(echo: subnetName) has no free address)"
            return
        }
        let identity = ec2.makeENIIdentity(owner: node.instanceID)
        pods[pi].ip = ip
        pods[pi].status = .running
        pods[pi].reason = nil
        pods[pi].branchENI = BranchENI(eniID: identity.id, vlanID: vlan, ip: ip, subnet: subnetName, securityGroups: names, policies: sgp.policies)
        other[sIdx, default: []].append((ip, "branch ENI \(identity.id) of pod \(pods[pi].namespace)/\(pods[pi].name)"))
    }
}
