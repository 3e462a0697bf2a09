import NetsimModel

// The edge of the modelled network toward external networks (on-premises, partners): where a
// flow leaves for one and where a flow from one comes in. One place, so that what stands at the
// edge (a firewall in front of the data centre, the routes the data centre has back to AWS)
// is decided once, whichever gateway (a transit gateway attachment, a virtual private gateway)
// carries the flow. The virtual private gateway's own stages are in Tracer+OnPremises.swift.

/// The gateway a flow to or from an external network crosses.
public enum ExternalGateway: Hashable, Sendable {
    /// A transit gateway (by name).
    case transitGateway(String)
    /// The virtual private gateway of a VPC (by the VPC's name).
    case vpnGateway(vpc: String)
}

extension Walk {
    /// The packet leaves the modelled network toward external network `e` through `via`; the
    /// step before (the gateway's route) is already recorded. The network's firewall judges it
    /// on the way in (a reply passes by the firewall's state).
    mutating func exitToExternal(_ e: External, via: ExternalGateway) -> StageResult {
        externalFirewall(e, .inbound)
        exitedVia = .external(e, via)
        finish(.exitsNetwork, place: .external(name: e.name, address: nil), .exitsNetwork, .exitsNetwork(.external(e.name)))
        return .stop
    }

    /// A packet from external network `e` (its first hop recorded) enters the modelled network
    /// through `via`: the forward walk of a flow from `e`, or the reply to a flow that left to it.
    /// The network's firewall judges it on the way out, and the network must have a route back
    /// toward AWS for its destination (else it never leaves the data centre).
    mutating func enterFromExternal(_ e: External, via: ExternalGateway) -> StageResult {
        externalFirewall(e, .outbound)
        guard returnRoute(e, via: via) else { return .stop }
        switch via {
        case .transitGateway(let name): return .move(.transitGateway(name, fromSubnet: nil))
        case .vpnGateway(let vpc): return vpnGatewayIngress(vpc: vpc)
        }
    }

    /// The gateway a flow from external network `e` enters through, when it starts there: the
    /// one its `via` names; nil when it reaches the VPCs from the internet.
    func gateway(of e: External) -> ExternalGateway? {
        switch f.topology.privateGateway(of: e) {
        case .transitGateway(let name): return .transitGateway(name)
        case .vpnGateway(let vpc): return .vpnGateway(vpc: vpc)
        case nil: return nil
        }
    }
}
