#!/usr/bin/env bash
# Durable audit write rate on SQLite and on PostgreSQL (a server of this script's own on 127.0.0.1, from Debian's
# binaries, stopped at the end). Usage: bash bench/audit-rate.sh [calls per run, default 50000]
# AUDIT_RATE_LEVELS=64,256 picks the concurrencies; AUDIT_RATE_WRITERS=2 has that many writers share one chain, as
# nodes sharing a PostgreSQL trail do.
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-50000}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
root=$(mktemp -d /tmp/airlock-bench-pg-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres:postgres "$root"
as_postgres "$bin/initdb" -D "$root/data" -U airlock -A trust -E UTF8 --no-sync >/dev/null
as_postgres "$bin/pg_ctl" -D "$root/data" -l "$root/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$root" start >/dev/null
trap 'as_postgres "$bin/pg_ctl" -D "$root/data" -m immediate stop >/dev/null; rm -rf "$root"' EXIT
as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U airlock -d postgres -qc "CREATE DATABASE bench"

dotnet build -c Release bench/Airlock.Benchmarks >/dev/null
dotnet run -c Release --no-build --project bench/Airlock.Benchmarks -- audit-rate "$records"
echo
dotnet run -c Release --no-build --project bench/Airlock.Benchmarks -- audit-rate "$records" \
  "Host=127.0.0.1;Port=$port;Username=airlock;Database=bench;Maximum Pool Size=20"
