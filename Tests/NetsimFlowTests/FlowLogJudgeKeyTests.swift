@testable import NetsimFlow
import NetsimModel
import Testing

/// The flow log judge's caches are keyed on a packed `DecidingKey` instead of a whole `Packet`
/// (for speed). These tests prove the packing loses nothing: two questions share a key exactly
/// when the old key (interface, direction and `decidingPart` of the packet) was the same.
@Suite("Flow log judge keys")
struct FlowLogJudgeKeyTests {
    struct SplitMix { var s: UInt64; mutating func next() -> UInt64 { s &+= 0x9E37_79B9_7F4A_7C15; var z = s; z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9; z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB; return z ^ (z >> 31) } }

    static func packets() -> [(Int, Bool, Packet, UInt16?)] {
        var r = SplitMix(s: 17)
        let protocols: [IPProtocol] = [.tcp, .udp, .icmp, .icmpv6, .all, .number(6), .number(47), .number(0), .number(255)]
        let v4: [IPAddress] = [.ipv4(IPv4Address(0)), .ipv4(IPv4Address(0x0A00_0001)), .ipv4(IPv4Address(0x0A00_0002)), .ipv4(IPv4Address(.max))]
        let v6: [IPAddress] = [.ipv6(IPv6Address(high: 0, low: 0x0A00_0001)), .ipv6(IPv6Address(high: 0xFD00 << 48, low: 1)), .ipv6(IPv6Address(high: .max, low: .max))]
        let addrs = v4 + v6
        var out: [(Int, Bool, Packet, UInt16?)] = []
        for _ in 0..<4000 {
            func pick<T>(_ a: [T]) -> T { a[Int(r.next() % UInt64(a.count))] }
            let ports: [UInt16] = [0, 1, 22, 80, 65535]
            let p = Packet(ipProtocol: pick(protocols), source: pick(addrs), destination: pick(addrs), sourcePort: pick(ports), destinationPort: pick(ports),
                           icmpType: pick([0, 8, 128, 255]), icmpCode: pick([0, 1, 255]))
            out.append((pick([0, 1, 7, Int(Int32.max)]), r.next() % 2 == 0, p, r.next() % 3 == 0 ? pick(ports) : nil))
        }
        return out
    }

    struct OldKey: Hashable { var iface: Int; var ingress: Bool; var packet: Packet }

    @Test func packedKeyEqualsTheOldKey() {
        let all = Self.packets()
        var byNew: [DecidingKey: OldKey] = [:]
        var byOld: [OldKey: DecidingKey] = [:]
        for (iface, ingress, p, sport) in all {
            var old = OldKey(iface: iface, ingress: ingress, packet: FlowLogJudge.decidingPart(p, peerIsSource: ingress))
            var new = DecidingKey(iface, ingress: ingress, p)
            if let sport { old.packet.sourcePort = sport; new.setSourcePort(sport) }
            if let o = byNew[new] { #expect(o == old, "one packed key for two questions: \(o) and \(old)") } else { byNew[new] = old }
            if let n = byOld[old] { #expect(n == new, "two packed keys for one question: \(old)") } else { byOld[old] = new }
        }
        #expect(byNew.count == byOld.count)
        #expect(byNew.count > 1000)
    }

    @Test func sourcePortCanBeSetTwice() {
        let p = Packet(ipProtocol: .tcp, source: .ipv4(IPv4Address(1)), destination: .ipv4(IPv4Address(2)), sourcePort: 5, destinationPort: 80)
        var a = DecidingKey(3, ingress: true, p), b = a
        a.setSourcePort(65535); a.setSourcePort(7)
        b.setSourcePort(7)
        #expect(a == b)
        #expect(a != DecidingKey(3, ingress: true, p))
    }
}
