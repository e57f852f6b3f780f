#!/usr/bin/env bash
# UptimeMesh installer and launcher.
#
#   ./install.sh --bootstrap     install what is missing (JDK 17, Maven, etcd), build, and run
#                                a core node in the foreground on port 8010 with a managed etcd
#   ./install.sh --install-deps  only install what is missing
#   ./install.sh --build         only build bin/uptimemesh
#
# Settings come from .env (see .env.example) and config.yaml, in this directory.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/deps.sh

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; }

build() {
  echo "building (mvn -DskipTests package)…"
  mvn -B -q -ntp -DskipTests package
  echo "built: bin/uptimemesh ($(bin/uptimemesh --version))"
}

mode=""
skip_build=0
while [ $# -gt 0 ]; do
  case "$1" in
    --bootstrap) mode=bootstrap ;;
    --install-deps) mode=deps ;;
    --build) mode=build ;;
    --skip-build) skip_build=1 ;;
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
    port="${UPTIMEMESH_HTTP_PORT:-8010}"
    echo "starting the core node: API and health on http://127.0.0.1:${port} (Ctrl-C stops it)"
    exec bin/uptimemesh server ;;
  *)
    usage; exit 2 ;;
esac
