import Foundation
import NetsimFlow
import NetsimModel
import NetsimVPC

/// Output formats of `netsim trace`.
public enum TraceFormat: String, CaseIterable, Sendable { case text, json }

/// A trace for people (a hop table, color on a terminal) or tools (JSON, schemaVersion 1).
public enum TraceRenderer {
    public static func render(_ t: Trace, as format: TraceFormat, color: Bool) -> String {
        switch format {
        case .text: return text(t, color: color)
        case .json: return JSONText.encode(dto(t))
        }
    }

    /// Every path of a flow (`--all-paths`): the traces one after another, or in JSON one
    /// document with a `traces` array.
    public static func render(paths: [Trace], as format: TraceFormat, color: Bool) -> String {
        switch format {
        case .text: return paths.map { text($0, color: color) }.joined(separator: "\n")
        case .json: return JSONText.encode(PathsDTO(schemaVersion: NetsimVersion.jsonSchemaVersion, version: NetsimVersion.current, traces: paths.map(dto)))
        }
    }

    // MARK: text

    static func text(_ t: Trace, color: Bool) -> String {
        func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        func actionColor(_ a: Step.Action) -> String {
            switch a {
            case .denied, .noRoute, .nullRouted, .loop: return "31"
            case .delivered, .exitsNetwork: return "32"
            case .transformed, .matchedSession: return "36"
            default: return "0"
            }
        }
        let ok = t.disposition.isSuccess
        var out = paint("trace", "1") + " \(t.source) → \(t.destination)\n"
        out += "  \(t.packet.description)\n"
        out += "  " + paint(t.disposition.rawValue, ok ? "1;32" : (t.disposition == .notModelled ? "1;33" : "1;31")) + ": \(verdictWords(t))\n"
        if let w = walkWords(t) { out += "  \(w)\n" }
        for c in t.caveats {
            out += "  " + paint(c.affectsVerdict ? "caveat, the verdict depends on it" : "caveat", "1;33") + ": \(c.message)"
            out += c.location.map { " (\($0.file):\($0.line):\($0.column))" } ?? ""
            out += "\n"
        }
        for n in t.notes { out += "  note: \(n)\n" }
        if !t.choices.isEmpty {
            let list = t.choices.enumerated().map { "\($0.offset + 1). \($0.element.target) (p=\(String(format: "%.4f", $0.element.probability)))" }.joined(separator: ", ")
            let who = t.choiceBy.map { "\($0) picks the target among" } ?? "kube-proxy picks the endpoint at random among"
            if let k = t.path {
                out += "  path \(k + 1) of \(t.choices.count): \(who) \(list)\n"
            } else {
                out += "  \(who) \(list); this trace follows one (--all-paths follows each, --seed picks another)\n"
            }
        }
        if let lb = t.loadBalancer {
            out += "\n" + paint("Load balancer", "1") + "\n"
            out += "  \(lb.kind) \(lb.name) (\(lb.scheme)), \(lb.dnsName)\n"
            out += "  node in \(lb.zone) (\(lb.nodeAddress)); listener \(lb.listener.isEmpty ? "none" : lb.listener)\(lb.rule.map { "; \($0)" } ?? "")\n"
            if let tg = lb.targetGroup {
                var line = "  target group \(tg) (\(lb.targetType ?? "?") targets"
                if let c = lb.crossZone { line += ", cross-zone \(c ? "on" : "off")" }
                if let p = lb.preserveClientIP { line += ", client IP preservation \(p ? "on" : "off")" }
                out += line + ")\(lb.target.map { " → \($0)" } ?? "")\n"
            }
            if !lb.health.isEmpty {
                out += "  health checks\(lb.failOpen ? " (none healthy: the load balancer fails open)" : ""):\n"
                for h in lb.health {
                    out += "    \(h.healthy ? paint("healthy  ", "32") : paint("unhealthy", "31")) \(h.target) in \(h.zone): \(h.detail)\n"
                }
            }
        }
        if let ip = t.sourceIpAtTarget {
            out += "  " + paint("source address at the target", "1") + ": \(ip) (\(t.sourceIpNote ?? ""))\n"
        }
        func path(_ title: String, _ p: PathTrace) {
            out += "\n" + paint(title, "1") + "\n"
            var n = 0
            for h in p.hops {
                n += 1
                let num = String(repeating: " ", count: max(0, 3 - String(n).count)) + "\(n)"
                out += "\(num)  \(h.place.description)\n"
                for s in h.steps {
                    let where_ = s.location.map { "  (\($0.file):\($0.line):\($0.column))" } ?? ""
                    out += "     \(paint(s.action.rawValue, actionColor(s.action))) \(s.type): \(s.sentence)\(where_)\n"
                }
            }
        }
        path("Forward", t.forward)
        if let r = t.reply { path("Reply", r) }
        if !t.explanations.isEmpty {
            out += "\n" + paint(t.explanations.count == 1 ? "Why it is blocked" : "Why it is blocked (\(t.explanations.count) places; fix them all)", "1") + "\n"
            for (i, e) in t.explanations.enumerated() {
                let where_ = e.location.map { " — \($0.file):\($0.line):\($0.column)" } ?? ""
                out += "  \(i + 1). \(paint(e.code.rawValue, "31")) (\(e.direction.rawValue), \(e.disposition.rawValue)) \(e.message)\(where_)\n"
            }
        }
        return out
    }

    /// The verdict in words an engineer reads at a glance.
    static func verdictWords(_ t: Trace) -> String {
        if t.disposition == .notModelled { return "no verdict: the flow reaches something netsim does not model (see the caveat)" }
        if let e = t.explanations.first {
            let n = t.explanations.count
            return "not delivered: first blocked on the way \(e.direction == .forward ? "there" : "back") by \(e.code) at \(e.component); "
                + "\(n) block\(n == 1 ? "" : "s") in all, listed under \"Why it is blocked\""
        }
        if t.disposition.isSuccess {
            let what = t.disposition == .exitsNetwork ? "leaves the modelled network toward its destination" : "delivered"
            guard let r = t.reply else { return "\(what) (this protocol has no reply)" }
            return r.end.isSuccess ? "\(what), and the reply came back" : "\(what); the reply ends \(r.end.rawValue)"
        }
        return "not delivered: the way there ends \(t.forward.end.rawValue)" + (t.reply.map { ", the way back \($0.end.rawValue)" } ?? "")
    }

    /// What the walk did past the blocks (it steps over security groups, network ACLs and
    /// address checks to find every block; routing failures end it). Nil without blocks.
    static func walkWords(_ t: Trace) -> String? {
        guard !t.explanations.isEmpty else { return nil }
        let back = t.reply.map { ", the way back \($0.end.rawValue)" } ?? ""
        if t.forward.end.isSuccess && (t.reply?.end.isSuccess ?? true) {
            let one = t.explanations.count == 1
            return "walk: past \(one ? "the block" : "the blocks") the way there ends \(t.forward.end.rawValue)\(back): fixing \(one ? "it" : "them all") lets the flow through"
        }
        return "walk: it stopped where the way there ends \(t.forward.end.rawValue)\(back)"
    }

    // MARK: JSON

    struct DTO: Encodable {
        var schemaVersion: Int
        var tool = "netsim"
        var version: String
        var flow: FlowDTO
        var disposition: String
        /// The forward path's hops (Batfish's trace shape), how it ended and the packet it delivered.
        var hops: [HopDTO]
        var forwardDisposition: String
        var finalPacket: PacketDTO
        var reply: PathDTO?
        var explanations: [ExplanationDTO]
        var notes: [String]
        /// kube-proxy's random choice: every endpoint it could pick, with its chance.
        var choices: [ChoiceDTO]
        /// The 0-based branch this trace followed under `--all-paths`.
        var path: Int?
        /// Who draws among `choices`: absent for kube-proxy, else the load balancer.
        var choiceBy: String?
        /// What a load balancer on the way did, when the flow crossed one.
        var loadBalancer: LoadBalancerDTO?
        /// The source address the destination sees, when the flow crossed a load balancer.
        var sourceIpAtTarget: String?
        var sourceIpNote: String?
        /// What the verdict may depend on that netsim does not model; exit code 3 when any
        /// has `affectsVerdict`.
        var caveats: [CaveatDTO]
    }
    struct CaveatDTO: Encodable {
        var kind: String; var side: String?; var policyType: String?; var policies: [String]?; var pod: String?
        var affectsVerdict: Bool; var message: String; var location: LocationDTO?
    }
    struct LoadBalancerDTO: Encodable {
        var kind: String; var name: String; var arn: String; var dnsName: String; var scheme: String
        var zone: String; var nodeAddress: String; var listener: String; var rule: String?
        var targetGroup: String?; var targetType: String?; var target: String?
        var crossZone: Bool?; var preserveClientIP: Bool?; var failOpen: Bool
        var healthChecks: [HealthDTO]
    }
    struct HealthDTO: Encodable { var target: String; var zone: String; var healthy: Bool; var detail: String }
    struct ChoiceDTO: Encodable { var target: String; var probability: Double }
    struct PathsDTO: Encodable { var schemaVersion: Int; var tool = "netsim"; var version: String; var traces: [DTO] }
    struct FlowDTO: Encodable {
        var source: String; var destination: String; var `protocol`: String
        var sourceAddress: String; var destinationAddress: String
        var sourcePort: Int?; var destinationPort: Int?; var icmpType: Int?; var icmpCode: Int?
    }
    struct PathDTO: Encodable { var disposition: String; var hops: [HopDTO]; var finalPacket: PacketDTO }
    struct HopDTO: Encodable { var place: String; var steps: [StepDTO] }
    struct StepDTO: Encodable {
        var type: String; var action: String; var detail: String; var component: String?
        var location: LocationDTO?; var packet: PacketDTO?
    }
    struct PacketDTO: Encodable {
        var `protocol`: String; var source: String; var destination: String; var sourcePort: Int?; var destinationPort: Int?
    }
    struct LocationDTO: Encodable { var file: String; var line: Int; var column: Int }
    struct ExplanationDTO: Encodable {
        var code: String; var direction: String; var disposition: String; var component: String; var message: String; var location: LocationDTO?
    }

    static func packet(_ p: Packet) -> PacketDTO {
        PacketDTO(protocol: p.ipProtocol.description, source: p.source.description, destination: p.destination.description,
                  sourcePort: p.hasPorts ? Int(p.sourcePort) : nil, destinationPort: p.hasPorts ? Int(p.destinationPort) : nil)
    }
    static func loc(_ l: SourceLocation?) -> LocationDTO? { l.map { LocationDTO(file: $0.file, line: $0.line, column: $0.column) } }
    static func path(_ p: PathTrace) -> PathDTO {
        PathDTO(disposition: p.end.rawValue, hops: p.hops.map { h in
            HopDTO(place: h.place.description, steps: h.steps.map { s in
                StepDTO(type: s.type, action: s.action.rawValue, detail: s.sentence, component: s.component, location: loc(s.location), packet: s.packet.map(packet))
            })
        }, finalPacket: packet(p.finalPacket))
    }

    static func dto(_ t: Trace) -> DTO {
        let p = t.packet
        return DTO(schemaVersion: NetsimVersion.jsonSchemaVersion, version: NetsimVersion.current,
                   flow: FlowDTO(source: t.source, destination: t.destination, protocol: p.ipProtocol.description,
                                 sourceAddress: p.source.description, destinationAddress: p.destination.description,
                                 sourcePort: p.hasPorts ? Int(p.sourcePort) : nil, destinationPort: p.hasPorts ? Int(p.destinationPort) : nil,
                                 icmpType: p.ipProtocol == .icmp ? Int(p.icmpType) : nil, icmpCode: p.ipProtocol == .icmp ? Int(p.icmpCode) : nil),
                   disposition: t.disposition.rawValue, hops: path(t.forward).hops, forwardDisposition: t.forward.end.rawValue,
                   finalPacket: packet(t.forward.finalPacket), reply: t.reply.map(path),
                   explanations: t.explanations.map { ExplanationDTO(code: $0.code.rawValue, direction: $0.direction.rawValue, disposition: $0.disposition.rawValue,
                                                                     component: $0.component, message: $0.message, location: loc($0.location)) },
                   notes: t.notes, choices: t.choices.map { ChoiceDTO(target: $0.target, probability: ($0.probability * 1e6).rounded() / 1e6) }, path: t.path,
                   choiceBy: t.choiceBy,
                   loadBalancer: t.loadBalancer.map { lb in
                       LoadBalancerDTO(kind: lb.kind, name: lb.name, arn: lb.arn, dnsName: lb.dnsName, scheme: lb.scheme, zone: lb.zone,
                                       nodeAddress: lb.nodeAddress.description, listener: lb.listener, rule: lb.rule, targetGroup: lb.targetGroup,
                                       targetType: lb.targetType, target: lb.target, crossZone: lb.crossZone, preserveClientIP: lb.preserveClientIP,
                                       failOpen: lb.failOpen, healthChecks: lb.health.map { HealthDTO(target: $0.target, zone: $0.zone, healthy: $0.healthy, detail: $0.detail) })
                   },
                   sourceIpAtTarget: t.sourceIpAtTarget?.description, sourceIpNote: t.sourceIpNote,
                   caveats: t.caveats.map { c in
                       CaveatDTO(kind: c.kind.rawValue, side: c.side?.rawValue, policyType: c.policyType, policies: c.policies.isEmpty ? nil : c.policies,
                                 pod: c.pod, affectsVerdict: c.affectsVerdict, message: c.message, location: loc(c.location))
                   })
    }
}
