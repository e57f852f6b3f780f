package io.uptimemesh.agent.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.agent.contract.TestNode;
import io.uptimemesh.agent.status.AgentMetrics;
import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.core.mesh.MeshPlanner;
import io.uptimemesh.wireguard.WgKeys;
import io.uptimemesh.wireguard.failover.FailoverSettings;
import io.uptimemesh.wireguard.failover.MeshPath;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real UDP probes on loopback: a peer whose probe address of one path is {@code ::1} (this
 * monitor's own echo answers) and of the other an address nothing routes, so that path fails.
 */
class PathMonitorTest {
  /** A probe address no route leads to: that path's probes fail. */
  private static final String DEAD = "fd75:6d65:7368:2::a00:2";

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final AgentMetrics metrics = new AgentMetrics();
  private final AtomicInteger reconciles = new AtomicInteger();
  private PathMonitor monitor;

  @AfterEach
  void close() throws Exception {
    if (monitor != null) {
      on(() -> monitor.stop().map(v -> (Object) null));
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static MeshPlanner.Peer peer(String probe) {
    return new MeshPlanner.Peer(
        "n2",
        WgKeys.generate().publicKey().base64(),
        "192.0.2.2:51820",
        List.of("10.200.0.2/32", probe + "/128"));
  }

  private void start(String primaryProbe, String secondaryProbe) throws Exception {
    DesiredState state =
        new DesiredState(
            DesiredState.SCHEMA,
            "n1",
            1,
            true,
            "10.200.0.1",
            "10.200.0.0/16",
            0,
            List.of(peer(primaryProbe)),
            List.of(peer(secondaryProbe)));
    monitor =
        new PathMonitor(
            vertx,
            new FailoverSettings(3, 2, true, Duration.ZERO, 100, 200),
            Clock.systemUTC(),
            TestNode.freePort(),
            Duration.ofMillis(100),
            Duration.ofMillis(200),
            metrics,
            () -> Optional.of(state),
            () -> {
              reconciles.incrementAndGet();
              return Future.succeededFuture();
            });
    on(() -> monitor.start().map(v -> (Object) null));
  }

  private <T> T on(Supplier<Future<T>> work) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(
        v ->
            work.get()
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        result.complete(ar.result());
                      } else {
                        result.completeExceptionally(ar.cause());
                      }
                    }));
    return result.get(10, TimeUnit.SECONDS);
  }

  private Map<String, MeshPath> active() throws Exception {
    return on(() -> Future.succeededFuture(monitor.activePaths()));
  }

  @Test
  void aHealthyPrimaryKeepsTrafficWhileTheSecondaryFails() throws Exception {
    start("::1", DEAD);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                on(
                        () ->
                            Future.succeededFuture(
                                monitor.states().get("n2").primary().consecutiveSuccesses()))
                    >= 5);
    assertThat(active()).containsEntry("n2", MeshPath.PRIMARY);
    assertThat(
            on(
                () ->
                    Future.succeededFuture(
                        monitor.states().get("n2").secondary().consecutiveFailures())))
        .isGreaterThanOrEqualTo(3);
    assertThat(reconciles).hasValue(0);
    assertThat(metrics.scrape())
        .contains("uptimemesh_agent_probe_rtt_seconds_count{path=\"primary\"}");
  }

  @Test
  void aDeadPrimaryMovesThePeerToTheSecondaryAndAsksForAReconcile() throws Exception {
    start(DEAD, "::1");
    await().atMost(Duration.ofSeconds(5)).until(() -> active().get("n2") == MeshPath.SECONDARY);
    await().atMost(Duration.ofSeconds(2)).until(() -> reconciles.get() == 1);
    assertThat(metrics.failovers()).isEqualTo(1);
    assertThat(on(() -> Future.succeededFuture(monitor.meshCidrPath())))
        .isEqualTo(MeshPath.SECONDARY);
    assertThat(metrics.scrape()).contains("uptimemesh_agent_path_time_to_switch_seconds_count 1");
  }

  @Test
  void twoDeadPathsMoveNothing() throws Exception {
    start(DEAD, "fd75:6d65:7368:1::a00:2");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                on(
                        () ->
                            Future.succeededFuture(
                                monitor.states().get("n2").primary().consecutiveFailures()))
                    >= 6);
    assertThat(active()).containsEntry("n2", MeshPath.PRIMARY);
    assertThat(metrics.failovers()).isZero();
    assertThat(reconciles).hasValue(0);
  }
}
