import Foundation
import NetsimModel
import Yams

/// Reads a user's instance catalog (`--instance-catalog FILE`): either netsim's tab-separated
/// limits table or the JSON that `aws ec2 describe-instance-types --output json` prints (one
/// response, or a list of paged responses). Types in the file replace the built-in ones of the
/// same name; the others stay. Trunk and branch-ENI limits, which EC2 does not report, are
/// kept from the built-in row.
public enum InstanceCatalogLoader {
    public struct Result: Sendable {
        public var catalog: InstanceCatalog?
        public var diagnostics: [Diagnostic]
        /// How many types the file held.
        public var typesRead: Int
    }

    public static func load(path: String, over base: InstanceCatalog, limits: LoadLimits = LoadLimits()) -> Result {
        let reporter = Reporter()
        guard let text = SourceFile.read(path: path, displayPath: path, limits: limits, reporter: reporter) else {
            return Result(catalog: nil, diagnostics: reporter.bag.sorted, typesRead: 0)
        }
        return load(text: text, file: path, over: base, reporter: reporter, limits: limits)
    }

    public static func load(text: String, file: String, over base: InstanceCatalog) -> Result {
        load(text: text, file: file, over: base, reporter: Reporter(), limits: LoadLimits())
    }

    static func load(text: String, file: String, over base: InstanceCatalog, reporter: Reporter, limits: LoadLimits) -> Result {
        let first = text.first { !$0.isWhitespace }
        var types: [InstanceType] = []
        if first == "{" || first == "[" {
            guard let parsed = parseDescribeJSON(text, file: file, reporter: reporter, limits: limits) else {
                return Result(catalog: nil, diagnostics: reporter.bag.sorted, typesRead: 0)
            }
            types = parsed
        } else {
            switch InstanceCatalog.parse(tsv: text) {
            case .success(let c): types = c.types
            case .failure(let e):
                reporter.error(.invalidCatalog, "line \(e.line) of the limits table: \(e.message)",
                               at: SourceLocation(file: file, line: e.line, column: 1),
                               hint: "columns: instance_type, eni_limit, ipv4_per_eni, default_card, cards (0:N;1:M), hypervisor, bare_metal[, trunking, branch_enis, vcpus, memory_mib]; or give the JSON of 'aws ec2 describe-instance-types'")
                return Result(catalog: nil, diagnostics: reporter.bag.sorted, typesRead: 0)
            }
        }
        if types.isEmpty {
            reporter.error(.invalidCatalog, "'\(echo: file)' holds no instance types", at: SourceLocation(file: file, line: 1, column: 1),
                           hint: "produce it with: aws ec2 describe-instance-types --output json > types.json")
            return Result(catalog: nil, diagnostics: reporter.bag.sorted, typesRead: 0)
        }
        var merged = base.types
        var index: [String: Int] = [:]
        for (i, t) in merged.enumerated() { index[t.name] = i }
        for var t in types {
            if let i = index[t.name] {
                let old = merged[i]
                if t.isTrunkingCompatible == nil { t.isTrunkingCompatible = old.isTrunkingCompatible }
                if t.branchENIs == nil { t.branchENIs = old.branchENIs }
                if t.vCPUs == nil { t.vCPUs = old.vCPUs }
                if t.memoryMiB == nil { t.memoryMiB = old.memoryMiB }
                merged[i] = t
            } else {
                index[t.name] = merged.count
                merged.append(t)
            }
        }
        return Result(catalog: InstanceCatalog(types: merged), diagnostics: reporter.bag.sorted, typesRead: types.count)
    }

    /// `{"InstanceTypes": [{"InstanceType", "Hypervisor", "BareMetal", "VCpuInfo", "MemoryInfo",
    /// "NetworkInfo": {"MaximumNetworkInterfaces", "Ipv4AddressesPerInterface",
    /// "DefaultNetworkCardIndex", "NetworkCards": [...]}}]}`. ENIs are the default card's, as the
    /// VPC CNI's generator takes them.
    static func parseDescribeJSON(_ text: String, file: String, reporter: Reporter, limits: LoadLimits) -> [InstanceType]? {
        guard let docs = SourceFile.documents(text, file: file, reporter: reporter), let root = docs.first else { return nil }
        guard SourceFile.checkAliases(root, textLength: text.utf8.count, limits: limits, file: file, reporter: reporter) else { return nil }
        var pages: [Node] = []
        switch root {
        case .sequence(let s): pages = Array(s)
        default: pages = [root]
        }
        var out: [InstanceType] = []
        var seen: Set<String> = []
        for page in pages {
            guard let r = MappingReader.make(page, file: file, context: "a describe-instance-types response", reporter: reporter) else { continue }
            guard let items = r.list("InstanceTypes", required: true) else { continue }
            for item in items {
                guard let ir = MappingReader.make(item, file: file, context: "an InstanceTypes entry", reporter: reporter),
                      let name = ir.string("InstanceType", required: true) else { continue }
                ir.context = "instance type '\(echo: name)'"
                guard let net = ir.mapping("NetworkInfo", required: true) else { continue }
                net.context = "NetworkInfo of '\(echo: name)'"
                let total = net.int("MaximumNetworkInterfaces", required: true, range: InstanceCatalog.eniRange)
                let ips = net.int("Ipv4AddressesPerInterface", required: true, range: InstanceCatalog.addressesPerENIRange)
                let defaultCard = net.int("DefaultNetworkCardIndex", range: 0...(InstanceCatalog.eniRange.upperBound - 1)) ?? 0
                var cards: [Int] = []
                for c in net.list("NetworkCards") ?? [] {
                    guard let cr = MappingReader.make(c, file: file, context: "a network card of '\(echo: name)'", reporter: reporter),
                          let idx = cr.int("NetworkCardIndex", required: true, range: 0...(InstanceCatalog.eniRange.upperBound - 1)),
                          let n = cr.int("MaximumNetworkInterfaces", required: true, range: InstanceCatalog.eniRange) else { continue }
                    while cards.count <= idx { cards.append(0) }
                    cards[idx] = n
                }
                guard let total, let ips else { continue }
                if cards.isEmpty { cards = [total] }
                let eniLimit = defaultCard < cards.count ? cards[defaultCard] : total
                let hv = ir.string("Hypervisor").flatMap(InstanceType.Hypervisor.init(rawValue:)) ?? .unknown
                let metal = ir.bool("BareMetal") ?? false
                let vcpus = ir.mapping("VCpuInfo")?.int("DefaultVCpus", range: 1...100_000)
                let mem = ir.mapping("MemoryInfo")?.int("SizeInMiB", range: 1...Int(Int32.max))
                if !seen.insert(name).inserted {
                    reporter.warning(.invalidCatalog, "instance type '\(echo: name)' appears twice; the last entry wins", at: ir.location)
                    out.removeAll { $0.name == name }
                }
                out.append(InstanceType(name: name, eniLimit: eniLimit, ipv4PerENI: ips, defaultNetworkCard: defaultCard,
                                        networkCards: cards, hypervisor: hv, isBareMetal: metal, vCPUs: vcpus, memoryMiB: mem))
            }
        }
        if reporter.bag.sorted.contains(where: { $0.severity == .error }) { return nil }
        return out
    }
}
