import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimModel
import NetsimTopology
import Testing

/// The converter reads the aws-node settings once, typed and located; check, the realizer and
/// the node datapath take those values.
@Suite("typed aws-node settings")
struct TypedSettingsTests {
    static let text = """
    apiVersion: netsim/v1
    kind: Topology
    name: t
    region: us-east-1
    seed: 3
    vpc:
      name: v
      cidrBlocks: [10.0.0.0/16]
      subnets:
        - {name: a, zone: us-east-1a, cidr: 10.0.0.0/20}
      securityGroups:
        - {name: nodes}
    cluster:
      name: c
      cni:
        AWS_VPC_K8S_CNI_CONNMARK: "0x40"
        AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: "192.168.0.0/16,bad,172.16.0.0/12"
        WARM_IP_TARGET: "3"
        ENABLE_PREFIX_DELEGATION: "F"
        WARM_PREFIX_TARGET: "2"
        NETWORK_POLICY_ENFORCING_MODE: Strict
      nodeGroups:
        - {name: g, instanceType: m5.large, count: 1, subnets: [a], securityGroups: [nodes]}
    """

    @Test func oneReadingForCheckRealizerAndDatapath() throws {
        let r = TopologyLoader(catalog: .builtin).load(text: Self.text, file: "t.yaml")
        let t = try #require(r.topology)
        let cluster = try #require(t.cluster)
        let s = try #require(cluster.cniSettings, "the converter stores its reading")
        #expect(s.connmark == 0x40 && s.warmIPTarget == 3 && !s.prefixDelegation && s.networkPolicyStrict)
        #expect(s.excludeSNATCIDRs.map(\.description) == ["192.168.0.0/16", "172.16.0.0/12"])
        // Located: each value where the file writes it.
        let line = try #require(Self.text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("WARM_IP_TARGET") }) + 1
        #expect(s.sources["WARM_IP_TARGET"]?.line == line && s.sources["WARM_IP_TARGET"]?.file == "t.yaml")
        // check: the unreadable entry warned once, and the ignored WARM_PREFIX_TARGET (prefix
        // delegation off, read as ParseBool reads "F") pointed at its line.
        #expect(r.diagnostics.filter { $0.message.contains("'bad'") }.count == 1)
        let ignored = try #require(r.diagnostics.first { $0.code == .ignoredCNISetting && $0.message.hasPrefix("WARM_PREFIX_TARGET") })
        #expect(ignored.location == s.sources["WARM_PREFIX_TARGET"])
        // The realizer and the node datapath use the same values.
        let n = Network(topology: t, catalog: .builtin)
        #expect(n.fabric.realized.settings == s)
        let node = try #require(n.fabric.realized.nodes.first?.name)
        let host = try #require(NodeDatapath.host(fabric: n.fabric, node: node))
        #expect(host.connmark == 0x40 && host.excludeSNATCIDRs == s.excludeSNATCIDRs)
    }
}
