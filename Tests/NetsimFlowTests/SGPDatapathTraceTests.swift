import Foundation
@testable import NetsimFlow
import NetsimIPAM
import NetsimKube
import NetsimModel
import NetsimTestSupport
import Testing

/// Traces through a node with Security Groups for Pods: the walk asks the node's route lookup
/// with the incoming device, so a strict-mode branch pod's packets leave by its VLAN into the
/// VPC even for a pod of the same node, and packets for it come in on its VLAN.
@Suite("security groups for pods: traces through the node")
struct SGPDatapathTraceTests {
    func steps(_ p: PathTrace) -> [Step] { p.hops.flatMap(\.steps) }

    func setup(strict: Bool) throws -> (Network, branch: RealizedPod, other: RealizedPod, host: HostNetwork) {
        let (n, node, branchPods) = try KernelAgreementSGPTests.sgpNetwork(strict: strict, freshAddresses: false)
        let pods = n.fabric.realized.pods.filter { $0.node == node && !$0.hostNetwork && $0.ip != nil }
        let branch = try #require(pods.first { "\($0.namespace)/\($0.name)" == branchPods.first })
        let other = try #require(pods.first { $0.branchENI == nil })
        return (n, branch, other, try #require(NodeDatapath(fabric: n.fabric, node: node)).host)
    }

    func trace(_ n: Network, _ from: RealizedPod, _ to: RealizedPod) throws -> Trace {
        let req = FlowRequest(from: try Endpoint.parse("pod:\(from.namespace)/\(from.name)").get(),
                              to: try Endpoint.parse("pod:\(to.namespace)/\(to.name)").get(), port: 8080)
        guard case .traced(let t) = n.trace(req) else { Issue.record("not traced"); throw CancellationError() }
        return t
    }

    /// Strict: to a pod of the same node, out by the VLAN (rule 10, table VLAN+100) through the
    /// VPC, and back in to the other pod; the other way, out of eth0 and in on the VLAN (rule 10).
    @Test func strictSameNodeGoesThroughTheVPC() throws {
        let (n, branch, other, host) = try setup(strict: true)
        let branchIP = try #require(branch.ip)
        let b = try #require(host.branch(of: branchIP))
        let out = try trace(n, branch, other)
        let routes = steps(out.forward).filter { $0.type == "Routing" }.map(\.sentence)
        #expect(routes.contains { $0.contains("10: from all iif \(host.veth(of: branch.ip!)!) lookup \(b.table)") && $0.contains("dev \(b.vlanDevice)") }, "\(routes)")
        #expect(routes.contains { $0.contains("512: from all to \(other.ip!) lookup main") }, "\(routes)")
        #expect(out.forward.hops.contains { if case .interface = $0.place { return true }; return false }, "the packet crossed an interface")
        #expect(out.forward.finalPacket.destination == .ipv4(other.ip!))
        let back = try trace(n, other, branch)
        let backRoutes = steps(back.forward).filter { $0.type == "Routing" }.map(\.sentence)
        #expect(backRoutes.contains { $0.contains("10: from all iif \(b.vlanDevice) lookup \(b.table)") }, "\(backRoutes)")
        #expect(!backRoutes.contains { $0.contains("512: from all to \(branch.ip!)") })
    }

    /// Standard: the same pair stays on the node (512 rules), no interface crossed.
    @Test func standardSameNodeStaysOnTheNode() throws {
        let (n, branch, other, _) = try setup(strict: false)
        let out = try trace(n, branch, other)
        #expect(!out.forward.hops.contains { if case .interface = $0.place { return true }; return false })
        #expect(steps(out.forward).contains { $0.type == "Routing" && $0.sentence.contains("512: from all to \(other.ip!) lookup main") })
        let back = try trace(n, other, branch)
        #expect(steps(back.forward).contains { $0.type == "Routing" && $0.sentence.contains("512: from all to \(branch.ip!) lookup main") })
    }
}

/// A branch pod's VLAN device carries its branch ENI's MAC (driver.go buildVlanLink): what
/// `netsim node` prints for `vlan.eth.N` is the MAC `describe` gives the ENI.
@Suite("SGP: one MAC per branch ENI")
struct BranchENIMACTests {
    @Test func vlanDeviceHasTheENIsMAC() throws {
        let n = try Lab.network("Topologies/security-groups-for-pods.yaml")
        let branches = n.fabric.realized.pods.compactMap(\.branchENI)
        #expect(branches.count >= 2)
        for b in branches {
            let iface = try #require(n.fabric.interfaces.first { $0.id == b.eniID }, "\(b.eniID)")
            let host = try #require(NodeDatapath.hostBranch(b, topology: n.fabric.topology))
            #expect(host.mac == iface.mac.description, "\(b.eniID)")
        }
    }
}
