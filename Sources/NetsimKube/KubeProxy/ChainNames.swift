import NetsimModel

/// kube-proxy's per-service chain names (kubernetes v1.31 `pkg/proxy/iptables/proxier.go`):
/// a prefix and the first 16 base32 characters of SHA-256 over the service port name and
/// protocol (and, for KUBE-SEP, the endpoint `ip:port`).
public enum ChainNames {
    static func suffix(_ text: String) -> String {
        // 16 base32 characters are the first 80 bits (10 bytes) of the hash.
        var text = text
        let h = text.withUTF8 { SHA256.digest(UnsafeRawBufferPointer($0)) }
        // The first 80 bits: words 0 and 1 and the top half of word 2.
        let bits = UInt128(h.0) << 48 | UInt128(h.1) << 16 | UInt128(h.2 >> 16)
        var ascii = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 { ascii[i] = Base32.alphabetBytes[Int(truncatingIfNeeded: bits >> UInt128(75 - 5 * i)) & 31] }
        return String(decoding: ascii, as: UTF8.self)
    }

    /// `KUBE-SVC-…` for `ns/svc:port` + `tcp`.
    public static func service(_ portName: String, _ proto: String) -> String { "KUBE-SVC-" + suffix(portName + proto) }
    public static func serviceLocal(_ portName: String, _ proto: String) -> String { "KUBE-SVL-" + suffix(portName + proto) }
    public static func external(_ portName: String, _ proto: String) -> String { "KUBE-EXT-" + suffix(portName + proto) }
    public static func firewall(_ portName: String, _ proto: String) -> String { "KUBE-FW-" + suffix(portName + proto) }
    /// `KUBE-SEP-…` for one endpoint, `ip:port` as Go's JoinHostPort writes it.
    public static func endpoint(_ portName: String, _ proto: String, _ endpoint: String) -> String {
        "KUBE-SEP-" + suffix(portName + proto + endpoint)
    }
}
