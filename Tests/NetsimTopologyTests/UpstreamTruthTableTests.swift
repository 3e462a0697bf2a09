import NetsimKube
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

/// The upstream NetworkPolicy truth tables: the cases of Kubernetes' e2e suite
/// (`test/e2e/network/netpol/network_policy.go`, written here from reading it), evaluated by
/// `UpstreamPolicyEngine` over the e2e's world: namespaces x, y, z (label `ns=<name>`, plus
/// `kubernetes.io/metadata.name`), pods a, b, c in each (label `pod=<name>`) serving ports 80
/// and 81 over TCP, UDP and SCTP (container ports named `serve-80-tcp`, …). Each case's
/// policies are manifests read by the real loader; each probe lists the expectation the way
/// the e2e writes its Reachability (everything allowed, then the exceptions) and checks all 81
/// ordered pod pairs: a pair connects when the client's egress and the server's ingress both
/// allow it. The e2e ignores a pod probing itself (its loopback is not defined by the suite);
/// here the engine allows it (the concept page: a pod cannot block access to itself), so each
/// expectation ends with the e2e's own `AllowLoopback`.
@Suite("upstream NetworkPolicy truth tables (Kubernetes e2e netpol)")
struct UpstreamTruthTableTests {
    @Test(arguments: UpstreamTruthTables.cases)
    func reproduces(_ c: UpstreamTruthTables.Case) throws {
        var policies: [(key: String, policy: NetworkPolicy)] = []
        var namespaceLabels = UpstreamTruthTables.namespaceLabels
        var podLabels = UpstreamTruthTables.podLabels
        for (s, step) in c.steps.enumerated() {
            if step.deleteAllPolicies { policies = [] }
            for (ns, labels) in step.namespaceLabels { namespaceLabels[ns, default: [:]].merge(labels) { $1 } }
            for (pod, labels) in step.podLabels { podLabels[pod, default: [:]].merge(labels) { $1 } }
            for p in try Self.parse(step.apply) {
                let key = "\(p.meta.namespace)/\(p.meta.name)"
                if let i = policies.firstIndex(where: { $0.key == key }) { policies[i].policy = p } else { policies.append((key, p)) }
            }
            let engine = UpstreamPolicyEngine(world: UpstreamTruthTables.world(namespaceLabels: namespaceLabels, podLabels: podLabels,
                                                                               policies: policies.map(\.policy)))
            for probe in step.probes {
                var wrong: [String] = []
                for from in UpstreamTruthTables.pods {
                    for to in UpstreamTruthTables.pods {
                        let flow = engine.evaluateFlow(from: try Self.endpoint(engine, from), to: try Self.endpoint(engine, to),
                                                       protocol: probe.proto.ipProtocol, port: probe.port)
                        let expected = probe.expected.value(from, to)
                        if flow.allowed != expected { wrong.append("\(from)→\(to) expected \(expected ? "allow" : "deny")") }
                        // Every decision names what decided it, where the manifest writes it.
                        for d in [flow.egress, flow.ingress].compactMap({ $0 }) {
                            if d.basis == .allowedByRule { #expect(d.allowedBy.first?.ruleLocation?.file.hasSuffix("policies.yaml") == true) }
                            if d.verdict == .denied { #expect(!d.isolatingPolicies.isEmpty) }
                        }
                    }
                }
                #expect(wrong.isEmpty, "step \(s + 1), \(probe.proto.rawValue)/\(probe.port): \(wrong.joined(separator: ", "))")
            }
        }
    }

    /// The truth tables cover the e2e's cases: at least 40, each named after its test, and
    /// every probe of every case states all 81 pairs.
    @Test func coverage() {
        let cases = UpstreamTruthTables.cases
        #expect(cases.count >= 40)
        #expect(Set(cases.map(\.name)).count == cases.count)
        #expect(cases.flatMap(\.steps).flatMap(\.probes).count >= 60)
        #expect(UpstreamTruthTables.pods.count == 9)
    }

    static func endpoint(_ engine: UpstreamPolicyEngine, _ key: String) throws -> UpstreamEndpoint {
        let i = try #require(engine.pod(key: key))
        return UpstreamEndpoint(address: engine.world.pods[i].ip, pod: i)
    }

    /// Policies read by the real loader (a minimal topology whose manifests are these).
    static func parse(_ documents: [String]) throws -> [NetworkPolicy] {
        if documents.isEmpty { return [] }
        let s = Scratch()
        s.write("policies.yaml", documents.joined(separator: "---\n"))
        let r = loader.load(path: s.write("t.yaml", minimalTopology + "kubernetes:\n  manifests: [policies.yaml]\n"))
        let errors = r.diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors)")
        return try #require(r.topology).kubernetes.networkPolicies
    }
}

/// The e2e's model, its Reachability and its cases.
enum UpstreamTruthTables {
    static let namespaces = ["x", "y", "z"]
    static let podNames = ["a", "b", "c"]
    static let pods = namespaces.flatMap { ns in podNames.map { "\(ns)/\($0)" } }
    static let namespaceLabels: [String: [String: String]] = Dictionary(uniqueKeysWithValues: namespaces.map { ($0, ["ns": $0]) })
    static let podLabels: [String: [String: String]] = Dictionary(uniqueKeysWithValues: pods.map { ($0, ["pod": String($0.suffix(1))]) })

    /// x/a is 10.0.1.10, x/b 10.0.1.11, …, z/c 10.0.3.12; one node per namespace.
    static func ip(_ pod: String) -> IPv4Address {
        let ns = UInt8((namespaces.firstIndex(of: String(pod.prefix(1))) ?? 0) + 1)
        let p = UInt8((podNames.firstIndex(of: String(pod.suffix(1))) ?? 0) + 10)
        return IPv4Address(10, 0, ns, p)
    }

    static func world(namespaceLabels: [String: [String: String]], podLabels: [String: [String: String]],
                      policies: [NetworkPolicy]) -> PolicyWorld {
        let containerPorts = [UInt16(80), 81].flatMap { port in
            [("tcp", IPProtocol.tcp), ("udp", .udp), ("sctp", .number(132))].map { name, proto in
                ContainerPort(name: "serve-\(port)-\(name)", containerPort: port, ipProtocol: proto)
            }
        }
        let world = pods.map { key in
            let ns = String(key.prefix(1)), node = IPv4Address(10, 0, 0, UInt8((namespaces.firstIndex(of: ns) ?? 0) + 1))
            return PolicyWorld.Pod(namespace: ns, name: String(key.suffix(1)), labels: podLabels[key] ?? [:], ip: ip(key),
                                   nodeIP: node, nodeName: "node-\(ns)", hostNetwork: false, containerPorts: containerPorts)
        }
        return PolicyWorld(namespaceLabels: namespaceLabels, pods: world, services: [], networkPolicies: policies,
                           nodeIPs: (1...3).map { IPv4Address(10, 0, 0, UInt8($0)) })
    }

    /// The e2e's `Peer`: an empty namespace or pod matches every one.
    struct Peer {
        var ns: String? = nil
        var pod: String? = nil
        func matches(_ key: String) -> Bool {
            (ns.map { key.hasPrefix("\($0)/") } ?? true) && (pod.map { key.hasSuffix("/\($0)") } ?? true)
        }
    }

    /// The e2e's Reachability: a default, then exceptions set in order (later ones win).
    struct Reachability: Sendable {
        private var table: [String: Bool] = [:]
        init(_ build: (inout Reachability) -> Void) {
            for f in UpstreamTruthTables.pods { for t in UpstreamTruthTables.pods { table["\(f) \(t)"] = true } }
            build(&self)
            allowLoopback()
        }
        func value(_ from: String, _ to: String) -> Bool { table["\(from) \(to)"] ?? true }
        mutating func expect(_ from: String, _ to: String, _ connected: Bool) { table["\(from) \(to)"] = connected }
        mutating func expectPeer(_ from: Peer, _ to: Peer, _ connected: Bool) {
            for f in UpstreamTruthTables.pods where from.matches(f) { for t in UpstreamTruthTables.pods where to.matches(t) { expect(f, t, connected) } }
        }
        mutating func expectAllIngress(_ pod: String, _ connected: Bool) { for f in UpstreamTruthTables.pods { expect(f, pod, connected) } }
        mutating func expectAllEgress(_ pod: String, _ connected: Bool) { for t in UpstreamTruthTables.pods { expect(pod, t, connected) } }
        mutating func allowLoopback() { for p in UpstreamTruthTables.pods { expect(p, p, true) } }
    }

    enum Proto: String, Sendable {
        case TCP, UDP, SCTP
        var ipProtocol: IPProtocol {
            switch self { case .TCP: return .tcp; case .UDP: return .udp; case .SCTP: return .number(132) }
        }
    }

    struct Probe: Sendable {
        var port: UInt16
        var proto: Proto
        var expected: Reachability
        init(_ port: UInt16, _ proto: Proto = .TCP, _ build: (inout Reachability) -> Void = { _ in }) {
            self.port = port; self.proto = proto; self.expected = Reachability(build)
        }
    }

    struct Step: Sendable {
        /// Policies created, or replaced when one of the same namespace and name exists.
        var apply: [String] = []
        var deleteAllPolicies = false
        /// Labels added to namespaces and pods before probing.
        var namespaceLabels: [String: [String: String]] = [:]
        var podLabels: [String: [String: String]] = [:]
        var probes: [Probe]
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var steps: [Step]
        var testDescription: String { name }
        init(_ name: String, _ steps: [Step]) { self.name = name; self.steps = steps }
        init(_ name: String, apply: [String], _ probes: [Probe]) { self.init(name, [Step(apply: apply, probes: probes)]) }
    }

    /// A NetworkPolicy manifest: `spec` is the YAML under `spec:`.
    static func np(_ ns: String, _ name: String, _ spec: String) -> String {
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: \(name), namespace: \(ns)}\nspec:\n"
            + spec.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
    }

    static let x = Peer(ns: "x"), y = Peer(ns: "y"), z = Peer(ns: "z"), any = Peer()
    static let xa = Peer(ns: "x", pod: "a")

    static let denyIngressX = np("x", "deny-ingress", "podSelector: {}\npolicyTypes: [Ingress]")
    static let denyAllX = np("x", "deny-all", "podSelector: {}\npolicyTypes: [Ingress, Egress]")
    /// x/a admits ingress from the pods matching `from` (one peer), on `ports` if given.
    static func xaIngress(_ name: String, _ from: String, ports: String? = nil) -> String {
        np("x", name, """
        podSelector: {matchLabels: {pod: a}}
        policyTypes: [Ingress]
        ingress:
        - from:
          - \(from)
        """ + (ports.map { "\n  ports: \($0)" } ?? ""))
    }
    static let fromNamespaceY = "namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}"
    static let fromYA = "{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}, podSelector: {matchLabels: {pod: a}}}"
    /// x/a's egress to y/a only.
    static let xaEgressToYA = np("x", "allow-to-ns-y-pod-a", """
    podSelector: {matchLabels: {pod: a}}
    policyTypes: [Egress]
    egress:
    - to:
      - {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}, podSelector: {matchLabels: {pod: a}}}
    """)
    /// Egress of x/a to an ipBlock.
    static func xaEgressCIDR(_ block: String) -> String {
        np("x", "allow-client-a-via-cidr-egress-rule", """
        podSelector: {matchLabels: {pod: a}}
        policyTypes: [Egress]
        egress:
        - to:
          - ipBlock: \(block)
        """)
    }
    /// x/b's address (10.0.1.11) and the /4 around it, as the e2e builds them.
    static let xbHost = "10.0.1.11/32", aroundXB = "0.0.0.0/4"

    static let cases: [Case] = tcpCases + protocolCases

    static let tcpCases: [Case] = [
        Case("should support a 'default-deny-ingress' policy", apply: [denyIngressX], [
            Probe(80) { $0.expectPeer(any, x, false) },
        ]),
        Case("should support a 'default-deny-all' policy", apply: [denyAllX], [
            Probe(80) { $0.expectPeer(any, x, false); $0.expectPeer(x, any, false) },
        ]),
        Case("should enforce policy to allow traffic from pods within server namespace based on PodSelector",
             apply: [xaIngress("x-a-allows-x-b", "podSelector: {matchLabels: {pod: b}}")], [
            Probe(80) { $0.expectAllIngress("x/a", false); $0.expect("x/b", "x/a", true) },
        ]),
        Case("should enforce policy to allow ingress traffic for a target", apply: [
            np("x", "deny-all", "podSelector: {}\npolicyTypes: [Ingress]"),
            xaIngress("allow-all-to-a", "{podSelector: {}, namespaceSelector: {}}"),
        ], [
            Probe(80) { $0.expectPeer(any, x, false); $0.expectAllIngress("x/a", true) },
        ]),
        Case("should enforce policy to allow ingress traffic from pods in all namespaces",
             apply: [xaIngress("allow-from-another-ns", "namespaceSelector: {matchLabels: {}}")], [
            Probe(80),
        ]),
        Case("should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector",
             apply: [xaIngress("allow-client-a-via-ns-selector", fromNamespaceY)], [
            Probe(80) { $0.expectPeer(x, xa, false); $0.expectPeer(z, xa, false) },
        ]),
        Case("should enforce policy based on PodSelector with MatchExpressions",
             apply: [xaIngress("x-a-allows-x-b", "podSelector: {matchExpressions: [{key: pod, operator: In, values: [b]}]}")], [
            Probe(80) { $0.expectAllIngress("x/a", false); $0.expect("x/b", "x/a", true) },
        ]),
        Case("should enforce policy based on NamespaceSelector with MatchExpressions",
             apply: [xaIngress("allow-ns-y-match-selector",
                               "namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [y]}]}")], [
            Probe(80) { $0.expectPeer(x, xa, false); $0.expectPeer(z, xa, false) },
        ]),
        Case("should enforce policy based on PodSelector or NamespaceSelector", apply: [np("x", "allow-ns-y-match-selector", """
        podSelector: {matchLabels: {pod: a}}
        policyTypes: [Ingress]
        ingress:
        - from:
          - namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}]}
          - podSelector: {matchLabels: {pod: b}}
        """)], [
            Probe(80) { $0.expect("x/a", "x/a", false); $0.expect("x/c", "x/a", false) },
        ]),
        Case("should enforce policy based on PodSelector and NamespaceSelector", apply: [xaIngress("allow-ns-y-podselector-and-nsselector",
            "{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}]}, podSelector: {matchLabels: {pod: b}}}")], [
            Probe(80) { $0.expectAllIngress("x/a", false); $0.expect("y/b", "x/a", true); $0.expect("z/b", "x/a", true) },
        ]),
        Case("should enforce policy based on Multiple PodSelectors and NamespaceSelectors", apply: [xaIngress("allow-ns-y-z-pod-b-c",
            "{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}]}, podSelector: {matchExpressions: [{key: pod, operator: In, values: [b, c]}]}}")], [
            Probe(80) { $0.expectPeer(x, xa, false); $0.expect("y/a", "x/a", false); $0.expect("z/a", "x/a", false) },
        ]),
        Case("should enforce policy based on any PodSelectors", apply: [np("x", "allow-ns-x-pod-b-c", """
        podSelector: {matchLabels: {pod: a}}
        policyTypes: [Ingress]
        ingress:
        - from:
          - podSelector: {matchLabels: {pod: b}}
          - podSelector: {matchLabels: {pod: c}}
        """)], [
            Probe(80) { $0.expectAllIngress("x/a", false); $0.expect("x/b", "x/a", true); $0.expect("x/c", "x/a", true) },
        ]),
        Case("should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector",
             apply: [xaIngress("allow-ns-y-pod-a-via-namespace-pod-selector", fromYA)], [
            Probe(80) { $0.expectAllIngress("x/a", false); $0.expect("y/a", "x/a", true) },
        ]),
        Case("should enforce policy based on Ports",
             apply: [xaIngress("allow-client-a-via-ns-selector", fromNamespaceY, ports: "[{port: 81, protocol: TCP}]")], [
            Probe(81) { $0.expectPeer(x, xa, false); $0.expectPeer(y, xa, true); $0.expectPeer(z, xa, false) },
        ]),
        Case("should enforce multiple, stacked policies with overlapping podSelectors", [
            Step(apply: [xaIngress("allow-client-a-via-ns-selector", fromNamespaceY, ports: "[{port: 81, protocol: TCP}]")], probes: [
                Probe(81) { $0.expectPeer(x, xa, false); $0.expectPeer(y, xa, true); $0.expectPeer(z, xa, false) },
                Probe(80) { $0.expectAllIngress("x/a", false) },
            ]),
            Step(apply: [xaIngress("allow-client-a-via-ns-selector-80", fromNamespaceY, ports: "[{port: 80, protocol: TCP}]")], probes: [
                Probe(80) { $0.expectPeer(x, xa, false); $0.expectPeer(y, xa, true); $0.expectPeer(z, xa, false) },
            ]),
        ]),
        Case("should support allow-all policy", apply: [np("x", "allow-all", "podSelector: {}\npolicyTypes: [Ingress]\ningress:\n- {}")], [
            Probe(80), Probe(81),
        ]),
        Case("should allow ingress access on one named port",
             apply: [np("x", "allow-all", "podSelector: {}\npolicyTypes: [Ingress]\ningress:\n- ports: [{port: serve-81-tcp}]")], [
            Probe(81),
            Probe(80) { $0.expectPeer(any, x, false) },
        ]),
        Case("should allow ingress access from namespace on one named port",
             apply: [xaIngress("allow-client-a-via-ns-selector-80", fromNamespaceY, ports: "[{port: serve-80-tcp, protocol: TCP}]")], [
            Probe(80) { $0.expectPeer(x, xa, false); $0.expectPeer(z, xa, false) },
            Probe(81) { $0.expectAllIngress("x/a", false) },
        ]),
        Case("should allow egress access on one named port",
             apply: [np("x", "allow-egress", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- ports: [{port: serve-80-tcp}]")], [
            Probe(80),
            Probe(81) { $0.expectPeer(x, any, false) },
        ]),
        Case("should enforce updated policy", [
            Step(apply: [np("x", "allow-all-mutate-to-deny-all", "podSelector: {}\npolicyTypes: [Ingress]\ningress:\n- {}")], probes: [Probe(81)]),
            Step(apply: [np("x", "allow-all-mutate-to-deny-all", "podSelector: {}\npolicyTypes: [Ingress]\ningress: []")], probes: [
                Probe(81) { $0.expectPeer(any, x, false) },
            ]),
        ]),
        Case("should allow ingress access from updated namespace", [
            Step(apply: [xaIngress("allow-client-a-via-ns-selector", "namespaceSelector: {matchLabels: {ns2: updated}}")], probes: [
                Probe(80) { $0.expectAllIngress("x/a", false) },
            ]),
            Step(namespaceLabels: ["y": ["ns2": "updated"]], probes: [
                Probe(80) { $0.expectAllIngress("x/a", false); $0.expectPeer(y, any, true) },
            ]),
        ]),
        Case("should allow ingress access from updated pod", [
            Step(apply: [xaIngress("allow-client-a-via-pod-selector", "podSelector: {matchLabels: {pod: b, pod2: updated}}")], probes: [
                Probe(80) { $0.expectAllIngress("x/a", false) },
            ]),
            Step(podLabels: ["x/b": ["pod2": "updated"]], probes: [
                Probe(80) { $0.expectAllIngress("x/a", false); $0.expect("x/b", "x/a", true) },
            ]),
        ]),
        Case("should deny ingress from pods on other namespaces", apply: [np("x", "deny-empty-policy", """
        podSelector: {}
        policyTypes: [Ingress]
        ingress:
        - from:
          - podSelector: {matchLabels: {}}
        """)], [
            Probe(80) { $0.expectPeer(y, x, false); $0.expectPeer(z, x, false) },
        ]),
        Case("should deny ingress access to updated pod", [
            Step(apply: [np("x", "deny-ingress-via-label-selector", "podSelector: {matchLabels: {target: isolated}}\npolicyTypes: [Ingress]")],
                 probes: [Probe(80)]),
            Step(podLabels: ["x/a": ["target": "isolated"]], probes: [Probe(80) { $0.expectAllIngress("x/a", false) }]),
        ]),
        Case("should deny egress from pods based on PodSelector",
             apply: [np("x", "deny-egress-pod-a", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]")], [
            Probe(80) { $0.expectAllEgress("x/a", false) },
        ]),
        Case("should deny egress from all pods in a namespace", apply: [np("x", "deny-egress-ns-x", "podSelector: {}\npolicyTypes: [Egress]")], [
            Probe(80) { $0.expectPeer(x, any, false) },
        ]),
        Case("should work with Ingress, Egress specified together", apply: [np("x", "allow-client-a-via-pod-selector", """
        podSelector: {matchLabels: {pod: a}}
        policyTypes: [Egress, Ingress]
        ingress:
        - from:
          - podSelector: {matchLabels: {pod: b}}
        egress:
        - ports: [{port: 80}]
        """)], [
            Probe(80) { $0.expectAllIngress("x/a", false); $0.expect("x/b", "x/a", true) },
            Probe(81) { $0.expectAllIngress("x/a", false); $0.expectAllEgress("x/a", false); $0.expect("x/b", "x/a", true) },
        ]),
        Case("should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)", apply: [
            xaEgressToYA,
            np("y", "allow-from-xa-on-ya-match-selector", """
            podSelector: {matchLabels: {pod: a}}
            policyTypes: [Ingress]
            ingress:
            - from:
              - {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: x}}, podSelector: {matchLabels: {pod: a}}}
            """),
            np("y", "allow-from-xa-on-yb-match-selector", """
            podSelector: {matchLabels: {pod: b}}
            policyTypes: [Ingress]
            ingress:
            - from:
              - {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: x}}, podSelector: {matchLabels: {pod: a}}}
            """),
        ], [
            Probe(80) {
                $0.expectPeer(xa, any, false); $0.expectPeer(any, Peer(ns: "y", pod: "a"), false)
                $0.expectPeer(xa, Peer(ns: "y", pod: "a"), true); $0.expectPeer(any, Peer(ns: "y", pod: "b"), false)
            },
        ]),
        Case("should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector",
             apply: [xaEgressToYA], [
            Probe(80) { $0.expectAllEgress("x/a", false); $0.expect("x/a", "y/a", true) },
        ]),
        Case("should enforce ingress policy allowing any port traffic to a server on a specific protocol",
             apply: [np("x", "allow-ingress-by-proto", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Ingress]\ningress:\n- ports: [{protocol: TCP}]")], [
            Probe(80, .TCP),
            Probe(80, .UDP) { $0.expectPeer(any, xa, false) },
        ]),
        Case("should enforce multiple ingress policies with ingress allow-all policy taking precedence", [
            Step(apply: [np("x", "allow-ingress-port-80", "podSelector: {}\npolicyTypes: [Ingress]\ningress:\n- ports: [{port: 80}]")], probes: [
                Probe(81) { $0.expectPeer(any, x, false) },
            ]),
            Step(apply: [np("x", "allow-ingress", "podSelector: {}\npolicyTypes: [Ingress]\ningress:\n- {}")], probes: [Probe(81)]),
        ]),
        Case("should enforce multiple egress policies with egress allow-all policy taking precedence", [
            Step(apply: [np("x", "allow-egress-port-80", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- ports: [{port: 80}]")], probes: [
                Probe(81) { $0.expectPeer(x, any, false) },
            ]),
            Step(apply: [np("x", "allow-egress", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- {}")], probes: [Probe(81)]),
        ]),
        Case("should stop enforcing policies after they are deleted", [
            Step(apply: [denyAllX], probes: [Probe(80) { $0.expectPeer(x, any, false); $0.expectPeer(any, x, false) }]),
            Step(deleteAllPolicies: true, probes: [Probe(80)]),
        ]),
        Case("should allow egress access to server in CIDR block", apply: [xaEgressCIDR("{cidr: 10.0.2.11/32}")], [
            Probe(80) { $0.expectAllEgress("x/a", false); $0.expect("x/a", "y/b", true) },
        ]),
        Case("should enforce except clause while egress access to server in CIDR block",
             apply: [xaEgressCIDR("{cidr: \(aroundXB), except: [\(xbHost)]}")], [
            Probe(80) { $0.expect("x/a", "x/b", false) },
        ]),
        Case("should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed", [
            Step(apply: [xaEgressCIDR("{cidr: \(aroundXB), except: [\(xbHost)]}")], probes: [Probe(80) { $0.expect("x/a", "x/b", false) }]),
            // The e2e updates the policy (same name) to the /32 of x/b alone.
            Step(apply: [xaEgressCIDR("{cidr: \(xbHost)}")], probes: [
                Probe(80) { $0.expectAllEgress("x/a", false); $0.expect("x/a", "x/b", true) },
            ]),
        ]),
        Case("should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector", [
            Step(apply: [np("x", "allow-egress-for-target", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]\negress:\n- {}")],
                 probes: [Probe(80)]),
            Step(apply: [np("x", "deny-ingress-via-label-selector", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Ingress]")], probes: [
                Probe(80) { $0.expectAllIngress("x/a", false) },
            ]),
        ]),
        Case("should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP", apply: [
            denyIngressX,
            np("x", "allow-only-sctp-ingress-on-port-81", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Ingress]\ningress:\n- ports: [{port: 81, protocol: SCTP}]"),
        ], [
            Probe(81) { $0.expectPeer(any, x, false) },
        ]),
        Case("should properly isolate pods that are selected by a policy allowing SCTP, even if the plugin doesn't support SCTP", apply: [
            np("x", "allow-only-sctp-ingress-on-port-80", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Ingress]\ningress:\n- ports: [{port: 80, protocol: SCTP}]"),
        ], [
            Probe(81) { $0.expectAllIngress("x/a", false) },
        ]),
        Case("should not allow access by TCP when a policy specifies only UDP", apply: [
            np("x", "allow-only-udp-ingress-on-port-81", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Ingress]\ningress:\n- ports: [{port: 81, protocol: UDP}]"),
        ], [
            Probe(81) { $0.expectAllIngress("x/a", false) },
        ]),
        Case("should enforce policy to allow traffic based on NamespaceSelector with MatchLabels using default ns label",
             apply: [xaIngress("allow-client-a-via-ns-selector-for-immutable-ns-label", fromNamespaceY)], [
            Probe(80) { $0.expectPeer(x, xa, false); $0.expectPeer(z, xa, false) },
        ]),
        Case("should enforce policy based on NamespaceSelector with MatchExpressions using default ns label", apply: [
            np("x", "allow-ns-y-match-selector-for-immutable-ns-label", """
            podSelector: {matchLabels: {pod: a}}
            policyTypes: [Egress]
            egress:
            - to:
              - namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [y]}]}
            """),
        ], [
            Probe(80) { $0.expectPeer(xa, y, false) },
        ]),
    ]

    /// The e2e's UDP and SCTP contexts: the same three cases over each protocol.
    static let protocolCases: [Case] = [Proto.UDP, .SCTP].flatMap { proto -> [Case] in
        let context = "using \(proto.rawValue): "
        return [
            Case(context + "should support a 'default-deny-ingress' policy", apply: [np("x", "deny-all", "podSelector: {}\npolicyTypes: [Ingress]")], [
                Probe(80, proto) { $0.expectPeer(any, x, false) },
            ]),
            Case(context + "should enforce policy based on Ports", apply: [
                xaIngress("allow-ingress-on-port-81-ns-x", fromNamespaceY, ports: "[{port: 81, protocol: \(proto.rawValue)}]"),
            ], [
                Probe(81, proto) { $0.expectPeer(x, xa, false); $0.expectPeer(z, xa, false) },
            ]),
            Case(context + "should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector",
                 apply: [xaIngress("allow-ns-y-pod-a-via-namespace-pod-selector", fromYA)], [
                Probe(80, proto) { $0.expectAllIngress("x/a", false); $0.expect("y/a", "x/a", true) },
            ]),
        ]
    }
}
