#!/usr/bin/env bash
# What Airlock's audit trail costs apart from its other stages: json GetItem cells, in alternating rounds, through the
# bare Kestrel hop, the durable floor (the rules' least: one short row made durable per call), the durable floor with
# Airlock's own trail (Airlock.Load floor --trail: each call's decision chained and queryable before it runs, its
# outcome after, with the recorded request and response, through Airlock's audit store) and Airlock itself.
# Prints each round's lines and each path's median req/s, p50, CPU per call and share of the hop's req/s.
# Usage: bash bench/trail-floor.sh [--rounds 6] [--level 64] [--seconds 3]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
rounds=6; level=64; seconds=3
rounds_level_seconds "$@"
json_gateway_workspace trail-floor
start_json_gateway "$work" "$level" 4
hop=$(port); floor=$(port); trail=$(port)
dotnet "$load" hop "$hop" "http://127.0.0.1:$up" > "$work/hop.log" 2>&1 & hop_pid=$!; pids+=($hop_pid)
mkdir -p "$work/floor" "$work/trail"
dotnet "$load" floor "$floor" "http://127.0.0.1:$up" "$work/floor/records.db" > "$work/floor.log" 2>&1 & floor_pid=$!; pids+=($floor_pid)
dotnet "$load" floor "$trail" "http://127.0.0.1:$up" "$work/trail/airlock.db" --trail > "$work/trail.log" 2>&1 & trail_pid=$!; pids+=($trail_pid)
wait_for "http://127.0.0.1:$hop/_bench/token"; wait_for "http://127.0.0.1:$floor/_floor/health"; wait_for "http://127.0.0.1:$trail/_floor/health"
# cell NAME PATH [LOAD TOOL OPTIONS]: one cell of the path (the floor's URL chosen by NAME); prints "req/s p50 p99 cpu-ms-per-call".
cell() {
  local name=$1 path=$2; shift 2
  local out="$work/out-$name"; mkdir -p "$out"
  local extra=()
  if [ "$name" = floor ]; then extra=(--floor "http://127.0.0.1:$floor" --floor-pid "$floor_pid"); fi
  if [ "$name" = trail ]; then extra=(--floor "http://127.0.0.1:$trail" --floor-pid "$trail_pid"); fi
  dotnet "$load" run --direct "http://127.0.0.1:$up" --nginx "http://127.0.0.1:$up" --airlock "http://127.0.0.1:$gw" \
    --token "http://127.0.0.1:$up/_bench/token" --airlock-pid "$gateway" --hop "http://127.0.0.1:$hop" --hop-pid "$hop_pid" "${extra[@]}" \
    --paths "$path" --workloads json --levels "$level" --seconds "$seconds" --out "$out" "$@" > "$out/stdout"
  cell_row "$out" "$level" "$path"
}
names=(hop floor trail airlock); declare -A path=([hop]="Kestrel hop" [floor]="durable floor" [trail]="durable floor" [airlock]=Airlock)
for n in "${names[@]}"; do cell "$n" "${path[$n]}" > /dev/null; done
: > "$work/lines"
for r in $(seq 1 "$rounds"); do
  line="round $r"
  for n in "${names[@]}"; do
    row=$(cell "$n" "${path[$n]}" --no-warmup)
    echo "$n $row" >> "$work/lines"
    line+="  $n $row"
  done
  echo "$line"
done
col() { grep "^$1 " "$work/lines" | awk -v c="$2" '{print $c}'; }
hop_rps=$(col hop 2 | median)
echo "json c$level, median of $rounds rounds (req/s, p50, CPU ms/call, share of the hop's req/s):"
for n in "${names[@]}"; do
  rps=$(col "$n" 2 | median)
  echo "  $n: $rps req/s, p50 $(col "$n" 3 | median) ms, $(col "$n" 5 | median) ms CPU/call, $(awk -v a="$rps" -v b="$hop_rps" 'BEGIN {printf "%.0f%%", 100 * a / b}') of the hop"
done
