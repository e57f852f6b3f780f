package io.uptimemesh.bench;

import io.uptimemesh.testkit.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Read latency of a core node's API (DESIGN.md §9: API reads p99 ≤ 10 ms) under a closed-loop load
 * of {@code conns} connections, against a bare Vert.x server answering the same body, both measured
 * in this run by the same client.
 */
final class ReadBench {
  private static final double BUDGET_P99_MS = 10;

  private final Path jar;

  ReadBench(Path jar) {
    this.jar = jar;
  }

  void run(int seconds, int conns) throws Exception {
    Path dir = Files.createTempDirectory("bench-reads-");
    int serverPort = FreePorts.one();
    int rawPort = FreePorts.one();
    Process server = Processes.startServer(jar, dir, serverPort);
    Process raw = startRawServer(rawPort);
    Vertx vertx = Vertx.vertx();
    try {
      awaitUp(serverPort, server, rawPort, raw);
      System.out.println();
      System.out.printf(
          "== reads: %d connections, closed loop, %d s each after 3 s warm-up%n", conns, seconds);
      Result base = load(vertx, rawPort, "/", seconds, conns);
      print("baseline  bare Vert.x, same body    ", base);
      Result version = load(vertx, serverPort, "/version", seconds, conns);
      print("server    GET /version              ", version);
      Result ready = load(vertx, serverPort, "/health/ready", seconds, conns);
      print("server    GET /health/ready         ", ready);
      System.out.printf(
          "ratio     p99 /version / baseline   %.2f    throughput %.2f%n",
          version.p99ms() / base.p99ms(), version.rps() / base.rps());
      System.out.printf(
          "ratio     p99 /health/ready / base  %.2f    throughput %.2f%n",
          ready.p99ms() / base.p99ms(), ready.rps() / base.rps());
      double worst = Math.max(version.p99ms(), ready.p99ms());
      System.out.printf(
          "budget    API reads p99 ≤ %.0f ms     %s (worst p99 %.2f ms)%n",
          BUDGET_P99_MS, worst <= BUDGET_P99_MS ? "MET" : "NOT MET", worst);
    } finally {
      vertx.close().await();
      Processes.stop(raw);
      Processes.stop(server);
      Processes.deleteTree(dir);
    }
  }

  /** The baseline: {@link RawServer} in a JVM of its own, like the server it is compared with. */
  static Process startRawServer(int port) throws java.io.IOException {
    return new ProcessBuilder(
            Processes.java(),
            "-cp",
            BenchMain.class.getProtectionDomain().getCodeSource().getLocation().getPath(),
            BenchMain.class.getName(),
            "raw-server",
            Integer.toString(port))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  record Result(long requests, long errors, double seconds, Histogram latencyMicros) {
    double rps() {
      return requests / seconds;
    }

    double p99ms() {
      return latencyMicros.getValueAtPercentile(99) / 1000.0;
    }
  }

  static void print(String label, Result r) {
    Histogram h = r.latencyMicros();
    System.out.printf(
        "%s %8.0f req/s   p50 %6.2f ms   p99 %6.2f ms   p99.9 %6.2f ms   errors %d%n",
        label,
        r.rps(),
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0,
        r.errors());
  }

  private static Result load(Vertx vertx, int port, String path, int seconds, int conns)
      throws InterruptedException {
    return load(vertx, port, path, null, seconds, conns);
  }

  /**
   * The closed loop on {@code path}: {@code conns} requests always in flight, 3 s of warm-up
   * discarded, then {@code seconds} measured. With {@code bearer}, every request carries it as its
   * session, as the CLI's do.
   */
  static Result load(Vertx vertx, int port, String path, String bearer, int seconds, int conns)
      throws InterruptedException {
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(port)
                .setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(conns));
    run(client, path, bearer, 3, conns, null); // warm-up, discarded
    Histogram h = new Histogram(60_000_000L, 3);
    long[] counts = run(client, path, bearer, seconds, conns, h);
    client.close().await();
    return new Result(counts[0], counts[1], seconds, h);
  }

  /** Returns {requests, errors}; records latencies into {@code h} when given. */
  private static long[] run(
      HttpClient client, String path, String bearer, int seconds, int conns, Histogram h)
      throws InterruptedException {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    CountDownLatch done = new CountDownLatch(conns);
    for (int i = 0; i < conns; i++) {
      loop(client, path, bearer, running, ok, errors, h, done);
    }
    Thread.sleep(seconds * 1000L);
    running.set(false);
    done.await(10, TimeUnit.SECONDS);
    return new long[] {ok.get(), errors.get()};
  }

  private static void loop(
      HttpClient client,
      String path,
      String bearer,
      AtomicBoolean running,
      AtomicLong ok,
      AtomicLong errors,
      Histogram h,
      CountDownLatch done) {
    if (!running.get()) {
      done.countDown();
      return;
    }
    long t0 = System.nanoTime();
    client
        .request(HttpMethod.GET, path)
        .compose(
            req -> {
              if (bearer != null) {
                req.putHeader("Authorization", "Bearer " + bearer);
              }
              return req.send().compose(resp -> resp.body().map(b -> resp.statusCode()));
            })
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result() == 200) {
                ok.incrementAndGet();
                if (h != null) {
                  synchronized (h) {
                    h.recordValue(Math.min((System.nanoTime() - t0) / 1000, 60_000_000L));
                  }
                }
              } else {
                errors.incrementAndGet();
              }
              loop(client, path, bearer, running, ok, errors, h, done);
            });
  }

  /** Waits for the server's readiness and the baseline's first answer; fails after 30 s. */
  static void awaitUp(int serverPort, Process server, int rawPort, Process raw) {
    check(
        Processes.awaitOk(
            "http://127.0.0.1:" + serverPort + "/health/ready", Duration.ofSeconds(30), server),
        "server");
    check(
        Processes.awaitOk("http://127.0.0.1:" + rawPort + "/", Duration.ofSeconds(30), raw),
        "raw server");
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what + " did not come up");
    }
  }
}
