package io.uptimemesh.web.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.heartbeat.HeartbeatSignatures;
import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.core.mesh.DesiredStatePatch;
import io.uptimemesh.core.mesh.MeshPlanner;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.web.ApiFixture;
import io.uptimemesh.web.NodeCluster;
import io.uptimemesh.web.NodeCluster.Node;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * WireGuard registration, the desired-state document and its stream, and key rotation, through the
 * real router on a real etcd, with nodes that joined and heartbeat like agents.
 */
@Timeout(120)
class MeshIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private static final Duration TTL = Duration.ofSeconds(3);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private NodeCluster cluster;
  private ApiFixture fixture;
  private WebClient http;
  private String adminToken;

  @BeforeEach
  void setUp() {
    // Nodes under test heartbeat every 500 ms once kept alive, like agents, so they stay members.
    cluster = new NodeCluster(etcd.endpoints(), TTL);
    fixture = cluster.fixture;
    http = fixture.http;
    adminToken = cluster.admin;
  }

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  @Test
  void registrationIsSignedCheckedAndIdempotent() {
    Node a = join("reg-a");
    Node b = join("reg-b");

    // Before registering, there is no document.
    HttpResponse<Buffer> early = signedGet(a, "/api/v1/nodes/reg-a/desired-state");
    assertThat(early.statusCode()).as(early.bodyAsString()).isEqualTo(409);
    assertThat(early.bodyAsJsonObject().getString("message")).contains("registered");

    JsonObject body = registration(a, 0, key(), "192.0.2.1:51820", key(), "198.51.100.1:51821");
    HttpResponse<Buffer> ok = register(a, "reg-a", body, null);
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
    long revision = ok.bodyAsJsonObject().getLong("revision");
    assertThat(ok.bodyAsJsonObject().getLong("key_generation")).isZero();

    // The same registration again changes nothing.
    HttpResponse<Buffer> again = register(a, "reg-a", body, null);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.bodyAsJsonObject().getLong("revision")).isEqualTo(revision);

    // A tampered body does not verify.
    HttpResponse<Buffer> tampered = register(a, "reg-a", body, "198.51.100.9:51821");
    assertThat(tampered.statusCode()).isEqualTo(401);
    assertThat(tampered.bodyAsJsonObject().getString("reason")).isEqualTo("signature");

    // A valid node acting for another node's path.
    HttpResponse<Buffer> other = register(a, "reg-b", body, null);
    assertThat(other.statusCode()).as(other.bodyAsString()).isEqualTo(403);

    // Bad key text: 400 naming the field.
    HttpResponse<Buffer> badKey =
        register(
            b, "reg-b", registration(b, 0, "bm90LWEta2V5", "192.0.2.2:51820", null, null), null);
    assertThat(badKey.statusCode()).isEqualTo(400);
    assertThat(badKey.bodyAsJsonObject().getString("message")).contains("primary_public_key");
    HttpResponse<Buffer> badEndpoint =
        register(b, "reg-b", registration(b, 0, key(), "192.0.2.2", null, null), null);
    assertThat(badEndpoint.statusCode()).isEqualTo(400);
    assertThat(badEndpoint.bodyAsJsonObject().getString("message")).contains("primary_endpoint");

    // A generation below the stored one is refused.
    assertThat(
            register(a, "reg-a", registration(a, 2, key(), "192.0.2.1:51820", null, null), null)
                .statusCode())
        .isEqualTo(200);
    HttpResponse<Buffer> older =
        register(a, "reg-a", registration(a, 1, key(), "192.0.2.1:51820", null, null), null);
    assertThat(older.statusCode()).as(older.bodyAsString()).isEqualTo(409);

    // Skewed: signed, but sent long ago.
    JsonObject skewed =
        registration(a, 2, key(), "192.0.2.1:51820", null, null)
            .put("sent_at_ms", System.currentTimeMillis() - 600_000);
    HttpResponse<Buffer> skew = register(a, "reg-a", skewed, null);
    assertThat(skew.statusCode()).isEqualTo(401);
    assertThat(skew.bodyAsJsonObject().getString("reason")).isEqualTo("skew");

    // The document is there now, with its revision as ETag; other nodes' reads are refused.
    HttpResponse<Buffer> doc = signedGet(a, "/api/v1/nodes/reg-a/desired-state");
    assertThat(doc.statusCode()).as(doc.bodyAsString()).isEqualTo(200);
    DesiredState state = DesiredState.parse(doc.body().getBytes());
    assertThat(state.nodeId()).isEqualTo("reg-a");
    assertThat(state.wgKeyGeneration()).isEqualTo(2);
    assertThat(doc.getHeader("ETag")).isEqualTo("\"" + state.revision() + "\"");
    assertThat(signedGet(b, "/api/v1/nodes/reg-a/desired-state").statusCode()).isEqualTo(403);

    // Listings show public keys and endpoints.
    JsonObject listed =
        Await.result(http.get("/api/v1/nodes").bearerTokenAuthentication(adminToken).send())
            .bodyAsJsonObject()
            .getJsonArray("nodes")
            .stream()
            .map(o -> (JsonObject) o)
            .filter(n -> n.getString("node_id").equals("reg-a"))
            .findFirst()
            .orElseThrow();
    assertThat(listed.getJsonObject("wireguard").getLong("key_generation")).isEqualTo(2);
    assertThat(listed.getJsonObject("wireguard").getString("primary_endpoint"))
        .isEqualTo("192.0.2.1:51820");
  }

  @Test
  void streamsFollowMembersJoiningLeavingAndRotating() {
    Node a = join("st-a");
    Node b = join("st-b");
    keepAlive(a, b);
    String keyA = key();
    assertThat(
            register(
                    a,
                    "st-a",
                    registration(a, 0, keyA, "192.0.2.1:51820", key(), "198.51.100.1:51820"),
                    null)
                .statusCode())
        .isEqualTo(200);
    assertThat(
            register(
                    b,
                    "st-b",
                    registration(b, 0, key(), "192.0.2.2:51820", key(), "198.51.100.2:51820"),
                    null)
                .statusCode())
        .isEqualTo(200);

    try (SseClient sa = stream(a, "");
        SseClient sb = stream(b, "")) {
      DesiredState da = first(sa);
      DesiredState db = first(sb);
      db = follow(sb, db, List.of("st-a"));
      assertThat(db.primaryPeers().get(0).publicKey()).isEqualTo(keyA);
      assertThat(db.secondaryPeers()).extracting(MeshPlanner.Peer::nodeId).containsExactly("st-a");
      da = follow(sa, da, List.of("st-b"));

      // A third node joins and registers: both get a patch that adds it.
      Node c = join("st-c");
      keepAlive(c);
      assertThat(
              register(c, "st-c", registration(c, 0, key(), "192.0.2.3:51820", null, null), null)
                  .statusCode())
          .isEqualTo(200);
      da = follow(sa, da, List.of("st-b", "st-c"));
      db = follow(sb, db, List.of("st-a", "st-c"));
      // c has no secondary path: it is a primary peer only.
      assertThat(da.secondaryPeers()).extracting(MeshPlanner.Peer::nodeId).containsExactly("st-b");

      // Revoked: it disappears from its peers, and its own stream says it is no member and ends.
      try (SseClient sc = stream(c, "")) {
        DesiredState dc = first(sc);
        cluster.stopHeartbeats(c);
        HttpResponse<Buffer> revoked =
            post("/api/v1/nodes/st-c/revoke", new JsonObject(), adminToken);
        assertThat(revoked.statusCode()).as(revoked.bodyAsString()).isEqualTo(200);
        da = follow(sa, da, List.of("st-b"));
        db = follow(sb, db, List.of("st-a"));
        SseClient.Event last = sc.next(WAIT);
        assertThat(last).isNotNull();
        assertThat(last.name()).isEqualTo("patch");
        DesiredState gone = DesiredStatePatch.parse(bytes(last)).applyTo(dc);
        assertThat(gone.member()).isFalse();
        assertThat(gone.primaryPeers()).isEmpty();
        assertThat(sc.ended(WAIT)).isTrue();
      }

      // Stale: heartbeats stop, the lease expires, the node is removed from its peers.
      Node d = join("st-d");
      keepAlive(d);
      assertThat(
              register(d, "st-d", registration(d, 0, key(), "192.0.2.4:51820", null, null), null)
                  .statusCode())
          .isEqualTo(200);
      da = follow(sa, da, List.of("st-b", "st-d"));
      db = follow(sb, db, List.of("st-a", "st-d"));
      cluster.stopHeartbeats(d);
      long staleStart = System.nanoTime();
      da = follow(sa, da, List.of("st-b"), Duration.ofSeconds(15));
      assertThat(Duration.ofNanos(System.nanoTime() - staleStart))
          .isLessThan(Duration.ofSeconds(15));
      db = follow(sb, db, List.of("st-a"));

      // Rotation: a's desired generation goes up in its stream; its new keys reach b.
      HttpResponse<Buffer> rotate =
          post("/api/v1/nodes/st-a/rotate-wg-keys", new JsonObject(), adminToken);
      assertThat(rotate.statusCode()).as(rotate.bodyAsString()).isEqualTo(202);
      assertThat(rotate.bodyAsJsonObject().getLong("wg_key_generation")).isEqualTo(1);
      SseClient.Event rot = sa.next(WAIT);
      assertThat(rot).isNotNull();
      da = DesiredStatePatch.parse(bytes(rot)).applyTo(da);
      assertThat(da.wgKeyGeneration()).isEqualTo(1);
      assertThat(sb.silentFor(Duration.ofMillis(500))).as("b's document did not change").isTrue();
      String newKey = key();
      assertThat(
              register(
                      a,
                      "st-a",
                      registration(a, 1, newKey, "192.0.2.1:51820", key(), "198.51.100.1:51820"),
                      null)
                  .statusCode())
          .isEqualTo(200);
      db = until(sb, db, x -> x.primaryPeers().get(0).publicKey().equals(newKey), WAIT);
      assertThat(peersOf(db)).containsExactly("st-a");

      // The patched documents equal fresh reads.
      for (var pair : List.of(Map.entry(a, da), Map.entry(b, db))) {
        String path = "/api/v1/nodes/" + pair.getKey().id() + "/desired-state";
        DesiredState fresh = DesiredState.parse(signedGet(pair.getKey(), path).body().getBytes());
        assertThat(fresh.digest()).isEqualTo(pair.getValue().digest());
      }

      // A reconnect with the same digest gets "unchanged" with the current revision.
      String digest = db.digest();
      try (SseClient again = stream(b, "?digest=" + digest + "&revision=" + db.revision())) {
        SseClient.Event e = again.next(WAIT);
        assertThat(e).isNotNull();
        assertThat(e.name()).isEqualTo("unchanged");
        assertThat(new JsonObject(e.data()).getLong("revision")).isEqualTo(Long.parseLong(e.id()));
      }
      // And one with another digest gets the whole document.
      try (SseClient again = stream(b, "?digest=" + "0".repeat(64))) {
        assertThat(first(again).digest()).isEqualTo(digest);
      }
      // Keep-alive comments flow on an idle stream.
      assertThat(sa.comments()).isPositive();
    }
  }

  @Test
  void streamRefusesUnregisteredAndForeignNodes() {
    Node a = join("ref-a");
    Node b = join("ref-b");
    try (SseClient s = stream(a, "")) {
      assertThat(s.status).isEqualTo(409);
    }
    assertThat(
            register(a, "ref-a", registration(a, 0, key(), "192.0.2.1:51820", null, null), null)
                .statusCode())
        .isEqualTo(200);
    MultiMap foreign =
        signedHeaders(
            b, "GET", "/api/v1/nodes/ref-a/desired-state/stream", System.currentTimeMillis());
    try (SseClient s =
        SseClient.connect(
            fixture.vertx, fixture.port, "/api/v1/nodes/ref-a/desired-state/stream", foreign)) {
      assertThat(s.status).isEqualTo(403);
    }
    // Signed for another path: the signature does not verify.
    MultiMap moved =
        signedHeaders(a, "GET", "/api/v1/nodes/ref-a/desired-state", System.currentTimeMillis());
    try (SseClient s =
        SseClient.connect(
            fixture.vertx, fixture.port, "/api/v1/nodes/ref-a/desired-state/stream", moved)) {
      assertThat(s.status).isEqualTo(401);
      assertThat(new JsonObject(s.errorBody).getString("reason")).isEqualTo("signature");
    }
  }

  @Test
  void rotationIsIdempotentPerKeyAndRevokedNodesAreRefused() {
    Node a = join("rot-a");
    assertThat(
            register(a, "rot-a", registration(a, 0, key(), "192.0.2.1:51820", null, null), null)
                .statusCode())
        .isEqualTo(200);
    String idempotencyKey = java.util.UUID.randomUUID().toString();
    for (int i = 0; i < 2; i++) {
      HttpResponse<Buffer> r =
          Await.result(
              http.post("/api/v1/nodes/rot-a/rotate-wg-keys")
                  .bearerTokenAuthentication(adminToken)
                  .putHeader(io.uptimemesh.core.idempotency.IdempotencyKeys.HEADER, idempotencyKey)
                  .sendJsonObject(new JsonObject()));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
      assertThat(r.bodyAsJsonObject().getLong("wg_key_generation"))
          .as("attempt %d", i)
          .isEqualTo(1);
    }
    assertThat(
            post("/api/v1/nodes/nobody/rotate-wg-keys", new JsonObject(), adminToken).statusCode())
        .isEqualTo(404);
    assertThat(post("/api/v1/nodes/rot-a/rotate-wg-keys", new JsonObject(), null).statusCode())
        .isEqualTo(401);

    // Read-your-writes: the document has the new generation at once.
    HttpResponse<Buffer> doc = signedGet(a, "/api/v1/nodes/rot-a/desired-state");
    assertThat(DesiredState.parse(doc.body().getBytes()).wgKeyGeneration()).isEqualTo(1);

    assertThat(post("/api/v1/nodes/rot-a/revoke", new JsonObject(), adminToken).statusCode())
        .isEqualTo(200);
    HttpResponse<Buffer> revoked = signedGet(a, "/api/v1/nodes/rot-a/desired-state");
    assertThat(revoked.statusCode()).isEqualTo(401);
    assertThat(revoked.bodyAsJsonObject().getString("reason")).isEqualTo("revoked");
    assertThat(
            post("/api/v1/nodes/rot-a/rotate-wg-keys", new JsonObject(), adminToken).statusCode())
        .isEqualTo(409);
  }

  // --- helpers ---

  /** Reads patches until the document's primary peers are {@code peers}. */
  private DesiredState follow(SseClient s, DesiredState doc, List<String> peers) {
    return follow(s, doc, peers, WAIT);
  }

  private DesiredState follow(SseClient s, DesiredState doc, List<String> peers, Duration within) {
    return until(s, doc, d -> peersOf(d).equals(peers), within);
  }

  /** Applies patches until {@code done} holds. */
  private DesiredState until(
      SseClient s,
      DesiredState doc,
      java.util.function.Predicate<DesiredState> done,
      Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!done.test(doc)) {
      long left = deadline - System.nanoTime();
      assertThat(left).as("waiting, have peers %s", peersOf(doc)).isPositive();
      SseClient.Event e = s.next(Duration.ofNanos(left));
      assertThat(e).as("waiting, have peers %s", peersOf(doc)).isNotNull();
      assertThat(e.name()).isEqualTo("patch");
      DesiredStatePatch patch = DesiredStatePatch.parse(bytes(e));
      assertThat(patch.revision()).isEqualTo(Long.parseLong(e.id()));
      doc = patch.applyTo(doc);
    }
    // What the stream says equals what a fresh read says.
    return doc;
  }

  private static List<String> peersOf(DesiredState d) {
    return d.primaryPeers().stream().map(MeshPlanner.Peer::nodeId).toList();
  }

  private static DesiredState first(SseClient s) {
    assertThat(s.status).as(s.errorBody).isEqualTo(200);
    SseClient.Event e = s.next(WAIT);
    assertThat(e).isNotNull();
    assertThat(e.name()).isEqualTo("desired-state");
    DesiredState d = DesiredState.parse(bytes(e));
    assertThat(d.revision()).isEqualTo(Long.parseLong(e.id()));
    return d;
  }

  private static byte[] bytes(SseClient.Event e) {
    return e.data().getBytes(StandardCharsets.UTF_8);
  }

  private SseClient stream(Node n, String query) {
    String path = "/api/v1/nodes/" + n.id() + "/desired-state/stream";
    return SseClient.connect(
        fixture.vertx,
        fixture.port,
        path + query,
        signedHeaders(n, "GET", path, System.currentTimeMillis()));
  }

  private HttpResponse<Buffer> signedGet(Node n, String path) {
    return cluster.signedGet(n, path, "");
  }

  private static MultiMap signedHeaders(Node n, String method, String path, long sentAt) {
    return NodeCluster.signedHeaders(n, method, path, sentAt);
  }

  private static JsonObject registration(
      Node n,
      long generation,
      String primaryKey,
      String primaryEndpoint,
      String secondaryKey,
      String secondaryEndpoint) {
    JsonObject body =
        new JsonObject()
            .put("node_id", n.id())
            .put("sent_at_ms", System.currentTimeMillis())
            .put("key_generation", generation)
            .put("primary_public_key", primaryKey)
            .put("primary_endpoint", primaryEndpoint);
    if (secondaryKey != null) {
      body.put("secondary_public_key", secondaryKey).put("secondary_endpoint", secondaryEndpoint);
    }
    return body;
  }

  /** PUTs a signed registration; {@code tamperSecondary} changes the body after signing. */
  private HttpResponse<Buffer> register(
      Node signer, String pathId, JsonObject body, String tamperSecondary) {
    byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
    String signature = HeartbeatSignatures.sign(bytes, signer.key().getPrivate());
    if (tamperSecondary != null) {
      bytes =
          body.copy()
              .put("secondary_endpoint", tamperSecondary)
              .encode()
              .getBytes(StandardCharsets.UTF_8);
    }
    return Await.result(
        http.put("/api/v1/nodes/" + pathId + "/wireguard")
            .putHeader(HeartbeatSignatures.SIGNATURE_HEADER, signature)
            .putHeader(HeartbeatSignatures.FINGERPRINT_HEADER, signer.fingerprint())
            .sendBuffer(Buffer.buffer(bytes)));
  }

  private static String key() {
    byte[] k = new byte[32];
    ThreadLocalRandom.current().nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  private void keepAlive(Node... nodes) {
    for (Node n : nodes) {
      cluster.keepAlive(n);
    }
  }

  private Node join(String id) {
    return cluster.join(id);
  }

  private HttpResponse<Buffer> post(String path, JsonObject body, String bearer) {
    var req = http.post(path);
    if (bearer != null) {
      req.bearerTokenAuthentication(bearer);
    }
    return Await.result(req.sendJsonObject(body), Duration.ofSeconds(15));
  }
}
