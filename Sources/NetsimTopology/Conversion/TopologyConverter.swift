import NetsimModel
import Yams

/// Turns a composed topology document into the core `Topology`, reporting every problem it
/// finds rather than stopping at the first.
///
/// Works in two phases, as Batfish's converters do: the walk records each definition and
/// each reference with its location; `resolve()` then checks references, kinds and the
/// address plan against the whole model.
final class TopologyConverter {
    let file: String
    let reporter: Reporter
    let catalog: InstanceCatalog
    let manifests: ManifestResolver
    var seed: UInt64 = 0
    /// `--set` aws-node settings, read after `cluster.cni` as if written there.
    var cniOverrides: [SettingOverride] = []
    var region = "us-east-1"

    /// Kinds of named objects, for duplicate and reference checks.
    enum Kind: String, CaseIterable {
        case vpc = "VPC", subnet, routeTable = "route table", securityGroup = "security group"
        case networkACL = "network ACL", internetGateway = "internet gateway"
        case egressOnlyInternetGateway = "egress-only internet gateway", natGateway = "NAT gateway"
        case gatewayEndpoint = "gateway endpoint", networkInterface = "network interface"
        case prefixList = "prefix list", peeringConnection = "peering connection"
        case transitGateway = "transit gateway", eniConfig = "ENIConfig", nodeGroup = "node group"
        case external
        case interfaceEndpoint = "interface endpoint"
        case vpnGateway = "virtual private gateway"

        var isRouteTarget: Bool {
            switch self {
            case .internetGateway, .egressOnlyInternetGateway, .natGateway, .gatewayEndpoint,
                 .networkInterface, .peeringConnection, .transitGateway, .vpnGateway: return true
            default: return false
            }
        }
    }

    struct Definition {
        var kind: Kind
        var name: String
        /// The VPC it belongs to, for VPC-scoped kinds.
        var vpc: String?
        var location: SourceLocation
    }

    struct Reference {
        var kind: Kind
        var name: String
        /// The VPC the reference must resolve in, if scoped.
        var vpc: String?
        var location: SourceLocation
        var context: String
        /// Whether an object of another VPC also satisfies it (a security group of a peered VPC).
        var crossVPC: Bool
    }

    /// Objects the file names; names of a kind are unique across the topology.
    var definitions: [Kind: [String: Definition]] = [:]
    /// Objects AWS creates in every VPC (main route table, default ACL, default group), which
    /// share a name across VPCs; in VPC order.
    var implicitDefinitions: [Kind: [Definition]] = [:]
    var references: [Reference] = []

    /// Route targets named by string, resolved once every definition is known:
    /// (VPC, route table, route index, target name, where the name is written).
    var pendingRouteTargets: [(vpc: String, table: String, index: Int, name: String, location: SourceLocation)] = []

    /// Field locations the semantic checks point at.
    var locations: [String: SourceLocation] = [:]

    init(file: String, reporter: Reporter, catalog: InstanceCatalog, manifests: ManifestResolver) {
        self.file = file; self.reporter = reporter; self.catalog = catalog; self.manifests = manifests
    }

    /// Records a definition; a second one of the same kind and name is a duplicate.
    @discardableResult
    func define(_ kind: Kind, _ name: String, vpc: String? = nil, at location: SourceLocation) -> Bool {
        if let first = definitions[kind]?[name] {
            reporter.error(.duplicateName, "\(kind.rawValue) '\(echo: name)' is defined twice", at: location,
                           hint: "give each \(kind.rawValue) its own name",
                           notes: [Diagnostic.Note("first defined here", at: first.location)])
            return false
        }
        definitions[kind, default: [:]][name] = Definition(kind: kind, name: name, vpc: vpc, location: location)
        return true
    }

    func reference(_ kind: Kind, _ name: String, vpc: String? = nil, crossVPC: Bool = false, at location: SourceLocation,
                   from context: String) {
        references.append(Reference(kind: kind, name: name, vpc: vpc, location: location, context: context, crossVPC: crossVPC))
    }

    /// The object a name refers to from `vpc`: that VPC's implicit object of the name first,
    /// then the named object, then any VPC's implicit object of the name.
    func lookup(_ kind: Kind, _ name: String, in vpc: String?) -> Definition? {
        let implicit = implicitDefinitions[kind] ?? []
        if let vpc, let own = implicit.first(where: { $0.vpc == vpc && $0.name == name }) { return own }
        return definitions[kind]?[name] ?? implicit.first { $0.name == name }
    }

    func makeID(_ prefix: String, _ name: String, given: String?, at location: SourceLocation) -> String {
        if let given {
            let body = given.dropFirst(prefix.count + 1)
            let valid = given.hasPrefix(prefix + "-") && (8...17).contains(body.count)
                && body.allSatisfy { $0.isHexDigit && !$0.isUppercase }
            if valid { return given }
            reporter.error(.invalidValue, "id '\(echo: given)' is not a \(prefix) ID", at: location,
                           hint: "AWS IDs read '\(echo: prefix)-' and 8 to 17 lower-case hex digits, e.g. \(AWSID.make(prefix, name: name, seed: seed))")
        }
        return AWSID.make(prefix, name: name, seed: seed)
    }

    // MARK: entry point

    func convert(_ root: Node) -> Topology? {
        guard let top = MappingReader.make(root, file: file, context: "the topology", reporter: reporter) else { return nil }
        let apiVersion = top.string("apiVersion", required: true, hint: "start the file with 'apiVersion: netsim/v1'")
        if let apiVersion, apiVersion != "netsim/v1" {
            reporter.error(.unsupportedVersion, "apiVersion '\(echo: apiVersion)' is not supported", at: top.valueLocation("apiVersion"),
                           hint: "this netsim reads 'netsim/v1'")
        }
        if let kind = top.string("kind", required: true, hint: "add 'kind: Topology'"), kind != "Topology" {
            reporter.error(.unsupportedVersion, "kind '\(echo: kind)' is not a netsim topology", at: top.valueLocation("kind"),
                           hint: "a netsim file has 'kind: Topology'; Kubernetes manifests go under kubernetes.manifests")
        }
        let name = top.string("name", required: true) ?? "topology"
        if let r = top.string("region") {
            if Self.isRegion(r) { region = r } else {
                reporter.error(.invalidValue, "region '\(echo: r)' is not an AWS region name", at: top.valueLocation("region"),
                               hint: "write it as AWS does, e.g. us-east-1 or eu-west-2")
            }
        }
        if let s = top.int("seed", range: 0...Int.max) { seed = UInt64(s) }
        var topology = Topology(name: name, region: region, seed: seed, location: top.location)
        if top.has("accountId") && top.node("accountId") == nil {
            // null, ~ or nothing: the schema refuses it, and so does the loader (no silent default).
            reporter.error(.invalidValue, "accountId is null: it needs an AWS account ID", at: top.valueLocation("accountId"),
                           hint: "write 12 digits in quotes, e.g. \"\(Topology.defaultAccountID)\", or drop the key for that default")
        } else if let a = top.string("accountId") {
            if Topology.isAccountID(a) { topology.accountID = a } else {
                reporter.error(.invalidValue, "accountId '\(echo: a)' is not an AWS account ID", at: top.valueLocation("accountId"),
                               hint: "an account ID is 12 digits, e.g. \(Topology.defaultAccountID) (the default); quote it when it starts with 0")
            }
        }

        topology.prefixLists = (top.list("prefixLists") ?? []).enumerated().compactMap { convertPrefixList($1, index: $0) }
        if let vpcNode = top.node("vpc") {
            if let vpc = convertVPC(vpcNode, context: "vpc") { topology.vpcs.append(vpc) }
        } else {
            top.missing("vpc", hint: "describe the VPC the cluster runs in")
        }
        for (i, n) in (top.list("peerVpcs") ?? []).enumerated() {
            if let vpc = convertVPC(n, context: "peerVpcs[\(i)]") { topology.vpcs.append(vpc) }
        }
        topology.peeringConnections = (top.list("peeringConnections") ?? []).compactMap(convertPeering)
        topology.transitGateways = (top.list("transitGateways") ?? []).compactMap { convertTransitGateway($0, vpcs: topology.vpcs) }
        if let c = top.node("cluster") {
            topology.cluster = convertCluster(c, vpc: topology.primaryVPC?.name, vpcBlocks: topology.primaryVPC?.cidrBlocks ?? [])
        } else if let first = cniOverrides.first {
            reporter.error(.invalidSetting, "--set \(first.name) sets an aws-node variable, but '\(file)' has no cluster", at: first.location,
                           hint: "add a cluster: section, or drop --set")
        }
        topology.externals = (top.list("externals") ?? []).compactMap(convertExternal)
        if let k = top.mapping("kubernetes") { topology.kubernetes = convertKubernetes(k, kubernetesMinor: topology.cluster?.kubernetesMinor, ipv6Cluster: topology.cluster?.ipFamily == .ipv6) }
        let expectNodes = top.list("expect") ?? []
        top.finish()

        addClusterSecurityGroup(&topology)
        addImplicitObjects(&topology)
        resolve(&topology)
        validateInterfaceEndpoints(topology)
        checkTransitGateways(topology)
        validateControlPlane(topology)
        ImpliedLoadBalancerController.add(&topology)
        topology.expectations = expectNodes.enumerated().compactMap { convertIntent($1, index: $0, topology: topology) }
        validateKubernetes(topology)
        topology.loadBalancerSpecs = LoadBalancerSpecs.read(topology.kubernetes)
        validateLoadBalancers(topology)
        return topology
    }

    static func isRegion(_ s: String) -> Bool {
        let parts = s.split(separator: "-")
        guard parts.count >= 3, let last = parts.last, Int(last) != nil else { return false }
        return parts.dropLast().allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isLetter && $0.isLowercase } }
    }
}

/// Expands `kubernetes.manifests` globs into parsed documents; supplied by the loader.
protocol ManifestResolver {
    /// The documents of every file `pattern` matches, each with the file's display path.
    func documents(matching pattern: String, at location: SourceLocation) -> [(file: String, documents: [Node])]
}
