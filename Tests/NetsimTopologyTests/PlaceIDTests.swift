import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimModel
import NetsimRender
import NetsimTestSupport
import NetsimTopology
import Testing

/// Typed places carry the IDs of what is there (issue 13): a subnet its `subnet-…` ID, a node's
/// datapath the realized node's instance ID, in the trace and in its JSON; the text is unchanged.
@Suite struct PlaceIDTests {
    @Test func subnetAndNodePlacesCarryTheirIDs() throws {
        let n = try DescribeTests.network("Topologies/quickstart.yaml")
        // A pod to a pod in the other zone: both nodes' datapaths and both subnets' tables.
        func zone(_ p: RealizedPod) -> String? { p.node.flatMap { n.fabric.nodeByName[$0]?.zone } }
        let a = try #require(n.fabric.realized.pods.first { $0.ip != nil && !$0.hostNetwork && zone($0) == "us-east-1a" })
        let b = try #require(n.fabric.realized.pods.first { $0.ip != nil && !$0.hostNetwork && zone($0) == "us-east-1b" })
        guard case .traced(let t) = n.trace(FlowRequest(from: .pod(namespace: a.namespace, name: a.name), to: .pod(namespace: b.namespace, name: b.name), port: 8080)) else {
            Issue.record("not traced"); return
        }
        let places = (t.forward.hops + (t.reply?.hops ?? [])).map(\.place)
        var subnets: [ObjectRef] = [], nodes: [ObjectRef] = []
        for p in places {
            if case .subnet(let s) = p { subnets.append(s) }
            if case .node(let x) = p { nodes.append(x) }
        }
        #expect(!subnets.isEmpty && !nodes.isEmpty)
        for s in subnets {
            let real = try #require(n.fabric.subnets[s.name]?.subnet)
            #expect(s.id == real.id && s.id.hasPrefix("subnet-"))
        }
        for x in nodes {
            let real = try #require(n.fabric.nodeByName[x.name])
            #expect(x.id == real.instanceID && x.id.hasPrefix("i-"))
        }
        // JSON v2: the place objects have the `id`; the text names them as before.
        let json = TraceRenderer.render(t, as: .json, color: false)
        #expect(json.contains("\"id\" : \"\(subnets[0].id)\"") && json.contains("\"id\" : \"\(nodes[0].id)\""))
        let text = TraceRenderer.render(t, as: .text, color: false)
        #expect(text.contains("subnet \(subnets[0].name)") && !text.contains(subnets[0].id) && !text.contains(nodes[0].id))
    }
}
