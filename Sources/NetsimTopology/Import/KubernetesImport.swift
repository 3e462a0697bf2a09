import Foundation
import NetsimModel
import Yams

/// One file `netsim import kubernetes` writes, relative to its output folder.
public struct ImportedFile: Sendable, Equatable {
    public var path: String
    public var text: String
    public init(path: String, text: String) { self.path = path; self.text = text }
}

/// What an import produced: the files to write (nothing is written when `hasErrors`), every
/// diagnostic, the files read and a summary for people.
public struct KubernetesImportResult: Sendable {
    public var files: [ImportedFile] = []
    public var diagnostics: [Diagnostic] = []
    public var inputsRead: [String] = []
    public var summary: [String] = []
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// `netsim import kubernetes`: reads `kubectl get … -A -o yaml` dumps (List objects) and writes
/// the objects netsim models as manifests with the fields the cluster manages stripped, and
/// what the cluster realized (nodes, pod addresses and nodes, cluster IPs) as the observed
/// state. See Docs/import.md, "Kubernetes".
///
/// The fields stripped are the ones the API server and controllers own (Kubernetes API
/// conventions, `metadata` of `ObjectMeta` in k8s.io/apimachinery `types.go`: `uid`,
/// `resourceVersion`, `generation`, `creationTimestamp`, `managedFields`, `selfLink`, and the
/// `status` of every object); objects controllers make (ReplicaSets of a Deployment, pods of a
/// ReplicaSet, DaemonSet or StatefulSet, EndpointSlices of the EndpointSlice controller) are
/// written as their owner only.
public enum KubernetesImport {
    /// Kinds written as manifests, with the apiVersion netsim reads (Docs/topology-format.md).
    static let modelled: [String: String] = [
        "Namespace": "v1", "Pod": "v1", "Service": "v1", "ServiceAccount": "v1",
        "Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1",
        "EndpointSlice": "discovery.k8s.io/v1",
        "Ingress": "networking.k8s.io/v1", "IngressClass": "networking.k8s.io/v1", "NetworkPolicy": "networking.k8s.io/v1",
        "ClusterNetworkPolicy": "networking.k8s.aws/v1alpha1",
        "SecurityGroupPolicy": "vpcresources.k8s.aws/v1beta1",
        "ValidatingWebhookConfiguration": "admissionregistration.k8s.io/v1",
        "MutatingWebhookConfiguration": "admissionregistration.k8s.io/v1",
        "APIService": "apiregistration.k8s.io/v1",
    ]
    static let clusterScoped: Set<String> = [
        "Namespace", "IngressClass", "ClusterNetworkPolicy", "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration", "APIService", "Node",
    ]
    /// The label the EndpointSlice controller puts on the slices it manages
    /// (`discovery.k8s.io/v1`, `endpointslice.kubernetes.io/managed-by`).
    static let managedBy = "endpointslice.kubernetes.io/managed-by"
    static let sliceController = "endpointslice-controller.k8s.io"
    static let lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

    /// The files under `paths` to read: a folder's `.yaml`, `.yml` and `.json` files (at any
    /// depth, names starting with `.` skipped), sorted; other paths as given.
    static func expand(_ paths: [String], reporter: Reporter) -> [String] {
        var out: [String] = []
        for p in paths {
            var isDir: ObjCBool = false
            guard p != "-", FileManager.default.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue else { out.append(p); continue }
            guard let e = FileManager.default.enumerator(atPath: p) else { out.append(p); continue }
            var found: [String] = []
            while let rel = e.nextObject() as? String {
                let last = rel.split(separator: "/").last.map(String.init) ?? rel
                if last.hasPrefix(".") { e.skipDescendants(); continue }
                guard last.hasSuffix(".yaml") || last.hasSuffix(".yml") || last.hasSuffix(".json") else { continue }
                let full = p.hasSuffix("/") ? p + rel : p + "/" + rel
                var info = stat()
                guard stat(full, &info) == 0 else { continue }
                if (info.st_mode & S_IFMT) == S_IFDIR { continue }
                if (info.st_mode & S_IFMT) != S_IFREG {
                    reporter.warning(.notRegularFile, "'\(echo: full)' is not a regular file; it is skipped", at: SourceLocation(file: full, line: 1, column: 1),
                                     hint: "name it on the command line to read it (a FIFO is read to its end)")
                    continue
                }
                found.append(full)
            }
            if found.isEmpty {
                reporter.error(.fileNotFound, "folder '\(echo: p)' holds no .yaml, .yml or .json file", at: SourceLocation(file: p, line: 1, column: 1),
                               hint: "collect the dump with kubectl get … -A -o yaml > \(p)/cluster.yaml")
            }
            out += found.sorted()
        }
        return out
    }

    /// Reads, strips and sorts; `base` is prepended to the paths the topology snippet names
    /// (the output folder relative to the topology's folder, or "" for the output folder).
    public static func run(inputs: [String], limits: LoadLimits = LoadLimits(), base: String = "") -> KubernetesImportResult {
        let reporter = Reporter()
        var state = ImportState(reporter: reporter)
        let files = expand(inputs, reporter: reporter)
        var read: [String] = []
        for path in files {
            let text: String?
            let shown = path == "-" ? SourceFile.standardInputName : path
            if path == "-" { text = SourceFile.readStandardInput(limits: limits, reporter: reporter) }
            else { text = SourceFile.read(path: path, displayPath: path, limits: limits, reporter: reporter) }
            read.append(shown)
            guard let text, let docs = SourceFile.documents(text, file: shown, reporter: reporter) else { continue }
            for doc in docs where !doc.isNullScalar {
                guard SourceFile.checkAliases(doc, textLength: text.utf8.count, limits: limits, file: shown, reporter: reporter) else { continue }
                state.addDocument(doc, file: shown)
            }
        }
        var result = KubernetesImportResult()
        result.inputsRead = read
        if !reporter.bag.hasErrors {
            state.resolve()
            if !reporter.bag.hasErrors {
                result.files = state.outputFiles(base: base, sources: read)
                result.summary = state.summary(base: base)
            }
        }
        result.diagnostics = reporter.bag.sorted
        return result
    }
}

/// One imported object with where it was read.
struct ImportedObject {
    var kind: String
    var apiVersion: String
    var namespace: String?
    var name: String
    var node: Node
    var location: SourceLocation
    var key: String { "\(kind)/\(namespace ?? "")/\(name)" }
}

struct ImportState {
    let reporter: Reporter
    var written: [String: ImportedObject] = [:]
    var pods: [ImportedObject] = []
    var nodes: [ImportedObject] = []
    var services: [ImportedObject] = []
    var replicaSets: [String: ImportedObject] = [:]
    var slices: [ImportedObject] = []
    var awsNodeEnv: [(String, String)] = []
    /// Objects not imported, by kind: count and the first place.
    var skipped: [String: (count: Int, first: SourceLocation, why: String)] = [:]
    var folded: [String: Int] = [:]
    var dropped: [String: Int] = [:]
    var seen: [String: (Node, SourceLocation)] = [:]
    var observedText = ""
    var observedCounts = (nodes: 0, pods: 0, services: 0)

    init(reporter: Reporter) { self.reporter = reporter }

    mutating func addDocument(_ doc: Node, file: String) {
        guard case .mapping(let m) = doc else {
            reporter.error(.importNotList, "the document is \(doc.kindDescription), not a Kubernetes List or object", at: doc.location(in: file),
                           hint: "collect the dump with kubectl get KINDS -A -o yaml (a List with items)")
            return
        }
        let kind = m["kind"].flatMap(Self.scalar)
        if let kind, kind.hasSuffix("List"), m["apiVersion"] != nil {
            guard let itemsNode = m["items"] else {
                reporter.error(.importNotList, "this \(echo: kind) has no 'items'", at: doc.location(in: file),
                               hint: "kubectl get -o yaml writes a List with its objects under items; check that the file is complete")
                return
            }
            if itemsNode.isNullScalar { return }
            guard case .sequence(let items) = itemsNode else {
                reporter.error(.importNotList, "'items' is \(itemsNode.kindDescription), not a list", at: itemsNode.location(in: file),
                               hint: "kubectl get -o yaml writes the objects as a list under items")
                return
            }
            for item in items { addObject(item, file: file) }
            return
        }
        guard kind != nil, m["apiVersion"] != nil, m["metadata"] != nil else {
            reporter.error(.importNotList, "the document is not a Kubernetes List (kind: List with items) or object (apiVersion, kind, metadata)",
                           at: doc.location(in: file), hint: "collect the dump with kubectl get KINDS -A -o yaml; a topology or another tool's output cannot be imported")
            return
        }
        addObject(doc, file: file)
    }

    static func scalar(_ n: Node) -> String? {
        if case .scalar(let s) = n, !s.isNull { return s.string }
        return nil
    }

    static func get(_ n: Node?, _ path: String...) -> Node? {
        var cur = n
        for k in path { cur = cur?.mapping?[k] }
        return cur
    }

    static func string(_ n: Node?, _ path: String...) -> String? {
        var cur = n
        for k in path { cur = cur?.mapping?[k] }
        return cur.flatMap(scalar)
    }

    mutating func skip(_ kind: String, at loc: SourceLocation, why: String) {
        if let s = skipped[kind] { skipped[kind] = (s.count + 1, s.first, s.why) } else { skipped[kind] = (1, loc, why) }
    }

    mutating func addObject(_ item: Node, file: String) {
        let loc = item.location(in: file)
        guard case .mapping = item else {
            reporter.error(.importInvalidObject, "an item of the List is \(item.kindDescription), not an object", at: loc,
                           hint: "each item of a List is a mapping with apiVersion, kind and metadata")
            return
        }
        guard let kind = Self.string(item, "kind"), let apiVersion = Self.string(item, "apiVersion"),
              let name = Self.string(item, "metadata", "name"), !name.isEmpty else {
            reporter.error(.importInvalidObject, "the object has no \(Self.string(item, "kind") == nil ? "kind" : Self.string(item, "apiVersion") == nil ? "apiVersion" : "metadata.name")",
                           at: loc, hint: "every object kubectl writes has apiVersion, kind and metadata.name; check that the file was not cut or edited")
            return
        }
        if name.unicodeScalars.contains(where: Echo.isControl) || name.utf8.count > 253 {
            reporter.error(.importInvalidObject, "\(echo: kind) name '\(echo: name)' is not a Kubernetes name (at most 253 characters, no control characters)",
                           at: loc, hint: "the API server never returns such a name; check where the file came from")
            return
        }
        var namespace: String? = nil
        if !KubernetesImport.clusterScoped.contains(kind) {
            namespace = Self.string(item, "metadata", "namespace") ?? "default"
            if let ns = namespace, ns.isEmpty || ns.utf8.count > 63 || !ns.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) {
                reporter.error(.importInvalidObject, "namespace '\(echo: ns)' of \(echo: kind) '\(echo: name)' is not a namespace name", at: loc,
                               hint: "namespace names are DNS labels: lowercase letters, digits and '-', at most 63 characters")
                return
            }
        }
        let obj = ImportedObject(kind: kind, apiVersion: apiVersion, namespace: namespace, name: name, node: item, location: loc)
        // The same object twice (several dumps overlap): kept once, warned when they differ.
        let stripped = Self.strip(item, kind: kind)
        if let (prev, first) = seen[obj.key] {
            if prev != stripped {
                reporter.warning(.importDuplicateObject, "\(echo: kind) '\(echo: (namespace.map { $0 + "/" } ?? "") + name)' appears twice with different contents; the first is kept",
                                 at: loc, hint: "import dumps of one moment; drop the older file", notes: [Diagnostic.Note("first read here", at: first)])
            }
            return
        }
        seen[obj.key] = (stripped, loc)
        switch kind {
        case "Node":
            nodes.append(obj)
        case "Pod":
            pods.append(obj)
        case "ReplicaSet":
            replicaSets["\(namespace ?? "")/\(name)"] = obj
        case "Endpoints":
            dropped["Endpoints (EndpointSlices carry the same addresses)", default: 0] += 1
        case "EndpointSlice" where namespace == "default" && Self.string(item, "metadata", "labels", "kubernetes.io/service-name") == "kubernetes":
            // The API server's own slice (its control plane ENIs): declaring it would need each
            // address as an external host; cluster.controlPlane says the same (control-plane.md).
            dropped["EndpointSlice default/kubernetes (the API server's; declare cluster.controlPlane instead)", default: 0] += 1
        case "EndpointSlice" where Self.string(item, "metadata", "labels", KubernetesImport.managedBy) == KubernetesImport.sliceController:
            slices.append(obj)
            dropped["EndpointSlices made by the EndpointSlice controller", default: 0] += 1
        default:
            guard let served = KubernetesImport.modelled[kind] else {
                skip(kind, at: loc, why: "netsim does not model it")
                return
            }
            guard apiVersion == served else {
                skip("\(kind) \(apiVersion)", at: loc, why: "netsim reads \(kind) as \(served) only")
                return
            }
            if kind == "Service" { services.append(obj) }
            if kind == "EndpointSlice" { slices.append(obj) }
            if kind == "DaemonSet", namespace == "kube-system", name == "aws-node" { awsNodeEnv = Self.awsNodeEnv(item) }
            var o = obj
            o.node = stripped
            written[obj.key] = o
        }
    }

    /// The aws-node container's literal environment (the VPC CNI's settings).
    static func awsNodeEnv(_ ds: Node) -> [(String, String)] {
        guard case .sequence(let containers)? = get(ds, "spec", "template", "spec", "containers") else { return [] }
        var out: [(String, String)] = []
        for c in containers where string(c, "name") == "aws-node" {
            guard case .sequence(let env)? = get(c, "env") else { continue }
            for e in env { if let n = string(e, "name"), let v = string(e, "value") { out.append((n, v)) } }
        }
        return out
    }

    // MARK: stripping

    static let metadataDropped: Set<String> = [
        "managedFields", "resourceVersion", "uid", "generation", "creationTimestamp", "selfLink",
        "deletionTimestamp", "deletionGracePeriodSeconds", "ownerReferences", "finalizers", "generateName",
    ]
    static let annotationsDropped: Set<String> = [
        KubernetesImport.lastApplied, "deployment.kubernetes.io/revision",
        "endpoints.kubernetes.io/last-change-trigger-time",
    ]

    static func remove(_ n: Node, keys: Set<String>) -> Node {
        guard case .mapping(let m) = n else { return n }
        let kept = m.filter { pair in !(scalar(pair.key).map(keys.contains) ?? false) }
        return .mapping(Node.Mapping(kept.map { ($0.key, $0.value) }, m.tag, m.style, m.mark))
    }

    static func update(_ n: Node, _ key: String, _ f: (Node) -> Node?) -> Node {
        guard case .mapping(let m) = n else { return n }
        var pairs: [(Node, Node)] = []
        for (k, v) in m {
            if scalar(k) == key { if let nv = f(v) { pairs.append((k, nv)) } } else { pairs.append((k, v)) }
        }
        return .mapping(Node.Mapping(pairs, m.tag, m.style, m.mark))
    }

    static func isEmptyMapping(_ n: Node) -> Bool {
        if case .mapping(let m) = n { return m.isEmpty }
        return n.isNullScalar
    }

    /// The object as a manifest: no status, no fields the cluster manages, scalars restyled.
    static func strip(_ item: Node, kind: String) -> Node {
        var n = remove(item, keys: ["status"])
        n = update(n, "metadata") { meta in
            var m = remove(meta, keys: metadataDropped)
            m = update(m, "annotations") { a in
                let left = remove(a, keys: annotationsDropped)
                return isEmptyMapping(left) ? nil : left
            }
            return m
        }
        switch kind {
        case "Service":
            // The API server allocates cluster IPs; they are observed state. Headless stays.
            n = update(n, "spec") { spec in
                if string(spec, "clusterIP") == "None" { return remove(spec, keys: ["clusterIPs"]) }
                return remove(spec, keys: ["clusterIP", "clusterIPs"])
            }
        case "Pod":
            n = update(n, "spec") { remove($0, keys: ["nodeName"]) }
        case "Deployment", "StatefulSet", "DaemonSet":
            n = update(n, "spec") { spec in
                update(spec, "template") { t in
                    update(t, "metadata") { m in
                        let left = remove(m, keys: ["creationTimestamp"])
                        return isEmptyMapping(left) ? nil : left
                    }
                }
            }
        default: break
        }
        return restyle(n)
    }

    /// Quoted scalars that read the same unquoted become plain (JSON input quotes every
    /// string); the rest keep their quotes, so "80" stays a string and `true` a boolean.
    static func restyle(_ n: Node) -> Node {
        switch n {
        case .scalar(var s):
            // One style per value whatever the input's (YAML or JSON): a string is plain when
            // that reads back as the same string, else quoted (literal when it has line breaks);
            // numbers, booleans and nulls stay plain.
            let quoted = s.style == .doubleQuoted || s.style == .singleQuoted || s.style == .literal || s.style == .folded
            if !quoted && readsAsNonString(s.string) {
                s.style = .plain
            } else if s.string.contains("\n") {
                s.style = .literal
            } else {
                s.style = plainSafe(s.string) ? .plain : .doubleQuoted
            }
            s.mark = nil
            return .scalar(s)
        case .mapping(let m):
            return .mapping(Node.Mapping(m.map { (restyle($0.key), restyle($0.value)) }, m.tag, .block, nil))
        case .sequence(let q):
            return .sequence(Node.Sequence(q.map(restyle), q.tag, .block, nil))
        case .alias:
            return n
        }
    }

    /// A plain scalar YAML reads as something other than a string: null, a boolean (YAML 1.1's
    /// words too, as kubectl's YAML library reads them), a number.
    static func readsAsNonString(_ s: String) -> Bool {
        let words: Set<String> = ["", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
                                  "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"]
        if words.contains(s) { return true }
        if Int(s) != nil || Double(s) != nil { return true }
        let lower = s.lowercased()
        return lower.hasPrefix("0x") || lower.hasPrefix("0o") || lower == ".inf" || lower == "-.inf" || lower == ".nan"
    }

    /// A string YAML (1.1 or 1.2) reads as the same string unquoted, with no syntax in it.
    static func plainSafe(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, s.count <= 200 else { return false }
        let yaml11: Set<String> = ["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
                                   "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~"]
        if yaml11.contains(s) { return false }
        if !(first.properties.isAlphabetic || first == "/") { return false }
        for c in s.unicodeScalars {
            guard c.isASCII, c.properties.isAlphabetic || ("0"..."9").contains(c) || "-_./".unicodeScalars.contains(c) else { return false }
        }
        return Double(s) == nil
    }
}
