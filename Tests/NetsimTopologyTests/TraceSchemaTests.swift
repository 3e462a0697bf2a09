import Foundation
import NetsimFlow
import NetsimModel
import NetsimRender
import NetsimTestSupport
import NetsimTopology
import Testing

/// Docs/trace.schema.json against the program: the same text as `netsim schema --trace`, and a
/// `oneOf` branch for every kind the JSON can write. A new `StepDetail`, `BlockReason` or
/// `Place` case does not compile until it has a kind (`TraceStepKind` and its siblings switch
/// over every case), and then fails here until the schema has its branch.
@Suite("trace schema")
struct TraceSchemaTests {
    static func schema() throws -> [String: Any] {
        let data = Data(try Repo.read("Docs/trace.schema.json").utf8)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func defs() throws -> [String: [String: Any]] {
        try #require(try schema()["$defs"] as? [String: [String: Any]])
    }

    /// The kinds a union of `$defs` accepts: its `kind` enum, and each `oneOf` branch's `kind` const.
    static func kinds(_ union: String) throws -> (listed: Set<String>, branches: Set<String>) {
        let defs = try defs()
        let u = try #require(defs[union])
        let listed = Set(((u["properties"] as? [String: Any])?["kind"] as? [String: Any])?["enum"] as? [String] ?? [])
        var branches = Set<String>()
        // Each oneOf item: if the kind is this one, then its branch, else refused.
        for item in u["oneOf"] as? [[String: Any]] ?? [] {
            let ref = (item["then"] as? [String: String])?["$ref"]
            let name = try #require(ref?.split(separator: "/").last.map(String.init))
            #expect(item["else"] as? Bool == false)
            let branch = try #require(defs[name])
            #expect(branch["additionalProperties"] as? Bool == false, "\(name) must refuse unknown fields")
            let kind = ((branch["properties"] as? [String: Any])?["kind"] as? [String: Any])?["const"] as? String
            branches.insert(try #require(kind, "\(name) has no kind const"))
        }
        return (listed, branches)
    }

    @Test func docsFileIsWhatTheProgramPrints() throws {
        #expect(try Repo.read("Docs/trace.schema.json") == TraceSchema.json)
    }

    @Test func everyStepKindHasABranch() throws {
        let k = try Self.kinds("step")
        let program = Set(TraceStepKind.allCases.map(\.rawValue))
        #expect(k.listed == program)
        #expect(k.branches == program)
    }

    @Test func everyReasonPlaceAndHealthKindHasABranch() throws {
        let r = try Self.kinds("reason"), p = try Self.kinds("place")
        #expect(r.listed == Set(TraceReasonKind.allCases.map(\.rawValue)))
        #expect(r.branches == Set(TraceReasonKind.allCases.map(\.rawValue)))
        #expect(p.listed == Set(TracePlaceKind.allCases.map(\.rawValue)))
        #expect(p.branches == Set(TracePlaceKind.allCases.map(\.rawValue)))
        let h = try Self.kinds("healthReason")
        #expect(h.listed == Set(TraceHealthKind.allCases.map(\.rawValue)))
        #expect(h.branches == Set(TraceHealthKind.allCases.map(\.rawValue)))
    }

    @Test func codesAndDispositionsAreTheProgramsEnums() throws {
        let defs = try Self.defs()
        let explanation = try #require(defs["explanation"]?["properties"] as? [String: [String: Any]])
        #expect(Set(explanation["code"]?["enum"] as? [String] ?? []) == Set(ExplanationCode.allCases.map(\.rawValue)))
        #expect(Set(defs["disposition"]?["enum"] as? [String] ?? []) == Set(Disposition.allCases.map(\.rawValue)))
        #expect((try Self.schema()["$defs"] as? [String: Any])?["trace"] != nil)
    }
}

extension TraceSchemaTests {
    /// A NetworkPolicy's step and block (from a stage a test adds) are written and validate.
    @Test(.enabled(if: ExternalToolTests.which("python3") != nil, "python3 is not installed"))
    func networkPolicyStepsValidate() throws {
        Repo.enterRoot()
        let r = TopologyLoader(catalog: .builtin).load(path: "Tests/NetsimFlowTests/Fixtures/datapath-lab.yaml")
        let topology = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        let n = Network(topology: topology, catalog: .builtin, pipeline: Pipeline.standard.inserting(DenyPortAtPodIngress(port: 8080), at: .podIngress))
        let web = n.fabric.realized.pods.filter { $0.labels["app"] == "web" && $0.status == .running && $0.ip != nil }
        let a = try #require(web.first), b = try #require(web.last { $0.node != a.node })
        let req = FlowRequest(from: try Endpoint.parse("pod:lab/\(a.name)").get(), to: try Endpoint.parse("pod:lab/\(b.name)").get(), port: 8080)
        guard case .traced(let t) = n.trace(req) else { Issue.record("not traced"); return }
        let json = TraceRenderer.render(t, as: .json, color: false)
        #expect(json.contains("\"kind\" : \"networkPolicy\""))
        #expect(json.contains("\"code\" : \"NETWORK_POLICY_DENIED\""))
        let s = Scratch()
        let file = s.write("policy.json", json)
        let python = try #require(ExternalToolTests.which("python3"))
        let v = try ExternalToolTests.run(python, ["Tests/schema/validate_traces.py", file])
        #expect(v.status == 0, "\(v.out)\n\(v.err)")
        #expect(v.out.contains("1 documents valid"), "\(v.out)")
    }
}
