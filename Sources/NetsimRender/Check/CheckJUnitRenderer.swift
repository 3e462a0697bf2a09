import NetsimModel

/// JUnit XML: one test suite per file; one test case that validates the file, failing with
/// every error (and, under --strict, every warning); then one test case per `expect:` entry,
/// failed, passed or skipped (not evaluated).
enum CheckJUnitRenderer {
    static func render(_ report: CheckReport) -> String {
        let validationFailures = report.files.filter { f in f.diagnostics.contains { !$0.code.isIntentResult && report.fails($0) } }.count
        let tests = report.files.count + report.intentCount
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"netsim check\" tests=\"\(tests)\" failures=\"\(validationFailures + report.intentsFailed)\" errors=\"0\">\n"
        for f in report.files {
            let intents = f.diagnostics.filter { $0.code.isIntentResult }
            let problems = f.diagnostics.filter { !$0.code.isIntentResult }
            let failing = problems.filter(report.fails)
            out += "  <testsuite name=\"\(XML.escape(f.path))\" tests=\"\(1 + intents.count)\" failures=\"\((failing.isEmpty ? 0 : 1) + f.intentsFailed)\" errors=\"0\" skipped=\"\(f.intentsSkipped)\">\n"
            out += "    <testcase classname=\"netsim.check\" name=\"\(XML.escape("validate \(f.path)"))\" file=\"\(XML.escape(f.path))\">\n"
            if let first = failing.first {
                let body = failing.map { $0.formatted }.joined(separator: "\n")
                out += "      <failure message=\"\(XML.escape("\(failing.count) problem\(failing.count == 1 ? "" : "s"): \(first.code.id) \(first.message)"))\" type=\"\(first.code.id)\">\(XML.escape(body))</failure>\n"
            }
            let rest = problems.filter { !report.fails($0) }
            if !rest.isEmpty {
                out += "      <system-out>\(XML.escape(rest.map(\.formatted).joined(separator: "\n")))</system-out>\n"
            }
            out += "    </testcase>\n"
            for d in intents {
                let name = d.message.split(separator: "'").dropFirst().first.map(String.init) ?? d.message
                out += "    <testcase classname=\"netsim.intent\" name=\"\(XML.escape(name))\" file=\"\(XML.escape(d.location.file))\" line=\"\(d.location.line)\">\n"
                switch d.code {
                case .intentFailed:
                    // Both places: the intent, and where it was decided.
                    let places = (["expect: \(d.location)"] + d.notes.map { "\($0.message.hasPrefix("allowed") ? "allowed" : $0.message.hasPrefix("also blocks") ? "also blocked" : "decided") at \($0.location)" }).joined(separator: "; ")
                    out += "      <failure message=\"\(XML.escape("\(d.message) (\(places))"))\" type=\"\(d.code.id)\">\(XML.escape(d.formatted))</failure>\n"
                case .intentNotEvaluated:
                    out += "      <skipped message=\"\(XML.escape(d.message))\"/>\n"
                default:
                    out += "      <system-out>\(XML.escape(d.message))</system-out>\n"
                }
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }
}

enum XML {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t", "\r": out.unicodeScalars.append(ch)
            default:
                // XML 1.0 forbids most control characters even as references.
                if ch.value < 0x20 { out += "\u{FFFD}" } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }
}
