import Testing
@testable import NetsimModel

@Suite struct AddressingTests {
    @Test(arguments: [
        ("10.0.41.7", UInt32(0x0A00_2907)), ("0.0.0.0", 0), ("255.255.255.255", UInt32.max), ("192.168.0.1", 0xC0A8_0001),
    ])
    func parsesIPv4(text: String, value: UInt32) {
        #expect(IPv4Address(text)?.value == value)
        #expect(IPv4Address(text)?.description == text)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1..2.3", "a.b.c.d", "1.2.3.4 ", "-1.2.3.4", "1.2.3.1000"])
    func rejectsBadIPv4(text: String) {
        #expect(IPv4Address(text) == nil)
    }

    @Test func cidrContainsAndOverlaps() throws {
        let vpc = try #require(IPv4CIDR("10.0.0.0/16"))
        let subnet = try #require(IPv4CIDR("10.0.32.0/19"))
        let other = try #require(IPv4CIDR("10.1.0.0/16"))
        #expect(vpc.contains(subnet))
        #expect(!subnet.contains(vpc))
        #expect(vpc.overlaps(subnet) && subnet.overlaps(vpc))
        #expect(!vpc.overlaps(other))
        #expect(subnet.first.description == "10.0.32.0")
        #expect(subnet.last.description == "10.0.63.255")
        #expect(subnet.size == 8192)
        #expect(IPv4CIDR.any.contains(try #require(IPv4Address("203.0.113.9"))))
    }

    @Test func cidrHostBitsAreStrictOrLenient() {
        #expect(IPv4CIDR("10.0.60.0/19") == nil)
        #expect(IPv4CIDR(lenient: "100.68.0.18/18")?.description == "100.68.0.0/18")  // AWS NACL canonicalisation example
        #expect(IPv4CIDR.parse("10.0.60.0/19")?.hostBitsSet == true)
        #expect(IPv4CIDR("10.0.0.0/33") == nil)
        #expect(IPv4CIDR("10.0.0.0/") == nil)
        #expect(IPv4CIDR("10.0.0.0") == nil)
    }

    @Test func rfcRanges() throws {
        #expect(try #require(IPv4Address("172.31.2.3")).isRFC1918)
        #expect(!(try #require(IPv4Address("172.32.0.1")).isRFC1918))
        #expect(try #require(IPv4Address("100.64.10.1")).isRFC6598)
    }

    @Test(arguments: [
        ("::", "::"), ("2600:1f18:abcd::/56", ""), ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("fe80::1", "fe80::1"), ("::ffff:10.0.0.1", "::ffff:10.0.0.1"),  // RFC 5952 section 5: IPv4-mapped in mixed notation
    ])
    func ipv6RoundTrip(text: String, expected: String) {
        if expected.isEmpty {
            #expect(IPv6CIDR(text)?.description == text)
        } else {
            #expect(IPv6Address(text)?.description == expected)
        }
    }

    @Test(arguments: ["1::2::3", "12345::", "g::1", ":::", "1:2:3:4:5:6:7:8:9"])
    func rejectsBadIPv6(text: String) {
        #expect(IPv6Address(text) == nil)
    }

    @Test func ipv6Containment() throws {
        let block = try #require(IPv6CIDR("2600:1f18:abcd::/56"))
        #expect(block.contains(try #require(IPv6Address("2600:1f18:abcd:ff::1"))))
        #expect(!block.contains(try #require(IPv6Address("2600:1f18:abce::1"))))
    }

    @Test func portRanges() {
        #expect(PortRange(parsing: "443") == PortRange(443))
        #expect(PortRange(parsing: "8080-8090") == PortRange(8080, 8090))
        #expect(PortRange(parsing: "1024-65535")?.contains(32768) == true)
        #expect(PortRange(parsing: "90-80") == nil)
        #expect(PortRange(parsing: "65536") == nil)
        #expect(PortRange(parsing: "http") == nil)
        #expect(PortRange.all.description == "all")
    }

    @Test func protocols() {
        #expect(IPProtocol(parsing: "-1") == .all)
        #expect(IPProtocol(parsing: "6") == .tcp)
        #expect(IPProtocol(parsing: "TCP") == .tcp)
        #expect(IPProtocol(parsing: "47") == .number(47))
        #expect(IPProtocol(parsing: "256") == nil)
        #expect(IPProtocol.udp.hasPorts && !IPProtocol.icmp.hasPorts)
    }
}
