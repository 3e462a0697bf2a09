import NetsimIPAM
import NetsimModel
import Yams

/// Reads a `kind: Scenario` file for `netsim simulate`, checking every event against the
/// topology it will drive: node groups and workloads must exist, and times may not go back.
public enum ScenarioLoader {
    public struct Result: Sendable {
        public var scenario: Scenario?
        public var diagnostics: [Diagnostic]
        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    }

    public static func load(path: String, topology: Topology, limits: LoadLimits = LoadLimits()) -> Result {
        let reporter = Reporter()
        guard let text = SourceFile.read(path: path, displayPath: path, limits: limits, reporter: reporter) else {
            return Result(scenario: nil, diagnostics: reporter.bag.sorted)
        }
        return load(text: text, file: path, topology: topology, reporter: reporter, limits: limits)
    }

    public static func load(text: String, file: String, topology: Topology) -> Result {
        load(text: text, file: file, topology: topology, reporter: Reporter(), limits: LoadLimits())
    }

    static func load(text: String, file: String, topology: Topology, reporter: Reporter, limits: LoadLimits) -> Result {
        guard let docs = SourceFile.documents(text, file: file, reporter: reporter) else { return Result(scenario: nil, diagnostics: reporter.bag.sorted) }
        guard let root = docs.first(where: { !$0.isNullScalar }) else {
            reporter.error(.emptyFile, "'\(echo: file)' holds no YAML document", at: SourceLocation(file: file, line: 1, column: 1),
                           hint: "see Docs/capacity.md for the scenario format")
            return Result(scenario: nil, diagnostics: reporter.bag.sorted)
        }
        guard SourceFile.checkAliases(root, textLength: text.utf8.count, limits: limits, file: file, reporter: reporter),
              let r = MappingReader.make(root, file: file, context: "the scenario", reporter: reporter) else {
            return Result(scenario: nil, diagnostics: reporter.bag.sorted)
        }
        if let v = r.string("apiVersion", required: true, hint: "start the file with 'apiVersion: netsim/v1'"), v != "netsim/v1" {
            reporter.error(.unsupportedVersion, "apiVersion '\(echo: v)' is not supported", at: r.valueLocation("apiVersion"), hint: "write 'apiVersion: netsim/v1'")
        }
        if let k = r.string("kind", required: true, hint: "write 'kind: Scenario'"), k != "Scenario" {
            reporter.error(.invalidValue, "kind '\(echo: k)' is not a scenario", at: r.valueLocation("kind"),
                           hint: k == "Topology" ? "this is a topology: give it as FILE and the scenario with --scenario" : "write 'kind: Scenario'")
        }
        var s = Scenario()
        s.name = r.string("name") ?? "scenario"
        if let d = duration(r, "duration") {
            if d < 5 || d > Scenario.longestDuration {
                reporter.error(.invalidValue, "duration \(Scenario.formatDuration(d)) is outside 5s–7d", at: r.valueLocation("duration"))
            } else { s.duration = d }
        }
        if let c = churn(r, "churn") { s.churnPerHour = c }
        for key in ["eniAttachLatency", "nodeReadyAfter"] {
            guard let l = duration(r, key) else { continue }
            if l > Scenario.longestDuration {
                reporter.error(.scenarioLimit, "\(key) '\(r.locatedString(key)?.0 ?? "")' is longer than the longest run (7d)", at: r.valueLocation(key),
                               hint: key == "eniAttachLatency" ? "an ENI is usable about 10s after CreateNetworkInterface; write a duration up to 7d" : "write a duration up to 7d")
            } else if key == "eniAttachLatency" { s.eniAttachLatency = l } else { s.nodeReadyAfter = l }
        }
        s.fromEmpty = r.bool("fromEmpty") ?? false
        if let (text, loc) = r.locatedString("ec2RateLimits") {
            if let l = rateLimits(text) { s.ec2Limits = l }
            else { reporter.error(.invalidValue, "ec2RateLimits '\(echo: text)' is not understood", at: loc, hint: "write standard, unlimited, or a multiple such as 3x") }
        }
        let groups = topology.cluster?.nodeGroups.map(\.name) ?? []
        let workloadNames = topology.kubernetes.workloads.map { "\($0.kind.rawValue.lowercased()):\($0.meta.namespace)/\($0.meta.name)" }
        var last: (Int, SourceLocation)? = nil
        var addedPods = 0
        // Sizes as the run starts, for the bound on nodes added over the run (events are in time order).
        var groupSize = Dictionary(topology.cluster?.nodeGroups.map { ($0.name, s.fromEmpty ? 0 : $0.count) } ?? [], uniquingKeysWith: { a, _ in a })
        var addedNodes = 0
        var nodeBoundReported = false
        for item in r.list("events") ?? [] {
            guard let e = MappingReader.make(item, file: file, context: "an event", reporter: reporter) else { continue }
            guard let at = duration(e, "at", required: true) else { e.finish(); continue }
            let atLoc = e.valueLocation("at")
            e.context = "the event at \(Scenario.formatDuration(at))"
            if let (prev, prevLoc) = last, at < prev {
                reporter.error(.eventsOutOfOrder, "this event is at \(Scenario.formatDuration(at)), before the previous one at \(Scenario.formatDuration(prev))",
                               at: atLoc, hint: "list events in time order", notes: [Diagnostic.Note("the previous event", at: prevLoc)])
            }
            last = (at, atLoc)
            if at > s.duration {
                reporter.warning(.invalidScenario, "this event at \(Scenario.formatDuration(at)) is after the end of the run (\(Scenario.formatDuration(s.duration))) and never happens",
                                 at: atLoc, hint: "raise duration or drop the event")
            }
            let actions = ["scaleNodes", "scalePods", "addPods", "deletePods", "rollout", "churn"].filter { e.has($0) }
            if actions.count != 1 {
                reporter.error(.invalidScenario, actions.isEmpty ? "the event at \(Scenario.formatDuration(at)) does nothing" : "the event at \(Scenario.formatDuration(at)) has \(actions.count) actions (\(actions.joined(separator: ", ")))",
                               at: e.location, hint: "give exactly one of scaleNodes, scalePods, addPods, deletePods, rollout, churn")
            }
            var action: Scenario.Action? = nil
            if let m = e.mapping("scaleNodes") {
                let group = m.locatedString("nodeGroup", required: true)
                let count = m.int("count", required: true, range: 0...100_000)
                if let (g, loc) = group {
                    if !groups.contains(g) {
                        reporter.error(.invalidScenario, "node group '\(echo: g)' is not in the topology", at: loc, hint: Suggestions.didYouMean(g, in: groups))
                    } else if let count {
                        addedNodes = addedNodes.addingSaturated(max(0, count - groupSize[g, default: 0]))
                        groupSize[g] = count
                        if addedNodes > Scenario.mostAddedNodes {
                            if !nodeBoundReported {
                                reporter.error(.scenarioLimit, "the scaleNodes events add \(addedNodes) nodes in all by \(Scenario.formatDuration(at)), more than the \(Scenario.mostAddedNodes) netsim simulates",
                                               at: m.valueLocation("count"), hint: "scale fewer times or to fewer nodes: every node added is launched, given its addresses and later terminated")
                            }
                            nodeBoundReported = true
                        } else { action = .scaleNodes(group: g, count: count) }
                    }
                }
                m.finish()
            }
            if let m = e.mapping("scalePods") {
                let target = workload(m, topology: topology, names: workloadNames, reporter: reporter)
                let replicas = m.int("replicas", required: true, range: 0...1_000_000)
                if let (kind, ns, name) = target, let replicas {
                    action = .scalePods(kind: kind, namespace: ns, name: name, replicas: replicas)
                }
                m.finish()
            }
            if let m = e.mapping("addPods") {
                if let n = m.int("count", required: true, range: 0...Scenario.mostAddedPods) {
                    addedPods += n
                    if addedPods > Scenario.mostAddedPods {
                        reporter.error(.scenarioLimit, "the addPods events add \(addedPods) pods in all by \(Scenario.formatDuration(at)), more than the \(Scenario.mostAddedPods) netsim simulates",
                                       at: m.valueLocation("count"), hint: "add fewer pods; a burst of 1,000,000 pods already exhausts any VPC")
                    } else { action = .addPods(count: n) }
                }
                m.finish()
            }
            if let m = e.mapping("deletePods") {
                if let n = m.int("count", required: true, range: 0...1_000_000) { action = .deletePods(count: n) }
                m.finish()
            }
            if let m = e.mapping("rollout") {
                let target = workload(m, topology: topology, names: workloadNames, reporter: reporter)
                var surge = fraction(m, "maxSurge") ?? 0.25
                if surge > Scenario.largestSurge {
                    reporter.error(.scenarioLimit, "maxSurge '\(m.locatedString("maxSurge")?.0 ?? "")' is more than the 1000% netsim simulates", at: m.valueLocation("maxSurge"),
                                   hint: "write a percentage such as 25%")
                    surge = Scenario.largestSurge
                }
                if let (kind, ns, name) = target {
                    if kind != .deployment && kind != .statefulSet {
                        reporter.error(.invalidScenario, "a rollout replaces the pods of a Deployment or StatefulSet, not a \(kind.rawValue)", at: m.valueLocation("workload"))
                    } else {
                        action = .rollout(kind: kind, namespace: ns, name: name, maxSurge: surge)
                    }
                }
                m.finish()
            }
            if e.has("churn"), let c = churn(e, "churn") { action = .churn(perHour: c) }
            e.finish()
            if let action, actions.count == 1 { s.events.append(Scenario.Event(at: at, action: action, location: e.location)) }
        }
        r.finish()
        let diags = reporter.bag.sorted
        return Result(scenario: diags.contains { $0.severity == .error } ? nil : s, diagnostics: diags)
    }

    static func workload(_ m: MappingReader, topology: Topology, names: [String], reporter: Reporter) -> (WorkloadKind, String, String)? {
        guard let (text, loc) = m.locatedString("workload", required: true) else { return nil }
        guard case .success(let ep) = Endpoint.parse(text), case .workload(let kind, let ns, let name) = ep else {
            reporter.error(.invalidScenario, "workload '\(echo: text)' must read deployment:NS/NAME or statefulset:NS/NAME", at: loc)
            return nil
        }
        guard topology.kubernetes.workload(kind, namespace: ns, name: name) != nil else {
            reporter.error(.invalidScenario, "\(kind.rawValue) \(ns)/\(name) is not in the topology's manifests", at: loc,
                           hint: Suggestions.didYouMean(text, in: names))
            return nil
        }
        return (kind, ns, name)
    }

    static func duration(_ r: MappingReader, _ key: String, required: Bool = false) -> Int? {
        guard let (text, loc) = r.locatedString(key, required: required) else { return nil }
        guard let d = Scenario.parseDuration(text) else {
            r.reporter.error(.invalidValue, "'\(echo: key)' is '\(echo: text)', not a duration", at: loc, hint: "write seconds, or a duration such as 90s, 5m, 1h30m")
            return nil
        }
        return d
    }

    static func fraction(_ r: MappingReader, _ key: String) -> Double? {
        guard let (text, loc) = r.locatedString(key) else { return nil }
        guard let f = Scenario.parseFraction(text) else {
            r.reporter.error(.invalidValue, "'\(echo: key)' is '\(echo: text)', not a percentage", at: loc, hint: "write a percentage such as 10% or a fraction such as 0.1")
            return nil
        }
        return f
    }

    /// A churn rate: a fraction per hour up to `Scenario.mostChurnPerHour`.
    static func churn(_ r: MappingReader, _ key: String) -> Double? {
        guard let c = fraction(r, key) else { return nil }
        guard c <= Scenario.mostChurnPerHour else {
            r.reporter.error(.scenarioLimit, "\(key) '\(r.locatedString(key)?.0 ?? "")' per hour is more than the 1000% netsim simulates", at: r.valueLocation(key),
                             hint: "write a percentage of running pods replaced per hour, such as 10%")
            return nil
        }
        return c
    }

    /// "standard", "unlimited" or "Nx" (AWS raises limits on request).
    public static func rateLimits(_ text: String) -> EC2RateLimits? {
        switch text {
        case "standard": return .standard
        case "unlimited": return .unlimited
        default:
            guard text.hasSuffix("x"), let f = Double(text.dropLast()), f > 0, f <= 1000 else { return nil }
            return EC2RateLimits.standard.scaled(by: f)
        }
    }
}
