package io.uptimemesh.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.uptimemesh.core.heartbeat.Heartbeat;
import io.uptimemesh.core.heartbeat.HeartbeatSignatures;
import io.uptimemesh.etcd.EtcdClients;
import io.uptimemesh.testkit.FreePorts;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Signed heartbeats of N pre-joined nodes sent to one core node at a target rate (DESIGN.md §9: ≥
 * 5,000 accepted/s, p99 ≤ 100 ms, steady-state etcd writes near zero), next to raw jetcd puts/s
 * against the same etcd in the same run.
 *
 * <p>Open loop: requests leave on schedule whether or not earlier ones answered, and latency is
 * measured from the scheduled time, so a server that falls behind cannot hide its queue. Bodies are
 * signed before the window starts: the client's signing must not compete with the server for the 2
 * cores more than sending does.
 */
final class HeartbeatBench {
  private static final int CONNECTIONS = 64;

  private final Path jar;

  HeartbeatBench(Path jar) {
    this.jar = jar;
  }

  private record Signed(byte[] body, MultiMap headers) {}

  void run(int nodes, int rate, int seconds) throws Exception {
    Path dir = Files.createTempDirectory("bench-hb-");
    int port = FreePorts.one();
    int[] etcdPorts = FreePorts.allocate(2);
    Process server = Processes.startServer(jar, dir, port, etcdPorts, Map.of("LOG_LEVEL", "WARN"));
    Vertx vertx = Vertx.vertx();
    WebClient http =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(port)
                .setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(CONNECTIONS));
    try {
      if (!Processes.awaitOk(
          "http://127.0.0.1:" + port + "/health/ready", Duration.ofSeconds(30), server)) {
        throw new IllegalStateException("server did not come up");
      }
      List<BenchNodes.Node> joined = BenchNodes.join(http, nodes);
      // First heartbeat of every node grants its lease and writes its status: not steady state.
      send(http, sign(joined, 1, 1), nodes, Math.min(rate, 2000), null, null);
      int total = rate * seconds;
      List<List<Signed>> bodies = sign(joined, 2, (int) Math.ceil((double) total / nodes));
      long revBefore = revision(etcdPorts[0]);
      Histogram latency = new Histogram(60_000_000L, 3);
      Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
      System.out.println("window starts");
      long t0 = System.nanoTime();
      send(http, bodies, total, rate, latency, outcomes);
      double elapsed = (System.nanoTime() - t0) / 1e9;
      long writes = revision(etcdPorts[0]) - revBefore;
      double putsPerSecond = rawPuts(etcdPorts[0], 5);

      long accepted = outcomes.getOrDefault("200", new AtomicInteger()).get();
      System.out.println();
      System.out.printf(
          "== heartbeats: %d nodes, target %d/s for %d s, %d connections, open loop%n",
          nodes, rate, seconds, CONNECTIONS);
      System.out.printf(
          "baseline  raw jetcd puts (64 in flight)      %8.0f puts/s%n", putsPerSecond);
      System.out.printf(
          "server    accepted heartbeats                 %8.0f /s   p50 %6.2f ms   p99 %6.2f ms   p99.9 %6.2f ms%n",
          accepted / elapsed,
          latency.getValueAtPercentile(50) / 1000.0,
          latency.getValueAtPercentile(99) / 1000.0,
          latency.getValueAtPercentile(99.9) / 1000.0);
      System.out.printf("server    outcomes                            %s%n", outcomes);
      System.out.printf(
          "etcd      writes during the window            %d (%.1f /s)%n", writes, writes / elapsed);
      System.out.printf(
          "ratio     accepted heartbeats / raw puts      %.2f%n",
          (accepted / elapsed) / putsPerSecond);
      boolean met = accepted / elapsed >= 5000 && latency.getValueAtPercentile(99) <= 100_000;
      System.out.printf(
          "budget    >= 5000/s with p99 <= 100 ms        %s%n", met ? "MET" : "NOT MET");
    } finally {
      vertx.close().await();
      Processes.stop(server);
      Processes.deleteTree(dir);
    }
  }

  /** For each node, {@code perNode} signed heartbeats with sequences from {@code firstSeq}. */
  private static List<List<Signed>> sign(List<BenchNodes.Node> nodes, long firstSeq, int perNode) {
    List<List<Signed>> out = new ArrayList<>(nodes.size());
    long now = System.currentTimeMillis();
    for (BenchNodes.Node n : nodes) {
      List<Signed> mine = new ArrayList<>(perNode);
      for (int k = 0; k < perNode; k++) {
        byte[] body = new Heartbeat(n.id(), firstSeq + k, now, Map.of("wg", "up")).toBytes();
        MultiMap headers =
            MultiMap.caseInsensitiveMultiMap()
                .add(
                    HeartbeatSignatures.SIGNATURE_HEADER,
                    HeartbeatSignatures.sign(body, n.key().getPrivate()))
                .add(HeartbeatSignatures.FINGERPRINT_HEADER, n.fingerprint())
                .add("Content-Type", "application/json");
        mine.add(new Signed(body, headers));
      }
      out.add(mine);
    }
    return out;
  }

  /**
   * Sends {@code total} heartbeats at {@code rate}/s, round-robin over the nodes. Like an agent, a
   * node has at most one heartbeat in flight: when its turn comes while the previous one is still
   * unanswered, the turn is skipped and counted ("skipped:node-busy"). Latency is measured from the
   * scheduled send time.
   */
  private static void send(
      WebClient http,
      List<List<Signed>> perNode,
      int total,
      int rate,
      Histogram latency,
      Map<String, AtomicInteger> outcomes)
      throws InterruptedException {
    int nodes = perNode.size();
    int[] next = new int[nodes];
    java.util.concurrent.atomic.AtomicBoolean[] busy =
        new java.util.concurrent.atomic.AtomicBoolean[nodes];
    for (int i = 0; i < nodes; i++) {
      busy[i] = new java.util.concurrent.atomic.AtomicBoolean();
    }
    AtomicLong inFlight = new AtomicLong();
    long start = System.nanoTime();
    long intervalNanos = 1_000_000_000L / rate;
    for (int i = 0; i < total; i++) {
      long scheduled = start + i * intervalNanos;
      long wait = scheduled - System.nanoTime();
      if (wait > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(wait);
      }
      int node = i % nodes;
      if (next[node] >= perNode.get(node).size() || !busy[node].compareAndSet(false, true)) {
        count(outcomes, "skipped:node-busy");
        continue;
      }
      Signed s = perNode.get(node).get(next[node]++);
      inFlight.incrementAndGet();
      http.post("/api/v1/heartbeat")
          .putHeaders(s.headers())
          .sendBuffer(Buffer.buffer(s.body()))
          .onComplete(
              ar -> {
                if (latency != null) {
                  synchronized (latency) {
                    latency.recordValue(
                        Math.min((System.nanoTime() - scheduled) / 1000, 60_000_000L));
                  }
                }
                count(outcomes, outcome(ar.succeeded() ? ar.result() : null));
                busy[node].set(false);
                inFlight.decrementAndGet();
              });
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private static void count(Map<String, AtomicInteger> outcomes, String key) {
    if (outcomes != null) {
      outcomes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }
  }

  private static String outcome(HttpResponse<Buffer> r) {
    if (r == null) {
      return "io-error";
    }
    if (r.statusCode() == 200) {
      return "200";
    }
    String reason =
        r.bodyAsString() == null ? null : new JsonObject(r.bodyAsString()).getString("reason");
    return r.statusCode() + (reason == null ? "" : ":" + reason);
  }

  /** The etcd revision, read from etcd itself: every write in between raised it by one. */
  private static long revision(int etcdPort) throws Exception {
    try (Client client =
        EtcdClients.create(
            List.of(URI.create("http://127.0.0.1:" + etcdPort)), Duration.ofSeconds(5))) {
      return client
          .getKVClient()
          .get(
              ByteSequence.from("/", StandardCharsets.UTF_8),
              io.etcd.jetcd.options.GetOption.builder().withCountOnly(true).build())
          .get(5, java.util.concurrent.TimeUnit.SECONDS)
          .getHeader()
          .getRevision();
    }
  }

  /** Raw jetcd puts/s with 64 in flight against the server's own etcd, for {@code seconds}. */
  private static double rawPuts(int etcdPort, int seconds) throws Exception {
    try (Client client =
        EtcdClients.create(
            List.of(URI.create("http://127.0.0.1:" + etcdPort)), Duration.ofSeconds(5))) {
      AtomicLong done = new AtomicLong();
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      CompletableFuture<Void> all = new CompletableFuture<>();
      AtomicInteger running = new AtomicInteger(64);
      ByteSequence value = ByteSequence.from("x".repeat(200), StandardCharsets.UTF_8);
      for (int w = 0; w < 64; w++) {
        ByteSequence key = ByteSequence.from("/bench/raw/" + w, StandardCharsets.UTF_8);
        putLoop(client, key, value, end, done, running, all);
      }
      long t0 = System.nanoTime();
      all.get(seconds + 30L, java.util.concurrent.TimeUnit.SECONDS);
      return done.get() / ((System.nanoTime() - t0) / 1e9);
    }
  }

  private static void putLoop(
      Client c,
      ByteSequence k,
      ByteSequence v,
      long end,
      AtomicLong done,
      AtomicInteger running,
      CompletableFuture<Void> all) {
    if (System.nanoTime() > end) {
      if (running.decrementAndGet() == 0) {
        all.complete(null);
      }
      return;
    }
    c.getKVClient()
        .put(k, v)
        .whenComplete(
            (r, t) -> {
              if (t == null) {
                done.incrementAndGet();
              }
              putLoop(c, k, v, end, done, running, all);
            });
  }
}
