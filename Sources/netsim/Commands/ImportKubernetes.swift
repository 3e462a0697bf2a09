import ArgumentParser
import Foundation
import NetsimModel
import NetsimRender
import NetsimTopology

/// `netsim import kubernetes DUMP... -o DIR [--topology FILE]` (Docs/import.md, "Kubernetes").
struct ImportKubernetes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubernetes",
        abstract: "Write manifests and the observed state from kubectl get -A -o yaml dumps.",
        discussion: """
        Reads List dumps (files, folders of .yaml/.yml/.json, '-' for standard input) and writes, \
        all or nothing, DIR/manifests/NAMESPACE/KIND.yaml, DIR/observed.yaml and \
        DIR/topology-snippet.yaml. DIR must not exist or be empty.
        Exit codes: 0 written; 2 invalid input or an output netsim will not write (nothing is written); 64 usage.
        """
    )

    @Argument(help: "Dump files or folders.")
    var inputs: [String] = []

    @Option(name: .shortAndLong, help: "The folder to write (new or empty).")
    var output: String

    @Option(help: "The topology that will name the files: the snippet's paths are then relative to its folder (DIR must be inside it).")
    var topology: String?

    @Option(help: "Largest input file read, in bytes (default 64 MiB).")
    var maxInputSize: Int?

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("name at least one dump file or folder") }
    }

    func run() throws {
        if inputs.filter({ $0 == "-" }).count > 1 {
            throw TopologyInput.fail(.invalidValue, "'-' (standard input) is named more than once; standard input can be read once")
        }
        let limits = try Limits.from(option: maxInputSize)
        let target = output.count > 1 && output.hasSuffix("/") ? String(output.dropLast()) : output
        try Self.checkOutput(target, inputs: inputs)
        let base = try topology.map { try Self.relativeBase(topology: $0, output: target) } ?? ""
        let result = KubernetesImport.run(inputs: inputs, limits: limits, base: base)
        if !result.diagnostics.isEmpty {
            TopologyInput.report(result.diagnostics, path: inputs.first ?? "", color: Output.stderrColor)
        }
        if result.hasErrors {
            Output.printError("netsim: nothing written to '\(echo: output)'\n")
            throw ExitCode(2)
        }
        try Self.writeFolder(result.files, to: target)
        var text = "netsim import kubernetes: \(result.inputsRead.count) input file\(result.inputsRead.count == 1 ? "" : "s") → \(output)\n"
        for line in result.summary { text += "  \(line)\n" }
        text += "  next: add \(output.hasSuffix("/") ? output : output + "/")topology-snippet.yaml to the topology, then netsim check it\n"
        try Output.print(text)
    }

    static func fail(_ message: String, hint: String) -> ExitCode {
        Output.printError("netsim: error[\(DiagnosticCode.importOutput.id)]: \(message)\n  hint: \(hint)\n")
        return ExitCode(2)
    }

    static func resolved(_ path: String) -> String? {
        guard let r = realpath(path, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }

    /// The output folder: new, or an empty folder; never an input, inside an input folder, or
    /// holding an input.
    static func checkOutput(_ out: String, inputs: [String]) throws {
        if out.isEmpty || out == "-" { throw fail("-o '\(echo: out)' names no folder", hint: "give a new folder, e.g. -o k8s-import") }
        var info = stat()
        if lstat(out, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw fail("'\(echo: out)' exists and is not a folder", hint: "give a new folder; netsim import writes a folder of files")
            }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? ["?"]
            if !entries.isEmpty {
                throw fail("folder '\(echo: out)' is not empty", hint: "give a new folder, or remove the old import first (netsim never mixes two imports)")
            }
        }
        let parent = URL(fileURLWithPath: out).deletingLastPathComponent().path
        guard let parentReal = resolved(parent) else {
            throw fail("the folder '\(echo: parent)' does not exist", hint: "create it first, or give another -o")
        }
        let outReal = parentReal + "/" + URL(fileURLWithPath: out).lastPathComponent
        for input in inputs where input != "-" {
            guard let inReal = resolved(input) else { continue }
            if inReal == outReal || inReal.hasPrefix(outReal + "/") || outReal.hasPrefix(inReal + "/") {
                throw fail("-o '\(echo: out)' is or holds the input '\(echo: input)' (or lies inside it)",
                           hint: "write the import to a folder apart from the dumps; netsim never writes its inputs")
            }
        }
    }

    /// The output folder as the topology's globs name it, with a trailing '/'.
    static func relativeBase(topology: String, output: String) throws -> String {
        let topoDir = URL(fileURLWithPath: topology).deletingLastPathComponent().path
        guard let topoReal = resolved(topoDir) else {
            throw fail("the folder of --topology '\(echo: topology)' does not exist", hint: "name the topology file the import is for")
        }
        let parent = URL(fileURLWithPath: output).deletingLastPathComponent().path
        guard let parentReal = resolved(parent) else {
            throw fail("the folder '\(echo: parent)' does not exist", hint: "create it first, or give another -o")
        }
        let outReal = parentReal + "/" + URL(fileURLWithPath: output).lastPathComponent
        let prefix = topoReal == "/" ? "/" : topoReal + "/"
        guard outReal.hasPrefix(prefix), outReal.count > prefix.count else {
            throw fail("-o '\(echo: output)' is not inside the folder of --topology '\(echo: topology)'",
                       hint: "manifest globs are relative to the topology's folder and may not use '..'; write the import under it")
        }
        return String(outReal.dropFirst(prefix.count)) + "/"
    }

    /// Writes every file into a temporary folder beside `out`, then renames it into place: a
    /// failed run leaves nothing half-written.
    static func writeFolder(_ files: [ImportedFile], to out: String) throws {
        let url = URL(fileURLWithPath: out)
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)").path
        let fm = FileManager.default
        func cleanUp() { try? fm.removeItem(atPath: tmp) }
        do {
            try fm.createDirectory(atPath: tmp, withIntermediateDirectories: false)
            for f in files {
                let path = tmp + "/" + f.path
                try fm.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
                if let why = Output.writeAll(Data(f.text.utf8), to: path) {
                    cleanUp()
                    throw fail("cannot write '\(echo: out)/\(echo: f.path)': \(why)", hint: "check the free space and permissions of the output folder")
                }
            }
            var info = stat()
            if lstat(out, &info) == 0 { rmdir(out) }   // an empty folder, checked before the run
            if rename(tmp, out) != 0 {
                let why = String(cString: strerror(errno))
                cleanUp()
                throw fail("cannot move the import into '\(echo: out)': \(why)", hint: "check that the folder is empty and writable")
            }
        } catch let e as ExitCode {
            throw e
        } catch {
            cleanUp()
            throw fail("cannot write '\(echo: out)': \(error.localizedDescription)", hint: "check the permissions of the output folder's parent")
        }
    }
}
