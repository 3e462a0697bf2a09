import NetsimModel

/// ipamd's control loop over time, on every node at once (VPC CNI v1.23.1): the 5 s pool loop
/// with one grow action per tick, the 30 s release gate, 60 s minimum ENI age, IP cooldown,
/// 120 s back-off after subnet exhaustion, ENI attach latency, and EC2 request throttling
/// shared by the whole account. Pods are created, scheduled and deleted by a scenario.
public struct Simulator {
    struct Pod {
        var workload: Int32
        var node: Int32 = -1
        var ip: UInt32 = 0
        var state: State
        var createdAt: Int32
        var serial: Int32
        enum State: UInt8 { case unscheduled, waitingIP, running, deleted }
    }

    struct Rollout {
        var workload: Int
        var old: [Int]
        var surge: Int
        var inFlight: [Int] = []
        var created = 0
    }

    let topology: Topology
    let scenario: Scenario
    let seed: UInt64
    var run: Run
    var workloads: [Workload]
    var desired: [Int]
    var pods: [Pod] = []
    /// Indices of running and waiting pods per workload, for scale-downs and rollouts.
    var podsOfWorkload: [[Int]]
    /// Running pods eligible for churn (not DaemonSet, not host network), with positions.
    var churnable: [Int] = []
    var churnPos: [Int: Int] = [:]
    var unscheduledQueue: [Int] = []
    var waitingOnNode: [[Int]] = []
    var alive: [Bool] = []
    var readyAt: [Int] = []
    var fits: [[Bool]] = []   // [workload][node]
    var callsPerNode: [[Int]] = []
    var waits: [Int] = []
    var longest: [SimulationResult.Wait] = []
    var rng: SplitMix64
    var churnRate: Double
    var churnDebt = 0.0
    var rollouts: [Rollout] = []
    var nodesAdded = 0, nodesRemoved = 0, podsCreated = 0, podsStarted = 0, podsDeleted = 0
    var serial: Int32 = 0
    var warnings: [CapacityWarning] = []
    var extraWorkload: Int?
    var runningCount = 0
    var startFigures = (nodes: 0, pods: 0)
    /// When EC2 first refused addresses in a subnet (InsufficientFreeAddressesInSubnet or
    /// InsufficientCidrBlocks), by pool index.
    var refusedAt: [Int: Int] = [:]

    public init(topology: Topology, catalog: InstanceCatalog, scenario: Scenario, seed: UInt64? = nil) {
        self.topology = topology
        self.scenario = scenario
        self.seed = seed ?? topology.seed
        var t = topology
        t.seed = self.seed
        var options = RealizeOptions()
        if scenario.fromEmpty {
            for g in topology.cluster?.nodeGroups ?? [] { options.scale[g.name] = 0 }
        }
        var r = Run(topology: t, catalog: catalog, options: options)
        r.ec2 = EC2Account(subnets: topology.vpcs.flatMap(\.subnets), seed: self.seed, limits: scenario.ec2Limits)
        r.reserveFixedAddresses()
        r.createNodes()
        r.allocateServiceIPs()
        run = r
        workloads = Realizer.implicitWorkloads(topology.kubernetes) + topology.kubernetes.workloads
        desired = workloads.map { $0.kind == .daemonSet ? 0 : ($0.kind == .pod ? 1 : ($0.replicas ?? 1)) }
        if scenario.fromEmpty { desired = desired.map { _ in 0 } }
        podsOfWorkload = Array(repeating: [], count: workloads.count)
        rng = SplitMix64(seed: self.seed ^ 0x51D_C4A2)
        churnRate = scenario.churnPerHour
        for i in run.nodes.indices { addNodeState(i, readyAt: 0) }
    }

    // MARK: setup

    mutating func addNodeState(_ i: Int, readyAt t: Int) {
        alive.append(true)
        readyAt.append(t)
        waitingOnNode.append([])
        callsPerNode.append(Array(repeating: 0, count: EC2Operation.allCases.count))
        for w in workloads.indices {
            if fits.count <= w { fits.append([]) }
            fits[w].append(run.fits(workloads[w], node: i))
        }
    }

    mutating func ensureExtraWorkload() -> Int {
        if let extraWorkload { return extraWorkload }
        let labels = ["app": "extra"]
        workloads.append(Workload(kind: .deployment,
                                  meta: ObjectMeta(name: "extra", namespace: "netsim-whatif", location: SourceLocation(file: "<scenario>", line: 0, column: 0)),
                                  replicas: 0, selector: LabelSelector(matchLabels: labels), template: PodTemplate(labels: labels, containers: [])))
        desired.append(0)
        podsOfWorkload.append([])
        fits.append(run.nodes.indices.map { run.fits(workloads[workloads.count - 1], run.nodes[$0]) })
        extraWorkload = workloads.count - 1
        return workloads.count - 1
    }

    // MARK: pods

    mutating func createPod(_ w: Int, now: Int, node: Int? = nil) {
        serial += 1
        let idx = pods.count
        pods.append(Pod(workload: Int32(w), state: .unscheduled, createdAt: Int32(now), serial: serial))
        podsOfWorkload[w].append(idx)
        podsCreated += 1
        if let node { bind(idx, node, now: now) } else if !schedule(idx, now: now) { unscheduledQueue.append(idx) }
    }

    /// Least-loaded Ready node that passes the filters; false when none can take the pod.
    mutating func schedule(_ p: Int, now: Int) -> Bool {
        let w = Int(pods[p].workload)
        var best = -1
        var bestCount = Int.max
        for n in run.nodes.indices where alive[n] && readyAt[n] <= now && fits[w][n] {
            let c = run.nodes[n].podCount
            if c < run.nodes[n].maxPods && c < bestCount { best = n; bestCount = c }
        }
        guard best >= 0 else { return false }
        bind(p, best, now: now)
        return true
    }

    mutating func bind(_ p: Int, _ n: Int, now: Int) {
        pods[p].node = Int32(n)
        run.nodes[n].podCount += 1
        if workloads[Int(pods[p].workload)].template.hostNetwork {
            pods[p].ip = run.nodes[n].primaryIP.value
            markRunning(p, now: now)
        } else if run.settings.ipv6 {
            // IPv6: addresses come from the node's /80 without EC2 calls.
            if run.nodes[n].ipv6Prefix != nil { markRunning(p, now: now) }
            else { pods[p].state = .waitingIP; waitingOnNode[n].append(p) }
        } else if let ip = run.nodes[n].ipam.assignPodIP(now: now) {
            pods[p].ip = ip.value
            markRunning(p, now: now)
        } else {
            pods[p].state = .waitingIP
            waitingOnNode[n].append(p)
        }
    }

    mutating func markRunning(_ p: Int, now: Int) {
        pods[p].state = .running
        podsStarted += 1
        runningCount += 1
        let wait = now - Int(pods[p].createdAt)
        if wait > 0 && !workloads[Int(pods[p].workload)].template.hostNetwork {
            waits.append(wait)
            if longest.count < 10 || wait > (longest.last?.seconds ?? 0) {
                longest.append(.init(pod: podName(p), node: run.nodes[Int(pods[p].node)].name, seconds: wait, since: Int(pods[p].createdAt)))
                longest.sort { ($0.seconds, $1.since) > ($1.seconds, $0.since) }
                if longest.count > 10 { longest.removeLast() }
            }
        }
        let w = workloads[Int(pods[p].workload)]
        if w.kind != .daemonSet && !w.template.hostNetwork {
            churnPos[p] = churnable.count
            churnable.append(p)
        }
    }

    func podName(_ p: Int) -> String {
        let w = workloads[Int(pods[p].workload)]
        return "\(w.meta.namespace)/\(w.meta.name)-" + Realizer.randomName(5, hash: StableHash.fnv1a("sim/\(pods[p].serial)", seed: seed))
    }

    mutating func deletePod(_ p: Int, now: Int) {
        let state = pods[p].state
        guard state != .deleted else { return }
        if state == .running { runningCount -= 1 }
        if let pos = churnPos.removeValue(forKey: p) {
            let last = churnable.removeLast()
            if last != p { churnable[pos] = last; churnPos[last] = pos }
        }
        let n = Int(pods[p].node)
        if n >= 0 {
            run.nodes[n].podCount -= 1
            if state == .running && !workloads[Int(pods[p].workload)].template.hostNetwork && alive[n] && !run.settings.ipv6 {
                run.nodes[n].ipam.releasePodIP(IPv4Address(pods[p].ip), now: now)
            }
            if state == .waitingIP, let i = waitingOnNode[n].firstIndex(of: p) { waitingOnNode[n].remove(at: i) }
        } else if let i = unscheduledQueue.firstIndex(of: p) {
            unscheduledQueue.remove(at: i)
        }
        pods[p].state = .deleted
        podsDeleted += 1
        let w = Int(pods[p].workload)
        if let i = podsOfWorkload[w].lastIndex(of: p) { podsOfWorkload[w].remove(at: i) }
    }

    // MARK: nodes

    mutating func scaleNodes(group: String, to count: Int, now: Int) {
        guard let cluster = topology.cluster, let vpc = topology.primaryVPC,
              let g = cluster.nodeGroups.first(where: { $0.name == group }), let type = run.catalog[g.instanceType] else { return }
        let mine = run.nodes.indices.filter { alive[$0] && run.nodes[$0].group == group }
        if count > mine.count {
            let subnets = g.subnets.compactMap { vpc.subnet(named: $0) }
            guard !subnets.isEmpty else { return }
            let existing = run.nodes.filter { $0.group == group }.count
            for k in 0..<(count - mine.count) {
                let index = existing + k
                let before = run.nodes.count
                if run.createNode(group: g, index: index, type: type, subnet: subnets[index % subnets.count], cluster: cluster, vpc: vpc, settleNow: false),
                   run.nodes.count > before {
                    addNodeState(before, readyAt: now + scenario.nodeReadyAfter)
                    nodesAdded += 1
                } else {
                    warnings.append(.init(.subnetExhausted, "at \(Scenario.formatDuration(now)): node group '\(echo: group)' could not launch a node: no free address for its primary ENI"))
                    break
                }
            }
        } else if count < mine.count {
            for n in mine.suffix(mine.count - count).reversed() { removeNode(n, now: now) }
        }
    }

    mutating func removeNode(_ n: Int, now: Int) {
        alive[n] = false
        nodesRemoved += 1
        // The instance terminates: its ENIs (DeleteOnTermination) and their addresses go with it.
        for e in run.nodes[n].ipam.enis {
            run.ec2.free(e.cidrs.map(\.cidr), subnet: e.subnet)
            run.ec2.freeAddress(e.primaryIP, subnet: e.subnet)
        }
        if let p = run.nodes[n].ipam.pendingENI {
            run.ec2.free(p.eni.cidrs.map(\.cidr), subnet: p.eni.subnet)
            run.ec2.freeAddress(p.eni.primaryIP, subnet: p.eni.subnet)
        }
        let evicted = pods.indices.filter { pods[$0].node == Int32(n) && pods[$0].state != .deleted }
        for p in evicted {
            let w = Int(pods[p].workload)
            deletePod(p, now: now)
            podsDeleted -= 1
            if workloads[w].kind != .daemonSet { createPod(w, now: now) }
        }
    }

    /// DaemonSet pods start on a node once it is Ready.
    mutating func startDaemonSets(on n: Int, now: Int) {
        for w in workloads.indices where workloads[w].kind == .daemonSet && fits[w][n] {
            createPod(w, now: now, node: n)
        }
    }

    // MARK: the run

    public mutating func run(progress: ((Double) -> Void)? = nil) -> SimulationResult {
        let tick = NodeIPAM.poolInterval
        // The starting state: DaemonSets on every node, then each workload's replicas, settled.
        if !scenario.fromEmpty {
            for n in run.nodes.indices { run.nodes[n].ipam.settle(now: &run.now, ec2: &run.ec2) }
            for n in run.nodes.indices { startDaemonSets(on: n, now: 0) }
            for w in workloads.indices where workloads[w].kind != .daemonSet {
                for _ in 0..<desired[w] {
                    createPod(w, now: 0)
                    if let last = pods.indices.last, pods[last].node >= 0 {
                        let n = Int(pods[last].node)
                        run.nodes[n].ipam.settle(now: &run.now, ec2: &run.ec2)
                        retryWaiting(n, now: 0)
                    }
                }
            }
            // The starting state is given, not simulated: its waits and calls do not count.
            waits.removeAll(); longest.removeAll()
            podsCreated = 0; podsStarted = 0
        }
        for n in run.nodes.indices { run.nodes[n].ipam.rebaseClock(to: 0) }
        run.ec2.resetCalls(limits: scenario.ec2Limits)
        podsDeleted = 0

        let tracked = trackedSubnets()
        var subnetStats = tracked.map { i in
            SimulationResult.SubnetUse(name: run.ec2.pool(i).subnet.name, usable: run.ec2.pool(i).subnet.usableAddressCount,
                                       freeAtStart: run.ec2.pool(i).freeCount, freeMin: run.ec2.pool(i).freeCount, freeMinAt: 0,
                                       freeAtEnd: run.ec2.pool(i).freeCount, exhaustedAt: nil)
        }
        var samples: [SimulationResult.Sample] = []
        samples.reserveCapacity(scenario.duration / tick + 2)
        var peak = Array(repeating: 0, count: EC2Operation.allCases.count)
        var lastCounts: [Int] = Array(repeating: 0, count: EC2Operation.allCases.count)
        var eventIndex = 0
        var now = 0
        var lastTotal = 0, lastThrottled = 0
        var peakNodes = run.nodes.count
        startFigures = (run.nodes.count, runningCount)
        var becameReady = Set<Int>()
        for n in run.nodes.indices { becameReady.insert(n) }
        while now <= scenario.duration {
            // 1. Events due.
            while eventIndex < scenario.events.count, scenario.events[eventIndex].at <= now {
                apply(scenario.events[eventIndex].action, now: now)
                eventIndex += 1
            }
            // 2. Nodes that became Ready: DaemonSets, and pending pods get a chance.
            for n in run.nodes.indices where alive[n] && readyAt[n] <= now && !becameReady.contains(n) {
                becameReady.insert(n)
                startDaemonSets(on: n, now: now)
            }
            // 3. Churn: delete and recreate a share of running pods.
            if churnRate > 0 {
                churnDebt += churnRate * Double(churnable.count) * Double(tick) / 3600
                while churnDebt >= 1, !churnable.isEmpty {
                    churnDebt -= 1
                    let p = churnable[Int(rng.next() % UInt64(churnable.count))]
                    let w = Int(pods[p].workload)
                    deletePod(p, now: now)
                    createPod(w, now: now)
                }
            }
            stepRollouts(now: now)
            // 4. Unscheduled pods retry.
            if !unscheduledQueue.isEmpty {
                let queue = unscheduledQueue
                unscheduledQueue.removeAll()
                for p in queue where pods[p].state == .unscheduled { if !schedule(p, now: now) { unscheduledQueue.append(p) } }
            }
            // 5. Each Ready node's pool manager, then its waiting pods retry.
            var before = run.ec2.callCounts
            for n in run.nodes.indices where alive[n] && readyAt[n] <= now {
                let action = run.nodes[n].ipam.poolTick(now: now, ec2: &run.ec2, attachLatency: scenario.eniAttachLatency)
                if case .failed(let err) = action, err.isSubnetExhaustion {
                    for sIdx in run.nodes[n].ipam.eniSubnets where refusedAt[sIdx] == nil { refusedAt[sIdx] = now }
                }
                if action != .none {
                    let after = run.ec2.callCounts
                    for k in after.indices { callsPerNode[n][k] += after[k] - before[k] }
                    before = after
                }
                if !waitingOnNode[n].isEmpty { retryWaiting(n, now: now) }
            }
            // 6. Sample.
            let counts = run.ec2.callCounts
            let total = counts.reduce(0, +)
            let throttled = run.ec2.throttledTotal
            var held = 0, assigned = 0, cooling = 0, readyNodes = 0, nodes = 0, waiting = 0
            for n in run.nodes.indices where alive[n] {
                nodes += 1
                if readyAt[n] <= now { readyNodes += 1 }
                held += run.nodes[n].ipam.total
                assigned += run.nodes[n].ipam.assigned
                cooling += run.nodes[n].ipam.coolingCount
                waiting += waitingOnNode[n].count
            }
            peakNodes = max(peakNodes, nodes)
            var free: [Int] = []
            for (k, i) in tracked.enumerated() {
                let f = run.ec2.pool(i).freeCount
                free.append(f)
                if f < subnetStats[k].freeMin { subnetStats[k].freeMin = f; subnetStats[k].freeMinAt = now }
                if (f == 0 || refusedAt[i] != nil) && subnetStats[k].exhaustedAt == nil { subnetStats[k].exhaustedAt = now }
            }
            samples.append(.init(time: now, nodes: nodes, readyNodes: readyNodes, podsRunning: runningCount, podsWaitingForIP: waiting,
                                 podsUnschedulable: unscheduledQueue.count, addressesHeld: held, addressesAssigned: assigned,
                                 addressesCooling: cooling, subnetFree: free, ec2Calls: total - lastTotal, ec2Throttled: throttled - lastThrottled))
            for k in counts.indices { peak[k] = max(peak[k], counts[k] - lastCounts[k]) }
            lastCounts = counts
            lastTotal = total
            lastThrottled = throttled
            if let progress, (now / tick) % 12 == 0 { progress(Double(now) / Double(max(1, scenario.duration))) }
            now += tick
        }
        for k in subnetStats.indices { subnetStats[k].freeAtEnd = run.ec2.pool(tracked[k]).freeCount }
        return result(samples: samples, subnets: subnetStats, peak: peak, peakNodes: peakNodes)
    }


    mutating func retryWaiting(_ n: Int, now: Int) {
        var still: [Int] = []
        for p in waitingOnNode[n] {
            if let ip = run.nodes[n].ipam.assignPodIP(now: now) {
                pods[p].ip = ip.value
                markRunning(p, now: now)
            } else { still.append(p) }
        }
        waitingOnNode[n] = still
    }

    func trackedSubnets() -> [Int] {
        var set = Set<Int>()
        for g in topology.cluster?.nodeGroups ?? [] { for s in g.subnets { if let i = run.ec2.poolIndex[s] { set.insert(i) } } }
        for n in run.nodes { for s in n.ipam.eniSubnets { set.insert(s) } }
        for e in topology.cluster?.eniConfigs ?? [] { if let i = run.ec2.poolIndex[e.subnet] { set.insert(i) } }
        return set.sorted()
    }

    mutating func apply(_ action: Scenario.Action, now: Int) {
        switch action {
        case .scaleNodes(let group, let count):
            scaleNodes(group: group, to: count, now: now)
        case .scalePods(let kind, let ns, let name, let replicas):
            guard let w = workloads.firstIndex(where: { $0.kind == kind && $0.meta.namespace == ns && $0.meta.name == name }) else { return }
            setReplicas(w, replicas, now: now)
        case .addPods(let count):
            let w = ensureExtraWorkload()
            setReplicas(w, desired[w] + count, now: now)
        case .deletePods(let count):
            for _ in 0..<count {
                guard !churnable.isEmpty else { break }
                let p = churnable[Int(rng.next() % UInt64(churnable.count))]
                let w = Int(pods[p].workload)
                desired[w] = max(0, desired[w] - 1)
                deletePod(p, now: now)
            }
        case .rollout(let kind, let ns, let name, let surge):
            guard let w = workloads.firstIndex(where: { $0.kind == kind && $0.meta.namespace == ns && $0.meta.name == name }) else { return }
            let old = podsOfWorkload[w]
            rollouts.append(Rollout(workload: w, old: old, surge: max(1, Int((Double(old.count) * surge).rounded(.up)))))
        case .churn(let perHour):
            churnRate = perHour
        }
    }

    mutating func setReplicas(_ w: Int, _ n: Int, now: Int) {
        desired[w] = n
        let current = podsOfWorkload[w].count
        if n > current { for _ in 0..<(n - current) { createPod(w, now: now) } }
        else if n < current { for p in podsOfWorkload[w].suffix(current - n).reversed() { deletePod(p, now: now) } }
    }

    mutating func stepRollouts(now: Int) {
        var remaining: [Rollout] = []
        for var r in rollouts {
            // New pods that run let one old pod go each.
            var still: [Int] = []
            for p in r.inFlight {
                if pods[p].state == .running, let old = r.old.popLast() { deletePod(old, now: now) }
                else if pods[p].state == .running { } else if pods[p].state != .deleted { still.append(p) }
            }
            r.inFlight = still
            let total = r.old.count + r.created
            while r.inFlight.count < r.surge && r.created < total && !r.old.isEmpty {
                createPod(r.workload, now: now)
                r.inFlight.append(pods.count - 1)
                r.created += 1
            }
            if !r.old.isEmpty || !r.inFlight.isEmpty { remaining.append(r) }
        }
        rollouts = remaining
    }

    func result(samples: [SimulationResult.Sample], subnets: [SimulationResult.SubnetUse], peak: [Int], peakNodes: Int) -> SimulationResult {
        let sorted = waits.sorted()
        func pct(_ q: Double) -> Int { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))] }
        let aliveNodes = max(1, callsPerNode.count)
        let ops = EC2Operation.allCases.map { op -> SimulationResult.Operation in
            let k = op.index
            let perNode = callsPerNode.map { $0[k] }
            return .init(operation: op, calls: run.ec2.callCounts[k], throttled: run.ec2.throttledCounts[k],
                         peakPerSecond: Double(peak[k]) / Double(NodeIPAM.poolInterval), maxPerNode: perNode.max() ?? 0,
                         meanPerNode: Double(perNode.reduce(0, +)) / Double(aliveNodes), bucket: scenario.ec2Limits.buckets[op])
        }.filter { $0.calls > 0 || $0.throttled > 0 }
        var warnings = self.warnings
        let throttled = ops.reduce(0) { $0 + $1.throttled }
        if throttled > 0 {
            warnings.append(.init(.throttled, "EC2 throttled \(throttled) calls (RequestLimitExceeded); ipamd retried them on later ticks, and pods waited"))
        }
        for s in subnets where s.exhaustedAt != nil {
            warnings.append(.init(.subnetExhausted, "subnet '\(echo: s.name)' could not give ipamd the addresses it asked for from \(Scenario.formatDuration(s.exhaustedAt ?? 0)) (\(s.freeMin) free at the lowest)"))
        }
        let stillWaiting = waitingOnNode.reduce(0) { $0 + $1.count }
        if stillWaiting > 0 {
            warnings.append(.init(.podsWithoutIP, "\(stillWaiting) pods were still waiting for an IP at the end"))
        }
        return SimulationResult(
            scenario: scenario.name, duration: scenario.duration, seed: seed, settings: CapacityPlanner.describe(run.settings),
            samples: samples, subnets: subnets, operations: ops, podsCreated: podsCreated, podsStarted: podsStarted, podsDeleted: podsDeleted,
            podsThatWaited: waits.count, waitP50: pct(0.5), waitP95: pct(0.95), waitP99: pct(0.99), waitMax: sorted.last ?? 0,
            longestWaits: longest, stillWaiting: stillWaiting, unschedulable: unscheduledQueue.count,
            nodesAtStart: startFigures.nodes, podsRunningAtStart: startFigures.pods,
            nodesAdded: nodesAdded, nodesRemoved: nodesRemoved, peakNodes: peakNodes, warnings: warnings)
    }
}
