import Foundation
import NetsimFlow
import NetsimModel
import NetsimTopology
import Testing

/// `cluster.controlPlane`, `nodeGroups[].managed`, the webhook and APIService manifests, and
/// the `controlplane` / `apiserver` endpoints: bad input is located, coded and explained.
@Suite("control plane input")
struct ControlPlaneInputTests {
    static func topology(controlPlane: String?, manifests: String = "", expect: String = "") -> String {
        """
        apiVersion: netsim/v1
        kind: Topology
        name: cp
        region: us-east-1
        vpc:
          name: main
          cidrBlocks: [10.0.0.0/16]
          subnets:
            - {name: a, zone: us-east-1a, cidr: 10.0.0.0/20}
            - {name: b, zone: us-east-1b, cidr: 10.0.16.0/20}
            - {name: a2, zone: us-east-1a, cidr: 10.0.32.0/20}
        cluster:
          name: demo
        \(controlPlane.map { "  controlPlane:\n" + $0.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n") } ?? "")
          nodeGroups:
            - {name: ng, instanceType: m5.large, count: 1, subnets: [a]}
        kubernetes:
          manifests:
        \(manifests.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
        \(expect.isEmpty ? "" : "expect:\n" + expect)
        """
    }

    static func load(_ text: String) -> LoadResult { TopologyLoader(catalog: .builtin).load(text: text, file: "cp.yaml") }

    static func diagnostics(_ controlPlane: String) -> [Diagnostic] { load(topology(controlPlane: controlPlane)).diagnostics }

    /// Every diagnostic of `code` is located in the file and says how to fix it.
    static func expectCode(_ controlPlane: String, _ code: DiagnosticCode, severity: Severity = .error, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let d = diagnostics(controlPlane)
        let hits = d.filter { $0.code == code }
        #expect(!hits.isEmpty, "\(controlPlane): \(d.map(\.formatted))", sourceLocation: sourceLocation)
        for h in hits {
            #expect(h.severity == severity, sourceLocation: sourceLocation)
            #expect(h.location.file == "cp.yaml" && h.location.line > 0, sourceLocation: sourceLocation)
            #expect(!h.hint.isEmpty, sourceLocation: sourceLocation)
        }
    }

    @Test func validControlPlaneLoads() throws {
        let r = Self.load(Self.topology(controlPlane: """
            subnets: [a, b]
            enis: "3"
            clusterSecurityGroup: my-cluster-sg
            endpoint: {publicAccess: "true", privateAccess: true, publicAccessCidrs: [203.0.113.0/24, 198.51.100.7/32]}
            """))
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        let cp = try #require(t.cluster?.controlPlane)
        #expect(cp.subnets == ["a", "b"] && cp.eniCount == 3 && cp.clusterSecurityGroup == "my-cluster-sg")
        #expect(cp.endpoint.publicAccess && cp.endpoint.privateAccess)
        #expect(cp.endpoint.publicAccessCIDRs.map(\.description) == ["203.0.113.0/24", "198.51.100.7/32"])
        // The named group did not exist: netsim created it in the VPC.
        #expect(t.primaryVPC?.securityGroups.contains { $0.name == "my-cluster-sg" } == true)
        #expect(t.cluster?.nodeGroups.first?.managed == true)
    }

    /// Defaults: 2 ENIs, public access from anywhere, no private access; the group's name
    /// is EKS's pattern, stable for a seed and different for another.
    @Test func defaults() throws {
        let text = Self.topology(controlPlane: "subnets: [a, b]")
        let t = try #require(Self.load(text).validTopology)
        let cp = try #require(t.cluster?.controlPlane)
        #expect(cp.eniCount == 2 && cp.endpoint.publicAccess && !cp.endpoint.privateAccess)
        #expect(cp.endpoint.publicAccessCIDRs.map(\.description) == ["0.0.0.0/0"])
        #expect(cp.clusterSecurityGroup.hasPrefix("eks-cluster-sg-demo-") && cp.clusterSecurityGroup.count == "eks-cluster-sg-demo-".count + 10)
        let again = try #require(Self.load(text).validTopology?.cluster?.controlPlane)
        #expect(again.clusterSecurityGroup == cp.clusterSecurityGroup)
        let seeded = try #require(Self.load(text.replacingOccurrences(of: "region: us-east-1\n", with: "region: us-east-1\nseed: 99\n")).validTopology?.cluster?.controlPlane)
        #expect(seeded.clusterSecurityGroup != cp.clusterSecurityGroup)
    }

    @Test func subnets() {
        Self.expectCode("enis: 2", .controlPlaneSubnets)
        Self.expectCode("subnets: [a, a2]", .controlPlaneSubnets)          // one zone
        Self.expectCode("subnets: [a, b, a]", .controlPlaneSubnets)        // twice
        Self.expectCode("subnets: []", .controlPlaneSubnets)               // none: EKS refuses it
        #expect(Self.diagnostics("subnets: []").contains { $0.code == .controlPlaneSubnets && $0.message.contains("is empty") })
        #expect(Self.diagnostics("subnets: [a, nope]").contains { $0.severity == .error && $0.message.contains("nope") })
    }

    @Test func eniCounts() {
        for bad in ["1", "5", "0", "-1", "9223372036854775807"] {
            Self.expectCode("subnets: [a, b]\nenis: \(bad)", .controlPlaneENIs)
        }
        for wrong in ["99999999999999999999999", "many", "[2]", "2.5"] {
            #expect(Self.diagnostics("subnets: [a, b]\nenis: \(wrong)").contains { $0.code == .wrongType }, "\(wrong)")
        }
    }

    @Test func endpointAccess() {
        Self.expectCode("subnets: [a, b]\nendpoint: {publicAccess: false, privateAccess: false}", .endpointAccess)
        Self.expectCode("subnets: [a, b]\nendpoint: {publicAccess: false}", .endpointAccess)       // private defaults to false
        Self.expectCode("subnets: [a, b]\nendpoint: {publicAccessCidrs: [10.0.0.0/8]}", .endpointAccess)
        Self.expectCode("subnets: [a, b]\nendpoint: {publicAccessCidrs: []}", .endpointAccess)
        Self.expectCode("subnets: [a, b]\nendpoint: {publicAccess: false, privateAccess: true, publicAccessCidrs: [203.0.113.0/24]}",
                        .endpointAccessCidrsIgnored, severity: .warning)
        #expect(Self.diagnostics("subnets: [a, b]\nendpoint: {publicAccessCidrs: [203.0.113.0/33]}").contains { $0.code == .invalidCIDR })
        #expect(Self.diagnostics("subnets: [a, b]\nendpoint: {publicAccess: maybe}").contains { $0.code == .wrongType })
        #expect(Self.diagnostics("subnets: [a, b]\nendpoint: {public: true}").contains { $0.code == .unknownKey })
        #expect(Self.diagnostics("subnets: [a, b]\nendpont: {}").contains { $0.code == .unknownKey && $0.hint.contains("endpoint") })
    }

    @Test func clusterSecurityGroupNames() {
        Self.expectCode("subnets: [a, b]\nclusterSecurityGroup: \"\"", .clusterSecurityGroup)
        let huge = String(repeating: "g", count: 1 << 20)
        let d = Self.diagnostics("subnets: [a, b]\nclusterSecurityGroup: \(huge)")
        let hit = d.first { $0.code == .clusterSecurityGroup }
        #expect(hit != nil)
        #expect((hit?.message.count ?? .max) < 400, "a megabyte name is clipped when quoted back")
        #expect(Self.diagnostics("subnets: [a, b]\nsecurityGroups: [nope]").contains { $0.severity == .error && $0.message.contains("nope") })
    }

    /// `managed` takes a boolean; a self-managed group is read.
    @Test func managedFlag() throws {
        let text = Self.topology(controlPlane: "subnets: [a, b]").replacingOccurrences(of: "subnets: [a]}", with: "subnets: [a], managed: false}")
        let t = try #require(Self.load(text).validTopology)
        #expect(t.cluster?.nodeGroups.first?.managed == false)
        let bad = Self.topology(controlPlane: nil).replacingOccurrences(of: "subnets: [a]}", with: "subnets: [a], managed: sometimes}")
        #expect(Self.load(bad).diagnostics.contains { $0.code == .wrongType && $0.message.contains("managed") })
    }

    /// `controlplane` and `apiserver` in an intent need the control plane declared.
    @Test func endpointsNeedTheControlPlane() throws {
        let intent = "  - {from: controlplane, to: nodegroup:ng, port: 10250, verdict: delivered}\n  - {from: node:x, to: apiserver, port: 443, verdict: delivered}"
        let without = Self.load(Self.topology(controlPlane: nil, expect: intent))
        #expect(without.diagnostics.filter { $0.code == .invalidEndpoint }.count == 2, "\(without.diagnostics.map(\.formatted))")
        let with = Self.load(Self.topology(controlPlane: "subnets: [a, b]", expect: intent))
        #expect(!with.diagnostics.contains { $0.code == .invalidEndpoint })
        let swapped = Self.load(Self.topology(controlPlane: "subnets: [a, b]",
                                              expect: "  - {from: apiserver, to: nodegroup:ng, port: 443, verdict: denied}\n  - {from: node:x, to: controlplane, port: 443, verdict: denied}"))
        #expect(swapped.diagnostics.filter { $0.code == .invalidEndpoint && !$0.hint.isEmpty }.count == 2, "\(swapped.diagnostics.map(\.formatted))")
        #expect(try Endpoint.parse("controlplane").get() == .controlPlane)
        #expect(try Endpoint.parse("apiserver").get() == .apiServer)
        #expect(Endpoint.controlPlane.description == "controlplane" && Endpoint.apiServer.description == "apiserver")
    }

    static let webhook = """
        - apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingWebhookConfiguration
          metadata: {name: policy}
          webhooks:
            - name: vpod.policy.example.com
              clientConfig: #CLIENT
              #MORE
              sideEffects: None
              admissionReviewVersions: [v1]
        """

    static func webhookDiagnostics(client: String = "{service: {name: hook, namespace: default, port: 8443}}", more: String = "failurePolicy: Ignore") -> [Diagnostic] {
        let m = webhook.replacingOccurrences(of: "#CLIENT", with: client).replacingOccurrences(of: "#MORE", with: more)
        return load(topology(controlPlane: "subnets: [a, b]", manifests: m)).diagnostics
    }

    @Test func webhookManifests() throws {
        // A good one is read with its fields.
        let m = Self.webhook.replacingOccurrences(of: "#CLIENT", with: "{service: {name: hook, namespace: default, port: 8443, path: /v}}")
            .replacingOccurrences(of: "#MORE", with: "failurePolicy: Ignore\n      timeoutSeconds: 5")
        let r = Self.load(Self.topology(controlPlane: "subnets: [a, b]", manifests: m))
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        let w = try #require(t.kubernetes.webhookConfigurations.first?.webhooks.first)
        #expect(t.kubernetes.webhookConfigurations.first?.kind == .validating)
        #expect(w.service == ServiceReference(namespace: "default", name: "hook", port: 8443, path: "/v"))
        #expect(w.failurePolicy == "Ignore" && w.timeoutSeconds == 5)
        #expect(!r.diagnostics.contains { $0.code == .unmodelledKind })

        func hasCode(_ d: [Diagnostic], _ what: String) { #expect(d.contains { $0.code == .webhookInvalid && $0.severity == .error }, "\(what): \(d.map(\.formatted))") }
        hasCode(Self.webhookDiagnostics(client: "{service: {name: hook, namespace: default}, url: \"https://x.example.com\"}"), "both")
        hasCode(Self.webhookDiagnostics(client: "{caBundle: Cg==}"), "neither")
        hasCode(Self.webhookDiagnostics(client: "{url: \"http://x.example.com\"}"), "not https")
        hasCode(Self.webhookDiagnostics(client: "{service: {name: hook, namespace: default, port: 70000}}"), "port")
        hasCode(Self.webhookDiagnostics(client: "{service: {name: hook, namespace: default, port: 9223372036854775807}}"), "huge port")
        hasCode(Self.webhookDiagnostics(client: "{service: {name: hook}}"), "no namespace")
        hasCode(Self.webhookDiagnostics(more: "failurePolicy: Failx"), "failurePolicy")
        hasCode(Self.webhookDiagnostics(more: "timeoutSeconds: 31"), "timeout")
        hasCode(Self.webhookDiagnostics(more: "timeoutSeconds: -1"), "negative timeout")
        #expect(Self.webhookDiagnostics(more: "timeoutSeconds: 9999999999999999999999").contains { $0.code == .wrongType })
        let wrongAPI = Self.webhook.replacingOccurrences(of: "admissionregistration.k8s.io/v1", with: "admissionregistration.k8s.io/v1beta1")
            .replacingOccurrences(of: "#CLIENT", with: "{url: \"https://x.example.com\"}").replacingOccurrences(of: "#MORE", with: "")
        #expect(Self.load(Self.topology(controlPlane: "subnets: [a, b]", manifests: wrongAPI)).diagnostics.contains { $0.code == .unsupportedVersion })
    }

    @Test func apiServiceManifests() throws {
        let m = """
            - apiVersion: apiregistration.k8s.io/v1
              kind: APIService
              metadata: {name: v1beta1.metrics.k8s.io}
              spec: {group: metrics.k8s.io, version: v1beta1, service: {name: metrics-server, namespace: kube-system}}
            - apiVersion: apiregistration.k8s.io/v1
              kind: APIService
              metadata: {name: v1.apps}
              spec: {group: apps, version: v1}
            """
        let r = Self.load(Self.topology(controlPlane: "subnets: [a, b]", manifests: m))
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        #expect(t.kubernetes.apiServices.count == 2)
        #expect(t.kubernetes.apiServices[0].service == ServiceReference(namespace: "kube-system", name: "metrics-server", port: 443))
        #expect(t.kubernetes.apiServices[1].service == nil)
        // check: a Service that does not exist is reported; a local APIService is not.
        let d = Network.checkDiagnostics(t, catalog: .builtin, file: "cp.yaml")
        #expect(d.filter { $0.code == .webhookServiceMissing }.count == 1)
    }

    /// Megabyte values are quoted back clipped, wherever they are written.
    @Test func megabyteValues() {
        let huge = String(repeating: "x", count: 1 << 20)
        let cases = [
            Self.topology(controlPlane: "subnets: [a, \(huge)]"),
            Self.topology(controlPlane: "subnets: [a, b]\nendpoint: {publicAccessCidrs: [\(huge)]}"),
            Self.topology(controlPlane: "subnets: [a, b]\nsecurityGroups: [\(huge)]"),
            Self.topology(controlPlane: "subnets: [a, b]", manifests: Self.webhook.replacingOccurrences(of: "vpod.policy.example.com", with: huge)
                .replacingOccurrences(of: "#CLIENT", with: "{url: \"https://x.example.com\"}").replacingOccurrences(of: "#MORE", with: "")),
            Self.topology(controlPlane: "subnets: [a, b]", manifests: Self.webhook
                .replacingOccurrences(of: "#CLIENT", with: "{url: \"\(huge)\"}").replacingOccurrences(of: "#MORE", with: "failurePolicy: \(huge)")),
        ]
        for text in cases {
            let d = Self.load(text).diagnostics
            #expect(d.contains { $0.severity == .error })
            #expect(d.allSatisfy { $0.message.count < 2_000 && $0.hint.count < 2_000 }, "\(d.map { $0.message.prefix(200) })")
        }
    }
}
