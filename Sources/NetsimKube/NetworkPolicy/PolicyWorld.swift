import NetsimModel

/// What a NetworkPolicy enforcer sees of the cluster: namespaces with their labels, running pods
/// with their addresses, labels and container ports, Services, the policies, and the nodes'
/// addresses. Built once per realized cluster by the flow layer; the policy engines (the VPC CNI
/// network policy agent's model and the upstream Kubernetes semantics) read only this.
public struct PolicyWorld: Sendable {
    /// One running pod as the policy controller and agent see it.
    public struct Pod: Sendable {
        public var namespace: String
        public var name: String
        public var labels: [String: String]
        /// The pod's IPv4 address; for a hostNetwork pod, its node's address.
        public var ip: IPv4Address
        /// The address of the node the pod runs on (the agent always allows it).
        public var nodeIP: IPv4Address
        public var nodeName: String
        /// hostNetwork pods are never subject to the agent (no veth, no eBPF program).
        public var hostNetwork: Bool
        public var containerPorts: [ContainerPort]
        /// "namespace/name", the key traces and intents use.
        public var key: String { "\(namespace)/\(name)" }
        public init(namespace: String, name: String, labels: [String: String], ip: IPv4Address,
                    nodeIP: IPv4Address, nodeName: String, hostNetwork: Bool, containerPorts: [ContainerPort]) {
            self.namespace = namespace; self.name = name; self.labels = labels; self.ip = ip
            self.nodeIP = nodeIP; self.nodeName = nodeName; self.hostNetwork = hostNetwork
            self.containerPorts = containerPorts
        }
    }

    /// namespace name → labels (including `kubernetes.io/metadata.name`).
    public var namespaceLabels: [String: [String: String]]
    /// Running pods, sorted by key.
    public var pods: [Pod]
    public var services: [Service]
    public var networkPolicies: [NetworkPolicy]
    /// Every node's primary address.
    public var nodeIPs: [IPv4Address]

    public init(namespaceLabels: [String: [String: String]], pods: [Pod], services: [Service],
                networkPolicies: [NetworkPolicy], nodeIPs: [IPv4Address]) {
        self.namespaceLabels = namespaceLabels
        self.pods = pods.sorted { $0.key < $1.key }
        self.services = services; self.networkPolicies = networkPolicies; self.nodeIPs = nodeIPs
    }
}

/// Which way a policy decision looks: a pod's ingress (the peer is the source) or its egress
/// (the peer is the destination).
public enum PolicyDirection: String, Sendable, Hashable, CaseIterable {
    case ingress, egress
}
