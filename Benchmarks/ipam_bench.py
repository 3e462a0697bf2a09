#!/usr/bin/env python3
"""Benchmarks for the IPAM engine (issue: IPAM engine and capacity planning).

Measures, in one run, with a release build:
  1. `netsim capacity --all-instance-types --format json` in each of the four modes (secondary
     IPs, prefix delegation, custom networking, Security Groups for Pods), wall time per run
     (target: under 50 ms each). Anchor: the published max-pods calculation — the formula of
     max-pods-calculator.sh and eni-max-pods.txt, ENIs x (IPv4 per ENI - 1) + 2 with the 110/250
     caps — computed by Python for the same 1,391 types and printed as JSON (process start
     included on both sides).
  2. `netsim simulate` of the generated 1,000-node, 30,000-pod topology for one simulated hour
     (720 ticks) with 10 % hourly churn: wall time (target: under 2 s) and peak RSS (target:
     under 500 MB). Anchor: `netsim check` of the same file (loading alone), so the ratio shows
     what allocating the cluster and running ipamd on every node for an hour costs over reading it.

Usage: Benchmarks/ipam_bench.py [--netsim .build/release/netsim] [--runs 5]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from check_bench import peak_rss_mib, run_netsim

ANCHOR = r'''
import json, sys
rows = []
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("#") or line.startswith("instance_type\t") or not line.strip():
        continue
    f = line.rstrip("\n").split("\t")
    enis, ips = int(f[1]), int(f[2])
    vcpus = int(f[9]) if len(f) > 9 and f[9] else 0
    allowed = enis * (ips - 1) + 2
    cap = 250 if vcpus > 30 else 110
    rows.append({"instanceType": f[0], "maxPodsAllowed": allowed, "maxPodsRecommended": min(allowed, cap),
                 "enis": enis, "ipsPerEni": ips - 1})
json.dump(rows, sys.stdout, indent=2, sort_keys=True)
'''


def timed(cmd):
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: {proc.stderr.decode()}")
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--netsim", default=".build/release/netsim")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default="Benchmarks/out")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    ok = True

    # The anchor reads the same limits table netsim embeds.
    table = os.path.join(a.out, "limits.tsv")
    src = open("Sources/NetsimIPAM/Catalog/InstanceCatalogData.swift", encoding="utf-8").read()
    with open(table, "w", encoding="utf-8") as f:
        f.write(src.split('"""\n', 1)[1].rsplit('"""', 1)[0])
    anchor_script = os.path.join(a.out, "maxpods_anchor.py")
    with open(anchor_script, "w", encoding="utf-8") as f:
        f.write(ANCHOR)
    print("netsim capacity --all-instance-types --format json (1,391 types), median of", a.runs)
    modes = [("secondary IPs", []), ("prefix delegation", ["--prefix-delegation"]),
             ("custom networking", ["--custom-networking"]), ("Security Groups for Pods", ["--security-groups-for-pods"])]
    anchor_times = []
    for name, flags in modes:
        times = []
        for _ in range(a.runs):
            times.append(run_netsim(a.netsim, ["capacity", "--all-instance-types", "--format", "json"] + flags))
            anchor_times.append(timed([sys.executable, anchor_script, table]))
        m = statistics.median(times)
        ok = ok and m < 0.050
        print(f"  {name:26s} {m * 1000:6.1f} ms  (target < 50 ms)")
    anchor = statistics.median(anchor_times)
    worst = max(statistics.median([run_netsim(a.netsim, ["capacity", "--all-instance-types", "--format", "json"] + f)
                                   for _ in range(3)]) for _, f in modes)
    print(f"  anchor: the published formula in Python, same types, JSON out: {anchor * 1000:6.1f} ms")
    print(f"  ratio netsim (slowest mode) / anchor: {worst / anchor:.2f}")

    big = os.path.join(a.out, "generated-1000n-30000p.yaml")
    if not os.path.exists(big):
        subprocess.run([a.netsim, "generate", "--nodes", "1000", "--pods", "30000", "--services", "3000",
                        "--security-groups", "300", "--seed", "42", "-o", big], check=True)
    args = ["simulate", big, "--duration", "1h", "--churn", "10%", "--format", "json"]
    sim, load = [], []
    for _ in range(max(3, a.runs // 2)):
        sim.append(run_netsim(a.netsim, args))
        load.append(run_netsim(a.netsim, ["check", big]))
    out = subprocess.run([a.netsim] + args, capture_output=True, text=True).stdout
    summary = json.loads(out)
    rss = peak_rss_mib(a.netsim, args)
    s, l = statistics.median(sim), statistics.median(load)
    print(f"netsim simulate, 1,000 nodes, {summary['pods']['runningAtStart']:,} pods running, 1 h (720 ticks), 10 %/h churn "
          f"({summary['pods']['created']:,} pods replaced), median of {len(sim)}:")
    print(f"  wall {s * 1000:7.1f} ms  (target < 2000 ms)   peak RSS {rss:.0f} MiB  (target < 500 MiB)")
    print(f"  anchor: netsim check of the same file (load and validate only): {l * 1000:7.1f} ms; ratio {s / l:.2f}")
    ok = ok and s < 2.0 and rss < 500
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
