import NetsimKube
import NetsimModel
import NetsimVPC

/// The MACs a capture shows: an ENI's own (from the realized node), else stable per name.
struct WireMACs {
    let f: FabricIndex
    func interface(_ i: Int) -> MACAddress { f.interfaces[i].mac }
    func router(_ subnet: String) -> MACAddress { MACAddress.derived("router/" + subnet, seed: f.topology.seed) }
    func pod(_ ip: IPAddress) -> MACAddress { MACAddress.derived("pod/\(f.pod(at: ip) ?? ip.description)", seed: f.topology.seed) }
    func veth(_ ip: IPAddress) -> MACAddress { MACAddress.derived("veth/\(f.pod(at: ip) ?? ip.description)", seed: f.topology.seed) }
    func internetGateway(_ vpc: String) -> MACAddress { MACAddress.derived("igw/" + vpc, seed: f.topology.seed) }
    static let internet = MACAddress(0x02, 0x00, 0x5e, 0x00, 0x71, 0x0a)
}

/// Turns a path's wire events into the capture points a pcap is written from: each with its
/// label and MACs, until something drops the packet (the walk goes on past a block to find
/// every other one, but no capture would see the packet after it).
enum CapturePoints {
    static func points(_ wire: [WireRecord], fabric f: FabricIndex, datapaths: DatapathCache?) -> [CapturePoint] {
        let mac = WireMACs(f: f)
        var out: [CapturePoint] = []
        // Set when a packet goes straight to a neighbour in the subnet: its MAC is the source
        // the neighbour sees.
        var neighbourMAC: MACAddress? = nil
        /// An IPv6 pod's IPv4 side (the VPC CNI egress plugin's `v4if0`, 169.254.172.0/22): its
        /// pod, found on the node whose veth the packet crosses (the address is only unique there).
        func egressPod(_ ip: IPAddress) -> String? {
            guard case .ipv4(let a) = ip, HostIPv6.egressRange.contains(a) else { return nil }
            for w in wire {
                if case .vethHost(let node, let p, _) = w.event, p == ip, let pod = datapaths?.get(node)?.host.ipv6?.pod(atEgress: a) {
                    return "\(pod.namespace)/\(pod.name)"
                }
            }
            return nil
        }
        for w in wire {
            let label: String, src: MACAddress, dst: MACAddress
            switch w.event {
            case .podEth0(let ip, let outbound):
                if let name = egressPod(ip) {
                    // The IPv6 pod's IPv4 interface: the node SNATs what leaves it to its own IPv4 address.
                    label = "pod \(name) v4if0 (the egress plugin's IPv4 interface)"
                    let pod = MACAddress.derived("pod/\(name)/v4if0", seed: f.topology.seed), veth = MACAddress.derived("veth/\(name)/v4if0", seed: f.topology.seed)
                    (src, dst) = outbound ? (pod, veth) : (veth, pod)
                } else {
                    label = "pod \(f.pod(at: ip) ?? ip.description) eth0"
                    (src, dst) = outbound ? (mac.pod(ip), mac.veth(ip)) : (mac.veth(ip), mac.pod(ip))
                }
            case .vethHost(let node, let ip, let outbound):
                label = "\(node) \(datapaths?.get(node)?.host.veth(of: ip) ?? "veth") (host side of the pod's veth)"
                if let name = egressPod(ip) {
                    let pod = MACAddress.derived("pod/\(name)/v4if0", seed: f.topology.seed), veth = MACAddress.derived("veth/\(name)/v4if0", seed: f.topology.seed)
                    (src, dst) = outbound ? (pod, veth) : (veth, pod)
                } else {
                    (src, dst) = outbound ? (mac.pod(ip), mac.veth(ip)) : (mac.veth(ip), mac.pod(ip))
                }
            case .interfaceOut(let i, let neighbour):
                let iface = f.interfaces[i]
                label = "\(iface.label) (\(iface.id)) out"
                src = mac.interface(i)
                dst = neighbour.map(mac.interface) ?? mac.router(iface.subnet)
                neighbourMAC = neighbour == nil ? nil : mac.interface(i)
            case .interfaceIn(let d):
                let iface = f.interfaces[d]
                label = "\(iface.label) (\(iface.id)) in"
                src = neighbourMAC ?? mac.router(iface.subnet)
                dst = mac.interface(d)
                neighbourMAC = nil
            case .internetEgress(let vpc, let gateway):
                label = "internet, past \(Place.internetGateway(gateway))"
                (src, dst) = (mac.internetGateway(vpc), WireMACs.internet)
            case .internetIngress(let vpc):
                label = "internet, toward \(w.packet.destination)"
                (src, dst) = (WireMACs.internet, mac.internetGateway(vpc ?? "internet"))
            }
            if w.afterBlock { continue }
            out.append(CapturePoint(label: label, packet: w.packet, source: src, destination: dst, connection: w.connection))
        }
        return out
    }
}
