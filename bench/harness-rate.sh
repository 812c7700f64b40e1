#!/usr/bin/env bash
# harness-rate: does `idmint test` hold the rate it is asked for, or is the harness the bottleneck?
#
# Runs `idmint test` with no faults, RUNS times, driving NODES nodes at RATE generate requests a
# second for SECONDS, and prints from each run's results.json: the asked rate, the rate the seeded
# plan holds (its random gaps average out only over many requests), the achieved rate, how often the
# plan had to restart because every worker was waiting, the harness's own CPU use, and latency.
# Node start-up and the build stay out of the figures: the build runs first, and the harness
# measures only its load window.
#
# usage: bench/harness-rate.sh [--rate R] [--time-limit S] [--node-count N] [--runs K]
#                              [--concurrency C] [--bin CMD [ARGS...]]
# Defaults: 5 nodes of this project's node, 5000/s, 20 s, 3 runs.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
rate=5000 secs=20 nodes=5 runs=3 extra=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --rate) rate=$2; shift 2 ;;
    --time-limit) secs=$2; shift 2 ;;
    --node-count) nodes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --concurrency) extra+=(--concurrency "$2"); shift 2 ;;
    --bin) shift; extra+=(--bin "$@"); break ;;
    *) echo "usage: $0 [--rate R] [--time-limit S] [--node-count N] [--runs K] [--concurrency C] [--bin CMD [ARGS...]]" >&2; exit 2 ;;
  esac
done
command -v python3 >/dev/null || { echo "harness-rate: needs python3 to read results.json" >&2; exit 2; }

"$root/bin/idmint" --version >/dev/null # builds now if sources changed, outside any measurement
store=$(mktemp -d "${TMPDIR:-/tmp}/harness-rate.XXXXXX")
trap 'rm -rf "$store"' EXIT

echo "harness-rate: $nodes nodes, $rate/s asked, ${secs} s, $runs runs, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$runs"); do
  code=0
  "$root/bin/idmint" test --node-count "$nodes" --rate "$rate" --time-limit "$secs" --seed "$i" \
    --store "$store/$i" "${extra[@]}" >"$store/$i.out" 2>"$store/$i.err" || code=$?
  if [[ $code -gt 2 ]]; then
    echo "harness-rate: run $i failed (exit $code):" >&2
    cat "$store/$i.err" >&2
    exit 1
  fi
  python3 - "$store/$i/latest/results.json" "$i" >>"$store/summary" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
rate, lat = r["rate"], r["latency"]["ok"]
print(f"run {sys.argv[2]}: asked {rate['asked']:.0f}/s  planned {rate['planned']:.1f}/s  "
      f"achieved {rate['achieved']:.1f}/s ({100 * rate['achieved'] / rate['planned']:.2f}% of plan)  "
      f"slips {rate['slips']}  harness CPU {rate['harness_cpu_cores']:.2f} cores  "
      f"latency p50 {lat['p50']} ms p99 {lat['p99']} ms  valid {r['valid']}")
PY
  tail -1 "$store/summary"
done
python3 - "$store/summary" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
pct = sorted(float(re.search(r"\(([\d.]+)% of plan\)", l).group(1)) for l in lines)
ach = sorted(float(re.search(r"achieved ([\d.]+)/s", l).group(1)) for l in lines)
print(f"median achieved {ach[len(ach) // 2]:.1f}/s, {pct[len(pct) // 2]:.2f}% of plan (worst {pct[0]:.2f}%)")
PY
