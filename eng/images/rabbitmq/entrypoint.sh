#!/bin/sh
# The official rabbitmq image's contract on Debian's RabbitMQ: RABBITMQ_DEFAULT_USER/RABBITMQ_DEFAULT_PASS become the
# first user of a new node (default guest/guest, then allowed from other hosts, as there), AMQP on 5672, logs to the
# console. The configuration, the upgrade log and a crash dump are written under the data folder and /tmp, so the
# root filesystem may be read-only.
set -e
if [ "$1" = rabbitmq-server ]; then
  mkdir -p /var/lib/rabbitmq/config
  conf=/var/lib/rabbitmq/config/rabbitmq.conf
  user=${RABBITMQ_DEFAULT_USER:-guest}
  pass=${RABBITMQ_DEFAULT_PASS:-guest}
  umask 077
  cat > "$conf" <<CONF
listeners.tcp.default = 5672
default_user = $user
default_pass = $pass
loopback_users = none
log.console = true
log.console.level = info
log.file = false
CONF
  cat /etc/rabbitmq/heartrule.conf >> "$conf"
  export RABBITMQ_CONFIG_FILE=${conf%.conf}
  export RABBITMQ_LOGS=-
  mkdir -p /var/lib/rabbitmq/log
  export RABBITMQ_LOG_BASE=${RABBITMQ_LOG_BASE:-/var/lib/rabbitmq/log}
  export ERL_CRASH_DUMP=${ERL_CRASH_DUMP:-/tmp/erl_crash.dump}
fi
exec "$@"
