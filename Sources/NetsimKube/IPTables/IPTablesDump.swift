/// An `iptables-restore` / `iptables-save` text parsed into tables, chains and raw rule lines,
/// with the canonical order kube-proxy's own tests compare in
/// (kubernetes `pkg/util/iptables/testing/parse.go` and `sortIPTablesRules`).
public struct IPTablesDump: Sendable, Equatable {
    public struct Chain: Sendable, Equatable {
        public var name: String
        /// `-` for user chains; ACCEPT or DROP for built-in chains in `iptables-save` output.
        public var policy = "-"
        public var packets: UInt64 = 0
        public var bytes: UInt64 = 0
        public var rules: [String] = []
        public var deleted = false
    }
    public struct Table: Sendable, Equatable {
        public var name: String
        public var chains: [Chain] = []
        public func chain(_ n: String) -> Chain? { chains.first { $0.name == n } }
    }
    public var tables: [Table] = []

    public struct ParseError: Error, Equatable, Sendable {
        public var line: Int
        public var message: String
    }

    public init(tables: [Table] = []) { self.tables = tables }

    public func table(_ name: String) -> Table? { tables.first { $0.name == name } }
    public func table(_ table: NetfilterTable) -> Table? { self.table(table.rawValue) }

    /// Parses restore text: `*table`, `:CHAIN - [p:b]` declarations, `-A`/`-X` lines, `COMMIT`.
    public static func parse(_ text: String) -> Result<IPTablesDump, ParseError> {
        enum State { case table, chains, rules }
        var dump = IPTablesDump()
        var state = State.table
        var lineNo = 0
        // Chain positions of the current table, by name.
        var position: [Substring: Int] = [:]
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            let line = raw.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            var handled = false
            while !handled {
                switch state {
                case .table:
                    guard line.hasPrefix("*") else { return .failure(ParseError(line: lineNo, message: "expected *table, found \(line)")) }
                    dump.tables.append(Table(name: String(line.dropFirst())))
                    position = [:]
                    state = .chains
                    handled = true
                case .chains:
                    if line.hasPrefix(":"), let decl = parseDeclaration(line) {
                        position[Substring(decl.name)] = dump.tables[dump.tables.count - 1].chains.count
                        dump.tables[dump.tables.count - 1].chains.append(decl)
                        handled = true
                    } else {
                        state = .rules
                    }
                case .rules:
                    handled = true
                    if line == "COMMIT" { state = .table; continue }
                    let t = dump.tables.count - 1
                    if line.hasPrefix("-A ") {
                        let rest = line.dropFirst(3)
                        guard let sp = rest.firstIndex(of: " ") else { return .failure(ParseError(line: lineNo, message: "rule without a body")) }
                        let chain = rest[..<sp]
                        guard let c = position[chain] else {
                            return .failure(ParseError(line: lineNo, message: "no such chain \(chain)"))
                        }
                        if dump.tables[t].chains[c].deleted { return .failure(ParseError(line: lineNo, message: "rule for deleted chain \(chain)")) }
                        dump.tables[t].chains[c].rules.append(line)
                    } else if line.hasPrefix("-X ") {
                        let chain = line.dropFirst(3)
                        guard let c = position[chain] else {
                            return .failure(ParseError(line: lineNo, message: "no such chain \(chain)"))
                        }
                        if !dump.tables[t].chains[c].rules.isEmpty { return .failure(ParseError(line: lineNo, message: "cannot delete chain \(chain) after adding rules")) }
                        dump.tables[t].chains[c].deleted = true
                    } else {
                        return .failure(ParseError(line: lineNo, message: "cannot parse rule: \(line)"))
                    }
                }
            }
        }
        guard state == .table else { return .failure(ParseError(line: lineNo, message: "no COMMIT line")) }
        return .success(dump)
    }

    static func parseDeclaration(_ line: String) -> Chain? {
        // :NAME - [p:b]
        let body = line.dropFirst()
        guard let sp = body.firstIndex(of: " ") else { return nil }
        let name = String(body[..<sp])
        let parts = body[sp...].dropFirst().split(separator: " ")
        guard parts.count == 2, ["-", "ACCEPT", "DROP"].contains(parts[0]), parts[1].hasPrefix("["), parts[1].hasSuffix("]") else { return nil }
        let counters = parts[1].dropFirst().dropLast().split(separator: ":", omittingEmptySubsequences: false)
        guard counters.count == 2, counters.allSatisfy({ $0.allSatisfy(\.isNumber) }) else { return nil }
        return Chain(name: name, policy: String(parts[0]), packets: UInt64(counters[0]) ?? 0, bytes: UInt64(counters[1]) ?? 0)
    }

    /// The text, grouped by chain: declarations, every chain's rules, `-X` lines, `COMMIT`.
    public var text: String {
        var out = ""
        for t in tables {
            out += "*\(t.name)\n"
            for c in t.chains { out += ":\(c.name) \(c.policy) [\(c.packets):\(c.bytes)]\n" }
            for c in t.chains { for r in c.rules { out += r + "\n" } }
            for c in t.chains where c.deleted { out += "-X \(c.name)\n" }
            out += "COMMIT\n"
        }
        return out
    }

    /// The canonical order of kube-proxy's tests: tables by name; chains KUBE-NODEPORTS,
    /// KUBE-SERVICES, other KUBE-* alphabetically, then the rest; the rules of the
    /// KUBE-NODEPORTS and KUBE-SERVICES chains stably sorted by the service name in their
    /// comment (nat KUBE-SERVICES' "must be the last rule" rules last); other chains as written.
    public func sorted() -> IPTablesDump {
        var d = self
        d.tables.sort { $0.name < $1.name }
        func rank(_ n: String) -> Int { n == "KUBE-NODEPORTS" ? 0 : (n == "KUBE-SERVICES" ? 1 : (n.hasPrefix("KUBE-") ? 2 : 3)) }
        for t in d.tables.indices {
            d.tables[t].chains.sort { a, b in
                let ra = rank(a.name), rb = rank(b.name)
                return ra != rb ? ra < rb : a.name < b.name
            }
            for c in d.tables[t].chains.indices where ["KUBE-NODEPORTS", "KUBE-SERVICES"].contains(d.tables[t].chains[c].name) {
                let natServices = d.tables[t].name == NetfilterTable.nat.rawValue && d.tables[t].chains[c].name == "KUBE-SERVICES"
                d.tables[t].chains[c].rules = IPTablesDump.stableSort(d.tables[t].chains[c].rules) { a, b in
                    if natServices {
                        if a.contains("must be the last rule") { return false }
                        if b.contains("must be the last rule") { return true }
                    }
                    guard let ka = IPTablesDump.serviceKey(a), let kb = IPTablesDump.serviceKey(b) else { return false }
                    return ka < kb
                }
            }
        }
        return d
    }

    /// Insertion sort: stable, and what Go's SliceStable does for short chains.
    static func stableSort(_ items: [String], _ less: (String, String) -> Bool) -> [String] {
        var a = items
        guard a.count > 1 else { return a }
        for i in 1..<a.count {
            var j = i
            while j > 0 && less(a[j], a[j - 1]) { a.swapAt(j, j - 1); j -= 1 }
        }
        return a
    }

    /// The comment's text up to the first space or colon.
    static func serviceKey(_ rule: String) -> String? {
        let words = Array(rule.utf8)
        let needle = Array("--comment ".utf8)
        guard words.count >= needle.count, let at = (0...(words.count - needle.count)).first(where: { Array(words[$0..<($0 + needle.count)]) == needle }) else { return nil }
        let rest = Substring(String(decoding: words[(at + needle.count)...], as: UTF8.self))
        let value: Substring
        if rest.hasPrefix("\"") {
            let body = rest.dropFirst()
            value = body[..<(body.firstIndex(of: "\"") ?? body.endIndex)]
        } else {
            value = rest[..<(rest.firstIndex(of: " ") ?? rest.endIndex)]
        }
        let end = value.firstIndex { $0 == " " || $0 == ":" } ?? value.endIndex
        return String(value[..<end])
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
