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

/// Frames for a trace: the packet at each capture point, the forward direction then the reply,
/// as a TCP SYN and SYN-ACK (or, with `handshake`, SYN, SYN-ACK, ACK, a request, its answer and
/// the acknowledgments), a UDP datagram and its answer, or an ICMP echo and its reply.
///
/// Through an ALB there are two connections, as on the wire: the client's, which the ALB
/// accepts and answers itself, and the ALB's own to the target, opened once it has the request.
/// A packet dropped on the way stops being written where it is dropped; kube-proxy's REJECT
/// answers with an ICMP port unreachable. Timestamps start at `epochMicros` and grow by 10 µs a
/// point and 1 ms a segment, so the same trace gives the same bytes.
public enum CaptureBuilder {
    public struct Record: Sendable {
        public var timestampMicros: UInt64
        public var bytes: [UInt8]
        public var label: String
    }

    /// 2026-01-01T00:00:00Z: a fixed start, so captures are reproducible.
    public static let defaultEpochMicros: UInt64 = 1_767_225_600_000_000

    /// The same places walked back: each packet reversed, its MACs swapped.
    static func reversed(_ points: [CapturePoint]) -> [CapturePoint] {
        points.reversed().map { p in
            var q = p
            q.packet = p.packet.reversed
            q.source = p.destination
            q.destination = p.source
            return q
        }
    }

    /// `inVPC` says whether an IPv6 address is in a VPC (its sender then has the VPC's 9001-byte
    /// MTU, as an IPv4 sender at a private address has).
    public static func frames(_ t: Trace, handshake: Bool = false, http: HTTPRequest? = nil, epochMicros: UInt64 = defaultEpochMicros, seed: UInt64 = 0,
                              inVPC: (IPv6Address) -> Bool = { _ in false }) -> [Record] {
        func local(_ a: IPAddress) -> Bool {
            switch a {
            case .ipv4: Walk.privateRanges.contains { $0.contains(a) }
            case .ipv6(let v6): inVPC(v6)
            }
        }
        let fwd = t.forward.captures, back = t.reply?.captures ?? []
        // Each point's packet is written in its own family: IPv4 frames, or IPv6 frames (RFC 8200
        // header, no extension headers). A point whose two addresses differ in family is skipped.
        guard !fwd.isEmpty else { return [] }
        var out: [Record] = []
        var clock = epochMicros
        var ipID = UInt16(truncatingIfNeeded: StableHash.fnv1a("ipid/\(t.packet)", seed: seed))
        func isn(_ side: String, _ c: Int) -> UInt32 { UInt32(truncatingIfNeeded: StableHash.fnv1a("isn/\(side)/\(c)/\(t.packet)", seed: seed)) }
        let request: [UInt8] = {
            if let http { return Array("GET \(http.path) HTTP/1.1\r\nHost: \(http.host.isEmpty ? (t.loadBalancer?.dnsName ?? "\(t.packet.destination)") : http.host)\r\nUser-Agent: netsim\r\nAccept: */*\r\n\r\n".utf8) }
            if t.loadBalancer?.loadBalancerKind == .application || t.packet.destinationPort == 80 || t.packet.destinationPort == 8080 {
                return Array("GET / HTTP/1.1\r\nHost: \(t.loadBalancer?.dnsName ?? "\(t.packet.destination)")\r\nUser-Agent: netsim\r\nAccept: */*\r\n\r\n".utf8)
            }
            return Array("netsim probe\n".utf8)
        }()
        /// One segment at every point of a direction. MSS is the sender's, set once: routers
        /// and NAT do not rewrite it.
        func segment(_ points: [CapturePoint], reply: Bool, flags: TCPHeader.Flags, payload: [UInt8], seqOffset: (UInt32, UInt32)) {
            guard let first = points.first else { return }
            /// The sender's MSS: its MTU less the headers (IPv6's are 20 bytes longer). Inside a
            /// VPC the MTU is 9001; toward the internet 1500.
            func mss(_ family: IPFamily) -> UInt16 {
                let mtu: UInt16 = local(first.packet.source) ? 9001 : 1500
                return mtu - (family == .ipv6 ? 60 : 40)
            }
            for p in points {
                let pk = p.packet
                var tcp: TCPHeader? = nil, udp: UDPHeader? = nil, icmp: ICMPHeader? = nil
                var body = payload
                switch pk.ipProtocol {
                case .tcp:
                    let c = isn("c", p.connection), s = isn("s", p.connection)
                    let seq = reply ? s &+ seqOffset.1 : c &+ seqOffset.0
                    let ack = flags.contains(.ack) ? (reply ? c &+ seqOffset.0 : s &+ seqOffset.1) : 0
                    tcp = TCPHeader(sourcePort: pk.sourcePort, destinationPort: pk.destinationPort, sequence: seq, acknowledgment: ack, flags: flags,
                                    mss: flags.contains(.syn) ? mss(first.packet.family) : nil)
                case .udp:
                    udp = UDPHeader(sourcePort: pk.sourcePort, destinationPort: pk.destinationPort)
                case .icmp, .icmpv6:
                    let (rest, b) = icmpBody(pk, payload: payload, seed: seed, t: t)
                    icmp = ICMPHeader(type: pk.family == .ipv6 ? icmpv6Type(pk.icmpType) : pk.icmpType, code: pk.icmpCode,
                                      identifier: UInt16(rest >> 16), sequence: UInt16(truncatingIfNeeded: rest))
                    body = b
                default:
                    body = otherProtocolHeader(pk.ipProtocol.number ?? 0)
                }
                let eth = EthernetHeader(destination: p.destination, source: p.source)
                let bytes: [UInt8]
                if let (s4, d4) = pk.v4 {
                    var ip = IPv4Header(totalLength: 0, identification: ipID, ttl: 64, proto: pk.ipProtocol.number ?? 0, source: s4, destination: d4)
                    ip.dontFragment = pk.ipProtocol == .tcp
                    bytes = Frame(ethernet: eth, ip: ip, tcp: tcp, udp: udp, icmp: icmp, payload: body).emit()
                } else if case .ipv6(let s6) = pk.source, case .ipv6(let d6) = pk.destination {
                    // Linux sets a flow label per connection (net.ipv6.auto_flowlabels); a stable one here.
                    let label = UInt32(truncatingIfNeeded: StableHash.fnv1a("flow/\(p.connection)/\(t.packet)", seed: seed)) & 0xFFFFF
                    let ip = IPv6Header(payloadLength: 0, nextHeader: pk.ipProtocol == .icmp ? 58 : pk.ipProtocol.number ?? 59, hopLimit: 64, source: s6, destination: d6, flowLabel: label)
                    bytes = Frame6(ethernet: eth, ip: ip, tcp: tcp, udp: udp, icmp: icmp, payload: body).emit()
                } else { continue }
                out.append(Record(timestampMicros: clock, bytes: bytes, label: "\(p.label) — \(what(pk, flags, payload.count))"))
                clock += 10
            }
            ipID &+= 1
            clock += 1000
        }
        /// Data on a TCP connection, cut into segments of at most the MSS both ends allow (as
        /// TCP does), so no frame exceeds what IPv4 carries however long a path, Host or body
        /// is; PSH on the last. `seqOffset` is where the data starts.
        func send(_ points: [CapturePoint], reply: Bool, payload: [UInt8], seqOffset: (UInt32, UInt32)) {
            guard let first = points.first, let last = points.last else { return }
            func mss(_ a: IPAddress) -> Int { (local(a) ? 9001 : 1500) - (a.family == .ipv6 ? 60 : 40) }
            let size = min(mss(first.packet.source), mss(last.packet.destination))
            var start = 0
            repeat {
                let end = min(start + size, payload.count)
                let moved = UInt32(truncatingIfNeeded: start)
                segment(points, reply: reply, flags: end == payload.count ? [.psh, .ack] : .ack, payload: Array(payload[start..<end]),
                        seqOffset: reply ? (seqOffset.0, seqOffset.1 &+ moved) : (seqOffset.0 &+ moved, seqOffset.1))
                start = end
            } while start < payload.count
        }
        func what(_ pk: Packet, _ flags: TCPHeader.Flags, _ bytes: Int) -> String {
            switch pk.ipProtocol {
            case .tcp:
                var f: [String] = []
                if flags.contains(.syn) { f.append("SYN") }
                if flags.contains(.psh) { f.append("PSH") }
                if flags.contains(.ack) { f.append("ACK") }
                return f.joined(separator: "-") + (bytes > 0 ? ", \(bytes) bytes" : "")
            case .udp: return "UDP, \(bytes) bytes"
            case .icmp: return pk.icmpType == 8 ? "ICMP echo request" : pk.icmpType == 0 ? "ICMP echo reply" : "ICMP type \(pk.icmpType)"
            default: return "\(pk.ipProtocol)"
            }
        }
        /// kube-proxy's REJECT: an ICMP port unreachable from the address the client used,
        /// quoting the packet's header, back along the way it came.
        func reject(_ points: [CapturePoint]) {
            guard let last = points.last else { return }
            var quoted: [UInt8] = []
            let orig = last.packet
            if orig.family == .ipv6 { reject6(points); return }
            guard let (os4, od4) = orig.v4 else { return }
            let ip = IPv4Header(totalLength: UInt16(20 + 8), identification: ipID &- 1, ttl: 64, proto: orig.ipProtocol.number ?? 0, source: os4, destination: od4)
            ip.emit(into: &quoted)
            quoted.put16(orig.sourcePort); quoted.put16(orig.destinationPort); quoted.put32(0)
            for p in reversed(points) {
                let pk = p.packet
                guard let (s4, d4) = pk.v4 else { continue }
                let hdr = IPv4Header(totalLength: 0, identification: ipID, ttl: 64, proto: 1, source: s4, destination: d4)
                let frame = Frame(ethernet: EthernetHeader(destination: p.destination, source: p.source), ip: hdr, tcp: nil, udp: nil,
                                  icmp: ICMPHeader(type: 3, code: 3), payload: quoted)
                out.append(Record(timestampMicros: clock, bytes: frame.emit(), label: p.label + " (ICMP port unreachable)"))
                clock += 10
            }
            ipID &+= 1
            clock += 1000
        }
        /// ip6tables' REJECT (kube-proxy's IPv6 rules): an ICMPv6 destination unreachable, port
        /// unreachable (type 1 code 4, RFC 4443 §3.1), quoting the packet as it reached the last
        /// point (the whole of it: well under the 1280-byte minimum MTU RFC 4443 allows).
        func reject6(_ points: [CapturePoint]) {
            guard let lastFrame = out.last, lastFrame.bytes.count > 14 else { return }
            let quoted = Array(lastFrame.bytes[14...])
            for p in reversed(points) {
                guard case .ipv6(let s6) = p.packet.source, case .ipv6(let d6) = p.packet.destination else { continue }
                let hdr = IPv6Header(payloadLength: 0, nextHeader: 58, hopLimit: 64, source: s6, destination: d6)
                let frame = Frame6(ethernet: EthernetHeader(destination: p.destination, source: p.source), ip: hdr, tcp: nil, udp: nil,
                                   icmp: ICMPHeader(type: 1, code: 4), payload: quoted)
                out.append(Record(timestampMicros: clock, bytes: frame.emit(), label: p.label + " (ICMPv6 port unreachable)"))
                clock += 10
            }
            clock += 1000
        }
        let replyBlocked = t.explanations.contains { $0.direction == .reply }
        let fwdBlocked = t.explanations.contains { $0.direction == .forward }
        switch t.packet.ipProtocol {
        case .tcp where fwd.contains(where: { $0.connection == 1 }) || (t.loadBalancer?.loadBalancerKind == .application && t.loadBalancer?.reachedListener == true):
            // Through an ALB: the client's connection, answered by the ALB, then its own to the target.
            let front = fwd.filter { $0.connection == 0 }
            let frontBack = reversed(front)
            let backend = fwd.filter { $0.connection == 1 }
            let backendBack = back.filter { $0.connection == 1 }
            segment(front, reply: false, flags: .syn, payload: [], seqOffset: (0, 0))
            segment(frontBack, reply: true, flags: [.syn, .ack], payload: [], seqOffset: (1, 0))
            segment(front, reply: false, flags: .ack, payload: [], seqOffset: (1, 1))
            send(front, reply: false, payload: request, seqOffset: (1, 1))
            segment(frontBack, reply: true, flags: .ack, payload: [], seqOffset: (1 + UInt32(request.count), 1))
            // The ALB's own answer: a fixed response or redirect as the trace's step states it,
            // else its 502 until a target answers.
            var answer = t.disposition == .fixedResponse ? albAnswer(t) ?? .plain(502) : .plain(502)
            if !backend.isEmpty {
                segment(backend, reply: false, flags: .syn, payload: [], seqOffset: (0, 0))
                if !backendBack.isEmpty && !fwdBlocked && !replyBlocked {
                    segment(backendBack, reply: true, flags: [.syn, .ack], payload: [], seqOffset: (1, 0))
                    segment(backend, reply: false, flags: .ack, payload: [], seqOffset: (1, 1))
                    send(backend, reply: false, payload: request, seqOffset: (1, 1))
                    segment(backendBack, reply: true, flags: .ack, payload: [], seqOffset: (1 + UInt32(request.count), 1))
                    answer = .plain(200)
                }
            }
            let response = answer.bytes
            send(frontBack, reply: true, payload: response, seqOffset: (1 + UInt32(request.count), 1))
            segment(front, reply: false, flags: .ack, payload: [], seqOffset: (1 + UInt32(request.count), 1 + UInt32(response.count)))
        case .tcp:
            segment(fwd, reply: false, flags: .syn, payload: [], seqOffset: (0, 0))
            if t.rejectedWithICMP { reject(fwd); break }
            guard !back.isEmpty else { break }
            segment(back, reply: true, flags: [.syn, .ack], payload: [], seqOffset: (1, 0))
            // A SYN-ACK lost on its way back: the client never goes on.
            if handshake && !replyBlocked {
                segment(fwd, reply: false, flags: .ack, payload: [], seqOffset: (1, 1))
                send(fwd, reply: false, payload: request, seqOffset: (1, 1))
                segment(back, reply: true, flags: .ack, payload: [], seqOffset: (1 + UInt32(request.count), 1))
            }
        case .udp:
            // DNS gets a real query and answer, so decoders do not call it malformed.
            let dns = t.packet.destinationPort == 53
            let id = UInt16(truncatingIfNeeded: StableHash.fnv1a("dns/\(t.packet)", seed: seed))
            segment(fwd, reply: false, flags: [], payload: dns ? dnsMessage(id: id, response: false) : Array("netsim probe\n".utf8), seqOffset: (0, 0))
            if t.rejectedWithICMP { reject(fwd); break }
            if !back.isEmpty { segment(back, reply: true, flags: [], payload: dns ? dnsMessage(id: id, response: true) : Array("netsim answer\n".utf8), seqOffset: (0, 0)) }
        default:
            let data = Array("netsim ping".utf8)
            segment(fwd, reply: false, flags: [], payload: data, seqOffset: (0, 0))
            if !back.isEmpty { segment(back, reply: true, flags: [], payload: data, seqOffset: (0, 0)) }
        }
        return out
    }

    /// What an ALB answered itself, from the trace's typed steps: a fixed response's status,
    /// content type and body; a redirect's status and its Location, resolved from the request
    /// by the walk (`HTTPAnswer.redirectLocation`). Nil without such a step.
    static func albAnswer(_ t: Trace) -> HTTPAnswer? {
        for step in t.forward.hops.lazy.flatMap(\.steps) {
            switch step.detail {
            case .fixedResponse(_, let r):
                return .fixedResponse(status: r.status, contentType: r.contentType, body: r.body)
            case .redirect(_, let r):
                return .redirect(status: r.status, location: r.location ?? "")
            default: continue
            }
        }
        return nil
    }

    /// The least a decoder needs for other IP protocols: GRE's 4-byte header (no payload),
    /// SCTP's 12-byte common header, IP-in-IP's inner header (no next header); else nothing.
    static func otherProtocolHeader(_ proto: UInt8) -> [UInt8] {
        switch proto {
        case 47: return [0, 0, 0, 0]
        case 132: return [UInt8](repeating: 0, count: 12)
        case 4:
            var q: [UInt8] = []
            IPv4Header(totalLength: 20, identification: 1, ttl: 64, proto: 59, source: IPv4Address(192, 0, 2, 1), destination: IPv4Address(192, 0, 2, 2)).emit(into: &q)
            return q
        default: return []
        }
    }

    /// ICMP's second word and body by type: echo and timestamps carry an identifier and a
    /// sequence (and 12 bytes of timestamps for 13 and 14); errors quote the IPv4 header and 8
    /// bytes of the packet they are about; other types get 4 zero bytes.
    static func icmpBody(_ pk: Packet, payload: [UInt8], seed: UInt64, t: Trace) -> (UInt32, [UInt8]) {
        let id = UInt32(UInt16(truncatingIfNeeded: StableHash.fnv1a("icmp-id/\(t.packet)", seed: seed)))
        if pk.family == .ipv6 {
            // ICMPv6 (RFC 4443): echo carries an identifier and a sequence; other types 4 zero bytes.
            switch icmpv6Type(pk.icmpType) {
            case 128, 129: return (id << 16 | 1, payload)
            default: return (0, [])
            }
        }
        switch pk.icmpType {
        case 0, 8: return (id << 16 | 1, payload)
        case 13, 14: return (id << 16 | 1, [UInt8](repeating: 0, count: 12))
        case 3, 4, 5, 11, 12:
            var q: [UInt8] = []
            guard let (s4, d4) = pk.v4 else { return (0, q) }
            IPv4Header(totalLength: 28, identification: 1, ttl: 64, proto: 17, source: d4, destination: s4).emit(into: &q)
            q.put16(40000); q.put16(33434); q.put16(8); q.put16(0)
            return (0, q)
        default: return (0, [])
        }
    }

    /// The ICMPv6 type of a packet's ICMP type: an ICMP echo request (8) or reply (0) is
    /// ICMPv6's 128 or 129 (RFC 4443 §4); ICMPv6 types (128 and up, or 1–4) stay.
    static func icmpv6Type(_ t: UInt8) -> UInt8 {
        switch t {
        case 8: 128
        case 0: 129
        default: t
        }
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
