import Foundation
import NetsimTestSupport
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif
import NetsimFlow
import NetsimModel
import NetsimRender
import NetsimTopology

/// Every check format rendered from one fixed report, compared with reviewed golden files, and
/// each parsed back by a real parser of that format.
@Suite(.serialized) struct RendererTests {
    init() { Repo.enterRoot() }

    static let fixture = "Tests/NetsimTopologyTests/Fixtures/renderer-input.yaml"

    func report(strict: Bool = false) -> CheckReport {
        let r = loader.load(path: Self.fixture)
        return CheckReport(files: [.init(path: Self.fixture, diagnostics: r.diagnostics, topologyName: r.topology?.name,
                                         manifests: Array(r.files.dropFirst()))], strict: strict)
    }

    @Test(arguments: [(CheckFormat.text, "txt"), (.json, "json"), (.junit, "xml"), (.sarif, "sarif"), (.github, "github")])
    func formatMatchesGolden(format: CheckFormat, ext: String) throws {
        let text = CheckRenderer.render(report(), as: format)
        try Golden.assert(text, matches: "Tests/NetsimTopologyTests/Fixtures/golden/check.\(ext)")
        #expect(text == CheckRenderer.render(report(), as: format), "rendering is deterministic")
    }

    /// A failed intent in every format (issue 12 item 18): the quickstart with the database
    /// subnet's network ACL rule 100 turned to deny. Each format names the `expect:` line and
    /// the rule that decided (SARIF relatedLocations and a second location, a second GitHub
    /// annotation, both places in the JUnit message, a note in text and JSON).
    @Test(arguments: [(CheckFormat.text, "txt"), (.json, "json"), (.junit, "xml"), (.sarif, "sarif"), (.github, "github")])
    func failedIntentMatchesGolden(format: CheckFormat, ext: String) throws {
        let file = "Topologies/quickstart-db-acl-denies.yaml"
        let rule = "{rule: 100, protocol: tcp, ports: 5432,       cidr: 10.0.32.0/19, action: "
        let text = try String(contentsOfFile: "Topologies/quickstart.yaml", encoding: .utf8)
        #expect(text.contains(rule + "allow}"))
        let r = loader.load(text: text.replacingOccurrences(of: rule + "allow}", with: rule + "deny}"), file: file)
        let t = try #require(r.validTopology, "\(r.diagnostics.map(\.formatted))")
        let report = CheckReport(files: [.init(path: file, diagnostics: r.diagnostics + Network.checkDiagnostics(t, catalog: .builtin, file: file), topologyName: t.name)], strict: false)
        #expect(report.intentsFailed == 1)
        try Golden.assert(CheckRenderer.render(report, as: format), matches: "Tests/NetsimTopologyTests/Fixtures/golden/check-failed-intent.\(ext)")
    }

    @Test func fixtureHasErrorsAndWarnings() {
        let r = report()
        #expect(r.errorCount >= 2 && r.warningCount >= 1)
        #expect(r.exitCode == 2)
    }

    @Test func sarifIsStructurallyValid() throws {
        let data = Data(CheckRenderer.render(report(), as: .sarif).utf8)
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(root["version"] as? String == "2.1.0")
        let run = try #require((root["runs"] as? [[String: Any]])?.first)
        let rules = try #require(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == report().allDiagnostics.count)
        for result in results {
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(rules[index]["id"] as? String == result["ruleId"] as? String)
            let loc = try #require((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            let region = try #require(loc["region"] as? [String: Any])
            #expect((region["startLine"] as? Int ?? 0) >= 1)
            #expect(((loc["artifactLocation"] as? [String: Any])?["uri"] as? String)?.hasPrefix("Tests/") == true)
        }
    }

    @Test func junitIsWellFormedXML() throws {
        let xml = CheckRenderer.render(report(strict: true), as: .junit)
        let parser = XMLParser(data: Data(xml.utf8))
        #expect(parser.parse(), "JUnit output must be well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
        #expect(xml.contains("<failure"))
    }

    @Test func githubCommandsEscapeProperly() throws {
        let lines = CheckRenderer.render(report(), as: .github).split(separator: "\n")
        let commands = lines.filter { $0.hasPrefix("::") }
        #expect(commands.count == report().allDiagnostics.count)
        for c in commands {
            #expect(c.hasPrefix("::error file=") || c.hasPrefix("::warning file="))
            #expect(c.contains(",line=") && c.contains(",col="))
            #expect(!c.dropFirst(2).contains("\n"))
        }
        #expect(CheckRenderer.render(report(strict: true), as: .github).contains("::warning") == false, "--strict turns warnings into errors")
    }

    @Test func exitCodes() {
        let clean = CheckReport(files: [.init(path: "a", diagnostics: [], topologyName: "a")], strict: true)
        #expect(clean.exitCode == 0)
        let loc = NetsimModel.SourceLocation(file: "a", line: 1, column: 1)
        let warn = Diagnostic(.warning, .selectorMatchesNothing, "w", at: loc)
        #expect(CheckReport(files: [.init(path: "a", diagnostics: [warn], topologyName: "a")], strict: false).exitCode == 0)
        #expect(CheckReport(files: [.init(path: "a", diagnostics: [warn], topologyName: "a")], strict: true).exitCode == 1)
        let err = Diagnostic(.error, .invalidCIDR, "e", at: loc)
        #expect(CheckReport(files: [.init(path: "a", diagnostics: [warn, err], topologyName: "a")], strict: true).exitCode == 2)
    }
}
