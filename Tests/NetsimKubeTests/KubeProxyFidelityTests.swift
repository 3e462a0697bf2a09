import Foundation
import NetsimKube
import NetsimModel
import Testing

/// kube-proxy v1.31 behaviours checked against independent computations: the probability
/// texts, the load balancer firewall, topology hints, the local-traffic detector.
@Suite("kube-proxy fidelity")
struct KubeProxyFidelityTests {
    static func ip(_ s: String) -> IPv4Address { IPv4Address(s) ?? IPv4Address(0) }

    // MARK: - Probabilities

    /// `digits` decimals of num/den, exact, rounded half to even (what Go's `%0.10f` and glibc's
    /// `%.11f` do to the exact value they print), by long division on decimal digits.
    static func decimal(_ num: Int, _ den: Int, digits: Int) -> String {
        var whole = num / den, rem = num % den
        var ds: [Int] = []
        for _ in 0..<digits { rem *= 10; ds.append(rem / den); rem %= den }
        // What is left decides: more than half, exactly half (ties to even), or less.
        let twice = 2 * rem
        let up = twice > den || (twice == den && (ds.last ?? whole) % 2 == 1)
        if up {
            var i = ds.count - 1
            while i >= 0 { ds[i] += 1; if ds[i] < 10 { break }; ds[i] = 0; i -= 1 }
            if i < 0 { whole += 1 }
        }
        return "\(whole)." + ds.map(String.init).joined()
    }

    /// glibc's `%.10f` of a double: like Go's strconv, it rounds the exact binary value (ties
    /// to even), so it is an independent oracle for kube-proxy's `%0.10f`.
    static func glibc(_ d: Double) -> String {
        var buf = [CChar](repeating: 0, count: 32)
        _ = withVaList([d]) { vsnprintf(&buf, buf.count, "%.10f", $0) }
        return String(cString: buf)
    }

    /// The restore form: Go's `%0.10f` of the double 1.0/n for every n up to 300,000. The double
    /// is not 1/n: where 1/n's eleventh decimal is an exact 5 and n is not a power of two
    /// (10240, 51200, 256000) the double lies above or below the tie and decides; for n = 2048
    /// the double is 1/2048 itself and the tie goes to even.
    @Test func probabilityRestoreFormEveryN() {
        // Foundation's String(format:) is glibc's printf here: known values first.
        #expect(String(format: "%.10f", 1.0 / 10240.0) == "0.0000976563")
        #expect(String(format: "%.10f", 1.0 / 2048.0) == "0.0004882812")
        #expect(Self.glibc(1.0 / 10240.0) == "0.0000976563" && Self.glibc(1.0 / 3.0) == "0.3333333333")
        var mismatches: [String] = []
        for n in 1...300_000 {
            let want = Self.glibc(1.0 / Double(n))
            let got = KubeProxyRenderer.probabilityText(n)
            if got != want { mismatches.append("\(n): \(got) want \(want)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        #expect(KubeProxyRenderer.probabilityText(2048) == "0.0004882812")
        #expect(KubeProxyRenderer.probabilityText(10240) == "0.0000976563")
        #expect(KubeProxyRenderer.probabilityText(51200) == Self.glibc(1.0 / 51200.0))
        #expect(KubeProxyRenderer.probabilityText(256000) == Self.glibc(1.0 / 256000.0))
        // Far beyond any Service: no trap, and still glibc's digits.
        for n in [Int.max, Int.max / 3, 1 << 40, 999_999_937] {
            #expect(KubeProxyRenderer.probabilityText(n) == Self.glibc(1.0 / Double(n)), "\(n)")
        }
    }

    /// The saved form: iptables parses the restore text to a double, stores
    /// lround(2^31 × p) as a u32 and prints u/2^31 with `%.11f` (libxt_statistic.c). The exact
    /// value u/2^31 is expanded here by long division; ties go to even (n = 4,096:
    /// 0.000244140625 is printed 0.00024414062).
    @Test func probabilitySavedFormEveryN() {
        var mismatches: [String] = []
        for n in 2...10_000 {
            let text = Self.decimal(1, n, digits: 10)
            guard let p = Double(text) else { Issue.record("\(text) does not parse"); continue }
            let u = Int((p * 2147483648.0).rounded(.toNearestOrAwayFromZero))
            let want = Self.decimal(u, 2147483648, digits: 11)
            let line = IPTablesSaveForm.rule("-A KUBE-SVC-X -m statistic --mode random --probability \(text) -j KUBE-SEP-Y")
            let got = line.components(separatedBy: "--probability ").last?.components(separatedBy: " ").first ?? ""
            if got != want { mismatches.append("\(n): \(got) want \(want)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    // MARK: - Load balancer firewall

    static func lbPort(ranges: [IPv4CIDR]) -> ProxiedServicePort {
        var p = ProxiedServicePort(namespace: "ns5", name: "svc5", portName: "p80", port: 80, clusterIP: ip("172.30.0.45"), nodePort: 3002)
        p.loadBalancerIPs = [ip("5.6.7.8")]
        p.sourceRanges = ranges
        p.isLoadBalancer = true
        return p
    }

    /// A source-ranged load balancer without endpoints: kube-proxy writes the firewall DROP
    /// only when the Service has endpoints (`usesFWChain := hasEndpoints && …`); without them
    /// the load balancer IP gets the REJECT of KUBE-EXTERNAL-SERVICES.
    @Test func noFirewallDropWithoutEndpoints() throws {
        let c = KubeProxyConfig(nodeName: "test-node", nodeIPs: [Self.ip("192.168.0.2")])
        let p = Self.lbPort(ranges: [IPv4CIDR("203.0.113.0/25")!])
        let filter = KubeProxyRenderer.render([p], endpoints: [:], config: c).filterRules
        #expect(!filter.contains { $0.hasPrefix("-A KUBE-PROXY-FIREWALL") })
        #expect(filter.contains("-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns5/svc5:p80 has no endpoints\" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j REJECT"))
        // With an endpoint, the DROP is there.
        let with = KubeProxyRenderer.render([p], endpoints: ["ns5/svc5:p80": [ProxiedEndpoint(ip: Self.ip("10.180.0.3"), port: 80)]], config: c).filterRules
        #expect(with.contains("-A KUBE-PROXY-FIREWALL -m comment --comment \"ns5/svc5:p80 traffic not accepted by KUBE-FW-NUKIZ6OKUXPJNT4C\" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j DROP"))
    }
}
