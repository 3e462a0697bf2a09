import NetsimModel
import NetsimVPC

/// The records of one flow at one interface, in one direction, with one action: judged once.
public struct FlowLogGroupKey: Hashable, Sendable {
    public var interface: Int32
    public var source: IPAddress
    public var destination: IPAddress
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var ipProtocol: UInt8
    public var action: FlowLogRecord.Action
    /// The record's flow-direction, or nil when the format has none.
    public var direction: FlowLogRecord.Direction?

    /// Fewer, wider words than the synthesized hash (a million records are grouped by it).
    public func hash(into h: inout Hasher) {
        h.combine(UInt64(UInt32(bitPattern: interface)) | UInt64(sourcePort) << 32 | UInt64(destinationPort) << 48)
        h.combine(UInt32(ipProtocol) | UInt32(action.rawValue) << 8 | UInt32(direction?.rawValue ?? 0) << 16)
        switch (source, destination) {
        case (.ipv4(let s), .ipv4(let d)): h.combine(UInt64(s.value) << 32 | UInt64(d.value))
        default: h.combine(source); h.combine(destination)
        }
    }
}

public struct FlowLogGroup: Sendable {
    public var key: FlowLogGroupKey
    public var firstLine: Int
    public var records: Int
    /// Sums, saturating.
    public var packets: UInt64
    public var bytes: UInt64
}

/// What a log held: records by kind, and the judged ones grouped by flow, interface, direction
/// and action, in the order of their first record.
public struct FlowLogTally: Sendable {
    public var records = 0
    public var noData = 0
    public var skipData = 0
    /// `OK` records without an action, or without addresses or protocol (or ports, for TCP and UDP).
    public var incomplete = 0
    public private(set) var groups: [FlowLogGroup] = []
    var index: [FlowLogGroupKey: Int] = [:]

    public init() {}

    public mutating func add(_ r: FlowLogRecord) {
        records += 1
        switch r.status {
        case .noData: noData += 1; return
        case .skipData: skipData += 1; return
        default: break
        }
        guard let action = r.action, let s = r.source, let d = r.destination, let p = r.ipProtocol else { incomplete += 1; return }
        let ports = p == 6 || p == 17
        if ports && (r.sourcePort == nil || r.destinationPort == nil) { incomplete += 1; return }
        let key = FlowLogGroupKey(interface: r.interface, source: s, destination: d, sourcePort: r.sourcePort ?? 0, destinationPort: r.destinationPort ?? 0,
                                  ipProtocol: p, action: action, direction: r.direction)
        if let i = index[key] {
            groups[i].records += 1
            groups[i].packets = groups[i].packets.addingReportingOverflow(r.packets).overflow ? .max : groups[i].packets + r.packets
            groups[i].bytes = groups[i].bytes.addingReportingOverflow(r.bytes).overflow ? .max : groups[i].bytes + r.bytes
        } else {
            index[key] = groups.count
            groups.append(FlowLogGroup(key: key, firstLine: r.line, records: 1, packets: r.packets, bytes: r.bytes))
        }
    }

    /// The group of the reverse flow at the same interface with the given action, if the log has one.
    func reverse(of k: FlowLogGroupKey, action: FlowLogRecord.Action) -> FlowLogGroup? {
        let dir: FlowLogRecord.Direction? = k.direction.map { $0 == .ingress ? .egress : .ingress }
        let r = FlowLogGroupKey(interface: k.interface, source: k.destination, destination: k.source, sourcePort: k.destinationPort,
                                destinationPort: k.sourcePort, ipProtocol: k.ipProtocol, action: action, direction: dir)
        return index[r].map { groups[$0] }
    }
}

/// The model's verdict on one group of records.
public struct FlowLogVerdict: Sendable {
    /// Stable tokens (JSON); `words` says them in text.
    public enum Agreement: String, Sendable, CaseIterable {
        case agrees
        /// The model's security groups or network ACL deny what the log accepted.
        case modelRejectsLogAccepts = "model-rejects-log-accepts"
        /// The model allows what the log rejected.
        case modelAcceptsLogRejects = "model-accepts-log-rejects"
        /// The log shows the packet at this interface; in the model it is stopped before it.
        case modelNeverArrives = "model-never-arrives"
        /// The model cannot judge the record (the reason says why).
        case notJudged = "not-judged"

        public var isDisagreement: Bool { self == .modelRejectsLogAccepts || self == .modelAcceptsLogRejects || self == .modelNeverArrives }
    }
    /// How the record's interface was found in the topology.
    public enum Match: String, Sendable { case id, address, none }

    public var group: FlowLogGroup
    public var interfaceID: String?
    /// The topology's interface: its ID and label.
    public var interface: (id: String, label: String)?
    public var match: Match
    public var direction: FlowLogRecord.Direction?
    /// The direction was inferred from the addresses (the format has no flow-direction).
    public var directionInferred: Bool
    /// The model's action at the interface, when it judged.
    public var model: FlowLogRecord.Action?
    public var agreement: Agreement
    /// The deciding rule (or why nothing was judged), in words.
    public var deciding: String
    public var location: SourceLocation?
    /// Why not judged, as a stable token.
    public var reason: NotJudged?
    public var notes: [String] = []

    public enum NotJudged: String, Sendable, CaseIterable {
        case unknownInterface = "unknown-interface"
        case notTheInterfacesAddress = "not-the-interfaces-address"
        case icmpType = "icmp-type"
        case replyWithoutRequest = "reply-without-request"
        case ipFamily = "ip-family"
    }
}

extension Network {
    /// Judges every group of a tally at its interface: security groups (stateful: a packet the
    /// rules allow only as the reply to a connection the other side opened counts as allowed
    /// when the log holds that request, accepted, at the same interface), the subnet's network
    /// ACL (stateless), and, for a packet the log shows arriving from an address of the
    /// topology, the walk from that address up to this interface.
    public func judge(_ tally: FlowLogTally, interfaceIDs: [String]) -> [FlowLogVerdict] {
        var judge = FlowLogJudge(network: self, tally: tally, ids: interfaceIDs)
        return tally.groups.map { judge.verdict($0) }
    }
}

/// The per-interface evaluation, with caches: the same security-group or network-ACL question
/// (interface, direction, peer, protocol, port) is answered once.
struct FlowLogJudge {
    let network: Network
    let f: FabricIndex
    let tally: FlowLogTally
    let ids: [String]
    /// Log interface index → topology interface index (by ID), or -1.
    var byID: [Int]
    typealias SGKey = DecidingKey
    var sgCache: [SGKey: SecurityGroupDecision] = [:]
    /// `iface` is the subnet's index in `subnetIndex`.
    typealias ACLKey = DecidingKey
    var aclCache: [ACLKey: NetworkACLDecision?] = [:]
    struct PathKey: Hashable { var from: Int; var to: Int; var ipProtocol: IPProtocol; var port: UInt16; var icmpType: UInt8 }
    var pathCache: [PathKey: (String, SourceLocation?)?] = [:]

    let portsMatter: Bool
    let subnetIndex: [String: Int]
    typealias OutcomeKey = DecidingKey
    var outcomeCache: [OutcomeKey: Outcome] = [:]
    /// Per interface, resolved once: its security groups, and its subnet with that subnet's network ACL.
    var groupsOf: [[SecurityGroup]?]
    var subnetOf: [(vpc: VPC, subnet: Subnet, acl: NetworkACL?)??]
    /// The words of an allowing rule depend on the rule only, not on the packet: built once per rule.
    struct SGWordsKey: Hashable { var iface: Int; var ingress: Bool; var reply: Bool; var group: String; var rule: Int }
    var sgWords: [SGWordsKey: String] = [:]
    struct ACLWordsKey: Hashable { var subnet: Int; var inbound: Bool; var number: Int; var line: Int; var column: Int }
    var aclWords: [ACLWordsKey: String] = [:]

    init(network: Network, tally: FlowLogTally, ids: [String]) {
        self.network = network; f = network.fabric; self.tally = tally; self.ids = ids
        let k = network.fabric.topology.kubernetes
        var subnets: [String: Int] = [:]
        for s in network.fabric.subnets.keys.sorted() { subnets[s] = subnets.count }
        subnetIndex = subnets
        portsMatter = !k.networkPolicies.isEmpty || !k.clusterNetworkPolicies.isEmpty || !k.applicationNetworkPolicies.isEmpty
        var known: [String: Int] = [:]
        for (i, iface) in f.interfaces.enumerated() where known[iface.id] == nil { known[iface.id] = i }
        byID = ids.map { known[$0] ?? -1 }
        groupsOf = Array(repeating: nil, count: f.interfaces.count)
        subnetOf = Array(repeating: nil, count: f.interfaces.count)
        // Most questions of a large log are new (a reply's port is the client's): grow once.
        let expected = min(tally.groups.count, 1 << 22)
        sgCache.reserveCapacity(expected)
        outcomeCache.reserveCapacity(expected)
        aclCache.reserveCapacity(expected)
    }

    mutating func groups(_ idx: Int) -> [SecurityGroup] {
        if let g = groupsOf[idx] { return g }
        let g = f.securityGroups(of: f.interfaces[idx])
        groupsOf[idx] = g
        return g
    }

    mutating func subnet(_ idx: Int) -> (vpc: VPC, subnet: Subnet, acl: NetworkACL?)? {
        if let s = subnetOf[idx] { return s }
        let s = f.subnets[f.interfaces[idx].subnet].map { (vpc: $0.vpc, subnet: $0.subnet, acl: $0.vpc.networkACL(for: $0.subnet)) }
        subnetOf[idx] = .some(s)
        return s
    }

    mutating func verdict(_ g: FlowLogGroup) -> FlowLogVerdict {
        let k = g.key
        let logID = k.interface >= 0 && Int(k.interface) < ids.count ? ids[Int(k.interface)] : nil
        var v = FlowLogVerdict(group: g, interfaceID: logID, interface: nil, match: .none, direction: k.direction, directionInferred: false,
                               model: nil, agreement: .notJudged, deciding: "", location: nil)
        // The interface: by ID, else the interface that owns one of the addresses.
        var idx = k.interface >= 0 ? byID[Int(k.interface)] : -1
        if idx >= 0 { v.match = .id } else {
            let s = f.ownerOf(k.source), d = f.ownerOf(k.destination)
            switch k.direction {
            case .egress?: idx = s ?? -1
            case .ingress?: idx = d ?? -1
            case nil: idx = s ?? d ?? -1
            }
            if idx >= 0 { v.match = .address }
        }
        guard idx >= 0 else {
            v.reason = .unknownInterface
            v.deciding = Wording.flowLogUnknownInterface(logID)
            return v
        }
        let iface = f.interfaces[idx]
        v.interface = (iface.id, iface.label)
        // The direction: as logged, else whose address is the interface's.
        var direction = k.direction
        if direction == nil {
            if f.ownerOf(k.source) == idx { direction = .egress } else if f.ownerOf(k.destination) == idx { direction = .ingress }
            v.directionInferred = direction != nil
        }
        // A forwarding interface (source/destination check off) sees the packet both ways, in
        // and out; without flow-direction, judge both and keep the verdict if they agree.
        var both = false
        if direction == nil && !iface.sourceDestCheck { direction = .ingress; both = true }
        guard let dir = direction else {
            v.reason = .notTheInterfacesAddress
            v.deciding = Wording.flowLogNotTheInterfacesAddress(iface.label)
            return v
        }
        if !both { v.direction = dir }
        guard k.source.family == k.destination.family else {
            v.reason = .ipFamily
            v.deciding = Wording.flowLogMixedFamilies
            return v
        }
        // ICMP: flow logs carry no type, so judge each the record could hold.
        let proto = IPProtocol(number: k.ipProtocol)
        var interpretations: [Packet] = []
        func packet(_ type: UInt8) -> Packet {
            Packet(ipProtocol: proto, source: k.source, destination: k.destination, sourcePort: k.sourcePort, destinationPort: k.destinationPort,
                   icmpType: type, icmpCode: 0)
        }
        // The same flow the other way, accepted at this interface: of the two, the one the log
        // shows first is taken as the request, the other as its reply.
        let reverse = tally.reverse(of: k, action: .accept)
        let isReply = reverse.map { $0.firstLine < g.firstLine } ?? false
        switch proto {
        case .icmp: interpretations = reverse == nil ? [packet(8), packet(0)] : [packet(isReply ? 0 : 8)]
        case .icmpv6: interpretations = reverse == nil ? [packet(128), packet(129)] : [packet(isReply ? 129 : 128)]
        default: interpretations = [packet(0)]
        }
        var outcomes = interpretations.map { evaluate(idx, dir, $0) }
        if both {
            outcomes += interpretations.map { evaluate(idx, .egress, $0) }
            if Set(outcomes.map(\.accept)).count > 1 {
                v.reason = .notTheInterfacesAddress
                v.deciding = Wording.flowLogForwardedBothWays(iface.label)
                return v
            }
            v.notes.append(Wording.flowLogForwardedJudgedBothWays)
        }
        let accepts = Set(outcomes.map(\.accept))
        guard accepts.count == 1, let first = outcomes.first else {
            v.reason = .icmpType
            v.deciding = Wording.flowLogICMPTypeDecides
            v.location = outcomes.first(where: { !$0.accept })?.location
            return v
        }
        var accept = first.accept
        let replyOnly = outcomes.contains { $0.replyOnly }
        let chosen = outcomes.first { $0.replyOnly } ?? first
        v.deciding = chosen.deciding
        v.location = chosen.location
        if replyOnly {
            if let req = reverse {
                v.notes.append(Wording.flowLogReplyOf(line: req.firstLine))
            } else if k.action == .accept {
                v.reason = .replyWithoutRequest
                v.deciding = Wording.flowLogReplyWithoutRequest(chosen.deciding)
                return v
            } else {
                // No accepted request in the log: the rules do not allow it as a new flow.
                // (Evaluated afresh: a cached answer's denial names another packet.)
                accept = false
                let ci = outcomes.firstIndex { $0.replyOnly } ?? 0
                let fresh = evaluateOnce(idx, both && ci >= interpretations.count ? .egress : dir, interpretations[ci % interpretations.count])
                v.deciding = fresh.newFlowDenial ?? fresh.deciding
                v.location = fresh.newFlowDenialLocation ?? fresh.location
            }
        }
        v.model = accept ? .accept : .reject
        let logAccepts = k.action == .accept
        v.agreement = accept == logAccepts ? .agrees : (accept ? .modelAcceptsLogRejects : .modelRejectsLogAccepts)
        // A packet the log shows arriving: the model must bring it here.
        // (Not for a reply: the walk would judge it as a new flow, and state lets replies through.)
        if dir == .ingress, v.agreement == .agrees, !isReply, !replyOnly, let src = f.ownerOf(k.source), src != idx, let p = interpretations.first {
            if let (why, loc) = pathBlock(from: src, to: idx, packet: p) {
                v.agreement = .modelNeverArrives
                v.deciding = why
                v.location = loc
            }
        }
        return v
    }

    struct Outcome {
        var accept: Bool
        /// Allowed only as the reply to a connection the other side opened.
        var replyOnly: Bool
        var deciding: String
        var location: SourceLocation?
        var newFlowDenial: String?
        var newFlowDenialLocation: SourceLocation?
    }

    /// The packet at the interface, in AWS's order: inbound the network ACL then the security
    /// groups, outbound the security groups then the network ACL.
    /// An accept's words name rules, not the packet: one answer serves every packet with the same
    /// deciding part (and, when only the reply rules allow it, the same source port).
    mutating func evaluate(_ idx: Int, _ dir: FlowLogRecord.Direction, _ p: Packet) -> Outcome {
        let ingress = dir == .ingress
        var key = OutcomeKey(idx, ingress: ingress, p)
        if !f.interfaces[idx].securityGroups.isEmpty, !sg(idx, ingress: ingress, p).allowed { key.setSourcePort(p.sourcePort) }
        if let o = outcomeCache[key] { return o }
        let o = evaluateOnce(idx, dir, p)
        if o.accept { outcomeCache[key] = o }
        return o
    }

    mutating func evaluateOnce(_ idx: Int, _ dir: FlowLogRecord.Direction, _ p: Packet) -> Outcome {
        let iface = f.interfaces[idx]
        let ingress = dir == .ingress
        var sgAllow = true, replyOnly = false
        var sgWords = "", sgLoc: SourceLocation? = nil
        var denial: String? = nil, denialLoc: SourceLocation? = nil
        if !iface.securityGroups.isEmpty {
            let d = sg(idx, ingress: ingress, p)
            if d.allowed, let g = d.group, let r = d.rule, let i = d.ruleIndex {
                let wk = SGWordsKey(iface: idx, ingress: ingress, reply: false, group: g.id, rule: i)
                if let w = self.sgWords[wk] { sgWords = w } else {
                    sgWords = Step(.permitted, .securityGroupAllows(SecurityGroupMatch(direction: ingress ? .ingress : .egress, group: ObjectRef(id: g.id, name: g.name), ruleIndex: i, rule: r))).sentence
                    self.sgWords[wk] = sgWords
                }
                sgLoc = r.location
            } else {
                let refs = d.groups.map { ObjectRef(id: $0.id, name: $0.name) }
                let e = Explanation(code: d.groups.allSatisfy { (ingress ? $0.ingress : $0.egress).isEmpty } ? .sgHasNoRules : .eniSGRulesMismatch,
                                    direction: .forward, disposition: ingress ? .deniedIn : .deniedOut, component: d.groups.map(\.id).joined(separator: ","),
                                    detail: .securityGroups(ingress ? .ingress : .egress, groups: refs, interface: iface.label, packet: p),
                                    location: d.groups.first?.location)
                denial = Wording.deciding(e); denialLoc = e.location
                // Stateful: the reply of a connection the other side opened, which the other
                // direction's rules allowed.
                var back = Packet(ipProtocol: p.ipProtocol, source: p.destination, destination: p.source, sourcePort: p.destinationPort,
                                  destinationPort: p.sourcePort, icmpType: p.icmpType, icmpCode: p.icmpCode)
                if p.ipProtocol == .icmp { back.icmpType = p.icmpType == 0 ? 8 : (p.icmpType == 8 ? 0 : p.icmpType) }
                if p.ipProtocol == .icmpv6 { back.icmpType = p.icmpType == 129 ? 128 : (p.icmpType == 128 ? 129 : p.icmpType) }
                let r = (p.ipProtocol == .icmp && p.icmpType == 8) || (p.ipProtocol == .icmpv6 && p.icmpType == 128) ? nil : Optional(sg(idx, ingress: !ingress, back))
                if let r, r.allowed, let g = r.group, let rule = r.rule, let i = r.ruleIndex {
                    replyOnly = true
                    let wk = SGWordsKey(iface: idx, ingress: ingress, reply: true, group: g.id, rule: i)
                    if let w = self.sgWords[wk] { sgWords = w } else {
                        sgWords = Wording.flowLogAllowedAsReply(Step(.permitted, .securityGroupAllows(SecurityGroupMatch(direction: ingress ? .egress : .ingress, group: ObjectRef(id: g.id, name: g.name), ruleIndex: i, rule: rule))).sentence)
                        self.sgWords[wk] = sgWords
                    }
                    sgLoc = rule.location
                } else {
                    sgAllow = false
                    sgWords = denial ?? ""
                    sgLoc = denialLoc
                }
            }
        }
        var aclAllow = true, aclWords = "", aclLoc: SourceLocation? = nil
        // Network ACLs filter what enters or leaves the subnet, not traffic within it.
        let peer = ingress ? p.source : p.destination
        let home = subnet(idx)
        let inSubnet: Bool
        switch peer {
        case .ipv4(let a): inSubnet = home?.subnet.cidr.contains(a) ?? false
        case .ipv6(let a): inSubnet = home?.subnet.ipv6Cidr?.contains(a) ?? false
        }
        if !inSubnet, let home, let acl = home.acl {
            let subnet = home.subnet
            let d = nacl(subnet.name, acl, inbound: ingress, p)
            let aclRef = ObjectRef(id: acl.id, name: acl.name)
            if d.allowed {
                let wk = ACLWordsKey(subnet: subnetIndex[subnet.name] ?? -1, inbound: ingress, number: d.rule?.number ?? -1,
                                     line: d.rule?.location.line ?? -1, column: d.rule?.location.column ?? -1)
                if let w = self.aclWords[wk] { aclWords = w } else {
                    aclWords = Step(.permitted, .networkACL(NetworkACLMatch(direction: ingress ? .inbound : .outbound, acl: aclRef, rule: d.rule, allowed: true))).sentence
                    self.aclWords[wk] = aclWords
                }
                aclLoc = d.rule?.location ?? acl.location
            } else {
                aclAllow = false
                let e = Explanation(code: .subnetACLRestriction, direction: .forward, disposition: ingress ? .deniedIn : .deniedOut, component: acl.id,
                                    detail: .networkACL(ingress ? .inbound : .outbound, acl: aclRef, subnet: subnet.name, packet: p, rule: d.rule, reply: nil),
                                    location: d.rule?.location ?? acl.location)
                aclWords = Wording.deciding(e); aclLoc = e.location
            }
        }
        // The first denial in AWS's order decides; an accept names both.
        let order: [(Bool, String, SourceLocation?)] = ingress ? [(aclAllow, aclWords, aclLoc), (sgAllow, sgWords, sgLoc)] : [(sgAllow, sgWords, sgLoc), (aclAllow, aclWords, aclLoc)]
        if let deny = order.first(where: { !$0.0 }) {
            return Outcome(accept: false, replyOnly: false, deciding: deny.1, location: deny.2)
        }
        let words = order.map(\.1).filter { !$0.isEmpty }.joined(separator: "; ")
        return Outcome(accept: true, replyOnly: replyOnly, deciding: words.isEmpty ? Wording.flowLogNothingFilters : words, location: sgLoc ?? aclLoc,
                       newFlowDenial: denial, newFlowDenialLocation: denialLoc)
    }

    /// What a security group or network ACL decides on: the peer's address, the protocol, the
    /// destination port (or ICMP type and code). The rest is cleared so that the cache holds one
    /// answer for every source port of a flow.
    static func decidingPart(_ p: Packet, peerIsSource: Bool) -> Packet {
        var k = p
        k.sourcePort = 0
        if peerIsSource { k.destination = k.source } else { k.source = k.destination }
        return k
    }

    mutating func sg(_ idx: Int, ingress: Bool, _ p: Packet) -> SecurityGroupDecision {
        let key = SGKey(idx, ingress: ingress, p)
        if let d = sgCache[key] { return d }
        let iface = f.interfaces[idx]
        let home = iface.vpc
        let f = self.f
        let d = SecurityGroupEvaluator.evaluate(groups(idx), vpc: home, direction: ingress ? .ingress : .egress, packet: p,
                                                isMember: { ip, vpc, group in (vpc == home || f.peered(vpc, home)) && f.isMember(ip, vpc: vpc, group: group) },
                                                isMember6: { ip, vpc, group in (vpc == home || f.peered(vpc, home)) && f.isMember6(ip, vpc: vpc, group: group) },
                                                prefixLists: f.prefixLists, groupVPC: { $0 == "default" ? nil : f.groupVPC[$0] })
        sgCache[key] = d
        return d
    }

    mutating func nacl(_ subnet: String, _ acl: NetworkACL, inbound: Bool, _ p: Packet) -> NetworkACLDecision {
        // A short ACL is evaluated faster than a large cache is searched.
        if (inbound ? acl.inbound : acl.outbound).count <= 8 { return NetworkACLEvaluator.evaluate(acl, direction: inbound ? .inbound : .outbound, packet: p) }
        let key = ACLKey(subnetIndex[subnet] ?? -1, ingress: inbound, p)
        if let d = aclCache[key], let d { return d }
        let d = NetworkACLEvaluator.evaluate(acl, direction: inbound ? .inbound : .outbound, packet: p)
        aclCache[key] = d
        return d
    }

    /// A packet from an address of the topology that the log shows at interface `idx`: where the
    /// model stops it before it gets there, or nil. The sender's interface (its security groups
    /// for a new flow, its subnet's network ACL) is judged for this very packet; the walk (routes,
    /// gateways, the sender's node) is traced once per pair of interfaces, protocol and port, from
    /// the first packet seen.
    mutating func pathBlock(from src: Int, to idx: Int, packet p: Packet) -> (String, SourceLocation?)? {
        var sender = evaluate(src, .egress, p)
        if !sender.accept || sender.replyOnly { sender = evaluateOnce(src, .egress, p) }
        if !sender.accept { return (Wording.flowLogBlockedBefore(sender.deciding), sender.location) }
        if sender.replyOnly, let d = sender.newFlowDenial { return (Wording.flowLogBlockedBefore(d), sender.newFlowDenialLocation) }
        // Without NetworkPolicies nothing before the destination's interface decides by port
        // but the security groups and network ACL judged above.
        // Nor does anything but the destination's subnet (routes) tell two interfaces of it apart.
        let to = portsMatter ? idx : -1 - (subnetIndex[f.interfaces[idx].subnet] ?? 0)
        let key = PathKey(from: src, to: to, ipProtocol: p.ipProtocol, port: portsMatter ? p.destinationPort : 0, icmpType: p.icmpType)
        if let c = pathCache[key] { return c }
        let ports = p.ipProtocol == .tcp || p.ipProtocol == .udp
        let req = FlowRequest(from: .ip(p.source), to: .ip(p.destination), ipProtocol: p.ipProtocol,
                              port: ports ? p.destinationPort : nil, sourcePort: ports ? p.sourcePort : nil, icmpType: p.icmpType, icmpCode: p.icmpCode)
        var result: (String, SourceLocation?)? = nil
        if case .traced(let t) = network.trace(req), t.disposition != .notModelled {
            let hops = t.forward.hops
            let subnet = f.interfaces[idx].subnet
            if let arrival = hops.firstIndex(where: { $0.place.interfaceIndex == idx }) {
                // Denied steps before the interface, except its own subnet's inbound ACL (this record judges that).
                for (h, hop) in hops[..<arrival].enumerated() {
                    if h == arrival - 1, case .subnet(let ref) = hop.place, ref.name == subnet { continue }
                    if let s = hop.steps.first(where: { $0.action == .denied }) {
                        result = (Wording.flowLogBlockedBefore(s.sentence), s.location)
                        break
                    }
                }
            } else if !t.forward.end.isSuccess {
                let last = hops.last?.steps.last
                result = (Wording.flowLogBlockedBefore(last?.sentence ?? t.forward.end.rawValue), last?.location)
            }
        }
        pathCache[key] = result
        return result
    }
}

/// What a security group or network ACL decides on, packed into four words (hashed as two):
/// the interface (or subnet), the direction, the peer's address (the source inbound, the
/// destination outbound), the protocol, the destination port, the ICMP type and code, and
/// the source port only where `setSourcePort` puts it. The same fields as
/// `FlowLogJudge.decidingPart`, without hashing a whole `Packet` for each of a million records.
struct DecidingKey: Hashable {
    var flags: UInt64
    var iface: Int
    var high: UInt64
    var low: UInt64

    init(_ iface: Int, ingress: Bool, _ p: Packet) {
        let peer = ingress ? p.source : p.destination
        var family: UInt64 = 0
        switch peer {
        case .ipv4(let a): high = 0; low = UInt64(a.value)
        case .ipv6(let a): high = a.high; low = a.low; family = 1
        }
        let proto: UInt64
        switch p.ipProtocol {
        case .number(let n): proto = UInt64(n)
        case .all: proto = 0x100
        case .tcp: proto = 0x101
        case .udp: proto = 0x102
        case .icmp: proto = 0x103
        case .icmpv6: proto = 0x104
        }
        flags = (ingress ? 1 : 0) | family << 1 | proto << 2 | UInt64(p.destinationPort) << 11 | UInt64(p.icmpType) << 27 | UInt64(p.icmpCode) << 35
        self.iface = iface
    }

    mutating func setSourcePort(_ port: UInt16) { flags = flags & ~(0xFFFF << 43) | UInt64(port) << 43 }

    func hash(into h: inout Hasher) {
        h.combine(flags &+ UInt64(bitPattern: Int64(iface)) &* 0x9E37_79B9_7F4A_7C15)
        h.combine(high ^ low)
    }
}

extension Place {
    /// The fabric interface index of an interface or load balancer node place.
    var interfaceIndex: Int? {
        switch self {
        case .interface(let r): return r.index
        case .loadBalancerNode(let r, _): return r.index
        default: return nil
        }
    }
}
