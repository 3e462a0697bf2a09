import Foundation
@testable import NetsimFlow
import NetsimModel
import Testing

/// IPv6 frames (RFC 8200 fixed header; TCP, UDP and ICMPv6 checksums over the pseudo-header of
/// §8.1) and the flow extractor reading them back.
@Suite("IPv6 captures")
struct IPv6CaptureTests {
    static let a = IPv6Address("2600:1f14:7e0:9a10:88b2::5")!, b = IPv6Address("2600:1f14:7e0:9a11:597::4")!
    static let eth = EthernetHeader(destination: .derived("a", seed: 0), source: .derived("b", seed: 0))

    /// The checksum verifies as a receiver checks it: the one's-complement sum of the pseudo-header
    /// (source, destination, 32-bit upper-layer length, three zeros, next header) and the segment,
    /// checksum included, is 0xFFFF.
    static func verifies(_ frame: [UInt8], nextHeader: UInt8) -> Bool {
        let ip = Array(frame[14..<54]), l4 = Array(frame[54...])
        var pseudo = Array(ip[8..<40])
        pseudo += [UInt8(l4.count >> 24 & 0xFF), UInt8(l4.count >> 16 & 0xFF), UInt8(l4.count >> 8 & 0xFF), UInt8(l4.count & 0xFF), 0, 0, 0, nextHeader]
        var sum = InternetChecksum.sum(pseudo + l4)
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
        return sum == 0xFFFF
    }

    static func capture(_ n: Network, _ from: String, _ to: String, port: UInt16, handshake: Bool) throws -> (Trace, [CaptureBuilder.Record]) {
        var req = FlowRequest(from: try Endpoint.parse(from).get(), to: try Endpoint.parse(to).get(), ipProtocol: .tcp, port: port)
        req.capture = true
        guard case .traced(let t) = n.trace(req) else { Issue.record("not traced"); throw CancellationError() }
        return (t, CaptureBuilder.frames(t, handshake: handshake, seed: n.fabric.topology.seed))
    }

    @Test func headerAndChecksums() throws {
        let ip = IPv6Header(payloadLength: 0, nextHeader: 0, hopLimit: 64, source: Self.a, destination: Self.b, flowLabel: 0x12345)
        let syn = Frame6(ethernet: Self.eth, ip: ip, tcp: TCPHeader(sourcePort: 40000, destinationPort: 8080, sequence: 7, acknowledgment: 0, flags: .syn, mss: 8941),
                         udp: nil, icmp: nil, payload: []).emit()
        #expect(syn.count == 14 + 40 + 24)
        #expect(syn[12] == 0x86 && syn[13] == 0xDD)
        #expect(syn[14] >> 4 == 6)
        let parsed = try #require(syn.withUnsafeBytes { IPv6Header.parse(UnsafeRawBufferPointer(rebasing: $0[14...])) })
        #expect(parsed.source == Self.a && parsed.destination == Self.b && parsed.nextHeader == 6 && parsed.payloadLength == 24 && parsed.flowLabel == 0x12345 && parsed.hopLimit == 64)
        #expect(Self.verifies(syn, nextHeader: 6))
        let udp = Frame6(ethernet: Self.eth, ip: ip, tcp: nil, udp: UDPHeader(sourcePort: 5353, destinationPort: 53), icmp: nil, payload: Array("netsim".utf8)).emit()
        #expect(udp[20] == 17 && Self.verifies(udp, nextHeader: 17))
        #expect(udp[54 + 6] != 0 || udp[54 + 7] != 0, "a UDP checksum is mandatory over IPv6")
        let echo = Frame6(ethernet: Self.eth, ip: ip, tcp: nil, udp: nil, icmp: ICMPHeader(type: 128, code: 0, identifier: 9, sequence: 1), payload: Array("ping".utf8)).emit()
        #expect(echo[20] == 58 && Self.verifies(echo, nextHeader: 58), "ICMPv6 sums the pseudo-header too (RFC 4443 §2.3)")
    }

    /// A SYN, its SYN-ACK, and another flow answered by an ICMPv6 port unreachable (type 1 code 4)
    /// that quotes it; neighbour discovery and an extension header are counted and skipped.
    @Test func extractorReadsIPv6() throws {
        var x = FlowExtractor()
        func tcp(_ s: IPv6Address, _ d: IPv6Address, _ sp: UInt16, _ dp: UInt16, _ f: TCPHeader.Flags) -> [UInt8] {
            Frame6(ethernet: Self.eth, ip: IPv6Header(payloadLength: 0, nextHeader: 6, hopLimit: 64, source: s, destination: d),
                   tcp: TCPHeader(sourcePort: sp, destinationPort: dp, sequence: 1, acknowledgment: 0, flags: f), udp: nil, icmp: nil, payload: []).emit()
        }
        let frames = [tcp(Self.a, Self.b, 40000, 8080, .syn), tcp(Self.b, Self.a, 8080, 40000, [.syn, .ack]), tcp(Self.a, Self.b, 40001, 9090, .syn)]
        for f in frames { f.withUnsafeBytes { x.add(linkType: 1, micros: 0, bytes: $0) } }
        let unreachable = Frame6(ethernet: Self.eth, ip: IPv6Header(payloadLength: 0, nextHeader: 58, hopLimit: 64, source: Self.b, destination: Self.a),
                                 tcp: nil, udp: nil, icmp: ICMPHeader(type: 1, code: 4), payload: Array(frames[2][14...])).emit()
        unreachable.withUnsafeBytes { x.add(linkType: 1, micros: 1, bytes: $0) }
        let ns = Frame6(ethernet: Self.eth, ip: IPv6Header(payloadLength: 0, nextHeader: 58, hopLimit: 255, source: Self.a, destination: Self.b),
                        tcp: nil, udp: nil, icmp: ICMPHeader(type: 135, code: 0), payload: []).emit()
        ns.withUnsafeBytes { x.add(linkType: 1, micros: 2, bytes: $0) }
        // Raw IPv6 (link type 101) is read too.
        Array(frames[0][14...]).withUnsafeBytes { x.add(linkType: 101, micros: 3, bytes: $0) }
        #expect(x.flows.count == 2)
        let first = try #require(x.flows.first)
        #expect(first.client == .ipv6(Self.a) && first.server == .ipv6(Self.b) && first.sawSynAck && first.reachedServer)
        #expect(first.description == "tcp [\(Self.a)]:40000 → [\(Self.b)]:8080")
        let refused = try #require(x.flows.last)
        #expect(refused.icmpError?.type == 1 && refused.answer == "refused (ICMPv6 port unreachable)" && refused.reachedServer)
        #expect(x.skipped == ["ICMPv6 neighbour discovery": 1])
        // A truncated IPv6 header and a hop-by-hop header: counted.
        var y = FlowExtractor()
        (Array(frames[0][0..<30])).withUnsafeBytes { y.add(linkType: 1, micros: 0, bytes: $0) }
        var hbh = frames[0]; hbh[20] = 0
        hbh.withUnsafeBytes { y.add(linkType: 1, micros: 0, bytes: $0) }
        #expect(y.skipped == ["truncated or bad IPv6 header": 1, "IPv6 extension header 0 (not read)": 1] && y.flows.isEmpty)
    }

    /// The trace through the dualstack ALB: frames of both IPv6 connections, every one of them
    /// read back, and the replay agrees with the model.
    @Test func albTraceRoundTrips() throws {
        let n = try Lab.network("Topologies/ipv6-cluster.yaml")
        let (t, records) = try Self.capture(n, "internet", DualStackLoadBalancerTests.albIPv6, port: 80, handshake: true)
        #expect(!records.isEmpty && records.allSatisfy { $0.bytes[12] == 0x86 && $0.bytes[13] == 0xDD })
        for r in records { #expect(Self.verifies(r.bytes, nextHeader: r.bytes[20]), "\(r.label)") }
        var x = FlowExtractor()
        for r in records { r.bytes.withUnsafeBytes { x.add(linkType: 1, micros: r.timestampMicros, bytes: $0) } }
        #expect(x.skipped.isEmpty && x.flows.count == 2)
        let results = n.replay(x.flows)
        #expect(results.allSatisfy { $0.agreement == .agrees }, "\(results.map(\.deciding))")
    }

    /// The egress plugin's IPv4 flow: the pod's v4if0 (169.254.172.x) out, the node's IPv4 after
    /// its SNAT: the frames show where the address changes.
    @Test func egressV4FramesShowTheNodeSNAT() throws {
        let n = try Lab.network("Topologies/ipv6-cluster.yaml")
        let (_, records) = try Self.capture(n, "deployment:shop/worker", "external:legacy-api", port: 443, handshake: false)
        let first = try #require(records.first)
        #expect(first.label.contains("v4if0") && first.bytes[12] == 0x08 && first.bytes[13] == 0x00)
        let src = { (r: CaptureBuilder.Record) in IPv4Address(UInt32(r.bytes[26]) << 24 | UInt32(r.bytes[27]) << 16 | UInt32(r.bytes[28]) << 8 | UInt32(r.bytes[29])) }
        #expect(IPv4CIDR("169.254.172.0/22")?.contains(src(first)) == true)
        let node = try #require(records.first { $0.label.contains("eth0") && $0.label.hasSuffix("out — SYN") })
        #expect(n.fabric.realized.nodes.contains { $0.primaryIP == src(node) }, "the node's primary IPv4 after SNAT")
    }
}
