/// The AWS Load Balancer Controller's reading of Services and Ingresses
/// (kubernetes-sigs/aws-load-balancer-controller v2.17.1, default flags and feature gates):
/// which objects it manages, the annotation values it accepts, and subnet discovery. One
/// implementation, used by `netsim check` to report what the controller would refuse and by
/// the tracer to build the load balancers it would create.
public enum LBC {
    public static let version = "v2.17.1"
    public static let serviceClass = "service.k8s.aws/nlb"
    public static let ingressController = "ingress.k8s.aws/alb"
    public static let svcPrefix = "service.beta.kubernetes.io/"
    public static let albPrefix = "alb.ingress.kubernetes.io/"

    public enum Scheme: String, Sendable { case `internal`, internetFacing = "internet-facing" }
    public enum TargetType: String, Sendable { case ip, instance }

    /// Who provisions a Service's load balancer.
    public enum ServiceOwner: Sendable, Equatable {
        /// Not of type LoadBalancer.
        case none
        /// The controller, with the target type it would use; `implicit` when only its
        /// mutating webhook made the Service its own (no class, no type annotation).
        case controller(TargetType, implicit: Bool)
        /// Another controller's `loadBalancerClass`.
        case otherClass(String)
    }

    /// The controller's mutating webhook (on by default) gives every new `type: LoadBalancer`
    /// Service without a `loadBalancerClass` the class `service.k8s.aws/nlb`
    /// (`webhooks/core/service_mutator.go`), whatever its annotations say — so the in-tree
    /// cloud provider's Classic Load Balancer and legacy NLB never apply to it. The target type
    /// is `ip` for `nlb-target-type: ip` or the legacy `aws-load-balancer-type: nlb-ip`, else
    /// instance.
    public static func owner(of svc: Service) -> ServiceOwner {
        guard svc.type == .LoadBalancer else { return .none }
        let a = svc.meta.annotations
        let type = a[svcPrefix + "aws-load-balancer-type"]
        let tt = a[svcPrefix + "aws-load-balancer-nlb-target-type"]
        let target: TargetType = (type == "nlb-ip" || tt == "ip") ? .ip : .instance
        if let cls = svc.loadBalancerClass {
            return cls == serviceClass ? .controller(target, implicit: false) : .otherClass(cls)
        }
        let explicit = type == "nlb-ip" || (type == "external" && (tt == "ip" || tt == "instance"))
        return .controller(target, implicit: !explicit)
    }

    /// An IngressClass `alb`-style Ingress: `kubernetes.io/ingress.class: alb` (which wins), else
    /// an IngressClass whose controller is `ingress.k8s.aws/alb` (the Helm chart's class `alb`
    /// when the manifests define none).
    public static func manages(_ ing: Ingress, in k: KubernetesObjects) -> Bool {
        if let c = ing.meta.annotations["kubernetes.io/ingress.class"] { return c == "alb" }
        guard let name = ing.ingressClassName else {
            // No class: the IngressClass marked as the cluster's default (class_loader.go).
            return k.ingressClasses.first { $0.meta.annotations["ingressclass.kubernetes.io/is-default-class"] == "true" }?.controller == ingressController
        }
        if let cls = k.ingressClasses.first(where: { $0.meta.name == name }) { return cls.controller == ingressController }
        return name == "alb"
    }

    /// A Service's scheme: `aws-load-balancer-scheme`, else the legacy boolean
    /// `aws-load-balancer-internal`, else internal (the default since v2.2.0). The failure is
    /// the controller's complaint and the annotation at fault.
    public static func scheme(of svc: Service) -> Result<Scheme, AnnotationError> {
        let a = svc.meta.annotations
        if let s = a[svcPrefix + "aws-load-balancer-scheme"] {
            guard let v = Scheme(rawValue: s) else {
                return .failure(AnnotationError(key: svcPrefix + "aws-load-balancer-scheme", message: "the controller refuses aws-load-balancer-scheme '\(echo: s)' (unknown scheme)"))
            }
            return .success(v)
        }
        if let legacy = a[svcPrefix + "aws-load-balancer-internal"] {
            guard let b = Strconv.parseBool(legacy) else {
                return .failure(AnnotationError(key: svcPrefix + "aws-load-balancer-internal", message: "aws-load-balancer-internal '\(echo: legacy)' is not a boolean (the controller fails to parse it)"))
            }
            return .success(b ? .internal : .internetFacing)
        }
        return .success(.internal)
    }

    /// An annotation the controller refuses, and why.
    public struct AnnotationError: Error, Sendable {
        public var key: String
        public var message: String
    }

    /// An IngressGroup name: at most 63 characters of a-z, 0-9, '-' and '.', starting and
    /// ending with a letter or digit.
    public static func isGroupName(_ g: String) -> Bool {
        let b = Array(g.utf8)
        guard b.count <= 63, let f = b.first, let l = b.last else { return false }
        func alnum(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) }
        return alnum(f) && alnum(l) && b.allSatisfy { alnum($0) || $0 == 0x2D || $0 == 0x2E }
    }

    /// `listen-ports` as the controller reads it: a JSON list of objects mapping HTTP or HTTPS
    /// to a port of 1–65535.
    public static func parseListenPorts(_ raw: String) -> Result<[(proto: String, port: Int)], ListenPortsError> {
        let value: JSONValue
        switch JSONValue.parse(raw) {
        case .failure(let e): return .failure(.init("failed to parse listen-ports configuration: `\(echo: raw)`: \(e)"))
        case .success(let v): value = v
        }
        guard let list = value.array else { return .failure(.init("failed to parse listen-ports configuration: `\(echo: raw)`: not a JSON list")) }
        if list.isEmpty { return .failure(.init("empty listen-ports configuration: `\(echo: raw)`")) }
        var out: [(proto: String, port: Int)] = []
        for entry in list {
            // Go decodes each entry into a map[string]int64: a repeated key keeps its last value.
            guard let members = entry.mapMembers else { return .failure(.init("failed to parse listen-ports configuration: `\(echo: raw)`: each entry must be an object")) }
            for (key, v) in members {
                let port: Int
                switch v {
                case .number(let d) where abs(d) < 1e15: port = Int(d)
                case .number:
                    return .failure(.init("failed to parse listen-ports configuration: `\(echo: raw)`: the port of \(key) is out of range: listen ports are 1–65535"))
                case .fraction(let text):
                    return .failure(.init("failed to parse listen-ports configuration: `\(echo: raw)`: the port of \(key) must be a whole number 1–65535, not \(text)"))
                default:
                    return .failure(.init("failed to parse listen-ports configuration: `\(echo: raw)`: the port of \(key) must be a number (not a string)"))
                }
                guard key == "HTTP" || key == "HTTPS" else { return .failure(.init("listen protocol must be within [HTTP, HTTPS]: \(key)")) }
                guard (1...65535).contains(port) else { return .failure(.init("listen port must be within [1, 65535]: \(port)")) }
                out.append((key, port))
            }
        }
        return .success(out)
    }

    public struct ListenPortsError: Error, CustomStringConvertible, Sendable {
        public var description: String
        init(_ d: String) { description = d }
    }

    /// `key=value,key=value` annotations (target-group and load-balancer attributes), as the
    /// controller's annotation parser splits them: entries without '=' are refused.
    public static func parseAttributes(_ raw: String) -> Result<[String: String], ListenPortsError> {
        var out: [String: String] = [:]
        for part in raw.split(separator: ",", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(kv[0]).trimmed
            guard kv.count == 2, !key.isEmpty else { return .failure(.init("failed to parse stringMap annotation, \(raw)")) }
            out[key] = String(kv[1]).trimmed
        }
        return .success(out)
    }

    /// A comma-separated list, spaces trimmed, empty entries dropped.
    public static func list(_ raw: String) -> [String] {
        raw.split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
    }

    // MARK: subnets

    /// The subnets the controller discovers for a scheme.
    public struct SubnetDiscovery: Sendable {
        /// One per zone, in zone order: subnets tagged for this cluster first, then the lowest
        /// subnet ID.
        public var chosen: [Subnet]
        /// Every subnet that qualified before the one-per-zone choice.
        public var candidates: [Subnet]
        /// How the controller found them, in words.
        public var how: String
        /// Subnets left out because they are tagged for other clusters.
        public var otherClusters: Int
        public var zones: Int { Set(chosen.map(\.zone)).count }
    }

    /// Subnet auto-discovery (`pkg/networking/subnet_resolver.go`): the role tag
    /// (`kubernetes.io/role/elb` for internet-facing, `…/internal-elb` for internal, value `1` or
    /// empty); when no subnet of the VPC has it, the subnets whose route table reaches (or does
    /// not reach) an internet gateway; subnets tagged `kubernetes.io/cluster/<other>` and not for
    /// this cluster are left out; one subnet per zone.
    public static func discoverSubnets(scheme: Scheme, vpc: VPC, cluster: String?, eligible: (Subnet) -> Bool = { _ in true }) -> SubnetDiscovery {
        let role = scheme == .internetFacing ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"
        let mine = cluster.map { "kubernetes.io/cluster/\($0)" }
        let tagged = vpc.subnets.filter { s in s.tags.contains { $0.key == role && ($0.value == "1" || $0.value.isEmpty) } }
        var candidates: [Subnet]
        let how: String
        if tagged.isEmpty {
            candidates = vpc.subnets.filter { isPublic($0, vpc) == (scheme == .internetFacing) }
            how = "no subnet has the tag \(role), so the controller falls back to the \(scheme == .internetFacing ? "public" : "private") subnets (by their route to an internet gateway)"
        } else {
            candidates = tagged
            how = "the controller uses the subnets tagged \(role)"
        }
        var others = 0
        candidates = candidates.filter(eligible).filter { s in
            let clusterTags = s.tags.filter { $0.key.hasPrefix("kubernetes.io/cluster/") }
            if clusterTags.isEmpty || clusterTags.contains(where: { $0.key == mine }) { return true }
            others += 1
            return false
        }
        var byZone: [String: Subnet] = [:]
        for s in candidates {
            guard let cur = byZone[s.zone] else { byZone[s.zone] = s; continue }
            let a = s.tags.contains { $0.key == mine }, b = cur.tags.contains { $0.key == mine }
            if a != b ? a : s.id < cur.id { byZone[s.zone] = s }
        }
        let chosen = byZone.keys.sorted().compactMap { byZone[$0] }
        return SubnetDiscovery(chosen: chosen, candidates: candidates, how: how, otherClusters: others)
    }

    /// Subnets named by the `subnets` annotation (IDs or Name tags, which netsim matches against
    /// subnet names), in zone order.
    public static func namedSubnets(_ raw: String, vpc: VPC) -> (found: [Subnet], unknown: [String]) {
        var found: [Subnet] = [], unknown: [String] = []
        for n in list(raw) {
            if let s = vpc.subnets.first(where: { $0.id == n || $0.name == n }) { found.append(s) } else { unknown.append(n) }
        }
        return (found.sorted { ($0.zone, $0.id) < ($1.zone, $1.id) }, unknown)
    }

    public static func isPublic(_ s: Subnet, _ vpc: VPC) -> Bool {
        guard let rt = vpc.routeTable(for: s) else { return false }
        return rt.routes.contains { if case .internetGateway = $0.target { return true }; return false }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmed: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
