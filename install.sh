#!/usr/bin/env bash
# UptimeMesh installer and launcher.
#
#   ./install.sh --bootstrap     install what is missing (JDK 17, Maven, etcd), build, run a core
#                                node on port 8010 with a managed etcd, bootstrap the cluster the
#                                first time (printing the admin password once), join this node,
#                                start this node's agent, and stay in the foreground (Ctrl-C
#                                stops both)
#   options: --node-id ID --name NAME (default: this host's name)
#   ./install.sh --join URL --token TOKEN [--role core]   (or the token in UPTIMEMESH_JOIN_TOKEN)
#                                install, build, and run this machine as a further core node of the
#                                cluster behind URL (a core node's API), with a core join token;
#                                set UPTIMEMESH_ADVERTISE_HOST in .env to this machine's address
#   ./install.sh --join URL --token TOKEN --role worker   join as a worker and run its agent
#   --bootstrap and worker joins also run the node's `uptimemesh agent` (WireGuard mesh; installs
#   wg, and wireguard-go without a kernel module); --no-agent skips it. Settings: RUNTIME_* in .env.
#   ./install.sh --install-deps  only install what is missing
#   ./install.sh --build         only build bin/uptimemesh
#
# Settings come from .env (see .env.example) and config.yaml, in this directory.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/deps.sh

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }

build() {
  echo "building (mvn -DskipTests package)…"
  mvn -B -q -ntp -DskipTests package
  echo "built: bin/uptimemesh ($(bin/uptimemesh --version))"
}

# A DNS label from this host's name: lower case, other characters to '-', at most 63.
default_node_id() {
  hostname -s 2>/dev/null | tr 'A-Z' 'a-z' | sed -e 's/[^a-z0-9-]/-/g' -e 's/^-*//' -e 's/-*$//' | cut -c1-63
}

run_bootstrap() {
  local port="${UPTIMEMESH_HTTP_PORT:-8010}" api out pid token password
  api="http://127.0.0.1:${port}"
  export UPTIMEMESH_API_URL="$api"
  node_id="${node_id:-$(default_node_id)}"
  node_name="${node_name:-$(hostname)}"
  echo "starting the core node on ${api}"
  bin/uptimemesh server &
  pid=$!
  trap 'kill -TERM "$pid" 2>/dev/null' INT TERM
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null "$api/health/ready" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { wait "$pid"; exit $?; }
    sleep 0.1
  done
  if curl -fsS -o /dev/null "$api/api/v1/cluster/ca" 2>/dev/null; then
    echo "the cluster is already bootstrapped (its admin password was shown the first time)"
  else
    out=$(bin/uptimemesh bootstrap) || { kill -TERM "$pid"; wait "$pid"; exit 1; }
    password=$(printf '%s\n' "$out" | sed -n 's/^admin password: //p')
    token=$(printf '%s\n' "$out" | sed -n 's/^join token.*: //p')
    if bin/uptimemesh join --token "$token" --node-id "$node_id" --name "$node_name" --role core \
        --api-endpoint "$api"; then
      bin/uptimemesh heartbeat --node-id "$node_id" >/dev/null || true
    fi
    echo
    echo "================================================================"
    echo " UptimeMesh is running."
    echo "   API:             $api"
    echo "   Web UI:          $api/ui   (arrives with the web UI release)"
    echo "   admin password:  $password   (shown once; log in with: bin/uptimemesh login)"
    echo "================================================================"
    echo
  fi
  # A signal interrupts wait; keep waiting until the server has really stopped.
  start_agent "$node_id" core "$api"
  trap 'kill -TERM "$pid" ${agent_pid:-} 2>/dev/null' INT TERM
  local status=0
  while kill -0 "$pid" 2>/dev/null; do
    wait "$pid" || status=$?
  done
  return "$status"
}

# start_agent NODE_ID ROLE API_URL: runs this node's agent in the background (agent_pid) when the
# node has joined; its log is <data dir>/logs/agent.log, `bin/uptimemesh status` shows its state.
agent_pid=""
start_agent() {
  if [ "$no_agent" -eq 1 ]; then return 0; fi
  if [ ! -d "${UPTIMEMESH_DATA_DIR:-./data}/identities/$1" ] && [ -z "${RUNTIME_IDENTITY_DIR:-}" ]; then
    echo "note: node $1 has not joined: no agent started"
    return 0
  fi
  um_install_agent_deps
  echo "starting the agent of node $1 (bin/uptimemesh status shows its state)"
  RUNTIME_NODE_ID="$1" RUNTIME_NODE_ROLE="$2" RUNTIME_API_BASE_URL="${RUNTIME_API_BASE_URL:-$3}" \
    bin/uptimemesh agent &
  agent_pid=$!
}

mode=""
no_agent=0
skip_build=0
node_id=""
node_name=""
join_url=""
join_token=""
join_role="core"
while [ $# -gt 0 ]; do
  case "$1" in
    --bootstrap) mode=bootstrap ;;
    --install-deps) mode=deps ;;
    --build) mode=build ;;
    --skip-build) skip_build=1 ;;
    --no-agent) no_agent=1 ;;
    --node-id) node_id="${2:?--node-id needs a value}"; shift ;;
    --name) node_name="${2:?--name needs a value}"; shift ;;
    --join) mode=join; join_url="${2:?--join needs the URL of a core node}"; shift ;;
    --token) join_token="${2:?--token needs a join token}"; shift ;;
    --role) join_role="${2:?--role needs a value}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown option: $1 (see ./install.sh --help)" >&2; exit 2 ;;
  esac
  shift
done

case "$mode" in
  deps)
    um_install_runtime_deps ;;
  build)
    um_install_runtime_deps
    build ;;
  bootstrap)
    um_install_runtime_deps
    [ "$skip_build" -eq 1 ] || build
    run_bootstrap ;;
  join)
    join_token="${join_token:-${UPTIMEMESH_JOIN_TOKEN:-}}"
    [ -n "$join_token" ] || { echo "error: --join needs a join token: --token TOKEN or UPTIMEMESH_JOIN_TOKEN" >&2; exit 2; }
    um_install_runtime_deps
    [ "$skip_build" -eq 1 ] || build
    if [ "$join_role" != "core" ]; then
      # A worker or gateway: join (identity made here), then run its agent in the foreground.
      node_id="${node_id:-$(default_node_id)}"
      if [ ! -d "${UPTIMEMESH_DATA_DIR:-./data}/identities/$node_id" ]; then
        bin/uptimemesh join --api-url "$join_url" --token "$join_token" --node-id "$node_id" \
          --name "${node_name:-$(hostname)}" --role "$join_role"
      fi
      um_install_agent_deps
      echo "running the agent of node $node_id (Ctrl-C stops it; bin/uptimemesh status shows its state)"
      RUNTIME_NODE_ID="$node_id" RUNTIME_NODE_ROLE="$join_role" \
        RUNTIME_API_BASE_URL="${RUNTIME_API_BASE_URL:-$join_url}" exec bin/uptimemesh agent
    fi
    args=(server --join "$join_url")
    [ -z "$node_id" ] || args+=(--node-id "$node_id")
    echo "starting this core node and joining ${join_url}"
    # The token goes through the environment, not the command line, which `ps` shows to everyone.
    UPTIMEMESH_JOIN_TOKEN="$join_token" exec bin/uptimemesh "${args[@]}" ;;
  *)
    usage; exit 2 ;;
esac
