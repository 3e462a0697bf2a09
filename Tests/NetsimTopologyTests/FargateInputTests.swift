import Foundation
import NetsimIPAM
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

/// `cluster.fargateProfiles` as EKS reads and checks a profile (EKS user guide, "Define which
/// Pods use AWS Fargate when launched"; CreateFargateProfile; the EKS service quotas, which are
/// adjustable, hence warnings): every bad input is an error or warning with its own code, at
/// the place written.
@Suite("Fargate profiles: input")
struct FargateInputTests {
    /// A VPC with a public subnet (default route to the internet gateway) and two private ones.
    static func topology(profiles: String, manifests: String = "", extraCluster: String = "") -> String {
        """
        apiVersion: netsim/v1
        kind: Topology
        name: t
        region: us-east-1
        vpc:
          cidrBlocks: [10.0.0.0/16]
          subnets:
            - {name: public-a, zone: us-east-1a, cidr: 10.0.0.0/24, routeTable: public}
            - {name: private-a, zone: us-east-1a, cidr: 10.0.1.0/24}
            - {name: private-b, zone: us-east-1b, cidr: 10.0.2.0/24}
          internetGateway: {name: igw}
          routeTables:
            - name: public
              routes:
                - {destination: 0.0.0.0/0, target: igw}
        cluster:
          name: c
          serviceCidr: 172.20.0.0/16
        \(extraCluster)  nodeGroups:
            - {name: g, instanceType: m5.large, count: 1, subnets: [private-a]}
          fargateProfiles:
        \(profiles)
        kubernetes:
          manifests:
            - {apiVersion: v1, kind: Namespace, metadata: {name: batch}}
        \(manifests)
        """
    }

    static let good = """
            - name: serverless
              subnets: [private-a, private-b]
              selectors:
                - {namespace: batch, labels: {compute: fargate}}
                - {namespace: jobs}
        """

    func load(_ text: String) -> LoadResult { loader.load(text: text, file: "f.yaml") }

    @Test func aProfileIsReadWithItsSelectors() throws {
        let r = load(Self.topology(profiles: Self.good))
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        let p = try #require(t.cluster?.fargateProfiles.first)
        #expect(p.name == "serverless")
        #expect(p.subnets == ["private-a", "private-b"])
        #expect(p.selectors.map(\.namespace) == ["batch", "jobs"])
        #expect(p.selectors[0].labels == ["compute": "fargate"])
        #expect(p.selectors[1].labels.isEmpty)
        // Only the assumed cluster security group is reported (no controlPlane declared).
        #expect(r.codes == ["NS1350"])
    }

    @Test func aClusterGroupWrittenInTheVPCIsUsedWithoutAWarning() throws {
        let text = Self.topology(profiles: Self.good).replacingOccurrences(of: "  internetGateway: {name: igw}\n",
            with: "  internetGateway: {name: igw}\n  securityGroups:\n    - {name: eks-cluster-sg-c-1234567890, ingress: [{protocol: all, from: {securityGroup: eks-cluster-sg-c-1234567890}}]}\n")
        let r = load(text)
        #expect(r.codes.isEmpty, "\(r.diagnostics.map(\.formatted))")
        let t = try #require(r.validTopology)
        let realized = Realizer.realize(t, catalog: .builtin)
        #expect(realized.fargateAssumedGroups.isEmpty)
        #expect(ControlPlane.declaredClusterSecurityGroup(cluster: "c", in: t.vpcs[0]) == "eks-cluster-sg-c-1234567890")
    }

    @Test func aPublicSubnetIsRefusedAsEKSRefusesIt() throws {
        let text = Self.topology(profiles: """
                    - name: p
                      subnets: [private-a, public-a]
                      selectors: [{namespace: batch}]
                """)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let profileLine = try #require(lines.firstIndex { $0.contains("subnets: [private-a, public-a]") }) + 1
        let routeLine = try #require(lines.firstIndex { $0.contains("target: igw") }) + 1
        let r = load(text)
        let d = try #require(r.first(.fargatePublicSubnet))
        #expect(d.severity == .error)
        #expect(d.message.contains("'public-a' is public") && d.message.contains("igw"))
        #expect(d.location.line == profileLine)
        #expect(d.notes.first?.location.line == routeLine, "the note points at the route to the internet gateway")
        #expect(r.diagnostics.filter { $0.code == .fargatePublicSubnet }.count == 1, "private-a is fine")
    }

    @Test func selectorsFollowEKSLimits() throws {
        // None.
        var r = load(Self.topology(profiles: "    - {name: p, subnets: [private-a], selectors: []}"))
        #expect(r.first(.fargateSelectors)?.message.contains("no selectors") == true)
        // Six.
        let six = (1...6).map { "{namespace: n\($0)}" }.joined(separator: ", ")
        r = load(Self.topology(profiles: "    - {name: p, subnets: [private-a], selectors: [\(six)]}"))
        #expect(r.first(.fargateProfileQuota)?.message.contains("6 selectors; EKS allows 5 per profile unless the quota is raised") == true)
        #expect(r.first(.fargateProfileQuota)?.severity == .warning, "an adjustable quota")
        // No namespace.
        r = load(Self.topology(profiles: "    - {name: p, subnets: [private-a], selectors: [{labels: {a: b}}]}"))
        #expect(r.first(.fargateSelectors)?.message.contains("has no namespace") == true)
        // Six labels.
        let labels = (1...6).map { "k\($0): v" }.joined(separator: ", ")
        r = load(Self.topology(profiles: "    - {name: p, subnets: [private-a], selectors: [{namespace: batch, labels: {\(labels)}}]}"))
        #expect(r.first(.fargateProfileQuota)?.message.contains("6 labels") == true)
        // A namespace no pod can have.
        r = load(Self.topology(profiles: "    - {name: p, subnets: [private-a], selectors: [{namespace: Batch_Jobs}]}"))
        #expect(r.first(.fargateSelectors)?.message.contains("not a Kubernetes namespace name") == true)
        // A bad label key.
        r = load(Self.topology(profiles: "    - {name: p, subnets: [private-a], selectors: [{namespace: batch, labels: {\"-bad\": x}}]}"))
        #expect(r.first(.invalidLabel) != nil)
        // Selectors is missing, or not a list.
        r = load(Self.topology(profiles: "    - {name: p, subnets: [private-a]}"))
        #expect(r.first(.missingKey)?.message.contains("selectors") == true)
        r = load(Self.topology(profiles: "    - {name: p, subnets: [private-a], selectors: 9223372036854775807}"))
        #expect(r.first(.wrongType) != nil)
        // An unknown key in a selector.
        r = load(Self.topology(profiles: "    - {name: p, subnets: [private-a], selectors: [{namespace: batch, namespaces: [x]}]}"))
        #expect(r.first(.unknownKey)?.hint.contains("namespace") == true)
    }

    @Test func namesAndSubnetsAreChecked() throws {
        var r = load(Self.topology(profiles: "    - {name: \"-x\", subnets: [private-a], selectors: [{namespace: batch}]}"))
        #expect(r.first(.fargateProfileName) != nil)
        r = load(Self.topology(profiles: "    - {name: \"\", subnets: [private-a], selectors: [{namespace: batch}]}"))
        #expect(r.first(.fargateProfileName) != nil)
        r = load(Self.topology(profiles: """
                    - {name: p, subnets: [private-a], selectors: [{namespace: batch}]}
                    - {name: p, subnets: [private-b], selectors: [{namespace: jobs}]}
                """))
        let twice = try #require(r.first(.fargateProfileName))
        #expect(twice.message.contains("defined twice") && twice.notes.count == 1)
        r = load(Self.topology(profiles: "    - {name: p, subnets: [], selectors: [{namespace: batch}]}"))
        #expect(r.first(.fargateSubnets)?.message.contains("no subnets") == true)
        r = load(Self.topology(profiles: "    - {name: p, subnets: [private-a, private-a], selectors: [{namespace: batch}]}"))
        #expect(r.first(.fargateSubnets)?.message.contains("twice") == true)
        r = load(Self.topology(profiles: "    - {name: p, subnets: [privat-a], selectors: [{namespace: batch}]}"))
        #expect(r.first(.undefinedReference)?.hint.contains("private-a") == true)
        r = load(Self.topology(profiles: "    - {name: p, selectors: [{namespace: batch}]}"))
        #expect(r.first(.missingKey)?.message.contains("subnets") == true)
    }

    @Test func hostileValuesAreClippedAndLocated() throws {
        let huge = String(repeating: "x", count: 1 << 20)
        var r = load(Self.topology(profiles: "    - {name: \(huge), subnets: [private-a], selectors: [{namespace: batch}]}"))
        let d = try #require(r.first(.fargateProfileName))
        #expect(d.message.utf8.count < 400, "a megabyte name is clipped in the message")
        r = load(Self.topology(profiles: "    - {name: p, subnets: [private-a], selectors: [{namespace: \(huge)}]}"))
        #expect(r.first(.fargateSelectors).map { $0.message.utf8.count < 400 } == true)
        r = load(Self.topology(profiles: "    - {name: -1, subnets: [private-a], selectors: [{namespace: batch}]}"))
        #expect(r.first(.fargateProfileName) != nil)
        r = load(Self.topology(profiles: "    - {name: p, subnets: -9223372036854775808, selectors: [{namespace: batch}]}"))
        #expect(r.first(.wrongType) != nil)
        r = load(Self.topology(profiles: "    - 9223372036854775807"))
        #expect(r.first(.wrongType) != nil)
        #expect(!r.diagnostics.isEmpty && r.validTopology == nil)
    }

    @Test func moreThanTenProfilesIsAQuotaWarning() throws {
        let profiles = (1...11).map { "    - {name: p\($0), subnets: [private-a], selectors: [{namespace: n\($0)}]}" }.joined(separator: "\n")
        let r = load(Self.topology(profiles: profiles))
        let d = try #require(r.first(.fargateProfileQuota))
        #expect(d.severity == .warning && d.message.contains("11 Fargate profiles"))
    }

    @Test func workloadsTheProfilesSelectAreChecked() throws {
        let manifests = """
            - apiVersion: apps/v1
              kind: DaemonSet
              metadata: {name: agent, namespace: batch}
              spec:
                selector: {matchLabels: {app: agent}}
                template: {metadata: {labels: {app: agent}}, spec: {containers: [{name: a, image: a}]}}
            - apiVersion: apps/v1
              kind: Deployment
              metadata: {name: hosty, namespace: batch}
              spec:
                selector: {matchLabels: {app: hosty}}
                template: {metadata: {labels: {app: hosty}}, spec: {hostNetwork: true, containers: [{name: a, image: a}]}}
            - apiVersion: apps/v1
              kind: Deployment
              metadata: {name: both, namespace: batch}
              spec:
                selector: {matchLabels: {app: both}}
                template: {metadata: {labels: {app: both, tier: x}}, spec: {containers: [{name: a, image: a}]}}
            - apiVersion: apps/v1
              kind: Deployment
              metadata: {name: wrong-label, namespace: batch}
              spec:
                selector: {matchLabels: {app: wl}}
                template: {metadata: {labels: {app: wl, eks.amazonaws.com/fargate-profile: nope}}, spec: {containers: [{name: a, image: a}]}}
            - apiVersion: networking.k8s.io/v1
              kind: NetworkPolicy
              metadata: {name: isolate, namespace: batch}
              spec: {podSelector: {matchLabels: {app: both}}, policyTypes: [Ingress]}
        """
        let r = load(Self.topology(profiles: """
                    - {name: first, subnets: [private-a], selectors: [{namespace: batch}]}
                    - {name: second, subnets: [private-b], selectors: [{namespace: batch, labels: {tier: x}}]}
                """, manifests: manifests, extraCluster: "  networkPolicy: {enforcer: vpc-cni}\n"))
        #expect(r.first(.fargateDaemonSet)?.message.contains("DaemonSet batch/agent") == true)
        #expect(r.first(.fargateHostNetwork)?.message.contains("batch/hosty") == true)
        let ambiguous = try #require(r.diagnostics.first { $0.code == .fargateAmbiguousProfile && $0.message.contains("batch/both") })
        #expect(ambiguous.message.contains("netsim uses the first, 'first'"))
        #expect(r.first(.fargateProfileLabel)?.message.contains("no Fargate profile has that name") == true)
        #expect(r.first(.fargateNetworkPolicy)?.message.contains("NetworkPolicy batch/isolate") == true)
        #expect(r.first(.fargateClusterSecurityGroup) != nil)
        #expect(r.validTopology != nil, "all warnings: the topology loads")
    }
}
