/// An IPv6 prefix such as `2600:1f18:abcd::/56`.
public struct IPv6CIDR: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let network: IPv6Address
    public let prefixLength: Int

    public init(network: IPv6Address, prefixLength: Int) {
        precondition((0...128).contains(prefixLength), "prefix length out of range")
        self.prefixLength = prefixLength
        let (mh, ml) = IPv6CIDR.mask(prefixLength)
        self.network = IPv6Address(high: network.high & mh, low: network.low & ml)
    }

    /// Canonical text only (no host bits).
    public init?(_ text: some StringProtocol) {
        guard let parsed = IPv6CIDR.parse(text), !parsed.hostBitsSet else { return nil }
        self = parsed.cidr
    }

    /// Parses `address/n` and clears host bits.
    public init?(lenient text: some StringProtocol) {
        guard let parsed = IPv6CIDR.parse(text) else { return nil }
        self = parsed.cidr
    }

    /// Parses and reports whether host bits were set, so callers can choose error or warning.
    public static func parse(_ text: some StringProtocol) -> (cidr: IPv6CIDR, hostBitsSet: Bool)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv6Address(parts[0]),
              !parts[1].isEmpty, parts[1].utf8.count <= 3,
              parts[1].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let length = Int(parts[1]), (0...128).contains(length) else { return nil }
        let cidr = IPv6CIDR(network: address, prefixLength: length)
        return (cidr, cidr.network != address)
    }

    static func mask(_ length: Int) -> (UInt64, UInt64) {
        let h: UInt64 = length >= 64 ? .max : (length == 0 ? 0 : UInt64.max << UInt64(64 - length))
        let l: UInt64 = length <= 64 ? 0 : (length == 128 ? .max : UInt64.max << UInt64(128 - length))
        return (h, l)
    }

    public func contains(_ address: IPv6Address) -> Bool {
        let (mh, ml) = IPv6CIDR.mask(prefixLength)
        return address.high & mh == network.high && address.low & ml == network.low
    }

    public func contains(_ other: IPv6CIDR) -> Bool {
        other.prefixLength >= prefixLength && contains(other.network)
    }

    public func overlaps(_ other: IPv6CIDR) -> Bool { contains(other.network) || other.contains(network) }

    public var description: String { "\(network)/\(prefixLength)" }

    public static func < (lhs: IPv6CIDR, rhs: IPv6CIDR) -> Bool {
        (lhs.network, lhs.prefixLength) < (rhs.network, rhs.prefixLength)
    }
}
