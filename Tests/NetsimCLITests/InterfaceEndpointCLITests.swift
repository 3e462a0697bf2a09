import Foundation
import NetsimTestSupport
import XCTest

/// `--to aws:SERVICE` and the private-cluster topology as a user runs them.
final class InterfaceEndpointCLITests: XCTestCase {
    func run(_ args: [String]) throws -> ProcessResult { try Netsim.run(args) }
    let t = "Topologies/private-cluster-endpoints.yaml"

    func testCheckHoldsEveryIntent() throws {
        let r = try run(["check", t])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertTrue(r.out.contains("8 intents: 8 held"), r.out)
    }

    func testTraceToSTSSaysWhichDNSAnswer() throws {
        let r = try run(["trace", t, "--from", "deployment:payments/ledger", "--to", "aws:sts", "--port", "443", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.err)
        let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        XCTAssertEqual(obj["disposition"] as? String, "DELIVERED")
        let hops = try XCTUnwrap(obj["hops"] as? [[String: Any]])
        let steps = try XCTUnwrap(hops.first?["steps"] as? [[String: Any]])
        let dns = try XCTUnwrap(steps.first { $0["kind"] as? String == "serviceDNS" })
        XCTAssertEqual(dns["answer"] as? String, "interfaceEndpoint")
        XCTAssertEqual(dns["dnsName"] as? String, "sts.eu-central-1.amazonaws.com")
        XCTAssertEqual(dns["endpoint"] as? String, "sts")
    }

    func testForgottenRuleIsNamed() throws {
        let r = try run(["trace", t, "--from", "nodegroup:system", "--to", "aws:logs", "--port", "443"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.out.contains("ENI_SG_RULES_MISMATCH"), r.out)
        XCTAssertTrue(r.out.contains("\"logs-endpoint\""), r.out)
    }

    func testBadAWSEndpointsExitTwo() throws {
        let typo = try run(["trace", t, "--from", "nodegroup:system", "--to", "aws:stss", "--port", "443"])
        XCTAssertEqual(typo.status, 2)
        XCTAssertTrue(typo.err.contains("aws:sts"), typo.err)
        let region = try run(["trace", t, "--from", "nodegroup:system", "--to", "aws:com.amazonaws.us-east-1.sts", "--port", "443"])
        XCTAssertEqual(region.status, 2)
        XCTAssertTrue(region.err.contains("eu-central-1"), region.err)
        XCTAssertEqual(try run(["trace", t, "--from", "aws:sts", "--to", "nodegroup:system", "--port", "443"]).status, 2)
        XCTAssertEqual(try run(["trace", t, "--from", "nodegroup:system", "--to", "aws:", "--port", "443"]).status, 2)
        let huge = try run(["trace", t, "--from", "nodegroup:system", "--to", "aws:" + String(repeating: "s", count: 100_000), "--port", "443"])
        XCTAssertEqual(huge.status, 2)
        XCTAssertLessThan(huge.err.utf8.count, 2_000)
    }

    func testBrokenExampleExitsTwo() throws {
        let r = try run(["check", "Topologies/broken/interface-endpoints.yaml"])
        XCTAssertEqual(r.status, 2)
        for code in ["NS1441", "NS1442", "NS1443", "NS1444", "NS1445"] { XCTAssertTrue(r.out.contains(code), code) }
    }
}
