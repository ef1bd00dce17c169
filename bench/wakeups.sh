#!/usr/bin/env bash
# How often each of the gateway's threads is switched out per json GetItem call while a cell runs (load tool's
# upstream, loopback), from /proc/PID/task/*/status before and after the cell, summed by thread name. Voluntary
# switches are wake-ups (a thread that slept on a wait, a timer or I/O); involuntary ones are preemptions and, for
# the thread pool's workers, mostly their spinning's sched_yield. Unlike perf trace, reading /proc slows nothing.
# Usage: [WARM_SECONDS=10] [AIRLOCK_DLL=path/airlock.dll] bash bench/wakeups.sh [--level 1] [--seconds 6]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
level=1; seconds=6; top=0
level_seconds_top "$@"
json_gateway_workspace wakeups
airlock=${AIRLOCK_DLL:-$airlock}
start_json_gateway "$work" "$level" "${WARM_SECONDS:-10}"
# One line per thread: its id, its name (spaces as _), voluntary and involuntary switches so far.
switches() {
  for task in /proc/"$gateway"/task/*; do
    echo "${task##*/} $(tr ' ' _ < "$task/comm") $(awk '/^voluntary_ctxt_switches/ {v = $2} /^nonvoluntary_ctxt_switches/ {n = $2} END {print v, n}' "$task/status")"
  done 2>/dev/null | sort
}
switches > "$work/before"
row=$(CELL_NO_WARMUP=1 json_cell "$work/cell" "$load" "$up" "http://127.0.0.1:$gw" "$gateway" "$level" "$seconds")
switches > "$work/after"
calls=$(cell_calls "$work/cell" "$level")
echo "json c$level: $row (req/s p50 p99 CPU-ms/call), $calls calls"
echo
echo "| thread | voluntary per call | involuntary per call |"
echo "| --- | ---: | ---: |"
# Threads that started during the cell count from zero; threads that ended during it are left out.
join -a 2 -e 0 -o 2.2,1.3,1.4,2.3,2.4 "$work/before" "$work/after" \
  | awk -v n="$calls" '{v[$1] += $4 - $2; i[$1] += $5 - $3} END {for (k in v) if (v[k] + i[k] > 0) printf "| %s | %.2f | %.2f |\n", k, v[k] / n, i[k] / n}' \
  | sort -t'|' -k3 -nr
