import NetsimIPAM
import NetsimModel

/// Interface VPC endpoints in the fabric: each realized ENI is an interface of its subnet with
/// the endpoint's security groups (which judge what comes in, as for any ENI: AWS PrivateLink
/// guide, "security groups" of an interface endpoint), and its address a member of them.
extension FabricIndex {
    func addInterfaceEndpoints() {
        for e in realized.interfaceEndpointENIs {
            let label = "VPC endpoint \(e.endpoint) (\(AWSService.endpointServiceName(e.service, region: topology.region))) ENI in \(e.zone)"
            let idx = add(Interface(kind: .vpcEndpoint, id: e.eniID, label: label, vpc: e.vpc, subnet: e.subnet,
                                    securityGroups: e.securityGroups, primaryIP: e.ip, publicIP: nil, sourceDestCheck: true,
                                    node: nil, deviceIndex: nil))
            endpointInterfaces["\(e.vpc)/\(e.service)", default: []].append(idx)
            endpointENIByInterface[idx] = e
        }
        for (k, list) in endpointInterfaces {
            endpointInterfaces[k] = list.sorted { (zoneOf($0), interfaces[$0].subnet, $0) < (zoneOf($1), interfaces[$1].subnet, $1) }
        }
    }

    /// The interface endpoints of `service` in `vpc`, with their ENIs (interface indexes) in
    /// zone order.
    public func interfaceEndpoints(service: String, vpc: String) -> [(endpoint: InterfaceEndpoint, enis: [Int])] {
        guard let v = vpcByName[vpc] else { return [] }
        let all = endpointInterfaces["\(vpc)/\(service)"] ?? []
        return v.interfaceEndpoints.filter { $0.service == service }.map { e in
            (e, all.filter { endpointENIByInterface[$0]?.endpoint == e.name }.sorted { (zoneOf($0), $0) < (zoneOf($1), $1) })
        }
    }

    func zoneOf(_ i: Int) -> String { subnets[interfaces[i].subnet]?.subnet.zone ?? "" }
}
