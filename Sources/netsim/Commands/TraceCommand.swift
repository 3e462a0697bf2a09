import ArgumentParser
import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimModel
import NetsimRender
import NetsimTopology

extension TraceFormat: ExpressibleByArgument {}

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Follow one flow hop by hop through security groups, network ACLs, route tables and gateways.",
        discussion: """
        Endpoints: pod:NS/NAME, deployment:NS/NAME, statefulset:NS/NAME, daemonset:NS/NAME, \
        node:NAME, nodegroup:NAME, ip:ADDRESS, external:NAME, internet, and service:NS/NAME from a \
        pod or a node (through kube-proxy's rules on the source's node). A NodePort is node:NAME \
        with --port NODEPORT. kubectl's short names work (deploy:, sts:, ds:, svc:, ing:, po:); \
        pod:NS/PREFIX is the one pod whose name starts with PREFIX (the exact name wins).

        With cluster.controlPlane declared: controlplane is the EKS control plane calling out (to \
        node:NAME --port 10250 for kubectl logs/exec, to a webhook's or APIService's \
        service:NS/NAME, dialled at its endpoint's target port); apiserver is the API server \
        endpoint (its ENIs with private access from the VPC, else the public endpoint and its \
        publicAccessCidrs).

        ingress:NS/NAME goes through its ALB, loadbalancer:NS/NAME (lb:) through a Service's NLB, as \
        the AWS Load Balancer Controller builds them; from outside the cluster service:NS/NAME is \
        its NLB.

        kube-proxy picks a Service's endpoint at random: a trace follows one branch, drawn from the \
        flow and the topology's seed; --seed draws with another seed; --all-paths traces every \
        branch.

        Exit codes: 0 delivered (or leaving toward an internet or external destination); 1 not \
        delivered; 2 invalid input; 3 the verdict depends on something netsim does not model (a \
        NetworkPolicy or the policy agent's mode, an undeclared EKS control plane, a transit gateway \
        zone the flow does not determine: the output says which); 64 usage.
        """
    )

    @OptionGroup var topologyFile: TopologyFile
    @Option(help: "Where the flow starts.") var from: String
    @Option(help: "Where it goes.") var to: String
    @Option(parsing: .unconditional, help: "Destination port (tcp and udp).") var port: String?
    @Option(help: "tcp, udp, icmp, or a protocol number.") var `protocol`: String = "tcp"
    @Option(parsing: .unconditional, help: "Source port (default: an ephemeral port of 32768–60999, fixed per flow).") var sourcePort: String?
    @Option(parsing: .unconditional, help: "ICMP type (default 8, echo request).") var icmpType: String?
    @Option(parsing: .unconditional, help: "ICMP code (default 0).") var icmpCode: String?
    @OptionGroup var formatting: FormatOption<TraceCommand.Outputs>
    @Option(help: "For an ingress (ALB): the request's Host header (default: the load balancer's DNS name).") var host: String?
    @Option(help: "For an ingress (ALB): the request path, starting with / (default: /).") var path: String?
    @Flag(help: "Trace every path: each load balancer node the DNS name returns, and through it every target the load balancer or endpoint kube-proxy's random rules can pick, one trace each.") var allPaths = false
    @Option(parsing: .unconditional, help: "Seed for kube-proxy's random choice (default: drawn from the flow and the topology's seed).") var seed: String?
    @OptionGroup var destination: OutputOption<TraceCommand.Outputs>
    @Option(help: "Also write the packet at each point of the trace (both ways) as Ethernet frames to this pcap file.") var pcap: String?
    @Flag(help: "With --pcap, a whole TCP connection: SYN, SYN-ACK, ACK, a request and its acknowledgment.") var handshake = false
    @Option(help: "Trace the flow as it is when these pods have just started, before the VPC CNI network policy agent applies their policies: source, destination or both (standard mode lets everything through, strict mode drops everything).") var atStart: PodStart?
    @OptionGroup var input: TopologyOptions

    enum Outputs: FormatChoices, OutputNoun {
        static let defaultFormat = TraceFormat.text
        static let outputNoun = "the trace"
    }

    /// Options that need another, or exclude each other: usage errors (64), found before any
    /// file is read. A value that does not fit the flow (a port for ICMP, --host to a Service)
    /// is invalid input (2), found in run().
    func validate() throws {
        if handshake && pcap == nil {
            throw ValidationError("--handshake shapes the frames of --pcap: give --pcap FILE too")
        }
        if seed != nil && allPaths {
            throw ValidationError("--seed picks one path and --all-paths follows each: give one of them")
        }
    }

    /// Which place each frame of the capture was seen at (Wireshark shows a packet seen again
    /// further on as a retransmission).
    static func frameList(_ records: [CaptureBuilder.Record], _ path: String) -> String {
        var out = "\nCapture \(echo: path): \(records.count) frame\(records.count == 1 ? "" : "s")\n"
        for (i, r) in records.enumerated() { out += "  \(String(repeating: " ", count: max(0, 3 - String(i + 1).count)))\(i + 1)  \(r.label)\n" }
        return out
    }

    /// nil (0) when every path is delivered and nothing unmodelled decides it; 1 when a path is
    /// not delivered by the network alone; 3 when a verdict depends on what netsim does not model.
    static func exitCode(_ traces: [Trace]) -> Int32? {
        if traces.contains(where: { !$0.delivered && $0.disposition != .notModelled }) { return 1 }
        if traces.contains(where: { $0.disposition == .notModelled || $0.verdictDependsOnUnmodelled }) { return 3 }
        return nil
    }

    /// The longest `--path` (bytes): 8 KiB, the request line most HTTP servers accept.
    static let maxPathBytes = 8192
    /// The longest `--host` (bytes): 255, the most a DNS name can be.
    static let maxHostBytes = 255

    func run() throws {
        guard let proto = IPProtocol(parsing: `protocol`), proto != .all else {
            throw TopologyInput.fail(.invalidValue, "--protocol '\(echo: `protocol`)' is not tcp, udp, icmp or a protocol number 0–255")
        }
        func number(_ text: String?, _ flag: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text else { return nil }
            guard let n = Int(text), range.contains(n) else {
                throw TopologyInput.fail(.invalidPort, "\(flag) '\(echo: text)' is outside \(range.lowerBound)–\(range.upperBound)")
            }
            return n
        }
        let port = try number(port, "--port", 0...65535)
        let sport = try number(sourcePort, "--source-port", 1...65535)
        let icmpT = try number(icmpType, "--icmp-type", 0...255)
        let icmpC = try number(icmpCode, "--icmp-code", 0...255)
        let hasPorts = proto == .tcp || proto == .udp
        if !hasPorts && (port != nil || sport != nil) {
            throw TopologyInput.fail(.portsIgnored, "\(proto) has no ports; drop --port and --source-port (use --icmp-type and --icmp-code for ICMP)")
        }
        if proto != .icmp && (icmpT != nil || icmpC != nil) {
            throw TopologyInput.fail(.invalidValue, "--icmp-type and --icmp-code are for --protocol icmp")
        }
        if hasPorts && port == nil {
            throw TopologyInput.fail(.invalidPort, "\(proto) needs a destination port: add --port N")
        }
        func endpoint(_ text: String, _ flag: String) throws -> Endpoint {
            switch Endpoint.parse(text) {
            case .success(let e): return e
            case .failure(let e): throw TopologyInput.fail(.invalidEndpoint, "\(flag) \(e.message); write one of \(Endpoint.syntax)")
            }
        }
        // What goes into the request line and the Host header: no control character (CR LF
        // would forge a header, NUL and ESC reach terminals), and bounded as servers bound them.
        for (flag, value, limit, what) in [("--path", path, TraceCommand.maxPathBytes, "a request path"), ("--host", host, TraceCommand.maxHostBytes, "a host name (as DNS allows)")] {
            guard let value else { continue }
            if value.unicodeScalars.contains(where: Echo.isControl) {
                throw TopologyInput.fail(.invalidValue, "\(flag) '\(echo: value)' holds a control character (CR, LF, NUL, ESC, tab, …): write the value without it (percent-encode it in a path, e.g. %0A)")
            }
            if value.utf8.count > limit {
                throw TopologyInput.fail(.invalidValue, "\(flag) is \(value.utf8.count) bytes long: \(what) is at most \(limit) bytes")
            }
        }
        let fromEP = try endpoint(from, "--from"), toEP = try endpoint(to, "--to")
        let (t, catalog) = try input.load(topologyFile.file)
        let network = Network(topology: t, catalog: catalog)
        var req = FlowRequest(from: fromEP, to: toEP, ipProtocol: proto, port: port.map { UInt16($0) }, sourcePort: sport.map { UInt16($0) },
                              icmpType: UInt8(icmpT ?? 8), icmpCode: UInt8(icmpC ?? 0))
        if let path, !path.hasPrefix("/") {
            throw TopologyInput.fail(.invalidValue, "--path '\(echo: path)' must start with '/' (the request path as the ALB sees it, e.g. /cart)")
        }
        if let host, host.isEmpty || host.contains(where: { $0 == " " || $0 == "/" }) {
            throw TopologyInput.fail(.invalidValue, "--host '\(echo: host)' is not a host name (write it as in the Host header, e.g. shop.example.com)")
        }
        if host != nil || path != nil {
            guard case .ingress = toEP else {
                throw TopologyInput.fail(.invalidValue, "--host and --path are for HTTP through an ALB: give --to ingress:NS/NAME")
            }
            req.http = HTTPRequest(host: host ?? "", path: path ?? "/")
        }
        let output = destination.output, format = formatting.format
        if pcap == "-" && output == nil {
            throw TopologyInput.fail(.invalidValue, "--pcap - writes the capture to standard output, where the trace goes too: give -o FILE for the trace")
        }
        try Output.checkDistinct([("--pcap", pcap), ("-o", output)].compactMap { o, p in p.map { (o, $0) } })
        if handshake && proto != .tcp { throw TopologyInput.fail(.invalidValue, "--handshake is for TCP flows") }
        req.capture = pcap != nil
        req.podStart = atStart
        if let seed {
            guard let s = UInt64(seed) else { throw TopologyInput.fail(.invalidValue, "--seed '\(echo: seed)' is not a whole number 0–18446744073709551615") }
            req.seed = s
        }
        if allPaths {
            var traces: [Trace] = []
            for outcome in network.traceAllPaths(req) {
                switch outcome {
                case .invalid(let why, let near): throw TopologyInput.fail(.invalidEndpoint, why, near: near)
                case .unsupported(let why): throw TopologyInput.fail(.invalidEndpoint, why)
                case .traced(let t): traces.append(t)
                }
            }
            var text = TraceRenderer.render(paths: traces, as: format, color: output == nil && Output.colorEnabled)
            if let pcap {
                var records: [CaptureBuilder.Record] = []
                for (k, t) in traces.enumerated() {
                    records += CaptureBuilder.frames(t, handshake: handshake, http: req.http, epochMicros: CaptureBuilder.defaultEpochMicros + UInt64(k) * 1_000_000, seed: network.fabric.topology.seed,
                                                      inVPC: Self.inVPC(network))
                }
                if format == .text { text += Self.frameList(records, pcap) }
                try Output.writeAll([(pcap, Output.pcapWriter(records))] + (output.map { [($0, Output.textWriter(text))] } ?? []))
                if output == nil { try Output.print(text) }
            } else if let output { try Output.writeAtomically(text, to: output) } else { try Output.print(text) }
            if let code = Self.exitCode(traces) { throw ExitCode(code) }
            return
        }
        switch network.trace(req) {
        case .invalid(let why, let near):
            throw TopologyInput.fail(.invalidEndpoint, why, near: near)
        case .unsupported(let why):
            throw TopologyInput.fail(.invalidEndpoint, why)
        case .traced(let trace):
            var text = TraceRenderer.render(trace, as: format, color: output == nil && Output.colorEnabled)
            if let pcap {
                let records = CaptureBuilder.frames(trace, handshake: handshake, http: req.http, seed: network.fabric.topology.seed, inVPC: Self.inVPC(network))
                if format == .text { text += Self.frameList(records, pcap) }
                try Output.writeAll([(pcap, Output.pcapWriter(records))] + (output.map { [($0, Output.textWriter(text))] } ?? []))
                if output == nil { try Output.print(text) }
            } else if let output { try Output.writeAtomically(text, to: output) } else { try Output.print(text) }
            if let code = Self.exitCode([trace]) { throw ExitCode(code) }
        }
    }
}

extension PodStart: ExpressibleByArgument {}

extension TraceCommand {
    /// Whether an IPv6 address is in one of the topology's VPCs (for the sender's MSS).
    static func inVPC(_ network: Network) -> (IPv6Address) -> Bool {
        let blocks = network.fabric.topology.vpcs.flatMap(\.ipv6CidrBlocks)
        return { a in blocks.contains { $0.contains(a) } }
    }
}
