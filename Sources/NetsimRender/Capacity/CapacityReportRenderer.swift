import Foundation
import NetsimIPAM
import NetsimModel

/// `netsim capacity FILE`: tables for people, JSON (schemaVersion 1) and CSV for tools.
public enum CapacityReportRenderer {
    public static func render(_ r: CapacityReport, as format: CapacityFormat, color: Bool) -> String {
        switch format {
        case .text: return text(r, color: color)
        case .json: return JSONText.encode(dto(r))
        case .csv: return csv(r)
        }
    }

    // MARK: JSON

    struct DTO: Encodable {
        var schemaVersion: Int
        var tool = "netsim"
        var version: String
        var topology: String
        var mode: String
        var settings: [String]
        var totals: Totals
        var nodeGroups: [Group]
        var subnets: [SubnetDTO]
        var zones: [Zone]
        var whatIfs: [WhatIfDTO]
        var warnings: [MaxPodsRenderer.WarningDTO]
        var podsWithoutIp: [PodDTO]
        var unscheduledPods: [PodDTO]
        /// Every Pending pod, counted; `unscheduledPods` lists at most 20 of each workload.
        var unscheduledPodCount: Int
        /// Security Groups for Pods (absent without SecurityGroupPolicies).
        var branchEnis: [BranchDTO]? = nil
        /// Fargate profiles (absent without them).
        var fargateProfiles: [FargateDTO]?
    }
    struct FargateDTO: Encodable {
        var name: String; var subnets: [String]; var pods: Int; var podsBySubnet: [String: Int]; var pending: Int; var free: Int
    }
    struct BranchDTO: Encodable { var nodeGroup: String; var instanceType: String; var perNode: Int; var trunkNodes: Int; var inUse: Int; var capacity: Int }
    struct Totals: Encodable { var nodes: Int; var pods: Int; var podIps: Int; var warmIps: Int; var eniPrimaryIps: Int; var freeInNodeSubnets: Int }
    struct Group: Encodable {
        var name: String; var instanceType: String; var nodes: Int; var kubeletMaxPods: Int
        var maxPodsRecommended: Int; var maxPodsAllowed: Int; var ipCapacityPerNode: Int
        var pods: Int; var hostNetworkPods: Int; var podsWithoutIp: Int; var enis: Int
        var podIps: Int; var warmIps: Int; var eniPrimaryIps: Int
        var morePodsOnExistingNodes: Int; var morePodsLimitedBy: String
        var moreIdleNodes: Int; var moreFullNodes: Int; var podsPerFullNode: Int; var firstExhaustedSubnet: String?
    }
    struct SubnetDTO: Encodable {
        var name: String; var zone: String; var cidr: String; var usable: Int; var nodes: Int
        var eniPrimaryIps: Int; var podIps: Int; var warmIps: Int; var other: Int; var free: Int; var freePrefixes: Int
        var footprints: [FootprintDTO]
        /// Fargate pods' ENIs here, also counted in `other` (absent when none).
        var fargatePods: Int? = nil
    }
    struct FootprintDTO: Encodable {
        var nodeGroup: String; var idleNodeAddresses: Int; var fullNodeAddresses: Int
        var idleNodesThatFit: Int; var fullNodesThatFit: Int; var podsThatFit: Int
    }
    struct Zone: Encodable {
        var zone: String; var subnets: [String]; var usable: Int; var eniPrimaryIps: Int; var podIps: Int
        var warmIps: Int; var other: Int; var free: Int; var freePrefixes: Int
    }
    struct WhatIfDTO: Encodable {
        var setting: String; var freed: Int; var freedBySubnet: [String: Int]; var podsWithoutIp: Int; var moreNodes: [MoreNodesDTO]; var note: String
    }
    struct MoreNodesDTO: Encodable {
        var nodeGroup: String; var idle: Int; var full: Int
    }
    struct PodDTO: Encodable { var namespace: String; var name: String; var node: String?; var status: String; var reason: String? }

    static func dto(_ r: CapacityReport) -> DTO {
        var d = dtoWithoutBranches(r)
        if !r.branchENIs.isEmpty {
            d.branchEnis = r.branchENIs.map { BranchDTO(nodeGroup: $0.nodeGroup, instanceType: $0.instanceType, perNode: $0.perNode,
                                                        trunkNodes: $0.trunkNodes, inUse: $0.inUse, capacity: $0.capacity) }
        }
        return d
    }

    static func dtoWithoutBranches(_ r: CapacityReport) -> DTO {
        DTO(schemaVersion: NetsimVersion.jsonSchemaVersion, version: NetsimVersion.current, topology: r.topology,
            mode: r.mode.rawValue, settings: r.settings,
            totals: Totals(nodes: r.totals.nodes, pods: r.totals.pods, podIps: r.totals.podIPs, warmIps: r.totals.warmIPs,
                           eniPrimaryIps: r.totals.eniPrimaries, freeInNodeSubnets: r.totals.free),
            nodeGroups: r.nodeGroups.map { g in
                Group(name: g.name, instanceType: g.instanceType, nodes: g.nodes, kubeletMaxPods: g.kubeletMaxPods,
                      maxPodsRecommended: g.maxPods.maxPodsRecommended, maxPodsAllowed: g.maxPods.maxPodsAllowed,
                      ipCapacityPerNode: g.maxPods.ipCapacity, pods: g.pods, hostNetworkPods: g.hostNetworkPods,
                      podsWithoutIp: g.podsWithoutIP, enis: g.enis, podIps: g.podIPs, warmIps: g.warmIPs, eniPrimaryIps: g.eniPrimaries,
                      morePodsOnExistingNodes: g.morePodsOnExistingNodes, morePodsLimitedBy: g.morePodsLimitedBy,
                      moreIdleNodes: g.moreIdleNodes, moreFullNodes: g.moreFullNodes, podsPerFullNode: g.podsPerFullNode,
                      firstExhaustedSubnet: g.firstExhaustedSubnet)
            },
            subnets: r.subnets.map { s in
                SubnetDTO(name: s.name, zone: s.zone, cidr: s.cidr.description, usable: s.usable, nodes: s.nodes,
                          eniPrimaryIps: s.eniPrimaries, podIps: s.podIPs, warmIps: s.warmIPs, other: s.other, free: s.free,
                          freePrefixes: s.freePrefixes,
                          footprints: s.footprints.map { FootprintDTO(nodeGroup: $0.group, idleNodeAddresses: $0.idle, fullNodeAddresses: $0.full,
                                                                      idleNodesThatFit: $0.idleNodesThatFit, fullNodesThatFit: $0.fullNodesThatFit,
                                                                      podsThatFit: $0.podsThatFit) },
                          fargatePods: s.fargatePods > 0 ? s.fargatePods : nil)
            },
            zones: r.zones.map { Zone(zone: $0.zone, subnets: $0.subnets, usable: $0.usable, eniPrimaryIps: $0.eniPrimaries, podIps: $0.podIPs,
                                      warmIps: $0.warmIPs, other: $0.other, free: $0.free, freePrefixes: $0.freePrefixes) },
            whatIfs: r.whatIfs.map { w in
                WhatIfDTO(setting: w.setting, freed: w.freed, freedBySubnet: Dictionary(w.freedBySubnet.map { ($0.subnet, $0.freed) }, uniquingKeysWith: +),
                          podsWithoutIp: w.podsWithoutIP,
                          moreNodes: w.moreNodes.map { MoreNodesDTO(nodeGroup: $0.group, idle: $0.idle, full: $0.full) }, note: w.note)
            },
            warnings: r.warnings.map { MaxPodsRenderer.WarningDTO(code: $0.code.rawValue, message: $0.message) },
            podsWithoutIp: r.podsWithoutIP.map(pod), unscheduledPods: r.unscheduledPods.map(pod),
            unscheduledPodCount: r.unscheduledCount,
            fargateProfiles: r.fargate.isEmpty ? nil : r.fargate.map { f in
                FargateDTO(name: f.name, subnets: f.subnets, pods: f.pods, podsBySubnet: Dictionary(f.podsBySubnet.map { ($0.subnet, $0.pods) }, uniquingKeysWith: +),
                           pending: f.pending, free: f.free)
            })
    }

    static func pod(_ p: RealizedPod) -> PodDTO {
        PodDTO(namespace: p.namespace, name: p.name, node: p.node, status: p.status.rawValue, reason: p.reason)
    }

    // MARK: text

    static func text(_ r: CapacityReport, color: Bool) -> String {
        let bold: (String) -> String = { color ? "\u{1B}[1m\($0)\u{1B}[0m" : $0 }
        let mode: String
        switch r.mode {
        case .secondaryIP: mode = "secondary IPs"
        case .prefixDelegation: mode = "/28 prefixes"
        case .ipv6: mode = "IPv6 /80 prefixes"
        }
        var out = bold("Capacity of \(r.topology)") + ": \(grouped(r.totals.nodes)) nodes, \(grouped(r.totals.pods)) pods running, \(mode) (\(r.settings.joined(separator: ", ")))\n\n"

        var g = TextTable(["NODE GROUP", "TYPE", "NODES", "MAX PODS", "IP CAP/NODE", "PODS", "POD IPS", "WARM", "ENI IPS", "MORE PODS", "MORE NODES idle/full"],
                          right: [2, 3, 4, 5, 6, 7, 8])
        for n in r.nodeGroups {
            let cap = r.mode == .ipv6 ? "2^48" : grouped(n.maxPods.ipCapacity)
            g.add([n.name, n.instanceType, grouped(n.nodes), grouped(n.kubeletMaxPods), cap, grouped(n.pods), grouped(n.podIPs),
                   grouped(n.warmIPs), grouped(n.eniPrimaries), "+\(grouped(n.morePodsOnExistingNodes)) (\(n.morePodsLimitedBy))",
                   "\(grouped(n.moreIdleNodes)) / \(grouped(n.moreFullNodes))\(n.firstExhaustedSubnet.map { " (\($0) first)" } ?? "")"])
        }
        out += g.render(bold: bold) + "\n"
        if !r.branchENIs.isEmpty {
            // Security Groups for Pods: each branch ENI's address is under OTHER in its subnet.
            let rows = r.branchENIs.map { "\($0.nodeGroup) \(grouped($0.inUse)) of \(grouped($0.capacity)) (\($0.perNode) per \($0.instanceType), \(grouped($0.trunkNodes)) node\($0.trunkNodes == 1 ? "" : "s") with a trunk)" }
            out += "Branch ENIs (Security Groups for Pods, vpc.amazonaws.com/pod-eni; their addresses are under OTHER): " + rows.joined(separator: ", ") + "\n\n"
        }

        var s = TextTable(["SUBNET", "ZONE", "CIDR", "USABLE", "NODES", "ENI IPS", "POD IPS", "WARM", "OTHER", "FREE", "FREE /28", "MORE NODES idle/full (pods)"],
                          right: [3, 4, 5, 6, 7, 8, 9, 10])
        // Every subnet, as the JSON lists them (an unused one shows what is free for a new group).
        for x in r.subnets {
            let more = x.footprints.map { "\($0.group) \(grouped($0.idleNodesThatFit))/\(grouped($0.fullNodesThatFit)) (\(grouped($0.podsThatFit)))" }.joined(separator: ", ")
            s.add([x.name, x.zone, x.cidr.description, grouped(x.usable), grouped(x.nodes), grouped(x.eniPrimaries), grouped(x.podIPs),
                   grouped(x.warmIPs), grouped(x.other), grouped(x.free), grouped(x.freePrefixes), more.isEmpty ? "-" : more])
        }
        out += s.render(bold: bold) + "\n"

        if r.zones.count > 1 {
            var z = TextTable(["ZONE", "SUBNETS", "USABLE", "ENI IPS", "POD IPS", "WARM", "OTHER", "FREE", "FREE /28"], right: [2, 3, 4, 5, 6, 7, 8])
            for x in r.zones {
                z.add([x.zone, x.subnets.joined(separator: ","), grouped(x.usable), grouped(x.eniPrimaries), grouped(x.podIPs),
                       grouped(x.warmIPs), grouped(x.other), grouped(x.free), grouped(x.freePrefixes)])
            }
            out += z.render(bold: bold) + "\n"
        }

        if !r.fargate.isEmpty {
            // One micro-VM, ENI and address per pod (also in the subnets' OTHER).
            var f = TextTable(["FARGATE PROFILE", "SUBNETS", "PODS", "PENDING", "PODS BY SUBNET", "FREE (more pods)"], right: [2, 3, 5])
            for x in r.fargate {
                f.add([x.name, x.subnets.joined(separator: ","), grouped(x.pods), grouped(x.pending),
                       x.podsBySubnet.map { "\($0.subnet) \(grouped($0.pods))" }.joined(separator: ", "), grouped(x.free)])
            }
            out += f.render(bold: bold) + "\n"
        }

        if !r.whatIfs.isEmpty {
            out += bold("What other warm-pool settings would change") + "\n"
            for w in r.whatIfs {
                let verb = w.freed >= 0 ? "frees" : "takes"
                let parts = w.freedBySubnet.map { "\(grouped(abs($0.freed))) in \($0.subnet)" }.joined(separator: ", ")
                var line = "  \(w.setting) \(verb) \(grouped(abs(w.freed)))\(w.freed < 0 ? " more" : "") address\(abs(w.freed) == 1 ? "" : "es")"
                if !parts.isEmpty { line += " (\(parts))" }
                if w.podsWithoutIP > 0 { line += "; \(w.podsWithoutIP) pods would be left without an IP" }
                if !w.moreNodes.isEmpty {
                    line += "; more nodes idle/full: " + w.moreNodes.map { "\($0.group) \(grouped($0.idle))/\(grouped($0.full))" }.joined(separator: ", ")
                }
                out += line + "\n    \(w.note)\n"
            }
            out += "\n"
        }
        for w in r.warnings {
            out += (color ? "\u{1B}[33mwarning\u{1B}[0m" : "warning") + "[\(w.code.rawValue)]: \(w.message)\n"
        }
        func list(_ title: String, _ pods: [RealizedPod], total: Int, json: String) {
            guard total > 0 else { return }
            out += "\n" + bold("\(title) (\(grouped(total)))") + "\n"
            for p in pods.prefix(20) { out += "  \(p.namespace)/\(p.name)\(p.node.map { " on \($0)" } ?? ""): \(p.reason ?? p.status.rawValue)\n" }
            if total > 20 { out += "  … and \(grouped(total - min(20, pods.count))) more (\(json))\n" }
        }
        list("Pods without an IP", r.podsWithoutIP, total: r.podsWithoutIP.count, json: "--format json lists them all")
        list("Pods that cannot be scheduled", r.unscheduledPods, total: r.unscheduledCount,
             json: "--format json lists up to \(Realizer.pendingPodsBuilt) of each workload and counts them all")
        return out
    }

    // MARK: CSV

    static func csv(_ r: CapacityReport) -> String {
        var out = "kind,name,zone,instance_type,nodes,max_pods,ip_capacity_per_node,pods,pod_ips,warm_ips,eni_primary_ips,other,free,free_prefixes,more_pods,more_idle_nodes,more_full_nodes,note\n"
        func row(_ f: [String]) { out += f.map(csvField).joined(separator: ",") + "\n" }
        for g in r.nodeGroups {
            row(["nodegroup", g.name, "", g.instanceType, "\(g.nodes)", "\(g.kubeletMaxPods)", "\(g.maxPods.ipCapacity)", "\(g.pods)", "\(g.podIPs)",
                 "\(g.warmIPs)", "\(g.eniPrimaries)", "", "", "", "\(g.morePodsOnExistingNodes)", "\(g.moreIdleNodes)", "\(g.moreFullNodes)",
                 "limited by \(g.morePodsLimitedBy)"])
        }
        for b in r.branchENIs {
            row(["branch-enis", b.nodeGroup, "", b.instanceType, "\(b.trunkNodes)", "", "\(b.capacity)", "\(b.inUse)", "", "", "", "", "", "", "", "", "",
                 "\(b.perNode) branch ENIs per node (vpc.amazonaws.com/pod-eni)"])
        }
        for s in r.subnets {
            row(["subnet", s.name, s.zone, "", "\(s.nodes)", "", "", "", "\(s.podIPs)", "\(s.warmIPs)", "\(s.eniPrimaries)", "\(s.other)",
                 "\(s.free)", "\(s.freePrefixes)", "\(s.footprints.reduce(0) { $0 + $1.podsThatFit })",
                 "\(s.footprints.map(\.idleNodesThatFit).min() ?? 0)", "\(s.footprints.map(\.fullNodesThatFit).min() ?? 0)", s.cidr.description])
        }
        for z in r.zones {
            row(["zone", z.zone, z.zone, "", "", "", "", "", "\(z.podIPs)", "\(z.warmIPs)", "\(z.eniPrimaries)", "\(z.other)", "\(z.free)",
                 "\(z.freePrefixes)", "", "", "", z.subnets.joined(separator: " ")])
        }
        for f in r.fargate {
            row(["fargate-profile", f.name, "", "", "\(f.pods)", "", "", "\(f.pods)", "", "", "", "", "\(f.free)", "", "\(f.free)", "", "",
                 "\(f.pending) pending; " + f.podsBySubnet.map { "\($0.subnet) \($0.pods)" }.joined(separator: " ")])
        }
        for w in r.whatIfs {
            row(["whatif", w.setting, "", "", "", "", "", "", "", "", "", "", "\(w.freed)", "", "", "", "", w.note])
        }
        for w in r.warnings { row(["warning", w.code.rawValue, "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", w.message]) }
        return out
    }
}
