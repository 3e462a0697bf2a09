import NetsimModel

/// JUnit XML: one test suite per file; one test case that validates the file, failing with
/// every error (and, under --strict, every warning).
enum CheckJUnitRenderer {
    static func render(_ report: CheckReport) -> String {
        let failures = report.files.filter { f in f.diagnostics.contains(where: report.fails) }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"netsim check\" tests=\"\(report.files.count)\" failures=\"\(failures)\" errors=\"0\">\n"
        for f in report.files {
            let failing = f.diagnostics.filter(report.fails)
            out += "  <testsuite name=\"\(XML.escape(f.path))\" tests=\"1\" failures=\"\(failing.isEmpty ? 0 : 1)\" errors=\"0\" skipped=\"0\">\n"
            out += "    <testcase classname=\"netsim.check\" name=\"\(XML.escape("validate \(f.path)"))\" file=\"\(XML.escape(f.path))\">\n"
            if let first = failing.first {
                let body = failing.map { $0.formatted }.joined(separator: "\n")
                out += "      <failure message=\"\(XML.escape("\(failing.count) problem\(failing.count == 1 ? "" : "s"): \(first.code.id) \(first.message)"))\" type=\"\(first.code.id)\">\(XML.escape(body))</failure>\n"
            }
            let rest = f.diagnostics.filter { !report.fails($0) }
            if !rest.isEmpty {
                out += "      <system-out>\(XML.escape(rest.map(\.formatted).joined(separator: "\n")))</system-out>\n"
            }
            out += "    </testcase>\n  </testsuite>\n"
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
