import NetsimFlow
import NetsimModel

/// A stage a test adds with one line: it denies a port at the pod's veth on the way in, as a
/// NetworkPolicy will, and records its step and block (values only; the wording says them).
/// No shipped stage writes these kinds yet.
public struct DenyPortAtPodIngress: WalkStage {
    public let port: UInt16
    public init(port: UInt16) { self.port = port }
    public func run(at position: Position, context: WalkContext, state: inout FlowState, recorder: inout Recorder) -> StageResult {
        guard case .podIngress(_, let pod) = position, !context.isReply, state.packet.destinationPort == port else { return .next }
        let v = PolicyVerdict(direction: .ingress, pod: nil, address: pod, allowed: false, basis: .noEntryCoversPeer, policies: ["lab/deny-\(port)"], packet: state.packet)
        recorder.hop(.pod(nil, address: pod), Step(.denied, .networkPolicy(v)))
        recorder.block(.networkPolicyDenied, .deniedIn, direction: context.direction, component: "lab/deny-\(port)", .networkPolicy(v))
        return .next
    }
}
