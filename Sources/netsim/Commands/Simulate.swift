import ArgumentParser
import Foundation
import NetsimIPAM
import NetsimModel
import NetsimRender
import NetsimTopology

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run ipamd's control loop over time on every node: pods waiting for IPs, EC2 calls, subnet use.",
        discussion: """
        The run starts from the topology's steady state (or from no nodes with --from-empty) and \
        follows a scenario file (kind: Scenario; see Docs/capacity.md) and/or these flags:

          --scale general=40@5m     node group 'general' to 40 nodes at 5m (no @: 0s)
          --pods 500@10m            500 pods of a plain Deployment at 10 minutes
          --rollout deployment:shop/cart@15m
                                    replace every pod, 25 % at a time
          --churn 10%               delete and recreate 10 % of running pods per hour
          --events general/0        ipamd's decisions on that node, loop by loop

        Exit codes: 0 ok; 1 pods were still waiting for an IP, or unschedulable, at the end; 2 \
        invalid input; 64 usage.
        """
    )

    @OptionGroup var topologyFile: TopologyFile
    @Option(help: "A scenario file (kind: Scenario).") var scenario: String?
    @Option(help: "How long to simulate: 90s, 30m, 1h (default 1h, or the scenario's).") var duration: String?
    @Option(parsing: .unconditional, help: "Pods replaced per hour: 10% or 0.1.") var churn: String?
    @Option(parsing: .singleValue, help: "NODEGROUP=COUNT[@TIME]: set a node group's size (repeatable).") var scale: [String] = []
    @Option(parsing: .singleValue, help: "N[@TIME]: create N pods (repeatable).") var pods: [String] = []
    @Option(parsing: .singleValue, help: "WORKLOAD[@TIME]: roll out a Deployment, 25 % at a time (repeatable).") var rollout: [String] = []
    @Flag(help: "Start with no nodes and no pods instead of the topology's steady state.") var fromEmpty = false
    @Option(help: "Time from CreateNetworkInterface to usable addresses (default 10s).") var eniAttachLatency: String?
    @Option(help: "Time from a node's launch to Ready (default 60s).") var nodeReadyAfter: String?
    @Option(help: "EC2 request limits: standard, unlimited, or a multiple such as 3x.") var ec2Limits: String?
    @Option(parsing: .unconditional, help: "Seed for every random choice (default: the topology's).") var seed: UInt64?
    @Option(help: "Show ipamd's decisions on one node, loop by loop: a node name, an instance ID, a node group (its first node) or GROUP/N.") var events: String?
    @Option(help: "Write the timeline (one row per 5 s tick) as CSV to this file.") var csv: String?
    @Option(help: "Write a chart of subnet use and waiting pods as SVG to this file.") var svg: String?
    @OptionGroup var formatting: FormatOption<Simulate.Outputs>
    @OptionGroup var destination: OutputOption<Simulate.Outputs>
    @OptionGroup var input: TopologyOptions

    enum Outputs: FormatChoices, OutputNoun {
        static let defaultFormat = SummaryFormat.text
        static let formatHelp = "Summary format: text, json."
        static let outputNoun = "the summary"
    }

    /// The summary is text or json. csv is parsed, and not listed, so that validate() can point
    /// to --csv for the timeline instead of ArgumentParser's list of values.
    enum SummaryFormat: String, CaseIterable, ExpressibleByArgument {
        case text, json, csv
        static var allValueStrings: [String] { ["text", "json"] }
        var rendered: CapacityFormat { self == .json ? .json : .text }
    }

    func validate() throws {
        if formatting.format == .csv { throw ValidationError("--format csv: the summary is text or json; write the timeline with --csv FILE") }
    }

    func run() throws {
        let (t, catalog) = try input.load(topologyFile.file)
        let output = destination.output, format = formatting.format.rendered
        try Output.checkDistinct([("--csv", csv), ("--svg", svg), (output == nil ? "the summary (no -o)" : "-o", output ?? "-")]
            .compactMap { o, p in p.map { (o, $0) } })
        var s = Scenario()
        if let scenario {
            Output.noteInputs([scenario])
            let r = ScenarioLoader.load(path: scenario, topology: t, limits: try input.catalog.limits())
            if !r.diagnostics.isEmpty { TopologyInput.report(r.diagnostics, path: scenario, color: Output.stderrColor) }
            guard let loaded = r.scenario else { throw ExitCode(2) }
            s = loaded
        } else {
            s.name = t.name
        }
        if let duration {
            guard let d = Scenario.parseDuration(duration), d >= 5, d <= 7 * 86400 else {
                throw TopologyInput.fail(.invalidValue, "--duration '\(echo: duration)' must be a duration from 5s to 7d, such as 90s, 30m or 1h")
            }
            s.duration = d
        }
        if let churn {
            guard let c = Scenario.parseFraction(churn) else { throw TopologyInput.fail(.invalidValue, "--churn '\(echo: churn)' must be a percentage such as 10%") }
            guard c <= Scenario.mostChurnPerHour else { throw TopologyInput.fail(.scenarioLimit, "--churn '\(echo: churn)' is more than the 1000% per hour netsim simulates") }
            s.churnPerHour = c
        }
        if let v = eniAttachLatency {
            guard let d = Scenario.parseDuration(v) else { throw TopologyInput.fail(.invalidValue, "--eni-attach-latency '\(echo: v)' is not a duration") }
            guard d <= Scenario.longestDuration else { throw TopologyInput.fail(.scenarioLimit, "--eni-attach-latency '\(echo: v)' is longer than the longest run (7d)") }
            s.eniAttachLatency = d
        }
        if let v = nodeReadyAfter {
            guard let d = Scenario.parseDuration(v) else { throw TopologyInput.fail(.invalidValue, "--node-ready-after '\(echo: v)' is not a duration") }
            guard d <= Scenario.longestDuration else { throw TopologyInput.fail(.scenarioLimit, "--node-ready-after '\(echo: v)' is longer than the longest run (7d)") }
            s.nodeReadyAfter = d
        }
        if let v = ec2Limits {
            guard let l = ScenarioLoader.rateLimits(v) else { throw TopologyInput.fail(.invalidValue, "--ec2-limits '\(echo: v)' must be standard, unlimited or a multiple such as 3x") }
            s.ec2Limits = l
        }
        if fromEmpty { s.fromEmpty = true }
        s.events += try flagEvents(t)
        let added = s.events.reduce(0) { if case .addPods(let n) = $1.action { return $0 + n } else { return $0 } }
        if added > Scenario.mostAddedPods {
            throw TopologyInput.fail(.scenarioLimit, "the scenario and --pods add \(added) pods in all, more than the \(Scenario.mostAddedPods) netsim simulates")
        }
        let start = Dictionary(t.cluster?.nodeGroups.map { ($0.name, s.fromEmpty ? 0 : $0.count) } ?? [], uniquingKeysWith: { a, _ in a })
        let addedNodes = Scenario.nodesAdded(by: s.events, start: start)
        if addedNodes > Scenario.mostAddedNodes {
            throw TopologyInput.fail(.scenarioLimit, "the scenario and --scale add \(addedNodes) nodes in all, more than the \(Scenario.mostAddedNodes) netsim simulates")
        }
        s.events.sort { $0.at < $1.at }   // stable: file order kept for equal times
        for e in s.events where e.at > s.duration {
            Output.printError("netsim: warning[\(DiagnosticCode.invalidScenario.id)]: an event at \(Scenario.formatDuration(e.at)) is after the end of the run (\(Scenario.formatDuration(s.duration)))\n")
        }

        if let events {
            let groups = t.cluster?.nodeGroups.map(\.name) ?? []
            let group = events.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
            if events.contains("/") {
                guard groups.contains(group), let k = Int(events.dropFirst(group.count + 1)), k >= 0 else {
                    throw TopologyInput.fail(.invalidValue, "--events '\(echo: events)' must read NODE, INSTANCE-ID, GROUP or GROUP/N with a node group of the topology",
                                             near: Suggestions.nearest(to: group, in: groups))
                }
            }
        }
        var sim = Simulator(topology: t, catalog: catalog, scenario: s, seed: seed, events: events)
        let showProgress = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        let result = sim.run(progress: showProgress ? { f in
            let width = 30
            let done = Int(Double(width) * f)
            Output.printError("\r  simulating [" + String(repeating: "#", count: done) + String(repeating: " ", count: width - done) + "] \(Int(f * 100))%")
        } : nil)
        if showProgress { Output.printError("\r" + String(repeating: " ", count: 50) + "\r") }
        if let log = result.events, log.node == nil {
            let names = sim.nodeNames
            throw TopologyInput.fail(.invalidValue, "--events '\(echo: log.selector)' matched no node during the run; give a node name, an instance ID, a node group or GROUP/N",
                                     near: Suggestions.nearest(to: log.selector, in: names))
        }
        // All files or none; files first, so a failure leaves no summary claiming success.
        var files: [(path: String, write: (String) -> String?)] = []
        if let csv { files.append((csv, Output.textWriter(SimulationRenderer.csv(result)))) }
        if let svg { files.append((svg, Output.textWriter(SimulationRenderer.svg(result)))) }
        let text = SimulationRenderer.render(result, as: format, color: output == nil && Output.colorEnabled)
        if let output { files.append((output, Output.textWriter(text))) }
        try Output.writeAll(files)
        if output == nil { try Output.print(text) }
        if result.stillWaiting > 0 || result.unschedulable > 0 { throw ExitCode(1) }
    }

    /// `VALUE@TIME`, the time optional.
    func split(_ item: String, flag: String) throws -> (String, Int) {
        let parts = item.split(separator: "@", maxSplits: 1).map(String.init)
        var at = 0
        if parts.count == 2 {
            guard let d = Scenario.parseDuration(parts[1]) else { throw TopologyInput.fail(.invalidValue, "\(flag) '\(echo: item)': '\(echo: parts[1])' is not a duration") }
            // As for --duration: a time past the longest run is out of range, not a warning.
            guard d <= Scenario.longestDuration else {
                throw TopologyInput.fail(.invalidValue, "\(flag) '\(echo: item)': '\(echo: parts[1])' is after the longest run netsim simulates (7d)")
            }
            at = d
        }
        return (parts.first ?? "", at)
    }

    func flagEvents(_ t: Topology) throws -> [Scenario.Event] {
        var out: [Scenario.Event] = []
        let groups = t.cluster?.nodeGroups.map(\.name) ?? []
        for item in scale {
            let (value, at) = try split(item, flag: "--scale")
            let map = try TopologyInput.parseScale([value], groups: groups)
            for (g, n) in map { out.append(.init(at: at, action: .scaleNodes(group: g, count: n))) }
        }
        for item in pods {
            let (value, at) = try split(item, flag: "--pods")
            guard let n = Int(value), n >= 0, n <= 1_000_000 else { throw TopologyInput.fail(.invalidValue, "--pods '\(echo: item)' must read N or N@TIME with N from 0 to 1000000") }
            out.append(.init(at: at, action: .addPods(count: n)))
        }

        for item in rollout {
            let (value, at) = try split(item, flag: "--rollout")
            guard case .success(let ep) = Endpoint.parse(value), case .workload(let kind, let ns, let name) = ep,
                  kind == .deployment || kind == .statefulSet else {
                throw TopologyInput.fail(.invalidValue, "--rollout '\(echo: item)' must read deployment:NS/NAME[@TIME]")
            }
            guard t.kubernetes.workload(kind, namespace: ns, name: name) != nil else {
                let names = t.kubernetes.workloads.filter { $0.kind == kind }.map { "\(kind.rawValue.lowercased()):\($0.meta.namespace)/\($0.meta.name)" }
                throw TopologyInput.fail(.invalidScenario, "--rollout names \(kind.rawValue) \(ns)/\(name), which the topology does not define",
                                         near: Suggestions.nearest(to: value, in: names))
            }
            out.append(.init(at: at, action: .rollout(kind: kind, namespace: ns, name: name, maxSurge: 0.25)))
        }
        return out
    }
}
