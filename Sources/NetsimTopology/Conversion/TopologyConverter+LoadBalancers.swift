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
    func validateLoadBalancers(_ t: Topology) {
        let k = t.kubernetes
        guard let vpc = t.primaryVPC else { return }
        // What the annotations hold, read once (the realizer and the builder take these values).
        let specs = t.lbSpecs
        for i in specs.issues {
            if i.warning {
                reporter.warning(.lbAnnotation, i.message, at: i.location, hint: i.hint)
            } else {
                reporter.error(i.key.hasSuffix("listen-ports") ? .lbListenPorts : i.key.hasSuffix("ip-address-type") ? .lbIPAddressType : .lbAnnotation, i.message, at: i.location, hint: i.hint)
            }
        }
        for svc in k.services { validateLBCService(svc, spec: specs.network(for: svc), t: t, vpc: vpc) }
        validateDualstack(t, specs, vpc: vpc)
        // Each Ingress of the controller, alone.
        for ing in k.ingresses where LBC.manages(ing, in: k) {
            let ctx = "Ingress \(ing.meta.namespace)/\(ing.meta.name)"
            let a = ing.meta.annotations
            if let g = a[LBC.albPrefix + "group.name"], !LBC.isGroupName(g) {
                reporter.error(.lbAnnotation, "\(ctx): group.name '\(echo: g)' is not a valid IngressGroup name", at: ing.meta.location(ofAnnotation: LBC.albPrefix + "group.name"),
                               hint: "the controller wants at most 63 characters of a-z, 0-9, '-' and '.', starting and ending with a letter or digit")
            }
            if let o = a[LBC.albPrefix + "group.order"], !(Int(o).map { (-1000...1000).contains($0) } ?? false) {
                reporter.error(.lbAnnotation, "\(ctx): group.order '\(echo: o)' is not a whole number within [-1000, 1000]", at: ing.meta.location(ofAnnotation: LBC.albPrefix + "group.order"),
                               hint: "lower orders come first; the default is 0")
            }
            if let tt = specs.member(ing)?.targets.targetType, tt != "ip", tt != "instance" {
                reporter.error(.lbAnnotation, "\(ctx): the controller refuses target-type '\(echo: tt)' (unknown targetType)", at: ing.meta.location(ofAnnotation: LBC.albPrefix + "target-type"),
                               hint: "use \"ip\" (targets are pod addresses) or \"instance\" (targets are nodes on the Service's NodePort)")
            }
            checkBackends(ing, k, specs)
            checkActions(ing, specs)
        }
        // The controller's IngressGroups (an explicit group, or the Ingress alone).
        for spec in specs.applicationLoadBalancers {
            let key = spec.group.key
            let members = spec.group.members
            var schemes: [String: Ingress] = [:]
            var valid: LBC.Scheme? = nil
            for ing in members {
                let value = ing.meta.annotations[LBC.albPrefix + "scheme"] ?? "internal"
                if let s = LBC.Scheme(rawValue: value) { valid = s } else {
                    reporter.error(.lbAnnotation, "Ingress \(ing.meta.namespace)/\(ing.meta.name): the controller refuses scheme '\(echo: value)' (unknown scheme)",
                                   at: ing.meta.location(ofAnnotation: LBC.albPrefix + "scheme"), hint: "use \"internet-facing\" or \"internal\" (the default)")
                }
                if schemes[value] == nil { schemes[value] = ing }
            }
            let members2 = members.map { "\($0.meta.namespace)/\($0.meta.name)" }.joined(separator: ", ")
            if schemes.count > 1, let last = members.last {
                reporter.error(.lbGroupConflict, "IngressGroup \(key.hasPrefix("group:") ? String(key.dropFirst(6)) : key) (\(members2)) has conflicting schemes \(schemes.keys.sorted().joined(separator: " and ")): the controller builds no ALB for any of them",
                               at: last.meta.location(ofAnnotation: LBC.albPrefix + "scheme"), hint: "give every Ingress of the group the same alb.ingress.kubernetes.io/scheme")
                continue
            }
            // Listen ports: the same port with two protocols across the group.
            var protocols: [Int: (String, Ingress)] = [:]
            for ing in members {
                for l in spec.member(ing).listenPorts ?? [] {
                    let (proto, port) = (l.proto, l.port)
                    if let (other, first) = protocols[port], other != proto {
                        reporter.error(.lbGroupConflict, "IngressGroup \(key.hasPrefix("group:") ? String(key.dropFirst(6)) : key): port \(port) is \(other) on \(first.meta.namespace)/\(first.meta.name) but \(proto) on \(ing.meta.namespace)/\(ing.meta.name) (conflicting protocol)",
                                       at: ing.meta.location(ofAnnotation: LBC.albPrefix + "listen-ports"), hint: "use one protocol per port across the group")
                    } else if protocols[port] == nil {
                        protocols[port] = (proto, ing)
                    }
                }
            }
            let groupName = key.hasPrefix("group:") ? String(key.dropFirst(6)) : key
            // Settings every member must agree on, when more than one sets them (mergeListenPortConfigs,
            // the load balancer attributes), and one default backend at most.
            for setting in ["inbound-cidrs", "load-balancer-attributes", "subnets", "security-groups"] {
                let set = members.filter { $0.meta.annotations[LBC.albPrefix + setting] != nil }
                let values = Set(set.compactMap { $0.meta.annotations[LBC.albPrefix + setting].map { LBC.list($0).sorted() } })
                if values.count > 1, let last = set.last {
                    reporter.error(.lbGroupConflict, "IngressGroup \(groupName): \(setting) differs between \(set.map { "\($0.meta.namespace)/\($0.meta.name)" }.joined(separator: " and ")) (conflicting \(setting)): the controller builds no ALB for the group",
                                   at: last.meta.location(ofAnnotation: LBC.albPrefix + setting), hint: "set alb.ingress.kubernetes.io/\(setting) the same on every Ingress of the group, or on one only")
                }
            }
            let defaults = members.filter { $0.defaultBackend != nil }
            if defaults.count > 1 {
                reporter.error(.lbGroupConflict, "IngressGroup \(groupName): \(defaults.map { "\($0.meta.namespace)/\($0.meta.name)" }.joined(separator: " and ")) each set spec.defaultBackend (multiple ingress defined default backend): the controller builds no ALB for the group",
                               at: defaults[1].meta.location, hint: "keep spec.defaultBackend on one Ingress of the group")
            }
            for ing in members {
                let ictx = "Ingress \(ing.meta.namespace)/\(ing.meta.name)"
                checkSecurityGroups(ing.meta.annotations[LBC.albPrefix + "security-groups"].map(LBC.list), ctx: ictx, vpc: vpc, at: ing.meta.location(ofAnnotation: LBC.albPrefix + "security-groups"))
                if spec.member(ing).targets.healthCheckPort == .invalid, let port = ing.meta.annotations[LBC.albPrefix + "healthcheck-port"] {
                    reporter.error(.lbAnnotation, "\(ictx): healthcheck-port '\(echo: port)' is not traffic-port or a port of 1–65535", at: ing.meta.location(ofAnnotation: LBC.albPrefix + "healthcheck-port"),
                                   hint: "write traffic-port or a port number")
                }
                for rule in ing.rules {
                    for path in rule.paths where path.pathType != .ImplementationSpecific && (path.path.contains("*") || path.path.contains("?")) {
                        reporter.error(.lbBackend, "\(ictx): \(path.pathType.rawValue.lowercased()) path '\(echo: path.path)' has a wildcard: the controller fails to build the IngressGroup (\(path.pathType.rawValue.lowercased()) path shouldn't contain wildcards: \(path.path))",
                                       at: path.backend.location, hint: "drop the wildcard (a Prefix path already matches what is under it), or use pathType: ImplementationSpecific")
                    }
                }
                if let raw = ing.meta.annotations[LBC.albPrefix + "inbound-cidrs"] {
                    for c in LBC.list(raw) where IPv4CIDR(c) == nil && IPv6CIDR(c) == nil {
                        reporter.error(.lbAnnotation, "Ingress \(ing.meta.namespace)/\(ing.meta.name): inbound-cidrs entry '\(echo: c)' is not a CIDR block (invalid inbound-cidrs settings)",
                                       at: ing.meta.location(ofAnnotation: LBC.albPrefix + "inbound-cidrs"), hint: "write CIDR blocks separated by commas, e.g. 203.0.113.0/24, 198.51.100.0/24")
                    }
                }
            }
            if let scheme = valid, let first = members.first {
                let named = spec.subnets
                checkSubnets(for: "the ALB of Ingress \(first.meta.namespace)/\(first.meta.name)", scheme: scheme, minimum: 2, t: t, vpc: vpc, named: named,
                             at: first.meta.location(ofAnnotation: LBC.albPrefix + (named != nil ? "subnets" : "scheme")))
            }
        }
    }

    /// `actions.<name>` annotations ELB refuses (`CreateRule` fails with a ValidationError, so
    /// the controller cannot build the rule; netsim builds the others): a fixed response's status
    /// outside `^(2|4|5)\d\d$` or a content type other than the five ELB allows, and a redirect
    /// that changes none of protocol, host, port and path.
    func checkActions(_ ing: Ingress, _ specs: LoadBalancerSpecs) {
        guard let m = specs.member(ing) else { return }
        let ctx = "Ingress \(ing.meta.namespace)/\(ing.meta.name)"
        for (name, action) in m.actions.sorted(by: { $0.key < $1.key }) {
            guard let refusal = action.refusal else { continue }
            let key = LBC.albPrefix + "actions." + name
            let at = ing.meta.location(ofAnnotation: key)
            let what = "\(ctx): actions.\(echo: name)"
            switch refusal {
            case .fixedResponseStatus(let status):
                let written = JSONValue.parse(ing.meta.annotations[key] ?? "").map { $0["fixedResponseConfig"]?["statusCode"] }
                guard case .success(let v?) = written, v != .null else {
                    reporter.error(.albFixedResponseStatus, "\(what) is a fixed response without fixedResponseConfig.statusCode, which ELB requires: the controller cannot build the rule",
                                   at: at, hint: "add \"fixedResponseConfig\": {\"statusCode\": \"404\", …} with a 2XX, 4XX or 5XX status code")
                    continue
                }
                let shown = v.string ?? v.int.map(String.init) ?? "\(status)"
                reporter.error(.albFixedResponseStatus, "\(what) answers status \(echo: shown), which ELB refuses for a fixed response (it wants 2XX, 4XX or 5XX): the controller cannot build the rule",
                               at: at, hint: "use a 2XX, 4XX or 5XX status code; to send the client elsewhere with 301 or 302, use a redirect action")
            case .fixedResponseContentType(let type):
                reporter.error(.albFixedResponseContentType, "\(what) has content type '\(echo: type)', which ELB refuses for a fixed response: the controller cannot build the rule",
                               at: at, hint: "use one of \(ALBSpec.Action.fixedResponseContentTypes.joined(separator: ", "))")
            case .redirectChangesNothing:
                reporter.error(.albRedirectChangesNothing, "\(what) is a redirect that keeps the request's protocol, host, port and path, which ELB refuses (it would loop): the controller cannot build the rule",
                               at: at, hint: "set at least one of protocol, host, port or path in redirectConfig, e.g. \"protocol\":\"HTTPS\",\"port\":\"443\"")
            }
        }
    }

    /// The controller's Services: class `service.k8s.aws/nlb`, type `nlb-ip`, or `external` with
    /// a target type; and, through its mutating webhook (on by default), any new
    /// `type: LoadBalancer` Service without a class (`LBC.owner`).
    func validateLBCService(_ svc: Service, spec: NLBSpec?, t: Topology, vpc: VPC) {
        let ctx = "Service \(svc.meta.namespace)/\(svc.meta.name)"
        let a = svc.meta.annotations
        let type = a[LBC.svcPrefix + "aws-load-balancer-type"]
        let targetType = a[LBC.svcPrefix + "aws-load-balancer-nlb-target-type"]
        switch LBC.owner(of: svc) {
        case .none:
            return
        case .otherClass(let cls):
            if type == "external" || type == "nlb-ip" {
                reporter.warning(.lbIgnored, "\(ctx) has loadBalancerClass '\(echo: cls)', so the AWS Load Balancer Controller ignores its aws-load-balancer-type annotation", at: svc.meta.location,
                                 hint: "drop the class, or set loadBalancerClass: \(LBC.serviceClass)")
            }
            return
        case .controller(_, let implicit):
            if implicit {
                let why = type.map { "aws-load-balancer-type '\(echo: $0)'\(echo: targetType == nil ? " without an nlb-target-type" : "")" } ?? "no loadBalancerClass and no aws-load-balancer-type"
                reporter.warning(.lbImplicit, "\(ctx) is type LoadBalancer with \(why): the controller's webhook gives it loadBalancerClass \(LBC.serviceClass), so it becomes an NLB with instance targets (netsim models that; a cluster without the controller's webhook would get the in-tree cloud provider's load balancer, which netsim does not model)",
                                 at: svc.meta.location(ofAnnotation: LBC.svcPrefix + "aws-load-balancer-type"),
                                 hint: "say what you mean: add service.beta.kubernetes.io/aws-load-balancer-type: external and aws-load-balancer-nlb-target-type: ip (or instance), or loadBalancerClass: \(LBC.serviceClass)")
            }
        }
        if let tt = targetType, tt != "ip", tt != "instance" {
            reporter.warning(.lbAnnotation, "\(ctx): nlb-target-type '\(echo: tt)' is not ip or instance; the controller quietly uses instance", at: svc.meta.location(ofAnnotation: LBC.svcPrefix + "aws-load-balancer-nlb-target-type"),
                             hint: "write ip or instance")
        }
        if a[LBC.svcPrefix + "aws-load-balancer-scheme"] != nil, a[LBC.svcPrefix + "aws-load-balancer-internal"] != nil {
            reporter.warning(.lbAnnotation, "\(ctx) sets both aws-load-balancer-scheme and the legacy aws-load-balancer-internal; the controller reads only the scheme",
                             at: svc.meta.location(ofAnnotation: LBC.svcPrefix + "aws-load-balancer-internal"), hint: "drop aws-load-balancer-internal")
        }
        // A refused scheme is one of the spec's issues (reported above); nothing more to check.
        guard let scheme = spec?.scheme else { return }
        if !svc.loadBalancerSourceRanges.isEmpty || !svc.loadBalancerSourceRangesIPv6.isEmpty, a[LBC.svcPrefix + "load-balancer-source-ranges"] != nil {
            reporter.warning(.lbAnnotation, "\(ctx) sets both spec.loadBalancerSourceRanges and the load-balancer-source-ranges annotation; the controller uses the spec's",
                             at: svc.meta.location(ofAnnotation: LBC.svcPrefix + "load-balancer-source-ranges"), hint: "keep one of them")
        }
        checkSecurityGroups(spec?.securityGroups, ctx: ctx, vpc: vpc, at: svc.meta.location(ofAnnotation: LBC.svcPrefix + "aws-load-balancer-security-groups"))
        if let raw = a[LBC.svcPrefix + "load-balancer-source-ranges"] {
            // `buildCIDRsFromSourceRanges` (pkg/service/model_build_managed_sg.go): an IPv6 range
            // is refused only when the NLB is not dualstack.
            let dualstack = spec?.ipAddressType?.hasIPv6 == true
            for c in LBC.list(raw) where IPv4CIDR(c) == nil && !(dualstack && IPv6CIDR(c) != nil) {
                reporter.error(.lbAnnotation, "\(ctx): load-balancer-source-ranges entry '\(echo: c)' is not an IPv4 CIDR block\(IPv6CIDR(c) != nil ? " (unsupported v6 cidr when lb is not dualstack)" : dualstack ? " or an IPv6 one" : "")",
                               at: svc.meta.location(ofAnnotation: LBC.svcPrefix + "load-balancer-source-ranges"),
                               hint: IPv6CIDR(c) != nil ? "add service.beta.kubernetes.io/aws-load-balancer-ip-address-type: dualstack, or drop the IPv6 range" : "write \(dualstack ? "IPv4 or IPv6" : "IPv4") CIDR blocks separated by commas")
            }
        }
        if spec?.ipAddressType?.hasIPv6 != true {
            for r in svc.loadBalancerSourceRangesIPv6 {
                reporter.error(.lbAnnotation, "\(ctx): loadBalancerSourceRanges entry \(r.cidr) is IPv6, but the NLB is not dualstack: the controller refuses it (unsupported v6 cidr when lb is not dualstack) and builds no NLB",
                               at: r.location, hint: "add service.beta.kubernetes.io/aws-load-balancer-ip-address-type: dualstack, or drop the IPv6 range")
            }
        }
        if let hp = a[LBC.svcPrefix + "aws-load-balancer-healthcheck-protocol"], !["TCP", "HTTP", "HTTPS"].contains(hp.uppercased()) {
            reporter.error(.lbAnnotation, "\(ctx): aws-load-balancer-healthcheck-protocol '\(echo: hp)' is not TCP, HTTP or HTTPS (an NLB target group checks with these only)",
                           at: svc.meta.location(ofAnnotation: LBC.svcPrefix + "aws-load-balancer-healthcheck-protocol"), hint: "write TCP, HTTP or HTTPS")
        }
        if spec?.healthCheckPort == .invalid, let port = a[LBC.svcPrefix + "aws-load-balancer-healthcheck-port"] {
            reporter.error(.lbAnnotation, "\(ctx): aws-load-balancer-healthcheck-port '\(echo: port)' is not traffic-port or a port of 1–65535 (the controller fails to parse it)",
                           at: svc.meta.location(ofAnnotation: LBC.svcPrefix + "aws-load-balancer-healthcheck-port"), hint: "write traffic-port or a port number")
        }
        checkSubnets(for: "the NLB of \(ctx)", scheme: scheme, minimum: 1, t: t, vpc: vpc, named: spec?.subnets,
                     at: svc.meta.location(ofAnnotation: LBC.svcPrefix + (spec?.subnets != nil ? "aws-load-balancer-subnets" : "aws-load-balancer-scheme")))
    }

    /// Subnet discovery as the controller does it (or the subnets annotation); an error when
    /// too few zones qualify or a named subnet does not exist.
    func checkSubnets(for what: String, scheme: LBC.Scheme, minimum: Int, t: Topology, vpc: VPC, named: String? = nil, at loc: SourceLocation) {
        if let named {
            let (found, unknown) = LBC.namedSubnets(named, vpc: vpc)
            if !unknown.isEmpty {
                reporter.error(.lbNoSubnets, "\(what) names subnets that are not in VPC \(vpc.name): \(unknown.joined(separator: ", "))", at: loc,
                               hint: Suggestions.didYouMean(unknown[0], in: vpc.subnets.map(\.name)))
            } else if Set(found.map(\.zone)).count < minimum || Set(found.map(\.zone)).count != found.count {
                reporter.error(.lbNoSubnets, "\(what) names subnets \(found.map(\.name).joined(separator: ", ")) in \(Set(found.map(\.zone)).count) zone(s): the controller wants one subnet per zone and at least \(minimum) zone\(minimum == 1 ? "" : "s")",
                               at: loc, hint: "name one subnet in each zone")
            } else if scheme == .internetFacing, case let priv = found.filter({ !LBC.isPublic($0, vpc) }), !priv.isEmpty {
                reporter.warning(.lbNoSubnets, "\(what) is internet-facing but its subnets annotation names \(priv.map(\.name).joined(separator: ", ")), with no route to an internet gateway: the internet cannot reach those nodes, and their replies do not get out",
                                 at: loc, hint: "name public subnets (a route to an internet gateway), or make the load balancer internal")
            }
            return
        }
        let d = LBC.discoverSubnets(scheme: scheme, vpc: vpc, cluster: t.cluster?.name)
        if d.zones < minimum {
            let found = d.candidates.isEmpty ? "none qualifies\(d.otherClusters > 0 ? " (\(d.otherClusters) tagged for other clusters)" : "")" : "they cover \(d.zones) zone\(d.zones == 1 ? "" : "s") (\(Set(d.chosen.map(\.zone)).sorted().joined(separator: ", ")))"
            reporter.error(.lbNoSubnets, "\(what) cannot be placed: \(d.how), and \(found); it needs \(minimum) zone\(minimum == 1 ? "" : "s")",
                           at: loc, hint: scheme == .internetFacing
                               ? "tag public subnets in \(minimum == 1 ? "a zone" : "\(minimum) zones") with kubernetes.io/role/elb: \"1\", or name them with the subnets annotation"
                               : "tag private subnets in \(minimum == 1 ? "a zone" : "\(minimum) zones") with kubernetes.io/role/internal-elb: \"1\", or name them with the subnets annotation")
        }
    }

    /// Each backend of a controller's Ingress: the Service and its port must exist (the
    /// controller fails the whole IngressGroup's reconcile otherwise), `use-annotation` needs its
    /// `actions.<name>` annotation, and instance targets need a NodePort.
    func checkBackends(_ ing: Ingress, _ k: KubernetesObjects, _ specs: LoadBalancerSpecs) {
        let ctx = "Ingress \(ing.meta.namespace)/\(ing.meta.name)"
        for b in ing.backends {
            if case .name("use-annotation") = b.port {
                checkForwardTarget(ing, b, k, specs)
                if ing.meta.annotations[LBC.albPrefix + "actions." + b.serviceName] == nil {
                    reporter.warning(.lbBackend, "\(ctx): backend '\(echo: b.serviceName)' uses port name use-annotation, but there is no annotation \(LBC.albPrefix)actions.\(b.serviceName): the controller builds the rule as a fixed 503 response (\"Backend action does not exist\")",
                                   at: b.location, hint: "add the actions.\(b.serviceName) annotation, or name a real Service and port")
                }
                continue
            }
            guard let svc = k.service(namespace: ing.meta.namespace, name: b.serviceName) else {
                // --tolerate-non-existent-backend-service (default true): the rule answers 503.
                reporter.warning(.lbBackend, "\(ctx) sends traffic to Service '\(echo: b.serviceName)', which is not defined in namespace '\(echo: ing.meta.namespace)': the controller builds the rule as a fixed 503 response (\"Backend service does not exist\")",
                                 at: b.location, hint: Suggestions.didYouMean(b.serviceName, in: k.services.filter { $0.meta.namespace == ing.meta.namespace }.map(\.meta.name)))
                continue
            }
            if svc.port(b.port) == nil {
                reporter.error(.lbBackend, "\(ctx) sends traffic to port \(b.port) of Service '\(echo: b.serviceName)', which has ports \(svc.ports.map { $0.name.isEmpty ? "\($0.port)" : "\($0.port) (\($0.name))" }.joined(separator: ", ")): the controller fails to build the IngressGroup (unable to find port \(b.port) on service \(ing.meta.namespace)/\(b.serviceName))",
                               at: b.location, hint: "use one of the Service's ports, by number or by name")
                continue
            }
            let tt = specs.targetSettings(service: svc, ingress: ing).targetType ?? "instance"
            if tt == "instance", svc.type != .NodePort, svc.type != .LoadBalancer {
                reporter.error(.lbBackend, "\(ctx): backend Service '\(echo: b.serviceName)' is type \(svc.type.rawValue), but instance targets need a NodePort (the controller fails: \"TargetGroup port is empty. When using Instance targets, your service be must of type 'NodePort' or 'LoadBalancer'\")",
                               at: b.location, hint: "set alb.ingress.kubernetes.io/target-type: ip, or make the Service type NodePort")
            }
        }
    }

    /// A use-annotation backend whose action forwards to a Service of the cluster: the port
    /// must be one of the Service's (the controller fails the IngressGroup otherwise: unable to
    /// find port). A missing Service is tolerated (503), as for a plain backend.
    func checkForwardTarget(_ ing: Ingress, _ b: Ingress.Backend, _ k: KubernetesObjects, _ specs: LoadBalancerSpecs) {
        guard case .forward(let name, let port)? = specs.member(ing)?.actions[b.serviceName],
              let svc = k.service(namespace: ing.meta.namespace, name: name), svc.port(port) == nil else { return }
        let key = LBC.albPrefix + "actions." + b.serviceName
        reporter.error(.lbBackend, "Ingress \(ing.meta.namespace)/\(ing.meta.name): actions.\(b.serviceName) forwards to port \(echo: port) of Service '\(echo: name)', which has ports \(svc.ports.map { $0.name.isEmpty ? "\($0.port)" : "\($0.port) (\($0.name))" }.joined(separator: ", ")): the controller fails to build the IngressGroup (unable to find port)",
                       at: ing.meta.location(ofAnnotation: key), hint: "use one of the Service's ports, by number or by name")
    }

    /// Groups named by a `security-groups` annotation: the controller resolves each by ID or
    /// Name tag (netsim: by name or ID) and fails the reconcile when one is missing.
    func checkSecurityGroups(_ groups: [String]?, ctx: String, vpc: VPC, at loc: SourceLocation) {
        guard let groups else { return }
        for g in groups where !vpc.securityGroups.contains(where: { $0.name == g || $0.id == g }) {
            reporter.error(.lbAnnotation, "\(ctx): security group '\(echo: g)' is not in VPC \(vpc.name): the controller cannot resolve it and builds no load balancer",
                           at: loc, hint: Suggestions.didYouMean(g, in: vpc.securityGroups.map(\.name)))
        }
    }
}
