package io.uptimemesh.web.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.idempotency.IdempotencyKeys;
import io.uptimemesh.core.idempotency.IdempotencyRecord;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.web.ApiFixture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Idempotency-Key on the real router over a real etcd: repeats apply nothing and answer alike. */
@Timeout(60)
class IdempotencyIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private ApiFixture fixture;
  private JsonObject credentials;
  private String admin;

  @BeforeEach
  void setUp() {
    fixture =
        ApiFixture.start(
            etcd.endpoints(),
            1 << 20,
            Optional.of(ApiFixture.identityConfig(Duration.ofSeconds(5))));
    JsonObject boot =
        send(post("/api/v1/bootstrap", null, null), new JsonObject()).bodyAsJsonObject();
    credentials =
        new JsonObject().put("username", "admin").put("password", boot.getString("admin_password"));
    admin = login();
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  @Test
  void aRepeatedCreateReturnsTheFirstAnswerAndCreatesOneToken() {
    String key = UUID.randomUUID().toString();
    JsonObject body = tokenBody("repeat");

    HttpResponse<Buffer> first = send(post("/api/v1/tokens", admin, key), body);
    HttpResponse<Buffer> again = send(post("/api/v1/tokens", admin, key), body);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(first.getHeader(IdempotencyKeys.REPLAYED_HEADER)).isNull();
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.getHeader(IdempotencyKeys.REPLAYED_HEADER)).isEqualTo("true");
    assertThat(again.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
    assertThat(tokensLabelled("repeat")).hasSize(1);

    // Without a key (or with a new one) the same body is a new request.
    send(post("/api/v1/tokens", admin, UUID.randomUUID().toString()), body);
    send(post("/api/v1/tokens", admin, null), body);
    assertThat(tokensLabelled("repeat")).hasSize(3);
  }

  @Test
  void theStoredAnswerIsSealedInEtcd() {
    String key = UUID.randomUUID().toString();
    String secret =
        send(post("/api/v1/tokens", admin, key), tokenBody("sealed"))
            .bodyAsJsonObject()
            .getString("token");
    String raw = rawValue(storageKey("user:admin", key));
    assertThat(raw)
        .contains("sealed_body")
        .doesNotContain(secret)
        .doesNotContain(secret.split("\\.")[2]);
  }

  @Test
  void aKeyReusedForAnotherRequestIs422AndChangesNothing() {
    String key = UUID.randomUUID().toString();
    send(post("/api/v1/tokens", admin, key), tokenBody("a"));

    HttpResponse<Buffer> other = send(post("/api/v1/tokens", admin, key), tokenBody("b"));

    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(other.bodyAsJsonObject().getString("error")).isEqualTo("idempotency_key_reused");
    assertThat(tokensLabelled("b")).isEmpty();
  }

  @Test
  void aKeyBelongsToAUserAndCountsOnlyForAValidSession() {
    String key = UUID.randomUUID().toString();
    JsonObject first =
        send(post("/api/v1/tokens", admin, key), tokenBody("mine")).bodyAsJsonObject();

    // The same user from another session: the same request, answered again.
    String otherSession = login();
    HttpResponse<Buffer> again = send(post("/api/v1/tokens", otherSession, key), tokenBody("mine"));
    assertThat(again.getHeader(IdempotencyKeys.REPLAYED_HEADER)).isEqualTo("true");
    assertThat(again.bodyAsJsonObject()).isEqualTo(first);

    // Stored answers are checked before the route's login: an ended session or none gets nothing.
    send(post("/api/v1/auth/logout", otherSession, null), new JsonObject());
    HttpResponse<Buffer> ended = send(post("/api/v1/tokens", otherSession, key), tokenBody("mine"));
    assertThat(ended.statusCode()).isEqualTo(401);
    HttpResponse<Buffer> none = send(post("/api/v1/tokens", null, key), tokenBody("mine"));
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.bodyAsString()).doesNotContain(first.getString("token"));
    assertThat(tokensLabelled("mine")).hasSize(1);
  }

  @Test
  void theBootstrapAnswerIsNeverStored() {
    try (ApiFixture fresh =
        ApiFixture.start(
            etcd.endpoints(),
            1 << 20,
            Optional.of(ApiFixture.identityConfig(Duration.ofSeconds(5))))) {
      String key = UUID.randomUUID().toString();
      HttpRequest<Buffer> boot =
          fresh.http.post("/api/v1/bootstrap").putHeader(IdempotencyKeys.HEADER, key);
      assertThat(send(boot, new JsonObject()).statusCode()).isEqualTo(201);

      HttpResponse<Buffer> again = send(boot, new JsonObject());

      assertThat(again.statusCode()).isEqualTo(409);
      assertThat(again.bodyAsString()).doesNotContain("admin_password");
    }
  }

  @Test
  void aBadKeyIs400AndAnErrorIsNotRemembered() {
    HttpResponse<Buffer> bad = send(post("/api/v1/tokens", admin, "has space"), tokenBody("x"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getString("message")).contains("Idempotency-Key");

    String key = UUID.randomUUID().toString();
    HttpResponse<Buffer> refused =
        send(post("/api/v1/tokens", admin, key), tokenBody("y").put("uses", 0));
    assertThat(refused.statusCode()).isEqualTo(400);
    // The corrected request with the same key is applied: errors are not replayed.
    HttpResponse<Buffer> fixed = send(post("/api/v1/tokens", admin, key), tokenBody("y"));
    assertThat(fixed.statusCode()).isEqualTo(201);
    assertThat(fixed.getHeader(IdempotencyKeys.REPLAYED_HEADER)).isNull();
  }

  @Test
  void aChangeAppliedByANodeThatDiedBeforeAnsweringIsNotAppliedAgain() {
    // What a core node leaves behind when it dies between its commit and its answer: the claim,
    // written with the change, and no answer.
    String key = UUID.randomUUID().toString();
    JsonObject body = tokenBody("orphan");
    String etcdKey = storageKey("user:admin", key);
    String hash =
        IdempotencyKeys.requestHash(
            "POST", "/api/v1/tokens", body.encode().getBytes(StandardCharsets.UTF_8));
    long rev =
        Await.result(
                fixture
                    .runtime
                    .store()
                    .transaction()
                    .put(etcdKey, IdempotencyRecord.claim(hash, System.currentTimeMillis()))
                    .commit("simulate a claim"))
            .orElseThrow();

    HttpResponse<Buffer> retry = send(post("/api/v1/tokens", admin, key), body);

    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(retry.getHeader(IdempotencyKeys.REPLAYED_HEADER)).isEqualTo("true");
    assertThat(retry.bodyAsJsonObject().getBoolean("idempotent_replay")).isTrue();
    assertThat(retry.bodyAsJsonObject().getLong("applied_revision")).isEqualTo(rev);
    assertThat(tokensLabelled("orphan")).isEmpty();
  }

  @Test
  void concurrentRepeatsApplyTheChangeOnce() {
    String key = UUID.randomUUID().toString();
    JsonObject body = tokenBody("race");
    List<Future<HttpResponse<Buffer>>> all =
        List.of(
            post("/api/v1/tokens", admin, key).sendJsonObject(body),
            post("/api/v1/tokens", admin, key).sendJsonObject(body),
            post("/api/v1/tokens", admin, key).sendJsonObject(body),
            post("/api/v1/tokens", admin, key).sendJsonObject(body));
    Await.result(Future.join(all), Duration.ofSeconds(20));

    assertThat(tokensLabelled("race")).hasSize(1);
    for (var f : all) {
      // Each one either got the answer (first or replayed) or was told to send it again.
      assertThat(f.result().statusCode()).isIn(201, 409);
    }
    HttpResponse<Buffer> after = send(post("/api/v1/tokens", admin, key), body);
    assertThat(after.statusCode()).isEqualTo(201);
    assertThat(after.getHeader(IdempotencyKeys.REPLAYED_HEADER)).isEqualTo("true");
  }

  @Test
  void loginAndRevokeAreIdempotentToo() {
    String key = UUID.randomUUID().toString();
    String first = loginWithKey(key);
    assertThat(loginWithKey(key)).isEqualTo(first);

    String id =
        send(post("/api/v1/tokens", admin, null), tokenBody("gone"))
            .bodyAsJsonObject()
            .getString("id");
    String revokeKey = UUID.randomUUID().toString();
    HttpRequest<Buffer> revoke =
        fixture
            .http
            .delete("/api/v1/tokens/" + id)
            .putHeader("Authorization", "Bearer " + admin)
            .putHeader(IdempotencyKeys.HEADER, revokeKey);
    assertThat(Await.result(revoke.send()).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> again = Await.result(revoke.send());
    // Without the key a second revoke would be a 404; with it, the first answer.
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.getHeader(IdempotencyKeys.REPLAYED_HEADER)).isEqualTo("true");
  }

  @Test
  void keysGetANewLeaseWhenTheirsWasLost() throws Exception {
    java.util.concurrent.atomic.AtomicLong nowMs =
        new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis());
    java.time.Clock clock =
        new java.time.Clock() {
          @Override
          public java.time.Instant instant() {
            return java.time.Instant.ofEpochMilli(nowMs.get());
          }

          @Override
          public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
          }

          @Override
          public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    try (ApiFixture handMade =
        ApiFixture.start(
            etcd.endpoints(),
            1 << 20,
            Optional.of(ApiFixture.identityConfig(Duration.ofSeconds(5))),
            List.of(),
            clock)) {
      ApiFixture previous = fixture;
      fixture = handMade;
      try {
        JsonObject boot =
            send(post("/api/v1/bootstrap", null, null), new JsonObject()).bodyAsJsonObject();
        credentials =
            new JsonObject()
                .put("username", "admin")
                .put("password", boot.getString("admin_password"));
        admin = login();
        String first = UUID.randomUUID().toString();
        send(post("/api/v1/tokens", admin, first), tokenBody("lease-1"));
        var kv =
            Await.result(
                    Future.fromCompletionStage(
                        fixture
                            .runtime
                            .client()
                            .getKVClient()
                            .get(
                                io.etcd.jetcd.ByteSequence.from(
                                    storageKey("user:admin", first), StandardCharsets.UTF_8))))
                .getKvs()
                .get(0);
        // What a restore to an older snapshot does to a lease granted after it.
        Await.result(
            Future.fromCompletionStage(
                fixture.runtime.client().getLeaseClient().revoke(kv.getLease())));
        nowMs.addAndGet(5_001); // the lease is checked at most every 5 s

        HttpResponse<Buffer> next =
            send(post("/api/v1/tokens", admin, UUID.randomUUID().toString()), tokenBody("lease-2"));

        assertThat(next.statusCode()).as(next.bodyAsString()).isEqualTo(201);
        assertThat(tokensLabelled("lease-2")).hasSize(1);
      } finally {
        fixture = previous;
      }
    }
  }

  private String login() {
    return loginWithKey(null);
  }

  private String loginWithKey(String key) {
    return send(post("/api/v1/auth/login", null, key), credentials)
        .bodyAsJsonObject()
        .getString("token");
  }

  private static JsonObject tokenBody(String marker) {
    return new JsonObject()
        .put("role", "worker")
        .put("uses", 1)
        .put("labels", new JsonObject().put("marker", marker));
  }

  private List<Object> tokensLabelled(String marker) {
    JsonArray tokens =
        Await.result(
                fixture
                    .http
                    .get("/api/v1/tokens")
                    .putHeader("Authorization", "Bearer " + admin)
                    .send())
            .bodyAsJsonObject()
            .getJsonArray("tokens");
    return tokens.stream()
        .filter(t -> marker.equals(((JsonObject) t).getJsonObject("labels").getString("marker")))
        .toList();
  }

  private String storageKey(String caller, String key) {
    return fixture.runtime.store().layout().idempotency(IdempotencyKeys.storageId(caller, key));
  }

  private String rawValue(String key) {
    var response =
        Await.result(
            Future.fromCompletionStage(
                fixture
                    .runtime
                    .client()
                    .getKVClient()
                    .get(io.etcd.jetcd.ByteSequence.from(key, StandardCharsets.UTF_8))));
    return response.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8);
  }

  private HttpRequest<Buffer> post(String path, String bearer, String key) {
    HttpRequest<Buffer> r = fixture.http.post(path);
    if (bearer != null) {
      r.putHeader("Authorization", "Bearer " + bearer);
    }
    if (key != null) {
      r.putHeader(IdempotencyKeys.HEADER, key);
    }
    return r;
  }

  private static HttpResponse<Buffer> send(HttpRequest<Buffer> r, JsonObject body) {
    return Await.result(r.sendJsonObject(body), Duration.ofSeconds(10));
  }
}
