package io.uptimemesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code uptimemesh server} with its managed etcd, end to end, as a real process. */
@Timeout(120)
class ManagedEtcdServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void comesUpSurvivesAnEtcdKillServesMetricsAndStopsCleanly() throws Exception {
    try (ServerProcess server = new ServerProcess(dir).withFreeEtcdPorts("")) {
      long started = System.nanoTime();
      server.start();

      // 1. Ready with a managed etcd, well within 20 s.
      server.awaitReady(Duration.ofSeconds(20));
      Duration toReady = Duration.ofNanos(System.nanoTime() - started);
      JsonNode ready = JSON.readTree(server.get("/health/ready").body());
      assertThat(ready.path("status").asText()).isEqualTo("ready");
      assertThat(ready.path("etcd").path("managed").asBoolean()).isTrue();
      assertThat(ready.path("etcd").path("status").asText()).isIn("ok", "degraded");
      assertThat(ready.path("etcd").path("endpoints")).hasSize(1);
      long etcdPid = ready.path("etcd").path("pid").asLong();
      assertThat(server.descendants()).extracting(ProcessHandle::pid).contains(etcdPid);
      System.out.printf("server ready after %d ms%n", toReady.toMillis());

      // 2. kill -9 of the managed etcd: not ready, then ready again with a new pid; never exits.
      ProcessHandle.of(etcdPid).orElseThrow().destroyForcibly();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> server.get("/health/ready").status() == 503);
      JsonNode notReady = JSON.readTree(server.get("/health/ready").body());
      assertThat(notReady.path("status").asText()).isEqualTo("not_ready");
      assertThat(notReady.has("etcd")).isTrue();
      awaitReadyWithNewEtcd(server, etcdPid);
      assertThat(server.isAlive()).isTrue();
      JsonNode again = JSON.readTree(server.get("/health/ready").body());
      assertThat(again.path("etcd").path("restarts").asInt()).isEqualTo(1);
      server.descendants();

      // 3. Metrics: open, and accepted by promtool.
      ServerProcess.Response metrics = server.get("/metrics");
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.body())
          .contains("uptimemesh_etcd_health_state{state=\"ok\"}")
          .contains("uptimemesh_etcd_managed_restarts")
          .contains("jvm_memory_used_bytes")
          .contains("vertx_http_server_requests_total");
      Path scraped = dir.resolve("metrics.txt");
      Files.writeString(scraped, metrics.body());
      Process promtool =
          new ProcessBuilder("promtool", "check", "metrics")
              .redirectInput(scraped.toFile())
              .redirectErrorStream(true)
              .start();
      String lint = new String(promtool.getInputStream().readAllBytes());
      assertThat(promtool.waitFor()).as("promtool check metrics said:\n" + lint).isZero();

      // 4. The log file has JSON lines: requests with ids, etcd's own lines tagged.
      server.get("/version");
      Path log = dir.resolve("data/logs/app.log");
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                List<JsonNode> lines;
                try (Stream<String> s = Files.lines(log)) {
                  lines = s.map(ManagedEtcdServerIT::parse).toList();
                }
                assertThat(lines)
                    .anySatisfy(
                        l -> {
                          assertThat(l.path("path").asText()).isEqualTo("/version");
                          assertThat(l.path("request_id").asText()).isNotBlank();
                          assertThat(l.has("duration_ms")).isTrue();
                          assertThat(l.path("method").asText()).isEqualTo("GET");
                          assertThat(l.path("status").asInt()).isEqualTo(200);
                        });
                assertThat(lines)
                    .anySatisfy(l -> assertThat(l.path("component").asText()).isEqualTo("etcd"));
              });

      // 5. SIGTERM: exits within 10 s and leaves no etcd behind.
      List<ProcessHandle> children = server.descendantsSeen();
      long stopAt = System.nanoTime();
      server.sigterm();
      int code = server.awaitExit(Duration.ofSeconds(10));
      System.out.printf(
          "server stopped %d ms after SIGTERM (exit %d)%n",
          (System.nanoTime() - stopAt) / 1_000_000, code);
      assertThat(code).isIn(0, 143);
      assertThat(children).isNotEmpty().noneMatch(ProcessHandle::isAlive);
      assertThat(server.output()).contains("shutting down").contains("stopped");
    }
  }

  @Test
  void exitsNonZeroWhenTheManagedEtcdExhaustsItsCrashBudget() throws Exception {
    String budget =
        "  crash_budget: 1\n  restart_backoff_initial_ms: 100\n  restart_backoff_max_ms: 200\n";
    try (ServerProcess server = new ServerProcess(dir).withFreeEtcdPorts(budget)) {
      server.start();
      server.awaitReady(Duration.ofSeconds(20));

      long first = etcdPid(server.get("/health/ready"));
      ProcessHandle.of(first).orElseThrow().destroyForcibly();
      awaitReadyWithNewEtcd(server, first);
      long second = etcdPid(server.get("/health/ready"));
      server.descendants();
      ProcessHandle.of(second).orElseThrow().destroyForcibly();

      int code = server.awaitExit(Duration.ofSeconds(20));

      assertThat(code).isEqualTo(ExitCodes.ETCD_GAVE_UP);
      assertThat(server.output())
          .contains("crashed 2 times")
          .contains("crash budget 1")
          .contains("giving up");
      assertThat(server.descendantsSeen()).noneMatch(ProcessHandle::isAlive);
    }
  }

  /** Waits until the server is ready again on an etcd process other than {@code oldPid}. */
  private static void awaitReadyWithNewEtcd(ServerProcess server, long oldPid) {
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              ServerProcess.Response r = server.get("/health/ready");
              return r.status() == 200 && etcdPid(r) != oldPid;
            });
  }

  private static long etcdPid(ServerProcess.Response ready) throws Exception {
    return JSON.readTree(ready.body()).path("etcd").path("pid").asLong();
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("log line is not JSON: " + line, e);
    }
  }
}
