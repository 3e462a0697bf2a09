import Foundation
import NetsimIPAM
import NetsimModel

/// Output formats of `netsim capacity` and `netsim simulate`.
public enum CapacityFormat: String, CaseIterable, Sendable {
    case text, json, csv
}

/// Max pods per instance type: one object (or a list) in JSON, a table in text and CSV.
public enum MaxPodsRenderer {
    struct DTO: Encodable {
        var instanceType: String
        var maxPodsRecommended: Int
        var maxPodsAllowed: Int
        var recommendationCap: Int
        var ipCapacity: Int
        var enis: Int
        var podEnis: Int
        var ipsPerEni: Int
        var calculatorMode: String
        var ipamdMode: String
        var vCpus: Int?
        var vCpusInferred: Bool
        var hypervisor: String
        var bareMetal: Bool
        var networkCards: Int
        var trunkEni: Bool
        var branchEnis: Int?
        var warnings: [WarningDTO]
    }
    struct WarningDTO: Encodable { var code: String; var message: String }

    static func dto(_ m: MaxPods, _ t: InstanceType) -> DTO {
        DTO(instanceType: m.instanceType, maxPodsRecommended: m.maxPodsRecommended, maxPodsAllowed: m.maxPodsAllowed,
            recommendationCap: m.recommendationCap, ipCapacity: m.ipCapacity, enis: m.enis, podEnis: m.podENIs,
            ipsPerEni: m.ipsPerEni, calculatorMode: m.calculatorMode.rawValue, ipamdMode: m.ipamdMode.rawValue,
            vCpus: m.vCPUs, vCpusInferred: m.vCPUsInferred, hypervisor: t.hypervisor.rawValue, bareMetal: t.isBareMetal,
            networkCards: m.networkCards, trunkEni: m.trunkENI, branchEnis: m.branchENIs,
            warnings: m.warnings.map { WarningDTO(code: $0.code.rawValue, message: $0.message) })
    }

    /// `single`: one object rather than a list (for `--instance-type`).
    public static func render(_ results: [(MaxPods, InstanceType)], options: MaxPodsOptions, as format: CapacityFormat,
                              single: Bool, color: Bool) -> String {
        switch format {
        case .json:
            let dtos = results.map { dto($0.0, $0.1) }
            if single, let one = dtos.first { return JSONText.encode(one) }
            return JSONText.encode(dtos)
        case .csv:
            var out = "instance_type,max_pods_recommended,max_pods_allowed,ip_capacity,enis,pod_enis,ips_per_eni,calculator_mode,ipamd_mode,vcpus,hypervisor,bare_metal,network_cards,trunk_eni,branch_enis\n"
            for (m, t) in results {
                out += [m.instanceType, "\(m.maxPodsRecommended)", "\(m.maxPodsAllowed)", "\(m.ipCapacity)", "\(m.enis)", "\(m.podENIs)",
                        "\(m.ipsPerEni)", m.calculatorMode.rawValue, m.ipamdMode.rawValue, m.vCPUs.map(String.init) ?? "",
                        t.hypervisor.rawValue, "\(t.isBareMetal)", "\(m.networkCards)", "\(m.trunkENI)",
                        m.branchENIs.map(String.init) ?? ""].map(csvField).joined(separator: ",") + "\n"
            }
            return out
        case .text:
            if single, let (m, t) = results.first { return detail(m, t, options: options, color: color) }
            var table = TextTable(["TYPE", "ENIS", "IPS/ENI", "RECOMMENDED", "ALLOWED", "IP CAPACITY", "MODE"], right: [1, 2, 3, 4, 5])
            for (m, _) in results {
                table.add([m.instanceType, "\(m.enis)", m.ipamdMode == .ipv6 ? "/80" : grouped(m.ipsPerEni), grouped(m.maxPodsRecommended),
                           grouped(m.maxPodsAllowed), m.ipamdMode == .ipv6 ? "2^48" : grouped(m.ipCapacity), m.ipamdMode.rawValue])
            }
            return table.render(bold: { color ? "\u{1B}[1m\($0)\u{1B}[0m" : $0 })
        }
    }

    static func detail(_ m: MaxPods, _ t: InstanceType, options o: MaxPodsOptions, color: Bool) -> String {
        let vcpu = m.vCPUs.map { "\($0) vCPUs\(m.vCPUsInferred ? " (from the size name)" : "")" } ?? "vCPUs unknown"
        var out = "\(m.instanceType): \(t.hypervisor.rawValue)\(t.isBareMetal ? ", bare metal" : ""), \(vcpu), \(t.eniLimit) ENIs × \(t.ipv4PerENI) IPv4 addresses"
        if m.networkCards > 1 { out += " on card \(t.defaultNetworkCard) of \(m.networkCards)" }
        out += "\n"
        let slots = t.ipv4PerENI - 1
        let calcENIs = o.customNetworking ? "(\(m.enis) − 1)" : "\(m.enis)"
        let formula = m.calculatorMode == .secondaryIP
            ? "\(calcENIs) ENIs × (\(t.ipv4PerENI) − 1) + 2"
            : "\(calcENIs) ENIs × (\(t.ipv4PerENI) − 1) × 16 + 2"
        var table = TextTable(["", "", ""], right: [1])
        table.add(["max pods, recommended", grouped(m.maxPodsRecommended), "min(allowed, \(m.recommendationCap)): the EKS max-pods calculator's default"])
        table.add(["max pods, allowed", grouped(m.maxPodsAllowed), formula + " (calculator --show-max-allowed)"])
        let capText: String
        switch m.ipamdMode {
        case .ipv6: capText = "one /80 prefix on the primary ENI (2^48 addresses); kubelet max pods is the only limit"
        case .prefixDelegation: capText = "\(m.podENIs) ENI\(m.podENIs == 1 ? "" : "s") × \(slots) /28 prefixes × 16"
        case .secondaryIP: capText = "\(m.podENIs) ENI\(m.podENIs == 1 ? "" : "s") × \(slots) secondary IPs"
        }
        table.add(["pod IP capacity", m.ipamdMode == .ipv6 ? "2^48" : grouped(m.ipCapacity), capText])
        if let b = m.branchENIs { table.add(["branch ENIs", "\(b)", "pods with their own security groups (Security Groups for Pods)"]) }
        let lines = table.render(indent: "  ").split(separator: "\n").dropFirst()
        out += lines.joined(separator: "\n") + "\n"
        for w in m.warnings {
            let tag = color ? "\u{1B}[33mwarning\u{1B}[0m" : "warning"
            out += "\(tag)[\(w.code.rawValue)]: \(w.message)\n"
        }
        return out
    }
}
