#!/usr/bin/env bash
# How busy the audit writer is while a json GetItem cell runs (load tool's upstream, loopback): commits per second, the
# mean commit, the share of the cell the writer spent committing, and calls per commit, from the gateway's own
# airlock_audit_commit_duration_seconds histogram (its admin listener) read before and after the cell. A writer busy
# near 100% would be what bounds throughput; well under it, the cores are.
# Usage: [WARM_SECONDS=6] [AIRLOCK_DLL=path/airlock.dll] bash bench/writer-duty.sh [--level 64] [--seconds 6]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
level=64; seconds=6; top=0
level_seconds_top "$@"
json_gateway_workspace writer-duty
airlock=${AIRLOCK_DLL:-$airlock}
start_admin_gateway "$work"
json_cell "$work/warm" "$load" "$up" "http://127.0.0.1:$gw" "$gateway" "$level" "${WARM_SECONDS:-6}" >/dev/null

read -r sum0 count0 < <(commit_histogram)
row=$(CELL_NO_WARMUP=1 json_cell "$work/cell" "$load" "$up" "http://127.0.0.1:$gw" "$gateway" "$level" "$seconds")
read -r sum1 count1 < <(commit_histogram)
calls=$(cell_calls "$work/cell" "$level")
awk -v s0="$sum0" -v s1="$sum1" -v c0="$count0" -v c1="$count1" -v calls="$calls" -v row="$row" -v level="$level" 'BEGIN {
  split(row, f, " "); n = c1 - c0; busy = s1 - s0; cell = calls / f[1]
  printf "json c%s: %s req/s, p50 %s ms, %s ms CPU/call\n", level, f[1], f[2], f[4]
  printf "audit writer: %d commits (%.0f/s), mean %.3f ms, busy %.0f%% of the cell, %.1f calls per commit\n",
    n, n / cell, 1000 * busy / n, 100 * busy / cell, calls / n }'
