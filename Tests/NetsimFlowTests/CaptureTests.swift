import Foundation
import NetsimFlow
import NetsimModel
import NetsimVPC
import Testing

/// Frames byte for byte, and captures of traces read back as flows.
@Suite("captures")
struct CaptureTests {
    /// A SYN from 10.0.41.7:40000 to 10.0.45.6:8080: every byte, both checksums (0xD0C2 and
    /// 0x8F13, computed apart with Python's struct over the same header and pseudo-header).
    @Test func synByteForByte() {
        var ip = IPv4Header(totalLength: 0, identification: 1, ttl: 64, proto: 6, source: IPv4Address(10, 0, 41, 7), destination: IPv4Address(10, 0, 45, 6))
        ip.dontFragment = true
        var tcp = TCPHeader(sourcePort: 40000, destinationPort: 8080, sequence: 1, acknowledgment: 0, flags: .syn)
        tcp.window = 64240
        let f = Frame(ethernet: EthernetHeader(destination: MACAddress(0x02, 0x11, 0x22, 0x33, 0x44, 0x55), source: MACAddress(0x02, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE)),
                      ip: ip, tcp: tcp, udp: nil, icmp: nil, payload: [])
        let expected: [UInt8] = [
            0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x02, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0x08, 0x00,
            0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0xD0, 0xC2, 0x0A, 0x00, 0x29, 0x07, 0x0A, 0x00, 0x2D, 0x06,
            0x9C, 0x40, 0x1F, 0x90, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x50, 0x02, 0xFA, 0xF0, 0x8F, 0x13, 0x00, 0x00,
        ]
        #expect(f.emit() == expected)
    }

    /// RFC 1071's worked example, and parse(emit(x)) == x with checksums that verify to zero.
    @Test func checksumsAndRoundTrips() throws {
        #expect(InternetChecksum.checksum([0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7]) == 0xB861)
        let ip = IPv4Header(totalLength: 0, identification: 7, ttl: 63, proto: 17, source: IPv4Address(203, 0, 113, 10), destination: IPv4Address(54, 1, 2, 3))
        let frames = [
            Frame(ethernet: EthernetHeader(destination: .derived("a", seed: 1), source: .derived("b", seed: 1)), ip: ip, tcp: nil,
                  udp: UDPHeader(sourcePort: 5353, destinationPort: 53), icmp: nil, payload: Array("odd".utf8)),
            Frame(ethernet: EthernetHeader(destination: .derived("a", seed: 1), source: .derived("b", seed: 1)), ip: { var i = ip; i.proto = 6; return i }(),
                  tcp: TCPHeader(sourcePort: 1, destinationPort: 2, sequence: 0xDEADBEEF, acknowledgment: 9, flags: [.syn, .ack], mss: 8961), udp: nil, icmp: nil, payload: []),
            Frame(ethernet: EthernetHeader(destination: .derived("a", seed: 1), source: .derived("b", seed: 1)), ip: { var i = ip; i.proto = 1; return i }(),
                  tcp: nil, udp: nil, icmp: ICMPHeader(type: 8, code: 0, identifier: 77, sequence: 1), payload: Array("ping".utf8)),
        ]
        for f in frames {
            let bytes = f.emit()
            try bytes.withUnsafeBytes { b in
                let eth = try #require(EthernetHeader.parse(b))
                #expect(eth == f.ethernet)
                let ipb = UnsafeRawBufferPointer(rebasing: b[14...])
                let parsed = try #require(IPv4Header.parse(ipb))
                #expect(parsed.source == f.ip.source && parsed.destination == f.ip.destination && parsed.proto == f.ip.proto)
                #expect(Int(parsed.totalLength) == bytes.count - 14)
                #expect(InternetChecksum.checksum(ipb[0..<20]) == 0, "the IPv4 header sums to zero with its checksum")
                let l4 = Array(ipb[20...])
                var pseudo: [UInt8] = []
                pseudo.put32(parsed.source.value); pseudo.put32(parsed.destination.value); pseudo.append(0); pseudo.append(parsed.proto); pseudo.put16(UInt16(l4.count))
                let sum = parsed.proto == 1 ? InternetChecksum.checksum(l4) : InternetChecksum.finish(InternetChecksum.sum(l4, initial: InternetChecksum.sum(pseudo)))
                #expect(sum == 0, "the transport checksum verifies")
                let l4b = UnsafeRawBufferPointer(rebasing: ipb[20...])
                if let t = f.tcp { let p = try #require(TCPHeader.parse(l4b)); #expect(p.sequence == t.sequence && p.flags == t.flags && p.mss == t.mss) }
                if let u = f.udp { let p = try #require(UDPHeader.parse(l4b)); #expect(p.sourcePort == u.sourcePort && p.destinationPort == u.destinationPort) }
                if let c = f.icmp { let p = try #require(ICMPHeader.parse(l4b)); #expect(p.identifier == c.identifier && p.type == c.type) }
            }
        }
        #expect(MACAddress("0a:1b:2c:3d:4e:5f")?.description == "0a:1b:2c:3d:4e:5f")
        #expect(MACAddress.derived("x", seed: 3).array[0] & 0x03 == 0x02, "locally administered, unicast")
    }

    func capture(_ n: Network, _ from: String, _ to: String, port: UInt16?, proto: IPProtocol = .tcp, path: String? = nil, handshake: Bool = false) throws -> (Trace, [CaptureBuilder.Record]) {
        var req = FlowRequest(from: try Endpoint.parse(from).get(), to: try Endpoint.parse(to).get(), ipProtocol: proto, port: port)
        req.capture = true
        if let path { req.http = HTTPRequest(host: "", path: path) }
        guard case .traced(let t) = n.trace(req) else { Issue.record("not traced"); throw CancellationError() }
        return (t, CaptureBuilder.frames(t, handshake: handshake, http: req.http, seed: n.fabric.topology.seed))
    }

    /// A trace's capture: the pod's eth0, the host veth, the ENIs, with the MACs of each place,
    /// addresses as translated there, increasing timestamps; read back, its flows get the
    /// trace's verdict and agree with what the capture shows.
    @Test(arguments: [
        ("deployment:shop/cart", "external:orders-db", UInt16(5432), IPProtocol.tcp, nil as String?),
        ("deployment:shop/frontend", "service:shop/cart", 80, .tcp, nil),
        ("deployment:shop/cart", "internet", 443, .tcp, nil),
        ("internet", "ingress:shop/storefront", 80, .tcp, "/cart"),
        ("internet", "service:shop/frontend", 80, .tcp, nil),
        ("internet", "deployment:shop/cart", 8080, .tcp, nil),
        ("deployment:shop/cart", "ip:8.8.8.8", 53, .udp, nil),
    ])
    func tracesReplayToTheirVerdicts(from: String, to: String, port: UInt16, proto: IPProtocol, path: String?) throws {
        let n = try Lab.network("Topologies/quickstart.yaml")
        let (t, records) = try capture(n, from, to, port: port, proto: proto, path: path, handshake: proto == .tcp)
        #expect(!records.isEmpty)
        #expect(zip(records, records.dropFirst()).allSatisfy { $0.timestampMicros < $1.timestampMicros })
        var x = FlowExtractor()
        for r in records { r.bytes.withUnsafeBytes { x.add(linkType: 1, micros: r.timestampMicros, bytes: $0) } }
        #expect(x.skipped.isEmpty)
        let results = n.replay(x.flows)
        let original = try #require(results.first { $0.flow.client == t.packet.source && $0.flow.server == t.packet.destination })
        #expect(original.disposition?.isSuccess == t.disposition.isSuccess, "\(original.deciding)")
        #expect(original.flow.reachedServer == t.delivered)
        #expect(results.allSatisfy { $0.agreement == .agrees }, "\(results.filter { $0.agreement != .agrees }.map { "\($0.flow.description): \($0.agreement) \($0.deciding)" })")
        if from.hasPrefix("deployment:") {
            #expect(t.forward.captures.first?.label.hasSuffix(" eth0") == true, "the first point is the pod's eth0")
            #expect(t.forward.captures.dropFirst().first?.label.contains("host side of the pod's veth") == true)
        }
    }

    /// Frames the extractor cannot use are counted, not fatal: ARP, IPv6 with a hop-by-hop
    /// extension header (next header 0), short frames, other link types.
    @Test func skippedFrames() {
        var x = FlowExtractor()
        let arp: [UInt8] = Array(repeating: 0xFF, count: 12) + [0x08, 0x06] + Array(repeating: 0, count: 28)
        let v6: [UInt8] = Array(repeating: 0x02, count: 12) + [0x86, 0xDD] + [0x60] + Array(repeating: 0, count: 39)
        let short: [UInt8] = [0x02, 0x00]
        let badIP: [UInt8] = Array(repeating: 0x02, count: 12) + [0x08, 0x00, 0x45, 0x00]
        for f in [arp, v6, short, badIP] { f.withUnsafeBytes { x.add(linkType: 1, micros: 0, bytes: $0) } }
        [UInt8](repeating: 0, count: 40).withUnsafeBytes { x.add(linkType: 105, micros: 0, bytes: $0) }
        #expect(x.flows.isEmpty)
        #expect(x.skipped == ["ARP": 1, "IPv6 extension header 0 (not read)": 1, "truncated frame": 1, "truncated or bad IPv4 header": 1, "link type 105": 1])
        #expect(x.packets == 5)
    }

    func udp(_ s: IPv4Address, _ d: IPv4Address, _ sp: UInt16, _ dp: UInt16) -> [UInt8] {
        Frame(ethernet: EthernetHeader(destination: .derived("a", seed: 0), source: .derived("b", seed: 0)),
              ip: IPv4Header(totalLength: 0, identification: 1, ttl: 64, proto: 17, source: s, destination: d), tcp: nil,
              udp: UDPHeader(sourcePort: sp, destinationPort: dp), icmp: nil, payload: [1, 2, 3]).emit()
    }

    /// Who opened a conversation when the capture missed the opening: a well-known port is the
    /// server's (a DNS answer first); an ICMP error about an echo finds the echo by identifier.
    @Test func openers() {
        var x = FlowExtractor()
        let client = IPv4Address(10, 0, 1, 5), dns = IPv4Address(1, 1, 1, 1)
        udp(dns, client, 53, 40000).withUnsafeBytes { x.add(linkType: 1, micros: 0, bytes: $0) }
        udp(client, dns, 40000, 53).withUnsafeBytes { x.add(linkType: 1, micros: 1, bytes: $0) }
        #expect(x.flows.count == 1)
        #expect(x.flows.first?.client == .ipv4(client) && x.flows.first?.serverPort == 53)
        #expect(x.flows.first?.packetsFromServer == 1 && x.flows.first?.packetsFromClient == 1)
        // An echo, then a host unreachable about it.
        let echo = Frame(ethernet: EthernetHeader(destination: .derived("a", seed: 0), source: .derived("b", seed: 0)),
                         ip: IPv4Header(totalLength: 0, identification: 2, ttl: 64, proto: 1, source: client, destination: dns), tcp: nil, udp: nil,
                         icmp: ICMPHeader(type: 8, code: 0, identifier: 0x1234, sequence: 1), payload: [])
        let echoBytes = echo.emit()
        echoBytes.withUnsafeBytes { x.add(linkType: 1, micros: 2, bytes: $0) }
        let quoted = Array(echoBytes[14..<(14 + 28)])
        let error = Frame(ethernet: echo.ethernet, ip: IPv4Header(totalLength: 0, identification: 3, ttl: 64, proto: 1, source: IPv4Address(10, 0, 0, 1), destination: client),
                          tcp: nil, udp: nil, icmp: ICMPHeader(type: 3, code: 1), payload: quoted).emit()
        error.withUnsafeBytes { x.add(linkType: 1, micros: 3, bytes: $0) }
        let flow = x.flows.first { $0.ipProtocol == .icmp }
        #expect(flow?.icmpError?.type == 3 && flow?.icmpError?.code == 1)
        #expect(flow?.reachedServer == false, "a host unreachable is not an answer from the server")
        #expect(x.skipped.isEmpty, "\(x.skipped)")
    }

    /// One wire, one pair of MACs: what a neighbour sends out is what the other receives, and
    /// the internet gateway has one MAC both ways.
    @Test func macsMatchAcrossAWire() throws {
        let n = try Lab.network("Topologies/quickstart.yaml")
        let (t, _) = try capture(n, "internet", "service:shop/frontend", port: 80)
        let points = t.forward.captures + (t.reply?.captures ?? [])
        for (a, b) in zip(points, points.dropFirst()) where a.label.hasSuffix(" out") && b.label.hasSuffix(" in") {
            #expect(a.source == b.source || b.source == MACAddress.derived("router/" + (n.fabric.interfaces.first { b.label.contains($0.id) }?.subnet ?? ""), seed: n.fabric.topology.seed),
                    "\(a.label) → \(b.label)")
        }
        let igw = points.filter { $0.label.hasPrefix("internet") }
        #expect(igw.count == 2)
        #expect(Set(igw.flatMap { [$0.source, $0.destination] }).count == 2, "the internet and the gateway: one MAC each, both ways")
    }
}
