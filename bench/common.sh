# What the benchmark scripts share (sourced): free ports, waiting for a server, and the gateway configuration every
# benchmark measures (the load tool's issuer and upstream, one connection "bench", everything allowed for its group).

PY="${AIRLOCK_TEST_PYTHON:-/root/.pyenv/versions/3.11.7/bin/python3}"
[ -x "$PY" ] || PY=python3

port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_for() { for _ in $(seq 1 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }

# bench_config FILE PORT UPSTREAM_PORT [STORE_AND_MORE_YAML] [MORE_CONNECTIONS_YAML]
bench_config() {
  mkdir -p "$(dirname "$1")/logs"
  cat > "$1" <<YAML
listen: http://127.0.0.1:$2
store:
${4:-  path: data/airlock.db}
issuers:
  - issuer: http://127.0.0.1:$3/_airlock/demo-oidc
    audiences: [airlock-demo]
    groupsClaim: groups
connections:
  - name: bench
    region: us-east-1
    accountId: "123456789012"
    endpoint: http://127.0.0.1:$3
    credentials: { source: static, accessKeyIdEnv: BENCH_KEY_ID, secretAccessKeyEnv: BENCH_SECRET }
${5:-}
policy:
  statements:
    - Sid: BenchAgents
      Effect: Allow
      Principal: { Group: [bench] }
      Action: "*"
      Resource: "*"
YAML
}

# start_nginx WORK PORT UPSTREAM_PORT…: Debian's nginx as a plain reverse proxy on 127.0.0.1:PORT, round robin over
# the upstreams on loopback, with keepalive upstream connections, request bodies streamed and responses buffered in
# memory (never on disk); its files under WORK/nginx, its pid in WORK/nginx.pid.
start_nginx() {
  local work=$1 listen=$2; shift 2
  local servers=""
  for p in "$@"; do servers+="server 127.0.0.1:$p; "; done
  mkdir -p "$work/nginx"
  cat > "$work/nginx.conf" <<NGINX
pid $work/nginx.pid;
worker_processes auto;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  upstream backends { ${servers}keepalive 512; }
  server {
    listen 127.0.0.1:$listen;
    client_max_body_size 0;
    location / {
      proxy_pass http://backends;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_request_buffering off;
      proxy_buffering on;
      proxy_buffer_size 64k;
      proxy_buffers 32 64k;
      proxy_busy_buffers_size 256k;
      proxy_max_temp_file_size 0;
    }
  }
}
NGINX
  nginx -c "$work/nginx.conf" -p "$work/nginx"
}

# rounds_and_seconds "$@": sets rounds and seconds from --rounds N and --seconds S (the caller sets the defaults first).
rounds_and_seconds() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --rounds) rounds=$2; shift ;;
      --seconds) seconds=$2; shift ;;
      *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
  done
}

# rounds_level_seconds "$@": sets rounds, level and seconds from --rounds N, --level N and --seconds S (the caller sets the defaults first).
rounds_level_seconds() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --rounds) rounds=$2; shift ;;
      --level) level=$2; shift ;;
      --seconds) seconds=$2; shift ;;
      *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
  done
}

# level_seconds_top "$@": sets level, seconds and top from --level N, --seconds S and --top T (the caller sets the defaults first).
level_seconds_top() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --level) level=$2; shift ;;
      --seconds) seconds=$2; shift ;;
      --top) top=$2; shift ;;
      *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
  done
}

# start_json_gateway WORK LEVEL WARM_SECONDS [VAR=VALUE]...: the load tool's upstream (port in up) and one gateway in
# front of it (port in gw, pid in gateway; its runtime variables given), both added to pids; then one json cell at
# LEVEL, unmeasured, so what follows sees the warm path rather than start-up and JIT. Needs load and airlock set.
start_json_gateway() {
  local work=$1 level=$2 warm=$3; shift 3
  up=$(port); gw=$(port)
  dotnet "$load" upstream "$up" > "$work/upstream.log" 2>&1 & pids+=($!)
  wait_for "http://127.0.0.1:$up/_bench/token"
  bench_config "$work/airlock.yaml" "$gw" "$up"
  env "$@" dotnet "$airlock" serve --config "$work/airlock.yaml" > "$work/logs/airlock.log" 2>&1 & gateway=$!; pids+=($gateway)
  wait_for "http://127.0.0.1:$gw/_airlock/health"
  json_cell "$work/warm" "$load" "$up" "http://127.0.0.1:$gw" "$gateway" "$level" "$warm" >/dev/null
}

# start_admin_gateway WORK: the load tool's upstream (port in up) and one gateway in front of it, its store in
# WORK/data/airlock.db, with its admin listener (metrics) on the port in admin (its own port in gw, pid in gateway),
# all added to pids. Needs load and airlock set.
start_admin_gateway() {
  local work=$1
  up=$(port); gw=$(port); admin=$(port)
  dotnet "$load" upstream "$up" > "$work/upstream.log" 2>&1 & pids+=($!)
  wait_for "http://127.0.0.1:$up/_bench/token"
  bench_config "$work/airlock.yaml" "$gw" "$up" "  path: data/airlock.db
admin:
  listen: http://127.0.0.1:$admin"
  dotnet "$airlock" serve --config "$work/airlock.yaml" > "$work/logs/airlock.log" 2>&1 & gateway=$!; pids+=($gateway)
  wait_for "http://127.0.0.1:$gw/_airlock/health"
  wait_for "http://127.0.0.1:$admin/metrics"
}

# commit_histogram: "SUM COUNT" of the gateway's audit commit histogram (seconds, commits), from its admin listener.
commit_histogram() {
  curl -sf "http://127.0.0.1:$admin/metrics" | awk '/^airlock_audit_commit_duration_seconds_(sum|count)/ {printf "%s ", $2} END {print ""}'
}

# json_gateway_workspace NAME [KEEP]: for a script that measures one gateway (start_json_gateway): Release builds,
# load and airlock set, a work folder in work, pids, and a cleanup on exit that stops every process in pids and
# removes the folder unless KEEP is non-empty.
json_gateway_workspace() {
  build_airlock_and_load
  load=bench/Airlock.Load/bin/Release/net10.0/Airlock.Load.dll
  airlock=src/Airlock/bin/Release/net10.0/airlock.dll
  work=$(mktemp -d "/tmp/airlock-$1-XXXXXX")
  keep_work=${2:-}
  pids=()
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [ -n "$keep_work" ] || rm -rf "$work"' EXIT
}

# cell_calls OUT LEVEL: how many calls the measured row (Airlock's, or the durable floor's under CELL_FLOOR) of a
# json_cell written to OUT made at LEVEL.
cell_calls() {
  grep -E "^\| $2 \| $(cell_path) \|" "$1/RESULTS.md" | awk -F'|' '{gsub(/ /, ""); print $4}'
}

# cell_path: the path json_cell measures, as the load tool names it.
cell_path() { if [ -n "${CELL_FLOOR:-}" ]; then echo "durable floor"; else echo Airlock; fi; }

# build_airlock_and_load: Release builds of the gateway and the load tool (the benchmark's upstream and client).
build_airlock_and_load() {
  dotnet build -c Release src/Airlock >/dev/null
  dotnet build -c Release bench/Airlock.Load >/dev/null
}

# json_cell OUT LOAD_DLL UPSTREAM_PORT AIRLOCK_URL PIDS [LEVEL] [SECONDS]: one json GetItem cell through Airlock (the
# gateway processes PIDS, comma-separated, measured); prints "req/s p50 p99 cpu-ms-per-call" from its row.
# CELL_WORKLOAD names another workload by its start (e.g. "S3 GetObject 1 MB"); its row has MB/s before the CPU.
# CELL_NO_WARMUP=1 skips the load tool's warm-up cells (json, query and S3 at c16) before the cell.
# CELL_FLOOR="URL PID" measures the durable floor (Airlock.Load floor) at URL instead; the gateway still issues the
# load tool's session.
json_cell() {
  local out=$1 level=${6:-64} floor=(); mkdir -p "$out"
  [ -z "${CELL_FLOOR:-}" ] || floor=(--floor "${CELL_FLOOR% *}" --floor-pid "${CELL_FLOOR#* }")
  dotnet "$2" run --direct "http://127.0.0.1:$3" --nginx "http://127.0.0.1:$3" --airlock "$4" \
    --token "http://127.0.0.1:$3/_bench/token" --airlock-pid "$5" "${floor[@]}" --paths "$(cell_path)" --workloads "${CELL_WORKLOAD:-json}" --levels "$level" \
    --seconds "${7:-4}" --out "$out" ${CELL_NO_WARMUP:+--no-warmup} > "$out/stdout"
  cell_row "$out" "$level" "$(cell_path)"
}

# cell_row OUT LEVEL PATH: "req/s p50 p99 cpu-ms-per-call" from the row of PATH at LEVEL in OUT/RESULTS.md.
cell_row() {
  grep -E "^\| $2 \| $3 \|" "$1/RESULTS.md" | awk -F'|' '{gsub(/ /,""); printf "%s %s %s %s\n", $5, $6, $7, $(NF - 4)}'
}

# median: the median of the numbers on stdin, one per line.
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

# write_section MARKDOWN: puts the section (from its "## Title" line) at the end of bench/RESULTS.md, in place of the
# section of that title an earlier run wrote.
write_section() {
  "$PY" - "$1" <<'PYTHON'
import re, sys
path = "bench/RESULTS.md"
text = open(path).read()
section = sys.argv[1].strip() + "\n"
title = section.splitlines()[0]
text = re.sub(re.escape(title) + r"\n.*?(?=\n## |\Z)", "", text, flags=re.S).rstrip() + "\n\n" + section
open(path, "w").write(text)
PYTHON
}

# The gateway's environment: the upstream credential the connection names.
export BENCH_KEY_ID=AKIDBENCHUPSTREAM001 BENCH_SECRET=bench-upstream-secret
