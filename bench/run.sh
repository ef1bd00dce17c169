#!/usr/bin/env bash
# What Airlock costs on the data path, in one run on loopback: the same SigV4-signed workloads straight to a fast
# upstream (direct), through Debian's nginx as a plain reverse proxy, and through Airlock's full path; then the json
# call against moto for realism. Writes bench/RESULTS.md and bench/latency.png.
# Usage: bash bench/run.sh [--quick] [--seconds N] [--goal-rounds N] [--no-moto] [--no-nodes] [--no-metrics]
#   (default: 4 s per cell and 4 more rounds of the cells the goals are judged on, about 8 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=4; quick=""; moto=1; rounds=4; nodes=1; metrics=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=--quick ;;
    --seconds) seconds=$2; shift ;;
    --no-moto) moto=0 ;;
    --no-nodes) nodes=0 ;;
    --no-metrics) metrics=0 ;;
    --goal-rounds) rounds=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

need() {
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }
}
need nginx nginx-light
need gnuplot gnuplot-nox
source bench/common.sh

build_airlock_and_load
load=bench/Airlock.Load/bin/Release/net10.0/Airlock.Load.dll
airlock=src/Airlock/bin/Release/net10.0/airlock.dll

work=$(mktemp -d /tmp/airlock-bench-XXXXXX)
up=$(port); ngx=$(port); gw=$(port); mt=$(port); hop=$(port); fl=$(port); tf=$(port)
pids=()
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet "$load" upstream "$up" > "$work/upstream.log" 2>&1 & pids+=($!)
wait_for "http://127.0.0.1:$up/_bench/token"
# For scale: a bare Kestrel + HttpClient pass-through, the floor for any .NET gateway.
dotnet "$load" hop "$hop" "http://127.0.0.1:$up" > "$work/hop.log" 2>&1 & hop_pid=$!; pids+=($hop_pid)
wait_for "http://127.0.0.1:$hop/_bench/token"
# The bound: the hop plus only what the rules require of any gateway (signature, durable record, re-signing).
mkdir -p "$work/floor"
dotnet "$load" floor "$fl" "http://127.0.0.1:$up" "$work/floor/records.db" > "$work/floor.log" 2>&1 & floor_pid=$!; pids+=($floor_pid)
wait_for "http://127.0.0.1:$fl/_floor/health"
# The floor with Airlock's own audit trail in place of its short row: what the trail costs apart from the other stages.
mkdir -p "$work/trail"
dotnet "$load" floor "$tf" "http://127.0.0.1:$up" "$work/trail/airlock.db" --trail > "$work/trail.log" 2>&1 & trail_pid=$!; pids+=($trail_pid)
wait_for "http://127.0.0.1:$tf/_floor/health"

start_nginx "$work" "$ngx" "$up"
wait_for "http://127.0.0.1:$ngx/_bench/token"
nginx_workers=$(pgrep -d, -P "$(cat "$work/nginx.pid")")

if [ "$moto" = 1 ]; then
  "$PY" -m moto.server -H 127.0.0.1 -p "$mt" > "$work/moto.log" 2>&1 & pids+=($!)
  wait_for "http://127.0.0.1:$mt/moto-api/"
fi

# The log goes to a folder of its own: Airlock watches its config file's folder for policy edits, and a log written
# there would wake that watcher on every line.
mkdir -p "$work/logs"
bench_config "$work/airlock.yaml" "$gw" "$up" "" "  - name: moto
    region: us-east-1
    accountId: \"123456789012\"
    endpoint: http://127.0.0.1:$mt
    credentials: { source: static, accessKeyIdEnv: BENCH_KEY_ID, secretAccessKeyEnv: BENCH_SECRET }"
dotnet "$airlock" serve --config "$work/airlock.yaml" > "$work/logs/airlock.log" 2>&1 & gateway=$!; pids+=($gateway)
wait_for "http://127.0.0.1:$gw/_airlock/health"
# Resident memory once started and ready, before the first call (catalog, policy, store and listeners loaded).
sleep 2
startup_rss=$(awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$gateway/status")

moto_args=()
[ "$moto" = 1 ] && moto_args=(--moto "http://127.0.0.1:$mt")
dotnet "$load" run --direct "http://127.0.0.1:$up" --nginx "http://127.0.0.1:$ngx" --airlock "http://127.0.0.1:$gw" \
  --token "http://127.0.0.1:$up/_bench/token" --airlock-pid "$gateway" --nginx-pids "$nginx_workers" \
  --hop "http://127.0.0.1:$hop" --hop-pid "$hop_pid" --floor "http://127.0.0.1:$fl" --floor-pid "$floor_pid" \
  --trail-floor "http://127.0.0.1:$tf" --trail-floor-pid "$trail_pid" \
  --seconds "$seconds" --goal-rounds "$rounds" $quick "${moto_args[@]}" --out bench --startup-rss "$startup_rss" --settle \
  --about "date=$(date -u +%Y-%m-%dT%H:%MZ)" \
  --about "machine=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)" \
  --about "Airlock=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo '+changes'), .NET $(dotnet --version), Server GC" \
  --about "nginx=$(nginx -v 2>&1 | cut -d/ -f2), worker_processes auto ($(echo "$nginx_workers" | tr ',' '\n' | wc -l) workers)" \
  --about "load=every cell ${seconds} s after a warm-up, at most 500,000 requests (S3: 2,000); goals judged on the median of the sweep and ${rounds} more rounds of their cells; load generator, upstream, nginx and Airlock share the machine's cores"

gnuplot <<PLOT
set terminal pngcairo size 1100,440 font "sans,10"
set output "bench/latency.png"
set multiplot layout 1,2 title "Latency against concurrency (loopback, same upstream)"
set logscale xy
set datafile missing "-"
set xtics (1, 16, 64, 256)
set xlabel "concurrent callers"
set ylabel "ms"
set key top left
set grid
set title "json GetItem (~1 KB)"
plot "bench/latency.dat" index 0 using 2:3 with linespoints title "direct p50", "" index 0 using 2:4 with linespoints title "nginx p50", \
     "" index 0 using 2:9 with linespoints title "Kestrel hop p50", "" index 0 using 2:5 with linespoints title "Airlock p50", "" index 0 using 2:8 with linespoints dashtype 2 title "Airlock p99", \
     "" index 0 using 2:7 with linespoints dashtype 2 title "nginx p99"
set title "query ListTopics (~1 KB)"
plot "bench/latency.dat" index 1 using 2:3 with linespoints title "direct p50", "" index 1 using 2:4 with linespoints title "nginx p50", \
     "" index 1 using 2:9 with linespoints title "Kestrel hop p50", "" index 1 using 2:5 with linespoints title "Airlock p50", "" index 1 using 2:8 with linespoints dashtype 2 title "Airlock p99", \
     "" index 1 using 2:7 with linespoints dashtype 2 title "nginx p99"
unset multiplot
PLOT
echo "wrote bench/RESULTS.md and bench/latency.png"
# Sections of their own, appended to RESULTS.md, each with its own processes: two nodes on PostgreSQL against one on
# SQLite, metrics on against off, and where a lone call's time and the memory go.
trap - EXIT; cleanup
[ "$nodes" = 1 ] && bash bench/nodes.sh --seconds "$seconds"
[ "$metrics" = 1 ] && bash bench/metrics.sh --seconds "$seconds"
bash bench/anatomy.sh --seconds "$seconds"
true
