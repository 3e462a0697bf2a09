import Foundation
@testable import NetsimIPAM
import NetsimModel
import NetsimTopology
import Testing

/// Load balancer nodes are realized with the cluster: each takes an address of its subnet from
/// the subnet's pool, so capacity and simulate count them like every other address.
@Suite("load balancer addresses")
struct LoadBalancerAccountingTests {
    /// One m5.large in a /27 (27 usable addresses), WARM_IP_TARGET=1, `replicas` pods of web;
    /// with `nlb`, an internal NLB (ip targets) in that subnet.
    static func almostFull(replicas: Int, nlb: Bool) throws -> Topology {
        var manifests = "kubernetes:\n  manifests:\n    - " + Fixture.deployment("web", replicas: replicas)
        if nlb {
            manifests += """

                - {apiVersion: v1, kind: Service, metadata: {name: front, namespace: default, annotations: {service.beta.kubernetes.io/aws-load-balancer-type: external, service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip, service.beta.kubernetes.io/aws-load-balancer-subnets: nodes-a}}, spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80, targetPort: 80}]}}
            """
        }
        return try Fixture.cluster(cni: "{WARM_IP_TARGET: \"1\"}", cidr: "10.0.32.0/27", nodes: 1, manifests: manifests)
    }

    @Test func realizedClusterHoldsTheLoadBalancer() throws {
        let r = Realizer.realize(try Self.almostFull(replicas: 20, nlb: true), catalog: .builtin)
        let placed = try #require(r.loadBalancers.first)
        #expect(placed.owner == "service:default/front")
        let lb = try #require(placed.loadBalancer)
        #expect(lb.kind == .network && lb.nodes.count == 1 && lb.nodes[0].subnet == "nodes-a")
        #expect(lb.arn.hasPrefix("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/\(lb.name)/"))
        #expect(lb.dnsName.hasSuffix(".elb.us-east-1.amazonaws.com"))
        // Its nodes' groups: the managed frontend group and the cluster's shared backend group.
        #expect(lb.securityGroups.count == 2 && lb.securityGroups[0].hasPrefix("k8s-default-front-") && lb.securityGroups[1].hasPrefix("k8s-traffic-demo-"))
        // Its address is taken from the pool and listed with the subnet's other holders.
        let pool = try #require(r.ec2.poolIndex["nodes-a"])
        #expect(!r.ec2.pool(pool).isFree(lb.nodes[0].privateIP))
        #expect(r.otherAddresses[pool]?.contains { $0.0 == lb.nodes[0].privateIP && $0.1 == "NLB \(lb.name) in us-east-1a" } == true)
        #expect(!r.pods.contains { $0.ip == lb.nodes[0].privateIP } && !r.nodes.contains { $0.primaryIP == lb.nodes[0].privateIP })
    }

    /// The realize step builds the load balancer complete (listener, target group with the
    /// Service's ready pods as ip targets, the managed groups) and allocates the Service's
    /// NodePort once, in the cluster's range.
    @Test func realizedClusterHoldsTheCompleteLoadBalancer() throws {
        let r = Realizer.realize(try Self.almostFull(replicas: 20, nlb: true), catalog: .builtin)
        let lb = try #require(r.loadBalancers.first?.loadBalancer)
        #expect(lb.listeners.map(\.port) == [80] && lb.listeners[0].protocolName == "TCP")
        let tg = try #require(lb.targetGroups.first)
        #expect(tg.targetType == .ip && tg.service == "default/front")
        let web = r.pods.filter { $0.workload == "web" && $0.status == .running }.compactMap(\.ip)
        #expect(!web.isEmpty && Set(tg.targets.map(\.ip)) == Set(web) && tg.targets.allSatisfy { $0.port == 80 && $0.pod != nil })
        #expect(Set(r.loadBalancerGroups.map(\.name)) == Set(lb.securityGroups))
        let np = try #require(r.nodePort(namespace: "default", name: "front", port: 0))
        #expect((30000...32767).contains(np))
        #expect(r.healthCheckNodePort(namespace: "default", name: "front") == nil)
        // The same topology realized again gives the same NodePort (seeded).
        #expect(Realizer.realize(try Self.almostFull(replicas: 20, nlb: true), catalog: .builtin).nodePort(namespace: "default", name: "front", port: 0) == np)
    }

    /// The subnet has one address left beside the pods; the NLB's node takes it: `capacity` shows
    /// it under OTHER, the subnet is out of addresses, and one pod fewer fits on the node.
    @Test func capacityCountsTheLoadBalancerNode() throws {
        let without = CapacityPlanner.plan(try Self.almostFull(replicas: 20, nlb: false), catalog: .builtin, whatIfs: false)
        let with = CapacityPlanner.plan(try Self.almostFull(replicas: 20, nlb: true), catalog: .builtin, whatIfs: false)
        let a = try #require(without.subnets.first { $0.name == "nodes-a" }), b = try #require(with.subnets.first { $0.name == "nodes-a" })
        #expect(a.other == 0 && a.free == 1)
        #expect(b.other == 1 && b.free == 0)
        #expect(b.usable == b.eniPrimaries + b.podIPs + b.warmIPs + b.other + b.free)
        let ga = try #require(without.nodeGroups.first), gb = try #require(with.nodeGroups.first)
        #expect(ga.morePodsOnExistingNodes == 2 && gb.morePodsOnExistingNodes == 1)
        #expect(with.warnings.contains { $0.message.contains("subnet 'nodes-a' has 0 free addresses") })
    }

    /// Two more pods at 1 minute: without the NLB both find an address; with it (placed when
    /// the run starts), the subnet runs out and one pod is still waiting at the end.
    @Test func simulateCountsTheLoadBalancerNode() throws {
        let s = Scenario(duration: 300, events: [.init(at: 60, action: .addPods(count: 2))])
        var simA = Simulator(topology: try Self.almostFull(replicas: 20, nlb: false), catalog: .builtin, scenario: s)
        var simB = Simulator(topology: try Self.almostFull(replicas: 20, nlb: true), catalog: .builtin, scenario: s)
        let a = simA.run(), b = simB.run()
        let sa = try #require(a.subnets.first { $0.name == "nodes-a" }), sb = try #require(b.subnets.first { $0.name == "nodes-a" })
        #expect(sb.freeAtStart == sa.freeAtStart - 1)
        #expect(a.samples.last?.podsWaitingForIP == 0 && a.samples.last?.podsRunning == 26)
        #expect(b.samples.last?.podsWaitingForIP == 1 && b.samples.last?.podsRunning == 25)
    }
    /// Two /27 private subnets tagged for internal load balancers, filled by two nodes' warm
    /// pools to 7 free addresses each, and an internal NLB the controller discovers subnets for
    /// (the EKS review's small.yaml, cut down).
    static let shortSubnets = """
    apiVersion: netsim/v1
    kind: Topology
    name: short
    region: us-east-1
    seed: 3
    vpc:
      name: lab
      cidrBlocks: [10.1.0.0/16]
      subnets:
        - {name: private-a, zone: us-east-1a, cidr: 10.1.16.0/27, tags: {kubernetes.io/role/internal-elb: "1"}}
        - {name: private-b, zone: us-east-1b, cidr: 10.1.32.0/27, tags: {kubernetes.io/role/internal-elb: "1"}}
      securityGroups:
        - {name: nodes}
    cluster:
      name: lab
      serviceCidr: 172.20.0.0/16
      nodeGroups:
        - {name: workers, instanceType: m5.large, count: 2, subnets: [private-a, private-b], securityGroups: [nodes]}
    kubernetes:
      manifests:
        - \(Fixture.deployment("web", replicas: 1))
        - {apiVersion: v1, kind: Service, metadata: {name: nlb-int, namespace: lab, annotations: {service.beta.kubernetes.io/aws-load-balancer-type: external, service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip}}, spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}}
    """

    static func placements(_ lbs: [RealizedLoadBalancer]) -> [String] {
        lbs.map { r in "\(r.owner) " + (r.loadBalancer.map { $0.nodes.map { "\($0.subnet)=\($0.privateIP)" }.joined(separator: ",") } ?? "not placed") }
    }

    /// A simulation from the steady state starts from the state capacity shows: the warm pools
    /// leave each subnet 7 free addresses, so the controller places no NLB node there in either
    /// (before the fix, simulate placed the NLB before the pods and started with 5 free).
    @Test func simulateStartsFromTheStateCapacityShows() throws {
        let t = try #require(TopologyLoader(catalog: .builtin).load(text: Self.shortSubnets, file: "short.yaml").validTopology)
        let cap = CapacityPlanner.plan(t, catalog: .builtin, whatIfs: false)
        let realized = Realizer.realize(t, catalog: .builtin)
        var sim = Simulator(topology: t, catalog: .builtin, scenario: Scenario(duration: 60))
        let result = sim.run()
        for name in ["private-a", "private-b"] {
            let c = try #require(cap.subnets.first { $0.name == name }), s = try #require(result.subnets.first { $0.name == name })
            #expect(c.free == 7 && c.other == 0)
            #expect(s.freeAtStart == c.free)
        }
        #expect(Self.placements(sim.run.loadBalancers) == Self.placements(realized.loadBalancers))
        #expect(Self.placements(realized.loadBalancers) == ["service:lab/nlb-int not placed"])
        // Where they are placed, simulate's load balancer nodes have the realized addresses.
        for path in ["Topologies/quickstart.yaml", "Tests/NetsimFlowTests/Fixtures/lb-lab.yaml"] {
            let q = try Fixture.topology(path)
            var qs = Simulator(topology: q, catalog: .builtin, scenario: Scenario(duration: 60))
            _ = qs.run()
            let placed = Self.placements(Realizer.realize(q, catalog: .builtin).loadBalancers)
            #expect(!placed.isEmpty && !placed.contains { $0.hasSuffix("not placed") })
            #expect(Self.placements(qs.run.loadBalancers) == placed, "\(path)")
        }
    }

    /// From empty, the Service is there before any pod: the controller places the NLB in the
    /// empty subnets, one node each, before the first pod asks for an address.
    @Test func simulateFromEmptyPlacesTheLoadBalancerFirst() throws {
        let t = try #require(TopologyLoader(catalog: .builtin).load(text: Self.shortSubnets, file: "short.yaml").validTopology)
        var sim = Simulator(topology: t, catalog: .builtin, scenario: Scenario(duration: 60, fromEmpty: true))
        let result = sim.run()
        let lb = try #require(sim.run.loadBalancers.first?.loadBalancer)
        #expect(lb.nodes.map(\.subnet) == ["private-a", "private-b"])
        for name in ["private-a", "private-b"] {
            let s = try #require(result.subnets.first { $0.name == name })
            #expect(s.freeAtStart == s.usable - 1)
        }
    }
}
