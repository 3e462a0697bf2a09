import Foundation
@testable import NetsimFlow
import NetsimIPAM
import NetsimKube
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

/// Security Groups for Pods: SecurityGroupPolicy and ServiceAccount manifests, the resource
/// controller's selection (amazon-vpc-resource-controller-k8s v1.7.9 `pkg/utils/helper.go`),
/// branch ENIs realized per node type, and traces through them in strict and standard mode.
@Suite("Security Groups for Pods")
struct SecurityGroupsForPodsTests {
    static let shipped = "Topologies/security-groups-for-pods.yaml"

    /// The shipped topology with text replaced (each `from` must occur).
    static func topology(_ edits: [(String, String)] = []) throws -> (Topology, [Diagnostic]) {
        var text = try String(contentsOf: Lab.root.appendingPathComponent(shipped), encoding: .utf8)
        for (a, b) in edits {
            #expect(text.contains(a), "the shipped topology no longer contains \(a)")
            text = text.replacingOccurrences(of: a, with: b)
        }
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: "sgp.yaml")
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        return (t, r.diagnostics)
    }

    static func network(_ edits: [(String, String)] = []) throws -> Network {
        Network(topology: try topology(edits).0, catalog: .builtin)
    }

    static func pods(_ n: Network, _ workload: String) -> [RealizedPod] {
        n.fabric.realized.pods.filter { $0.namespace == "shop" && $0.workload == workload }
    }

    static func steps(_ t: Trace, reply: Bool = false) -> [Step] {
        (reply ? t.reply?.hops ?? [] : t.forward.hops).flatMap(\.steps)
    }

    static func groupsAllowing(_ t: Trace, reply: Bool = false) -> [String] {
        steps(t, reply: reply).compactMap { if case .securityGroupAllows(let m) = $0.detail { return "\(m.direction.rawValue):\(m.group.name)" }; return nil }
    }

    static func routes(_ t: Trace) -> [HostRouteDecision] {
        steps(t).compactMap { if case .nodeRoute(let r) = $0.detail { return r }; return nil }
    }

    static let standard = [("POD_SECURITY_GROUP_ENFORCING_MODE: strict", "POD_SECURITY_GROUP_ENFORCING_MODE: standard")]

    // MARK: reading

    @Test func policiesAndServiceAccountsAreRead() throws {
        let (t, diags) = try Self.topology()
        #expect(diags.isEmpty, "\(diags.map(\.formatted))")
        let k = t.kubernetes
        #expect(k.securityGroupPolicies.map(\.meta.name) == ["frontend", "payments"])
        #expect(k.securityGroupPolicies[1].serviceAccountSelector?.matchLabels == ["team": "payments"])
        #expect(k.securityGroupPolicies[1].podSelector == nil)
        #expect(k.securityGroupPolicies[0].securityGroups == ["frontend-pods"])
        #expect(k.serviceAccounts.map(\.meta.name) == ["payments"] && k.serviceAccounts[0].meta.labels == ["team": "payments"])
        let payments = try #require(k.workloads.first { $0.meta.name == "payments" })
        #expect(payments.template.serviceAccountName == "payments")
        #expect(k.workloads.first { $0.meta.name == "frontend" }?.template.serviceAccountName == "default")
        let s = SecurityGroupsForPods.select(payments, objects: k)
        #expect(s.groups == ["payments-pods"] && s.policies == ["shop/payments"])
        #expect(t.cluster?.awsNode.podENI == true && t.cluster?.awsNode.podSecurityGroupStrict == true)
    }

    /// The webhook's rules: only the pod's namespace; with both selectors both must match;
    /// policies add up without repeats; hostNetwork pods never; an undeclared ServiceAccount
    /// (other than default) refuses the pod when a policy selects by ServiceAccount.
    @Test func selectionFollowsTheResourceController() {
        let loc = SourceLocation(file: "t", line: 1, column: 1)
        func policy(_ name: String, ns: String = "a", pod: [String: String]?, sa: [String: String]?, _ groups: [String]) -> SecurityGroupPolicy {
            SecurityGroupPolicy(meta: ObjectMeta(name: name, namespace: ns, location: loc), podSelector: pod.map { LabelSelector(matchLabels: $0) },
                                serviceAccountSelector: sa.map { LabelSelector(matchLabels: $0) }, securityGroups: groups, securityGroupsLocation: loc)
        }
        var k = KubernetesObjects()
        k.serviceAccounts = [ServiceAccount(meta: ObjectMeta(name: "db", namespace: "a", labels: ["role": "db"], location: loc))]
        k.securityGroupPolicies = [
            policy("both", pod: ["app": "x"], sa: ["role": "db"], ["sg-1"]),
            policy("pod", pod: ["app": "x"], sa: nil, ["sg-2", "sg-1"]),
            policy("other-namespace", ns: "b", pod: [:], sa: nil, ["sg-9"]),
            policy("none", pod: nil, sa: nil, ["sg-8"]),
            policy("all-pods", pod: [:], sa: nil, ["sg-3"]),
        ]
        let withDB = SecurityGroupsForPods.select(namespace: "a", labels: ["app": "x"], serviceAccount: "db", hostNetwork: false, objects: k)
        #expect(withDB.groups == ["sg-1", "sg-2", "sg-3"] && withDB.policies == ["a/both", "a/pod", "a/all-pods"])
        let plain = SecurityGroupsForPods.select(namespace: "a", labels: ["app": "x"], serviceAccount: "", hostNetwork: false, objects: k)
        #expect(plain.groups == ["sg-2", "sg-1", "sg-3"], "the default ServiceAccount has no labels: 'both' does not match")
        #expect(!SecurityGroupsForPods.select(namespace: "a", labels: ["app": "x"], serviceAccount: "db", hostNetwork: true, objects: k).selected)
        let missing = SecurityGroupsForPods.select(namespace: "a", labels: ["app": "x"], serviceAccount: "ghost", hostNetwork: false, objects: k)
        #expect(missing.missingServiceAccount == "ghost" && !missing.selected)
        #expect(SecurityGroupsForPods.select(namespace: "c", labels: [:], serviceAccount: "", hostNetwork: false, objects: k).groups.isEmpty)
    }

    /// POD_SECURITY_GROUP_ENFORCING_MODE is compared exactly (pkg/sgpp/utils.go): only
    /// "standard" is standard.
    @Test func enforcingModeIsReadAsTheCNIReadsIt() {
        #expect(CNISettings(values: [("POD_SECURITY_GROUP_ENFORCING_MODE", "standard")]).podSecurityGroupStrict == false)
        #expect(CNISettings(values: [("POD_SECURITY_GROUP_ENFORCING_MODE", "Standard")]).podSecurityGroupStrict == true)
        #expect(CNISettings(values: []).podSecurityGroupStrict == true)
    }

    // MARK: realization

    @Test func branchENIsAreRealized() throws {
        let n = try Self.network()
        let r = n.fabric.realized
        let branchPods = r.pods.filter { $0.branchENI != nil }
        #expect(branchPods.count == 4)
        #expect(Set(branchPods.map(\.workload)) == ["frontend", "payments"])
        #expect(!r.pods.contains { $0.workload == "coredns" && $0.branchENI != nil })
        for p in branchPods {
            let b = try #require(p.branchENI)
            let node = try #require(r.node(named: p.node ?? ""))
            #expect(p.ip == b.ip && p.status == .running)
            #expect(b.subnet == node.subnet, "the node's subnet (no custom networking)")
            #expect(node.ipam.hasTrunk)
            #expect(!node.ipam.enis.contains { $0.cidrs.contains { $0.cidr.contains(b.ip) } }, "not an ipamd address")
            #expect(b.securityGroups == [p.workload == "frontend" ? "frontend-pods" : "payments-pods"])
            #expect(b.policies == ["shop/\(p.workload)"])
        }
        // VLAN IDs count from 1 on each node's trunk; ENI IDs are distinct.
        for node in r.nodes {
            let vlans = branchPods.filter { $0.node == node.name }.compactMap(\.branchENI?.vlanID).sorted()
            #expect(vlans == Array(1...max(1, vlans.count)).prefix(vlans.count).map { $0 })
        }
        #expect(Set(branchPods.compactMap(\.branchENI?.eniID)).count == 4)
        // Deterministic.
        let again = try Self.network().fabric.realized.pods.compactMap(\.branchENI)
        #expect(again == branchPods.compactMap(\.branchENI))
    }

    /// Two m5.large nodes hold 9 branch ENIs each (limits.go): of 30 selected replicas 18 run.
    @Test func podsPastTheBranchLimitArePending() throws {
        let n = try Self.network([("        replicas: 2\n        selector: {matchLabels: {app: frontend}}", "        replicas: 16\n        selector: {matchLabels: {app: frontend}}")])
        let r = n.fabric.realized
        let running = r.pods.filter { $0.branchENI != nil }
        #expect(running.count == 18, "16 frontend + 2 payments fill 2 × 9")
        let pending = Self.pods(n, "payments").filter { $0.status == .unschedulable } + Self.pods(n, "frontend").filter { $0.status == .unschedulable }
        #expect(pending.isEmpty, "18 fit exactly")
        let more = try Self.network([("        replicas: 2\n        selector: {matchLabels: {app: frontend}}", "        replicas: 30\n        selector: {matchLabels: {app: frontend}}")])
        let left = Self.pods(more, "frontend").filter { $0.status == .unschedulable } + Self.pods(more, "payments").filter { $0.status == .unschedulable }
        #expect(left.count == 14, "30 + 2 selected, 18 branch ENIs")
        #expect(left.allSatisfy { $0.reason?.contains("Insufficient vpc.amazonaws.com/pod-eni") == true }, "\(left.first?.reason ?? "")")
        #expect(more.fabric.realized.pods.filter { $0.branchENI != nil }.count == 18)
    }

    @Test func withoutPodENISelectedPodsArePending() throws {
        let (t, diags) = try Self.topology([("    ENABLE_POD_ENI: \"true\"\n", "")])
        #expect(diags.map(\.code) == [.sgpPodENIDisabled])
        let r = Realizer.realize(t, catalog: .builtin)
        let selected = r.pods.filter { $0.workload == "frontend" || $0.workload == "payments" }
        #expect(selected.count == 4 && selected.allSatisfy { $0.status == .unschedulable && $0.branchENI == nil })
        #expect(selected.first?.reason == "0/2 nodes are available: 2 Insufficient vpc.amazonaws.com/pod-eni")
        #expect(!r.nodes.contains { $0.ipam.hasTrunk })
    }

    @Test func nonTrunkingTypesTakeNoBranchPods() throws {
        let (t, diags) = try Self.topology([("instanceType: m5.large", "instanceType: t3.large")])
        #expect(diags.map(\.code).contains(.sgpNonTrunking) && diags.map(\.code).contains(.sgpBranchLimit))
        let r = Realizer.realize(t, catalog: .builtin)
        #expect(!r.pods.contains { $0.branchENI != nil })
        #expect(r.pods.filter { $0.workload == "payments" }.allSatisfy { $0.status == .unschedulable })
        #expect(r.pods.contains { $0.workload == "coredns" && $0.status == .running }, "other pods still run")
    }

    /// A t3 group for other work does not draw NS1305 when the selected pods cannot go there.
    @Test func nonTrunkingGroupOutOfReachIsNotReported() throws {
        let (_, diags) = try Self.topology([
            ("      securityGroups: [nodes]\n      maxPods: 20\n",
             "      securityGroups: [nodes]\n      maxPods: 20\n      labels: {pool: sgp}\n    - {name: small, instanceType: t3.large, count: 1, subnets: [private-a], securityGroups: [nodes], maxPods: 20, labels: {pool: small}}\n"),
            ("            serviceAccountName: payments\n", "            serviceAccountName: payments\n            nodeSelector: {pool: sgp}\n"),
            ("          metadata: {labels: {app: frontend}}\n          spec:\n", "          metadata: {labels: {app: frontend}}\n          spec:\n            nodeSelector: {pool: sgp}\n"),
        ])
        #expect(diags.isEmpty, "\(diags.map(\.formatted))")
        let (_, reachable) = try Self.topology([
            ("      securityGroups: [nodes]\n      maxPods: 20\n",
             "      securityGroups: [nodes]\n      maxPods: 20\n    - {name: small, instanceType: t3.large, count: 1, subnets: [private-a], securityGroups: [nodes], maxPods: 20}\n"),
        ])
        #expect(reachable.map(\.code) == [.sgpNonTrunking])
    }

    /// Pods a Fargate profile places need no branch ENI: no NS1304 without ENABLE_POD_ENI.
    @Test func fargatePodsNeedNoBranchENI() throws {
        let (t, diags) = try Self.topology([
            ("    ENABLE_POD_ENI: \"true\"\n", ""),
            ("  nodeGroups:\n", "  fargateProfiles:\n    - {name: sgp, subnets: [private-a, private-b], selectors: [{namespace: shop}]}\n  nodeGroups:\n"),
        ])
        #expect(!diags.contains { $0.code.id.hasPrefix("NS130") }, "\(diags.map(\.formatted))")
        let r = Realizer.realize(t, catalog: .builtin)
        #expect(r.pods.filter { $0.namespace == "shop" }.allSatisfy { $0.fargateProfile == "sgp" && $0.branchENI == nil })
    }

    @Test func unknownGroupLeavesPodsWithoutAddress() throws {
        let (t, diags) = try Self.topology([("securityGroups: {groupIds: [payments-pods]}", "securityGroups: {groupIds: [sg-0123456789abcdef0]}")])
        #expect(diags.map(\.code) == [.sgpGroupNotFound])
        let r = Realizer.realize(t, catalog: .builtin)
        let p = r.pods.filter { $0.workload == "payments" }
        #expect(p.count == 2 && p.allSatisfy { $0.status == .waitingForIP && $0.ip == nil && $0.reason?.contains("InvalidGroup.NotFound") == true })
    }

    @Test func groupsByIdAndTooManyGroups() throws {
        // The group's id works as well as its name.
        let (t0, _) = try Self.topology()
        let id = try #require(t0.primaryVPC?.securityGroup(named: "payments-pods")?.id)
        let (t, diags) = try Self.topology([("groupIds: [payments-pods]", "groupIds: [\(id)]")])
        #expect(diags.isEmpty)
        #expect(Realizer.realize(t, catalog: .builtin).pods.first { $0.workload == "payments" }?.branchENI?.securityGroups == ["payments-pods"])
        // Six groups: more than EC2 allows on one ENI.
        let (t6, d6) = try Self.topology([("groupIds: [payments-pods]", "groupIds: [payments-pods, nodes, frontend-pods, payments-db, default, \(id)]")])
        #expect(d6.isEmpty, "five distinct groups: \(d6.map(\.formatted))")
        #expect(Realizer.realize(t6, catalog: .builtin).pods.first { $0.workload == "payments" }?.branchENI?.securityGroups.count == 5)
        let many = (0..<6).map { "sg-0\(String(repeating: "1", count: 15))\($0)" }
        let (t7, d7) = try Self.topology([("groupIds: [payments-pods]", "groupIds: [\(many.joined(separator: ", "))]")])
        #expect(d7.map(\.code).contains(.sgpTooManyGroups))
        #expect(Realizer.realize(t7, catalog: .builtin).pods.first { $0.workload == "payments" }?.status == .waitingForIP)
    }

    @Test func undeclaredServiceAccountIsRefused() throws {
        let (t, diags) = try Self.topology([("            serviceAccountName: payments\n", "            serviceAccountName: ghost\n")])
        #expect(diags.map(\.code) == [.sgpServiceAccount])
        let p = Realizer.realize(t, catalog: .builtin).pods.filter { $0.workload == "payments" }
        #expect(p.count == 2 && p.allSatisfy { $0.status == .unschedulable && $0.reason?.contains("serviceaccount \"ghost\" not found") == true })
    }

    /// Located errors for what the CRD refuses, and input of absurd sizes.
    @Test func badPoliciesAreLocatedErrors() throws {
        func load(_ spec: String) -> [Diagnostic] {
            let text = """
            apiVersion: netsim/v1
            kind: Topology
            name: t
            vpc: {name: v, cidrBlocks: [10.0.0.0/16]}
            kubernetes:
              manifests:
                - apiVersion: vpcresources.k8s.aws/v1beta1
                  kind: SecurityGroupPolicy
                  metadata: {name: p, namespace: a}
            \(spec)
            """
            return TopologyLoader(catalog: .builtin).load(text: text, file: "p.yaml").diagnostics
        }
        let seventeen = (0..<17).map { "g\($0)" }.joined(separator: ", ")
        let d17 = load("      spec: {podSelector: {}, securityGroups: {groupIds: [\(seventeen)]}}")
        #expect(d17.contains { $0.code == .sgpSpec && $0.severity == .error && $0.message.contains("17 groups") && $0.location.line == 10 })
        #expect(load("      spec: {podSelector: {}}").contains { $0.code == .sgpSpec && $0.message.contains("no spec.securityGroups.groupIds") })
        #expect(load("      spec: {podSelector: {}, securityGroups: {groupIds: []}}").contains { $0.code == .sgpSpec })
        #expect(load("").contains { $0.code == .sgpSpec && $0.message.contains("has no spec") })
        let huge = String(repeating: "x", count: 1 << 20)
        let dh = load("      spec: {podSelector: {matchLabels: {app: web}}, securityGroups: {groupIds: [\(huge)]}}")
        #expect(dh.allSatisfy { $0.message.count < 2000 }, "values are clipped when quoted back")
        #expect(dh.contains { $0.code == .sgpGroupNotFound })
        let wrongVersion = TopologyLoader(catalog: .builtin).load(text: """
            apiVersion: netsim/v1
            kind: Topology
            name: t
            vpc: {name: v, cidrBlocks: [10.0.0.0/16]}
            kubernetes:
              manifests:
                - {apiVersion: vpcresources.k8s.aws/v1alpha1, kind: SecurityGroupPolicy, metadata: {name: p}}
            """, file: "p.yaml").diagnostics
        #expect(wrongVersion.contains { $0.code == .sgpSpec && $0.severity == .error })
        // 100,000 groups: one error for the count and one warning for the unknown groups.
        let many = (0..<100_000).map { "sg-\($0)" }.joined(separator: ", ")
        let dm = load("      spec: {podSelector: {}, securityGroups: {groupIds: [\(many)]}}")
        #expect(dm.filter { $0.code == .sgpGroupNotFound }.count == 1 && dm.filter { $0.code == .sgpSpec }.count == 1)
    }

    // MARK: traces, strict mode

    /// The pod's packets leave through its branch ENI (rule 10 by the `vlan` veth, table
    /// VLAN + 100); the destination pod's branch ENI admits them by its group; the reply comes
    /// back the same way.
    @Test func strictTrafficUsesBothBranchENIs() throws {
        let n = try Self.network()
        let t = try Lab.trace(n, "deployment:shop/frontend", "service:shop/payments", port: 443)
        #expect(t.disposition == .delivered, "\(t.explanations.map(\.message))")
        #expect(Self.groupsAllowing(t) == ["egress:frontend-pods", "ingress:payments-pods"])
        let first = try #require(Self.routes(t).first)
        #expect(first.rule.hasPrefix("10: from all iif vlan") && first.device.hasPrefix("vlan.eth.") && first.table > 100)
        #expect(t.forward.hops.contains { if case .interface(let r) = $0.place { return r.label.contains("branch ENI") }; return false })
    }

    @Test func databaseAdmitsOnlyThePaymentsGroup() throws {
        let n = try Self.network()
        let ok = try Lab.trace(n, "deployment:shop/payments", "external:payments-db", port: 5432)
        #expect(ok.disposition == .delivered)
        #expect(Self.groupsAllowing(ok).contains("ingress:payments-db"))
        let frontend = try Lab.trace(n, "deployment:shop/frontend", "external:payments-db", port: 5432)
        #expect(frontend.disposition == .deniedIn)
        #expect(frontend.explanations.first?.code == .eniSGRulesMismatch)
        let node = try Lab.trace(n, "nodegroup:general", "external:payments-db", port: 5432)
        #expect(node.disposition == .deniedIn)
    }

    /// Probes come from the node's own address: in strict mode even the pod's own node sends
    /// them out of eth0 through the VPC, and the pod's group must admit the node's.
    @Test func kubeletProbesGoThroughTheVPC() throws {
        let n = try Self.network()
        for p in Self.pods(n, "payments") {
            let node = try #require(p.node)
            let t = try Lab.trace(n, "node:\(node)", "pod:shop/\(p.name)", port: 8443)
            #expect(t.disposition == .deniedIn, "the probe trap")
            let route = try #require(Self.routes(t).first)
            #expect(route.device == "eth0" && route.rule.hasPrefix("32766:"), "no main-table route to a strict branch pod: \(route)")
            #expect(t.explanations.first?.code == .eniSGRulesMismatch)
        }
        for p in Self.pods(n, "frontend") {
            let t = try Lab.trace(n, "node:\(p.node ?? "")", "pod:shop/\(p.name)", port: 8080)
            #expect(t.disposition == .delivered)
            #expect(Self.groupsAllowing(t).contains("ingress:frontend-pods"))
        }
    }

    /// Same node, strict: out of one branch ENI, into the other, through the VPC.
    @Test func strictSameNodeTrafficMeetsTheGroups() throws {
        let n = try Self.network()
        let pair = Self.pods(n, "frontend").compactMap { f in Self.pods(n, "payments").first { $0.node == f.node }.map { (f, $0) } }.first
        let (f, p) = try #require(pair, "a frontend and a payments pod share a node")
        let t = try Lab.trace(n, "pod:shop/\(f.name)", "pod:shop/\(p.name)", port: 8443)
        #expect(t.disposition == .delivered)
        #expect(Self.groupsAllowing(t) == ["egress:frontend-pods", "ingress:payments-pods"])
        let denied = try Lab.trace(n, "pod:shop/\(p.name)", "pod:shop/\(f.name)", port: 8080)
        #expect(denied.disposition == .deniedIn, "frontend-pods admits 8080 from the nodes' group only")
    }

    /// DNS to CoreDNS (on the nodes' ENIs) needs port 53 in both groups.
    @Test func dnsNeedsPort53BothWays() throws {
        let n = try Self.network()
        let coredns = try #require(n.fabric.realized.pods.first { $0.workload == "coredns" && $0.status == .running })
        let ok = try Lab.trace(n, "deployment:shop/payments", "pod:kube-system/\(coredns.name)", port: 53, proto: .udp)
        #expect(ok.disposition == .delivered)
        #expect(Self.groupsAllowing(ok).contains("ingress:nodes"))
        let noRule = try Self.network([("        - {protocol: udp, ports: 53, from: {securityGroup: payments-pods}, description: DNS from the payments pods}\n", "")])
        let c2 = try #require(noRule.fabric.realized.pods.first { $0.workload == "coredns" && $0.status == .running })
        #expect(try Lab.trace(noRule, "deployment:shop/payments", "pod:kube-system/\(c2.name)", port: 53, proto: .udp).disposition == .deniedIn)
        let noEgress = try Self.network([("        - {protocol: tcp, ports: 8443, from: {securityGroup: frontend-pods}, description: payments API from the frontend}\n",
                                         "        - {protocol: tcp, ports: 8443, from: {securityGroup: frontend-pods}, description: payments API from the frontend}\n      egress:\n        - {protocol: tcp, ports: 5432, to: {securityGroup: payments-db}}\n")])
        let c3 = try #require(noEgress.fabric.realized.pods.first { $0.workload == "coredns" && $0.status == .running })
        #expect(try Lab.trace(noEgress, "deployment:shop/payments", "pod:kube-system/\(c3.name)", port: 53, proto: .udp).disposition == .deniedOut)
    }

    // MARK: standard mode

    /// Standard: same-node traffic bypasses the groups (the 512 rule to the pod's veth), the
    /// rest of the VPC goes through the branch ENI (1536), and VPC-external traffic leaves on
    /// eth0 with the node's SNAT (the connmark rule at 1024).
    @Test func standardModeBypassesOnTheNodeAndSNATsOutside() throws {
        let n = try Self.network(Self.standard)
        #expect(n.fabric.realized.settings.podSecurityGroupStrict == false)
        let pair = Self.pods(n, "frontend").compactMap { f in Self.pods(n, "payments").first { $0.node == f.node }.map { (f, $0) } }.first
        let (f, p) = try #require(pair)
        let same = try Lab.trace(n, "pod:shop/\(p.name)", "pod:shop/\(f.name)", port: 8080)
        #expect(same.disposition == .delivered, "same node: no group in the way")
        #expect(Self.groupsAllowing(same).isEmpty)
        let probe = try Lab.trace(n, "node:\(p.node ?? "")", "pod:shop/\(p.name)", port: 8443)
        #expect(probe.disposition == .delivered, "kubelet on the same node bypasses the groups")
        let db = try Lab.trace(n, "pod:shop/\(p.name)", "external:payments-db", port: 5432)
        #expect(db.disposition == .delivered)
        let route = try #require(Self.routes(db).first)
        #expect(route.rule == "1536: from \(p.ip?.description ?? "") lookup \((p.branchENI?.vlanID ?? 0) + 100)" && route.device.hasPrefix("vlan.eth."))
        #expect(Self.groupsAllowing(db).first == "egress:payments-pods")
        let out = try Lab.trace(n, "pod:shop/\(p.name)", "internet", port: 443)
        #expect(out.disposition == .exitsNetwork || out.disposition == .delivered, "\(out.disposition)")
        #expect(Self.steps(out).contains { if case .nodeSourceNAT = $0.detail { return true }; return false }, "SNAT on eth0")
        #expect(Self.groupsAllowing(out).first == "egress:nodes", "the node's groups apply")
    }

    /// Strict: VPC-external traffic leaves through the branch ENI without the CNI's SNAT.
    @Test func strictModeSkipsTheCNISNAT() throws {
        let n = try Self.network()
        let out = try Lab.trace(n, "deployment:shop/payments", "internet", port: 443)
        #expect(!Self.steps(out).contains { if case .nodeSourceNAT = $0.detail { return true }; return false })
        #expect(Self.groupsAllowing(out).first == "egress:payments-pods")
        #expect(out.disposition == .exitsNetwork, "\(out.explanations.map(\.message))")
    }

    // MARK: capacity and simulate

    /// Branch ENIs take addresses of their subnets (capacity counts them under OTHER) and are
    /// listed per node group with the limit per type.
    @Test func capacityCountsBranchENIs() throws {
        let (t, _) = try Self.topology()
        let report = CapacityPlanner.plan(t, catalog: .builtin)
        #expect(report.branchENIs == [BranchENIUse(nodeGroup: "general", instanceType: "m5.large", perNode: 9, trunkNodes: 2, inUse: 4)])
        let r = Realizer.realize(t, catalog: .builtin)
        for s in report.subnets where s.name.hasPrefix("private") {
            let branches = r.pods.filter { $0.branchENI?.subnet == s.name }.count
            #expect(branches == 2 && s.other == branches, "\(s.name): \(s.other)")
        }
        // Without SecurityGroupPolicies nothing is listed.
        let plain = try Self.topology([("kind: SecurityGroupPolicy", "kind: SecurityGroupPolicyList")])
        #expect(CapacityPlanner.plan(plain.0, catalog: .builtin).branchENIs.isEmpty)
    }

    /// simulate: scaling the selected Deployment past the branch ENIs leaves the rest
    /// unschedulable; scaling down frees the branch ENIs' addresses.
    @Test func simulateCountsBranchENIs() throws {
        let (t, _) = try Self.topology()
        let up = Scenario(name: "up", duration: 600, events: [
            Scenario.Event(at: 60, action: .scalePods(kind: .deployment, namespace: "shop", name: "payments", replicas: 20)),
        ])
        var sim = Simulator(topology: t, catalog: .builtin, scenario: up)
        let r = sim.run()
        let last = try #require(r.samples.last)
        #expect(last.podsUnschedulable == 20 + 2 - 18, "18 branch ENIs for 22 selected pods")
        let start = try #require(r.subnets.first { $0.name == "private-a" })
        #expect(start.freeAtEnd < start.freeAtStart, "new branch ENIs took addresses")
        let down = Scenario(name: "down", duration: 600, events: [
            Scenario.Event(at: 60, action: .scalePods(kind: .deployment, namespace: "shop", name: "payments", replicas: 0)),
        ])
        var sim2 = Simulator(topology: t, catalog: .builtin, scenario: down)
        let r2 = sim2.run()
        let a = r2.subnets.reduce(0) { $0 + $1.freeAtEnd - $1.freeAtStart }
        #expect(a == 2, "the two payments branch ENIs are deleted")
    }

    // MARK: load balancers

    static let loadBalancers: [(String, String)] = [
        ("    - {name: public-a,  zone: eu-west-1a, cidr: 10.40.0.0/24,  routeTable: public}\n    - {name: public-b,  zone: eu-west-1b, cidr: 10.40.1.0/24,  routeTable: public}",
         "    - {name: public-a,  zone: eu-west-1a, cidr: 10.40.0.0/24,  routeTable: public, tags: {kubernetes.io/role/elb: \"1\"}}\n    - {name: public-b,  zone: eu-west-1b, cidr: 10.40.1.0/24,  routeTable: public, tags: {kubernetes.io/role/elb: \"1\"}}"),
        ("    - apiVersion: vpcresources.k8s.aws/v1beta1\n      kind: SecurityGroupPolicy\n      metadata: {name: frontend, namespace: shop}",
         "    - apiVersion: v1\n"
         + "      kind: Service\n"
         + "      metadata: {name: payments-ip, namespace: shop, annotations: {service.beta.kubernetes.io/aws-load-balancer-type: external, service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip, service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing}}\n"
         + "      spec: {type: LoadBalancer, selector: {app: payments}, ports: [{name: https, port: 443, targetPort: https}]}\n"
         + "    - apiVersion: v1\n"
         + "      kind: Service\n"
         + "      metadata: {name: payments-local, namespace: shop, annotations: {service.beta.kubernetes.io/aws-load-balancer-type: external, service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: instance, service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing}}\n"
         + "      spec: {type: LoadBalancer, externalTrafficPolicy: Local, selector: {app: payments}, ports: [{name: https, port: 443, targetPort: https}]}\n"
         + "    - apiVersion: vpcresources.k8s.aws/v1beta1\n      kind: SecurityGroupPolicy\n      metadata: {name: frontend, namespace: shop}"),
    ]

    /// ip targets on branch ENIs: the AWS Load Balancer Controller's backend rules go on the
    /// pod's group, and the NLB reaches the pods.
    @Test func ipTargetsGetTheControllersRulesOnThePodsGroup() throws {
        let (t, diags) = try Self.topology(Self.loadBalancers)
        #expect(diags.map(\.code) == [.sgpLocalTrafficPolicy], "\(diags.map(\.formatted))")
        let n = Network(topology: t, catalog: .builtin)
        let rules = n.fabric.realized.loadBalancerTargetRules["payments-pods"] ?? []
        #expect(!rules.isEmpty, "backend rules on the branch ENIs' group")
        let tr = try Lab.trace(n, "internet", "service:shop/payments-ip", port: 443)
        #expect(tr.disposition == .delivered, "\(tr.explanations.map(\.message))")
        #expect(Self.groupsAllowing(tr).contains("ingress:payments-pods"))
        #expect(tr.notes.isEmpty)
    }

    /// Instance targets with externalTrafficPolicy Local in strict mode: a check warning and a
    /// trace note.
    @Test func localTrafficPolicyToBranchPodsIsNoted() throws {
        let n = Network(topology: try Self.topology(Self.loadBalancers).0, catalog: .builtin)
        let tr = try Lab.trace(n, "internet", "service:shop/payments-local", port: 443)
        #expect(tr.notes.contains { if case .branchPodLocalTrafficPolicy(let s, _) = $0 { return s == "shop/payments-local" }; return false },
                "\(tr.notes.map(\.description)) \(tr.disposition)")
        let standard = Network(topology: try Self.topology(Self.loadBalancers + Self.standard).0, catalog: .builtin)
        let ts = try Lab.trace(standard, "internet", "service:shop/payments-local", port: 443)
        #expect(ts.notes.isEmpty)
    }
    /// A workload whose pods are stuck for different reasons (EC2 refuses the branch ENI of
    /// those placed; the rest wait for a branch slot): a trace to it names every reason.
    @Test func aStuckWorkloadNamesEveryReason() throws {
        let n = try Self.network([("      metadata: {name: payments, namespace: shop}\n      spec:\n        replicas: 2", "      metadata: {name: payments, namespace: shop}\n      spec:\n        replicas: 30"),
                                  ("        securityGroups: {groupIds: [payments-pods]}", "        securityGroups: {groupIds: [payments-pods, sg-0123456789abcdef0]}")])
        let statuses = Set(Self.pods(n, "payments").map(\.status))
        #expect(statuses == [.waitingForIP, .unschedulable])
        let to = try Endpoint.parse("deployment:shop/payments").get()
        guard case .failure(let message, _) = EndpointResolver(fabric: n.fabric).resolve(to) else { Issue.record("resolved"); return }
        #expect(message.contains("Pending: 0/2 nodes are available: 2 Insufficient vpc.amazonaws.com/pod-eni"), "\(message)")
        #expect(message.contains("ContainerCreating:") && message.contains("InvalidGroup.NotFound"), "\(message)")
    }
}

