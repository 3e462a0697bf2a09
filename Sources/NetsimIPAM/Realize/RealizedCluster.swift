import NetsimModel

/// Everything a cluster holds once addresses are allocated: nodes, ENIs, pods, cluster IPs,
/// load balancer nodes.
public struct RealizedCluster: Sendable {
    public var nodes: [RealizedNode]
    public var pods: [RealizedPod]
    public var services: [RealizedService]
    /// Subnet state after allocation, and the EC2 calls it took.
    public var ec2: EC2Account
    /// Addresses in subnets held by things other than nodes (NAT gateways, declared interfaces,
    /// externals), by subnet pool index.
    public var otherAddresses: [Int: [(IPv4Address, String)]]
    public var natGatewayAddresses: [String: IPv4Address]
    /// The load balancers the AWS Load Balancer Controller would create (an NLB per Service it
    /// owns, an ALB per IngressGroup): names, ARNs, DNS names, and a node per zone whose address
    /// is taken from the subnet (also listed in `otherAddresses`); or why one cannot be placed.
    ///
    /// Each is complete: listeners, rules, target groups and their registered targets (instance
    /// targets on the Services' `nodePorts`), built by `LoadBalancerBuilder` once the pods are
    /// placed. The tracer's fabric only indexes them.
    public var loadBalancers: [RealizedLoadBalancer]
    /// The security groups the controller creates (each load balancer's managed frontend group,
    /// the cluster's shared backend group), with their rules; empty without load balancers.
    public var loadBalancerGroups: [SecurityGroup] = []
    /// The rules the controller adds to the targets' existing groups, by group name.
    public var loadBalancerTargetRules: [String: [SecurityGroupRule]] = [:]
    /// NodePorts by Service ("namespace/name"), as the API server allocated them: every node's
    /// kube-proxy and the load balancers' instance targets read these.
    public var nodePorts: [String: ServiceNodePorts] = [:]
    /// The EKS control plane's ENIs in the VPC (`cluster.controlPlane`), their addresses taken
    /// from the subnets (also listed in `otherAddresses`); empty when not declared.
    public var controlPlaneENIs: [ControlPlaneENI] = []
    /// The interface VPC endpoints' ENIs, one per endpoint subnet, their addresses taken from
    /// the subnets (also listed in `otherAddresses`); empty when none is declared.
    public var interfaceEndpointENIs: [InterfaceEndpointENI] = []
    public var settings: CNISettings
    public var warnings: [CapacityWarning]
    /// The allocation clock where the run ended (seconds), for further steps on a copy.
    public var clock: Int

    public func node(named name: String) -> RealizedNode? { nodes.first { $0.name == name } }

    /// Pods left Pending, exactly. Only the first `Realizer.pendingPodsBuilt` of each workload
    /// are built (in `pods` and `unscheduledPods`); the rest are counted here, so a Deployment of
    /// a million replicas costs what fits on the nodes, not a million pods.
    public var unscheduledCount: Int
    /// Fargate pods' micro-VMs, one per running Fargate pod (`RealizedPod.fargateProfile` names
    /// the profile, `RealizedPod.node` the node), in placement order.
    public var fargateNodes: [FargateNode] = []
    /// The cluster security group as netsim assumes EKS created it, when Fargate pods need it
    /// and neither `cluster.controlPlane` nor the VPC's groups define it.
    public var fargateAssumedGroups: [SecurityGroup] = []

    public func fargateNode(named name: String) -> FargateNode? { fargateNodes.first { $0.name == name } }

    /// Where the observed state (`kubernetes.observed`) could not be used as observed, or
    /// differs from what netsim's own allocation would have done (`NS1579`–`NS1583`), located
    /// in the observed file; `check` reports them.
    public var observedDiagnostics: [Diagnostic] = []
    /// Observed pods ("namespace/name") netsim could not place as observed, and why: a trace
    /// from or to one ends NOT_MODELLED instead of using an address the cluster did not have.
    public var observedUnplaced: [String: String] = [:]

    public var podsWithoutIP: [RealizedPod] { pods.filter { $0.status == .waitingForIP } }
    /// The Pending pods built (at most `Realizer.pendingPodsBuilt` per workload); their number
    /// is `unscheduledCount`.
    public var unscheduledPods: [RealizedPod] { pods.filter { $0.status == .unschedulable } }
}

/// One EC2 instance joined to the cluster.
public struct RealizedNode: Sendable {
    public var name: String
    public var group: String
    public var instanceID: String
    public var instanceType: InstanceType
    public var zone: String
    /// The subnet of the primary ENI.
    public var subnet: String
    public var primaryIP: IPv4Address
    public var labels: [String: String]
    public var taints: [Taint]
    public var maxPods: Int
    public var securityGroups: [String]
    /// The ENIConfig that gave secondary ENIs their subnet and groups (custom networking).
    public var eniConfig: String?
    public var ipam: NodeIPAM
    /// IPv6 clusters: the /80 prefix ipamd assigns to the primary ENI, from the subnet's /64.
    public var ipv6Prefix: IPv6CIDR?
    /// Pods bound to the node, host-network ones included.
    public var podCount: Int
    /// The primary ENI's IPv6 address (the node's own): an IPv6 cluster's nodes have one, and
    /// any node whose subnet assigns IPv6 addresses on creation.
    public var ipv6Address: IPv6Address? = nil
}

/// A pod, its node and its address.
public struct RealizedPod: Sendable {
    public enum Status: String, Sendable {
        case running = "Running"
        /// Scheduled, but ipamd had no address: the sandbox fails and the pod stays in
        /// ContainerCreating ("failed to assign an IP address to container").
        case waitingForIP = "ContainerCreating"
        /// No node passes the scheduler's filters (max pods, nodeSelector, taints).
        case unschedulable = "Pending"
    }
    public var namespace: String
    public var name: String
    public var workloadKind: WorkloadKind
    public var workload: String
    public var labels: [String: String]
    public var hostNetwork: Bool
    public var node: String?
    public var ip: IPv4Address?
    /// IPv6 clusters: the pod's address from its node's /80.
    public var ipv6: IPv6Address?
    public var status: Status
    /// Why the pod is not running, in the words kubelet or the scheduler would use.
    public var reason: String?
    /// Whether netsim added the workload (an EKS add-on the manifests did not declare).
    public var implicit: Bool
    /// Security Groups for Pods: the pod's own branch ENI (its `ip` is the branch's address).
    public var branchENI: BranchENI? = nil
    /// Fargate: the profile that placed the pod (its `node` is the `fargate-ip-…` node).
    public var fargateProfile: String? = nil
}

/// A Service and the cluster IP the API server gave it.
public struct RealizedService: Sendable {
    public var namespace: String
    public var name: String
    public var clusterIP: IPv4Address?
    public var implicit: Bool
    /// An IPv6 cluster's Service: its cluster IP from the IPv6 Service range (`clusterIP` is
    /// then nil: EKS Services are single-stack).
    public var clusterIPv6: IPv6Address? = nil
}
