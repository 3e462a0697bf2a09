import NetsimModel

/// What-ifs and overrides for one allocation run.
public struct RealizeOptions: Sendable {
    /// Node counts by node group name, replacing the topology's.
    public var scale: [String: Int] = [:]
    /// Extra pods of a plain Deployment (`netsim-whatif/extra`) with no selector or tolerations.
    public var extraPods = 0
    /// aws-node settings to use instead of the topology's.
    public var settings: CNISettings?
    public init(scale: [String: Int] = [:], extraPods: Int = 0, settings: CNISettings? = nil) {
        self.scale = scale; self.extraPods = extraPods; self.settings = settings
    }
}

/// Allocates everything a cluster holds, deterministically from the topology's seed: nodes and
/// their primary ENIs, warm pools as ipamd grows them, pods placed by a scheduler that honours
/// max pods, nodeSelector and taints, pod IPs, and Service cluster IPs.
///
/// Pods arrive one at a time and ipamd's pool manager runs to rest after each (with its timers
/// elapsed), which is the steady state a cluster reaches when pods are created gradually.
public enum Realizer {
    public static func realize(_ t: Topology, catalog: InstanceCatalog, options: RealizeOptions = RealizeOptions()) -> RealizedCluster {
        var r = Run(topology: t, catalog: catalog, options: options)
        r.reserveFixedAddresses()
        let endpointENIs = r.placeInterfaceEndpoints()
        r.placeControlPlane()
        r.createNodes()
        r.allocateServiceIPs()
        r.allocateNodePorts()
        r.placePods()
        r.placeLoadBalancers()
        var c = r.result()
        c.controlPlaneENIs = r.controlPlaneENIs
        c.interfaceEndpointENIs = endpointENIs
        c.observedDiagnostics = r.observedDiagnostics.sorted
        c.observedUnplaced = r.observedUnplaced
        LoadBalancerBuilder.complete(t, &c)
        return c
    }

    /// The implicit EKS add-ons: aws-node and kube-proxy (host network, on every node) and
    /// CoreDNS (two replicas), unless the manifests declare them.
    public static func implicitWorkloads(_ k: KubernetesObjects) -> [Workload] {
        var out: [Workload] = []
        func declared(_ name: String) -> Bool { k.workloads.contains { $0.meta.namespace == "kube-system" && $0.meta.name == name } }
        let tolerateAll = [Toleration(key: "", op: "Exists", value: "", effect: "")]
        let loc = SourceLocation(file: "<eks-addons>", line: 0, column: 0)
        for name in ["aws-node", "kube-proxy"] where !declared(name) {
            let labels = ["k8s-app": name]
            out.append(Workload(kind: .daemonSet, meta: ObjectMeta(name: name, namespace: "kube-system", labels: labels, location: loc),
                                replicas: nil, selector: LabelSelector(matchLabels: labels),
                                template: PodTemplate(labels: labels, containers: [], hostNetwork: true, tolerations: tolerateAll)))
        }
        if !declared("coredns") {
            let labels = ["k8s-app": "kube-dns", "eks.amazonaws.com/component": "coredns"]
            let tolerations = [Toleration(key: "CriticalAddonsOnly", op: "Exists", value: "", effect: ""),
                               Toleration(key: "node-role.kubernetes.io/control-plane", op: "Exists", value: "", effect: "NoSchedule")]
            out.append(Workload(kind: .deployment, meta: ObjectMeta(name: "coredns", namespace: "kube-system", labels: labels, location: loc),
                                replicas: 2, selector: LabelSelector(matchLabels: labels),
                                template: PodTemplate(labels: labels, containers: [
                                    Container(name: "coredns", ports: [ContainerPort(name: "dns", containerPort: 53, ipProtocol: .udp),
                                                                        ContainerPort(name: "dns-tcp", containerPort: 53, ipProtocol: .tcp)])],
                                                      tolerations: tolerations)))
        }
        return out
    }

    /// The labels a node of group `g` carries: the group's, then the ones kubelet and EKS set.
    public static func nodeLabels(group g: NodeGroup, type: InstanceType, name: String, zone: String, region: String,
                                  eniConfig: String?) -> [String: String] {
        var labels: [String: String] = [:]
        for l in g.labels { labels[l.key] = l.value }
        labels["kubernetes.io/hostname"] = name
        labels["kubernetes.io/os"] = "linux"
        labels["kubernetes.io/arch"] = Realizer.architecture(type.name)
        labels["node.kubernetes.io/instance-type"] = type.name
        labels["topology.kubernetes.io/zone"] = zone
        labels["topology.kubernetes.io/region"] = region
        labels["eks.amazonaws.com/nodegroup"] = g.name
        labels["eks.amazonaws.com/capacityType"] = "ON_DEMAND"
        if let eniConfig { labels["k8s.amazonaws.com/eniConfig"] = labels["k8s.amazonaws.com/eniConfig"] ?? eniConfig }
        return labels
    }
    /// How many Pending pods of one workload are built and listed; the others are only counted
    /// (`RealizedCluster.unscheduledCount`).
    public static let pendingPodsBuilt = 20

    /// Kubernetes' alphabet for generated names (`k8s.io/apimachinery/pkg/util/rand`): no vowels,
    /// no digits that look like letters.
    static let nameAlphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    static func randomName(_ n: Int, hash: UInt64) -> String {
        var h = hash
        var s = ""
        for _ in 0..<n {
            s.append(nameAlphabet[Int(h % UInt64(nameAlphabet.count))])
            h = SplitMix64.mix(h &+ 0x9E37_79B9_7F4A_7C15)
        }
        return s
    }

    /// `ip-10-0-41-7.ec2.internal` in us-east-1, `ip-….<region>.compute.internal` elsewhere.
    public static func nodeName(_ ip: IPv4Address, region: String) -> String {
        let host = "ip-" + ip.description.replacingDots()
        return region == "us-east-1" ? host + ".ec2.internal" : host + ".\(region).compute.internal"
    }

    /// arm64 for Graviton families (a digit then `g`: m6g, c7gn, t4g, im4gn) and a1.
    static func architecture(_ type: String) -> String {
        let family = type.split(separator: ".").first.map(String.init) ?? type
        if family == "a1" { return "arm64" }
        var sawDigit = false
        for ch in family {
            if ch.isNumber { sawDigit = true; continue }
            if sawDigit { return ch == "g" ? "arm64" : "amd64" }
        }
        return "amd64"
    }
}

extension String {
    func replacingDots() -> String { String(map { $0 == "." ? "-" : $0 }) }
}

/// One allocation run's working state.
struct Run {
    let t: Topology
    let catalog: InstanceCatalog
    let options: RealizeOptions
    let settings: CNISettings
    var ec2: EC2Account
    var nodes: [RealizedNode] = []
    var pods: [RealizedPod] = []
    var services: [RealizedService] = []
    var other: [Int: [(IPv4Address, String)]] = [:]
    var natAddresses: [String: IPv4Address] = [:]
    var loadBalancers: [RealizedLoadBalancer] = []
    var nodePorts: [String: ServiceNodePorts] = [:]
    var controlPlaneENIs: [ControlPlaneENI] = []
    var warnings: [CapacityWarning] = []
    /// Fargate pods' micro-VMs (`Realizer+Fargate.swift`).
    var fargate = FargateRun()
    /// Pending pods, built or only counted.
    var unscheduled = 0
    /// Security Groups for Pods: branch ENIs each node holds (by node index) and can hold.
    var branchesUsed: [Int] = []
    /// The allocation clock: every pool-manager iteration advances it by a minute, so ipamd's
    /// timers (30 s release gate, 60 s ENI age, 120 s back-off) have always run out.
    var now = 0
    /// The observed state's findings and unplaced pods (`Realizer+Observed.swift`).
    var observedDiagnostics = DiagnosticBag()
    var observedUnplaced: [String: String] = [:]

    init(topology: Topology, catalog: InstanceCatalog, options: RealizeOptions) {
        t = topology
        self.catalog = catalog
        self.options = options
        settings = options.settings ?? topology.cluster?.awsNode ?? CNISettings()
        ec2 = EC2Account(subnets: topology.vpcs.flatMap(\.subnets), seed: topology.seed)
    }

    mutating func reserveFixedAddresses() {
        func note(_ subnet: String, _ ip: IPv4Address?, _ what: String) -> IPv4Address? {
            guard let idx = ec2.poolIndex[subnet] else { return nil }
            if let ip {
                ec2.reserve(ip, inSubnet: idx)
                other[idx, default: []].append((ip, what))
                return ip
            }
            return nil
        }
        var randomNeeds: [(String, String, (inout Run, IPv4Address) -> Void)] = []
        for vpc in t.vpcs {
            for n in vpc.natGateways {
                if let ip = note(n.subnet, n.privateIP, "NAT gateway \(n.name)") { natAddresses[n.name] = ip }
                else { randomNeeds.append((n.subnet, "NAT gateway \(n.name)", { r, ip in r.natAddresses[n.name] = ip })) }
            }
            for i in vpc.networkInterfaces {
                if note(i.subnet, i.privateIP, "interface \(i.name)") == nil {
                    randomNeeds.append((i.subnet, "interface \(i.name)", { _, _ in }))
                }
            }
        }
        for e in t.externals {
            if let s = e.subnet, case .host(let ip) = e.address { _ = note(s, ip, "external \(e.name)") }
        }
        for (subnet, what, done) in randomNeeds {
            guard let idx = ec2.poolIndex[subnet], let ip = ec2.randomAddress(inSubnet: idx) else { continue }
            other[idx, default: []].append((ip, what))
            done(&self, ip)
        }
    }

    // MARK: nodes

    mutating func createNodes() {
        guard let cluster = t.cluster, let vpc = t.primaryVPC else { return }
        for g in cluster.nodeGroups {
            guard let type = catalog[g.instanceType] else { continue }
            let count = options.scale[g.name] ?? g.count
            let subnets = g.subnets.compactMap { vpc.subnet(named: $0) }
            guard !subnets.isEmpty else { continue }
            var launched = 0
            let observed = placeObservedNodes(group: g, count: count, type: type, subnets: subnets, cluster: cluster, vpc: vpc)
            launched += observed
            for i in observed..<max(observed, count) {
                let subnet = subnets[i % subnets.count]
                if createNode(group: g, index: i, type: type, subnet: subnet, cluster: cluster, vpc: vpc) { launched += 1 }
            }
            if launched < count {
                warnings.append(.init(.subnetExhausted,
                    "node group '\(echo: g.name)' launched \(launched) of \(count) nodes: its subnets have no free address for the other nodes' primary ENIs (InsufficientFreeAddressesInSubnet)"))
            }
        }
    }

    /// The ENIConfig a node of `g` in `zone` uses under custom networking, if any.
    func eniConfig(for g: NodeGroup, zone: String, cluster: Cluster) -> ENIConfig? {
        let key = settings.eniConfigLabel
        let zoneKeys: Set<String> = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"]
        let name = zoneKeys.contains(key) ? zone : (g.labels[key: key] ?? g.labels[key: "k8s.amazonaws.com/eniConfig"])
        return name.flatMap { n in cluster.eniConfigs.first { $0.name == n } }
    }

    /// Subnets where ipamd may create this node's secondary ENIs (v1.23.1 subnet discovery):
    /// the primary subnet unless tagged `kubernetes.io/role/cni=0`, plus subnets of the same VPC
    /// and zone tagged `kubernetes.io/role/cni` with another value (and, when they carry
    /// `cni.networking.k8s.aws/cluster/<name>` tags, only for that cluster).
    func discoveredSubnets(primary: Subnet, vpc: VPC) -> [Int] {
        guard settings.subnetDiscovery else { return ec2.poolIndex[primary.name].map { [$0] } ?? [] }
        var out: [Int] = []
        for s in vpc.subnets where s.zone == primary.zone {
            let role = s.tags[key: "kubernetes.io/role/cni"]
            let eligible: Bool
            if s.name == primary.name { eligible = role != "0" }
            else { eligible = role != nil && role != "0" }
            guard eligible else { continue }
            let clusterTags = s.tags.filter { $0.key.hasPrefix("cni.networking.k8s.aws/cluster/") }
            if !clusterTags.isEmpty, s.name != primary.name {
                guard let name = settings.clusterName, clusterTags.contains(where: { $0.key == "cni.networking.k8s.aws/cluster/\(name)" }) else { continue }
            }
            if let idx = ec2.poolIndex[s.name] { out.append(idx) }
        }
        return out
    }

    mutating func createNode(group g: NodeGroup, index: Int, type: InstanceType, subnet: Subnet, cluster: Cluster, vpc: VPC,
                             settleNow: Bool = true, observed: ObservedState.Node? = nil) -> Bool {
        // An observed node's address is reserved by the caller (placeObservedNodes).
        guard let sIdx = ec2.poolIndex[subnet.name], let ip = observed?.internalIP ?? ec2.randomAddress(inSubnet: sIdx) else { return false }
        let groups = nodeSecurityGroups(g)
        let name = observed?.name ?? Realizer.nodeName(ip, region: t.region)
        let instanceID = observed?.instanceID ?? AWSID.make("i", name: "\(g.name)/\(index)", seed: t.seed)
        let identity = ec2.makeENIIdentity(owner: instanceID)
        let primary = NodeENI(id: identity.id, mac: identity.mac, deviceIndex: 0, subnet: sIdx, primaryIP: ip,
                              isPrimary: true, isTrunk: false, securityGroups: groups, createdAt: now)
        var eniSubnets: [Int]
        var eniGroups = groups
        var configName: String?
        if settings.customNetworking {
            if let config = eniConfig(for: g, zone: subnet.zone, cluster: cluster), let idx = ec2.poolIndex[config.subnet] {
                eniSubnets = [idx]
                configName = config.name
                if !config.securityGroups.isEmpty { eniGroups = config.securityGroups }
            } else {
                eniSubnets = []
            }
        } else {
            eniSubnets = discoveredSubnets(primary: subnet, vpc: vpc)
        }
        let maxPods = g.maxPods ?? type.eniMaxPods
        var ipam = NodeIPAM(owner: instanceID, type: type, settings: settings, maxPods: maxPods, primary: primary,
                            eniSubnets: eniSubnets, eniSecurityGroups: eniGroups)
        if settings.podENI, type.isTrunkingCompatible ?? true, let trunkIP = ec2.randomAddress(inSubnet: sIdx) {
            let tid = ec2.makeENIIdentity(owner: instanceID)
            ipam.attachTrunk(NodeENI(id: tid.id, mac: tid.mac, deviceIndex: ipam.nextDeviceIndex, subnet: sIdx, primaryIP: trunkIP,
                                     isPrimary: false, isTrunk: true, securityGroups: groups, createdAt: now))
        }
        let labels = Realizer.nodeLabels(group: g, type: type, name: name, zone: subnet.zone, region: t.region, eniConfig: configName)
        var v6: IPv6CIDR? = nil
        if settings.ipv6, let block = subnet.ipv6Cidr, block.prefixLength <= 80 {
            // One /80 from the subnet's /64, at a seeded position (EC2 picks it).
            let bits = UInt64(StableHash.fnv1a("v6/\(instanceID)", seed: t.seed) & 0xFFFF) << 48
            v6 = IPv6CIDR(network: IPv6Address(high: block.network.high, low: block.network.low | bits), prefixLength: 80)
        }
        var node = RealizedNode(name: name, group: g.name, instanceID: instanceID, instanceType: type, zone: subnet.zone,
                                subnet: subnet.name, primaryIP: ip, labels: labels, taints: g.taints, maxPods: maxPods,
                                securityGroups: groups, eniConfig: configName, ipam: ipam, ipv6Prefix: v6, podCount: 0)
        node.ipv6Address = Realizer.nodeIPv6Address(subnet: subnet, instanceID: instanceID, ipv6Cluster: settings.ipv6, seed: t.seed)
        if settleNow { settle(&node) }
        nodes.append(node)
        return true
    }

    /// Runs the pool manager until it rests (no action, or a failure it will only retry later).
    mutating func settle(_ node: inout RealizedNode) {
        node.ipam.settle(now: &now, ec2: &ec2)
    }

    // MARK: Services

    mutating func allocateServiceIPs() {
        guard let cluster = t.cluster else { return }
        if cluster.ipFamily == .ipv6, let range = cluster.serviceIPv6Range(seed: t.seed) {
            var alloc = ServiceIPAllocator6(range: range, seed: t.seed)
            for e in plannedServiceIPs(&alloc) {
                var s = RealizedService(namespace: e.namespace, name: e.name, clusterIP: nil, implicit: e.implicit)
                s.clusterIPv6 = e.ip
                services.append(s)
            }
            return
        }
        var alloc = ServiceIPAllocator(range: cluster.serviceCIDR, seed: t.seed)
        for e in plannedServiceIPs(&alloc) {
            services.append(RealizedService(namespace: e.namespace, name: e.name, clusterIP: e.ip, implicit: e.implicit))
        }
    }

    /// Every Service with the cluster IP the API server gives it, in either family: the
    /// implicit `default/kubernetes` at the range's first address and `kube-system/kube-dns`
    /// at its tenth (as EKS places it) when the manifests lack them, addresses written in the
    /// manifests taken first, then the rest drawn; headless (`None`) and ExternalName Services
    /// get none.
    mutating func plannedServiceIPs<A: ServiceAddressAllocator>(_ alloc: inout A) -> [(namespace: String, name: String, ip: A.Address?, implicit: Bool)] {
        let k = t.kubernetes
        var list: [(ns: String, name: String, fixed: A.Address?, none: Bool, implicit: Bool)] = []
        if k.service(namespace: "default", name: "kubernetes") == nil {
            list.append(("default", "kubernetes", alloc.address(at: 1), false, true))
        }
        let dns = alloc.address(at: 10)
        let implicitDNS = k.service(namespace: "kube-system", name: "kube-dns") == nil
            && !k.workloads.contains { $0.meta.namespace == "kube-system" && $0.meta.name == "coredns" }
        if implicitDNS { list.append(("kube-system", "kube-dns", dns, false, true)) }
        for s in k.services where s.type != .ExternalName {
            var fixed = s.clusterIP.flatMap { A.parse($0) }
            if fixed == nil && s.meta.namespace == "kube-system" && s.meta.name == "kube-dns" && s.clusterIP == nil { fixed = dns }
            list.append((s.meta.namespace, s.meta.name, fixed, s.clusterIP == "None", false))
        }
        for e in list { if let f = e.fixed { alloc.take(f) } }
        if let observed = t.kubernetes.observed {
            for i in list.indices where list[i].fixed == nil && !list[i].none {
                guard let o = observed.service(namespace: list[i].ns, name: list[i].name), let ip = o.clusterIP,
                      let a = A.parse(ip.description) else { continue }
                if alloc.take(a) { list[i].fixed = a } else { observedClusterIPRefused(o, ip) }
            }
        }
        var out = list.map { e in (namespace: e.ns, name: e.name, ip: e.none ? nil : (e.fixed ?? alloc.allocate()), implicit: e.implicit) }
        for s in k.services where s.type == .ExternalName {
            out.append((namespace: s.meta.namespace, name: s.meta.name, ip: nil, implicit: false))
        }
        return out
    }

    // MARK: pods

    struct Sched {
        var onNode: [Int]
        var inZone: [Int]
    }

    static func tolerated(_ taints: [Taint], by tolerations: [Toleration]) -> Bool {
        taints.allSatisfy { taint in taint.effect == .PreferNoSchedule || tolerations.contains { $0.tolerates(taint) } }
    }

    func fits(_ w: Workload, _ n: RealizedNode) -> Bool {
        for (k, v) in w.template.nodeSelector where n.labels[k] != v { return false }
        return Run.tolerated(n.taints, by: w.template.tolerations)
    }

    /// The same for node `ni`, without copying the node.
    func fits(_ w: Workload, node ni: Int) -> Bool {
        for (k, v) in w.template.nodeSelector where nodes[ni].labels[k] != v { return false }
        return Run.tolerated(nodes[ni].taints, by: w.template.tolerations)
    }

    mutating func placePods() {
        var workloads = Realizer.implicitWorkloads(t.kubernetes)
        let implicitCount = workloads.count
        workloads += t.kubernetes.workloads
        if options.extraPods > 0 {
            let labels = ["app": "extra"]
            workloads.append(Workload(kind: .deployment,
                                      meta: ObjectMeta(name: "extra", namespace: "netsim-whatif", location: SourceLocation(file: "<what-if>", line: 0, column: 0)),
                                      replicas: options.extraPods, selector: LabelSelector(matchLabels: labels),
                                      template: PodTemplate(labels: labels, containers: [])))
        }
        // DaemonSets first, as on a real node, where they start before other pods.
        let order = workloads.indices.filter { workloads[$0].kind == .daemonSet } + workloads.indices.filter { workloads[$0].kind != .daemonSet }
        for wi in order {
            let w = workloads[wi]
            let implicit = wi < implicitCount
            let key = "\(w.meta.namespace)/\(w.meta.name)"
            let templateHash = Realizer.randomName(10, hash: StableHash.fnv1a("template/" + key, seed: t.seed))
            let seed = t.seed
            func podName(_ i: Int) -> String {
                switch w.kind {
                case .pod: return w.meta.name
                case .statefulSet: return "\(w.meta.name)-\(i)"
                case .daemonSet: return "\(w.meta.name)-" + Realizer.randomName(5, hash: StableHash.fnv1a("pod/\(key)/\(i)", seed: seed))
                case .deployment: return "\(w.meta.name)-\(templateHash)-" + Realizer.randomName(5, hash: StableHash.fnv1a("pod/\(key)/\(i)", seed: seed))
                }
            }
            if w.kind == .daemonSet {
                let sgp = SecurityGroupsForPods.select(w, objects: t.kubernetes)
                for ni in nodes.indices where fits(w, node: ni) {
                    if sgp.selected && !branchRoom(ni) {
                        pods.append(RealizedPod(namespace: w.meta.namespace, name: podName(ni), workloadKind: w.kind, workload: w.meta.name,
                                                labels: w.template.labels, hostNetwork: w.template.hostNetwork, node: nil, ip: nil, ipv6: nil,
                                                status: .unschedulable, reason: podENIUnschedulable([ni]), implicit: implicit))
                        unscheduled += 1
                        continue
                    }
                    if !sgp.selected, let o = observedDaemonPod(w, node: ni) {
                        bindObserved(w, o, implicit: implicit, node: ni)
                        continue
                    }
                    bind(w, name: podName(ni), implicit: implicit, node: ni, branch: sgp.selected)
                    if sgp.selected { attachBranch(to: pods.count - 1, node: ni, sgp) }
                }
                reportObservedDaemonPods(w)
                continue
            }
            let replicas = w.kind == .pod ? 1 : (w.replicas ?? 1)
            if !implicit, let profile = FargateScheduling.profile(for: w, profiles: t.cluster?.fargateProfiles ?? []) {
                placeOnFargate(w, profile: profile, replicas: replicas, podName: podName)
                continue
            }
            let sgp = SecurityGroupsForPods.select(w, objects: t.kubernetes)
            if let sa = sgp.missingServiceAccount {
                let names = (0..<min(replicas, Realizer.pendingPodsBuilt)).map { podName($0) }
                refuse(w, serviceAccount: sa, names: names, replicas: replicas, implicit: implicit)
                continue
            }
            let zoneNames = Array(Set(nodes.map(\.zone))).sorted()
            let zoneOf = nodes.map { n in zoneNames.firstIndex(of: n.zone) ?? 0 }
            var sched = Sched(onNode: Array(repeating: 0, count: nodes.count), inZone: Array(repeating: 0, count: zoneNames.count))
            let eligible = nodes.indices.filter { fits(w, node: $0) }
            let observedNodes = placeObservedPods(w, implicit: implicit, limit: replicas, podENI: sgp.selected)
            for ni in observedNodes {
                sched.onNode[ni] += 1
                sched.inZone[zoneOf[ni]] += 1
            }
            for i in observedNodes.count..<max(observedNodes.count, replicas) {
                var best: Int? = nil
                var bestScore = (Int.max, Int.max, Int.max)
                for ni in eligible where nodes[ni].podCount < nodes[ni].maxPods && (!sgp.selected || branchRoom(ni)) {
                    let score = (sched.inZone[zoneOf[ni]], sched.onNode[ni], nodes[ni].podCount)
                    if score < bestScore { bestScore = score; best = ni }
                }
                guard let ni = best else {
                    let why: String
                    if eligible.isEmpty {
                        why = nodes.isEmpty ? "no nodes" : "0/\(nodes.count) nodes are available: no node matches the pod's nodeSelector and tolerates its taints"
                    } else if sgp.selected {
                        why = podENIUnschedulable(eligible)
                    } else {
                        why = "0/\(nodes.count) nodes are available: \(eligible.count) Too many pods (max pods reached)"
                    }
                    // Nothing changes the nodes until this workload is done, so every replica from
                    // here on is Pending for the same reason: build a few, count them all.
                    for j in i..<min(replicas, i + Realizer.pendingPodsBuilt) {
                        pods.append(RealizedPod(namespace: w.meta.namespace, name: podName(j), workloadKind: w.kind, workload: w.meta.name,
                                                labels: w.template.labels, hostNetwork: w.template.hostNetwork, node: nil, ip: nil, ipv6: nil,
                                                status: .unschedulable, reason: why, implicit: implicit))
                    }
                    unscheduled += replicas - i
                    break
                }
                sched.onNode[ni] += 1
                sched.inZone[zoneOf[ni]] += 1
                bind(w, name: podName(i), implicit: implicit, node: ni, branch: sgp.selected)
                if sgp.selected { attachBranch(to: pods.count - 1, node: ni, sgp) }
            }
        }
        reportUnusedObserved(workloads: workloads)
        shortNodeWarnings()
        let waiting = pods.filter { $0.status == .waitingForIP }.count
        if waiting > 0 {
            warnings.append(.init(.podsWithoutIP, "\(waiting) pod\(waiting == 1 ? "" : "s") scheduled but left without an IP address (ContainerCreating: failed to assign an IP address to container)"))
        }
        let pending = unscheduled
        if pending > 0 {
            warnings.append(.init(.podsUnscheduled, "\(pending) pod\(pending == 1 ? "" : "s") could not be scheduled (Pending)"))
        }
    }

    /// Nodes whose ipamd could not get its first address or /28 prefix (every pod given to them
    /// waits for an IP), or not its whole warm pool; custom networking without an ENIConfig is
    /// reported apart.
    mutating func shortNodeWarnings() {
        guard !settings.ipv6, let cluster = t.cluster else { return }
        for g in cluster.nodeGroups {
            let mine = nodes.filter { $0.group == g.name && !$0.ipam.eniSubnets.isEmpty }
            let refused = mine.filter { $0.ipam.lastError?.isSubnetExhaustion ?? false }
            let bare = refused.filter { $0.ipam.total == 0 }
            if let first = bare.first {
                let unit = first.ipam.prefixMode ? "/28 prefix" : "secondary IP"
                warnings.append(.init(.subnetExhausted,
                    "node group '\(echo: g.name)': \(bare.count) of \(mine.count) nodes could not get their first \(unit) (\(first.ipam.lastError?.rawValue ?? "")): pods scheduled there wait for an IP address"))
            }
            let short = refused.filter { $0.ipam.total > 0 && $0.ipam.poolTooLow }
            if let first = short.first {
                warnings.append(.init(.subnetExhausted,
                    "node group '\(echo: g.name)': \(short.count) of \(mine.count) nodes hold less than their warm pool (\(first.ipam.lastError?.rawValue ?? "")): ipamd keeps asking EC2, and a burst of pods there waits"))
            }
        }
    }

    mutating func bind(_ w: Workload, name: String, implicit: Bool, node ni: Int, branch: Bool = false) {
        nodes[ni].podCount += 1
        var pod = RealizedPod(namespace: w.meta.namespace, name: name, workloadKind: w.kind, workload: w.meta.name,
                              labels: w.template.labels, hostNetwork: w.template.hostNetwork, node: nodes[ni].name, ip: nil, ipv6: nil,
                              status: .running, reason: nil, implicit: implicit)
        if w.template.hostNetwork {
            pod.ip = nodes[ni].primaryIP
        } else if branch && !settings.ipv6 {
            // Its address comes with its branch ENI (attachBranch), not from ipamd.
        } else if settings.ipv6 {
            if let prefix = nodes[ni].ipv6Prefix {
                pod.ipv6 = IPv6Address(high: prefix.network.high, low: prefix.network.low + UInt64(nodes[ni].podCount))
            } else {
                pod.status = .waitingForIP
                pod.reason = "failed to assign an IP address to container: subnet '\(echo: nodes[ni].subnet)' has no IPv6 CIDR, so the node's primary ENI has no /80 prefix"
            }
        } else {
            // In place: copying a node (its ENIs and addresses) per pod would dominate the run.
            if let ip = nodes[ni].ipam.assignPodIPSettling(now: &now, ec2: &ec2) {
                pod.ip = ip
            } else {
                pod.status = .waitingForIP
                pod.reason = noIPReason(nodes[ni])
            }
        }
        pods.append(pod)
    }

    func noIPReason(_ node: RealizedNode) -> String {
        let ipam = node.ipam
        var why = "failed to assign an IP address to container: no available IP/Prefix addresses"
        if settings.customNetworking && node.eniConfig == nil {
            why += " (custom networking is on and the node has no ENIConfig, so ipamd cannot start)"
        } else if let err = ipam.lastError, err.isSubnetExhaustion {
            let names = ipam.eniSubnets.map { ec2.pool($0).subnet.name }.joined(separator: ", ")
            why += " (\(err.rawValue): \(names.isEmpty ? "no subnet" : names) has no room)"
        } else if !ipam.roomForENI {
            why += " (all \(ipam.eniCount) ENIs are full: \(ipam.total) addresses for max pods \(node.maxPods))"
        }
        return why
    }

    func result() -> RealizedCluster {
        RealizedCluster(nodes: nodes, pods: pods, services: services, ec2: ec2, otherAddresses: other,
                        natGatewayAddresses: natAddresses, loadBalancers: loadBalancers, nodePorts: nodePorts, settings: settings, warnings: warnings,
                        clock: now, unscheduledCount: unscheduled, fargateNodes: fargate.nodes, fargateAssumedGroups: fargate.assumedGroups)
    }
}

extension Realizer {
    /// The primary ENI's IPv6 address: EC2 gives one from the subnet's IPv6 block when the
    /// subnet assigns IPv6 addresses on creation, and an EKS IPv6 cluster's nodes always have
    /// one (EKS user guide, "IPv6 addresses": nodes need an IPv6 address). EC2 picks it at
    /// random; netsim picks a seeded one in the subnet's first /80 (never one of the four
    /// reserved at its start), apart from the /80 prefixes ipamd assigns to nodes.
    public static func nodeIPv6Address(subnet: Subnet, instanceID: String, ipv6Cluster: Bool, seed: UInt64) -> IPv6Address? {
        guard let block = subnet.ipv6Cidr, block.prefixLength <= 80, ipv6Cluster || subnet.assignIpv6AddressOnCreation else { return nil }
        let bits = (StableHash.fnv1a("v6addr/\(instanceID)", seed: seed) & 0x0000_FFFF_FFFF_FFFF) | 0x10
        return IPv6Address(high: block.network.high, low: block.network.low | bits)
    }
}
