import ArgumentParser
import Foundation
import NetsimIPAM
import NetsimModel
import NetsimRender
import NetsimTopology

extension CapacityFormat: ExpressibleByArgument {}

struct Capacity: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Max pods per instance type, or a cluster's IP capacity: per node group, subnet and zone.",
        discussion: """
        One type:  netsim capacity --instance-type m5.large [--prefix-delegation]
                     [--custom-networking] [--max-eni N] [--security-groups-for-pods]
        All types: netsim capacity --all-instance-types --format csv
        A cluster: netsim capacity Topologies/quickstart.yaml [--scale general=40] [--pods 500]

        Exit codes: 0 ok; 1 a cluster leaves pods without an IP or unscheduled; 2 invalid input; 64 \
        usage.
        """
    )

    @Argument(help: "A topology file (omit with --instance-type or --all-instance-types).")
    var file: String?

    @Option(help: "One instance type, e.g. m5.large.") var instanceType: String?
    @Flag(help: "Every type of the catalog.") var allInstanceTypes = false
    @Flag(help: "ENABLE_PREFIX_DELEGATION=true (Nitro types; others fall back).") var prefixDelegation = false
    @Flag(help: "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true: the primary ENI carries no pods.") var customNetworking = false
    @Option(parsing: .unconditional, help: "MAX_ENI: at most N ENIs (values below 1 are ignored, as ipamd does).") var maxEni: Int?
    @Flag(help: "ENABLE_POD_ENI=true: a trunk ENI for Security Groups for Pods takes a slot.") var securityGroupsForPods = false
    @Flag(help: "IPv6 mode: one /80 prefix on the primary ENI.") var ipv6 = false

    @Option(parsing: .singleValue, help: "With FILE: run with NODEGROUP=COUNT nodes instead (repeatable).") var scale: [String] = []
    @Option(parsing: .unconditional, help: "With FILE: add N pods of a plain Deployment and see whether they fit.") var pods: Int?
    @Flag(inversion: .prefixedNo, help: "With FILE: show what other warm-pool settings would change.") var whatIfs: Bool?

    @OptionGroup var formatting: FormatOption<Capacity.Outputs>
    @OptionGroup var destination: OutputOption<Capacity.Outputs>
    @OptionGroup var input: TopologyOptions

    enum Outputs: FormatChoices, OutputNoun {
        static let defaultFormat = CapacityFormat.text
        static let outputNoun = "the result"
    }

    func validate() throws {
        let modes = [file != nil, instanceType != nil, allInstanceTypes].filter { $0 }.count
        if modes != 1 { throw ValidationError("give exactly one of: a topology FILE, --instance-type TYPE, --all-instance-types") }
        if file == nil && (!scale.isEmpty || pods != nil) { throw ValidationError("--scale and --pods need a topology FILE") }
        if file == nil && whatIfs != nil { throw ValidationError("--what-ifs and --no-what-ifs shape a topology FILE's result: give a topology FILE") }
        if file == nil && !input.settings.isEmpty { throw ValidationError("--set changes a topology's aws-node settings: give a topology FILE (with --instance-type use --prefix-delegation, --max-eni and the like)") }
        if file != nil && (prefixDelegation || customNetworking || maxEni != nil || securityGroupsForPods || ipv6) {
            throw ValidationError("with a topology FILE the aws-node settings come from its cluster.cni; --prefix-delegation and the like are for --instance-type")
        }
    }

    func run() throws {
        if let pods, pods < 0 || pods > 1_000_000 { throw TopologyInput.fail(.invalidValue, "--pods \(pods) is outside 0–1000000") }
        let catalog = try input.catalog.load()
        let color = destination.color, format = formatting.format
        let text: String
        var exit: Int32 = 0
        if let file {
            let t = try TopologyInput.load(file, catalog: catalog, maxInputSize: input.catalog.maxInputSize, settings: input.settings)
            let scaleMap = try TopologyInput.parseScale(scale, groups: t.cluster?.nodeGroups.map(\.name) ?? [])
            let report = CapacityPlanner.plan(t, catalog: catalog, options: RealizeOptions(scale: scaleMap, extraPods: pods ?? 0), whatIfs: whatIfs ?? true)
            text = CapacityReportRenderer.render(report, as: format, color: color)
            if !report.podsWithoutIP.isEmpty || !report.unscheduledPods.isEmpty { exit = 1 }
        } else {
            if let maxEni, maxEni < 1 {
                Output.printError("netsim: warning: --max-eni \(maxEni) is below 1; ipamd ignores such a MAX_ENI, so the instance's own limit applies\n")
            }
            let options = MaxPodsOptions(prefixDelegation: prefixDelegation, customNetworking: customNetworking, maxENI: maxEni,
                                         securityGroupsForPods: securityGroupsForPods, ipv6: ipv6)
            let types: [InstanceType]
            if let instanceType {
                guard let t = catalog[instanceType] else {
                    throw TopologyInput.fail(.unknownInstanceType, "instance type '\(echo: instanceType)' is not in the catalog",
                                             near: catalog.suggestions(for: instanceType))
                }
                types = [t]
            } else {
                types = catalog.types
            }
            let results = types.map { (MaxPods(type: $0, options: options), $0) }
            text = MaxPodsRenderer.render(results, options: options, as: format, single: instanceType != nil, color: color)
        }
        try destination.write(text)
        if exit != 0 { throw ExitCode(exit) }
    }
}
