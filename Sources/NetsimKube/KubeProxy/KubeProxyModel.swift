import NetsimModel

/// kube-proxy's settings that change the rules it writes (iptables mode, kubernetes v1.31).
public struct KubeProxyConfig: Hashable, Sendable {
    public var nodeName: String
    public var nodeIPs: [IPv4Address]
    /// The local-traffic detector (`--detect-local-mode=ClusterCIDR`): pods are the sources in
    /// this block. nil: no detector, so off-cluster ClusterIP traffic is not masqueraded.
    public var clusterCIDR: IPv4CIDR?
    /// The interface detector instead (`InterfaceNamePrefix`: `eni+`; `BridgeInterface`: the
    /// bridge's name): pods' traffic is what arrives on these interfaces. Takes precedence over
    /// `clusterCIDR`.
    public var localInterface: String? = nil
    /// The node's `topology.kubernetes.io/zone` label, for topology hints.
    public var zone: String? = nil
    public var masqueradeAll = false
    /// `--iptables-masquerade-bit` 14, written as kube-proxy's tests write it.
    public var masqueradeMark = "0x4000"
    /// `--iptables-localhost-nodeports` (default true).
    public var localhostNodePorts = true
    /// Whether the kernel has nfacct (the per-rule counters kube-proxy adds when it can).
    public var nfacct = true
    /// Whether iptables supports `--random-fully` on MASQUERADE.
    public var randomFully = true
    /// `--nodeport-addresses`; empty accepts NodePorts on every local address (unless
    /// `nodePortsRestricted`).
    public var nodePortAddresses: [IPv4CIDR] = []
    /// `--nodeport-addresses` was given (`primary` contributes the node's address only, so a
    /// configuration without a node has no CIDR yet is still restricted).
    public var nodePortsRestricted = false
    /// The addresses of the node's interfaces other than lo, in interface order (eth0, eth1, …),
    /// which `--nodeport-addresses` selects from; nil: `nodeIPs`.
    public var interfaceAddresses: [IPv4Address]? = nil
    /// `net.netfilter.nf_conntrack_tcp_be_liberal` set: no INVALID drop rule.
    public var tcpBeLiberal = false
    /// Above this many endpoints in all, KUBE-SEP and dispatch rules carry no comments.
    public var largeClusterEndpoints = 1000
    /// The family kube-proxy's proxier serves (`NewProxier(ipFamily, …)`): `.ipv6` in an IPv6
    /// cluster, whose rules go to ip6tables. Its ruleset differs from IPv4's only where
    /// proxier.go asks `isIPv6`: no KUBE-FIREWALL localnet rule and no localhost NodePorts, the
    /// NodePort catch-all excludes `::1/128`; and where addresses are written (`[ip]:port`).
    public var ipFamily: IPFamily = .ipv4
    /// The node's IPv6 addresses (ip6tables' `--nodeport-addresses primary`).
    public var nodeIPs6: [IPv6Address] = []

    public init(nodeName: String, nodeIPs: [IPv4Address], clusterCIDR: IPv4CIDR? = nil) {
        self.nodeName = nodeName; self.nodeIPs = nodeIPs; self.clusterCIDR = clusterCIDR
    }

    /// The detector's matches (`IfLocal`, `IfNotLocal` of pkg/proxy/util/localdetector.go), nil
    /// without a detector.
    public var localDetector: (isLocal: String, notLocal: String)? {
        if let i = localInterface { return ("-i \(i)", "! -i \(i)") }
        if let c = clusterCIDR { return ("-s \(c)", "! -s \(c)") }
        return nil
    }
}

/// One service port as kube-proxy sees it.
public struct ProxiedServicePort: Sendable {
    public var namespace: String
    public var name: String
    public var portName: String
    /// "tcp", "udp" or "sctp".
    public var ipProtocol: String
    public var port: UInt16
    /// The cluster IP of the proxier's family (an IPv6 one in an IPv6 cluster: set it after init).
    public var clusterIP: IPAddress?
    public var nodePort: UInt16?
    public var externalIPs: [IPv4Address]
    public var loadBalancerIPs: [IPv4Address]
    public var sourceRanges: [IPv4CIDR]
    /// NodePort or LoadBalancer, or a ClusterIP Service with external IPs: externalTrafficPolicy counts.
    public var externalPolicyLocal: Bool
    public var internalPolicyLocal: Bool
    /// ClientIP session affinity timeout in seconds; nil without affinity.
    public var affinityTimeout: Int?
    public var healthCheckNodePort: UInt16?
    public var isLoadBalancer: Bool

    public init(namespace: String, name: String, portName: String, ipProtocol: String = "tcp", port: UInt16,
                clusterIP: IPv4Address?, nodePort: UInt16? = nil, externalIPs: [IPv4Address] = [],
                loadBalancerIPs: [IPv4Address] = [], sourceRanges: [IPv4CIDR] = [], externalPolicyLocal: Bool = false,
                internalPolicyLocal: Bool = false, affinityTimeout: Int? = nil, healthCheckNodePort: UInt16? = nil,
                isLoadBalancer: Bool = false) {
        self.namespace = namespace; self.name = name; self.portName = portName; self.ipProtocol = ipProtocol
        self.port = port; self.clusterIP = clusterIP.map(IPAddress.ipv4); self.nodePort = nodePort; self.externalIPs = externalIPs
        self.loadBalancerIPs = loadBalancerIPs; self.sourceRanges = sourceRanges
        self.externalPolicyLocal = externalPolicyLocal; self.internalPolicyLocal = internalPolicyLocal
        self.affinityTimeout = affinityTimeout; self.healthCheckNodePort = healthCheckNodePort; self.isLoadBalancer = isLoadBalancer
    }

    /// `ns/svc`, with `:port-name` when the port is named.
    public var servicePortName: String { "\(namespace)/\(name)" + (portName.isEmpty ? "" : ":\(portName)") }

    /// NodePort, load balancer IPs or external IPs: reachable from outside the cluster.
    public var externallyAccessible: Bool { nodePort != nil || !loadBalancerIPs.isEmpty || !externalIPs.isEmpty }
}

/// One endpoint of a service port (an EndpointSlice entry with the slice's port).
public struct ProxiedEndpoint: Hashable, Sendable {
    public var ip: IPAddress { didSet { string = Self.join(ip, port) } }
    public var port: UInt16 { didSet { string = Self.join(ip, port) } }
    public var ready: Bool
    public var serving: Bool
    public var terminating: Bool
    public var nodeName: String?
    /// `hints.forZones` names; empty without hints.
    public var zoneHints: [String]

    public init(ip: IPv4Address, port: UInt16, ready: Bool = true, serving: Bool = true, terminating: Bool = false, nodeName: String? = nil,
                zoneHints: [String] = []) {
        self.init(address: .ipv4(ip), port: port, ready: ready, serving: serving, terminating: terminating, nodeName: nodeName, zoneHints: zoneHints)
    }

    /// An endpoint of either family (IPv6 in an IPv6 cluster).
    public init(address ip: IPAddress, port: UInt16, ready: Bool = true, serving: Bool = true, terminating: Bool = false, nodeName: String? = nil,
                zoneHints: [String] = []) {
        self.ip = ip; self.port = port; self.ready = ready; self.serving = serving; self.terminating = terminating; self.nodeName = nodeName
        self.zoneHints = zoneHints
        string = Self.join(ip, port)
    }

    /// `ip:port` as Go's JoinHostPort writes it, `[ip]:port` for IPv6 (kept, since rendering
    /// sorts and names by it).
    public private(set) var string: String

    static func join(_ ip: IPAddress, _ port: UInt16) -> String {
        switch ip {
        case .ipv4(let a): a.description + ":" + String(port)
        case .ipv6(let a): "[" + a.description + "]:" + String(port)
        }
    }
}
