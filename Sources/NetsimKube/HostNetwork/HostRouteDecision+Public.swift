import NetsimModel

extension HostRouteDecision {
    /// A decision made outside `HostNetwork.route` (the walk's Security Groups for Pods rules).
    public static func made(rule: String, table: Int, route: String, device: String, via: IPv4Address? = nil) -> HostRouteDecision {
        HostRouteDecision(rule: rule, table: table, route: route, device: device, via: via)
    }
}
