/// The two address families.
public enum IPFamily: String, Hashable, Comparable, Sendable, CaseIterable, CustomStringConvertible {
    case ipv4, ipv6

    public var description: String { rawValue }

    public static func < (lhs: IPFamily, rhs: IPFamily) -> Bool { lhs == .ipv4 && rhs == .ipv6 }
}

/// An IPv4 or an IPv6 address.
///
/// The families never mix: an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is an IPv6
/// address, not equal to `10.0.0.1` (`IPv6Address.ipv4Mapped` gives the IPv4 address it maps).
/// Ordered IPv4 before IPv6, then by value.
///
///     IPAddress("10.0.41.7")?.v4                  // Optional(10.0.41.7)
///     IPAddress("2001:DB8:0:0:1:0:0:1")           // 2001:db8::1:0:0:1
///     IPAddress("fe80::1%eth0")                   // nil: no zones
public enum IPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    case ipv4(IPv4Address)
    case ipv6(IPv6Address)

    public init(_ address: IPv4Address) { self = .ipv4(address) }
    public init(_ address: IPv6Address) { self = .ipv6(address) }

    /// Parses a dotted quad (`IPv4Address`'s rules: no leading zeros) or IPv6 text
    /// (`IPv6Address`'s rules: RFC 4291 forms, no zone, no brackets, at most four hex digits a
    /// group). Text with a colon is read as IPv6, any other as IPv4.
    public init?(_ text: some StringProtocol) {
        if text.utf8.contains(UInt8(ascii: ":")) {
            guard let a = IPv6Address(text) else { return nil }
            self = .ipv6(a)
        } else {
            guard let a = IPv4Address(text) else { return nil }
            self = .ipv4(a)
        }
    }

    public var family: IPFamily {
        switch self {
        case .ipv4: .ipv4
        case .ipv6: .ipv6
        }
    }

    /// The IPv4 address; nil for an IPv6 address (an IPv4-mapped one included).
    public var v4: IPv4Address? {
        if case .ipv4(let a) = self { return a }
        return nil
    }

    /// The IPv6 address; nil for an IPv4 address.
    public var v6: IPv6Address? {
        if case .ipv6(let a) = self { return a }
        return nil
    }

    /// Dotted quad, or RFC 5952 text for IPv6.
    public var description: String {
        switch self {
        case .ipv4(let a): a.description
        case .ipv6(let a): a.description
        }
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        switch (lhs, rhs) {
        case (.ipv4(let a), .ipv4(let b)): a < b
        case (.ipv6(let a), .ipv6(let b)): a < b
        case (.ipv4, .ipv6): true
        case (.ipv6, .ipv4): false
        }
    }
}

/// An IPv4 or an IPv6 prefix. A prefix contains addresses of its own family only: no IPv4
/// prefix contains an IPv6 address (an IPv4-mapped one included), and `::/0` contains no IPv4
/// address. Ordered IPv4 before IPv6, then as each family orders its prefixes.
public enum IPCIDR: Hashable, Comparable, Sendable, CustomStringConvertible {
    case ipv4(IPv4CIDR)
    case ipv6(IPv6CIDR)

    public init(_ cidr: IPv4CIDR) { self = .ipv4(cidr) }
    public init(_ cidr: IPv6CIDR) { self = .ipv6(cidr) }

    /// The prefix of `network` of `prefixLength` bits (0...32 for IPv4, 0...128 for IPv6; nil
    /// outside), host bits cleared.
    public init?(network: IPAddress, prefixLength: Int) {
        switch network {
        case .ipv4(let a):
            guard (0...32).contains(prefixLength) else { return nil }
            self = .ipv4(IPv4CIDR(network: a, prefixLength: prefixLength))
        case .ipv6(let a):
            guard (0...128).contains(prefixLength) else { return nil }
            self = .ipv6(IPv6CIDR(network: a, prefixLength: prefixLength))
        }
    }

    /// Parses `address/n` of either family; nil if malformed or if host bits are set.
    public init?(_ text: some StringProtocol) {
        guard let parsed = IPCIDR.parse(text), !parsed.hostBitsSet else { return nil }
        self = parsed.cidr
    }

    /// Parses `address/n` of either family and clears host bits.
    public init?(lenient text: some StringProtocol) {
        guard let parsed = IPCIDR.parse(text) else { return nil }
        self = parsed.cidr
    }

    /// Parses and reports whether host bits were set. Text with a colon is read as IPv6.
    public static func parse(_ text: some StringProtocol) -> (cidr: IPCIDR, hostBitsSet: Bool)? {
        if text.utf8.contains(UInt8(ascii: ":")) {
            return IPv6CIDR.parse(text).map { (.ipv6($0.cidr), $0.hostBitsSet) }
        }
        return IPv4CIDR.parse(text).map { (.ipv4($0.cidr), $0.hostBitsSet) }
    }

    public var family: IPFamily {
        switch self {
        case .ipv4: .ipv4
        case .ipv6: .ipv6
        }
    }

    public var network: IPAddress {
        switch self {
        case .ipv4(let c): .ipv4(c.network)
        case .ipv6(let c): .ipv6(c.network)
        }
    }

    public var prefixLength: Int {
        switch self {
        case .ipv4(let c): c.prefixLength
        case .ipv6(let c): c.prefixLength
        }
    }

    /// False for an address of the other family.
    public func contains(_ address: IPAddress) -> Bool {
        switch (self, address) {
        case (.ipv4(let c), .ipv4(let a)): c.contains(a)
        case (.ipv6(let c), .ipv6(let a)): c.contains(a)
        default: false
        }
    }

    /// True when `other` (of the same family) lies wholly inside this prefix.
    public func contains(_ other: IPCIDR) -> Bool {
        switch (self, other) {
        case (.ipv4(let c), .ipv4(let o)): c.contains(o)
        case (.ipv6(let c), .ipv6(let o)): c.contains(o)
        default: false
        }
    }

    /// Prefixes of different families never overlap.
    public func overlaps(_ other: IPCIDR) -> Bool {
        switch (self, other) {
        case (.ipv4(let c), .ipv4(let o)): c.overlaps(o)
        case (.ipv6(let c), .ipv6(let o)): c.overlaps(o)
        default: false
        }
    }

    public var description: String {
        switch self {
        case .ipv4(let c): c.description
        case .ipv6(let c): c.description
        }
    }

    public static func < (lhs: IPCIDR, rhs: IPCIDR) -> Bool {
        switch (lhs, rhs) {
        case (.ipv4(let a), .ipv4(let b)): a < b
        case (.ipv6(let a), .ipv6(let b)): a < b
        case (.ipv4, .ipv6): true
        case (.ipv6, .ipv4): false
        }
    }
}

extension IPv4CIDR {
    /// False for an IPv6 address (an IPv4-mapped one included): IPv4 rules never match IPv6
    /// traffic.
    @inlinable public func contains(_ address: IPAddress) -> Bool {
        if case .ipv4(let a) = address { return contains(a) }
        return false
    }
}

extension IPv6CIDR {
    /// False for an IPv4 address.
    @inlinable public func contains(_ address: IPAddress) -> Bool {
        if case .ipv6(let a) = address { return contains(a) }
        return false
    }
}

extension NetworkBlock {
    /// The same block as an `IPCIDR`.
    public var cidr: IPCIDR {
        switch self {
        case .v4(let c): .ipv4(c)
        case .v6(let c): .ipv6(c)
        }
    }
}

extension IPAddress {
    /// Whether this is the IPv4 address `b` (never for an IPv6 address, an IPv4-mapped one
    /// included).
    @inlinable public static func == (a: IPAddress, b: IPv4Address) -> Bool {
        if case .ipv4(let x) = a { return x == b }
        return false
    }
    @inlinable public static func == (a: IPv4Address, b: IPAddress) -> Bool { b == a }
    @inlinable public static func != (a: IPAddress, b: IPv4Address) -> Bool { !(a == b) }
    @inlinable public static func != (a: IPv4Address, b: IPAddress) -> Bool { !(b == a) }
}
