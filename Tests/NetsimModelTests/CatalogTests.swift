import Foundation
import NetsimTestSupport
import Testing
import NetsimIPAM
@testable import NetsimModel

@Suite struct CatalogTests {
    @Test func builtinCatalogHasEveryType() {
        #expect(InstanceCatalog.builtin.types.count == 1391)
        let m5 = InstanceCatalog.builtin["m5.large"]
        #expect(m5?.eniLimit == 3 && m5?.ipv4PerENI == 10 && m5?.hypervisor == .nitro && m5?.vCPUs == 2)
        #expect(InstanceCatalog.builtin["p5.48xlarge"]?.networkCards.count == 32)
        #expect(InstanceCatalog.builtin["u-12tb1.metal"]?.isBareMetal == true)
    }

    /// eni-max-pods.txt (VPC CNI v1.23.1 misc/eni-max-pods.txt) against ENIs × (IPs − 1) + 2.
    @Test func publishedMaxPodsMatchForEveryType() throws {
        let url = Repo.url("Tests/NetsimModelTests/Fixtures/eni-max-pods.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        var checked = 0
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: " ")
            guard f.count == 2, let expected = Int(f[1]) else { continue }
            let type = try #require(InstanceCatalog.builtin[String(f[0])], "missing \(f[0])")
            #expect(type.eniMaxPods == expected, "\(f[0])")
            checked += 1
        }
        #expect(checked == 1391)
    }

    @Test func suggestionsForTypos() {
        #expect(InstanceCatalog.builtin.suggestions(for: "m5.lrage").first == "m5.large")
        #expect(InstanceCatalog.builtin.suggestions(for: "m5.enormous").allSatisfy { $0.hasPrefix("m5.") })
    }

    @Test func parseErrorsNameTheLine() {
        guard case .failure(let e) = InstanceCatalog.parse(tsv: "# c\nm5.large\t3\n") else {
            Issue.record("expected a failure"); return
        }
        #expect(e.line == 2)
    }
}
