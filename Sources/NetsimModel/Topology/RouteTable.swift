/// A VPC route table and its routes.
public struct RouteTable: Sendable {
    public var name: String
    public var id: String
    public var isMain: Bool
    /// Routes as written, without the implicit `local` routes (see `localRoutes(in:)`).
    public var routes: [Route]
    public var location: SourceLocation
    /// Virtual private gateways whose routes propagate into the table (`propagatingVgws`,
    /// as `describe-route-tables` has it), by name.
    public var propagatingVgws: [String] = []

    public init(name: String, id: String, isMain: Bool, routes: [Route], location: SourceLocation) {
        self.name = name; self.id = id; self.isMain = isMain; self.routes = routes; self.location = location
    }
}

/// One route: a destination and where it leads.
public struct Route: Sendable {
    public enum Destination: Hashable, Sendable, CustomStringConvertible {
        case ipv4(IPv4CIDR)
        case ipv6(IPv6CIDR)
        case prefixList(String)

        public var description: String {
            switch self {
            case .ipv4(let c): return c.description
            case .ipv6(let c): return c.description
            case .prefixList(let name): return "pl:\(name)"
            }
        }
    }

    /// Route targets as in `describe-route-tables` (GatewayId, NatGatewayId, …).
    public enum Target: Hashable, Sendable, CustomStringConvertible {
        case local
        case blackhole
        case internetGateway(String)
        case egressOnlyInternetGateway(String)
        case natGateway(String)
        case peeringConnection(String)
        case transitGateway(String)
        case gatewayEndpoint(String)
        case networkInterface(String)
        /// A virtual private gateway (`vgw-…`), by name.
        case vpnGateway(String)

        public var description: String {
            switch self {
            case .local: return "local"
            case .blackhole: return "blackhole"
            case .internetGateway(let n), .egressOnlyInternetGateway(let n), .natGateway(let n),
                 .peeringConnection(let n), .transitGateway(let n), .gatewayEndpoint(let n),
                 .networkInterface(let n), .vpnGateway(let n):
                return n
            }
        }
    }

    public var destination: Destination
    public var target: Target
    public var location: SourceLocation

    public init(destination: Destination, target: Target, location: SourceLocation) {
        self.destination = destination; self.target = target; self.location = location
    }
}
