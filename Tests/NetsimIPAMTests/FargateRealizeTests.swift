import Foundation
import NetsimIPAM
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

/// Pods on Fargate as EKS places them (EKS user guide, "AWS Fargate" and "Define which Pods use
/// AWS Fargate when launched"): the profiles' selectors choose them, each gets its own micro-VM
/// (a `fargate-ip-…` node) with one ENI and one address from a profile subnet; DaemonSets do not
/// run there; the ENI carries the cluster security group or the pod's SecurityGroupPolicy groups.
@Suite("Fargate: realize and capacity")
struct FargateRealizeTests {
    static func topology(fargateCIDR: String = "10.0.64.0/24", profiles: String? = nil, manifests: String = "",
                         securityGroups: String = "") throws -> Topology {
        let text = """
        apiVersion: netsim/v1
        kind: Topology
        name: t
        region: us-east-1
        seed: 7
        vpc:
          name: v
          cidrBlocks: [10.0.0.0/16]
          subnets:
            - {name: nodes-a, zone: us-east-1a, cidr: 10.0.32.0/20}
            - {name: fargate-a, zone: us-east-1a, cidr: \(fargateCIDR)}
            - {name: fargate-b, zone: us-east-1b, cidr: 10.0.65.0/24}
          securityGroups:
            - {name: nodes, ingress: [{protocol: all, from: {securityGroup: nodes}}]}
            - {name: db-clients, id: sg-0123456789abcdef0}
        \(securityGroups)
        cluster:
          name: c
          serviceCidr: 172.20.0.0/16
          nodeGroups:
            - {name: g, instanceType: m5.large, count: 2, subnets: [nodes-a], securityGroups: [nodes]}
          fargateProfiles:
        \(profiles ?? """
            - name: batch
              subnets: [fargate-a, fargate-b]
              selectors: [{namespace: batch}, {namespace: kube-system}]
        """)
        kubernetes:
          manifests:
            - apiVersion: apps/v1
              kind: Deployment
              metadata: {name: report, namespace: batch}
              spec:
                replicas: 3
                selector: {matchLabels: {app: report}}
                template: {metadata: {labels: {app: report}}, spec: {containers: [{name: r, image: r}]}}
            - apiVersion: apps/v1
              kind: Deployment
              metadata: {name: web, namespace: shop}
              spec:
                replicas: 2
                selector: {matchLabels: {app: web}}
                template: {metadata: {labels: {app: web}}, spec: {containers: [{name: w, image: w}]}}
        \(manifests)
        """
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: "t.yaml")
        return try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
    }

    @Test func selectedPodsGetTheirOwnMicroVMAndAddress() throws {
        let t = try Self.topology()
        let r = Realizer.realize(t, catalog: .builtin)
        let report = r.pods.filter { $0.workload == "report" }
        #expect(report.count == 3 && report.allSatisfy { $0.status == .running && $0.fargateProfile == "batch" })
        #expect(r.fargateNodes.count == 3)
        let subnets = Dictionary(uniqueKeysWithValues: t.vpcs[0].subnets.map { ($0.name, $0) })
        for p in report {
            let node = try #require(r.fargateNode(named: p.node ?? ""))
            let ip = try #require(p.ip)
            // The node is named fargate- and the pod's private DNS name.
            #expect(node.name == "fargate-ip-" + ip.description.replacingOccurrences(of: ".", with: "-") + ".ec2.internal")
            #expect(node.ip == ip && node.podKey == "batch/\(p.name)")
            #expect(subnets[node.subnet]?.cidr.contains(ip) == true && ["fargate-a", "fargate-b"].contains(node.subnet))
            #expect(node.labels["eks.amazonaws.com/compute-type"] == "fargate")
            #expect(node.labels["topology.kubernetes.io/zone"] == subnets[node.subnet]?.zone)
            #expect(p.labels["eks.amazonaws.com/fargate-profile"] == "batch")
            #expect(node.eniID.hasPrefix("eni-"))
        }
        // The profile's subnets in turn: 2 in the first, 1 in the second.
        #expect(r.fargateNodes.map(\.subnet) == ["fargate-a", "fargate-b", "fargate-a"])
        // One address each, none shared with the nodes' ENIs, and the pool holds them.
        let fargateIPs = Set(r.fargateNodes.map(\.ip.value))
        #expect(fargateIPs.count == 3)
        let nodeIPs = Set(r.nodes.flatMap { $0.ipam.enis.flatMap { e in e.cidrs.flatMap { c in (0..<c.size).map { c.cidr.network.value + UInt32($0) } } } })
        #expect(fargateIPs.isDisjoint(with: nodeIPs))
        for n in r.fargateNodes {
            let pool = try #require(r.ec2.poolIndex[n.subnet])
            var ec2 = r.ec2
            let free = ec2.reserve(n.ip, inSubnet: pool)
            #expect(!free, "the address is already taken in the subnet's pool")
        }
        // The shop's pods stay on the EC2 nodes.
        #expect(r.pods.filter { $0.workload == "web" }.allSatisfy { $0.fargateProfile == nil && r.node(named: $0.node ?? "") != nil })
    }

    @Test func noDaemonSetsAndNoCoreDNSOnFargate() throws {
        let r = Realizer.realize(try Self.topology(), catalog: .builtin)
        let daemonPods = r.pods.filter { $0.workloadKind == .daemonSet }
        // aws-node and kube-proxy: one per EC2 node, none on the 3 Fargate nodes.
        #expect(daemonPods.count == 2 * r.nodes.count)
        #expect(daemonPods.allSatisfy { r.node(named: $0.node ?? "") != nil })
        // The CoreDNS add-on carries eks.amazonaws.com/compute-type: ec2, so the kube-system
        // selector does not take it.
        #expect(r.pods.filter { $0.workload == "coredns" }.allSatisfy { $0.fargateProfile == nil })
    }

    @Test func aFullSubnetLeavesPodsPendingWithTheReason() throws {
        // A /28 has 11 usable addresses: 11 pods run across the one subnet, the rest wait.
        let t = try Self.topology(fargateCIDR: "10.0.64.0/28", profiles: """
            - {name: tiny, subnets: [fargate-a], selectors: [{namespace: batch}]}
        """, manifests: """
            - apiVersion: apps/v1
              kind: Deployment
              metadata: {name: many, namespace: batch}
              spec:
                replicas: 1000000
                selector: {matchLabels: {app: many}}
                template: {metadata: {labels: {app: many}}, spec: {containers: [{name: m, image: m}]}}
        """)
        let r = Realizer.realize(t, catalog: .builtin)
        #expect(r.fargateNodes.count == 11)
        #expect(r.unscheduledCount == 1_000_003 - 11)
        let pending = r.pods.filter { $0.fargateProfile == "tiny" && $0.status == .unschedulable }
        #expect(pending.count <= Realizer.pendingPodsBuilt * 2)
        #expect(pending.first?.reason?.contains("no free address in its subnets 'fargate-a'") == true)
        let c = CapacityPlanner.plan(t, catalog: .builtin, whatIfs: false)
        let f = try #require(c.fargate.first)
        #expect(f.pods == 11 && f.free == 0 && f.pending == pending.count)
        let s = try #require(c.subnets.first { $0.name == "fargate-a" })
        #expect(s.fargatePods == 11 && s.other == 11 && s.free == 0)
    }

    @Test func hostNetworkPodsStayPending() throws {
        let t = try Self.topology(manifests: """
            - apiVersion: apps/v1
              kind: Deployment
              metadata: {name: host, namespace: batch}
              spec:
                selector: {matchLabels: {app: host}}
                template: {metadata: {labels: {app: host}}, spec: {hostNetwork: true, containers: [{name: h, image: h}]}}
        """)
        let r = Realizer.realize(t, catalog: .builtin)
        let p = try #require(r.pods.first { $0.workload == "host" })
        #expect(p.status == .unschedulable && p.reason?.contains("fields not supported: HostNetwork") == true)
    }

    @Test func theProfileLabelChoosesAmongMatchingProfiles() throws {
        let profiles = """
            - {name: first, subnets: [fargate-a], selectors: [{namespace: batch}]}
            - {name: second, subnets: [fargate-b], selectors: [{namespace: batch}]}
        """
        var t = try Self.topology(profiles: profiles)
        var r = Realizer.realize(t, catalog: .builtin)
        #expect(r.pods.filter { $0.workload == "report" }.allSatisfy { $0.fargateProfile == "first" }, "the first in file order")
        t.kubernetes.workloads[0].template.labels["eks.amazonaws.com/fargate-profile"] = "second"
        r = Realizer.realize(t, catalog: .builtin)
        #expect(r.pods.filter { $0.workload == "report" }.allSatisfy { $0.fargateProfile == "second" })
        #expect(r.fargateNodes.allSatisfy { $0.subnet == "fargate-b" })
        // A label naming a profile that does not select the pod: not on Fargate at all.
        t.kubernetes.workloads[0].template.labels["eks.amazonaws.com/fargate-profile"] = "other"
        r = Realizer.realize(t, catalog: .builtin)
        #expect(r.fargateNodes.isEmpty)
    }

    @Test func theENICarriesTheClusterGroupOrTheSecurityGroupPolicyGroups() throws {
        var t = try Self.topology()
        var r = Realizer.realize(t, catalog: .builtin)
        // No controlPlane: the cluster security group as netsim assumes EKS made it.
        let assumed = ControlPlane.defaultClusterSecurityGroupName(cluster: "c", seed: 7)
        #expect(assumed.hasPrefix("eks-cluster-sg-c-") && assumed.count == "eks-cluster-sg-c-".count + 10)
        #expect(r.fargateNodes.allSatisfy { $0.securityGroups == [assumed] && $0.groupSource == .assumedClusterSecurityGroup })
        let group = try #require(r.fargateAssumedGroups.first)
        #expect(r.fargateAssumedGroups.count == 1 && group.name == assumed)
        #expect(group.ingress.count == 1 && group.egress.count == 1)
        // A declared control plane: its cluster security group.
        let loc = try #require(t.cluster?.location)
        t.cluster?.controlPlane = ControlPlane(subnets: ["nodes-a"], clusterSecurityGroup: "eks-cluster-sg-c-declared", location: loc)
        r = Realizer.realize(t, catalog: .builtin)
        #expect(r.fargateNodes.allSatisfy { $0.securityGroups == ["eks-cluster-sg-c-declared"] && $0.groupSource == .clusterSecurityGroup })
        #expect(r.fargateAssumedGroups.isEmpty)
        // A SecurityGroupPolicy selecting the pods (by label; groups by id and by name).
        t.kubernetes.securityGroupPolicies = [
            SecurityGroupPolicy(meta: ObjectMeta(name: "report-db", namespace: "batch", location: loc),
                                podSelector: LabelSelector(matchLabels: ["app": "report"]), serviceAccountSelector: nil,
                                securityGroups: ["sg-0123456789abcdef0", "nodes", "sg-0123456789abcdef0"], securityGroupsLocation: loc),
            SecurityGroupPolicy(meta: ObjectMeta(name: "elsewhere", namespace: "shop", location: loc),
                                podSelector: LabelSelector(matchLabels: ["app": "report"]), serviceAccountSelector: nil,
                                securityGroups: ["nodes"], securityGroupsLocation: loc),
        ]
        r = Realizer.realize(t, catalog: .builtin)
        #expect(r.fargateNodes.allSatisfy { $0.securityGroups == ["db-clients", "nodes"] && $0.groupSource == .securityGroupPolicy })
        #expect(r.fargateNodes.first?.policies == ["batch/report-db"])
        // By ServiceAccount: the pods' account must carry the labels.
        t.kubernetes.securityGroupPolicies = [
            SecurityGroupPolicy(meta: ObjectMeta(name: "by-sa", namespace: "batch", location: loc), podSelector: nil,
                                serviceAccountSelector: LabelSelector(matchLabels: ["db": "yes"]), securityGroups: ["db-clients"], securityGroupsLocation: loc),
        ]
        r = Realizer.realize(t, catalog: .builtin)
        #expect(r.fargateNodes.allSatisfy { $0.groupSource == .clusterSecurityGroup }, "the default ServiceAccount has no labels")
        t.kubernetes.serviceAccounts = [ServiceAccount(meta: ObjectMeta(name: "default", namespace: "batch", labels: ["db": "yes"], location: loc))]
        r = Realizer.realize(t, catalog: .builtin)
        #expect(r.fargateNodes.allSatisfy { $0.securityGroups == ["db-clients"] })
    }

    @Test func simulateKeepsFargatePodsOffTheNodesAndTheirAddressesTaken() throws {
        // The profile shares the nodes' subnet: its pods' addresses are taken from the start.
        let t = try Self.topology(profiles: """
            - {name: shared, subnets: [nodes-a], selectors: [{namespace: batch}]}
        """)
        var plain = t
        plain.cluster?.fargateProfiles = []
        var sim = Simulator(topology: t, catalog: .builtin, scenario: Scenario(duration: 60))
        let with = sim.run()
        var sim2 = Simulator(topology: plain, catalog: .builtin, scenario: Scenario(duration: 60))
        let without = sim2.run()
        let a = try #require(with.subnets.first { $0.name == "nodes-a" })
        let b = try #require(without.subnets.first { $0.name == "nodes-a" })
        // Three Fargate pods hold three addresses; the three report pods no longer need node
        // addresses (the warm pools are the same here: 3 pods fit the first ENI either way).
        #expect(a.freeAtStart == b.freeAtStart - 3)
        #expect(with.podsRunningAtStart == without.podsRunningAtStart - 3, "the Fargate pods are not on the simulated nodes")
    }

    @Test func capacityCountsFargatePodsAndIsDeterministic() throws {
        let t = try Self.topology()
        let c = CapacityPlanner.plan(t, catalog: .builtin, whatIfs: false)
        let f = try #require(c.fargate.first)
        #expect(f.name == "batch" && f.pods == 3 && f.pending == 0)
        #expect(f.podsBySubnet.map(\.pods) == [2, 1])
        let a = try #require(c.subnets.first { $0.name == "fargate-a" })
        #expect(a.fargatePods == 2 && a.other == 2 && a.free == 251 - 2)
        // Running pods: 2 aws-node, 2 kube-proxy, 2 CoreDNS, 2 web on EC2, 3 on Fargate.
        #expect(c.totals.pods == 11)
        let again = Realizer.realize(t, catalog: .builtin)
        #expect(again.fargateNodes.map(\.name) == Realizer.realize(t, catalog: .builtin).fargateNodes.map(\.name))
        // No profiles: nothing of this shows.
        var plain = t
        plain.cluster?.fargateProfiles = []
        #expect(CapacityPlanner.plan(plain, catalog: .builtin, whatIfs: false).fargate.isEmpty)
        #expect(Realizer.realize(plain, catalog: .builtin).fargateNodes.isEmpty)
    }
}
