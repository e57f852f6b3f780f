package io.uptimemesh.web.workload;

import io.uptimemesh.core.discovery.EndpointRecord;
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
    ReplicaHealth health = ReplicaHealth.of(snapshot, store, r);
    JsonArray endpoints = new JsonArray();
    for (ReplicaHealth.Endpoint e : health.endpoints()) {
      endpoints.add(
          new JsonObject()
              .put("id", e.id())
              .put("port_name", e.portName())
              .put("state", e.state().text())
              .put("reason", e.reason()));
    }
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
        .put("health", health.health())
        .put("endpoints", endpoints)
        // The latest operator command and how far its agent got (replicas restart|snapshot|…).
        .put("command", command(r.command()))
        .put("command_seq_done", status == null ? 0 : status.commandSeq())
        .put("command_error", status == null ? "" : status.commandError());
  }

  private static JsonObject command(io.uptimemesh.core.workload.ReplicaCommand c) {
    if (c == null) {
      return null;
    }
    return new JsonObject()
        .put("seq", c.seq())
        .put("kind", c.kind())
        .put("snapshot", c.snapshot())
        .put("requested_at_ms", c.requestedAtMs())
        .put("by", c.by());
  }
}
