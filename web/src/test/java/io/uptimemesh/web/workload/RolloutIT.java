package io.uptimemesh.web.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.core.config.RolloutSettings;
import io.uptimemesh.core.config.SchedulerSettings;
import io.uptimemesh.core.idempotency.IdempotencyKeys;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.core.workload.ReplicaStatus;
import io.uptimemesh.core.workload.RolloutRecord;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.leader.Fence;
import io.uptimemesh.etcd.leader.LeaderJobs;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.web.NodeCluster;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The leader's rollout job on real etcd with the real routes: three nodes, a three-replica service,
 * and simulated agents that report replica status (on their node's lease) and endpoint health the
 * way the agent does, running whatever generation a replica's record names a moment later — or
 * never healthy, for a broken generation.
 */
@Timeout(180)
class RolloutIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(3);

  private NodeCluster c;
  private EtcdStore store;
  private KeyLayout keys;
  private LeaderJobs jobs;
  private RolloutJob job;
  private Fence fence;
  private Agents agents;
  private final Map<String, NodeCluster.Node> nodes = new ConcurrentHashMap<>();

  @BeforeEach
  void setUp() {
    c = new NodeCluster(etcd.endpoints(), Duration.ofSeconds(30));
    store = c.fixture.runtime.store();
    keys = store.layout();
    for (String id : List.of("n1", "n2", "n3")) {
      NodeCluster.Node n = c.join(id);
      c.keepAlive(n);
      nodes.put(id, n);
    }
    String electionKey = keys.root() + "election/rollout-it";
    Await.result(store.put(electionKey, Map.of("leader", "it")));
    long created =
        Await.result(store.get(electionKey, Object.class)).orElseThrow().createRevision();
    fence = new Fence(electionKey, created);
    job =
        WorkloadModule.rolloutJob(
            c.fixture.vertx,
            c.fixture.runtime,
            c.fixture.events,
            Clock.systemUTC(),
            new RolloutSettings(Duration.ofMillis(300), HEALTH_TIMEOUT));
  }

  @AfterEach
  void tearDown() {
    if (agents != null) {
      agents.stop();
    }
    if (jobs != null) {
      Await.result(jobs.stop());
    }
    c.close();
  }

  private void lead() {
    jobs = new LeaderJobs(c.fixture.vertx).register(job);
    jobs.leadershipChanged(Optional.of(fence));
  }

  private static JsonObject spec(int replicas, String env) {
    return new JsonObject()
        .put("image", "busybox")
        .put("replicas", replicas)
        .put("config", new JsonObject().put("environment.V", env))
        .put("ports", new JsonArray().add(new JsonObject().put("name", "http").put("port", 8080)));
  }

  /** Service web at generation 1 with three replicas running it, healthy. */
  private void webOnGenerationOne() {
    HttpResponse<Buffer> created =
        c.op(
            HttpMethod.POST,
            "/api/v1/services",
            new JsonObject().put("name", "web").put("workload", spec(3, "one")));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    long now = System.currentTimeMillis();
    for (String node : List.of("n1", "n2", "n3")) {
      String id = "web-0000" + node.charAt(1);
      Await.result(
          store.put(
              keys.replica(id),
              new ReplicaRecord(1, id, "web", node, 1, Map.of("http", 8080), null, now)));
      agents.endpoints.put(
          id,
          c.endpoint(
                  NodeCluster.endpointBody(id + "-http", "web", node, 8080)
                      .put("port_name", "http"))
              .getLong("revision"));
    }
    agents.tick();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(replicas())
                    .allSatisfy(r -> assertThat(r.getString("health")).isEqualTo("healthy")));
  }

  private JsonArray replicasJson() {
    HttpResponse<Buffer> r = c.op(HttpMethod.GET, "/api/v1/replicas?service=web", null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("replicas");
  }

  private List<JsonObject> replicas() {
    return replicasJson().stream().map(o -> (JsonObject) o).toList();
  }

  private HttpResponse<Buffer> rollout() {
    return c.op(HttpMethod.GET, "/api/v1/services/web/rollout", null);
  }

  private JsonObject rolloutState() {
    HttpResponse<Buffer> r = rollout();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private void apply(JsonObject spec) {
    HttpResponse<Buffer> r =
        c.op(
            HttpMethod.PUT,
            "/api/v1/services/web/workload",
            new JsonObject().put("workload", spec));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
  }

  private List<String> eventNames() {
    return c
        .op(HttpMethod.GET, "/api/v1/events?category=workloads&limit=200", null)
        .bodyAsJsonObject()
        .getJsonArray("events")
        .stream()
        .map(o -> ((JsonObject) o).getString("name"))
        .toList();
  }

  /** Agents that never run generation 2 healthy, and the failed rollout to it. */
  private void rolloutOfABrokenGenerationTwoFailed() {
    agents = new Agents(Set.of(2L));
    webOnGenerationOne();
    lead();
    apply(spec(3, "broken"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(rolloutState().getString("state")).isEqualTo("failed"));
  }

  @Test
  void rollsOutOneReplicaAtATimeAndSucceeds() {
    agents = new Agents(Set.of());
    webOnGenerationOne();
    assertThat(rollout().statusCode()).as("no rollout yet").isEqualTo(404);
    lead();
    apply(spec(3, "two"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(rolloutState().getString("state")).isEqualTo("succeeded"));
    JsonObject done = rolloutState();
    assertThat(done.getLong("from_generation")).isEqualTo(1);
    assertThat(done.getLong("to_generation")).isEqualTo(2);
    assertThat(done.getJsonObject("steps").fieldNames()).hasSize(3);
    assertThat(replicas()).allSatisfy(r -> assertThat(r.getLong("generation")).isEqualTo(2));
    assertThat(agents.maxChanging.get())
        .as("never more than max_unavailable (1) replicas changing at once")
        .isEqualTo(1);
    assertThat(agents.maxUpdatingSteps.get()).isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(eventNames())
                    .contains("rollout_started", "rollout_step_done", "rollout_succeeded"));
    // The route refuses to start a succeeded rollout again.
    HttpResponse<Buffer> again = c.op(HttpMethod.POST, "/api/v1/services/web/rollout", null);
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(409);
  }

  /**
   * A fourth node, web on n1..n3 at generation 1, and the rollout job led together with the
   * scheduler: it places the surge replica and removes the surplus after.
   */
  private void webOnGenerationOneOnThreeOfFourNodesLedWithTheScheduler(Set<Long> broken) {
    NodeCluster.Node n4 = c.join("n4");
    c.keepAlive(n4);
    nodes.put("n4", n4);
    agents = new Agents(broken);
    webOnGenerationOne();
    SchedulerJob scheduler =
        WorkloadModule.schedulerJob(
            c.fixture.vertx,
            c.fixture.runtime,
            c.fixture.events,
            Clock.systemUTC(),
            new SchedulerSettings(Duration.ofMillis(300), Duration.ofSeconds(60)));
    jobs = new LeaderJobs(c.fixture.vertx).register(job).register(scheduler);
    jobs.leadershipChanged(Optional.of(fence));
    agents.watchServing = true;
  }

  private static JsonObject surgeOne(JsonObject spec) {
    return spec.put(
        "rolling_update", new JsonObject().put("max_unavailable", 0).put("max_surge", 1));
  }

  @Test
  void aSurgeReplicaThatNeverServesFailsTheRolloutAndGoesAsSurplus() {
    webOnGenerationOneOnThreeOfFourNodesLedWithTheScheduler(Set.of(2L));
    apply(surgeOne(spec(3, "broken")));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(rolloutState().getString("state")).isEqualTo("failed"));
    assertThat(rolloutState().getString("reason"))
        .matches("placed replica web-[0-9a-f]{5} did not run generation 2 healthy within 3 s.*");
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(replicas())
                    .as("the broken surge replica went; the three never moved")
                    .hasSize(3)
                    .allSatisfy(r -> assertThat(r.getLong("generation")).isEqualTo(1)));
    assertThat(agents.maxReplicas.get()).isEqualTo(4);
    assertThat(agents.minServing.get()).isEqualTo(3);
    assertThat(agents.maxUpdatingSteps.get()).as("no old replica was taken out").isZero();
  }

  @Test
  void maxSurgeOneWithMaxUnavailableZeroAddsAReplicaAndNeverServesFewerThanThree() {
    webOnGenerationOneOnThreeOfFourNodesLedWithTheScheduler(Set.of());
    apply(surgeOne(spec(3, "two")));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(rolloutState().getString("state")).isEqualTo("succeeded"));
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(replicas())
                    .as("the surplus went once the rollout ended")
                    .hasSize(3)
                    .allSatisfy(r -> assertThat(r.getLong("generation")).isEqualTo(2)));
    JsonObject done = rolloutState();
    assertThat(done.getJsonObject("steps").fieldNames())
        .as("the three replicas and the surge replica")
        .hasSize(4);
    assertThat(agents.maxReplicas.get()).as("a fourth replica appeared").isEqualTo(4);
    assertThat(agents.minServing.get())
        .as("never fewer than replicas - max_unavailable = 3 running (one of 4 stops at a time)")
        .isEqualTo(3);
    assertThat(agents.maxUpdatingSteps.get()).as("one at a time").isEqualTo(1);
  }

  @Test
  void changesAreActedOnAtOnceBetweenRuns() {
    agents = new Agents(Set.of());
    webOnGenerationOne();
    // An hour between runs: only the watch-cache changes can move this rollout along.
    job =
        WorkloadModule.rolloutJob(
            c.fixture.vertx,
            c.fixture.runtime,
            c.fixture.events,
            Clock.systemUTC(),
            new RolloutSettings(Duration.ofHours(1), HEALTH_TIMEOUT));
    lead();
    apply(spec(3, "two"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(rolloutState().getString("state")).isEqualTo("succeeded"));
    assertThat(replicas()).allSatisfy(r -> assertThat(r.getLong("generation")).isEqualTo(2));
  }

  @Test
  void aGenerationThatNeverGetsHealthyIsRestoredThenRolledOutAgainOrRolledBack() {
    rolloutOfABrokenGenerationTwoFailed();
    JsonObject failed = rolloutState();
    assertThat(failed.getString("reason")).contains("web-0000", "generation 2");
    List<String> restored =
        failed.getJsonObject("steps").stream()
            .filter(e -> ((JsonObject) e.getValue()).getString("state").equals("restored"))
            .map(Map.Entry::getKey)
            .toList();
    assertThat(restored).hasSize(1);
    // The failed replica is back on 1, the others were never touched; all keep serving.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(replicas())
                    .allSatisfy(
                        r -> {
                          assertThat(r.getLong("generation")).isEqualTo(1);
                          assertThat(r.getLong("running_generation")).isEqualTo(1);
                        }));
    assertThat(agents.maxChanging.get()).isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(eventNames()).contains("rollout_failed"));
    // A failed rollout stays failed: nothing moves for a while.
    sleep(1500);
    assertThat(rolloutState().getString("state")).isEqualTo("failed");
    assertThat(replicas()).allSatisfy(r -> assertThat(r.getLong("generation")).isEqualTo(1));

    // `services rollout`: fixed agents (say, the image was repaired), the same generation again.
    agents.broken.clear();
    HttpResponse<Buffer> restart = c.op(HttpMethod.POST, "/api/v1/services/web/rollout", null);
    assertThat(restart.statusCode()).as(restart.bodyAsString()).isEqualTo(200);
    assertThat(restart.bodyAsJsonObject().getString("state")).isEqualTo("running");
    assertThat(restart.bodyAsJsonObject().getLong("revision")).isPositive();
    assertThat(restart.bodyAsJsonObject().getJsonObject("steps").fieldNames()).hasSize(3);
    HttpResponse<Buffer> running = c.op(HttpMethod.POST, "/api/v1/services/web/rollout", null);
    assertThat(running.statusCode()).as(running.bodyAsString()).isIn(409, 200);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(rolloutState().getString("state")).isEqualTo("succeeded"));
    assertThat(replicas()).allSatisfy(r -> assertThat(r.getLong("generation")).isEqualTo(2));

    // Rollback is a new generation, rolled out like any other.
    HttpResponse<Buffer> back = c.op(HttpMethod.POST, "/api/v1/services/web/rollback", null);
    assertThat(back.statusCode()).as(back.bodyAsString()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonObject r = rolloutState();
              assertThat(r.getLong("to_generation")).isEqualTo(3);
              assertThat(r.getString("state")).isEqualTo("succeeded");
            });
    assertThat(replicas()).allSatisfy(r -> assertThat(r.getLong("generation")).isEqualTo(3));
    assertThat(agents.maxChanging.get()).isEqualTo(1);
  }

  @Test
  void rollbackAfterAFailedRolloutRollsOutTheNewGeneration() {
    rolloutOfABrokenGenerationTwoFailed();
    HttpResponse<Buffer> back = c.op(HttpMethod.POST, "/api/v1/services/web/rollback", null);
    assertThat(back.statusCode()).as(back.bodyAsString()).isEqualTo(200);
    assertThat(back.bodyAsJsonObject().getLong("generation")).isEqualTo(3);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonObject r = rolloutState();
              assertThat(r.getLong("from_generation")).isEqualTo(1);
              assertThat(r.getLong("to_generation")).isEqualTo(3);
              assertThat(r.getString("state")).isEqualTo("succeeded");
            });
    assertThat(replicas())
        .allSatisfy(r -> assertThat(r.getLong("running_generation")).isEqualTo(3));
  }

  @Test
  void aDeposedLeaderWritesNothing() {
    agents = new Agents(Set.of());
    webOnGenerationOne();
    apply(spec(3, "two"));
    await().atMost(Duration.ofSeconds(5)).until(() -> c.fixture.runtime.cache().synced());
    // A rollout record left by a service deleted meanwhile.
    Await.result(
        store.put(
            keys.rollout("gone"),
            new RolloutRecord(1, "gone", 1, 2, RolloutRecord.FAILED, Map.of(), "x", 1, 1)));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> c.fixture.runtime.cache().snapshot().get(keys.rollout("gone")).isPresent());
    long before = Await.result(store.listRaw(keys.replicasPrefix())).getHeader().getRevision();
    Fence stale = new Fence(fence.electionKey(), fence.createRevision() + 1000);
    assertThat(Await.result(job.pass(stale))).isZero();
    assertThat(rollout().statusCode()).isEqualTo(404);
    assertThat(replicas()).allSatisfy(r -> assertThat(r.getLong("generation")).isEqualTo(1));
    assertThat(Await.result(store.get(keys.rollout("gone"), RolloutRecord.class))).isPresent();
    // The real fence writes: the rollout starts, and the deleted service's record goes.
    assertThat(Await.result(job.pass(fence))).isEqualTo(2);
    assertThat(Await.result(store.get(keys.rollout("gone"), RolloutRecord.class))).isEmpty();
    assertThat(Await.result(store.listRaw(keys.replicasPrefix())).getHeader().getRevision())
        .isGreaterThan(before);
    assertThat(rolloutState().getString("state")).isEqualTo("running");
  }

  @Test
  void replicaCommandsAreWrittenOneAtATime() {
    agents = new Agents(Set.of());
    webOnGenerationOne();
    String id = "web-00001";
    assertThat(post("/api/v1/replicas/" + id + "/restart", null).statusCode()).isEqualTo(202);
    JsonObject shown = c.op(HttpMethod.GET, "/api/v1/replicas/" + id, null).bodyAsJsonObject();
    assertThat(shown.getJsonObject("command").getLong("seq")).isEqualTo(1);
    assertThat(shown.getJsonObject("command").getString("kind")).isEqualTo("restart");
    assertThat(shown.getJsonObject("command").getString("by")).isEqualTo("user:admin");
    // The agent has not reported it done: the next one waits.
    HttpResponse<Buffer> pending =
        post("/api/v1/replicas/" + id + "/snapshot", new JsonObject().put("name", "before-x"));
    assertThat(pending.statusCode()).as(pending.bodyAsString()).isEqualTo(409);
    assertThat(pending.bodyAsJsonObject().getString("message")).contains("not reported done");
    agents.commandDone(id, 1, "");
    awaitAccepted(id, "snapshot", "before-x");
    ReplicaRecord stored =
        Await.result(store.get(keys.replica(id), ReplicaRecord.class)).orElseThrow().value();
    assertThat(stored.command().seq()).isEqualTo(2);
    assertThat(stored.command().snapshot()).isEqualTo("before-x");
    agents.commandDone(id, 2, "");
    // Bad names are 400 naming the field; restoring a snapshot the status does not list is 409.
    for (String bad : List.of("gen-1", "a/b", "", "..x")) {
      HttpResponse<Buffer> r =
          post("/api/v1/replicas/" + id + "/restore", new JsonObject().put("name", bad));
      assertThat(r.statusCode()).as(bad + ": " + r.bodyAsString()).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getString("message")).contains("name");
    }
    assertThat(post("/api/v1/replicas/" + id + "/restore", new JsonObject()).statusCode())
        .isEqualTo(400);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              HttpResponse<Buffer> r =
                  post("/api/v1/replicas/" + id + "/restore", new JsonObject().put("name", "nope"));
              assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(409);
              assertThat(r.bodyAsJsonObject().getString("message")).contains("no snapshot nope");
            });
    agents.snapshots.put(id, List.of("gen-0", "before-x"));
    agents.commandDone(id, 2, "");
    awaitAccepted(id, "restore", "before-x");
    // The same request again (its Idempotency-Key) is answered as before, not refused as pending.
    agents.commandDone(id, 3, "");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(keyedRestart(id, "k-1").statusCode()).isEqualTo(202));
    HttpResponse<Buffer> replayed = keyedRestart(id, "k-1");
    assertThat(replayed.statusCode()).as(replayed.bodyAsString()).isEqualTo(202);
    assertThat(replayed.getHeader(IdempotencyKeys.REPLAYED_HEADER)).isEqualTo("true");
    assertThat(replayed.bodyAsJsonObject().getLong("seq")).isEqualTo(4);
    assertThat(
            Await.result(store.get(keys.replica(id), ReplicaRecord.class))
                .orElseThrow()
                .value()
                .command()
                .seq())
        .isEqualTo(4);
    assertThat(post("/api/v1/replicas/web-fffff/restart", null).statusCode()).isEqualTo(404);
    assertThat(post("/api/v1/replicas/a..b/restart", null).statusCode()).isEqualTo(404);
    assertThat(c.op(HttpMethod.GET, "/api/v1/services/nope/rollout", null).statusCode())
        .isEqualTo(404);
    assertThat(c.op(HttpMethod.POST, "/api/v1/services/web/rollout", null).statusCode())
        .as("no failed rollout to start again")
        .isEqualTo(409);
  }

  /** Sends the command until it is accepted (the agent's report reaches the cache first). */
  private void awaitAccepted(String id, String kind, String snapshot) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              HttpResponse<Buffer> r =
                  post(
                      "/api/v1/replicas/" + id + "/" + kind,
                      new JsonObject().put("name", snapshot));
              assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
            });
  }

  private HttpResponse<Buffer> keyedRestart(String id, String key) {
    return Await.result(
        c.fixture
            .http
            .post("/api/v1/replicas/" + id + "/restart")
            .bearerTokenAuthentication(c.admin)
            .putHeader(IdempotencyKeys.HEADER, key)
            .sendJsonObject(new JsonObject()));
  }

  private HttpResponse<Buffer> post(String path, JsonObject body) {
    return c.op(HttpMethod.POST, path, body == null ? new JsonObject() : body);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The agents of n1..n3: every 150 ms, a replica whose record names another generation than its
   * status is first reported stopped, then (next tick) running it, with healthy endpoints — unless
   * that generation is broken: then it stays stopped. Restoring (back to a generation it ran)
   * works. Also watches the invariant: how many replicas are changing at once, and updating steps.
   */
  private final class Agents {
    final Set<Long> broken = ConcurrentHashMap.newKeySet();
    final Map<String, Long> endpoints = new ConcurrentHashMap<>();
    final Map<String, List<String>> snapshots = new ConcurrentHashMap<>();
    final Map<String, long[]> commands = new ConcurrentHashMap<>();
    final AtomicInteger maxChanging = new AtomicInteger();
    final AtomicInteger maxUpdatingSteps = new AtomicInteger();

    /** Replicas running (their endpoints healthy once running) and records, once watched. */
    final AtomicInteger minServing = new AtomicInteger(Integer.MAX_VALUE);

    final AtomicInteger maxReplicas = new AtomicInteger();
    volatile boolean watchServing;
    private final Map<String, ReplicaStatus> last = new ConcurrentHashMap<>();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;
    private final Thread thread;

    Agents(Set<Long> broken) {
      this.broken.addAll(broken);
      thread =
          new Thread(
              () -> {
                while (!stopped) {
                  try {
                    tick();
                  } catch (RuntimeException e) {
                    // etcd hiccup or closing: the next tick tries again
                  }
                  sleep(150);
                }
              },
              "simulated-agents");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() {
      stopped = true;
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void commandDone(String id, long seq, String error) {
      commands.put(id, new long[] {seq});
      last.remove(id);
    }

    synchronized void tick() {
      List<ReplicaRecord> records =
          Await.result(store.list(keys.replicasPrefix(), ReplicaRecord.class)).stream()
              .map(v -> v.value())
              .toList();
      int changing = 0;
      int serving = 0;
      for (ReplicaRecord r : records) {
        ReplicaStatus s = last.get(r.id());
        long seq = commands.getOrDefault(r.id(), new long[] {0})[0];
        List<String> snaps = snapshots.getOrDefault(r.id(), List.of("gen-0"));
        ReplicaStatus next;
        if (s == null) {
          // A new replica: it runs its generation, unless that one is broken.
          String state = broken.contains(r.generation()) ? "stopped" : "running";
          next = status(r, state, r.generation(), snaps, seq);
        } else if (s.generation() != r.generation() && s.running()) {
          next = status(r, "stopped", s.generation(), snaps, seq);
        } else if (s.generation() != r.generation() || !s.running()) {
          boolean runs = !broken.contains(r.generation());
          next =
              status(
                  r,
                  runs ? "running" : "stopped",
                  runs ? r.generation() : s.generation(),
                  snaps,
                  seq);
          if (!runs && s.generation() == r.generation()) {
            next = s;
          }
        } else {
          next = s;
        }
        if (!next.equals(s)) {
          write(r, next);
        }
        Long rev =
            endpoints.computeIfAbsent(
                r.id(),
                id ->
                    // A replica the scheduler placed: its endpoint came with it.
                    Await.result(store.get(keys.endpoint(id + "-http"), Object.class))
                        .map(v -> v.createRevision())
                        .orElse(null));
        if (rev != null && next.running() && reported.add(r.id())) {
          HttpResponse<Buffer> h =
              c.reportHealth(
                  nodes.get(r.nodeId()),
                  r.nodeId(),
                  NodeCluster.report(r.id() + "-http", rev, true, ""));
          assertThat(h.statusCode()).as(h.bodyAsString()).isEqualTo(200);
        }
        if (next.generation() != r.generation() || !next.running()) {
          changing++;
        }
        serving += next.running() ? 1 : 0;
      }
      if (watchServing) {
        minServing.accumulateAndGet(serving, Math::min);
        maxReplicas.accumulateAndGet(records.size(), Math::max);
      }
      maxChanging.accumulateAndGet(changing, Math::max);
      Await.result(store.get(keys.rollout("web"), RolloutRecord.class))
          .ifPresent(
              v ->
                  maxUpdatingSteps.accumulateAndGet(
                      (int)
                          v.value().steps().values().stream()
                              .filter(st -> st.state().equals("updating"))
                              .count(),
                      Math::max));
    }

    private ReplicaStatus status(
        ReplicaRecord r, String state, long gen, List<String> snaps, long seq) {
      return new ReplicaStatus(
          1, r.id(), r.nodeId(), state, gen, snaps, "", System.currentTimeMillis(), seq, "");
    }

    private void write(ReplicaRecord r, ReplicaStatus s) {
      long lease =
          c.fixture.runtime.cache().snapshot().get(keys.alive(r.nodeId())).orElseThrow().lease();
      Await.result(
          store
              .transaction()
              .put(keys.replicaStatus(r.id()), s, lease)
              .commit("simulated agent status of " + r.id()));
      last.put(r.id(), s);
    }
  }
}
