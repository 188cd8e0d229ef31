#!/bin/bash
# Stands in for Kafka's tool of this name (its jar is not among the broker's) in health checks:
# `--bootstrap-server HOST:PORT` succeeds once the broker accepts connections there.
server=localhost:9092
while [ $# -gt 0 ]; do
  if [ "$1" = --bootstrap-server ]; then server=$2; shift; fi
  shift
done
host=${server%:*}
# bash tries only the first address of a name, and localhost is ::1 first where IPv6 may be off.
[ "$host" = localhost ] && host=127.0.0.1
exec 3<>"/dev/tcp/${host}/${server##*:}"
