/// An Application or Network Load Balancer as the AWS Load Balancer Controller would create it
/// for a Service or an IngressGroup: where it is, what it listens on, how it routes and whom it
/// sends to.
public struct LoadBalancer: Sendable {
    public enum Kind: String, Sendable { case application, network
        /// `app` or `net`, as in ARNs and ENI descriptions.
        public var short: String { self == .application ? "app" : "net" }
        public var abbreviation: String { self == .application ? "ALB" : "NLB" }
    }

    /// Which addresses clients reach it at (`IpAddressType` of the ELB API; the controller's
    /// `ip-address-type` annotations): IPv4 only; IPv4 and IPv6 (`dualstack`); IPv6 and only a
    /// private IPv4 address (`dualstack-without-public-ipv4`, ALB only).
    public enum IPAddressType: String, Sendable {
        case ipv4, dualstack
        case dualstackWithoutPublicIPv4 = "dualstack-without-public-ipv4"
        public var hasIPv6: Bool { self != .ipv4 }
    }

    /// One load balancer node: the ENI in one enabled zone.
    public struct Node: Sendable {
        public var zone: String
        public var subnet: String
        public var eniID: String
        public var privateIP: IPv4Address
        public var publicIP: IPv4Address?
        /// The fabric's interface index (set when the fabric indexes the node).
        public var interface: Int = -1
        /// A dualstack load balancer's node: its IPv6 address, from its subnet's IPv6 block
        /// (global unicast: its private and its public address at once).
        public var ipv6Address: IPv6Address? = nil
        public init(zone: String, subnet: String, eniID: String, privateIP: IPv4Address, publicIP: IPv4Address?) {
            self.zone = zone; self.subnet = subnet; self.eniID = eniID; self.privateIP = privateIP; self.publicIP = publicIP
        }
    }

    public enum Action: Sendable {
        case forward(targetGroup: Int)
        case fixedResponse(status: Int, contentType: String, body: String)
        case redirect(Redirect)
        /// A forward to a target group outside the cluster (an ARN or name in the action):
        /// netsim does not model where it goes.
        case external(targetGroup: String)
    }

    /// A redirect action: `#{protocol}`, `#{host}`, `#{port}`, `#{path}` and `#{query}` keep the
    /// request's own.
    public struct Redirect: Sendable {
        public var status: Int
        public var proto = "#{protocol}"
        public var host = "#{host}"
        public var port = "#{port}"
        public var path = "/#{path}"
        public var query = "#{query}"
        public init(status: Int) { self.status = status }
        public var to: String { "\(proto.lowercased())://\(host):\(port)\(path)?\(query)" }
        /// Whether it sends the client back to the listener it came from, unchanged (the
        /// controller's rule optimizer drops such rules: they would loop).
        public func loops(on listener: Listener) -> Bool {
            (proto == "#{protocol}" || proto.uppercased() == listener.protocolName) && (port == "#{port}" || port == "\(listener.port)")
                && host == "#{host}" && path == "/#{path}" && query == "#{query}"
        }
    }

    /// An ALB listener rule; NLB listeners have only their default action.
    public struct Rule: Sendable {
        public var priority: Int
        /// host-header values (`*` and `?` wildcards, case-insensitive); empty matches any host.
        public let hosts: [String]
        /// path-pattern values (`*` and `?` wildcards, case-sensitive); empty matches any path.
        public let paths: [String]
        public var action: Action
        /// The Ingress path this rule was built from, as `ns/name: host path (type)`.
        public var origin: String
        public var location: SourceLocation
        /// Where the action is written when it is an `actions.<name>` annotation (a fixed
        /// response, a redirect); nil for a Service backend (`location` says where).
        public var actionLocation: SourceLocation? = nil
        /// The values as bytes, hosts lowercased (host-header is case-insensitive).
        public let hostBytes: [[UInt8]]
        public let pathBytes: [[UInt8]]
        public init(priority: Int, hosts: [String], paths: [String], action: Action, origin: String, location: SourceLocation) {
            self.priority = priority; self.hosts = hosts; self.paths = paths; self.action = action; self.origin = origin; self.location = location
            hostBytes = hosts.map(Wildcard.lower)
            pathBytes = paths.map { Array($0.utf8) }
        }
    }

    public struct Listener: Sendable {
        /// HTTP, HTTPS (ALB); TCP, UDP, TCP_UDP (NLB).
        public var protocolName: String
        public var port: UInt16
        public var rules: [Rule]
        public var defaultAction: Action
        /// Where the listener is defined: an ALB's is the `listen-ports` annotation of the first
        /// Ingress of the group that listens on the port (that Ingress when it has none); an
        /// NLB's, the Service port.
        public var location: SourceLocation
        /// Where the default action is written: the `spec.defaultBackend` (or its action
        /// annotation) of the Ingress that sets it; nil for the controller's own 404 (then
        /// `location`).
        public var defaultActionLocation: SourceLocation? = nil
        public init(protocolName: String, port: UInt16, rules: [Rule], defaultAction: Action, location: SourceLocation) {
            self.protocolName = protocolName; self.port = port; self.rules = rules; self.defaultAction = defaultAction; self.location = location
        }

        /// Whether a packet of `ipProtocol` is for this listener.
        public func accepts(_ p: IPProtocol) -> Bool {
            switch protocolName {
            case "UDP": p == .udp
            case "TCP_UDP": p == .udp || p == .tcp
            default: p == .tcp
            }
        }
    }

    public struct HealthCheck: Sendable {
        /// HTTP, HTTPS or TCP.
        public var protocolName: String
        /// The port checked; `trafficPort` when it is the target's own port.
        public var port: UInt16?
        public var path: String?
        /// kube-proxy's health server (healthCheckNodePort of an externalTrafficPolicy: Local
        /// Service): answers 200 only on nodes with a local endpoint.
        public var kubeProxyHealthServer = false
        public init(protocolName: String, port: UInt16?, path: String?, kubeProxyHealthServer: Bool = false) {
            self.protocolName = protocolName; self.port = port; self.path = path; self.kubeProxyHealthServer = kubeProxyHealthServer
        }

        public func port(for t: Target) -> UInt16 { port ?? t.port }
        public var description: String {
            "\(protocolName) \(port.map(String.init) ?? "traffic-port")\(path.map { " \($0)" } ?? "")"
        }
    }

    public struct Target: Sendable {
        public var ip: IPv4Address
        public var port: UInt16
        public var zone: String
        /// The node (instance targets) or the pod's node (ip targets).
        public var node: String?
        /// `ns/name` of the pod, for ip targets.
        public var pod: String?
        /// An IPv6 target group's target (an IPv6 cluster's pod): its IPv6 address; `ip` is then
        /// unused (0.0.0.0).
        public var ipv6: IPv6Address? = nil
        /// The address the target is registered at, in the target group's family.
        public var address: IPAddress { ipv6.map(IPAddress.ipv6) ?? .ipv4(ip) }
        public init(ip: IPv4Address, port: UInt16, zone: String, node: String?, pod: String?) {
            self.ip = ip; self.port = port; self.zone = zone; self.node = node; self.pod = pod
        }
        public var label: String {
            let at = ipv6.map { "[\($0)]:\(port)" } ?? "\(ip):\(port)"
            return pod.map { "pod \($0) (\(at))" } ?? "\(node ?? "?") (\(at))"
        }
    }

    public struct TargetGroup: Sendable {
        public var name: String
        public var arn: String
        public var targetType: LBC.TargetType
        /// HTTP (ALB); TCP or UDP (NLB).
        public var protocolName: String
        /// The Service and its port this group is bound to (a TargetGroupBinding).
        public var service: String
        public var servicePort: String
        public var externalPolicyLocal: Bool
        public var targets: [Target]
        public var healthCheck: HealthCheck
        /// NLB: the target sees the client's address (`preserve_client_ip.enabled`).
        public var preserveClientIP: Bool
        public var proxyProtocolV2: Bool
        /// Whether a node of one zone sends to targets of other zones.
        public var crossZone: Bool
        /// The family of its targets (`IpAddressType` of the target group): the controller makes
        /// it IPv6 when the Service's `ipFamilies` has IPv6 (`buildTargetGroupIPAddressType`).
        public var ipAddressType: IPFamily = .ipv4
        public var location: SourceLocation
        public init(name: String, arn: String, targetType: LBC.TargetType, protocolName: String, service: String, servicePort: String,
                    externalPolicyLocal: Bool, targets: [Target], healthCheck: HealthCheck, preserveClientIP: Bool, proxyProtocolV2: Bool,
                    crossZone: Bool, location: SourceLocation) {
            self.name = name; self.arn = arn; self.targetType = targetType; self.protocolName = protocolName; self.service = service
            self.servicePort = servicePort; self.externalPolicyLocal = externalPolicyLocal; self.targets = targets; self.healthCheck = healthCheck
            self.preserveClientIP = preserveClientIP; self.proxyProtocolV2 = proxyProtocolV2; self.crossZone = crossZone; self.location = location
        }
    }

    public var kind: Kind
    public var name: String
    public var arn: String
    public var dnsName: String
    public var scheme: LBC.Scheme
    /// `service:NS/NAME`, or the Ingresses of the group as `ingress:NS/NAME`.
    public var owners: [String]
    /// The IngressGroup's name, for explicit groups.
    public var group: String?
    public var nodes: [Node]
    /// Names of the security groups attached: the managed frontend group and the cluster's
    /// shared backend group (the fabric holds their rules).
    public var securityGroups: [String]
    public var listeners: [Listener]
    public var targetGroups: [TargetGroup]
    public var location: SourceLocation
    /// How the subnets were found.
    public var subnetChoice: String
    public var ipAddressType: IPAddressType = .ipv4

    public init(kind: Kind, name: String, arn: String, dnsName: String, scheme: LBC.Scheme, owners: [String], group: String?, nodes: [Node],
                securityGroups: [String], listeners: [Listener], targetGroups: [TargetGroup], location: SourceLocation, subnetChoice: String) {
        self.kind = kind; self.name = name; self.arn = arn; self.dnsName = dnsName; self.scheme = scheme; self.owners = owners; self.group = group
        self.nodes = nodes; self.securityGroups = securityGroups; self.listeners = listeners; self.targetGroups = targetGroups
        self.location = location; self.subnetChoice = subnetChoice
    }

    public var label: String { "\(kind.abbreviation) \(name)" }

    /// The listener for a packet.
    public func listener(port: UInt16, protocol p: IPProtocol) -> Listener? {
        listeners.first { $0.port == port && $0.accepts(p) }
    }
}

/// What the controller could not build, for the trace to say.
public struct LoadBalancerProblem: Sendable {
    public var owner: String
    public var message: String
    public var location: SourceLocation
    public var hint: String = ""
    public init(owner: String, message: String, location: SourceLocation, hint: String = "") {
        self.owner = owner; self.message = message; self.location = location; self.hint = hint
    }
}

/// ALB condition matching: `*` any run of characters, `?` one character, on bytes.
public enum Wildcard {
    public static func match(_ p: [UInt8], _ v: ArraySlice<UInt8>) -> Bool {
        var i = 0, j = v.startIndex, star = -1, mark = v.startIndex
        while j < v.endIndex {
            if i < p.count, p[i] == UInt8(ascii: "?") || p[i] == v[j] { i += 1; j += 1 }
            else if i < p.count, p[i] == UInt8(ascii: "*") { star = i; mark = j; i += 1 }
            else if star >= 0 { i = star + 1; mark += 1; j = mark }
            else { return false }
        }
        while i < p.count, p[i] == UInt8(ascii: "*") { i += 1 }
        return i == p.count
    }

    public static func lower(_ s: String) -> [UInt8] {
        s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
    }
}

extension LoadBalancer.Rule {
    /// Whether an HTTP request for `host` and `path` meets every condition of the rule.
    public func matches(host: String, path: String) -> Bool {
        var h = Wildcard.lower(host)
        if let colon = h.firstIndex(of: UInt8(ascii: ":")) { h.removeSubrange(colon...) }
        return matches(lowercasedHost: h, path: Array(path.utf8))
    }

    /// The same, for a host already lowercased (without its port) and a path as bytes: what a
    /// listener does for each of its rules.
    public func matches(lowercasedHost h: [UInt8], path: [UInt8]) -> Bool {
        (hostBytes.isEmpty || hostBytes.contains { Wildcard.match($0, h[...]) })
            && (pathBytes.isEmpty || pathBytes.contains { Wildcard.match($0, path[...]) })
    }

    public var conditions: String {
        var c: [String] = []
        if !hosts.isEmpty { c.append("host-header \(hosts.joined(separator: ", "))") }
        if !paths.isEmpty { c.append("path-pattern \(paths.joined(separator: ", "))") }
        return c.isEmpty ? "any request" : c.joined(separator: " and ")
    }
}
