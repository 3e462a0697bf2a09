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
    /// How the network connects to AWS (`connection:`): nil when not declared (a network
    /// behind a transit gateway or virtual private gateway is then taken as a BGP-routed link).
    public var connection: Connection? = nil
    /// How routes are exchanged with AWS (`routing:`): BGP unless `static` is written.
    public var routing: Routing = .bgp
    /// The routes the network has back toward AWS (`returnRoutes:`), as its router holds them:
    /// with static routing these are all it has; with BGP, when written, they replace what the
    /// gateway advertises (a filter on the customer's side). Empty: not written.
    public var returnRoutes: [IPv4CIDR] = []
    /// The firewall in front of the network (`firewall:`), nil when none is declared.
    public var firewall: ExternalFirewall? = nil

    /// The link type, as the gateway's route priority ranks them.
    public enum Connection: String, Sendable, CaseIterable {
        case vpn
        case directConnect
    }
    /// Dynamic (BGP) or static routing over the link.
    public enum Routing: String, Sendable, CaseIterable {
        case bgp
        case `static`
    }

    /// The rank a virtual private gateway (and a VPC route table) gives this network's routes
    /// among propagated routes of the same prefix, lower first (Site-to-Site VPN User Guide,
    /// "Route tables and AWS Site-to-Site VPN route priority"): Direct Connect BGP routes,
    /// then VPN static routes, then VPN BGP routes.
    public var propagationRank: Int {
        switch (connection ?? .vpn, routing) {
        case (.directConnect, _): return 0
        case (.vpn, .static): return 1
        case (.vpn, .bgp): return 2
        }
    }

    /// The prefixes the network advertises toward AWS (what a virtual private gateway
    /// propagates into route tables): its block, or the host's /32.
    public var advertisedPrefixes: [IPv4CIDR] {
        switch address {
        case .network(let c): return [c]
        case .host(let a): return [IPv4CIDR(network: a, prefixLength: 32)]
        }
    }

    public init(name: String, address: Address, subnet: String? = nil, securityGroups: [String] = [],
                publicIP: IPv4Address? = nil, via: String? = nil, ports: [Port] = [], description: String = "",
                location: SourceLocation) {
        self.name = name; self.address = address; self.subnet = subnet; self.securityGroups = securityGroups
        self.publicIP = publicIP; self.via = via; self.ports = ports; self.description = description
        self.location = location
    }
}

/// A stateful firewall in front of an external network (on-premises): ordered rules per
/// direction, first match wins; a direction with rules denies what none allows, a direction
/// without rules passes everything. Replies to a flow it let through pass (stateful).
public struct ExternalFirewall: Sendable {
    public struct Rule: Sendable {
        public enum Action: String, Sendable, CaseIterable { case allow, deny }
        public var action: Action
        public var ipProtocol: IPProtocol
        /// Destination ports (TCP and UDP only; all for other protocols).
        public var ports: PortRange
        /// The address on the AWS side: the source for inbound rules, the destination for outbound.
        public var cidr: IPv4CIDR
        public var description: String
        public var location: SourceLocation
        public init(action: Action, ipProtocol: IPProtocol, ports: PortRange = .all, cidr: IPv4CIDR, description: String = "",
                    location: SourceLocation) {
            self.action = action; self.ipProtocol = ipProtocol; self.ports = ports; self.cidr = cidr
            self.description = description; self.location = location
        }

        /// Whether the rule matches `packet` (the AWS-side address is `peer`).
        public func matches(_ packet: Packet, peer: IPAddress) -> Bool {
            guard let a = peer.v4, cidr.contains(a) else { return false }
            switch ipProtocol {
            case .all: return true
            case .tcp, .udp: return packet.ipProtocol == ipProtocol && ports.contains(packet.destinationPort)
            default: return packet.ipProtocol == ipProtocol
            }
        }
    }
    /// Which way a packet crosses the firewall: into the network (`inbound`) or out of it.
    public enum Direction: String, Sendable { case inbound, outbound }
    public var name: String
    /// Rules for traffic entering the network from AWS, in order.
    public var inbound: [Rule]
    /// Rules for traffic leaving the network toward AWS, in order.
    public var outbound: [Rule]
    public var location: SourceLocation
    public init(name: String, inbound: [Rule], outbound: [Rule], location: SourceLocation) {
        self.name = name; self.inbound = inbound; self.outbound = outbound; self.location = location
    }

    /// The first matching rule's index and action, or nil index with the default: allow when
    /// the direction has no rules, deny when it has some.
    public func evaluate(_ packet: Packet, _ direction: Direction) -> (index: Int?, allowed: Bool) {
        let rules = direction == .inbound ? inbound : outbound
        let peer = direction == .inbound ? packet.source : packet.destination
        for (i, r) in rules.enumerated() where r.matches(packet, peer: peer) { return (i, r.action == .allow) }
        return (nil, rules.isEmpty)
    }
}
