import ArgumentParser
import Foundation
import NetsimFlow
import NetsimModel
import NetsimPcap
import NetsimRender

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluates every flow of a packet capture, or every record of VPC Flow Logs, against the topology, and says where the model and the capture or log disagree.",
        discussion: """
        Reads a pcap or pcapng capture (Ethernet, Linux cooked v1/v2, raw IP or loopback) through \
        libpcap, takes the first packet of each conversation, traces it from its source address as \
        netsim trace would, and compares the verdict with what the capture shows came back (a \
        SYN-ACK, an RST, any answer). Exit 0 when they agree on every flow, 1 when they disagree on \
        one, 2 for a capture or topology netsim cannot read.

        With --flow-logs LOG instead of a capture, reads VPC Flow Logs records (the default \
        version 2 format, custom formats with their header line, CloudWatch Logs exports, gzip \
        or plain text) and judges each ACCEPT or REJECT record at its interface: security groups \
        (stateful), the subnet's network ACL, and the walk up to the interface for a packet from \
        an address of the topology. Exit 0 when the model agrees with every judged record, 1 on \
        a disagreement (or when nothing could be judged), 2 for a log netsim cannot read.
        """
    )

    @OptionGroup var topologyFile: TopologyFile
    @Argument(help: "The capture (pcap or pcapng; - reads standard input).") var capture: String?
    @Option(name: .customLong("flow-logs"), help: ArgumentHelp("VPC Flow Logs records to judge instead of a capture (plain text or gzip; - reads standard input).", valueName: "LOG"))
    var flowLogs: String?
    @Option(name: .customLong("flow-log-format"), help: ArgumentHelp("The flow log's format, for records without a header line (CloudWatch Logs): its fields in order, e.g. '${version} ${interface-id} ${srcaddr} …'.", valueName: "FIELDS"))
    var flowLogFormat: String?
    @OptionGroup var formatting: FormatOption<Replay.Outputs>
    @OptionGroup var destination: OutputOption<Replay.Outputs>
    @OptionGroup var input: CatalogOptions

    enum Outputs: FormatChoices, OutputNoun {
        static let defaultFormat = TraceFormat.text
        static let outputNoun = "the report"
    }

    func validate() throws {
        if flowLogs != nil && capture != nil { throw ValidationError("give a CAPTURE or --flow-logs LOG, not both") }
        if flowLogs == nil && capture == nil { throw ValidationError("Missing expected argument '<capture>' (or --flow-logs LOG)") }
        if flowLogFormat != nil && flowLogs == nil { throw ValidationError("--flow-log-format needs --flow-logs") }
    }

    func run() throws {
        if let log = flowLogs { return try FlowLogReplay.run(topologyFile: topologyFile.file, log: log, format: flowLogFormat, input: input,
                                                             formatting: formatting.format, destination: destination) }
        guard let capture else { throw ExitCode(64) }
        let file = topologyFile.file
        if file == "-" && capture == "-" {
            throw TopologyInput.fail(.invalidValue, "the topology and the capture cannot both be read from standard input (-)")
        }
        let catalog = try input.load()
        let t = try TopologyInput.load(file, catalog: catalog, maxInputSize: input.maxInputSize)
        guard capture == "-" || FileManager.default.isReadableFile(atPath: capture) else {
            throw TopologyInput.fail(.captureUnreadable, "cannot read the capture '\(echo: capture)': no such file, or not readable")
        }
        Output.noteInputs([capture])
        var extractor = FlowExtractor()
        let summary: Pcap.ReadSummary
        do {
            var unsupported: Int32? = nil
            summary = try Pcap.forEachPacket(capture) { link, micros, bytes, _ in
                guard FlowExtractor.supportedLinkTypes[link] != nil else { unsupported = link; return }
                extractor.add(linkType: link, micros: micros, bytes: bytes)
            }
            if let link = unsupported ?? (FlowExtractor.supportedLinkTypes[summary.linkType] == nil ? summary.linkType : nil) {
                throw TopologyInput.fail(.captureLinkType, "the capture '\(echo: capture)' has link type \(Pcap.linkTypeName(link)) (\(link)); netsim reads Ethernet, Linux cooked (SLL, SLL2), raw IP and loopback captures")
            }
        } catch let e as PcapError {
            let mixed = e.message.contains("link-layer") || e.message.contains("interface")
            throw TopologyInput.fail(.captureUnreadable, "cannot read the capture '\(echo: capture)': \(e.message)" + (mixed
                ? " (a pcapng of several interfaces with different link types: libpcap reads one link type per file; split it, e.g. tshark -r CAPTURE -Y 'frame.interface_id == 0' -w one.pcap)"
                : " (is it a pcap or pcapng file?)"))
        }
        let network = Network(topology: t, catalog: catalog)
        let results = network.replay(extractor.flows)
        let report = ReplayReport(topology: file, capture: capture, linkType: Pcap.linkTypeName(summary.linkType), packets: summary.packets,
                                  skipped: extractor.skipped, truncated: summary.truncated, results: results)
        let text = ReplayRenderer.render(report, as: formatting.format, color: destination.color)
        try destination.write(text)
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
