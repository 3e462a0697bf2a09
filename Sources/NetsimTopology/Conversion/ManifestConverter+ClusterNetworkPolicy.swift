import NetsimModel
import Yams

/// EKS's `networking.k8s.aws/v1alpha1` ClusterNetworkPolicy, read with the validation of its CRD
/// (amazon-network-policy-controller-k8s `config/crd/bases/networking.k8s.aws_clusternetworkpolicies.yaml`):
/// what the API server refuses is an error where it is written.
extension ManifestConverter {
    static let clusterPolicyAPIVersion = "networking.k8s.aws/v1alpha1"
    /// The CRD's MaxItems on rules, peers and ports, and on networks and domainNames.
    static let clusterPolicyMaxItems = 100
    static let clusterPolicyMaxAddresses = 25

    func clusterNetworkPolicy(_ r: MappingReader, apiVersion: String) {
        guard let meta = openCustomResource(r, kind: "ClusterNetworkPolicy", apiVersion: apiVersion, served: Self.clusterPolicyAPIVersion,
                                            by: "the EKS network policy controller", versionCode: .unsupportedVersion, namespaced: false) else { return }
        let ctx = "ClusterNetworkPolicy \(meta.name)"
        guard let spec = r.mapping("spec", context: "spec of \(ctx)") else {
            reporter.error(.clusterPolicySpec, "\(ctx) has no spec", at: meta.location,
                           hint: "the CRD requires spec.tier, spec.priority and spec.subject")
            return
        }
        var valid = true
        var tier: ClusterNetworkPolicy.Tier? = nil
        if let (t, loc) = spec.locatedString("tier") {
            tier = ClusterNetworkPolicy.Tier(rawValue: t)
            if tier == nil {
                valid = false
                reporter.error(.clusterPolicySpec, "tier '\(echo: t)' of \(ctx) is not Admin or Baseline", at: loc,
                               hint: "the CRD accepts tier: Admin (before NetworkPolicies) or tier: Baseline (after them)\(Suggestions.didYouMean(t, in: ["Admin", "Baseline"]).isEmpty ? "" : "; " + Suggestions.didYouMean(t, in: ["Admin", "Baseline"]))")
            }
        } else {
            valid = false
            reporter.error(.clusterPolicySpec, "\(ctx) has no spec.tier", at: spec.location, hint: "add tier: Admin or tier: Baseline")
        }
        var priority: Int? = nil
        if let n = spec.node("priority") {
            if case .scalar(let s) = n, let v = Int(s.string) {
                if (0...1000).contains(v) { priority = v } else {
                    valid = false
                    reporter.error(.clusterPolicySpec, "priority \(v) of \(ctx) is outside 0–1000", at: spec.valueLocation("priority"),
                                   hint: "the CRD accepts 0 to 1000; lower numbers take precedence within the tier")
                }
            } else {
                valid = false
                reporter.error(.clusterPolicySpec, "priority of \(ctx) must be a whole number, found \(n.kindDescription)\(n.scalarSuffix)",
                               at: spec.valueLocation("priority"), hint: "write a number from 0 to 1000")
            }
        } else {
            valid = false
            reporter.error(.clusterPolicySpec, "\(ctx) has no spec.priority", at: spec.location, hint: "add priority: a number from 0 to 1000 (lower wins)")
        }
        let subject = clusterPolicySubject(spec, ctx: ctx)
        if subject == nil { valid = false }
        let ingress = clusterPolicyRules(spec, ingress: true, ctx: ctx, valid: &valid)
        let egress = clusterPolicyRules(spec, ingress: false, ctx: ctx, valid: &valid)
        spec.finish(severity: .warning)
        r.finish(ignoring: ["apiVersion", "kind", "metadata", "spec", "status"], severity: .warning)
        guard valid, let tier, let priority, let subject else { return }
        var policy = ClusterNetworkPolicy(meta: meta, tier: tier, priority: priority, subject: subject, ingress: ingress, egress: egress)
        policy.priorityLocation = spec.valueLocation("priority")
        policy.tierLocation = spec.valueLocation("tier")
        objects.clusterNetworkPolicies.append(policy)
    }

    /// `spec.subject`: exactly one of `namespaces` and `pods` (MinProperties=1, MaxProperties=1).
    func clusterPolicySubject(_ spec: MappingReader, ctx: String) -> ClusterNetworkPolicy.Subject? {
        guard let s = spec.mapping("subject", context: "subject of \(ctx)") else {
            reporter.error(.clusterPolicySpec, "\(ctx) has no spec.subject", at: spec.location,
                           hint: "add subject: {namespaces: {}} for every pod, or subject: {pods: {namespaceSelector: …, podSelector: …}}")
            return nil
        }
        // A null field is absent (JSON drops it): `namespaces: null` is no subject, not "every namespace".
        let set = ["namespaces", "pods"].filter { s.node($0) != nil }
        guard set.count == 1 else {
            reporter.error(.clusterPolicySpec, "subject of \(ctx) sets \(set.isEmpty ? "neither namespaces nor pods" : "both namespaces and pods")", at: s.location,
                           hint: "the CRD requires exactly one of subject.namespaces and subject.pods")
            _ = s.node("namespaces"); _ = s.node("pods"); s.finish(severity: .warning)
            return nil
        }
        defer { s.finish(severity: .warning) }
        if set[0] == "namespaces" {
            return .namespaces(selector(s.mapping("namespaces", context: "subject.namespaces of \(ctx)")) ?? LabelSelector())
        }
        return namespacedPods(s, key: "pods", ctx: "subject.pods of \(ctx)").map { .pods($0) }
    }

    /// A `NamespacedPod`: namespaceSelector and podSelector, both required.
    func namespacedPods(_ r: MappingReader, key: String, ctx: String) -> ClusterNetworkPolicy.NamespacedPods? {
        guard let p = r.mapping(key, context: ctx) else {
            reporter.error(.clusterPolicyPeer, "\(ctx) must be a mapping with namespaceSelector and podSelector", at: r.valueLocation(key),
                           hint: "write {namespaceSelector: {}, podSelector: {matchLabels: {…}}} ({} selects all)")
            return nil
        }
        defer { p.finish(severity: .warning) }
        var ok = true
        for k in ["namespaceSelector", "podSelector"] where p.node(k) == nil {
            ok = false
            reporter.error(.clusterPolicyPeer, "\(ctx) has no \(k)", at: p.location, hint: "the CRD requires both namespaceSelector and podSelector; {} selects all")
        }
        let ns = selector(p.mapping("namespaceSelector", context: "namespaceSelector of \(ctx)"))
        let pods = selector(p.mapping("podSelector", context: "podSelector of \(ctx)"))
        guard ok else { return nil }
        return ClusterNetworkPolicy.NamespacedPods(namespaceSelector: ns ?? LabelSelector(), podSelector: pods ?? LabelSelector())
    }

    func clusterPolicyRules(_ spec: MappingReader, ingress isIngress: Bool, ctx: String, valid: inout Bool) -> [ClusterNetworkPolicy.Rule] {
        let key = isIngress ? "ingress" : "egress", peerKey = isIngress ? "from" : "to"
        guard let items = spec.list(key) else { return [] }
        if items.count > Self.clusterPolicyMaxItems {
            valid = false
            reporter.error(.clusterPolicyRule, "\(ctx) has \(items.count) \(key) rules; the CRD accepts at most \(Self.clusterPolicyMaxItems)", at: spec.valueLocation(key),
                           hint: "merge rules with the same action, or split the policy in two")
        }
        var rules: [ClusterNetworkPolicy.Rule] = []
        for item in items.prefix(Self.clusterPolicyMaxItems) {
            guard let rr = reader(item, "an \(key) rule of \(ctx)") else { valid = false; continue }
            let name = rr.string("name") ?? ""
            if name.utf8.count > 100 {
                valid = false
                reporter.error(.clusterPolicyRule, "\(key) rule name of \(ctx) is \(name.utf8.count) bytes long; the CRD accepts at most 100", at: rr.valueLocation("name"),
                               hint: "shorten the name")
            }
            var action: ClusterNetworkPolicy.Action? = nil
            if let (a, loc) = rr.locatedString("action") {
                action = ClusterNetworkPolicy.Action(rawValue: a)
                if action == nil {
                    let dym = Suggestions.didYouMean(a, in: ClusterNetworkPolicy.Action.allCases.map(\.rawValue))
                    reporter.error(.clusterPolicyRule, "action '\(echo: a)' of an \(key) rule of \(ctx) is not Accept, Deny or Pass", at: loc,
                                   hint: dym.isEmpty ? "the CRD accepts Accept, Deny or Pass (capitalised)" : dym)
                }
            } else {
                reporter.error(.clusterPolicyRule, "an \(key) rule of \(ctx) has no action", at: rr.location, hint: "add action: Accept, Deny or Pass")
            }
            var peers: [ClusterNetworkPolicy.Peer] = []
            var peersOK = true
            if let list = rr.list(peerKey) {
                if list.isEmpty || list.count > Self.clusterPolicyMaxItems {
                    peersOK = false
                    reporter.error(.clusterPolicyRule, "'\(peerKey)' of an \(key) rule of \(ctx) lists \(list.count) peers; the CRD accepts 1 to \(Self.clusterPolicyMaxItems)",
                                   at: rr.valueLocation(peerKey), hint: list.isEmpty ? "name at least one peer; {namespaces: {}} is every pod" : "split the rule")
                }
                for p in list.prefix(Self.clusterPolicyMaxItems) {
                    if let peer = clusterPolicyPeer(p, ingress: isIngress, ctx: ctx) { peers.append(peer) } else { peersOK = false }
                }
            } else {
                peersOK = false
                reporter.error(.clusterPolicyRule, "an \(key) rule of \(ctx) has no '\(peerKey)'", at: rr.location,
                               hint: "the CRD requires at least one peer; {namespaces: {}} is every pod")
            }
            if action != .Accept, action != nil, let dn = peers.first(where: { if case .domainNames = $0.selection { return true }; return false }) {
                peersOK = false
                reporter.error(.clusterPolicyRule, "an egress rule of \(ctx) with action \(action?.rawValue ?? "") has a domainNames peer", at: dn.location ?? rr.location,
                               hint: "the CRD accepts domainNames peers only with action: Accept")
            }
            var ports: [ClusterNetworkPolicy.Port]? = nil
            var portsOK = true
            if let list = rr.list("ports") {
                if list.isEmpty || list.count > Self.clusterPolicyMaxItems {
                    portsOK = false
                    reporter.error(.clusterPolicyRule, "'ports' of an \(key) rule of \(ctx) lists \(list.count) entries; the CRD accepts 1 to \(Self.clusterPolicyMaxItems)",
                                   at: rr.valueLocation("ports"), hint: list.isEmpty ? "leave ports out to match every port" : "use portRange entries")
                }
                var out: [ClusterNetworkPolicy.Port] = []
                for p in list.prefix(Self.clusterPolicyMaxItems) {
                    if let ps = clusterPolicyPort(p, ctx: ctx) { out += ps } else { portsOK = false }
                }
                ports = out
            }
            rr.finish(severity: .warning)
            guard let action, peersOK, portsOK, name.utf8.count <= 100 else { valid = false; continue }
            rules.append(ClusterNetworkPolicy.Rule(name: name, action: action, peers: peers, ports: ports, location: rr.location))
        }
        return rules
    }

    /// One peer: exactly one field; `networks` and `domainNames` on egress peers only.
    func clusterPolicyPeer(_ node: Node, ingress isIngress: Bool, ctx: String) -> ClusterNetworkPolicy.Peer? {
        guard let pr = reader(node, "a peer of \(ctx)") else { return nil }
        defer { pr.finish(severity: .warning) }
        let allowed = isIngress ? ["namespaces", "pods"] : ["namespaces", "pods", "networks", "domainNames"]
        let egressOnly = ["networks", "domainNames"]
        if isIngress, let bad = egressOnly.first(where: { pr.node($0) != nil }) {
            _ = pr.node(bad)
            reporter.error(.clusterPolicyPeer, "an ingress peer of \(ctx) sets \(bad), which only egress peers have", at: pr.keyLocation(bad),
                           hint: "ingress peers are namespaces or pods; move the \(bad) peer to an egress rule")
            return nil
        }
        let set = allowed.filter { pr.node($0) != nil }
        guard set.count == 1 else {
            for k in allowed { _ = pr.node(k) }
            reporter.error(.clusterPolicyPeer, set.isEmpty ? "a peer of \(ctx) sets none of \(allowed.joined(separator: ", "))" : "a peer of \(ctx) sets \(set.joined(separator: " and ")); the CRD requires exactly one",
                           at: pr.location, hint: "write one field per peer, e.g. - namespaces: {matchLabels: {team: a}}; list several peers for several kinds")
            return nil
        }
        switch set[0] {
        case "namespaces":
            return ClusterNetworkPolicy.Peer(.namespaces(selector(pr.mapping("namespaces", context: "namespaces peer of \(ctx)")) ?? LabelSelector()), location: pr.location)
        case "pods":
            return namespacedPods(pr, key: "pods", ctx: "pods peer of \(ctx)").map { ClusterNetworkPolicy.Peer(.pods($0), location: pr.location) }
        case "networks":
            guard let list = pr.list("networks") else { return nil }
            guard (1...Self.clusterPolicyMaxAddresses).contains(list.count) else {
                reporter.error(.clusterPolicyPeer, "a networks peer of \(ctx) lists \(list.count) CIDRs; the CRD accepts 1 to \(Self.clusterPolicyMaxAddresses)", at: pr.valueLocation("networks"),
                               hint: "split the CIDRs over several peers")
                return nil
            }
            var nets: [ClusterNetworkPolicy.Network] = []
            var seenText: Set<String> = []
            var ok = true
            for item in list {
                guard let text = MappingReader.scalarString(item, what: "a networks entry of \(ctx)", file: file, reporter: reporter) else { ok = false; continue }
                let loc = item.location(in: file)
                if !seenText.insert(text).inserted {
                    ok = false
                    reporter.error(.clusterPolicyPeer, "networks entry '\(echo: text)' of \(ctx) is listed twice", at: loc, hint: "the CRD's networks list is a set; remove the repeat")
                    continue
                }
                if text.utf8.count > 43 {
                    ok = false
                    reporter.error(.clusterPolicyPeer, "networks entry '\(echo: text)' of \(ctx) is \(text.utf8.count) characters; the CRD accepts at most 43", at: loc,
                                   hint: "write a CIDR such as 10.0.0.0/8 or fd00::/8")
                    continue
                }
                guard let c = IPCIDR(lenient: text) else {
                    ok = false
                    reporter.error(.invalidCIDR, "networks entry '\(echo: text)' of \(ctx) is not a CIDR", at: loc,
                                   hint: "the controller cannot parse it; write a CIDR such as 10.0.0.0/8 or fd00::/8 (no spaces)")
                    continue
                }
                if c.family == .ipv6 && !ipv6Cluster {
                    reporter.warning(.policyIPv6Peer, "networks entry \(c) of \(ctx) is IPv6 in an IPv4 cluster: the network policy agent cannot apply it, so it matches nothing", at: loc,
                                     hint: "remove it, or write the IPv4 range you mean")
                    continue
                }
                nets.append(ClusterNetworkPolicy.Network(cidr: c, location: loc))
            }
            return ok ? ClusterNetworkPolicy.Peer(.networks(nets), location: pr.location) : nil
        default:
            let names = pr.stringList("domainNames")
            guard (1...Self.clusterPolicyMaxAddresses).contains(names.count) else {
                reporter.error(.clusterPolicyPeer, "a domainNames peer of \(ctx) lists \(names.count) names; the CRD accepts 1 to \(Self.clusterPolicyMaxAddresses)", at: pr.valueLocation("domainNames"),
                               hint: "split the names over several peers")
                return nil
            }
            var ok = true
            var seenNames: Set<String> = []
            for (n, loc) in names {
                if !Self.isCRDDomainName(n) {
                    ok = false
                    reporter.error(.clusterPolicyPeer, "domain name '\(echo: n)' of \(ctx) does not match the CRD's pattern", at: loc,
                                   hint: "write a name such as example.com or *.example.com ('*.' only as a prefix, labels of letters, digits, '-' and '_')")
                } else if !seenNames.insert(n).inserted {
                    ok = false
                    reporter.error(.clusterPolicyPeer, "domain name '\(echo: n)' of \(ctx) is listed twice", at: loc, hint: "the CRD's domainNames list is a set; remove the repeat")
                }
            }
            return ok ? ClusterNetworkPolicy.Peer(.domainNames(names.map(\.0)), location: pr.location) : nil
        }
    }

    /// The CRD's DomainName pattern: an optional `*.` prefix, at least two labels, an optional
    /// trailing dot; a label starts with a character in `A-z` or a digit (the pattern's `A-z`
    /// range includes `[\]^_` and backquote), holds letters, digits, '-' and '_', and ends with a
    /// letter or digit.
    static func isCRDDomainName(_ s: String) -> Bool {
        var b = Array(s.utf8)
        if b.count >= 2, b[0] == UInt8(ascii: "*"), b[1] == UInt8(ascii: ".") { b.removeFirst(2) }
        if b.last == UInt8(ascii: ".") { b.removeLast() }
        let labels = b.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        func alnum(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
        for l in labels {
            guard let f = l.first, let last = l.last else { return false }
            guard (f >= 0x41 && f <= 0x7A) || (f >= 0x30 && f <= 0x39) else { return false }
            if l.count == 1 { continue }
            guard alnum(last) else { return false }
            for c in l.dropFirst().dropLast() where !(alnum(c) || c == 0x2D || c == 0x5F) { return false }
        }
        return true
    }

    /// One ports entry: each of portNumber, portRange and namedPort it sets is a port (the
    /// controller adds one for each); none set is a warning.
    func clusterPolicyPort(_ node: Node, ctx: String) -> [ClusterNetworkPolicy.Port]? {
        guard let pr = reader(node, "a port of \(ctx)") else { return nil }
        defer { pr.finish(severity: .warning) }
        var out: [ClusterNetworkPolicy.Port] = []
        var ok = true
        func proto(_ r: MappingReader) -> IPProtocol? {
            let text = r.string("protocol")
            if let p = Self.k8sProtocol(text) { return p }
            reporter.error(.clusterPolicyPort, "protocol '\(echo: text ?? "")' of a port of \(ctx) is not TCP, UDP or SCTP", at: r.valueLocation("protocol"),
                           hint: "the agent matches only TCP, UDP and SCTP ports (upper case); leave it out for TCP")
            return nil
        }
        func number(_ r: MappingReader, _ key: String) -> UInt16? {
            guard let n = r.node(key) else {
                reporter.error(.clusterPolicyPort, "\(r.context) has no \(key)", at: r.location, hint: "the CRD requires \(key): a port from 1 to 65535")
                return nil
            }
            guard case .scalar(let s) = n, let v = Int(s.string), (1...65535).contains(v) else {
                reporter.error(.clusterPolicyPort, "\(key) \(n.scalarSuffix.isEmpty ? "(\(n.kindDescription))" : n.scalarSuffix.trimmingPrefixSpace) of \(r.context) is not a port from 1 to 65535",
                               at: r.valueLocation(key), hint: "the CRD accepts whole numbers from 1 to 65535")
                return nil
            }
            return UInt16(v)
        }
        if let n = pr.mapping("portNumber", context: "portNumber of a port of \(ctx)") {
            let p = proto(n), v = number(n, "port")
            n.finish(severity: .warning)
            if let p, let v { out.append(ClusterNetworkPolicy.Port(.number(p, v), location: pr.location)) } else { ok = false }
        }
        if let n = pr.mapping("portRange", context: "portRange of a port of \(ctx)") {
            let p = proto(n), start = number(n, "start"), end = number(n, "end")
            n.finish(severity: .warning)
            if let start, let end, start >= end {
                ok = false
                reporter.error(.clusterPolicyPort, "portRange of \(ctx) starts at \(start) and ends at \(end); the CRD requires start below end", at: n.valueLocation("end"),
                               hint: "for one port use portNumber; else make end greater than start")
            } else if let p, let start, let end {
                out.append(ClusterNetworkPolicy.Port(.range(p, start: start, end: end), location: pr.location))
            } else { ok = false }
        }
        if let (name, loc) = pr.locatedString("namedPort") {
            if name.isEmpty {
                ok = false
                reporter.error(.policyNamedPort, "namedPort of \(ctx) is empty", at: loc, hint: "name a container port, e.g. http")
            } else {
                out.append(ClusterNetworkPolicy.Port(.named(name), location: loc))
            }
        }
        if ok && out.isEmpty {
            reporter.warning(.clusterPolicyEmptyPort, "a ports entry of \(ctx) sets none of portNumber, portRange and namedPort: the controller adds no port for it", at: pr.location,
                             hint: "write portNumber: {protocol: TCP, port: 443}, portRange: {start: 8000, end: 8100} or namedPort: http")
        }
        return ok ? out : nil
    }
}

extension String {
    fileprivate var trimmingPrefixSpace: String { hasPrefix(" ") ? String(dropFirst()) : self }
}
