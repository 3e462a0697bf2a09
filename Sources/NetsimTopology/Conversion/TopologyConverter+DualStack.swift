import NetsimModel

/// Dualstack load balancers as the AWS Load Balancer Controller (v2.17.1) and ELB build them:
///
/// - ELB's dualstack requirement: every subnet of a dualstack load balancer has an IPv6 block
///   (Elastic Load Balancing guides, "Update the IP address types for your … Load Balancer":
///   "the VPC and subnets … must have associated IPv6 CIDR blocks"), `NS1471`;
/// - `buildTargetGroupIPAddressType` (pkg/service and pkg/ingress, model_build_target_group.go):
///   a Service whose ipFamilies has IPv6 (every Service of an EKS IPv6 cluster) gets an IPv6
///   target group, and a load balancer that is not dualstack fails the build with "unsupported
///   IPv6 configuration, lb not dual-stack", `NS1472`;
/// - instance targets in an IPv6 target group: netsim does not model them (warning), `NS1473`.
extension TopologyConverter {
    func validateDualstack(_ t: Topology, _ specs: LoadBalancerSpecs, vpc: VPC) {
        let ipv6Cluster = t.cluster?.ipFamily == .ipv6
        let cluster = t.cluster?.name
        for spec in specs.networkLoadBalancers {
            guard let scheme = spec.scheme else { continue }
            let svc = spec.service
            let ctx = "Service \(svc.meta.namespace)/\(svc.meta.name)"
            let typeKey = LBC.svcPrefix + "aws-load-balancer-ip-address-type"
            let at = svc.meta.location(ofAnnotation: typeKey)
            if let type = spec.ipAddressType, type.hasIPv6 {
                let subnets = spec.subnets.map { LBC.namedSubnets($0, vpc: vpc).found } ?? LBC.discoverSubnets(scheme: scheme, vpc: vpc, cluster: cluster).chosen
                dualstackSubnets(subnets, what: "the NLB of \(ctx)", type: type, vpc: vpc, at: at)
            }
            guard ipv6Cluster else { continue }
            if spec.ipAddressType == .ipv4 {
                reporter.error(.lbIPv6TargetsNotDualstack, "\(ctx): the cluster is IPv6, so the Service is IPv6 and the controller makes an IPv6 target group, which an NLB that is not dualstack cannot have: it refuses the Service (unsupported IPv6 configuration, lb not dual-stack)",
                               at: at, hint: "add service.beta.kubernetes.io/aws-load-balancer-ip-address-type: dualstack")
            }
            if spec.targetType == .instance {
                reporter.warning(.lbIPv6InstanceTargets, "\(ctx): instance targets in an IPv6 target group are not modelled (netsim traces through them end NOT_MODELLED)",
                                 at: svc.meta.location(ofAnnotation: LBC.svcPrefix + "aws-load-balancer-nlb-target-type"),
                                 hint: "use aws-load-balancer-nlb-target-type: ip, as the EKS IPv6 guide does")
            }
        }
        for spec in specs.applicationLoadBalancers {
            guard let scheme = spec.scheme, let first = spec.group.ordered.first else { continue }
            let typeKey = LBC.albPrefix + "ip-address-type"
            let setter = spec.group.ordered.first { $0.meta.annotations[typeKey] != nil } ?? first
            let at = setter.meta.location(ofAnnotation: typeKey)
            let what = "the ALB of Ingress \(first.meta.namespace)/\(first.meta.name)"
            if let type = spec.ipAddressType, type.hasIPv6 {
                let subnets = spec.subnets.map { LBC.namedSubnets($0, vpc: vpc).found } ?? LBC.discoverSubnets(scheme: scheme, vpc: vpc, cluster: cluster).chosen
                dualstackSubnets(subnets, what: what, type: type, vpc: vpc, at: at)
            }
            guard ipv6Cluster else { continue }
            // Backends that are Services get target groups (use-annotation backends may too).
            let services = spec.group.ordered.flatMap { ing in ing.backends.filter { $0.port != .name("use-annotation") }.map { (ing, $0) } }
            if spec.ipAddressType == .ipv4, !services.isEmpty {
                reporter.error(.lbIPv6TargetsNotDualstack, "\(what): the cluster is IPv6, so its Services are IPv6 and the controller makes IPv6 target groups, which an ALB that is not dualstack cannot have: it builds nothing for the IngressGroup (unsupported IPv6 configuration, lb not dual-stack)",
                               at: at, hint: "add alb.ingress.kubernetes.io/ip-address-type: dualstack (or dualstack-without-public-ipv4)")
            }
            var warned = Set<String>()
            for (ing, b) in services {
                guard let svc = t.kubernetes.service(namespace: ing.meta.namespace, name: b.serviceName) else { continue }
                let tt = specs.targetSettings(service: svc, ingress: ing).targetType ?? "instance"
                guard tt == "instance", warned.insert("\(ing.meta.namespace)/\(ing.meta.name)").inserted else { continue }
                reporter.warning(.lbIPv6InstanceTargets, "Ingress \(ing.meta.namespace)/\(ing.meta.name): instance targets (the controller's default target-type) in an IPv6 target group are not modelled (netsim traces through them end NOT_MODELLED)",
                                 at: ing.meta.location(ofAnnotation: LBC.albPrefix + "target-type"), hint: "set alb.ingress.kubernetes.io/target-type: ip, as the EKS IPv6 guide does")
            }
        }
    }

    /// ELB refuses a dualstack load balancer in a subnet without an IPv6 block.
    private func dualstackSubnets(_ subnets: [Subnet], what: String, type: LoadBalancer.IPAddressType, vpc: VPC, at: SourceLocation) {
        let bare = subnets.filter { $0.ipv6Cidr == nil }
        guard !bare.isEmpty else { return }
        reporter.error(.lbDualstackSubnetWithoutIPv6, "\(what) is \(type.rawValue), but subnet\(bare.count == 1 ? "" : "s") \(bare.map(\.name).joined(separator: ", ")) \(bare.count == 1 ? "has" : "have") no IPv6 block\(vpc.ipv6CidrBlocks.isEmpty ? " (VPC \(vpc.name) has none)" : ""): ELB refuses a dualstack load balancer there, so the controller builds nothing",
                       at: at, hint: vpc.ipv6CidrBlocks.isEmpty ? "give VPC \(vpc.name) an ipv6CidrBlocks /56 and its subnets an ipv6Cidr /64, or use ip-address-type ipv4"
                                                                : "give \(bare.map(\.name).joined(separator: ", ")) an ipv6Cidr /64 of the VPC's block, or use ip-address-type ipv4")
    }
}
