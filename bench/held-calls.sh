#!/usr/bin/env bash
# 1,000 calls held for review at once on one gateway: memory while held, time to approve and release them all.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build tests/Airlock.Tests -c Release -v quiet -nologo >/dev/null
dotnet test tests/Airlock.Tests -c Release --no-build --filter "FullyQualifiedName~HeldCallsLoadTests" --logger "console;verbosity=detailed" \
  | grep -E "held_calls=|Passed!|Failed!"
