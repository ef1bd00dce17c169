#!/usr/bin/env bash
# How often each of the gateway's threads is switched out, and how much CPU it spends, per json GetItem call while a
# cell runs (load tool's upstream, loopback), from /proc/PID/task/*/status and stat before and after the cell, summed
# by thread name. Voluntary switches are wake-ups (a thread that slept on a wait, a timer or I/O); involuntary ones are
# preemptions and, for the thread pool's workers, mostly their spinning's sched_yield. Unlike perf trace, reading
# /proc slows nothing. FLOOR=1 measures the durable floor (Airlock.Load floor) the same way, for comparison.
# Usage: [WARM_SECONDS=10] [AIRLOCK_DLL=path/airlock.dll] [FLOOR=1] bash bench/wakeups.sh [--level 1] [--seconds 6]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
level=1; seconds=6; top=0
level_seconds_top "$@"
json_gateway_workspace wakeups
airlock=${AIRLOCK_DLL:-$airlock}
if [ -n "${FLOOR:-}" ]; then
  # The gateway only issues the load tool's session; the floor, in front of the same upstream, is what is measured.
  start_json_gateway "$work" 1 1
  fl=$(port); mkdir -p "$work/floor"
  dotnet "$load" floor "$fl" "http://127.0.0.1:$up" "$work/floor/records.db" > "$work/floor.log" 2>&1 & measured=$!; pids+=($measured)
  wait_for "http://127.0.0.1:$fl/_floor/health"
  export CELL_FLOOR="http://127.0.0.1:$fl $measured"
  json_cell "$work/warm-floor" "$load" "$up" "http://127.0.0.1:$gw" "$gateway" "$level" "${WARM_SECONDS:-10}" >/dev/null
else
  start_json_gateway "$work" "$level" "${WARM_SECONDS:-10}"
  measured=$gateway
fi
ticks=$(getconf CLK_TCK)
# One line per thread: its id, its name (spaces as _), voluntary and involuntary switches and CPU ticks so far.
threads() {
  for task in /proc/"$measured"/task/*; do
    echo "${task##*/} $(tr ' ' _ < "$task/comm") $(awk '/^voluntary_ctxt_switches/ {v = $2} /^nonvoluntary_ctxt_switches/ {n = $2} END {print v, n}' "$task/status") $(sed 's/.*) //' "$task/stat" | awk '{print $12 + $13}')"
  done 2>/dev/null | sort
}
threads > "$work/before"
row=$(CELL_NO_WARMUP=1 json_cell "$work/cell" "$load" "$up" "http://127.0.0.1:$gw" "$gateway" "$level" "$seconds")
threads > "$work/after"
calls=$(cell_calls "$work/cell" "$level")
echo "json c$level, $(cell_path): $row (req/s p50 p99 CPU-ms/call), $calls calls"
echo
echo "| thread | voluntary per call | involuntary per call | CPU ms per call |"
echo "| --- | ---: | ---: | ---: |"
# Threads that started during the cell count from zero; threads that ended during it are left out.
join -a 2 -e 0 -o 2.2,1.3,1.4,1.5,2.3,2.4,2.5 "$work/before" "$work/after" \
  | awk -v n="$calls" -v hz="$ticks" '{v[$1] += $5 - $2; i[$1] += $6 - $3; c[$1] += $7 - $4}
      END {for (k in v) if (v[k] + i[k] + c[k] > 0) printf "| %s | %.2f | %.2f | %.4f |\n", k, v[k] / n, i[k] / n, c[k] * 1000 / hz / n}' \
  | sort -t'|' -k5 -nr
