/// A table of instance types, looked up by name.
public struct InstanceCatalog: Sendable {
    public let types: [InstanceType]
    private let index: [String: Int]

    public init(types: [InstanceType]) {
        self.types = types
        var index: [String: Int] = [:]
        for (i, t) in types.enumerated() { index[t.name] = i }
        self.index = index
    }

    public subscript(name: String) -> InstanceType? { index[name].map { types[$0] } }

    public func contains(_ name: String) -> Bool { index[name] != nil }

    /// Names near `name`: the closest by edit distance, else others of the same family.
    public func suggestions(for name: String, limit: Int = 3) -> [String] {
        // Among equally near names, prefer the same size ("large") and the longest shared
        // prefix, so "m6.large" suggests m6i/m6a/m6g.large rather than m1/m3/m4.large.
        // Bounded as Suggestions.nearest is: no search for an over-long name, and no distance
        // measured where the lengths alone rule a name out.
        guard let length = Suggestions.boundedCount(name, Suggestions.maxNameLength) else { return [] }
        let size = name.split(separator: ".").last.map(String.init) ?? ""
        func sharedPrefix(_ a: String, _ b: String) -> Int { zip(a, b).prefix { $0 == $1 }.count }
        let threshold = max(2, name.count / 3)
        let scored = types.enumerated().compactMap { (i, t) -> (Int, Int, Int, Int, String)? in
            guard let other = Suggestions.boundedCount(t.name, length + threshold), abs(other - length) <= threshold else { return nil }
            let d = Suggestions.distance(name, t.name)
            guard d <= threshold else { return nil }
            let sameSize = t.name.hasSuffix("." + size) ? 0 : 1
            return (d, sameSize, -sharedPrefix(name, t.name), i, t.name)
        }.sorted { ($0.0, $0.1, $0.2, $0.3) < ($1.0, $1.1, $1.2, $1.3) }
        let near = scored.prefix(limit).map(\.4)
        if !near.isEmpty { return near }
        let family = name.split(separator: ".").first.map(String.init) ?? name
        return types.map(\.name).filter { $0.hasPrefix(family + ".") }.prefix(limit).map { $0 }
    }

    /// A catalog-file problem, with its 1-based line.
    public struct ParseError: Error, Hashable, Sendable {
        public var line: Int
        public var message: String
    }

    /// Parses the tab-separated limits table (see `Docs/capacity.md` for its columns):
    /// `instance_type eni_limit ipv4_per_eni default_card cards hypervisor bare_metal trunking
    /// branch_enis vcpus memory_mib`. Lines starting with `#` and the header are skipped.
    /// ENIs per card (and network cards) a catalog row may give, as `aws ec2 describe-instance-types` is read.
    public static let eniRange = 0...1024
    /// IPv4 addresses per ENI a catalog row may give.
    public static let addressesPerENIRange = 1...1024

    public static func parse(tsv text: String) -> Result<InstanceCatalog, ParseError> {
        var types: [InstanceType] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("instance_type\t") { continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 7 else {
                return .failure(ParseError(line: lineNumber, message: "expected at least 7 tab-separated columns, found \(f.count)"))
            }
            guard let eni = Int(f[1]), let ips = Int(f[2]) else {
                return .failure(ParseError(line: lineNumber, message: "eni_limit and ipv4_per_eni must be whole numbers"))
            }
            // The bounds of the describe-instance-types reader: far above any EC2 type, and small
            // enough that a node's addresses (ENIs × addresses × 16) stay countable.
            guard InstanceCatalog.eniRange.contains(eni), InstanceCatalog.addressesPerENIRange.contains(ips) else {
                return .failure(ParseError(line: lineNumber, message: "eni_limit \(f[1]) or ipv4_per_eni \(f[2]) is out of range: eni_limit must be \(InstanceCatalog.eniRange.lowerBound)–\(InstanceCatalog.eniRange.upperBound), ipv4_per_eni \(InstanceCatalog.addressesPerENIRange.lowerBound)–\(InstanceCatalog.addressesPerENIRange.upperBound)"))
            }
            var cards: [Int] = []
            for entry in f[4].split(separator: ";") {
                let pair = entry.split(separator: ":")
                guard pair.count == 2, let idx = Int(pair[0]), let n = Int(pair[1]), idx == cards.count,
                      InstanceCatalog.eniRange.contains(n), idx < InstanceCatalog.eniRange.upperBound else {
                    return .failure(ParseError(line: lineNumber, message: "cards must read 0:N;1:M;… in index order, with at most \(InstanceCatalog.eniRange.upperBound) cards of at most \(InstanceCatalog.eniRange.upperBound) ENIs"))
                }
                cards.append(n)
            }
            var bad: String? = nil
            func optInt(_ i: Int, _ name: String, _ range: ClosedRange<Int>) -> Int? {
                guard i < f.count, !f[i].isEmpty else { return nil }
                guard let n = Int(f[i]), range.contains(n) else {
                    if bad == nil { bad = "\(name) '\(f[i])' must be a whole number from \(range.lowerBound) to \(range.upperBound)" }
                    return nil
                }
                return n
            }
            func optBool(_ i: Int) -> Bool? { i < f.count ? (f[i] == "true" ? true : (f[i] == "false" ? false : nil)) : nil }
            let defaultCard = optInt(3, "default_card", 0...(InstanceCatalog.eniRange.upperBound - 1)) ?? 0
            let branch = optInt(8, "branch_enis", 0...100_000)
            let vcpus = optInt(9, "vcpus", 1...100_000)
            let memory = optInt(10, "memory_mib", 1...Int(Int32.max))
            if let bad { return .failure(ParseError(line: lineNumber, message: bad)) }
            types.append(InstanceType(
                name: f[0], eniLimit: eni, ipv4PerENI: ips, defaultNetworkCard: defaultCard,
                networkCards: cards, hypervisor: InstanceType.Hypervisor(rawValue: f[5]) ?? .unknown,
                isBareMetal: f[6] == "true", isTrunkingCompatible: optBool(7), branchENIs: branch,
                vCPUs: vcpus, memoryMiB: memory))
        }
        return .success(InstanceCatalog(types: types))
    }
}
