import NetsimModel
import Yams

/// The objects the API server calls out to: admission webhooks
/// (`admissionregistration.k8s.io/v1` ValidatingWebhookConfiguration and
/// MutatingWebhookConfiguration) and aggregated APIs (`apiregistration.k8s.io/v1` APIService).
/// Fields are checked as the API server's validation does (kubernetes v1.31
/// `pkg/apis/admissionregistration/validation/validation.go`,
/// `staging/src/k8s.io/kube-aggregator/pkg/apis/apiregistration/validation/validation.go`).
extension ManifestConverter {
    static let controlPlaneKinds: [String: String] = [
        "ValidatingWebhookConfiguration": "admissionregistration.k8s.io/v1",
        "MutatingWebhookConfiguration": "admissionregistration.k8s.io/v1",
        "APIService": "apiregistration.k8s.io/v1",
    ]

    /// Reads one of `controlPlaneKinds`; false when `kind` is not one.
    func controlPlaneObject(_ r: MappingReader, kind: String, apiVersion: String) -> Bool {
        guard let expected = Self.controlPlaneKinds[kind] else { return false }
        if apiVersion != expected {
            reporter.error(.unsupportedVersion, "\(kind) with apiVersion '\(echo: apiVersion)' is not served by current Kubernetes",
                           at: r.valueLocation("apiVersion"), hint: "use apiVersion: \(expected)")
            return true
        }
        guard var meta = metadata(r, kind: kind) else { return true }
        meta.namespace = ""  // cluster-scoped
        let key = "\(kind)//\(meta.name)"
        if let first = seen[key] {
            reporter.error(.duplicateObject, "\(kind) \(meta.name) is defined twice", at: meta.location,
                           notes: [Diagnostic.Note("first defined here", at: first)])
            return true
        }
        seen[key] = meta.location
        if kind == "APIService" {
            apiService(r, meta: meta)
        } else {
            webhookConfiguration(r, kind: kind == "MutatingWebhookConfiguration" ? .mutating : .validating, meta: meta)
        }
        r.finish(ignoring: ["status"], severity: .warning)
        return true
    }

    /// `clientConfig.service` / `spec.service`: namespace and name required, port 1–65535
    /// (443 when absent), path.
    func serviceReference(_ sr: MappingReader, context: String) -> ServiceReference? {
        let ns = sr.string("namespace")
        let name = sr.string("name")
        if ns == nil || ns?.isEmpty == true {
            reporter.error(.webhookInvalid, "\(context) has no service namespace", at: sr.location, hint: "the API server refuses it: give service.namespace")
        }
        if name == nil || name?.isEmpty == true {
            reporter.error(.webhookInvalid, "\(context) has no service name", at: sr.location, hint: "the API server refuses it: give service.name")
        }
        var port: UInt16 = 443
        if let n = sr.node("port") {
            guard let p = MappingReader.scalarInt(n, what: "service port of \(context)", range: 1...65535, code: .webhookInvalid, file: file, reporter: reporter) else {
                sr.finish(severity: .warning)
                return nil
            }
            port = UInt16(p)
        }
        let path = sr.string("path")
        sr.finish(severity: .warning)
        guard let ns, let name, !ns.isEmpty, !name.isEmpty else { return nil }
        return ServiceReference(namespace: ns, name: name, port: port, path: path)
    }

    func webhookConfiguration(_ r: MappingReader, kind: WebhookConfiguration.Kind, meta: ObjectMeta) {
        var hooks: [WebhookConfiguration.Webhook] = []
        var names: [String: SourceLocation] = [:]
        for item in r.list("webhooks") ?? [] {
            guard let wr = reader(item, "a webhook of \(kind.rawValue) \(meta.name)") else { continue }
            let name = wr.string("name")
            let ctx = "webhook '\(echo: name ?? "?")' of \(kind.rawValue) \(meta.name)"
            if name == nil || name?.isEmpty == true {
                reporter.error(.webhookInvalid, "a webhook of \(kind.rawValue) \(meta.name) has no name", at: wr.location,
                               hint: "the API server refuses it: a webhook's name is a fully qualified name, e.g. vpod.example.com")
            } else if let name, let first = names[name] {
                reporter.error(.webhookInvalid, "\(ctx) is named twice", at: wr.location,
                               hint: "the API server refuses it: webhook names are unique in a configuration", notes: [Diagnostic.Note("first here", at: first)])
            } else if let name {
                names[name] = wr.location
                if !name.contains(".") || !KubernetesNames.isDNS1123Subdomain(name) {
                    reporter.error(.webhookInvalid, "\(ctx): the name must be a fully qualified domain name (at least three segments)", at: wr.valueLocation("name"),
                                   hint: "e.g. mtargetgroupbinding.elbv2.k8s.aws")
                }
            }
            var service: ServiceReference? = nil
            var url: String? = nil
            if let cr = wr.mapping("clientConfig", context: "clientConfig of \(ctx)") {
                if let sr = cr.mapping("service", context: "clientConfig.service of \(ctx)") { service = serviceReference(sr, context: ctx) }
                url = cr.string("url")
                if cr.has("service") && cr.has("url") {
                    reporter.error(.webhookInvalid, "\(ctx) gives both clientConfig.service and clientConfig.url", at: cr.location,
                                   hint: "the API server refuses it: exactly one of url or service is required")
                } else if !cr.has("service") && !cr.has("url") {
                    reporter.error(.webhookInvalid, "\(ctx) gives neither clientConfig.service nor clientConfig.url", at: cr.location,
                                   hint: "the API server refuses it: exactly one of url or service is required")
                }
                if let u = url, !u.hasPrefix("https://") {
                    reporter.error(.webhookInvalid, "\(ctx): clientConfig.url '\(echo: u)' is not an https URL", at: cr.valueLocation("url"),
                                   hint: "the API server refuses it: the scheme must be https")
                }
                cr.finish(ignoring: ["caBundle"], severity: .warning)
            } else {
                reporter.error(.webhookInvalid, "\(ctx) has no clientConfig", at: wr.location,
                               hint: "the API server refuses it: give clientConfig.service (a Service in the cluster) or clientConfig.url")
            }
            var failurePolicy = "Fail"
            if let (f, loc) = wr.locatedString("failurePolicy") {
                if f == "Fail" || f == "Ignore" { failurePolicy = f } else {
                    reporter.error(.webhookInvalid, "\(ctx): failurePolicy '\(echo: f)' is not Fail or Ignore", at: loc,
                                   hint: "the API server refuses it\(Suggestions.didYouMean(f, in: ["Fail", "Ignore"]).isEmpty ? "" : "; " + Suggestions.didYouMean(f, in: ["Fail", "Ignore"]))")
                }
            }
            var timeout = 10
            if let n = wr.node("timeoutSeconds"),
               let v = MappingReader.scalarInt(n, what: "timeoutSeconds of \(ctx)", range: 1...30, code: .webhookInvalid, file: file, reporter: reporter) {
                timeout = v
            }
            wr.finish(ignoring: ["rules", "sideEffects", "admissionReviewVersions", "namespaceSelector", "objectSelector", "matchPolicy",
                                 "reinvocationPolicy", "matchConditions"], severity: .warning)
            hooks.append(WebhookConfiguration.Webhook(name: name ?? "", service: service, url: url, failurePolicy: failurePolicy,
                                                      timeoutSeconds: timeout, location: wr.location))
        }
        objects.webhookConfigurations.append(WebhookConfiguration(kind: kind, meta: meta, webhooks: hooks))
    }

    func apiService(_ r: MappingReader, meta: ObjectMeta) {
        var service: ServiceReference? = nil
        if let spec = r.mapping("spec", context: "spec of APIService \(meta.name)") {
            if let sr = spec.mapping("service", context: "spec.service of APIService \(meta.name)") {
                service = serviceReference(sr, context: "APIService \(meta.name)")
            }
            spec.finish(ignoring: ["group", "version", "groupPriorityMinimum", "versionPriority", "insecureSkipTLSVerify", "caBundle"],
                        severity: .warning)
        }
        objects.apiServices.append(APIService(meta: meta, service: service))
    }
}
