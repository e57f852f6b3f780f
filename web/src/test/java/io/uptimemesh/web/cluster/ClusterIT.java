package io.uptimemesh.web.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.core.identity.AliveRecord;
import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.core.identity.NodeRef;
import io.uptimemesh.core.identity.NodeStaleRecord;
import io.uptimemesh.core.identity.NodeStatusRecord;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.leader.LeaderElection;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.web.ApiFixture;
import io.uptimemesh.web.identity.IdentityConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The leader route and node pruning through the real router, on a real etcd. */
@Timeout(90)
class ClusterIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private static final Duration PRUNE_AFTER = Duration.ofHours(1);
  private static final long HOUR = 3_600_000L;
  private static final List<String> SEEDED =
      List.of("old-revoked", "new-revoked", "old-stale", "new-stale", "unmarked", "alive");

  private ApiFixture fixture;
  private final AtomicReference<LeaderElection> election = new AtomicReference<>();
  private EtcdStore store;
  private KeyLayout keys;
  private String adminToken;
  private long now;

  @BeforeEach
  void setUp() {
    IdentityConfig identity = ApiFixture.identityConfig(Duration.ofSeconds(30));
    fixture =
        ApiFixture.start(
            etcd.endpoints(),
            1 << 20,
            Optional.of(identity),
            List.of(
                ApiFixture.clusterRoutes(
                    identity,
                    PRUNE_AFTER,
                    e -> {
                      election.set(e);
                      e.start();
                    })));
    store = fixture.runtime.store();
    keys = store.layout();
    now = System.currentTimeMillis();
    JsonObject boot = post("/api/v1/bootstrap", new JsonObject(), null).bodyAsJsonObject();
    adminToken =
        post(
                "/api/v1/auth/login",
                new JsonObject()
                    .put("username", "admin")
                    .put("password", boot.getString("admin_password")),
                null)
            .bodyAsJsonObject()
            .getString("token");
  }

  @AfterEach
  void tearDown() {
    Await.result(election.get().stop());
    fixture.close();
  }

  @Test
  void leaderRouteNamesTheLeaderWithoutLogin() {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get("/api/v1/cluster/leader").bodyAsJsonObject().getBoolean("elected"));
    HttpResponse<Buffer> r = get("/api/v1/cluster/leader");
    JsonObject body = r.bodyAsJsonObject();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(body.getString("name")).isEqualTo("core-it");
    assertThat(body.getString("api_url")).isEqualTo("http://127.0.0.1:8010");
    assertThat(body.getLong("term"))
        .isEqualTo(election.get().fence().orElseThrow().createRevision());
    assertThat(body.getLong("since_ms")).isGreaterThan(1L); // proclaimed when it won
    assertThat(body.getBoolean("is_leader")).isTrue();
    assertThat(body.getString("answered_by")).isEqualTo("core-it");
  }

  @Test
  void pruningNeedsALoginAndAWellFormedBody() {
    assertThat(
            post("/api/v1/nodes/prune", new JsonObject().put("dry_run", true), null).statusCode())
        .isEqualTo(401);
    HttpResponse<Buffer> bad =
        post("/api/v1/nodes/prune", new JsonObject().put("dry_run", "yes"), adminToken);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getString("message")).contains("dry_run");
  }

  @Test
  void dryRunListsOnlyNodesGoneLongEnoughAndChangesNothing() {
    seedNodes();
    long before = Await.result(store.revision());

    HttpResponse<Buffer> r =
        post("/api/v1/nodes/prune", new JsonObject().put("dry_run", true), adminToken);

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getBoolean("dry_run")).isTrue();
    assertThat(body.getLong("prune_after_hours")).isEqualTo(1L);
    assertThat(ids(body.getJsonArray("nodes"))).containsExactly("old-revoked", "old-stale");
    JsonObject stale = body.getJsonArray("nodes").getJsonObject(1);
    assertThat(stale.getString("reason")).isEqualTo("stale");
    assertThat(stale.getLong("since_ms")).isEqualTo(now - 2 * HOUR);
    assertThat(Await.result(store.revision())).isEqualTo(before);
  }

  @Test
  void realRunRemovesEveryKeyOfThePrunedNodesAndNothingElse() {
    seedNodes();

    HttpResponse<Buffer> r = post("/api/v1/nodes/prune", new JsonObject(), adminToken);

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getBoolean("dry_run")).isFalse();
    assertThat(ids(r.bodyAsJsonObject().getJsonArray("nodes")))
        .containsExactly("old-revoked", "old-stale");
    for (String id : List.of("old-revoked", "old-stale")) {
      assertThat(keysOf(id)).as(id).allSatisfy(k -> assertThat(exists(k)).as(k).isFalse());
    }
    for (String id : List.of("new-revoked", "new-stale", "unmarked", "alive")) {
      assertThat(exists(keys.node(id))).as(id).isTrue();
      assertThat(exists(keys.fingerprint("fp-" + id))).as(id).isTrue();
    }
    // This core node's next read already misses them.
    JsonArray listed =
        Await.result(http().get("/api/v1/nodes").bearerTokenAuthentication(adminToken).send())
            .bodyAsJsonObject()
            .getJsonArray("nodes");
    assertThat(ids(listed)).containsExactly("alive", "new-revoked", "new-stale", "unmarked");
    JsonObject newStale = listed.getJsonObject(2);
    assertThat(newStale.getString("state")).isEqualTo("stale");
    assertThat(newStale.getLong("stale_since_ms")).isEqualTo(now - HOUR / 6);
    assertThat(listed.getJsonObject(3).getLong("stale_since_ms")).isZero(); // not swept yet

    // Nothing left to prune.
    assertThat(
            post("/api/v1/nodes/prune", new JsonObject(), adminToken)
                .bodyAsJsonObject()
                .getJsonArray("nodes"))
        .isEmpty();
  }

  /**
   * Six nodes: revoked 2 h ago, revoked 10 min ago, stale since 2 h, stale since 10 min, without a
   * lease but not marked by the sweep yet, and alive (with an old stale mark the sweep has not
   * cleared yet).
   */
  private void seedNodes() {
    seed("old-revoked", true, now - 2 * HOUR, null, false);
    seed("new-revoked", true, now - HOUR / 6, null, false);
    seed("old-stale", false, 0, now - 2 * HOUR, false);
    seed("new-stale", false, 0, now - HOUR / 6, false);
    seed("unmarked", false, 0, null, false);
    seed("alive", false, 0, now - 2 * HOUR, true);
  }

  private void seed(String id, boolean revoked, long revokedAt, Long staleSince, boolean alive) {
    String ip = meshIp(id);
    NodeRecord node =
        new NodeRecord(
            id,
            id,
            "worker",
            Map.of(),
            null,
            null,
            ip,
            "PEM",
            "fp-" + id,
            now + HOUR,
            now - 3 * HOUR,
            revoked,
            revokedAt);
    var tx =
        store
            .transaction()
            .put(keys.node(id), node)
            .put(keys.fingerprint("fp-" + id), new NodeRef(id))
            .put(keys.meshIp(ip), new NodeRef(id))
            .put(
                keys.nodeStatus(id),
                new NodeStatusRecord(id, 1, Map.of("wg", "up"), now - 3 * HOUR));
    if (staleSince != null) {
      tx.put(keys.nodeStale(id), new NodeStaleRecord(id, staleSince));
    }
    if (alive) {
      long lease = Await.result(store.grantLease(Duration.ofSeconds(60)));
      tx.put(keys.alive(id), new AliveRecord(id, now), lease);
    }
    long rev = Await.result(tx.commit("seed " + id)).orElseThrow();
    Await.result(fixture.runtime.cache().awaitRevision(rev, Duration.ofSeconds(5)));
  }

  private List<String> keysOf(String id) {
    return List.of(
        keys.node(id),
        keys.fingerprint("fp-" + id),
        keys.meshIp(meshIp(id)),
        keys.nodeStatus(id),
        keys.alive(id),
        keys.nodeStale(id));
  }

  private static String meshIp(String id) {
    return "10.42.1." + (SEEDED.indexOf(id) + 1);
  }

  private boolean exists(String key) {
    return !Await.result(store.listRaw(key)).getKvs().stream()
        .filter(kv -> kv.getKey().toString(java.nio.charset.StandardCharsets.UTF_8).equals(key))
        .toList()
        .isEmpty();
  }

  private static List<String> ids(JsonArray nodes) {
    return nodes.stream().map(o -> ((JsonObject) o).getString("node_id")).toList();
  }

  private io.vertx.ext.web.client.WebClient http() {
    return fixture.http;
  }

  private HttpResponse<Buffer> post(String path, JsonObject body, String bearer) {
    var req = fixture.http.post(path);
    if (bearer != null) {
      req.bearerTokenAuthentication(bearer);
    }
    return Await.result(req.sendJsonObject(body), Duration.ofSeconds(15));
  }

  private HttpResponse<Buffer> get(String path) {
    return Await.result(fixture.http.get(path).send());
  }
}
