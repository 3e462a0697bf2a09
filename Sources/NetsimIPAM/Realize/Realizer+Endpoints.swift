import NetsimModel

/// One ENI of an interface VPC endpoint: requester-managed (EC2 creates it for the endpoint),
/// its address taken from the subnet's pool like any other, so capacity counts it.
public struct InterfaceEndpointENI: Sendable {
    /// The endpoint's name and index in its VPC's `interfaceEndpoints`.
    public var endpoint: String
    public var vpc: String
    public var subnet: String
    public var zone: String
    public var ip: IPv4Address
    /// `eni-…`, stable per endpoint and subnet.
    public var eniID: String
    /// The endpoint's `vpce-…` ID.
    public var endpointID: String
    public var service: String
    public var securityGroups: [String]
    public var privateDns: Bool
}

extension Run {
    /// Places an ENI for each subnet of each interface endpoint, in the order written (VPCs,
    /// endpoints, subnets): an address from the subnet's pool, as EC2 gives it (AWS PrivateLink
    /// guide: "an endpoint network interface in each subnet"). A full subnet gets none, and a
    /// capacity warning says so.
    mutating func placeInterfaceEndpoints() -> [InterfaceEndpointENI] {
        var out: [InterfaceEndpointENI] = []
        // Endpoints left without an ENI, by subnet (one warning per subnet, in subnet order of first miss).
        var missed: [(subnet: String, endpoints: [String])] = []
        for vpc in t.vpcs {
            for e in vpc.interfaceEndpoints {
                var seen: Set<String> = []
                for name in e.subnets where seen.insert(name).inserted {
                    guard let subnet = vpc.subnet(named: name), let idx = ec2.poolIndex[name] else { continue }
                    guard let ip = ec2.randomAddress(inSubnet: idx) else {
                        if let k = missed.firstIndex(where: { $0.subnet == name }) { missed[k].endpoints.append(e.name) }
                        else { missed.append((name, [e.name])) }
                        continue
                    }
                    other[idx, default: []].append((ip, "VPC endpoint \(e.name)"))
                    out.append(InterfaceEndpointENI(endpoint: e.name, vpc: vpc.name, subnet: name, zone: subnet.zone, ip: ip,
                                                    eniID: AWSID.make("eni", name: "vpce/\(e.name)/\(name)", seed: t.seed),
                                                    endpointID: e.id, service: e.service, securityGroups: e.effectiveSecurityGroups,
                                                    privateDns: e.privateDns))
                }
            }
        }
        for m in missed {
            let shown = m.endpoints.prefix(3).map { "'\(echo: $0)'" }.joined(separator: ", ")
            let more = m.endpoints.count > 3 ? " and \(m.endpoints.count - 3) more" : ""
            warnings.append(.init(.subnetExhausted, "subnet '\(echo: m.subnet)' has no free address for the ENI of interface endpoint\(m.endpoints.count == 1 ? "" : "s") \(shown)\(more) (InsufficientFreeAddressesInSubnet): \(m.endpoints.count == 1 ? "it has" : "they have") no ENI there"))
        }
        return out
    }
}
