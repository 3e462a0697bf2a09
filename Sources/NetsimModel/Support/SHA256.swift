/// SHA-256 (FIPS 180-4), for kube-proxy's chain names only: kube-proxy hashes a service port's
/// name with SHA-256 and keeps 16 base32 characters. No secret is involved, so a small checked
/// implementation serves better than a cryptography dependency here (tested against FIPS
/// 180-4 vectors and kube-proxy's own chain names).
public enum SHA256 {
    static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    public static func hash(_ message: [UInt8]) -> [UInt8] {
        let h = message.withUnsafeBufferPointer { digest(UnsafeRawBufferPointer($0)) }
        var out = [UInt8](repeating: 0, count: 32)
        for (n, v) in [h.0, h.1, h.2, h.3, h.4, h.5, h.6, h.7].enumerated() {
            for i in 0..<4 { out[n * 4 + i] = UInt8(truncatingIfNeeded: v >> UInt32(24 - i * 8)) }
        }
        return out
    }

    public typealias Digest = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

    /// The hash as eight words, without allocating: the message's whole blocks are read in
    /// place, the padded tail is built on the stack.
    public static func digest(_ message: UnsafeRawBufferPointer) -> Digest {
        var h: Digest = (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
        let whole = message.count / 64 * 64
        let tailCount = message.count - whole
        let tailBlocks = tailCount + 9 > 64 ? 2 : 1
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
                for i in 0..<128 { tail[i] = 0 }
                for i in 0..<tailCount { tail[i] = message[whole + i] }
                tail[tailCount] = 0x80
                let bitLength = UInt64(message.count) &* 8
                let end = tailBlocks * 64
                for i in 0..<8 { tail[end - 1 - i] = UInt8(truncatingIfNeeded: bitLength >> UInt64(i * 8)) }
                for chunk in stride(from: 0, to: whole, by: 64) {
                    compress(&h, w) { message[chunk + $0] }
                }
                for b in 0..<tailBlocks {
                    compress(&h, w) { tail[b * 64 + $0] }
                }
            }
        }
        return h
    }

    @inline(__always)
    static func compress(_ h: inout Digest, _ w: UnsafeMutableBufferPointer<UInt32>, _ byte: (Int) -> UInt8) {
        for i in 0..<16 {
            let j = i * 4
            w[i] = UInt32(byte(j)) << 24 | UInt32(byte(j + 1)) << 16 | UInt32(byte(j + 2)) << 8 | UInt32(byte(j + 3))
        }
        for i in 16..<64 {
            let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
            let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, hh) = h
        k.withUnsafeBufferPointer { k in
            for i in 0..<64 {
                let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                let ch = (e & f) ^ (~e & g)
                let t1 = hh &+ s1 &+ ch &+ k[i] &+ w[i]
                let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                let maj = (a & b) ^ (a & c) ^ (b & c)
                let t2 = s0 &+ maj
                hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
            }
        }
        h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
    }

    @inline(__always) static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

    public static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { b in let s = String(b, radix: 16); return s.count == 1 ? "0" + s : s }.joined()
    }
}

/// RFC 4648 base32 (A–Z, 2–7), with padding.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    public static let alphabetBytes = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = ""
        var buffer: UInt64 = 0
        var bits = 0
        for b in bytes {
            buffer = (buffer << 8) | UInt64(b)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int((buffer >> UInt64(bits)) & 31)])
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt64(5 - bits)) & 31)]) }
        while out.count % 8 != 0 { out.append("=") }
        return out
    }
}
