extension KubeProxyRenderer {
    /// The comment of the rule that rejects a Service port without endpoints
    /// (`ns/svc:port has no endpoints`).
    static func noEndpointsComment(_ servicePortName: String) -> String { servicePortName + noEndpointsSuffix }
    static let noEndpointsSuffix = " has no endpoints"
}

extension ChainNames {
    /// kube-proxy's nat chain that masquerades marked packets.
    public static let kubePostrouting = ChainName.user("KUBE-POSTROUTING")
}

extension RuleHit {
    /// kube-proxy's REJECT for a Service port that has no endpoints at all (its comment says
    /// so; a Local-policy port without local endpoints is a DROP, and not this rule).
    public var isNoEndpointsRule: Bool {
        target == .reject && (comment?.hasSuffix(KubeProxyRenderer.noEndpointsSuffix) ?? false)
    }
}
