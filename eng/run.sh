#!/usr/bin/env bash
# Runs HeartRule locally: `dotnet run --project HeartRule.AppHost`, after installing what is missing. The AppHost
# (.NET Aspire) starts PostgreSQL, Redis and RabbitMQ from Debian's binaries, the four services and the dashboard.
#   ./eng/run.sh            keeps data in .data/ between runs
#   ./eng/run.sh --wipe     deletes .data/ first
# Other arguments go to the AppHost (e.g. --Replicas:gateway 3, --Infrastructure containers).
set -euo pipefail
# A shell that runs this in the background starts it with SIGINT ignored, and an ignored signal can be neither
# trapped nor passed on; start again with it back to its default.
if [ -z "${HEARTRULE_RUN_SIGNALS:-}" ]; then
  exec env --default-signal=INT,TERM HEARTRULE_RUN_SIGNALS=1 bash "$0" "$@"
fi
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
# dotnet run passes SIGTERM on to the AppHost but not SIGINT (it leaves that to the terminal, which sends it to the
# whole foreground group): `kill -INT` on this script becomes a SIGTERM for dotnet run, so it stops HeartRule as
# Ctrl+C does.
dotnet run --project HeartRule.AppHost --no-build -- "$@" &
apphost=$!
trap 'kill -TERM "$apphost" 2>/dev/null' INT TERM
wait "$apphost" || true
# The first wait returns when a signal arrives; this one waits for the AppHost to finish stopping.
wait "$apphost"
