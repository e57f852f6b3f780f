package io.uptimemesh.web.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.core.pki.NodeKeys;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.web.ApiFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The event routes on the real router over a real etcd, with real HTTP clients. */
@Timeout(90)
class EventRoutesIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private static final Pattern EVENT = Pattern.compile("id: ([0-9]+)\ndata: (\\{.*\\})\n\n");

  private ApiFixture fixture;
  private WebClient http;
  private HttpClient raw;
  private String admin;

  @BeforeEach
  void setUp() {
    fixture =
        ApiFixture.start(
            etcd.endpoints(),
            1 << 20,
            Optional.of(ApiFixture.identityConfig(Duration.ofSeconds(30))));
    http = fixture.http;
    raw = fixture.vertx.createHttpClient();
    JsonObject boot =
        Await.result(http.post("/api/v1/bootstrap").sendJsonObject(new JsonObject()))
            .bodyAsJsonObject();
    admin =
        Await.result(
                http.post("/api/v1/auth/login")
                    .sendJsonObject(
                        new JsonObject()
                            .put("username", "admin")
                            .put("password", boot.getString("admin_password"))))
            .bodyAsJsonObject()
            .getString("token");
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  @Test
  void listsEventsNewestFirstFilteredByCategoryWithTheRevisionTheyWereReadAt() {
    String token = createToken();
    await().atMost(Duration.ofSeconds(10)).until(() -> events("?category=token").size() == 2);

    JsonObject page = list("?category=token");
    JsonArray tokens = page.getJsonArray("events");
    JsonObject newest = tokens.getJsonObject(0);
    assertThat(newest.getString("category")).isEqualTo("token");
    assertThat(newest.getString("name")).isEqualTo("created");
    assertThat(newest.getString("actor")).isEqualTo("user:admin");
    assertThat(newest.getJsonObject("fields").getString("token_id"))
        .isEqualTo(token.split("\\.")[1]);
    assertThat(tokens.getJsonObject(1).getString("actor")).isEqualTo("system"); // bootstrap's
    assertThat(page.getLong("revision")).isPositive();
    assertThat(page.getBoolean("more")).isFalse();
    // Nothing secret: not the token's secret, not the admin password.
    assertThat(page.encode()).doesNotContain(token.split("\\.")[2]);

    assertThat(events("?category=cluster").getJsonObject(0).getString("name"))
        .isEqualTo("bootstrapped");
    assertThat(events("?category=auth").getJsonObject(0).getString("name")).isEqualTo("login");
    JsonArray oldestTwo = events("?order=oldest&limit=2");
    assertThat(oldestTwo.getJsonObject(0).getString("name")).isEqualTo("bootstrapped");
    assertThat(list("?limit=1").getBoolean("more")).isTrue();
    String firstId = oldestTwo.getJsonObject(0).getString("id");
    assertThat(events("?order=oldest&since=" + firstId).getJsonObject(0).getString("id"))
        .isEqualTo(oldestTwo.getJsonObject(1).getString("id"));
    assertThat(events("?since=1m&category=node,snapshot")).isEmpty();
  }

  @Test
  void badParametersAre400sNamingTheParameterAndBothRoutesNeedALogin() {
    String[][] cases = {
      {"/api/v1/events?since=yesterday", "since:"},
      {"/api/v1/events?limit=0", "limit:"},
      {"/api/v1/events?limit=abc", "limit:"},
      {"/api/v1/events?limit=5000", "limit:"},
      {"/api/v1/events?category=weather", "category:"},
      {"/api/v1/events?category=node,", "category:"},
      {"/api/v1/events?order=sideways", "order:"},
      {"/api/v1/events/stream?after=-1", "after:"},
      {"/api/v1/events/stream?category=x", "category:"},
    };
    for (String[] c : cases) {
      HttpResponse<Buffer> r = Await.result(http.get(c[0]).bearerTokenAuthentication(admin).send());
      assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("invalid_request");
      assertThat(r.bodyAsJsonObject().getString("message")).as(c[0]).startsWith(c[1]);
    }
    HttpResponse<Buffer> badResume =
        Await.result(
            http.get("/api/v1/events/stream")
                .bearerTokenAuthentication(admin)
                .putHeader("Last-Event-ID", "abc")
                .send());
    assertThat(badResume.statusCode()).isEqualTo(400);
    assertThat(badResume.bodyAsJsonObject().getString("message")).startsWith("Last-Event-ID:");

    assertThat(Await.result(http.get("/api/v1/events").send()).statusCode()).isEqualTo(401);
    assertThat(Await.result(http.get("/api/v1/events/stream").send()).statusCode()).isEqualTo(401);
  }

  @Test
  void theStreamDeliversAnEventAppendedAfterConnectingWithHeartbeats() {
    Stream s = stream("/api/v1/events/stream?category=token", null);
    assertThat(s.response.getHeader("Content-Type")).startsWith("text/event-stream");
    assertThat(s.response.getHeader("Cache-Control")).isEqualTo("no-store");
    await().atMost(Duration.ofSeconds(5)).until(() -> s.text().contains(": connected"));

    createToken();

    await().atMost(Duration.ofSeconds(10)).until(() -> s.events().size() == 1);
    JsonObject e = s.events().get(0);
    assertThat(e.getString("name")).isEqualTo("created");
    assertThat(s.ids().get(0)).isEqualTo(e.getLong("revision"));
    await().atMost(Duration.ofSeconds(5)).until(() -> s.text().contains(": keep-alive\n\n"));
    assertThat(s.text()).startsWith("retry: 2000\n");
    s.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> fixture.eventRoutes.openStreams() == 0);
  }

  @Test
  void aStreamResumesWithLastEventIdWithoutGapsOrDuplicates() {
    Stream first = stream("/api/v1/events/stream?category=token", null);
    await().atMost(Duration.ofSeconds(5)).until(() -> first.text().contains(": connected"));
    createToken();
    await().atMost(Duration.ofSeconds(10)).until(() -> first.events().size() == 1);
    long lastSeen = first.ids().get(0);
    first.close();

    // Written while nobody listens.
    createToken();
    createToken();

    Stream second = stream("/api/v1/events/stream?category=token", Long.toString(lastSeen));
    await().atMost(Duration.ofSeconds(10)).until(() -> second.events().size() == 2);
    createToken();
    await().atMost(Duration.ofSeconds(10)).until(() -> second.events().size() == 3);

    List<Long> ids = second.ids();
    assertThat(ids).isSorted().doesNotHaveDuplicates().allMatch(id -> id > lastSeen);
    // Exactly the token events after lastSeen, as the listing has them.
    List<Long> listed = new ArrayList<>();
    JsonArray all = events("?category=token&order=oldest");
    for (int i = 0; i < all.size(); i++) {
      long rev = all.getJsonObject(i).getLong("revision");
      if (rev > lastSeen) {
        listed.add(rev);
      }
    }
    assertThat(ids).containsExactlyElementsOf(listed);
    second.close();
  }

  @Test
  void aListingsRevisionContinuesAsAStreamAndClosingStreamsEndsThem() {
    long revision = list("").getLong("revision");
    createToken();
    Stream s = stream("/api/v1/events/stream?after=" + revision + "&category=token", null);
    await().atMost(Duration.ofSeconds(10)).until(() -> s.events().size() == 1);

    fixture.eventRoutes.closeStreams();

    await().atMost(Duration.ofSeconds(5)).until(() -> s.ended);
    assertThat(fixture.eventRoutes.openStreams()).isZero();
    HttpResponse<Buffer> refused =
        Await.result(http.get("/api/v1/events/stream").bearerTokenAuthentication(admin).send());
    assertThat(refused.statusCode()).isEqualTo(503);
  }

  @Test
  void aJoinRecordsTheNodeAndTheTokenUse() {
    String token = createToken();
    KeyPair key = NodeKeys.generateEd25519();
    HttpResponse<Buffer> joined =
        Await.result(
            http.post("/api/v1/join")
                .sendJsonObject(
                    new JsonObject()
                        .put("token", token)
                        .put("node_id", "w1")
                        .put("name", "w1")
                        .put("csr", NodeKeys.csrPem(key, "w1"))),
            Duration.ofSeconds(15));
    assertThat(joined.statusCode()).as(joined.bodyAsString()).isEqualTo(201);
    Await.result(http.post("/api/v1/nodes/w1/revoke").bearerTokenAuthentication(admin).send());

    await().atMost(Duration.ofSeconds(10)).until(() -> events("?category=node").size() == 2);
    JsonArray nodes = events("?category=node");
    JsonObject join = nodes.getJsonObject(1);
    assertThat(join.getString("name")).isEqualTo("joined");
    assertThat(join.getString("actor")).isEqualTo("node:w1");
    assertThat(join.getJsonObject("fields").getMap())
        .containsEntry("node_id", "w1")
        .containsEntry("role", "worker")
        .containsEntry("mesh_ip", joined.bodyAsJsonObject().getString("mesh_ip"));
    JsonObject revoked = nodes.getJsonObject(0);
    assertThat(revoked.getString("name")).isEqualTo("revoked");
    assertThat(revoked.getString("level")).isEqualTo("warning");
    assertThat(revoked.getString("actor")).isEqualTo("user:admin");
    JsonObject used = events("?category=token").getJsonObject(0);
    assertThat(used.getString("name")).isEqualTo("used");
    assertThat(used.getJsonObject("fields").getString("uses_left")).isEqualTo("0");
  }

  @Test
  void theWriteGuardIsRecordedOnceEtcdAcceptsWritesAgain() {
    etcd.member(0).stop();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !fixture.runtime.monitor().current().state().acceptsWrites());
    etcd.member(0).start();
    etcd.member(0).awaitHealthy(Duration.ofSeconds(20));

    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> events("?category=etcd").size() == 2);
    JsonArray guard = events("?category=etcd&order=oldest");
    JsonObject engaged = guard.getJsonObject(0);
    JsonObject released = guard.getJsonObject(1);
    assertThat(engaged.getString("name")).isEqualTo("write_guard_engaged");
    assertThat(engaged.getString("level")).isEqualTo("warning");
    assertThat(released.getString("name")).isEqualTo("write_guard_released");
    assertThat(Long.parseLong(released.getJsonObject("fields").getString("refused_ms")))
        .isPositive();
    // Ordered by time (ids), not by revision: both are appended at once, fire and forget.
    assertThat(engaged.getLong("time_ms")).isLessThan(released.getLong("time_ms"));
  }

  // --- helpers

  private String createToken() {
    HttpResponse<Buffer> r =
        Await.result(
            http.post("/api/v1/tokens")
                .bearerTokenAuthentication(admin)
                .sendJsonObject(new JsonObject().put("role", "worker").put("uses", 1)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject().getString("token");
  }

  private JsonObject list(String query) {
    HttpResponse<Buffer> r =
        Await.result(http.get("/api/v1/events" + query).bearerTokenAuthentication(admin).send());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private JsonArray events(String query) {
    return list(query).getJsonArray("events");
  }

  /** An open SSE response, read as it arrives. */
  private final class Stream {
    final HttpClientResponse response;
    final StringBuffer text = new StringBuffer();
    volatile boolean ended;

    Stream(HttpClientResponse response) {
      this.response = response;
      response.handler(b -> text.append(b.toString()));
      response.endHandler(v -> ended = true);
      response.exceptionHandler(t -> ended = true);
    }

    String text() {
      return text.toString();
    }

    List<JsonObject> events() {
      List<JsonObject> out = new ArrayList<>();
      Matcher m = EVENT.matcher(text());
      while (m.find()) {
        out.add(new JsonObject(m.group(2)));
      }
      return out;
    }

    List<Long> ids() {
      List<Long> out = new ArrayList<>();
      Matcher m = EVENT.matcher(text());
      while (m.find()) {
        out.add(Long.parseLong(m.group(1)));
      }
      return out;
    }

    void close() {
      Await.result(response.request().connection().close());
    }
  }

  private Stream stream(String path, String lastEventId) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost("127.0.0.1")
            .setPort(fixture.port)
            .setURI(path)
            .putHeader("Authorization", "Bearer " + admin)
            .putHeader("Accept", "text/event-stream");
    if (lastEventId != null) {
      options.putHeader("Last-Event-ID", lastEventId);
    }
    // The handlers go on in the completion callback, on the event loop, before any body chunk
    // is delivered; set later from this thread, the first chunks could be missed.
    Stream stream = Await.result(raw.request(options).compose(req -> req.send()).map(Stream::new));
    assertThat(stream.response.statusCode()).isEqualTo(200);
    return stream;
  }
}
