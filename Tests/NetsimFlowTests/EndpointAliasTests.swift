import Foundation
import NetsimFlow
import NetsimModel
import NetsimTopology
import Testing

/// Endpoints as users type them: kubectl's short names, and a pod by the start of its name.
@Suite("endpoint aliases")
struct EndpointAliasTests {
    @Test func kubectlShortNamesParseAsTheLongOnes() throws {
        let pairs = [("deploy:shop/cart", "deployment:shop/cart"), ("sts:db/pg", "statefulset:db/pg"), ("ds:kube-system/aws-node", "daemonset:kube-system/aws-node"),
                     ("svc:shop/cart", "service:shop/cart"), ("ing:shop/storefront", "ingress:shop/storefront"), ("po:shop/x", "pod:shop/x"),
                     ("DEPLOY:shop/cart", "deployment:shop/cart"), ("deployments:shop/cart", "deployment:shop/cart"), ("no:ip-1", "node:ip-1")]
        for (short, long) in pairs {
            #expect(try Endpoint.parse(short).get() == Endpoint.parse(long).get(), "\(short)")
        }
        #expect((try? Endpoint.parse("dep:shop/cart").get()) == nil)
    }

    static func quickstart(_ edit: (String) -> String = { $0 }) throws -> (LoadResult, Network?) {
        let text = edit(try String(contentsOf: Lab.root.appendingPathComponent("Topologies/quickstart.yaml"), encoding: .utf8))
        let r = TopologyLoader(catalog: .builtin).load(text: text, file: Lab.root.appendingPathComponent("Topologies/quickstart.yaml").path)
        return (r, r.validTopology.map { Network(topology: $0, catalog: .builtin) })
    }

    /// `pod:NS/PREFIX` is the one pod whose name starts with PREFIX; several are an error that
    /// lists them; an exact pod name wins over a longer one it is the start of.
    @Test func podByPrefix() throws {
        let n = try #require(try Self.quickstart().1)
        let pods = n.fabric.realized.pods.filter { $0.namespace == "shop" && $0.workload == "frontend" }.map(\.name).sorted()
        #expect(pods.count == 3)
        let one = try #require(pods.first)
        let prefix = String(one.dropLast(2))
        #expect(pods.filter { $0.hasPrefix(prefix) }.count == 1)
        let t = try Lab.trace(n, "pod:shop/\(prefix)", "svc:shop/cart", port: 80)
        #expect(t.disposition == .delivered)
        #expect(t.forward.hops.first?.place.description.contains("pod:shop/\(one)") == true)

        let f = try Endpoint.parse("pod:shop/frontend").get(), to = try Endpoint.parse("service:shop/cart").get()
        guard case .invalid(let why, _) = n.trace(FlowRequest(from: f, to: to, ipProtocol: .tcp, port: 80)) else {
            Issue.record("an ambiguous prefix must not be traced"); return
        }
        #expect(why.contains("matches 3 pods") && pods.allSatisfy { why.contains($0) }, "\(why)")

        // A bare Pod named frontend: the exact name wins over the Deployment's frontend-… pods.
        let (_, bare) = try Self.quickstart {
            $0.replacingOccurrences(of: "    - k8s/shop/*.yaml\n", with: "    - k8s/shop/*.yaml\n    - {apiVersion: v1, kind: Pod, metadata: {name: frontend, namespace: shop, labels: {app: debug}}, spec: {containers: [{name: c, image: busybox}]}}\n")
        }
        let nb = try #require(bare)
        let exact = try Lab.trace(nb, "pod:shop/frontend", "svc:shop/cart", port: 80)
        #expect(exact.forward.hops.first?.place.description.hasPrefix("pod:shop/frontend ") == true, "\(exact.forward.hops.first?.place.description ?? "")")
    }

    /// The same names work in `expect:`, and hold as their long forms do.
    @Test func aliasesInExpect() throws {
        let (r, n) = try Self.quickstart {
            $0.replacingOccurrences(of: "from: deployment:shop/frontend, to: service:shop/cart,", with: "from: deploy:shop/frontend,     to: svc:shop/cart,")
                .replacingOccurrences(of: "to: ingress:shop/storefront,", with: "to: ing:shop/storefront,")
                .replacingOccurrences(of: "from: deployment:shop/cart,     to: external:orders-db,", with: "from: pod:shop/cart,           to: external:orders-db,")
        }
        // pod:shop/cart names two pods of the cart Deployment: that entry's own error, located
        // at its from: value (NS0901), never a held or failed intent; the others are evaluated.
        let errors = r.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1 && errors.first?.code == .invalidEndpoint && errors.first?.message.contains("more than one pod") == true, "\(errors.map(\.formatted))")
        let t = try #require(r.topologyBesideBadIntents)
        #expect(t.expectations.contains { $0.from == .workload(kind: .deployment, namespace: "shop", name: "frontend") && $0.to == .service(namespace: "shop", name: "cart") })
        _ = n
        let d = Network.checkDiagnostics(t, catalog: .builtin, file: "quickstart.yaml")
        #expect(d.filter { $0.code == .intentHolds }.count == 5, "\(d.map(\.formatted))")
        #expect(!d.contains { $0.message.contains("pod:shop/cart") }, "\(d.map(\.formatted))")
    }
}
