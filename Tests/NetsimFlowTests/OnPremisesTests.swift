import Foundation
import NetsimFlow
import NetsimModel
import NetsimTopology
import NetsimVPC
import Testing

/// The on-premises edge: a virtual private gateway, propagated routes and their priority, the
/// firewall in front of an external network, and the routes that network has back toward AWS.
/// Each test asserts what AWS documents (VPC User Guide "How route priority works";
/// Site-to-Site VPN User Guide "Route tables and AWS Site-to-Site VPN route priority").
@Suite("on-premises edges")
struct OnPremisesTests {
    static let file = "Topologies/onprem-vpn-return-route.yaml"

    static func network(_ edits: [(String, String)] = [], file: String = file) throws -> Network {
        var text = try String(contentsOf: Lab.root.appendingPathComponent(file), encoding: .utf8)
        for (a, b) in edits {
            #expect(text.contains(a), "edit target missing: \(a)")
            text = text.replacingOccurrences(of: a, with: b)
        }
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: Lab.root.appendingPathComponent(file).path)
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        return Network(topology: t, catalog: .builtin)
    }

    static func ip(_ s: String) throws -> IPv4Address { try #require(IPv4Address(s)) }
    static func cidr(_ s: String) throws -> IPv4CIDR { try #require(IPv4CIDR.parse(s)?.cidr) }

    static func routeSteps(_ t: Trace) -> [RouteTableMatch] {
        t.forward.hops.flatMap(\.steps).compactMap { if case .route(let m) = $0.detail { return m }; return nil }
    }

    /// The pod keeps its 100.64 address toward the data centre (SNAT excluded); the route is
    /// the virtual private gateway's propagated one; the firewall admits it; the reply dies in
    /// the data centre, which routes only 10.70.0.0/20 back (static VPN).
    @Test func podFlowLeavesByThePropagatedRouteAndItsReplyHasNoRouteBack() throws {
        let n = try Self.network()
        let t = try Lab.trace(n, "deployment:payments/settlement", "external:datacenter", port: 5432)
        let route = try #require(Self.routeSteps(t).last)
        #expect(route.origin == .propagated)
        #expect(route.target == .vpnGateway("corp-vgw"))
        #expect(route.destination.description == "172.20.0.0/16")
        #expect(t.forward.hops.contains { if case .vpnGateway(let g) = $0.place { return g.name == "corp-vgw" && g.id.hasPrefix("vgw-") }; return false })
        #expect(t.forward.end == .exitsNetwork)
        #expect(t.packet.source.description.hasPrefix("100.64."), "SNAT excluded: the pod's own address")
        let reply = try #require(t.reply)
        #expect(reply.end == .noRoute)
        let block = try #require(t.explanations.first)
        #expect(block.code == .noReturnRoute && block.direction == .reply)
        guard case .noReturnRoute(let c) = block.detail else { Issue.record("\(block.detail)"); return }
        #expect(c.routes.map(\.description) == ["10.70.0.0/20"] && c.matched == nil && c.basis == .declared)
        #expect(t.disposition != .delivered)
    }

    /// The fix the topology names: the customer gateway gets a route to the pod block.
    @Test func addingThePodBlockToTheReturnRoutesDeliversTheReply() throws {
        let n = try Self.network([("returnRoutes: [10.70.0.0/20]", "returnRoutes: [10.70.0.0/20, 100.64.0.0/16]")])
        let t = try Lab.trace(n, "deployment:payments/settlement", "external:datacenter", port: 5432)
        #expect(t.explanations.isEmpty, "\(t.explanations.map(\.message))")
        #expect(t.reply?.end == .delivered)
        #expect(Network.returnRouteDiagnostics(n.fabric.topology).isEmpty)
    }

    /// The other fix: without the exclusion the node SNATs the pod to its 10.70 address, which
    /// the data centre routes back; and `check` has nothing to warn about.
    @Test func snatToTheNodeRestoresTheReturnPath() throws {
        let n = try Self.network([("    AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: 172.20.0.0/16\n", "")])
        let t = try Lab.trace(n, "deployment:payments/settlement", "external:datacenter", port: 5432)
        #expect(t.explanations.isEmpty, "\(t.explanations.map(\.message))")
        #expect(t.forward.finalPacket.source.description.hasPrefix("10.70."))
        #expect(Network.returnRouteDiagnostics(n.fabric.topology).isEmpty)
        let shipped = try Self.network()
        let d = Network.returnRouteDiagnostics(shipped.fabric.topology)
        #expect(d.count == 1 && d[0].code == .noReturnRoute && d[0].severity == .warning && d[0].message.contains("100.64.0.0/18"))
    }

    /// A flow started in the data centre toward a pod never leaves it: no route to 100.64.
    @Test func aFlowFromTheDataCentreToAPodHasNoRoute() throws {
        let n = try Self.network()
        let t = try Lab.trace(n, "external:datacenter", "deployment:payments/settlement", port: 8080)
        #expect(t.forward.end == .noRoute)
        #expect(t.explanations.first?.code == .noReturnRoute && t.explanations.first?.direction == .forward)
        // With the route, it enters by the virtual private gateway into the VPC.
        let fixed = try Self.network([("returnRoutes: [10.70.0.0/20]", "returnRoutes: [10.70.0.0/20, 100.64.0.0/16]")])
        let ok = try Lab.trace(fixed, "external:datacenter", "deployment:payments/settlement", port: 8080)
        #expect(ok.forward.end == .delivered, "\(ok.explanations.map(\.message))")
        #expect(ok.forward.hops.flatMap(\.steps).contains { if case .vpnGateway(let h) = $0.detail, case .intoVPC("payments") = h.way { return true }; return false })
    }

    /// The block's advice fits the packet: a reply to a pod that kept its address is the
    /// asymmetric route SNAT fixes; a flow the data centre starts is no asymmetric route and no
    /// SNAT on a node can help it; a reply to a node (SNAT on) needs only the route.
    @Test func noReturnRouteAdviceFitsTheFlow() throws {
        let n = try Self.network()
        let podReply = try Lab.trace(n, "deployment:payments/settlement", "external:datacenter", port: 5432)
        let m1 = try #require(podReply.explanations.first { $0.code == .noReturnRoute }).message
        #expect(m1.contains("asymmetric route") && m1.contains("SNAT"), "\(m1)")
        let fromDC = try Lab.trace(n, "external:datacenter", "deployment:payments/settlement", port: 8080)
        let m2 = try #require(fromDC.explanations.first { $0.code == .noReturnRoute }).message
        #expect(!m2.contains("SNAT") && !m2.contains("asymmetric"), "\(m2)")
        #expect(m2.contains("returnRoutes"), "\(m2)")
        // The customer gateway routes only the pod block: a node (SNAT on) gets no reply.
        let nodes = try Self.network([("returnRoutes: [10.70.0.0/20]", "returnRoutes: [100.64.0.0/16]"),
                                      ("    AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: 172.20.0.0/16\n", "")])
        let nodeReply = try Lab.trace(nodes, "nodegroup:general", "external:datacenter", port: 5432)
        let m3 = try #require(nodeReply.explanations.first { $0.code == .noReturnRoute }).message
        #expect(m3.contains("asymmetric route") && !m3.contains("SNAT"), "\(m3)")
    }

    /// NS1425's hint names the setting that keeps the pods' addresses: with
    /// AWS_VPC_K8S_CNI_EXTERNALSNAT=true, removing the network from the exclusions changes nothing.
    @Test func returnRouteWarningHintNamesTheSettingInForce() throws {
        let n = try Self.network([("    AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: 172.20.0.0/16\n", "    AWS_VPC_K8S_CNI_EXTERNALSNAT: \"true\"\n")])
        let d = Network.returnRouteDiagnostics(n.fabric.topology)
        #expect(d.count == 1 && d[0].message.contains("AWS_VPC_K8S_CNI_EXTERNALSNAT is true"), "\(d.map(\.formatted))")
        #expect(d.first?.hint.contains("AWS_VPC_K8S_CNI_EXTERNALSNAT=false") == true, "\(d.map(\.formatted))")
        let shipped = Network.returnRouteDiagnostics(try Self.network().fabric.topology)
        #expect(shipped.first?.hint.contains("remove it from AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS") == true)
    }

    /// The firewall: first match wins (rule 4, the deny-all, refuses SSH); replies to an
    /// admitted flow pass by state; the nodes reach PostgreSQL.
    @Test func firewallFirstMatchDefaultDenyAndState() throws {
        let n = try Self.network()
        let ssh = try Lab.trace(n, "nodegroup:general", "external:datacenter", port: 22)
        let block = try #require(ssh.explanations.first)
        #expect(block.code == .externalFirewallDenied && block.disposition == .deniedIn)
        guard case .externalFirewall(let m) = block.detail else { Issue.record("\(block.detail)"); return }
        #expect(m.rule == 3 && m.ruleCount == 4 && !m.allowed && m.direction == .inbound)
        let db = try Lab.trace(n, "nodegroup:general", "external:datacenter", port: 5432)
        #expect(db.disposition == .delivered || db.forward.end == .exitsNetwork)
        #expect(db.explanations.isEmpty)
        let tracked = db.reply?.hops.flatMap(\.steps).contains { if case .externalFirewall(let m) = $0.detail { return m.tracked }; return false }
        #expect(tracked == true)
        // Without the deny-all rule, nothing matches SSH: denied by default (no rule index).
        let noDenyAll = try Self.network([("        - {action: deny,  protocol: all, cidr: 0.0.0.0/0, description: everything else}\n", "")])
        let byDefault = try Lab.trace(noDenyAll, "nodegroup:general", "external:datacenter", port: 22)
        guard case .externalFirewall(let d)? = byDefault.explanations.first?.detail else { Issue.record("no firewall block"); return }
        #expect(d.rule == nil && d.ruleCount == 3)
    }

    /// The evaluator alone: order decides; a direction without rules passes everything.
    @Test func firewallEvaluator() throws {
        let loc = SourceLocation(file: "x", line: 1, column: 1)
        let any = try Self.cidr("0.0.0.0/0"), vpc = try Self.cidr("10.0.0.0/16")
        let fw = ExternalFirewall(name: "fw", inbound: [ExternalFirewall.Rule(action: .deny, ipProtocol: .tcp, ports: PortRange(22), cidr: any, location: loc),
                                                        ExternalFirewall.Rule(action: .allow, ipProtocol: .all, cidr: vpc, location: loc)],
                                  outbound: [], location: loc)
        var p = Packet(ipProtocol: .tcp, source: .ipv4(try Self.ip("10.0.1.1")), destination: .ipv4(try Self.ip("192.168.1.1")))
        p.destinationPort = 22
        #expect(fw.evaluate(p, .inbound) == (0, false))
        p.destinationPort = 443
        #expect(fw.evaluate(p, .inbound) == (1, true))
        p.source = .ipv4(try Self.ip("10.9.1.1"))
        #expect(fw.evaluate(p, .inbound) == (nil, false))
        #expect(fw.evaluate(p.reversed, .outbound) == (nil, true))
    }

    /// Route priority in a VPC route table (VPC User Guide, "How route priority works").
    @Test func routePriorityWithPropagatedRoutes() throws {
        func lookup(_ n: Network, _ ip: String) throws -> RouteMatch {
            let table = try #require(n.fabric.routeTables["payments/private-a"])
            let a = try Self.ip(ip)
            return try #require(table.lookup(a))
        }
        // Same prefix: a static route wins over the propagated one.
        let staticWins = try Self.network([("        - {destination: 0.0.0.0/0, target: nat-a}\n",
                                            "        - {destination: 0.0.0.0/0, target: nat-a}\n        - {destination: 172.20.0.0/16, target: nat-a}\n")])
        let s = try lookup(staticWins, "172.20.1.1")
        #expect(s.origin == .table && s.target == .natGateway("nat-a"))
        // A more specific propagated route beats a less specific static one.
        let specific = try Self.network([("        - {destination: 0.0.0.0/0, target: nat-a}\n",
                                          "        - {destination: 0.0.0.0/0, target: nat-a}\n        - {destination: 172.16.0.0/12, target: nat-a}\n")])
        #expect(try lookup(specific, "172.20.1.1").origin == .propagated)
        // Same prefix: a prefix-list route wins over the propagated one.
        let pl = try Self.network([("seed: 16\n", "seed: 16\nprefixLists:\n  - {name: dc, entries: [172.20.0.0/16]}\n"),
                                   ("        - {destination: 0.0.0.0/0, target: nat-a}\n",
                                    "        - {destination: 0.0.0.0/0, target: nat-a}\n        - {prefixList: dc, target: nat-a}\n")])
        let m = try lookup(pl, "172.20.1.1")
        #expect(m.origin == .table && m.written == "pl:dc")
        // A propagated route inside the VPC's blocks never takes traffic from the local route.
        let inside = try Self.network([("    cidr: 172.20.0.0/16\n", "    cidr: 10.70.4.0/24\n"),
                                       ("AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: 172.20.0.0/16", "AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: 10.70.4.0/24")])
        #expect(try lookup(inside, "10.70.4.5").origin == .local)
        // A table that does not list the gateway in propagatingVgws has no propagated route.
        let off = try Self.network([("      propagatingVgws: [corp-vgw]      # 172.20.0.0/16 appears here as a propagated route\n", "")])
        #expect(try lookup(off, "172.20.1.1").target == .natGateway("nat-a"))
    }

    /// Among networks behind one gateway advertising the same prefix: Direct Connect BGP, then
    /// VPN static, then VPN BGP; the longest prefix before any of them.
    @Test func vpnGatewayPrefersTheLongestPrefixThenTheLink() throws {
        let extra = """
        externals:
          - name: dx-site
            cidr: 172.20.0.0/16
            via: corp-vgw
            connection: directConnect
          - name: branch
            cidr: 172.20.9.0/24
            via: corp-vgw
        """
        let n = try Self.network([("externals:\n", extra + "\n")])
        let vpc = try #require(n.fabric.vpcByName["payments"])
        let x = try Self.ip("172.20.1.1"), y = try Self.ip("172.20.9.9")
        let a = try #require(n.fabric.vpnGatewayRoute(vpc: vpc, to: .ipv4(x)))
        #expect(a.external.name == "dx-site", "Direct Connect BGP before VPN static")
        let b = try #require(n.fabric.vpnGatewayRoute(vpc: vpc, to: .ipv4(y)))
        #expect(b.external.name == "branch", "the longest prefix first")
        #expect(n.fabric.vpnGatewayRoute(vpc: vpc, to: .ipv4(try Self.ip("8.8.8.8"))) == nil)
    }

    /// A route to the virtual private gateway for destinations no network behind it
    /// advertises: the gateway drops them (it routes only prefixes it knows).
    @Test func vpnGatewayDropsWhatNoNetworkAdvertises() throws {
        let n = try Self.network([("{destination: 0.0.0.0/0, target: nat-a}", "{destination: 0.0.0.0/0, target: corp-vgw}"),
                                  ("{destination: 0.0.0.0/0, target: nat-b}", "{destination: 0.0.0.0/0, target: corp-vgw}")])
        let t = try Lab.trace(n, "deployment:payments/settlement", "internet", port: 443)
        #expect(Self.routeSteps(t).last?.target == .vpnGateway("corp-vgw") && Self.routeSteps(t).last?.origin == .table)
        #expect(t.forward.end == .noRoute)
        guard case .vpnGatewayNoRoute(let g, _)? = t.explanations.first?.detail else { Issue.record("\(t.explanations)"); return }
        #expect(g == "corp-vgw" && t.explanations.first?.code == .noRouteToDestination)
    }

    /// The edge is the same for a transit gateway: the firewall of an external reached through
    /// one judges the flow, and its return routes are what the transit gateway advertises.
    @Test func transitGatewayExternalsGetTheFirewallAndReturnRoutes() throws {
        let n = try Self.network([("    via: corp-tgw\n  - name: mq-gateway", """
            via: corp-tgw
            firewall:
              outbound:
                - {action: allow, protocol: tcp, ports: 8443, cidr: 10.60.0.0/16}

          - name: mq-gateway
        """)], file: "Topologies/transit-gateway-onprem.yaml")
        let dc = try #require(n.fabric.topology.externals.first { $0.name == "datacenter" })
        // What the Direct Connect gateway advertises for the transit gateway: its allowed prefixes.
        #expect(n.fabric.topology.returnRoutes(of: dc) == ReturnRoutes(basis: .advertised(gateway: "corp-tgw"),
                                                                        routes: [try Self.cidr("10.0.0.0/8")]))
        let t = try Lab.trace(n, "external:datacenter", "service:claims/claims-api", port: 443)
        #expect(t.explanations.contains { $0.code == .externalFirewallDenied && $0.disposition == .deniedOut })
        // The shipped topology (no firewall) is unchanged: delivered.
        let plain = try Lab.trace(try Lab.network("Topologies/transit-gateway-onprem.yaml"), "external:datacenter", "service:claims/claims-api", port: 443)
        #expect(plain.explanations.isEmpty)
    }
}

extension OnPremisesTests {
    /// A transit gateway advertises to a VPN customer gateway the active routes of the table its
    /// VPN attachment is associated with (spokes), blackholes aside: a default route to the
    /// inspection VPC is advertised too. A Direct Connect gateway advertises only its allowed
    /// prefixes (Direct Connect User Guide, "Allowed prefixes interactions"), whatever the table
    /// holds. A static return route list narrower than the VPC leaves a flow to the cluster
    /// NO_RETURN_ROUTE.
    @Test func transitGatewayAdvertisesItsRoutesToAttachments() throws {
        let dx = "{name: datacenter-dx, directConnectGateway: datacenter, allowedPrefixes: [10.0.0.0/8]}"
        let vpn = "{name: datacenter-dx, vpn: datacenter}"
        let defaultRoute = ("          - {destination: 192.168.200.0/24, blackhole: true}\n",
                            "          - {destination: 192.168.200.0/24, blackhole: true}\n          - {destination: 0.0.0.0/0, attachment: inspection}\n")
        let n = try Self.network([defaultRoute, (dx, vpn)], file: "Topologies/transit-gateway-onprem.yaml")
        let dc = try #require(n.fabric.topology.externals.first { $0.name == "datacenter" })
        #expect(n.fabric.topology.returnRoutes(of: dc)?.routes.map(\.description) == ["192.168.0.0/16", "10.0.0.0/8", "0.0.0.0/0"])
        let overDX = try Self.network([defaultRoute], file: "Topologies/transit-gateway-onprem.yaml")
        let dcx = try #require(overDX.fabric.topology.externals.first { $0.name == "datacenter" })
        #expect(overDX.fabric.topology.returnRoutes(of: dcx)?.routes.map(\.description) == ["10.0.0.0/8"])
        // Unassociated, a VPN attachment advertises nothing: every flow to the VPCs has no route back.
        let unassociated = try Self.network([("        associations: [claims, portal, datacenter-dx]\n", "        associations: [claims, portal]\n"), (dx, vpn)],
                                            file: "Topologies/transit-gateway-onprem.yaml")
        let dc2 = try #require(unassociated.fabric.topology.externals.first { $0.name == "datacenter" })
        #expect(unassociated.fabric.topology.returnRoutes(of: dc2)?.routes == [])
        // A static return route list narrower than the VPC: a flow to the cluster has no route.
        let narrow = try Self.network([("    via: corp-tgw\n  - name: mq-gateway", "    via: corp-tgw\n    returnRoutes: [10.60.0.0/24]\n  - name: mq-gateway")],
                                      file: "Topologies/transit-gateway-onprem.yaml")
        let t = try Lab.trace(narrow, "external:datacenter", "deployment:claims/claims-worker", port: 9090)
        #expect(t.forward.end == .noRoute && t.explanations.first?.code == .noReturnRoute)
    }
}
