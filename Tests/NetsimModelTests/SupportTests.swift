import Testing
@testable import NetsimModel

@Suite struct SupportTests {
    /// Issue 12 item 21: candidates repeat (one per pod of a workload); a suggestion names each once.
    @Test func suggestionsNameEachCandidateOnce() {
        let pods = ["shop/api", "shop/api", "shop/api", "shop/apa", "shop/api"]
        #expect(Suggestions.nearest(to: "shop/apx", in: pods) == ["shop/api", "shop/apa"])
        #expect(Suggestions.didYouMean("shop/apx", in: pods) == "did you mean 'shop/api' or 'shop/apa'?")
        #expect(Suggestions.phrase(["a", "b", "a", "a"]) == "did you mean 'a' or 'b'?")
        #expect(Suggestions.phrase(["x", "x"]) == "did you mean 'x'?")
        #expect(Suggestions.unique(["b", "a", "b", "c", "a"]) == ["b", "a", "c"])
    }

    @Test func editDistance() {
        #expect(Suggestions.distance("routeTabel", "routeTable") == 2)
        #expect(Suggestions.distance("", "abc") == 3)
        #expect(Suggestions.didYouMean("subnts", in: ["subnets", "securityGroups"]) == "did you mean 'subnets'?")
        #expect(Suggestions.didYouMean("zzzzzz", in: ["subnets"]) == "")
    }

    /// Issue 12: a megabyte name searched the catalog for a minute and was echoed whole.
    @Test func suggestionsAndEchoesAreBounded() {
        let huge = String(repeating: "m", count: 1_000_000)
        #expect(Suggestions.nearest(to: huge, in: ["m5.large", huge]).isEmpty)
        #expect(InstanceCatalog.builtin.suggestions(for: huge).isEmpty)
        #expect(InstanceCatalog.builtin.suggestions(for: "m5.larg").first == "m5.large")
        // A candidate whose length alone rules it out is never measured, and never suggested.
        #expect(Suggestions.nearest(to: "web", in: [String(repeating: "w", count: 100_000), "wbe"]) == ["wbe"])
        #expect(Echo.clip(huge).count == Echo.limit)
        #expect(Echo.clip(huge).hasSuffix("…"))
        let exact = String(repeating: "a", count: Echo.limit)
        #expect(Echo.clip(exact) == exact)
        #expect(Echo.clip(exact + "b") == String(repeating: "a", count: Echo.limit - 1) + "…")
        #expect("'\(echo: huge)'".count == Echo.limit + 2)
        #expect(Echo.clip("é👍🏽") == "é👍🏽")
        // Control characters never reach the terminal: NUL, tab, CR LF, ESC, DEL are written out.
        #expect(Echo.clip("a\u{0}b\tc\r\nd\u{1B}[31me\u{7F}") == "a\\u{0}b\\u{9}c\\u{D}\\u{A}d\\u{1B}[31me\\u{7F}")
    }

    @Test func awsIDsAreDeterministicAndShaped() {
        let a = AWSID.make("subnet", name: "private-a", seed: 42)
        #expect(a == AWSID.make("subnet", name: "private-a", seed: 42))
        #expect(a != AWSID.make("subnet", name: "private-a", seed: 43))
        #expect(a != AWSID.make("subnet", name: "private-b", seed: 42))
        #expect(a.hasPrefix("subnet-0"))
        #expect(a.count == "subnet-".count + 17)
        #expect(a.dropFirst(7).allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    @Test func splitMixIsSeeded() {
        var a = SplitMix64(seed: 7), b = SplitMix64(seed: 7), c = SplitMix64(seed: 8)
        let x = (0..<4).map { _ in a.next() }
        #expect(x == (0..<4).map { _ in b.next() })
        #expect(x != (0..<4).map { _ in c.next() })
    }

    @Test func endpoints() throws {
        #expect(try Endpoint.parse("deployment:shop/frontend").get() == .workload(kind: .deployment, namespace: "shop", name: "frontend"))
        #expect(try Endpoint.parse("service:cart").get() == .service(namespace: "default", name: "cart"))
        #expect(try Endpoint.parse("ip:10.0.1.5").get() == .ip(.ipv4(IPv4Address(10, 0, 1, 5))))
        #expect(try Endpoint.parse("internet").get() == .internet)
        #expect(try Endpoint.parse("external:orders-db").get().description == "external:orders-db")
        #expect(try Endpoint.parse("deploy:shop/x").get() == .workload(kind: .deployment, namespace: "shop", name: "x"))
        for bad in ["pod:", "dep:shop/x", "ip:10.0.0.300", "node:a/b", "frontend", "service:/x"] {
            #expect(throws: EndpointSyntaxError.self) { try Endpoint.parse(bad).get() }
        }
    }

    @Test func labelSelectors() {
        let sel = LabelSelector(matchLabels: ["app": "cart"], matchExpressions: [
            .init(key: "tier", op: .In, values: ["backend", "api"]), .init(key: "canary", op: .DoesNotExist, values: []),
        ])
        #expect(sel.matches(["app": "cart", "tier": "backend"]))
        #expect(!sel.matches(["app": "cart", "tier": "web"]))
        #expect(!sel.matches(["app": "cart", "tier": "api", "canary": "1"]))
        #expect(LabelSelector().matches([:]))
    }

    @Test func tolerations() {
        let taint = Taint(key: "dedicated", value: "batch", effect: .NoSchedule)
        #expect(Toleration(key: "dedicated", op: "Equal", value: "batch", effect: "NoSchedule").tolerates(taint))
        #expect(Toleration(key: "dedicated", op: "Exists", value: "", effect: "").tolerates(taint))
        #expect(Toleration(key: "", op: "Exists", value: "", effect: "").tolerates(taint))
        #expect(!Toleration(key: "dedicated", op: "Equal", value: "web", effect: "NoSchedule").tolerates(taint))
    }

    @Test func subnetReservesFiveAddresses() throws {
        let s = Subnet(name: "a", id: "subnet-1", zone: "us-east-1a", cidr: try #require(IPv4CIDR("10.0.0.0/24")),
                       location: SourceLocation(file: "t", line: 1, column: 1))
        #expect(s.usableAddressCount == 251)
        #expect(s.reservedAddresses.map(\.description) == ["10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.255"])
        let third = try #require(IPv4Address("10.0.0.3")), fourth = try #require(IPv4Address("10.0.0.4"))
        #expect(s.isReserved(third) && !s.isReserved(fourth))
    }
}

/// Go's strconv.ParseBool, the one boolean reading for aws-node settings and the controller's annotations.
@Suite("ParseBool")
struct ParseBoolTests {
    @Test(arguments: [
        ("1", true), ("t", true), ("T", true), ("TRUE", true), ("true", true), ("True", true),
        ("0", false), ("f", false), ("F", false), ("FALSE", false), ("false", false), ("False", false),
    ])
    func accepts(_ text: String, _ value: Bool) {
        #expect(Strconv.parseBool(text) == value)
    }

    @Test(arguments: ["", " true", "true ", "tRUE", "fAlSe", "yes", "no", "on", "off", "y", "n", "2", "-1", "01", "TRue", "\u{0}true"])
    func refuses(_ text: String) {
        #expect(Strconv.parseBool(text) == nil)
    }

    /// ipamd's settings and the cluster's flags read with it: "T" is on, "yes" is not a boolean (off).
    @Test func settingsUseIt() {
        #expect(CNISettings(values: [("ENABLE_PREFIX_DELEGATION", "T")]).prefixDelegation)
        #expect(!CNISettings(values: [("ENABLE_PREFIX_DELEGATION", "yes")]).prefixDelegation)
        #expect(CNISettings(values: [("ENABLE_SUBNET_DISCOVERY", "F")]).subnetDiscovery == false)
        #expect(CNISettings(values: [("ENABLE_SUBNET_DISCOVERY", "nope")]).subnetDiscovery)
        let c = Cluster(name: "c", version: "1.31", serviceCIDR: IPv4CIDR("172.20.0.0/16")!, cni: [CNISetting(name: "ENABLE_PREFIX_DELEGATION", value: "True", location: SourceLocation(file: "t", line: 1, column: 1))],
                        location: SourceLocation(file: "t", line: 1, column: 1))
        #expect(c.prefixDelegation)
    }
}
