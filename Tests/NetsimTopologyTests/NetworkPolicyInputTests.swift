import Foundation
import NetsimModel
import NetsimTestSupport
import Testing
@testable import NetsimTopology

/// Hostile and wrong NetworkPolicy and ClusterNetworkPolicy input: every case ends in located
/// diagnostics with their codes, never a crash; and the enforcer settings come out of the rules.
@Suite struct NetworkPolicyInputTests {
    /// The minimal topology with `cluster` lines added after `serviceCidr` and `manifests` (each
    /// item indented as an item of `kubernetes.manifests`).
    func topology(cluster: String = "  networkPolicy: {enforcer: vpc-cni}\n", manifests: String = "") -> String {
        var t = minimalTopology.replacingOccurrences(of: "  serviceCidr: 172.20.0.0/16\n", with: "  serviceCidr: 172.20.0.0/16\n" + cluster)
        if !manifests.isEmpty { t += "kubernetes:\n  manifests:\n" + manifests }
        return t
    }

    /// The 1-based line of the first line of `text` that contains `marker` (nth occurrence).
    func line(_ marker: String, in text: String, _ nth: Int = 1) -> Int {
        var seen = 0
        for (i, l) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where l.contains(marker) {
            seen += 1
            if seen == nth { return i + 1 }
        }
        return -1
    }

    func load(_ text: String) -> LoadResult {
        let s = Scratch()
        return loader.load(path: s.write("t.yaml", text))
    }

    /// A NetworkPolicy of namespace default selecting app=web, with `spec` lines after podSelector.
    func policy(_ spec: String) -> String {
        """
            - apiVersion: networking.k8s.io/v1
              kind: NetworkPolicy
              metadata: {name: p, namespace: default}
              spec:
                podSelector: {matchLabels: {app: web}}
        \(spec)
        """
    }

    /// Every diagnostic is placed in the topology file on a real line, and quotes input clipped.
    func expectLocated(_ r: LoadResult, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        for d in r.diagnostics {
            #expect(d.location.file.hasSuffix("t.yaml") && d.location.line > 0 && d.location.column > 0, "\(d.formatted)", sourceLocation: sourceLocation)
            #expect(d.message.utf8.count < 2_000, "\(d.code.id) message of \(d.message.utf8.count) bytes", sourceLocation: sourceLocation)
        }
    }

    // MARK: ports

    @Test(arguments: ["9223372036854775807", "-1", "65536", "0", "99999999999999999999999999", "-9223372036854775808"])
    func hostilePortNumbersAreLocatedErrors(_ port: String) throws {
        let text = topology(manifests: policy("""
                ingress:
                  - ports:
                      - {protocol: TCP, port: \(port)}
        """))
        let r = load(text)
        expectLocated(r)
        let d = try #require(r.first(.invalidPort), "\(r.diagnostics.map(\.formatted))")
        #expect(d.severity == .error && d.location.line == line("port: \(port)", in: text))
        #expect(r.hasErrors)
    }

    @Test(arguments: ["9223372036854775807", "-1", "65536"])
    func hostileEndPortsAreLocatedErrors(_ end: String) throws {
        let r = load(topology(manifests: policy("""
                ingress:
                  - ports: [{protocol: TCP, port: 80, endPort: \(end)}]
        """)))
        expectLocated(r)
        #expect(r.codes.contains("NS0303"), "\(r.diagnostics.map(\.formatted))")
    }

    @Test func endPortRulesOfTheAPIServer() throws {
        let text = topology(manifests: policy("""
                ingress:
                  - ports:
                      - {protocol: TCP, port: 90, endPort: 80}
                      - {protocol: TCP, port: http, endPort: 80}
                      - {protocol: TCP, endPort: 80}
                      - {protocol: TCP, port: 80, endPort: 80}
                      - {protocol: ICMP, port: 80}
                      - {protocol: TCP, port: Not_A_Name}
                      - {protocol: TCP, port: "1234"}
        """))
        let r = load(text)
        expectLocated(r)
        let first = line("port: 90, endPort: 80", in: text)
        let endPorts = r.diagnostics.filter { $0.code == .policyEndPort }
        #expect(endPorts.map(\.location.line) == [first, first + 1, first + 2], "\(r.diagnostics.map(\.formatted))")
        #expect(r.diagnostics.contains { $0.code == .invalidValue && $0.location.line == first + 4 })
        // A quoted number is a string: the API server reads it as a port name, which needs a letter.
        #expect(r.diagnostics.filter { $0.code == .policyNamedPort }.map(\.location.line) == [first + 5, first + 6])
        // port == endPort is a one-port range the API server accepts.
        #expect(!r.diagnostics.contains { $0.location.line == first + 3 })
    }

    // MARK: labels and selectors

    @Test func megabyteLabelValuesAreClippedErrors() throws {
        let big = String(repeating: "v", count: 1 << 20)
        let text = topology(manifests: policy("""
                ingress:
                  - from:
                      - podSelector: {matchLabels: {app: \(big)}}
                      - namespaceSelector:
                          matchExpressions: [{key: team, operator: In, values: [\(big)]}]
        """))
        let r = load(text)
        expectLocated(r)
        #expect(r.diagnostics.filter { $0.code == .invalidLabel }.map(\.location.line) == [line("matchLabels: {app: v", in: text), line("key: team", in: text)],
                "\(r.diagnostics.map { $0.formatted.prefix(300) })")
    }

    @Test func selectorOperatorsAsTheAPIServerChecksThem() throws {
        let text = topology(manifests: policy("""
                ingress:
                  - from:
                      - podSelector:
                          matchExpressions:
                            - {key: app, operator: In}
                            - {key: app, operator: NotIn, values: []}
                            - {key: app, operator: Exists, values: [x]}
                            - {key: app, operator: DoesNotExist, values: [y]}
                            - {key: app, operator: Equals, values: [web]}
                            - {key: "bad key!", operator: Exists}
                            - {operator: Exists}
                            - {key: app, operator: In, values: [web]}
        """))
        let r = load(text)
        expectLocated(r)
        #expect(r.diagnostics.filter { $0.code == .selectorRequirement }.count == 4, "\(r.diagnostics.map(\.formatted))")
        #expect(r.diagnostics.contains { $0.code == .invalidValue && $0.location.line == line("operator: Equals", in: text) })
        #expect(r.diagnostics.contains { $0.code == .invalidLabel && $0.location.line == line("bad key!", in: text) })
        #expect(r.diagnostics.contains { $0.code == .missingKey && $0.location.line == line("- {operator: Exists}", in: text) })
        #expect(!r.diagnostics.contains { $0.location.line == line("operator: In, values: [web]", in: text) })
    }

    // MARK: peers

    @Test func tenThousandPeersAreReadWithoutComplaint() throws {
        let peers = (0..<10_000).map { "              - ipBlock: {cidr: 10.\($0 / 256).\($0 % 256).0/24}" }.joined(separator: "\n")
        let r = load(topology(manifests: policy("""
                ingress:
                  - from:
        \(peers)
        """)))
        let count = r.diagnostics.count
        #expect(count == 0, "\(r.diagnostics.prefix(3).map(\.formatted))")
        let p = try #require(r.topology?.kubernetes.networkPolicies.first)
        #expect(p.ingress.first?.peers.count == 10_000)
        #expect(p.ingress.first?.peers.last?.ipBlock?.cidr.description == "10.39.15.0/24")
    }

    @Test func emptyAndNullPeersNeverMeanEveryPeer() throws {
        let text = topology(manifests: policy("""
                ingress:
                  - from:
                      - {}
                      - {podSelector: null, ipBlock: null}
                      - {ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}
                  - from:
                      - null
                  - {}
        """))
        let r = load(text)
        expectLocated(r)
        let first = line("- {}", in: text)
        #expect(r.diagnostics.filter { $0.code == .policyPeer }.map(\.location.line) == [first, first + 1, first + 2], "\(r.diagnostics.map(\.formatted))")
        #expect(r.diagnostics.contains { $0.code == .wrongType && $0.location.line == first + 4 })
        let p = try #require(r.topology?.kubernetes.networkPolicies.first)
        // The refused peers are left out and the rule made only of them allows nothing: it is
        // dropped, never kept as a rule with no peers (which would allow every peer). `- {}`
        // (line 25) is a rule with no peers and no ports: every peer on every port, as written.
        #expect(p.ingress.count == 1 && p.ingress[0].peers.isEmpty && p.ingress[0].location?.line == line("- {}", in: text, 2))
    }

    @Test func nullEverywhere() throws {
        let r = load(topology(manifests: """
            - apiVersion: networking.k8s.io/v1
              kind: NetworkPolicy
              metadata: {name: a, namespace: default}
              spec: null
            - apiVersion: networking.k8s.io/v1
              kind: NetworkPolicy
              metadata: {name: b, namespace: default}
              spec: {podSelector: null, ingress: null, egress: [null], policyTypes: null}
            - apiVersion: networking.k8s.io/v1
              kind: NetworkPolicy
              metadata: {name: c, namespace: default}
              spec:
                ingress: [{from: [{ipBlock: {cidr: null, except: null}}], ports: [null, {port: null, endPort: null, protocol: null}]}]
            - apiVersion: networking.k8s.aws/v1alpha1
              kind: ClusterNetworkPolicy
              metadata: {name: d}
              spec: {tier: null, priority: null, subject: null, ingress: [null], egress: [{action: null, to: null, ports: null}]}
            - apiVersion: networking.k8s.aws/v1alpha1
              kind: ClusterNetworkPolicy
              metadata: {name: e}
              spec:
                tier: Admin
                priority: 1
                subject: {namespaces: null}
                egress: [{action: Deny, to: [{namespaces: null}, {pods: {namespaceSelector: null, podSelector: {}}}]}]
            - null

        """))
        expectLocated(r)
        #expect(r.hasErrors)
        let codes = Set(r.codes)
        #expect(codes.isSuperset(of: ["NS0203", "NS0202", "NS1208", "NS1209"]), "\(r.diagnostics.map(\.formatted))")
        // A null selector is absent, never "select everything": the subject and both peers are refused.
        #expect(r.topology?.kubernetes.clusterNetworkPolicies.isEmpty == true)
        #expect(r.diagnostics.filter { $0.code == .clusterPolicyPeer }.count == 2, "\(r.diagnostics.map(\.formatted))")
        #expect(r.diagnostics.contains { $0.code == .clusterPolicySpec && $0.message.contains("neither namespaces nor pods") })
    }

    @Test func deeplyNestedValuesStopAtTheNestingLimit() throws {
        let deep = String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)
        let r = load(topology(manifests: policy("""
                ingress:
                  - from: \(deep)
        """)))
        #expect(r.codes.contains("NS0103"), "\(r.diagnostics.prefix(3).map(\.formatted))")
        let shallow = String(repeating: "[", count: 50) + String(repeating: "]", count: 50)
        let s = load(topology(manifests: policy("""
                ingress:
                  - from: [\(shallow)]
                    ports: [\(shallow)]
        """)))
        expectLocated(s)
        #expect(s.codes.contains("NS0202"))
    }

    // MARK: CIDRs

    @Test(arguments: [" 10.0.0.0/8", "10.0.0.0/8 ", "10.0.0.0 /8", "garbage", "10.0.0.0/33", "10.0.0.256/8", "", "10.0.0.0", "::/129"])
    func badCIDRsAreLocatedErrors(_ cidr: String) throws {
        let text = topology(manifests: policy("""
                egress:
                  - to: [{ipBlock: {cidr: "\(cidr)"}}]
        """))
        let r = load(text)
        expectLocated(r)
        let d = try #require(r.first(.invalidCIDR), "\(r.diagnostics.map(\.formatted))")
        #expect(d.location.line == line("ipBlock: {cidr:", in: text))
        #expect(r.topology?.kubernetes.networkPolicies.first?.egress.isEmpty == true)
    }

    @Test func exceptMustBeStrictlyInside() throws {
        let text = topology(manifests: policy("""
                egress:
                  - to:
                      - ipBlock:
                          cidr: 10.0.0.0/16
                          except: [10.0.5.0/24, 10.0.0.0/16, 10.1.0.0/24, 10.0.0.0/8, "fd00::/64", "nope", 10.0.5.7/24]
        """))
        let r = load(text)
        expectLocated(r)
        #expect(r.diagnostics.filter { $0.code == .policyExcept }.count == 4, "\(r.diagnostics.map(\.formatted))")
        #expect(r.diagnostics.filter { $0.code == .invalidCIDR }.count == 1)
        #expect(r.diagnostics.allSatisfy { $0.location.line == line("except:", in: text) })
    }

    @Test func ipv6PeersInAnIPv4ClusterAreWarnedAndAllowNothing() throws {
        let r = load(topology(manifests: policy("""
                egress:
                  - to: [{ipBlock: {cidr: "2001:db8::/32"}}]
                  - to: [{ipBlock: {cidr: "2001:db8::/32"}}, {ipBlock: {cidr: 192.168.0.0/16}}]
        """)))
        #expect(r.diagnostics.map(\.code) == [.policyIPv6Peer, .policyIPv6Peer], "\(r.diagnostics.map(\.formatted))")
        #expect(r.diagnostics.allSatisfy { $0.severity == .warning })
        let p = try #require(r.validTopology?.kubernetes.networkPolicies.first)
        #expect(p.egress.count == 1 && p.egress[0].peers.count == 1)
        #expect(p.policyTypes == [.Ingress, .Egress])
    }

    @Test func policyTypesAsTheAPIServerChecksThem() throws {
        let text = topology(manifests: policy("""
                policyTypes: [Ingress, Egress, Ingress, ingress]
        """))
        let r = load(text)
        expectLocated(r)
        #expect(r.diagnostics.contains { $0.code == .policyTypes && $0.location.line == line("policyTypes:", in: text) })
        #expect(r.diagnostics.contains { $0.code == .invalidValue && $0.location.line == line("policyTypes:", in: text) })
        // An egress list with no rules is not "egress rules present": the API server defaults
        // policyTypes to Ingress only.
        let s = load(topology(manifests: policy("""
                egress: []
        """)))
        #expect(s.validTopology?.kubernetes.networkPolicies.first?.policyTypes == [.Ingress])
    }

    // MARK: ClusterNetworkPolicy

    @Test func aValidClusterNetworkPolicyIsModelled() throws {
        let text = topology(manifests: """
            - apiVersion: networking.k8s.aws/v1alpha1
              kind: ClusterNetworkPolicy
              metadata: {name: guard}
              spec:
                tier: Admin
                priority: 10
                subject: {pods: {namespaceSelector: {matchLabels: {tenant: a}}, podSelector: {}}}
                ingress:
                  - name: from-monitoring
                    action: Accept
                    from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]
                    ports: [{portNumber: {protocol: TCP, port: 9090}}, {namedPort: metrics}]
                egress:
                  - action: Deny
                    to: [{networks: [10.0.0.0/8, 169.254.169.254/32]}]
                    ports: [{portRange: {protocol: UDP, start: 1000, end: 2000}}]
                  - action: Accept
                    to: [{domainNames: ["*.amazonaws.com", example.com]}]
                  - action: Pass
                    to: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: dns}}}}]

        """)
        let r = load(text)
        // Under the VPC CNI agent (the default of `topology`) it is evaluated: no warning.
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics.map(\.formatted))")
        // With no enforcer declared, nothing is known to evaluate it: NS0704 at the policy.
        let undeclared = load(text.replacingOccurrences(of: "  networkPolicy: {enforcer: vpc-cni}\n", with: ""))
        #expect(undeclared.diagnostics.map(\.code) == [.unmodelledKind], "\(undeclared.diagnostics.map(\.formatted))")
        let p = try #require(r.validTopology?.kubernetes.clusterNetworkPolicies.first)
        #expect(p.name == "guard" && p.meta.namespace.isEmpty && p.tier == .Admin && p.priority == 10)
        guard case .pods(let subject) = p.subject else { Issue.record("subject \(p.subject)"); return }
        #expect(subject.namespaceSelector.matchLabels == ["tenant": "a"] && subject.podSelector.isEmpty)
        #expect(p.ingress.count == 1 && p.ingress[0].name == "from-monitoring" && p.ingress[0].action == .Accept)
        #expect(p.ingress[0].ports?.map(\.match) == [.number(.tcp, 9090), .named("metrics")])
        #expect(p.ingress[0].location?.line == line("- name: from-monitoring", in: text) && p.ingress[0].peers.first?.location?.line == line("from: [{namespaces", in: text))
        #expect(p.egress.map(\.action) == [.Deny, .Accept, .Pass])
        guard case .networks(let nets) = p.egress[0].peers.first?.selection else { Issue.record("networks"); return }
        #expect(nets.map(\.cidr.description) == ["10.0.0.0/8", "169.254.169.254/32"])
        #expect(p.egress[0].ports?.map(\.match) == [.range(.udp, start: 1000, end: 2000)])
        #expect(p.egress[1].ports == nil)
        guard case .domainNames(let names) = p.egress[1].peers.first?.selection else { Issue.record("domainNames"); return }
        #expect(names == ["*.amazonaws.com", "example.com"])
    }

    @Test func aClusterNetworkPolicyWithEveryFieldWrong() throws {
        let text = topology(manifests: """
            - apiVersion: networking.k8s.aws/v1alpha1
              kind: ClusterNetworkPolicy
              metadata: {name: everything-wrong}
              spec:
                tier: Gold
                priority: -5
                subject: {namespaces: {}, pods: {namespaceSelector: {}}}
                ingress:
                  - action: allow
                    from: []
                    ports: [{portNumber: {protocol: ICMP, port: 70000}}]
                  - name: \(String(repeating: "n", count: 101))
                    action: Accept
                    from: [{networks: [10.0.0.0/8]}]
                egress:
                  - action: Deny
                    to:
                      - {networks: ["300.1.1.1/8", "10.0.0.0/8", "10.0.0.0/8", "2001:db8::/32"]}
                      - {domainNames: ["bad domain", "*.ok.com"]}
                      - {}
                      - {namespaces: {}, pods: {namespaceSelector: {}, podSelector: {}}}
                      - {pods: {podSelector: {}}}
                    ports:
                      - {portRange: {start: 90, end: 80}}
                      - {portRange: {start: 0, end: 99999}}
                      - {}
                  - action: Accept
                    to: [{networks: []}]
                    ports: []
            - apiVersion: networking.k8s.aws/v1beta9
              kind: ClusterNetworkPolicy
              metadata: {name: wrong-version}
              spec: {}
            - apiVersion: networking.k8s.aws/v1alpha1
              kind: ClusterNetworkPolicy
              metadata: {name: empty}
              spec: {}

        """)
        let r = load(text)
        expectLocated(r)
        #expect(r.topology?.kubernetes.clusterNetworkPolicies.isEmpty == true, "a refused policy does not exist")
        func lines(_ c: DiagnosticCode) -> Set<Int> { Set(r.diagnostics.filter { $0.code == c }.map(\.location.line)) }
        func at(_ m: String, _ nth: Int = 1) -> Int { line(m, in: text, nth) }
        let all = r.diagnostics.map(\.formatted)
        #expect(lines(.clusterPolicySpec) == [at("tier: Gold"), at("priority: -5"), at("subject: {namespaces"), at("spec: {}", 2)], "\(all)")
        #expect(r.diagnostics.filter { $0.code == .clusterPolicySpec && $0.location.line == at("spec: {}", 2) }.count == 3, "tier, priority and subject of the empty spec")
        #expect(lines(.clusterPolicyRule).isSuperset(of: [at("action: allow"), at("from: []"), at("- name: nnn"), at("ports: []")]), "\(all)")
        #expect(lines(.clusterPolicyPort) == [at("protocol: ICMP"), at("start: 90"), at("start: 0")], "\(all)")
        #expect(r.diagnostics.filter { $0.code == .clusterPolicyPort && $0.location.line == at("protocol: ICMP") }.count == 2, "protocol and port")
        #expect(lines(.clusterPolicyPeer).isSuperset(of: [at("from: [{networks"), at("300.1.1.1/8"), at("bad domain"), at("- {}"), at("- {namespaces: {}, pods"),
                                                         at("- {pods: {podSelector"), at("to: [{networks: []}]")]), "\(all)")
        #expect(lines(.invalidCIDR) == [at("300.1.1.1/8")], "\(all)")
        #expect(lines(.policyIPv6Peer) == [at("300.1.1.1/8")], "\(all)")
        #expect(lines(.clusterPolicyEmptyPort) == [at("- {}", 2)], "\(all)")
        #expect(lines(.unsupportedVersion) == [at("v1beta9")], "\(all)")
        #expect(r.diagnostics.filter { $0.severity == .error }.count >= 20)
    }

    // MARK: settings

    /// The rules of the brief: (networkPolicy, vpcCniAddon) → the enforcer in effect.
    @Test(arguments: [
        ("", "", NetworkPolicySettings.Enforcer.undeclared),
        ("", "  vpcCniAddon: {enableNetworkPolicy: \"true\"}\n", .vpcCNI),
        ("", "  vpcCniAddon: {enableNetworkPolicy: \"false\"}\n", .undeclared),
        ("  networkPolicy: {enforcer: vpc-cni}\n", "", .vpcCNI),
        ("  networkPolicy: {enforcer: vpc-cni}\n", "  vpcCniAddon: {enableNetworkPolicy: \"true\"}\n", .vpcCNI),
        ("  networkPolicy: {enforcer: vpc-cni}\n", "  vpcCniAddon: {enableNetworkPolicy: \"false\"}\n", .none),
        ("  networkPolicy: {enforcer: upstream}\n", "", .upstream),
        ("  networkPolicy: {enforcer: upstream}\n", "  vpcCniAddon: {enableNetworkPolicy: \"true\"}\n", .upstream),
        ("  networkPolicy: {enforcer: none}\n", "  vpcCniAddon: {enableNetworkPolicy: \"true\"}\n", .none),
        ("  networkPolicy: {}\n", "  vpcCniAddon: {}\n", .undeclared),
        ("  networkPolicy: null\n", "  vpcCniAddon: null\n", .undeclared),
    ])
    func settingsFollowTheRules(_ np: String, _ addon: String, _ expected: NetworkPolicySettings.Enforcer) throws {
        let r = load(topology(cluster: np + addon))
        #expect(!r.hasErrors, "\(r.diagnostics.map(\.formatted))")
        let s = try #require(r.topology?.cluster?.networkPolicy)
        #expect(s.enforcer == expected)
        #expect(s.enforcingMode == .standard)
        #expect(s.isEnforced == (expected == .vpcCNI || expected == .upstream))
        if np.contains("enforcer") { #expect(s.enforcerLocation?.line == 12) } else { #expect(s.enforcerLocation == nil) }
        if addon.contains("enableNetworkPolicy") {
            #expect(s.enableNetworkPolicy == addon.contains("true"))
            #expect(s.enableNetworkPolicyLocation?.line == (np.isEmpty ? 12 : 13))
        } else {
            #expect(s.enableNetworkPolicy == nil)
        }
    }

    @Test func deriveIsTheRuleTable() {
        typealias E = NetworkPolicySettings.Enforcer
        let cases: [(E?, Bool?, E)] = [
            (nil, nil, .undeclared), (nil, true, .vpcCNI), (nil, false, .undeclared),
            (.vpcCNI, nil, .vpcCNI), (.vpcCNI, true, .vpcCNI), (.vpcCNI, false, .none),
            (.upstream, nil, .upstream), (.upstream, false, .upstream), (.upstream, true, .upstream),
            (E.none, nil, E.none), (E.none, true, E.none), (.undeclared, true, .vpcCNI),
        ]
        for (declared, enable, expected) in cases {
            let s = NetworkPolicySettings.derive(enforcer: declared, enableNetworkPolicy: enable)
            #expect(s.enforcer == expected, "\(String(describing: declared)) \(String(describing: enable))")
            #expect(s.declaredEnforcer == declared && s.enableNetworkPolicy == enable)
            #expect(s.agentDisabled == (declared == .vpcCNI && enable == false))
        }
        #expect(NetworkPolicySettings() == NetworkPolicySettings.derive(enforcer: nil, enableNetworkPolicy: nil))
    }

    @Test(arguments: [("strict", NetworkPolicySettings.EnforcingMode.strict, false), ("STRICT", .strict, false), ("Standard", .standard, false),
                      ("standard", .standard, false), ("none", .standard, true), ("enforce", .standard, true), ("", .standard, true)])
    func enforcingModeAsTheAgentReadsIt(_ value: String, _ mode: NetworkPolicySettings.EnforcingMode, _ warned: Bool) throws {
        let r = load(topology(cluster: "  networkPolicy: {enforcer: vpc-cni}\n  cni: {NETWORK_POLICY_ENFORCING_MODE: \"\(value)\"}\n"))
        #expect(!r.hasErrors)
        let s = try #require(r.topology?.cluster?.networkPolicy)
        #expect(s.enforcingMode == mode && s.enforcingModeLocation?.line == 13)
        #expect(r.diagnostics.contains { $0.code == .enforcingMode && $0.location.line == 13 } == warned, "\(r.diagnostics.map(\.formatted))")
        #expect(r.topology?.cluster?.awsNode.networkPolicyStrict == (mode == .strict))
    }

    @Test func addOnValuesAndKeys() throws {
        let r = load(topology(cluster: """
          networkPolicy: {enforcer: vpc-cni}
          vpcCniAddon:
            enableNetworkPolicy: true
            env: {WARM_IP_TARGET: "5"}
            nodeAgent: {enableCloudWatchLogs: "true", conntrackCacheTableSize: 1, nodeAgentTypo: 1}
            tolerations: []
            enableNetwrokPolicy: "true"

        """))
        #expect(!r.hasErrors, "\(r.diagnostics.map(\.formatted))")
        #expect(r.topology?.cluster?.networkPolicy.enableNetworkPolicy == true)
        #expect(r.diagnostics.filter { $0.code == .vpcCniAddonValue }.map(\.severity) == [.warning])
        #expect(r.diagnostics.filter { $0.code == .vpcCniAddonIgnored }.count == 6, "\(r.diagnostics.map(\.formatted))")
        #expect(r.diagnostics.contains { $0.message.contains("enableNetwrokPolicy") && $0.hint.contains("enableNetworkPolicy") })
        for bad in ["yes", "\"True\"", "1", "{a: b}", "[true]"] {
            let b = load(topology(cluster: "  vpcCniAddon: {enableNetworkPolicy: \(bad)}\n"))
            #expect(b.diagnostics.contains { $0.code == .vpcCniAddonValue && $0.severity == .error && $0.location.line == 12 }, "\(bad): \(b.diagnostics.map(\.formatted))")
        }
        let e = load(topology(cluster: "  networkPolicy: {enforcer: Calico, mode: x}\n"))
        #expect(e.diagnostics.contains { $0.code == .policyEnforcer && $0.location.line == 12 })
        #expect(e.diagnostics.contains { $0.code == .unknownKey && $0.severity == .error })
    }

    @Test func checkWarnsOnWhoEnforces() throws {
        let np = policy("""
                ingress: [{from: [{podSelector: {}}]}]
        """)
        func codes(_ cluster: String) -> [DiagnosticCode] { load(topology(cluster: cluster, manifests: np)).diagnostics.map(\.code) }
        #expect(codes("") == [.policyEnforcerUndeclared])
        #expect(codes("  vpcCniAddon: {enableNetworkPolicy: \"false\"}\n") == [.policyEnforcerUndeclared])
        #expect(codes("  vpcCniAddon: {enableNetworkPolicy: \"true\"}\n").isEmpty)
        #expect(codes("  networkPolicy: {enforcer: none}\n").isEmpty)
        #expect(codes("  networkPolicy: {enforcer: vpc-cni}\n  vpcCniAddon: {enableNetworkPolicy: \"false\"}\n") == [.policyAgentDisabled])
        #expect(codes("  networkPolicy: {enforcer: upstream}\n  cni: {NETWORK_POLICY_ENFORCING_MODE: strict}\n") == [.enforcingModeNoEffect])
        #expect(Set(codes("  cni: {NETWORK_POLICY_ENFORCING_MODE: strict}\n")) == [.policyEnforcerUndeclared, .enforcingModeNoEffect])
        #expect(codes("  networkPolicy: {enforcer: upstream}\n  vpcCniAddon: {enableNetworkPolicy: \"true\"}\n") == [.policyTwoEnforcers])
        // Without NetworkPolicies nothing needs an enforcer.
        #expect(load(topology(cluster: "")).diagnostics.isEmpty)
        let undeclared = try #require(load(topology(cluster: "", manifests: np)).first(.policyEnforcerUndeclared))
        #expect(undeclared.location.line == line("- apiVersion: networking.k8s.io/v1", in: topology(cluster: "", manifests: np)) && undeclared.hint.contains("enforcer: vpc-cni"))
    }
}
