import NetsimIPAM
import NetsimModel

extension Network {
    /// A flow from or to a pod of the observed state (`kubernetes.observed`) that the realizer
    /// could not place as observed (its node is not in the topology, its address fits none of
    /// its node's ENIs, its workload is not in the manifests): NOT_MODELLED with the reason,
    /// never a verdict about another pod or address. nil when neither end is such a pod.
    func observedNotPlaced(_ req: FlowRequest) -> Trace? {
        let unplaced = fabric.realized.observedUnplaced
        guard !unplaced.isEmpty else { return nil }
        for (isSource, ep) in [(true, req.from), (false, req.to)] {
            let ns: String, name: String
            switch ep {
            case .pod(let n, let m): ns = n; name = m
            case .ip(.ipv4(let a)):
                // An address the dump gave an unplaced pod: in netsim it is nobody's, or another
                // pod's, so a verdict about it would not be about the observed pod.
                guard let o = unplacedObservedPod(at: a) else { continue }
                ns = o.namespace; name = o.name
            default: continue
            }
            guard let why = unplaced["\(ns)/\(name)"] else { continue }
            let pod = "\(ns)/\(name)"
            let observed = fabric.topology.kubernetes.observed?.pods.first { $0.namespace == ns && $0.name == name }?.ip
            let address = observed ?? IPv4Address(0, 0, 0, 0)
            // The other end's address when it resolves (IPv4), for the packet shown.
            var other = IPv4Address(0, 0, 0, 0)
            if case .resolved(let e) = resolver.resolve(isSource ? req.to : req.from), case .ipv4(let a) = e.address { other = a }
            let packet = Packet(ipProtocol: req.ipProtocol, source: isSource ? address : other, destination: isSource ? other : address,
                                destinationPort: req.port ?? 0, icmpType: req.icmpType, icmpCode: req.icmpCode)
            let label = "pod:\(pod)" + (observed.map { " (observed \($0))" } ?? "")
            let hops = [Hop(place: .endpoint(label), steps: [Step(.notModelled, .observedNotPlaced(pod: pod, reason: why))])]
            var t = Trace(source: "\(req.from)", destination: "\(req.to)", packet: packet, disposition: .notModelled,
                          forward: PathTrace(end: .notModelled, hops: hops, finalPacket: packet), reply: nil, explanations: [], notes: [])
            t.caveats = [Caveat(.observedNotPlaced(pod: pod, reason: why), affectsVerdict: true,
                                location: fabric.topology.kubernetes.observed?.pods.first { $0.namespace == ns && $0.name == name }?.location)]
            return t
        }
        return nil
    }

    /// The observed (not host-network) pod with address `a` that the realizer could not place, if
    /// any (a host-network pod shares its node's address, which stays the node's).
    func unplacedObservedPod(at a: IPv4Address) -> ObservedState.Pod? {
        let unplaced = fabric.realized.observedUnplaced
        return fabric.topology.kubernetes.observed?.pods.first { !$0.hostNetwork && $0.ip == a && unplaced["\($0.namespace)/\($0.name)"] != nil }
    }
}
