import NetsimModel

/// The API server's ClusterIP allocator (kubernetes/kubernetes v1.31,
/// `pkg/registry/core/service/ipallocator`, KEP-3070): the network and broadcast addresses are
/// never used; `kubernetes` takes the first address; dynamic addresses are drawn at random
/// from the upper band first, leaving the lower band — min(max(16, block size/16), 256)
/// addresses, none for blocks of 16 or fewer —
/// for static assignment (EKS puts kube-dns at .10 there).
public struct ServiceIPAllocator: Sendable {
    public let range: IPv4CIDR
    private var used: Set<UInt32> = []
    private var rng: SplitMix64

    public init(range: IPv4CIDR, seed: UInt64) {
        self.range = range
        rng = SplitMix64(seed: seed ^ 0x5E41_11CE)
    }

    /// Usable addresses: the block less its first and last.
    public var size: Int { max(0, range.size - 2) }
    public var lowerBandSize: Int { range.size <= 16 ? 0 : min(max(16, range.size / 16), 256) }

    public func address(offset: Int) -> IPv4Address { IPv4Address(range.network.value + UInt32(offset)) }

    /// Takes a specific address; false when taken already or outside the range.
    @discardableResult
    public mutating func take(_ ip: IPv4Address) -> Bool {
        guard range.contains(ip), ip != range.network, ip != range.last else { return false }
        return used.insert(ip.value).inserted
    }

    /// A random free address of the upper band, else of the lower band; nil when full.
    public mutating func allocate() -> IPv4Address? {
        let lower = lowerBandSize
        if let ip = pick(from: lower + 1, to: size) { return ip }
        return lower > 0 ? pick(from: 1, to: min(lower, size)) : nil
    }

    private mutating func pick(from lo: Int, to hi: Int) -> IPv4Address? {
        guard hi >= lo else { return nil }
        let n = hi - lo + 1
        let start = Int(rng.next() % UInt64(n))
        for i in 0..<n {
            let ip = address(offset: lo + (start + i) % n)
            if !used.contains(ip.value) { used.insert(ip.value); return ip }
        }
        return nil
    }
}

/// A Service cluster-IP allocator of either family, as the realizer plans Services with it.
protocol ServiceAddressAllocator {
    associatedtype Address
    static func parse(_ text: String) -> Address?
    /// The address `offset` past the range's network address.
    func address(at offset: Int) -> Address
    @discardableResult mutating func take(_ ip: Address) -> Bool
    mutating func allocate() -> Address?
}

extension ServiceIPAllocator: ServiceAddressAllocator {
    static func parse(_ text: String) -> IPv4Address? { IPv4Address(text) }
    func address(at offset: Int) -> IPv4Address { address(offset: offset) }
}

extension ServiceIPAllocator6: ServiceAddressAllocator {
    static func parse(_ text: String) -> IPv6Address? { IPv6Address(text) }
    func address(at offset: Int) -> IPv6Address { address(offset: UInt64(offset)) }
}
