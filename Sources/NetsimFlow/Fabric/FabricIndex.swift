import NetsimIPAM
import NetsimModel
import NetsimVPC

/// Something with a private address in a subnet: an ENI of a node (and the pods on it), an
/// external host, a declared interface, a NAT gateway.
public struct Interface: Sendable {
    public enum Kind: String, Sendable {
        case nodeENI = "node ENI"
        case external = "external"
        case interface = "interface"
        case natGateway = "NAT gateway"
        case loadBalancer = "load balancer"
        /// A Fargate pod's own ENI (its micro-VM has no other).
        case fargatePod = "Fargate pod ENI"
        /// One of the EKS control plane's ENIs in the VPC (`cluster.controlPlane`).
        case controlPlane = "EKS control-plane ENI"
        /// An ENI of an interface VPC endpoint (requester-managed).
        case vpcEndpoint = "VPC endpoint ENI"
    }
    public var kind: Kind
    /// `eni-…` (or the NAT gateway's ID).
    public var id: String { get { names.id } set { uniqueNames(); names.id = newValue } }
    /// What people call it: the node name and device, the external's name, …
    public var label: String { get { names.label } set { uniqueNames(); names.label = newValue } }
    public var vpc: String { get { names.vpc } set { uniqueNames(); names.vpc = newValue } }
    public var subnet: String { get { names.subnet } set { uniqueNames(); names.subnet = newValue } }
    public var securityGroups: [String] { get { names.securityGroups } set { uniqueNames(); names.securityGroups = newValue } }
    public var primaryIP: IPv4Address
    public var publicIP: IPv4Address?
    public var sourceDestCheck: Bool
    /// The node this ENI belongs to, for node ENIs.
    public var node: String? { get { names.node } set { uniqueNames(); names.node = newValue } }
    public var deviceIndex: Int?
    /// For load balancer nodes: the index of the load balancer.
    public var loadBalancer: Int? = nil
    /// The ENI's MAC address: a node ENI's own, else stable per ID.
    public var mac = MACAddress(0x02, 0, 0, 0, 0, 0)
    /// Security Groups for Pods: this is the branch ENI of a pod ("namespace/name") on `node`'s
    /// trunk, with its VLAN ID; it holds only the pod's address.
    public var branchPod: String? { get { names.branchPod } set { uniqueNames(); names.branchPod = newValue } }
    public var vlanID: Int? = nil
    /// The interface's own IPv6 address (a node's primary ENI, a declared interface), if any.
    public var ipv6: IPv6Address? = nil

    /// The names and lists, in one shared box (copied on write): a walk copies interfaces out
    /// of the fabric at every stage, and a copy then retains one object instead of each string.
    final class Names: @unchecked Sendable {
        var id: String, label: String, vpc: String, subnet: String
        var securityGroups: [String]
        var node: String?
        var branchPod: String? = nil
        init(id: String, label: String, vpc: String, subnet: String, securityGroups: [String], node: String?) {
            self.id = id; self.label = label; self.vpc = vpc; self.subnet = subnet; self.securityGroups = securityGroups; self.node = node
        }
        func copy() -> Names {
            let n = Names(id: id, label: label, vpc: vpc, subnet: subnet, securityGroups: securityGroups, node: node)
            n.branchPod = branchPod
            return n
        }
    }
    private var names: Names

    private mutating func uniqueNames() {
        if !isKnownUniquelyReferenced(&names) { names = names.copy() }
    }

    public init(kind: Kind, id: String, label: String, vpc: String, subnet: String, securityGroups: [String], primaryIP: IPv4Address,
                publicIP: IPv4Address?, sourceDestCheck: Bool, node: String?, deviceIndex: Int?, loadBalancer: Int? = nil,
                mac: MACAddress = MACAddress(0x02, 0, 0, 0, 0, 0), branchPod: String? = nil, vlanID: Int? = nil, ipv6: IPv6Address? = nil) {
        names = Names(id: id, label: label, vpc: vpc, subnet: subnet, securityGroups: securityGroups, node: node)
        names.branchPod = branchPod
        self.kind = kind; self.primaryIP = primaryIP; self.publicIP = publicIP; self.sourceDestCheck = sourceDestCheck
        self.deviceIndex = deviceIndex; self.loadBalancer = loadBalancer; self.mac = mac; self.vlanID = vlanID; self.ipv6 = ipv6
    }
}

/// Everything the tracer looks up, indexed once per topology: who owns each private and
/// public address, the security-group membership, compiled route tables.
/// A class: every stage of a walk reads it, and copying a struct of this many tables would retain each
/// of them per use. It is filled in `init` and read-only after (except `linearScan`, which the
/// benchmark sets before it traces), hence `@unchecked Sendable`.
public final class FabricIndex: @unchecked Sendable {
    public let topology: Topology
    public let realized: RealizedCluster
    public internal(set) var interfaces: [Interface] = []
    /// private address → interface index.
    public private(set) var owner: [UInt32: Int] = [:]
    /// public address → interface index.
    public private(set) var publicOwner: [UInt32: Int] = [:]
    public private(set) var membership = SecurityGroupMembership()
    public let prefixLists: [String: PrefixList]
    public private(set) var routeTables: [String: CompiledRouteTable] = [:]
    /// Security groups by "vpc/name".
    public private(set) var groups: [String: SecurityGroup] = [:]
    /// The VPC each group name belongs to (names are unique topology-wide, except each VPC's
    /// implicit `default`).
    public private(set) var groupVPC: [String: String] = [:]
    public private(set) var subnets: [String: (vpc: VPC, subnet: Subnet)] = [:]
    public private(set) var vpcByName: [String: VPC] = [:]
    /// The same subnets, VPCs and transit gateways held in classes, with what a walk reads at
    /// them found once (`FabricIndex+Entries.swift`).
    public internal(set) var subnetEntries: [String: SubnetEntry] = [:]
    public internal(set) var vpcEntries: [String: VPCEntry] = [:]
    public internal(set) var transitGatewayEntries: [String: CompiledTransitGateway] = [:]
    /// `securityGroups(of:)` of each interface (by index), found once.
    public internal(set) var interfaceGroups: [[SecurityGroup]] = []
    public private(set) var natByName: [String: (vpc: VPC, nat: NATGateway, interface: Int)] = [:]
    public private(set) var interfaceByName: [String: Int] = [:]
    public private(set) var nodeByName: [String: RealizedNode] = [:]
    /// Fargate pods' nodes by name, and their ENIs' interface indexes by pod address.
    public private(set) var fargateNodeByName: [String: FargateNode] = [:]
    public private(set) var fargateInterfaceByIP: [UInt32: Int] = [:]
    /// pod address → "namespace/name", for pods with their own address.
    public private(set) var podByIP: [UInt32: String] = [:]
    /// Pods by "kind/namespace/workload", running ones first by name; and by "namespace/name".
    public private(set) var podsOfWorkload: [String: [Int]] = [:]
    public private(set) var podByName: [String: Int] = [:]
    /// Every private address of each interface, for the linear-scan mode.
    public private(set) var addressesOf: [[UInt32]] = []
    /// The load balancers the AWS Load Balancer Controller would create, and what it could not.
    public private(set) var loadBalancers: [LoadBalancer] = []
    public private(set) var loadBalancerProblems: [LoadBalancerProblem] = []
    /// Security Groups for Pods: pod address → its branch ENI's interface index.
    public internal(set) var branchENIByPodIP: [UInt32: Int] = [:]
    /// The EKS control plane's ENIs, as interface indices in placement order.
    public private(set) var controlPlaneInterfaces: [Int] = []
    /// Service cluster IPs, as "namespace/name".
    public private(set) var serviceByClusterIP: [UInt32: (namespace: String, name: String)] = [:]
    /// Interface VPC endpoints' ENIs (interface indexes, by zone) by "vpc/service", and each
    /// ENI's realized record by interface index (`FabricIndex+Endpoints.swift`).
    public internal(set) var endpointInterfaces: [String: [Int]] = [:]
    public internal(set) var endpointENIByInterface: [Int: InterfaceEndpointENI] = [:]
    /// Answer every lookup by scanning interfaces, routes and members in turn instead of the
    /// indexes: the plain implementation the trace benchmark compares against.
    public var linearScan = false
    /// Transit gateway route tables, compiled: by "TGW/TABLE" (FabricIndex+TransitGateway.swift).
    public internal(set) var transitGatewayTables: [String: CompiledTransitGatewayTable] = [:]
    /// Declared interfaces marked `stateful` (appliances that drop replies they saw no flow for).
    public internal(set) var statefulInterfaces: Set<Int> = []
    /// IPv6 (`FabricIndex+IPv6.swift`): private address → interface index (IPv6 addresses are
    /// the interface's public ones too), the /80 prefixes delegated to nodes' primary ENIs,
    /// group members by "vpc/group", each table's IPv6 routes, pods and cluster IPs.
    public internal(set) var owner6: [IPv6Address: Int] = [:]
    public internal(set) var prefixOwner6: [IPv6Address: Int] = [:]
    public internal(set) var membership6: [String: Set<IPv6Address>] = [:]
    public internal(set) var routeTables6: [String: CompiledRouteTable6] = [:]
    public internal(set) var podByIP6: [IPv6Address: String] = [:]
    public internal(set) var serviceByClusterIP6: [IPv6Address: (namespace: String, name: String)] = [:]

    public init(topology t: Topology, realized r: RealizedCluster) {
        topology = t
        realized = r
        var pls: [String: PrefixList] = [:]
        for p in t.prefixLists { pls[p.name] = p }
        prefixLists = pls
        for vpc in t.vpcs {
            vpcByName[vpc.name] = vpc
            for s in vpc.subnets { subnets[s.name] = (vpc, s) }
            for g in vpc.securityGroups {
                groups[SecurityGroupMembership.key(vpc: vpc.name, group: g.name)] = g
                if g.name != "default" || groupVPC[g.name] == nil { groupVPC[g.name] = vpc.name }
            }
            let propagated = FabricIndex.propagatedRoutes(t, vpc)
            for rt in vpc.routeTables {
                routeTables["\(vpc.name)/\(rt.name)"] = CompiledRouteTable(table: rt, vpc: vpc, gatewayEndpoints: vpc.gatewayEndpoints, prefixLists: pls,
                                                                            propagated: propagated)
            }
        }
        // Node ENIs: every address they hold (primary, secondary IPs, prefixes) is theirs.
        for n in r.nodes {
            nodeByName[n.name] = n
            for e in n.ipam.enis {
                guard let (vpc, subnet) = subnetOf(pool: e.subnet) else { continue }
                let sgs = e.securityGroups.isEmpty ? ["default"] : e.securityGroups
                var publicIP: IPv4Address? = nil
                if e.isPrimary && subnet.mapPublicIpOnLaunch { publicIP = FabricIndex.publicAddress("node/\(n.instanceID)", seed: t.seed) }
                let label = e.isPrimary ? "\(n.name) eth0" : "\(n.name) ENI device \(e.deviceIndex)"
                var eni = Interface(kind: .nodeENI, id: e.id, label: label, vpc: vpc.name, subnet: subnet.name, securityGroups: sgs,
                                    primaryIP: e.primaryIP, publicIP: publicIP, sourceDestCheck: true, node: n.name, deviceIndex: e.deviceIndex)
                if let m = MACAddress(e.mac) { eni.mac = m }
                let idx = add(eni)
                for c in e.cidrs {
                    for i in 0..<c.size { claim(IPv4Address(c.cidr.network.value + UInt32(i)), idx, vpc: vpc.name, groups: sgs) }
                }
            }
        }
        addBranchENIs()
        addFargatePods()
        for p in r.pods where !p.hostNetwork { if let ip = p.ip { podByIP[ip.value] = "\(p.namespace)/\(p.name)" } }
        for s in r.services { if let ip = s.clusterIP { serviceByClusterIP[ip.value] = (s.namespace, s.name) } }
        for (i, p) in r.pods.enumerated() {
            podsOfWorkload["\(p.workloadKind.rawValue)/\(p.namespace)/\(p.workload)", default: []].append(i)
            podByName["\(p.namespace)/\(p.name)"] = i
        }
        for (k, list) in podsOfWorkload {
            podsOfWorkload[k] = list.sorted { a, b in
                let pa = r.pods[a], pb = r.pods[b]
                let ra = pa.status == .running && (pa.ip != nil || pa.ipv6 != nil), rb = pb.status == .running && (pb.ip != nil || pb.ipv6 != nil)
                return ra != rb ? ra : pa.name < pb.name
            }
        }
        for vpc in t.vpcs {
            for nat in vpc.natGateways {
                guard let ip = r.natGatewayAddresses[nat.name] ?? nat.privateIP else { continue }
                let pub = nat.connectivity == .public ? (nat.publicIP ?? FabricIndex.publicAddress("nat/\(nat.name)", seed: t.seed)) : nil
                let idx = add(Interface(kind: .natGateway, id: nat.id, label: "NAT gateway \(nat.name)", vpc: vpc.name, subnet: nat.subnet,
                                        securityGroups: [], primaryIP: ip, publicIP: pub, sourceDestCheck: false, node: nil, deviceIndex: nil))
                natByName[nat.name] = (vpc, nat, idx)
            }
            for ni in vpc.networkInterfaces {
                let ip = ni.privateIP ?? r.otherAddresses.values.flatMap { $0 }.first { $0.1 == "interface \(ni.name)" }?.0
                guard let ip else { continue }
                let idx = add(Interface(kind: .interface, id: ni.id, label: "interface \(ni.name)", vpc: vpc.name, subnet: ni.subnet,
                                        securityGroups: ni.securityGroups.isEmpty ? ["default"] : ni.securityGroups, primaryIP: ip,
                                        publicIP: ni.publicIP, sourceDestCheck: ni.sourceDestCheck, node: nil, deviceIndex: nil))
                interfaceByName[ni.name] = idx
            }
        }
        for e in t.externals {
            guard let s = e.subnet, let (vpc, _) = subnets[s], case .host(let ip) = e.address else { continue }
            let idx = add(Interface(kind: .external, id: AWSID.make("eni", name: "external/\(e.name)", seed: t.seed), label: "external \(e.name)",
                                    vpc: vpc.name, subnet: s, securityGroups: e.securityGroups.isEmpty ? ["default"] : e.securityGroups,
                                    primaryIP: ip, publicIP: e.publicIP, sourceDestCheck: true, node: nil, deviceIndex: nil))
            interfaceByName["external:" + e.name] = idx
        }
        if let vpc = t.primaryVPC {
            for e in r.controlPlaneENIs {
                let idx = add(Interface(kind: .controlPlane, id: e.id, label: e.label, vpc: vpc.name, subnet: e.subnet,
                                        securityGroups: e.securityGroups, primaryIP: e.ip, publicIP: nil, sourceDestCheck: true, node: nil, deviceIndex: nil))
                controlPlaneInterfaces.append(idx)
            }
        }
        addLoadBalancers()
        addInterfaceEndpoints()
        compileTransitGateways()
        addIPv6()
        buildEntries()
    }

    /// Indexes the realized cluster's load balancers (built in the realize step): a node ENI
    /// per zone (members of the load balancer's groups), the managed groups, and the rules the
    /// controller adds to the targets' groups.
    func addLoadBalancers() {
        let r = realized
        guard let vpc = topology.primaryVPC else { return }
        loadBalancerProblems = r.loadBalancers.flatMap(\.problems)
        for g in r.loadBalancerGroups {
            groups[SecurityGroupMembership.key(vpc: vpc.name, group: g.name)] = g
            groupVPC[g.name] = vpc.name
        }
        for (name, rules) in r.loadBalancerTargetRules {
            let key = SecurityGroupMembership.key(vpc: groupVPC[name] ?? vpc.name, group: name)
            groups[key]?.ingress += rules
        }
        loadBalancers = r.loadBalancers.compactMap(\.loadBalancer)
        for (l, lb) in loadBalancers.enumerated() {
            for (k, node) in lb.nodes.enumerated() {
                var i = Interface(kind: .loadBalancer, id: node.eniID, label: "\(lb.label) in \(node.zone)", vpc: vpc.name, subnet: node.subnet,
                                  securityGroups: lb.securityGroups, primaryIP: node.privateIP, publicIP: node.publicIP, sourceDestCheck: false,
                                  node: nil, deviceIndex: nil)
                i.loadBalancer = l
                loadBalancers[l].nodes[k].interface = add(i)
            }
        }
    }

    /// Fargate pods: one ENI each in its profile's subnet, with the cluster security group or
    /// the pod's SecurityGroupPolicy groups; the groups netsim assumed for them.
    func addFargatePods() {
        let r = realized
        guard !r.fargateNodes.isEmpty, let vpc = topology.primaryVPC else { return }
        for g in r.fargateAssumedGroups where groups[SecurityGroupMembership.key(vpc: vpc.name, group: g.name)] == nil {
            groups[SecurityGroupMembership.key(vpc: vpc.name, group: g.name)] = g
            groupVPC[g.name] = vpc.name
        }
        // No control plane declared: the cluster security group netsim assumes is attached, as
        // EKS attaches it, to the ENIs of managed node groups' nodes too.
        if topology.cluster?.controlPlane == nil, let cluster = topology.cluster,
           let name = r.fargateNodes.first(where: { $0.groupSource == .assumedClusterSecurityGroup })?.securityGroups.first {
            let managed = Set(cluster.nodeGroups.filter(\.getsClusterSecurityGroup).map(\.name))
            for i in interfaces.indices where interfaces[i].kind == .nodeENI {
                guard let node = interfaces[i].node, let g = nodeByName[node]?.group, managed.contains(g),
                      !interfaces[i].securityGroups.contains(name) else { continue }
                interfaces[i].securityGroups.append(name)
                for a in addressesOf[i] { membership.add(IPv4Address(a), vpc: interfaces[i].vpc, groups: [name]) }
            }
        }
        for n in r.fargateNodes {
            fargateNodeByName[n.name] = n
            var i = Interface(kind: .fargatePod, id: n.eniID, label: "\(n.name) eth0", vpc: vpc.name, subnet: n.subnet,
                              securityGroups: n.securityGroups.isEmpty ? ["default"] : n.securityGroups, primaryIP: n.ip, publicIP: nil,
                              sourceDestCheck: true, node: nil, deviceIndex: 0)
            if let m = MACAddress(n.mac) { i.mac = m }
            fargateInterfaceByIP[n.ip.value] = add(i)
        }
    }

    /// The load balancer of a Service (its NLB) or an Ingress (its group's ALB).
    public func loadBalancer(for owner: String) -> Int? { loadBalancers.firstIndex { $0.owners.contains(owner) } }

    func subnetOf(pool: Int) -> (VPC, Subnet)? {
        let name = realized.ec2.pool(pool).subnet.name
        return subnets[name].map { ($0.vpc, $0.subnet) }
    }

    func add(_ i: Interface) -> Int {
        var i = i
        if i.mac == MACAddress(0x02, 0, 0, 0, 0, 0) { i.mac = MACAddress.derived("eni/" + i.id, seed: topology.seed) }
        interfaces.append(i)
        addressesOf.append([])
        let idx = interfaces.count - 1
        claim(i.primaryIP, idx, vpc: i.vpc, groups: i.securityGroups)
        if let p = i.publicIP { publicOwner[p.value] = idx }
        return idx
    }

    private func claim(_ ip: IPv4Address, _ idx: Int, vpc: String, groups: [String]) {
        owner[ip.value] = idx
        addressesOf[idx].append(ip.value)
        membership.add(ip, vpc: vpc, groups: groups)
    }

    /// A stable public-looking address for something that needs one and was given none
    /// (54.0.0.0/8 is Amazon's; the exact value only has to be the same run after run).
    public static func publicAddress(_ name: String, seed: UInt64) -> IPv4Address { AWSID.publicAddress(name, seed: seed) }

    public func interface(owning ip: IPv4Address) -> Interface? { ownerOf(ip).map { interfaces[$0] } }

    /// Whether two VPCs are joined by a peering connection (security groups may then reference
    /// each other's groups, in one region).
    public func peered(_ a: String, _ b: String) -> Bool {
        topology.peeringConnections.contains { ($0.requesterVPC == a && $0.accepterVPC == b) || ($0.requesterVPC == b && $0.accepterVPC == a) }
    }

    /// The interface that holds the private address `ip`.
    public func ownerOf(_ ip: IPv4Address) -> Int? {
        guard linearScan else { return owner[ip.value] }
        var found: Int? = nil
        for (i, list) in addressesOf.enumerated() where list.contains(ip.value) { found = i }
        return found
    }

    /// The interface whose public or Elastic IP is `ip`.
    public func publicOwnerOf(_ ip: IPv4Address) -> Int? {
        guard linearScan else { return publicOwner[ip.value] }
        return interfaces.lastIndex { $0.publicIP == ip }
    }

    /// Whether `ip` is a private address of an interface that carries `group` of `vpc`.
    public func isMember(_ ip: IPv4Address, vpc: String, group: String) -> Bool {
        guard linearScan else { return membership.contains(ip, vpc: vpc, group: group) }
        for (i, iface) in interfaces.enumerated() where iface.vpc == vpc && iface.securityGroups.contains(group) {
            if addressesOf[i].contains(ip.value) { return true }
        }
        return false
    }

    /// The longest-prefix route for `ip` in `table`.
    public func lookup(_ table: CompiledRouteTable, _ ip: IPv4Address) -> RouteMatch? {
        guard linearScan else { return table.lookup(ip) }
        var best: RouteMatch? = nil
        for r in table.allRoutes where r.destination.contains(ip) {
            guard let b = best else { best = r; continue }
            if r.destination.prefixLength > b.destination.prefixLength { best = r }
        }
        return best
    }

    public func securityGroups(of i: Interface) -> [SecurityGroup] {
        i.securityGroups.compactMap { name in groups[SecurityGroupMembership.key(vpc: groupVPC[name] == nil ? i.vpc : (name == "default" ? i.vpc : groupVPC[name] ?? i.vpc), group: name)] }
    }

    public func routeTable(vpc: VPC, subnet: Subnet) -> CompiledRouteTable? {
        if let e = subnetEntries[subnet.name], e.vpc.name == vpc.name { return e.routeTable }
        guard let rt = vpc.routeTable(for: subnet) else { return nil }
        return routeTables["\(vpc.name)/\(rt.name)"]
    }

    /// The VPC whose CIDR blocks contain `ip`.
    public func vpc(containing ip: IPv4Address) -> VPC? { topology.vpcs.first { $0.contains(ip) } }

    // The same lookups for an address of either family (IPv6: `FabricIndex+IPv6.swift`).

    public func interface(owning ip: IPAddress) -> Interface? { ownerOf(ip).map { interfaces[$0] } }
    @inline(__always) public func ownerOf(_ ip: IPAddress) -> Int? {
        switch ip {
        case .ipv4(let a): return ownerOf(a)
        case .ipv6(let a): return ownerOf6(a)
        }
    }
    @inline(__always) public func publicOwnerOf(_ ip: IPAddress) -> Int? {
        switch ip {
        case .ipv4(let a): return publicOwnerOf(a)
        case .ipv6(let a): return publicOwnerOf6(a)
        }
    }
    @inline(__always) public func isMember(_ ip: IPAddress, vpc: String, group: String) -> Bool {
        switch ip {
        case .ipv4(let a): return isMember(a, vpc: vpc, group: group)
        case .ipv6(let a): return isMember6(a, vpc: vpc, group: group)
        }
    }
    /// The IPv4 route for an IPv4 destination; an IPv6 destination takes the table's IPv6
    /// routes (`lookup6`).
    @inline(__always) public func lookup(_ table: CompiledRouteTable, _ ip: IPAddress) -> RouteMatch? {
        if case .ipv4(let a) = ip { return lookup(table, a) }
        return nil
    }
    /// The pod ("namespace/name") whose address is `ip`.
    @inline(__always) public func pod(at ip: IPv4Address) -> String? { podByIP[ip.value] }
    @inline(__always) public func pod(at ip: IPAddress) -> String? {
        switch ip {
        case .ipv4(let a): return podByIP[a.value]
        case .ipv6(let a): return podByIP6[a]
        }
    }
    public func vpc(containing ip: IPAddress) -> VPC? {
        switch ip {
        case .ipv4(let a): return vpc(containing: a)
        case .ipv6(let a): return topology.vpcs.first { $0.contains(a) }
        }
    }
    public func externalNetwork(containing ip: IPAddress) -> External? { ip.v4.flatMap { externalNetwork(containing: $0) } }

    /// The external network (a `cidr` external) that contains `ip`.
    public func externalNetwork(containing ip: IPv4Address) -> External? {
        topology.externals.first { if case .network(let c) = $0.address { return c.contains(ip) }; return false }
    }
}
