import Foundation
import NetsimTestSupport
import XCTest

/// `netsim node FILE NODE --show policy [--pod NS/NAME] [--format json]`, run as a user runs it.
final class NodePolicyCLITests: XCTestCase {
    static let file = "Topologies/multi-tenant-network-policies.yaml"
    func netsim(_ args: [String]) throws -> ProcessResult { try Netsim.run(args, timeout: 120) }

    /// The node that runs the acme api pod, and that pod ("namespace/name"), from `--show pods`.
    func apiNode() throws -> (node: String, pod: String) {
        let nodes = try netsim(["node", Self.file]).out.split(separator: "\n").map(String.init)
        for node in nodes {
            let pods = try netsim(["node", Self.file, node, "--show", "policy"]).out
            if let line = pods.split(separator: "\n").first(where: { $0.hasPrefix("pod tenant-acme/api-") }) {
                return (node, String(line.split(separator: " ")[1]))
            }
        }
        throw XCTSkip("no node runs tenant-acme/api")
    }

    /// Real entries: the api policy's ipBlock 0.0.0.0/0 (TCP 443) and its except ranges, a
    /// postgres pod's /32, the node's own address, and a rule location that is a line of the
    /// policy file naming the ipBlock.
    func testShowPolicyPrintsTheAgentsEntries() throws {
        let (node, pod) = try apiNode()
        let r = try netsim(["node", Self.file, node, "--show", "policy", "--pod", pod])
        XCTAssertEqual(r.status, 0, r.err)
        let out = r.out
        XCTAssertTrue(out.contains("VPC CNI network policy agent"), out)
        XCTAssertTrue(out.contains("pod \(pod) "), out)
        XCTAssertEqual(out.components(separatedBy: "\npod ").count, 2, "only the one pod: \(out)")
        XCTAssertTrue(out.contains("state policies applied"), out)
        XCTAssertTrue(out.contains("policies tenant-acme/default-deny-all ("), out)
        XCTAssertNotNil(out.range(of: #"\n    0\.0\.0\.0/0 +allow  \[TCP/443\]\n"#, options: .regularExpression), out)
        XCTAssertNotNil(out.range(of: #"\n    10\.0\.0\.0/8 +except-deny  \[DENY\]\n"#, options: .regularExpression), out)
        XCTAssertNotNil(out.range(of: #"\n    10\.90\.\d+\.\d+/32 +allow  \[TCP/5432\]\n"#, options: .regularExpression), out)
        let nodeIP = try XCTUnwrap(node.split(separator: ".").first).dropFirst(3).replacingOccurrences(of: "-", with: ".")
        XCTAssertNotNil(out.range(of: "\n    \(nodeIP)/32 +node-ip  \\[ANY\\]\n", options: .regularExpression), out)
        // TCP/443: tenant-acme/api egress rule 2 peer 1, ipBlock, FILE:LINE:COL (counted from 1)
        let m = try XCTUnwrap(out.range(of: #"TCP/443: tenant-acme/api egress rule 2 peer 1, ipBlock, [^ ;]+:\d+:\d+"#, options: .regularExpression), out)
        let loc = out[m].split(separator: " ").last.map(String.init) ?? ""
        let parts = loc.split(separator: ":")
        XCTAssertEqual(parts.count, 3, loc)
        let lines = try String(contentsOf: Repo.root.appendingPathComponent(String(parts[0])), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        let n = try XCTUnwrap(Int(parts[1]))
        XCTAssertTrue(n >= 1 && n <= lines.count && lines[n - 1].contains("ipBlock"), "\(loc): \(n <= lines.count ? String(lines[n - 1]) : "past the end")")
    }

    /// JSON: schemaVersion 1, the node, the pod, its entries with kinds and sources.
    func testShowPolicyJSON() throws {
        let (node, pod) = try apiNode()
        let r = try netsim(["node", Self.file, node, "--show", "policy", "--pod", pod, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.err)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        XCTAssertEqual(json["schemaVersion"] as? Int, 1)
        XCTAssertEqual(json["node"] as? String, node)
        XCTAssertEqual(json["enforcer"] as? String, "vpc-cni")
        let pods = try XCTUnwrap(json["pods"] as? [[String: Any]])
        XCTAssertEqual(pods.map { $0["name"] as? String }, [pod])
        let egress = try XCTUnwrap((pods[0]["egress"] as? [String: Any])?["entries"] as? [[String: Any]])
        let any = try XCTUnwrap(egress.first { $0["cidr"] as? String == "0.0.0.0/0" })
        XCTAssertEqual(any["kind"] as? String, "allow")
        let slot = try XCTUnwrap((any["slots"] as? [[String: Any]])?.first)
        XCTAssertEqual(slot["protocol"] as? String, "TCP"); XCTAssertEqual(slot["port"] as? Int, 443)
        let source = try XCTUnwrap((slot["sources"] as? [[String: Any]])?.first)
        XCTAssertEqual(source["policy"] as? String, "tenant-acme/api"); XCTAssertEqual(source["rule"] as? Int, 1)
        XCTAssertEqual(source["peerKind"] as? String, "ipBlock")
    }

    /// `--show all` carries the policy section when the cluster has policies, and not otherwise.
    func testShowAllIncludesPolicyWhenTheClusterHasPolicies() throws {
        let (node, _) = try apiNode()
        let all = try netsim(["node", Self.file, node])
        XCTAssertEqual(all.status, 0, all.err)
        XCTAssertTrue(all.out.contains("\n# NetworkPolicy\n") && all.out.contains("except-deny"), String(all.out.suffix(3000)))
        let q = "Topologies/quickstart.yaml"
        let first = try XCTUnwrap(try netsim(["node", q]).out.split(separator: "\n").first.map(String.init))
        let plain = try netsim(["node", q, first])
        XCTAssertEqual(plain.status, 0, plain.err)
        XCTAssertFalse(plain.out.contains("# NetworkPolicy"), plain.out)
    }

    /// Hostile `--pod`: empty, a long string (the most one argument can hold on Linux), unknown
    /// (a suggestion), malformed: exit 2, one clear line, bounded echo; misuse is a usage error.
    func testPodMistakes() throws {
        let (node, pod) = try apiNode()
        let base = ["node", Self.file, node, "--show", "policy", "--pod"]
        let empty = try netsim(base + [""])
        XCTAssertEqual(empty.status, 2, empty.out)
        XCTAssertTrue(empty.err.contains("error[NS0901]: --pod is empty"), empty.err)
        XCTAssertEqual(empty.out, "")

        for long in ["tenant-acme/" + String(repeating: "x", count: 100_000), String(repeating: "y", count: 100_000)] {
            let r = try netsim(base + [long])
            XCTAssertEqual(r.status, 2, String(r.err.prefix(500)))
            XCTAssertTrue(r.err.contains("error[NS0901]"), String(r.err.prefix(500)))
            XCTAssertLessThan(r.err.utf8.count, 2_000, "the value is not echoed whole")
            XCTAssertEqual(r.out, "")
        }

        let typo = try netsim(base + [pod.replacingOccurrences(of: "api-", with: "apu-")])
        XCTAssertEqual(typo.status, 2)
        XCTAssertTrue(typo.err.contains("no pod tenant-acme/apu-") && typo.err.contains("did you mean '\(pod)'"), typo.err)

        let unknown = try netsim(base + ["nowhere/nothing"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.err.contains("no pod nowhere/nothing on node \(node)"), unknown.err)

        let elsewhere = try netsim(base + ["tenant-acme/postgres-0"])
        if elsewhere.status != 0 {
            XCTAssertEqual(elsewhere.status, 2)
            XCTAssertTrue(elsewhere.err.contains("runs on node"), elsewhere.err)
        }

        for misuse in [["node", Self.file, node, "--pod", pod], ["node", Self.file, node, "--show", "rules", "--format", "json"],
                       ["node", Self.file, "--show", "policy", "--pod", pod]] {
            let r = try netsim(misuse)
            XCTAssertEqual(r.status, 64, "\(misuse): \(r.err)")
        }
    }
}
