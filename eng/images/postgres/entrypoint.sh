#!/bin/bash
# The official postgres image's contract, on Debian's PostgreSQL: on an empty PGDATA, initdb as POSTGRES_USER
# (default postgres) with POSTGRES_PASSWORD, allow network logins by POSTGRES_HOST_AUTH_METHOD (default
# scram-sha-256), create POSTGRES_DB (default: the user's name); then run the server listening on every address.
set -euo pipefail

# "docker run image -c key=value" means postgres with those options, as in the official image.
if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi

if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  user=${POSTGRES_USER:-postgres}
  db=${POSTGRES_DB:-$user}
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
    echo "postgres: POSTGRES_PASSWORD is not set (POSTGRES_HOST_AUTH_METHOD=trust would allow logins without one)" >&2
    exit 1
  fi
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  pwfile=$(mktemp)
  trap 'rm -f "$pwfile"' EXIT
  printf '%s' "${POSTGRES_PASSWORD:-}" > "$pwfile"
  # Word splitting of POSTGRES_INITDB_ARGS is the contract (e.g. "--auth-host=scram-sha-256 --auth-local=…").
  # shellcheck disable=SC2086
  initdb --username="$user" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 ${POSTGRES_INITDB_ARGS:-} > /dev/null
  rm -f "$pwfile"
  printf '\nhost all all all %s\n' "${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >> "$PGDATA/pg_hba.conf"
  if [ "$db" != postgres ]; then
    # Single-user mode: no server, no socket, nothing to wait for.
    echo "CREATE DATABASE \"${db//\"/\"\"}\"" | postgres --single -D "$PGDATA" -j postgres > /dev/null
  fi
  echo "postgres: initialised $PGDATA (user $user, database $db)"
fi

if [ "$1" = postgres ]; then
  shift
  exec postgres -c listen_addresses='*' "$@"
fi
exec "$@"
