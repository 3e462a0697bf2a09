import NetsimModel

extension Network {
    /// Security Groups for Pods, strict mode: a NodePort of a Service with
    /// `externalTrafficPolicy: Local` (what the load balancers' instance targets use) that
    /// kube-proxy sent to a pod with a branch ENI. The VPC CNI does not support it (EKS user
    /// guide, "Security groups for Pods" considerations); the trace says so.
    func branchENINotes(_ t: Trace) -> [TraceNote] {
        guard !fabric.branchENIByPodIP.isEmpty, fabric.realized.settings.podSecurityGroupStrict else { return [] }
        var out: [TraceNote] = []
        var seen = Set<String>()
        for step in t.forward.hops.flatMap(\.steps) {
            guard case .kubeProxyDNAT(let d) = step.detail, fabric.branchENI(of: d.after.address) != nil, let pod = fabric.pod(at: d.after.address) else { continue }
            for s in fabric.topology.kubernetes.services where s.externalTrafficPolicy == .Local && (s.type == .NodePort || s.type == .LoadBalancer) {
                guard let ports = fabric.realized.nodePorts["\(s.meta.namespace)/\(s.meta.name)"], ports.ports.contains(d.before.port) else { continue }
                if case .ipv4(let a) = d.before.address, fabric.serviceByClusterIP[a.value] != nil { continue }
                let service = "\(s.meta.namespace)/\(s.meta.name)"
                if seen.insert(service + "\u{0}" + pod).inserted { out.append(.branchPodLocalTrafficPolicy(service: service, pod: pod)) }
            }
        }
        return out
    }
}
