package io.uptimemesh.agent;

import io.uptimemesh.agent.control.ControlPlaneClient;
import io.uptimemesh.agent.identity.SequenceFile;
import io.uptimemesh.core.heartbeat.Heartbeat;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a signed heartbeat every interval ({@code POST /api/v1/heartbeat}, the identity issue's
 * format), carrying the agent's status summary. The sequence number is persisted before use, on a
 * worker. A refused heartbeat is logged once per distinct answer. Runs on the agent's context.
 */
public final class HeartbeatLoop {
  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatLoop.class);

  private final Vertx vertx;
  private final ControlPlaneClient client;
  private final SequenceFile sequence;
  private final String nodeId;
  private final Duration interval;
  private final Clock clock;
  private final Supplier<Map<String, Object>> status;
  private long timer = -1;
  private boolean inFlight;
  private String lastRefusal = "";
  private Optional<java.time.Instant> lastAccepted = Optional.empty();
  private Duration resumeGap = Duration.ofDays(365);
  private Runnable resumed = () -> {};

  public HeartbeatLoop(
      Vertx vertx,
      ControlPlaneClient client,
      SequenceFile sequence,
      String nodeId,
      Duration interval,
      Clock clock,
      Supplier<Map<String, Object>> status) {
    this.vertx = vertx;
    this.client = client;
    this.sequence = sequence;
    this.nodeId = nodeId;
    this.interval = interval;
    this.clock = clock;
    this.status = status;
  }

  public void start() {
    send();
    timer = vertx.setPeriodic(interval.toMillis(), id -> send());
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  public Optional<java.time.Instant> lastAccepted() {
    return lastAccepted;
  }

  /**
   * Runs {@code action} when a heartbeat is accepted more than {@code gap} after the one before
   * (the node's liveness lease may have expired meanwhile, taking what hung on it).
   */
  public void onResumedAfter(Duration gap, Runnable action) {
    this.resumeGap = gap;
    this.resumed = action;
  }

  /** Sends one heartbeat now unless one is still in flight. */
  public void send() {
    if (inFlight) {
      return;
    }
    inFlight = true;
    Map<String, Object> report = status.get();
    vertx
        .executeBlocking(
            () -> new Heartbeat(nodeId, sequence.next(), clock.millis(), report).toBytes(), false)
        .compose(body -> client.signed(HttpMethod.POST, "/api/v1/heartbeat", body))
        .onComplete(
            ar -> {
              inFlight = false;
              if (ar.failed()) {
                return;
              }
              if (ar.result().status() == 200) {
                java.time.Instant now = clock.instant();
                boolean resumedAfterGap =
                    lastAccepted
                        .map(l -> Duration.between(l, now).compareTo(resumeGap) > 0)
                        .orElse(false);
                lastAccepted = Optional.of(now);
                lastRefusal = "";
                if (resumedAfterGap) {
                  resumed.run();
                }
              } else if (!ar.result().text().equals(lastRefusal)) {
                lastRefusal = ar.result().text();
                LOG.warn(
                    "heartbeat refused (HTTP {}): {}", ar.result().status(), ar.result().text());
              }
            });
  }
}
