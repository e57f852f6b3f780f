package io.uptimemesh.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.agent.contract.TestNode;
import io.uptimemesh.agent.control.Backoff;
import io.uptimemesh.agent.control.ControlPlaneClient;
import io.uptimemesh.core.discovery.EndpointHealthReport;
import io.uptimemesh.core.heartbeat.HeartbeatSignatures;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.pki.ClusterCa;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health reporter against a real HTTP server that answers as each test scripts it. */
class HealthReporterTest {
  @TempDir Path dir;

  private final Vertx vertx = Vertx.vertx();
  private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile Consumer<HttpServerRequest> answer = r -> ok(r, "[]");
  private HttpServer server;
  private HealthReporter reporter;
  private Context context;

  @BeforeEach
  void setUp() throws Exception {
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                r ->
                    r.body()
                        .onSuccess(
                            b -> {
                              assertThat(r.getHeader(HeartbeatSignatures.SIGNATURE_HEADER))
                                  .isNotBlank();
                              bodies.add(json(b.getBytes()));
                              maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                              r.response().endHandler(v -> inFlight.decrementAndGet());
                              answer.accept(r);
                            }))
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    ClusterCa ca = ClusterCa.generate("test", Duration.ofDays(1), Instant.now());
    TestNode node = new TestNode(ca, dir, "n1", 1, List.of());
    ControlPlaneClient client = node.client(vertx, "http://127.0.0.1:" + server.actualPort());
    Clock clock = Clock.systemUTC();
    context = vertx.getOrCreateContext();
    reporter =
        new HealthReporter(
            vertx,
            client,
            "n1",
            clock,
            new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), () -> 0.5));
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static void ok(HttpServerRequest r, String ignored) {
    r.response().end("{\"accepted\":1,\"written\":1,\"ignored\":" + ignored + "}");
  }

  private static EndpointHealthReport.Report report(String id, boolean healthy) {
    return new EndpointHealthReport.Report(id, 7, healthy, healthy ? "" : "refused", 1000);
  }

  private void offer(EndpointHealthReport.Report... reports) {
    context.runOnContext(
        v -> {
          for (EndpointHealthReport.Report r : reports) {
            reporter.offer(r);
          }
        });
  }

  private int pending() throws Exception {
    io.vertx.core.Promise<Integer> p = io.vertx.core.Promise.promise();
    context.runOnContext(v -> p.complete(reporter.pending()));
    return p.future().await(5, TimeUnit.SECONDS);
  }

  private static JsonNode json(byte[] bytes) {
    try {
      return Json.mapper().readTree(bytes);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> verdicts(JsonNode body) {
    List<String> out = new ArrayList<>();
    body.path("reports")
        .forEach(
            r -> out.add(r.path("endpoint_id").asText() + "=" + r.path("healthy").asBoolean()));
    return out;
  }

  @Test
  void aReportIsSignedAndCarriesNodeIdSentAtAndTheVerdicts() throws Exception {
    offer(report("db-1", true));
    await().atMost(Duration.ofSeconds(5)).until(() -> bodies.size() == 1);
    JsonNode body = bodies.get(0);
    assertThat(body.path("node_id").asText()).isEqualTo("n1");
    assertThat(body.path("sent_at_ms").asLong()).isPositive();
    assertThat(body.path("reports").get(0).path("endpoint_revision").asLong()).isEqualTo(7);
    assertThat(body.path("reports").get(0).path("changed_at_ms").asLong()).isEqualTo(1000);
    assertThat(EndpointHealthReport.parse(body).reports()).containsExactly(report("db-1", true));
    await().atMost(Duration.ofSeconds(5)).until(() -> pending() == 0);
  }

  @Test
  void verdictsCoalesceByEndpointWhileTheNodeIsNotAliveAndAreSentOnceItIs() throws Exception {
    answer = r -> r.response().setStatusCode(409).end("{\"error\":\"node not alive\"}");
    offer(report("db-1", false));
    await().atMost(Duration.ofSeconds(5)).until(() -> bodies.size() >= 2);
    offer(report("db-1", true), report("web-1", false), report("db-1", false));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> verdicts(bodies.get(bodies.size() - 1)).size() == 2);
    assertThat(pending()).isEqualTo(2);

    answer = r -> ok(r, "[]");
    await().atMost(Duration.ofSeconds(5)).until(() -> pending() == 0);
    assertThat(verdicts(bodies.get(bodies.size() - 1)))
        .containsExactlyInAnyOrder("db-1=false", "web-1=false");
    int sent = bodies.size();
    Thread.sleep(400);
    assertThat(bodies).hasSize(sent);
    assertThat(maxInFlight.get()).isEqualTo(1);
  }

  @Test
  void anUnreachableOrFailingControlPlaneIsRetriedWithBackoff() throws Exception {
    answer = r -> r.response().setStatusCode(503).end("{}");
    offer(report("db-1", false));
    await().atMost(Duration.ofSeconds(5)).until(() -> bodies.size() >= 3);
    answer = r -> ok(r, "[]");
    await().atMost(Duration.ofSeconds(5)).until(() -> pending() == 0);
  }

  @Test
  void atMostOneRequestIsInFlightAndLaterVerdictsWaitForIt() throws Exception {
    answer = held::add;
    offer(report("db-1", false));
    await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 1);
    offer(report("db-1", true), report("web-1", true));
    Thread.sleep(300);
    assertThat(held).hasSize(1);
    answer = r -> ok(r, "[]");
    ok(held.poll(), "[]");
    await().atMost(Duration.ofSeconds(5)).until(() -> pending() == 0);
    assertThat(verdicts(bodies.get(bodies.size() - 1)))
        .containsExactlyInAnyOrder("db-1=true", "web-1=true");
    assertThat(bodies).hasSize(2);
    assertThat(maxInFlight.get()).isEqualTo(1);
  }

  @Test
  void ignoredReportsAreDroppedNotRetried() throws Exception {
    answer = r -> ok(r, "[{\"endpoint_id\":\"gone-1\",\"reason\":\"endpoint deleted\"}]");
    offer(report("gone-1", true));
    await().atMost(Duration.ofSeconds(5)).until(() -> pending() == 0 && bodies.size() == 1);
    Thread.sleep(300);
    assertThat(bodies).hasSize(1);
    assertThat(reporter.ignored()).isEqualTo(1);
  }

  @Test
  void aBadRequestAnswerDropsTheBatchInsteadOfRetryingForever() throws Exception {
    answer = r -> r.response().setStatusCode(400).end("{\"error\":\"reports[0].detail\"}");
    offer(report("db-1", true));
    await().atMost(Duration.ofSeconds(5)).until(() -> pending() == 0 && bodies.size() == 1);
    Thread.sleep(300);
    assertThat(bodies).hasSize(1);
  }
}
