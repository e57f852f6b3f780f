package io.uptimemesh.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import io.uptimemesh.core.config.EtcdClientConfig;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class EtcdStoreIT {
  record Doc(String name, int n) {}

  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private static final Duration DEADLINE = Duration.ofMillis(800);

  private Vertx vertx;
  private Client client;
  private EtcdStore store;
  private KeyLayout layout;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    client = EtcdClients.create(etcd.endpoints(), DEADLINE);
    layout = new KeyLayout("/it-" + UUID.randomUUID().toString().substring(0, 8));
    EtcdCallPolicy policy =
        new EtcdCallPolicy(vertx, new EtcdClientConfig(DEADLINE, 2, Duration.ofMillis(50)));
    store = new EtcdStore(client.getKVClient(), client.getLeaseClient(), layout, policy);
  }

  @AfterEach
  void tearDown() {
    client.close();
    Await.result(vertx.close());
  }

  @Test
  void putThenGetRoundTripsWithRevisions() {
    String key = layout.root() + "docs/a";
    long rev = Await.result(store.put(key, new Doc("a", 1)));

    Versioned<Doc> read = Await.result(store.get(key, Doc.class)).orElseThrow();

    assertThat(read.value()).isEqualTo(new Doc("a", 1));
    assertThat(read.modRevision()).isEqualTo(rev);
    assertThat(read.createRevision()).isEqualTo(rev);
    assertThat(Await.result(store.get(layout.root() + "docs/missing", Doc.class))).isEmpty();
  }

  @Test
  void createWritesOnlyWhenAbsent() {
    String key = layout.root() + "docs/once";
    assertThat(Await.result(store.create(key, new Doc("first", 1)))).isPresent();
    assertThat(Await.result(store.create(key, new Doc("second", 2)))).isEmpty();
    assertThat(Await.result(store.get(key, Doc.class)).orElseThrow().value().name())
        .isEqualTo("first");
  }

  @Test
  void racingCreatesHaveExactlyOneWinner() {
    String key = layout.root() + "docs/race";
    List<Future<Optional<Long>>> attempts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      attempts.add(store.create(key, new Doc("w" + i, i)));
    }
    Await.result(Future.join(attempts));

    long winners = attempts.stream().filter(f -> f.result().isPresent()).count();
    assertThat(winners).isEqualTo(1);
  }

  @Test
  void compareAndSwapRefusesAStaleRevision() {
    String key = layout.root() + "docs/cas";
    long first = Await.result(store.put(key, new Doc("v1", 1)));
    long second = Await.result(store.compareAndSwap(key, first, new Doc("v2", 2))).orElseThrow();

    assertThat(second).isGreaterThan(first);
    assertThat(Await.result(store.compareAndSwap(key, first, new Doc("stale", 0)))).isEmpty();
    assertThat(Await.result(store.get(key, Doc.class)).orElseThrow().value().name())
        .isEqualTo("v2");
  }

  @Test
  void deleteNeedsTheCurrentRevision() {
    String key = layout.root() + "docs/del";
    long rev = Await.result(store.put(key, new Doc("d", 1)));
    Await.result(store.put(key, new Doc("d", 2)));

    assertThat(Await.result(store.delete(key, rev))).isFalse();
    long current = Await.result(store.get(key, Doc.class)).orElseThrow().modRevision();
    assertThat(Await.result(store.delete(key, current))).isTrue();
    assertThat(Await.result(store.get(key, Doc.class))).isEmpty();
  }

  @Test
  void listReturnsThePrefixInKeyOrder() {
    Await.result(store.put(layout.root() + "l/b", new Doc("b", 2)));
    Await.result(store.put(layout.root() + "l/a", new Doc("a", 1)));
    Await.result(store.put(layout.root() + "other", new Doc("x", 0)));

    List<Versioned<Doc>> listed = Await.result(store.list(layout.root() + "l/", Doc.class));

    assertThat(listed).extracting(v -> v.value().name()).containsExactly("a", "b");
  }

  @Test
  void aTransactionAppliesEverythingOrNothing() {
    String a = layout.root() + "tx/a";
    String b = layout.root() + "tx/b";

    var first =
        Await.result(
            store
                .transaction()
                .requireAbsent(a)
                .put(a, new Doc("a", 1))
                .put(b, new Doc("b", 1))
                .commit("tx 1"));
    var second =
        Await.result(
            store
                .transaction()
                .requireAbsent(a)
                .put(a, new Doc("a", 2))
                .put(b, new Doc("b", 2))
                .commit("tx 2"));

    assertThat(first).isPresent();
    assertThat(second).isEmpty();
    assertThat(Await.result(store.get(b, Doc.class)).orElseThrow().value().n()).isEqualTo(1);

    long rev = Await.result(store.get(b, Doc.class)).orElseThrow().modRevision();
    var third =
        Await.result(
            store
                .transaction()
                .requireModRevision(b, rev)
                .delete(a)
                .put(b, new Doc("b", 3))
                .commit("tx 3"));
    assertThat(third).isPresent();
    assertThat(Await.result(store.get(a, Doc.class))).isEmpty();
    assertThat(Await.result(store.get(b, Doc.class)).orElseThrow().value().n()).isEqualTo(3);
  }

  @Test
  void aKeyOnALeaseVanishesWhenTheLeaseIsNotKeptAlive() {
    String key = layout.root() + "alive/n1";
    long lease = Await.result(store.grantLease(Duration.ofSeconds(2)));
    Await.result(store.transaction().put(key, new Doc("n1", 1), lease).commit("put alive"));

    assertThat(Await.result(store.keepAlive(lease))).isTrue();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(6))
        .until(() -> Await.result(store.get(key, Doc.class)).isEmpty());
    assertThat(Await.result(store.keepAlive(lease))).isFalse();
  }

  @Test
  void aStoppedEtcdFailsFastAsUnavailable() {
    etcd.member(0).stop();
    long started = System.nanoTime();

    Throwable failure =
        Await.failure(store.get(layout.clusterMeta(), Doc.class), Duration.ofSeconds(10));

    assertThat(failure)
        .isInstanceOfSatisfying(
            UptimeMeshException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ETCD_UNAVAILABLE));
    // Three attempts, each bounded by the deadline, plus backoff: well under 4 s.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void aHungEtcdHitsTheDeadlineInsteadOfHanging() {
    Await.result(store.revision()); // connection established while healthy
    etcd.member(0).pause();
    try {
      long started = System.nanoTime();
      Throwable failure =
          Await.failure(store.put(layout.root() + "hung", new Doc("h", 1)), Duration.ofSeconds(10));

      assertThat(failure)
          .isInstanceOfSatisfying(
              UptimeMeshException.class,
              e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ETCD_UNAVAILABLE));
      // A write is tried once: it fails after one deadline (plus the guard margin), not three.
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isGreaterThanOrEqualTo(DEADLINE.minusMillis(50))
          .isLessThan(DEADLINE.multipliedBy(2));
    } finally {
      etcd.member(0).resume();
    }
  }
}
