import NetsimModel

/// The API server's ClusterIP allocator for an IPv6 Service range (kubernetes/kubernetes v1.31
/// `pkg/registry/core/service/ipallocator`, the same rules as IPv4, `ServiceIPAllocator`):
/// `kubernetes` takes the first address, EKS puts kube-dns at the tenth (`…::a`), dynamic
/// addresses are drawn at random from above the lower band (min(max(16, size/16), 256)
/// addresses), the network address is never used.
public struct ServiceIPAllocator6: Sendable {
    public let range: IPv6CIDR
    private var used: Set<IPv6Address> = []
    private var rng: SplitMix64

    public init(range: IPv6CIDR, seed: UInt64) {
        self.range = range
        rng = SplitMix64(seed: seed ^ 0x5E41_11CE_0006)
    }

    /// Host addresses the allocator considers: at most 2^20 (kube-apiserver refuses IPv6 Service
    /// ranges larger than a /108).
    var size: UInt64 { range.prefixLength >= 108 ? (UInt64(1) << UInt64(128 - range.prefixLength)) : UInt64(1) << 20 }
    var lowerBand: UInt64 { size <= 16 ? 0 : min(max(16, size / 16), 256) }

    public func address(offset: UInt64) -> IPv6Address { IPv6Address(high: range.network.high, low: range.network.low &+ offset) }

    @discardableResult
    public mutating func take(_ ip: IPv6Address) -> Bool {
        guard range.contains(ip), ip != range.network else { return false }
        return used.insert(ip).inserted
    }

    public mutating func allocate() -> IPv6Address? {
        let hi = size - 1
        let lo = lowerBand + 1
        guard hi >= lo else { return nil }
        let n = hi - lo + 1
        let start = rng.next() % n
        // A /108 has a million addresses: a few draws find a free one; the scan is the fallback.
        for i in 0..<min(n, 4096) {
            let ip = address(offset: lo + (start + i) % n)
            if used.insert(ip).inserted { return ip }
        }
        return nil
    }
}
