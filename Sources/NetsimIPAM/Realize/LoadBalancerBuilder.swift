import NetsimModel

/// Completes the load balancers the AWS Load Balancer Controller (v2.17.1, default flags and
/// feature gates) would create, in the realize step once pods are placed. Placement gave each
/// one its subnets, node addresses taken from the subnet pools, names, ARN and DNS name; the
/// topology holds the typed specs of the annotations (`LoadBalancerSpecs`, the values `check`
/// judged). From those this adds the listeners, rules and target groups (instance targets on the
/// NodePorts the realizer allocated, `RealizedCluster.nodePorts`; ip targets from the Services'
/// endpoints), the managed frontend security group of each, the cluster's shared backend group,
/// and the rules it adds to the targets' groups. Read from the controller's `pkg/service`,
/// `pkg/ingress`, `pkg/networking` and `pkg/backend` (see Docs/load-balancers.md).
public struct LoadBalancerBuilder {
    struct Output: Sendable {
        /// The placed load balancers, completed, with what placement and building ran into, in
        /// the order the controller meets them (an IngressGroup whose scheme is invalid has an
        /// entry with its problem and no load balancer).
        var loadBalancers: [RealizedLoadBalancer] = []
        /// Managed groups, by VPC.
        var groups: [SecurityGroup] = []
        /// Rules the controller adds to existing groups, by group name.
        var targetRules: [String: [SecurityGroupRule]] = [:]
    }

    let t: Topology
    let r: RealizedCluster
    let vpc: VPC
    let cluster: Cluster
    let ports: [RealizedServicePort]
    let endpoints: [String: [RealizedEndpoint]]
    /// The security groups of the interface that holds an address.
    let groupsOf: (IPv4Address) -> [String]?
    var out = Output()
    /// Backend-group permissions per target group name and protocol: the lowest and highest port.
    var permissions: [String: [String: (UInt16, UInt16, SourceLocation)]] = [:]
    /// The IngressGroup being built (the controller reads its frontend groups and manage flag
    /// for the whole group).
    var alb: ALBSpec? = nil
    var backendGroupName: String { names.backendGroup }
    let names: LoadBalancerNames
    /// The annotations as the converter read them (the values `check` judged).
    let specs: LoadBalancerSpecs
    var backendUsed = false
    /// An IPv6 cluster: its Services are single-stack IPv6, so the controller makes every target
    /// group IPv6 (`buildTargetGroupIPAddressType`: the Service's ipFamilies has IPv6) and
    /// registers the pods' IPv6 addresses (ip targets).
    var ipv6Cluster = false
    var endpoints6: [String: [RealizedEndpoint6]] = [:]

    init(t: Topology, r: RealizedCluster, vpc: VPC, cluster: Cluster, ports: [RealizedServicePort], endpoints: [String: [RealizedEndpoint]],
         groupsOf: @escaping (IPv4Address) -> [String]?) {
        self.t = t; self.r = r; self.vpc = vpc; self.cluster = cluster; self.ports = ports; self.endpoints = endpoints
        self.groupsOf = groupsOf
        names = LoadBalancerNames(t, cluster: cluster.name)
        specs = t.lbSpecs
    }

    /// Builds the realized cluster's load balancers in place: `loadBalancers` complete, with
    /// their problems, and the controller's security groups and target-group rules.
    public static func complete(_ t: Topology, _ r: inout RealizedCluster) {
        guard !r.loadBalancers.isEmpty || !t.lbSpecs.applicationLoadBalancers.isEmpty else { return }
        // The security groups of the interface holding an address, as the fabric will index it.
        var groups: [UInt32: [String]]? = nil
        let realized = r
        let out = build(t, r, groupsOf: { ip in
            if groups == nil { groups = addressGroups(t, realized) }
            return groups?[ip.value]
        })
        guard let out else { return }
        r.loadBalancers = out.loadBalancers
        r.loadBalancerGroups = out.groups
        r.loadBalancerTargetRules = out.targetRules
    }

    /// Who holds each private address, as the groups of its interface: node ENIs (every address
    /// they hold), then NAT gateways, declared interfaces and externals (a later holder wins).
    static func addressGroups(_ t: Topology, _ r: RealizedCluster) -> [UInt32: [String]] {
        var out: [UInt32: [String]] = [:]
        var subnetNames = Set<String>()
        for vpc in t.vpcs { for s in vpc.subnets { subnetNames.insert(s.name) } }
        for n in r.nodes {
            for e in n.ipam.enis {
                guard subnetNames.contains(r.ec2.pool(e.subnet).subnet.name) else { continue }
                let sgs = e.securityGroups.isEmpty ? ["default"] : e.securityGroups
                out[e.primaryIP.value] = sgs
                for c in e.cidrs { for i in 0..<c.size { out[c.cidr.network.value + UInt32(i)] = sgs } }
            }
        }
        // Security Groups for Pods: an ip target on a branch ENI has the branch's groups, and
        // the controller's backend rules go there.
        for p in r.pods { if let b = p.branchENI { out[b.ip.value] = b.securityGroups.isEmpty ? ["default"] : b.securityGroups } }
        for vpc in t.vpcs {
            for nat in vpc.natGateways {
                guard let ip = r.natGatewayAddresses[nat.name] ?? nat.privateIP else { continue }
                out[ip.value] = []
            }
            for ni in vpc.networkInterfaces {
                let ip = ni.privateIP ?? r.otherAddresses.values.flatMap { $0 }.first { $0.1 == "interface \(ni.name)" }?.0
                guard let ip else { continue }
                out[ip.value] = ni.securityGroups.isEmpty ? ["default"] : ni.securityGroups
            }
        }
        for e in t.externals {
            guard let s = e.subnet, subnetNames.contains(s), case .host(let ip) = e.address else { continue }
            out[ip.value] = e.securityGroups.isEmpty ? ["default"] : e.securityGroups
        }
        // Fargate pods: their own ENI's groups (IP targets).
        for n in r.fargateNodes { out[n.ip.value] = n.securityGroups.isEmpty ? ["default"] : n.securityGroups }
        return out
    }

    static func build(_ t: Topology, _ r: RealizedCluster, groupsOf: @escaping (IPv4Address) -> [String]?) -> Output? {
        guard let cluster = t.cluster, let vpc = t.primaryVPC else { return nil }
        let k = t.kubernetes
        guard LBC.wanted(k) else { return nil }
        var (ports, endpoints) = ServicePorts.build(t, r)
        var endpoints6: [String: [RealizedEndpoint6]] = [:]
        if cluster.ipFamily == .ipv6 {
            let (p6, e6) = ServicePorts.build6(t, r)
            ports = p6.map(\.port)
            endpoints = [:]
            endpoints6 = e6
        }
        var b = LoadBalancerBuilder(t: t, r: r, vpc: vpc, cluster: cluster, ports: ports, endpoints: endpoints, groupsOf: groupsOf)
        b.ipv6Cluster = cluster.ipFamily == .ipv6
        b.endpoints6 = endpoints6
        for spec in b.specs.networkLoadBalancers { b.networkLoadBalancer(spec) }
        for spec in b.specs.applicationLoadBalancers { b.applicationLoadBalancer(spec) }
        b.finish()
        return b.out
    }

    // MARK: names

    static func alnum(_ s: String) -> String { LoadBalancerNames.alnum(s) }
    static func hash(_ parts: [String]) -> String { LoadBalancerNames.hash(parts) }
    static func name(_ ns: String, _ name: String, _ hash: String) -> String { LoadBalancerNames.name(ns, name, hash) }
    func uid(_ kind: String, _ ns: String, _ name: String) -> String { names.uid(kind, ns, name) }

    // MARK: placement

    /// The load balancer the realizer placed for `owner` (its name, ARN, DNS name and nodes),
    /// with what placement ran into; nil when it could not be placed.
    mutating func placed(_ owner: String) -> LoadBalancer? {
        guard let p = r.loadBalancers.first(where: { $0.owner == owner }) else { return nil }
        out.loadBalancers.append(p)
        return p.loadBalancer
    }

    /// Notes a problem of the load balancer being built (the last one placed).
    mutating func report(_ p: LoadBalancerProblem) {
        if out.loadBalancers.isEmpty { out.loadBalancers.append(RealizedLoadBalancer(owner: p.owner, loadBalancer: nil, problems: [])) }
        out.loadBalancers[out.loadBalancers.count - 1].problems.append(p)
    }

    /// Records the completed load balancer (the last one placed).
    mutating func finished(_ lb: LoadBalancer) {
        guard !out.loadBalancers.isEmpty else { return }
        out.loadBalancers[out.loadBalancers.count - 1].loadBalancer = lb
    }

    // MARK: targets

    /// Nodes the controller registers as instance targets (`ResolveNodePortEndpoints`): not
    /// excluded by label, not Fargate, matching the target-node-labels selector.
    func instanceNodes(selector: [String: String]?) -> [RealizedNode] {
        let want = selector ?? [:]
        return r.nodes.filter { n in
            n.labels["node-role.kubernetes.io/master"] == nil && n.labels["node.kubernetes.io/exclude-from-external-load-balancers"] == nil
                && n.labels["alpha.service-controller.kubernetes.io/exclude-balancer"] == nil && n.labels["eks.amazonaws.com/compute-type"] != "fargate"
                && want.allSatisfy { n.labels[$0.key] == $0.value }
        }.sorted { $0.name < $1.name }
    }

    func proxied(_ svc: Service, _ sp: ServicePort) -> RealizedServicePort? {
        let proto = sp.ipProtocol == .udp ? "udp" : (sp.ipProtocol == .tcp ? "tcp" : "sctp")
        return ports.first { $0.namespace == svc.meta.namespace && $0.name == svc.meta.name && $0.portName == sp.name && $0.ipProtocol == proto }
    }

    func podTargets(_ p: RealizedServicePort) -> [LoadBalancer.Target] {
        let eps = endpoints[p.servicePortName + "/" + p.ipProtocol] ?? []
        let zoneOf = Dictionary(r.nodes.map { ($0.name, $0.zone) } + r.fargateNodes.map { ($0.name, $0.zone) }, uniquingKeysWith: { a, _ in a })
        let podOf = Dictionary(r.pods.compactMap { p in p.ip.map { ($0.value, "\(p.namespace)/\(p.name)") } }, uniquingKeysWith: { a, _ in a })
        return eps.filter { $0.ready && !$0.terminating }.map { e in
            LoadBalancer.Target(ip: e.ip, port: e.port, zone: e.nodeName.flatMap { zoneOf[$0] } ?? "?", node: e.nodeName, pod: podOf[e.ip.value])
        }.sorted { ($0.ip.value, $0.port) < ($1.ip.value, $1.port) }
    }

    /// An IPv6 cluster's ip targets: the Service port's ready IPv6 endpoints.
    func podTargets6(_ p: RealizedServicePort) -> [LoadBalancer.Target] {
        let eps = endpoints6[p.servicePortName + "/" + p.ipProtocol] ?? []
        let zoneOf = Dictionary(r.nodes.map { ($0.name, $0.zone) }, uniquingKeysWith: { a, _ in a })
        let podOf = Dictionary(r.pods.compactMap { p in p.ipv6.map { ($0, "\(p.namespace)/\(p.name)") } }, uniquingKeysWith: { a, _ in a })
        return eps.filter { $0.ready && !$0.terminating }.map { e in
            var t = LoadBalancer.Target(ip: IPv4Address(0), port: e.port, zone: e.nodeName.flatMap { zoneOf[$0] } ?? "?", node: e.nodeName, pod: podOf[e.ip])
            t.ipv6 = e.ip
            return t
        }.sorted { ($0.ipv6 ?? IPv6Address(high: 0, low: 0), $0.port) < ($1.ipv6 ?? IPv6Address(high: 0, low: 0), $1.port) }
    }

    /// The target group's family and, in an IPv6 cluster, what the controller refuses: an IPv6
    /// target group on a load balancer that is not dualstack ("unsupported IPv6 configuration,
    /// lb not dual-stack": it builds nothing for the Service or IngressGroup); and what netsim
    /// does not model: instance targets in an IPv6 target group.
    mutating func ipv6TargetGroup(_ lb: LoadBalancer, targetType: LBC.TargetType, owner: String, at loc: SourceLocation) -> IPFamily {
        guard ipv6Cluster else { return .ipv4 }
        if !lb.ipAddressType.hasIPv6 {
            let message = "unsupported IPv6 configuration, lb not dual-stack: the cluster's Services are IPv6, so the controller makes an IPv6 target group, which needs a dualstack \(lb.kind.abbreviation); it builds nothing for this load balancer (netsim builds it as written, its IPv6 targets behind IPv4 only)"
            if !(out.loadBalancers.last?.problems.contains { $0.message == message } ?? false) {
                report(.init(owner: owner, message: message, location: loc, hint: "add the ip-address-type annotation with dualstack"))
            }
        }
        if targetType == .instance {
            let message = "instance targets in an IPv6 target group are not modelled (the node's IPv6 address on its NodePort): traces through this target group end NOT_MODELLED"
            if !(out.loadBalancers.last?.problems.contains { $0.message == message } ?? false) {
                report(.init(owner: owner, message: message, location: loc, hint: "use target-type ip, as the EKS IPv6 guide recommends"))
            }
        }
        return .ipv6
    }

    /// Records the ports the controller opens from the backend group on each target's group.
    mutating func permit(_ targets: [LoadBalancer.Target], protocols: [(String, UInt16)], owner: String, at loc: SourceLocation) {
        var seen = Set<String>()
        for tg in targets {
            // An IPv6 pod's traffic carries its node's primary ENI's groups.
            let v6Groups = tg.ipv6 != nil ? r.nodes.first { $0.name == tg.node }.map { $0.securityGroups.isEmpty ? ["default"] : $0.securityGroups } : nil
            guard let groups = tg.ipv6 != nil ? v6Groups : groupsOf(tg.ip) else { continue }
            let chosen: String
            if groups.count == 1 { chosen = groups[0] } else {
                let tagged = groups.filter { g in vpc.securityGroups.first { $0.name == g }?.tags.contains { $0.key == "kubernetes.io/cluster/\(cluster.name)" } ?? false }
                guard tagged.count == 1 else {
                    let key = groups.joined(separator: ",")
                    if seen.insert(key).inserted {
                        report(.init(owner: owner, message: "the controller cannot add its rule for target \(tg.label): expected exactly one securityGroup tagged with kubernetes.io/cluster/\(cluster.name) for its ENI, got: [\(tagged.joined(separator: " "))] of \(groups.joined(separator: ", ")) (clusterName: \(cluster.name)); traffic from the load balancer needs another rule", location: loc,
                                                  hint: "tag exactly one of \(groups.joined(separator: ", ")) with kubernetes.io/cluster/\(cluster.name): owned"))
                    }
                    continue
                }
                chosen = tagged[0]
            }
            for (proto, port) in protocols {
                let cur = permissions[chosen]?[proto]
                permissions[chosen, default: [:]][proto] = (min(cur?.0 ?? port, port), max(cur?.1 ?? port, port), cur?.2 ?? loc)
            }
        }
    }

    // MARK: NLB

    mutating func networkLoadBalancer(_ spec: NLBSpec) {
        guard spec.scheme != nil else { return }
        let svc = spec.service
        let targetType = spec.targetType
        let ns = svc.meta.namespace, n = svc.meta.name
        let owner = "service:\(ns)/\(n)"
        let uid = uid("Service", ns, n)
        guard var lb = placed(owner) else { return }
        for why in spec.failures {
            report(.init(owner: owner, message: "the controller builds nothing for this NLB: \(why) (netsim builds it as written so traces show the rest)", location: svc.meta.location))
        }
        let name = lb.name
        let tgAttrs = spec.targetGroupAttributes
        let crossZone = spec.crossZone ?? false
        var listenerPorts = Set<UInt16>()
        for sp in svc.ports {
            let proto = sp.ipProtocol == .udp ? "UDP" : "TCP"
            guard listenerPorts.insert(sp.port).inserted else {
                report(.init(owner: owner, message: "port \(sp.port) is listed for TCP and UDP; without the TCP_UDP listener (aws-load-balancer-enable-tcp-udp-listener) the controller keeps only the first", location: sp.location))
                continue
            }
            guard let px = proxied(svc, sp) else { continue }
            let targets: [LoadBalancer.Target]
            let port: UInt16
            if targetType == .instance && ipv6Cluster {
                // Not modelled: the walk ends NOT_MODELLED at this target group.
                port = px.nodePort ?? 0
                targets = []
            } else if targetType == .instance {
                guard let np = px.nodePort else {
                    report(.init(owner: owner, message: "port \(sp.port) has no NodePort (allocateLoadBalancerNodePorts: false), so instance targets cannot be registered", location: sp.location))
                    continue
                }
                port = np
                targets = instanceNodes(selector: spec.targetNodeLabels).map {
                    LoadBalancer.Target(ip: $0.primaryIP, port: np, zone: $0.zone, node: $0.name, pod: nil)
                }
            } else {
                targets = ipv6Cluster ? podTargets6(px) : podTargets(px)
                port = targets.first?.port ?? { if case .number(let v) = sp.targetPort { return v }; return 1 }()
            }
            let family = ipv6TargetGroup(lb, targetType: targetType, owner: owner, at: svc.meta.location(ofAnnotation: LBC.svcPrefix + "aws-load-balancer-ip-address-type"))
            let perPort = spec.targetGroupAttributesByPort[sp.port] ?? [:]
            let attrs = tgAttrs.merging(perPort) { _, b in b }
            // AWS's default: on for instance targets and for UDP; off for TCP ip targets.
            let preserve = attrs["preserve_client_ip.enabled"].flatMap(Strconv.parseBool) ?? (targetType == .instance || proto == "UDP")
            let tgCross = attrs["load_balancing.cross_zone.enabled"].flatMap(Strconv.parseBool) ?? crossZone
            var hc = LoadBalancer.HealthCheck(protocolName: "TCP", port: nil, path: nil)
            if targetType == .instance, px.externalPolicyLocal, let hp = px.healthCheckNodePort {
                hc = LoadBalancer.HealthCheck(protocolName: "HTTP", port: hp, path: "/healthz", kubeProxyHealthServer: true)
            }
            if let hp = spec.healthCheckProtocol { hc.protocolName = hp; if hp != "TCP", hc.path == nil { hc.path = "/" }; if hp == "TCP" { hc.path = nil } }
            if let port = spec.healthCheckPort { hc.port = port.number; hc.kubeProxyHealthServer = hc.port != nil && hc.port == px.healthCheckNodePort }
            if let path = spec.healthCheckPath, hc.protocolName != "TCP" { hc.path = path }
            let tgName = Self.name(ns, n, Self.hash([cluster.name, uid, "\(port)", "\(sp.port)", targetType.rawValue, proto, hc.protocolName, "10"]))
            lb.targetGroups.append(LoadBalancer.TargetGroup(
                name: tgName, arn: names.targetGroupARN(tgName),
                targetType: targetType, protocolName: proto, service: "\(ns)/\(n)", servicePort: sp.name.isEmpty ? "\(sp.port)" : sp.name,
                externalPolicyLocal: px.externalPolicyLocal, targets: targets, healthCheck: hc, preserveClientIP: preserve,
                proxyProtocolV2: spec.proxyProtocolV2, crossZone: tgCross, location: sp.location))
            lb.targetGroups[lb.targetGroups.count - 1].ipAddressType = family
            lb.listeners.append(LoadBalancer.Listener(protocolName: proto, port: sp.port, rules: [], defaultAction: .forward(targetGroup: lb.targetGroups.count - 1), location: sp.location))
            // Backend-group rules: the target port in the listener's protocol; TCP for the health check.
            var perms: [(String, UInt16)] = [(proto.lowercased(), port)]
            if proto == "UDP", hc.port == nil { perms.append(("tcp", port)) }
            if let hp = hc.port, hp != port { perms.append(("tcp", hp)) }
            if targetType == .instance || !targets.isEmpty { backendRules(lb: name, targets: targets, perms: perms, owner: owner, at: svc.meta.location, custom: spec.securityGroups != nil, manage: spec.manageBackendRules) }
        }
        // Security groups: the managed frontend group (source ranges to the listener ports) and
        // the shared backend group, unless the annotation names the groups.
        // The nodes' groups are the realized load balancer's; this makes the managed ones.
        if spec.securityGroups != nil {
            if spec.manageBackendRules { backendUsed = true }
        } else {
            var ranges = spec.sourceRanges
            // The default: 0.0.0.0/0, and ::/0 too for a dualstack NLB (controller docs, load-balancer-source-ranges).
            if ranges.isEmpty { ranges = lb.ipAddressType.hasIPv6 ? ["0.0.0.0/0", "::/0"] : ["0.0.0.0/0"] }
            var rules: [SecurityGroupRule] = []
            for l in lb.listeners {
                for c in ranges {
                    if lb.ipAddressType.hasIPv6, let v6 = IPv6CIDR(c) {
                        rules.append(SecurityGroupRule(ipProtocol: l.protocolName == "UDP" ? .udp : .tcp, ports: PortRange(l.port), peer: .ipv6Cidr(v6), description: "", location: l.location))
                        continue
                    }
                    guard let cidr = IPv4CIDR(lenient: c) else { continue }
                    rules.append(SecurityGroupRule(ipProtocol: l.protocolName == "UDP" ? .udp : .tcp, ports: PortRange(l.port), peer: .cidr(cidr), description: "", location: l.location))
                }
            }
            _ = managedGroup(names.managedGroup(svc), rules: rules, at: svc.meta.location)
            backendUsed = true
        }
        finished(lb)
    }

    mutating func backendRules(lb: String, targets: [LoadBalancer.Target], perms: [(String, UInt16)], owner: String, at loc: SourceLocation, custom: Bool, manage: Bool) {
        // With custom frontend groups the controller adds no rules unless told to.
        if custom, !manage { return }
        permit(targets, protocols: perms, owner: owner, at: loc)
    }

    mutating func managedGroup(_ name: String, rules: [SecurityGroupRule], at loc: SourceLocation) -> String {
        out.groups.append(SecurityGroup(name: name, id: AWSID.make("sg", name: "lb/" + name, seed: t.seed), description: "[k8s] Managed SecurityGroup for LoadBalancer",
                                        ingress: rules, egress: defaultEgress(at: loc, description: ""),
                                        tags: [Tag("elbv2.k8s.aws/cluster", cluster.name)], location: loc))
        return name
    }

    // MARK: ALB

    mutating func applicationLoadBalancer(_ spec: ALBSpec) {
        let members = spec.group.ordered
        guard let first = members.first else { return }
        let owners = members.map { "ingress:\($0.meta.namespace)/\($0.meta.name)" }
        guard spec.scheme != nil else {
            out.loadBalancers.append(RealizedLoadBalancer(owner: owners[0], loadBalancer: nil, problems: [
                .init(owner: owners[0], message: "the IngressGroup's scheme is invalid or conflicting (\(spec.schemes.joined(separator: ", "))): the controller builds no ALB (netsim check reports it)", location: first.meta.location)]))
            return
        }
        guard var lb = placed(owners[0]) else { return }
        alb = spec
        for why in spec.failures {
            report(.init(owner: owners[0], message: "the controller fails to build the IngressGroup, so no change reaches this ALB: \(why) (netsim builds it as written, without that setting, so traces show the rest)", location: first.meta.location))
        }
        // Listen ports of each member (HTTP 80, or HTTPS 443 with a certificate).
        var listen: [UInt16: String] = [:]
        var portsOf: [[UInt16]] = []
        for ing in members {
            var mine: [UInt16] = []
            for l in spec.member(ing).listenPorts ?? [] { mine.append(UInt16(l.port)); if listen[UInt16(l.port)] == nil { listen[UInt16(l.port)] = l.proto } }
            portsOf.append(mine)
        }
        var tgIndex: [String: Int] = [:]
        let defaults = members.filter { $0.defaultBackend != nil }
        let sslRedirect = spec.sslRedirect
        for port in listen.keys.sorted() {
            var rules: [LoadBalancer.Rule] = []
            for (m, ing) in members.enumerated() where portsOf[m].contains(port) {
                for rule in ing.rules {
                    for path in Self.sortedPaths(rule.paths) {
                        if let why = refusal(path.backend, ing) {
                            let message = "the rule for \(ing.meta.namespace)/\(ing.meta.name) \(rule.host ?? "*") \(path.path) is not built: \(why)"
                            if !(out.loadBalancers.last?.problems.contains { $0.message == message } ?? false) {
                                report(.init(owner: "ingress:\(ing.meta.namespace)/\(ing.meta.name)", message: message, location: path.backend.location))
                            }
                            continue
                        }
                        guard let action = self.action(for: path.backend, ing, &lb, &tgIndex) else { continue }
                        var hosts = rule.host.map { [$0] } ?? []
                        var paths = Self.pathPatterns(path)
                        if let c = spec.member(ing).conditions[path.backend.serviceName] { hosts += c.hosts; paths += c.paths }
                        if hosts.isEmpty && paths.isEmpty { paths = ["/*"] }
                        let origin = "\(ing.meta.namespace)/\(ing.meta.name): \(rule.host ?? "*") \(path.path) (\(path.pathType.rawValue))"
                        var built = LoadBalancer.Rule(priority: rules.count + 1, hosts: hosts, paths: paths, action: action, origin: origin, location: path.backend.location)
                        built.actionLocation = Self.actionLocation(path.backend, ing)
                        rules.append(built)
                    }
                }
            }
            var def = LoadBalancer.Action.fixedResponse(status: 404, contentType: "text/plain", body: "")
            var defLocation: SourceLocation? = nil
            if defaults.count == 1, let d = defaults.first, let b = d.defaultBackend, let a = self.action(for: b, d, &lb, &tgIndex) {
                def = a
                defLocation = Self.actionLocation(b, d) ?? b.location
            }
            let proto = listen[port] ?? "HTTP"
            // The rule optimizer drops redirects back to this very listener (they would loop).
            let probe = LoadBalancer.Listener(protocolName: proto, port: port, rules: [], defaultAction: def, location: first.meta.location)
            rules = rules.filter { if case .redirect(let r) = $0.action { return !r.loops(on: probe) }; return true }
            for k in rules.indices { rules[k].priority = k + 1 }
            // ssl-redirect: an HTTP listener only redirects to HTTPS, with no rules.
            if proto == "HTTP", let ssl = sslRedirect {
                rules = []
                var r = LoadBalancer.Redirect(status: 301)
                r.proto = "HTTPS"
                r.port = ssl
                def = .redirect(r)
            }
            if defaults.count > 1 {
                report(.init(owner: owners[0], message: "multiple ingress defined default backend: \(defaults.map { "\($0.meta.namespace)/\($0.meta.name)" }.joined(separator: ", "))", location: defaults[1].meta.location))
            }
            // The listener is where the first member listening on the port says so.
            let definer = members.indices.first { portsOf[$0].contains(port) }.map { members[$0] } ?? first
            var listener = LoadBalancer.Listener(protocolName: proto, port: port, rules: rules, defaultAction: def,
                                                 location: definer.meta.location(ofAnnotation: LBC.albPrefix + "listen-ports"))
            listener.defaultActionLocation = sslRedirect != nil && proto == "HTTP"
                ? (members.first { $0.meta.annotations[LBC.albPrefix + "ssl-redirect"] != nil } ?? first).meta.location(ofAnnotation: LBC.albPrefix + "ssl-redirect") : defLocation
            lb.listeners.append(listener)
        }
        if spec.securityGroups != nil {
            if spec.manageBackendRules { backendUsed = true }
        } else {
            // The default: 0.0.0.0/0, and ::/0 too for a dualstack ALB (controller docs, inbound-cidrs).
            let cidrs = spec.inboundCIDRs ?? (lb.ipAddressType.hasIPv6 ? ["0.0.0.0/0", "::/0"] : ["0.0.0.0/0"])
            var rules: [SecurityGroupRule] = []
            for l in lb.listeners {
                for c in cidrs {
                    if lb.ipAddressType.hasIPv6, let v6 = IPv6CIDR(c) { rules.append(SecurityGroupRule(ipProtocol: .tcp, ports: PortRange(l.port), peer: .ipv6Cidr(v6), location: l.location)); continue }
                    if let cidr = IPv4CIDR(lenient: c) { rules.append(SecurityGroupRule(ipProtocol: .tcp, ports: PortRange(l.port), peer: .cidr(cidr), location: l.location)) }
                }
            }
            _ = managedGroup(names.managedGroup(spec.group), rules: rules, at: first.meta.location)
            backendUsed = true
        }
        finished(lb)
    }

    /// Where a backend's `actions.<name>` annotation is written; nil for a Service backend.
    static func actionLocation(_ b: Ingress.Backend, _ ing: Ingress) -> SourceLocation? {
        guard case .name("use-annotation") = b.port else { return nil }
        let key = LBC.albPrefix + "actions." + b.serviceName
        return ing.meta.annotations[key] != nil ? ing.meta.location(ofAnnotation: key) : nil
    }

    /// Why the controller (or ELB) refuses the rule of a backend: its `actions.<name>` or its
    /// `conditions.<name>` annotation is refused.
    func refusal(_ b: Ingress.Backend, _ ing: Ingress) -> String? {
        let m = alb?.member(ing)
        if case .name("use-annotation") = b.port, let why = m?.refusals[b.serviceName] { return why }
        return m?.conditions[b.serviceName]?.refused
    }

    /// Exact paths first, then Prefix paths longest first, then ImplementationSpecific ones in
    /// manifest order (`sortIngressPaths`).
    static func sortedPaths(_ paths: [Ingress.Path]) -> [Ingress.Path] {
        let exact = paths.filter { $0.pathType == .Exact }
        let prefix = paths.enumerated().filter { $0.element.pathType == .Prefix }
            .sorted { a, b in a.element.path.count != b.element.path.count ? a.element.path.count > b.element.path.count : a.offset < b.offset }.map(\.element)
        return exact + prefix + paths.filter { $0.pathType == .ImplementationSpecific }
    }

    /// path-pattern values (`buildPathPatterns`): Prefix `/` is `/*`; Prefix `/a` is `/a` and `/a/*`.
    static func pathPatterns(_ p: Ingress.Path) -> [String] {
        switch p.pathType {
        case .Prefix:
            if p.path == "/" { return ["/*"] }
            var base = p.path
            while base.count > 1, base.hasSuffix("/") { base.removeLast() }
            return [base, base + "/*"]
        case .Exact, .ImplementationSpecific: return [p.path]
        }
    }

    /// The action for a backend: forward to the Service's target group, or the `actions.<name>`
    /// annotation; a missing Service or action answers 503 (tolerated by default).
    mutating func action(for b: Ingress.Backend, _ ing: Ingress, _ lb: inout LoadBalancer, _ tgIndex: inout [String: Int]) -> LoadBalancer.Action? {
        if case .name("use-annotation") = b.port {
            guard let a = alb?.member(ing).actions[b.serviceName] else {
                return .fixedResponse(status: 503, contentType: "text/plain", body: "Backend action does not exist")
            }
            // ELB refuses the action, so the controller cannot build the rule (check reports it).
            if a.refusal != nil { return nil }
            switch a {
            case .fixedResponse(let status, let contentType, let body):
                return .fixedResponse(status: status, contentType: contentType, body: body)
            case .redirect(let status, let proto, let host, let port, let path, let query):
                var r = LoadBalancer.Redirect(status: status)
                if let x = proto { r.proto = x }
                if let x = host { r.host = x }
                if let x = port { r.port = x }
                if let x = path { r.path = x }
                if let x = query { r.query = x }
                return .redirect(r)
            case .forward(let svcName, let port):
                return action(for: Ingress.Backend(serviceName: svcName, port: port, location: b.location), ing, &lb, &tgIndex)
            case .external(let tg): return .external(targetGroup: tg)
            case .invalid: return nil
            }
        }
        let k = t.kubernetes
        guard let svc = k.service(namespace: ing.meta.namespace, name: b.serviceName) else {
            return .fixedResponse(status: 503, contentType: "text/plain", body: "Backend service does not exist")
        }
        guard let sp = svc.port(b.port),
              let px = proxied(svc, sp) else { return nil }
        let settings = specs.targetSettings(service: svc, ingress: ing)
        let tt = LBC.TargetType(rawValue: settings.targetType ?? "instance") ?? .instance
        let key = "\(svc.meta.namespace)/\(svc.meta.name)/\(sp.port)/\(tt.rawValue)/\(ing.meta.namespace)/\(ing.meta.name)"
        if let i = tgIndex[key] { return .forward(targetGroup: i) }
        let targets: [LoadBalancer.Target]
        let port: UInt16
        if tt == .instance && ipv6Cluster {
            // Not modelled (the walk ends NOT_MODELLED at this target group): no targets, and no
            // NodePort needed (an IPv6 cluster's NodePorts are not allocated by netsim).
            port = px.nodePort ?? 0
            targets = []
        } else if tt == .instance {
            guard let np = px.nodePort else { return nil }
            port = np
            targets = instanceNodes(selector: settings.targetNodeLabels).map { LoadBalancer.Target(ip: $0.primaryIP, port: np, zone: $0.zone, node: $0.name, pod: nil) }
        } else {
            targets = ipv6Cluster ? podTargets6(px) : podTargets(px)
            port = targets.first?.port ?? { if case .number(let v) = sp.targetPort { return v }; return 1 }()
        }
        let family = ipv6TargetGroup(lb, targetType: tt, owner: "ingress:\(ing.meta.namespace)/\(ing.meta.name)",
                                     at: ing.meta.location(ofAnnotation: LBC.albPrefix + "ip-address-type"))
        var hc = LoadBalancer.HealthCheck(protocolName: settings.healthCheckProtocol ?? "HTTP", port: nil, path: settings.healthCheckPath ?? "/")
        hc.port = settings.healthCheckPort?.number
        let attrs = settings.attributes ?? [:]
        let uid = uid("Service", svc.meta.namespace, svc.meta.name)
        let tgName = Self.name(svc.meta.namespace, svc.meta.name, Self.hash([cluster.name, lb.group ?? "\(ing.meta.namespace)/\(ing.meta.name)", ing.meta.namespace, ing.meta.name, uid, "\(b.port)", "\(port)", tt.rawValue, "HTTP", "HTTP1"]))
        lb.targetGroups.append(LoadBalancer.TargetGroup(
            name: tgName, arn: names.targetGroupARN(tgName),
            targetType: tt, protocolName: "HTTP", service: "\(svc.meta.namespace)/\(svc.meta.name)", servicePort: sp.name.isEmpty ? "\(sp.port)" : sp.name,
            externalPolicyLocal: px.externalPolicyLocal, targets: targets, healthCheck: hc, preserveClientIP: false, proxyProtocolV2: false,
            crossZone: attrs["load_balancing.cross_zone.enabled"].flatMap(Strconv.parseBool) ?? true, location: b.location))
        lb.targetGroups[lb.targetGroups.count - 1].ipAddressType = family
        var perms: [(String, UInt16)] = [("tcp", port)]
        if let hp = hc.port, hp != port { perms.append(("tcp", hp)) }
        backendRules(lb: lb.name, targets: targets, perms: perms, owner: "ingress:\(ing.meta.namespace)/\(ing.meta.name)", at: b.location,
                     custom: alb?.securityGroups != nil, manage: alb?.manageBackendRules == true)
        tgIndex[key] = lb.targetGroups.count - 1
        return .forward(targetGroup: lb.targetGroups.count - 1)
    }

    /// A new group's default egress (EC2 `CreateSecurityGroup`): all IPv4, and all IPv6 too in
    /// a VPC with an IPv6 block (as the converter gives the topology's groups).
    func defaultEgress(at loc: SourceLocation, description: String?) -> [SecurityGroupRule] {
        var out = [description.map { SecurityGroupRule(ipProtocol: .all, peer: .cidr(.any), description: $0, location: loc) }
                   ?? SecurityGroupRule(ipProtocol: .all, peer: .cidr(.any), location: loc)]
        if !vpc.ipv6CidrBlocks.isEmpty, let any6 = IPv6CIDR("::/0") {
            out.append(SecurityGroupRule(ipProtocol: .all, peer: .ipv6Cidr(any6), description: description ?? "", location: loc))
        }
        return out
    }

    // MARK: finish

    /// The shared backend group, and one collapsed rule per target group and protocol
    /// (`computeRestrictedIngressPermissionsPerSG`).
    mutating func finish() {
        if backendUsed {
            let loc = out.loadBalancers.lazy.compactMap(\.loadBalancer).first?.location ?? SourceLocation(file: "<aws-load-balancer-controller>", line: 0, column: 0)
            out.groups.append(SecurityGroup(name: backendGroupName, id: AWSID.make("sg", name: "lb/" + backendGroupName, seed: t.seed),
                                            description: "[k8s] Shared Backend SecurityGroup for LoadBalancer", ingress: [],
                                            egress: defaultEgress(at: loc, description: nil),
                                            tags: [Tag("elbv2.k8s.aws/cluster", cluster.name), Tag("elbv2.k8s.aws/resource", "backend-sg")], location: loc))
        }
        for g in permissions.keys.sorted() {
            for proto in (permissions[g] ?? [:]).keys.sorted() {
                guard let (lo, hi, loc) = permissions[g]?[proto] else { continue }
                out.targetRules[g, default: []].append(SecurityGroupRule(ipProtocol: proto == "udp" ? .udp : .tcp, ports: PortRange(lo, hi), peer: .securityGroup(backendGroupName),
                                                                          description: "elbv2.k8s.aws/targetGroupBinding=shared", location: loc))
            }
        }
    }
}
