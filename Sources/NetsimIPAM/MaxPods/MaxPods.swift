import NetsimModel

/// The settings that change max pods and pod IP capacity for one instance type.
public struct MaxPodsOptions: Hashable, Sendable {
    /// ENABLE_PREFIX_DELEGATION (`--cni-prefix-delegation-enabled`).
    public var prefixDelegation: Bool
    /// AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG (`--cni-custom-networking-enabled`): one ENI fewer.
    public var customNetworking: Bool
    /// MAX_ENI (`--cni-max-eni`); nil, or a value below 1, means unset, as in ipamd.
    public var maxENI: Int?
    /// ENABLE_POD_ENI: the trunk ENI takes one slot on trunk-compatible types.
    public var securityGroupsForPods: Bool
    /// ENABLE_IPv6: one /80 on the primary ENI; prefix delegation is implied.
    public var ipv6: Bool

    public init(prefixDelegation: Bool = false, customNetworking: Bool = false, maxENI: Int? = nil,
                securityGroupsForPods: Bool = false, ipv6: Bool = false) {
        self.prefixDelegation = prefixDelegation; self.customNetworking = customNetworking
        self.maxENI = maxENI; self.securityGroupsForPods = securityGroupsForPods; self.ipv6 = ipv6
    }

    /// The options an aws-node configuration implies.
    public init(cluster: Cluster) {
        let settings = cluster.awsNode
        self.init(prefixDelegation: settings.prefixDelegation, customNetworking: settings.customNetworking,
                  maxENI: settings.maxENI, securityGroupsForPods: settings.podENI, ipv6: cluster.ipFamily == .ipv6)
    }
}

/// How pod addresses are handed out on a node.
public enum AddressMode: String, Sendable, CaseIterable {
    /// One /32 secondary private IP per pod.
    case secondaryIP = "secondary-ip"
    /// /28 IPv4 prefixes (16 addresses each).
    case prefixDelegation = "prefix-delegation"
    /// One IPv6 /80 prefix on the primary ENI.
    case ipv6
}

/// Max pods and IP capacity for one instance type, as the EKS max-pods calculator and ipamd
/// compute them (`Docs/capacity.md` has the formulas and their upstream sources).
public struct MaxPods: Hashable, Sendable {
    public var instanceType: String
    /// The calculator's default answer: `maxPodsAllowed` capped at 110 (≤ 30 vCPUs) or 250.
    public var maxPodsRecommended: Int
    /// The calculator's `--show-max-allowed` answer, uncapped.
    public var maxPodsAllowed: Int
    /// The cap applied to the recommendation: 110 or 250.
    public var recommendationCap: Int
    /// Pod addresses ipamd can really hand out on the default network card under these settings.
    public var ipCapacity: Int
    /// ENIs the calculator counts: min(MAX_ENI, the default card's ENI limit).
    public var enis: Int
    /// ENIs that carry pod addresses: `enis` less the primary under custom networking and less
    /// the trunk ENI under Security Groups for Pods (IPv6: the primary ENI only).
    public var podENIs: Int
    /// Pod addresses per ENI in the mode ipamd really uses: IPv4 per ENI − 1, × 16 with prefixes.
    public var ipsPerEni: Int
    /// The mode the calculator's formula used.
    public var calculatorMode: AddressMode
    /// The mode ipamd really uses on this type.
    public var ipamdMode: AddressMode
    public var vCPUs: Int?
    /// Whether vCPUs came from the instance's size name because the catalog had no value.
    public var vCPUsInferred: Bool
    /// Security Groups for Pods: whether a trunk ENI takes a slot, and the branch ENIs (pods with
    /// their own security groups) the VPC resource controller allows.
    public var trunkENI: Bool
    public var branchENIs: Int?
    public var networkCards: Int
    public var warnings: [CapacityWarning]

    /// The cap the calculator applies: 250 above 30 vCPUs, else 110.
    public static func recommendationCap(vCPUs: Int) -> Int { vCPUs > 30 ? 250 : 110 }

    /// An IPv6 /80 holds 2^48 addresses: more than any node can run pods.
    public static let ipv6PrefixAddresses = 1 << 48

    public init(type t: InstanceType, options o: MaxPodsOptions) {
        var warnings: [CapacityWarning] = []
        let maxENI = (o.maxENI ?? 0) >= 1 ? o.maxENI : nil
        let enis = min(maxENI ?? t.eniLimit, t.eniLimit)
        let slotsPerENI = max(0, t.ipv4PerENI - 1)
        // The calculator applies the prefix formula only when EC2 reports hypervisor "nitro";
        // ipamd also accepts bare metal (whose hypervisor is usually reported as unknown).
        let calculatorPD = (o.prefixDelegation || o.ipv6) && t.hypervisor == .nitro
        let ipamdPD = (o.prefixDelegation || o.ipv6) && (t.hypervisor == .nitro || t.isBareMetal)
        let calcENIs = max(0, enis - (o.customNetworking ? 1 : 0))
        let allowed = calcENIs * slotsPerENI * (calculatorPD ? 16 : 1) + 2

        let (vcpus, inferred) = t.effectiveVCPUs
        let cap = MaxPods.recommendationCap(vCPUs: vcpus ?? 0)

        let trunkCompatible = t.isTrunkingCompatible ?? true
        let trunk = o.securityGroupsForPods && trunkCompatible && !o.ipv6
        var podENIs = max(0, enis - (o.customNetworking ? 1 : 0) - (trunk ? 1 : 0))
        let ipamdMode: AddressMode = o.ipv6 ? .ipv6 : (ipamdPD ? .prefixDelegation : .secondaryIP)
        let ipsPerEni: Int
        let capacity: Int
        switch ipamdMode {
        case .ipv6:
            podENIs = 1
            ipsPerEni = MaxPods.ipv6PrefixAddresses
            capacity = ipamdPD ? MaxPods.ipv6PrefixAddresses : 0
        case .prefixDelegation:
            ipsPerEni = slotsPerENI * 16
            capacity = podENIs * ipsPerEni
        case .secondaryIP:
            ipsPerEni = slotsPerENI
            capacity = podENIs * ipsPerEni
        }

        if o.prefixDelegation || o.ipv6 {
            if !ipamdPD {
                warnings.append(.init(.prefixDelegationUnsupported,
                    "\(t.name) is not a Nitro or bare-metal type (hypervisor \(t.hypervisor.rawValue)); ipamd ignores ENABLE_PREFIX_DELEGATION and hands out secondary IPs\(o.ipv6 ? ", and IPv6 mode cannot start" : "")"))
            } else if !calculatorPD {
                warnings.append(.init(.prefixDelegationCalculatorMismatch,
                    "\(t.name) is bare metal with hypervisor '\(echo: t.hypervisor.rawValue)': the max-pods calculator uses the secondary-IP formula (\(allowed)) although ipamd assigns prefixes (\(capacity) pod addresses)"))
            }
        }
        if o.customNetworking {
            if o.ipv6 {
                warnings.append(.init(.customNetworkingIPv6, "custom networking is not supported in IPv6 mode; ipamd refuses to start"))
            }
            if enis <= 1 {
                warnings.append(.init(.noPodENIs, "\(t.name) has \(enis) ENI\(enis == 1 ? "" : "s") and custom networking leaves none for pods"))
            }
        }
        if trunk {
            warnings.append(.init(.trunkENISlot,
                "Security Groups for Pods: the trunk ENI takes 1 of \(enis) ENI slots, so ipamd has \(capacity) addresses for ordinary pods while the max-pods table assumes \(t.eniMaxPods - 2); \(t.branchENIs.map { "\($0) branch ENIs" } ?? "an unknown number of branch ENIs") serve pods with their own security groups"))
        } else if o.securityGroupsForPods && !trunkCompatible {
            warnings.append(.init(.trunkUnsupported, "\(t.name) does not support trunk ENIs; Security Groups for Pods cannot place branch-ENI pods on it"))
        } else if o.securityGroupsForPods && o.ipv6 {
            warnings.append(.init(.trunkUnsupported, "Security Groups for Pods is not supported in IPv6 mode"))
        }
        if t.networkCards.count > 1 {
            let total = t.networkCards.reduce(0, +)
            warnings.append(.init(.multiCard,
                "\(t.name) has \(t.networkCards.count) network cards (\(total) ENIs in all); ipamd and the max-pods table use only card \(t.defaultNetworkCard) (\(t.eniLimit) ENIs) unless ENABLE_MULTI_NIC is set"))
        }
        if let maxENI, maxENI < t.eniLimit {
            warnings.append(.init(.maxENILimits, "MAX_ENI=\(maxENI) leaves \(maxENI) of \(t.eniLimit) ENIs"))
        }
        let ipamdMaxPods = capacity + 2
        if o.customNetworking || trunk || maxENI != nil, !o.ipv6, ipamdMaxPods < min(t.eniMaxPods, cap) {
            warnings.append(.init(.maxPodsExceedsIPs,
                "kubelet's default max pods for \(t.name) is \(min(t.eniMaxPods, cap)) (eni-max-pods.txt, capped), but only \(capacity) pod addresses exist: pods past that wait in ContainerCreating; lower kubelet max pods to \(min(ipamdMaxPods, cap))\(trunk ? " plus the branch-ENI pods you run" : "")"))
        }
        if vcpus == nil {
            warnings.append(.init(.vCPUsUnknown, "the catalog has no vCPU count for \(t.name); the 110 cap is assumed"))
        }

        self.instanceType = t.name
        self.maxPodsAllowed = allowed
        self.maxPodsRecommended = min(allowed, cap)
        self.recommendationCap = cap
        self.ipCapacity = capacity
        self.enis = enis
        self.podENIs = podENIs
        self.ipsPerEni = ipsPerEni
        self.calculatorMode = o.ipv6 ? (calculatorPD ? .ipv6 : .secondaryIP) : (calculatorPD ? .prefixDelegation : .secondaryIP)
        self.ipamdMode = ipamdMode
        self.vCPUs = vcpus
        self.vCPUsInferred = inferred
        self.trunkENI = trunk
        self.branchENIs = o.securityGroupsForPods ? (trunk ? (t.branchENIs ?? 0) : 0) : nil
        self.networkCards = t.networkCards.count
        self.warnings = warnings
    }
}

/// A known capacity trap, with a stable code.
public struct CapacityWarning: Hashable, Sendable {
    public enum Code: String, Sendable, CaseIterable {
        case prefixDelegationUnsupported = "prefix-delegation-unsupported"
        case prefixDelegationCalculatorMismatch = "prefix-delegation-calculator-mismatch"
        case customNetworkingIPv6 = "custom-networking-ipv6"
        case noPodENIs = "no-pod-enis"
        case trunkENISlot = "trunk-eni-slot"
        case trunkUnsupported = "trunk-unsupported"
        case multiCard = "multi-card"
        case maxENILimits = "max-eni"
        case maxPodsExceedsIPs = "max-pods-exceeds-ips"
        case vCPUsUnknown = "vcpus-unknown"
        case fragmentation = "prefix-fragmentation"
        case subnetTooSmall = "subnet-too-small"
        case subnetExhausted = "subnet-exhausted"
        case podsWithoutIP = "pods-without-ip"
        case podsUnscheduled = "pods-unscheduled"
        case ignoredSetting = "ignored-setting"
        case throttled = "ec2-throttled"
        case invalidSetting = "invalid-setting"
    }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) { self.code = code; self.message = message }
}

extension InstanceType {
    /// vCPUs from the catalog, else from the size in the name (EC2's naming: medium 1, large 2,
    /// xlarge 4, Nxlarge 4N, metal-Nxl 4N); whole-host `.metal` types without a size are large
    /// machines (> 30 vCPUs) and count as 96. The flag says the value was inferred.
    public var effectiveVCPUs: (Int?, Bool) {
        if let vCPUs { return (vCPUs, false) }
        guard let size = name.split(separator: ".", maxSplits: 1).last.map(String.init) else { return (nil, false) }
        switch size {
        case "nano", "micro", "small", "medium": return (size == "medium" ? 1 : 2, true)
        case "large": return (2, true)
        case "xlarge": return (4, true)
        case "metal": return (96, true)
        default: break
        }
        var digits = size
        if digits.hasPrefix("metal-") { digits.removeFirst("metal-".count) }
        for suffix in ["xlarge", "xl"] where digits.hasSuffix(suffix) {
            if let n = Int(digits.dropLast(suffix.count)), n > 0 { return (4 * n, true) }
        }
        return (nil, false)
    }
}
