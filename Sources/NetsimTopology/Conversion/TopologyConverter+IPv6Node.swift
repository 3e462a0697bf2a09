import NetsimModel

extension TopologyConverter {
    /// aws-node settings the cluster's IP family makes idle (amazon-vpc-cni-k8s v1.23.1):
    /// - IPv6 (`ipFamily: ipv6` or ENABLE_IPv6): `pkg/networkutils/network.go`
    ///   `UpdateHostSNATRules` writes no SNAT or connmark rule ("IPv6 addresses are not network
    ///   translated": EKS user guide, external-snat), so AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS and
    ///   AWS_VPC_K8S_CNI_EXTERNALSNAT change nothing; an IPv6 pod's IPv4 egress is the egress
    ///   plugin's SNAT to the node's address, whatever they say.
    /// - IPv4: `cmd/aws-vpc-cni/main.go` reads ENABLE_V4_EGRESS only in IPv6 mode.
    func checkCNISettingsFamily(_ cluster: Cluster) {
        let settings = cluster.awsNode
        let explicit = Set(cluster.cni.map(\.name))
        if settings.ipv6 {
            for name in ["AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS", "AWS_VPC_K8S_CNI_EXTERNALSNAT"] where explicit.contains(name) {
                reporter.warning(.cniSettingFamily, "\(name) has no effect in an IPv6 cluster: the VPC CNI writes no SNAT rule there (pods keep their IPv6 address; their IPv4 egress is SNATed to the node's address by the egress plugin)",
                                 at: settings.sources[name] ?? cluster.location,
                                 hint: "remove it: in an IPv6 cluster only ENABLE_V4_EGRESS and AWS_VPC_K8S_CNI_RANDOMIZESNAT shape the pods' (IPv4) address translation")
            }
        } else if explicit.contains("ENABLE_V4_EGRESS") {
            reporter.warning(.cniSettingFamily, "ENABLE_V4_EGRESS has no effect in an IPv4 cluster: aws-node chains the IPv4 egress plugin only in IPv6 mode",
                             at: settings.sources["ENABLE_V4_EGRESS"] ?? cluster.location,
                             hint: "remove it (ENABLE_V6_EGRESS is the IPv4 cluster's counterpart, which netsim does not model)")
        }
    }
}
