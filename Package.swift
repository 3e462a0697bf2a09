// swift-tools-version: 6.0
import PackageDescription

// Targets follow Docs/architecture.md: engines (Model, IPAM, VPC, Kube, Flow) import no
// Foundation and do no I/O; loading, rendering, pcap and the command line sit at the edges.
let package = Package(
    name: "netsim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "netsim", targets: ["netsim"]),
        .library(name: "NetsimModel", targets: ["NetsimModel"]),
        .library(name: "NetsimIPAM", targets: ["NetsimIPAM"]),
        .library(name: "NetsimVPC", targets: ["NetsimVPC"]),
        .library(name: "NetsimKube", targets: ["NetsimKube"]),
        .library(name: "NetsimFlow", targets: ["NetsimFlow"]),
        .library(name: "NetsimTopology", targets: ["NetsimTopology"]),
        .library(name: "NetsimRender", targets: ["NetsimRender"]),
        .library(name: "NetsimPcap", targets: ["NetsimPcap"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    ],
    targets: [
        .target(name: "NetsimModel"),
        .target(name: "NetsimIPAM", dependencies: ["NetsimModel"]),
        .target(name: "NetsimVPC", dependencies: ["NetsimModel"]),
        .target(name: "NetsimKube", dependencies: ["NetsimModel"]),
        .target(name: "NetsimFlow", dependencies: ["NetsimModel", "NetsimIPAM", "NetsimVPC", "NetsimKube"]),
        .target(
            name: "NetsimTopology",
            dependencies: ["NetsimModel", "NetsimIPAM", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "NetsimRender", dependencies: ["NetsimModel", "NetsimFlow", "NetsimIPAM", "NetsimVPC"]),
        // `netsim import aws` and `netsim diff-live`: AWS CLI JSON in, topology YAML out (not an engine).
        .target(name: "NetsimImport", dependencies: ["NetsimModel", .product(name: "Yams", package: "Yams")]),
        .systemLibrary(
            name: "CPcap",
            pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"])]
        ),
        // zlib, for gzip flow logs (`replay --flow-logs`): in the SDK on macOS, zlib1g-dev on Debian.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .target(name: "NetsimPcap", dependencies: ["CPcap", "CZlib"]),
        .executableTarget(
            name: "netsim",
            dependencies: [
                "NetsimModel", "NetsimIPAM", "NetsimVPC", "NetsimKube", "NetsimFlow",
                "NetsimTopology", "NetsimRender", "NetsimPcap", "NetsimImport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "netsim-bench",
            dependencies: ["NetsimModel", "NetsimIPAM", "NetsimVPC", "NetsimKube", "NetsimFlow", "NetsimTopology", "NetsimPcap", "NetsimImport"],
            path: "Benchmarks/netsim-bench"
        ),
        // Shared by the test targets (repository root, process runner, the built binary, temporary
        // folders, network namespaces); under Tests/ and in no product, so it never ships.
        .target(name: "NetsimTestSupport", dependencies: ["NetsimModel", "NetsimFlow"], path: "Tests/NetsimTestSupport"),
        .testTarget(name: "NetsimModelTests", dependencies: ["NetsimModel", "NetsimIPAM", "NetsimTestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "NetsimTopologyTests",
            dependencies: ["NetsimModel", "NetsimIPAM", "NetsimKube", "NetsimTopology", "NetsimFlow", "NetsimRender", "NetsimTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "NetsimIPAMTests", dependencies: ["NetsimModel", "NetsimIPAM", "NetsimTopology", "NetsimTestSupport"]),
        .testTarget(name: "NetsimKubeTests", dependencies: ["NetsimModel", "NetsimKube", "NetsimTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "NetsimVPCTests", dependencies: ["NetsimModel", "NetsimVPC"]),
        .testTarget(name: "NetsimFlowTests", dependencies: ["NetsimModel", "NetsimIPAM", "NetsimVPC", "NetsimKube", "NetsimFlow", "NetsimTopology", "NetsimTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "NetsimPcapTests", dependencies: ["NetsimPcap", "NetsimTestSupport"]),
        .testTarget(name: "NetsimCLITests", dependencies: ["NetsimModel", "NetsimTestSupport"]),
        .testTarget(name: "NetsimImportTests", dependencies: ["NetsimModel", "NetsimImport", "NetsimTopology", "NetsimIPAM", "NetsimTestSupport"]),
    ]
)
