#!/usr/bin/env bash
# Where Airlock's CPU goes in one json GetItem cell: the gateway runs against the load tool's upstream on loopback,
# Linux perf samples its CPU (cpu-clock, 999 Hz, call graphs) while the cell runs, with the runtime's perf map naming
# JIT-compiled methods, and the top frames by exclusive (self) CPU are printed, ready for bench/PROFILE.md.
# (dotnet-trace's CPU sampling on Linux needs the kernel's user_events, which these machines lack; its thread-time
# profile counts waiting threads.) Installs Debian's linux-perf when missing.
# Usage: [WARM_SECONDS=30] [KEEP_PERF=1] bash bench/profile.sh [--level 64] [--seconds 10] [--top 25]
#   WARM_SECONDS: the unprofiled warm-up cell (default 4); KEEP_PERF: keep the work folder (perf/perf.data) to dig further.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
level=64; seconds=10; top=25
level_seconds_top "$@"
command -v perf >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf >/dev/null
# KEEP_PERF keeps the folder, never the processes.
json_gateway_workspace profile "${KEEP_PERF:-}"
# The runtime's perf map names JIT-compiled methods; without W^X double mapping perf can map that code.
start_json_gateway "$work" "$level" "${WARM_SECONDS:-4}" DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
# Not in the configuration's folder: the gateway watches that folder for policy edits, and perf writing there
# would wake its watcher thousands of times a second, in the profile.
data="$work/perf/perf.data"; mkdir -p "$work/perf"
perf record -F 999 -g -p "$gateway" -o "$data" -- sleep "$((seconds + 1))" > "$work/perf.log" 2>&1 & recorder=$!
sleep 1
# Without the load tool's own warm-up cells (json, query and S3 at c16), which would otherwise fill the first
# seconds of the profile: the warm-up cell above has warmed the gateway.
row=$(CELL_NO_WARMUP=1 json_cell "$work/cell" "$load" "$up" "http://127.0.0.1:$gw" "$gateway" "$level" "$seconds")
wait "$recorder" || { cat "$work/perf.log" >&2; exit 1; }
echo "json c$level while profiled: $row (req/s p50 p99 CPU-ms/call)"
echo
echo "By library: $(perf report -i "$data" --stdio --no-children --sort dso -g none 2>/dev/null | grep -E '^ +[0-9.]+%' | head -8 | awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1}')"
echo "By thread: $(perf report -i "$data" --stdio --no-children --sort comm -g none 2>/dev/null | grep -E '^ +[0-9.]+%' | head -6 | awk '{p = $1; $1 = ""; sub(/^ /, ""); printf "%s%s %s", (NR > 1 ? ", " : ""), $0, p}')"
echo
echo "| self | frame |"
echo "| --- | --- |"
perf report -i "$data" --stdio --no-children --sort symbol -g none --percent-limit 0.3 2>/dev/null \
  | grep -E '^ +[0-9.]+%' | head -n "$top" \
  | sed -E 's/^ +([0-9.]+%) +\[[.k]\] +/\1\t/; s/\[OptimizedTier1\]|\[Optimized\]|\[QuickJitted\]|\[Tier0\]|\[Tier1\]//g' \
  | awk -F'\t' '{name = $2; sub(/[ \t-]+$/, "", name); gsub(/\|/, "\\|", name); if (length(name) > 140) name = substr(name, 1, 137) "..."; printf "| %s | %s |\n", $1, name}'
[ -z "${KEEP_PERF:-}" ] || echo "kept: $data"
