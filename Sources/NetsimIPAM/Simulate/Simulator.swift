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
    /// Pods waiting for a node, oldest first; entries of pods deleted meanwhile are skipped.
    var unscheduledQueue: [Int] = []
    var unscheduledCount = 0
    /// Whether a node may have room since the unscheduled pods last tried: a pod left a node or
    /// a node became Ready. Without that, every one of them would fail again.
    var roomMayHaveChanged = false
    var waitingOnNode: [[Int]] = []
    /// Pods bound to each node (entries of pods deleted meanwhile are skipped).
    var podsOnNode: [[Int]] = []
    /// Live pods per workload (`podsOfWorkload` also holds deleted ones until compacted).
    var liveOfWorkload: [Int] = []
    /// Candidate nodes per class of workloads that fit the same nodes, least loaded first.
    var nodeHeaps: [NodeHeap] = []
    var classOfWorkload: [Int] = []
    var classFits: [[Bool]] = []
    var heapsStale = true
    var alive: [Bool] = []
    var readyAt: [Int] = []
    var fits: [[Bool]] = []   // [workload][node]
    var callsPerNode: [[Int]] = []
    /// How many pods waited how long (seconds): a histogram, so memory follows the distinct
    /// waits, not the pods that started.
    var waitCounts: [Int: Int] = [:]
    var waitTotal = 0
    /// Deleted pods still in `pods`; compacted away once they dominate and exceed
    /// `compactionThreshold` (a knob for tests; the results do not depend on it).
    var deletedCount = 0
    public var compactionThreshold = 100_000
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

    /// The node whose decisions are recorded (`--events`), and its index once it exists.
    var eventLog: NodeEventLog?
    var tracedNode: Int?
    /// Nodes launched so far per group, for GROUP/N.
    var launchedInGroup: [String: Int] = [:]
    /// Security Groups for Pods (Simulator+BranchENI.swift): workloads whose pods get a branch
    /// ENI, and the branch ENIs each node holds.
    var branchWorkload: [Bool] = []
    var branchesOnNode: [Int] = []

    public init(topology: Topology, catalog: InstanceCatalog, scenario: Scenario, seed: UInt64? = nil, events selector: String? = nil) {
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
        _ = r.placeInterfaceEndpoints()
        r.placeControlPlane()
        r.createNodes()
        r.allocateServiceIPs()
        r.allocateNodePorts()
        // From empty, the Services are there before any pod: the controller places their load
        // balancers first. Otherwise `run` places them once the starting pods are settled, the
        // order the realize step follows, so simulate starts from the state capacity shows.
        if scenario.fromEmpty { r.placeLoadBalancers() }
        // Fargate pods already running hold their addresses in their profiles' subnets (they
        // are not simulated: no node of the timeline runs them).
        if !scenario.fromEmpty, let profiles = topology.cluster?.fargateProfiles, !profiles.isEmpty {
            for w in topology.kubernetes.workloads {
                guard let p = FargateScheduling.profile(for: w, profiles: profiles) else { continue }
                r.placeOnFargate(w, profile: p, replicas: w.kind == .pod ? 1 : (w.replicas ?? 1), podName: { "\(w.meta.name)-\($0)" })
            }
        }
        run = r
        workloads = Realizer.implicitWorkloads(topology.kubernetes) + topology.kubernetes.workloads
        desired = workloads.map { $0.kind == .daemonSet ? 0 : ($0.kind == .pod ? 1 : ($0.replicas ?? 1)) }
        // Workloads a Fargate profile selects run on Fargate, not on the simulated nodes.
        let implicitCount = workloads.count - topology.kubernetes.workloads.count
        for w in workloads.indices.dropFirst(implicitCount)
        where FargateScheduling.profile(for: workloads[w], profiles: topology.cluster?.fargateProfiles ?? []) != nil { desired[w] = 0 }
        if scenario.fromEmpty { desired = desired.map { _ in 0 } }
        branchWorkload = workloads.map { w in
            let s = SecurityGroupsForPods.select(w, objects: topology.kubernetes)
            return s.selected && s.missingServiceAccount == nil
        }
        podsOfWorkload = Array(repeating: [], count: workloads.count)
        liveOfWorkload = Array(repeating: 0, count: workloads.count)
        rng = SplitMix64(seed: self.seed ^ 0x51D_C4A2)
        churnRate = scenario.churnPerHour
        eventLog = selector.map(NodeEventLog.init(selector:))
        for i in run.nodes.indices { addNodeState(i, readyAt: 0) }
    }

    // MARK: setup

    mutating func addNodeState(_ i: Int, readyAt t: Int) {
        alive.append(true)
        readyAt.append(t)
        waitingOnNode.append([])
        podsOnNode.append([])
        heapsStale = true
        callsPerNode.append(Array(repeating: 0, count: EC2Operation.allCases.count))
        for w in workloads.indices {
            if fits.count <= w { fits.append([]) }
            fits[w].append(run.fits(workloads[w], node: i))
        }
        let k = launchedInGroup[run.nodes[i].group, default: 0]
        launchedInGroup[run.nodes[i].group] = k + 1
        if var log = eventLog, tracedNode == nil, matches(log.selector, node: i, indexInGroup: k) {
            let n = run.nodes[i]
            tracedNode = i
            log.node = n.name; log.instanceID = n.instanceID; log.nodeGroup = n.group; log.instanceType = n.instanceType.name
            log.maxPods = n.maxPods; log.readyAt = t; log.launchedAt = max(0, t - (t > 0 ? scenario.nodeReadyAfter : 0))
            eventLog = log
            run.nodes[i].ipam.decisions = []
        }
    }

    /// Every node's name and the node groups, for suggestions.
    public var nodeNames: [String] { run.nodes.map(\.name) + (topology.cluster?.nodeGroups.map(\.name) ?? []) }

    /// NAME, INSTANCE-ID, GROUP (its first node) or GROUP/N (its node N in launch order).
    func matches(_ selector: String, node i: Int, indexInGroup: Int) -> Bool {
        let n = run.nodes[i]
        if n.name == selector || n.instanceID == selector || n.group == selector { return true }
        return selector == "\(n.group)/\(indexInGroup)"
    }

    mutating func ensureExtraWorkload() -> Int {
        if let extraWorkload { return extraWorkload }
        let labels = ["app": "extra"]
        workloads.append(Workload(kind: .deployment,
                                  meta: ObjectMeta(name: "extra", namespace: "netsim-whatif", location: SourceLocation(file: "<scenario>", line: 0, column: 0)),
                                  replicas: 0, selector: LabelSelector(matchLabels: labels), template: PodTemplate(labels: labels, containers: [])))
        desired.append(0)
        podsOfWorkload.append([])
        liveOfWorkload.append(0)
        heapsStale = true
        fits.append(run.nodes.indices.map { run.fits(workloads[workloads.count - 1], run.nodes[$0]) })
        extraWorkload = workloads.count - 1
        return workloads.count - 1
    }

    // MARK: pods

    mutating func createPod(_ w: Int, now: Int, node: Int? = nil) {
        serial &+= 1
        let idx = pods.count
        pods.append(Pod(workload: Int32(w), state: .unscheduled, createdAt: Int32(now), serial: serial))
        podsOfWorkload[w].append(idx)
        liveOfWorkload[w] += 1
        podsCreated += 1
        if let node { bind(idx, node, now: now) } else if !schedule(idx, now: now) {
            unscheduledQueue.append(idx)
            unscheduledCount += 1
        }
    }

    func schedulable(_ n: Int, now: Int) -> Bool {
        alive[n] && readyAt[n] <= now && run.nodes[n].podCount < run.nodes[n].maxPods
    }

    /// Groups workloads by the nodes they fit and fills one heap per group with the nodes that
    /// can take a pod: O(workloads × nodes), after nodes or workloads are added.
    mutating func rebuildHeaps(now: Int) {
        var classes: [[Bool]: Int] = [:]
        classFits = []
        classOfWorkload = workloads.indices.map { w in
            if let c = classes[fits[w]] { return c }
            classes[fits[w]] = classFits.count
            classFits.append(fits[w])
            return classFits.count - 1
        }
        nodeHeaps = classFits.map { f in
            var h = NodeHeap()
            for n in run.nodes.indices where f[n] && schedulable(n, now: now) { h.push(count: run.nodes[n].podCount, node: n) }
            return h
        }
        heapsStale = false
    }

    /// Node `n`'s pod count or readiness changed: it is offered again at its new count.
    mutating func offer(_ n: Int, now: Int) {
        guard !heapsStale, schedulable(n, now: now) else { return }
        for c in nodeHeaps.indices where classFits[c][n] {
            nodeHeaps[c].push(count: run.nodes[n].podCount, node: n)
            if nodeHeaps[c].count > 4 * run.nodes.count + 1024 { heapsStale = true }
        }
    }

    /// Least-loaded Ready node that passes the filters (the lowest index among equals); false
    /// when none can take the pod. A heap per class of workloads keeps this O(log nodes).
    mutating func schedule(_ p: Int, now: Int) -> Bool {
        if isBranchWorkload(Int(pods[p].workload)) { return scheduleBranchPod(p, now: now) }
        if heapsStale { rebuildHeaps(now: now) }
        let c = classOfWorkload[Int(pods[p].workload)]
        while let top = nodeHeaps[c].top {
            let n = top.node
            if top.count != run.nodes[n].podCount || !schedulable(n, now: now) { nodeHeaps[c].pop(); continue }
            nodeHeaps[c].pop()
            bind(p, n, now: now)
            return true
        }
        return false
    }

    mutating func bind(_ p: Int, _ n: Int, now: Int) {
        pods[p].node = Int32(n)
        run.nodes[n].podCount += 1
        podsOnNode[n].append(p)
        if podsOnNode[n].count > 2 * run.nodes[n].maxPods + 64 {
            podsOnNode[n].removeAll { pods[$0].node != Int32(n) || pods[$0].state == .deleted }
        }
        offer(n, now: now)
        if workloads[Int(pods[p].workload)].template.hostNetwork {
            pods[p].ip = run.nodes[n].primaryIP.value
            markRunning(p, now: now)
        } else if isBranchWorkload(Int(pods[p].workload)) && !run.settings.ipv6 {
            bindBranchPod(p, n, now: now)
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
            waitCounts[wait, default: 0] += 1
            waitTotal += 1
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
            roomMayHaveChanged = true
            if isBranchWorkload(Int(pods[p].workload)) && !run.settings.ipv6 {
                releaseBranch(p, n, running: state == .running)
            } else if state == .running && !workloads[Int(pods[p].workload)].template.hostNetwork && alive[n] && !run.settings.ipv6 {
                run.nodes[n].ipam.releasePodIP(IPv4Address(pods[p].ip), now: now)
            }
            if state == .waitingIP, let i = waitingOnNode[n].firstIndex(of: p) { waitingOnNode[n].remove(at: i) }
        } else if state == .unscheduled {
            unscheduledCount -= 1   // its queue entry is skipped
        }
        pods[p].state = .deleted
        deletedCount += 1
        if n >= 0 { offer(n, now: now) }
        podsDeleted += 1
        let w = Int(pods[p].workload)
        liveOfWorkload[w] -= 1
        if podsOfWorkload[w].count > 2 * liveOfWorkload[w] + 64 {
            podsOfWorkload[w].removeAll { pods[$0].state == .deleted }
        }
    }

    /// A workload's live pods, oldest first.
    func livePods(_ w: Int) -> [Int] { podsOfWorkload[w].filter { pods[$0].state != .deleted } }

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
        let evicted = podsOnNode[n].filter { pods[$0].node == Int32(n) && pods[$0].state != .deleted }
        podsOnNode[n] = []
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
            // Then the load balancers, as in the realize step (`Realizer.realize`): the
            // controller skips subnets the pods' warm pools left short of 8 free addresses.
            run.placeLoadBalancers()
            // The starting state is given, not simulated: its waits and calls do not count.
            waitCounts.removeAll(); waitTotal = 0; longest.removeAll()
            podsCreated = 0; podsStarted = 0
        }
        for n in run.nodes.indices { run.nodes[n].ipam.rebaseClock(to: 0) }
        // The log starts with the simulated run: the starting state was settled, not simulated.
        if let t = tracedNode { run.nodes[t].ipam.decisions = [] }
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
            if deletedCount > compactionThreshold && deletedCount * 2 > pods.count { compactPods() }
            // 1. Events due.
            while eventIndex < scenario.events.count, scenario.events[eventIndex].at <= now {
                apply(scenario.events[eventIndex].action, now: now)
                eventIndex += 1
            }
            // 2. Nodes that became Ready: DaemonSets, and pending pods get a chance.
            for n in run.nodes.indices where alive[n] && readyAt[n] <= now && !becameReady.contains(n) {
                becameReady.insert(n)
                roomMayHaveChanged = true
                offer(n, now: now)
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
            // Only when a node may have room; a workload that finds none stops trying this tick.
            if unscheduledCount > 0 && roomMayHaveChanged {
                roomMayHaveChanged = false
                let queue = unscheduledQueue
                unscheduledQueue.removeAll(keepingCapacity: true)
                var blocked = Set<Int32>()
                for p in queue where pods[p].state == .unscheduled {
                    if !blocked.contains(pods[p].workload) && schedule(p, now: now) { unscheduledCount -= 1 }
                    else { blocked.insert(pods[p].workload); unscheduledQueue.append(p) }
                }
            }
            // 5. Each Ready node's pool manager, then its waiting pods retry.
            var before = run.ec2.callCounts
            for n in run.nodes.indices where alive[n] && readyAt[n] <= now {
                if n == tracedNode { run.nodes[n].ipam.podsWaiting = waitingOnNode[n].count }
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
                                 podsUnschedulable: unscheduledCount, addressesHeld: held, addressesAssigned: assigned,
                                 addressesCooling: cooling, subnetFree: free, ec2Calls: total - lastTotal, ec2Throttled: throttled - lastThrottled))
            for k in counts.indices { peak[k] = max(peak[k], counts[k] - lastCounts[k]) }
            lastCounts = counts
            lastTotal = total
            lastThrottled = throttled
            if let progress, (now / tick) % 12 == 0 { progress(Double(now) / Double(max(1, scenario.duration))) }
            now += tick
        }
        for k in subnetStats.indices { subnetStats[k].freeAtEnd = run.ec2.pool(tracked[k]).freeCount }
        if let t = tracedNode { eventLog?.decisions = run.nodes[t].ipam.decisions ?? [] }
        return result(samples: samples, subnets: subnetStats, peak: peak, peakNodes: peakNodes)
    }


    /// Drops deleted pods from `pods` and renumbers every list that holds pod indices, keeping
    /// each list's order (and the pods an active rollout still names), so memory follows the
    /// pods alive, not every pod churn ever made. Results are the same as without it.
    mutating func compactPods() {
        var keep = pods.map { $0.state != .deleted }
        for r in rollouts { for p in r.old { keep[p] = true }; for p in r.inFlight { keep[p] = true } }
        var remap = [Int](repeating: -1, count: pods.count)
        var kept: [Pod] = []
        kept.reserveCapacity(pods.count - deletedCount + 16)
        for p in pods.indices where keep[p] { remap[p] = kept.count; kept.append(pods[p]) }
        pods = kept
        func m(_ list: [Int]) -> [Int] { list.compactMap { remap[$0] >= 0 ? remap[$0] : nil } }
        podsOfWorkload = podsOfWorkload.map { m($0).filter { pods[$0].state != .deleted } }
        podsOnNode = podsOnNode.indices.map { n in m(podsOnNode[n]).filter { pods[$0].node == Int32(n) && pods[$0].state != .deleted } }
        unscheduledQueue = m(unscheduledQueue).filter { pods[$0].state == .unscheduled }
        waitingOnNode = waitingOnNode.map(m)
        churnable = churnable.map { remap[$0] }
        churnPos = [:]
        for (i, p) in churnable.enumerated() { churnPos[p] = i }
        rollouts = rollouts.map { r in
            var r = r
            r.old = r.old.map { remap[$0] }
            r.inFlight = r.inFlight.map { remap[$0] }
            return r
        }
        deletedCount = pods.reduce(0) { $0 + ($1.state == .deleted ? 1 : 0) }
    }

    mutating func retryWaiting(_ n: Int, now: Int) {
        // Oldest first; once one finds no address, none of the others will.
        var started = 0
        for p in waitingOnNode[n] {
            guard let ip = run.nodes[n].ipam.assignPodIP(now: now) else { break }
            pods[p].ip = ip.value
            markRunning(p, now: now)
            started += 1
        }
        if started > 0 { waitingOnNode[n].removeFirst(started) }
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
            let old = livePods(w)
            rollouts.append(Rollout(workload: w, old: old, surge: max(1, Int((Double(old.count) * surge).rounded(.up)))))
        case .churn(let perHour):
            churnRate = perHour
        }
    }

    mutating func setReplicas(_ w: Int, _ n: Int, now: Int) {
        desired[w] = n
        let current = liveOfWorkload[w]
        if n > current { for _ in 0..<(n - current) { createPod(w, now: now) } }
        else if n < current { for p in livePods(w).suffix(current - n).reversed() { deletePod(p, now: now) } }
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
        let sortedWaits = waitCounts.keys.sorted()
        /// The wait at rank ⌊(n − 1) q⌉ of all waits in order, from the histogram.
        func pct(_ q: Double) -> Int {
            guard waitTotal > 0 else { return 0 }
            let rank = min(waitTotal - 1, Int((Double(waitTotal - 1) * q).rounded()))
            var seen = 0
            for w in sortedWaits {
                seen += waitCounts[w] ?? 0
                if seen > rank { return w }
            }
            return sortedWaits.last ?? 0
        }
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
            podsThatWaited: waitTotal, waitP50: pct(0.5), waitP95: pct(0.95), waitP99: pct(0.99), waitMax: sortedWaits.last ?? 0,
            longestWaits: longest, stillWaiting: stillWaiting, unschedulable: unscheduledCount,
            nodesAtStart: startFigures.nodes, podsRunningAtStart: startFigures.pods,
            nodesAdded: nodesAdded, nodesRemoved: nodesRemoved, peakNodes: peakNodes, warnings: warnings, events: eventLog)
    }
}

/// A binary min-heap of (pod count, node index): the least-loaded node, lowest index first.
/// Entries go stale when a node's count changes; the scheduler drops them as they surface.
struct NodeHeap {
    private var items: [UInt64] = []
    var count: Int { items.count }
    var top: (count: Int, node: Int)? { items.first.map { (Int($0 >> 32), Int($0 & 0xFFFF_FFFF)) } }

    mutating func push(count: Int, node: Int) {
        items.append(UInt64(UInt32(clamping: count)) << 32 | UInt64(UInt32(clamping: node)))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[i] < items[parent] else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() {
        guard !items.isEmpty else { return }
        items.swapAt(0, items.count - 1)
        items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count && items[l] < items[m] { m = l }
            if r < items.count && items[r] < items[m] { m = r }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
    }
}
