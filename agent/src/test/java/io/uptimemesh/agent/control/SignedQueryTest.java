package io.uptimemesh.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.agent.contract.TestNode;
import io.uptimemesh.core.heartbeat.HeartbeatSignatures;
import io.uptimemesh.core.heartbeat.NodeRequests;
import io.uptimemesh.core.pki.ClusterCa;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A signed bodiless GET with a query signs the path without it, as the server verifies. */
class SignedQueryTest {
  @TempDir Path dir;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void theQueryIsSentButNotSigned() throws Exception {
    ClusterCa ca = ClusterCa.generate("test", Duration.ofDays(1), Instant.now());
    TestNode node = new TestNode(ca, dir, "n1", 1, List.of());
    PublicKey key = node.certificate.getPublicKey();
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                r -> {
                  byte[] signed =
                      NodeRequests.signedBytes(
                          r.method().name(),
                          r.path(),
                          Long.parseLong(r.getHeader(NodeRequests.SENT_AT_HEADER)));
                  boolean ok =
                      HeartbeatSignatures.verify(
                          signed, r.getHeader(HeartbeatSignatures.SIGNATURE_HEADER), key);
                  r.response().setStatusCode(ok ? 200 : 401).end(String.valueOf(r.query()));
                })
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    ControlPlaneClient client = node.client(vertx, "http://127.0.0.1:" + server.actualPort());

    ControlPlaneClient.Response r =
        vertx
            .getOrCreateContext()
            .<ControlPlaneClient.Response>executeBlocking(() -> null)
            .compose(
                x -> client.signed(HttpMethod.GET, "/api/v1/nodes/n1/discovery?zone=true", null))
            .await(10, TimeUnit.SECONDS);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("zone=true");
  }
}
