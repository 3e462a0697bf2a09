#!/usr/bin/env python3
"""Benchmark for traces through load balancers (issue: ALB and NLB through the AWS Load
Balancer Controller).

A generated topology whose one Ingress has 100 listener rules (50 by host, 50 by path, over 10
Services of 3 pods; 6 nodes in 2 zones): after loading, realizing and indexing it (reported, not
counted) and the first request to each target group (which traces its health checks; reported as
the cold cost), the median of 200 passes over all 100 rules, each request matching a different
rule (target < 100 us), with ip targets and, separately, instance targets (NodePort and
kube-proxy). Anchor, same run: the ALB's second leg alone (its node to the same pod, through the
same security-group, ACL, route and node checks), and the ratio of the two.

Usage: Benchmarks/alb_bench.py [--bench .build/release/netsim-bench]
"""
import argparse
import json
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=".build/release/netsim-bench")
    ap.add_argument("--rules", type=int, default=100)
    a = ap.parse_args()
    ok = True
    for tt, repeat in (("ip", 200), ("instance", 100)):
        r = json.loads(subprocess.run([a.bench, "alb", "--rules", str(a.rules), "--repeat", str(repeat), "--target-type", tt],
                                      check=True, capture_output=True, text=True).stdout)
        print(f"ALB with {r['listenerRules']} listener rules, {r['targetGroups']} target groups, {tt} targets ({r['pods']} pods):")
        print(f"  set-up (not counted): load {r['loadSeconds'] * 1000:.1f} ms, realize and index {r['buildSeconds'] * 1000:.1f} ms; "
              f"first trace per target group (health checks traced): {r['coldFirstTracesPerTargetGroupMicroseconds']:.0f} us")
        print(f"  one trace, median of {r['traces']:,} over all rules: {r['traceMedianMicroseconds']:.1f} us "
              f"(p99 {r['traceP99Microseconds']:.1f} us; target < 100 us); rules matched {r['rulesMatched']}")
        print(f"  anchor: the second leg alone (ALB node -> pod): {r['anchorSecondLegMedianMicroseconds']:.1f} us; "
              f"ratio {r['ratioToAnchor']:.2f}")
        ok = ok and r["traceMedianMicroseconds"] < 100 and r["rulesMatched"] == r["listenerRules"]
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
