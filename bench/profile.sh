#!/usr/bin/env bash
# Where Airlock's CPU goes in one json GetItem cell: the gateway runs against the load tool's upstream on loopback,
# dotnet-trace samples it (cpu-sampling) while the cell runs, and the top frames by exclusive time are printed,
# ready for bench/PROFILE.md. Installs dotnet-trace as a .NET tool when missing.
# Usage: bash bench/profile.sh [--level 64] [--seconds 10] [--top 25] [--trace FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
level=64; seconds=10; top=25; trace=""
while [ $# -gt 0 ]; do
  case "$1" in
    --level) level=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --top) top=$2; shift ;;
    --trace) trace=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
source bench/common.sh
tool=$HOME/.dotnet/tools/dotnet-trace
[ -x "$tool" ] || dotnet tool install -g dotnet-trace >/dev/null
build_airlock_and_load
load=bench/Airlock.Load/bin/Release/net10.0/Airlock.Load.dll
airlock=src/Airlock/bin/Release/net10.0/airlock.dll
work=$(mktemp -d /tmp/airlock-profile-XXXXXX)
trace=${trace:-$work/airlock.nettrace}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
up=$(port); gw=$(port)
dotnet "$load" upstream "$up" > "$work/upstream.log" 2>&1 & pids+=($!)
wait_for "http://127.0.0.1:$up/_bench/token"
bench_config "$work/airlock.yaml" "$gw" "$up"
dotnet "$airlock" serve --config "$work/airlock.yaml" > "$work/logs/airlock.log" 2>&1 & gateway=$!; pids+=($gateway)
wait_for "http://127.0.0.1:$gw/_airlock/health"
# A cell first, unprofiled, so the trace sees the warm path rather than start-up and JIT.
json_cell "$work/warm" "$load" "$up" "http://127.0.0.1:$gw" "$gateway" "$level" 4 >/dev/null
"$tool" collect -p "$gateway" --profile cpu-sampling -o "$trace" --duration "00:00:00:$(printf '%02d' $((seconds + 2)))" > "$work/trace.log" 2>&1 & tracer=$!
sleep 2
row=$(json_cell "$work/cell" "$load" "$up" "http://127.0.0.1:$gw" "$gateway" "$level" "$seconds")
wait "$tracer" || true
echo "json c$level while traced: $row (req/s p50 p99 CPU-ms/call)"
"$tool" report "$trace" topN -n "$top"
