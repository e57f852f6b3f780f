package io.uptimemesh.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.uptimemesh.agent.stream.SseParser;
import io.uptimemesh.core.heartbeat.Heartbeat;
import io.uptimemesh.core.heartbeat.HeartbeatSignatures;
import io.uptimemesh.core.heartbeat.NodeRequests;
import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.core.mesh.DesiredStatePatch;
import io.uptimemesh.core.mesh.MeshPlanner;
import io.uptimemesh.etcd.EtcdClients;
import io.uptimemesh.testkit.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * Desired-state propagation (DESIGN.md §9: an API write that changes desired state reaches every
 * agent, p99 ≤ 250 ms for 1,000 agents). N simulated agents join, heartbeat once, register
 * WireGuard keys and hold the real desired-state stream; each applies every event to its document
 * exactly as the agent does (parse, patch, chain by revision). Then, one change at a time, one node
 * re-registers with a new endpoint: every other agent's peer list changes. Latency per agent = from
 * just before the write is sent until that agent's document shows the new endpoint.
 *
 * <p>Baseline in the same run: raw etcd, a put until one watcher sees it: the floor any propagation
 * through etcd pays.
 */
final class PropagationBench {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path jar;

  PropagationBench(Path jar) {
    this.jar = jar;
  }

  /** One simulated agent: its document and whether the current change has reached it. */
  private static final class SimAgent {
    final BenchNodes.Node node;
    volatile DesiredState state;
    volatile long seenChange = -1;
    volatile long deliveredChange = -1;
    final AtomicInteger resyncs = new AtomicInteger();

    SimAgent(BenchNodes.Node node) {
      this.node = node;
    }
  }

  /** The change in flight: which node moved to which endpoint, and when the write was sent. */
  private record Change(long index, String nodeId, String endpoint, long sentNanos) {}

  private volatile Change change;

  void run(int nodes, int changes) throws Exception {
    Path dir = Files.createTempDirectory("bench-prop-");
    int port = FreePorts.one();
    int[] etcdPorts = FreePorts.allocate(2);
    // Long leases: one heartbeat per node keeps it alive for the whole run.
    Process server =
        Processes.startServer(
            jar,
            dir,
            port,
            etcdPorts,
            Map.of("LOG_LEVEL", "WARN", "RUNTIME_HEARTBEAT_TTL_SECONDS", "3600"));
    Vertx vertx = Vertx.vertx();
    WebClient http =
        WebClient.create(
            vertx,
            new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port),
            new PoolOptions().setHttp1MaxSize(32));
    HttpClient streams =
        vertx.createHttpClient(
            new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port),
            new PoolOptions().setHttp1MaxSize(nodes + 8));
    try {
      if (!Processes.awaitOk(
          "http://127.0.0.1:" + port + "/health/ready", Duration.ofSeconds(30), server)) {
        throw new IllegalStateException("server did not come up");
      }
      List<SimAgent> agents = new ArrayList<>();
      for (BenchNodes.Node n : BenchNodes.join(http, nodes)) {
        agents.add(new SimAgent(n));
      }
      long t0 = System.nanoTime();
      forEachBatched(agents, a -> heartbeat(http, a.node).compose(v -> register(http, a.node, 0)));
      System.out.printf(
          "%d nodes alive and registered in %.1f s%n", nodes, (System.nanoTime() - t0) / 1e9);
      t0 = System.nanoTime();
      CountDownLatch ready = new CountDownLatch(nodes);
      for (SimAgent a : agents) {
        open(streams, a, ready);
      }
      if (!ready.await(300, TimeUnit.SECONDS)) {
        throw new IllegalStateException(ready.getCount() + " streams never got their document");
      }
      System.out.printf(
          "%d streams hold their %d-peer documents after %.1f s%n",
          nodes, nodes - 1, (System.nanoTime() - t0) / 1e9);

      Histogram perAgent = new Histogram(60_000_000L, 3);
      Histogram delivered = new Histogram(60_000_000L, 3);
      Histogram lastAgent = new Histogram(60_000_000L, 3);
      for (int k = 1; k <= changes; k++) {
        SimAgent mover = agents.get(RANDOM.nextInt(agents.size()));
        Change c = new Change(k, mover.node.id(), "192.0.2.77:" + (20000 + k), System.nanoTime());
        change = c;
        register(http, mover.node, k).await();
        long deadline = System.nanoTime() + 30_000_000_000L;
        long worst = 0;
        for (SimAgent a : agents) {
          if (a == mover) {
            continue;
          }
          while (a.seenChange < k && System.nanoTime() < deadline) {
            Thread.sleep(1);
          }
          if (a.seenChange < k) {
            throw new IllegalStateException(a.node.id() + " never saw change " + k);
          }
        }
        for (SimAgent a : agents) {
          if (a != mover) {
            long micros = seenAt.get(a.node.id()) / 1000;
            delivered.recordValue(Math.min(deliveredAt.get(a.node.id()) / 1000, 60_000_000L));
            perAgent.recordValue(Math.min(micros, 60_000_000L));
            worst = Math.max(worst, micros);
          }
        }
        lastAgent.recordValue(Math.min(worst, 60_000_000L));
        Thread.sleep(200); // let the server go idle between changes
      }
      Histogram raw = rawWatchLatency(etcdPorts[0], changes * 5);
      int resyncs = agents.stream().mapToInt(a -> a.resyncs.get()).sum();

      System.out.println();
      System.out.printf(
          "== propagation: %d agents on the desired-state stream, %d changes, each changing every"
              + " agent's peer list%n",
          nodes, changes);
      System.out.printf(
          "baseline  raw etcd put -> one watcher        p50 %7.2f ms   p99 %7.2f ms%n",
          raw.getValueAtPercentile(50) / 1000.0, raw.getValueAtPercentile(99) / 1000.0);
      System.out.printf(
          "server    write -> event at each agent       p50 %7.2f ms   p99 %7.2f ms%n",
          delivered.getValueAtPercentile(50) / 1000.0, delivered.getValueAtPercentile(99) / 1000.0);
      System.out.printf(
          "server    write -> each agent applied        p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms%n",
          perAgent.getValueAtPercentile(50) / 1000.0,
          perAgent.getValueAtPercentile(99) / 1000.0,
          perAgent.getMaxValue() / 1000.0);
      System.out.printf(
          "server    write -> last agent applied        p50 %7.2f ms   p99 %7.2f ms%n",
          lastAgent.getValueAtPercentile(50) / 1000.0, lastAgent.getValueAtPercentile(99) / 1000.0);
      System.out.printf("agents    full resyncs after a bad patch    %d%n", resyncs);
      System.out.printf(
          "ratio     p99 each agent / raw watch p99     %.1f%n",
          perAgent.getValueAtPercentile(99) / (double) Math.max(1, raw.getValueAtPercentile(99)));
      System.out.printf(
          "budget    every agent p99 <= 250 ms          %s%n",
          perAgent.getValueAtPercentile(99) <= 250_000 ? "MET" : "NOT MET");
    } finally {
      vertx.close().await();
      Processes.stop(server);
      Processes.deleteTree(dir);
    }
  }

  private final Map<String, Long> seenAt = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Long> deliveredAt = new java.util.concurrent.ConcurrentHashMap<>();

  private static void forEachBatched(
      List<SimAgent> agents, java.util.function.Function<SimAgent, Future<?>> call) {
    for (int start = 0; start < agents.size(); start += 32) {
      List<Future<?>> batch = new ArrayList<>();
      for (SimAgent a : agents.subList(start, Math.min(agents.size(), start + 32))) {
        batch.add(call.apply(a));
      }
      Future.all(batch).await();
    }
  }

  private static Future<Void> heartbeat(WebClient http, BenchNodes.Node node) {
    byte[] body =
        new Heartbeat(node.id(), 1, System.currentTimeMillis(), Map.of("bench", "yes")).toBytes();
    return http.post("/api/v1/heartbeat")
        .putHeader(
            HeartbeatSignatures.SIGNATURE_HEADER,
            HeartbeatSignatures.sign(body, node.key().getPrivate()))
        .putHeader(HeartbeatSignatures.FINGERPRINT_HEADER, node.fingerprint())
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body))
        .map(r -> expect(r.statusCode(), 200, "heartbeat " + node.id(), r.bodyAsString()));
  }

  /** Registers WireGuard keys; {@code round} > 0 moves the primary endpoint to a new port. */
  private static Future<Void> register(WebClient http, BenchNodes.Node node, int round) {
    String endpoint = round == 0 ? "192.0.2.1:51820" : "192.0.2.77:" + (20000 + round);
    byte[] body =
        new JsonObject()
            .put("node_id", node.id())
            .put("sent_at_ms", System.currentTimeMillis())
            .put("key_generation", 0)
            .put("primary_public_key", wgKey(node.id(), "p"))
            .put("primary_endpoint", endpoint)
            .put("secondary_public_key", wgKey(node.id(), "s"))
            .put("secondary_endpoint", "198.51.100.1:51821")
            .toBuffer()
            .getBytes();
    return http.put("/api/v1/nodes/" + node.id() + "/wireguard")
        .putHeader(
            HeartbeatSignatures.SIGNATURE_HEADER,
            HeartbeatSignatures.sign(body, node.key().getPrivate()))
        .putHeader(HeartbeatSignatures.FINGERPRINT_HEADER, node.fingerprint())
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body))
        .map(r -> expect(r.statusCode(), 200, "register " + node.id(), r.bodyAsString()));
  }

  /** A stable, well-formed public key per node and path (32 bytes; not a real curve point). */
  private static String wgKey(String nodeId, String path) {
    byte[] key = new byte[32];
    byte[] seed = (path + nodeId).getBytes(StandardCharsets.UTF_8);
    System.arraycopy(seed, 0, key, 0, Math.min(seed.length, 32));
    return Base64.getEncoder().encodeToString(key);
  }

  private static Void expect(int status, int wanted, String what, String body) {
    if (status != wanted) {
      throw new IllegalStateException(what + ": HTTP " + status + " " + body);
    }
    return null;
  }

  /** Opens {@code agent}'s stream; reopens it (without a digest) if it ends or a patch misfits. */
  private void open(HttpClient client, SimAgent agent, CountDownLatch ready) {
    String path = "/api/v1/nodes/" + agent.node.id() + "/desired-state/stream";
    long sentAt = System.currentTimeMillis();
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setURI(path)
            .setIdleTimeout(0)
            .putHeader(
                HeartbeatSignatures.SIGNATURE_HEADER,
                NodeRequests.sign("GET", path, sentAt, agent.node.key().getPrivate()))
            .putHeader(HeartbeatSignatures.FINGERPRINT_HEADER, agent.node.fingerprint())
            .putHeader(NodeRequests.SENT_AT_HEADER, Long.toString(sentAt));
    client
        .request(options)
        .compose(req -> req.send())
        .onSuccess(
            response -> {
              if (response.statusCode() != 200) {
                System.err.println(agent.node.id() + ": stream HTTP " + response.statusCode());
                return;
              }
              // The agent's own parser: the simulated agents read the stream as agents do.
              SseParser sse =
                  new SseParser(e -> onEvent(agent, e.type(), e.data(), ready), 16 << 20);
              response.handler(chunk -> sse.feed(chunk.getBytes()));
              response.endHandler(v -> open(client, agent, ready));
            })
        .onFailure(t -> System.err.println(agent.node.id() + ": stream failed: " + t));
  }

  private void onEvent(SimAgent agent, String event, String data, CountDownLatch ready) {
    Change pending = change;
    if (pending != null
        && agent.deliveredChange < pending.index()
        && data.contains(pending.endpoint())) {
      deliveredAt.put(agent.node.id(), System.nanoTime() - pending.sentNanos());
      agent.deliveredChange = pending.index();
    }
    byte[] json = data.getBytes(StandardCharsets.UTF_8);
    switch (event) {
      case "desired-state" -> {
        boolean first = agent.state == null;
        agent.state = DesiredState.parse(json);
        if (first) {
          ready.countDown();
        }
      }
      case "unchanged" ->
          agent.state = agent.state.withRevision(new JsonObject(data).getLong("revision"));
      case "patch" -> {
        try {
          agent.state = DesiredStatePatch.parse(json).applyTo(agent.state);
        } catch (RuntimeException e) {
          agent.resyncs.incrementAndGet();
          agent.state = null; // the reopened stream sends the whole document
          return;
        }
      }
      default -> {
        return;
      }
    }
    Change c = change;
    if (c != null && agent.seenChange < c.index() && shows(agent.state, c)) {
      seenAt.put(agent.node.id(), System.nanoTime() - c.sentNanos());
      agent.seenChange = c.index();
    }
  }

  private static boolean shows(DesiredState state, Change c) {
    for (MeshPlanner.Peer p : state.primaryPeers()) {
      if (p.nodeId().equals(c.nodeId())) {
        return p.endpoint().equals(c.endpoint());
      }
    }
    return false;
  }

  /** Raw etcd: put a key, time until one watcher sees it. */
  private static Histogram rawWatchLatency(int etcdPort, int samples) throws Exception {
    Histogram h = new Histogram(60_000_000L, 3);
    ByteSequence key = ByteSequence.from("/bench/watch", StandardCharsets.UTF_8);
    try (Client client =
        EtcdClients.create(
            List.of(URI.create("http://127.0.0.1:" + etcdPort)), Duration.ofSeconds(5))) {
      java.util.concurrent.BlockingQueue<Long> seen =
          new java.util.concurrent.LinkedBlockingQueue<>();
      try (Watch.Watcher w =
          client.getWatchClient().watch(key, Watch.listener(r -> seen.add(System.nanoTime())))) {
        Thread.sleep(200);
        for (int i = 0; i < samples; i++) {
          long t = System.nanoTime();
          client
              .getKVClient()
              .put(key, ByteSequence.from(Integer.toString(i), StandardCharsets.UTF_8))
              .get(5, TimeUnit.SECONDS);
          Long at = seen.poll(5, TimeUnit.SECONDS);
          if (at != null) {
            h.recordValue((at - t) / 1000);
          }
          Thread.sleep(20);
        }
      }
    }
    return h;
  }
}
