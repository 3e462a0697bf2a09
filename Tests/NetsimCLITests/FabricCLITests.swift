import Foundation
import NetsimTestSupport
import XCTest

/// `--set`, endpoint aliases and `describe`, run as a user runs them.
final class FabricCLITests: XCTestCase {
    func netsim(_ args: [String]) throws -> ProcessResult { try Netsim.run(args) }

    // MARK: --set

    /// `--set` changes what aws-node does for the run: with external SNAT on, the node no longer
    /// SNATs a pod's internet flow (the NAT gateway does), exactly as if the file said so.
    func testSetChangesTraceCapacitySimulateAndNode() throws {
        let flow = ["trace", "Topologies/quickstart.yaml", "--from", "deployment:shop/cart", "--to", "internet", "--port", "443"]
        let plain = try netsim(flow)
        XCTAssertEqual(plain.status, 0, plain.err)
        XCTAssertTrue(plain.out.contains("AWS-SNAT-CHAIN-0"), plain.out)
        let set = try netsim(flow + ["--set", "AWS_VPC_K8S_CNI_EXTERNALSNAT=true"])
        XCTAssertEqual(set.status, 0, set.err)
        XCTAssertFalse(set.out.contains("AWS-SNAT-CHAIN-0"), set.out)

        let cap = try netsim(["capacity", "Topologies/quickstart.yaml", "--format", "json"])
        let capSet = try netsim(["capacity", "Topologies/quickstart.yaml", "--format", "json", "--set", "WARM_IP_TARGET=5", "--set", "MINIMUM_IP_TARGET=10"])
        XCTAssertEqual(cap.status, 0, cap.err); XCTAssertEqual(capSet.status, 0, capSet.err)
        XCTAssertNotEqual(cap.out, capSet.out, "WARM_IP_TARGET/MINIMUM_IP_TARGET change the warm pool")

        let node = try netsim(["node", "Topologies/quickstart.yaml"])
        let first = try XCTUnwrap(node.out.split(separator: "\n").first.map(String.init))
        let rules = try netsim(["node", "Topologies/quickstart.yaml", first, "--show", "iptables"])
        let rulesSet = try netsim(["node", "Topologies/quickstart.yaml", first, "--show", "iptables", "--set", "AWS_VPC_K8S_CNI_EXTERNALSNAT=true"])
        XCTAssertTrue(rules.out.contains("AWS-SNAT-CHAIN-0 ! -o vlan+"), rules.out)
        XCTAssertFalse(rulesSet.out.contains("AWS-SNAT-CHAIN-0 ! -o vlan+"), rulesSet.out)

        let sim = try netsim(["simulate", "Topologies/quickstart.yaml", "--duration", "5m", "--format", "json", "--set", "WARM_IP_TARGET=5"])
        XCTAssertNotEqual(sim.status, 2, sim.err)
        XCTAssertTrue(sim.out.contains("\"WARM_IP_TARGET=5\""), sim.out)
        let check = try netsim(["check", "Topologies/quickstart.yaml", "--set", "WARM_IP_TARGET=5"])
        XCTAssertEqual(check.status, 0, check.out + check.err)
    }

    /// Unknown keys and bad values are located at the argument, with a code and a fix, exit 2.
    func testSetErrorsAreLocatedAtTheArgument() throws {
        let base = ["trace", "Topologies/quickstart.yaml", "--from", "deployment:shop/cart", "--to", "internet", "--port", "443"]
        let typo = try netsim(base + ["--set", "WARM_IP_TARGET=5", "--set", "AWS_VPC_K8S_CNI_EXTERNALSNT=true"])
        XCTAssertEqual(typo.status, 2)
        XCTAssertTrue(typo.err.contains("--set #2:1:1: error[NS0803]"), typo.err)
        XCTAssertTrue(typo.err.contains("did you mean 'AWS_VPC_K8S_CNI_EXTERNALSNAT'"), typo.err)
        XCTAssertEqual(typo.out, "")

        let bad = try netsim(["check", "Topologies/quickstart.yaml", "--set", "WARM_IP_TARGET=five"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.out.contains("--set #1:1:1: error[NS0804]: WARM_IP_TARGET='five' is not a whole number"), bad.out)

        let refused = try netsim(["node", "Topologies/quickstart.yaml", "--set", "AWS_VPC_K8S_CNI_VETHPREFIX=toolong"])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.err.contains("--set #1:1:1: error[NS0804]"), refused.err)

        for (arg, expect) in [("novalue", "is not KEY=VALUE"), ("=5", "no setting name"), ("general/WARM_IP_TARGET=5", "drop 'general/'"),
                              (String(repeating: "K", count: 100_000) + "=1", "not an environment variable name"), ("WARM IP=1", "NS0830")] {
            let r = try netsim(["capacity", "Topologies/quickstart.yaml", "--set", arg])
            XCTAssertEqual(r.status, 2, String(arg.prefix(40)))
            XCTAssertTrue(r.err.contains(expect) && r.err.contains("--set #1"), String(r.err.prefix(400)))
            XCTAssertLessThan(r.err.utf8.count, 4096, "a huge argument is not echoed whole")
        }
        let noCluster = try netsim(["check", "Tests/NetsimFlowTests/Fixtures/fabric-lab.yaml", "--set", "WARM_IP_TARGET=5"])
        XCTAssertEqual(noCluster.status, 2)
        XCTAssertTrue(noCluster.out.contains("error[NS0830]") && noCluster.out.contains("has no cluster"), noCluster.out)
    }

    // MARK: describe

    func testDescribeTextJSONAndErrors() throws {
        let text = try netsim(["describe", "Topologies/quickstart.yaml", "service:shop/frontend"])
        XCTAssertEqual(text.status, 0, text.err)
        XCTAssertTrue(text.out.hasPrefix("NLB k8s-shop-frontend-"), text.out)
        XCTAssertTrue(text.out.contains("us-east-1a") && text.out.contains("us-east-1b"), text.out)
        let json = try netsim(["describe", "Topologies/quickstart.yaml", "lb:shop/frontend", "--format", "json"])
        XCTAssertEqual(json.status, 0, json.err)
        let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        XCTAssertEqual(obj["schemaVersion"] as? Int, 1)
        let addresses = try XCTUnwrap((obj["loadBalancer"] as? [String: Any])?["addresses"] as? [[String: Any]])
        XCTAssertEqual(addresses.count, 2)
        // Each zone's address traces to that zone's node of the NLB.
        for a in addresses {
            let ip = try XCTUnwrap(a["publicIp"] as? String), zone = try XCTUnwrap(a["zone"] as? String)
            let t = try netsim(["trace", "Topologies/quickstart.yaml", "--from", "internet", "--to", "ip:\(ip)", "--port", "80"])
            XCTAssertTrue(t.out.contains("in \(zone))"), t.out + t.err)
        }
        for bad in ["node:nope", "pod:shop/frontend", "deployment:shop/cart", "nonsense"] {
            let r = try netsim(["describe", "Topologies/quickstart.yaml", bad])
            XCTAssertEqual(r.status, 2, bad)
            XCTAssertTrue(r.err.contains("error[NS0901]"), r.err)
            XCTAssertEqual(r.out, "")
        }
        let help = try netsim(["--help"])
        XCTAssertTrue(help.out.contains("describe"), help.out)
    }

    // MARK: docs

    /// The docs stand alone and say what the program does: the --help sample is the real one,
    /// no link leads to files users do not have, the NS0904 example is what check prints.
    func testDocsMatchTheProgram() throws {
        let root = Repo.root
        func read(_ p: String) throws -> String { try String(contentsOf: root.appendingPathComponent(p), encoding: .utf8) }
        let cli = try read("Docs/cli.md")
        let help = try netsim(["--help"]).out
        let start = try XCTUnwrap(cli.range(of: "$ netsim --help\n"))
        let end = try XCTUnwrap(cli.range(of: "\n```", range: start.upperBound..<cli.endIndex))
        XCTAssertEqual(String(cli[start.upperBound..<end.lowerBound]) + "\n", help)

        let docs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Docs").path)
            .filter { $0.hasSuffix(".md") }.map { "Docs/" + $0 } + ["README.md", "Benchmarks/README.md"]
        for d in docs {
            let text = try read(d)
            for stale in ["DESIGN.md", "shared/reference", "reference notes", "aws-vpc-semantics.md", "vpc-cni-ipam.md",
                          "not yet modelled), or", "load balancer, which netsim does not model yet", "come with later engines"] {
                XCTAssertFalse(text.contains(stale), "\(d) mentions \(stale)")
            }
        }
        XCTAssertFalse(try netsim(["trace", "--help"]).out.contains("comes later"))
        XCTAssertTrue(try read("README.md").contains("Not modelled yet"))

        let diag = try read("Docs/diagnostics.md")
        let section = try XCTUnwrap(diag.range(of: "### NS0904 intent-not-evaluated"))
        let example = diag[section.upperBound...].prefix(3000)
        let lines = example.split(separator: "\n").filter { $0.hasPrefix("mt.yaml:") }.map(String.init)
        XCTAssertFalse(lines.isEmpty)
        let (_, mtDir) = try MultiTenantCopy.make(enforcer: nil)
        defer { Scratch.remove(mtDir) }
        let check = try Netsim.run(["check", "mt.yaml"], cwd: mtDir).out
        for l in lines { XCTAssertTrue(check.contains(l), l) }
    }
}
