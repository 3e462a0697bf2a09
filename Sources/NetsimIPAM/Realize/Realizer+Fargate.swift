import NetsimModel

/// The Fargate part of one allocation run.
struct FargateRun {
    var nodes: [FargateNode] = []
    var assumedGroups: [SecurityGroup] = []
    /// Pods placed per profile so far: the next pod goes to the next subnet of the profile.
    var placed: [Int: Int] = [:]
}

extension Run {
    /// The groups a Fargate pod's ENI carries: the groups of the SecurityGroupPolicies that
    /// select it (ids turned into the topology's names, in order, without repeats), else the
    /// cluster security group.
    mutating func fargateGroups(_ w: Workload, vpc: VPC) -> (groups: [String], source: FargateNode.GroupSource, policies: [String]) {
        let k = t.kubernetes
        var groups: [String] = []
        // The resource controller's webhook decides for Fargate pods as for others
        // (SecurityGroupsForPods.select; it annotates the pod with the groups).
        let selection = SecurityGroupsForPods.select(w, objects: k)
        let policies = selection.policies
        for g in selection.groups {
            guard let name = SecurityGroupsForPods.groupName(g, in: vpc) else { continue }
            if !groups.contains(name) { groups.append(name) }
        }
        if !groups.isEmpty { return (groups, .securityGroupPolicy, policies) }
        guard let cluster = t.cluster else { return ([], .assumedClusterSecurityGroup, []) }
        if let cp = cluster.controlPlane { return ([cp.clusterSecurityGroup], .clusterSecurityGroup, []) }
        if let declared = ControlPlane.declaredClusterSecurityGroup(cluster: cluster.name, in: vpc) {
            return ([declared], .assumedClusterSecurityGroup, [])
        }
        let name = ControlPlane.defaultClusterSecurityGroupName(cluster: cluster.name, seed: t.seed)
        if vpc.securityGroup(named: name) == nil, !fargate.assumedGroups.contains(where: { $0.name == name }) {
            fargate.assumedGroups.append(ControlPlane.createdClusterSecurityGroup(name: name, cluster: cluster.name, seed: t.seed, location: cluster.location))
        }
        return ([name], .assumedClusterSecurityGroup, [])
    }

    /// Places every replica of `w` on Fargate: one micro-VM each, with one ENI and one address
    /// from the profile's subnets in turn (a full subnet passes to the next). A pod Fargate
    /// refuses (host network) or for which no subnet has an address stays Pending.
    mutating func placeOnFargate(_ w: Workload, profile pi: Int, replicas: Int, podName: (Int) -> String) {
        guard let cluster = t.cluster, let vpc = t.primaryVPC else { return }
        let profile = cluster.fargateProfiles[pi]
        let subnets = profile.subnets.compactMap { vpc.subnet(named: $0) }.compactMap { s in ec2.poolIndex[s.name].map { (s, $0) } }
        var labels = w.template.labels
        labels[FargateScheduling.profileLabel] = profile.name
        func pending(from i: Int, _ why: String) {
            for j in i..<min(replicas, i + Realizer.pendingPodsBuilt) {
                var pod = RealizedPod(namespace: w.meta.namespace, name: podName(j), workloadKind: w.kind, workload: w.meta.name,
                                      labels: labels, hostNetwork: w.template.hostNetwork, node: nil, ip: nil, ipv6: nil,
                                      status: .unschedulable, reason: why, implicit: false)
                pod.fargateProfile = profile.name
                pods.append(pod)
            }
            unscheduled += replicas - i
        }
        guard replicas > 0 else { return }
        if w.template.hostNetwork {
            pending(from: 0, "Pod not supported on Fargate: fields not supported: HostNetwork (Fargate profile '\(echo: profile.name)' selects it)")
            return
        }
        if settings.ipv6 {
            pending(from: 0, "Fargate profile '\(echo: profile.name)': netsim does not model Fargate pods in IPv6 clusters")
            return
        }
        let (groups, source, policies) = fargateGroups(w, vpc: vpc)
        for i in 0..<replicas {
            var address: (Subnet, Int, IPv4Address)? = nil
            let start = fargate.placed[pi, default: 0]
            for k in 0..<subnets.count {
                let (s, idx) = subnets[(start + k) % subnets.count]
                if let ip = ec2.randomAddress(inSubnet: idx) { address = (s, idx, ip); break }
            }
            guard let (subnet, _, ip) = address else {
                let names = profile.subnets.map { "'\(echo: $0)'" }.joined(separator: ", ")
                pending(from: i, "Fargate profile '\(echo: profile.name)': no free address in its subnets \(names) for the pod's ENI (InsufficientFreeAddressesInSubnet)")
                return
            }
            fargate.placed[pi] = start + 1
            let name = FargateScheduling.nodeName(ip, region: t.region)
            let identity = ec2.makeENIIdentity(owner: "fargate/\(w.meta.namespace)/\(podName(i))")
            var nodeLabels: [String: String] = [
                "eks.amazonaws.com/compute-type": "fargate",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "topology.kubernetes.io/zone": subnet.zone,
                "topology.kubernetes.io/region": t.region,
            ]
            nodeLabels["failure-domain.beta.kubernetes.io/zone"] = subnet.zone
            var node = FargateNode(name: name, profile: profile.name, namespace: w.meta.namespace, pod: podName(i), zone: subnet.zone,
                                   subnet: subnet.name, ip: ip, eniID: identity.id, mac: identity.mac, securityGroups: groups,
                                   groupSource: source, labels: nodeLabels)
            node.policies = policies
            fargate.nodes.append(node)
            var pod = RealizedPod(namespace: w.meta.namespace, name: podName(i), workloadKind: w.kind, workload: w.meta.name,
                                  labels: labels, hostNetwork: false, node: name, ip: ip, ipv6: nil,
                                  status: .running, reason: nil, implicit: false)
            pod.fargateProfile = profile.name
            pods.append(pod)
        }
    }
}
