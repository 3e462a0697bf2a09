/// The aws-node settings ipamd reads, parsed the way ipamd parses them (VPC CNI v1.23.1), with
/// the defaults of the aws-node manifest EKS installs (WARM_ENI_TARGET=1, WARM_PREFIX_TARGET=1).
///
/// Values ipamd would reject fall back as ipamd does; `netsim check` reports them (NS0804).
public struct CNISettings: Hashable, Sendable {
    /// AWS_VPC_K8S_CNI_CONNMARK as aws-node reads it: `0x…` hexadecimal or decimal, 32 bits.
    public static func parseMark(_ s: String) -> UInt32? {
        s.hasPrefix("0x") || s.hasPrefix("0X") ? UInt32(s.dropFirst(2), radix: 16) : UInt32(s)
    }

    /// The largest WARM_ENI_TARGET, WARM_IP_TARGET, MINIMUM_IP_TARGET, WARM_PREFIX_TARGET, MAX_ENI
    /// or IP_COOLDOWN_PERIOD netsim computes with; larger values are clamped to it (and `netsim
    /// check` warns, NS0804). It is more than any node can hold (at most 1,024 ENIs × 1,023 /28s
    /// × 16 addresses, under 2^25), so the pool behaves the same — it grows until the ENIs are
    /// full — while every product and sum on it stays far from overflowing. A cooldown this long
    /// (34 years) outlasts any simulation.
    public static let largestCount = 1 << 30
    /// The settings `largestCount` clamps.
    public static let clampedSettings: Set<String> = ["WARM_ENI_TARGET", "WARM_IP_TARGET", "MINIMUM_IP_TARGET", "WARM_PREFIX_TARGET",
                                                       "MAX_ENI", "IP_COOLDOWN_PERIOD"]

    public var warmENITarget: Int = 1
    public var warmIPTarget: Int = 0
    public var minimumIPTarget: Int = 0
    public var warmPrefixTarget: Int = 1
    /// MAX_ENI; nil when unset or below 1.
    public var maxENI: Int?
    public var prefixDelegation = false
    public var customNetworking = false
    public var subnetDiscovery = true
    public var podENI = false
    /// POD_SECURITY_GROUP_ENFORCING_MODE: strict (the default) or standard.
    public var podSecurityGroupStrict = true
    /// IP_COOLDOWN_PERIOD in seconds.
    public var ipCooldownSeconds = 30
    public var externalSNAT = false
    public var clusterName: String?
    /// ENI_CONFIG_LABEL_DEF and ENI_CONFIG_ANNOTATION_DEF.
    public var eniConfigLabel = "k8s.amazonaws.com/eniConfig"
    public var ipv6 = false
    /// ENABLE_V4_EGRESS (default true): in an IPv6 cluster, the egress plugin gives each pod an
    /// IPv4 interface (`v4if0`) SNATed to the node's IPv4 address.
    public var v4Egress = true

    // The node datapath's settings (aws-node's host networking), as aws-node reads them.
    /// AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: each entry read with Go's net.ParseCIDR, no trimming;
    /// unreadable entries skipped (check warns, NS0804).
    public var excludeSNATCIDRs: [IPv4CIDR] = []
    /// AWS_VPC_CNI_NODE_PORT_SUPPORT: on unless set to something other than a true boolean.
    public var nodePortSupport = true
    /// AWS_VPC_K8S_CNI_VETHPREFIX.
    public var vethPrefix = "eni"
    /// AWS_VPC_K8S_CNI_CONNMARK (0x80 when unset or unreadable; check reports it).
    public var connmark: UInt32 = 0x80
    /// AWS_VPC_K8S_CNI_RANDOMIZESNAT: prng, hashrandom or none.
    public var randomizeSNAT = "prng"
    /// AWS_EXTERNAL_SERVICE_CIDRS: entries trimmed of spaces, unreadable ones skipped.
    public var externalServiceCIDRs: [IPv4CIDR] = []
    /// NETWORK_POLICY_ENFORCING_MODE is strict (any case): the network policy agent starts every
    /// pod default-deny.
    public var networkPolicyStrict = false
    /// Where each setting is written (the last writing of a name wins, as for its value); not
    /// part of the settings' identity (two runs with the same values are the same settings).
    public var sources = Sources()

    public struct Sources: Hashable, Sendable {
        public var byName: [String: SourceLocation] = [:]
        public init() {}
        public subscript(_ name: String) -> SourceLocation? { byName[name] }
        public static func == (a: Sources, b: Sources) -> Bool { true }
        public func hash(into h: inout Hasher) {}
    }

    public init() {}

    public init(cluster: Cluster) {
        self.init(values: cluster.cni.map { ($0.name, $0.value) }, clusterName: cluster.name)
        ipv6 = cluster.ipFamily == .ipv6 || ipv6
        for c in cluster.cni { sources.byName[c.name] = c.location }
    }

    /// From `(name, value)` pairs; the last value of a name wins.
    public init(values: [(String, String)], clusterName: String? = nil) {
        var map: [String: String] = [:]
        for (k, v) in values { map[k] = v }
        /// `unset` when the variable is absent (the manifest's value), `invalid` when ipamd
        /// cannot parse it or it is negative (ipamd's code default).
        func int(_ key: String, unset: Int, invalid: Int) -> Int {
            guard let text = map[key] else { return unset }
            guard let n = Int(text), n >= 0 else { return invalid }
            return Swift.min(n, CNISettings.largestCount)
        }
        warmENITarget = int("WARM_ENI_TARGET", unset: 1, invalid: 1)
        warmIPTarget = int("WARM_IP_TARGET", unset: 0, invalid: 0)
        minimumIPTarget = int("MINIMUM_IP_TARGET", unset: 0, invalid: 0)
        warmPrefixTarget = int("WARM_PREFIX_TARGET", unset: 1, invalid: 0)
        let maxENIValue = int("MAX_ENI", unset: -1, invalid: -1)
        maxENI = maxENIValue >= 1 ? maxENIValue : nil
        // A negative cooldown means none in ipamd; an unparsable one keeps the default.
        if let text = map["IP_COOLDOWN_PERIOD"], let n = Int(text) { ipCooldownSeconds = Swift.min(max(0, n), CNISettings.largestCount) } else { ipCooldownSeconds = 30 }
        prefixDelegation = flag(map["ENABLE_PREFIX_DELEGATION"]) ?? false
        customNetworking = flag(map["AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG"]) ?? false
        subnetDiscovery = flag(map["ENABLE_SUBNET_DISCOVERY"]) ?? true
        podENI = flag(map["ENABLE_POD_ENI"]) ?? false
        podSecurityGroupStrict = map["POD_SECURITY_GROUP_ENFORCING_MODE"] != "standard"
        externalSNAT = flag(map["AWS_VPC_K8S_CNI_EXTERNALSNAT"]) ?? false
        ipv6 = flag(map["ENABLE_IPv6"]) ?? false
        v4Egress = flag(map["ENABLE_V4_EGRESS"]) ?? true
        self.clusterName = map["CLUSTER_NAME"] ?? clusterName
        if let label = map["ENI_CONFIG_LABEL_DEF"], !label.isEmpty { eniConfigLabel = label }
        excludeSNATCIDRs = (map["AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS"] ?? "").split(separator: ",").compactMap { IPv4CIDR(lenient: $0) }
        nodePortSupport = map["AWS_VPC_CNI_NODE_PORT_SUPPORT"].map { flag($0) == true } ?? true
        vethPrefix = map["AWS_VPC_K8S_CNI_VETHPREFIX"] ?? "eni"
        connmark = map["AWS_VPC_K8S_CNI_CONNMARK"].flatMap(CNISettings.parseMark) ?? 0x80
        randomizeSNAT = map["AWS_VPC_K8S_CNI_RANDOMIZESNAT"] ?? "prng"
        networkPolicyStrict = map["NETWORK_POLICY_ENFORCING_MODE"]?.lowercased() == "strict"
        externalServiceCIDRs = (map["AWS_EXTERNAL_SERVICE_CIDRS"] ?? "").split(separator: ",").compactMap { part -> IPv4CIDR? in
            var t = Substring(part)
            while t.first == " " { t = t.dropFirst() }
            while t.last == " " { t = t.dropLast() }
            return IPv4CIDR(lenient: t)
        }
    }

    /// Whether WARM_IP_TARGET or MINIMUM_IP_TARGET is in force (ipamd's `warmIPTargetsDefined`).
    public var warmIPTargetsSet: Bool { warmIPTarget > 0 || minimumIPTarget > 0 }

    /// The settings ipamd ignores in this combination, each with the reason.
    public func ignoredSettings(explicit: Set<String>) -> [(name: String, reason: String)] {
        var out: [(String, String)] = []
        if warmIPTargetsSet && explicit.contains("WARM_ENI_TARGET") {
            out.append(("WARM_ENI_TARGET", "WARM_IP_TARGET or MINIMUM_IP_TARGET is set, and those take precedence"))
        }
        if prefixDelegation && !warmIPTargetsSet && explicit.contains("WARM_ENI_TARGET") {
            out.append(("WARM_ENI_TARGET", "prefix delegation is on; ipamd keeps WARM_PREFIX_TARGET free prefixes instead"))
        }
        if !prefixDelegation && explicit.contains("WARM_PREFIX_TARGET") {
            out.append(("WARM_PREFIX_TARGET", "prefix delegation is off"))
        }
        if prefixDelegation && warmIPTargetsSet && explicit.contains("WARM_PREFIX_TARGET") {
            out.append(("WARM_PREFIX_TARGET", "WARM_IP_TARGET or MINIMUM_IP_TARGET is set, and those take precedence"))
        }
        if prefixDelegation && !warmIPTargetsSet && warmPrefixTarget == 0 {
            out.append(("WARM_PREFIX_TARGET", "0 keeps no free /28 prefix: ipamd adds a prefix only when no address is left (the waiting pod takes one) and releases every prefix without pods, so a pod that finds its node's prefixes full waits for EC2"))
        }
        if ipv6 {
            for k in ["WARM_ENI_TARGET", "WARM_IP_TARGET", "MINIMUM_IP_TARGET", "WARM_PREFIX_TARGET", "MAX_ENI"] where explicit.contains(k) {
                out.append((k, "IPv6 mode assigns one /80 to the primary ENI and runs no warm pool"))
            }
        }
        return out
    }

    private func flag(_ v: String?) -> Bool? {
        v.flatMap(Strconv.parseBool)
    }
}
