import NetsimModel
import Yams

/// `netsim diff-live`: the differences between a checked-in topology and a fresh import of the
/// account, located in the checked-in file. Both are compared as YAML trees, so comments,
/// order and flow or block style never count; list items are matched by what identifies them
/// (`id`, else `name`, else a network ACL rule's number, else a route's destination, else the
/// whole item, as for security group rules).
public struct DriftFailure: Error, Sendable {
    public var diagnostic: Diagnostic
    init(_ d: Diagnostic) { diagnostic = d }
}

public enum LiveDrift {
    /// Keys the import never writes: what a person adds to an imported file is not drift.
    static let personalKeys: Set<String> = ["expect", "kubernetes", "seed", "name", "kubeProxy", "networkPolicy", "eniConfigs"]

    public static func compare(checkedIn: String, path: String, fresh: String, folder: String) -> Result<[Diagnostic], DriftFailure> {
        let a: Node
        do {
            guard let n = try Yams.compose(yaml: checkedIn) else {
                return .failure(DriftFailure(Diagnostic(.error, .emptyFile, "\(path) holds no YAML document", at: SourceLocation(file: path, line: 1, column: 1), hint: "give the topology file netsim import aws wrote")))
            }
            a = n
        } catch {
            var loc = SourceLocation(file: path, line: 1, column: 1)
            if let e = error as? YamlError, case .scanner(_, _, let mark, _) = e { loc = SourceLocation(file: path, line: mark.line, column: mark.column) }
            if let e = error as? YamlError, case .parser(_, _, let mark, _) = e { loc = SourceLocation(file: path, line: mark.line, column: mark.column) }
            return .failure(DriftFailure(Diagnostic(.error, .yamlSyntax, "\(path) is not valid YAML", at: loc, hint: "netsim check \(path) says where")))
        }
        guard let b = (try? Yams.compose(yaml: fresh)) ?? nil else {
            return .failure(DriftFailure(Diagnostic(.error, .importFolder, "the import of \(folder) is not readable", at: SourceLocation(file: folder, line: 1, column: 1), hint: "report this as a bug")))
        }
        var d = Differ(path: path)
        d.diff(a, b, where: "", top: true)
        return .success(d.found.sorted { ($0.location, $0.message) < ($1.location, $1.message) })
    }

    struct Differ {
        let path: String
        var found: [Diagnostic] = []

        func loc(_ n: Node) -> SourceLocation {
            guard let m = n.mark else { return SourceLocation(file: path, line: 1, column: 1) }
            return SourceLocation(file: path, line: m.line, column: m.column)
        }

        mutating func report(_ message: String, at n: Node, hint: String) {
            found.append(Diagnostic(.error, .liveDrift, message, at: loc(n), hint: hint))
        }

        static func text(_ n: Node) -> String {
            switch n {
            case .scalar(let s): return s.string.isEmpty ? "\"\"" : s.string
            case .mapping(let m): return "{" + m.map { "\(text($0.key)): \(text($0.value))" }.joined(separator: ", ") + "}"
            case .sequence(let s): return "[" + s.map(text).joined(separator: ", ") + "]"
            case .alias: return "*alias"
            }
        }

        /// What identifies a list item among its siblings.
        static func identity(_ n: Node) -> String {
            if case .mapping(let m) = n {
                for k in ["id", "name", "rule", "destination", "prefixList"] {
                    if let v = m[Node(k)], case .scalar(let s) = v { return "\(k)=\(s.string)" }
                }
            }
            return "item=" + text(n)
        }

        mutating func diff(_ a: Node, _ b: Node, where path: String, top: Bool = false) {
            switch (a, b) {
            case (.mapping(let ma), .mapping(let mb)):
                var seen = Set<String>()
                for (k, va) in ma {
                    let key = k.string ?? Differ.text(k)
                    seen.insert(key)
                    if Self.ignored(key, path: path) { continue }
                    let sub = path.isEmpty ? key : "\(path).\(key)"
                    if let vb = mb[Node(key)] { diff(va, vb, where: sub) }
                    else { report("\(sub): the file has \(Self.clip(Differ.text(va))); the account has none", at: k, hint: "the resource or setting is gone from the account, or the file was edited by hand: import again or restore it") }
                }
                for (k, vb) in mb {
                    let key = k.string ?? Differ.text(k)
                    if seen.contains(key) || Self.ignored(key, path: path) { continue }
                    let sub = path.isEmpty ? key : "\(path).\(key)"
                    report("\(sub): the account has \(Self.clip(Differ.text(vb))); the file has none", at: a, hint: "added in the account since the file was imported: import again, or remove it from the account")
                }
            case (.sequence(let sa), .sequence(let sb)):
                var byID: [String: Node] = [:]
                for n in sb { byID[Self.identity(n)] = n }
                var matched = Set<String>()
                for n in sa {
                    let id = Self.identity(n)
                    if path.hasSuffix("externals"), case .mapping(let m) = n, m[Node("subnet")] == nil { continue }   // networks a person added
                    if let other = byID[id] { matched.insert(id); diff(n, other, where: "\(path)[\(Self.label(id, n))]") }
                    else { report("\(path): the file has \(Self.clip(Differ.text(n))); the account does not", at: n, hint: "gone from (or changed in) the account: import again, or restore it in the account") }
                }
                for n in sb where !matched.contains(Self.identity(n)) {
                    report("\(path): the account has \(Self.clip(Differ.text(n))); the file does not", at: a, hint: "added in (or changed in) the account: import again, or remove it from the account")
                }
            case (.scalar(let x), .scalar(let y)):
                if x.string != y.string {
                    report("\(path): the file has \(Self.clip(x.string)), the account \(Self.clip(y.string))", at: a, hint: "changed in the account: import again, or change it back")
                }
            default:
                if Differ.text(a) != Differ.text(b) {
                    report("\(path): the file has \(Self.clip(Differ.text(a))), the account \(Self.clip(Differ.text(b)))", at: a, hint: "changed in the account: import again, or change it back")
                }
            }
        }

        /// How a matched item is named in a path: its name, else what identified it.
        static func label(_ id: String, _ n: Node) -> String {
            if case .mapping(let m) = n, let v = m[Node("name")], case .scalar(let s) = v { return s.string }
            if id.hasPrefix("item=") { return "…" }
            return String(id.drop { $0 != "=" }.dropFirst())
        }

        static func ignored(_ key: String, path: String) -> Bool {
            if path.isEmpty { return personalKeys.contains(key) && key != "kubeProxy" && key != "networkPolicy" && key != "eniConfigs" }
            if path == "cluster" { return ["kubeProxy", "networkPolicy", "eniConfigs"].contains(key) }
            return false
        }

        static func clip(_ s: String) -> String { s.count > 160 ? String(s.prefix(160)) + "…" : s }
    }
}
