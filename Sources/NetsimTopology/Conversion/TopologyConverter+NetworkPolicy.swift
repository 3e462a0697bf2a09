import NetsimModel
import Yams

/// Who enforces NetworkPolicies: `cluster.networkPolicy.enforcer`, the EKS vpc-cni add-on's
/// configuration values (`cluster.vpcCniAddon`, real names) and aws-node's
/// `NETWORK_POLICY_ENFORCING_MODE` (`cluster.cni`).
extension TopologyConverter {
    /// Top-level keys of the vpc-cni add-on's configuration values (its schema follows the
    /// aws-vpc-cni Helm chart's values) that netsim accepts and does not read.
    static let vpcCniAddonIgnoredKeys = ["affinity", "branchENICooldown", "eniConfig", "enableWindowsIpam", "enableWindowsPrefixDelegation",
                                         "init", "livenessProbeTimeoutSeconds", "minimumWindowsIPTarget", "podAnnotations", "podLabels",
                                         "readinessProbeTimeoutSeconds", "resources", "tolerations", "updateStrategy",
                                         "warmWindowsIPTarget", "warmWindowsPrefixTarget"]
    /// `nodeAgent` keys of the add-on (the network policy agent container's settings).
    static let vpcCniAddonNodeAgentKeys = ["conntrackCacheCleanupPeriod", "conntrackCacheTableSize", "enableCloudWatchLogs", "enableIpv6",
                                           "enablePolicyEventLogs", "healthProbeBindAddr", "logLevel", "metricsBindAddr",
                                           "networkPolicyAgentLogFileLocation", "resources", "securityContext"]

    /// `cluster.networkPolicy` and `cluster.vpcCniAddon`, with `NETWORK_POLICY_ENFORCING_MODE`
    /// from the aws-node settings, made into the settings netsim uses (`NetworkPolicySettings.derive`).
    func convertNetworkPolicySettings(_ r: MappingReader, cni: [CNISetting]) -> NetworkPolicySettings {
        var declared: NetworkPolicySettings.Enforcer? = nil
        var enforcerLocation: SourceLocation? = nil
        if let np = r.mapping("networkPolicy", context: "cluster.networkPolicy") {
            if let (text, loc) = np.locatedString("enforcer") {
                let allowed = ["vpc-cni", "upstream", "none"]
                if allowed.contains(text), let e = NetworkPolicySettings.Enforcer(rawValue: text) {
                    declared = e; enforcerLocation = loc
                } else {
                    let dym = Suggestions.didYouMean(text, in: allowed)
                    reporter.error(.policyEnforcer, "cluster.networkPolicy.enforcer '\(echo: text)' is not vpc-cni, upstream or none", at: loc,
                                   hint: (dym.isEmpty ? "" : dym + " ") + "vpc-cni: the VPC CNI's network policy agent; upstream: Kubernetes semantics (Calico, Cilium); none: policies are stored and not enforced")
                }
            }
            np.finish()
        }
        var enable: Bool? = nil
        var enableLocation: SourceLocation? = nil
        if let addon = r.mapping("vpcCniAddon", context: "cluster.vpcCniAddon") {
            if let n = addon.node("enableNetworkPolicy") {
                let loc = addon.valueLocation("enableNetworkPolicy")
                if case .scalar(let s) = n, s.string == "true" || s.string == "false" {
                    enable = s.string == "true"; enableLocation = loc
                    if s.style == .plain {
                        reporter.warning(.vpcCniAddonValue, "enableNetworkPolicy of cluster.vpcCniAddon is the boolean \(s.string); the add-on's configuration schema takes the string \"\(s.string)\"", at: loc,
                                         hint: "quote it: enableNetworkPolicy: \"\(s.string)\" (EKS refuses a JSON boolean in the add-on's configuration values)")
                    }
                } else {
                    reporter.error(.vpcCniAddonValue, "enableNetworkPolicy of cluster.vpcCniAddon is \(n.kindDescription)\(n.scalarSuffix), not \"true\" or \"false\"", at: loc,
                                   hint: "the add-on's configuration schema takes the string \"true\" or \"false\"")
                }
            }
            if addon.has("env") {
                _ = addon.node("env")
                reporter.warning(.vpcCniAddonIgnored, "cluster.vpcCniAddon.env is not read by netsim: aws-node's environment is cluster.cni", at: addon.keyLocation("env"),
                                 hint: "move these settings to cluster.cni (same names, string values)")
            }
            if let agent = addon.mapping("nodeAgent", context: "cluster.vpcCniAddon.nodeAgent") {
                for k in Self.vpcCniAddonNodeAgentKeys where agent.has(k) {
                    _ = agent.node(k)
                    reporter.warning(.vpcCniAddonIgnored, "cluster.vpcCniAddon.nodeAgent.\(k) is an add-on setting netsim does not model; it is ignored", at: agent.keyLocation(k),
                                     hint: "remove it, or keep it to mirror the add-on's configuration (netsim's verdicts do not depend on it)")
                }
                agent.finish(severity: .warning, code: .vpcCniAddonIgnored)
            }
            for k in Self.vpcCniAddonIgnoredKeys where addon.has(k) {
                _ = addon.node(k)
                reporter.warning(.vpcCniAddonIgnored, "cluster.vpcCniAddon.\(k) is an add-on setting netsim does not model; it is ignored", at: addon.keyLocation(k),
                                 hint: "remove it, or keep it to mirror the add-on's configuration (netsim's verdicts do not depend on it)")
            }
            addon.finish(severity: .warning, code: .vpcCniAddonIgnored)
        }
        // The agent lower-cases the mode (pkg/utils/utils.go, IsStrictMode); a value that is
        // neither standard nor strict is reported by checkCNISetting and read as standard.
        let modeSetting = cni.last { $0.name == "NETWORK_POLICY_ENFORCING_MODE" }
        let mode: NetworkPolicySettings.EnforcingMode = modeSetting?.value.lowercased() == "strict" ? .strict : .standard
        return NetworkPolicySettings.derive(enforcer: declared, enableNetworkPolicy: enable, enforcingMode: mode,
                                            enforcerLocation: enforcerLocation, enableNetworkPolicyLocation: enableLocation,
                                            enforcingModeLocation: modeSetting?.location)
    }

    /// `NETWORK_POLICY_ENFORCING_MODE` as ipamd and the agent read it: standard or strict, any
    /// case. ipamd also takes `none`, which the agent refuses; anything else stops ipamd.
    func checkEnforcingMode(_ value: String, at loc: SourceLocation) {
        let v = value.lowercased()
        guard v != "standard" && v != "strict" else { return }
        let why = v == "none"
            ? "ipamd accepts 'none', but the network policy agent accepts only standard and strict and does not start with it"
            : "ipamd refuses to start with it (\"invalid Network policy mode\") and the network policy agent accepts only standard and strict"
        reporter.warning(.enforcingMode, "NETWORK_POLICY_ENFORCING_MODE='\(echo: value)': \(why); netsim reads it as standard", at: loc,
                         hint: "write \"standard\" (new pods start default-allow) or \"strict\" (new pods start default-deny)")
    }

    /// `check`'s warnings on who enforces the topology's NetworkPolicies.
    func checkNetworkPolicySettings(_ t: Topology) {
        guard let cluster = t.cluster else { return }
        let s = cluster.networkPolicy
        let policies = t.kubernetes.networkPolicies
        if let first = policies.first, s.enforcer == .undeclared {
            let more = policies.count > 1 ? " and \(policies.count - 1) more" : ""
            let addonOff = s.enableNetworkPolicy == false
            reporter.warning(.policyEnforcerUndeclared, "NetworkPolicy \(first.meta.namespace)/\(first.meta.name)\(more) \(policies.count > 1 ? "are" : "is") in a cluster that declares no enforcer\(addonOff ? " (the vpc-cni add-on's enableNetworkPolicy is \"false\")" : ""): netsim cannot tell whether anything enforces \(policies.count > 1 ? "them" : "it"), so traces through the pods \(policies.count > 1 ? "they select" : "it selects") carry a caveat",
                             at: first.meta.location,
                             hint: "declare it under cluster: networkPolicy: {enforcer: vpc-cni} (the VPC CNI agent; or vpcCniAddon: {enableNetworkPolicy: \"true\"}), enforcer: upstream (Calico, Cilium) or enforcer: none")
        }
        if let first = t.kubernetes.clusterNetworkPolicies.first, s.enforcer != .vpcCNI {
            let count = t.kubernetes.clusterNetworkPolicies.count
            let what = s.enforcer == .undeclared
                ? "no NetworkPolicy enforcer is declared, so a trace through a pod says its verdict depends on \(count > 1 ? "them" : "it") (exit 3) and check does not evaluate intents through pods"
                : "the enforcer is \(s.enforcer.rawValue), and only the VPC CNI's network policy agent enforces ClusterNetworkPolicies: \(count > 1 ? "they decide" : "it decides") nothing here"
            reporter.warning(.unmodelledKind, "ClusterNetworkPolicy \(first.name)\(count > 1 ? " and \(count - 1) more" : "") (networking.k8s.aws): \(what)",
                             at: first.location, hint: "declare cluster.networkPolicy.enforcer: vpc-cni to evaluate the Admin and Baseline tiers")
        }
        if s.agentDisabled {
            reporter.warning(.policyAgentDisabled, "cluster.networkPolicy.enforcer is vpc-cni, but the add-on's enableNetworkPolicy is \"false\": the network policy agent is off, so NetworkPolicies are stored and not enforced",
                             at: s.enableNetworkPolicyLocation ?? s.enforcerLocation ?? cluster.location,
                             hint: "set vpcCniAddon.enableNetworkPolicy: \"true\" to enforce them, or write enforcer: none to say they are not enforced")
        }
        if let loc = s.enforcingModeLocation, s.enforcer != .vpcCNI, !s.agentDisabled {
            let who = s.enforcer == .undeclared ? "no enforcer is declared" : "the enforcer is \(s.enforcer.rawValue)"
            reporter.warning(.enforcingModeNoEffect, "NETWORK_POLICY_ENFORCING_MODE is set, but \(who): only the VPC CNI's network policy agent reads it, so it has no effect here",
                             at: loc, hint: s.enforcer == .undeclared ? "declare cluster.networkPolicy.enforcer: vpc-cni if the agent enforces policies, or remove the setting"
                                                                       : "remove it, or declare enforcer: vpc-cni")
        }
        if s.declaredEnforcer == .upstream, s.enableNetworkPolicy == true, let loc = s.enableNetworkPolicyLocation {
            reporter.warning(.policyTwoEnforcers, "cluster.networkPolicy.enforcer is upstream, but the add-on's enableNetworkPolicy is \"true\": the VPC CNI's agent enforces NetworkPolicies too, with its own semantics, and a flow passes only if both allow it; netsim evaluates upstream only",
                             at: loc, hint: "set enableNetworkPolicy: \"false\" when Calico or Cilium enforces policies, or declare enforcer: vpc-cni")
        }
    }
}
