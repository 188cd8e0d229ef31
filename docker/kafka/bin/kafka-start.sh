#!/bin/bash
# Writes server.properties from the KAFKA_* variables (KAFKA_FOO_BAR=v -> foo.bar=v; `__` stands for `_`
# and `___` for `-`, as in the official images), formats the storage once, then runs the broker as PID 1
# so SIGTERM reaches it and it shuts down cleanly.
set -euo pipefail
props=/opt/kafka/config/server.properties
: > "$props"
while IFS='=' read -r name value; do
  case "$name" in
    KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_JVM_OPTS) continue ;;
  esac
  key=${name#KAFKA_}
  key=$(printf '%s' "$key" | tr '[:upper:]' '[:lower:]' | sed -e 's/___/-/g' -e 's/__/@/g' -e 's/_/./g' -e 's/@/_/g')
  printf '%s=%s\n' "$key" "$value" >> "$props"
done < <(env | grep -E '^KAFKA_[A-Z0-9_]+=' | sort)
data=$(sed -n 's/^log\.dirs=//p' "$props" | cut -d, -f1)
if [ ! -f "$data/meta.properties" ]; then
  id=${CLUSTER_ID:-$(java -cp '/opt/kafka/libs/*' kafka.tools.StorageTool random-uuid)}
  echo "formatting $data (cluster $id)"
  java -Dlog4j2.configurationFile=/opt/kafka/log4j2.properties -cp '/opt/kafka/libs/*' \
    kafka.tools.StorageTool format -t "$id" -c "$props" --ignore-formatted
fi
# shellcheck disable=SC2086 # the options are words on purpose
exec java ${KAFKA_HEAP_OPTS:-} ${KAFKA_OPTS:-} -XX:+UseG1GC -Djava.awt.headless=true \
  -Dlog4j2.configurationFile=/opt/kafka/log4j2.properties -cp '/opt/kafka/libs/*' kafka.Kafka "$props"
