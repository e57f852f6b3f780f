package io.uptimemesh.etcd.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.core.identity.AliveRecord;
import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.core.identity.NodeStaleRecord;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.WatchCache;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class StaleNodeSweepIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private static final long NOW = 1_800_000_000_000L;
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

  private ElectionFixture fx;
  private EtcdStore store;
  private KeyLayout keys;
  private Fence fence;
  private StaleNodeSweep sweep;
  private io.etcd.jetcd.Client leaderClient;
  private WatchCache cache;

  @BeforeEach
  void setUp() {
    fx = new ElectionFixture(etcd.endpoints());
    ElectionFixture.Node leader = fx.node("core-1");
    leader.election().start();
    await().atMost(Duration.ofSeconds(10)).until(() -> leader.election().isLeader());
    fence = leader.election().fence().orElseThrow();
    store = leader.store();
    keys = store.layout();
    leaderClient = leader.client();
    sweep = new StaleNodeSweep(store, null, Duration.ofSeconds(5), CLOCK);
  }

  @AfterEach
  void tearDown() {
    if (cache != null) {
      Await.result(cache.stop());
    }
    fx.close();
  }

  @ParameterizedTest(name = "watch cache: {0}")
  @ValueSource(booleans = {false, true})
  void marksNodesWithoutALeaseOnceAndClearsTheMarkWhenTheyReturn(boolean withCache) {
    if (withCache) {
      cache = new WatchCache(fx.vertx, leaderClient.getWatchClient(), store);
      cache.start();
      await().atMost(Duration.ofSeconds(10)).until(cache::synced);
      sweep = new StaleNodeSweep(store, cache, Duration.ofSeconds(5), CLOCK);
    }
    node("alive-1", false);
    node("gone-1", false);
    node("revoked-1", true);
    long lease = Await.result(store.grantLease(Duration.ofSeconds(30)));
    Await.result(
        store
            .transaction()
            .put(keys.alive("alive-1"), new AliveRecord("alive-1", NOW), lease)
            .commit("alive"));

    catchUp();
    assertThat(Await.result(sweep.sweep(fence))).isEqualTo(2);
    assertThat(marker("gone-1")).isEqualTo(new NodeStaleRecord("gone-1", NOW));
    assertThat(marker("revoked-1")).isNotNull();
    assertThat(marker("alive-1")).isNull();

    // Steady state: nothing changes, nothing is written.
    catchUp();
    long before = Await.result(store.revision());
    assertThat(Await.result(sweep.sweep(fence))).isZero();
    assertThat(Await.result(store.revision())).isEqualTo(before);

    // gone-1 comes back: its mark goes; a deleted node's mark goes too.
    Await.result(
        store
            .transaction()
            .put(keys.alive("gone-1"), new AliveRecord("gone-1", NOW), lease)
            .commit("alive"));
    Await.result(store.transaction().delete(keys.node("revoked-1")).commit("delete"));
    catchUp();
    assertThat(Await.result(sweep.sweep(fence))).isEqualTo(2);
    assertThat(marker("gone-1")).isNull();
    assertThat(marker("revoked-1")).isNull();
  }

  @Test
  void aDeposedLeaderWritesNothing() {
    node("gone-1", false);
    Fence stale = new Fence(fence.electionKey(), fence.createRevision() - 1);
    assertThat(Await.result(sweep.sweep(stale))).isZero();
    assertThat(marker("gone-1")).isNull();
  }

  /** With a cache, the sweep decides on what the cache shows: let it see the last write. */
  private void catchUp() {
    if (cache != null) {
      Await.result(cache.awaitRevision(Await.result(store.revision()), Duration.ofSeconds(5)));
    }
  }

  private void node(String id, boolean revoked) {
    NodeRecord n =
        new NodeRecord(
            id,
            id,
            "worker",
            Map.of(),
            null,
            null,
            "10.42.0.9",
            "PEM",
            "fp-" + id,
            NOW,
            NOW,
            revoked,
            revoked ? NOW : 0);
    Await.result(store.put(keys.node(id), n));
  }

  private NodeStaleRecord marker(String id) {
    return Await.result(store.get(keys.nodeStale(id), NodeStaleRecord.class))
        .map(v -> v.value())
        .orElse(null);
  }
}
