import Foundation
import Testing
import NetsimPcap
import NetsimTestSupport

/// libpcap writes and reads netsim's captures; tshark (when installed) decodes them.
@Suite struct PcapTests {
    /// An Ethernet + IPv4 + TCP SYN from 10.0.41.7:40000 to 10.0.45.6:8080, checksums filled in.
    static let syn: [UInt8] = {
        var ip: [UInt8] = [0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 41, 7, 10, 0, 45, 6]
        let ipSum = checksum(ip)
        ip[10] = UInt8(ipSum >> 8); ip[11] = UInt8(ipSum & 0xFF)
        var tcp: [UInt8] = [0x9C, 0x40, 0x1F, 0x90, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xFA, 0xF0, 0, 0, 0, 0]
        let pseudo: [UInt8] = [10, 0, 41, 7, 10, 0, 45, 6, 0, 6, 0, 20]
        let tcpSum = checksum(pseudo + tcp)
        tcp[16] = UInt8(tcpSum >> 8); tcp[17] = UInt8(tcpSum & 0xFF)
        let eth: [UInt8] = [0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x02, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0x08, 0x00]
        return eth + ip + tcp
    }()

    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var i = 0
        while i + 1 < bytes.count { sum += UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1]); i += 2 }
        if i < bytes.count { sum += UInt32(bytes[i]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }

    @Test func rfc1071KnownVector() {
        let header: [UInt8] = [0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7]
        #expect(Self.checksum(header) == 0xB861)
    }

    @Test func writeAndReadBack() throws {
        let scratch = Scratch(prefix: "netsim-pcap")
        defer { scratch.remove() }
        let path = scratch.path("capture.pcap")
        let frames = [PcapFrame(timestampMicros: 0, bytes: Self.syn), PcapFrame(timestampMicros: 1_500_000, bytes: Self.syn)]
        try Pcap.write(frames, to: path)
        let read = try Pcap.read(path)
        #expect(read.linkType == Pcap.ethernet)
        #expect(read.frames == frames)
        let magic = try #require(FileManager.default.contents(atPath: path)?.prefix(4))
        #expect(Array(magic) == [0xd4, 0xc3, 0xb2, 0xa1])
    }

    @Test func errorsCarryLibpcapText() {
        #expect(throws: PcapError.self) { try Pcap.read("/nonexistent/netsim.pcap") }
        #expect(throws: PcapError.self) { try Pcap.write([], to: "/nonexistent/dir/x.pcap") }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tshark"), "tshark is not installed"))
    func tsharkValidatesChecksums() throws {
        let scratch = Scratch(prefix: "netsim-pcap")
        defer { scratch.remove() }
        let path = scratch.path("capture.pcap")
        try Pcap.write([PcapFrame(timestampMicros: 0, bytes: Self.syn)], to: path)
        let r = try Subprocess.launch("/usr/bin/tshark", ["-r", path, "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                                                          "-T", "fields", "-e", "ip.src", "-e", "tcp.dstport", "-e", "ip.checksum.status", "-e", "tcp.checksum.status"])
        #expect(r.status == 0)
        #expect(r.out.trimmingCharacters(in: .whitespacesAndNewlines) == "10.0.41.7\t8080\t1\t1")
    }
}
