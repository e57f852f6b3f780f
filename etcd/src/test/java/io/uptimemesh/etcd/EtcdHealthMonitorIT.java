package io.uptimemesh.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.uptimemesh.core.config.EtcdHealthConfig;
import io.uptimemesh.core.etcd.EtcdHealthState;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(90)
class EtcdHealthMonitorIT {
  private static final Duration DEADLINE = Duration.ofMillis(500);
  private static final EtcdHealthConfig FAST =
      new EtcdHealthConfig(
          Duration.ofMillis(200),
          Duration.ofMillis(300),
          Duration.ofMillis(800),
          Duration.ofMillis(2000));

  private Vertx vertx;
  private Client client;
  private EtcdHealthMonitor monitor;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    if (monitor != null) {
      Await.result(monitor.stop());
    }
    if (client != null) {
      client.close();
    }
    Await.result(vertx.close());
  }

  void startMonitor(EtcdClusterExtension etcd) {
    client = EtcdClients.create(etcd.endpoints(), DEADLINE);
    monitor =
        new EtcdHealthMonitor(
            vertx,
            client.getKVClient(),
            new KeyLayout("/hm"),
            etcd.endpoints(),
            FAST,
            DEADLINE,
            Clock.systemUTC());
    monitor.start();
  }

  @Nested
  class SingleMember {
    @RegisterExtension final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    @Test
    void goesOkThenStaleThenDownWhenEtcdStopsAndOkWhenItReturns() {
      List<String> published = new CopyOnWriteArrayList<>();
      vertx
          .eventBus()
          .<JsonObject>consumer(
              EtcdHealthMonitor.ADDRESS, m -> published.add(m.body().getString("status")));
      startMonitor(etcd);

      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> monitor.current().state() == EtcdHealthState.OK);
      assertThat(monitor.current().reachable()).isTrue();
      assertThat(monitor.current().revision()).isPositive();

      etcd.member(0).stop();
      await().atMost(Duration.ofSeconds(2)).until(() -> !monitor.current().reachable());
      await()
          .atMost(Duration.ofSeconds(3))
          .until(() -> monitor.current().state() == EtcdHealthState.STALE);
      await()
          .atMost(Duration.ofSeconds(4))
          .until(() -> monitor.current().state() == EtcdHealthState.DOWN);
      assertThat(monitor.current().lastError()).isNotBlank();

      etcd.member(0).start();
      etcd.member(0).awaitHealthy(Duration.ofSeconds(20));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> monitor.current().state() == EtcdHealthState.OK);
      assertThat(published).containsSubsequence("ok", "stale", "down", "ok");
    }

    @Test
    void aHungMemberStillGetsGradedOnTime() {
      startMonitor(etcd);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> monitor.current().state() == EtcdHealthState.OK);

      etcd.member(0).pause();
      try {
        // Probes hang on a SIGSTOPped member; deadlines keep rounds going, so grading goes on.
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> monitor.current().state() == EtcdHealthState.DOWN);
      } finally {
        etcd.member(0).resume();
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> monitor.current().state() == EtcdHealthState.OK);
    }
  }

  @Nested
  class ThreeMembers {
    @RegisterExtension final EtcdClusterExtension etcd = EtcdClusterExtension.members(3);

    @Test
    void losingOneMemberIsDegradedButReachable() {
      startMonitor(etcd);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> monitor.current().state() == EtcdHealthState.OK);

      etcd.member(2).kill();

      // If member 2 led, the quorum probe fails during the election (degraded, unreachable);
      // then quorum answers again with one endpoint down: still degraded, and reachable.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> monitor.current().reachable() && monitor.current().healthyEndpoints() == 2);
      EtcdHealth h = monitor.current();
      assertThat(h.state()).isEqualTo(EtcdHealthState.DEGRADED);
      assertThat(h.endpoints().get(2).healthy()).isFalse();
      assertThat(h.endpoints().get(2).error()).isNotBlank();
    }
  }
}
