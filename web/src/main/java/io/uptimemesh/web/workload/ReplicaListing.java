package io.uptimemesh.web.workload;

import io.uptimemesh.core.discovery.EndpointHealthRecord;
import io.uptimemesh.core.discovery.EndpointRecord;
import io.uptimemesh.core.discovery.EndpointState;
import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.core.workload.ReplicaStatus;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * Replicas as operators see them, from one watch-cache snapshot: the leader's record (where it must
 * run, which generation) joined with what its node's agent reported and with the health of its
 * discovery endpoints ({@code <replica id>-<port name>}, ADR 0014) under the one health rule of ADR
 * 0013.
 */
final class ReplicaListing {
  /** The state shown for a replica its agent has not reported on (or whose report expired). */
  static final String UNREPORTED = "unreported";

  private final EtcdStore store;

  ReplicaListing(EtcdStore store) {
    this.store = store;
  }

  /** Every replica, in id order, of {@code service} and on {@code node} (null: any). */
  JsonArray list(CacheSnapshot snapshot, String service, String node) {
    JsonArray out = new JsonArray();
    for (CacheSnapshot.Entry e : snapshot.withPrefix(store.layout().replicasPrefix()).values()) {
      ReplicaRecord r = store.decode(e, ReplicaRecord.class).value();
      if ((service == null || r.service().equals(service))
          && (node == null || r.nodeId().equals(node))) {
        out.add(json(snapshot, r));
      }
    }
    return out;
  }

  /** One replica, if it exists. */
  Optional<JsonObject> one(CacheSnapshot snapshot, String id) {
    if (!EndpointRecord.ID.matcher(id).matches() || id.contains("..")) {
      return Optional.empty();
    }
    return snapshot
        .get(store.layout().replica(id))
        .map(e -> json(snapshot, store.decode(e, ReplicaRecord.class).value()));
  }

  private JsonObject json(CacheSnapshot snapshot, ReplicaRecord r) {
    KeyLayout keys = store.layout();
    ReplicaStatus status =
        snapshot
            .get(keys.replicaStatus(r.id()))
            .map(e -> store.decode(e, ReplicaStatus.class).value())
            .orElse(null);
    Optional<NodeRecord> node =
        snapshot.get(keys.node(r.nodeId())).map(e -> store.decode(e, NodeRecord.class).value());
    boolean alive = snapshot.get(keys.alive(r.nodeId())).map(e -> e.lease() != 0).orElse(false);
    JsonArray endpoints = new JsonArray();
    int healthy = 0;
    int unhealthy = 0;
    for (String portName : r.hostPorts().keySet()) {
      String id = r.id() + "-" + portName;
      Optional<CacheSnapshot.Entry> entry = snapshot.get(keys.endpoint(id));
      if (entry.isEmpty()) {
        endpoints.add(
            new JsonObject()
                .put("id", id)
                .put("port_name", portName)
                .put("state", EndpointState.Health.UNKNOWN.text())
                .put("reason", "no endpoint"));
        continue;
      }
      EndpointHealthRecord report =
          snapshot
              .get(keys.endpointHealth(id))
              .map(e -> store.decode(e, EndpointHealthRecord.class).value())
              .orElse(null);
      EndpointState state =
          EndpointState.of(
              node.isPresent(),
              node.map(NodeRecord::revoked).orElse(false),
              alive,
              entry.get().createRevision(),
              report);
      healthy += state.published() ? 1 : 0;
      unhealthy += state.health() == EndpointState.Health.UNHEALTHY ? 1 : 0;
      endpoints.add(
          new JsonObject()
              .put("id", id)
              .put("port_name", portName)
              .put("state", state.health().text())
              .put("reason", state.reason()));
    }
    String health =
        endpoints.isEmpty()
            ? "none"
            : unhealthy > 0
                ? EndpointState.Health.UNHEALTHY.text()
                : healthy == endpoints.size()
                    ? EndpointState.Health.HEALTHY.text()
                    : EndpointState.Health.UNKNOWN.text();
    JsonObject ports = new JsonObject();
    r.hostPorts().forEach(ports::put);
    return new JsonObject()
        .put("id", r.id())
        .put("service", r.service())
        .put("node_id", r.nodeId())
        .put("generation", r.generation())
        .put("host_ports", ports)
        .put("replaces", r.replaces())
        .put("created_at_ms", r.createdAtMs())
        .put("state", status == null ? UNREPORTED : status.state())
        .put("running_generation", status == null ? null : status.generation())
        .put("error", status == null ? "" : status.error())
        .put(
            "snapshots",
            new JsonArray(
                status == null
                    ? new java.util.ArrayList<>()
                    : new java.util.ArrayList<Object>(status.snapshots())))
        .put("status_updated_at_ms", status == null ? null : status.updatedAtMs())
        .put("health", health)
        .put("endpoints", endpoints);
  }
}
