/// An IPv4 address held as a 32-bit big-endian integer value.
///
///     let a = IPv4Address("10.0.41.7")      // Optional(10.0.41.7)
///     a?.octets                             // (10, 0, 41, 7)
public struct IPv4Address: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The address as an integer: `10.0.0.1` is `0x0A00_0001`.
    public var value: UInt32

    public init(_ value: UInt32) { self.value = value }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        value = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Parses dotted-quad text. Rejects leading zeros ("010.0.0.1"), which AWS also refuses,
    /// empty octets, values over 255 and any other character.
    public init?(_ text: some StringProtocol) {
        var result: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        var leadingZero = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if digits == 1 && leadingZero { return nil }
                if digits == 0 && byte == UInt8(ascii: "0") { leadingZero = true }
                octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                if digits > 3 || octet > 255 { return nil }
            case UInt8(ascii: "."):
                if digits == 0 || dots == 3 { return nil }
                result = result << 8 | octet
                octet = 0; digits = 0; dots += 1; leadingZero = false
            default:
                return nil
            }
        }
        if digits == 0 || dots != 3 { return nil }
        value = result << 8 | octet
    }

    public var octets: (UInt8, UInt8, UInt8, UInt8) {
        (UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF))
    }

    public var description: String {
        // Written byte by byte: this is on the hot paths of rendering rules and traces.
        var buf: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &buf) { raw -> String in
            var n = 0
            for shift in [24, 16, 8, 0] as [UInt32] {
                let o = Int(value >> shift & 0xFF)
                if o >= 100 { raw[n] = UInt8(48 + o / 100); n += 1 }
                if o >= 10 { raw[n] = UInt8(48 + o / 10 % 10); n += 1 }
                raw[n] = UInt8(48 + o % 10); n += 1
                if shift != 0 { raw[n] = 46; n += 1 }
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: raw[0..<n]), as: UTF8.self)
        }
    }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.value < rhs.value }

    /// The address `offset` places further on, or nil past 255.255.255.255.
    public func advanced(by offset: Int) -> IPv4Address? {
        let next = Int64(value) + Int64(offset)
        guard next >= 0, next <= Int64(UInt32.max) else { return nil }
        return IPv4Address(UInt32(next))
    }

    /// RFC 1918 private space: 10/8, 172.16/12, 192.168/16.
    public var isRFC1918: Bool {
        IPv4CIDR.rfc1918.contains { $0.contains(self) }
    }

    /// RFC 6598 shared address space (100.64.0.0/10), used for EKS custom networking.
    public var isRFC6598: Bool { IPv4CIDR.rfc6598.contains(self) }
}
