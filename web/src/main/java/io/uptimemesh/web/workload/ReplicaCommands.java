package io.uptimemesh.web.workload;

import io.uptimemesh.core.discovery.EndpointRecord;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.core.workload.ReplicaCommand;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.core.workload.ReplicaStatus;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.IdempotencyClaim;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.Versioned;
import io.uptimemesh.etcd.WatchCache;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code replicas restart|snapshot|restore ID} (ADR 0014 "Operator commands on one replica"): the
 * command goes into the replica's record ({@link ReplicaRecord#withCommand}) in one transaction
 * that checks the record's revision, and the agent carries it out. Only the latest command is kept,
 * so a new one is refused (409) while the agent has not reported the previous one done.
 */
final class ReplicaCommands {
  /** An LXD snapshot name; {@code gen-*} names are the agent's own (one per generation). */
  static final Pattern SNAPSHOT = Pattern.compile("[A-Za-z0-9_.-]{1,63}");

  private final EtcdStore store;
  private final WatchCache cache;
  private final Events events;
  private final Clock clock;

  ReplicaCommands(EtcdStore store, WatchCache cache, Events events, Clock clock) {
    this.store = store;
    this.cache = cache;
    this.events = events;
    this.clock = clock;
  }

  /** Checks an operator's snapshot name, naming the field: 400 when it is not allowed. */
  static String snapshotName(String name) {
    if (name == null || name.isBlank()) {
      throw UptimeMeshException.invalid("field 'name' (the snapshot name) is required");
    }
    if (!SNAPSHOT.matcher(name).matches() || name.startsWith(".") || name.contains("..")) {
      throw UptimeMeshException.invalid(
          "name must be 1..63 letters, digits, '-', '_' or '.' (not starting with '.')");
    }
    if (name.startsWith("gen-")) {
      throw UptimeMeshException.invalid(
          "name must not start with 'gen-': those snapshots are the agent's own, one per"
              + " generation");
    }
    return name;
  }

  /**
   * Writes the command into the replica's record.
   *
   * @param snapshot the checked snapshot name for snapshot and restore, else empty
   * @return the command written
   */
  Future<ReplicaCommand> send(
      String id, String kind, String snapshot, String user, IdempotencyClaim claim) {
    KeyLayout keys = store.layout();
    if (id == null || !EndpointRecord.ID.matcher(id).matches() || id.contains("..")) {
      return Future.failedFuture(UptimeMeshException.notFound("replica " + id + " does not exist"));
    }
    return store
        .get(keys.replica(id), ReplicaRecord.class)
        .compose(
            found -> {
              Versioned<ReplicaRecord> replica =
                  found.orElseThrow(
                      () -> UptimeMeshException.notFound("replica " + id + " does not exist"));
              return store
                  .get(keys.replicaStatus(id), ReplicaStatus.class)
                  .compose(status -> write(replica, status, kind, snapshot, user, claim));
            });
  }

  private Future<ReplicaCommand> write(
      Versioned<ReplicaRecord> replica,
      Optional<Versioned<ReplicaStatus>> status,
      String kind,
      String snapshot,
      String user,
      IdempotencyClaim claim) {
    KeyLayout keys = store.layout();
    ReplicaRecord r = replica.value();
    long done = status.map(s -> s.value().commandSeq()).orElse(0L);
    if (r.command() != null && done < r.command().seq()) {
      throw UptimeMeshException.conflict(
          "replica "
              + r.id()
              + " has a "
              + r.command().kind()
              + " command (#"
              + r.command().seq()
              + ") its agent has not reported done yet; try again once it has");
    }
    if (ReplicaCommand.RESTORE.equals(kind)
        && status.map(s -> !s.value().snapshots().contains(snapshot)).orElse(true)) {
      throw UptimeMeshException.conflict(
          "replica " + r.id() + " has no snapshot " + snapshot + " (see its snapshots)");
    }
    ReplicaCommand command =
        new ReplicaCommand(r.nextCommandSeq(), kind, snapshot, clock.millis(), Events.user(user));
    return store
        .transaction()
        .requireModRevision(keys.replica(r.id()), replica.modRevision())
        .put(keys.replica(r.id()), r.withCommand(command))
        .claim(claim)
        .commit(kind + " replica " + r.id())
        .compose(
            rev -> {
              if (rev.isEmpty()) {
                throw UptimeMeshException.conflict(
                    "replica " + r.id() + " changed meanwhile; look at it again and retry");
              }
              Map<String, String> fields = new LinkedHashMap<>();
              fields.put("replica", r.id());
              fields.put("service", r.service());
              fields.put("node_id", r.nodeId());
              fields.put("command", kind);
              fields.put("seq", Long.toString(command.seq()));
              if (!snapshot.isEmpty()) {
                fields.put("snapshot", snapshot);
              }
              events.info(
                  EventCategory.WORKLOADS, "replica_command_requested", Events.user(user), fields);
              return cache
                  .awaitRevision(rev.get(), WorkloadCatalog.READ_YOUR_WRITES)
                  .map(v -> command);
            });
  }
}
