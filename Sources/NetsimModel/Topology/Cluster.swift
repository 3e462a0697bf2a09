/// The EKS cluster: service range, aws-node settings, ENIConfigs and node groups.
public struct Cluster: Sendable {
    /// The cluster's address family (one type with the family of addresses).
    public typealias IPFamily = NetsimModel.IPFamily
    public var name: String
    public var version: String
    public var serviceCIDR: IPv4CIDR
    public var ipFamily: IPFamily
    public var nodePortRange: PortRange
    /// aws-node environment variables, verbatim names and string values, in file order.
    public var cni: [CNISetting]
    public var eniConfigs: [ENIConfig]
    public var nodeGroups: [NodeGroup]
    public var location: SourceLocation
    /// kube-proxy's configuration (`cluster.kubeProxy`; EKS's defaults when absent).
    public var kubeProxy = KubeProxySettings()
    /// The aws-node settings as the converter read them from `cni` (typed, with where each is
    /// written); nil for a cluster built in code (then `awsNode` reads `cni`).
    public var cniSettings: CNISettings?
    /// Who enforces NetworkPolicies and the agent's settings (`cluster.networkPolicy`,
    /// `cluster.vpcCniAddon`, `NETWORK_POLICY_ENFORCING_MODE`); undeclared when absent.
    public var networkPolicy = NetworkPolicySettings()
    /// The control plane in the VPC (`cluster.controlPlane`): its ENIs, the cluster security
    /// group, the endpoint's access; nil when not declared (the control plane is then not
    /// modelled and traces that need it say so).
    public var controlPlane: ControlPlane?
    /// Fargate profiles (`cluster.fargateProfiles`), in file order.
    public var fargateProfiles: [FargateProfile] = []
    /// An IPv6 cluster's Service range (`cluster.serviceIpv6Cidr`, EKS's
    /// `kubernetesNetworkConfig.serviceIpv6Cidr`); nil: EKS's own choice (`serviceIPv6Range`).
    public var serviceIPv6CIDR: IPv6CIDR? = nil

    public init(name: String, version: String, serviceCIDR: IPv4CIDR, ipFamily: IPFamily = .ipv4,
                nodePortRange: PortRange = PortRange(30000, 32767), cni: [CNISetting] = [],
                eniConfigs: [ENIConfig] = [], nodeGroups: [NodeGroup] = [], location: SourceLocation) {
        self.name = name; self.version = version; self.serviceCIDR = serviceCIDR; self.ipFamily = ipFamily
        self.nodePortRange = nodePortRange; self.cni = cni; self.eniConfigs = eniConfigs
        self.nodeGroups = nodeGroups; self.location = location
    }

    /// The minor version of `version` (`"1.30"`, `"v1.30.2"` → 30); nil when it is not a
    /// Kubernetes 1.x version netsim can read, in which case netsim models v1.31.
    public var kubernetesMinor: Int? { Cluster.kubernetesMinor(version) }

    public static func kubernetesMinor(_ version: String) -> Int? {
        var t = Substring(version)
        if t.first == "v" { t = t.dropFirst() }
        guard t.hasPrefix("1.") else { return nil }
        let digits = t.dropFirst(2).prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 4 else { return nil }
        return Int(digits)
    }

    /// An aws-node setting as written, if set (to quote it back; engines read `awsNode`).
    public func cniValue(_ name: String) -> String? { cni.last { $0.name == name }?.value }

    /// The aws-node settings, typed: the converter's reading, else `cni` read now.
    public var awsNode: CNISettings { cniSettings ?? CNISettings(cluster: self) }

    public var customNetworking: Bool { awsNode.customNetworking }
    public var prefixDelegation: Bool { awsNode.prefixDelegation }
}

/// One aws-node environment setting.
public struct CNISetting: Hashable, Sendable {
    public var name: String
    public var value: String
    public var location: SourceLocation
    public init(name: String, value: String, location: SourceLocation) {
        self.name = name; self.value = value; self.location = location
    }
}

/// An ENIConfig (crd.k8s.amazonaws.com/v1alpha1) for custom networking.
public struct ENIConfig: Sendable {
    public var name: String
    public var subnet: String
    /// Empty means "the primary ENI's security groups", as ipamd does.
    public var securityGroups: [String]
    public var location: SourceLocation
    public init(name: String, subnet: String, securityGroups: [String], location: SourceLocation) {
        self.name = name; self.subnet = subnet; self.securityGroups = securityGroups; self.location = location
    }
}

/// A managed or self-managed node group: identical nodes spread over subnets.
public struct NodeGroup: Sendable {
    public var name: String
    public var instanceType: String
    public var count: Int
    public var subnets: [String]
    public var securityGroups: [String]
    /// kubelet --max-pods override; nil means the computed value.
    public var maxPods: Int?
    public var labels: [Tag]
    public var taints: [Taint]
    public var location: SourceLocation
    /// An EKS managed node group (the default): EKS attaches the cluster security group to its
    /// nodes' primary ENIs (`managed: false`: a self-managed group, only `securityGroups`).
    public var managed = true

    /// Whether EKS puts the cluster security group on the nodes: a managed group whose launch
    /// template names no security groups. A managed group can have groups of its own only
    /// through a launch template, and then EKS adds none (EKS user guide, "Customize managed
    /// nodes with launch templates"); so written `securityGroups` stand for those.
    public var getsClusterSecurityGroup: Bool { managed && securityGroups.isEmpty }

    public init(name: String, instanceType: String, count: Int, subnets: [String], securityGroups: [String],
                maxPods: Int? = nil, labels: [Tag] = [], taints: [Taint] = [], location: SourceLocation) {
        self.name = name; self.instanceType = instanceType; self.count = count; self.subnets = subnets
        self.securityGroups = securityGroups; self.maxPods = maxPods; self.labels = labels
        self.taints = taints; self.location = location
    }
}

/// A node taint.
public struct Taint: Hashable, Sendable {
    public enum Effect: String, Sendable, CaseIterable { case NoSchedule, PreferNoSchedule, NoExecute }
    public var key: String
    public var value: String
    public var effect: Effect
    public init(key: String, value: String, effect: Effect) { self.key = key; self.value = value; self.effect = effect }
}

/// An intended flow stated in `expect:`; later engines decide whether it holds.
public struct Intent: Sendable {
    public enum Verdict: String, Sendable, CaseIterable {
        /// DELIVERED, or EXITS_NETWORK toward an internet destination.
        case delivered
        /// Any disposition that is not a delivery.
        case denied
    }
    public var name: String
    public var from: Endpoint
    public var to: Endpoint
    public var port: UInt16?
    public var ipProtocol: IPProtocol
    public var verdict: Verdict
    public var location: SourceLocation
    /// For flows through an ALB: the request's Host header and path.
    public var host: String? = nil
    public var path: String? = nil
    /// Where `from:` and `to:` are written (an endpoint that names nothing at trace time is reported there).
    public var fromLocation: SourceLocation? = nil
    public var toLocation: SourceLocation? = nil

    public init(name: String, from: Endpoint, to: Endpoint, port: UInt16?, ipProtocol: IPProtocol,
                verdict: Verdict, location: SourceLocation) {
        self.name = name; self.from = from; self.to = to; self.port = port; self.ipProtocol = ipProtocol
        self.verdict = verdict; self.location = location
    }
}
