import NetsimModel

/// One EC2 call ipamd made on a traced node, with what it asked for and how it ended.
public struct EC2CallRecord: Hashable, Sendable {
    public var operation: EC2Operation
    /// What was asked, e.g. "3 secondary IPs" or "1 /28 prefix"; empty for plain calls.
    public var request: String
    /// The subnet the addresses were asked from, if any.
    public var subnet: String?
    /// nil when the call succeeded.
    public var error: EC2Error?
    /// What EC2 gave back, e.g. "10.0.3.17/32, 10.0.9.4/32" or "eni-0…"; empty when nothing.
    public var result: String

    public init(operation: EC2Operation, request: String = "", subnet: String? = nil, error: EC2Error? = nil, result: String = "") {
        self.operation = operation; self.request = request; self.subnet = subnet; self.error = error; self.result = result
    }
}

/// What one pool-manager iteration on a traced node saw and did (`netsim simulate --events`):
/// ipamd's view of the pool, its verdict with the target that decided it, each action and each
/// EC2 call. Consecutive iterations that decide the same and call nothing are one record with
/// `through` set to the last of them.
public struct PoolDecision: Hashable, Sendable {
    public enum Verdict: String, Sendable {
        /// `isDatastorePoolTooLow`: grow.
        case tooLow = "too-low"
        /// `isDatastorePoolTooHigh`: release surplus IPs or prefixes.
        case tooHigh = "too-high"
        /// Neither.
        case ok
        /// The node holds max pods' worth of addresses: ipamd never grows past that.
        case atMaxPods = "at-max-pods"
    }

    public var time: Int
    public var through: Int
    public var verdict: Verdict
    /// Why, with the numbers: e.g. "available 8 < WARM_ENI_TARGET 1 × 9 IPs per ENI = 9".
    public var reason: String
    /// ipamd's statistics before the iteration.
    public var total: Int
    public var assigned: Int
    public var cooling: Int
    public var freePrefixes: Int?
    public var enis: Int
    /// Pods on the node waiting for an address when the iteration began.
    public var podsWaiting: Int
    /// What ipamd did or why it did nothing, in order (one sentence each).
    public var steps: [String]
    public var calls: [EC2CallRecord]

    public var available: Int { total - assigned }
    public var assignable: Int { total - assigned - cooling }
}

/// `netsim simulate --events NODE`: which node was followed, and ipamd's decisions on it.
public struct NodeEventLog: Sendable {
    /// What the user asked for: a node name, an instance ID, a node group (its first node) or
    /// GROUP/N (the group's node N, counting from 0 in launch order).
    public var selector: String
    /// nil when no node matched during the run.
    public var node: String?
    public var instanceID: String?
    public var nodeGroup: String?
    public var instanceType: String?
    public var maxPods: Int?
    /// When the node joined the run (0 for nodes there from the start) and became Ready.
    public var launchedAt: Int?
    public var readyAt: Int?
    public var decisions: [PoolDecision]

    public init(selector: String) { self.selector = selector; decisions = [] }
}
