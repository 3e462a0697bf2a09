import NetsimIPAM
import NetsimKube
import NetsimModel

/// One node's datapath, compiled from the realized cluster: the VPC CNI's host networking and
/// kube-proxy's rules, in the formats of `ip rule`, `ip route show table all` and `iptables-save`.
public struct NodeDatapath: Sendable {
    public let node: RealizedNode
    public let host: HostNetwork
    public let servicePorts: [ProxiedServicePort]
    public let endpoints: [String: [ProxiedEndpoint]]
    public let kubeProxy: IPTablesRestoreText
    /// hostNetwork pods on the node, "namespace/name".
    public let hostNetworkPods: [String]

    /// kube-proxy as the cluster's `kubeProxy` settings configure it (EKS's kube-proxy-config
    /// when absent: `clusterCIDR: ""`, so no local-traffic detector), `--random-fully`
    /// available, nfacct counters present; the node's zone label for topology hints. Without a
    /// node: the settings every node shares.
    public static func kubeProxyConfig(for node: RealizedNode?, cluster: Cluster?) -> KubeProxyConfig {
        let s = cluster?.kubeProxy ?? KubeProxySettings()
        var c = KubeProxyConfig(nodeName: node?.name ?? "", nodeIPs: node.map { [$0.primaryIP] } ?? [], clusterCIDR: nil)
        switch s.detectLocalMode {
        case .ClusterCIDR: c.clusterCIDR = s.clusterCIDR
        // Refused at load (NS0810): kube-proxy waits for a spec.podCIDR EKS nodes never get, and exits.
        case .NodeCIDR: break
        case .BridgeInterface: c.localInterface = s.bridgeInterface.flatMap { $0.isEmpty ? nil : $0 }
        case .InterfaceNamePrefix: c.localInterface = s.interfaceNamePrefix.flatMap { $0.isEmpty ? nil : $0 + "+" }
        }
        c.masqueradeAll = s.masqueradeAll
        c.localhostNodePorts = s.localhostNodePorts
        c.tcpBeLiberal = s.tcpBeLiberal
        c.nodePortAddresses = s.nodePortAddresses
        if s.nodePortPrimary, let n = node { c.nodePortAddresses.append(IPv4CIDR(network: n.primaryIP, prefixLength: 32)) }
        // `primary` alone still restricts NodePorts (to the primary address): never "every address".
        c.nodePortsRestricted = s.nodePortPrimary || !s.nodePortAddresses.isEmpty
        // The CNI gives each ENI's primary address to its ethN.
        if let n = node { c.interfaceAddresses = n.ipam.enis.filter { !$0.isTrunk }.sorted { $0.deviceIndex < $1.deviceIndex }.map(\.primaryIP) }
        c.zone = node?.labels["topology.kubernetes.io/zone"]
        return c
    }

    /// `adjust` changes kube-proxy's settings (tests turn nfacct off where the kernel's
    /// counters do not exist).
    public init?(fabric f: FabricIndex, node name: String, adjust: (inout KubeProxyConfig) -> Void = { _ in }) {
        self.init(fabric: f, node: name, services: NodeDatapath.services(f.topology, f.realized), adjust: adjust)
    }

    /// With the cluster's Services computed once (`services(_:_:)`), for many nodes.
    public init?(fabric f: FabricIndex, node name: String, services: ([ProxiedServicePort], [String: [ProxiedEndpoint]]),
                 adjust: (inout KubeProxyConfig) -> Void = { _ in }) {
        guard let node = f.nodeByName[name], let host = NodeDatapath.host(fabric: f, node: name) else { return nil }
        self.node = node
        self.host = host
        hostNetworkPods = f.realized.pods.filter { $0.node == name && $0.hostNetwork }.map { "\($0.namespace)/\($0.name)" }.sorted()
        (servicePorts, endpoints) = services
        var config = NodeDatapath.kubeProxyConfig(for: node, cluster: f.topology.cluster)
        adjust(&config)
        kubeProxy = KubeProxyRenderer.render(servicePorts, endpoints: endpoints, config: config)
    }

    /// The VPC CNI's host networking on a node: its ENIs and their addresses, its pods, the
    /// aws-node settings that shape the rules.
    public static func host(fabric f: FabricIndex, node name: String, pods podsOfNode: [RealizedPod]? = nil) -> HostNetwork? {
        guard let node = f.nodeByName[name] else { return nil }
        let t = f.topology
        let r = f.realized
        let vpc = t.primaryVPC
        var enis: [HostENI] = []
        for e in node.ipam.enis where !e.isTrunk {
            let subnet = r.ec2.pool(e.subnet).subnet
            var addrs: [IPv4Address] = []
            for c in e.cidrs { for i in 0..<c.size where c.assigned & (1 << UInt16(i)) != 0 { addrs.append(IPv4Address(c.cidr.network.value + UInt32(i))) } }
            enis.append(HostENI(deviceIndex: e.deviceIndex, mac: e.mac, primaryIP: e.primaryIP, subnet: subnet.cidr, podAddresses: addrs, id: e.id))
        }
        let pods = (podsOfNode ?? r.pods.filter { $0.node == name }).filter { !$0.hostNetwork }.compactMap { p in p.ip.map { HostPod(namespace: p.namespace, name: p.name, ip: $0) } }
        // The aws-node settings as the converter read them (the values check judged).
        let s = t.cluster?.awsNode ?? CNISettings()
        return HostNetwork(nodeName: name, enis: enis, pods: pods, vpcCIDRs: vpc?.cidrBlocks ?? [], excludeSNATCIDRs: s.excludeSNATCIDRs,
                           externalSNAT: r.settings.externalSNAT, vethPrefix: s.vethPrefix, connmark: s.connmark,
                           nodePortSupport: s.nodePortSupport, randomizeSNAT: s.randomizeSNAT, externalServiceCIDRs: s.externalServiceCIDRs)
    }

    /// Service ports and their endpoints, as the API server and the EndpointSlice controller
    /// would make them: cluster IPs from the realizer, NodePorts allocated by seed where the
    /// manifest gives none, endpoints from running pods the selector matches (or the
    /// manifests' own EndpointSlices), ports resolved by number or container-port name.
    /// Whether the topology gives the API server's Service its endpoints: an EndpointSlice of
    /// `default/kubernetes` on the control plane's addresses.
    public static func declaresControlPlaneSlice(_ t: Topology) -> Bool {
        t.kubernetes.endpointSlices.contains { $0.meta.namespace == "default" && $0.serviceName == "kubernetes" }
    }

    public static func services(_ t: Topology, _ r: RealizedCluster) -> ([ProxiedServicePort], [String: [ProxiedEndpoint]]) {
        var ports: [ProxiedServicePort] = []
        var endpoints: [String: [ProxiedEndpoint]] = [:]
        guard let cluster = t.cluster else { return ([], [:]) }
        var usedNodePorts = Set(t.kubernetes.services.flatMap { $0.ports.compactMap(\.nodePort) } + t.kubernetes.services.compactMap(\.healthCheckNodePort))
        var rng = SplitMix64(seed: t.seed ^ 0x0D_E90F7)
        /// nil when every port of the range is taken (the API server refuses the Service;
        /// `check` reports it as NS0702).
        func allocateNodePort() -> UInt16? {
            let range = cluster.nodePortRange
            let n = Int(range.upper - range.lower) + 1
            var p = UInt16(Int(range.lower) + Int(rng.next() % UInt64(n)))
            for _ in 0..<n {
                if !usedNodePorts.contains(p) { usedNodePorts.insert(p); return p }
                p = p == range.upper ? range.lower : p + 1
            }
            return nil
        }
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
        if Self.declaresControlPlaneSlice(t), !services.contains(where: { $0.meta.namespace == "default" && $0.meta.name == "kubernetes" }),
           r.services.contains(where: { $0.namespace == "default" && $0.name == "kubernetes" }) {
            let loc = SourceLocation(file: "<eks-control-plane>", line: 0, column: 0)
            services.append(Service(meta: ObjectMeta(name: "kubernetes", namespace: "default", location: loc), type: .ClusterIP, clusterIP: nil,
                                    selector: nil, ports: [ServicePort(name: "https", ipProtocol: .tcp, port: 443, targetPort: .number(443), nodePort: nil, location: loc)]))
        }
        let workloads = Realizer.implicitWorkloads(t.kubernetes) + t.kubernetes.workloads
        let workloadByKey = Dictionary((workloads).map { ("\($0.meta.namespace)/\($0.kind)/\($0.meta.name)", $0) }, uniquingKeysWith: { a, _ in a })
        // Running pods by "namespace/label=value", so a selector looks at the pods of one label only.
        var runningByLabel: [String: [RealizedPod]] = [:]
        for pod in r.pods where pod.status == .running {
            for (k, v) in pod.labels { runningByLabel["\(pod.namespace)/\(k)=\(v)", default: []].append(pod) }
        }
        let slicesByService = Dictionary(grouping: t.kubernetes.endpointSlices, by: { "\($0.meta.namespace)/\($0.serviceName)" })
        var zoneOfNode: [String: String] = [:]
        for n in r.nodes { if let z = n.labels["topology.kubernetes.io/zone"] { zoneOfNode[n.name] = z } }
        for s in services where s.type != .ExternalName {
            guard let ip = ipOf["\(s.meta.namespace)/\(s.meta.name)"] ?? nil else { continue }
            let external = s.type == .NodePort || s.type == .LoadBalancer
            // externalTrafficPolicy counts for external IPs too, on any type.
            let externalPolicy = s.externalTrafficPolicy == .Local && (external || !s.externalIPs.isEmpty)
            // One health-check NodePort per Service (kube-proxy's service health server).
            let healthCheck = s.type == .LoadBalancer && externalPolicy ? (s.healthCheckNodePort ?? allocateNodePort()) : nil
            let preferClose = s.trafficDistribution == "PreferClose" && !s.topologyModeAuto
            for sp in s.ports {
                let proto = sp.ipProtocol == .udp ? "udp" : (sp.ipProtocol == .tcp ? "tcp" : "sctp")
                var p = ProxiedServicePort(namespace: s.meta.namespace, name: s.meta.name, portName: sp.name, ipProtocol: proto, port: sp.port, clusterIP: ip)
                // A LoadBalancer with allocateLoadBalancerNodePorts: false has only the NodePorts it names.
                let allocates = s.type == .NodePort || s.allocateLoadBalancerNodePorts
                if external { p.nodePort = sp.nodePort ?? (allocates ? allocateNodePort() : nil) }
                p.externalPolicyLocal = externalPolicy
                p.internalPolicyLocal = s.internalTrafficPolicy == .Local
                p.affinityTimeout = s.sessionAffinity == "ClientIP" ? (s.affinityTimeoutSeconds ?? 10800) : nil
                p.externalIPs = s.externalIPs
                p.isLoadBalancer = s.type == .LoadBalancer
                p.healthCheckNodePort = healthCheck
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
                                endpoints[key, default: []].append(ProxiedEndpoint(ip: a, port: port.port, ready: e.ready, serving: e.serving, terminating: e.terminating,
                                                                                   nodeName: e.nodeName, zoneHints: e.zoneHints))
                            }
                        }
                    }
                    continue
                }
                guard let selector = s.selector, !selector.isEmpty else { continue }
                guard let first = selector.min(by: { $0.key < $1.key }) else { continue }
                for pod in runningByLabel["\(s.meta.namespace)/\(first.key)=\(first.value)"] ?? [] {
                    guard selector.allSatisfy({ pod.labels[$0.key] == $0.value }), let addr = pod.ip else { continue }
                    let target: UInt16?
                    switch sp.targetPort {
                    case .number(let n): target = n
                    case .name(let n):
                        let w = workloadByKey["\(pod.namespace)/\(pod.workloadKind)/\(pod.workload)"]
                        target = w?.template.ports.first { $0.name == n && $0.ipProtocol == sp.ipProtocol }?.containerPort
                    }
                    guard let port = target else { continue }
                    // trafficDistribution PreferClose (unless the topology-mode annotation takes
                    // over): the EndpointSlice controller (v1.31 endpointslice/trafficdist) hints
                    // each ready endpoint for its own node's zone.
                    let hints = preferClose ? pod.node.flatMap { zoneOfNode[$0] }.map { [$0] } ?? [] : []
                    endpoints[key, default: []].append(ProxiedEndpoint(ip: addr, port: port, nodeName: pod.node, zoneHints: hints))
                }
            }
        }
        return (ports, endpoints)
    }

    /// The whole node as `iptables-restore` input: kube-proxy's rules as kube-proxy writes them
    /// (the form its tests compare), the CNI's as the CNI writes them.
    public var iptablesText: String { host.iptablesSave(kubeProxy: kubeProxy) }

    /// The whole node as `iptables-save` prints it back from the kernel (`IPTablesSaveForm`),
    /// to diff against a real node's `iptables-save | grep -v '^#'`.
    public var iptablesSavedText: String {
        guard let dump = try? IPTablesDump.parse(iptablesText).get() else { return iptablesText }
        return IPTablesSaveForm.text(dump)
    }

    /// Each pod's own side, as `ip addr` and `ip route` inside its network namespace show it
    /// (the VPC CNI gives eth0 the pod's address as a /32 and routes everything via
    /// 169.254.1.1, which the host's veth answers for), then hostNetwork pods.
    public var podsText: String {
        var out = ""
        for p in host.pods.sorted(by: { ($0.namespace, $0.name) < ($1.namespace, $1.name) }) {
            let veth = host.vethByAddress[p.ip.value] ?? "?"
            out += "\(p.namespace)/\(p.name)  eth0 \(p.ip)/32  routes: default via 169.254.1.1 dev eth0; 169.254.1.1 dev eth0 scope link  host side: \(veth)\n"
        }
        for p in hostNetworkPods { out += "\(p)  hostNetwork: the node's own stack and addresses\n" }
        return out
    }

    /// The ENIs, one line each.
    public var enisText: String {
        var out = ""
        for e in host.enis {
            let kind = e.deviceIndex == 0 ? "primary" : "secondary"
            // Delegated /28 prefixes (prefix mode), as `aws ec2 describe-network-interfaces` lists them.
            let prefixes = node.ipam.enis.first { $0.id == e.id }?.cidrs.filter { $0.size > 1 }.map { "\($0.cidr)" } ?? []
            out += "\(e.interface)  \(e.id)  \(e.mac)  device \(e.deviceIndex)  \(kind)  \(e.primaryIP) in \(e.subnet)  table \(e.table == 254 ? "main" : String(e.table))  \(e.podAddresses.count) pod address\(e.podAddresses.count == 1 ? "" : "es")\(prefixes.isEmpty ? "" : "  prefixes \(prefixes.joined(separator: " "))")\n"
        }
        return out
    }
}
