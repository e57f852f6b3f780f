package io.uptimemesh.web.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.core.heartbeat.Heartbeat;
import io.uptimemesh.core.heartbeat.HeartbeatSignatures;
import io.uptimemesh.core.pki.CertificateChecks;
import io.uptimemesh.core.pki.Fingerprints;
import io.uptimemesh.core.pki.NodeKeys;
import io.uptimemesh.core.pki.Pem;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.web.ApiFixture;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bootstrap, tokens, joins and heartbeats through the real router, on a real etcd. */
@Timeout(90)
class IdentityIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private static final Duration TTL = Duration.ofSeconds(5);

  private ApiFixture fixture;
  private WebClient http;
  private String adminToken;
  private String bootstrapToken;

  @BeforeEach
  void setUp() {
    fixture =
        ApiFixture.start(etcd.endpoints(), 1 << 20, Optional.of(ApiFixture.identityConfig(TTL)));
    http = fixture.http;

    JsonObject boot = post("/api/v1/bootstrap", new JsonObject(), null).bodyAsJsonObject();
    bootstrapToken = boot.getString("join_token");
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
    fixture.close();
  }

  @Test
  void onlyAValidCoreTokenChangesEtcdMembership() {
    int before = Await.result(fixture.runtime.members().list()).size();
    String workerToken = createToken("worker", 1);
    String forged = bootstrapToken.substring(0, bootstrapToken.indexOf('.') + 13) + "x";
    for (String token : new String[] {"umj1.garbage", forged, workerToken}) {
      JsonObject body =
          joinBody(token, "intruder", NodeKeys.generateEd25519())
              .put("role", "core")
              .put("etcd_peer_url", "http://127.0.0.1:1");

      HttpResponse<Buffer> r = post("/api/v1/join", body, null);

      assertThat(r.statusCode()).as(r.bodyAsString()).isBetween(400, 403);
      assertThat(Await.result(fixture.runtime.members().list())).hasSize(before);
    }
    // Not even for a moment (a learner added, then removed when the join fails): etcd logs every
    // membership change it applies.
    assertThat(etcd.member(0).tail()).doesNotContain("127.0.0.1:1\"");
  }

  @Test
  void aSecondBootstrapIsRefusedAndChangesNothing() {
    String caBefore = get("/api/v1/cluster/ca").bodyAsJsonObject().getString("pin");

    HttpResponse<Buffer> again = post("/api/v1/bootstrap", new JsonObject(), null);

    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getString("message")).contains("already bootstrapped");
    assertThat(get("/api/v1/cluster/ca").bodyAsJsonObject().getString("pin")).isEqualTo(caBefore);
    assertThat(bootstrapToken).endsWith("." + caBefore);
  }

  @Test
  void adminRoutesNeedALoginAndAWrongPasswordIs401() {
    assertThat(get("/api/v1/tokens").statusCode()).isEqualTo(401);
    HttpResponse<Buffer> bad =
        post(
            "/api/v1/auth/login",
            new JsonObject().put("username", "admin").put("password", "nope"),
            null);
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(bad.bodyAsJsonObject().getString("message")).isEqualTo("wrong username or password");
  }

  @Test
  void twentyConcurrentJoinsWithASingleUseTokenHaveExactlyOneWinner() {
    String token = createToken("worker", 1);
    List<KeyPair> keys = new ArrayList<>();
    List<Future<HttpResponse<Buffer>>> joins = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      keys.add(NodeKeys.generateEd25519());
    }
    for (int i = 0; i < 20; i++) {
      joins.add(
          http.post("/api/v1/join").sendJsonObject(joinBody(token, "racer-" + i, keys.get(i))));
    }
    Await.result(Future.join(joins), Duration.ofSeconds(30));

    List<Integer> statuses = joins.stream().map(f -> f.result().statusCode()).toList();
    assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
    assertThat(statuses).filteredOn(s -> s == 401).hasSize(19);
    joins.stream()
        .map(Future::result)
        .filter(r -> r.statusCode() == 401)
        .forEach(
            r -> assertThat(r.bodyAsJsonObject().getString("message")).contains("no uses left"));
    assertThat(nodes()).hasSize(1);
  }

  @Test
  void aJoinedNodeGetsACertificateFromTheCaAndAnAddressAndCannotJoinTwice() {
    String token = createToken("worker", 2);
    KeyPair key = NodeKeys.generateEd25519();

    JsonObject joined = post("/api/v1/join", joinBody(token, "w1", key), null).bodyAsJsonObject();

    X509Certificate cert = Pem.parseCertificate(joined.getString("certificate"));
    X509Certificate ca = Pem.parseCertificate(joined.getString("ca"));
    assertThat(CertificateChecks.issuedBy(cert, ca)).isTrue();
    assertThat(CertificateChecks.commonName(cert)).isEqualTo("w1");
    assertThat(cert.getPublicKey()).isEqualTo(key.getPublic());
    assertThat(joined.getString("mesh_ip")).isEqualTo("10.42.0.2");

    HttpResponse<Buffer> again =
        post("/api/v1/join", joinBody(token, "w1", NodeKeys.generateEd25519()), null);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getString("message")).contains("--replace");
  }

  @Test
  void aBadCsrOrNodeIdIsA400NamingTheProblem() {
    String token = createToken("worker", 1);
    KeyPair key = NodeKeys.generateEd25519();
    JsonObject wrongCn =
        joinBody(token, "w2", key).put("csr", NodeKeys.csrPem(key, "someone-else"));

    HttpResponse<Buffer> r = post("/api/v1/join", wrongCn, null);
    assertThat(r.statusCode()).isEqualTo(400);

    HttpResponse<Buffer> badId = post("/api/v1/join", joinBody(token, "Bad_Id", key), null);
    assertThat(badId.statusCode()).isEqualTo(400);
    assertThat(badId.bodyAsJsonObject().getString("message")).contains("node id");
    // Nothing was consumed by the refusals.
    assertThat(post("/api/v1/join", joinBody(token, "w2", key), null).statusCode()).isEqualTo(201);
  }

  @Test
  void heartbeatsAreAcceptedOnceAndRefusedWithTheReason() {
    Node n = join("hb1");

    assertThat(heartbeat(n, 1, System.currentTimeMillis(), null).statusCode()).isEqualTo(200);
    assertThat(state("hb1")).isEqualTo("alive");

    assertThat(reason(heartbeat(n, 1, System.currentTimeMillis(), null))).isEqualTo("replay");
    assertThat(reason(heartbeat(n, 2, System.currentTimeMillis() - 300_000, null)))
        .isEqualTo("skew");
    assertThat(reason(heartbeat(n, 3, System.currentTimeMillis(), "tamper")))
        .isEqualTo("signature");
    assertThat(heartbeat(n, 4, System.currentTimeMillis(), null).statusCode()).isEqualTo(200);

    Node stranger = new Node("hb1", NodeKeys.generateEd25519(), "0".repeat(64), null);
    assertThat(reason(heartbeat(stranger, 5, System.currentTimeMillis(), null)))
        .isEqualTo("unknown_node");

    HttpResponse<Buffer> revoke = post("/api/v1/nodes/hb1/revoke", new JsonObject(), adminToken);
    assertThat(revoke.statusCode()).isEqualTo(200);
    assertThat(reason(heartbeat(n, 6, System.currentTimeMillis(), null))).isEqualTo("revoked");
    assertThat(state("hb1")).isEqualTo("revoked");
  }

  @Test
  void aNodeThatStopsHeartbeatingIsStaleWithinTheTtlPlusTwoSeconds() {
    Node n = join("quiet");
    assertThat(heartbeat(n, 1, System.currentTimeMillis(), null).statusCode()).isEqualTo(200);
    long lastBeat = System.nanoTime();
    assertThat(state("quiet")).isEqualTo("alive");

    await()
        .atMost(TTL.plusSeconds(4))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> state("quiet").equals("stale"));
    Duration toStale = Duration.ofNanos(System.nanoTime() - lastBeat);
    assertThat(toStale).isLessThanOrEqualTo(TTL.plusSeconds(2));

    // Back: a heartbeat makes it alive again with a new lease.
    assertThat(heartbeat(n, 2, System.currentTimeMillis(), null).statusCode()).isEqualTo(200);
    assertThat(state("quiet")).isEqualTo("alive");
  }

  @Test
  void aNodeRenewsWithItsCurrentCertificateAndTheOldOneIsRefusedAfterwards() {
    Node old = join("rn1");
    assertThat(heartbeat(old, 1, System.currentTimeMillis(), null).statusCode()).isEqualTo(200);
    KeyPair next = NodeKeys.generateEd25519();

    HttpResponse<Buffer> renewed = renew(old, NodeKeys.csrPem(next, "rn1"));

    assertThat(renewed.statusCode()).as(renewed.bodyAsString()).isEqualTo(200);
    X509Certificate cert =
        Pem.parseCertificate(renewed.bodyAsJsonObject().getString("certificate"));
    assertThat(cert.getPublicKey()).isEqualTo(next.getPublic());
    assertThat(renewed.bodyAsJsonObject().getString("mesh_ip")).isEqualTo(old.meshIp());
    Node current = new Node("rn1", next, Fingerprints.sha256(cert), old.meshIp());
    assertThat(reason(heartbeat(old, 2, System.currentTimeMillis(), null)))
        .isEqualTo("unknown_node");
    assertThat(heartbeat(current, 3, System.currentTimeMillis(), null).statusCode()).isEqualTo(200);
    // The replaced certificate cannot renew again either.
    assertThat(reason(renew(old, NodeKeys.csrPem(NodeKeys.generateEd25519(), "rn1"))))
        .isEqualTo("unknown_node");

    post("/api/v1/nodes/rn1/revoke", new JsonObject(), adminToken);
    assertThat(reason(renew(current, NodeKeys.csrPem(NodeKeys.generateEd25519(), "rn1"))))
        .isEqualTo("revoked");
  }

  @Test
  void replacingANodeNeedsATokenThatAllowsItAndKeepsItsAddress() {
    Node first = join("rep1");
    String plain = createToken("worker", 1);
    HttpResponse<Buffer> refused =
        post(
            "/api/v1/join",
            joinBody(plain, "rep1", NodeKeys.generateEd25519()).put("replace", true),
            null);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.bodyAsJsonObject().getString("message"))
        .contains("does not allow replacing");

    String allowing =
        post(
                "/api/v1/tokens",
                new JsonObject().put("role", "worker").put("uses", 1).put("allow_replace", true),
                adminToken)
            .bodyAsJsonObject()
            .getString("token");
    KeyPair key = NodeKeys.generateEd25519();
    HttpResponse<Buffer> replaced =
        post("/api/v1/join", joinBody(allowing, "rep1", key).put("replace", true), null);

    assertThat(replaced.statusCode()).as(replaced.bodyAsString()).isEqualTo(201);
    assertThat(replaced.bodyAsJsonObject().getString("mesh_ip")).isEqualTo(first.meshIp());
    assertThat(reason(heartbeat(first, 1, System.currentTimeMillis(), null)))
        .isEqualTo("unknown_node");
    Node second =
        new Node(
            "rep1",
            key,
            Fingerprints.sha256(
                Pem.parseCertificate(replaced.bodyAsJsonObject().getString("certificate"))),
            first.meshIp());
    assertThat(heartbeat(second, 1, System.currentTimeMillis(), null).statusCode()).isEqualTo(200);
  }

  // --- helpers ---

  private HttpResponse<Buffer> renew(Node n, String csr) {
    byte[] body =
        new JsonObject()
            .put("node_id", n.id())
            .put("csr", csr)
            .put("sent_at_ms", System.currentTimeMillis())
            .toBuffer()
            .getBytes();
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add(
                HeartbeatSignatures.SIGNATURE_HEADER,
                HeartbeatSignatures.sign(body, n.key().getPrivate()))
            .add(HeartbeatSignatures.FINGERPRINT_HEADER, n.fingerprint());
    return Await.result(
        http.post("/api/v1/nodes/" + n.id() + "/renew")
            .putHeaders(headers)
            .sendBuffer(Buffer.buffer(body)));
  }

  private record Node(String id, KeyPair key, String fingerprint, String meshIp) {}

  private Node join(String id) {
    KeyPair key = NodeKeys.generateEd25519();
    JsonObject joined =
        post("/api/v1/join", joinBody(createToken("worker", 1), id, key), null).bodyAsJsonObject();
    return new Node(
        id,
        key,
        Fingerprints.sha256(Pem.parseCertificate(joined.getString("certificate"))),
        joined.getString("mesh_ip"));
  }

  private HttpResponse<Buffer> heartbeat(Node n, long seq, long sentAtMs, String tamper) {
    byte[] body = new Heartbeat(n.id(), seq, sentAtMs, Map.of("wg", "up")).toBytes();
    String signature = HeartbeatSignatures.sign(body, n.key().getPrivate());
    if (tamper != null) {
      body =
          new String(body, StandardCharsets.UTF_8)
              .replace("\"up\"", "\"down\"")
              .getBytes(StandardCharsets.UTF_8);
    }
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add(HeartbeatSignatures.SIGNATURE_HEADER, signature)
            .add(HeartbeatSignatures.FINGERPRINT_HEADER, n.fingerprint());
    return Await.result(
        http.post("/api/v1/heartbeat").putHeaders(headers).sendBuffer(Buffer.buffer(body)));
  }

  private static String reason(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(401);
    return r.bodyAsJsonObject().getString("reason");
  }

  private String state(String nodeId) {
    return nodes().stream()
        .map(o -> (JsonObject) o)
        .filter(n -> n.getString("node_id").equals(nodeId))
        .findFirst()
        .orElseThrow()
        .getString("state");
  }

  private io.vertx.core.json.JsonArray nodes() {
    return Await.result(http.get("/api/v1/nodes").bearerTokenAuthentication(adminToken).send())
        .bodyAsJsonObject()
        .getJsonArray("nodes");
  }

  private String createToken(String role, int uses) {
    HttpResponse<Buffer> r =
        post(
            "/api/v1/tokens",
            new JsonObject().put("role", role).put("uses", uses).put("ttl_seconds", 600),
            adminToken);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject().getString("token");
  }

  private static JsonObject joinBody(String token, String nodeId, KeyPair key) {
    return new JsonObject()
        .put("token", token)
        .put("node_id", nodeId)
        .put("name", nodeId)
        .put("csr", NodeKeys.csrPem(key, nodeId));
  }

  private HttpResponse<Buffer> post(String path, JsonObject body, String bearer) {
    var req = http.post(path);
    if (bearer != null) {
      req.bearerTokenAuthentication(bearer);
    }
    return Await.result(req.sendJsonObject(body), Duration.ofSeconds(15));
  }

  private HttpResponse<Buffer> get(String path) {
    return Await.result(http.get(path).send());
  }
}
