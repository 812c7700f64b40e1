#!/usr/bin/env bash
# clock-catch: how reliably does the clock fault catch a node that builds IDs from the raw wall clock?
#
# Runs the clock-only test from issue 11 (3 nodes, 8 s at 400/s, a clock operation every ~2 s) once
# per seed against each clock-trusting fixture, and counts the runs whose IDs came out duplicated.
# A run that is invalid for any other reason counts as not caught.
#
# usage: bench/clock-catch.sh [--runs N] [--seed S] [--bin CMD [ARGS...]]
# Defaults: 20 runs, seeds 1..20, both fixtures (wall_clock_snowflake, a JVM; wall_clock_ids.py).
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
fixtures=$root/idmint-cli/src/test/resources/fixtures
runs=20 seed=1 bins=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --bin) shift; bins+=("$*"); break ;;
    *) echo "usage: $0 [--runs N] [--seed S] [--bin CMD [ARGS...]]" >&2; exit 2 ;;
  esac
done
[[ ${#bins[@]} -gt 0 ]] || bins=("$fixtures/wall_clock_snowflake" "$fixtures/wall_clock_ids.py")
command -v python3 >/dev/null || { echo "clock-catch: needs python3 to read results.json" >&2; exit 2; }

"$root/bin/idmint" --version >/dev/null # builds now if sources changed, outside any measurement
store=$(mktemp -d "${TMPDIR:-/tmp}/clock-catch.XXXXXX")
trap 'rm -rf "$store"' EXIT

echo "clock-catch: --node-count 3 --time-limit 8 --rate 400 --nemesis-interval 2 --nemesis clock," \
  "seeds $seed..$((seed + runs - 1)), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for bin in "${bins[@]}"; do
  caught=0
  for ((s = seed; s < seed + runs; s++)); do
    dir=$store/$(basename "${bin%% *}")-$s
    code=0
    # shellcheck disable=SC2086 # the command's words are meant to split
    "$root/bin/idmint" test --store "$dir" --node-count 3 --time-limit 8 --rate 400 \
      --nemesis-interval 2 --nemesis clock --seed "$s" --bin $bin >"$dir.out" 2>"$dir.err" || code=$?
    if [[ $code -gt 2 ]]; then
      echo "clock-catch: seed $s failed (exit $code):" >&2
      cat "$dir.err" >&2
      exit 1
    fi
    line=$(python3 - "$dir/latest/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
dups = r["workload"]["duplicated_count"]
ops = [e for e in r["nemesis"]["events"] if e["f"] != "reset-clock"]
kinds = " ".join(e["value"].get("kind", "?") for e in ops)
print(("caught" if dups > 0 else "MISSED"), dups, r["workload"]["acknowledged_count"], kinds)
PY
)
    read -r verdict dups acked kinds <<<"$line"
    [[ $verdict == caught ]] && caught=$((caught + 1))
    printf '  seed %-4s %-6s %5s duplicated of %5s acknowledged; clock ops: %s\n' "$s" "$verdict" "$dups" "$acked" "$kinds"
  done
  echo "$(basename "${bin%% *}"): caught in $caught of $runs runs"
done
