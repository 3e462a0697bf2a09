import NetsimIPAM
import NetsimModel
import NetsimVPC

/// IPv6 in the fabric (Amazon VPC User Guide, "IP addressing for your VPCs and subnets"):
/// an interface's IPv6 addresses come from its subnet's IPv6 block and are globally unique, so
/// the same address is its private and its public one (no NAT at the internet gateway); a
/// route table holds IPv6 routes apart from IPv4 ones (`CompiledRouteTable6`); a security group
/// reference matches the members' IPv6 addresses too.
extension FabricIndex {
    func addIPv6() {
        for vpc in topology.vpcs where !vpc.ipv6CidrBlocks.isEmpty {
            for rt in vpc.routeTables {
                routeTables6["\(vpc.name)/\(rt.name)"] = CompiledRouteTable6(table: rt, vpc: vpc, prefixLists: prefixLists)
            }
        }
        // Nodes: the primary ENI's own IPv6 address and, in an IPv6 cluster, the /80 prefix
        // ipamd assigned to it (every address of it reaches the ENI; each running pod's is
        // indexed as the pod's).
        // (An IPv4 cluster on an IPv4 fabric has none of this: nothing is scanned.)
        var primaryENI: [String: Int] = [:]
        if realized.nodes.contains(where: { $0.ipv6Address != nil || $0.ipv6Prefix != nil }) || realized.pods.contains(where: { $0.ipv6 != nil }) {
            for (i, iface) in interfaces.enumerated() where iface.kind == .nodeENI && iface.deviceIndex == 0 {
                if let node = iface.node, primaryENI[node] == nil { primaryENI[node] = i }
            }
        }
        for n in realized.nodes where n.ipv6Address != nil || n.ipv6Prefix != nil {
            guard let i = primaryENI[n.name] else { continue }
            if let a = n.ipv6Address { claim6(a, i) }
            if let p = n.ipv6Prefix { prefixOwner6[p.network] = i }
        }
        for vpc in topology.vpcs {
            for ni in vpc.networkInterfaces {
                guard let a = ni.ipv6Address, let i = interfaceByName[ni.name] else { continue }
                claim6(a, i)
            }
        }
        // A dualstack load balancer's nodes: each one's IPv6 address (a member of its groups).
        for lb in loadBalancers {
            for n in lb.nodes where n.interface >= 0 { if let a = n.ipv6Address { claim6(a, n.interface) } }
        }
        for s in realized.services { if let ip = s.clusterIPv6 { serviceByClusterIP6[ip] = (s.namespace, s.name) } }
        for p in realized.pods where !p.hostNetwork {
            guard let a = p.ipv6 else { continue }
            podByIP6[a] = "\(p.namespace)/\(p.name)"
            if let node = p.node, let i = primaryENI[node] {
                owner6[a] = i
                addMember6(a, i)
            }
        }
    }

    private func claim6(_ a: IPv6Address, _ i: Int) {
        if interfaces[i].ipv6 == nil { interfaces[i].ipv6 = a }
        owner6[a] = i
        addMember6(a, i)
    }

    private func addMember6(_ a: IPv6Address, _ i: Int) {
        for g in interfaces[i].securityGroups { membership6[SecurityGroupMembership.key(vpc: interfaces[i].vpc, group: g), default: []].insert(a) }
    }

    /// The interface that holds the IPv6 address `ip`: its own, a pod's, or one of a /80
    /// prefix delegated to a node's primary ENI.
    public func ownerOf6(_ ip: IPv6Address) -> Int? {
        if linearScan {
            if let i = interfaces.lastIndex(where: { $0.ipv6 == ip }) { return i }
            return owner6.first { $0.key == ip }?.value ?? prefixOwner6.first { IPv6CIDR(network: $0.key, prefixLength: 80).contains(ip) }?.value
        }
        if let i = owner6[ip] { return i }
        if prefixOwner6.isEmpty { return nil }
        return prefixOwner6[IPv6CIDR(network: ip, prefixLength: 80).network]
    }

    /// IPv6 addresses are public: the interface that holds `ip` is reached at it from the
    /// internet too (through an internet gateway, if its VPC has one).
    public func publicOwnerOf6(_ ip: IPv6Address) -> Int? { ownerOf6(ip) }

    /// Whether `ip` is an IPv6 address of an interface that carries `group` of `vpc`.
    public func isMember6(_ ip: IPv6Address, vpc: String, group: String) -> Bool {
        guard linearScan else { return membership6[SecurityGroupMembership.key(vpc: vpc, group: group)]?.contains(ip) ?? false }
        guard let i = ownerOf6(ip) else { return false }
        return interfaces[i].vpc == vpc && interfaces[i].securityGroups.contains(group)
    }

    /// The IPv6 route table of a subnet (nil when its VPC has no IPv6 block: no IPv6 route).
    public func routeTable6(vpc: VPC, subnet: Subnet) -> CompiledRouteTable6? {
        guard let rt = vpc.routeTable(for: subnet) else { return nil }
        return routeTables6["\(vpc.name)/\(rt.name)"]
    }

    /// The longest-prefix IPv6 route for `ip` in `table`.
    public func lookup6(_ table: CompiledRouteTable6, _ ip: IPv6Address) -> RouteMatch6? {
        guard linearScan else { return table.lookup(ip) }
        var best: RouteMatch6? = nil
        for r in table.allRoutes where r.destination.contains(ip) {
            if best == nil || r.destination.prefixLength > (best?.destination.prefixLength ?? -1) { best = r }
        }
        return best
    }
}
