import NetsimModel
import NetsimVPC

/// Values for building rules, tables and packets by hand. A typo in an address gives 0.0.0.0 or
/// 0.0.0.0/32, which the assertions then catch.
enum V {
    static let at = SourceLocation(file: "vpc.yaml", line: 1, column: 1)

    static func ip(_ s: String) -> IPv4Address { IPv4Address(s) ?? IPv4Address(0) }
    static func cidr(_ s: String) -> IPv4CIDR { IPv4CIDR(s) ?? IPv4CIDR(network: IPv4Address(0), prefixLength: 32) }
    static func block(_ s: String) -> NetworkBlock {
        if s.contains(":") { return .v6(IPv6CIDR(s) ?? IPv6CIDR(network: IPv6Address(high: 0, low: 0), prefixLength: 128)) }
        return .v4(cidr(s))
    }

    static func tcp(_ source: String, _ destination: String, _ port: UInt16, from sourcePort: UInt16 = 40000) -> Packet {
        Packet(ipProtocol: .tcp, source: ip(source), destination: ip(destination), sourcePort: sourcePort, destinationPort: port)
    }
    static func udp(_ source: String, _ destination: String, _ port: UInt16, from sourcePort: UInt16 = 40000) -> Packet {
        Packet(ipProtocol: .udp, source: ip(source), destination: ip(destination), sourcePort: sourcePort, destinationPort: port)
    }
    static func icmp(_ source: String, _ destination: String, type: UInt8, code: UInt8) -> Packet {
        Packet(ipProtocol: .icmp, source: ip(source), destination: ip(destination), icmpType: type, icmpCode: code)
    }
    static func proto(_ n: UInt8, _ source: String, _ destination: String) -> Packet {
        Packet(ipProtocol: IPProtocol(number: n), source: ip(source), destination: ip(destination))
    }

    // MARK: Security groups

    static func rule(_ p: IPProtocol, _ ports: PortRange, _ peer: SecurityGroupRule.Peer) -> SecurityGroupRule {
        SecurityGroupRule(ipProtocol: p, ports: ports, peer: peer, location: at)
    }
    static func rule(_ p: IPProtocol, icmp: ICMPMatch = .any, _ peer: SecurityGroupRule.Peer) -> SecurityGroupRule {
        SecurityGroupRule(ipProtocol: p, icmp: icmp, peer: peer, location: at)
    }
    static func group(_ name: String, ingress: [SecurityGroupRule] = [], egress: [SecurityGroupRule] = []) -> SecurityGroup {
        SecurityGroup(name: name, id: "sg-" + name, ingress: ingress, egress: egress, location: at)
    }
    static func prefixList(_ name: String, _ entries: [String]) -> PrefixList {
        PrefixList(name: name, id: "pl-" + name, entries: entries.map(block), maxEntries: 10, location: at)
    }

    // MARK: Network ACLs

    static func entry(_ number: Int, _ p: IPProtocol, _ action: NetworkACLRule.Action, _ block: String,
                      _ ports: PortRange = .all, icmp: ICMPMatch = .any) -> NetworkACLRule {
        NetworkACLRule(number: number, ipProtocol: p, action: action, block: V.block(block), ports: ports, icmp: icmp, location: at)
    }
    static func acl(inbound: [NetworkACLRule] = [], outbound: [NetworkACLRule] = []) -> NetworkACL {
        NetworkACL(name: "acl", id: "acl-1", isDefault: false, inbound: inbound, outbound: outbound, location: at)
    }

    // MARK: Route tables

    static func route(_ destination: String, _ target: Route.Target) -> Route {
        let d: Route.Destination
        if destination.hasPrefix("pl:") { d = .prefixList(String(destination.dropFirst(3))) }
        else if destination.contains(":") { d = .ipv6(IPv6CIDR(destination) ?? IPv6CIDR(network: IPv6Address(high: 0, low: 0), prefixLength: 128)) }
        else { d = .ipv4(cidr(destination)) }
        return Route(destination: d, target: target, location: at)
    }

    /// A table named "rt" in a VPC of `vpcCIDRs`, compiled.
    static func table(_ routes: [Route], vpcCIDRs: [String] = ["10.0.0.0/16"], endpoints: [GatewayEndpoint] = [],
                      prefixLists: [PrefixList] = []) -> CompiledRouteTable {
        let rt = RouteTable(name: "rt", id: "rtb-1", isMain: false, routes: routes, location: at)
        let vpc = VPC(name: "v", id: "vpc-1", cidrBlocks: vpcCIDRs.map(cidr), routeTables: [rt], location: at)
        return CompiledRouteTable(table: rt, vpc: vpc, gatewayEndpoints: endpoints,
                                  prefixLists: Dictionary(prefixLists.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }))
    }
    static func endpoint(_ name: String, prefixList: String, tables: [String] = ["rt"]) -> GatewayEndpoint {
        GatewayEndpoint(name: name, id: "vpce-" + name, service: "com.amazonaws.us-east-1.s3", prefixList: prefixList,
                        routeTables: tables, location: at)
    }
}
