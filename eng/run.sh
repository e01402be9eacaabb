#!/usr/bin/env bash
# Runs HeartRule locally: `dotnet run --project HeartRule.AppHost`, after installing what is missing. The AppHost
# (.NET Aspire) starts PostgreSQL, Redis and RabbitMQ from Debian's binaries, the four services and the dashboard.
#   ./eng/run.sh            keeps data in .data/ between runs
#   ./eng/run.sh --wipe     deletes .data/ first
# Other arguments go to the AppHost (e.g. --Replicas:gateway 3, --Infrastructure containers).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
HEARTRULE_SKIP_BROWSER=1 bash eng/install-infra.sh

if [ "${1:-}" = "--wipe" ]; then
  shift
  echo "run: deleting .data/"
  rm -rf .data
fi

# dotnet run builds silently; a first build takes a minute or two, so it is done here where it can be seen.
echo "run: building HeartRule…"
dotnet build HeartRule.AppHost -nologo -v quiet -clp:NoSummary
# The launch profile sets ASPIRE_ALLOW_UNSECURED_TRANSPORT=true: without an HTTPS development certificate Aspire
# refuses to start, and this is a local run on loopback. The dashboard's address is fixed: http://127.0.0.1:18888.
# env --default-signal: a shell that runs this in the background leaves SIGINT ignored, and the AppHost would
# inherit that; with it, `kill -INT` stops HeartRule as Ctrl+C does.
exec env --default-signal=INT,TERM dotnet run --project HeartRule.AppHost --no-build -- "$@"
