/// The Kubernetes objects netsim models, converted from real manifests.
public struct KubernetesObjects: Sendable {
    public var namespaces: [Namespace] = []
    public var workloads: [Workload] = []
    public var services: [Service] = []
    public var endpointSlices: [EndpointSlice] = []
    public var ingresses: [Ingress] = []
    public var ingressClasses: [IngressClass] = []
    public var networkPolicies: [NetworkPolicy] = []
    /// EKS ClusterNetworkPolicies (`networking.k8s.aws/v1alpha1`, cluster-scoped): Admin and
    /// Baseline tiers around namespace NetworkPolicies.
    public var clusterNetworkPolicies: [ClusterNetworkPolicy] = []
    /// `SecurityGroupPolicy` objects (Security Groups for Pods), in manifest order.
    public var securityGroupPolicies: [SecurityGroupPolicy] = []
    public var serviceAccounts: [ServiceAccount] = []
    /// Admission webhooks the API server calls (validating and mutating).
    public var webhookConfigurations: [WebhookConfiguration] = []
    public var apiServices: [APIService] = []
    /// EKS ApplicationNetworkPolicies (`networking.k8s.aws`, namespaced, FQDN egress peers):
    /// not modelled, kept so that traces through pods of their namespace carry a caveat.
    public var applicationNetworkPolicies: [UnmodelledObject] = []
    /// The cluster's observed state (`kubernetes.observed`), when the topology names one.
    public var observed: ObservedState? = nil

    public init() {}

    public func workload(_ kind: WorkloadKind, namespace: String, name: String) -> Workload? {
        workloads.first { $0.kind == kind && $0.meta.namespace == namespace && $0.meta.name == name }
    }

    public func service(namespace: String, name: String) -> Service? {
        services.first { $0.meta.namespace == namespace && $0.meta.name == name }
    }

    /// Labels of a namespace, with the `kubernetes.io/metadata.name` label the API server adds.
    public func namespaceLabels(_ name: String) -> [String: String] {
        var labels = namespaces.first { $0.meta.name == name }?.meta.labels ?? [:]
        labels["kubernetes.io/metadata.name"] = name
        return labels
    }
}

/// Object metadata: name, namespace, labels, annotations and where the object was written.
public struct ObjectMeta: Sendable {
    public var name: String
    /// Empty for cluster-scoped objects.
    public var namespace: String
    public var labels: [String: String]
    public var annotations: [String: String]
    public var location: SourceLocation
    /// Where each annotation's value is written (for diagnostics about it).
    public var annotationLocations: [String: SourceLocation] = [:]

    /// Where annotation `key` is written, else the object.
    public func location(ofAnnotation key: String) -> SourceLocation { annotationLocations[key] ?? location }

    public init(name: String, namespace: String, labels: [String: String] = [:],
                annotations: [String: String] = [:], location: SourceLocation) {
        self.name = name; self.namespace = namespace; self.labels = labels
        self.annotations = annotations; self.location = location
    }
}

public struct Namespace: Sendable {
    public var meta: ObjectMeta
    public init(meta: ObjectMeta) { self.meta = meta }
}

/// The controllers that make pods.
public enum WorkloadKind: String, Sendable, CaseIterable {
    case deployment = "Deployment"
    case statefulSet = "StatefulSet"
    case daemonSet = "DaemonSet"
    case pod = "Pod"
}

/// A Deployment, StatefulSet, DaemonSet or bare Pod, reduced to what networking needs.
public struct Workload: Sendable {
    public var kind: WorkloadKind
    public var meta: ObjectMeta
    /// Desired replicas; nil for DaemonSets (one per eligible node), 1 for bare Pods.
    public var replicas: Int?
    public var selector: LabelSelector?
    public var template: PodTemplate

    public init(kind: WorkloadKind, meta: ObjectMeta, replicas: Int?, selector: LabelSelector?,
                template: PodTemplate) {
        self.kind = kind; self.meta = meta; self.replicas = replicas; self.selector = selector
        self.template = template
    }
}

/// The parts of a pod spec that decide networking and placement.
public struct PodTemplate: Sendable {
    public var labels: [String: String]
    public var containers: [Container]
    public var hostNetwork: Bool
    public var nodeSelector: [String: String]
    public var tolerations: [Toleration]
    /// `spec.serviceAccountName` ("default" when absent).
    public var serviceAccountName = "default"

    public init(labels: [String: String], containers: [Container], hostNetwork: Bool = false,
                nodeSelector: [String: String] = [:], tolerations: [Toleration] = []) {
        self.labels = labels; self.containers = containers; self.hostNetwork = hostNetwork
        self.nodeSelector = nodeSelector; self.tolerations = tolerations
    }

    public var ports: [ContainerPort] { containers.flatMap(\.ports) }
}

public struct Container: Sendable {
    public var name: String
    public var ports: [ContainerPort]
    public init(name: String, ports: [ContainerPort]) { self.name = name; self.ports = ports }
}

public struct ContainerPort: Hashable, Sendable {
    public var name: String
    public var containerPort: UInt16
    public var ipProtocol: IPProtocol
    public init(name: String, containerPort: UInt16, ipProtocol: IPProtocol) {
        self.name = name; self.containerPort = containerPort; self.ipProtocol = ipProtocol
    }
}

public struct Toleration: Hashable, Sendable {
    public var key: String
    public var op: String
    public var value: String
    public var effect: String
    public init(key: String, op: String, value: String, effect: String) {
        self.key = key; self.op = op; self.value = value; self.effect = effect
    }

    /// Kubernetes' ToleratesTaint: empty effect matches all effects; `Exists` ignores the value;
    /// an empty key with `Exists` tolerates everything.
    public func tolerates(_ taint: Taint) -> Bool {
        if !effect.isEmpty && effect != taint.effect.rawValue { return false }
        if key.isEmpty { return op == "Exists" }
        guard key == taint.key else { return false }
        return op == "Exists" || value == taint.value
    }
}

/// A label selector with matchLabels and matchExpressions (AND of all terms).
public struct LabelSelector: Sendable {
    public struct Requirement: Sendable {
        public enum Operator: String, Sendable, CaseIterable { case In, NotIn, Exists, DoesNotExist }
        public var key: String
        public var op: Operator
        public var values: [String]
        public init(key: String, op: Operator, values: [String]) { self.key = key; self.op = op; self.values = values }
    }
    public var matchLabels: [String: String]
    public var matchExpressions: [Requirement]

    public init(matchLabels: [String: String] = [:], matchExpressions: [Requirement] = []) {
        self.matchLabels = matchLabels; self.matchExpressions = matchExpressions
    }

    /// An empty selector selects everything (NetworkPolicy `podSelector: {}`).
    public var isEmpty: Bool { matchLabels.isEmpty && matchExpressions.isEmpty }

    public func matches(_ labels: [String: String]) -> Bool {
        for (k, v) in matchLabels where labels[k] != v { return false }
        for r in matchExpressions {
            let value = labels[r.key]
            switch r.op {
            case .In: guard let value, r.values.contains(value) else { return false }
            case .NotIn: if let value, r.values.contains(value) { return false }
            case .Exists: if value == nil { return false }
            case .DoesNotExist: if value != nil { return false }
            }
        }
        return true
    }
}

/// A Service.
public struct Service: Sendable {
    public enum ServiceType: String, Sendable, CaseIterable {
        case ClusterIP, NodePort, LoadBalancer, ExternalName
    }
    public enum TrafficPolicy: String, Sendable, CaseIterable { case Cluster, Local }

    public var meta: ObjectMeta
    public var type: ServiceType
    /// nil: allocated later; "None": headless.
    public var clusterIP: String?
    /// nil: a Service without selector (endpoints managed by hand).
    public var selector: [String: String]?
    public var ports: [ServicePort]
    public var externalTrafficPolicy: TrafficPolicy
    public var internalTrafficPolicy: TrafficPolicy
    public var sessionAffinity: String
    public var loadBalancerClass: String?
    public var loadBalancerSourceRanges: [IPv4CIDR]
    /// The IPv6 entries of `spec.loadBalancerSourceRanges` (the API server takes either family),
    /// with where each is written: a dualstack NLB's managed group admits them.
    public var loadBalancerSourceRangesIPv6: [SourceRangeIPv6] = []
    public var externalName: String?
    /// `spec.externalIPs`: kube-proxy captures these addresses on every node.
    public var externalIPs: [IPv4Address] = []
    /// `sessionAffinityConfig.clientIP.timeoutSeconds` (kube-proxy's default 10800 when nil).
    public var affinityTimeoutSeconds: Int? = nil
    /// `spec.healthCheckNodePort` (allocated when nil, for a Local LoadBalancer).
    public var healthCheckNodePort: UInt16? = nil
    /// `spec.allocateLoadBalancerNodePorts` (true when unset): false gives a LoadBalancer
    /// Service no NodePorts unless its ports name them.
    public var allocateLoadBalancerNodePorts = true
    /// `status.loadBalancer.ingress`: the addresses a load balancer implementation reported.
    public var loadBalancerIngress: [LoadBalancerIngress] = []
    /// `spec.trafficDistribution` (`PreferClose`), nil when unset.
    public var trafficDistribution: String? = nil

    public struct SourceRangeIPv6: Sendable {
        public var cidr: IPv6CIDR
        public var location: SourceLocation
        public init(cidr: IPv6CIDR, location: SourceLocation) { self.cidr = cidr; self.location = location }
    }

    /// One `status.loadBalancer.ingress` entry.
    public struct LoadBalancerIngress: Sendable {
        public var ip: IPv4Address?
        public var hostname: String?
        /// `VIP` (also when unset) or `Proxy`.
        public var ipMode: String?
        public init(ip: IPv4Address?, hostname: String? = nil, ipMode: String? = nil) {
            self.ip = ip; self.hostname = hostname; self.ipMode = ipMode
        }
        /// kube-proxy captures the address itself (`IsVIPMode`: ipMode unset or VIP).
        public var isVIP: Bool { ipMode == nil || ipMode == "VIP" }
    }

    /// The EndpointSlice controller's topology-aware hints annotation
    /// (`service.kubernetes.io/topology-mode`, else the deprecated
    /// `service.kubernetes.io/topology-aware-hints`) is `Auto`.
    public var topologyModeAuto: Bool {
        let v = meta.annotations["service.kubernetes.io/topology-mode"] ?? meta.annotations["service.kubernetes.io/topology-aware-hints"]
        return v == "Auto" || v == "auto"
    }

    public init(meta: ObjectMeta, type: ServiceType, clusterIP: String?, selector: [String: String]?,
                ports: [ServicePort], externalTrafficPolicy: TrafficPolicy = .Cluster,
                internalTrafficPolicy: TrafficPolicy = .Cluster, sessionAffinity: String = "None",
                loadBalancerClass: String? = nil, loadBalancerSourceRanges: [IPv4CIDR] = [],
                externalName: String? = nil) {
        self.meta = meta; self.type = type; self.clusterIP = clusterIP; self.selector = selector
        self.ports = ports; self.externalTrafficPolicy = externalTrafficPolicy
        self.internalTrafficPolicy = internalTrafficPolicy; self.sessionAffinity = sessionAffinity
        self.loadBalancerClass = loadBalancerClass; self.loadBalancerSourceRanges = loadBalancerSourceRanges
        self.externalName = externalName
    }
}

extension Service {
    /// The port a backend names: by its number (`port`, not `targetPort`) or by its name.
    public func port(_ p: ServicePort.TargetPort) -> ServicePort? {
        switch p {
        case .number(let n): ports.first { $0.port == n }
        case .name(let s): ports.first { $0.name == s }
        }
    }
}

/// A port of a Service; targetPort is a number or the name of a container port.
public struct ServicePort: Sendable {
    public enum TargetPort: Hashable, Sendable, CustomStringConvertible {
        case number(UInt16)
        case name(String)
        public var description: String {
            switch self { case .number(let n): return "\(n)"; case .name(let s): return s }
        }
    }
    public var name: String
    public var ipProtocol: IPProtocol
    public var port: UInt16
    public var targetPort: TargetPort
    public var nodePort: UInt16?
    public var location: SourceLocation

    public init(name: String, ipProtocol: IPProtocol, port: UInt16, targetPort: TargetPort,
                nodePort: UInt16?, location: SourceLocation) {
        self.name = name; self.ipProtocol = ipProtocol; self.port = port; self.targetPort = targetPort
        self.nodePort = nodePort; self.location = location
    }
}

/// A discovery.k8s.io/v1 EndpointSlice given by hand.
public struct EndpointSlice: Sendable {
    public struct Endpoint: Sendable {
        public var addresses: [String]
        public var ready: Bool
        /// `conditions.serving` and `conditions.terminating`: kube-proxy takes an unset
        /// serving as true (`Serving == nil || *Serving`, whatever `ready` says) and an unset
        /// terminating as false.
        public var serving: Bool
        public var terminating: Bool
        public var nodeName: String?
        /// `hints.forZones[].name`.
        public var zoneHints: [String]
        public init(addresses: [String], ready: Bool, nodeName: String?, serving: Bool? = nil, terminating: Bool = false,
                    zoneHints: [String] = []) {
            self.addresses = addresses; self.ready = ready; self.nodeName = nodeName
            self.serving = serving ?? true; self.terminating = terminating; self.zoneHints = zoneHints
        }
    }
    public struct Port: Sendable {
        public var name: String
        public var port: UInt16
        public var ipProtocol: IPProtocol
        public init(name: String, port: UInt16, ipProtocol: IPProtocol) {
            self.name = name; self.port = port; self.ipProtocol = ipProtocol
        }
    }
    public var meta: ObjectMeta
    public var serviceName: String
    public var addressType: String
    public var endpoints: [Endpoint]
    public var ports: [Port]

    public init(meta: ObjectMeta, serviceName: String, addressType: String, endpoints: [Endpoint], ports: [Port]) {
        self.meta = meta; self.serviceName = serviceName; self.addressType = addressType
        self.endpoints = endpoints; self.ports = ports
    }
}

/// A networking.k8s.io/v1 Ingress.
public struct Ingress: Sendable {
    public struct Backend: Sendable {
        public var serviceName: String
        public var port: ServicePort.TargetPort
        public var location: SourceLocation
        public init(serviceName: String, port: ServicePort.TargetPort, location: SourceLocation) {
            self.serviceName = serviceName; self.port = port; self.location = location
        }
    }
    public struct Path: Sendable {
        public enum PathType: String, Sendable, CaseIterable { case Exact, Prefix, ImplementationSpecific }
        public var path: String
        public var pathType: PathType
        public var backend: Backend
        public init(path: String, pathType: PathType, backend: Backend) {
            self.path = path; self.pathType = pathType; self.backend = backend
        }
    }
    public struct Rule: Sendable {
        public var host: String?
        public var paths: [Path]
        public init(host: String?, paths: [Path]) { self.host = host; self.paths = paths }
    }
    public var meta: ObjectMeta
    public var ingressClassName: String?
    public var defaultBackend: Backend?
    public var rules: [Rule]

    public init(meta: ObjectMeta, ingressClassName: String?, defaultBackend: Backend?, rules: [Rule]) {
        self.meta = meta; self.ingressClassName = ingressClassName; self.defaultBackend = defaultBackend
        self.rules = rules
    }

    /// Every backend the Ingress names.
    public var backends: [Backend] { (defaultBackend.map { [$0] } ?? []) + rules.flatMap { $0.paths.map(\.backend) } }
}

/// A networking.k8s.io/v1 IngressClass.
public struct IngressClass: Sendable {
    public var meta: ObjectMeta
    public var controller: String
    public init(meta: ObjectMeta, controller: String) { self.meta = meta; self.controller = controller }
}

/// A networking.k8s.io/v1 NetworkPolicy.
public struct NetworkPolicy: Sendable {
    public struct Peer: Sendable {
        public var podSelector: LabelSelector?
        public var namespaceSelector: LabelSelector?
        public var ipBlock: (cidr: IPv4CIDR, except: [IPv4CIDR])?
        /// Where the peer is written; nil for peers built in code.
        public var location: SourceLocation?
        public init(podSelector: LabelSelector?, namespaceSelector: LabelSelector?,
                    ipBlock: (cidr: IPv4CIDR, except: [IPv4CIDR])?, location: SourceLocation? = nil) {
            self.podSelector = podSelector; self.namespaceSelector = namespaceSelector; self.ipBlock = ipBlock
            self.location = location
        }
    }
    public struct Port: Sendable {
        public var ipProtocol: IPProtocol
        /// nil: all ports.
        public var port: ServicePort.TargetPort?
        public var endPort: UInt16?
        /// Where the port is written; nil for ports built in code.
        public var location: SourceLocation?
        public init(ipProtocol: IPProtocol, port: ServicePort.TargetPort?, endPort: UInt16?, location: SourceLocation? = nil) {
            self.ipProtocol = ipProtocol; self.port = port; self.endPort = endPort; self.location = location
        }
    }
    public struct Rule: Sendable {
        /// Empty: all peers.
        public var peers: [Peer]
        /// Empty: all ports.
        public var ports: [Port]
        /// Where the rule is written (the `- ` of its list item); nil for rules built in code.
        public var location: SourceLocation?
        public init(peers: [Peer], ports: [Port], location: SourceLocation? = nil) {
            self.peers = peers; self.ports = ports; self.location = location
        }
    }
    public enum PolicyType: String, Sendable, CaseIterable { case Ingress, Egress }

    public var meta: ObjectMeta
    public var podSelector: LabelSelector
    public var policyTypes: [PolicyType]
    public var ingress: [Rule]
    public var egress: [Rule]

    public init(meta: ObjectMeta, podSelector: LabelSelector, policyTypes: [PolicyType], ingress: [Rule], egress: [Rule]) {
        self.meta = meta; self.podSelector = podSelector; self.policyTypes = policyTypes
        self.ingress = ingress; self.egress = egress
    }
}

/// An object netsim keeps only to say that a verdict depends on it.
public struct UnmodelledObject: Sendable {
    public var kind: String
    /// The namespace of a namespaced object; nil for a cluster-wide one.
    public var namespace: String?
    public var name: String
    public var location: SourceLocation
    public init(kind: String, namespace: String? = nil, name: String, location: SourceLocation) {
        self.kind = kind; self.namespace = namespace; self.name = name; self.location = location
    }
}
