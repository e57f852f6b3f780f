package io.uptimemesh.bench;

import io.uptimemesh.core.heartbeat.Heartbeat;
import io.uptimemesh.core.heartbeat.HeartbeatSignatures;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Joined simulated nodes that heartbeat like agents: each every {@code interval}, signed just
 * before it leaves (the server refuses a heartbeat older than its skew window), spread evenly over
 * the interval, from a thread of its own. Their leases stay alive, so the node listing pays for
 * live nodes, not stale ones.
 */
final class ClusterHeartbeats implements AutoCloseable {
  private final WebClient http;
  private final List<BenchNodes.Node> nodes;
  private final List<Map<String, Object>> statuses;
  private final AtomicLong seq = new AtomicLong(1);
  private final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private Thread thread;

  ClusterHeartbeats(WebClient http, List<BenchNodes.Node> nodes) {
    this.http = http;
    this.nodes = nodes;
    this.statuses = new ArrayList<>(nodes.size());
    nodes.forEach(n -> statuses.add(Map.of()));
  }

  /** What node {@code i} reports from now on. */
  void status(int i, Map<String, Object> status) {
    statuses.set(i, status);
  }

  /** One heartbeat of every node, 32 at a time; fails unless every one was accepted. */
  void sendAll() {
    for (int start = 0; start < nodes.size(); start += 32) {
      List<Future<HttpResponse<Buffer>>> batch = new ArrayList<>();
      for (int i = start; i < Math.min(nodes.size(), start + 32); i++) {
        batch.add(send(i));
      }
      for (Future<HttpResponse<Buffer>> f : batch) {
        HttpResponse<Buffer> r = f.await();
        if (r.statusCode() != 200) {
          throw new IllegalStateException(
              "heartbeat: HTTP " + r.statusCode() + " " + r.bodyAsString());
        }
      }
    }
  }

  /** Starts heartbeating every node once per {@code intervalMs} until closed. */
  void start(long intervalMs) {
    running.set(true);
    long gapNanos = intervalMs * 1_000_000L / nodes.size();
    thread =
        new Thread(
            () -> {
              long next = System.nanoTime();
              for (int i = 0; running.get(); i = (i + 1) % nodes.size()) {
                next += gapNanos;
                java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime());
                send(i)
                    .onComplete(
                        ar ->
                            outcomes
                                .computeIfAbsent(
                                    ar.succeeded()
                                        ? Integer.toString(ar.result().statusCode())
                                        : "io-error",
                                    k -> new AtomicInteger())
                                .incrementAndGet());
              }
            },
            "bench-heartbeats");
    thread.setDaemon(true);
    thread.start();
  }

  /** The background heartbeats' answers so far, by HTTP status. */
  Map<String, AtomicInteger> outcomes() {
    return outcomes;
  }

  private Future<HttpResponse<Buffer>> send(int i) {
    BenchNodes.Node n = nodes.get(i);
    byte[] body =
        new Heartbeat(n.id(), seq.incrementAndGet(), System.currentTimeMillis(), statuses.get(i))
            .toBytes();
    return http.post("/api/v1/heartbeat")
        .putHeader(
            HeartbeatSignatures.SIGNATURE_HEADER,
            HeartbeatSignatures.sign(body, n.key().getPrivate()))
        .putHeader(HeartbeatSignatures.FINGERPRINT_HEADER, n.fingerprint())
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body));
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    if (thread != null) {
      thread.join(5000);
    }
  }
}
