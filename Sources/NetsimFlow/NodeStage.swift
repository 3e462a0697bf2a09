import NetsimKube
import NetsimModel
import NetsimVPC

/// A packet crossing a node: the rules `netsim node` prints, walked by the iptables
/// interpreter in netfilter's order, and the node's policy routing.
///
/// - From a pod (enters on its veth) or the wire (enters on an ENI): mangle PREROUTING, nat
///   PREROUTING, the route lookup (`ip rule`, then the chosen table), filter INPUT or FORWARD,
///   nat POSTROUTING.
/// - From the node itself (a host process, a hostNetwork pod): nat OUTPUT, the route lookup,
///   filter OUTPUT (and INPUT when it stays on the node), nat POSTROUTING.
/// - A reply: conntrack finds the connection the forward walk recorded and undoes its NAT;
///   the nat table is not walked again (netfilter consults it for the first packet only), and
///   the filter table accepts the packet as ESTABLISHED (kube-proxy's KUBE-FORWARD does).
extension Walk {
    /// Every endpoint a random walk can reach, with the chance of each (kube-proxy's
    /// `--probability` rules taken in turn).
    static func candidates(_ ipt: IPTablesInterpreter, table: NetfilterTable, chain: ChainName, packet: NodePacket) -> [EndpointChoice] {
        // Taking no random rule meets them all: that counts the branches.
        let branches = ipt.run(table: table, chain: chain, packet: packet, choice: .branch(Int.max)).branchesMet
        var out: [EndpointChoice] = []
        var remaining = 1.0
        for k in 0...branches {
            let w = ipt.run(table: table, chain: chain, packet: packet, choice: .branch(k))
            let target = AddressPort(w.packet.destination, w.packet.destinationPort)
            let p = k == branches ? remaining : remaining * (w.hits.last { $0.probability != nil }?.probability ?? 0)
            if k < branches { remaining -= p }
            out.append(EndpointChoice(target: target, probability: p))
        }
        return out
    }

    mutating func nodeStage(_ nodeName: String, origin: NodeOrigin) -> NodeExit {
        let place = Place.node(f.nodeRef(nodeName))
        guard let dp = datapaths?.get(nodeName) else {
            finish(.noRoute, place: place, .noRoute, .noRoute(.noDatapath))
            return .stopped
        }
        let host = dp.host
        // iptables for IPv4 packets, ip6tables for IPv6 ones (an IPv6 cluster's node); a node
        // without the packet's family (or a packet mixing them) gets no verdict, never IPv4's.
        guard packet.source.family == packet.destination.family, let ipt = dp.interpreter(for: packet.destination.family),
              packet.destination.family == .ipv4 || host.ipv6 != nil else {
            finish(.notModelled, place: place, .notModelled, .ipv6NotModelled(source: packet.source, destination: packet.destination))
            return .stopped
        }
        var steps: [Step] = []
        func step(_ action: Step.Action, _ detail: StepDetail, packet p: Packet? = nil) {
            steps.append(Step(action, detail, packet: p))
        }
        var np = NodePacket(packet)
        switch origin {
        case .pod(let ip):
            np.inInterface = host.veth(of: ip)
        case .wire(let dev): np.inInterface = dev
        case .host: break
        }
        let before = packet
        let fromHost: Bool = { if case .host = origin { return true }; return false }()
        var replyMark: UInt32 = 0

        if session {
            // conntrack: the reply of a connection this node translated.
            if let i = sessions.lastIndex(where: { s in
                guard case .node(let n) = s.kind, n == nodeName, !s.reversed, let td = s.translatedDestination else { return false }
                return td.0 == packet.source && s.outside.0 == packet.destination
                    && (!packet.hasPorts || (td.1 == packet.sourcePort && s.outside.1 == packet.destinationPort))
            }) {
                let s = sessions[i]
                sessions[i].reversed = true
                // The CNI restores the mark from the connection only for packets from pods
                // (mangle PREROUTING -i eni+ --restore-mark).
                if case .pod = origin { replyMark = s.connmark }
                if let od = s.originalDestination { packet.source = od.0; if packet.hasPorts { packet.sourcePort = od.1 } }
                packet.destination = s.inside.0
                if packet.hasPorts { packet.destinationPort = s.inside.1 }
                step(.matchedSession, .conntrack(ConntrackUndo(inside: AddressPort(s.inside.0, s.inside.1), originalDestination: s.originalDestination.map { AddressPort($0.0, $0.1) },
                                                              before: before, after: packet)), packet: packet)
            } else {
                step(.matchedSession, .conntrack(nil))
            }
        } else {
            var pre: [RuleHit] = []
            var natChain = ChainName.output
            if !fromHost {
                let mangle = ipt.run(table: .mangle, chain: .prerouting, packet: np, choice: .branch(0))
                pre += mangle.hits
                np = mangle.packet
                natChain = .prerouting
            }
            let choice = branchChoice ?? .seeded(StableHash.fnv1a("kube-proxy/\(before)", seed: f.topology.seed))
            let nat = ipt.run(table: .nat, chain: natChain, packet: np, choice: choice)
            pre += nat.hits
            for h in pre { step(.forwarded, .netfilterRule(h)) }
            if nat.packet.destination != np.destination || nat.packet.destinationPort != np.destinationPort {
                var dnat = KubeProxyDNAT(table: .nat, baseChain: natChain, hits: nat.hits, before: AddressPort(np.destination, np.destinationPort),
                                         after: AddressPort(nat.packet.destination, nat.packet.destinationPort), pick: nil)
                if nat.branchesMet > 0 {
                    let c = Self.candidates(ipt, table: .nat, chain: natChain, packet: np)
                    let picked = AddressPort(nat.packet.destination, nat.packet.destinationPort)
                    let k = c.firstIndex { $0.target == picked } ?? 0
                    dnat.pick = EndpointPick(index: k, count: c.count, probability: c.indices.contains(k) ? c[k].probability : 0)
                    if choices.isEmpty { choices = c }
                }
                step(.transformed, .kubeProxyDNAT(dnat))
            }
            np = nat.packet
        }

        // A reply is routed after PREROUTING undid the SNAT (its destination is the client
        // again) but before POSTROUTING undoes the DNAT: the route lookup sees the reply's own
        // source (the endpoint), which is why the CNI marks NodePort connections (network.go).
        let source = session ? before.source : np.source
        let destination = session ? packet.destination : np.destination
        guard let r = host.route(source: source, destination: destination, mark: session ? replyMark : np.mark, inInterface: np.inInterface) else {
            hop(place, steps)
            finish(.noRoute, place: place, .noRoute, .noRoute(.nodeNoRoute(destination)))
            return .stopped
        }
        step(.forwarded, .nodeRoute(r))

        if !session {
            np.outInterface = r.isLocal ? "lo" : r.device
            var chains: [ChainName] = fromHost ? [.output] : []
            if r.isLocal { chains.append(.input) } else if !fromHost { chains.append(.forward) }
            for chain in chains {
                let filter = ipt.run(table: .filter, chain: chain, packet: np, choice: .branch(0))
                np.mark = filter.packet.mark
                let last = filter.hits.last
                if filter.verdict != .accept, let h = last {
                    step(.denied, .netfilterRule(h))
                    let none = h.isNoEndpointsRule
                    hop(place, steps)
                    let d: Disposition = filter.verdict == .reject ? (none ? .noEndpoints : .rejected) : (r.isLocal ? .deniedIn : .deniedOut)
                    if filter.verdict == .reject, explanations.isEmpty { rejectedWithICMP = true }
                    block(none ? .noEndpoints : (filter.verdict == .reject ? .rejected : .dropped), d, component: nodeName,
                          none ? .serviceHasNoEndpoints(AddressPort(np.destination, np.destinationPort)) : .netfilterFilter(h, reject: filter.verdict == .reject))
                    finish(d, place: place, .denied, .filter(.netfilter(reject: filter.verdict == .reject)))
                    return .stopped
                }
                if let h = last, h.target == .accept { step(.permitted, .netfilterRule(h)) }
            }
            // A cluster IP no rule translated: kube-proxy answers only on its Services' ports.
            // (IPv6: the cluster's IPv6 cluster IPs, which kube-proxy's rules name.)
            if !session, f.topology.cluster?.serviceCIDR.contains(np.destination) == true || datapaths?.isClusterIPv6(np.destination) == true {
                step(.noRoute, .noRoute(.noKubeProxyRule(AddressPort(np.destination, np.destinationPort), protocolName: np.proto)))
                hop(place, steps)
                block(.noRouteToDestination, .noRoute, component: nodeName, .notAServicePort(AddressPort(np.destination, np.destinationPort)))
                finish(.noRoute, place: place, .noRoute, .noRoute(.clusterIPServicePortsOnly))
                return .stopped
            }
            if !r.isLocal {
                let post = ipt.run(table: .nat, chain: .postrouting, packet: np, choice: .branch(0))
                for h in post.hits { step(.forwarded, .netfilterRule(h)) }
                if post.packet.source != np.source {
                    var out = post.packet
                    if packet.hasPorts {
                        out.sourcePort = UInt16(1024 + Int(StableHash.fnv1a("snat/\(nodeName)/\(before)", seed: f.topology.seed) % 64512))
                    }
                    let masquerade = post.hits.last?.chainName == ChainNames.kubePostrouting
                    step(.transformed, .nodeSourceNAT(NodeSourceNAT(hits: post.hits, masquerade: masquerade, before: AddressPort(np.source, np.sourcePort),
                                                                    after: AddressPort(out.source, out.sourcePort), device: r.device,
                                                                    deviceIsVeth: host.isPodVeth(r.device))))
                    np = out
                }
            }
            packet.source = np.source
            packet.destination = np.destination
            if packet.hasPorts { packet.sourcePort = np.sourcePort; packet.destinationPort = np.destinationPort }
            if packet.source != before.source || packet.destination != before.destination || packet.sourcePort != before.sourcePort || packet.destinationPort != before.destinationPort {
                let snat = packet.source != before.source
                sessions.append(Session(kind: .node(nodeName), outside: (packet.source, packet.sourcePort), inside: (before.source, before.sourcePort),
                                        outsideRange: snat && packet.hasPorts ? 1024...65535 : nil,
                                        originalDestination: (before.destination, before.destinationPort),
                                        translatedDestination: (packet.destination, packet.destinationPort), connmark: np.connmark))
                if let i = steps.lastIndex(where: { $0.action == .transformed }) { steps[i].packet = packet }
            }
        }
        hop(place, steps)
        if r.isLocal { return .host }
        if let pod = host.pod(onVeth: r.device) { return .pod(.ipv4(pod)) }
        if let v6 = host.ipv6 {
            // An IPv6 pod's veth, or (IPv4) its egress plugin's `v4if0` veth.
            if let p = v6.pod(onVeth: r.device) { return .pod(.ipv6(p.ip)) }
            if let e = v6.pod(onEgressVeth: r.device)?.egress { return .pod(.ipv4(e.address)) }
        }
        // A branch pod's VLAN: out through its branch ENI (the interface holding the pod's address).
        if let (_, pod) = host.branch(onVLANDevice: r.device), let i = f.ownerOf(.ipv4(pod)) { return .eni(i) }
        guard let eni = host.enis.first(where: { $0.interface == r.device }), let i = f.ownerOf(eni.primaryIP) else {
            finish(.noRoute, place: place, .noRoute, .noRoute(.noENIOnNode(r.device)))
            return .stopped
        }
        return .eni(i)
    }

    /// A pod's packet on its eth0 and the host side of its veth, into the node's datapath.
    mutating func podVethEgress(_ nodeName: String, _ pod: IPAddress) -> StageResult {
        observe(.podEth0(pod: pod, outbound: true))
        observe(.vethHost(node: nodeName, pod: pod, outbound: true))
        return .next
    }

    /// The node routed the packet to a pod's veth: the host side of it.
    mutating func podVethIngress(_ nodeName: String, _ pod: IPAddress) -> StageResult {
        observe(.vethHost(node: nodeName, pod: pod, outbound: false))
        return .move(.deliverOnNode(nodeName, .pod(pod)))
    }

    /// Ends the walk at a pod or the node itself on `nodeName`.
    mutating func deliverOnNode(_ nodeName: String, _ exit: NodeExit) -> StageResult {
        let who: Delivery
        let here: Place
        var eni: Int? = nil
        switch exit {
        case .pod(let ip):
            // An IPv6 pod: by its address, or by its egress plugin's 169.254.172.x (`v4if0`),
            // which only its node knows.
            let name = f.pod(at: ip) ?? podOnNode(nodeName, ip)
            who = .pod(name, address: ip)
            here = .pod(name, address: ip)
            eni = f.ownerOf(ip)
            observe(.podEth0(pod: ip, outbound: false))
            deliveredOnNode = (nodeName, .pod(ip))
        default:
            who = .node(nodeName, address: packet.destination)
            here = .nodeHost(nodeName, address: packet.destination)
            eni = f.ownerOf(packet.destination)
            deliveredOnNode = (nodeName, .host)
        }
        deliveredAt = eni
        let blocked = explanations.contains { $0.direction == direction }
        finish(.delivered, place: here, .delivered, .delivered(who, blockedEarlier: blocked))
        return .stop
    }

    /// The pod ("namespace/name") of an IPv6 node holding `ip`: its IPv6 address or its egress
    /// plugin's IPv4 one.
    func podOnNode(_ nodeName: String, _ ip: IPAddress) -> String? {
        guard let v6 = datapaths?.get(nodeName)?.host.ipv6 else { return nil }
        let p: HostIPv6Pod?
        switch ip {
        case .ipv4(let a): p = v6.pod(atEgress: a)
        case .ipv6(let a): p = v6.pod(at: a)
        }
        return p.map { "\($0.namespace)/\($0.name)" }
    }

    /// Where the walk goes on after a node's datapath.
    func afterNode(_ nodeName: String, _ exit: NodeExit) -> StageResult {
        switch exit {
        case .pod(let ip): return .move(.podIngress(node: nodeName, pod: ip))
        case .host: return .move(.deliverOnNode(nodeName, .host))
        case .eni(let i): return .move(.interfaceEgress(i, originating: false))
        case .stopped: return .stop
        }
    }
}
