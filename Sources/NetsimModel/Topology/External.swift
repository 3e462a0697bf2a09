/// A named host or network outside the cluster: a database, a partner range, on-premises.
public struct External: Sendable {
    public enum Address: Hashable, Sendable {
        case host(IPv4Address)
        case network(IPv4CIDR)
    }
    public struct Port: Hashable, Sendable {
        public var name: String
        public var port: UInt16
        public var ipProtocol: IPProtocol
        public init(name: String, port: UInt16, ipProtocol: IPProtocol) {
            self.name = name; self.port = port; self.ipProtocol = ipProtocol
        }
    }
    public var name: String
    public var address: Address
    /// For hosts inside a VPC: their subnet and security groups.
    public var subnet: String?
    public var securityGroups: [String]
    public var publicIP: IPv4Address?
    /// For networks outside the VPCs: the gateway that reaches them (a transit gateway or
    /// peering name), or nil for the internet.
    public var via: String?
    public var ports: [Port]
    public var description: String
    public var location: SourceLocation

    public init(name: String, address: Address, subnet: String? = nil, securityGroups: [String] = [],
                publicIP: IPv4Address? = nil, via: String? = nil, ports: [Port] = [], description: String = "",
                location: SourceLocation) {
        self.name = name; self.address = address; self.subnet = subnet; self.securityGroups = securityGroups
        self.publicIP = publicIP; self.via = via; self.ports = ports; self.description = description
        self.location = location
    }
}
