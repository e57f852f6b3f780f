package io.uptimemesh.web.workload;

import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.core.workload.WorkloadSpec;
import io.uptimemesh.core.workload.WorkloadsDocument;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Builds {@link WorkloadsView}s from cache snapshots. Only the three families the documents read
 * count ({@code nodes/}, {@code replicas/}, {@code service-generations/}): a snapshot where none of
 * their keys moved gives the previous view itself; entries whose mod revision did not move are not
 * decoded again, and a node's digest is computed again only when its document changed. Not
 * thread-safe: the hub calls it under its lock.
 */
final class WorkloadsViewBuilder {
  private record Decoded<T>(long modRevision, T value) {}

  private final EtcdStore store;
  private final Map<String, Decoded<NodeRecord>> nodeMemo = new HashMap<>();
  private final Map<String, Decoded<ReplicaRecord>> replicaMemo = new HashMap<>();

  /** Full key → decoded spec (null when unreadable). */
  private final Map<String, Decoded<WorkloadSpec>> specMemo = new HashMap<>();

  private Map<String, Long> inputs = Map.of();
  private WorkloadsView last = WorkloadsView.empty();

  WorkloadsViewBuilder(EtcdStore store) {
    this.store = store;
  }

  WorkloadsView build(CacheSnapshot snapshot) {
    KeyLayout keys = store.layout();
    List<String> families =
        List.of(keys.nodesPrefix(), keys.replicasPrefix(), keys.serviceGenerationsPrefix());
    Map<String, Long> now = new HashMap<>();
    for (String prefix : families) {
      snapshot.withPrefix(prefix).values().forEach(e -> now.put(e.key(), e.modRevision()));
    }
    if (now.equals(inputs) && last.revision() != 0) {
      return last;
    }
    inputs = now;

    Map<String, WorkloadsView.NodeEntry> nodes = new TreeMap<>();
    decodeAll(snapshot, keys.nodesPrefix(), NodeRecord.class, nodeMemo)
        .forEach(
            (id, n) -> nodes.put(id, new WorkloadsView.NodeEntry(id, n.meshIp(), n.revoked())));

    // service → generation → spec (null: stored but unreadable)
    Map<String, NavigableMap<Long, WorkloadSpec>> generations = new HashMap<>();
    String genPrefix = keys.serviceGenerationsPrefix();
    Map<String, Decoded<WorkloadSpec>> seenSpecs = new HashMap<>();
    for (CacheSnapshot.Entry e : snapshot.withPrefix(genPrefix).values()) {
      String rest = e.key().substring(genPrefix.length());
      int slash = rest.lastIndexOf('/');
      if (slash <= 0) {
        continue;
      }
      long generation;
      try {
        generation = KeyLayout.generationOf(e.key());
      } catch (NumberFormatException bad) {
        continue;
      }
      Decoded<WorkloadSpec> d = specMemo.get(e.key());
      if (d == null || d.modRevision() != e.modRevision()) {
        WorkloadSpec spec;
        try {
          spec = store.decode(e, WorkloadSpec.class).value();
        } catch (RuntimeException unreadable) {
          spec = null;
        }
        d = new Decoded<>(e.modRevision(), spec);
      }
      seenSpecs.put(e.key(), d);
      generations
          .computeIfAbsent(rest.substring(0, slash), k -> new TreeMap<>())
          .put(generation, d.value());
    }
    specMemo.keySet().retainAll(seenSpecs.keySet());
    specMemo.putAll(seenSpecs);

    Map<String, List<WorkloadsDocument.Replica>> byNode = new HashMap<>();
    decodeAll(snapshot, keys.replicasPrefix(), ReplicaRecord.class, replicaMemo)
        .values()
        .forEach(
            r ->
                byNode
                    .computeIfAbsent(r.nodeId(), k -> new ArrayList<>())
                    .add(replica(r, generations.get(r.service()))));

    Map<String, WorkloadsDocument> documents = new HashMap<>();
    Map<String, String> digests = new HashMap<>();
    for (WorkloadsView.NodeEntry n : nodes.values()) {
      WorkloadsDocument doc =
          new WorkloadsDocument(
              WorkloadsDocument.SCHEMA,
              n.id(),
              0,
              n.meshIp(),
              byNode.getOrDefault(n.id(), List.of()));
      WorkloadsDocument before = last.documents().get(n.id());
      if (doc.equals(before)) {
        documents.put(n.id(), before);
        digests.put(n.id(), last.digests().get(n.id()));
      } else {
        documents.put(n.id(), doc);
        digests.put(n.id(), doc.digest());
      }
    }
    last =
        new WorkloadsView(
            snapshot.revision(),
            Collections.unmodifiableMap(nodes),
            Map.copyOf(documents),
            Map.copyOf(digests));
    return last;
  }

  /** A replica with the spec of its generation and of the kept one before, or an error. */
  private static WorkloadsDocument.Replica replica(
      ReplicaRecord r, NavigableMap<Long, WorkloadSpec> kept) {
    WorkloadSpec spec = kept == null ? null : kept.get(r.generation());
    String error = "";
    if (spec == null) {
      error =
          "generation "
              + r.generation()
              + " of service "
              + r.service()
              + (kept != null && kept.containsKey(r.generation())
                  ? " is stored but unreadable"
                  : " is not kept any more");
    }
    long previousGeneration = 0;
    WorkloadSpec previousSpec = null;
    if (kept != null) {
      Map.Entry<Long, WorkloadSpec> before = kept.lowerEntry(r.generation());
      if (before != null && before.getValue() != null) {
        previousGeneration = before.getKey();
        previousSpec = before.getValue();
      }
    }
    return new WorkloadsDocument.Replica(
        r.id(),
        r.service(),
        r.generation(),
        spec,
        previousGeneration,
        previousSpec,
        r.hostPorts(),
        r.command(),
        error);
  }

  /**
   * Decodes a family, reusing entries whose mod revision did not move; unreadable ones are left
   * out.
   */
  private <T> Map<String, T> decodeAll(
      CacheSnapshot snapshot, String prefix, Class<T> type, Map<String, Decoded<T>> memo) {
    Map<String, T> out = new TreeMap<>();
    Map<String, Decoded<T>> seen = new HashMap<>();
    for (CacheSnapshot.Entry e : snapshot.withPrefix(prefix).values()) {
      String id = KeyLayout.lastSegment(e.key());
      Decoded<T> d = memo.get(id);
      if (d == null || d.modRevision() != e.modRevision()) {
        try {
          d = new Decoded<>(e.modRevision(), store.decode(e, type).value());
        } catch (RuntimeException bad) {
          continue;
        }
      }
      seen.put(id, d);
      out.put(id, d.value());
    }
    memo.clear();
    memo.putAll(seen);
    return out;
  }
}
