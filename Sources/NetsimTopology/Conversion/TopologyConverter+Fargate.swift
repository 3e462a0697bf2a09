import NetsimIPAM
import NetsimModel
import Yams

/// `cluster.fargateProfiles`: read as the EKS API's CreateFargateProfile reads a profile, and
/// checked as EKS checks it (EKS user guide, "Define which Pods use AWS Fargate when launched",
/// and the EKS service quotas).
extension TopologyConverter {
    /// EKS service quotas: Fargate profiles per cluster, selectors per profile, label pairs per
    /// selector.
    static let fargateProfilesPerCluster = 10
    static let fargateSelectorsPerProfile = 5
    static let fargateLabelsPerSelector = 5

    /// CreateFargateProfile's `fargateProfileName`: 1 to 100 characters, letters, digits, '-'
    /// and '_', starting with a letter or digit.
    static func isFargateProfileName(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard !b.isEmpty, b.count <= 100, KubernetesNames.isAlphanumericAnyCase(b[0]) else { return false }
        return b.allSatisfy { KubernetesNames.isAlphanumericAnyCase($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    func convertFargateProfiles(_ r: MappingReader, vpc: String?) -> [FargateProfile] {
        guard let items = r.list("fargateProfiles") else { return [] }
        var out: [FargateProfile] = []
        var names: [String: SourceLocation] = [:]
        for (i, item) in items.enumerated() {
            guard let pr = MappingReader.make(item, file: file, context: "cluster.fargateProfiles[\(i)]", reporter: reporter) else { continue }
            defer { pr.finish() }
            guard let (name, nameLoc) = pr.locatedString("name", required: true) else { continue }
            let ctx = "Fargate profile '\(echo: name)'"
            pr.context = ctx
            if !Self.isFargateProfileName(name) {
                reporter.error(.fargateProfileName, "\(ctx): EKS refuses the name: it must be 1 to 100 letters, digits, '-' and '_', starting with a letter or digit",
                               at: nameLoc, hint: "e.g. name: serverless-batch")
            }
            if let first = names[name] {
                reporter.error(.fargateProfileName, "Fargate profile '\(echo: name)' is defined twice: EKS keeps one profile per name in a cluster", at: nameLoc,
                               hint: "rename one of them", notes: [Diagnostic.Note("first defined here", at: first)])
            } else {
                names[name] = nameLoc
            }
            let subnets = pr.stringList("subnets")
            if !pr.has("subnets") {
                pr.missing("subnets", hint: "list the private subnets Fargate pods get their ENI in, e.g. subnets: [private-a, private-b]")
            } else if subnets.isEmpty {
                reporter.error(.fargateSubnets, "\(ctx) has no subnets: Fargate needs at least one private subnet for its pods' ENIs", at: pr.valueLocation("subnets"),
                               hint: "e.g. subnets: [private-a, private-b]")
            }
            var seen = Set<String>()
            for (s, loc) in subnets {
                reference(.subnet, s, vpc: vpc, at: loc, from: ctx)
                if locations["fargate-subnet:\(name)/\(s)"] == nil { locations["fargate-subnet:\(name)/\(s)"] = loc }
                if !seen.insert(s).inserted {
                    reporter.error(.fargateSubnets, "\(ctx) lists subnet '\(echo: s)' twice", at: loc, hint: "list each subnet once")
                }
            }
            var selectors: [FargateProfile.Selector] = []
            let selectorNodes = pr.list("selectors")
            if selectorNodes == nil, !pr.has("selectors") {
                pr.missing("selectors", hint: "e.g. selectors: [{namespace: batch}]")
            }
            if let nodes = selectorNodes {
                if nodes.isEmpty {
                    reporter.error(.fargateSelectors, "\(ctx) has no selectors: EKS needs at least one", at: pr.valueLocation("selectors"),
                                   hint: "e.g. selectors: [{namespace: batch, labels: {compute: fargate}}]")
                } else if nodes.count > Self.fargateSelectorsPerProfile {
                    reporter.warning(.fargateProfileQuota, "\(ctx) has \(nodes.count) selectors; EKS allows \(Self.fargateSelectorsPerProfile) per profile unless the quota is raised",
                                     at: nodes[Self.fargateSelectorsPerProfile].location(in: file),
                                     hint: "split them over several profiles, select by a shared label, or request a quota increase")
                }
                for (j, n) in nodes.enumerated() {
                    guard let sr = MappingReader.make(n, file: file, context: "selector \(j + 1) of \(ctx)", reporter: reporter) else { continue }
                    let ns = sr.locatedString("namespace")
                    if ns == nil {
                        reporter.error(.fargateSelectors, "selector \(j + 1) of \(ctx) has no namespace: EKS requires one in every selector", at: sr.location,
                                       hint: "add namespace: NAME (labels are optional)")
                    } else if let (v, loc) = ns, !KubernetesNames.isDNS1123Label(v) {
                        reporter.error(.fargateSelectors, "selector \(j + 1) of \(ctx): namespace '\(echo: v)' is not a Kubernetes namespace name, so it can match no pod",
                                       at: loc, hint: "a namespace name is at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit")
                    }
                    let pairs = sr.stringMap("labels")
                    if pairs.count > Self.fargateLabelsPerSelector {
                        reporter.warning(.fargateProfileQuota, "selector \(j + 1) of \(ctx) has \(pairs.count) labels; EKS allows \(Self.fargateLabelsPerSelector) per selector unless the quota is raised",
                                         at: sr.valueLocation("labels"), hint: "select by fewer labels, or request a quota increase")
                    }
                    var labels: [String: String] = [:]
                    for p in pairs {
                        if let why = KubernetesNames.labelKeyProblem(p.key) {
                            reporter.error(.invalidLabel, "label key '\(echo: p.key)' in selector \(j + 1) of \(ctx) is not valid: \(why)", at: p.location,
                                           hint: "e.g. compute: fargate")
                        } else if let why = KubernetesNames.labelValueProblem(p.value) {
                            reporter.error(.invalidLabel, "label value '\(echo: p.value)' of '\(echo: p.key)' in selector \(j + 1) of \(ctx) is not valid: \(why)",
                                           at: p.location, hint: "e.g. compute: fargate")
                        }
                        labels[p.key] = p.value
                    }
                    sr.finish()
                    if let (v, _) = ns { selectors.append(FargateProfile.Selector(namespace: v, labels: labels)) }
                }
            }
            out.append(FargateProfile(name: name, subnets: subnets.map(\.0), selectors: selectors, location: pr.location))
        }
        if out.count > Self.fargateProfilesPerCluster {
            reporter.warning(.fargateProfileQuota, "\(out.count) Fargate profiles: EKS allows \(Self.fargateProfilesPerCluster) per cluster unless the quota is raised",
                             at: out[Self.fargateProfilesPerCluster].location, hint: "merge profiles (up to 5 selectors each), or request a quota increase")
        }
        return out
    }

    /// Checks that need the VPC's routes and the manifests: public subnets, and the workloads
    /// the profiles select.
    func checkFargateProfiles(_ t: Topology) {
        guard let cluster = t.cluster, !cluster.fargateProfiles.isEmpty, let vpc = t.primaryVPC else { return }
        for p in cluster.fargateProfiles {
            for name in p.subnets {
                guard let s = vpc.subnet(named: name), let rt = vpc.routeTable(for: s) else { continue }
                guard let igw = rt.routes.first(where: { if case .internetGateway = $0.target { return true }; return false }) else { continue }
                reporter.error(.fargatePublicSubnet, "Fargate profile '\(echo: p.name)': subnet '\(echo: name)' is public (route table '\(echo: rt.name)' routes \(igw.destination) to internet gateway \(igw.target)); EKS accepts only private subnets for Fargate pods",
                               at: locations["fargate-subnet:\(p.name)/\(name)"] ?? p.location, hint: "use a private subnet (a default route to a NAT gateway, not to an internet gateway)",
                               notes: [Diagnostic.Note("the route", at: igw.location)])
            }
        }
        if cluster.ipFamily == .ipv6 {
            reporter.warning(.fargateIPv6, "Fargate profiles in an IPv6 cluster: netsim does not model Fargate pods there; the pods they select stay Pending",
                             at: cluster.fargateProfiles[0].location, hint: "see Docs/fargate.md")
        }
        if cluster.controlPlane == nil, ControlPlane.declaredClusterSecurityGroup(cluster: cluster.name, in: vpc) == nil {
            let name = ControlPlane.defaultClusterSecurityGroupName(cluster: cluster.name, seed: t.seed)
            reporter.warning(.fargateClusterSecurityGroup, "Fargate pods get the cluster security group, but the topology declares no cluster.controlPlane: netsim assumes '\(name)' as EKS creates it (all traffic from its members, all out), attached to the Fargate pods and to the managed node groups' nodes",
                             at: cluster.fargateProfiles[0].location,
                             hint: "declare cluster.controlPlane, or write the group in vpc.securityGroups as 'eks-cluster-sg-\(cluster.name)-ID' with its rules; a SecurityGroupPolicy selecting the pods replaces it")
        }
        let k = t.kubernetes
        var fargateWorkloads: [(Workload, FargateProfile)] = []
        for w in k.workloads {
            let profiles = cluster.fargateProfiles
            let matches = FargateScheduling.matchingProfiles(profiles, namespace: w.meta.namespace, labels: w.template.labels)
            let what = "\(w.kind.rawValue) \(w.meta.namespace)/\(w.meta.name)"
            if w.kind == .daemonSet {
                if let m = matches.first {
                    reporter.warning(.fargateDaemonSet, "\(what) is in a namespace Fargate profile '\(echo: profiles[m].name)' selects, but DaemonSets do not run on Fargate: its pods run only on the EC2 nodes",
                                     at: w.meta.location, hint: "run the agent as a sidecar in the Fargate pods, or keep the workload on EC2 nodes")
                }
                continue
            }
            if let wanted = w.template.labels[FargateScheduling.profileLabel], !matches.contains(where: { profiles[$0].name == wanted }) {
                let exists = profiles.contains { $0.name == wanted }
                reporter.warning(.fargateProfileLabel, "\(what) is labelled \(FargateScheduling.profileLabel)=\(echo: wanted), but \(exists ? "that profile has no selector matching it" : "no Fargate profile has that name"): its pods do not run on Fargate",
                                 at: w.meta.location, hint: exists ? "add a selector for namespace \(w.meta.namespace) to profile '\(echo: wanted)'" : Suggestions.didYouMean(wanted, in: profiles.map(\.name)))
            } else if matches.count > 1, w.template.labels[FargateScheduling.profileLabel] == nil {
                let list = matches.map { "'\(echo: profiles[$0].name)'" }.joined(separator: ", ")
                reporter.warning(.fargateAmbiguousProfile, "\(what) is selected by Fargate profiles \(list): EKS picks one at random, netsim uses the first, '\(echo: profiles[matches[0]].name)'",
                                 at: w.meta.location, hint: "label the pod template \(FargateScheduling.profileLabel): PROFILE to choose")
            }
            guard let pi = FargateScheduling.profile(for: w, profiles: profiles) else { continue }
            if w.template.hostNetwork {
                reporter.warning(.fargateHostNetwork, "\(what) uses hostNetwork and Fargate profile '\(echo: profiles[pi].name)' selects it: Fargate refuses such pods, so they stay Pending",
                                 at: w.meta.location, hint: "drop hostNetwork, or keep the workload off Fargate (another namespace or labels)")
                continue
            }
            fargateWorkloads.append((w, profiles[pi]))
        }
        for p in k.networkPolicies {
            let selected = fargateWorkloads.filter { w, _ in w.meta.namespace == p.meta.namespace && p.podSelector.matches(w.template.labels) }
            guard let (w, profile) = selected.first else { continue }
            let what = selected.count == 1 ? "\(w.kind.rawValue) \(w.meta.namespace)/\(w.meta.name)" : "\(selected.count) workloads (\(w.meta.namespace)/\(w.meta.name), …)"
            reporter.warning(.fargateNetworkPolicy, "NetworkPolicy \(p.meta.namespace)/\(p.meta.name) selects \(what) on Fargate (profile '\(echo: profile.name)'): the VPC CNI's network policy agent does not run there, so the policy is not enforced for those pods",
                             at: p.meta.location, hint: "use a SecurityGroupPolicy to restrict Fargate pods, or run them on EC2 nodes")
        }
    }
}
