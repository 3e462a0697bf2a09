import NetsimFlow
import NetsimModel
import Testing

/// The flow log reader on its own: lines cut anywhere between chunks read the same, CloudWatch
/// export timestamps are taken off, and values are read as the VPC User Guide's "Flow log
/// records" page defines the fields.
@Suite("Flow log reader")
struct FlowLogReaderTests {
    static let text = """
    version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
    2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK
    2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA
    2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK\r
    2 123456789010 eni-11111111aaaaaaaaa 172.31.9.69 172.31.9.12 49761 3389 6 20 9223372036854775807 1418530010 1418530070 REJECT OK
    """

    func read(_ text: String, chunk: Int) throws -> ([FlowLogRecord], FlowLogReader) {
        var reader = FlowLogReader()
        var out: [FlowLogRecord] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let j = min(bytes.count, i + chunk)
            try bytes[i..<j].withUnsafeBytes { try reader.feed($0) { out.append($0) } }
            i = j
        }
        try reader.finish { out.append($0) }
        return (out, reader)
    }

    @Test(arguments: [1, 2, 7, 64, 100_000]) func chunkBoundariesDoNotMatter(_ chunk: Int) throws {
        let (records, reader) = try read(Self.text, chunk: chunk)
        #expect(records.count == 4)
        #expect(reader.headerLine == 1)
        #expect(records[0].source == IPAddress("172.31.16.139") && records[0].destinationPort == 22 && records[0].action == .accept)
        #expect(records[1].status == .noData && records[1].source == nil)
        #expect(records[2].source == IPAddress("2001:db8:1234:a100:8d6e:3477:df66:f105"))
        #expect(records[3].bytes == UInt64(Int64.max) && records[3].action == .reject)
        #expect(reader.interfaceIDs == ["eni-1235b8ca123456789", "eni-11111111aaaaaaaaa"])
    }

    @Test func cloudWatchExportTimestampsAreTakenOff() throws {
        let line = "2015-06-23T20:17:42.000Z 2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n"
        let (records, reader) = try read(line + line, chunk: 5)
        #expect(records.count == 2)
        #expect(reader.timestamped == 2)
        #expect(reader.headerLine == nil && reader.format == .default)
    }

    @Test func badValuesAreLocated() throws {
        let head = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"
        let cases: [(String, FlowLogProblem.Kind, Int)] = [
            ("2 1 eni-1 172.31.16.139 172.31.16.21 65536 22 6 1 1 1 1 ACCEPT OK", .badValue, 38),
            ("2 1 eni-1 172.31.16.139 172.31.16.21 1 22 256 1 1 1 1 ACCEPT OK", .badValue, 43),
            ("2 1 eni-1 172.31.16.300 172.31.16.21 1 22 6 1 1 1 1 ACCEPT OK", .badValue, 11),
            ("2 1 eni-1 172.31.16.3 172.31.16.21 1 22 6 1 1 1 1 ACCEPT WEIRD", .badValue, 58),
        ]
        for (record, kind, column) in cases {
            #expect(throws: FlowLogProblem.self) { _ = try read(head + record + "\n", chunk: 9) }
            do { _ = try read(head + record + "\n", chunk: 9) } catch let p as FlowLogProblem {
                #expect(p.kind == kind && p.line == 2 && p.column == column, "\(record): \(p)")
            }
        }
    }

    @Test func formatOptionTakesLogFormatSyntax() throws {
        let f = try FlowLogFormat.parse("${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action} ${flow-direction}").get()
        #expect(f.fields.count == 9 && f.version == 5)
        #expect(throws: FlowLogProblem.self) { _ = try FlowLogFormat.parse("srcaddr dstaddr").get() }
    }
}
