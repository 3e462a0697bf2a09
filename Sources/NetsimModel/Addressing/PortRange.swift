/// An inclusive range of TCP or UDP ports, as AWS rules and Kubernetes ports state them.
public struct PortRange: Hashable, Sendable, CustomStringConvertible {
    public let lower: UInt16
    public let upper: UInt16

    /// - Precondition: `lower <= upper`.
    public init(_ lower: UInt16, _ upper: UInt16) {
        precondition(lower <= upper, "port range is reversed")
        self.lower = lower; self.upper = upper
    }

    public init(_ port: UInt16) { self.init(port, port) }

    public static let all = PortRange(0, 65535)

    public func contains(_ port: UInt16) -> Bool { port >= lower && port <= upper }

    public var isAll: Bool { lower == 0 && upper == 65535 }

    /// "443", "8080-8090" or "all".
    public var description: String {
        if isAll { return "all" }
        return lower == upper ? "\(lower)" : "\(lower)-\(upper)"
    }

    /// Parses "443" or "8080-8090"; nil when malformed, reversed or over 65535.
    public init?(parsing text: some StringProtocol) {
        let parts = String(text).split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return nil }
        let trimmed = parts.map { $0.trimmingSpaces }
        guard let lo = PortRange.port(trimmed[0]) else { return nil }
        let hi = parts.count == 2 ? PortRange.port(trimmed[1]) : lo
        guard let hi, lo <= hi else { return nil }
        self.init(lo, hi)
    }

    static func port(_ s: Substring) -> UInt16? {
        guard !s.isEmpty, s.utf8.count <= 5, s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let v = Int(s), v <= 65535 else { return nil }
        return UInt16(v)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
