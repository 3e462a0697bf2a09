import NetsimModel

extension Network {
    /// Whether any VPC of the topology has an interface endpoint.
    public static func hasInterfaceEndpoints(_ t: Topology) -> Bool { t.vpcs.contains { !$0.interfaceEndpoints.isEmpty } }

    /// `check`: each subnet of an interface endpoint where it got no ENI (the subnet had no
    /// free address: EC2's InsufficientFreeAddressesInSubnet), a located warning (`NS1418`).
    /// The endpoint still resolves to its ENIs in other zones; in that zone it has none.
    func interfaceEndpointENIDiagnostics() -> [Diagnostic] {
        let placed = Set(fabric.realized.interfaceEndpointENIs.map { "\($0.vpc)/\($0.endpoint)/\($0.subnet)" })
        var out: [Diagnostic] = []
        for vpc in fabric.topology.vpcs {
            for e in vpc.interfaceEndpoints {
                var seen: Set<String> = []
                for s in e.subnets where seen.insert(s).inserted {
                    guard let subnet = vpc.subnet(named: s), !placed.contains("\(vpc.name)/\(e.name)/\(s)") else { continue }
                    let others = e.subnets.filter { $0 != s && placed.contains("\(vpc.name)/\(e.name)/\($0)") }
                    out.append(Diagnostic(.warning, .endpointNoENI,
                        "interface endpoint '\(echo: e.name)' gets no network interface in subnet '\(echo: s)' (\(subnet.cidr), \(subnet.zone)): the subnet has no free address (InsufficientFreeAddressesInSubnet)"
                            + (others.isEmpty ? ", and the endpoint has none anywhere: nothing reaches it" : ""),
                        at: e.location,
                        hint: "free addresses in '\(echo: s)' (fewer nodes, pods or prefixes there), or name another subnet of \(subnet.zone) with room"))
                }
            }
        }
        return out
    }
}

extension Network {
    /// A flow delivered to an interface endpoint's ENI whose endpoint carries a policy: the
    /// verdict holds for the network only; the policy (IAM, not evaluated) decides the call.
    func endpointPolicyCaveats(_ t: Trace) -> [Caveat] {
        guard t.forward.end == .delivered, case .ipv4(let d) = t.forward.finalPacket.destination,
              let i = fabric.ownerOf(d), let eni = fabric.endpointENIByInterface[i],
              let e = fabric.vpcByName[eni.vpc]?.interfaceEndpoints.first(where: { $0.name == eni.endpoint }), e.policy != nil else { return [] }
        return [Caveat(.endpointPolicyNotEvaluated(endpoint: e.name, service: AWSService.endpointServiceName(e.service, region: fabric.topology.region)),
                       affectsVerdict: true, location: e.location)]
    }
}
