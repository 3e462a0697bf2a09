import NetsimModel

/// A 48-bit Ethernet address.
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    public var bytes: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)
    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, _ e: UInt8, _ f: UInt8) { bytes = (a, b, c, d, e, f) }

    /// `0a:1b:2c:3d:4e:5f` (what EC2 and `ip link` print).
    public init?(_ text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 6 else { return nil }
        var v: [UInt8] = []
        for p in parts { guard p.count == 2, let b = UInt8(p, radix: 16) else { return nil }; v.append(b) }
        self.init(v[0], v[1], v[2], v[3], v[4], v[5])
    }

    /// A stable, locally administered unicast address for something that has no real one
    /// (a veth, a pod's eth0, the VPC router of a subnet).
    public static func derived(_ name: String, seed: UInt64) -> MACAddress {
        let h = StableHash.fnv1a("mac/" + name, seed: seed)
        let b = (0..<6).map { UInt8(truncatingIfNeeded: h >> (8 * UInt64($0))) }
        return MACAddress((b[0] & 0xFC) | 0x02, b[1], b[2], b[3], b[4], b[5])
    }

    public var array: [UInt8] { [bytes.0, bytes.1, bytes.2, bytes.3, bytes.4, bytes.5] }
    public static func == (a: MACAddress, b: MACAddress) -> Bool { a.array == b.array }
    public func hash(into h: inout Hasher) { h.combine(array) }
    public var description: String {
        array.map { let s = String($0, radix: 16); return s.count == 1 ? "0" + s : s }.joined(separator: ":")
    }
}

/// The Internet checksum (RFC 1071): the one's-complement of the one's-complement sum of
/// 16-bit words.
public enum InternetChecksum {
    public static func sum(_ bytes: some Collection<UInt8>, initial: UInt32 = 0) -> UInt32 {
        var s = initial
        var hi = true
        var word: UInt32 = 0
        for b in bytes {
            if hi { word = UInt32(b) << 8 } else { s &+= word | UInt32(b) }
            hi.toggle()
        }
        if !hi { s &+= word }
        return s
    }

    public static func finish(_ s: UInt32) -> UInt16 {
        var s = s
        while s >> 16 != 0 { s = (s & 0xFFFF) &+ (s >> 16) }
        return ~UInt16(truncatingIfNeeded: s)
    }

    public static func checksum(_ bytes: some Collection<UInt8>) -> UInt16 { finish(sum(bytes)) }
}

extension Array where Element == UInt8 {
    /// Appends a big-endian 16-bit value.
    public mutating func put16(_ v: UInt16) { append(UInt8(v >> 8)); append(UInt8(truncatingIfNeeded: v)) }
    /// Appends a big-endian 32-bit value.
    public mutating func put32(_ v: UInt32) { for s in [24, 16, 8, 0] { append(UInt8(truncatingIfNeeded: v >> UInt32(s))) } }
}

/// Reads big-endian fields from bytes, failing instead of trapping past the end.
struct ByteReader {
    let b: UnsafeRawBufferPointer
    func u8(_ at: Int) -> UInt8? { at >= 0 && at < b.count ? b[at] : nil }
    func u16(_ at: Int) -> UInt16? { at >= 0 && at + 2 <= b.count ? UInt16(b[at]) << 8 | UInt16(b[at + 1]) : nil }
    func u32(_ at: Int) -> UInt32? {
        guard at >= 0, at + 4 <= b.count else { return nil }
        return UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }
}

/// An Ethernet II header (14 bytes).
public struct EthernetHeader: Equatable, Sendable {
    public static let ipv4: UInt16 = 0x0800
    public static let ipv6: UInt16 = 0x86DD
    public static let vlan: UInt16 = 0x8100
    public var destination: MACAddress
    public var source: MACAddress
    public var etherType: UInt16

    public init(destination: MACAddress, source: MACAddress, etherType: UInt16 = EthernetHeader.ipv4) {
        self.destination = destination; self.source = source; self.etherType = etherType
    }

    public func emit(into out: inout [UInt8]) {
        out += destination.array
        out += source.array
        out.put16(etherType)
    }

    public static func parse(_ b: UnsafeRawBufferPointer) -> EthernetHeader? {
        let r = ByteReader(b: b)
        guard b.count >= 14, let t = r.u16(12) else { return nil }
        return EthernetHeader(destination: MACAddress(b[0], b[1], b[2], b[3], b[4], b[5]), source: MACAddress(b[6], b[7], b[8], b[9], b[10], b[11]), etherType: t)
    }
}

/// An IPv4 header without options (20 bytes).
public struct IPv4Header: Equatable, Sendable {
    public var tos: UInt8 = 0
    public var totalLength: UInt16
    public var identification: UInt16
    /// Don't Fragment, as Linux sets it on TCP.
    public var dontFragment = true
    public var fragmentOffset: UInt16 = 0
    public var moreFragments = false
    public var ttl: UInt8
    public var proto: UInt8
    public var checksum: UInt16 = 0
    public var source: IPv4Address
    public var destination: IPv4Address
    public var headerLength = 20

    public init(totalLength: UInt16, identification: UInt16, ttl: UInt8, proto: UInt8, source: IPv4Address, destination: IPv4Address) {
        self.totalLength = totalLength; self.identification = identification; self.ttl = ttl; self.proto = proto
        self.source = source; self.destination = destination
    }

    /// The header with its checksum computed.
    public func emit(into out: inout [UInt8]) {
        let start = out.count
        out.append(0x45)
        out.append(tos)
        out.put16(totalLength)
        out.put16(identification)
        out.put16((dontFragment ? 0x4000 : 0) | (moreFragments ? 0x2000 : 0) | (fragmentOffset & 0x1FFF))
        out.append(ttl)
        out.append(proto)
        out.put16(0)
        out.put32(source.value)
        out.put32(destination.value)
        let c = InternetChecksum.checksum(out[start..<out.count])
        out[start + 10] = UInt8(c >> 8)
        out[start + 11] = UInt8(truncatingIfNeeded: c)
    }

    public static func parse(_ b: UnsafeRawBufferPointer) -> IPv4Header? {
        let r = ByteReader(b: b)
        guard let vihl = r.u8(0), vihl >> 4 == 4, let total = r.u16(2), let id = r.u16(4), let frag = r.u16(6),
              let ttl = r.u8(8), let proto = r.u8(9), let sum = r.u16(10), let s = r.u32(12), let d = r.u32(16) else { return nil }
        let ihl = Int(vihl & 0x0F) * 4
        guard ihl >= 20, b.count >= ihl else { return nil }
        var h = IPv4Header(totalLength: total, identification: id, ttl: ttl, proto: proto, source: IPv4Address(s), destination: IPv4Address(d))
        h.tos = r.u8(1) ?? 0
        h.dontFragment = frag & 0x4000 != 0
        h.moreFragments = frag & 0x2000 != 0
        h.fragmentOffset = frag & 0x1FFF
        h.checksum = sum
        h.headerLength = ihl
        return h
    }

    /// The pseudo-header sum TCP and UDP checksums start from.
    func pseudoSum(length: Int) -> UInt32 {
        var p: [UInt8] = []
        p.put32(source.value); p.put32(destination.value); p.append(0); p.append(proto); p.put16(UInt16(clamping: length))
        return InternetChecksum.sum(p)
    }
}

/// A TCP header with the MSS option on SYNs.
public struct TCPHeader: Equatable, Sendable {
    public struct Flags: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let fin = Flags(rawValue: 0x01), syn = Flags(rawValue: 0x02), rst = Flags(rawValue: 0x04)
        public static let psh = Flags(rawValue: 0x08), ack = Flags(rawValue: 0x10)
    }
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var sequence: UInt32
    public var acknowledgment: UInt32
    public var flags: Flags
    public var window: UInt16 = 62727
    public var checksum: UInt16 = 0
    /// Maximum segment size option (SYN and SYN-ACK only).
    public var mss: UInt16? = nil

    public init(sourcePort: UInt16, destinationPort: UInt16, sequence: UInt32, acknowledgment: UInt32, flags: Flags, mss: UInt16? = nil) {
        self.sourcePort = sourcePort; self.destinationPort = destinationPort; self.sequence = sequence
        self.acknowledgment = acknowledgment; self.flags = flags; self.mss = mss
    }

    public var length: Int { mss == nil ? 20 : 24 }

    /// The header (and `payload`) with the checksum over the IPv4 pseudo-header.
    public func emit(into out: inout [UInt8], ip: IPv4Header, payload: [UInt8]) {
        emit(into: &out, payload: payload) { ip.pseudoSum(length: $0) }
    }

    /// The same over the IPv6 pseudo-header (RFC 8200 §8.1).
    public func emit(into out: inout [UInt8], ip: IPv6Header, payload: [UInt8]) {
        emit(into: &out, payload: payload) { ip.pseudoSum(length: $0, nextHeader: 6) }
    }

    func emit(into out: inout [UInt8], payload: [UInt8], pseudo: (Int) -> UInt32) {
        let start = out.count
        out.put16(sourcePort)
        out.put16(destinationPort)
        out.put32(sequence)
        out.put32(acknowledgment)
        out.append(UInt8(length / 4) << 4)
        out.append(flags.rawValue)
        out.put16(window)
        out.put16(0)
        out.put16(0)
        if let mss { out.append(2); out.append(4); out.put16(mss) }
        out += payload
        let c = InternetChecksum.finish(InternetChecksum.sum(out[start..<out.count], initial: pseudo(out.count - start)))
        out[start + 16] = UInt8(c >> 8)
        out[start + 17] = UInt8(truncatingIfNeeded: c)
    }

    public static func parse(_ b: UnsafeRawBufferPointer) -> TCPHeader? {
        let r = ByteReader(b: b)
        guard let sp = r.u16(0), let dp = r.u16(2), let seq = r.u32(4), let ack = r.u32(8), let off = r.u8(12), let fl = r.u8(13),
              let win = r.u16(14), let sum = r.u16(16) else { return nil }
        let len = Int(off >> 4) * 4
        guard len >= 20, b.count >= len else { return nil }
        var h = TCPHeader(sourcePort: sp, destinationPort: dp, sequence: seq, acknowledgment: ack, flags: Flags(rawValue: fl & 0x3F))
        h.window = win
        h.checksum = sum
        if len >= 24, r.u8(20) == 2, r.u8(21) == 4 { h.mss = r.u16(22) }
        return h
    }
}

/// A UDP header (8 bytes).
public struct UDPHeader: Equatable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var checksum: UInt16 = 0
    public init(sourcePort: UInt16, destinationPort: UInt16) { self.sourcePort = sourcePort; self.destinationPort = destinationPort }

    public func emit(into out: inout [UInt8], ip: IPv4Header, payload: [UInt8]) {
        emit(into: &out, payload: payload) { ip.pseudoSum(length: $0) }
    }

    /// The same over the IPv6 pseudo-header; the checksum is mandatory there (RFC 8200 §8.1).
    public func emit(into out: inout [UInt8], ip: IPv6Header, payload: [UInt8]) {
        emit(into: &out, payload: payload) { ip.pseudoSum(length: $0, nextHeader: 17) }
    }

    func emit(into out: inout [UInt8], payload: [UInt8], pseudo: (Int) -> UInt32) {
        let start = out.count
        out.put16(sourcePort)
        out.put16(destinationPort)
        out.put16(UInt16(clamping: 8 + payload.count))
        out.put16(0)
        out += payload
        var c = InternetChecksum.finish(InternetChecksum.sum(out[start..<out.count], initial: pseudo(out.count - start)))
        if c == 0 { c = 0xFFFF }   // 0 means "no checksum" in UDP
        out[start + 6] = UInt8(c >> 8)
        out[start + 7] = UInt8(truncatingIfNeeded: c)
    }

    public static func parse(_ b: UnsafeRawBufferPointer) -> UDPHeader? {
        let r = ByteReader(b: b)
        guard let sp = r.u16(0), let dp = r.u16(2), let sum = r.u16(6) else { return nil }
        var h = UDPHeader(sourcePort: sp, destinationPort: dp)
        h.checksum = sum
        return h
    }
}

/// An ICMP header; for echo, the identifier and sequence (8 bytes).
public struct ICMPHeader: Equatable, Sendable {
    public var type: UInt8
    public var code: UInt8
    public var identifier: UInt16
    public var sequence: UInt16
    public var checksum: UInt16 = 0
    public init(type: UInt8, code: UInt8, identifier: UInt16 = 0, sequence: UInt16 = 0) {
        self.type = type; self.code = code; self.identifier = identifier; self.sequence = sequence
    }

    public func emit(into out: inout [UInt8], payload: [UInt8]) {
        emit(into: &out, payload: payload, initial: 0)
    }

    /// As ICMPv6 (RFC 4443 §2.3): the same layout, the checksum over the IPv6 pseudo-header too.
    public func emit(into out: inout [UInt8], ip: IPv6Header, payload: [UInt8]) {
        emit(into: &out, payload: payload, initial: ip.pseudoSum(length: 8 + payload.count, nextHeader: 58))
    }

    func emit(into out: inout [UInt8], payload: [UInt8], initial: UInt32) {
        let start = out.count
        out.append(type); out.append(code); out.put16(0); out.put16(identifier); out.put16(sequence)
        out += payload
        let c = InternetChecksum.finish(InternetChecksum.sum(out[start..<out.count], initial: initial))
        out[start + 2] = UInt8(c >> 8)
        out[start + 3] = UInt8(truncatingIfNeeded: c)
    }

    public static func parse(_ b: UnsafeRawBufferPointer) -> ICMPHeader? {
        let r = ByteReader(b: b)
        guard let t = r.u8(0), let c = r.u8(1), let sum = r.u16(2) else { return nil }
        var h = ICMPHeader(type: t, code: c, identifier: r.u16(4) ?? 0, sequence: r.u16(6) ?? 0)
        h.checksum = sum
        return h
    }
}

/// One Ethernet frame carrying IPv4 and TCP, UDP or ICMP.
public struct Frame: Sendable {
    public var ethernet: EthernetHeader
    public var ip: IPv4Header
    public var tcp: TCPHeader?
    public var udp: UDPHeader?
    public var icmp: ICMPHeader?
    public var payload: [UInt8]

    public init(ethernet: EthernetHeader, ip: IPv4Header, tcp: TCPHeader?, udp: UDPHeader?, icmp: ICMPHeader?, payload: [UInt8]) {
        self.ethernet = ethernet; self.ip = ip; self.tcp = tcp; self.udp = udp; self.icmp = icmp; self.payload = payload
    }

    /// The frame's bytes, every length and checksum filled in.
    public func emit() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(14 + 20 + 24 + payload.count)
        ethernet.emit(into: &out)
        var ip = self.ip
        let l4 = tcp.map { $0.length } ?? (udp != nil || icmp != nil ? 8 : 0)
        ip.totalLength = UInt16(clamping: 20 + l4 + payload.count)   // callers cut TCP data at the MSS; never a trap
        ip.emit(into: &out)
        if let tcp { tcp.emit(into: &out, ip: ip, payload: payload) }
        else if let udp { udp.emit(into: &out, ip: ip, payload: payload) }
        else if let icmp { icmp.emit(into: &out, payload: payload) }
        else { out += payload }
        return out
    }
}

extension IPv6Address {
    /// The 16 bytes, network order.
    public var bytes: [UInt8] {
        var b: [UInt8] = []
        b.reserveCapacity(16)
        for v in [high, low] { for s in stride(from: 56, through: 0, by: -8) { b.append(UInt8(truncatingIfNeeded: v >> UInt64(s))) } }
        return b
    }

    /// From 16 bytes, network order.
    init?(_ r: ByteReader, at: Int) {
        guard let a = r.u32(at), let b = r.u32(at + 4), let c = r.u32(at + 8), let d = r.u32(at + 12) else { return nil }
        self.init(high: UInt64(a) << 32 | UInt64(b), low: UInt64(c) << 32 | UInt64(d))
    }
}

/// The IPv6 fixed header (RFC 8200 §3, 40 bytes), without extension headers: netsim writes none.
public struct IPv6Header: Equatable, Sendable {
    public var trafficClass: UInt8 = 0
    /// 20 bits.
    public var flowLabel: UInt32 = 0
    /// The length of what follows the header (the upper-layer packet, no extension headers).
    public var payloadLength: UInt16
    public var nextHeader: UInt8
    public var hopLimit: UInt8
    public var source: IPv6Address
    public var destination: IPv6Address

    public init(payloadLength: UInt16, nextHeader: UInt8, hopLimit: UInt8, source: IPv6Address, destination: IPv6Address, flowLabel: UInt32 = 0) {
        self.payloadLength = payloadLength; self.nextHeader = nextHeader; self.hopLimit = hopLimit
        self.source = source; self.destination = destination; self.flowLabel = flowLabel & 0xFFFFF
    }

    public func emit(into out: inout [UInt8]) {
        out.put32(6 << 28 | UInt32(trafficClass) << 20 | (flowLabel & 0xFFFFF))
        out.put16(payloadLength)
        out.append(nextHeader)
        out.append(hopLimit)
        out += source.bytes
        out += destination.bytes
    }

    public static func parse(_ b: UnsafeRawBufferPointer) -> IPv6Header? {
        let r = ByteReader(b: b)
        guard let first = r.u32(0), first >> 28 == 6, let len = r.u16(4), let nh = r.u8(6), let hl = r.u8(7),
              let s = IPv6Address(r, at: 8), let d = IPv6Address(r, at: 24) else { return nil }
        var h = IPv6Header(payloadLength: len, nextHeader: nh, hopLimit: hl, source: s, destination: d, flowLabel: first & 0xFFFFF)
        h.trafficClass = UInt8(truncatingIfNeeded: first >> 20)
        return h
    }

    /// The pseudo-header sum upper-layer checksums start from (RFC 8200 §8.1): source,
    /// destination, the upper-layer packet's length as 32 bits, three zero bytes and the next
    /// header value of the upper-layer protocol.
    public func pseudoSum(length: Int, nextHeader: UInt8) -> UInt32 {
        var p: [UInt8] = source.bytes + destination.bytes
        p.put32(UInt32(clamping: length)); p += [0, 0, 0, nextHeader]
        return InternetChecksum.sum(p)
    }
}

/// One Ethernet frame carrying IPv6 and TCP, UDP or ICMPv6 (`icmp` is then an ICMPv6 header:
/// echo request 128, reply 129, port unreachable type 1 code 4).
public struct Frame6: Sendable {
    public var ethernet: EthernetHeader
    public var ip: IPv6Header
    public var tcp: TCPHeader?
    public var udp: UDPHeader?
    public var icmp: ICMPHeader?
    public var payload: [UInt8]

    public init(ethernet: EthernetHeader, ip: IPv6Header, tcp: TCPHeader?, udp: UDPHeader?, icmp: ICMPHeader?, payload: [UInt8]) {
        var e = ethernet
        e.etherType = EthernetHeader.ipv6
        self.ethernet = e; self.ip = ip; self.tcp = tcp; self.udp = udp; self.icmp = icmp; self.payload = payload
    }

    /// The frame's bytes, the payload length, next header and every checksum filled in.
    public func emit() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(14 + 40 + 24 + payload.count)
        ethernet.emit(into: &out)
        var ip = self.ip
        let l4 = tcp.map { $0.length } ?? (udp != nil || icmp != nil ? 8 : 0)
        ip.payloadLength = UInt16(clamping: l4 + payload.count)
        if tcp != nil { ip.nextHeader = 6 } else if udp != nil { ip.nextHeader = 17 } else if icmp != nil { ip.nextHeader = 58 }
        ip.emit(into: &out)
        if let tcp { tcp.emit(into: &out, ip: ip, payload: payload) }
        else if let udp { udp.emit(into: &out, ip: ip, payload: payload) }
        else if let icmp { icmp.emit(into: &out, ip: ip, payload: payload) }
        else { out += payload }
        return out
    }
}
