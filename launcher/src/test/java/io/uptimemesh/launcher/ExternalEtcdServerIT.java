package io.uptimemesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.testkit.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code uptimemesh server} against an external etcd cluster: it starts no etcd of its own. */
@Timeout(120)
class ExternalEtcdServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension final EtcdClusterExtension etcd = EtcdClusterExtension.members(3);

  @TempDir Path dir;

  @Test
  void staysReadyButDegradedWhenOneOfThreeMembersDies() throws Exception {
    try (ServerProcess server = new ServerProcess(dir).env("ETCD_ENDPOINTS", etcd.endpointsCsv())) {
      server.start();
      server.awaitReady(Duration.ofSeconds(20));
      JsonNode ready = JSON.readTree(server.get("/health/ready").body());
      assertThat(ready.path("etcd").path("managed").asBoolean()).isFalse();
      assertThat(ready.path("etcd").path("endpoints")).hasSize(3);
      // No etcd of its own (short-lived etcdctl children of snapshot jobs would be fine).
      assertThat(server.descendants())
          .noneMatch(p -> p.info().command().map(c -> c.endsWith("/etcd")).orElse(false));

      etcd.member(1).kill();
      // From the kill on, every answer is 200: quorum holds, so readiness must not blink.
      for (int i = 0; i < 30; i++) {
        ServerProcess.Response r = server.get("/health/ready");
        assertThat(r.status()).as("%d ms after the kill: %s", i * 100, r.body()).isEqualTo(200);
        Thread.sleep(100);
      }

      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                JsonNode e = JSON.readTree(server.get("/health/ready").body()).path("etcd");
                return e.path("healthy_endpoints").asInt() == 2
                    && e.path("status").asText().equals("degraded");
              });
      assertThat(server.get("/health/ready").status()).isEqualTo(200);

      server.sigterm();
      assertThat(server.awaitExit(Duration.ofSeconds(10))).isIn(0, 143);
    }
  }

  @Test
  void isLiveButNotReadyWhileItsEtcdIsUnreachable() throws Exception {
    String nowhere = "http://127.0.0.1:" + FreePorts.one();
    try (ServerProcess server = new ServerProcess(dir).env("ETCD_ENDPOINTS", nowhere)) {
      server.start();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> server.get("/health/live").status() == 200);

      ServerProcess.Response ready = server.get("/health/ready");
      assertThat(ready.status()).isEqualTo(503);
      JsonNode body = JSON.readTree(ready.body());
      assertThat(body.path("status").asText()).isEqualTo("not_ready");
      assertThat(body.path("etcd").path("status").asText()).isEqualTo("down");
      assertThat(body.path("etcd").path("managed").asBoolean()).isFalse();
      assertThat(body.path("etcd").path("endpoints").get(0).path("url").asText())
          .isEqualTo(nowhere);
      server.sigterm();
      server.awaitExit(Duration.ofSeconds(10));
    }
  }
}
