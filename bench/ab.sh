#!/usr/bin/env bash
# A/B of one json GetItem cell between two builds of Airlock, in alternating rounds on loopback (so drift in the
# machine's speed falls on both alike): for a change that must not cost latency or CPU.
#   git worktree add /tmp/before REV && (cd /tmp/before && dotnet build -c Release src/Airlock)
#   bash bench/ab.sh /tmp/before/src/Airlock/bin/Release/net10.0/airlock.dll src/Airlock/bin/Release/net10.0/airlock.dll [--rounds 16] [--level 1] [--seconds 3]
# AB_ENV_A / AB_ENV_B (e.g. AB_ENV_B=DOTNET_GCgen0size=0x800000) set runtime variables for one side only.
# CELL_WORKLOAD names another workload by its start (e.g. "S3 GetObject 1 MB"), as for bench/profile.sh.
# Prints each side's RSS after start-up, each round's lines (with Airlock's CPU per call and peak RSS) and each build's
# median p50, req/s, CPU per call and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
a=$(realpath "$1"); b=$(realpath "$2"); shift 2
rounds=16; level=1; seconds=3
source bench/common.sh
rounds_level_seconds "$@"
dotnet build -c Release bench/Airlock.Load >/dev/null
load=bench/Airlock.Load/bin/Release/net10.0/Airlock.Load.dll
work=$(mktemp -d /tmp/airlock-ab-XXXXXX); mkdir -p "$work/out"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
up=$(port)
dotnet "$load" upstream "$up" > "$work/upstream.log" 2>&1 & pids+=($!)
wait_for "http://127.0.0.1:$up/_bench/token"
declare -A url pid
for side in a b; do
  p=$(port); dll=$a; [ "$side" = b ] && dll=$b
  bench_config "$work/$side/airlock.yaml" "$p" "$up"
  side_env=AB_ENV_${side^^}
  env ${!side_env:-} dotnet "$dll" serve --config "$work/$side/airlock.yaml" > "$work/$side/logs/airlock.log" 2>&1 &
  pids+=($!); pid[$side]=$!; url[$side]="http://127.0.0.1:$p"
  wait_for "${url[$side]}/_airlock/health"
  echo "$side: RSS after start-up $(( $(ps -o rss= -p "${pid[$side]}") / 1024 )) MB"
done
for r in $(seq 1 "$rounds"); do
  for side in a b; do
    dotnet "$load" run --direct "http://127.0.0.1:$up" --nginx "http://127.0.0.1:$up" --airlock "${url[$side]}" \
      --token "http://127.0.0.1:$up/_bench/token" --airlock-pid "${pid[$side]}" --paths Airlock --workloads "${CELL_WORKLOAD:-json}" --levels "$level" \
      --seconds "$seconds" --out "$work/out" | grep -E "c$level " | sed "s/^/$side /" | tr '\n' ' ' >> "$work/lines"
    # The cell's CPU and peak RSS columns, found by their headers (a transfer's table has a MB/s column before them).
    echo " $(awk -F'|' -v level="$level" '
      /^\| concurrency / { for (i = 1; i <= NF; i++) { h = $i; gsub(/^ +| +$/, "", h); if (h == "hop CPU ms/req") c = i; if (h == "hop peak RSS MB") m = i } }
      $2 ~ "^ *" level " *$" && $3 ~ /^ *Airlock *$/ { gsub(/ /, "", $c); gsub(/ /, "", $m); print "cpu", $c, "rss", $m }' "$work/out/RESULTS.md")" >> "$work/lines"
    tail -1 "$work/lines"
  done
done
field() { grep "^$1 " "$work/lines" | awk -v k="$2" '{for (i = 1; i <= NF; i++) if ($i == k) print $(i + 1)}'; }
for side in a b; do
  echo "$side: median over $rounds rounds: p50 $(field "$side" p50 | median) ms, $(grep "^$side " "$work/lines" | awk '{for (i = 1; i <= NF; i++) if ($i == "req/s") print $(i - 1)}' | median) req/s, CPU $(field "$side" cpu | median) ms/call, peak RSS $(field "$side" rss | median) MB (highest $(field "$side" rss | sort -n | tail -1))"
done
