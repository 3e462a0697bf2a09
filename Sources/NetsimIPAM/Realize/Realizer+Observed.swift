import NetsimModel

/// The observed state (`kubernetes.observed`, written by `netsim import kubernetes`) in the
/// realizer: observed nodes keep their names, instance IDs and addresses; observed pods their
/// names, nodes and addresses; Services their cluster IPs — where each fits the topology's
/// fabric. Where one does not, the realizer allocates as it would without it and records a
/// located warning (`RealizedCluster.observedDiagnostics`); a pod it cannot place as observed is
/// listed in `observedUnplaced`, so a trace from or to it says so instead of using another
/// address.
extension Run {
    /// Creates the observed nodes of node group `g` (sorted by name, at most its count) with their
    /// addresses; returns how many it created.
    mutating func placeObservedNodes(group g: NodeGroup, count: Int, type: InstanceType, subnets: [Subnet], cluster: Cluster, vpc: VPC) -> Int {
        guard let observed = t.kubernetes.observed else { return 0 }
        let mine = observed.nodes.filter { $0.nodeGroup == g.name }.sorted { $0.name < $1.name }
        var placed = 0
        for o in mine {
            func refuse(_ why: String, _ hint: String) {
                observedDiagnostics.warning(.observedNodeUnplaced, "observed node '\(echo: o.name)' is not placed: \(why); netsim launches a node of its own instead",
                                            at: o.location, hint: hint)
            }
            guard placed < count else {
                refuse("node group '\(echo: g.name)' has count \(count), and \(mine.count) of its nodes were observed", "raise the group's count to \(mine.count)")
                continue
            }
            guard let ip = o.internalIP else {
                refuse("it has no InternalIP address", "dump the nodes with kubectl get nodes -o yaml; their status.addresses hold it")
                continue
            }
            guard let subnet = subnets.first(where: { $0.cidr.contains(ip) }) else {
                refuse("its address \(ip) is in none of the subnets of node group '\(echo: g.name)' (\(subnets.map(\.name).joined(separator: ", ")))",
                       "add the node's subnet to the group's subnets, or import the VPC the cluster runs in")
                continue
            }
            guard let idx = ec2.poolIndex[subnet.name], ec2.reserve(ip, inSubnet: idx) else {
                refuse("its address \(ip) is already in use in subnet '\(echo: subnet.name)' (or reserved by AWS)", "check the topology's fixed addresses in that subnet")
                continue
            }
            if let observedType = o.instanceType, observedType != type.name {
                observedDiagnostics.warning(.observedNodeUnplaced, "observed node '\(echo: o.name)' is a \(echo: observedType); node group '\(echo: g.name)' launches \(type.name), which netsim uses (ENI and address limits follow it)",
                                            at: o.location, hint: "set the group's instanceType to \(Echo.clip(observedType)), or split the group")
            }
            if createNode(group: g, index: placed, type: type, subnet: subnet, cluster: cluster, vpc: vpc, observed: o) { placed += 1 }
        }
        return placed
    }

    /// The observed pods of `w` whose node netsim has, bound there first (at most `limit`, by
    /// name); the others are reported and left to the scheduler. Returns how many were bound.
    mutating func placeObservedPods(_ w: Workload, implicit: Bool, limit: Int, podENI: Bool) -> [Int] {
        guard let observed = t.kubernetes.observed, w.kind != .daemonSet else { return [] }
        let mine = observed.pods(of: w.kind, namespace: w.meta.namespace, name: w.meta.name).sorted { $0.name < $1.name }
        var placed: [Int] = []
        for o in mine {
            let key = "\(o.namespace)/\(o.name)"
            guard placed.count < limit else {
                observedDiagnostics.warning(.observedObjectMissing, "observed pod '\(echo: key)' is one more than the \(limit) replica\(limit == 1 ? "" : "s") of \(w.kind.rawValue) '\(echo: w.meta.name)'; it is not used",
                                            at: o.location, hint: "the dump was taken during a rollout or a scale-down; dump again when it is done, or raise replicas")
                observedUnplaced[key] = "it is one more than the workload's \(limit) replicas"
                continue
            }
            guard let ni = observedNode(o) else { continue }
            if podENI {
                observedDiagnostics.warning(.observedPodAddress, "observed pod '\(echo: key)' is selected by a SecurityGroupPolicy: its branch ENI's address is netsim's own, not the observed \(o.ip.map { "\($0)" } ?? "one")",
                                            at: o.location, hint: "branch ENIs are not taken from the observed state yet")
                observedUnplaced[key] = "its address comes from a branch ENI, which netsim does not take from the observed state"
                continue
            }
            bindObserved(w, o, implicit: implicit, node: ni)
            placed.append(ni)
        }
        return placed
    }

    /// The index of the observed pod's node, or nil after reporting it.
    mutating func observedNode(_ o: ObservedState.Pod) -> Int? {
        let key = "\(o.namespace)/\(o.name)"
        guard let name = o.node else {
            observedUnplaced[key] = "it was not bound to a node when the cluster was dumped"
            return nil
        }
        if let ni = nodes.firstIndex(where: { $0.name == name }) { return ni }
        observedDiagnostics.warning(.observedPodNodeMissing, "observed pod '\(echo: key)' runs on node '\(echo: name)', which netsim does not have; netsim schedules a pod of its own instead, and traces naming this pod end NOT_MODELLED",
                                    at: o.location, hint: "add the node to the observed nodes with its node group (eks.amazonaws.com/nodegroup) and address")
        observedUnplaced[key] = "its node '\(echo: name)' is not in the topology"
        return nil
    }

    /// Observed pods of DaemonSet `w` on nodes netsim does not have, reported.
    mutating func reportObservedDaemonPods(_ w: Workload) {
        guard w.kind == .daemonSet, let observed = t.kubernetes.observed else { return }
        for o in observed.pods(of: .daemonSet, namespace: w.meta.namespace, name: w.meta.name).sorted(by: { $0.name < $1.name })
        where !nodes.contains(where: { $0.name == o.node }) {
            _ = observedNode(o)
        }
    }

    /// The observed DaemonSet pod on node `ni`, if any.
    func observedDaemonPod(_ w: Workload, node ni: Int) -> ObservedState.Pod? {
        guard w.kind == .daemonSet, let observed = t.kubernetes.observed else { return nil }
        return observed.pods(of: .daemonSet, namespace: w.meta.namespace, name: w.meta.name).first { $0.node == nodes[ni].name }
    }

    /// Binds an observed pod to node `ni` with its observed address when the node can hold it.
    mutating func bindObserved(_ w: Workload, _ o: ObservedState.Pod, implicit: Bool, node ni: Int) {
        let key = "\(o.namespace)/\(o.name)"
        guard let ip = o.ip, !settings.ipv6 else {
            // No address observed (or an IPv6 cluster, whose observed addresses are not kept):
            // the pod keeps its name and node, and ipamd gives the address.
            bind(w, name: o.name, implicit: implicit, node: ni)
            return
        }
        if w.template.hostNetwork || o.hostNetwork {
            bind(w, name: o.name, implicit: implicit, node: ni)
            if ip != nodes[ni].primaryIP {
                observedDiagnostics.warning(.observedPodAddress, "observed host-network pod '\(echo: key)' has \(ip), but node '\(echo: nodes[ni].name)' has \(nodes[ni].primaryIP); netsim uses the node's",
                                            at: o.location, hint: "a host-network pod has its node's address; check the observed node's internalIP")
            }
            return
        }
        nodes[ni].podCount += 1
        var pod = RealizedPod(namespace: w.meta.namespace, name: o.name, workloadKind: w.kind, workload: w.meta.name,
                              labels: w.template.labels, hostNetwork: false, node: nodes[ni].name, ip: nil, ipv6: nil,
                              status: .running, reason: nil, implicit: implicit)
        switch nodes[ni].ipam.assignObservedIP(ip, ec2: &ec2) {
        case .held:
            pod.ip = ip
        case .added(let eni):
            pod.ip = ip
            observedDiagnostics.warning(.observedPodAddress, "observed pod '\(echo: key)' has \(ip), which netsim's ipamd did not hold on node '\(echo: nodes[ni].name)' (ipamd would have given it another address); it is added to the node's ENI \(eni) as a secondary IP, so the fabric judges it there",
                                        at: o.location, hint: "expected when the VPC's addresses are simulated; import the VPC's ENIs to match them")
        case .replaced(let eni, let drawn):
            pod.ip = ip
            observedDiagnostics.warning(.observedPodAddress, "observed pod '\(echo: key)' has \(ip), which netsim's ipamd did not hold on node '\(echo: nodes[ni].name)': netsim drew \(drawn) for ENI \(eni) where EC2 gave \(ip), so the observed address takes its place and the fabric judges it there",
                                        at: o.location, hint: "expected when the VPC's addresses are simulated (EC2 picks secondary IPs at random); import the VPC's ENIs to match them")
        case .refused(let why):
            pod.status = .waitingForIP
            pod.reason = "observed at \(ip), which netsim cannot place on node '\(echo: nodes[ni].name)': \(why)"
            observedUnplaced[key] = "its observed address \(ip) cannot be placed on node '\(echo: nodes[ni].name)': \(why)"
            observedDiagnostics.warning(.observedPodAddress, "observed pod '\(echo: key)' has \(ip), which cannot be an address of node '\(echo: nodes[ni].name)' as netsim realized it: \(why); traces naming this pod end NOT_MODELLED",
                                        at: o.location, hint: "check the node's subnets and ENI limits in the topology against the cluster")
        }
        pods.append(pod)
        settle(node: ni)
    }

    mutating func settle(node ni: Int) {
        nodes[ni].ipam.settle(now: &now, ec2: &ec2)
    }

    mutating func observedClusterIPRefused(_ o: ObservedState.Service, _ ip: IPv4Address) {
        let range = t.cluster?.serviceCIDR
        let why = range.map { $0.contains(ip) ? "another Service has it" : "it is outside the Service range \($0)" } ?? "the cluster has no Service range"
        observedDiagnostics.warning(.observedClusterIP, "observed Service '\(echo: o.namespace)/\(echo: o.name)' has cluster IP \(ip), but \(why); netsim allocates one instead",
                                    at: o.location, hint: "set cluster.serviceCidr to the cluster's (aws eks describe-cluster: kubernetesNetworkConfig.serviceIpv4Cidr)")
    }

    /// Observed pods, nodes and Services the topology has nothing for.
    mutating func reportUnusedObserved(workloads: [Workload]) {
        guard let observed = t.kubernetes.observed else { return }
        let known = Set(workloads.map { "\($0.kind.rawValue)/\($0.meta.namespace)/\($0.meta.name)" })
        for o in observed.pods where !known.contains("\(o.ownerKind.rawValue)/\(o.namespace)/\(o.owner)") {
            observedDiagnostics.warning(.observedObjectMissing, "observed pod '\(echo: o.namespace)/\(echo: o.name)' belongs to \(o.ownerKind.rawValue) '\(echo: o.owner)', which the manifests do not define; it is not used",
                                        at: o.location, hint: "add the workload's manifest (netsim import kubernetes writes it when the dump holds it)")
            observedUnplaced["\(o.namespace)/\(o.name)"] = "its \(o.ownerKind.rawValue) '\(echo: o.owner)' is not in the manifests"
        }
        let groups = Set(t.cluster?.nodeGroups.map(\.name) ?? [])
        for o in observed.nodes where !groups.contains(o.nodeGroup ?? "") {
            observedDiagnostics.warning(.observedNodeUnplaced, "observed node '\(echo: o.name)' is not placed: \(o.nodeGroup.map { "node group '\(echo: $0)' is not in the topology" } ?? "it names no node group (no eks.amazonaws.com/nodegroup label)"); pods observed on it are scheduled by netsim",
                                        at: o.location, hint: "declare the node group under cluster.nodeGroups with its subnets and instance type")
        }
        let services = Set(t.kubernetes.services.map { "\($0.meta.namespace)/\($0.meta.name)" })
        for o in observed.services where !services.contains("\(o.namespace)/\(o.name)") && !(o.namespace == "default" && o.name == "kubernetes")
            && !(o.namespace == "kube-system" && o.name == "kube-dns") {
            observedDiagnostics.warning(.observedObjectMissing, "observed Service '\(echo: o.namespace)/\(echo: o.name)' is not in the manifests; its cluster IP is not used",
                                        at: o.location, hint: "add the Service's manifest")
        }
    }
}
