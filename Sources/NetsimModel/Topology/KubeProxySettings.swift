/// kube-proxy's configuration as the EKS kube-proxy add-on lets users set it (the
/// `kube-proxy-config` ConfigMap, a `KubeProxyConfiguration` of kubernetes v1.31), with EKS's
/// defaults: no cluster CIDR (so no local-traffic detector), no masquerade-all, NodePorts on
/// every local address, localhost NodePorts on, the kernel's strict TCP conntrack.
public struct KubeProxySettings: Hashable, Sendable {
    /// `detectLocalMode` (v1.31; empty means ClusterCIDR).
    public enum DetectLocalMode: String, Hashable, Sendable, CaseIterable {
        case ClusterCIDR, NodeCIDR, BridgeInterface, InterfaceNamePrefix
    }
    /// `clusterCIDR`; EKS writes `""`.
    public var clusterCIDR: IPv4CIDR?
    public var detectLocalMode: DetectLocalMode
    /// `detectLocal.bridgeInterface`, `detectLocal.interfaceNamePrefix`.
    public var bridgeInterface: String?
    public var interfaceNamePrefix: String?
    /// `iptables.masqueradeAll`.
    public var masqueradeAll: Bool
    /// `iptables.localhostNodePorts` (nil: kube-proxy's default, true).
    public var localhostNodePorts: Bool
    /// `nodePortAddresses` CIDRs; empty: every local address.
    public var nodePortAddresses: [IPv4CIDR]
    /// `nodePortAddresses` holds `primary`: the node's primary address.
    public var nodePortPrimary: Bool
    /// `conntrack.tcpBeLiberal`: kube-proxy sets nf_conntrack_tcp_be_liberal, and writes no
    /// INVALID drop rule.
    public var tcpBeLiberal: Bool
    public var location: SourceLocation?

    public init(clusterCIDR: IPv4CIDR? = nil, detectLocalMode: DetectLocalMode = .ClusterCIDR, bridgeInterface: String? = nil,
                interfaceNamePrefix: String? = nil, masqueradeAll: Bool = false, localhostNodePorts: Bool = true,
                nodePortAddresses: [IPv4CIDR] = [], nodePortPrimary: Bool = false, tcpBeLiberal: Bool = false,
                location: SourceLocation? = nil) {
        self.clusterCIDR = clusterCIDR; self.detectLocalMode = detectLocalMode; self.bridgeInterface = bridgeInterface
        self.interfaceNamePrefix = interfaceNamePrefix; self.masqueradeAll = masqueradeAll
        self.localhostNodePorts = localhostNodePorts; self.nodePortAddresses = nodePortAddresses
        self.nodePortPrimary = nodePortPrimary; self.tcpBeLiberal = tcpBeLiberal; self.location = location
    }

    /// EKS's kube-proxy-config.
    public static let eksDefault = KubeProxySettings()
}
