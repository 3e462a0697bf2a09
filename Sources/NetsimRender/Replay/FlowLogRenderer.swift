import Foundation
import NetsimFlow
import NetsimModel

/// `netsim replay --flow-logs`'s report: what the log held, each group of records (one flow at
/// one interface, one direction, one action) with the model's verdict at that interface and the
/// deciding rule, and whether the two agree.
public struct FlowLogReport: Sendable {
    public var topology: String
    public var log: String
    public var format: String
    public var formatSource: String
    public var gzip: Bool
    public var lines: Int
    public var headers: Int
    public var timestamped: Int
    public var tally: FlowLogTally
    public var verdicts: [FlowLogVerdict]

    public init(topology: String, log: String, format: String, formatSource: String, gzip: Bool, lines: Int, headers: Int, timestamped: Int,
                tally: FlowLogTally, verdicts: [FlowLogVerdict]) {
        self.topology = topology; self.log = log; self.format = format; self.formatSource = formatSource; self.gzip = gzip
        self.lines = lines; self.headers = headers; self.timestamped = timestamped; self.tally = tally; self.verdicts = verdicts
    }

    public var disagreements: [FlowLogVerdict] { verdicts.filter { $0.agreement.isDisagreement } }
    func records(_ p: (FlowLogVerdict.Agreement) -> Bool) -> Int {
        // A loop over the fields, not filter: a million-record log has hundreds of thousands of verdicts to count, not copy.
        var n = 0
        for i in verdicts.indices where p(verdicts[i].agreement) { n += verdicts[i].group.records }
        return n
    }
    public var judgedRecords: Int { records { $0 != .notJudged } }
    public var agreeingRecords: Int { records { $0 == .agrees } }
    public var disagreeingRecords: Int { records { $0.isDisagreement } }
    public var notJudgedRecords: Int { records { $0 == .notJudged } }
    /// Records not judged, by reason.
    public var notJudged: [String: Int] {
        var out: [String: Int] = [:]
        for i in verdicts.indices where verdicts[i].agreement == .notJudged { out[verdicts[i].reason?.rawValue ?? "unknown", default: 0] += verdicts[i].group.records }
        return out
    }
    /// 0 when the model agrees with every judged record (and one was judged); 1 on a
    /// disagreement, or when nothing could be judged.
    public var exitCode: Int32 { !verdicts.indices.contains { verdicts[$0].agreement.isDisagreement } && judgedRecords > 0 ? 0 : 1 }
}

public enum FlowLogRenderer {
    /// Rows of the text table; the JSON has every group.
    public static let textRows = 1000

    public static func render(_ r: FlowLogReport, as format: TraceFormat, color: Bool) -> String {
        format == .json ? JSONText.encode(dto(r)) : text(r, color: color)
    }

    static func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }

    static func flow(_ k: FlowLogGroupKey) -> String {
        let proto = IPProtocol(number: k.ipProtocol)
        switch proto {
        case .tcp, .udp: return "\(proto) \(endpoint(k.source, k.sourcePort)) → \(endpoint(k.destination, k.destinationPort))"
        default: return "\(proto) \(k.source) → \(k.destination)"
        }
    }
    static func endpoint(_ a: IPAddress, _ p: UInt16) -> String {
        if case .ipv6 = a { return "[\(a)]:\(p)" }
        return "\(a):\(p)"
    }
    static func action(_ a: FlowLogRecord.Action?) -> String {
        switch a { case .accept?: "ACCEPT"; case .reject?: "REJECT"; case nil: "-" }
    }
    static func direction(_ d: FlowLogRecord.Direction?) -> String? {
        switch d { case .ingress?: "ingress"; case .egress?: "egress"; case nil: nil }
    }
    static func at(_ v: FlowLogVerdict) -> String {
        let name = v.interface.map { "\($0.id) (\($0.label))" } ?? (v.interfaceID ?? "no interface")
        let how = v.match == .address ? ", found by address\(v.interfaceID.map { "; the log says \($0)" } ?? "")" : ""
        let dir = direction(v.direction).map { " \($0)\(v.directionInferred ? " (inferred)" : "")" } ?? ""
        return "\(name)\(how)\(dir)"
    }
    static func words(_ a: FlowLogVerdict.Agreement) -> String {
        switch a {
        case .agrees: "agrees"
        case .modelRejectsLogAccepts: "model rejects, log accepts"
        case .modelAcceptsLogRejects: "model accepts, log rejects"
        case .modelNeverArrives: "log shows the packet here, model stops it before"
        case .notJudged: "not judged"
        }
    }
    static func location(_ l: SourceLocation?) -> String { l.map { " (\($0.file):\($0.line):\($0.column))" } ?? "" }

    static func text(_ r: FlowLogReport, color: Bool) -> String {
        func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        let t = r.tally
        var out = paint("replay", "1") + " flow logs \(r.log)\(r.gzip ? " (gzip)" : "") against \(r.topology)\n"
        out += "  format (\(r.formatSource)): \(r.format)\n"
        out += "  \(plural(r.lines, "line")), \(plural(t.records, "record"))\(r.headers > 0 ? ", \(plural(r.headers, "header line"))" : "")\(r.timestamped > 0 ? ", \(r.timestamped) with a CloudWatch Logs timestamp" : "")\n"
        out += "  \(r.judgedRecords) judged (\(r.agreeingRecords) agree, \(r.disagreeingRecords) disagree), \(r.notJudgedRecords) not judged, "
        out += "\(t.noData) NODATA, \(t.skipData) SKIPDATA, \(t.incomplete) without action, address or port\n"
        for (why, n) in r.notJudged.sorted(by: { $0.key < $1.key }) { out += "    not judged: \(n) × \(why)\n" }
        let d = r.disagreements
        if r.judgedRecords == 0 {
            out += "  " + paint("no record could be judged", "1;33") + ": no ACCEPT or REJECT record names an interface of the topology (by ID or address)\n"
        } else {
            out += "  " + (d.isEmpty ? paint("the model agrees with the flow logs on every judged record", "1;32")
                                     : paint("\(plural(d.count, "disagreement")) between the model and the flow logs (\(plural(r.disagreeingRecords, "record")))", "1;31")) + "\n"
        }
        if !d.isEmpty {
            out += "\n" + paint("Disagreements", "1") + "\n"
            for (i, v) in d.prefix(textRows).enumerated() {
                out += "  \(i + 1). line \(v.group.firstLine): \(flow(v.group.key)) at \(at(v)) ×\(v.group.records): \(words(v.agreement))\n"
                out += "     log: \(action(v.group.key.action)); model: \(action(v.model)) — \(v.deciding)\(location(v.location))\n"
            }
        }
        out += "\n" + paint("Records", "1") + " (one row per flow, interface, direction and action)\n"
        for (i, v) in r.verdicts.prefix(textRows).enumerated() {
            let mark: String
            switch v.agreement {
            case .agrees: mark = paint("agrees", "32")
            case .notJudged: mark = paint("not judged", "33")
            default: mark = paint("DISAGREES", "1;31")
            }
            out += "  \(i + 1). line \(v.group.firstLine): \(flow(v.group.key)) at \(at(v)) ×\(v.group.records): log \(action(v.group.key.action)), model \(action(v.model)) — \(mark)\n"
            out += "     \(v.deciding)\(location(v.location))\n"
            for n in v.notes { out += "     note: \(n)\n" }
        }
        if r.verdicts.count > textRows { out += "  … \(r.verdicts.count - textRows) more rows (--format json lists them all)\n" }
        return out
    }

    struct DTO: Encodable {
        var schemaVersion: Int
        var tool = "netsim"
        var version: String
        var topology: String
        var flowLogs: String
        var gzip: Bool
        var format: [String]
        var formatSource: String
        var lines: Int
        var headerLines: Int
        var timestampedLines: Int
        var records: Counts
        var notJudged: [String: Int]
        var disagreements: Int
        var groups: [GroupDTO]
    }
    struct Counts: Encodable {
        var read: Int; var judged: Int; var agree: Int; var disagree: Int; var notJudged: Int; var noData: Int; var skipData: Int; var incomplete: Int
    }
    struct GroupDTO: Encodable {
        var firstLine: Int; var records: Int; var packets: UInt64; var bytes: UInt64
        var `protocol`: Int; var source: String; var destination: String; var sourcePort: Int?; var destinationPort: Int?
        var logInterface: String?; var interface: String?; var interfaceLabel: String?
        /// `id`, `address` or `none`.
        var interfaceMatch: String
        var direction: String?; var directionInferred: Bool
        var log: String; var model: String?
        var agreement: String; var notJudged: String?
        var deciding: String; var location: String?; var notes: [String]
    }

    static func dto(_ r: FlowLogReport) -> DTO {
        let t = r.tally
        return DTO(schemaVersion: NetsimVersion.jsonSchemaVersion, version: NetsimVersion.current, topology: r.topology, flowLogs: r.log, gzip: r.gzip,
                   format: r.format.split(separator: " ").map(String.init), formatSource: r.formatSource, lines: r.lines, headerLines: r.headers,
                   timestampedLines: r.timestamped,
                   records: Counts(read: t.records, judged: r.judgedRecords, agree: r.agreeingRecords, disagree: r.disagreeingRecords, notJudged: r.notJudgedRecords,
                                   noData: t.noData, skipData: t.skipData, incomplete: t.incomplete),
                   notJudged: r.notJudged, disagreements: r.disagreements.count,
                   groups: r.verdicts.map { v in
                       let k = v.group.key
                       let ports = k.ipProtocol == 6 || k.ipProtocol == 17
                       return GroupDTO(firstLine: v.group.firstLine, records: v.group.records, packets: v.group.packets, bytes: v.group.bytes,
                                       protocol: Int(k.ipProtocol), source: k.source.description, destination: k.destination.description,
                                       sourcePort: ports ? Int(k.sourcePort) : nil, destinationPort: ports ? Int(k.destinationPort) : nil,
                                       logInterface: v.interfaceID, interface: v.interface?.id, interfaceLabel: v.interface?.label, interfaceMatch: v.match.rawValue,
                                       direction: direction(v.direction), directionInferred: v.directionInferred, log: action(k.action),
                                       model: v.model.map { action($0) }, agreement: v.agreement.rawValue, notJudged: v.reason?.rawValue,
                                       deciding: v.deciding, location: v.location.map { "\($0.file):\($0.line):\($0.column)" }, notes: v.notes)
                   })
    }
}
