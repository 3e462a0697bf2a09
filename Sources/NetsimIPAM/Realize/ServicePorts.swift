import NetsimModel

/// The NodePorts the API server gave one Service: one per port (nil where the port has none:
/// a ClusterIP Service, or a LoadBalancer with `allocateLoadBalancerNodePorts: false` that names
/// none), in the order of the Service's ports, and its health-check NodePort (a LoadBalancer
/// with `externalTrafficPolicy: Local`).
public struct ServiceNodePorts: Sendable, Equatable {
    public var ports: [UInt16?]
    public var healthCheck: UInt16?
    public init(ports: [UInt16?], healthCheck: UInt16?) { self.ports = ports; self.healthCheck = healthCheck }
}

extension RealizedCluster {
    /// The NodePort of a Service's port (by its index in the Service's ports).
    public func nodePort(namespace: String, name: String, port index: Int) -> UInt16? {
        guard let s = nodePorts["\(namespace)/\(name)"], s.ports.indices.contains(index) else { return nil }
        return s.ports[index]
    }

    /// The health-check NodePort of a Service (kube-proxy's service health server).
    public func healthCheckNodePort(namespace: String, name: String) -> UInt16? { nodePorts["\(namespace)/\(name)"]?.healthCheck }
}

/// NodePorts, as the API server allocates them once for the whole cluster (every node's
/// kube-proxy and the load balancer controller read the same values): the manifest's own where
/// it gives one, else the next free port of the cluster's range from a seeded start, Service by
/// Service in manifest order (the health-check NodePort first, then the ports). Services with
/// no cluster IP (headless, ExternalName) get none.
extension Run {
    mutating func allocateNodePorts() {
        guard let cluster = t.cluster else { return }
        let k = t.kubernetes
        var used = Set(k.services.flatMap { $0.ports.compactMap(\.nodePort) } + k.services.compactMap(\.healthCheckNodePort))
        var rng = SplitMix64(seed: t.seed ^ 0x0D_E90F7)
        /// nil when every port of the range is taken (the API server refuses the Service;
        /// `check` reports it as NS0710).
        func allocate() -> UInt16? {
            let range = cluster.nodePortRange
            let n = Int(range.upper - range.lower) + 1
            var p = UInt16(Int(range.lower) + Int(rng.next() % UInt64(n)))
            for _ in 0..<n {
                if !used.contains(p) { used.insert(p); return p }
                p = p == range.upper ? range.lower : p + 1
            }
            return nil
        }
        let ipOf = Dictionary(services.map { ("\($0.namespace)/\($0.name)", $0.clusterIP) }, uniquingKeysWith: { a, _ in a })
        for s in k.services where s.type != .ExternalName {
            guard (ipOf["\(s.meta.namespace)/\(s.meta.name)"] ?? nil) != nil else { continue }
            let external = s.type == .NodePort || s.type == .LoadBalancer
            let externalPolicy = s.externalTrafficPolicy == .Local && (external || !s.externalIPs.isEmpty)
            let healthCheck = s.type == .LoadBalancer && externalPolicy ? (s.healthCheckNodePort ?? allocate()) : nil
            // A LoadBalancer with allocateLoadBalancerNodePorts: false has only the NodePorts it names.
            let allocates = s.type == .NodePort || s.allocateLoadBalancerNodePorts
            var ports: [UInt16?] = []
            for sp in s.ports { ports.append(external ? (sp.nodePort ?? (allocates ? allocate() : nil)) : nil) }
            nodePorts["\(s.meta.namespace)/\(s.meta.name)"] = ServiceNodePorts(ports: ports, healthCheck: healthCheck)
        }
    }
}

/// One Service port as the cluster holds it: its cluster IP, NodePort and policies (what
/// kube-proxy renders and the load balancer controller registers).
public struct RealizedServicePort: Sendable {
    public var namespace: String
    public var name: String
    public var portName: String
    /// "tcp", "udp" or "sctp".
    public var ipProtocol: String
    public var port: UInt16
    public var clusterIP: IPv4Address?
    public var nodePort: UInt16? = nil
    public var externalIPs: [IPv4Address] = []
    public var loadBalancerIPs: [IPv4Address] = []
    public var sourceRanges: [IPv4CIDR] = []
    public var externalPolicyLocal = false
    public var internalPolicyLocal = false
    public var affinityTimeout: Int? = nil
    public var healthCheckNodePort: UInt16? = nil
    public var isLoadBalancer = false

    /// `ns/svc`, with `:port-name` when the port is named.
    public var servicePortName: String { "\(namespace)/\(name)" + (portName.isEmpty ? "" : ":\(portName)") }
}

/// One endpoint of a Service port (an EndpointSlice entry with the slice's port).
public struct RealizedEndpoint: Sendable {
    public var ip: IPv4Address
    public var port: UInt16
    public var ready = true
    public var serving = true
    public var terminating = false
    public var nodeName: String? = nil
    public var zoneHints: [String] = []
}

/// The cluster's Service ports and their endpoints, as the API server and the EndpointSlice
/// controller make them: cluster IPs and NodePorts from the realized cluster, endpoints from
/// running pods the selector matches (or the manifests' own EndpointSlices), ports resolved by
/// number or container-port name. Endpoints are keyed by `servicePortName + "/" + protocol`.
public enum ServicePorts {
    /// Whether the topology gives the API server's Service its endpoints: an EndpointSlice of
    /// `default/kubernetes` on the control plane's addresses, or `cluster.controlPlane` (whose
    /// ENIs the API server then lists as the endpoints, port 443).
    public static func declaresControlPlaneSlice(_ t: Topology) -> Bool {
        t.cluster?.controlPlane != nil || t.kubernetes.endpointSlices.contains { $0.meta.namespace == "default" && $0.serviceName == "kubernetes" }
    }

    public static func build(_ t: Topology, _ r: RealizedCluster) -> ([RealizedServicePort], [String: [RealizedEndpoint]]) {
        var ports: [RealizedServicePort] = []
        var endpoints: [String: [RealizedEndpoint]] = [:]
        guard t.cluster != nil else { return ([], [:]) }
        let ipOf = Dictionary(r.services.map { ("\($0.namespace)/\($0.name)", $0.clusterIP) }, uniquingKeysWith: { a, _ in a })
        var services = t.kubernetes.services
        // kube-dns, when the realizer added it for the implicit CoreDNS.
        if !services.contains(where: { $0.meta.namespace == "kube-system" && $0.meta.name == "kube-dns" }),
           r.services.contains(where: { $0.namespace == "kube-system" && $0.name == "kube-dns" }) {
            let loc = SourceLocation(file: "<eks-addons>", line: 0, column: 0)
            services.append(Service(meta: ObjectMeta(name: "kube-dns", namespace: "kube-system", location: loc), type: .ClusterIP, clusterIP: nil,
                                    selector: ["k8s-app": "kube-dns"], ports: [
                                        ServicePort(name: "dns", ipProtocol: .udp, port: 53, targetPort: .number(53), nodePort: nil, location: loc),
                                        ServicePort(name: "dns-tcp", ipProtocol: .tcp, port: 53, targetPort: .number(53), nodePort: nil, location: loc),
                                    ]))
        }
        // default/kubernetes, when the realizer added it and the topology declares the control
        // plane's addresses as its EndpointSlice (port https, 443, as the API server writes it).
        if declaresControlPlaneSlice(t), !services.contains(where: { $0.meta.namespace == "default" && $0.meta.name == "kubernetes" }),
           r.services.contains(where: { $0.namespace == "default" && $0.name == "kubernetes" }) {
            let loc = SourceLocation(file: "<eks-control-plane>", line: 0, column: 0)
            services.append(Service(meta: ObjectMeta(name: "kubernetes", namespace: "default", location: loc), type: .ClusterIP, clusterIP: nil,
                                    selector: nil, ports: [ServicePort(name: "https", ipProtocol: .tcp, port: 443, targetPort: .number(443), nodePort: nil, location: loc)]))
        }
        let workloads = Realizer.implicitWorkloads(t.kubernetes) + t.kubernetes.workloads
        let workloadByKey = Dictionary((workloads).map { ("\($0.meta.namespace)/\($0.kind)/\($0.meta.name)", $0) }, uniquingKeysWith: { a, _ in a })
        let runningByLabel = runningPodsByLabel(r.pods)
        let slicesByService = Dictionary(grouping: t.kubernetes.endpointSlices, by: { "\($0.meta.namespace)/\($0.serviceName)" })
        var zoneOfNode: [String: String] = [:]
        for n in r.nodes { if let z = n.labels["topology.kubernetes.io/zone"] { zoneOfNode[n.name] = z } }
        for n in r.fargateNodes { zoneOfNode[n.name] = n.zone }
        for s in services where s.type != .ExternalName {
            guard let ip = ipOf["\(s.meta.namespace)/\(s.meta.name)"] ?? nil else { continue }
            let external = s.type == .NodePort || s.type == .LoadBalancer
            // externalTrafficPolicy counts for external IPs too, on any type.
            let externalPolicy = s.externalTrafficPolicy == .Local && (external || !s.externalIPs.isEmpty)
            // The NodePorts the API server allocated (`RealizedCluster.nodePorts`).
            let allocated = r.nodePorts["\(s.meta.namespace)/\(s.meta.name)"]
            let preferClose = s.trafficDistribution == "PreferClose" && !s.topologyModeAuto
            for (i, sp) in s.ports.enumerated() {
                let proto = sp.ipProtocol == .udp ? "udp" : (sp.ipProtocol == .tcp ? "tcp" : "sctp")
                var p = RealizedServicePort(namespace: s.meta.namespace, name: s.meta.name, portName: sp.name, ipProtocol: proto, port: sp.port, clusterIP: ip)
                if external, let a = allocated, a.ports.indices.contains(i) { p.nodePort = a.ports[i] }
                p.externalPolicyLocal = externalPolicy
                p.internalPolicyLocal = s.internalTrafficPolicy == .Local
                p.affinityTimeout = s.sessionAffinity == "ClientIP" ? (s.affinityTimeoutSeconds ?? 10800) : nil
                p.externalIPs = s.externalIPs
                p.isLoadBalancer = s.type == .LoadBalancer
                p.healthCheckNodePort = allocated?.healthCheck
                p.sourceRanges = s.loadBalancerSourceRanges
                // status.loadBalancer.ingress: VIP-mode addresses (kube-proxy v1.31 serviceport.go).
                p.loadBalancerIPs = s.loadBalancerIngress.filter(\.isVIP).compactMap(\.ip)
                ports.append(p)
                // Endpoints: the manifests' slices for the Service, else the selector's running pods.
                let key = p.servicePortName + "/" + proto
                let slices = slicesByService["\(s.meta.namespace)/\(s.meta.name)"] ?? []
                if !slices.isEmpty {
                    for slice in slices {
                        for port in slice.ports where port.name == sp.name && port.ipProtocol == sp.ipProtocol {
                            for e in slice.endpoints {
                                guard let a = e.addresses.first.flatMap({ IPv4Address($0) }) else { continue }
                                endpoints[key, default: []].append(RealizedEndpoint(ip: a, port: port.port, ready: e.ready, serving: e.serving, terminating: e.terminating,
                                                                                    nodeName: e.nodeName, zoneHints: e.zoneHints))
                            }
                        }
                    }
                    continue
                }
                // default/kubernetes: the API server writes its own endpoints, the control-plane
                // ENIs' addresses on port 443 (its secure port as EKS runs it).
                if s.meta.namespace == "default", s.meta.name == "kubernetes", sp.ipProtocol == .tcp, !r.controlPlaneENIs.isEmpty {
                    for e in r.controlPlaneENIs { endpoints[key, default: []].append(RealizedEndpoint(ip: e.ip, port: 443)) }
                    continue
                }
                guard let selector = s.selector, !selector.isEmpty else { continue }
                for pod in selected(by: selector, in: s.meta.namespace, runningByLabel) {
                    guard let addr = pod.ip, let port = targetPort(sp, of: pod, workloadByKey) else { continue }
                    // trafficDistribution PreferClose (unless the topology-mode annotation takes
                    // over): the EndpointSlice controller (v1.31 endpointslice/trafficdist) hints
                    // each ready endpoint for its own node's zone.
                    let hints = preferClose ? pod.node.flatMap { zoneOfNode[$0] }.map { [$0] } ?? [] : []
                    endpoints[key, default: []].append(RealizedEndpoint(ip: addr, port: port, nodeName: pod.node, zoneHints: hints))
                }
            }
        }
        return (ports, endpoints)
    }
}

extension ServicePorts {
    /// Running pods by "namespace/label=value", so a selector looks at the pods of one label only.
    static func runningPodsByLabel(_ pods: [RealizedPod]) -> [String: [RealizedPod]] {
        var out: [String: [RealizedPod]] = [:]
        for pod in pods where pod.status == .running {
            for (k, v) in pod.labels { out["\(pod.namespace)/\(k)=\(v)", default: []].append(pod) }
        }
        return out
    }

    /// The running pods of `namespace` a Service's (non-empty) selector matches, in pod order.
    static func selected(by selector: [String: String], in namespace: String, _ byLabel: [String: [RealizedPod]]) -> [RealizedPod] {
        guard let first = selector.min(by: { $0.key < $1.key }) else { return [] }
        return (byLabel["\(namespace)/\(first.key)=\(first.value)"] ?? []).filter { pod in selector.allSatisfy { pod.labels[$0.key] == $0.value } }
    }

    /// The pod port a Service port targets: its number, or the named container port of the
    /// pod's workload with the Service port's protocol (none: the pod is no endpoint).
    static func targetPort(_ sp: ServicePort, of pod: RealizedPod, _ workloadByKey: [String: Workload]) -> UInt16? {
        switch sp.targetPort {
        case .number(let n): return n
        case .name(let n):
            let w = workloadByKey["\(pod.namespace)/\(pod.workloadKind)/\(pod.workload)"]
            return w?.template.ports.first { $0.name == n && $0.ipProtocol == sp.ipProtocol }?.containerPort
        }
    }
}
