package io.uptimemesh.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.discovery.EndpointProbe;
import io.uptimemesh.core.discovery.HealthCheck;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Check attempts against real listeners on loopback. */
class EndpointCheckerTest {
  private final Vertx vertx = Vertx.vertx();
  private final AtomicInteger connections = new AtomicInteger();
  private HttpServer http;
  private EndpointChecker checker;
  private Context context;

  @BeforeEach
  void setUp() throws Exception {
    http =
        vertx
            .createHttpServer()
            .connectionHandler(c -> connections.incrementAndGet())
            .requestHandler(
                r -> {
                  switch (r.path()) {
                    case "/ok" -> r.response().end("fine");
                    case "/moved" -> r.response().setStatusCode(302).end();
                    case "/broken" -> r.response().setStatusCode(500).end();
                    case "/hang" -> {
                      // never answers
                    }
                    default -> r.response().setStatusCode(404).end();
                  }
                })
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    // The agent's client keeps connections alive: the checks must not reuse them anyway.
    HttpClient shared = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
    checker = new EndpointChecker(vertx, shared);
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private EndpointChecker.Attempt check(String type, String path, int port, long timeoutMs)
      throws Exception {
    EndpointProbe probe =
        new EndpointProbe(
            "e1",
            1,
            "svc",
            "127.0.0.1",
            port,
            "tcp",
            new HealthCheck(type, path, Math.max(100, timeoutMs), timeoutMs, 1, 1));
    Promise<EndpointChecker.Attempt> result = Promise.promise();
    context.runOnContext(v -> checker.check(probe).onComplete(result));
    return result.future().await(10, TimeUnit.SECONDS);
  }

  @Test
  void tcpConnectsToAListenerAndFailsOnAClosedPort() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
      assertThat(check("tcp", null, port, 500))
          .isEqualTo(new EndpointChecker.Attempt(true, "connected"));
    }
    EndpointChecker.Attempt refused = check("tcp", null, port, 500);
    assertThat(refused.ok()).isFalse();
    assertThat(refused.detail()).containsIgnoringCase("refused");
  }

  @Test
  void http2xxAnd3xxAreHealthyOthersAreNotAndEveryAttemptIsAFreshConnection() throws Exception {
    int port = http.actualPort();
    assertThat(check("http", "/ok", port, 500))
        .isEqualTo(new EndpointChecker.Attempt(true, "HTTP 200"));
    assertThat(check("http", "/moved", port, 500))
        .isEqualTo(new EndpointChecker.Attempt(true, "HTTP 302"));
    assertThat(check("http", "/broken", port, 500))
        .isEqualTo(new EndpointChecker.Attempt(false, "HTTP 500"));
    assertThat(check("http", "/missing", port, 500))
        .isEqualTo(new EndpointChecker.Attempt(false, "HTTP 404"));
    assertThat(connections.get()).isEqualTo(4);
  }

  @Test
  void aServerThatNeverAnswersFailsAfterTheTimeout() throws Exception {
    long start = System.nanoTime();
    EndpointChecker.Attempt hung = check("http", "/hang", http.actualPort(), 200);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(hung.ok()).isFalse();
    assertThat(took).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void noneIsHealthyWithoutConnecting() throws Exception {
    assertThat(check("none", null, 1, 100).ok()).isTrue();
    assertThat(connections.get()).isZero();
  }
}
