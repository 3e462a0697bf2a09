import NetsimModel
import Yams

/// Converts Kubernetes manifests (as `kubectl` would accept them) into the model. Manifests are
/// read leniently: fields netsim does not model are ignored, but the fields it reads are
/// type-checked and located.
final class ManifestConverter {
    let file: String
    let reporter: Reporter
    var objects: KubernetesObjects
    /// (kind, namespace, name) → where first defined.
    var seen: [String: SourceLocation]
    /// The cluster's Kubernetes minor version (`cluster.version`); nil: v1.31, the version
    /// netsim models.
    var kubernetesMinor: Int? = nil
    /// The cluster is IPv6 (`cluster.ipFamily: ipv6`): IPv6 policy peers are then of its family.
    var ipv6Cluster = false

    static let modelledKinds = ["Namespace", "Deployment", "StatefulSet", "DaemonSet", "Pod", "Service",
                                "EndpointSlice", "Ingress", "IngressClass", "NetworkPolicy"]
    /// Every kind netsim reads, for hints: the core kinds above and those read apart (EKS's
    /// policies and Security Groups for Pods, what the API server calls).
    static let kindsForHints = (modelledKinds + ["ClusterNetworkPolicy", "SecurityGroupPolicy", "ServiceAccount",
                                                 "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService"]).joined(separator: ", ")
    static let clusterScoped: Set<String> = ["Namespace", "IngressClass", "ClusterNetworkPolicy"]

    init(file: String, reporter: Reporter, objects: KubernetesObjects, seen: [String: SourceLocation]) {
        self.file = file; self.reporter = reporter; self.objects = objects; self.seen = seen
    }

    func reader(_ node: Node, _ context: String) -> MappingReader? {
        MappingReader.make(node, file: file, context: context, reporter: reporter)
    }

    /// One document: an object, a `List` of objects, or nothing (an empty document).
    func add(document node: Node) {
        if node.isNullScalar { return }
        guard let r = reader(node, "a Kubernetes manifest") else { return }
        guard let kind = r.string("kind") else {
            reporter.error(.invalidManifest, "a manifest has no 'kind'", at: r.location,
                           hint: "every Kubernetes object states apiVersion and kind")
            return
        }
        if kind == "List" || kind.hasSuffix("List") {
            for item in r.list("items") ?? [] { add(document: item) }
            return
        }
        guard let apiVersion = r.string("apiVersion") else {
            reporter.error(.invalidManifest, "\(kind) has no 'apiVersion'", at: r.location, hint: "e.g. apiVersion: apps/v1")
            return
        }
        // Security Groups for Pods (ManifestConverter+SecurityGroupPolicy.swift).
        if securityGroupsForPodsKind(kind, r, apiVersion: apiVersion) { return }
        guard Self.modelledKinds.contains(kind) else {
            // What the API server calls out to (admission webhooks, aggregated APIs).
            if controlPlaneObject(r, kind: kind, apiVersion: apiVersion) { return }
            // EKS's cluster-wide policies (Admin and Baseline tiers): the VPC CNI agent's model
            // evaluates them; under another enforcer `check` says they decide nothing.
            if kind == "ClusterNetworkPolicy", apiVersion.hasPrefix("networking.k8s.aws/") {
                clusterNetworkPolicy(r, apiVersion: apiVersion)
                return
            }
            // Namespaced, with FQDN egress peers: it can drop the traffic of pods of its namespace.
            if kind == "ApplicationNetworkPolicy", apiVersion.hasPrefix("networking.k8s.aws/") {
                let meta = r.mapping("metadata", context: "metadata of \(kind)")
                let name = meta?.string("name") ?? "(unnamed)"
                let namespace = meta?.string("namespace") ?? "default"
                objects.applicationNetworkPolicies.append(UnmodelledObject(kind: kind, namespace: namespace, name: name, location: r.location))
                reporter.warning(.unmodelledKind, "\(kind) \(echo: namespace)/\(echo: name) (\(apiVersion)) is not modelled by netsim: a trace through a pod of namespace '\(echo: namespace)' says its verdict depends on it (exit 3), and check does not evaluate intents through those pods",
                                 at: r.location, hint: "netsim models \(Self.kindsForHints)")
                return
            }
            reporter.warning(.unmodelledKind, "\(kind) (\(apiVersion)) is not modelled by netsim; it is ignored", at: r.location,
                             hint: "netsim models \(Self.kindsForHints)")
            return
        }
        let expectedAPI: [String: [String]] = [
            "Namespace": ["v1"], "Pod": ["v1"], "Service": ["v1"],
            "Deployment": ["apps/v1"], "StatefulSet": ["apps/v1"], "DaemonSet": ["apps/v1"],
            "EndpointSlice": ["discovery.k8s.io/v1"], "Ingress": ["networking.k8s.io/v1"],
            "IngressClass": ["networking.k8s.io/v1"], "NetworkPolicy": ["networking.k8s.io/v1"],
        ]
        if let allowed = expectedAPI[kind], !allowed.contains(apiVersion) {
            reporter.error(.unsupportedVersion, "\(kind) with apiVersion '\(echo: apiVersion)' is not served by current Kubernetes",
                           at: r.valueLocation("apiVersion"), hint: "use apiVersion: \(allowed[0])")
            return
        }
        guard let meta = metadata(r, kind: kind) else { return }
        let key = "\(kind)/\(meta.namespace)/\(meta.name)"
        if let first = seen[key] {
            reporter.error(.duplicateObject, "\(kind) \(meta.namespace.isEmpty ? "" : meta.namespace + "/")\(meta.name) is defined twice",
                           at: meta.location, notes: [Diagnostic.Note("first defined here", at: first)])
            return
        }
        seen[key] = meta.location
        let spec = r.mapping("spec", context: "spec of \(kind) \(meta.name)")
        switch kind {
        case "Namespace": objects.namespaces.append(Namespace(meta: meta))
        case "Deployment", "StatefulSet", "DaemonSet": workload(kind, meta: meta, spec: spec)
        case "Pod":
            let template = podSpec(spec, labels: meta.labels, context: "Pod \(meta.name)")
            objects.workloads.append(Workload(kind: .pod, meta: meta, replicas: 1, selector: nil, template: template))
        case "Service": service(meta: meta, spec: spec, status: r.mapping("status", context: "status of Service \(meta.name)"))
        case "EndpointSlice": endpointSlice(r, meta: meta)
        case "Ingress": ingress(meta: meta, spec: spec)
        case "IngressClass":
            objects.ingressClasses.append(IngressClass(meta: meta, controller: spec?.string("controller") ?? ""))
        case "NetworkPolicy": networkPolicy(meta: meta, spec: spec)
        default: break
        }
    }

    /// The opening every custom resource shares: the one apiVersion its controller serves
    /// (else `versionCode`), its metadata, and not defined twice (namespaced or cluster-scoped).
    func openCustomResource(_ r: MappingReader, kind: String, apiVersion: String, served: String, by controller: String,
                            versionCode: DiagnosticCode, namespaced: Bool) -> ObjectMeta? {
        guard apiVersion == served else {
            reporter.error(versionCode, "\(kind) with apiVersion '\(echo: apiVersion)' is not served by \(controller)",
                           at: r.valueLocation("apiVersion"), hint: "use apiVersion: \(served)")
            return nil
        }
        guard let meta = metadata(r, kind: kind) else { return nil }
        let name = namespaced ? "\(meta.namespace)/\(meta.name)" : meta.name
        let key = namespaced ? "\(kind)/\(name)" : "\(kind)//\(name)"
        if let first = seen[key] {
            reporter.error(.duplicateObject, "\(kind) \(name) is defined twice", at: meta.location,
                           notes: [Diagnostic.Note("first defined here", at: first)])
            return nil
        }
        seen[key] = meta.location
        return meta
    }

    func metadata(_ r: MappingReader, kind: String) -> ObjectMeta? {
        guard let m = r.mapping("metadata", context: "metadata of a \(kind)"), let name = m.string("name") else {
            reporter.error(.invalidManifest, "\(kind) has no metadata.name", at: r.location,
                           hint: "add metadata: {name: …}")
            return nil
        }
        let namespace = Self.clusterScoped.contains(kind) ? "" : (m.string("namespace") ?? "default")
        if let (check, rule) = KubernetesNames.nameRule(kind: kind), !check(name) {
            reporter.error(.invalidObjectName, "\(kind) name '\(echo: name)' is not \(rule.prefix { $0 != ":" })", at: m.valueLocation("name"),
                           hint: "the API server refuses it: a name must be \(rule)")
        }
        if !namespace.isEmpty && !KubernetesNames.isDNS1123Label(namespace) {
            reporter.error(.invalidObjectName, "namespace '\(echo: namespace)' of \(kind) \(echo: name) is not a DNS-1123 label", at: m.valueLocation("namespace"),
                           hint: "the API server refuses it: a namespace must be at most 63 characters of lowercase a-z, 0-9 and '-', starting and ending with a letter or digit")
        }
        let annotations = m.stringMap("annotations")
        var meta = ObjectMeta(name: name, namespace: namespace, labels: labels(m.stringMap("labels"), of: "\(kind) \(name)"),
                              annotations: dict(annotations), location: r.location)
        for a in annotations { meta.annotationLocations[a.key] = a.location }
        return meta
    }

    /// Labels (or a selector's or nodeSelector's key/value pairs), each checked as the API
    /// server checks labels (`ValidateLabels`).
    func labels(_ pairs: [(key: String, value: String, location: SourceLocation)], of owner: String) -> [String: String] {
        for p in pairs {
            if let why = KubernetesNames.labelKeyProblem(p.key) {
                reporter.error(.invalidLabel, "label key '\(echo: p.key)' of \(echo: owner) is not valid: \(why)", at: p.location,
                               hint: "the API server refuses the object; e.g. app.kubernetes.io/name or team")
            } else if let why = KubernetesNames.labelValueProblem(p.value) {
                reporter.error(.invalidLabel, "label value '\(echo: p.value)' of '\(echo: p.key)' on \(echo: owner) is not valid: \(why)", at: p.location,
                               hint: "the API server refuses the object; write a value such as \"web\" or \"v1.2\" (quote it in YAML)")
            }
        }
        return dict(pairs)
    }

    func dict(_ pairs: [(key: String, value: String, location: SourceLocation)]) -> [String: String] {
        var d: [String: String] = [:]
        for p in pairs { d[p.key] = p.value }
        return d
    }

    /// A label selector, checked as the API server checks one (`ValidateLabelSelector`): label
    /// keys and values, a known operator, values for In and NotIn only. Unknown keys are errors
    /// here: `matchLabel:` for `matchLabels:` would otherwise leave an empty selector that
    /// selects every pod (the API server rejects it too).
    func selector(_ r: MappingReader?) -> LabelSelector? {
        guard let r else { return nil }
        var exprs: [LabelSelector.Requirement] = []
        for item in r.list("matchExpressions") ?? [] {
            guard let er = reader(item, "a matchExpression") else { continue }
            let key = er.locatedString("key", required: true)
            let op = er.choice("operator", LabelSelector.Requirement.Operator.self, required: true)
            let values = er.stringList("values")
            er.finish()
            if let (k, loc) = key, let why = KubernetesNames.labelKeyProblem(k) {
                reporter.error(.invalidLabel, "matchExpressions key '\(echo: k)' is not a valid label key: \(why)", at: loc,
                               hint: "the API server refuses the object; e.g. app.kubernetes.io/name or team")
            }
            switch op {
            case .In?, .NotIn?:
                if values.isEmpty {
                    reporter.error(.selectorRequirement, "matchExpressions operator \(op?.rawValue ?? "") on '\(echo: key?.0 ?? "")' has no values", at: er.has("values") ? er.valueLocation("values") : er.valueLocation("operator"),
                                   hint: "the API server refuses it: list at least one value, e.g. values: [web], or use Exists")
                }
                for (v, loc) in values {
                    if let why = KubernetesNames.labelValueProblem(v) {
                        reporter.error(.invalidLabel, "matchExpressions value '\(echo: v)' of '\(echo: key?.0 ?? "")' is not a valid label value: \(why)", at: loc,
                                       hint: "the API server refuses the object; write a value such as \"web\" or \"v1.2\"")
                    }
                }
            case .Exists?, .DoesNotExist?:
                if !values.isEmpty {
                    reporter.error(.selectorRequirement, "matchExpressions operator \(op?.rawValue ?? "") on '\(echo: key?.0 ?? "")' has values", at: er.valueLocation("values"),
                                   hint: "the API server refuses it: \(op?.rawValue ?? "") takes no values; remove them, or use In")
                }
            case nil: break
            }
            if let op { exprs.append(LabelSelector.Requirement(key: key?.0 ?? "", op: op, values: values.map(\.0))) }
        }
        let labels = self.labels(r.stringMap("matchLabels"), of: "a selector")
        r.finish()
        return LabelSelector(matchLabels: labels, matchExpressions: exprs)
    }

    /// Fields of a spec that Kubernetes defines but netsim does not read: accepted silently.
    /// Anything else is a warning with "did you mean" (kubectl's strict field validation
    /// rejects it).
    static let serviceSpecFields = ["clusterIPs", "externalIPs", "loadBalancerIP", "healthCheckNodePort",
                                    "publishNotReadyAddresses", "sessionAffinityConfig", "ipFamilies", "ipFamilyPolicy",
                                    "allocateLoadBalancerNodePorts"]

    static func k8sProtocol(_ s: String?) -> IPProtocol? {
        switch s ?? "TCP" {
        case "TCP": return .tcp
        case "UDP": return .udp
        case "SCTP": return .number(132)
        default: return nil
        }
    }

    func protocolField(_ r: MappingReader) -> IPProtocol {
        let text = r.string("protocol")
        if let p = Self.k8sProtocol(text) { return p }
        reporter.error(.invalidValue, "protocol '\(echo: text ?? "")' is not TCP, UDP or SCTP", at: r.valueLocation("protocol"),
                       hint: "Kubernetes protocols are upper case: TCP, UDP, SCTP")
        return .tcp
    }

    func port(_ r: MappingReader, _ key: String, required: Bool = false) -> UInt16? {
        r.int(key, required: required, range: 1...65535, code: .invalidPort).map { UInt16($0) }
    }

    /// A port that may be a number or a name (targetPort, Ingress backend port, NetworkPolicy port).
    func intOrString(_ r: MappingReader, _ key: String) -> ServicePort.TargetPort? {
        guard let n = r.node(key) else { return nil }
        guard case .scalar(let s) = n else {
            reporter.error(.wrongType, "'\(echo: key)' must be a port number or name, found \(n.kindDescription)", at: n.location(in: file))
            return nil
        }
        if let v = Int(s.string) {
            guard (1...65535).contains(v) else {
                reporter.error(.invalidPort, "'\(echo: key)' is \(v), outside 1–65535", at: n.location(in: file))
                return nil
            }
            return .number(UInt16(v))
        }
        return .name(s.string)
    }

    func podSpec(_ spec: MappingReader?, labels: [String: String], context: String) -> PodTemplate {
        guard let spec else { return PodTemplate(labels: labels, containers: []) }
        var containers: [Container] = []
        let containerList = spec.list("containers") ?? []
        if containerList.isEmpty {
            reporter.error(.noContainers, "the pod spec of \(echo: context) has no containers", at: spec.has("containers") ? spec.valueLocation("containers") : spec.location,
                           hint: "the API server refuses it (spec.containers: Required value); list at least one container")
        }
        for item in containerList {
            guard let c = reader(item, "a container of \(context)") else { continue }
            var ports: [ContainerPort] = []
            for p in c.list("ports") ?? [] {
                guard let pr = reader(p, "a container port of \(context)") else { continue }
                if let n = port(pr, "containerPort", required: true) {
                    ports.append(ContainerPort(name: pr.string("name") ?? "", containerPort: n, ipProtocol: protocolField(pr)))
                }
            }
            containers.append(Container(name: c.string("name") ?? "", ports: ports))
        }
        var tolerations: [Toleration] = []
        for item in spec.list("tolerations") ?? [] {
            guard let t = reader(item, "a toleration of \(context)") else { continue }
            tolerations.append(Toleration(key: t.string("key") ?? "", op: t.string("operator") ?? "Equal",
                                          value: t.string("value") ?? "", effect: t.string("effect") ?? ""))
        }
        var template = PodTemplate(labels: labels, containers: containers, hostNetwork: spec.bool("hostNetwork") ?? false,
                                   nodeSelector: self.labels(spec.stringMap("nodeSelector"), of: "the nodeSelector of \(context)"), tolerations: tolerations)
        // spec.serviceAccountName (the deprecated spec.serviceAccount when it is absent).
        if let sa = spec.string("serviceAccountName") ?? spec.string("serviceAccount"), !sa.isEmpty { template.serviceAccountName = sa }
        return template
    }

    func workload(_ kind: String, meta: ObjectMeta, spec: MappingReader?) {
        let wk = WorkloadKind(rawValue: kind) ?? .deployment
        let ctx = "\(kind) \(meta.namespace)/\(meta.name)"
        let replicas: Int? = wk == .daemonSet ? nil : (spec?.int("replicas", range: 0...1_000_000) ?? 1)
        let sel = selector(spec?.mapping("selector", context: "selector of \(ctx)"))
        if spec != nil && sel == nil {
            reporter.error(.missingKey, "\(ctx) has no spec.selector", at: meta.location,
                           hint: "apps/v1 workloads need spec.selector.matchLabels matching the pod template's labels")
        }
        let template = spec?.mapping("template", context: "template of \(ctx)")
        let labels = self.labels(template?.mapping("metadata", context: "template metadata of \(ctx)")?.stringMap("labels") ?? [], of: "the pod template of \(ctx)")
        let pod = podSpec(template?.mapping("spec", context: "pod spec of \(ctx)"), labels: labels, context: ctx)
        if let sel, !sel.isEmpty, !sel.matches(labels) {
            reporter.error(.invalidValue, "\(ctx): spec.selector does not match the pod template's labels", at: meta.location,
                           hint: "Kubernetes rejects this; make template.metadata.labels satisfy spec.selector")
        }
        objects.workloads.append(Workload(kind: wk, meta: meta, replicas: replicas, selector: sel, template: pod))
    }

    func service(meta: ObjectMeta, spec: MappingReader?, status: MappingReader? = nil) {
        let ctx = "Service \(meta.namespace)/\(meta.name)"
        guard let spec else {
            reporter.error(.missingKey, "\(ctx) has no spec", at: meta.location)
            return
        }
        let type = spec.choice("type", Service.ServiceType.self) ?? .ClusterIP
        var ports: [ServicePort] = []
        for item in spec.list("ports") ?? [] {
            guard let pr = reader(item, "a port of \(ctx)") else { continue }
            guard let p = port(pr, "port", required: true) else { continue }
            let target = intOrString(pr, "targetPort") ?? .number(p)
            let nodePort = pr.int("nodePort", range: 0...65535, code: .nodePortRange).flatMap { $0 == 0 ? nil : UInt16($0) }
            ports.append(ServicePort(name: pr.string("name") ?? "", ipProtocol: protocolField(pr), port: p, targetPort: target,
                                     nodePort: nodePort, location: pr.valueLocation(nodePort != nil ? "nodePort" : "port")))
        }
        for p in ports where !p.name.isEmpty && !KubernetesNames.isDNS1123Label(p.name) {
            reporter.error(.invalidValue, "port name '\(echo: p.name)' of \(ctx) is not a DNS-1123 label", at: p.location,
                           hint: "Kubernetes requires at most 63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit")
        }
        if !KubernetesNames.isDNS1035Label(meta.name) {
            reporter.error(.invalidValue, "Service name '\(echo: meta.name)' is not a DNS-1035 label", at: meta.location,
                           hint: "Kubernetes requires at most 63 characters of a-z, 0-9 and '-', starting with a letter and not ending with '-'")
        }
        // Fields that change kube-proxy's rules but that netsim does not model: say so rather
        // than trace as if they were absent.
        // (publishNotReadyAddresses changes nothing here: every running pod of the model is
        // ready, and pods without an address are no endpoints either way.)
        // trafficDistribution (v1.31: PreferClose only) is modelled: the EndpointSlice
        // controller hints each ready endpoint for its own zone. The topology-mode annotation's
        // proportional hints (the controller's topology cache) are not, and take precedence.
        var trafficDistribution = spec.string("trafficDistribution")
        if trafficDistribution != nil, let minor = kubernetesMinor, minor < 31 {
            // Feature gate ServiceTrafficDistribution (pkg/features/kube_features.go): alpha
            // and off in 1.30, beta and on in 1.31, GA in 1.33; EKS turns on no alpha gate.
            // With the gate off the API server drops the field; before 1.30 it does not exist.
            reporter.warning(.fieldNotInVersion, "\(ctx) sets trafficDistribution, which Kubernetes 1.\(minor) does not serve (\(minor == 30 ? "alpha in 1.30, its feature gate off on EKS" : "added in 1.30, beta in 1.31")): the API server drops it, so the endpoints get no zone hints and every node uses all of them",
                             at: spec.valueLocation("trafficDistribution"), hint: "set cluster.version to \"1.31\" or later to model PreferClose, or drop the field")
            trafficDistribution = nil
        }
        if let td = trafficDistribution, td != "PreferClose" {
            reporter.error(.invalidValue, "\(ctx): trafficDistribution '\(echo: td)' is not supported", at: spec.valueLocation("trafficDistribution"),
                           hint: "Kubernetes 1.31 accepts only PreferClose")
        }
        for key in ["service.kubernetes.io/topology-mode", "service.kubernetes.io/topology-aware-hints"] {
            guard let v = meta.annotations[key], v == "Auto" || v == "auto" else { continue }
            reporter.warning(.unmodelledField, "\(ctx) sets the \(key) annotation to \(v), which netsim does not model yet: the EndpointSlice controller would give endpoints zone hints in proportion to each zone's CPU",
                             at: meta.annotationLocations[key] ?? meta.location,
                             hint: "netsim gives the Service's endpoints no hints, so every node uses all of them\(trafficDistribution != nil ? " (the annotation overrides trafficDistribution)" : ""); write the EndpointSlices with hints.forZones to model a distribution")
            break
        }
        if ports.count > 1, let unnamed = ports.first(where: { $0.name.isEmpty }) {
            reporter.error(.invalidValue, "\(ctx) has several ports, and one has no name", at: unnamed.location,
                           hint: "Kubernetes requires a name on every port of a multi-port Service")
        }
        if type != .ExternalName && ports.isEmpty {
            reporter.error(.missingKey, "\(ctx) has no ports", at: meta.location, hint: "add spec.ports")
        }
        var sel: [String: String]? = dict(spec.stringMap("selector"))
        if sel?.isEmpty == true { sel = nil }
        var ranges: [IPv4CIDR] = []
        var ranges6: [Service.SourceRangeIPv6] = []
        for (raw, loc) in spec.stringList("loadBalancerSourceRanges") {
            // The API server's validation and kube-proxy (MapCIDRsByIPFamily) trim spaces.
            let c = raw.trimmingSpaces()
            if let v = IPv4CIDR(lenient: c) {
                ranges.append(v)
                if c != raw {
                    reporter.warning(.sourceRangeSpaces, "loadBalancerSourceRanges entry '\(echo: raw)' of \(ctx) has white space around it; Kubernetes trims it and uses \(v)",
                                     at: loc, hint: "write '\(echo: c)'")
                }
            } else if let v6 = IPv6CIDR(lenient: c) {
                // The API server accepts either family; the load balancer's builder judges it.
                ranges6.append(.init(cidr: v6, location: loc))
            } else {
                reporter.error(.invalidCIDR, "loadBalancerSourceRanges entry '\(echo: raw)' is not an IPv4 or IPv6 CIDR", at: loc)
            }
        }
        let clusterIP = spec.string("clusterIP")
        if let ip = clusterIP, ip != "None", ip != "", IPv4Address(ip) == nil {
            reporter.error(.invalidAddress, "clusterIP '\(echo: ip)' of \(ctx) is not an IPv4 address", at: spec.valueLocation("clusterIP"))
        }
        let etp = spec.choice("externalTrafficPolicy", Service.TrafficPolicy.self) ?? .Cluster
        // Externally accessible: NodePort, LoadBalancer, or any Service with external IPs.
        if spec.has("externalTrafficPolicy") && type != .NodePort && type != .LoadBalancer && spec.stringList("externalIPs").isEmpty {
            reporter.error(.invalidValue, "\(ctx): externalTrafficPolicy applies only to NodePort and LoadBalancer Services, or Services with externalIPs",
                           at: spec.valueLocation("externalTrafficPolicy"), hint: "Kubernetes rejects it on type \(type.rawValue)")
        }
        var service = Service(
            meta: meta, type: type, clusterIP: clusterIP, selector: sel, ports: ports, externalTrafficPolicy: etp,
            internalTrafficPolicy: spec.choice("internalTrafficPolicy", Service.TrafficPolicy.self) ?? .Cluster,
            sessionAffinity: spec.string("sessionAffinity") ?? "None", loadBalancerClass: spec.string("loadBalancerClass"),
            loadBalancerSourceRanges: ranges, externalName: spec.string("externalName"))
        service.loadBalancerSourceRangesIPv6 = ranges6
        for (a, loc) in spec.stringList("externalIPs") {
            if let ip = IPv4Address(a) { service.externalIPs.append(ip) } else {
                reporter.error(.invalidAddress, "externalIPs entry '\(echo: a)' of \(ctx) is not an IPv4 address", at: loc)
            }
        }
        if let hc = spec.int("healthCheckNodePort", range: 0...65535, code: .nodePortRange), hc != 0 {
            service.healthCheckNodePort = UInt16(hc)
        }
        if let allocate = spec.bool("allocateLoadBalancerNodePorts") { service.allocateLoadBalancerNodePorts = allocate }
        service.trafficDistribution = trafficDistribution == "PreferClose" ? trafficDistribution : nil
        if let status {
            service.loadBalancerIngress = loadBalancerIngress(status, context: ctx)
        }
        if let cfg = spec.mapping("sessionAffinityConfig", context: "sessionAffinityConfig of \(ctx)") {
            if let ip = cfg.mapping("clientIP", context: "sessionAffinityConfig.clientIP of \(ctx)") {
                // The API server accepts 1–86400 seconds.
                service.affinityTimeoutSeconds = ip.int("timeoutSeconds", range: 1...86400)
                ip.finish()
            }
            cfg.finish()
        }
        spec.finish(ignoring: Self.serviceSpecFields, severity: .warning)
        objects.services.append(service)
    }

    /// `status.loadBalancer.ingress[]`: `ip` (validated as the API server does), `hostname`,
    /// `ipMode` (`VIP` or `Proxy`, only with an ip); `ports` and `conditions` are not read.
    func loadBalancerIngress(_ status: MappingReader, context ctx: String) -> [Service.LoadBalancerIngress] {
        var out: [Service.LoadBalancerIngress] = []
        if let lb = status.mapping("loadBalancer", context: "status.loadBalancer of \(ctx)") {
            for item in lb.list("ingress") ?? [] {
                guard let ir = reader(item, "a status.loadBalancer.ingress entry of \(ctx)") else { continue }
                var ip: IPv4Address? = nil
                let text = ir.string("ip")
                if let t = text, !t.isEmpty {
                    ip = IPv4Address(t)
                    if ip == nil && IPv6Address(t) == nil {
                        reporter.error(.invalidAddress, "status.loadBalancer.ingress ip '\(t)' of \(ctx) is not an IP address", at: ir.valueLocation("ip"))
                    }
                }
                let mode = ir.string("ipMode")
                if let m = mode {
                    if m != "VIP" && m != "Proxy" {
                        reporter.error(.invalidValue, "status.loadBalancer.ingress ipMode '\(m)' of \(ctx) is not VIP or Proxy", at: ir.valueLocation("ipMode"))
                    } else if (text ?? "").isEmpty {
                        reporter.error(.invalidValue, "status.loadBalancer.ingress of \(ctx) sets ipMode without ip", at: ir.valueLocation("ipMode"),
                                       hint: "the API server accepts ipMode only next to ip")
                    }
                }
                out.append(Service.LoadBalancerIngress(ip: ip, hostname: ir.string("hostname"), ipMode: mode))
                ir.finish(ignoring: ["ports"], severity: .warning)
            }
            lb.finish(severity: .warning)
        }
        status.finish(ignoring: ["conditions"], severity: .warning)
        return out
    }

    func endpointSlice(_ r: MappingReader, meta: ObjectMeta) {
        var endpoints: [EndpointSlice.Endpoint] = []
        for item in r.list("endpoints") ?? [] {
            guard let er = reader(item, "an endpoint of EndpointSlice \(meta.name)") else { continue }
            let addresses = er.stringList("addresses")
            for (a, loc) in addresses where IPv4Address(a) == nil && IPv6Address(a) == nil {
                reporter.error(.invalidAddress, "endpoint address '\(echo: a)' is not an IP address", at: loc)
            }
            let conditions = er.mapping("conditions")
            let ready = conditions?.bool("ready") ?? true
            var zoneHints: Set<String> = []
            if let hints = er.mapping("hints", context: "hints of an endpoint of EndpointSlice \(meta.name)") {
                for z in hints.list("forZones") ?? [] {
                    guard let zr = reader(z, "a hints.forZones entry of EndpointSlice \(meta.name)") else { continue }
                    if let name = zr.string("name", required: true) { zoneHints.insert(name) }
                    zr.finish(severity: .warning)
                }
                hints.finish(ignoring: ["forNodes"], severity: .warning)
            }
            endpoints.append(EndpointSlice.Endpoint(addresses: addresses.map(\.0), ready: ready, nodeName: er.string("nodeName"),
                                                    serving: conditions?.bool("serving"), terminating: conditions?.bool("terminating") ?? false,
                                                    zoneHints: zoneHints.sorted()))
        }
        var ports: [EndpointSlice.Port] = []
        for item in r.list("ports") ?? [] {
            guard let pr = reader(item, "a port of EndpointSlice \(meta.name)"), let p = port(pr, "port") else { continue }
            ports.append(EndpointSlice.Port(name: pr.string("name") ?? "", port: p, ipProtocol: protocolField(pr)))
        }
        guard let service = meta.labels["kubernetes.io/service-name"] else {
            reporter.error(.missingKey, "EndpointSlice \(meta.name) has no kubernetes.io/service-name label", at: meta.location,
                           hint: "kube-proxy only uses slices labelled with their Service's name")
            return
        }
        objects.endpointSlices.append(EndpointSlice(meta: meta, serviceName: service, addressType: r.string("addressType") ?? "IPv4",
                                                    endpoints: endpoints, ports: ports))
    }

    func backend(_ r: MappingReader?, context: String) -> Ingress.Backend? {
        guard let r else { return nil }
        guard let svc = r.mapping("service", context: "backend.service of \(context)") else {
            if r.has("resource") { return nil }
            reporter.error(.missingKey, "a backend of \(context) names no service", at: r.location)
            return nil
        }
        guard let name = svc.string("name", required: true),
              let portReader = svc.mapping("port", context: "backend port of \(context)", required: true) else { return nil }
        var port: ServicePort.TargetPort? = nil
        if let n = portReader.int("number", range: 1...65535, code: .invalidPort) { port = .number(UInt16(n)) }
        if let s = portReader.string("name") { port = .name(s) }
        guard let port else {
            portReader.missing("number", hint: "give port.number or port.name")
            return nil
        }
        return Ingress.Backend(serviceName: name, port: port, location: svc.location)
    }

    func ingress(meta: ObjectMeta, spec: MappingReader?) {
        let ctx = "Ingress \(meta.namespace)/\(meta.name)"
        let className = spec?.string("ingressClassName") ?? meta.annotations["kubernetes.io/ingress.class"]
        let defaultBackend = backend(spec?.mapping("defaultBackend"), context: ctx)
        var rules: [Ingress.Rule] = []
        for item in spec?.list("rules") ?? [] {
            guard let rr = reader(item, "a rule of \(ctx)") else { continue }
            var paths: [Ingress.Path] = []
            for p in rr.mapping("http")?.list("paths") ?? [] {
                guard let pr = reader(p, "a path of \(ctx)") else { continue }
                let pathType = pr.choice("pathType", Ingress.Path.PathType.self, required: true) ?? .Prefix
                let path = pr.string("path") ?? "/"
                if pathType != .ImplementationSpecific && !path.hasPrefix("/") {
                    reporter.error(.invalidValue, "path '\(echo: path)' of \(ctx) must start with '/'", at: pr.valueLocation("path"))
                }
                if let b = backend(pr.mapping("backend", context: "backend of \(ctx)", required: true), context: ctx) {
                    paths.append(Ingress.Path(path: path, pathType: pathType, backend: b))
                }
            }
            rules.append(Ingress.Rule(host: rr.string("host"), paths: paths))
        }
        objects.ingresses.append(Ingress(meta: meta, ingressClassName: className, defaultBackend: defaultBackend, rules: rules))
    }

    /// `IsValidPortName`: at most 15 characters of a-z, 0-9 and '-', at least one letter, no
    /// '-' at either end and no "--".
    static func portNameProblem(_ s: String) -> String? {
        let b = Array(s.utf8)
        if b.isEmpty || b.count > 15 { return "it must be 1 to 15 characters" }
        if !b.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }) { return "it may hold only lowercase a-z, 0-9 and '-'" }
        if !b.contains(where: { $0 >= 0x61 && $0 <= 0x7A }) { return "it must contain at least one letter" }
        if b.first == 0x2D || b.last == 0x2D { return "it may not begin or end with '-'" }
        if s.contains("--") { return "it may not contain \"--\"" }
        return nil
    }

    /// An ipBlock CIDR as the API server reads it (sloppy: host bits allowed); `.v6` for a valid
    /// IPv6 CIDR, nil when it is not a CIDR.
    enum PolicyCIDR { case v4(IPv4CIDR), v6(IPv6CIDR) }
    static func policyCIDR(_ text: String) -> PolicyCIDR? {
        if let c = IPv4CIDR(lenient: text) { return .v4(c) }
        if text.contains(":"), let c = IPv6CIDR(lenient: text) { return .v6(c) }
        return nil
    }

    /// A peer's ipBlock, checked as `ValidateIPBlock`; nil (after reporting) when it is not an
    /// IPv4 block netsim can use.
    func ipBlock(_ b: MappingReader, ctx: String) -> (cidr: IPv4CIDR, except: [IPv4CIDR])? {
        defer { b.finish() }
        guard let (c, loc) = b.locatedString("cidr", required: true) else { _ = b.node("except"); return nil }
        let excepts = b.stringList("except")
        guard !c.isEmpty else {
            reporter.error(.invalidCIDR, "ipBlock cidr of \(ctx) is empty", at: loc, hint: "the API server requires a CIDR, e.g. 10.0.0.0/16")
            return nil
        }
        guard let parsed = Self.policyCIDR(c) else {
            reporter.error(.invalidCIDR, "ipBlock cidr '\(echo: c)' of \(ctx) is not a CIDR", at: loc,
                           hint: "the API server refuses it; write address/length without spaces, e.g. 10.0.0.0/16")
            for (e, eloc) in excepts where Self.policyCIDR(e) == nil {
                reporter.error(.invalidCIDR, "ipBlock except entry '\(echo: e)' of \(ctx) is not a CIDR", at: eloc, hint: "the API server refuses it; e.g. 10.0.5.0/24")
            }
            return nil
        }
        var except: [IPv4CIDR] = []
        var exceptOK = true
        for (e, eloc) in excepts {
            guard let pe = Self.policyCIDR(e) else {
                exceptOK = false
                reporter.error(.invalidCIDR, "ipBlock except entry '\(echo: e)' of \(ctx) is not a CIDR", at: eloc, hint: "the API server refuses it; e.g. 10.0.5.0/24")
                continue
            }
            let inside: Bool
            switch (parsed, pe) {
            case (.v4(let outer), .v4(let inner)): inside = outer.contains(inner.network) && outer.prefixLength < inner.prefixLength; if inside { except.append(inner) }
            case (.v6(let outer), .v6(let inner)): inside = outer.contains(inner.network) && outer.prefixLength < inner.prefixLength
            default: inside = false
            }
            if !inside {
                exceptOK = false
                reporter.error(.policyExcept, "ipBlock except entry '\(echo: e)' of \(ctx) is not strictly inside its cidr \(echo: c)", at: eloc,
                               hint: "the API server refuses the policy: an except must be a smaller block inside cidr (e.g. cidr 10.0.0.0/16, except 10.0.5.0/24); remove it or fix the cidr")
            }
        }
        switch parsed {
        case .v4(let v): return exceptOK ? (v, except) : nil
        case .v6(let v):
            if ipv6Cluster {
                reporter.warning(.policyIPv6Peer, "ipBlock \(v) of \(ctx) is IPv6: netsim models IPv4 traffic only, so this peer allows nothing in its traces", at: loc,
                                 hint: "netsim's policy engines are IPv4-only; remove the peer to silence this")
            } else {
                reporter.warning(.policyIPv6Peer, "ipBlock \(v) of \(ctx) is IPv6 in an IPv4 cluster: the network policy agent cannot apply it, so this peer allows nothing", at: loc,
                                 hint: "remove the peer, or write the IPv4 range you mean (the agent runs one address family per cluster)")
            }
            return nil
        }
    }

    /// The peers of a rule, checked as `ValidateNetworkPolicyPeer`. `written` counts the peers
    /// in the manifest (an IPv6 peer the agent cannot apply is left out of the result).
    func policyPeers(_ r: MappingReader, key: String, ctx: String) -> (peers: [NetworkPolicy.Peer], written: Int) {
        var peers: [NetworkPolicy.Peer] = []
        let items = r.list(key) ?? []
        for item in items {
            guard let pr = reader(item, "a peer of \(ctx)") else { continue }
            let podNode = pr.node("podSelector"), nsNode = pr.node("namespaceSelector"), blockNode = pr.node("ipBlock")
            let count = [podNode, nsNode, blockNode].filter { $0 != nil }.count
            if count == 0 {
                reporter.error(.policyPeer, "a peer of \(ctx) names no podSelector, namespaceSelector or ipBlock", at: pr.location,
                               hint: "the API server refuses it (must specify a peer); write podSelector: {} for every pod of the namespace, or remove the entry")
            } else if count > 1 && blockNode != nil {
                reporter.error(.policyPeer, "a peer of \(ctx) sets ipBlock together with a selector", at: pr.location,
                               hint: "the API server refuses it (may not specify both ipBlock and another peer); write them as two peers")
            }
            var block: (cidr: IPv4CIDR, except: [IPv4CIDR])? = nil
            var dropped = false
            if blockNode != nil {
                if let b = pr.mapping("ipBlock", context: "ipBlock of \(ctx)") { block = ipBlock(b, ctx: ctx) }
                dropped = block == nil
            }
            let podSel = selector(pr.mapping("podSelector", context: "podSelector of a peer of \(ctx)"))
            let nsSel = selector(pr.mapping("namespaceSelector", context: "namespaceSelector of a peer of \(ctx)"))
            pr.finish()
            if count == 0 || (count > 1 && blockNode != nil) || dropped { continue }
            peers.append(NetworkPolicy.Peer(podSelector: podSel, namespaceSelector: nsSel, ipBlock: block, location: pr.location))
        }
        return (peers, items.count)
    }

    /// A rule's port, checked as `ValidateNetworkPolicyPort`.
    func policyPort(_ pr: MappingReader, ctx: String) -> NetworkPolicy.Port? {
        defer { pr.finish() }
        let proto = protocolField(pr)
        var target: ServicePort.TargetPort? = nil
        var ok = true
        if let n = pr.node("port") {
            if case .scalar(let s) = n, s.style == .plain, Self.looksNumeric(s.string), Int(s.string) == nil {
                ok = false
                reporter.error(.invalidPort, "'port' of a port of \(ctx) is \(Echo.clip(s.string)), outside 1–65535", at: n.location(in: file))
            } else if case .scalar(let s) = n, s.style != .plain, Self.looksNumeric(s.string) {
                // A quoted number is a string in the manifest's JSON: the API server reads it as
                // a port name, and a port name needs a letter.
                ok = false
                reporter.error(.policyNamedPort, "port \"\(echo: s.string)\" of \(ctx) is quoted, so the API server reads it as a port name, and a port name must contain a letter", at: n.location(in: file),
                               hint: "write the number unquoted: port: \(Echo.clip(s.string))")
            } else {
                target = intOrString(pr, "port")
                if target == nil { ok = false }
            }
            if case .name(let name)? = target, let why = Self.portNameProblem(name) {
                ok = false
                reporter.error(.policyNamedPort, "port '\(echo: name)' of \(ctx) is not a valid port name: \(why)", at: pr.valueLocation("port"),
                               hint: "the API server refuses it; write a port number (1–65535) or the name of a container port, e.g. http")
            }
        }
        var endPort: UInt16? = nil
        if pr.node("endPort") != nil {
            endPort = port(pr, "endPort")
            if endPort == nil { ok = false }
            let loc = pr.valueLocation("endPort")
            switch target {
            case nil where pr.node("port") == nil:
                ok = false
                reporter.error(.policyEndPort, "endPort of a port of \(ctx) is set without port", at: loc,
                               hint: "the API server refuses it; add port: the first port of the range")
            case .name(let name)?:
                ok = false
                reporter.error(.policyEndPort, "endPort of a port of \(ctx) is set with the named port '\(echo: name)'", at: loc,
                               hint: "the API server refuses it: a range needs a numeric port; write the port's number, or drop endPort")
            case .number(let start)?:
                if let e = endPort, e < start {
                    ok = false
                    reporter.error(.policyEndPort, "endPort \(e) of a port of \(ctx) is below its port \(start)", at: loc,
                                   hint: "the API server refuses it: endPort must be greater than or equal to port")
                }
            default: break
            }
        }
        return ok ? NetworkPolicy.Port(ipProtocol: proto, port: target, endPort: endPort, location: pr.location) : nil
    }

    static func looksNumeric(_ s: String) -> Bool {
        var b = Substring(s)
        if b.first == "-" || b.first == "+" { b = b.dropFirst() }
        return !b.isEmpty && b.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// The rules of one direction, and how many the manifest writes (Kubernetes' default
    /// policyTypes count written egress rules).
    func policyRules(_ spec: MappingReader, key: String, peerKey: String, ctx: String) -> (rules: [NetworkPolicy.Rule], written: Int) {
        let items = spec.list(key) ?? []
        let rules: [NetworkPolicy.Rule] = items.compactMap { item in
            guard let rr = reader(item, "an \(key) rule of \(ctx)") else { return nil }
            var portsOK = true
            let ports: [NetworkPolicy.Port] = (rr.list("ports") ?? []).compactMap { p in
                guard let pr = reader(p, "a port of \(ctx)") else { portsOK = false; return nil }
                let port = policyPort(pr, ctx: ctx)
                if port == nil { portsOK = false }
                return port
            }
            let (peers, written) = policyPeers(rr, key: peerKey, ctx: ctx)
            rr.finish()
            // A rule whose every written peer is left out (IPv6, or refused) allows nothing; a
            // rule with a port left out is refused: neither may become "all peers" or "all ports".
            guard portsOK, written == 0 || !peers.isEmpty else { return nil }
            return NetworkPolicy.Rule(peers: peers, ports: ports, location: rr.location)
        }
        return (rules, items.count)
    }

    func networkPolicy(meta: ObjectMeta, spec: MappingReader?) {
        let ctx = "NetworkPolicy \(meta.namespace)/\(meta.name)"
        guard let spec else { reporter.error(.missingKey, "\(ctx) has no spec", at: meta.location); return }
        let podSelector = selector(spec.mapping("podSelector")) ?? LabelSelector()
        let (ingress, _) = policyRules(spec, key: "ingress", peerKey: "from", ctx: ctx)
        let (egress, egressWritten) = policyRules(spec, key: "egress", peerKey: "to", ctx: ctx)
        var types: [NetworkPolicy.PolicyType] = []
        let written = spec.stringList("policyTypes")
        if written.count > 2 {
            reporter.error(.policyTypes, "\(ctx) lists \(written.count) policyTypes; the API server accepts at most two", at: spec.valueLocation("policyTypes"),
                           hint: "write policyTypes: [Ingress], [Egress] or [Ingress, Egress]")
        }
        if !written.isEmpty {
            for (t, loc) in written {
                if let v = NetworkPolicy.PolicyType(rawValue: t) { if !types.contains(v) { types.append(v) } } else {
                    reporter.error(.invalidValue, "policyType '\(echo: t)' is not Ingress or Egress", at: loc,
                                   hint: "the API server refuses it; policyTypes are capitalised: Ingress, Egress")
                }
            }
        } else {
            // Kubernetes' default: Ingress always, Egress when egress rules are present.
            types = [.Ingress] + (egressWritten == 0 ? [] : [.Egress])
        }
        spec.finish(severity: .warning)
        objects.networkPolicies.append(NetworkPolicy(meta: meta, podSelector: podSelector, policyTypes: types,
                                                     ingress: ingress, egress: egress))
    }
}

extension String {
    /// Without leading and trailing white space, as Go's strings.TrimSpace.
    fileprivate func trimmingSpaces() -> String {
        let chars = Array(self)
        guard let first = chars.firstIndex(where: { !$0.isWhitespace }), let last = chars.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(chars[first...last])
    }
}
