/// One VPC: its CIDR blocks and everything the fabric evaluators read.
public struct VPC: Sendable {
    public var name: String
    public var id: String
    public var cidrBlocks: [IPv4CIDR]
    public var ipv6CidrBlocks: [IPv6CIDR]
    public var subnets: [Subnet]
    public var routeTables: [RouteTable]
    public var internetGateway: InternetGateway?
    public var egressOnlyInternetGateway: InternetGateway?
    public var natGateways: [NATGateway]
    public var securityGroups: [SecurityGroup]
    public var networkACLs: [NetworkACL]
    public var gatewayEndpoints: [GatewayEndpoint]
    public var networkInterfaces: [NetworkInterface]
    public var tags: [Tag]
    public var location: SourceLocation
    /// Interface VPC endpoints (`VPCEndpoint.swift`).
    public var interfaceEndpoints: [InterfaceEndpoint] = []
    /// The VPC's DNS attributes. AWS defaults for a VPC you create (not the default VPC):
    /// `enableDnsSupport` true, `enableDnsHostnames` false (VPC guide, "DNS attributes for your VPC").
    public var enableDnsSupport = true
    public var enableDnsHostnames = false
    /// The virtual private gateway attached to the VPC (`vpnGateway:`), if any.
    public var vpnGateway: VPNGateway? = nil

    public init(name: String, id: String, cidrBlocks: [IPv4CIDR], ipv6CidrBlocks: [IPv6CIDR] = [],
                subnets: [Subnet] = [], routeTables: [RouteTable] = [], internetGateway: InternetGateway? = nil,
                egressOnlyInternetGateway: InternetGateway? = nil, natGateways: [NATGateway] = [],
                securityGroups: [SecurityGroup] = [], networkACLs: [NetworkACL] = [],
                gatewayEndpoints: [GatewayEndpoint] = [], networkInterfaces: [NetworkInterface] = [],
                tags: [Tag] = [], location: SourceLocation) {
        self.name = name; self.id = id; self.cidrBlocks = cidrBlocks; self.ipv6CidrBlocks = ipv6CidrBlocks
        self.subnets = subnets; self.routeTables = routeTables; self.internetGateway = internetGateway
        self.egressOnlyInternetGateway = egressOnlyInternetGateway; self.natGateways = natGateways
        self.securityGroups = securityGroups; self.networkACLs = networkACLs
        self.gatewayEndpoints = gatewayEndpoints; self.networkInterfaces = networkInterfaces
        self.tags = tags; self.location = location
    }

    public func subnet(named name: String) -> Subnet? { subnets.first { $0.name == name } }
    public func securityGroup(named name: String) -> SecurityGroup? { securityGroups.first { $0.name == name } }
    public func routeTable(named name: String) -> RouteTable? { routeTables.first { $0.name == name } }
    public func networkACL(named name: String) -> NetworkACL? { networkACLs.first { $0.name == name } }

    /// The main route table: the one marked main (the loader always supplies one).
    public var mainRouteTable: RouteTable? { routeTables.first { $0.isMain } }
    /// The default network ACL (the loader always supplies one).
    public var defaultNetworkACL: NetworkACL? { networkACLs.first { $0.isDefault } }

    /// The route table that governs `subnet`: its explicit association, else the main table.
    public func routeTable(for subnet: Subnet) -> RouteTable? {
        if let name = subnet.routeTable { return routeTable(named: name) }
        return mainRouteTable
    }

    /// The network ACL of `subnet`: its explicit association, else the default ACL.
    public func networkACL(for subnet: Subnet) -> NetworkACL? {
        if let name = subnet.networkACL { return networkACL(named: name) }
        return defaultNetworkACL
    }

    public func contains(_ address: IPv4Address) -> Bool { cidrBlocks.contains { $0.contains(address) } }
    public func contains(_ address: IPv6Address) -> Bool { ipv6CidrBlocks.contains { $0.contains(address) } }
    /// An address of either family in one of the VPC's blocks of that family.
    public func contains(_ address: IPAddress) -> Bool {
        switch address {
        case .ipv4(let a): return contains(a)
        case .ipv6(let a): return contains(a)
        }
    }
}

/// A subnet in one availability zone.
public struct Subnet: Sendable {
    public var name: String
    public var id: String
    public var zone: String
    public var cidr: IPv4CIDR
    public var ipv6Cidr: IPv6CIDR?
    /// Explicitly associated route table; nil means the VPC's main table.
    public var routeTable: String?
    /// Explicitly associated network ACL; nil means the VPC's default ACL.
    public var networkACL: String?
    public var mapPublicIpOnLaunch: Bool
    public var tags: [Tag]
    public var location: SourceLocation
    /// EC2's `AssignIpv6AddressOnCreation`: a network interface created in the subnet gets an
    /// IPv6 address from `ipv6Cidr` (EC2 API default: false).
    public var assignIpv6AddressOnCreation = false

    public init(name: String, id: String, zone: String, cidr: IPv4CIDR, ipv6Cidr: IPv6CIDR? = nil,
                routeTable: String? = nil, networkACL: String? = nil, mapPublicIpOnLaunch: Bool = false,
                tags: [Tag] = [], location: SourceLocation) {
        self.name = name; self.id = id; self.zone = zone; self.cidr = cidr; self.ipv6Cidr = ipv6Cidr
        self.routeTable = routeTable; self.networkACL = networkACL
        self.mapPublicIpOnLaunch = mapPublicIpOnLaunch; self.tags = tags; self.location = location
    }

    /// AWS reserves the first four addresses and the last one of every subnet.
    public var reservedAddresses: [IPv4Address] {
        let base = cidr.network.value
        return [base, base + 1, base + 2, base + 3, cidr.last.value].map(IPv4Address.init)
    }

    /// Addresses EC2 can hand out: the block size minus the five reserved.
    public var usableAddressCount: Int { max(0, cidr.size - 5) }

    public func isReserved(_ address: IPv4Address) -> Bool {
        let offset = address.value &- cidr.network.value
        return offset < 4 || address == cidr.last
    }
}

/// An internet gateway (or an egress-only internet gateway for IPv6).
public struct InternetGateway: Sendable {
    public var name: String
    public var id: String
    public var location: SourceLocation
    public init(name: String, id: String, location: SourceLocation) {
        self.name = name; self.id = id; self.location = location
    }
}

/// A virtual private gateway (`vgw-…`): the VPC side of Site-to-Site VPN and Direct Connect
/// (private virtual interface) connections. One per VPC.
public struct VPNGateway: Sendable {
    public var name: String
    public var id: String
    /// The Amazon side's BGP ASN (AWS default 64512), for the record.
    public var amazonSideASN: Int
    public var location: SourceLocation
    public init(name: String, id: String, amazonSideASN: Int = 64512, location: SourceLocation) {
        self.name = name; self.id = id; self.amazonSideASN = amazonSideASN; self.location = location
    }
}

/// A NAT gateway living in one subnet.
public struct NATGateway: Sendable {
    public enum Connectivity: String, Sendable, CaseIterable { case `public`, `private` }
    public var name: String
    public var id: String
    public var subnet: String
    public var connectivity: Connectivity
    public var privateIP: IPv4Address?
    public var publicIP: IPv4Address?
    public var location: SourceLocation

    public init(name: String, id: String, subnet: String, connectivity: Connectivity = .public,
                privateIP: IPv4Address? = nil, publicIP: IPv4Address? = nil, location: SourceLocation) {
        self.name = name; self.id = id; self.subnet = subnet; self.connectivity = connectivity
        self.privateIP = privateIP; self.publicIP = publicIP; self.location = location
    }
}

/// A gateway VPC endpoint (S3, DynamoDB): routes its prefix list to itself in the named tables.
public struct GatewayEndpoint: Sendable {
    public var name: String
    public var id: String
    public var service: String
    public var prefixList: String
    public var routeTables: [String]
    public var location: SourceLocation

    public init(name: String, id: String, service: String, prefixList: String, routeTables: [String],
                location: SourceLocation) {
        self.name = name; self.id = id; self.service = service; self.prefixList = prefixList
        self.routeTables = routeTables; self.location = location
    }
}

/// A network interface declared in the topology (a middlebox or appliance), not one the CNI makes.
public struct NetworkInterface: Sendable {
    public var name: String
    public var id: String
    public var subnet: String
    public var privateIP: IPv4Address?
    public var publicIP: IPv4Address?
    public var securityGroups: [String]
    public var sourceDestCheck: Bool
    /// A stateful appliance (a firewall): it drops a reply of a flow whose first packet it did
    /// not forward (the asymmetric drop behind a transit gateway without appliance mode).
    public var stateful = false
    public var location: SourceLocation
    /// The interface's IPv6 address, from its subnet's IPv6 block.
    public var ipv6Address: IPv6Address? = nil

    public init(name: String, id: String, subnet: String, privateIP: IPv4Address? = nil,
                publicIP: IPv4Address? = nil, securityGroups: [String] = [], sourceDestCheck: Bool = true,
                location: SourceLocation) {
        self.name = name; self.id = id; self.subnet = subnet; self.privateIP = privateIP
        self.publicIP = publicIP; self.securityGroups = securityGroups
        self.sourceDestCheck = sourceDestCheck; self.location = location
    }
}

/// A managed prefix list.
public struct PrefixList: Sendable {
    public var name: String
    public var id: String
    public var entries: [NetworkBlock]
    public var maxEntries: Int
    public var location: SourceLocation

    public init(name: String, id: String, entries: [NetworkBlock], maxEntries: Int, location: SourceLocation) {
        self.name = name; self.id = id; self.entries = entries; self.maxEntries = maxEntries
        self.location = location
    }
}

/// A VPC peering connection between two VPCs of the topology.
public struct PeeringConnection: Sendable {
    public var name: String
    public var id: String
    public var requesterVPC: String
    public var accepterVPC: String
    public var location: SourceLocation

    public init(name: String, id: String, requesterVPC: String, accepterVPC: String, location: SourceLocation) {
        self.name = name; self.id = id; self.requesterVPC = requesterVPC; self.accepterVPC = accepterVPC
        self.location = location
    }
}
