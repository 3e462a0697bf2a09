import NetsimIPAM
import NetsimModel

/// `check` for Security Groups for Pods: the groups each SecurityGroupPolicy names, what the
/// pods it selects need from EC2 and from the nodes (a trunk ENI, branch ENIs per type from
/// the resource controller's limits table, at most 5 groups on an ENI), and the settings.
extension TopologyConverter {
    /// POD_SECURITY_GROUP_ENFORCING_MODE as the CNI reads it (amazon-vpc-cni-k8s v1.23.1,
    /// `pkg/sgpp/utils.go` `LoadEnforcingModeFromEnv`): exactly `strict` or `standard`, anything
    /// else falls back to strict.
    func checkPodSecurityGroupEnforcingMode(_ value: String, at loc: SourceLocation) {
        guard value != "strict" && value != "standard" else { return }
        let lower = String(value.lowercased().filter { $0 != " " })
        let meant = (lower == "standard" || lower == "strict") ? "write \"\(lower)\": the CNI compares the exact text" : "write \"strict\" (the default: every packet of a branch pod meets its security groups) or \"standard\""
        reporter.warning(.sgpEnforcingMode, "POD_SECURITY_GROUP_ENFORCING_MODE='\(echo: value)' is neither strict nor standard: the CNI uses strict", at: loc, hint: meant)
    }

    func checkSecurityGroupsForPods(_ t: Topology) {
        let k = t.kubernetes
        guard !k.securityGroupPolicies.isEmpty, let vpc = t.primaryVPC else { return }
        // Groups: an id (sg-…) or a name of the topology.
        for p in k.securityGroupPolicies {
            // At most 16 groups are valid (NS1301); a huge list is reported in a few lines.
            let missing = p.securityGroups.filter { !$0.isEmpty && SecurityGroupsForPods.groupName($0, in: vpc) == nil }
            if missing.count > SecurityGroupsForPods.maxGroupsPerPolicy {
                reporter.warning(.sgpGroupNotFound, "SecurityGroupPolicy \(p.meta.namespace)/\(p.meta.name) names \(missing.count) groups that are not security groups of VPC '\(echo: vpc.name)' (first '\(echo: missing[0])')",
                                 at: p.securityGroupsLocation, hint: "use the ids or names of the VPC's groups")
                continue
            }
            for g in missing {
                let names = vpc.securityGroups.map(\.name)
                let dym = Suggestions.didYouMean(g, in: names + vpc.securityGroups.map(\.id))
                reporter.warning(.sgpGroupNotFound, "SecurityGroupPolicy \(p.meta.namespace)/\(p.meta.name) names group '\(echo: g)', which is neither the id nor the name of a security group of VPC '\(echo: vpc.name)': EC2 refuses the branch ENI (InvalidGroup.NotFound) and the pods it selects wait for an address",
                                 at: p.securityGroupsLocation, hint: dym.isEmpty ? "groups of the VPC: " + names.prefix(8).map { Echo.clip($0) }.joined(separator: ", ") : dym)
            }
        }
        guard let cluster = t.cluster else { return }
        let settings = cluster.awsNode
        var selected: [(Workload, SecurityGroupsForPods.Selection)] = []
        for w in k.workloads {
            let s = SecurityGroupsForPods.select(w, objects: k)
            if let sa = s.missingServiceAccount {
                reporter.warning(.sgpServiceAccount, "\(w.kind.rawValue) \(w.meta.namespace)/\(w.meta.name) runs as ServiceAccount '\(echo: sa)', which the manifests do not declare, and a SecurityGroupPolicy of namespace '\(echo: w.meta.namespace)' selects by ServiceAccount: the VPC resource controller's webhook cannot read it and refuses the pods",
                                 at: w.meta.location, hint: "declare the ServiceAccount (apiVersion: v1, kind: ServiceAccount) in the manifests")
            }
            // Pods a Fargate profile places take no branch ENI: their micro-VM's ENI carries the
            // groups (Docs/fargate.md).
            guard s.selected, FargateScheduling.profile(for: w, profiles: cluster.fargateProfiles) == nil else { continue }
            selected.append((w, s))
            // Distinct groups (an id and the name of one group are one group).
            let distinct = Set(s.groups.map { SecurityGroupsForPods.groupName($0, in: vpc) ?? $0 }).count
            if distinct > SecurityGroupsForPods.groupsPerInterface {
                reporter.warning(.sgpTooManyGroups, "\(w.kind.rawValue) \(w.meta.namespace)/\(w.meta.name) is selected by \(s.policies.joined(separator: ", ")), which add up to \(distinct) security groups; a branch ENI takes at most \(SecurityGroupsForPods.groupsPerInterface) (EC2's default quota), so EC2 refuses it and the pods wait for an address",
                                 at: w.meta.location, hint: "use at most 5 groups across the policies that select these pods, or raise the 'Security groups per network interface' quota")
            }
        }
        guard !selected.isEmpty else { return }
        if !settings.podENI {
            let (w, s) = selected[0]
            let loc = settings.sources["ENABLE_POD_ENI"] ?? k.securityGroupPolicies.first { "\($0.meta.namespace)/\($0.meta.name)" == s.policies.first }?.meta.location ?? w.meta.location
            reporter.warning(.sgpPodENIDisabled, "SecurityGroupPolicies select the pods of \(selected.count) workload\(selected.count == 1 ? "" : "s") (first \(w.meta.namespace)/\(w.meta.name)), but ENABLE_POD_ENI is not true: no node has a trunk ENI, so these pods request \(SecurityGroupsForPods.resourceName) and stay Pending",
                             at: loc, hint: "set cluster.cni.ENABLE_POD_ENI: \"true\"")
            return
        }
        // Node groups whose type cannot take branch ENIs.
        var branchCapacity = 0
        for g in cluster.nodeGroups {
            guard let type = catalog[g.instanceType] else { continue }
            let branches = SecurityGroupsForPods.branchENIs(type)
            // Only where a selected workload could run (its nodeSelector and tolerations).
            let zone = g.subnets.first.flatMap { vpc.subnet(named: $0)?.zone } ?? ""
            let labels = Realizer.nodeLabels(group: g, type: type, name: "", zone: zone, region: t.region, eniConfig: nil)
            let couldRun = selected.contains { (w, _) in
                w.template.nodeSelector.allSatisfy { labels[$0.key] == $0.value }
                    && g.taints.allSatisfy { taint in taint.effect == .PreferNoSchedule || w.template.tolerations.contains { $0.tolerates(taint) } }
            }
            if branches == 0 && couldRun {
                let why = type.hypervisor == .xen ? "a Xen type" : (type.isTrunkingCompatible == nil ? "not in the resource controller's limits table" : "not trunking-compatible")
                reporter.warning(.sgpNonTrunking, "node group '\(echo: g.name)' is \(g.instanceType) (\(why)): the VPC resource controller attaches no trunk ENI there, so pods selected by SecurityGroupPolicies are never scheduled on its nodes",
                                 at: g.location, hint: "use a Nitro type with branch ENIs (e.g. m5.large: 9, c5.xlarge: 18) for nodes that run those pods")
            }
            if couldRun { branchCapacity = branchCapacity.addingSaturated(branches.multipliedSaturated(by: max(0, g.count))) }
        }
        var wanted = 0
        let nodeCount = cluster.nodeGroups.reduce(0) { $0.addingSaturated(max(0, $1.count)) }
        for (w, _) in selected {
            let replicas = w.kind == .daemonSet ? nodeCount : (w.kind == .pod ? 1 : (w.replicas ?? 1))
            let before = wanted
            wanted = wanted.addingSaturated(replicas)
            if wanted > branchCapacity && before <= branchCapacity && replicas > 0 {
                reporter.warning(.sgpBranchLimit, "\(w.kind.rawValue) \(w.meta.namespace)/\(w.meta.name) brings the pods selected by SecurityGroupPolicies to \(wanted), more than the \(branchCapacity) branch ENIs (\(SecurityGroupsForPods.resourceName)) the node groups offer: \(wanted - branchCapacity) stay Pending",
                                 at: w.meta.location, hint: "add nodes, use a type with more branch ENIs (c5.4xlarge: 54), or select fewer pods")
            }
        }
        // externalTrafficPolicy: Local with instance targets in strict mode.
        guard settings.podSecurityGroupStrict else { return }
        for s in k.services where s.externalTrafficPolicy == .Local && (s.type == .NodePort || s.type == .LoadBalancer) {
            guard let sel = s.selector, !sel.isEmpty else { continue }
            if s.meta.annotations["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"] == "ip" { continue }
            guard let (w, _) = selected.first(where: { e in e.0.meta.namespace == s.meta.namespace && sel.allSatisfy { kv in e.0.template.labels[kv.key] == kv.value } }) else { continue }
            reporter.warning(.sgpLocalTrafficPolicy, "Service \(s.meta.namespace)/\(s.meta.name) (\(s.type.rawValue), externalTrafficPolicy Local) sends to pods of \(w.meta.namespace)/\(w.meta.name), which have branch ENIs in strict mode: Security Groups for Pods does not support instance targets with a Local policy",
                             at: s.meta.location, hint: "use externalTrafficPolicy: Cluster, ip targets (aws-load-balancer-nlb-target-type: ip), or POD_SECURITY_GROUP_ENFORCING_MODE=standard")
        }
    }
}
