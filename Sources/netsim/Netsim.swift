import ArgumentParser
import Foundation
import NetsimModel

@main
struct Netsim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netsim",
        abstract: "Simulate Amazon EKS pod networking: VPC CNI IPAM, kube-proxy, security groups, NACLs, routes and load balancers.",
        discussion: """
        Exit codes: 0 ok; 1 a check or intent failed (or a flow was not delivered); 2 invalid input; 3 a trace's verdict depends on something netsim does not model; 64 usage.
        Docs: Docs/cli.md, Docs/topology-format.md, Docs/diagnostics.md.
        """,
        version: NetsimVersion.current,
        subcommands: [Check.self, TraceCommand.self, Capacity.self, Simulate.self, Node.self, Describe.self, Replay.self, Schema.self, Generate.self, Import.self, DiffLive.self]
    )

    /// ArgumentParser answers --help and --version before it looks at the rest of the line, so
    /// `netsim --bogus --version` printed the version. Here, when the line asks for help or the
    /// version, every option on it must be one the command (or netsim) defines: an unknown option
    /// is a usage error (64) whatever else the line holds.
    static func main() {
        // ArgumentParser prints help, the version and usage errors through the C library's
        // buffered standard output and exits; a write that fails there (`--help > /dev/full`)
        // is only seen when the buffer is flushed at exit. Flushing it here says why and exits 2,
        // as every other failed write to standard output does.
        atexit {
            if fflush(nil) != 0 {
                Output.printError("netsim: cannot write to standard output: \(String(cString: strerror(errno)))\n")
                _exit(2)
            }
        }
        let arguments = Array(CommandLine.arguments.dropFirst())
        let options = arguments.prefix { $0 != "--" }
        if options.contains(where: builtInFlags.contains) {
            let sub = configuration.subcommands.first { c in options.contains { $0 == c._commandName } }
            let known = optionNames(in: helpMessage(for: sub ?? Netsim.self))
            for token in options where token.hasPrefix("-") && token != "-" && !builtInFlags.contains(token) && Double(token) == nil {
                let name = String(token.split(separator: "=", maxSplits: 1)[0])
                if !known.contains(name) {
                    exit(withError: ValidationError("Unknown option '\(echo: name)'"))
                }
            }
        }
        if let message = outOfRangeNumber(in: options) {
            Output.printError("netsim: error[\(DiagnosticCode.invalidValue.id)]: \(message)\n")
            exit(withError: ExitCode(2))
        }
        main(arguments)
    }

    /// Whole-number options whose Swift type (`Int`; `UInt64` when true) would turn a number out
    /// of its range into ArgumentParser's usage error (64). Documented rule: a number out of
    /// range, too big for its type or negative where not allowed, exits 2 in one line.
    static let wholeNumberOptions: [String: Bool] = [
        "--seed": true, "--max-eni": false, "--pods": false, "--max-input-size": false,
        "--nodes": false, "--services": false, "--security-groups": false,
    ]

    /// Whole-number options and the option each cannot be given with (validate() says so, 64).
    static let excludedBy: [String: String] = ["--seed": "--all-paths"]

    /// Why a whole-number option's value does not fit its type, or nil (values that are not
    /// whole numbers are left to ArgumentParser: not a number at all is a usage error).
    /// An option that excludes another is a usage error (64) found before its value is looked
    /// at: `--seed -1 --all-paths` exits 64 as `--seed abc --all-paths` does.
    static func outOfRangeNumber(in options: ArraySlice<String>) -> String? {
        let names = Set(options.map { String($0.split(separator: "=", maxSplits: 1).first ?? "") })
        for (i, token) in zip(options.indices, options) where token.hasPrefix("--") {
            var name = token, value: String? = nil
            if let eq = token.firstIndex(of: "=") {
                name = String(token[..<eq]); value = String(token[token.index(after: eq)...])
            } else if i + 1 < options.endIndex {
                value = options[i + 1]
            }
            if let other = excludedBy[name], names.contains(other) { continue }
            guard let unsigned = wholeNumberOptions[name], let value, let first = value.first,
                  first == "-" || first.isASCII && first.isNumber,
                  value.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }), value != "-" else { continue }
            if unsigned, UInt64(value) == nil {
                return "\(name) '\(echo: value)' is out of range: give a whole number from 0 to \(UInt64.max)"
            }
            if !unsigned, Int(value) == nil {
                return "\(name) '\(echo: value)' is out of range: " + (first == "-" ? "less than \(Int.min)" : "more than \(Int.max)")
            }
        }
        return nil
    }

    /// Every `-x` and `--name` a help text lists.
    static func optionNames(in help: String) -> Set<String> {
        var names: Set<String> = []
        var current = ""
        func flush() {
            if current.count > 1 && current != "--" { names.insert(current) }
            current = ""
        }
        var previous: Character = " "
        for ch in help {
            if current.isEmpty {
                if ch == "-" && (previous == " " || previous == "[" || previous == "\n" || previous == "(") { current = "-" }
            } else if ch.isLetter || ch.isNumber || ch == "-" {
                current.append(ch)
            } else {
                flush()
            }
            previous = ch
        }
        flush()
        return names
    }

    static let builtInFlags: Set<String> = ["-h", "--help", "-help", "--version", "--experimental-dump-help"]
}
