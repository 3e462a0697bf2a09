/// The EKS control plane as the customer's VPC sees it (`cluster.controlPlane`): the 2 to 4
/// cross-account ENIs EKS places in the subnets given at cluster creation, the cluster security
/// group, and the API server endpoint's access.
public struct ControlPlane: Sendable {
    /// The API server endpoint's access (`endpointPublicAccess`, `endpointPrivateAccess`,
    /// `publicAccessCidrs` of the EKS API).
    public struct EndpointAccess: Sendable {
        public var publicAccess: Bool
        public var privateAccess: Bool
        public var publicAccessCIDRs: [IPv4CIDR]
        public var location: SourceLocation?
        public init(publicAccess: Bool = true, privateAccess: Bool = false,
                    publicAccessCIDRs: [IPv4CIDR] = [IPv4CIDR(network: IPv4Address(0), prefixLength: 0)], location: SourceLocation? = nil) {
            self.publicAccess = publicAccess; self.privateAccess = privateAccess
            self.publicAccessCIDRs = publicAccessCIDRs; self.location = location
        }
    }
    /// The subnets given at cluster creation (names of the topology's subnets; at least two
    /// zones).
    public var subnets: [String]
    /// How many control-plane ENIs EKS keeps in them (2 to 4).
    public var eniCount: Int
    /// The cluster security group's name (`eks-cluster-sg-<cluster>-<id>` unless written).
    /// A group of that name in `vpc.securityGroups` is used as written; otherwise netsim
    /// creates it as EKS does (all traffic from its members, all traffic out).
    public var clusterSecurityGroup: String
    /// The additional security groups given at cluster creation (on the ENIs with the cluster
    /// group).
    public var securityGroups: [String]
    public var endpoint: EndpointAccess
    public var location: SourceLocation

    /// The name EKS gives the cluster security group, `eks-cluster-sg-<cluster>-<digits>`: EKS
    /// appends a number; netsim derives ten digits from the cluster's name and the topology's
    /// seed, so the name is the same run after run (with or without `cluster.controlPlane`).
    public static func defaultClusterSecurityGroupName(cluster: String, seed: UInt64) -> String {
        let n = StableHash.fnv1a("eks-cluster-sg/" + cluster, seed: seed) % 10_000_000_000
        let digits = String(n)
        return "eks-cluster-sg-\(cluster)-" + String(repeating: "0", count: max(0, 10 - digits.count)) + digits
    }

    /// The VPC's one group named `eks-cluster-sg-<cluster>-…` (the cluster security group
    /// written out with its rules), if it has exactly one.
    public static func declaredClusterSecurityGroup(cluster: String, in vpc: VPC) -> String? {
        let found = vpc.securityGroups.filter { $0.name.hasPrefix("eks-cluster-sg-\(cluster)-") }
        return found.count == 1 ? found[0].name : nil
    }

    /// The cluster security group as EKS creates it: all traffic from its members in, all
    /// traffic out (EKS user guide, "View Amazon EKS security group requirements for clusters").
    public static func createdClusterSecurityGroup(name: String, cluster: String, seed: UInt64, location: SourceLocation) -> SecurityGroup {
        SecurityGroup(name: name, id: AWSID.make("sg", name: "cluster-sg/" + name, seed: seed),
                      description: "EKS cluster security group (created by EKS): control-plane ENIs and managed nodes",
                      ingress: [SecurityGroupRule(ipProtocol: .all, peer: .securityGroup(name),
                                                  description: "all traffic from members of the cluster security group", location: location)],
                      egress: [SecurityGroupRule(ipProtocol: .all, peer: .cidr(.any), description: "all traffic out", location: location)],
                      tags: [Tag("aws:eks:cluster-name", cluster), Tag("kubernetes.io/cluster/\(cluster)", "owned")],
                      location: location)
    }
    public init(subnets: [String], eniCount: Int = 2, clusterSecurityGroup: String, securityGroups: [String] = [],
                endpoint: EndpointAccess = EndpointAccess(), location: SourceLocation) {
        self.subnets = subnets; self.eniCount = eniCount; self.clusterSecurityGroup = clusterSecurityGroup
        self.securityGroups = securityGroups; self.endpoint = endpoint; self.location = location
    }
}

/// A Fargate profile (`cluster.fargateProfiles`): the pods it selects run on Fargate, one
/// micro-VM and one ENI each, in the profile's (private) subnets.
public struct FargateProfile: Sendable {
    public struct Selector: Sendable {
        public var namespace: String
        public var labels: [String: String]
        public init(namespace: String, labels: [String: String] = [:]) { self.namespace = namespace; self.labels = labels }
    }
    public var name: String
    public var subnets: [String]
    public var selectors: [Selector]
    public var location: SourceLocation
    public init(name: String, subnets: [String], selectors: [Selector], location: SourceLocation) {
        self.name = name; self.subnets = subnets; self.selectors = selectors; self.location = location
    }
}

/// A pod's branch ENI (Security Groups for Pods): its own interface on the node's trunk ENI,
/// with its address, VLAN ID and security groups.
public struct BranchENI: Hashable, Sendable {
    public var eniID: String
    public var vlanID: Int
    public var ip: IPv4Address
    public var subnet: String
    /// The groups of the SecurityGroupPolicies selecting the pod, in order, without repeats.
    public var securityGroups: [String]
    /// "namespace/name" of those policies.
    public var policies: [String]
    public init(eniID: String, vlanID: Int, ip: IPv4Address, subnet: String, securityGroups: [String], policies: [String]) {
        self.eniID = eniID; self.vlanID = vlanID; self.ip = ip; self.subnet = subnet
        self.securityGroups = securityGroups; self.policies = policies
    }
}
