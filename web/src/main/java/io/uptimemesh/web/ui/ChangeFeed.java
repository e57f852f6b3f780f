package io.uptimemesh.web.ui;

import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.WatchCache;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * What the console's pages show, by topic, as the etcd watch (through the watch cache) changes it:
 * one per server. On each cache change it fingerprints each topic's keys (key and mod revision) and
 * tells the listeners the topics whose fingerprint moved; the pages then read the API again. A node
 * turning stale is its {@code alive} key vanishing with its lease, so it shows here although it
 * writes no event. Costs one pass over each topic's keys per cache change; fine for hundreds of
 * nodes, a per-key diff would be the next step for thousands.
 */
public final class ChangeFeed {
  /** A topic and the key prefixes it covers. */
  record Topic(String name, List<String> prefixes) {}

  private final List<Topic> topics;
  private final Map<String, Long> fingerprints = new ConcurrentHashMap<>();
  private final Set<BiConsumer<String, Long>> listeners = ConcurrentHashMap.newKeySet();

  public ChangeFeed(WatchCache cache, KeyLayout keys) {
    this.topics =
        List.of(
            new Topic(
                "nodes",
                List.of(
                    keys.nodesPrefix(),
                    keys.alivePrefix(),
                    keys.nodeStalePrefix(),
                    keys.nodeStatusPrefix(),
                    keys.nodeWireGuardPrefix(),
                    keys.nodeSchedulingPrefix())),
            new Topic("tokens", List.of(keys.tokensPrefix())),
            // Core servers registering or leaving, and the leader election's candidates. Snapshots
            // are files on a core node, not etcd keys: the console follows their "snapshot"
            // events instead. etcd's own status (db size, raft index, alarms) is in no key either,
            // so the page reads it on a slow timer.
            new Topic("control-plane", List.of(keys.coreServersPrefix(), keys.electionPrefix())),
            // A replica's health derives from its endpoint's health key, so those are here too.
            new Topic(
                "workloads",
                List.of(
                    keys.servicesPrefix(),
                    keys.serviceGenerationsPrefix(),
                    keys.replicasPrefix(),
                    keys.replicaStatusPrefix(),
                    keys.rolloutsPrefix(),
                    keys.nodeSchedulingPrefix(),
                    keys.endpointHealthPrefix())),
            // The zone's node records follow nodes and their liveness, and the name servers
            // report what they serve in their node status (written on change only).
            new Topic(
                "discovery",
                List.of(
                    keys.servicesPrefix(),
                    keys.endpointsPrefix(),
                    keys.endpointHealthPrefix(),
                    keys.nodesPrefix(),
                    keys.alivePrefix(),
                    keys.nodeStatusPrefix())));
    changed(cache.snapshot());
    cache.onChange(this::changed);
  }

  /**
   * {@code listener} gets (topic, revision) for each change from now on, on the cache's context.
   */
  void listen(BiConsumer<String, Long> listener) {
    listeners.add(listener);
  }

  void unlisten(BiConsumer<String, Long> listener) {
    listeners.remove(listener);
  }

  List<String> topics() {
    return topics.stream().map(Topic::name).toList();
  }

  private synchronized void changed(CacheSnapshot snapshot) {
    for (Topic topic : topics) {
      long print = fingerprint(snapshot, topic);
      Long before = fingerprints.put(topic.name(), print);
      if (before != null && before != print) {
        listeners.forEach(l -> l.accept(topic.name(), snapshot.revision()));
      }
    }
  }

  private static long fingerprint(CacheSnapshot snapshot, Topic topic) {
    long h = 1;
    for (String prefix : topic.prefixes()) {
      for (CacheSnapshot.Entry e : snapshot.withPrefix(prefix).values()) {
        h = 31 * h + e.key().hashCode();
        h = 31 * h + Long.hashCode(e.modRevision());
      }
      h = 31 * h + 7;
    }
    return h;
  }
}
