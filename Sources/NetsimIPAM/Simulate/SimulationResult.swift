import NetsimModel

/// What a simulated run of ipamd's control loop showed.
public struct SimulationResult: Sendable {
    /// The cluster every 5 s tick.
    public struct Sample: Sendable {
        public var time: Int
        public var nodes: Int
        public var readyNodes: Int
        public var podsRunning: Int
        public var podsWaitingForIP: Int
        public var podsUnschedulable: Int
        /// Addresses nodes hold for pods (secondary IPs or prefix addresses), assigned or not.
        public var addressesHeld: Int
        public var addressesAssigned: Int
        public var addressesCooling: Int
        /// Free addresses per tracked subnet, in `subnets` order.
        public var subnetFree: [Int]
        /// EC2 calls made during this tick, and how many were throttled.
        public var ec2Calls: Int
        public var ec2Throttled: Int
    }

    public struct Operation: Sendable {
        public var operation: EC2Operation
        public var calls: Int
        public var throttled: Int
        /// Most calls in one 5 s tick, per second.
        public var peakPerSecond: Double
        /// Most calls any one node made.
        public var maxPerNode: Int
        public var meanPerNode: Double
        public var bucket: EC2RateLimits.Bucket?
    }

    public struct SubnetUse: Sendable {
        public var name: String
        public var usable: Int
        public var freeAtStart: Int
        public var freeMin: Int
        public var freeMinAt: Int
        public var freeAtEnd: Int
        /// When EC2 first refused ipamd addresses here (or the subnet had none left), if it did.
        public var exhaustedAt: Int?
    }

    public struct Wait: Sendable {
        public var pod: String
        public var node: String
        public var seconds: Int
        public var since: Int
    }

    public var scenario: String
    public var duration: Int
    public var seed: UInt64
    public var settings: [String]
    public var samples: [Sample]
    public var subnets: [SubnetUse]
    public var operations: [Operation]
    public var podsCreated: Int
    public var podsStarted: Int
    public var podsDeleted: Int
    /// Pods that had to wait for an IP, and for how long (seconds).
    public var podsThatWaited: Int
    public var waitP50: Int
    public var waitP95: Int
    public var waitP99: Int
    public var waitMax: Int
    public var longestWaits: [Wait]
    /// At the end: pods still without an IP, and pods no node could take.
    public var stillWaiting: Int
    public var unschedulable: Int
    /// The cluster before the first event.
    public var nodesAtStart: Int
    public var podsRunningAtStart: Int
    public var nodesAdded: Int
    public var nodesRemoved: Int
    public var peakNodes: Int
    public var warnings: [CapacityWarning]
    /// ipamd's decisions on one node, with `--events`.
    public var events: NodeEventLog?
}
