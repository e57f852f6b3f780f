package io.uptimemesh.web.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.core.idempotency.IdempotencyKeys;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.core.workload.ReplicaStatus;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.web.NodeCluster;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Workload specs, generations, rollback, node scheduling and the replica listing through the real
 * router on real etcd.
 */
@Timeout(120)
class WorkloadRoutesIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private NodeCluster c;

  @BeforeEach
  void setUp() {
    c = new NodeCluster(etcd.endpoints(), Duration.ofSeconds(30));
  }

  @AfterEach
  void tearDown() {
    c.close();
  }

  private static JsonObject spec(int replicas) {
    return new JsonObject()
        .put("image", "busybox")
        .put("replicas", replicas)
        .put("ports", new JsonArray().add(new JsonObject().put("name", "http").put("port", 8080)));
  }

  private HttpResponse<Buffer> apply(String name, JsonObject spec, String ifMatch) {
    var req = c.fixture.http.request(HttpMethod.PUT, "/api/v1/services/" + name + "/workload");
    req.bearerTokenAuthentication(c.admin);
    if (ifMatch != null) {
      req.putHeader("If-Match", ifMatch);
    }
    return Await.result(req.sendJsonObject(new JsonObject().put("workload", spec)));
  }

  private JsonObject applied(String name, JsonObject spec) {
    HttpResponse<Buffer> r = apply(name, spec, null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private List<Long> generations(String name) {
    HttpResponse<Buffer> r =
        c.op(HttpMethod.GET, "/api/v1/services/" + name + "/generations", null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("generations").stream()
        .map(o -> ((JsonObject) o).getLong("generation"))
        .toList();
  }

  private long storedCopies(String name) {
    EtcdStore store = c.fixture.runtime.store();
    return Await.result(store.listRaw(store.layout().serviceGenerationsPrefix(name))).getCount();
  }

  private JsonObject service(String name) {
    HttpResponse<Buffer> r = c.op(HttpMethod.GET, "/api/v1/services/" + name, null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  @Test
  void applyMakesGenerationsKeepsTenAndRollsBack() {
    HttpResponse<Buffer> created =
        c.op(
            HttpMethod.POST,
            "/api/v1/services",
            new JsonObject().put("name", "web").put("workload", spec(2)));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    assertThat(created.bodyAsJsonObject().getLong("generation")).isEqualTo(1);
    assertThat(created.bodyAsJsonObject().getJsonObject("workload").getInteger("replicas"))
        .isEqualTo(2);
    assertThat(generations("web")).containsExactly(1L);
    JsonObject shown = service("web");
    assertThat(shown.getLong("generation")).isEqualTo(1);
    assertThat(shown.getJsonObject("workload").getJsonObject("health").getString("type"))
        .as("the default check of the first port")
        .isEqualTo("tcp");

    // The identical spec writes nothing: same generation, same revision, no new copy.
    long before = shown.getLong("mod_revision");
    JsonObject same = applied("web", spec(2));
    assertThat(same.getBoolean("changed")).isFalse();
    assertThat(same.getLong("generation")).isEqualTo(1);
    assertThat(same.getLong("revision")).isEqualTo(before);
    assertThat(service("web").getLong("mod_revision")).isEqualTo(before);
    assertThat(generations("web")).containsExactly(1L);
    // A spec shown by the API applies again as it is (the same spec: nothing changes).
    assertThat(applied("web", shown.getJsonObject("workload")).getBoolean("changed")).isFalse();

    HttpResponse<Buffer> two = apply("web", spec(3), null);
    assertThat(two.statusCode()).as(two.bodyAsString()).isEqualTo(200);
    assertThat(two.bodyAsJsonObject().getLong("generation")).isEqualTo(2);
    assertThat(two.bodyAsJsonObject().getLong("previous_generation")).isEqualTo(1);
    assertThat(two.bodyAsJsonObject().getBoolean("changed")).isTrue();
    long rev2 = two.bodyAsJsonObject().getLong("revision");
    assertThat(two.getHeader("ETag")).isEqualTo("\"" + rev2 + "\"");
    assertThat(service("web").getLong("mod_revision")).isEqualTo(rev2);

    // If-Match: a stale revision is refused with 412 and writes nothing; the current one applies.
    HttpResponse<Buffer> stale = apply("web", spec(4), "\"" + before + "\"");
    assertThat(stale.statusCode()).as(stale.bodyAsString()).isEqualTo(412);
    assertThat(stale.bodyAsJsonObject().getString("error")).isEqualTo("precondition_failed");
    assertThat(stale.bodyAsJsonObject().getString("message")).contains("revision " + rev2);
    assertThat(service("web").getLong("generation")).isEqualTo(2);
    HttpResponse<Buffer> matched = apply("web", spec(4), "\"" + rev2 + "\"");
    assertThat(matched.statusCode()).as(matched.bodyAsString()).isEqualTo(200);
    assertThat(matched.bodyAsJsonObject().getLong("generation")).isEqualTo(3);
    assertBad(apply("web", spec(5), "yesterday"), "If-Match");

    // Twelve more generations: the last ten are kept, in etcd as in the listing.
    for (int i = 5; i <= 16; i++) {
      assertThat(applied("web", spec(i)).getLong("generation")).isEqualTo(i - 1);
    }
    assertThat(generations("web")).containsExactly(6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);
    assertThat(storedCopies("web")).isEqualTo(10);
    assertThat(c.op(HttpMethod.GET, "/api/v1/services/web/generations/5", null).statusCode())
        .isEqualTo(404);
    JsonObject g15 =
        c.op(HttpMethod.GET, "/api/v1/services/web/generations/15", null).bodyAsJsonObject();
    assertThat(g15.getJsonObject("spec").getInteger("replicas")).isEqualTo(16);
    assertThat(g15.getString("created_by")).isEqualTo("user:admin");
    assertThat(g15.getLong("created_at_ms")).isPositive();
    assertBad(c.op(HttpMethod.GET, "/api/v1/services/web/generations/x", null), "generation");

    // Rollback: by default to the generation before the current, as a new generation.
    HttpResponse<Buffer> back = c.op(HttpMethod.POST, "/api/v1/services/web/rollback", null);
    assertThat(back.statusCode()).as(back.bodyAsString()).isEqualTo(200);
    assertThat(back.bodyAsJsonObject().getLong("generation")).isEqualTo(16);
    assertThat(back.bodyAsJsonObject().getJsonObject("workload").getInteger("replicas"))
        .isEqualTo(15);
    JsonObject g16 =
        c.op(HttpMethod.GET, "/api/v1/services/web/generations/16", null).bodyAsJsonObject();
    assertThat(g16.getLong("rollback_of")).isEqualTo(14);
    assertThat(g16.getJsonObject("spec").getInteger("replicas")).isEqualTo(15);
    // To any kept generation; one no longer kept is 404 and writes nothing.
    HttpResponse<Buffer> to8 =
        c.op(
            HttpMethod.POST,
            "/api/v1/services/web/rollback",
            new JsonObject().put("to_generation", 8));
    assertThat(to8.statusCode()).as(to8.bodyAsString()).isEqualTo(200);
    assertThat(to8.bodyAsJsonObject().getLong("generation")).isEqualTo(17);
    assertThat(to8.bodyAsJsonObject().getJsonObject("workload").getInteger("replicas"))
        .isEqualTo(9);
    // Going back to the spec the service runs already writes nothing, like an identical apply.
    JsonObject again =
        c.op(
                HttpMethod.POST,
                "/api/v1/services/web/rollback",
                new JsonObject().put("to_generation", 8))
            .bodyAsJsonObject();
    assertThat(again.getBoolean("changed")).isFalse();
    assertThat(again.getLong("generation")).isEqualTo(17);
    HttpResponse<Buffer> gone =
        c.op(
            HttpMethod.POST,
            "/api/v1/services/web/rollback",
            new JsonObject().put("to_generation", 2));
    assertThat(gone.statusCode()).as(gone.bodyAsString()).isEqualTo(404);
    assertThat(gone.bodyAsJsonObject().getString("message")).contains("generation 2", "not kept");
    assertBad(
        c.op(
            HttpMethod.POST,
            "/api/v1/services/web/rollback",
            new JsonObject().put("to_generation", "latest")),
        "to_generation");
    assertThat(service("web").getLong("generation")).isEqualTo(17);
    assertThat(generations("web")).hasSize(10).last().isEqualTo(17L);
    assertThat(storedCopies("web")).isEqualTo(10);

    // A discovery-only service has nothing to roll back; applying gives it generation 1.
    c.service("plain");
    HttpResponse<Buffer> none = c.op(HttpMethod.POST, "/api/v1/services/plain/rollback", null);
    assertThat(none.statusCode()).as(none.bodyAsString()).isEqualTo(409);
    assertThat(none.bodyAsJsonObject().getString("message")).contains("no workload");
    assertThat(service("plain").getValue("workload")).isNull();
    assertThat(service("plain").getLong("generation")).isZero();
    assertThat(generations("plain")).isEmpty();
    assertThat(applied("plain", spec(1)).getLong("generation")).isEqualTo(1);
    assertThat(apply("nope", spec(1), null).statusCode()).isEqualTo(404);
    assertThat(c.op(HttpMethod.GET, "/api/v1/services/nope/generations", null).statusCode())
        .isEqualTo(404);

    // Deleting a service deletes its kept generations with it.
    assertThat(c.op(HttpMethod.DELETE, "/api/v1/services/web", null).statusCode()).isEqualTo(200);
    assertThat(storedCopies("web")).isZero();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(eventNames("workloads"))
                    .contains("workload_applied", "workload_rolled_back"));
  }

  @Test
  void aRepeatedApplyOrRollbackWithItsIdempotencyKeyIsAppliedOnce() {
    c.op(
        HttpMethod.POST,
        "/api/v1/services",
        new JsonObject().put("name", "web").put("workload", spec(1)));
    JsonObject body = new JsonObject().put("workload", spec(2));
    HttpResponse<Buffer> first =
        keyed(HttpMethod.PUT, "/api/v1/services/web/workload", body, "k-1");
    HttpResponse<Buffer> again =
        keyed(HttpMethod.PUT, "/api/v1/services/web/workload", body, "k-1");
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.getHeader(IdempotencyKeys.REPLAYED_HEADER)).isEqualTo("true");
    assertThat(again.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
    HttpResponse<Buffer> back =
        keyed(HttpMethod.POST, "/api/v1/services/web/rollback", new JsonObject(), "k-2");
    HttpResponse<Buffer> backAgain =
        keyed(HttpMethod.POST, "/api/v1/services/web/rollback", new JsonObject(), "k-2");
    assertThat(back.bodyAsJsonObject().getLong("generation")).isEqualTo(3);
    assertThat(backAgain.bodyAsJsonObject()).isEqualTo(back.bodyAsJsonObject());
    assertThat(service("web").getLong("generation")).isEqualTo(3);
    assertThat(generations("web")).containsExactly(1L, 2L, 3L);
    // If-Match on a rollback too, in the weak form as well.
    long rev = service("web").getLong("mod_revision");
    var req = c.fixture.http.request(HttpMethod.POST, "/api/v1/services/web/rollback");
    req.bearerTokenAuthentication(c.admin).putHeader("If-Match", "W/\"" + (rev - 1) + "\"");
    HttpResponse<Buffer> stale = Await.result(req.sendJsonObject(new JsonObject()));
    assertThat(stale.statusCode()).as(stale.bodyAsString()).isEqualTo(412);
    assertThat(service("web").getLong("generation")).isEqualTo(3);
  }

  private HttpResponse<Buffer> keyed(HttpMethod method, String path, JsonObject body, String key) {
    return Await.result(
        c.fixture
            .http
            .request(method, path)
            .bearerTokenAuthentication(c.admin)
            .putHeader(IdempotencyKeys.HEADER, key)
            .sendJsonObject(body));
  }

  @Test
  void badSpecsAreRefusedNamingTheFieldAndWriteNothing() {
    assertBad(
        c.op(
            HttpMethod.POST,
            "/api/v1/services",
            new JsonObject().put("name", "web").put("workload", spec(1).put("image", ""))),
        "workload.image");
    assertThat(c.op(HttpMethod.GET, "/api/v1/services/web", null).statusCode()).isEqualTo(404);
    assertBad(
        c.op(
            HttpMethod.POST,
            "/api/v1/services",
            new JsonObject().put("name", "web").put("workload", "busybox")),
        "workload");
    c.service("web");
    assertBad(apply("web", spec(101), null), "workload.replicas");
    assertBad(
        apply(
            "web",
            spec(1)
                .put(
                    "ports",
                    new JsonArray().add(new JsonObject().put("name", "http").put("port", 0))),
            null),
        "workload.ports[0].port");
    assertBad(
        apply("web", spec(1).put("health", new JsonObject().put("port_name", "dns")), null),
        "workload.health.port_name");
    assertBad(
        apply(
            "web", spec(1).put("rolling_update", new JsonObject().put("max_unavailable", 0)), null),
        "workload.rolling_update");
    assertBad(
        apply("web", spec(1).put("config", new JsonObject().put("limits.cpu", "2")), null),
        "workload.config");
    HttpResponse<Buffer> missing =
        c.op(HttpMethod.PUT, "/api/v1/services/web/workload", new JsonObject());
    assertBad(missing, "workload");
    assertThat(service("web").getLong("generation")).isZero();
    assertThat(storedCopies("web")).isZero();
  }

  @Test
  void nodesAreCordonedDrainedAndUncordoned() {
    NodeCluster.Node n1 = c.join("n1");
    HttpResponse<Buffer> cordoned = c.op(HttpMethod.POST, "/api/v1/nodes/n1/cordon", null);
    assertThat(cordoned.statusCode()).as(cordoned.bodyAsString()).isEqualTo(200);
    JsonObject s = cordoned.bodyAsJsonObject().getJsonObject("scheduling");
    assertThat(s.getBoolean("cordoned")).isTrue();
    assertThat(s.getBoolean("draining")).isFalse();
    assertThat(s.getBoolean("schedulable")).isFalse();
    assertThat(s.getString("by")).isEqualTo("user:admin");
    long since = s.getLong("since_ms");
    // Asking again changes nothing, not even since when.
    JsonObject again =
        c.op(HttpMethod.POST, "/api/v1/nodes/n1/cordon", null)
            .bodyAsJsonObject()
            .getJsonObject("scheduling");
    assertThat(again.getLong("since_ms")).isEqualTo(since);
    assertThat(scheduling(n1.id()).getBoolean("cordoned")).isTrue();

    JsonObject drained =
        c.op(HttpMethod.POST, "/api/v1/nodes/n1/drain", null)
            .bodyAsJsonObject()
            .getJsonObject("scheduling");
    assertThat(drained.getBoolean("cordoned")).isTrue();
    assertThat(drained.getBoolean("draining")).isTrue();
    assertThat(scheduling(n1.id()).getBoolean("draining")).isTrue();
    // Cordoning a draining node does not stop the drain.
    assertThat(
            c.op(HttpMethod.POST, "/api/v1/nodes/n1/cordon", null)
                .bodyAsJsonObject()
                .getJsonObject("scheduling")
                .getBoolean("draining"))
        .isTrue();

    JsonObject uncordoned =
        c.op(HttpMethod.POST, "/api/v1/nodes/n1/uncordon", null)
            .bodyAsJsonObject()
            .getJsonObject("scheduling");
    assertThat(uncordoned.getBoolean("schedulable")).isTrue();
    assertThat(scheduling(n1.id()).getBoolean("schedulable")).isTrue();
    EtcdStore store = c.fixture.runtime.store();
    assertThat(Await.result(store.get(store.layout().nodeScheduling("n1"), Object.class)))
        .as("absent is schedulable: nothing is left behind")
        .isEmpty();

    assertThat(c.op(HttpMethod.POST, "/api/v1/nodes/ghost/cordon", null).statusCode())
        .isEqualTo(404);
    assertThat(c.op(HttpMethod.POST, "/api/v1/nodes/Bad_Id/drain", null).statusCode())
        .isEqualTo(404);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(eventNames("workloads"))
                    .contains("node_cordoned", "node_drain_requested", "node_uncordoned"));
  }

  @Test
  void replicasAreListedWithTheirStatusAndEndpointHealth() {
    NodeCluster.Node n1 = c.join("n1");
    c.join("n2");
    c.keepAlive(n1);
    c.op(
        HttpMethod.POST,
        "/api/v1/services",
        new JsonObject().put("name", "web").put("workload", spec(2)));
    c.service("api");
    EtcdStore store = c.fixture.runtime.store();
    var keys = store.layout();
    long now = System.currentTimeMillis();
    Await.result(
        store.put(
            keys.replica("web-0a1b2"),
            new ReplicaRecord(1, "web-0a1b2", "web", "n1", 1, Map.of("http", 8080), null, now)));
    Await.result(
        store.put(
            keys.replica("web-0c3d4"),
            new ReplicaRecord(1, "web-0c3d4", "web", "n2", 1, Map.of("http", 8080), null, now)));
    Await.result(
        store.put(
            keys.replica("api-00001"),
            new ReplicaRecord(1, "api-00001", "api", "n1", 1, Map.of(), null, now)));
    Await.result(
        store.put(
            keys.replicaStatus("web-0a1b2"),
            new ReplicaStatus(1, "web-0a1b2", "n1", "running", 1, List.of("gen-0"), "", now)));
    JsonObject e =
        c.endpoint(
            new JsonObject()
                .put("id", "web-0a1b2-http")
                .put("service", "web")
                .put("node_id", "n1")
                .put("port", 8080)
                .put("port_name", "http"));
    HttpResponse<Buffer> reported =
        c.reportHealth(
            n1, "n1", NodeCluster.report("web-0a1b2-http", e.getLong("revision"), true, ""));
    assertThat(reported.statusCode()).as(reported.bodyAsString()).isEqualTo(200);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(replicaIds("")).hasSize(3));
    assertThat(replicaIds("")).containsExactly("api-00001", "web-0a1b2", "web-0c3d4");
    assertThat(replicaIds("?service=web")).containsExactly("web-0a1b2", "web-0c3d4");
    assertThat(replicaIds("?node=n1")).containsExactly("api-00001", "web-0a1b2");
    assertThat(replicaIds("?service=web&node=n2")).containsExactly("web-0c3d4");
    assertThat(replicaIds("?service=other")).isEmpty();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(replica("web-0a1b2").getString("health")).isEqualTo("healthy"));
    JsonObject running = replica("web-0a1b2");
    assertThat(running.getString("state")).isEqualTo("running");
    assertThat(running.getLong("running_generation")).isEqualTo(1);
    assertThat(running.getLong("generation")).isEqualTo(1);
    assertThat(running.getJsonArray("snapshots")).containsExactly("gen-0");
    assertThat(running.getJsonObject("host_ports").getInteger("http")).isEqualTo(8080);
    assertThat(running.getJsonArray("endpoints").getJsonObject(0).getString("state"))
        .isEqualTo("healthy");
    // n2 reported nothing and is not alive; its replica's endpoint was never made.
    JsonObject silent = replica("web-0c3d4");
    assertThat(silent.getString("state")).isEqualTo("unreported");
    assertThat(silent.getValue("running_generation")).isNull();
    assertThat(silent.getString("health")).isEqualTo("unknown");
    assertThat(silent.getJsonArray("endpoints").getJsonObject(0).getString("reason"))
        .isEqualTo("no endpoint");
    assertThat(replica("api-00001").getString("health")).isEqualTo("none");
    assertThat(c.op(HttpMethod.GET, "/api/v1/replicas/nope-00000", null).statusCode())
        .isEqualTo(404);
    assertThat(c.op(HttpMethod.GET, "/api/v1/replicas/a..b", null).statusCode()).isEqualTo(404);
  }

  private JsonObject replica(String id) {
    HttpResponse<Buffer> r = c.op(HttpMethod.GET, "/api/v1/replicas/" + id, null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private List<String> replicaIds(String query) {
    HttpResponse<Buffer> r = c.op(HttpMethod.GET, "/api/v1/replicas" + query, null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("replicas").stream()
        .map(o -> ((JsonObject) o).getString("id"))
        .toList();
  }

  private JsonObject scheduling(String nodeId) {
    JsonArray nodes =
        c.op(HttpMethod.GET, "/api/v1/nodes", null).bodyAsJsonObject().getJsonArray("nodes");
    return nodes.stream()
        .map(o -> (JsonObject) o)
        .filter(n -> nodeId.equals(n.getString("node_id")))
        .findFirst()
        .orElseThrow()
        .getJsonObject("scheduling");
  }

  private List<String> eventNames(String category) {
    return c
        .op(HttpMethod.GET, "/api/v1/events?category=" + category + "&limit=100", null)
        .bodyAsJsonObject()
        .getJsonArray("events")
        .stream()
        .map(o -> ((JsonObject) o).getString("name"))
        .toList();
  }

  private static void assertBad(HttpResponse<Buffer> r, String field) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("message")).contains(field);
  }
}
