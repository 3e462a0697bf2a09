import Foundation

/// `Topologies/multi-tenant-network-policies.yaml` with its manifests, copied to a scratch
/// folder with the NetworkPolicy enforcer changed: `nil` leaves it undeclared (the topology as
/// it was before netsim enforced policies), or `vpc-cni`, `upstream`, `none`; `extra` lines
/// go under `cluster:` (e.g. `  vpcCniAddon: {enableNetworkPolicy: "false"}`).
public enum MultiTenantCopy {
    public static let declared = """
      networkPolicy:
        enforcer: vpc-cni        # the VPC CNI network policy agent enforces the policies (enableNetworkPolicy "true")

    """

    /// The copy's path and its folder (remove it with `Scratch.remove`).
    public static func make(enforcer: String?, extra: String = "", mode: String? = nil) throws -> (path: String, dir: URL) {
        let dir = try Scratch.makeDirectory(prefix: "netsim-mt")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("k8s"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Repo.root.appendingPathComponent("Topologies/k8s/multi-tenant"),
                                         to: dir.appendingPathComponent("k8s/multi-tenant"))
        var text = try String(contentsOf: Repo.root.appendingPathComponent("Topologies/multi-tenant-network-policies.yaml"), encoding: .utf8)
        guard text.contains(declared) else { throw CocoaError(.fileReadCorruptFile) }
        let replacement = (enforcer.map { "  networkPolicy:\n    enforcer: \($0)\n" } ?? "") + extra + (extra.isEmpty || extra.hasSuffix("\n") ? "" : "\n")
        text = text.replacingOccurrences(of: declared, with: replacement)
        if let mode { text = text.replacingOccurrences(of: "NETWORK_POLICY_ENFORCING_MODE: standard", with: "NETWORK_POLICY_ENFORCING_MODE: \(mode)") }
        let path = dir.appendingPathComponent("mt.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, dir)
    }
}

/// A shipped topology and its manifest folder copied to a scratch folder, with text replaced.
public enum TopologyCopy {
    /// `topology`: e.g. `Topologies/network-policy-agent-vs-spec.yaml`; `manifests`: the folder
    /// under `Topologies/k8s/` it reads. Returns the copy's path and its folder.
    public static func make(_ topology: String, manifests: String, replacing edits: [(String, String)]) throws -> (path: String, dir: URL) {
        let dir = try Scratch.makeDirectory(prefix: "netsim-copy")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("k8s"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Repo.root.appendingPathComponent("Topologies/k8s/\(manifests)"), to: dir.appendingPathComponent("k8s/\(manifests)"))
        var text = try String(contentsOf: Repo.root.appendingPathComponent(topology), encoding: .utf8)
        for (a, b) in edits {
            guard text.contains(a) else { throw CocoaError(.fileReadCorruptFile) }
            text = text.replacingOccurrences(of: a, with: b)
        }
        let path = dir.appendingPathComponent("copy.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, dir)
    }
}
