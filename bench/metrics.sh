#!/usr/bin/env bash
# Writes the section "What metrics cost" of bench/RESULTS.md (run by bench/run.sh, or alone after it): one build of
# Airlock run twice side by side against one upstream, metrics off (no admin listener: nothing counted or served) and
# on (/metrics served and scraped every 5 s, three times Prometheus's default rate), tracing off in both; the json
# GetItem cell at concurrency 64 in alternating rounds, so drift in the machine's speed falls on both alike.
# Usage: bash bench/metrics.sh [--rounds N] [--seconds S]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=8; seconds=4
source bench/common.sh
rounds_and_seconds "$@"
build_airlock_and_load
load=bench/Airlock.Load/bin/Release/net10.0/Airlock.Load.dll
airlock=src/Airlock/bin/Release/net10.0/airlock.dll

work=$(mktemp -d /tmp/airlock-metrics-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
up=$(port); off=$(port); on=$(port); admin=$(port)
dotnet "$load" upstream "$up" > "$work/upstream.log" 2>&1 & pids+=($!)
wait_for "http://127.0.0.1:$up/_bench/token"

bench_config "$work/off/airlock.yaml" "$off" "$up"
bench_config "$work/on/airlock.yaml" "$on" "$up" "  path: data/airlock.db
admin:
  listen: http://127.0.0.1:$admin"
dotnet "$airlock" serve --config "$work/off/airlock.yaml" > "$work/off/logs/airlock.log" 2>&1 & off_pid=$!; pids+=($off_pid)
dotnet "$airlock" serve --config "$work/on/airlock.yaml" > "$work/on/logs/airlock.log" 2>&1 & on_pid=$!; pids+=($on_pid)
wait_for "http://127.0.0.1:$off/_airlock/health"
wait_for "http://127.0.0.1:$admin/metrics"
while sleep 5; do curl -sf -o /dev/null "http://127.0.0.1:$admin/metrics" || true; done & pids+=($!)

cell() { json_cell "$work/out" "$load" "$up" "http://127.0.0.1:${!1}" "$2" 64 "$seconds"; } # side, pid
# A round to warm both (not counted), then rounds that take turns going first: the second of a pair runs on a warmer
# machine, and a fixed order would credit that to one side.
cell off "$off_pid" >/dev/null; cell on "$on_pid" >/dev/null
results=()
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then a=$(cell off "$off_pid"); b=$(cell on "$on_pid"); else b=$(cell on "$on_pid"); a=$(cell off "$off_pid"); fi
  results+=("off $a" "on $b")
  echo "round $r: ${results[-2]} | ${results[-1]}"
done
series=$(curl -sf "http://127.0.0.1:$admin/metrics" | grep -c '^airlock_' || true)
# A scrape's own CPU, measured apart on the idle node (the cells cannot tell one scrape from their noise): 100 scrapes,
# each running the readiness checks and reading the store's gauges as a real one does.
kill "${pids[-1]}"; sleep 1
ticks() { awk '{print $14 + $15}' "/proc/$on_pid/stat"; }
before=$(ticks)
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$admin/metrics"; done
scrape_ms=$(awk -v t="$(( $(ticks) - before ))" 'BEGIN {printf "%.1f", t * 10 / 100}')

col() { printf '%s\n' "${results[@]}" | awk -v k="$1" -v c="$2" '$1 == k {print $c}' | median; }
# Each round's on/off CPU ratio: the pairs share the machine's state, so their ratios drift less than either side.
ratios=$(for r in $(seq 0 $((rounds - 1))); do
  echo "${results[$((2 * r))]} ${results[$((2 * r + 1))]}" | awk '{printf "%.4f\n", $10 / $5}'
done)
cost=$(echo "$ratios" | median | awk '{printf "%+.1f%%", ($1 - 1) * 100}')
spread=$(echo "$ratios" | sort -n | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%+.0f%% to %+.0f%%", (lo - 1) * 100, (hi - 1) * 100}')
section=$(cat <<MD
## What metrics cost

Written by \`bash bench/metrics.sh\` ($(date -u +%Y-%m-%dT%H:%MZ), Airlock $(git rev-parse --short HEAD)): one build run twice side by side against the same upstream, **metrics off** (no admin listener: no call counted, nothing served) and **metrics on** (\`admin.listen\` set: every call counted, \`/metrics\` scraped every 5 s, $series \`airlock_*\` lines at the end), tracing off in both; the json GetItem call at concurrency 64, $rounds alternating rounds of ${seconds} s, medians.

| metrics | req/s | p50 ms | p99 ms | CPU ms/call |
| --- | --- | --- | --- | --- |
| off | $(col off 2) | $(col off 3) | $(col off 4) | $(col off 5) |
| on | $(col on 2) | $(col on 3) | $(col on 4) | $(col on 5) |

**Cost: $cost CPU per call** (median of the rounds' on/off ratios, which ranged $spread; the target is under 3%).
One scrape costs the node ${scrape_ms} ms of CPU (the mean of 100 on the idle node, readiness checks and store gauges included): at Prometheus's default 15 s interval and $(col on 2) calls/s, $(awk -v ms="$scrape_ms" -v rps="$(col on 2)" -v cpu="$(col off 5)" 'BEGIN {printf "%.2f µs per call (%.2f%% of a call'"'"'s CPU)", ms * 1000 / (15 * rps), ms / (15 * rps) / cpu * 100}').
MD
)
write_section "$section"
echo "wrote the metrics section of bench/RESULTS.md"
