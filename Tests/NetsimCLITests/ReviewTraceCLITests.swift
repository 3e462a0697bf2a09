import Foundation
import NetsimTestSupport
import XCTest

/// Issue 12 review (h7): wrong answers a reviewer found — an unresolvable endpoint that made a
/// "denied" intent hold, the API server's Service without its endpoints, strict mode and EKS
/// ClusterNetworkPolicies that traced DELIVERED without a caveat, transit gateway zone choice,
/// and the "deciding rule" of failed intents.
final class ReviewTraceCLITests: XCTestCase {
    func run(_ args: [String]) throws -> ProcessResult { try Netsim.run(args) }

    /// A copy of the quickstart (with its manifests) in a temporary folder, edited by `edits`,
    /// with `manifests` written beside the shop's (file name → YAML).
    func quickstart(_ edits: [(String, String)], manifests: [String: String] = [:], expect: String? = nil) throws -> (path: String, cleanup: () -> Void) {
        let dir = try Scratch.makeDirectory(prefix: "netsim-h7")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("k8s/shop"), withIntermediateDirectories: true)
        for f in ["cart.yaml", "frontend.yaml", "namespace.yaml"] {
            try FileManager.default.copyItem(at: Repo.root.appendingPathComponent("Topologies/k8s/shop/\(f)"), to: dir.appendingPathComponent("k8s/shop/\(f)"))
        }
        for (name, text) in manifests { try text.write(to: dir.appendingPathComponent("k8s/shop/\(name)"), atomically: true, encoding: .utf8) }
        var text = try String(contentsOf: Repo.root.appendingPathComponent("Topologies/quickstart.yaml"), encoding: .utf8)
        for (a, b) in edits {
            XCTAssertTrue(text.contains(a), "the quickstart no longer holds \(a)")
            text = text.replacingOccurrences(of: a, with: b)
        }
        if let expect, let r = text.range(of: "\nexpect:\n") { text = String(text[..<r.upperBound]) + expect + "\n" }
        let path = dir.appendingPathComponent("q.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, { try? FileManager.default.removeItem(at: dir) })
    }

    func json(_ s: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any], s)
    }

    func caveatKinds(_ out: String) throws -> [String] {
        ((try json(out)["caveats"] as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String }
    }

    // MARK: item 1 — an endpoint that names no single pod is an error, never a pass

    /// `pod:shop/cart` with 2 replicas names no single pod: the intent is an error (NS0901, exit 2)
    /// at the `from:` value, and a "denied" verdict does not make it hold.
    func testAmbiguousPodPrefixIsAnErrorNotAPass() throws {
        let (path, cleanup) = try quickstart([], expect: "  - {name: cart cannot reach the database,  from: pod:shop/cart, to: external:orders-db, port: 5432, verdict: denied}")
        defer { cleanup() }
        let r = try run(["check", path])
        XCTAssertEqual(r.status, 2, r.out)
        XCTAssertFalse(r.out.contains("holds[NS0903]"), r.out)
        XCTAssertTrue(r.out.contains("q.yaml:83:51: error[NS0901]"), r.out)
        XCTAssertTrue(r.out.contains("more than one pod"), r.out)
    }

    /// A prefix only the realized cluster shows to be ambiguous (a DaemonSet: one pod per node)
    /// is the entry's error at trace time (NS0901, exit 2), not a held "denied" intent.
    func testPrefixAmbiguousOnlyAtTraceTimeIsAnError() throws {
        let agent = """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent, namespace: shop}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec:
                  containers: [{name: a, image: x, ports: [{containerPort: 9100}]}]
            """
        let (path, cleanup) = try quickstart([], manifests: ["agent.yaml": agent],
                                             expect: "  - {name: agent is private, from: internet, to: pod:shop/agent, port: 9100, verdict: denied}")
        defer { cleanup() }
        let r = try run(["check", path])
        XCTAssertEqual(r.status, 2, r.out)
        XCTAssertFalse(r.out.contains("holds[NS0903]"), r.out)
        XCTAssertTrue(r.out.contains("error[NS0901]: intent 'agent is private' cannot be traced"), r.out)
        XCTAssertTrue(r.out.contains("q.yaml:83:50:"), "located at the to: value: \(r.out)")
        XCTAssertTrue(r.out.contains("matches 3 pods"), r.out)
    }

    // MARK: item 2 — the API server's Service without its EndpointSlice

    func testKubernetesServiceWithoutEndpointSliceIsNotModelled() throws {
        let svc = """
            apiVersion: v1
            kind: Service
            metadata:
              name: kubernetes
              namespace: default
              labels: {component: apiserver, provider: kubernetes}
            spec:
              type: ClusterIP
              clusterIP: 172.20.0.1
              ports: [{name: https, port: 443, protocol: TCP, targetPort: 443}]
            """
        let (path, cleanup) = try quickstart([], manifests: ["kubesvc.yaml": svc], expect: "")
        defer { cleanup() }
        let r = try run(["trace", path, "--from", "deploy:shop/frontend", "--to", "svc:default/kubernetes", "--port", "443", "--format", "json"])
        XCTAssertEqual(r.status, 3, r.out + r.err)
        XCTAssertEqual(try json(r.out)["disposition"] as? String, "NOT_MODELLED", r.out)
        XCTAssertEqual(try caveatKinds(r.out), ["CONTROL_PLANE_NOT_MODELLED"], r.out)
        XCTAssertFalse(r.out.contains("NO_ENDPOINTS"), r.out)
    }

    // MARK: item 3 — strict mode is never silent

    func testStrictModeDeliveryHasACaveat() throws {
        let (path, cleanup) = try quickstart([("cni: {}", "cni: {NETWORK_POLICY_ENFORCING_MODE: strict}")])
        defer { cleanup() }
        let r = try run(["trace", path, "--from", "deploy:shop/frontend", "--to", "svc:shop/cart", "--port", "80", "--format", "json"])
        XCTAssertEqual(r.status, 3, r.out + r.err)
        XCTAssertEqual(try json(r.out)["disposition"] as? String, "DELIVERED")
        XCTAssertEqual(try caveatKinds(r.out), ["NETWORK_POLICY_STRICT_MODE"], r.out)
        let text = try run(["trace", path, "--from", "deploy:shop/frontend", "--to", "svc:shop/cart", "--port", "80"])
        XCTAssertTrue(text.out.split(separator: "\n").prefix(6).contains { $0.contains("caveat") && $0.contains("strict") }, text.out)
        // A flow from a pod has one; a flow between hosts (a node to the database) has none.
        let db = try run(["trace", path, "--from", "deploy:shop/cart", "--to", "external:orders-db", "--port", "5432", "--format", "json"])
        XCTAssertEqual(db.status, 3, "the source is a pod: \(db.out)")
        let host = try run(["trace", path, "--from", "nodegroup:general", "--to", "external:orders-db", "--port", "5432", "--format", "json"])
        XCTAssertEqual(host.status, 0, host.out)
        XCTAssertEqual(try caveatKinds(host.out), [], host.out)
        // check: intents the fabric delivers through pods are not evaluated; the one it drops holds.
        let c = try run(["check", path])
        XCTAssertEqual(c.status, 0, c.out)
        XCTAssertTrue(c.out.contains("intent 'frontend calls cart' not evaluated") && c.out.contains("strict"), c.out)
        XCTAssertTrue(c.out.contains("holds[NS0903]: intent 'pods are not public'"), c.out)
    }

    // MARK: item 4 — EKS ClusterNetworkPolicy is never silent

    func testClusterNetworkPolicyGivesACaveat() throws {
        let cnp = """
            apiVersion: networking.k8s.aws/v1alpha1
            kind: ClusterNetworkPolicy
            metadata: {name: deny-all}
            spec:
              tier: Admin
              priority: 10
              subject: {namespaces: {}}
              ingress:
                - {action: Deny, from: [{namespaces: {}}]}
            """
        let (path, cleanup) = try quickstart([], manifests: ["cnp.yaml": cnp])
        defer { cleanup() }
        let r = try run(["trace", path, "--from", "deploy:shop/frontend", "--to", "svc:shop/cart", "--port", "80", "--format", "json"])
        XCTAssertEqual(r.status, 3, r.out + r.err)
        let caveat = try XCTUnwrap((try json(r.out)["caveats"] as? [[String: Any]])?.first, r.out)
        XCTAssertEqual(caveat["kind"] as? String, "CLUSTER_NETWORK_POLICY")
        XCTAssertEqual(caveat["policies"] as? [String], ["deny-all"])
        XCTAssertEqual(((caveat["location"] as? [String: Any])?["file"] as? String).map { $0.hasSuffix("cnp.yaml") }, true, "\(caveat)")
        let c = try run(["check", path])
        XCTAssertTrue(c.out.contains("intent 'frontend calls cart' not evaluated") && c.out.contains("ClusterNetworkPolic"), c.out)
    }

    /// An EKS ApplicationNetworkPolicy (namespaced, FQDN egress peers) is not modelled either: a
    /// trace through a pod of its namespace carries a caveat (exit 3); one in another namespace
    /// changes nothing.
    func testApplicationNetworkPolicyGivesACaveatInItsNamespace() throws {
        func anp(_ namespace: String) -> String {
            """
            apiVersion: networking.k8s.aws/v1alpha1
            kind: ApplicationNetworkPolicy
            metadata: {name: egress-fqdn, namespace: \(namespace)}
            spec:
              podSelector: {matchLabels: {app: cart}}
              policyTypes: [Egress]
              egress:
                - to: [{domainNames: ["*.amazonaws.com"]}]
            """
        }
        let (path, cleanup) = try quickstart([], manifests: ["anp.yaml": anp("shop")])
        defer { cleanup() }
        let r = try run(["trace", path, "--from", "deploy:shop/cart", "--to", "external:orders-db", "--port", "5432", "--format", "json"])
        XCTAssertEqual(r.status, 3, r.out + r.err)
        let caveat = try XCTUnwrap((try json(r.out)["caveats"] as? [[String: Any]])?.first, r.out)
        XCTAssertEqual(caveat["kind"] as? String, "APPLICATION_NETWORK_POLICY")
        XCTAssertEqual(caveat["policies"] as? [String], ["shop/egress-fqdn"])
        let c = try run(["check", path])
        XCTAssertTrue(c.out.contains("intent 'cart reads orders' not evaluated") && c.out.contains("ApplicationNetworkPolic"), c.out)
        // The same policy in another namespace: the shop's flows keep their verdicts.
        let (other, cleanup2) = try quickstart([], manifests: ["anp.yaml": anp("billing")])
        defer { cleanup2() }
        let o = try run(["trace", other, "--from", "deploy:shop/cart", "--to", "external:orders-db", "--port", "5432"])
        XCTAssertEqual(o.status, 0, o.out + o.err)
    }

    // MARK: item 6 — only the first block decides

    func testOnlyTheFirstBlockIsTheDecidingRule() throws {
        let (path, cleanup) = try quickstart([], expect: """
              - {name: db is open to the internet, from: internet, to: external:orders-db, port: 5432, verdict: delivered}
              - {name: frontend cannot call cart, from: deployment:shop/frontend, to: service:shop/cart, port: 80, verdict: denied}
            """)
        defer { cleanup() }
        let text = try run(["check", path]).out
        // The first block (the internet gateway: the database has no public address) has no
        // rule; it is located at the gateway's definition (line 22). The NACL (39) and the
        // security group (52) also block, but fixing them would not change the verdict.
        XCTAssertTrue(text.contains("q.yaml:22:20: note: deciding block: IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"), text)
        XCTAssertTrue(text.contains("q.yaml:39:7: note: also blocks"), text)
        XCTAssertTrue(text.contains("q.yaml:52:7: note: also blocks"), text)
        XCTAssertFalse(text.contains("note: deciding rule: SUBNET_ACL") || text.contains("note: deciding rule: ENI_SG"), text)
        // Delivered against expectation: kube-proxy's DNAT is located at the Service's port.
        XCTAssertTrue(text.contains("cart.yaml:30:26: note: allowed here (DestinationNAT): kube-proxy DNAT for Service shop/cart"), text)
        let gh = try run(["check", "--format", "github", path]).out.split(separator: "\n")
        let db = gh.filter { $0.contains("db is open to the internet") }
        XCTAssertEqual(db.filter { $0.hasPrefix("::error") }.count, 2, "\(db)")
        XCTAssertEqual(db.filter { $0.hasPrefix("::notice") }.count, 2, "\(db)")
        XCTAssertTrue(db.contains { $0.hasPrefix("::error") && $0.contains("line=22,") }, "\(db)")
        let sarif = try json(try run(["check", "--format", "sarif", path]).out)
        let results = try XCTUnwrap(((sarif["runs"] as? [[String: Any]])?.first?["results"]) as? [[String: Any]])
        let failed = try XCTUnwrap(results.first { ($0["message"] as? [String: Any])?["text"].map { "\($0)".contains("db is open") } == true }, "\(results)")
        let lines = ((failed["locations"] as? [[String: Any]]) ?? []).compactMap { (($0["physicalLocation"] as? [String: Any])?["region"] as? [String: Any])?["startLine"] as? Int }
        XCTAssertEqual(lines, [83, 22], "\(failed)")
        let junit = try run(["check", "--format", "junit", path]).out
        XCTAssertTrue(junit.contains("also blocked at") && junit.contains("q.yaml:22:20"), junit)
    }
}
