import Foundation
import NetsimTestSupport
import Testing

/// Fargate profiles through the command line: bad input exits 2 with a located, coded
/// diagnostic; `capacity` lists the profiles; `trace` from a Fargate node names its pod.
@Suite("Fargate: command line")
struct FargateCLITests {
    @Test func aPublicSubnetInAProfileExits2AtTheSubnet() throws {
        let path = Repo.root.appendingPathComponent("Topologies/fargate-mixed.yaml")
        var text = try String(contentsOf: path, encoding: .utf8)
        #expect(text.contains("subnets: [fargate-a, fargate-b]"))
        text = text.replacingOccurrences(of: "      subnets: [fargate-a, fargate-b]\n      selectors:\n        - {namespace: batch}",
                                         with: "      subnets: [fargate-a, public-b]\n      selectors:\n        - {namespace: batch}")
        let line = try #require(text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("[fargate-a, public-b]") }) + 1
        let r = try Netsim.run(["check", "-"], stdin: Data(text.utf8), cwd: Repo.root.appendingPathComponent("Topologies"))
        #expect(r.status == 2, "\(r.out)\(r.err)")
        #expect(r.out.contains("<stdin>:\(line):28: error[NS1341]: Fargate profile 'batch': subnet 'public-b' is public"), "\(r.out)")
        #expect(r.out.contains("hint: use a private subnet"))
    }

    @Test func hostileProfileValuesExit2WithoutCrashing() throws {
        let path = Repo.root.appendingPathComponent("Topologies/fargate-mixed.yaml")
        let text = try String(contentsOf: path, encoding: .utf8)
        let huge = String(repeating: "p", count: 1 << 20)
        for (bad, code) in [("name: \(huge)", "NS1343"), ("name: 9223372036854775807", ""), ("name: -1", "NS1343"), ("name: \"\"", "NS1343")] {
            let edited = text.replacingOccurrences(of: "    - name: batch\n", with: "    - \(bad)\n")
            let r = try Netsim.run(["check", "-"], stdin: Data(edited.utf8), cwd: Repo.root.appendingPathComponent("Topologies"), timeout: 120)
            if code.isEmpty {
                // A number is a name as written: valid, and the profile is used.
                #expect(r.status == 0, "\(r.out.prefix(400))")
            } else {
                #expect(r.status == 2 && r.out.contains("error[\(code)]"), "\(r.out.prefix(400))")
                #expect(r.out.utf8.count < 20_000, "a megabyte value is clipped")
            }
        }
    }

    @Test func capacityAndTraceShowFargate() throws {
        let cap = try Netsim.run(["capacity", "Topologies/fargate-mixed.yaml"])
        #expect(cap.status == 0)
        #expect(cap.out.contains("FARGATE PROFILE  SUBNETS"))
        #expect(cap.out.contains("orders           fargate-a,fargate-b     3        0"))
        let json = try Netsim.run(["capacity", "Topologies/fargate-mixed.yaml", "--format", "json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        let profiles = try #require(doc["fargateProfiles"] as? [[String: Any]])
        #expect(profiles.map { $0["name"] as? String } == ["orders", "batch"])
        // describe node: the micro-VM's one ENI and one pod.
        let trace = try Netsim.run(["trace", "Topologies/fargate-mixed.yaml", "--from", "deployment:shop/orders-api", "--to", "internet", "--port", "443"])
        let node = try #require(trace.out.split(separator: " ").first { $0.hasPrefix("fargate-ip-") }.map(String.init))
        let d = try Netsim.run(["describe", "Topologies/fargate-mixed.yaml", "node:\(node)"])
        #expect(d.status == 0, "\(d.out)\(d.err)")
        #expect(d.out.contains("node group fargate-profile:orders") && d.out.contains("kind: Fargate pod ENI") && d.out.contains("pods (1):"))
        // netsim node: no datapath there, and it says where to look.
        let nodeCmd = try Netsim.run(["node", "Topologies/fargate-mixed.yaml", node])
        #expect(nodeCmd.status == 2 && nodeCmd.err.contains("is the Fargate micro-VM of pod shop/orders-api-"), "\(nodeCmd.err)")
        let quick = try Netsim.run(["capacity", "Topologies/quickstart.yaml", "--format", "json"])
        #expect(!quick.out.contains("fargate"), "nothing of Fargate without profiles")
    }
}
