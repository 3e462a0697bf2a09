import Foundation
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

/// The IPv6 address plan as EC2 and EKS accept it (Amazon VPC User Guide, "VPC CIDR blocks" and
/// "Subnet CIDR blocks"; EKS User Guide, IPv6 clusters): located errors with stable codes.
@Suite("IPv6 input")
struct IPv6InputTests {
    static func load(_ text: String) -> LoadResult { TopologyLoader(catalog: .builtin).load(text: text, file: "v6.yaml") }

    static func topology(vpc6: String = "\"2600:1f18:1234:ab00::/56\"", subnetA: String = "ipv6Cidr: \"2600:1f18:1234:ab00::/64\"",
                         subnetB: String = "", eni: String = "", cluster: String = "") -> String {
        """
        apiVersion: netsim/v1
        kind: Topology
        name: v6
        region: us-east-1
        vpc:
          name: main
          cidrBlocks: [10.0.0.0/16]
          ipv6CidrBlocks: [\(vpc6)]
          subnets:
            - {name: a, zone: us-east-1a, cidr: 10.0.0.0/20, \(subnetA)}
            - {name: b, zone: us-east-1b, cidr: 10.0.16.0/20\(subnetB.isEmpty ? "" : ", " + subnetB)}
          networkInterfaces:
            - {name: x, subnet: a\(eni.isEmpty ? "" : ", " + eni)}
        \(cluster)
        """
    }

    static let ipv6Cluster = """
        cluster:
          name: k
          version: "1.31"
          ipFamily: ipv6
          nodeGroups:
            - {name: g, instanceType: m5.large, count: 1, subnets: [a, b]}
        """

    @Test func aValidDualStackPlanIsClean() {
        let r = Self.load(Self.topology(subnetB: "ipv6Cidr: \"2600:1f18:1234:ab01::/64\", assignIpv6AddressOnCreation: true",
                                        eni: "ipv6Address: \"2600:1f18:1234:ab00::10\"", cluster: Self.ipv6Cluster))
        #expect(r.diagnostics.filter { $0.severity == .error }.isEmpty, "\(r.diagnostics.map(\.formatted))")
    }

    /// VPC: /56 (Amazon-provided) or /44–/60 in steps of 4; anything else is NS1461 at the block.
    @Test func vpcBlockSizes() throws {
        for ok in ["2600:1f18::/44", "2600:1f18:1234::/48", "2600:1f18:1234:ab00::/56", "2600:1f18:1234:ab00::/60"] {
            let r = Self.load(Self.topology(vpc6: "\"\(ok)\"", subnetA: "ipv6Cidr: \"2600:1f18:1234:ab00::/64\""))
            #expect(!r.codes.contains("NS1461"), "\(ok): \(r.codes)")
        }
        for bad in ["2600:1f18:1234:ab00::/57", "2600:1f18:1234:ab00::/64", "2600::/40"] {
            let r = Self.load(Self.topology(vpc6: "\"\(bad)\""))
            let d = try #require(r.first(.ipv6VPCBlockSize), "\(bad): \(r.codes)")
            #expect(d.location.line == 8, "\(d.location)")
        }
    }

    /// Subnet: /44–/64 in steps of 4 (NS1462), inside the VPC's block and overlapping no other
    /// subnet's (NS1463); assignIpv6AddressOnCreation needs a block (NS1466).
    @Test func subnetBlocks() throws {
        #expect(Self.load(Self.topology(subnetA: "ipv6Cidr: \"2600:1f18:1234:ab00::/80\"")).codes.contains("NS1462"))
        #expect(Self.load(Self.topology(subnetA: "ipv6Cidr: \"2600:1f18:9999:ab00::/64\"")).codes.contains("NS1463"))
        #expect(Self.load(Self.topology(subnetB: "ipv6Cidr: \"2600:1f18:1234:ab00::/64\"")).codes.contains("NS1463"), "overlap")
        let assign = Self.load(Self.topology(subnetB: "assignIpv6AddressOnCreation: true"))
        let d = try #require(assign.first(.ipv6AssignWithoutBlock))
        #expect(d.location.line == 11)
    }

    /// An interface's IPv6 address: in its subnet's block, not reserved (NS1465); malformed text
    /// is NS0302.
    @Test func interfaceAddresses() {
        #expect(Self.load(Self.topology(eni: "ipv6Address: \"2600:1f18:1234:ab01::10\"")).codes.contains("NS1465"))
        #expect(Self.load(Self.topology(eni: "ipv6Address: \"2600:1f18:1234:ab00::3\"")).codes.contains("NS1465"))
        #expect(Self.load(Self.topology(eni: "ipv6Address: \"2600:1f18:1234:ab00:ffff:ffff:ffff:ffff\"")).codes.contains("NS1465"))
        #expect(Self.load(Self.topology(eni: "ipv6Address: \"2600:1f18:1234:ab00::4\"")).codes.isEmpty)
        #expect(Self.load(Self.topology(eni: "ipv6Address: \"10.0.0.10\"")).codes.contains("NS0302"))
    }

    /// An IPv6 cluster needs the VPC's block and node subnets with blocks (NS1464).
    @Test func ipv6ClusterNeedsIPv6Subnets() throws {
        let r = Self.load(Self.topology(cluster: Self.ipv6Cluster))
        let d = try #require(r.first(.ipv6ClusterWithoutIPv6))
        #expect(d.message.contains("subnet 'b'"))
        let noVPC = Self.load(Self.topology(vpc6: "", subnetA: "mapPublicIpOnLaunch: false", cluster: Self.ipv6Cluster))
        #expect(noVPC.codes.contains("NS1464"), "\(noVPC.codes)")
    }

    /// cluster.serviceIpv6Cidr: a /108 (to /120) of fc00::/7, in an IPv6 cluster only (NS1467);
    /// a valid one is the range Services take their cluster IPs from.
    @Test func serviceIPv6Range() throws {
        func cluster(_ family: String, _ range: String) -> String {
            Self.ipv6Cluster.replacingOccurrences(of: "ipFamily: ipv6", with: "ipFamily: \(family)\n  serviceIpv6Cidr: \"\(range)\"")
        }
        let both = "ipv6Cidr: \"2600:1f18:1234:ab01::/64\""
        let ok = Self.load(Self.topology(subnetB: both, cluster: cluster("ipv6", "fd12:3456:789a::/108")))
        let t = try #require(ok.validTopology, "\(ok.diagnostics.map(\.formatted))")
        #expect(t.cluster?.serviceIPv6Range(seed: t.seed) == IPv6CIDR("fd12:3456:789a::/108"))
        for (family, range) in [("ipv6", "fd12:3456:789a::/64"), ("ipv6", "2600:1f18::/108"), ("ipv4", "fd12:3456:789a::/108")] {
            let r = Self.load(Self.topology(subnetB: both, cluster: cluster(family, range)))
            #expect(r.codes.contains("NS1467"), "\(family) \(range): \(r.codes)")
        }
    }

    /// Hostile values: never a crash, always a located code.
    @Test func hostileValues() {
        let mega = String(repeating: "f", count: 1 << 20)
        for v in ["\"2600::/9223372036854775807\"", "\"2600::/-1\"", "\"\"", "\"\(mega)::/56\""] {
            let r = Self.load(Self.topology(vpc6: v))
            #expect(!r.codes.isEmpty && r.validTopology == nil, "\(v.prefix(40))")
        }
        for v in ["\"\"", "\"\(mega)\"", "9223372036854775807", "-1"] {
            let r = Self.load(Self.topology(eni: "ipv6Address: \(v)"))
            #expect(r.codes.contains("NS0302") || r.codes.contains("NS0202"), "\(v.prefix(40)): \(r.codes)")
        }
        #expect(Self.load(Self.topology(subnetB: "assignIpv6AddressOnCreation: maybe")).codes.contains("NS0202"))
    }
}
