import Foundation
import NetsimFlow
import NetsimModel
import NetsimTopology
import Testing

/// The converter reads the controller's annotations once (`LoadBalancerSpecs`); `check` reports
/// what it refuses and the builder builds from the same values. The account ID is a setting.
@Suite("load balancer specs and account")
struct LoadBalancerSpecTests {
    static func labText() throws -> String {
        try String(contentsOf: Lab.root.appendingPathComponent("Tests/NetsimFlowTests/Fixtures/lb-lab.yaml"), encoding: .utf8)
    }
    static let down = #"'{"type":"fixed-response","fixedResponseConfig":{"contentType":"text/plain","statusCode":"503","messageBody":"down for maintenance"}}'"#

    func maintenanceRules(_ n: Network) -> [LoadBalancer.Rule] {
        n.fabric.loadBalancers.first { $0.group == "shared" }?.listeners.flatMap(\.rules).filter { $0.origin.hasPrefix("lab/maintenance:") } ?? []
    }

    /// The typed action reaches the built rule: the status written in the annotation (418 here)
    /// is the spec's and the ALB rule's.
    @Test func builtRuleIsTheSpecsAction() throws {
        let text = try Self.labText().replacingOccurrences(of: Self.down, with: Self.down.replacingOccurrences(of: "\"503\"", with: "\"418\""))
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: "lb-lab.yaml")
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.message))")
        let spec = try #require(t.loadBalancerSpecs?.applicationLoadBalancers.first { $0.group.name == "shared" })
        let ing = try #require(t.kubernetes.ingresses.first { $0.meta.name == "maintenance" })
        #expect(spec.member(ing).actions["down"] == .fixedResponse(status: 418, contentType: "text/plain", body: "down for maintenance"))
        let rules = maintenanceRules(Network(topology: t, catalog: .builtin))
        #expect(rules.count == 1)
        guard case .fixedResponse(let status, _, let body)? = rules.first?.action else { Issue.record("\(rules.map(\.action))"); return }
        #expect(status == 418 && body == "down for maintenance")
    }

    /// A typo in the action's type: `check` reports it once, at the annotation, and the builder,
    /// reading the same spec, builds no rule for that path.
    @Test func typoIsReportedOnceAndTheBuilderAgrees() throws {
        let text = try Self.labText().replacingOccurrences(of: Self.down, with: Self.down.replacingOccurrences(of: "fixed-response", with: "fixed-responce"))
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: "lb-lab.yaml")
        let typo = r.diagnostics.filter { $0.message.contains("actions.down") }
        #expect(typo.count == 1)
        #expect(typo.first?.code == .lbAnnotation && typo.first?.message.contains("'fixed-responce'") == true)
        let line = try #require(text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("actions.down") }) + 1
        #expect(typo.first?.location.line == line)
        let t = try #require(r.topology)
        let spec = try #require(t.loadBalancerSpecs?.applicationLoadBalancers.first { $0.group.name == "shared" })
        let ing = try #require(t.kubernetes.ingresses.first { $0.meta.name == "maintenance" })
        #expect(spec.member(ing).actions["down"] == .invalid)
        #expect(maintenanceRules(Network(topology: t, catalog: .builtin)).isEmpty)
    }

    /// The ARNs of load balancers and target groups carry the topology's account ID.
    @Test func arnsUseTheAccountID() throws {
        let text = try Self.labText().replacingOccurrences(of: "region: us-east-1\n", with: "region: us-east-1\naccountId: \"012345678901\"\n")
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: "lb-lab.yaml")
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.message))")
        #expect(t.accountID == "012345678901")
        let lbs = Network(topology: t, catalog: .builtin).fabric.loadBalancers
        #expect(!lbs.isEmpty)
        for lb in lbs {
            #expect(lb.arn.hasPrefix("arn:aws:elasticloadbalancing:us-east-1:012345678901:loadbalancer/\(lb.kind.short)/\(lb.name)/"))
            for tg in lb.targetGroups { #expect(tg.arn.hasPrefix("arn:aws:elasticloadbalancing:us-east-1:012345678901:targetgroup/\(tg.name)/")) }
        }
        // Without the setting: AWS's documentation account, as before.
        let plain = try #require(TopologyLoader(catalog: .builtin).load(text: try Self.labText(), file: "lb-lab.yaml").validTopology)
        #expect(Network(topology: plain, catalog: .builtin).fabric.loadBalancers.allSatisfy { $0.arn.contains(":123456789012:") })
    }

    /// Anything but 12 digits is refused where it is written.
    @Test(arguments: ["12345", "1234567890123", "12345678901a", "\"\"", "[1]", "\" 123456789012\""])
    func badAccountIDIsLocated(_ value: String) throws {
        let text = try Self.labText().replacingOccurrences(of: "region: us-east-1\n", with: "region: us-east-1\naccountId: \(value)\n")
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: "lb-lab.yaml")
        #expect(r.validTopology == nil)
        let line = try #require(text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("accountId:") }) + 1
        let d = try #require(r.diagnostics.first { $0.location.line == line }, "\(r.diagnostics.map { "\($0.location.line): \($0.message)" })")
        #expect(d.location.file == "lb-lab.yaml" && d.location.column == 12)
        #expect(d.code == .invalidValue || d.code == .wrongType)
        if d.code == .invalidValue { #expect(d.message.contains("is not an AWS account ID") && d.hint.contains("12 digits")) }
    }
}
