package io.uptimemesh.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.uptimemesh.agent.HeartbeatSender;
import io.uptimemesh.agent.identity.IdentityFiles;
import io.uptimemesh.core.heartbeat.HeartbeatSignatures;
import io.uptimemesh.core.pki.Fingerprints;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.ValueCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Simulated node agents for tests of the packaged server: for nodes joined with the CLI, it sends
 * their signed heartbeats (so they are alive and the server's scheduler places replicas on them),
 * and for each replica on them reports, over the signed node routes as the agent does, the replica
 * running whatever generation its record names {@code lag} after the record first names it, and its
 * endpoints healthy. No LXD: nothing runs. Replica records and endpoints are read from etcd (the
 * agent would follow its workloads stream); every etcd call has a deadline.
 */
final class ReplicaAgents implements AutoCloseable {
  private static final KeyLayout KEYS = new KeyLayout("/uptimemesh");
  private static final ValueCodec CODEC = new ValueCodec();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long DEADLINE_SECONDS = 10;
  private static final long HEARTBEAT_EVERY_MS = 1500;

  private final Client etcd;
  private final URI api;
  private final Map<String, IdentityFiles> nodes = new HashMap<>();
  private final Map<String, HeartbeatSender> heartbeats = new HashMap<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, Long> running = new ConcurrentHashMap<>();
  private final Map<String, Long> seenAtMs = new ConcurrentHashMap<>();
  private final Map<String, Long> healthReported = new ConcurrentHashMap<>();
  private volatile boolean stopped;
  private long lastHeartbeatMs;
  private Thread thread;

  /**
   * @param identityRoot where {@code uptimemesh join --identity-dir} put each node's identity
   */
  ReplicaAgents(Client etcd, String api, Map<String, Path> identityRoot) throws Exception {
    this.etcd = etcd;
    this.api = URI.create(api);
    for (Map.Entry<String, Path> n : identityRoot.entrySet()) {
      IdentityFiles files = new IdentityFiles(n.getValue(), n.getKey());
      nodes.put(n.getKey(), files);
      heartbeats.put(n.getKey(), new HeartbeatSender(http, n.getKey(), files));
    }
  }

  /** Starts the agents: from now on replicas run their record's generation {@code lag} after. */
  ReplicaAgents follow(Duration lag) {
    thread =
        new Thread(
            () -> {
              while (!stopped) {
                try {
                  tick(lag.toMillis());
                } catch (Exception e) {
                  // etcd or the server hiccuped: the next tick tries again
                }
                sleep(200);
              }
            },
            "simulated-agents");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  private void tick(long lagMs) throws Exception {
    long now = System.currentTimeMillis();
    if (now - lastHeartbeatMs >= HEARTBEAT_EVERY_MS) {
      for (HeartbeatSender h : heartbeats.values()) {
        h.send(api, Map.of()).get(DEADLINE_SECONDS, TimeUnit.SECONDS);
      }
      lastHeartbeatMs = now;
    }
    for (ReplicaRecord r : replicas()) {
      if (!nodes.containsKey(r.nodeId())) {
        continue;
      }
      Long runs = running.get(r.id());
      if (runs == null || runs != r.generation()) {
        long seen = seenAtMs.computeIfAbsent(r.id(), id -> now);
        if (now - seen >= lagMs && reportRunning(r)) {
          running.put(r.id(), r.generation());
          seenAtMs.remove(r.id());
        }
      }
      if (running.containsKey(r.id())) {
        for (String port : r.hostPorts().keySet()) {
          reportHealthy(r.nodeId(), r.id() + "-" + port);
        }
      }
    }
  }

  private boolean reportRunning(ReplicaRecord r) throws Exception {
    Map<String, Object> status = new HashMap<>();
    status.put("replica_id", r.id());
    status.put("node_id", r.nodeId());
    status.put("state", "running");
    status.put("generation", r.generation());
    status.put("snapshots", List.of());
    return post(r.nodeId(), "replica-status", "statuses", status);
  }

  /** Reports the endpoint healthy once per endpoint revision (the agent reports transitions). */
  private void reportHealthy(String node, String endpointId) throws Exception {
    Optional<Long> revision = createRevision(KEYS.endpoint(endpointId));
    if (revision.isEmpty() || revision.get().equals(healthReported.get(endpointId))) {
      return;
    }
    Map<String, Object> report = new HashMap<>();
    report.put("endpoint_id", endpointId);
    report.put("endpoint_revision", revision.get());
    report.put("healthy", true);
    report.put("detail", "simulated agent");
    report.put("changed_at_ms", System.currentTimeMillis());
    if (post(node, "endpoint-health", "reports", report)) {
      healthReported.put(endpointId, revision.get());
    }
  }

  /**
   * POSTs {@code {"node_id", "sent_at_ms", <list>: [entry]}} to {@code
   * /api/v1/nodes/<node>/<route>}, signed by the node's key; true if the server took it.
   */
  private boolean post(String node, String route, String list, Map<String, Object> entry)
      throws Exception {
    IdentityFiles id = nodes.get(node);
    Map<String, Object> body = new HashMap<>();
    body.put("node_id", node);
    body.put("sent_at_ms", System.currentTimeMillis());
    body.put(list, List.of(entry));
    byte[] bytes = JSON.writeValueAsBytes(body);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(api.resolve("/api/v1/nodes/" + node + "/" + route))
                .timeout(Duration.ofSeconds(DEADLINE_SECONDS))
                .header("Content-Type", "application/json")
                .header(
                    HeartbeatSignatures.SIGNATURE_HEADER, HeartbeatSignatures.sign(bytes, id.key()))
                .header(
                    HeartbeatSignatures.FINGERPRINT_HEADER, Fingerprints.sha256(id.certificate()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200;
  }

  private List<ReplicaRecord> replicas() throws Exception {
    List<ReplicaRecord> out = new ArrayList<>();
    for (KeyValue kv :
        etcd.getKVClient()
            .get(bytes(KEYS.replicasPrefix()), GetOption.builder().isPrefix(true).build())
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

  private Optional<Long> createRevision(String key) throws Exception {
    List<KeyValue> kvs =
        etcd.getKVClient().get(bytes(key)).get(DEADLINE_SECONDS, TimeUnit.SECONDS).getKvs();
    return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0).getCreateRevision());
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
