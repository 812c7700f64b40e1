#!/usr/bin/env bash
# Regenerates docs/images/report.png, the README's picture of a run's report: a seeded run of the
# demo (this project's node, every fault), its report.html rendered by headless Chromium.
#
# usage: docs/images/regenerate.sh     (needs chromium, and a Japanese font for the verdict's kaomoji:
#                                     apt-get install chromium fonts-vlgothic)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
command -v chromium >/dev/null || { echo "regenerate: needs chromium" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/idmint-report.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The seeded demo: the same seed draws the same faults, so the picture changes only with the code.
"$root/bin/idmint" test --seed 7 --store "$work/store" >"$work/summary.txt" || true
report=$(ls -d "$work"/store/2*/report.html | head -n 1)
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/chrome" --hide-scrollbars --window-size=1200,1750 \
  --screenshot="$root/docs/images/report.png" "file://$report" 2>/dev/null
echo "regenerate: docs/images/report.png from: $(grep -m1 "^test " "$work/summary.txt")"
