import ArgumentParser
import Foundation
import NetsimImport
import NetsimModel

/// `netsim import`: topology files from what a real account (`aws`) or cluster (`kubernetes`) holds.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write topology files from what a real account or cluster holds: 'netsim import aws DIR' reads a folder of AWS CLI JSON outputs, 'netsim import kubernetes DUMP' kubectl dumps.",
        subcommands: [ImportAWS.self, ImportKubernetes.self]
    )
}

struct ImportAWS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aws",
        abstract: "Write a topology from a folder of AWS CLI JSON outputs (one file per describe command).",
        discussion: """
        Collect the folder with the script --print-commands prints (read-only calls), then: netsim import aws DIR -o topology.yaml. \
        What the format cannot express is listed in the report (--report FILE, else standard error) with its id. Exit 0 written; 2 invalid input (nothing is written).
        """
    )

    @Argument(help: "The folder of AWS CLI JSON outputs.") var folder: String?
    @Flag(help: "Print the read-only AWS CLI commands that collect the folder (a shell script with the IAM actions they need), and exit.")
    var printCommands = false
    @Option(help: "The topology's name (default: the cluster's, else the main VPC's).") var name: String?
    @Option(help: "Write the import report (files, counts, what was not imported) to this file instead of standard error.") var report: String?
    @Option(parsing: .unconditional, help: "Largest input file in bytes (default 67108864, or NETSIM_MAX_INPUT_BYTES).") var maxInputSize: Int?
    @OptionGroup var destination: OutputOption<ImportAWS.Outputs>

    enum Outputs: OutputNoun { static let outputNoun = "the topology" }

    func validate() throws {
        if printCommands {
            if folder != nil { throw ValidationError("--print-commands takes no folder") }
        } else if folder == nil {
            throw ValidationError("Missing expected argument '<folder>' (or give --print-commands)")
        }
    }

    func run() throws {
        if printCommands {
            try destination.write(AWSCommands.script)
            return
        }
        guard let folder else { return }
        let limit = try Limits.from(option: maxInputSize).maxFileBytes
        try ImportAWS.refuseOutputsInside(folder, [("-o", destination.output), ("--report", report)])
        if let report { try Output.checkDistinct([("-o", destination.output ?? "-"), ("--report", report)]) }
        let result = AWSImport.run(folder: folder, maxInputBytes: limit, name: name)
        Output.noteInputs(ImportAWS.files(in: folder))
        if !result.diagnostics.isEmpty { TopologyInput.report(result.diagnostics, path: folder, color: Output.stderrColor) }
        guard let yaml = result.yaml else {
            Output.printError("netsim: nothing written: the folder has errors (above)\n")
            throw ExitCode(2)
        }
        var outputs: [(path: String, write: (String) -> String?)] = [(destination.output ?? "-", Output.textWriter(yaml))]
        if let report { outputs.append((report, Output.textWriter(result.reportText))) }
        try Output.writeAll(outputs)
        if report == nil { Output.printError(result.reportText) }
    }

    /// Every file of the folder (what the run reads): an output may not replace one.
    static func files(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.sorted().map { (folder.hasSuffix("/") ? folder : folder + "/") + $0 }
    }

    /// An output inside the input folder would become an input of the next import: refused.
    static func refuseOutputsInside(_ folder: String, _ outputs: [(String, String?)]) throws {
        guard let root = realpath(folder, nil) else { return }
        let rootPath = String(cString: root)
        free(root)
        for (option, path) in outputs {
            guard let path, path != "-", !path.isEmpty else { continue }
            let url = URL(fileURLWithPath: path)
            var target = url.path
            if let r = realpath(path, nil) { target = String(cString: r); free(r) }
            else if let d = realpath(url.deletingLastPathComponent().path, nil) { target = String(cString: d) + "/" + url.lastPathComponent; free(d) }
            if target == rootPath || target.hasPrefix(rootPath + "/") {
                throw TopologyInput.fail(.invalidValue, "\(option) '\(echo: path)' is \(target == rootPath ? "the input folder" : "inside the input folder '\(echo: folder)'"); write it elsewhere (netsim never writes into its inputs)")
            }
        }
    }
}

/// `netsim diff-live FILE DIR`: the drift between a checked-in topology and a fresh import.
struct DiffLive: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff-live",
        abstract: "Compare a checked-in topology with a fresh 'netsim import aws' of a folder, and list the drift with locations in the file.",
        discussion: "Exit 0 no drift; 1 drift (each added, removed or changed resource, rule or route, located in FILE); 2 invalid input."
    )

    @Argument(help: "The checked-in topology file.") var file: String
    @Argument(help: "The folder of AWS CLI JSON outputs (as for netsim import aws).") var folder: String
    @Option(parsing: .unconditional, help: "Largest input file in bytes (default 67108864, or NETSIM_MAX_INPUT_BYTES).") var maxInputSize: Int?

    func run() throws {
        let limit = try Limits.from(option: maxInputSize).maxFileBytes
        let result = AWSImport.run(folder: folder, maxInputBytes: limit)
        if result.hasErrors || result.yaml == nil {
            TopologyInput.report(result.diagnostics, path: folder, color: Output.stderrColor)
            throw ExitCode(2)
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw TopologyInput.fail(.fileNotFound, "cannot read '\(echo: file)'")
        }
        if data.count > limit { throw TopologyInput.fail(.tooLarge, "'\(echo: file)' is \(data.count) bytes, more than the limit of \(limit)") }
        let text = String(decoding: data, as: UTF8.self)
        let drift: [Diagnostic]
        switch LiveDrift.compare(checkedIn: text, path: file, fresh: result.yaml ?? "", folder: folder) {
        case .failure(let f):
            TopologyInput.report([f.diagnostic], path: file, color: Output.stderrColor)
            throw ExitCode(2)
        case .success(let d): drift = d
        }
        if drift.isEmpty {
            try Output.print("no drift: \(file) matches the import of \(folder)\n")
            return
        }
        var out = ""
        for d in drift { out += d.formatted.replacingOccurrences(of: "\(d.severity.rawValue)[", with: "drift[") + "\n" }
        out += "\(drift.count) difference\(drift.count == 1 ? "" : "s") between \(file) and the account (\(folder))\n"
        try Output.print(out)
        throw ExitCode(1)
    }
}
