import Foundation
import NetsimFlow
import NetsimKube
import NetsimModel
import NetsimVPC

/// The `kind` of a step in trace JSON: the name of the `StepDetail` case it was written from. Docs/trace.schema.json has a branch for each (a test compares).
public enum TraceStepKind: String, CaseIterable, Sendable {
    case originate, controlPlaneNotModelled, apiServerEndpoint, externalTargetGroup, ipv6NotModelled, delivered, deliveredToOpener, exitsNetwork, noRoute
    case nullRouted, loop, filter, sourceDestCheck, trackedConnection, securityGroupAllows
    case securityGroupDenies, networkACL, networkACLReplyPorts, sameSubnet, route, applianceForwards
    case internetGatewaySourceNAT, internetGatewayDestinationNAT, natGatewaySourceNAT, natGatewaySession, peering, transitGatewayRoute
    case transitGatewayEntry, conntrack, netfilterRule, kubeProxyDNAT, nodeRoute, nodeSourceNAT
    case noListener, listenerDefault, listenerRule, noMatchingListenerRule, fixedResponse, redirect
    case noTarget, targetGroup, loadBalancerForward, loadBalancerReturn, loadBalancerFlowReturn, networkPolicy
    case serviceDNS
    case vpnGateway, externalFirewall, returnRoute
    case transitGatewayTableRoute
    case ipv6Gateway
    case observedNotPlaced
    case loadBalancerIPv6NotModelled

    public init(_ detail: StepDetail) {
        switch detail {
        case .originate: self = .originate
        case .controlPlaneNotModelled: self = .controlPlaneNotModelled
        case .apiServerEndpoint: self = .apiServerEndpoint
        case .externalTargetGroup: self = .externalTargetGroup
        case .ipv6NotModelled: self = .ipv6NotModelled
        case .loadBalancerIPv6NotModelled: self = .loadBalancerIPv6NotModelled
        case .delivered: self = .delivered
        case .deliveredToOpener: self = .deliveredToOpener
        case .exitsNetwork: self = .exitsNetwork
        case .noRoute: self = .noRoute
        case .nullRouted: self = .nullRouted
        case .loop: self = .loop
        case .filter: self = .filter
        case .sourceDestCheck: self = .sourceDestCheck
        case .trackedConnection: self = .trackedConnection
        case .securityGroupAllows: self = .securityGroupAllows
        case .securityGroupDenies: self = .securityGroupDenies
        case .networkACL: self = .networkACL
        case .networkACLReplyPorts: self = .networkACLReplyPorts
        case .sameSubnet: self = .sameSubnet
        case .route: self = .route
        case .applianceForwards: self = .applianceForwards
        case .internetGatewaySourceNAT: self = .internetGatewaySourceNAT
        case .internetGatewayDestinationNAT: self = .internetGatewayDestinationNAT
        case .natGatewaySourceNAT: self = .natGatewaySourceNAT
        case .natGatewaySession: self = .natGatewaySession
        case .peering: self = .peering
        case .transitGatewayRoute: self = .transitGatewayRoute
        case .transitGatewayEntry: self = .transitGatewayEntry
        case .conntrack: self = .conntrack
        case .netfilterRule: self = .netfilterRule
        case .kubeProxyDNAT: self = .kubeProxyDNAT
        case .nodeRoute: self = .nodeRoute
        case .nodeSourceNAT: self = .nodeSourceNAT
        case .noListener: self = .noListener
        case .listenerDefault: self = .listenerDefault
        case .listenerRule: self = .listenerRule
        case .noMatchingListenerRule: self = .noMatchingListenerRule
        case .fixedResponse: self = .fixedResponse
        case .redirect: self = .redirect
        case .noTarget: self = .noTarget
        case .targetGroup: self = .targetGroup
        case .loadBalancerForward: self = .loadBalancerForward
        case .loadBalancerReturn: self = .loadBalancerReturn
        case .loadBalancerFlowReturn: self = .loadBalancerFlowReturn
        case .networkPolicy: self = .networkPolicy
        case .serviceDNS: self = .serviceDNS
        case .vpnGateway: self = .vpnGateway
        case .externalFirewall: self = .externalFirewall
        case .returnRoute: self = .returnRoute
        case .transitGatewayTableRoute: self = .transitGatewayTableRoute
        case .ipv6Gateway: self = .ipv6Gateway
        case .observedNotPlaced: self = .observedNotPlaced
        }
    }
}

/// The `kind` of an explanation's `reason` in trace JSON: the name of the `BlockReason` case.
public enum TraceReasonKind: String, CaseIterable, Sendable {
    case serviceIPOffCluster, sourceDestCheckEgress, sourceDestCheckIngress, sourceDestCheckAppliance, securityGroups, networkACLReplyPorts
    case networkACL, tooManyDecisions, subnetLoop, noRouteInTable, blackholeRoute, egressOnlyGateway
    case noInterfaceInVPC, internetGatewayPrivateDestination, internetGatewayNoPublicAddress, internetGatewayPrivateSource, noInternetGateway, privateAddressFromInternet
    case outsideModelledNetworks, natNoSession, natProtocol, natSourceOutsideVPC, natNoInbound, peeringNotTransitive
    case transitGatewayNoSubnetInZone, transitGatewayNoRoute, transitGatewayLoop, transitGatewayBlackhole, transitGatewayNotAttached, vpcNoSubnetOnward
    case gatewayEndpointProtocol, serviceHasNoEndpoints, netfilterFilter, notAServicePort, noListener, noMatchingRule
    case fixedResponse, redirect, noRegisteredTargets, targetsOutsideZones, noTargetInZone, hairpinWithPreservedClientIP
    case loadBalancerNoConnection, networkPolicy, apiServerEndpoint
    case vpnGatewayNoRoute, externalFirewall, noReturnRoute
    case transitGatewayUnassociated, transitGatewayTableNoRoute, applianceNoSession
    case egressOnlyInbound
    case transitGatewayNoIPv6, interfaceEndpointPort

    public init(_ reason: BlockReason) {
        switch reason {
        case .serviceIPOffCluster: self = .serviceIPOffCluster
        case .sourceDestCheckEgress: self = .sourceDestCheckEgress
        case .sourceDestCheckIngress: self = .sourceDestCheckIngress
        case .sourceDestCheckAppliance: self = .sourceDestCheckAppliance
        case .securityGroups: self = .securityGroups
        case .networkACLReplyPorts: self = .networkACLReplyPorts
        case .networkACL: self = .networkACL
        case .tooManyDecisions: self = .tooManyDecisions
        case .subnetLoop: self = .subnetLoop
        case .noRouteInTable: self = .noRouteInTable
        case .blackholeRoute: self = .blackholeRoute
        case .egressOnlyGateway: self = .egressOnlyGateway
        case .noInterfaceInVPC: self = .noInterfaceInVPC
        case .internetGatewayPrivateDestination: self = .internetGatewayPrivateDestination
        case .internetGatewayNoPublicAddress: self = .internetGatewayNoPublicAddress
        case .internetGatewayPrivateSource: self = .internetGatewayPrivateSource
        case .noInternetGateway: self = .noInternetGateway
        case .privateAddressFromInternet: self = .privateAddressFromInternet
        case .outsideModelledNetworks: self = .outsideModelledNetworks
        case .natNoSession: self = .natNoSession
        case .natProtocol: self = .natProtocol
        case .natSourceOutsideVPC: self = .natSourceOutsideVPC
        case .natNoInbound: self = .natNoInbound
        case .peeringNotTransitive: self = .peeringNotTransitive
        case .transitGatewayNoSubnetInZone: self = .transitGatewayNoSubnetInZone
        case .transitGatewayNoRoute: self = .transitGatewayNoRoute
        case .transitGatewayLoop: self = .transitGatewayLoop
        case .transitGatewayBlackhole: self = .transitGatewayBlackhole
        case .transitGatewayNotAttached: self = .transitGatewayNotAttached
        case .vpcNoSubnetOnward: self = .vpcNoSubnetOnward
        case .gatewayEndpointProtocol: self = .gatewayEndpointProtocol
        case .apiServerEndpoint: self = .apiServerEndpoint
        case .serviceHasNoEndpoints: self = .serviceHasNoEndpoints
        case .netfilterFilter: self = .netfilterFilter
        case .notAServicePort: self = .notAServicePort
        case .noListener: self = .noListener
        case .noMatchingRule: self = .noMatchingRule
        case .fixedResponse: self = .fixedResponse
        case .redirect: self = .redirect
        case .noRegisteredTargets: self = .noRegisteredTargets
        case .targetsOutsideZones: self = .targetsOutsideZones
        case .noTargetInZone: self = .noTargetInZone
        case .hairpinWithPreservedClientIP: self = .hairpinWithPreservedClientIP
        case .loadBalancerNoConnection: self = .loadBalancerNoConnection
        case .networkPolicy: self = .networkPolicy
        case .vpnGatewayNoRoute: self = .vpnGatewayNoRoute
        case .externalFirewall: self = .externalFirewall
        case .noReturnRoute: self = .noReturnRoute
        case .transitGatewayUnassociated: self = .transitGatewayUnassociated
        case .transitGatewayTableNoRoute: self = .transitGatewayTableNoRoute
        case .applianceNoSession: self = .applianceNoSession
        case .egressOnlyInbound: self = .egressOnlyInbound
        case .transitGatewayNoIPv6: self = .transitGatewayNoIPv6
        case .interfaceEndpointPort: self = .interfaceEndpointPort
        }
    }
}

/// The `kind` of a hop's `place` in trace JSON: the name of the `Place` case.
public enum TracePlaceKind: String, CaseIterable, Sendable {
    case interface, loadBalancerNode, endpoint, internet, external, subnet
    case vpc, internetGateway, egressOnlyInternetGateway, natGateway, peering, transitGateway
    case gatewayEndpoint, service, node, nodeHost, pod
    case vpnGateway

    public init(_ place: Place) {
        switch place {
        case .interface: self = .interface
        case .loadBalancerNode: self = .loadBalancerNode
        case .endpoint: self = .endpoint
        case .internet: self = .internet
        case .external: self = .external
        case .subnet: self = .subnet
        case .vpc: self = .vpc
        case .internetGateway: self = .internetGateway
        case .egressOnlyInternetGateway: self = .egressOnlyInternetGateway
        case .natGateway: self = .natGateway
        case .peering: self = .peering
        case .transitGateway: self = .transitGateway
        case .gatewayEndpoint: self = .gatewayEndpoint
        case .service: self = .service
        case .node: self = .node
        case .nodeHost: self = .nodeHost
        case .pod: self = .pod
        case .vpnGateway: self = .vpnGateway
        }
    }
}

/// The `kind` of a load balancer health check's `reason` in trace JSON: the `HealthReason` case.
public enum TraceHealthKind: String, CaseIterable, Sendable {
    case blocked, podDeclaresNoPort, answeredByPod, healthServer, tcpCheckOfHealthServer, nothingListensOnNode
    case checkEnds, replyLost, replyEnds

    public init(_ reason: HealthReason) {
        switch reason {
        case .blocked: self = .blocked
        case .podDeclaresNoPort: self = .podDeclaresNoPort
        case .answeredByPod: self = .answeredByPod
        case .healthServer: self = .healthServer
        case .tcpCheckOfHealthServer: self = .tcpCheckOfHealthServer
        case .nothingListensOnNode: self = .nothingListensOnNode
        case .checkEnds: self = .checkEnds
        case .replyLost: self = .replyLost
        case .replyEnds: self = .replyEnds
        }
    }
}

/// A JSON value built field by field, for the trace's typed parts (each step kind, place and
/// block reason has its own fields). Objects are written with sorted keys by `JSONText`;
/// absent fields are left out, never written as null.
indirect enum JSONValue: Encodable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: Encoder) throws {
        switch self {
        case .string(let s): var c = encoder.singleValueContainer(); try c.encode(s)
        case .int(let i): var c = encoder.singleValueContainer(); try c.encode(i)
        case .double(let d): var c = encoder.singleValueContainer(); try c.encode(d)
        case .bool(let b): var c = encoder.singleValueContainer(); try c.encode(b)
        case .array(let a):
            var c = encoder.unkeyedContainer()
            for v in a { try c.encode(v) }
            case .object(let o):
            var c = encoder.container(keyedBy: Key.self)
            for (k, v) in o { try c.encode(v, forKey: Key(stringValue: k)) }
        }
    }
}

/// Something that has a JSON form in the trace.
protocol JSONRepresentable { var json: JSONValue { get } }

extension String: JSONRepresentable { var json: JSONValue { .string(self) } }
extension Int: JSONRepresentable { var json: JSONValue { .int(self) } }
extension UInt16: JSONRepresentable { var json: JSONValue { .int(Int(self)) } }
extension UInt8: JSONRepresentable { var json: JSONValue { .int(Int(self)) } }
extension Bool: JSONRepresentable { var json: JSONValue { .bool(self) } }
extension Double: JSONRepresentable { var json: JSONValue { .double((self * 1e6).rounded() / 1e6) } }
extension IPv4Address: JSONRepresentable { var json: JSONValue { .string(description) } }
extension IPAddress: JSONRepresentable { var json: JSONValue { .string(description) } }
extension IPv4CIDR: JSONRepresentable { var json: JSONValue { .string(description) } }
extension IPCIDR: JSONRepresentable { var json: JSONValue { .string(description) } }
extension JSONValue: JSONRepresentable { var json: JSONValue { self } }
extension Array: JSONRepresentable where Element: JSONRepresentable { var json: JSONValue { .array(map(\.json)) } }
extension ObjectRef: JSONRepresentable { var json: JSONValue { JSONObject(["id": id, "name": name]).value } }
extension AddressPort: JSONRepresentable { var json: JSONValue { JSONObject(["address": address, "port": port]).value } }
extension Packet: JSONRepresentable { var json: JSONValue { TraceRenderer.packet(self).value } }
extension PortRange: JSONRepresentable { var json: JSONValue { JSONObject(["from": lower, "to": upper]).value } }
extension ListenerRef: JSONRepresentable { var json: JSONValue { JSONObject(["protocol": protocolName, "port": port]).value } }
extension HTTPRequest: JSONRepresentable { var json: JSONValue { JSONObject(["host": host, "path": path]).value } }
extension FilterDirection: JSONRepresentable { var json: JSONValue { .string(rawValue) } }
extension IPProtocol: JSONRepresentable { var json: JSONValue { .string(description) } }
extension RuleHit: JSONRepresentable {
    var json: JSONValue { JSONObject(["table": table, "chain": chain, "position": index, "rule": rule, "probability": probability]).value }
}
extension HTTPResponse: JSONRepresentable {
    var json: JSONValue {
        location == nil ? JSONObject(["status": status, "contentType": contentType, "body": body]).value
                        : JSONObject(["status": status, "location": location, "locationTemplate": locationTemplate]).value
    }
}

/// An object under construction: `nil` values are left out.
struct JSONObject {
    var fields: [String: JSONValue] = [:]
    init(_ pairs: KeyValuePairs<String, (any JSONRepresentable)?> = [:]) {
        for (k, v) in pairs { if let v { fields[k] = v.json } }
    }
    subscript(key: String) -> (any JSONRepresentable)? {
        get { fields[key] }
        set { fields[key] = newValue?.json }
    }
    var value: JSONValue { .object(fields) }
}

extension TraceRenderer {
    // MARK: places

    static func place(_ p: Place) -> JSONObject {
        switch p {
        case .interface(let i): return JSONObject(["id": i.id, "name": i.label, "address": i.address, "subnet": i.subnet])
        case .loadBalancerNode(let i, let lb):
            return JSONObject(["id": i.id, "name": i.label, "address": i.address, "subnet": i.subnet, "loadBalancer": lb])
        case .endpoint(let label): return JSONObject(["name": label])
        case .internet(let ip): return JSONObject(["address": ip])
        case .external(let name, let ip): return JSONObject(["name": name, "address": ip])
        case .subnet(let s): return JSONObject(["id": s.id, "name": s.name])
        case .vpc(let name): return JSONObject(["name": name])
        case .internetGateway(let igw): return JSONObject(["id": igw?.id, "name": igw?.name])
        case .egressOnlyInternetGateway(let name): return JSONObject(["name": name])
        case .natGateway(let nat, let address, let subnet):
            return JSONObject(["id": nat.id, "name": nat.name, "address": address, "subnet": subnet])
        case .peering(let o): return JSONObject(["id": o.id, "name": o.name])
        case .transitGateway(let o): return JSONObject(["id": o.id, "name": o.name])
        case .gatewayEndpoint(let o, let service): return JSONObject(["id": o.id, "name": o.name, "service": service])
        case .service(let name): return JSONObject(["name": name])
        case .node(let n): return JSONObject(["id": n.id, "name": n.name])
        case .nodeHost(let name, let address): return JSONObject(["name": name, "address": address])
        case .pod(let name, let address): return JSONObject(["name": name, "address": address])
        case .vpnGateway(let o): return JSONObject(["id": o.id, "name": o.name])
        }
    }

    // MARK: steps

    /// The API server endpoint's decision (a step and a reason).
    static func apiServerEndpointFields(_ d: APIServerEndpointDecision) -> JSONObject {
        JSONObject(["endpoint": d.endpoint, "source": d.source, "publicAccess": d.publicAccess, "privateAccess": d.privateAccess,
                    "publicAccessCidrs": d.publicAccessCIDRs, "matched": d.matched, "allowed": d.allowed])
    }

    /// The DNS answer of an `aws:SERVICE` flow.
    static func serviceDNSFields(_ a: ServiceDNSAnswer) -> JSONObject {
        var o = JSONObject(["service": a.service, "dnsName": a.dnsName, "address": "\(a.address)", "policyNotEvaluated": a.policyNotEvaluated])
        switch a.answer {
        case .endpointENI(let name, let id, let eni, _, let zone, let sameZone, let others):
            o["answer"] = "interfaceEndpoint"; o["endpoint"] = name; o["endpointId"] = id; o["eni"] = eni; o["zone"] = zone
            o["sameZone"] = sameZone; o["otherZones"] = others
        case .publicService(_, let reason):
            o["answer"] = "publicService"; o["standIn"] = true
            switch reason {
            case .noEndpoint(let vpc): o["reason"] = "noEndpoint"; o["vpc"] = vpc
            case .privateDnsOff(let vpc, let endpoints): o["reason"] = "privateDnsOff"; o["vpc"] = vpc; o["endpoints"] = endpoints
            case .outsideVPC: o["reason"] = "outsideVpc"
            case .dnsSupportOff(let vpc): o["reason"] = "dnsSupportOff"; o["vpc"] = vpc
            case .endpointWithoutENI(let vpc, let endpoints): o["reason"] = "endpointWithoutEni"; o["vpc"] = vpc; o["endpoints"] = endpoints
            }
        case .gatewayEndpoint(let name, let pl, _):
            o["answer"] = "gatewayEndpoint"; o["endpoint"] = name; o["prefixList"] = pl
        }
        return o
    }

    /// A step's own fields (its `kind` is `TraceStepKind`).
    static func stepFields(_ d: StepDetail) -> JSONObject {
        switch d {
        case .originate(_, let reply): return JSONObject(["reply": reply])
        case .controlPlaneNotModelled(let address, let declared):
            return JSONObject(["address": address, "serviceDeclared": declared])
        case .apiServerEndpoint(let d): return apiServerEndpointFields(d)
        case .externalTargetGroup(let lb, let tg):
            return JSONObject(["loadBalancer": lb, "targetGroup": tg])
        case .ipv6NotModelled(let source, let destination):
            return JSONObject(["source": source, "destination": destination])
        case .observedNotPlaced(let pod, let reason):
            return JSONObject(["pod": pod, "reason": reason])
        case .loadBalancerIPv6NotModelled(let lb, let tg, let gap):
            return JSONObject(["loadBalancer": lb, "targetGroup": tg, "gap": gap.rawValue])
        case .serviceDNS(let a): return serviceDNSFields(a)
        case .delivered(let who, let blocked):
            var o = JSONObject(["blockedEarlier": blocked])
            switch who {
            case .interface(let label): o["to"] = "interface"; o["interface"] = label
            case .podOnInterface(let pod, let address, let interface): o["to"] = "pod"; o["pod"] = pod; o["address"] = address; o["interface"] = interface
            case .pod(let name, let address): o["to"] = "pod"; o["pod"] = name; o["address"] = address
            case .node(let name, let address): o["to"] = "node"; o["node"] = name; o["address"] = address
            }
            return o
        case .deliveredToOpener(let label): return JSONObject(["interface": label])
        case .exitsNetwork(let e):
            switch e {
            case .internet(let d): return JSONObject(["toward": "internet", "address": d])
            case .external(let name): return JSONObject(["toward": "external", "network": name])
            case .gatewayEndpoint(let service): return JSONObject(["toward": "gatewayEndpoint", "service": service])
            }
        case .noRoute(let r):
            var o = JSONObject()
            switch r {
            case .noKubeProxy: o["reason"] = "noKubeProxy"
            case .routeTable(let t, let d): o["reason"] = "routeTable"; o["routeTable"] = t; o["destination"] = d
            case .egressOnlyIPv6: o["reason"] = "egressOnlyIPv6"
            case .noInterfaceHas(let d): o["reason"] = "noInterfaceHas"; o["destination"] = d
            case .noInternetGateway: o["reason"] = "noInternetGateway"
            case .privateFromInternet(let d): o["reason"] = "privateFromInternet"; o["destination"] = d
            case .outsideModelledNetworks(let d): o["reason"] = "outsideModelledNetworks"; o["destination"] = d
            case .outsidePeerVPC: o["reason"] = "outsidePeerVPC"
            case .noAttachmentSubnet(let zone): o["reason"] = "noAttachmentSubnet"; o["zone"] = zone
            case .transitGatewayNoRoute(let d): o["reason"] = "transitGatewayNoRoute"; o["destination"] = d
            case .noAttachmentForVPC(let vpc): o["reason"] = "noAttachmentForVPC"; o["vpc"] = vpc
            case .noSubnetOnward: o["reason"] = "noSubnetOnward"
            case .noDatapath: o["reason"] = "noDatapath"
            case .nodeNoRoute(let d): o["reason"] = "nodeNoRoute"; o["destination"] = d
            case .noKubeProxyRule(let ap, let proto): o["reason"] = "noKubeProxyRule"; o["service"] = ap; o["protocol"] = proto
            case .clusterIPServicePortsOnly: o["reason"] = "clusterIPServicePortsOnly"
            case .noENIOnNode(let dev): o["reason"] = "noENIOnNode"; o["device"] = dev
            }
            return o
        case .nullRouted(let r):
            switch r {
            case .blackholeRoute: return JSONObject(["reason": "blackholeRoute"])
            case .transitGatewayBlackhole(let cidr): return JSONObject(["reason": "transitGatewayBlackhole", "destinationCidr": cidr])
            }
        case .loop(let r):
            let reason: String
            switch r {
            case .tooManyDecisions: reason = "tooManyDecisions"
            case .revisitedSubnet: reason = "revisitedSubnet"
            case .revisitedTransitGateway: reason = "revisitedTransitGateway"
            }
            return JSONObject(["reason": reason])
        case .filter(let r):
            var o = JSONObject()
            switch r {
            case .privateDestination: o["reason"] = "privateDestination"
            case .noPublicAddress(let s): o["reason"] = "noPublicAddress"; o["source"] = s
            case .privateSourceFromInternet: o["reason"] = "privateSourceFromInternet"
            case .natNoSessionForReply: o["reason"] = "natNoSessionForReply"
            case .natProtocolNotSupported(let p): o["reason"] = "natProtocolNotSupported"; o["protocol"] = p
            case .natSourceOutsideVPC: o["reason"] = "natSourceOutsideVPC"
            case .natUnsolicitedInbound: o["reason"] = "natUnsolicitedInbound"
            case .endpointProtocolNotAccepted: o["reason"] = "endpointProtocolNotAccepted"
            case .loadBalancerNoConnectionForReply: o["reason"] = "loadBalancerNoConnectionForReply"
            case .applianceNoSessionForReply: o["reason"] = "applianceNoSessionForReply"
            case .netfilter(let reject): o["reason"] = "netfilter"; o["reject"] = reject
            case .egressOnlyInbound: o["reason"] = "egressOnlyInbound"
            }
            return o
        case .sourceDestCheck(let label, let source): return JSONObject(["interface": label, "source": source])
        case .trackedConnection(let d, let appliance): return JSONObject(["direction": d, "atAppliance": appliance])
        case .securityGroupAllows(let m):
            return JSONObject(["direction": m.direction, "securityGroup": m.group, "ruleNumber": m.ruleIndex + 1,
                               "rule": securityGroupRule(m.rule)])
        case .securityGroupDenies(let d, let groups, let packet):
            return JSONObject(["direction": d, "securityGroups": groups, "deniedPacket": packet])
        case .networkACL(let m):
            return JSONObject(["direction": m.direction, "networkAcl": m.acl, "allowed": m.allowed, "rule": m.rule.map(networkACLRule)])
        case .networkACLReplyPorts(let d, let acl, let denied, let range):
            return JSONObject(["direction": d, "networkAcl": acl, "deniedPorts": denied,
                               "portRange": PortRange(range.lowerBound, range.upperBound)])
        case .sameSubnet(let d): return JSONObject(["destination": d])
        case .route(let m):
            return JSONObject(["routeTable": m.table, "route": m.written, "destinationCidr": m.destination,
                               "target": routeTarget(m.target), "origin": m.origin.rawValue])
        case .applianceForwards(let label): return JSONObject(["interface": label])
        case .internetGatewaySourceNAT(let b, let a): return JSONObject(["before": b, "after": a])
        case .internetGatewayDestinationNAT(let b, let a): return JSONObject(["before": b, "after": a])
        case .natGatewaySourceNAT(let b, let a): return JSONObject(["before": b, "after": a])
        case .natGatewaySession(let b, let a): return JSONObject(["before": b, "after": a])
        case .peering(let vpc): return JSONObject(["vpc": vpc])
        case .transitGatewayRoute(let cidr, let hop):
            switch hop {
            case .vpcAttachment(let vpc): return JSONObject(["destinationCidr": cidr, "vpc": vpc])
            case .external(let name): return JSONObject(["destinationCidr": cidr, "network": name])
            }
        case .transitGatewayEntry(let e):
            return JSONObject(["vpc": e.vpc, "subnet": e.subnet, "zone": e.zone, "named": e.named,
                               "sameZone": e.sameZone, "alternative": e.alternative, "senderZone": e.senderZone,
                               "applianceMode": e.applianceMode ? true : nil])
        case .conntrack(let u):
            guard let u else { return JSONObject(["natUndone": false]) }
            return JSONObject(["natUndone": true, "inside": u.inside, "originalDestination": u.originalDestination,
                               "before": u.before, "after": u.after])
        case .netfilterRule(let h): return JSONObject(["table": h.table, "chain": h.chain, "position": h.index, "rule": h.rule,
                                                       "probability": h.probability])
        case .kubeProxyDNAT(let k):
            return JSONObject(["table": "\(k.table)", "baseChain": "\(k.baseChain)", "rules": k.hits, "before": k.before, "after": k.after,
                               "pick": k.pick.map { JSONObject(["number": $0.index + 1, "count": $0.count, "probability": $0.probability]).value }])
        case .nodeRoute(let r):
            return JSONObject(["ipRule": r.rule, "table": r.table, "route": r.route, "device": r.device, "via": r.via])
        case .nodeSourceNAT(let n):
            return JSONObject(["rules": n.hits, "masquerade": n.masquerade, "before": n.before, "after": n.after,
                               "device": n.device, "deviceIsVeth": n.deviceIsVeth])
        case .noListener(let p): return JSONObject(["deniedPacket": p])
        case .listenerDefault(let l): return JSONObject(["listener": l])
        case .listenerRule(let m):
            return JSONObject(["listener": m.listener, "request": m.request, "ruleNumber": m.index + 1, "ruleCount": m.count,
                               "rule": listenerRule(m.rule)])
        case .noMatchingListenerRule(let l, let request, let count):
            return JSONObject(["listener": l, "request": request, "ruleCount": count])
        case .fixedResponse(let lb, let r): return JSONObject(["loadBalancer": lb, "response": r])
        case .redirect(let lb, let r): return JSONObject(["loadBalancer": lb, "response": r])
        case .noTarget(let tg, let r):
            switch r {
            case .noTargets: return JSONObject(["targetGroup": tg, "reason": "noTargets"])
            case .noTargetInLoadBalancerZones: return JSONObject(["targetGroup": tg, "reason": "noTargetInLoadBalancerZones"])
            case .noTargetInZone(let zone): return JSONObject(["targetGroup": tg, "reason": "noTargetInZone", "zone": zone])
            case .noHealthyTargetInZone(let zone): return JSONObject(["targetGroup": tg, "reason": "noHealthyTargetInZone", "zone": zone])
            }
        case .targetGroup(let p):
            let tg = p.group, t = p.target
            return JSONObject([
                               "targetGroup": JSONObject(["name": tg.name, "arn": tg.arn, "protocol": tg.protocolName, "targetType": tg.targetType.rawValue,
                                                          "service": tg.service, "servicePort": tg.servicePort, "crossZone": tg.crossZone,
                                                          "healthCheck": tg.healthCheck.description, "targets": tg.targets.count]).value,
                               "healthy": p.healthy, "zone": p.zone, "eligible": p.eligible,
                               "target": JSONObject(["address": t.ip, "port": t.port, "zone": t.zone, "node": t.node, "pod": t.pod, "label": t.label]).value])
        case .loadBalancerForward(let h), .loadBalancerReturn(let h):
            let o = JSONObject(["loadBalancerKind": h.kind.abbreviation, "before": h.before, "after": h.after,
                                "preserveClientIP": h.preserved, "proxyProtocolV2": h.proxyProtocolV2])
            return o
        case .loadBalancerFlowReturn(let lb, let client, let node):
            return JSONObject(["loadBalancer": lb, "client": client, "node": node])
        case .networkPolicy(let v): return policyVerdict(v)
        case .vpnGateway(let h): return vpnGatewayFields(h)
        case .externalFirewall(let m): return externalFirewallFields(m)
        case .returnRoute(let c): return returnRouteFields(c)
        case .transitGatewayTableRoute(let r):
            return JSONObject(["transitGateway": r.transitGateway, "routeTable": r.table, "entryAttachment": r.entryAttachment,
                               "destinationCidr": r.destination, "attachment": r.attachment, "attachmentType": r.attachmentKind,
                               "resource": r.resource, "type": r.type, "blackhole": r.attachment == nil,
                               "prefixList": r.prefixList, "overrides": r.overrides])
        case .ipv6Gateway(let egressOnly, let inbound, let session):
            return JSONObject(["egressOnly": egressOnly, "inbound": inbound, "session": session])
        }
    }

    /// A NetworkPolicy's decision at a pod's veth.
    static func policyVerdict(_ v: PolicyVerdict) -> JSONObject {
        var o = JSONObject(["enforcer": v.enforcer.rawValue, "direction": v.direction, "pod": v.pod, "address": v.address, "allowed": v.allowed,
                            "basis": v.basis.rawValue, "policies": v.policies, "peer": v.peer, "evaluatedPacket": v.packet])
        o["rules"] = v.rules.map { r in
            JSONObject(["policy": r.policy, "tier": r.tier, "action": r.action, "rule": r.index, "location": location(r.location)]).value
        }
        if v.moreRules { o["moreRules"] = true }
        o["cidr"] = v.cidr.map { "\($0)" }
        o["ports"] = v.ports.map { p in JSONObject(["protocol": p.ipProtocol, "start": p.start, "end": p.end]).value }
        if v.atStart { o["atStart"] = true }
        return o
    }

    static func securityGroupRule(_ r: SecurityGroupRule) -> JSONValue {
        var o = JSONObject(["protocol": r.ipProtocol, "peer": peer(r.peer)])
        if r.ipProtocol == .tcp || r.ipProtocol == .udp { o["ports"] = r.ports }
        if r.ipProtocol == .icmp { o["icmpType"] = r.icmp.type; o["icmpCode"] = r.icmp.code }
        if !r.description.isEmpty { o["description"] = r.description }
        return o.value
    }

    static func peer(_ p: SecurityGroupRule.Peer) -> JSONValue {
        switch p {
        case .cidr(let c): return JSONObject(["kind": "cidr", "cidr": c.description]).value
        case .ipv6Cidr(let c): return JSONObject(["kind": "ipv6Cidr", "cidr": c.description]).value
        case .prefixList(let n): return JSONObject(["kind": "prefixList", "name": n]).value
        case .securityGroup(let n): return JSONObject(["kind": "securityGroup", "name": n]).value
        }
    }

    static func networkACLRule(_ r: NetworkACLRule) -> JSONValue {
        var o = JSONObject(["number": r.number, "action": r.action.rawValue, "protocol": r.ipProtocol, "cidr": r.block.description])
        if r.ipProtocol == .tcp || r.ipProtocol == .udp { o["ports"] = r.ports }
        if r.ipProtocol == .icmp { o["icmpType"] = r.icmp.type; o["icmpCode"] = r.icmp.code }
        return o.value
    }

    static func routeTarget(_ t: Route.Target) -> JSONValue {
        switch t {
        case .local: return JSONObject(["kind": "local"]).value
        case .blackhole: return JSONObject(["kind": "blackhole"]).value
        case .internetGateway(let n): return JSONObject(["kind": "internetGateway", "name": n]).value
        case .egressOnlyInternetGateway(let n): return JSONObject(["kind": "egressOnlyInternetGateway", "name": n]).value
        case .natGateway(let n): return JSONObject(["kind": "natGateway", "name": n]).value
        case .peeringConnection(let n): return JSONObject(["kind": "peeringConnection", "name": n]).value
        case .transitGateway(let n): return JSONObject(["kind": "transitGateway", "name": n]).value
        case .gatewayEndpoint(let n): return JSONObject(["kind": "gatewayEndpoint", "name": n]).value
        case .networkInterface(let n): return JSONObject(["kind": "networkInterface", "name": n]).value
        case .vpnGateway(let n): return JSONObject(["kind": "vpnGateway", "name": n]).value
        }
    }

    static func listenerRule(_ r: LoadBalancer.Rule) -> JSONValue {
        JSONObject(["priority": r.priority, "hosts": r.hosts, "paths": r.paths, "origin": r.origin]).value
    }

    // MARK: explanations

    /// Why a path is blocked: the `BlockReason`'s values (its `kind` is `TraceReasonKind`).
    static func reason(_ r: BlockReason) -> JSONObject {
        switch r {
        case .serviceIPOffCluster(let source): return JSONObject(["source": source])
        case .sourceDestCheckEgress(let label, let source): return JSONObject(["interface": label, "source": source])
        case .sourceDestCheckIngress(let label, let d): return JSONObject(["interface": label, "destination": d])
        case .sourceDestCheckAppliance(let label, let d): return JSONObject(["interface": label, "destination": d])
        case .securityGroups(let d, let groups, let label, let packet):
            return JSONObject(["direction": d, "securityGroups": groups, "interface": label, "deniedPacket": packet])
        case .networkACLReplyPorts(let d, let acl, let subnet, let port, let denied, let range):
            return JSONObject(["direction": d, "networkAcl": acl, "subnet": subnet, "port": port, "deniedPorts": denied,
                               "portRange": PortRange(range.lowerBound, range.upperBound)])
        case .networkACL(let d, let acl, let subnet, let packet, let rule, let reply):
            return JSONObject(["direction": d, "networkAcl": acl, "subnet": subnet, "deniedPacket": packet,
                               "rule": rule.map(networkACLRule),
                               "replyNeeds": reply.map { JSONObject(["port": $0.port, "portRange": $0.range.map { PortRange($0.lowerBound, $0.upperBound) },
                                                                     "deniedPorts": $0.range == nil ? nil : $0.denied]).value }])
        case .tooManyDecisions(let n): return JSONObject(["limit": n])
        case .subnetLoop(let subnet): return JSONObject(["subnet": subnet])
        case .noRouteInTable(let t, let subnet, let d): return JSONObject(["routeTable": t, "subnet": subnet, "destination": d])
        case .blackholeRoute(let t, let written): return JSONObject(["routeTable": t, "route": written])
        case .egressOnlyGateway(let name): return JSONObject(["gateway": name])
        case .noInterfaceInVPC(let vpc, let d): return JSONObject(["vpc": vpc, "destination": d])
        case .internetGatewayPrivateDestination(let d): return JSONObject(["destination": d])
        case .internetGatewayNoPublicAddress(let s): return JSONObject(["source": s])
        case .internetGatewayPrivateSource(let s): return JSONObject(["source": s])
        case .noInternetGateway(let vpc, let d): return JSONObject(["vpc": vpc, "destination": d])
        case .privateAddressFromInternet(let d): return JSONObject(["destination": d])
        case .outsideModelledNetworks(let d): return JSONObject(["destination": d])
        case .natNoSession(let name): return JSONObject(["natGateway": name])
        case .natProtocol(let p): return JSONObject(["protocol": p])
        case .natSourceOutsideVPC(let name, let s): return JSONObject(["natGateway": name, "source": s])
        case .natNoInbound(let label): return JSONObject(["interface": label])
        case .peeringNotTransitive(let pcx, let vpc, let cidrs, let d):
            return JSONObject(["peering": pcx, "vpc": vpc, "cidrs": cidrs, "destination": d])
        case .transitGatewayNoSubnetInZone(let vpc, let tgw, let zone, let subnets):
            return JSONObject(["vpc": vpc, "transitGateway": tgw, "zone": zone,
                               "subnets": subnets.map { JSONObject(["name": $0.name, "zone": $0.zone]).value }])
        case .transitGatewayNoRoute(let tgw, let d): return JSONObject(["transitGateway": tgw, "destination": d])
        case .transitGatewayLoop(let tgw): return JSONObject(["transitGateway": tgw])
        case .transitGatewayBlackhole(let cidr): return JSONObject(["destinationCidr": cidr])
        case .transitGatewayNotAttached(let tgw, let cidr, let vpc):
            return JSONObject(["transitGateway": tgw, "destinationCidr": cidr, "vpc": vpc])
        case .vpcNoSubnetOnward(let vpc, let d): return JSONObject(["vpc": vpc, "destination": d])
        case .gatewayEndpointProtocol(let p): return JSONObject(["protocol": p])
        case .apiServerEndpoint(let d): return apiServerEndpointFields(d)
        case .serviceHasNoEndpoints(let ap): return JSONObject(["service": ap])
        case .netfilterFilter(let h, let reject): return JSONObject(["rule": h, "reject": reject])
        case .notAServicePort(let ap): return JSONObject(["service": ap])
        case .noListener(let lb, let packet, let listeners):
            return JSONObject(["loadBalancer": lb, "deniedPacket": packet, "listeners": listeners])
        case .noMatchingRule(let lb, let listener, let host, let path, let response):
            return JSONObject(["loadBalancer": lb, "listener": listener, "request": HTTPRequest(host: host, path: path),
                               "response": response])
        case .fixedResponse(let response): return JSONObject(["response": response])
        case .redirect(let response, let byDefault): return JSONObject(["response": response, "byDefault": byDefault])
        case .noRegisteredTargets(let tg, let service, let servicePort, let targetType):
            return JSONObject(["targetGroup": tg, "service": service, "servicePort": servicePort, "targetType": targetType.rawValue])
        case .targetsOutsideZones(let tg, let lb, let zones):
            return JSONObject(["targetGroup": tg, "loadBalancer": lb, "zones": zones])
        case .noTargetInZone(let tg, let zone, let failOpen, let others):
            return JSONObject(["targetGroup": tg, "zone": zone, "failOpen": failOpen, "targetsInOtherZones": others])
        case .hairpinWithPreservedClientIP(let target): return JSONObject(["target": target])
        case .loadBalancerNoConnection(let lb): return JSONObject(["loadBalancer": lb])
        case .networkPolicy(let v): return policyVerdict(v)
        case .vpnGatewayNoRoute(let g, let d): return JSONObject(["vpnGateway": g, "destination": d])
        case .externalFirewall(let m): return externalFirewallFields(m, reason: true)
        case .noReturnRoute(let c): return returnRouteFields(c)
        case .transitGatewayUnassociated(let tgw, let a): return JSONObject(["transitGateway": tgw, "attachment": a])
        case .transitGatewayTableNoRoute(let tgw, let table, let a, let d):
            return JSONObject(["transitGateway": tgw, "routeTable": table, "attachment": a, "destination": d])
        case .applianceNoSession(let label, let zone): return JSONObject(["interface": label, "zone": zone])
        case .egressOnlyInbound(let gateway, let d): return JSONObject(["egressOnlyInternetGateway": gateway, "destination": d])
        case .transitGatewayNoIPv6(let tgw, let a, let vpc, let on):
            return JSONObject(["transitGateway": tgw, "attachment": a, "vpc": vpc, "ipv6Support": on])
        case .interfaceEndpointPort(let e, let service, let p, let listens):
            return JSONObject(["endpoint": e, "service": service, "deniedPacket": p, "listens": listens.map { Int($0) }])
        }
    }
}

extension TraceRenderer {
    // MARK: the document

    /// One trace as JSON (schemaVersion 2, Docs/trace.schema.json).
    static func json(_ t: Trace) -> JSONValue {
        let p = t.packet
        var o = JSONObject(["schemaVersion": NetsimVersion.traceSchemaVersion, "tool": "netsim", "version": NetsimVersion.current])
        o["flow"] = JSONObject(["source": t.source, "destination": t.destination, "protocol": p.ipProtocol,
                                "sourceAddress": p.source, "destinationAddress": p.destination,
                                "sourcePort": p.hasPorts ? p.sourcePort : nil, "destinationPort": p.hasPorts ? p.destinationPort : nil,
                                "icmpType": p.ipProtocol == .icmp ? p.icmpType : nil, "icmpCode": p.ipProtocol == .icmp ? p.icmpCode : nil]).value
        o["disposition"] = t.disposition.rawValue
        o["hops"] = t.forward.hops.map(hop)
        o["forwardDisposition"] = t.forward.end.rawValue
        o["finalPacket"] = t.forward.finalPacket
        o["reply"] = t.reply.map { r in JSONObject(["disposition": r.end.rawValue, "hops": r.hops.map(hop), "finalPacket": r.finalPacket]).value }
        o["explanations"] = t.explanations.map(explanation)
        o["notes"] = t.notes.map(\.description)
        o["choices"] = t.choices.map { JSONObject(["target": $0.target.description, "probability": $0.probability]).value }
        o["path"] = t.path
        o["choiceBy"] = t.choiceBy.loadBalancer
        o["loadBalancer"] = t.loadBalancer.map { lb in
            JSONObject(["kind": lb.kind, "name": lb.name, "arn": lb.arn, "dnsName": lb.dnsName, "scheme": lb.scheme, "zone": lb.zone,
                        "nodeAddress": lb.nodeAddress, "listener": lb.listener, "rule": lb.rule, "targetGroup": lb.targetGroup,
                        "targetType": lb.targetType, "target": lb.target, "crossZone": lb.crossZone, "preserveClientIP": lb.preserveClientIP,
                        "failOpen": lb.failOpen,
                        "healthChecks": lb.health.map { JSONObject(["target": $0.target, "zone": $0.zone, "healthy": $0.healthy, "detail": $0.detail,
                                                                     "reason": health($0.reason).value]).value }]).value
        }
        o["networkPolicy"] = t.policy.map { p in
            JSONObject(["enforcer": p.enforcer.rawValue, "allowed": p.enforcedAllows,
                        "agentAllows": p.enforcer == .vpcCNI ? p.enforcedAllows : p.otherAllows,
                        "specAllows": p.enforcer == .vpcCNI ? p.otherAllows : p.enforcedAllows,
                        "agree": !p.disagree, "atStart": p.podStart?.rawValue,
                        "decisions": (p.enforced + p.other).map { policyVerdict($0).value }]).value
        }
        o["sourceIpAtTarget"] = t.sourceIpAtTarget
        o["sourceIpNote"] = t.sourceIpNote
        o["caveats"] = t.caveats.map { c in
            JSONObject(["kind": c.kind.rawValue, "side": c.side?.rawValue, "policyType": c.policyType, "policies": c.policies.isEmpty ? nil : c.policies,
                        "pod": c.pod, "affectsVerdict": c.affectsVerdict, "message": c.message, "location": location(c.location)]).value
        }
        return o.value
    }

    /// Every path of a flow (`--all-paths`): `{schemaVersion, tool, version, traces}`.
    static func json(paths: [Trace]) -> JSONValue {
        JSONObject(["schemaVersion": NetsimVersion.traceSchemaVersion, "tool": "netsim", "version": NetsimVersion.current,
                    "traces": paths.map(json)]).value
    }

    static func packet(_ p: Packet) -> JSONObject {
        JSONObject(["protocol": p.ipProtocol, "source": p.source, "destination": p.destination,
                    "sourcePort": p.hasPorts ? p.sourcePort : nil, "destinationPort": p.hasPorts ? p.destinationPort : nil])
    }

    static func location(_ l: SourceLocation?) -> JSONValue? {
        l.map { JSONObject(["file": $0.file, "line": $0.line, "column": $0.column]).value }
    }

    /// A hop: its typed place, the place in words (`label`), its steps.
    static func hop(_ h: Hop) -> JSONValue {
        var p = place(h.place)
        p["kind"] = TracePlaceKind(h.place).rawValue
        return JSONObject(["place": p.value, "label": h.place.description, "steps": h.steps.map(step)]).value
    }

    /// A step: its kind and values, what it did (`action`), its sentence (`text`), the deciding
    /// component and where it is written, the packet after it when it changed.
    static func step(_ s: Step) -> JSONValue {
        var o = stepFields(s.detail)
        o["kind"] = TraceStepKind(s.detail).rawValue
        o["action"] = s.action.rawValue
        o["text"] = s.sentence
        o["component"] = s.component
        o["location"] = location(s.location)
        o["packet"] = s.packet
        return o.value
    }

    /// Why a health check finds a target healthy or not: the `HealthReason`'s kind and values.
    static func health(_ r: HealthReason) -> JSONObject {
        var o: JSONObject
        switch r {
        case .blocked(let e), .replyLost(let e): o = JSONObject(["explanation": explanation(e)])
        case .podDeclaresNoPort(let check, let pod, let port): o = JSONObject(["check": check, "pod": pod, "port": port])
        case .answeredByPod(let check, let pod): o = JSONObject(["check": check, "pod": pod])
        case .healthServer(let node, let n): o = JSONObject(["node": node, "localEndpoints": n])
        case .tcpCheckOfHealthServer(let node): o = JSONObject(["node": node])
        case .nothingListensOnNode(let node, let port): o = JSONObject(["node": node, "port": port])
        case .checkEnds(let d), .replyEnds(let d): o = JSONObject(["disposition": d?.rawValue])
        }
        o["kind"] = TraceHealthKind(r).rawValue
        return o
    }

    static func explanation(_ e: Explanation) -> JSONValue {
        var r = reason(e.detail)
        r["kind"] = TraceReasonKind(e.detail).rawValue
        return JSONObject(["code": e.code.rawValue, "direction": e.direction.rawValue, "disposition": e.disposition.rawValue, "component": e.component,
                    "reason": r.value, "message": e.message, "location": location(e.location)]).value
    }
}
