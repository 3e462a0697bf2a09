#!/usr/bin/env bash
# Release build, then every benchmark with its anchor. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release
swift build -c release --product netsim-bench
python3 Benchmarks/check_bench.py --netsim .build/release/netsim "$@"
python3 Benchmarks/ipam_bench.py --netsim .build/release/netsim "$@"
python3 Benchmarks/trace_bench.py --bench .build/release/netsim-bench --netsim .build/release/netsim
python3 Benchmarks/kube_proxy_bench.py --bench .build/release/netsim-bench
python3 Benchmarks/alb_bench.py --bench .build/release/netsim-bench
python3 Benchmarks/replay_bench.py --netsim .build/release/netsim
