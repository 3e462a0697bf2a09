import NetsimIPAM
import NetsimModel
import NetsimVPC

/// Turns `deployment:shop/cart`, `node:…`, `ip:…`, `external:…` or `internet` into a place and
/// an address of the realized cluster.
public struct EndpointResolver: Sendable {
    public enum Result: Sendable {
        case resolved(ResolvedEndpoint)
        /// A kind of endpoint a later engine handles (Services, Ingresses).
        case unsupported(String)
        case failure(message: String, near: [String])
    }

    /// The internet host netsim uses for `internet` (TEST-NET-3, RFC 5737).
    public static let internetHost = IPv4Address(203, 0, 113, 10)
    /// The IPv6 internet host netsim uses for `internet` when the other end is IPv6 (the
    /// documentation prefix, RFC 3849).
    public static let internetHost6 = IPv6Address(high: 0x2001_0db8_0000_0000, low: 0x0203_0000_0113_0010)
    static var internet6: ResolvedEndpoint {
        ResolvedEndpoint(place: .internet, address: .ipv6(internetHost6), label: "internet (\(internetHost6))", podNode: nil)
    }

    public let fabric: FabricIndex

    public init(fabric: FabricIndex) { self.fabric = fabric }

    /// Why a workload's pods are not running: each distinct reason once, in the pods' order
    /// (some may wait for an address while others are Pending), at most three.
    static func reasons(_ pods: [RealizedPod]) -> String {
        var seen: [String] = []
        for p in pods {
            let r = "\(p.status.rawValue): \(p.reason ?? "not scheduled")"
            if !seen.contains(r) { seen.append(r) }
        }
        guard !seen.isEmpty else { return "not scheduled" }
        let shown = seen.prefix(3).joined(separator: "; ")
        return seen.count > 3 ? shown + "; and \(seen.count - 3) more reasons" : shown
    }

    public func resolve(_ ep: Endpoint) -> Result {
        let r = fabric.realized
        switch ep {
        case .internet:
            return .resolved(ResolvedEndpoint(place: .internet, address: Self.internetHost, label: "internet (\(Self.internetHost))", podNode: nil))
        case .workload(let kind, let ns, let name):
            let pods = (fabric.podsOfWorkload["\(kind.rawValue)/\(ns)/\(name)"] ?? []).map { r.pods[$0] }
            guard !pods.isEmpty else {
                return .failure(message: "no \(kind.rawValue) \(echo: "\(ns)/\(name)") in the topology", near: Suggestions.nearest(to: "\(ns)/\(name)", in: r.pods.map { "\($0.namespace)/\($0.workload)" }))
            }
            let running = pods.prefix { $0.status == .running && ($0.ip != nil || $0.ipv6 != nil) }
            guard let pod = running.first else {
                return .failure(message: "no pod of \(kind.rawValue) \(echo: "\(ns)/\(name)") is running: \(Self.reasons(pods))", near: [])
            }
            return podEndpoint(pod, label: "\(kind.rawValue.lowercased()):\(ns)/\(name) (pod \(pod.name)\(running.count > 1 ? ", 1 of \(running.count)" : ""))")
        case .pod(let ns, let name):
            switch pod(namespace: ns, name: name) {
            case .failure(let message, let near): return .failure(message: message, near: near)
            case .found(let i):
                let pod = r.pods[i]
                guard pod.status == .running, pod.ip != nil || pod.ipv6 != nil else { return .failure(message: "pod \(ns)/\(pod.name) is not running: \(pod.reason ?? pod.status.rawValue)", near: []) }
                return podEndpoint(pod, label: "pod:\(ns)/\(pod.name)")
            }
        case .node(let name):
            // A Fargate node is its one pod's micro-VM: the pod's address is the node's.
            if let fn = fabric.fargateNodeByName[name], let i = fabric.podByName[fn.podKey] {
                return podEndpoint(r.pods[i], label: "node:\(name) (Fargate pod \(fn.podKey))")
            }
            guard let n = fabric.nodeByName[name] ?? r.nodes.first(where: { $0.instanceID == name }) else {
                return .failure(message: "no node \(echo: name)", near: Suggestions.nearest(to: name, in: r.nodes.map(\.name)))
            }
            return interfaceEndpoint(n.primaryIP, label: "node:\(n.name)")
        case .nodeGroup(let name):
            guard let n = r.nodes.first(where: { $0.group == name }) else {
                return .failure(message: "node group \(echo: name) has no nodes", near: Suggestions.nearest(to: name, in: r.nodes.map(\.group)))
            }
            return interfaceEndpoint(n.primaryIP, label: "nodegroup:\(name) (node \(n.name))")
        case .external(let name):
            guard let e = fabric.topology.externals.first(where: { $0.name == name }) else {
                return .failure(message: "no external \(echo: name)", near: Suggestions.nearest(to: name, in: fabric.topology.externals.map(\.name)))
            }
            switch e.address {
            case .host(let ip):
                if e.subnet != nil { return interfaceEndpoint(ip, label: "external:\(name)") }
                return .resolved(ResolvedEndpoint(place: .externalNetwork(e), address: ip, label: "external:\(name) (\(ip))", podNode: nil))
            case .network(let c):
                let ip = IPv4Address(c.network.value + (c.size > 2 ? 1 : 0))
                return .resolved(ResolvedEndpoint(place: .externalNetwork(e), address: ip, label: "external:\(name) (\(ip) in \(c))", podNode: nil))
            }
        case .ip(let address):
            guard case .ipv4(let ip) = address else { return resolve6(address) }
            if let i = fabric.ownerOf(ip) {
                let iface = fabric.interfaces[i]
                if let name = fabric.pod(at: ip), let pod = fabric.podByName[name].map({ r.pods[$0] }) {
                    return podEndpoint(pod, label: "ip:\(ip) (pod \(pod.namespace)/\(pod.name))")
                }
                return .resolved(ResolvedEndpoint(place: .interface(i), address: ip, label: "ip:\(ip) (\(iface.label))", podNode: nil))
            }
            if let i = fabric.publicOwnerOf(ip) {
                return .resolved(ResolvedEndpoint(place: .interface(i), address: ip, label: "ip:\(ip) (public address of \(fabric.interfaces[i].label))", podNode: nil))
            }
            // A Service's cluster IP: only the nodes' kube-proxy rules know it.
            if let (ns, name) = fabric.serviceByClusterIP[ip.value] {
                return .resolved(ResolvedEndpoint(place: .serviceIP(namespace: ns, name: name), address: ip, label: "ip:\(ip) (cluster IP of service:\(ns)/\(name))", podNode: nil))
            }
            // A Service's external IP: kube-proxy captures it on the nodes.
            if let svc = fabric.topology.kubernetes.services.first(where: { $0.externalIPs.contains(ip) }) {
                return .resolved(ResolvedEndpoint(place: .serviceIP(namespace: svc.meta.namespace, name: svc.meta.name), address: ip,
                                                  label: "ip:\(ip) (external IP of service:\(svc.meta.namespace)/\(svc.meta.name))", podNode: nil))
            }
            if let e = fabric.externalNetwork(containing: ip) {
                return .resolved(ResolvedEndpoint(place: .externalNetwork(e), address: ip, label: "ip:\(ip) (external \(e.name))", podNode: nil))
            }
            if let vpc = fabric.vpc(containing: ip) {
                let subnet = vpc.subnets.first { $0.cidr.contains(ip) }
                return .failure(message: "no network interface has \(ip) (it is in VPC \(vpc.name)\(subnet.map { ", subnet \($0.name)" } ?? ""))", near: [])
            }
            let privateRanges = IPv4CIDR.rfc1918 + [IPv4CIDR.rfc6598]
            if privateRanges.contains(where: { $0.contains(ip) }) {
                return .failure(message: "\(ip) is outside every known network: no VPC CIDR block or external network contains it", near: [])
            }
            return .resolved(ResolvedEndpoint(place: .internet, address: ip, label: "ip:\(ip) (internet)", podNode: nil))
        case .service(let ns, let name):
            guard let svc = fabric.realized.services.first(where: { $0.namespace == ns && $0.name == name }) else {
                return .failure(message: "no Service \(echo: "\(ns)/\(name)")", near: Suggestions.nearest(to: "\(ns)/\(name)", in: fabric.realized.services.map { "\($0.namespace)/\($0.name)" }))
            }
            if let ip6 = svc.clusterIPv6 {
                return .resolved(ResolvedEndpoint(place: .serviceIP(namespace: ns, name: name), address: .ipv6(ip6), label: "service:\(ns)/\(name) (\(ip6))", podNode: nil))
            }
            guard let ip = svc.clusterIP else {
                return .unsupported("service:\(ns)/\(name) is headless or ExternalName: it has no cluster IP to trace to")
            }
            return .resolved(ResolvedEndpoint(place: .serviceIP(namespace: ns, name: name), address: ip, label: "service:\(ns)/\(name) (\(ip))", podNode: nil))
        case .ingress(let ns, let name):
            return loadBalancerEndpoint(owner: "ingress:\(ns)/\(name)", label: "ingress:\(ns)/\(name)")
        case .loadBalancer(let ns, let name):
            return loadBalancerEndpoint(owner: "service:\(ns)/\(name)", label: "loadbalancer:\(ns)/\(name)")
        case .aws(let text):
            // Without a source: the public answer. `Network.trace` resolves it from the source's VPC.
            let t = fabric.topology
            let service = AWSService.shortName(text, region: t.region) ?? text
            let a = AWSService.standInPublicAddress(service, region: t.region, seed: t.seed)
            return .resolved(ResolvedEndpoint(place: .internet, address: .ipv4(a),
                                              label: "aws:\(service) (\(AWSService.dnsName(service, region: t.region, account: t.accountID)): the public service, stand-in address \(a))", podNode: nil))
        case .controlPlane:
            return controlPlaneEndpoint(label: "controlplane")
        case .apiServer:
            // The private endpoint; `Network.trace` chooses the public one when the source's
            // DNS answer gives it (`Network.apiServerDestination`).
            return controlPlaneEndpoint(label: "apiserver")
        }
    }

    /// The first control-plane ENI (`controlplane`, `apiserver` through private access).
    func controlPlaneEndpoint(label: String) -> Result {
        guard let i = fabric.controlPlaneInterfaces.first else {
            return .failure(message: "\(label): the cluster declares no controlPlane, so netsim does not know where the control plane's ENIs are", near: [])
        }
        let e = fabric.interfaces[i]
        let n = fabric.controlPlaneInterfaces.count
        return .resolved(ResolvedEndpoint(place: .interface(i), address: e.primaryIP,
                                          label: "\(label) (\(e.label), \(e.primaryIP)\(n > 1 ? ", 1 of \(n)" : ""))", podNode: nil))
    }

    public enum PodLookup: Sendable { case found(Int), failure(String, near: [String]) }

    /// The pod `pod:NS/NAME` names: the exact name, else the one pod whose name starts with
    /// NAME (a Deployment's name, or its name and part of the generated suffix); several such
    /// pods are an error that lists them.
    public func pod(namespace ns: String, name: String) -> PodLookup {
        let r = fabric.realized
        if let i = fabric.podByName["\(ns)/\(name)"] { return .found(i) }
        let matches = r.pods.filter { $0.namespace == ns && $0.name.hasPrefix(name) }.map(\.name).sorted()
        if matches.count > 1 {
            let shown = matches.prefix(10).joined(separator: ", ") + (matches.count > 10 ? ", … (\(matches.count - 10) more)" : "")
            return .failure("pod:\(ns)/\(name) matches \(matches.count) pods: \(shown); name one (or use deployment:\(ns)/… for the workload)", near: [])
        }
        if let only = matches.first, let i = fabric.podByName["\(ns)/\(only)"] { return .found(i) }
        return .failure("no pod \(echo: "\(ns)/\(name)")", near: Suggestions.nearest(to: "\(ns)/\(name)", in: r.pods.map { "\($0.namespace)/\($0.name)" }))
    }

    /// The load balancer the controller built for `owner` (`service:NS/NAME` or
    /// `ingress:NS/NAME`), reached at the address its DNS name gives first (its node in the
    /// first zone), or why there is none.
    public func loadBalancerEndpoint(owner: String, label: String, node pick: ((Int) -> Int)? = nil) -> Result {
        guard let l = fabric.loadBalancer(for: owner) else {
            if let p = fabric.loadBalancerProblems.first(where: { $0.owner == owner }) {
                return .failure(message: "\(label): \(p.message) (\(p.location.file):\(p.location.line):\(p.location.column))", near: [])
            }
            let k = fabric.topology.kubernetes
            if owner.hasPrefix("ingress:"), let ing = k.ingresses.first(where: { "ingress:\($0.meta.namespace)/\($0.meta.name)" == owner }) {
                return .unsupported("\(label) is not the AWS Load Balancer Controller's (ingressClassName \(ing.ingressClassName ?? "none")): netsim models the controller's ALBs only; trace to the Service of the ingress controller that serves it")
            }
            if owner.hasPrefix("service:"), let svc = k.services.first(where: { "service:\($0.meta.namespace)/\($0.meta.name)" == owner }) {
                if case .otherClass(let c) = LBC.owner(of: svc) {
                    return .unsupported("\(label) has loadBalancerClass \(c), another controller's: netsim models the AWS Load Balancer Controller's NLBs only")
                }
                return .failure(message: "\(label): Service \(svc.meta.namespace)/\(svc.meta.name) is type \(svc.type.rawValue) and has no load balancer", near: [])
            }
            return .failure(message: "\(echo: label): no load balancer", near: fabric.loadBalancers.flatMap(\.owners))
        }
        let lb = fabric.loadBalancers[l]
        let k = pick?(l) ?? 0
        guard let node = lb.nodes.indices.contains(k) && lb.nodes[k].interface >= 0 ? lb.nodes[k] : lb.nodes.first(where: { $0.interface >= 0 }) else {
            return .failure(message: "\(label): \(lb.label) has no node", near: [])
        }
        let zones = lb.nodes.count
        // An internet-facing load balancer's DNS name gives public addresses, to clients in the
        // VPC too: their traffic leaves through a NAT gateway and comes back in.
        let address = node.publicIP ?? node.privateIP
        return .resolved(ResolvedEndpoint(place: .interface(node.interface), address: address,
                                          label: "\(label) (\(lb.label), \(lb.dnsName)\(zones > 1 ? ": 1 of \(zones) addresses, the node in \(node.zone)\(k > 0 ? " (zones without a healthy target are left out of DNS)" : "")" : ", node in \(node.zone)")\(node.publicIP != nil ? ", public address \(address)" : ""))",
                                          podNode: nil))
    }

    func podEndpoint(_ pod: RealizedPod, label: String) -> Result {
        if pod.ip == nil, let v6 = pod.ipv6 { return podEndpoint6(pod, v6, label: label) }
        guard let ip = pod.ip else { return .failure(message: "pod \(pod.namespace)/\(pod.name) has no IPv4 address", near: []) }
        if pod.hostNetwork { return interfaceEndpoint(ip, label: label + " (host network)") }
        guard let i = fabric.ownerOf(ip) else { return .failure(message: "no ENI holds pod address \(ip)", near: []) }
        // A Fargate pod is its micro-VM's only tenant: its packets leave and arrive on its own
        // ENI, with no node datapath of the cluster's between.
        if pod.fargateProfile != nil {
            return .resolved(ResolvedEndpoint(place: .interface(i), address: ip, label: "\(label) \(ip) on \(pod.node ?? "?") (Fargate)", podNode: nil))
        }
        return .resolved(ResolvedEndpoint(place: .interface(i), address: ip, label: "\(label) \(ip) on \(pod.node ?? "?")", podNode: pod.node))
    }

    func interfaceEndpoint(_ ip: IPv4Address, label: String) -> Result {
        guard let i = fabric.ownerOf(ip) else { return .failure(message: "no interface has \(ip)", near: []) }
        return .resolved(ResolvedEndpoint(place: .interface(i), address: ip, label: "\(label) (\(ip))", podNode: nil))
    }

    /// A client's ephemeral source port: Linux's default range 32768–60999, picked from the flow.
    public static func ephemeralPort(_ src: IPAddress, _ dst: IPAddress, _ port: UInt16, seed: UInt64) -> UInt16 {
        UInt16(32768 + Int(StableHash.fnv1a("ephemeral/\(src)/\(dst)/\(port)", seed: seed) % 28232))
    }
}

extension EndpointResolver {
    /// `ip:` with an IPv6 address: an interface's own (a node's, a declared interface's), a
    /// pod's (IPv6 cluster), a Service's cluster IP, an unused address of a VPC's IPv6 block (an
    /// error, as for IPv4), else a host on the internet.
    func resolve6(_ address: IPAddress) -> Result {
        guard case .ipv6(let ip) = address else { return .failure(message: "\(address) is not an IPv6 address", near: []) }
        let r = fabric.realized
        if let name = fabric.podByIP6[ip], let pod = fabric.podByName[name].map({ r.pods[$0] }) {
            return podEndpoint(pod, label: "ip:\(ip) (pod \(pod.namespace)/\(pod.name))")
        }
        if let i = fabric.ownerOf6(ip) {
            return .resolved(ResolvedEndpoint(place: .interface(i), address: address, label: "ip:\(ip) (\(fabric.interfaces[i].label))", podNode: nil))
        }
        if let (ns, name) = fabric.serviceByClusterIP6[ip] {
            return .resolved(ResolvedEndpoint(place: .serviceIP(namespace: ns, name: name), address: address, label: "ip:\(ip) (cluster IP of service:\(ns)/\(name))", podNode: nil))
        }
        if let vpc = fabric.vpc(containing: address) {
            let subnet = vpc.subnets.first { $0.ipv6Cidr?.contains(ip) == true }
            return .failure(message: "no network interface has \(ip) (it is in VPC \(vpc.name)'s IPv6 block\(subnet.map { ", subnet \($0.name)" } ?? ""))", near: [])
        }
        if !Walk.isGlobal6(ip) {
            return .failure(message: "\(ip) is not a global unicast address (2000::/3) and no VPC IPv6 block contains it: nothing routes it", near: [])
        }
        return .resolved(ResolvedEndpoint(place: .internet, address: address, label: "ip:\(ip) (internet)", podNode: nil))
    }

    /// A pod of an IPv6 cluster, by its address from its node's /80 prefix, on the node's
    /// primary ENI.
    func podEndpoint6(_ pod: RealizedPod, _ ip: IPv6Address, label: String) -> Result {
        guard let i = fabric.ownerOf6(ip) else { return .failure(message: "no ENI holds pod address \(ip)", near: []) }
        return .resolved(ResolvedEndpoint(place: .interface(i), address: .ipv6(ip), label: "\(label) \(ip) on \(pod.node ?? "?")", podNode: pod.node))
    }
}
