import NetsimModel
import Yams

extension TopologyConverter {
    /// `kubernetes.observed: FILE`: the observed state `netsim import kubernetes` writes
    /// (Docs/topology-format.md, "kubernetes.observed"), read strictly: every key known, every
    /// address an IPv4 address, every name present. Errors are `NS1578`, at the value.
    func convertObserved(_ r: MappingReader) -> ObservedState? {
        guard let (path, at) = r.locatedString("observed") else { return nil }
        let found = manifests.documents(matching: path, at: at)
        guard found.count == 1, let (file, docs) = found.first else {
            if found.count > 1 {
                reporter.error(.observedFile, "kubernetes.observed '\(echo: path)' matches \(found.count) files; it names one file", at: at,
                               hint: "write the path of the observed.yaml netsim import kubernetes wrote, without wildcards")
            }
            return nil
        }
        let nonEmpty = docs.filter { !$0.isNullScalar }
        guard nonEmpty.count == 1, let root = nonEmpty.first, let top = MappingReader.make(root, file: file, context: "the observed state", reporter: reporter) else {
            reporter.error(.observedFile, "'\(echo: file)' holds \(nonEmpty.count) YAML documents; an observed state is one mapping",
                           at: SourceLocation(file: file, line: 1, column: 1), hint: "name the observed.yaml netsim import kubernetes wrote")
            return nil
        }
        var state = ObservedState(file: file)
        let kind = top.string("kind")
        _ = top.string("apiVersion")
        if kind != "ObservedState" {
            reporter.error(.observedFile, "'\(echo: file)' is not an observed state (kind: ObservedState)", at: top.location,
                           hint: "name the observed.yaml netsim import kubernetes wrote, not a manifest or a dump")
            top.finish()
            return nil
        }
        func address(_ m: MappingReader, _ key: String) -> IPv4Address? {
            guard let text = m.string(key) else { return nil }
            guard let a = IPv4Address(text) else {
                reporter.error(.observedFile, "'\(echo: key)' of \(m.context) is '\(echo: text)', not an IPv4 address", at: m.valueLocation(key),
                               hint: "write the address as kubectl shows it, e.g. 10.0.41.7")
                return nil
            }
            return a
        }
        func name(_ m: MappingReader, _ key: String = "name") -> String? {
            guard let s = m.string(key, required: true), !s.isEmpty else { return nil }
            return s
        }
        var seen: [String: SourceLocation] = [:]
        /// An entry named twice is refused: the realizer would place one object twice.
        func once(_ key: String, _ what: String, _ m: MappingReader) -> Bool {
            if let first = seen[key] {
                reporter.error(.observedFile, "\(what) is listed twice", at: m.location, hint: "keep one entry",
                               notes: [Diagnostic.Note("first listed here", at: first)])
                return false
            }
            seen[key] = m.location
            return true
        }
        for item in top.list("nodes") ?? [] {
            guard let m = MappingReader.make(item, file: file, context: "an observed node", reporter: reporter) else { continue }
            if let n = name(m), once("node/\(n)", "observed node '\(echo: n)'", m) {
                m.context = "observed node '\(echo: n)'"
                state.nodes.append(ObservedState.Node(name: n, internalIP: address(m, "internalIP"), instanceID: m.string("instanceID"),
                                                      zone: m.string("zone"), instanceType: m.string("instanceType"),
                                                      nodeGroup: m.string("nodeGroup"), location: m.location))
            }
            m.finish()
        }
        for item in top.list("pods") ?? [] {
            guard let m = MappingReader.make(item, file: file, context: "an observed pod", reporter: reporter) else { continue }
            if let ns = name(m, "namespace"), let n = name(m), once("pod/\(ns)/\(n)", "observed pod '\(echo: ns)/\(echo: n)'", m) {
                m.context = "observed pod '\(echo: ns)/\(echo: n)'"
                let owner = m.string("owner") ?? "Pod/\(n)"
                let parts = owner.split(separator: "/", maxSplits: 1).map(String.init)
                if parts.count == 2, let kind = WorkloadKind(rawValue: parts[0]), !parts[1].isEmpty {
                    state.pods.append(ObservedState.Pod(namespace: ns, name: n, ownerKind: kind, owner: parts[1], node: m.string("node"),
                                                       ip: address(m, "ip"), hostNetwork: m.bool("hostNetwork") ?? false, location: m.location))
                } else {
                    reporter.error(.observedFile, "'owner' of \(m.context) is '\(echo: owner)'; it reads KIND/NAME with KIND one of Deployment, StatefulSet, DaemonSet, Pod",
                                   at: m.valueLocation("owner"), hint: "write the workload that made the pod, e.g. Deployment/cart")
                }
            }
            m.finish()
        }
        for item in top.list("services") ?? [] {
            guard let m = MappingReader.make(item, file: file, context: "an observed Service", reporter: reporter) else { continue }
            if let ns = name(m, "namespace"), let n = name(m), once("service/\(ns)/\(n)", "observed Service '\(echo: ns)/\(echo: n)'", m) {
                m.context = "observed Service '\(echo: ns)/\(echo: n)'"
                state.services.append(ObservedState.Service(namespace: ns, name: n, clusterIP: address(m, "clusterIP"), location: m.location))
            }
            m.finish()
        }
        top.finish()
        state.index()
        return state
    }
}
