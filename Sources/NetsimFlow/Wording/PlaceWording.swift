import NetsimModel
import NetsimVPC

// The words for a trace's places. Only the wording and the renderers write sentences.

extension Place: CustomStringConvertible {
    /// How the text and the JSON (v1 `place`) name the place.
    public var description: String {
        switch self {
        case .interface(let i), .loadBalancerNode(let i, _): return "\(i.label) (\(i.address), \(i.id), \(i.subnet))"
        case .endpoint(let label): return label
        case .internet(let ip): return ip.map { "internet (\($0))" } ?? "internet"
        case .external(let name, let ip): return ip.map { "external \(name) (\($0))" } ?? "external \(name)"
        case .subnet(let s): return "subnet \(s.name)"
        case .vpc(let name): return "VPC \(name)"
        case .internetGateway(let igw): return igw.map { "internet gateway \($0.name) (\($0.id))" } ?? "internet gateway"
        case .egressOnlyInternetGateway(let name): return "egress-only internet gateway \(name)"
        case .natGateway(let nat, let address, let subnet): return "NAT gateway \(nat.name) (\(address), \(nat.id), \(subnet))"
        case .peering(let p): return "peering connection \(p.name) (\(p.id))"
        case .transitGateway(let t): return "transit gateway \(t.name) (\(t.id))"
        case .gatewayEndpoint(let e, let service): return "gateway endpoint \(e.name) (\(e.id), \(service))"
        case .service(let name): return name
        case .node(let n): return "node \(n.name)"
        case .nodeHost(let name, let address): return "node \(name) (\(address))"
        case .pod(let name, let address): return "pod \(name ?? "?") (\(address))"
        case .vpnGateway(let g): return "virtual private gateway \(g.name) (\(g.id))"
        }
    }
}

extension Delivery: CustomStringConvertible {
    public var description: String {
        switch self {
        case .interface(let label): return label
        case .podOnInterface(let pod, let address, let interface): return "pod \(pod) (\(address)) on \(interface)"
        case .pod(let name, let address): return "pod \(name ?? "?") (\(address))"
        case .node(let name, let address): return "node \(name) (\(address))"
        }
    }
}
