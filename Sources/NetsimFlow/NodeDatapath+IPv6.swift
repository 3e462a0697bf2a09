import NetsimIPAM
import NetsimKube
import NetsimModel

/// A node of an IPv6 cluster: its IPv6 host networking and kube-proxy's ip6tables rules.
extension NodeDatapath {
    /// The Service ports of one family and their endpoints of that family: what kube-proxy's
    /// proxier for that family reads (`NewServiceChangeTracker(…, ipFamily, …)` and
    /// `NewEndpointsChangeTracker(…, ipFamily, …)` drop the other family's).
    public static func family(_ fam: IPFamily, of services: ([ProxiedServicePort], [String: [ProxiedEndpoint]])) -> ([ProxiedServicePort], [String: [ProxiedEndpoint]]) {
        let ports = services.0.filter { $0.clusterIP?.family == fam }
        var eps: [String: [ProxiedEndpoint]] = [:]
        for (k, list) in services.1 {
            let kept = list.filter { $0.ip.family == fam }
            if !kept.isEmpty { eps[k] = kept }
        }
        return (ports, eps)
    }

    /// The primary ENI's own IPv6 address on an IPv6 cluster's node: a /128 from the subnet's
    /// /64 (EC2 assigns it; netsim places it at a seeded position, outside the node's /80).
    public static func nodeIPv6(instanceID: String, subnet: IPv6CIDR, prefix: IPv6CIDR?, seed: UInt64) -> IPv6Address {
        let h = StableHash.fnv1a("node-v6/\(instanceID)", seed: seed)
        // Bits 48–63 of the low word select the /80; the node's address takes another value there.
        let prefixTag = prefix.map { ($0.network.low >> 48) & 0xFFFF } ?? 0
        let tag = (prefixTag ^ 0x8000) & 0xFFFF
        let low = (tag << 48) | (h & 0xFFFF_FFFF) | 1
        return IPv6Address(high: subnet.network.high, low: low)
    }

    /// The node's IPv6 side: its address, its subnet's /64, its /80 and its running IPv6 pods
    /// (in the realizer's order: host-local hands out the egress addresses in that order).
    static func hostIPv6(node: RealizedNode, topology t: Topology, realized r: RealizedCluster, pods: [RealizedPod]) -> HostIPv6? {
        guard let primary = node.ipam.enis.first(where: { $0.deviceIndex == 0 }), let subnet6 = r.ec2.pool(primary.subnet).subnet.ipv6Cidr else { return nil }
        let s = t.cluster?.awsNode ?? CNISettings()
        let list = pods.filter { !$0.hostNetwork && $0.status == .running }.compactMap { p in p.ipv6.map { (namespace: p.namespace, name: p.name, ip: $0) } }
        // The primary ENI's IPv6 address as the realizer gave it (the one the fabric indexes).
        let address = node.ipv6Address ?? nodeIPv6(instanceID: node.instanceID, subnet: subnet6, prefix: node.ipv6Prefix, seed: t.seed)
        return HostIPv6(nodeAddress: address, subnet: subnet6, prefix: node.ipv6Prefix,
                        pods: HostIPv6.pods(list, vethPrefix: s.vethPrefix, egressV4: s.v4Egress),
                        fwmarkRule: s.nodePortSupport || !r.settings.externalSNAT, connmark: s.connmark, randomizeSNAT: s.randomizeSNAT)
    }

    /// The node's ip6tables as `ip6tables-restore` input (kube-proxy's rules as it writes them);
    /// nil on a node of an IPv4 cluster.
    public var ip6tablesText: String? { kubeProxy6.map { host.ip6tablesSave(kubeProxy: $0) } }

    /// The node's ip6tables as `ip6tables-save` prints it back from the kernel.
    public var ip6tablesSavedText: String? {
        guard let text = ip6tablesText else { return nil }
        guard let dump = try? IPTablesDump.parse(text).get() else { return text }
        return IPTablesSaveForm.text(dump, family: .ipv6)
    }
}
