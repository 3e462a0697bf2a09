import Foundation
import NetsimKube
import NetsimModel
import Testing

@Suite("kube-proxy chain names")
struct ChainNameTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256Vectors(input: String, digest: String) {
        #expect(SHA256.hex(SHA256.hash(Array(input.utf8))) == digest)
    }

    @Test func millionA() {
        #expect(SHA256.hex(SHA256.hash(Array(repeating: UInt8(ascii: "a"), count: 1_000_000)))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func base32() {
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI======")
        #expect(Base32.encode(Array("f".utf8)) == "MY======")
    }

    /// kube-proxy's own names, from pkg/proxy/iptables/proxier_test.go expectations.
    @Test(arguments: [
        ("ns1/svc1:p80", "tcp", "KUBE-SVC-XPGD46QRK7WJZT7O"),
        ("ns2/svc2:p80", "tcp", "KUBE-SVC-GNZBNJ2PO5MGZ6GT"),
        ("ns2/svc2:p8080", "tcp", "KUBE-SVC-2VJB64SDSIJUP5T6"),
        ("ns5/svc5:p80", "tcp", "KUBE-SVC-NUKIZ6OKUXPJNT4C"),
        ("ns4/svc4:p8082", "tcp", "KUBE-SVC-EBDQOQU5SJFXRIL3"),
        ("ns1/svc1", "tcp", "KUBE-SVC-AQI2S6QIMU7PVVRP"),
        ("ns1/svc1:p80", "udp", "KUBE-SVC-OJWW7NSBVZTDHXNW"),
    ])
    func serviceChains(port: String, proto: String, chain: String) {
        #expect(ChainNames.service(port, proto) == chain)
        #expect(ChainNames.external(port, proto) == chain.replacingOccurrences(of: "KUBE-SVC-", with: "KUBE-EXT-"))
    }

    @Test(arguments: [
        ("ns1/svc1:p80", "tcp", "10.180.0.1:80", "KUBE-SEP-SXIVWICOYRO3J4NJ"),
        ("ns2/svc2:p8080", "tcp", "10.0.2.1:8080", "KUBE-SEP-UHEGFW77JX3KXTOV"),
        ("ns5/svc5:p80", "tcp", "10.180.0.3:80", "KUBE-SEP-I77PXRDZVX7PMWMN"),
        ("ns1/svc1:p80", "tcp", "[fd00:10:180::1]:80", "KUBE-SEP-OGYCNMB4EMRUSJ6N"),
    ])
    func endpointChains(port: String, proto: String, ep: String, chain: String) {
        #expect(ChainNames.endpoint(port, proto, ep) == chain)
    }
}
