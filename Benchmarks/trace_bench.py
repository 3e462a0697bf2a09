#!/usr/bin/env python3
"""Benchmark for the trace engine (issue: VPC fabric and netsim trace).

On the generated 1,000-node topology (30,000 pods, 3,000 Services, 300 security groups), after
loading, realizing and indexing it and rendering the kube-proxy rules all nodes share (reported,
not counted; each node's own datapath is built inside the timed traces, the first time one
crosses it): the median of one representative
trace repeated 2,000 times (target < 50 us), and 10,000 random traces between pods, nodes,
externals and the internet (target < 0.5 s), beside the anchor: the same 10,000 traces with every
lookup (address owners, security-group members, route tables) done by a plain linear scan of
the same rules, measured in the same run. Both runs must agree on every disposition.

Usage: Benchmarks/trace_bench.py [--bench .build/release/netsim-bench] [--netsim .build/release/netsim]
"""
import argparse
import json
import os
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=".build/release/netsim-bench")
    ap.add_argument("--netsim", default=".build/release/netsim")
    ap.add_argument("--out", default="Benchmarks/out")
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    big = os.path.join(a.out, "generated-1000n-30000p.yaml")
    if not os.path.exists(big):
        subprocess.run([a.netsim, "generate", "--nodes", "1000", "--pods", "30000", "--services", "3000",
                        "--security-groups", "300", "--seed", "42", "-o", big], check=True)
    r = json.loads(subprocess.run([a.bench, "trace", big, "--traces", "10000"], check=True, capture_output=True, text=True).stdout)
    print(f"trace engine on {big}: {r['nodes']:,} nodes, {r['pods']:,} pods, {r['interfaces']:,} interfaces")
    print(f"  set-up (not counted): load {r['loadSeconds'] * 1000:.0f} ms, realize {r['realizeSeconds'] * 1000:.0f} ms, "
          f"index {r['indexSeconds'] * 1000:.0f} ms, shared kube-proxy rules {r['datapathSetupSeconds'] * 1000:.0f} ms")
    print(f"  one trace, median of 2,000: {r['oneTraceMedianMicroseconds']:.1f} us (p99 {r['oneTraceP99Microseconds']:.1f} us; target < 50 us)")
    print(f"  10,000 random traces: {r['indexedSeconds'] * 1000:.1f} ms (target < 500 ms); dispositions {r['dispositions']}")
    print(f"  anchor: the same traces by linear scan: {r['linearScanSeconds'] * 1000:.1f} ms; "
          f"ratio indexed/linear {r['indexedSeconds'] / r['linearScanSeconds']:.3f}; same dispositions: {r['sameDispositionsAsLinearScan']}")
    ok = r["oneTraceMedianMicroseconds"] < 50 and r["indexedSeconds"] < 0.5 and r["sameDispositionsAsLinearScan"]
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
