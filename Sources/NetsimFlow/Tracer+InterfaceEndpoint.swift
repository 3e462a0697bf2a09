import NetsimIPAM
import NetsimModel

// An AWS service behind an interface endpoint answers HTTPS only (TCP 443: `AWSService.listenPorts`);
// a packet to the endpoint's ENI on another port or protocol, once its security groups let it
// in, is refused by the service, not delivered.

extension Walk {
    /// Nil when the service takes the packet; else the walk's end, with the block.
    mutating func interfaceEndpointPort(_ d: Int, _ e: InterfaceEndpointENI) -> StageResult? {
        let listens = AWSService.listenPorts(e.service)
        if packet.ipProtocol == .tcp && listens.contains(packet.destinationPort) { return nil }
        let location = f.vpcByName[e.vpc]?.interfaceEndpoints.first { $0.name == e.endpoint }?.location
        block(.vpceServicePort, .deniedIn, component: e.endpointID,
              .interfaceEndpointPort(endpoint: e.endpoint, service: AWSService.endpointServiceName(e.service, region: f.topology.region), packet: packet, listens: listens),
              at: location)
        finish(.deniedIn, place: place(d), .denied, .filter(.endpointProtocolNotAccepted), component: e.endpointID, at: location)
        return .stop
    }
}
