import CPcap
#if canImport(Glibc)
import Glibc
#endif

/// A libpcap failure, with libpcap's own text.
public struct PcapError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// One captured frame: bytes and a timestamp in microseconds since the epoch.
public struct PcapFrame: Equatable, Sendable {
    public var timestampMicros: UInt64
    public var bytes: [UInt8]
    public init(timestampMicros: UInt64, bytes: [UInt8]) { self.timestampMicros = timestampMicros; self.bytes = bytes }
}

/// Writes and reads classic pcap files through libpcap (`pcap_open_dead` + `pcap_dump`).
/// The only place netsim touches libpcap.
public enum Pcap {
    /// Ethernet (DLT_EN10MB).
    public static let ethernet = Int32(DLT_EN10MB)

    /// Writes `frames` to `path` with link type `linkType`. The caller writes to a temporary
    /// path and renames it, so a failure never leaves a half-written capture.
    public static func write(_ frames: [PcapFrame], to path: String, linkType: Int32 = ethernet) throws(PcapError) {
        guard let handle = pcap_open_dead(linkType, 65535) else { throw PcapError(message: "pcap_open_dead failed") }
        defer { pcap_close(handle) }
        guard let dumper = pcap_dump_open(handle, path) else {
            throw PcapError(message: String(cString: pcap_geterr(handle)))
        }
        let user = UnsafeMutableRawPointer(dumper).assumingMemoryBound(to: UInt8.self)
        for frame in frames {
            var header = pcap_pkthdr()
            header.ts = timeval(tv_sec: Int(frame.timestampMicros / 1_000_000), tv_usec: Int(frame.timestampMicros % 1_000_000))
            header.caplen = UInt32(frame.bytes.count)
            header.len = UInt32(frame.bytes.count)
            frame.bytes.withUnsafeBufferPointer { pcap_dump(user, &header, $0.baseAddress) }
        }
        if pcap_dump_flush(dumper) != 0 { pcap_dump_close(dumper); throw PcapError(message: "pcap_dump_flush failed for \(path)") }
        pcap_dump_close(dumper)
    }

    /// Reads every frame of a capture file, with its link type.
    public static func read(_ path: String) throws(PcapError) -> (linkType: Int32, frames: [PcapFrame]) {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let handle = pcap_open_offline(path, &errbuf) else {
            throw PcapError(message: String(decoding: errbuf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        defer { pcap_close(handle) }
        var frames: [PcapFrame] = []
        var header: UnsafeMutablePointer<pcap_pkthdr>? = nil
        var data: UnsafePointer<UInt8>? = nil
        while true {
            let rc = pcap_next_ex(handle, &header, &data)
            if rc == 1, let h = header?.pointee, let data {
                let micros = UInt64(h.ts.tv_sec) * 1_000_000 + UInt64(h.ts.tv_usec)
                frames.append(PcapFrame(timestampMicros: micros, bytes: Array(UnsafeBufferPointer(start: data, count: Int(h.caplen)))))
            } else if rc == -2 {
                break
            } else {
                throw PcapError(message: String(cString: pcap_geterr(handle)))
            }
        }
        return (pcap_datalink(handle), frames)
    }

    /// How a streaming read ended.
    public struct ReadSummary: Sendable {
        public var linkType: Int32
        public var packets: Int
        /// The capture ends in the middle of a record (libpcap's "truncated dump file"): the
        /// packets before it were read.
        public var truncated: String?
    }

    /// Reads a pcap or pcapng capture packet by packet, without copying: `body` gets the link
    /// type, the timestamp in microseconds, the captured bytes and the original length. A file
    /// libpcap cannot open throws; a capture cut short ends the read with `truncated` set.
    public static func forEachPacket(_ path: String, _ body: (Int32, UInt64, UnsafeRawBufferPointer, Int) -> Void) throws(PcapError) -> ReadSummary {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let handle = pcap_open_offline(path, &errbuf) else {
            throw PcapError(message: String(decoding: errbuf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        defer { pcap_close(handle) }
        let link = pcap_datalink(handle)
        var summary = ReadSummary(linkType: link, packets: 0, truncated: nil)
        var header: UnsafeMutablePointer<pcap_pkthdr>? = nil
        var data: UnsafePointer<UInt8>? = nil
        while true {
            let rc = pcap_next_ex(handle, &header, &data)
            if rc == 1, let h = header?.pointee, let data {
                let micros = UInt64(max(0, h.ts.tv_sec)) * 1_000_000 + UInt64(max(0, h.ts.tv_usec))
                body(link, micros, UnsafeRawBufferPointer(start: data, count: Int(h.caplen)), Int(h.len))
                summary.packets += 1
            } else if rc == -2 {
                break
            } else {
                // A capture damaged after some packets is read up to the damage.
                let message = String(cString: pcap_geterr(handle))
                if message.contains("truncated") || summary.packets > 0 { summary.truncated = message; break }
                throw PcapError(message: message)
            }
        }
        return summary
    }

    /// libpcap's name of a link type (`EN10MB`, `LINUX_SLL`, …).
    public static func linkTypeName(_ link: Int32) -> String {
        guard let name = pcap_datalink_val_to_name(link) else { return "\(link)" }
        return String(cString: name)
    }
}
