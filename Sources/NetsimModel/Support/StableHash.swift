/// Deterministic hashing and pseudo-random numbers: Swift's `Hasher` is seeded per process,
/// so anything that must be the same from run to run uses these instead.
public enum StableHash {
    /// 64-bit FNV-1a over the UTF-8 bytes of `text`, mixed with `seed`.
    public static func fnv1a(_ text: String, seed: UInt64 = 0) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return SplitMix64.mix(hash)
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small, seedable generator for deterministic choices.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// AWS-looking identifiers derived from the topology seed and an object's name, so the same
/// topology always shows the same `subnet-0…`, `sg-0…`, `eni-0…`.
public enum AWSID {
    /// `prefix` + "-0" + 16 lower-case hex digits (17 hex digits in all, as AWS's long IDs).
    public static func make(_ prefix: String, name: String, seed: UInt64) -> String {
        let hash = StableHash.fnv1a(prefix + "/" + name, seed: seed)
        let hex = String(hash, radix: 16)
        return prefix + "-0" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
