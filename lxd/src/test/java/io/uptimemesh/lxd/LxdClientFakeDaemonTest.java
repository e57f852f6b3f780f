package io.uptimemesh.lxd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's transport and operation waits against a small fake daemon: a real Vert.x HTTP server
 * on a unix socket in a temp directory, answering in LXD's envelope. Covers what the real daemon
 * does not do on demand: never answering, operations that run over several wait slices.
 */
class LxdClientFakeDaemonTest {
  private Vertx vertx;
  private Vertx serverVertx;
  private HttpServer server;
  private Path dir;
  private LxdClient client;
  private final AtomicInteger waits = new AtomicInteger();

  @BeforeEach
  void startFakeDaemon() throws Exception {
    dir = Files.createTempDirectory("fake-lxd-");
    Path socket = dir.resolve("unix.socket");
    serverVertx = Vertx.vertx();
    server = serverVertx.createHttpServer().requestHandler(this::answer);
    await(server.listen(SocketAddress.domainSocketAddress(socket.toString())));
    vertx = Vertx.vertx();
    client =
        LxdClient.create(
            vertx,
            new LxdClientOptions(socket, "tenant", Duration.ofSeconds(2), Duration.ofSeconds(5)));
  }

  @AfterEach
  void stop() throws Exception {
    await(client.close());
    await(vertx.close());
    await(serverVertx.close());
    Files.deleteIfExists(dir.resolve("unix.socket"));
    Files.deleteIfExists(dir);
  }

  private void answer(HttpServerRequest req) {
    String path = req.path();
    String sync = "{\"type\":\"sync\",\"status_code\":200,\"metadata\":%s}";
    switch (path) {
      case "/1.0" ->
          req.response().end(sync.formatted("{\"environment\":{\"server_version\":\"5.0.2\"}}"));
      case "/1.0/instances/ghost/state" ->
          req.response()
              .setStatusCode(404)
              .end("{\"type\":\"error\",\"error_code\":404,\"error\":\"Instance not found\"}");
      case "/1.0/instances/silent/state" -> {
        // Never answers.
      }
      case "/1.0/instances/slow/state" ->
          req.response()
              .setStatusCode(202)
              .end("{\"type\":\"async\",\"operation\":\"/1.0/operations/op1\",\"metadata\":{}}");
      case "/1.0/instances/forgotten/state" ->
          req.response()
              .setStatusCode(202)
              .end("{\"type\":\"async\",\"operation\":\"/1.0/operations/gone\",\"metadata\":{}}");
      case "/1.0/operations/op1/wait" -> {
        assertThat(req.getParam("project")).isEqualTo("tenant");
        int n = waits.incrementAndGet();
        String status =
            n < 3 ? "\"Running\",\"status_code\":103" : "\"Success\",\"status_code\":200";
        req.response().end(sync.formatted("{\"id\":\"op1\",\"status\":" + status + "}"));
      }
      default ->
          req.response()
              .setStatusCode(404)
              .end("{\"type\":\"error\",\"error_code\":404,\"error\":\"not found\"}");
    }
  }

  @Test
  void manyCallsFromAForeignThreadAllComplete() throws Exception {
    // 2,000 calls in waves of 50 from this (non-Vert.x) thread, over a pool of 16 connections.
    for (int wave = 0; wave < 40; wave++) {
      List<Future<String>> calls = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        calls.add(client.serverVersion());
      }
      for (Future<String> call : calls) {
        assertThat(await(call)).isEqualTo("5.0.2");
      }
    }
  }

  @Test
  void anAnswerThatNeverComesFailsAsUnavailableWithinTheDeadline() {
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> await(client.state("silent")))
        .isInstanceOfSatisfying(
            UptimeMeshException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("state query of container 'silent'")
        .hasMessageContaining("unix.socket");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
  }

  @Test
  void anOperationIsAskedAgainUntilItEnds() throws Exception {
    await(client.start("slow"));
    assertThat(waits.get()).isEqualTo(3);
  }

  @Test
  void anOperationLxdForgotIsUnavailableNotAMissingContainer() {
    assertThatThrownBy(() -> await(client.start("forgotten")))
        .isInstanceOfSatisfying(
            UptimeMeshException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("start of container 'forgotten'")
        .hasMessageContaining("outcome is unknown");
  }

  @Test
  void errorsComeBackMapped() {
    assertThatThrownBy(() -> await(client.state("ghost")))
        .isInstanceOfSatisfying(
            UptimeMeshException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_FOUND))
        .hasMessage(
            "LXD: state query of container 'ghost' in LXD project 'tenant' failed: Instance not"
                + " found");
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }
}
