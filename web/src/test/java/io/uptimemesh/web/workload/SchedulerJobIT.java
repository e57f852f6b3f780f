package io.uptimemesh.web.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.core.config.SchedulerSettings;
import io.uptimemesh.core.discovery.EndpointRecord;
import io.uptimemesh.core.identity.NodeStaleRecord;
import io.uptimemesh.core.workload.ReplicaIdSource;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.core.workload.ReplicaStatus;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.WatchCache;
import io.uptimemesh.etcd.leader.Fence;
import io.uptimemesh.etcd.leader.LeaderJobs;
import io.uptimemesh.etcd.leader.StaleNodeSweep;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The scheduler leader job, the plan preview and replica moves on real etcd, with nodes that join
 * and heartbeat like agents. The agents' LXD side is simulated as the agent would report: a {@code
 * replica-status} on the node's liveness lease and endpoint health through the signed route.
 */
@Timeout(180)
class SchedulerJobIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private static final Duration TTL = Duration.ofSeconds(3);
  private static final Duration GRACE = Duration.ofSeconds(2);

  private NodeCluster c;
  private EtcdStore store;
  private KeyLayout keys;
  private WatchCache cache;
  private LeaderJobs jobs;
  private Fence fence;
  private SchedulerJob job;

  @BeforeEach
  void setUp() {
    c = new NodeCluster(etcd.endpoints(), TTL);
    store = c.fixture.runtime.store();
    keys = store.layout();
    cache = c.fixture.runtime.cache();
    String electionKey = keys.electionPrefix() + "scheduler-it";
    Await.result(store.put(electionKey, Map.of("name", "it")));
    long created =
        Await.result(store.get(electionKey, Object.class)).orElseThrow().createRevision();
    fence = new Fence(electionKey, created);
    job =
        new SchedulerJob(
            c.fixture.vertx,
            store,
            cache,
            c.fixture.events,
            Clock.systemUTC(),
            new SchedulerSettings(Duration.ofSeconds(1), GRACE),
            ReplicaIdSource.seeded(7));
  }

  @AfterEach
  void tearDown() {
    if (jobs != null) {
      Await.result(jobs.stop());
    }
    c.close();
  }

  /** Runs the stale sweep and the scheduler as the leader does. */
  private void lead() {
    jobs =
        new LeaderJobs(c.fixture.vertx)
            .register(new StaleNodeSweep(store, cache, Duration.ofMillis(300), Clock.systemUTC()))
            .register(job);
    jobs.leadershipChanged(Optional.of(fence));
  }

  private static JsonObject spec(int replicas) {
    return new JsonObject()
        .put("image", "busybox")
        .put("replicas", replicas)
        .put(
            "ports",
            new JsonArray()
                .add(new JsonObject().put("name", "http").put("port", 8080))
                .add(new JsonObject().put("name", "metrics").put("port", 9100)))
        .put(
            "health",
            new JsonObject()
                .put("port_name", "http")
                .put("type", "http")
                .put("path", "/healthz")
                .put("interval_ms", 500));
  }

  private void createService(String name, JsonObject spec) {
    HttpResponse<Buffer> r =
        c.op(
            HttpMethod.POST,
            "/api/v1/services",
            new JsonObject().put("name", name).put("workload", spec));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
  }

  private List<NodeCluster.Node> aliveNodes(String... ids) {
    List<NodeCluster.Node> out = new ArrayList<>();
    for (String id : ids) {
      NodeCluster.Node n = c.join(id);
      c.keepAlive(n);
      out.add(n);
    }
    return out;
  }

  private List<ReplicaRecord> replicas() {
    return SchedulerView.replicas(cache.snapshot(), store);
  }

  private Optional<ReplicaRecord> replica(String id) {
    return replicas().stream().filter(r -> r.id().equals(id)).findFirst();
  }

  /**
   * What the node's agent would report once the replica's container runs and its checks pass: a
   * running status on the node's lease, and every endpoint healthy.
   */
  private void serve(NodeCluster.Node n, ReplicaRecord r) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                r.hostPorts().keySet().stream()
                    .allMatch(
                        p -> cache.snapshot().get(keys.endpoint(r.id() + "-" + p)).isPresent()));
    CacheSnapshot snap = cache.snapshot();
    long lease = snap.get(keys.alive(n.id())).orElseThrow().lease();
    Await.result(
        store
            .transaction()
            .put(
                keys.replicaStatus(r.id()),
                new ReplicaStatus(
                    1,
                    r.id(),
                    n.id(),
                    "running",
                    r.generation(),
                    List.of(),
                    "",
                    System.currentTimeMillis()),
                lease)
            .commit("simulated agent status"));
    List<JsonObject> reports = new ArrayList<>();
    for (String port : r.hostPorts().keySet()) {
      String id = r.id() + "-" + port;
      long rev = snap.get(keys.endpoint(id)).orElseThrow().createRevision();
      reports.add(NodeCluster.report(id, rev, true, "ok"));
    }
    HttpResponse<Buffer> sent = c.reportHealth(n, n.id(), reports.toArray(JsonObject[]::new));
    assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(200);
  }

  private void serveAll(List<NodeCluster.Node> nodes) {
    Map<String, NodeCluster.Node> byId = new HashMap<>();
    nodes.forEach(n -> byId.put(n.id(), n));
    for (ReplicaRecord r : replicas()) {
      if (byId.containsKey(r.nodeId()) && !serving(cache.snapshot(), r)) {
        serve(byId.get(r.nodeId()), r);
      }
    }
  }

  private boolean serving(CacheSnapshot snap, ReplicaRecord r) {
    boolean running =
        snap.get(keys.replicaStatus(r.id()))
            .map(e -> store.decode(e, ReplicaStatus.class).value().running())
            .orElse(false);
    return running && ReplicaHealth.of(snap, store, r).healthy();
  }

  private long servingCount(CacheSnapshot snap, String service) {
    return SchedulerView.replicas(snap, store).stream()
        .filter(r -> r.service().equals(service) && serving(snap, r))
        .count();
  }

  private void awaitServing(String service, long n) {
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(servingCount(cache.snapshot(), service)).isEqualTo(n));
  }

  @Test
  void placesReplicasWithTheirEndpointsAndRestsOnceTheyServe() {
    List<NodeCluster.Node> nodes = aliveNodes("n1", "n2", "n3");
    var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    job.bindMetrics(registry);
    createService("web", spec(3));
    lead();
    await().atMost(Duration.ofSeconds(10)).until(() -> replicas().size() == 3);
    List<ReplicaRecord> placed = replicas();
    assertThat(registry.get("uptimemesh.scheduler.replicas.placed").functionCounter().count())
        .isEqualTo(3);
    assertThat(placed)
        .extracting(ReplicaRecord::nodeId)
        .containsExactlyInAnyOrder("n1", "n2", "n3");
    Map<String, String> meshIps = new HashMap<>();
    nodes.forEach(n -> meshIps.put(n.id(), n.meshIp()));
    for (ReplicaRecord r : placed) {
      assertThat(r.generation()).isEqualTo(1);
      assertThat(r.hostPorts()).containsEntry("http", 8080).containsEntry("metrics", 9100);
      assertThat(r.replaces()).isNull();
      EndpointRecord http = endpoint(r.id() + "-http");
      assertThat(http.service()).isEqualTo("web");
      assertThat(http.nodeId()).isEqualTo(r.nodeId());
      assertThat(http.address()).isEqualTo(meshIps.get(r.nodeId()));
      assertThat(http.port()).isEqualTo(8080);
      assertThat(http.check().type()).as("the spec's check on its port").isEqualTo("http");
      assertThat(http.check().path()).isEqualTo("/healthz");
      EndpointRecord metrics = endpoint(r.id() + "-metrics");
      assertThat(metrics.check().type()).as("a tcp connect on the other ports").isEqualTo("tcp");
      assertThat(metrics.check().intervalMs()).as("at the spec's interval").isEqualTo(500);
      assertThat(metrics.port()).isEqualTo(9100);
    }

    serveAll(nodes);
    awaitServing("web", 3);
    // Converged: the next runs plan nothing and write nothing.
    Map<String, Long> before = written();
    SchedulerJob.Outcome again = Await.result(job.runOnce(fence));
    assertThat(again.planned()).isZero();
    pause(1500);
    assertThat(replicas()).containsExactlyInAnyOrderElementsOf(placed);
    assertThat(written()).as("nothing written since").isEqualTo(before);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(eventNames()).contains("replica_placed"));
  }

  /** Four alive nodes, "web" with three replicas placed on n1..n3 and serving; n4 free. */
  private List<NodeCluster.Node> threeServingOnFourNodes() {
    List<NodeCluster.Node> nodes = aliveNodes("n1", "n2", "n3", "n4");
    createService("web", spec(3));
    lead();
    await().atMost(Duration.ofSeconds(10)).until(() -> replicas().size() == 3);
    assertThat(replicas()).extracting(ReplicaRecord::nodeId).doesNotContain("n4");
    serveAll(nodes);
    awaitServing("web", 3);
    return nodes;
  }

  @Test
  void aDrainMovesEveryReplicaAwayMakeBeforeBreak() {
    List<NodeCluster.Node> nodes = threeServingOnFourNodes();
    ReplicaRecord old =
        replicas().stream().filter(r -> r.nodeId().equals("n1")).findFirst().orElseThrow();

    // Every view of the cluster from now on must have three serving replicas.
    List<String> violations = new CopyOnWriteArrayList<>();
    cache.onChange(
        snap -> {
          long n = servingCount(snap, "web");
          if (n < 3) {
            violations.add("revision " + snap.revision() + ": " + n + " serving");
          }
        });

    HttpResponse<Buffer> drain = c.op(HttpMethod.POST, "/api/v1/nodes/n1/drain", null);
    assertThat(drain.statusCode()).as(drain.bodyAsString()).isEqualTo(200);
    assertThat(drain.bodyAsJsonObject().getInteger("replicas_on_node")).isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> replicas().stream().anyMatch(r -> old.id().equals(r.replaces())));
    ReplicaRecord replacement =
        replicas().stream().filter(r -> old.id().equals(r.replaces())).findFirst().orElseThrow();
    assertThat(replacement.nodeId()).isEqualTo("n4");
    assertThat(replacement.generation()).isEqualTo(old.generation());

    // Not yet running: the old replica stays, however many runs go by.
    pause(2500);
    assertThat(replica(old.id())).as("kept until its replacement serves").isPresent();
    serve(nodes.get(3), replacement);
    await().atMost(Duration.ofSeconds(10)).until(() -> replica(old.id()).isEmpty());
    assertThat(cache.snapshot().get(keys.endpoint(old.id() + "-http"))).isEmpty();
    assertThat(cache.snapshot().get(keys.replicaStatus(old.id()))).isEmpty();
    assertThat(replicas())
        .extracting(ReplicaRecord::nodeId)
        .containsExactlyInAnyOrder("n2", "n3", "n4");
    assertThat(violations).isEmpty();
    assertThat(
            c.op(HttpMethod.POST, "/api/v1/nodes/n1/drain", null)
                .bodyAsJsonObject()
                .getInteger("replicas_on_node"))
        .as("the drain is done")
        .isZero();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(eventNames()).contains("replica_placed", "replica_removed"));
  }

  @Test
  void aNodeStaleLongerThanTheGraceGetsItsReplicasReplaced() {
    List<NodeCluster.Node> nodes = threeServingOnFourNodes();
    ReplicaRecord lost =
        replicas().stream().filter(r -> r.nodeId().equals("n2")).findFirst().orElseThrow();

    c.stopHeartbeats(nodes.get(1));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> replicas().stream().anyMatch(r -> lost.id().equals(r.replaces())));
    ReplicaRecord replacement =
        replicas().stream().filter(r -> lost.id().equals(r.replaces())).findFirst().orElseThrow();
    assertThat(replacement.nodeId()).isEqualTo("n4");
    NodeStaleRecord stale =
        Await.result(store.get(keys.nodeStale("n2"), NodeStaleRecord.class)).orElseThrow().value();
    assertThat(replacement.createdAtMs() - stale.sinceMs())
        .as("not before the grace period is over")
        .isGreaterThanOrEqualTo(GRACE.toMillis());
    assertThat(replica(lost.id())).isPresent();
    serve(nodes.get(3), replacement);
    await().atMost(Duration.ofSeconds(10)).until(() -> replica(lost.id()).isEmpty());
    assertThat(replicas())
        .extracting(ReplicaRecord::nodeId)
        .containsExactlyInAnyOrder("n1", "n3", "n4");
  }

  @Test
  void thePlanRouteShowsActionsAndNotesAndChangesNothing() {
    aliveNodes("n1", "n2", "n3");
    createService("web", spec(5));
    Map<String, Long> before = written();
    HttpResponse<Buffer> r = c.op(HttpMethod.GET, "/api/v1/scheduler/plan", null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonArray actions = r.bodyAsJsonObject().getJsonArray("actions");
    assertThat(actions).hasSize(3);
    JsonObject first = actions.getJsonObject(0);
    assertThat(first.getString("action")).isEqualTo("place");
    assertThat(first.getString("service")).isEqualTo("web");
    assertThat(first.getString("node_id")).isEqualTo("n1");
    assertThat(first.getString("reason")).contains("scale up");
    assertThat(first.getJsonObject("host_ports").getInteger("http")).isEqualTo(8080);
    JsonArray notes = r.bodyAsJsonObject().getJsonArray("notes");
    assertThat(notes).hasSize(1);
    assertThat(notes.getJsonObject(0).getString("message")).contains("only 3 of 5");
    assertThat(written()).as("a plan writes nothing").isEqualTo(before);
    assertThat(replicas()).isEmpty();
    assertThat(c.send(HttpMethod.GET, "/api/v1/scheduler/plan", null, null).statusCode())
        .isEqualTo(401);
  }

  @Test
  void aMoveIsCheckedThenPlacedAndCompletedMakeBeforeBreak() {
    List<NodeCluster.Node> nodes = aliveNodes("n1", "n2", "n3", "n4");
    assertThat(c.op(HttpMethod.POST, "/api/v1/nodes/n3/cordon", null).statusCode()).isEqualTo(200);
    createService("web", spec(2));
    lead();
    await().atMost(Duration.ofSeconds(10)).until(() -> replicas().size() == 2);
    ReplicaRecord r1 =
        replicas().stream().filter(r -> r.nodeId().equals("n1")).findFirst().orElseThrow();
    ReplicaRecord r2 =
        replicas().stream().filter(r -> r.nodeId().equals("n2")).findFirst().orElseThrow();

    assertThat(move("web-fffff", "n4").statusCode()).isEqualTo(404);
    assertThat(move(r1.id(), "ghost").statusCode()).isEqualTo(404);
    HttpResponse<Buffer> noTarget =
        c.op(HttpMethod.POST, "/api/v1/replicas/" + r1.id() + "/move", new JsonObject());
    assertThat(noTarget.statusCode()).as(noTarget.bodyAsString()).isEqualTo(400);
    assertThat(noTarget.bodyAsJsonObject().getString("message")).contains("to");
    assertConflict(move(r1.id(), "n3"), "cordoned");
    assertConflict(move(r1.id(), "n2"), "hard anti-affinity");
    assertConflict(move(r1.id(), "n1"), "already");

    HttpResponse<Buffer> moved = move(r1.id(), "n4");
    assertThat(moved.statusCode()).as(moved.bodyAsString()).isEqualTo(200);
    JsonObject replacement = moved.bodyAsJsonObject().getJsonObject("replacement");
    assertThat(replacement.getString("node_id")).isEqualTo("n4");
    assertThat(replacement.getString("replaces")).isEqualTo(r1.id());
    assertThat(replacement.getLong("generation")).isEqualTo(r1.generation());
    String newId = replacement.getString("id");
    assertThat(cache.snapshot().get(keys.endpoint(newId + "-http"))).isPresent();
    assertConflict(move(r1.id(), "n4"), "replacement already");
    // The same request again with its Idempotency-Key gets the first answer, not a conflict.
    HttpResponse<Buffer> keyed = keyedMove(r2.id(), "n3", "move-1");
    assertThat(keyed.statusCode()).as(keyed.bodyAsString()).isEqualTo(409);
    assertThat(c.op(HttpMethod.POST, "/api/v1/nodes/n3/uncordon", null).statusCode())
        .isEqualTo(200);
    HttpResponse<Buffer> first = keyedMove(r2.id(), "n3", "move-2");
    HttpResponse<Buffer> replayed = keyedMove(r2.id(), "n3", "move-2");
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
    assertThat(replayed.statusCode()).isEqualTo(200);
    assertThat(replayed.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
    assertThat(replicas().stream().filter(r -> r2.id().equals(r.replaces())).count())
        .as("one replacement for one request")
        .isEqualTo(1);

    pause(1500);
    assertThat(replica(r1.id())).as("kept until the replacement serves").isPresent();
    serve(nodes.get(3), replica(newId).orElseThrow());
    await().atMost(Duration.ofSeconds(10)).until(() -> replica(r1.id()).isEmpty());
    assertThat(replicas())
        .extracting(ReplicaRecord::id)
        .contains(r2.id(), newId)
        .doesNotContain(r1.id());
  }

  @Test
  void twoMovesOfOneReplicaAtTheSameMomentWriteOneReplacement() {
    aliveNodes("n1", "n2", "n3", "n4");
    createService("web", spec(2));
    lead();
    await().atMost(Duration.ofSeconds(10)).until(() -> replicas().size() == 2);
    // The scheduler must not tidy up what this test counts.
    Await.result(jobs.stop());
    jobs = null;
    ReplicaRecord r1 =
        replicas().stream().filter(r -> r.nodeId().equals("n1")).findFirst().orElseThrow();
    // Both requests are read against the same cache: neither sees the other's replacement.
    var toN3 =
        c.fixture
            .http
            .request(HttpMethod.POST, "/api/v1/replicas/" + r1.id() + "/move")
            .bearerTokenAuthentication(c.admin)
            .sendJsonObject(new JsonObject().put("to", "n3"));
    var toN4 =
        c.fixture
            .http
            .request(HttpMethod.POST, "/api/v1/replicas/" + r1.id() + "/move")
            .bearerTokenAuthentication(c.admin)
            .sendJsonObject(new JsonObject().put("to", "n4"));
    List<Integer> codes = List.of(Await.result(toN3).statusCode(), Await.result(toN4).statusCode());
    assertThat(codes).containsExactlyInAnyOrder(200, 409);
    assertThat(replicas().stream().filter(r -> r1.id().equals(r.replaces())).count()).isEqualTo(1);
  }

  @Test
  void aJobWithoutLeadershipWritesNothing() {
    aliveNodes("n1", "n2", "n3");
    createService("web", spec(3));
    Fence stale = new Fence(fence.electionKey(), fence.createRevision() + 1000);
    SchedulerJob.Outcome outcome = Await.result(job.runOnce(stale));
    assertThat(outcome.planned()).isEqualTo(3);
    assertThat(outcome.applied()).isZero();
    assertThat(outcome.interrupted()).isTrue();
    // Deposed: the term's key is gone (lease expired, resigned).
    Await.result(store.transaction().delete(fence.electionKey()).commit("resign"));
    assertThat(Await.result(job.runOnce(fence)).applied()).isZero();
    assertThat(Await.result(store.listRaw(keys.replicasPrefix())).getCount()).isZero();
    assertThat(Await.result(store.listRaw(keys.endpointsPrefix())).getCount()).isZero();
  }

  /** Key → mod revision of every replica and endpoint key, read from etcd. */
  private Map<String, Long> written() {
    Map<String, Long> out = new HashMap<>();
    for (String prefix : List.of(keys.replicasPrefix(), keys.endpointsPrefix())) {
      Await.result(store.listRaw(prefix))
          .getKvs()
          .forEach(
              kv ->
                  out.put(
                      kv.getKey().toString(java.nio.charset.StandardCharsets.UTF_8),
                      kv.getModRevision()));
    }
    return out;
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private HttpResponse<Buffer> keyedMove(String id, String to, String key) {
    return Await.result(
        c.fixture
            .http
            .request(HttpMethod.POST, "/api/v1/replicas/" + id + "/move")
            .bearerTokenAuthentication(c.admin)
            .putHeader(io.uptimemesh.core.idempotency.IdempotencyKeys.HEADER, key)
            .sendJsonObject(new JsonObject().put("to", to)));
  }

  private HttpResponse<Buffer> move(String id, String to) {
    return c.op(
        HttpMethod.POST, "/api/v1/replicas/" + id + "/move", new JsonObject().put("to", to));
  }

  private static void assertConflict(HttpResponse<Buffer> r, String text) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(409);
    assertThat(r.bodyAsJsonObject().getString("message")).contains(text);
  }

  private EndpointRecord endpoint(String id) {
    return store
        .decode(cache.snapshot().get(keys.endpoint(id)).orElseThrow(), EndpointRecord.class)
        .value();
  }

  private List<String> eventNames() {
    return c
        .op(HttpMethod.GET, "/api/v1/events?category=workloads&limit=100", null)
        .bodyAsJsonObject()
        .getJsonArray("events")
        .stream()
        .map(o -> ((JsonObject) o).getString("name"))
        .toList();
  }
}
