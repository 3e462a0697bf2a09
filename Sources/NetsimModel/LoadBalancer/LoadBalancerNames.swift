/// The names, ARNs and DNS names the AWS Load Balancer Controller and ELB give what they
/// create, as netsim derives them: the controller's own name patterns over SHA-256 of the
/// object's identity, and, for what AWS generates (ARN suffixes, DNS name digits, object UIDs),
/// seeded hashes so the same file gives the same names everywhere. The realizer names load
/// balancers with these and the tracer's builder its target groups and security groups.
public struct LoadBalancerNames: Sendable {
    public let seed: UInt64
    public let region: String
    public let account: String
    public let cluster: String

    public init(_ t: Topology, cluster: String) {
        seed = t.seed; region = t.region; account = t.accountID; self.cluster = cluster
    }

    public static func alnum(_ s: String) -> String {
        String(s.unicodeScalars.filter { ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") }.map(Character.init))
    }
    public static func hash(_ parts: [String]) -> String { SHA256.hex(SHA256.hash(Array(parts.joined().utf8))) }
    /// `k8s-%.8s-%.8s-%.10s`, as the controller names load balancers, groups and target groups.
    public static func name(_ ns: String, _ name: String, _ hash: String) -> String {
        "k8s-\(alnum(ns).prefix(8))-\(alnum(name).prefix(8))-\(hash.prefix(10))"
    }
    /// A stable stand-in for an object's UID (the API server's random UUID).
    public func uid(_ kind: String, _ ns: String, _ name: String) -> String {
        let a = StableHash.fnv1a("uid/\(kind)/\(ns)/\(name)", seed: seed), b = StableHash.fnv1a("uid2/\(kind)/\(ns)/\(name)", seed: seed)
        let h = String(a, radix: 16).leftPad(16) + String(b, radix: 16).leftPad(16)
        let c = Array(h)
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-4\(String(c[13..<16]))-a\(String(c[17..<20]))-\(String(c[20..<32]))"
    }
    public func hex(_ key: String, _ n: Int) -> String {
        var s = ""
        var k = 0
        while s.count < n { s += String(StableHash.fnv1a("\(key)/\(k)", seed: seed), radix: 16).leftPad(16); k += 1 }
        return String(s.prefix(n))
    }
    public func digits(_ key: String, _ n: Int) -> String {
        var s = ""
        var k = 0
        while s.count < n { s += String(StableHash.fnv1a("\(key)/\(k)", seed: seed) % 10_000_000_000).leftPad(10, "0"); k += 1 }
        return String(s.prefix(n))
    }

    /// The controller's name for a Service's NLB (when no `aws-load-balancer-name` is given).
    public func networkLoadBalancer(_ svc: Service, scheme: LBC.Scheme) -> String {
        let ns = svc.meta.namespace, n = svc.meta.name
        return Self.name(ns, n, Self.hash([cluster, uid("Service", ns, n), scheme.rawValue]))
    }

    /// The controller's name for an IngressGroup's ALB (when no member gives `load-balancer-name`).
    public func applicationLoadBalancer(_ g: IngressGroup, scheme: LBC.Scheme) -> String {
        let hash = Self.hash([cluster, g.id, scheme.rawValue])
        guard let first = g.ordered.first else { return "" }
        return g.name.map { "k8s-\(Self.alnum($0).prefix(17))-\(hash.prefix(10))" } ?? Self.name(first.meta.namespace, first.meta.name, hash)
    }

    /// The cluster's shared backend security group (`k8s-traffic-<cluster>-<hash>`).
    public var backendGroup: String { "k8s-traffic-\(Self.alnum(cluster).prefix(232))-\(Self.hash([cluster]).prefix(10))" }
    /// The managed frontend security group of a Service's NLB.
    public func managedGroup(_ svc: Service) -> String {
        let ns = svc.meta.namespace, n = svc.meta.name
        return Self.name(ns, n, Self.hash([cluster, n, ns, uid("Service", ns, n)]))
    }
    /// The managed frontend security group of an IngressGroup's ALB.
    public func managedGroup(_ g: IngressGroup) -> String {
        let h = Self.hash([cluster, g.id])
        guard let first = g.ordered.first else { return "" }
        return g.name.map { "k8s-\(Self.alnum($0).prefix(17))-\(h.prefix(10))" } ?? Self.name(first.meta.namespace, first.meta.name, h)
    }
    /// The groups a load balancer's nodes are members of: the groups the annotation names
    /// (found by ID or name; the backend group too when the controller manages backend rules),
    /// else the managed frontend group and the shared backend group.
    public func securityGroups(custom: [String]?, manageBackendRules: Bool, managed: String, vpc: VPC) -> [String] {
        guard let custom else { return [managed, backendGroup] }
        return custom.compactMap { id in vpc.securityGroups.first { $0.id == id || $0.name == id }?.name } + (manageBackendRules ? [backendGroup] : [])
    }

    public func arn(_ kind: LoadBalancer.Kind, _ name: String) -> String {
        "arn:aws:elasticloadbalancing:\(region):\(account):loadbalancer/\(kind.short)/\(name)/\(hex("arn/" + name, 16))"
    }
    public func targetGroupARN(_ name: String) -> String {
        "arn:aws:elasticloadbalancing:\(region):\(account):targetgroup/\(name)/\(hex("tg/" + name, 16))"
    }
    /// `name-<16 hex>.elb.<region>.amazonaws.com` (NLB); `[internal-]name-<10 digits>.<region>.elb.amazonaws.com` (ALB).
    public func dnsName(_ kind: LoadBalancer.Kind, _ name: String, scheme: LBC.Scheme) -> String {
        kind == .network ? "\(name)-\(hex("dns/" + name, 16)).elb.\(region).amazonaws.com"
            : "\(scheme == .internal ? "internal-" : "")\(name)-\(digits("dns/" + name, 10)).\(region).elb.amazonaws.com"
    }
}

/// An IngressGroup as the controller forms it: the Ingresses with the same valid `group.name`,
/// or one Ingress alone.
public struct IngressGroup: Sendable {
    /// `group:NAME` for an explicit group, else `namespace/name` of the Ingress.
    public var key: String
    /// The explicit group's name.
    public var name: String?
    /// The group's ID in the controller's hashes: its name, or `namespace/name`.
    public var id: String { name ?? key }
    /// The members in manifest order.
    public var members: [Ingress]
    /// The members in the controller's order: `group.order` (default 0), then namespace/name.
    public var ordered: [Ingress] {
        members.sorted { a, b in
            let oa = Int(a.meta.annotations[LBC.albPrefix + "group.order"] ?? "0") ?? 0, ob = Int(b.meta.annotations[LBC.albPrefix + "group.order"] ?? "0") ?? 0
            return oa != ob ? oa < ob : "\(a.meta.namespace)/\(a.meta.name)" < "\(b.meta.namespace)/\(b.meta.name)"
        }
    }
}

extension LBC {
    /// The controller's IngressGroups (`pkg/ingress/group_loader.go`), by key: every Ingress it
    /// manages, grouped by a valid `group.name` (an invalid name leaves the Ingress alone; `check`
    /// reports it). The one grouping `check`, the realizer and the builder use.
    public static func ingressGroups(_ k: KubernetesObjects) -> [IngressGroup] {
        var groups: [String: IngressGroup] = [:]
        for ing in k.ingresses where manages(ing, in: k) {
            var key = "\(ing.meta.namespace)/\(ing.meta.name)"
            var name: String? = nil
            if let g = ing.meta.annotations[albPrefix + "group.name"], isGroupName(g) { key = "group:" + g; name = g }
            groups[key, default: IngressGroup(key: key, name: name, members: [])].members.append(ing)
        }
        return groups.keys.sorted().compactMap { groups[$0] }
    }

    /// Whether the controller builds any load balancer for these objects.
    public static func wanted(_ k: KubernetesObjects) -> Bool {
        k.services.contains { if case .controller = owner(of: $0) { return true }; return false } || k.ingresses.contains { manages($0, in: k) }
    }
}

extension AWSID {
    /// A public IPv4 address for something named (an instance, a NAT gateway, a load balancer
    /// node): stable per name and seed, from 54.64.0.0/9.
    public static func publicAddress(_ name: String, seed: UInt64) -> IPv4Address {
        let h = StableHash.fnv1a("public/" + name, seed: seed)
        return IPv4Address(54, UInt8(truncatingIfNeeded: 64 + (h % 128)), UInt8(truncatingIfNeeded: h >> 8), UInt8(truncatingIfNeeded: 1 + (h >> 16) % 254))
    }
}

extension String {
    func leftPad(_ n: Int, _ c: Character = "0") -> String { count >= n ? self : String(repeating: c, count: n - count) + self }
}
