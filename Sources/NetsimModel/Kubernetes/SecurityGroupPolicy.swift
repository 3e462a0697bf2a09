/// A `SecurityGroupPolicy` (`vpcresources.k8s.aws/v1beta1`, the VPC resource controller's CRD):
/// the pods it selects (by their labels, or by their ServiceAccount's labels) get a branch ENI
/// with these security groups instead of sharing the node's ENIs. Several policies selecting
/// one pod add up.
public struct SecurityGroupPolicy: Sendable {
    public var meta: ObjectMeta
    /// `spec.podSelector`; nil when absent.
    public var podSelector: LabelSelector?
    /// `spec.serviceAccountSelector`; nil when absent.
    public var serviceAccountSelector: LabelSelector?
    /// `spec.securityGroups.groupIds`, as written (ids or the topology's group names).
    public var securityGroups: [String]
    /// Where `spec.securityGroups` is written.
    public var securityGroupsLocation: SourceLocation
    public init(meta: ObjectMeta, podSelector: LabelSelector?, serviceAccountSelector: LabelSelector?, securityGroups: [String],
                securityGroupsLocation: SourceLocation) {
        self.meta = meta; self.podSelector = podSelector; self.serviceAccountSelector = serviceAccountSelector
        self.securityGroups = securityGroups; self.securityGroupsLocation = securityGroupsLocation
    }
}

/// A ServiceAccount (`v1`): its labels are what a SecurityGroupPolicy's
/// `serviceAccountSelector` matches.
public struct ServiceAccount: Sendable {
    public var meta: ObjectMeta
    public init(meta: ObjectMeta) { self.meta = meta }
}

/// A `ValidatingWebhookConfiguration` or `MutatingWebhookConfiguration`
/// (`admissionregistration.k8s.io/v1`): the API server calls each webhook's Service (or URL)
/// from the control plane.
public struct WebhookConfiguration: Sendable {
    public enum Kind: String, Sendable { case validating = "ValidatingWebhookConfiguration", mutating = "MutatingWebhookConfiguration" }
    public struct Webhook: Sendable {
        public var name: String
        /// `clientConfig.service`: namespace, name, port (443 when absent), path.
        public var service: ServiceReference?
        /// `clientConfig.url`.
        public var url: String?
        /// `failurePolicy`: `Fail` (the default in v1) or `Ignore`.
        public var failurePolicy: String
        /// `timeoutSeconds` (10 when absent).
        public var timeoutSeconds: Int
        public var location: SourceLocation
        public init(name: String, service: ServiceReference?, url: String?, failurePolicy: String = "Fail", timeoutSeconds: Int = 10,
                    location: SourceLocation) {
            self.name = name; self.service = service; self.url = url; self.failurePolicy = failurePolicy
            self.timeoutSeconds = timeoutSeconds; self.location = location
        }
    }
    public var kind: Kind
    public var meta: ObjectMeta
    public var webhooks: [Webhook]
    public init(kind: Kind, meta: ObjectMeta, webhooks: [Webhook]) { self.kind = kind; self.meta = meta; self.webhooks = webhooks }
}

/// An `APIService` (`apiregistration.k8s.io/v1`) backed by a Service: the aggregation layer
/// (metrics-server's `v1beta1.metrics.k8s.io`, …), called from the control plane.
public struct APIService: Sendable {
    public var meta: ObjectMeta
    /// `spec.service`; nil for a local APIService (served by the API server itself).
    public var service: ServiceReference?
    public init(meta: ObjectMeta, service: ServiceReference?) { self.meta = meta; self.service = service }
}

/// A reference to a Service port from an admission webhook or an APIService.
public struct ServiceReference: Hashable, Sendable {
    public var namespace: String
    public var name: String
    /// The Service port (443 when absent).
    public var port: UInt16
    public var path: String?
    public init(namespace: String, name: String, port: UInt16 = 443, path: String? = nil) {
        self.namespace = namespace; self.name = name; self.port = port; self.path = path
    }
}
