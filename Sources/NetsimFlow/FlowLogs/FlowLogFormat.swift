import NetsimModel

/// A VPC Flow Logs field, as the Amazon VPC User Guide's "Flow log records" page lists the
/// available fields, with the version that introduced it (the default format is the version 2
/// fields in this order).
public enum FlowLogField: String, CaseIterable, Sendable {
    case version, accountID = "account-id", interfaceID = "interface-id", srcaddr, dstaddr, srcport, dstport
    case ipProtocol = "protocol", packets, bytes, start, end, action, logStatus = "log-status"
    case vpcID = "vpc-id", subnetID = "subnet-id", instanceID = "instance-id", tcpFlags = "tcp-flags", type
    case pktSrcaddr = "pkt-srcaddr", pktDstaddr = "pkt-dstaddr"
    case region, azID = "az-id", sublocationType = "sublocation-type", sublocationID = "sublocation-id"
    case pktSrcAWSService = "pkt-src-aws-service", pktDstAWSService = "pkt-dst-aws-service"
    case flowDirection = "flow-direction", trafficPath = "traffic-path"
    case ecsClusterARN = "ecs-cluster-arn", ecsClusterName = "ecs-cluster-name"
    case ecsContainerInstanceARN = "ecs-container-instance-arn", ecsContainerInstanceID = "ecs-container-instance-id"
    case ecsContainerID = "ecs-container-id", ecsSecondContainerID = "ecs-second-container-id", ecsServiceName = "ecs-service-name"
    case ecsTaskDefinitionARN = "ecs-task-definition-arn", ecsTaskARN = "ecs-task-arn", ecsTaskID = "ecs-task-id"
    case rejectReason = "reject-reason"

    /// The flow log version that introduced the field.
    public var version: Int {
        switch self {
        case .version, .accountID, .interfaceID, .srcaddr, .dstaddr, .srcport, .dstport, .ipProtocol, .packets, .bytes, .start, .end, .action, .logStatus: 2
        case .vpcID, .subnetID, .instanceID, .tcpFlags, .type, .pktSrcaddr, .pktDstaddr: 3
        case .region, .azID, .sublocationType, .sublocationID: 4
        case .pktSrcAWSService, .pktDstAWSService, .flowDirection, .trafficPath: 5
        case .ecsClusterARN, .ecsClusterName, .ecsContainerInstanceARN, .ecsContainerInstanceID, .ecsContainerID, .ecsSecondContainerID,
             .ecsServiceName, .ecsTaskDefinitionARN, .ecsTaskARN, .ecsTaskID: 7
        case .rejectReason: 8
        }
    }

    /// The default format: the version 2 fields in the documented order.
    public static let defaultFormat: [FlowLogField] = [.version, .accountID, .interfaceID, .srcaddr, .dstaddr, .srcport, .dstport,
                                                       .ipProtocol, .packets, .bytes, .start, .end, .action, .logStatus]
    /// What netsim needs to judge a record: its addresses, ports, protocol and action.
    public static let required: [FlowLogField] = [.srcaddr, .dstaddr, .srcport, .dstport, .ipProtocol, .action]

    static let byName: [String: FlowLogField] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })
    public static func named(_ s: some StringProtocol) -> FlowLogField? { byName[String(s)] }
}

/// A flow log format: the fields of each record, in order.
public struct FlowLogFormat: Sendable, Equatable {
    public var fields: [FlowLogField]
    /// Where each field netsim reads is (its index in a record), or -1.
    var slot: [FlowLogField: Int] = [:]

    public init(fields: [FlowLogField]) {
        self.fields = fields
        for (i, f) in fields.enumerated() where slot[f] == nil { slot[f] = i }
    }

    public static let `default` = FlowLogFormat(fields: FlowLogField.defaultFormat)

    /// The highest version among the fields: what AWS writes in a custom format's version field.
    public var version: Int { fields.map(\.version).max() ?? 2 }

    public var description: String { fields.map(\.rawValue).joined(separator: " ") }

    /// A format given on the command line: field names separated by spaces, each bare or written
    /// as AWS's LogFormat writes it (`${srcaddr}`). Returns the format, or the problem and the
    /// 1-based column where it is.
    public static func parse(_ text: String) -> Result<FlowLogFormat, FlowLogProblem> {
        var fields: [FlowLogField] = []
        var column = 1
        let scalars = Array(text.utf8)
        var i = 0
        while i < scalars.count {
            while i < scalars.count, scalars[i] == 0x20 || scalars[i] == 0x09 { i += 1 }
            guard i < scalars.count else { break }
            let start = i
            while i < scalars.count, scalars[i] != 0x20, scalars[i] != 0x09 { i += 1 }
            column = start + 1
            var word = String(decoding: scalars[start..<i], as: UTF8.self)
            if word.hasPrefix("${") && word.hasSuffix("}") { word = String(word.dropFirst(2).dropLast()) }
            guard let f = FlowLogField.named(word) else {
                return .failure(FlowLogProblem(.unknownField, line: 0, column: column, "unknown flow log field '\(echo: word)'",
                                               hint: FlowLogProblem.nearestField(word)))
            }
            if fields.contains(f) {
                return .failure(FlowLogProblem(.duplicateField, line: 0, column: column, "the field '\(f.rawValue)' is named twice", hint: "name each field once"))
            }
            fields.append(f)
        }
        if fields.isEmpty { return .failure(FlowLogProblem(.missingField, line: 0, column: 1, "the format names no field", hint: "give the fields in order, e.g. '\(FlowLogFormat.default.description)'")) }
        let f = FlowLogFormat(fields: fields)
        if let p = f.missingRequired(line: 0, column: 1) { return .failure(p) }
        return .success(f)
    }

    func missingRequired(line: Int, column: Int) -> FlowLogProblem? {
        let missing = FlowLogField.required.filter { slot[$0] == nil }
        guard !missing.isEmpty else { return nil }
        return FlowLogProblem(.missingField, line: line, column: column,
                              "the format has no \(missing.map { "'\($0.rawValue)'" }.joined(separator: ", ")): netsim needs \(FlowLogField.required.map(\.rawValue).joined(separator: ", ")) to judge a record",
                              hint: "create the flow log with a format that includes them (the default format does)")
    }
}

/// Why a flow log cannot be read: a stable kind (the CLI maps it to a diagnostic code), the
/// 1-based line and column in the log, the message and what to do.
public struct FlowLogProblem: Error, Sendable, Equatable {
    public enum Kind: String, Sendable {
        case unknownField, duplicateField, missingField, fieldCount, badValue, mixedVersions, mixedFormats, unknownFormat, lineTooLong, binary
    }
    public var kind: Kind
    public var line: Int
    public var column: Int
    public var message: String
    public var hint: String

    public init(_ kind: Kind, line: Int, column: Int, _ message: String, hint: String) {
        self.kind = kind; self.line = line; self.column = column; self.message = message; self.hint = hint
    }

    static func nearestField(_ word: String) -> String {
        let names = FlowLogField.allCases.map(\.rawValue)
        let near = Suggestions.nearest(to: word, in: names)
        if let n = near.first { return "did you mean '\(n)'? (netsim reads the fields of flow log versions 2 to 8)" }
        return "the fields netsim reads are those of flow log versions 2 to 8: \(names.prefix(14).joined(separator: " ")) …"
    }
}
