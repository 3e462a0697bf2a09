// The sentences of `replay --flow-logs` (only the wording and the renderers write sentences).

extension Wording {
    static func flowLogUnknownInterface(_ id: String?) -> String {
        "\(id.map { "interface \($0) is not in the topology" } ?? "the record names no interface") and neither address belongs to an interface of it"
    }
    static func flowLogNotTheInterfacesAddress(_ label: String) -> String {
        "neither address is \(label)'s own: traffic through it (a NAT gateway's or transit record) is judged at the interfaces that send or receive it"
    }
    static func flowLogForwardedBothWays(_ label: String) -> String {
        "neither address is \(label)'s own and it forwards traffic (source/destination check off): it sees the packet in and out, its rules give the two different verdicts, and the format has no flow-direction to say which this record is"
    }
    static let flowLogForwardedJudgedBothWays = "forwarded by this interface (neither address is its own): judged on the way in and on the way out, with the same verdict"
    static let flowLogMixedFamilies = "the source and destination are of different IP families"
    static let flowLogICMPTypeDecides = "the rules decide by ICMP type, which flow logs do not record: an echo request and an echo reply get different verdicts"
    static func flowLogReplyOf(line: Int) -> String { "the reply of the connection accepted at line \(line) of the log (security groups are stateful)" }
    static func flowLogReplyWithoutRequest(_ words: String) -> String {
        "\(words); the log holds no accepted record of that connection's request at this interface, so netsim cannot tell whether it was one"
    }
    static func flowLogAllowedAsReply(_ words: String) -> String { "allowed only as the reply of a connection the other side opened: \(words)" }
    static let flowLogNothingFilters = "no security group or network ACL filters this interface"
    static func flowLogBlockedBefore(_ words: String) -> String { "the log shows the packet at this interface, but the model stops it before: \(words)" }
}
