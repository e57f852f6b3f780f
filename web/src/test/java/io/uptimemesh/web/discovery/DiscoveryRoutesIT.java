package io.uptimemesh.web.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.web.NodeCluster;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Services and endpoints through the real router on real etcd: CRUD, every refusal, events. */
@Timeout(120)
class DiscoveryRoutesIT {
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

  @Test
  void servicesAreCreatedListedShownAndDeleted() {
    JsonObject web = c.service("web");
    assertThat(web.getString("name")).isEqualTo("web");
    assertThat(web.getString("created_by")).isEqualTo("user:admin");
    assertThat(web.getLong("revision")).isPositive();

    HttpResponse<Buffer> dup =
        c.op(HttpMethod.POST, "/api/v1/services", new JsonObject().put("name", "web"));
    assertThat(dup.statusCode()).isEqualTo(409);
    assertThat(message(dup)).contains("web", "exists");

    assertBad(c.op(HttpMethod.POST, "/api/v1/services", new JsonObject()), "name");
    assertBad(
        c.op(HttpMethod.POST, "/api/v1/services", new JsonObject().put("name", "Bad_Name")),
        "name");
    assertBad(
        c.op(
            HttpMethod.POST,
            "/api/v1/services",
            new JsonObject().put("name", "ok").put("description", "x".repeat(1025))),
        "description");
    assertThat(
            c.send(HttpMethod.POST, "/api/v1/services", new JsonObject().put("name", "x"), null)
                .statusCode())
        .isEqualTo(401);

    c.op(
        HttpMethod.POST,
        "/api/v1/services",
        new JsonObject().put("name", "api").put("description", "the API"));
    JsonArray list =
        c.op(HttpMethod.GET, "/api/v1/services", null).bodyAsJsonObject().getJsonArray("services");
    assertThat(list.stream().map(o -> ((JsonObject) o).getString("name")).toList())
        .containsExactly("api", "web");
    JsonObject api = list.getJsonObject(0);
    assertThat(api.getString("description")).isEqualTo("the API");
    assertThat(api.getInteger("endpoints")).isZero();
    assertThat(api.getInteger("healthy")).isZero();

    assertThat(c.op(HttpMethod.GET, "/api/v1/services/nope", null).statusCode()).isEqualTo(404);
    assertThat(c.op(HttpMethod.DELETE, "/api/v1/services/nope", null).statusCode()).isEqualTo(404);
    HttpResponse<Buffer> deleted = c.op(HttpMethod.DELETE, "/api/v1/services/api", null);
    assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(200);
    assertThat(c.op(HttpMethod.GET, "/api/v1/services/api", null).statusCode()).isEqualTo(404);
  }

  @Test
  void endpointsAreCheckedCreatedAndDeletedWithTheirService() {
    NodeCluster.Node n1 = c.join("n1");
    c.keepAlive(n1);
    c.service("web");

    JsonObject e =
        c.endpoint(new JsonObject().put("service", "web").put("node_id", "n1").put("port", 8080));
    assertThat(e.getString("id")).isEqualTo("web-tcp-n1");
    assertThat(e.getString("address")).as("the node's mesh address").isEqualTo(n1.meshIp());
    assertThat(e.getString("protocol")).isEqualTo("tcp");
    assertThat(e.getString("port_name")).isEqualTo("tcp");
    assertThat(e.getJsonObject("check").getString("type")).isEqualTo("tcp");
    assertThat(e.getJsonObject("check").getLong("interval_ms")).isEqualTo(2000);
    assertThat(e.getLong("revision")).isPositive();
    assertThat(e.getString("state")).isEqualTo("unknown");
    assertThat(e.getString("reason")).isEqualTo("no report yet");
    // Creating it rewrote its service unchanged, so a delete that read the service earlier fails.
    var serviceEntry =
        c.fixture
            .runtime
            .cache()
            .snapshot()
            .get(c.fixture.runtime.store().layout().service("web"))
            .orElseThrow();
    assertThat(serviceEntry.modRevision()).isEqualTo(e.getLong("revision"));
    assertThat(serviceEntry.createRevision()).isLessThan(e.getLong("revision"));

    JsonObject http =
        c.endpoint(
            new JsonObject()
                .put("id", "web-http")
                .put("service", "web")
                .put("node_id", "n1")
                .put("address", "2001:DB8::10")
                .put("port", 80)
                .put("port_name", "http")
                .put(
                    "check",
                    new JsonObject()
                        .put("type", "http")
                        .put("path", "/healthz")
                        .put("interval_ms", 500)
                        .put("timeout_ms", 200)
                        .put("failure_threshold", 2)
                        .put("success_threshold", 2)));
    assertThat(http.getString("address")).isEqualTo("2001:db8::10");
    assertThat(http.getJsonObject("check").getString("path")).isEqualTo("/healthz");
    JsonObject udp =
        c.endpoint(
            new JsonObject()
                .put("service", "web")
                .put("node_id", "n1")
                .put("port", 53)
                .put("protocol", "udp"));
    assertThat(udp.getJsonObject("check").getString("type")).isEqualTo("none");

    // Every refusal names its field or its reason.
    JsonObject base = new JsonObject().put("service", "web").put("node_id", "n1").put("port", 81);
    assertBad(c.op(HttpMethod.POST, "/api/v1/endpoints", base.copy().put("port", 0)), "port");
    assertBad(c.op(HttpMethod.POST, "/api/v1/endpoints", base.copy().put("port", "x")), "port");
    assertBad(c.op(HttpMethod.POST, "/api/v1/endpoints", base.copy().putNull("port")), "port");
    assertBad(
        c.op(HttpMethod.POST, "/api/v1/endpoints", base.copy().put("address", "host.example")),
        "address");
    assertBad(
        c.op(HttpMethod.POST, "/api/v1/endpoints", base.copy().put("protocol", "sctp")),
        "protocol");
    assertBad(
        c.op(HttpMethod.POST, "/api/v1/endpoints", base.copy().put("port_name", "_http")),
        "port_name");
    assertBad(c.op(HttpMethod.POST, "/api/v1/endpoints", base.copy().put("id", "A B")), "id");
    assertBad(c.op(HttpMethod.POST, "/api/v1/endpoints", without(base, "service")), "service");
    assertBad(c.op(HttpMethod.POST, "/api/v1/endpoints", without(base, "node_id")), "node_id");
    assertBad(
        c.op(HttpMethod.POST, "/api/v1/endpoints", base.copy().put("node_id", "N 1")), "node_id");
    assertBad(
        c.op(
            HttpMethod.POST,
            "/api/v1/endpoints",
            base.copy().put("check", new JsonObject().put("type", "icmp"))),
        "check.type");
    assertBad(
        c.op(
            HttpMethod.POST,
            "/api/v1/endpoints",
            base.copy().put("check", new JsonObject().put("interval_ms", 10))),
        "check.interval_ms");
    assertBad(
        c.op(
            HttpMethod.POST,
            "/api/v1/endpoints",
            base.copy().put("protocol", "udp").put("check", new JsonObject().put("type", "tcp"))),
        "check.type");
    HttpResponse<Buffer> noService =
        c.op(HttpMethod.POST, "/api/v1/endpoints", base.copy().put("service", "nope"));
    assertThat(noService.statusCode()).isEqualTo(404);
    assertThat(message(noService)).contains("service nope");
    HttpResponse<Buffer> noNode =
        c.op(HttpMethod.POST, "/api/v1/endpoints", base.copy().put("node_id", "ghost"));
    assertThat(noNode.statusCode()).isEqualTo(404);
    assertThat(message(noNode)).contains("node ghost");
    HttpResponse<Buffer> taken =
        c.op(HttpMethod.POST, "/api/v1/endpoints", base.copy().put("id", "web-http"));
    assertThat(taken.statusCode()).isEqualTo(409);
    assertThat(message(taken)).contains("web-http", "exists");

    NodeCluster.Node n2 = c.join("n2");
    assertThat(c.op(HttpMethod.POST, "/api/v1/nodes/n2/revoke", new JsonObject()).statusCode())
        .isEqualTo(200);
    HttpResponse<Buffer> revoked =
        c.op(HttpMethod.POST, "/api/v1/endpoints", base.copy().put("node_id", n2.id()));
    assertThat(revoked.statusCode()).isEqualTo(409);
    assertThat(message(revoked)).contains("revoked");

    // Listing, filters, one endpoint, the service with its endpoints.
    assertThat(ids("/api/v1/endpoints")).containsExactly("web-http", "web-tcp-n1", "web-udp-n1");
    assertThat(ids("/api/v1/endpoints?service=web&node=n1")).hasSize(3);
    assertThat(ids("/api/v1/endpoints?node=n2")).isEmpty();
    assertThat(ids("/api/v1/endpoints?service=other")).isEmpty();
    assertThat(c.endpointNow("web-http").getInteger("port")).isEqualTo(80);
    assertThat(c.op(HttpMethod.GET, "/api/v1/endpoints/nope", null).statusCode()).isEqualTo(404);
    JsonObject shown = c.op(HttpMethod.GET, "/api/v1/services/web", null).bodyAsJsonObject();
    assertThat(shown.getInteger("endpoint_count")).isEqualTo(3);
    assertThat(shown.getJsonArray("endpoints")).hasSize(3);
    assertThat(shown.getJsonArray("endpoints").getJsonObject(0).getString("state")).isNotBlank();

    // A service with endpoints is deleted only with cascade, and takes them along.
    HttpResponse<Buffer> busy = c.op(HttpMethod.DELETE, "/api/v1/services/web", null);
    assertThat(busy.statusCode()).isEqualTo(409);
    assertThat(message(busy)).contains("3 endpoints", "cascade");
    HttpResponse<Buffer> one = c.op(HttpMethod.DELETE, "/api/v1/endpoints/web-udp-n1", null);
    assertThat(one.statusCode()).as(one.bodyAsString()).isEqualTo(200);
    assertThat(c.op(HttpMethod.DELETE, "/api/v1/endpoints/web-udp-n1", null).statusCode())
        .isEqualTo(404);
    HttpResponse<Buffer> cascade =
        c.op(HttpMethod.DELETE, "/api/v1/services/web?cascade=true", null);
    assertThat(cascade.statusCode()).as(cascade.bodyAsString()).isEqualTo(200);
    assertThat(cascade.bodyAsJsonObject().getInteger("endpoints_deleted")).isEqualTo(2);
    assertThat(ids("/api/v1/endpoints")).isEmpty();
    assertThat(c.op(HttpMethod.GET, "/api/v1/services/web", null).statusCode()).isEqualTo(404);
    assertBad(c.op(HttpMethod.DELETE, "/api/v1/services/web?cascade=maybe", null), "cascade");

    // Every change left an event.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(eventNames())
                    .contains(
                        "service_created",
                        "endpoint_created",
                        "endpoint_deleted",
                        "service_deleted"));
  }

  private List<String> eventNames() {
    return c
        .op(HttpMethod.GET, "/api/v1/events?category=discovery&limit=100", null)
        .bodyAsJsonObject()
        .getJsonArray("events")
        .stream()
        .map(o -> ((JsonObject) o).getString("name"))
        .toList();
  }

  private List<String> ids(String path) {
    HttpResponse<Buffer> r = c.op(HttpMethod.GET, path, null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("endpoints").stream()
        .map(o -> ((JsonObject) o).getString("id"))
        .toList();
  }

  private static JsonObject without(JsonObject body, String field) {
    JsonObject copy = body.copy();
    copy.remove(field);
    return copy;
  }

  private static String message(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject().getString("message");
  }

  private static void assertBad(HttpResponse<Buffer> r, String field) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(message(r)).as(r.bodyAsString()).contains(field);
  }
}
