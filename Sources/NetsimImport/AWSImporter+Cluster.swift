import NetsimModel

extension AWSImporter {
    /// aws-node settings the format knows, with aws-node's defaults (nil: unset by default).
    static let cniDefaults: [String: String?] = [
        "WARM_ENI_TARGET": "1", "WARM_IP_TARGET": nil, "MINIMUM_IP_TARGET": nil, "WARM_PREFIX_TARGET": "1", "MAX_ENI": nil,
        "IP_COOLDOWN_PERIOD": "30", "AWS_VPC_ENI_MTU": "9001", "ENABLE_PREFIX_DELEGATION": "false", "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG": "false",
        "ENABLE_SUBNET_DISCOVERY": "true", "ENABLE_POD_ENI": "false", "AWS_MANAGE_ENIS_NON_SCHEDULABLE": "false",
        "DISABLE_NETWORK_RESOURCE_PROVISIONING": "false", "ENABLE_IMDS_ONLY_MODE": "false", "ENABLE_MULTI_NIC": "false",
        "AWS_VPC_K8S_CNI_EXTERNALSNAT": "false", "AWS_VPC_CNI_NODE_PORT_SUPPORT": "true", "ENABLE_IPv4": "true", "ENABLE_IPv6": "false",
        "ENABLE_V4_EGRESS": "true", "ENABLE_V6_EGRESS": "false", "DISABLE_TCP_EARLY_DEMUX": "false", "ANNOTATE_POD_IP": "false",
        "DISABLE_LEAKED_ENI_CLEANUP": "false", "ENABLE_NFTABLES": "false", "ENABLE_BANDWIDTH_PLUGIN": "false", "DISABLE_INTROSPECTION": "false",
        "DISABLE_METRICS": "false", "AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS": nil, "AWS_VPC_K8S_CNI_RANDOMIZESNAT": "prng",
        "AWS_VPC_K8S_CNI_VETHPREFIX": "eni", "AWS_VPC_K8S_CNI_CONNMARK": "0x80", "AWS_EXTERNAL_SERVICE_CIDRS": nil,
        "ENI_CONFIG_ANNOTATION_DEF": "k8s.amazonaws.com/eniConfig", "ENI_CONFIG_LABEL_DEF": "k8s.amazonaws.com/eniConfig", "CLUSTER_NAME": nil,
        "ADDITIONAL_ENI_TAGS": nil, "POD_SECURITY_GROUP_ENFORCING_MODE": "strict", "NETWORK_POLICY_ENFORCING_MODE": "standard",
        "AWS_VPC_K8S_CNI_LOGLEVEL": "DEBUG", "AWS_VPC_K8S_CNI_LOG_FILE": "/host/var/log/aws-routed-eni/ipamd.log",
        "AWS_VPC_K8S_PLUGIN_LOG_LEVEL": "DEBUG", "AWS_VPC_K8S_PLUGIN_LOG_FILE": "/var/log/aws-routed-eni/plugin.log", "INTROSPECTION_BIND_ADDRESS": "127.0.0.1:61679",
    ]

    static func sameSetting(_ a: String, _ b: String) -> Bool {
        let bools: [String: Bool] = ["true": true, "1": true, "t": true, "false": false, "0": false, "f": false]
        if let x = bools[a.lowercased()], let y = bools[b.lowercased()] { return x == y }
        return a == b
    }

    mutating func emitCluster(_ inv: Inventory, _ plan: Plan) {
        guard let c = inv.cluster, let name = c.string("name") else { return }
        count("clusters")
        let vpcConfig = c.o.object("resourcesVpcConfig")
        let net = c.o.object("kubernetesNetworkConfig")
        out.comment(0, c.cite(c.string("arn") ?? name))
        out.line(0, "cluster:")
        out.line(2, "name: " + Self.s(name))
        if let v = c.string("version") { out.line(2, "version: \"\(YAMLText.scalar(v).trimmingCharacters(quote: true))\"") }
        let family = (net?.string("ipFamily") ?? "ipv4").lowercased()
        if let svc = net?.string("serviceIpv4Cidr"), Self.isIPv4CIDR(svc) {
            let mainBlocks = (inv.vpcByID[inv.mainVPC]?.o.objects("CidrBlockAssociationSet") ?? []).compactMap { $0.string("CidrBlock") }
            let eksDefault = mainBlocks.contains { $0.hasPrefix("10.") } ? "172.20.0.0/16" : "10.100.0.0/16"
            if svc != eksDefault { out.line(2, "serviceCidr: " + Self.s(svc)) }
        }
        if family == "ipv6" {
            out.line(2, "ipFamily: ipv6")
            if let v6 = net?.string("serviceIpv6Cidr"), Self.isIPv6CIDR(v6) { out.line(2, "serviceIpv6Cidr: " + Self.s(v6)) }
        }
        emitCNI(inv)
        // The control plane: its ENIs' subnets, groups and endpoint access.
        if let vc = vpcConfig {
            var subnets: [String] = []
            for s in vc.array("subnetIds").compactMap(\.string) {
                if let n = names.name("subnet", s), inv.subnetByID[s]?.string("VpcId") == inv.mainVPC { subnets.append(n) }
                else { dangling("cluster \(name) names subnet \(s), which the folder does not hold (in its VPC)", c) }
            }
            if !subnets.isEmpty {
                out.line(2, "controlPlane:")
                out.line(4, "subnets: " + YAMLText.list(subnets.sorted()))
                if let csg = vc.string("clusterSecurityGroupId") {
                    if let n = names.name("sg", csg) { out.line(4, "clusterSecurityGroup: " + Self.s(n)) }
                    else { dangling("cluster \(name)'s cluster security group \(csg) is not in ec2-describe-security-groups.json", c) }
                }
                let extra = vc.array("securityGroupIds").compactMap(\.string).compactMap { names.name("sg", $0) }.sorted()
                if !extra.isEmpty { out.line(4, "securityGroups: " + YAMLText.list(extra)) }
                var endpoint: Pairs = []
                if vc.bool("endpointPublicAccess") == false { endpoint.append(("publicAccess", "false")) }
                if vc.bool("endpointPrivateAccess") == true { endpoint.append(("privateAccess", "true")) }
                let written = vc.array("publicAccessCidrs").compactMap(\.string)
                let cidrs = written.filter(Self.isIPv4CIDR)
                let dropped = written.filter { !Self.isIPv4CIDR($0) }
                if vc.bool("endpointPublicAccess") != false, !dropped.isEmpty {
                    // Never widen the endpoint: with no IPv4 range left, IPv4 clients have no way in.
                    warn(.importNotImported, "cluster \(name): publicAccessCidrs \(dropped.sorted().joined(separator: ", ")) \(dropped.count == 1 ? "is" : "are") not IPv4 block\(dropped.count == 1 ? "" : "s"); netsim models the public endpoint for IPv4 clients only"
                         + (cidrs.isEmpty ? ", and with no IPv4 range left it is written as closed to them (publicAccess: false)" : ""), c,
                         hint: "check the cluster's publicAccessCidrs; the import keeps only IPv4 blocks")
                    skip("publicAccessCidrs entry", name, c, "not an IPv4 block: " + dropped.sorted().joined(separator: ", "))
                    if cidrs.isEmpty { endpoint.append(("publicAccess", "false")) }
                }
                if vc.bool("endpointPublicAccess") != false, !cidrs.isEmpty, cidrs != ["0.0.0.0/0"] { endpoint.append(("publicAccessCidrs", YAMLText.list(cidrs))) }
                if !endpoint.isEmpty { out.line(4, "endpoint: " + YAMLText.flow(endpoint)) }
            }
        }
        emitNodeGroups(inv, plan, cluster: name, clusterSG: vpcConfig?.string("clusterSecurityGroupId"))
        emitFargate(inv)
    }

    mutating func emitCNI(_ inv: Inventory) {
        var env: [String: String] = [:]
        var from = ""
        var addonConfig: JSONObject?
        if let addon = folder.source("eks-describe-addon-vpc-cni")?.root.object("addon"), let text = addon.string("configurationValues"), !text.isEmpty {
            if case .success(let v) = JSONReader.parse(Array(text.utf8)), let o = v.object { addonConfig = o } else {
                notImported.append(NotImported(kind: "add-on configuration", id: "vpc-cni", file: "eks-describe-addon-vpc-cni.json", why: "configurationValues is not JSON (YAML configuration values are not read)"))
            }
        }
        if let ds = folder.awsNode {
            from = ds.name
            let containers = ds.root.object("spec")?.object("template")?.object("spec")?.objects("containers") ?? []
            for e in containers.first(where: { $0.string("name") == "aws-node" })?.objects("env") ?? [] {
                if let n = e.string("name"), let v = e.string("value") { env[n] = v }
            }
        } else if let cfg = addonConfig {
            from = "eks-describe-addon-vpc-cni.json"
            for (k, v) in cfg.object("env")?.fields ?? [:] { if let s = v.string { env[k] = s } }
        }
        var settings: [(String, String)] = []
        for k in env.keys.sorted() {
            guard let v = env[k] else { continue }
            guard let def = Self.cniDefaults[k] else {
                notImported.append(NotImported(kind: "aws-node setting", id: k, file: from, why: "not a setting netsim models"))
                continue
            }
            if let d = def, Self.sameSetting(v, d) { continue }
            settings.append((Self.s(k), "\"" + YAMLText.scalar(v).trimmingCharacters(quote: true) + "\""))
        }
        if !settings.isEmpty {
            out.comment(2, "aws-node's environment from \(from), where it differs from aws-node's defaults")
            out.line(2, "cni:")
            for (k, v) in settings { out.line(4, "\(k): \(v)") }
        }
        if let cfg = addonConfig {
            if let np = cfg["enableNetworkPolicy"] {
                let text = np.string ?? (np.bool.map { $0 ? "true" : "false" }) ?? ""
                if text == "true" || text == "false" { out.line(2, "vpcCniAddon: {enableNetworkPolicy: \"\(text)\"}") }
            }
            for k in cfg.fields.keys.sorted() where k != "env" && k != "enableNetworkPolicy" {
                notImported.append(NotImported(kind: "add-on configuration", id: "vpc-cni \(k)", file: "eks-describe-addon-vpc-cni.json", why: "not modelled"))
            }
        }
        if let kp = folder.source("eks-describe-addon-kube-proxy")?.root.object("addon"), let text = kp.string("configurationValues"), !text.isEmpty {
            notImported.append(NotImported(kind: "add-on configuration", id: "kube-proxy", file: "eks-describe-addon-kube-proxy.json", why: "kube-proxy's add-on configuration is not read; write cluster.kubeProxy by hand"))
        }
    }

    static let taintEffects = ["NO_SCHEDULE": "NoSchedule", "NO_EXECUTE": "NoExecute", "PREFER_NO_SCHEDULE": "PreferNoSchedule"]

    mutating func emitNodeGroups(_ inv: Inventory, _ plan: Plan, cluster: String, clusterSG: String?) {
        var groups: [(name: String, comment: String, lines: [String])] = []
        var described = Set<String>()
        for (ngName, src) in (folder.perResource["eks-describe-nodegroup"] ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let ng = src.root.object("nodegroup") else { continue }
            let item = Item(o: ng, src: src)
            let name = ng.string("nodegroupName") ?? ngName
            described.insert(name)
            let nodes = plan.nodeInstances[name] ?? []
            var types = ng.array("instanceTypes").compactMap(\.string)
            if types.isEmpty, let t = Self.mostCommon(nodes.compactMap { $0.string("InstanceType") }) { types = [t] }
            guard let type = types.first else { skip("node group", name, item, "no instance type (launch template) and no node in ec2-describe-instances.json"); continue }
            if types.count > 1 { notImported.append(NotImported(kind: "node group instance types", id: name, file: src.name, why: "several types (\(types.joined(separator: ", "))): written with the first; a netsim node group has one type")) }
            var p: Pairs = [("name", Self.s(names.assign("ng", id: name, preferred: name))), ("instanceType", Self.s(type))]
            let desired = ng.object("scalingConfig")?.int("desiredSize") ?? nodes.count
            p.append(("count", "\(min(max(desired, 0), 100_000))"))
            var subnets: [String] = []
            for s in ng.array("subnets").compactMap(\.string) {
                if let n = names.name("subnet", s), inv.subnetByID[s]?.string("VpcId") == inv.mainVPC { subnets.append(n) } else { dangling("node group \(name) names subnet \(s), which the folder does not hold (in the cluster's VPC)", item) }
            }
            guard !subnets.isEmpty else { skip("node group", name, item, "none of its subnets is in the folder"); continue }
            p.append(("subnets", YAMLText.list(subnets.sorted())))
            if let sg = nodeSecurityGroups(nodes, clusterSG: clusterSG) { p.append(("securityGroups", YAMLText.list(sg))) }
            var labels: [String: String] = [:]
            for (k, v) in ng.object("labels")?.fields ?? [:] { if let s = v.string { labels[k] = s } }
            if !labels.isEmpty { p.append(("labels", YAMLText.map(labels))) }
            var taints: [String] = []
            for t in ng.objects("taints") {
                guard let k = t.string("key"), let e = t.string("effect"), let eff = Self.taintEffects[e] else { continue }
                var tp: Pairs = [("key", Self.s(k))]
                if let v = t.string("value"), !v.isEmpty { tp.append(("value", Self.s(v))) }
                tp.append(("effect", eff))
                taints.append(YAMLText.flow(tp))
            }
            if !taints.isEmpty { p.append(("taints", "[" + taints.joined(separator: ", ") + "]")) }
            groups.append((name, item.cite(name) + (nodes.isEmpty ? "" : " (\(nodes.count) node\(nodes.count == 1 ? "" : "s") in ec2-describe-instances.json)"), ["- " + YAMLText.flow(p)]))
            count("node groups")
        }
        // Nodes of groups without a describe-nodegroup file (self-managed, or not collected).
        for (group, nodes) in plan.nodeInstances.sorted(by: { $0.key < $1.key }) where !described.contains(group) {
            guard let type = Self.mostCommon(nodes.compactMap { $0.string("InstanceType") }) else { continue }
            let managed = nodes.contains { $0.tags["eks:nodegroup-name"] != nil }
            var p: Pairs = [("name", Self.s(names.assign("ng", id: group, preferred: group))), ("instanceType", Self.s(type)), ("count", "\(nodes.count)")]
            let subnets = Set(nodes.compactMap { $0.string("SubnetId") }.compactMap { names.name("subnet", $0) }).sorted()
            guard !subnets.isEmpty else { continue }
            p.append(("subnets", YAMLText.list(subnets)))
            if let sg = nodeSecurityGroups(nodes, clusterSG: managed ? clusterSG : nil) { p.append(("securityGroups", YAMLText.list(sg))) }
            if !managed { p.append(("managed", "false")) }
            let ids = nodes.compactMap { $0.string("InstanceId") }.sorted()
            groups.append((group, "\(nodes.count) instance\(nodes.count == 1 ? "" : "s") of \(cluster) in ec2-describe-instances.json (\(ids.prefix(3).joined(separator: ", "))\(ids.count > 3 ? ", …" : ""))", ["- " + YAMLText.flow(p)]))
            count("node groups")
        }
        guard !groups.isEmpty else { return }
        out.line(2, "nodeGroups:")
        for g in groups.sorted(by: { $0.name < $1.name }) {
            out.comment(4, g.comment)
            for l in g.lines { out.line(4, l) }
        }
    }

    /// The groups of the nodes' primary interfaces, or nil when they are only the cluster
    /// security group (what EKS attaches to a managed group without a launch template's groups).
    func nodeSecurityGroups(_ nodes: [Item], clusterSG: String?) -> [String]? {
        guard let first = nodes.first else { return nil }
        let ids = first.o.objects("SecurityGroups").compactMap { $0.string("GroupId") }
        if ids.isEmpty || (clusterSG != nil && ids == [clusterSG ?? ""]) { return nil }
        let n = ids.compactMap { names.name("sg", $0) }.sorted()
        return n.isEmpty ? nil : n
    }

    static func mostCommon(_ xs: [String]) -> String? {
        var c: [String: Int] = [:]
        for x in xs { c[x, default: 0] += 1 }
        return c.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.first?.key
    }

    mutating func emitFargate(_ inv: Inventory) {
        var lines: [(String, String)] = []
        for (pname, src) in (folder.perResource["eks-describe-fargate-profile"] ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let fp = src.root.object("fargateProfile") else { continue }
            let item = Item(o: fp, src: src)
            let name = fp.string("fargateProfileName") ?? pname
            let subnets = fp.array("subnets").compactMap(\.string).compactMap { names.name("subnet", $0) }.sorted()
            guard !subnets.isEmpty else { skip("Fargate profile", name, item, "none of its subnets is in the folder"); continue }
            var sels: [String] = []
            for s in fp.objects("selectors") {
                guard let ns = s.string("namespace") else { continue }
                var sp: Pairs = [("namespace", Self.s(ns))]
                var labels: [String: String] = [:]
                for (k, v) in s.object("labels")?.fields ?? [:] { if let t = v.string { labels[k] = t } }
                if !labels.isEmpty { sp.append(("labels", YAMLText.map(labels))) }
                sels.append(YAMLText.flow(sp))
            }
            guard !sels.isEmpty else { skip("Fargate profile", name, item, "no selector"); continue }
            lines.append((item.cite(name), "- " + YAMLText.flow([("name", Self.s(name)), ("subnets", YAMLText.list(subnets)), ("selectors", "[" + sels.joined(separator: ", ") + "]")])))
            count("Fargate profiles")
        }
        guard !lines.isEmpty else { return }
        out.line(2, "fargateProfiles:")
        for (c, l) in lines { out.comment(4, c); out.line(4, l) }
    }

    // MARK: externals (instances and service ENIs that are hosts)

    mutating func emitExternals(_ inv: Inventory, _ plan: Plan) {
        var lines: [(String, String, String)] = []
        for e in plan.externals {
            let name = names.name("external", e.id) ?? e.id
            guard let sub = e.item.string("SubnetId"), let sn = names.name("subnet", sub) else {
                dangling("\(e.id) is in subnet \(e.item.string("SubnetId") ?? "?"), which the folder does not hold", e.item)
                skip(e.isInstance ? "instance" : "network interface", e.id, e.item, "its subnet is not in the folder"); continue
            }
            guard let ip = e.item.string("PrivateIpAddress"), Self.usable(ip, in: inv.subnetByID[sub]) else {
                badValue("\(e.id): its address \(e.item.string("PrivateIpAddress") ?? "(none)") is not a usable address of subnet \(sub)", e.item)
                skip(e.isInstance ? "instance" : "network interface", e.id, e.item, "its address is not in its subnet"); continue
            }
            var p: Pairs = [("name", Self.s(name)), ("address", ip), ("subnet", Self.s(sn))]
            let groupObjects = e.isInstance ? e.item.o.objects("SecurityGroups") : e.item.o.objects("Groups")
            var groups: [String] = []
            for g in groupObjects.compactMap({ $0.string("GroupId") }) {
                if let n = names.name("sg", g) { groups.append(n) } else { dangling("\(e.id) carries security group \(g), which the folder does not hold", e.item) }
            }
            if !groups.isEmpty { p.append(("securityGroups", YAMLText.list(groups.sorted()))) }
            let pub = e.isInstance ? e.item.string("PublicIpAddress") : e.item.o.object("Association")?.string("PublicIp")
            if let pub, Self.isIPv4(pub) { p.append(("publicIp", pub)) }
            let what = e.isInstance ? "instance \(e.id)\(e.item.string("InstanceType").map { ", \($0)" } ?? "")"
                : "network interface \(e.id)\((e.item.string("Description") ?? "").isEmpty ? "" : ": " + (e.item.string("Description") ?? ""))"
            p.append(("description", Self.s(Echo.clip(what, 200))))
            lines.append((name, e.item.cite(e.id), "- " + YAMLText.flow(p)))
            count("externals (instances and service interfaces)")
        }
        guard !lines.isEmpty else { return }
        out.line(0, "externals:")
        for l in lines.sorted(by: { $0.0 < $1.0 }) { out.comment(2, l.1); out.line(2, l.2) }
    }

    // MARK: what the format cannot express

    mutating func listUnimportable(_ inv: Inventory) {
        for l in items("elbv2-describe-load-balancers", "LoadBalancers") {
            skip("load balancer", l.string("LoadBalancerArn") ?? l.string("LoadBalancerName") ?? "?", l,
                 "\(l.string("Type") ?? "elbv2") load balancer: netsim builds load balancers from the AWS Load Balancer Controller's Services and Ingresses (kubernetes.manifests), not from the account")
        }
        for t in items("elbv2-describe-target-groups", "TargetGroups") {
            skip("target group", t.string("TargetGroupArn") ?? "?", t, "built with its load balancer from the manifests")
        }
        for (_, src) in (folder.perResource["elbv2-describe-listeners"] ?? [:]).sorted(by: { $0.key < $1.key }) {
            for l in src.root.objects("Listeners") { skip("listener", l.string("ListenerArn") ?? "?", Item(o: l, src: src), "built with its load balancer from the manifests") }
        }
        for (_, src) in (folder.perResource["elbv2-describe-rules"] ?? [:]).sorted(by: { $0.key < $1.key }) {
            for r in src.root.objects("Rules") { skip("listener rule", r.string("RuleArn") ?? "?", Item(o: r, src: src), "built from the Ingress rules in the manifests") }
        }
        if let src = folder.source("ec2-describe-instance-types") {
            let n = src.root.objects("InstanceTypes").count
            if n > 0 { notImported.append(NotImported(kind: "instance types", id: "\(n) types", file: src.name, why: "not written into the topology; pass the file as --instance-catalog when a type is not in netsim's catalog")) }
        }
    }
}

extension String {
    /// The text inside a double-quoted YAML scalar (or the plain scalar itself).
    func trimmingCharacters(quote: Bool) -> String {
        if quote, hasPrefix("\""), hasSuffix("\""), count >= 2 { return String(dropFirst().dropLast()) }
        return self
    }
}
