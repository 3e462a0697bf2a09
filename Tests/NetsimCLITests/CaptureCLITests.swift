import Foundation
import NetsimTestSupport
import XCTest

/// `netsim trace --pcap` and `netsim replay` with the real tools: tshark decodes every capture
/// netsim writes with checksum checks on, editcap converts to pcapng, and tcpdump captures real
/// packets between network namespaces made for the test.
final class CaptureCLITests: XCTestCase {
    let q = "Topologies/quickstart.yaml"
    var dir: URL!

    override func setUpWithError() throws {
        dir = try Scratch.makeDirectory(prefix: "netsim-capture")
    }
    override func tearDownWithError() throws { Scratch.remove(dir) }

    func run(_ args: [String]) throws -> ProcessResult { try Netsim.run(args) }

    static func tool(_ path: String, _ args: [String]) -> ProcessResult { Subprocess.run(path, args) }

    static let lab = "Tests/NetsimFlowTests/Fixtures/lb-lab.yaml"
    static let datapath = "Tests/NetsimFlowTests/Fixtures/datapath-lab.yaml"

    /// Flows of other topologies: (topology, arguments).
    static let labFlows: [(String, [String])] = [
        (lab, ["--from", "internet", "--to", "service:lab/nlb-ip-tcp-preserve", "--port", "80", "--handshake"]),   // the client's address at the pod
        (lab, ["--from", "internet", "--to", "service:lab/nlb-instance-local", "--port", "80"]),                   // and at the node, then the pod
        (lab, ["--from", "internet", "--to", "ingress:lab/site", "--port", "80", "--path", "/"]),                   // the ALB's own 404
        (lab, ["--from", "internet", "--to", "ingress:lab/site", "--port", "80", "--host", "a.example.com", "--path", "/local"]),
        (datapath, ["--from", "deployment:lab/client", "--to", "service:lab/ghost", "--port", "80"]),               // kube-proxy's REJECT
        ("Topologies/quickstart.yaml", ["--from", "deployment:shop/cart", "--to", "external:orders-db", "--port", "5432", "--source-port", "800", "--handshake"]), // reply lost
        ("Topologies/quickstart.yaml", ["--from", "deployment:shop/cart", "--to", "external:orders-db", "--protocol", "47"]),
        ("Topologies/quickstart.yaml", ["--from", "deployment:shop/cart", "--to", "external:orders-db", "--protocol", "icmp", "--icmp-type", "13"]),
        ("Topologies/quickstart.yaml", ["--from", "deployment:shop/cart", "--to", "external:orders-db", "--protocol", "icmp", "--icmp-type", "3", "--icmp-code", "1"]),
    ]

    static let flows: [[String]] = [
        ["--from", "deployment:shop/cart", "--to", "external:orders-db", "--port", "5432", "--handshake"],
        ["--from", "deployment:shop/frontend", "--to", "service:shop/cart", "--port", "80", "--handshake"],
        ["--from", "deployment:shop/cart", "--to", "internet", "--port", "443", "--handshake"],
        ["--from", "internet", "--to", "ingress:shop/storefront", "--port", "80", "--path", "/cart", "--handshake"],
        ["--from", "internet", "--to", "service:shop/frontend", "--port", "80"],
        ["--from", "deployment:shop/cart", "--to", "ip:8.8.8.8", "--port", "53", "--protocol", "udp"],
        ["--from", "deployment:shop/cart", "--to", "external:orders-db", "--protocol", "icmp"],
        ["--from", "internet", "--to", "deployment:shop/cart", "--port", "8080"],
    ]

    /// tshark decodes every frame of every capture: no malformed frame, every IPv4, TCP, UDP and
    /// ICMP checksum verified good.
    func testTsharkDecodesEveryCapture() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/tshark"), "tshark is not installed")
        for (k, (topology, flow)) in (Self.flows.map { (q, $0) } + Self.labFlows).enumerated() {
            let pcap = dir.appendingPathComponent("f\(k).pcap").path
            let r = try run(["trace", topology] + flow + ["--pcap", pcap])
            XCTAssertTrue(r.status == 0 || r.status == 1, r.err)
            let t = Self.tool("/usr/bin/tshark", ["-r", pcap, "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                                                  "-T", "fields", "-E", "separator=|", "-e", "frame.number", "-e", "ip.checksum.status", "-e", "tcp.checksum.status",
                                                  "-e", "udp.checksum.status", "-e", "icmp.checksum.status", "-e", "_ws.malformed"])
            XCTAssertEqual(t.status, 0, t.err)
            let rows = t.out.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
            XCTAssertGreaterThanOrEqual(rows.count, 1, "\(flow)")
            for row in rows {
                XCTAssertEqual(row.count, 6, "\(row)")
                // An ICMP error quotes a header: several values, each good (1) or absent (3).
                let ipStatus = row[1].split(separator: ",")
                XCTAssertTrue(!ipStatus.isEmpty && ipStatus.allSatisfy { $0 == "1" }, "IPv4 checksums of frame \(row[0]) of \(flow): \(row[1])")
                let transport = (row[2] + "," + row[3] + "," + row[4]).split(separator: ",")
                XCTAssertFalse(transport.contains("0"), "a bad transport checksum in frame \(row[0]) of \(flow)")
                if !flow.contains("47") {
                    XCTAssertTrue(transport.contains("1"), "a verified transport checksum in frame \(row[0]) of \(flow): \(row)")
                }
                XCTAssertEqual(row[5], "", "frame \(row[0]) of \(flow) is malformed")
            }
        }
    }

    /// The same trace writes the same bytes; a failed write leaves nothing; --handshake alone is refused.
    func testCaptureIsDeterministicAndAtomic() throws {
        let a = dir.appendingPathComponent("a.pcap").path, b = dir.appendingPathComponent("b.pcap").path
        let flow = Self.flows[3]
        XCTAssertEqual(try run(["trace", q] + flow + ["--pcap", a]).status, 0)
        XCTAssertEqual(try run(["trace", q] + flow + ["--pcap", b]).status, 0)
        XCTAssertEqual(FileManager.default.contents(atPath: a), FileManager.default.contents(atPath: b))
        let missing = dir.appendingPathComponent("no/such/dir/c.pcap").path
        let bad = try run(["trace", q] + flow + ["--pcap", missing])
        XCTAssertEqual(bad.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["a.pcap", "b.pcap"], "no temporary file is left behind")
        XCTAssertEqual(try run(["trace", q, "--from", "deployment:shop/cart", "--to", "internet", "--port", "443", "--handshake"]).status, 64, "--handshake needs --pcap: a usage error")
        // A device is written to, never replaced; - is standard output, with the trace in a file.
        XCTAssertEqual(try run(["trace", q] + flow + ["--pcap", "/dev/null"]).status, 0)
        var info = stat()
        XCTAssertEqual(lstat("/dev/null", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR, "/dev/null is still a device")
        XCTAssertEqual(try run(["trace", q] + flow + ["--pcap", "-"]).status, 2, "the capture and the trace would share standard output")
        let toStdout = try run(["trace", q] + flow + ["--pcap", "-", "-o", dir.appendingPathComponent("t.txt").path])
        XCTAssertEqual(toStdout.status, 0, toStdout.err)
        XCTAssertTrue(toStdout.out.unicodeScalars.count > 24, "the pcap went to standard output")
    }

    /// Every capture netsim writes, replayed: the model agrees with it on every flow (exit 0);
    /// the same after editcap turns it into pcapng.
    func testTraceThenReplayAgrees() throws {
        for (k, flow) in Self.flows.enumerated() {
            let pcap = dir.appendingPathComponent("r\(k).pcap").path
            let traced = try run(["trace", q] + flow + ["--pcap", pcap, "--format", "json"])
            let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(traced.out.utf8)) as? [String: Any])
            let r = try run(["replay", q, pcap, "--format", "json"])
            XCTAssertEqual(r.status, 0, "\(flow): \(r.out)\(r.err)")
            let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
            let flows = try XCTUnwrap(report["flows"] as? [[String: Any]])
            let first = try XCTUnwrap(flows.first)
            let tracedFlow = try XCTUnwrap(doc["flow"] as? [String: Any])
            XCTAssertEqual(first["client"] as? String, tracedFlow["sourceAddress"] as? String)
            let delivered = ["DELIVERED", "EXITS_NETWORK"].contains(doc["disposition"] as? String ?? "")
            XCTAssertEqual(["DELIVERED", "EXITS_NETWORK"].contains(first["disposition"] as? String ?? ""), delivered, "\(flow): \(first)")
            XCTAssertEqual(first["reachedServer"] as? Bool, delivered)
        }
        // (ICMP errors and other protocols are not conversations replay evaluates.)
        for (k, (topology, flow)) in Self.labFlows.enumerated() where !flow.contains("47") && !flow.contains("--icmp-code") {
            let pcap = dir.appendingPathComponent("l\(k).pcap").path
            _ = try run(["trace", topology] + flow + ["--pcap", pcap])
            let r = try run(["replay", topology, pcap, "--format", "json"])
            XCTAssertEqual(r.status, 0, "\(flow): \(r.out)\(r.err)")
        }
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/editcap") {
            let ng = dir.appendingPathComponent("r3.pcapng").path
            XCTAssertEqual(Self.tool("/usr/bin/editcap", ["-F", "pcapng", dir.appendingPathComponent("r3.pcap").path, ng]).status, 0)
            let r = try run(["replay", q, ng])
            XCTAssertEqual(r.status, 0, r.out + r.err)
            XCTAssertTrue(r.out.contains("the model agrees with the capture on every evaluated flow"), r.out)
        }
    }

    /// Captures netsim cannot read get a located error (exit 2) or are read up to the damage.
    func testReplayBadCaptures() throws {
        let good = dir.appendingPathComponent("good.pcap").path
        XCTAssertEqual(try run(["trace", q] + Self.flows[0] + ["--pcap", good]).status, 0)
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: good))
        // Cut in the middle of the last record: the packets before it are read.
        let cut = dir.appendingPathComponent("cut.pcap").path
        FileManager.default.createFile(atPath: cut, contents: bytes.prefix(bytes.count - 20))
        let truncated = try run(["replay", q, cut])
        XCTAssertEqual(truncated.status, 0, truncated.out + truncated.err)
        XCTAssertTrue(truncated.out.contains("the capture is truncated"), truncated.out)
        // A record whose length is absurd in the middle: read up to it.
        var damaged = bytes
        let second = 24 + 16 + (Int(bytes[24 + 8]) | Int(bytes[24 + 9]) << 8)
        damaged[second + 8] = 0xFF; damaged[second + 9] = 0xFF; damaged[second + 10] = 0xFF; damaged[second + 11] = 0x7F
        let d = dir.appendingPathComponent("damaged.pcap").path
        FileManager.default.createFile(atPath: d, contents: damaged)
        let readToDamage = try run(["replay", q, d])
        XCTAssertNotEqual(readToDamage.status, 2, readToDamage.out + readToDamage.err)
        // Not a capture at all.
        let junk = dir.appendingPathComponent("junk.pcap").path
        FileManager.default.createFile(atPath: junk, contents: Data("this is not a capture, just text\n".utf8))
        let notCapture = try run(["replay", q, junk])
        XCTAssertEqual(notCapture.status, 2)
        XCTAssertTrue(notCapture.err.contains("NS1101"), notCapture.err)
        // A link type netsim does not read (802.11, 105).
        var wifi = Data(bytes.prefix(24))
        wifi[20] = 105; wifi[21] = 0; wifi[22] = 0; wifi[23] = 0
        wifi.append(bytes[24..<(24 + 16 + 58)])
        let w = dir.appendingPathComponent("wifi.pcap").path
        FileManager.default.createFile(atPath: w, contents: wifi)
        let link = try run(["replay", q, w])
        XCTAssertEqual(link.status, 2)
        XCTAssertTrue(link.err.contains("NS1102") && link.err.contains("IEEE802_11"), link.err)
        // No packet at all: nothing to compare (exit 1, said so); an empty 802.11 file is still 802.11.
        let empty = dir.appendingPathComponent("empty.pcap").path
        FileManager.default.createFile(atPath: empty, contents: bytes.prefix(24))
        let nothing = try run(["replay", q, empty])
        XCTAssertEqual(nothing.status, 1)
        XCTAssertTrue(nothing.out.contains("no flow could be compared"), nothing.out)
        let emptyWifi = dir.appendingPathComponent("empty-wifi.pcap").path
        FileManager.default.createFile(atPath: emptyWifi, contents: wifi.prefix(24))
        XCTAssertEqual(try run(["replay", q, emptyWifi]).status, 2)
        let missing = try run(["replay", q, dir.appendingPathComponent("none.pcap").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.err.contains("NS1101"), missing.err)
    }

    static var canMakeNamespaces: Bool {
        NetworkNamespace.available && FileManager.default.isExecutableFile(atPath: "/usr/bin/tcpdump")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
    }

    /// Real packets: the cart pod's address and the database's, each in a network namespace of
    /// its own joined by a veth pair; tcpdump records a connection to PostgreSQL's port (a
    /// listener answers) and one to port 5433 (the kernel resets it). Replayed, the first agrees
    /// with the model; the second is the disagreement replay exists for — the database
    /// subnet's network ACL admits only 5432, yet this host answered.
    func testReplayOfATcpdumpCapture() throws {
        try XCTSkipUnless(Self.canMakeNamespaces, "needs root, iproute2, tcpdump and python3")
        let trace = try run(["trace", q, "--from", "deployment:shop/cart", "--to", "external:orders-db", "--port", "5432", "--format", "json"])
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(trace.out.utf8)) as? [String: Any])
        let flow = try XCTUnwrap(doc["flow"] as? [String: Any])
        let client = try XCTUnwrap(flow["sourceAddress"] as? String), server = try XCTUnwrap(flow["destinationAddress"] as? String)
        let id = "\(getpid() % 10000)\(Int.random(in: 100..<1000))"
        let namespaces = NamespaceSet()
        defer { namespaces.deleteAll() }
        let a = try namespaces.create("netsim-cap-a-\(id)"), b = try namespaces.create("netsim-cap-b-\(id)")
        for cmd in [["link", "add", "nsc\(id)", "netns", a.name, "type", "veth", "peer", "name", "nsd\(id)", "netns", b.name],
                    ["-n", a.name, "addr", "add", "\(client)/32", "dev", "nsc\(id)"], ["-n", b.name, "addr", "add", "\(server)/32", "dev", "nsd\(id)"],
                    ["-n", a.name, "link", "set", "nsc\(id)", "up"], ["-n", b.name, "link", "set", "nsd\(id)", "up"],
                    ["-n", a.name, "link", "set", "lo", "up"], ["-n", b.name, "link", "set", "lo", "up"],
                    ["-n", a.name, "route", "add", "\(server)/32", "dev", "nsc\(id)"], ["-n", b.name, "route", "add", "\(client)/32", "dev", "nsd\(id)"]] {
            let r = Self.tool(NetworkNamespace.ipTool, cmd)
            XCTAssertEqual(r.status, 0, "ip \(cmd.joined(separator: " ")): \(r.err)")
        }
        let pcap = dir.appendingPathComponent("tcpdump.pcap").path
        let dump = try a.start("/usr/bin/tcpdump", ["-i", "nsc\(id)", "-U", "-n", "-w", pcap, "ip"])
        let listener = try b.start("/usr/bin/python3", ["-c",
                              "import socket\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind(('\(server)',5432))\ns.listen()\nc,_=s.accept()\nc.recv(100)\nc.close()"])
        Thread.sleep(forTimeInterval: 1.5)
        let client1 = a.exec("/usr/bin/python3", ["-c",
                             "import socket,time\nfor i in range(20):\n  try:\n    c=socket.create_connection(('\(server)',5432),timeout=2); break\n  except OSError: time.sleep(0.1)\nc.sendall(b'hello')\nc.close()\ntry:\n  socket.create_connection(('\(server)',5433),timeout=2)\nexcept OSError: pass"])
        XCTAssertEqual(client1.status, 0, client1.err)
        listener.waitUntilExit()
        Thread.sleep(forTimeInterval: 0.5)
        dump.interrupt()
        dump.waitUntilExit()
        let r = try run(["replay", q, pcap, "--format", "json"])
        XCTAssertEqual(r.status, 1, "one disagreement is expected: \(r.out)\(r.err)")
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let flows = try XCTUnwrap(report["flows"] as? [[String: Any]])
        let pg = try XCTUnwrap(flows.first { $0["serverPort"] as? Int == 5432 })
        XCTAssertEqual(pg["client"] as? String, client)
        XCTAssertEqual(pg["capture"] as? String, "answered (SYN-ACK)")
        XCTAssertEqual(pg["agreement"] as? String, "agrees")
        let other = try XCTUnwrap(flows.first { $0["serverPort"] as? Int == 5433 })
        XCTAssertEqual(other["capture"] as? String, "refused (RST)")
        XCTAssertEqual(other["agreement"] as? String, "model-blocks-capture-answers")
        // The database subnet's network ACL admits only 5432 (its security group too).
        XCTAssertEqual(other["disposition"] as? String, "DENIED_IN")
        XCTAssertTrue((other["deciding"] as? String ?? "").contains("SUBNET_ACL_RESTRICTION"), "\(other)")
    }
}

/// IPv6 captures with the real tools: tshark decodes every frame of an IPv6 trace (the dualstack
/// ALB, kube-proxy's REJECT over ip6tables) with TCP, UDP and ICMPv6 checksums verified, and
/// `netsim replay` reads the capture back to the model's verdicts.
final class IPv6CaptureCLITests: XCTestCase {
    func testTsharkVerifiesIPv6Frames() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/tshark"), "tshark is not installed")
        let dir = try Scratch.makeDirectory(prefix: "netsim-capture6")
        defer { Scratch.remove(dir) }
        // A Service without endpoints: kube-proxy's ip6tables REJECT answers with ICMPv6.
        let topology = dir.appendingPathComponent("v6.yaml").path
        let text = try Repo.read("Topologies/ipv6-cluster.yaml").replacingOccurrences(of: "    # The controller's dualstack ALB", with: """
                - apiVersion: v1
                  kind: Service
                  metadata: {name: ghost, namespace: shop}
                  spec: {type: ClusterIP, selector: {app: nobody}, ports: [{name: http, port: 80, targetPort: 8080, protocol: TCP}]}
                # The controller's dualstack ALB
            """)
        try text.write(toFile: topology, atomically: true, encoding: .utf8)
        let flows: [[String]] = [
            ["--from", "internet", "--to", "ip:2600:1f14:7e0:9a00:ffff:bd8d:c6e4:a15", "--port", "80", "--handshake"],
            ["--from", "deployment:shop/worker", "--to", "service:shop/ghost", "--port", "80"],
            ["--from", "deployment:shop/worker", "--to", "service:shop/web", "--port", "80", "--protocol", "udp"],
        ]
        for (k, flow) in flows.enumerated() {
            let pcap = dir.appendingPathComponent("v6-\(k).pcap").path
            let r = try Netsim.run(["trace", topology] + flow + ["--pcap", pcap])
            XCTAssertTrue(r.status == 0 || r.status == 1, r.err)
            let t = Subprocess.run("/usr/bin/tshark", ["-r", pcap, "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                                                        "-T", "fields", "-E", "separator=|", "-e", "frame.number", "-e", "ipv6.version", "-e", "ipv6.nxt",
                                                        "-e", "tcp.checksum.status", "-e", "udp.checksum.status", "-e", "icmpv6.checksum.status", "-e", "_ws.malformed"])
            XCTAssertEqual(t.status, 0, t.err)
            let rows = t.out.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
            XCTAssertGreaterThanOrEqual(rows.count, 1, "\(flow)")
            for row in rows {
                XCTAssertEqual(row.count, 7, "\(row)")
                XCTAssertTrue(row[1].split(separator: ",").allSatisfy { $0 == "6" } && !row[1].isEmpty, "IPv6 in frame \(row[0]) of \(flow): \(row)")
                let sums = (row[3] + "," + row[4] + "," + row[5]).split(separator: ",")
                XCTAssertTrue(sums.contains("1") && !sums.contains("0") && !sums.contains("2"), "checksums of frame \(row[0]) of \(flow): \(row)")
                XCTAssertEqual(row[6], "", "frame \(row[0]) of \(flow) is malformed")
            }
            if k == 1 { XCTAssertTrue(rows.contains { $0[2].hasPrefix("58") }, "an ICMPv6 port unreachable: \(rows)") }
            let replay = try Netsim.run(["replay", topology, pcap])
            XCTAssertEqual(replay.status, 0, replay.out + replay.err)
            XCTAssertTrue(replay.out.contains("the model agrees with the capture on every evaluated flow"), replay.out)
        }
    }
}
