import Foundation
import NetsimFlow
import NetsimModel
import NetsimTopology
import NetsimVPC
import Testing

/// Load balancers as the AWS Load Balancer Controller builds them, and flows through them
/// (`Tests/NetsimFlowTests/Fixtures/lb-lab.yaml`: one pod of `web`, three nodes in two zones).
@Suite("load balancers")
struct LoadBalancerTests {
    static let lab: Network? = try? Lab.network("Tests/NetsimFlowTests/Fixtures/lb-lab.yaml")
    var lab: Network { get throws { try #require(Self.lab) } }

    func trace(_ from: String, _ to: String, port: UInt16, proto: IPProtocol = .tcp, host: String? = nil, path: String? = nil) throws -> Trace {
        let n = try lab
        var req = FlowRequest(from: try Endpoint.parse(from).get(), to: try Endpoint.parse(to).get(), ipProtocol: proto, port: port)
        if host != nil || path != nil { req.http = HTTPRequest(host: host ?? "", path: path ?? "/") }
        guard case .traced(let t) = n.trace(req) else { Issue.record("\(from) → \(to) was not traced"); throw CancellationError() }
        return t
    }

    enum Seen: String, CaseIterable { case client, node, loadBalancer }

    /// Whose address an address is: the internet client, a node's primary ENI, or a load balancer node.
    func whose(_ ip: IPv4Address?) throws -> Seen? {
        guard let ip else { return nil }
        if ip == EndpointResolver.internetHost { return .client }
        let f = try lab.fabric
        guard let i = f.ownerOf(ip) else { return nil }
        switch f.interfaces[i].kind {
        case .loadBalancer: return .loadBalancer
        case .nodeENI where f.interfaces[i].primaryIP == ip && f.podByIP[ip.value] == nil: return .node
        default: return nil
        }
    }

    /// The ELB guides' client IP preservation rules, row by row: the source address the pod sees for each target
    /// type, client IP preservation and externalTrafficPolicy.
    @Test(arguments: [
        ("ingress:lab/site", "/", UInt16(80), IPProtocol.tcp, Seen.node),                  // ALB, instance, Cluster
        ("ingress:lab/site", "/local", 80, .tcp, .loadBalancer),                            // ALB, instance, Local
        ("ingress:lab/api", "/api", 80, .tcp, .loadBalancer),                               // ALB, ip
        ("service:lab/nlb-instance-cluster", "", 80, .tcp, .node),                          // NLB, instance, preserve on, Cluster
        ("service:lab/nlb-instance-local", "", 80, .tcp, .client),                          // NLB, instance, preserve on, Local
        ("service:lab/nlb-instance-cluster-nopreserve", "", 80, .tcp, .node),               // NLB, instance, preserve off, Cluster
        ("service:lab/nlb-instance-local-nopreserve", "", 80, .tcp, .loadBalancer),         // NLB, instance, preserve off, Local
        ("service:lab/nlb-ip-tcp", "", 80, .tcp, .loadBalancer),                            // NLB, ip, TCP, preserve off (default)
        ("service:lab/nlb-ip-tcp-preserve", "", 80, .tcp, .client),                         // NLB, ip, TCP, preserve on
        ("service:lab/nlb-ip-udp", "", 53, .udp, .client),                                  // NLB, ip, UDP (always preserved)
    ])
    func sourceAddressAtTheTarget(to: String, path: String, port: UInt16, proto: IPProtocol, expected: Seen) throws {
        let t = try trace("internet", to, port: port, proto: proto, host: to.hasPrefix("ingress:") ? "www.example.com" : nil, path: to.hasPrefix("ingress:") ? path : nil)
        #expect(t.disposition == .delivered, "\(t.explanations.map(\.message))")
        #expect(try whose(t.sourceIpAtTarget?.v4) == expected, "\(String(describing: t.sourceIpAtTarget)): \(t.sourceIpNote ?? "")")
        #expect(t.sourceIpAtTarget == t.forward.finalPacket.source)
        // The reply goes back through the load balancer to the client.
        #expect(t.reply?.end == .exitsNetwork)
        #expect(t.reply?.hops.contains { $0.place.description.contains(t.loadBalancer?.name ?? "?") } == true)
    }

    /// externalTrafficPolicy: Local: kube-proxy's health server answers 200 only where the pod
    /// runs, so the NLB sends only there.
    @Test func localPolicyHealth() throws {
        let n = try lab
        let podNode = try #require(n.fabric.realized.pods.first { $0.workload == "web" }?.node)
        let t = try trace("internet", "service:lab/nlb-instance-local", port: 80)
        let health = try #require(t.loadBalancer?.health)
        #expect(health.count == n.fabric.realized.nodes.count)
        #expect(health.filter(\.healthy).map(\.target).allSatisfy { $0.hasPrefix(podNode) })
        #expect(health.filter(\.healthy).count == 1)
        #expect(t.loadBalancer?.target?.hasPrefix(podNode) == true)
        // The node's group admits the client's address by the rule from the backend group.
        #expect(t.forward.hops.flatMap(\.steps).contains { $0.type == "SecurityGroup" && $0.sentence.contains("elbv2.k8s.aws/targetGroupBinding=shared") })
    }

    /// An ALB with instance targets and a Local Service: the health check on the traffic port
    /// is dropped by kube-proxy on nodes without the pod.
    @Test func albLocalHealthDropsElsewhere() throws {
        let t = try trace("internet", "ingress:lab/site", port: 80, host: "a.example.com", path: "/local/x")
        let health = try #require(t.loadBalancer?.health)
        #expect(health.filter(\.healthy).count == 1)
        #expect(health.filter { !$0.healthy }.allSatisfy { $0.detail.contains("has no local endpoints") })
    }

    /// A UDP target group's default check is TCP on the traffic port: a pod that declares only
    /// UDP there fails it, and the NLB fails open.
    @Test func udpTrafficPortCheckFails() throws {
        let t = try trace("internet", "service:lab/nlb-ip-udp", port: 53, proto: .udp)
        #expect(t.loadBalancer?.failOpen == true)
        #expect(t.loadBalancer?.health.first?.detail.contains("declares no TCP container port") == true)
        #expect(t.delivered)
    }

    /// Listener rules in the controller's order: Exact first, then Prefix longest first; group
    /// members by group.order; the default action answers 404; an annotation action 503.
    @Test func ruleOrder() throws {
        let exact = try trace("internet", "ingress:lab/site", port: 80, host: "www.example.com", path: "/exact")
        #expect(exact.loadBalancer?.rule?.hasPrefix("priority 1: host-header *.example.com and path-pattern /exact ") == true)
        let local = try trace("internet", "ingress:lab/site", port: 80, host: "WWW.Example.com", path: "/local")
        #expect(local.loadBalancer?.rule?.hasPrefix("priority 2: ") == true, "host-header matches without regard to case")
        let catchAll = try trace("internet", "ingress:lab/site", port: 80, host: "www.example.com", path: "/localx")
        #expect(catchAll.loadBalancer?.rule?.hasPrefix("priority 3: ") == true, "/localx is not under the /local prefix")
        let otherHost = try trace("internet", "ingress:lab/site", port: 80, host: "example.org", path: "/")
        #expect(otherHost.disposition == .fixedResponse)
        #expect(otherHost.explanations.first?.code.rawValue == "ELBV2_NO_MATCHING_RULE")
        let admin = try trace("internet", "ingress:lab/api", port: 80, path: "/api/admin/x")
        #expect(admin.disposition == .fixedResponse)
        #expect(admin.explanations.first?.message.contains("503") == true)
        // The status is a value: what the ALB answers, for the capture to write.
        #expect(admin.response?.status == 503 && admin.response?.isRedirect == false)
        #expect(otherHost.response.map { $0.status != 503 && !$0.isRedirect } == true)
        if case .fixedResponse(let r)? = admin.explanations.first?.detail { #expect(r.status == 503) } else { Issue.record("not a typed fixed response") }
        let api = try trace("internet", "ingress:lab/maintenance", port: 80, path: "/api/v2")
        #expect(api.delivered, "both Ingresses of group shared are one ALB")
        #expect(api.loadBalancer?.name == admin.loadBalancer?.name)
        let lbs = try lab.fabric.loadBalancers.filter { $0.group == "shared" }
        #expect(lbs.count == 1)
        #expect(lbs.first?.owners == ["ingress:lab/maintenance", "ingress:lab/api"])
    }

    /// HTTP to HTTPS: `ssl-redirect` makes the HTTP listener only redirect; the classic
    /// `actions.ssl-redirect` rule (capitalised keys, as Go's JSON reads them) redirects on port
    /// 80 and is dropped from the HTTPS listener, where it would loop.
    @Test(arguments: ["ingress:lab/secure", "ingress:lab/classic"])
    func httpsRedirects(_ to: String) throws {
        let http = try trace("internet", to, port: 80, path: "/shop")
        #expect(http.disposition == .fixedResponse)
        #expect(http.explanations.first?.code.rawValue == "ELBV2_REDIRECT")
        // The Location resolved from the request (no Host header: the ALB's DNS name), and the template as written.
        let dns = try #require(http.loadBalancer?.dnsName)
        #expect(http.explanations.first?.message.contains("https://\(dns):443/shop") == true, "\(http.explanations.map(\.message))")
        #expect(http.response?.isRedirect == true && http.response?.location == "https://\(dns):443/shop")
        #expect(http.response?.locationTemplate?.hasPrefix("https://#{host}:443") == true)
        #expect(http.explanations.first?.code == .elbv2Redirect)
        let https = try trace("internet", to, port: 443, path: "/shop")
        #expect(https.delivered, "\(https.explanations.map(\.message))")
    }

    /// Cross-zone off: the NLB node of a zone without a target refuses (ELBV2_NO_TARGETS_IN_AZ).
    @Test func crossZoneOff() throws {
        let n = try lab
        let lb = try #require(n.fabric.loadBalancers.first { $0.owners == ["service:lab/nlb-zonal"] })
        let tg = try #require(lb.targetGroups.first)
        #expect(!tg.crossZone)
        let targetZone = try #require(tg.targets.first?.zone)
        let other = try #require(lb.nodes.first { $0.zone != targetZone }?.publicIP)
        let t = try trace("internet", "ip:\(other)", port: 80)
        #expect(t.disposition == .noEndpoints)
        #expect(t.explanations.first?.code.rawValue == "ELBV2_NO_TARGETS_IN_AZ")
        let same = try #require(lb.nodes.first { $0.zone == targetZone }?.publicIP)
        #expect(try trace("internet", "ip:\(same)", port: 80).delivered)
    }

    /// With cross-zone off, DNS leaves out the zones without a healthy target: a Service whose
    /// only pod runs in the second zone is reached through that zone's node.
    @Test func dnsAnswersHealthyZones() throws {
        let n = try lab
        let pod = try #require(n.fabric.realized.pods.first { $0.workload == "zone-b" })
        let zone = try #require(n.fabric.nodeByName[pod.node ?? ""]?.zone)
        let lb = try #require(n.fabric.loadBalancers.first { $0.owners == ["service:lab/nlb-zone-b"] })
        #expect(lb.nodes.first?.zone != zone, "the pod is not in the first zone, or this test shows nothing")
        let t = try trace("internet", "service:lab/nlb-zone-b", port: 80)
        #expect(t.delivered, "\(t.explanations.map(\.message))")
        #expect(t.loadBalancer?.zone == zone)
    }

    /// No listener on the port; an internal NLB is out of the internet's reach but not the pods'.
    @Test func listenersAndSchemes() throws {
        // The managed frontend group admits only the listener ports, and there is no listener.
        let t = try trace("internet", "service:lab/nlb-ip-tcp", port: 443)
        #expect(t.explanations.map(\.code.rawValue) == ["ENI_SG_RULES_MISMATCH", "ELBV2_LISTENER_PORT_RESTRICTION"])
        let outside = try trace("internet", "service:lab/nlb-internal", port: 80)
        #expect(!outside.delivered)
        #expect(outside.explanations.contains { $0.code.rawValue == "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS" })
        let inside = try trace("deployment:lab/web", "loadbalancer:lab/nlb-internal", port: 80)
        #expect(inside.delivered, "\(inside.explanations.map(\.message))")
    }

    /// A target reaching itself through an internal NLB that keeps the client's address fails;
    /// through an internet-facing one it goes out by the NAT gateway, whose address the NLB
    /// keeps instead, so it works.
    @Test func hairpinWithPreservation() throws {
        let t = try trace("deployment:lab/web", "loadbalancer:lab/nlb-internal-preserve", port: 80)
        #expect(t.explanations.contains { $0.code.rawValue == "ELBV2_SOURCE_ADDRESS_PRESERVATION" })
        #expect(!t.delivered)
        let off = try trace("deployment:lab/web", "loadbalancer:lab/nlb-internal", port: 80)
        #expect(off.delivered, "without preservation the NLB's own address comes back to it")
        let outside = try trace("deployment:lab/web", "loadbalancer:lab/nlb-ip-tcp-preserve", port: 80)
        #expect(outside.delivered, "\(outside.explanations.map(\.message))")
        #expect(outside.forward.hops.contains { $0.place.description.hasPrefix("NAT gateway") })
        let nat = try lab.fabric.interfaces.first { $0.kind == .natGateway }?.publicIP
        #expect(outside.sourceIpAtTarget == nat, "the client the pod sees is the NAT gateway")
    }

    /// The controller's names and groups: `k8s-ns-name-hash`, 32 characters at most; the
    /// shared backend group named from the cluster; one collapsed rule per group and protocol.
    @Test func namesAndSecurityGroups() throws {
        let f = try lab.fabric
        for lb in f.loadBalancers {
            #expect(lb.name.count <= 32 && lb.name.hasPrefix("k8s-"), "\(lb.name)")
            #expect(lb.dnsName.hasSuffix(lb.kind == .network ? ".elb.us-east-1.amazonaws.com" : ".us-east-1.elb.amazonaws.com"))
            #expect(lb.dnsName.hasPrefix("internal-") == (lb.kind == .application && lb.scheme == .internal))
            #expect(Set(lb.nodes.map(\.zone)).count == lb.nodes.count, "one node per zone")
            #expect(lb.nodes.allSatisfy { ($0.publicIP != nil) == (lb.scheme == .internetFacing) })
        }
        let backend = "k8s-traffic-lab-" + SHA256.hex(SHA256.hash(Array("lab".utf8))).prefix(10)
        #expect(f.loadBalancers.allSatisfy { $0.securityGroups.last == backend })
        let nodes = try #require(f.groups["lab/nodes"])
        let added = nodes.ingress.filter { $0.description == "elbv2.k8s.aws/targetGroupBinding=shared" }
        #expect(Set(added.map(\.ipProtocol)) == [.tcp, .udp])
        // The TCP rule spans the lowest to the highest port any target group or check uses.
        var ports: [UInt16] = []
        for lb in f.loadBalancers { for tg in lb.targetGroups { for t in tg.targets { ports.append(t.port); if let h = tg.healthCheck.port { ports.append(h) } } } }
        let tcp = try #require(added.first { $0.ipProtocol == .tcp })
        #expect(tcp.ports == PortRange(ports.min() ?? 0, ports.max() ?? 0))
        #expect(tcp.peer == .securityGroup(backend))
    }

    /// Same inputs, same trace, byte for byte (in the renderer's JSON too, via the CLI tests).
    @Test func deterministic() throws {
        let a = try trace("internet", "ingress:lab/site", port: 80, host: "www.example.com", path: "/")
        let b = try trace("internet", "ingress:lab/site", port: 80, host: "www.example.com", path: "/")
        #expect(a.loadBalancer?.target == b.loadBalancer?.target)
        #expect(a.forward.hops.map(\.place) == b.forward.hops.map(\.place))
        #expect(a.choices.count == 3)
    }
}

@Suite("load balancer controller rules")
struct LBCRuleTests {
    @Test(arguments: [
        ("/api/*", "/api/v1", true), ("/api/*", "/api", false), ("/api", "/api", true), ("*.example.com", "www.example.com", true),
        ("*.example.com", "example.com", false), ("/a?c", "/abc", true), ("/a?c", "/ac", false), ("*", "", true), ("/x*y*z", "/xaaybbz", true),
    ])
    func wildcards(pattern: String, value: String, matches: Bool) {
        let r = LoadBalancer.Rule(priority: 1, hosts: [], paths: [pattern], action: .fixedResponse(status: 200, contentType: "", body: ""),
                                  origin: "", location: SourceLocation(file: "t", line: 1, column: 1))
        #expect(r.matches(host: "h", path: value) == matches)
    }

    /// One subnet per zone: tagged for this cluster first, then the lowest subnet ID; other
    /// clusters' subnets are left out.
    @Test func subnetChoice() {
        let loc = SourceLocation(file: "t", line: 1, column: 1)
        func subnet(_ name: String, _ id: String, _ zone: String, _ tags: [NetsimModel.Tag]) -> Subnet {
            Subnet(name: name, id: id, zone: zone, cidr: IPv4CIDR("10.0.\(id.suffix(1)).0/24")!, tags: [NetsimModel.Tag("kubernetes.io/role/elb", "1")] + tags, location: loc)
        }
        let vpc = VPC(name: "v", id: "vpc-1", cidrBlocks: [IPv4CIDR("10.0.0.0/16")!], subnets: [
            subnet("a2", "subnet-2", "z-a", []), subnet("a1", "subnet-1", "z-a", []),
            subnet("b9", "subnet-9", "z-b", [NetsimModel.Tag("kubernetes.io/cluster/c", "shared")]), subnet("b3", "subnet-3", "z-b", []),
            subnet("c4", "subnet-4", "z-c", [NetsimModel.Tag("kubernetes.io/cluster/other", "owned")]),
        ], location: loc)
        let d = LBC.discoverSubnets(scheme: .internetFacing, vpc: vpc, cluster: "c")
        #expect(d.chosen.map(\.name) == ["a1", "b9"])
        #expect(d.otherClusters == 1)
    }
}
