import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimModel

/// What netsim realized for one object (`netsim describe`): a load balancer's addresses per
/// zone, a node's ENIs, a pod's address and ENI, an ENI's addresses; IDs and groups throughout.
/// `schemaVersion` 1; keys sorted in JSON.
public struct Description: Encodable, Sendable {
    public struct Address: Encodable, Sendable {
        public var zone: String
        public var subnet: String
        public var eniId: String
        public var privateIp: String
        public var publicIp: String?
        /// A dualstack load balancer node's IPv6 address.
        public var ipv6: String? = nil
    }
    public struct Listener: Encodable, Sendable { public var `protocol`: String; public var port: Int }
    public struct Target: Encodable, Sendable {
        public var ip: String; public var port: Int; public var zone: String; public var node: String?; public var pod: String?
    }
    public struct TargetGroup: Encodable, Sendable {
        public var name: String; public var arn: String; public var targetType: String; public var `protocol`: String
        public var service: String; public var targets: [Target]
        /// `ipv6` for an IPv6 target group (absent: IPv4).
        public var ipAddressType: String? = nil
    }
    public struct LoadBalancer: Encodable, Sendable {
        public var type: String
        public var name: String
        public var arn: String
        public var dnsName: String
        public var scheme: String
        public var owners: [String]
        public var securityGroups: [String]
        /// `dualstack` or `dualstack-without-public-ipv4` (absent: ipv4).
        public var ipAddressType: String? = nil
        /// One per zone, in zone order: the address the DNS name gives for that zone.
        public var addresses: [Address]
        public var listeners: [Listener]
        public var targetGroups: [TargetGroup]
        /// Per listener, the addresses the DNS name returns and why (the health logic the
        /// trace uses, `Tracer.dnsAnswer`).
        public var dns: [DNS]
    }
    public struct DNS: Encodable, Sendable {
        /// `TCP:80`.
        public var listener: String
        /// The private addresses DNS returns (each node's public one too when internet-facing).
        public var addresses: [String]
        public var zones: [String]
        public var reason: String
    }
    public struct ENI: Encodable, Sendable {
        public var id: String
        public var kind: String
        public var label: String
        public var vpc: String
        public var subnet: String
        public var zone: String?
        public var mac: String
        public var deviceIndex: Int?
        public var node: String?
        public var securityGroups: [String]
        public var primaryIp: String
        public var publicIp: String?
        public var sourceDestCheck: Bool
        /// Secondary IPs (/32) the ENI holds, and delegated /28 prefixes (prefix mode).
        public var secondaryIps: [String]?
        public var prefixes: [String]?
        /// Pod addresses assigned on it.
        public var podAddresses: [String]?
    }
    public struct PodRef: Encodable, Sendable { public var name: String; public var ip: String?; public var status: String }
    public struct Node: Encodable, Sendable {
        public var name: String
        public var instanceId: String
        public var instanceType: String
        public var nodeGroup: String
        public var zone: String
        public var subnet: String
        public var primaryIp: String
        public var publicIp: String?
        public var securityGroups: [String]
        public var maxPods: Int
        public var enis: [ENI]
        public var pods: [PodRef]
    }
    public struct Pod: Encodable, Sendable {
        public var namespace: String
        public var name: String
        public var workload: String
        public var status: String
        public var reason: String?
        public var node: String?
        public var hostNetwork: Bool
        public var ip: String?
        public var eniId: String?
        public var subnet: String?
        public var zone: String?
        public var securityGroups: [String]?
        /// Security Groups for Pods: the branch ENI's VLAN ID and the policies that gave its groups.
        public var vlanId: Int? = nil
        public var securityGroupPolicies: [String]? = nil
    }

    public var schemaVersion = 1
    public var topology: String
    /// `loadBalancer`, `node`, `pod`, `eni` or `transitGateway`.
    public var kind: String
    public var loadBalancer: LoadBalancer?
    public var node: Node?
    public var pod: Pod?
    public var eni: ENI?
    /// `transitGateway`: its route tables (Describe+TransitGateway.swift).
    public var transitGateway: TransitGatewayDescription? = nil

    public enum Failure: Error, Sendable { case notFound(String, near: [String]), unsupported(String) }

    /// The object `text` names: `loadbalancer:NS/NAME` (or `lb:`, `service:`/`svc:` for its NLB,
    /// `ingress:`/`ing:` for its ALB), `node:NAME` (or instance ID), `pod:NS/NAME` (or a prefix
    /// of one pod's name), `eni:ID` or an `eni-` ID.
    public static func describe(_ text: String, in network: Network) -> Result<Description, Failure> {
        let f = network.fabric
        var d = Description(topology: f.topology.name, kind: "")
        if let tgw = transitGateway(text, in: network) { return tgw }
        let eniID = text.lowercased().hasPrefix("eni:") ? String(text.dropFirst(4)) : (text.hasPrefix("eni-") ? text : nil)
        if let eniID {
            guard let i = f.interfaces.firstIndex(where: { $0.id == eniID }) else {
                return .failure(.notFound("no ENI \(eniID)", near: Suggestions.nearest(to: eniID, in: f.interfaces.map(\.id))))
            }
            d.kind = "eni"
            d.eni = eni(i, f)
            return .success(d)
        }
        let ep: Endpoint
        switch Endpoint.parse(text) {
        case .success(let e): ep = e
        case .failure(let e): return .failure(.notFound(e.message + "; describe loadbalancer:NS/NAME, service:NS/NAME, ingress:NS/NAME, node:NAME, pod:NS/NAME or eni:ID", near: []))
        }
        switch ep {
        case .loadBalancer(let ns, let n), .service(let ns, let n):
            return loadBalancer(owner: "service:\(ns)/\(n)", network, into: d)
        case .ingress(let ns, let n):
            return loadBalancer(owner: "ingress:\(ns)/\(n)", network, into: d)
        case .node(let name):
            // A Fargate pod's micro-VM: its one ENI and its one pod; the profile as the group.
            if let fn = f.fargateNodeByName[name], let i = f.fargateInterfaceByIP[fn.ip.value] {
                let pods = f.realized.pods.filter { $0.node == name }
                d.kind = "node"
                d.node = Node(name: fn.name, instanceId: "", instanceType: "fargate", nodeGroup: "fargate-profile:\(fn.profile)", zone: fn.zone,
                              subnet: fn.subnet, primaryIp: "\(fn.ip)", publicIp: nil, securityGroups: fn.securityGroups, maxPods: 1,
                              enis: [eni(i, f)], pods: pods.map { PodRef(name: "\($0.namespace)/\($0.name)", ip: $0.ip.map { "\($0)" }, status: $0.status.rawValue) })
                return .success(d)
            }
            guard let n = f.nodeByName[name] ?? f.realized.nodes.first(where: { $0.instanceID == name }) else {
                return .failure(.notFound("no node \(name)", near: Suggestions.nearest(to: name, in: f.realized.nodes.map(\.name))))
            }
            d.kind = "node"
            d.node = node(n, f)
            return .success(d)
        case .pod(let ns, let name):
            switch EndpointResolver(fabric: f).pod(namespace: ns, name: name) {
            case .failure(let message, let near): return .failure(.notFound(message, near: near))
            case .found(let i):
                d.kind = "pod"
                d.pod = pod(f.realized.pods[i], f)
                return .success(d)
            }
        default:
            return .failure(.unsupported("describe shows a load balancer (loadbalancer:, service:, ingress:), a node, a pod or an ENI (eni:ID), not \(ep)"))
        }
    }

    static func loadBalancer(owner: String, _ network: Network, into d: Description) -> Result<Description, Failure> {
        let f = network.fabric
        guard let l = f.loadBalancer(for: owner) else {
            if let p = f.loadBalancerProblems.first(where: { $0.owner == owner }) {
                return .failure(.notFound("\(owner): \(p.message) (\(p.location))", near: []))
            }
            return .failure(.notFound("\(owner) has no load balancer", near: f.loadBalancers.flatMap(\.owners).sorted()))
        }
        let lb = f.loadBalancers[l]
        var d = d
        d.kind = "loadBalancer"
        d.loadBalancer = LoadBalancer(
            type: lb.kind.abbreviation, name: lb.name, arn: lb.arn, dnsName: lb.dnsName, scheme: lb.scheme.rawValue, owners: lb.owners,
            securityGroups: lb.securityGroups,
            addresses: lb.nodes.map { Address(zone: $0.zone, subnet: $0.subnet, eniId: $0.eniID, privateIp: "\($0.privateIP)", publicIp: $0.publicIP.map { "\($0)" },
                                              ipv6: $0.ipv6Address.map { "\($0)" }) },
            listeners: lb.listeners.map { Listener(protocol: $0.protocolName, port: Int($0.port)) },
            targetGroups: lb.targetGroups.map { g in
                TargetGroup(name: g.name, arn: g.arn, targetType: g.targetType.rawValue, protocol: g.protocolName, service: "\(g.service):\(g.servicePort)",
                            targets: g.targets.map { Target(ip: "\($0.address)", port: Int($0.port), zone: $0.zone, node: $0.node, pod: $0.pod) },
                            ipAddressType: g.ipAddressType == .ipv6 ? "ipv6" : nil)
            },
            dns: lb.listeners.map { li in
                let a = network.tracer.dnsAnswer(l, port: li.port, protocol: li.protocolName == "UDP" ? .udp : .tcp)
                return DNS(listener: "\(li.protocolName):\(li.port)",
                           addresses: Self.dnsRecords(lb, nodes: a.nodes),
                           zones: a.nodes.map { lb.nodes[$0].zone }, reason: a.sentence)
            })
        if lb.ipAddressType != .ipv4 { d.loadBalancer?.ipAddressType = lb.ipAddressType.rawValue }
        return .success(d)
    }

    /// What the load balancer's DNS name answers for these nodes: A records (public addresses of
    /// an internet-facing one, else private), then AAAA records when it is dualstack. An
    /// internet-facing `dualstack-without-public-ipv4` one answers AAAA only (ELB: its clients
    /// "resolve the AAAA DNS records"; it has no public IPv4 address).
    static func dnsRecords(_ lb: NetsimModel.LoadBalancer, nodes: [Int]) -> [String] {
        let aOnly = lb.ipAddressType == .dualstackWithoutPublicIPv4 && lb.scheme == .internetFacing
        let a = aOnly ? [] : nodes.map { n in lb.nodes[n].publicIP.map { "\($0)" } ?? "\(lb.nodes[n].privateIP)" }
        let aaaa = lb.ipAddressType.hasIPv6 ? nodes.compactMap { lb.nodes[$0].ipv6Address.map { "\($0)" } } : []
        return a + aaaa
    }

    static func eni(_ i: Int, _ f: FabricIndex) -> ENI {
        let iface = f.interfaces[i]
        var e = ENI(id: iface.id, kind: iface.kind.rawValue, label: iface.label, vpc: iface.vpc, subnet: iface.subnet,
                    zone: f.subnets[iface.subnet]?.subnet.zone, mac: "\(iface.mac)", deviceIndex: iface.deviceIndex, node: iface.node,
                    securityGroups: iface.securityGroups, primaryIp: "\(iface.primaryIP)", publicIp: iface.publicIP.map { "\($0)" },
                    sourceDestCheck: iface.sourceDestCheck)
        if let name = iface.node, let n = f.nodeByName[name], let ne = n.ipam.enis.first(where: { $0.id == iface.id }) {
            e.secondaryIps = ne.cidrs.filter { $0.size == 1 }.map { "\($0.cidr.network)" }
            e.prefixes = ne.cidrs.filter { $0.size > 1 }.map { "\($0.cidr)" }
            var pods: [String] = []
            for c in ne.cidrs { for k in 0..<c.size where c.assigned & (1 << UInt16(k)) != 0 { pods.append("\(IPv4Address(c.cidr.network.value + UInt32(k)))") } }
            e.podAddresses = pods
        }
        return e
    }

    static func node(_ n: RealizedNode, _ f: FabricIndex) -> Node {
        let enis = f.interfaces.indices.filter { f.interfaces[$0].kind == .nodeENI && f.interfaces[$0].node == n.name }
            .sorted { (f.interfaces[$0].deviceIndex ?? 0) < (f.interfaces[$1].deviceIndex ?? 0) }
        let primary = enis.first.map { f.interfaces[$0] }
        let pods = f.realized.pods.filter { $0.node == n.name }.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        return Node(name: n.name, instanceId: n.instanceID, instanceType: n.instanceType.name, nodeGroup: n.group, zone: n.zone, subnet: n.subnet,
                    primaryIp: "\(n.primaryIP)", publicIp: primary?.publicIP.map { "\($0)" }, securityGroups: n.securityGroups, maxPods: n.maxPods,
                    enis: enis.map { eni($0, f) },
                    pods: pods.map { PodRef(name: "\($0.namespace)/\($0.name)", ip: $0.ip.map { "\($0)" }, status: $0.status.rawValue) })
    }

    static func pod(_ p: RealizedPod, _ f: FabricIndex) -> Pod {
        var d = Pod(namespace: p.namespace, name: p.name, workload: "\(p.workloadKind.rawValue.lowercased()):\(p.namespace)/\(p.workload)",
                    status: p.status.rawValue, reason: p.reason, node: p.node, hostNetwork: p.hostNetwork, ip: p.ip.map { "\($0)" })
        if let ip = p.ip, let i = f.ownerOf(ip) {
            let iface = f.interfaces[i]
            d.eniId = iface.id
            d.subnet = iface.subnet
            d.zone = f.subnets[iface.subnet]?.subnet.zone
            d.securityGroups = iface.securityGroups
        }
        if let b = p.branchENI {
            d.vlanId = b.vlanID
            d.securityGroupPolicies = b.policies
        }
        return d
    }
}

public enum DescribeRenderer {
    public static func render(_ d: Description, as format: TraceFormat) -> String {
        format == .json ? JSONText.encode(d) : text(d)
    }

    static func text(_ d: Description) -> String {
        var out = ""
        func line(_ indent: Int, _ key: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            out += String(repeating: "  ", count: indent) + key + ": " + value + "\n"
        }
        func eni(_ e: Description.ENI, _ indent: Int) {
            line(indent, "id", e.id)
            line(indent, "kind", e.kind)
            line(indent, "label", e.label)
            line(indent, "device", e.deviceIndex.map(String.init))
            line(indent, "mac", e.mac)
            line(indent, "subnet", "\(e.subnet)\(e.zone.map { " (\($0))" } ?? ""), VPC \(e.vpc)")
            line(indent, "security groups", e.securityGroups.joined(separator: ", "))
            line(indent, "primary IP", e.primaryIp)
            line(indent, "public IP", e.publicIp)
            if !e.sourceDestCheck { line(indent, "source/destination check", "off") }
            line(indent, "secondary IPs", e.secondaryIps?.joined(separator: " "))
            line(indent, "prefixes", e.prefixes?.joined(separator: " "))
            if let pods = e.podAddresses { line(indent, "pod addresses", pods.isEmpty ? "none" : pods.joined(separator: " ")) }
        }
        if let lb = d.loadBalancer {
            out += "\(lb.type) \(lb.name)\n"
            line(1, "DNS name", lb.dnsName)
            line(1, "ARN", lb.arn)
            line(1, "scheme", lb.scheme)
            line(1, "for", lb.owners.joined(separator: ", "))
            line(1, "security groups", lb.securityGroups.joined(separator: ", "))
            line(1, "IP address type", lb.ipAddressType)
            out += "  addresses (one per zone):\n"
            for a in lb.addresses {
                out += "    \(a.zone)  \(a.privateIp)\(a.publicIp.map { "  public \($0)" } ?? "")\(a.ipv6.map { "  IPv6 \($0)" } ?? "")  \(a.eniId)  subnet \(a.subnet)\n"
            }
            out += "  listeners: \(lb.listeners.map { "\($0.protocol):\($0.port)" }.joined(separator: ", "))\n"
            for a in lb.dns {
                out += "  DNS for \(a.listener) returns \(a.addresses.joined(separator: " ")) (\(a.zones.joined(separator: ", "))): \(a.reason)\n"
            }
            for g in lb.targetGroups {
                out += "  target group \(g.name) (\(g.protocol)\(g.ipAddressType == "ipv6" ? ", IPv6" : ""), \(g.targetType) targets, \(g.service)): \(g.targets.count) target\(g.targets.count == 1 ? "" : "s")\n"
                for t in g.targets { out += "    \(t.zone)  \(t.ip.contains(":") ? "[\(t.ip)]" : t.ip):\(t.port)\(t.pod.map { "  pod \($0)" } ?? "")\(t.node.map { "  on \($0)" } ?? "")\n" }
            }
        }
        if let n = d.node {
            out += "node \(n.name)\n"
            line(1, "instance", "\(n.instanceId) (\(n.instanceType)), node group \(n.nodeGroup)")
            line(1, "zone", "\(n.zone), subnet \(n.subnet)")
            line(1, "primary IP", n.primaryIp)
            line(1, "public IP", n.publicIp)
            line(1, "security groups", n.securityGroups.joined(separator: ", "))
            line(1, "max pods", String(n.maxPods))
            for e in n.enis { out += "  ENI:\n"; eni(e, 2) }
            out += "  pods (\(n.pods.count)):\n"
            for p in n.pods { out += "    \(p.name)  \(p.ip ?? "-")  \(p.status)\n" }
        }
        if let p = d.pod {
            out += "pod \(p.namespace)/\(p.name)\n"
            line(1, "workload", p.workload)
            line(1, "status", p.status + (p.reason.map { " (\($0))" } ?? ""))
            line(1, "node", p.node)
            line(1, "IP", (p.ip ?? "none") + (p.hostNetwork ? " (host network)" : ""))
            line(1, "ENI", p.eniId)
            line(1, "subnet", p.subnet.map { s in "\(s)\(p.zone.map { " (\($0))" } ?? "")" })
            line(1, "security groups", p.securityGroups?.joined(separator: ", "))
            if let v = p.vlanId {
                line(1, "branch ENI", "VLAN \(v) on the node's trunk ENI (Security Groups for Pods), groups from \((p.securityGroupPolicies ?? []).joined(separator: ", "))")
            }
        }
        if let e = d.eni {
            out += "ENI \(e.id)\n"
            eni(e, 1)
        }
        if let t = d.transitGateway { out += t.text }
        return out
    }
}
