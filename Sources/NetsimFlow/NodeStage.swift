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
    enum NodeOrigin: Sendable {
        /// A pod of the node with this address: enters the host on the pod's veth.
        case pod(IPv4Address)
        /// The node's own stack (host processes, hostNetwork pods).
        case host
        /// Arrives from the VPC on this ENI (`eth0`, `eth1`, …).
        case wire(String)
    }

    enum NodeExit {
        /// To a pod of this node (its veth).
        case pod(IPv4Address)
        /// To the node itself.
        case host
        /// Out of an ENI: the fabric's interface index.
        case eni(Int)
        /// Rejected, dropped or unroutable here (recorded).
        case stopped
    }

    static func protoName(_ p: Packet) -> String {
        switch p.ipProtocol { case .tcp: "tcp"; case .udp: "udp"; case .icmp: "icmp"; default: "\(p.ipProtocol)" }
    }

    /// The chains a walk entered, in order: `nat PREROUTING → KUBE-SERVICES → KUBE-SVC-…`.
    static func chainPath(_ hits: [RuleHit], table: NetfilterTable, base: ChainName) -> String {
        var path = ["\(table) \(base)"]
        for h in hits where h.chainName != base && path.last != h.chain { path.append(h.chain) }
        return path.joined(separator: " → ")
    }

    /// Every endpoint a random walk can reach, with the chance of each (kube-proxy's
    /// `--probability` rules taken in turn).
    static func candidates(_ ipt: IPTablesInterpreter, table: NetfilterTable, chain: ChainName, packet: NodePacket) -> [(String, Double)] {
        // Taking no random rule meets them all: that counts the branches.
        let branches = ipt.run(table: table, chain: chain, packet: packet, choice: .branch(Int.max)).branchesMet
        var out: [(String, Double)] = []
        var remaining = 1.0
        for k in 0...branches {
            let w = ipt.run(table: table, chain: chain, packet: packet, choice: .branch(k))
            let target = "\(w.packet.destination):\(w.packet.destinationPort)"
            let p = k == branches ? remaining : remaining * (w.hits.last { $0.probability != nil }?.probability ?? 0)
            if k < branches { remaining -= p }
            out.append((target, p))
        }
        return out
    }

    mutating func nodeStage(_ nodeName: String, origin: NodeOrigin) -> NodeExit {
        let place = "node \(nodeName)"
        guard let dp = datapaths?.get(nodeName) else {
            finish(.noRoute, place: place, type: "Routing", "no datapath for this node", action: .noRoute)
            return .stopped
        }
        let host = dp.host
        let ipt = dp.interpreter
        var steps: [Step] = []
        func step(_ type: String, _ action: Step.Action, _ detail: String, packet p: Packet? = nil) {
            steps.append(Step(type: type, action: action, detail: detail, component: nil, location: nil, packet: p))
        }
        var np = NodePacket(source: packet.source, destination: packet.destination, proto: Self.protoName(packet),
                            sourcePort: packet.hasPorts ? packet.sourcePort : 0, destinationPort: packet.hasPorts ? packet.destinationPort : 0)
        switch origin {
        case .pod(let ip):
            np.inInterface = host.veth(of: ip)
            if capturing { observe("pod \(f.podByIP[ip.value] ?? ip.description) eth0", podMAC(ip), vethMAC(ip)) }
            if capturing { observe("\(nodeName) \(np.inInterface ?? "veth") (host side of the pod's veth)", podMAC(ip), vethMAC(ip)) }
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
                step("Conntrack", .matchedSession, "reply of \(s.inside.0):\(s.inside.1) → \(s.originalDestination.map { "\($0.0):\($0.1)" } ?? "?"); NAT undone: \(before.source):\(before.sourcePort) → \(before.destination):\(before.destinationPort) becomes \(packet.source):\(packet.sourcePort) → \(packet.destination):\(packet.destinationPort)", packet: packet)
            } else {
                step("Conntrack", .matchedSession, "an ESTABLISHED reply; no NAT to undo on this node")
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
            for h in pre { step("Rule", .forwarded, "\(h.table) \(h.chain) rule \(h.index): \(h.rule)") }
            if nat.packet.destination != np.destination || nat.packet.destinationPort != np.destinationPort {
                var detail = "\(Self.chainPath(nat.hits, table: .nat, base: natChain)): DNAT \(np.destination):\(np.destinationPort) → \(nat.packet.destination):\(nat.packet.destinationPort)"
                if nat.branchesMet > 0 {
                    let c = Self.candidates(ipt, table: .nat, chain: natChain, packet: np)
                    let picked = "\(nat.packet.destination):\(nat.packet.destinationPort)"
                    let k = c.firstIndex { $0.0 == picked } ?? 0
                    detail += "; picked at random: endpoint \(k + 1) of \(c.count) (p=\(format4(c.indices.contains(k) ? c[k].1 : 0)))"
                    if choices.isEmpty { choices = c }
                }
                step("DestinationNAT", .transformed, detail)
            }
            np = nat.packet
        }

        // A reply is routed after PREROUTING undid the SNAT (its destination is the client
        // again) but before POSTROUTING undoes the DNAT: the route lookup sees the reply's own
        // source (the endpoint), which is why the CNI marks NodePort connections (network.go).
        let source = session ? before.source : np.source
        let destination = session ? packet.destination : np.destination
        guard let r = host.route(source: source, destination: destination, mark: session ? replyMark : np.mark) else {
            hop(place, steps)
            finish(.noRoute, place: place, type: "Routing", "the node has no route to \(destination)", action: .noRoute)
            return .stopped
        }
        step("Routing", .forwarded, "ip rule \(r.rule) → \(r.route)")

        if !session {
            np.outInterface = r.isLocal ? "lo" : r.device
            var chains: [ChainName] = fromHost ? [.output] : []
            if r.isLocal { chains.append(.input) } else if !fromHost { chains.append(.forward) }
            for chain in chains {
                let filter = ipt.run(table: .filter, chain: chain, packet: np, choice: .branch(0))
                np.mark = filter.packet.mark
                let last = filter.hits.last
                if filter.verdict != .accept, let h = last {
                    step("Rule", .denied, "filter \(h.chain) rule \(h.index): \(h.rule)")
                    let none = h.isNoEndpointsRule
                    hop(place, steps)
                    let d: Disposition = filter.verdict == .reject ? (none ? .noEndpoints : .rejected) : (r.isLocal ? .deniedIn : .deniedOut)
                    if filter.verdict == .reject, explanations.isEmpty { rejectedWithICMP = true }
                    block(none ? "NO_ENDPOINTS" : (filter.verdict == .reject ? "REJECTED" : "DROPPED"), d, component: nodeName,
                          none ? "kube-proxy rejects \(np.destination):\(np.destinationPort): the Service has no ready endpoints"
                               : "kube-proxy's filter rule \(h.chain) #\(h.index) \(filter.verdict == .reject ? "rejects" : "drops") the packet: \(h.rule)")
                    finish(d, place: place, type: "Filter", filter.verdict == .reject ? "REJECT (ICMP port unreachable to the client)" : "DROP", action: .denied)
                    return .stopped
                }
                if let h = last, h.target == .accept { step("Rule", .permitted, "filter \(h.chain) rule \(h.index): \(h.rule)") }
            }
            // A cluster IP no rule translated: kube-proxy answers only on its Services' ports.
            if !session, let cidr = f.topology.cluster?.serviceCIDR, cidr.contains(np.destination) {
                step("Routing", .noRoute, "no kube-proxy rule matches \(np.destination):\(np.destinationPort) (\(np.proto))")
                hop(place, steps)
                block("NO_ROUTE_TO_DESTINATION", .noRoute, component: nodeName, "\(np.destination):\(np.destinationPort) is not a port of any Service: kube-proxy has no rule for it, and a cluster IP exists nowhere else")
                finish(.noRoute, place: place, type: "Routing", "the cluster IP answers only on its Service's ports", action: .noRoute)
                return .stopped
            }
            if !r.isLocal {
                let post = ipt.run(table: .nat, chain: .postrouting, packet: np, choice: .branch(0))
                for h in post.hits { step("Rule", .forwarded, "nat \(h.chain) rule \(h.index): \(h.rule)") }
                if post.packet.source != np.source {
                    var out = post.packet
                    if packet.hasPorts {
                        out.sourcePort = UInt16(1024 + Int(StableHash.fnv1a("snat/\(nodeName)/\(before)", seed: f.topology.seed) % 64512))
                    }
                    let masquerade = post.hits.last?.chainName == ChainNames.kubePostrouting
                    let why = masquerade ? "KUBE-POSTROUTING: marked 0x4000 by KUBE-MARK-MASQ, MASQUERADE" : "\(post.hits.last?.chain ?? "POSTROUTING"): SNAT --to-source \(out.source)"
                    let whose = masquerade ? (r.device.hasPrefix(host.vethPrefix) ? "the node's primary address: the veth has none" : "\(r.device)'s address") : "leaving by \(r.device)"
                    step("SourceNAT", .transformed, "\(Self.chainPath(post.hits, table: .nat, base: .postrouting)) (\(why)): source \(np.source):\(np.sourcePort) → \(out.source):\(out.sourcePort) (\(whose); --random-fully picks the port)")
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
        if let pod = host.pod(onVeth: r.device) { return .pod(pod) }
        guard let eni = host.enis.first(where: { $0.interface == r.device }), let i = f.ownerOf(eni.primaryIP) else {
            finish(.noRoute, place: place, type: "Routing", "no ENI \(r.device) on this node", action: .noRoute)
            return .stopped
        }
        return .eni(i)
    }

    /// Ends the walk at a pod or the node itself on `nodeName`.
    mutating func deliverOnNode(_ nodeName: String, _ exit: NodeExit) {
        let who: String
        var eni: Int? = nil
        switch exit {
        case .pod(let ip):
            who = "pod \(f.podByIP[ip.value] ?? "?") (\(ip))"
            eni = f.ownerOf(ip)
            if capturing { observe("\(nodeName) \(datapaths?.get(nodeName)?.host.veth(of: ip) ?? "veth") (host side of the pod's veth)", vethMAC(ip), podMAC(ip)) }
            if capturing { observe("pod \(f.podByIP[ip.value] ?? ip.description) eth0", vethMAC(ip), podMAC(ip)) }
            deliveredOnNode = (nodeName, .pod(ip))
        default:
            who = "node \(nodeName) (\(packet.destination))"
            eni = f.ownerOf(packet.destination)
            deliveredOnNode = (nodeName, .host)
        }
        deliveredAt = eni
        let blocked = explanations.contains { $0.direction == direction }
        finish(.delivered, place: who, type: "Delivered", blocked ? "would be delivered to \(who), were it not for the blocks above" : "delivered to \(who)", action: .delivered)
    }

    /// Continues after a node stage.
    mutating func afterNode(_ nodeName: String, _ exit: NodeExit) {
        switch exit {
        case .pod, .host: deliverOnNode(nodeName, exit)
        case .eni(let i): leaveInterface(i)
        case .stopped: break
        }
    }
}
