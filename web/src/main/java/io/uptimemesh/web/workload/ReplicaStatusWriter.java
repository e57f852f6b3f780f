package io.uptimemesh.web.workload;

import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.core.workload.ReplicaStatus;
import io.uptimemesh.core.workload.ReplicaStatusReport;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.EtcdTransaction;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.WatchCache;
import io.uptimemesh.web.NodeLeaseWrite;
import io.uptimemesh.web.NodeReportOutcome;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stores the replica statuses a node reports (ADR 0014), the way endpoint health is stored (ADR
 * 0013): only statuses that differ from the stored one (time aside) are written, on the lease of
 * the node's {@code alive/} key, in one transaction that checks the alive key and every reported
 * replica's record are unchanged. Statuses of replicas that are gone or assigned to another node
 * are ignored with a reason.
 */
final class ReplicaStatusWriter {
  private final EtcdStore store;
  private final WatchCache cache;
  private final Events events;

  ReplicaStatusWriter(EtcdStore store, WatchCache cache, Events events) {
    this.store = store;
    this.cache = cache;
    this.events = events;
  }

  /** 409 when the node is not alive; one retry when something changed between read and write. */
  Future<NodeReportOutcome> write(String nodeId, ReplicaStatusReport body) {
    return attempt(nodeId, body, true);
  }

  private Future<NodeReportOutcome> attempt(
      String nodeId, ReplicaStatusReport body, boolean retry) {
    KeyLayout keys = store.layout();
    CacheSnapshot snapshot = cache.snapshot();
    Optional<CacheSnapshot.Entry> alive = snapshot.get(keys.alive(nodeId));
    if (alive.isEmpty() || alive.get().lease() == 0) {
      return Future.failedFuture(NodeLeaseWrite.notAlive(nodeId));
    }
    // The last status of a replica counts: etcd refuses a key twice in one transaction.
    Map<String, ReplicaStatus> latest = new LinkedHashMap<>();
    body.statuses().forEach(s -> latest.put(s.replicaId(), s));
    List<NodeReportOutcome.Ignored> ignored = new ArrayList<>();
    List<ReplicaStatus[]> changes = new ArrayList<>();
    EtcdTransaction tx =
        store.transaction().requireModRevision(keys.alive(nodeId), alive.get().modRevision());
    for (ReplicaStatus s : latest.values()) {
      Optional<CacheSnapshot.Entry> record = snapshot.get(keys.replica(s.replicaId()));
      Optional<String> why = ignoreReason(nodeId, record);
      if (why.isPresent()) {
        ignored.add(new NodeReportOutcome.Ignored(s.replicaId(), why.get()));
        continue;
      }
      ReplicaStatus stored =
          snapshot.get(keys.replicaStatus(s.replicaId())).flatMap(this::decodeStatus).orElse(null);
      if (stored != null && sameBut(stored, s)) {
        continue; // the same status again: nothing to write
      }
      // The replica must still be the one reported on, on this node.
      tx.requireModRevision(record.get().key(), record.get().modRevision());
      tx.put(keys.replicaStatus(s.replicaId()), s, alive.get().lease());
      changes.add(new ReplicaStatus[] {stored, s});
    }
    NodeReportOutcome outcome =
        new NodeReportOutcome(body.statuses().size(), changes.size(), List.copyOf(ignored));
    if (changes.isEmpty()) {
      return Future.succeededFuture(outcome);
    }
    return NodeLeaseWrite.commit(
        store,
        cache,
        tx,
        "store replica statuses of " + nodeId,
        nodeId,
        retry,
        "node " + nodeId + " went stale or its replicas changed meanwhile; send the statuses again",
        () -> attempt(nodeId, body, false),
        () -> changes.forEach(c -> recordEvent(c[0], c[1])),
        outcome);
  }

  private Optional<String> ignoreReason(String nodeId, Optional<CacheSnapshot.Entry> record) {
    if (record.isEmpty()) {
      return Optional.of("replica not found");
    }
    ReplicaRecord r;
    try {
      r = store.decode(record.get(), ReplicaRecord.class).value();
    } catch (RuntimeException e) {
      return Optional.of("replica record unreadable");
    }
    if (!r.nodeId().equals(nodeId)) {
      return Optional.of("replica is assigned to node " + r.nodeId());
    }
    return Optional.empty();
  }

  private Optional<ReplicaStatus> decodeStatus(CacheSnapshot.Entry e) {
    try {
      return Optional.of(store.decode(e, ReplicaStatus.class).value());
    } catch (RuntimeException bad) {
      return Optional.empty();
    }
  }

  /** Equal but for the time it was observed. */
  static boolean sameBut(ReplicaStatus a, ReplicaStatus b) {
    return a.nodeId() != null
        && a.nodeId().equals(b.nodeId())
        && a.state().equals(b.state())
        && a.generation() == b.generation()
        && a.snapshots().equals(b.snapshots())
        && a.error().equals(b.error())
        && a.commandSeq() == b.commandSeq()
        && a.commandError().equals(b.commandError());
  }

  /** An event when a replica's state changes (not for snapshots or time alone). */
  private void recordEvent(ReplicaStatus before, ReplicaStatus now) {
    if (before != null
        && before.state().equals(now.state())
        && before.generation() == now.generation()) {
      return;
    }
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("replica_id", now.replicaId());
    fields.put("node_id", now.nodeId());
    fields.put("state", now.state());
    fields.put("generation", Long.toString(now.generation()));
    if (!now.error().isEmpty()) {
      fields.put("error", now.error());
    }
    String actor = Events.node(now.nodeId());
    if ("failed".equals(now.state())) {
      events.warning(EventCategory.WORKLOADS, "replica_failed", actor, fields);
    } else {
      events.info(EventCategory.WORKLOADS, "replica_" + now.state(), actor, fields);
    }
  }
}
