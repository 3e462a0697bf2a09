import Foundation
import NetsimIPAM
import NetsimImport
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

/// `netsim import aws` on hand-written AWS CLI outputs (the shapes the EC2 API reference
/// documents for each Describe call): what is written, what is left out, and every kind of bad
/// input, located.
@Suite struct ImportInputTests {
    static let vpcs = #"{"Vpcs": [{"VpcId": "vpc-0a1000001", "OwnerId": "111122223333", "CidrBlock": "10.0.0.0/16", "CidrBlockAssociationSet": [{"CidrBlock": "10.0.0.0/16", "CidrBlockState": {"State": "associated"}}], "Tags": [{"Key": "Name", "Value": "prod"}]}]}"#
    static let subnets = #"{"Subnets": [{"SubnetId": "subnet-0a1000001", "VpcId": "vpc-0a1000001", "CidrBlock": "10.0.0.0/24", "AvailabilityZone": "us-east-1a", "Tags": [{"Key": "Name", "Value": "app-a"}]}, {"SubnetId": "subnet-0a2000002", "VpcId": "vpc-0a1000001", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1b", "Tags": [{"Key": "Name", "Value": "app-a"}]}]}"#
    static let groups = #"""
    {"SecurityGroups": [
      {"GroupId": "sg-0a1000001", "GroupName": "default", "Description": "default VPC security group", "VpcId": "vpc-0a1000001",
       "IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-0a1000001"}]}],
       "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]},
      {"GroupId": "sg-0a2000002", "GroupName": "web", "Description": "web", "VpcId": "vpc-0a1000001",
       "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "HTTPS"}]},
                         {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "UserIdGroupPairs": [{"GroupId": "sg-0ffffffffff", "UserId": "999999999999"}]},
                         {"IpProtocol": "tcp", "FromPort": 9223372036854775807, "ToPort": 9223372036854775807, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
                         {"IpProtocol": "udp", "FromPort": 18446744073709551616, "ToPort": -5, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}],
       "IpPermissionsEgress": [{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.0.1.0/24"}]}]}
    ]}
    """#
    static let acls = #"{"NetworkAcls": [{"NetworkAclId": "acl-0a1000001", "VpcId": "vpc-0a1000001", "IsDefault": true, "Associations": [{"SubnetId": "subnet-0a1000001"}, {"SubnetId": "subnet-0a2000002"}], "Entries": [{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"}, {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": "0.0.0.0/0"}, {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"}, {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": true, "CidrBlock": "0.0.0.0/0"}]}]}"#

    func folder(_ files: [String: String]) -> Scratch {
        let s = Scratch(prefix: "netsim-import")
        for (name, text) in files { s.write(name, text) }
        return s
    }

    var basic: [String: String] {
        ["ec2-describe-vpcs.json": Self.vpcs, "ec2-describe-subnets.json": Self.subnets,
         "ec2-describe-security-groups.json": Self.groups, "ec2-describe-network-acls.json": Self.acls]
    }

    @Test func writesWhatDiffersFromDefaultsWithIDsAndComments() throws {
        let s = folder(basic)
        let r = AWSImport.run(folder: s.url.path)
        let yaml = try #require(r.yaml, "\(r.diagnostics.map(\.formatted))")
        #expect(yaml.contains("# vpc-0a1000001 from ec2-describe-vpcs.json"))
        #expect(yaml.contains("name: prod\n  id: vpc-0a1000001"))
        // Two subnets tagged app-a: the second gets its id appended (names are unique).
        #expect(yaml.contains("{name: app-a, id: subnet-0a1000001,"))
        #expect(yaml.contains("{name: app-a-subnet-0a2000002, id: subnet-0a2000002,"))
        // The default group keeps its rules but not the default egress; web's egress is written.
        #expect(yaml.contains("- name: default\n      id: sg-0a1000001\n      description: \"default VPC security group\"\n      ingress:\n        - {protocol: all, from: {securityGroup: default}}\n"))
        #expect(yaml.contains("- {protocol: tcp, ports: 443, from: {cidr: 0.0.0.0/0}, description: HTTPS}"))
        #expect(yaml.contains("egress:\n        - {protocol: tcp, ports: 5432, to: {cidr: 10.0.1.0/24}}"))
        // The default network ACL with AWS's default rules is left out, its id in a comment.
        #expect(yaml.contains("# acl-0a1000001 from ec2-describe-network-acls.json: the default network ACL with AWS's default rules"))
        #expect(!yaml.contains("networkAcls:"))
        // The rule naming another account's group is left out, located, and listed.
        let dangling = try #require(r.diagnostics.first { $0.code == .importDanglingReference })
        #expect(dangling.severity == .warning && dangling.message.contains("sg-0ffffffffff"))
        #expect(dangling.location.file.hasSuffix("ec2-describe-security-groups.json") && dangling.location.line == 7)
        #expect(r.notImported.contains { $0.id.contains("sg-0a2000002") && $0.why.contains("sg-0ffffffffff") })
        // A port of 2^63-1 is no port: the rule is left out with a located warning.
        #expect(r.diagnostics.contains { $0.code == .importBadValue && $0.message.contains("out of range") && $0.location.line == 8 })
        #expect(!yaml.contains("9223372036854775807"))
        // 2^64 is no number netsim holds: that rule is left out too, never read as "all ports".
        #expect(r.diagnostics.contains { $0.code == .importBadValue && $0.message.contains("not a whole number") && $0.location.line == 9 })
        #expect(!yaml.contains("protocol: udp"))
        // What is missing is listed; the result loads clean.
        #expect(r.missing.contains("ec2-describe-route-tables.json"))
        #expect(r.reportText.contains("missing (not in the folder"))
        let o = Scratch()
        let t = o.write("out.yaml", yaml)
        let loaded = TopologyLoader(catalog: .builtin).load(path: t)
        #expect(loaded.validTopology != nil && !loaded.diagnostics.contains { $0.severity != .note }, "\(loaded.diagnostics.map(\.formatted))")
        // The same folder gives the same bytes.
        #expect(AWSImport.run(folder: s.url.path).yaml == yaml)
    }

    @Test func truncatedJSONIsLocatedAndNothingIsWritten() throws {
        var files = basic
        files["ec2-describe-subnets.json"] = String(Self.subnets.prefix(120))
        let s = folder(files)
        let r = AWSImport.run(folder: s.url.path)
        #expect(r.yaml == nil)
        let d = try #require(r.diagnostics.first { $0.code == .importJSONSyntax })
        #expect(d.severity == .error && d.location.file.hasSuffix("ec2-describe-subnets.json") && d.location.line == 1 && d.location.column == 121)
        #expect(d.message.contains("truncated") && d.hint.contains("aws ec2 describe-subnets"))
        // The CLI: exit 2, the located error, no output file.
        let elsewhere = Scratch()
        let out = elsewhere.path("topology.yaml")
        let cli = try Netsim.run(["import", "aws", s.url.path, "-o", out])
        #expect(cli.status == 2)
        #expect(cli.err.contains("ec2-describe-subnets.json:1:121: error[NS1502]"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func fileOfAnotherCommandIsNamed() throws {
        var files = basic
        files["ec2-describe-subnets.json"] = Self.vpcs
        let s = folder(files)
        let r = AWSImport.run(folder: s.url.path)
        let d = try #require(r.diagnostics.first { $0.code == .importWrongCommand })
        #expect(d.message.contains("holds the output of aws ec2 describe-vpcs") && d.message.contains("not of aws ec2 describe-subnets"))
        #expect(r.yaml == nil)
    }

    @Test func mixedRegionsAndAccountsAreErrorsThatSayWhich() throws {
        var files = basic
        files["ec2-describe-subnets.json"] = Self.subnets.replacingOccurrences(of: "us-east-1b", with: "eu-west-1b")
        let s = folder(files)
        let r = AWSImport.run(folder: s.url.path)
        let d = try #require(r.diagnostics.first { $0.code == .importMixedRegions })
        #expect(d.message.contains("eu-west-1 (subnet-0a2000002") && d.message.contains("us-east-1 (subnet-0a1000001"))
        #expect(r.yaml == nil)
        files = basic
        files["ec2-describe-vpcs.json"] = #"{"Vpcs": [{"VpcId": "vpc-0a1000001", "OwnerId": "111122223333", "CidrBlock": "10.0.0.0/16"}, {"VpcId": "vpc-0b1000001", "OwnerId": "444455556666", "CidrBlock": "10.1.0.0/16"}]}"#
        let s2 = folder(files)
        let a = AWSImport.run(folder: s2.url.path)
        let e = try #require(a.diagnostics.first { $0.code == .importMixedAccounts })
        #expect(e.message.contains("111122223333 (vpc-0a1000001)") && e.message.contains("444455556666 (vpc-0b1000001)"))
    }

    @Test func idTheFormatRefusesIsLeftOutWithAWarning() throws {
        var files = basic
        files["ec2-describe-vpcs.json"] = Self.vpcs.replacingOccurrences(of: "vpc-0a1000001\", \"OwnerId", with: "vpc-0a1\", \"OwnerId")
        files["ec2-describe-subnets.json"] = Self.subnets.replacingOccurrences(of: "vpc-0a1000001", with: "vpc-0a1")
        files["ec2-describe-security-groups.json"] = Self.groups.replacingOccurrences(of: "vpc-0a1000001", with: "vpc-0a1")
        files["ec2-describe-network-acls.json"] = Self.acls.replacingOccurrences(of: "vpc-0a1000001", with: "vpc-0a1")
        let s = folder(files)
        let r = AWSImport.run(folder: s.url.path)
        let yaml = try #require(r.yaml)
        #expect(yaml.contains("name: prod\n  cidrBlocks"))
        #expect(r.diagnostics.contains { $0.code == .importBadValue && $0.message.contains("vpc-0a1 is not an AWS ID") })
    }

    @Test func missingFolderAndEmptyFolder() throws {
        let r = AWSImport.run(folder: "/nonexistent/netsim-import")
        #expect(r.diagnostics.first?.code == .importFolder && r.yaml == nil)
        let empty = folder([:])
        let e = AWSImport.run(folder: empty.url.path)
        #expect(e.diagnostics.contains { $0.code == .importMissingFile && $0.severity == .error })
        #expect(e.yaml == nil)
    }

    @Test func fifoInTheFolderIsSkippedNotRead() throws {
        let s = folder(basic)
        let fifo = s.path("ec2-describe-route-tables.json")
        #expect(mkfifo(fifo, 0o600) == 0)
        let r = AWSImport.run(folder: s.url.path)   // would block forever if the FIFO were opened
        #expect(r.yaml != nil)
        #expect(r.diagnostics.contains { $0.code == .importFolder && $0.message.contains("not a regular file") })
    }

    @Test func hugeFileAndMegabyteNames() throws {
        var files = basic
        let huge = String(repeating: "x", count: 1 << 20)
        files["ec2-describe-vpcs.json"] = Self.vpcs.replacingOccurrences(of: "\"Value\": \"prod\"", with: "\"Value\": \"\(huge)\"")
        let s = folder(files)
        let tooBig = AWSImport.run(folder: s.url.path, maxInputBytes: 1000)
        #expect(tooBig.diagnostics.contains { $0.code == .importFileTooLarge && $0.severity == .error })
        let r = AWSImport.run(folder: s.url.path)
        let yaml = try #require(r.yaml)
        #expect(yaml.count < 100_000)   // the name is clipped
        let o = Scratch()
        let t = o.write("out.yaml", yaml)
        let loaded = TopologyLoader(catalog: .builtin).load(path: t)
        #expect(loaded.validTopology != nil, "\(loaded.diagnostics.map(\.formatted))")
    }

    @Test func outputInsideTheInputFolderIsRefused() throws {
        let s = folder(basic)
        let r = try Netsim.run(["import", "aws", s.url.path, "-o", s.path("topology.yaml")])
        #expect(r.status == 2)
        #expect(r.err.contains("inside the input folder"))
        let same = try Netsim.run(["import", "aws", s.url.path, "--report", s.url.path])
        #expect(same.status == 2)
    }

    @Test func printCommandsIsAShellScriptOfReadOnlyCalls() throws {
        let r = try Netsim.run(["import", "aws", "--print-commands"])
        #expect(r.status == 0)
        for c in AWSCommands.all {
            #expect(r.out.contains("aws \(c.operation)"), "\(c.operation)")
            #expect(r.out.contains(c.file), "\(c.file)")
            #expect(r.out.contains("\"\(c.iamAction)\""), "\(c.iamAction)")
        }
        // Only reads: describe, get, list, search.
        for line in r.out.split(separator: "\n") where !line.hasPrefix("#") {
            for word in line.split(separator: " ") where word.hasPrefix("create-") || word.hasPrefix("delete-") || word.hasPrefix("modify-") || word.hasPrefix("put-") {
                Issue.record("a command that writes: \(word)")
            }
        }
        let s = Scratch()
        let script = s.write("collect.sh", r.out)
        #expect(Subprocess.run("/bin/sh", ["-n", script]).status == 0)
    }

    @Test func clusterNodeGroupsFargateAndAwsNodeSettings() throws {
        var files = basic
        files["eks-describe-cluster.json"] = #"{"cluster": {"name": "shop", "arn": "arn:aws:eks:us-east-1:111122223333:cluster/shop", "version": "1.31", "resourcesVpcConfig": {"vpcId": "vpc-0a1000001", "subnetIds": ["subnet-0a1000001", "subnet-0a2000002"], "securityGroupIds": ["sg-0a2000002"], "clusterSecurityGroupId": "sg-0a1000001", "endpointPublicAccess": true, "endpointPrivateAccess": true, "publicAccessCidrs": ["203.0.113.0/24"]}, "kubernetesNetworkConfig": {"serviceIpv4Cidr": "172.20.0.0/16", "ipFamily": "ipv4"}}}"#
        files["eks-describe-nodegroup-general.json"] = #"{"nodegroup": {"nodegroupName": "general", "instanceTypes": ["m5.large", "m5.xlarge"], "scalingConfig": {"minSize": 1, "maxSize": 5, "desiredSize": 3}, "subnets": ["subnet-0a1000001", "subnet-0a2000002"], "labels": {"team": "shop"}, "taints": [{"key": "dedicated", "value": "shop", "effect": "NO_SCHEDULE"}]}}"#
        files["eks-describe-fargate-profile-batch.json"] = #"{"fargateProfile": {"fargateProfileName": "batch", "subnets": ["subnet-0a1000001"], "selectors": [{"namespace": "batch", "labels": {"compute": "fargate"}}]}}"#
        files["eks-describe-addon-vpc-cni.json"] = #"{"addon": {"addonName": "vpc-cni", "configurationValues": "{\"env\": {\"ENABLE_PREFIX_DELEGATION\": \"true\"}, \"enableNetworkPolicy\": \"true\", \"nodeAgent\": {\"enablePolicyEventLogs\": \"true\"}}"}}"#
        files["kubectl-get-daemonset-aws-node.json"] = #"{"apiVersion": "apps/v1", "kind": "DaemonSet", "spec": {"template": {"spec": {"containers": [{"name": "aws-node", "env": [{"name": "WARM_IP_TARGET", "value": "5"}, {"name": "WARM_ENI_TARGET", "value": "1"}, {"name": "VPC_CNI_VERSION", "value": "v1.19.0"}, {"name": "MY_NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}]}]}}}}"#
        files["elbv2-describe-load-balancers.json"] = #"{"LoadBalancers": [{"LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/50dc6c495c0c9188", "LoadBalancerName": "web", "Type": "application", "VpcId": "vpc-0a1000001"}]}"#
        let s = folder(files)
        let r = AWSImport.run(folder: s.url.path)
        let yaml = try #require(r.yaml, "\(r.diagnostics.map(\.formatted))")
        #expect(yaml.contains("name: shop\n  version: \"1.31\"\n"))
        #expect(!yaml.contains("serviceCidr"))                       // EKS's default for a 10.x VPC
        #expect(yaml.contains("  cni:\n    WARM_IP_TARGET: \"5\"\n"))   // the DaemonSet wins; defaults left out
        #expect(!yaml.contains("WARM_ENI_TARGET"))
        #expect(yaml.contains("vpcCniAddon: {enableNetworkPolicy: \"true\"}"))
        #expect(yaml.contains("controlPlane:\n    subnets: [app-a, app-a-subnet-0a2000002]\n    clusterSecurityGroup: default\n    securityGroups: [web]\n    endpoint: {privateAccess: true, publicAccessCidrs: [203.0.113.0/24]}"))
        #expect(yaml.contains("- {name: general, instanceType: m5.large, count: 3, subnets: [app-a, app-a-subnet-0a2000002], labels: {team: shop}, taints: [{key: dedicated, value: shop, effect: NoSchedule}]}"))
        #expect(yaml.contains("- {name: batch, subnets: [app-a], selectors: [{namespace: batch, labels: {compute: fargate}}]}"))
        // Listed, not dropped: the second instance type, the unknown setting, the add-on's other
        // keys, the load balancer.
        let ids = r.notImported.map { "\($0.kind) \($0.id)" }
        #expect(ids.contains("node group instance types general"))
        #expect(ids.contains("aws-node setting VPC_CNI_VERSION"))
        #expect(ids.contains("add-on configuration vpc-cni nodeAgent"))
        #expect(ids.contains { $0.hasPrefix("load balancer arn:aws:elasticloadbalancing") })
        let o = Scratch()
        let t = o.write("out.yaml", yaml)
        let loaded = TopologyLoader(catalog: .builtin).load(path: t)
        #expect(loaded.validTopology != nil, "\(loaded.diagnostics.map(\.formatted))")
        #expect(loaded.validTopology?.cluster?.nodeGroups.first?.count == 3)
    }
}
