#!/usr/bin/env python3
"""Benchmark for the node datapath (issue: Node datapath, kube-proxy iptables).

1. Render one node's kube-proxy nat and filter tables for 3,000 Services x 10 endpoints
   (a mix of ClusterIP, NodePort, LoadBalancer with source ranges, externalTrafficPolicy Local,
   ClientIP affinity, terminating endpoints and Services without endpoints): median of 7 renders,
   target < 100 ms, with the rule count; beside it, the time the kernel's iptables-restore needs
   to load the same text into a network namespace this script creates (median of 3), measured in
   the same run.
2. The interpreter on that ruleset: 200,000 generated packets through nat KUBE-SERVICES and filter
   KUBE-SERVICES with the destination index (target < 5 us per packet on average), beside the
   same walk rule by rule (linear) on the first 20,000 packets; both must translate the same
   packets.

The namespace gets a unique name and is always deleted; the root namespace is not touched.
Usage: Benchmarks/kube_proxy_bench.py [--bench .build/release/netsim-bench]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid


def restore_times(rules, runs):
    ns = "nsbench-" + uuid.uuid4().hex[:8]
    if subprocess.run(["ip", "netns", "add", ns], capture_output=True).returncode != 0:
        return None, "cannot create a network namespace here (needs root and iproute2)"
    try:
        times = []
        for _ in range(runs):
            with open(rules, "rb") as f:
                start = time.perf_counter()
                r = subprocess.run(["ip", "netns", "exec", ns, "iptables-restore"], stdin=f, capture_output=True)
                times.append(time.perf_counter() - start)
            if r.returncode != 0:
                return None, "iptables-restore failed: " + r.stderr.decode(errors="replace")[:400]
        return times, None
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=".build/release/netsim-bench")
    ap.add_argument("--out", default="Benchmarks/out")
    ap.add_argument("--services", type=int, default=3000)
    ap.add_argument("--endpoints", type=int, default=10)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rules = os.path.join(a.out, f"kube-proxy-{a.services}x{a.endpoints}.rules")
    r = json.loads(subprocess.run([a.bench, "kube-proxy", "--services", str(a.services), "--endpoints", str(a.endpoints),
                                   "--rules-out", rules], check=True, capture_output=True, text=True).stdout)
    times, why = restore_times(rules, 3)
    print(f"kube-proxy render, {r['services']:,} Services x {r['endpointsPerService']} endpoints: "
          f"{r['rules']:,} rules ({r['natRules']:,} nat in {r['natChains']:,} chains, {r['filterRules']:,} filter), {r['bytes'] / 1e6:.1f} MB")
    print(f"  render: median {r['renderMedianMilliseconds']:.1f} ms (min {r['renderMinMilliseconds']:.1f}; target < 100 ms); "
          f"text {r['textMilliseconds']:.1f} ms")
    if times:
        med = statistics.median(times)
        print(f"  anchor: the kernel's iptables-restore of the same text in a namespace: median {med * 1000:.0f} ms "
              f"(runs {', '.join(f'{t * 1000:.0f}' for t in times)} ms); ratio render/restore {r['renderMedianMilliseconds'] / 1000 / med:.3f}")
    else:
        print(f"  anchor not measured: {why}")
    print(f"  netsim reading it back: parse {r['parseMilliseconds']:.0f} ms, interpreter load {r['interpreterLoadMilliseconds']:.0f} ms")
    print(f"  interpreter, {r['packets']:,} packets (nat + filter KUBE-SERVICES): {r['indexedMicrosecondsPerPacket']:.2f} us/packet "
          f"(target < 5 us); {r['packetsTranslated']:,} translated")
    print(f"  anchor: linear walk of the same rules, {r['linearPackets']:,} packets: {r['linearMicrosecondsPerPacket']:.2f} us/packet "
          f"vs indexed {r['indexedMicrosecondsPerPacketSamePackets']:.2f} us on the same packets "
          f"(ratio {r['indexedMicrosecondsPerPacketSamePackets'] / r['linearMicrosecondsPerPacket']:.3f}); same translations: {r['sameTranslationsAsLinear']}")
    ok = r["renderMedianMilliseconds"] < 100 and r["indexedMicrosecondsPerPacket"] < 5 and r["sameTranslationsAsLinear"] and times is not None
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
