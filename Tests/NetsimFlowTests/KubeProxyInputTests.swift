import Foundation
import NetsimFlow
import NetsimIPAM
import NetsimKube
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

/// What kube-proxy reads from the API, as netsim reads it from manifests and the topology:
/// EndpointSlice conditions and hints, a Service's load balancer status and source ranges, its
/// traffic distribution, and kube-proxy's own configuration. Each lab is the datapath lab with
/// a few more manifests (and cluster settings).
@Suite("kube-proxy inputs")
struct KubeProxyInputTests {
    struct Loaded {
        var result: LoadResult
        var text: String
        func network() throws -> Network {
            let t = try #require(result.validTopology, "\(result.diagnostics.map(\.formatted))")
            return Network(topology: t, catalog: .builtin)
        }
        func datapaths() throws -> [NodeDatapath] {
            let n = try network()
            return n.fabric.realized.nodes.compactMap { NodeDatapath(fabric: n.fabric, node: $0.name) }
        }
        func diagnostics(_ code: String) -> [Diagnostic] { result.diagnostics.filter { $0.code.id == code } }
        /// 1-based line of the first occurrence of `needle` in the file.
        func line(of needle: String) -> Int? {
            text.components(separatedBy: "\n").firstIndex { $0.contains(needle) }.map { $0 + 1 }
        }
    }

    /// The datapath lab with `manifests` appended to its manifest list and `cluster` lines
    /// added to its cluster block.
    static func load(manifests: String, cluster: String = "", version: String? = nil) throws -> Loaded {
        var text = try String(contentsOf: Lab.root.appendingPathComponent("Tests/NetsimFlowTests/Fixtures/datapath-lab.yaml"), encoding: .utf8)
        if let version { text = text.replacingOccurrences(of: "  version: \"1.31\"\n", with: "  version: \(version)\n") }
        text = text.replacingOccurrences(of: "  cni:\n    AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: 192.168.0.0/16\n",
                                         with: "  cni:\n    AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: 192.168.0.0/16\n" + cluster)
        if !text.hasSuffix("\n") { text += "\n" }
        text += manifests
        let dir = try Scratch.makeDirectory(prefix: "netsim-kp")
        defer { Scratch.remove(dir) }
        let file = dir.appendingPathComponent("lab.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return Loaded(result: TopologyLoader(catalog: .builtin).load(path: file.path), text: text)
    }

    // MARK: - Item: conditions.serving unset

    /// An endpoint without `conditions.serving` is serving (`Serving == nil || *Serving`),
    /// whatever `ready` says: `{ready: false, terminating: true}` is a terminating endpoint
    /// kube-proxy falls back to, not a REJECT.
    @Test func servingUnsetIsServing() throws {
        let l = try Self.load(manifests: """
            - apiVersion: v1
              kind: Service
              metadata: {name: draining, namespace: lab}
              spec:
                ports: [{name: http, port: 80}]
            - apiVersion: discovery.k8s.io/v1
              kind: EndpointSlice
              metadata: {name: draining-1, namespace: lab, labels: {kubernetes.io/service-name: draining}}
              addressType: IPv4
              ports: [{name: http, port: 8080, protocol: TCP}]
              endpoints:
                - addresses: [10.1.40.10]
                  conditions: {ready: false, terminating: true}
                - addresses: [10.1.40.11]
                  conditions: {ready: false, serving: false, terminating: true}

        """)
        for dp in try l.datapaths() {
            #expect(dp.kubeProxy.natRules.contains { $0.contains("-j DNAT --to-destination 10.1.40.10:8080") }, "\(dp.node.name)")
            #expect(!dp.kubeProxy.natRules.contains { $0.contains("10.1.40.11:8080") }, "serving: false is not used")
            #expect(!dp.kubeProxy.filterRules.contains { $0.contains("lab/draining:http has no endpoints") })
        }
    }

    // MARK: - Items: load balancer status, source ranges, firewall

    static let edge = """
        - apiVersion: v1
          kind: Service
          metadata: {name: edge, namespace: lab}
          spec:
            type: LoadBalancer
            loadBalancerClass: example.com/metallb
            selector: {app: web}
            loadBalancerSourceRanges: [" 203.0.113.0/24 ", 198.51.100.0/24]
            ports: [{name: http, port: 80, targetPort: http}]
          status:
            loadBalancer:
              ingress:
                - ip: 198.18.0.10
                - {ip: 198.18.0.11, ipMode: Proxy}
                - {ip: 198.18.0.12, ipMode: VIP}
                - hostname: edge.example.com

    """

    /// `status.loadBalancer.ingress`: each VIP-mode address (ipMode unset or VIP) is captured
    /// in KUBE-SERVICES and goes through the Service's firewall chain; Proxy-mode addresses
    /// and hostnames are not (kube-proxy v1.31 `serviceport.go`, LoadBalancerIPMode on).
    @Test func loadBalancerIngressIsCaptured() throws {
        let l = try Self.load(manifests: Self.edge)
        let fw = ChainNames.firewall("lab/edge:http", "tcp")
        for dp in try l.datapaths() {
            let nat = dp.kubeProxy.natRules, filter = dp.kubeProxy.filterRules
            for ip in ["198.18.0.10", "198.18.0.12"] {
                #expect(nat.contains("-A KUBE-SERVICES -m comment --comment \"lab/edge:http loadbalancer IP\" -m tcp -p tcp -d \(ip) --dport 80 -j \(fw)"))
                #expect(filter.contains("-A KUBE-PROXY-FIREWALL -m comment --comment \"lab/edge:http traffic not accepted by \(fw)\" -m tcp -p tcp -d \(ip) --dport 80 -j DROP"))
            }
            #expect(!(nat + filter).contains { $0.contains("198.18.0.11") }, "ipMode Proxy is not captured")
            #expect(nat.contains("-A \(fw) -m comment --comment \"lab/edge:http loadbalancer IP\" -s 203.0.113.0/24 -j \(ChainNames.external("lab/edge:http", "tcp"))"))
        }
        try Self.expectTracesUseNodeRules(try l.network())
    }

    /// A source range with spaces around it is trimmed (`MapCIDRsByIPFamily`, and the API
    /// server's validation trims too), with a warning at the entry.
    @Test func sourceRangeSpacesAreTrimmed() throws {
        let l = try Self.load(manifests: Self.edge)
        let w = l.diagnostics("NS0812")
        #expect(w.count == 1)
        #expect(w.first?.severity == .warning)
        #expect(w.first?.location.line == l.line(of: "\" 203.0.113.0/24 \""))
        let svc = try #require(l.result.validTopology?.kubernetes.services.first { $0.meta.name == "edge" })
        #expect(svc.loadBalancerSourceRanges.map(\.description) == ["203.0.113.0/24", "198.51.100.0/24"])
    }

    // MARK: - Item: topology hints and trafficDistribution

    /// Zone hints on every ready endpoint: each node keeps the endpoints hinted for its own
    /// zone (`topology.kubernetes.io/zone`); one endpoint without a hint turns hints off.
    @Test func zoneHintsFilterClusterEndpoints() throws {
        let slice = { (name: String, third: String) in """
            - apiVersion: v1
              kind: Service
              metadata: {name: \(name), namespace: lab}
              spec:
                ports: [{name: http, port: 80}]
            - apiVersion: discovery.k8s.io/v1
              kind: EndpointSlice
              metadata: {name: \(name)-1, namespace: lab, labels: {kubernetes.io/service-name: \(name)}}
              addressType: IPv4
              ports: [{name: http, port: 8080, protocol: TCP}]
              endpoints:
                - addresses: [10.1.40.20]
                  hints: {forZones: [{name: us-east-1a}]}
                - addresses: [10.1.70.20]
                  hints: {forZones: [{name: us-east-1b}]}
                - addresses: [10.1.40.21]
                  \(third)

        """ }
        let l = try Self.load(manifests: slice("zoned", "hints: {forZones: [{name: us-east-1a}]}") + slice("half", "conditions: {ready: true}"))
        let n = try l.network()
        var zones: Set<String> = []
        for node in n.fabric.realized.nodes {
            let dp = try #require(NodeDatapath(fabric: n.fabric, node: node.name))
            let zoned = dp.kubeProxy.natRules.filter { $0.hasPrefix("-A \(ChainNames.service("lab/zoned:http", "tcp")) ") && $0.contains("-j KUBE-SEP-") }
            let want = node.zone == "us-east-1a" ? ["10.1.40.20:8080", "10.1.40.21:8080"] : ["10.1.70.20:8080"]
            #expect(zoned.count == want.count, "\(node.name) in \(node.zone): \(zoned)")
            for w in want { #expect(zoned.contains { $0.contains("-> \(w)") }, "\(node.name) lacks \(w)") }
            let half = dp.kubeProxy.natRules.filter { $0.hasPrefix("-A \(ChainNames.service("lab/half:http", "tcp")) ") && $0.contains("-j KUBE-SEP-") }
            #expect(half.count == 3, "an endpoint without a hint: hints are ignored")
            zones.insert(node.zone)
        }
        #expect(zones == ["us-east-1a", "us-east-1b"])
        // The trace walks the same rules `netsim node` prints (the shared cache knows hints
        // depend on the node).
        for node in n.fabric.realized.nodes {
            let dump = try IPTablesDump.parse(try #require(NodeDatapath(fabric: n.fabric, node: node.name)).iptablesText).get()
            let ipt = try #require(n.tracer.nodeInterpreter(node.name))
            let chain = ChainNames.service("lab/zoned:http", "tcp")
            #expect(ipt.rules(table: "nat", chain: chain) == dump.table("nat")?.chain(chain)?.rules)
        }
    }

    /// `trafficDistribution: PreferClose`: the EndpointSlice controller hints each endpoint for
    /// its own node's zone, so each node's KUBE-SVC holds the endpoints of its zone.
    @Test func preferCloseKeepsTrafficInTheZone() throws {
        let l = try Self.load(manifests: """
            - apiVersion: v1
              kind: Service
              metadata: {name: web-close, namespace: lab}
              spec:
                selector: {app: web}
                trafficDistribution: PreferClose
                ports: [{name: http, port: 80, targetPort: http}]

        """)
        #expect(l.diagnostics("NS0711").isEmpty, "PreferClose is modelled")
        let n = try l.network()
        let web = n.fabric.realized.pods.filter { $0.labels["app"] == "web" && $0.status == .running && $0.ip != nil }
        let zoneOf = Dictionary(n.fabric.realized.nodes.map { ($0.name, $0.zone) }, uniquingKeysWith: { a, _ in a })
        try #require(Set(web.compactMap { $0.node.flatMap { zoneOf[$0] } }).count == 2, "web runs in both zones")
        for node in n.fabric.realized.nodes {
            let dp = try #require(NodeDatapath(fabric: n.fabric, node: node.name))
            let rules = dp.kubeProxy.natRules.filter { $0.hasPrefix("-A \(ChainNames.service("lab/web-close:http", "tcp")) ") && $0.contains("-j KUBE-SEP-") }
            let same = web.filter { $0.node.flatMap { zoneOf[$0] } == node.zone }
            #expect(rules.count == same.count, "\(node.name)")
            for p in same { #expect(rules.contains { $0.contains("-> \(p.ip!):8080") }) }
        }
        // A trace from a pod stays in its zone.
        let client = try #require(n.fabric.realized.pods.first { $0.labels["app"] == "client" && $0.status == .running })
        let req = FlowRequest(from: try Endpoint.parse("pod:lab/\(client.name)").get(), to: try Endpoint.parse("service:lab/web-close").get(), port: 80)
        let dests = n.traceAllPaths(req).compactMap { r -> IPv4Address? in if case .traced(let t) = r { return t.forward.finalPacket.destination.v4 }; return nil }
        let sameZone = Set(web.filter { $0.node.flatMap { zoneOf[$0] } == client.node.flatMap { zoneOf[$0] } }.compactMap(\.ip))
        #expect(!dests.isEmpty && Set(dests).isSubset(of: sameZone))
    }

    /// `service.kubernetes.io/topology-mode: Auto`: the controller's proportional hints are not
    /// modelled; netsim says so (NS0711) instead of tracing as if the annotation were absent.
    @Test func topologyModeAutoWarns() throws {
        let l = try Self.load(manifests: """
            - apiVersion: v1
              kind: Service
              metadata:
                name: web-auto
                namespace: lab
                annotations: {service.kubernetes.io/topology-mode: Auto}
              spec:
                selector: {app: web}
                ports: [{name: http, port: 80, targetPort: http}]

        """)
        let w = l.diagnostics("NS0711")
        #expect(w.count == 1)
        #expect(w.first?.location.line == l.line(of: "service.kubernetes.io/topology-mode"))
        #expect(w.first?.message.contains("topology-mode") == true)
    }

    // MARK: - Item: kube-proxy's configuration

    /// Every chain a node's trace interpreter walks is the chain `netsim node` prints.
    static func expectTracesUseNodeRules(_ n: Network) throws {
        for node in n.fabric.realized.nodes {
            let dump = try IPTablesDump.parse(try #require(NodeDatapath(fabric: n.fabric, node: node.name)).iptablesText).get()
            let ipt = try #require(n.tracer.nodeInterpreter(node.name))
            for t in dump.tables {
                for c in t.chains { #expect(ipt.rules(table: t.name, chain: c.name) ?? [] == c.rules, "\(node.name) \(t.name) \(c.name)") }
            }
        }
    }

    /// Without `cluster.kubeProxy`: EKS's kube-proxy-config (no cluster CIDR, so no local
    /// detector; NodePorts on every local address, localhost ones too; the INVALID drop).
    @Test func kubeProxyDefaultsAreEKSs() throws {
        let l = try Self.load(manifests: "")
        for dp in try l.datapaths() {
            #expect(dp.kubeProxy.natRules.last == "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS")
            #expect(!dp.kubeProxy.natRules.contains { $0.contains("-j KUBE-MARK-MASQ") && $0.contains("cluster IP") })
            #expect(dp.kubeProxy.filterRules.contains { $0.hasPrefix("-A KUBE-FORWARD -m conntrack --ctstate INVALID") })
            #expect(dp.kubeProxy.filterChains.contains("KUBE-FIREWALL"))
        }
    }

    /// `cluster.kubeProxy` as the EKS add-on configuration sets it: clusterCIDR (the local
    /// detector), iptables.masqueradeAll, nodePortAddresses, iptables.localhostNodePorts,
    /// conntrack.tcpBeLiberal; rendered on every node and walked by traces.
    @Test func kubeProxySettingsShapeTheRules() throws {
        let l = try Self.load(manifests: "", cluster: """
              kubeProxy:
                clusterCIDR: 10.1.0.0/16
                nodePortAddresses: [10.1.32.0/19, 10.1.64.0/19]
                iptables: {masqueradeAll: true, localhostNodePorts: false}
                conntrack: {tcpBeLiberal: true}

            """)
        #expect(l.result.diagnostics.filter { $0.code.id.hasPrefix("NS081") }.isEmpty, "\(l.result.diagnostics.map(\.formatted))")
        let n = try l.network()
        let svc = ChainNames.service("lab/web:http", "tcp")
        let ext = ChainNames.external("lab/client-local:http", "tcp")
        for node in n.fabric.realized.nodes {
            let dp = try #require(NodeDatapath(fabric: n.fabric, node: node.name))
            let nat = dp.kubeProxy.natRules
            // masqueradeAll: every ClusterIP connection is marked, no detector condition.
            #expect(nat.contains { $0.hasPrefix("-A \(svc) -m comment --comment \"lab/web:http cluster IP\"") && $0.hasSuffix("--dport 80 -j KUBE-MARK-MASQ") })
            // The detector: pods (10.1.0.0/16) reaching an eTP Local NodePort go to the Cluster chain.
            #expect(nat.contains("-A \(ext) -m comment --comment \"pod traffic for lab/client-local:http external destinations\" -s 10.1.0.0/16 -j \(ChainNames.service("lab/client-local:http", "tcp"))"))
            // nodePortAddresses: one rule per ENI address in the CIDRs, no catch-all, no localhost.
            let enis = node.ipam.enis.filter { !$0.isTrunk }.sorted { $0.deviceIndex < $1.deviceIndex }.map(\.primaryIP)
            let tail = nat.filter { $0.contains("kubernetes service nodeports") }
            #expect(tail == enis.map { "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -d \($0) -j KUBE-NODEPORTS" })
            #expect(enis.count > 1)
            #expect(!nat.contains { $0.contains("127.0.0.0/8") })
            // tcpBeLiberal: no INVALID drop; localhost NodePorts off: no KUBE-FIREWALL.
            #expect(!dp.kubeProxy.filterRules.contains { $0.contains("INVALID") })
            #expect(!dp.kubeProxy.filterChains.contains("KUBE-FIREWALL"))
        }
        try Self.expectTracesUseNodeRules(n)
    }

    /// detectLocalMode InterfaceNamePrefix (pods are what arrives on `eni+`) and `primary`
    /// NodePort addresses.
    @Test func interfaceDetectorAndPrimaryNodePorts() throws {
        let l = try Self.load(manifests: "", cluster: """
              kubeProxy:
                detectLocalMode: InterfaceNamePrefix
                detectLocal: {interfaceNamePrefix: eni}
                nodePortAddresses: [primary]

            """)
        let n = try l.network()
        let svc = ChainNames.service("lab/web:http", "tcp")
        for node in n.fabric.realized.nodes {
            let dp = try #require(NodeDatapath(fabric: n.fabric, node: node.name))
            let nat = dp.kubeProxy.natRules
            #expect(nat.contains { $0.hasPrefix("-A \(svc) -m comment --comment \"lab/web:http cluster IP\"") && $0.hasSuffix("--dport 80 ! -i eni+ -j KUBE-MARK-MASQ") })
            #expect(nat.filter { $0.contains("kubernetes service nodeports") } == ["-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -d \(node.primaryIP) -j KUBE-NODEPORTS"])
            #expect(!dp.kubeProxy.filterChains.contains("KUBE-FIREWALL"), "primary does not include 127.0.0.1: localhost NodePorts are off")
        }
        try Self.expectTracesUseNodeRules(n)
    }

    /// Bad settings: located errors (NS0810 for what kube-proxy refuses, the general codes for
    /// types, choices and unknown keys), warnings (NS0811) for what it overrides.
    @Test func kubeProxySettingErrors() throws {
        let l = try Self.load(manifests: "", cluster: """
              kubeProxy:
                clusterCIDR: 10.1.0.0/33
                detectLocalMode: BridgeInterface
                nodePortAddresses: [10.1.0.0/16, eth0]
                iptables: {masqueradeAll: yes, localhostNodePorts: true}
                conntrack: {tcpBeLiberal: true, maxPerCore: 0}
                masqueradeALL: true

            """)
        #expect(l.result.validTopology == nil)
        let e810 = l.diagnostics("NS0810")
        #expect(e810.map(\.location.line).sorted() == [l.line(of: "detectLocalMode: BridgeInterface"), l.line(of: "nodePortAddresses: [10.1")].compactMap { $0 }.sorted())
        #expect(e810.allSatisfy { $0.severity == .error && !$0.hint.isEmpty })
        // clusterCIDR is not read in BridgeInterface mode (so not validated either).
        let w811 = l.diagnostics("NS0811")
        #expect(w811.map(\.location.line).sorted() == [l.line(of: "clusterCIDR: 10.1.0.0/33"), l.line(of: "localhostNodePorts: true")].compactMap { $0 }.sorted())
        let bad = try Self.load(manifests: "", cluster: "  kubeProxy: {clusterCIDR: 10.1.0.0/33}\n")
        #expect(bad.diagnostics("NS0810").count == 1 && bad.result.validTopology == nil)
        #expect(l.result.diagnostics.contains { $0.code == .wrongType && $0.location.line == l.line(of: "masqueradeAll: yes") })
        #expect(l.result.diagnostics.contains { $0.code == .unknownKey && $0.message.contains("maxPerCore") })
        #expect(l.result.diagnostics.contains { $0.code == .unknownKey && $0.message.contains("masqueradeALL") })
        let mode = try Self.load(manifests: "", cluster: "  kubeProxy: {detectLocalMode: Bridge, nodePortAddresses: []}\n")
        #expect(mode.result.diagnostics.contains { $0.code == .invalidValue && $0.message.contains("'Bridge'") })
        #expect(mode.diagnostics("NS0811").isEmpty, "no second diagnostic for a mode that is not valid")
        // Interface names iptables would refuse (kube-proxy's sync would then fail): one error each.
        let long = String(repeating: "e", count: 15)
        let names = try Self.load(manifests: "", cluster: "  kubeProxy: {detectLocalMode: InterfaceNamePrefix, detectLocal: {interfaceNamePrefix: \"\(long)\", bridgeInterface: \"br 0\"}}\n")
        #expect(names.diagnostics("NS0810").count == 2, "\(names.result.diagnostics.map(\.formatted))")
        #expect(names.result.validTopology == nil)
        let fits = try Self.load(manifests: "", cluster: "  kubeProxy: {detectLocalMode: InterfaceNamePrefix, detectLocal: {interfaceNamePrefix: \"\(long.dropLast())\"}}\n")
        #expect(fits.result.validTopology != nil, "\(fits.result.diagnostics.map(\.formatted))")
    }

    /// detectLocalMode NodeCIDR: v1.31 `platformSetup` waits for the node's spec.podCIDR
    /// (`waitForPodCIDR`, 5 minutes) and fails; EKS nodes have none, so kube-proxy exits and
    /// crash-loops. An error, not a run without a detector.
    @Test func nodeCIDRModeNeverStarts() throws {
        let l = try Self.load(manifests: "", cluster: "  kubeProxy: {detectLocalMode: NodeCIDR}\n")
        let e = l.diagnostics("NS0810")
        #expect(e.count == 1 && e.first?.severity == .error, "\(l.result.diagnostics.map(\.formatted))")
        #expect(e.first?.message.contains("spec.podCIDR") == true && e.first?.message.contains("exits") == true)
        #expect(e.first?.location.line == l.line(of: "detectLocalMode: NodeCIDR"))
        #expect(e.first?.hint.contains("InterfaceNamePrefix") == true)
        #expect(l.diagnostics("NS0811").isEmpty)
        #expect(l.result.validTopology == nil)
    }

    /// kube-proxy v1.31's start-up validation (validation.go) of clusterCIDR and
    /// nodePortAddresses, with k8s.io/utils ParseCIDRSloppy: what it refuses is an error saying
    /// kube-proxy would not start; what it accepts (leading zeros) netsim accepts.
    @Test func kubeProxyValidationMatchesV131() throws {
        func errors(_ kubeProxy: String) throws -> (Loaded, [Diagnostic]) {
            let l = try Self.load(manifests: "", cluster: "  kubeProxy: \(kubeProxy)\n")
            return (l, l.diagnostics("NS0810"))
        }
        // Two IPv4 CIDRs: validateDualStackCIDRStrings wants one, or one of each family.
        let (two, twoE) = try errors("{clusterCIDR: \"10.0.0.0/16,10.1.0.0/16\"}")
        #expect(twoE.count == 1 && twoE.first?.message.contains("would not start") == true, "\(two.result.diagnostics.map(\.formatted))")
        #expect(two.result.validTopology == nil)
        #expect(twoE.first?.hint.contains("clusterCIDR: 10.0.0.0/15") == true, "the smallest CIDR holding both")
        let (dual, dualE) = try errors("{clusterCIDR: \"10.0.0.0/16,fd00::/48\"}")
        #expect(dualE.isEmpty && dual.result.validTopology != nil, "\(dual.result.diagnostics.map(\.formatted))")
        // ParseCIDRSloppy trims nothing.
        for text in ["\" 10.0.0.0/16 \"", "\"10.0.0.0/16, fd00::/48\"", "\"10.0.0.0/16,\"", "\" \""] {
            let (l, e) = try errors("{clusterCIDR: \(text)}")
            #expect(e.count == 1 && e.first?.message.contains("would not start") == true, "\(text): \(l.result.diagnostics.map(\.formatted))")
        }
        // Leading zeros are accepted (decimal, as the Go 1.16 parser did), host bits masked.
        for text in ["010.000.0.0/16", "10.0.0.0/016", "0010.0.0.5/16"] {
            let (l, e) = try errors("{clusterCIDR: \"\(text)\"}")
            #expect(e.isEmpty, "\(text): \(l.result.diagnostics.map(\.formatted))")
            let dp = try #require(try l.datapaths().first)
            #expect(dp.kubeProxy.natRules.contains { $0.contains("! -s 10.0.0.0/16 ") } || dp.kubeProxy.natRules.contains { $0.contains("-s 10.0.0.0/16 ") }, "\(text)")
        }
        for text in ["10.0.0.256/16", "10.0.0.0/33", "10.0.0/16", "10.0.0.0/-1", "+10.0.0.0/16"] {
            let (_, e) = try errors("{clusterCIDR: \"\(text)\"}")
            #expect(e.count == 1, "\(text)")
        }
        // clusterCIDR is read, and validated, only in ClusterCIDR mode.
        let (other, otherE) = try errors("{clusterCIDR: \"not a cidr\", detectLocalMode: InterfaceNamePrefix, detectLocal: {interfaceNamePrefix: eni}}")
        #expect(otherE.isEmpty && other.result.validTopology != nil, "\(other.result.diagnostics.map(\.formatted))")
        #expect(other.diagnostics("NS0811").count == 1 && other.diagnostics("NS0811").first?.location.line == other.line(of: "not a cidr"))
        // 'primary' must be alone.
        for list in ["[0.0.0.0/0, primary]", "[primary, 10.1.0.0/16]"] {
            let (l, e) = try errors("{nodePortAddresses: \(list)}")
            #expect(e.count == 1 && e.first?.message.contains("can't use both 'primary' and CIDRs") == true, "\(list): \(l.result.diagnostics.map(\.formatted))")
            #expect(l.result.validTopology == nil)
        }
        for list in ["[\" 10.0.0.0/16\"]", "[\" primary\"]"] {
            let (_, e) = try errors("{nodePortAddresses: \(list)}")
            #expect(e.count == 1 && e.first?.message.contains("would not start") == true, "\(list)")
        }
        let (zeros, zerosE) = try errors("{nodePortAddresses: [\"010.000.0.0/16\"]}")
        #expect(zerosE.isEmpty && zeros.result.validTopology != nil, "\(zeros.result.diagnostics.map(\.formatted))")
    }

    /// Interface names iptables refuses, control characters included: a NUL byte never
    /// reaches `netsim node`'s rules.
    @Test func interfaceNamesWithControlCharacters() throws {
        for name in ["e\\u0000n", "e\\tn", "e\\u007Fn"] {
            let l = try Self.load(manifests: "", cluster: "  kubeProxy: {detectLocalMode: InterfaceNamePrefix, detectLocal: {interfaceNamePrefix: \"\(name)\"}}\n")
            let e = l.diagnostics("NS0810")
            #expect(e.count == 1, "\(name): \(l.result.diagnostics.map(\.formatted))")
            #expect(e.allSatisfy { !$0.message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }, "\(name)")
            #expect(l.result.validTopology == nil)
        }
    }

    /// A megabyte value is echoed clipped, not in full.
    @Test func longValuesAreClipped() throws {
        let td = try Self.load(manifests: """
            - apiVersion: v1
              kind: Service
              metadata: {name: web-far, namespace: lab}
              spec:
                selector: {app: web}
                trafficDistribution: \(String(repeating: "x", count: 1_000_000))
                ports: [{name: http, port: 80, targetPort: http}]

        """)
        #expect(td.result.diagnostics.contains { $0.message.contains("trafficDistribution") && $0.message.utf8.count < 400 })
        #expect(td.result.diagnostics.allSatisfy { $0.message.utf8.count < 2_000 })
        let big = String(repeating: "1", count: 1_000_000)
        for kubeProxy in ["{clusterCIDR: \"\(big)/16\"}", "{detectLocalMode: InterfaceNamePrefix, detectLocal: {interfaceNamePrefix: \"\(big)\"}}",
                          "{nodePortAddresses: [\"\(big)\"]}", "{clusterCIDR: \"10.0.0.0/16,\(big),fd00::/48\"}"] {
            let l = try Self.load(manifests: "", cluster: "  kubeProxy: \(kubeProxy)\n")
            let e = l.diagnostics("NS0810")
            #expect(e.count == 1)
            #expect(e.allSatisfy { $0.message.utf8.count < 400 && $0.message.contains("…") }, "\(e.map { $0.message.utf8.count })")
        }
    }

    // MARK: - Item: version-dependent fields

    /// trafficDistribution is alpha in 1.30 (gate off, EKS turns on no alpha gate) and absent
    /// before: the API server drops it, so no hints, and every node uses every endpoint.
    @Test func trafficDistributionNeedsKubernetes131() throws {
        let svc = """
            - apiVersion: v1
              kind: Service
              metadata: {name: web-close, namespace: lab}
              spec:
                selector: {app: web}
                trafficDistribution: PreferClose
                ports: [{name: http, port: 80, targetPort: http}]

        """
        for version in ["\"1.30\"", "\"1.29\"", "v1.30.4"] {
            let l = try Self.load(manifests: svc, version: version)
            let w = l.diagnostics("NS0813")
            #expect(w.count == 1 && w.first?.severity == .warning, "\(version): \(l.result.diagnostics.map(\.formatted))")
            #expect(w.first?.location.line == l.line(of: "trafficDistribution: PreferClose"))
            let n = try l.network()
            let web = n.fabric.realized.pods.filter { $0.labels["app"] == "web" && $0.status == .running && $0.ip != nil }
            let zones = Set(n.fabric.realized.nodes.map(\.zone))
            try #require(zones.count == 2)
            for node in n.fabric.realized.nodes {
                let dp = try #require(NodeDatapath(fabric: n.fabric, node: node.name))
                let rules = dp.kubeProxy.natRules.filter { $0.hasPrefix("-A \(ChainNames.service("lab/web-close:http", "tcp")) ") && $0.contains("-j KUBE-SEP-") }
                #expect(rules.count == web.count, "\(version) \(node.name): every endpoint, not the zone's")
            }
        }
        // 1.31 and later (and an unreadable version: netsim models 1.31) keep PreferClose.
        for version in ["\"1.31\"", "\"1.33\"", "latest"] {
            let l = try Self.load(manifests: svc, version: version)
            #expect(l.diagnostics("NS0813").isEmpty, "\(version)")
        }
        #expect(Cluster.kubernetesMinor("1.30") == 30 && Cluster.kubernetesMinor("v1.29.3") == 29)
        #expect(Cluster.kubernetesMinor("1.") == nil && Cluster.kubernetesMinor("2.0") == nil && Cluster.kubernetesMinor(String(repeating: "9", count: 100)) == nil)
    }
}
