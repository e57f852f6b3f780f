#!/usr/bin/env bash
# Builds the server and the benchmark jar, then runs the core-node benchmarks of DESIGN.md §9.
#   bench/run.sh                 startup (5 runs) and reads (10 s, 16 connections)
#   bench/run.sh startup 10      only startup, 10 runs
#   bench/run.sh reads 20 32     only reads, 20 s, 32 connections
#   bench/run.sh heartbeats 2000 1000 10
#                                signed heartbeats: 2000 joined nodes, 1000/s for 10 s, vs raw jetcd puts
#   bench/run.sh console 200 4 10 16
#                                the console's reads with a bearer session (node listing, mesh paths,
#                                node detail, events, today's failover count) on 200 joined nodes
#                                heartbeating with 4 peers' wireguard.paths each; 10 s, 16 connections
#   bench/run.sh crypto 3        signature verifies/s: ours (BC Ed25519) vs the JDK's Ed25519 and P-256
#   bench/run.sh propagation 1000 20
#                                desired state: API write -> all 1000 simulated agents applied it (20 changes)
#   bench/run.sh agent-idle 600 3
#                                agent RSS and idle CPU: 3 real agents in network namespaces for 600 s
#                                (bench/agent-idle.sh; root, wireguard-go/wg, etcd)
# Every figure is printed beside a baseline measured in the same run, and their ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = agent-idle ]; then
  shift
  exec bench/agent-idle.sh "$@"
fi
mvn -B -q -ntp -DskipTests -Dspotless.check.skip=true package -pl launcher,bench -am
# Measure what operators run: bin/uptimemesh with its class-data archive.
[ launcher/target/uptimemesh.jsa -nt launcher/target/uptimemesh.jar ] || scripts/cds-archive.sh
exec java -Duptimemesh.jar=launcher/target/uptimemesh.jar -jar bench/target/uptimemesh-bench.jar "$@"
