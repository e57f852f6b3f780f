package io.uptimemesh.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.uptimemesh.core.config.EtcdClientConfig;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(90)
class WatchCacheIT {
  record Doc(String v) {}

  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.members(3);

  private static final Duration DEADLINE = Duration.ofSeconds(1);

  private Vertx vertx;
  private KeyLayout layout;
  private Client writerClient;
  private EtcdStore writer;
  private Client cacheClient;
  private WatchCache cache;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    layout = new KeyLayout("/wc-" + UUID.randomUUID().toString().substring(0, 8));
    writerClient = EtcdClients.create(etcd.endpoints(), DEADLINE);
    writer = store(writerClient);
  }

  @AfterEach
  void tearDown() {
    if (cache != null) {
      Await.result(cache.stop());
    }
    if (cacheClient != null) {
      cacheClient.close();
    }
    writerClient.close();
    Await.result(vertx.close());
  }

  @Test
  void listsExistingKeysThenFollowsPutsAndDeletes() {
    Await.result(writer.put(layout.root() + "a", new Doc("1")));
    Await.result(writer.put(layout.root() + "b", new Doc("2")));
    startCache(etcd.endpoints());

    await().atMost(Duration.ofSeconds(10)).until(cache::synced);
    assertThat(cache.snapshot().entries()).containsKeys(layout.root() + "a", layout.root() + "b");

    long rev = Await.result(writer.put(layout.root() + "c", new Doc("3")));
    long current =
        Await.result(writer.get(layout.root() + "a", Doc.class)).orElseThrow().modRevision();
    Await.result(writer.delete(layout.root() + "a", current));

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(cache.snapshot().entries().keySet())
                    .containsExactly(layout.root() + "b", layout.root() + "c"));
    assertThat(cache.snapshot().revision()).isGreaterThan(rev);
  }

  @Test
  void snapshotsHandedOutNeverChange() {
    startCache(etcd.endpoints());
    await().atMost(Duration.ofSeconds(10)).until(cache::synced);
    CacheSnapshot before = cache.snapshot();

    Await.result(writer.put(layout.root() + "new", new Doc("x")));
    await().atMost(Duration.ofSeconds(5)).until(() -> cache.snapshot().size() == before.size() + 1);

    assertThat(before.get(layout.root() + "new")).isEmpty();
  }

  @Test
  void convergesAfterItsMemberMissedWritesAndACompaction() {
    // The cache talks to member 0 only; the others keep the cluster writable while it is gone.
    startCache(List.of(etcd.member(0).clientUrl()));
    await().atMost(Duration.ofSeconds(10)).until(cache::synced);
    Await.result(writer.put(layout.root() + "before", new Doc("b")));
    await().atMost(Duration.ofSeconds(5)).until(() -> cache.snapshot().size() == 1);

    etcd.member(0).kill();
    Client others =
        EtcdClients.create(
            List.of(etcd.member(1).clientUrl(), etcd.member(2).clientUrl()), DEADLINE);
    try {
      EtcdStore otherStore = store(others);
      // Member 0 may have been the leader: writes fail until the other two elect one.
      await()
          .atMost(Duration.ofSeconds(15))
          .ignoreExceptions()
          .until(
              () -> Await.result(otherStore.put(layout.root() + "while-away-1", new Doc("1"))) > 0);
      long latest = Await.result(otherStore.put(layout.root() + "while-away-2", new Doc("2")));
      // Compact away every revision the cache's watch would resume from.
      Await.result(io.vertx.core.Future.fromCompletionStage(others.getKVClient().compact(latest)));
    } finally {
      others.close();
    }
    etcd.member(0).start();
    etcd.member(0).awaitHealthy(Duration.ofSeconds(30));

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(cache.synced()).isTrue();
              assertThat(cache.snapshot().entries())
                  .containsKeys(
                      layout.root() + "before",
                      layout.root() + "while-away-1",
                      layout.root() + "while-away-2");
            });
  }

  @Test
  void awaitRevisionCompletesWhenTheWriteIsVisibleAndGivesUpAfterTheTimeout() {
    startCache(etcd.endpoints());
    await().atMost(Duration.ofSeconds(10)).until(cache::synced);

    long rev = Await.result(writer.put(layout.root() + "ryw", new Doc("v")));
    Await.result(cache.awaitRevision(rev, Duration.ofSeconds(5)));

    // No polling: once awaitRevision completed, the write is in the snapshot.
    assertThat(cache.snapshot().get(layout.root() + "ryw")).isPresent();
    long started = System.nanoTime();
    Await.result(cache.awaitRevision(rev + 1_000_000, Duration.ofMillis(300)));
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
  }

  @Test
  void resyncsAfterEtcdWasReportedUnreachable() {
    startCache(etcd.endpoints());
    await().atMost(Duration.ofSeconds(10)).until(cache::synced);

    cache.etcdUnreachable();
    await().atMost(Duration.ofSeconds(2)).until(() -> !cache.synced());
    Await.result(writer.put(layout.root() + "late", new Doc("l")));
    cache.etcdReachable();

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(cache.synced()).isTrue();
              assertThat(cache.snapshot().get(layout.root() + "late")).isPresent();
            });
  }

  private void startCache(List<java.net.URI> endpoints) {
    cacheClient = EtcdClients.create(endpoints, DEADLINE);
    cache = new WatchCache(vertx, cacheClient.getWatchClient(), store(cacheClient));
    cache.start();
  }

  private EtcdStore store(Client client) {
    return new EtcdStore(
        client.getKVClient(),
        client.getLeaseClient(),
        layout,
        new EtcdCallPolicy(vertx, new EtcdClientConfig(DEADLINE, 2, Duration.ofMillis(50))));
  }
}
