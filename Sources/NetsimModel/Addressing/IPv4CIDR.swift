/// An IPv4 prefix such as `10.0.32.0/19`.
///
/// `init?(_:)` accepts only canonical text (no host bits set); `init?(lenient:)` masks host
/// bits the way AWS canonicalises NACL and security-group CIDRs (`100.68.0.18/18` → `100.68.0.0/18`).
public struct IPv4CIDR: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let network: IPv4Address
    public let prefixLength: Int

    /// - Precondition: `prefixLength` is 0...32; host bits of `network` are cleared here.
    public init(network: IPv4Address, prefixLength: Int) {
        precondition((0...32).contains(prefixLength), "prefix length out of range")
        self.prefixLength = prefixLength
        self.network = IPv4Address(network.value & IPv4CIDR.mask(prefixLength))
    }

    /// Parses `a.b.c.d/n`; nil if malformed or if host bits are set.
    public init?(_ text: some StringProtocol) {
        guard let parsed = IPv4CIDR.parse(text), parsed.hostBitsSet == false else { return nil }
        self = parsed.cidr
    }

    /// Parses `a.b.c.d/n` and clears host bits.
    public init?(lenient text: some StringProtocol) {
        guard let parsed = IPv4CIDR.parse(text) else { return nil }
        self = parsed.cidr
    }

    /// Parses and reports whether host bits were set, so callers can choose error or warning.
    public static func parse(_ text: some StringProtocol) -> (cidr: IPv4CIDR, hostBitsSet: Bool)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(parts[0]),
              !parts[1].isEmpty, parts[1].utf8.count <= 2,
              parts[1].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let length = Int(parts[1]), (0...32).contains(length) else { return nil }
        let cidr = IPv4CIDR(network: address, prefixLength: length)
        return (cidr, cidr.network != address)
    }

    static func mask(_ length: Int) -> UInt32 {
        length == 0 ? 0 : UInt32.max << UInt32(32 - length)
    }

    public var netmask: UInt32 { IPv4CIDR.mask(prefixLength) }
    /// Number of addresses, as Int (2^32 for /0).
    public var size: Int { 1 << (32 - prefixLength) }
    public var first: IPv4Address { network }
    public var last: IPv4Address { IPv4Address(network.value | ~netmask) }

    public func contains(_ address: IPv4Address) -> Bool {
        address.value & netmask == network.value
    }

    /// True when `other` lies wholly inside this prefix.
    public func contains(_ other: IPv4CIDR) -> Bool {
        other.prefixLength >= prefixLength && contains(other.network)
    }

    public func overlaps(_ other: IPv4CIDR) -> Bool {
        contains(other.network) || other.contains(network)
    }

    public var description: String { "\(network)/\(prefixLength)" }

    public static func < (lhs: IPv4CIDR, rhs: IPv4CIDR) -> Bool {
        (lhs.network, lhs.prefixLength) < (rhs.network, rhs.prefixLength)
    }

    public static let any = IPv4CIDR(network: IPv4Address(0), prefixLength: 0)
    public static let rfc1918: [IPv4CIDR] = [
        IPv4CIDR(network: IPv4Address(10, 0, 0, 0), prefixLength: 8),
        IPv4CIDR(network: IPv4Address(172, 16, 0, 0), prefixLength: 12),
        IPv4CIDR(network: IPv4Address(192, 168, 0, 0), prefixLength: 16),
    ]
    public static let rfc6598 = IPv4CIDR(network: IPv4Address(100, 64, 0, 0), prefixLength: 10)
}
