package io.uptimemesh.web.workload;

import io.uptimemesh.core.discovery.EndpointRecord;
import io.uptimemesh.core.discovery.HealthCheck;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.core.workload.WorkloadSpec;
import io.uptimemesh.etcd.EtcdTransaction;
import io.uptimemesh.etcd.KeyLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys a replica is made of (ADR 0014): its record and one discovery endpoint per port ({@code
 * endpoints/<replica id>-<port name>}), created together; removing it deletes those, the endpoints'
 * health reports and the replica's status. The scheduler job and {@code replicas move} write
 * through here, so a replica never exists without its endpoints.
 */
final class ReplicaWrites {
  private final KeyLayout keys;

  ReplicaWrites(KeyLayout keys) {
    this.keys = keys;
  }

  /**
   * The endpoints of a replica: the port the spec's health check names gets that check; the other
   * tcp ports a tcp connect, and udp ports {@code none} (nothing else can check udp), both with the
   * spec check's interval, timeout and thresholds, so every port of a replica is judged as often.
   *
   * @param meshIp the replica's node's mesh address, where the ports listen
   * @param by who created them, e.g. {@code scheduler} or {@code user:alice}
   */
  static List<EndpointRecord> endpoints(
      ReplicaRecord r, WorkloadSpec spec, String meshIp, long nowMs, String by) {
    HealthCheck main = spec.health() == null ? HealthCheck.defaultTcp() : spec.health().check();
    List<EndpointRecord> out = new ArrayList<>();
    for (WorkloadSpec.PortSpec port : spec.ports()) {
      Integer hostPort = r.hostPorts().get(port.name());
      if (hostPort == null) {
        continue;
      }
      HealthCheck check;
      if (spec.health() != null && port.name().equals(spec.health().portName())) {
        check = main;
      } else {
        String type = "udp".equals(port.protocol()) ? HealthCheck.NONE : HealthCheck.TCP;
        check =
            new HealthCheck(
                type,
                null,
                main.intervalMs(),
                main.timeoutMs(),
                main.failureThreshold(),
                main.successThreshold());
      }
      out.add(
          new EndpointRecord(
              EndpointRecord.SCHEMA,
              endpointId(r.id(), port.name()),
              r.service(),
              r.nodeId(),
              meshIp,
              hostPort,
              port.protocol(),
              port.name(),
              check,
              nowMs,
              by));
    }
    return out;
  }

  static String endpointId(String replicaId, String portName) {
    return replicaId + "-" + portName;
  }

  /** The keys {@link #place} writes; each must be absent before. */
  List<String> placedKeys(ReplicaRecord r) {
    List<String> out = new ArrayList<>();
    out.add(keys.replica(r.id()));
    r.hostPorts().keySet().forEach(p -> out.add(keys.endpoint(endpointId(r.id(), p))));
    return out;
  }

  /**
   * Adds to {@code tx} the conditions of placing {@code r} on what was decided on: its service, its
   * node (record, liveness, scheduling), the replica it replaces, and its own keys still absent.
   */
  void requirePlaceable(DecisionBasis basis, EtcdTransaction tx, ReplicaRecord r) {
    basis.require(tx, keys.service(r.service()));
    basis.require(tx, keys.node(r.nodeId()));
    basis.require(tx, keys.alive(r.nodeId()));
    basis.require(tx, keys.nodeScheduling(r.nodeId()));
    if (r.replaces() != null) {
      basis.require(tx, keys.replica(r.replaces()));
    }
    placedKeys(r).forEach(k -> basis.require(tx, k));
  }

  /** Adds the writes that create {@code r} and its endpoints to {@code tx}. */
  void place(EtcdTransaction tx, ReplicaRecord r, List<EndpointRecord> endpoints) {
    tx.put(keys.replica(r.id()), r);
    endpoints.forEach(e -> tx.put(keys.endpoint(e.id()), e));
  }

  /** The keys {@link #remove} deletes. */
  List<String> removedKeys(ReplicaRecord r) {
    List<String> out = new ArrayList<>();
    out.add(keys.replica(r.id()));
    out.add(keys.replicaStatus(r.id()));
    for (String port : r.hostPorts().keySet()) {
      out.add(keys.endpoint(endpointId(r.id(), port)));
      out.add(keys.endpointHealth(endpointId(r.id(), port)));
    }
    return out;
  }

  /** Adds the deletes of {@code r}, its endpoints, their health and its status to {@code tx}. */
  void remove(EtcdTransaction tx, ReplicaRecord r) {
    removedKeys(r).forEach(tx::delete);
  }
}
