import Foundation
import NetsimImport

// netsim-bench import-aws [--instances N] [--enis E] [--security-groups S] [--route-tables R] [--keep DIR]
//
// Writes a folder of AWS CLI outputs (deterministic: the same numbers give the same bytes) with
// N instances, E network interfaces (each instance's primary and secondaries), S security groups
// and R route tables in one VPC of 16 subnets, then times `netsim import aws` of it in this
// process (best of 5) beside an anchor: Python's json.load of the same files, in the same run.
func importAWSBench(_ args: [String]) {
    var instances = 1000, enis = 4000, groups = 300, tables = 100
    var keep: String? = nil
    var i = 2
    while i + 1 < args.count {
        switch args[i] {
        case "--instances": instances = Int(args[i + 1]) ?? instances
        case "--enis": enis = Int(args[i + 1]) ?? enis
        case "--security-groups": groups = Int(args[i + 1]) ?? groups
        case "--route-tables": tables = Int(args[i + 1]) ?? tables
        case "--keep": keep = args[i + 1]
        default: break
        }
        i += 2
    }
    enis = max(enis, instances)
    let dir = keep ?? (NSTemporaryDirectory() + "netsim-import-bench-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let files = ImportAWSFixture.make(instances: instances, enis: enis, groups: groups, tables: tables)
    var bytes = 0
    for (name, text) in files {
        bytes += text.utf8.count
        FileManager.default.createFile(atPath: dir + "/" + name, contents: Data(text.utf8))
    }
    var best = Double.infinity
    var result: AWSImportResult?
    for _ in 0..<5 {
        let t = seconds { result = AWSImport.run(folder: dir) }
        best = min(best, t)
    }
    // The anchor: parsing the same files with Python's json module, in this run.
    let py = Process()
    py.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    py.arguments = ["python3", "-c", "import json,glob,sys,time\nfs=sorted(glob.glob(sys.argv[1]+'/*.json'))\nb=9e9\nfor _ in range(5):\n t=time.perf_counter()\n for f in fs: json.load(open(f))\n b=min(b,time.perf_counter()-t)\nprint(b)", dir]
    let pipe = Pipe()
    py.standardOutput = pipe
    var anchor = -1.0
    if (try? py.run()) != nil {
        py.waitUntilExit()
        anchor = Double(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
    if keep == nil { try? FileManager.default.removeItem(atPath: dir) }
    let r = result
    let lines = r?.yaml?.split(separator: "\n").count ?? 0
    print("{\"bench\": \"import-aws\", \"instances\": \(instances), \"enis\": \(enis), \"securityGroups\": \(groups), \"routeTables\": \(tables), "
          + "\"files\": \(files.count), \"bytes\": \(bytes), \"importSeconds\": \(String(format: "%.4f", best)), "
          + "\"pythonJsonLoadSeconds\": \(String(format: "%.4f", anchor)), \"topologyLines\": \(lines), \"errors\": \(r?.hasErrors ?? true)}")
}

/// A deterministic account of the given size, as AWS CLI outputs.
enum ImportAWSFixture {
    static func make(instances: Int, enis: Int, groups: Int, tables: Int) -> [String: String] {
        let vpc = "vpc-0a000000000000001"
        func id(_ prefix: String, _ n: Int) -> String { prefix + "-" + String(format: "%017x", 0x0b00000000000000 + n) }
        func tags(_ name: String) -> String { "[{\"Key\": \"Name\", \"Value\": \"\(name)\"}]" }
        var out: [String: String] = [:]
        out["ec2-describe-vpcs.json"] = "{\"Vpcs\": [{\"VpcId\": \"\(vpc)\", \"OwnerId\": \"111122223333\", \"CidrBlock\": \"10.0.0.0/16\", \"CidrBlockAssociationSet\": [{\"CidrBlock\": \"10.0.0.0/16\", \"CidrBlockState\": {\"State\": \"associated\"}}], \"Tags\": \(tags("bench"))}]}\n"
        var subnets: [String] = []
        for s in 0..<16 {
            subnets.append("{\"SubnetId\": \"\(id("subnet", s))\", \"VpcId\": \"\(vpc)\", \"CidrBlock\": \"10.0.\(s * 16).0/20\", \"AvailabilityZone\": \"us-east-1\(["a", "b", "c"][s % 3])\", \"OwnerId\": \"111122223333\", \"Tags\": \(tags("subnet-\(s)"))}")
        }
        out["ec2-describe-subnets.json"] = "{\"Subnets\": [\n" + subnets.joined(separator: ",\n") + "]}\n"
        out["ec2-describe-internet-gateways.json"] = "{\"InternetGateways\": [{\"InternetGatewayId\": \"\(id("igw", 1))\", \"Attachments\": [{\"VpcId\": \"\(vpc)\", \"State\": \"available\"}], \"Tags\": \(tags("igw"))}]}\n"
        var rts: [String] = []
        for t in 0..<tables {
            var assoc: [String] = []
            if t == 0 { assoc.append("{\"Main\": true, \"RouteTableId\": \"\(id("rtb", t))\"}") }
            if t > 0 && t <= 16 { assoc.append("{\"Main\": false, \"SubnetId\": \"\(id("subnet", t - 1))\", \"RouteTableId\": \"\(id("rtb", t))\"}") }
            var routes = ["{\"DestinationCidrBlock\": \"10.0.0.0/16\", \"GatewayId\": \"local\", \"State\": \"active\", \"Origin\": \"CreateRouteTable\"}",
                          "{\"DestinationCidrBlock\": \"0.0.0.0/0\", \"GatewayId\": \"\(id("igw", 1))\", \"State\": \"active\", \"Origin\": \"CreateRoute\"}"]
            for k in 0..<5 { routes.append("{\"DestinationCidrBlock\": \"172.\(16 + k).\(t % 256).0/24\", \"GatewayId\": \"\(id("igw", 1))\", \"State\": \"\(k == 4 ? "blackhole" : "active")\", \"Origin\": \"CreateRoute\"}") }
            rts.append("{\"RouteTableId\": \"\(id("rtb", t))\", \"VpcId\": \"\(vpc)\", \"Associations\": [\(assoc.joined(separator: ", "))], \"Routes\": [\(routes.joined(separator: ", "))], \"PropagatingVgws\": [], \"Tags\": \(tags("rt-\(t)"))}")
        }
        out["ec2-describe-route-tables.json"] = "{\"RouteTables\": [\n" + rts.joined(separator: ",\n") + "]}\n"
        var sgs: [String] = []
        for g in 0..<groups {
            var perms: [String] = []
            perms.append("{\"IpProtocol\": \"tcp\", \"FromPort\": 443, \"ToPort\": 443, \"IpRanges\": [{\"CidrIp\": \"10.0.0.0/16\", \"Description\": \"https\"}], \"Ipv6Ranges\": [], \"PrefixListIds\": [], \"UserIdGroupPairs\": []}")
            perms.append("{\"IpProtocol\": \"tcp\", \"FromPort\": \(8000 + g % 100), \"ToPort\": \(8000 + g % 100), \"IpRanges\": [], \"Ipv6Ranges\": [], \"PrefixListIds\": [], \"UserIdGroupPairs\": [{\"GroupId\": \"\(id("sg", (g + 1) % groups))\"}, {\"GroupId\": \"\(id("sg", (g + 7) % groups))\"}]}")
            perms.append("{\"IpProtocol\": \"-1\", \"IpRanges\": [], \"Ipv6Ranges\": [], \"PrefixListIds\": [], \"UserIdGroupPairs\": [{\"GroupId\": \"\(id("sg", g))\"}]}")
            perms.append("{\"IpProtocol\": \"icmp\", \"FromPort\": 3, \"ToPort\": 4, \"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}], \"Ipv6Ranges\": [], \"PrefixListIds\": [], \"UserIdGroupPairs\": []}")
            let egress = "{\"IpProtocol\": \"-1\", \"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}], \"Ipv6Ranges\": [], \"PrefixListIds\": [], \"UserIdGroupPairs\": []}"
            sgs.append("{\"GroupId\": \"\(id("sg", g))\", \"GroupName\": \"\(g == 0 ? "default" : "app-\(g)")\", \"Description\": \"group \(g)\", \"VpcId\": \"\(vpc)\", \"OwnerId\": \"111122223333\", \"IpPermissions\": [\(perms.joined(separator: ", "))], \"IpPermissionsEgress\": [\(egress)]}")
        }
        out["ec2-describe-security-groups.json"] = "{\"SecurityGroups\": [\n" + sgs.joined(separator: ",\n") + "]}\n"
        out["ec2-describe-network-acls.json"] = "{\"NetworkAcls\": [{\"NetworkAclId\": \"\(id("acl", 0))\", \"VpcId\": \"\(vpc)\", \"IsDefault\": true, \"Associations\": [], \"Entries\": [{\"RuleNumber\": 100, \"Protocol\": \"-1\", \"RuleAction\": \"allow\", \"Egress\": false, \"CidrBlock\": \"0.0.0.0/0\"}, {\"RuleNumber\": 100, \"Protocol\": \"-1\", \"RuleAction\": \"allow\", \"Egress\": true, \"CidrBlock\": \"0.0.0.0/0\"}, {\"RuleNumber\": 32767, \"Protocol\": \"-1\", \"RuleAction\": \"deny\", \"Egress\": false, \"CidrBlock\": \"0.0.0.0/0\"}]}]}\n"
        // ENIs: each instance has enis/instances of them (device 0 first); addresses 10.0.x.y from its subnet.
        let perInstance = max(1, enis / max(instances, 1))
        var eniItems: [String] = [], inst: [String] = []
        var n = 0
        for k in 0..<instances {
            let subnet = k % 16
            var nis: [String] = []
            var primaryIP = ""
            for d in 0..<perInstance {
                let host = 10 + (k / 16) * perInstance + d
                let ip = "10.0.\(subnet * 16 + host / 256).\(host % 256)"
                if d == 0 { primaryIP = ip }
                let eid = id("eni", n); n += 1
                let sg = id("sg", (k + d) % groups)
                eniItems.append("{\"NetworkInterfaceId\": \"\(eid)\", \"SubnetId\": \"\(id("subnet", subnet))\", \"VpcId\": \"\(vpc)\", \"AvailabilityZone\": \"us-east-1\(["a", "b", "c"][subnet % 3])\", \"InterfaceType\": \"interface\", \"Status\": \"in-use\", \"RequesterManaged\": false, \"SourceDestCheck\": true, \"Description\": \"\", \"PrivateIpAddress\": \"\(ip)\", \"PrivateIpAddresses\": [{\"Primary\": true, \"PrivateIpAddress\": \"\(ip)\"}], \"Groups\": [{\"GroupId\": \"\(sg)\", \"GroupName\": \"app\"}], \"Attachment\": {\"InstanceId\": \"\(id("i", k))\", \"DeviceIndex\": \(d), \"Status\": \"attached\"}, \"TagSet\": []}")
                nis.append("{\"NetworkInterfaceId\": \"\(eid)\", \"Attachment\": {\"DeviceIndex\": \(d)}, \"PrivateIpAddress\": \"\(ip)\", \"SourceDestCheck\": true}")
            }
            inst.append("{\"Instances\": [{\"InstanceId\": \"\(id("i", k))\", \"InstanceType\": \"m5.large\", \"State\": {\"Name\": \"running\"}, \"SubnetId\": \"\(id("subnet", subnet))\", \"VpcId\": \"\(vpc)\", \"PrivateIpAddress\": \"\(primaryIP)\", \"Placement\": {\"AvailabilityZone\": \"us-east-1\(["a", "b", "c"][subnet % 3])\"}, \"SourceDestCheck\": true, \"SecurityGroups\": [{\"GroupId\": \"\(id("sg", k % groups))\", \"GroupName\": \"app\"}], \"NetworkInterfaces\": [\(nis.joined(separator: ", "))], \"Tags\": \(tags("host-\(k)"))}], \"OwnerId\": \"111122223333\"}")
        }
        out["ec2-describe-network-interfaces.json"] = "{\"NetworkInterfaces\": [\n" + eniItems.joined(separator: ",\n") + "]}\n"
        out["ec2-describe-instances.json"] = "{\"Reservations\": [\n" + inst.joined(separator: ",\n") + "]}\n"
        return out
    }
}
