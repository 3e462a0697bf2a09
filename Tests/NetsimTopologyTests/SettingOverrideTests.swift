import Foundation
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

/// `--set KEY=VALUE` goes through the same checks as the same setting in `cluster.cni`,
/// and whatever those checks say about it is an error located at the argument.
@Suite("--set aws-node settings")
struct SettingOverrideTests {
    static let cases: [(String, String)] = [
        ("WARM_IP_TARGET", "five"), ("WARM_IP_TARGET", "-3"), ("AWS_VPC_K8S_CNI_EXTERNALSNAT", "yes"),
        ("AWS_VPC_K8S_CNI_VETHPREFIX", "toolong"), ("AWS_VPC_K8S_CNI_CONNMARK", "0x1ffffffff"),
        ("AWS_EXTERNAL_SERVICE_CIDRS", "10.0.0.0/33"), ("WARM_IP_TARGTE", "5"), ("AWS_VPC_ENI_MTU", "9001"),
        ("WARM_IP_TARGET", "9223372036854775807"), ("AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS", "192.168.0.0/16,nope"),
    ]

    @Test func setValuesPassTheFileChecks() throws {
        Repo.enterRoot()
        let text = try Repo.read("Topologies/quickstart.yaml")
        #expect(text.contains("cni: {}"))
        for (key, value) in Self.cases {
            let yaml = TopologyLoader(catalog: .builtin).load(text: text.replacingOccurrences(of: "cni: {}", with: "cni: {\(key): \"\(value)\"}"),
                                                              file: "Topologies/quickstart.yaml")
            var loader = TopologyLoader(catalog: .builtin)
            let (overrides, problems) = SettingOverride.parse(["WARM_ENI_TARGET=1", "\(key)=\(value)"])
            #expect(problems.isEmpty)
            loader.cniOverrides = overrides
            let set = loader.load(path: "Topologies/quickstart.yaml")
            let fromFile = yaml.diagnostics.filter { $0.location.line == 61 }
            let fromSet = set.diagnostics.filter { $0.location.file == "--set #2" }
            // The same checks; only NS0803's "it is ignored" is dropped under --set, an error.
            #expect(fromFile.map { "\($0.code.id) \($0.message)".replacingOccurrences(of: "; it is ignored", with: "") }
                    == fromSet.map { "\($0.code.id) \($0.message)" }, "\(key)=\(value)")
            #expect(!fromSet.contains { $0.message.contains("it is ignored") }, "\(key)=\(value)")
            #expect(fromSet.allSatisfy { $0.severity == .error || $0.code == .ignoredCNISetting }, "\(key)=\(value)")
            #expect(set.validTopology == nil || !fromSet.contains { $0.severity == .error }, "\(key)=\(value)")
            if !fromSet.contains(where: { $0.severity == .error }) {
                #expect(set.validTopology?.cluster?.cniValue(key) == value)
                #expect(set.validTopology?.cluster?.cniValue("WARM_ENI_TARGET") == "1")
            }
        }
    }

    @Test func malformedArgumentsAreRefused() {
        let (ok, none) = SettingOverride.parse(["A=", "B==1", " C =x"])
        #expect(none.isEmpty)
        #expect(ok.map(\.name) == ["A", "B", "C"] && ok.map(\.value) == ["", "=1", "x"])
        let (_, bad) = SettingOverride.parse(["x", "=1", "ng/A=1", "9A=1", "A-B=1"])
        #expect(bad.map(\.code) == Array(repeating: .invalidSetting, count: 5))
        #expect(bad.map(\.location.file) == ["--set #1", "--set #2", "--set #3", "--set #4", "--set #5"])
    }
}
