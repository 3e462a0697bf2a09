import NetsimKube
import NetsimModel

/// One packet through one node's datapath exactly as the walk's node stage takes it, without
/// the fabric around it: what tests compare with the kernel and with upstream's rules.
struct NodeProbe {
    var walk: Walk
    var exit: NodeExit
    /// The steps the node recorded (with the walk's end when it stopped there), and how the walk ended.
    var steps: [Step] { walk.hops.flatMap(\.steps) }
    var end: Disposition? { walk.end }
    var packet: Packet { walk.packet }
}

extension Tracer {
    /// A tracer whose nodes serve these Service ports and endpoints instead of the realized
    /// cluster's (tests).
    init(fabric: FabricIndex, services: ([ProxiedServicePort], [String: [ProxiedEndpoint]])) {
        self.fabric = fabric; pipeline = .standard; datapaths = DatapathCache(fabric: fabric, services: services)
    }

    /// `packet` entering `node` from `origin` (a forward packet).
    func nodeProbe(_ node: String, origin: NodeOrigin, packet: Packet, choice: BranchChoice? = nil) -> NodeProbe {
        let c = WalkContext(fabric: fabric, datapaths: datapaths, health: health, direction: .forward, isReply: false, http: nil, entryZones: [:],
                            originInterface: nil, clientPorts: nil, source: nil, destination: nil, pipeline: pipeline)
        var w = Walk(context: c, packet: packet)
        w.branchChoice = choice
        let exit = w.nodeStage(node, origin: origin)
        return NodeProbe(walk: w, exit: exit)
    }

    /// The reply to `forward`'s packet entering `node` from `origin`: conntrack undoes what the
    /// forward packet's translations did.
    func nodeProbeReply(_ forward: NodeProbe, _ node: String, origin: NodeOrigin) -> NodeProbe {
        var r = forward.walk.replyWalk(clientPorts: nil)
        let exit = r.nodeStage(node, origin: origin)
        return NodeProbe(walk: r, exit: exit)
    }
}

extension Tracer {
    /// An IPv6 cluster's pod's IPv4 source for IPv4 destinations: its egress plugin's
    /// 169.254.172.x on `v4if0` (the pod's IPv4 packets enter its node on that veth, which SNATs
    /// them to the node's primary IPv4). nil without ENABLE_V4_EGRESS, or for a pod the node
    /// does not hold.
    public func egressV4Source(node: String, pod: IPv6Address) -> IPv4Address? {
        datapaths.get(node)?.host.ipv6?.pod(at: pod)?.egress?.address
    }

    /// The IPv6 address of an IPv6 cluster's node (its primary ENI's), nil for a node of an IPv4 cluster.
    public func nodeIPv6(_ node: String) -> IPv6Address? { datapaths.get(node)?.host.ipv6?.nodeAddress }
}
