import Foundation
import NetsimFlow
import NetsimModel

/// `netsim replay`'s report: each captured flow, the model's verdict and the deciding rule,
/// what the capture shows came back, and whether the two agree.
public struct ReplayReport: Sendable {
    public var topology: String
    public var capture: String
    public var linkType: String
    public var packets: Int
    public var skipped: [String: Int]
    public var truncated: String?
    public var results: [ReplayResult]

    public init(topology: String, capture: String, linkType: String, packets: Int, skipped: [String: Int], truncated: String?, results: [ReplayResult]) {
        self.topology = topology; self.capture = capture; self.linkType = linkType; self.packets = packets
        self.skipped = skipped; self.truncated = truncated; self.results = results
    }

    public var disagreements: [ReplayResult] { results.filter { $0.agreement == .modelDeliversCaptureSilent || $0.agreement == .modelBlocksCaptureAnswers } }
    public var evaluated: Int { results.filter { $0.agreement != .notEvaluated }.count }
    /// 0 when the model and the capture agree on every evaluated flow (and there was one); 1
    /// on a disagreement, or when nothing could be compared.
    public var exitCode: Int32 { disagreements.isEmpty && evaluated > 0 ? 0 : 1 }
}

public enum ReplayRenderer {
    /// Rows of the text table; the JSON has every flow.
    public static let textRows = 1000

    public static func render(_ r: ReplayReport, as format: TraceFormat, color: Bool) -> String {
        format == .json ? JSONText.encode(dto(r)) : text(r, color: color)
    }

    static func text(_ r: ReplayReport, color: Bool) -> String {
        func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        let evaluated = r.results.filter { $0.agreement != .notEvaluated }.count
        let skipped = r.skipped.values.reduce(0, +)
        var out = paint("replay", "1") + " \(r.capture) (\(r.linkType)) against \(r.topology)\n"
        out += "  \(r.packets) packet\(r.packets == 1 ? "" : "s"), \(r.results.count) flow\(r.results.count == 1 ? "" : "s") (\(evaluated) evaluated, \(r.results.count - evaluated) outside the topology)"
        out += ", \(skipped) frame\(skipped == 1 ? "" : "s") skipped\n"
        for (why, n) in r.skipped.sorted(by: { $0.key < $1.key }) { out += "    skipped: \(n) × \(why)\n" }
        if let t = r.truncated { out += "  " + paint("the capture is truncated", "33") + ": \(t); the packets before the cut were read\n" }
        let d = r.disagreements
        if evaluated == 0 {
            out += "  " + paint("no flow could be compared with the model", "1;33") + ": the capture has no IPv4 TCP, UDP or ICMP echo flow between addresses of the topology\n"
        } else {
            out += "  " + (d.isEmpty ? paint("the model agrees with the capture on every evaluated flow", "1;32") : paint("\(d.count) disagreement\(d.count == 1 ? "" : "s") between the model and the capture", "1;31")) + "\n"
        }
        if !d.isEmpty {
            out += "\n" + paint("Disagreements", "1") + "\n"
            for x in d {
                let n = (r.results.firstIndex { $0.flow.firstPacket == x.flow.firstPacket } ?? 0) + 1
                out += "  \(n). \(x.flow.description): \(x.agreement.words)\n"
                out += "     model: \(x.disposition?.rawValue ?? "-") — \(x.deciding)\(x.location.map { " (\($0.file):\($0.line):\($0.column))" } ?? "")\n"
                out += "     capture: \(x.flow.answer) (\(x.flow.packetsFromClient) packet\(x.flow.packetsFromClient == 1 ? "" : "s") sent, first at packet \(x.flow.firstPacket))\n"
            }
        }
        out += "\n" + paint("Flows", "1") + "\n"
        for (i, x) in r.results.prefix(textRows).enumerated() {
            let mark: String
            switch x.agreement {
            case .agrees: mark = paint("agrees", "32")
            case .notEvaluated: mark = paint("not evaluated", "33")
            default: mark = paint("DISAGREES", "1;31")
            }
            out += "  \(i + 1). \(x.flow.description)\(x.flow.midConnection ? " (mid-connection)" : ""): model \(x.disposition?.rawValue ?? "-"), capture \(x.flow.answer) — \(mark)\n"
            out += "     \(x.deciding)\(x.location.map { " (\($0.file):\($0.line):\($0.column))" } ?? "")\n"
        }
        if r.results.count > textRows { out += "  … \(r.results.count - textRows) more flows (--format json lists them all)\n" }
        return out
    }

    struct DTO: Encodable {
        var schemaVersion: Int
        var tool = "netsim"
        var version: String
        var topology: String
        var capture: String
        var linkType: String
        var packets: Int
        var skipped: [String: Int]
        var truncated: String?
        var disagreements: Int
        var flows: [FlowDTO]
    }
    struct FlowDTO: Encodable {
        var `protocol`: String; var client: String; var server: String; var clientPort: Int?; var serverPort: Int?; var icmpType: Int?
        var firstPacket: Int; var firstTimestampMicros: UInt64; var packetsFromClient: Int; var packetsFromServer: Int; var midConnection: Bool
        var capture: String; var reachedServer: Bool
        var disposition: String?; var deciding: String; var location: String?
        /// `agrees`, `model-delivers-capture-silent`, `model-blocks-capture-answers` or `not-evaluated`.
        var agreement: String
        /// What the model expects back: `answer`, `nothing`, `either` or `icmp-error`.
        var expects: String?
    }

    static func dto(_ r: ReplayReport) -> DTO {
        DTO(schemaVersion: NetsimVersion.jsonSchemaVersion, version: NetsimVersion.current, topology: r.topology, capture: r.capture, linkType: r.linkType,
            packets: r.packets, skipped: r.skipped, truncated: r.truncated, disagreements: r.disagreements.count,
            flows: r.results.map { x in
                let f = x.flow
                let ports = f.ipProtocol == .tcp || f.ipProtocol == .udp
                return FlowDTO(protocol: f.ipProtocol.description, client: f.client.description, server: f.server.description,
                               clientPort: ports ? Int(f.clientPort) : nil, serverPort: ports ? Int(f.serverPort) : nil, icmpType: f.ipProtocol == .icmp ? Int(f.icmpType) : nil,
                               firstPacket: f.firstPacket, firstTimestampMicros: f.firstMicros, packetsFromClient: f.packetsFromClient, packetsFromServer: f.packetsFromServer,
                               midConnection: f.midConnection, capture: f.answer, reachedServer: f.reachedServer, disposition: x.disposition?.rawValue,
                               deciding: x.deciding, location: x.location.map { "\($0.file):\($0.line):\($0.column)" }, agreement: x.agreement.rawValue,
                               expects: x.agreement == .notEvaluated ? nil : x.expects.rawValue)
            })
    }
}
