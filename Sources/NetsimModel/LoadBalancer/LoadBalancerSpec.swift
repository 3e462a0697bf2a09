/// The load balancers the AWS Load Balancer Controller would build, read from the manifests'
/// annotations once, as typed values with the places they are written: an NLB spec per
/// LoadBalancer Service it owns, an ALB spec per IngressGroup. The converter reads them (and
/// `netsim check` reports `issues`); the realizer and the tracer's builder take the same values
/// from `Topology.loadBalancerSpecs`, so no annotation string is parsed twice.
public struct LoadBalancerSpecs: Sendable {
    public var networkLoadBalancers: [NLBSpec] = []
    public var applicationLoadBalancers: [ALBSpec] = []
    /// Target-group settings Services set with `alb.ingress.kubernetes.io/` annotations (they
    /// win over the Ingress's), by `namespace/name`.
    public var albServiceTargets: [String: ALBSpec.TargetSettings] = [:]
    /// What the controller refuses in the annotations read, where it is written.
    public var issues: [Issue] = []

    public struct Issue: Sendable {
        public var key: String
        public var message: String
        public var location: SourceLocation
        public var hint: String
        /// Something netsim does not model, or the controller ignores: a warning, not an error.
        public var warning = false
        /// The controller fails to build the whole load balancer (IngressGroup or Service) for it.
        public var failsBuild: Bool { !warning }
    }

    public init() {}

    /// An Ingress's own settings, from its group's spec.
    public func member(_ ing: Ingress) -> ALBSpec.Member? {
        let key = "\(ing.meta.namespace)/\(ing.meta.name)"
        return applicationLoadBalancers.lazy.compactMap { $0.members[key] }.first
    }

    /// The target-group settings of a backend: the Service's `alb.ingress.kubernetes.io/`
    /// annotations where it has them, else the Ingress's.
    public func targetSettings(service svc: Service, ingress ing: Ingress) -> ALBSpec.TargetSettings {
        let own = member(ing)?.targets ?? ALBSpec.TargetSettings()
        return albServiceTargets["\(svc.meta.namespace)/\(svc.meta.name)"].map { $0.over(own) } ?? own
    }

    public func network(for svc: Service) -> NLBSpec? {
        networkLoadBalancers.first { $0.service.meta.namespace == svc.meta.namespace && $0.service.meta.name == svc.meta.name }
    }

    /// Reads every Service and IngressGroup of the controller.
    public static func read(_ k: KubernetesObjects) -> LoadBalancerSpecs {
        var out = LoadBalancerSpecs()
        for svc in k.services {
            guard case .controller(let tt, let implicit) = LBC.owner(of: svc) else { continue }
            out.networkLoadBalancers.append(out.nlb(svc, targetType: tt, implicit: implicit))
        }
        for g in LBC.ingressGroups(k) { out.applicationLoadBalancers.append(out.alb(g)) }
        for svc in k.services where svc.meta.annotations.keys.contains(where: { $0.hasPrefix(LBC.albPrefix) }) {
            out.albServiceTargets["\(svc.meta.namespace)/\(svc.meta.name)"] = ALBSpec.TargetSettings(svc.meta)
        }
        return out
    }

    /// `k=v,…` attributes; a malformed value is an issue and counts as none.
    mutating func attributes(_ meta: ObjectMeta, _ key: String, what: String, hint: String) -> [String: String] {
        guard let raw = meta.annotations[key] else { return [:] }
        switch LBC.parseAttributes(raw) {
        case .success(let m): return m
        case .failure(let e):
            issues.append(Issue(key: key, message: "\(what): \(e)", location: meta.location(ofAnnotation: key), hint: hint))
            return [:]
        }
    }

    mutating func nlb(_ svc: Service, targetType: LBC.TargetType, implicit: Bool) -> NLBSpec {
        let a = svc.meta.annotations, p = LBC.svcPrefix
        let ctx = "Service \(svc.meta.namespace)/\(svc.meta.name)"
        var s = NLBSpec(service: svc, targetType: targetType, implicit: implicit, scheme: nil)
        switch LBC.scheme(of: svc) {
        case .success(let v): s.scheme = v
        case .failure(let e):
            issues.append(Issue(key: e.key, message: "\(ctx): \(e.message)", location: svc.meta.location(ofAnnotation: e.key),
                                hint: e.key.hasSuffix("internal") ? "write \"true\" or \"false\", or use aws-load-balancer-scheme" : "use \"internet-facing\" or \"internal\" (the default)"))
        }
        s.name = a[p + "aws-load-balancer-name"]
        s.subnets = a[p + "aws-load-balancer-subnets"]
        let hint = "write key=value pairs separated by commas, e.g. preserve_client_ip.enabled=true"
        s.loadBalancerAttributes = attributes(svc.meta, p + "aws-load-balancer-attributes", what: "\(ctx): aws-load-balancer-attributes", hint: hint)
        s.targetGroupAttributes = attributes(svc.meta, p + "aws-load-balancer-target-group-attributes", what: "\(ctx): aws-load-balancer-target-group-attributes", hint: hint)
        for sp in svc.ports {
            let key = p + "aws-load-balancer-target-group-attributes.\(sp.port)"
            if a[key] != nil { s.targetGroupAttributesByPort[sp.port] = attributes(svc.meta, key, what: "\(ctx): aws-load-balancer-target-group-attributes.\(sp.port)", hint: hint) }
        }
        // Booleans the controller parses (strconv.ParseBool): anything else fails the build.
        let before = issues.count
        boolFinding(svc.meta, p + "aws-load-balancer-cross-zone-load-balancing-enabled", ctx: ctx, read: true)
        boolFinding(svc.meta, p + "aws-load-balancer-manage-backend-security-group-rules", ctx: ctx, read: a[p + "aws-load-balancer-security-groups"] != nil,
                    unread: "with aws-load-balancer-security-groups")
        var tgAttributeKeys = [(p + "aws-load-balancer-target-group-attributes", s.targetGroupAttributes)]
        for port in s.targetGroupAttributesByPort.keys.sorted() {
            tgAttributeKeys.append((p + "aws-load-balancer-target-group-attributes.\(port)", s.targetGroupAttributesByPort[port] ?? [:]))
        }
        for (key, attrs) in tgAttributeKeys {
            guard let v = attrs["preserve_client_ip.enabled"], Strconv.parseBool(v) == nil else { continue }
            issues.append(Issue(key: key, message: "\(ctx): target group attribute preserve_client_ip.enabled=\(echo: v) is not a boolean: the controller fails to parse it (failed to parse attribute) and builds nothing for this load balancer",
                                location: svc.meta.location(ofAnnotation: key), hint: "write preserve_client_ip.enabled=true or =false"))
        }
        s.failures = issues[before...].filter(\.failsBuild).map(\.message)
        s.crossZone = (s.loadBalancerAttributes["load_balancing.cross_zone.enabled"] ?? a[p + "aws-load-balancer-cross-zone-load-balancing-enabled"]).flatMap(Strconv.parseBool)
        s.healthCheckProtocol = a[p + "aws-load-balancer-healthcheck-protocol"]?.uppercased()
        s.healthCheckPort = a[p + "aws-load-balancer-healthcheck-port"].map(HealthCheckPort.init)
        s.healthCheckPath = a[p + "aws-load-balancer-healthcheck-path"]
        s.proxyProtocolV2 = a[p + "aws-load-balancer-proxy-protocol"] == "*"
        s.targetNodeLabels = a[p + "aws-load-balancer-target-node-labels"].map { LBCAttributes.parse($0) }
        s.securityGroups = a[p + "aws-load-balancer-security-groups"].map(LBC.list)
        s.manageBackendRules = a[p + "aws-load-balancer-manage-backend-security-group-rules"].flatMap(Strconv.parseBool) == true
        var ranges = svc.loadBalancerSourceRanges.map(\.description) + svc.loadBalancerSourceRangesIPv6.map(\.cidr.description)
        if ranges.isEmpty, let raw = a[p + "load-balancer-source-ranges"] { ranges = LBC.list(raw) }
        s.sourceRanges = ranges
        // `buildLoadBalancerIPAddressType` (pkg/service): ipv4 or dualstack, else "unknown IPAddressType".
        if let raw = a[p + "aws-load-balancer-ip-address-type"] {
            let key = p + "aws-load-balancer-ip-address-type"
            if let v = LoadBalancer.IPAddressType(rawValue: raw), v != .dualstackWithoutPublicIPv4 { s.ipAddressType = v } else {
                s.ipAddressType = nil
                issues.append(Issue(key: key, message: "\(ctx): aws-load-balancer-ip-address-type '\(echo: raw)' is not ipv4 or dualstack: the controller refuses it (unknown IPAddressType) and builds no NLB",
                                    location: svc.meta.location(ofAnnotation: key), hint: "write ipv4 (the default) or dualstack (an NLB takes no dualstack-without-public-ipv4 through the controller)"))
                s.failures.append("unknown IPAddressType: \(raw)")
            }
        }
        return s
    }

    mutating func alb(_ g: IngressGroup) -> ALBSpec {
        let p = LBC.albPrefix
        let members = g.ordered
        var s = ALBSpec(group: g)
        let schemes = Set(members.map { $0.meta.annotations[p + "scheme"] ?? "internal" })
        s.schemes = schemes.sorted()
        if schemes.count == 1 { s.scheme = schemes.first.flatMap(LBC.Scheme.init(rawValue:)) }
        func first(_ key: String) -> String? { members.lazy.compactMap { $0.meta.annotations[p + key] }.first }
        s.name = first("load-balancer-name")
        s.subnets = first("subnets")
        s.securityGroups = first("security-groups").map(LBC.list)
        s.manageBackendRules = members.contains { $0.meta.annotations[p + "manage-backend-security-group-rules"].flatMap(Strconv.parseBool) == true }
        s.inboundCIDRs = first("inbound-cidrs").map(LBC.list)
        // `buildLoadBalancerIPAddressType` (pkg/ingress): one value across the group, one of three.
        let types = Set(members.compactMap { $0.meta.annotations[p + "ip-address-type"] })
        if let raw = types.first {
            let setters = members.filter { $0.meta.annotations[p + "ip-address-type"] != nil }
            let at = (setters.last ?? members[0]).meta
            if types.count > 1 {
                s.ipAddressType = nil
                issues.append(Issue(key: p + "ip-address-type", message: "IngressGroup \(g.name): ip-address-type differs between \(setters.map { "\($0.meta.namespace)/\($0.meta.name)" }.joined(separator: " and ")) (conflicting IPAddressType: \(types.sorted().joined(separator: ", "))): the controller builds no ALB for the group",
                                    location: at.location(ofAnnotation: p + "ip-address-type"), hint: "set alb.ingress.kubernetes.io/ip-address-type the same on every Ingress of the group, or on one only"))
            } else if let v = LoadBalancer.IPAddressType(rawValue: raw) {
                s.ipAddressType = v
            } else {
                s.ipAddressType = nil
                issues.append(Issue(key: p + "ip-address-type", message: "Ingress \(at.namespace)/\(at.name): ip-address-type '\(echo: raw)' is not ipv4, dualstack or dualstack-without-public-ipv4: the controller refuses it (unknown IPAddressType) and builds no ALB for the group",
                                    location: at.location(ofAnnotation: p + "ip-address-type"), hint: "write ipv4 (the default), dualstack or dualstack-without-public-ipv4"))
            }
            if s.ipAddressType == nil { s.failures.append("unknown or conflicting IPAddressType") }
        }
        for ing in members {
            let ctx = "Ingress \(ing.meta.namespace)/\(ing.meta.name)"
            let id = "\(ing.meta.namespace)/\(ing.meta.name)"
            var m = ALBSpec.Member()
            // The names the controller looks up: actions.<name> for use-annotation backends,
            // conditions.<name> for every backend.
            let usesAction = Set(ing.backends.filter { $0.port == .name("use-annotation") }.map(\.serviceName))
            let usesConditions = Set(ing.backends.map(\.serviceName))
            if let raw = ing.meta.annotations[p + "listen-ports"] {
                switch LBC.parseListenPorts(raw) {
                case .success(let ports): m.listenPorts = ports.map { ALBSpec.ListenPort(proto: $0.proto, port: $0.port) }
                case .failure(let why):
                    m.listenPorts = nil
                    issues.append(Issue(key: p + "listen-ports", message: "\(ctx): \(why)", location: ing.meta.location(ofAnnotation: p + "listen-ports"),
                                        hint: "write a JSON list such as '[{\"HTTP\": 80}, {\"HTTPS\": 443}]'"))
                }
            } else {
                m.listenPorts = ing.meta.annotations[p + "certificate-arn"] != nil ? [.init(proto: "HTTPS", port: 443)] : [.init(proto: "HTTP", port: 80)]
            }
            m.targets = ALBSpec.TargetSettings(ing.meta)
            let hint = "write key=value pairs separated by commas"
            if ing.meta.annotations[p + "target-group-attributes"] != nil {
                m.targets.attributes = attributes(ing.meta, p + "target-group-attributes", what: "\(ctx): target-group-attributes", hint: hint)
            }
            _ = attributes(ing.meta, p + "load-balancer-attributes", what: "\(ctx): load-balancer-attributes", hint: hint)
            for (key, raw) in ing.meta.annotations.sorted(by: { $0.key < $1.key }) where key.hasPrefix(p + "actions.") || key.hasPrefix(p + "conditions.") {
                let isAction = key.hasPrefix(p + "actions.")
                let name = String(key.dropFirst(p.count + (isAction ? 8 : 11)))
                switch JSONValue.parse(raw) {
                case .failure(let e):
                    issues.append(Issue(key: key, message: "\(ctx): \(key.dropFirst(p.count)) is not JSON the controller can read: \(e)", location: ing.meta.location(ofAnnotation: key),
                                        hint: "write a JSON object (actions) or a JSON list (conditions)"))
                    // The action is absent as far as the controller goes: the rule answers 503.
                case .success(let v):
                    if isAction {
                        var action = ALBSpec.Action(v)
                        if usesAction.contains(name) {
                            let found = Self.actionFindings(v)
                            for f in found {
                                issues.append(Issue(key: key, message: "\(ctx): \(key.dropFirst(p.count)) \(f.message)", location: ing.meta.location(ofAnnotation: key), hint: f.hint, warning: f.warning))
                            }
                            if let refused = found.first(where: { !$0.warning }) {
                                action = .invalid
                                m.refusals[name] = "\(key.dropFirst(p.count)) \(refused.message)"
                            } else if let tg = Self.externalTargetGroup(v) {
                                action = .external(targetGroup: tg)
                            }
                        }
                        if !["fixed-response", "forward", "redirect"].contains(v["type"]?.string ?? "") {
                            issues.append(Issue(key: key, message: "\(ctx): \(key.dropFirst(p.count)) has type '\(echo: v["type"]?.string ?? "")', not fixed-response, forward or redirect",
                                                location: ing.meta.location(ofAnnotation: key), hint: "set \"type\" to fixed-response, forward or redirect"))
                        }
                        for why in ALBSpec.lengthIssues(action) {
                            issues.append(Issue(key: key, message: "\(ctx): \(key.dropFirst(p.count)) \(why)", location: ing.meta.location(ofAnnotation: key),
                                                hint: "shorten it: the ELB API refuses the rule, so the controller cannot reconcile the Ingress"))
                        }
                        m.actions[name] = action
                    } else {
                        var c = ALBSpec.Conditions()
                        if usesConditions.contains(name) {
                            let found = Self.conditionFindings(v)
                            for f in found {
                                issues.append(Issue(key: key, message: "\(ctx): \(key.dropFirst(p.count)) \(f.message)", location: ing.meta.location(ofAnnotation: key), hint: f.hint, warning: f.warning))
                            }
                            if let refused = found.first(where: { !$0.warning }) { c.refused = "\(key.dropFirst(p.count)) \(refused.message)" }
                        }
                        for cond in v.array ?? [] {
                            switch cond["field"]?.string {
                            case "host-header": c.hosts += cond["hostHeaderConfig"]?["values"]?.strings ?? cond["values"]?.strings ?? []
                            case "path-pattern": c.paths += cond["pathPatternConfig"]?["values"]?.strings ?? cond["values"]?.strings ?? []
                            default: break
                            }
                        }
                        m.conditions[name] = c
                    }
                }
            }
            s.members[id] = m
        }
        // Group-wide settings the controller parses; a refused one fails the whole build.
        let before = issues.count
        for ing in members {
            boolFinding(ing.meta, p + "manage-backend-security-group-rules", ctx: "Ingress \(ing.meta.namespace)/\(ing.meta.name)", read: s.securityGroups != nil,
                        unread: "when an Ingress of the group sets security-groups")
        }
        let listen = members.flatMap { s.member($0).listenPorts ?? [] }
        s.sslRedirect = sslRedirectPort(members, listen: listen, ctx: g.key.hasPrefix("group:") ? String(g.key.dropFirst(6)) : g.key).map(String.init)
        s.failures = issues[before...].filter(\.failsBuild).map(\.message)
        return s
    }
}

public enum HealthCheckPort: Sendable, Equatable {
    /// `traffic-port`, a port of 1–65535, or anything else (the controller fails to parse it).
    case trafficPort, port(UInt16), invalid

    public init(_ text: String) {
        if text == "traffic-port" { self = .trafficPort } else if let p = UInt16(text), p > 0 { self = .port(p) } else { self = .invalid }
    }

    /// The port checked; nil for the traffic port (and for a value the controller cannot read).
    public var number: UInt16? { if case .port(let p) = self { return p }; return nil }
}

/// `k=v,…` read leniently (entries without '=' dropped): node label selectors.
enum LBCAttributes {
    static func parse(_ raw: String) -> [String: String] {
        if case .success(let m) = LBC.parseAttributes(raw) { return m }
        return [:]
    }
}

/// The NLB the controller builds for a Service.
public struct NLBSpec: Sendable {
    public var service: Service
    public var targetType: LBC.TargetType
    /// Only the controller's webhook made the Service its own.
    public var implicit: Bool
    /// Nil when the scheme annotations are refused (no NLB is built).
    public var scheme: LBC.Scheme?
    public var name: String?
    /// The subnets annotation, as written.
    public var subnets: String?
    public var loadBalancerAttributes: [String: String] = [:]
    public var targetGroupAttributes: [String: String] = [:]
    /// `aws-load-balancer-target-group-attributes.<port>`, by listener port.
    public var targetGroupAttributesByPort: [UInt16: [String: String]] = [:]
    /// `load_balancing.cross_zone.enabled`, or the legacy cross-zone annotation.
    public var crossZone: Bool?
    public var healthCheckProtocol: String?
    public var healthCheckPort: HealthCheckPort?
    public var healthCheckPath: String?
    public var proxyProtocolV2 = false
    public var targetNodeLabels: [String: String]?
    /// Frontend groups named by the annotation (netsim: names or IDs).
    public var securityGroups: [String]?
    public var manageBackendRules = false
    /// Why the controller fails to build this load balancer at all (a refused boolean), from
    /// the annotations; the builder lists each as a problem.
    public var failures: [String] = []
    /// spec.loadBalancerSourceRanges, else the annotation; empty means 0.0.0.0/0.
    public var sourceRanges: [String] = []
    /// `aws-load-balancer-ip-address-type` (ipv4 or dualstack; nil when refused: no NLB).
    public var ipAddressType: LoadBalancer.IPAddressType? = .ipv4

    public init(service: Service, targetType: LBC.TargetType, implicit: Bool, scheme: LBC.Scheme?) {
        self.service = service; self.targetType = targetType; self.implicit = implicit; self.scheme = scheme
    }
}

/// The ALB the controller builds for an IngressGroup.
public struct ALBSpec: Sendable {
    public var group: IngressGroup
    /// The members' schemes as written (default internal), sorted.
    public var schemes: [String] = []
    /// Nil when a member's scheme is refused or the members disagree (no ALB is built).
    public var scheme: LBC.Scheme?
    public var name: String?
    public var subnets: String?
    /// The HTTPS port of `ssl-redirect`; nil when not set or refused (see `failures`).
    public var sslRedirect: String?
    /// Why the controller fails to build the IngressGroup at all (a refused boolean or
    /// ssl-redirect), from the annotations; the builder lists each as a problem.
    public var failures: [String] = []
    public var securityGroups: [String]?
    public var manageBackendRules = false
    public var inboundCIDRs: [String]?
    /// `ip-address-type` of the group's members (ipv4, dualstack, dualstack-without-public-ipv4;
    /// nil when refused or the members disagree: no ALB).
    public var ipAddressType: LoadBalancer.IPAddressType? = .ipv4
    /// Per member, by `namespace/name`.
    public var members: [String: Member] = [:]

    public init(group: IngressGroup) { self.group = group }

    public func member(_ ing: Ingress) -> Member { members["\(ing.meta.namespace)/\(ing.meta.name)"] ?? Member() }

    public struct ListenPort: Sendable, Equatable {
        public var proto: String
        public var port: Int
    }

    public struct Member: Sendable {
        /// Nil when listen-ports is refused (the member adds no listener).
        public var listenPorts: [ListenPort]? = []
        /// `actions.<name>`, by name.
        public var actions: [String: Action] = [:]
        /// `conditions.<name>`, by name.
        public var conditions: [String: Conditions] = [:]
        /// Why `actions.<name>` is refused (its action is `.invalid`), by name.
        public var refusals: [String: String] = [:]
        public var targets = TargetSettings()
    }

    public struct Conditions: Sendable, Equatable {
        public var hosts: [String] = []
        public var paths: [String] = []
        /// Why the controller refuses the annotation (the rules that use it are not built).
        public var refused: String?
    }

    /// Target-group settings an Ingress (or the backend Service) sets with `alb.ingress.kubernetes.io/` annotations.
    public struct TargetSettings: Sendable {
        public var targetType: String?
        public var targetNodeLabels: [String: String]?
        public var healthCheckProtocol: String?
        public var healthCheckPath: String?
        public var healthCheckPort: HealthCheckPort?
        /// target-group-attributes; nil when not written (empty when malformed).
        public var attributes: [String: String]?
        public init() {}
        public init(_ meta: ObjectMeta) {
            let a = meta.annotations, p = LBC.albPrefix
            targetType = a[p + "target-type"]
            targetNodeLabels = a[p + "target-node-labels"].map { LBCAttributes.parse($0) }
            healthCheckProtocol = a[p + "healthcheck-protocol"]?.uppercased()
            healthCheckPath = a[p + "healthcheck-path"]
            healthCheckPort = a[p + "healthcheck-port"].map(HealthCheckPort.init)
            if let raw = a[p + "target-group-attributes"] { attributes = LBCAttributes.parse(raw) }
        }

        /// These settings where written, else `fallback`'s (a Service's over its Ingress's).
        public func over(_ fallback: TargetSettings) -> TargetSettings {
            var r = self
            r.targetType = targetType ?? fallback.targetType
            r.targetNodeLabels = targetNodeLabels ?? fallback.targetNodeLabels
            r.healthCheckProtocol = healthCheckProtocol ?? fallback.healthCheckProtocol
            r.healthCheckPath = healthCheckPath ?? fallback.healthCheckPath
            r.healthCheckPort = healthCheckPort ?? fallback.healthCheckPort
            r.attributes = attributes ?? fallback.attributes
            return r
        }
    }

    /// The ELB API's length limits (characters) on what an action carries: a fixed response's
    /// MessageBody at most 1024; a redirect's Host and Path 1–128 and Query at most 128.
    public static let maxMessageBody = 1024, maxRedirectPart = 128

    /// Why `action` breaks those limits (none when it keeps them).
    static func lengthIssues(_ action: Action) -> [String] {
        switch action {
        case .fixedResponse(_, _, let body) where body.count > maxMessageBody:
            return ["has a messageBody of \(body.count) characters; the ELB API allows at most \(maxMessageBody)"]
        case .redirect(_, _, let host, _, let path, let query):
            return [("host", host), ("path", path), ("query", query)].compactMap { field, value in
                guard let value, value.count > maxRedirectPart else { return nil }
                return "has a redirect \(field) of \(value.count) characters; the ELB API allows at most \(maxRedirectPart)"
            }
        default: return []
        }
    }

    /// An `actions.<name>` annotation.
    public enum Action: Sendable, Equatable {
        case fixedResponse(status: Int, contentType: String, body: String)
        case redirect(status: Int, proto: String?, host: String?, port: String?, path: String?, query: String?)
        /// The first target group with weight (netsim follows one).
        case forward(service: String, port: ServicePort.TargetPort)
        /// A forward to a target group outside the cluster (targetGroupARN or targetGroupName).
        case external(targetGroup: String)
        /// An empty forward, or a type other than these.
        case invalid

        /// The content types ELB accepts for a fixed response (`FixedResponseActionConfig`).
        public static let fixedResponseContentTypes = ["text/plain", "text/css", "text/html", "application/javascript", "application/json"]

        /// What ELB refuses in the action (`CreateRule` fails with a ValidationError, so the
        /// controller cannot build the rule); nil when it accepts it.
        public enum Refusal: Sendable, Equatable {
            /// A fixed response's status is not `^(2|4|5)\d\d$` (0: not a number).
            case fixedResponseStatus(Int)
            /// A fixed response's content type is not one ELB allows.
            case fixedResponseContentType(String)
            /// A redirect that modifies none of protocol, host, port and path (it would loop).
            case redirectChangesNothing
        }

        public var refusal: Refusal? {
            switch self {
            case .fixedResponse(let status, let contentType, _):
                if !(200...299).contains(status) && !(400...599).contains(status) { return .fixedResponseStatus(status) }
                if !Self.fixedResponseContentTypes.contains(contentType) { return .fixedResponseContentType(contentType) }
                return nil
            case .redirect(_, let proto, let host, let port, let path, _):
                let same = (proto ?? "#{protocol}") == "#{protocol}" && (host ?? "#{host}") == "#{host}"
                    && (port ?? "#{port}") == "#{port}" && (path ?? "/#{path}") == "/#{path}"
                return same ? .redirectChangesNothing : nil
            case .forward, .invalid, .external: return nil
            }
        }

        init(_ v: JSONValue) {
            switch v["type"]?.string {
            case "fixed-response":
                let c = v["fixedResponseConfig"]
                // A statusCode that is not a number, or none (ELB requires one), is kept as 0 (ELB
                // refuses it); an empty content type is absent (ELB's default).
                self = .fixedResponse(status: c?["statusCode"].map { $0.int ?? 0 } ?? 0, contentType: c?["contentType"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? "text/plain", body: c?["messageBody"]?.string ?? "")
            case "redirect":
                let c = v["redirectConfig"]
                self = .redirect(status: Int((c?["statusCode"]?.string ?? "HTTP_301").dropFirst(5)) ?? 301, proto: c?["protocol"]?.string, host: c?["host"]?.string,
                                 port: c?["port"]?.string ?? c?["port"]?.int.map(String.init), path: c?["path"]?.string, query: c?["query"]?.string)
            case "forward":
                let groups = v["forwardConfig"]?["targetGroups"]?.array ?? []
                guard let g = groups.first(where: { ($0["weight"]?.int ?? 1) > 0 }) ?? groups.first, let svc = g["serviceName"]?.string else { self = .invalid; return }
                let port: ServicePort.TargetPort = g["servicePort"]?.int.map { .number(UInt16(clamping: $0)) } ?? .name(g["servicePort"]?.string ?? "")
                self = .forward(service: svc, port: port)
            default: self = .invalid
            }
        }
    }
}
