import NetsimKube
import NetsimModel

/// Security Groups for Pods on a node: where the VPC CNI's policy routing sends the packets
/// of pods that have a branch ENI (amazon-vpc-cni-k8s v1.23.0,
/// `cmd/routed-eni-cni-plugin/driver/driver.go` `SetupBranchENIPodNetwork`, and
/// `pkg/sgpp`). The pod's branch ENI is the device `vlan.eth.<VLAN ID>` on the trunk; its
/// route table is VLAN ID + 100 (a default route via the subnet's router and the pod's /32
/// on its host veth).
///
/// - strict (the default): rules at priority 10 send everything that comes in on the pod's
///   host veth (named with the `vlan` prefix) or on the VLAN device to the VLAN table, ahead
///   of the local table (moved to 20). So the pod's packets all leave through the branch ENI,
///   even to the node itself or to a pod on the same node, and meet its groups; and nothing
///   of the node routes to the pod except through the VPC (the main table has no route to
///   it: the node's own traffic to the pod, kubelet's probes among it, leaves on eth0).
///   The CNI's SNAT rule skips `vlan+` devices.
/// - standard: `to <pod> lookup main` at 512 (traffic to the pod arrives through its veth,
///   same-node traffic bypasses the groups) and `from <pod> lookup <VLAN table>` at 1536
///   (the rest leaves through the branch ENI), after the connmark rule at 1024 that sends
///   VPC-external traffic to the main table, out of eth0 with the node's SNAT.
///
/// HostNetwork (the node's own rules and routes) does not print these yet; the walk decides
/// here from the realized branch ENIs.
struct BranchRoute {
    /// The decision as `ip rule` and `ip route` print it.
    var decision: HostRouteDecision
    /// Where the packet goes instead of what the main tables say (nil: as the decision says).
    var exit: NodeExit?
    /// The packet leaves on a `vlan` device in strict mode: the CNI's SNAT does not apply.
    var skipsCNISNAT: Bool
}

extension Walk {
    /// The VLAN device a branch ENI interface stands for on its node.
    func branchDevice(_ i: Int) -> String? {
        f.interfaces[i].vlanID.map { "vlan.eth.\($0)" }
    }

    /// The branch pod rules' decision for this packet, or nil when they play no part.
    func branchRoute(_ nodeName: String, host: HostNetwork, origin: NodeOrigin, source: IPAddress, destination: IPAddress,
                     decision r: HostRouteDecision) -> BranchRoute? {
        guard !f.branchENIByPodIP.isEmpty else { return nil }
        let strict = f.realized.settings.podSecurityGroupStrict
        // From a branch pod of this node.
        if case .pod(let ip) = origin, let b = f.branchENI(of: ip), f.interfaces[b].node == nodeName {
            let iface = f.interfaces[b]
            guard let vlan = iface.vlanID else { return nil }
            if !strict {
                // Standard: the local table, the per-pod 512 rules, the connmark rule and the
                // external service CIDRs come first; only the main table's fallback is replaced.
                guard r.rule.hasPrefix("32766:") else { return nil }
                return BranchRoute(decision: vlanTableDecision(iface, vlan: vlan, rule: "1536: from \(ip) lookup \(vlan + 100)"),
                                   exit: .eni(b), skipsCNISNAT: false)
            }
            let veth = ip.v4.flatMap { vlanVeth($0, host: host) } ?? "vlan"
            return BranchRoute(decision: vlanTableDecision(iface, vlan: vlan, rule: "10: from all iif \(veth) lookup \(vlan + 100)"),
                               exit: .eni(b), skipsCNISNAT: true)
        }
        // To a branch pod of this node.
        guard let b = f.branchENI(of: destination), f.interfaces[b].node == nodeName, let vlan = f.interfaces[b].vlanID,
              case .ipv4(let podIP) = destination else { return nil }
        if case .wire(let dev) = origin, dev == "vlan.eth.\(vlan)" {
            // From the trunk: to the pod's veth (strict: by the VLAN table).
            guard strict else { return nil }
            let veth = vlanVeth(podIP, host: host) ?? r.device
            return BranchRoute(decision: HostRouteDecision.made(rule: "10: from all iif \(dev) lookup \(vlan + 100)", table: vlan + 100,
                                                           route: "\(podIP) dev \(veth) table \(vlan + 100) scope link", device: veth),
                               exit: .pod(destination), skipsCNISNAT: false)
        }
        // The node's own traffic, or another pod's, to a strict-mode branch pod: the main table
        // has no route to it, so it leaves on eth0 and the VPC takes it to the branch ENI.
        guard strict, let p = host.primary, let eth0 = f.ownerOf(p.primaryIP) else { return nil }
        let route = p.subnet.contains(podIP) ? "\(p.subnet) dev \(p.interface) proto kernel scope link src \(p.primaryIP)"
                                             : "default via \(p.gateway) dev \(p.interface)"
        return BranchRoute(decision: HostRouteDecision.made(rule: "32766: from all lookup main", table: 254, route: route, device: p.interface,
                                                       via: p.subnet.contains(podIP) ? nil : p.gateway),
                           exit: .eni(eth0), skipsCNISNAT: false)
    }

    /// A lookup in the branch ENI's VLAN table: its default route.
    func vlanTableDecision(_ iface: Interface, vlan: Int, rule: String) -> HostRouteDecision {
        let gateway = f.subnets[iface.subnet].map { IPv4Address($0.subnet.cidr.network.value + 1) }
        let via = gateway.map { "default via \($0) dev vlan.eth.\(vlan) table \(vlan + 100)" } ?? "default dev vlan.eth.\(vlan) table \(vlan + 100)"
        return HostRouteDecision.made(rule: rule, table: vlan + 100, route: via, device: "vlan.eth.\(vlan)", via: gateway)
    }

    /// The strict-mode host veth of a branch pod: the `vlan` prefix instead of the CNI's.
    func vlanVeth(_ ip: IPv4Address, host: HostNetwork) -> String? {
        guard let name = f.pod(at: ip) else { return nil }
        let parts = name.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        return HostNetwork.vethName(namespace: parts[0], pod: parts[1], prefix: "vlan")
    }
}
