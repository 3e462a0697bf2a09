import Foundation
import NetsimModel
import Yams

/// Limits that keep hostile input from costing unbounded time or memory.
public struct LoadLimits: Sendable {
    /// Largest file read, in bytes. Default 64 MiB; raise with `--max-input-size` or
    /// `NETSIM_MAX_INPUT_BYTES`.
    public var maxFileBytes: Int
    /// Most YAML nodes one document may expand to through aliases, beyond its plain node count.
    public var maxAliasExpansion: Int
    /// Most manifest files one topology may pull in through globs.
    public var maxManifestFiles: Int

    public init(maxFileBytes: Int = 64 << 20, maxAliasExpansion: Int = 100_000, maxManifestFiles: Int = 10_000) {
        self.maxFileBytes = maxFileBytes; self.maxAliasExpansion = maxAliasExpansion
        self.maxManifestFiles = maxManifestFiles
    }
}

/// Reads files for the loader and turns every failure into a located diagnostic.
enum SourceFile {
    /// The file's text, or nil after reporting why it cannot be used.
    static func read(path: String, displayPath: String, limits: LoadLimits, reporter: Reporter,
                     at origin: SourceLocation? = nil) -> String? {
        let here = origin ?? SourceLocation(file: displayPath, line: 1, column: 1)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            reporter.error(.fileNotFound, "no such file '\(echo: displayPath)'", at: here,
                           hint: "check the path; it is read relative to the current directory")
            return nil
        }
        if isDirectory.boolValue {
            reporter.error(.isDirectory, "'\(echo: displayPath)' is a directory, not a topology file", at: here,
                           hint: "name a .yaml file, or a glob such as '\(echo: displayPath)/*.yaml'")
            return nil
        }
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFCHR || (info.st_mode & S_IFMT) == S_IFBLK {
            // /dev/zero or a disk never ends; a FIFO or `-` (standard input) is the way to pipe text in.
            reporter.error(.deviceInput, "'\(echo: displayPath)' is a \((info.st_mode & S_IFMT) == S_IFCHR ? "character" : "block") device, not a topology file", at: here,
                           hint: "name a regular file; to pipe text in, give '-' for standard input or a FIFO")
            return nil
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        if size > limits.maxFileBytes {
            reporter.error(.tooLarge, "'\(echo: displayPath)' is \(size) bytes, over the input limit of \(limits.maxFileBytes) bytes",
                           at: here, hint: "raise the limit with --max-input-size BYTES or NETSIM_MAX_INPUT_BYTES")
            return nil
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            reporter.error(.unreadable, "cannot open '\(echo: displayPath)' for reading", at: here,
                           hint: "check the file's permissions")
            return nil
        }
        defer { try? handle.close() }
        return text(from: handle, displayPath: displayPath, limits: limits, reporter: reporter, at: here)
    }

    /// The name diagnostics give standard input (`-` on the command line).
    static let standardInputName = "<stdin>"

    /// Standard input's text, or nil after reporting why it cannot be used.
    static func readStandardInput(limits: LoadLimits, reporter: Reporter) -> String? {
        text(from: FileHandle.standardInput, displayPath: standardInputName, limits: limits, reporter: reporter,
             at: SourceLocation(file: standardInputName, line: 1, column: 1))
    }

    /// Reads `handle` to its end in chunks, refusing it once it passes the size limit (so a file
    /// that grew after stat, a pipe or a device costs at most the limit plus one chunk).
    static func text(from handle: FileHandle, displayPath: String, limits: LoadLimits, reporter: Reporter,
                     at here: SourceLocation) -> String? {
        var data = Data()
        let chunk = 1 << 20
        while true {
            let piece: Data
            do { piece = try handle.read(upToCount: chunk) ?? Data() } catch {
                reporter.error(.unreadable, "cannot read '\(echo: displayPath)': \(error.localizedDescription)", at: here,
                               hint: "check that the path names a readable file")
                return nil
            }
            if piece.isEmpty { break }
            data.append(piece)
            if data.count > limits.maxFileBytes {
                reporter.error(.tooLarge, "'\(echo: displayPath)' is over the input limit of \(limits.maxFileBytes) bytes", at: here,
                               hint: "raise the limit with --max-input-size BYTES or NETSIM_MAX_INPUT_BYTES")
                return nil
            }
        }
        return decode(data, displayPath: displayPath, reporter: reporter)
    }

    /// UTF-8 text without NUL bytes, or nil after a located error.
    static func decode(_ data: Data, displayPath: String, reporter: Reporter) -> String? {
        if let nul = data.firstIndex(of: 0) {
            let (line, column) = lineColumn(of: nul - data.startIndex, in: data)
            reporter.error(.unreadable, "'\(echo: displayPath)' is a binary file (NUL byte at offset \(nul - data.startIndex))",
                           at: SourceLocation(file: displayPath, line: line, column: column),
                           hint: "netsim reads YAML text; check that the right file was named")
            return nil
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            let offset = firstInvalidUTF8Offset(data)
            let (line, column) = lineColumn(of: offset, in: data)
            reporter.error(.notUTF8, "'\(echo: displayPath)' is not valid UTF-8 (bad byte 0x\(String(data[data.startIndex + offset], radix: 16)) at offset \(offset))",
                           at: SourceLocation(file: displayPath, line: line, column: column),
                           hint: "convert it, e.g. iconv -f LATIN1 -t UTF-8")
            return nil
        }
        // A UTF-8 byte-order mark is legal YAML but would shift columns; drop it.
        return text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    }

    static func lineColumn(of offset: Int, in data: Data) -> (Int, Int) {
        var line = 1, column = 1
        for byte in data.prefix(offset) {
            if byte == 0x0A { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }

    static func firstInvalidUTF8Offset(_ data: Data) -> Int {
        var low = 0, high = data.count
        // Binary search on the longest valid prefix (a prefix that cuts a valid sequence is
        // invalid too, so step back at most three bytes afterwards).
        while low < high {
            let mid = (low + high + 1) / 2
            if String(validating: data.prefix(mid), as: UTF8.self) != nil { low = mid } else { high = mid - 1 }
        }
        return min(low, max(0, data.count - 1))
    }

    /// Parses every YAML document of `text`, mapping libyaml's errors to diagnostics.
    static func documents(_ text: String, file: String, reporter: Reporter) -> [Node]? {
        do {
            let parser = try Parser(yaml: text, resolver: .basic, encoding: .utf8)
            var nodes: [Node] = []
            while let node = try parser.nextRoot() { nodes.append(node) }
            return nodes
        } catch let error as YamlError {
            report(error, text: text, file: file, reporter: reporter)
            return nil
        } catch {
            reporter.error(.yamlSyntax, "cannot parse '\(echo: file)': \(error)", at: SourceLocation(file: file, line: 1, column: 1))
            return nil
        }
    }

    static func report(_ error: YamlError, text: String, file: String, reporter: Reporter) {
        func loc(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            if problem.contains("nesting level") || (context?.text.contains("nesting") ?? false) {
                reporter.error(.nestingTooDeep, "the document nests deeper than 1000 levels", at: loc(mark),
                               hint: "flatten the structure; netsim's formats never need more than a few levels")
                return
            }
            var message = problem
            if let context { message = "\(problem) (\(context.text) at line \(context.mark.line), column \(context.mark.column))" }
            let tab = character(atLine: mark.line, column: mark.column, in: text) == "\t"
            reporter.error(.yamlSyntax, "YAML syntax: \(message)", at: loc(mark),
                           hint: tab ? "YAML indents with spaces, never tabs; replace the tab here" : syntaxHint(problem))
        case .reader(let problem, let offset, _, _):
            reporter.error(.yamlSyntax, "YAML reader: \(problem)\(offset.map { " at character \($0)" } ?? "")",
                           at: SourceLocation(file: file, line: 1, column: 1))
        case .duplicatedKeysInMapping(let duplicates, let context):
            for key in duplicates {
                let first = loc(context.mark)
                let second = findRepeat(of: key, after: context.mark, in: text)
                    .map { SourceLocation(file: file, line: $0.line, column: $0.column) } ?? first
                reporter.error(.duplicateKey, "key '\(echo: key)' appears more than once in one mapping", at: second,
                               hint: "YAML keeps only one value per key; remove or rename the repeat",
                               notes: second == first ? [] : [Diagnostic.Note("first written here", at: first)])
            }
        default:
            reporter.error(.yamlSyntax, "cannot parse '\(echo: file)': \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    static func syntaxHint(_ problem: String) -> String {
        if problem.contains("tab") { return "YAML indents with spaces, never tabs" }
        if problem.contains("mapping values are not allowed") { return "a value containing ': ' needs quotes" }
        if problem.contains("did not find expected key") { return "check the indentation of this line and the one above" }
        return "check the indentation and quoting around this position"
    }

    /// The character at a 1-based line and column, if there is one.
    static func character(atLine line: Int, column: Int, in text: String) -> Character? {
        var n = 0
        for l in text.split(separator: "\n", omittingEmptySubsequences: false) {
            n += 1
            if n == line {
                let chars = Array(l)
                return column >= 1 && column <= chars.count ? chars[column - 1] : nil
            }
        }
        return nil
    }

    /// The next line after `mark` whose key at the same column is `key`: where the repeat is.
    static func findRepeat(of key: String, after mark: Mark, in text: String) -> (line: Int, column: Int)? {
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            guard lineNumber > mark.line else { continue }
            let indent = line.prefix { $0 == " " || $0 == "-" }.count
            guard indent + 1 == mark.column else { continue }
            let rest = line.dropFirst(indent)
            if rest.hasPrefix(key + ":") || rest.hasPrefix("\"\(key)\":") || rest.hasPrefix("'\(echo: key)':") {
                return (lineNumber, mark.column)
            }
        }
        return nil
    }

    /// Counts nodes visited with aliases expanded, stopping at `budget`: returns false when the
    /// document expands past it (an alias bomb).
    static func expansionWithin(_ node: Node, budget: Int) -> Bool {
        var remaining = budget
        func walk(_ n: Node) -> Bool {
            remaining -= 1
            if remaining < 0 { return false }
            switch n {
            case .scalar, .alias: return true
            case .sequence(let s): return s.allSatisfy(walk)
            case .mapping(let m): return m.allSatisfy { walk($0.key) && walk($0.value) }
            }
        }
        return walk(node)
    }

    /// Plain (alias-free) node count is bounded by the text length, so the expansion budget is
    /// the text length plus the configured allowance.
    static func checkAliases(_ node: Node, textLength: Int, limits: LoadLimits, file: String, reporter: Reporter) -> Bool {
        let budget = textLength + limits.maxAliasExpansion
        if expansionWithin(node, budget: budget) { return true }
        reporter.error(.aliasExpansion, "YAML aliases expand this document past \(budget) nodes", at: node.location(in: file),
                       hint: "remove the nested aliases (an 'alias bomb'); netsim refuses to expand them")
        return false
    }
}
