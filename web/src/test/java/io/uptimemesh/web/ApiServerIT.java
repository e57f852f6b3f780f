package io.uptimemesh.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.core.Version;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real router on a real port, over a real etcd, called by a real HTTP client. */
@Timeout(60)
class ApiServerIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private ApiFixture fixture;
  private WebClient client;

  @BeforeEach
  void setUp() {
    fixture = ApiFixture.start(etcd.endpoints(), 1024, Optional.empty());
    client = fixture.http;
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  @Test
  void liveAnswersAtOnce() {
    HttpResponse<Buffer> r = get("/health/live");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("status")).isEqualTo("live");
  }

  @Test
  void readyIs200WithEtcdDetailsThen503WhileEtcdIsDownThen200Again() {
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/health/ready").statusCode() == 200);
    JsonObject ready = get("/health/ready").bodyAsJsonObject();
    assertThat(ready.getString("status")).isEqualTo("ready");
    JsonObject etcdJson = ready.getJsonObject("etcd");
    assertThat(etcdJson.getString("status")).isEqualTo("ok");
    assertThat(etcdJson.getBoolean("managed")).isFalse();
    assertThat(etcdJson.getLong("revision")).isPositive();
    assertThat(etcdJson.getJsonArray("endpoints").getJsonObject(0).getString("url"))
        .isEqualTo(etcd.endpoints().get(0).toString());

    etcd.member(0).stop();
    await().atMost(Duration.ofSeconds(5)).until(() -> get("/health/ready").statusCode() == 503);
    JsonObject down = get("/health/ready").bodyAsJsonObject();
    assertThat(down.getString("status")).isEqualTo("not_ready");
    assertThat(down.getJsonObject("etcd").getBoolean("reachable")).isFalse();
    assertThat(down.getJsonObject("watch_cache").getBoolean("synced")).isFalse();

    etcd.member(0).start();
    etcd.member(0).awaitHealthy(Duration.ofSeconds(20));
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/health/ready").statusCode() == 200);
  }

  @Test
  void versionComesFromVersionJson() {
    JsonObject v = get("/version").bodyAsJsonObject();
    assertThat(v.getString("app")).isEqualTo(Version.current().app());
    assertThat(v.getString("api")).isEqualTo("v1");
  }

  @Test
  void unknownRoutesAndMethodsAnswerJsonErrors() {
    HttpResponse<Buffer> missing = get("/nope");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(missing.bodyAsJsonObject().getString("error")).isEqualTo("not_found");
    assertThat(missing.bodyAsJsonObject().getString("message")).contains("/nope");

    HttpResponse<Buffer> wrongMethod = Await.result(client.delete("/version").send());
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.bodyAsJsonObject().getString("error")).isEqualTo("method_not_allowed");
  }

  @Test
  void oversizedBodiesAre413Json() {
    HttpResponse<Buffer> r =
        Await.result(client.post("/version").sendBuffer(Buffer.buffer(new byte[4096])));
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("payload_too_large");
  }

  @Test
  void everyResponseCarriesARequestIdAndASaneOneIsKept() {
    assertThat(get("/version").getHeader(RequestLogHandler.HEADER)).matches("[0-9a-f-]{36}");

    HttpResponse<Buffer> echoed =
        Await.result(client.get("/version").putHeader(RequestLogHandler.HEADER, "trace-42").send());
    assertThat(echoed.getHeader(RequestLogHandler.HEADER)).isEqualTo("trace-42");

    HttpResponse<Buffer> replaced =
        Await.result(
            client.get("/version").putHeader(RequestLogHandler.HEADER, "bad id\twith junk").send());
    assertThat(replaced.getHeader(RequestLogHandler.HEADER)).isNotEqualTo("bad id\twith junk");
  }

  private HttpResponse<Buffer> get(String path) {
    return Await.result(client.get(path).send());
  }
}
