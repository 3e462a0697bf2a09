import NetsimModel

/// Capacity of a realized cluster: per node group, subnet and zone, what is used, what is held
/// warm, what is free, how much more fits, and what other warm-pool settings would change.
public struct CapacityReport: Sendable {
    public struct NodeGroupCapacity: Sendable {
        public var name: String
        public var instanceType: String
        public var nodes: Int
        /// kubelet --max-pods on these nodes (the node group's maxPods, else eni-max-pods.txt).
        public var kubeletMaxPods: Int
        /// The calculator's answers and ipamd's real capacity under the cluster's settings.
        public var maxPods: MaxPods
        public var pods: Int
        public var hostNetworkPods: Int
        public var podsWithoutIP: Int
        public var enis: Int
        public var podIPs: Int
        public var warmIPs: Int
        public var eniPrimaries: Int
        /// Pods the existing nodes can still start before max pods or addresses run out.
        public var morePodsOnExistingNodes: Int
        /// "max pods", "IP addresses" or "max pods and IP addresses".
        public var morePodsLimitedBy: String
        /// New nodes of this group that fit, placed round-robin over its subnets, idle (only
        /// DaemonSet pods) and packed to max pods.
        public var moreIdleNodes: Int
        public var moreFullNodes: Int
        /// Pods one packed node runs (host-network pods excluded).
        public var podsPerFullNode: Int
        /// Subnet that runs out first as nodes are added.
        public var firstExhaustedSubnet: String?
    }

    public struct SubnetCapacity: Sendable {
        public var name: String
        public var zone: String
        public var cidr: IPv4CIDR
        /// Size − 5 AWS reserves.
        public var usable: Int
        /// Nodes whose primary ENI is here.
        public var nodes: Int
        public var eniPrimaries: Int
        public var podIPs: Int
        public var warmIPs: Int
        /// NAT gateways, declared interfaces, externals.
        public var other: Int
        public var free: Int
        public var freePrefixes: Int
        /// Addresses one more node takes here, idle and packed, by node group.
        public var footprints: [Footprint]
        /// Fargate pods' ENIs here (also counted in `other`).
        public var fargatePods = 0
    }

    /// One Fargate profile: its pods (one micro-VM, ENI and address each) by subnet.
    public struct FargateProfileCapacity: Sendable {
        public var name: String
        public var subnets: [String]
        public var pods: Int
        /// Pods running on Fargate, by subnet name, in the profile's order.
        public var podsBySubnet: [(subnet: String, pods: Int)]
        /// Pods the profile selects that are Pending (no address in its subnets, or refused).
        public var pending: Int
        /// Addresses still free in the profile's subnets: more Fargate pods that fit.
        public var free: Int
    }

    public struct Footprint: Sendable {
        public var group: String
        public var idle: Int
        public var full: Int
        public var idleNodesThatFit: Int
        public var fullNodesThatFit: Int
        public var podsThatFit: Int
    }

    public struct ZoneCapacity: Sendable {
        public var zone: String
        public var subnets: [String]
        public var usable: Int
        public var eniPrimaries: Int
        public var podIPs: Int
        public var warmIPs: Int
        public var other: Int
        public var free: Int
        public var freePrefixes: Int
    }

    /// The same cluster under other aws-node settings.
    public struct WhatIf: Sendable {
        /// e.g. "WARM_IP_TARGET=5".
        public var setting: String
        /// Addresses held by nodes (ENI primaries + secondary IPs or prefixes) now minus under
        /// the alternative, by subnet; positive means the alternative frees addresses.
        public var freedBySubnet: [(subnet: String, freed: Int)]
        public var freed: Int
        public var podsWithoutIP: Int
        /// New nodes of each group that fit under the alternative, idle and packed (as `MORE
        /// NODES`: under prefix delegation, counted in free /28 blocks).
        public var moreNodes: [(group: String, idle: Int, full: Int)] = []
        public var note: String
    }

    public var topology: String
    public var mode: AddressMode
    /// The effective warm-pool settings, as `NAME=value`.
    public var settings: [String]
    public var nodeGroups: [NodeGroupCapacity]
    public var subnets: [SubnetCapacity]
    public var zones: [ZoneCapacity]
    public var whatIfs: [WhatIf]
    public var warnings: [CapacityWarning]
    public var podsWithoutIP: [RealizedPod]
    /// Pending pods built (at most `Realizer.pendingPodsBuilt` per workload)…
    public var unscheduledPods: [RealizedPod]
    /// …and their exact number.
    public var unscheduledCount: Int
    public var totals: (nodes: Int, pods: Int, podIPs: Int, warmIPs: Int, eniPrimaries: Int, free: Int)
    /// Security Groups for Pods: branch ENIs per node group (empty without SecurityGroupPolicies).
    public var branchENIs: [BranchENIUse] = []
    /// Fargate profiles, in file order; empty without them.
    public var fargate: [FargateProfileCapacity] = []
}
