#!/usr/bin/env bash
# Runs HeartRule locally: infrastructure, the four services, the dashboard and the chat page, through the AppHost.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash eng/install-infra.sh
exec dotnet run --project HeartRule.AppHost -- "$@"
