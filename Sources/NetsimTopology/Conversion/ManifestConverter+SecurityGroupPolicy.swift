import NetsimModel
import Yams

/// Security Groups for Pods: the VPC resource controller's `SecurityGroupPolicy` CRD
/// (`vpcresources.k8s.aws/v1beta1`, amazon-vpc-resource-controller-k8s v1.7.9,
/// `config/crd/bases/vpcresources.k8s.aws_securitygrouppolicies.yaml`) and the ServiceAccounts
/// its `serviceAccountSelector` matches. What the CRD's validation refuses (groupIds outside
/// 1–16 items) is an error; a policy the controller skips (no selector, no groups) is an
/// error too, as it selects nothing although it was written to.
extension ManifestConverter {
    static let securityGroupPolicyAPIVersion = "vpcresources.k8s.aws/v1beta1"

    /// Kinds this extension reads, before the general kinds.
    func securityGroupsForPodsKind(_ kind: String, _ r: MappingReader, apiVersion: String) -> Bool {
        switch kind {
        case "SecurityGroupPolicy" where apiVersion.hasPrefix("vpcresources.k8s.aws/"):
            securityGroupPolicy(r, apiVersion: apiVersion)
            return true
        case "ServiceAccount":
            serviceAccount(r, apiVersion: apiVersion)
            return true
        default:
            return false
        }
    }

    func serviceAccount(_ r: MappingReader, apiVersion: String) {
        guard apiVersion == "v1" else {
            reporter.error(.unsupportedVersion, "ServiceAccount with apiVersion '\(echo: apiVersion)' is not served by current Kubernetes",
                           at: r.valueLocation("apiVersion"), hint: "use apiVersion: v1")
            return
        }
        guard let meta = metadata(r, kind: "ServiceAccount") else { return }
        let key = "ServiceAccount/\(meta.namespace)/\(meta.name)"
        if let first = seen[key] {
            reporter.error(.duplicateObject, "ServiceAccount \(meta.namespace)/\(meta.name) is defined twice", at: meta.location,
                           notes: [Diagnostic.Note("first defined here", at: first)])
            return
        }
        seen[key] = meta.location
        objects.serviceAccounts.append(ServiceAccount(meta: meta))
    }

    func securityGroupPolicy(_ r: MappingReader, apiVersion: String) {
        guard let meta = openCustomResource(r, kind: "SecurityGroupPolicy", apiVersion: apiVersion, served: Self.securityGroupPolicyAPIVersion,
                                            by: "the VPC resource controller", versionCode: .sgpSpec, namespaced: true) else { return }
        let ctx = "SecurityGroupPolicy \(meta.namespace)/\(meta.name)"
        guard let spec = r.mapping("spec", context: "spec of \(ctx)") else {
            reporter.error(.sgpSpec, "\(ctx) has no spec", at: meta.location,
                           hint: "add spec.podSelector (or spec.serviceAccountSelector) and spec.securityGroups.groupIds")
            return
        }
        let podSelector = spec.has("podSelector") ? selector(spec.mapping("podSelector", context: "podSelector of \(ctx)")) ?? LabelSelector() : nil
        let saSelector = spec.has("serviceAccountSelector")
            ? selector(spec.mapping("serviceAccountSelector", context: "serviceAccountSelector of \(ctx)")) ?? LabelSelector() : nil
        var groups: [String] = []
        var groupsLocation = spec.location
        if let sg = spec.mapping("securityGroups", context: "securityGroups of \(ctx)") {
            groupsLocation = sg.has("groupIds") ? sg.valueLocation("groupIds") : sg.location
            let list = sg.stringList("groupIds")
            groups = list.map(\.0)
            sg.finish(severity: .warning)
            if list.count > SecurityGroupsForPods.maxGroupsPerPolicy {
                reporter.error(.sgpSpec, "\(ctx) lists \(list.count) groups; the CRD allows at most \(SecurityGroupsForPods.maxGroupsPerPolicy)", at: groupsLocation,
                               hint: "the API server refuses it; a branch ENI takes 5 groups unless the EC2 quota is raised")
            }
            for (g, loc) in list where g.isEmpty {
                reporter.error(.sgpSpec, "\(ctx) has an empty group id", at: loc, hint: "write a group id (sg-…) or the name of a security group of the topology")
            }
        }
        if groups.isEmpty {
            reporter.error(.sgpSpec, "\(ctx) has no spec.securityGroups.groupIds", at: groupsLocation,
                           hint: "the CRD needs at least one group (minItems 1), and the resource controller skips a policy without groups")
        }
        if podSelector == nil && saSelector == nil {
            reporter.error(.sgpSpec, "\(ctx) has neither spec.podSelector nor spec.serviceAccountSelector", at: spec.location,
                           hint: "the resource controller skips such a policy; add podSelector: {matchLabels: {…}}")
        }
        spec.finish(ignoring: ["podSelector", "serviceAccountSelector", "securityGroups"], severity: .warning)
        objects.securityGroupPolicies.append(SecurityGroupPolicy(meta: meta, podSelector: podSelector, serviceAccountSelector: saSelector,
                                                                 securityGroups: groups, securityGroupsLocation: groupsLocation))
    }
}
