import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

/// Load balancers are built in the realize step and held by the realized cluster, on the
/// NodePorts the realizer allocated; the fabric only indexes them
/// (`Tests/NetsimFlowTests/Fixtures/lb-lab.yaml`).
@Suite("realized load balancers")
struct RealizedLoadBalancerTests {
    static func topology() throws -> Topology {
        let path = Repo.root.appendingPathComponent("Tests/NetsimFlowTests/Fixtures/lb-lab.yaml").path
        let r = TopologyLoader(catalog: .builtin).load(path: path)
        return try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
    }

    /// An NLB with instance targets (Cluster and Local policy) and an ALB with instance targets:
    /// the realized cluster holds their target groups, registered on the NodePorts (and
    /// health-check NodePort) the realizer allocated, which are the ports every node's
    /// kube-proxy rules open.
    @Test func targetGroupsUseTheNodePortsKubeProxyOpens() throws {
        let t = try Self.topology()
        let r = Realizer.realize(t, catalog: .builtin)
        let fabric = FabricIndex(topology: t, realized: r)
        let node = try #require(r.nodes.first?.name)
        let datapath = try #require(NodeDatapath(fabric: fabric, node: node))
        func kubeProxyPort(_ svc: String) throws -> (nodePort: UInt16, healthCheck: UInt16?) {
            let p = try #require(datapath.servicePorts.first { "\($0.namespace)/\($0.name)" == svc })
            return (try #require(p.nodePort), p.healthCheckNodePort)
        }
        func realizedLB(_ owner: String) throws -> LoadBalancer {
            try #require(r.loadBalancers.first { $0.owner == owner }?.loadBalancer, "\(owner) is not realized")
        }

        // NLB, instance targets, externalTrafficPolicy Cluster.
        let cluster = try realizedLB("service:lab/nlb-instance-cluster")
        let np = try #require(r.nodePort(namespace: "lab", name: "nlb-instance-cluster", port: 0))
        #expect(try kubeProxyPort("lab/nlb-instance-cluster").nodePort == np)
        #expect(cluster.listeners.map(\.port) == [80])
        let tg = try #require(cluster.targetGroups.first)
        #expect(tg.targetType == .instance && !tg.targets.isEmpty)
        #expect(tg.targets.allSatisfy { $0.port == np && $0.node != nil })
        #expect(Set(tg.targets.compactMap(\.node)) == Set(r.nodes.map(\.name)))
        // kube-proxy's rules on the node open that NodePort for the Service.
        let rules = datapath.iptablesText.split(separator: "\n")
        #expect(rules.contains { $0.hasPrefix("-A KUBE-NODEPORTS") && $0.contains("lab/nlb-instance-cluster") && $0.contains("--dport \(np)") })

        // NLB, instance targets, Local: the health check goes to kube-proxy's health-check NodePort.
        let local = try realizedLB("service:lab/nlb-instance-local")
        let hc = try #require(r.healthCheckNodePort(namespace: "lab", name: "nlb-instance-local"))
        let kp = try kubeProxyPort("lab/nlb-instance-local")
        #expect(kp.healthCheck == hc)
        #expect(local.targetGroups.first?.healthCheck.port == hc && local.targetGroups.first?.healthCheck.kubeProxyHealthServer == true)
        #expect(local.targetGroups.first?.targets.allSatisfy { $0.port == kp.nodePort } == true)

        // ALB, instance targets: one target group per backend Service, on its NodePort.
        let site = try realizedLB("ingress:lab/site")
        #expect(!site.listeners.isEmpty && !site.listeners[0].rules.isEmpty)
        for svc in ["web-cluster", "web-local"] {
            let np = try #require(r.nodePort(namespace: "lab", name: svc, port: 0))
            #expect(try kubeProxyPort("lab/\(svc)").nodePort == np)
            let group = try #require(site.targetGroups.first { $0.service == "lab/\(svc)" })
            #expect(group.targets.allSatisfy { $0.port == np } && !group.targets.isEmpty)
            #expect(rules.contains { $0.hasPrefix("-A KUBE-NODEPORTS") && $0.contains("lab/\(svc)") && $0.contains("--dport \(np)") })
        }
        // The managed groups and the rule added to the nodes' group are realized too.
        #expect(r.loadBalancerGroups.contains { $0.name == cluster.securityGroups[0] })
        #expect(r.loadBalancerTargetRules["nodes"]?.isEmpty == false)
        // The fabric shows exactly what was realized.
        #expect(fabric.loadBalancers.map(\.name) == r.loadBalancers.compactMap(\.loadBalancer).map(\.name))
        #expect(fabric.loadBalancerProblems.map(\.message) == r.loadBalancers.flatMap(\.problems).map(\.message))
    }

    /// The fabric builds no load balancer of its own: built from a realized cluster whose load
    /// balancers were edited, it shows the edit (a listener moved, a target group dropped, a
    /// managed group's rules replaced).
    @Test func fabricOnlyIndexesTheRealizedLoadBalancers() throws {
        let t = try Self.topology()
        var r = Realizer.realize(t, catalog: .builtin)
        let i = try #require(r.loadBalancers.firstIndex { $0.owner == "service:lab/nlb-instance-cluster" })
        var lb = try #require(r.loadBalancers[i].loadBalancer)
        lb.listeners[0].port = 8443
        r.loadBalancers[i].loadBalancer = lb
        let j = try #require(r.loadBalancers.firstIndex { $0.owner == "ingress:lab/site" })
        r.loadBalancers[j].loadBalancer?.targetGroups.removeAll { $0.service == "lab/web-local" }
        r.loadBalancers[j].problems.append(LoadBalancerProblem(owner: "ingress:lab/site", message: "edited", location: SourceLocation(file: "test", line: 1, column: 1)))
        let managed = lb.securityGroups[0]
        let g = try #require(r.loadBalancerGroups.firstIndex { $0.name == managed })
        r.loadBalancerGroups[g].ingress = []

        let f = FabricIndex(topology: t, realized: r)
        let seen = try #require(f.loadBalancers.first { $0.owners == ["service:lab/nlb-instance-cluster"] })
        #expect(seen.listeners.map(\.port) == [8443])
        let site = try #require(f.loadBalancers.first { $0.owners.contains("ingress:lab/site") })
        #expect(!site.targetGroups.contains { $0.service == "lab/web-local" })
        #expect(f.loadBalancerProblems.contains { $0.owner == "ingress:lab/site" && $0.message == "edited" })
        #expect(f.groups.values.first { $0.name == managed }?.ingress.isEmpty == true)
        // And the load balancer's nodes are still indexed as its interfaces.
        let l = try #require(f.loadBalancer(for: "service:lab/nlb-instance-cluster"))
        #expect(f.loadBalancers[l].nodes.allSatisfy { n in n.interface >= 0 && f.interfaces[n.interface].kind == .loadBalancer && f.interfaces[n.interface].loadBalancer == l })

        // Without load balancers in the realized cluster, the fabric has none.
        r.loadBalancers = []
        r.loadBalancerGroups = []
        r.loadBalancerTargetRules = [:]
        let empty = FabricIndex(topology: t, realized: r)
        #expect(empty.loadBalancers.isEmpty && empty.loadBalancerProblems.isEmpty)
        #expect(!empty.interfaces.contains { $0.kind == .loadBalancer })
    }
}
