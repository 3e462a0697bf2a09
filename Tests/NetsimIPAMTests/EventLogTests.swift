import NetsimIPAM
import NetsimModel
import NetsimTopology
import Testing

/// Issue 12 item 27: `netsim simulate --events NODE`, ipamd's decisions loop by loop, on the
/// worked examples of ipamd's own unit tests (aws/amazon-vpc-cni-k8s v1.23.1,
/// pkg/ipamd/ipamd_test.go): TestIncreaseIPPoolDefault (an empty node grows with default
/// targets), TestTryAddIPToENI (WARM_IP_TARGET=3 sizes a new ENI to 3 addresses),
/// TestDecreaseIPPool (exactly the surplus over WARM_IP_TARGET is released),
/// TestIncreasePrefixPoolSubnetDiscoveryUnfilledENI (two failed asks for one prefix, then a new
/// ENI in another subnet), and ipamd.go's tryFreeENI rules (which ENI may be freed).
@Suite("ipamd event log")
struct EventLogTests {
    func run(cni: String, cidr: String = "10.0.32.0/19", type: String = "m5.large", duration: Int = 720, extraSubnets: String = "",
             _ events: [Scenario.Event], selector: String = "general") throws -> NodeEventLog {
        let t = try Fixture.cluster(cni: cni, cidr: cidr, nodes: 1, extraSubnets: extraSubnets, instanceType: type)
        let s = Scenario(duration: duration, events: [.init(at: 0, action: .scaleNodes(group: "general", count: 1))] + events, fromEmpty: true)
        var sim = Simulator(topology: t, catalog: .builtin, scenario: s, events: selector)
        return try #require(sim.run().events)
    }

    func calls(_ log: NodeEventLog, _ op: EC2Operation) -> [EC2CallRecord] {
        log.decisions.flatMap(\.calls).filter { $0.operation == op }
    }

    /// Defaults on an empty m5.large: the primary ENI is filled with 9 IPs when the node is
    /// Ready; the first pods leave fewer than 9 available, so a second and third ENI come, each
    /// with 9, and then no ENI slot is left.
    @Test func emptyNodeGrowsWithDefaultTargets() throws {
        let log = try run(cni: "{}", [.init(at: 120, action: .addPods(count: 20))])
        #expect(log.nodeGroup == "general" && log.readyAt == 60 && log.maxPods == 29)
        let first = try #require(log.decisions.first)
        #expect(first.time == 60 && first.verdict == .tooLow && first.total == 0)
        #expect(first.reason == "available 0 < WARM_ENI_TARGET 1 × 9 IPs per ENI = 9")
        #expect(first.calls.map(\.operation) == [.assignPrivateIpAddresses])
        #expect(first.calls.first?.request == "9 secondary IPs" && first.calls.first?.error == nil)
        #expect(first.calls.first?.result.split(separator: ",").count == 9)
        let created = calls(log, .createNetworkInterface)
        #expect(created.map(\.request) == ["an ENI with 9 secondary IPs", "an ENI with 9 secondary IPs"])
        let full = try #require(log.decisions.last { $0.verdict == .tooLow })
        #expect(full.steps.contains { $0.hasPrefix("no ENI slot left: 3 of 3 ENIs attached") })
        #expect(full.calls.isEmpty)
    }

    /// WARM_IP_TARGET=3: the primary ENI gets 3 at a time; once it is full the new ENI is
    /// created with exactly 3 secondary IPs, not 9.
    @Test func warmIPTargetSizesTheNewENI() throws {
        let log = try run(cni: "{WARM_IP_TARGET: \"3\"}", [.init(at: 120, action: .addPods(count: 11))])
        let first = try #require(log.decisions.first)
        #expect(first.reason.hasPrefix("short 3 addresses: WARM_IP_TARGET 3 − available 0 = 3"))
        #expect(calls(log, .assignPrivateIpAddresses).prefix(3).map(\.request) == ["3 secondary IPs", "3 secondary IPs", "3 secondary IPs"])
        #expect(calls(log, .createNetworkInterface).map(\.request) == ["an ENI with 3 secondary IPs"])
    }

    /// After every pod leaves, ipamd releases exactly the surplus over WARM_IP_TARGET, and keeps
    /// the second ENI because the primary alone would not hold 3 available addresses.
    @Test func releasesExactlyTheSurplus() throws {
        let log = try run(cni: "{WARM_IP_TARGET: \"3\"}", [.init(at: 120, action: .addPods(count: 11)),
                                                           .init(at: 360, action: .deletePods(count: 11))])
        let high = try #require(log.decisions.first { $0.verdict == .tooHigh })
        #expect(high.time == 360)
        let over = high.available - 3
        #expect(high.reason.hasPrefix("over \(over) addresses: available \(high.available) − WARM_IP_TARGET 3 = \(over)"))
        let released = high.calls.filter { $0.operation == .unassignPrivateIpAddresses }
        let addresses = released.flatMap { $0.result.split(separator: ",") }
        #expect(addresses.count == over)
        let after = try #require(log.decisions.first { $0.time > 360 })
        #expect(after.total == 3 && after.available == 3 && after.verdict == .ok)
        #expect(after.steps.contains { $0.contains("needed for WARM_IP_TARGET 3") })
        #expect(calls(log, .deleteNetworkInterface).isEmpty)
    }

    /// Default targets, every pod gone: an ENI whose released pod addresses still cool down is
    /// kept until they have (30 s), then freed; an ENI that never held a pod goes at once; the
    /// primary ENI never does.
    @Test func whichENIMayBeFreed() throws {
        let log = try run(cni: "{}", [.init(at: 120, action: .addPods(count: 12)), .init(at: 360, action: .deletePods(count: 12))])
        let at360 = try #require(log.decisions.first { $0.time == 360 })
        let keep = try #require(at360.steps.first { $0.hasPrefix("keeps ") && $0.contains("addresses in cooldown") })
        let cooled = String(keep.dropFirst("keeps ".count).prefix { $0 != ":" })
        let freedLater = try #require(log.decisions.first { d in d.steps.contains { $0.hasPrefix("frees \(cooled) ") } })
        #expect(freedLater.time >= 390)   // IP_COOLDOWN_PERIOD 30 s
        #expect(freedLater.calls.map(\.operation) == [.describeNetworkInterfaces, .detachNetworkInterface, .deleteNetworkInterface])
        for d in log.decisions {
            #expect(!d.steps.contains { $0.hasPrefix("frees") && $0.contains("(device 0)") })
        }
        // Each free leaves available ≥ (WARM_ENI_TARGET + 1) × 9 = 18 until one ENI is left.
        #expect(calls(log, .deleteNetworkInterface).count == 2)
        let last = try #require(log.decisions.last)
        #expect(last.enis == 2 && last.available == 18 && last.steps.contains { $0.hasPrefix("frees \(cooled) ") })
    }

    /// A subnet that cannot give what ipamd asks: the call fails, ipamd asks again for exactly
    /// one address, and after InsufficientCidrBlocks it backs off for 120 s.
    @Test func insufficientAddressesAndTheRetryWithOne() throws {
        // m5.xlarge asks for 14; a /28 has 11 usable, the node's primary takes one.
        let ips = try run(cni: "{}", cidr: "10.0.32.0/28", type: "m5.xlarge", duration: 120, [])
        let first = try #require(ips.decisions.first)
        #expect(first.calls.map(\.request) == ["14 secondary IPs", "1 secondary IP"])
        #expect(first.calls.map(\.error) == [.insufficientFreeAddresses, nil])
        #expect(first.steps.contains("InsufficientFreeAddressesInSubnet: asks again for exactly 1 secondary IP"))
        // Prefix delegation in a /27: the reserved addresses and the primary break both /28s.
        let pd = try run(cni: "{ENABLE_PREFIX_DELEGATION: \"true\"}", cidr: "10.0.32.0/27", duration: 300, [])
        let failed = try #require(pd.decisions.first)
        // Subnet discovery: an exhausted subnet sends ipamd on to a new ENI, which fails too.
        #expect(failed.calls.map(\.operation) == [.assignPrivateIpAddresses, .assignPrivateIpAddresses, .describeSubnets, .createNetworkInterface])
        #expect(failed.calls.map(\.error) == [.insufficientCidrBlocks, .insufficientCidrBlocks, nil, .insufficientCidrBlocks])
        #expect(failed.calls.map(\.request) == ["1 /28 prefix", "1 /28 prefix", "", "an ENI with 1 /28 prefix"])
        let backoff = try #require(pd.decisions.dropFirst().first)
        #expect(backoff.calls.isEmpty)
        #expect(backoff.steps.first?.hasPrefix("no grow: ipamd backs off for 120s after InsufficientCidrBlocks") == true)
        #expect(pd.decisions.contains { $0.time >= failed.time + 120 && !$0.calls.isEmpty })
    }

    /// TestIncreasePrefixPoolSubnetDiscoveryUnfilledENI: the node subnet has no whole /28; two
    /// asks for one prefix fail, and the new ENI goes to the subnet tagged kubernetes.io/role/cni.
    @Test func subnetDiscoveryMovesOnAfterTwoFailures() throws {
        let extra = "    - {name: cni-a, zone: us-east-1a, cidr: 10.0.64.0/20, tags: {kubernetes.io/role/cni: \"1\"}}"
        let log = try run(cni: "{ENABLE_PREFIX_DELEGATION: \"true\"}", cidr: "10.0.32.0/27", duration: 120, extraSubnets: extra, [])
        let first = try #require(log.decisions.first)
        #expect(first.calls.map(\.operation) == [.assignPrivateIpAddresses, .assignPrivateIpAddresses, .describeSubnets, .createNetworkInterface,
                                                 .describeInstances, .attachNetworkInterface, .modifyNetworkInterfaceAttribute])
        #expect(first.calls.prefix(2).allSatisfy { $0.error == .insufficientCidrBlocks && $0.request == "1 /28 prefix" && $0.subnet == "nodes-a" })
        let create = try #require(first.calls.first { $0.operation == .createNetworkInterface })
        #expect(create.request == "an ENI with 1 /28 prefix" && create.subnet == "cni-a" && create.error == nil)
        #expect(first.steps.contains("InsufficientCidrBlocks again: subnet discovery moves on to the next ENI"))
    }

    @Test func selectorsAndNoMatch() throws {
        #expect(try run(cni: "{}", duration: 120, [], selector: "general/0").node != nil)
        #expect(try run(cni: "{}", duration: 120, [], selector: "general/1").node == nil)
        #expect(try run(cni: "{}", duration: 120, [], selector: "ip-10-99-0-1.ec2.internal").node == nil)
    }
}
