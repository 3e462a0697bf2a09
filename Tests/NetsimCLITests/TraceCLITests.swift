import Foundation
import NetsimTestSupport
import XCTest

/// `netsim trace` and `netsim check` with intents, as a user runs them.
final class TraceCLITests: XCTestCase {
    func run(_ args: [String]) throws -> ProcessResult { try Netsim.run(args) }
    let q = "Topologies/quickstart.yaml"

    func testDeliveredExitsZeroAndJSONHasTheSchema() throws {
        let r = try run(["trace", q, "--from", "deployment:shop/cart", "--to", "external:orders-db", "--port", "5432", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.err)
        let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        XCTAssertEqual(obj["schemaVersion"] as? Int, 2)
        XCTAssertEqual(obj["disposition"] as? String, "DELIVERED")
        XCTAssertGreaterThan((obj["hops"] as? [Any])?.count ?? 0, 2)
        XCTAssertEqual(obj["forwardDisposition"] as? String, "DELIVERED")
        XCTAssertNotNil(obj["reply"])
    }

    func testBlockedExitsOneAndExplains() throws {
        let r = try run(["trace", q, "--from", "internet", "--to", "deployment:shop/cart", "--port", "8080"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.out.contains("IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"), r.out)
        XCTAssertTrue(r.out.contains("ENI_SG_RULES_MISMATCH"), r.out)
        XCTAssertTrue(r.out.contains("Topologies/quickstart.yaml:"), "blocks name the line that decided")
    }

    func testBadInputExitsTwo() throws {
        let unknown = try run(["trace", q, "--from", "deployment:shop/kart", "--to", "internet", "--port", "443"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.err.contains("'shop/cart'"), unknown.err)
        XCTAssertEqual(try run(["trace", q, "--from", "deployment:shop/cart", "--to", "internet", "--port", "70000"]).status, 2)
        let icmpPort = try run(["trace", q, "--from", "deployment:shop/cart", "--to", "internet", "--protocol", "icmp", "--port", "80"])
        XCTAssertEqual(icmpPort.status, 2)
        XCTAssertTrue(icmpPort.err.contains("has no ports"), icmpPort.err)
        let nowhere = try run(["trace", q, "--from", "deployment:shop/cart", "--to", "ip:192.168.7.7", "--port", "80"])
        XCTAssertEqual(nowhere.status, 2)
        XCTAssertTrue(nowhere.err.contains("outside every known network"), nowhere.err)
        XCTAssertEqual(try run(["trace", q, "--from", "deployment:shop/cart", "--to", "internet"]).status, 2, "tcp needs a port")
        XCTAssertEqual(try run(["trace", q, "--from", "bogus", "--to", "internet", "--port", "1"]).status, 2)
        XCTAssertEqual(try run(["trace", q, "--to", "internet"]).status, 64)
    }

    func testICMPHasNoPortAndTraces() throws {
        let r = try run(["trace", q, "--from", "deployment:shop/cart", "--to", "internet", "--protocol", "icmp"])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertTrue(r.out.contains("EXITS_NETWORK"))
    }

    func testCheckEvaluatesIntents() throws {
        let r = try run(["check", q])
        XCTAssertEqual(r.status, 0, r.out)
        XCTAssertTrue(r.out.contains("Topologies/quickstart.yaml:84:5: holds[NS0903]: intent 'cart reads orders' holds"), r.out)
        XCTAssertTrue(r.out.contains("6 intents: 6 held, 0 failed"), r.out)
        // A broken intent: the cart → orders-db flow is stated as denied, so it fails (exit 1).
        let dir = try Scratch.makeDirectory(prefix: "netsim-intent")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("k8s/shop"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for f in ["cart.yaml", "frontend.yaml", "namespace.yaml"] {
            try FileManager.default.copyItem(at: Repo.root.appendingPathComponent("Topologies/k8s/shop/\(f)"), to: dir.appendingPathComponent("k8s/shop/\(f)"))
        }
        let text = try String(contentsOf: Repo.root.appendingPathComponent(q), encoding: .utf8)
            .replacingOccurrences(of: "to: external:orders-db,    port: 5432, verdict: delivered", with: "to: external:orders-db,    port: 5432, verdict: denied")
        let path = dir.appendingPathComponent("q.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let failed = try run(["check", path])
        XCTAssertEqual(failed.status, 1, failed.out)
        XCTAssertTrue(failed.out.contains("failed[NS0902]: intent 'cart reads orders' failed"), failed.out)
        let junit = try run(["check", "--format", "junit", path])
        XCTAssertTrue(junit.out.contains("<testcase classname=\"netsim.intent\" name=\"cart reads orders\""), junit.out)
        XCTAssertTrue(junit.out.contains("<failure"), junit.out)
        // Intents netsim cannot evaluate (through a NetworkPolicy) are JUnit skips.
        let (mt, mtDir) = try MultiTenantCopy.make(enforcer: nil)
        defer { Scratch.remove(mtDir) }
        let skipped = try run(["check", "--format", "junit", mt])
        XCTAssertTrue(skipped.out.contains("<skipped"), skipped.out)
        let sarif = try run(["check", "--format", "sarif", path])
        XCTAssertTrue(sarif.out.contains("\"kind\" : \"pass\""), sarif.out)
        XCTAssertTrue(sarif.out.contains("\"ruleId\" : \"NS0902\""), sarif.out)
    }

    /// `--all-paths` traces each endpoint kube-proxy can pick; `--seed` picks one, the same one
    /// every time; bad values are usage errors with a code.
    func testAllPathsAndSeed() throws {
        let all = try run(["trace", q, "--from", "deployment:shop/frontend", "--to", "service:shop/cart", "--port", "80", "--all-paths", "--format", "json"])
        XCTAssertEqual(all.status, 0, all.err)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(all.out.utf8)) as? [String: Any])
        let traces = try XCTUnwrap(doc["traces"] as? [[String: Any]])
        XCTAssertGreaterThan(traces.count, 1)
        let finals = Set(traces.compactMap { ($0["finalPacket"] as? [String: Any])?["destination"] as? String })
        XCTAssertEqual(finals.count, traces.count, "each path reaches a different endpoint")
        XCTAssertEqual(traces.compactMap { $0["path"] as? Int }, Array(0..<traces.count))
        let a = try run(["trace", q, "--from", "deployment:shop/frontend", "--to", "service:shop/cart", "--port", "80", "--seed", "11"])
        let b = try run(["trace", q, "--from", "deployment:shop/frontend", "--to", "service:shop/cart", "--port", "80", "--seed", "11"])
        XCTAssertEqual(a.status, 0)
        XCTAssertEqual(a.out, b.out)
        let bad = try run(["trace", q, "--from", "deployment:shop/frontend", "--to", "service:shop/cart", "--port", "80", "--seed", "x"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.err.contains("--seed"), bad.err)
        // From outside, a Service is reached through its load balancer; a ClusterIP one is not.
        let fromOutside = try run(["trace", q, "--from", "internet", "--to", "service:shop/frontend", "--port", "80"])
        XCTAssertEqual(fromOutside.status, 0, fromOutside.out + fromOutside.err)
        XCTAssertTrue(fromOutside.out.contains("NLB k8s-shop-frontend-"), fromOutside.out)
        let clusterIPOnly = try run(["trace", q, "--from", "internet", "--to", "service:shop/cart", "--port", "80"])
        XCTAssertEqual(clusterIPOnly.status, 2)
        XCTAssertTrue(clusterIPOnly.err.contains("has no load balancer"), clusterIPOnly.err)
    }

    /// The quickstart's ALB and NLB: the store's /cart is delivered with the source the pod sees
    /// in the JSON; a path no rule matches is answered by the ALB itself (exit 1); the flags
    /// that make no sense are refused (exit 2).
    func testLoadBalancers() throws {
        let cart = try run(["trace", q, "--from", "internet", "--to", "ingress:shop/storefront", "--port", "80", "--path", "/cart/items", "--format", "json"])
        XCTAssertEqual(cart.status, 0, cart.out + cart.err)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(cart.out.utf8)) as? [String: Any])
        let lb = try XCTUnwrap(doc["loadBalancer"] as? [String: Any])
        XCTAssertEqual(lb["kind"] as? String, "ALB")
        XCTAssertEqual(lb["listener"] as? String, "HTTP:80")
        XCTAssertEqual(lb["targetType"] as? String, "ip")
        XCTAssertEqual(doc["sourceIpAtTarget"] as? String, lb["nodeAddress"] as? String, "ip targets see the ALB node's own address")
        XCTAssertEqual((lb["healthChecks"] as? [[String: Any]])?.allSatisfy { $0["healthy"] as? Bool == true }, true)
        let again = try run(["trace", q, "--from", "internet", "--to", "ingress:shop/storefront", "--port", "80", "--path", "/cart/items", "--format", "json"])
        XCTAssertEqual(again.out, cart.out, "same inputs, same bytes")
        let missing = try run(["trace", q, "--from", "internet", "--to", "ingress:shop/storefront", "--port", "80", "--path", "/checkout"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.out.contains("FIXED_RESPONSE") && missing.out.contains("ELBV2_NO_MATCHING_RULE"), missing.out)
        let all = try run(["trace", q, "--from", "internet", "--to", "service:shop/frontend", "--port", "80", "--all-paths", "--format", "json"])
        XCTAssertEqual(all.status, 0, all.err)
        let paths = try XCTUnwrap((JSONSerialization.jsonObject(with: Data(all.out.utf8)) as? [String: Any])?["traces"] as? [[String: Any]])
        XCTAssertGreaterThan(paths.count, 1, "one path per target the NLB node can pick")
        XCTAssertEqual(Set(paths.compactMap { ($0["loadBalancer"] as? [String: Any])?["target"] as? String }).count, paths.count)
        for bad in [["--path", "cart"], ["--host", "a b"]] {
            let r = try run(["trace", q, "--from", "internet", "--to", "ingress:shop/storefront", "--port", "80"] + bad)
            XCTAssertEqual(r.status, 2, r.err)
        }
        let notIngress = try run(["trace", q, "--from", "internet", "--to", "service:shop/frontend", "--port", "80", "--path", "/"])
        XCTAssertEqual(notIngress.status, 2)
        XCTAssertTrue(notIngress.err.contains("ingress:NS/NAME"), notIngress.err)
    }

    func testNodeNamesAndUnknownNode() throws {
        let list = try run(["node", q])
        XCTAssertEqual(list.status, 0)
        let names = list.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(names.count, 3)
        let unknown = try run(["node", q, "ip-10-0-0-1.ec2.internal"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.err.contains("NS0901") && unknown.err.contains("did you mean"), unknown.err)
        let rules = try run(["node", q, names[0], "--show", "rules"])
        XCTAssertTrue(rules.out.hasPrefix("0:\tfrom all lookup local\n"), rules.out)
    }

    /// Every shipped topology passes `check --strict`, intents included: none of its `expect:`
    /// entries fails (an intent netsim cannot evaluate, e.g. through a NetworkPolicy, is
    /// reported as not evaluated, never as held or failed by a guess). A topology shipped to
    /// show a warning passes `check` with exactly that warning and no other.
    func testEveryShippedTopologyHoldsItsIntents() throws {
        let dir = Repo.root.appendingPathComponent("Topologies")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 9)
        // The blocked webhooks (and metrics-server's APIService) are what this topology shows.
        let shows: [String: String] = ["control-plane-webhook-blocked.yaml": "warning[NS1328]",
                                        "onprem-vpn-return-route.yaml": "warning[NS1425]"]
        for f in files {
            if let code = shows[f] {
                let r = try run(["check", "Topologies/" + f])
                XCTAssertEqual(r.status, 0, "\(f): \(r.out)")
                XCTAssertTrue(r.out.contains(" 0 failed") && r.out.contains(code), "\(f): \(r.out)")
                let warnings = r.out.split(separator: "\n").filter { $0.contains(": warning[") }
                XCTAssertTrue(warnings.allSatisfy { $0.contains(code) }, "\(f): \(r.out)")
                continue
            }
            let r = try run(["check", "--strict", "Topologies/" + f])
            XCTAssertEqual(r.status, 0, "\(f): \(r.out)")
            XCTAssertTrue(r.out.contains(" 0 failed"), "\(f): \(r.out)")
        }
    }
}
