package io.uptimemesh.web.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.discovery.DiscoveryDocument;
import io.uptimemesh.core.discovery.DiscoveryNode;
import io.uptimemesh.core.discovery.EndpointProbe;
import io.uptimemesh.core.discovery.HealthyEndpoint;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.web.NodeCluster;
import io.uptimemesh.web.mesh.SseClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The per-node discovery document and its stream, as ADR 0013 describes them, on real etcd. */
@Timeout(120)
class DiscoveryStreamIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private static final Duration TTL = Duration.ofSeconds(3);
  private static final Duration SECOND = Duration.ofSeconds(1);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private NodeCluster c;
  private NodeCluster.Node n1;
  private NodeCluster.Node n2;
  private long rev1;

  @BeforeEach
  void setUp() {
    c = new NodeCluster(etcd.endpoints(), TTL);
    n1 = c.join("n1");
    n2 = c.join("n2");
    c.keepAlive(n1);
    c.keepAlive(n2);
    c.service("web");
    rev1 =
        c.endpoint(NodeCluster.endpointBody("e1", "web", "n1", 8080).put("port_name", "http"))
            .getLong("revision");
  }

  @AfterEach
  void tearDown() {
    c.close();
  }

  @Test
  void documentsListProbesAndTheZoneOnlyWhenAsked() {
    HttpResponse<Buffer> plain = c.signedGet(n1, "/api/v1/nodes/n1/discovery", "");
    assertThat(plain.statusCode()).as(plain.bodyAsString()).isEqualTo(200);
    DiscoveryDocument doc = DiscoveryDocument.parse(plain.body().getBytes());
    assertThat(doc.nodeId()).isEqualTo("n1");
    assertThat(doc.zone()).isNull();
    assertThat(doc.probes()).extracting(EndpointProbe::endpointId).containsExactly("e1");
    assertThat(doc.probes().get(0).endpointRevision()).isEqualTo(rev1);
    assertThat(plain.getHeader("ETag")).isEqualTo("\"" + doc.revision() + "\"");

    DiscoveryDocument withZone =
        DiscoveryDocument.parse(
            c.signedGet(n2, "/api/v1/nodes/n2/discovery", "?zone=true").body().getBytes());
    assertThat(withZone.probes()).isEmpty();
    assertThat(withZone.zone().nodes()).extracting(DiscoveryNode::id).containsExactly("n1", "n2");
    assertThat(withZone.zone().nodes().get(0).meshAddress()).isEqualTo(n1.meshIp());
    assertThat(withZone.zone().endpoints()).as("e1 is not reported yet").isEmpty();

    assertThat(c.signedGet(n1, "/api/v1/nodes/n2/discovery", "").statusCode()).isEqualTo(403);
    assertThat(c.send(HttpMethod.GET, "/api/v1/nodes/n1/discovery", null, null).statusCode())
        .isEqualTo(401);
  }

  @Test
  void streamsSendWholeDocumentsOnlyWhenTheirDigestChanges() {
    try (SseClient zoned = c.stream(n2, "?zone=true");
        SseClient probes = c.stream(n1, "")) {
      DiscoveryDocument z = first(zoned);
      assertThat(z.zone().endpoints()).isEmpty();
      DiscoveryDocument p = first(probes);
      assertThat(p.zone()).isNull();
      assertThat(p.probes()).extracting(EndpointProbe::endpointId).containsExactly("e1");

      // Resuming with the digest it has: "unchanged" first.
      try (SseClient resumed = c.stream(n2, "?zone=true&digest=" + z.digest())) {
        SseClient.Event e = resumed.next(WAIT);
        assertThat(e.name()).isEqualTo("unchanged");
        assertThat(new JsonObject(e.data()).getLong("revision")).isEqualTo(z.revision());
      }

      // Unrelated writes: a token, a service without endpoints. No event on either stream.
      c.op(HttpMethod.POST, "/api/v1/tokens", new JsonObject().put("role", "worker"));
      c.service("other");
      assertThat(zoned.silentFor(SECOND)).isTrue();
      assertThat(probes.silentFor(Duration.ofMillis(100))).isTrue();

      // A health report: the zone follows within a second.
      long sent = System.nanoTime();
      assertThat(c.reportHealth(n1, "n1", NodeCluster.report("e1", rev1, true, "")).statusCode())
          .isEqualTo(200);
      DiscoveryDocument healthy = next(zoned, SECOND);
      System.out.printf(
          "discovery event %d ms after the health report%n",
          (System.nanoTime() - sent) / 1_000_000);
      assertThat(healthy.zone().endpoints())
          .extracting(HealthyEndpoint::nodeId, HealthyEndpoint::port, HealthyEndpoint::portName)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("n1", 8080, "http"));
      assertThat(healthy.revision()).isGreaterThan(z.revision());
      // n1's own document now holds the verdict (the agent compares it with what it knows); the
      // probe list itself is the same.
      DiscoveryDocument held = next(probes, SECOND);
      assertThat(held.reported()).isEqualTo(java.util.Map.of("e1", true));
      assertThat(held.probes()).isEqualTo(p.probes());

      // A new endpoint on n1: its probe stream gets the new list.
      c.endpoint(
          new JsonObject()
              .put("id", "e9")
              .put("service", "other")
              .put("node_id", "n1")
              .put("port", 9000));
      assertThat(next(probes, SECOND).probes())
          .extracting(EndpointProbe::endpointId)
          .containsExactly("e1", "e9");

      // n1's lease expires: its node and endpoint leave the zone within a second of it.
      c.stopHeartbeats(n1);
      DiscoveryDocument gone = null;
      long deadline = System.nanoTime() + TTL.plusSeconds(4).toNanos();
      while (System.nanoTime() < deadline) {
        SseClient.Event e = zoned.next(SECOND);
        if (e != null) {
          gone = parse(e);
          if (gone.zone().nodes().stream().noneMatch(n -> n.id().equals("n1"))) {
            break;
          }
        }
      }
      assertThat(gone).isNotNull();
      assertThat(gone.zone().nodes()).extracting(DiscoveryNode::id).containsExactly("n2");
      assertThat(gone.zone().endpoints()).isEmpty();
      assertThat(zoned.comments()).as("keep-alive comments").isPositive();
    }
  }

  @Test
  void revocationEndsTheStream() {
    try (SseClient s = c.stream(n1, "?zone=true")) {
      first(s);
      assertThat(c.op(HttpMethod.POST, "/api/v1/nodes/n1/revoke", new JsonObject()).statusCode())
          .isEqualTo(200);
      assertThat(s.ended(WAIT)).isTrue();
    }
    try (SseClient refused = c.stream(n1, "")) {
      assertThat(refused.status).isEqualTo(401);
    }
    try (SseClient badDigest = c.stream(n2, "?digest=xyz")) {
      assertThat(badDigest.status).isEqualTo(400);
      assertThat(badDigest.errorBody).contains("digest");
    }
  }

  private static DiscoveryDocument first(SseClient s) {
    assertThat(s.status).as(s.errorBody).isEqualTo(200);
    return next(s, WAIT);
  }

  private static DiscoveryDocument next(SseClient s, Duration within) {
    SseClient.Event e = s.next(within);
    assertThat(e).as("an event within %s", within).isNotNull();
    return parse(e);
  }

  private static DiscoveryDocument parse(SseClient.Event e) {
    assertThat(e.name()).isEqualTo("discovery");
    DiscoveryDocument d = DiscoveryDocument.parse(e.data().getBytes(StandardCharsets.UTF_8));
    assertThat(d.revision()).isEqualTo(Long.parseLong(e.id()));
    return d;
  }
}
