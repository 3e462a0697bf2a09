import NetsimModel

/// The free and used addresses of one subnet, as EC2 sees them: a bitmap over the block with
/// AWS's five reserved addresses marked used. Secondary IPs come from seeded random positions,
/// prefixes as aligned /28s whose sixteen addresses are all free, so fragmentation is real.
public struct SubnetPool: Sendable {
    public let subnet: Subnet
    public let base: UInt32
    public let size: Int
    private var words: [UInt64]
    public private(set) var freeCount: Int

    public init(subnet: Subnet) {
        self.subnet = subnet
        base = subnet.cidr.network.value
        size = subnet.cidr.size
        words = Array(repeating: 0, count: (size + 63) / 64)
        freeCount = size
        if size < 64 {   // bits past the block's end are never free
            words[0] = ~UInt64(0) << UInt64(size)
        }
        for r in subnet.reservedAddresses { _ = take(r) }
    }

    public func contains(_ ip: IPv4Address) -> Bool { subnet.cidr.contains(ip) }

    public func isFree(_ ip: IPv4Address) -> Bool {
        guard contains(ip) else { return false }
        let o = Int(ip.value - base)
        return words[o >> 6] & (1 << UInt64(o & 63)) == 0
    }

    /// Marks one address used; false when it was not free or not in the subnet.
    @discardableResult
    public mutating func take(_ ip: IPv4Address) -> Bool {
        guard isFree(ip) else { return false }
        let o = Int(ip.value - base)
        words[o >> 6] |= 1 << UInt64(o & 63)
        freeCount -= 1
        return true
    }

    public mutating func release(_ ip: IPv4Address) {
        guard contains(ip), !isFree(ip), !subnet.isReserved(ip) else { return }
        let o = Int(ip.value - base)
        words[o >> 6] &= ~(1 << UInt64(o & 63))
        freeCount += 1
    }

    /// A free address at a seeded random position (the next free one at or after it).
    public mutating func allocateAddress(using rng: inout SplitMix64) -> IPv4Address? {
        guard freeCount > 0 else { return nil }
        let start = Int(rng.next() % UInt64(size))
        var w = start >> 6
        var mask = ~UInt64(0) << UInt64(start & 63)
        for _ in 0...words.count {
            let free = ~words[w] & mask
            if free != 0 {
                let o = (w << 6) + free.trailingZeroBitCount
                let ip = IPv4Address(base + UInt32(o))
                _ = take(ip)
                return ip
            }
            w = (w + 1) % words.count
            mask = ~UInt64(0)
        }
        return nil
    }

    /// `count` free addresses, or nil (and nothing taken) when the subnet has fewer.
    public mutating func allocateAddresses(_ count: Int, using rng: inout SplitMix64) -> [IPv4Address]? {
        guard count <= freeCount else { return nil }
        var out: [IPv4Address] = []
        out.reserveCapacity(count)
        for _ in 0..<count { if let ip = allocateAddress(using: &rng) { out.append(ip) } }
        return out
    }

    /// Aligned /28 blocks whose sixteen addresses are all free.
    public var freePrefixCount: Int {
        guard size >= 16 else { return 0 }
        var n = 0
        for w in words {
            if w == 0 { n += 4; continue }
            for k in 0..<4 where (w >> UInt64(k * 16)) & 0xFFFF == 0 { n += 1 }
        }
        return min(n, size / 16)
    }

    /// A free aligned /28 at a seeded random position, or nil when none is left.
    public mutating func allocatePrefix(using rng: inout SplitMix64) -> IPv4CIDR? {
        let blocks = size / 16
        guard blocks > 0 else { return nil }
        let start = Int(rng.next() % UInt64(blocks))
        for i in 0..<blocks {
            let b = (start + i) % blocks
            let w = b >> 2
            let shift = UInt64((b & 3) * 16)
            if (words[w] >> shift) & 0xFFFF == 0 {
                words[w] |= 0xFFFF << shift
                freeCount -= 16
                return IPv4CIDR(network: IPv4Address(base + UInt32(b * 16)), prefixLength: 28)
            }
        }
        return nil
    }

    public mutating func releasePrefix(_ prefix: IPv4CIDR) {
        guard contains(prefix.network), prefix.prefixLength == 28 else { return }
        for i in 0..<16 { release(IPv4Address(prefix.network.value + UInt32(i))) }
    }
}
