import Foundation

/// A Linux network namespace made for a test (`ip netns add`), for running real tools against
/// netsim's output. Make one with `with(prefix:_:)`, or keep several in a `NamespaceSet`; either
/// deletes them even when the test fails.
public struct NetworkNamespace: Hashable, Sendable {
    public let name: String

    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
    }

    /// iproute2's `ip`.
    public static let ipTool = Subprocess.firstExecutable(["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]) ?? "/usr/sbin/ip"

    /// Whether namespaces can be made here: root, iproute2, and a probe namespace added and deleted.
    public static let available: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: ipTool) else { return false }
        let probe = uniqueName("netsim-probe")
        guard Subprocess.run(ipTool, ["netns", "add", probe]).status == 0 else { return false }
        _ = Subprocess.run(ipTool, ["netns", "del", probe])
        return true
    }()

    /// `prefix-` and 8 random hex digits.
    public static func uniqueName(_ prefix: String) -> String {
        prefix + "-" + String(format: "%08x", UInt32.random(in: 0...UInt32.max))
    }

    /// Adds the namespace `name`; throws with ip's error when that fails.
    public static func create(_ name: String) throws -> NetworkNamespace {
        let r = Subprocess.run(ipTool, ["netns", "add", name])
        guard r.status == 0 else { throw SetupError(description: "ip netns add \(name) failed (exit \(r.status)): \(r.err)") }
        return NetworkNamespace(name: name)
    }

    /// A new namespace named `prefix-XXXXXXXX` for the time of `body`; deleted afterwards, also
    /// when `body` throws.
    public static func with<T>(prefix: String, _ body: (NetworkNamespace) throws -> T) throws -> T {
        let ns = try create(uniqueName(prefix))
        defer { ns.delete() }
        return try body(ns)
    }

    /// The names `ip netns list` shows.
    public static func list() -> [String] {
        Subprocess.run(ipTool, ["netns", "list"]).out.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    /// `ip netns del`; the result is for callers that care.
    @discardableResult
    public func delete() -> ProcessResult { Subprocess.run(Self.ipTool, ["netns", "del", name]) }

    /// `ip -n NAME args…`, with `input` on standard input (`-batch -`).
    public func ip(_ args: [String], input: String? = nil) -> ProcessResult {
        Subprocess.run(Self.ipTool, ["-n", name] + args, input: input)
    }

    /// `tool args…` run inside the namespace (`ip netns exec`).
    public func exec(_ tool: String, _ args: [String] = [], input: String? = nil, timeout: TimeInterval? = nil) -> ProcessResult {
        Subprocess.run(Self.ipTool, ["netns", "exec", name, tool] + args, input: input, timeout: timeout)
    }

    /// Whether the kernel here can make links of `type` (`vlan`, `macvlan`, …) on `parent`
    /// inside this namespace: one is added and deleted again. Kernels built without 802.1Q
    /// answer "Unknown device type".
    public func canCreate(linkType type: String, parent: String, extra: [String] = []) -> Bool {
        let probe = "nsprobe" + String(format: "%04x", UInt16.random(in: 0...UInt16.max))
        guard ip(["link", "add", "link", parent, "name", probe, "type", type] + extra).status == 0 else { return false }
        _ = ip(["link", "del", probe])
        return true
    }

    /// `ip -n NAME -batch -` with one command a line; throws with ip's error.
    public func batch(_ lines: [String]) throws {
        let r = ip(["-batch", "-"], input: lines.joined(separator: "\n") + "\n")
        guard r.status == 0 else { throw SetupError(description: "ip -n \(name) -batch failed (exit \(r.status)): \(r.err)") }
    }

    /// `tool args…` started inside the namespace in the background (see `Subprocess.start`).
    public func start(_ tool: String, _ args: [String] = []) throws -> Process {
        try Subprocess.start(Self.ipTool, ["netns", "exec", name, tool] + args)
    }
}

/// Namespaces made one by one and deleted together: `let set = NamespaceSet(); defer
/// { set.deleteAll() }`.
public final class NamespaceSet: @unchecked Sendable {
    public private(set) var namespaces: [NetworkNamespace] = []

    public init() {}

    /// Adds the namespace `name` (see `NetworkNamespace.create`) and keeps it for `deleteAll()`.
    @discardableResult
    public func create(_ name: String) throws -> NetworkNamespace {
        let ns = try NetworkNamespace.create(name)
        namespaces.append(ns)
        return ns
    }

    /// Deletes every namespace made here.
    public func deleteAll() {
        for ns in namespaces { ns.delete() }
        namespaces.removeAll()
    }

    deinit { deleteAll() }
}
