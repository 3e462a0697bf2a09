/// What a running cluster showed when it was dumped (`netsim import kubernetes` writes it; a
/// topology names it with `kubernetes.observed`): the nodes with their addresses and EC2
/// identity, the pods with their node and address, the Services' cluster IPs. The realizer
/// uses these values in place of its own allocation where they fit the fabric, and reports
/// where they do not (`NS1579`–`NS1583`).
public struct ObservedState: Sendable {
    public struct Node: Sendable {
        public var name: String
        /// `status.addresses` of type `InternalIP` (the primary ENI's primary address).
        public var internalIP: IPv4Address?
        /// From `spec.providerID` (`aws:///ZONE/INSTANCE-ID`).
        public var instanceID: String?
        public var zone: String?
        /// The label `node.kubernetes.io/instance-type`.
        public var instanceType: String?
        /// The label `eks.amazonaws.com/nodegroup` (or `alpha.eksctl.io/nodegroup-name`).
        public var nodeGroup: String?
        public var location: SourceLocation
        public init(name: String, internalIP: IPv4Address? = nil, instanceID: String? = nil, zone: String? = nil,
                    instanceType: String? = nil, nodeGroup: String? = nil, location: SourceLocation) {
            self.name = name; self.internalIP = internalIP; self.instanceID = instanceID; self.zone = zone
            self.instanceType = instanceType; self.nodeGroup = nodeGroup; self.location = location
        }
    }

    public struct Pod: Sendable {
        public var namespace: String
        public var name: String
        /// The workload that made it (a ReplicaSet's Deployment), or the Pod itself.
        public var ownerKind: WorkloadKind
        public var owner: String
        public var node: String?
        /// `status.podIP`; nil while the pod had none.
        public var ip: IPv4Address?
        public var hostNetwork: Bool
        public var location: SourceLocation
        public init(namespace: String, name: String, ownerKind: WorkloadKind, owner: String, node: String?, ip: IPv4Address?,
                    hostNetwork: Bool, location: SourceLocation) {
            self.namespace = namespace; self.name = name; self.ownerKind = ownerKind; self.owner = owner
            self.node = node; self.ip = ip; self.hostNetwork = hostNetwork; self.location = location
        }
    }

    public struct Service: Sendable {
        public var namespace: String
        public var name: String
        public var clusterIP: IPv4Address?
        public var location: SourceLocation
        public init(namespace: String, name: String, clusterIP: IPv4Address?, location: SourceLocation) {
            self.namespace = namespace; self.name = name; self.clusterIP = clusterIP; self.location = location
        }
    }

    /// The file as the topology names it (diagnostics point into it).
    public var file: String
    public var nodes: [Node] = []
    public var pods: [Pod] = []
    public var services: [Service] = []

    /// Pods by "KIND/namespace/owner" and Services by "namespace/name" (`index()`), so a
    /// cluster of thousands of workloads is looked up in constant time.
    private var podsByOwner: [String: [Int]] = [:]
    private var serviceByName: [String: Int] = [:]
    private var indexed = false

    public init(file: String) { self.file = file }

    /// Builds the lookups; call once the lists are complete (the loader does).
    public mutating func index() {
        podsByOwner = [:]
        serviceByName = [:]
        for (i, p) in pods.enumerated() { podsByOwner["\(p.ownerKind.rawValue)/\(p.namespace)/\(p.owner)", default: []].append(i) }
        for (i, s) in services.enumerated() where serviceByName["\(s.namespace)/\(s.name)"] == nil { serviceByName["\(s.namespace)/\(s.name)"] = i }
        indexed = true
    }

    public func pods(of kind: WorkloadKind, namespace: String, name: String) -> [Pod] {
        guard indexed else { return pods.filter { $0.ownerKind == kind && $0.namespace == namespace && $0.owner == name } }
        return (podsByOwner["\(kind.rawValue)/\(namespace)/\(name)"] ?? []).map { pods[$0] }
    }

    public func service(namespace: String, name: String) -> Service? {
        guard indexed else { return services.first { $0.namespace == namespace && $0.name == name } }
        return serviceByName["\(namespace)/\(name)"].map { services[$0] }
    }
}
