import NetsimModel

/// A generated set of Services for benchmarks and equivalence tests: deterministic by seed,
/// with the policies a real cluster mixes.
public struct SyntheticServices: Sendable {
    public var ports: [ProxiedServicePort]
    public var endpoints: [String: [ProxiedEndpoint]]
    /// The node the rules are rendered for, and another.
    public static let nodeName = "node-a"
    public static let nodeIP = IPv4Address(10, 0, 0, 10)

    /// `services` Services with `endpointsPerService` endpoints each: cluster IPs from
    /// 172.20.0.0/16, endpoints from 10.1.0.0/16 (a third on this node); every tenth a NodePort,
    /// every twentieth a LoadBalancer with source ranges, every fifteenth externalTrafficPolicy
    /// Local, every twelfth ClientIP affinity, every thirtieth without endpoints, every
    /// seventh UDP.
    public static func generate(services: Int, endpointsPerService: Int, seed: UInt64) -> SyntheticServices {
        var rng = SplitMix64(seed: seed)
        var ports: [ProxiedServicePort] = []
        var endpoints: [String: [ProxiedEndpoint]] = [:]
        var nodePort: UInt16 = 30000
        for s in 0..<services {
            let clusterIP = IPv4Address(172, 20, UInt8((s + 1) / 256 % 256), UInt8((s + 1) % 256))
            let proto = s % 7 == 3 ? "udp" : "tcp"
            var p = ProxiedServicePort(namespace: "ns\(s % 17)", name: "svc-\(s)", portName: s % 5 == 0 ? "" : "p", ipProtocol: proto,
                                       port: s % 3 == 0 ? 443 : 80, clusterIP: clusterIP)
            if s % 10 == 4 || s % 20 == 9 {
                p.nodePort = nodePort
                nodePort += 1
            }
            if s % 20 == 9 {
                p.isLoadBalancer = true
                p.loadBalancerIPs = [IPv4Address(203, 0, 113, UInt8(s % 250 + 1))]
                if s % 40 == 9 { p.sourceRanges = [IPv4CIDR(network: IPv4Address(198, 51, 100, 0), prefixLength: 24)] }
            }
            if s % 15 == 4, p.nodePort != nil { p.externalPolicyLocal = true }
            if s % 12 == 5 { p.affinityTimeout = 10800 }
            ports.append(p)
            guard s % 30 != 29 else { continue }
            var list: [ProxiedEndpoint] = []
            for e in 0..<endpointsPerService {
                let n = UInt32(s) &* UInt32(endpointsPerService) &+ UInt32(e)
                let ip = IPv4Address(10, 1, UInt8(n / 250 % 256), UInt8(n % 250 + 2))
                let local = rng.next() % 3 == 0
                let terminating = s % 11 == 6 && e == 0
                list.append(ProxiedEndpoint(ip: ip, port: 8080, ready: !terminating, serving: true, terminating: terminating,
                                            nodeName: local ? nodeName : "node-b"))
            }
            endpoints[p.servicePortName + "/" + proto] = list
        }
        return SyntheticServices(ports: ports, endpoints: endpoints)
    }

    public var config: KubeProxyConfig {
        var c = KubeProxyConfig(nodeName: Self.nodeName, nodeIPs: [Self.nodeIP], clusterCIDR: nil)
        c.nfacct = false
        return c
    }

    public func render() -> IPTablesRestoreText { KubeProxyRenderer.render(ports, endpoints: endpoints, config: config) }

    /// Packets to the Services (their cluster IPs and ports, NodePorts, load balancer IPs) and
    /// some to nothing, from pods and from outside.
    public func packets(_ n: Int, seed: UInt64) -> [NodePacket] {
        var rng = SplitMix64(seed: seed)
        var out: [NodePacket] = []
        out.reserveCapacity(n)
        for _ in 0..<n {
            let p = ports[Int(rng.next() % UInt64(max(ports.count, 1)))]
            let roll = rng.next() % 10
            let src = roll < 7 ? IPv4Address(10, 1, UInt8(rng.next() % 200), UInt8(rng.next() % 250 + 2)) : IPv4Address(198, 51, UInt8(100 + rng.next() % 2), UInt8(rng.next() % 250 + 1))
            var dst = p.clusterIP?.v4 ?? Self.nodeIP, port = p.port
            if roll == 7, let np = p.nodePort { dst = Self.nodeIP; port = np }
            if roll == 8, let lb = p.loadBalancerIPs.first { dst = lb }
            if roll == 9 { dst = IPv4Address(172, 20, 250, UInt8(rng.next() % 250)); port = UInt16(rng.next() % 1000 + 1) }
            let packet = Packet(ipProtocol: NodePacket.ipProtocol(named: p.ipProtocol) ?? .tcp, source: src, destination: dst,
                                sourcePort: UInt16(32768 + rng.next() % 28000), destinationPort: port)
            out.append(NodePacket(packet, inInterface: roll < 7 ? "eni0123456789a" : "eth0"))
        }
        return out
    }
}
