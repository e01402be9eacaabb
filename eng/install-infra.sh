#!/usr/bin/env bash
# Installs what HeartRule runs on, from Debian packages, when it is missing: PostgreSQL, Redis, RabbitMQ
# (the AppHost starts them itself, from these binaries, in .data/), Chromium (browser tests) and Node.js with npm
# (the TypeScript client, clients/typescript, and the pages, web/, which the Gateway's build builds: their tools work
# with Debian 12's Node.js 18).
# Idempotent: installs nothing and touches no package list when everything is there.
# HEARTRULE_SKIP_BROWSER=1 leaves Chromium out.
set -euo pipefail

missing=()

has_postgres() { compgen -G "/usr/lib/postgresql/*/bin/postgres" > /dev/null; }

has_postgres || missing+=(postgresql)
command -v redis-server > /dev/null || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
# setsid and setpriv: the AppHost runs each server in a session of its own, PostgreSQL as its own user.
{ command -v setsid > /dev/null && command -v setpriv > /dev/null; } || missing+=(util-linux)
if [ "${HEARTRULE_SKIP_BROWSER:-0}" != "1" ]; then
  command -v chromium > /dev/null || missing+=(chromium)
fi
command -v node > /dev/null || missing+=(nodejs)
command -v npm > /dev/null || missing+=(npm)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-infra: PostgreSQL, Redis, RabbitMQ$([ "${HEARTRULE_SKIP_BROWSER:-0}" != "1" ] && echo ", Chromium"), Node.js and npm already installed."
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo > /dev/null; then
  sudo=(sudo)
else
  echo "install-infra: missing ${missing[*]}, and installing needs root (or sudo)." >&2
  exit 1
fi

echo "install-infra: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"

has_postgres || { echo "install-infra: PostgreSQL binaries still missing after install." >&2; exit 1; }
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || { echo "install-infra: RabbitMQ still missing after install." >&2; exit 1; }
command -v npm > /dev/null || { echo "install-infra: npm still missing after install." >&2; exit 1; }
echo "install-infra: done."
