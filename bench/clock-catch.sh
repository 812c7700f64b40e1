#!/usr/bin/env bash
# clock-catch: how reliably does a fault catch the node it is made for?
#
# Runs the 8-second test of issues 11 and 16 (3 nodes, 8 s at 400/s, a fault operation every ~2 s)
# once per seed against nodes with a known bug, and counts the runs whose IDs came out duplicated.
# A run that is invalid for any other reason counts as not caught.
#   --fault clock (the default): snowflakes that trust the wall clock (wall_clock_snowflake, a JVM,
#                 and wall_clock_ids.py), under --nemesis clock.
#   --fault kill: a node that forgets its counter across a restart (forgetful.py), under --nemesis
#                 kill; with --http, the HTTP service that keeps no state (id_service.py --bug
#                 forget), as instances of a fleet.
#   --fault pause: an HTTP service that trusts its etcd lease (registry_service.py --bug ttl), as 3
#                 instances leasing 2 worker ids (--http --registry etcd --worker-ids 0-1: one
#                 stands by), under --nemesis pause, for 15 s (a pause lasts at least the 2 s TTL
#                 plus a second, so 8 s leaves room for one or two).
#
# usage: bench/clock-catch.sh [--fault clock|kill|pause] [--http] [--runs N] [--seed S]
#                             [--time-limit S] [--bin CMD [ARGS...]]
# Defaults: clock, 20 runs, seeds 1..20, 8 s (15 s for pause), the fixtures above.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
fixtures=$root/idmint-cli/src/test/resources/fixtures
fault=clock runs=20 seed=1 http=() bins=() limit=
usage="usage: $0 [--fault clock|kill|pause] [--http] [--runs N] [--seed S] [--time-limit S] [--bin CMD [ARGS...]]"
while [[ $# -gt 0 ]]; do
  case $1 in
    --fault) fault=$2; shift 2 ;;
    --http) http=(--http); shift ;;
    --runs) runs=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --time-limit) limit=$2; shift 2 ;;
    --bin) shift; bins+=("$*"); break ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
case $fault in
  clock) defaults=("$fixtures/wall_clock_snowflake" "$fixtures/wall_clock_ids.py") ;;
  kill) if [[ ${#http[@]} -gt 0 ]]; then defaults=("$fixtures/id_service.py -- --bug forget")
        else defaults=("$fixtures/forgetful.py"); fi ;;
  pause) http=(--http --registry etcd --worker-ids 0-1) limit=${limit:-15}
         defaults=("$fixtures/registry_service.py -- --bug ttl") ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
limit=${limit:-8}
[[ ${#bins[@]} -gt 0 ]] || bins=("${defaults[@]}")
command -v python3 >/dev/null || { echo "clock-catch: needs python3 to read results.json" >&2; exit 2; }

"$root/bin/idmint" --version >/dev/null # builds now if sources changed, outside any measurement
store=$(mktemp -d "${TMPDIR:-/tmp}/clock-catch.XXXXXX")
trap 'rm -rf "$store"' EXIT

echo "clock-catch: ${http[*]:+${http[*]} }--node-count 3 --time-limit $limit --rate 400 --nemesis-interval 2" \
  "--nemesis $fault, seeds $seed..$((seed + runs - 1)), $(nproc) cores," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
for bin in "${bins[@]}"; do
  caught=0
  for ((s = seed; s < seed + runs; s++)); do
    dir=$store/$(basename "${bin%% *}")-$s
    code=0
    # shellcheck disable=SC2086 # the command's words are meant to split
    "$root/bin/idmint" test "${http[@]}" --store "$dir" --node-count 3 --time-limit "$limit" --rate 400 \
      --nemesis-interval 2 --nemesis "$fault" --seed "$s" --bin $bin >"$dir.out" 2>"$dir.err" || code=$?
    if [[ $code -gt 2 ]]; then
      echo "clock-catch: seed $s failed (exit $code):" >&2
      cat "$dir.err" >&2
      exit 1
    fi
    line=$(python3 - "$dir/latest/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
dups = r["workload"]["duplicated_count"]
ops = []
for e in r["nemesis"]["events"]:
    v = e["value"]
    if e["f"] == "kill":
        ops.append(f"kill@{e['time']:.1f}:{'+'.join(v['killed']) or '-'}")
    elif e["f"] == "start":
        ops.append(f"restart@{e['time']:.1f}")
    elif e["f"] == "pause":
        ops.append(f"pause@{e['time']:.1f}:{'+'.join(v['paused']) or '-'}")
    elif e["f"] == "resume":
        ops.append(f"resume@{e['time']:.1f}")
    elif e["f"] != "reset-clock":
        ops.append(v.get("kind", "?"))
changes = r.get("registry", {}).get("changes")
if changes is not None:
    ops.append(f"holder-changes:{sum(c['from'] != c['to'] for c in changes)}")
print(("caught" if dups > 0 else "MISSED"), dups, r["workload"]["acknowledged_count"], " ".join(ops))
PY
)
    read -r verdict dups acked ops <<<"$line"
    [[ $verdict == caught ]] && caught=$((caught + 1))
    printf '  seed %-4s %-6s %5s duplicated of %5s acknowledged; %s ops: %s\n' "$s" "$verdict" "$dups" "$acked" "$fault" "$ops"
  done
  echo "$(basename "${bin%% *}"): caught in $caught of $runs runs"
done
