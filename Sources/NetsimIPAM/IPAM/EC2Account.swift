import NetsimModel

/// The EC2 API operations ipamd makes, as AWS names them.
public enum EC2Operation: String, Sendable, CaseIterable, Comparable {
    case describeSubnets = "DescribeSubnets"
    case describeInstances = "DescribeInstances"
    case createNetworkInterface = "CreateNetworkInterface"
    case attachNetworkInterface = "AttachNetworkInterface"
    case modifyNetworkInterfaceAttribute = "ModifyNetworkInterfaceAttribute"
    case assignPrivateIpAddresses = "AssignPrivateIpAddresses"
    case unassignPrivateIpAddresses = "UnassignPrivateIpAddresses"
    case detachNetworkInterface = "DetachNetworkInterface"
    case deleteNetworkInterface = "DeleteNetworkInterface"
    case describeNetworkInterfaces = "DescribeNetworkInterfaces"

    var index: Int {
        switch self {
        case .describeSubnets: return 0
        case .describeInstances: return 1
        case .createNetworkInterface: return 2
        case .attachNetworkInterface: return 3
        case .modifyNetworkInterfaceAttribute: return 4
        case .assignPrivateIpAddresses: return 5
        case .unassignPrivateIpAddresses: return 6
        case .detachNetworkInterface: return 7
        case .deleteNetworkInterface: return 8
        case .describeNetworkInterfaces: return 9
        }
    }

    public static func < (a: EC2Operation, b: EC2Operation) -> Bool { a.rawValue < b.rawValue }
}

/// Why an EC2 call failed, with the error code EC2 returns.
public enum EC2Error: String, Error, Sendable {
    case insufficientFreeAddresses = "InsufficientFreeAddressesInSubnet"
    case insufficientCidrBlocks = "InsufficientCidrBlocks"
    case requestLimitExceeded = "RequestLimitExceeded"

    /// The errors after which ipamd stops growing for 120 s.
    public var isSubnetExhaustion: Bool { self != .requestLimitExceeded }
}

/// EC2's request throttling: a token bucket per API action per account and Region, refilled
/// every second ("Request throttling for the Amazon EC2 API"; `Docs/capacity.md`).
public struct EC2RateLimits: Hashable, Sendable {
    public struct Bucket: Hashable, Sendable {
        public var capacity: Double
        public var refillPerSecond: Double
        public init(_ capacity: Double, _ refillPerSecond: Double) { self.capacity = capacity; self.refillPerSecond = refillPerSecond }
    }
    public var buckets: [EC2Operation: Bucket]

    /// AWS's documented defaults. CreateNetworkInterface, DeleteNetworkInterface,
    /// Assign/UnassignPrivateIpAddresses and ModifyNetworkInterfaceAttribute have their own
    /// 100-token buckets refilled at 5/s; Attach/DetachNetworkInterface fall under generic mutating
    /// actions (50, 5/s); DescribeInstances and DescribeNetworkInterfaces called with ID lists and
    /// no filter count as unfiltered (50, 10/s); DescribeSubnets with filters is non-mutating (100, 20/s).
    public static let standard = EC2RateLimits(buckets: [
        .createNetworkInterface: Bucket(100, 5), .deleteNetworkInterface: Bucket(100, 5),
        .assignPrivateIpAddresses: Bucket(100, 5), .unassignPrivateIpAddresses: Bucket(100, 5),
        .modifyNetworkInterfaceAttribute: Bucket(100, 5),
        .attachNetworkInterface: Bucket(50, 5), .detachNetworkInterface: Bucket(50, 5),
        .describeInstances: Bucket(50, 10), .describeNetworkInterfaces: Bucket(50, 10),
        .describeSubnets: Bucket(100, 20),
    ])
    /// No throttling, for steady-state allocation.
    public static let unlimited = EC2RateLimits(buckets: [:])

    /// The same limits with every refill rate and capacity multiplied (AWS raises them on request).
    public func scaled(by factor: Double) -> EC2RateLimits {
        EC2RateLimits(buckets: buckets.mapValues { Bucket($0.capacity * factor, $0.refillPerSecond * factor) })
    }
}

/// The EC2 side of IP address management: every subnet's free space, the IDs EC2 makes, the
/// calls ipamd makes (counted per operation) and request throttling.
public struct EC2Account: Sendable {
    public private(set) var pools: [SubnetPool]
    public let poolIndex: [String: Int]
    public let seed: UInt64
    var rng: SplitMix64
    /// Calls made and calls throttled, indexed like `EC2Operation.allCases`.
    public private(set) var callCounts = Array(repeating: 0, count: EC2Operation.allCases.count)
    public private(set) var throttledCounts = Array(repeating: 0, count: EC2Operation.allCases.count)
    public var calls: [EC2Operation: Int] {
        Dictionary(uniqueKeysWithValues: EC2Operation.allCases.compactMap { op in callCounts[op.index] > 0 ? (op, callCounts[op.index]) : nil })
    }
    public var throttled: [EC2Operation: Int] {
        Dictionary(uniqueKeysWithValues: EC2Operation.allCases.compactMap { op in throttledCounts[op.index] > 0 ? (op, throttledCounts[op.index]) : nil })
    }
    public var throttledTotal: Int { throttledCounts.reduce(0, +) }
    public private(set) var limits: EC2RateLimits
    /// Tokens left per operation, refilled lazily; index = operation order in `EC2Operation.allCases`.
    private var tokens: [Double]
    private var lastRefill: [Int]
    private var bucketList: [EC2RateLimits.Bucket?]
    private var serial = 0
    /// Calls recorded while non-nil (one traced node's pool-manager iteration).
    public var callLog: [EC2CallRecord]?

    public init(subnets: [Subnet], seed: UInt64, limits: EC2RateLimits = .unlimited) {
        pools = subnets.map(SubnetPool.init)
        var idx: [String: Int] = [:]
        for (i, s) in subnets.enumerated() { idx[s.name] = i }
        poolIndex = idx
        self.seed = seed
        rng = SplitMix64(seed: seed ^ 0x5EED_0EC2)
        self.limits = limits
        bucketList = EC2Operation.allCases.map { limits.buckets[$0] }
        tokens = bucketList.map { $0?.capacity ?? 0 }
        lastRefill = Array(repeating: 0, count: EC2Operation.allCases.count)
    }

    public func pool(_ index: Int) -> SubnetPool { pools[index] }

    /// Adds a subnet outside the topology (a what-if's stand-in for "addresses enough"); its
    /// index is returned and it has no name in `poolIndex`.
    public mutating func addScratchPool(_ subnet: Subnet) -> Int {
        pools.append(SubnetPool(subnet: subnet))
        return pools.count - 1
    }

    /// Marks an address used outside ipamd (NAT gateways, load balancers, fixed hosts).
    @discardableResult
    public mutating func reserve(_ ip: IPv4Address, inSubnet index: Int) -> Bool { pools[index].take(ip) }

    public mutating func randomAddress(inSubnet index: Int) -> IPv4Address? { pools[index].allocateAddress(using: &rng) }

    /// A fresh identifier such as `eni-0…` and a MAC, unique within this account.
    public mutating func makeENIIdentity(owner: String) -> (id: String, mac: String) {
        serial += 1
        let id = AWSID.make("eni", name: "\(owner)#\(serial)", seed: seed)
        let h = StableHash.fnv1a("mac/\(owner)#\(serial)", seed: seed)
        var bytes = (0..<6).map { UInt8(truncatingIfNeeded: h >> UInt64($0 * 8)) }
        bytes[0] = (bytes[0] | 0x02) & 0xFE     // locally administered, unicast, as EC2's MACs are
        let mac = bytes.map { b in let s = String(b, radix: 16); return s.count == 1 ? "0" + s : s }.joined(separator: ":")
        return (id, mac)
    }

    // MARK: calls and throttling

    /// Counts one call; false when EC2 throttles it (RequestLimitExceeded) on every attempt.
    /// ipamd's AWS SDK client makes up to three attempts with a short back-off (about 1 s, then
    /// 2 s), so a throttled call is tried again within the same pool-loop tick.
    public mutating func call(_ op: EC2Operation, now: Int) -> Bool {
        let ok = count(op, now: now)
        if callLog != nil { callLog?.append(EC2CallRecord(operation: op, error: ok ? nil : .requestLimitExceeded)) }
        return ok
    }

    private mutating func count(_ op: EC2Operation, now: Int) -> Bool {
        let i = op.index
        guard let b = bucketList[i] else { callCounts[i] += 1; return true }
        for delay in [0, 1, 3] {
            let t = now + delay
            if t > lastRefill[i] {
                tokens[i] = min(b.capacity, tokens[i] + Double(t - lastRefill[i]) * b.refillPerSecond)
                lastRefill[i] = t
            }
            if tokens[i] >= 1 {
                tokens[i] -= 1
                callCounts[i] += 1
                return true
            }
            throttledCounts[i] += 1
        }
        return false
    }

    /// Starts counting afresh under `limits` with full buckets at time 0, keeping every
    /// subnet's addresses (a simulation that starts from an allocated cluster).
    public mutating func resetCalls(limits: EC2RateLimits) {
        self.limits = limits
        bucketList = EC2Operation.allCases.map { limits.buckets[$0] }
        tokens = bucketList.map { $0?.capacity ?? 0 }
        lastRefill = Array(repeating: 0, count: EC2Operation.allCases.count)
        callCounts = Array(repeating: 0, count: EC2Operation.allCases.count)
        throttledCounts = Array(repeating: 0, count: EC2Operation.allCases.count)
    }

    // MARK: addresses for ENIs

    /// AssignPrivateIpAddresses: `count` secondary IPs, or `count` /28 prefixes, all or nothing.
    public mutating func assign(count: Int, prefixes: Bool, subnet: Int, now: Int) -> Result<[IPv4CIDR], EC2Error> {
        guard call(.assignPrivateIpAddresses, now: now) else { return .failure(.requestLimitExceeded) }
        let r = take(count: count, prefixes: prefixes, subnet: subnet)
        if callLog != nil { annotate(request: EC2Account.describe(count, prefixes: prefixes), subnet: subnet, r.map { ($0, nil) }) }
        return r
    }

    static func describe(_ n: Int, prefixes: Bool) -> String {
        prefixes ? "\(n) /28 prefix\(n == 1 ? "" : "es")" : "\(n) secondary IP\(n == 1 ? "" : "s")"
    }

    /// Fills in the last recorded call's request and result (a traced iteration only).
    public mutating func describeLastCall(request: String, subnet: Int, result: String) {
        guard let last = callLog?.indices.last else { return }
        callLog?[last].request = request
        callLog?[last].subnet = pools[subnet].subnet.name
        if callLog?[last].error == nil { callLog?[last].result = result }
    }

    /// Fills in the last recorded call: what it asked for and what it got.
    private mutating func annotate(request: String, subnet: Int, _ r: Result<([IPv4CIDR], IPv4Address?), EC2Error>) {
        guard let last = callLog?.indices.last else { return }
        callLog?[last].request = request
        callLog?[last].subnet = pools[subnet].subnet.name
        switch r {
        case .success(let (cidrs, primary)):
            var parts = primary.map { ["primary \($0)"] } ?? []
            parts += cidrs.map { $0.prefixLength == 32 ? $0.network.description : $0.description }
            callLog?[last].result = parts.joined(separator: ", ")
        case .failure(let e):
            callLog?[last].error = e
        }
    }

    private mutating func take(count: Int, prefixes: Bool, subnet: Int) -> Result<[IPv4CIDR], EC2Error> {
        if prefixes {
            var got: [IPv4CIDR] = []
            for _ in 0..<count {
                guard let p = pools[subnet].allocatePrefix(using: &rng) else {
                    for q in got { pools[subnet].releasePrefix(q) }
                    return .failure(.insufficientCidrBlocks)
                }
                got.append(p)
            }
            return .success(got)
        }
        guard let ips = pools[subnet].allocateAddresses(count, using: &rng) else { return .failure(.insufficientFreeAddresses) }
        return .success(ips.map { IPv4CIDR(network: $0, prefixLength: 32) })
    }

    /// CreateNetworkInterface with a primary address and `count` secondary IPs or prefixes.
    public mutating func createENI(count: Int, prefixes: Bool, subnet: Int, now: Int) -> Result<(IPv4Address, [IPv4CIDR]), EC2Error> {
        guard call(.createNetworkInterface, now: now) else { return .failure(.requestLimitExceeded) }
        let request = "an ENI with " + EC2Account.describe(count, prefixes: prefixes)
        guard let primary = pools[subnet].allocateAddress(using: &rng) else {
            if callLog != nil { annotate(request: request, subnet: subnet, .failure(.insufficientFreeAddresses)) }
            return .failure(.insufficientFreeAddresses)
        }
        switch take(count: count, prefixes: prefixes, subnet: subnet) {
        case .success(let cidrs):
            if callLog != nil { annotate(request: request, subnet: subnet, .success((cidrs, primary))) }
            return .success((primary, cidrs))
        case .failure(let e):
            pools[subnet].release(primary)
            if callLog != nil { annotate(request: request, subnet: subnet, .failure(e)) }
            return .failure(e)
        }
    }

    /// Returns addresses to the subnet (UnassignPrivateIpAddresses, or an ENI deleted).
    public mutating func free(_ cidrs: [IPv4CIDR], subnet: Int) {
        for c in cidrs {
            if c.prefixLength == 28 { pools[subnet].releasePrefix(c) } else { pools[subnet].release(c.network) }
        }
    }

    public mutating func freeAddress(_ ip: IPv4Address, subnet: Int) { pools[subnet].release(ip) }
}
