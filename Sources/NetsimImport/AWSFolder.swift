import Foundation
import NetsimModel

/// One JSON file of the folder, read and parsed, with what turns offsets into locations.
public struct AWSSource: Sendable {
    /// The file's name in the folder (`ec2-describe-vpcs.json`), as comments cite it.
    public var name: String
    /// The path messages print (`DIR/ec2-describe-vpcs.json`).
    public var path: String
    var lines: LineIndex
    public var root: JSONObject

    public func location(_ offset: Int) -> SourceLocation {
        let (l, c) = lines.lineColumn(offset)
        return SourceLocation(file: path, line: l, column: c)
    }
    public func location(_ o: JSONObject) -> SourceLocation { location(o.offset) }
}

/// The folder of AWS CLI outputs, read: every file netsim knows, by command, and what was
/// wrong with the others.
public struct AWSFolder: Sendable {
    public var path: String
    /// Files of commands that write one file, by file name.
    public var files: [String: AWSSource] = [:]
    /// Files of per-resource commands, by command prefix, then resource id.
    public var perResource: [String: [String: AWSSource]] = [:]
    /// The aws-node DaemonSet, when given.
    public var awsNode: AWSSource?
    public var diagnostics: [Diagnostic] = []
    /// Files in the folder netsim does not read (named in the report).
    public var ignored: [String] = []
    /// Bytes read, for the report.
    public var bytesRead = 0

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    public static let defaultMaxInputBytes = 64 << 20

    /// Reads `path`: every `.json` file a command of `AWSCommands.all` writes. Input limits:
    /// each file at most `maxInputBytes`; only regular files (a FIFO or device is skipped with
    /// a warning, so reading never blocks).
    public static func read(_ path: String, maxInputBytes: Int = defaultMaxInputBytes) -> AWSFolder {
        var folder = AWSFolder(path: path)
        let display = path.hasSuffix("/") ? String(path.dropLast()) : path
        let here = SourceLocation(file: display.isEmpty ? "." : display, line: 1, column: 1)
        var info = stat()
        guard stat(path, &info) == 0 else {
            folder.diagnostics.append(Diagnostic(.error, .importFolder, "the folder '\(Echo.clip(path))' does not exist (\(String(cString: strerror(errno))))", at: here,
                                                 hint: "collect it first: netsim import aws --print-commands > collect.sh; then run collect.sh in an empty folder"))
            return folder
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            folder.diagnostics.append(Diagnostic(.error, .importFolder, "'\(Echo.clip(path))' is not a folder: netsim import aws reads a folder of AWS CLI JSON outputs", at: here,
                                                 hint: "give the folder the collect script wrote its files into"))
            return folder
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path).sorted() } catch {
            folder.diagnostics.append(Diagnostic(.error, .importFolder, "cannot list the folder '\(Echo.clip(path))': \(error.localizedDescription)", at: here,
                                                 hint: "check its permissions"))
            return folder
        }
        for name in names {
            if name.hasPrefix(".") { continue }
            let filePath = display.isEmpty ? name : display + "/" + name
            let fileLoc = SourceLocation(file: filePath, line: 1, column: 1)
            let known = AWSCommands.command(forFile: name)
            let isAWSNode = name == AWSCommands.awsNodeDaemonSet
            if known == nil && !isAWSNode {
                folder.ignored.append(name)
                continue
            }
            var st = stat()
            guard stat(filePath, &st) == 0 else {
                folder.diagnostics.append(Diagnostic(.warning, .importFolder, "cannot read '\(Echo.clip(name))': \(String(cString: strerror(errno)))", at: fileLoc,
                                                     hint: "a link to nothing? collect the file again"))
                continue
            }
            guard (st.st_mode & S_IFMT) == S_IFREG else {
                folder.diagnostics.append(Diagnostic(.warning, .importFolder, "'\(Echo.clip(name))' is not a regular file (a FIFO, socket, device or folder); it is skipped", at: fileLoc,
                                                     hint: "write the command's output to a regular file"))
                continue
            }
            if Int(st.st_size) > maxInputBytes {
                folder.diagnostics.append(Diagnostic(.error, .importFileTooLarge, "'\(Echo.clip(name))' is \(st.st_size) bytes, more than the limit of \(maxInputBytes)", at: fileLoc,
                                                     hint: "raise the limit with --max-input-size BYTES (or NETSIM_MAX_INPUT_BYTES) if the file is genuine"))
                continue
            }
            guard let data = FileManager.default.contents(atPath: filePath) else {
                folder.diagnostics.append(Diagnostic(.error, .importFolder, "cannot read '\(Echo.clip(name))'", at: fileLoc, hint: "check its permissions"))
                continue
            }
            let bytes = [UInt8](data)
            folder.bytesRead += bytes.count
            let lines = LineIndex(bytes)
            let root: JSONObject
            switch JSONReader.parse(bytes) {
            case .failure(let e):
                let (l, c) = lines.lineColumn(e.offset)
                let what = known.map { "aws \($0.0.operation)" } ?? "kubectl get daemonset aws-node"
                folder.diagnostics.append(Diagnostic(.error, .importJSONSyntax, "\(name) is not valid JSON: \(e.message)",
                                                     at: SourceLocation(file: filePath, line: l, column: c),
                                                     hint: "collect it again (\(what) ... --output json > \(name)): the output was cut short or edited"))
                continue
            case .success(let v):
                guard let o = v.object else {
                    folder.diagnostics.append(Diagnostic(.error, .importWrongCommand, "\(name) holds a JSON \(kind(v)), not the object AWS CLI commands write with --output json", at: fileLoc,
                                                         hint: "collect it again with --output json and without --query"))
                    continue
                }
                root = o
            }
            let source = AWSSource(name: name, path: filePath, lines: lines, root: root)
            if isAWSNode {
                if root["spec"] == nil || root.string("kind") != "DaemonSet" {
                    folder.diagnostics.append(Diagnostic(.error, .importWrongCommand, "\(name) does not hold a DaemonSet (kind: \(Echo.clip(root.string("kind") ?? "none")))", at: source.location(root),
                                                         hint: "write it with: kubectl get daemonset aws-node -n kube-system -o json > \(name)"))
                    continue
                }
                folder.awsNode = source
                continue
            }
            guard let (command, id) = known else { continue }
            if root[command.key] == nil {
                let other = AWSCommands.all.first { $0.key != command.key && root[$0.key] != nil }
                let keys = root.fields.keys.sorted().prefix(5).map { "\"\(Echo.clip($0))\"" }.joined(separator: ", ")
                let message = other.map { "\(name) holds the output of aws \($0.operation) (top-level key \"\($0.key)\"), not of aws \(command.operation) (\"\(command.key)\")" }
                    ?? "\(name) does not hold the output of aws \(command.operation): its top-level key is not \"\(command.key)\" (it has \(keys.isEmpty ? "no keys" : keys))"
                folder.diagnostics.append(Diagnostic(.error, .importWrongCommand, message, at: source.location(root),
                                                     hint: "write each command's output to the file --print-commands names (\(command.fileName(for: id)))"))
                continue
            }
            if let id { folder.perResource[command.file, default: [:]][id] = source } else { folder.files[name] = source }
        }
        return folder
    }

    static func kind(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "list"
        case .object: return "object"
        }
    }

    /// The file of a command that writes one file, if read.
    public func source(_ stem: String) -> AWSSource? { files[stem + ".json"] }

    /// The commands (of those that write one file) whose file is not in the folder.
    public var missing: [String] {
        AWSCommands.all.filter { !$0.isPerResource && files[$0.fileName()] == nil }.map { $0.fileName() }
    }
}

/// Quoting values from input back in messages (clipped, control characters written out).
enum Echo {
    static func clip(_ s: String, _ limit: Int = 120) -> String {
        var out = ""
        for u in s.unicodeScalars {
            if out.count >= limit { out += "…"; break }
            if u.value < 0x20 || u.value == 0x7F { out += "\\u{\(String(u.value, radix: 16))}" } else { out.unicodeScalars.append(u) }
        }
        return out
    }
}
