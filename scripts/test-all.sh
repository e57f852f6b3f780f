#!/usr/bin/env bash
# Runs every test (unit, integration against real etcd, end-to-end against the packaged
# server), installing what the tests need first. This is the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
um_install_test_deps
exec mvn -B -ntp verify "$@"
