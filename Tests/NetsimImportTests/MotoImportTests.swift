import Foundation
import NetsimIPAM
import NetsimImport
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

/// A real EC2 API: moto in server mode on a free loopback port, driven by the real AWS CLI
/// (Tests/Import/moto_account.py starts and stops it, builds the account, deploys an EKS-style
/// VPC through CloudFormation and collects it with the script `--print-commands` prints). The
/// topology netsim writes is then checked and traced, and its model exported back.
@Suite(.serialized) struct MotoImportTests {
    init() { Repo.enterRoot() }

    static var toolsMissing: String? {
        for tool in ["moto_server", "aws", "python3"] where Subprocess.which(tool) == nil {
            return "\(tool) is not installed (make deps installs moto[server] and awscli with pip)"
        }
        return nil
    }

    /// One collection per test run (it takes minutes: every AWS CLI call starts Python).
    nonisolated(unsafe) static var collected: (dir: URL, ids: [String: Any])?

    static func collect() throws -> (dir: URL, ids: [String: Any]) {
        if let c = collected { return c }
        let dir = try Scratch.makeDirectory(prefix: "netsim-moto")
        let r = try Subprocess.launch("/usr/bin/env", ["python3", Repo.path("Tests/Import/moto_account.py"), Netsim.binary.path, dir.path], timeout: 1500)
        guard r.status == 0, let line = r.out.split(separator: "\n").last,
              let ids = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw DriverFailure(message: "moto driver failed (\(r.status)): \(r.err.suffix(2000))")
        }
        collected = (dir, ids)
        return (dir, ids)
    }

    struct DriverFailure: Error, CustomStringConvertible { var message: String; var description: String { message } }

    @Test(.enabled(if: toolsMissing == nil, "moto_server or the AWS CLI is not installed (make deps installs them)"))
    func importOfARealAPIChecksTracesAndRoundTrips() throws {
        let (dir, ids) = try Self.collect()
        let subnets = try #require(ids["subnets"] as? [String: String])
        let groups = try #require(ids["securityGroups"] as? [String: String])
        let s = Scratch()
        let topo = s.path("imported.yaml"), report = s.path("report.txt")
        let r = try Netsim.run(["import", "aws", dir.path, "-o", topo, "--report", report])
        #expect(r.status == 0, "\(r.err)")
        let yaml = try String(contentsOfFile: topo, encoding: .utf8)
        // Original ids and Name tags, a comment naming each resource's source.
        #expect(yaml.contains("# \(ids["vpc"] as? String ?? "?") from ec2-describe-vpcs.json"))
        #expect(yaml.contains("{name: db-a, id: \(subnets["db-a"] ?? "?"), zone: us-east-1a, cidr: 10.0.96.0/24, routeTable: private, networkAcl: db}"))
        #expect(yaml.contains("id: \(groups["db"] ?? "?")"))
        #expect(yaml.contains("- {protocol: tcp, ports: 5432, from: {securityGroup: nodes}}"))
        #expect(yaml.contains("egress: []"))                                       // the revoked default egress
        #expect(yaml.contains("{rule: 200, protocol: all, cidr: 0.0.0.0/0, action: deny}"))
        #expect(yaml.contains("{name: firewall, id: \(ids["eni"] as? String ?? "?"), subnet: inspection-a, privateIp: 10.0.200.10, securityGroups: [nodes], sourceDestCheck: false}"))
        #expect(yaml.contains("{destination: 10.99.0.0/16, target: firewall}"))
        #expect(yaml.contains("{name: prod-to-shared, id: \(ids["pcx"] as? String ?? "?"), requesterVpc: prod, accepterVpc: shared}"))
        #expect(yaml.contains("name: eks-vpc"))                                    // the CloudFormation stack's VPC
        #expect(yaml.contains("{name: eks-private-02,"))
        #expect(yaml.contains("service: sts, subnets: [private-a, private-b]"))
        #expect(yaml.contains("- {name: orders-db, address: 10.0.96.10, subnet: db-a, securityGroups: [db]"))
        #expect(yaml.contains("- {name: general, instanceType: m5.large, count: 2, subnets: [private-a, private-b]}"))
        #expect(!yaml.contains("aws:cloudformation"))                              // AWS's own tags are not written
        // The report lists what was not imported, with ids.
        let rep = try String(contentsOfFile: report, encoding: .utf8)
        #expect(rep.contains("not imported [NS1508]"))
        #expect(rep.contains("instance types"))

        // Deterministic: the same folder gives the same bytes.
        let again = try Netsim.run(["import", "aws", dir.path])
        #expect(again.out == yaml)

        // netsim check of the import is clean.
        let check = try Netsim.run(["check", topo])
        #expect(check.status == 0, "\(check.out)\(check.err)")
        #expect(check.out.contains("0 errors, 0 warnings"), "\(check.out)")

        // Traces: nodes reach the database on 5432 (its group admits private-a and private-b);
        // the internet does not; a node reaches the peer VPC's subnet through the peering.
        let ok = try Netsim.run(["trace", topo, "--from", "nodegroup:general", "--to", "external:orders-db", "--port", "5432"])
        #expect(ok.status == 0, "\(ok.out)")
        let denied = try Netsim.run(["trace", topo, "--from", "internet", "--to", "external:orders-db", "--port", "5432"])
        #expect(denied.status == 1)
        #expect(denied.out.contains("SUBNET_ACL_RESTRICTION") && denied.out.contains("rule 200"))

        // Round trip: the model exported as describe JSON equals the input on what netsim models.
        var loader = TopologyLoader(catalog: .builtin)
        loader.cniOverrides = []
        let loaded = loader.load(path: topo)
        let model = try #require(loaded.validTopology)
        var exported: [String: JSONObject] = [:]
        for (name, text) in AWSExport.describe(model) {
            guard case .success(let v) = JSONReader.parse(Array(text.utf8)), let o = v.object else { Issue.record("export \(name) is not JSON"); continue }
            exported[name] = o
        }
        var input: [String: JSONObject] = [:]
        for name in exported.keys {
            let data = try Data(contentsOf: dir.appendingPathComponent(name))
            guard case .success(let v) = JSONReader.parse([UInt8](data)), let o = v.object else { Issue.record("\(name) is not JSON"); continue }
            input[name] = o
        }
        // netsim adds a `default` group to each VPC whose own default group has another name
        // (names are unique across the topology, so only the main VPC's is `default`): those
        // groups are netsim's, not the account's, and are left out of the comparison.
        let inputGroups = Set((input["ec2-describe-security-groups.json"]?.objects("SecurityGroups") ?? []).compactMap { $0.string("GroupId") })
        let a = AWSExport.projection(input)
        let b = AWSExport.projection(exported).filter { line in
            let parts = line.split(separator: " ")
            return !(parts.first == "security-group" && parts.count > 1 && !inputGroups.contains(String(parts[1])))
        }
        #expect(!a.isEmpty)
        let onlyIn = Set(a).subtracting(b).sorted(), onlyOut = Set(b).subtracting(a).sorted()
        #expect(onlyIn.isEmpty && onlyOut.isEmpty, "only in the input: \(onlyIn.prefix(10)); only in the export: \(onlyOut.prefix(10))")
    }

    @Test(.enabled(if: toolsMissing == nil, "moto_server or the AWS CLI is not installed (make deps installs them)"))
    func diffLiveFindsDriftLocatedInTheCheckedInFile() throws {
        let (dir, _) = try Self.collect()
        let s = Scratch()
        let topo = s.path("checked-in.yaml")
        #expect(try Netsim.run(["import", "aws", dir.path, "-o", topo]).status == 0)
        let same = try Netsim.run(["diff-live", topo, dir.path])
        #expect(same.status == 0, "\(same.out)")
        #expect(same.out.contains("no drift"))
        // Edit the checked-in file as a person would: open a port and drop a route.
        var text = try String(contentsOfFile: topo, encoding: .utf8)
        text = text.replacingOccurrences(of: "{protocol: tcp, ports: 5432, from: {securityGroup: nodes}}", with: "{protocol: tcp, ports: 5433, from: {securityGroup: nodes}}")
        text = text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0.trimmingCharacters(in: .whitespaces) != "- {destination: 10.99.0.0/16, target: firewall}" }.joined(separator: "\n")
        try text.write(toFile: topo, atomically: true, encoding: .utf8)
        let drift = try Netsim.run(["diff-live", topo, dir.path])
        #expect(drift.status == 1)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let portLine = (lines.firstIndex { $0.contains("ports: 5433") } ?? -1) + 1
        #expect(drift.out.contains("\(topo):\(portLine):"), "\(drift.out)")
        #expect(drift.out.contains("drift[NS1511]"))
        #expect(drift.out.contains("10.99.0.0/16"))
        #expect(drift.out.contains("2 differences") || drift.out.contains("3 differences"), "\(drift.out)")
    }
}
