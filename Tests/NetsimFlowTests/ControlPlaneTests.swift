import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

/// The EKS control plane in the VPC (`cluster.controlPlane`): its ENIs, the cluster security
/// group, `default/kubernetes`, `controlplane` and `apiserver` as trace ends, and check's
/// tracing of every webhook. Built on the shipped topology, edited per case.
@Suite("EKS control plane")
struct ControlPlaneTests {
    static let path = Repo.root.appendingPathComponent("Topologies/control-plane-webhook-blocked.yaml").path

    static func topology(_ edits: [(String, String)] = []) throws -> Topology {
        var text = try String(contentsOfFile: path, encoding: .utf8)
        for (a, b) in edits {
            #expect(text.contains(a), "the shipped topology no longer has \(a)")
            text = text.replacingOccurrences(of: a, with: b)
        }
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: path)
        return try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
    }

    static func network(_ edits: [(String, String)] = []) throws -> Network {
        Network(topology: try topology(edits), catalog: .builtin)
    }

    static let webhookFix = ("        - {protocol: tcp, ports: 10250, from: {securityGroup: eks-control-plane}, description: control plane to kubelet}",
                             "        - {protocol: tcp, ports: 10250, from: {securityGroup: eks-control-plane}, description: control plane to kubelet}\n"
                                + "        - {protocol: tcp, ports: 9443, from: {securityGroup: eks-control-plane}, description: LBC webhook}")

    /// Two ENIs, one per subnet in turn, with addresses of those subnets taken from their pools
    /// (so capacity counts them), the created cluster group first, then the additional group;
    /// the same on every run.
    @Test func enisTakeAddressesFromTheirSubnets() throws {
        let t = try Self.topology()
        let cp = try #require(t.cluster?.controlPlane)
        #expect(cp.clusterSecurityGroup.hasPrefix("eks-cluster-sg-platform-"))
        #expect(cp.clusterSecurityGroup.dropFirst("eks-cluster-sg-platform-".count).count == 10)
        #expect(cp.clusterSecurityGroup.dropFirst("eks-cluster-sg-platform-".count).allSatisfy { $0.isNumber })
        // EKS creates the group: all traffic from its members, all out.
        let g = try #require(t.primaryVPC?.securityGroups.first { $0.name == cp.clusterSecurityGroup })
        #expect(g.ingress.count == 1 && g.ingress[0].peer == .securityGroup(cp.clusterSecurityGroup) && g.ingress[0].ipProtocol == .all)
        #expect(g.egress.count == 1 && g.egress[0].peer == .cidr(.any))

        let r = Realizer.realize(t, catalog: .builtin)
        #expect(r.controlPlaneENIs.map(\.subnet) == ["private-a", "private-b"])
        for e in r.controlPlaneENIs {
            let s = try #require(t.primaryVPC?.subnets.first { $0.name == e.subnet })
            #expect(s.cidr.contains(e.ip))
            #expect(e.securityGroups == [cp.clusterSecurityGroup, "eks-control-plane"])
            let pool = try #require(r.ec2.poolIndex[e.subnet])
            #expect(r.otherAddresses[pool]?.contains { $0.0 == e.ip } == true, "the subnet counts the ENI's address")
            #expect(!r.nodes.contains { $0.ipam.enis.contains { $0.primaryIP == e.ip } })
        }
        let again = Realizer.realize(t, catalog: .builtin)
        #expect(again.controlPlaneENIs == r.controlPlaneENIs)

        // Four ENIs over two subnets: two each.
        let four = Realizer.realize(try Self.topology([("    enis: 2\n", "    enis: 4\n")]), catalog: .builtin)
        #expect(four.controlPlaneENIs.map(\.subnet) == ["private-a", "private-b", "private-a", "private-b"])
        #expect(Set(four.controlPlaneENIs.map(\.ip)).count == 4)
    }

    /// A self-managed group carries only its own groups; a managed one also the cluster group.
    @Test func managedNodesCarryTheClusterGroup() throws {
        let selfManaged = Realizer.realize(try Self.topology(), catalog: .builtin)
        #expect(selfManaged.nodes.allSatisfy { $0.securityGroups == ["nodes"] })
        // A managed group with groups of its own (a launch template's): EKS adds no cluster group.
        let launchTemplate = Realizer.realize(try Self.topology([("      managed: false ", "      managed: true  ")]), catalog: .builtin)
        #expect(launchTemplate.nodes.allSatisfy { $0.securityGroups == ["nodes"] })
        // A managed group without: the cluster group, on every ENI.
        let t = try Self.topology([("      managed: false ", "      managed: true  "), ("      securityGroups: [nodes]\n\nkubernetes:", "\nkubernetes:")])
        let cp = try #require(t.cluster?.controlPlane)
        let managed = Realizer.realize(t, catalog: .builtin)
        #expect(managed.nodes.allSatisfy { $0.securityGroups == [cp.clusterSecurityGroup] })
        #expect(managed.nodes.allSatisfy { $0.ipam.enis.allSatisfy { $0.securityGroups == [cp.clusterSecurityGroup] } })
        // The cluster group admits its members: the webhook blocked on self-managed nodes is
        // reached on managed ones.
        let n = Network(topology: t, catalog: .builtin)
        let w = try Lab.trace(n, "controlplane", "service:kube-system/aws-load-balancer-webhook-service", port: 443)
        #expect(w.disposition == .delivered)
    }

    /// default/kubernetes: its endpoints are the ENIs' addresses on 443, and a pod reaches the
    /// API server through kube-proxy and the ENIs' groups.
    @Test func kubernetesServiceLeadsToTheENIs() throws {
        let n = try Self.network()
        let (_, endpoints) = ServicePorts.build(n.fabric.topology, n.fabric.realized)
        let eps = try #require(endpoints["default/kubernetes:https/tcp"])
        #expect(Set(eps.map(\.ip)) == Set(n.fabric.realized.controlPlaneENIs.map(\.ip)))
        #expect(eps.allSatisfy { $0.port == 443 })
        let t = try Lab.trace(n, "deployment:kube-system/metrics-server", "service:default/kubernetes", port: 443)
        #expect(t.disposition == .delivered)
        #expect(t.caveats.isEmpty)
        #expect(n.fabric.realized.controlPlaneENIs.contains { .ipv4($0.ip) == t.forward.finalPacket.destination })
        #expect(t.forward.hops.flatMap(\.steps).contains { $0.sentence.contains("\"eks-control-plane\" rule #1 allows tcp 443 from sg:nodes") })
    }

    /// Without cluster.controlPlane nothing changes: the Service's flow has no verdict.
    @Test func undeclaredControlPlaneStaysNotModelled() throws {
        let n = try Lab.network("Topologies/quickstart.yaml")
        let t = try Lab.trace(n, "deployment:shop/cart", "service:default/kubernetes", port: 443)
        #expect(t.disposition == .notModelled)
        #expect(t.caveats.first?.kind == .controlPlaneNotModelled)
        #expect(n.fabric.realized.controlPlaneENIs.isEmpty)
        guard case .invalid(let m, _) = n.trace(FlowRequest(from: .controlPlane, to: .node("x"), port: 10250)) else {
            Issue.record("controlplane without a declared control plane must not be traced"); return
        }
        #expect(m.contains("declares no controlPlane"))
    }

    /// The classic: the node group's group admits 443 and 10250 from the control plane, and the
    /// LBC's webhook listens on 9443. The trace dials the endpoint's target port (no kube-proxy
    /// on the control plane) and is denied at the node's group; one rule fixes it.
    @Test func webhookBlockedByTheNodeGroup() throws {
        let n = try Self.network()
        let t = try Lab.trace(n, "controlplane", "service:kube-system/aws-load-balancer-webhook-service", port: 443)
        #expect(t.disposition == .deniedIn)
        #expect(t.packet.destinationPort == 9443)
        let e = try #require(t.explanations.first)
        #expect(e.code == .eniSGRulesMismatch)
        guard case .securityGroups(let dir, let groups, _, _) = e.detail else { Issue.record("\(e.detail)"); return }
        #expect(dir == .ingress && groups.map(\.name) == ["nodes"])
        // Each end has one role.
        guard case .invalid(let m1, _) = n.trace(FlowRequest(from: .apiServer, to: .node("x"), port: 443)),
              case .invalid(let m2, _) = n.trace(FlowRequest(from: .internet, to: .controlPlane, port: 443)) else {
            Issue.record("apiserver as a source or controlplane as a destination must be refused"); return
        }
        #expect(m1.contains("controlplane") && m2.contains("apiserver"))
        // kubectl logs/exec: kubelet's 10250 is allowed.
        #expect(try Lab.trace(n, "controlplane", "nodegroup:workers", port: 10250).disposition == .delivered)

        let fixed = try Self.network([Self.webhookFix])
        #expect(try Lab.trace(fixed, "controlplane", "service:kube-system/aws-load-balancer-webhook-service", port: 443).disposition == .delivered)
    }

    /// check traces every webhook and APIService and reports the blocked ones, each with the
    /// blocking group as a note and the port to open as a hint.
    @Test func checkReportsEveryUnreachableWebhook() throws {
        let t = try Self.topology()
        let d = Network.checkDiagnostics(t, catalog: .builtin, file: Self.path).filter { $0.code == .webhookUnreachable }
        #expect(d.count == 5)
        #expect(d.filter { $0.message.contains("aws-load-balancer-webhook-service") }.count == 4)
        #expect(d.allSatisfy { $0.severity == .warning && $0.notes.count == 1 })
        #expect(d.allSatisfy { $0.notes[0].location.file == Self.path && $0.notes[0].message.contains("\"nodes\"") })
        #expect(d.first { $0.message.contains("mservice.elbv2.k8s.aws") }?.hint.contains("allow tcp 9443") == true)
        #expect(d.first { $0.message.contains("v1beta1.metrics.k8s.io") }?.hint.contains("allow tcp 10251") == true)

        let fixed = try Self.topology([Self.webhookFix])
        let left = Network.checkDiagnostics(fixed, catalog: .builtin, file: Self.path).filter { $0.code == .webhookUnreachable }
        #expect(left.count == 1 && left[0].message.contains("v1beta1.metrics.k8s.io"))
    }

    /// A webhook whose Service is missing, and webhooks in a cluster without a control plane.
    @Test func webhookServiceMissingAndUndeclaredControlPlane() throws {
        var t = try Self.topology()
        #expect(t.kubernetes.apiServices.count == 1)
        t.kubernetes.apiServices[0].service?.name = "metrics-server-typo"
        let d = Network.checkDiagnostics(t, catalog: .builtin, file: Self.path)
        #expect(d.contains { $0.code == .webhookServiceMissing && $0.message.contains("metrics-server-typo") })

        var bare = try Self.topology()
        bare.cluster?.controlPlane = nil
        let u = Network.checkDiagnostics(bare, catalog: .builtin, file: Self.path)
        #expect(u.filter { $0.code == .webhooksNotTraced }.count == 1)
        #expect(!u.contains { $0.code == .webhookUnreachable })
    }

    /// A webhook called by URL is not traced (no DNS in netsim), and check says so (NS1330, a
    /// note), once per such webhook; the Service-backed calls are traced as before.
    @Test func webhookByURLIsNamedNotSkippedSilently() throws {
        var t = try Self.topology()
        let before = Network.checkDiagnostics(t, catalog: .builtin, file: Self.path)
        #expect(!before.contains { $0.code == .webhookURLNotTraced })
        let loc = SourceLocation(file: Self.path, line: 1, column: 1)
        t.kubernetes.webhookConfigurations.append(WebhookConfiguration(kind: .validating, meta: ObjectMeta(name: "url-check", namespace: "", location: loc), webhooks: [
            .init(name: "check.example.com", service: nil, url: "https://check.example.com/validate", location: loc)]))
        let d = Network.checkDiagnostics(t, catalog: .builtin, file: Self.path)
        let notes = d.filter { $0.code == .webhookURLNotTraced }
        #expect(notes.count == 1)
        #expect(notes.first?.severity == .note && notes.first?.message.contains("https://check.example.com/validate") == true)
        #expect(d.filter { $0.code == .webhookUnreachable }.count == before.filter { $0.code == .webhookUnreachable }.count)
    }

    /// The public endpoint admits only publicAccessCidrs; with private access, clients in the
    /// VPC go to the ENIs instead.
    @Test func publicEndpointAndItsCidrs() throws {
        let n = try Self.network()
        let office = try Lab.trace(n, "ip:198.51.100.20", "apiserver", port: 443)
        #expect(office.disposition == .delivered)
        let other = try Lab.trace(n, "internet", "apiserver", port: 443)
        #expect(other.disposition == .deniedIn)
        #expect(other.explanations.first?.code == .eksEndpointAccessDenied)
        guard case .apiServerEndpoint(let d) = other.explanations.first?.detail else { Issue.record("no endpoint decision"); return }
        #expect(!d.allowed && d.matched == nil && d.publicAccessCIDRs.map(\.description) == ["198.51.100.0/24"])
        // In the VPC with private access: the ENIs.
        let node = try Lab.trace(n, "nodegroup:workers", "apiserver", port: 443)
        #expect(node.disposition == .delivered)
        #expect(n.fabric.realized.controlPlaneENIs.contains { .ipv4($0.ip) == node.forward.finalPacket.destination })

        // Public access only: the nodes leave through their NAT gateway, whose address is not
        // in the office's range: denied at the endpoint, after the NAT.
        let publicOnly = try Self.network([("      privateAccess: true\n", "      privateAccess: false\n")])
        let viaNAT = try Lab.trace(publicOnly, "nodegroup:workers", "apiserver", port: 443)
        #expect(viaNAT.disposition == .deniedIn)
        #expect(viaNAT.explanations.last?.code == .eksEndpointAccessDenied)
        #expect(viaNAT.forward.hops.contains { $0.place.description.contains("NAT gateway") })
        guard case .apiServerEndpoint(let seen) = viaNAT.explanations.last?.detail else { Issue.record("no endpoint decision"); return }
        let natIPs = publicOnly.fabric.interfaces.filter { $0.kind == .natGateway }.compactMap(\.publicIP).map { IPAddress.ipv4($0) }
        #expect(natIPs.contains(seen.source), "the endpoint sees the NAT gateway's public address")
        // Opening the endpoint to everyone lets the same flow through.
        let open = try Self.network([("      privateAccess: true\n", "      privateAccess: false\n"),
                                     ("      publicAccessCidrs: [198.51.100.0/24]     # the office's egress range\n", "")])
        #expect(try Lab.trace(open, "nodegroup:workers", "apiserver", port: 443).disposition == .delivered)
    }

    /// Private access only: the internet is refused whatever its address; the VPC goes private.
    @Test func privateOnlyEndpoint() throws {
        let n = try Self.network([("      publicAccess: true\n", "      publicAccess: false\n"),
                                  ("      publicAccessCidrs: [198.51.100.0/24]     # the office's egress range\n", "")])
        let t = try Lab.trace(n, "ip:198.51.100.20", "apiserver", port: 443)
        #expect(t.disposition == .deniedIn)
        guard case .apiServerEndpoint(let d) = t.explanations.first?.detail else { Issue.record("no endpoint decision"); return }
        #expect(!d.publicAccess)
        #expect(try Lab.trace(n, "deployment:kube-system/metrics-server", "apiserver", port: 443).disposition == .delivered)
    }

    /// The quickstart's NLB and ALB imply the AWS Load Balancer Controller: with a control plane
    /// declared, netsim adds its webhook (9443 behind a Service on 443) and check traces it;
    /// without one, nothing is added (the shipped topologies' outputs do not change).
    @Test func impliedLoadBalancerControllerWebhook() throws {
        let quickstart = Repo.root.appendingPathComponent("Topologies/quickstart.yaml").path
        let original = try String(contentsOfFile: quickstart, encoding: .utf8)
        func load(_ text: String) throws -> Topology {
            let r = TopologyLoader(catalog: .builtin).load(text: text, file: quickstart)
            return try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        }
        let plain = try load(original)
        #expect(plain.kubernetes.webhookConfigurations.isEmpty)
        #expect(!plain.kubernetes.workloads.contains { $0.meta.name == "aws-load-balancer-controller" })

        let declared = original.replacingOccurrences(of: "  cni: {}                      # aws-node defaults: WARM_ENI_TARGET=1, secondary IPs\n",
                                                     with: "  cni: {}\n  controlPlane:\n    subnets: [private-a, private-b]\n")
        #expect(declared != original)
        // A managed group without groups of its own (no launch template's): the cluster group.
        let withoutOwnGroups = declared.replacingOccurrences(of: "      securityGroups: [nodes]\n      labels: {role: general}\n", with: "      labels: {role: general}\n")
        #expect(withoutOwnGroups != declared)
        let managed = try load(withoutOwnGroups)
        #expect(managed.kubernetes.webhookConfigurations.flatMap(\.webhooks).map(\.name).sorted()
                == ["mpod.elbv2.k8s.aws", "mservice.elbv2.k8s.aws", "mtargetgroupbinding.elbv2.k8s.aws", "vingress.elbv2.k8s.aws", "vtargetgroupbinding.elbv2.k8s.aws"])
        // Managed nodes carry the cluster group: the webhook is reached.
        #expect(!Network.checkDiagnostics(managed, catalog: .builtin, file: quickstart).contains { $0.code == .webhookUnreachable })
        let n = Network(topology: managed, catalog: .builtin)
        let t = try Lab.trace(n, "controlplane", "service:kube-system/aws-load-balancer-webhook-service", port: 443)
        #expect(t.disposition == .delivered && t.packet.destinationPort == 9443)

        // Nodes with only the `nodes` group (443 from the VPC), as the quickstart writes them (a
        // managed group's launch template, or a self-managed group): all five blocked, reported
        // at the Service that implies the controller.
        let launchTemplate = Network.checkDiagnostics(try load(declared), catalog: .builtin, file: quickstart).filter { $0.code == .webhookUnreachable }
        #expect(launchTemplate.count == 5)
        let selfManaged = try load(declared.replacingOccurrences(of: "      instanceType: m5.large\n", with: "      instanceType: m5.large\n      managed: false\n"))
        let d = Network.checkDiagnostics(selfManaged, catalog: .builtin, file: quickstart).filter { $0.code == .webhookUnreachable }
        #expect(d.count == 5)
        #expect(d.allSatisfy { $0.location.file.hasSuffix("k8s/shop/frontend.yaml") && $0.message.contains("implies") })
    }

    /// From a peered VPC with private access, `apiserver` is the control-plane ENIs, reached
    /// through the peering: the ENIs' groups decide (the cluster group admits only its members,
    /// an additional group opens 443 to the peer). Without private access the peer would need
    /// the internet, which it has no route to.
    @Test func peeredVPCReachesThePrivateEndpoint() throws {
        let path = Repo.root.appendingPathComponent("Topologies/vpc-peering-shared-services.yaml").path
        let original = try String(contentsOfFile: path, encoding: .utf8)
        func network(_ edits: [(String, String)]) throws -> Network {
            var text = original
            for (a, b) in edits { #expect(text.contains(a)); text = text.replacingOccurrences(of: a, with: b) }
            let r = TopologyLoader(catalog: .builtin).load(text: text, file: path)
            return Network(topology: try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))"), catalog: .builtin)
        }
        let cp = ("  name: platform-prod\n", "  name: platform-prod\n  controlPlane:\n    subnets: [private-a, private-b]\n    endpoint: {privateAccess: true}\n")
        let blocked = try Lab.trace(try network([cp]), "external:artifactory", "apiserver", port: 443)
        #expect(blocked.disposition == .deniedIn)
        #expect(blocked.forward.hops.flatMap(\.steps).contains { if case .peering = $0.detail { return true }; return false })
        #expect(blocked.explanations.first?.code == .eniSGRulesMismatch)

        let extra = ("        - {protocol: tcp, ports: 10250, from: {cidr: 10.70.0.0/16}, description: kubelet API from the control plane}\n",
                     "        - {protocol: tcp, ports: 10250, from: {cidr: 10.70.0.0/16}, description: kubelet API from the control plane}\n"
                        + "    - name: api-from-shared\n      ingress:\n        - {protocol: tcp, ports: 443, from: {cidr: 10.80.0.0/16}}\n")
        let withGroup = ("  name: platform-prod\n",
                         "  name: platform-prod\n  controlPlane:\n    subnets: [private-a, private-b]\n    securityGroups: [api-from-shared]\n    endpoint: {privateAccess: true}\n")
        let ok = try Lab.trace(try network([withGroup, extra]), "external:artifactory", "apiserver", port: 443)
        #expect(ok.disposition == .delivered, "\(ok.explanations.map(\.message))")
        // Public access only: the peer has no way to the internet.
        let publicOnly = ("  name: platform-prod\n", "  name: platform-prod\n  controlPlane:\n    subnets: [private-a, private-b]\n")
        let noRoute = try Lab.trace(try network([publicOnly]), "external:artifactory", "apiserver", port: 443)
        #expect(!noRoute.disposition.isSuccess)
        #expect(!noRoute.forward.hops.contains { $0.place.description.contains("EKS API server endpoint") })
    }

    /// From on-premises behind a transit gateway, private access leads to the ENIs through the
    /// attachment; the created cluster group admits only its members, so the data centre is
    /// refused there, at the group EKS created.
    @Test func onPremisesReachesThePrivateEndpoint() throws {
        let path = Repo.root.appendingPathComponent("Topologies/transit-gateway-onprem.yaml").path
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let anchor = "  name: claims-prod\n"
        #expect(text.contains(anchor))
        text = text.replacingOccurrences(of: anchor, with: anchor + "  controlPlane:\n    subnets: [private-a, private-b]\n    endpoint: {privateAccess: true}\n")
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: path)
        let n = Network(topology: try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))"), catalog: .builtin)
        let t = try Lab.trace(n, "external:datacenter", "apiserver", port: 443)
        #expect(t.disposition == .deniedIn)
        #expect(t.forward.hops.contains { $0.place.description.contains("transit gateway corp-tgw") })
        #expect(n.fabric.realized.controlPlaneENIs.contains { .ipv4($0.ip) == t.forward.finalPacket.destination })
        guard case .securityGroups(_, let groups, _, _) = t.explanations.first?.detail else { Issue.record("no group block"); return }
        #expect(groups.map(\.name) == [n.fabric.topology.cluster?.controlPlane?.clusterSecurityGroup ?? "?"])
    }
}
