#!/usr/bin/env python3
"""Benchmarks for `netsim check` (issue: topology files and netsim check).

Measures, in one run, with a release build:
  1. `netsim check` on a generated topology of 1,000 nodes, 30,000 pods, 3,000 Services and
     300 security groups, against the anchor: PyYAML's C loader (yaml.CSafeLoader) merely
     parsing the same file. Reports both medians and the ratio (netsim / anchor; below 1.0
     means netsim validates faster than PyYAML parses), and netsim's peak RSS.
  2. `netsim check Topologies/quickstart.yaml` wall time (target: under 50 ms).

Usage: Benchmarks/check_bench.py [--netsim .build/release/netsim] [--runs 5]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

import yaml


def run_netsim(binary, args):
    """Wall seconds of one netsim run."""
    start = time.perf_counter()
    proc = subprocess.run([binary] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"netsim {' '.join(args)} failed ({proc.returncode}): {proc.stderr.decode()}")
    return wall


def peak_rss_mib(binary, args):
    """Peak resident memory of one run, from GNU time."""
    out = subprocess.run(["/usr/bin/time", "-f", "%M", binary] + args,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return int(out.stderr.strip().splitlines()[-1]) / 1024.0


def pyyaml_parse(path):
    start = time.perf_counter()
    with open(path, "rb") as f:
        yaml.load(f, Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--netsim", default=".build/release/netsim")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default="Benchmarks/out")
    a = ap.parse_args()
    if not hasattr(yaml, "CSafeLoader"):
        sys.exit("PyYAML was built without libyaml (no CSafeLoader): pip install pyyaml with libyaml-dev present")
    os.makedirs(a.out, exist_ok=True)
    big = os.path.join(a.out, "generated-1000n-30000p.yaml")
    subprocess.run([a.netsim, "generate", "--nodes", "1000", "--pods", "30000", "--services", "3000",
                    "--security-groups", "300", "--seed", "42", "-o", big], check=True)
    size = os.path.getsize(big)

    netsim_times, anchor_times = [], []
    for _ in range(a.runs):   # interleaved, so load on the machine affects both alike
        netsim_times.append(run_netsim(a.netsim, ["check", big]))
        anchor_times.append(pyyaml_parse(big))
    rss = peak_rss_mib(a.netsim, ["check", big])
    n, p = statistics.median(netsim_times), statistics.median(anchor_times)
    print(f"file: {big} ({size / 1e6:.2f} MB, 1000 nodes, 30000 pods, 3000 services, 300 security groups)")
    print(f"netsim check (load + validate), median of {a.runs}: {n * 1000:8.1f} ms")
    print(f"anchor: PyYAML CSafeLoader parse only, median of {a.runs}: {p * 1000:8.1f} ms")
    print(f"ratio netsim/anchor: {n / p:.2f}  (target <= 1.00)")
    print(f"netsim peak RSS: {rss:.0f} MiB  (target < 1024 MiB)")

    quick = [run_netsim(a.netsim, ["check", "Topologies/quickstart.yaml"]) for _ in range(max(a.runs, 10))]
    print(f"netsim check Topologies/quickstart.yaml, median of {len(quick)}: {statistics.median(quick) * 1000:.1f} ms"
          f" (max {max(quick) * 1000:.1f} ms; target < 50 ms)")
    ok = n <= p and rss < 1024 and statistics.median(quick) < 0.050
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
