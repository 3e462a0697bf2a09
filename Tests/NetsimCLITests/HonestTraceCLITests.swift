import Foundation
import NetsimTestSupport
import XCTest

/// Issue 12: a trace says when its verdict depends on something netsim does not model
/// (NetworkPolicies, the EKS control plane), `check` keeps going past one bad intent, and a
/// failed intent points at the rule that decided it.
final class HonestTraceCLITests: XCTestCase {
    func run(_ args: [String]) throws -> ProcessResult { try Netsim.run(args) }
    let q = "Topologies/quickstart.yaml"
    /// The multi-tenant topology with no NetworkPolicy enforcer declared: its policies are
    /// stored and netsim does not know who enforces them, so traces through selected pods carry
    /// a caveat (the behaviour before netsim enforced policies, kept for such topologies).
    var mt: String {
        if let p = undeclared { return p }
        guard let (path, dir) = try? MultiTenantCopy.make(enforcer: nil) else { return "missing" }
        addTeardownBlock { Scratch.remove(dir) }
        undeclared = path
        return path
    }
    var undeclared: String?

    /// A copy of the quickstart (with its manifests) in a temporary folder, edited by `edits`.
    func quickstartCopy(_ edits: [(String, String)], extra: String = "") throws -> (path: String, cleanup: () -> Void) {
        let dir = try Scratch.makeDirectory(prefix: "netsim-h1")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("k8s/shop"), withIntermediateDirectories: true)
        for f in ["cart.yaml", "frontend.yaml", "namespace.yaml"] {
            try FileManager.default.copyItem(at: Repo.root.appendingPathComponent("Topologies/k8s/shop/\(f)"), to: dir.appendingPathComponent("k8s/shop/\(f)"))
        }
        var text = try String(contentsOf: Repo.root.appendingPathComponent(q), encoding: .utf8)
        for (a, b) in edits {
            XCTAssertTrue(text.contains(a), "the quickstart no longer holds \(a)")
            text = text.replacingOccurrences(of: a, with: b)
        }
        text += extra
        let path = dir.appendingPathComponent("q.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, { try? FileManager.default.removeItem(at: dir) })
    }

    func json(_ s: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any], s)
    }

    // MARK: item 1 — NetworkPolicies are never silent

    /// A delivery into a pod a NetworkPolicy isolates for ingress depends on the policy: the
    /// header says so, the JSON lists the caveat, and the exit code is 3, not 0.
    func testDeliveryIntoPolicySelectedPodSaysSoAndExitsThree() throws {
        let args = ["trace", mt, "--from", "deployment:ingress-nginx/ingress-nginx-controller", "--to", "deployment:tenant-globex/shop", "--port", "8080"]
        let r = try run(args)
        XCTAssertEqual(r.status, 3, r.out + r.err)
        let header = r.out.split(separator: "\n").prefix(6).joined(separator: "\n")
        XCTAssertTrue(header.contains("NetworkPolic") && header.contains("tenant-globex/default-deny-ingress"), r.out)
        XCTAssertTrue(header.contains("Ingress"), r.out)
        let j = try json(try run(args + ["--format", "json"]).out)
        XCTAssertEqual(j["disposition"] as? String, "DELIVERED")
        let caveats = try XCTUnwrap(j["caveats"] as? [[String: Any]], "\(j.keys.sorted())")
        XCTAssertEqual(caveats.count, 1, "\(caveats)")
        XCTAssertEqual(caveats.first?["kind"] as? String, "NETWORK_POLICY")
        XCTAssertEqual(caveats.first?["side"] as? String, "destination")
        XCTAssertEqual(caveats.first?["policyType"] as? String, "Ingress")
        XCTAssertEqual(caveats.first?["affectsVerdict"] as? Bool, true)
        XCTAssertEqual(caveats.first?["policies"] as? [String], ["tenant-globex/default-deny-ingress", "tenant-globex/shop-from-ingress-controller"])
    }

    /// policyTypes are honoured: tenant-globex isolates only Ingress, so its pods' egress to the
    /// internet has no caveat (exit 0); tenant-acme isolates Egress too, so its web pod's does (exit 3).
    func testPolicyTypesDecideWhichSideHasACaveat() throws {
        let globex = try run(["trace", mt, "--from", "deployment:tenant-globex/shop", "--to", "internet", "--port", "443", "--format", "json"])
        XCTAssertEqual(globex.status, 0, globex.out)
        XCTAssertEqual((try json(globex.out)["caveats"] as? [Any])?.count, 0, globex.out)
        let acme = try run(["trace", mt, "--from", "deployment:tenant-acme/web", "--to", "internet", "--port", "443", "--format", "json"])
        XCTAssertEqual(acme.status, 3, acme.out)
        let c = try XCTUnwrap((try json(acme.out)["caveats"] as? [[String: Any]])?.first)
        XCTAssertEqual(c["side"] as? String, "source")
        XCTAssertEqual(c["policyType"] as? String, "Egress")
        // A Service: the caveat is about the endpoint the trace reached.
        let svc = try run(["trace", mt, "--from", "deployment:tenant-globex/shop", "--to", "service:tenant-acme/api", "--port", "80"])
        XCTAssertEqual(svc.status, 3, svc.out)
        XCTAssertTrue(svc.out.contains("tenant-acme/default-deny-all"), svc.out)
    }

    /// A Service whose endpoints a policy selects only in part: the branch that reaches a
    /// selected pod depends on it (exit 3); a branch that does not still says that other
    /// endpoints are selected, without changing its verdict.
    func testServiceWithSomeEndpointsSelected() throws {
        func deployment(_ tier: String) -> String {
            """
                - apiVersion: apps/v1
                  kind: Deployment
                  metadata: {name: x-\(tier), namespace: shop}
                  spec:
                    replicas: 1
                    selector: {matchLabels: {app: x, tier: \(tier)}}
                    template:
                      metadata: {labels: {app: x, tier: \(tier)}}
                      spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 8080}]}]}

            """
        }
        let (path, cleanup) = try quickstartCopy([("    - k8s/shop/*.yaml\n", "    - k8s/shop/*.yaml\n" + deployment("a") + deployment("b") + """
                - {apiVersion: v1, kind: Service, metadata: {name: x, namespace: shop}, spec: {selector: {app: x}, ports: [{port: 80, targetPort: 8080}]}}
                - {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: only-b, namespace: shop}, spec: {podSelector: {matchLabels: {tier: b}}, policyTypes: [Ingress]}}

            """)])
        defer { cleanup() }
        let r = try run(["trace", path, "--from", "deployment:shop/frontend", "--to", "service:shop/x", "--port", "80", "--all-paths", "--format", "json"])
        XCTAssertEqual(r.status, 3, r.out + r.err)
        let traces = try XCTUnwrap(try json(r.out)["traces"] as? [[String: Any]])
        XCTAssertEqual(traces.count, 2)
        var deciding = 0, other = 0
        for t in traces {
            let c = try XCTUnwrap((t["caveats"] as? [[String: Any]])?.first, "\(t)")
            XCTAssertEqual(c["policies"] as? [String], ["shop/only-b"])
            if c["affectsVerdict"] as? Bool == true { deciding += 1 } else { other += 1; XCTAssertTrue((c["message"] as? String ?? "").contains("another endpoint")) }
        }
        XCTAssertEqual([deciding, other], [1, 1])
    }

    /// A flow the network already drops keeps its verdict (exit 1): a NetworkPolicy can only
    /// drop more. The trace still names the policy, as not deciding.
    func testBlockedFlowKeepsItsVerdictWithAPolicy() throws {
        let r = try run(["trace", mt, "--from", "internet", "--to", "deployment:tenant-acme/api", "--port", "9090", "--format", "json"])
        XCTAssertEqual(r.status, 1, r.out)
        let j = try json(r.out)
        XCTAssertEqual(j["disposition"] as? String, "NO_ROUTE")
        let c = try XCTUnwrap((j["caveats"] as? [[String: Any]])?.first, r.out)
        XCTAssertEqual(c["affectsVerdict"] as? Bool, false)
    }

    // MARK: item 19 — intents the network alone decides are evaluated

    func testIntentTheNetworkDecidesIsEvaluatedDespiteAPolicy() throws {
        let r = try run(["check", mt])
        XCTAssertEqual(r.status, 0, r.out)
        XCTAssertTrue(r.out.contains("holds[NS0903]: intent 'acme api is not public' holds"), r.out)
        // A delivery through a policy-selected pod stays not evaluated.
        XCTAssertTrue(r.out.contains("note[NS0904]: intent 'acme web calls acme api' not evaluated"), r.out)
    }

    // MARK: item 2 — the control plane

    func testKubernetesServiceIsNotModelledNotNoRoute() throws {
        for to in ["service:default/kubernetes", "ip:172.20.0.1"] {
            let r = try run(["trace", q, "--from", "deployment:shop/frontend", "--to", to, "--port", "443"])
            XCTAssertEqual(r.status, 3, r.out + r.err)
            XCTAssertFalse(r.out.contains("NO_ROUTE"), r.out)
            XCTAssertTrue(r.out.contains("control plane is not modelled"), r.out)
            let j = try json(try run(["trace", q, "--from", "deployment:shop/frontend", "--to", to, "--port", "443", "--format", "json"]).out)
            XCTAssertEqual(j["disposition"] as? String, "NOT_MODELLED")
            XCTAssertEqual((j["caveats"] as? [[String: Any]])?.first?["kind"] as? String, "CONTROL_PLANE_NOT_MODELLED")
        }
        // An intent toward it is not evaluated, never failed.
        let (path, cleanup) = try quickstartCopy([], extra: "  - {name: pods reach the API, from: deployment:shop/cart, to: service:default/kubernetes, port: 443, verdict: delivered}\n")
        defer { cleanup() }
        let c = try run(["check", path])
        XCTAssertEqual(c.status, 0, c.out)
        XCTAssertTrue(c.out.contains("intent 'pods reach the API' not evaluated"), c.out)
    }

    /// Ends of two families (an IPv4 pod or node to an IPv6 address): a packet keeps its family
    /// in the fabric, so the flow is NOT_MODELLED (exit 3) with an IPV6_NOT_MODELLED caveat,
    /// never a verdict worked out on IPv4 rules.
    func testMixedFamilyTraceIsNotModelled() throws {
        for (from, to) in [("deployment:shop/frontend", "ip:2001:db8::1"), ("nodegroup:general", "ip:2001:db8::1")] {
            let r = try run(["trace", q, "--from", from, "--to", to, "--port", "443"])
            XCTAssertEqual(r.status, 3, r.out + r.err)
            XCTAssertTrue(r.out.contains("NOT_MODELLED"), r.out)
            XCTAssertTrue(r.out.contains("IPv6 traces are not modelled yet"), r.out)
            XCTAssertFalse(r.out.contains("DELIVERED") || r.out.contains("NO_ROUTE"), r.out)
            let j = try json(try run(["trace", q, "--from", from, "--to", to, "--port", "443", "--format", "json"]).out)
            XCTAssertEqual(j["disposition"] as? String, "NOT_MODELLED")
            XCTAssertEqual((j["caveats"] as? [[String: Any]])?.first?["kind"] as? String, "IPV6_NOT_MODELLED")
        }
        // `internet` facing an IPv6 address on the internet is an IPv6 host too: both ends are
        // outside the modelled network.
        let outside = try run(["trace", q, "--from", "internet", "--to", "ip:2001:db8::1", "--port", "443"])
        XCTAssertEqual(outside.status, 2, outside.out + outside.err)
        XCTAssertTrue(outside.err.contains("both ends are on the internet"), outside.err)
        // Malformed text is still a located usage error (exit 2), IPv4 or IPv6.
        let bad = try run(["trace", q, "--from", "deployment:shop/frontend", "--to", "ip:2001:db8::g", "--port", "443"])
        XCTAssertEqual(bad.status, 2, bad.out + bad.err)
        XCTAssertTrue(bad.err.contains("is not an IPv4 or IPv6 address"), bad.err)
    }

    /// The topology declares the control plane: an EndpointSlice of default/kubernetes on an
    /// address of an external host in a cluster subnet. kube-proxy's rules then have the Service
    /// (chain KUBE-SVC-NPX46M4PTMTKRN6Y, as on a real cluster) and the flow is traced to it.
    func testDeclaredControlPlaneIsTraced() throws {
        let (path, cleanup) = try quickstartCopy([
            ("externals:\n", "externals:\n  - {name: eks-api-a, address: 10.0.63.250, subnet: private-a, securityGroups: [nodes]}\n"),
            ("    - k8s/shop/*.yaml\n", """
                 - k8s/shop/*.yaml
                 - apiVersion: discovery.k8s.io/v1
                   kind: EndpointSlice
                   metadata: {name: kubernetes, namespace: default, labels: {kubernetes.io/service-name: kubernetes}}
                   addressType: IPv4
                   ports: [{name: https, port: 443, protocol: TCP}]
                   endpoints: [{addresses: [10.0.63.250], conditions: {ready: true}}]

             """),
        ], extra: "  - {name: pods reach the API, from: deployment:shop/cart, to: service:default/kubernetes, port: 443, verdict: delivered}\n")
        defer { cleanup() }
        let r = try run(["trace", path, "--from", "deployment:shop/frontend", "--to", "service:default/kubernetes", "--port", "443"])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertTrue(r.out.contains("KUBE-SVC-NPX46M4PTMTKRN6Y"), r.out)
        XCTAssertTrue(r.out.contains("delivered to external eks-api-a"), r.out)
        let c = try run(["check", "--strict", path])
        XCTAssertEqual(c.status, 0, c.out)
        XCTAssertTrue(c.out.contains("intent 'pods reach the API' holds"), c.out)
    }

    // MARK: item 16 — one bad intent does not stop the others

    func testOneBadIntentDoesNotStopTheOthers() throws {
        let (path, cleanup) = try quickstartCopy([], extra: "  - {name: typo, from: deployment:shop/frontend, to: service:shop/kart, port: 80, verdict: delivered}\n")
        defer { cleanup() }
        let r = try run(["check", path])
        XCTAssertEqual(r.status, 2, r.out)
        XCTAssertTrue(r.out.contains("error[NS0901]: to 'service:shop/kart'"), r.out)
        XCTAssertTrue(r.out.contains("6 intents: 6 held, 0 failed"), r.out)
        XCTAssertTrue(r.out.contains("holds[NS0903]: intent 'cart reads orders' holds"), r.out)
    }

    /// Any error inside one `expect:` entry (a port out of range, a verdict that is not one, an
    /// unknown key) is that entry's error: the other entries are still evaluated.
    func testEveryKindOfIntentErrorStaysWithItsEntry() throws {
        let (path, cleanup) = try quickstartCopy([
            ("to: external:orders-db,    port: 5432, verdict: delivered}", "to: external:orders-db,    port: 99999, verdict: delivered}"),
            ("to: deployment:shop/cart,  port: 8080, verdict: denied}", "to: deployment:shop/cart,  port: 8080, verdict: maybe}"),
            ("{name: database is private,", "{name: database is private, color: red,"),
        ])
        defer { cleanup() }
        let r = try run(["check", path])
        XCTAssertEqual(r.status, 2, r.out)
        XCTAssertTrue(r.out.contains("error[NS0303]: 'port' of expect[1] is 99999"), r.out)
        XCTAssertTrue(r.out.contains("error[NS0204]: 'verdict' of expect[4] is 'maybe'"), r.out)
        XCTAssertTrue(r.out.contains("error[NS0201]: unknown key 'color' in expect[5]"), r.out)
        XCTAssertTrue(r.out.contains("3 intents: 3 held, 0 failed"), r.out)
        XCTAssertTrue(r.out.contains("holds[NS0903]: intent 'frontend calls cart' holds"), r.out)
        XCTAssertFalse(r.out.contains("intent 'cart reads orders'"), r.out)
        // An error outside `expect:` still stops every intent.
        let (broken, cleanup2) = try quickstartCopy([("to: deployment:shop/cart,  port: 8080, verdict: denied}", "to: deployment:shop/cart,  port: 8080, verdict: maybe}"),
                                                     ("cidr: 10.0.32.0/19", "cidr: 10.0.32.0/99")])
        defer { cleanup2() }
        let b = try run(["check", broken])
        XCTAssertEqual(b.status, 2, b.out)
        XCTAssertFalse(b.out.contains("holds[NS0903]"), b.out)
    }

    // MARK: item 18 — a failed intent points at the rule that decided it

    func testFailedIntentNamesTheDecidingRule() throws {
        let (path, cleanup) = try quickstartCopy([("{rule: 100, protocol: tcp, ports: 5432,       cidr: 10.0.32.0/19, action: allow}",
                                                   "{rule: 100, protocol: tcp, ports: 5432,       cidr: 10.0.32.0/19, action: deny}")])
        defer { cleanup() }
        // The NACL rule is on line 41; the intent on line 84.
        let sarif = try json(try run(["check", "--format", "sarif", path]).out)
        let results = try XCTUnwrap(((sarif["runs"] as? [[String: Any]])?.first?["results"]) as? [[String: Any]])
        let failed = try XCTUnwrap(results.first { $0["ruleId"] as? String == "NS0902" }, "\(results)")
        func lines(_ key: String) -> [Int] {
            ((failed[key] as? [[String: Any]]) ?? []).compactMap { (($0["physicalLocation"] as? [String: Any])?["region"] as? [String: Any])?["startLine"] as? Int }
        }
        XCTAssertEqual(lines("locations"), [84, 41], "\(failed)")
        XCTAssertEqual(lines("relatedLocations"), [41], "\(failed)")
        let gh = try run(["check", "--format", "github", path]).out
        let annotations = gh.split(separator: "\n").filter { $0.hasPrefix("::error") && $0.contains("NS0902") }
        XCTAssertEqual(annotations.count, 2, gh)
        XCTAssertTrue(annotations.contains { $0.contains("line=84,") }, gh)
        XCTAssertTrue(annotations.contains { $0.contains("line=41,") && $0.contains("cart reads orders") }, gh)
        let junit = try run(["check", "--format", "junit", path]).out
        let failure = try XCTUnwrap(junit.split(separator: "\n").first { $0.contains("<failure") && $0.contains("NS0902") }, junit)
        XCTAssertTrue(failure.contains("q.yaml:84:") && failure.contains("q.yaml:41:"), String(failure))
        let text = try run(["check", path]).out
        XCTAssertTrue(text.contains("q.yaml:41:11: note: deciding rule"), text)
    }

    /// An intent that should be denied but is delivered names the rules that let it through.
    func testIntentDeliveredAgainstExpectationNamesTheAllowingRules() throws {
        let (path, cleanup) = try quickstartCopy([("to: external:orders-db,    port: 5432, verdict: delivered", "to: external:orders-db,    port: 5432, verdict: denied")])
        defer { cleanup() }
        let r = try run(["check", path])
        XCTAssertEqual(r.status, 1, r.out)
        // The db group's rule (line 55) admits PostgreSQL from the nodes.
        XCTAssertTrue(r.out.contains("q.yaml:55:11: note: allowed here: ingress: sg-"), r.out)
    }

    // MARK: item 20 — the header says what happened in words

    func testHeaderSaysWhatTheWalkDidAndTheVerdict() throws {
        let r = try run(["trace", q, "--from", "internet", "--to", "deployment:shop/cart", "--port", "8080"])
        XCTAssertEqual(r.status, 1)
        let header = r.out.split(separator: "\n").prefix(5).joined(separator: "\n")
        XCTAssertFalse(header.contains("there: DELIVERED"), header)
        XCTAssertTrue(header.contains("NO_ROUTE: not delivered"), header)
        XCTAssertTrue(header.contains("2 blocks"), header)
        let ok = try run(["trace", q, "--from", "deployment:shop/cart", "--to", "external:orders-db", "--port", "5432"])
        XCTAssertTrue(ok.out.contains("DELIVERED: delivered, and the reply came back"), ok.out)
        // A security group blocks the way there; the walk went past it and reached the database.
        let (path, cleanup) = try quickstartCopy([("        - {protocol: tcp, ports: 5432, from: {securityGroup: nodes}, description: PostgreSQL from the nodes only}\n", "")])
        defer { cleanup() }
        let sg = try run(["trace", path, "--from", "deployment:shop/cart", "--to", "external:orders-db", "--port", "5432"])
        XCTAssertEqual(sg.status, 1)
        let sgHeader = sg.out.split(separator: "\n").prefix(4).joined(separator: "\n")
        XCTAssertFalse(sgHeader.contains("there: DELIVERED"), sgHeader)
        XCTAssertTrue(sgHeader.contains("DENIED_IN: not delivered: first blocked on the way there by SG_HAS_NO_RULES"), sgHeader)
        XCTAssertTrue(sgHeader.contains("walk: past the block the way there ends DELIVERED, the way back DELIVERED: fixing it lets the flow through"), sgHeader)
    }

    // MARK: item 21 — suggestions name each candidate once

    func testSuggestionsAreNotRepeated() throws {
        let r = try run(["trace", q, "--from", "deployment:shop/frontnd", "--to", "internet", "--port", "443"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("'shop/frontend'"), r.err)
        XCTAssertEqual(r.err.components(separatedBy: "'shop/frontend'").count, 2, r.err)
    }
}
