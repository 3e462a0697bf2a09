import NetsimModel

/// What happens to a cluster over time: node and pod arrivals and deletions, rollouts, churn.
public struct Scenario: Sendable {
    public enum Action: Sendable {
        /// Set a node group's node count (new nodes join, or the newest leave and their pods
        /// are recreated elsewhere).
        case scaleNodes(group: String, count: Int)
        /// Set a workload's replicas.
        case scalePods(kind: WorkloadKind, namespace: String, name: String, replicas: Int)
        /// Create pods of a plain Deployment (`netsim-whatif/extra`).
        case addPods(count: Int)
        /// Delete running pods, chosen at random (seeded), without replacement.
        case deletePods(count: Int)
        /// Replace every pod of a Deployment, `maxSurge` (a fraction of replicas, at least one
        /// pod) at a time: an old pod goes when a new one runs.
        case rollout(kind: WorkloadKind, namespace: String, name: String, maxSurge: Double)
        /// From now on, delete and recreate this fraction of running pods per hour.
        case churn(perHour: Double)
    }

    public struct Event: Sendable {
        public var at: Int
        public var action: Action
        public var location: SourceLocation?
        public init(at: Int, action: Action, location: SourceLocation? = nil) { self.at = at; self.action = action; self.location = location }
    }

    public var name: String
    /// Seconds.
    public var duration: Int
    /// Fraction of running pods replaced per hour from the start (0.1 = 10 %/h).
    public var churnPerHour: Double
    /// Seconds from CreateNetworkInterface to the ENI's addresses being usable (the CNI docs:
    /// "up to 10 seconds").
    public var eniAttachLatency: Int
    /// Seconds from a node's launch to Ready (ipamd starts, pods are scheduled).
    public var nodeReadyAfter: Int
    public var ec2Limits: EC2RateLimits
    /// Events in time order.
    public var events: [Event]
    /// Start from no nodes and no pods, rather than from the topology's steady state.
    public var fromEmpty: Bool

    public init(name: String = "scenario", duration: Int = 3600, churnPerHour: Double = 0, eniAttachLatency: Int = 10,
                nodeReadyAfter: Int = 60, ec2Limits: EC2RateLimits = .standard, events: [Event] = [], fromEmpty: Bool = false) {
        self.name = name; self.duration = duration; self.churnPerHour = churnPerHour; self.eniAttachLatency = eniAttachLatency
        self.nodeReadyAfter = nodeReadyAfter; self.ec2Limits = ec2Limits; self.events = events; self.fromEmpty = fromEmpty
    }

    /// "90s", "5m", "1h30m", or plain seconds.
    public static func parseDuration(_ text: String) -> Int? {
        let t = text.trimmingSpaces()
        if let n = Int(t), n >= 0 { return n }
        var total = 0
        var number = ""
        var sawUnit = false
        for ch in t {
            if ch.isNumber { number.append(ch); continue }
            guard let n = Int(number) else { return nil }
            let unit: Int
            switch ch {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            default: return nil
            }
            // A duration past Int.max seconds is no duration (callers bound the range).
            let (seconds, o1) = n.multipliedReportingOverflow(by: unit)
            let (sum, o2) = total.addingReportingOverflow(seconds)
            if o1 || o2 { return nil }
            total = sum
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit else { return nil }
        return total
    }

    /// "25%" or "0.25" as a fraction; nil when it does not parse or is negative.
    public static func parseFraction(_ text: String) -> Double? {
        let t = text.trimmingSpaces()
        if t.hasSuffix("%") { return Double(t.dropLast()).flatMap { $0 >= 0 ? $0 / 100 : nil } }
        return Double(t).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// "1h5m" for people.
    public static func formatDuration(_ seconds: Int) -> String {
        if seconds == 0 { return "0s" }
        var s = seconds, out = ""
        if s >= 3600 { out += "\(s / 3600)h"; s %= 3600 }
        if s >= 60 { out += "\(s / 60)m"; s %= 60 }
        if s > 0 { out += "\(s)s" }
        return out
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
