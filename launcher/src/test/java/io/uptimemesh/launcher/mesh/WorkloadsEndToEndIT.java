package io.uptimemesh.launcher.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.uptimemesh.launcher.Browser;
import io.uptimemesh.testkit.lxd.LxdLab;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 7's end-to-end test (ADR 0014): a service of three LXD replicas on four nodes, rolled out,
 * rolled out to a failing spec and restored, rolled back, drained off a node and rescheduled off a
 * node whose agent died.
 *
 * <p>Four nodes in network namespaces joined into the WireGuard mesh (see {@link MeshLab}), the
 * core server in the router namespace. Each node runs its own LXD daemon inside its namespace
 * ({@link LxdLab#inNamespace}), as a real node would, so a replica's proxy device listens on its
 * node's mesh address and the other nodes reach it over WireGuard. The workload is the lab's
 * busybox image serving HTTP on port 8080 ({@code environment.UM_HTTP_PORT}) with a body naming the
 * generation ({@code environment.UM_HTTP_BODY}); its health check is an HTTP GET on that port.
 *
 * <p>While the control plane changes things, a watcher asks every replica address once per {@value
 * #WATCH_MS} ms from a node that keeps running and records how many answered; the tests assert on
 * the fewest. Durations are logged as {@code WORKLOADS <what> <ms> ms} lines.
 */
@Timeout(900)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkloadsEndToEndIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int NODES = 4;
  private static final int REPLICAS = 3;
  private static final int PORT = 8080;
  private static final int HEARTBEAT_INTERVAL_SECONDS = 1;
  private static final int HEARTBEAT_TTL_SECONDS = 5;
  private static final int GRACE_SECONDS = 5;
  private static final int HEALTH_TIMEOUT_SECONDS = 20;
  private static final long WATCH_MS = 150;
  private static final Duration POLL = Duration.ofMillis(200);

  private static MeshLab lab;
  private static MeshCore core;
  private static final Map<String, LxdLab> lxd = new LinkedHashMap<>();
  private static final Map<String, MeshAgent> agents = new LinkedHashMap<>();
  private static final Map<String, String> meshIp = new HashMap<>();
  private static String bearer;
  private static Path specDir;

  /** Set once the first deployment served; every later test needs it. */
  private static boolean deployed;

  /** What the replicas run and answer after the last test that changed it. */
  private static long servingGeneration = 1;

  private static String servingBody = "gen1";

  @BeforeAll
  static void startLab() throws Exception {
    lab = MeshLab.create(NODES, Path.of("target"));
    try {
      core = new MeshCore(lab);
      core.extraEnv.put(
          "RUNTIME_HEARTBEAT_INTERVAL_SECONDS", Integer.toString(HEARTBEAT_INTERVAL_SECONDS));
      core.extraEnv.put("RUNTIME_HEARTBEAT_TTL_SECONDS", Integer.toString(HEARTBEAT_TTL_SECONDS));
      core.extraEnv.put("SCHEDULER_RESCHEDULE_GRACE_SECONDS", Integer.toString(GRACE_SECONDS));
      core.extraEnv.put("LXD_HEALTH_TIMEOUT_SECONDS", Integer.toString(HEALTH_TIMEOUT_SECONDS));
      core.start();
      core.bootstrapAndLogin();
      bearer = readBearer();
      String token = core.workerToken(NODES);
      for (MeshLab.Node n : lab.nodes) {
        core.join(n, token);
      }
      core.json(lab.router, "nodes-status", "--api-url", MeshCore.apiUrl(), "--output", "json")
          .path("nodes")
          .forEach(n -> meshIp.put(n.path("node_id").asText(), n.path("mesh_ip").asText()));

      // One LXD per node, started side by side (about 1.5 s each).
      List<CompletableFuture<Void>> starts = new ArrayList<>();
      for (MeshLab.Node n : lab.nodes) {
        // Under the lab directory, so its logs stay with the others (socket path ~60 characters).
        Path root = lab.dir.resolve(n.id()).resolve("lxd");
        starts.add(
            CompletableFuture.runAsync(
                () -> {
                  LxdLab l = LxdLab.inNamespace(n.namespace(), root);
                  synchronized (lxd) {
                    lxd.put(n.id(), l);
                  }
                }));
      }
      CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();

      for (MeshLab.Node n : lab.nodes) {
        MeshAgent agent = new MeshAgent(lab, core, n);
        agent.env.put(
            "RUNTIME_HEARTBEAT_INTERVAL_SECONDS", Integer.toString(HEARTBEAT_INTERVAL_SECONDS));
        agent.env.put("RUNTIME_HEARTBEAT_TTL_SECONDS", Integer.toString(HEARTBEAT_TTL_SECONDS));
        agent.env.put("LXD_ENABLED", "true");
        agent.env.put("LXD_SOCKET", lxd.get(n.id()).socket().toString());
        agents.put(n.id(), agent.start());
      }
      specDir = lab.dir.resolve("specs");
      Files.createDirectories(specDir);
      System.out.println("workloads lab " + lab.dir + "; mesh " + meshIp);
    } catch (Exception | Error e) {
      stopLab();
      throw e;
    }
  }

  @AfterAll
  static void stopLab() {
    agents.values().forEach(MeshAgent::close);
    for (LxdLab l : lxd.values()) {
      try {
        l.close();
      } catch (RuntimeException e) {
        System.out.println("LXD of a node did not close cleanly: " + e);
      }
    }
    if (core != null) {
      core.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  @Order(1)
  void threeReplicasAreScheduledRunAndAnswerOverTheMesh() throws IOException {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .failFast("an agent exited", () -> agents.values().stream().anyMatch(a -> !a.isAlive()))
        .until(
            () ->
                lab.nodes.stream()
                    .allMatch(n -> lab.ping(lab.nodes.get(0).namespace(), meshIp.get(n.id()))));

    long t0 = System.nanoTime();
    cli("services", "create", "web", "--file", spec("gen1", PORT).toString());
    awaitReplicas(
        "3 replicas running generation 1, healthy, answering gen1",
        Duration.ofSeconds(120),
        rs -> rs.size() == REPLICAS && allServe(rs, 1, "gen1"));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("WORKLOADS deploy-3-replicas " + ms + " ms");

    List<JsonNode> rs = replicas();
    assertThat(rs.stream().map(r -> r.path("node_id").asText()).distinct())
        .as("hard anti-affinity: one replica per node")
        .hasSize(REPLICAS);
    deployed = true;
  }

  @Test
  @Order(2)
  void aRolloutMovesReplicaByReplicaWhileTheServiceServes() throws IOException {
    assertThat(deployed).as("the first deployment served").isTrue();
    try (Watcher w = Watcher.start()) {
      long t0 = System.nanoTime();
      cli("services", "apply", "web", "--file", spec("gen2", PORT).toString());
      awaitRollout(2, "succeeded", Duration.ofSeconds(180));
      awaitReplicas(
          "every replica answering gen2",
          Duration.ofSeconds(30),
          rs -> rs.size() == REPLICAS && allServe(rs, 2, "gen2"));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.println(
          "WORKLOADS rollout-3-replicas " + ms + " ms (fewest answering " + w.fewest() + ")");
      // max_unavailable 1: at most one replica is out at a time.
      assertThat(w.fewest()).as("replicas answering at every sample").isGreaterThanOrEqualTo(2);
    }
    servingGeneration = 2;
    servingBody = "gen2";
  }

  @Test
  @Order(3)
  void aRolloutWhoseHealthCheckFailsIsRestoredAndTheOldGenerationKeepsServing() throws IOException {
    assertThat(deployed).as("the first deployment served").isTrue();
    try (Watcher w = Watcher.start()) {
      long t0 = System.nanoTime();
      // Generation 3 serves on another port than the one its health check asks.
      cli("services", "apply", "web", "--file", spec("gen3", 9090).toString());
      JsonNode rollout = awaitRollout(3, "failed", Duration.ofSeconds(HEALTH_TIMEOUT_SECONDS + 90));
      System.out.println(
          "WORKLOADS failed-rollout-restored "
              + (System.nanoTime() - t0) / 1_000_000
              + " ms: "
              + rollout.path("reason").asText());
      assertThat(rollout.path("reason").asText()).isNotBlank();
      awaitReplicas(
          "every replica back on generation 2, answering gen2",
          Duration.ofSeconds(60),
          rs -> rs.size() == REPLICAS && allServe(rs, 2, "gen2"));
      assertThat(w.fewest())
          .as("replicas answering at every sample during the failed rollout")
          .isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  @Order(4)
  void rollbackToGenerationOneRollsItsSpecOutAsANewGeneration() throws IOException {
    assertThat(deployed).as("the first deployment served").isTrue();
    long t0 = System.nanoTime();
    cli("services", "rollback", "web", "--to-generation", "1");
    awaitRollout(4, "succeeded", Duration.ofSeconds(180));
    awaitReplicas(
        "every replica on generation 4 (the spec of 1), answering gen1",
        Duration.ofSeconds(30),
        rs -> rs.size() == REPLICAS && allServe(rs, 4, "gen1"));
    servingGeneration = 4;
    servingBody = "gen1";
    System.out.println(
        "WORKLOADS rollback-3-replicas " + (System.nanoTime() - t0) / 1_000_000 + " ms");
  }

  @Test
  @Order(5)
  void drainMovesTheReplicasOffANodeMakeBeforeBreak() throws IOException {
    assertThat(deployed).as("the first deployment served").isTrue();
    String drained = replicas().get(0).path("node_id").asText();
    try (Watcher w = Watcher.start()) {
      long t0 = System.nanoTime();
      cli("nodes", "drain", drained);
      awaitReplicas(
          "no replica left on " + drained + ", 3 serving elsewhere",
          Duration.ofSeconds(120),
          rs ->
              rs.size() == REPLICAS
                  && rs.stream().noneMatch(r -> r.path("node_id").asText().equals(drained))
                  && allServe(rs, servingGeneration, servingBody));
      await("the container on " + drained + " deleted")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(POLL)
          .until(() -> containers(drained).isBlank());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.println(
          "WORKLOADS drain-1-replica " + ms + " ms (fewest answering " + w.fewest() + ")");
      assertThat(w.fewest())
          .as("make-before-break: all replicas answered at every sample")
          .isGreaterThanOrEqualTo(REPLICAS);
    } finally {
      // The next test needs a node to move to.
      cli("nodes", "uncordon", drained);
    }
  }

  @Test
  @Order(6)
  void aNodeWhoseAgentDiesGetsItsReplicasRescheduledAfterTheGrace() throws Exception {
    assertThat(deployed).as("the first deployment served").isTrue();
    List<JsonNode> before = replicas();
    String victimNode = before.get(0).path("node_id").asText();
    String victimReplica = before.get(0).path("id").asText();
    long t0 = System.nanoTime();
    agents.get(victimNode).kill();
    awaitReplicas(
        "a replacement for " + victimReplica + " serving, the old record gone",
        Duration.ofSeconds(HEARTBEAT_TTL_SECONDS + GRACE_SECONDS + 90),
        rs ->
            rs.size() == REPLICAS
                && rs.stream().noneMatch(r -> r.path("id").asText().equals(victimReplica))
                && allServe(rs, servingGeneration, servingBody));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("WORKLOADS agent-killed-replica-rescheduled " + ms + " ms");
    assertThat(ms)
        .as("nothing moves before the lease expired and the grace passed")
        .isGreaterThanOrEqualTo(
            (HEARTBEAT_TTL_SECONDS - HEARTBEAT_INTERVAL_SECONDS + GRACE_SECONDS) * 1000L);
  }

  @Test
  @Order(7)
  void anAgentBackAfterItsReplicaMovedDeletesTheLeftoverAndAReplicaMovesToItMakeBeforeBreak()
      throws Exception {
    assertThat(deployed).as("the first deployment served").isTrue();
    MeshAgent back = agents.values().stream().filter(a -> !a.isAlive()).findFirst().orElseThrow();
    String node = back.node.id();
    back.start();
    await("the container left on " + node + " deleted by its agent")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(POLL)
        .until(() -> containers(node).isBlank());

    JsonNode moved = replicas().get(0);
    String id = moved.path("id").asText();
    try (Watcher w = Watcher.start()) {
      long t0 = System.nanoTime();
      cli("replicas", "move", id, "--to", node);
      awaitReplicas(
          id + " replaced by a replica on " + node + ", serving",
          Duration.ofSeconds(90),
          rs ->
              rs.size() == REPLICAS
                  && rs.stream().noneMatch(r -> r.path("id").asText().equals(id))
                  && rs.stream().anyMatch(r -> r.path("node_id").asText().equals(node))
                  && allServe(rs, servingGeneration, servingBody));
      System.out.println(
          "WORKLOADS move-1-replica "
              + (System.nanoTime() - t0) / 1_000_000
              + " ms (fewest answering "
              + w.fewest()
              + ")");
      assertThat(w.fewest())
          .as("make-before-break: all replicas answered at every sample")
          .isGreaterThanOrEqualTo(REPLICAS);
    }
  }

  @Test
  @Order(8)
  void restartAndSnapshotCommandsAreCarriedOutByTheReplicasAgent() {
    assertThat(deployed).as("the first deployment served").isTrue();
    JsonNode replica = replicas().get(0);
    String id = replica.path("id").asText();
    String node = replica.path("node_id").asText();

    long t0 = System.nanoTime();
    cli("replicas", "restart", id, "--wait");
    long restart = (System.nanoTime() - t0) / 1_000_000;
    t0 = System.nanoTime();
    cli("replicas", "snapshot", id, "--name", "before-upgrade", "--wait");
    long snapshot = (System.nanoTime() - t0) / 1_000_000;
    System.out.println(
        "WORKLOADS restart-command " + restart + " ms, snapshot-command " + snapshot + " ms");
    assertThat(lxd.get(node).lxc("query", "/1.0/instances/" + id + "/snapshots?project=uptimemesh"))
        .contains("/snapshots/before-upgrade");
    awaitReplicas(
        "the restarted replica serving again",
        Duration.ofSeconds(30),
        rs -> rs.size() == REPLICAS && allServe(rs, servingGeneration, servingBody));
  }

  @Test
  @Order(9)
  void theConsoleShowsTheRealReplicasTheirEndpointsAndTheirNodes() throws Exception {
    assertThat(deployed).as("the first deployment served").isTrue();
    assertThat(Browser.available()).as("%s and %s", Browser.BINARY, Browser.DRIVER).isTrue();
    try (Browser browser = new Browser()) {
      String ui = core.openConsole(browser);
      bearer = readBearer(); // the password change ended the CLI's session; it logged in again
      List<JsonNode> rs = replicas();
      assertThat(rs).hasSize(REPLICAS);

      browser.find("#nav-workloads").click();
      String service = browser.text("tr[data-service='web']");
      assertThat(service).contains(Long.toString(servingGeneration)).contains("succeeded");
      for (JsonNode r : rs) {
        String row = "tr[data-replica-id='" + r.path("id").asText() + "']";
        browser.await(
            Duration.ofSeconds(10),
            d -> "running".equals(browser.find(row).getAttribute("data-state")));
        assertThat(browser.text(row))
            .contains(r.path("node_id").asText())
            .contains(servingGeneration + " / " + servingGeneration)
            .contains("healthy");
      }
      browser.screenshot("50-workloads-real-replicas");

      browser.find("#nav-discovery").click();
      for (JsonNode r : rs) {
        String row = "tr[data-endpoint-id='" + r.path("id").asText() + "-http']";
        browser.await(
            Duration.ofSeconds(10),
            d -> "healthy".equals(browser.find(row).getAttribute("data-state")));
      }
      // The zone the agents serve names each replica's mesh address.
      String zone = browser.text("#discovery-zone");
      for (JsonNode r : rs) {
        assertThat(zone).contains(meshIp.get(r.path("node_id").asText()));
      }
      browser.screenshot("51-discovery-real-endpoints");

      JsonNode first = rs.get(0);
      browser.open(ui + "#/nodes/" + first.path("node_id").asText());
      String replicaRow = "#node-replicas tr[data-replica-id='" + first.path("id").asText() + "']";
      assertThat(browser.text(replicaRow)).contains("running");
      browser.visible(
          "#node-endpoints tr[data-endpoint-id='" + first.path("id").asText() + "-http']");
      browser.driver.executeScript(
          "arguments[0].scrollIntoView({block: 'center'})", browser.find("#node-replicas"));
      browser.screenshot("52-node-detail-replica");
    }
  }

  // --- helpers
  // --- helpers

  /** The names of the containers in the workloads project of {@code node}'s LXD, one per line. */
  private static String containers(String node) {
    return lxd.get(node).lxc("list", "--project", "uptimemesh", "--format", "csv", "-c", "n");
  }

  /** The spec of the test's service: {@code body} is what its HTTP server answers. */
  private static Path spec(String body, int servePort) throws IOException {
    Path file = specDir.resolve(body + ".yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "image: busybox",
            "replicas: " + REPLICAS,
            "config:",
            "  environment.UM_HTTP_PORT: \"" + servePort + "\"",
            "  environment.UM_HTTP_BODY: " + body,
            "ports:",
            "  - name: http",
            "    port: " + PORT,
            "health:",
            "  type: http",
            "  port_name: http",
            "  path: /",
            "  interval_ms: 500",
            "  failure_threshold: 2",
            "rolling_update:",
            "  max_unavailable: 1",
            ""));
    return file;
  }

  private static void cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--api-url");
    all.add(MeshCore.apiUrl());
    MeshLab.Result r = core.cli(lab.router, null, all.toArray(String[]::new));
    assertThat(r.code()).as("uptimemesh %s: %s %s", all, r.stdout(), r.stderr()).isZero();
  }

  private static String readBearer() throws IOException {
    JsonNode all = JSON.readTree(core.home.resolve(".config/uptimemesh/credentials").toFile());
    String token = all.path(MeshCore.apiUrl()).asText();
    if (token.isBlank()) {
      throw new IllegalStateException("no session token for " + MeshCore.apiUrl() + ": " + all);
    }
    return token;
  }

  /** GET on the API from the router namespace with the admin's session. */
  private static JsonNode api(String path) {
    MeshLab.Result r =
        lab.exec(
            lab.router,
            "curl",
            "-s",
            "-m",
            "5",
            "-H",
            "Authorization: Bearer " + bearer,
            MeshCore.apiUrl() + path);
    try {
      return JSON.readTree(r.stdout().isBlank() ? "{}" : r.stdout());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<JsonNode> replicas() {
    List<JsonNode> out = new ArrayList<>();
    api("/api/v1/replicas?service=web").path("replicas").forEach(out::add);
    return out;
  }

  private static void awaitReplicas(
      String what, Duration atMost, Predicate<List<JsonNode>> condition) {
    List<List<JsonNode>> last = new CopyOnWriteArrayList<>();
    try {
      await(what)
          .atMost(atMost)
          .pollInterval(POLL)
          .until(
              () -> {
                List<JsonNode> rs = replicas();
                last.clear();
                last.add(rs);
                return condition.test(rs);
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          what + "; last replicas: " + last + "; rollout: " + api("/api/v1/services/web/rollout"),
          e);
    }
  }

  private static JsonNode awaitRollout(long generation, String state, Duration atMost) {
    JsonNode[] last = new JsonNode[1];
    try {
      await("rollout to generation " + generation + " " + state)
          .atMost(atMost)
          .pollInterval(POLL)
          .until(
              () -> {
                last[0] = api("/api/v1/services/web/rollout");
                JsonNode r = last[0].has("rollout") ? last[0].path("rollout") : last[0];
                return r.path("to_generation").asLong() == generation
                    && r.path("state").asText().equals(state);
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("rollout: " + last[0] + "; replicas: " + replicas(), e);
    }
    return last[0].has("rollout") ? last[0].path("rollout") : last[0];
  }

  /**
   * Every replica runs {@code generation}, is healthy, and its address answers {@code body} over
   * the mesh.
   */
  private static boolean allServe(List<JsonNode> rs, long generation, String body) {
    for (JsonNode r : rs) {
      if (r.path("running_generation").asLong() != generation
          || !"healthy".equals(r.path("health").asText())
          || !body.equals(answer(r))) {
        return false;
      }
    }
    return true;
  }

  /** What the replica's address answers over the mesh, from a node whose agent runs. */
  private static String answer(JsonNode replica) {
    String ip = meshIp.get(replica.path("node_id").asText());
    int port = replica.path("host_ports").path("http").asInt(PORT);
    MeshLab.Result r =
        lab.exec(askingNode(), "curl", "-s", "-m", "1", "http://" + ip + ":" + port + "/");
    return r.ok() ? r.stdout().strip() : "";
  }

  private static String askingNode() {
    return agents.values().stream()
        .filter(MeshAgent::isAlive)
        .map(a -> a.node.namespace())
        .findFirst()
        .orElse(lab.nodes.get(0).namespace());
  }

  /**
   * Counts, every {@value #WATCH_MS} ms, how many of the service's replica addresses answer (the
   * addresses are those of the replicas the control plane lists, re-read each time).
   */
  private static final class Watcher implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Integer> samples = new CopyOnWriteArrayList<>();
    private final Thread thread;

    private Watcher() {
      thread =
          new Thread(
              () -> {
                while (running.get()) {
                  List<JsonNode> rs = replicas();
                  int answering = 0;
                  java.util.Set<String> asked = new java.util.HashSet<>();
                  for (JsonNode r : rs) {
                    String address =
                        r.path("node_id").asText()
                            + ":"
                            + r.path("host_ports").path("http").asInt();
                    if (asked.add(address) && !answer(r).isEmpty()) {
                      answering++;
                    }
                  }
                  samples.add(answering);
                  try {
                    Thread.sleep(WATCH_MS);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "replica-watcher");
      thread.setDaemon(true);
    }

    static Watcher start() {
      Watcher w = new Watcher();
      w.thread.start();
      return w;
    }

    int fewest() {
      return samples.stream().mapToInt(Integer::intValue).min().orElse(0);
    }

    @Override
    public void close() {
      running.set(false);
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      System.out.println("WORKLOADS watcher samples " + samples.size() + ", fewest " + fewest());
    }
  }
}
