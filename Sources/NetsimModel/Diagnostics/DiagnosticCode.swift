/// A stable diagnostic code such as `NS0201`, with a kebab-case name and a one-line summary.
///
/// Codes never change meaning once released; new problems get new codes. Every code is
/// documented in `Docs/diagnostics.md` (a test keeps the two in step).
public struct DiagnosticCode: Hashable, Sendable, CustomStringConvertible {
    /// `NS` followed by four digits: the first two name the area.
    public let id: String
    /// A short kebab-case name, used as the SARIF rule name.
    public let name: String
    /// One sentence describing the problem class.
    public let summary: String

    init(_ id: String, _ name: String, _ summary: String) {
        self.id = id; self.name = name; self.summary = summary
    }

    public var description: String { id }

    // MARK: NS00xx — files and input limits
    public static let fileNotFound = DiagnosticCode("NS0001", "file-not-found", "The named file does not exist.")
    public static let isDirectory = DiagnosticCode("NS0002", "is-a-directory", "A directory was given where a topology file was expected.")
    public static let unreadable = DiagnosticCode("NS0003", "unreadable-file", "The file could not be read, or is binary.")
    public static let notUTF8 = DiagnosticCode("NS0004", "not-utf8", "The file is not valid UTF-8 text.")
    public static let tooLarge = DiagnosticCode("NS0005", "input-too-large", "The file is larger than the input size limit.")
    public static let emptyFile = DiagnosticCode("NS0006", "empty-file", "The file holds no YAML document.")
    public static let notRegularFile = DiagnosticCode("NS0007", "not-a-regular-file", "A manifest glob matched a FIFO, socket or device; only regular files are read.")
    public static let deviceInput = DiagnosticCode("NS0008", "device-input", "A character or block device named as an input file; netsim reads regular files, FIFOs and standard input.")

    // MARK: NS01xx — YAML structure
    public static let yamlSyntax = DiagnosticCode("NS0101", "yaml-syntax", "The text is not well-formed YAML.")
    public static let duplicateKey = DiagnosticCode("NS0102", "duplicate-key", "A mapping states the same key twice.")
    public static let nestingTooDeep = DiagnosticCode("NS0103", "nesting-too-deep", "The document nests deeper than the parser allows.")
    public static let aliasExpansion = DiagnosticCode("NS0104", "alias-expansion-limit", "YAML aliases expand to more nodes than the limit allows.")
    public static let topLevelNotMapping = DiagnosticCode("NS0105", "top-level-not-mapping", "The document's top level is a list or a scalar, not a mapping.")
    public static let multipleDocuments = DiagnosticCode("NS0106", "multiple-documents", "A topology file holds more than one YAML document.")

    // MARK: NS02xx — schema
    public static let unknownKey = DiagnosticCode("NS0201", "unknown-key", "A key that this place of the format does not define.")
    public static let wrongType = DiagnosticCode("NS0202", "wrong-type", "A value of the wrong type (for example a list where a mapping belongs).")
    public static let missingKey = DiagnosticCode("NS0203", "missing-key", "A required key is absent.")
    public static let invalidValue = DiagnosticCode("NS0204", "invalid-value", "A value outside the allowed set or range.")
    public static let unsupportedVersion = DiagnosticCode("NS0205", "unsupported-version", "An apiVersion or kind netsim does not read.")
    public static let controlCharacterInName = DiagnosticCode("NS0206", "control-character-in-name", "A name that holds a control character (NUL, tab, newline, ESC, DEL, …), which neither AWS nor Kubernetes accepts.")

    // MARK: NS03xx — addresses and ports
    public static let invalidCIDR = DiagnosticCode("NS0301", "invalid-cidr", "Text that is not a valid CIDR block.")
    public static let invalidAddress = DiagnosticCode("NS0302", "invalid-address", "Text that is not a valid IP address.")
    public static let invalidPort = DiagnosticCode("NS0303", "invalid-port", "A port or port range outside 0–65535, or malformed.")
    public static let cidrHostBits = DiagnosticCode("NS0304", "cidr-host-bits", "A CIDR block with host bits set.")
    public static let cidrSize = DiagnosticCode("NS0305", "cidr-size", "A VPC or subnet CIDR block outside the sizes AWS allows (/16 to /28).")

    // MARK: NS04xx — address plan
    public static let subnetOutsideVPC = DiagnosticCode("NS0401", "subnet-outside-vpc", "A subnet CIDR not inside any CIDR block of its VPC.")
    public static let overlappingSubnets = DiagnosticCode("NS0402", "overlapping-subnets", "Two subnets of one VPC overlap.")
    public static let serviceCIDROverlap = DiagnosticCode("NS0403", "service-cidr-overlap", "The cluster's service CIDR overlaps a VPC CIDR block.")
    public static let overlappingVPCBlocks = DiagnosticCode("NS0404", "overlapping-vpc-cidrs", "Two CIDR blocks of VPCs in the topology overlap.")
    public static let addressOutsideSubnet = DiagnosticCode("NS0405", "address-outside-subnet", "A fixed address that is not inside its subnet, or is one of the five AWS reserves.")
    public static let clusterIPOutsideRange = DiagnosticCode("NS0406", "cluster-ip-outside-range", "A Service clusterIP outside the service CIDR.")
    public static let duplicateClusterIP = DiagnosticCode("NS0407", "duplicate-cluster-ip", "Two Services with the same clusterIP.")

    // MARK: NS05xx — names and references
    public static let duplicateName = DiagnosticCode("NS0501", "duplicate-name", "Two objects of the same kind share a name.")
    public static let undefinedReference = DiagnosticCode("NS0502", "undefined-reference", "A reference to an object that is not defined.")
    public static let wrongTargetKind = DiagnosticCode("NS0503", "wrong-route-target", "A route target of a kind that cannot serve that route.")
    public static let multipleMainRouteTables = DiagnosticCode("NS0504", "multiple-main-route-tables", "More than one route table of a VPC is marked main.")
    public static let duplicateRoute = DiagnosticCode("NS0505", "duplicate-route", "A route table holds two routes for the same destination.")
    public static let attachmentSubnetNotInVPC = DiagnosticCode("NS0506", "attachment-subnet-not-in-vpc", "A transit gateway VPC attachment names a subnet that is not in that VPC.")
    public static let attachmentZoneTwice = DiagnosticCode("NS0507", "attachment-zone-twice", "A transit gateway VPC attachment names two subnets in one zone.")
    public static let attachmentSubnetsUnnamed = DiagnosticCode("NS0508", "attachment-subnets-unnamed", "A hub VPC's transit gateway attachment names no subnets while a zone's subnets have different route tables.")

    // MARK: NS06xx — network ACLs and security groups
    public static let naclRuleNumberRange = DiagnosticCode("NS0601", "nacl-rule-number-range", "A network ACL rule number outside 1–32766.")
    public static let naclRuleNumberRepeated = DiagnosticCode("NS0602", "nacl-rule-number-repeated", "A network ACL rule number used twice in one direction.")
    public static let icmpTypeCode = DiagnosticCode("NS0603", "icmp-type-code", "An ICMP type or code outside -1–255, or a code without a type.")
    public static let portsIgnored = DiagnosticCode("NS0604", "ports-ignored", "Ports given for a protocol that has none; AWS ignores them.")
    public static let ruleQuota = DiagnosticCode("NS0605", "rule-quota", "More rules than the default AWS quota allows.")

    // MARK: NS07xx — Kubernetes objects
    public static let nodePortRange = DiagnosticCode("NS0701", "nodeport-range", "A NodePort outside the cluster's node-port range (30000–32767).")
    public static let nodePortConflict = DiagnosticCode("NS0702", "nodeport-conflict", "Two Services claim the same NodePort.")
    public static let selectorMatchesNothing = DiagnosticCode("NS0703", "selector-matches-nothing", "A Service selector that selects no pod.")
    public static let unmodelledKind = DiagnosticCode("NS0704", "unmodelled-kind", "A manifest kind netsim does not model; it is ignored.")
    public static let globMatchesNothing = DiagnosticCode("NS0705", "glob-matches-nothing", "A manifest glob that matches no file.")
    public static let globEscapes = DiagnosticCode("NS0706", "glob-escapes-folder", "A manifest glob that reaches outside the topology's folder.")
    public static let duplicateObject = DiagnosticCode("NS0707", "duplicate-object", "Two Kubernetes objects with the same kind, namespace and name.")
    public static let undefinedServicePort = DiagnosticCode("NS0708", "undefined-service-port", "A reference to a Service or port that does not exist.")
    public static let invalidManifest = DiagnosticCode("NS0709", "invalid-manifest", "A manifest without apiVersion, kind or metadata.name.")
    public static let nodePortRangeFull = DiagnosticCode("NS0710", "nodeport-range-full", "More Service ports need a NodePort than the node-port range holds.")
    public static let unmodelledField = DiagnosticCode("NS0711", "unmodelled-field", "A Service field or annotation that changes kube-proxy's rules or the Service's endpoints but that netsim does not model yet.")
    public static let lbAnnotation = DiagnosticCode("NS0712", "lb-annotation", "An AWS Load Balancer Controller annotation value the controller refuses or reinterprets.")
    public static let lbListenPorts = DiagnosticCode("NS0713", "lb-listen-ports", "An alb.ingress.kubernetes.io/listen-ports value the controller cannot read.")
    public static let lbNoSubnets = DiagnosticCode("NS0714", "lb-no-subnets", "A load balancer whose scheme finds too few subnets by the controller's discovery.")
    public static let lbGroupConflict = DiagnosticCode("NS0715", "lb-group-conflict", "Ingresses of one IngressGroup that disagree on a load-balancer setting.")
    public static let lbIgnored = DiagnosticCode("NS0716", "lb-ignored", "Load balancer annotations the AWS Load Balancer Controller ignores for this object.")
    public static let lbImplicit = DiagnosticCode("NS0717", "lb-implicit", "A LoadBalancer Service the controller takes only through its webhook: an NLB with instance targets, whatever else it says.")
    public static let lbBackend = DiagnosticCode("NS0718", "lb-backend", "An Ingress backend the AWS Load Balancer Controller cannot build a target group for.")
    public static let invalidObjectName = DiagnosticCode("NS0720", "invalid-object-name", "A Kubernetes object or namespace name the API server refuses (DNS-1123 label or subdomain rules).")
    public static let invalidLabel = DiagnosticCode("NS0721", "invalid-label", "A label key or value (or selector or nodeSelector pair) the API server refuses.")
    public static let noContainers = DiagnosticCode("NS0722", "no-containers", "A pod spec without containers, which the API server refuses.")
    public static let lbUnbuildable = DiagnosticCode("NS0719", "lb-unbuildable", "Part of a load balancer the controller cannot build in the realized cluster (subnet addresses, target security groups, ports).")

    // MARK: NS08xx — cluster and CNI
    public static let eniConfigZone = DiagnosticCode("NS0801", "eniconfig-zone-not-covered", "Custom networking is on but a node group zone has no ENIConfig.")
    public static let unknownInstanceType = DiagnosticCode("NS0802", "unknown-instance-type", "An instance type not in the catalog.")
    public static let unknownCNISetting = DiagnosticCode("NS0803", "unknown-cni-setting", "An aws-node environment name netsim does not know.")
    public static let invalidCNIValue = DiagnosticCode("NS0804", "invalid-cni-value", "A CNI setting whose value ipamd would not accept.")
    public static let maxPodsOverride = DiagnosticCode("NS0805", "max-pods-above-ip-capacity", "A node group maxPods above what the instance's IPs can serve.")
    public static let ignoredCNISetting = DiagnosticCode("NS0806", "ignored-cni-setting", "A warm-pool setting ipamd ignores in this combination.")
    public static let subnetTooSmall = DiagnosticCode("NS0807", "subnet-too-small", "A node subnet that cannot hold one node and its initial warm pool.")
    public static let invalidCatalog = DiagnosticCode("NS0808", "invalid-instance-catalog", "An instance catalog file netsim cannot read.")
    public static let kubeProxyConfig = DiagnosticCode("NS0810", "kube-proxy-config", "A cluster.kubeProxy setting with which kube-proxy never programs a Service: refused at start-up, an exit while starting, or rules iptables-restore refuses.")
    public static let kubeProxyIgnored = DiagnosticCode("NS0811", "kube-proxy-setting-ignored", "A cluster.kubeProxy setting kube-proxy overrides, or that has no effect on EKS nodes.")
    public static let fieldNotInVersion = DiagnosticCode("NS0813", "field-not-in-version", "A Service field the cluster's Kubernetes version does not serve (its feature gate is off or it does not exist yet): the API server drops it.")
    public static let albFixedResponseStatus = DiagnosticCode("NS0814", "alb-fixed-response-status", "An ALB fixed-response action whose status code ELB refuses (not 2XX, 4XX or 5XX): the controller cannot build the rule.")
    public static let albFixedResponseContentType = DiagnosticCode("NS0815", "alb-fixed-response-content-type", "An ALB fixed-response action whose content type ELB refuses: the controller cannot build the rule.")
    public static let albRedirectChangesNothing = DiagnosticCode("NS0816", "alb-redirect-changes-nothing", "An ALB redirect action that changes none of protocol, host, port and path: ELB refuses it, so the controller cannot build the rule.")
    public static let sourceRangeSpaces = DiagnosticCode("NS0812", "source-range-whitespace", "A loadBalancerSourceRanges entry with spaces around it; the API server and kube-proxy trim them.")
    public static let invalidSetting = DiagnosticCode("NS0830", "invalid-set-argument", "A command-line --set that is not KEY=VALUE for the cluster's aws-node settings.")

    // MARK: NS12xx — NetworkPolicy enforcement (model, settings, validation)
    public static let policyEndPort = DiagnosticCode("NS1201", "policy-end-port", "A NetworkPolicy port whose endPort the API server refuses: below port, with a named port, or without a port.")
    public static let policyNamedPort = DiagnosticCode("NS1202", "policy-named-port", "A NetworkPolicy or ClusterNetworkPolicy named port that is not a valid port name (IANA service name rules).")
    public static let policyExcept = DiagnosticCode("NS1203", "policy-except-outside-cidr", "An ipBlock except entry that is not strictly inside its cidr: the API server refuses the policy.")
    public static let policyPeer = DiagnosticCode("NS1204", "policy-peer", "A NetworkPolicy peer the API server refuses: none of podSelector, namespaceSelector and ipBlock, or ipBlock with another of them.")
    public static let selectorRequirement = DiagnosticCode("NS1205", "selector-requirement", "A matchExpressions entry the API server refuses: In or NotIn without values, Exists or DoesNotExist with values (an unknown operator stays NS0204).")
    public static let policyTypes = DiagnosticCode("NS1206", "policy-types", "NetworkPolicy policyTypes the API server refuses: more than two entries (a value other than Ingress or Egress stays NS0204).")
    public static let policyIPv6Peer = DiagnosticCode("NS1207", "policy-ipv6-peer", "An IPv6 ipBlock or networks peer in an IPv4 cluster: the network policy agent cannot apply it, so it allows nothing.")
    public static let clusterPolicySpec = DiagnosticCode("NS1208", "cluster-policy-spec", "A ClusterNetworkPolicy spec the CRD's validation refuses: tier, priority or subject.")
    public static let clusterPolicyRule = DiagnosticCode("NS1209", "cluster-policy-rule", "A ClusterNetworkPolicy rule the CRD's validation refuses: action, name, peers or too many entries.")
    public static let clusterPolicyPeer = DiagnosticCode("NS1210", "cluster-policy-peer", "A ClusterNetworkPolicy peer the CRD's validation refuses: not exactly one field, a bad CIDR or domain name, a field of the wrong direction.")
    public static let clusterPolicyPort = DiagnosticCode("NS1211", "cluster-policy-port", "A ClusterNetworkPolicy port the CRD's validation refuses: port out of range, start not below end, an unknown protocol.")
    public static let clusterPolicyEmptyPort = DiagnosticCode("NS1212", "cluster-policy-empty-port", "A ClusterNetworkPolicy ports entry with none of portNumber, portRange and namedPort: the controller adds no port for it.")
    public static let policyEnforcer = DiagnosticCode("NS1213", "network-policy-enforcer", "A cluster.networkPolicy.enforcer netsim does not know.")
    public static let vpcCniAddonIgnored = DiagnosticCode("NS1214", "vpc-cni-addon-ignored", "A cluster.vpcCniAddon key netsim does not read (the add-on accepts it) or that the add-on's schema does not have.")
    public static let vpcCniAddonValue = DiagnosticCode("NS1215", "vpc-cni-addon-value", "A cluster.vpcCniAddon value the add-on's configuration schema refuses (enableNetworkPolicy must be the string \"true\" or \"false\").")
    public static let enforcingMode = DiagnosticCode("NS1216", "network-policy-enforcing-mode", "A NETWORK_POLICY_ENFORCING_MODE other than standard or strict: ipamd and the network policy agent refuse to start with it.")
    public static let policyEnforcerUndeclared = DiagnosticCode("NS1217", "network-policy-enforcer-undeclared", "NetworkPolicies in a cluster that declares no enforcer: netsim cannot tell whether anything enforces them.")
    public static let policyAgentDisabled = DiagnosticCode("NS1218", "network-policy-agent-disabled", "cluster.networkPolicy.enforcer is vpc-cni but the add-on's enableNetworkPolicy is \"false\": policies are stored, not enforced.")
    public static let enforcingModeNoEffect = DiagnosticCode("NS1219", "enforcing-mode-no-effect", "NETWORK_POLICY_ENFORCING_MODE set while the enforcer is not the VPC CNI agent: it has no effect.")
    public static let policyTwoEnforcers = DiagnosticCode("NS1220", "network-policy-two-enforcers", "enforcer upstream while the add-on's enableNetworkPolicy is \"true\": the VPC CNI agent enforces too, and a flow passes only if both allow it.")

    // MARK: NS134x–NS135x — Fargate
    public static let fargatePublicSubnet = DiagnosticCode("NS1341", "fargate-public-subnet", "A Fargate profile subnet whose route table routes to an internet gateway: EKS accepts only private subnets for Fargate profiles.")
    public static let fargateSelectors = DiagnosticCode("NS1342", "fargate-selectors", "Fargate profile selectors EKS refuses: none, a selector without a namespace, a namespace no pod can have.")
    public static let fargateProfileName = DiagnosticCode("NS1343", "fargate-profile-name", "A Fargate profile name EKS refuses (not 1-100 letters, digits, '-' and '_' starting with a letter or digit) or a name used twice.")
    public static let fargateSubnets = DiagnosticCode("NS1344", "fargate-subnets", "A Fargate profile without subnets, or with a subnet twice.")
    public static let fargateProfileQuota = DiagnosticCode("NS1345", "fargate-profile-quota", "Beyond EKS's default Fargate quotas (adjustable): 10 profiles per cluster, 5 selectors per profile, 5 labels per selector.")
    public static let fargateAmbiguousProfile = DiagnosticCode("NS1346", "fargate-ambiguous-profile", "A workload several Fargate profiles select: EKS picks one at random, netsim the first; label the pods eks.amazonaws.com/fargate-profile.")
    public static let fargateProfileLabel = DiagnosticCode("NS1347", "fargate-profile-label", "Pods labelled eks.amazonaws.com/fargate-profile with a profile that does not select them: they do not run on Fargate.")
    public static let fargateDaemonSet = DiagnosticCode("NS1348", "fargate-daemonset", "A DaemonSet in a namespace a Fargate profile selects: DaemonSets do not run on Fargate, so its pods are missing on the Fargate pods' nodes.")
    public static let fargateHostNetwork = DiagnosticCode("NS1349", "fargate-host-network", "A hostNetwork workload a Fargate profile selects: Fargate refuses it and the pods stay Pending.")
    public static let fargateClusterSecurityGroup = DiagnosticCode("NS1350", "fargate-cluster-security-group", "Fargate profiles without cluster.controlPlane or an eks-cluster-sg-<cluster>-… group in the VPC: netsim gives Fargate pods the cluster security group as EKS creates it, attached to the Fargate pods and the managed node groups' nodes.")
    public static let fargateNetworkPolicy = DiagnosticCode("NS1351", "fargate-network-policy", "A NetworkPolicy that selects Fargate pods: the VPC CNI's network policy agent does not run on Fargate, so it is not enforced there.")
    public static let fargateIPv6 = DiagnosticCode("NS1352", "fargate-ipv6", "Fargate profiles in an IPv6 cluster: netsim does not model Fargate pods there (they stay Pending).")

    // MARK: NS140x–NS141x — transit gateway route tables
    public static let tgwRouteTableMissing = DiagnosticCode("NS1401", "tgw-route-table-missing", "A transit gateway association, propagation or default route table that names a route table the transit gateway does not have.")
    public static let tgwAssociatedTwice = DiagnosticCode("NS1402", "tgw-associated-twice", "A transit gateway attachment associated with two route tables (AWS: one at most).")
    public static let tgwVPCAttachedTwice = DiagnosticCode("NS1403", "tgw-vpc-attached-twice", "A VPC attached twice to one transit gateway.")
    public static let tgwAttachmentMissing = DiagnosticCode("NS1404", "tgw-attachment-missing", "A transit gateway route, association or propagation that names an attachment the transit gateway does not have.")
    public static let tgwDuplicateRoute = DiagnosticCode("NS1405", "tgw-duplicate-route", "Two static routes for one destination in a transit gateway route table (AWS refuses the second).")
    public static let tgwStaticOverridesPropagated = DiagnosticCode("NS1406", "tgw-static-overrides-propagated", "A static route for the destination of a propagated route: AWS accepts it and the static route wins.")
    public static let tgwApplianceModeNotVPC = DiagnosticCode("NS1407", "tgw-appliance-mode-not-vpc", "Appliance mode on a transit gateway attachment that is not a VPC attachment.")
    public static let tgwPeeringPropagation = DiagnosticCode("NS1408", "tgw-peering-propagation", "A transit gateway peering attachment set to propagate: peering attachments take static routes only.")
    public static let tgwAttachmentKind = DiagnosticCode("NS1409", "tgw-attachment-kind", "A transit gateway attachment that names none or several of vpc, vpn, directConnectGateway and peering, or names the wrong kind of object.")
    public static let tgwExternalNotAttached = DiagnosticCode("NS1410", "tgw-external-not-attached", "An external network reached via a transit gateway with route tables that has no VPN or Direct Connect attachment covering it.")
    public static let tgwMixedForms = DiagnosticCode("NS1411", "tgw-mixed-forms", "A transit gateway written with both the single-table form (vpcAttachments, routes) and route tables (attachments, routeTables).")
    public static let tgwStatefulNotAppliance = DiagnosticCode("NS1412", "tgw-stateful-not-appliance", "A network interface marked stateful whose source/destination check is on: it forwards nothing, so the flag has no effect.")
    public static let tgwPropagationTwice = DiagnosticCode("NS1413", "tgw-propagation-twice", "An attachment listed twice in one transit gateway route table's propagations: one propagation per attachment, the second is ignored.")
    public static let tgwIPv6Route = DiagnosticCode("NS1414", "tgw-ipv6-route", "An IPv6 transit gateway route (or prefix-list entry) to an attachment that carries no IPv6: a VPC attachment without ipv6Support or whose VPC has no IPv6 block, or a VPN or Direct Connect attachment (netsim models no IPv6 on-premises).")
    public static let tgwIPv6Support = DiagnosticCode("NS1415", "tgw-ipv6-support", "ipv6Support on a transit gateway attachment that is not a VPC attachment, or on a VPC attachment whose subnets have no IPv6 block (its interfaces get no IPv6 address).")
    public static let tgwEmptyName = DiagnosticCode("NS1416", "tgw-empty-name", "An empty name for a transit gateway, one of its route tables or attachments.")
    public static let tgwStaticVPNPropagation = DiagnosticCode("NS1417", "tgw-static-vpn-propagation", "A VPN attachment with static routing set to propagate into a transit gateway route table: only BGP routes propagate, so it adds nothing; the network's routes must be static routes of the table.")
    public static let endpointNoENI = DiagnosticCode("NS1418", "endpoint-no-eni", "An interface endpoint subnet with no free address left: AWS cannot create the endpoint's network interface there, so the endpoint has none in that zone.")

    // MARK: NS11xx — packet captures
    public static let captureUnreadable = DiagnosticCode("NS1101", "capture-unreadable", "A packet capture libpcap cannot open or read (missing, not pcap or pcapng, corrupt).")
    public static let captureLinkType = DiagnosticCode("NS1102", "capture-link-type", "A capture of a link type netsim does not read.")

    // MARK: NS1551–NS1569 — VPC Flow Logs (`replay --flow-logs`)
    public static let flowLogUnreadable = DiagnosticCode("NS1551", "flow-log-unreadable", "A flow log netsim cannot open or read: missing, unreadable, a folder or a device.")
    public static let flowLogGzip = DiagnosticCode("NS1552", "flow-log-gzip", "A gzip flow log that is truncated or corrupt: nothing from it is judged.")
    public static let flowLogUnknownField = DiagnosticCode("NS1553", "flow-log-unknown-field", "A flow log header or --flow-log-format that names a field VPC Flow Logs does not have (versions 2 to 8).")
    public static let flowLogMissingField = DiagnosticCode("NS1554", "flow-log-missing-field", "A flow log format without a field netsim needs to judge a record: srcaddr, dstaddr, srcport, dstport, protocol and action.")
    public static let flowLogDuplicateField = DiagnosticCode("NS1555", "flow-log-duplicate-field", "A flow log header or --flow-log-format that names a field twice.")
    public static let flowLogFieldCount = DiagnosticCode("NS1556", "flow-log-field-count", "A flow log record with more or fewer fields than its format (a cut line, or a record of another flow log).")
    public static let flowLogBadValue = DiagnosticCode("NS1557", "flow-log-bad-value", "A flow log value its field cannot hold: an address, a port outside 0–65535 (or negative), a protocol outside 0–255, a count beyond 2^63−1, an unknown action, status or direction.")
    public static let flowLogMixedVersions = DiagnosticCode("NS1558", "flow-log-mixed-versions", "Flow log records of different versions in one log, or a custom format's records (version 3 and up) with neither header nor --flow-log-format.")
    public static let flowLogMixedFormats = DiagnosticCode("NS1559", "flow-log-mixed-formats", "A flow log header whose fields differ from the format already in use (an earlier header, --flow-log-format, or the default format of earlier records).")
    public static let flowLogUnknownFormat = DiagnosticCode("NS1560", "flow-log-unknown-format", "Flow log records without a header line that are not in the default format, and no --flow-log-format.")
    public static let flowLogNotText = DiagnosticCode("NS1561", "flow-log-not-text", "A flow log that is not text: control bytes (a binary or Parquet file), or a line longer than 64 KiB.")

    // MARK: NS123x — the VPC CNI network policy agent
    public static let agentPortLimit = DiagnosticCode("NS1230", "agent-port-limit", "A CIDR for which the VPC CNI network policy agent would hold more than 24 port/protocol entries: it writes 24 and drops the others.")

    // MARK: NS130x — Security Groups for Pods
    public static let sgpSpec = DiagnosticCode("NS1301", "sgp-spec", "A SecurityGroupPolicy the CRD's validation or the resource controller refuses: no selector, no groups, more than 16 groups, a wrong apiVersion.")
    public static let sgpGroupNotFound = DiagnosticCode("NS1302", "sgp-group-not-found", "A SecurityGroupPolicy group that is neither a security group's id nor its name in the topology: EC2 refuses the branch ENI.")
    public static let sgpTooManyGroups = DiagnosticCode("NS1303", "sgp-too-many-groups", "A pod whose SecurityGroupPolicies add up to more than 5 groups: EC2 (default quota) refuses the branch ENI, so the pod never gets an address.")
    public static let sgpPodENIDisabled = DiagnosticCode("NS1304", "sgp-pod-eni-disabled", "SecurityGroupPolicies select pods but ENABLE_POD_ENI is not true: no node has a trunk ENI, so those pods stay Pending (Insufficient vpc.amazonaws.com/pod-eni).")
    public static let sgpNonTrunking = DiagnosticCode("NS1305", "sgp-non-trunking-type", "Pods selected by a SecurityGroupPolicy can only run on nodes whose instance type supports trunking; a node group of a type without it (t-family, Xen, unlisted) gets none.")
    public static let sgpBranchLimit = DiagnosticCode("NS1306", "sgp-branch-limit", "More pods selected by SecurityGroupPolicies than the nodes' branch ENIs (vpc.amazonaws.com/pod-eni): the others stay Pending.")
    public static let sgpEnforcingMode = DiagnosticCode("NS1307", "sgp-enforcing-mode", "A POD_SECURITY_GROUP_ENFORCING_MODE other than strict or standard: the CNI falls back to strict.")
    public static let sgpLocalTrafficPolicy = DiagnosticCode("NS1308", "sgp-external-traffic-local", "A NodePort or LoadBalancer Service with externalTrafficPolicy Local (instance targets) whose endpoints are strict-mode branch pods: unsupported by Security Groups for Pods.")
    public static let sgpServiceAccount = DiagnosticCode("NS1309", "sgp-service-account", "A pod that names a ServiceAccount the manifests do not declare while a SecurityGroupPolicy of its namespace selects by ServiceAccount: the resource controller's webhook cannot read it and refuses the pod.")

    // MARK: NS132x–NS133x — the EKS control plane in the VPC
    public static let controlPlaneSubnets = DiagnosticCode("NS1321", "control-plane-subnets", "cluster.controlPlane subnets EKS refuses: none, listed twice, or all in one zone.")
    public static let controlPlaneENIs = DiagnosticCode("NS1322", "control-plane-enis", "cluster.controlPlane.enis outside 2–4.")
    public static let endpointAccess = DiagnosticCode("NS1323", "endpoint-access", "An API server endpoint access EKS refuses: neither public nor private access, or publicAccessCidrs that are not public IPv4 blocks.")
    public static let endpointAccessCidrsIgnored = DiagnosticCode("NS1324", "endpoint-access-cidrs-ignored", "publicAccessCidrs written while publicAccess is false: they restrict nothing.")
    public static let clusterSecurityGroup = DiagnosticCode("NS1325", "cluster-security-group", "A cluster security group name EKS could not use: empty, too long, or the name of a group in another VPC.")
    public static let webhookInvalid = DiagnosticCode("NS1326", "webhook-invalid", "A Validating/MutatingWebhookConfiguration or APIService the API server refuses: no or both clientConfig service and url, a bad port, failurePolicy or timeoutSeconds.")
    public static let webhookServiceMissing = DiagnosticCode("NS1327", "webhook-service-missing", "An admission webhook or APIService whose Service is not defined or has no endpoints: every call it gets fails.")
    public static let webhookUnreachable = DiagnosticCode("NS1328", "webhook-unreachable", "An admission webhook or APIService the control plane cannot reach: the API server's calls time out (\"failed calling webhook … context deadline exceeded\").")
    public static let webhookURLNotTraced = DiagnosticCode("NS1330", "webhook-url-not-traced", "An admission webhook called by URL (clientConfig.url): netsim does not resolve the URL, so check does not trace the call.")
    // MARK: NS1461–NS1479 — IPv6 in the VPC fabric
    public static let ipv6VPCBlockSize = DiagnosticCode("NS1461", "ipv6-vpc-block-size", "A VPC IPv6 block of a size AWS does not give: /56 (Amazon-provided), or /44 to /60 in steps of 4 (IPAM, BYOIP).")
    public static let ipv6SubnetBlockSize = DiagnosticCode("NS1462", "ipv6-subnet-block-size", "A subnet IPv6 block of a size AWS refuses: /44 to /64 in steps of 4.")
    public static let ipv6SubnetOutsideVPC = DiagnosticCode("NS1463", "ipv6-subnet-outside-vpc", "A subnet IPv6 block outside every IPv6 block of its VPC (or the VPC has none), or overlapping another subnet's.")
    public static let ipv6ClusterWithoutIPv6 = DiagnosticCode("NS1464", "ipv6-cluster-without-ipv6", "An IPv6 cluster in a VPC without an IPv6 block, or with node subnets without one: its nodes get no /80 prefix and its pods no address.")
    public static let ipv6AddressOutsideSubnet = DiagnosticCode("NS1465", "ipv6-address-outside-subnet", "An interface's IPv6 address outside its subnet's IPv6 block (or the subnet has none), or one of the five AWS reserves.")
    public static let serviceIPv6CIDR = DiagnosticCode("NS1467", "service-ipv6-cidr", "A cluster.serviceIpv6Cidr EKS would not have: in an IPv4 cluster, larger than a /108 or smaller than a /120, or outside fc00::/7.")
    public static let ipv6AssignWithoutBlock = DiagnosticCode("NS1466", "ipv6-assign-without-block", "assignIpv6AddressOnCreation on a subnet without an IPv6 block: AWS refuses it.")
    // NS1471–NS1479 — dualstack load balancers
    public static let lbDualstackSubnetWithoutIPv6 = DiagnosticCode("NS1471", "lb-dualstack-subnet-without-ipv6", "A dualstack load balancer (ip-address-type) with a subnet that has no IPv6 block (or a VPC without one): ELB refuses it, so the controller builds nothing.")
    public static let lbIPv6TargetsNotDualstack = DiagnosticCode("NS1472", "lb-ipv6-targets-not-dualstack", "A load balancer of an IPv6 cluster that is not dualstack: its Services are IPv6, so the controller makes IPv6 target groups and refuses them (unsupported IPv6 configuration, lb not dual-stack).")
    public static let lbIPv6InstanceTargets = DiagnosticCode("NS1473", "lb-ipv6-instance-targets", "Instance targets in an IPv6 target group (an IPv6 cluster's Service): netsim does not model them; traces through it end NOT_MODELLED.")
    public static let lbIPAddressType = DiagnosticCode("NS1474", "lb-ip-address-type", "An ip-address-type annotation the controller refuses: not ipv4 or dualstack (Services), not ipv4, dualstack or dualstack-without-public-ipv4 (Ingresses), or different values in one IngressGroup.")
    public static let webhooksNotTraced = DiagnosticCode("NS1329", "webhooks-not-traced", "Admission webhooks or APIServices in a cluster that declares no controlPlane: netsim cannot trace the API server's calls to them.")

    // MARK: NS144x–NS145x — interface VPC endpoints
    public static let endpointSubnet = DiagnosticCode("NS1441", "endpoint-subnet", "An interface endpoint subnet EC2 refuses: none given, or a subnet of another VPC than the endpoint's.")
    public static let endpointZoneTwice = DiagnosticCode("NS1442", "endpoint-zone-twice", "An interface endpoint with two subnets in one Availability Zone (or one subnet twice): AWS takes one subnet per zone.")
    public static let endpointPrivateDnsConflict = DiagnosticCode("NS1443", "endpoint-private-dns-conflict", "Private DNS on two interface endpoints of one service in one VPC: AWS refuses the second (its private hosted zone conflicts with the first's).")
    public static let endpointPrivateDnsAttributes = DiagnosticCode("NS1444", "endpoint-private-dns-attributes", "Private DNS on an interface endpoint in a VPC whose enableDnsSupport or enableDnsHostnames is false: AWS refuses it.")
    public static let endpointUnknownService = DiagnosticCode("NS1445", "endpoint-unknown-service", "An interface endpoint service netsim does not know, or a full service name of another region or form: the nearest known names are suggested.")
    // MARK: NS142x–NS143x — on-premises edges
    public static let vpnGateway = DiagnosticCode("NS1421", "vpn-gateway", "A VPC written with two virtual private gateways (vpnGateway and virtualPrivateGateway), or a bad amazonSideAsn; AWS attaches one per VPC.")
    public static let propagatingVgw = DiagnosticCode("NS1422", "propagating-vgw", "propagatingVgws names a virtual private gateway that does not exist, or one attached to another VPC.")
    public static let externalFirewall = DiagnosticCode("NS1423", "external-firewall", "A firewall in front of an external network that netsim cannot apply: a rule without a valid action, CIDR, protocol or port, or a firewall on a host inside a VPC.")
    public static let externalConnection = DiagnosticCode("NS1424", "external-connection", "An external network's connection or routing AWS would not have: static routing without returnRoutes, Direct Connect with static routing, or on-premises settings on a network not reached through a transit gateway or virtual private gateway.")
    public static let noReturnRoute = DiagnosticCode("NS1425", "no-return-route", "Pod addresses keep their source toward an external network (SNAT excluded or off) but the network has no route back to them: replies never reach AWS.")
    // MARK: NS148x — the node datapath of an IPv6 cluster
    public static let cniSettingFamily = DiagnosticCode("NS1481", "cni-setting-family", "An aws-node setting with no effect in the cluster's IP family: SNAT settings in an IPv6 cluster, ENABLE_V4_EGRESS in an IPv4 one.")

    // MARK: NS150x–NS151x — netsim import aws and diff-live
    public static let importFolder = DiagnosticCode("NS1501", "import-folder", "The folder netsim import aws reads is missing, not a folder, or holds a file that cannot be read (a FIFO, device or link to nothing is skipped).")
    public static let importJSONSyntax = DiagnosticCode("NS1502", "import-json-syntax", "An AWS CLI output file that is not valid JSON (truncated or edited), located at the line and column where it breaks.")
    public static let importWrongCommand = DiagnosticCode("NS1503", "import-wrong-command", "A file whose top-level key is not that of the command its name says (the output of another command, or not an AWS CLI JSON output).")
    public static let importMissingFile = DiagnosticCode("NS1504", "import-missing-file", "A file the import needs to express what the others hold is not in the folder (what is there is still imported).")
    public static let importDanglingReference = DiagnosticCode("NS1505", "import-dangling-reference", "A resource that refers to one the folder does not hold (another account's, deleted, or not collected): the reference is left out.")
    public static let importMixedRegions = DiagnosticCode("NS1506", "import-mixed-regions", "Resources of several AWS Regions in one import folder; a topology describes one Region.")
    public static let importMixedAccounts = DiagnosticCode("NS1507", "import-mixed-accounts", "VPCs of several AWS accounts in one import folder; collect one account per folder.")
    public static let importNotImported = DiagnosticCode("NS1508", "import-not-imported", "A resource the topology format cannot express; the import report lists it with its id instead of dropping it silently.")
    public static let importBadValue = DiagnosticCode("NS1509", "import-bad-value", "A field of an AWS CLI output with a value of the wrong type or form (a CIDR that is none, a port that is no number): the resource or rule is left out.")
    public static let importFileTooLarge = DiagnosticCode("NS1510", "import-file-too-large", "An AWS CLI output file larger than the input size limit.")
    public static let liveDrift = DiagnosticCode("NS1511", "live-drift", "netsim diff-live: the checked-in topology differs from a fresh import of the account (a resource, rule or route added, removed or changed).")
    // MARK: NS1571–NS1589 — netsim import kubernetes and the observed state
    public static let importNotList = DiagnosticCode("NS1571", "import-not-list", "A Kubernetes import input that is not a `kubectl get -o yaml` List (a mapping with kind List and items) or one object.")
    public static let importKindSkipped = DiagnosticCode("NS1572", "import-kind-skipped", "An object of a kind netsim does not model (or does not import) in a Kubernetes import input: it is listed and not written.")
    public static let importMissingReference = DiagnosticCode("NS1573", "import-missing-reference", "An imported object that refers to an object the dump does not hold (a pod's node or owner, an EndpointSlice's Service).")
    public static let importMixedClusters = DiagnosticCode("NS1574", "import-mixed-clusters", "A Kubernetes import whose nodes come from more than one region or cloud: the dumps of several clusters mixed.")
    public static let importInvalidObject = DiagnosticCode("NS1575", "import-invalid-object", "An item of a Kubernetes import without apiVersion, kind or metadata.name, or of the wrong type.")
    public static let importDuplicateObject = DiagnosticCode("NS1576", "import-duplicate-object", "The same object (kind, namespace, name) twice in a Kubernetes import with different contents: the first is kept.")
    public static let importOutput = DiagnosticCode("NS1577", "import-output", "A Kubernetes import output folder netsim will not write: an input, inside an input folder, not empty, or not a folder.")
    public static let observedFile = DiagnosticCode("NS1578", "observed-file", "A kubernetes.observed file netsim cannot read: wrong shape, a bad address or a missing field.")
    public static let observedNodeUnplaced = DiagnosticCode("NS1579", "observed-node-unplaced", "An observed node netsim cannot place: no node group of that name, its address outside the group's subnets or already taken, or more nodes than the group's count.")
    public static let observedPodNodeMissing = DiagnosticCode("NS1580", "observed-pod-node-missing", "An observed pod on a node netsim does not have: traces from it end NOT_MODELLED.")
    public static let observedPodAddress = DiagnosticCode("NS1581", "observed-pod-address", "An observed pod address outside what netsim's ipamd held on that node (added to an ENI of its subnet), or that cannot be placed on any of the node's ENIs.")
    public static let observedClusterIP = DiagnosticCode("NS1582", "observed-cluster-ip", "An observed Service cluster IP outside the cluster's Service range or taken by another Service: netsim allocates one instead.")
    public static let observedObjectMissing = DiagnosticCode("NS1583", "observed-object-missing", "An observed pod or Service whose workload or Service the manifests do not define: its observed state is not used.")

    // MARK: NS10xx — simulation scenarios
    public static let eventsOutOfOrder = DiagnosticCode("NS1001", "events-out-of-order", "Scenario events whose times go backwards.")
    public static let invalidScenario = DiagnosticCode("NS1002", "invalid-scenario", "A scenario event that names nothing in the topology or asks the impossible.")
    public static let scenarioLimit = DiagnosticCode("NS1003", "scenario-limit", "A scenario duration, rate or size beyond what netsim simulates.")

    // MARK: NS09xx — intents
    public static let invalidEndpoint = DiagnosticCode("NS0901", "invalid-endpoint", "A flow endpoint that is malformed or names nothing in the topology.")
    public static let intentFailed = DiagnosticCode("NS0902", "intent-failed", "An expect: entry whose traced flow does not have the stated verdict.")
    public static let intentHolds = DiagnosticCode("NS0903", "intent-holds", "An expect: entry whose traced flow has the stated verdict.")
    public static let intentNotEvaluated = DiagnosticCode("NS0904", "intent-not-evaluated", "An expect: entry netsim cannot evaluate yet (a NetworkPolicy is involved).")

    /// The results of `expect:` entries: reported apart from problems with the file.
    public var isIntentResult: Bool { self == .intentFailed || self == .intentHolds || self == .intentNotEvaluated }

    /// Every code, in order; the documentation and SARIF rule table are built from this list.
    public static let all: [DiagnosticCode] = [
        .fileNotFound, .isDirectory, .unreadable, .notUTF8, .tooLarge, .emptyFile, .notRegularFile, .deviceInput,
        .yamlSyntax, .duplicateKey, .nestingTooDeep, .aliasExpansion, .topLevelNotMapping, .multipleDocuments,
        .unknownKey, .wrongType, .missingKey, .invalidValue, .unsupportedVersion, .controlCharacterInName,
        .invalidCIDR, .invalidAddress, .invalidPort, .cidrHostBits, .cidrSize,
        .subnetOutsideVPC, .overlappingSubnets, .serviceCIDROverlap, .overlappingVPCBlocks,
        .addressOutsideSubnet, .clusterIPOutsideRange, .duplicateClusterIP,
        .duplicateName, .undefinedReference, .wrongTargetKind, .multipleMainRouteTables, .duplicateRoute,
        .attachmentSubnetNotInVPC, .attachmentZoneTwice, .attachmentSubnetsUnnamed,
        .naclRuleNumberRange, .naclRuleNumberRepeated, .icmpTypeCode, .portsIgnored, .ruleQuota,
        .nodePortRange, .nodePortConflict, .selectorMatchesNothing, .unmodelledKind, .globMatchesNothing,
        .globEscapes, .duplicateObject, .undefinedServicePort, .invalidManifest, .nodePortRangeFull, .unmodelledField,
        .lbAnnotation, .lbListenPorts, .lbNoSubnets, .lbGroupConflict, .lbIgnored, .lbImplicit, .lbBackend, .lbUnbuildable,
        .invalidObjectName, .invalidLabel, .noContainers,
        .eniConfigZone, .unknownInstanceType, .unknownCNISetting, .invalidCNIValue, .maxPodsOverride,
        .ignoredCNISetting, .subnetTooSmall, .invalidCatalog, .invalidSetting,
        .kubeProxyConfig, .kubeProxyIgnored, .sourceRangeSpaces, .fieldNotInVersion,
        .albFixedResponseStatus, .albFixedResponseContentType, .albRedirectChangesNothing,
        .invalidEndpoint, .intentFailed, .intentHolds, .intentNotEvaluated,
        .eventsOutOfOrder, .invalidScenario, .scenarioLimit,
        .captureUnreadable, .captureLinkType,
        .policyEndPort, .policyNamedPort, .policyExcept, .policyPeer, .selectorRequirement, .policyTypes, .policyIPv6Peer,
        .clusterPolicySpec, .clusterPolicyRule, .clusterPolicyPeer, .clusterPolicyPort, .clusterPolicyEmptyPort,
        .policyEnforcer, .vpcCniAddonIgnored, .vpcCniAddonValue, .enforcingMode,
        .policyEnforcerUndeclared, .policyAgentDisabled, .enforcingModeNoEffect, .policyTwoEnforcers,
        .agentPortLimit,
        .sgpSpec, .sgpGroupNotFound, .sgpTooManyGroups, .sgpPodENIDisabled, .sgpNonTrunking, .sgpBranchLimit, .sgpEnforcingMode,
        .sgpLocalTrafficPolicy, .sgpServiceAccount,
        .fargatePublicSubnet, .fargateSelectors, .fargateProfileName, .fargateSubnets, .fargateProfileQuota,
        .fargateAmbiguousProfile, .fargateProfileLabel, .fargateDaemonSet, .fargateHostNetwork, .fargateClusterSecurityGroup,
        .fargateNetworkPolicy, .fargateIPv6,
        .controlPlaneSubnets, .controlPlaneENIs, .endpointAccess, .endpointAccessCidrsIgnored, .clusterSecurityGroup,
        .webhookInvalid, .webhookServiceMissing, .webhookUnreachable, .webhooksNotTraced, .webhookURLNotTraced,
        .endpointSubnet, .endpointZoneTwice, .endpointPrivateDnsConflict, .endpointPrivateDnsAttributes, .endpointUnknownService,
        .vpnGateway, .propagatingVgw, .externalFirewall, .externalConnection, .noReturnRoute,
        .tgwRouteTableMissing, .tgwAssociatedTwice, .tgwVPCAttachedTwice, .tgwAttachmentMissing, .tgwDuplicateRoute,
        .tgwStaticOverridesPropagated, .tgwApplianceModeNotVPC, .tgwPeeringPropagation, .tgwAttachmentKind,
        .tgwExternalNotAttached, .tgwMixedForms, .tgwStatefulNotAppliance, .tgwPropagationTwice,
        .tgwIPv6Route, .tgwIPv6Support, .tgwEmptyName, .tgwStaticVPNPropagation, .endpointNoENI,
        .ipv6VPCBlockSize, .ipv6SubnetBlockSize, .ipv6SubnetOutsideVPC, .ipv6ClusterWithoutIPv6, .ipv6AddressOutsideSubnet, .ipv6AssignWithoutBlock, .serviceIPv6CIDR,
        .cniSettingFamily,
        .importFolder, .importJSONSyntax, .importWrongCommand, .importMissingFile, .importDanglingReference, .importMixedRegions,
        .importMixedAccounts, .importNotImported, .importBadValue, .importFileTooLarge, .liveDrift,
        .flowLogUnreadable, .flowLogGzip, .flowLogUnknownField, .flowLogMissingField, .flowLogDuplicateField, .flowLogFieldCount,
        .flowLogBadValue, .flowLogMixedVersions, .flowLogMixedFormats, .flowLogUnknownFormat, .flowLogNotText,
        .importNotList, .importKindSkipped, .importMissingReference, .importMixedClusters, .importInvalidObject, .importDuplicateObject,
        .importOutput, .observedFile, .observedNodeUnplaced, .observedPodNodeMissing, .observedPodAddress, .observedClusterIP, .observedObjectMissing,
        .lbDualstackSubnetWithoutIPv6, .lbIPv6TargetsNotDualstack, .lbIPv6InstanceTargets, .lbIPAddressType,
    ]
}
