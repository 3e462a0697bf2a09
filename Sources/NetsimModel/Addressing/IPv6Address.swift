/// An IPv6 address as two 64-bit halves.
public struct IPv6Address: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) { self.high = high; self.low = low }

    /// `::ffff:a.b.c.d`, the IPv4-mapped address of `v4` (RFC 4291 2.5.5.2).
    public init(ipv4Mapped v4: IPv4Address) { high = 0; low = 0xFFFF_0000_0000 | UInt64(v4.value) }

    /// Parses RFC 4291 text (with at most one `::`, which stands for one or more zero groups).
    /// Embedded IPv4 tails are accepted (dotted quad without leading zeros). Zones (`%eth0`),
    /// brackets, signs, groups of more than four hex digits and surrounding spaces are not.
    public init?(_ text: some StringProtocol) {
        let s = String(text)
        guard !s.isEmpty, s.utf8.count <= 45 else { return nil }
        var groups: [UInt16] = []
        let halves = s.components(separatedByDoubleColon: ())
        guard halves.count <= 2 else { return nil }
        func parseGroups(_ part: Substring, allowIPv4Tail: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowIPv4Tail, index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = IPv4Address(piece) else { return nil }
                    out.append(UInt16(v4.value >> 16)); out.append(UInt16(v4.value & 0xFFFF))
                    continue
                }
                // Hex digits only: `UInt16(_:radix:)` alone would take a sign ("+1").
                guard (1...4).contains(piece.utf8.count), piece.utf8.allSatisfy(\.isASCIIHexDigit),
                      let v = UInt16(piece, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        if halves.count == 2 {
            guard let head = parseGroups(halves[0], allowIPv4Tail: false),
                  let tail = parseGroups(halves[1], allowIPv4Tail: true),
                  head.count + tail.count <= 7 else { return nil }
            groups = head
            groups += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let all = parseGroups(halves[0], allowIPv4Tail: true), all.count == 8 else { return nil }
            groups = all
        }
        var h: UInt64 = 0, l: UInt64 = 0
        for i in 0..<4 { h = h << 16 | UInt64(groups[i]) }
        for i in 4..<8 { l = l << 16 | UInt64(groups[i]) }
        high = h; low = l
    }

    var groups: [UInt16] {
        (0..<4).map { UInt16(truncatingIfNeeded: high >> UInt64(48 - 16 * $0)) }
            + (0..<4).map { UInt16(truncatingIfNeeded: low >> UInt64(48 - 16 * $0)) }
    }

    /// The IPv4 address of an IPv4-mapped address (`::ffff:a.b.c.d`), else nil.
    public var ipv4Mapped: IPv4Address? {
        high == 0 && low >> 32 == 0xFFFF ? IPv4Address(UInt32(truncatingIfNeeded: low)) : nil
    }

    /// RFC 5952 text: lower case without leading zeros, the longest run of two or more zero
    /// groups compressed to `::` (the first of equally long runs), one zero group written `0`;
    /// an IPv4-mapped address as `::ffff:a.b.c.d` (section 5).
    public var description: String {
        if let v4 = ipv4Mapped { return "::ffff:\(v4)" }
        // Written byte by byte into a fixed buffer (at most 39 characters): addresses are
        // written on the hot paths of traces (labels, host routes, kube-proxy's flow hash).
        var g: (UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16) = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &g) { raw in
            let w = raw.bindMemory(to: UInt16.self)
            for i in 0..<4 { w[i] = UInt16(truncatingIfNeeded: high >> UInt64(48 - 16 * i)) }
            for i in 0..<4 { w[4 + i] = UInt16(truncatingIfNeeded: low >> UInt64(48 - 16 * i)) }
        }
        return withUnsafeBytes(of: &g) { gRaw -> String in
            let groups = gRaw.bindMemory(to: UInt16.self)
            var bestStart = -1, bestLength = 0, runStart = -1
            for i in 0...8 {
                if i < 8 && groups[i] == 0 {
                    if runStart < 0 { runStart = i }
                } else if runStart >= 0 {
                    if i - runStart > bestLength && i - runStart >= 2 { bestStart = runStart; bestLength = i - runStart }
                    runStart = -1
                }
            }
            var buf: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
            return withUnsafeMutableBytes(of: &buf) { raw -> String in
                var n = 0
                func put(_ v: UInt16) {
                    var started = false
                    for shift in stride(from: 12, through: 0, by: -4) {
                        let d = Int(v >> UInt16(shift) & 0xF)
                        if d == 0 && !started && shift != 0 { continue }
                        started = true
                        raw[n] = UInt8(d < 10 ? 48 + d : 87 + d); n += 1
                    }
                }
                var i = 0
                while i < 8 {
                    if i == bestStart {
                        raw[n] = 58; raw[n + 1] = 58; n += 2
                        i += bestLength
                        continue
                    }
                    if i > 0 && i != bestStart + bestLength { raw[n] = 58; n += 1 }
                    put(groups[i])
                    i += 1
                }
                return String(decoding: UnsafeRawBufferPointer(rebasing: raw[0..<n]), as: UTF8.self)
            }
        }
    }

    public static func < (lhs: IPv6Address, rhs: IPv6Address) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }
}

extension UInt8 {
    fileprivate var isASCIIHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}

extension String {
    /// Splits at the first "::" only; a second "::" makes a third element.
    fileprivate func components(separatedByDoubleColon _: Void) -> [Substring] {
        var parts: [Substring] = []
        var start = startIndex
        var i = startIndex
        while i < endIndex {
            let next = index(after: i)
            if self[i] == ":" && next < endIndex && self[next] == ":" {
                parts.append(self[start..<i])
                start = index(after: next)
                i = start
                continue
            }
            i = next
        }
        parts.append(self[start..<endIndex])
        return parts
    }
}
