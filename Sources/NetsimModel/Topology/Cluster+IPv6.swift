/// An IPv6 cluster's Service range. EKS does not let one choose it: it assigns the cluster a
/// /108 from the unique local range fc00::/7 (Amazon EKS API, `KubernetesNetworkConfigResponse.
/// serviceIpv6Cidr`; EKS User Guide, "IPv6 addresses for clusters, pods and services"). netsim
/// takes `cluster.serviceIpv6Cidr` when given (to match a real cluster's), else a seeded
/// fdXX:XXXX:XXXX::/108 (RFC 4193: fd, a 40-bit global ID, subnet 0).
extension Cluster {
    public func serviceIPv6Range(seed: UInt64) -> IPv6CIDR? {
        guard ipFamily == .ipv6 else { return nil }
        if let c = serviceIPv6CIDR { return c }
        let id = StableHash.fnv1a("service-ipv6/\(name)", seed: seed) & 0xFF_FFFF_FFFF
        return IPv6CIDR(network: IPv6Address(high: 0xFD00_0000_0000_0000 | (id << 16), low: 0), prefixLength: 108)
    }
}
