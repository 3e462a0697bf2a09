import NetsimIPAM
import NetsimModel

/// Flows from and to the EKS control plane (`cluster.controlPlane`): `controlplane` as a
/// source (the API server calling kubelet, admission webhooks, aggregated APIServices) and
/// `apiserver` as a destination (its private ENIs or its public endpoint).
///
/// EKS user guide, "Cluster API server endpoint": with private access, clients whose DNS
/// answer comes from the VPC (the VPC itself, and peered or on-premises networks that resolve
/// through it) reach the control-plane ENIs; otherwise the public endpoint, which admits only
/// source addresses in `publicAccessCidrs`.
extension Network {
    /// Where `apiserver` leads from `src`.
    enum APIServerTarget {
        /// A control-plane ENI (private access).
        case privateENI(ResolvedEndpoint)
        /// The public endpoint, reached over the internet (`ResolvedEndpoint` on the internet).
        case publicEndpoint(ResolvedEndpoint, ControlPlane.EndpointAccess)
    }

    /// The public endpoint's address: netsim's stand-in for what its DNS name
    /// (`<id>.<gr7>.<region>.eks.amazonaws.com`) returns, stable per cluster and seed.
    public static func apiServerPublicAddress(_ t: Topology) -> IPv4Address {
        AWSID.publicAddress("eks-endpoint/\(t.cluster?.name ?? "")", seed: t.seed)
    }

    /// Whether the source is on the internet (the internet, a public address, an external
    /// network reached without a transit gateway).
    func onInternet(_ src: ResolvedEndpoint) -> Bool {
        switch src.place {
        case .internet: return true
        case .externalNetwork(let e): return fabric.topology.privateGateway(of: e) == nil
        case .interface, .serviceIP: return false
        }
    }

    func apiServerTarget(from src: ResolvedEndpoint, private dst: ResolvedEndpoint) -> APIServerTarget? {
        guard let cp = fabric.topology.cluster?.controlPlane else { return nil }
        if cp.endpoint.privateAccess && !onInternet(src) { return .privateENI(dst) }
        let address = Self.apiServerPublicAddress(fabric.topology)
        let label = "apiserver (public endpoint \(address))"
        return .publicEndpoint(ResolvedEndpoint(place: .internet, address: address, label: label, podNode: nil), cp.endpoint)
    }

    /// A flow from the internet to the public endpoint: the endpoint alone decides.
    func apiServerFromInternet(_ src: ResolvedEndpoint, _ dst: ResolvedEndpoint, _ packet: Packet, access: ControlPlane.EndpointAccess) -> Trace {
        let decision = APIServerEndpointDecision(endpoint: Self.apiServerPublicAddress(fabric.topology), source: packet.source,
                                                 publicAccess: access.publicAccess, privateAccess: access.privateAccess,
                                                 publicAccessCIDRs: access.publicAccessCIDRs)
        let origin: Place
        switch src.place {
        case .externalNetwork(let e): origin = .external(name: e.name, address: packet.source)
        default: origin = .internet(packet.source)
        }
        var t = Trace(source: src.label, destination: dst.label, packet: packet, disposition: .delivered,
                      forward: PathTrace(end: .delivered, hops: [Hop(place: origin, steps: [Step(.originated, .originate(packet, reply: false), packet: packet)])],
                                         finalPacket: packet),
                      reply: nil, explanations: [], notes: [])
        judgePublicEndpoint(&t, decision, access: access)
        // The endpoint answers a TCP or UDP client it admits: the reply goes straight back.
        if decision.allowed, packet.hasPorts {
            let back = packet.reversed
            let clusterName = fabric.topology.cluster?.name ?? ""
            t.reply = PathTrace(end: .delivered, hops: [
                Hop(place: .endpoint("EKS API server endpoint of cluster \(clusterName) (\(decision.endpoint))"),
                    steps: [Step(.originated, .originate(back, reply: true), packet: back)]),
                Hop(place: origin, steps: [Step(.delivered, .delivered(.interface(label: src.label), blockedEarlier: false))]),
            ], finalPacket: back)
        }
        return t
    }

    /// Adds the public endpoint's hop to a trace that reached the internet toward it, and its
    /// verdict: delivered when the address it sees is in `publicAccessCidrs`, else denied.
    func judgePublicEndpoint(_ t: inout Trace, _ decision: APIServerEndpointDecision, access: ControlPlane.EndpointAccess) {
        let allowed = decision.allowed
        let clusterName = fabric.topology.cluster?.name ?? ""
        t.forward.hops.append(Hop(place: .endpoint("EKS API server endpoint of cluster \(clusterName) (\(decision.endpoint))"),
                                  steps: [Step(allowed ? .delivered : .denied, .apiServerEndpoint(decision), component: "eks:\(clusterName)", location: access.location)]))
        if allowed {
            if t.disposition == .exitsNetwork { t.disposition = .delivered }
            t.forward.end = t.forward.end == .exitsNetwork ? .delivered : t.forward.end
            return
        }
        let e = Explanation(code: .eksEndpointAccessDenied, direction: .forward, disposition: .deniedIn, component: "eks:\(clusterName)",
                            detail: .apiServerEndpoint(decision), location: access.location)
        // The endpoint's refusal comes after every block on the way there.
        t.explanations.append(e)
        if t.disposition.isSuccess { t.disposition = .deniedIn }
        t.reply = nil
    }

    /// `controlplane` to a Service: the API server dials an endpoint of the Service itself
    /// (EKS runs it with endpoint routing; the control plane has no kube-proxy), at the
    /// endpoint's target port. The first ready endpoint of the Service port numbered `port`.
    func controlPlaneServiceEndpoint(namespace ns: String, name: String, port: UInt16) -> (ResolvedEndpoint, UInt16)? {
        let (ports, endpoints) = ServicePorts.build(fabric.topology, fabric.realized)
        guard let sp = ports.first(where: { $0.namespace == ns && $0.name == name && $0.port == port && $0.ipProtocol == "tcp" }),
              let list = endpoints[sp.servicePortName + "/tcp"],
              let e = list.first(where: { $0.ready }) else { return nil }
        guard case .resolved(let r) = resolver.resolve(.ip(.ipv4(e.ip))) else { return nil }
        var out = r
        let who = fabric.pod(at: e.ip).map { "pod \($0)" } ?? fabric.interface(owning: e.ip)?.label ?? "\(e.ip)"
        out.label = "service:\(ns)/\(name) port \(port) → endpoint \(e.ip):\(e.port) (\(who)\(list.count > 1 ? ", 1 of \(list.count) endpoints" : ""))"
        return (out, e.port)
    }
}
