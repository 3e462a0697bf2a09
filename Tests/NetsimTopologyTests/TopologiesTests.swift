import Foundation
import NetsimTestSupport
import Testing
import NetsimFlow
import NetsimModel
import NetsimRender
import NetsimTopology

/// The shipped examples are clean; the broken ones fail exactly as their golden files say.
@Suite(.serialized) struct TopologiesTests {
    init() { Repo.enterRoot() }

    @Test func everyExampleIsCleanUnderStrict() throws {
        let files = Repo.files(in: "Topologies", ext: "yaml")
        #expect(files.count >= 6, "Topologies/ should hold the quickstart and at least five more examples")
        for file in files {
            let r = loader.load(path: file)
            #expect(r.diagnostics.isEmpty, "\(file): \(r.diagnostics.map(\.formatted).joined(separator: "\n"))")
            #expect(r.topology != nil)
        }
    }

    @Test func brokenExamplesMatchTheirGoldenDiagnostics() throws {
        let files = Repo.files(in: "Topologies/broken", ext: "yaml")
        #expect(files.count >= 15)
        for file in files {
            let r = loader.load(path: file)
            // As netsim check does: what the realized cluster shows is added (NS0719).
            let extra = r.validTopology.map { Network.checkDiagnostics($0, catalog: .builtin, file: file).filter { $0.code == .lbUnbuildable || $0.code == .agentPortLimit } } ?? []
            let report = CheckReport(files: [.init(path: file, diagnostics: r.diagnostics + extra, topologyName: r.topology?.name)], strict: false)
            let text = CheckRenderer.render(report, as: .text, color: false)
            let golden = String(file.dropLast(".yaml".count)) + ".expected"
            try Golden.assert(text, matches: golden)
            #expect(!(r.diagnostics + extra).isEmpty, "\(file) should produce at least one diagnostic")
        }
    }

    @Test func quickstartModel() throws {
        let r = loader.load(path: "Topologies/quickstart.yaml")
        let t = try #require(r.validTopology)
        let vpc = try #require(t.primaryVPC)
        #expect(t.region == "us-east-1")
        #expect(vpc.subnets.count == 6)
        #expect(vpc.mainRouteTable?.routes.isEmpty == true, "the implicit main table holds only local routes")
        #expect(vpc.defaultNetworkACL?.inbound.first?.number == 100)
        #expect(vpc.securityGroup(named: "default") != nil)
        let privateA = try #require(vpc.subnet(named: "private-a"))
        #expect(vpc.routeTable(for: privateA)?.routes.first?.target == .natGateway("nat-a"))
        #expect(vpc.networkACL(for: try #require(vpc.subnet(named: "db-a")))?.name == "db")
        let db = try #require(vpc.securityGroup(named: "db"))
        #expect(db.ingress.first?.peer == .securityGroup("nodes"))
        #expect(db.egress.first?.peer == .cidr(.any), "an SG without egress rules gets AWS's default allow-all egress")
        let cluster = try #require(t.cluster)
        #expect(cluster.nodeGroups.first?.instanceType == "m5.large")
        #expect(t.kubernetes.workloads.map(\.meta.name).sorted() == ["cart", "frontend"])
        #expect(t.kubernetes.services.first { $0.meta.name == "frontend" }?.type == .LoadBalancer)
        #expect(t.kubernetes.ingresses.first?.rules.first?.paths.first?.backend.serviceName == "cart")
        #expect(t.expectations.count == 6)
        #expect(t.expectations.last?.verdict == .denied)
        #expect(r.files == ["Topologies/quickstart.yaml", "Topologies/k8s/shop/cart.yaml", "Topologies/k8s/shop/frontend.yaml", "Topologies/k8s/shop/namespace.yaml"])
    }

    @Test func loadingIsDeterministic() throws {
        let a = loader.load(path: "Topologies/quickstart.yaml").topology
        let b = loader.load(path: "Topologies/quickstart.yaml").topology
        #expect(a?.vpcs.first?.subnets.map(\.id) == b?.vpcs.first?.subnets.map(\.id))
        #expect(a?.vpcs.first?.securityGroups.map(\.id) == b?.vpcs.first?.securityGroups.map(\.id))
    }

    @Test func schemaFileMatchesTheBuiltInSchema() throws {
        #expect(try Repo.read("Docs/topology.schema.json") == TopologySchema.json)
    }

    @Test func diagnosticsDocDescribesEveryCode() throws {
        let doc = try Repo.read("Docs/diagnostics.md")
        for code in DiagnosticCode.all {
            #expect(doc.contains(code.id), "Docs/diagnostics.md lacks \(code.id)")
            #expect(doc.contains(code.name), "Docs/diagnostics.md lacks \(code.name)")
        }
    }

    @Test func codesAreUniqueAndWellFormed() {
        let ids = DiagnosticCode.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.hasPrefix("NS") && $0.count == 6 })
        #expect(Set(DiagnosticCode.all.map(\.name)).count == ids.count)
    }
}

/// Golden-file comparison. With NETSIM_RECORD=1 the file is rewritten and the test fails, so
/// every new baseline is reviewed in the diff.
enum Golden {
    static func assert(_ actual: String, matches relative: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let url = Repo.root.appendingPathComponent(relative)
        if ProcessInfo.processInfo.environment["NETSIM_RECORD"] == "1" {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("recorded \(relative); review the diff and run again without NETSIM_RECORD", sourceLocation: sourceLocation)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing golden file \(relative); run with NETSIM_RECORD=1 to create it", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            var diff = ""
            for i in 0..<max(e.count, a.count) where (i < e.count ? e[i] : nil) != (i < a.count ? a[i] : nil) {
                diff += "line \(i + 1):\n  expected: \(i < e.count ? String(e[i]) : "<none>")\n  actual:   \(i < a.count ? String(a[i]) : "<none>")\n"
                if diff.count > 2000 { break }
            }
            Issue.record("\(relative) differs:\n\(diff)", sourceLocation: sourceLocation)
        }
    }
}
