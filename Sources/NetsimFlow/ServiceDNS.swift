import NetsimIPAM
import NetsimModel

/// What the service's regional DNS name (`sts.REGION.amazonaws.com`, …) returned to the source
/// of an `aws:SERVICE` flow, and why: the step a trace to an AWS service starts with.
///
/// AWS PrivateLink guide, "DNS hostnames" of an interface endpoint: with private DNS, the VPC
/// gets a private hosted zone for the service's default name, whose records are the endpoint
/// ENIs' addresses; without it (or outside that VPC), the name resolves to the service's public
/// addresses. The zone is associated with the endpoint's VPC only.
public struct ServiceDNSAnswer: Sendable, Hashable {
    public enum Answer: Sendable, Hashable {
        /// The private hosted zone of an interface endpoint: its ENI in the source's zone (or the
        /// first by zone when it has none there); `others` are its ENIs in other zones.
        case endpointENI(endpoint: String, endpointID: String, eni: String, address: IPv4Address, zone: String,
                         sameZone: Bool, otherZones: [String])
        /// The service's public addresses (netsim's stand-in), for `reason`.
        case publicService(address: IPv4Address, reason: PublicReason)
        /// A gateway endpoint's service (S3, DynamoDB): the public name, an address of the
        /// prefix list the gateway endpoint routes.
        case gatewayEndpoint(endpoint: String, prefixList: String, address: IPv4Address)
    }
    public enum PublicReason: Sendable, Hashable {
        /// The source's VPC has no interface endpoint of the service.
        case noEndpoint(vpc: String)
        /// The VPC has endpoints of the service, none with private DNS.
        case privateDnsOff(vpc: String, endpoints: [String])
        /// The source is outside the VPCs (the internet, an external network).
        case outsideVPC
        /// The VPC's `enableDnsSupport` is false: the Amazon-provided DNS server does not answer
        /// there, so a host asks a resolver outside the VPC, which gives the public answer.
        case dnsSupportOff(vpc: String)
        /// The VPC's endpoints of the service with private DNS got no ENI (their subnets had no
        /// free address: EC2 refuses such an endpoint, InsufficientFreeAddressesInSubnet), so no
        /// private hosted zone answers; none has private DNS with an ENI.
        case endpointWithoutENI(vpc: String, endpoints: [String])
    }
    /// The short service name (`sts`) and the name the client asks for.
    public var service: String
    public var dnsName: String
    public var answer: Answer
    /// The endpoint carries a policy: IAM, not evaluated.
    public var policyNotEvaluated: Bool

    public var address: IPv4Address {
        switch answer {
        case .endpointENI(_, _, _, let a, _, _, _), .publicService(let a, _), .gatewayEndpoint(_, _, let a): return a
        }
    }
}

extension Network {
    /// The DNS answer for `service` as `src` would get it, and the destination it leads to.
    func serviceDestination(_ service: String, from src: ResolvedEndpoint) -> (ResolvedEndpoint, ServiceDNSAnswer) {
        let t = fabric.topology
        let dnsName = AWSService.dnsName(service, region: t.region, account: t.accountID)
        var sourceVPC: VPC? = nil
        var sourceZone: String? = nil
        if case .interface(let i) = src.place {
            let iface = fabric.interfaces[i]
            sourceVPC = fabric.vpcByName[iface.vpc]
            sourceZone = fabric.subnets[iface.subnet]?.subnet.zone
        }
        func publicAnswer(_ reason: ServiceDNSAnswer.PublicReason) -> (ResolvedEndpoint, ServiceDNSAnswer) {
            let a = AWSService.standInPublicAddress(service, region: t.region, seed: t.seed)
            let e = ResolvedEndpoint(place: .internet, address: .ipv4(a), label: "aws:\(service) (\(dnsName): the public service, stand-in address \(a))", podNode: nil)
            return (e, ServiceDNSAnswer(service: service, dnsName: dnsName, answer: .publicService(address: a, reason: reason), policyNotEvaluated: false))
        }
        guard let vpc = sourceVPC else { return publicAnswer(.outsideVPC) }
        if !vpc.enableDnsSupport { return publicAnswer(.dnsSupportOff(vpc: vpc.name)) }
        let endpoints = fabric.interfaceEndpoints(service: service, vpc: vpc.name)
        if let (e, enis) = endpoints.first(where: { $0.endpoint.privateDns && !$0.enis.isEmpty }) {
            let pick = enis.first { fabric.zoneOf($0) == sourceZone } ?? enis[0]
            let iface = fabric.interfaces[pick]
            let zone = fabric.zoneOf(pick)
            let others = enis.filter { $0 != pick }.map { fabric.zoneOf($0) }
            let answer = ServiceDNSAnswer(service: service, dnsName: dnsName,
                                          answer: .endpointENI(endpoint: e.name, endpointID: e.id, eni: iface.id, address: iface.primaryIP, zone: zone,
                                                               sameZone: zone == sourceZone, otherZones: others),
                                          policyNotEvaluated: e.policy != nil)
            let label = "aws:\(service) (\(dnsName) → \(iface.primaryIP), \(iface.label)\(others.isEmpty ? "" : ", 1 of \(enis.count) addresses"))"
            return (ResolvedEndpoint(place: .interface(pick), address: .ipv4(iface.primaryIP), label: label, podNode: nil), answer)
        }
        // S3 and DynamoDB through a gateway endpoint: the public name, routed by the prefix list.
        if AWSService.gatewayServices.contains(service),
           let g = vpc.gatewayEndpoints.first(where: { $0.service == service }),
           let pl = fabric.prefixLists[g.prefixList],
           let block = pl.entries.lazy.compactMap({ if case .v4(let c) = $0 { return c }; return nil }).first {
            let a = IPv4Address(block.network.value &+ (block.size > 16 ? 10 : 0))
            let e = ResolvedEndpoint(place: .internet, address: .ipv4(a), label: "aws:\(service) (\(dnsName) → \(a), in prefix list \(g.prefixList) of gateway endpoint \(g.name))", podNode: nil)
            return (e, ServiceDNSAnswer(service: service, dnsName: dnsName, answer: .gatewayEndpoint(endpoint: g.name, prefixList: g.prefixList, address: a), policyNotEvaluated: false))
        }
        let named = endpoints.map(\.endpoint.name)
        let withoutENI = endpoints.filter { $0.endpoint.privateDns && $0.enis.isEmpty }.map(\.endpoint.name)
        if !withoutENI.isEmpty { return publicAnswer(.endpointWithoutENI(vpc: vpc.name, endpoints: withoutENI)) }
        return publicAnswer(named.isEmpty ? .noEndpoint(vpc: vpc.name) : .privateDnsOff(vpc: vpc.name, endpoints: named))
    }

    /// The DNS step, added to the source's hop after its origin.
    func addServiceDNSStep(_ t: inout Trace, _ answer: ServiceDNSAnswer) {
        guard !t.forward.hops.isEmpty else { return }
        var component: String? = nil
        var location: SourceLocation? = nil
        if case .endpointENI(let name, let id, _, _, _, _, _) = answer.answer {
            component = id
            location = fabric.topology.vpcs.lazy.flatMap(\.interfaceEndpoints).first { $0.name == name }?.location
        }
        let step = Step(.forwarded, .serviceDNS(answer), component: component, location: location)
        let at = min(1, t.forward.hops[0].steps.count)
        t.forward.hops[0].steps.insert(step, at: at)
    }
}
