import NetsimModel

// The sentences of a trace's caveats, written from their values.

extension Wording {
    /// A caveat's message.
    public static func caveat(_ d: CaveatDetail) -> String {
        switch d {
        case .networkPolicyNotEnforced(let pod, let side, let type, let names, let decides):
            let who = "\(policyNoun(names.count)) \(names.joined(separator: ", ")) \(verb("select", names.count)) the \(side.rawValue) pod \(pod) for \(type.rawValue)"
            let hook = side == .source ? "at the source pod's veth, before anything else" : "at the destination pod's veth, after the network delivered it"
            return decides
                ? "\(who), and the topology does not say who enforces them (cluster.networkPolicy.enforcer: vpc-cni, upstream or none), so this delivery holds only if \(names.count == 1 ? "it allows" : "they allow") it (EKS's network policy agent would drop it otherwise, \(hook))"
                : "\(who), and the topology does not say who enforces them (cluster.networkPolicy.enforcer); the network already drops this flow, so the verdict stands (a policy only drops more)"
                    + (side == .source ? ", though an enforcer may drop it first, \(hook)" : "")
        case .networkPolicyStoredNotEnforced(let pod, let side, let type, let names, let agentDisabled):
            return "\(policyNoun(names.count)) \(names.joined(separator: ", ")) \(verb("select", names.count)) the \(side.rawValue) pod \(pod) for \(type.rawValue), but "
                + (agentDisabled ? "the VPC CNI add-on's enableNetworkPolicy is \"false\": the API server stores them and nothing enforces them"
                                 : "the topology says nothing enforces NetworkPolicies (enforcer: none): the API server stores them and they decide nothing")
        case .otherEndpointsSelected(let policies, let pods):
            return "this trace follows one endpoint; \(policyNoun(policies.count)) \(policies.joined(separator: ", ")) \(verb("select", policies.count)) "
                + "\(pods.count == 1 ? "another endpoint" : "other endpoints") (\(pods.joined(separator: ", "))) for Ingress, and no enforcer is declared (--all-paths traces each)"
        case .strictMode(let pods, let decides):
            return "NETWORK_POLICY_ENFORCING_MODE is strict: the network policy agent starts every pod default-deny and lets through only what a NetworkPolicy allows (\(podList(pods)) on this path); "
                + "the topology does not declare the enforcer (cluster.networkPolicy.enforcer: vpc-cni to model it)" + (decides ? ", so this delivery holds only if policies allow it" : agentOnlyDropsMore)
        case .clusterNetworkPolicy(let names, let pods, let decides):
            return "ClusterNetworkPolic\(names.count == 1 ? "y" : "ies") \(shortList(names)) (networking.k8s.aws) may select \(podList(pods)) on this path; "
                + "the topology does not declare the VPC CNI agent as the enforcer (cluster.networkPolicy.enforcer: vpc-cni), which evaluates the Admin tier before NetworkPolicies and the Baseline tier after"
                + (decides ? ", so this delivery holds only if they allow it" : agentOnlyDropsMore)
        case .applicationNetworkPolicy(let names, let pods, let decides):
            return "ApplicationNetworkPolic\(names.count == 1 ? "y" : "ies") \(shortList(names)) (networking.k8s.aws) may select \(podList(pods)) on this path; "
                + "netsim does not model ApplicationNetworkPolicies (the agent enforces them with NetworkPolicies, including their domain-name egress peers)"
                + (decides ? ", so this delivery holds only if they allow it" : agentOnlyDropsMore)
        case .transitGatewayZone(let z, let dispositions):
            return "transit gateway \(z.transitGateway) enters VPC \(z.vpc) \(zoneWhence(z)) through a zone AWS does not say, and the zones' attachment subnets route differently — \(zoneEach(z, dispositions)); "
                + "this trace followed \(z.chosen). Give the attachment a subnet in every zone the flow can come from, with the same routes, to make the path certain"
        case .externalTargetGroup(let lb, let tg):
            return externalTargetGroup(loadBalancer: lb, targetGroup: tg)
                + "; forward to a Service of the cluster (forwardConfig.targetGroups[].serviceName) to trace through the rule"
        case .controlPlaneNotModelled(let address, let declared):
            return controlPlaneNotModelled(address: address, serviceDeclared: declared)
                + "; declare cluster.controlPlane (its subnets, the cluster security group, the endpoint's access) to trace it"
        case .ipv6NotModelled(let source, let destination):
            return ipv6NotModelled(source: source, destination: destination)
                + (source.family == destination.family ? "" : "; trace the flow's IPv4 addresses")
        case .observedNotPlaced(let pod, let reason):
            return observedNotPlaced(pod: pod, reason: reason) + "; netsim check lists what to change (NS1579–NS1583)"
        case .endpointPolicyNotEvaluated(let e, let service):
            return "the packet reaches interface endpoint \(e) of \(service), which has an endpoint policy; netsim does not evaluate endpoint policies (IAM), "
                + "so whether the service accepts the call depends on that policy and the caller's credentials"
        case .loadBalancerIPv6NotModelled(let lb, let tg, let gap):
            return loadBalancerIPv6NotModelled(loadBalancer: lb, targetGroup: tg, gap: gap)
        }
    }

    static let agentOnlyDropsMore = "; the network already drops this flow, so the verdict stands (the agent only drops more)"

    static func policyNoun(_ n: Int) -> String { "NetworkPolic\(n == 1 ? "y" : "ies")" }
    static func verb(_ v: String, _ n: Int) -> String { n == 1 ? v + "s" : v }
    /// The first five names, then an ellipsis.
    static func shortList(_ names: [String]) -> String {
        names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", …" : "")
    }
    static func podList(_ pods: [String]) -> String { "pod\(pods.count == 1 ? "" : "s") \(shortList(pods))" }
}
