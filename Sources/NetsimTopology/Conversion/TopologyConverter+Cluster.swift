import Foundation
import NetsimModel
import Yams

extension TopologyConverter {
    /// aws-node environment names netsim knows (VPC CNI v1.23.1), with the kind of value ipamd parses.
    enum CNIValueKind { case bool, int, string }
    static let cniSettings: [String: CNIValueKind] = [
        "WARM_ENI_TARGET": .int, "WARM_IP_TARGET": .int, "MINIMUM_IP_TARGET": .int, "WARM_PREFIX_TARGET": .int,
        "MAX_ENI": .int, "IP_COOLDOWN_PERIOD": .int, "AWS_VPC_ENI_MTU": .int,
        "ENABLE_PREFIX_DELEGATION": .bool, "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG": .bool, "ENABLE_SUBNET_DISCOVERY": .bool,
        "ENABLE_POD_ENI": .bool, "AWS_MANAGE_ENIS_NON_SCHEDULABLE": .bool, "DISABLE_NETWORK_RESOURCE_PROVISIONING": .bool,
        "ENABLE_IMDS_ONLY_MODE": .bool, "ENABLE_MULTI_NIC": .bool, "AWS_VPC_K8S_CNI_EXTERNALSNAT": .bool,
        "AWS_VPC_CNI_NODE_PORT_SUPPORT": .bool, "ENABLE_IPv4": .bool, "ENABLE_IPv6": .bool, "ENABLE_V4_EGRESS": .bool,
        "ENABLE_V6_EGRESS": .bool, "DISABLE_TCP_EARLY_DEMUX": .bool, "ANNOTATE_POD_IP": .bool,
        "DISABLE_LEAKED_ENI_CLEANUP": .bool, "ENABLE_NFTABLES": .bool, "ENABLE_BANDWIDTH_PLUGIN": .bool,
        "DISABLE_INTROSPECTION": .bool, "DISABLE_METRICS": .bool,
        "AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS": .string, "AWS_VPC_K8S_CNI_RANDOMIZESNAT": .string,
        "AWS_VPC_K8S_CNI_VETHPREFIX": .string, "AWS_VPC_K8S_CNI_CONNMARK": .string,
        "AWS_EXTERNAL_SERVICE_CIDRS": .string, "ENI_CONFIG_ANNOTATION_DEF": .string, "ENI_CONFIG_LABEL_DEF": .string,
        "CLUSTER_NAME": .string, "ADDITIONAL_ENI_TAGS": .string, "POD_SECURITY_GROUP_ENFORCING_MODE": .string,
        "NETWORK_POLICY_ENFORCING_MODE": .string, "AWS_VPC_K8S_CNI_LOGLEVEL": .string,
        "AWS_VPC_K8S_CNI_LOG_FILE": .string, "AWS_VPC_K8S_PLUGIN_LOG_FILE": .string,
        "AWS_VPC_K8S_PLUGIN_LOG_LEVEL": .string, "INTROSPECTION_BIND_ADDRESS": .string,
    ]

    /// EKS's default service range when none is given: 172.20.0.0/16 when the VPC uses
    /// 10.0.0.0/8 addresses, else 10.100.0.0/16 (EKS CreateCluster `serviceIpv4Cidr`).
    func defaultServiceCIDR(vpcBlocks: [IPv4CIDR]) -> IPv4CIDR {
        let ten = IPv4CIDR(network: IPv4Address(10, 0, 0, 0), prefixLength: 8)
        return vpcBlocks.contains { $0.overlaps(ten) }
            ? IPv4CIDR(network: IPv4Address(172, 20, 0, 0), prefixLength: 16)
            : IPv4CIDR(network: IPv4Address(10, 100, 0, 0), prefixLength: 16)
    }

    func convertCluster(_ node: Node, vpc: String?, vpcBlocks: [IPv4CIDR] = []) -> Cluster? {
        guard let r = MappingReader.make(node, file: file, context: "cluster", reporter: reporter) else { return nil }
        let name = r.string("name", required: true) ?? "cluster"
        let version = r.string("version") ?? "1.31"
        var serviceCIDR = defaultServiceCIDR(vpcBlocks: vpcBlocks)
        if let (text, loc) = r.locatedString("serviceCidr") {
            if let c = cidr4(text, at: loc, what: "service CIDR") {
                if c.prefixLength < 12 || c.prefixLength > 24 {
                    reporter.error(.cidrSize, "service CIDR \(c) is a /\(c.prefixLength); EKS accepts /12 to /24", at: loc)
                } else { serviceCIDR = c }
            }
            locations["serviceCidr"] = loc
        } else {
            locations["serviceCidr"] = r.location
        }
        let ipFamily = r.choice("ipFamily", Cluster.IPFamily.self) ?? .ipv4
        if r.has("ipFamily") { locations["ipFamily"] = r.valueLocation("ipFamily") }
        var nodePorts = PortRange(30000, 32767)
        if r.has("nodePortRange"), let p = ports(r, key: "nodePortRange") { nodePorts = p }
        var cni: [CNISetting] = []
        for (k, v, loc) in r.stringMap("cni") + cniOverrides.map({ ($0.name, $0.value, $0.location) }) {
            cni.append(CNISetting(name: k, value: v, location: loc))
            checkCNISetting(k, v, at: loc, ipv6: ipFamily == .ipv6)
        }
        var cluster = Cluster(name: name, version: version, serviceCIDR: serviceCIDR, ipFamily: ipFamily,
                              nodePortRange: nodePorts, cni: cni, location: r.location)
        // The settings as ipamd and aws-node read them, once: check (below and in resolve), the
        // realizer and the node datapath all take these values.
        cluster.cniSettings = CNISettings(cluster: cluster)
        for item in r.list("eniConfigs") ?? [] {
            guard let er = MappingReader.make(item, file: file, context: "an ENIConfig", reporter: reporter),
                  let n = er.string("name", required: true) else { continue }
            define(.eniConfig, n, at: er.location)
            let subnet = er.locatedString("subnet", required: true)
            if let (s, loc) = subnet { reference(.subnet, s, vpc: vpc, at: loc, from: "ENIConfig '\(echo: n)'") }
            let sgs = er.stringList("securityGroups")
            for (g, loc) in sgs { reference(.securityGroup, g, vpc: vpc, at: loc, from: "ENIConfig '\(echo: n)'") }
            er.finish()
            cluster.eniConfigs.append(ENIConfig(name: n, subnet: subnet?.0 ?? "", securityGroups: sgs.map(\.0), location: er.location))
        }
        for item in r.list("nodeGroups") ?? [] {
            if let g = convertNodeGroup(item, vpc: vpc) { cluster.nodeGroups.append(g) }
        }
        cluster.serviceIPv6CIDR = convertServiceIPv6CIDR(r, ipFamily: ipFamily)
        cluster.fargateProfiles = convertFargateProfiles(r, vpc: vpc)
        if let kr = r.mapping("kubeProxy", context: "cluster.kubeProxy") { cluster.kubeProxy = convertKubeProxy(kr) }
        if let cr = r.mapping("controlPlane", context: "cluster.controlPlane") { cluster.controlPlane = convertControlPlane(cr, cluster: name, vpc: vpc) }
        cluster.networkPolicy = convertNetworkPolicySettings(r, cni: cni)
        r.finish()
        return cluster
    }

    /// A CIDR as kube-proxy v1.31 parses it (`k8s.io/utils/net` `ParseCIDRSloppy`, the Go 1.16
    /// parser kept for stored values): `a.b.c.d/n` whose numbers are decimal digits, leading
    /// zeros allowed (`010.000.0.0/016` is 10.0.0.0/16), octets at most 255, n at most 32, host
    /// bits masked; or an IPv6 CIDR. Nothing is trimmed: white space anywhere fails. nil when
    /// kube-proxy refuses it.
    enum SloppyCIDR { case v4(IPv4CIDR), v6
        var v4: IPv4CIDR? { if case .v4(let c) = self { return c }; return nil }
    }
    static func parseCIDRSloppy(_ text: String) -> SloppyCIDR? {
        let bytes = Array(text.utf8)
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        /// Decimal digits, any number of leading zeros; nil if empty, not digits or above `max`.
        func number(_ b: ArraySlice<UInt8>, max: Int) -> Int? {
            guard !b.isEmpty else { return nil }
            var v = 0
            for c in b {
                guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { return nil }
                v = v * 10 + Int(c - UInt8(ascii: "0"))
                if v > max { return nil }
            }
            return v
        }
        let addr = bytes[..<slash], mask = bytes[(slash + 1)...]
        let octets = addr.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if octets.count == 4, !addr.contains(where: { $0 == UInt8(ascii: ":") }) {
            var value: UInt32 = 0
            for o in octets {
                guard let v = number(o, max: 255) else { return nil }
                value = value << 8 | UInt32(v)
            }
            guard let n = number(mask, max: 32) else { return nil }
            return .v4(IPv4CIDR(network: IPv4Address(value), prefixLength: n))
        }
        guard addr.contains(UInt8(ascii: ":")), let n = number(mask, max: 128),
              IPv6CIDR.parse(String(decoding: addr, as: UTF8.self) + "/\(n)") != nil else { return nil }
        return .v6
    }

    /// `cluster.kubeProxy`: the kube-proxy add-on's configuration (KubeProxyConfiguration v1alpha1,
    /// kubernetes v1.31), validated as kube-proxy validates it at start-up
    /// (`pkg/proxy/apis/config/validation/validation.go`; the v1alpha1 `clusterCIDR` text is
    /// split on commas, without trimming, into `detectLocal.clusterCIDRs`).
    func convertKubeProxy(_ r: MappingReader) -> KubeProxySettings {
        var s = KubeProxySettings(location: r.location)
        r.context = "cluster.kubeProxy"
        let explicitMode = r.choice("detectLocalMode", KubeProxySettings.DetectLocalMode.self)
        if let mode = explicitMode { s.detectLocalMode = mode }
        if let (text, loc) = r.locatedString("clusterCIDR"), !text.isEmpty {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let notStart = "kube-proxy would not start"
            if s.detectLocalMode != .ClusterCIDR {
                // Read (and validated) only by the ClusterCIDR detector.
                reporter.warning(.kubeProxyIgnored, "clusterCIDR has no effect with detectLocalMode \(s.detectLocalMode.rawValue): kube-proxy reads and validates it only in ClusterCIDR mode",
                                 at: loc, hint: "drop clusterCIDR, or use detectLocalMode: ClusterCIDR")
            } else if parts.count > 2 {
                reporter.error(.kubeProxyConfig, "clusterCIDR '\(echo: text)' lists \(parts.count) CIDRs, but kube-proxy takes one, or an IPv4 and IPv6 pair: \(notStart)", at: loc,
                               hint: "e.g. clusterCIDR: 10.0.0.0/16")
            } else {
                var parsed: [SloppyCIDR] = []
                for p in parts {
                    if let c = Self.parseCIDRSloppy(p) { parsed.append(c) } else {
                        reporter.error(.kubeProxyConfig, "clusterCIDR entry '\(echo: p)' is not a CIDR kube-proxy reads (no spaces, no empty entries): \(notStart)", at: loc,
                                       hint: "e.g. clusterCIDR: 10.0.0.0/16; a dual-stack pair is \"10.0.0.0/16,fd00::/48\" without spaces; \"\" for none (EKS's default)")
                    }
                }
                if parsed.count == 2, (parsed[0].v4 == nil) == (parsed[1].v4 == nil) {
                    var hint = "list one CIDR that covers the pods' addresses"
                    if let a = parsed[0].v4, let b = parsed[1].v4 {
                        // The smallest CIDR holding both.
                        let common = min(a.prefixLength, b.prefixLength, (a.network.value ^ b.network.value).leadingZeroBitCount)
                        hint += ": clusterCIDR: \(IPv4CIDR(network: a.network, prefixLength: common))"
                    }
                    reporter.error(.kubeProxyConfig, "clusterCIDR '\(echo: text)' lists two \(parsed[0].v4 == nil ? "IPv6" : "IPv4") CIDRs, but a pair must be one IPv4 and one IPv6: \(notStart)", at: loc,
                                   hint: hint)
                }
                // The detector uses the first IPv4 entry.
                s.clusterCIDR = parsed.lazy.compactMap(\.v4).first
            }
        }
        var badInterface = false
        if let d = r.mapping("detectLocal", context: "cluster.kubeProxy.detectLocal") {
            // kube-proxy v1.31 checks only that the name is not empty (validation.go
            // `validateInterface`), then writes it into its iptables-restore input unquoted:
            // `-i NAME` (bridge) or `-i PREFIX+`. iptables (`xtables_parse_interface`) refuses
            // names of 16 bytes or more with the '+'; white space splits the argument, a NUL
            // byte cuts the line short, quotes and '!' are parsed by iptables-restore; the
            // kernel names no interface with '/' or ':' (`dev_valid_name`). Any of these, and
            // the VPC CNI's pods get no working Service rules.
            func interface(_ key: String, max: Int) -> String? {
                guard let v = d.string(key) else { return nil }
                let bad = v.utf8.count > max || v.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
                    || v.contains { $0.isWhitespace || $0 == "/" || $0 == ":" || $0 == "\"" || $0 == "'" || $0 == "!" || $0 == "+" }
                if bad || v == "." || v == ".." {
                    badInterface = true
                    reporter.error(.kubeProxyConfig, "detectLocal.\(key) '\(echo: v)' is not a Linux interface name\(key == "interfaceNamePrefix" ? " prefix" : "") iptables accepts: iptables-restore would refuse kube-proxy's rules on every sync, so no Service would work", at: d.valueLocation(key),
                                   hint: "at most \(max) bytes, without white space, control characters, '/', ':', quotes, '!' or '+'\(key == "interfaceNamePrefix" ? ", e.g. eni" : "")")
                    return nil
                }
                return v
            }
            s.bridgeInterface = interface("bridgeInterface", max: 15)
            s.interfaceNamePrefix = interface("interfaceNamePrefix", max: 14)
            d.finish()
        }
        switch s.detectLocalMode {
        case .BridgeInterface where (s.bridgeInterface ?? "").isEmpty && !badInterface:
            reporter.error(.kubeProxyConfig, "detectLocalMode BridgeInterface needs detectLocal.bridgeInterface", at: r.valueLocation("detectLocalMode"),
                           hint: "kube-proxy refuses to start without it")
        case .InterfaceNamePrefix where (s.interfaceNamePrefix ?? "").isEmpty && !badInterface:
            reporter.error(.kubeProxyConfig, "detectLocalMode InterfaceNamePrefix needs detectLocal.interfaceNamePrefix", at: r.valueLocation("detectLocalMode"),
                           hint: "with the VPC CNI, pods' host interfaces start with its veth prefix: interfaceNamePrefix: eni")
        case .NodeCIDR:
            // v1.31 cmd/kube-proxy/app/server_linux.go: platformSetup waits for the node's
            // spec.podCIDR (waitForPodCIDR, timeoutForNodePodCIDR = 5 minutes) and returns an
            // error when it never comes, so kube-proxy exits.
            reporter.error(.kubeProxyConfig, "detectLocalMode NodeCIDR: kube-proxy waits for the node's spec.podCIDR, which EKS nodes never get (the VPC CNI gives pods VPC addresses); after 5 minutes it exits, so it crash-loops and writes no Service rules",
                           at: r.valueLocation("detectLocalMode"), hint: "use detectLocalMode: InterfaceNamePrefix with detectLocal.interfaceNamePrefix: eni, or ClusterCIDR with clusterCIDR set to the VPC's CIDR blocks")
        case .ClusterCIDR where s.clusterCIDR == nil && explicitMode == .ClusterCIDR:
            reporter.warning(.kubeProxyIgnored, "detectLocalMode ClusterCIDR without clusterCIDR: kube-proxy runs without a local-traffic detector",
                             at: r.valueLocation("detectLocalMode"), hint: "set clusterCIDR to the pods' addresses (the VPC's CIDR blocks)")
        default: break
        }
        // validation.go `validateKubeProxyNodePortAddress`: 'primary' (exactly) must be the
        // only entry; every other entry must parse with ParseCIDRSloppy (nothing trimmed).
        let addresses = r.stringList("nodePortAddresses")
        for (i, (a, loc)) in addresses.enumerated() {
            if a == "primary" {
                if addresses.count == 1 { s.nodePortPrimary = true } else {
                    reporter.error(.kubeProxyConfig, "nodePortAddresses lists 'primary' with \(addresses.count - 1) other entr\(addresses.count == 2 ? "y" : "ies"), but kube-proxy can't use both 'primary' and CIDRs: kube-proxy would not start", at: loc,
                                   hint: "write nodePortAddresses: [primary] alone, or only CIDRs")
                }
                break
            }
            if let c = Self.parseCIDRSloppy(a) {
                if let v4 = c.v4 { s.nodePortAddresses.append(v4) }
            } else {
                reporter.error(.kubeProxyConfig, "nodePortAddresses entry '\(echo: a)' is neither a CIDR kube-proxy reads (no spaces) nor 'primary': kube-proxy would not start", at: loc,
                               hint: i == 0 ? "e.g. nodePortAddresses: [primary] or [10.0.0.0/16]" : "e.g. nodePortAddresses: [10.0.0.0/16, 127.0.0.0/8]")
            }
        }
        if let i = r.mapping("iptables", context: "cluster.kubeProxy.iptables") {
            if let v = i.bool("masqueradeAll") { s.masqueradeAll = v }
            if let v = i.bool("localhostNodePorts") {
                s.localhostNodePorts = v
                let loopback = s.nodePortAddresses.contains { $0.contains(IPv4Address(127, 0, 0, 1)) || $0.prefixLength == 0 }
                if v, s.nodePortPrimary || !s.nodePortAddresses.isEmpty, !loopback {
                    reporter.warning(.kubeProxyIgnored, "iptables.localhostNodePorts is true, but nodePortAddresses does not include 127.0.0.0/8: kube-proxy turns localhost NodePorts off",
                                     at: i.valueLocation("localhostNodePorts"), hint: "add 127.0.0.0/8 to nodePortAddresses, or drop localhostNodePorts")
                }
            }
            i.finish()
        }
        if let c = r.mapping("conntrack", context: "cluster.kubeProxy.conntrack") {
            if let v = c.bool("tcpBeLiberal") { s.tcpBeLiberal = v }
            c.finish()
        }
        r.finish()
        return s
    }

    func checkCNISetting(_ name: String, _ value: String, at loc: SourceLocation, ipv6: Bool = false) {
        guard let kind = Self.cniSettings[name] else {
            let dym = Suggestions.didYouMean(name, in: Self.cniSettings.keys.sorted())
            reporter.warning(.unknownCNISetting, "aws-node setting '\(echo: name)' is not one netsim knows" + (SettingOverride.isArgument(loc) ? "" : "; it is ignored"), at: loc,
                             hint: dym.isEmpty ? "see Docs/topology-format.md for the settings netsim models" : dym)
            return
        }
        switch kind {
        case .bool where Strconv.parseBool(value) == nil:
            reporter.warning(.invalidCNIValue, "\(name)='\(echo: value)' is not a boolean; ipamd treats it as false", at: loc,
                             hint: "write \"true\" or \"false\"")
        case .int where name != "AWS_VPC_ENI_MTU":
            if let n = Int(value) {
                if n > CNISettings.largestCount && CNISettings.clampedSettings.contains(name) {
                    reporter.warning(.invalidCNIValue, "\(name)=\(n) is more than any node can hold; netsim computes with \(CNISettings.largestCount), which acts the same (\(name == "IP_COOLDOWN_PERIOD" ? "an address released never comes back within a run" : (name == "MAX_ENI" ? "every ENI the type allows" : "ipamd grows the pool until the ENIs are full")))",
                                     at: loc, hint: "set a value a node can reach; ipamd's own arithmetic on numbers this large can overflow")
                }
                if n < 0 {
                    let fallback = name == "WARM_ENI_TARGET" ? "1" : (name == "MAX_ENI" ? "unset" : (name == "AWS_VPC_ENI_MTU" ? "9001" : "0"))
                    reporter.warning(.invalidCNIValue, "\(name)=\(n) is negative; ipamd uses \(fallback) instead", at: loc,
                                     hint: "write a whole number of 0 or more")
                }
            } else {
                let fallback = name == "WARM_ENI_TARGET" ? "1" : (name == "MAX_ENI" ? "unset" : (name == "IP_COOLDOWN_PERIOD" ? "30" : (name == "AWS_VPC_ENI_MTU" ? "9001" : "0")))
                reporter.warning(.invalidCNIValue, "\(name)='\(echo: value)' is not a whole number; ipamd uses \(fallback) instead",
                                 at: loc, hint: "write a whole number such as \"1\"")
            }
        default: break
        }
        switch name {
        case "NETWORK_POLICY_ENFORCING_MODE":
            checkEnforcingMode(value, at: loc)
        case "POD_SECURITY_GROUP_ENFORCING_MODE":
            checkPodSecurityGroupEnforcingMode(value, at: loc)
        case "AWS_VPC_K8S_CNI_VETHPREFIX":
            // aws-node refuses to start (cmd/aws-vpc-cni/main.go): at most 4 characters, and
            // not a prefix of the host's own interfaces.
            if value.count > 4 || ["eth", "lo", "vlan"].contains(value) {
                reporter.error(.invalidCNIValue, "AWS_VPC_K8S_CNI_VETHPREFIX='\(echo: value)' is refused by aws-node: it must be at most 4 characters and not eth, lo or vlan", at: loc,
                               hint: "use a short prefix such as \"eni\" (the default) or \"pod\"")
            }
        case "AWS_VPC_K8S_CNI_CONNMARK":
            if CNISettings.parseMark(value) == nil {
                reporter.error(.invalidCNIValue, "AWS_VPC_K8S_CNI_CONNMARK='\(echo: value)' is not a 32-bit mark", at: loc, hint: "write a number such as \"0x80\" (the default) or \"128\"")
            }
        case "AWS_VPC_ENI_MTU":
            // aws-node's start-up check (cmd/aws-vpc-cni/main.go, validateEnvVars and
            // validateMTU, v1.23.1): a whole number within the address family's range, or the
            // container exits before ipamd starts.
            let low = ipv6 ? 1280 : 576
            if let n = Int(value), (low...9001).contains(n) { break }
            reporter.error(.invalidCNIValue, "AWS_VPC_ENI_MTU='\(echo: value)' is refused by aws-node: it must be a whole number from \(low) to 9001\(ipv6 ? " in an IPv6 cluster" : "")", at: loc,
                           hint: "use 9001 (the default, jumbo frames inside the VPC) or 1500 for paths that need it")
        case "AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS":
            // ipamd parses each comma-separated entry with Go's net.ParseCIDR and skips (with a
            // log line) the ones it cannot read (pkg/networkutils/network.go, getExcludeSNATCIDRs).
            for part in value.split(separator: ",", omittingEmptySubsequences: false) where !Self.isGoCIDR(String(part)) {
                reporter.warning(.invalidCNIValue, "AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS entry '\(echo: part)' is not a CIDR; ipamd logs it and ignores that entry (the others still apply)", at: loc,
                                 hint: "write CIDRs separated by commas without spaces, e.g. \"10.1.0.0/16,192.168.0.0/24\"")
            }
        case "ADDITIONAL_ENI_TAGS":
            // ipamd reads it as a JSON object of strings; otherwise it logs "Invalid format for
            // ADDITIONAL_ENI_TAGS" and tags ENIs without them (pkg/awsutils/awsutils.go,
            // parseAdditionalEniTagsMap).
            if !Self.isJSONStringMap(value) {
                reporter.warning(.invalidCNIValue, "ADDITIONAL_ENI_TAGS='\(echo: value)' is not a JSON object of strings; ipamd logs it and creates ENIs without the additional tags", at: loc,
                                 hint: "write a JSON object, e.g. '{\"team\": \"shop\", \"env\": \"prod\"}'")
            }
        case "AWS_EXTERNAL_SERVICE_CIDRS":
            for part in value.split(separator: ",") where IPv4CIDR(lenient: String(part).trimmingCharacters(in: .whitespaces)) == nil {
                reporter.error(.invalidCIDR, "AWS_EXTERNAL_SERVICE_CIDRS entry '\(echo: part)' is not an IPv4 CIDR", at: loc, hint: "write CIDRs separated by commas, e.g. \"172.31.0.0/16,10.100.0.0/16\"")
            }
        default: break
        }
    }

    /// What Go's net.ParseCIDR accepts: an IPv4 or IPv6 address, '/', and a prefix length of
    /// at most 32 or 128 (host bits may be set; no spaces).
    static func isGoCIDR(_ s: String) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let bits = Int(parts[1]), parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber), bits >= 0,
              parts[1].count <= 3 else { return false }
        if IPv4Address(String(parts[0])) != nil { return bits <= 32 }
        if IPv6Address(String(parts[0])) != nil { return bits <= 128 }
        return false
    }

    /// A JSON object whose values are all strings, or JSON null (what Go's json.Unmarshal into
    /// map[string]string accepts).
    static func isJSONStringMap(_ s: String) -> Bool {
        let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed == "null" { return true }
        guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else { return false }
        return object.values.allSatisfy { $0 is String }
    }

    func convertNodeGroup(_ node: Node, vpc: String?) -> NodeGroup? {
        guard let r = MappingReader.make(node, file: file, context: "a node group", reporter: reporter),
              let name = r.string("name", required: true) else { return nil }
        define(.nodeGroup, name, at: r.location)
        let ctx = "node group '\(echo: name)'"
        r.context = ctx
        let type = r.locatedString("instanceType", required: true)
        if let (t, loc) = type, !catalog.contains(t) {
            let near = catalog.suggestions(for: t)
            reporter.error(.unknownInstanceType, "instance type '\(echo: t)' is not in the catalog", at: loc,
                           hint: near.isEmpty ? "the catalog holds the 1,391 types of the VPC CNI v1.23.1 limits table"
                                : Suggestions.phrase(near))
        }
        let count = r.int("count", range: 0...100_000) ?? 1
        let subnets = r.stringList("subnets")
        if !r.has("subnets") { r.missing("subnets", hint: "list the subnets its nodes launch in") }
        for (s, loc) in subnets { reference(.subnet, s, vpc: vpc, at: loc, from: ctx) }
        let sgs = r.stringList("securityGroups")
        for (g, loc) in sgs { reference(.securityGroup, g, vpc: vpc, at: loc, from: ctx) }
        let maxPods = r.int("maxPods", range: 1...10_000)
        if maxPods != nil { locations["maxPods:\(name)"] = r.valueLocation("maxPods") }
        var taints: [Taint] = []
        for item in r.list("taints") ?? [] {
            guard let tr = MappingReader.make(item, file: file, context: "a taint of \(ctx)", reporter: reporter) else { continue }
            let key = tr.string("key", required: true) ?? ""
            let value = tr.string("value") ?? ""
            let effect = tr.choice("effect", Taint.Effect.self, required: true)
            tr.finish()
            if let effect { taints.append(Taint(key: key, value: value, effect: effect)) }
        }
        var group = NodeGroup(name: name, instanceType: type?.0 ?? "", count: count, subnets: subnets.map(\.0),
                              securityGroups: sgs.map(\.0), maxPods: maxPods,
                              labels: r.stringMap("labels").map { NetsimModel.Tag($0.key, $0.value) }, taints: taints, location: r.location)
        if let m = r.bool("managed") { group.managed = m }
        r.finish()
        return group
    }

    func convertExternal(_ node: Node) -> External? {
        guard let r = MappingReader.make(node, file: file, context: "an external", reporter: reporter),
              let name = r.string("name", required: true) else { return nil }
        define(.external, name, at: r.location)
        let ctx = "external '\(echo: name)'"
        var address: External.Address? = nil
        if r.has("address") { address = address4(r, "address", what: "address").map { .host($0) } }
        if let (c, loc) = r.locatedString("cidr") {
            if address != nil { reporter.error(.invalidValue, "\(ctx) has both 'address' and 'cidr'", at: loc, hint: "a host has address, a network has cidr") }
            address = cidr4(c, at: loc, what: "external CIDR", strict: false).map { .network($0) }
        }
        if !r.has("address") && !r.has("cidr") { r.missing("address", hint: "a host has address: A.B.C.D; a network has cidr: A.B.C.D/N") }
        let subnet = r.locatedString("subnet")
        if let (s, loc) = subnet { reference(.subnet, s, at: loc, from: ctx); locations["external-ip:\(name)"] = r.valueLocation("address") }
        let sgs = r.stringList("securityGroups")
        for (g, loc) in sgs { reference(.securityGroup, g, at: loc, from: ctx) }
        if !sgs.isEmpty && subnet == nil {
            reporter.error(.invalidValue, "\(ctx) has security groups but no subnet", at: r.keyLocation("securityGroups"),
                           hint: "security groups attach to network interfaces: give the host a subnet")
        }
        let via = r.locatedString("via")
        if let (_, loc) = via {
            locations["via:\(name)"] = loc
            if subnet != nil { reporter.error(.invalidValue, "\(ctx) is in a subnet; 'via' is for networks outside the VPCs", at: loc) }
        }
        var ports: [External.Port] = []
        for item in r.list("ports") ?? [] {
            guard let pr = MappingReader.make(item, file: file, context: "a port of \(ctx)", reporter: reporter) else { continue }
            let n = pr.string("name") ?? ""
            let p = pr.int("port", required: true, range: 1...65535, code: .invalidPort)
            let proto = ipProtocol(pr, default: .tcp)
            pr.finish()
            if let p, let proto { ports.append(External.Port(name: n, port: UInt16(p), ipProtocol: proto)) }
        }
        var ext = External(name: name, address: address ?? .host(IPv4Address(0)), subnet: subnet?.0, securityGroups: sgs.map(\.0),
                           publicIP: address4(r, "publicIp", what: "publicIp"), via: via?.0, ports: ports,
                           description: r.string("description") ?? "", location: r.location)
        readOnPremises(r, into: &ext)
        r.finish()
        return address == nil ? nil : ext
    }

    /// One `expect:` entry. Any error found in it is that entry's own (`Reporter.intentScoped`):
    /// the entry is left out, and `check` still evaluates the others.
    func convertIntent(_ node: Node, index: Int, topology: Topology) -> Intent? {
        let before = reporter.bag.items.count
        let intent = readIntent(node, index: index, topology: topology)
        let errors = reporter.bag.items[before...].filter { $0.severity == .error }
        guard errors.isEmpty else {
            reporter.intentScoped.formUnion(errors)
            return nil
        }
        return intent
    }

    private func readIntent(_ node: Node, index: Int, topology: Topology) -> Intent? {
        guard let r = MappingReader.make(node, file: file, context: "expect[\(index)]", reporter: reporter) else { return nil }
        defer { r.finish() }
        let name = r.string("name")
        let from = endpoint(r, "from", topology: topology)
        let to = endpoint(r, "to", topology: topology)
        let port = r.int("port", range: 0...65535, code: .invalidPort)
        let proto = ipProtocol(r, default: .tcp)
        let verdict = r.choice("verdict", Intent.Verdict.self, required: true)
        let host = r.string("host")
        let path = r.locatedString("path")
        if let (p, loc) = path, !p.hasPrefix("/") {
            reporter.error(.invalidValue, "expect[\(index)].path '\(echo: p)' must start with '/'", at: loc, hint: "write the request path as the ALB sees it, e.g. /cart")
        }
        guard let from, let to, let proto, let verdict else { return nil }
        let label = name ?? "\(from) → \(to)\(port.map { ":\($0)" } ?? "")\(path.map { " \($0.0)" } ?? "") \(verdict.rawValue)"
        var intent = Intent(name: label, from: from, to: to, port: port.map { UInt16($0) }, ipProtocol: proto,
                            verdict: verdict, location: r.location)
        intent.host = host
        intent.path = path?.0
        intent.fromLocation = r.locatedString("from")?.1
        intent.toLocation = r.locatedString("to")?.1
        return intent
    }

    /// Parses an endpoint and checks that what it names exists.
    func endpoint(_ r: MappingReader, _ key: String, topology: Topology) -> Endpoint? {
        guard let (text, loc) = r.locatedString(key, required: true) else { return nil }
        let ep: Endpoint
        switch Endpoint.parse(text) {
        case .success(let e): ep = e
        case .failure(let e):
            reporter.error(.invalidEndpoint, "\(key): \(e.message)", at: loc, hint: "write one of \(Endpoint.syntax)")
            return nil
        }
        if let problem = Self.unresolved(ep, in: topology) {
            reporter.error(.invalidEndpoint, "\(key) '\(echo: text)': \(problem.message)", at: loc, hint: problem.hint)
            return nil
        }
        // The control plane's two ends have one role each.
        if key == "from", case .apiServer = ep {
            reporter.error(.invalidEndpoint, "from 'apiserver': the API server's endpoint is a destination", at: loc,
                           hint: "the control plane calling out (kubelet, webhooks) is from: controlplane")
            return nil
        }
        if key == "from", case .aws = ep {
            reporter.error(.invalidEndpoint, "from '\(echo: text)': an AWS service by its DNS name is a destination", at: loc,
                           hint: "trace from a pod, node or host to \(echo: text)")
            return nil
        }
        if key == "to", case .controlPlane = ep {
            reporter.error(.invalidEndpoint, "to 'controlplane': the control plane calling out is a source", at: loc,
                           hint: "the API server's endpoint is to: apiserver")
            return nil
        }
        return ep
    }

    static func unresolved(_ ep: Endpoint, in t: Topology) -> (message: String, hint: String)? {
        let k = t.kubernetes
        func near(_ name: String, _ names: [String]) -> String { Suggestions.didYouMean(name, in: names) }
        switch ep {
        case .workload(let kind, let ns, let name):
            if k.workload(kind, namespace: ns, name: name) != nil { return nil }
            let names = k.workloads.filter { $0.kind == kind }.map { "\($0.meta.namespace)/\($0.meta.name)" }
            return ("no \(kind.rawValue) \(echo: "\(ns)/\(name)") is defined", near("\(ns)/\(name)", names))
        case .service(let ns, let name):
            if k.service(namespace: ns, name: name) != nil { return nil }
            // Every cluster has it (the API server's Service); a trace says when its endpoints are not modelled.
            if ns == "default" && name == "kubernetes" && t.cluster != nil { return nil }
            return ("no Service \(ns)/\(name) is defined", near("\(ns)/\(name)", k.services.map { "\($0.meta.namespace)/\($0.meta.name)" }))
        case .ingress(let ns, let name):
            if k.ingresses.contains(where: { $0.meta.namespace == ns && $0.meta.name == name }) { return nil }
            return ("no Ingress \(ns)/\(name) is defined", near("\(ns)/\(name)", k.ingresses.map { "\($0.meta.namespace)/\($0.meta.name)" }))
        case .loadBalancer(let ns, let name):
            guard let svc = k.service(namespace: ns, name: name) else {
                return ("no Service \(ns)/\(name) is defined", near("\(ns)/\(name)", k.services.map { "\($0.meta.namespace)/\($0.meta.name)" }))
            }
            if svc.type == .LoadBalancer { return nil }
            return ("Service \(ns)/\(name) is type \(svc.type.rawValue), so it has no load balancer", "use service:\(ns)/\(name) for its cluster IP")
        case .pod(let ns, let name):
            // Bare pods by name, realized pod names that start with a workload's name, or a
            // prefix of a workload's name (the resolver then needs it to match one pod).
            let inNamespace = k.workloads.filter { $0.meta.namespace == ns }
            guard inNamespace.contains(where: { $0.meta.name.hasPrefix(name) || name.hasPrefix($0.meta.name + "-") }) else {
                return ("no pod \(echo: "\(ns)/\(name)") can exist: no Pod or workload of that name", "")
            }
            // A prefix that more than one pod will have (a workload's name with 2 replicas, or
            // several workloads' names) names no single pod: caught here when the replica counts
            // say so (a DaemonSet's count is known only once the nodes are, at trace time).
            if inNamespace.contains(where: { $0.kind == .pod && $0.meta.name == name }) { return nil }
            let prefixed = inNamespace.filter { $0.meta.name.hasPrefix(name) }
            let pods = prefixed.reduce(0) { n, w in n + (w.kind == .daemonSet ? 0 : min(max(w.replicas ?? 1, 0), 2)) }
            if pods > 1 {
                let names = prefixed.map { "\($0.kind.rawValue.lowercased()):\(ns)/\($0.meta.name)" }.sorted()
                return ("pod:\(ns)/\(name) would match more than one pod (of \(names.prefix(5).joined(separator: ", "))), so it names no single pod",
                        "name one pod, or use \(names.first ?? "deployment:\(ns)/\(name)") for the workload")
            }
            return nil
        case .nodeGroup(let name):
            if t.cluster?.nodeGroups.contains(where: { $0.name == name }) == true { return nil }
            return ("no node group '\(echo: name)' is defined", near(name, t.cluster?.nodeGroups.map(\.name) ?? []))
        case .external(let name):
            if t.externals.contains(where: { $0.name == name }) { return nil }
            return ("no external '\(echo: name)' is defined", near(name, t.externals.map(\.name)))
        case .node, .ip, .internet:
            return nil
        case .aws(let text):
            if case .failure(let e) = AWSService.resolve(text, region: t.region, declared: Set(t.vpcs.flatMap(\.interfaceEndpoints).map(\.service))) {
                return (e.message, "name the service as its endpoint service name ends: sts, ecr.api, ecr.dkr, logs, s3, …")
            }
            return nil
        case .controlPlane, .apiServer:
            if t.cluster?.controlPlane != nil { return nil }
            return ("\(ep) needs the control plane in the topology, and the cluster declares none", "add cluster.controlPlane (subnets, endpoint access) to trace from or to it")
        }
    }
}
