import NetsimModel

/// Compiler-style text: `FILE:LINE:COL: error[NS0201]: message`, a hint line, then a summary.
enum CheckTextRenderer {
    /// `text` with every control character, newline included, written as `\u{XX}`: a message
    /// that quotes input without `echo:` still cannot put an escape sequence on the terminal, nor
    /// start a line of its own (a forged diagnostic, or a `::warning` workflow command in CI).
    static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: Echo.isControl) else { return text }
        var out = ""
        for u in text.unicodeScalars { Echo.append(u, to: &out) }
        return out
    }

    static func render(_ report: CheckReport, color: Bool) -> String {
        var out = ""
        func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        for file in report.files {
            for d in file.diagnostics {
                let sev: String
                if d.code == .intentFailed { sev = paint("failed[\(d.code.id)]", "1;31") }
                else if d.code == .intentHolds { sev = paint("holds[\(d.code.id)]", "1;32") }
                else { switch d.severity {
                case .error: sev = paint("error[\(d.code.id)]", "1;31")
                case .warning: sev = paint("warning[\(d.code.id)]", "1;33")
                case .note: sev = paint("note[\(d.code.id)]", "1;36")
                } }
                out += "\(paint(d.location.description, "1")): \(sev): \(safe(d.message))\n"
                if !d.hint.isEmpty { out += "  \(paint("hint", "36")): \(safe(d.hint))\n" }
                for n in d.notes { out += "  \(n.location): note: \(safe(n.message))\n" }
            }
        }
        let files = report.files.count
        var summary = "checked \(files) file\(files == 1 ? "" : "s"): \(report.errorCount) error\(report.errorCount == 1 ? "" : "s"), \(report.warningCount) warning\(report.warningCount == 1 ? "" : "s")"
        if report.intentCount > 0 {
            var parts = ["\(report.intentsHeld) held", "\(report.intentsFailed) failed"]
            if report.intentsSkipped > 0 { parts.append("\(report.intentsSkipped) not evaluated") }
            summary += "; \(report.intentCount) intent\(report.intentCount == 1 ? "" : "s"): " + parts.joined(separator: ", ")
        }
        let verdict: String
        switch report.exitCode {
        case 0: verdict = paint("ok", "1;32")
        case 1: verdict = paint("failed", "1;31") + (report.intentsFailed > 0 ? "" : " (warnings fail under --strict)")
        default: verdict = paint("invalid", "1;31")
        }
        out += "\(summary) — \(verdict)\n"
        return out
    }
}
