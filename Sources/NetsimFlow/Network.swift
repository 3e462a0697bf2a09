import NetsimIPAM
import NetsimKube
import NetsimModel
import NetsimVPC

/// A flow to trace, as the command line or an `expect:` entry states it.
public struct FlowRequest: Sendable {
    public var from: Endpoint
    public var to: Endpoint
    public var ipProtocol: IPProtocol
    public var port: UInt16?
    public var sourcePort: UInt16?
    public var icmpType: UInt8
    public var icmpCode: UInt8
    /// Draws kube-proxy's random branches from this seed (nil: from the flow and the topology's seed).
    public var seed: UInt64? = nil
    /// For flows through an ALB: the request's Host header and path.
    public var http: HTTPRequest? = nil
    /// Record the packet at each capture point (for `--pcap`).
    public var capture = false
    /// `--at-start`: the flow as it is when these pods have just started (the VPC CNI agent
    /// holds no policies for them yet).
    public var podStart: PodStart? = nil

    public init(from: Endpoint, to: Endpoint, ipProtocol: IPProtocol = .tcp, port: UInt16? = nil, sourcePort: UInt16? = nil,
                icmpType: UInt8 = 8, icmpCode: UInt8 = 0) {
        self.from = from; self.to = to; self.ipProtocol = ipProtocol; self.port = port; self.sourcePort = sourcePort
        self.icmpType = icmpType; self.icmpCode = icmpCode
    }
}

/// A topology realized and indexed for tracing: build once, trace many flows.
public struct Network: Sendable {
    public enum Outcome: Sendable {
        case traced(Trace)
        /// An endpoint a later engine handles; the reason says which.
        case unsupported(String)
        /// An endpoint that names nothing, or an impossible flow; with the nearest names.
        case invalid(String, near: [String])
    }

    public let fabric: FabricIndex
    public let tracer: Tracer
    public let resolver: EndpointResolver

    /// `pipeline`: the walk's stages (a test may add one).
    public init(topology: Topology, catalog: InstanceCatalog, realized: RealizedCluster? = nil, pipeline: Pipeline = .standard) {
        let r = realized ?? Realizer.realize(topology, catalog: catalog)
        fabric = FabricIndex(topology: topology, realized: r)
        tracer = Tracer(fabric: fabric, pipeline: pipeline)
        resolver = EndpointResolver(fabric: fabric)
    }

    /// What `netsim check` adds to the loader's diagnostics for a valid topology, from the
    /// realized cluster: each intent's result, and what the load balancer controller could not
    /// build (NS0719).
    public static func checkDiagnostics(_ t: Topology, catalog: InstanceCatalog, file: String) -> [Diagnostic] {
        let agentEnforces = t.cluster?.networkPolicy.enforcer == .vpcCNI && !t.kubernetes.networkPolicies.isEmpty
        // The API server's calls (webhooks, APIServices), traced when the control plane is declared.
        let untraced = controlPlaneCallsUntraced(t, file: file) + returnRouteDiagnostics(t)
        let callsTraced = t.cluster?.controlPlane != nil && !controlPlaneCalls(t.kubernetes).isEmpty
        guard !t.expectations.isEmpty || hasLoadBalancers(t) || agentEnforces || callsTraced || hasInterfaceEndpoints(t) else { return untraced }
        let network = Network(topology: t, catalog: catalog)
        // What the VPC CNI agent cannot write (more than 24 port/protocol slots for a CIDR, NS1230).
        let agentFindings = agentEnforces ? (network.tracer.policies.get(network.fabric)?.agent.findings() ?? []) : []
        return network.evaluate(t.expectations).map { $0.diagnostic(file: file) }
            + network.fabric.loadBalancerProblems.map { Diagnostic(.warning, .lbUnbuildable, "\($0.owner): \($0.message)", at: $0.location, hint: $0.hint) }
            + agentFindings
            + untraced + (callsTraced ? network.controlPlaneCallDiagnostics() : [])
            + network.interfaceEndpointENIDiagnostics()
    }

    /// Whether the AWS Load Balancer Controller would build anything for the topology.
    public static func hasLoadBalancers(_ t: Topology) -> Bool {
        t.kubernetes.services.contains { if case .controller = LBC.owner(of: $0) { return true }; return false }
            || t.kubernetes.ingresses.contains { LBC.manages($0, in: t.kubernetes) }
    }

    /// `dnsPosition`: which of the addresses the load balancer's DNS name returns to follow
    /// (`--all-paths`); the first when nil.
    public func trace(_ req: FlowRequest, branch: Int? = nil, dnsPosition: Int? = nil) -> Outcome {
        var req = req
        if case .apiServer = req.from {
            return .invalid("from: apiserver is a destination (the API server's endpoint); the control plane calling out is controlplane", near: [])
        }
        if case .controlPlane = req.to {
            return .invalid("to: controlplane is a source (the control plane calling out); the API server's endpoint is apiserver", near: [])
        }
        if let t = observedNotPlaced(req) { return .traced(t) }
        var src: ResolvedEndpoint, dst: ResolvedEndpoint
        switch resolver.resolve(req.from) {
        case .resolved(let e): src = e
        case .unsupported(let why): return .unsupported("from " + why)
        case .failure(let m, let near): return .invalid("from: " + m, near: near)
        }
        switch resolver.resolve(req.to) {
        case .resolved(let e): dst = e
        case .unsupported(let why): return .unsupported("to " + why)
        case .failure(let m, let near): return .invalid("to: " + m, near: near)
        }
        // `apiserver`: the private ENIs or the public endpoint, as the client's DNS answer says.
        var publicEndpoint: ControlPlane.EndpointAccess? = nil
        if case .apiServer = req.to, let target = apiServerTarget(from: src, private: dst) {
            switch target {
            case .privateENI(let e): dst = e
            case .publicEndpoint(let e, let access):
                dst = e
                publicEndpoint = access
                if onInternet(src), src.address.family == .ipv4 {
                    var packet = Packet(ipProtocol: req.ipProtocol, source: src.address, destination: e.address, icmpType: req.icmpType, icmpCode: req.icmpCode)
                    if packet.hasPorts {
                        packet.destinationPort = req.port ?? 443
                        packet.sourcePort = req.sourcePort ?? EndpointResolver.ephemeralPort(src.address, e.address, packet.destinationPort, seed: fabric.topology.seed)
                    }
                    return .traced(apiServerFromInternet(src, dst, packet, access: access))
                }
            }
            if req.port == nil { req.port = 443 }
        }
        // `aws:SERVICE`: the address the service's DNS name gives a host in the source's VPC.
        var serviceAnswer: ServiceDNSAnswer? = nil
        if case .aws = req.from {
            return .invalid("from: \(req.from) is a destination (an AWS service by its DNS name); trace from a pod, node or host to it", near: [])
        }
        if case .aws(let text) = req.to {
            let service: String
            switch AWSService.resolve(text, region: fabric.topology.region, declared: Set(fabric.topology.vpcs.flatMap(\.interfaceEndpoints).map(\.service))) {
            case .success(let s): service = s
            case .failure(let e): return .invalid("to: " + e.message, near: [])
            }
            let (e, answer) = serviceDestination(service, from: src)
            dst = e
            serviceAnswer = answer
            if req.port == nil { req.port = 443 }
        }
        // `controlplane` to a Service: the API server dials one of its endpoints directly.
        if case .controlPlane = req.from, case .serviceIP(let ns, let name) = dst.place {
            let port = req.port ?? 443
            guard let (e, target) = controlPlaneServiceEndpoint(namespace: ns, name: name, port: port) else {
                return .invalid("to: service:\(ns)/\(name) has no ready endpoint on TCP port \(port): the API server has nothing to call (every call fails at once)", near: [])
            }
            dst = e
            req.port = target
        }
        // An IPv6 cluster's Service with a load balancer, from the internet: reached at the load
        // balancer's (IPv4) address below, not at its IPv6 cluster IP.
        var viaLoadBalancer = false
        if case .internet = src.place, case .serviceIP(let ns, let name) = dst.place, fabric.loadBalancer(for: "service:\(ns)/\(name)") != nil { viaLoadBalancer = true }
        // `internet` facing an IPv6 end is an IPv6 host of the internet.
        if case .internet = src.place, dst.address.family == .ipv6, src.address.family == .ipv4, !viaLoadBalancer { src = EndpointResolver.internet6 }
        if case .internet = dst.place, src.address.family == .ipv6, dst.address.family == .ipv4 { dst = EndpointResolver.internet6 }
        // A dual-stack host (a node's or a declared interface with an IPv6 address) talks in the
        // other end's family: the family of the destination picks the source address. An end
        // written as ip:ADDRESS keeps its address.
        var literalFrom = false, literalTo = false
        if case .ip = req.from { literalFrom = true }
        if case .ip = req.to { literalTo = true }
        if !literalFrom { Self.matchFamily(&src, to: dst.address.family, fabric: fabric) }
        if !literalTo { Self.matchFamily(&dst, to: src.address.family, fabric: fabric) }
        // An IPv6 pod to an IPv4 address: the VPC CNI's egress plugin gives the pod an IPv4
        // interface (v4if0, 169.254.172.0/22) whose packets the node SNATs to its primary IPv4
        // (amazon-vpc-cni-k8s v1.23.1 cmd/egress-cni-plugin); the flow is IPv4 from there.
        if src.address.family == .ipv6, dst.address.family == .ipv4, let node = src.podNode, case .ipv6(let a) = src.address,
           let e = tracer.egressV4Source(node: node, pod: a) {
            src.address = .ipv4(e)
            src.label += " (IPv4 by the egress plugin's v4if0 \(e))"
        }
        // A packet keeps its family in the fabric: ends of two families get no verdict
        // (NOT_MODELLED), before any check that reads the ends as places of one family.
        if src.address.family != dst.address.family, !viaLoadBalancer {
            var packet = Packet(ipProtocol: req.ipProtocol, source: src.address, destination: dst.address, icmpType: req.icmpType, icmpCode: req.icmpCode)
            if packet.hasPorts {
                packet.destinationPort = req.port ?? 0
                packet.sourcePort = req.sourcePort ?? EndpointResolver.ephemeralPort(src.address, dst.address, packet.destinationPort, seed: fabric.topology.seed)
            }
            return .traced(Tracer.ipv6NotModelled(src, dst, packet))
        }
        // A load balancer's DNS name answers only the nodes of zones with a healthy target
        // (`Tracer.dnsAnswer`); the trace follows the first, or the one asked for.
        var dnsChoice: DNSChoice? = nil
        let pickNode: (Int) -> Int = { l in
            let a = tracer.dnsAnswer(l, port: req.port, protocol: req.ipProtocol)
            guard !a.nodes.isEmpty else { return 0 }
            let pos = min(dnsPosition ?? 0, a.nodes.count - 1)
            let nodes = fabric.loadBalancers[l].nodes
            if a.nodes.count > 1 {
                dnsChoice = DNSChoice(position: pos, addresses: a.nodes.map { (nodes[$0].zone, nodes[$0].publicIP ?? nodes[$0].privateIP) }, branched: dnsPosition != nil)
            }
            return a.nodes[pos]
        }
        let lbOwner: String?
        switch req.to {
        case .ingress(let ns, let n): lbOwner = "ingress:\(ns)/\(n)"
        case .loadBalancer(let ns, let n): lbOwner = "service:\(ns)/\(n)"
        default: lbOwner = nil
        }
        if let owner = lbOwner, case .resolved(let e) = resolver.loadBalancerEndpoint(owner: owner, label: req.to.description, node: pickNode) {
            dst = e
        }
        // Following each address DNS returns (`--all-paths`): the label says which this is.
        if let c = dnsChoice, c.branched, case .interface(let i) = dst.place, let l = fabric.loadBalancers.firstIndex(where: { $0.nodes.contains { $0.interface == i } }) {
            let lb = fabric.loadBalancers[l]
            let a = c.addresses[c.position]
            dst.label = "\(dst.label.prefix { $0 != " " }) (\(lb.label), \(lb.dnsName): DNS address \(c.position + 1) of the \(c.addresses.count) it returns, the node in \(a.zone)\(a.address != fabric.interfaces[i].primaryIP ? ", public address \(a.address)" : ""))"
        }
        var fromNamedLoadBalancer = false
        if case .interface(let i) = src.place, fabric.interfaces[i].kind == .loadBalancer { fromNamedLoadBalancer = true }
        if case .ip = req.from { fromNamedLoadBalancer = false }
        if fromNamedLoadBalancer {
            return .invalid("from: \(src.label) is a load balancer; it only forwards what clients send it. Trace from a client to it, or from ip:ADDRESS of one of its nodes for what the node itself sends", near: [])
        }
        if case .internet = src.place, case .internet = dst.place {
            return .invalid("both ends are on the internet; at least one must be in the modelled network", near: [])
        }
        // A public address as the source is the host's own primary private address inside AWS.
        if case .interface(let i) = src.place, fabric.interfaces[i].publicIP.map({ src.address == $0 }) == true {
            src.address = .ipv4(fabric.interfaces[i].primaryIP)
        }
        // From outside the cluster (not a pod or a node), a Service is reached through its load balancer.
        var inCluster = src.podNode != nil
        if case .interface(let i) = src.place, fabric.interfaces[i].kind == .nodeENI || fabric.interfaces[i].kind == .fargatePod { inCluster = true }
        if !inCluster, case .serviceIP(let ns, let name) = dst.place {
            switch resolver.loadBalancerEndpoint(owner: "service:\(ns)/\(name)", label: "service:\(ns)/\(name)", node: pickNode) {
            case .resolved(let e): dst = e
            case .unsupported(let why): return .unsupported("to " + why)
            case .failure(let m, _):
                // A host in the VPC: the walk shows why a cluster IP is out of its reach.
                if case .interface = src.place { break }
                return .invalid("to: \(m); from outside the cluster a Service's cluster IP cannot be reached (trace to node:NAME with --port NODEPORT for a NodePort)", near: [])
            }
        }
        // From the internet, a host is reached at its public address, if it has one.
        var fromOutside = false
        switch src.place {
        case .internet: fromOutside = true
        case .externalNetwork(let e): fromOutside = fabric.topology.privateGateway(of: e) == nil
        default: break
        }
        if fromOutside, case .interface(let d) = dst.place, let pub = fabric.interfaces[d].publicIP, dst.address == fabric.interfaces[d].primaryIP {
            dst.address = .ipv4(pub)
            dst.label += " via its public address \(pub)"
        }
        if src.address == dst.address { return .invalid("the source and the destination are the same address \(src.address)", near: []) }
        var packet = Packet(ipProtocol: req.ipProtocol, source: src.address, destination: dst.address,
                            icmpType: req.icmpType, icmpCode: req.icmpCode)
        if packet.hasPorts {
            packet.destinationPort = req.port ?? 0
            packet.sourcePort = req.sourcePort ?? EndpointResolver.ephemeralPort(src.address, dst.address, packet.destinationPort, seed: fabric.topology.seed)
        }
        // The client's port could be any of its ephemeral range: Linux's for hosts in AWS, the
        // range AWS advises for internet clients (1024–65535), or exactly the port given.
        let clientPorts: ClosedRange<UInt16>
        if let sp = req.sourcePort { clientPorts = sp...sp }
        else if case .interface = src.place { clientPorts = 32768...60999 }
        else { clientPorts = 1024...65535 }
        // default/kubernetes:443 leads to the control plane's ENIs; unless the topology
        // declares them, netsim gives no verdict rather than a NO_ROUTE of its own making.
        if inCluster, case .serviceIP("default", "kubernetes") = dst.place, packet.ipProtocol == .tcp, packet.destinationPort == 443,
           !Self.controlPlaneDeclared(fabric.topology) {
            return .traced(controlPlaneNotModelled(src, dst, packet))
        }
        // A Fargate pod's kube-proxy translates a cluster IP inside its micro-VM.
        var fargate: FargateTranslation? = nil
        if fromFargate(src), case .serviceIP = dst.place {
            switch fargateServiceTranslation(src, dst, packet, branch: branch, seed: req.seed) {
            case .success(let x): dst = x.destination; packet = x.packet; fargate = x
            case .failure(let f): return .invalid("to: \(f.message)", near: [])
            }
        }
        let choice: BranchChoice? = branch.map { .branch($0) } ?? req.seed.map { .seeded($0) }
        var t = tracer.trace(from: src, to: dst, packet: packet, clientPorts: packet.hasPorts ? clientPorts : nil,
                             choice: choice, http: req.http, capture: req.capture, podStart: req.podStart)
        if let a = serviceAnswer { addServiceDNSStep(&t, a) }
        if let x = fargate {
            t.notes.insert(x.note, at: 0)
            if t.choices.isEmpty { t.choices = x.choices }
        }
        if let access = publicEndpoint, t.forward.end == .exitsNetwork {
            let decision = APIServerEndpointDecision(endpoint: Self.apiServerPublicAddress(fabric.topology), source: t.forward.finalPacket.source,
                                                     publicAccess: access.publicAccess, privateAccess: access.privateAccess,
                                                     publicAccessCIDRs: access.publicAccessCIDRs)
            judgePublicEndpoint(&t, decision, access: access)
        }
        t.caveats += policyCaveats(t, source: src)
        t.notes += fargateNotes(t, source: src)
        if let o = t.policy, o.disagree { t.notes.append(.policyEnforcersDisagree(o)) }
        t.notes += branchENINotes(t)
        t.dnsChoice = dnsChoice
        for step in t.forward.hops.flatMap(\.steps) {
            guard case .externalTargetGroup(let lb, let tg) = step.detail else { continue }
            t.caveats.append(Caveat(.externalTargetGroup(loadBalancer: lb, targetGroup: tg), affectsVerdict: true, location: step.location))
        }
        t.caveats += endpointPolicyCaveats(t)
        for step in t.forward.hops.flatMap(\.steps) {
            guard case .loadBalancerIPv6NotModelled(let lb, let tg, let gap) = step.detail else { continue }
            t.caveats.append(Caveat(.loadBalancerIPv6NotModelled(loadBalancer: lb, targetGroup: tg, gap: gap), affectsVerdict: true, location: step.location))
        }
        // A transit gateway zone the flow does not determine: trace each candidate zone.
        if let z = t.zoneChoices.first {
            let verdicts = z.candidates.map { c -> (zone: String, disposition: Disposition) in
                if c.zone == z.chosen { return (c.zone, t.disposition) }
                let alt = tracer.trace(from: src, to: dst, packet: packet, clientPorts: packet.hasPorts ? clientPorts : nil,
                                       choice: choice, http: req.http, entryZones: [z.key: c.zone], podStart: req.podStart)
                return (c.zone, alt.disposition)
            }
            if Set(verdicts.map { $0.disposition.rawValue }).count > 1 {
                t.caveats.append(Caveat(.transitGatewayZone(z, dispositions: verdicts.map(\.disposition)), affectsVerdict: true, location: z.location))
            } else {
                t.notes.append(.transitGatewayZonesAgree(z, dispositions: verdicts.map(\.disposition)))
            }
        }
        return .traced(t)
    }

    /// Whether the topology says where the control plane is: an EndpointSlice of
    /// `default/kubernetes` on the control plane's addresses. The Service alone (as `kubectl get
    /// svc -A` dumps it) is not enough: the API server maintains its endpoints itself, so a
    /// Service without them would read as NO_ENDPOINTS, which no real cluster shows.
    static func controlPlaneDeclared(_ t: Topology) -> Bool {
        NodeDatapath.declaresControlPlaneSlice(t)
    }

    /// A flow to the API server's Service when the control plane is not in the topology.
    func controlPlaneNotModelled(_ src: ResolvedEndpoint, _ dst: ResolvedEndpoint, _ packet: Packet) -> Trace {
        let declared = fabric.topology.kubernetes.service(namespace: "default", name: "kubernetes") != nil
        let hops = [Hop(place: .endpoint(src.label), steps: [Step(.originated, .originate(packet, reply: false), packet: packet)]),
                    Hop(place: .endpoint(dst.label), steps: [Step(.notModelled, .controlPlaneNotModelled(address: dst.address, serviceDeclared: declared))])]
        var t = Trace(source: src.label, destination: dst.label, packet: packet, disposition: .notModelled,
                      forward: PathTrace(end: .notModelled, hops: hops, finalPacket: packet), reply: nil, explanations: [], notes: [])
        t.caveats = [Caveat(.controlPlaneNotModelled(address: dst.address, serviceDeclared: declared), affectsVerdict: true)]
        return t
    }

    /// NetworkPolicies that isolate the source pod for Egress or the pod the flow reaches for
    /// Ingress (policyTypes as written, or Kubernetes' default). They could drop a delivery
    /// (the verdict then depends on them); a flow the network already drops keeps its verdict,
    /// since a policy only drops more. hostNetwork pods are never subject to them.
    func policyCaveats(_ t: Trace, source src: ResolvedEndpoint) -> [Caveat] {
        let k = fabric.topology.kubernetes
        let settings = fabric.topology.cluster?.networkPolicy ?? NetworkPolicySettings()
        // An enforcer netsim models decides the flow in the walk; only what it does not model
        // (ApplicationNetworkPolicies of the agent) is left to say.
        switch settings.enforcer {
        case .vpcCNI: return k.applicationNetworkPolicies.isEmpty ? [] : agentCaveats(t, source: src, applicationOnly: true)
        case .upstream: return []
        case .none, .undeclared: break
        }
        let agent = settings.enforcer == .undeclared ? agentCaveats(t, source: src) : []
        guard !k.networkPolicies.isEmpty else { return agent }
        let decides = t.disposition.isSuccess
        func caveat(_ podKey: String?, _ type: NetworkPolicy.PolicyType, _ side: Caveat.Side) -> Caveat? {
            guard let podKey, let i = fabric.podByName[podKey] else { return nil }
            let p = fabric.realized.pods[i]
            // Nothing enforces policies on Fargate: a note says so (`fargateNotes`).
            if p.fargateProfile != nil { return nil }
            let selecting = k.networkPolicies.filter { $0.meta.namespace == p.namespace && $0.policyTypes.contains(type) && $0.podSelector.matches(p.labels) }
                .sorted { $0.meta.name < $1.meta.name }
            guard let first = selecting.first else { return nil }
            let names = selecting.map { "\($0.meta.namespace)/\($0.meta.name)" }
            if settings.enforcer == .none {
                // Declared: nobody enforces them, so they cannot change the verdict.
                return Caveat(.networkPolicyStoredNotEnforced(pod: podKey, side: side, policyType: type, policies: names,
                                                              agentDisabled: settings.agentDisabled),
                              affectsVerdict: false, location: settings.enableNetworkPolicyLocation ?? settings.enforcerLocation ?? first.meta.location)
            }
            return Caveat(.networkPolicyNotEnforced(pod: podKey, side: side, policyType: type, policies: names, decides: decides),
                          affectsVerdict: decides, location: first.meta.location)
        }
        let source = src.podNode != nil ? fabric.pod(at: src.address) : nil
        let destination = fabric.pod(at: t.forward.finalPacket.destination)
        var out = [caveat(source, .Egress, .source), caveat(destination, .Ingress, .destination)].compactMap { $0 }
        // The other endpoints kube-proxy or a load balancer could pick: this trace's verdict
        // is this branch's, but another branch may meet a policy this one does not.
        if settings.enforcer == .undeclared, out.allSatisfy({ $0.side != .destination }) {
            let others = t.choices.compactMap { c -> String? in
                guard case .ipv4(let ip) = c.target.address, let pod = fabric.pod(at: ip), pod != destination else { return nil }
                return pod
            }
            let selected = others.compactMap { caveat($0, .Ingress, .destination) }
            if !selected.isEmpty {
                let policies = Array(Set(selected.flatMap(\.policies))).sorted(), pods = Suggestions.unique(selected.compactMap(\.pod))
                out.append(Caveat(.otherEndpointsSelected(policies: policies, pods: pods), affectsVerdict: false, location: selected.first?.location))
            }
        }
        return out + agent
    }

    /// The pods (not hostNetwork) at either end of a trace: the source pod and the pod the flow
    /// reached, or another endpoint kube-proxy or a load balancer could pick.
    func podsOfTrace(_ t: Trace, source src: ResolvedEndpoint) -> [String] {
        var pods: [String] = []
        if src.podNode != nil, let p = fabric.pod(at: src.address) { pods.append(p) }
        if let p = fabric.pod(at: t.forward.finalPacket.destination) { pods.append(p) }
        for c in t.choices {
            if case .ipv4(let ip) = c.target.address, let p = fabric.pod(at: ip) { pods.append(p) }
        }
        return Suggestions.unique(pods)
    }

    /// What the network policy agent does beyond namespace NetworkPolicies, which netsim does not
    /// enforce yet: strict mode (`NETWORK_POLICY_ENFORCING_MODE: strict`, every pod starts
    /// default-deny and needs a policy to allow anything) and EKS ClusterNetworkPolicies (the admin
    /// tier is evaluated before NetworkPolicies, the baseline tier after). Either could drop a
    /// delivery to or from a pod; hostNetwork pods are exempt (they are not in `podByIP`).
    func agentCaveats(_ t: Trace, source src: ResolvedEndpoint, applicationOnly: Bool = false) -> [Caveat] {
        let topology = fabric.topology
        let settings = topology.cluster?.awsNode
        let strict = !applicationOnly && settings?.networkPolicyStrict == true ? settings?.sources["NETWORK_POLICY_ENFORCING_MODE"] : nil
        let cnps = applicationOnly ? [] : topology.kubernetes.clusterNetworkPolicies.sorted { $0.name < $1.name }
        let anpsAll = topology.kubernetes.applicationNetworkPolicies
        guard strict != nil || !cnps.isEmpty || !anpsAll.isEmpty else { return [] }
        let pods = podsOfTrace(t, source: src)
        guard !pods.isEmpty else { return [] }
        // Pods are "namespace/name"; an ApplicationNetworkPolicy may select pods of its namespace.
        let namespaces = Set(pods.compactMap { $0.split(separator: "/", maxSplits: 1).first.map(String.init) })
        let anps = anpsAll.filter { namespaces.contains($0.namespace ?? "") }
            .sorted { ($0.namespace ?? "", $0.name) < ($1.namespace ?? "", $1.name) }
        let decides = t.disposition.isSuccess
        var out: [Caveat] = []
        if let strict {
            out.append(Caveat(.strictMode(pods: pods, decides: decides), affectsVerdict: decides, location: strict))
        }
        if let first = cnps.first {
            let names = cnps.map(\.name)
            out.append(Caveat(.clusterNetworkPolicy(names: names, pods: pods, decides: decides), affectsVerdict: decides, location: first.location))
        }
        if let first = anps.first {
            let names = anps.map { "\($0.namespace ?? "")/\($0.name)" }
            out.append(Caveat(.applicationNetworkPolicy(names: names, pods: pods, decides: decides), affectsVerdict: decides, location: first.location))
        }
        return out
    }

    /// Every path of a flow: for each load balancer node the DNS name returns (one when the
    /// flow meets no load balancer by name), one trace per target the load balancer or
    /// endpoint kube-proxy's random rules can pick (one trace when the flow meets none).
    public func traceAllPaths(_ req: FlowRequest) -> [Outcome] {
        let first = trace(req, branch: 0)
        guard case .traced(let t0) = first else { return [first] }
        let dnsCount = t0.dnsChoice?.addresses.count ?? 1
        var out: [Outcome] = []
        for d in 0..<dnsCount {
            let head = dnsCount == 1 ? first : trace(req, branch: 0, dnsPosition: d)
            out.append(head)
            guard case .traced(let t) = head, t.choices.count > 1 else { continue }
            out += (1..<t.choices.count).map { trace(req, branch: $0, dnsPosition: dnsCount == 1 ? nil : d) }
        }
        return out
    }
}

extension Network {
    /// A NetworkPolicy that isolates the destination pod for ingress or the source pod for
    /// egress, as "namespace/name"; nil when none does.
    func networkPolicyInvolved(_ req: FlowRequest) -> String? {
        let k = fabric.topology.kubernetes
        guard !k.networkPolicies.isEmpty else { return nil }
        func pod(_ ep: Endpoint) -> RealizedPod? {
            guard case .resolved(let r) = resolver.resolve(ep) else { return nil }
            return fabric.pod(at: r.address).flatMap { fabric.podByName[$0] }.map { fabric.realized.pods[$0] }
        }
        func isolating(_ p: RealizedPod, _ type: NetworkPolicy.PolicyType) -> String? {
            // Nothing enforces policies on Fargate (no network policy agent there).
            guard p.fargateProfile == nil else { return nil }
            return k.networkPolicies.first { $0.meta.namespace == p.namespace && $0.policyTypes.contains(type) && $0.podSelector.matches(p.labels) }
                .map { "\($0.meta.namespace)/\($0.meta.name)" }
        }
        if let d = pod(req.to), let n = isolating(d, .Ingress) { return n }
        // A Service: any of its pods (its selector's) isolated for ingress.
        if case .service(let ns, let name) = req.to, let svc = k.services.first(where: { $0.meta.namespace == ns && $0.meta.name == name }),
           let selector = svc.selector {
            for p in fabric.realized.pods where p.namespace == ns && selector.allSatisfy({ p.labels[$0.key] == $0.value }) {
                if let n = isolating(p, .Ingress) { return n }
            }
        }
        if let s = pod(req.from), let n = isolating(s, .Egress) { return n }
        return nil
    }
}

/// The outcome of one `expect:` entry.
public struct IntentResult: Sendable {
    /// `invalid`: an endpoint names nothing (or no single thing) in the realized cluster, or
    /// the flow is impossible: the entry's error (NS0901), never a pass.
    public enum Status: String, Sendable { case passed, failed, skipped, invalid }
    public var intent: Intent
    public var status: Status
    /// One line: the disposition and the first block, or why it was skipped.
    public var summary: String
    public var trace: Trace?
    /// Where a failed intent was decided (see `decidingNotes`); filled by `evaluate`.
    public var deciding: [Diagnostic.Note] = []
}

extension Network {
    /// Evaluates every intent: delivered means DELIVERED, or EXITS_NETWORK toward the
    /// destination; denied means anything else.
    public func evaluate(_ intents: [Intent]) -> [IntentResult] {
        intents.map { intent in
            var req = FlowRequest(from: intent.from, to: intent.to, ipProtocol: intent.ipProtocol, port: intent.port)
            if intent.host != nil || intent.path != nil { req.http = HTTPRequest(host: intent.host ?? "", path: intent.path ?? "/") }
            let outcome = trace(req)
            // A delivery through a pod a NetworkPolicy isolates depends on the policy; a flow
            // the network already drops does not (a policy only drops more).
            if case .traced(let t) = outcome, t.delivered, fabric.topology.cluster?.networkPolicy.enforcer ?? .undeclared == .undeclared,
               let policy = networkPolicyInvolved(req) {
                return IntentResult(intent: intent, status: .skipped,
                                    summary: Wording.intentNotEvaluatedUndeclaredEnforcer(policy: policy), trace: nil)
            }
            switch outcome {
            case .unsupported(let why):
                return IntentResult(intent: intent, status: .skipped, summary: "not evaluated: " + why, trace: nil)
            case .invalid(let why, let near):
                // An endpoint that cannot be resolved is the entry's error whatever its verdict:
                // a "denied" intent must not hold because netsim traced nothing.
                let hint = near.isEmpty ? "" : " (did you mean \(near.prefix(3).joined(separator: ", "))?)"
                return IntentResult(intent: intent, status: .invalid, summary: why + hint, trace: nil)
            case .traced(let t) where t.disposition == .notModelled || t.verdictDependsOnUnmodelled:
                return IntentResult(intent: intent, status: .skipped,
                                    summary: "not evaluated: " + (t.caveats.first { $0.affectsVerdict }?.message ?? "netsim does not model what this flow reaches"), trace: t)
            case .traced(let t):
                let delivered = t.disposition.isSuccess
                let pass = delivered == (intent.verdict == .delivered)
                var summary = "\(t.disposition.rawValue)"
                if let e = t.explanations.first { summary += " " + Wording.intentBlock(e) }
                if t.explanations.count > 1 { summary += " (and \(t.explanations.count - 1) more block\(t.explanations.count == 2 ? "" : "s"))" }
                var result = IntentResult(intent: intent, status: pass ? .passed : .failed,
                                          summary: "expected \(intent.verdict.rawValue), got \(summary)", trace: t)
                if !pass { result.deciding = decidingNotes(t, intent: intent) }
                return result
            }
        }
    }
}

extension Network {
    /// Where a failed intent was decided, which is usually not the `expect:` line. Not
    /// delivered: only the first block decides ("deciding rule", or "deciding block" at the
    /// definition of the object that blocked when no rule or route did); later blocks are "also
    /// blocks" (fixing one alone would not change the verdict). Delivered against expectation:
    /// every rule, route, translation and listener the path went through with a location, each
    /// of which lets it through ("allowed here"). Each place once.
    func decidingNotes(_ t: Trace, intent: Intent) -> [Diagnostic.Note] {
        var seen = Set<SourceLocation>(), notes: [Diagnostic.Note] = []
        if !t.delivered {
            guard let first = t.explanations.first else { return [] }
            let what = Wording.blockSummary(first)
            if let l = first.location {
                seen.insert(l)
                notes.append(.init("deciding rule: \(what)", at: l))
            } else if let d = definition(of: first.component) {
                seen.insert(d.location)
                notes.append(.init("deciding block: \(what) (no rule or route decides it; \(d.what) is defined here)", at: d.location))
            } else {
                notes.append(.init("deciding block: \(what) (netsim has no source location for it)", at: intent.location))
            }
            for e in t.explanations.dropFirst() { if let l = e.location, seen.insert(l).inserted {
                notes.append(.init("also blocks (fixing it alone would not change the verdict): \(Wording.blockSummary(e))", at: l))
            } }
        } else {
            for s in t.forward.hops.flatMap(\.steps) {
                var location = s.location, service: Service? = nil
                // kube-proxy's DNAT: the Service (its port) the rules were written from.
                if location == nil, case .kubeProxyDNAT = s.detail, let svc = serviceOfIntent(intent) {
                    let port = svc.ports.first { $0.port == intent.port }
                    location = port?.location ?? svc.meta.location
                    service = svc
                }
                guard let l = location, [.permitted, .forwarded, .transformed].contains(s.action), seen.insert(l).inserted else { continue }
                notes.append(.init(Wording.allowedHere(s, service: service), at: l))
            }
        }
        return notes
    }

    func serviceOfIntent(_ i: Intent) -> Service? {
        switch i.to {
        case .service(let ns, let n), .loadBalancer(let ns, let n): return fabric.topology.kubernetes.service(namespace: ns, name: n)
        default: return nil
        }
    }

    /// The object an AWS ID names, and where it is written.
    func definition(of id: String) -> (what: String, location: SourceLocation)? {
        let t = fabric.topology
        for v in t.vpcs {
            if v.id == id { return ("VPC \(v.name)", v.location) }
            if let g = v.internetGateway, g.id == id { return ("internet gateway \(g.name)", g.location) }
            if let g = v.egressOnlyInternetGateway, g.id == id { return ("egress-only internet gateway \(g.name)", g.location) }
            if let x = v.subnets.first(where: { $0.id == id }) { return ("subnet \(x.name)", x.location) }
            if let x = v.routeTables.first(where: { $0.id == id }) { return ("route table \(x.name)", x.location) }
            if let x = v.natGateways.first(where: { $0.id == id }) { return ("NAT gateway \(x.name)", x.location) }
            if let x = v.securityGroups.first(where: { $0.id == id }) { return ("security group \(x.name)", x.location) }
            if let x = v.networkACLs.first(where: { $0.id == id }) { return ("network ACL \(x.name)", x.location) }
            if let x = v.gatewayEndpoints.first(where: { $0.id == id }) { return ("gateway endpoint \(x.name)", x.location) }
            if let x = v.networkInterfaces.first(where: { $0.id == id }) { return ("network interface \(x.name)", x.location) }
        }
        if let x = t.transitGateways.first(where: { $0.id == id }) { return ("transit gateway \(x.name)", x.location) }
        if let x = t.peeringConnections.first(where: { $0.id == id }) { return ("peering connection \(x.name)", x.location) }
        return nil
    }
}

extension IntentResult {
    /// The result as a located diagnostic: failed (NS0902, exit 1), holds (NS0903) or not
    /// evaluated (NS0904); the intent's name travels as the first note, for JUnit test names.
    public func diagnostic(file: String) -> Diagnostic {
        let i = intent
        let flow = "\(i.from) → \(i.to)\(i.port.map { " port \($0)" } ?? "")\(i.ipProtocol == .tcp ? "" : " \(i.ipProtocol)")"
        let cmd = "netsim trace \(file) --from \(i.from) --to \(i.to)\(i.port.map { " --port \($0)" } ?? "")\(i.ipProtocol == .tcp ? "" : " --protocol \(i.ipProtocol)")"
        switch status {
        case .failed:
            return Diagnostic(.error, .intentFailed, "intent '\(i.name)' failed (\(flow)): \(summary)", at: i.location, hint: "see the path with: \(cmd)",
                              notes: deciding)
        case .passed:
            return Diagnostic(.note, .intentHolds, "intent '\(i.name)' holds (\(flow)): \(trace.map { $0.disposition.rawValue } ?? summary)", at: i.location)
        case .skipped:
            return Diagnostic(.note, .intentNotEvaluated, "intent '\(i.name)' \(summary)", at: i.location)
        case .invalid:
            let at = summary.hasPrefix("from: ") ? i.fromLocation : summary.hasPrefix("to: ") ? i.toLocation : nil
            return Diagnostic(.error, .invalidEndpoint, "intent '\(i.name)' cannot be traced (\(flow)): \(summary)", at: at ?? i.location,
                              hint: "name one pod, workload or host that exists in the realized cluster; the intent is not evaluated")
        }
    }
}
