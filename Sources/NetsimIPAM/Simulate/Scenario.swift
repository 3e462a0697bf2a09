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

    // MARK: what a run can represent

    /// The longest run, and the longest ENI attach latency or node start-up: 7 days.
    public static let longestDuration = 7 * 86400
    /// Pods a scenario may add with addPods events (and --pods flags) in all.
    public static let mostAddedPods = 1_000_000
    /// Nodes a scenario's scaleNodes events (and --scale flags) may add over the run, counted as
    /// the sum of every increase of a group's size: ten times the largest group size. Each size
    /// is bounded by itself; this bounds their sum (a group flapping between 0 and 100,000 nodes).
    public static let mostAddedNodes = 1_000_000
    /// The nodes `events` add over a run, in time order (stable), from the groups' sizes at start.
    public static func nodesAdded(by events: [Event], start: [String: Int]) -> Int {
        var size = start
        var added = 0
        for e in events.enumerated().sorted(by: { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }).map(\.element) {
            if case .scaleNodes(let g, let n) = e.action {
                added = added.addingSaturated(max(0, n - size[g, default: 0]))
                size[g] = n
            }
        }
        return added
    }
    /// The highest churn: 1000 % of running pods per hour.
    public static let mostChurnPerHour = 10.0
    /// The largest rollout maxSurge: 1000 % of the replicas.
    public static let largestSurge = 10.0

    /// "90s", "5m", "1h30m", or plain seconds. A value too large for a whole number saturates at
    /// `Int.max`, so callers report it as too long instead of trapping.
    public static func parseDuration(_ text: String) -> Int? {
        let t = text.trimmingSpaces()
        if let n = Int(t), n >= 0 { return n }
        if !t.isEmpty, t.allSatisfy({ $0.isASCII && $0.isNumber }) { return Int.max }
        var total = 0
        var number = ""
        var sawUnit = false
        for ch in t {
            if ch.isASCII && ch.isNumber { number.append(ch); continue }
            guard !number.isEmpty else { return nil }
            let n = Int(number) ?? Int.max
            switch ch {
            case "s": total = total.addingSaturated(n)
            case "m": total = total.addingSaturated(n.multipliedSaturated(by: 60))
            case "h": total = total.addingSaturated(n.multipliedSaturated(by: 3600))
            case "d": total = total.addingSaturated(n.multipliedSaturated(by: 86400))
            default: return nil
            }
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit else { return nil }
        return total
    }

    /// "25%" or "0.25" as a fraction; nil when it does not parse, is negative or is not finite.
    public static func parseFraction(_ text: String) -> Double? {
        let t = text.trimmingSpaces()
        let value = t.hasSuffix("%") ? Double(t.dropLast()).map { $0 / 100 } : Double(t)
        guard let value, value.isFinite, value >= 0 else { return nil }
        return value
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
