package io.uptimemesh.bench;

import io.uptimemesh.testkit.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reads the console makes each time a live topic fires (DESIGN.md §9: API reads p99 ≤ 10 ms),
 * on a server holding a realistic cluster: {@code nodes} joined nodes heartbeating every 10 s (the
 * agents' default) with a {@code wireguard.paths} status of {@code peers} peers each, a quarter of
 * them failed over once today. Each route is loaded closed-loop with {@code conns} connections and
 * an admin bearer session (bootstrap + login, as the CLI does), one route at a time, next to the
 * bare Vert.x baseline measured in the same run.
 */
final class ConsoleBench {
  private static final double BUDGET_P99_MS = 10;

  /** The agent's default heartbeat interval (RUNTIME_HEARTBEAT_INTERVAL_SECONDS). */
  private static final long HEARTBEAT_INTERVAL_MS = 10_000;

  private final Path jar;

  ConsoleBench(Path jar) {
    this.jar = jar;
  }

  void run(int nodes, int peers, int seconds, int conns) throws Exception {
    Path dir = Files.createTempDirectory("bench-console-");
    int serverPort = FreePorts.one();
    int rawPort = FreePorts.one();
    Process server = Processes.startServer(jar, dir, serverPort);
    Process raw = ReadBench.startRawServer(rawPort);
    Vertx vertx = Vertx.vertx();
    WebClient http =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(serverPort)
                .setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(32));
    ClusterHeartbeats heartbeats = null;
    try {
      ReadBench.awaitUp(serverPort, server, rawPort, raw);
      BenchNodes.Cluster cluster = BenchNodes.bootstrap(http, nodes);
      String admin = cluster.adminToken();
      heartbeats = new ClusterHeartbeats(http, BenchNodes.join(http, cluster.joinToken(), nodes));
      populate(heartbeats, nodes, peers);
      heartbeats.start(HEARTBEAT_INTERVAL_MS);
      long midnight =
          LocalDate.now().atStartOfDay(ZoneId.systemDefault()).toInstant().toEpochMilli();
      Map<String, String> routes = new LinkedHashMap<>();
      routes.put("GET /api/v1/nodes", "/api/v1/nodes");
      routes.put("GET /api/v1/mesh/paths", "/api/v1/mesh/paths");
      routes.put("GET /api/v1/nodes/{id}", "/api/v1/nodes/sim-1");
      routes.put("GET /api/v1/events?limit=10", "/api/v1/events?limit=10");
      routes.put(
          "GET /api/v1/events/count (today)",
          "/api/v1/events/count?name=path_failover&since=" + midnight);
      routes.put("GET /api/v1/events?node=&limit=50", "/api/v1/events?node=sim-1&limit=50");
      describe(http, admin, routes, nodes, peers);

      System.out.println();
      System.out.printf(
          "== console reads: %d nodes x %d peers, heartbeats every %d s; %d connections,"
              + " closed loop, %d s each after 3 s warm-up%n",
          nodes, peers, HEARTBEAT_INTERVAL_MS / 1000, conns, seconds);
      ReadBench.Result base = ReadBench.load(vertx, rawPort, "/", null, seconds, conns);
      ReadBench.print(label("baseline  bare Vert.x, small body"), base);
      Map<String, ReadBench.Result> results = new LinkedHashMap<>();
      for (Map.Entry<String, String> r : routes.entrySet()) {
        ReadBench.Result result =
            ReadBench.load(vertx, serverPort, r.getValue(), admin, seconds, conns);
        results.put(r.getKey(), result);
        ReadBench.print(label("server    " + r.getKey()), result);
      }
      List<String> missed = new ArrayList<>();
      double worst = 0;
      for (Map.Entry<String, ReadBench.Result> r : results.entrySet()) {
        ReadBench.Result v = r.getValue();
        System.out.printf(
            "%s p99 %.2f x baseline   throughput %.3f x   %s%n",
            label("ratio     " + r.getKey()),
            v.p99ms() / base.p99ms(),
            v.rps() / base.rps(),
            v.p99ms() <= BUDGET_P99_MS && v.errors() == 0 ? "MET" : "NOT MET");
        worst = Math.max(worst, v.p99ms());
        if (v.p99ms() > BUDGET_P99_MS || v.errors() > 0) {
          missed.add(r.getKey());
        }
      }
      System.out.printf("heartbeats during the run  %s%n", heartbeats.outcomes());
      System.out.printf(
          "budget    API reads p99 ≤ %.0f ms     %s (worst p99 %.2f ms%s)%n",
          BUDGET_P99_MS,
          missed.isEmpty() ? "MET" : "NOT MET",
          worst,
          missed.isEmpty() ? "" : "; missed by " + String.join(", ", missed));
    } finally {
      if (heartbeats != null) {
        heartbeats.close();
      }
      vertx.close().await();
      Processes.stop(raw);
      Processes.stop(server);
      Processes.deleteTree(dir);
    }
  }

  /**
   * Every node's first status, then for a quarter of them a second one with a failover, so the
   * event log holds today's {@code path_failover} events the Overview counts.
   */
  private static void populate(ClusterHeartbeats heartbeats, int nodes, int peers) {
    Instant switched = Instant.now().minusSeconds(5);
    for (int i = 0; i < nodes; i++) {
      heartbeats.status(i, SimulatedStatus.of(i, nodes, peers, false, switched));
    }
    heartbeats.sendAll();
    for (int i = 0; i < nodes; i += 4) {
      heartbeats.status(i, SimulatedStatus.of(i, nodes, peers, true, switched));
    }
    heartbeats.sendAll();
  }

  /** Checks each route answers with the cluster's content and prints its size. */
  private static void describe(
      WebClient http, String admin, Map<String, String> routes, int nodes, int peers) {
    JsonObject listing = get(http, admin, "/api/v1/nodes");
    long alive =
        listing.getJsonArray("nodes").stream()
            .filter(o -> "alive".equals(((JsonObject) o).getString("state")))
            .count();
    int links = get(http, admin, "/api/v1/mesh/paths").getJsonArray("links").size();
    long failovers =
        get(http, admin, routes.get("GET /api/v1/events/count (today)")).getLong("count");
    System.out.printf(
        "cluster   %d nodes alive of %d joined, %d links reported (%d expected),"
            + " %d path failovers today%n",
        alive, nodes, links, (long) nodes * Math.min(peers, nodes - 1), failovers);
    if (alive != nodes) {
      throw new IllegalStateException("only " + alive + " of " + nodes + " nodes are alive");
    }
    for (Map.Entry<String, String> r : routes.entrySet()) {
      HttpResponse<Buffer> resp = send(http, admin, r.getValue());
      System.out.printf("%s %7d bytes%n", label("size      " + r.getKey()), resp.body().length());
    }
  }

  private static JsonObject get(WebClient http, String admin, String path) {
    return send(http, admin, path).bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> send(WebClient http, String admin, String path) {
    HttpResponse<Buffer> r = http.get(path).bearerTokenAuthentication(admin).send().await();
    if (r.statusCode() != 200) {
      throw new IllegalStateException(path + ": HTTP " + r.statusCode() + " " + r.bodyAsString());
    }
    return r;
  }

  private static String label(String s) {
    return String.format("%-48s", s);
  }
}
