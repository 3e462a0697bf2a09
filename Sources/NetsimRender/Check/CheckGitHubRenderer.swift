import NetsimModel

/// GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=T::message`.
enum CheckGitHubRenderer {
    /// Data escaping per the Actions toolkit: `%`, CR and LF; any other control character
    /// (ESC, NUL, \u{1}, …) is written as `\u{XX}`, so it never reaches the log as it is.
    static func escapeData(_ s: String) -> String {
        var clean = s
        if s.unicodeScalars.contains(where: { Echo.isControl($0) && $0 != "\r" && $0 != "\n" }) {
            clean = ""
            for u in s.unicodeScalars {
                if u == "\r" || u == "\n" { clean.unicodeScalars.append(u) } else { Echo.append(u, to: &clean) }
            }
        }
        return clean.replacingAll("%", "%25").replacingAll("\r", "%0D").replacingAll("\n", "%0A")
    }

    /// Property escaping adds `:` and `,`.
    static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingAll(":", "%3A").replacingAll(",", "%2C")
    }

    static func render(_ report: CheckReport) -> String {
        var out = ""
        for d in report.allDiagnostics where d.code != .intentHolds {
            let command: String
            switch d.severity {
            case .error: command = "error"
            case .warning: command = report.strict ? "error" : "warning"
            case .note: command = "notice"
            }
            let title = "\(d.code.id) \(d.code.name)"
            let message = d.hint.isEmpty ? d.message : "\(d.message)\nhint: \(d.hint)"
            out += "::\(command) file=\(escapeProperty(d.location.file)),line=\(d.location.line),col=\(d.location.column),title=\(escapeProperty(title))::\(escapeData(message))\n"
            // A failed intent is also annotated where it was decided (the rule that blocked or
            // allowed it); a later block, which alone would not change the verdict, is a notice.
            if d.code == .intentFailed {
                let name = d.message.split(separator: "'").dropFirst().first.map(String.init) ?? d.message
                for n in d.notes {
                    let also = n.message.hasPrefix("also blocks")
                    out += "::\(also ? "notice" : command) file=\(escapeProperty(n.location.file)),line=\(n.location.line),col=\(n.location.column),title=\(escapeProperty(title))::\(escapeData("intent '\(name)' \(also ? "is also blocked here" : "failed here"): \(n.message)\nthe intent: \(d.location)"))\n"
                }
            }
        }
        var line = "netsim check: \(report.files.count) file(s), \(report.errorCount) error(s), \(report.warningCount) warning(s)"
        if report.intentCount > 0 {
            line += ", \(report.intentCount) intent(s): \(report.intentsHeld) held, \(report.intentsFailed) failed, \(report.intentsSkipped) not evaluated"
        }
        out += line + "\n"
        return out
    }
}

extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        guard contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
