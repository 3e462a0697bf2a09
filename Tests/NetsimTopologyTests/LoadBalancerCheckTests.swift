import Foundation
import NetsimModel
import NetsimTestSupport
import NetsimTopology
import Testing

/// What the AWS Load Balancer Controller (v2.17.1) refuses, found by `check`: listen-ports as
/// the controller parses them, and its subnet discovery (role tags, other clusters' subnets,
/// the fallback by reachability, zones per load balancer kind).
@Suite("load balancer checks")
struct LoadBalancerCheckTests {
    static func topology(subnets: String, manifests: String) -> String {
        """
        apiVersion: netsim/v1
        kind: Topology
        name: t
        region: us-east-1
        vpc:
          cidrBlocks: [10.0.0.0/16]
          subnets:
        \(subnets)
          internetGateway: {name: igw}
          routeTables:
            - {name: public, routes: [{destination: 0.0.0.0/0, target: igw}]}
        cluster:
          name: c
        kubernetes:
          manifests:
            - apiVersion: v1
              kind: Service
              metadata: {name: web, namespace: shop}
              spec:
                type: NodePort
                ports: [{name: http, port: 80}]
        \(manifests)
        """
    }
    static let twoPublic = """
            - {name: pa, zone: us-east-1a, cidr: 10.0.0.0/24, routeTable: public, tags: {kubernetes.io/role/elb: "1"}}
            - {name: pb, zone: us-east-1b, cidr: 10.0.1.0/24, routeTable: public, tags: {kubernetes.io/role/elb: ""}}
        """
    static func ingress(_ annotations: String) -> String {
        """
            - apiVersion: networking.k8s.io/v1
              kind: Ingress
              metadata:
                name: web
                namespace: shop
                annotations:
                  alb.ingress.kubernetes.io/scheme: internet-facing
        \(annotations)
              spec:
                ingressClassName: alb
                defaultBackend: {service: {name: web, port: {number: 80}}}
        """
    }
    static func nlb(scheme: String) -> String {
        """
            - apiVersion: v1
              kind: Service
              metadata:
                name: web-nlb
                namespace: shop
                annotations:
                  service.beta.kubernetes.io/aws-load-balancer-type: external
                  service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
                  service.beta.kubernetes.io/aws-load-balancer-scheme: \(scheme)
              spec:
                type: LoadBalancer
                ports: [{name: http, port: 80}]
        """
    }

    func codes(_ text: String) -> [String] {
        let s = Scratch()
        return loader.load(path: s.write("t.yaml", text)).codes
    }

    @Test(arguments: [
        (#"'[{"HTTP": 80}, {"HTTPS": 443}]'"#, nil),
        (#"'[{"HTTP": 80, "HTTPS": 443}]'"#, nil),
        (#"'[]'"#, "empty listen-ports"),
        (#"'[{"FTP": 21}]'"#, "listen protocol must be within [HTTP, HTTPS]: FTP"),
        (#"'[{"HTTP": 0}]'"#, "listen port must be within [1, 65535]: 0"),
        (#"'[{"http": 80}]'"#, "listen protocol must be within [HTTP, HTTPS]: http"),
        (#"'HTTP:80'"#, "failed to parse listen-ports"),
    ] as [(String, String?)])
    func listenPorts(_ value: String, _ error: String?) throws {
        let s = Scratch()
        let r = loader.load(path: s.write("t.yaml", Self.topology(subnets: Self.twoPublic, manifests: Self.ingress("          alb.ingress.kubernetes.io/listen-ports: \(value)"))))
        if let error {
            let d = try #require(r.first(.lbListenPorts), "\(r.codes)")
            #expect(d.message.contains(error), "\(d.message)")
        } else {
            #expect(r.codes.isEmpty, "\(r.diagnostics.map(\.formatted))")
        }
    }

    /// Tagged subnets win; a tag value other than "1" or empty does not count; a subnet tagged
    /// for another cluster is left out; with no role tag anywhere the controller falls back to
    /// public subnets (a route to the internet gateway) for internet-facing.
    @Test func subnetDiscovery() {
        #expect(codes(Self.topology(subnets: Self.twoPublic, manifests: Self.ingress(""))).isEmpty)
        let oneZone = """
                - {name: pa, zone: us-east-1a, cidr: 10.0.0.0/24, routeTable: public, tags: {kubernetes.io/role/elb: "1"}}
                - {name: pb, zone: us-east-1b, cidr: 10.0.1.0/24, routeTable: public, tags: {kubernetes.io/role/elb: "true"}}
            """
        #expect(codes(Self.topology(subnets: oneZone, manifests: Self.ingress(""))) == ["NS0714"], "\"true\" is not a role tag value")
        #expect(codes(Self.topology(subnets: oneZone, manifests: Self.nlb(scheme: "internet-facing"))).isEmpty, "an NLB needs one zone")
        let otherCluster = """
                - {name: pa, zone: us-east-1a, cidr: 10.0.0.0/24, routeTable: public, tags: {kubernetes.io/role/elb: "1", kubernetes.io/cluster/other: owned}}
            """
        let s = Scratch()
        let r = loader.load(path: s.write("t.yaml", Self.topology(subnets: otherCluster, manifests: Self.nlb(scheme: "internet-facing"))))
        #expect(r.codes == ["NS0714"])
        #expect(r.first(.lbNoSubnets)?.message.contains("tagged for other clusters") == true)
        let untagged = """
                - {name: pa, zone: us-east-1a, cidr: 10.0.0.0/24, routeTable: public}
                - {name: qa, zone: us-east-1a, cidr: 10.0.2.0/24}
            """
        #expect(codes(Self.topology(subnets: untagged, manifests: Self.nlb(scheme: "internet-facing"))).isEmpty, "falls back to the public subnet")
        #expect(codes(Self.topology(subnets: untagged, manifests: Self.nlb(scheme: "internal"))).isEmpty, "falls back to the private subnet")
        let onlyPrivate = """
                - {name: qa, zone: us-east-1a, cidr: 10.0.2.0/24}
            """
        #expect(codes(Self.topology(subnets: onlyPrivate, manifests: Self.nlb(scheme: "internet-facing"))) == ["NS0714"])
        #expect(codes(Self.topology(subnets: oneZone, manifests: Self.nlb(scheme: "internetfacing"))) == ["NS0712"])
    }

    /// What the controller refuses in an Ingress or a Service beyond its scheme: wildcards in
    /// Prefix and Exact paths, security groups it cannot resolve, a health-check port it cannot
    /// parse, an NLB health-check protocol ELB does not have, IPv6 source ranges on an IPv4
    /// load balancer, unreadable action JSON, and a backend port the Service does not have.
    @Test(arguments: [
        ("          alb.ingress.kubernetes.io/security-groups: sg-nope", "NS0712"),
        ("          alb.ingress.kubernetes.io/healthcheck-port: \"99999\"", "NS0712"),
        ("          alb.ingress.kubernetes.io/actions.x: '{\"type\": \"forward\"'", "NS0712"),
        ("          alb.ingress.kubernetes.io/target-group-attributes: stickiness.enabled", "NS0712"),
    ])
    func ingressRefusals(_ annotation: String, _ code: String) {
        #expect(codes(Self.topology(subnets: Self.twoPublic, manifests: Self.ingress(annotation))) == [code])
    }

    @Test func pathsAndServiceRefusals() {
        let wildcard = Self.ingress("") + """

                    rules:
                      - http:
                          paths:
                            - {path: /api/*, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                            - {path: /v2, pathType: Prefix, backend: {service: {name: web, port: {number: 8080}}}}
            """
        #expect(codes(Self.topology(subnets: Self.twoPublic, manifests: wildcard)) == ["NS0718", "NS0718"])
        for annotation in ["service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol: GRPC",
                           "service.beta.kubernetes.io/load-balancer-source-ranges: 2001:db8::/32",
                           "service.beta.kubernetes.io/aws-load-balancer-security-groups: missing"] {
            let nlb = Self.nlb(scheme: "internet-facing").replacingOccurrences(of: "      service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing",
                                                                           with: "      service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing\n          \(annotation)")
            #expect(codes(Self.topology(subnets: Self.twoPublic, manifests: nlb)) == ["NS0712"], "\(annotation)")
        }
    }

    /// An Ingress without a class is the controller's when the default IngressClass is.
    @Test func defaultIngressClass() {
        let loc = SourceLocation(file: "t", line: 1, column: 1)
        let ing = Ingress(meta: ObjectMeta(name: "web", namespace: "shop", location: loc), ingressClassName: nil, defaultBackend: nil, rules: [])
        var k = KubernetesObjects()
        #expect(!LBC.manages(ing, in: k))
        k.ingressClasses = [IngressClass(meta: ObjectMeta(name: "alb", namespace: "", annotations: ["ingressclass.kubernetes.io/is-default-class": "true"], location: loc),
                                         controller: "ingress.k8s.aws/alb")]
        #expect(LBC.manages(ing, in: k))
    }
}
