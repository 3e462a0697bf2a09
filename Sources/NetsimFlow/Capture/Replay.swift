import NetsimModel
import NetsimVPC

/// One conversation seen in a capture: who opened it (the first packet's sender, or the side
/// that sent the SYN), and what came back.
public struct CapturedFlow: Sendable {
    public var client: IPAddress
    public var server: IPAddress
    public var ipProtocol: IPProtocol
    public var clientPort: UInt16
    public var serverPort: UInt16
    /// ICMP: the first packet's type and code.
    public var icmpType: UInt8 = 0
    public var icmpCode: UInt8 = 0
    /// When the first packet was seen, and its number in the capture (1-based).
    public var firstMicros: UInt64
    public var firstPacket: Int
    public var packetsFromClient = 0
    public var packetsFromServer = 0
    public var sawSyn = false
    public var sawSynAck = false
    public var sawReset = false
    /// The first packet was not the opening one (a TCP packet without SYN): the capture began
    /// mid-connection, and the opener is a guess (the side on the higher port).
    public var midConnection = false
    /// An ICMP error about this flow (type, code), from anyone on the path.
    public var icmpError: (type: UInt8, code: UInt8)? = nil
    /// The HTTP request the client sent first, when the capture has it (for ALB rules).
    public var http: HTTPRequest? = nil

    /// What the capture shows came back, in words.
    public var answer: String {
        if sawSynAck { return "answered (SYN-ACK)" }
        if sawReset { return "refused (RST)" }
        if let e = icmpError {
            if isPortUnreachable(e) { return client.family == .ipv6 ? "refused (ICMPv6 port unreachable)" : "refused (ICMP port unreachable)" }
            return "\(client.family == .ipv6 ? "ICMPv6" : "ICMP") error type \(e.type) code \(e.code)"
        }
        if packetsFromServer > 0 { return "answered (\(packetsFromServer) packet\(packetsFromServer == 1 ? "" : "s") back)" }
        return "no answer"
    }

    /// Whether the packet reached its destination, by the capture: anything from the server, an
    /// RST, or a port-unreachable (sent by the destination host).
    public var reachedServer: Bool {
        sawSynAck || sawReset || packetsFromServer > 0 || (icmpError.map(isPortUnreachable) ?? false)
    }

    /// ICMP destination unreachable, port unreachable (type 3 code 3), or ICMPv6's (type 1 code 4).
    func isPortUnreachable(_ e: (type: UInt8, code: UInt8)) -> Bool {
        client.family == .ipv6 ? e.type == 1 && e.code == 4 : e.type == 3 && e.code == 3
    }

    public var description: String {
        switch ipProtocol {
        case .tcp, .udp:
            // An IPv6 address with a port is written in brackets (RFC 5952 §6).
            func hp(_ a: IPAddress, _ p: UInt16) -> String { a.family == .ipv6 ? "[\(a)]:\(p)" : "\(a):\(p)" }
            return "\(ipProtocol) \(hp(client, clientPort)) → \(hp(server, serverPort))"
        default: return "\(ipProtocol) \(client) → \(server)\(ipProtocol == .icmp ? " type \(icmpType)" : "")"
        }
    }
}

/// Reads frames (Ethernet, Linux cooked v1 and v2, raw IP, BSD loopback) into conversations:
/// the first packet per 5-tuple and direction, with what came back. IPv4 and IPv6 (the fixed
/// header; a packet with extension headers before its upper layer is counted and skipped);
/// everything else is counted by reason and skipped.
public struct FlowExtractor: Sendable {
    public static let supportedLinkTypes: [Int32: String] = [1: "EN10MB", 12: "RAW", 14: "RAW", 101: "RAW", 228: "IPV4", 113: "LINUX_SLL", 276: "LINUX_SLL2", 0: "NULL", 108: "LOOP"]

    struct Key: Hashable {
        var a: IPAddress, b: IPAddress, pa: UInt16, pb: UInt16, proto: UInt8
    }

    public private(set) var flows: [CapturedFlow] = []
    var index: [Key: Int] = [:]
    public private(set) var packets = 0
    /// Frames not used, by reason.
    public private(set) var skipped: [String: Int] = [:]

    public init() {}

    mutating func skip(_ why: String) { skipped[why, default: 0] += 1 }

    /// One captured frame.
    public mutating func add(linkType: Int32, micros: UInt64, bytes b: UnsafeRawBufferPointer) {
        packets += 1
        let r = ByteReader(b: b)
        var off: Int
        var etherType: UInt16
        switch linkType {
        case 1:
            guard let t = r.u16(12) else { skip("truncated frame"); return }
            off = 14; etherType = t
            while etherType == 0x8100 || etherType == 0x88A8 {
                guard let t2 = r.u16(off + 2) else { skip("truncated frame"); return }
                etherType = t2; off += 4
            }
        case 113:
            guard let t = r.u16(14) else { skip("truncated frame"); return }
            off = 16; etherType = t
        case 276:
            guard let t = r.u16(0) else { skip("truncated frame"); return }
            off = 20; etherType = t
        case 12, 14, 101, 228:
            guard let v = r.u8(0) else { skip("truncated frame"); return }
            off = 0; etherType = v >> 4 == 4 ? 0x0800 : (v >> 4 == 6 ? 0x86DD : 0)
        case 0, 108:
            guard let fam = r.u8(0), let fam3 = r.u8(3) else { skip("truncated frame"); return }
            off = 4; etherType = (fam == 2 || fam3 == 2) ? 0x0800 : 0x86DD
        default:
            skip("link type \(linkType)"); return
        }
        if etherType == 0x86DD {
            guard off < b.count else { skip("truncated frame"); return }
            addIPv6(UnsafeRawBufferPointer(rebasing: b[off...]), micros: micros)
            return
        }
        guard etherType == 0x0800 else {
            skip(etherType == 0x0806 ? "ARP" : "not IP (EtherType 0x\(String(etherType, radix: 16)))")
            return
        }
        guard off < b.count else { skip("truncated frame"); return }
        let ipBytes = UnsafeRawBufferPointer(rebasing: b[off...])
        guard let ip = IPv4Header.parse(ipBytes) else { skip("truncated or bad IPv4 header"); return }
        if ip.fragmentOffset != 0 { skip("IPv4 fragment after the first"); return }
        let l4 = UnsafeRawBufferPointer(rebasing: ipBytes[min(ip.headerLength, ipBytes.count)...])
        switch ip.proto {
        case 6:
            guard let t = TCPHeader.parse(l4) else { skip("truncated TCP header"); return }
            let i = seen(.ipv4(ip.source), .ipv4(ip.destination), t.sourcePort, t.destinationPort, proto: 6, micros: micros, tcp: t.flags)
            // The first request of a client, for ALB listener rules.
            let dataOffset = Int((ByteReader(b: l4).u8(12) ?? 0x50) >> 4) * 4
            if let i, flows[i].http == nil, flows[i].client == .ipv4(ip.source), l4.count > dataOffset {
                flows[i].http = Self.httpRequest(UnsafeRawBufferPointer(rebasing: l4[dataOffset..<min(l4.count, dataOffset + 2048)]))
            }
        case 17:
            guard let u = UDPHeader.parse(l4) else { skip("truncated UDP header"); return }
            seen(.ipv4(ip.source), .ipv4(ip.destination), u.sourcePort, u.destinationPort, proto: 17, micros: micros, tcp: nil)
        case 1:
            guard let c = ICMPHeader.parse(l4) else { skip("truncated ICMP header"); return }
            if [3, 11, 12].contains(c.type) {
                icmpError(c, inner: l4.count > 8 ? UnsafeRawBufferPointer(rebasing: l4[8...]) : UnsafeRawBufferPointer(start: nil, count: 0))
                return
            }
            guard [0, 8, 13, 14].contains(c.type) else { skip("ICMP type \(c.type)"); return }
            seen(.ipv4(ip.source), .ipv4(ip.destination), c.identifier, c.identifier, proto: 1, micros: micros, tcp: nil, icmp: (c.type, c.code))
        default:
            skip("IP protocol \(ip.proto)")
        }
    }

    /// An IPv6 packet: TCP, UDP or ICMPv6 right after the fixed header. Echo (128, 129) opens a
    /// flow; destination unreachable (1), packet too big (2), time exceeded (3) and parameter
    /// problem (4) mark the flow they quote; neighbour discovery and the rest are skipped.
    mutating func addIPv6(_ ipBytes: UnsafeRawBufferPointer, micros: UInt64) {
        guard ipBytes.count >= 40, let ip = IPv6Header.parse(ipBytes) else { skip("truncated or bad IPv6 header"); return }
        let l4 = UnsafeRawBufferPointer(rebasing: ipBytes[40...])
        let s = IPAddress.ipv6(ip.source), d = IPAddress.ipv6(ip.destination)
        switch ip.nextHeader {
        case 6:
            guard let t = TCPHeader.parse(l4) else { skip("truncated TCP header"); return }
            let i = seen(s, d, t.sourcePort, t.destinationPort, proto: 6, micros: micros, tcp: t.flags)
            let dataOffset = Int((ByteReader(b: l4).u8(12) ?? 0x50) >> 4) * 4
            if let i, flows[i].http == nil, flows[i].client == s, l4.count > dataOffset {
                flows[i].http = Self.httpRequest(UnsafeRawBufferPointer(rebasing: l4[dataOffset..<min(l4.count, dataOffset + 2048)]))
            }
        case 17:
            guard let u = UDPHeader.parse(l4) else { skip("truncated UDP header"); return }
            seen(s, d, u.sourcePort, u.destinationPort, proto: 17, micros: micros, tcp: nil)
        case 58:
            guard let c = ICMPHeader.parse(l4) else { skip("truncated ICMPv6 header"); return }
            if (1...4).contains(c.type) {
                icmpError(c, inner: l4.count > 8 ? UnsafeRawBufferPointer(rebasing: l4[8...]) : UnsafeRawBufferPointer(start: nil, count: 0))
                return
            }
            guard c.type == 128 || c.type == 129 else { skip(c.type >= 133 && c.type <= 137 ? "ICMPv6 neighbour discovery" : "ICMPv6 type \(c.type)"); return }
            seen(s, d, c.identifier, c.identifier, proto: 58, micros: micros, tcp: nil, icmp: (c.type, c.code))
        case 0, 43, 44, 60:
            skip("IPv6 extension header \(ip.nextHeader) (not read)")
        default:
            skip("IP protocol \(ip.nextHeader)")
        }
    }

    /// `GET /path HTTP/1.1` and its `Host:` header, from the start of a payload.
    static func httpRequest(_ b: UnsafeRawBufferPointer) -> HTTPRequest? {
        let text = String(decoding: b, as: UTF8.self)
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard let first = lines.first else { return nil }
        let parts = first.split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1."), ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"].contains(String(parts[0])),
              parts[1].hasPrefix("/") else { return nil }
        let path = String(parts[1].split(separator: "?", maxSplits: 1).first ?? parts[1])
        var host = ""
        for l in lines.dropFirst() {
            if l.isEmpty { break }
            if l.lowercased().hasPrefix("host:") { host = String(l.dropFirst(5)).trimmingPrefixSpaces }
        }
        return HTTPRequest(host: host, path: path)
    }

    @discardableResult
    mutating func seen(_ s: IPAddress, _ d: IPAddress, _ sp: UInt16, _ dp: UInt16, proto: UInt8, micros: UInt64, tcp: TCPHeader.Flags?, icmp: (UInt8, UInt8)? = nil) -> Int? {
        let forward = s < d || (s == d && sp < dp)
        let key = forward ? Key(a: s, b: d, pa: sp, pb: dp, proto: proto) : Key(a: d, b: s, pa: dp, pb: sp, proto: proto)
        if let i = index[key] {
            let fromClient = flows[i].client == s && flows[i].clientPort == sp
            if fromClient { flows[i].packetsFromClient += 1 } else {
                flows[i].packetsFromServer += 1
                if let f = tcp {
                    if f.contains(.syn) && f.contains(.ack) { flows[i].sawSynAck = true }
                    if f.contains(.rst) { flows[i].sawReset = true }
                }
            }
            if fromClient, let f = tcp, f.contains(.syn), !f.contains(.ack) { flows[i].sawSyn = true }
            return i
        }
        // The opener: the sender, unless this is the answer (SYN-ACK, echo reply) or, mid-
        // connection, the sender is on the lower port.
        var clientIsSender = true
        var mid = false
        /// Without a SYN to go by: a well-known port (below 1024) is the server's; else the
        /// ephemeral one (32768–60999 on Linux, 1024–65535 behind NAT) is more likely the
        /// client's, so the higher port is.
        func senderIsClient() -> Bool {
            if (sp < 1024) != (dp < 1024) { return dp < 1024 }
            return sp >= dp
        }
        if let f = tcp {
            if f.contains(.syn) && f.contains(.ack) { clientIsSender = false }
            else if !f.contains(.syn) { mid = true; clientIsSender = senderIsClient() }
        } else if proto == 17, (sp < 1024) != (dp < 1024) {
            clientIsSender = dp < 1024
        }
        if let (t, _) = icmp, t == 0 || t == 14 || (proto == 58 && t == 129) { clientIsSender = false }
        var flow = CapturedFlow(client: clientIsSender ? s : d, server: clientIsSender ? d : s, ipProtocol: proto == 6 ? .tcp : proto == 17 ? .udp : proto == 58 ? .icmpv6 : .icmp,
                                clientPort: clientIsSender ? sp : dp, serverPort: clientIsSender ? dp : sp, firstMicros: micros, firstPacket: packets)
        flow.midConnection = mid
        if let (t, c) = icmp { flow.icmpType = clientIsSender ? t : (t == 14 ? 13 : proto == 58 ? 128 : 8); flow.icmpCode = c }
        if clientIsSender { flow.packetsFromClient = 1 } else { flow.packetsFromServer = 1 }
        if let f = tcp {
            if f.contains(.syn) && !f.contains(.ack) { flow.sawSyn = true }
            if !clientIsSender && f.contains(.syn) && f.contains(.ack) { flow.sawSynAck = true }
            if !clientIsSender && f.contains(.rst) { flow.sawReset = true }
        }
        index[key] = flows.count
        flows.append(flow)
        return flows.count - 1
    }

    /// An ICMP error carries the header of the packet it is about: mark that flow.
    mutating func icmpError(_ c: ICMPHeader, inner: UnsafeRawBufferPointer) {
        let s: IPAddress, d: IPAddress, proto: UInt8, rest: UnsafeRawBufferPointer
        if let ip = IPv4Header.parse(inner), inner.count >= ip.headerLength + 4 {
            (s, d, proto) = (.ipv4(ip.source), .ipv4(ip.destination), ip.proto)
            rest = UnsafeRawBufferPointer(rebasing: inner[ip.headerLength...])
        } else if let ip = IPv6Header.parse(inner), inner.count >= 40 + 4 {
            (s, d, proto) = (.ipv6(ip.source), .ipv6(ip.destination), ip.nextHeader)
            rest = UnsafeRawBufferPointer(rebasing: inner[40...])
        } else { skip("ICMP error without the original header"); return }
        let r = ByteReader(b: rest)
        guard var sp = r.u16(0), var dp = r.u16(2) else { return }
        // An error about an ICMP echo quotes its identifier (bytes 4–5), the flow's "port".
        if proto == 1 || proto == 58 { guard let id = r.u16(4) else { return }; sp = id; dp = id }
        let forward = s < d || (s == d && sp < dp)
        let key = forward ? Key(a: s, b: d, pa: sp, pb: dp, proto: proto) : Key(a: d, b: s, pa: dp, pb: sp, proto: proto)
        if let i = index[key] { flows[i].icmpError = (c.type, c.code) } else { skip("ICMP error about a flow not in the capture") }
    }
}

/// The model's verdict on a captured flow, beside what the capture shows.
public struct ReplayResult: Sendable {
    /// Stable tokens (JSON); `words` says them in text.
    public enum Agreement: String, Sendable {
        case agrees
        /// The model delivers the flow; the capture shows nothing back.
        case modelDeliversCaptureSilent = "model-delivers-capture-silent"
        /// The model blocks the flow; the capture shows the destination answering.
        case modelBlocksCaptureAnswers = "model-blocks-capture-answers"
        /// The flow could not be evaluated (an address outside the topology).
        case notEvaluated = "not-evaluated"

        public var words: String {
            switch self {
            case .agrees: "agrees"
            case .modelDeliversCaptureSilent: "model delivers, capture shows no answer"
            case .modelBlocksCaptureAnswers: "model blocks, capture shows an answer"
            case .notEvaluated: "not evaluated"
            }
        }
    }
    public var flow: CapturedFlow
    public var disposition: Disposition?
    /// The deciding block (code, message, where), or how the walk ended.
    public var deciding: String
    public var location: SourceLocation?
    public var agreement: Agreement
    public var source: String = ""
    public var destination: String = ""
    /// What the model expects a capture to show back: an answer, nothing, either (the reply is
    /// lost on its way, so it depends where the capture was taken), or an ICMP error.
    public var expects: Expectation = .nothing

    public enum Expectation: String, Sendable {
        case answer, nothing, either
        /// kube-proxy's REJECT: an ICMP port unreachable (or nothing, if the capture missed it).
        case icmpError = "icmp-error"
    }
}

extension Network {
    /// Evaluates each captured flow as if it entered the network at its client's address. Flows
    /// that differ only in the client's port share one evaluation.
    public func replay(_ flows: [CapturedFlow]) -> [ReplayResult] {
        struct CacheKey: Hashable { var c: IPAddress, s: IPAddress, p: UInt8, port: UInt16, icmp: UInt8 }
        var cache: [CacheKey: ReplayResult] = [:]
        var out: [ReplayResult] = []
        out.reserveCapacity(flows.count)
        let listening = listeningPorts
        for var flow in flows {
            // Guessed openers (no SYN, UDP): the side on a port the topology listens on is the server.
            if flow.midConnection || flow.ipProtocol == .udp, !listening.contains(flow.serverPort), listening.contains(flow.clientPort) {
                swap(&flow.client, &flow.server); swap(&flow.clientPort, &flow.serverPort); swap(&flow.packetsFromClient, &flow.packetsFromServer)
            }
            let key = CacheKey(c: flow.client, s: flow.server, p: flow.ipProtocol.number ?? 0, port: flow.serverPort, icmp: flow.icmpType)
            if flow.http == nil, var r = cache[key] { r.flow = flow; r.agreement = Self.agreement(r.disposition == nil ? nil : r.expects, flow); out.append(r); continue }
            let r = evaluate(flow)
            cache[key] = r
            out.append(r)
        }
        return out
    }

    static func agreement(_ e: ReplayResult.Expectation?, _ flow: CapturedFlow) -> ReplayResult.Agreement {
        guard let e else { return .notEvaluated }
        switch e {
        case .either: return .agrees
        case .answer: return flow.reachedServer ? .agrees : .modelDeliversCaptureSilent
        case .nothing: return flow.reachedServer ? .modelBlocksCaptureAnswers : .agrees
        case .icmpError:
            // Destination unreachable: ICMP type 3, ICMPv6 type 1.
            if flow.icmpError?.type == (flow.client.family == .ipv6 ? 1 : 3) { return .agrees }
            return flow.reachedServer ? .modelBlocksCaptureAnswers : .agrees
        }
    }

    /// What a capture should show back for a traced flow. An ALB answers a client that reached
    /// its listener itself, whatever happens behind it (its own connection to the target is a
    /// flow of its own in the capture); a reply lost on its way back may or may not be in the
    /// capture, depending where it was taken.
    static func expectation(_ t: Trace, server: IPAddress, fabric: FabricIndex) -> ReplayResult.Expectation {
        if let leg = t.loadBalancer, leg.loadBalancerKind == .application, leg.nodeAddress == server || fabric.interface(owning: server)?.loadBalancer != nil || fabric.publicOwnerOf(server).map({ fabric.interfaces[$0].kind == .loadBalancer }) == true {
            return leg.reachedListener ? .answer : .nothing
        }
        if t.rejectedWithICMP { return .icmpError }
        // The model traces an answer for ICMP echo only.
        if (t.packet.ipProtocol == .icmp || t.packet.ipProtocol == .icmpv6) && t.packet.icmpType != 8 && t.packet.icmpType != 128 && t.forward.end.isSuccess { return .either }
        let forwardBlocked = t.explanations.contains { $0.direction == .forward }
        if !forwardBlocked && t.forward.end.isSuccess {
            return t.explanations.contains { $0.direction == .reply } ? .either : .answer
        }
        return .nothing
    }

    /// The trace's ICMP type for an ICMPv6 echo: the trace names echo as ICMP's 8 and 0.
    static func icmpType(v6 t: UInt8) -> UInt8 { t == 128 ? 8 : t == 129 ? 0 : t }

    func evaluate(_ flow: CapturedFlow) -> ReplayResult {
        var to = Endpoint.ip(flow.server)
        var port = flow.serverPort
        var note = ""
        let fromOutside = !Walk.privateRanges.contains { $0.contains(flow.client) } && fabric.ownerOf(flow.client) == nil
        // From the internet to the private address of an interface with a public one: that is
        // what the internet gateway delivers; the client sent it to the public address.
        if fromOutside, flow.server.family == .ipv4, let i = fabric.ownerOf(flow.server), let pub = fabric.interfaces[i].publicIP {
            to = .ip(.ipv4(pub))
        } else if fromOutside, let target = flow.server.v4, let (node, listener) = preservingLoadBalancer(target: target, port: flow.serverPort) {
            // A client's own address at a target: an NLB forwarded it, keeping the address.
            to = .ip(.ipv4(node))
            port = listener
            note = " (seen behind an NLB that keeps client addresses: traced from the client to the NLB's listener \(listener))"
        }
        var req = FlowRequest(from: .ip(flow.client), to: to, ipProtocol: flow.ipProtocol,
                              port: flow.ipProtocol == .tcp || flow.ipProtocol == .udp ? port : nil,
                              sourcePort: flow.ipProtocol == .tcp || flow.ipProtocol == .udp ? flow.clientPort : nil,
                              icmpType: flow.ipProtocol == .icmp ? flow.icmpType : flow.ipProtocol == .icmpv6 ? Self.icmpType(v6: flow.icmpType) : 8, icmpCode: flow.icmpCode)
        if let h = flow.http, flow.ipProtocol == .tcp {
            let owner = fabric.ownerOf(flow.server) ?? fabric.publicOwnerOf(flow.server)
            if let o = owner, fabric.interfaces[o].kind == .loadBalancer { req.http = h }
        }
        switch trace(req) {
        case .invalid(let why, _), .unsupported(let why):
            return ReplayResult(flow: flow, disposition: nil, deciding: why, location: nil, agreement: .notEvaluated)
        case .traced(let t) where t.disposition == .notModelled:
            // No verdict to compare (the control plane is not in the topology).
            let c = t.caveats.first { $0.affectsVerdict }
            return ReplayResult(flow: flow, disposition: nil, deciding: c?.message ?? "netsim does not model what this flow reaches", location: c?.location,
                                agreement: .notEvaluated, source: t.source, destination: t.destination)
        case .traced(let t):
            var deciding: String
            var location: SourceLocation? = nil
            if let e = t.explanations.first {
                deciding = Wording.deciding(e)
                location = e.location
            } else {
                let last = t.forward.hops.last?.steps.last
                deciding = last?.sentence ?? t.disposition.rawValue
                location = last?.location
            }
            var e = Self.expectation(t, server: flow.server, fabric: fabric)
            // A delivery a NetworkPolicy could drop: the capture may show an answer or nothing.
            if e == .answer, let c = t.caveats.first(where: { $0.affectsVerdict }) {
                e = .either
                deciding += " (\(c.message))"
            } else if e == .either { deciding += " (the reply is lost on its way back: a capture near the server sees it, one near the client does not)" }
            if e == .answer, t.loadBalancer?.loadBalancerKind == .application, !t.delivered { deciding += " (the ALB answers the client itself)" }
            var r = ReplayResult(flow: flow, disposition: t.disposition, deciding: deciding + note, location: location,
                                 agreement: Self.agreement(e, flow), source: t.source, destination: t.destination)
            r.expects = e
            return r
        }
    }
}

extension Network {
    /// Ports something in the topology listens on: Service ports, target and container ports,
    /// NodePorts, load balancer listeners, externals' ports.
    var listeningPorts: Set<UInt16> {
        var ports = Set<UInt16>()
        let k = fabric.topology.kubernetes
        for s in k.services {
            for p in s.ports { ports.insert(p.port); if case .number(let n) = p.targetPort { ports.insert(n) }; if let np = p.nodePort { ports.insert(np) } }
        }
        for w in k.workloads { for c in w.template.containers { for p in c.ports { ports.insert(p.containerPort) } } }
        for e in fabric.topology.externals { for p in e.ports { ports.insert(p.port) } }
        for lb in fabric.loadBalancers { for l in lb.listeners { ports.insert(l.port) }; for tg in lb.targetGroups { for t in tg.targets { ports.insert(t.port) } } }
        return ports
    }

    /// An internet-facing NLB that keeps client addresses and has `target` (a pod, or a node on
    /// its NodePort) as a target on `port`: its node's public address and the listener port.
    func preservingLoadBalancer(target: IPv4Address, port: UInt16) -> (IPv4Address, UInt16)? {
        for lb in fabric.loadBalancers where lb.kind == .network {
            for l in lb.listeners {
                guard case .forward(let i) = l.defaultAction, lb.targetGroups[i].preserveClientIP,
                      lb.targetGroups[i].targets.contains(where: { $0.ip == target && $0.port == port }) else { continue }
                if let node = lb.nodes.first(where: { $0.publicIP != nil }) { return (node.publicIP ?? node.privateIP, l.port) }
            }
        }
        // An instance target's pod behind kube-proxy (externalTrafficPolicy: Local keeps the client too).
        for lb in fabric.loadBalancers where lb.kind == .network {
            for l in lb.listeners {
                guard case .forward(let i) = l.defaultAction, lb.targetGroups[i].preserveClientIP, lb.targetGroups[i].targetType == .instance,
                      lb.targetGroups[i].externalPolicyLocal else { continue }
                let svc = lb.targetGroups[i].service
                let pods = fabric.realized.pods.filter { $0.ip == target }
                if pods.contains(where: { p in fabric.topology.kubernetes.service(namespace: p.namespace, name: String(svc.split(separator: "/").last ?? ""))?.selector?.allSatisfy { p.labels[$0.key] == $0.value } == true }),
                   let node = lb.nodes.first(where: { $0.publicIP != nil }) { return (node.publicIP ?? node.privateIP, l.port) }
            }
        }
        return nil
    }
}

extension String {
    var trimmingPrefixSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
