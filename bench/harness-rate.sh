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
# With --http it drives HTTP ID services instead (default: 3 of this project's `idmint serve`, at
# 20,000 single-ID requests/s, 24 keep-alive clients, 30 s), through the harness's own proxies,
# and, with --lb haproxy, through HAProxy too. The JVMs of the services compile their hot code in
# the first seconds, so it also reports latency over the requests sent after --warmup S seconds
# (read from history.jsonl): the steady state, which is what the p99 target is about.
#
# usage: bench/harness-rate.sh [--http [--lb haproxy]] [--rate R] [--time-limit S]
#                              [--node-count N] [--runs K] [--concurrency C] [--warmup S]
#                              [--bin CMD [ARGS...]]
# Defaults: 5 nodes of this project's node, 5000/s, 20 s, 3 runs; with --http, see above.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
http=() rate='' secs='' nodes='' runs=3 conc='' warmup='' extra=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --http) http=(--http); shift ;;
    --lb) http+=(--lb "$2"); shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --time-limit) secs=$2; shift 2 ;;
    --node-count) nodes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --concurrency) conc=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --bin) shift; extra+=(--bin "$@"); break ;;
    *) echo "usage: $0 [--http [--lb haproxy]] [--rate R] [--time-limit S] [--node-count N] [--runs K] [--concurrency C] [--warmup S] [--bin CMD [ARGS...]]" >&2; exit 2 ;;
  esac
done
if [[ ${#http[@]} -gt 0 ]]; then
  : "${rate:=20000}" "${secs:=30}" "${nodes:=3}" "${conc:=8n}" "${warmup:=10}"
  what="instances"
else
  : "${rate:=5000}" "${secs:=20}" "${nodes:=5}" "${warmup:=0}"
  what="nodes"
fi
[[ -n $conc ]] && extra=(--concurrency "$conc" "${extra[@]}")
command -v python3 >/dev/null || { echo "harness-rate: needs python3 to read results.json" >&2; exit 2; }

"$root/bin/idmint" --version >/dev/null # builds now if sources changed, outside any measurement
store=$(mktemp -d "${TMPDIR:-/tmp}/harness-rate.XXXXXX")
trap 'rm -rf "$store"' EXIT

echo "harness-rate: $nodes $what${http[*]:+ (${http[*]})}, $rate/s asked, ${secs} s, $runs runs, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$runs"); do
  code=0
  "$root/bin/idmint" test "${http[@]}" --node-count "$nodes" --rate "$rate" --time-limit "$secs" \
    --seed "$i" --store "$store/$i" "${extra[@]}" >"$store/$i.out" 2>"$store/$i.err" || code=$?
  if [[ $code -gt 2 ]]; then
    echo "harness-rate: run $i failed (exit $code):" >&2
    cat "$store/$i.err" >&2
    exit 1
  fi
  python3 - "$store/$i/latest" "$i" "$warmup" >>"$store/summary" <<'PY'
import json, sys
run, i, warmup = sys.argv[1], sys.argv[2], float(sys.argv[3])
r = json.load(open(run + "/results.json"))
rate, lat = r["rate"], r["latency"]["ok"]
line = (f"run {i}: asked {rate['asked']:.0f}/s  planned {rate['planned']:.1f}/s  "
        f"achieved {rate['achieved']:.1f}/s ({100 * rate['achieved'] / rate['planned']:.2f}% of plan)  "
        f"slips {rate['slips']}  harness CPU {rate['harness_cpu_cores']:.2f} cores  "
        f"latency p50 {lat['p50']} ms p99 {lat['p99']} ms")
if warmup > 0:
    # Latency of the ok requests sent after the warm-up, and the rate they were sent at.
    sent, lats, first, last = {}, [], None, None
    for row in open(run + "/history.jsonl"):
        e = json.loads(row)
        if e["process"] == "nemesis":
            continue
        if e["type"] == "invoke":
            sent[e["process"]] = e["time"]
        else:
            t = sent.pop(e["process"])
            if t >= warmup * 1e9 and e["type"] == "ok":
                lats.append(e["time"] - t)
                first = t if first is None else min(first, t)
                last = t if last is None else max(last, t)
    lats.sort()
    q = lambda p: lats[min(len(lats) - 1, int(p * len(lats)))] / 1e6
    span = (last - first) / 1e9 if lats and last > first else 0
    line += (f"  | after {warmup:g} s: {len(lats) / span if span else 0:.1f}/s ok, "
             f"p50 {q(0.5):.3f} ms p99 {q(0.99):.3f} ms max {lats[-1] / 1e6:.3f} ms" if lats else
             f"  | nothing after {warmup:g} s")
print(line + f"  valid {r['valid']}")
PY
  tail -1 "$store/summary"
done
python3 - "$store/summary" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
pct = sorted(float(re.search(r"\(([\d.]+)% of plan\)", l).group(1)) for l in lines)
ach = sorted(float(re.search(r"achieved ([\d.]+)/s", l).group(1)) for l in lines)
print(f"median achieved {ach[len(ach) // 2]:.1f}/s, {pct[len(pct) // 2]:.2f}% of plan (worst {pct[0]:.2f}%)")
steady = sorted(float(m.group(1)) for l in lines if (m := re.search(r"after [\d.]+ s: .* p99 ([\d.]+) ms", l)))
if steady:
    print(f"steady-state p99: median {steady[len(steady) // 2]:.3f} ms, worst {steady[-1]:.3f} ms")
PY
