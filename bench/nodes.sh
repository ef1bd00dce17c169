#!/usr/bin/env bash
# Many nodes against one: the json GetItem call at concurrency 64 through two Airlock nodes sharing one PostgreSQL
# (behind nginx, round robin), against one node on its embedded SQLite store, in rounds that alternate, on loopback.
# Writes the section "Two nodes on PostgreSQL" of bench/RESULTS.md (run by bench/run.sh, or alone after it).
# Usage: bash bench/nodes.sh [--rounds N] [--seconds S]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3; seconds=4
source bench/common.sh
rounds_and_seconds "$@"
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
build_airlock_and_load
load=bench/Airlock.Load/bin/Release/net10.0/Airlock.Load.dll
airlock=src/Airlock/bin/Release/net10.0/airlock.dll

work=$(mktemp -d /tmp/airlock-nodes-XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
up=$(port); pg=$(port); one=$(port); n1=$(port); n2=$(port); lb=$(port)

# PostgreSQL as a team would run it for the audit trail: durable commits (fsync on, synchronous_commit on).
mkdir "$work/pg"; chown postgres:postgres "$work/pg"
runuser -u postgres -- "$pgbin/initdb" -D "$work/pg" -U airlock -A trust -E UTF8 >/dev/null
runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -w -l "$work/pg/log" \
  -o "-c listen_addresses=127.0.0.1 -c port=$pg -c unix_socket_directories=$work/pg -c max_connections=200" start >/dev/null
"$pgbin/psql" -h 127.0.0.1 -p "$pg" -U airlock -d postgres -qc "CREATE DATABASE nodes"

dotnet "$load" upstream "$up" > "$work/upstream.log" 2>&1 & pids+=($!)
wait_for "http://127.0.0.1:$up/_bench/token"

config() { bench_config "$work/$1/airlock.yaml" "$1" "$up" "$2"; } # port, store lines
start() { # port: the gateway's pid in started
  dotnet "$airlock" serve --config "$work/$1/airlock.yaml" > "$work/$1/logs/airlock.log" 2>&1 &
  started=$!
  pids+=($started)
}
config "$one" "  path: data/airlock.db"
head -c 32 /dev/urandom > "$work/secret.key"; head -c 32 /dev/urandom > "$work/audit.key"; head -c 32 /dev/urandom > "$work/masking.key"
for n in "$n1" "$n2"; do
  config "$n" "  path: data/airlock.db
  postgresql: Host=127.0.0.1;Port=$pg;Username=airlock;Database=nodes;Maximum Pool Size=64
  secretKeyFile: $work/secret.key
audit:
  signingKeyFile: $work/audit.key
masking:
  hashKeyFile: $work/masking.key"
done
start "$one"; one_pid=$started; wait_for "http://127.0.0.1:$one/_airlock/health"
start "$n1"; n1_pid=$started; wait_for "http://127.0.0.1:$n1/_airlock/health"
start "$n2"; n2_pid=$started; wait_for "http://127.0.0.1:$n2/_airlock/health"

start_nginx "$work" "$lb" "$n1" "$n2"
wait_for "http://127.0.0.1:$lb/_airlock/health"
nginx_workers=$(pgrep -d, -P "$(cat "$work/nginx.pid")")

ticks() { # CPU ticks (1/100 s) of the PostgreSQL server's processes
  local total=0
  for p in $(pgrep -u postgres -f "postgres" || true); do
    [ -r "/proc/$p/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo $total
}
cell() { # name, url, pids → "req/s p50 p99 cpu-ms-per-call pg-cpu-ms-per-call"
  local before; before=$(ticks)
  local row; row=$(json_cell "$work/out-$1" "$load" "$up" "$2" "$3" 64 "$seconds")
  local after; after=$(ticks)
  local requests; requests=$(grep -E '^\| 64 \| Airlock \|' "$work/out-$1/RESULTS.md" | awk -F'|' '{print $4}' | tr -d ' ')
  echo "$row" | awk -v pg="$(( (after - before) * 10 ))" -v n="$requests" '{printf "%s %.3f\n", $0, pg / n}'
}
results=()
for r in $(seq 1 "$rounds"); do
  results+=("one $(cell one "http://127.0.0.1:$one" "$one_pid")")
  results+=("two $(cell two "http://127.0.0.1:$lb" "$n1_pid,$n2_pid,$nginx_workers")")
  echo "round $r: ${results[-2]} | ${results[-1]}"
done

col() { printf '%s\n' "${results[@]}" | awk -v k="$1" -v c="$2" '$1 == k {print $c}' | median; }
section=$(cat <<MD
## Two nodes on PostgreSQL

Written by \`bash bench/nodes.sh\` ($(date -u +%Y-%m-%dT%H:%MZ), Airlock $(git rev-parse --short HEAD)): the json GetItem call at concurrency 64, $rounds alternating rounds of ${seconds} s, medians. **One node**: Airlock on its embedded SQLite store. **Two nodes**: two Airlock processes sharing one PostgreSQL $(basename "$(dirname "$pgbin")") (sessions, audit; durable commits) behind nginx (round robin). CPU per call is the gateway processes' (and nginx's, for two nodes) user+system time; PostgreSQL's server processes are counted apart.

| setup | req/s | p50 ms | p99 ms | gateway CPU ms/call | PostgreSQL CPU ms/call |
| --- | --- | --- | --- | --- | --- |
| one node, SQLite | $(col one 2) | $(col one 3) | $(col one 4) | $(col one 5) | – |
| two nodes, PostgreSQL | $(col two 2) | $(col two 3) | $(col two 4) | $(col two 5) | $(col two 6) |

What limits it here: this machine has $(nproc) cores, shared by the load generator, the upstream, nginx, both nodes and PostgreSQL, so a second node adds no cores, only a second process competing for the same two — and each call now also crosses nginx and pays PostgreSQL's own CPU (the last column) for the durable audit commits, where SQLite's work runs inside the gateway (a call's session is checked again inside its decision's commit, as on SQLite, not read per call; the writer's statements are prepared once on its connection). The nodes also share one hash chain: each batch of audit records takes the chain's append lock (an advisory lock held to the commit), so the two nodes' commits take turns rather than overlap. Two nodes buy availability (a node lost or drained costs no calls) and, on machines of their own, capacity; this run measures what the shared store costs per call, not how far nodes scale.
MD
)
write_section "$section"
echo "wrote the two-node section of bench/RESULTS.md"
