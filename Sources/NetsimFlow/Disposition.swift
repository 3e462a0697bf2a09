/// How a traced flow ends, in Batfish's words where they exist (`DELIVERED`, `EXITS_NETWORK`,
/// `DENIED_IN`, `DENIED_OUT`, `NO_ROUTE`, `NULL_ROUTED`, `LOOP`) plus what Kubernetes needs
/// (`NO_ENDPOINTS`, `REJECTED`), load balancers (`FIXED_RESPONSE`), and what netsim does not
/// model (`NOT_MODELLED`).
public enum Disposition: String, Sendable, CaseIterable, Codable {
    case delivered = "DELIVERED"
    case exitsNetwork = "EXITS_NETWORK"
    case deniedIn = "DENIED_IN"
    case deniedOut = "DENIED_OUT"
    case noRoute = "NO_ROUTE"
    case nullRouted = "NULL_ROUTED"
    case loop = "LOOP"
    case noEndpoints = "NO_ENDPOINTS"
    case rejected = "REJECTED"
    /// An ALB answered the request itself (a fixed response or a redirect): nothing reached a target.
    case fixedResponse = "FIXED_RESPONSE"
    /// The flow reaches something netsim does not model (the EKS control plane when the topology
    /// does not declare it): no verdict, never a guess.
    case notModelled = "NOT_MODELLED"

    /// Whether the flow reached its destination (or left toward it).
    public var isSuccess: Bool { self == .delivered || self == .exitsNetwork }
}
