import ArgumentParser
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
        subcommands: [Check.self, TraceCommand.self, Capacity.self, Simulate.self, Node.self, Describe.self, Replay.self, Schema.self, Generate.self]
    )

    /// ArgumentParser answers --help and --version before it looks at the rest of the line, so
    /// `netsim --bogus --version` printed the version. Here, when the line asks for help or the
    /// version, every option on it must be one the command (or netsim) defines: an unknown option
    /// is a usage error (64) whatever else the line holds.
    static func main() {
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
        main(arguments)
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
