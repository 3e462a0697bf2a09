import Foundation
import NetsimFlow
import NetsimModel
import NetsimTopology
import Testing

/// Annotation values the AWS Load Balancer Controller (v2.17.1) or ELB refuses: `check` reports
/// each at the annotation (NS0712), the builder builds no rule from it and lists the problem,
/// and a forward to a target group outside the cluster is NOT_MODELLED, never a guess.
@Suite("load balancer refusals")
struct LoadBalancerRefusalTests {
    static let down = LoadBalancerSpecTests.down
    static let downKey = "alb.ingress.kubernetes.io/actions.down"

    struct Loaded {
        var text: String
        var result: LoadResult
        func line(of needle: String) -> Int? {
            text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(needle) }.map { $0 + 1 }
        }
        var lbDiagnostics: [Diagnostic] { result.diagnostics.filter { $0.code == .lbAnnotation } }
    }

    func load(_ edit: (String) -> String) throws -> Loaded {
        let text = edit(try LoadBalancerSpecTests.labText())
        return Loaded(text: text, result: TopologyLoader(catalog: .builtin).load(text: text, file: "lb-lab.yaml"))
    }

    func withAction(_ json: String) throws -> Loaded { try load { $0.replacingOccurrences(of: Self.down, with: "'\(json)'") } }

    func maintenanceRules(_ n: Network) -> [LoadBalancer.Rule] {
        n.fabric.loadBalancers.first { $0.group == "shared" }?.listeners.flatMap(\.rules).filter { $0.origin.hasPrefix("lab/maintenance:") } ?? []
    }

    /// An error at the annotation's line, and the builder (from the same specs) builds no rule
    /// for the path and says why.
    func expectRefusedRule(_ l: Loaded, annotation: String, mentions: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let line = try #require(l.line(of: annotation), sourceLocation: sourceLocation)
        let d = try #require(l.lbDiagnostics.first { $0.location.line == line && $0.severity == .error }, "\(l.result.diagnostics.map { "\($0.location): \($0.message)" })", sourceLocation: sourceLocation)
        #expect(d.location.file == "lb-lab.yaml" && d.message.contains(mentions) && !d.hint.isEmpty, "\(d.message)", sourceLocation: sourceLocation)
        #expect(l.result.validTopology == nil, sourceLocation: sourceLocation)
        let t = try #require(l.result.topology, sourceLocation: sourceLocation)
        let n = Network(topology: t, catalog: .builtin)
        #expect(maintenanceRules(n).isEmpty, sourceLocation: sourceLocation)
        #expect(n.fabric.loadBalancerProblems.contains { $0.message.contains("/api/admin is not built") && $0.message.contains(mentions) },
                "\(n.fabric.loadBalancerProblems.map(\.message))", sourceLocation: sourceLocation)
    }

    /// Item 1: redirect values ELB refuses (status, protocol, port, host, path) and a status
    /// written as a JSON number, which Go cannot decode into the string field.
    @Test(arguments: [
        (#"{"type":"redirect","redirectConfig":{"statusCode":"HTTP_999","host":"x.example"}}"#, "'HTTP_999', not HTTP_301 or HTTP_302"),
        (#"{"type":"redirect","redirectConfig":{"statusCode":"XXXX_302","host":"x.example"}}"#, "'XXXX_302'"),
        (#"{"type":"redirect","redirectConfig":{"statusCode":"HTTP_-1","host":"x.example"}}"#, "'HTTP_-1'"),
        (#"{"type":"redirect","redirectConfig":{"statusCode":302,"host":"x.example"}}"#, "statusCode is a JSON number, not a string"),
        (#"{"type":"redirect","redirectConfig":{"statusCode":"HTTP_301","protocol":"FTP","host":"x"}}"#, "protocol 'FTP'"),
        (#"{"type":"redirect","redirectConfig":{"statusCode":"HTTP_301","port":"99999","host":"x"}}"#, "port '99999'"),
        (#"{"type":"redirect","redirectConfig":{"statusCode":"HTTP_302","host":""}}"#, "empty redirectConfig.host"),
        (#"{"type":"redirect","redirectConfig":{"statusCode":"HTTP_301","path":"noslash","host":"x"}}"#, "does not start with '/'"),
    ])
    func redirectRefusals(_ json: String, _ mentions: String) throws {
        try expectRefusedRule(try withAction(json), annotation: Self.downKey, mentions: mentions)
    }

    /// Valid redirects (placeholders included) stay accepted and built.
    @Test func validRedirectIsBuilt() throws {
        let l = try withAction(##"{"type":"redirect","redirectConfig":{"statusCode":"HTTP_302","host":"#{host}.example","path":"/#{path}","port":"#{port}","protocol":"#{protocol}"}}"##)
        let t = try #require(l.result.validTopology, "\(l.result.diagnostics.map(\.message))")
        #expect(maintenanceRules(Network(topology: t, catalog: .builtin)).count == 1)
    }

    /// Item 2: forwards netsim cannot build are errors, not silently dropped rules.
    @Test(arguments: [
        (#"{"type":"forward","forwardConfig":{"targetGroups":[]}}"#, "forwards to no target group"),
        (#"{"type":"forward","forwardConfig":{"targetGroups":[{"serviceName":"web","servicePort":99999999}]}}"#, "servicePort 99999999, not a port of 1–65535"),
        (#"{"type":"forward","forwardConfig":{"targetGroups":[{"serviceName":"web","servicePort":-80}]}}"#, "servicePort -80"),
    ])
    func forwardRefusals(_ json: String, _ mentions: String) throws {
        try expectRefusedRule(try withAction(json), annotation: Self.downKey, mentions: mentions)
    }

    /// Item 2: a forward to a port the Service does not have fails the IngressGroup in the
    /// controller (unable to find port): an error at the annotation, and no rule.
    @Test func forwardToAMissingServicePortIsAnError() throws {
        let l = try withAction(#"{"type":"forward","forwardConfig":{"targetGroups":[{"serviceName":"nlb-zonal","servicePort":8081}]}}"#)
        let line = try #require(l.line(of: Self.downKey))
        let d = try #require(l.result.diagnostics.first { $0.location.line == line && $0.code == .lbBackend }, "\(l.result.diagnostics.map(\.message))")
        #expect(d.severity == .error && d.message.contains("port 8081 of Service 'nlb-zonal'"))
        #expect(maintenanceRules(Network(topology: try #require(l.result.topology), catalog: .builtin)).isEmpty)
    }

    /// Item 2: a forward to a target group ARN is a warning in `check`, and a trace through the
    /// rule ends NOT_MODELLED with a caveat that decides the verdict (exit 3), not "no rule".
    @Test func targetGroupARNIsNotModelled() throws {
        let arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/x/1234"
        let l = try withAction(#"{"type":"forward","targetGroupARN":"\#(arn)"}"#)
        let line = try #require(l.line(of: Self.downKey))
        let w = try #require(l.lbDiagnostics.first { $0.location.line == line })
        #expect(w.severity == .warning && w.message.contains("NOT_MODELLED"))
        let t = try #require(l.result.validTopology, "\(l.result.diagnostics.map(\.message))")
        let n = Network(topology: t, catalog: .builtin)
        var req = FlowRequest(from: try Endpoint.parse("internet").get(), to: try Endpoint.parse("ingress:lab/maintenance").get(), port: 80)
        req.http = HTTPRequest(host: "", path: "/api/admin")
        guard case .traced(let trace) = n.trace(req) else { Issue.record("not traced"); return }
        #expect(trace.disposition == .notModelled)
        let c = try #require(trace.caveats.first { $0.kind == .externalTargetGroup })
        #expect(c.affectsVerdict && c.message.contains(arn))
        #expect(trace.forward.hops.last?.steps.last?.action == .notModelled)
    }

    /// Item 3: conditions the controller cannot decode are refused (its webhook refuses the
    /// Ingress); an unknown field is a warning (the controller ignores the condition).
    @Test(arguments: [
        (#"{"field":"host-header","hostHeaderConfig":{"values":["a.example"]}}"#, "not a list of conditions", true),
        (#"[{"field":"host-header","hostHeaderConfig":{"values":[1,null,{}]}}]"#, "must be strings", true),
        (#"[{"field":"host-header","values":["a.example"]}]"#, "without hostHeaderConfig", true),
        (#"[{"field":"host-heder","hostHeaderConfig":{"values":["a.example"]}}]"#, "field 'host-heder'", false),
    ])
    func conditionRefusals(_ json: String, _ mentions: String, _ refused: Bool) throws {
        let key = "alb.ingress.kubernetes.io/conditions.down"
        let l = try load { $0.replacingOccurrences(of: "          \(Self.downKey):", with: "          \(key): '\(json)'\n          \(Self.downKey):") }
        if refused {
            try expectRefusedRule(l, annotation: key, mentions: mentions)
        } else {
            let line = try #require(l.line(of: key))
            let w = try #require(l.lbDiagnostics.first { $0.location.line == line })
            #expect(w.severity == .warning && w.message.contains(mentions))
            let t = try #require(l.result.validTopology)
            let rules = maintenanceRules(Network(topology: t, catalog: .builtin))
            #expect(rules.count == 1 && rules.first?.hosts.isEmpty == true)
        }
    }

    /// Item 4: booleans the controller parses with Go's strconv.ParseBool: " true", "01",
    /// "yes" are errors where it reads them (it fails the build; the builder lists that), and
    /// Go's own spellings ("1", "TRUE") pass.
    @Test(arguments: [(" true", true), ("01", true), ("yes", true), ("1", false), ("TRUE", false)])
    func booleanRefusals(_ value: String, _ refused: Bool) throws {
        let key = "alb.ingress.kubernetes.io/manage-backend-security-group-rules"
        let l = try load {
            $0.replacingOccurrences(of: "          \(Self.downKey):", with: "          \(key): \"\(value)\"\n          alb.ingress.kubernetes.io/security-groups: nodes\n          \(Self.downKey):")
        }
        let line = try #require(l.line(of: key))
        let d = l.lbDiagnostics.first { $0.location.line == line }
        #expect((d?.severity == .error) == refused, "\(l.result.diagnostics.map(\.message))")
        if refused {
            #expect(d?.message.contains("'\(value)' is not a boolean") == true)
            let n = Network(topology: try #require(l.result.topology), catalog: .builtin)
            #expect(n.fabric.loadBalancerProblems.contains { $0.message.contains("the controller fails to build the IngressGroup") && $0.message.contains("is not a boolean") })
        }
        // An NLB's legacy cross-zone annotation is read always.
        let nlbKey = "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled"
        let nlb = try load { $0.replacingOccurrences(of: "service.beta.kubernetes.io/aws-load-balancer-type: external", with: "service.beta.kubernetes.io/aws-load-balancer-type: external\n          \(nlbKey): \"\(value)\"") }
        if let nline = nlb.line(of: nlbKey) {
            #expect((nlb.lbDiagnostics.first { $0.location.line == nline }?.severity == .error) == refused, "\(nlb.result.diagnostics.map(\.message))")
        }
    }

    /// Item 1: ssl-redirect must be a 32-bit number naming an HTTPS listen port of the group.
    @Test(arguments: [("abc", "is not a port number"), ("99999", "not a listen port"), ("80", "names the HTTP listener")])
    func sslRedirectRefusals(_ value: String, _ mentions: String) throws {
        let key = "alb.ingress.kubernetes.io/ssl-redirect"
        let l = try load { $0.replacingOccurrences(of: "\(key): \"443\"", with: "\(key): \"\(value)\"") }
        let line = try #require(l.line(of: key))
        let d = try #require(l.lbDiagnostics.first { $0.location.line == line }, "\(l.result.diagnostics.map(\.message))")
        #expect(d.severity == .error && d.message.contains(mentions))
        let n = Network(topology: try #require(l.result.topology), catalog: .builtin)
        let secure = try #require(n.fabric.loadBalancers.first { $0.owners.contains("ingress:lab/secure") })
        #expect(n.fabric.loadBalancerProblems.contains { $0.message.contains("ssl-redirect") })
        // No redirect is invented on the HTTP listener.
        let http = try #require(secure.listeners.first { $0.port == 80 })
        if case .redirect = http.defaultAction { Issue.record("the refused ssl-redirect was built") }
    }

    /// Item 5: an empty content type is absent (ELB allows length 0); the spec, the trace
    /// text and the JSON response all say text/plain, as the capture writes.
    @Test func emptyContentTypeIsAbsent() throws {
        let l = try withAction(#"{"type":"fixed-response","fixedResponseConfig":{"contentType":"","statusCode":"418","messageBody":"hi"}}"#)
        let t = try #require(l.result.validTopology, "\(l.result.diagnostics.map(\.message))")
        let spec = try #require(t.loadBalancerSpecs?.applicationLoadBalancers.first { $0.group.name == "shared" })
        let ing = try #require(t.kubernetes.ingresses.first { $0.meta.name == "maintenance" })
        #expect(spec.member(ing).actions["down"] == .fixedResponse(status: 418, contentType: "text/plain", body: "hi"))
        let n = Network(topology: t, catalog: .builtin)
        var req = FlowRequest(from: try Endpoint.parse("internet").get(), to: try Endpoint.parse("ingress:lab/maintenance").get(), port: 80)
        req.http = HTTPRequest(host: "", path: "/api/admin")
        guard case .traced(let trace) = n.trace(req) else { Issue.record("not traced"); return }
        let step = try #require(trace.forward.hops.last?.steps.last)
        guard case .fixedResponse(_, let r) = step.detail else { Issue.record("\(step.detail)"); return }
        #expect(r.contentType == "text/plain" && r.status == 418 && r.body == "hi")
        #expect(step.sentence.contains("418 (text/plain, \"hi\")"))
    }
}
