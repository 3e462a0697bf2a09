#!/usr/bin/env python3
"""Benchmark for netsim replay (issue: Packet captures).

Writes a 1,000,000-packet Ethernet capture (Benchmarks/out/replay-1m.pcap, kept between runs):
20,000 conversations of 50 packets each (TCP handshakes, data and ACKs; UDP DNS queries and
answers) between the quickstart's pods, its database, the internet and its load balancers,
with addresses taken from netsim's own traces. Then times `netsim replay` of it (median of 3,
target < 2 s) beside the anchor, `tshark -r` reading the same file with its output thrown away
(median of 3), measured in the same run. Also reports `tcpdump -r` for reference.

Usage: Benchmarks/replay_bench.py [--netsim .build/release/netsim]
"""
import argparse
import json
import os
import random
import statistics
import struct
import subprocess
import sys
import time

Q = "Topologies/quickstart.yaml"


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def frame(src, dst, proto, sport, dport, flags=0x02, payload=b"", seq=0, ack=0):
    if proto == 6:
        l4 = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 0x50, flags, 62727, 0, 0) + payload
    else:
        l4 = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, proto, len(l4))
    c = checksum(pseudo + l4)
    l4 = l4[:16] + struct.pack("!H", c) + l4[18:] if proto == 6 else l4[:6] + struct.pack("!H", c or 0xFFFF) + l4[8:]
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0x4000, 64, proto, 0, ip4(src), ip4(dst))
    iph = iph[:10] + struct.pack("!H", checksum(iph)) + iph[12:]
    return b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00" + iph + l4


def write_capture(path, netsim):
    def addr(args):
        out = subprocess.run([netsim, "trace", Q, "--format", "json"] + args, capture_output=True, text=True).stdout
        return json.loads(out)["flow"]
    cart = addr(["--from", "deployment:shop/cart", "--to", "external:orders-db", "--port", "5432"])
    front = addr(["--from", "deployment:shop/frontend", "--to", "service:shop/cart", "--port", "80"])
    nlb = addr(["--from", "internet", "--to", "service:shop/frontend", "--port", "80"])
    servers = [(cart["destinationAddress"], 5432, 6), (front["destinationAddress"], 80, 6), (nlb["destinationAddress"], 80, 6), ("8.8.8.8", 53, 17)]
    clients = [cart["sourceAddress"], front["sourceAddress"]]
    rng = random.Random(7)
    packets = 0
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        ts = 1_767_225_600_000_000
        for conv in range(20000):
            server, port, proto = servers[conv % len(servers)]
            client = clients[conv % 2] if server != nlb["destinationAddress"] else "198.51.100.%d" % (1 + conv % 250)
            cport = 1024 + rng.randrange(60000)
            frames = []
            if proto == 6:
                frames.append(frame(client, server, 6, cport, port, 0x02))
                frames.append(frame(server, client, 6, port, cport, 0x12, seq=1, ack=1))
                for k in range(48):
                    if k % 2 == 0:
                        frames.append(frame(client, server, 6, cport, port, 0x18, b"x" * 64, seq=k, ack=1))
                    else:
                        frames.append(frame(server, client, 6, port, cport, 0x10, seq=1, ack=k))
            else:
                for k in range(25):
                    frames.append(frame(client, server, 17, cport, port, payload=b"q" * 29))
                    frames.append(frame(server, client, 17, port, cport, payload=b"a" * 45))
            for fr in frames:
                f.write(struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000, len(fr), len(fr)) + fr)
                ts += 20
                packets += 1
    os.replace(path + ".tmp", path)
    return packets


def timed(cmd, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times), r.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--netsim", default=".build/release/netsim")
    ap.add_argument("--out", default="Benchmarks/out")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    cap = os.path.join(a.out, "replay-1m.pcap")
    if not os.path.exists(cap):
        n = write_capture(cap, a.netsim)
        print(f"wrote {cap}: {n:,} packets")
    size = os.path.getsize(cap)
    netsim, rc = timed([a.netsim, "replay", Q, cap, "--format", "json"], a.runs)
    summary = json.loads(subprocess.run([a.netsim, "replay", Q, cap, "--format", "json"], capture_output=True, text=True).stdout)
    tshark, _ = timed(["tshark", "-n", "-r", cap], a.runs)
    tcpdump, _ = timed(["tcpdump", "-n", "-r", cap], a.runs)
    print(f"netsim replay of {summary['packets']:,} packets ({size / 1e6:.0f} MB), {len(summary['flows']):,} flows, "
          f"{summary['disagreements']} disagreements (exit {rc}): {netsim * 1000:.0f} ms, median of {a.runs} (target < 2,000 ms)")
    print(f"  anchor: tshark -r, output discarded: {tshark * 1000:.0f} ms; ratio netsim/tshark {netsim / tshark:.3f}")
    print(f"  for reference: tcpdump -r: {tcpdump * 1000:.0f} ms")
    ok = netsim < 2.0 and summary["packets"] == 1_000_000
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
