package io.uptimemesh.web.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.web.ApiFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The etcd-operations and snapshot routes over the real HTTP stack and a real etcd. */
@Timeout(120)
class EtcdOpsRoutesIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private static ApiFixture fixture;
  private static String admin;

  @BeforeAll
  static void start() {
    fixture =
        ApiFixture.start(
            etcd.endpoints(),
            1 << 20,
            Optional.of(ApiFixture.identityConfig(Duration.ofSeconds(30))));
    JsonObject boot =
        Await.result(fixture.http.post("/api/v1/bootstrap").sendJsonObject(new JsonObject()))
            .bodyAsJsonObject();
    admin =
        Await.result(
                fixture
                    .http
                    .post("/api/v1/auth/login")
                    .sendJsonObject(
                        new JsonObject()
                            .put("username", "admin")
                            .put("password", boot.getString("admin_password"))))
            .bodyAsJsonObject()
            .getString("token");
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path) {
    return Await.result(
        fixture.http.request(method, path).bearerTokenAuthentication(admin).send(),
        Duration.ofSeconds(60));
  }

  @Test
  void snapshotRunsInTheBackgroundAndDownloadsWithItsChecksum() throws Exception {
    HttpResponse<Buffer> started = call(HttpMethod.POST, "/api/v1/snapshots");
    assertThat(started.statusCode()).as(started.bodyAsString()).isEqualTo(202);
    String id = started.bodyAsJsonObject().getString("id");
    assertThat(started.getHeader("Location")).isEqualTo("/api/v1/snapshots/" + id);

    JsonObject done =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> call(HttpMethod.GET, "/api/v1/snapshots/" + id).bodyAsJsonObject(),
                j -> !j.getString("state").equals("running"));
    assertThat(done.getString("state")).as(done.encode()).isEqualTo("succeeded");
    JsonObject meta = done.getJsonObject("snapshot");
    assertThat(meta.getLong("revision")).isPositive();

    JsonObject list = call(HttpMethod.GET, "/api/v1/snapshots").bodyAsJsonObject();
    assertThat(list.getJsonArray("snapshots").getJsonObject(0).getString("id")).isEqualTo(id);

    HttpResponse<Buffer> file = call(HttpMethod.GET, "/api/v1/snapshots/" + id + "/download");
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat(file.getHeader("Content-Length")).isEqualTo(meta.getLong("size").toString());
    String sha =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(file.body().getBytes()));
    assertThat(file.getHeader(SnapshotRoutes.SHA256_HEADER)).isEqualTo(sha);
    assertThat(sha).isEqualTo(meta.getString("sha256"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/v1/snapshots/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/snapshots/%2e%2e/download",
        "/api/v1/snapshots/nope/download",
        "/api/v1/snapshots/20261122T112345123Z-3fa9c1.json/download"
      })
  void malformedIdsAre400WithAJsonBody(String path) {
    HttpResponse<Buffer> r = call(HttpMethod.GET, path);
    assertThat(r.statusCode()).as(path + " " + r.bodyAsString()).isIn(400, 404);
    assertThat(r.bodyAsJsonObject().getString("error")).isIn("invalid_request", "not_found");
    assertThat(r.bodyAsString()).doesNotContain("root:");
  }

  @Test
  void aWellFormedUnknownIdIs404AndRestoreOfExternalEtcdIs409() {
    HttpResponse<Buffer> missing =
        call(HttpMethod.GET, "/api/v1/snapshots/20261122T112345123Z-3fa9c1/download");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.bodyAsJsonObject().getString("error")).isEqualTo("not_found");

    HttpResponse<Buffer> restore =
        call(HttpMethod.POST, "/api/v1/snapshots/20261122T112345123Z-3fa9c1/restore");
    assertThat(restore.statusCode()).isEqualTo(409);
    assertThat(restore.bodyAsJsonObject().getString("message"))
        .contains("external etcd", "docs/snapshot-restore.md");
  }

  @Test
  void everyRouteNeedsALogin() {
    for (String path :
        new String[] {"/api/v1/snapshots", "/api/v1/etcd/status", "/api/v1/etcd/check"}) {
      HttpResponse<Buffer> r = Await.result(fixture.http.get(path).send());
      assertThat(r.statusCode()).as(path).isEqualTo(401);
    }
  }

  @Test
  void statusCheckAndCompactAnswer() {
    JsonObject status = call(HttpMethod.GET, "/api/v1/etcd/status").bodyAsJsonObject();
    assertThat(status.getJsonArray("members")).hasSize(1);
    JsonObject member = status.getJsonArray("members").getJsonObject(0);
    assertThat(member.getBoolean("leader")).isTrue();
    assertThat(member.getString("version")).startsWith("3.");
    assertThat(member.getLong("db_size")).isPositive();

    JsonObject check = call(HttpMethod.GET, "/api/v1/etcd/check").bodyAsJsonObject();
    assertThat(check.getBoolean("ok")).as(check.encode()).isTrue();

    HttpResponse<Buffer> compact = call(HttpMethod.POST, "/api/v1/etcd/compact");
    assertThat(compact.statusCode()).as(compact.bodyAsString()).isEqualTo(200);
    assertThat(compact.bodyAsJsonObject().getLong("compacted_revision")).isPositive();
    assertThat(compact.bodyAsJsonObject().getLong("saved_bytes")).isNotNegative();
  }

  @Test
  void checkAsksEveryKnownCoreNodeServer() {
    int port = fixture.http.get("/").port(); // the fixture's own server: a ready core node
    var store = fixture.runtime.store();
    long rev =
        Await.result(
            store.put(
                store.layout().node("core-up"), coreNode("core-up", "http://127.0.0.1:" + port)));
    Await.result(
        store.put(
            store.layout().node("core-down"),
            coreNode("core-down", "http://127.0.0.1:" + io.uptimemesh.testkit.FreePorts.one())));
    Await.result(fixture.runtime.cache().awaitRevision(rev + 1, Duration.ofSeconds(5)));

    JsonObject check = call(HttpMethod.GET, "/api/v1/etcd/check").bodyAsJsonObject();

    assertThat(check.getBoolean("ok")).isFalse();
    assertThat(check.getJsonArray("core_nodes")).hasSize(2);
    assertThat(check.getJsonArray("problems").encode())
        .contains("core node core-down")
        .doesNotContain("core node core-up");
    Await.result(store.transaction().delete(store.layout().node("core-down")).commit("cleanup"));
    Await.result(store.transaction().delete(store.layout().node("core-up")).commit("cleanup"));
  }

  private static io.uptimemesh.core.identity.NodeRecord coreNode(String id, String api) {
    return new io.uptimemesh.core.identity.NodeRecord(
        id,
        id,
        "core",
        java.util.Map.of(),
        api,
        null,
        "10.42.0.9",
        "pem",
        "fp-" + id,
        0,
        0,
        false,
        0);
  }
}
