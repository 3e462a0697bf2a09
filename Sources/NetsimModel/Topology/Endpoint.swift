/// A flow endpoint as the command line and `expect:` write it:
/// `pod:NS/NAME`, `deployment:NS/NAME`, `statefulset:NS/NAME`, `daemonset:NS/NAME`,
/// `service:NS/NAME`, `ingress:NS/NAME`, `loadbalancer:NS/NAME` (a Service's NLB; also `lb:`),
/// `node:NAME`, `nodegroup:NAME`, `ip:ADDRESS`, `external:NAME`, `internet`, `controlplane` (the
/// EKS control plane calling out: kubelet, webhooks, APIServices), `apiserver` (the API
/// server's endpoint, private or public as the cluster's access says); with kubectl's
/// short names and plurals (`po`, `deploy`, `sts`, `ds`, `svc`, `ing`, `pods`, …).
public enum Endpoint: Hashable, Sendable, CustomStringConvertible {
    case pod(namespace: String, name: String)
    case workload(kind: WorkloadKind, namespace: String, name: String)
    case service(namespace: String, name: String)
    case ingress(namespace: String, name: String)
    /// The load balancer of a LoadBalancer Service (its NLB), reached by its DNS name.
    case loadBalancer(namespace: String, name: String)
    case node(String)
    case nodeGroup(String)
    /// An address of either family (an IPv6 one is traced as not modelled).
    case ip(IPAddress)
    case external(String)
    case internet
    /// The EKS control plane as a source (its ENIs in the VPC).
    case controlPlane
    /// The API server endpoint as a destination (its private ENIs or its public endpoint).
    case apiServer
    /// An AWS service by its regional DNS name (`aws:sts`, `aws:ecr.dkr`, `aws:s3`), resolved
    /// as a host in the source's VPC would resolve it: an interface endpoint's ENI with private
    /// DNS, else the public service.
    case aws(String)

    /// The accepted prefixes, for hints.
    public static let syntax = "pod:NS/NAME, deployment:NS/NAME, statefulset:NS/NAME, daemonset:NS/NAME, service:NS/NAME, ingress:NS/NAME, loadbalancer:NS/NAME, node:NAME, nodegroup:NAME, ip:ADDRESS, external:NAME, internet, controlplane, apiserver or aws:SERVICE"

    /// Parses endpoint text; the failure says what is wrong.
    public static func parse(_ text: String) -> Result<Endpoint, EndpointSyntaxError> {
        if text == "internet" { return .success(.internet) }
        if text == "controlplane" { return .success(.controlPlane) }
        if text == "apiserver" { return .success(.apiServer) }
        guard let colon = text.firstIndex(of: ":") else {
            return .failure(EndpointSyntaxError(message: "endpoint '\(echo: text)' has no kind prefix"))
        }
        let kind = Self.aliases[text[..<colon].lowercased()] ?? text[..<colon].lowercased()
        let rest = String(text[text.index(after: colon)...])
        func namespaced() -> (String, String)? {
            let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 1, !rest.isEmpty { return ("default", rest) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
            return (String(parts[0]), String(parts[1]))
        }
        func bad(_ what: String) -> Result<Endpoint, EndpointSyntaxError> {
            .failure(EndpointSyntaxError(message: "endpoint '\(echo: text)': \(what)"))
        }
        switch kind {
        case "pod", "deployment", "statefulset", "daemonset", "service", "ingress", "loadbalancer", "lb":
            guard let (ns, name) = namespaced() else { return bad("expected \(kind):NAMESPACE/NAME") }
            switch kind {
            case "pod": return .success(.pod(namespace: ns, name: name))
            case "deployment": return .success(.workload(kind: .deployment, namespace: ns, name: name))
            case "statefulset": return .success(.workload(kind: .statefulSet, namespace: ns, name: name))
            case "daemonset": return .success(.workload(kind: .daemonSet, namespace: ns, name: name))
            case "ingress": return .success(.ingress(namespace: ns, name: name))
            case "loadbalancer", "lb": return .success(.loadBalancer(namespace: ns, name: name))
            default: return .success(.service(namespace: ns, name: name))
            }
        case "node", "nodegroup", "external":
            guard !rest.isEmpty, !rest.contains("/") else { return bad("expected \(kind):NAME") }
            if kind == "node" { return .success(.node(rest)) }
            return .success(kind == "nodegroup" ? .nodeGroup(rest) : .external(rest))
        case "aws":
            guard !rest.isEmpty, !rest.contains("/"), !rest.contains(":"), rest.utf8.count <= 128 else {
                return bad("expected aws:SERVICE, e.g. aws:sts, aws:ecr.api, aws:ecr.dkr, aws:s3")
            }
            return .success(.aws(rest))
        case "ip":
            guard let a = IPAddress(rest) else { return bad("'\(echo: rest)' is not an IPv4 or IPv6 address") }
            return .success(.ip(a))
        default:
            return bad("unknown kind '\(echo: kind)'")
        }
    }

    /// kubectl's short names and plurals of the kinds (`kubectl api-resources`), and `lb`.
    public static let aliases: [String: String] = [
        "po": "pod", "pods": "pod", "deploy": "deployment", "deployments": "deployment",
        "sts": "statefulset", "statefulsets": "statefulset", "ds": "daemonset", "daemonsets": "daemonset",
        "svc": "service", "services": "service", "ing": "ingress", "ingresses": "ingress",
        "no": "node", "nodes": "node",
    ]

    public var description: String {
        switch self {
        case .pod(let ns, let n): return "pod:\(ns)/\(n)"
        case .workload(let k, let ns, let n): return "\(k.rawValue.lowercased()):\(ns)/\(n)"
        case .service(let ns, let n): return "service:\(ns)/\(n)"
        case .ingress(let ns, let n): return "ingress:\(ns)/\(n)"
        case .loadBalancer(let ns, let n): return "loadbalancer:\(ns)/\(n)"
        case .node(let n): return "node:\(n)"
        case .nodeGroup(let n): return "nodegroup:\(n)"
        case .ip(let a): return "ip:\(a)"
        case .external(let n): return "external:\(n)"
        case .internet: return "internet"
        case .controlPlane: return "controlplane"
        case .apiServer: return "apiserver"
        case .aws(let s): return "aws:\(s)"
        }
    }
}

/// Why an endpoint string did not parse.
public struct EndpointSyntaxError: Error, Hashable, Sendable {
    public var message: String
}
