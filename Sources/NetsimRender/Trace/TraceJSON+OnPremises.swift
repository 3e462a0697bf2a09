import NetsimFlow
import NetsimModel

extension TraceRenderer {
    /// A virtual private gateway's decision (`vpnGateway` step).
    static func vpnGatewayFields(_ h: VPNGatewayHop) -> JSONObject {
        var o = JSONObject(["vpnGateway": h.gateway, "destination": h.destination])
        switch h.way {
        case .toExternal(let name, let prefix, let c, let r):
            o["to"] = "external"; o["network"] = name; o["destinationCidr"] = prefix
            o["connection"] = c.rawValue; o["routing"] = r.rawValue
        case .intoVPC(let vpc): o["to"] = "vpc"; o["vpc"] = vpc
        case .noRoute: o["to"] = "none"
        }
        return o
    }

    /// The firewall in front of an external network (`externalFirewall` step and reason).
    /// The reason also carries the denied packet (`deniedPacket`).
    static func externalFirewallFields(_ m: ExternalFirewallMatch, reason: Bool = false) -> JSONObject {
        JSONObject(["network": m.external, "firewall": m.firewall, "direction": m.direction.rawValue, "allowed": m.allowed,
                    "rule": m.rule.map { $0 + 1 }, "ruleCount": m.ruleCount, "ruleText": m.ruleText, "tracked": m.tracked,
                    "deniedPacket": reason ? m.packet : nil])
    }

    /// An external network's route back toward AWS (`returnRoute` step, `noReturnRoute` reason).
    static func returnRouteFields(_ c: ReturnRouteCheck) -> JSONObject {
        var o = JSONObject(["network": c.external, "destination": c.destination, "routes": c.routes, "matched": c.matched])
        switch c.basis {
        case .advertised(let g): o["basis"] = "bgp"; o["advertisedBy"] = g
        case .declared: o["basis"] = "declared"
        }
        return o
    }
}
