import Foundation
import NetsimIPAM
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

enum Fixture {
    static let root = Repo.root

    static func topology(_ relative: String) throws -> Topology {
        let r = TopologyLoader(catalog: .builtin).load(path: root.appendingPathComponent(relative).path)
        return try #require(r.validTopology, "\(r.diagnostics.map(\.message))")
    }

    /// A topology from text, on top of a one-VPC cluster of `nodes` m5.large in `cidr`.
    static func cluster(cni: String = "{}", cidr: String = "10.0.32.0/19", nodes: Int = 2, extraSubnets: String = "",
                        groupExtra: String = "", manifests: String = "", instanceType: String = "m5.large") throws -> Topology {
        let text = """
        apiVersion: netsim/v1
        kind: Topology
        name: t
        region: us-east-1
        seed: 7
        vpc:
          name: v
          cidrBlocks: [10.0.0.0/16, 100.64.0.0/16]
          subnets:
            - {name: nodes-a, zone: us-east-1a, cidr: \(cidr)}
        \(extraSubnets)
          securityGroups:
            - {name: nodes}
        cluster:
          name: demo
          serviceCidr: 172.20.0.0/16
          cni: \(cni)
          nodeGroups:
            - {name: general, instanceType: \(instanceType), count: \(nodes), subnets: [nodes-a], securityGroups: [nodes]\(groupExtra)}
        \(manifests)
        """
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: "t.yaml")
        return try #require(r.validTopology, "\(r.diagnostics.map { "\($0.location.line):\($0.message)" })")
    }

    static func deployment(_ name: String, replicas: Int, extra: String = "") -> String {
        """
        {apiVersion: apps/v1, kind: Deployment, metadata: {name: \(name), namespace: default},
           spec: {replicas: \(replicas), selector: {matchLabels: {app: \(name)}},
                  template: {metadata: {labels: {app: \(name)}}, spec: {\(extra)containers: [{name: c, image: nginx}]}}}}
        """
    }
}

@Suite("realize")
struct RealizeTests {
    @Test func quickstartIsDeterministicAndWellFormed() throws {
        let t = try Fixture.topology("Topologies/quickstart.yaml")
        let a = Realizer.realize(t, catalog: .builtin)
        let b = Realizer.realize(t, catalog: .builtin)
        #expect(a.pods.map(\.ip) == b.pods.map(\.ip))
        #expect(a.pods.map(\.name) == b.pods.map(\.name))
        #expect(a.nodes.map(\.instanceID) == b.nodes.map(\.instanceID))
        #expect(a.nodes.count == 3)
        #expect(a.podsWithoutIP.isEmpty && a.unscheduledPods.isEmpty)
        let vpc = try #require(t.primaryVPC)
        var seen = Set<IPv4Address>()
        for p in a.pods where !p.hostNetwork {
            let ip = try #require(p.ip)
            #expect(seen.insert(ip).inserted, "duplicate pod IP \(ip)")
            let subnet = try #require(vpc.subnets.first { $0.cidr.contains(ip) })
            #expect(!subnet.isReserved(ip))
        }
        for n in a.nodes {
            #expect(n.name == "ip-" + n.primaryIP.description.split(separator: ".").joined(separator: "-") + ".ec2.internal")
            #expect(n.instanceID.hasPrefix("i-0") && n.instanceID.count == 19)
            #expect(n.ipam.enis.map(\.deviceIndex) == Array(0..<n.ipam.enis.count))
            for e in n.ipam.enis {
                #expect(e.id.hasPrefix("eni-0") && e.id.count == 21)
                let first = try #require(UInt8(e.mac.prefix(2), radix: 16))
                #expect(first & 0x02 == 0x02 && first & 0x01 == 0)
            }
            // Host-network pods (aws-node, kube-proxy) carry the node's address.
            #expect(a.pods.filter { $0.node == n.name && $0.hostNetwork }.allSatisfy { $0.ip == n.primaryIP })
        }
        // Deployment pods look like Kubernetes': NAME-<10>-<5> from its alphabet.
        let alphabet = Set("bcdfghjklmnpqrstvwxz2456789")
        for p in a.pods where p.workloadKind == .deployment {
            let parts = p.name.dropFirst(p.workload.count + 1).split(separator: "-")
            #expect(parts.count == 2 && parts[0].count == 10 && parts[1].count == 5)
            #expect(parts.joined().allSatisfy(alphabet.contains))
        }
    }

    @Test func clusterIPs() throws {
        let t = try Fixture.topology("Topologies/quickstart.yaml")
        let r = Realizer.realize(t, catalog: .builtin)
        #expect(r.services.first { $0.name == "kubernetes" }?.clusterIP == IPv4Address(172, 20, 0, 1))
        #expect(r.services.first { $0.name == "kube-dns" }?.clusterIP == IPv4Address(172, 20, 0, 10))
        let dynamic = r.services.filter { !$0.implicit }.compactMap(\.clusterIP)
        #expect(!dynamic.isEmpty)
        // Dynamic addresses come from the upper band (past the first 256 of a /16).
        #expect(dynamic.allSatisfy { $0.value - IPv4Address(172, 20, 0, 0).value > 256 })
    }

    @Test(arguments: [("10.0.0.0/28", 0), ("10.0.0.0/27", 16), ("10.0.0.0/24", 16), ("10.0.0.0/20", 256), ("10.0.0.0/16", 256), ("10.0.0.0/12", 256)])
    func serviceLowerBand(cidr: String, band: Int) throws {
        let a = ServiceIPAllocator(range: try #require(IPv4CIDR(cidr)), seed: 1)
        #expect(a.lowerBandSize == band)
    }

    @Test func serviceAllocatorFillsUpperBandThenLower() throws {
        var a = ServiceIPAllocator(range: try #require(IPv4CIDR("10.96.0.0/27")), seed: 3)
        var got: [Int] = []
        while let ip = a.allocate() { got.append(Int(ip.value - IPv4Address(10, 96, 0, 0).value)) }
        #expect(got.count == 30)
        #expect(got.prefix(14).allSatisfy { $0 > 16 })
        #expect(Set(got) == Set(1...30))
    }

    @Test func customNetworkingPutsPodsInENIConfigSubnets() throws {
        let t = try Fixture.topology("Topologies/custom-networking-100-64.yaml")
        let r = Realizer.realize(t, catalog: .builtin)
        let rfc6598 = IPv4CIDR.rfc6598
        for p in r.pods where !p.hostNetwork { #expect(p.ip.map(rfc6598.contains) == true, "\(p.name) \(String(describing: p.ip))") }
        for n in r.nodes {
            #expect(n.eniConfig != nil)
            #expect(n.ipam.enis.first { $0.isPrimary }?.cidrs.isEmpty == true)
        }
    }

    @Test func podsWithoutAnAddressAreReported() throws {
        // A /27 holds 27 usable addresses: two m5.large take 1 + 9 each at boot, then ENIs fail.
        let t = try Fixture.cluster(cidr: "10.0.32.0/27", manifests: "kubernetes:\n  manifests:\n    - " + Fixture.deployment("web", replicas: 30))
        let r = Realizer.realize(t, catalog: .builtin)
        #expect(!r.podsWithoutIP.isEmpty)
        #expect(r.podsWithoutIP.allSatisfy { $0.reason?.contains("failed to assign an IP address to container") == true })
        #expect(r.ec2.pool(0).freeCount <= 9)
        #expect(r.warnings.contains { $0.code == .podsWithoutIP })
    }

    @Test func schedulerHonoursMaxPodsSelectorsAndTaints() throws {
        let manifests = "kubernetes:\n  manifests:\n    - " + Fixture.deployment("web", replicas: 60)
            + "\n    - " + Fixture.deployment("gpu", replicas: 1, extra: "nodeSelector: {accelerator: nvidia}, ")
        let t = try Fixture.cluster(nodes: 2, manifests: manifests)
        let r = Realizer.realize(t, catalog: .builtin)
        for n in r.nodes { #expect(r.pods.filter { $0.node == n.name }.count <= 29) }
        #expect(r.unscheduledPods.contains { $0.workload == "gpu" && $0.reason?.contains("nodeSelector") == true })
        #expect(r.unscheduledPods.contains { $0.workload == "web" && $0.reason?.contains("Too many pods") == true })
        let tainted = try Fixture.cluster(nodes: 1, groupExtra: ", taints: [{key: dedicated, value: batch, effect: NoSchedule}]",
                                          manifests: "kubernetes:\n  manifests:\n    - " + Fixture.deployment("web", replicas: 1))
        let rt = Realizer.realize(tainted, catalog: .builtin)
        #expect(rt.unscheduledPods.map(\.workload).contains("web"))
        #expect(rt.pods.filter { $0.workload == "aws-node" }.count == 1)   // DaemonSets tolerate everything
    }

    /// Issue 12: two Deployments at the documented limit of 1,000,000 replicas built two million
    /// pods. Pending pods are counted, not built: the count is exact, the pods built bounded.
    @Test func pendingPodsAreCountedNotBuilt() throws {
        let manifests = "kubernetes:\n  manifests:\n    - " + Fixture.deployment("web", replicas: 1_000_000)
            + "\n    - " + Fixture.deployment("api", replicas: 1_000_000)
            + "\n    - " + Fixture.deployment("gpu", replicas: 1_000_000, extra: "nodeSelector: {accelerator: nvidia}, ")
        let t = try Fixture.cluster(nodes: 2, manifests: manifests)
        let r = Realizer.realize(t, catalog: .builtin)
        let running = r.pods.filter { $0.node != nil && $0.workloadKind == .deployment }.count
        // Every replica is either on a node or Pending, exactly.
        #expect(running + r.unscheduledCount == 3_000_000 + 2)
        #expect(r.unscheduledPods.count == 3 * Realizer.pendingPodsBuilt)
        #expect(r.pods.count < 200)
        #expect(r.warnings.contains { $0.code == .podsUnscheduled && $0.message.hasPrefix("\(r.unscheduledCount) pods could not be scheduled") })
        #expect(r.unscheduledPods.filter { $0.workload == "gpu" }.allSatisfy { $0.reason?.contains("nodeSelector") == true })
        // The names go on where the built pods stop, as the ReplicaSet would name them.
        #expect(Set(r.unscheduledPods.map(\.name)).count == r.unscheduledPods.count)
    }

    @Test func subnetDiscoveryPrefersTaggedSubnetWithMoreRoom() throws {
        let extra = """
            - {name: cni-a, zone: us-east-1a, cidr: 10.0.128.0/17, tags: {kubernetes.io/role/cni: "1"}}
            - {name: off-a, zone: us-east-1a, cidr: 100.64.0.0/16, tags: {kubernetes.io/role/cni: "0"}}
        """
        let t = try Fixture.cluster(nodes: 1, extraSubnets: extra, manifests: "kubernetes:\n  manifests:\n    - " + Fixture.deployment("web", replicas: 20))
        let r = Realizer.realize(t, catalog: .builtin)
        let n = try #require(r.nodes.first)
        let secondary = n.ipam.enis.filter { !$0.isPrimary }
        #expect(!secondary.isEmpty)
        #expect(secondary.allSatisfy { r.ec2.pool($0.subnet).subnet.name == "cni-a" })
        let disabled = try Fixture.cluster(cni: "{ENABLE_SUBNET_DISCOVERY: \"false\"}", nodes: 1, extraSubnets: extra,
                                           manifests: "kubernetes:\n  manifests:\n    - " + Fixture.deployment("web", replicas: 20))
        let rd = Realizer.realize(disabled, catalog: .builtin)
        #expect(rd.nodes[0].ipam.enis.allSatisfy { rd.ec2.pool($0.subnet).subnet.name == "nodes-a" })
    }

    /// IPv6: each node's primary ENI gets one /80 from its subnet's /64, pods take addresses
    /// from it, and no warm pool of IPv4 addresses is built.
    @Test func ipv6PodsComeFromTheNodesPrefix() throws {
        let text = """
        apiVersion: netsim/v1
        kind: Topology
        name: v6
        region: eu-west-1
        vpc:
          name: v
          cidrBlocks: [10.0.0.0/16]
          ipv6CidrBlocks: [2a05:d018:1:2300::/56]
          subnets:
            - {name: a, zone: eu-west-1a, cidr: 10.0.0.0/20, ipv6Cidr: 2a05:d018:1:2300::/64}
        cluster:
          name: demo
          ipFamily: ipv6
          cni: {ENABLE_PREFIX_DELEGATION: "true"}
          nodeGroups:
            - {name: general, instanceType: m5.large, count: 2, subnets: [a]}
        """
        let t = try #require(TopologyLoader(catalog: .builtin).load(text: text, file: "v6.yaml").validTopology)
        let r = Realizer.realize(t, catalog: .builtin)
        #expect(r.podsWithoutIP.isEmpty)
        let block = try #require(IPv6CIDR("2a05:d018:1:2300::/64"))
        for n in r.nodes {
            let p = try #require(n.ipv6Prefix)
            #expect(p.prefixLength == 80 && block.contains(p.network))
            #expect(n.ipam.total == 0)
            #expect(n.name.hasSuffix(".eu-west-1.compute.internal"))
        }
        for pod in r.pods where !pod.hostNetwork {
            let ip = try #require(pod.ipv6)
            #expect(r.nodes.contains { $0.name == pod.node && $0.ipv6Prefix?.contains(ip) == true })
        }
    }

    @Test func prefixesAreAlignedAndAvoidReservedAddresses() throws {
        let t = try Fixture.topology("Topologies/prefix-delegation-dense-nodes.yaml")
        let r = Realizer.realize(t, catalog: .builtin)
        for n in r.nodes {
            for e in n.ipam.enis {
                for c in e.cidrs {
                    #expect(c.cidr.prefixLength == 28)
                    let subnet = r.ec2.pool(e.subnet).subnet
                    for i in 0..<16 { #expect(!subnet.isReserved(IPv4Address(c.cidr.network.value + UInt32(i)))) }
                }
            }
        }
    }
}

@Suite("subnet pools")
struct SubnetPoolTests {
    func pool(_ cidr: String) throws -> SubnetPool {
        SubnetPool(subnet: Subnet(name: "s", id: "subnet-1", zone: "z", cidr: try #require(IPv4CIDR(cidr)), location: SourceLocation(file: "t", line: 1, column: 1)))
    }

    @Test func everyUsableAddressOnceAndNoReserved() throws {
        var p = try pool("10.0.0.0/26")
        var rng = SplitMix64(seed: 9)
        var got = Set<UInt32>()
        while let ip = p.allocateAddress(using: &rng) { got.insert(ip.value) }
        #expect(got.count == 59)
        #expect(!got.contains(IPv4Address(10, 0, 0, 0).value) && !got.contains(IPv4Address(10, 0, 0, 3).value) && !got.contains(IPv4Address(10, 0, 0, 63).value))
        #expect(p.freeCount == 0)
    }

    /// The first and last /28 hold reserved addresses, so a /24 offers 14 whole blocks; scattered
    /// secondary IPs leave far fewer.
    @Test func fragmentationBlocksPrefixes() throws {
        var p = try pool("10.0.0.0/24")
        #expect(p.freePrefixCount == 14)
        var rng = SplitMix64(seed: 4)
        for _ in 0..<20 { _ = p.allocateAddress(using: &rng) }
        #expect(p.freePrefixCount < 14)
        #expect(p.freeCount == 251 - 20)
        var taken = 0
        while p.allocatePrefix(using: &rng) != nil { taken += 1 }
        #expect(taken == p.freePrefixCount + taken - p.freePrefixCount)
        #expect(p.freePrefixCount == 0)
        #expect(p.freeCount > 0)   // free addresses remain, but no whole /28
    }
}
