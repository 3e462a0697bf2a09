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
    /// An IPv6 cluster's node: kube-proxy's IPv6 proxier's rules (ip6tables); `kubeProxy` is then
    /// its IPv4 proxier's, which has no Service of its family (`NodeDatapath+IPv6.swift`).
    public let kubeProxy6: IPTablesRestoreText?
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
        if let v6 = host.ipv6 {
            // Dual-stack kube-proxy on a node with both families (server_linux.go): the IPv4
            // proxier serves the IPv4 Services, of which an IPv6 cluster has none (its service
            // range is IPv6 only), so it writes its frame alone; the IPv6 proxier the rest.
            let (p6, e6) = Self.family(.ipv6, of: services)
            kubeProxy = KubeProxyRenderer.render([], endpoints: [:], config: config)
            var c6 = config
            c6.ipFamily = .ipv6
            c6.nodeIPs6 = [v6.nodeAddress]
            kubeProxy6 = KubeProxyRenderer.render(p6, endpoints: e6, config: c6)
        } else {
            kubeProxy = KubeProxyRenderer.render(servicePorts, endpoints: endpoints, config: config)
            kubeProxy6 = nil
        }
    }

    /// The VPC CNI's host networking on a node: its ENIs and their addresses, its pods, the
    /// aws-node settings that shape the rules.
    public static func host(fabric f: FabricIndex, node name: String, pods podsOfNode: [RealizedPod]? = nil) -> HostNetwork? {
        guard let node = f.nodeByName[name] else { return nil }
        let t = f.topology
        let r = f.realized
        let vpc = t.primaryVPC
        var enis: [HostENI] = []
        // The trunk ENI too: ipamd sets it up as a secondary ENI (address, table), the parent of
        // the branch pods' VLANs.
        for e in node.ipam.enis {
            let subnet = r.ec2.pool(e.subnet).subnet
            var addrs: [IPv4Address] = []
            if !e.isTrunk {
                for c in e.cidrs { for i in 0..<c.size where c.assigned & (1 << UInt16(i)) != 0 { addrs.append(IPv4Address(c.cidr.network.value + UInt32(i))) } }
            }
            enis.append(HostENI(deviceIndex: e.deviceIndex, mac: e.mac, primaryIP: e.primaryIP, subnet: subnet.cidr, podAddresses: addrs, id: e.id, isTrunk: e.isTrunk))
        }
        let pods = (podsOfNode ?? r.pods.filter { $0.node == name }).filter { !$0.hostNetwork }.compactMap { p in
            p.ip.map { HostPod(namespace: p.namespace, name: p.name, ip: $0, branch: p.branchENI.flatMap { hostBranch($0, topology: t) }) }
        }
        // The aws-node settings as the converter read them (the values check judged).
        let s = t.cluster?.awsNode ?? CNISettings()
        var host = HostNetwork(nodeName: name, enis: enis, pods: pods, vpcCIDRs: vpc?.cidrBlocks ?? [], excludeSNATCIDRs: s.excludeSNATCIDRs,
                           externalSNAT: r.settings.externalSNAT, vethPrefix: s.vethPrefix, connmark: s.connmark,
                           nodePortSupport: s.nodePortSupport, randomizeSNAT: s.randomizeSNAT, externalServiceCIDRs: s.externalServiceCIDRs,
                           podENI: s.podENI, podSecurityGroupStrict: s.podSecurityGroupStrict)
        if r.settings.ipv6 { host.ipv6 = hostIPv6(node: node, topology: t, realized: r, pods: podsOfNode ?? r.pods.filter { $0.node == name }) }
        return host
    }

    /// A realized branch ENI as its node sees it: its VLAN, its subnet's CIDR, and a MAC
    /// derived from its id as the fabric derives every ENI's (EC2 picks one).
    static func hostBranch(_ b: BranchENI, topology t: Topology) -> HostBranchENI? {
        guard let subnet = t.subnet(named: b.subnet)?.subnet else { return nil }
        // The VLAN device takes the branch ENI's MAC (driver.go buildVlanLink): the one the
        // fabric gives the ENI (`describe` prints it).
        let mac = MACAddress.derived("eni/" + b.eniID, seed: t.seed).description
        return HostBranchENI(vlanID: b.vlanID, id: b.eniID, mac: mac, subnet: subnet.cidr)
    }

    /// Whether the topology gives the API server's Service its endpoints: an EndpointSlice of
    /// `default/kubernetes` on the control plane's addresses.
    public static func declaresControlPlaneSlice(_ t: Topology) -> Bool { ServicePorts.declaresControlPlaneSlice(t) }

    /// Service ports and their endpoints as kube-proxy reads them: the realized cluster's
    /// (`ServicePorts.build`: cluster IPs and NodePorts the realizer allocated, endpoints from
    /// running pods the selector matches or the manifests' own EndpointSlices).
    public static func services(_ t: Topology, _ r: RealizedCluster) -> ([ProxiedServicePort], [String: [ProxiedEndpoint]]) {
        let (ports, endpoints) = ServicePorts.build(t, r)
        let proxied = ports.map { p in
            ProxiedServicePort(namespace: p.namespace, name: p.name, portName: p.portName, ipProtocol: p.ipProtocol, port: p.port, clusterIP: p.clusterIP,
                               nodePort: p.nodePort, externalIPs: p.externalIPs, loadBalancerIPs: p.loadBalancerIPs, sourceRanges: p.sourceRanges,
                               externalPolicyLocal: p.externalPolicyLocal, internalPolicyLocal: p.internalPolicyLocal, affinityTimeout: p.affinityTimeout,
                               healthCheckNodePort: p.healthCheckNodePort, isLoadBalancer: p.isLoadBalancer)
        }
        var eps = endpoints.mapValues { list in
            list.map { e in ProxiedEndpoint(ip: e.ip, port: e.port, ready: e.ready, serving: e.serving, terminating: e.terminating, nodeName: e.nodeName, zoneHints: e.zoneHints) }
        }
        // An IPv6 cluster's Services (`ServicePorts.build6`): IPv6 cluster IPs and endpoints.
        let (ports6, endpoints6) = ServicePorts.build6(t, r)
        var all = proxied
        for p6 in ports6 {
            let p = p6.port
            var q = ProxiedServicePort(namespace: p.namespace, name: p.name, portName: p.portName, ipProtocol: p.ipProtocol, port: p.port, clusterIP: nil,
                                       nodePort: p.nodePort, externalPolicyLocal: p.externalPolicyLocal, internalPolicyLocal: p.internalPolicyLocal,
                                       affinityTimeout: p.affinityTimeout, healthCheckNodePort: p.healthCheckNodePort, isLoadBalancer: p.isLoadBalancer)
            q.clusterIP = .ipv6(p6.clusterIP)
            all.append(q)
        }
        for (k, list) in endpoints6 {
            eps[k, default: []] += list.map { e in ProxiedEndpoint(address: .ipv6(e.ip), port: e.port, ready: e.ready, serving: e.serving, terminating: e.terminating, nodeName: e.nodeName) }
        }
        return (all, eps)
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
            let branch = p.branch.map { "  branch ENI \($0.id) VLAN \($0.vlanID) (\($0.vlanDevice), table \($0.table))" } ?? ""
            out += "\(p.namespace)/\(p.name)  eth0 \(p.ip)/32  routes: default via 169.254.1.1 dev eth0; 169.254.1.1 dev eth0 scope link  host side: \(veth)\(branch)\n"
        }
        if let v6 = host.ipv6 { out += v6.podsText }
        for p in hostNetworkPods { out += "\(p)  hostNetwork: the node's own stack and addresses\n" }
        return out
    }

    /// The ENIs, one line each.
    public var enisText: String {
        var out = ""
        for e in host.enis {
            let kind = e.deviceIndex == 0 ? "primary" : (e.isTrunk ? "trunk" : "secondary")
            // Delegated /28 prefixes (prefix mode), as `aws ec2 describe-network-interfaces` lists them.
            let prefixes = node.ipam.enis.first { $0.id == e.id }?.cidrs.filter { $0.size > 1 }.map { "\($0.cidr)" } ?? []
            // An IPv6 node's primary ENI: its IPv6 address and the /80 its pods take addresses from.
            let v6 = host.ipv6.flatMap { h in e.deviceIndex == 0 ? "  ipv6 \(h.nodeAddress) in \(h.subnet)\(h.prefix.map { "  prefix \($0)  \(h.pods.count) pod address\(h.pods.count == 1 ? "" : "es")" } ?? "")" : nil } ?? ""
            out += "\(e.interface)  \(e.id)  \(e.mac)  device \(e.deviceIndex)  \(kind)  \(e.primaryIP) in \(e.subnet)  table \(e.table == 254 ? "main" : String(e.table))  \(e.podAddresses.count) pod address\(e.podAddresses.count == 1 ? "" : "es")\(prefixes.isEmpty ? "" : "  prefixes \(prefixes.joined(separator: " "))")\(v6)\n"
        }
        // Branch ENIs (Security Groups for Pods): one VLAN each on the trunk.
        let trunk = host.enis.first { $0.isTrunk }?.interface ?? "?"
        for p in host.pods.sorted(by: { ($0.branch?.vlanID ?? 0, $0.ip) < ($1.branch?.vlanID ?? 0, $1.ip) }) {
            guard let b = p.branch else { continue }
            out += "\(b.vlanDevice)  \(b.id)  \(b.mac)  VLAN \(b.vlanID) on \(trunk)  branch  \(p.ip) in \(b.subnet)  table \(b.table)  pod \(p.namespace)/\(p.name)\n"
        }
        return out
    }
}
