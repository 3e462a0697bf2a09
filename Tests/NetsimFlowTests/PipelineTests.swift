import Foundation
import NetsimFlow
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import NetsimVPC
import Testing

/// Counts the positions a walk goes through (a stage that only watches).
final class PositionCounter: WalkStage, @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [PositionKind: Int] = [:]
    func run(at position: Position, context: WalkContext, state: inout FlowState, recorder: inout Recorder) -> StageResult {
        lock.lock(); counts[position.kind, default: 0] += 1; lock.unlock()
        return .next
    }
    func count(_ k: PositionKind) -> Int { lock.lock(); defer { lock.unlock() }; return counts[k] ?? 0 }
}

@Suite("the walk's pipeline")
struct PipelineTests {
    static func network(_ pipeline: Pipeline) throws -> Network {
        let path = Lab.root.appendingPathComponent("Tests/NetsimFlowTests/Fixtures/datapath-lab.yaml").path
        let r = TopologyLoader(catalog: .builtin).load(path: path)
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        return Network(topology: t, catalog: .builtin, pipeline: pipeline)
    }

    func podPair(_ n: Network) throws -> (String, String) {
        let web = n.fabric.realized.pods.filter { $0.labels["app"] == "web" && $0.status == .running && $0.ip != nil }
        let a = try #require(web.first), b = try #require(web.last { $0.node != a.node })
        return ("pod:lab/\(a.name)", "pod:lab/\(b.name)")
    }

    func trace(_ n: Network, _ from: String, _ to: String, port: UInt16) throws -> Trace {
        let req = FlowRequest(from: try Endpoint.parse(from).get(), to: try Endpoint.parse(to).get(), port: port)
        guard case .traced(let t) = n.trace(req) else { Issue.record("\(from) → \(to) not traced"); throw CancellationError() }
        return t
    }

    /// One line adds the stage; the trace reports its step and its block, with its own code, and
    /// the walk goes on past it as past any other block.
    @Test func aStageAddedWithOneLineDecidesTheTrace() throws {
        let standard = try Self.network(.standard)
        let (a, b) = try podPair(standard)
        let before = try trace(standard, a, b, port: 8080)
        #expect(before.disposition == .delivered, "\(before.explanations.map(\.message))")

        let n = try Self.network(Pipeline.standard.inserting(DenyPortAtPodIngress(port: 8080), at: .podIngress))
        let t = try trace(n, a, b, port: 8080)
        #expect(t.disposition == .deniedIn)
        #expect(t.explanations.map(\.code) == [.networkPolicyDenied])
        #expect(t.explanations.first?.message.contains("drops tcp 8080") == true, "\(t.explanations.map(\.message))")
        #expect(t.explanations.first?.message.contains("lab/deny-8080") == true, "\(t.explanations.map(\.message))")
        let policy = t.forward.hops.flatMap(\.steps).filter { if case .networkPolicy = $0.detail { return true }; return false }
        #expect(policy.count == 1 && policy.first?.action == .denied && policy.first?.type == "NetworkPolicy")
        // The walk goes on past the block: the packet would still be delivered to the pod.
        #expect(t.forward.end == .delivered)
        #expect(t.forward.hops.last?.steps.last.map { if case .delivered(_, blockedEarlier: true) = $0.detail { return true }; return false } == true)
        // Another port is not touched.
        #expect(try trace(n, a, b, port: 9090).explanations.allSatisfy { $0.code != .networkPolicyDenied })
    }

    /// A watching stage sees the positions the loop drives, forward and back: the pod's veth
    /// both ways on each end, each node's datapath, the ENIs.
    @Test func theLoopDrivesEveryPosition() throws {
        let counter = PositionCounter()
        var p = Pipeline.standard
        for k in PositionKind.allCases { p = p.inserting(counter, at: k) }
        let n = try Self.network(p)
        let (a, b) = try podPair(n)
        let t = try trace(n, a, b, port: 8080)
        #expect(t.disposition == .delivered)
        #expect(counter.count(.originate) == 1 && counter.count(.originateReply) == 1)
        #expect(counter.count(.podEgress) == 2 && counter.count(.podIngress) == 2, "the request and the reply each leave one pod and reach the other")
        #expect(counter.count(.node) == 4)
        #expect(counter.count(.interfaceEgress) == 2 && counter.count(.arrive) == 2)
    }

    /// Stages are where the pipeline puts them: first, or after a named builtin stage.
    @Test func stagesAreOrdered() {
        let p = Pipeline.standard.inserting(DenyPortAtPodIngress(port: 1), at: .interfaceEgress, after: .securityGroupsEgress)
        let names = p.stages(at: .interfaceEgress).map { s -> String in
            switch s { case .builtin(let b): return "\(b)"; case .custom: return "custom" }
        }
        #expect(names == ["networkPolicyEgressAfterDNAT", "interfaceOut", "sourceDestCheck", "securityGroupsEgress", "custom", "leaveInterface"])
    }
}

/// No code outside the wording and the renderers reads a trace's words back: every decision
/// is made on the typed values.
@Suite("trace words are written, not read")
struct TraceWordsTests {
    @Test func noStringComparisonOnStepTextOutsideTheWording() throws {
        let sources = Lab.root.appendingPathComponent("Sources")
        let patterns = [
            #"\.(type|typeWord|code|place|detail|message|sentence)\s*(==|!=)\s*""#,
            #"\.(message|sentence|detail|place|typeWord)(\.description)?\.(contains|hasPrefix|hasSuffix|range\(of)"#,
            #"\.(code|place)\.description\s*(==|!=)"#,
        ].map { try! NSRegularExpression(pattern: $0) }
        var offenders: [String] = []
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        for file in files where !file.hasPrefix("NetsimFlow/Wording/") && !file.hasPrefix("NetsimRender/") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let l = String(line), range = NSRange(l.startIndex..., in: l)
                // PcapError's message is a libpcap error, not a trace's.
                if l.contains("PcapError") || l.contains("e.message.contains(\"link-layer\")") { continue }
                if patterns.contains(where: { $0.firstMatch(in: l, range: range) != nil }) { offenders.append("\(file):\(n + 1): \(l)") }
            }
        }
        #expect(offenders.isEmpty, "\(offenders.joined(separator: "\n"))")
        #expect(files.count > 20, "the scan found the sources")
    }
}

/// The loop, not recursion, walks a chain of appliances: 70 of them, each in its own subnet,
/// each routing the flow to the next; the walk ends at the 64-decision limit with LOOP.
@Suite("a long chain of appliances")
struct ApplianceChainTests {
    @Test func aLongChainEndsAtTheDecisionLimit() throws {
        let n = 70
        var y = """
        apiVersion: netsim/v1
        kind: Topology
        name: chain
        region: us-east-1
        seed: 5
        vpc:
          name: lab
          cidrBlocks: [10.0.0.0/16]
          subnets:
            - {name: start, zone: us-east-1a, cidr: 10.0.0.0/24, routeTable: start}

        """
        for i in 0..<n { y += "    - {name: s\(i), zone: us-east-1a, cidr: 10.0.\(i + 1).0/24, routeTable: r\(i)}\n" }
        y += "  networkInterfaces:\n"
        for i in 0..<n { y += "    - {name: box\(i), subnet: s\(i), privateIp: 10.0.\(i + 1).10, securityGroups: [open], sourceDestCheck: false}\n" }
        y += "  routeTables:\n    - name: start\n      routes:\n        - {destination: 192.0.2.0/24, target: box0}\n"
        for i in 0..<n { y += "    - name: r\(i)\n      routes:\n        - {destination: 192.0.2.0/24, target: box\((i + 1) % n)}\n" }
        y += """
          securityGroups:
            - name: open
              egress:
                - {protocol: all, to: {cidr: 0.0.0.0/0}}
              ingress:
                - {protocol: all, from: {cidr: 0.0.0.0/0}}
        externals:
          - {name: src, address: 10.0.0.5, subnet: start, securityGroups: [open]}

        """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("netsim-chain-\(UUID().uuidString).yaml")
        try y.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let r = TopologyLoader(catalog: .builtin).load(path: file.path)
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        let net = Network(topology: t, catalog: .builtin)
        let tr = try Lab.trace(net, "external:src", "ip:192.0.2.7", port: 80)
        #expect(tr.disposition == .loop)
        #expect(tr.explanations.last?.code == .loop)
        if case .tooManyDecisions(64)? = tr.explanations.last?.detail {} else { Issue.record("\(tr.explanations.map(\.message))") }
        #expect(tr.forward.hops.filter { if case .interface = $0.place { return true }; return false }.count > 60, "the walk went through the chain")
    }
}
