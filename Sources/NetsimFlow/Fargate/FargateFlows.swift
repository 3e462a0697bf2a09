import NetsimIPAM
import NetsimKube
import NetsimModel

// Flows to and from Fargate pods. A Fargate pod has its micro-VM to itself: its packets leave
// and arrive on its own ENI (the fabric's `.fargatePod` interface) with its security groups,
// and no node datapath of the cluster's is between. Inside the micro-VM, kube-proxy translates
// Service cluster IPs; the VPC CNI's network policy agent does not run there.

extension FabricIndex {
    /// Whether the pod "namespace/name" runs on Fargate.
    public func isFargatePod(_ key: String) -> Bool {
        guard let i = podByName[key] else { return false }
        return realized.pods[i].fargateProfile != nil
    }
}

extension Network {
    /// Whether the trace starts at a Fargate pod.
    func fromFargate(_ src: ResolvedEndpoint) -> Bool {
        if case .interface(let i) = src.place { return fabric.interfaces[i].kind == .fargatePod }
        return false
    }

    /// A Fargate pod's flow to a Service cluster IP: kube-proxy in the pod's micro-VM picks an
    /// endpoint (as on a node: uniformly among the ready ones, drawn from the flow and the
    /// topology's seed), so the packet leaves the ENI already addressed to the endpoint. The
    /// new destination, the packet, and the note that says so; or why there is none.
    func fargateServiceTranslation(_ src: ResolvedEndpoint, _ dst: ResolvedEndpoint, _ packet: Packet, branch: Int?, seed: UInt64? = nil)
        -> Result<FargateTranslation, FargateServiceFailure> {
        guard case .serviceIP(let ns, let name) = dst.place else { return .failure(.notAService) }
        let (ports, endpoints) = ServicePorts.build(fabric.topology, fabric.realized)
        let proto = packet.ipProtocol == .udp ? "udp" : (packet.ipProtocol == .tcp ? "tcp" : "sctp")
        guard let port = ports.first(where: { $0.namespace == ns && $0.name == name && $0.port == packet.destinationPort && $0.ipProtocol == proto }) else {
            return .failure(.noPort(service: "\(ns)/\(name)", port: packet.destinationPort))
        }
        let ready = (endpoints[port.servicePortName + "/" + proto] ?? []).filter(\.ready).sorted { $0.ip.value < $1.ip.value }
        guard !ready.isEmpty else { return .failure(.noEndpoints(service: port.servicePortName)) }
        let pick: Int
        if let b = branch { pick = min(max(b, 0), ready.count - 1) } else {
            let h = StableHash.fnv1a("fargate-kube-proxy/\(packet.source)/\(packet.destination)/\(packet.destinationPort)/\(packet.sourcePort)",
                                     seed: seed ?? fabric.topology.seed)
            pick = Int(h % UInt64(ready.count))
        }
        let e = ready[pick]
        var translated = packet
        translated.destination = .ipv4(e.ip)
        translated.destinationPort = e.port
        var newDst: ResolvedEndpoint
        switch resolver.resolve(.ip(.ipv4(e.ip))) {
        case .resolved(let r): newDst = r
        default: newDst = ResolvedEndpoint(place: .internet, address: e.ip, label: "ip:\(e.ip)", podNode: nil)
        }
        newDst.label = "\(dst.label) → \(newDst.label)"
        let note = TraceNote.fargateKubeProxy(pod: fabric.pod(at: src.address) ?? src.label, service: port.servicePortName,
                                              clusterIP: dst.address, port: packet.destinationPort, endpoint: .ipv4(e.ip), endpointPort: e.port,
                                              of: ready.count)
        let choices = ready.map { EndpointChoice(target: AddressPort(.ipv4($0.ip), $0.port), probability: 1 / Double(ready.count)) }
        return .success(FargateTranslation(destination: newDst, packet: translated, note: note, choices: choices))
    }

    /// The notes a trace with a Fargate pod at either end carries: NetworkPolicies that select
    /// the pod are not enforced there (no network policy agent on Fargate).
    func fargateNotes(_ t: Trace, source src: ResolvedEndpoint) -> [TraceNote] {
        guard !fabric.realized.fargateNodes.isEmpty else { return [] }
        let k = fabric.topology.kubernetes
        var notes: [TraceNote] = []
        func check(_ podKey: String?, _ type: NetworkPolicy.PolicyType, _ side: Caveat.Side) {
            guard let podKey, let i = fabric.podByName[podKey], let profile = fabric.realized.pods[i].fargateProfile else { return }
            let p = fabric.realized.pods[i]
            let selecting = k.networkPolicies.filter { $0.meta.namespace == p.namespace && $0.policyTypes.contains(type) && $0.podSelector.matches(p.labels) }
                .map { "\($0.meta.namespace)/\($0.meta.name)" }.sorted()
            guard !selecting.isEmpty else { return }
            notes.append(.fargatePolicyNotEnforced(pod: podKey, profile: profile, side: side, policies: selecting))
        }
        let source = fromFargate(src) ? fabric.pod(at: src.address) : nil
        check(source, .Egress, .source)
        check(fabric.pod(at: t.forward.finalPacket.destination), .Ingress, .destination)
        return notes
    }
}

/// Where kube-proxy in a Fargate micro-VM sent the flow, and the endpoints it could pick.
struct FargateTranslation {
    var destination: ResolvedEndpoint
    var packet: Packet
    var note: TraceNote
    var choices: [EndpointChoice]
}

/// Why a Fargate pod's flow to a Service has no endpoint to go to.
enum FargateServiceFailure: Error {
    case notAService
    case noPort(service: String, port: UInt16)
    case noEndpoints(service: String)
    var message: String {
        switch self {
        case .notAService: return "not a Service"
        case .noPort(let s, let p): return "Service \(s) has no port \(p) for this protocol: kube-proxy in the Fargate pod's micro-VM has no rule for it"
        case .noEndpoints(let s): return "Service port \(s) has no ready endpoint: kube-proxy in the Fargate pod's micro-VM rejects the connection"
        }
    }
}
