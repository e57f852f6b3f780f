package io.uptimemesh.web.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.web.NodeCluster;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Signed endpoint health reports on real etcd: what is written, what is ignored and why, and how
 * the node's liveness lease and revocation override every report.
 */
@Timeout(120)
class EndpointHealthIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private static final Duration TTL = Duration.ofSeconds(3);

  private NodeCluster c;
  private NodeCluster.Node n1;
  private NodeCluster.Node n2;
  private long rev1;
  private long rev2;

  @BeforeEach
  void setUp() {
    c = new NodeCluster(etcd.endpoints(), TTL);
    n1 = c.join("n1");
    n2 = c.join("n2");
    c.keepAlive(n1);
    c.keepAlive(n2);
    c.service("web");
    rev1 = c.endpointRevision("e1", "web", "n1", 8080);
    rev2 = c.endpointRevision("e2", "web", "n2", 8080);
  }

  @AfterEach
  void tearDown() {
    c.close();
  }

  @Test
  void transitionsAreWrittenOnceAndForeignOrOldReportsAreIgnored() {
    HttpResponse<Buffer> first =
        c.reportHealth(
            n1,
            "n1",
            NodeCluster.report("e1", rev1, true, ""),
            NodeCluster.report("e2", rev2, true, ""),
            NodeCluster.report("gone", 5, true, ""),
            NodeCluster.report("e1", rev1 + 1000, false, "old"));
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
    JsonObject answer = first.bodyAsJsonObject();
    assertThat(answer.getInteger("accepted")).isEqualTo(4);
    // The two reports about e1 coalesce to the last, which names another create revision.
    assertThat(answer.getInteger("written")).isZero();
    assertThat(
            answer.getJsonArray("ignored").stream().map(o -> ((JsonObject) o).getString("reason")))
        .containsExactlyInAnyOrder(
            "endpoint belongs to node n2",
            "endpoint not found",
            "endpoint_revision "
                + (rev1 + 1000)
                + " is not the endpoint's create revision "
                + rev1);

    HttpResponse<Buffer> healthy =
        c.reportHealth(n1, "n1", NodeCluster.report("e1", rev1, true, ""));
    assertThat(healthy.bodyAsJsonObject().getInteger("written")).isEqualTo(1);
    assertThat(c.endpointNow("e1").getString("state")).isEqualTo("healthy");

    // The same verdict again writes nothing, even with another detail.
    HttpResponse<Buffer> again =
        c.reportHealth(n1, "n1", NodeCluster.report("e1", rev1, true, "still fine"));
    assertThat(again.bodyAsJsonObject().getInteger("written")).isZero();
    assertThat(again.bodyAsJsonObject().getJsonArray("ignored")).isEmpty();

    HttpResponse<Buffer> down =
        c.reportHealth(n1, "n1", NodeCluster.report("e1", rev1, false, "connection refused"));
    assertThat(down.bodyAsJsonObject().getInteger("written")).isEqualTo(1);
    JsonObject e1 = c.endpointNow("e1");
    assertThat(e1.getString("state")).isEqualTo("unhealthy");
    assertThat(e1.getString("reason")).isEqualTo("check failing: connection refused");
    assertThat(e1.getString("detail")).isEqualTo("connection refused");
    assertThat(e1.getLong("changed_at_ms")).isPositive();

    // Events: healthy as info, unhealthy as a warning.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              var events =
                  c.op(HttpMethod.GET, "/api/v1/events?category=discovery&limit=100", null)
                      .bodyAsJsonObject()
                      .getJsonArray("events");
              assertThat(
                      events.stream()
                          .map(o -> (JsonObject) o)
                          .filter(e -> e.getString("name").equals("endpoint_unhealthy"))
                          .map(e -> e.getString("level")))
                  .containsExactly("warning");
              assertThat(
                      events.stream()
                          .map(o -> ((JsonObject) o).getString("name"))
                          .filter(n -> n.equals("endpoint_healthy")))
                  .hasSize(1);
            });
  }

  @Test
  void reportsAreSignedAndChecked() {
    // Signed by n1 for n2's path.
    assertThat(c.reportHealth(n1, "n2", NodeCluster.report("e2", rev2, true, "")).statusCode())
        .isEqualTo(403);
    // A bad report names its field.
    HttpResponse<Buffer> bad = c.reportHealth(n1, "n1", NodeCluster.report("E 1", rev1, true, ""));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getString("message")).contains("reports[0].endpoint_id");
    // Unsigned.
    HttpResponse<Buffer> unsigned =
        c.send(HttpMethod.POST, "/api/v1/nodes/n1/endpoint-health", new JsonObject(), null);
    assertThat(unsigned.statusCode()).isEqualTo(401);
  }

  @Test
  void aNodeThatIsNotAliveCannotReport() {
    NodeCluster.Node n3 = c.join("n3");
    long rev3 =
        c.endpoint(
                new JsonObject()
                    .put("id", "e3")
                    .put("service", "web")
                    .put("node_id", "n3")
                    .put("port", 8080))
            .getLong("revision");
    assertThat(c.endpointNow("e3").getString("reason")).isEqualTo("node not alive");
    HttpResponse<Buffer> r = c.reportHealth(n3, "n3", NodeCluster.report("e3", rev3, true, ""));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(409);
    assertThat(r.bodyAsJsonObject().getString("message")).contains("not alive");
  }

  @Test
  void reportsDieWithTheNodesLeaseAndRevocationOverridesThem() {
    assertThat(
            c.reportHealth(n1, "n1", NodeCluster.report("e1", rev1, true, ""))
                .bodyAsJsonObject()
                .getInteger("written"))
        .isEqualTo(1);
    assertThat(
            c.reportHealth(n2, "n2", NodeCluster.report("e2", rev2, true, ""))
                .bodyAsJsonObject()
                .getInteger("written"))
        .isEqualTo(1);
    String healthKey = c.fixture.runtime.store().layout().endpointHealth("e1");
    assertThat(c.fixture.runtime.cache().snapshot().get(healthKey)).isPresent();

    // n1 stops heartbeating: its lease expires, etcd deletes the report with the alive key.
    c.stopHeartbeats(n1);
    await()
        .atMost(TTL.plusSeconds(5))
        .untilAsserted(
            () -> {
              JsonObject e1 = c.endpointNow("e1");
              assertThat(e1.getString("state")).isEqualTo("unhealthy");
              assertThat(e1.getString("reason")).isEqualTo("node not alive");
            });
    assertThat(c.fixture.runtime.cache().snapshot().get(healthKey)).isEmpty();
    HttpResponse<Buffer> late = c.reportHealth(n1, "n1", NodeCluster.report("e1", rev1, true, ""));
    assertThat(late.statusCode()).isEqualTo(409);

    // Back: nothing of its old verdict survives; it is unknown until it reports afresh.
    c.keepAlive(n1);
    assertThat(c.endpointNow("e1").getString("state")).isEqualTo("unknown");
    assertThat(
            c.reportHealth(n1, "n1", NodeCluster.report("e1", rev1, true, ""))
                .bodyAsJsonObject()
                .getInteger("written"))
        .isEqualTo(1);
    assertThat(c.endpointNow("e1").getString("state")).isEqualTo("healthy");

    // Revoked: unhealthy at once, whatever it reported.
    assertThat(c.op(HttpMethod.POST, "/api/v1/nodes/n2/revoke", new JsonObject()).statusCode())
        .isEqualTo(200);
    JsonObject e2 = c.endpointNow("e2");
    assertThat(e2.getString("state")).isEqualTo("unhealthy");
    assertThat(e2.getString("reason")).isEqualTo("node revoked");
  }
}
