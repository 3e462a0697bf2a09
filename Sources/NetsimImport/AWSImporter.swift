import NetsimModel

/// A resource of a file: its JSON object and the file it came from.
struct Item {
    var o: JSONObject
    var src: AWSSource
    var loc: SourceLocation { src.location(o) }
    func cite(_ id: String) -> String { "\(id) from \(src.name)" }
    func string(_ k: String) -> String? { o.string(k) }
    /// The resource's tags, without those AWS reserves (`aws:…`, set by CloudFormation, Auto
    /// Scaling and others; nobody writes them).
    var tags: [String: String] {
        var t: [String: String] = [:]
        for tag in o.objects("Tags") + o.objects("TagSet") {
            if let k = tag.string("Key"), !k.hasPrefix("aws:") { t[k] = tag.string("Value") ?? "" }
        }
        return t
    }
}

/// Unique names per kind, as the format requires (names are unique across the whole topology).
struct NameBook {
    var used: [String: Set<String>] = [:]
    var byID: [String: String] = [:]

    init() {
        used["target"] = ["local", "blackhole"]
    }

    /// The name of `id` in `space`: `preferred` (a Name tag) when free, else `preferred-id`,
    /// else the id.
    mutating func assign(_ space: String, id: String, preferred: String?) -> String {
        if let n = byID[space + "|" + id] { return n }
        var p = (preferred ?? "").trimmingSpaces
        p = String(p.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) }).trimmingSpaces
        if p.count > 200 { p = String(p.prefix(200)) }
        var candidates = [p, p.isEmpty ? "" : "\(p)-\(id)", id]
        candidates.removeAll { $0.isEmpty }
        var chosen = id
        for c in candidates where !(used[space]?.contains(c) ?? false) { chosen = c; break }
        var k = 2
        while used[space]?.contains(chosen) ?? false { chosen = "\(id)-\(k)"; k += 1 }
        used[space, default: []].insert(chosen)
        byID[space + "|" + id] = chosen
        return chosen
    }

    func name(_ space: String, _ id: String) -> String? { byID[space + "|" + id] }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}

/// Builds the topology text from a read folder.
struct AWSImporter {
    let folder: AWSFolder
    let topologyName: String?
    var diagnostics: [Diagnostic] = []
    var notImported: [NotImported] = []
    var counts: [String: Int] = [:]
    var names = NameBook()
    var region = "us-east-1"
    var out = TextOut()

    init(folder: AWSFolder, topologyName: String?) {
        self.folder = folder
        self.topologyName = topologyName
    }

    // MARK: reading

    func items(_ stem: String, _ key: String) -> [Item] {
        guard let src = folder.source(stem) else { return [] }
        return src.root.objects(key).map { Item(o: $0, src: src) }
    }

    mutating func warn(_ code: DiagnosticCode, _ message: String, _ item: Item, hint: String) {
        diagnostics.append(Diagnostic(.warning, code, message, at: item.loc, hint: hint))
    }

    mutating func skip(_ kind: String, _ id: String, _ item: Item, _ why: String) {
        notImported.append(NotImported(kind: kind, id: id, file: item.src.name, why: why))
    }

    mutating func dangling(_ what: String, _ item: Item, hint: String = "collect the folder again in one go, or add the missing resource's file") {
        warn(.importDanglingReference, what, item, hint: hint)
    }

    mutating func badValue(_ what: String, _ item: Item) {
        warn(.importBadValue, what, item, hint: "collect the file again with the AWS CLI (--output json); an edited or foreign file cannot be read")
    }

    mutating func count(_ kind: String, _ n: Int = 1) { counts[kind, default: 0] += n }

    static func regionOfZone(_ zone: String) -> String? {
        var parts: [Substring] = []
        for p in zone.split(separator: "-") {
            if let f = p.first, f.isNumber {
                let digits = p.prefix { $0.isNumber }
                parts.append(digits)
                return parts.count >= 3 ? parts.joined(separator: "-") : nil
            }
            parts.append(p)
        }
        return nil
    }

    static func regionOfARN(_ arn: String) -> String? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 6, parts[0] == "arn", !parts[3].isEmpty else { return nil }
        return String(parts[3])
    }

    /// An AWS ID as the format takes it: a known prefix, a hyphen and 8 to 17 lower-case hex
    /// digits. Another is written without `id` (netsim generates one), with a warning.
    static func idOK(_ id: String) -> Bool {
        guard let dash = id.lastIndex(of: "-") else { return false }
        let digits = id[id.index(after: dash)...]
        return (8...17).contains(digits.count) && digits.allSatisfy { ($0 >= "0" && $0 <= "9") || ($0 >= "a" && $0 <= "f") }
    }

    static func idPair(_ id: String) -> (String, String) { idOK(id) ? ("id", YAMLText.scalar(id)) : ("", "") }

    /// A warning for every id of the folder the format would refuse.
    mutating func checkIDs(_ inv: Inventory) {
        var all: [(String, Item)] = []
        for v in inv.vpcs { if let id = v.string("VpcId") { all.append((id, v)) } }
        for list in inv.subnets.values { for s in list { if let id = s.string("SubnetId") { all.append((id, s)) } } }
        for list in inv.routeTables.values { for r in list { if let id = r.string("RouteTableId") { all.append((id, r)) } } }
        for list in inv.securityGroups.values { for g in list { if let id = g.string("GroupId") { all.append((id, g)) } } }
        for list in inv.nacls.values { for a in list { if let id = a.string("NetworkAclId") { all.append((id, a)) } } }
        for e in inv.enis { if let id = e.string("NetworkInterfaceId") { all.append((id, e)) } }
        for (id, item) in all where !Self.idOK(id) {
            warn(.importBadValue, "\(Echo.clip(id)) is not an AWS ID the topology format takes (a prefix, a hyphen and 8 to 17 lower-case hex digits): it is written without id", item,
                 hint: "collect the file again with the AWS CLI; netsim generates an id for the resource")
        }
    }

    static func isIPv4CIDR(_ s: String) -> Bool { IPv4CIDR.parse(s) != nil }
    static func isIPv6CIDR(_ s: String) -> Bool { IPv6CIDR(lenient: s) != nil || IPv6CIDR(s) != nil }
    static func isIPv4(_ s: String) -> Bool { IPv4Address(s) != nil }

    /// Whether `ip` is an address of `subnet`'s IPv4 block AWS could assign (not one of the
    /// five it reserves).
    static func usable(_ ip: String, in subnet: Item?) -> Bool {
        guard let a = IPv4Address(ip), let c = subnet?.string("CidrBlock"), let block = IPv4CIDR.parse(c)?.cidr else { return false }
        guard block.contains(a) else { return false }
        let offset = a.value &- block.network.value
        return offset >= 4 && offset < UInt32(block.size - 1)
    }
}
