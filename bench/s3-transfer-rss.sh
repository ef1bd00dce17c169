#!/usr/bin/env bash
# Measures a large S3 copy through Airlock (default 1024 MB): throughput, identical bytes, gateway RSS growth.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Airlock -c Release -v quiet -nologo >/dev/null
PY="${AIRLOCK_PYTHON:-}"
for candidate in "$PY" /root/.pyenv/versions/3.11.7/bin/python3 "$(command -v python3)"; do
  if [ -n "$candidate" ] && "$candidate" -c 'import moto, awscli' 2>/dev/null; then PY="$candidate"; break; fi
done
AIRLOCK_PYTHON="$PY" "$PY" bench/s3_transfer_rss.py "${1:-1024}"
