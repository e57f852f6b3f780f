#!/usr/bin/env bash
# The agent's footprint while idle (issue 5: <= 64 MB RSS, < 1 % of one core over 10 minutes).
#   bench/agent-idle.sh [SECONDS] [NODES]      default 600 s, 3 nodes (also: bench/run.sh agent-idle)
# Builds a router network namespace and NODES node namespaces (two veth links each to the router: the
# primary and the secondary underlay), runs `uptimemesh server` in the router namespace, bootstraps it,
# joins every node from its namespace and starts one `bin/uptimemesh agent` per node with default
# settings (only ids, URLs, interface names and endpoints set). Once every node pings every other's
# mesh address it samples, every 10 s for SECONDS, each agent's java process: VmRSS and utime+stime,
# beside a baseline in the same run: an idle JVM started with exactly the agent's flags (taken from
# bin/uptimemesh) running a class that only sleeps. Prints per agent RSS min/avg/max, CPU % of one
# core (whole window and worst 10 s), the ratio to the baseline, and the verdict against the budget.
# Needs root, iproute2, wireguard-go (or kernel WireGuard), wg, ping, curl, jq, etcd, a JDK
# (javac); it installs nothing (scripts/deps.sh installs the test dependencies). Everything it
# creates (namespaces, processes, wireguard-go sockets, its work directory) goes on exit, Ctrl-C
# included; KEEP=1 keeps the work directory (logs) instead.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
secs=${1:-600}
nodes=${2:-3}
interval=10
budget_rss_mb=64
budget_cpu_pct=1
[[ $secs =~ ^[0-9]+$ && $secs -ge $interval ]] || { echo "error: SECONDS must be a number >= $interval" >&2; exit 2; }
[[ $nodes =~ ^[0-9]+$ && $nodes -ge 2 && $nodes -le 9 ]] || { echo "error: NODES must be 2..9" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "error: needs root (network namespaces, WireGuard)" >&2; exit 2; }
for tool in ip wg ping curl jq etcd java javac jar; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found (scripts/deps.sh installs the test dependencies)" >&2; exit 2; }
done
modprobe wireguard 2>/dev/null || command -v wireguard-go >/dev/null ||
  { echo "error: neither kernel WireGuard nor wireguard-go" >&2; exit 2; }

jar=$root/launcher/target/uptimemesh.jar
# Build the launcher when it is missing or older than any source (what operators run: the shaded jar).
if [ ! -f "$jar" ] || [ -n "$(find pom.xml ./*/pom.xml ./*/src -newer "$jar" -type f -print -quit)" ]; then
  echo "building the launcher..."
  mvn -B -q -ntp -DskipTests -Dspotless.check.skip=true install -pl launcher -am
fi
# With its class-data archive, as bin/uptimemesh uses it.
[ launcher/target/uptimemesh.jsa -nt "$jar" ] || scripts/cds-archive.sh

suffix=$(head -c2 /dev/urandom | od -An -tx1 | tr -d ' \n')
work=$(mktemp -d "/tmp/agent-idle-$suffix.XXXX")
router=umidle-r-$suffix
service=10.200.0.1
api=http://$service:8010
declare -a namespaces=() agent_pids=() agent_names=()
server_pid='' baseline_pid='' failed=1

log() { printf '[%s] %s\n' "$(date -u +%T)" "$*" >&2; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  for pid in "${agent_pids[@]}" $baseline_pid $server_pid; do kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${agent_pids[@]}" $baseline_pid $server_pid; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.2
  done
  # Deleting a namespace does not stop its processes (wireguard-go, etcd): kill them first.
  for ns in "${namespaces[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
  done
  sleep 0.3
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null; done
  rm -f /var/run/wireguard/w[0-9][ab]"$suffix".sock
  if [ "$failed" = 1 ] || [ "${KEEP:-0}" = 1 ]; then
    echo "logs kept in $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# `uptimemesh ARGS` inside namespace $1, as an operator's CLI (its session under the work directory).
cli() {
  local ns=$1
  shift
  ip netns exec "$ns" java -Xmx128m -XX:TieredStopAtLevel=1 -Duser.home="$work/home" -jar "$jar" "$@"
}

# The java process a background job became: ip netns exec, env and bin/uptimemesh all exec, so it is
# normally the job's own pid; otherwise its java descendant.
java_pid() {
  local pid=$1 child
  for _ in $(seq 1 50); do
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = java ]; then echo "$pid"; return 0; fi
    for child in $(pgrep -P "$pid" 2>/dev/null); do
      if [ "$(cat "/proc/$child/comm" 2>/dev/null)" = java ]; then echo "$child"; return 0; fi
    done
    sleep 0.1
  done
  echo "error: no java process under pid $pid" >&2
  return 1
}

log "topology: router $router, $nodes nodes, work dir $work"
mkdir -p "$work/home" "$work/core"
ip netns add "$router"
namespaces+=("$router")
ip -n "$router" link set lo up
ip -n "$router" addr add "$service/32" dev lo
ip netns exec "$router" sysctl -q -w net.ipv4.ip_forward=1
for i in $(seq 1 "$nodes"); do
  ns=umidle-n$i-$suffix
  ip netns add "$ns"
  namespaces+=("$ns")
  ip -n "$ns" link set lo up
  # primary 10.201.i.0/30 and secondary 10.202.i.0/30, each a veth pair to the router
  for path in p s; do
    net=10.201.$i
    [ $path = s ] && net=10.202.$i
    ip link add "i$i$path$suffix" netns "$ns" type veth peer name "r$i$path$suffix" netns "$router"
    ip -n "$ns" addr add "$net.2/30" dev "i$i$path$suffix"
    ip -n "$router" addr add "$net.1/30" dev "r$i$path$suffix"
    ip -n "$ns" link set "i$i$path$suffix" up
    ip -n "$router" link set "r$i$path$suffix" up
  done
  # Default route over the primary; the other nodes' secondary underlay only over the secondary, so
  # the two WireGuard paths really use different links; the core over both.
  ip -n "$ns" route add default via "10.201.$i.1"
  ip -n "$ns" route add 10.202.0.0/16 via "10.202.$i.1" dev "i${i}s$suffix"
  ip -n "$ns" route add "$service/32" via "10.201.$i.1" metric 10
  ip -n "$ns" route add "$service/32" via "10.202.$i.1" metric 20
done

log "starting the core server in $router"
printf 'managed_etcd:\n  member_name: core-1\n' >"$work/core/config.yaml"
(
  cd "$work/core"
  export UPTIMEMESH_HTTP_HOST=0.0.0.0 UPTIMEMESH_HTTP_PORT=8010 UPTIMEMESH_ADVERTISE_HOST=$service \
    UPTIMEMESH_DATA_DIR=$work/core/data UPTIMEMESH_CONFIG=$work/core/config.yaml \
    UPTIMEMESH_ENV_FILE=$work/core/.env LOG_LEVEL=INFO
  exec ip netns exec "$router" java -Xmx256m -jar "$jar" server
) >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 240); do
  code=$(ip netns exec "$router" curl -s -o /dev/null -m 2 -w '%{http_code}' "$api/health/ready" || true)
  [ "$code" = 200 ] && break
  kill -0 "$server_pid" 2>/dev/null || { tail -30 "$work/server.log" >&2; echo "error: the server exited" >&2; exit 1; }
  sleep 0.5
done
[ "$code" = 200 ] || { tail -30 "$work/server.log" >&2; echo "error: server not ready after 120 s" >&2; exit 1; }

log "bootstrap, login, join token"
password=$(cli "$router" bootstrap --api-url http://127.0.0.1:8010 --output json | jq -r .admin_password)
echo "$password" | cli "$router" login --api-url "$api" --password-stdin >/dev/null
token=$(cli "$router" create-token --api-url "$api" --role worker --uses "$nodes" --output json | jq -r .token)

for i in $(seq 1 "$nodes"); do
  ns=umidle-n$i-$suffix
  home=$work/n$i
  mkdir -p "$home/data"
  log "joining n$i and starting its agent"
  cli "$ns" join --api-url "$api" --token "$token" --node-id "n$i" --name "n$i" \
    --identity-dir "$home/identities" >/dev/null
  (
    export RUNTIME_NODE_ID=n$i RUNTIME_NODE_NAME=n$i RUNTIME_API_BASE_URL=$api \
      RUNTIME_WG_PRIMARY_IFACE=w${i}a$suffix RUNTIME_WG_SECONDARY_IFACE=w${i}b$suffix \
      RUNTIME_WG_PRIMARY_ENDPOINT=10.201.$i.2:51820 RUNTIME_WG_SECONDARY_ENDPOINT=10.202.$i.2:51821 \
      UPTIMEMESH_DATA_DIR=$home/data RUNTIME_IDENTITY_DIR=$home/identities \
      UPTIMEMESH_ENV_FILE=$home/.env
    exec ip netns exec "$ns" "$root/bin/uptimemesh" agent
  ) >"$work/agent-n$i.log" 2>&1 &
  agent_pids+=("$(java_pid $!)")
  agent_names+=("n$i")
done

log "waiting until every node pings every other node's mesh address"
declare -a mesh_ips=()
deadline=$((SECONDS + 180))
for i in $(seq 1 "$nodes"); do
  while :; do
    ip4=$(curl -s -m 2 --unix-socket "$work/n$i/data/agent.sock" http://agent/status 2>/dev/null |
      jq -r '.mesh_ip // empty' 2>/dev/null || true)
    [ -n "$ip4" ] && break
    kill -0 "${agent_pids[$((i - 1))]}" 2>/dev/null ||
      { tail -30 "$work/agent-n$i.log" >&2; echo "error: agent n$i exited" >&2; exit 1; }
    [ $SECONDS -lt $deadline ] || { echo "error: agent n$i has no mesh address after 180 s" >&2; exit 1; }
    sleep 1
  done
  mesh_ips+=("${ip4%/*}")
done
for i in $(seq 1 "$nodes"); do
  for j in $(seq 1 "$nodes"); do
    [ "$i" = "$j" ] && continue
    until ip netns exec "umidle-n$i-$suffix" ping -n -q -c 1 -W 1 "${mesh_ips[$((j - 1))]}" >/dev/null 2>&1; do
      [ $SECONDS -lt $deadline ] ||
        { echo "error: n$i cannot ping n$j (${mesh_ips[$((j - 1))]}) after 180 s" >&2; exit 1; }
      sleep 1
    done
  done
done
log "mesh up (${mesh_ips[*]}); baseline: an idle JVM with the agent's flags"

# The agent's exact JVM flags and environment, as bin/uptimemesh chooses them: run it with a `java`
# on PATH that prints its arguments instead of starting.
mkdir -p "$work/shim" "$work/idle"
printf '#!/bin/sh\necho "MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-}"\nprintf "%%s\\n" "$@"\n' >"$work/shim/java"
chmod +x "$work/shim/java"
mapfile -t printed < <(PATH="$work/shim:$PATH" "$root/bin/uptimemesh" agent)
arena=${printed[0]#MALLOC_ARENA_MAX=}
flags=()
for a in "${printed[@]:1}"; do
  [ "$a" = -jar ] && break
  flags+=("$a")
done
cat >"$work/idle/IdleJvm.java" <<'EOF'
/** Does nothing but sleep: the footprint of the JVM itself with the agent's flags. */
public final class IdleJvm {
  public static void main(String[] args) throws InterruptedException {
    Thread.sleep(Long.parseLong(args[0]) * 1000L);
  }
}
EOF
javac -d "$work/idle" "$work/idle/IdleJvm.java"
jar cf "$work/idle/idle.jar" -C "$work/idle" IdleJvm.class
# The launcher jar first on the class path (as the agent's), so its class-data archive still applies.
(
  [ -n "$arena" ] && export MALLOC_ARENA_MAX=$arena
  exec java "${flags[@]}" -cp "$jar:$work/idle/idle.jar" IdleJvm $((secs + 120))
) >"$work/baseline.log" 2>&1 &
baseline_pid=$(java_pid $!)
echo "agent JVM flags: ${flags[*]} (MALLOC_ARENA_MAX=${arena:-unset})" >&2

names=("${agent_names[@]}" baseline)
pids=("${agent_pids[@]}" "$baseline_pid")
samples=$work/samples.txt
sample() {
  local now k pid rss ticks stat
  now=$(date +%s.%N)
  for k in "${!pids[@]}"; do
    pid=${pids[$k]}
    [ -r "/proc/$pid/status" ] || { echo "error: ${names[$k]} (pid $pid) exited" >&2; return 1; }
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
    stat=$(cat "/proc/$pid/stat")
    stat=${stat##*) }                        # fields after the command name: state is field 3
    ticks=$(awk '{print $12 + $13}' <<<"$stat") # utime (14) + stime (15)
    echo "${names[$k]} $now $rss $ticks" >>"$samples"
  done
}
log "sampling every ${interval} s for $secs s (pids: ${pids[*]})"
sample
start=$SECONDS
n_sampled=0
for _ in $(seq 1 $((secs / interval))); do
  sleep $((start + (++n_sampled) * interval - SECONDS)) 2>/dev/null || true
  sample
done

hz=$(getconf CLK_TCK)
echo
echo "agent idle footprint: $nodes agents, ${secs} s, samples every ${interval} s, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v hz="$hz" -v rssb="$budget_rss_mb" -v cpub="$budget_cpu_pct" '
  {
    n = $1; t = $2; rss = $3 / 1024; tk = $4
    if (!(n in cnt)) { order[++names] = n; min[n] = rss; max[n] = rss; t0[n] = t; k0[n] = tk; worst[n] = 0 }
    else { cpu = (tk - lk[n]) / hz / (t - lt[n]) * 100; if (cpu > worst[n]) worst[n] = cpu }
    cnt[n]++; sum[n] += rss; if (rss < min[n]) min[n] = rss; if (rss > max[n]) max[n] = rss
    lt[n] = t; lk[n] = tk
  }
  END {
    for (i = 1; i <= names; i++) { n = order[i]; avg[n] = sum[n] / cnt[n]; pct[n] = (lk[n] - k0[n]) / hz / (lt[n] - t0[n]) * 100 }
    printf "%-9s %8s %8s %8s %9s %9s %10s %10s\n", "process", "rss_min", "rss_avg", "rss_max", "cpu_avg%", "cpu_max%", "rss/base", "cpu/base"
    ok = 1
    for (i = 1; i <= names; i++) {
      n = order[i]
      rr = avg["baseline"] > 0 ? sprintf("%.2f", avg[n] / avg["baseline"]) : "-"
      cr = pct["baseline"] > 0 ? sprintf("%.1f", pct[n] / pct["baseline"]) : "-"
      printf "%-9s %6.1fMB %6.1fMB %6.1fMB %9.3f %9.3f %10s %10s\n", n, min[n], avg[n], max[n], pct[n], worst[n], rr, cr
      if (n != "baseline" && (max[n] > rssb || pct[n] >= cpub)) ok = 0
    }
    printf "budget: RSS <= %d MB (max sample), CPU < %d %% of one core (window average): %s\n", rssb, cpub, ok ? "MET" : "NOT MET"
  }' "$samples"
failed=0
