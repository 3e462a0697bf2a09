/// Networking limits of one EC2 instance type, as the VPC CNI's limits table states them.
public struct InstanceType: Hashable, Sendable {
    public enum Hypervisor: String, Sendable { case nitro, xen, unknown }
    public var name: String
    /// ENIs on the default network card (the CNI's `ENILimit`).
    public var eniLimit: Int
    /// IPv4 addresses per ENI, including the ENI's primary (the CNI's `IPv4Limit`).
    public var ipv4PerENI: Int
    public var defaultNetworkCard: Int
    /// Maximum ENIs per network card, by card index.
    public var networkCards: [Int]
    public var hypervisor: Hypervisor
    public var isBareMetal: Bool
    /// Trunk-ENI support for Security Groups for Pods; nil where the resource controller has no row.
    public var isTrunkingCompatible: Bool?
    public var branchENIs: Int?
    public var vCPUs: Int?
    public var memoryMiB: Int?

    public init(name: String, eniLimit: Int, ipv4PerENI: Int, defaultNetworkCard: Int = 0, networkCards: [Int],
                hypervisor: Hypervisor, isBareMetal: Bool, isTrunkingCompatible: Bool? = nil,
                branchENIs: Int? = nil, vCPUs: Int? = nil, memoryMiB: Int? = nil) {
        self.name = name; self.eniLimit = eniLimit; self.ipv4PerENI = ipv4PerENI
        self.defaultNetworkCard = defaultNetworkCard; self.networkCards = networkCards
        self.hypervisor = hypervisor; self.isBareMetal = isBareMetal
        self.isTrunkingCompatible = isTrunkingCompatible; self.branchENIs = branchENIs
        self.vCPUs = vCPUs; self.memoryMiB = memoryMiB
    }

    /// The published max-pods value (`eni-max-pods.txt`): ENIs × (IPv4 per ENI − 1) + 2.
    public var eniMaxPods: Int { eniLimit * (ipv4PerENI - 1) + 2 }
}
