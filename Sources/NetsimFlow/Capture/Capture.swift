import NetsimModel
import NetsimVPC

/// A place a capture tool could watch, and the packet as it is there: a pod's eth0, the host
/// side of its veth, an ENI, a NAT or internet gateway, a load balancer node.
public struct CapturePoint: Sendable {
    public var label: String
    public var packet: Packet
    public var source: MACAddress
    public var destination: MACAddress
    /// Which TCP connection the packet belongs to: 0 the client's, 1 an ALB's own connection to
    /// the target (a proxy starts a new one, with its own sequence numbers).
    public var connection: Int
}

extension Walk {
    /// The MAC of an interface: the ENI's real one (from the realized node), else stable per ID.
    func mac(_ i: Int) -> MACAddress { f.interfaces[i].mac }
    func routerMAC(_ subnet: String) -> MACAddress { MACAddress.derived("router/" + subnet, seed: f.topology.seed) }
    func podMAC(_ ip: IPv4Address) -> MACAddress { MACAddress.derived("pod/\(f.podByIP[ip.value] ?? ip.description)", seed: f.topology.seed) }
    func vethMAC(_ ip: IPv4Address) -> MACAddress { MACAddress.derived("veth/\(f.podByIP[ip.value] ?? ip.description)", seed: f.topology.seed) }
    static let internetMAC = MACAddress(0x02, 0x00, 0x5e, 0x00, 0x71, 0x0a)

    /// Records the packet here — until something drops it: the walk goes on past a block to
    /// find every other one, but no capture would see the packet after it.
    mutating func observe(_ label: String, _ src: MACAddress, _ dst: MACAddress) {
        guard capturing, explanations.isEmpty else { return }
        captures.append(CapturePoint(label: label, packet: packet, source: src, destination: dst, connection: connection))
    }

    /// Leaving an interface: toward the subnet's router, or straight to a neighbour in the subnet.
    mutating func observeEgress(_ i: Int) {
        guard capturing else { return }
        let iface = f.interfaces[i]
        var dst = routerMAC(iface.subnet)
        if let d = f.ownerOf(packet.destination), d != i, f.interfaces[d].subnet == iface.subnet, f.interfaces[d].vpc == iface.vpc { dst = mac(d) }
        observe("\(iface.label) (\(iface.id)) out", mac(i), dst)
    }

    mutating func observeIngress(_ d: Int) {
        guard capturing else { return }
        let iface = f.interfaces[d]
        observe("\(iface.label) (\(iface.id)) in", routerMAC(iface.subnet), mac(d))
    }
}

/// Frames for a trace: the packet at each capture point, the forward direction then the reply,
/// as a TCP SYN and SYN-ACK (or, with `handshake`, SYN, SYN-ACK, ACK, a request and its
/// acknowledgment), a UDP datagram and its answer, or an ICMP echo and its reply. Timestamps
/// start at `epochMicros` and grow by 10 µs a point and 1 ms a segment, so the same trace gives
/// the same bytes.
public enum CaptureBuilder {
    public struct Record: Sendable {
        public var timestampMicros: UInt64
        public var bytes: [UInt8]
        public var label: String
    }

    /// 2026-01-01T00:00:00Z: a fixed start, so captures are reproducible.
    public static let defaultEpochMicros: UInt64 = 1_767_225_600_000_000

    public static func frames(_ t: Trace, handshake: Bool = false, http: HTTPRequest? = nil, epochMicros: UInt64 = defaultEpochMicros, seed: UInt64 = 0) -> [Record] {
        let fwd = t.forward.captures, back = t.reply?.captures ?? []
        guard !fwd.isEmpty else { return [] }
        var out: [Record] = []
        var clock = epochMicros
        var ipID = UInt16(truncatingIfNeeded: StableHash.fnv1a("ipid/\(t.packet)", seed: seed))
        func isn(_ side: String, _ c: Int) -> UInt32 { UInt32(truncatingIfNeeded: StableHash.fnv1a("isn/\(side)/\(c)/\(t.packet)", seed: seed)) }
        let request: [UInt8] = {
            if let http { return Array("GET \(http.path) HTTP/1.1\r\nHost: \(http.host.isEmpty ? "\(t.packet.destination)" : http.host)\r\nUser-Agent: netsim\r\nAccept: */*\r\n\r\n".utf8) }
            if t.packet.destinationPort == 80 || t.packet.destinationPort == 8080 { return Array("GET / HTTP/1.1\r\nHost: \(t.packet.destination)\r\nUser-Agent: netsim\r\nAccept: */*\r\n\r\n".utf8) }
            return Array("netsim probe\n".utf8)
        }()
        /// One segment at every point of a direction.
        func segment(_ points: [CapturePoint], reply: Bool, flags: TCPHeader.Flags, payload: [UInt8], seqOffset: (UInt32, UInt32)) {
            for p in points {
                let pk = p.packet
                var ip = IPv4Header(totalLength: 0, identification: ipID, ttl: 64, proto: pk.ipProtocol.number ?? 0, source: pk.source, destination: pk.destination)
                ip.dontFragment = pk.ipProtocol == .tcp
                var frame = Frame(ethernet: EthernetHeader(destination: p.destination, source: p.source), ip: ip, tcp: nil, udp: nil, icmp: nil, payload: payload)
                switch pk.ipProtocol {
                case .tcp:
                    let c = isn("c", p.connection), s = isn("s", p.connection)
                    let seq = reply ? s &+ seqOffset.1 : c &+ seqOffset.0
                    let ack = flags.contains(.ack) ? (reply ? c &+ seqOffset.0 : s &+ seqOffset.1) : 0
                    let fromOutside = !Walk.privateRanges.contains { $0.contains(pk.source) }
                    frame.tcp = TCPHeader(sourcePort: pk.sourcePort, destinationPort: pk.destinationPort, sequence: seq, acknowledgment: ack, flags: flags,
                                          mss: flags.contains(.syn) ? (fromOutside ? 1460 : 8961) : nil)
                case .udp:
                    frame.udp = UDPHeader(sourcePort: pk.sourcePort, destinationPort: pk.destinationPort)
                case .icmp:
                    frame.icmp = ICMPHeader(type: pk.icmpType, code: pk.icmpCode, identifier: UInt16(truncatingIfNeeded: StableHash.fnv1a("icmp-id/\(t.packet)", seed: seed)), sequence: 1)
                default: break
                }
                out.append(Record(timestampMicros: clock, bytes: frame.emit(), label: p.label))
                clock += 10
            }
            ipID &+= 1
            clock += 1000
        }
        switch t.packet.ipProtocol {
        case .tcp:
            segment(fwd, reply: false, flags: .syn, payload: [], seqOffset: (0, 0))
            guard !back.isEmpty else { return out }
            segment(back, reply: true, flags: [.syn, .ack], payload: [], seqOffset: (1, 0))
            if handshake {
                segment(fwd, reply: false, flags: .ack, payload: [], seqOffset: (1, 1))
                segment(fwd, reply: false, flags: [.psh, .ack], payload: request, seqOffset: (1, 1))
                segment(back, reply: true, flags: .ack, payload: [], seqOffset: (1 + UInt32(request.count), 1))
            }
        case .udp:
            // DNS gets a real query and answer, so decoders do not call it malformed.
            let dns = t.packet.destinationPort == 53
            let id = UInt16(truncatingIfNeeded: StableHash.fnv1a("dns/\(t.packet)", seed: seed))
            segment(fwd, reply: false, flags: [], payload: dns ? dnsMessage(id: id, response: false) : Array("netsim probe\n".utf8), seqOffset: (0, 0))
            if !back.isEmpty { segment(back, reply: true, flags: [], payload: dns ? dnsMessage(id: id, response: true) : Array("netsim answer\n".utf8), seqOffset: (0, 0)) }
        default:
            let data = Array("netsim ping".utf8)
            segment(fwd, reply: false, flags: [], payload: data, seqOffset: (0, 0))
            if !back.isEmpty { segment(back, reply: true, flags: [], payload: data, seqOffset: (0, 0)) }
        }
        return out
    }

    /// A DNS query for `example.com` A (or its answer, with no records): RFC 1035 wire form.
    static func dnsMessage(id: UInt16, response: Bool) -> [UInt8] {
        var m: [UInt8] = []
        m.put16(id)
        m.put16(response ? 0x8180 : 0x0100)
        m.put16(1); m.put16(0); m.put16(0); m.put16(0)
        for label in ["example", "com"] { m.append(UInt8(label.utf8.count)); m += Array(label.utf8) }
        m.append(0)
        m.put16(1); m.put16(1)
        return m
    }
}
