import Foundation
import NetsimModel
import Yams

/// What loading one topology file produced: the model when the file is valid, and every
/// diagnostic found on the way (errors, warnings), in file order.
public struct LoadResult: Sendable {
    /// nil when the file could not be read or parsed at all. Present (but not to be used by
    /// engines) when the file parsed with errors, so callers can still list them.
    public var topology: Topology?
    public var diagnostics: [Diagnostic]
    /// Every file read: the topology first, then manifests.
    public var files: [String]
    /// The errors that concern one `expect:` entry alone (that entry is left out of
    /// `topology.expectations`); see `topologyBesideBadIntents`.
    public var intentErrors: Set<Diagnostic> = []

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    /// The topology, only when no error was found.
    public var validTopology: Topology? { hasErrors ? nil : topology }
    /// The topology when its only errors are in `expect:` entries: the other entries can still
    /// be evaluated (`check` does, and exits 2 for the bad ones).
    public var topologyBesideBadIntents: Topology? {
        guard let topology, diagnostics.allSatisfy({ $0.severity != .error || intentErrors.contains($0) }) else { return nil }
        return topology
    }
}

/// Loads topology files: reads, parses with line and column, converts and validates.
public struct TopologyLoader: Sendable {
    public var limits: LoadLimits
    public var catalog: InstanceCatalog
    /// aws-node settings from the command line (`--set`), applied over `cluster.cni` before
    /// conversion; any diagnostic about one of them is an error.
    public var cniOverrides: [SettingOverride] = []

    public init(limits: LoadLimits = LoadLimits(), catalog: InstanceCatalog) {
        self.limits = limits; self.catalog = catalog
    }

    /// Loads the file at `path` (as the user wrote it; diagnostics name it that way).
    /// `-` reads standard input: diagnostics name it `<stdin>` and manifest globs resolve
    /// against the current directory.
    public func load(path: String) -> LoadResult {
        let reporter = Reporter()
        let stdin = path == "-"
        let shown = stdin ? SourceFile.standardInputName : path
        let resolver = GlobManifestResolver(topologyPath: stdin ? "" : path, limits: limits, reporter: reporter, standardInput: stdin)
        var topology: Topology? = nil
        let text = stdin ? SourceFile.readStandardInput(limits: limits, reporter: reporter)
            : SourceFile.read(path: path, displayPath: path, limits: limits, reporter: reporter)
        if let text {
            topology = load(text: text, file: shown, reporter: reporter, resolver: resolver)
        }
        var result = LoadResult(topology: topology, diagnostics: overridden(reporter.bag.sorted), files: [shown] + resolver.filesRead)
        result.intentErrors = reporter.intentScoped
        return result
    }

    /// Loads topology text already in memory; `file` names it in diagnostics. Manifest globs
    /// resolve against `file`'s folder.
    public func load(text: String, file: String) -> LoadResult {
        let reporter = Reporter()
        let resolver = GlobManifestResolver(topologyPath: file, limits: limits, reporter: reporter)
        let topology = load(text: text, file: file, reporter: reporter, resolver: resolver)
        var result = LoadResult(topology: topology, diagnostics: overridden(reporter.bag.sorted), files: [file] + resolver.filesRead)
        result.intentErrors = reporter.intentScoped
        return result
    }

    /// An unknown `--set` setting or a value ipamd would not take or would change (which the
    /// file's own checks report as warnings) is an error: that what-if would answer a different
    /// question. Only a combination ipamd ignores (NS0806) stays a warning.
    func overridden(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        guard !cniOverrides.isEmpty else { return diagnostics }
        return diagnostics.map { d in
            guard SettingOverride.isArgument(d.location), d.severity != .error, d.code != .ignoredCNISetting else { return d }
            var e = d
            e.severity = .error
            return e
        }
    }

    func load(text: String, file: String, reporter: Reporter, resolver: ManifestResolver) -> Topology? {
        guard let docs = SourceFile.documents(text, file: file, reporter: reporter) else { return nil }
        let nonEmpty = docs.filter { !$0.isNullScalar }
        guard let root = nonEmpty.first else {
            reporter.error(.emptyFile, "'\(echo: file)' holds no YAML document", at: SourceLocation(file: file, line: 1, column: 1),
                           hint: "start from 'netsim generate' or Topologies/quickstart.yaml")
            return nil
        }
        if nonEmpty.count > 1 {
            reporter.error(.multipleDocuments, "'\(echo: file)' holds \(nonEmpty.count) YAML documents; a topology is one document",
                           at: nonEmpty[1].location(in: file), hint: "put Kubernetes manifests in their own files under kubernetes.manifests")
            return nil
        }
        guard SourceFile.checkAliases(root, textLength: text.utf8.count, limits: limits, file: file, reporter: reporter) else { return nil }
        switch root {
        case .mapping: break
        default:
            reporter.error(.topLevelNotMapping, "the top level of '\(echo: file)' is \(root.kindDescription); a topology is a mapping",
                           at: root.location(in: file), hint: "start with 'apiVersion: netsim/v1' and 'kind: Topology'")
            return nil
        }
        Self.checkNames(root, file: file, reporter: reporter)
        let converter = TopologyConverter(file: file, reporter: reporter, catalog: catalog, manifests: resolver)
        converter.cniOverrides = cniOverrides
        return converter.convert(root)
    }
}

extension TopologyLoader {
    /// Refuses every `name:` (and AWS `Name` tag) of the topology that holds a control character:
    /// AWS resource names and Name tags (letters, digits, spaces and `_.:/=+-@`) and EKS node
    /// group names cannot hold one, and a name is printed in every report, where an escape
    /// sequence would reach the terminal. Walks without recursion, so nesting depth costs no stack.
    static func checkNames(_ root: Node, file: String, reporter: Reporter) {
        var stack: [Node] = [root]
        while let node = stack.popLast() {
            switch node {
            case .mapping(let m):
                for (key, value) in m {
                    if case .scalar(let k) = key, k.string == "name" || k.string == "Name", case .scalar(let v) = value,
                       v.string.unicodeScalars.contains(where: Echo.isControl) {
                        reporter.error(.controlCharacterInName, "name '\(echo: v.string)' holds a control character",
                                       at: value.location(in: file),
                                       hint: "names are printed in every report; use letters, digits, '-', '_', '.' and spaces")
                    }
                    stack.append(value)
                }
            case .sequence(let items): stack.append(contentsOf: items)
            default: break
            }
        }
    }
}

/// Expands manifest globs relative to the topology's folder; refuses anything that escapes it.
final class GlobManifestResolver: ManifestResolver {
    let baseDisplay: String
    let baseURL: URL
    let limits: LoadLimits
    let reporter: Reporter
    var filesRead: [String] = []
    /// Files already loaded, so a file two globs match is read once.
    private var loaded: Set<String> = []
    /// Special files (FIFOs, sockets, devices) already reported as skipped.
    private var skippedSpecial: Set<String> = []

    /// The topology came from standard input: globs are relative to the current directory.
    private var standardInput = false

    init(topologyPath: String, limits: LoadLimits, reporter: Reporter, standardInput: Bool = false) {
        self.standardInput = standardInput
        let dir = Self.folder(of: topologyPath)
        baseDisplay = dir
        baseURL = URL(fileURLWithPath: dir.isEmpty ? "." : dir).standardizedFileURL.resolvingSymlinksInPath()
        self.limits = limits; self.reporter = reporter
    }

    func display(_ relative: String) -> String {
        baseDisplay.isEmpty ? relative : baseDisplay.hasSuffix("/") ? baseDisplay + relative : baseDisplay + "/" + relative
    }

    /// The folder part of `path` as written: "" for a bare file name, "/" for a file at the
    /// root. (Plain string work: NSString's path methods trap on one-character paths on Linux.)
    static func folder(of path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "" }
        if slash == p.startIndex { return "/" }
        var dir = p[..<slash]
        while dir.count > 1 && dir.hasSuffix("/") { dir = dir.dropLast() }
        return String(dir)
    }

    func documents(matching pattern: String, at location: SourceLocation) -> [(file: String, documents: [Node])] {
        let segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
        if pattern.hasPrefix("/") || pattern.hasPrefix("~") || segments.contains("..") || segments.isEmpty {
            reporter.error(.globEscapes, "manifest glob '\(echo: pattern)' reaches outside the topology's folder", at: location,
                           hint: "globs are relative to the topology file's folder and may not use '..' or absolute paths; move the manifests under it")
            return []
        }
        var matches: [String] = []
        var special: [(String, String)] = []
        expand(segments[...], relative: "", into: &matches, special: &special)
        matches.sort()
        for (rel, kind) in special.sorted(by: { $0.0 < $1.0 }) where !skippedSpecial.contains(rel) {
            skippedSpecial.insert(rel)
            reporter.warning(.notRegularFile, "manifest glob '\(echo: pattern)' matches '\(echo: display(rel))', which is \(kind); it is skipped",
                             at: location, hint: "only regular files are read as manifests; narrow the glob, or move that file out of the folder")
        }
        if matches.isEmpty {
            reporter.error(.globMatchesNothing, "manifest glob '\(echo: pattern)' matches no file under '\(echo: baseDisplay.isEmpty ? "." : baseDisplay)'",
                           at: location, hint: standardInput
                               ? "the topology comes from standard input, so globs are relative to the current directory: run netsim from the topology's folder"
                               : "globs are relative to the topology file's folder")
            return []
        }
        var out: [(file: String, documents: [Node])] = []
        for rel in matches where !loaded.contains(rel) {
            loaded.insert(rel)
            if filesRead.count >= limits.maxManifestFiles {
                reporter.error(.tooLarge, "more than \(limits.maxManifestFiles) manifest files", at: location,
                               hint: "narrow the globs")
                break
            }
            let url = baseURL.appendingPathComponent(rel).resolvingSymlinksInPath()
            guard url.path.hasPrefix(baseURL.path + "/") else {
                reporter.error(.globEscapes, "manifest '\(echo: display(rel))' is a link to '\(echo: url.path)', outside the topology's folder", at: location,
                               hint: "copy the manifest under the topology's folder instead of linking to it")
                continue
            }
            let shown = display(rel)
            filesRead.append(shown)
            guard let text = SourceFile.read(path: url.path, displayPath: shown, limits: limits, reporter: reporter),
                  let docs = SourceFile.documents(text, file: shown, reporter: reporter) else { continue }
            let kept = docs.filter { SourceFile.checkAliases($0, textLength: text.utf8.count, limits: limits, file: shown, reporter: reporter) }
            out.append((shown, kept))
        }
        return out
    }

    private func expand(_ segments: ArraySlice<String>, relative: String, into matches: inout [String],
                        special: inout [(String, String)]) {
        guard let head = segments.first else { return }
        let rest = segments.dropFirst()
        let dirURL = relative.isEmpty ? baseURL : baseURL.appendingPathComponent(relative)
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: dirURL.path)) ?? []).sorted()
        func join(_ name: String) -> String { relative.isEmpty ? name : relative + "/" + name }
        func isDir(_ rel: String) -> Bool { Self.kind(of: baseURL.appendingPathComponent(rel).path) == S_IFDIR }
        if head == "**" {
            expand(rest, relative: relative, into: &matches, special: &special)   // zero directories
            for e in entries where !e.hasPrefix(".") && isDir(join(e)) {
                expand(segments, relative: join(e), into: &matches, special: &special)
            }
            return
        }
        for e in entries where Glob.match(head, e) && !(e.hasPrefix(".") && !head.hasPrefix(".")) {
            let rel = join(e)
            if rest.isEmpty {
                // Only regular files match: opening a FIFO would wait for a writer forever, and
                // a device or socket is no manifest. stat(2) follows links, so a link to a
                // regular file still matches.
                switch Self.kind(of: baseURL.appendingPathComponent(rel).path) {
                case S_IFREG: if !matches.contains(rel) { matches.append(rel) }
                case S_IFDIR, nil: break
                case S_IFIFO: special.append((rel, "a FIFO"))
                case S_IFSOCK: special.append((rel, "a socket"))
                case S_IFCHR: special.append((rel, "a character device"))
                case S_IFBLK: special.append((rel, "a block device"))
                default: special.append((rel, "not a regular file"))
                }
            } else if isDir(rel) {
                expand(rest, relative: rel, into: &matches, special: &special)
            }
        }
    }

    /// The file type bits of what `path` names (links followed), or nil when it does not exist.
    static func kind(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }
}

/// Shell-style matching of one path segment: `*`, `?` and `[abc]`/`[a-z]`/`[!x]`.
enum Glob {
    static func match(_ pattern: String, _ name: String) -> Bool {
        let p = Array(pattern.unicodeScalars), n = Array(name.unicodeScalars)
        var memo: [Int: Bool] = [:]
        func m(_ i: Int, _ j: Int) -> Bool {
            let key = i * (n.count + 1) + j
            if let v = memo[key] { return v }
            var result = false
            if i == p.count { result = j == n.count }
            else if p[i] == "*" { result = m(i + 1, j) || (j < n.count && m(i, j + 1)) }
            else if j < n.count {
                if p[i] == "?" { result = m(i + 1, j + 1) }
                else if p[i] == "[", let close = p[(i + 1)...].firstIndex(of: "]"), close > i + 1 {
                    var set = Array(p[(i + 1)..<close])
                    let negate = set.first == "!" || set.first == "^"
                    if negate { set.removeFirst() }
                    var hit = false
                    var k = 0
                    while k < set.count {
                        if k + 2 < set.count && set[k + 1] == "-" {
                            if set[k] <= n[j] && n[j] <= set[k + 2] { hit = true }
                            k += 3
                        } else {
                            if set[k] == n[j] { hit = true }
                            k += 1
                        }
                    }
                    result = hit != negate && m(close + 1, j + 1)
                } else { result = p[i] == n[j] && m(i + 1, j + 1) }
            }
            memo[key] = result
            return result
        }
        return m(0, 0)
    }
}
