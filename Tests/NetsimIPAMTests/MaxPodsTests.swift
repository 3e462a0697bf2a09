import Foundation
import NetsimIPAM
import NetsimModel
import NetsimTestSupport
import Testing

@Suite("max pods")
struct MaxPodsTests {
    static let catalog = InstanceCatalog.builtin

    func maxPods(_ type: String, _ o: MaxPodsOptions = MaxPodsOptions()) throws -> MaxPods {
        MaxPods(type: try #require(Self.catalog[type]), options: o)
    }

    /// The published table (VPC CNI v1.23.1 misc/eni-max-pods.txt): maxPodsAllowed in the
    /// default mode equals it for every one of the 1,391 types.
    @Test func equalsENIMaxPodsForAllTypes() throws {
        let url = Repo.url("Tests/NetsimModelTests/Fixtures/eni-max-pods.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        var checked = 0
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: " ")
            guard f.count == 2, let expected = Int(f[1]) else { continue }
            let m = try maxPods(String(f[0]))
            #expect(m.maxPodsAllowed == expected, "\(f[0])")
            #expect(m.maxPodsRecommended == min(expected, m.recommendationCap), "\(f[0])")
            checked += 1
        }
        #expect(checked == 1391)
        #expect(Self.catalog.types.count == 1391)
    }

    /// max-pods-calculator.sh's own test cases and the reference's derived values.
    @Test func calculatorExamples() throws {
        #expect(try maxPods("m5.8xlarge").maxPodsRecommended == 234)
        #expect(try maxPods("m5.8xlarge", .init(prefixDelegation: true)).maxPodsRecommended == 250)
        #expect(try maxPods("m5.8xlarge", .init(prefixDelegation: true)).maxPodsAllowed == 3714)
        #expect(try maxPods("c6in.32xlarge").maxPodsAllowed == 394)
        #expect(try maxPods("m4.xlarge").maxPodsRecommended == 58)
        #expect(try maxPods("m5.large", .init(prefixDelegation: true)).maxPodsAllowed == 434)
        #expect(try maxPods("m5.large", .init(prefixDelegation: true)).maxPodsRecommended == 110)
        #expect(try maxPods("m5.large", .init(customNetworking: true)).maxPodsAllowed == 20)
        // nodeadm e2e: m4.xlarge, ((default_enis - 1) * (ips_per_eni - 1)) + 2 = 44.
        #expect(try maxPods("m4.xlarge", .init(customNetworking: true)).maxPodsAllowed == 44)
        #expect(try maxPods("m5.large", .init(maxENI: 2)).maxPodsAllowed == 20)
        #expect(try maxPods("m5.large", .init(maxENI: 0)).maxPodsAllowed == 29)   // below 1: ignored
    }

    /// Prefix delegation: the calculator needs hypervisor nitro; ipamd also takes bare metal;
    /// Xen types fall back to secondary IPs, with a warning.
    @Test func prefixDelegationByHypervisor() throws {
        let xen = try maxPods("m4.large", .init(prefixDelegation: true))
        #expect(xen.maxPodsAllowed == 20)
        #expect(xen.ipamdMode == .secondaryIP)
        #expect(xen.warnings.contains { $0.code == .prefixDelegationUnsupported })
        let metal = try maxPods("m5.metal", .init(prefixDelegation: true))
        #expect(metal.calculatorMode == .secondaryIP)
        #expect(metal.ipamdMode == .prefixDelegation)
        #expect(metal.maxPodsAllowed == 737)
        #expect(metal.ipCapacity == 15 * 49 * 16)
        #expect(metal.warnings.contains { $0.code == .prefixDelegationCalculatorMismatch })
    }

    @Test func capsByVCPUs() throws {
        #expect(try maxPods("m5.8xlarge").recommendationCap == 250)   // 32 vCPUs
        #expect(try maxPods("m5.4xlarge").recommendationCap == 110)   // 16 vCPUs
        #expect(try maxPods("m5.24xlarge").maxPodsRecommended == 250)
        // No vCPU count in the catalog: inferred from the size.
        let c9 = try maxPods("c9g.12xlarge")
        #expect(c9.vCPUs == 48)
        #expect(c9.vCPUsInferred)
    }

    /// Security Groups for Pods: the trunk ENI takes a slot on trunk-compatible types.
    @Test func securityGroupsForPods() throws {
        let m = try maxPods("m5.large", .init(securityGroupsForPods: true))
        #expect(m.trunkENI)
        #expect(m.ipCapacity == 18)
        #expect(m.branchENIs == 9)
        #expect(m.maxPodsAllowed == 29)
        #expect(m.warnings.contains { $0.code == .trunkENISlot })
        #expect(m.warnings.contains { $0.code == .maxPodsExceedsIPs })
        let t3 = try maxPods("t3.medium", .init(securityGroupsForPods: true))
        #expect(!t3.trunkENI)
        #expect(t3.ipCapacity == 15)
        #expect(t3.warnings.contains { $0.code == .trunkUnsupported })
    }

    @Test func ipv6AndMultiCard() throws {
        let v6 = try maxPods("m5.large", .init(ipv6: true))
        #expect(v6.ipamdMode == .ipv6)
        #expect(v6.ipCapacity == 1 << 48)
        #expect(v6.maxPodsRecommended == 110)
        let p5 = try maxPods("p5.48xlarge")
        #expect(p5.maxPodsAllowed == 100)
        #expect(p5.networkCards == 32)
        #expect(p5.warnings.contains { $0.code == .multiCard })
    }

    @Test func customNetworkingLeavesIPCapacityBelowTableValue() throws {
        let m = try maxPods("m5.large", .init(customNetworking: true))
        #expect(m.ipCapacity == 18)
        #expect(m.podENIs == 2)
        #expect(m.warnings.contains { $0.code == .maxPodsExceedsIPs })
    }
}
