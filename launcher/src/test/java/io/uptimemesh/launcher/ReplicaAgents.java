package io.uptimemesh.launcher;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.core.workload.ReplicaStatus;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.ValueCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Plays the scheduler and the node agents of replicas for tests of the packaged server, through
 * etcd directly (under the default prefix {@code /uptimemesh}): it places replica records, and once
 * {@link #follow started}, reports each replica running whatever generation its record names,
 * {@code lag} after the record first names it, the way an agent would after restarting the
 * container. No ports: a replica's health is then {@code none}, which a rollout takes as healthy.
 * Every etcd call has a deadline.
 */
final class ReplicaAgents implements AutoCloseable {
  static final KeyLayout KEYS = new KeyLayout("/uptimemesh");
  private static final ValueCodec CODEC = new ValueCodec();
  private static final long DEADLINE_SECONDS = 10;

  private final Client etcd;
  private final Map<String, Long> reported = new ConcurrentHashMap<>();
  private final Map<String, Long> seenAtMs = new ConcurrentHashMap<>();
  private volatile boolean stopped;
  private Thread thread;

  ReplicaAgents(Client etcd) {
    this.etcd = etcd;
  }

  /** Writes {@code value} (JSON, as the server does) under {@code key}. */
  void put(String key, Object value) throws Exception {
    etcd.getKVClient()
        .put(bytes(key), ByteSequence.from(CODEC.encode(value)))
        .get(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  /** The scheduler's part: replica {@code id} of {@code service} on {@code node}. */
  void place(String id, String service, String node, long generation) throws Exception {
    put(
        KEYS.replica(id),
        new ReplicaRecord(
            ReplicaRecord.SCHEMA,
            id,
            service,
            node,
            generation,
            Map.of(),
            null,
            System.currentTimeMillis(),
            null));
  }

  /** Every replica record. */
  List<ReplicaRecord> replicas() throws Exception {
    List<ReplicaRecord> out = new ArrayList<>();
    String prefix = KEYS.replicasPrefix();
    for (KeyValue kv :
        etcd.getKVClient()
            .get(bytes(prefix), GetOption.builder().isPrefix(true).build())
            .get(DEADLINE_SECONDS, TimeUnit.SECONDS)
            .getKvs()) {
      out.add(
          CODEC.decode(
              kv.getKey().toString(StandardCharsets.UTF_8),
              kv.getValue().getBytes(),
              ReplicaRecord.class));
    }
    return out;
  }

  /** The agent's report: replica {@code r} runs {@code generation}. */
  void reportRunning(ReplicaRecord r, long generation) throws Exception {
    put(
        KEYS.replicaStatus(r.id()),
        new ReplicaStatus(
            ReplicaStatus.SCHEMA,
            r.id(),
            r.nodeId(),
            "running",
            generation,
            List.of(),
            "",
            System.currentTimeMillis(),
            0,
            ""));
    reported.put(r.id(), generation);
  }

  /** From now on, each replica runs the generation its record names, {@code lag} after. */
  ReplicaAgents follow(Duration lag) {
    thread =
        new Thread(
            () -> {
              while (!stopped) {
                try {
                  tick(lag.toMillis());
                } catch (Exception e) {
                  // etcd hiccup or closing: the next tick tries again
                }
                sleep(200);
              }
            },
            "simulated-replica-agents");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  private void tick(long lagMs) throws Exception {
    long now = System.currentTimeMillis();
    for (ReplicaRecord r : replicas()) {
      Long running = reported.get(r.id());
      if (running != null && running == r.generation()) {
        seenAtMs.remove(r.id());
        continue;
      }
      long seen = seenAtMs.computeIfAbsent(r.id(), id -> now);
      if (now - seen >= lagMs) {
        reportRunning(r, r.generation());
        seenAtMs.remove(r.id());
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    stopped = true;
    if (thread != null) {
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
