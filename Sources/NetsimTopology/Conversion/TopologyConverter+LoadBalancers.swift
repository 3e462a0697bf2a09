import NetsimModel

/// What the AWS Load Balancer Controller (kubernetes-sigs/aws-load-balancer-controller
/// v2.17.1, default flags and feature gates) refuses or silently ignores in the Services and
/// Ingresses it would manage, reported where the manifest says it:
///
/// - which objects are the controller's (`IsServiceSupported`, `classifyIngress`);
/// - annotation values it rejects (`unknown scheme`, `unknown targetType`, the legacy
///   `aws-load-balancer-internal` bool, listen-ports, group names and orders);
/// - settings an IngressGroup's members disagree on (`conflicting scheme`, listen-port
///   protocols);
/// - subnet auto-discovery for the scheme (`pkg/networking/subnet_resolver.go`): the role tag
///   (`kubernetes.io/role/elb` or `…/internal-elb`, value `1` or empty), subnets tagged for
///   another cluster left out, the fallback by reachability when no subnet of the VPC has the
///   role tag (public subnets, with a route to an internet gateway, for internet-facing), one
///   subnet per zone, and at least 2 zones for an ALB, 1 for an NLB.
///
/// Not checked here: each subnet's free addresses (the controller wants 8), known only once
/// the cluster is realized.
extension TopologyConverter {
    static let lbcServiceClass = "service.k8s.aws/nlb"
    static let lbcIngressController = "ingress.k8s.aws/alb"
    static let svcPrefix = "service.beta.kubernetes.io/"
    static let albPrefix = "alb.ingress.kubernetes.io/"

    enum LBScheme: String { case `internal`, internetFacing = "internet-facing" }

    func validateLoadBalancers(_ t: Topology) {
        let k = t.kubernetes
        guard let vpc = t.primaryVPC else { return }
        for svc in k.services { validateLBCService(svc, t: t, vpc: vpc) }
        // Ingresses of the controller, by IngressGroup (an explicit group, or the Ingress alone).
        var groups: [String: [Ingress]] = [:]
        var order: [String] = []
        for ing in k.ingresses where isLBCIngress(ing, k) {
            let ctx = "Ingress \(ing.meta.namespace)/\(ing.meta.name)"
            let a = ing.meta.annotations
            var key = "\(ing.meta.namespace)/\(ing.meta.name)"
            if let g = a[Self.albPrefix + "group.name"] {
                if g.count > 63 || !Self.isGroupName(g) {
                    reporter.error(.lbAnnotation, "\(ctx): group.name '\(g)' is not a valid IngressGroup name", at: ing.meta.location(ofAnnotation: Self.albPrefix + "group.name"),
                                   hint: "the controller wants at most 63 characters of a-z, 0-9, '-' and '.', starting and ending with a letter or digit")
                } else {
                    key = "group:" + g
                }
            }
            if let o = a[Self.albPrefix + "group.order"], !(Int(o).map { (-1000...1000).contains($0) } ?? false) {
                reporter.error(.lbAnnotation, "\(ctx): group.order '\(o)' is not a whole number within [-1000, 1000]", at: ing.meta.location(ofAnnotation: Self.albPrefix + "group.order"),
                               hint: "lower orders come first; the default is 0")
            }
            if let tt = a[Self.albPrefix + "target-type"], tt != "ip", tt != "instance" {
                reporter.error(.lbAnnotation, "\(ctx): the controller refuses target-type '\(tt)' (unknown targetType)", at: ing.meta.location(ofAnnotation: Self.albPrefix + "target-type"),
                               hint: "use \"ip\" (targets are pod addresses) or \"instance\" (targets are nodes on the Service's NodePort)")
            }
            if let raw = a[Self.albPrefix + "listen-ports"] {
                switch Self.parseListenPorts(raw) {
                case .failure(let why):
                    reporter.error(.lbListenPorts, "\(ctx): \(why)", at: ing.meta.location(ofAnnotation: Self.albPrefix + "listen-ports"),
                                   hint: "write a JSON list such as '[{\"HTTP\": 80}, {\"HTTPS\": 443}]'")
                case .success: break
                }
            }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(ing)
        }
        for key in order {
            let members = groups[key] ?? []
            var schemes: [String: Ingress] = [:]
            var valid: LBScheme? = nil
            for ing in members {
                let value = ing.meta.annotations[Self.albPrefix + "scheme"] ?? "internal"
                if let s = LBScheme(rawValue: value) { valid = s } else {
                    reporter.error(.lbAnnotation, "Ingress \(ing.meta.namespace)/\(ing.meta.name): the controller refuses scheme '\(value)' (unknown scheme)",
                                   at: ing.meta.location(ofAnnotation: Self.albPrefix + "scheme"), hint: "use \"internet-facing\" or \"internal\" (the default)")
                }
                if schemes[value] == nil { schemes[value] = ing }
            }
            let members2 = members.map { "\($0.meta.namespace)/\($0.meta.name)" }.joined(separator: ", ")
            if schemes.count > 1, let last = members.last {
                reporter.error(.lbGroupConflict, "IngressGroup \(key.hasPrefix("group:") ? String(key.dropFirst(6)) : key) (\(members2)) has conflicting schemes \(schemes.keys.sorted().joined(separator: " and ")): the controller builds no ALB for any of them",
                               at: last.meta.location(ofAnnotation: Self.albPrefix + "scheme"), hint: "give every Ingress of the group the same alb.ingress.kubernetes.io/scheme")
                continue
            }
            // Listen ports: the same port with two protocols across the group.
            var protocols: [Int: (String, Ingress)] = [:]
            for ing in members {
                guard case .success(let ports) = Self.parseListenPorts(ing.meta.annotations[Self.albPrefix + "listen-ports"] ?? "[{\"HTTP\": 80}]") else { continue }
                for (proto, port) in ports {
                    if let (other, first) = protocols[port], other != proto {
                        reporter.error(.lbGroupConflict, "IngressGroup \(key.hasPrefix("group:") ? String(key.dropFirst(6)) : key): port \(port) is \(other) on \(first.meta.namespace)/\(first.meta.name) but \(proto) on \(ing.meta.namespace)/\(ing.meta.name) (conflicting protocol)",
                                       at: ing.meta.location(ofAnnotation: Self.albPrefix + "listen-ports"), hint: "use one protocol per port across the group")
                    } else if protocols[port] == nil {
                        protocols[port] = (proto, ing)
                    }
                }
            }
            if let scheme = valid, let first = members.first, first.meta.annotations[Self.albPrefix + "subnets"] == nil {
                checkSubnets(for: "the ALB of Ingress \(first.meta.namespace)/\(first.meta.name)", scheme: scheme, minimum: 2, t: t, vpc: vpc,
                             at: first.meta.location(ofAnnotation: Self.albPrefix + "scheme"))
            }
        }
    }

    /// The controller's Services: class `service.k8s.aws/nlb`, type `nlb-ip`, or `external` with
    /// a target type; and, through its mutating webhook (on by default), any new
    /// `type: LoadBalancer` Service without a class.
    func validateLBCService(_ svc: Service, t: Topology, vpc: VPC) {
        let ctx = "Service \(svc.meta.namespace)/\(svc.meta.name)"
        let a = svc.meta.annotations
        let type = a[Self.svcPrefix + "aws-load-balancer-type"]
        let targetType = a[Self.svcPrefix + "aws-load-balancer-nlb-target-type"]
        let hasLBCAnnotations = a.keys.contains { $0.hasPrefix(Self.svcPrefix + "aws-load-balancer-") }
        let managed: Bool
        if let cls = svc.loadBalancerClass {
            managed = cls == Self.lbcServiceClass
            if !managed && (type == "external" || type == "nlb-ip") {
                reporter.warning(.lbIgnored, "\(ctx) has loadBalancerClass '\(cls)', so the AWS Load Balancer Controller ignores its aws-load-balancer-type annotation", at: svc.meta.location,
                                 hint: "drop the class, or set loadBalancerClass: \(Self.lbcServiceClass)")
            }
        } else if type == "nlb-ip" || (type == "external" && (targetType == "ip" || targetType == "instance")) {
            managed = true
        } else if type == "external" {
            reporter.warning(.lbIgnored, "\(ctx) sets aws-load-balancer-type: external without an nlb-target-type of ip or instance\(targetType.map { " (it says '\($0)')" } ?? ""), so the controller does not take it by annotation",
                             at: svc.meta.location(ofAnnotation: Self.svcPrefix + "aws-load-balancer-nlb-target-type"),
                             hint: "add service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip (or instance)")
            managed = svc.type == .LoadBalancer
        } else {
            managed = svc.type == .LoadBalancer && (hasLBCAnnotations || type == nil)
        }
        guard managed, svc.type == .LoadBalancer else { return }
        if let tt = targetType, tt != "ip", tt != "instance" {
            reporter.warning(.lbAnnotation, "\(ctx): nlb-target-type '\(tt)' is not ip or instance; the controller quietly uses instance", at: svc.meta.location(ofAnnotation: Self.svcPrefix + "aws-load-balancer-nlb-target-type"),
                             hint: "write ip or instance")
        }
        var scheme: LBScheme = .internal
        if let s = a[Self.svcPrefix + "aws-load-balancer-scheme"] {
            guard let v = LBScheme(rawValue: s) else {
                reporter.error(.lbAnnotation, "\(ctx): the controller refuses aws-load-balancer-scheme '\(s)' (unknown scheme)", at: svc.meta.location(ofAnnotation: Self.svcPrefix + "aws-load-balancer-scheme"),
                               hint: "use \"internet-facing\" or \"internal\" (the default)")
                return
            }
            scheme = v
        } else if let legacy = a[Self.svcPrefix + "aws-load-balancer-internal"] {
            guard let b = Self.goBool(legacy) else {
                reporter.error(.lbAnnotation, "\(ctx): aws-load-balancer-internal '\(legacy)' is not a boolean (the controller fails to parse it)", at: svc.meta.location(ofAnnotation: Self.svcPrefix + "aws-load-balancer-internal"),
                               hint: "write \"true\" or \"false\", or use aws-load-balancer-scheme")
                return
            }
            scheme = b ? .internal : .internetFacing
        }
        if a[Self.svcPrefix + "aws-load-balancer-subnets"] == nil {
            checkSubnets(for: "the NLB of \(ctx)", scheme: scheme, minimum: 1, t: t, vpc: vpc,
                         at: svc.meta.location(ofAnnotation: Self.svcPrefix + "aws-load-balancer-scheme"))
        }
    }

    /// The controller's Ingresses: `kubernetes.io/ingress.class: alb` (which wins), else an
    /// IngressClass whose controller is `ingress.k8s.aws/alb`.
    func isLBCIngress(_ ing: Ingress, _ k: KubernetesObjects) -> Bool {
        if let c = ing.meta.annotations["kubernetes.io/ingress.class"] { return c == "alb" }
        guard let name = ing.ingressClassName else { return false }
        if let cls = k.ingressClasses.first(where: { $0.meta.name == name }) { return cls.controller == Self.lbcIngressController }
        return name == "alb"   // the class the controller's Helm chart installs
    }

    /// Subnet auto-discovery as the controller does it; an error when too few zones qualify.
    func checkSubnets(for what: String, scheme: LBScheme, minimum: Int, t: Topology, vpc: VPC, at loc: SourceLocation) {
        let role = scheme == .internetFacing ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"
        let cluster = t.cluster.map { "kubernetes.io/cluster/\($0.name)" }
        let tagged = vpc.subnets.filter { s in s.tags.contains { $0.key == role && ($0.value == "1" || $0.value.isEmpty) } }
        var candidates: [Subnet]
        var how: String
        if tagged.isEmpty {
            // The fallback by reachability (v2.13+): public subnets for internet-facing.
            candidates = vpc.subnets.filter { isPublic($0, vpc) == (scheme == .internetFacing) }
            how = "no subnet has the tag \(role), so the controller falls back to the \(scheme == .internetFacing ? "public" : "private") subnets (by their route to an internet gateway)"
        } else {
            candidates = tagged
            how = "the controller uses the subnets tagged \(role)"
        }
        var otherCluster = 0
        candidates = candidates.filter { s in
            let clusterTags = s.tags.filter { $0.key.hasPrefix("kubernetes.io/cluster/") }
            if clusterTags.isEmpty || clusterTags.contains(where: { $0.key == cluster }) { return true }
            otherCluster += 1
            return false
        }
        let zones = Set(candidates.map(\.zone))
        if zones.count < minimum {
            let found = candidates.isEmpty ? "none qualifies\(otherCluster > 0 ? " (\(otherCluster) tagged for other clusters)" : "")" : "they cover \(zones.count) zone\(zones.count == 1 ? "" : "s") (\(zones.sorted().joined(separator: ", ")))"
            reporter.error(.lbNoSubnets, "\(what) cannot be placed: \(how), and \(found); it needs \(minimum) zone\(minimum == 1 ? "" : "s")",
                           at: loc, hint: scheme == .internetFacing
                               ? "tag public subnets in \(minimum == 1 ? "a zone" : "\(minimum) zones") with kubernetes.io/role/elb: \"1\", or name them with the subnets annotation"
                               : "tag private subnets in \(minimum == 1 ? "a zone" : "\(minimum) zones") with kubernetes.io/role/internal-elb: \"1\", or name them with the subnets annotation")
        }
    }

    func isPublic(_ s: Subnet, _ vpc: VPC) -> Bool {
        guard let rt = vpc.routeTable(for: s) else { return false }
        return rt.routes.contains { if case .internetGateway = $0.target { return true }; return false }
    }

    static func isGroupName(_ g: String) -> Bool {
        let b = Array(g.utf8)
        guard let f = b.first, let l = b.last else { return false }
        func alnum(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) }
        return alnum(f) && alnum(l) && b.allSatisfy { alnum($0) || $0 == 0x2D || $0 == 0x2E }
    }

    static func goBool(_ s: String) -> Bool? {
        switch s {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: return nil
        }
    }

    /// `listen-ports` as the controller reads it: a JSON list of objects mapping HTTP or HTTPS
    /// to a port of 1–65535.
    static func parseListenPorts(_ raw: String) -> Result<[(String, Int)], ListenPortsError> {
        var p = JSONScanner(Array(raw.utf8))
        var out: [(String, Int)] = []
        guard p.skip("[") else { return .failure(.init("failed to parse listen-ports configuration: `\(raw)`: not a JSON list")) }
        if p.skip("]") { return .failure(.init("empty listen-ports configuration: `\(raw)`")) }
        repeat {
            guard p.skip("{") else { return .failure(.init("failed to parse listen-ports configuration: `\(raw)`: each entry must be an object")) }
            repeat {
                guard let key = p.string() else { return .failure(.init("failed to parse listen-ports configuration: `\(raw)`: expected a quoted protocol")) }
                guard p.skip(":"), let port = p.integer() else {
                    return .failure(.init("failed to parse listen-ports configuration: `\(raw)`: the port of \(key) must be a number (not a string)"))
                }
                guard key == "HTTP" || key == "HTTPS" else { return .failure(.init("listen protocol must be within [HTTP, HTTPS]: \(key)")) }
                guard (1...65535).contains(port) else { return .failure(.init("listen port must be within [1, 65535]: \(port)")) }
                out.append((key, port))
            } while p.skip(",")
            guard p.skip("}") else { return .failure(.init("failed to parse listen-ports configuration: `\(raw)`: unterminated object")) }
        } while p.skip(",")
        guard p.skip("]"), p.atEnd else { return .failure(.init("failed to parse listen-ports configuration: `\(raw)`: unterminated list")) }
        return .success(out)
    }

    struct ListenPortsError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// Just enough JSON for listen-ports: punctuation, quoted strings, integers.
    struct JSONScanner {
        var b: [UInt8]
        var i = 0
        init(_ b: [UInt8]) { self.b = b }
        mutating func space() { while i < b.count, [0x20, 0x09, 0x0A, 0x0D].contains(b[i]) { i += 1 } }
        mutating func skip(_ c: Character) -> Bool {
            space()
            guard i < b.count, let a = c.asciiValue, b[i] == a else { return false }
            i += 1
            return true
        }
        mutating func string() -> String? {
            space()
            guard i < b.count, b[i] == 0x22 else { return nil }
            i += 1
            let start = i
            while i < b.count, b[i] != 0x22 { i += 1 }
            guard i < b.count else { return nil }
            defer { i += 1 }
            return String(decoding: b[start..<i], as: UTF8.self)
        }
        mutating func integer() -> Int? {
            space()
            let start = i
            if i < b.count, b[i] == 0x2D { i += 1 }
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39, i - start < 12 { i += 1 }
            return Int(String(decoding: b[start..<i], as: UTF8.self))
        }
        var atEnd: Bool { mutating get { space(); return i == b.count } }
    }
}
