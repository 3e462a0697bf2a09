/// An interface VPC endpoint (AWS PrivateLink) to an AWS service: one requester-managed ENI in
/// each of its subnets (one subnet per zone), with its security groups, and optionally a
/// private hosted zone that makes the service's regional DNS name resolve to those ENIs inside
/// the VPC.
///
/// AWS PrivateLink guide, "Access an AWS service using an interface VPC endpoint": one subnet
/// per Availability Zone; without security groups the VPC's default group is associated;
/// private DNS is on by default for AWS services and needs the VPC's `enableDnsSupport` and
/// `enableDnsHostnames`; the endpoint policy is IAM (netsim notes it, never evaluates it).
public struct InterfaceEndpoint: Sendable {
    public var name: String
    /// `vpce-…`.
    public var id: String
    /// The service's short name as the endpoint service name ends: `sts`, `ecr.api`, `ecr.dkr`, `logs`, …
    public var service: String
    /// The subnets, one per zone, in the order written.
    public var subnets: [String]
    /// The security groups of its ENIs; empty means the VPC's default group (as AWS does).
    public var securityGroups: [String]
    /// Whether the VPC gets the private hosted zone for the service's regional name.
    public var privateDns: Bool
    /// The endpoint policy as written: IAM, noted and never evaluated.
    public var policy: String?
    public var location: SourceLocation

    public init(name: String, id: String, service: String, subnets: [String], securityGroups: [String] = [],
                privateDns: Bool = true, policy: String? = nil, location: SourceLocation) {
        self.name = name; self.id = id; self.service = service; self.subnets = subnets
        self.securityGroups = securityGroups; self.privateDns = privateDns; self.policy = policy; self.location = location
    }

    /// The groups its ENIs carry: the written ones, else the VPC's `default`.
    public var effectiveSecurityGroups: [String] { securityGroups.isEmpty ? ["default"] : securityGroups }

    /// `com.amazonaws.REGION.SERVICE`, the endpoint service name.
    public func serviceName(region: String) -> String { AWSService.endpointServiceName(service, region: region) }
}

/// AWS services as interface endpoints and DNS know them.
public enum AWSService {
    /// Services netsim knows by name (their endpoint service names end with these). A name not
    /// here is accepted with a warning: AWS adds services often.
    public static let known: [String] = [
        "sts", "ecr.api", "ecr.dkr", "logs", "s3", "dynamodb", "ec2", "ec2messages", "ssm", "ssmmessages", "kms",
        "secretsmanager", "elasticloadbalancing", "autoscaling", "eks", "eks-auth", "monitoring", "sqs", "sns",
        "xray", "events", "execute-api", "cloudformation", "elasticfilesystem", "lambda", "ecs", "ecs-agent",
        "ecs-telemetry", "kinesis-streams", "firehose", "athena", "glue", "rds", "elasticache", "states",
        "codebuild", "codecommit", "git-codecommit", "servicediscovery", "application-autoscaling",
        "aps-workspaces", "ebs", "appmesh-envoy-management", "ssm-contacts", "airflow.api", "sagemaker.api",
        "sagemaker.runtime", "bedrock-runtime", "acm-pca", "cloudtrail", "config", "imagebuilder",
    ]

    /// Services a gateway endpoint can serve (route-table prefix lists), as `gatewayEndpoints` has them.
    public static let gatewayServices: Set<String> = ["s3", "dynamodb"]

    /// The short name of `text`: itself, or the tail of `com.amazonaws.REGION.SERVICE` when
    /// REGION is `region`. Nil when it is a full name of another region (or of another form).
    public static func shortName(_ text: String, region: String) -> String? {
        let prefix = "com.amazonaws."
        guard text.hasPrefix(prefix) else { return text.isEmpty ? nil : text }
        let rest = text.dropFirst(prefix.count)
        guard rest.hasPrefix(region + "."), rest.count > region.count + 1 else { return nil }
        return String(rest.dropFirst(region.count + 1))
    }

    /// The service an `aws:SERVICE` endpoint names, in a topology of `region` whose interface
    /// endpoints serve `declared`: its short name, or why it names none (a full name of another
    /// region; a name netsim does not know and no endpoint serves, with the nearest names).
    public static func resolve(_ text: String, region: String, declared: Set<String>) -> Result<String, EndpointSyntaxError> {
        guard let short = shortName(text, region: region) else {
            return .failure(EndpointSyntaxError(message: "aws:\(echo: text) is not a service of region \(region) (write aws:SERVICE or aws:com.amazonaws.\(region).SERVICE)"))
        }
        if known.contains(short) || declared.contains(short) { return .success(short) }
        let near = Suggestions.nearest(to: short, in: known)
        return .failure(EndpointSyntaxError(message: "netsim does not know the AWS service '\(echo: short)' and no interface endpoint serves it\(near.isEmpty ? "" : "; did you mean \(near.map { "aws:\($0)" }.joined(separator: " or "))?")"))
    }

    public static func endpointServiceName(_ service: String, region: String) -> String { "com.amazonaws.\(region).\(service)" }

    /// The TCP ports an AWS service takes connections on through its interface endpoint: 443
    /// (HTTPS) for every service netsim knows. (The AWS CDK's `InterfaceVpcEndpointAwsService`
    /// gives each AWS service port 443 by default; the PrivateLink guide's examples open 443 on
    /// the endpoint's security group.) Anything else is refused.
    public static func listenPorts(_ service: String) -> [UInt16] { [443] }

    /// The regional DNS name SDKs call (what private DNS answers for): `api.ecr.REGION…` for
    /// `ecr.api`, `ACCOUNT.dkr.ecr.REGION…` for `ecr.dkr` (the private zone holds
    /// `*.dkr.ecr.REGION.amazonaws.com`), `SERVICE.REGION.amazonaws.com` otherwise.
    public static func dnsName(_ service: String, region: String, account: String) -> String {
        switch service {
        case "ecr.api": return "api.ecr.\(region).amazonaws.com"
        case "ecr.dkr": return "\(account).dkr.ecr.\(region).amazonaws.com"
        default: return "\(service).\(region).amazonaws.com"
        }
    }

    /// The stand-in public address netsim gives the service's public endpoint (what its DNS name
    /// returns outside a private hosted zone): stable per region, service and seed, in 54.0.0.0/8;
    /// never a real AWS address, and labelled as a stand-in wherever it is shown.
    public static func standInPublicAddress(_ service: String, region: String, seed: UInt64) -> IPv4Address {
        AWSID.publicAddress("aws-service/\(region)/\(service)", seed: seed)
    }
}
