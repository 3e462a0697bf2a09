/// What the AWS Load Balancer Controller (v2.17.1) or the ELB API refuses in the redirect and
/// forward actions, the conditions, the boolean annotations and `ssl-redirect`, judged once
/// where the annotations are read. Go's `encoding/json` decodes an annotation into typed
/// fields (`pkg/ingress/config_types.go`): a value of the wrong JSON type fails the decode, and
/// the controller then fails to build the whole IngressGroup. Values the controller passes on
/// unchecked (a redirect's status, protocol, port, host and path; a forward without target
/// groups) are refused by ELB when the controller creates the rule
/// (`API_RedirectActionConfig`). See Docs/load-balancers.md.
extension LoadBalancerSpecs {
    /// A finding in one annotation value: an error the controller or ELB refuses, or a warning
    /// for what netsim does not model (or the controller silently ignores).
    struct Finding {
        var message: String
        var hint: String
        var warning = false
    }

    /// A JSON value's kind in Go's words (`cannot unmarshal number into … string`).
    static func jsonKind(_ v: JSONValue) -> String {
        switch v {
        case .object: return "object"
        case .array: return "array"
        case .string: return "string"
        case .number, .fraction: return "number"
        case .bool: return "bool"
        case .null: return "null"
        }
    }

    /// `key` of `obj` must be a JSON string when present (null reads as absent).
    static func stringField(_ obj: JSONValue?, _ key: String, at path: String, _ out: inout [Finding]) -> String? {
        guard let v = obj?[key] else { return nil }
        switch v {
        case .string(let s): return s
        case .null: return nil
        default:
            out.append(Finding(message: "\(path).\(key) is a JSON \(jsonKind(v)), not a string: the controller cannot decode the annotation (cannot unmarshal \(jsonKind(v)) into a string) and fails to build the IngressGroup",
                               hint: "write \(path).\(key) as a JSON string, e.g. \"\(key == "statusCode" ? "HTTP_301" : "value")\""))
            return nil
        }
    }

    /// A redirect or forward action's problems (fixed responses are judged elsewhere).
    static func actionFindings(_ v: JSONValue) -> [Finding] {
        var out: [Finding] = []
        switch v["type"]?.string {
        case "redirect": redirectFindings(v, &out)
        case "forward": forwardFindings(v, &out)
        default: break
        }
        return out
    }

    static func redirectFindings(_ v: JSONValue, _ out: inout [Finding]) {
        guard let c = v["redirectConfig"], c != .null else {
            out.append(Finding(message: "is a redirect without redirectConfig: the controller refuses it (missing RedirectConfig) and fails to build the IngressGroup",
                               hint: "add \"redirectConfig\": {\"statusCode\": \"HTTP_301\", …}"))
            return
        }
        guard case .object = c else {
            out.append(Finding(message: "has a redirectConfig that is a JSON \(jsonKind(c)), not an object: the controller cannot decode it and fails to build the IngressGroup",
                               hint: "write redirectConfig as a JSON object"))
            return
        }
        let status = stringField(c, "statusCode", at: "redirectConfig", &out)
        let proto = stringField(c, "protocol", at: "redirectConfig", &out)
        let port = stringField(c, "port", at: "redirectConfig", &out)
        let host = stringField(c, "host", at: "redirectConfig", &out)
        let path = stringField(c, "path", at: "redirectConfig", &out)
        _ = stringField(c, "query", at: "redirectConfig", &out)
        let elb = "ELB refuses the rule when the controller creates it (RedirectActionConfig), so the controller fails to deploy the IngressGroup"
        if let s = status, !s.isEmpty, s != "HTTP_301", s != "HTTP_302" {
            out.append(Finding(message: "has redirectConfig.statusCode '\(echo: s)', not HTTP_301 or HTTP_302: \(elb)", hint: "write \"HTTP_301\" (permanent) or \"HTTP_302\" (temporary)"))
        } else if (status ?? "").isEmpty, c["statusCode"].map({ if case .string = $0 { return true }; return $0 == .null }) ?? true {
            out.append(Finding(message: "has no redirectConfig.statusCode: the controller refuses it (statusCode is required) and fails to build the IngressGroup",
                               hint: "add \"statusCode\": \"HTTP_301\" (or HTTP_302)"))
        }
        if let p = proto, p != "HTTP", p != "HTTPS", p != "#{protocol}" {
            out.append(Finding(message: "has redirectConfig.protocol '\(echo: p)', not HTTP, HTTPS or #{protocol}: \(elb)", hint: "write HTTP, HTTPS or #{protocol}"))
        }
        if let p = port, p != "#{port}", !(p.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } && (Int(p).map { (1...65535).contains($0) } ?? false)) {
            out.append(Finding(message: "has redirectConfig.port '\(echo: p)', not a port of 1–65535 or #{port}: \(elb)", hint: "write a port number such as \"443\", or #{port}"))
        }
        if let h = host, h.isEmpty {
            out.append(Finding(message: "has an empty redirectConfig.host: \(elb) (a host is at least 1 character)", hint: "write a host name, or #{host} (the request's), or leave host out"))
        }
        if let p = path, !p.hasPrefix("/") {
            out.append(Finding(message: "has redirectConfig.path '\(echo: p)', which does not start with '/': \(elb) (the path is absolute)", hint: "start the path with '/', e.g. \"/\(echo: p)\" or \"/#{path}\""))
        }
    }

    static func forwardFindings(_ v: JSONValue, _ out: inout [Finding]) {
        var arn = stringField(v, "targetGroupARN", at: "action", &out)
        if arn == nil { arn = stringField(v, "targetGroupName", at: "action", &out) }
        let fc = v["forwardConfig"].flatMap { $0 == .null ? nil : $0 }
        if arn == nil, fc == nil {
            out.append(Finding(message: "is a forward without forwardConfig or targetGroupARN: the controller refuses it (missing ForwardConfig or TargetGroupARN/TargetGroupName) and fails to build the IngressGroup",
                               hint: "add \"forwardConfig\": {\"targetGroups\": [{\"serviceName\": \"…\", \"servicePort\": 80}]}"))
            return
        }
        if let arn, fc != nil {
            out.append(Finding(message: "has both forwardConfig and targetGroupARN/targetGroupName '\(echo: arn)': the controller refuses it (either ForwardConfig or TargetGroupARN/TargetGroupName can be specified) and fails to build the IngressGroup",
                               hint: "keep one of them"))
            return
        }
        if let arn {
            out.append(Finding(message: "forwards to target group '\(echo: arn)', outside the cluster: netsim does not model it, and a trace through this rule ends NOT_MODELLED",
                               hint: "forward to a Service of the cluster with forwardConfig.targetGroups[].serviceName to trace through it", warning: true))
            return
        }
        guard let fc, case .object = fc else {
            out.append(Finding(message: "has a forwardConfig that is not a JSON object: the controller cannot decode it and fails to build the IngressGroup", hint: "write forwardConfig as a JSON object"))
            return
        }
        let raw = fc["targetGroups"] ?? .null
        guard raw == .null || raw.array != nil else {
            out.append(Finding(message: "has forwardConfig.targetGroups that is a JSON \(jsonKind(raw)), not a list: the controller cannot decode it and fails to build the IngressGroup",
                               hint: "write a list: \"targetGroups\": [{\"serviceName\": \"…\", \"servicePort\": 80}]"))
            return
        }
        let groups = raw.array ?? []
        if groups.isEmpty {
            out.append(Finding(message: "forwards to no target group (forwardConfig.targetGroups is empty): ELB refuses a forward action without a target group when the controller creates the rule, so the controller fails to deploy the IngressGroup",
                               hint: "list at least one target group: {\"serviceName\": \"…\", \"servicePort\": 80}"))
            return
        }
        for (i, g) in groups.enumerated() {
            let at = "forwardConfig.targetGroups[\(i)]"
            guard case .object = g else {
                out.append(Finding(message: "has \(at) that is a JSON \(jsonKind(g)), not an object: the controller cannot decode it and fails to build the IngressGroup", hint: "write each target group as a JSON object"))
                continue
            }
            let svc = stringField(g, "serviceName", at: at, &out)
            let tgARN = stringField(g, "targetGroupARN", at: at, &out) ?? stringField(g, "targetGroupName", at: at, &out)
            if svc == nil, tgARN == nil {
                out.append(Finding(message: "has \(at) without serviceName or targetGroupARN: the controller refuses it (missing serviceName or targetGroupARN/targetGroupName) and fails to build the IngressGroup",
                                   hint: "add \"serviceName\" and \"servicePort\""))
            } else if svc != nil, let tgARN {
                out.append(Finding(message: "has \(at) with both serviceName and targetGroupARN '\(echo: tgARN)': the controller refuses it and fails to build the IngressGroup", hint: "keep one of them"))
            } else if let tgARN {
                out.append(Finding(message: "forwards to target group '\(echo: tgARN)' (\(at)), outside the cluster: netsim does not model it, and a trace through this rule ends NOT_MODELLED",
                                   hint: "forward to a Service of the cluster with serviceName to trace through it", warning: true))
            } else if let port = g["servicePort"], port != .null {
                switch port {
                case .number(let d):
                    if d != d.rounded() || d < -2147483648 || d > 2147483647 {
                        out.append(Finding(message: "has \(at).servicePort \(echo: fmt(d)), not a 32-bit whole number: the controller cannot decode it and fails to build the IngressGroup", hint: "write the Service's port number or name"))
                    } else if d < 1 || d > 65535 {
                        out.append(Finding(message: "has \(at).servicePort \(echo: fmt(d)), not a port of 1–65535: the controller finds no such port on Service '\(echo: svc ?? "")' (unable to find port) and fails to build the IngressGroup",
                                           hint: "write one of the Service's ports, by number or by name"))
                    }
                case .string: break
                default:
                    out.append(Finding(message: "has \(at).servicePort that is a JSON \(jsonKind(port)): the controller cannot decode it (int or string) and fails to build the IngressGroup", hint: "write the Service's port number or name"))
                }
            } else {
                out.append(Finding(message: "has \(at) without servicePort: the controller refuses it (missing servicePort) and fails to build the IngressGroup", hint: "add \"servicePort\": the Service's port number or name"))
            }
        }
    }

    /// The target group outside the cluster a forward action sends to (its targetGroupARN or
    /// targetGroupName, or those of the target group netsim follows), if it does.
    static func externalTargetGroup(_ v: JSONValue) -> String? {
        guard v["type"]?.string == "forward" else { return nil }
        if let arn = v["targetGroupARN"]?.string ?? v["targetGroupName"]?.string { return arn }
        let groups = v["forwardConfig"]?["targetGroups"]?.array ?? []
        guard let g = groups.first(where: { ($0["weight"]?.int ?? 1) > 0 }) ?? groups.first else { return nil }
        return g["targetGroupARN"]?.string ?? g["targetGroupName"]?.string
    }

    static func fmt(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e18 ? String(Int64(d)) : "\(d)" }

    /// A `conditions.<name>` annotation's problems: Go decodes it into a list of conditions
    /// and validates each (`RuleCondition.Validate`); the controller's validating webhook runs
    /// the same check and refuses the Ingress. An unknown `field` passes both and is ignored.
    static func conditionFindings(_ v: JSONValue) -> [Finding] {
        var out: [Finding] = []
        if v == .null { return out }
        guard let list = v.array else {
            return [Finding(message: "is a JSON \(jsonKind(v)), not a list of conditions: the controller cannot decode it; its webhook refuses the Ingress, and without the webhook the controller fails to build the IngressGroup",
                            hint: "write a JSON list: [{\"field\": \"host-header\", \"hostHeaderConfig\": {\"values\": [\"a.example.com\"]}}]")]
        }
        let refused = "the controller's webhook refuses the Ingress, and without the webhook the controller fails to build the IngressGroup"
        for (i, c) in list.enumerated() {
            let at = "[\(i)]"
            if c == .null { continue }
            guard case .object = c else {
                out.append(Finding(message: "has condition \(at) that is a JSON \(jsonKind(c)), not an object: the controller cannot decode it; \(refused)", hint: "write each condition as a JSON object"))
                continue
            }
            guard let field = stringField(c, "field", at: "condition \(at)", &out) else { continue }
            let configKey: String
            switch field {
            case "host-header": configKey = "hostHeaderConfig"
            case "path-pattern": configKey = "pathPatternConfig"
            case "http-header", "http-request-method", "query-string", "source-ip": continue
            default:
                out.append(Finding(message: "has condition \(at) with field '\(echo: field)', which the controller does not know: it ignores the condition, so the rule matches without it",
                                   hint: "use host-header, path-pattern, http-header, http-request-method, query-string or source-ip", warning: true))
                continue
            }
            guard let cfg = c[configKey], cfg != .null else {
                out.append(Finding(message: "has a \(field) condition \(at) without \(configKey): \(refused) (missing \(configKey))",
                                   hint: "write {\"field\": \"\(field)\", \"\(configKey)\": {\"values\": [\"…\"]}}"))
                continue
            }
            guard case .object = cfg else {
                out.append(Finding(message: "has condition \(at).\(configKey) that is a JSON \(jsonKind(cfg)), not an object: the controller cannot decode it; \(refused)", hint: "write \(configKey) as a JSON object with values"))
                continue
            }
            var counts: [Int] = []
            for key in ["values", "regexValues"] {
                let raw = cfg[key] ?? .null
                if raw == .null { counts.append(0); continue }
                guard let items = raw.array else {
                    out.append(Finding(message: "has condition \(at).\(configKey).\(key) that is a JSON \(jsonKind(raw)), not a list of strings: the controller cannot decode it; \(refused)", hint: "write a list of strings"))
                    counts.append(-1)
                    continue
                }
                if let bad = items.first(where: { $0.string == nil && $0 != .null }) {
                    out.append(Finding(message: "has a \(jsonKind(bad)) among condition \(at).\(configKey).\(key), which must be strings: the controller cannot decode it; \(refused)",
                                       hint: "write every value as a JSON string, e.g. [\"a.example.com\"]"))
                    counts.append(-1)
                    continue
                }
                counts.append(items.count)
            }
            if counts.allSatisfy({ $0 == 0 }) {
                out.append(Finding(message: "has a \(field) condition \(at) with no values: \(refused) (values or regexValues must be specified)", hint: "list the values to match"))
            } else if counts.allSatisfy({ $0 > 0 }) {
                out.append(Finding(message: "has a \(field) condition \(at) with both values and regexValues: \(refused) (precisely one of values and regexValues can be specified)", hint: "keep one of them"))
            }
        }
        return out
    }

    /// A boolean annotation the controller reads with Go's `strconv.ParseBool`: anything else
    /// fails the model build. `read` says whether the controller reads it at all (with these
    /// annotations).
    mutating func boolFinding(_ meta: ObjectMeta, _ key: String, ctx: String, read: Bool, unread why: String = "") {
        guard let raw = meta.annotations[key], Strconv.parseBool(raw) == nil else { return }
        let short = key.split(separator: "/").last.map(String.init) ?? key
        let hint = "write true or false (Go's strconv.ParseBool also takes 1, t, T, TRUE, True, 0, f, F, FALSE, False)"
        if read {
            issues.append(Issue(key: key, message: "\(ctx): \(short) '\(echo: raw)' is not a boolean: the controller fails to parse it (failed to parse bool annotation) and builds nothing for this load balancer",
                                location: meta.location(ofAnnotation: key), hint: hint))
        } else {
            issues.append(Issue(key: key, message: "\(ctx): \(short) '\(echo: raw)' is not a boolean; the controller reads it only \(why), and would then fail to build the load balancer",
                                location: meta.location(ofAnnotation: key), hint: hint, warning: true))
        }
    }

    /// `ssl-redirect`: a 32-bit number (`ParseInt32Annotation`) naming an HTTPS listen port of
    /// the group, else the controller fails to build the IngressGroup. Returns the port, or nil.
    mutating func sslRedirectPort(_ members: [Ingress], listen: [ALBSpec.ListenPort], ctx: String) -> Int? {
        let key = LBC.albPrefix + "ssl-redirect"
        guard let ing = members.first(where: { $0.meta.annotations[key] != nil }), let raw = ing.meta.annotations[key] else { return nil }
        let loc = ing.meta.location(ofAnnotation: key)
        let hint = "write the port of an HTTPS listener of the group, e.g. \"443\" with listen-ports '[{\"HTTP\": 80}, {\"HTTPS\": 443}]'"
        guard let port = Int32(raw) else {
            issues.append(Issue(key: key, message: "Ingress \(ing.meta.namespace)/\(ing.meta.name): ssl-redirect '\(echo: raw)' is not a port number: the controller fails to parse it (failed to parse int32 annotation) and fails to build the IngressGroup \(ctx)",
                                location: loc, hint: hint))
            return nil
        }
        guard let l = listen.first(where: { $0.port == Int(port) }) else {
            issues.append(Issue(key: key, message: "Ingress \(ing.meta.namespace)/\(ing.meta.name): ssl-redirect \(port) is not a listen port of the IngressGroup: the controller fails to build it (listener does not exist for SSLRedirect port: \(port))",
                                location: loc, hint: hint))
            return nil
        }
        guard l.proto == "HTTPS" else {
            issues.append(Issue(key: key, message: "Ingress \(ing.meta.namespace)/\(ing.meta.name): ssl-redirect \(port) names the \(l.proto) listener: the controller fails to build the IngressGroup (listener protocol non-SSL for SSLRedirect port: \(port))",
                                location: loc, hint: hint))
            return nil
        }
        return Int(port)
    }
}
