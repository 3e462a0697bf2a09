import NetsimModel
import Yams

/// `cluster.controlPlane`: the subnets EKS places its control-plane ENIs in, how many, the
/// cluster security group, additional groups, and the API server endpoint's access (EKS
/// CreateCluster `resourcesVpcConfig`: subnetIds, securityGroupIds, endpointPublicAccess,
/// endpointPrivateAccess, publicAccessCidrs).
extension TopologyConverter {
    func convertControlPlane(_ r: MappingReader, cluster: String, vpc: String?) -> ControlPlane {
        let ctx = "cluster.controlPlane"
        let subnets = r.stringList("subnets")
        if r.has("subnets"), subnets.isEmpty, let n = r.node("subnets"), case .sequence(let seq) = n, seq.isEmpty {
            reporter.error(.controlPlaneSubnets, "\(ctx).subnets is empty", at: r.valueLocation("subnets"),
                           hint: "EKS creates the control plane's ENIs in the subnets given at cluster creation, in at least two zones, e.g. subnets: [private-a, private-b]")
        }
        if !r.has("subnets") {
            reporter.error(.controlPlaneSubnets, "\(ctx) needs 'subnets'", at: r.location,
                           hint: "list the subnets given at cluster creation, in at least two zones, e.g. subnets: [private-a, private-b]")
        }
        for (s, loc) in subnets { reference(.subnet, s, vpc: vpc, at: loc, from: ctx) }
        var seen: [String: SourceLocation] = [:]
        for (s, loc) in subnets {
            if let first = seen[s] {
                reporter.error(.controlPlaneSubnets, "subnet '\(echo: s)' is listed twice in \(ctx).subnets", at: loc,
                               hint: "EKS takes each subnet once", notes: [Diagnostic.Note("first listed here", at: first)])
            } else { seen[s] = loc }
        }
        locations["controlPlane.subnets"] = r.has("subnets") ? r.valueLocation("subnets") : r.location
        var enis = 2
        if let n = r.node("enis"), let v = MappingReader.scalarInt(n, what: "'enis' of \(ctx)", range: nil, file: file, reporter: reporter) {
            if (2...4).contains(v) { enis = v } else {
                reporter.error(.controlPlaneENIs, "'enis' of \(ctx) is \(v); EKS keeps 2 to 4 control-plane ENIs", at: r.valueLocation("enis"),
                               hint: "write 2, 3 or 4, or drop the key for 2")
            }
        }
        var clusterSG = ControlPlane.defaultClusterSecurityGroupName(cluster: cluster, seed: seed)
        if let (g, loc) = r.locatedString("clusterSecurityGroup") {
            if g.isEmpty || g.utf8.count > 255 {
                reporter.error(.clusterSecurityGroup, "\(ctx).clusterSecurityGroup '\(echo: g)' is \(g.isEmpty ? "empty" : "longer than 255 characters")",
                               at: loc, hint: "name the group (a group of that name in vpc.securityGroups is used as written), or drop the key for EKS's \(clusterSG)")
            } else {
                clusterSG = g
            }
            locations["controlPlane.clusterSecurityGroup"] = loc
        }
        let extra = r.stringList("securityGroups")
        for (g, loc) in extra { reference(.securityGroup, g, vpc: vpc, at: loc, from: ctx) }
        var access = ControlPlane.EndpointAccess(location: r.location)
        if let er = r.mapping("endpoint", context: "\(ctx).endpoint") {
            access.location = er.location
            if let p = er.bool("publicAccess") { access.publicAccess = p }
            if let p = er.bool("privateAccess") { access.privateAccess = p }
            if !access.publicAccess && !access.privateAccess {
                reporter.error(.endpointAccess, "the API server endpoint has neither public nor private access", at: er.location,
                               hint: "EKS refuses it: set publicAccess: true, privateAccess: true, or both")
            }
            if er.has("publicAccessCidrs") {
                let loc = er.valueLocation("publicAccessCidrs")
                let items = er.stringList("publicAccessCidrs")
                var cidrs: [IPv4CIDR] = []
                for (text, l) in items {
                    guard let c = cidr4(text, at: l, what: "publicAccessCidrs block", strict: true) else { continue }
                    if (IPv4CIDR.rfc1918 + [IPv4CIDR.rfc6598]).contains(where: { $0.contains(c.network) }) {
                        reporter.error(.endpointAccess, "publicAccessCidrs block \(c) is private: the public endpoint only sees public source addresses", at: l,
                                       hint: "list the public addresses clients leave from (a NAT gateway's, an office's); reach the endpoint from private networks with privateAccess: true")
                        continue
                    }
                    cidrs.append(c)
                }
                if items.isEmpty, er.list("publicAccessCidrs") != nil {
                    reporter.error(.endpointAccess, "publicAccessCidrs is empty", at: loc,
                                   hint: "list at least one block, or drop the key for EKS's default 0.0.0.0/0")
                } else if !cidrs.isEmpty {
                    access.publicAccessCIDRs = cidrs
                }
                if !access.publicAccess {
                    reporter.warning(.endpointAccessCidrsIgnored, "publicAccessCidrs restrict nothing: the endpoint has no public access", at: loc,
                                     hint: "drop publicAccessCidrs, or set publicAccess: true")
                }
            }
            er.finish()
        }
        r.finish()
        return ControlPlane(subnets: subnets.map(\.0), eniCount: enis, clusterSecurityGroup: clusterSG, securityGroups: extra.map(\.0),
                            endpoint: access, location: r.location)
    }

    /// The cluster security group EKS creates when the VPC has none of that name: all traffic
    /// from its members in, all traffic out. Called before `resolve()`, so rules may name it.
    func addClusterSecurityGroup(_ t: inout Topology) {
        guard var cp = t.cluster?.controlPlane, !t.vpcs.isEmpty else { return }
        // Not named: the VPC's one `eks-cluster-sg-<cluster>-…` group is the cluster's (a file
        // that writes the group out, as Fargate without a control plane reads it too).
        if locations["controlPlane.clusterSecurityGroup"] == nil, let cluster = t.cluster?.name,
           let declared = ControlPlane.declaredClusterSecurityGroup(cluster: cluster, in: t.vpcs[0]) {
            cp.clusterSecurityGroup = declared
            t.cluster?.controlPlane = cp
            return
        }
        if t.vpcs.contains(where: { v in v.securityGroups.contains { $0.name == cp.clusterSecurityGroup } }) { return }
        let loc = locations["controlPlane.clusterSecurityGroup"] ?? cp.location
        let g = ControlPlane.createdClusterSecurityGroup(name: cp.clusterSecurityGroup, cluster: t.cluster?.name ?? "", seed: seed, location: loc)
        t.vpcs[0].securityGroups.append(g)
        implicitDefinitions[.securityGroup, default: []].append(Definition(kind: .securityGroup, name: g.name, vpc: t.vpcs[0].name, location: loc))
    }

    /// What needs the whole model: the subnets in two zones at least (a subnet of another VPC
    /// is the reference check's NS0502), the cluster security group in the cluster's VPC.
    func validateControlPlane(_ t: Topology) {
        guard let cp = t.cluster?.controlPlane, let vpc = t.primaryVPC else { return }
        let loc = locations["controlPlane.subnets"] ?? cp.location
        let known = cp.subnets.compactMap { name in vpc.subnets.first { $0.name == name } }
        let zones = Set(known.map(\.zone))
        if known.count == cp.subnets.count, !cp.subnets.isEmpty, zones.count < 2 {
            reporter.error(.controlPlaneSubnets, "the control-plane subnets are all in \(zones.sorted().joined(separator: ", ")); EKS needs subnets in at least two zones",
                           at: loc, hint: "add a subnet of another zone to cluster.controlPlane.subnets")
        }
        if let other = t.vpcs.dropFirst().first(where: { v in v.securityGroups.contains { $0.name == cp.clusterSecurityGroup } }),
           !vpc.securityGroups.contains(where: { $0.name == cp.clusterSecurityGroup }) {
            reporter.error(.clusterSecurityGroup, "cluster security group '\(echo: cp.clusterSecurityGroup)' is a group of VPC \(other.name), not of the cluster's VPC \(vpc.name)",
                           at: locations["controlPlane.clusterSecurityGroup"] ?? cp.location, hint: "name a group of \(vpc.name), or drop the key to have EKS create one")
        }
    }
}

/// The AWS Load Balancer Controller implied by the manifests (a Service or Ingress it manages)
/// in a cluster whose control plane is declared: its webhook is one of the API server's calls,
/// so netsim adds what its Helm chart installs when the manifests do not — two replicas serving
/// the webhook on 9443 (`defaultWebhookBindPort`, kubernetes-sigs/aws-load-balancer-controller
/// v2.17.1 `pkg/config/controller_config.go`), the `aws-load-balancer-webhook-service` on 443,
/// and the chart's webhook configurations. Located at the first object the controller manages.
enum ImpliedLoadBalancerController {
    static let name = "aws-load-balancer-controller"
    static let serviceName = "aws-load-balancer-webhook-service"
    /// Marks the objects netsim added (`Network.controlPlaneCalls` says so in its messages).
    static let impliedAnnotation = WebhookConfiguration.impliedAnnotation
    static let labels = ["app.kubernetes.io/name": "aws-load-balancer-controller", "app.kubernetes.io/instance": "aws-load-balancer-controller"]
    static let mutating = [("mpod.elbv2.k8s.aws", "/mutate-v1-pod"), ("mservice.elbv2.k8s.aws", "/mutate-v1-service"),
                           ("mtargetgroupbinding.elbv2.k8s.aws", "/mutate-elbv2-k8s-aws-v1beta1-targetgroupbinding")]
    static let validating = [("vingress.elbv2.k8s.aws", "/validate-networking-v1-ingress"),
                             ("vtargetgroupbinding.elbv2.k8s.aws", "/validate-elbv2-k8s-aws-v1beta1-targetgroupbinding")]

    static func add(_ t: inout Topology) {
        guard t.cluster?.controlPlane != nil else { return }
        let k = t.kubernetes
        let managed = k.services.first { if case .controller = LBC.owner(of: $0) { return true }; return false }?.meta.location
            ?? k.ingresses.first { LBC.manages($0, in: k) }?.meta.location
        guard let loc = managed else { return }
        // Declared in the manifests (by its Deployment, its Service or a webhook calling it): as written.
        if k.workloads.contains(where: { $0.meta.namespace == "kube-system" && $0.meta.name == name })
            || k.services.contains(where: { $0.meta.namespace == "kube-system" && $0.meta.name == serviceName })
            || k.webhookConfigurations.contains(where: { $0.webhooks.contains { $0.service?.name == serviceName } }) { return }
        func meta(_ n: String, namespace: String) -> ObjectMeta {
            ObjectMeta(name: n, namespace: namespace, labels: labels, annotations: [impliedAnnotation: "true"], location: loc)
        }
        t.kubernetes.workloads.append(Workload(kind: .deployment, meta: meta(name, namespace: "kube-system"), replicas: 2,
                                               selector: LabelSelector(matchLabels: labels),
                                               template: PodTemplate(labels: labels, containers: [
                                                   Container(name: name, ports: [ContainerPort(name: "webhook-server", containerPort: 9443, ipProtocol: .tcp),
                                                                                 ContainerPort(name: "metrics-server", containerPort: 8080, ipProtocol: .tcp)])])))
        t.kubernetes.services.append(Service(meta: meta(serviceName, namespace: "kube-system"), type: .ClusterIP, clusterIP: nil, selector: labels,
                                             ports: [ServicePort(name: "webhook-server", ipProtocol: .tcp, port: 443, targetPort: .name("webhook-server"),
                                                                 nodePort: nil, location: loc)]))
        func hooks(_ list: [(String, String)]) -> [WebhookConfiguration.Webhook] {
            list.map { WebhookConfiguration.Webhook(name: $0.0, service: ServiceReference(namespace: "kube-system", name: serviceName, port: 443, path: $0.1),
                                                    url: nil, location: loc) }
        }
        t.kubernetes.webhookConfigurations.append(WebhookConfiguration(kind: .mutating, meta: meta("aws-load-balancer-webhook", namespace: ""), webhooks: hooks(mutating)))
        t.kubernetes.webhookConfigurations.append(WebhookConfiguration(kind: .validating, meta: meta("aws-load-balancer-webhook", namespace: ""), webhooks: hooks(validating)))
    }
}
