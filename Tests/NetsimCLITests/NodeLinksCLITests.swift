import Foundation
import NetsimTestSupport
import XCTest

/// `netsim node --show links` and `--show routes --table N`, with and without Security Groups
/// for Pods, run as a user runs them.
final class NodeLinksCLITests: XCTestCase {
    func netsim(_ args: [String]) throws -> ProcessResult { try Netsim.run(args, timeout: 120) }

    func firstNode() throws -> String {
        let node = try netsim(["node", "Topologies/quickstart.yaml"])
        XCTAssertEqual(node.status, 0, node.err)
        return try XCTUnwrap(node.out.split(separator: "\n").first.map(String.init))
    }

    /// One table is the lines of `table all` for it, without the `table` word; main is the
    /// lines without any; `links` lists lo, the ENIs and a veth per pod; `all` carries it.
    func testTablesAndLinks() throws {
        let node = try firstNode()
        let all = try netsim(["node", "Topologies/quickstart.yaml", node, "--show", "routes"])
        XCTAssertEqual(all.status, 0, all.err)
        let main = try netsim(["node", "Topologies/quickstart.yaml", node, "--show", "routes", "--table", "main"])
        XCTAssertEqual(main.status, 0, main.err)
        let mainLines = all.out.split(separator: "\n").filter { !$0.contains(" table ") }.map { $0 + "\n" }.joined()
        XCTAssertEqual(main.out, mainLines)
        let two = try netsim(["node", "Topologies/quickstart.yaml", node, "--show", "routes", "--table", "2"])
        XCTAssertEqual(two.status, 0, two.err)
        let twoLines = all.out.split(separator: "\n").filter { $0.contains(" table 2 ") }
            .map { $0.replacingOccurrences(of: " table 2 ", with: " ") + "\n" }.joined()
        XCTAssertEqual(two.out, twoLines)
        XCTAssertTrue(two.out.hasPrefix("default via "), two.out)
        let none = try netsim(["node", "Topologies/quickstart.yaml", node, "--show", "routes", "--table", "4000"])
        XCTAssertEqual(none.status, 0, none.err)
        XCTAssertEqual(none.out, "")

        let links = try netsim(["node", "Topologies/quickstart.yaml", node, "--show", "links"])
        XCTAssertEqual(links.status, 0, links.err)
        let lines = links.out.split(separator: "\n")
        XCTAssertTrue(lines.first?.hasPrefix("lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP>") ?? false, links.out)
        XCTAssertTrue(lines.contains { $0.hasPrefix("eth0             UP ") }, links.out)
        XCTAssertTrue(lines.contains { $0.hasPrefix("eni") }, links.out)
        let show = try netsim(["node", "Topologies/quickstart.yaml", node])
        XCTAssertTrue(show.out.contains("# ip -br link\n" + links.out), show.out)
    }

    /// With ENABLE_POD_ENI in strict mode every node has the trunk ENI (marked in `enis`, its
    /// table, no 32765 rule for it) and the local rule at 20; in standard mode the local rule
    /// stays at 0.
    func testPodENINodes() throws {
        let node = try firstNode()
        let strict = try netsim(["node", "Topologies/quickstart.yaml", node, "--set", "ENABLE_POD_ENI=true"])
        XCTAssertEqual(strict.status, 0, strict.err)
        XCTAssertTrue(strict.out.contains("# ip rule\n20:\tfrom all lookup local\n"), strict.out)
        let trunk = try XCTUnwrap(strict.out.split(separator: "\n").first { $0.contains("  trunk  ") })
        let fields = trunk.split(separator: " ", omittingEmptySubsequences: true)
        let device = String(fields[0]), trunkIP = String(fields[6])
        XCTAssertFalse(strict.out.contains("from \(trunkIP) lookup"), strict.out)
        XCTAssertTrue(strict.out.contains("default via ") && strict.out.contains(" dev \(device) table "), strict.out)
        let standard = try netsim(["node", "Topologies/quickstart.yaml", node, "--show", "rules", "--set", "ENABLE_POD_ENI=true",
                                   "--set", "POD_SECURITY_GROUP_ENFORCING_MODE=standard"])
        XCTAssertEqual(standard.status, 0, standard.err)
        XCTAssertTrue(standard.out.hasPrefix("0:\tfrom all lookup local\n"), standard.out)
    }

    /// A bad `--table` value, or `--table` without `--show routes` or without a node, is a usage
    /// error; huge and negative numbers, an empty and a megabyte value are refused the same way,
    /// and the value quoted back is clipped.
    func testBadTable() throws {
        let node = try firstNode()
        for bad in ["bogus", "", "-1", "0", "4294967296", "9223372036854775807", String(repeating: "9", count: 100_000)] {
            let r = try netsim(["node", "Topologies/quickstart.yaml", node, "--show", "routes", "--table", bad])
            XCTAssertEqual(r.status, 64, "\(bad.prefix(40)): \(r.err)")
            XCTAssertTrue(r.err.contains("--table"), r.err)
            XCTAssertLessThan(r.err.utf8.count, 2000)
        }
        let noRoutes = try netsim(["node", "Topologies/quickstart.yaml", node, "--show", "rules", "--table", "main"])
        XCTAssertEqual(noRoutes.status, 64, noRoutes.err)
        let noNode = try netsim(["node", "Topologies/quickstart.yaml", "--show", "routes", "--table", "main"])
        XCTAssertEqual(noNode.status, 64, noNode.err)
    }
}
