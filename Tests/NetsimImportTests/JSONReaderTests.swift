import Testing
@testable import NetsimImport

@Suite struct JSONReaderTests {
    @Test func readsNestedValuesAndEscapes() throws {
        let text = #"{"a": [1, -2.5e3, true, false, null], "b": {"c": "x\"y\u00e9\ud83d\ude00"}}"#
        guard case .success(let v) = JSONReader.parse(Array(text.utf8)) else { Issue.record("not parsed"); return }
        #expect(v["a"]?.array.count == 5)
        #expect(v["a"]?.array.first?.int == 1)
        #expect(v["b"]?["c"]?.string == "x\"yé😀")
    }

    @Test func truncatedJSONIsLocated() {
        let text = "{\n  \"Vpcs\": [\n    {\"VpcId\": \"vpc-1\"\n"
        guard case .failure(let e) = JSONReader.parse(Array(text.utf8)) else { Issue.record("parsed"); return }
        let (line, column) = LineIndex(Array(text.utf8)).lineColumn(e.offset)
        #expect(line == 4 && column == 1)
        #expect(e.message.contains("truncated"))
    }

    @Test func badTokenIsLocatedAtItsColumn() {
        let text = "{\"a\": [1, 2,, 3]}"
        guard case .failure(let e) = JSONReader.parse(Array(text.utf8)) else { Issue.record("parsed"); return }
        #expect(LineIndex(Array(text.utf8)).lineColumn(e.offset) == (1, 13))
    }

    @Test func deepNestingIsRefusedWithoutCrashing() {
        let text = String(repeating: "[", count: 100_000)
        guard case .failure(let e) = JSONReader.parse(Array(text.utf8)) else { Issue.record("parsed"); return }
        #expect(e.message.contains("nesting"))
    }
}
