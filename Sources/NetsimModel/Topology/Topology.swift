/// The validated core model of one topology file: every engine reads this, never YAML.
///
/// Values here are typed and checked: CIDRs parse, references resolve, names are unique. The
/// first VPC is the one the cluster runs in; any further VPCs are peers or transit-attached.
public struct Topology: Sendable {
    public var name: String
    public var region: String
    /// The AWS account the resources belong to (`accountId`), in ARNs: 12 digits.
    public var accountID: String = Topology.defaultAccountID
    public var seed: UInt64
    public var vpcs: [VPC]
    public var peeringConnections: [PeeringConnection]
    public var transitGateways: [TransitGateway]
    /// Region-wide managed prefix lists, referenced by security-group rules and routes.
    public var prefixLists: [PrefixList]
    public var cluster: Cluster?
    public var kubernetes: KubernetesObjects
    public var externals: [External]
    public var expectations: [Intent]
    /// The load balancers' annotations as the converter read them; nil for a topology built in
    /// code (then `lbSpecs` reads them).
    public var loadBalancerSpecs: LoadBalancerSpecs?
    /// Where the document starts.
    public var location: SourceLocation

    public init(name: String, region: String, seed: UInt64, vpcs: [VPC] = [],
                peeringConnections: [PeeringConnection] = [], transitGateways: [TransitGateway] = [],
                prefixLists: [PrefixList] = [], cluster: Cluster? = nil,
                kubernetes: KubernetesObjects = KubernetesObjects(), externals: [External] = [],
                expectations: [Intent] = [], location: SourceLocation) {
        self.name = name; self.region = region; self.seed = seed; self.vpcs = vpcs
        self.peeringConnections = peeringConnections; self.transitGateways = transitGateways
        self.prefixLists = prefixLists; self.cluster = cluster; self.kubernetes = kubernetes
        self.externals = externals; self.expectations = expectations; self.location = location
    }

    /// The load balancer specs: the converter's, else read now from the manifests.
    public var lbSpecs: LoadBalancerSpecs { loadBalancerSpecs ?? LoadBalancerSpecs.read(kubernetes) }

    /// The account ID when the file names none: AWS's documentation example.
    public static let defaultAccountID = "123456789012"

    /// Whether `s` is an AWS account ID: exactly 12 ASCII digits.
    public static func isAccountID(_ s: String) -> Bool {
        s.utf8.count == 12 && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// The VPC the cluster's nodes live in (the first one declared).
    public var primaryVPC: VPC? { vpcs.first }

    public func vpc(named name: String) -> VPC? { vpcs.first { $0.name == name } }

    /// The VPC that holds the subnet with this name, and the subnet.
    public func subnet(named name: String) -> (vpc: VPC, subnet: Subnet)? {
        for vpc in vpcs { if let s = vpc.subnets.first(where: { $0.name == name }) { return (vpc, s) } }
        return nil
    }

    public func prefixList(named name: String) -> PrefixList? { prefixLists.first { $0.name == name } }
}

/// A key/value tag or label; kept as an ordered list so output is deterministic.
public struct Tag: Hashable, Sendable {
    public var key: String
    public var value: String
    public init(_ key: String, _ value: String) { self.key = key; self.value = value }
}

extension Array where Element == Tag {
    public subscript(key key: String) -> String? { first { $0.key == key }?.value }
}

/// An IPv4 or IPv6 block, where AWS accepts either (rules, prefix-list entries).
public enum NetworkBlock: Hashable, Sendable, CustomStringConvertible {
    case v4(IPv4CIDR)
    case v6(IPv6CIDR)

    public var description: String {
        switch self {
        case .v4(let c): return c.description
        case .v6(let c): return c.description
        }
    }

    /// Whether the block holds `address`; never for an address of the other family (AWS: IPv4
    /// rules never match IPv6 traffic, nor IPv6 rules IPv4).
    @inlinable public func contains(_ address: IPAddress) -> Bool {
        switch (self, address) {
        case (.v4(let c), .ipv4(let a)): return c.contains(a)
        case (.v6(let c), .ipv6(let a)): return c.contains(a)
        default: return false
        }
    }
}
