@testable import NetsimFlow
import NetsimModel
import Testing

/// A trace reuses NetworkPolicy verdicts it built for earlier packets (per pod and deciding
/// entry or rule; see `PolicyEnforcement`). Reuse must never change an answer: two networks
/// trace the same flows in opposite orders, so each fills its caches differently, and every
/// policy decision must come out the same, with the packet of its own flow.
@Suite("NetworkPolicy verdict reuse")
struct PolicyVerdictReuseTests {
    static func describe(_ v: PolicyVerdict) -> String {
        "\(v.enforcer) \(v.direction) \(v.pod ?? "-") \(v.address) \(v.allowed) \(v.basis) \(v.policies) \(v.rules) \(v.moreRules) "
            + "\(v.cidr.map { "\($0)" } ?? "-") \(v.ports.map { "\($0)" } ?? "-") \(v.atStart) \(v.packet)"
    }

    /// Every policy decision of the flow's trace (steps of both walks, and the comparison).
    static func decisions(_ n: Network, _ request: FlowRequest) -> [String] {
        guard case .traced(let t) = n.trace(request) else { return ["not traced"] }
        var out: [String] = []
        for hop in t.forward.hops + (t.reply?.hops ?? []) {
            for step in hop.steps { if case .networkPolicy(let v) = step.detail { out.append("step " + describe(v)) } }
        }
        out += (t.policy?.enforced ?? []).map { "enforced " + describe($0) }
        out += (t.policy?.other ?? []).map { "other " + describe($0) }
        return out
    }

    @Test(arguments: ["Topologies/network-policy-agent-vs-spec.yaml", "Topologies/multi-tenant-network-policies.yaml"])
    func reuseNeverChangesAnAnswer(_ file: String) throws {
        let forward = try Lab.network(file), backward = try Lab.network(file)
        // Four running pods of each namespace (at most 16): policies select most of them.
        var perNamespace: [String: Int] = [:]
        let pods = forward.fabric.realized.pods.filter { p in
            guard p.status == .running, p.ip != nil, !p.hostNetwork, perNamespace[p.namespace, default: 0] < 4 else { return false }
            perNamespace[p.namespace, default: 0] += 1
            return true
        }.prefix(16)
        var requests: [FlowRequest] = []
        for a in pods {
            for b in pods where a.name != b.name {
                for (proto, port) in [(IPProtocol.tcp, UInt16(80)), (.tcp, 8080), (.udp, 53), (.tcp, 5432)] {
                    requests.append(FlowRequest(from: .pod(namespace: a.namespace, name: a.name), to: .pod(namespace: b.namespace, name: b.name),
                                                ipProtocol: proto, port: port))
                }
            }
        }
        #expect(requests.count > 200)
        let one = requests.map { Self.decisions(forward, $0) }
        let other = requests.reversed().map { Self.decisions(backward, $0) }.reversed()
        var decided = 0, differing = 0
        for (i, (a, b)) in zip(one, other).enumerated() {
            decided += a.count
            if a != b {
                differing += 1
                if differing <= 3 { Issue.record("\(requests[i].from) → \(requests[i].to) \(requests[i].port ?? 0):\n\(a.joined(separator: "\n"))\n--- against ---\n\(b.joined(separator: "\n"))") }
            }
        }
        #expect(differing == 0)
        // The flows met policies: most flows have decisions to compare.
        #expect(decided > requests.count, "\(decided) decisions in \(requests.count) flows")
    }
}
