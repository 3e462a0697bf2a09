import Foundation
import NetsimModel

/// An aws-node setting given on the command line (`--set KEY=VALUE`), applied over the
/// topology's `cluster.cni` before conversion validates it, so it passes exactly the checks the
/// YAML value does. Its location is the argument: file `--set #N`, line 1, the column of the key
/// (column 1).
public struct SettingOverride: Sendable, Hashable {
    public var name: String
    public var value: String
    /// The argument: `--set #N`, line 1, column 1.
    public var location: SourceLocation

    public init(name: String, value: String, location: SourceLocation) {
        self.name = name; self.value = value; self.location = location
    }

    /// The pseudo-file name of the `index`-th (1-based) `--set`.
    public static func argument(_ index: Int) -> String { "--set #\(index)" }

    /// Whether a diagnostic points at a command-line `--set`.
    public static func isArgument(_ location: SourceLocation) -> Bool { location.file.hasPrefix("--set #") }

    /// Parses `--set` arguments in order; a malformed one is a located NS0830 error.
    public static func parse(_ arguments: [String]) -> (overrides: [SettingOverride], diagnostics: [Diagnostic]) {
        var out: [SettingOverride] = []
        var diagnostics: [Diagnostic] = []
        for (i, arg) in arguments.enumerated() {
            let file = argument(i + 1)
            let at = SourceLocation(file: file, line: 1, column: 1)
            let shown = Echo.clip(arg)
            guard let eq = arg.firstIndex(of: "=") else {
                diagnostics.append(Diagnostic(.error, .invalidSetting, "--set '\(shown)' is not KEY=VALUE", at: at,
                                              hint: "write an aws-node variable and its value, e.g. --set WARM_IP_TARGET=5"))
                continue
            }
            let key = String(arg[..<eq]).trimmingCharacters(in: .whitespaces)
            let value = String(arg[arg.index(after: eq)...])
            if key.isEmpty {
                diagnostics.append(Diagnostic(.error, .invalidSetting, "--set '\(shown)' has no setting name before '='", at: at,
                                              hint: "write an aws-node variable and its value, e.g. --set AWS_VPC_K8S_CNI_EXTERNALSNAT=true"))
                continue
            }
            if let slash = key.firstIndex(of: "/") {
                let group = key[..<slash], name = key[key.index(after: slash)...]
                diagnostics.append(Diagnostic(.error, .invalidSetting, "--set '\(shown)' scopes the setting to node group '\(echo: group)'; netsim models one aws-node DaemonSet per cluster, so its settings apply to every node group", at: at,
                                              hint: "drop '\(echo: group)/': --set \(echo: name + "=" + value)"))
                continue
            }
            let isName = key.count <= 128 && key.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
                && key.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
            guard isName else {
                let k = Echo.clip(key)
                diagnostics.append(Diagnostic(.error, .invalidSetting, "--set '\(k)=…': '\(k)' is not an environment variable name", at: at,
                                              hint: "aws-node variables are letters, digits and _, e.g. WARM_IP_TARGET"))
                continue
            }
            out.append(SettingOverride(name: key, value: value, location: at))
        }
        return (out, diagnostics)
    }
}
