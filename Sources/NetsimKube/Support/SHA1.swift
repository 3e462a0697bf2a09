/// SHA-1 (FIPS 180-4), for the VPC CNI's host veth names only (`eni` + the first 11 hex
/// characters of SHA-1 over "namespace.podname"); no secret is involved.
public enum SHA1 {
    public static func hash(_ message: [UInt8]) -> [UInt8] {
        var h: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0)
        let padded = (message.count + 9 + 63) / 64 * 64
        var data = [UInt8](repeating: 0, count: padded)
        data.withUnsafeMutableBufferPointer { d in
            for (i, b) in message.enumerated() { d[i] = b }
            d[message.count] = 0x80
            let bitLength = UInt64(message.count) &* 8
            for i in 0..<8 { d[padded - 1 - i] = UInt8(truncatingIfNeeded: bitLength >> UInt64(i * 8)) }
        }
        var w = [UInt32](repeating: 0, count: 80)
        data.withUnsafeBufferPointer { d in
            w.withUnsafeMutableBufferPointer { w in
                for chunk in stride(from: 0, to: padded, by: 64) {
                    for i in 0..<16 {
                        let j = chunk + i * 4
                        w[i] = UInt32(d[j]) << 24 | UInt32(d[j + 1]) << 16 | UInt32(d[j + 2]) << 8 | UInt32(d[j + 3])
                    }
                    for i in 16..<80 { w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1) }
                    var (a, b, c, dd, e) = h
                    for i in 0..<80 {
                        let f: UInt32, k: UInt32
                        switch i {
                        case 0..<20: f = (b & c) | (~b & dd); k = 0x5A827999
                        case 20..<40: f = b ^ c ^ dd; k = 0x6ED9EBA1
                        case 40..<60: f = (b & c) | (b & dd) | (c & dd); k = 0x8F1BBCDC
                        default: f = b ^ c ^ dd; k = 0xCA62C1D6
                        }
                        let t = rotl(a, 5) &+ f &+ e &+ k &+ w[i]
                        e = dd; dd = c; c = rotl(b, 30); b = a; a = t
                    }
                    h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ dd, h.4 &+ e)
                }
            }
        }
        var out = [UInt8](repeating: 0, count: 20)
        for (n, v) in [h.0, h.1, h.2, h.3, h.4].enumerated() {
            for i in 0..<4 { out[n * 4 + i] = UInt8(truncatingIfNeeded: v >> UInt32(24 - i * 8)) }
        }
        return out
    }

    @inline(__always) static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
}
