import Foundation
import NetsimFlow
import NetsimModel
import NetsimTopology
import Testing

/// What an ALB answers itself, as an EKS engineer's review found it: rules match the path
/// without its query, ELB refuses some actions (check says so, the builder builds no rule),
/// a redirect's Location is resolved in the trace, and the answers point at their annotation.
/// (`Tests/NetsimFlowTests/Fixtures/alb-answers.yaml`: /teapot answers 418, /old redirects.)
@Suite("ALB answers")
struct ALBAnswerTests {
    static let file = "Tests/NetsimFlowTests/Fixtures/alb-answers.yaml"
    static let teapot = #"'{"type":"fixed-response","fixedResponseConfig":{"contentType":"application/json","statusCode":"418","messageBody":"{\"tea\":\"earl grey\"}"}}'"#

    static func text() throws -> String {
        try String(contentsOf: Lab.root.appendingPathComponent(file), encoding: .utf8)
    }

    static func line(_ text: String, _ needle: String) -> Int? {
        text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(needle) }.map { $0 + 1 }
    }

    func trace(_ n: Network, path: String, host: String = "shop.example.com") throws -> Trace {
        var req = FlowRequest(from: try Endpoint.parse("internet").get(), to: try Endpoint.parse("ingress:answers/shop").get(), ipProtocol: .tcp, port: 80)
        req.http = HTTPRequest(host: host, path: path)
        guard case .traced(let t) = n.trace(req) else { Issue.record("not traced"); throw CancellationError() }
        return t
    }

    func network(_ text: String) throws -> Network {
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: "alb-answers.yaml")
        let t = try #require(r.topology, "\(r.diagnostics.map(\.message))")
        return Network(topology: t, catalog: .builtin)
    }

    /// path-pattern conditions compare the path only: `/teapot?x=1` is the 418 of `/teapot`, not
    /// the `/*` rule the query string would otherwise send it to.
    @Test func pathPatternsIgnoreTheQuery() throws {
        let t = try trace(try network(try Self.text()), path: "/teapot?x=1")
        #expect(t.disposition == .fixedResponse)
        #expect(t.response?.status == 418)
        let rule = t.forward.hops.flatMap(\.steps).compactMap { s -> ListenerRuleMatch? in if case .listenerRule(let m) = s.detail { return m }; return nil }.first
        #expect(rule?.rule.paths == ["/teapot", "/teapot/*"])
        // The request is shown as sent, query included.
        #expect(rule?.request.path == "/teapot?x=1")
    }

    /// Actions ELB refuses: check reports each at its annotation with its own code and a fix,
    /// and the builder builds no rule for it (as for an action of an unknown type).
    @Test(arguments: [
        (#"'{"type":"fixed-response","fixedResponseConfig":{"contentType":"text/plain","statusCode":"302"}}'"#, "NS0814"),
        (#"'{"type":"fixed-response","fixedResponseConfig":{"contentType":"text/xml","statusCode":"200","messageBody":"<a/>"}}'"#, "NS0815"),
        // Go's encoding/json keeps the last of two equal keys: text/xml.
        (#"'{"type":"fixed-response","fixedResponseConfig":{"contentType":"text/plain","statusCode":"200","contentType":"text/xml"}}'"#, "NS0815"),
        (#"'{"type":"redirect","redirectConfig":{"statusCode":"HTTP_301"}}'"#, "NS0816"),
        (##"'{"type":"redirect","redirectConfig":{"host":"#{host}","path":"/#{path}","query":"x=1","statusCode":"HTTP_301"}}'"##, "NS0816"),
    ])
    func refusedActions(action: String, code: String) throws {
        let text = try Self.text().replacingOccurrences(of: Self.teapot, with: action)
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: "alb-answers.yaml")
        let found = r.diagnostics.filter { $0.message.contains("actions.teapot") }
        #expect(found.count == 1, "\(r.diagnostics.map(\.message))")
        let d = try #require(found.first)
        #expect(d.code.id == code && d.severity == .error && !d.hint.isEmpty)
        #expect(d.location.line == Self.line(text, "actions.teapot"))
        let n = try network(text)
        let rules = n.fabric.loadBalancers.flatMap(\.listeners).flatMap(\.rules)
        #expect(!rules.isEmpty)
        #expect(!rules.contains { $0.origin.contains("/teapot") })
        // The request goes to the next rule that matches (`/`), not to an invented answer.
        #expect(try trace(n, path: "/teapot").response == nil)
    }

    /// A valid content type is kept (the last of two equal keys, as the controller reads it).
    @Test func validContentTypeIsKept() throws {
        let action = #"'{"type":"fixed-response","fixedResponseConfig":{"contentType":"text/plain","statusCode":"200","contentType":"text/html","messageBody":"<p>hi</p>"}}'"#
        let text = try Self.text().replacingOccurrences(of: Self.teapot, with: action)
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: "alb-answers.yaml")
        #expect(!r.diagnostics.contains { $0.severity == .error }, "\(r.diagnostics.map(\.message))")
        let t = try trace(try network(text), path: "/teapot")
        #expect(t.response?.contentType == "text/html")
        #expect(t.response?.status == 200)
    }

    /// The trace holds the redirect's Location resolved from the request (what the capture
    /// writes) and the template as written; the step and the explanation point at the action's
    /// annotation.
    @Test func redirectIsResolvedAndLocated() throws {
        let text = try Self.text()
        let t = try trace(try network(text), path: "/old/a?x=1")
        let r = try #require(t.response)
        #expect(r.status == 302)
        #expect(r.location == "http://new.example.com:80/v2/old/a?x=1&from=old")
        #expect(r.locationTemplate == "#{protocol}://new.example.com:#{port}/v2/#{path}?#{query}&from=old")
        #expect(r.location == HTTPAnswer.redirectLocation(template: r.locationTemplate ?? "", requestHost: "shop.example.com", requestPath: "/old/a?x=1",
                                                          listenerProtocol: "HTTP", listenerPort: 80))
        let step = try #require(t.forward.hops.flatMap(\.steps).first { if case .redirect = $0.detail { return true }; return false })
        let line = Self.line(text, "actions.moved")
        #expect(step.location?.line == line)
        #expect(t.explanations.first?.code == .elbv2Redirect && t.explanations.first?.location?.line == line)
    }

    @Test func fixedResponseIsLocated() throws {
        let text = try Self.text()
        let t = try trace(try network(text), path: "/teapot")
        let step = try #require(t.forward.hops.flatMap(\.steps).first { if case .fixedResponse = $0.detail { return true }; return false })
        let line = Self.line(text, "actions.teapot")
        #expect(step.location?.line == line)
        #expect(t.explanations.first?.code == .elbv2FixedResponse && t.explanations.first?.location?.line == line)
    }

    /// With no rule matching, the default action (the controller's 404) points at the listener:
    /// the Ingress that listens on the port (its listen-ports annotation when it has one).
    @Test func noMatchingRulePointsAtTheListener() throws {
        let text = try Self.text().replacingOccurrences(of: "- {path: /, pathType: Prefix", with: "- {path: /shop, pathType: Prefix")
            .replacingOccurrences(of: "alb.ingress.kubernetes.io/target-type: ip\n", with: "alb.ingress.kubernetes.io/target-type: ip\n          alb.ingress.kubernetes.io/listen-ports: '[{\"HTTP\": 80}]'\n")
        let t = try trace(try network(text), path: "/elsewhere")
        let e = try #require(t.explanations.first)
        #expect(e.code == .elbv2NoMatchingRule)
        #expect(e.location?.line == Self.line(text, "listen-ports"))
    }

    /// An NLB node whose zone has a registered but unhealthy target (cross-zone off) has no
    /// healthy target there, which the step says.
    @Test func noHealthyTargetInZone() throws {
        let n = try Lab.network("Tests/NetsimFlowTests/Fixtures/nlb-unhealthy-zone.yaml")
        let lb = try #require(n.fabric.loadBalancers.first)
        let nodeB = try #require(lb.nodes.first { $0.zone == "us-east-1b" }?.publicIP)
        let req = FlowRequest(from: try Endpoint.parse("internet").get(), to: try Endpoint.parse("ip:\(nodeB)").get(), ipProtocol: .tcp, port: 80)
        guard case .traced(let t) = n.trace(req) else { Issue.record("not traced"); return }
        #expect(t.explanations.first?.code == .elbv2NoTargetsInAZ)
        let reason = t.forward.hops.flatMap(\.steps).compactMap { s -> NoTargetReason? in if case .noTarget(_, let r) = s.detail { return r }; return nil }.first
        guard case .noHealthyTargetInZone("us-east-1b")? = reason else { Issue.record("\(String(describing: reason))"); return }
        #expect(t.forward.hops.flatMap(\.steps).contains { $0.sentence.contains("no healthy target in us-east-1b") })
    }
}
