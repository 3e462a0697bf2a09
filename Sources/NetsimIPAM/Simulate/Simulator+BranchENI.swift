import NetsimModel

/// Security Groups for Pods in the simulator, as in the realize step (Realizer+BranchENI.swift):
/// a selected pod goes only to a node with a trunk ENI and a free branch slot, and takes the
/// address of a new branch ENI in the node's subnet (the ENIConfig's under custom networking)
/// instead of one from ipamd's pool; deleting it deletes the branch ENI and frees the address.
/// EC2 calls the resource controller makes are not counted (the controller's own account-wide
/// calls, not ipamd's).
extension Simulator {
    /// Whether workload `w`'s pods get a branch ENI (workloads added later, such as the
    /// what-if extra Deployment, never do).
    func isBranchWorkload(_ w: Int) -> Bool { w < branchWorkload.count && branchWorkload[w] }

    func branchCapacity(_ n: Int) -> Int {
        guard run.settings.podENI, run.nodes[n].ipam.hasTrunk else { return 0 }
        return SecurityGroupsForPods.branchENIs(run.nodes[n].instanceType)
    }

    mutating func branchesUsed(_ n: Int) -> Int {
        if branchesOnNode.count < run.nodes.count { branchesOnNode += Array(repeating: 0, count: run.nodes.count - branchesOnNode.count) }
        return branchesOnNode[n]
    }

    /// The least-loaded Ready node that fits and has a free branch slot (lowest index among
    /// equals).
    mutating func scheduleBranchPod(_ p: Int, now: Int) -> Bool {
        let w = Int(pods[p].workload)
        var best: Int? = nil
        for n in run.nodes.indices where fits[w][n] && schedulable(n, now: now) && branchesUsed(n) < branchCapacity(n) {
            if let b = best, run.nodes[b].podCount <= run.nodes[n].podCount { continue }
            best = n
        }
        guard let n = best else { return false }
        bind(p, n, now: now)
        return true
    }

    mutating func branchSubnet(_ n: Int) -> Int? {
        let node = run.nodes[n]
        if run.settings.customNetworking, let c = node.eniConfig, let config = topology.cluster?.eniConfigs.first(where: { $0.name == c }) {
            return run.ec2.poolIndex[config.subnet]
        }
        return run.ec2.poolIndex[node.subnet]
    }

    mutating func bindBranchPod(_ p: Int, _ n: Int, now: Int) {
        _ = branchesUsed(n)
        branchesOnNode[n] += 1
        if let s = branchSubnet(n), let ip = run.ec2.randomAddress(inSubnet: s) {
            pods[p].ip = ip.value
            markRunning(p, now: now)
        } else {
            // CreateNetworkInterface refused (no free address): the pod waits for its branch.
            pods[p].state = .waitingIP
        }
    }

    mutating func releaseBranch(_ p: Int, _ n: Int, running: Bool) {
        _ = branchesUsed(n)
        branchesOnNode[n] = max(0, branchesOnNode[n] - 1)
        if running, pods[p].ip != 0, let s = branchSubnet(n) { run.ec2.freeAddress(IPv4Address(pods[p].ip), subnet: s) }
    }
}
