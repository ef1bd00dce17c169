#!/usr/bin/env bash
# What one json GetItem call costs the gateway besides CPU time, while a cell runs (load tool's upstream, loopback):
# bytes allocated per call and where (the runtime's allocation samples, by the nearest Airlock method), and bytes
# written and read and write system calls per call through files (/proc/PID/io, which leaves sockets out: the audit
# store's WAL and checkpoints, and the log).
# Usage: [WARM_SECONDS=10] bash bench/per-call.sh [--level 64] [--seconds 6] [--top 25]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
level=64; seconds=6; top=25
level_seconds_top "$@"
json_gateway_workspace per-call
start_json_gateway "$work" "$level" "${WARM_SECONDS:-10}"
io() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$gateway/io"; }
# The samples cover the cell's first SECONDS; the cell runs a little longer (its own start and end).
dotnet "$load" allocations "$gateway" "$seconds" "$top" > "$work/allocations.md" & sampler=$!; pids+=($sampler)
wchar=$(io wchar); rchar=$(io rchar); syscw=$(io syscw)
row=$(CELL_NO_WARMUP=1 json_cell "$work/cell" "$load" "$up" "http://127.0.0.1:$gw" "$gateway" "$level" "$seconds")
wchar=$(( $(io wchar) - wchar )); rchar=$(( $(io rchar) - rchar )); syscw=$(( $(io syscw) - syscw ))
wait "$sampler"
calls=$(cell_calls "$work/cell" "$level")
rate=$(echo "$row" | awk '{print $1}')
sampled=$(awk '/^sampled:/ {print $2}' "$work/allocations.md")
echo "json c$level: $row (req/s p50 p99 CPU-ms/call), $calls calls"
echo "per call: $(awk -v w="$wchar" -v r="$rchar" -v s="$syscw" -v n="$calls" 'BEGIN {printf "%.1f KB written, %.1f KB read, %.2f write system calls", w / n / 1024, r / n / 1024, s / n}')," \
  "$(awk -v mb="$sampled" -v rate="$rate" -v s="$seconds" 'BEGIN {printf "~%.0f KB allocated", mb * 1e6 / (rate * s) / 1024}')"
echo
tail -n +2 "$work/allocations.md"
