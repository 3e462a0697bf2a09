import Foundation
import NetsimIPAM
import NetsimModel

/// `netsim simulate`: a summary (text or JSON), the timeline as CSV, and an SVG chart.
public enum SimulationRenderer {
    public static func render(_ r: SimulationResult, as format: CapacityFormat, color: Bool) -> String {
        switch format {
        case .json: return JSONText.encode(dto(r))
        case .csv: return csv(r)
        case .text: return text(r, color: color)
        }
    }

    // MARK: text

    static func text(_ r: SimulationResult, color: Bool) -> String {
        let bold: (String) -> String = { color ? "\u{1B}[1m\($0)\u{1B}[0m" : $0 }
        func d(_ s: Int) -> String { Scenario.formatDuration(s) }
        let last = r.samples.last
        var out = bold("Simulated \(d(r.duration)) of \(r.scenario)") + " (seed \(r.seed); \(r.settings.joined(separator: ", ")))\n"
        out += "  nodes \(grouped(r.nodesAtStart)) → \(grouped(last?.nodes ?? 0)) (peak \(grouped(r.peakNodes)); \(grouped(r.nodesAdded)) added, \(grouped(r.nodesRemoved)) removed)\n"
        out += "  pods running \(grouped(r.podsRunningAtStart)) → \(grouped(last?.podsRunning ?? 0)); \(grouped(r.podsCreated)) created, \(grouped(r.podsStarted)) started, \(grouped(r.podsDeleted)) deleted\n\n"

        out += bold("Pods waiting for an IP") + "\n"
        // "None" only when no pod waited at all: not one that started after a wait, not one
        // still waiting at the end, not one seen waiting in a sample (from 0s on).
        let peak = r.samples.max { $0.podsWaitingForIP < $1.podsWaitingForIP }
        let sawWaiting = (peak?.podsWaitingForIP ?? 0) > 0
        if r.podsThatWaited == 0 && r.stillWaiting == 0 && !sawWaiting {
            out += "  none: every pod found an address in the warm pool\n"
        } else {
            if r.podsThatWaited > 0 {
                out += "  \(grouped(r.podsThatWaited)) pod\(r.podsThatWaited == 1 ? "" : "s") waited: p50 \(d(r.waitP50)), p95 \(d(r.waitP95)), p99 \(d(r.waitP99)), max \(d(r.waitMax))\n"
            } else {
                out += "  no pod started after a wait, but pods waited for an address\n"
            }
            if let peak, peak.podsWaitingForIP > 0 { out += "  most waiting at once: \(grouped(peak.podsWaitingForIP)) at \(d(peak.time))\n" }
            for w in r.longestWaits.prefix(5) { out += "    \(w.pod) on \(w.node): \(d(w.seconds)) from \(d(w.since))\n" }
        }
        if r.stillWaiting > 0 { out += "  \(grouped(r.stillWaiting)) still waiting at the end\n" }
        if r.unschedulable > 0 { out += "  \(grouped(r.unschedulable)) pods unschedulable at the end (no node with room)\n" }
        out += "\n" + bold("EC2 API calls") + " (account-wide token buckets: capacity, refill per second)\n"
        if r.operations.isEmpty {
            out += "  none\n"
        } else {
            var t = TextTable(["OPERATION", "CALLS", "PER NODE max/mean", "PEAK/S", "BUCKET", "THROTTLED"], right: [1, 3, 5])
            for o in r.operations {
                let bucket = o.bucket.map { "\(Int($0.capacity)), \(fmt($0.refillPerSecond))/s" } ?? "unlimited"
                t.add([o.operation.rawValue, grouped(o.calls), "\(o.maxPerNode) / \(fmt(o.meanPerNode))", fmt(o.peakPerSecond), bucket, grouped(o.throttled)])
            }
            out += t.render(indent: "  ", bold: bold)
        }
        out += "\n" + bold("Subnets") + " (free addresses)\n"
        var s = TextTable(["SUBNET", "USABLE", "START", "LOWEST", "AT", "END", "RAN OUT"], right: [1, 2, 3, 5])
        for x in r.subnets {
            s.add([x.name, grouped(x.usable), grouped(x.freeAtStart), grouped(x.freeMin), d(x.freeMinAt), grouped(x.freeAtEnd), x.exhaustedAt.map(d) ?? "-"])
        }
        out += s.render(indent: "  ", bold: bold)
        if let e = r.events { out += "\n" + eventsText(e, bold: bold) }
        if !r.warnings.isEmpty { out += "\n" }
        for w in r.warnings { out += (color ? "\u{1B}[33mwarning\u{1B}[0m" : "warning") + "[\(w.code.rawValue)]: \(w.message)\n" }
        return out
    }

    static func fmt(_ x: Double) -> String {
        if x == x.rounded() { return String(Int(x)) }
        return String(format: "%.1f", x)
    }

    // MARK: JSON

    struct DTO: Encodable {
        var schemaVersion: Int
        var tool = "netsim"
        var version: String
        var scenario: String
        var durationSeconds: Int
        var seed: UInt64
        var settings: [String]
        var nodes: Nodes
        var pods: Pods
        var ec2: [Op]
        var subnets: [Subnet]
        var warnings: [MaxPodsRenderer.WarningDTO]
        /// Present with --events only.
        var ipamdEvents: Events?
    }
    struct Events: Encodable {
        var selector: String; var node: String?; var instanceId: String?; var nodeGroup: String?; var instanceType: String?
        var maxPods: Int?; var launchedAt: Int?; var readyAt: Int?; var decisions: [Decision]
    }
    struct Decision: Encodable {
        var time: Int; var through: Int; var verdict: String; var reason: String; var pool: Pool; var steps: [String]; var ec2Calls: [Call]
    }
    struct Pool: Encodable {
        var total: Int; var assigned: Int; var available: Int; var assignable: Int; var cooling: Int; var freePrefixes: Int?
        var enis: Int; var podsWaiting: Int
    }
    struct Call: Encodable { var operation: String; var request: String; var subnet: String?; var result: String; var error: String? }
    struct Nodes: Encodable { var start: Int; var end: Int; var peak: Int; var added: Int; var removed: Int }
    struct Pods: Encodable {
        var runningAtStart: Int; var runningAtEnd: Int; var created: Int; var started: Int; var deleted: Int
        var waitedForIp: Int; var waitSeconds: Wait; var stillWaitingForIp: Int; var unschedulable: Int; var longestWaits: [Long]
    }
    struct Wait: Encodable { var p50: Int; var p95: Int; var p99: Int; var max: Int }
    struct Long: Encodable { var pod: String; var node: String; var seconds: Int; var since: Int }
    struct Op: Encodable {
        var operation: String; var calls: Int; var throttled: Int; var peakPerSecond: Double
        var maxPerNode: Int; var meanPerNode: Double; var bucketCapacity: Double?; var bucketRefillPerSecond: Double?
    }
    struct Subnet: Encodable {
        var name: String; var usable: Int; var freeAtStart: Int; var freeLowest: Int; var freeLowestAt: Int; var freeAtEnd: Int; var exhaustedAt: Int?
    }

    static func dto(_ r: SimulationResult) -> DTO {
        DTO(schemaVersion: NetsimVersion.jsonSchemaVersion, version: NetsimVersion.current, scenario: r.scenario, durationSeconds: r.duration,
            seed: r.seed, settings: r.settings,
            nodes: Nodes(start: r.nodesAtStart, end: r.samples.last?.nodes ?? 0, peak: r.peakNodes, added: r.nodesAdded, removed: r.nodesRemoved),
            pods: Pods(runningAtStart: r.podsRunningAtStart, runningAtEnd: r.samples.last?.podsRunning ?? 0, created: r.podsCreated,
                       started: r.podsStarted, deleted: r.podsDeleted, waitedForIp: r.podsThatWaited,
                       waitSeconds: Wait(p50: r.waitP50, p95: r.waitP95, p99: r.waitP99, max: r.waitMax),
                       stillWaitingForIp: r.stillWaiting, unschedulable: r.unschedulable,
                       longestWaits: r.longestWaits.map { Long(pod: $0.pod, node: $0.node, seconds: $0.seconds, since: $0.since) }),
            ec2: r.operations.map { Op(operation: $0.operation.rawValue, calls: $0.calls, throttled: $0.throttled,
                                       peakPerSecond: ($0.peakPerSecond * 10).rounded() / 10, maxPerNode: $0.maxPerNode,
                                       meanPerNode: ($0.meanPerNode * 100).rounded() / 100, bucketCapacity: $0.bucket?.capacity,
                                       bucketRefillPerSecond: $0.bucket?.refillPerSecond) },
            subnets: r.subnets.map { Subnet(name: $0.name, usable: $0.usable, freeAtStart: $0.freeAtStart, freeLowest: $0.freeMin,
                                            freeLowestAt: $0.freeMinAt, freeAtEnd: $0.freeAtEnd, exhaustedAt: $0.exhaustedAt) },
            warnings: r.warnings.map { MaxPodsRenderer.WarningDTO(code: $0.code.rawValue, message: $0.message) },
            ipamdEvents: r.events.map(events))
    }

    static func events(_ e: NodeEventLog) -> Events {
        Events(selector: e.selector, node: e.node, instanceId: e.instanceID, nodeGroup: e.nodeGroup, instanceType: e.instanceType,
               maxPods: e.maxPods, launchedAt: e.launchedAt, readyAt: e.readyAt,
               decisions: e.decisions.map { d in
                   Decision(time: d.time, through: d.through, verdict: d.verdict.rawValue, reason: d.reason,
                            pool: Pool(total: d.total, assigned: d.assigned, available: d.available, assignable: d.assignable, cooling: d.cooling,
                                       freePrefixes: d.freePrefixes, enis: d.enis, podsWaiting: d.podsWaiting),
                            steps: d.steps,
                            ec2Calls: d.calls.map { Call(operation: $0.operation.rawValue, request: $0.request, subnet: $0.subnet, result: $0.result,
                                                         error: $0.error?.rawValue) })
               })
    }

    /// The event log as text: one block per pool-manager iteration that decided something.
    static func eventsText(_ e: NodeEventLog, bold: (String) -> String) -> String {
        func d(_ s: Int) -> String { Scenario.formatDuration(s) }
        guard let node = e.node else {
            return bold("ipamd on \(e.selector)") + "\n  no node matched '\(e.selector)' during the run\n"
        }
        var out = bold("ipamd on \(node)") + " (\(e.instanceID ?? ""), node group \(e.nodeGroup ?? ""), \(e.instanceType ?? ""), max pods \(e.maxPods ?? 0); Ready at \(d(e.readyAt ?? 0)))\n"
        if e.decisions.isEmpty { out += "  the pool was never too low or too high: ipamd did nothing\n"; return out }
        for x in e.decisions {
            let when = x.through > x.time ? "\(d(x.time))–\(d(x.through))" : d(x.time)
            var pool = "total \(x.total), assigned \(x.assigned), available \(x.available)"
            if x.cooling > 0 { pool += " (\(x.cooling) cooling)" }
            if let f = x.freePrefixes { pool += ", free /28s \(f)" }
            pool += ", ENIs \(x.enis)"
            if x.podsWaiting > 0 { pool += ", \(x.podsWaiting) pod\(x.podsWaiting == 1 ? "" : "s") waiting" }
            out += "  \(when)  \(x.verdict.rawValue): \(x.reason)  [\(pool)]\n"
            for s in x.steps { out += "      \(s)\n" }
            for c in x.calls {
                var line = "      EC2 \(c.operation.rawValue)"
                if !c.request.isEmpty { line += " \(c.request)" }
                if let s = c.subnet { line += " in \(s)" }
                if let err = c.error { line += " → \(err.rawValue)" }
                else if !c.result.isEmpty { line += " → " + (c.result.count > 72 ? String(c.result.prefix(69)) + "…" : c.result) }
                else { line += " → ok" }
                out += line + "\n"
            }
        }
        return out
    }

    // MARK: CSV timeline

    /// One row per 5 s tick.
    public static func csv(_ r: SimulationResult) -> String {
        var out = "time_s,nodes,ready_nodes,pods_running,pods_waiting_for_ip,pods_unschedulable,addresses_held,addresses_assigned,addresses_cooling,ec2_calls,ec2_throttled"
        for s in r.subnets { out += ",free_" + csvField(s.name) }
        out += "\n"
        for x in r.samples {
            out += "\(x.time),\(x.nodes),\(x.readyNodes),\(x.podsRunning),\(x.podsWaitingForIP),\(x.podsUnschedulable),\(x.addressesHeld),\(x.addressesAssigned),\(x.addressesCooling),\(x.ec2Calls),\(x.ec2Throttled)"
            for f in x.subnetFree { out += ",\(f)" }
            out += "\n"
        }
        return out
    }

    // MARK: SVG chart

    /// Two panels over time: each subnet's use (% of usable addresses) and the pods waiting for
    /// an IP (with unschedulable pods), for a person to open in a browser.
    public static func svg(_ r: SimulationResult) -> String {
        let w = 960.0, left = 70.0, right = 200.0, top = 40.0, panel = 180.0, gap = 60.0
        let plotW = w - left - right
        let h = top + panel * 2 + gap + 50
        let duration = Double(max(1, r.duration))
        func x(_ t: Int) -> Double { left + plotW * Double(t) / duration }
        func n(_ v: Double) -> String { String(format: "%.1f", v) }
        let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"\(n(left))\" y=\"22\" font-size=\"15\" font-weight=\"bold\">\(XML.escape("netsim simulate: \(r.scenario), \(Scenario.formatDuration(r.duration)), seed \(r.seed)"))</text>\n"
        // Panel 1: subnet use.
        let p1 = top
        out += axes(title: "subnet use (% of usable addresses)", y0: p1, height: panel, left: left, width: plotW, max: 100, unit: "%", duration: r.duration, x: x)
        for (k, s) in r.subnets.enumerated() {
            let color = palette[k % palette.count]
            let usable = Double(max(1, s.usable))
            let points = r.samples.map { sample -> String in
                let used = 100 * (usable - Double(sample.subnetFree[k])) / usable
                return "\(n(x(sample.time))),\(n(p1 + panel - panel * min(100, max(0, used)) / 100))"
            }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(points)\"/>\n"
            out += "<rect x=\"\(n(left + plotW + 12))\" y=\"\(n(p1 + Double(k) * 16))\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
            out += "<text x=\"\(n(left + plotW + 26))\" y=\"\(n(p1 + Double(k) * 16 + 9))\">\(XML.escape(s.name))</text>\n"
        }
        // Panel 2: waiting pods.
        let p2 = top + panel + gap
        let peak = Double(max(1, r.samples.map { max($0.podsWaitingForIP, $0.podsUnschedulable) }.max() ?? 1))
        out += axes(title: "pods waiting for an IP", y0: p2, height: panel, left: left, width: plotW, max: peak, unit: "", duration: r.duration, x: x)
        func series(_ value: (SimulationResult.Sample) -> Int, color: String, label: String, row: Int) {
            var points = "\(n(x(0))),\(n(p2 + panel)) "
            points += r.samples.map { "\(n(x($0.time))),\(n(p2 + panel - panel * Double(value($0)) / peak))" }.joined(separator: " ")
            points += " \(n(x(r.samples.last?.time ?? 0))),\(n(p2 + panel))"
            out += "<polygon fill=\"\(color)\" fill-opacity=\"0.35\" stroke=\"\(color)\" points=\"\(points)\"/>\n"
            out += "<rect x=\"\(n(left + plotW + 12))\" y=\"\(n(p2 + Double(row) * 16))\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
            out += "<text x=\"\(n(left + plotW + 26))\" y=\"\(n(p2 + Double(row) * 16 + 9))\">\(label)</text>\n"
        }
        series({ $0.podsWaitingForIP }, color: "#d62728", label: "waiting for an IP", row: 0)
        series({ $0.podsUnschedulable }, color: "#7f7f7f", label: "unschedulable", row: 1)
        out += "</svg>\n"
        return out
    }

    static func axes(title: String, y0: Double, height: Double, left: Double, width: Double, max: Double, unit: String, duration: Int,
                     x: (Int) -> Double) -> String {
        func n(_ v: Double) -> String { String(format: "%.1f", v) }
        var out = "<text x=\"\(n(left))\" y=\"\(n(y0 - 8))\" font-weight=\"bold\">\(XML.escape(title))</text>\n"
        out += "<rect x=\"\(n(left))\" y=\"\(n(y0))\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"none\" stroke=\"#999\"/>\n"
        for k in 0...4 {
            let v = max * Double(k) / 4
            let y = y0 + height - height * Double(k) / 4
            out += "<line x1=\"\(n(left))\" x2=\"\(n(left + width))\" y1=\"\(n(y))\" y2=\"\(n(y))\" stroke=\"#eee\"/>"
            let label = max >= 8 || v == v.rounded() ? String(Int(v.rounded())) : String(format: "%.1f", v)
            out += "<text x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(label)\(unit)</text>\n"
        }
        let steps = 6
        for k in 0...steps {
            let t = duration * k / steps
            out += "<text x=\"\(n(x(t)))\" y=\"\(n(y0 + height + 16))\" text-anchor=\"middle\">\(Scenario.formatDuration(t))</text>\n"
        }
        return out
    }
}
