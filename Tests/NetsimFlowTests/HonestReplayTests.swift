import Foundation
@testable import NetsimFlow
import NetsimModel
import NetsimTestSupport
import NetsimVPC
import Testing

/// `netsim replay` is as honest as a trace (issue 12 items 1 and 2): a captured flow to an
/// undeclared control plane is not evaluated, and a flow whose delivery a NetworkPolicy could
/// drop agrees with a capture either way, saying why.
@Suite("replay and what netsim does not model")
struct HonestReplayTests {
    func flow(_ client: IPv4Address, _ server: IPv4Address, port: UInt16, answered: Bool) -> CapturedFlow {
        var f = CapturedFlow(client: .ipv4(client), server: .ipv4(server), ipProtocol: .tcp, clientPort: 40000, serverPort: port, firstMicros: 0, firstPacket: 1)
        f.sawSyn = true
        f.packetsFromClient = 1
        if answered { f.sawSynAck = true; f.packetsFromServer = 1 }
        return f
    }

    func pod(_ n: Network, _ endpoint: String) throws -> IPv4Address {
        guard case .resolved(let r) = n.resolver.resolve(try Endpoint.parse(endpoint).get()) else { throw CancellationError() }
        return r.address.v4 ?? IPv4Address(0)
    }

    @Test func controlPlaneFlowIsNotEvaluated() throws {
        let n = try Lab.network("Topologies/quickstart.yaml")
        let client = try pod(n, "deployment:shop/frontend")
        let r = try #require(n.replay([flow(client, IPv4Address(172, 20, 0, 1), port: 443, answered: true)]).first)
        #expect(r.agreement == .notEvaluated)
        #expect(r.deciding.contains("control plane is not modelled"))
    }

    @Test func policyDependentDeliveryAgreesWithASilentCapture() throws {
        let (path, dir) = try MultiTenantCopy.make(enforcer: nil)
        defer { Scratch.remove(dir) }
        let n = try Lab.network(path)
        let client = try pod(n, "deployment:ingress-nginx/ingress-nginx-controller")
        let server = try pod(n, "deployment:tenant-globex/shop")
        let silent = try #require(n.replay([flow(client, server, port: 8080, answered: false)]).first)
        #expect(silent.agreement == .agrees)
        #expect(silent.deciding.contains("NetworkPolic"))
        let answered = try #require(n.replay([flow(client, server, port: 8080, answered: true)]).first)
        #expect(answered.agreement == .agrees)
    }

    /// With the enforcer declared, replay expects what the enforced trace says: a flow the
    /// agent drops at the server's veth agrees with a capture that shows no answer and disagrees
    /// with one that shows an answer; an allowed one expects the answer.
    @Test func enforcedPolicyDecidesTheExpectation() throws {
        let n = try Lab.network("Topologies/multi-tenant-network-policies.yaml")
        let globex = try pod(n, "deployment:tenant-globex/shop")
        let acmeAPI = try pod(n, "deployment:tenant-acme/api")
        let silent = try #require(n.replay([flow(globex, acmeAPI, port: 8080, answered: false)]).first)
        #expect(silent.agreement == .agrees, "\(silent.deciding)")
        #expect(silent.deciding.contains("network policy agent"), "\(silent.deciding)")
        let answered = try #require(n.replay([flow(globex, acmeAPI, port: 8080, answered: true)]).first)
        #expect(answered.agreement != .agrees)
        let web = try pod(n, "deployment:tenant-acme/web")
        let allowed = try #require(n.replay([flow(web, acmeAPI, port: 8080, answered: false)]).first)
        #expect(allowed.agreement != .agrees, "the model delivers web → api, so a silent capture disagrees")
    }
}
