#!/usr/bin/env bash
# Builds a class-data-sharing archive (launcher/target/uptimemesh.jsa) from one short training run
# of the server on throwaway ports: the JVM then maps the classes instead of loading them, and a
# core node is ready in ~1.5 s instead of ~2.3 s on 2 cores (bench/run.sh startup). Optional:
# bin/uptimemesh uses the archive only when it is newer than the jar, and runs fine without it.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=launcher/target/uptimemesh.jar
jsa=launcher/target/uptimemesh.jsa
[ -f "$jar" ] || { echo "error: $jar not built" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
read -r http etcd_client etcd_peer <<<"$(shuf -i 20000-39999 -n 3 | tr '\n' ' ')"
printf 'managed_etcd:\n  client_port: %s\n  peer_port: %s\n' "$etcd_client" "$etcd_peer" > "$work/config.yaml"
rm -f "$jsa"
(cd "$work" && UPTIMEMESH_HTTP_HOST=127.0.0.1 UPTIMEMESH_HTTP_PORT="$http" UPTIMEMESH_DATA_DIR="$work/data" \
  UPTIMEMESH_ENV_FILE="$work/.env" LOG_LEVEL=WARN \
  exec java -XX:ArchiveClassesAtExit="$OLDPWD/$jsa" -jar "$OLDPWD/$jar" server >"$work/out" 2>&1) &
pid=$!
for _ in $(seq 1 300); do
  curl -fsS -o /dev/null "http://127.0.0.1:$http/health/ready" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1:$http/metrics" 2>/dev/null || true
curl -fsS -o /dev/null "http://127.0.0.1:$http/version" 2>/dev/null || true
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
if [ -s "$jsa" ]; then
  echo "class-data archive: $jsa"
else
  echo "warning: no class-data archive was made (startup is slower but works)" >&2
fi
