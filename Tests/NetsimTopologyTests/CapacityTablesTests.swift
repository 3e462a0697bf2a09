import Foundation
import NetsimIPAM
import NetsimModel
import NetsimRender
import NetsimTestSupport
import NetsimTopology
import Testing

/// `netsim capacity`: the text lists every subnet the JSON lists, and the zone table sums every
/// subnet of a zone, so the addresses load balancer nodes and NAT gateways hold are in its OTHER.
@Suite struct CapacityTablesTests {
    @Test func textListsEverySubnetAndZonesCountOther() throws {
        Repo.enterRoot()
        let t = try #require(TopologyLoader(catalog: .builtin).load(path: "Topologies/quickstart.yaml").validTopology)
        let r = CapacityPlanner.plan(t, catalog: .builtin, whatIfs: false)
        let text = CapacityReportRenderer.render(r, as: .text, color: false)
        let json = CapacityReportRenderer.render(r, as: .json, color: false)
        // db-b holds nothing: listed in both.
        let unused = try #require(r.subnets.first { $0.name == "db-b" })
        #expect(unused.nodes == 0 && unused.other == 0 && unused.eniPrimaries == 0)
        for s in r.subnets {
            #expect(text.contains("\n\(s.name) "), "\(s.name) missing from the text")
            #expect(json.contains("\"\(s.name)\""))
        }
        // Each zone sums all its subnets: OTHER includes the public subnets' NAT gateway and
        // ALB nodes, and the columns add up to USABLE.
        for z in r.zones {
            let mine = r.subnets.filter { $0.zone == z.zone }
            #expect(Set(z.subnets) == Set(mine.map(\.name)))
            #expect(z.other == mine.map(\.other).reduce(0, +) && z.other > 0)
            #expect(z.usable == z.eniPrimaries + z.podIPs + z.warmIPs + z.other + z.free)
        }
    }
}
