import NetsimModel

/// A pod running on AWS Fargate: its own micro-VM, registered with the cluster as a node of its
/// own (`fargate-ip-…`), with one ENI and one address from a subnet of the profile that placed it.
///
/// EKS user guide, "AWS Fargate" and "Define which Pods use AWS Fargate when launched": each
/// Fargate pod has its own isolation boundary and shares no ENI with another pod; the node is
/// named `fargate-` and the pod's private DNS name; the ENI carries the cluster security group
/// unless a SecurityGroupPolicy selects the pod.
public struct FargateNode: Sendable {
    /// Where the ENI's security groups come from.
    public enum GroupSource: String, Sendable {
        /// `cluster.controlPlane.clusterSecurityGroup`.
        case clusterSecurityGroup = "cluster security group"
        /// No `cluster.controlPlane`: the VPC's `eks-cluster-sg-<cluster>-…` group, else the
        /// cluster security group as netsim assumes EKS created it
        /// (`RealizedCluster.fargateAssumedGroups`); EKS attaches it to managed nodes too.
        case assumedClusterSecurityGroup = "assumed cluster security group"
        /// SecurityGroupPolicies selecting the pod (`policies`).
        case securityGroupPolicy = "SecurityGroupPolicy"
    }
    /// `fargate-ip-10-0-3-7.ec2.internal`.
    public var name: String
    public var profile: String
    public var namespace: String
    public var pod: String
    public var zone: String
    public var subnet: String
    public var ip: IPv4Address
    public var eniID: String
    public var mac: String
    /// Names of the ENI's groups (a SecurityGroupPolicy's ids are turned into names).
    public var securityGroups: [String]
    public var groupSource: GroupSource
    /// "namespace/name" of the SecurityGroupPolicies whose groups the ENI carries.
    public var policies: [String] = []
    /// The node's labels (`eks.amazonaws.com/compute-type: fargate`, the zone, the hostname).
    public var labels: [String: String]
    public var podKey: String { "\(namespace)/\(pod)" }
}

/// How EKS's Fargate scheduler and the profiles place pods.
public enum FargateScheduling {
    /// The label that tells EKS which profile a pod should use when several match (EKS user
    /// guide, "Define which Pods use AWS Fargate when launched").
    public static let profileLabel = "eks.amazonaws.com/fargate-profile"

    /// The profiles a pod in `namespace` with `labels` matches, in file order: a selector matches
    /// when the namespace is equal and every label of the selector is on the pod.
    public static func matchingProfiles(_ profiles: [FargateProfile], namespace: String, labels: [String: String]) -> [Int] {
        profiles.indices.filter { i in
            profiles[i].selectors.contains { s in
                s.namespace == namespace && s.labels.allSatisfy { labels[$0.key] == $0.value }
            }
        }
    }

    /// The profile EKS uses for a pod: the one its `eks.amazonaws.com/fargate-profile` label
    /// names, if it also matches one of that profile's selectors; else, of the matching ones,
    /// the first in file order (EKS picks one of several at random: netsim picks the first, and
    /// `check` warns, NS1347). nil: the pod does not run on Fargate.
    public static func profile(for workload: Workload, profiles: [FargateProfile]) -> Int? {
        guard workload.kind != .daemonSet, !profiles.isEmpty else { return nil }
        let matches = matchingProfiles(profiles, namespace: workload.meta.namespace, labels: workload.template.labels)
        if let wanted = workload.template.labels[profileLabel] {
            return matches.first { profiles[$0].name == wanted }
        }
        return matches.first
    }

    /// `fargate-ip-10-0-3-7.ec2.internal` (us-east-1) or `fargate-ip-….<region>.compute.internal`.
    public static func nodeName(_ ip: IPv4Address, region: String) -> String {
        "fargate-" + Realizer.nodeName(ip, region: region)
    }
}
