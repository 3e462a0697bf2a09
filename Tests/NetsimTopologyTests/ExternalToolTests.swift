import Foundation
import NetsimTestSupport
import Testing
import NetsimModel
import NetsimTopology

/// Real tools, never mocks: kubectl writes the manifests netsim must load, and Python's
/// jsonschema validates the shipped topologies against Docs/topology.schema.json.
@Suite(.serialized) struct ExternalToolTests {
    init() { Repo.enterRoot() }

    static func which(_ tool: String) -> String? { Subprocess.which(tool) }

    static func run(_ tool: String, _ args: [String]) throws -> ProcessResult { try Subprocess.launch(tool, args) }

    @Test(.enabled(if: which("kubectl") != nil, "kubectl is not installed (make test installs it where the package exists)"))
    func manifestsWrittenByKubectlLoad() throws {
        let kubectl = try #require(Self.which("kubectl"))
        let s = Scratch()
        let outputs = [
            ("deploy.yaml", ["create", "deployment", "web", "--image=nginx:1.27", "--replicas=3", "--port=8080", "-n", "shop", "--dry-run=client", "-o", "yaml"]),
            ("svc.yaml", ["create", "service", "clusterip", "web", "--tcp=80:8080", "-n", "shop", "--dry-run=client", "-o", "yaml"]),
            ("np.yaml", ["create", "service", "nodeport", "web-np", "--tcp=80:8080", "--node-port=30080", "-n", "shop", "--dry-run=client", "-o", "yaml"]),
            ("ns.yaml", ["create", "namespace", "shop", "--dry-run=client", "-o", "yaml"]),
            ("ing.yaml", ["create", "ingress", "web", "--class=alb", "--rule=/api*=web:80", "-n", "shop", "--dry-run=client", "-o", "yaml"]),
            ("cm.yaml", ["create", "configmap", "cfg", "--from-literal=a=b", "-n", "shop", "--dry-run=client", "-o", "yaml"]),
        ]
        for (name, args) in outputs {
            let r = try Self.run(kubectl, args)
            #expect(r.status == 0, "kubectl \(args.joined(separator: " ")): \(r.err)")
            s.write("k8s/" + name, r.out)
        }
        let topology = minimalTopology + "kubernetes:\n  manifests: [\"k8s/*.yaml\"]\n"
        let result = loader.load(path: s.write("t.yaml", topology))
        // kubectl labels the Deployment's pods app=web and makes each Service select app=<its name>:
        // web selects them, web-np selects nothing (a warning), and the ConfigMap is not modelled.
        // The Ingress (class alb, internal by default) asks for an ALB the controller cannot place
        // in this VPC of one subnet in one zone (NS0714), and its backend web is a ClusterIP
        // Service while the default target type, instance, needs a NodePort (NS0718).
        #expect(Set(result.diagnostics.map(\.code)) == [.unmodelledKind, .selectorMatchesNothing, .lbNoSubnets, .lbBackend], "\(result.diagnostics.map(\.formatted))")
        #expect(result.first(.selectorMatchesNothing)?.message.contains("shop/web-np") == true)
        let k = try #require(result.topology?.kubernetes)
        let web = try #require(k.workload(.deployment, namespace: "shop", name: "web"))
        #expect(web.replicas == 3)
        #expect(web.template.ports.first?.containerPort == 8080)
        #expect(k.service(namespace: "shop", name: "web")?.ports.first?.targetPort == .number(8080))
        #expect(k.service(namespace: "shop", name: "web-np")?.ports.first?.nodePort == 30080)
        #expect(k.ingresses.first?.rules.first?.paths.first?.pathType == .Prefix)
        #expect(k.namespaces.map(\.meta.name) == ["shop"])
    }

    @Test(.enabled(if: which("python3") != nil))
    func shippedTopologiesValidateAgainstTheJSONSchema() throws {
        let python = try #require(Self.which("python3"))
        let r = try Self.run(python, ["Tests/schema/validate_topologies.py"])
        #expect(r.status == 0, "\(r.out)\n\(r.err)")
    }

    /// scripts/catalog-from-describe.py and `--instance-catalog types.json` read EC2's JSON the
    /// same way, and with no new types the script reproduces the built-in table exactly.
    @Test(.enabled(if: which("python3") != nil, "python3 is not installed"))
    func catalogScriptAgreesWithTheLoader() throws {
        let python = try #require(Self.which("python3"))
        let fixture = "Tests/NetsimTopologyTests/Fixtures/describe-instance-types.json"
        let r = try Self.run(python, ["scripts/catalog-from-describe.py", fixture])
        #expect(r.status == 0, "\(r.err)")
        let fromScript = try InstanceCatalog.parse(tsv: r.out).get()
        let fromJSON = try #require(InstanceCatalogLoader.load(path: fixture, over: .builtin).catalog)
        #expect(fromScript.types.count == fromJSON.types.count)
        for t in fromJSON.types { #expect(fromScript[t.name] == t, "\(t.name)") }
        let s = Scratch()
        let empty = s.write("empty.json", #"{"InstanceTypes": []}"#)
        let same = try Self.run(python, ["scripts/catalog-from-describe.py", empty])
        let rebuilt = try InstanceCatalog.parse(tsv: same.out).get()
        #expect(rebuilt.types.count == 1391)
        for t in InstanceCatalog.builtin.types { #expect(rebuilt[t.name] == t, "\(t.name)") }
        let bad = try Self.run(python, ["scripts/catalog-from-describe.py", s.write("bad.json", "{")])
        #expect(bad.status == 2)
    }
}
