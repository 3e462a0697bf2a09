import Foundation
import NetsimTestSupport
import Testing
import NetsimModel
@testable import NetsimTopology

@Suite struct ConverterTests {
    func load(_ text: String) -> LoadResult {
        let s = Scratch()
        return loader.load(path: s.write("t.yaml", text))
    }

    @Test func peerVPCImplicitObjectsResolveInTheirOwnVPC() throws {
        let text = """
        apiVersion: netsim/v1
        kind: Topology
        name: peers
        region: us-east-1
        vpc:
          name: app
          cidrBlocks: [10.0.0.0/16]
          subnets: [{name: a, zone: us-east-1a, cidr: 10.0.0.0/24, networkAcl: default, routeTable: main}]
        peerVpcs:
          - name: shared
            cidrBlocks: [10.1.0.0/16]
            subnets: [{name: s, zone: us-east-1a, cidr: 10.1.0.0/24, networkAcl: default}]
            networkInterfaces: [{name: vault, subnet: s, securityGroups: [default, shared-default]}]
            securityGroups:
              - name: shared-default
                ingress: [{protocol: tcp, ports: 443, from: {securityGroup: default}}]
        cluster:
          name: c
          nodeGroups: [{name: g, instanceType: m5.large, subnets: [a], securityGroups: [default]}]

        """
        let r = load(text)
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics.map(\.formatted))")
        let t = try #require(r.topology)
        #expect(t.vpcs.map { $0.defaultNetworkACL?.id } .count == 2)
        #expect(t.vpcs[0].defaultNetworkACL?.id != t.vpcs[1].defaultNetworkACL?.id)
        #expect(t.vpcs.map { $0.securityGroup(named: "default")?.id }.count == 2)
    }

    @Test func aPeerVPCsExplicitDefaultGroupDoesNotCaptureThePrimaryVPCsReferences() {
        let r = load("""
        apiVersion: netsim/v1
        kind: Topology
        name: peers
        vpc:
          name: app
          cidrBlocks: [10.0.0.0/16]
          subnets: [{name: a, zone: us-east-1a, cidr: 10.0.0.0/24}]
          networkInterfaces: [{name: web, subnet: a, securityGroups: [default]}]
        peerVpcs:
          - name: shared
            cidrBlocks: [10.1.0.0/16]
            securityGroups: [{name: default, ingress: []}]

        """)
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics.map(\.formatted))")
    }

    @Test func scopedReferencesToAnotherVPCsObjectAreRefused() {
        let r = load("""
        apiVersion: netsim/v1
        kind: Topology
        name: peers
        vpc:
          name: app
          cidrBlocks: [10.0.0.0/16]
          subnets: [{name: a, zone: us-east-1a, cidr: 10.0.0.0/24}]
          networkInterfaces: [{name: web, subnet: a, securityGroups: [vault]}]
        peerVpcs:
          - name: shared
            cidrBlocks: [10.1.0.0/16]
            securityGroups: [{name: vault, ingress: []}]

        """)
        #expect(r.codes == ["NS0502"])
        #expect(r.diagnostics.first?.message.contains("of VPC 'shared', not of VPC 'app'") == true)
    }

    @Test func defaultServiceCIDRFollowsEKS() throws {
        func cluster(_ block: String) -> IPv4CIDR? {
            load("""
            apiVersion: netsim/v1
            kind: Topology
            name: t
            vpc: {cidrBlocks: [\(block)]}
            cluster: {name: c}

            """).topology?.cluster?.serviceCIDR
        }
        #expect(cluster("10.100.0.0/16")?.description == "172.20.0.0/16")
        #expect(cluster("192.168.0.0/16")?.description == "10.100.0.0/16")
    }

    @Test func prefixDelegationCountsOnlyOnNitro() throws {
        func warning(_ type: String, pd: Bool) -> Diagnostic? {
            load(minimalTopology
                .replacingOccurrences(of: "instanceType: m5.large, count: 2, subnets: [a]", with: "instanceType: \(type), count: 2, subnets: [a], maxPods: 110")
                .replacingOccurrences(of: "serviceCidr: 172.20.0.0/16", with: "serviceCidr: 172.20.0.0/16\n  cni: {ENABLE_PREFIX_DELEGATION: \"\(pd)\"}"))
                .first(.maxPodsOverride)
        }
        #expect(warning("m5.large", pd: false) != nil)      // 3 × 9 = 27 addresses
        #expect(warning("m5.large", pd: true) == nil)       // 3 × 9 × 16 = 432
        let xen = try #require(warning("m4.large", pd: true), "m4 is Xen: ipamd falls back to secondary IPs")
        #expect(xen.message.contains("hold 18 pod addresses"))
        #expect(xen.hint.contains("not a Nitro type"))
    }

    @Test func routesInsideTheLocalRange() {
        func codes(_ route: String) -> [String] {
            load(minimalTopology.replacingOccurrences(of: "cluster:", with: """
              networkInterfaces: [{name: fw, subnet: a, sourceDestCheck: false}]
              internetGateway: {name: igw}
              routeTables: [{name: r, routes: [\(route)]}]
            cluster:
            """)).codes
        }
        #expect(codes("{destination: 10.0.0.0/24, target: fw}") == [], "a whole subnet to a middlebox")
        #expect(codes("{destination: 10.0.0.0/16, target: fw}") == [], "replacing the local route's target")
        #expect(codes("{destination: 10.0.0.0/16, target: igw}") == ["NS0503"])
        #expect(codes("{destination: 10.0.0.0/25, target: fw}") == ["NS0503"])
        #expect(codes("{destination: 10.0.0.0/24, target: igw}") == ["NS0503"])
    }

    @Test func selectorTyposAreErrors() throws {
        let r = load(minimalTopology + """
        kubernetes:
          manifests:
            - apiVersion: networking.k8s.io/v1
              kind: NetworkPolicy
              metadata: {name: p}
              spec: {podSelector: {matchLabel: {app: web}}, policyTypes: [Ingress]}
            - apiVersion: v1
              kind: Service
              metadata: {name: s}
              spec: {selecter: {app: web}, ports: [{port: 80}]}

        """)
        let typo = try #require(r.diagnostics.first { $0.message.contains("matchLabel") })
        #expect(typo.severity == .error && typo.hint == "did you mean 'matchLabels'?")
        let svc = try #require(r.diagnostics.first { $0.message.contains("selecter") })
        #expect(svc.severity == .warning && svc.hint == "did you mean 'selector'?")
    }

    @Test func earlyProblemsDoNotMakeOtherKeysUnknown() {
        let r = load(minimalTopology.replacingOccurrences(of: "cluster:", with: """
          networkAcls:
            - name: n
              inbound: [{rule: 0, protocol: tcp, ports: 443, cidr: 0.0.0.0/0, action: allow}]
          securityGroups:
            - name: g
              ingress: [{protocol: http, from: {cidr: 0.0.0.0/0}, description: web}]
        cluster:
        """))
        #expect(r.codes.sorted() == ["NS0204", "NS0601"], "\(r.diagnostics.map(\.formatted))")
    }

    @Test func everyProblemIsReportedNotOnlyTheFirst() {
        let r = load(minimalTopology
            .replacingOccurrences(of: "m5.large", with: "m5.lrage")
            .replacingOccurrences(of: "cidr: 10.0.0.0/24", with: "cidr: 10.9.0.0/24, colour: blue")
            .replacingOccurrences(of: "172.20.0.0/16", with: "10.0.0.0/12"))
        #expect(Set(r.codes) == ["NS0802", "NS0201", "NS0401", "NS0403"], "\(r.diagnostics.map(\.formatted))")
    }
}

@Suite struct GlobTests {
    @Test func dotSlashAndOverlappingGlobsLoadEachFileOnce() throws {
        let s = Scratch()
        s.write("k8s/a.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n")
        s.write("k8s/sub/b.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: cart}\n")
        let r = loader.load(path: s.write("t.yaml", minimalTopology + "kubernetes:\n  manifests: [./k8s/*.yaml, k8s/a.yaml, \"k8s/**/*.yaml\"]\n"))
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics.map(\.formatted))")
        #expect(r.topology?.kubernetes.namespaces.map(\.meta.name).sorted() == ["cart", "shop"])
    }

    @Test func segmentMatching() {
        #expect(Glob.match("*.yaml", "a.yaml") && !Glob.match("*.yaml", "a.yml"))
        #expect(Glob.match("svc-[0-9]?.yaml", "svc-12.yaml") && !Glob.match("svc-[!0-9]*.yaml", "svc-1.yaml"))
    }
}
