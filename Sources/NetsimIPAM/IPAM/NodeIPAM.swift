import NetsimModel

/// One /32 secondary IP or /28 prefix on an ENI, with the state of each of its addresses.
public struct NodeCIDR: Sendable {
    public var cidr: IPv4CIDR
    /// Bit i: address i of the block is assigned to a pod.
    public var assigned: UInt16 = 0
    /// Bit i: address i was released less than IP_COOLDOWN_PERIOD ago.
    public var cooling: UInt16 = 0
    var coolUntil: [Int32]

    init(_ cidr: IPv4CIDR) {
        self.cidr = cidr
        coolUntil = Array(repeating: 0, count: cidr.size)
    }

    public var size: Int { cidr.size }
    var fullMask: UInt16 { size == 16 ? 0xFFFF : 1 }
    public var assignedCount: Int { assigned.nonzeroBitCount }
    public var assignable: UInt16 { ~assigned & ~cooling & fullMask }
}

/// An ENI attached to a node, in device-index order.
public struct NodeENI: Sendable {
    public var id: String
    public var mac: String
    public var deviceIndex: Int
    /// Index into the EC2 account's subnet pools.
    public var subnet: Int
    public var primaryIP: IPv4Address
    public var isPrimary: Bool
    public var isTrunk: Bool
    /// Security groups by name: the node group's, or the ENIConfig's under custom networking.
    public var securityGroups: [String]
    /// Seconds since the start of the run.
    public var createdAt: Int
    public var cidrs: [NodeCIDR] = []

    public init(id: String, mac: String, deviceIndex: Int, subnet: Int, primaryIP: IPv4Address, isPrimary: Bool,
                isTrunk: Bool, securityGroups: [String], createdAt: Int) {
        self.id = id; self.mac = mac; self.deviceIndex = deviceIndex; self.subnet = subnet; self.primaryIP = primaryIP
        self.isPrimary = isPrimary; self.isTrunk = isTrunk; self.securityGroups = securityGroups; self.createdAt = createdAt
    }

    public var total: Int { cidrs.reduce(0) { $0 + $1.size } }
    public var assigned: Int { cidrs.reduce(0) { $0 + $1.assignedCount } }
    public var hasCooling: Bool { cidrs.contains { $0.cooling != 0 } }
}

/// What one pool-manager iteration did on a node.
public enum PoolAction: Hashable, Sendable {
    case none
    case assignedToENI(ips: Int)
    case createdENI(ips: Int)
    case releasedIPs(Int)
    case freedENI
    case failed(EC2Error)
}

/// ipamd's datastore and pool manager for one node's default network card (VPC CNI v1.23.1,
/// `pkg/ipamd/ipamd.go` and `pkg/ipamd/datastore/data_store.go`; `Docs/capacity.md`).
///
/// ENIs and CIDRs are walked in device-index and allocation order where ipamd walks Go maps
/// (whose order is random): that is the one place netsim chooses, and it chooses determinism.
public struct NodeIPAM: Sendable {
    public let settings: CNISettings
    public let type: InstanceType
    /// Prefix delegation in force (requested and the type is Nitro or bare metal).
    public let prefixMode: Bool
    /// kubelet max pods: ipamd stops growing once it holds this many addresses.
    public let maxPods: Int
    public let maxENI: Int
    /// /32s or /28s per ENI: IPv4 per ENI − 1.
    public let maxCIDRsPerENI: Int
    /// Subnets a new ENI may go to, best first is decided at creation (subnet discovery).
    public var eniSubnets: [Int]
    public var eniSecurityGroups: [String]
    public var owner: String
    public private(set) var enis: [NodeENI] = []
    public private(set) var total = 0
    public private(set) var assigned = 0
    public private(set) var coolingCount = 0
    private var coolQueue: [(until: Int32, ip: UInt32)] = []
    private var coolHead = 0
    private var lastDecrease = Int.min / 2
    /// No grow attempts before this time (120 s after a subnet-exhaustion error).
    public private(set) var backoffUntil = Int.min / 2
    /// An ENI being created and attached; usable from `readyAt`.
    public private(set) var pendingENI: (eni: NodeENI, readyAt: Int)?
    public private(set) var lastError: EC2Error?
    /// ipamd's decisions, recorded while non-nil (`netsim simulate --events`).
    public var decisions: [PoolDecision]?
    /// Pods on the node waiting for an address, as the simulator last told it (recorded only).
    public var podsWaiting = 0
    /// The sentences of the iteration being recorded; nil otherwise.
    private var stepLog: StepLog?

    public static let poolInterval = 5
    public static let decreaseInterval = 30
    public static let minENIAge = 60
    public static let insufficientCidrCooldown = 120

    public init(owner: String, type: InstanceType, settings: CNISettings, maxPods: Int, primary: NodeENI,
                eniSubnets: [Int], eniSecurityGroups: [String]) {
        self.owner = owner
        self.type = type
        self.settings = settings
        prefixMode = settings.prefixDelegation && (type.hypervisor == .nitro || type.isBareMetal)
        self.maxPods = maxPods
        maxENI = min(settings.maxENI ?? type.eniLimit, type.eniLimit)
        maxCIDRsPerENI = max(0, type.ipv4PerENI - 1)
        self.eniSubnets = eniSubnets
        self.eniSecurityGroups = eniSecurityGroups
        enis = [primary]
    }

    // MARK: statistics (data_store.go GetIPStats)

    public var cidrSize: Int { prefixMode ? 16 : 1 }
    /// Addresses per ENI for pods.
    public var maxIPsPerENI: Int { maxCIDRsPerENI * cidrSize }
    /// Total − assigned: cooling addresses count as available, as in ipamd.
    public var available: Int { total - assigned }
    /// Available and not cooling: what a new pod can really get.
    public var assignable: Int { total - assigned - coolingCount }
    public var freePrefixes: Int {
        var n = 0
        for e in enis where !e.isTrunk { for c in e.cidrs where c.assigned == 0 { n += 1 } }
        return n
    }
    public var totalPrefixes: Int { prefixMode ? total / 16 : 0 }
    public var eniCount: Int { enis.count + (pendingENI == nil ? 0 : 1) }
    public var hasTrunk: Bool { enis.contains { $0.isTrunk } }

    private func ceilDiv(_ a: Int, _ b: Int) -> Int { a <= 0 ? 0 : (a + b - 1) / b }

    private var short: Int {
        max(settings.warmIPTarget - available, settings.minimumIPTarget - total, 0)
    }
    private var over: Int {
        if prefixMode {
            let byWarm = totalPrefixes - ceilDiv(assigned + settings.warmIPTarget, 16)
            let byMin = totalPrefixes - ceilDiv(settings.minimumIPTarget, 16)
            return max(min(freePrefixes, byWarm, byMin), 0)
        }
        return max(min(available - settings.warmIPTarget, total - settings.minimumIPTarget), 0)
    }

    /// ipamd's `isDatastorePoolTooLow`.
    public var poolTooLow: Bool {
        if total >= maxPods { return false }
        if settings.warmIPTargetsSet { return short > 0 }
        if prefixMode {
            return available < 16 * settings.warmPrefixTarget || (settings.warmPrefixTarget == 0 && available == 0)
        }
        return available < maxIPsPerENI * settings.warmENITarget || (settings.warmENITarget == 0 && available == 0)
    }

    /// ipamd's `isDatastorePoolTooHigh`.
    public var poolTooHigh: Bool {
        if settings.warmIPTargetsSet { return over > 0 }
        if prefixMode { return freePrefixes > settings.warmPrefixTarget }
        return false
    }

    /// Slots left for ENIs: the trunk reserve counts while no trunk is attached.
    public var roomForENI: Bool {
        let trunkReserve = settings.podENI && (type.isTrunkingCompatible ?? true) && !hasTrunk ? 1 : 0
        return eniCount < maxENI - trunkReserve
    }

    // MARK: pods

    /// CNI ADD: the first assignable address, walking ENIs then CIDRs; nil when none is free.
    public mutating func assignPodIP(now: Int) -> IPv4Address? {
        expireCooldowns(now: now)
        for e in enis.indices where !enis[e].isTrunk {
            for c in enis[e].cidrs.indices {
                let free = enis[e].cidrs[c].assignable
                if free != 0 {
                    let bit = free.trailingZeroBitCount
                    enis[e].cidrs[c].assigned |= 1 << UInt16(bit)
                    assigned += 1
                    return IPv4Address(enis[e].cidrs[c].cidr.network.value + UInt32(bit))
                }
            }
        }
        return nil
    }

    /// CNI DEL: the address cools down for IP_COOLDOWN_PERIOD before it can be reused.
    public mutating func releasePodIP(_ ip: IPv4Address, now: Int) {
        for e in enis.indices {
            for c in enis[e].cidrs.indices where enis[e].cidrs[c].cidr.contains(ip) {
                let bit = Int(ip.value - enis[e].cidrs[c].cidr.network.value)
                let m: UInt16 = 1 << UInt16(bit)
                guard enis[e].cidrs[c].assigned & m != 0 else { return }
                enis[e].cidrs[c].assigned &= ~m
                assigned -= 1
                if settings.ipCooldownSeconds > 0 {
                    let until = Int32(clamping: now + settings.ipCooldownSeconds)
                    enis[e].cidrs[c].cooling |= m
                    enis[e].cidrs[c].coolUntil[bit] = until
                    coolingCount += 1
                    coolQueue.append((until, ip.value))
                }
                return
            }
        }
    }

    public mutating func expireCooldowns(now: Int) {
        while coolHead < coolQueue.count, Int(coolQueue[coolHead].until) <= now {
            let (until, ip) = coolQueue[coolHead]
            coolHead += 1
            outer: for e in enis.indices {
                for c in enis[e].cidrs.indices where enis[e].cidrs[c].cidr.contains(IPv4Address(ip)) {
                    let bit = Int(ip - enis[e].cidrs[c].cidr.network.value)
                    let m: UInt16 = 1 << UInt16(bit)
                    if enis[e].cidrs[c].cooling & m != 0 && enis[e].cidrs[c].coolUntil[bit] == until {
                        enis[e].cidrs[c].cooling &= ~m
                        coolingCount -= 1
                    }
                    break outer
                }
            }
        }
        if coolHead > 1024 && coolHead * 2 > coolQueue.count {
            coolQueue.removeFirst(coolHead)
            coolHead = 0
        }
    }

    /// The earliest time a cooling address becomes assignable, if any.
    public var nextCooldownExpiry: Int? {
        coolHead < coolQueue.count ? Int(coolQueue[coolHead].until) : nil
    }

    // MARK: the pool manager

    /// Adds a trunk ENI (Security Groups for Pods); the VPC resource controller attaches it.
    public mutating func attachTrunk(_ eni: NodeENI) {
        var eni = eni
        eni.isTrunk = true
        enis.append(eni)
        enis.sort { $0.deviceIndex < $1.deviceIndex }
    }

    /// The lowest device index no ENI (attached or attaching) uses.
    public var nextDeviceIndex: Int {
        var used = Set(enis.map(\.deviceIndex))
        if let p = pendingENI { used.insert(p.eni.deviceIndex) }
        var i = 0
        while used.contains(i) { i += 1 }
        return i
    }

    /// Completes an ENI attachment whose time has come.
    @discardableResult
    public mutating func finishAttach(now: Int) -> Bool {
        guard let p = pendingENI, now >= p.readyAt else { return false }
        pendingENI = nil
        var eni = p.eni
        eni.createdAt = p.readyAt
        total += eni.total
        enis.append(eni)
        enis.sort { $0.deviceIndex < $1.deviceIndex }
        return true
    }

    /// One pool-manager iteration (`updateIPPoolIfRequired`): grow by at most one action, else
    /// release surplus IPs or prefixes (no more often than every 30 s); then free one idle ENI.
    /// `attachLatency` is how long a new ENI takes to be created, attached and seen.
    public mutating func poolTick(now: Int, ec2: inout EC2Account, attachLatency: Int) -> PoolAction {
        if settings.ipv6 { return .none }   // IPv6: one /80 on the primary ENI; the pool manager exits
        expireCooldowns(now: now)
        let attaching = pendingENI?.eni
        let attached = finishAttach(now: now)
        guard decisions != nil else { return poolIteration(now: now, ec2: &ec2, attachLatency: attachLatency) }
        stepLog = StepLog()
        if attached, let e = attaching {
            note("\(e.id) (device \(e.deviceIndex)) is attached: its \(e.total) addresses are usable")
        }
        let (verdict, reason) = poolAssessment
        let stats = (total, assigned, coolingCount, prefixMode ? freePrefixes : nil, eniCount)
        let saved = ec2.callLog
        ec2.callLog = []
        let action = poolIteration(now: now, ec2: &ec2, attachLatency: attachLatency)
        let calls = ec2.callLog ?? []
        ec2.callLog = saved
        let steps = stepLog?.steps ?? []
        stepLog = nil
        var d = PoolDecision(time: now, through: now, verdict: verdict, reason: reason, total: stats.0, assigned: stats.1, cooling: stats.2,
                             freePrefixes: stats.3, enis: stats.4, podsWaiting: podsWaiting, steps: steps, calls: calls)
        if verdict == .ok && steps.isEmpty && calls.isEmpty && podsWaiting == 0 { return action }
        if var last = decisions?.last, calls.isEmpty, last.calls.isEmpty, last.through + NodeIPAM.poolInterval >= now,
           last.verdict == verdict, last.reason == reason, last.steps == steps, last.total == d.total, last.assigned == d.assigned,
           last.cooling == d.cooling, last.enis == d.enis,
           last.podsWaiting == d.podsWaiting {
            last.through = now
            let i = (decisions?.count ?? 1) - 1
            decisions?[i] = last
            return action
        }
        d.through = now
        decisions?.append(d)
        return action
    }

    /// Adds a sentence to the iteration being recorded (built only then).
    private func note(_ s: @autoclosure () -> String) {
        stepLog?.steps.append(s())
    }

    private var unit: String { prefixMode ? "/28 prefix" : "secondary IP" }
    private func units(_ n: Int) -> String { EC2Account.describe(n, prefixes: prefixMode) }

    private mutating func poolIteration(now: Int, ec2: inout EC2Account, attachLatency: Int) -> PoolAction {
        if let p = pendingENI {   // ipamd waits for the attachment inside the grow call
            note("waiting for \(p.eni.id) (device \(p.eni.deviceIndex)) to attach; its addresses are usable at \(Scenario.formatDuration(p.readyAt))")
            return .none
        }
        var action = PoolAction.none
        if poolTooLow {
            action = grow(now: now, ec2: &ec2, attachLatency: attachLatency)
        } else if poolTooHigh {
            if now - lastDecrease > NodeIPAM.decreaseInterval {
                let n = releaseSurplus(now: now, ec2: &ec2)
                if n > 0 { action = .releasedIPs(n) }
            } else {
                note("no release: the last one was \(now - lastDecrease)s ago, and ipamd releases at most every \(NodeIPAM.decreaseInterval)s")
            }
        }
        if shouldFreeENI, freeOneENI(now: now, ec2: &ec2) {
            if action == .none { action = .freedENI }
        }
        return action
    }

    /// ipamd's verdict on the pool and the figures behind it (`isDatastorePoolTooLow`, then
    /// `isDatastorePoolTooHigh`), for the event log.
    public var poolAssessment: (verdict: PoolDecision.Verdict, reason: String) {
        let w = settings.warmIPTarget, m = settings.minimumIPTarget
        if poolTooLow {
            if settings.warmIPTargetsSet {
                var r = "short \(short) address\(short == 1 ? "" : "es"): WARM_IP_TARGET \(w) − available \(available) = \(w - available), MINIMUM_IP_TARGET \(m) − total \(total) = \(m - total)"
                if prefixMode { r += "; \(ceilDiv(short, 16)) /28 prefix\(ceilDiv(short, 16) == 1 ? "" : "es")" }
                return (.tooLow, r)
            }
            if prefixMode {
                let t = settings.warmPrefixTarget
                return (.tooLow, t == 0 ? "WARM_PREFIX_TARGET 0 and no address available"
                                        : "available \(available) < 16 × WARM_PREFIX_TARGET \(t) = \(16 * t)")
            }
            let t = settings.warmENITarget
            return (.tooLow, t == 0 ? "WARM_ENI_TARGET 0 and no address available"
                                    : "available \(available) < WARM_ENI_TARGET \(t) × \(maxIPsPerENI) IPs per ENI = \(t * maxIPsPerENI)")
        }
        if poolTooHigh {
            if settings.warmIPTargetsSet {
                if prefixMode {
                    return (.tooHigh, "over \(over) /28 prefix\(over == 1 ? "" : "es"): \(freePrefixes) free, \(totalPrefixes) held, \(ceilDiv(assigned + w, 16)) needed for \(assigned) pods + WARM_IP_TARGET \(w), \(ceilDiv(m, 16)) for MINIMUM_IP_TARGET \(m)")
                }
                return (.tooHigh, "over \(over) address\(over == 1 ? "" : "es"): available \(available) − WARM_IP_TARGET \(w) = \(available - w), total \(total) − MINIMUM_IP_TARGET \(m) = \(total - m)")
            }
            return (.tooHigh, "\(freePrefixes) free /28 prefixes > WARM_PREFIX_TARGET \(settings.warmPrefixTarget)")
        }
        if total >= maxPods { return (.atMaxPods, "holds \(total) addresses ≥ max pods \(maxPods): ipamd grows no further") }
        if settings.warmIPTargetsSet { return (.ok, "available \(available) meets WARM_IP_TARGET \(w) and total \(total) MINIMUM_IP_TARGET \(m)") }
        if prefixMode { return (.ok, "available \(available) ≥ 16 × WARM_PREFIX_TARGET \(settings.warmPrefixTarget)") }
        return (.ok, "available \(available) ≥ WARM_ENI_TARGET \(settings.warmENITarget) × \(maxIPsPerENI) IPs per ENI")
    }

    /// Moves the node's clock to `now` as if its state had been reached long ago: ENIs are old
    /// enough to free, no back-off or release gate is pending, nothing is cooling down.
    public mutating func rebaseClock(to now: Int) {
        for i in enis.indices { enis[i].createdAt = now - 3600 }
        lastDecrease = Int.min / 2
        backoffUntil = Int.min / 2
        for e in enis.indices { for c in enis[e].cidrs.indices { enis[e].cidrs[c].cooling = 0 } }
        coolingCount = 0
        coolQueue.removeAll()
        coolHead = 0
        if let p = pendingENI { pendingENI = (p.eni, now) }
    }

    /// Runs the pool manager to rest — until an iteration does nothing or fails in a way it
    /// would only retry later — advancing `now` a minute per iteration so every timer has run
    /// out: the steady state of a node whose pods arrive gradually.
    ///
    /// `waiting` pods are part of that state: as in ipamd, whose CNI ADD takes an address the
    /// moment the datastore has one, each of them takes the first assignable address after every
    /// iteration, before the next one can release it (with WARM_PREFIX_TARGET=0 ipamd adds a
    /// prefix when nothing is available and the waiting pod keeps it). Returns the addresses the
    /// waiting pods took, at most `waiting`.
    @discardableResult
    public mutating func settle(now: inout Int, ec2: inout EC2Account, waiting: Int = 0) -> [IPv4Address] {
        var taken: [IPv4Address] = []
        func serve() {
            while taken.count < waiting, let ip = assignPodIP(now: now) { taken.append(ip) }
        }
        serve()
        for _ in 0..<256 {
            now += 60
            let action = poolTick(now: now, ec2: &ec2, attachLatency: 0)
            serve()
            switch action {
            case .none, .failed: return taken
            default: continue
            }
        }
        return taken
    }

    /// A new pod's address: the first assignable one, else the one ipamd's pool manager makes
    /// available for it (`settle` with the pod waiting); then the pool settles around the pod.
    /// nil when ipamd cannot give it one.
    public mutating func assignPodIPSettling(now: inout Int, ec2: inout EC2Account) -> IPv4Address? {
        guard let ip = assignPodIP(now: now) ?? settle(now: &now, ec2: &ec2, waiting: 1).first else { return nil }
        settle(now: &now, ec2: &ec2)
        return ip
    }

    private mutating func grow(now: Int, ec2: inout EC2Account, attachLatency: Int) -> PoolAction {
        guard now >= backoffUntil else {
            note("no grow: ipamd backs off for \(NodeIPAM.insufficientCidrCooldown)s after \(lastError?.rawValue ?? "a subnet-exhaustion error"), until \(Scenario.formatDuration(backoffUntil))")
            return .none
        }
        let needPrefixes: Int = settings.warmIPTargetsSet
            ? max(1, ceilDiv(short, 16)) : max(1, settings.warmPrefixTarget - freePrefixes)
        // 1. Fill ENIs that have room.
        var fillError: EC2Error? = nil
        for e in enis.indices {
            let eni = enis[e]
            if eni.isTrunk || (settings.customNetworking && eni.isPrimary) { continue }
            let room = maxCIDRsPerENI - eni.cidrs.count
            if room <= 0 { continue }
            let want: Int
            if prefixMode { want = min(room, needPrefixes) }
            else if settings.warmIPTargetsSet { want = min(room, short) }
            else { want = room }
            if want <= 0 { note("nothing short: no call"); return .none }
            note("\(eni.id) (device \(eni.deviceIndex)) has room for \(room) more: asks for \(units(want))")
            var result = ec2.assign(count: want, prefixes: prefixMode, subnet: eni.subnet, now: now)
            // ipamd asks again for exactly one address after any failure.
            if case .failure(let err) = result {
                note("\(err.rawValue): asks again for exactly 1 \(unit)")
                result = ec2.assign(count: 1, prefixes: prefixMode, subnet: eni.subnet, now: now)
            }
            switch result {
            case .success(let cidrs):
                for c in cidrs { enis[e].cidrs.append(NodeCIDR(c)) }
                total += cidrs.count * cidrSize
                lastError = nil
                note("\(eni.id) now holds \(enis[e].total) addresses; the node \(total)")
                return .assignedToENI(ips: cidrs.count * cidrSize)
            case .failure(let err):
                lastError = err
                // With subnet discovery an exhausted subnet sends ipamd on to the next ENI.
                if settings.subnetDiscovery && err.isSubnetExhaustion {
                    note("\(err.rawValue) again: subnet discovery moves on to the next ENI")
                    fillError = err; continue
                }
                if err.isSubnetExhaustion {
                    backoffUntil = now + NodeIPAM.insufficientCidrCooldown
                    note("\(err.rawValue) again: no grow until \(Scenario.formatDuration(backoffUntil))")
                } else { note("\(err.rawValue): ipamd tries again next loop") }
                return .failed(err)
            }
        }
        // 2. Only if nothing was added: a new ENI, pre-loaded. Without a free slot ipamd simply
        // tries again on the next loop (no back-off on this path).
        guard roomForENI else {
            let reserve = settings.podENI && (type.isTrunkingCompatible ?? true) && !hasTrunk ? " (one kept for the trunk ENI)" : ""
            note("no ENI slot left: \(eniCount) of \(maxENI) ENIs attached\(reserve); nothing more to do until pods leave")
            return fillError.map { .failed($0) } ?? .none
        }
        let count: Int
        if prefixMode { count = min(needPrefixes, maxCIDRsPerENI) }
        else if settings.warmIPTargetsSet { count = min(max(short, 1), maxCIDRsPerENI) }
        else { count = maxCIDRsPerENI }
        note("no address added to an attached ENI: creates a new ENI with \(units(count))")
        // Subnet discovery sorts the eligible subnets by free addresses, most first; ipamd calls
        // DescribeSubnets for every new ENI unless custom networking names the subnet.
        var order = eniSubnets
        if !settings.customNetworking { _ = ec2.call(.describeSubnets, now: now) }
        if order.count > 1 {
            order.sort { a, b in
                let fa = ec2.pool(a).freeCount, fb = ec2.pool(b).freeCount
                return fa != fb ? fa > fb : a < b
            }
        }
        var lastErr = EC2Error.insufficientFreeAddresses
        var exhausted = false
        for s in order {
            switch ec2.createENI(count: count, prefixes: prefixMode, subnet: s, now: now) {
            case .success(let (primary, cidrs)):
                // The free device index comes from DescribeInstances; then the attachment and
                // DeleteOnTermination. If one fails, ipamd deletes the ENI it just made.
                guard ec2.call(.describeInstances, now: now), ec2.call(.attachNetworkInterface, now: now),
                      ec2.call(.modifyNetworkInterfaceAttribute, now: now) else {
                    note("throttled while attaching: ipamd deletes the new ENI and tries again next loop")
                    _ = ec2.call(.deleteNetworkInterface, now: now)
                    ec2.free(cidrs, subnet: s)
                    ec2.freeAddress(primary, subnet: s)
                    lastError = .requestLimitExceeded
                    return .failed(.requestLimitExceeded)
                }
                let identity = ec2.makeENIIdentity(owner: owner)
                var eni = NodeENI(id: identity.id, mac: identity.mac, deviceIndex: nextDeviceIndex, subnet: s,
                                  primaryIP: primary, isPrimary: false, isTrunk: false,
                                  securityGroups: eniSecurityGroups, createdAt: now)
                eni.cidrs = cidrs.map(NodeCIDR.init)
                pendingENI = (eni, now + attachLatency)
                note("created \(eni.id) at device \(eni.deviceIndex) in \(ec2.pool(s).subnet.name) with \(units(cidrs.count)); usable at \(Scenario.formatDuration(now + attachLatency))")
                lastError = nil
                if attachLatency <= 0 { finishAttach(now: now) }
                return .createdENI(ips: cidrs.count * cidrSize)
            case .failure(let err):
                lastErr = err
                note("no new ENI in \(ec2.pool(s).subnet.name): \(err.rawValue)")
                if err.isSubnetExhaustion { exhausted = true }
            }
        }
        lastError = lastErr
        if exhausted {
            backoffUntil = now + NodeIPAM.insufficientCidrCooldown
            note("no grow until \(Scenario.formatDuration(backoffUntil)) (\(NodeIPAM.insufficientCidrCooldown)s back-off)")
        }
        return .failed(lastErr)
    }

    /// `decreaseDatastorePool`: unassign up to `over` CIDRs that hold no pod.
    private mutating func releaseSurplus(now: Int, ec2: inout EC2Account) -> Int {
        var remaining = settings.warmIPTargetsSet || !prefixMode ? over : max(freePrefixes - settings.warmPrefixTarget, 0)
        guard remaining > 0 else { return 0 }
        lastDecrease = now
        var released = 0
        for e in enis.indices where !enis[e].isTrunk && remaining > 0 {
            var keep: [NodeCIDR] = []
            var gone: [IPv4CIDR] = []
            for c in enis[e].cidrs {
                if remaining > 0 && c.assigned == 0 {
                    gone.append(c.cidr)
                    remaining -= 1
                } else { keep.append(c) }
            }
            if !gone.isEmpty {
                note("releases \(units(gone.count)) without pods from \(enis[e].id): \(gone.map { $0.prefixLength == 32 ? $0.network.description : $0.description }.joined(separator: ", "))")
                let ok = ec2.call(.unassignPrivateIpAddresses, now: now)
                if decisions != nil {
                    ec2.describeLastCall(request: units(gone.count) + " from \(enis[e].id)", subnet: enis[e].subnet,
                                         result: gone.map { $0.prefixLength == 32 ? $0.network.description : $0.description }.joined(separator: ", "))
                }
                guard ok else { break }
                for c in enis[e].cidrs where gone.contains(c.cidr) { coolingCount -= c.cooling.nonzeroBitCount }
                enis[e].cidrs = keep
                ec2.free(gone, subnet: enis[e].subnet)
                total -= gone.count * cidrSize
                released += gone.count * cidrSize
            }
        }
        return released
    }

    /// `shouldRemoveExtraENIs`.
    private var shouldFreeENI: Bool {
        if settings.warmIPTargetsSet { return true }
        if prefixMode {
            return available >= (settings.warmPrefixTarget + 1) * maxIPsPerENI
                || enis.contains { !$0.isPrimary && !$0.isTrunk && $0.assigned == 0 }
        }
        return available >= (settings.warmENITarget + 1) * maxIPsPerENI
    }

    /// `tryFreeENI`: detach and delete the first idle secondary ENI that no target needs.
    private mutating func freeOneENI(now: Int, ec2: inout EC2Account) -> Bool {
        func roundUp16(_ n: Int) -> Int { prefixMode ? ceilDiv(n, 16) * 16 : n }
        var kept: [String] = []
        defer { if !kept.isEmpty { note("keeps " + kept.joined(separator: "; ")) } }
        for (i, eni) in enis.enumerated() {
            guard !eni.isPrimary, !eni.isTrunk else { continue }
            guard now - eni.createdAt >= NodeIPAM.minENIAge, !eni.hasCooling, eni.assigned == 0 else {
                if decisions != nil {
                    kept.append("\(eni.id): " + (eni.assigned > 0 ? "\(eni.assigned) pod\(eni.assigned == 1 ? "" : "s") on it"
                        : (eni.hasCooling ? "addresses in cooldown" : "attached \(now - eni.createdAt)s ago (< \(NodeIPAM.minENIAge)s)")))
                }
                continue
            }
            let eniTotal = eni.total
            let otherFree = available - eniTotal
            let otherTotal = total - eniTotal
            if settings.warmIPTarget > 0 && otherFree < roundUp16(settings.warmIPTarget) {
                kept.append("\(eni.id): needed for WARM_IP_TARGET \(settings.warmIPTarget) (the other ENIs have \(otherFree) available)"); continue
            }
            if settings.minimumIPTarget > 0 && otherTotal < roundUp16(settings.minimumIPTarget) {
                kept.append("\(eni.id): needed for MINIMUM_IP_TARGET \(settings.minimumIPTarget) (the other ENIs hold \(otherTotal))"); continue
            }
            if prefixMode && settings.warmPrefixTarget > 0 {
                let otherFreePrefixes = freePrefixes - eni.cidrs.count
                if otherFreePrefixes < settings.warmPrefixTarget {
                    kept.append("\(eni.id): needed for WARM_PREFIX_TARGET \(settings.warmPrefixTarget) (the other ENIs have \(otherFreePrefixes) free prefixes)"); continue
                }
            }
            note("frees \(eni.id) (device \(eni.deviceIndex)): no pods, attached \(now - eni.createdAt)s, no cooldown, no target needs its \(eniTotal) addresses")
            guard ec2.call(.describeNetworkInterfaces, now: now), ec2.call(.detachNetworkInterface, now: now) else { return false }
            _ = ec2.call(.deleteNetworkInterface, now: now)
            ec2.free(eni.cidrs.map(\.cidr), subnet: eni.subnet)
            ec2.freeAddress(eni.primaryIP, subnet: eni.subnet)
            total -= eniTotal
            enis.remove(at: i)
            return true
        }
        return false
    }
}

/// How an observed pod address (`kubernetes.observed`) was placed on its node.
public enum ObservedAddressPlacement: Sendable, Equatable {
    /// ipamd held it already, free: the pod takes it as CNI ADD would.
    case held
    /// ipamd did not hold it: it is added to an ENI of the node in the address's subnet as one
    /// more secondary IP (EC2 `AssignPrivateIpAddresses` with that address), `eni` its ID.
    case added(eni: String)
    /// ipamd held another free secondary IP in the address's subnet where EC2 gave the
    /// cluster this one: the observed address takes that secondary IP's place on `eni` (the
    /// drawn address goes back to the subnet).
    case replaced(eni: String, drawn: IPv4Address)
    /// It cannot be an address of this node; why.
    case refused(String)
}

extension NodeIPAM {
    /// Gives a pod the address the cluster was observed to give it (netsim import kubernetes).
    /// The address must be one the node's ENIs hold (then it is assigned as ipamd assigns), or
    /// one free in the subnet of an ENI with room for another secondary IP (then it is added
    /// there); otherwise it is refused and nothing changes. The fabric then finds the address on
    /// that ENI like any pod address, so security groups, network ACLs and routes judge it.
    public mutating func assignObservedIP(_ ip: IPv4Address, ec2: inout EC2Account) -> ObservedAddressPlacement {
        for e in enis.indices {
            for c in enis[e].cidrs.indices where enis[e].cidrs[c].cidr.contains(ip) {
                if enis[e].isTrunk { return .refused("it is held by the node's trunk ENI \(enis[e].id)") }
                let mask: UInt16 = 1 << UInt16(ip.value - enis[e].cidrs[c].cidr.network.value)
                if enis[e].cidrs[c].assigned & mask != 0 { return .refused("another pod on the node has it") }
                if enis[e].cidrs[c].cooling & mask != 0 {
                    enis[e].cidrs[c].cooling &= ~mask
                    coolingCount -= 1
                }
                enis[e].cidrs[c].assigned |= mask
                assigned += 1
                return .held
            }
            if enis[e].primaryIP == ip { return .refused("it is the primary address of the node's ENI \(enis[e].id)") }
        }
        if prefixMode {
            return .refused("the node uses prefix delegation and none of its /28 prefixes holds it")
        }
        var inSubnet = false
        for e in enis.indices where !enis[e].isTrunk && ec2.pool(enis[e].subnet).contains(ip) {
            inSubnet = true
            guard enis[e].cidrs.count < maxCIDRsPerENI else { continue }
            guard ec2.reserve(ip, inSubnet: enis[e].subnet) else {
                return .refused("its subnet has it in use (another node, ENI or reserved address)")
            }
            var cidr = NodeCIDR(IPv4CIDR(network: ip, prefixLength: 32))
            cidr.assigned = 1
            enis[e].cidrs.append(cidr)
            total += 1
            assigned += 1
            return .added(eni: enis[e].id)
        }
        // Full ENIs: EC2 drew other addresses than netsim did. A free secondary IP of an ENI
        // in the same subnet gives its place to the observed one.
        for e in enis.indices where !enis[e].isTrunk && ec2.pool(enis[e].subnet).contains(ip) {
            guard let c = enis[e].cidrs.lastIndex(where: { $0.size == 1 && $0.assigned == 0 && $0.cooling == 0 }) else { continue }
            guard ec2.reserve(ip, inSubnet: enis[e].subnet) else {
                return .refused("its subnet has it in use (another node, ENI or reserved address)")
            }
            let drawn = enis[e].cidrs[c].cidr.network
            ec2.freeAddress(drawn, subnet: enis[e].subnet)
            var cidr = NodeCIDR(IPv4CIDR(network: ip, prefixLength: 32))
            cidr.assigned = 1
            enis[e].cidrs[c] = cidr
            assigned += 1
            return .replaced(eni: enis[e].id, drawn: drawn)
        }
        return .refused(inSubnet ? "the node's ENIs in its subnet have no room for another secondary IP and no free one to give up"
                        : "none of the node's ENIs is in a subnet that contains it")
    }
}

/// The sentences one recorded pool-manager iteration writes (a box, so that recording does not
/// make every step of the iteration a mutation).
final class StepLog: @unchecked Sendable {
    var steps: [String] = []
}
