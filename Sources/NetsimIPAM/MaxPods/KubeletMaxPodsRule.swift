import NetsimModel

/// The `max-pods-exceeds-ips` rule, one implementation for `netsim check` (NS0805) and
/// `netsim capacity` (warning `max-pods-exceeds-ips`): kubelet's max pods on a node group, less
/// the host-network pods every node runs, above the pod addresses ipamd can hand out there.
public struct KubeletMaxPodsExcess: Hashable, Sendable {
    public var group: String
    /// kubelet --max-pods: the node group's maxPods, else the eni-max-pods.txt value.
    public var kubeletMaxPods: Int
    /// Whether the value is the node group's own `maxPods` (else the eni-max-pods.txt default).
    public var explicit: Bool
    public var hostNetworkPods: Int
    /// Pod addresses ipamd can hand out on one node (`MaxPods.ipCapacity`).
    public var podAddresses: Int
    public var message: String
    public var hint: String

    /// kubelet max pods on a node group's nodes: its `maxPods`, else the eni-max-pods.txt value.
    public static func kubeletMaxPods(_ g: NodeGroup, type: InstanceType) -> Int { g.maxPods ?? type.eniMaxPods }

    /// nil when the rule holds (or does not apply: IPv6, where the /80 never runs out).
    public static func check(group g: NodeGroup, type: InstanceType, maxPods mp: MaxPods, customNetworking: Bool,
                             prefixDelegationRequested: Bool, hostNetworkPods host: Int) -> KubeletMaxPodsExcess? {
        guard mp.ipamdMode != .ipv6 else { return nil }
        let kubelet = kubeletMaxPods(g, type: type)
        let slots = kubelet.subtractingSaturated(host)
        guard slots > mp.ipCapacity else { return nil }
        let source = g.maxPods == nil ? "the eni-max-pods.txt value for \(type.name)" : "its maxPods"
        var why = ""
        if customNetworking { why += " (custom networking leaves the primary ENI out)" }
        if mp.trunkENI { why += " (the trunk ENI takes a slot)" }
        if mp.enis < type.eniLimit { why += " (MAX_ENI leaves \(mp.enis) of \(type.eniLimit) ENIs)" }
        let message = "node group '\(echo: g.name)': kubelet max pods is \(kubelet) (\(source)), \(slots) after \(host) host-network pod\(host == 1 ? "" : "s"), but its ENIs hold \(mp.ipCapacity) pod addresses\(why)"
        var hint = "pods past that stay in ContainerCreating; set maxPods: \(mp.ipCapacity.addingSaturated(host))"
        if mp.ipamdMode == .secondaryIP {
            if prefixDelegationRequested { hint += " (\(type.name) is not a Nitro type, so ipamd ignores ENABLE_PREFIX_DELEGATION)" }
            else if type.hypervisor == .nitro || type.isBareMetal { hint += ", or set ENABLE_PREFIX_DELEGATION=true" }
        }
        return KubeletMaxPodsExcess(group: g.name, kubeletMaxPods: kubelet, explicit: g.maxPods != nil, hostNetworkPods: host,
                                    podAddresses: mp.ipCapacity, message: message, hint: hint)
    }

    /// Host-network pods on every node of a group: the DaemonSets with `hostNetwork` whose node
    /// selector and tolerations admit the group's nodes (aws-node and kube-proxy unless declared).
    public static func hostNetworkPods(_ g: NodeGroup, type: InstanceType, zone: String, region: String, kubernetes: KubernetesObjects) -> Int {
        let labels = Realizer.nodeLabels(group: g, type: type, name: "", zone: zone, region: region, eniConfig: nil)
        var n = 0
        for w in Realizer.implicitWorkloads(kubernetes) + kubernetes.workloads where w.kind == .daemonSet && w.template.hostNetwork {
            let selected = w.template.nodeSelector.allSatisfy { k, v in k == "kubernetes.io/hostname" || labels[k] == v }
            if selected && Run.tolerated(g.taints, by: w.template.tolerations) { n += 1 }
        }
        return n
    }
}
