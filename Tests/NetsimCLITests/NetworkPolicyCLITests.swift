import Foundation
import NetsimTestSupport
import XCTest

/// `netsim trace` with NetworkPolicies enforced, as a user runs it: the verdict, the note when
/// the agent and the spec disagree, `--at-start`, the JSON, and the exit codes.
final class NetworkPolicyCLITests: XCTestCase {
    func run(_ args: [String], cwd: URL? = nil) throws -> ProcessResult { try Netsim.run(args, cwd: cwd) }
    let mt = "Topologies/multi-tenant-network-policies.yaml"
    let vs = "Topologies/network-policy-agent-vs-spec.yaml"

    func json(_ s: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any], s)
    }

    /// A flow the agent drops at the destination's veth: exit 1, the code in the text, the
    /// policy step with the rule's place, and no caveat (the verdict is the model's).
    func testDeniedAtIngressExitsOne() throws {
        let r = try run(["trace", mt, "--from", "deployment:tenant-globex/shop", "--to", "service:tenant-acme/api", "--port", "80"])
        XCTAssertEqual(r.status, 1, r.out + r.err)
        XCTAssertTrue(r.out.contains("NETWORK_POLICY_INGRESS_DENIED"), r.out)
        XCTAssertTrue(r.out.contains("denied by the VPC CNI network policy agent"), r.out)
        XCTAssertFalse(r.out.contains("caveat"), r.out)
        let j = try json(try run(["trace", mt, "--from", "deployment:tenant-globex/shop", "--to", "service:tenant-acme/api", "--port", "80", "--format", "json"]).out)
        XCTAssertEqual(j["disposition"] as? String, "DENIED_IN")
        let np = try XCTUnwrap(j["networkPolicy"] as? [String: Any])
        XCTAssertEqual(np["enforcer"] as? String, "vpc-cni")
        XCTAssertEqual(np["allowed"] as? Bool, false)
        XCTAssertEqual(np["agree"] as? Bool, true)
    }

    /// The except trap: the agent denies DNS and the spec allows it; the text has a note with
    /// both verdicts, the JSON says they disagree.
    func testDisagreementIsANote() throws {
        let args = ["trace", vs, "--from", "deployment:dns-trap/trap-client", "--to", "service:kube-system/kube-dns", "--port", "53", "--protocol", "udp"]
        let r = try run(args)
        XCTAssertEqual(r.status, 1, r.out + r.err)
        XCTAssertTrue(r.out.contains("note: the VPC CNI network policy agent denies this flow and the Kubernetes spec (Calico, Cilium) allows it"), r.out)
        let np = try XCTUnwrap(try json(try run(args + ["--format", "json"]).out)["networkPolicy"] as? [String: Any])
        XCTAssertEqual(np["agentAllows"] as? Bool, false)
        XCTAssertEqual(np["specAllows"] as? Bool, true)
        XCTAssertEqual(np["agree"] as? Bool, false)
    }

    /// `--at-start`: a value other than source, destination or both is a usage error (64); in
    /// standard mode the just-started pods let the flow through, and the JSON says so.
    func testAtStart() throws {
        let base = ["trace", mt, "--from", "deployment:tenant-acme/web", "--to", "service:tenant-acme/api", "--port", "80"]
        XCTAssertEqual(try run(base + ["--at-start", "sideways"]).status, 64)
        XCTAssertEqual(try run(base + ["--at-start", ""]).status, 64)
        XCTAssertEqual(try run(base + ["--at-start", String(repeating: "s", count: 100_000)]).status, 64)
        let r = try run(base + ["--at-start", "both", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.err)
        let np = try XCTUnwrap(try json(r.out)["networkPolicy"] as? [String: Any])
        XCTAssertEqual(np["atStart"] as? String, "both")
        // A topology without policies: nothing to apply, the trace is as without the option.
        let q = try run(["trace", "Topologies/quickstart.yaml", "--from", "deployment:shop/frontend", "--to", "service:shop/cart", "--port", "80", "--at-start", "both"])
        let plain = try run(["trace", "Topologies/quickstart.yaml", "--from", "deployment:shop/frontend", "--to", "service:shop/cart", "--port", "80"])
        XCTAssertEqual(q.status, plain.status)
        XCTAssertEqual(q.out, plain.out)
    }

    /// Under `enforcer: none` the policies are stored: delivered, exit 0, and the caveat says
    /// they decide nothing.
    func testEnforcerNoneSaysPoliciesDecideNothing() throws {
        let (path, dir) = try MultiTenantCopy.make(enforcer: "none")
        defer { Scratch.remove(dir) }
        let r = try run(["trace", path, "--from", "deployment:tenant-globex/shop", "--to", "service:tenant-acme/api", "--port", "80"])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertTrue(r.out.contains("enforcer: none"), r.out)
    }
}
