import NetsimIPAM
import NetsimModel
import Yams

extension TopologyConverter {
    // MARK: Kubernetes section

    func convertKubernetes(_ r: MappingReader, kubernetesMinor: Int? = nil, ipv6Cluster: Bool = false) -> KubernetesObjects {
        let m = ManifestConverter(file: file, reporter: reporter, objects: KubernetesObjects(), seen: [:])
        m.kubernetesMinor = kubernetesMinor
        m.ipv6Cluster = ipv6Cluster
        for item in r.list("manifests") ?? [] {
            switch item {
            case .scalar(let s):
                for (path, docs) in manifests.documents(matching: s.string, at: item.location(in: file)) {
                    let fileConverter = ManifestConverter(file: path, reporter: reporter, objects: m.objects, seen: m.seen)
                    fileConverter.kubernetesMinor = kubernetesMinor
                    fileConverter.ipv6Cluster = ipv6Cluster
                    for d in docs { fileConverter.add(document: d) }
                    m.objects = fileConverter.objects
                    m.seen = fileConverter.seen
                }
            case .mapping:
                m.add(document: item)
            default:
                reporter.error(.wrongType, "an item of 'manifests' must be a file glob or an inline manifest, found \(item.kindDescription)",
                               at: item.location(in: file))
            }
        }
        var objects = m.objects
        objects.observed = convertObserved(r)
        r.finish()
        return objects
    }

    // MARK: implicit objects

    /// Adds what AWS creates with every VPC when the file does not state it: the main route
    /// table (local routes only), the default network ACL (allow all, rule 100; 101 for IPv6)
    /// and the default security group (all from itself in, all out).
    func addImplicitObjects(_ t: inout Topology) {
        for i in t.vpcs.indices {
            var vpc = t.vpcs[i]
            func implicit(_ kind: Kind, _ name: String) {
                implicitDefinitions[kind, default: []].append(Definition(kind: kind, name: name, vpc: vpc.name, location: vpc.location))
            }
            let mains = vpc.routeTables.filter(\.isMain)
            if mains.count > 1 {
                reporter.error(.multipleMainRouteTables, "VPC '\(echo: vpc.name)' has \(mains.count) main route tables", at: mains[1].location,
                               hint: "exactly one route table is main", notes: [Diagnostic.Note("main route table", at: mains[0].location)])
            }
            if mains.isEmpty {
                let name = vpc.routeTables.contains { $0.name == "main" } ? "\(vpc.name)-main" : "main"
                vpc.routeTables.insert(RouteTable(name: name, id: AWSID.make("rtb", name: name, seed: seed), isMain: true,
                                                  routes: [], location: vpc.location), at: 0)
                implicit(.routeTable, name)
            }
            let defaults = vpc.networkACLs.filter(\.isDefault)
            if defaults.count > 1 {
                reporter.error(.invalidValue, "VPC '\(echo: vpc.name)' has \(defaults.count) default network ACLs", at: defaults[1].location,
                               notes: [Diagnostic.Note("default network ACL", at: defaults[0].location)])
            }
            if defaults.isEmpty {
                let name = vpc.networkACLs.contains { $0.name == "default" } ? "\(vpc.name)-default" : "default"
                var inbound = [NetworkACLRule(number: 100, ipProtocol: .all, action: .allow, block: .v4(.any), location: vpc.location)]
                if !vpc.ipv6CidrBlocks.isEmpty, let any6 = IPv6CIDR("::/0") {
                    inbound.append(NetworkACLRule(number: 101, ipProtocol: .all, action: .allow, block: .v6(any6), location: vpc.location))
                }
                vpc.networkACLs.insert(NetworkACL(name: name, id: AWSID.make("acl", name: name + "/" + vpc.name, seed: seed), isDefault: true,
                                                  inbound: inbound, outbound: inbound, location: vpc.location), at: 0)
                implicit(.networkACL, name)
            }
            if !vpc.securityGroups.contains(where: { $0.name == "default" }) {
                var egress = [SecurityGroupRule(ipProtocol: .all, peer: .cidr(.any), location: vpc.location)]
                if !vpc.ipv6CidrBlocks.isEmpty, let any6 = IPv6CIDR("::/0") {
                    egress.append(SecurityGroupRule(ipProtocol: .all, peer: .ipv6Cidr(any6), location: vpc.location))
                }
                vpc.securityGroups.insert(SecurityGroup(
                    name: "default", id: AWSID.make("sg", name: "default/" + vpc.name, seed: seed),
                    description: "default VPC security group",
                    ingress: [SecurityGroupRule(ipProtocol: .all, peer: .securityGroup("default"), location: vpc.location)],
                    egress: egress, location: vpc.location), at: 0)
                implicit(.securityGroup, "default")
            }
            t.vpcs[i] = vpc
        }
    }

    // MARK: references

    func resolve(_ t: inout Topology) {
        // Plain references.
        for ref in references {
            if let def = lookup(ref.kind, ref.name, in: ref.vpc) {
                if let want = ref.vpc, let have = def.vpc, want != have, !ref.crossVPC {
                    reporter.error(.undefinedReference, "\(ref.context) refers to \(ref.kind.rawValue) '\(echo: ref.name)' of VPC '\(echo: have)', not of VPC '\(echo: want)'",
                                   at: ref.location, hint: "use a \(ref.kind.rawValue) of the same VPC",
                                   notes: [Diagnostic.Note("defined here", at: def.location)])
                }
                continue
            }
            let names = Set((definitions[ref.kind] ?? [:]).keys).union((implicitDefinitions[ref.kind] ?? []).map(\.name)).sorted()
            let dym = Suggestions.didYouMean(ref.name, in: names)
            var hint = dym
            if hint.isEmpty {
                let other = Kind.allCases.first { definitions[$0]?[ref.name] != nil }
                if let other { hint = "'\(echo: ref.name)' is a \(other.rawValue), not a \(ref.kind.rawValue)" }
                else if names.isEmpty { hint = "no \(ref.kind.rawValue) is defined in this topology" }
                else { hint = "defined \(ref.kind.rawValue)s: " + names.prefix(8).map { Echo.clip($0) }.joined(separator: ", ") }
            }
            reporter.error(.undefinedReference, "\(ref.context) refers to \(ref.kind.rawValue) '\(echo: ref.name)', which is not defined",
                           at: ref.location, hint: hint)
        }
        resolveRouteTargets(&t)
        checkAddressPlan(t)
        checkIPv6Plan(t)
        checkCluster(t)
        checkFargateProfiles(t)
        checkNetworkPolicySettings(t)
        checkSecurityGroupsForPods(t)
        checkExternals(t)
        checkOnPremises(t)
    }

    func resolveRouteTargets(_ t: inout Topology) {
        let targetKinds = Kind.allCases.filter(\.isRouteTarget)
        for p in pendingRouteTargets {
            guard let vi = t.vpcs.firstIndex(where: { $0.name == p.vpc }),
                  let ti = t.vpcs[vi].routeTables.firstIndex(where: { $0.name == p.table }),
                  p.index < t.vpcs[vi].routeTables[ti].routes.count else { continue }
            let route = t.vpcs[vi].routeTables[ti].routes[p.index]
            let matches = targetKinds.filter { definitions[$0]?[p.name] != nil }
            guard let kind = matches.first else {
                if let other = Kind.allCases.first(where: { definitions[$0]?[p.name] != nil }) {
                    reporter.error(.wrongTargetKind, "route target '\(echo: p.name)' is a \(other.rawValue); routes lead to gateways and interfaces",
                                   at: p.location, hint: "name an internet gateway, NAT gateway, peering connection, transit gateway, gateway endpoint or network interface, or write local or blackhole")
                } else {
                    let names = targetKinds.flatMap { (definitions[$0] ?? [:]).keys }.sorted() + ["local", "blackhole"]
                    let dym = Suggestions.didYouMean(p.name, in: names)
                    reporter.error(.undefinedReference, "route table '\(echo: p.table)' routes to '\(echo: p.name)', which is not defined",
                                   at: p.location, hint: dym.isEmpty ? "route targets: \(names.joined(separator: ", "))" : dym)
                }
                continue
            }
            if matches.count > 1 {
                reporter.error(.duplicateName, "route target '\(echo: p.name)' names both a \(matches[0].rawValue) and a \(matches[1].rawValue)",
                               at: p.location, hint: "rename one of them")
                continue
            }
            let def = definitions[kind]?[p.name]
            let target: Route.Target
            switch kind {
            case .internetGateway: target = .internetGateway(p.name)
            case .egressOnlyInternetGateway: target = .egressOnlyInternetGateway(p.name)
            case .natGateway: target = .natGateway(p.name)
            case .peeringConnection: target = .peeringConnection(p.name)
            case .transitGateway: target = .transitGateway(p.name)
            case .gatewayEndpoint: target = .gatewayEndpoint(p.name)
            case .vpnGateway: target = .vpnGateway(p.name)
            default: target = .networkInterface(p.name)
            }
            t.vpcs[vi].routeTables[ti].routes[p.index].target = target
            let vpc = t.vpcs[vi]
            if let owner = def?.vpc, owner != vpc.name {
                reporter.error(.wrongTargetKind, "route target '\(echo: p.name)' is a \(kind.rawValue) of VPC '\(echo: owner)'; route table '\(echo: p.table)' belongs to VPC '\(echo: vpc.name)'",
                               at: p.location, hint: "a route can only use gateways and interfaces of its own VPC")
                continue
            }
            switch (kind, route.destination) {
            case (.gatewayEndpoint, .ipv4), (.gatewayEndpoint, .ipv6):
                reporter.error(.wrongTargetKind, "gateway endpoint '\(echo: p.name)' can only be the target of its prefix-list route",
                               at: p.location, hint: "write prefixList: NAME as the destination")
            case (.egressOnlyInternetGateway, .ipv4):
                reporter.error(.wrongTargetKind, "egress-only internet gateway '\(echo: p.name)' carries IPv6 only", at: p.location,
                               hint: "route IPv4 to an internet or NAT gateway")
            case (.natGateway, .ipv6):
                reporter.error(.wrongTargetKind, "NAT gateway '\(echo: p.name)' cannot take an IPv6 destination here", at: p.location,
                               hint: "route IPv6 to an egress-only internet gateway")
            case (.peeringConnection, _):
                if let pcx = t.peeringConnections.first(where: { $0.name == p.name }),
                   pcx.requesterVPC != vpc.name && pcx.accepterVPC != vpc.name {
                    reporter.error(.wrongTargetKind, "peering connection '\(echo: p.name)' does not involve VPC '\(echo: vpc.name)'", at: p.location)
                }
            case (.transitGateway, _):
                if let tgw = t.transitGateways.first(where: { $0.name == p.name }), !tgw.vpcAttachments.contains(vpc.name) {
                    reporter.error(.wrongTargetKind, "transit gateway '\(echo: p.name)' has no attachment for VPC '\(echo: vpc.name)'", at: p.location,
                                   hint: "add '\(echo: vpc.name)' to its vpcAttachments")
                }
            default: break
            }
        }
        // Routes written with target `local` must be for a VPC CIDR; duplicate destinations are refused.
        for vpc in t.vpcs {
            for table in vpc.routeTables {
                var seen: [Route.Destination: SourceLocation] = [:]
                for route in table.routes {
                    if let first = seen[route.destination] {
                        reporter.error(.duplicateRoute, "route table '\(echo: table.name)' has two routes for \(route.destination)", at: route.location,
                                       hint: "keep one", notes: [Diagnostic.Note("first route here", at: first)])
                    }
                    seen[route.destination] = route.location
                    if route.target == .local, case .ipv4(let c) = route.destination, !vpc.cidrBlocks.contains(c) {
                        reporter.error(.wrongTargetKind, "target local is only for the VPC's own CIDR blocks, not \(c)", at: route.location,
                                       hint: "local routes exist for \(vpc.cidrBlocks.map(\.description).joined(separator: ", ")) without being written")
                    }
                    if case .ipv4(let c) = route.destination, route.target != .local,
                       let block = vpc.cidrBlocks.first(where: { $0.contains(c) }) {
                        let isSubnet = vpc.subnets.contains { $0.cidr == c }
                        let middlebox: Bool
                        switch route.target { case .natGateway, .networkInterface: middlebox = true; default: middlebox = false }
                        if !middlebox || !(isSubnet || c == block) {
                            let message = c == block
                                ? "the local route for \(block) exists already; only a NAT gateway or network interface can replace its target"
                                : "route to \(c) is inside the VPC's local range \(block)"
                            reporter.error(.wrongTargetKind, message, at: route.location,
                                           hint: "AWS only accepts a route more specific than local for a whole subnet CIDR, to a NAT gateway or network interface")
                        }
                    }
                }
            }
        }
    }

    // MARK: address plan

    func checkAddressPlan(_ t: Topology) {
        // VPC blocks must not overlap each other, within or across VPCs.
        var blocks: [(IPv4CIDR, String)] = []
        for vpc in t.vpcs {
            for b in vpc.cidrBlocks {
                let loc = locations["vpcblock:\(vpc.name):\(b)"] ?? vpc.location
                if let clash = blocks.first(where: { $0.0.overlaps(b) }) {
                    reporter.error(.overlappingVPCBlocks, "CIDR block \(b) of VPC '\(echo: vpc.name)' overlaps \(clash.0) of VPC '\(echo: clash.1)'", at: loc,
                                   hint: "VPC blocks, and blocks of VPCs that peer, must not overlap")
                }
                blocks.append((b, vpc.name))
            }
        }
        for vpc in t.vpcs {
            var placed: [Subnet] = []
            for s in vpc.subnets {
                if !vpc.cidrBlocks.isEmpty && !vpc.cidrBlocks.contains(where: { $0.contains(s.cidr) }) {
                    reporter.error(.subnetOutsideVPC, "subnet '\(echo: s.name)' (\(s.cidr)) is not inside any CIDR block of VPC '\(echo: vpc.name)' (\(vpc.cidrBlocks.map(\.description).joined(separator: ", ")))",
                                   at: s.location, hint: "pick a range inside the VPC, or add a CIDR block to the VPC")
                }
                if let clash = placed.first(where: { $0.cidr.overlaps(s.cidr) }) {
                    reporter.error(.overlappingSubnets, "subnet '\(echo: s.name)' (\(s.cidr)) overlaps subnet '\(echo: clash.name)' (\(clash.cidr))",
                                   at: s.location, hint: "subnets of one VPC must not share addresses",
                                   notes: [Diagnostic.Note("subnet '\(echo: clash.name)' is here", at: clash.location)])
                }
                placed.append(s)
            }
            for nat in vpc.natGateways {
                if let ip = nat.privateIP, let subnet = vpc.subnet(named: nat.subnet) {
                    checkFixedAddress(ip, in: subnet, what: "NAT gateway '\(echo: nat.name)'", at: locations["nat-ip:\(nat.name)"] ?? nat.location)
                }
            }
            for eni in vpc.networkInterfaces {
                if let ip = eni.privateIP, let subnet = vpc.subnet(named: eni.subnet) {
                    checkFixedAddress(ip, in: subnet, what: "network interface '\(echo: eni.name)'", at: locations["eni-ip:\(eni.name)"] ?? eni.location)
                }
            }
        }
        if let cluster = t.cluster, let vpc = t.primaryVPC {
            for b in vpc.cidrBlocks where b.overlaps(cluster.serviceCIDR) {
                reporter.error(.serviceCIDROverlap, "service CIDR \(cluster.serviceCIDR) overlaps VPC block \(b)",
                               at: locations["serviceCidr"] ?? cluster.location,
                               hint: "choose a range outside the VPC, e.g. 172.20.0.0/16 (EKS's default is 10.100.0.0/16 or 172.20.0.0/16)")
            }
        }
    }

    func checkFixedAddress(_ ip: IPv4Address, in subnet: Subnet, what: String, at loc: SourceLocation) {
        if !subnet.cidr.contains(ip) {
            reporter.error(.addressOutsideSubnet, "\(what) address \(ip) is not inside subnet '\(echo: subnet.name)' (\(subnet.cidr))", at: loc)
        } else if subnet.isReserved(ip) {
            reporter.error(.addressOutsideSubnet, "\(what) address \(ip) is one of the five addresses AWS reserves in \(subnet.cidr)", at: loc,
                           hint: "AWS keeps the first four addresses and the last one of every subnet")
        }
    }

    // MARK: cluster

    func checkCluster(_ t: Topology) {
        guard let cluster = t.cluster, let vpc = t.primaryVPC else { return }
        let settings = cluster.awsNode
        let eniConfigLabelKey = settings.eniConfigLabel
        let zoneLabels: Set<String> = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"]
        for e in cluster.eniConfigs {
            if let s = vpc.subnet(named: e.subnet), zoneLabels.contains(eniConfigLabelKey), e.name != s.zone {
                reporter.warning(.eniConfigZone, "ENIConfig '\(echo: e.name)' is chosen by zone name, but its subnet '\(echo: s.name)' is in \(s.zone)",
                                 at: e.location, hint: "with ENI_CONFIG_LABEL_DEF=\(eniConfigLabelKey), name each ENIConfig after its zone")
            }
        }
        let explicit = Set(cluster.cni.map(\.name))
        checkCNISettingsFamily(cluster)
        for (name, reason) in settings.ignoredSettings(explicit: explicit) {
            let loc = settings.sources[name] ?? cluster.location
            // WARM_PREFIX_TARGET=0 is acted on (ipamd v1.23.1 isDatastorePoolTooLow), only sparsely.
            let acted = name == "WARM_PREFIX_TARGET" && settings.prefixDelegation && !settings.warmIPTargetsSet && settings.warmPrefixTarget == 0
            reporter.warning(.ignoredCNISetting, acted ? "\(name) \(reason)" : "\(name) has no effect: \(reason)", at: loc,
                             hint: acted ? "WARM_PREFIX_TARGET=1 (the default) keeps one free prefix ready; see Docs/capacity.md for how ipamd combines the warm-pool settings"
                                         : "remove it, or see Docs/capacity.md for how ipamd combines the warm-pool settings")
        }
        for g in cluster.nodeGroups {
            if let type = catalog[g.instanceType] {
                checkSubnetsHoldOneNode(g, type: type, settings: settings, vpc: vpc)
            }
            let zones = Array(Set(g.subnets.compactMap { vpc.subnet(named: $0)?.zone })).sorted()
            if cluster.customNetworking {
                for zone in zones {
                    let chosen: String?
                    if let label = g.labels[key: "k8s.amazonaws.com/eniConfig"] ?? g.labels[key: eniConfigLabelKey],
                       !zoneLabels.contains(eniConfigLabelKey) { chosen = label }
                    else if zoneLabels.contains(eniConfigLabelKey) { chosen = zone }
                    else { chosen = nil }
                    let config = chosen.flatMap { c in cluster.eniConfigs.first { $0.name == c } }
                    let configZone = config.flatMap { vpc.subnet(named: $0.subnet)?.zone }
                    if config == nil || configZone != zone {
                        let why: String
                        if let chosen, config == nil { why = "ENIConfig '\(echo: chosen)' is not defined" }
                        else if let config, let configZone { why = "ENIConfig '\(echo: config.name)' has a subnet in \(configZone)" }
                        else { why = "the nodes carry no ENIConfig label" }
                        reporter.error(.eniConfigZone, "custom networking is on, but nodes of '\(echo: g.name)' in \(zone) have no ENIConfig for their zone: \(why)",
                                       at: g.location,
                                       hint: "add an ENIConfig whose subnet is in \(zone), selected by the label 'k8s.amazonaws.com/eniConfig' or by zone with ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone")
                    }
                }
            }
            if let type = catalog[g.instanceType] {
                // The rule `netsim capacity` applies too (max-pods-exceeds-ips), with the same figures.
                let mp = MaxPods(type: type, options: MaxPodsOptions(cluster: cluster))
                let zone = g.subnets.first.flatMap { vpc.subnet(named: $0)?.zone } ?? ""
                let host = KubeletMaxPodsExcess.hostNetworkPods(g, type: type, zone: zone, region: t.region, kubernetes: t.kubernetes)
                if let excess = KubeletMaxPodsExcess.check(group: g, type: type, maxPods: mp, customNetworking: settings.customNetworking,
                                                           prefixDelegationRequested: settings.prefixDelegation, hostNetworkPods: host) {
                    reporter.warning(.maxPodsOverride, excess.message, at: locations["maxPods:\(g.name)"] ?? g.location, hint: excess.hint)
                }
            }
        }
    }

    /// A node needs its primary address and, unless custom networking moves pods elsewhere, the
    /// warm pool ipamd builds at start; a subnet smaller than that cannot run one pod.
    func checkSubnetsHoldOneNode(_ g: NodeGroup, type: InstanceType, settings: CNISettings, vpc: VPC) {
        let prefixes = settings.prefixDelegation && (type.hypervisor == .nitro || type.isBareMetal)
        let perENI = max(0, type.ipv4PerENI - 1) * (prefixes ? 16 : 1)
        var pool: Int
        if settings.warmIPTargetsSet {
            pool = max(settings.warmIPTarget, settings.minimumIPTarget, 1)
            if prefixes { pool = (pool + 15) / 16 * 16 }
        } else if prefixes {
            pool = 16 * max(1, settings.warmPrefixTarget)
        } else {
            pool = perENI * max(1, settings.warmENITarget)
        }
        pool = min(pool, perENI * max(1, type.eniLimit))
        let trunk = settings.podENI && (type.isTrunkingCompatible ?? true) ? 1 : 0
        let need = 1 + trunk + (settings.customNetworking ? 0 : pool)
        for name in Set(g.subnets).sorted() {
            guard let s = vpc.subnet(named: name), s.usableAddressCount < need else { continue }
            reporter.warning(.subnetTooSmall,
                             "subnet '\(echo: s.name)' (\(s.cidr), \(s.usableAddressCount) usable addresses) cannot hold one \(type.name) node of '\(echo: g.name)': its primary address and first warm pool take \(need)",
                             at: g.location,
                             hint: prefixes ? "prefix delegation needs whole free /28 blocks; use a larger subnet" : "use a larger subnet, or lower the warm pool with WARM_IP_TARGET and MINIMUM_IP_TARGET")
        }
    }

    func checkExternals(_ t: Topology) {
        for e in t.externals {
            if let subnetName = e.subnet, let (_, subnet) = t.subnet(named: subnetName), case .host(let ip) = e.address {
                checkFixedAddress(ip, in: subnet, what: "external '\(echo: e.name)'", at: locations["external-ip:\(e.name)"] ?? e.location)
            }
            if let via = e.via {
                let ok = definitions[.transitGateway]?[via] != nil || definitions[.peeringConnection]?[via] != nil
                    || definitions[.internetGateway]?[via] != nil || definitions[.vpnGateway]?[via] != nil || via == "internet"
                if !ok {
                    let names = [Kind.transitGateway, .vpnGateway, .peeringConnection, .internetGateway].flatMap { (definitions[$0] ?? [:]).keys }.sorted()
                    let dym = Suggestions.didYouMean(via, in: names)
                    reporter.error(.undefinedReference, "external '\(echo: e.name)' is reached via '\(echo: via)', which is not a transit gateway, virtual private gateway, peering connection or internet gateway",
                                   at: locations["via:\(e.name)"] ?? e.location,
                                   hint: dym.isEmpty ? (names.isEmpty ? "define the gateway, or drop 'via' for a network on the internet" : "gateways: " + names.prefix(8).map { Echo.clip($0) }.joined(separator: ", ")) : dym)
                }
            }
        }
    }

    // MARK: Kubernetes checks

    func validateKubernetes(_ t: Topology) {
        let k = t.kubernetes
        let cluster = t.cluster
        var nodePorts: [UInt16: (String, SourceLocation)] = [:]
        var clusterIPs: [UInt32: (String, SourceLocation)] = [:]
        // Services select pods of their own namespace only: index workloads once.
        let workloadsByNamespace = Dictionary(grouping: k.workloads, by: \.meta.namespace)
        for svc in k.services {
            let ctx = "Service \(svc.meta.namespace)/\(svc.meta.name)"
            for p in svc.ports {
                guard let np = p.nodePort else { continue }
                let range = cluster?.nodePortRange ?? PortRange(30000, 32767)
                if svc.type == .ClusterIP || svc.type == .ExternalName {
                    reporter.error(.nodePortRange, "\(ctx) is type \(svc.type.rawValue) but sets nodePort \(np)", at: p.location,
                                   hint: "nodePort is only for NodePort and LoadBalancer Services")
                } else if !range.contains(np) {
                    reporter.error(.nodePortRange, "nodePort \(np) of \(ctx) is outside the node-port range \(range)", at: p.location,
                                   hint: "pick a port in \(range), or leave nodePort out to have one allocated")
                } else if let (other, loc) = nodePorts[np] {
                    reporter.error(.nodePortConflict, "nodePort \(np) of \(ctx) is already used by \(other)", at: p.location,
                                   notes: [Diagnostic.Note("first used here", at: loc)])
                } else {
                    nodePorts[np] = (ctx, p.location)
                }
            }
            if let ip = svc.clusterIP, let a = IPv4Address(ip), let cluster, !cluster.serviceCIDR.contains(a) {
                reporter.error(.clusterIPOutsideRange, "clusterIP \(a) of \(ctx) is outside the service CIDR \(cluster.serviceCIDR)",
                               at: svc.meta.location, hint: "pick an address in \(cluster.serviceCIDR), or leave clusterIP out")
            } else if let ip = svc.clusterIP, let a = IPv4Address(ip) {
                // The API server allocates each cluster IP once: the second Service is refused
                // ("provided IP is already allocated").
                if let (other, loc) = clusterIPs[a.value] {
                    reporter.error(.duplicateClusterIP, "clusterIP \(a) of \(ctx) is already allocated to \(other)", at: svc.meta.location,
                                   hint: "give each Service its own clusterIP, or leave clusterIP out to have one allocated",
                                   notes: [Diagnostic.Note("allocated here", at: loc)])
                } else {
                    clusterIPs[a.value] = (ctx, svc.meta.location)
                }
            }
            if let selector = svc.selector {
                let labelSelector = LabelSelector(matchLabels: selector)
                let pods = (workloadsByNamespace[svc.meta.namespace] ?? []).filter { labelSelector.matches($0.template.labels) }
                if pods.isEmpty {
                    let labels = selector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                    reporter.warning(.selectorMatchesNothing, "\(ctx) selects pods with \(labels), but no pod in namespace '\(echo: svc.meta.namespace)' has those labels",
                                     at: svc.meta.location, hint: "the Service will have no endpoints; check the selector against the pod template's labels")
                } else {
                    for p in svc.ports {
                        guard case .name(let portName) = p.targetPort else { continue }
                        if !pods.contains(where: { $0.template.ports.contains { $0.name == portName } }) {
                            let declared = Set(pods.flatMap { $0.template.ports.filter { !$0.name.isEmpty }.map { "'\(echo: $0.name)' (\($0.containerPort))" } }).sorted()
                            reporter.warning(.undefinedServicePort, "targetPort '\(echo: portName)' of \(ctx) names no container port of the selected pods, so the Service has no endpoints on it and kube-proxy rejects connections to port \(p.port)",
                                             at: p.location, hint: declared.isEmpty ? "name the container port '\(echo: portName)', or use its number"
                                                : "the pods declare \(declared.joined(separator: ", ")); use one of those names, or the port's number")
                        }
                    }
                }
            }
        }
        // The API server allocates NodePorts from the range and refuses a Service once it is full
        // ("range of valid ports is full"): every port of a NodePort or LoadBalancer Service
        // needs one, and a LoadBalancer with externalTrafficPolicy Local one more (health check).
        let range = cluster?.nodePortRange ?? PortRange(30000, 32767)
        let size = Int(range.upper) - Int(range.lower) + 1
        var needed = 0
        for svc in k.services where svc.type == .NodePort || svc.type == .LoadBalancer {
            let allocated = svc.type == .NodePort || svc.allocateLoadBalancerNodePorts ? svc.ports.count : svc.ports.filter { $0.nodePort != nil }.count
            needed += allocated + (svc.type == .LoadBalancer && svc.externalTrafficPolicy == .Local ? 1 : 0)
            if needed > size {
                reporter.error(.nodePortRangeFull, "Service \(svc.meta.namespace)/\(svc.meta.name) needs a NodePort, but the node-port range \(range) (\(size) port\(size == 1 ? "" : "s")) is already full: the API server refuses it",
                               at: svc.meta.location, hint: "widen the cluster's nodePortRange, or make some Services ClusterIP")
                break
            }
        }
        for ing in k.ingresses {
            let ctx = "Ingress \(ing.meta.namespace)/\(ing.meta.name)"
            if let cls = ing.ingressClassName, !k.ingressClasses.isEmpty, !k.ingressClasses.contains(where: { $0.meta.name == cls }) {
                reporter.warning(.undefinedReference, "\(ctx) uses IngressClass '\(echo: cls)', which is not defined", at: ing.meta.location,
                                 hint: Suggestions.didYouMean(cls, in: k.ingressClasses.map(\.meta.name)))
            }
            // The controller's Ingresses: NS0718 errors instead (validateLoadBalancers).
            for b in ing.backends where !LBC.manages(ing, in: k) {
                guard let svc = k.service(namespace: ing.meta.namespace, name: b.serviceName) else {
                    reporter.warning(.undefinedServicePort, "\(ctx) sends traffic to Service '\(echo: b.serviceName)', which is not defined in namespace '\(echo: ing.meta.namespace)'",
                                     at: b.location, hint: Suggestions.didYouMean(b.serviceName, in: k.services.filter { $0.meta.namespace == ing.meta.namespace }.map(\.meta.name)))
                    continue
                }
                if svc.port(b.port) == nil {
                    reporter.warning(.undefinedServicePort, "\(ctx) sends traffic to port \(b.port) of Service '\(echo: b.serviceName)', which has ports \(svc.ports.map { "\($0.port)" }.joined(separator: ", "))",
                                     at: b.location, hint: "use one of the Service's ports")
                }
            }
        }
        // default/kubernetes exists in every cluster (the API server's Service): its slice declares the control plane's addresses.
        for slice in k.endpointSlices where k.service(namespace: slice.meta.namespace, name: slice.serviceName) == nil
            && !(slice.meta.namespace == "default" && slice.serviceName == "kubernetes" && t.cluster != nil) {
            reporter.warning(.undefinedServicePort, "EndpointSlice \(slice.meta.name) belongs to Service '\(echo: slice.serviceName)', which is not defined in namespace '\(echo: slice.meta.namespace)'; kube-proxy ignores it",
                             at: slice.meta.location,
                             hint: [Suggestions.didYouMean(slice.serviceName, in: k.services.filter { $0.meta.namespace == slice.meta.namespace }.map(\.meta.name))]
                                .first { !$0.isEmpty } ?? "set the label kubernetes.io/service-name to the Service's name, or define the Service")
        }
    }
}
