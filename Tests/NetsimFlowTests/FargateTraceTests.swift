import Foundation
@testable import NetsimFlow
import NetsimIPAM
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

/// Traces to and from Fargate pods on the shipped `fargate-mixed` topology: the pod's own ENI
/// and groups decide, no node datapath is between, kube-proxy in the micro-VM translates
/// cluster IPs, and NetworkPolicies that select a Fargate pod are not enforced (the VPC CNI's
/// network policy agent does not run there) — traces say so in a note.
@Suite("Fargate: traces")
struct FargateTraceTests {
    static func network(_ edit: (String) -> String = { $0 }) throws -> Network {
        let text = edit(try String(contentsOf: Lab.root.appendingPathComponent("Topologies/fargate-mixed.yaml"), encoding: .utf8))
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: "fargate-mixed.yaml")
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        return Network(topology: t, catalog: .builtin)
    }

    /// A policy isolating the API's pods (on Fargate) to the storefront's.
    static let isolateAPI = """
            - apiVersion: networking.k8s.io/v1
              kind: NetworkPolicy
              metadata: {name: orders-api-only-from-storefront, namespace: shop}
              spec:
                podSelector: {matchLabels: {app: orders-api}}
                policyTypes: [Ingress]
                ingress:
                  - from: [{podSelector: {matchLabels: {app: storefront}}}]

        """

    static func withIsolatedAPI(_ text: String) -> String {
        text.replacingOccurrences(of: "kubernetes:\n  manifests:\n", with: "kubernetes:\n  manifests:\n" + isolateAPI)
    }

    func trace(_ n: Network, _ from: String, _ to: String, port: UInt16, proto: IPProtocol = .tcp) throws -> Trace {
        let req = FlowRequest(from: try Endpoint.parse(from).get(), to: try Endpoint.parse(to).get(), ipProtocol: proto, port: port)
        guard case .traced(let t) = n.trace(req) else { Issue.record("\(from) → \(to) not traced: \(n.trace(req))"); throw CancellationError() }
        return t
    }

    func steps(_ p: PathTrace) -> [Step] { p.hops.flatMap(\.steps) }

    func fargateInterfaces(_ p: PathTrace, _ n: Network) -> [String] {
        p.hops.compactMap { h -> String? in
            if case .interface(let ref) = h.place, n.fabric.interfaces[ref.index].kind == .fargatePod { return ref.id }
            return nil
        }
    }

    func nodePlaces(_ p: PathTrace) -> Int {
        p.hops.filter { if case .node = $0.place { return true }; return false }.count
    }

    @Test func anEC2PodReachesAFargatePodThroughItsENI() throws {
        let n = try Self.network(Self.withIsolatedAPI)
        let t = try trace(n, "deployment:shop/storefront", "service:shop/orders-api", port: 80)
        #expect(t.disposition == .delivered)
        let dst = try #require(n.fabric.fargateInterfaceByIP[t.forward.finalPacket.destination.v4?.value ?? 0])
        #expect(n.fabric.interfaces[dst].kind == .fargatePod)
        #expect(t.forward.finalPacket.destinationPort == 9000)
        // The Fargate ENI's ingress is the cluster group netsim assumes (no controlPlane), which
        // the managed node's ENI carries too: a member.
        let sg = steps(t.forward).compactMap { s -> SecurityGroupMatch? in if case .securityGroupAllows(let m) = s.detail, m.direction == .ingress { return m }; return nil }
        #expect(sg.last?.group.name.hasPrefix("eks-cluster-sg-shop-") == true)
        // Only the source's node has a datapath hop; the Fargate pod has none.
        #expect(nodePlaces(t.forward) == 1)
        #expect(t.notes.contains { if case .fargatePolicyNotEnforced(_, "orders", .destination, let p) = $0 { return p == ["shop/orders-api-only-from-storefront"] }; return false })
    }

    @Test func policiesSelectingFargatePodsAreNotEnforcedButOnEC2TheyAre() throws {
        // On Fargate the batch job reaches the API, though the policy admits only the storefront.
        var n = try Self.network(Self.withIsolatedAPI)
        var t = try trace(n, "deployment:batch/nightly-report", "deployment:shop/orders-api", port: 9000)
        #expect(t.disposition == .delivered)
        #expect(!steps(t.forward).contains { if case .networkPolicy = $0.detail { return true }; return false })
        #expect(t.notes.contains { if case .fargatePolicyNotEnforced(_, _, .destination, _) = $0 { return true }; return false })
        #expect(t.caveats.isEmpty, "nothing could enforce it there: no caveat, a note")
        // The same API on EC2 nodes: the agent drops it.
        n = try Self.network { Self.withIsolatedAPI($0).replacingOccurrences(of: "labels: {app: orders-api, compute: fargate}", with: "labels: {app: orders-api}") }
        #expect(n.fabric.realized.pods.filter { $0.workload == "orders-api" }.allSatisfy { $0.fargateProfile == nil })
        t = try trace(n, "deployment:batch/nightly-report", "deployment:shop/orders-api", port: 9000)
        #expect(t.disposition != .delivered)
        #expect(t.explanations.contains { $0.code == .networkPolicyIngressDenied })
        #expect(!t.notes.contains { if case .fargatePolicyNotEnforced = $0 { return true }; return false })
    }

    @Test func anUndeclaredEnforcerDoesNotLeaveFargateIntentsUnevaluated() throws {
        // No enforcer declared: an intent through a pod a policy isolates is "not evaluated" on
        // EC2, since something might enforce it; on Fargate nothing can.
        let n = try Self.network {
            Self.withIsolatedAPI($0).replacingOccurrences(of: "  networkPolicy: {enforcer: vpc-cni}\n  vpcCniAddon: {enableNetworkPolicy: \"true\"}\n", with: "")
        }
        #expect(n.fabric.topology.cluster?.networkPolicy.enforcer == .undeclared)
        let results = n.evaluate(n.fabric.topology.expectations)
        let api = try #require(results.first { $0.intent.name == "the batch job on Fargate calls the API on Fargate" })
        #expect(api.status == .passed, "\(api.summary)")
        let t = try trace(n, "deployment:batch/nightly-report", "deployment:shop/orders-api", port: 9000)
        #expect(t.caveats.isEmpty && t.disposition == .delivered)
        // The storefront (EC2) keeps its policy's uncertainty.
        let store = try #require(results.first { $0.intent.name == "the API on Fargate calls the storefront" })
        #expect(store.status == .skipped)
    }

    @Test func anNLBWithIPTargetsReachesFargatePods() throws {
        let service = """
            - apiVersion: v1
              kind: Service
              metadata:
                name: orders-public
                namespace: shop
                annotations:
                  service.beta.kubernetes.io/aws-load-balancer-type: external
                  service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
                  service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing
              spec:
                type: LoadBalancer
                selector: {app: orders-api}
                ports: [{port: 80, targetPort: 9000}]

        """
        let n = try Self.network { text in
            text.replacingOccurrences(of: "routeTable: public}", with: "routeTable: public, tags: {kubernetes.io/role/elb: \"1\"}}")
                .replacingOccurrences(of: "kubernetes:\n  manifests:\n", with: "kubernetes:\n  manifests:\n" + service)
        }
        let t = try trace(n, "internet", "loadbalancer:shop/orders-public", port: 80)
        #expect(t.disposition == .delivered)
        #expect(!t.notes.contains { if case .failOpen = $0 { return true }; return false }, "the health checks reach the pods")
        // The controller's rule on the pods' ENI group (the cluster group) admits the NLB.
        let sg = steps(t.forward).compactMap { s -> SecurityGroupMatch? in if case .securityGroupAllows(let m) = s.detail, m.direction == .ingress { return m }; return nil }
        #expect(sg.last?.group.name.hasPrefix("eks-cluster-sg-shop-") == true)
        #expect(fargateInterfaces(t.forward, n).count == 1)
    }

    @Test func aFargatePodCarriesTheClusterGroupNotTheNodeGroups() throws {
        let n = try Self.network()
        let t = try trace(n, "deployment:shop/orders-api", "external:orders-db", port: 5432)
        #expect(t.disposition == .deniedIn)
        let block = try #require(t.explanations.first)
        #expect(block.code == .eniSGRulesMismatch)
        // Leaving the pod: its own ENI, no node datapath, the cluster group's egress rule.
        #expect(fargateInterfaces(t.forward, n).count == 1)
        #expect(nodePlaces(t.forward) == 0)
        // The storefront on the node group reaches it.
        #expect(try trace(n, "deployment:shop/storefront", "external:orders-db", port: 5432).disposition == .delivered)
    }

    @Test func kubeProxyInTheMicroVMTranslatesClusterIPs() throws {
        let n = try Self.network()
        let t = try trace(n, "deployment:shop/orders-api", "service:shop/storefront", port: 80)
        #expect(t.disposition == .delivered)
        let storefront = Set(n.fabric.realized.pods.filter { $0.workload == "storefront" }.compactMap { $0.ip.map(IPAddress.ipv4) })
        #expect(storefront.contains(t.packet.destination) && t.packet.destinationPort == 8080)
        let note = try #require(t.notes.first)
        guard case .fargateKubeProxy(_, let service, _, let port, let endpoint, let endpointPort, let of) = note else { Issue.record("\(note)"); return }
        #expect(service == "shop/storefront" && port == 80 && endpointPort == 8080 && of == 2 && storefront.contains(endpoint))
        #expect(note.description.contains("kube-proxy in its micro-VM translates Service shop/storefront"))
        // Each endpoint is a path: --all-paths follows both.
        #expect(t.choices.count == 2 && t.choices.allSatisfy { $0.probability == 0.5 })
        let req0 = FlowRequest(from: try Endpoint.parse("deployment:shop/orders-api").get(), to: try Endpoint.parse("service:shop/storefront").get(), port: 80)
        let all = n.traceAllPaths(req0).compactMap { if case .traced(let x) = $0 { return x.packet.destination }; return nil }
        #expect(Set(all) == storefront)
        // DNS to the cluster's kube-dns address: CoreDNS on the EC2 nodes.
        let dns = try trace(n, "deployment:shop/orders-api", "ip:172.20.0.10", port: 53, proto: .udp)
        #expect(dns.disposition == .delivered)
        // A port the Service does not have: no rule in the micro-VM.
        let req = FlowRequest(from: try Endpoint.parse("deployment:shop/orders-api").get(), to: try Endpoint.parse("service:shop/storefront").get(), port: 81)
        guard case .invalid(let why, _) = n.trace(req) else { Issue.record("port 81 should be refused"); return }
        #expect(why.contains("no port 81"))
    }

    @Test func aFargateNodeNamesItsPod() throws {
        let n = try Self.network()
        let node = try #require(n.fabric.realized.fargateNodes.first)
        let t = try trace(n, "node:\(node.name)", "external:orders-db", port: 5432)
        #expect(t.packet.source == .ipv4(node.ip))
        #expect(t.source.contains("Fargate pod \(node.podKey)"))
        // From the internet a Fargate pod has no public address.
        let inbound = try trace(n, "internet", "node:\(node.name)", port: 9000)
        #expect(!inbound.disposition.isSuccess)
    }

    @Test func anEgressPolicyOnAnEC2PodSeesFargatePodsAsPods() throws {
        let policy = """
            - apiVersion: networking.k8s.io/v1
              kind: NetworkPolicy
              metadata: {name: storefront-egress, namespace: shop}
              spec:
                podSelector: {matchLabels: {app: storefront}}
                policyTypes: [Egress]
                egress:
                  - to: [{podSelector: {matchLabels: {app: orders-api}}}]

        """
        let n = try Self.network { $0.replacingOccurrences(of: "kubernetes:\n  manifests:\n", with: "kubernetes:\n  manifests:\n" + policy) }
        let api = try trace(n, "deployment:shop/storefront", "deployment:shop/orders-api", port: 9000)
        #expect(api.disposition == .delivered)
        #expect(steps(api.forward).contains { if case .networkPolicy = $0.detail { return true }; return false }, "the agent on the storefront's node decided")
        let db = try trace(n, "deployment:shop/storefront", "external:orders-db", port: 5432)
        #expect(db.explanations.contains { $0.code == .networkPolicyEgressDenied })
    }
    /// With `cluster.controlPlane` declared, the control plane's cluster security group is the
    /// one on the Fargate pods' ENIs and on the managed nodes: written by name (the VPC's group)
    /// or not named (the VPC's one `eks-cluster-sg-shop-…` group is then the one), every intent
    /// of the file still holds; another name is created and carried by the Fargate pods.
    @Test(arguments: ["{subnets: [private-a, private-b], clusterSecurityGroup: eks-cluster-sg-shop-2931607720}",
                      "{subnets: [private-a, private-b]}"])
    func fargatePodsCarryTheControlPlanesClusterGroup(_ controlPlane: String) throws {
        let n = try Self.network { $0.replacingOccurrences(of: "\n  nodeGroups:", with: "\n  controlPlane: \(controlPlane)\n  nodeGroups:") }
        #expect(n.fabric.topology.cluster?.controlPlane?.clusterSecurityGroup == "eks-cluster-sg-shop-2931607720")
        let results = n.evaluate(n.fabric.topology.expectations)
        #expect(results.count == 9)
        for r in results { #expect(r.status == .passed, "\(r.intent.name ?? ""): \(r.summary)") }
        for f in n.fabric.realized.fargateNodes { #expect(f.securityGroups == ["eks-cluster-sg-shop-2931607720"], "\(f.name)") }
        // Another name: that group is created and carried by the Fargate pods; the nodes keep
        // their launch template's group only (the node group lists `securityGroups`).
        let other = try Self.network { $0.replacingOccurrences(of: "\n  nodeGroups:", with: "\n  controlPlane: {subnets: [private-a, private-b], clusterSecurityGroup: eks-cluster-sg-other}\n  nodeGroups:") }
        #expect(!other.fabric.realized.fargateNodes.isEmpty)
        for f in other.fabric.realized.fargateNodes { #expect(f.securityGroups == ["eks-cluster-sg-other"], "\(f.name)") }
        for node in other.fabric.realized.nodes { #expect(node.securityGroups == ["nodes"], "\(node.name)") }
        let t = try Lab.trace(other, "deployment:batch/nightly-report", "service:shop/orders-api", port: 80)
        #expect(t.disposition == .delivered, "Fargate to Fargate through the created group's member rule")
    }
}

