import Foundation
import NetsimFlow
import NetsimModel
import NetsimVPC

/// Output formats of `netsim trace`.
public enum TraceFormat: String, CaseIterable, Sendable { case text, json }

/// A trace for people (a hop table, color on a terminal) or tools (JSON, schemaVersion 2:
/// Docs/trace.schema.json; written in TraceJSON.swift).
public enum TraceRenderer {
    public static func render(_ t: Trace, as format: TraceFormat, color: Bool) -> String {
        switch format {
        case .text: return text(t, color: color)
        case .json: return JSONText.encode(json(t))
        }
    }

    /// Every path of a flow (`--all-paths`): the traces one after another, or in JSON one
    /// document with a `traces` array.
    public static func render(paths: [Trace], as format: TraceFormat, color: Bool) -> String {
        switch format {
        case .text: return paths.map { text($0, color: color) }.joined(separator: "\n")
        case .json: return JSONText.encode(json(paths: paths))
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
        if let c = t.dnsChoice, c.branched {
            let list = c.addresses.enumerated().map { "\($0.offset + 1). \($0.element.address) (\($0.element.zone))" }.joined(separator: ", ")
            out += "  DNS address \(c.position + 1) of \(c.addresses.count): the DNS name returns \(list); this trace follows the node in \(c.addresses[c.position].zone)\n"
        }
        if !t.choices.isEmpty {
            let list = t.choices.enumerated().map { "\($0.offset + 1). \($0.element.target) (p=\(String(format: "%.4f", $0.element.probability)))" }.joined(separator: ", ")
            let who = t.choiceBy.loadBalancer.map { "\($0) picks the target among" } ?? "kube-proxy picks the endpoint at random among"
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
            let title = t.explanations.allSatisfy(isALBAnswer) ? "Why nothing reaches a target"
                : t.explanations.count == 1 ? "Why it is blocked" : "Why it is blocked (\(t.explanations.count) places; fix them all)"
            out += "\n" + paint(title, "1") + "\n"
            for (i, e) in t.explanations.enumerated() {
                let where_ = e.location.map { " — \($0.file):\($0.line):\($0.column)" } ?? ""
                out += "  \(i + 1). \(paint(e.code.rawValue, "31")) (\(e.direction.rawValue), \(e.disposition.rawValue)) \(e.message)\(where_)\n"
            }
        }
        return out
    }

    /// Whether an explanation is an ALB answering the client itself (a fixed response, a
    /// redirect, the default action of a listener no rule matches): what happened, not a block.
    static func isALBAnswer(_ e: Explanation) -> Bool {
        switch e.code {
        case .elbv2FixedResponse, .elbv2Redirect, .elbv2NoMatchingRule: return true
        default: return false
        }
    }

    /// The ALB's own answer in a few words: `302 → https://…` or `418 (text/plain)`.
    static func answerWords(_ r: HTTPResponse) -> String {
        r.isRedirect ? "\(r.status) → \(r.location ?? "")" : "\(r.status), \(r.contentType)"
    }

    /// The verdict in words an engineer reads at a glance.
    static func verdictWords(_ t: Trace) -> String {
        if t.disposition == .notModelled { return "no verdict: the flow reaches something netsim does not model (see the caveat)" }
        if t.disposition == .fixedResponse, let r = t.response {
            let blocks = t.explanations.filter { !isALBAnswer($0) }.count
            return "the ALB answers the client itself (\(answerWords(r))); nothing reaches a target"
                + (blocks == 0 ? "" : "; \(blocks) block\(blocks == 1 ? "" : "s") on the way, listed under \"Why it is blocked\"")
        }
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
        guard t.explanations.contains(where: { !isALBAnswer($0) }) else { return nil }
        let back = t.reply.map { ", the way back \($0.end.rawValue)" } ?? ""
        if t.forward.end.isSuccess && (t.reply?.end.isSuccess ?? true) {
            let one = t.explanations.count == 1
            return "walk: past \(one ? "the block" : "the blocks") the way there ends \(t.forward.end.rawValue)\(back): fixing \(one ? "it" : "them all") lets the flow through"
        }
        return "walk: it stopped where the way there ends \(t.forward.end.rawValue)\(back)"
    }
}
