#!/usr/bin/env bash
# An isolated HeartRule stack for the benchmarks in docs/benchmarks.md: its own PostgreSQL, Redis and
# RabbitMQ (so a run neither disturbs nor is disturbed by a dev stack on the same box), the four services
# from their Release builds, one or more Gateway nodes, and the SignalR baseline.
#
#   bench-stack.sh build                 Release builds of the services and the tools
#   bench-stack.sh start [GATEWAYS]      infrastructure + services + GATEWAYS gateway nodes (default 1) + baseline
#   bench-stack.sh gateway I             restarts gateway node I (its environment passes through, e.g. DOTNET_gcServer=0)
#   bench-stack.sh restart NAME          restarts persistence, scriptengine or sessions the same way
#   bench-stack.sh pids                  name=pid of every process it started
#   bench-stack.sh stop                  stops exactly the processes it started (by recorded PID)
#
# Ports: PostgreSQL 28432, Redis 28379, RabbitMQ 28672 (its epmd 28674), Persistence 28101, Sessions 28102,
# ScriptEngine 28103, Gateway nodes 28080, 28081, …, SignalR baseline 28090: below the ephemeral port range
# (32768–60999), so no client socket of a large run can hold one of them when a server starts.
# Extra environment for the services can be passed through, e.g. Engine__StreamDeltas=false.
set -euo pipefail

# BENCH_ROOT: another checkout whose services to build and run (compare.sh runs an older commit this way).
ROOT=${BENCH_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BASE=${BENCH_DIR:-/tmp/hr-bench}
RUN=$BASE/run
mkdir -p "$RUN"

pidfile() { echo "$RUN/$1.pid"; }

start_bg() { # name dir command...
  local name=$1 dir=$2; shift 2
  (cd "$dir" && exec "$@" >"$RUN/$name.log" 2>&1) &
  echo $! >"$(pidfile "$name")"
}

wait_http() { # url
  for _ in $(seq 1 120); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.5; done
  echo "no answer from $1" >&2; return 1
}

infra() {
  # PostgreSQL: its own cluster, owned by the postgres user as initdb requires.
  if [ ! -f "$BASE/pg/data/PG_VERSION" ]; then
    mkdir -p "$BASE/pg" && chown postgres "$BASE/pg"
    runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D "$BASE/pg/data" -U postgres --auth=trust >"$RUN/initdb.log"
  fi
  runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$BASE/pg/data" -l "$BASE/pg/pg.log" -w \
    -o "-p 28432 -k $BASE/pg -h 127.0.0.1 -c max_connections=200" start >/dev/null
  head -1 "$BASE/pg/data/postmaster.pid" >"$(pidfile postgres)"
  runuser -u postgres -- psql -h 127.0.0.1 -p 28432 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='heartrule'" | grep -q 1 \
    || runuser -u postgres -- psql -h 127.0.0.1 -p 28432 -U postgres -c "CREATE DATABASE heartrule" >/dev/null

  mkdir -p "$BASE/redis"
  start_bg redis "$BASE/redis" redis-server --port 28379 --bind 127.0.0.1 --save "" --appendonly no

  mkdir -p "$BASE/rmq/mnesia" "$BASE/rmq/log"
  echo "[]." >"$BASE/rmq/plugins"
  # The broker's tuning as the build being measured has it (an older build may have none: compare.sh then shows its effect).
  rm -f "$BASE/rmq/rabbitmq.conf"
  [ ! -f "$ROOT/eng/images/rabbitmq/heartrule.conf" ] || cp "$ROOT/eng/images/rabbitmq/heartrule.conf" "$BASE/rmq/rabbitmq.conf"
  # Erlang's port mapper on a port of its own, started here and stopped with the rest: left to themselves, the
  # broker and rabbitmqctl start one as a daemon that outlives the stack.
  (export HOME=$BASE/rmq ERL_EPMD_PORT=28674 ERL_EPMD_ADDRESS=127.0.0.1
   start_bg epmd "$BASE/rmq" /usr/bin/epmd -port 28674 -address 127.0.0.1
   for _ in $(seq 1 20); do /usr/bin/epmd -port 28674 -names >/dev/null 2>&1 && break; sleep 0.2; done
   export RABBITMQ_NODENAME=hrbench@localhost RABBITMQ_NODE_PORT=28672 RABBITMQ_DIST_PORT=28673 \
      RABBITMQ_MNESIA_BASE=$BASE/rmq/mnesia RABBITMQ_LOG_BASE=$BASE/rmq/log RABBITMQ_ENABLED_PLUGINS_FILE=$BASE/rmq/plugins \
      RABBITMQ_CONFIG_FILE=$BASE/rmq/rabbitmq RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-start_epmd false"
   # "detached" makes rabbitmq-server exec the Erlang VM instead of keeping a shell in front of it (which it
   # otherwise does, to turn signals into a stop): the PID recorded is then the broker's own.
   export detached=true
   start_bg rabbitmq "$BASE/rmq" /usr/lib/rabbitmq/bin/rabbitmq-server
   for _ in $(seq 1 60); do
     kill -0 "$(cat "$(pidfile rabbitmq)")" 2>/dev/null || { echo "RabbitMQ did not start: $RUN/rabbitmq.log" >&2; exit 1; }
     /usr/lib/rabbitmq/bin/rabbitmqctl -q -n hrbench@localhost await_startup >/dev/null 2>&1 && break; sleep 1
   done)
}

service_env() {
  export ASPNETCORE_ENVIRONMENT=Development
  export ConnectionStrings__heartrule="Host=127.0.0.1;Port=28432;Username=postgres;Password=bench;Database=heartrule"
  export ConnectionStrings__redis="127.0.0.1:28379"
  export ConnectionStrings__messaging="amqp://guest:guest@127.0.0.1:28672/"
  export services__persistence__http__0="http://127.0.0.1:28101"
  export services__scriptengine__http__0="http://127.0.0.1:28103"
}

probe_env() {
  # Lets the load tool read live managed memory after a full GC (tools/HeartRule.GcProbe); costs a 200 ms file poll.
  export DOTNET_STARTUP_HOOKS=$ROOT/tools/HeartRule.GcProbe/bin/Release/net10.0/HeartRule.GcProbe.dll GC_PROBE_DIR=$RUN
}

service() { # name project port
  local name=$1 project=$2 port=$3
  ASPNETCORE_URLS=http://127.0.0.1:$port start_bg "$name" "$ROOT/services/$project" dotnet "bin/Release/net10.0/HeartRule.$project.dll"
  wait_http "http://127.0.0.1:$port/health"
}

case "${1:-}" in
  build)
    for p in services/Gateway services/Sessions services/ScriptEngine services/Persistence tools/HeartRule.LoadTest tools/HeartRule.SignalRBaseline tools/HeartRule.GcProbe; do
      dotnet build "$ROOT/$p" -c Release -nologo -v q
    done ;;
  start)
    gateways=${2:-1}
    infra
    service_env
    service persistence Persistence 28101
    service scriptengine ScriptEngine 28103
    service sessions Sessions 28102
    probe_env
    for i in $(seq 0 $((gateways - 1))); do service "gateway$i" Gateway $((28080 + i)); done
    "$0" signalr ;;
  signalr)
    # (Re)starts the SignalR baseline alone.
    f=$(pidfile signalr)
    if [ -f "$f" ]; then pid=$(cat "$f"); kill "$pid" 2>/dev/null || true; for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done; fi
    probe_env
    ASPNETCORE_URLS=http://127.0.0.1:28090 start_bg signalr "$ROOT/tools/HeartRule.SignalRBaseline" dotnet bin/Release/net10.0/HeartRule.SignalRBaseline.dll
    wait_http http://127.0.0.1:28090/health
    "$0" pids ;;
  gateway)
    # Restarts one gateway node, e.g. with different runtime settings: DOTNET_gcServer=0 bench-stack.sh gateway 1
    i=${2:?node index}
    f=$(pidfile "gateway$i")
    if [ -f "$f" ]; then pid=$(cat "$f"); kill "$pid" 2>/dev/null || true; for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done; fi
    service_env
    probe_env
    service "gateway$i" Gateway $((28080 + i))
    echo "gateway$i=$(cat "$f")" ;;
  restart)
    # Restarts one service with the caller's environment, e.g. Engine__StreamDeltas=false bench-stack.sh restart scriptengine
    name=${2:?persistence, scriptengine or sessions}
    case $name in persistence) project=Persistence port=28101 ;; scriptengine) project=ScriptEngine port=28103 ;; sessions) project=Sessions port=28102 ;;
      *) echo "unknown service $name" >&2; exit 2 ;; esac
    f=$(pidfile "$name")
    if [ -f "$f" ]; then pid=$(cat "$f"); kill "$pid" 2>/dev/null || true; for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done; fi
    service_env
    service "$name" "$project" "$port"
    echo "$name=$(cat "$f")" ;;
  pids)
    for f in "$RUN"/*.pid; do [ -f "$f" ] && echo "$(basename "$f" .pid)=$(cat "$f")"; done ;;
  stop)
    # Services first (they drain), then the infrastructure; each by the PID recorded at its start.
    for name in signalr gateway0 gateway1 gateway2 gateway3 sessions scriptengine persistence redis rabbitmq epmd; do
      f=$(pidfile "$name"); [ -f "$f" ] || continue
      pid=$(cat "$f"); kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      rm -f "$f"
    done
    if [ -f "$(pidfile postgres)" ]; then
      runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$BASE/pg/data" -m fast stop >/dev/null || true
      rm -f "$(pidfile postgres)"
    fi ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac
