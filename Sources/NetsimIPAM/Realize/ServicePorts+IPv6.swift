import NetsimModel

/// One Service port of an IPv6 cluster with its IPv6 cluster IP.
public struct RealizedServicePort6: Sendable {
    public var port: RealizedServicePort
    public var clusterIP: IPv6Address
}

/// An IPv6 endpoint of a Service port.
public struct RealizedEndpoint6: Sendable {
    public var ip: IPv6Address
    public var port: UInt16
    public var ready = true
    public var serving = true
    public var terminating = false
    public var nodeName: String? = nil
}

extension ServicePorts {
    /// An IPv6 cluster's Service ports and endpoints (the IPv4 `build` has none there: its
    /// Services have no IPv4 cluster IP): cluster IPs from the IPv6 Service range, NodePorts,
    /// traffic policies and affinity as for IPv4; endpoints from the manifests' EndpointSlices
    /// with IPv6 addresses, else the running pods the selector matches, by their IPv6 address.
    /// Endpoints are keyed by `servicePortName + "/" + protocol`, as `build`'s.
    public static func build6(_ t: Topology, _ r: RealizedCluster) -> ([RealizedServicePort6], [String: [RealizedEndpoint6]]) {
        guard t.cluster?.ipFamily == .ipv6 else { return ([], [:]) }
        var ports: [RealizedServicePort6] = []
        var endpoints: [String: [RealizedEndpoint6]] = [:]
        let ipOf = Dictionary(r.services.map { ("\($0.namespace)/\($0.name)", $0.clusterIPv6) }, uniquingKeysWith: { a, _ in a })
        let workloads = Realizer.implicitWorkloads(t.kubernetes) + t.kubernetes.workloads
        let workloadByKey = Dictionary(workloads.map { ("\($0.meta.namespace)/\($0.kind)/\($0.meta.name)", $0) }, uniquingKeysWith: { a, _ in a })
        let slicesByService = Dictionary(grouping: t.kubernetes.endpointSlices, by: { "\($0.meta.namespace)/\($0.serviceName)" })
        let runningByLabel = runningPodsByLabel(r.pods.filter { !$0.hostNetwork && $0.ipv6 != nil })
        for s in t.kubernetes.services where s.type != .ExternalName {
            guard let ip = ipOf["\(s.meta.namespace)/\(s.meta.name)"] ?? nil else { continue }
            let external = s.type == .NodePort || s.type == .LoadBalancer
            let allocated = r.nodePorts["\(s.meta.namespace)/\(s.meta.name)"]
            for (i, sp) in s.ports.enumerated() {
                let proto = sp.ipProtocol == .udp ? "udp" : (sp.ipProtocol == .tcp ? "tcp" : "sctp")
                var p = RealizedServicePort(namespace: s.meta.namespace, name: s.meta.name, portName: sp.name, ipProtocol: proto, port: sp.port, clusterIP: nil)
                if external, let a = allocated, a.ports.indices.contains(i) { p.nodePort = a.ports[i] }
                p.externalPolicyLocal = s.externalTrafficPolicy == .Local && external
                p.internalPolicyLocal = s.internalTrafficPolicy == .Local
                p.affinityTimeout = s.sessionAffinity == "ClientIP" ? (s.affinityTimeoutSeconds ?? 10800) : nil
                p.healthCheckNodePort = allocated?.healthCheck
                p.isLoadBalancer = s.type == .LoadBalancer
                ports.append(RealizedServicePort6(port: p, clusterIP: ip))
                let key = p.servicePortName + "/" + proto
                let slices = slicesByService["\(s.meta.namespace)/\(s.meta.name)"] ?? []
                if !slices.isEmpty {
                    for slice in slices {
                        for port in slice.ports where port.name == sp.name && port.ipProtocol == sp.ipProtocol {
                            for e in slice.endpoints {
                                guard let a = e.addresses.first.flatMap({ IPv6Address($0) }) else { continue }
                                endpoints[key, default: []].append(RealizedEndpoint6(ip: a, port: port.port, ready: e.ready, serving: e.serving,
                                                                                     terminating: e.terminating, nodeName: e.nodeName))
                            }
                        }
                    }
                    continue
                }
                guard let selector = s.selector, !selector.isEmpty else { continue }
                for pod in selected(by: selector, in: s.meta.namespace, runningByLabel) {
                    guard let addr = pod.ipv6, let port = targetPort(sp, of: pod, workloadByKey) else { continue }
                    endpoints[key, default: []].append(RealizedEndpoint6(ip: addr, port: port, nodeName: pod.node))
                }
            }
        }
        return (ports, endpoints)
    }
}
