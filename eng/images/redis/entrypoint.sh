#!/bin/sh
# As the official redis image: options alone (or a .conf file) mean redis-server with them. Without a config file
# Redis would refuse every connection from another host (protected mode), which in a container is every client;
# as in the official image it is off, and --requirepass is what protects it.
set -e
case "$1" in
  -*|*.conf) set -- redis-server "$@" ;;
esac
if [ "$1" = redis-server ]; then
  shift
  exec redis-server --protected-mode no "$@"
fi
exec "$@"
