import NetsimModel

/// The IPv6 address plan, as EC2 and EKS accept it (Amazon VPC User Guide, "VPC CIDR blocks":
/// an Amazon-provided IPv6 block is a /56, one from IPAM or BYOIP /44 to /60 in steps of 4;
/// "Subnet CIDR blocks": a subnet's IPv6 block is /44 to /64 in steps of 4, inside its VPC's,
/// and the first four and the last address of it are reserved; the EC2 API refuses
/// AssignIpv6AddressOnCreation on a subnet without an IPv6 block; Amazon EKS User Guide,
/// "IPv6 addresses for clusters, pods and services": an IPv6 cluster needs a VPC and node
/// subnets with IPv6 blocks).
extension TopologyConverter {
    func checkIPv6Plan(_ t: Topology) {
        for vpc in t.vpcs {
            for b in vpc.ipv6CidrBlocks where !(44...60).contains(b.prefixLength) || b.prefixLength % 4 != 0 {
                reporter.error(.ipv6VPCBlockSize, "VPC IPv6 block \(b) is a /\(b.prefixLength); AWS gives a /56 (Amazon-provided) or /44 to /60 in steps of 4 (IPAM, BYOIP)",
                               at: locations["vpc6:\(vpc.name):\(b)"] ?? vpc.location, hint: "an Amazon-provided block is a /56, e.g. 2600:1f18:abcd:1200::/56")
            }
            var placed: [(Subnet, IPv6CIDR)] = []
            for s in vpc.subnets {
                if s.assignIpv6AddressOnCreation && s.ipv6Cidr == nil {
                    reporter.error(.ipv6AssignWithoutBlock, "subnet '\(echo: s.name)' assigns IPv6 addresses on creation but has no ipv6Cidr",
                                   at: locations["subnet6assign:\(vpc.name)/\(s.name)"] ?? s.location, hint: "give the subnet an ipv6Cidr (a /64 of the VPC's IPv6 block), or remove assignIpv6AddressOnCreation")
                }
                guard let c = s.ipv6Cidr else { continue }
                let loc = locations["subnet6:\(vpc.name)/\(s.name)"] ?? s.location
                if !(44...64).contains(c.prefixLength) || c.prefixLength % 4 != 0 {
                    reporter.error(.ipv6SubnetBlockSize, "subnet IPv6 block \(c) is a /\(c.prefixLength); AWS accepts /44 to /64 in steps of 4", at: loc,
                                   hint: "subnets usually take a /64 of the VPC's /56")
                    continue
                }
                if vpc.ipv6CidrBlocks.isEmpty {
                    reporter.error(.ipv6SubnetOutsideVPC, "subnet '\(echo: s.name)' has IPv6 block \(c) but VPC '\(echo: vpc.name)' has no ipv6CidrBlocks", at: loc,
                                   hint: "add the VPC's IPv6 block (ipv6CidrBlocks: [...]) or remove the subnet's ipv6Cidr")
                } else if !vpc.ipv6CidrBlocks.contains(where: { $0.contains(c) }) {
                    reporter.error(.ipv6SubnetOutsideVPC, "subnet IPv6 block \(c) is outside VPC '\(echo: vpc.name)''s IPv6 blocks (\(vpc.ipv6CidrBlocks.map(\.description).joined(separator: ", ")))",
                                   at: loc, hint: "take a /64 of the VPC's block")
                }
                if let (other, oc) = placed.first(where: { $0.1.overlaps(c) }) {
                    reporter.error(.ipv6SubnetOutsideVPC, "subnet '\(echo: s.name)' (\(c)) overlaps subnet '\(echo: other.name)' (\(oc)) in IPv6", at: loc,
                                   hint: "subnets of one VPC must not share IPv6 addresses",
                                   notes: [Diagnostic.Note("subnet '\(echo: other.name)' is here", at: other.location)])
                }
                placed.append((s, c))
            }
            for eni in vpc.networkInterfaces {
                guard let a = eni.ipv6Address else { continue }
                let loc = locations["eni-ip6:\(eni.name)"] ?? eni.location
                guard let subnet = vpc.subnet(named: eni.subnet) else { continue }
                guard let c = subnet.ipv6Cidr else {
                    reporter.error(.ipv6AddressOutsideSubnet, "network interface '\(echo: eni.name)' has IPv6 address \(a) but subnet '\(echo: subnet.name)' has no ipv6Cidr", at: loc,
                                   hint: "give the subnet an IPv6 block, or remove ipv6Address")
                    continue
                }
                if !c.contains(a) {
                    reporter.error(.ipv6AddressOutsideSubnet, "network interface '\(echo: eni.name)' IPv6 address \(a) is not inside subnet '\(echo: subnet.name)' (\(c))", at: loc)
                } else if Self.isReserved6(a, in: c) {
                    reporter.error(.ipv6AddressOutsideSubnet, "network interface '\(echo: eni.name)' IPv6 address \(a) is one of the five addresses AWS reserves in \(c)", at: loc,
                                   hint: "AWS keeps the first four addresses and the last one of every subnet's IPv6 block")
                }
            }
        }
        guard let cluster = t.cluster, cluster.ipFamily == .ipv6, let vpc = t.primaryVPC else { return }
        let loc = locations["ipFamily"] ?? cluster.location
        if vpc.ipv6CidrBlocks.isEmpty {
            reporter.error(.ipv6ClusterWithoutIPv6, "cluster '\(echo: cluster.name)' is IPv6 but VPC '\(echo: vpc.name)' has no IPv6 block", at: loc,
                           hint: "add ipv6CidrBlocks to the VPC and an ipv6Cidr to the node subnets (EKS requires both for an IPv6 cluster)")
            return
        }
        var reported = Set<String>()
        for g in cluster.nodeGroups {
            for name in g.subnets where !reported.contains(name) {
                guard let s = vpc.subnet(named: name), s.ipv6Cidr == nil else { continue }
                reported.insert(name)
                reporter.error(.ipv6ClusterWithoutIPv6, "node group '\(echo: g.name)' of IPv6 cluster '\(echo: cluster.name)' uses subnet '\(echo: name)', which has no ipv6Cidr: its nodes get no /80 prefix and their pods no address",
                               at: g.location, hint: "give subnet '\(echo: name)' an ipv6Cidr (a /64 of the VPC's IPv6 block)")
            }
        }
    }

    /// The first four addresses and the last one of a subnet's IPv6 block.
    static func isReserved6(_ a: IPv6Address, in c: IPv6CIDR) -> Bool {
        let offsetHigh = a.high &- c.network.high, offsetLow = a.low &- c.network.low
        if offsetHigh == 0 && offsetLow < 4 && a.low >= c.network.low { return true }
        let hostBits = 128 - c.prefixLength
        let lastLow: UInt64 = hostBits >= 64 ? .max : c.network.low | ((UInt64(1) << UInt64(hostBits)) &- 1)
        let lastHigh: UInt64 = hostBits > 64 ? c.network.high | ((UInt64(1) << UInt64(hostBits - 64)) &- 1) : c.network.high
        return a.high == lastHigh && a.low == lastLow
    }

    /// `cluster.serviceIpv6Cidr`: the IPv6 Service range of a real IPv6 cluster
    /// (`aws eks describe-cluster` → kubernetesNetworkConfig.serviceIpv6Cidr), a unique local
    /// block (fc00::/7) no larger than a /108 (kube-apiserver refuses a larger IPv6 range).
    func convertServiceIPv6CIDR(_ r: MappingReader, ipFamily: IPFamily) -> IPv6CIDR? {
        guard let (text, loc) = r.locatedString("serviceIpv6Cidr") else { return nil }
        guard let c = cidr6(text, at: loc, what: "service IPv6 CIDR") else { return nil }
        if ipFamily != .ipv6 {
            reporter.error(.serviceIPv6CIDR, "serviceIpv6Cidr is for IPv6 clusters; this cluster is \(ipFamily)", at: loc,
                           hint: "remove it, or set ipFamily: ipv6")
            return nil
        }
        if c.prefixLength < 108 || c.prefixLength > 120 {
            reporter.error(.serviceIPv6CIDR, "service IPv6 CIDR \(c) is a /\(c.prefixLength); EKS gives a /108 (kube-apiserver refuses an IPv6 Service range larger than a /108)", at: loc,
                           hint: "copy kubernetesNetworkConfig.serviceIpv6Cidr from aws eks describe-cluster")
            return nil
        }
        if c.network.high >> 57 != 0x7E {
            reporter.error(.serviceIPv6CIDR, "service IPv6 CIDR \(c) is not a unique local block (fc00::/7), where EKS takes it", at: loc,
                           hint: "copy kubernetesNetworkConfig.serviceIpv6Cidr from aws eks describe-cluster (it starts with fd)")
            return nil
        }
        return c
    }
}
