import NetsimModel

// The words for the control plane's calls in `check` (webhooks, APIServices).

extension Wording {
    public static func webhookLabel(name: String, kind: String, configuration: String, implied: Bool = false) -> String {
        "webhook '\(echo: name)' of \(kind) \(echo: configuration)"
            + (implied ? " (the AWS Load Balancer Controller's, which the Service or Ingress here implies; netsim adds it as its Helm chart installs it)" : "")
    }

    public static func apiServiceLabel(_ name: String) -> String { "APIService \(echo: name)" }

    static func service(_ ref: ServiceReference) -> String { "Service \(ref.namespace)/\(ref.name) port \(ref.port)" }

    public static func webhooksNotTraced(count: Int) -> String {
        "the manifests declare \(count) admission webhook\(count == 1 ? "" : "s") or APIService\(count == 1 ? "" : "s") the API server calls, but the cluster declares no controlPlane: netsim cannot trace those calls"
    }

    public static func callServiceMissing(_ label: String, _ ref: ServiceReference, failurePolicy: String) -> String {
        "\(label) calls \(service(ref)), which is not defined: every call fails at once"
            + (failurePolicy == "Fail" ? " and the API server refuses the requests it matches" : " (failurePolicy Ignore: the requests are admitted without it)")
    }

    public static func callNotTraced(_ label: String, _ ref: ServiceReference, reason: String) -> String {
        "\(label) calls \(service(ref)), which the control plane cannot call: \(reason)"
    }

    public static func callUnreachable(_ label: String, _ ref: ServiceReference, to packet: Packet, disposition: String, code: String,
                                       failurePolicy: String, timeoutSeconds: Int, apiService: Bool = false) -> String {
        let effect = apiService
            ? "the aggregator's calls time out, so every request for its API group fails (503 Service Unavailable; for metrics-server, kubectl top and HorizontalPodAutoscalers stop)"
            : failurePolicy == "Fail"
            ? "the API server waits \(timeoutSeconds) s, then refuses every request it matches (\"failed calling webhook … context deadline exceeded\")"
            : "the API server waits \(timeoutSeconds) s on every request it matches, then admits it without the webhook (failurePolicy Ignore)"
        return "the control plane cannot reach \(label): \(service(ref)) → \(packet.destination):\(packet.destinationPort) is \(disposition) (\(code)); \(effect)"
    }

    public static func blockingRuleNote(_ message: String) -> String { "blocked here: \(message)" }

    public static func callUnreachableHint(port: UInt16, _ reason: BlockReason) -> String {
        if case .securityGroups(let direction, let groups, _, _) = reason {
            let names = groups.map { "\"\($0.name)\"" }.joined(separator: ", ")
            return direction == .ingress
                ? "allow tcp \(port) from the control plane's groups (the cluster security group or an additional group of cluster.controlPlane) in \(names)"
                : "allow tcp \(port) out in \(names)"
        }
        return "let tcp \(port) through from the control-plane ENIs to the webhook's pods"
    }
}
