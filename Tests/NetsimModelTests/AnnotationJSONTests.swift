import Testing
@testable import NetsimModel

/// The annotation JSON reader reads as Go's `encoding/json` does (the load balancer controller's
/// decoder): the strict grammar, the last of repeated keys, surrogates.
@Suite struct AnnotationJSONTests {
    func parse(_ text: String) -> JSONValue? {
        if case .success(let v) = JSONValue.parse(text) { return v }
        return nil
    }

    @Test(arguments: [#"{"n": +418}"#, #"{"n": 0418}"#, #"{"n": -}"#, #"{"n": 1.}"#, #"{"n": .5}"#, #"{"n": 1e}"#, #"{"n": 0x10}"#,
                      #"{"s": "\x41"}"#, #"{"s": "\u+041"}"#, #"{"s": "\u004"}"#, #"{"s": "\q"}"#, "{\"s\": \"a\u{1}b\"}", "{\"s\": \"a\nb\"}", "{\"s\": \"a\tb\"}"])
    func refusesWhatGoRefuses(_ text: String) {
        #expect(parse(text) == nil, "\(text) was accepted")
    }

    @Test func acceptsJSONNumbersAndEscapes() {
        #expect(parse(#"{"n": -0}"#)?["n"] == .number(0))
        #expect(parse(#"{"n": 418}"#)?["n"]?.int == 418)
        #expect(parse(#"{"s": "\"\\\/\b\f\n\r\t\u0041"}"#)?["s"]?.string == "\"\\/\u{8}\u{C}\n\r\tA")
    }

    @Test func fractionsAndExponentsAreNotIntegers() {
        for text in ["80.0", "8e1", "8E+1", "800e-1"] {
            let v = parse("{\"n\": \(text)}")?["n"]
            #expect(v == .fraction(text))
            #expect(v?.int == nil)
        }
    }

    @Test func lastRepeatedKeyWinsCaseInsensitively() {
        let v = parse(#"{"type": "forward", "Type": "fixed-response"}"#)
        #expect(v?["type"]?.string == "fixed-response")
        #expect(parse(#"{"statusCode": "404", "statusCode": "418"}"#)?["statusCode"]?.string == "418")
        #expect(parse(#"{"TYPE": "a", "type": "b", "tYpe": "c"}"#)?["type"]?.string == "c")
    }

    @Test func mapMembersKeepTheLastValueOfAKey() throws {
        let v = try #require(parse(#"{"HTTP": 80, "HTTPS": 443, "HTTP": 8080}"#))
        let members = try #require(v.mapMembers)
        #expect(members.map(\.0) == ["HTTP", "HTTPS"])
        #expect(members.map(\.1) == [.number(8080), .number(443)])
        // Listen ports: only 8080.
        let ports = try LBC.parseListenPorts(#"[{"HTTP":80,"HTTP":8080}]"#).get()
        #expect(ports.map(\.port) == [8080])
    }

    @Test func surrogatesAreDecodedAsGoDoes() {
        #expect(parse(#"{"s": "\ud83d\ude00"}"#)?["s"]?.string == "😀")
        #expect(parse(#"{"s": "\uD83D\uDE00!"}"#)?["s"]?.string == "😀!")
        // A lone surrogate, high or low, is U+FFFD; what follows stays itself.
        #expect(parse(#"{"s": "a\ud83db"}"#)?["s"]?.string == "a\u{FFFD}b")
        #expect(parse(#"{"s": "\ude00"}"#)?["s"]?.string == "\u{FFFD}")
        #expect(parse(#"{"s": "\ud83d\u0041"}"#)?["s"]?.string == "\u{FFFD}A")
    }

    @Test func listenPortsOutOfRangeOrFractionSaySo() {
        func why(_ raw: String) -> String {
            if case .failure(let e) = LBC.parseListenPorts(raw) { return e.description }
            return ""
        }
        #expect(why(#"[{"HTTP":9223372036854775808}]"#).contains("the port of HTTP is out of range: listen ports are 1–65535"))
        #expect(why(#"[{"HTTP":-9223372036854775809}]"#).contains("out of range"))
        #expect(why(#"[{"HTTP":80.0}]"#).contains("must be a whole number 1–65535, not 80.0"))
        #expect(why(#"[{"HTTP":8e1}]"#).contains("not 8e1"))
        #expect(why(#"[{"HTTP":"80"}]"#).contains("must be a number (not a string)"))
        #expect(why(#"[{"HTTP":70000}]"#).contains("listen port must be within [1, 65535]: 70000"))
        // A raw newline and escape characters in the annotation are echoed escaped.
        #expect(!why("[{\"HTTP\":\"80\"}]\n::warning\u{1B}").contains("\n"))
    }
}
