import NetsimModel
import Yams

/// Interface VPC endpoints (`interfaceEndpoints:` on a VPC) and the VPC's DNS attributes.
///
/// AWS PrivateLink guide, "Access an AWS service using an interface VPC endpoint" (create
/// endpoint): one subnet per Availability Zone; security groups default to the VPC's default
/// group; private DNS is on by default for AWS services and needs the VPC attributes
/// `enableDnsSupport` and `enableDnsHostnames` (EC2 API `CreateVpcEndpoint`,
/// `PrivateDnsEnabled`); one VPC holds the private hosted zone of a service once. VPC guide,
/// "DNS attributes for your VPC": a VPC you create has `enableDnsSupport` true and
/// `enableDnsHostnames` false.
extension TopologyConverter {
    /// Reads `enableDnsSupport`, `enableDnsHostnames` and `interfaceEndpoints` of a VPC mapping.
    func convertInterfaceEndpoints(_ r: MappingReader, into vpc: inout VPC) {
        if let b = r.bool("enableDnsSupport") { vpc.enableDnsSupport = b }
        if let b = r.bool("enableDnsHostnames") { vpc.enableDnsHostnames = b }
        for key in ["enableDnsSupport", "enableDnsHostnames"] where r.has(key) { locations["\(key):\(vpc.name)"] = r.valueLocation(key) }
        vpc.interfaceEndpoints = (r.list("interfaceEndpoints") ?? []).compactMap { convertInterfaceEndpoint($0, vpc: vpc.name) }
    }

    func convertInterfaceEndpoint(_ node: Node, vpc: String) -> InterfaceEndpoint? {
        guard let r = MappingReader.make(node, file: file, context: "an interface endpoint", reporter: reporter),
              let name = r.string("name", required: true) else { return nil }
        r.context = "interface endpoint '\(echo: name)'"
        define(.interfaceEndpoint, name, vpc: vpc, at: r.location)
        let ctx = r.context
        let serviceText = r.locatedString("service", required: true)
        var service = ""
        if let (text, loc) = serviceText {
            if let short = AWSService.shortName(text, region: region) {
                service = short
                locations["vpce-service:\(name)"] = loc
            } else {
                let prefix = AWSService.endpointServiceName("", region: region)
                reporter.error(.endpointUnknownService, "\(ctx): service '\(echo: text)' is not an AWS service name of region \(region)", at: loc,
                               hint: "write the short name (sts, ecr.api, ecr.dkr, logs, …) or the full name \(prefix)SERVICE")
            }
        }
        let subnets = r.stringList("subnets")
        if !r.has("subnets") { r.missing("subnets", hint: "name one subnet per zone, e.g. subnets: [endpoints-a, endpoints-b]") }
        else { locations["vpce-subnets:\(name)"] = r.valueLocation("subnets") }
        for (i, s) in subnets.enumerated() { locations["vpce-subnet:\(name):\(i)"] = s.1 }
        let groups = r.stringList("securityGroups")
        for (g, loc) in groups { reference(.securityGroup, g, vpc: vpc, at: loc, from: ctx) }
        let privateDns = r.bool("privateDns") ?? true
        if r.has("privateDns") { locations["vpce-dns:\(name)"] = r.valueLocation("privateDns") }
        var policy: String? = nil
        if let p = r.node("policy") {
            if case .scalar(let s) = p {
                // AWS PrivateLink quotas: "Characters per VPC endpoint policy", 20,480, not adjustable.
                let n = s.string.count
                if n > 20_480 {
                    reporter.error(.invalidValue, "\(ctx): the endpoint policy has \(n) characters; AWS takes at most 20,480 (a quota that cannot be raised)",
                                   at: r.valueLocation("policy"), hint: "shorten the policy document (netsim keeps it and does not evaluate it)")
                }
                policy = Echo.clip(s.string)
            } else { policy = "a policy document" }
        }
        let id = makeID("vpce", name, given: r.string("id"), at: r.valueLocation("id"))
        r.finish()
        return InterfaceEndpoint(name: name, id: id, service: service, subnets: subnets.map(\.0), securityGroups: groups.map(\.0),
                                 privateDns: privateDns, policy: policy, location: r.location)
    }

    /// The checks that need every VPC: subnets in the endpoint's VPC, one per zone; private
    /// DNS once per service and VPC, and only with both DNS attributes; known services.
    func validateInterfaceEndpoints(_ t: Topology) {
        for vpc in t.vpcs {
            var privateZone: [String: InterfaceEndpoint] = [:]
            for e in vpc.interfaceEndpoints {
                let ctx = "interface endpoint '\(echo: e.name)'"
                if e.subnets.isEmpty, let loc = locations["vpce-subnets:\(e.name)"] {
                    reporter.error(.endpointSubnet, "\(ctx) has no subnets: an interface endpoint needs an ENI in at least one subnet", at: loc,
                                   hint: "name one subnet per zone, e.g. subnets: [endpoints-a, endpoints-b]")
                }
                var zones: [String: String] = [:]
                for (i, s) in e.subnets.enumerated() {
                    let loc = locations["vpce-subnet:\(e.name):\(i)"] ?? e.location
                    guard let (owner, subnet) = t.subnet(named: s) else {
                        let names = t.vpcs.flatMap(\.subnets).map(\.name)
                        reporter.error(.undefinedReference, "\(ctx) refers to subnet '\(echo: s)', which is not defined", at: loc,
                                       hint: Suggestions.didYouMean(s, in: vpc.subnets.map(\.name)).isEmpty && !names.isEmpty
                                           ? "subnets of VPC \(vpc.name): " + vpc.subnets.prefix(8).map { Echo.clip($0.name) }.joined(separator: ", ")
                                           : Suggestions.didYouMean(s, in: vpc.subnets.map(\.name)))
                        continue
                    }
                    if owner.name != vpc.name {
                        reporter.error(.endpointSubnet, "\(ctx) of VPC '\(echo: vpc.name)' names subnet '\(echo: s)' of VPC '\(echo: owner.name)': an endpoint's ENIs live in its own VPC",
                                       at: loc, hint: "name a subnet of VPC \(vpc.name), or declare the endpoint in VPC \(owner.name)",
                                       notes: [Diagnostic.Note("subnet defined here", at: subnet.location)])
                        continue
                    }
                    if let first = zones[subnet.zone] {
                        reporter.error(.endpointZoneTwice, first == s
                                       ? "\(ctx) names subnet '\(echo: s)' twice"
                                       : "\(ctx) names subnets '\(echo: first)' and '\(echo: s)', both in \(subnet.zone): AWS takes one subnet per Availability Zone",
                                       at: loc, hint: "keep one subnet of \(subnet.zone)")
                        continue
                    }
                    zones[subnet.zone] = s
                }
                guard !e.service.isEmpty else { continue }
                let serviceLoc = locations["vpce-service:\(e.name)"] ?? e.location
                if !AWSService.known.contains(e.service) {
                    let near = Suggestions.nearest(to: e.service, in: AWSService.known)
                    reporter.warning(.endpointUnknownService, "\(ctx): netsim does not know the AWS service '\(echo: e.service)'; it models the endpoint as written",
                                     at: serviceLoc, hint: near.isEmpty ? "check the name against `aws ec2 describe-vpc-endpoint-services`" : "did you mean \(near.map { "'\($0)'" }.joined(separator: " or "))?")
                }
                guard e.privateDns else { continue }
                let dnsLoc = locations["vpce-dns:\(e.name)"] ?? serviceLoc
                if !vpc.enableDnsSupport || !vpc.enableDnsHostnames {
                    let off = [vpc.enableDnsSupport ? nil : "enableDnsSupport", vpc.enableDnsHostnames ? nil : "enableDnsHostnames"].compactMap { $0 }
                    reporter.error(.endpointPrivateDnsAttributes, "\(ctx) has private DNS, but VPC '\(echo: vpc.name)' has \(off.joined(separator: " and ")) false\(vpc.enableDnsHostnames ? "" : " (the default for a VPC you create)"): AWS refuses private DNS without both",
                                   at: dnsLoc, hint: "set \(off.map { "\($0): true" }.joined(separator: " and ")) on VPC \(vpc.name), or privateDns: false on the endpoint",
                                   notes: [Diagnostic.Note(locations["\(off[0]):\(vpc.name)"] == nil ? "VPC defined here" : "\(off[0]) set here",
                                                           at: locations["\(off[0]):\(vpc.name)"] ?? vpc.location)])
                }
                if let first = privateZone[e.service] {
                    reporter.error(.endpointPrivateDnsConflict, "\(ctx) and interface endpoint '\(echo: first.name)' both have private DNS for \(e.serviceName(region: t.region)) in VPC '\(echo: vpc.name)': AWS refuses the second (its private hosted zone conflicts)",
                                   at: dnsLoc, hint: "set privateDns: false on one of them, or keep one endpoint per service",
                                   notes: [Diagnostic.Note("first endpoint with private DNS", at: first.location)])
                } else {
                    privateZone[e.service] = e
                }
            }
        }
    }
}
