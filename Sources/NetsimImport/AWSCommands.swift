/// The read-only AWS CLI commands whose outputs `netsim import aws` reads: the file each writes,
/// the top-level key of its output (how a file from another command is recognized) and the IAM
/// action it needs. Per-resource commands write one file per resource, `PREFIX-ID.json`.
public struct AWSCommand: Sendable {
    /// The file name, or its prefix (before `-ID.json`) for a per-resource command.
    public var file: String
    /// The service and operation, as the CLI writes them (`ec2 describe-vpcs`).
    public var operation: String
    /// The key of the output's top-level object.
    public var key: String
    public var iamAction: String
    /// For per-resource commands: the option that takes the resource and the shell that lists
    /// the resources (its output, one id or name a line).
    public var perResource: (option: String, list: String)?
    /// Commands that need the cluster's name (`$CLUSTER`).
    public var needsCluster: Bool
    /// Extra arguments after the operation.
    public var extra: String

    init(_ file: String, _ operation: String, _ key: String, _ iam: String, per: (String, String)? = nil, cluster: Bool = false, extra: String = "") {
        self.file = file; self.operation = operation; self.key = key; self.iamAction = iam
        self.perResource = per; self.needsCluster = cluster; self.extra = extra
    }

    public var isPerResource: Bool { perResource != nil }

    /// `ec2-describe-vpcs.json`, or `PREFIX-ID.json` for a per-resource command.
    public func fileName(for id: String? = nil) -> String {
        if let id { return "\(file)-\(id).json" }
        return file + ".json"
    }
}

public enum AWSCommands {
    static let common = "--region \"$REGION\" --profile \"$PROFILE\" --output json"

    public static let all: [AWSCommand] = [
        AWSCommand("ec2-describe-vpcs", "ec2 describe-vpcs", "Vpcs", "ec2:DescribeVpcs"),
        AWSCommand("ec2-describe-vpc-attribute-enable-dns-support", "ec2 describe-vpc-attribute", "EnableDnsSupport", "ec2:DescribeVpcAttribute",
                   per: ("--vpc-id", "ids ec2 describe-vpcs --query 'Vpcs[].VpcId'"), extra: "--attribute enableDnsSupport"),
        AWSCommand("ec2-describe-vpc-attribute-enable-dns-hostnames", "ec2 describe-vpc-attribute", "EnableDnsHostnames", "ec2:DescribeVpcAttribute",
                   per: ("--vpc-id", "ids ec2 describe-vpcs --query 'Vpcs[].VpcId'"), extra: "--attribute enableDnsHostnames"),
        AWSCommand("ec2-describe-subnets", "ec2 describe-subnets", "Subnets", "ec2:DescribeSubnets"),
        AWSCommand("ec2-describe-route-tables", "ec2 describe-route-tables", "RouteTables", "ec2:DescribeRouteTables"),
        AWSCommand("ec2-describe-security-groups", "ec2 describe-security-groups", "SecurityGroups", "ec2:DescribeSecurityGroups"),
        AWSCommand("ec2-describe-security-group-rules", "ec2 describe-security-group-rules", "SecurityGroupRules", "ec2:DescribeSecurityGroupRules"),
        AWSCommand("ec2-describe-network-acls", "ec2 describe-network-acls", "NetworkAcls", "ec2:DescribeNetworkAcls"),
        AWSCommand("ec2-describe-internet-gateways", "ec2 describe-internet-gateways", "InternetGateways", "ec2:DescribeInternetGateways"),
        AWSCommand("ec2-describe-egress-only-internet-gateways", "ec2 describe-egress-only-internet-gateways", "EgressOnlyInternetGateways", "ec2:DescribeEgressOnlyInternetGateways"),
        AWSCommand("ec2-describe-nat-gateways", "ec2 describe-nat-gateways", "NatGateways", "ec2:DescribeNatGateways"),
        AWSCommand("ec2-describe-vpn-gateways", "ec2 describe-vpn-gateways", "VpnGateways", "ec2:DescribeVpnGateways"),
        AWSCommand("ec2-describe-vpc-endpoints", "ec2 describe-vpc-endpoints", "VpcEndpoints", "ec2:DescribeVpcEndpoints"),
        AWSCommand("ec2-describe-vpc-peering-connections", "ec2 describe-vpc-peering-connections", "VpcPeeringConnections", "ec2:DescribeVpcPeeringConnections"),
        AWSCommand("ec2-describe-transit-gateways", "ec2 describe-transit-gateways", "TransitGateways", "ec2:DescribeTransitGateways"),
        AWSCommand("ec2-describe-transit-gateway-attachments", "ec2 describe-transit-gateway-attachments", "TransitGatewayAttachments", "ec2:DescribeTransitGatewayAttachments"),
        AWSCommand("ec2-describe-transit-gateway-vpc-attachments", "ec2 describe-transit-gateway-vpc-attachments", "TransitGatewayVpcAttachments", "ec2:DescribeTransitGatewayVpcAttachments"),
        AWSCommand("ec2-describe-transit-gateway-route-tables", "ec2 describe-transit-gateway-route-tables", "TransitGatewayRouteTables", "ec2:DescribeTransitGatewayRouteTables"),
        AWSCommand("ec2-search-transit-gateway-routes", "ec2 search-transit-gateway-routes", "Routes", "ec2:SearchTransitGatewayRoutes",
                   per: ("--transit-gateway-route-table-id", "ids ec2 describe-transit-gateway-route-tables --query 'TransitGatewayRouteTables[].TransitGatewayRouteTableId'"),
                   extra: "--filters Name=type,Values=static,propagated"),
        AWSCommand("ec2-get-transit-gateway-route-table-propagations", "ec2 get-transit-gateway-route-table-propagations", "TransitGatewayRouteTablePropagations",
                   "ec2:GetTransitGatewayRouteTablePropagations",
                   per: ("--transit-gateway-route-table-id", "ids ec2 describe-transit-gateway-route-tables --query 'TransitGatewayRouteTables[].TransitGatewayRouteTableId'")),
        AWSCommand("ec2-describe-managed-prefix-lists", "ec2 describe-managed-prefix-lists", "PrefixLists", "ec2:DescribeManagedPrefixLists"),
        AWSCommand("ec2-get-managed-prefix-list-entries", "ec2 get-managed-prefix-list-entries", "Entries", "ec2:GetManagedPrefixListEntries",
                   per: ("--prefix-list-id", "ids ec2 describe-managed-prefix-lists --query 'PrefixLists[].PrefixListId'")),
        AWSCommand("ec2-describe-network-interfaces", "ec2 describe-network-interfaces", "NetworkInterfaces", "ec2:DescribeNetworkInterfaces"),
        AWSCommand("ec2-describe-instances", "ec2 describe-instances", "Reservations", "ec2:DescribeInstances"),
        AWSCommand("ec2-describe-instance-types", "ec2 describe-instance-types", "InstanceTypes", "ec2:DescribeInstanceTypes"),
        AWSCommand("eks-describe-cluster", "eks describe-cluster", "cluster", "eks:DescribeCluster", cluster: true, extra: "--name \"$CLUSTER\""),
        AWSCommand("eks-list-nodegroups", "eks list-nodegroups", "nodegroups", "eks:ListNodegroups", cluster: true, extra: "--cluster-name \"$CLUSTER\""),
        AWSCommand("eks-describe-nodegroup", "eks describe-nodegroup", "nodegroup", "eks:DescribeNodegroup",
                   per: ("--nodegroup-name", "ids eks list-nodegroups --cluster-name \"$CLUSTER\" --query 'nodegroups[]'"), cluster: true, extra: "--cluster-name \"$CLUSTER\""),
        AWSCommand("eks-list-fargate-profiles", "eks list-fargate-profiles", "fargateProfileNames", "eks:ListFargateProfiles", cluster: true, extra: "--cluster-name \"$CLUSTER\""),
        AWSCommand("eks-describe-fargate-profile", "eks describe-fargate-profile", "fargateProfile", "eks:DescribeFargateProfile",
                   per: ("--fargate-profile-name", "ids eks list-fargate-profiles --cluster-name \"$CLUSTER\" --query 'fargateProfileNames[]'"), cluster: true, extra: "--cluster-name \"$CLUSTER\""),
        AWSCommand("eks-describe-addon-vpc-cni", "eks describe-addon", "addon", "eks:DescribeAddon", cluster: true, extra: "--cluster-name \"$CLUSTER\" --addon-name vpc-cni"),
        AWSCommand("eks-describe-addon-kube-proxy", "eks describe-addon", "addon", "eks:DescribeAddon", cluster: true, extra: "--cluster-name \"$CLUSTER\" --addon-name kube-proxy"),
        AWSCommand("elbv2-describe-load-balancers", "elbv2 describe-load-balancers", "LoadBalancers", "elasticloadbalancing:DescribeLoadBalancers"),
        AWSCommand("elbv2-describe-target-groups", "elbv2 describe-target-groups", "TargetGroups", "elasticloadbalancing:DescribeTargetGroups"),
        AWSCommand("elbv2-describe-listeners", "elbv2 describe-listeners", "Listeners", "elasticloadbalancing:DescribeListeners",
                   per: ("--load-balancer-arn", "ids elbv2 describe-load-balancers --query 'LoadBalancers[].LoadBalancerArn'")),
        AWSCommand("elbv2-describe-rules", "elbv2 describe-rules", "Rules", "elasticloadbalancing:DescribeRules",
                   per: ("--listener-arn", "ids elbv2 describe-load-balancers --query 'LoadBalancers[].LoadBalancerArn' | while read -r lb; do ids elbv2 describe-listeners --load-balancer-arn \"$lb\" --query 'Listeners[].ListenerArn'; done")),
    ]

    /// The file that the aws-node DaemonSet's JSON is read from (kubectl, not the AWS CLI).
    public static let awsNodeDaemonSet = "kubectl-get-daemonset-aws-node.json"

    /// The command whose file (or per-resource prefix) names `fileName`, and the resource id.
    public static func command(forFile fileName: String) -> (AWSCommand, String?)? {
        guard fileName.hasSuffix(".json") else { return nil }
        let stem = String(fileName.dropLast(5))
        if let c = all.first(where: { !$0.isPerResource && $0.file == stem }) { return (c, nil) }
        // Longest prefix first: ec2-describe-transit-gateway-… must not match a shorter one.
        for c in all.filter(\.isPerResource).sorted(by: { $0.file.count > $1.file.count }) where stem.hasPrefix(c.file + "-") {
            let id = String(stem.dropFirst(c.file.count + 1))
            if !id.isEmpty { return (c, id) }
        }
        return nil
    }

    /// The id part a per-resource file gets: ARNs keep their last path element (the ELB id).
    static let resourceShell = "${r##*/}"

    /// The script `netsim import aws --print-commands` prints.
    public static var script: String {
        var s = """
        #!/bin/sh
        # Collect the folder `netsim import aws DIR` reads: read-only AWS CLI calls, one JSON file
        # per command, written into the current folder. Run it in an empty folder with:
        #   REGION=us-east-1 PROFILE=default CLUSTER=my-cluster sh collect.sh
        # (CLUSTER is optional: without it the EKS commands are skipped.) Each file is written to a
        # temporary name and renamed only when its command succeeds, so nothing is half-written;
        # a command that fails is named on standard error and its file left out (netsim then lists
        # it as missing). No command changes anything in the account.
        set -u
        REGION="${REGION:?set REGION, e.g. REGION=us-east-1}"
        PROFILE="${PROFILE:-default}"
        CLUSTER="${CLUSTER:-}"
        collect() { f="$1"; shift; if "$@" > "$f.tmp"; then mv "$f.tmp" "$f"; else rm -f "$f.tmp"; echo "not collected: $f" >&2; fi; }
        ids() { aws "$@" \(common) | tr -d '[]",' | tr -s ' \\t' '\\n' | sed '/^$/d'; }

        """
        var clusterLines: [String] = []
        for c in all {
            var line: String
            let extra = c.extra.isEmpty ? "" : " " + c.extra
            if let per = c.perResource {
                line = "\(per.list) | while read -r r; do collect \"\(c.file)-\(resourceShell).json\" aws \(c.operation)\(extra) \(per.option) \"$r\" \(common); done"
            } else {
                line = "collect \(c.fileName()) aws \(c.operation)\(extra) \(common)"
            }
            if c.needsCluster { clusterLines.append(line) } else { s += line + "\n" }
        }
        s += "if [ -n \"$CLUSTER\" ]; then\n"
        for l in clusterLines { s += "  " + l + "\n" }
        s += "  # The aws-node DaemonSet's environment (optional; needs kubectl access to the cluster):\n"
        s += "  command -v kubectl >/dev/null 2>&1 && collect \(awsNodeDaemonSet) kubectl get daemonset aws-node -n kube-system -o json\n"
        s += "fi\n"
        s += "\n# The IAM policy these commands need (read-only):\n"
        let actions = Set(all.map(\.iamAction)).sorted()
        s += "# {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Resource\": \"*\", \"Action\": [\n"
        for (i, a) in actions.enumerated() { s += "#   \"\(a)\"\(i == actions.count - 1 ? "" : ",")\n" }
        s += "# ]}]}\n"
        return s
    }
}
