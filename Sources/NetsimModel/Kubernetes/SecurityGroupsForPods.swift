/// Which SecurityGroupPolicies select a pod, as the VPC resource controller's pod webhook
/// decides (amazon-vpc-resource-controller-k8s v1.7.9, `pkg/utils/helper.go`
/// `filterPodSecurityGroups`, `webhooks/core/pod_webhook.go`):
///
/// - only policies of the pod's namespace are read;
/// - a policy with neither selector, or with no groups, is skipped;
/// - a policy with a pod selector needs it to match the pod's labels, one with a ServiceAccount
///   selector needs it to match the labels of the pod's ServiceAccount; with both, both must
///   match;
/// - the groups of every matching policy add up, in policy order, without repeats;
/// - hostNetwork pods are never given a branch ENI.
public enum SecurityGroupsForPods {
    /// What the webhook decides for one pod template.
    public struct Selection: Sendable {
        /// "namespace/name" of the matching policies, in manifest order.
        public var policies: [String]
        /// Their groups, as written (ids or names), in order without repeats.
        public var groups: [String]
        /// The pod names a ServiceAccount the manifests do not declare (other than `default`,
        /// which every namespace has) while a policy of its namespace selects by ServiceAccount:
        /// the webhook cannot read it and refuses the pod.
        public var missingServiceAccount: String?
        public var selected: Bool { !groups.isEmpty }
    }

    /// The selection for a pod of `namespace` with these labels and ServiceAccount.
    public static func select(namespace: String, labels: [String: String], serviceAccount: String, hostNetwork: Bool,
                              objects k: KubernetesObjects) -> Selection {
        var out = Selection(policies: [], groups: [], missingServiceAccount: nil)
        guard !hostNetwork, !k.securityGroupPolicies.isEmpty else { return out }
        let mine = k.securityGroupPolicies.filter { $0.meta.namespace == namespace }
        guard !mine.isEmpty else { return out }
        let saName = serviceAccount.isEmpty ? "default" : serviceAccount
        let sa = k.serviceAccounts.first { $0.meta.namespace == namespace && $0.meta.name == saName }
        if sa == nil && saName != "default" && mine.contains(where: { $0.serviceAccountSelector != nil }) {
            out.missingServiceAccount = saName
            return out
        }
        let saLabels = sa?.meta.labels ?? [:]
        var seen = Set<String>()
        for p in mine {
            guard p.podSelector != nil || p.serviceAccountSelector != nil, !p.securityGroups.isEmpty else { continue }
            if let s = p.podSelector, !s.matches(labels) { continue }
            if let s = p.serviceAccountSelector, !s.matches(saLabels) { continue }
            out.policies.append("\(p.meta.namespace)/\(p.meta.name)")
            for g in p.securityGroups where seen.insert(g).inserted { out.groups.append(g) }
        }
        return out
    }

    /// The selection for a workload's pods.
    public static func select(_ w: Workload, objects k: KubernetesObjects) -> Selection {
        select(namespace: w.meta.namespace, labels: w.template.labels, serviceAccount: w.template.serviceAccountName,
               hostNetwork: w.template.hostNetwork, objects: k)
    }

    /// A policy group as written (`sg-…` id or the topology's name) → the group's name in `vpc`,
    /// nil when the VPC has no such group.
    public static func groupName(_ written: String, in vpc: VPC) -> String? {
        if let g = vpc.securityGroups.first(where: { $0.id == written }) { return g.name }
        if let g = vpc.securityGroups.first(where: { $0.name == written }) { return g.name }
        return nil
    }

    /// EC2's default quota of security groups per network interface: a branch ENI with more is
    /// refused (the quota can be raised to 16, the CRD's maximum per policy).
    public static let groupsPerInterface = 5
    /// The CRD's `maxItems` on `spec.securityGroups.groupIds`.
    public static let maxGroupsPerPolicy = 16
    /// The extended resource the webhook adds to the pod's first container.
    public static let resourceName = "vpc.amazonaws.com/pod-eni"
}

extension SecurityGroupsForPods {
    /// Branch ENIs a node of this type can hold (the resource controller's `BranchInterface`,
    /// `pkg/aws/vpc/limits.go`); 0 when the type is not trunking-compatible or has no row (the
    /// controller then attaches no trunk).
    public static func branchENIs(_ type: InstanceType) -> Int {
        guard type.isTrunkingCompatible == true, let n = type.branchENIs else { return 0 }
        return max(0, n)
    }
}
