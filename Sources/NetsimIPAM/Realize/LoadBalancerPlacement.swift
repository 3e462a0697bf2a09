import NetsimModel

/// A load balancer the AWS Load Balancer Controller would create, as far as the realized
/// cluster holds it: its name, ARN, DNS name, one node (an ENI with an address of the subnet)
/// per zone and the security groups of those nodes; once pods are placed, its listeners, rules
/// and target groups with their targets (`LoadBalancerBuilder`); or, when it cannot be placed or
/// built, why. The tracer's fabric only indexes it.
public struct RealizedLoadBalancer: Sendable {
    /// `service:NS/NAME`, or the first Ingress of the group as `ingress:NS/NAME`.
    public var owner: String
    /// Nil when the controller could not place it (the problems say why).
    public var loadBalancer: LoadBalancer?
    /// What placement and building ran into, in the order the controller meets it.
    public var problems: [LoadBalancerProblem]
}

/// The realize step for load balancers: an NLB for each Service the controller owns, an ALB for
/// each IngressGroup, in that order (Services in manifest order, groups by key). Each picks its
/// subnets as the controller does (the subnets annotation, or discovery leaving out subnets with
/// fewer than 8 free addresses, `defaultMinimalAvailableIPAddressCount`) and takes one address
/// per subnet from the subnet's pool, from a seeded start, so capacity and simulate count them
/// and nothing else is given the same address.
extension Run {
    mutating func placeLoadBalancers() {
        guard let cluster = t.cluster, let vpc = t.primaryVPC, LBC.wanted(t.kubernetes) else { return }
        let names = LoadBalancerNames(t, cluster: cluster.name)
        let specs = t.lbSpecs
        for spec in specs.networkLoadBalancers {
            guard let scheme = spec.scheme else { continue }
            let svc = spec.service
            let owner = "service:\(svc.meta.namespace)/\(svc.meta.name)"
            let groups = names.securityGroups(custom: spec.securityGroups, manageBackendRules: spec.manageBackendRules, managed: names.managedGroup(svc), vpc: vpc)
            placeLoadBalancer(spec.name ?? names.networkLoadBalancer(svc, scheme: scheme), kind: .network, scheme: scheme, owners: [owner], group: nil,
                              securityGroups: groups, names: names, vpc: vpc, cluster: cluster.name, named: spec.subnets, minimum: 1, at: svc.meta.location,
                              ipAddressType: spec.ipAddressType ?? .ipv4)
        }
        for spec in specs.applicationLoadBalancers {
            let members = spec.group.ordered
            guard let first = members.first, let scheme = spec.scheme else { continue }
            let owners = members.map { "ingress:\($0.meta.namespace)/\($0.meta.name)" }
            let groups = names.securityGroups(custom: spec.securityGroups, manageBackendRules: spec.manageBackendRules, managed: names.managedGroup(spec.group), vpc: vpc)
            placeLoadBalancer(spec.name ?? names.applicationLoadBalancer(spec.group, scheme: scheme), kind: .application, scheme: scheme, owners: owners,
                              group: spec.group.name, securityGroups: groups, names: names, vpc: vpc, cluster: cluster.name, named: spec.subnets, minimum: 2, at: first.meta.location,
                              ipAddressType: spec.ipAddressType ?? .ipv4)
        }
    }

    private mutating func placeLoadBalancer(_ name: String, kind: LoadBalancer.Kind, scheme: LBC.Scheme, owners: [String], group: String?,
                                            securityGroups: [String], names: LoadBalancerNames, vpc: VPC, cluster: String, named: String?, minimum: Int, at loc: SourceLocation,
                                            ipAddressType: LoadBalancer.IPAddressType = .ipv4) {
        let owner = owners[0]
        var problems: [LoadBalancerProblem] = []
        var subnets: [Subnet]
        let how: String
        if let named {
            let (found, unknown) = LBC.namedSubnets(named, vpc: vpc)
            subnets = found
            how = "the subnets annotation names \(found.map(\.name).joined(separator: ", "))"
            if !unknown.isEmpty { problems.append(.init(owner: owner, message: "subnets \(unknown.joined(separator: ", ")) are not in VPC \(vpc.name)", location: loc)) }
        } else {
            // The controller wants 8 free addresses in a subnet (`defaultMinimalAvailableIPAddressCount`)
            // before it picks one per zone.
            var d = LBC.discoverSubnets(scheme: scheme, vpc: vpc, cluster: cluster)
            let short = d.candidates.filter { freeAddressCount($0) < LoadBalancerPlacement.minimumFreeAddresses }
            if !short.isEmpty {
                let ok = Set(d.candidates.filter { freeAddressCount($0) >= LoadBalancerPlacement.minimumFreeAddresses }.map(\.name))
                d = LBC.discoverSubnets(scheme: scheme, vpc: vpc, cluster: cluster, eligible: { ok.contains($0.name) })
                problems.append(.init(owner: owner, message: "subnet\(short.count == 1 ? "" : "s") \(short.map { "\($0.name) (\(freeAddressCount($0)) free)" }.joined(separator: ", ")) \(short.count == 1 ? "has" : "have") fewer than the 8 free addresses the controller wants, so it leaves \(short.count == 1 ? "it" : "them") out", location: loc,
                                      hint: "free addresses in the subnet (warm pools hold many: see netsim capacity), or tag a larger subnet"))
            }
            subnets = d.chosen
            how = d.how
        }
        guard Set(subnets.map(\.zone)).count >= minimum else {
            problems.append(.init(owner: owner, message: "the controller cannot place the \(kind.abbreviation): \(how), which gives \(subnets.count) zone(s); it needs \(minimum)", location: loc,
                                  hint: "tag subnets with free addresses in \(minimum) zone\(minimum == 1 ? "" : "s") for the scheme"))
            loadBalancers.append(RealizedLoadBalancer(owner: owner, loadBalancer: nil, problems: problems))
            return
        }
        var nodes: [LoadBalancer.Node] = []
        for s in subnets {
            guard let ip = takeLoadBalancerAddress(in: s, key: "\(name)/\(s.name)", what: "\(kind.abbreviation) \(name) in \(s.zone)") else {
                problems.append(.init(owner: owner, message: "subnet \(s.name) has no free address for the \(kind.abbreviation)'s node in \(s.zone)", location: loc))
                continue
            }
            // dualstack-without-public-ipv4: no public IPv4 address (IPv6 from the internet only).
            let pub = scheme == .internetFacing && ipAddressType != .dualstackWithoutPublicIPv4 ? AWSID.publicAddress("lb/\(name)/\(s.zone)", seed: t.seed) : nil
            var node = LoadBalancer.Node(zone: s.zone, subnet: s.name, eniID: AWSID.make("eni", name: "lb/\(name)/\(s.name)", seed: t.seed),
                                         privateIP: ip, publicIP: pub)
            if ipAddressType.hasIPv6 {
                // ELB's dualstack requirement: every subnet has an IPv6 block (netsim check: NS1471).
                if let block = s.ipv6Cidr { node.ipv6Address = Self.loadBalancerIPv6Address(block, key: "\(name)/\(s.name)", seed: t.seed) } else {
                    problems.append(.init(owner: owner, message: "subnet \(s.name) has no IPv6 block, so ELB refuses the \(ipAddressType.rawValue) \(kind.abbreviation) (its subnets must have IPv6 CIDR blocks); netsim places its node there with IPv4 only", location: loc,
                                          hint: "give subnet \(s.name) an ipv6Cidr, or use ip-address-type ipv4"))
                }
            }
            nodes.append(node)
        }
        guard !nodes.isEmpty else {
            loadBalancers.append(RealizedLoadBalancer(owner: owner, loadBalancer: nil, problems: problems))
            return
        }
        var lb = LoadBalancer(kind: kind, name: name, arn: names.arn(kind, name), dnsName: names.dnsName(kind, name, scheme: scheme), scheme: scheme,
                              owners: owners, group: group, nodes: nodes, securityGroups: securityGroups, listeners: [], targetGroups: [], location: loc, subnetChoice: how)
        lb.ipAddressType = ipAddressType
        loadBalancers.append(RealizedLoadBalancer(owner: owner, loadBalancer: lb, problems: problems))
    }

    /// A dualstack load balancer node's IPv6 address: ELB picks one of the subnet's block; netsim
    /// a seeded one in the block's last /80 (apart from the nodes' addresses, in the first /80,
    /// and their delegated /80 prefixes, counted up from the start).
    static func loadBalancerIPv6Address(_ block: IPv6CIDR, key: String, seed: UInt64) -> IPv6Address {
        let h = StableHash.fnv1a("lb-ipv6/\(key)", seed: seed)
        let hostBits = 128 - block.prefixLength
        // The last /80 of the block (for a /64: low word 0xFFFF_xxxx_xxxx_xxxx), then 48 seeded bits, never 0 or the last.
        var low = block.network.low
        if hostBits >= 64 { low = ~UInt64(0) << 48 } else if hostBits > 48 { low |= (~UInt64(0) >> (64 - hostBits)) & (~UInt64(0) << 48) }
        let host = max(4, min(h & 0xFFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFE))
        return IPv6Address(high: block.network.high, low: (low & ~UInt64(0xFFFF_FFFF_FFFF)) | host)
    }

    /// Free addresses of a subnet now (AWS's five reserved ones excluded).
    func freeAddressCount(_ s: Subnet) -> Int {
        guard let idx = ec2.poolIndex[s.name] else { return 0 }
        return ec2.pool(idx).freeCount
    }

    /// A free address of the subnet from a seeded start (the next free one after it), taken
    /// from the subnet's pool and noted as held by the load balancer.
    mutating func takeLoadBalancerAddress(in s: Subnet, key: String, what: String) -> IPv4Address? {
        guard let idx = ec2.poolIndex[s.name] else { return nil }
        let size = UInt32(s.cidr.size)
        guard size > 5 else { return nil }
        let usable = size - 5
        let start = UInt32(StableHash.fnv1a("lb-ip/\(key)", seed: t.seed) % UInt64(usable))
        for k in 0..<usable {
            let ip = IPv4Address(s.cidr.network.value + 4 + (start + k) % usable)
            if ec2.reserve(ip, inSubnet: idx) {
                other[idx, default: []].append((ip, what))
                return ip
            }
        }
        return nil
    }
}

public enum LoadBalancerPlacement {
    /// The free addresses the controller wants in a subnet before it places a load balancer
    /// node there (`defaultMinimalAvailableIPAddressCount`, pkg/networking/subnet_resolver.go).
    public static let minimumFreeAddresses = 8
}
