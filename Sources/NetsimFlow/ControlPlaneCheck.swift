import NetsimIPAM
import NetsimModel

/// `netsim check`'s part for the control plane: every admission webhook and APIService the
/// manifests declare is traced from the control plane (`controlplane` → its Service, as the
/// API server dials it), and those it cannot reach are reported with the blocking rule.
extension Network {
    /// One call the API server makes: a webhook of a configuration, or an APIService.
    public struct ControlPlaneCall: Sendable {
        /// `webhook 'mservice.elbv2.k8s.aws' of MutatingWebhookConfiguration aws-load-balancer-webhook`.
        public var label: String
        public var service: ServiceReference?
        public var url: String?
        public var failurePolicy: String
        public var timeoutSeconds: Int
        public var location: SourceLocation
        /// An aggregated API (an APIService) rather than an admission webhook.
        public var isAPIService = false
    }

    /// The calls the manifests declare, in file order: webhooks, then APIServices backed by a Service.
    public static func controlPlaneCalls(_ k: KubernetesObjects) -> [ControlPlaneCall] {
        var out: [ControlPlaneCall] = []
        for c in k.webhookConfigurations {
            for w in c.webhooks {
                out.append(ControlPlaneCall(label: Wording.webhookLabel(name: w.name, kind: c.kind.rawValue, configuration: c.meta.name,
                                                                implied: c.meta.annotations[WebhookConfiguration.impliedAnnotation] != nil), service: w.service, url: w.url,
                                            failurePolicy: w.failurePolicy, timeoutSeconds: w.timeoutSeconds, location: w.location))
            }
        }
        for a in k.apiServices where a.service != nil {
            out.append(ControlPlaneCall(label: Wording.apiServiceLabel(a.meta.name), service: a.service, url: nil, failurePolicy: "Fail",
                                        timeoutSeconds: 0, location: a.meta.location, isAPIService: true))
        }
        return out
    }

    /// Without a declared control plane netsim cannot trace the calls: one warning says so.
    static func controlPlaneCallsUntraced(_ t: Topology, file: String) -> [Diagnostic] {
        let calls = controlPlaneCalls(t.kubernetes)
        guard t.cluster != nil, t.cluster?.controlPlane == nil, let first = calls.first else { return [] }
        return [Diagnostic(.warning, .webhooksNotTraced, Wording.webhooksNotTraced(count: calls.count), at: first.location,
                           hint: "declare cluster.controlPlane (its subnets and endpoint access) to have check trace each call from the control plane")]
    }

    /// Traces each call from the control plane; reports a Service without endpoints (NS1327)
    /// and a call the network blocks (NS1328), with the blocking rule as a note.
    public func controlPlaneCallDiagnostics() -> [Diagnostic] {
        guard fabric.topology.cluster?.controlPlane != nil, !fabric.controlPlaneInterfaces.isEmpty else { return [] }
        var out: [Diagnostic] = []
        var traced: [ServiceReference: Outcome] = [:]
        let services = Set(fabric.realized.services.map { "\($0.namespace)/\($0.name)" })
        for call in Self.controlPlaneCalls(fabric.topology.kubernetes) {
            guard let ref = call.service else {
                // Called by URL: never silent about a call check leaves out.
                if let url = call.url {
                    out.append(Diagnostic(.note, .webhookURLNotTraced, "\(call.label) is called by URL (\(echo: url)): netsim does not resolve URLs, so this call is not traced",
                                          at: call.location, hint: "trace it yourself from controlplane to the address the URL resolves to (--from controlplane --to ip:ADDRESS --port PORT)"))
                }
                continue
            }
            guard services.contains("\(ref.namespace)/\(ref.name)") else {
                out.append(Diagnostic(.warning, .webhookServiceMissing, Wording.callServiceMissing(call.label, ref, failurePolicy: call.failurePolicy),
                                      at: call.location, hint: "deploy the Service (and its pods), or fix clientConfig.service / spec.service"))
                continue
            }
            let outcome = traced[ref] ?? trace(FlowRequest(from: .controlPlane, to: .service(namespace: ref.namespace, name: ref.name), port: ref.port))
            traced[ref] = outcome
            switch outcome {
            case .traced(let t):
                guard !t.disposition.isSuccess, let first = t.explanations.first else { continue }
                var notes: [Diagnostic.Note] = []
                if let loc = first.location { notes.append(Diagnostic.Note(Wording.blockingRuleNote(first.message), at: loc)) }
                out.append(Diagnostic(.warning, .webhookUnreachable,
                                      Wording.callUnreachable(call.label, ref, to: t.forward.finalPacket, disposition: t.disposition.rawValue, code: first.code.rawValue,
                                                              failurePolicy: call.failurePolicy, timeoutSeconds: call.timeoutSeconds, apiService: call.isAPIService),
                                      at: call.location, hint: Wording.callUnreachableHint(port: t.forward.finalPacket.destinationPort, first.detail), notes: notes))
            case .invalid(let m, _), .unsupported(let m):
                out.append(Diagnostic(.warning, .webhookServiceMissing, Wording.callNotTraced(call.label, ref, reason: m), at: call.location,
                                      hint: "check that the Service's selector matches running pods and that the port is one of its ports"))
            }
        }
        return out
    }
}
