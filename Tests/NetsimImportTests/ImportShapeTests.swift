import Foundation
import NetsimImport
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

/// Review of `netsim import aws` against the shapes the EC2 API reference documents: a
/// hand-written account with an IPv6 VPC, a main route table that subnets without an explicit
/// association use, NAT and internet routes, and a custom network ACL with egress entries.
@Suite struct ImportShapeTests {
    static let account: [String: String] = [
        "ec2-describe-internet-gateways.json": #"""
{"InternetGateways": [{"InternetGatewayId": "igw-0a1000001", "Attachments": [{"State": "available", "VpcId": "vpc-0a1000001"}]}]}
"""#,
        "ec2-describe-nat-gateways.json": #"""
{"NatGateways": [{"NatGatewayId": "nat-0a1000001", "VpcId": "vpc-0a1000001", "SubnetId": "subnet-0a1000001", "State": "available", "ConnectivityType": "public", "NatGatewayAddresses": [{"AllocationId": "eipalloc-1", "PrivateIp": "10.0.0.10", "PublicIp": "3.3.3.3", "IsPrimary": true}]}]}
"""#,
        "ec2-describe-network-acls.json": #"""
{"NetworkAcls": [
 {"NetworkAclId": "acl-0a1000001", "VpcId": "vpc-0a1000001", "IsDefault": true, "Associations": [{"NetworkAclAssociationId": "aclassoc-1", "NetworkAclId": "acl-0a1000001", "SubnetId": "subnet-0a1000001"}, {"NetworkAclAssociationId": "aclassoc-2", "NetworkAclId": "acl-0a1000001", "SubnetId": "subnet-0a2000002"}],
  "Entries": [{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"}, {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": "0.0.0.0/0"},
              {"RuleNumber": 101, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "Ipv6CidrBlock": "::/0"}, {"RuleNumber": 101, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "Ipv6CidrBlock": "::/0"},
              {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"}, {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": true, "CidrBlock": "0.0.0.0/0"},
              {"RuleNumber": 32768, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "Ipv6CidrBlock": "::/0"}, {"RuleNumber": 32768, "Protocol": "-1", "RuleAction": "deny", "Egress": true, "Ipv6CidrBlock": "::/0"}]},
 {"NetworkAclId": "acl-0b2000002", "VpcId": "vpc-0a1000001", "IsDefault": false, "Associations": [{"NetworkAclAssociationId": "aclassoc-3", "NetworkAclId": "acl-0b2000002", "SubnetId": "subnet-0a3000003"}], "Tags": [{"Key": "Name", "Value": "locked"}],
  "Entries": [{"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": "10.0.0.0/16", "PortRange": {"From": 443, "To": 443}},
              {"RuleNumber": 110, "Protocol": "1", "RuleAction": "allow", "Egress": false, "CidrBlock": "10.0.0.0/16", "IcmpTypeCode": {"Type": -1, "Code": -1}},
              {"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": true, "CidrBlock": "10.0.0.0/16", "PortRange": {"From": 1024, "To": 65535}},
              {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"}, {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": true, "CidrBlock": "0.0.0.0/0"}]}]}
"""#,
        "ec2-describe-route-tables.json": #"""
{"RouteTables": [
 {"RouteTableId": "rtb-0a1000001", "VpcId": "vpc-0a1000001", "Associations": [{"Main": true, "RouteTableAssociationId": "rtbassoc-1", "RouteTableId": "rtb-0a1000001", "AssociationState": {"State": "associated"}}],
  "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
             {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-0a1000001", "Origin": "CreateRoute", "State": "active"}], "PropagatingVgws": [], "Tags": [{"Key": "Name", "Value": "private"}]},
 {"RouteTableId": "rtb-0b2000002", "VpcId": "vpc-0a1000001", "Associations": [{"Main": false, "SubnetId": "subnet-0a1000001", "RouteTableAssociationId": "rtbassoc-2", "RouteTableId": "rtb-0b2000002", "AssociationState": {"State": "associated"}}],
  "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
             {"DestinationIpv6CidrBlock": "2600:1f18:1234:5600::/56", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
             {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-0a1000001", "Origin": "CreateRoute", "State": "active"},
             {"DestinationIpv6CidrBlock": "::/0", "GatewayId": "igw-0a1000001", "Origin": "CreateRoute", "State": "active"}], "Tags": [{"Key": "Name", "Value": "public"}]}]}
"""#,
        "ec2-describe-security-groups.json": #"""
{"SecurityGroups": [
 {"GroupId": "sg-0a1000001", "GroupName": "default", "Description": "default VPC security group", "VpcId": "vpc-0a1000001", "OwnerId": "111122223333",
  "IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-0a1000001", "UserId": "111122223333"}], "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": []}],
  "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]},
 {"GroupId": "sg-0a2000002", "GroupName": "web", "Description": "web", "VpcId": "vpc-0a1000001", "OwnerId": "111122223333",
  "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
                    {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]},
                    {"IpProtocol": "icmp", "FromPort": 3, "ToPort": 4, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
                    {"IpProtocol": "58", "FromPort": -1, "ToPort": -1, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
                    {"IpProtocol": "6", "FromPort": 8080, "ToPort": 8081, "UserIdGroupPairs": [{"GroupId": "sg-0a1000001"}]}],
  "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]}]}
"""#,
        "ec2-describe-subnets.json": #"""
{"Subnets": [
 {"SubnetId": "subnet-0a1000001", "VpcId": "vpc-0a1000001", "CidrBlock": "10.0.0.0/24", "AvailabilityZone": "us-east-1a", "MapPublicIpOnLaunch": true, "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2600:1f18:1234:5600::/64", "Ipv6CidrBlockState": {"State": "associated"}}], "Tags": [{"Key": "Name", "Value": "public-a"}]},
 {"SubnetId": "subnet-0a2000002", "VpcId": "vpc-0a1000001", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a", "Tags": [{"Key": "Name", "Value": "private-a"}]},
 {"SubnetId": "subnet-0a3000003", "VpcId": "vpc-0a1000001", "CidrBlock": "10.0.2.0/24", "AvailabilityZone": "us-east-1b", "Tags": [{"Key": "Name", "Value": "private-b"}]}]}
"""#,
        "ec2-describe-vpcs.json": #"""
{"Vpcs": [{"VpcId": "vpc-0a1000001", "OwnerId": "111122223333", "CidrBlock": "10.0.0.0/16", "CidrBlockAssociationSet": [{"CidrBlock": "10.0.0.0/16", "CidrBlockState": {"State": "associated"}}], "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2600:1f18:1234:5600::/56", "Ipv6CidrBlockState": {"State": "associated"}}], "Tags": [{"Key": "Name", "Value": "prod"}]}]}
"""#,
    ]

    func run(_ files: [String: String]) -> (AWSImportResult, Scratch) {
        let s = Scratch(prefix: "netsim-import-shapes")
        for (name, text) in files { s.write(name, text) }
        return (AWSImport.run(folder: s.url.path), s)
    }

    /// AWS gives an IPv6 VPC's network ACLs a second `*` rule for ::/0, numbered 32768 in the
    /// DescribeNetworkAcls output (CreateNetworkAclEntry accepts only 1-32766); it is AWS's, like
    /// 32767, not a bad value, and a default ACL with it still has AWS's default rules.
    @Test func ipv6StarRule32768IsAWSsOwnAndTheDefaultACLIsRecognized() throws {
        let (r, _) = run(Self.account)
        let yaml = try #require(r.yaml, "\(r.diagnostics.map(\.formatted))")
        #expect(!r.diagnostics.contains { $0.code == .importBadValue }, "\(r.diagnostics.map(\.formatted))")
        #expect(yaml.contains("# acl-0a1000001 from ec2-describe-network-acls.json: the default network ACL with AWS's default rules"))
        #expect(!yaml.contains("32768"))
        // The custom ACL: egress entries outbound only, ICMP -1/-1 as all of ICMP.
        #expect(yaml.contains("inbound:\n        - {rule: 100, protocol: tcp, ports: 443, cidr: 10.0.0.0/16, action: allow}\n        - {rule: 110, protocol: icmp, cidr: 10.0.0.0/16, action: allow}\n      outbound:\n        - {rule: 100, protocol: tcp, ports: 1024-65535, cidr: 10.0.0.0/16, action: allow}\n"), "\(yaml)")
    }

    /// A subnet without an explicit association uses the main table (its NAT route), the
    /// explicitly associated one its own; IPv6 and numeric protocols read as AWS means them; the
    /// result loads clean and is the same bytes twice.
    @Test func mainTableNumericProtocolsAndIPv6LoadCleanAndAreDeterministic() throws {
        let (r, _) = run(Self.account)
        let yaml = try #require(r.yaml, "\(r.diagnostics.map(\.formatted))")
        #expect(yaml.contains("{name: private-a, id: subnet-0a2000002, zone: us-east-1a, cidr: 10.0.1.0/24}\n"))
        #expect(yaml.contains("routeTable: public"))
        #expect(yaml.contains("- name: private\n      id: rtb-0a1000001\n      main: true\n      routes:\n        - {destination: 0.0.0.0/0, target: nat-0a1000001}\n"))
        #expect(yaml.contains("{destination: \"::/0\", target: igw-0a1000001}"))
        #expect(!yaml.contains("local"))
        #expect(yaml.contains("- {protocol: tcp, ports: 8080-8081, from: {securityGroup: default}}"))   // IpProtocol "6"
        #expect(yaml.contains("- {protocol: icmpv6, from: {ipv6Cidr: \"::/0\"}}"))                      // IpProtocol "58", -1/-1
        #expect(yaml.contains("- {protocol: icmp, icmpType: 3, icmpCode: 4, from: {cidr: 0.0.0.0/0}}"))
        #expect(yaml.contains("- {protocol: tcp, ports: 443, from: {ipv6Cidr: \"::/0\"}}"))
        let o = Scratch()
        let loaded = TopologyLoader(catalog: .builtin).load(path: o.write("out.yaml", yaml))
        #expect(loaded.validTopology != nil && !loaded.diagnostics.contains { $0.severity != .note }, "\(loaded.diagnostics.map(\.formatted))")
        #expect(run(Self.account).0.yaml == yaml)
    }

    /// A public endpoint restricted to IPv6 ranges only must not be written open to every IPv4
    /// client: the ranges netsim cannot hold are reported, and with none left it is closed.
    @Test func publicAccessCidrsThatAreNotIPv4AreReportedNeverWidened() throws {
        var files = Self.account
        files["eks-describe-cluster.json"] = #"{"cluster": {"name": "shop", "arn": "arn:aws:eks:us-east-1:111122223333:cluster/shop", "version": "1.31", "resourcesVpcConfig": {"vpcId": "vpc-0a1000001", "subnetIds": ["subnet-0a2000002", "subnet-0a3000003"], "clusterSecurityGroupId": "sg-0a1000001", "endpointPublicAccess": true, "endpointPrivateAccess": true, "publicAccessCidrs": ["2001:db8::/48"]}, "kubernetesNetworkConfig": {"serviceIpv4Cidr": "172.20.0.0/16", "ipFamily": "ipv4"}}}"#
        let (r, _) = run(files)
        let yaml = try #require(r.yaml, "\(r.diagnostics.map(\.formatted))")
        #expect(yaml.contains("publicAccess: false"), "\(yaml)")
        #expect(!yaml.contains("2001:db8::/48"))
        #expect(r.diagnostics.contains { $0.code == .importNotImported && $0.message.contains("2001:db8::/48") })
        #expect(r.notImported.contains { $0.kind == "publicAccessCidrs entry" })
    }

    /// An interface holds one address per family in the format: its secondary addresses and
    /// delegated prefixes are listed as not imported, never dropped silently.
    @Test func secondaryAddressesAndPrefixesOfAnInterfaceAreListed() throws {
        var files = Self.account
        files["ec2-describe-network-interfaces.json"] = #"{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-0a1000001", "SubnetId": "subnet-0a2000002", "VpcId": "vpc-0a1000001", "AvailabilityZone": "us-east-1a", "InterfaceType": "interface", "PrivateIpAddress": "10.0.1.10", "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.1.10"}, {"Primary": false, "PrivateIpAddress": "10.0.1.11"}, {"Primary": false, "PrivateIpAddress": "10.0.1.12"}], "Ipv4Prefixes": [{"Ipv4Prefix": "10.0.1.32/28"}], "Groups": [{"GroupId": "sg-0a2000002"}], "SourceDestCheck": false, "Status": "in-use", "OwnerId": "111122223333"}]}"#
        let (r, _) = run(files)
        let listed = r.notImported.filter { $0.kind == "network interface addresses" }
        #expect(listed.contains { $0.id == "eni-0a1000001" && $0.why.contains("2 secondary private IPv4 addresses") && $0.why.contains("1 delegated prefix") }, "\(r.notImported)")
    }
}
