import Testing
@testable import NetsimModel

/// `IPAddress` and `IPCIDR` (either family) and IPv6 text as RFC 5952 writes it.
@Suite struct IPAddressTests {
    /// RFC 5952's examples (sections 2.1-2.4, 4, 5) and RFC 4291 section 2.2's, each with its
    /// canonical text: lower case, no leading zeros, the longest run of zero groups as `::`
    /// (the first of equally long runs), never `::` for one group, IPv4-mapped in mixed notation.
    @Test(arguments: [
        // RFC 5952 2.1: leading zeros.
        ("2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"),
        ("2001:db8:aaaa:bbbb:cccc:dddd:eeee:001", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"),
        ("2001:db8:aaaa:bbbb:cccc:dddd:eeee:01", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"),
        ("2001:db8:aaaa:bbbb:cccc:dddd:eeee:1", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"),
        // 2.2: where the zeros are compressed.
        ("2001:db8:aaaa:bbbb:cccc:dddd::1", "2001:db8:aaaa:bbbb:cccc:dddd:0:1"),
        ("2001:db8:aaaa:bbbb:cccc:dddd:0:1", "2001:db8:aaaa:bbbb:cccc:dddd:0:1"),
        ("2001:db8:0:0:0::1", "2001:db8::1"),
        ("2001:db8:0:0::1", "2001:db8::1"),
        ("2001:db8:0::1", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("2001:db8::aaaa:0:0:1", "2001:db8::aaaa:0:0:1"),
        ("2001:db8:0:0:aaaa::1", "2001:db8::aaaa:0:0:1"),
        // 2.3: case.
        ("2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa"),
        ("2001:db8:aaaa:bbbb:cccc:dddd:eeee:AAAA", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa"),
        ("2001:db8:aaaa:bbbb:cccc:dddd:eeee:AaAa", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa"),
        // 2.4 / section 1: one address, many texts.
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:0db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:db8::0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:0db8::1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:db8:0:0:1::1", "2001:db8::1:0:0:1"),
        ("2001:db8:0000:0:1::1", "2001:db8::1:0:0:1"),
        ("2001:DB8:0:0:1::1", "2001:db8::1:0:0:1"),
        // 4.2.2: one zero group is not compressed; 4.2.3: the longest run, else the first.
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("1:0:0:2:0:0:3:4", "1::2:0:0:3:4"),
        ("1:0:0:0:2:0:0:0", "1::2:0:0:0"),
        ("0:0:1:0:0:1:0:0", "::1:0:0:1:0:0"),
        ("1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0"),
        ("1:2:3:4:5:6:0:0", "1:2:3:4:5:6::"),
        ("0:1:2:3:4:5:6:7", "0:1:2:3:4:5:6:7"),
        ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
        ("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"),
        // 5: IPv4-mapped addresses in mixed notation.
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ("::ffff:c000:201", "::ffff:192.0.2.1"),
        ("0:0:0:0:0:FFFF:129.144.52.38", "::ffff:129.144.52.38"),
        ("::FFFF:129.144.52.38", "::ffff:129.144.52.38"),
        ("::ffff:0.0.0.0", "::ffff:0.0.0.0"),
        // ... and only those: IPv4-compatible (deprecated) and other embeddings stay hex.
        ("0:0:0:0:0:0:13.1.68.3", "::d01:4403"),
        ("::13.1.68.3", "::d01:4403"),
        ("::1:ffff:1.2.3.4", "::1:ffff:102:304"),
        ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
        ("::fffe:1.2.3.4", "::fffe:102:304"),
        // RFC 4291 2.2.
        ("ABCD:EF01:2345:6789:ABCD:EF01:2345:6789", "abcd:ef01:2345:6789:abcd:ef01:2345:6789"),
        ("2001:DB8:0:0:8:800:200C:417A", "2001:db8::8:800:200c:417a"),
        ("2001:DB8::8:800:200C:417A", "2001:db8::8:800:200c:417a"),
        ("FF01:0:0:0:0:0:0:101", "ff01::101"),
        ("FF01::101", "ff01::101"),
        ("0:0:0:0:0:0:0:1", "::1"),
        ("::1", "::1"),
        ("0:0:0:0:0:0:0:0", "::"),
        ("::", "::"),
        ("fe80::1", "fe80::1"),
    ] as [(String, String)])
    func ipv6CanonicalText(text: String, canonical: String) throws {
        let a = try #require(IPv6Address(text), "\(text)")
        #expect(a.description == canonical, "\(text)")
        #expect(IPv6Address(canonical) == a, "\(canonical) reads back")
        let any = try #require(IPAddress(text))
        #expect(any == .ipv6(a) && any.family == .ipv6 && any.v4 == nil && any.v6 == a)
        #expect(any.description == canonical)
    }

    /// Text no RFC 4291 form allows, and the forms netsim refuses on purpose: zones and
    /// brackets (URL and socket syntax, not addresses), signs, five hex digits, leading zeros
    /// and short dotted quads in an IPv4 tail, `::` for no group.
    @Test(arguments: [
        "", ":", ":::", "::::", "1::2::3", "12345::", "g::1", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7::8",
        "fe80::1%eth0", "fe80::1%1", "[::1]", "[2001:db8::1]:80", " ::1", "::1 ", "+1::", "-1::", "::+1", "1::-0",
        "02001:db8::1", "00000::1", ":1::", "1::2:", ":1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:",
        "::ffff:01.2.3.4", "::ffff:1.2.3", "::ffff:1.2.3.4.5", "::ffff:256.0.0.1", "1.2.3.4::", "::1.2.3.4:5",
        "1:2:3:4:5:6:7:1.2.3.4", "0x1::", "::ffff:1.2.3.4/32",
    ])
    func rejectsIPv6(text: String) {
        #expect(IPv6Address(text) == nil, "\(text)")
        #expect(IPAddress(text) == nil, "\(text)")
    }

    @Test(arguments: ["10.0.0.01", "010.0.0.1", "1.2.3", "1.2.3.4 ", "a.b.c.d", "256.1.1.1", "1.2.3.4/32", "", "1.2.3.-4"])
    func rejectsIPv4(text: String) {
        #expect(IPAddress(text) == nil, "\(text)")
    }

    @Test func ipv4Addresses() throws {
        let a = try #require(IPAddress("10.0.41.7"))
        #expect(a == .ipv4(IPv4Address(10, 0, 41, 7)) && a == IPAddress(IPv4Address(10, 0, 41, 7)))
        #expect(a.family == .ipv4 && a.v4 == IPv4Address(10, 0, 41, 7) && a.v6 == nil)
        #expect(a.description == "10.0.41.7")
        // The IPv4-mapped address is an IPv6 address: equal to neither the IPv4 address nor its hex form's IPv4 reading.
        let mapped = try #require(IPAddress("::ffff:10.0.41.7"))
        #expect(mapped != a && mapped.v4 == nil && mapped.v6?.ipv4Mapped == IPv4Address(10, 0, 41, 7))
        #expect(mapped == IPAddress("::FFFF:A00:2907"))
        #expect(IPv6Address(ipv4Mapped: IPv4Address(10, 0, 41, 7)) == mapped.v6)
        #expect(Set([a, mapped, try #require(IPAddress("::ffff:a00:2907"))]).count == 2)
    }

    /// IPv4 before IPv6, each by value.
    @Test func ordering() throws {
        let texts = ["::1", "10.0.0.1", "2001:db8::", "1.2.3.4", "::", "255.255.255.255", "::ffff:0.0.0.1", "0.0.0.0"]
        let sorted = try texts.map { try #require(IPAddress($0)) }.sorted().map(\.description)
        #expect(sorted == ["0.0.0.0", "1.2.3.4", "10.0.0.1", "255.255.255.255", "::", "::1", "::ffff:0.0.0.1", "2001:db8::"])
        #expect(IPFamily.ipv4 < IPFamily.ipv6 && !(IPFamily.ipv6 < IPFamily.ipv4))
        #expect(Cluster.IPFamily.ipv6 == IPFamily.ipv6)
    }

    /// Text → address → canonical text → the same address, for addresses with zero runs of
    /// every length and place, written with and without leading zeros and in upper case.
    @Test func ipv6TextRoundTrips() throws {
        var rng = SplitMix64(seed: 5952)
        for _ in 0..<2000 {
            var groups: [UInt16] = []
            for _ in 0..<8 { groups.append(rng.next() % 3 == 0 ? UInt16(truncatingIfNeeded: rng.next()) : 0) }
            if rng.next() % 4 == 0 { groups[0...5] = [0, 0, 0, 0, 0, 0xFFFF] }
            var high: UInt64 = 0, low: UInt64 = 0
            for i in 0..<4 { high = high << 16 | UInt64(groups[i]) }
            for i in 4..<8 { low = low << 16 | UInt64(groups[i]) }
            let a = IPv6Address(high: high, low: low)
            let text = a.description
            #expect(IPv6Address(text) == a, "\(text)")
            #expect(text == text.lowercased() && !text.contains(":::"))
            let full = groups.map { String(repeating: "0", count: 4 - String($0, radix: 16).count) + String($0, radix: 16, uppercase: true) }.joined(separator: ":")
            #expect(IPv6Address(full) == a, "\(full)")
            #expect(IPv6Address(full)?.description == text)
        }
    }

    /// RFC 4291 2.3: the legal and illegal texts of 2001:db8:0:cd30::/60, strict and lenient.
    @Test func prefixes() throws {
        for legal in ["2001:0DB8:0000:CD30:0000:0000:0000:0000/60", "2001:0DB8::CD30:0:0:0:0/60", "2001:0DB8:0:CD30::/60"] {
            #expect(IPCIDR(legal)?.description == "2001:db8:0:cd30::/60", "\(legal)")
            #expect(IPv6CIDR(legal)?.description == "2001:db8:0:cd30::/60", "\(legal)")
        }
        #expect(IPCIDR("2001:0DB8:0:CD3/60") == nil)
        for hostBits in ["2001:0DB8::CD30/60", "2001:0DB8::CD3/60"] {
            #expect(IPCIDR(hostBits) == nil, "\(hostBits)")
            #expect(IPCIDR.parse(hostBits)?.hostBitsSet == true)
            #expect(IPCIDR(lenient: hostBits)?.description == "2001:db8::/60")
            #expect(IPv6CIDR(lenient: hostBits)?.description == "2001:db8::/60")
        }
        #expect(IPCIDR("10.0.32.0/19") == .ipv4(try #require(IPv4CIDR("10.0.32.0/19"))))
        #expect(IPCIDR(lenient: "100.68.0.18/18")?.description == "100.68.0.0/18")
        for bad in ["10.0.0.0/33", "::/129", "10.0.0.0", "::", "10.0.0.0/-1", "::/+1", "fe80::%eth0/64", "/8", "10.0.0.0/8/8"] {
            #expect(IPCIDR(lenient: bad) == nil, "\(bad)")
        }
        let c = try #require(IPCIDR("2600:1f18:abcd::/56"))
        #expect(c.family == .ipv6 && c.prefixLength == 56 && c.network == IPAddress("2600:1f18:abcd::"))
        #expect(IPCIDR(network: try #require(IPAddress("10.1.2.3")), prefixLength: 16)?.description == "10.1.0.0/16")
        #expect(IPCIDR(network: try #require(IPAddress("10.1.2.3")), prefixLength: 33) == nil)
        #expect(IPCIDR(network: try #require(IPAddress("::1")), prefixLength: 129) == nil)
        let sorted = try ["::/0", "10.0.0.0/8", "10.0.0.0/16", "2001:db8::/32", "0.0.0.0/0"].map { try #require(IPCIDR($0)) }.sorted().map(\.description)
        #expect(sorted == ["0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/16", "::/0", "2001:db8::/32"])
    }

    /// A prefix contains addresses and prefixes of its own family only.
    @Test func containmentAcrossFamilies() throws {
        func a(_ s: String) throws -> IPAddress { try #require(IPAddress(s)) }
        func c(_ s: String) throws -> IPCIDR { try #require(IPCIDR(s)) }
        let cases: [(String, String, Bool)] = [
            ("10.0.0.0/8", "10.200.0.1", true),
            ("10.0.0.0/8", "11.0.0.1", false),
            ("10.0.0.0/8", "::ffff:10.0.0.1", false),
            ("0.0.0.0/0", "::", false),
            ("0.0.0.0/0", "::ffff:1.2.3.4", false),
            ("0.0.0.0/0", "255.255.255.255", true),
            ("::/0", "10.0.0.1", false),
            ("::/0", "::ffff:10.0.0.1", true),
            ("::ffff:0:0/96", "10.0.0.1", false),
            ("::ffff:0:0/96", "::ffff:10.0.0.1", true),
            ("2600:1f18:abcd::/56", "2600:1f18:abcd:ff::1", true),
            ("2600:1f18:abcd::/56", "2600:1f18:abce::1", false),
            ("2001:db8::1/128", "2001:db8::1", true),
            ("2001:db8::1/128", "2001:db8::2", false),
        ]
        for (prefix, address, inside) in cases {
            #expect(try c(prefix).contains(try a(address)) == inside, "\(prefix) ∋ \(address)")
            switch try c(prefix) {
            case .ipv4(let v4): #expect(v4.contains(try a(address)) == inside)
            case .ipv6(let v6): #expect(v6.contains(try a(address)) == inside)
            }
        }
        let any4 = try c("0.0.0.0/0"), any6 = try c("::/0"), ten = try c("10.0.0.0/8")
        #expect(ten.contains(try c("10.1.0.0/16")))
        #expect(!any4.contains(any6) && !any6.contains(any4) && !any4.overlaps(any6) && !any6.overlaps(any4))
        let ten16 = try c("10.0.0.0/16"), eleven = try c("11.0.0.0/8")
        #expect(ten.overlaps(ten16) && !ten.overlaps(eleven))
        #expect(NetworkBlock.v4(try #require(IPv4CIDR("10.0.0.0/8"))).cidr == ten)
        #expect(NetworkBlock.v6(try #require(IPv6CIDR("::/0"))).cidr == any6)
    }
}
